/* Unit tests of the offer lifecycle state machine (agent/otaux-offer.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "otaux-offer.h"
#include "otaux-testlib-offer.h"

#define T0   G_GINT64_CONSTANT(1700000000)
#define HOUR 3600

typedef enum {
  S_OFFERED,
  S_DOWNLOADING,
  S_READY,
  S_PENDING, /* ready, install accepted */
  S_FORCED,  /* ready, forced */
  S_DELAYED,
  S_SCHEDULED, /* delayed, reboot time passed: accepted */
  S_INSTALLING,
  S_CANCELLED, /* finished by the person's cancel */
  S_FINISHED,  /* finished by Finish */
} Situation;

static const char *const situation_names[] = {
  "offered", "downloading", "ready",      "pending",   "forced",
  "delayed", "scheduled",   "installing", "cancelled", "finished",
};

/* Drives a fresh offer to @s through the public transitions, at T0. */
static OtauxOffer *make(Situation s, const OtauxPolicy *policy)
{
  OtauxOfferSpec spec;
  OtauxOffer *o;

  otaux_test_spec_fill(&spec);
  spec.forced = s == S_FORCED;
  o = otaux_offer_new(7, &spec, policy, T0);
  otaux_offer_spec_clear(&spec);

  if (s == S_OFFERED)
    return o;
  if (s == S_CANCELLED) {
    assert_true(otaux_offer_answer(o, policy, "cancel", 0, T0, NULL));
    return o;
  }
  if (s != S_FORCED)
    assert_true(otaux_offer_answer(o, policy, "accept", 0, T0, NULL));
  if (s == S_DOWNLOADING)
    return o;
  assert_true(otaux_offer_set_state(o, OTAUX_FUMO_DOWNLOAD_COMPLETE, 0, 0, T0, NULL));
  if (s == S_READY || s == S_FORCED)
    return o;
  if (s == S_DELAYED || s == S_SCHEDULED) {
    assert_true(otaux_offer_answer(o, policy, "delay-reboot", T0 + 5, T0, NULL));
    if (s == S_SCHEDULED)
      assert_true(otaux_offer_tick(o, policy, T0 + 5));
    return o;
  }
  assert_true(otaux_offer_answer(o, policy, "accept", 0, T0, NULL));
  if (s == S_PENDING)
    return o;
  assert_true(otaux_offer_set_state(o, OTAUX_FUMO_UPDATING, 0, 0, T0, NULL));
  if (s == S_INSTALLING)
    return o;
  assert_true(otaux_offer_finish(o, 200, T0, NULL));
  return o;
}

typedef enum { OP_STATE, OP_ANSWER, OP_FINISH } Op;

#define OK  -1
#define INV OTAUX_OFFER_ERROR_INVALID_ARGS
#define NA  OTAUX_OFFER_ERROR_NOT_ALLOWED

typedef struct {
  Situation from;
  Op op;
  guint32 num;        /* state or result */
  const char *choice; /* for OP_ANSWER */
  int expect;         /* OK or an error code */
  OtauxPhase phase;   /* expected phase after success */
  OtauxDecision decision;
} Row;

#define P(x) OTAUX_PHASE_##x
#define D(x) OTAUX_DECISION_##x

