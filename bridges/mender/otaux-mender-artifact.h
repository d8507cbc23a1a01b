/* What otaux-mender-script reads of the artifact Mender is installing: its
 * header under DATA/modules/v3/payloads/0000/tree/header (docs/mender.md). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_MENDER_ARTIFACT_ERROR (otaux_mender_artifact_error_quark())
GQuark otaux_mender_artifact_error_quark(void);

typedef enum {
  OTAUX_MENDER_ARTIFACT_ERROR_MISSING, /* no artifact header where Mender keeps it */
  OTAUX_MENDER_ARTIFACT_ERROR_INVALID, /* the header or the meta-data is unreadable */
} OtauxMenderArtifactError;

/* One key of the artifact's meta-data (mender-artifact -m) that the offer
 * takes: the table docs/mender.md shows (`otaux-mender-script --list-keys`). */
typedef struct {
  const char *meta_key;  /* in the meta-data JSON object */
  const char *offer_key; /* the otaux Offer key it fills */
  const char *meaning;
} OtauxMenderMetaKey;

const OtauxMenderMetaKey *otaux_mender_meta_keys(gsize *n_keys);

typedef struct {
  char *name;            /* artifact_name: the offer's id is "mender:" + name */
  char *payload_type;    /* "single-file", "rootfs-image", … */
  char *title;           /* meta otaux-name, else the artifact name */
  char *version;         /* meta otaux-version, else NULL */
  char *priority;        /* meta otaux-priority (low|medium|high), else NULL */
  char *release_notes;   /* meta otaux-release-notes, else NULL */
  char *install_message; /* meta otaux-install-message, else NULL */
  gboolean needs_reboot; /* the update module's NeedsArtifactReboot */
} OtauxMenderArtifact;

void otaux_mender_artifact_clear(OtauxMenderArtifact *artifact);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(OtauxMenderArtifact, otaux_mender_artifact_clear)

/* The payload's tree: DATA/modules/v3/payloads/0000/tree. */
char *otaux_mender_artifact_tree(const char *data_dir);

/* Reads the artifact name only (what the commit and failure scripts need). */
char *otaux_mender_artifact_read_name(const char *data_dir,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Reads the header and the meta-data, and asks the update module in
 * modules_dir whether the artifact needs a reboot (bounded in time). */
gboolean otaux_mender_artifact_load(const char *data_dir, const char *modules_dir,
                                    OtauxMenderArtifact *out,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
