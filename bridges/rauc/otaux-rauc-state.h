/* otaux-rauc-state: the slot the bridge activated for an offer, kept across
 * the reboot in one key file written atomically (otaux_fs_write_atomically),
 * so the bridge of the new boot knows what to verify. At most one. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_RAUC_STATE_ERROR (otaux_rauc_state_error_quark())
GQuark otaux_rauc_state_error_quark(void);

typedef struct {
  char *id; /* the offer's id, rauc:COMPATIBLE:VERSION */
  char *compatible;
  char *version;
  char *name;     /* the offer's name (the bundle's description) */
  char *slot;     /* the slot activated, as RAUC names it (rootfs.1) */
  char *bootname; /* its bootname (B): RAUC's BootSlot after the boot */
  char *from;     /* the bootname booted when it was activated (A) */
  char *boot_id;  /* the kernel's boot id then: another one is a new boot */
} OtauxRaucActivation;

void otaux_rauc_activation_free(OtauxRaucActivation *activation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxRaucActivation, otaux_rauc_activation_free)

/* NULL and no error when there is none (no file). */
OtauxRaucActivation *otaux_rauc_state_load(const char *path,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean otaux_rauc_state_save(const char *path, const OtauxRaucActivation *activation,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Forgets it (the file goes; the folder is synced). */
gboolean otaux_rauc_state_clear(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
