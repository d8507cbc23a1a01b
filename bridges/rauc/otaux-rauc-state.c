/* otaux-rauc-state: the activated slot across the reboot (see otaux-rauc-state.h). */
#include "otaux-rauc-state.h"

#include "otaux-fs.h"

#include <errno.h>
#include <glib/gstdio.h>

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-rauc-state-error-quark, otaux_rauc_state_error)
// clang-format on

#define GROUP "activated"

void otaux_rauc_activation_free(OtauxRaucActivation *activation)
{
  if (activation == NULL)
    return;
  g_free(activation->id);
  g_free(activation->compatible);
  g_free(activation->version);
  g_free(activation->name);
  g_free(activation->slot);
  g_free(activation->bootname);
  g_free(activation->from);
  g_free(activation->boot_id);
  g_free(activation);
}

OtauxRaucActivation *otaux_rauc_state_load(const char *path, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new();
  g_autoptr(GError) local = NULL;
  g_autoptr(OtauxRaucActivation) activation = g_new0(OtauxRaucActivation, 1);

  if (!g_key_file_load_from_file(keys, path, G_KEY_FILE_NONE, &local)) {
    if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_set_error(error, OTAUX_RAUC_STATE_ERROR, 0, "%s: %s", path, local->message);
    return NULL;
  }
  activation->id = g_key_file_get_string(keys, GROUP, "id", NULL);
  activation->compatible = g_key_file_get_string(keys, GROUP, "compatible", NULL);
  activation->version = g_key_file_get_string(keys, GROUP, "version", NULL);
  activation->name = g_key_file_get_string(keys, GROUP, "name", NULL);
  activation->slot = g_key_file_get_string(keys, GROUP, "slot", NULL);
  activation->bootname = g_key_file_get_string(keys, GROUP, "bootname", NULL);
  activation->from = g_key_file_get_string(keys, GROUP, "from", NULL);
  activation->boot_id = g_key_file_get_string(keys, GROUP, "boot-id", NULL);
  if (activation->id == NULL || activation->compatible == NULL || activation->version == NULL ||
      activation->bootname == NULL) {
    g_set_error(error, OTAUX_RAUC_STATE_ERROR, 0, "%s: incomplete [%s]", path, GROUP);
    return NULL;
  }
  return g_steal_pointer(&activation);
}

static void set(GKeyFile *keys, const char *key, const char *value)
{
  if (value != NULL)
    g_key_file_set_string(keys, GROUP, key, value);
}

gboolean otaux_rauc_state_save(const char *path, const OtauxRaucActivation *activation,
                               GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new();
  g_autoptr(GError) local = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  set(keys, "id", activation->id);
  set(keys, "compatible", activation->compatible);
  set(keys, "version", activation->version);
  set(keys, "name", activation->name);
  set(keys, "slot", activation->slot);
  set(keys, "bootname", activation->bootname);
  set(keys, "from", activation->from);
  set(keys, "boot-id", activation->boot_id);
  data = g_key_file_to_data(keys, &len, NULL);
  if (!otaux_fs_write_atomically(path, data, len, &local)) {
    g_set_error(error, OTAUX_RAUC_STATE_ERROR, 0, "%s", local->message);
    return FALSE;
  }
  return TRUE;
}

gboolean otaux_rauc_state_clear(const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname(path);
  g_autoptr(GError) local = NULL;

  if (g_unlink(path) != 0) {
    if (errno == ENOENT)
      return TRUE;
    g_set_error(error, OTAUX_RAUC_STATE_ERROR, 0, "%s: %s", path, g_strerror(errno));
    return FALSE;
  }
  if (!otaux_fs_sync_dir(dir, &local)) {
    g_set_error(error, OTAUX_RAUC_STATE_ERROR, 0, "%s", local->message);
    return FALSE;
  }
  return TRUE;
}
