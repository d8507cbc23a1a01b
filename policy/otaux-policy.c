/* otaux-policy: the built-in default policy and the enum names. */
#include "otaux-policy.h"

#include <string.h>

OtauxPolicy *otaux_policy_new_default(void)
{
  OtauxPolicy *policy = g_new0(OtauxPolicy, 1);

  /* Keep data/policy/default.xml equal to this (a unit test checks). */
  policy->priority[OTAUX_PRIORITY_LOW] = (OtauxPriorityPolicy){
    .presentation = OTAUX_PRESENTATION_NOTIFICATION,
    .urgency = OTAUX_URGENCY_LOW,
    .sound = FALSE,
    .timeout_answer = OTAUX_TIMEOUT_ANSWER_CANCEL,
    .quiet_notify = TRUE,
    .night_start_min = 60,
    .night_end_min = 5 * 60,
  };
  policy->priority[OTAUX_PRIORITY_MEDIUM] = (OtauxPriorityPolicy){
    .presentation = OTAUX_PRESENTATION_ACTIONS,
    .urgency = OTAUX_URGENCY_NORMAL,
    .sound = TRUE,
    .timeout_answer = OTAUX_TIMEOUT_ANSWER_CANCEL,
    .quiet_notify = TRUE,
    .night_start_min = 60,
    .night_end_min = 5 * 60,
  };
  policy->priority[OTAUX_PRIORITY_HIGH] = (OtauxPriorityPolicy){
    .presentation = OTAUX_PRESENTATION_POPUP,
    .urgency = OTAUX_URGENCY_CRITICAL,
    .sound = TRUE,
    .timeout_answer = OTAUX_TIMEOUT_ANSWER_CANCEL,
    .quiet_notify = TRUE,
    .quiet_interrupt = TRUE,
    .night_start_min = 60,
    .night_end_min = 5 * 60,
  };

  policy->charge_warning = OTAUX_CHARGE_WARN_ROAMING;
  policy->charge_min_size = 0;
  policy->charge_program_timeout_s = 120;
  policy->roaming_present = TRUE;
  policy->roaming_download = OTAUX_ROAMING_DOWNLOAD_YES;
  policy->device_trust = OTAUX_DEVICE_TRUST_EITHER;
  policy->battery_min_on_battery = 25;
  policy->battery_min_charging = 10;
  policy->battery_mains_required = FALSE;
  policy->allow_silent = TRUE;
  policy->allow_forced = TRUE;
  policy->forced_countdown_s = 300;

  policy->max_delays = 3;
  policy->max_total_delay_s = 7 * 24 * 3600;
  policy->delay_options_s[0] = 3600;
  policy->delay_options_s[1] = 4 * 3600;
  policy->n_delay_options = 2;
  policy->max_pick_s = 0;
  policy->tonight_hour = 22;
  policy->tonight_minute = 0;
  policy->morning_hour = 7;
  policy->morning_minute = 0;
  policy->reminders_s[0] = 4 * 3600;
  policy->reminders_s[1] = 3600;
  policy->reminders_s[2] = 15 * 60;
  policy->n_reminders = 3;
  policy->final_warning_s = 60;

  policy->quiet_start_min = 0;
  policy->quiet_end_min = 0;

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

gboolean otaux_policy_equal(const OtauxPolicy *a, const OtauxPolicy *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  /* Every policy is zero-filled before it is set (g_new0, memberwise
   * copies), so padding and string tails compare equal too. */
  return memcmp(a, b, sizeof *a) == 0;
}

static gint minute_of_day(gint64 when)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(when);

  return dt != NULL ? g_date_time_get_hour(dt) * 60 + g_date_time_get_minute(dt) : 0;
}

static gboolean in_window(gint start, gint end, gint64 now)
{
  gint m;

  if (start == end)
    return FALSE;
  m = minute_of_day(now);
  /* 22:00-07:00 wraps around midnight. */
  return start < end ? (m >= start && m < end) : (m >= start || m < end);
}

gboolean otaux_policy_in_quiet_hours(const OtauxPolicy *policy, gint64 now)
{
  g_return_val_if_fail(policy != NULL, FALSE);
  return in_window(policy->quiet_start_min, policy->quiet_end_min, now);
}