static const Row rows[] = {
  /* offered */
  { S_OFFERED, OP_STATE, 10, NULL, OK, P(OFFERED), D(NONE) },
  { S_OFFERED, OP_STATE, 20, NULL, OK, P(OFFERED), D(NONE) },
  { S_OFFERED, OP_STATE, 70, NULL, OK, P(OFFERED), D(NONE) },
  { S_OFFERED, OP_STATE, 80, NULL, OK, P(OFFERED), D(NONE) },
  { S_OFFERED, OP_STATE, 90, NULL, OK, P(OFFERED), D(NONE) },
  { S_OFFERED, OP_STATE, 100, NULL, OK, P(OFFERED), D(NONE) },
  { S_OFFERED, OP_STATE, 30, NULL, NA },
  { S_OFFERED, OP_STATE, 40, NULL, NA },
  { S_OFFERED, OP_STATE, 50, NULL, NA },
  { S_OFFERED, OP_STATE, 60, NULL, NA },
  { S_OFFERED, OP_STATE, 0, NULL, INV },
  { S_OFFERED, OP_STATE, 15, NULL, INV },
  { S_OFFERED, OP_STATE, 110, NULL, INV },
  { S_OFFERED, OP_ANSWER, 0, "accept", OK, P(DOWNLOADING), D(ACCEPT) },
  { S_OFFERED, OP_ANSWER, 0, "cancel", OK, P(FINISHED), D(CANCEL) },
  { S_OFFERED, OP_ANSWER, 0, "delay-reboot", NA },
  { S_OFFERED, OP_ANSWER, 0, "reboot", NA },
  { S_OFFERED, OP_FINISH, 200, NULL, OK, P(FINISHED), D(NONE) },
  { S_OFFERED, OP_FINISH, 300, NULL, INV },
  { S_OFFERED, OP_FINISH, 0, NULL, INV },
  /* downloading */
  { S_DOWNLOADING, OP_STATE, 30, NULL, OK, P(DOWNLOADING), D(ACCEPT) },
  { S_DOWNLOADING, OP_STATE, 40, NULL, OK, P(READY), D(NONE) }, /* a new question */
  { S_DOWNLOADING, OP_STATE, 50, NULL, OK, P(READY), D(NONE) },
  { S_DOWNLOADING, OP_STATE, 20, NULL, OK, P(DOWNLOADING), D(ACCEPT) },
  { S_DOWNLOADING, OP_STATE, 10, NULL, NA },
  { S_DOWNLOADING, OP_STATE, 60, NULL, NA },
  { S_DOWNLOADING, OP_ANSWER, 0, "cancel", OK, P(FINISHED), D(CANCEL) },
  { S_DOWNLOADING, OP_ANSWER, 0, "accept", NA },
  { S_DOWNLOADING, OP_ANSWER, 0, "delay-reboot", NA },
  { S_DOWNLOADING, OP_FINISH, 503, NULL, OK, P(FINISHED), D(ACCEPT) },
  /* ready */
  { S_READY, OP_STATE, 40, NULL, OK, P(READY), D(NONE) },
  { S_READY, OP_STATE, 50, NULL, OK, P(READY), D(NONE) },
  { S_READY, OP_STATE, 70, NULL, OK, P(READY), D(NONE) },
  { S_READY, OP_STATE, 10, NULL, NA },
  { S_READY, OP_STATE, 30, NULL, NA },
  { S_READY, OP_STATE, 60, NULL, NA }, /* not accepted yet */
  { S_READY, OP_ANSWER, 0, "accept", OK, P(READY), D(ACCEPT) },
  { S_READY, OP_ANSWER, 0, "delay-reboot", OK, P(DELAYED), D(DELAY_REBOOT) },
  { S_READY, OP_ANSWER, 0, "cancel", OK, P(FINISHED), D(CANCEL) },
  { S_READY, OP_FINISH, 410, NULL, OK, P(FINISHED), D(NONE) },
  /* ready, accepted: waits for SetState 60 */
  { S_PENDING, OP_STATE, 60, NULL, OK, P(INSTALLING), D(ACCEPT) },
  { S_PENDING, OP_STATE, 30, NULL, NA },
  { S_PENDING, OP_STATE, 10, NULL, NA },
  { S_PENDING, OP_ANSWER, 0, "accept", NA },
  { S_PENDING, OP_ANSWER, 0, "cancel", NA },
  { S_PENDING, OP_ANSWER, 0, "delay-reboot", NA },
  { S_PENDING, OP_FINISH, 200, NULL, OK, P(FINISHED), D(ACCEPT) },
  /* ready, forced: informs; "restart now" only */
  { S_FORCED, OP_ANSWER, 0, "accept", OK, P(READY), D(ACCEPT) },
  { S_FORCED, OP_ANSWER, 0, "cancel", NA },
  { S_FORCED, OP_ANSWER, 0, "delay-reboot", NA },
  { S_FORCED, OP_STATE, 60, NULL, NA },
  /* delayed */
  { S_DELAYED, OP_ANSWER, 0, "accept", OK, P(DELAYED), D(ACCEPT) },
  { S_DELAYED, OP_ANSWER, 0, "delay-reboot", OK, P(DELAYED), D(DELAY_REBOOT) },
  { S_DELAYED, OP_ANSWER, 0, "cancel", OK, P(FINISHED), D(CANCEL) },
  { S_DELAYED, OP_STATE, 50, NULL, OK, P(DELAYED), D(DELAY_REBOOT) },
  { S_DELAYED, OP_STATE, 60, NULL, NA },
  { S_DELAYED, OP_STATE, 30, NULL, NA },
  { S_DELAYED, OP_STATE, 10, NULL, NA },
  { S_DELAYED, OP_FINISH, 200, NULL, OK, P(FINISHED), D(DELAY_REBOOT) },
  /* delayed, the reboot time passed: accepted (scheduled) */
  { S_SCHEDULED, OP_STATE, 60, NULL, OK, P(INSTALLING), D(ACCEPT) },
  { S_SCHEDULED, OP_ANSWER, 0, "accept", NA },
  { S_SCHEDULED, OP_ANSWER, 0, "cancel", NA },
  { S_SCHEDULED, OP_ANSWER, 0, "delay-reboot", NA },
  /* installing */
  { S_INSTALLING, OP_STATE, 60, NULL, OK, P(INSTALLING), D(ACCEPT) },
  { S_INSTALLING, OP_STATE, 90, NULL, OK, P(INSTALLING), D(ACCEPT) },
  { S_INSTALLING, OP_STATE, 80, NULL, OK, P(INSTALLING), D(ACCEPT) },
  { S_INSTALLING, OP_STATE, 10, NULL, NA },
  { S_INSTALLING, OP_STATE, 30, NULL, NA },
  { S_INSTALLING, OP_STATE, 40, NULL, NA },
  { S_INSTALLING, OP_ANSWER, 0, "accept", NA },
  { S_INSTALLING, OP_ANSWER, 0, "cancel", NA },
  { S_INSTALLING, OP_FINISH, 200, NULL, OK, P(FINISHED), D(ACCEPT) },
  { S_INSTALLING, OP_FINISH, 502, NULL, OK, P(FINISHED), D(ACCEPT) },
  /* finished by a cancel: one Finish still welcome */
  { S_CANCELLED, OP_FINISH, 401, NULL, OK, P(FINISHED), D(CANCEL) },
  { S_CANCELLED, OP_STATE, 20, NULL, OK, P(FINISHED), D(CANCEL) },
  { S_CANCELLED, OP_STATE, 10, NULL, NA },
  { S_CANCELLED, OP_STATE, 30, NULL, NA },
  { S_CANCELLED, OP_STATE, 60, NULL, NA },
  { S_CANCELLED, OP_ANSWER, 0, "accept", NA },
  { S_CANCELLED, OP_ANSWER, 0, "cancel", NA },
  /* finished */
  { S_FINISHED, OP_FINISH, 200, NULL, NA },
  { S_FINISHED, OP_STATE, 100, NULL, OK, P(FINISHED), D(ACCEPT) },
  { S_FINISHED, OP_STATE, 60, NULL, NA },
  { S_FINISHED, OP_STATE, 50, NULL, NA },
  { S_FINISHED, OP_ANSWER, 0, "accept", NA },
  { S_FINISHED, OP_ANSWER, 0, "cancel", NA },
  { S_FINISHED, OP_ANSWER, 0, "delay-reboot", NA },
};

static void test_transition_table(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  gint64 now = T0 + 2;

  for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *row = &rows[i];
    g_autoptr(OtauxOffer) o = make(row->from, policy);
    g_autoptr(OtauxOffer) before = otaux_offer_copy(o);
    g_autoptr(GError) error = NULL;
    gboolean ok = FALSE;
    const char *what = row->choice;
    char num[16];

    g_snprintf(num, sizeof num, "%u", row->num);
    if (what == NULL)
      what = num;
    switch (row->op) {
      case OP_STATE:
        ok = otaux_offer_set_state(o, row->num, 0, 0, now, &error);
        break;
      case OP_ANSWER:
        ok = otaux_offer_answer(o, policy, row->choice, now + HOUR, now, &error);
        break;
      case OP_FINISH:
        ok = otaux_offer_finish(o, row->num, now, &error);
        break;
      default:
        fail();
    }
    if (row->expect == OK) {
      if (!ok)
        fail_msg("row %zu (%s, %s): refused: %s", i, situation_names[row->from], what,
                 error->message);
      assert_int_equal(o->phase, row->phase);
      assert_int_equal(o->decision, row->decision);
      if (row->op == OP_STATE)
        assert_int_equal(o->state, row->num);
      if (row->op == OP_FINISH) {
        assert_int_equal(o->result, row->num);
        assert_true(o->finish_reported);
      }
    } else {
      if (ok)
        fail_msg("row %zu (%s, %s): allowed, expected error %d", i, situation_names[row->from],
                 what, row->expect);
      assert_true(g_error_matches(error, OTAUX_OFFER_ERROR, row->expect));
      /* A refused transition changes nothing. */
      assert_int_equal(otaux_offer_diff(before, o), 0);
      assert_int_equal(o->changed_at, before->changed_at);
      assert_int_equal(o->n_delays, before->n_delays);
    }
  }
}

