/* Unit tests of the device facts (agent/otaux-device.h): the merge by
 * whose word counts, the battery line, and the agent following the
 * system's word live (prompts, choices, a scheduled install that waits). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "otaux-agent.h"
#include "otaux-device.h"
#include "otaux-testlib.h"

#define T0     G_GINT64_CONSTANT(1700000000)
#define HOUR   3600
#define BIT(f) (1u << (f))

/* ---- the merge -------------------------------------------------------- */

static void test_merge_nobody(void **state)
{
  OtauxDeviceFacts d;

  otaux_device_merge(NULL, NULL, OTAUX_DEVICE_TRUST_EITHER, &d);
  assert_false(d.roaming);
  assert_false(d.battery_present);
  for (guint i = 0; i < OTAUX_DEVICE_N_FACTS; i++)
    assert_int_equal(d.source[i], OTAUX_DEVICE_SOURCE_NONE);
}

/* One row: what each side says about roaming (-1 nothing, 0 no, 1 yes),
 * the trust, and the roaming in force with its source. */
typedef struct {
  int system;
  int updater;
  OtauxDeviceTrust trust;
  gboolean roaming;
  OtauxDeviceSource source;
} MergeRow;

static const MergeRow merge_rows[] = {
  /* either (the default): a yes from one side is enough */
  { 1, 0, OTAUX_DEVICE_TRUST_EITHER, TRUE, OTAUX_DEVICE_SOURCE_SYSTEM },
  { 0, 1, OTAUX_DEVICE_TRUST_EITHER, TRUE, OTAUX_DEVICE_SOURCE_UPDATER },
  { 1, 1, OTAUX_DEVICE_TRUST_EITHER, TRUE, OTAUX_DEVICE_SOURCE_SYSTEM },
  { 0, 0, OTAUX_DEVICE_TRUST_EITHER, FALSE, OTAUX_DEVICE_SOURCE_SYSTEM },
  { -1, 0, OTAUX_DEVICE_TRUST_EITHER, FALSE, OTAUX_DEVICE_SOURCE_UPDATER },
  { -1, 1, OTAUX_DEVICE_TRUST_EITHER, TRUE, OTAUX_DEVICE_SOURCE_UPDATER },
  { -1, -1, OTAUX_DEVICE_TRUST_EITHER, FALSE, OTAUX_DEVICE_SOURCE_NONE },
  /* updater: its keys win; the system only where they say nothing */
  { 1, 0, OTAUX_DEVICE_TRUST_UPDATER, FALSE, OTAUX_DEVICE_SOURCE_UPDATER },
  { 0, 1, OTAUX_DEVICE_TRUST_UPDATER, TRUE, OTAUX_DEVICE_SOURCE_UPDATER },
  { 1, -1, OTAUX_DEVICE_TRUST_UPDATER, TRUE, OTAUX_DEVICE_SOURCE_SYSTEM },
  /* system: the services win; the keys only where no service runs */
  { 0, 1, OTAUX_DEVICE_TRUST_SYSTEM, FALSE, OTAUX_DEVICE_SOURCE_SYSTEM },
  { 1, 0, OTAUX_DEVICE_TRUST_SYSTEM, TRUE, OTAUX_DEVICE_SOURCE_SYSTEM },
  { -1, 1, OTAUX_DEVICE_TRUST_SYSTEM, TRUE, OTAUX_DEVICE_SOURCE_UPDATER },
};

static void test_merge_rows(void **state)
{
  for (guint i = 0; i < G_N_ELEMENTS(merge_rows); i++) {
    const MergeRow *r = &merge_rows[i];
    OtauxSystemFacts sys = { 0 };
    OtauxUpdaterFacts upd = { 0 };
    OtauxDeviceFacts d;

    if (r->system >= 0) {
      sys.known = BIT(OTAUX_DEVICE_ROAMING);
      sys.roaming = r->system;
    }
    if (r->updater >= 0) {
      upd.known = BIT(OTAUX_DEVICE_ROAMING);
      upd.roaming = r->updater;
    }
    otaux_device_merge(&sys, &upd, r->trust, &d);
    if (!d.roaming != !r->roaming || d.source[OTAUX_DEVICE_ROAMING] != r->source)
      fail_msg("row %u: roaming %d from %s, expected %d from %s", i, d.roaming,
               otaux_device_source_to_string(d.source[OTAUX_DEVICE_ROAMING]), r->roaming,
               otaux_device_source_to_string(r->source));
  }
}

