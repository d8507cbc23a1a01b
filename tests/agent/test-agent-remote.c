/* Unit tests of the system instance's offers mirrored in the session
 * agent's registry (agent/otaux-agent-remote.c), and of the presence that
 * holds question time-outs back on the system instance (issue 20). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "otaux-agent.h"
#include "otaux-testlib.h"

#define T0 G_GINT64_CONSTANT(1700000000)

typedef struct {
  char *dir;
  gint64 now;
  OtauxAgent *agent;
  GPtrArray *events;
  GPtrArray *answers; /* "serial choice reboot_at", as forwarded */
} Fixture;

static gint64 fake_clock(gpointer user_data)
{
  return *(gint64 *)user_data;
}

static void on_added(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  g_ptr_array_add(((Fixture *)data)->events, g_strdup_printf("added %u", offer->serial));
}

static void on_removed(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  g_ptr_array_add(((Fixture *)data)->events, g_strdup_printf("removed %u", offer->serial));
}

static void on_changed(OtauxAgent *agent, const OtauxOffer *offer, guint changed, gpointer data)
{
  g_ptr_array_add(((Fixture *)data)->events,
                  g_strdup_printf("changed %u 0x%x", offer->serial, changed));
}

static void on_decided(OtauxAgent *agent, const OtauxOffer *offer, const OtauxDecisionEvent *event,
                       gpointer data)
{
  g_ptr_array_add(((Fixture *)data)->events,
                  g_strdup_printf("decided %u %s %s", offer->serial,
                                  otaux_decision_to_string(event->decision),
                                  otaux_reason_to_string(event->reason)));
}

static void on_answer(guint serial, const char *choice, gint64 reboot_at, gpointer data)
{
  g_ptr_array_add(((Fixture *)data)->answers,
                  g_strdup_printf("%u %s %" G_GINT64_FORMAT, serial, choice, reboot_at));
}

static OtauxAgent *make_agent(Fixture *f, const OtauxPolicy *policy)
{
  OtauxAgentConfig config = {
    .state_dir = f->dir, .clock = fake_clock, .clock_data = &f->now, .policy = policy
  };
  g_autoptr(GError) error = NULL;
  OtauxAgent *agent = otaux_agent_new(&config, &error);
  const OtauxAgentListener listener = {
    .offer_added = on_added,
    .offer_removed = on_removed,
    .offer_changed = on_changed,
    .decided = on_decided,
  };

  if (agent == NULL)
    fail_msg("otaux_agent_new: %s", error->message);
  otaux_agent_add_listener(agent, &listener, f);
  return agent;
}

static int setup(void **state)
{
  Fixture *f = g_new0(Fixture, 1);

  f->dir = g_dir_make_tmp("otaux-remote-XXXXXX", NULL);
  f->now = T0;
  f->events = g_ptr_array_new_with_free_func(g_free);
  f->answers = g_ptr_array_new_with_free_func(g_free);
  f->agent = make_agent(f, NULL);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  Fixture *f = *state;

  otaux_agent_free(f->agent);
  otaux_test_state_free(f->dir, f->events);
  g_ptr_array_unref(f->answers);
  g_free(f);
  return 0;
}

static void assert_events(Fixture *f, const char *const *want)
{
  guint n = g_strv_length((char **)want);

  for (guint i = 0; i < f->events->len; i++)
    print_message("# event %s\n", (const char *)f->events->pdata[i]);
  assert_int_equal(f->events->len, n);
  for (guint i = 0; i < n; i++)
    assert_string_equal(f->events->pdata[i], want[i]);
  g_ptr_array_set_size(f->events, 0);
}

/* A mirror as the D-Bus adapter builds it from the system's properties. */
static void put(Fixture *f, guint n, OtauxPhase phase, OtauxDecision decision,
                OtauxPresentation presentation)
{
  OtauxOffer *offer = g_new0(OtauxOffer, 1);
  OtauxPrompt *prompt = otaux_prompt_new();
  OtauxChoice *c = g_new0(OtauxChoice, 1);

  otaux_offer_spec_init(&offer->spec);
  g_free(offer->spec.id);
  offer->spec.id = g_strdup("fw-sys");
  offer->serial = OTAUX_AGENT_REMOTE_BASE + n;
  offer->phase = phase;
  offer->decision = decision;
  prompt->kind = phase == OTAUX_PHASE_OFFERED ? OTAUX_PROMPT_DOWNLOAD : OTAUX_PROMPT_PROGRESS;
  prompt->presentation = presentation;
  prompt->priority = OTAUX_PRIORITY_HIGH;
  c->id = g_strdup("accept");
  c->label = g_strdup("Download");
  g_ptr_array_add(prompt->choices, c);
  otaux_agent_remote_put(f->agent, offer, prompt);
}

