/* otaux-declined: the declined releases, one key file (see otaux-declined.h). */
#include "otaux-declined.h"

#include "otaux-fs.h"

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-declined-error-quark, otaux_declined_error)
// clang-format on

#define GROUP "declined"

struct _OtauxDeclined {
  char *path;
  GKeyFile *keys; /* [declined] key=version */
};

void otaux_declined_free(OtauxDeclined *state)
{
  if (state == NULL)
    return;
  g_free(state->path);
  g_key_file_unref(state->keys);
  g_free(state);
}

OtauxDeclined *otaux_declined_load(const char *path, GError **error)
{
  g_autoptr(OtauxDeclined) state = g_new0(OtauxDeclined, 1);
  g_autoptr(GError) local = NULL;

  state->path = g_strdup(path);
  state->keys = g_key_file_new();
  if (!g_key_file_load_from_file(state->keys, path, G_KEY_FILE_NONE, &local)) {
    if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      g_set_error(error, OTAUX_DECLINED_ERROR, 0, "%s: %s", path, local->message);
      return NULL;
    }
  }
  return g_steal_pointer(&state);
}

const char *otaux_declined_get(OtauxDeclined *state, const char *key)
{
  g_autofree char *value = g_key_file_get_string(state->keys, GROUP, key, NULL);

  if (value == NULL)
    return NULL;
  /* interned: the caller need not free it, and it outlives a later decline */
  return g_intern_string(value);
}

gboolean otaux_declined_is_declined(OtauxDeclined *state, const char *key, const char *version)
{
  return g_strcmp0(otaux_declined_get(state, key), version) == 0 && version != NULL;
}

gboolean otaux_declined_decline(OtauxDeclined *state, const char *key, const char *version,
                                GError **error)
{
  g_autoptr(GKeyFile) copy = g_key_file_new();
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;

  if (otaux_declined_is_declined(state, key, version))
    return TRUE;
  /* Work on a copy, so a failed write leaves the memory as the disk. */
  data = g_key_file_to_data(state->keys, &len, NULL);
  if (!g_key_file_load_from_data(copy, data, len, G_KEY_FILE_NONE, error))
    return FALSE;
  g_key_file_set_string(copy, GROUP, key, version);
  g_free(data);
  data = g_key_file_to_data(copy, &len, NULL);
  if (!otaux_fs_write_atomically(state->path, data, len, &local)) {
    g_set_error(error, OTAUX_DECLINED_ERROR, 0, "%s", local->message);
    return FALSE;
  }
  g_key_file_unref(state->keys);
  state->keys = g_steal_pointer(&copy);
  return TRUE;
}