static void test_merge_facts_apart(void **state)
{
  OtauxSystemFacts sys = {
    .known = BIT(OTAUX_DEVICE_METERED) | BIT(OTAUX_DEVICE_BATTERY) | BIT(OTAUX_DEVICE_ON_BATTERY),
    .metered = TRUE,
    .battery_present = TRUE,
    .battery_percent = 150, /* clamped */
    .on_battery = TRUE,
  };
  OtauxUpdaterFacts upd = { .known = BIT(OTAUX_DEVICE_CELLULAR), .cellular = TRUE };
  OtauxDeviceFacts d;

  otaux_device_merge(&sys, &upd, OTAUX_DEVICE_TRUST_EITHER, &d);
  assert_true(d.metered);
  assert_int_equal(d.source[OTAUX_DEVICE_METERED], OTAUX_DEVICE_SOURCE_SYSTEM);
  assert_true(d.cellular);
  assert_int_equal(d.source[OTAUX_DEVICE_CELLULAR], OTAUX_DEVICE_SOURCE_UPDATER);
  assert_false(d.roaming);
  assert_int_equal(d.source[OTAUX_DEVICE_ROAMING], OTAUX_DEVICE_SOURCE_NONE);
  assert_int_equal(d.battery_percent, 100);
  assert_int_equal(d.source[OTAUX_DEVICE_BATTERY], OTAUX_DEVICE_SOURCE_SYSTEM);
  assert_true(d.on_battery);
  assert_string_equal(otaux_device_source_to_string(OTAUX_DEVICE_SOURCE_SYSTEM), "system");
  assert_string_equal(otaux_device_fact_to_string(OTAUX_DEVICE_ON_BATTERY), "on-battery");
}

/* ---- the battery line ------------------------------------------------- */

static OtauxDeviceFacts battery(gboolean present, guint percent, gboolean on_battery)
{
  OtauxSystemFacts sys = {
    .known = BIT(OTAUX_DEVICE_BATTERY) | BIT(OTAUX_DEVICE_ON_BATTERY),
    .battery_present = present,
    .battery_percent = percent,
    .on_battery = on_battery,
  };
  OtauxDeviceFacts d;

  otaux_device_merge(&sys, NULL, OTAUX_DEVICE_TRUST_EITHER, &d);
  return d;
}

static void test_battery_line(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  OtauxDeviceFacts d;
  OtauxDeviceFacts unknown;

  /* built-in: 25 % on battery, 10 % on mains */
  assert_int_equal(p->battery_min_on_battery, 25);
  assert_int_equal(p->battery_min_charging, 10);
  d = battery(TRUE, 24, TRUE);
  assert_string_equal(otaux_device_battery_text_id(&d, p), "state.130");
  d = battery(TRUE, 25, TRUE);
  assert_true(otaux_device_battery_allows_install(&d, p));
  d = battery(TRUE, 9, FALSE);
  assert_string_equal(otaux_device_battery_text_id(&d, p), "state.130");
  d = battery(TRUE, 10, FALSE);
  assert_true(otaux_device_battery_allows_install(&d, p));
  /* a desktop: no battery, nothing to wait for */
  d = battery(FALSE, 0, FALSE);
  assert_true(otaux_device_battery_allows_install(&d, p));
  /* no UPower: nothing known, nothing held */
  otaux_device_merge(NULL, NULL, OTAUX_DEVICE_TRUST_EITHER, &unknown);
  assert_true(otaux_device_battery_allows_install(&unknown, p));

  p->battery_mains_required = TRUE;
  d = battery(TRUE, 100, TRUE);
  assert_string_equal(otaux_device_battery_text_id(&d, p), "battery.mains");
  d = battery(TRUE, 100, FALSE);
  assert_true(otaux_device_battery_allows_install(&d, p));
}

/* ---- the agent, live -------------------------------------------------- */

typedef struct {
  char *dir;
  gint64 now;
  OtauxAgent *agent;
  GPtrArray *events;
} Fixture;

static gint64 fake_clock(gpointer user_data)
{
  return *(gint64 *)user_data;
}

static void on_decided(OtauxAgent *agent, const OtauxOffer *offer, const OtauxDecisionEvent *event,
                       gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add(f->events,
                  g_strdup_printf("decided %s %s", otaux_decision_to_string(event->decision),
                                  otaux_reason_to_string(event->reason)));
}

