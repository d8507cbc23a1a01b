/* Unit tests of the agent (agent/otaux-agent.h): registry, persistence
 * before events, schedules with an injected clock, listeners. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "otaux-agent.h"
#include "otaux-testlib.h"

#define T0   G_GINT64_CONSTANT(1700000000)
#define HOUR 3600

typedef struct {
  char *dir;
  char *offers_dir;
  gint64 now;
  OtauxAgent *agent;
  GPtrArray *events; /* strings, in the order heard */
  guint handle;
} Fixture;

static gint64 fake_clock(gpointer user_data)
{
  return *(gint64 *)user_data;
}

/* Reads the offer back from disk, as a restarted agent would. */
static OtauxOffer *read_saved(Fixture *f, guint serial)
{
  g_autofree char *name = g_strdup_printf("%u.offer", serial);
  g_autofree char *path = g_build_filename(f->offers_dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents(path, &data, &len, NULL))
    return NULL;
  return otaux_store_parse(data, len, NULL);
}

static void on_added(OtauxAgent *agent, const OtauxOffer *offer, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(OtauxOffer) saved = read_saved(f, offer->serial);

  assert_non_null(saved); /* on disk before anyone hears of it */
  assert_ptr_equal(otaux_agent_lookup(agent, offer->serial), offer);
  g_ptr_array_add(f->events, g_strdup_printf("added %u", offer->serial));
}

static void on_removed(OtauxAgent *agent, const OtauxOffer *offer, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(OtauxOffer) saved = read_saved(f, offer->serial);

  assert_null(saved);
  g_ptr_array_add(f->events, g_strdup_printf("removed %u", offer->serial));
}

static void on_changed(OtauxAgent *agent, const OtauxOffer *offer, guint changed,
                       gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(OtauxOffer) saved = read_saved(f, offer->serial);

  assert_non_null(saved);
  assert_int_equal(otaux_offer_diff(saved, offer), 0);
  g_ptr_array_add(f->events, g_strdup_printf("changed %u 0x%x", offer->serial, changed));
}

static void on_decided(OtauxAgent *agent, const OtauxOffer *offer, const OtauxDecisionEvent *event,
                       gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(OtauxOffer) saved = read_saved(f, offer->serial);

  /* A decision is persisted before it is signalled. */
  assert_non_null(saved);
  assert_int_equal(saved->decision, event->decision);
  assert_int_equal(saved->reason, event->reason);
  assert_int_equal(saved->decided_in, event->phase);
  assert_int_equal(saved->reboot_at, event->reboot_at);
  g_ptr_array_add(f->events,
                  g_strdup_printf("decided %u %s %s %s %" G_GINT64_FORMAT, offer->serial,
                                  otaux_decision_to_string(event->decision),
                                  otaux_reason_to_string(event->reason),
                                  otaux_phase_to_string(event->phase), event->reboot_at));
}

static const OtauxAgentListener recorder = {
  .offer_added = on_added,
  .offer_removed = on_removed,
  .offer_changed = on_changed,
  .decided = on_decided,
};

static OtauxAgent *start_agent(Fixture *f)
{
  OtauxAgentConfig config = { .state_dir = f->dir, .clock = fake_clock, .clock_data = &f->now };
  g_autoptr(GError) error = NULL;
  OtauxAgent *agent = otaux_agent_new(&config, &error);

  if (agent == NULL)
    fail_msg("otaux_agent_new: %s", error->message);
  return agent;
}

static void restart(Fixture *f)
{
  otaux_agent_free(f->agent);
  f->agent = start_agent(f);
  f->handle = otaux_agent_add_listener(f->agent, &recorder, f);
  g_ptr_array_set_size(f->events, 0);
}

static int setup(void **state)
{
  Fixture *f = g_new0(Fixture, 1);

  f->dir = g_dir_make_tmp("otaux-agent-XXXXXX", NULL);
  assert_non_null(f->dir);
  f->offers_dir = g_build_filename(f->dir, "offers", NULL);
  f->now = T0;
  f->events = g_ptr_array_new_with_free_func(g_free);
  f->agent = start_agent(f);
  f->handle = otaux_agent_add_listener(f->agent, &recorder, f);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  Fixture *f = *state;

  otaux_agent_free(f->agent);
  otaux_test_state_free(f->dir, f->events);
  g_free(f->offers_dir);
  g_free(f);
  return 0;
}

