/* otaux-policy: the built-in default policy and the enum names. */
#include "otaux-policy.h"

OtauxPolicy *otaux_policy_new_default(void)
{
  OtauxPolicy *policy = g_new0(OtauxPolicy, 1);

  policy->priority[OTAUX_PRIORITY_LOW] =
      (OtauxPriorityPolicy){ OTAUX_PRESENTATION_NOTIFICATION, OTAUX_URGENCY_LOW, FALSE };
  policy->priority[OTAUX_PRIORITY_MEDIUM] =
      (OtauxPriorityPolicy){ OTAUX_PRESENTATION_ACTIONS, OTAUX_URGENCY_NORMAL, TRUE };
  policy->priority[OTAUX_PRIORITY_HIGH] =
      (OtauxPriorityPolicy){ OTAUX_PRESENTATION_POPUP, OTAUX_URGENCY_CRITICAL, TRUE };

  policy->charge_warning = OTAUX_CHARGE_WARN_ROAMING;
  policy->allow_silent = TRUE;
  policy->allow_forced = TRUE;
  policy->forced_countdown_s = 300;

  policy->max_delays = 3;
  policy->max_total_delay_s = 7 * 24 * 3600;
  policy->delay_options_s[0] = 3600;
  policy->delay_options_s[1] = 4 * 3600;
  policy->n_delay_options = 2;
  policy->tonight_hour = 22;
  policy->morning_hour = 7;
  policy->reminders_s[0] = 4 * 3600;
  policy->reminders_s[1] = 3600;
  policy->reminders_s[2] = 15 * 60;
  policy->n_reminders = 3;
  policy->final_warning_s = 60;

  policy->download_retry_interval_s = 300;
  policy->download_timeout_s = 3600;
  return policy;
}

OtauxPolicy *otaux_policy_copy(const OtauxPolicy *policy)
{
  g_return_val_if_fail(policy != NULL, NULL);
  /* Plain data, no pointers: a memberwise copy is a deep copy. */
  return g_memdup2(policy, sizeof *policy);
}

void otaux_policy_free(OtauxPolicy *policy)
{
  g_free(policy);
}

static const char *const priority_names[] = { "low", "medium", "high" };
static const char *const presentation_names[] = { "silent", "notification", "actions", "popup" };
static const char *const urgency_names[] = { "low", "normal", "critical" };

const char *otaux_priority_to_string(OtauxPriority priority)
{
  if ((guint)priority >= G_N_ELEMENTS(priority_names))
    return "unknown";
  return priority_names[priority];
}

gboolean otaux_priority_from_string(const char *str, OtauxPriority *out)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(priority_names); i++) {
    if (g_str_equal(str, priority_names[i])) {
      if (out != NULL)
        *out = (OtauxPriority)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *otaux_presentation_to_string(OtauxPresentation presentation)
{
  if ((guint)presentation >= G_N_ELEMENTS(presentation_names))
    return "unknown";
  return presentation_names[presentation];
}

const char *otaux_urgency_to_string(OtauxUrgency urgency)
{
  if ((guint)urgency >= G_N_ELEMENTS(urgency_names))
    return "unknown";
  return urgency_names[urgency];
}
