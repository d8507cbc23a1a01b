/* otaux-fwupd-state: the releases the person declined, per device, in one
 * small key file written atomically (temporary file, fsync, rename, fsync of
 * the folder), so a cancel is remembered across restarts of anything. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_FWUPD_STATE_ERROR (otaux_fwupd_state_error_quark())
GQuark otaux_fwupd_state_error_quark(void);

typedef struct _OtauxFwupdState OtauxFwupdState;

OtauxFwupdState *otaux_fwupd_state_load(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void otaux_fwupd_state_free(OtauxFwupdState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxFwupdState, otaux_fwupd_state_free)

gboolean otaux_fwupd_state_is_declined(OtauxFwupdState *state, const char *device_id,
                                       const char *version);
gboolean otaux_fwupd_state_decline(OtauxFwupdState *state, const char *device_id,
                                   const char *version, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