/* Compares the heard events with @expected (NULL-terminated) and forgets them. */
static void expect_events(Fixture *f, ...)
{
  va_list ap;
  guint i = 0;
  const char *want;

  va_start(ap, f);
  while ((want = va_arg(ap, const char *)) != NULL) {
    if (i >= f->events->len)
      fail_msg("missing event %u: %s", i, want);
    if (!g_str_equal(want, g_ptr_array_index(f->events, i)))
      fail_msg("event %u: got \"%s\", expected \"%s\"", i,
               (const char *)g_ptr_array_index(f->events, i), want);
    i++;
  }
  va_end(ap);
  if (i != f->events->len)
    fail_msg("%u unexpected events, first \"%s\"", f->events->len - i,
             (const char *)g_ptr_array_index(f->events, i));
  g_ptr_array_set_size(f->events, 0);
}

static char *mask_event(guint serial, guint mask)
{
  return g_strdup_printf("changed %u 0x%x", serial, mask);
}

static void spec_init_named(OtauxOfferSpec *spec, const char *id)
{
  otaux_offer_spec_init(spec);
  g_free(spec->id);
  spec->id = g_strdup(id);
  g_free(spec->name);
  spec->name = g_strdup("Phone OS");
  g_free(spec->version);
  spec->version = g_strdup("2.0");
  spec->size = 1000;
  spec->fields = OTAUX_SPEC_NAME | OTAUX_SPEC_VERSION | OTAUX_SPEC_SIZE;
}

static guint offer_id(Fixture *f, const char *id, guint32 start, gboolean silent, gboolean forced)
{
  OtauxOfferSpec spec;
  const OtauxOffer *offer = NULL;
  gboolean created = FALSE;
  g_autoptr(GError) error = NULL;

  spec_init_named(&spec, id);
  spec.state = start;
  spec.silent = silent;
  spec.forced = forced;
  assert_true(otaux_offer_spec_validate(&spec, NULL));
  if (!otaux_agent_offer(f->agent, &spec, &offer, &created, &error))
    fail_msg("offer %s: %s", id, error->message);
  otaux_offer_spec_clear(&spec);
  assert_true(created);
  return offer->serial;
}

#define PROP(x) OTAUX_OFFER_PROP_##x

static void test_full_lifecycle(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 10, FALSE, FALSE);
  const OtauxOffer *o;
  g_autofree char *e1 = mask_event(s, PROP(PHASE) | PROP(DECISION) | PROP(PROMPT));
  g_autofree char *e2 = mask_event(s, PROP(STATE) | PROP(BYTES) | PROP(PROMPT));
  g_autofree char *e3 =
      mask_event(s, PROP(STATE) | PROP(BYTES) | PROP(PHASE) | PROP(DECISION) | PROP(PROMPT));
  g_autofree char *e4 = mask_event(s, PROP(DECISION) | PROP(PROMPT));
  /* installing starts the install's own progress: the download's bytes go */
  g_autofree char *e5 = mask_event(s, PROP(STATE) | PROP(BYTES) | PROP(PHASE) | PROP(PROMPT));
  g_autofree char *e6 = mask_event(s, PROP(PHASE) | PROP(RESULT) | PROP(PROMPT));

  assert_int_equal(s, 1);
  expect_events(f, "added 1", NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_DOWNLOAD);
  assert_int_equal(otaux_agent_count(f->agent), 1);

  f->now += 10;
  assert_true(otaux_agent_answer(f->agent, s, "accept", 0, NULL));
  expect_events(f, e1, "decided 1 accept user offered 0", NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_PROGRESS);

  assert_true(otaux_agent_set_state(f->agent, s, 30, 500, 1000, NULL));
  expect_events(f, e2, NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->progress, 50);

  assert_true(otaux_agent_set_state(f->agent, s, 40, 1000, 1000, NULL));
  expect_events(f, e3, NULL);
  o = otaux_agent_lookup(f->agent, s);
  assert_int_equal(o->phase, OTAUX_PHASE_READY);
  assert_int_equal(o->ready_at, T0 + 10);
  /* The install question is new: the download's answer is not its answer. */
  assert_int_equal(o->decision, OTAUX_DECISION_NONE);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_INSTALL);

  /* The install accept is its own decision. */
  assert_true(otaux_agent_answer(f->agent, s, "accept", 0, NULL));
  expect_events(f, e4, "decided 1 accept user ready 0", NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_PENDING);

  assert_true(otaux_agent_set_state(f->agent, s, 60, 0, 0, NULL));
  expect_events(f, e5, NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_INSTALLING);

  assert_true(otaux_agent_finish(f->agent, s, 200, NULL));
  expect_events(f, e6, NULL);
  o = otaux_agent_lookup(f->agent, s);
  assert_int_equal(o->phase, OTAUX_PHASE_FINISHED);
  assert_int_equal(o->result, 200);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_RESULT);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->result, 200);

  /* Nothing more to happen: ticks are quiet. */
  f->now += 10 * HOUR;
  otaux_agent_tick(f->agent);
  expect_events(f, NULL);
}