/* The next start or end of one window after @now, 0 for none. */
static gint64 window_next_change(gint start, gint end, gint64 now)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 best = 0;

  if (start == end)
    return 0;
  dt = g_date_time_new_from_unix_local(now);
  if (dt == NULL)
    return 0;
  /* Today's and tomorrow's start and end, as local times (DST-safe enough:
   * a missing local time is skipped by GDateTime's normalisation). */
  for (gint day = 0; day < 2; day++) {
    for (gint which = 0; which < 2; which++) {
      gint m = which == 0 ? start : end;
      g_autoptr(GDateTime) d = g_date_time_add_days(dt, day);
      g_autoptr(GDateTime) at = NULL;
      gint64 t;

      if (d == NULL)
        continue;
      at = g_date_time_new_local(g_date_time_get_year(d), g_date_time_get_month(d),
                                 g_date_time_get_day_of_month(d), m / 60, m % 60, 0);
      if (at == NULL)
        continue;
      t = g_date_time_to_unix(at);
      if (t > now && (best == 0 || t < best))
        best = t;
    }
  }
  return best;
}

gint64 otaux_policy_quiet_next_change(const OtauxPolicy *policy, gint64 now)
{
  gint64 best;

  g_return_val_if_fail(policy != NULL, 0);
  best = window_next_change(policy->quiet_start_min, policy->quiet_end_min, now);
  for (guint i = 0; i < OTAUX_N_PRIORITIES; i++) {
    const OtauxPriorityPolicy *pp = &policy->priority[i];
    gint64 t = window_next_change(pp->quiet_start_min, pp->quiet_end_min, now);

    if (t > 0 && (best == 0 || t < best))
      best = t;
  }
  return best;
}

static const OtauxPriorityPolicy *priority_policy(const OtauxPolicy *policy, OtauxPriority priority)
{
  if ((guint)priority >= OTAUX_N_PRIORITIES)
    priority = OTAUX_PRIORITY_MEDIUM;
  return &policy->priority[priority];
}

gboolean otaux_policy_may_interrupt(const OtauxPolicy *policy, OtauxPriority priority, gint64 when)
{
  const OtauxPriorityPolicy *pp;

  g_return_val_if_fail(policy != NULL, TRUE);
  pp = priority_policy(policy, priority);
  if (in_window(pp->quiet_start_min, pp->quiet_end_min, when))
    return FALSE;
  return pp->quiet_interrupt || !otaux_policy_in_quiet_hours(policy, when);
}

gboolean otaux_policy_may_notify(const OtauxPolicy *policy, OtauxPriority priority, gint64 when)
{
  g_return_val_if_fail(policy != NULL, TRUE);
  return priority_policy(policy, priority)->quiet_notify ||
         otaux_policy_may_interrupt(policy, priority, when);
}

/* Local time @minute of the day of @dt's date plus @days. */
static gint64 local_at(GDateTime *dt, gint days, gint minute)
{
  g_autoptr(GDateTime) d = g_date_time_add_days(dt, days);
  g_autoptr(GDateTime) at = NULL;

  if (d == NULL)
    return 0;
  at = g_date_time_new_local(g_date_time_get_year(d), g_date_time_get_month(d),
                             g_date_time_get_day_of_month(d), minute / 60, minute % 60, 0);
  return at != NULL ? g_date_time_to_unix(at) : 0;
}

gboolean otaux_policy_night_window(const OtauxPolicy *policy, OtauxPriority priority, gint64 now,
                                   gint64 *start, gint64 *end)
{
  const OtauxPriorityPolicy *pp;
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail(policy != NULL, FALSE);
  pp = priority_policy(policy, priority);
  if (pp->night_start_min == pp->night_end_min)
    return FALSE;
  dt = g_date_time_new_from_unix_local(now);
  if (dt == NULL)
    return FALSE;
  /* The windows that started yesterday, today and tomorrow: the first one
   * that has not ended yet (a window may wrap midnight). */
  for (gint day = -1; day <= 1; day++) {
    gint64 s = local_at(dt, day, pp->night_start_min);
    gint64 e =
        local_at(dt, pp->night_end_min > pp->night_start_min ? day : day + 1, pp->night_end_min);

    if (s == 0 || e <= s || e <= now)
      continue;
    if (start != NULL)
      *start = s;
    if (end != NULL)
      *end = e;
    return TRUE;
  }
  return FALSE;
}
