/* otaux-declined: the releases the person declined, one version per key (a
 * fwupd device id, a RAUC compatible), in one small key file written
 * atomically (otaux_fs_write_atomically), so a cancel is remembered across
 * restarts of anything and across a power cut. Used by the bridges. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_DECLINED_ERROR (otaux_declined_error_quark())
GQuark otaux_declined_error_quark(void);

typedef struct _OtauxDeclined OtauxDeclined;

/* A missing file is an empty memory; an unreadable one is an error. */
OtauxDeclined *otaux_declined_load(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void otaux_declined_free(OtauxDeclined *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxDeclined, otaux_declined_free)

/* The version declined for KEY, or NULL (owned by STATE). */
const char *otaux_declined_get(OtauxDeclined *state, const char *key);
gboolean otaux_declined_is_declined(OtauxDeclined *state, const char *key, const char *version);
/* Remembers VERSION for KEY (replacing an older one) on disk, then in memory. */
gboolean otaux_declined_decline(OtauxDeclined *state, const char *key, const char *version,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