static void test_refusals_emit_nothing(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 10, FALSE, FALSE);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;

  expect_events(f, "added 1", NULL);
  assert_false(otaux_agent_answer(f->agent, s, "delay-reboot", f->now + HOUR, &e1));
  assert_true(g_error_matches(e1, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED));
  assert_false(otaux_agent_set_state(f->agent, s, 60, 0, 0, &e2));
  assert_true(g_error_matches(e2, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED));
  assert_false(otaux_agent_answer(f->agent, 99, "accept", 0, &e3));
  assert_true(g_error_matches(e3, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_NOT_FOUND));
  assert_false(otaux_agent_finish(f->agent, s, 100, &e4));
  assert_true(g_error_matches(e4, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS));
  assert_false(otaux_agent_set_state(f->agent, 99, 30, 0, 0, NULL));
  assert_false(otaux_agent_finish(f->agent, 99, 200, NULL));
  assert_false(otaux_agent_withdraw(f->agent, 99, NULL));
  expect_events(f, NULL);
  assert_int_equal(otaux_agent_lookup(f->agent, s)->phase, OTAUX_PHASE_OFFERED);
}

static void test_delay_then_scheduled_accept(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 40, FALSE, FALSE);
  gint64 at = T0 + 2 * HOUR;
  g_autofree char *delay_ev =
      g_strdup_printf("decided 1 delay-reboot user ready %" G_GINT64_FORMAT, at);
  g_autofree char *sched_ev =
      g_strdup_printf("decided 1 accept scheduled delayed %" G_GINT64_FORMAT, at);
  g_autofree char *m_delay =
      mask_event(s, PROP(PHASE) | PROP(DECISION) | PROP(REBOOT_AT) | PROP(PROMPT));
  g_autofree char *m_prompt = mask_event(s, PROP(PROMPT));
  g_autofree char *m_sched = mask_event(s, PROP(DECISION) | PROP(PROMPT));

  expect_events(f, "added 1", NULL);
  assert_true(otaux_agent_answer(f->agent, s, "delay-reboot", at, NULL));
  expect_events(f, m_delay, delay_ev, NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_DELAYED);

  /* Before anything is due: silence. */
  f->now = at - HOUR - 1;
  otaux_agent_tick(f->agent);
  expect_events(f, NULL);

  /* The one-hour reminder: a prompt change, no decision. */
  f->now = at - HOUR;
  otaux_agent_tick(f->agent);
  expect_events(f, m_prompt, NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_REMINDER);
  assert_int_equal(otaux_agent_lookup(f->agent, s)->reminder_index, 2);

  /* The final warning, whose title counts down: the agent wakes when its
   * wording changes and republishes it. */
  f->now = at - 30;
  otaux_agent_tick(f->agent);
  expect_events(f, m_prompt, NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_FINAL_WARNING);
  assert_string_equal(otaux_agent_get_prompt(f->agent, s)->title, "Restarting in 30\u00a0seconds…");
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->refresh_at, at - 29);
  f->now = at - 11;
  otaux_agent_tick(f->agent);
  expect_events(f, m_prompt, NULL);
  assert_string_equal(otaux_agent_get_prompt(f->agent, s)->title, "Restarting in 11\u00a0seconds…");
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->refresh_at, at - 10);

  f->now = at;
  otaux_agent_tick(f->agent);
  expect_events(f, m_sched, sched_ev, NULL);
  assert_int_equal(otaux_agent_lookup(f->agent, s)->reason, OTAUX_REASON_SCHEDULED);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_PENDING);

  assert_true(otaux_agent_set_state(f->agent, s, 60, 0, 0, NULL));
  assert_int_equal(otaux_agent_lookup(f->agent, s)->phase, OTAUX_PHASE_INSTALLING);
}

static void test_forced_countdown(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 40, FALSE, TRUE);

  expect_events(f, "added 1", NULL);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_FORCED);
  f->now = T0 + 299;
  otaux_agent_tick(f->agent);
  expect_events(f, NULL);
  f->now = T0 + 300;
  otaux_agent_tick(f->agent);
  assert_int_equal(f->events->len, 2);
  assert_string_equal(g_ptr_array_index(f->events, 1), "decided 1 accept policy ready 0");
}