/* Refusals name what was refused. */
static void test_refusal_messages(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) offered = make(S_OFFERED, policy);
  g_autoptr(OtauxOffer) installing = make(S_INSTALLING, policy);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;

  assert_false(otaux_offer_answer(offered, policy, "delay-reboot", T0 + HOUR, T0, &e1));
  assert_non_null(strstr(e1->message, "'delay-reboot'"));
  assert_false(otaux_offer_set_state(offered, 60, 0, 0, T0, &e2));
  assert_non_null(strstr(e2->message, "offered"));
  assert_false(otaux_offer_answer(installing, policy, "accept", 0, T0, &e3));
  assert_string_equal(e3->message, "the offer asks nothing now");
}

static void test_start_phase_from_spec_state(void **state)
{
  static const struct {
    guint32 state;
    OtauxPhase phase;
  } cases[] = {
    { 0, OTAUX_PHASE_OFFERED }, { 10, OTAUX_PHASE_OFFERED }, { 30, OTAUX_PHASE_DOWNLOADING },
    { 40, OTAUX_PHASE_READY },  { 50, OTAUX_PHASE_READY },   { 60, OTAUX_PHASE_INSTALLING },
  };
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    OtauxOfferSpec spec;
    g_autoptr(OtauxOffer) o = NULL;

    otaux_test_spec_fill(&spec);
    spec.state = cases[i].state;
    o = otaux_offer_new(3, &spec, policy, T0);
    otaux_offer_spec_clear(&spec);
    assert_int_equal(o->serial, 3);
    assert_int_equal(o->phase, cases[i].phase);
    assert_int_equal(o->state, cases[i].state != 0 ? cases[i].state : 10);
    assert_int_equal(o->decision, OTAUX_DECISION_NONE);
    assert_int_equal(o->created_at, T0);
    assert_int_equal(o->changed_at, T0);
    if (cases[i].phase == OTAUX_PHASE_READY)
      assert_int_equal(o->ready_at, T0);
  }
}

static OtauxOffer *new_flagged(const OtauxPolicy *policy, gboolean silent, gboolean forced,
                               guint32 start)
{
  OtauxOfferSpec spec;
  OtauxOffer *o;

  otaux_test_spec_fill(&spec);
  spec.silent = silent;
  spec.forced = forced;
  spec.state = start;
  o = otaux_offer_new(1, &spec, policy, T0);
  otaux_offer_spec_clear(&spec);
  return o;
}

static void test_silent_and_forced_accepted_at_once(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) silent = new_flagged(policy, TRUE, FALSE, 10);
  g_autoptr(OtauxOffer) forced = new_flagged(policy, FALSE, TRUE, 10);
  g_autoptr(OtauxOffer) silent_ready = new_flagged(policy, TRUE, FALSE, 40);
  g_autoptr(OtauxOffer) not_allowed = NULL;
  g_autoptr(OtauxOffer) forced_not_allowed = NULL;

  assert_int_equal(silent->phase, OTAUX_PHASE_DOWNLOADING);
  assert_int_equal(silent->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(silent->reason, OTAUX_REASON_POLICY);
  assert_int_equal(silent->decided_in, OTAUX_PHASE_OFFERED);
  assert_int_equal(forced->phase, OTAUX_PHASE_DOWNLOADING);
  assert_int_equal(forced->reason, OTAUX_REASON_POLICY);

  /* Silent never skips the install question. */
  assert_int_equal(silent_ready->phase, OTAUX_PHASE_READY);
  assert_int_equal(silent_ready->decision, OTAUX_DECISION_NONE);
  assert_true(otaux_offer_set_state(silent, 40, 0, 0, T0 + 5, NULL));
  assert_int_equal(silent->phase, OTAUX_PHASE_READY);
  assert_false(otaux_offer_set_state(silent, 60, 0, 0, T0 + 5, NULL));
  assert_true(g_strv_contains(otaux_offer_allowed_choices(silent, policy, T0 + 5), "cancel"));
  assert_false(otaux_offer_tick(silent, policy, T0 + 100 * HOUR));

  policy->allow_silent = FALSE;
  policy->allow_forced = FALSE;
  not_allowed = new_flagged(policy, TRUE, FALSE, 10);
  forced_not_allowed = new_flagged(policy, FALSE, TRUE, 10);
  assert_int_equal(not_allowed->phase, OTAUX_PHASE_OFFERED);
  assert_int_equal(not_allowed->decision, OTAUX_DECISION_NONE);
  assert_int_equal(forced_not_allowed->phase, OTAUX_PHASE_OFFERED);
}

static void test_forced_countdown(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = new_flagged(policy, FALSE, TRUE, 40);
  const char *const *choices;

  assert_int_equal(o->phase, OTAUX_PHASE_READY);
  assert_int_equal(o->ready_at, T0);
  choices = otaux_offer_allowed_choices(o, policy, T0);
  assert_string_equal(choices[0], "accept");
  assert_null(choices[1]);
  assert_int_equal(otaux_offer_delay_limit(o, policy, T0), 0);
  assert_int_equal(otaux_offer_next_wakeup(o, policy, T0), T0 + 300);

  assert_false(otaux_offer_tick(o, policy, T0 + 299));
  assert_int_equal(o->decision, OTAUX_DECISION_NONE);
  assert_true(otaux_offer_tick(o, policy, T0 + 300));
  assert_int_equal(o->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(o->reason, OTAUX_REASON_POLICY);
  assert_int_equal(o->decided_in, OTAUX_PHASE_READY);
  assert_int_equal(o->changed_at, T0 + 300);
  assert_int_equal(otaux_offer_next_wakeup(o, policy, T0 + 300), 0);
  assert_false(otaux_offer_tick(o, policy, T0 + 400));
  assert_true(otaux_offer_set_state(o, 60, 0, 0, T0 + 400, NULL));
  assert_int_equal(o->phase, OTAUX_PHASE_INSTALLING);
}

static void test_forced_after_download_counts_down(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = new_flagged(policy, FALSE, TRUE, 10);

  /* The download was accepted by policy; the install waits for the countdown. */
  assert_true(otaux_offer_set_state(o, 50, 0, 0, T0 + 100, NULL));
  assert_int_equal(o->ready_at, T0 + 100);
  assert_false(otaux_offer_set_state(o, 60, 0, 0, T0 + 101, NULL));
  assert_int_equal(otaux_offer_next_wakeup(o, policy, T0 + 101), T0 + 400);
  assert_true(otaux_offer_tick(o, policy, T0 + 400));
  assert_int_equal(o->decided_in, OTAUX_PHASE_READY);
  assert_true(otaux_offer_set_state(o, 60, 0, 0, T0 + 401, NULL));
}

static void test_accept_and_cancel_details(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) a = make(S_OFFERED, policy);
  g_autoptr(OtauxOffer) c = make(S_READY, policy);
  g_autoptr(GError) error = NULL;

  assert_true(otaux_offer_answer(a, policy, "accept", 0, T0 + 1, NULL));
  assert_int_equal(a->reason, OTAUX_REASON_USER);
  assert_int_equal(a->decided_in, OTAUX_PHASE_OFFERED);
  assert_int_equal(a->changed_at, T0 + 1);

  assert_true(otaux_offer_answer(c, policy, "cancel", 0, T0 + 3, NULL));
  assert_int_equal(c->phase, OTAUX_PHASE_FINISHED);
  assert_int_equal(c->result, OTAUX_RESULT_USER_CANCELLED);
  assert_int_equal(c->decided_in, OTAUX_PHASE_READY);
  assert_false(c->finish_reported);
  /* The updater may report its own result once, no more. */
  assert_true(otaux_offer_finish(c, 401, T0 + 4, NULL));
  assert_true(c->finish_reported);
  assert_false(otaux_offer_finish(c, 401, T0 + 5, &error));
  assert_true(g_error_matches(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED));
}

