/* Unit tests of the built-in default policy, the enum names and quiet hours. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <time.h>

#include "otaux-policy.h"

static void test_defaults_per_priority(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();

  assert_int_equal(p->priority[OTAUX_PRIORITY_LOW].presentation, OTAUX_PRESENTATION_NOTIFICATION);
  assert_int_equal(p->priority[OTAUX_PRIORITY_LOW].urgency, OTAUX_URGENCY_LOW);
  assert_false(p->priority[OTAUX_PRIORITY_LOW].sound);
  assert_int_equal(p->priority[OTAUX_PRIORITY_MEDIUM].presentation, OTAUX_PRESENTATION_ACTIONS);
  assert_int_equal(p->priority[OTAUX_PRIORITY_MEDIUM].urgency, OTAUX_URGENCY_NORMAL);
  assert_true(p->priority[OTAUX_PRIORITY_MEDIUM].sound);
  assert_int_equal(p->priority[OTAUX_PRIORITY_HIGH].presentation, OTAUX_PRESENTATION_POPUP);
  assert_int_equal(p->priority[OTAUX_PRIORITY_HIGH].urgency, OTAUX_URGENCY_CRITICAL);
  assert_true(p->priority[OTAUX_PRIORITY_HIGH].sound);
}

static void test_defaults_knobs(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();

  assert_int_equal(p->charge_warning, OTAUX_CHARGE_WARN_ROAMING);
  assert_true(p->allow_silent);
  assert_true(p->allow_forced);
  assert_int_equal(p->forced_countdown_s, 300);
  assert_int_equal(p->max_delays, 3);
  assert_int_equal(p->max_total_delay_s, 7 * 24 * 3600);
  assert_int_equal(p->n_delay_options, 2);
  assert_int_equal(p->delay_options_s[0], 3600);
  assert_int_equal(p->delay_options_s[1], 4 * 3600);
  assert_int_equal(p->tonight_hour, 22);
  assert_int_equal(p->morning_hour, 7);
  assert_int_equal(p->n_reminders, 3);
  assert_int_equal(p->reminders_s[0], 4 * 3600);
  assert_int_equal(p->reminders_s[1], 3600);
  assert_int_equal(p->reminders_s[2], 15 * 60);
  assert_int_equal(p->final_warning_s, 60);
  assert_int_equal(p->download_retry_interval_s, 300);
  assert_int_equal(p->download_timeout_s, 3600);
}

static void test_copy_is_independent(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxPolicy) c = otaux_policy_copy(p);

  assert_memory_equal(p, c, sizeof *p);
  c->max_delays = 9;
  assert_int_equal(p->max_delays, 3);
  otaux_policy_free(NULL);
}

static void test_priority_names(void **state)
{
  OtauxPriority prio = OTAUX_PRIORITY_LOW;

  assert_string_equal(otaux_priority_to_string(OTAUX_PRIORITY_LOW), "low");
  assert_string_equal(otaux_priority_to_string(OTAUX_PRIORITY_MEDIUM), "medium");
  assert_string_equal(otaux_priority_to_string(OTAUX_PRIORITY_HIGH), "high");
  assert_true(otaux_priority_from_string("high", &prio));
  assert_int_equal(prio, OTAUX_PRIORITY_HIGH);
  assert_true(otaux_priority_from_string("medium", &prio));
  assert_int_equal(prio, OTAUX_PRIORITY_MEDIUM);
  assert_false(otaux_priority_from_string("HIGH", &prio));
  assert_false(otaux_priority_from_string("", &prio));
  assert_false(otaux_priority_from_string(NULL, &prio));
  assert_int_equal(prio, OTAUX_PRIORITY_MEDIUM);
}

static void test_presentation_and_urgency_names(void **state)
{
  assert_string_equal(otaux_presentation_to_string(OTAUX_PRESENTATION_SILENT), "silent");
  assert_string_equal(otaux_presentation_to_string(OTAUX_PRESENTATION_NOTIFICATION),
                      "notification");
  assert_string_equal(otaux_presentation_to_string(OTAUX_PRESENTATION_ACTIONS), "actions");
  assert_string_equal(otaux_presentation_to_string(OTAUX_PRESENTATION_POPUP), "popup");
  assert_string_equal(otaux_urgency_to_string(OTAUX_URGENCY_LOW), "low");
  assert_string_equal(otaux_urgency_to_string(OTAUX_URGENCY_NORMAL), "normal");
  assert_string_equal(otaux_urgency_to_string(OTAUX_URGENCY_CRITICAL), "critical");
}

static void test_quiet_hours(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  /* 2026-01-15 00:00 UTC; the tests run with TZ=UTC */
  const gint64 midnight = 1768435200;

  assert_false(otaux_policy_in_quiet_hours(p, midnight));
  assert_int_equal(otaux_policy_quiet_next_change(p, midnight), 0);
  p->quiet_start_min = 22 * 60;
  p->quiet_end_min = 7 * 60;
  assert_true(otaux_policy_in_quiet_hours(p, midnight + 3600));
  assert_false(otaux_policy_in_quiet_hours(p, midnight + 7 * 3600));
  assert_false(otaux_policy_in_quiet_hours(p, midnight + 12 * 3600));
  assert_true(otaux_policy_in_quiet_hours(p, midnight + 22 * 3600));
  assert_int_equal(otaux_policy_quiet_next_change(p, midnight + 3600), midnight + 7 * 3600);
  assert_int_equal(otaux_policy_quiet_next_change(p, midnight + 12 * 3600), midnight + 22 * 3600);
  assert_int_equal(otaux_policy_quiet_next_change(p, midnight + 23 * 3600), midnight + 31 * 3600);
  assert_true(otaux_policy_may_interrupt(p, OTAUX_PRIORITY_HIGH, midnight + 3600));
  assert_false(otaux_policy_may_interrupt(p, OTAUX_PRIORITY_MEDIUM, midnight + 3600));
  assert_true(otaux_policy_may_interrupt(p, OTAUX_PRIORITY_MEDIUM, midnight + 12 * 3600));
  p->quiet_start_min = 9 * 60;
  p->quiet_end_min = 17 * 60;
  assert_true(otaux_policy_in_quiet_hours(p, midnight + 9 * 3600));
  assert_false(otaux_policy_in_quiet_hours(p, midnight + 17 * 3600));

  /* A priority's own window, with no global one: "quiet hours for low only" */
  p->quiet_start_min = p->quiet_end_min = 0;
  p->priority[OTAUX_PRIORITY_LOW].quiet_start_min = 22 * 60;
  p->priority[OTAUX_PRIORITY_LOW].quiet_end_min = 7 * 60;
  assert_false(otaux_policy_in_quiet_hours(p, midnight + 3600));
  assert_false(otaux_policy_may_interrupt(p, OTAUX_PRIORITY_LOW, midnight + 3600));
  assert_true(otaux_policy_may_interrupt(p, OTAUX_PRIORITY_MEDIUM, midnight + 3600));
  assert_true(otaux_policy_may_interrupt(p, OTAUX_PRIORITY_LOW, midnight + 12 * 3600));
  /* its own window holds it even where it may interrupt the global one */
  p->priority[OTAUX_PRIORITY_LOW].quiet_interrupt = TRUE;
  assert_false(otaux_policy_may_interrupt(p, OTAUX_PRIORITY_LOW, midnight + 3600));
  assert_int_equal(otaux_policy_quiet_next_change(p, midnight + 3600), midnight + 7 * 3600);
  /* notifications: shown inside quiet hours unless quiet-notify="no" */
  assert_true(otaux_policy_may_notify(p, OTAUX_PRIORITY_LOW, midnight + 3600));
  p->priority[OTAUX_PRIORITY_LOW].quiet_notify = FALSE;
  assert_false(otaux_policy_may_notify(p, OTAUX_PRIORITY_LOW, midnight + 3600));
  assert_true(otaux_policy_may_notify(p, OTAUX_PRIORITY_LOW, midnight + 12 * 3600));
  assert_true(otaux_policy_may_notify(p, OTAUX_PRIORITY_MEDIUM, midnight + 3600));
}

