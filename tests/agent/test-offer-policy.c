/* Unit tests of the policy knobs in the offer state machine and the prompt:
 * time-outs and their answers, "later", roaming, charge warnings and the
 * charge program's answer, quiet hours, max-pick, the store round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otaux-offer.h"
#include "otaux-prompt.h"
#include "otaux-store.h"

/* 2030-01-15 12:00 UTC; the tests run with TZ=UTC */
#define NOON G_GINT64_CONSTANT(1894708800)
#define HOUR 3600

static OtauxOffer *offer_new(const OtauxPolicy *policy, OtauxPriority priority, guint32 state,
                             gboolean roaming, gboolean silent)
{
  OtauxOfferSpec spec;
  OtauxOffer *o;

  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("pkg");
  spec.priority = priority;
  spec.state = state;
  spec.roaming = roaming;
  spec.silent = silent;
  spec.size = 1000000;
  o = otaux_offer_new(1, &spec, policy, NOON);
  otaux_offer_spec_clear(&spec);
  return o;
}

static gboolean has_choice(const OtauxOffer *o, const OtauxPolicy *p, gint64 now, const char *c)
{
  return g_strv_contains(otaux_offer_allowed_choices(o, p, now), c);
}

static void test_timeout_answers(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) none = NULL;
  g_autoptr(OtauxOffer) cancel = NULL;
  g_autoptr(OtauxOffer) accept = NULL;
  g_autoptr(OtauxOffer) later = NULL;

  /* built-in: no time-out */
  none = offer_new(p, OTAUX_PRIORITY_LOW, 0, FALSE, FALSE);
  assert_int_equal(otaux_offer_timeout_at(none, p, NOON), 0);
  assert_false(otaux_offer_tick(none, p, NOON + 30 * 86400));

  p->priority[OTAUX_PRIORITY_LOW].timeout_s = 600;
  cancel = offer_new(p, OTAUX_PRIORITY_LOW, 0, FALSE, FALSE);
  assert_int_equal(otaux_offer_timeout_at(cancel, p, NOON), NOON + 600);
  assert_int_equal(otaux_offer_next_wakeup(cancel, p, NOON), NOON + 600);
  assert_false(otaux_offer_tick(cancel, p, NOON + 599));
  assert_true(otaux_offer_tick(cancel, p, NOON + 600));
  assert_int_equal(cancel->decision, OTAUX_DECISION_CANCEL);
  assert_int_equal(cancel->reason, OTAUX_REASON_TIMEOUT);
  assert_int_equal(cancel->phase, OTAUX_PHASE_FINISHED);
  assert_int_equal(cancel->result, 401);

  /* install question, answer accept */
  p->priority[OTAUX_PRIORITY_HIGH].timeout_s = HOUR;
  p->priority[OTAUX_PRIORITY_HIGH].timeout_answer = OTAUX_TIMEOUT_ANSWER_ACCEPT;
  accept = offer_new(p, OTAUX_PRIORITY_HIGH, 40, FALSE, FALSE);
  assert_true(otaux_offer_tick(accept, p, NOON + HOUR));
  assert_int_equal(accept->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(accept->reason, OTAUX_REASON_TIMEOUT);
  assert_int_equal(accept->decided_in, OTAUX_PHASE_READY);
  assert_int_equal(otaux_offer_timeout_at(accept, p, NOON + HOUR), 0);

  /* answer later: hidden, then asked anew with a fresh time-out */
  p->priority[OTAUX_PRIORITY_MEDIUM].timeout_s = 300;
  p->priority[OTAUX_PRIORITY_MEDIUM].timeout_answer = OTAUX_TIMEOUT_ANSWER_LATER;
  p->priority[OTAUX_PRIORITY_MEDIUM].later_s = HOUR;
  later = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, FALSE, FALSE);
  assert_true(otaux_offer_tick(later, p, NOON + 300));
  assert_int_equal(later->decision, OTAUX_DECISION_NONE);
  assert_string_equal(otaux_offer_held(later, p, NOON + 301), "later");
  assert_int_equal(otaux_offer_next_wakeup(later, p, NOON + 301), NOON + 300 + HOUR);
  assert_true(otaux_offer_tick(later, p, NOON + 300 + HOUR));
  assert_null(otaux_offer_held(later, p, NOON + 300 + HOUR));
  assert_int_equal(otaux_offer_timeout_at(later, p, NOON + 300 + HOUR), NOON + 600 + HOUR);
}

