/* otaux-policy-layers: the merged policy of the built-in defaults and the
 * policy directories: vendor /usr/share/otaux/policy.d, then operator
 * /etc/otaux/policy.d; inside a directory, files named NAME_VVV.xml apply
 * in the order of their three-digit version VVV. */
#pragma once

#include <glib.h>
#include "otaux-policy-check.h"
#include "otaux-policy-file.h"
#include "otaux-policy-knobs.h"

G_BEGIN_DECLS

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
gboolean otaux_policy_layers_add_file(OtauxPolicyLayers *layers, const char *path,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Applies a directory's NAME_VVV.xml files in version order. A missing
 * directory is an empty layer. */
void otaux_policy_layers_add_dir(OtauxPolicyLayers *layers, const char *dir);
/* Built-ins, then each of @dirs (lowest first). */
OtauxPolicyLayers *otaux_policy_layers_load(const char *const *dirs);

/* The NAME_VVV.xml files of @dir in the order they apply; other *.xml
 * names are problems. Never NULL. */
GPtrArray *otaux_policy_layer_files(const char *dir, GPtrArray *problems);

G_END_DECLS