/* The night window of "Install tonight": 01:00-05:00 by default, per
 * priority; the one now is inside, else the next; equal ends: none. */
static void test_night_window(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  /* 2026-01-15 00:00 UTC; the tests run with TZ=UTC */
  const gint64 midnight = 1768435200;
  gint64 s = 0, e = 0;

  for (guint i = 0; i < OTAUX_N_PRIORITIES; i++) {
    assert_int_equal(p->priority[i].night_start_min, 60);
    assert_int_equal(p->priority[i].night_end_min, 5 * 60);
  }
  /* before it, inside it, after it (tomorrow's) */
  assert_true(otaux_policy_night_window(p, OTAUX_PRIORITY_LOW, midnight, &s, &e));
  assert_int_equal(s, midnight + 3600);
  assert_int_equal(e, midnight + 5 * 3600);
  assert_true(otaux_policy_night_window(p, OTAUX_PRIORITY_LOW, midnight + 2 * 3600, &s, &e));
  assert_int_equal(s, midnight + 3600);
  assert_int_equal(e, midnight + 5 * 3600);
  assert_true(otaux_policy_night_window(p, OTAUX_PRIORITY_LOW, midnight + 5 * 3600, &s, &e));
  assert_int_equal(s, midnight + 25 * 3600);
  assert_int_equal(e, midnight + 29 * 3600);
  /* a window across midnight: 23:00-06:00 */
  p->priority[OTAUX_PRIORITY_HIGH].night_start_min = 23 * 60;
  p->priority[OTAUX_PRIORITY_HIGH].night_end_min = 6 * 60;
  assert_true(otaux_policy_night_window(p, OTAUX_PRIORITY_HIGH, midnight + 12 * 3600, &s, &e));
  assert_int_equal(s, midnight + 23 * 3600);
  assert_int_equal(e, midnight + 30 * 3600);
  assert_true(otaux_policy_night_window(p, OTAUX_PRIORITY_HIGH, midnight + 3600, &s, &e));
  assert_int_equal(s, midnight - 3600);
  assert_int_equal(e, midnight + 6 * 3600);
  /* none for medium */
  p->priority[OTAUX_PRIORITY_MEDIUM].night_start_min = 0;
  p->priority[OTAUX_PRIORITY_MEDIUM].night_end_min = 0;
  assert_false(otaux_policy_night_window(p, OTAUX_PRIORITY_MEDIUM, midnight, &s, &e));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_defaults_per_priority),
    cmocka_unit_test(test_defaults_knobs),
    cmocka_unit_test(test_copy_is_independent),
    cmocka_unit_test(test_priority_names),
    cmocka_unit_test(test_presentation_and_urgency_names),
    cmocka_unit_test(test_quiet_hours),
    cmocka_unit_test(test_night_window),
  };
  g_setenv("TZ", "UTC", TRUE);
  tzset();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
