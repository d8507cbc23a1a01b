/* Who may answer on the system instance (dbus/otaux-bus-seat.c): the rule
 * itself on the facts logind gives, one case per refusal and the one that
 * passes. The logind exchange is tested end to end in
 * tests/system/test_system_instance.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "otaux-bus-private.h"

static void refused(const OtauxBusSeatFacts *facts, guint32 uid, const char *why)
{
  g_autoptr(GError) error = NULL;

  assert_false(otaux_bus_seat_decide(facts, uid, &error));
  assert_true(g_error_matches(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_ACCESS_DENIED));
  if (strstr(error->message, why) == NULL)
    fail_msg("'%s' does not say '%s'", error->message, why);
  /* Every refusal ends with the rule. */
  assert_non_null(strstr(error->message, "active local session on seat0"));
}

static void test_active_local_seat0_user_may(void **state)
{
  const OtauxBusSeatFacts facts = { "2", "seat0", 1000, TRUE, FALSE };
  g_autoptr(GError) error = NULL;

  assert_true(otaux_bus_seat_decide(&facts, 1000, &error));
  assert_null(error);
}

static void test_refusals_say_why(void **state)
{
  const OtauxBusSeatFacts active = { "2", "seat0", 1000, TRUE, FALSE };
  const OtauxBusSeatFacts inactive = { "3", "seat0", 1000, FALSE, FALSE };
  const OtauxBusSeatFacts ssh = { "5", "", 1000, TRUE, TRUE };
  const OtauxBusSeatFacts seat1 = { "4", "seat1", 1000, TRUE, FALSE };

  refused(&active, 1001, "uid 1001 is not the user of session 2 (uid 1000)");
  refused(&active, 0, "uid 0 is not the user of session 2");
  refused(&inactive, 1000, "session 3 is not the active session");
  refused(&ssh, 1000, "session 5 is a remote (ssh) session");
  refused(&seat1, 1000, "session 4 is not on seat0 (seat 'seat1')");
  refused(NULL, 0, "root without a login session may not answer");
  refused(NULL, 1000, "uid 1000 has no login session");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_active_local_seat0_user_may),
    cmocka_unit_test(test_refusals_say_why),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