static void test_silent_offer_decided_at_creation(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 10, TRUE, FALSE);

  expect_events(f, "added 1", "decided 1 accept policy offered 0", NULL);
  assert_int_equal(otaux_agent_lookup(f->agent, s)->phase, OTAUX_PHASE_DOWNLOADING);
}

static void test_reoffer_is_idempotent(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 10, FALSE, FALSE);
  OtauxOfferSpec spec;
  const OtauxOffer *offer = NULL;
  gboolean created = TRUE;
  g_autofree char *name_ev = mask_event(s, PROP(NAME) | PROP(PROMPT));

  expect_events(f, "added 1", NULL);
  spec_init_named(&spec, "pkg-1");
  assert_true(otaux_agent_offer(f->agent, &spec, &offer, &created, NULL));
  assert_false(created);
  assert_int_equal(offer->serial, s);
  expect_events(f, NULL); /* nothing changed */

  g_free(spec.name);
  spec.name = g_strdup("Phone OS Plus");
  spec.state = 50; /* never taken from a re-offer */
  spec.fields |= OTAUX_SPEC_STATE;
  assert_true(otaux_agent_offer(f->agent, &spec, &offer, &created, NULL));
  otaux_offer_spec_clear(&spec);
  assert_false(created);
  assert_ptr_equal(offer, otaux_agent_lookup(f->agent, s));
  assert_ptr_equal(offer, otaux_agent_lookup_id(f->agent, "pkg-1"));
  assert_string_equal(offer->spec.name, "Phone OS Plus");
  assert_int_equal(offer->phase, OTAUX_PHASE_OFFERED);
  expect_events(f, name_ev, NULL);
  assert_int_equal(otaux_agent_count(f->agent), 1);
  assert_null(otaux_agent_lookup_id(f->agent, "pkg-2"));
  assert_null(otaux_agent_lookup_id(f->agent, NULL));
}

static void test_reload_restores_everything(void **state)
{
  Fixture *f = *state;
  guint a = offer_id(f, "pkg-a", 10, FALSE, FALSE);
  guint b = offer_id(f, "pkg-b", 40, FALSE, FALSE);
  guint c = offer_id(f, "pkg-c", 30, FALSE, FALSE);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func((GDestroyNotify)otaux_offer_free);
  g_autoptr(GPtrArray) list = NULL;
  OtauxOfferSpec spec;
  const OtauxOffer *offer = NULL;
  gboolean created = TRUE;

  assert_true(otaux_agent_set_state(f->agent, c, 30, 10, 100, NULL));
  assert_true(otaux_agent_answer(f->agent, b, "delay-reboot", T0 + 5 * HOUR, NULL));
  assert_true(otaux_agent_withdraw(f->agent, a, NULL));
  list = otaux_agent_list(f->agent);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add(before, otaux_offer_copy(g_ptr_array_index(list, i)));
  g_clear_pointer(&list, g_ptr_array_unref);

  restart(f);
  assert_int_equal(otaux_agent_count(f->agent), 2);
  list = otaux_agent_list(f->agent);
  assert_int_equal(list->len, 2);
  for (guint i = 0; i < list->len; i++) {
    const OtauxOffer *x = g_ptr_array_index(before, i);
    const OtauxOffer *y = g_ptr_array_index(list, i);
    g_autofree char *dx = otaux_store_serialize(x, NULL);
    g_autofree char *dy = otaux_store_serialize(y, NULL);

    assert_string_equal(dx, dy); /* every persisted field */
    assert_int_equal(otaux_offer_diff(x, y), 0);
  }
  assert_int_equal(otaux_agent_get_prompt(f->agent, b)->kind, OTAUX_PROMPT_DELAYED);
  assert_int_equal(otaux_agent_get_prompt(f->agent, c)->kind, OTAUX_PROMPT_PROGRESS);

  /* The same id keeps its serial; a new id continues after the highest. */
  spec_init_named(&spec, "pkg-c");
  assert_true(otaux_agent_offer(f->agent, &spec, &offer, &created, NULL));
  assert_false(created);
  assert_int_equal(offer->serial, c);
  otaux_offer_spec_clear(&spec);
  assert_int_equal(offer_id(f, "pkg-d", 10, FALSE, FALSE), 4);
  assert_int_equal(otaux_agent_lookup_id(f->agent, "pkg-b")->serial, b);
}

