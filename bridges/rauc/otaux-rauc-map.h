/* otaux-rauc-map: what RAUC says, in otaux's terms (docs/rauc.md): the
 * result code for RAUC's LastError, the manifest from `rauc info
 * --output-format=shell`, the sidecar file beside a bundle. Pure GLib. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_RAUC_MAP_ERROR (otaux_rauc_map_error_quark())
GQuark otaux_rauc_map_error_quark(void);

typedef enum {
  OTAUX_RAUC_MAP_ERROR_PARSE, /* the text is not what RAUC or the sidecar format writes */
} OtauxRaucMapError;

/* The FUMO result for a failed install, from the text of RAUC's LastError
 * (the first matching row of one table; 410 when none matches). */
guint otaux_rauc_result_from_error(const char *last_error);

/* One row of that table, for the docs test: NULL past the end. */
const char *otaux_rauc_map_row(guint index, guint *result);

typedef struct {
  char *compatible;
  char *version;
  char *description;
  char *build;
} OtauxRaucManifest;

void otaux_rauc_manifest_clear(OtauxRaucManifest *manifest);

/* `rauc info --output-format=shell` output: RAUC_MF_COMPATIBLE='…' lines,
 * shell-quoted. Compatible and version must be there. */
gboolean otaux_rauc_parse_info(const char *text, OtauxRaucManifest *manifest,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef struct {
  char *priority;        /* low | medium | high, or NULL: the policy's default */
  char *release_notes;   /* or NULL */
  char *install_message; /* or NULL */
} OtauxRaucSidecar;

void otaux_rauc_sidecar_clear(OtauxRaucSidecar *sidecar);

/* NAME.raucb.otaux: a key file with one group [otaux] and the keys
 * priority, release-notes, install-message. A missing file is no error
 * (all NULL); a bad priority or a bad file is. */
gboolean otaux_rauc_parse_sidecar(const char *path, OtauxRaucSidecar *sidecar,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* rauc:COMPATIBLE:VERSION */
char *otaux_rauc_offer_id(const char *compatible, const char *version);

G_END_DECLS