static void test_mirror_is_listed_and_never_saved(void **state)
{
  Fixture *f = *state;
  guint serial = OTAUX_AGENT_REMOTE_BASE + 3;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *offers = g_build_filename(f->dir, "offers", NULL);

  assert_true(otaux_agent_is_remote(serial));
  assert_false(otaux_agent_is_remote(3));
  put(f, 3, OTAUX_PHASE_OFFERED, OTAUX_DECISION_NONE, OTAUX_PRESENTATION_POPUP);
  assert_events(f, (const char *const[]){ "added 1073741827", NULL });
  assert_non_null(otaux_agent_lookup(f->agent, serial));
  assert_null(otaux_agent_lookup_id(f->agent, "fw-sys")); /* the agent's own ids only */
  list = otaux_agent_list(f->agent);
  assert_int_equal(list->len, 1);
  assert_int_equal(otaux_agent_get_prompt(f->agent, serial)->kind, OTAUX_PROMPT_DOWNLOAD);
  /* nothing on disk */
  dir = g_dir_open(offers, 0, NULL);
  assert_true(dir == NULL || g_dir_read_name(dir) == NULL);
  /* the same again: nothing to tell */
  put(f, 3, OTAUX_PHASE_OFFERED, OTAUX_DECISION_NONE, OTAUX_PRESENTATION_POPUP);
  assert_events(f, (const char *const[]){ NULL });
}

static void test_answer_is_forwarded_and_the_decision_follows(void **state)
{
  Fixture *f = *state;
  guint serial = OTAUX_AGENT_REMOTE_BASE + 1;
  g_autoptr(GError) error = NULL;

  put(f, 1, OTAUX_PHASE_OFFERED, OTAUX_DECISION_NONE, OTAUX_PRESENTATION_POPUP);
  g_ptr_array_set_size(f->events, 0);
  /* no forwarder (not following): refused */
  assert_false(otaux_agent_answer(f->agent, serial, "accept", 0, &error));
  g_clear_error(&error);
  otaux_agent_set_remote_answer(f->agent, on_answer, f);
  /* a choice the prompt does not offer: refused here already */
  assert_false(otaux_agent_answer(f->agent, serial, "cancel", 0, &error));
  assert_true(g_error_matches(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED));
  g_clear_error(&error);
  assert_true(otaux_agent_answer(f->agent, serial, "accept", 0, &error));
  assert_int_equal(f->answers->len, 1);
  assert_string_equal(f->answers->pdata[0], "1073741825 accept 0");
  /* nothing decided here: the system instance decides */
  assert_events(f, (const char *const[]){ NULL });
  put(f, 1, OTAUX_PHASE_DOWNLOADING, OTAUX_DECISION_ACCEPT, OTAUX_PRESENTATION_POPUP);
  assert_events(f, (const char *const[]){ "changed 1073741825 0x1300", NULL });
  /* the updater's methods are the system instance's */
  assert_false(otaux_agent_set_state(f->agent, serial, 30, 0, 0, &error));
  assert_true(g_error_matches(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_NOT_FOUND));
  assert_non_null(strstr(error->message, "system"));
  g_clear_error(&error);
  assert_false(otaux_agent_withdraw(f->agent, serial, &error));
  g_clear_error(&error);
  otaux_agent_remote_remove(f->agent, serial);
  assert_events(f, (const char *const[]){ "removed 1073741825", NULL });
  assert_null(otaux_agent_lookup(f->agent, serial));
  assert_int_equal(otaux_agent_get_prompt(f->agent, serial)->kind, OTAUX_PROMPT_NONE);
}

/* The system instance refused the forwarded answer: the question stays,
 * and its prompt says so above the warning it had, until the system
 * instance publishes the offer anew. */
static void test_refused_answer_is_told(void **state)
{
  Fixture *f = *state;
  guint serial = OTAUX_AGENT_REMOTE_BASE + 2;
  const OtauxPrompt *p;

  put(f, 2, OTAUX_PHASE_OFFERED, OTAUX_DECISION_NONE, OTAUX_PRESENTATION_POPUP);
  g_ptr_array_set_size(f->events, 0);
  otaux_agent_remote_refused(f->agent, serial, "this session is not the active one");
  assert_events(f, (const char *const[]){ "changed 1073741826 0x1000", NULL });
  p = otaux_agent_get_prompt(f->agent, serial);
  assert_int_equal(p->kind, OTAUX_PROMPT_DOWNLOAD);
  assert_int_equal(p->choices->len, 1); /* the question stays */
  assert_string_equal(p->warning,
                      "Your answer was not accepted: this session is not the active one");
  assert_string_equal(p->warning_markup,
                      "Your answer was not accepted: this session is not the active one");
  /* the system's words are plain text, on one line, below any warning it had */
  otaux_agent_remote_refused(f->agent, serial, "<b>no</b>\nreally");
  p = otaux_agent_get_prompt(f->agent, serial);
  assert_string_equal(p->warning,
                      "Your answer was not accepted: <b>no</b> really\n"
                      "Your answer was not accepted: this session is not the active one");
  assert_non_null(strstr(p->warning_markup, "&lt;b&gt;no&lt;/b&gt; really\n"));
  g_ptr_array_set_size(f->events, 0);
  /* published anew: the line goes */
  put(f, 2, OTAUX_PHASE_OFFERED, OTAUX_DECISION_NONE, OTAUX_PRESENTATION_POPUP);
  assert_events(f, (const char *const[]){ "changed 1073741826 0x1000", NULL });
  assert_string_equal(otaux_agent_get_prompt(f->agent, serial)->warning, "");
  /* an offer that is gone: nothing */
  otaux_agent_remote_refused(f->agent, OTAUX_AGENT_REMOTE_BASE + 9, "gone");
  assert_events(f, (const char *const[]){ NULL });
}