static void test_delay_reboot_bounds(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, policy);
  gint64 limit = T0 + 7 * 24 * HOUR;
  g_autoptr(GError) past = NULL;
  g_autoptr(GError) now_err = NULL;
  g_autoptr(GError) late = NULL;
  g_autoptr(GError) missing = NULL;

  assert_int_equal(otaux_offer_delay_limit(o, policy, T0 + 1), limit);
  assert_false(otaux_offer_answer(o, policy, "delay-reboot", T0 - 5, T0 + 1, &past));
  assert_true(g_error_matches(past, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS));
  assert_string_equal(past->message, "reboot-at is in the past");
  assert_false(otaux_offer_answer(o, policy, "delay-reboot", T0 + 1, T0 + 1, &now_err));
  assert_true(g_error_matches(now_err, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS));
  assert_false(otaux_offer_answer(o, policy, "delay-reboot", 0, T0 + 1, &missing));
  assert_true(g_error_matches(missing, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS));
  assert_false(otaux_offer_answer(o, policy, "delay-reboot", limit + 1, T0 + 1, &late));
  assert_true(g_error_matches(late, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED));
  assert_non_null(strstr(late->message, "reboot-at is later than the latest allowed time"));
  assert_int_equal(o->phase, OTAUX_PHASE_READY);
  assert_int_equal(o->n_delays, 0);

  /* Exactly at the limit is fine. */
  assert_true(otaux_offer_answer(o, policy, "delay-reboot", limit, T0 + 1, NULL));
  assert_int_equal(o->phase, OTAUX_PHASE_DELAYED);
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_int_equal(o->reason, OTAUX_REASON_USER);
  assert_int_equal(o->decided_in, OTAUX_PHASE_READY);
  assert_int_equal(o->reboot_at, limit);
  assert_int_equal(o->n_delays, 1);
  assert_int_equal(o->changed_at, T0 + 1);
}

static void test_delay_count_limit(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, policy);
  g_autoptr(GError) error = NULL;
  gint64 now = T0;

  for (guint i = 0; i < policy->max_delays; i++) {
    assert_true(g_strv_contains(otaux_offer_allowed_choices(o, policy, now), "delay-reboot"));
    assert_true(otaux_offer_answer(o, policy, "delay-reboot", now + HOUR, now, NULL));
    assert_int_equal(o->decided_in, i == 0 ? OTAUX_PHASE_READY : OTAUX_PHASE_DELAYED);
    now += 60;
  }
  assert_int_equal(o->n_delays, 3);
  assert_int_equal(otaux_offer_delay_limit(o, policy, now), 0);
  assert_false(g_strv_contains(otaux_offer_allowed_choices(o, policy, now), "delay-reboot"));
  assert_true(g_strv_contains(otaux_offer_allowed_choices(o, policy, now), "accept"));
  assert_true(g_strv_contains(otaux_offer_allowed_choices(o, policy, now), "cancel"));
  assert_false(otaux_offer_answer(o, policy, "delay-reboot", now + HOUR, now, &error));
  assert_true(g_error_matches(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED));
  assert_int_equal(o->n_delays, 3);
}

static void test_delay_limit_deadline_and_expiry(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, policy);

  /* A deadline earlier than the policy bound caps it; a later one does not. */
  o->spec.deadline = T0 + 2 * HOUR;
  assert_int_equal(otaux_offer_delay_limit(o, policy, T0), T0 + 2 * HOUR);
  o->spec.deadline = T0 + 30 * 24 * HOUR;
  assert_int_equal(otaux_offer_delay_limit(o, policy, T0), T0 + 7 * 24 * HOUR);
  /* Past the limit: no delay offered. */
  o->spec.deadline = T0 + 2 * HOUR;
  assert_int_equal(otaux_offer_delay_limit(o, policy, T0 + 2 * HOUR), 0);
  assert_false(
      g_strv_contains(otaux_offer_allowed_choices(o, policy, T0 + 2 * HOUR), "delay-reboot"));
  /* Not ready: no delay either. */
  {
    g_autoptr(OtauxOffer) offered = make(S_OFFERED, policy);
    g_autoptr(OtauxOffer) pending = make(S_PENDING, policy);

    assert_int_equal(otaux_offer_delay_limit(offered, policy, T0), 0);
    assert_int_equal(otaux_offer_delay_limit(pending, policy, T0), 0);
  }
}

static void test_scheduled_accept(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, policy);
  gint64 at = T0 + 10 * HOUR;

  assert_true(otaux_offer_answer(o, policy, "delay-reboot", at, T0, NULL));
  assert_false(otaux_offer_tick(o, policy, T0 + HOUR));
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_true(otaux_offer_tick(o, policy, at + 30)); /* late ticks still fire */
  assert_int_equal(o->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(o->reason, OTAUX_REASON_SCHEDULED);
  assert_int_equal(o->decided_in, OTAUX_PHASE_DELAYED);
  assert_int_equal(o->phase, OTAUX_PHASE_DELAYED);
  assert_int_equal(o->reboot_at, at);
  assert_int_equal(o->changed_at, at + 30);
  assert_null(otaux_offer_allowed_choices(o, policy, at + 30)[0]);
  assert_false(otaux_offer_tick(o, policy, at + 60));
  assert_int_equal(otaux_offer_next_wakeup(o, policy, at + 60), 0);
}

