/* otaux-policy-knobs: the policy's knobs by index, and their values as a
 * policy file writes them. docs/policy.md describes every knob. */
#pragma once

#include <glib.h>
#include "otaux-policy.h"

G_BEGIN_DECLS

/* The knobs, by index: "priority.low.timeout", "delay.max-count", ... */
guint otaux_policy_n_knobs(void);
const char *otaux_policy_knob_name(guint knob);
/* The value as a policy file writes it ("4h", "yes", "22:00", ...). */
char *otaux_policy_knob_value(const OtauxPolicy *policy, guint knob);

G_END_DECLS
