/* otaux-policy-check: contradictions in a whole (merged) policy. */
#pragma once

#include <glib.h>
#include "otaux-policy-file.h"

G_BEGIN_DECLS

/* Checks a whole policy for contradictions (a reminder longer than the
 * maximum delay, ...). Problems name @file and, when @lines (per knob, may
 * be NULL) knows one, the line of a knob involved. */
gboolean otaux_policy_check(const OtauxPolicy *policy, const char *file, const guint *lines,
                            GPtrArray *problems);

G_END_DECLS