static void test_overdue_delay_fires_at_load(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 40, FALSE, FALSE);
  const OtauxOffer *o;
  g_autofree char *decided =
      g_strdup_printf("decided %u accept scheduled delayed %" G_GINT64_FORMAT, s, T0 + HOUR);

  assert_true(otaux_agent_answer(f->agent, s, "delay-reboot", T0 + HOUR, NULL));
  otaux_agent_free(f->agent);
  f->agent = NULL;

  f->now = T0 + 3 * HOUR; /* the device was off when the time came */
  f->agent = start_agent(f);
  f->handle = otaux_agent_add_listener(f->agent, &recorder, f);
  g_ptr_array_set_size(f->events, 0);
  /* Loading alone decides nothing: the listeners (the bus) attach first... */
  o = otaux_agent_lookup(f->agent, s);
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  expect_events(f, NULL);
  /* ...and the first main-loop turn fires the overdue schedule, signalled. */
  g_main_context_iteration(NULL, FALSE);
  o = otaux_agent_lookup(f->agent, s);
  assert_int_equal(o->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(o->reason, OTAUX_REASON_SCHEDULED);
  assert_int_equal(o->reboot_at, T0 + HOUR);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_PENDING);
  g_autofree char *changed =
      g_strdup_printf("changed %u 0x%x", s, OTAUX_OFFER_PROP_DECISION | OTAUX_OFFER_PROP_PROMPT);
  expect_events(f, changed, decided, NULL);
  {
    g_autoptr(OtauxOffer) saved = read_saved(f, s);

    assert_int_equal(saved->decision, OTAUX_DECISION_ACCEPT);
    assert_int_equal(saved->reason, OTAUX_REASON_SCHEDULED);
  }
}

static void test_withdraw(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 10, FALSE, FALSE);
  g_autoptr(GError) error = NULL;

  expect_events(f, "added 1", NULL);
  assert_true(otaux_agent_withdraw(f->agent, s, NULL));
  expect_events(f, "removed 1", NULL);
  assert_null(otaux_agent_lookup(f->agent, s));
  assert_null(otaux_agent_lookup_id(f->agent, "pkg-1"));
  assert_int_equal(otaux_agent_count(f->agent), 0);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_NONE);
  assert_false(otaux_agent_withdraw(f->agent, s, &error));
  assert_true(g_error_matches(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_NOT_FOUND));
  /* A withdrawn id offered again is a new offer with a new serial. */
  assert_int_equal(offer_id(f, "pkg-1", 10, FALSE, FALSE), 2);
}

/* A failed save changes nothing and tells nobody. */
static void test_failed_save_changes_nothing(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 40, FALSE, FALSE);
  g_autoptr(OtauxOffer) before = otaux_offer_copy(otaux_agent_lookup(f->agent, s));
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;
  g_autoptr(GError) e5 = NULL;
  OtauxOfferSpec spec;
  const OtauxOffer *o;

  expect_events(f, "added 1", NULL);
  /* chmod does not stop root: put a file where the folder was. */
  otaux_test_rm_rf(f->offers_dir);
  assert_true(g_file_set_contents(f->offers_dir, "not a folder", -1, NULL));

  assert_false(otaux_agent_answer(f->agent, s, "delay-reboot", T0 + HOUR, &e1));
  assert_true(g_error_matches(e1, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));
  assert_false(otaux_agent_answer(f->agent, s, "accept", 0, &e2));
  assert_true(g_error_matches(e2, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));
  assert_false(otaux_agent_finish(f->agent, s, 200, &e3));
  assert_true(g_error_matches(e3, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));
  spec_init_named(&spec, "pkg-2");
  assert_false(otaux_agent_offer(f->agent, &spec, NULL, NULL, &e4));
  assert_true(g_error_matches(e4, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));
  otaux_offer_spec_clear(&spec);
  assert_false(otaux_agent_withdraw(f->agent, s, &e5));
  assert_true(g_error_matches(e5, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));

  expect_events(f, NULL);
  o = otaux_agent_lookup(f->agent, s);
  assert_non_null(o);
  assert_int_equal(otaux_offer_diff(before, o), 0);
  assert_int_equal(o->n_delays, 0);
  assert_int_equal(otaux_agent_count(f->agent), 1);
  assert_int_equal(otaux_agent_get_prompt(f->agent, s)->kind, OTAUX_PROMPT_INSTALL);

  /* Once the disk is back, the same answer works, and the failed offer's
   * serial was not used up. */
  g_unlink(f->offers_dir);
  assert_int_equal(g_mkdir(f->offers_dir, 0700), 0);
  assert_true(otaux_agent_answer(f->agent, s, "accept", 0, NULL));
  assert_int_equal(offer_id(f, "pkg-2", 10, FALSE, FALSE), 2);
}