static void test_user_accept_while_delayed(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_DELAYED, policy);

  assert_true(otaux_offer_answer(o, policy, "accept", 0, T0 + 1, NULL));
  assert_int_equal(o->reason, OTAUX_REASON_USER);
  assert_int_equal(o->decided_in, OTAUX_PHASE_DELAYED);
  /* Restart now: no scheduled time any more, nothing to wake for. */
  assert_int_equal(o->reboot_at, 0);
  assert_int_equal(otaux_offer_next_wakeup(o, policy, T0 + 1), 0);
  assert_false(otaux_offer_tick(o, policy, T0 + 100));
}

static void test_reminders(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, policy);
  gint64 at = T0 + 10 * HOUR;

  assert_true(otaux_offer_answer(o, policy, "delay-reboot", at, T0, NULL));
  assert_int_equal(o->reminder_index, 0);
  assert_int_equal(otaux_offer_next_wakeup(o, policy, T0), at - 4 * HOUR);
  assert_false(otaux_offer_tick(o, policy, at - 4 * HOUR - 1));
  assert_true(otaux_offer_tick(o, policy, at - 4 * HOUR));
  assert_int_equal(o->reminder_index, 1);
  /* A reminder is not a decision. */
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_int_equal(o->changed_at, T0);
  assert_int_equal(otaux_offer_next_wakeup(o, policy, at - 4 * HOUR), at - HOUR);
  /* A late tick past two reminders gives them at once. */
  assert_true(otaux_offer_tick(o, policy, at - 10 * 60));
  assert_int_equal(o->reminder_index, 3);
  assert_int_equal(otaux_offer_next_wakeup(o, policy, at - 10 * 60), at - 60);
  assert_int_equal(otaux_offer_next_wakeup(o, policy, at - 60), at);
  assert_false(otaux_offer_tick(o, policy, at - 30));
  assert_true(otaux_offer_tick(o, policy, at));
  assert_int_equal(o->reason, OTAUX_REASON_SCHEDULED);
}

static void test_reminders_already_passed_are_skipped(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, policy);
  gint64 at = T0 + 2 * HOUR;

  /* 2 h ahead: the 4 h reminder is already past and skipped. */
  assert_true(otaux_offer_answer(o, policy, "delay-reboot", at, T0, NULL));
  assert_int_equal(o->reminder_index, 1);
  assert_false(otaux_offer_tick(o, policy, T0 + 1));
  assert_int_equal(otaux_offer_next_wakeup(o, policy, T0 + 1), at - HOUR);

  /* A new delay resets the reminders for the new time. */
  assert_true(otaux_offer_answer(o, policy, "delay-reboot", T0 + 6 * HOUR, T0 + 2, NULL));
  assert_int_equal(o->reminder_index, 0);
  assert_true(otaux_offer_answer(o, policy, "delay-reboot", T0 + 600, T0 + 3, NULL));
  assert_int_equal(o->reminder_index, 3);
}

static void test_next_wakeup_none(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();

  for (Situation s = S_OFFERED; s <= S_FINISHED; s++) {
    g_autoptr(OtauxOffer) o = make(s, policy);

    if (s == S_DELAYED || s == S_FORCED)
      assert_true(otaux_offer_next_wakeup(o, policy, T0) > 0);
    else
      assert_int_equal(otaux_offer_next_wakeup(o, policy, T0), 0);
  }
}

static void test_progress_bytes(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_DOWNLOADING, policy);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  assert_true(otaux_offer_set_state(o, 30, 100, 1000, T0 + 1, NULL));
  assert_int_equal(o->bytes_done, 100);
  assert_int_equal(o->bytes_total, 1000);
  /* A missing total keeps the one known. */
  assert_true(otaux_offer_set_state(o, 30, 500, 0, T0 + 2, NULL));
  assert_int_equal(o->bytes_done, 500);
  assert_int_equal(o->bytes_total, 1000);
  assert_false(otaux_offer_set_state(o, 30, 1001, 1000, T0 + 3, &error));
  assert_true(g_error_matches(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS));
  assert_false(otaux_offer_set_state(o, 30, 1001, 0, T0 + 3, &error2));
  assert_true(g_error_matches(error2, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS));
  assert_int_equal(o->bytes_done, 500);
  assert_true(otaux_offer_set_state(o, 40, 0, 0, T0 + 4, NULL));
  assert_int_equal(o->phase, OTAUX_PHASE_READY);
  assert_int_equal(o->ready_at, T0 + 4);
  assert_int_equal(o->changed_at, T0 + 4);
}

static void test_update_copies_given_fields_only(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_OFFERED, policy);
  OtauxOfferSpec spec;

  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("other");
  g_free(spec.name);
  spec.name = g_strdup("New name");
  g_free(spec.version);
  spec.version = g_strdup("9.9");
  spec.size = 5;
  spec.state = 50;
  spec.silent = TRUE;
  spec.forced = TRUE;
  spec.roaming = TRUE;
  spec.fields = OTAUX_SPEC_NAME | OTAUX_SPEC_ROAMING | OTAUX_SPEC_STATE | OTAUX_SPEC_SILENT |
                OTAUX_SPEC_FORCED;
  otaux_offer_update(o, &spec);
  otaux_offer_spec_clear(&spec);

  assert_string_equal(o->spec.name, "New name");
  assert_true(o->spec.roaming);
  assert_string_equal(o->spec.version, "2.0");
  assert_int_equal(o->spec.size, 1000);
  assert_string_equal(o->spec.id, "pkg-1");
  assert_false(o->spec.silent);
  assert_false(o->spec.forced);
  assert_int_equal(o->state, 10);
  assert_int_equal(o->phase, OTAUX_PHASE_OFFERED);
}

/* SetState's "stage": only restarting, only while installing; the agent's
 * start after it makes the offer finishing (issue 16, item 1). */
static void test_restart_stage(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) ready = make(S_PENDING, policy);
  g_autoptr(OtauxOffer) o = make(S_INSTALLING, policy);
  g_autoptr(GError) error = NULL;

  assert_false(otaux_offer_set_stage(ready, "restarting", T0, &error));
  assert_int_equal(error->code, NA);
  g_clear_error(&error);
  assert_false(otaux_offer_set_stage(o, "rebooting", T0, &error));
  assert_int_equal(error->code, INV);
  assert_non_null(strstr(error->message, "'rebooting'"));
  g_clear_error(&error);
  /* "finishing" is the agent's own word, never the updater's */
  assert_false(otaux_offer_set_stage(o, "finishing", T0, &error));
  g_clear_error(&error);
  assert_int_equal(o->stage, OTAUX_STAGE_NONE);
  assert_false(otaux_offer_restarted(o, T0));

  assert_true(otaux_offer_set_stage(o, "restarting", T0 + 1, NULL));
  assert_int_equal(o->stage, OTAUX_STAGE_RESTARTING);
  assert_int_equal(o->phase, OTAUX_PHASE_INSTALLING);
  /* progress after it keeps the stage */
  assert_true(otaux_offer_set_state(o, OTAUX_FUMO_UPDATING, 1, 2, T0 + 2, NULL));
  assert_int_equal(o->stage, OTAUX_STAGE_RESTARTING);
  assert_true(otaux_offer_restarted(o, T0 + 60));
  assert_int_equal(o->stage, OTAUX_STAGE_FINISHING);
  assert_int_equal(o->phase, OTAUX_PHASE_INSTALLING);
  assert_false(otaux_offer_restarted(o, T0 + 61));
  assert_true(otaux_offer_finish(o, 410, T0 + 90, NULL));
  assert_int_equal(o->stage, OTAUX_STAGE_NONE);
  assert_int_equal(o->result, 410);
}

