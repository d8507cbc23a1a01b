/* Unit tests of the offer's names and FUMO codes (agent/otaux-offer-names.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "otaux-offer.h"

static void test_names(void **state)
{
  OtauxPhase phase;
  OtauxDecision decision;
  OtauxReason reason;
  static const char *const phases[] = { "offered", "downloading", "ready",
                                        "delayed", "installing",  "finished" };
  static const char *const decisions[] = { "none", "accept", "cancel", "delay-reboot" };
  static const char *const reasons[] = {
    "", "user", "policy", "timeout", "scheduled", "unmetered"
  };

  for (guint i = 0; i < G_N_ELEMENTS(phases); i++) {
    assert_string_equal(otaux_phase_to_string((OtauxPhase)i), phases[i]);
    assert_true(otaux_phase_from_string(phases[i], &phase));
    assert_int_equal(phase, i);
  }
  for (guint i = 0; i < G_N_ELEMENTS(decisions); i++) {
    assert_string_equal(otaux_decision_to_string((OtauxDecision)i), decisions[i]);
    assert_true(otaux_decision_from_string(decisions[i], &decision));
    assert_int_equal(decision, i);
  }
  for (guint i = 0; i < G_N_ELEMENTS(reasons); i++) {
    assert_string_equal(otaux_reason_to_string((OtauxReason)i), reasons[i]);
    assert_true(otaux_reason_from_string(reasons[i], &reason));
    assert_int_equal(reason, i);
  }
  assert_false(otaux_phase_from_string("Offered", &phase));
  assert_false(otaux_decision_from_string(NULL, &decision));
  assert_false(otaux_reason_from_string("later", &reason));
}

static void test_fumo_codes(void **state)
{
  for (guint32 v = 0; v <= 700; v++) {
    gboolean state_ok = v >= 10 && v <= 100 && v % 10 == 0;
    gboolean result_ok = v == 200 || (v >= 250 && v <= 299) || (v >= 400 && v <= 599);

    assert_int_equal(otaux_fumo_state_is_valid(v), state_ok);
    assert_int_equal(otaux_fumo_result_is_valid(v), result_ok);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_names),
    cmocka_unit_test(test_fumo_codes),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