static void test_failed_save_in_tick_retries(void **state)
{
  Fixture *f = *state;
  guint s = offer_id(f, "pkg-1", 40, FALSE, FALSE);

  assert_true(otaux_agent_answer(f->agent, s, "delay-reboot", T0 + 600, NULL));
  g_ptr_array_set_size(f->events, 0);
  otaux_test_rm_rf(f->offers_dir);
  assert_true(g_file_set_contents(f->offers_dir, "x", -1, NULL));
  f->now = T0 + 600;
  otaux_agent_tick(f->agent); /* warns, keeps the old state */
  assert_int_equal(otaux_agent_lookup(f->agent, s)->decision, OTAUX_DECISION_DELAY_REBOOT);
  for (guint i = 0; i < f->events->len; i++)
    assert_null(strstr(g_ptr_array_index(f->events, i), "decided"));
  g_ptr_array_set_size(f->events, 0);

  g_unlink(f->offers_dir);
  assert_int_equal(g_mkdir(f->offers_dir, 0700), 0);
  otaux_agent_tick(f->agent);
  assert_int_equal(otaux_agent_lookup(f->agent, s)->decision, OTAUX_DECISION_ACCEPT);
  assert_string_equal(g_ptr_array_index(f->events, f->events->len - 1),
                      "decided 1 accept scheduled delayed 1700000600");
}

static void test_limit_exceeded(void **state)
{
  Fixture *f = *state;
  OtauxOfferSpec spec;
  g_autoptr(GError) error = NULL;
  guint last = 0;

  otaux_agent_remove_listener(f->agent, f->handle); /* keep it quick */
  for (guint i = 0; i < OTAUX_LIMIT_MAX_OFFERS; i++) {
    g_autofree char *id = g_strdup_printf("pkg-%u", i);

    last = offer_id(f, id, 10, FALSE, FALSE);
  }
  assert_int_equal(otaux_agent_count(f->agent), OTAUX_LIMIT_MAX_OFFERS);
  spec_init_named(&spec, "one-too-many");
  assert_false(otaux_agent_offer(f->agent, &spec, NULL, NULL, &error));
  assert_true(g_error_matches(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_LIMIT_EXCEEDED));
  g_clear_error(&error);

  /* A re-offer of a known id still works; finished offers do not count. */
  g_free(spec.id);
  spec.id = g_strdup("pkg-0");
  assert_true(otaux_agent_offer(f->agent, &spec, NULL, NULL, NULL));
  assert_true(otaux_agent_answer(f->agent, last, "cancel", 0, NULL));
  g_free(spec.id);
  spec.id = g_strdup("one-more");
  assert_true(otaux_agent_offer(f->agent, &spec, NULL, NULL, &error));
  otaux_offer_spec_clear(&spec);
}

static void test_finished_offers_pruned(void **state)
{
  Fixture *f = *state;
  guint first = 0;
  g_autofree char *removed = NULL;

  for (guint i = 0; i < OTAUX_LIMIT_MAX_FINISHED; i++) {
    g_autofree char *id = g_strdup_printf("pkg-%u", i);
    guint s = offer_id(f, id, 10, FALSE, FALSE);

    if (i == 0)
      first = s;
    f->now++;
    assert_true(otaux_agent_answer(f->agent, s, "cancel", 0, NULL));
  }
  assert_int_equal(otaux_agent_count(f->agent), OTAUX_LIMIT_MAX_FINISHED);
  g_ptr_array_set_size(f->events, 0);

  /* One more finished: the one finished longest ago goes, even when an
   * older offer is the one finishing now. */
  {
    guint s = offer_id(f, "pkg-last", 10, FALSE, FALSE);
    guint early = offer_id(f, "pkg-early", 10, FALSE, FALSE);

    f->now++;
    assert_true(otaux_agent_answer(f->agent, s, "cancel", 0, NULL));
    assert_non_null(otaux_agent_lookup(f->agent, s));
    f->now++;
    assert_true(otaux_agent_finish(f->agent, early, 200, NULL));
    assert_non_null(otaux_agent_lookup(f->agent, early));
  }
  removed = g_strdup_printf("removed %u", first);
  assert_true(g_ptr_array_find_with_equal_func(f->events, removed, g_str_equal, NULL));
  assert_null(otaux_agent_lookup(f->agent, first));
  assert_null(otaux_agent_lookup(f->agent, first + 1));
  assert_non_null(otaux_agent_lookup(f->agent, first + 2));
  assert_int_equal(otaux_agent_count(f->agent), OTAUX_LIMIT_MAX_FINISHED);
}

static void order_a(OtauxAgent *agent, const OtauxOffer *offer, gpointer user_data)
{
  g_string_append((GString *)user_data, "a");
}