/* A re-offer with restart-only after the install ran opens the restart
 * question on the same offer, with fresh delay bounds (item 2). */
static void test_ask_restart(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_INSTALLING, policy);
  g_autoptr(OtauxOffer) restarting = make(S_INSTALLING, policy);
  g_autoptr(OtauxOffer) finished = make(S_FINISHED, policy);
  OtauxOfferSpec spec;
  const char *const *choices;

  otaux_offer_spec_init(&spec);
  spec.restart_only = TRUE;
  spec.fields = OTAUX_SPEC_RESTART_ONLY;

  otaux_offer_update(finished, &spec);
  assert_false(otaux_offer_ask_restart(finished, T0 + 10));
  assert_int_equal(finished->phase, OTAUX_PHASE_FINISHED);
  otaux_offer_update(restarting, &spec);
  assert_true(otaux_offer_set_stage(restarting, "restarting", T0, NULL));
  assert_false(otaux_offer_ask_restart(restarting, T0 + 10));

  otaux_offer_update(o, &spec);
  assert_true(o->spec.restart_only);
  assert_true(otaux_offer_ask_restart(o, T0 + 100));
  assert_int_equal(o->serial, 7);
  assert_int_equal(o->created_at, T0);
  assert_int_equal(o->phase, OTAUX_PHASE_READY);
  assert_int_equal(o->decision, OTAUX_DECISION_NONE);
  assert_int_equal(o->ready_at, T0 + 100);
  choices = otaux_offer_allowed_choices(o, policy, T0 + 100);
  assert_string_equal(choices[0], "accept");
  assert_string_equal(choices[1], "tonight"); /* the restart question too (issue 18 item 1) */
  assert_string_equal(choices[2], "delay-reboot");
  assert_string_equal(choices[3], "cancel");
  assert_int_equal(
      otaux_offer_delay_limit(o, policy, T0 + 100),
      MIN(T0 + 100 + (gint64)policy->max_total_delay_s,
          policy->max_pick_s > 0 ? T0 + 100 + (gint64)policy->max_pick_s : G_MAXINT64));
  assert_true(otaux_offer_answer(o, policy, "delay-reboot", T0 + 100 + HOUR, T0 + 100, NULL));
  assert_true(otaux_offer_tick(o, policy, T0 + 100 + HOUR));
  assert_int_equal(o->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(o->reason, OTAUX_REASON_SCHEDULED);
  assert_true(otaux_offer_set_state(o, OTAUX_FUMO_UPDATING, 0, 0, T0 + 100 + HOUR, NULL));
  assert_true(otaux_offer_set_stage(o, "restarting", T0 + 100 + HOUR, NULL));
  otaux_offer_spec_clear(&spec);
}

/* "Download on Wi-Fi": no decision until the link is unmetered, then one
 * accept with reason unmetered; "Download now anyway" is the person's. */
