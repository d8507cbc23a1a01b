/* otaux-policy-file: operator policy files (XML) and their layers.
 *
 * A file sets some knobs; the others keep the value of the layer below.
 * Layers: the built-in defaults, then each directory in order (vendor
 * /usr/share/otaux/policy.d, then operator /etc/otaux/policy.d); inside a
 * directory, files named NAME_VVV.xml apply in the order of their
 * three-digit version VVV. Every file is validated (RelaxNG, embedded, so
 * errors carry line numbers), then checked (values, ranges, and the merged
 * result for contradictions). A file with any problem is reported and
 * skipped as a whole: the layers below stay in force.
 *
 * Hardened: no network, no DTD (so no external or expanding entities),
 * at most OTAUX_POLICY_FILE_MAX_BYTES. Pure: GLib and libxml2 only.
 * docs/policy.md describes every knob. */
#pragma once

#include <glib.h>
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
OtauxPolicyFile *otaux_policy_file_load(const char *path, GPtrArray *problems, GError **error);
void otaux_policy_file_free(OtauxPolicyFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxPolicyFile, otaux_policy_file_free)

const char *otaux_policy_file_get_name(const OtauxPolicyFile *file);
/* The line that sets @knob, 0 when the file leaves it alone. */
guint otaux_policy_file_knob_line(const OtauxPolicyFile *file, guint knob);

/* Copies the knobs the file sets into @policy (no checks). */
void otaux_policy_file_apply(const OtauxPolicyFile *file, OtauxPolicy *policy);

/* The knobs, by index: "priority.low.timeout", "delay.max-count", ... */
guint otaux_policy_n_knobs(void);
const char *otaux_policy_knob_name(guint knob);
/* The value as a policy file writes it ("4h", "yes", "22:00", ...). */
char *otaux_policy_knob_value(const OtauxPolicy *policy, guint knob);

/* Checks a whole policy for contradictions (a reminder longer than the
 * maximum delay, ...). Problems name @file and, when @lines (per knob, may
 * be NULL) knows one, the line of a knob involved. */
gboolean otaux_policy_check(const OtauxPolicy *policy, const char *file, const guint *lines,
                            GPtrArray *problems);

/* The merged policy of some layers, with where each value came from. */
typedef struct {
  OtauxPolicy *policy;
  GPtrArray *problems; /* OtauxPolicyProblem* of every skipped file */
  GPtrArray *files;    /* char*: the files applied, in order */
  char **origins;      /* per knob: "file:line", or NULL for the built-in value */
} OtauxPolicyLayers;

/* The built-in defaults alone. */
OtauxPolicyLayers *otaux_policy_layers_new(void);
void otaux_policy_layers_free(OtauxPolicyLayers *layers);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxPolicyLayers, otaux_policy_layers_free)

/* Applies one file on top (a bad file: problems, nothing changes).
 * Returns FALSE when the file could not be read (@error) or had problems. */
gboolean otaux_policy_layers_add_file(OtauxPolicyLayers *layers, const char *path, GError **error);
/* Applies a directory's NAME_VVV.xml files in version order. A missing
 * directory is an empty layer. */
void otaux_policy_layers_add_dir(OtauxPolicyLayers *layers, const char *dir);
/* Built-ins, then each of @dirs (lowest first). */
OtauxPolicyLayers *otaux_policy_layers_load(const char *const *dirs);

/* The NAME_VVV.xml files of @dir in the order they apply; other *.xml
 * names are problems. Never NULL. */
GPtrArray *otaux_policy_layer_files(const char *dir, GPtrArray *problems);

G_END_DECLS