static void order_b(OtauxAgent *agent, const OtauxOffer *offer, gpointer user_data)
{
  g_string_append((GString *)user_data, "b");
}

static void test_listeners_order_and_removal(void **state)
{
  Fixture *f = *state;
  g_autoptr(GString) heard = g_string_new("");
  OtauxAgentListener la = { .offer_added = order_a };
  OtauxAgentListener lb = { .offer_added = order_b };
  OtauxAgentListener empty = { 0 };
  guint ha = otaux_agent_add_listener(f->agent, &la, heard);
  guint hb = otaux_agent_add_listener(f->agent, &lb, heard);
  guint he = otaux_agent_add_listener(f->agent, &empty, NULL);

  assert_true(ha != hb && hb != he && ha != 0);
  offer_id(f, "pkg-1", 10, FALSE, FALSE);
  assert_string_equal(heard->str, "ab");
  otaux_agent_remove_listener(f->agent, ha);
  otaux_agent_remove_listener(f->agent, 12345); /* unknown: ignored */
  offer_id(f, "pkg-2", 10, FALSE, FALSE);
  assert_string_equal(heard->str, "abb");
  otaux_agent_remove_listener(f->agent, f->handle);
  otaux_agent_remove_listener(f->agent, hb);
  otaux_agent_remove_listener(f->agent, he);
  offer_id(f, "pkg-3", 10, FALSE, FALSE);
  assert_string_equal(heard->str, "abb");
}

static void withdraw_on_changed(OtauxAgent *agent, const OtauxOffer *offer, guint changed,
                                gpointer user_data)
{
  assert_true(otaux_agent_withdraw(agent, offer->serial, NULL));
}

static void withdraw_on_added(OtauxAgent *agent, const OtauxOffer *offer, gpointer user_data)
{
  assert_true(otaux_agent_withdraw(agent, offer->serial, NULL));
}

/* A listener that withdraws the offer it hears about: no one is handed a freed offer. */
static void test_listener_withdraws_during_event(void **state)
{
  Fixture *f = *state;
  OtauxAgentListener on_change = { .offer_changed = withdraw_on_changed };
  OtauxAgentListener on_add = { .offer_added = withdraw_on_added };
  guint s = offer_id(f, "pkg-1", 10, FALSE, FALSE);
  guint h = otaux_agent_add_listener(f->agent, &on_change, NULL);
  OtauxOfferSpec spec;
  const OtauxOffer *out = (const OtauxOffer *)&spec;
  g_autofree char *changed = mask_event(s, PROP(PHASE) | PROP(DECISION) | PROP(PROMPT));

  g_ptr_array_set_size(f->events, 0);
  assert_true(otaux_agent_answer(f->agent, s, "accept", 0, NULL));
  expect_events(f, changed, "removed 1", NULL);
  assert_null(otaux_agent_lookup(f->agent, s));
  otaux_agent_remove_listener(f->agent, h);

  h = otaux_agent_add_listener(f->agent, &on_add, NULL);
  spec_init_named(&spec, "pkg-2");
  spec.silent = TRUE;
  assert_true(otaux_agent_offer(f->agent, &spec, &out, NULL, NULL));
  otaux_offer_spec_clear(&spec);
  assert_null(out);
  expect_events(f, "added 2", "removed 2", NULL);
  otaux_agent_remove_listener(f->agent, h);
}

static void test_new_fails_on_bad_dir(void **state)
{
  Fixture *f = *state;
  g_autofree char *file = g_build_filename(f->dir, "plain-file", NULL);
  g_autofree char *under = g_build_filename(file, "state", NULL);
  OtauxAgentConfig config = { .state_dir = under, .clock = fake_clock, .clock_data = &f->now };
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxAgent) agent = NULL;

  assert_true(g_file_set_contents(file, "x", -1, NULL));
  agent = otaux_agent_new(&config, &error);
  assert_null(agent);
  assert_true(g_error_matches(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));
}

static void test_check_caller(void **state)
{
  Fixture *f = *state;
  guint32 other = getuid() == 0 ? 1000 : getuid() + 1;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf("uid %u may not", other);

  assert_true(otaux_agent_check_caller(f->agent, getuid(), NULL));
  assert_true(otaux_agent_check_caller(f->agent, 0, NULL));
  assert_false(otaux_agent_check_caller(f->agent, other, &error));
  assert_true(g_error_matches(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_ACCESS_DENIED));
  assert_true(g_str_has_prefix(error->message, expected));
}