static void test_wait_for_wifi(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_OFFERED, p);
  g_autoptr(OtauxOffer) anyway = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *c;
  OtauxSystemFacts wifi = { 0 };
  OtauxSystemFacts cell = { 0 };

  (void)state;
  p->charge_warning = OTAUX_CHARGE_WARN_CELLULAR;
  p->device_trust = OTAUX_DEVICE_TRUST_SYSTEM;
  p->priority[OTAUX_PRIORITY_MEDIUM].timeout_s = 600;
  p->priority[OTAUX_PRIORITY_MEDIUM].later_s = 3600;

  /* no warning: no wifi, and the choice is refused */
  assert_false(g_strv_contains(otaux_offer_allowed_choices(o, p, T0), "wifi"));
  assert_false(otaux_offer_answer(o, p, "wifi", 0, T0, &error));
  g_assert_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED);
  g_clear_error(&error);
  /* nobody said anything about the link: that is not "unmetered" */
  assert_false(otaux_device_link_unmetered(&o->device));

  cell.known = 1u << OTAUX_DEVICE_METERED | 1u << OTAUX_DEVICE_CELLULAR;
  cell.metered = TRUE;
  cell.cellular = TRUE;
  otaux_offer_see_device(o, &cell, p);
  c = otaux_offer_allowed_choices(o, p, T0);
  assert_int_equal(g_strv_length((char **)c), 4);
  assert_string_equal(c[0], "accept");
  assert_string_equal(c[1], "wifi");
  assert_string_equal(c[2], "cancel");
  assert_string_equal(c[3], "later");

  assert_true(otaux_offer_answer(o, p, "wifi", 0, T0 + 10, NULL));
  assert_true(o->wait_wifi);
  assert_int_equal(o->phase, OTAUX_PHASE_OFFERED);
  assert_int_equal(o->decision, OTAUX_DECISION_NONE);
  c = otaux_offer_allowed_choices(o, p, T0 + 10);
  assert_int_equal(g_strv_length((char **)c), 2);
  assert_string_equal(c[0], "accept");
  assert_string_equal(c[1], "cancel");
  assert_false(otaux_offer_answer(o, p, "wifi", 0, T0 + 11, NULL));
  assert_false(otaux_offer_answer(o, p, "later", 0, T0 + 11, NULL));
  /* the wait has no time-out, and the clock alone does not move it */
  assert_int_equal(otaux_offer_timeout_at(o, p, T0 + 10), 0);
  assert_false(otaux_offer_tick(o, p, T0 + 30 * 86400));
  assert_null(otaux_offer_held(o, p, T0 + 10));
  anyway = otaux_offer_copy(o);

  /* still cellular, though not metered: waits */
  cell.metered = FALSE;
  otaux_offer_see_device(o, &cell, p);
  assert_false(otaux_offer_tick(o, p, T0 + 20));

  /* Wi-Fi: accepted once, reason unmetered */
  wifi.known = 1u << OTAUX_DEVICE_METERED | 1u << OTAUX_DEVICE_CELLULAR;
  otaux_offer_see_device(o, &wifi, p);
  assert_true(otaux_device_link_unmetered(&o->device));
  assert_true(otaux_offer_tick(o, p, T0 + 30));
  assert_int_equal(o->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(o->reason, OTAUX_REASON_UNMETERED);
  assert_string_equal(otaux_reason_to_string(o->reason), "unmetered");
  assert_int_equal(o->phase, OTAUX_PHASE_DOWNLOADING);
  assert_false(o->wait_wifi);
  assert_false(otaux_offer_tick(o, p, T0 + 31));

  /* "Download now anyway" */
  assert_true(otaux_offer_answer(anyway, p, "accept", 0, T0 + 40, NULL));
  assert_int_equal(anyway->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(anyway->reason, OTAUX_REASON_USER);
  assert_int_equal(anyway->phase, OTAUX_PHASE_DOWNLOADING);
  assert_false(anyway->wait_wifi);
}

static void test_copy_and_diff(void **state)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  g_autoptr(OtauxOffer) a = make(S_DOWNLOADING, policy);
  g_autoptr(OtauxOffer) b = otaux_offer_copy(a);

  assert_int_equal(otaux_offer_diff(a, b), 0);
  assert_true(a->spec.name != b->spec.name); /* deep */

  g_free(b->spec.name);
  b->spec.name = g_strdup("x");
  assert_int_equal(otaux_offer_diff(a, b), OTAUX_OFFER_PROP_NAME);
  g_free(b->spec.version);
  b->spec.version = g_strdup("x");
  b->spec.priority = OTAUX_PRIORITY_HIGH;
  b->spec.size = 1;
  b->spec.roaming = TRUE;
  g_free(b->spec.correlator);
  b->spec.correlator = g_strdup("c");
  assert_int_equal(otaux_offer_diff(a, b), OTAUX_OFFER_PROP_NAME | OTAUX_OFFER_PROP_VERSION |
                                               OTAUX_OFFER_PROP_PRIORITY | OTAUX_OFFER_PROP_SIZE |
                                               OTAUX_OFFER_PROP_FLAGS |
                                               OTAUX_OFFER_PROP_CORRELATOR);

  {
    g_autoptr(OtauxOffer) c = otaux_offer_copy(a);

    assert_true(otaux_offer_set_state(c, 30, 10, 100, T0 + 1, NULL));
    assert_int_equal(otaux_offer_diff(a, c), OTAUX_OFFER_PROP_STATE | OTAUX_OFFER_PROP_BYTES);
    assert_true(otaux_offer_answer(c, policy, "cancel", 0, T0 + 2, NULL));
    assert_int_equal(otaux_offer_diff(a, c),
                     OTAUX_OFFER_PROP_STATE | OTAUX_OFFER_PROP_BYTES | OTAUX_OFFER_PROP_PHASE |
                         OTAUX_OFFER_PROP_DECISION | OTAUX_OFFER_PROP_RESULT);
  }
  {
    g_autoptr(OtauxOffer) r = make(S_READY, policy);
    g_autoptr(OtauxOffer) d = otaux_offer_copy(r);

    assert_true(otaux_offer_answer(d, policy, "delay-reboot", T0 + HOUR, T0, NULL));
    assert_int_equal(otaux_offer_diff(r, d), OTAUX_OFFER_PROP_PHASE | OTAUX_OFFER_PROP_DECISION |
                                                 OTAUX_OFFER_PROP_REBOOT_AT);
  }
  otaux_offer_free(NULL);
}

/* "Install tonight" (issue 18 item 1): the night window of the policy, the
 * conditions inside it, the morning question. TZ-independent: the window
 * is asked of the policy. */
static void see(OtauxOffer *o, const OtauxPolicy *p, gboolean charging, gboolean idle,
                gboolean blocked)
{
  OtauxSystemFacts f = { 0 };

  f.known = 1u << OTAUX_DEVICE_ON_BATTERY | 1u << OTAUX_DEVICE_SESSION_IDLE |
            1u << OTAUX_DEVICE_RESTART_BLOCKED;
  f.on_battery = !charging;
  f.session_idle = idle;
  f.restart_blocked = blocked;
  otaux_offer_see_device(o, &f, p);
}

static void test_install_tonight(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, p);
  g_autoptr(OtauxOffer) missed = make(S_READY, p);
  g_autoptr(OtauxOffer) off = make(S_READY, p);
  g_autoptr(GError) error = NULL;
  const char *const *c;
  gint64 s = 0, e = 0;

  (void)state;
  assert_true(otaux_policy_night_window(p, OTAUX_PRIORITY_MEDIUM, T0, &s, &e));
  if (s <= T0)
    s = T0 + 1; /* T0 inside the window: from now on */
  c = otaux_offer_allowed_choices(o, p, T0);
  assert_int_equal(g_strv_length((char **)c), 4);
  assert_string_equal(c[0], "accept");
  assert_string_equal(c[1], "tonight");
  assert_string_equal(c[2], "delay-reboot");
  assert_string_equal(c[3], "cancel");

  /* the decision is a delay to the window's start */
  assert_true(otaux_offer_answer(o, p, "tonight", 0, T0, NULL));
  assert_int_equal(o->phase, OTAUX_PHASE_DELAYED);
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_int_equal(o->reason, OTAUX_REASON_USER);
  assert_int_equal(o->reboot_at, s);
  assert_int_equal(o->tonight_start, s);
  assert_int_equal(o->tonight_end, e);
  assert_int_equal(o->n_delays, 1);
  assert_int_equal(otaux_offer_next_wakeup(o, p, T0), s);
  assert_false(g_strv_contains(otaux_offer_allowed_choices(o, p, T0), "tonight"));
  /* the clock alone, before the window: nothing */
  assert_false(otaux_offer_tick(o, p, s - 1));
  /* inside it, nobody said anything: it waits and knows why */
  assert_true(otaux_offer_tick(o, p, s));
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_int_equal(o->tonight_missed, OTAUX_TONIGHT_MISS_CHARGER | OTAUX_TONIGHT_MISS_IN_USE);
  assert_false(otaux_offer_tick(o, p, s + 10));
  assert_int_equal(otaux_offer_next_wakeup(o, p, s + 10), e);
  /* charging and idle, but another program blocks a restart */
  see(o, p, TRUE, TRUE, TRUE);
  assert_true(otaux_offer_tick(o, p, s + 20));
  assert_int_equal(o->decision, OTAUX_DECISION_DELAY_REBOOT);
  assert_int_equal(o->tonight_missed, OTAUX_TONIGHT_MISS_BLOCKED);
  /* nothing blocks: accepted, reason scheduled, at the window's start time */
  see(o, p, TRUE, TRUE, FALSE);
  assert_true(otaux_offer_tick(o, p, s + 30));
  assert_int_equal(o->decision, OTAUX_DECISION_ACCEPT);
  assert_int_equal(o->reason, OTAUX_REASON_SCHEDULED);
  assert_int_equal(o->decided_in, OTAUX_PHASE_DELAYED);
  assert_int_equal(o->reboot_at, s);
  assert_int_equal(o->tonight_end, 0);
  assert_true(otaux_offer_set_state(o, OTAUX_FUMO_UPDATING, 0, 0, s + 40, NULL));

  /* the charger stays out all night: no decision, a new question */
  assert_true(otaux_offer_answer(missed, p, "tonight", 0, T0, NULL));
  see(missed, p, FALSE, TRUE, FALSE);
  assert_true(otaux_offer_tick(missed, p, s + 60));
  assert_int_equal(missed->tonight_missed, OTAUX_TONIGHT_MISS_CHARGER);
  assert_true(otaux_offer_tick(missed, p, e));
  assert_int_equal(missed->phase, OTAUX_PHASE_READY);
  assert_int_equal(missed->decision, OTAUX_DECISION_NONE);
  assert_int_equal(missed->reason, OTAUX_REASON_NONE);
  assert_int_equal(missed->reboot_at, 0);
  assert_int_equal(missed->tonight_missed, OTAUX_TONIGHT_MISS_CHARGER);
  /* asked in the morning (delay morning, 07:00), not at the window's end */
  if (missed->later_until > 0) {
    assert_true(missed->later_until > e);
    assert_string_equal(otaux_offer_held(missed, p, e), "later");
    assert_null(otaux_offer_allowed_choices(missed, p, e)[0]);
    assert_true(otaux_offer_tick(missed, p, missed->later_until));
  }
  /* install now, tonight again, or later: no skip */
  c = otaux_offer_allowed_choices(missed, p, e + 4 * HOUR);
  assert_int_equal(g_strv_length((char **)c), 3);
  assert_string_equal(c[0], "accept");
  assert_string_equal(c[1], "tonight");
  assert_string_equal(c[2], "delay-reboot");
  assert_false(otaux_offer_answer(missed, p, "cancel", 0, e + 4 * HOUR, &error));
  g_assert_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED);
  g_clear_error(&error);
  assert_true(otaux_offer_answer(missed, p, "tonight", 0, e + 4 * HOUR, NULL));
  assert_int_equal(missed->tonight_missed, 0);
  assert_true(missed->tonight_start > e);
  assert_int_equal(missed->n_delays, 2);

  /* the agent did not run in the window: the morning question says so */
  assert_true(otaux_offer_answer(off, p, "tonight", 0, T0, NULL));
  assert_true(otaux_offer_tick(off, p, e + 1));
  assert_int_equal(off->phase, OTAUX_PHASE_READY);
  assert_int_equal(off->tonight_missed, OTAUX_TONIGHT_MISS_OFF);
}

