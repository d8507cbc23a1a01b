/* otaux-rauc-map: the mapping tables of docs/rauc.md (see otaux-rauc-map.h). */
#include "otaux-rauc-map.h"

#include <string.h>

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-rauc-map-error-quark, otaux_rauc_map_error)
// clang-format on

/* RAUC 1.8 reports a failed install only as text (Completed gives 1): the
 * words it uses, as seen from the real service (docs/rauc.md). */
static const struct {
  const char *words;
  guint result;
} error_rows[] = {
  { "Compatible mismatch", 403 },
  { "signature verification failed", 404 },
  { "Invalid bundle format", 402 },
  { "Failed to mount bundle", 402 },
  { "Failed to open bundle", 402 },
  { "payload size", 402 },
  { "checksum", 402 },
  { "No space left on device", 502 },
};

guint otaux_rauc_result_from_error(const char *last_error)
{
  for (gsize i = 0; last_error != NULL && i < G_N_ELEMENTS(error_rows); i++)
    if (strstr(last_error, error_rows[i].words) != NULL)
      return error_rows[i].result;
  return 410;
}

const char *otaux_rauc_map_row(guint index, guint *result)
{
  if (index >= G_N_ELEMENTS(error_rows))
    return NULL;
  *result = error_rows[index].result;
  return error_rows[index].words;
}

void otaux_rauc_manifest_clear(OtauxRaucManifest *manifest)
{
  g_clear_pointer(&manifest->compatible, g_free);
  g_clear_pointer(&manifest->version, g_free);
  g_clear_pointer(&manifest->description, g_free);
  g_clear_pointer(&manifest->build, g_free);
}

gboolean otaux_rauc_parse_info(const char *text, OtauxRaucManifest *manifest, GError **error)
{
  static const char *const names[] = { "RAUC_MF_COMPATIBLE", "RAUC_MF_VERSION",
                                       "RAUC_MF_DESCRIPTION", "RAUC_MF_BUILD" };
  char **fields[] = { &manifest->compatible, &manifest->version, &manifest->description,
                      &manifest->build };
  g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);

  otaux_rauc_manifest_clear(manifest);
  for (char **line = lines; *line != NULL; line++) {
    const char *eq = strchr(*line, '=');

    if (eq == NULL)
      continue;
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
      g_autoptr(GError) local = NULL;
      char *value;

      if ((gsize)(eq - *line) != strlen(names[i]) || strncmp(*line, names[i], eq - *line) != 0)
        continue;
      value = g_shell_unquote(eq + 1, &local);
      if (value == NULL || !g_utf8_validate(value, -1, NULL)) {
        g_free(value);
        otaux_rauc_manifest_clear(manifest);
        g_set_error(error, OTAUX_RAUC_MAP_ERROR, OTAUX_RAUC_MAP_ERROR_PARSE,
                    "%s: not a shell word in UTF-8", names[i]);
        return FALSE;
      }
      g_free(*fields[i]);
      *fields[i] = value;
    }
  }
  if (manifest->compatible == NULL || *manifest->compatible == '\0' || manifest->version == NULL ||
      *manifest->version == '\0') {
    otaux_rauc_manifest_clear(manifest);
    g_set_error(error, OTAUX_RAUC_MAP_ERROR, OTAUX_RAUC_MAP_ERROR_PARSE,
                "the manifest names no compatible or no version");
    return FALSE;
  }
  return TRUE;
}

void otaux_rauc_sidecar_clear(OtauxRaucSidecar *sidecar)
{
  g_clear_pointer(&sidecar->priority, g_free);
  g_clear_pointer(&sidecar->release_notes, g_free);
  g_clear_pointer(&sidecar->install_message, g_free);
}

#define SIDECAR_GROUP "otaux"

gboolean otaux_rauc_parse_sidecar(const char *path, OtauxRaucSidecar *sidecar, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new();
  g_autoptr(GError) local = NULL;

  otaux_rauc_sidecar_clear(sidecar);
  if (!g_key_file_load_from_file(keys, path, G_KEY_FILE_NONE, &local)) {
    if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return TRUE;
    g_set_error(error, OTAUX_RAUC_MAP_ERROR, OTAUX_RAUC_MAP_ERROR_PARSE, "%s: %s", path,
                local->message);
    return FALSE;
  }
  sidecar->priority = g_key_file_get_string(keys, SIDECAR_GROUP, "priority", NULL);
  sidecar->release_notes = g_key_file_get_string(keys, SIDECAR_GROUP, "release-notes", NULL);
  sidecar->install_message = g_key_file_get_string(keys, SIDECAR_GROUP, "install-message", NULL);
  if (sidecar->priority != NULL && g_strcmp0(sidecar->priority, "low") != 0 &&
      g_strcmp0(sidecar->priority, "medium") != 0 && g_strcmp0(sidecar->priority, "high") != 0) {
    g_set_error(error, OTAUX_RAUC_MAP_ERROR, OTAUX_RAUC_MAP_ERROR_PARSE,
                "%s: priority '%s' is not low, medium or high", path, sidecar->priority);
    otaux_rauc_sidecar_clear(sidecar);
    return FALSE;
  }
  return TRUE;
}

char *otaux_rauc_offer_id(const char *compatible, const char *version)
{
  return g_strdup_printf("rauc:%s:%s", compatible, version);
}