/* callers.groups: a caller in a listed group may; its other groups do not count. */
static void test_check_caller_groups(void **state)
{
  Fixture *f = *state;
  guint32 other = getuid() == 0 ? 1000 : getuid() + 1;
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  const guint32 in_group[] = { 10, 4242 };
  const guint32 not_in_group[] = { 10, 4243 };
  g_autoptr(GError) error = NULL;

  policy->allowed_gids[0] = 4242;
  policy->n_allowed_gids = 1;
  otaux_agent_set_policy(f->agent, policy);
  assert_true(otaux_agent_check_caller_groups(f->agent, other, in_group, 2, NULL));
  assert_false(otaux_agent_check_caller_groups(f->agent, other, not_in_group, 2, &error));
  assert_true(g_error_matches(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_ACCESS_DENIED));
  assert_false(otaux_agent_check_caller(f->agent, other, NULL));
  /* Root stays allowed: groups do not replace the default as uids do. */
  assert_true(otaux_agent_check_caller_groups(f->agent, 0, not_in_group, 2, NULL));
}

static void test_policy_strings_clock(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  guint s;

  assert_int_equal(otaux_agent_now(f->agent), T0);
  f->now = T0 + 5;
  assert_int_equal(otaux_agent_now(f->agent), T0 + 5);
  assert_int_equal(otaux_agent_get_policy(f->agent)->max_delays, 3);

  policy->max_delays = 0; /* no delays at all */
  otaux_agent_set_policy(f->agent, policy);
  policy->max_delays = 7; /* the agent keeps its own copy */
  assert_int_equal(otaux_agent_get_policy(f->agent)->max_delays, 0);
  s = offer_id(f, "pkg-1", 40, FALSE, FALSE);
  assert_false(otaux_prompt_has_choice(otaux_agent_get_prompt(f->agent, s), "delay-reboot"));
  assert_false(otaux_agent_answer(f->agent, s, "delay-reboot", f->now + HOUR, NULL));

  otaux_agent_set_strings(f->agent, otaux_strings_new_builtin());
  assert_non_null(otaux_strings_lookup(otaux_agent_get_strings(f->agent), "install.title"));
}

static void test_real_clock_and_default_dir(void **state)
{
  Fixture *f = *state;
  g_autofree char *state_home = g_build_filename(f->dir, "xdg-state", NULL);
  g_autofree char *expected = g_build_filename(state_home, "otaux", "offers", NULL);
  OtauxAgentConfig config = { 0 };
  g_autoptr(OtauxAgent) agent = NULL;
  gint64 real = g_get_real_time() / G_USEC_PER_SEC;

  /* Default dir follows $XDG_STATE_HOME. GLib reads it once per process (this
   * test runs first); never write into the real home folder. */
  g_setenv("XDG_STATE_HOME", state_home, TRUE);
  if (!g_str_has_prefix(g_get_user_state_dir(), state_home))
    skip();
  agent = otaux_agent_new(&config, NULL);
  assert_non_null(agent);
  assert_true(otaux_agent_now(agent) >= real);
  assert_true(otaux_agent_now(agent) <= real + 60);
  assert_true(g_file_test(expected, G_FILE_TEST_IS_DIR));
  otaux_agent_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_real_clock_and_default_dir, setup, teardown),
    cmocka_unit_test_setup_teardown(test_full_lifecycle, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refusals_emit_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_delay_then_scheduled_accept, setup, teardown),
    cmocka_unit_test_setup_teardown(test_forced_countdown, setup, teardown),
    cmocka_unit_test_setup_teardown(test_silent_offer_decided_at_creation, setup, teardown),
    cmocka_unit_test_setup_teardown(test_reoffer_is_idempotent, setup, teardown),
    cmocka_unit_test_setup_teardown(test_reload_restores_everything, setup, teardown),
    cmocka_unit_test_setup_teardown(test_overdue_delay_fires_at_load, setup, teardown),
    cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
    cmocka_unit_test_setup_teardown(test_failed_save_changes_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_failed_save_in_tick_retries, setup, teardown),
    cmocka_unit_test_setup_teardown(test_limit_exceeded, setup, teardown),
    cmocka_unit_test_setup_teardown(test_finished_offers_pruned, setup, teardown),
    cmocka_unit_test_setup_teardown(test_listeners_order_and_removal, setup, teardown),
    cmocka_unit_test_setup_teardown(test_listener_withdraws_during_event, setup, teardown),
    cmocka_unit_test_setup_teardown(test_new_fails_on_bad_dir, setup, teardown),
    cmocka_unit_test_setup_teardown(test_check_caller, setup, teardown),
    cmocka_unit_test_setup_teardown(test_check_caller_groups, setup, teardown),
    cmocka_unit_test_setup_teardown(test_policy_strings_clock, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