/* Where "tonight" is not offered: a priority without a window, a forced
 * offer, a delay limit before the window, and the download question. */
static void test_install_tonight_not_offered(void **state)
{
  g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
  g_autoptr(OtauxPolicy) none = otaux_policy_new_default();
  g_autoptr(OtauxPolicy) tight = otaux_policy_new_default();
  g_autoptr(OtauxOffer) o = make(S_READY, p);
  g_autoptr(OtauxOffer) forced = make(S_FORCED, p);
  g_autoptr(OtauxOffer) offered = make(S_OFFERED, p);
  g_autoptr(GError) error = NULL;
  gint64 s = 0;

  (void)state;
  none->priority[OTAUX_PRIORITY_MEDIUM].night_start_min = 0;
  none->priority[OTAUX_PRIORITY_MEDIUM].night_end_min = 0;
  assert_false(otaux_policy_night_window(none, OTAUX_PRIORITY_MEDIUM, T0, NULL, NULL));
  assert_false(g_strv_contains(otaux_offer_allowed_choices(o, none, T0), "tonight"));
  assert_false(otaux_offer_answer(o, none, "tonight", 0, T0, &error));
  g_assert_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED);
  assert_int_equal(o->phase, OTAUX_PHASE_READY);

  assert_false(g_strv_contains(otaux_offer_allowed_choices(forced, p, T0), "tonight"));
  assert_false(g_strv_contains(otaux_offer_allowed_choices(offered, p, T0), "tonight"));

  /* below the battery line: no "install now", but the night (with the charger) is offered */
  {
    g_autoptr(OtauxOffer) low = make(S_READY, p);
    OtauxSystemFacts f = { 0 };
    const char *const *c;

    f.known = 1u << OTAUX_DEVICE_ON_BATTERY | 1u << OTAUX_DEVICE_BATTERY;
    f.on_battery = TRUE;
    f.battery_present = TRUE;
    f.battery_percent = 12;
    otaux_offer_see_device(low, &f, p);
    c = otaux_offer_allowed_choices(low, p, T0);
    assert_int_equal(g_strv_length((char **)c), 3);
    assert_string_equal(c[0], "tonight");
    assert_string_equal(c[1], "delay-reboot");
    assert_string_equal(c[2], "cancel");
  }

  /* the latest reboot comes before the window starts */
  assert_true(otaux_policy_night_window(p, OTAUX_PRIORITY_MEDIUM, T0, &s, NULL));
  if (s > T0 + 60) {
    tight->max_total_delay_s = (guint)(s - T0 - 30);
    assert_false(g_strv_contains(otaux_offer_allowed_choices(o, tight, T0), "tonight"));
    assert_true(g_strv_contains(otaux_offer_allowed_choices(o, tight, T0), "delay-reboot"));
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_transition_table),
    cmocka_unit_test(test_wait_for_wifi),
    cmocka_unit_test(test_install_tonight),
    cmocka_unit_test(test_install_tonight_not_offered),
    cmocka_unit_test(test_refusal_messages),
    cmocka_unit_test(test_start_phase_from_spec_state),
    cmocka_unit_test(test_silent_and_forced_accepted_at_once),
    cmocka_unit_test(test_forced_countdown),
    cmocka_unit_test(test_forced_after_download_counts_down),
    cmocka_unit_test(test_accept_and_cancel_details),
    cmocka_unit_test(test_delay_reboot_bounds),
    cmocka_unit_test(test_delay_count_limit),
    cmocka_unit_test(test_delay_limit_deadline_and_expiry),
    cmocka_unit_test(test_scheduled_accept),
    cmocka_unit_test(test_user_accept_while_delayed),
    cmocka_unit_test(test_reminders),
    cmocka_unit_test(test_reminders_already_passed_are_skipped),
    cmocka_unit_test(test_next_wakeup_none),
    cmocka_unit_test(test_progress_bytes),
    cmocka_unit_test(test_update_copies_given_fields_only),
    cmocka_unit_test(test_copy_and_diff),
    cmocka_unit_test(test_restart_stage),
    cmocka_unit_test(test_ask_restart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