static void test_clear_and_quiet_hours(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();

  /* the session's quiet hours, all day: a pop-up is held back to actions */
  policy->quiet_start_min = 0;
  policy->quiet_end_min = 24 * 60 - 1;
  policy->priority[OTAUX_PRIORITY_HIGH].quiet_interrupt = FALSE;
  otaux_agent_set_policy(f->agent, policy);
  put(f, 1, OTAUX_PHASE_OFFERED, OTAUX_DECISION_NONE, OTAUX_PRESENTATION_POPUP);
  put(f, 2, OTAUX_PHASE_OFFERED, OTAUX_DECISION_NONE, OTAUX_PRESENTATION_POPUP);
  assert_int_not_equal(otaux_agent_get_prompt(f->agent, OTAUX_AGENT_REMOTE_BASE + 1)->presentation,
                       OTAUX_PRESENTATION_POPUP);
  /* the quiet hours are gone: the system's own presentation again */
  g_ptr_array_set_size(f->events, 0);
  policy->quiet_start_min = policy->quiet_end_min = 0;
  otaux_agent_set_policy(f->agent, policy);
  assert_int_equal(otaux_agent_get_prompt(f->agent, OTAUX_AGENT_REMOTE_BASE + 1)->presentation,
                   OTAUX_PRESENTATION_POPUP);
  assert_events(
      f, (const char *const[]){ "changed 1073741825 0x1000", "changed 1073741826 0x1000", NULL });
  otaux_agent_remote_clear(f->agent);
  assert_events(f, (const char *const[]){ "removed 1073741826", "removed 1073741825", NULL });
  assert_int_equal(otaux_agent_count(f->agent), 0);
}

static void test_nobody_present_holds_the_time_out(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  OtauxOfferSpec spec;
  const OtauxOffer *offer = NULL;
  gboolean created = FALSE;
  guint serial;

  policy->priority[OTAUX_PRIORITY_MEDIUM].timeout_s = 600;
  policy->priority[OTAUX_PRIORITY_MEDIUM].timeout_answer = OTAUX_TIMEOUT_ANSWER_ACCEPT;
  otaux_agent_set_policy(f->agent, policy);
  assert_true(otaux_agent_get_present(f->agent));
  otaux_agent_set_present(f->agent, FALSE);
  assert_false(otaux_agent_get_present(f->agent));
  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("fw-wait");
  assert_true(otaux_agent_offer(f->agent, &spec, &offer, &created, NULL));
  otaux_offer_spec_clear(&spec);
  serial = offer->serial;
  assert_int_equal(otaux_agent_get_prompt(f->agent, serial)->deadline, 0);
  f->now = T0 + 3600;
  otaux_agent_tick(f->agent);
  assert_int_equal(otaux_agent_lookup(f->agent, serial)->decision, OTAUX_DECISION_NONE);
  /* somebody is back: asked anew, with the whole time */
  otaux_agent_set_present(f->agent, TRUE);
  assert_int_equal(otaux_agent_get_prompt(f->agent, serial)->deadline, T0 + 3600 + 600);
  assert_int_equal(otaux_agent_lookup(f->agent, serial)->decision, OTAUX_DECISION_NONE);
  f->now = T0 + 3600 + 600;
  otaux_agent_tick(f->agent);
  assert_int_equal(otaux_agent_lookup(f->agent, serial)->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(otaux_agent_lookup(f->agent, serial)->reason, OTAUX_REASON_TIMEOUT);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_mirror_is_listed_and_never_saved, setup, teardown),
    cmocka_unit_test_setup_teardown(test_answer_is_forwarded_and_the_decision_follows, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_refused_answer_is_told, setup, teardown),
    cmocka_unit_test_setup_teardown(test_clear_and_quiet_hours, setup, teardown),
    cmocka_unit_test_setup_teardown(test_nobody_present_holds_the_time_out, setup, teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