static void test_later_choice(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = NULL;
  g_autoptr(OtauxOffer) r = NULL;
  g_autoptr(GError) error = NULL;

  o = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, FALSE, FALSE);
  assert_false(has_choice(o, p, NOON, "later")); /* built-in: not offered */
  assert_false(otaux_offer_answer(o, p, "later", 0, NOON, &error));
  g_clear_error(&error);

  p->priority[OTAUX_PRIORITY_MEDIUM].later_s = 2 * HOUR;
  assert_true(has_choice(o, p, NOON, "later"));
  assert_true(otaux_offer_answer(o, p, "later", 0, NOON, NULL));
  assert_int_equal(o->decision, OTAUX_DECISION_NONE);
  assert_int_equal(o->later_until, NOON + 2 * HOUR);
  /* held: nothing asked, nothing answered */
  assert_null(otaux_offer_allowed_choices(o, p, NOON + 1)[0]);
  assert_false(otaux_offer_answer(o, p, "accept", 0, NOON + 1, &error));
  assert_true(otaux_offer_tick(o, p, NOON + 2 * HOUR));
  assert_true(otaux_offer_answer(o, p, "accept", 0, NOON + 2 * HOUR, NULL));
  assert_int_equal(o->phase, OTAUX_PHASE_DOWNLOADING);

  /* the install question too, next to delay-reboot */
  r = offer_new(p, OTAUX_PRIORITY_MEDIUM, 40, FALSE, FALSE);
  assert_true(has_choice(r, p, NOON, "delay-reboot"));
  assert_true(has_choice(r, p, NOON, "later"));
}

static void test_roaming(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) a = NULL;
  g_autoptr(OtauxOffer) b = NULL;
  g_autoptr(OtauxOffer) c = NULL;
  g_autoptr(OtauxOffer) d = NULL;

  /* built-in: shown, silent downloads while roaming */
  a = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, TRUE, TRUE);
  assert_int_equal(a->decision, OTAUX_DECISION_ACCEPT);

  p->roaming_download = OTAUX_ROAMING_DOWNLOAD_ASK;
  b = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, TRUE, TRUE);
  assert_int_equal(b->decision, OTAUX_DECISION_NONE);
  assert_null(otaux_offer_held(b, p, NOON));
  assert_true(has_choice(b, p, NOON, "accept"));

  p->roaming_download = OTAUX_ROAMING_DOWNLOAD_NO;
  c = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, TRUE, TRUE);
  assert_int_equal(c->decision, OTAUX_DECISION_NONE);
  assert_string_equal(otaux_offer_held(c, p, NOON), "roaming");
  assert_null(otaux_offer_allowed_choices(c, p, NOON)[0]);
  /* home again: the silent offer is accepted on the next tick */
  c->spec.roaming = FALSE;
  otaux_offer_see_device(c, NULL, p); /* the keys changed */
  assert_true(otaux_offer_tick(c, p, NOON + 1));
  assert_int_equal(c->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(c->reason, OTAUX_REASON_POLICY);

  p->roaming_download = OTAUX_ROAMING_DOWNLOAD_YES;
  p->roaming_present = FALSE;
  d = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, TRUE, FALSE);
  assert_string_equal(otaux_offer_held(d, p, NOON), "roaming");
}

static void test_charge_warning_and_program(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, FALSE, FALSE);
  g_autoptr(OtauxOffer) copy = NULL;
  g_autoptr(GError) error = NULL;

  assert_false(otaux_offer_charge_warning_applies(o, p));
  o->spec.metered = TRUE;
  otaux_offer_see_device(o, NULL, p);                     /* the keys changed */
  assert_false(otaux_offer_charge_warning_applies(o, p)); /* built-in: roaming only */
  p->charge_warning = OTAUX_CHARGE_WARN_METERED;
  assert_true(otaux_offer_charge_warning_applies(o, p));
  p->charge_warning = OTAUX_CHARGE_WARN_CELLULAR;
  assert_false(otaux_offer_charge_warning_applies(o, p));
  o->spec.roaming = TRUE;
  otaux_offer_see_device(o, NULL, p); /* the keys changed */
  assert_true(otaux_offer_charge_warning_applies(o, p));
  p->charge_min_size = 2000000; /* the offer has 1 MB */
  assert_false(otaux_offer_charge_warning_applies(o, p));
  p->charge_min_size = 0;

  assert_false(otaux_offer_needs_charge_program(o, p));
  g_strlcpy(p->charge_program, "/usr/bin/warn", sizeof p->charge_program);
  assert_true(otaux_offer_needs_charge_program(o, p));
  assert_string_equal(otaux_offer_held(o, p, NOON), "charge-program");

  copy = otaux_offer_copy(o);
  assert_true(otaux_offer_charge_answer(o, FALSE, NOON + 5, NULL));
  assert_int_equal(o->decision, OTAUX_DECISION_CANCEL);
  assert_int_equal(o->reason, OTAUX_REASON_POLICY);
  assert_int_equal(o->phase, OTAUX_PHASE_FINISHED);
  assert_int_equal(o->result, 401);
  assert_false(otaux_offer_charge_answer(o, TRUE, NOON + 6, &error));

  assert_true(otaux_offer_charge_answer(copy, TRUE, NOON + 5, NULL));
  assert_int_equal(copy->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(copy->phase, OTAUX_PHASE_DOWNLOADING);
  assert_false(otaux_offer_needs_charge_program(copy, p));
}

