#include "otaux-fwupd-state.h"

#include "otaux-fs.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

GQuark otaux_fwupd_state_error_quark(void)
{
  return g_quark_from_static_string("otaux-fwupd-state-error-quark");
}

#define GROUP "declined"

struct _OtauxFwupdState {
  char *path;
  GKeyFile *keys; /* [declined] device-id=version */
};

void otaux_fwupd_state_free(OtauxFwupdState *state)
{
  if (state == NULL)
    return;
  g_free(state->path);
  g_key_file_unref(state->keys);
  g_free(state);
}

OtauxFwupdState *otaux_fwupd_state_load(const char *path, GError **error)
{
  g_autoptr(OtauxFwupdState) state = g_new0(OtauxFwupdState, 1);
  g_autoptr(GError) local = NULL;

  state->path = g_strdup(path);
  state->keys = g_key_file_new();
  if (!g_key_file_load_from_file(state->keys, path, G_KEY_FILE_NONE, &local)) {
    if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      g_set_error(error, OTAUX_FWUPD_STATE_ERROR, 0, "%s: %s", path, local->message);
      return NULL;
    }
  }
  return g_steal_pointer(&state);
}

gboolean otaux_fwupd_state_is_declined(OtauxFwupdState *state, const char *device_id,
                                       const char *version)
{
  g_autofree char *declined = g_key_file_get_string(state->keys, GROUP, device_id, NULL);
  return declined != NULL && g_strcmp0(declined, version) == 0;
}

static gboolean write_atomically(const char *path, const char *data, gsize len, GError **error)
{
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *tmp = g_strconcat(path, ".XXXXXX", NULL);
  g_autoptr(GError) local = NULL;
  gsize done = 0;
  int fd;

  /* The first decline makes the folder (or makes it again, when it went):
   * synced into its parent before the file in it counts as written. */
  if (!otaux_fs_mkdir_synced(dir, 0700, &local)) {
    g_set_error(error, OTAUX_FWUPD_STATE_ERROR, 0, "%s", local->message);
    return FALSE;
  }
  fd = g_mkstemp(tmp);
  if (fd < 0) {
    g_set_error(error, OTAUX_FWUPD_STATE_ERROR, 0, "%s: %s", tmp, g_strerror(errno));
    return FALSE;
  }
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    done += (gsize)n;
  }
  if (done < len || fsync(fd) != 0) {
    int err = errno;
    close(fd);
    g_unlink(tmp);
    g_set_error(error, OTAUX_FWUPD_STATE_ERROR, 0, "%s: %s", tmp, g_strerror(err));
    return FALSE;
  }
  close(fd);
  if (g_rename(tmp, path) != 0) {
    int err = errno;
    g_unlink(tmp);
    g_set_error(error, OTAUX_FWUPD_STATE_ERROR, 0, "%s: %s", path, g_strerror(err));
    return FALSE;
  }
  /* the rename itself is durable only once the folder is synced */
  if (!otaux_fs_sync_dir(dir, &local)) {
    g_set_error(error, OTAUX_FWUPD_STATE_ERROR, 0, "%s", local->message);
    return FALSE;
  }
  return TRUE;
}

gboolean otaux_fwupd_state_decline(OtauxFwupdState *state, const char *device_id,
                                   const char *version, GError **error)
{
  g_autoptr(GKeyFile) copy = g_key_file_new();
  g_autofree char *data = NULL;
  gsize len = 0;

  if (otaux_fwupd_state_is_declined(state, device_id, version))
    return TRUE;
  /* Work on a copy, so a failed write leaves the memory as the disk. */
  data = g_key_file_to_data(state->keys, &len, NULL);
  if (!g_key_file_load_from_data(copy, data, len, G_KEY_FILE_NONE, error))
    return FALSE;
  g_key_file_set_string(copy, GROUP, device_id, version);
  g_free(data);
  data = g_key_file_to_data(copy, &len, NULL);
  if (!write_atomically(state->path, data, len, error))
    return FALSE;
  g_key_file_unref(state->keys);
  state->keys = g_steal_pointer(&copy);
  return TRUE;
}