static void on_device(OtauxAgent *agent, const OtauxDeviceFacts *device, gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add(f->events, g_strdup_printf("device roaming=%d(%s) battery=%u", device->roaming,
                                             otaux_device_source_to_string(
                                                 device->source[OTAUX_DEVICE_ROAMING]),
                                             device->battery_percent));
}

static const OtauxAgentListener listener = {
  .decided = on_decided,
  .device_changed = on_device,
};

static int setup(void **state)
{
  Fixture *f = g_new0(Fixture, 1);
  OtauxAgentConfig config = { .clock = fake_clock };
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp("otaux-device-XXXXXX", NULL);
  f->now = T0;
  config.state_dir = f->dir;
  config.clock_data = &f->now;
  f->agent = otaux_agent_new(&config, &error);
  if (f->agent == NULL)
    fail_msg("otaux_agent_new: %s", error->message);
  f->events = g_ptr_array_new_with_free_func(g_free);
  otaux_agent_add_listener(f->agent, &listener, f);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  Fixture *f = *state;

  otaux_agent_free(f->agent);
  otaux_test_state_free(f->dir, f->events);
  g_free(f);
  return 0;
}

static const OtauxOffer *offer(Fixture *f, guint32 state, gboolean roaming)
{
  OtauxOfferSpec spec;
  const OtauxOffer *o = NULL;
  g_autoptr(GError) error = NULL;

  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("pkg");
  spec.size = 12300000;
  spec.state = state;
  spec.needs_reboot = TRUE;
  spec.roaming = roaming;
  spec.fields = OTAUX_SPEC_STATE | OTAUX_SPEC_SIZE | OTAUX_SPEC_ROAMING | OTAUX_SPEC_NEEDS_REBOOT;
  if (!otaux_agent_offer(f->agent, &spec, &o, NULL, &error))
    fail_msg("offer: %s", error->message);
  otaux_offer_spec_clear(&spec);
  return o;
}

static gboolean has_event(Fixture *f, const char *event)
{
  for (guint i = 0; i < f->events->len; i++)
    if (g_str_equal(g_ptr_array_index(f->events, i), event))
      return TRUE;
  return FALSE;
}

static void test_live_roaming(void **state)
{
  Fixture *f = *state;
  const OtauxOffer *o = offer(f, 10, FALSE);
  OtauxSystemFacts sys = { .known = BIT(OTAUX_DEVICE_ROAMING) };
  OtauxDeviceFacts d;

  assert_string_equal(otaux_agent_get_prompt(f->agent, o->serial)->warning, "");

  /* the modem starts roaming: the download question warns at once */
  sys.roaming = TRUE;
  otaux_agent_set_system_facts(f->agent, &sys);
  assert_string_equal(otaux_agent_get_prompt(f->agent, o->serial)->warning,
                      "You are roaming: downloading may cost extra data charges.");
  assert_true(has_event(f, "device roaming=1(system) battery=0"));
  otaux_agent_get_device(f->agent, &d);
  assert_true(d.roaming);

  /* home again: the warning goes */
  sys.roaming = FALSE;
  otaux_agent_set_system_facts(f->agent, &sys);
  assert_string_equal(otaux_agent_get_prompt(f->agent, o->serial)->warning, "");
  assert_true(has_event(f, "device roaming=0(system) battery=0"));
}

static void test_live_roaming_policy(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  OtauxSystemFacts sys = { .known = BIT(OTAUX_DEVICE_ROAMING), .roaming = TRUE };
  const OtauxOffer *o;

  /* roaming download="no" follows the live value, not the offer key */
  p->roaming_download = OTAUX_ROAMING_DOWNLOAD_NO;
  otaux_agent_set_policy(f->agent, p);
  otaux_agent_set_system_facts(f->agent, &sys);
  o = offer(f, 10, FALSE);
  assert_int_equal(otaux_agent_get_prompt(f->agent, o->serial)->kind, OTAUX_PROMPT_NONE);
  sys.roaming = FALSE;
  otaux_agent_set_system_facts(f->agent, &sys);
  assert_int_equal(otaux_agent_get_prompt(f->agent, o->serial)->kind, OTAUX_PROMPT_DOWNLOAD);

  /* whose word counts: the updater's key, when policy says so */
  p->device_trust = OTAUX_DEVICE_TRUST_UPDATER;
  otaux_agent_set_policy(f->agent, p);
  o = offer(f, 10, TRUE); /* re-offer: roaming */
  assert_int_equal(otaux_agent_get_prompt(f->agent, o->serial)->kind, OTAUX_PROMPT_NONE);
}