static void test_quiet_hours(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxStrings) strings = otaux_strings_new_builtin();
  g_autoptr(OtauxOffer) o = NULL;
  g_autoptr(OtauxPrompt) night = NULL;
  g_autoptr(OtauxPrompt) day = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 late = NOON + 11 * HOUR; /* 23:00 */

  p->quiet_start_min = 22 * 60;
  p->quiet_end_min = 7 * 60;
  p->priority[OTAUX_PRIORITY_HIGH].quiet_interrupt = FALSE;
  o = offer_new(p, OTAUX_PRIORITY_HIGH, 40, FALSE, FALSE);
  night = otaux_prompt_build(o, p, strings, late);
  day = otaux_prompt_build(o, p, strings, NOON);
  assert_int_equal(night->presentation, OTAUX_PRESENTATION_ACTIONS);
  assert_int_equal(day->presentation, OTAUX_PRESENTATION_POPUP);
  for (guint i = 0; i < night->delay_options->len; i++) {
    gint64 t = g_array_index(night->delay_options, OtauxDelayOption, i).time;
    assert_false(otaux_policy_in_quiet_hours(p, t));
  }
  /* no reboot chosen inside quiet hours */
  assert_false(otaux_offer_answer(o, p, "delay-reboot", late + HOUR, late, &error));
  assert_true(g_error_matches(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED));
  /* a reboot due inside them waits for their end */
  assert_true(otaux_offer_answer(o, p, "delay-reboot", NOON + 2 * HOUR, NOON, NULL));
  p->quiet_start_min = 13 * 60;
  p->quiet_end_min = 15 * 60;
  (void)otaux_offer_tick(o, p, NOON + 2 * HOUR); /* the reminders still due count */
  assert_false(otaux_offer_tick(o, p, NOON + 2 * HOUR));
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_int_equal(otaux_offer_next_wakeup(o, p, NOON + 2 * HOUR), NOON + 3 * HOUR);
  assert_true(otaux_offer_tick(o, p, NOON + 3 * HOUR));
  assert_int_equal(o->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(o->reason, OTAUX_REASON_SCHEDULED);
}

static void test_max_pick(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = offer_new(p, OTAUX_PRIORITY_MEDIUM, 40, FALSE, FALSE);

  assert_int_equal(otaux_offer_delay_limit(o, p, NOON), NOON + 7 * 86400);
  p->max_pick_s = 86400;
  assert_int_equal(otaux_offer_delay_limit(o, p, NOON), NOON + 86400);
  assert_false(otaux_offer_answer(o, p, "delay-reboot", NOON + 86401, NOON, NULL));
  assert_true(otaux_offer_answer(o, p, "delay-reboot", NOON + 86400, NOON, NULL));
}

static void test_store_round_trip(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = offer_new(p, OTAUX_PRIORITY_MEDIUM, 0, FALSE, FALSE);
  g_autoptr(OtauxOffer) back = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  o->spec.metered = TRUE;

  otaux_offer_see_device(o, NULL, p); /* the keys changed */
  o->spec.cellular = TRUE;
  otaux_offer_see_device(o, NULL, p); /* the keys changed */
  o->later_until = NOON + 5;
  o->asked_at = NOON + 1;
  o->charge_ok = TRUE;
  o->wait_wifi = TRUE;
  data = otaux_store_serialize(o, &len);
  back = otaux_store_parse(data, len, NULL);
  assert_non_null(back);
  assert_true(back->spec.metered && back->spec.cellular && back->charge_ok);
  assert_true(back->wait_wifi); /* "Download on Wi-Fi" survives a restart */
  assert_int_equal(back->later_until, NOON + 5);
  assert_int_equal(back->asked_at, NOON + 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_timeout_answers),  cmocka_unit_test(test_later_choice),
    cmocka_unit_test(test_roaming),          cmocka_unit_test(test_charge_warning_and_program),
    cmocka_unit_test(test_quiet_hours),      cmocka_unit_test(test_max_pick),
    cmocka_unit_test(test_store_round_trip),
  };

  g_setenv("TZ", "UTC", TRUE);
  tzset();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
