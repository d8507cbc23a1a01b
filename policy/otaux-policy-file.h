/* otaux-policy-file: one operator policy file (XML).
 *
 * A file sets some knobs; the others keep the value of the layer below
 * (otaux-policy-layers.h). Every file is validated (RelaxNG, embedded, so
 * errors carry line numbers), then checked (values, ranges, and the merged
 * result for contradictions, otaux-policy-check.h). A file with any problem
 * is reported and skipped as a whole: the layers below stay in force.
 *
 * Hardened: no network, no DTD (so no external or expanding entities),
 * at most OTAUX_POLICY_FILE_MAX_BYTES. Pure: GLib and libxml2 only.
 * docs/policy.md describes every knob. */
#pragma once

#include <glib.h>
#include "otaux-policy-knobs.h"
#include "otaux-policy.h"

G_BEGIN_DECLS

#define OTAUX_POLICY_FILE_MAX_BYTES (256 * 1024)
/* At most this many problems are reported per file (the rest are counted). */
#define OTAUX_POLICY_FILE_MAX_PROBLEMS 50

#define OTAUX_POLICY_FILE_ERROR (otaux_policy_file_error_quark())
GQuark otaux_policy_file_error_quark(void);

typedef enum {
  OTAUX_POLICY_FILE_ERROR_UNREADABLE, /* the file cannot be read at all */
} OtauxPolicyFileError;

/* One problem: "file:line: message" (line 0: the file as a whole). */
typedef struct {
  char *file;
  guint line;
  char *message;
} OtauxPolicyProblem;

void otaux_policy_problem_free(OtauxPolicyProblem *problem);
char *otaux_policy_problem_to_string(const OtauxPolicyProblem *problem);
/* A new GPtrArray that frees its problems. */
GPtrArray *otaux_policy_problems_new(void);

typedef struct _OtauxPolicyFile OtauxPolicyFile;

/* Parses one file from memory. Returns NULL (and appends to @problems)
 * when it has any problem; @name is used in the messages. */
OtauxPolicyFile *otaux_policy_file_parse(const char *name, const char *data, gsize len,
                                         GPtrArray *problems);
/* Reads and parses @path. An unreadable (missing, too large is a problem,
 * not this) file sets @error and appends nothing. */
OtauxPolicyFile *otaux_policy_file_load(const char *path, GPtrArray *problems,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
void otaux_policy_file_free(OtauxPolicyFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxPolicyFile, otaux_policy_file_free)

const char *otaux_policy_file_get_name(const OtauxPolicyFile *file);
/* The line that sets @knob, 0 when the file leaves it alone. */
guint otaux_policy_file_knob_line(const OtauxPolicyFile *file, guint knob);

/* Copies the knobs the file sets into @policy (no checks). */
void otaux_policy_file_apply(const OtauxPolicyFile *file, OtauxPolicy *policy);

G_END_DECLS
