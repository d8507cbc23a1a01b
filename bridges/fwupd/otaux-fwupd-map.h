/* otaux-fwupd-map: the bridge's tables, fwupd → otaux (docs/fwupd.md). Pure:
 * no D-Bus, no I/O, so the unit tests run them without a daemon. */
#pragma once

#include <fwupd.h>

G_BEGIN_DECLS

/* The bridge's own failures; the code is the FUMO result they mean. */
#define OTAUX_FWUPD_ERROR (otaux_fwupd_error_quark())
GQuark otaux_fwupd_error_quark(void);

/* Where a failure happened: the same error means another thing to the person
 * in a download (space for the file) than in an install (space on the device). */
typedef enum {
  OTAUX_FWUPD_STAGE_DOWNLOAD,
  OTAUX_FWUPD_STAGE_INSTALL,
} OtauxFwupdStage;

/* FUMO result codes the bridge uses that the FUMO standard leaves to vendors. */
#define OTAUX_FWUPD_RESULT_AC_POWER 450
#define OTAUX_FWUPD_RESULT_BATTERY  451

/* One row of the error table: domain "fwupd", "gio", "dbus" or "bridge";
 * code -1 = any code; stage -1 = any stage. */
typedef struct {
  const char *domain;
  int code;
  int stage;
  guint result;
} OtauxFwupdErrorRow;

/* The table itself, for the test that docs/fwupd.md agrees. */
const OtauxFwupdErrorRow *otaux_fwupd_error_rows(gsize *n_rows);

const char *otaux_fwupd_priority_from_urgency(FwupdReleaseUrgency urgency);
guint otaux_fwupd_result_from_error(const GError *error, OtauxFwupdStage stage);
char *otaux_fwupd_markup_to_text(const char *markup);
char *otaux_fwupd_offer_id(const char *device_id, const char *version);
gboolean otaux_fwupd_needs_reboot(FwupdDevice *device);
GChecksumType otaux_fwupd_checksum_type(const char *hex);

G_END_DECLS