static void test_low_battery_holds_install(void **state)
{
  Fixture *f = *state;
  OtauxSystemFacts sys = {
    .known = BIT(OTAUX_DEVICE_BATTERY) | BIT(OTAUX_DEVICE_ON_BATTERY),
    .battery_present = TRUE,
    .battery_percent = 12,
    .on_battery = TRUE,
  };
  const OtauxOffer *o;
  const OtauxPrompt *prompt;
  guint serial;
  g_autoptr(GError) error = NULL;

  otaux_agent_set_system_facts(f->agent, &sys);
  o = offer(f, 50, FALSE);
  serial = o->serial; /* the offer object changes with every step */
  prompt = otaux_agent_get_prompt(f->agent, serial);
  assert_int_equal(prompt->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(prompt->warning,
                      "The battery is too low to install the update. Charge the device.");
  assert_false(otaux_prompt_has_choice(prompt, "accept"));
  assert_true(otaux_prompt_has_choice(prompt, "delay-reboot"));
  assert_true(otaux_prompt_has_choice(prompt, "cancel"));
  assert_false(otaux_agent_answer(f->agent, serial, "accept", 0, &error));

  /* a scheduled time arrives with a low battery: it waits and says so */
  assert_true(otaux_agent_answer(f->agent, serial, "delay-reboot", T0 + HOUR, NULL));
  /* issue 18: the battery-held path says one thing once: the time holds
   * only with the charger, and no warning repeats it */
  prompt = otaux_agent_get_prompt(f->agent, serial);
  assert_int_equal(prompt->kind, OTAUX_PROMPT_DELAYED);
  assert_string_equal(prompt->title, "Waiting for the charger");
  assert_string_equal(prompt->body, "The device restarts at 23:13 to install the firmware update, "
                                    "but only if the charger is plugged in.");
  assert_string_equal(prompt->warning, "");
  f->now = T0 + 2 * HOUR;
  otaux_agent_tick(f->agent);
  o = otaux_agent_lookup(f->agent, serial);
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_false(has_event(f, "decided accept scheduled"));
  prompt = otaux_agent_get_prompt(f->agent, serial);
  assert_string_equal(prompt->title, "Waiting for the charger");
  assert_string_equal(prompt->body,
                      "The battery is too low to install the update. Charge the device.");
  assert_string_equal(prompt->warning, "");
  assert_false(otaux_prompt_has_choice(prompt, "accept"));

  /* the charger is plugged in: 12 % is above the line for charging */
  sys.on_battery = FALSE;
  otaux_agent_set_system_facts(f->agent, &sys);
  assert_true(has_event(f, "decided accept scheduled"));
  assert_int_equal(otaux_agent_lookup(f->agent, serial)->decision, OTAUX_DECISION_ACCEPT);
}

static void test_battery_rises(void **state)
{
  Fixture *f = *state;
  OtauxSystemFacts sys = {
    .known = BIT(OTAUX_DEVICE_BATTERY) | BIT(OTAUX_DEVICE_ON_BATTERY),
    .battery_present = TRUE,
    .battery_percent = 20,
    .on_battery = TRUE,
  };
  const OtauxOffer *o;

  otaux_agent_set_system_facts(f->agent, &sys);
  o = offer(f, 50, FALSE);
  assert_false(otaux_prompt_has_choice(otaux_agent_get_prompt(f->agent, o->serial), "accept"));
  sys.battery_percent = 30;
  otaux_agent_set_system_facts(f->agent, &sys);
  assert_true(otaux_prompt_has_choice(otaux_agent_get_prompt(f->agent, o->serial), "accept"));
  assert_string_equal(otaux_agent_get_prompt(f->agent, o->serial)->warning, "");
}

static void test_timeout_accept_waits(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  OtauxSystemFacts sys = {
    .known = BIT(OTAUX_DEVICE_BATTERY) | BIT(OTAUX_DEVICE_ON_BATTERY),
    .battery_present = TRUE,
    .battery_percent = 5,
    .on_battery = TRUE,
  };
  const OtauxOffer *o;
  guint serial;

  /* The question answers itself "accept" after an hour, but not on 5 %. */
  p->priority[OTAUX_PRIORITY_MEDIUM].timeout_s = HOUR;
  p->priority[OTAUX_PRIORITY_MEDIUM].timeout_answer = OTAUX_TIMEOUT_ANSWER_ACCEPT;
  otaux_agent_set_policy(f->agent, p);
  otaux_agent_set_system_facts(f->agent, &sys);
  o = offer(f, 50, FALSE);
  serial = o->serial;
  assert_int_equal(otaux_agent_get_prompt(f->agent, serial)->deadline, 0);
  f->now = T0 + 2 * HOUR;
  otaux_agent_tick(f->agent);
  assert_int_equal(otaux_agent_lookup(f->agent, serial)->decision, OTAUX_DECISION_NONE);
  assert_false(has_event(f, "decided accept timeout"));
  /* charging: the overdue time-out answers at once */
  sys.on_battery = FALSE;
  sys.battery_percent = 50;
  otaux_agent_set_system_facts(f->agent, &sys);
  assert_true(has_event(f, "decided accept timeout"));
}

static void test_installing_inhibited(void **state)
{
  Fixture *f = *state;
  OtauxSystemFacts sys = { .shutdown_inhibited = TRUE };
  const OtauxOffer *o = offer(f, 60, FALSE);

  assert_int_equal(o->phase, OTAUX_PHASE_INSTALLING);
  assert_string_equal(otaux_agent_get_prompt(f->agent, o->serial)->warning, "");
  otaux_agent_set_system_facts(f->agent, &sys);
  assert_string_equal(otaux_agent_get_prompt(f->agent, o->serial)->warning,
                      "The device cannot be turned off until the update is installed.");
  assert_true(otaux_agent_finish(f->agent, o->serial, 200, NULL));
  assert_int_equal(otaux_agent_lookup(f->agent, 1)->phase, OTAUX_PHASE_FINISHED);
}

/* "Install tonight": charging, idle or locked, nothing blocks; unknown is no. */
static void test_tonight_misses(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  OtauxSystemFacts sys = { 0 };
  OtauxDeviceFacts d;

  (void)state;
  otaux_device_merge(NULL, NULL, p->device_trust, &d);
  assert_int_equal(otaux_device_tonight_misses(&d, p),
                   OTAUX_TONIGHT_MISS_CHARGER | OTAUX_TONIGHT_MISS_IN_USE);
  sys.known = 1u << OTAUX_DEVICE_ON_BATTERY | 1u << OTAUX_DEVICE_BATTERY |
              1u << OTAUX_DEVICE_SESSION_IDLE | 1u << OTAUX_DEVICE_RESTART_BLOCKED;
  sys.battery_present = TRUE;
  sys.battery_percent = 80;
  sys.session_idle = TRUE;
  otaux_device_merge(&sys, NULL, p->device_trust, &d);
  assert_int_equal(d.source[OTAUX_DEVICE_SESSION_IDLE], OTAUX_DEVICE_SOURCE_SYSTEM);
  assert_int_equal(otaux_device_tonight_misses(&d, p), 0);
  sys.on_battery = TRUE;
  sys.restart_blocked = TRUE;
  otaux_device_merge(&sys, NULL, p->device_trust, &d);
  assert_true(d.restart_blocked);
  assert_int_equal(otaux_device_tonight_misses(&d, p),
                   OTAUX_TONIGHT_MISS_CHARGER | OTAUX_TONIGHT_MISS_BLOCKED);
  /* on mains, but below the battery line: the charger reason too */
  sys.on_battery = FALSE;
  sys.restart_blocked = FALSE;
  sys.battery_percent = 5;
  otaux_device_merge(&sys, NULL, p->device_trust, &d);
  assert_int_equal(otaux_device_tonight_misses(&d, p), OTAUX_TONIGHT_MISS_CHARGER);
  assert_string_equal(otaux_device_fact_to_string(OTAUX_DEVICE_SESSION_IDLE), "session-idle");
  assert_string_equal(otaux_device_fact_to_string(OTAUX_DEVICE_RESTART_BLOCKED), "restart-blocked");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_merge_nobody),
    cmocka_unit_test(test_merge_rows),
    cmocka_unit_test(test_merge_facts_apart),
    cmocka_unit_test(test_battery_line),
    cmocka_unit_test(test_tonight_misses),
    cmocka_unit_test_setup_teardown(test_live_roaming, setup, teardown),
    cmocka_unit_test_setup_teardown(test_live_roaming_policy, setup, teardown),
    cmocka_unit_test_setup_teardown(test_low_battery_holds_install, setup, teardown),
    cmocka_unit_test_setup_teardown(test_battery_rises, setup, teardown),
    cmocka_unit_test_setup_teardown(test_timeout_accept_waits, setup, teardown),
    cmocka_unit_test_setup_teardown(test_installing_inhibited, setup, teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
