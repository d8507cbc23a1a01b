/* otaux-offer: one firmware package and its lifecycle state machine.
 * See the phase table in otaux-offer.h; this file implements exactly it. */
#include "otaux-offer.h"

#include <string.h>

#include "otaux-tonight.h"

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-offer-error-quark, otaux_offer_error)
// clang-format on

/* ---- offer ----------------------------------------------------------- */

static gboolean is_forced(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  return offer->spec.forced && policy->allow_forced;
}

/* Silent and forced updates skip the download question only (the install
 * question stays; forced: a countdown instead). While roaming, policy may
 * want the question asked (ask) or no download at all (no). */
static gboolean skips_download_question(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  if (offer->device.roaming && policy->roaming_download != OTAUX_ROAMING_DOWNLOAD_YES)
    return FALSE;
  return (offer->spec.silent && policy->allow_silent) || is_forced(offer, policy);
}

/* The decision to install (not merely to download) has been made. */
static gboolean install_accepted(const OtauxOffer *offer)
{
  return offer->decision == OTAUX_DECISION_ACCEPT &&
         (offer->decided_in == OTAUX_PHASE_READY || offer->decided_in == OTAUX_PHASE_DELAYED);
}

static void decide(OtauxOffer *offer, OtauxDecision decision, OtauxReason reason, gint64 now)
{
  offer->decision = decision;
  offer->reason = reason;
  offer->decided_in = offer->phase;
  offer->changed_at = now;
  /* its release notes were read there: the install question has them not again */
  offer->download_asked |= offer->phase == OTAUX_PHASE_OFFERED && reason != OTAUX_REASON_POLICY;
  /* any decision ends a night's wait and its morning question */
  offer->tonight_start = offer->tonight_end = 0;
  offer->tonight_missed = 0;
}

gboolean otaux_offer_waits_for_battery(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  g_return_val_if_fail(offer != NULL && policy != NULL, FALSE);
  return (offer->phase == OTAUX_PHASE_READY || offer->phase == OTAUX_PHASE_DELAYED) &&
         !otaux_device_battery_allows_install(&offer->device, policy);
}

OtauxOffer *otaux_offer_new(guint serial, const OtauxOfferSpec *spec, const OtauxPolicy *policy,
                            gint64 now)
{
  return otaux_offer_new_seeing(serial, spec, NULL, policy, now);
}

OtauxOffer *otaux_offer_new_seeing(guint serial, const OtauxOfferSpec *spec,
                                   const OtauxSystemFacts *system, const OtauxPolicy *policy,
                                   gint64 now)
{
  OtauxOffer *offer;

  g_return_val_if_fail(spec != NULL && policy != NULL, NULL);

  offer = g_new0(OtauxOffer, 1);
  offer->serial = serial;
  otaux_offer_spec_copy(&offer->spec, spec);
  otaux_offer_see_device(offer, system, policy);
  offer->state = spec->state != 0 ? spec->state : OTAUX_FUMO_IDLE;
  offer->created_at = now;
  offer->changed_at = now;

  switch (offer->state) {
    case OTAUX_FUMO_DOWNLOADING:
      offer->phase = OTAUX_PHASE_DOWNLOADING;
      break;
    case OTAUX_FUMO_DOWNLOAD_COMPLETE:
    case OTAUX_FUMO_READY_TO_UPDATE:
      offer->phase = OTAUX_PHASE_READY;
      offer->ready_at = now;
      break;
    case OTAUX_FUMO_UPDATING:
      offer->phase = OTAUX_PHASE_INSTALLING;
      offer->ready_at = now;
      break;
    default:
      offer->phase = OTAUX_PHASE_OFFERED;
      break;
  }

  offer->asked_at = now;
  if (offer->phase == OTAUX_PHASE_OFFERED && skips_download_question(offer, policy)) {
    decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_POLICY, now);
    offer->phase = OTAUX_PHASE_DOWNLOADING;
  }
  return offer;
}

OtauxOffer *otaux_offer_copy(const OtauxOffer *offer)
{
  OtauxOffer *copy;

  g_return_val_if_fail(offer != NULL, NULL);
  copy = g_memdup2(offer, sizeof *offer);
  otaux_offer_spec_copy(&copy->spec, &offer->spec);
  copy->instruction = g_strdup(offer->instruction);
  copy->step = g_strdup(offer->step);
  copy->finish_message = g_strdup(offer->finish_message);
  return copy;
}

void otaux_offer_free(OtauxOffer *offer)
{
  if (offer == NULL)
    return;
  otaux_offer_spec_clear(&offer->spec);
  g_free(offer->instruction);
  g_free(offer->step);
  g_free(offer->finish_message);
  g_free(offer);
}

static void replace_string(char **dest, const char *src)
{
  g_free(*dest);
  *dest = g_strdup(src != NULL ? src : "");
}

void otaux_offer_update(OtauxOffer *offer, const OtauxOfferSpec *spec)
{
  guint32 f;

  g_return_if_fail(offer != NULL && spec != NULL);
  f = spec->fields;
  if (f & OTAUX_SPEC_NAME)
    replace_string(&offer->spec.name, spec->name);
  if (f & OTAUX_SPEC_VERSION)
    replace_string(&offer->spec.version, spec->version);
  if (f & OTAUX_SPEC_PRIORITY)
    offer->spec.priority = spec->priority;
  if (f & OTAUX_SPEC_SIZE)
    offer->spec.size = spec->size;
  if (f & OTAUX_SPEC_URL)
    replace_string(&offer->spec.url, spec->url);
  if (f & OTAUX_SPEC_ROAMING)
    offer->spec.roaming = spec->roaming;
  if (f & OTAUX_SPEC_METERED)
    offer->spec.metered = spec->metered;
  if (f & OTAUX_SPEC_CELLULAR)
    offer->spec.cellular = spec->cellular;
  if (f & OTAUX_SPEC_NEEDS_REBOOT)
    offer->spec.needs_reboot = spec->needs_reboot;
  if (f & OTAUX_SPEC_RESTART_ONLY)
    offer->spec.restart_only = spec->restart_only;
  if (f & OTAUX_SPEC_ASKS_RESTART)
    offer->spec.asks_restart = spec->asks_restart;
  if (f & OTAUX_SPEC_RELEASE_NOTES)
    replace_string(&offer->spec.release_notes, spec->release_notes);
  if (f & OTAUX_SPEC_MESSAGE)
    replace_string(&offer->spec.message, spec->message);
  if (f & OTAUX_SPEC_INSTALL_MESSAGE)
    replace_string(&offer->spec.install_message, spec->install_message);
  if (f & OTAUX_SPEC_DEADLINE)
    offer->spec.deadline = spec->deadline;
  if (f & OTAUX_SPEC_INSTALL_SECONDS)
    offer->spec.install_seconds = spec->install_seconds;
  if (f & OTAUX_SPEC_CORRELATOR)
    replace_string(&offer->spec.correlator, spec->correlator);
  /* Remember every key ever given; id, state, silent and forced stay as first offered. */
  offer->spec.fields |= f & ~(guint32)(OTAUX_SPEC_STATE | OTAUX_SPEC_SILENT | OTAUX_SPEC_FORCED);
}

static gboolean is_terminal_state(guint32 state)
{
  return state == OTAUX_FUMO_DOWNLOAD_FAILED || state == OTAUX_FUMO_UPDATE_FAILED_DATA ||
         state == OTAUX_FUMO_UPDATE_FAILED_NO_DATA || state == OTAUX_FUMO_UPDATE_OK_DATA ||
         state == OTAUX_FUMO_UPDATE_OK_NO_DATA;
}

static gboolean refuse_state(const OtauxOffer *offer, guint32 state, GError **error)
{
  g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
              "state %u is not allowed while the offer is %s", state,
              otaux_phase_to_string(offer->phase));
  return FALSE;
}

gboolean otaux_offer_set_state(OtauxOffer *offer, guint32 state, guint64 bytes_done,
                               guint64 bytes_total, gint64 now, GError **error)
{
  guint64 total;

  g_return_val_if_fail(offer != NULL, FALSE);

  if (!otaux_fumo_state_is_valid(state)) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS, "%u is not a FUMO state",
                state);
    return FALSE;
  }
  /* A missing bytes-total keeps the one reported before (progress only). */
  total = bytes_total > 0 ? bytes_total : offer->bytes_total;
  if ((bytes_total > 0 && bytes_done > bytes_total) ||
      ((state == OTAUX_FUMO_DOWNLOADING || offer->phase == OTAUX_PHASE_INSTALLING) && total > 0 &&
       bytes_done > total)) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                "bytes-done %" G_GUINT64_FORMAT " is more than bytes-total %" G_GUINT64_FORMAT,
                bytes_done, total);
    return FALSE;
  }

  if (is_terminal_state(state)) {
    /* Recorded only: Finish carries the outcome. */
    offer->state = state;
    return TRUE;
  }

  switch (offer->phase) {
    case OTAUX_PHASE_OFFERED:
      if (state != OTAUX_FUMO_IDLE)
        return refuse_state(offer, state, error);
      offer->state = state;
      return TRUE;
    case OTAUX_PHASE_DOWNLOADING:
      if (state == OTAUX_FUMO_DOWNLOADING) {
        offer->state = state;
        offer->bytes_done = bytes_done;
        offer->bytes_total = total;
        return TRUE;
      }
      if (state == OTAUX_FUMO_DOWNLOAD_COMPLETE || state == OTAUX_FUMO_READY_TO_UPDATE) {
        offer->state = state;
        if (total > 0) {
          offer->bytes_total = total;
          offer->bytes_done = bytes_done > 0 ? bytes_done : total;
        }
        offer->phase = OTAUX_PHASE_READY;
        offer->ready_at = now;
        offer->changed_at = now;
        offer->asked_at = now;
        offer->later_until = 0;
        /* A new question (install?) opens: Decision answers the current
         * question, so the download's "accept" must not read as an install
         * "accept" to an updater that restarts. */
        offer->decision = OTAUX_DECISION_NONE;
        offer->reason = OTAUX_REASON_NONE;
        return TRUE;
      }
      return refuse_state(offer, state, error);
    case OTAUX_PHASE_READY:
    case OTAUX_PHASE_DELAYED:
      /* FUMO moves 40 -> 50 on its own; both mean "ready", recorded only. */
      if (state == OTAUX_FUMO_DOWNLOAD_COMPLETE || state == OTAUX_FUMO_READY_TO_UPDATE) {
        offer->state = state;
        return TRUE;
      }
      if (state == OTAUX_FUMO_UPDATING && install_accepted(offer)) {
        offer->state = state;
        /* The install's own progress starts: the download's bytes are not
         * its percentage (0 of 0 = unknown, unless given). */
        offer->bytes_done = bytes_done;
        offer->bytes_total = bytes_total;
        offer->phase = OTAUX_PHASE_INSTALLING;
        offer->changed_at = now;
        return TRUE;
      }
      if (state == OTAUX_FUMO_UPDATING) {
        g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                    "state 60 is not allowed while the offer is %s: the install is not accepted",
                    otaux_phase_to_string(offer->phase));
        return FALSE;
      }
      return refuse_state(offer, state, error);
    case OTAUX_PHASE_INSTALLING:
      if (state != OTAUX_FUMO_UPDATING)
        return refuse_state(offer, state, error);
      offer->state = state;
      if (bytes_done > 0 || bytes_total > 0) {
        offer->bytes_done = bytes_done;
        offer->bytes_total = total;
      }
      return TRUE;
    case OTAUX_PHASE_FINISHED:
    default:
      return refuse_state(offer, state, error);
  }
}

gboolean otaux_offer_set_stage(OtauxOffer *offer, const char *stage, gint64 now, GError **error)
{
  OtauxStage value;

  g_return_val_if_fail(offer != NULL && stage != NULL, FALSE);

  /* Only the updater's own word: "finishing" is the agent's, after a start. */
  if (!otaux_stage_from_string(stage, &value) || value != OTAUX_STAGE_RESTARTING) {
    g_autofree char *valid = g_utf8_make_valid(stage, -1);
    g_autofree char *shown = g_utf8_substring(valid, 0, MIN(g_utf8_strlen(valid, -1), 64));

    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                "'%s' is not a stage (known: restarting)", shown);
    return FALSE;
  }
  if (offer->phase != OTAUX_PHASE_INSTALLING) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                "stage %s is not allowed while the offer is %s: it needs state 60", stage,
                otaux_phase_to_string(offer->phase));
    return FALSE;
  }
  if (offer->stage != value)
    offer->changed_at = now;
  offer->stage = value;
  return TRUE;
}

gboolean otaux_offer_restarted(OtauxOffer *offer, gint64 now)
{
  g_return_val_if_fail(offer != NULL, FALSE);
  if (offer->phase != OTAUX_PHASE_INSTALLING || offer->stage != OTAUX_STAGE_RESTARTING)
    return FALSE;
  offer->stage = OTAUX_STAGE_FINISHING;
  offer->changed_at = now;
  return TRUE;
}

gboolean otaux_offer_ask_restart(OtauxOffer *offer, gint64 now)
{
  g_return_val_if_fail(offer != NULL, FALSE);
  /* Only an install that ran and has not restarted yet; a finished offer
   * keeps its result. */
  if (!offer->spec.restart_only || offer->phase != OTAUX_PHASE_INSTALLING ||
      offer->stage != OTAUX_STAGE_NONE)
    return FALSE;
  offer->phase = OTAUX_PHASE_READY;
  offer->state = OTAUX_FUMO_READY_TO_UPDATE;
  /* A new question: its delays count from now, as a fresh install question's. */
  offer->decision = OTAUX_DECISION_NONE;
  offer->reason = OTAUX_REASON_NONE;
  offer->reboot_at = 0;
  offer->n_delays = 0;
  offer->reminder_index = 0;
  offer->ready_at = now;
  offer->asked_at = now;
  offer->later_until = 0;
  offer->changed_at = now;
  return TRUE;
}

gboolean otaux_offer_finish(OtauxOffer *offer, guint32 result, gint64 now, GError **error)
{
  g_return_val_if_fail(offer != NULL, FALSE);

  if (!otaux_fumo_result_is_valid(result)) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                "%u is not a FUMO result code (200, 250-299, 400-599)", result);
    return FALSE;
  }
  if (offer->phase == OTAUX_PHASE_FINISHED && offer->finish_reported) {
    g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                        "the offer is already finished");
    return FALSE;
  }
  offer->phase = OTAUX_PHASE_FINISHED;
  offer->stage = OTAUX_STAGE_NONE;
  offer->result = result;
  offer->finish_reported = TRUE;
  offer->changed_at = now;
  return TRUE;
}

/* ---- choices --------------------------------------------------------- */

static const char *const choices_none[] = { NULL };
static const char *const choices_accept_cancel[] = { "accept", "cancel", NULL };
static const char *const choices_cancel[] = { "cancel", NULL };
static const char *const choices_accept[] = { "accept", NULL };
static const char *const choices_cancel_later[] = { "cancel", "later", NULL };
static const char *const choices_delay_cancel[] = { "delay-reboot", "cancel", NULL };
static const char *const choices_delay_cancel_later[] = { "delay-reboot", "cancel", "later", NULL };
static const char *const choices_all[] = { "accept", "delay-reboot", "cancel", NULL };
static const char *const choices_accept_cancel_later[] = { "accept", "cancel", "later", NULL };
static const char *const choices_wifi[] = { "accept", "wifi", "cancel", NULL };
static const char *const choices_wifi_later[] = { "accept", "wifi", "cancel", "later", NULL };
static const char *const choices_all_later[] = { "accept", "delay-reboot", "cancel", "later",
                                                 NULL };

static OtauxPriority priority_of(const OtauxOffer *offer)
{
  return (guint)offer->spec.priority < OTAUX_N_PRIORITIES ? offer->spec.priority
                                                          : OTAUX_PRIORITY_MEDIUM;
}

static const OtauxPriorityPolicy *priority_policy(const OtauxOffer *offer,
                                                  const OtauxPolicy *policy)
{
  return &policy->priority[priority_of(offer)];
}

/* The download question (offered) or the install question (ready) is open:
 * the ones a time-out and "later" apply to. */
static gboolean question_open(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  if (offer->phase == OTAUX_PHASE_OFFERED)
    return offer->decision == OTAUX_DECISION_NONE;
  if (offer->phase == OTAUX_PHASE_READY)
    return !install_accepted(offer) && !is_forced(offer, policy);
  return FALSE;
}

gboolean otaux_offer_charge_warning_applies(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  const OtauxDeviceFacts *device;

  g_return_val_if_fail(offer != NULL && policy != NULL, FALSE);
  device = &offer->device;
  /* An unknown size (0) may be large: it gets the warning. */
  if (offer->spec.size > 0 && offer->spec.size < policy->charge_min_size)
    return FALSE;
  switch (policy->charge_warning) {
    case OTAUX_CHARGE_WARN_ALWAYS:
      return TRUE;
    case OTAUX_CHARGE_WARN_ROAMING:
      return device->roaming;
    case OTAUX_CHARGE_WARN_METERED:
      return device->roaming || device->metered;
    case OTAUX_CHARGE_WARN_CELLULAR: /* roaming is cellular too */
      return device->roaming || device->cellular;
    case OTAUX_CHARGE_WARN_NEVER:
    default:
      return FALSE;
  }
}

/* "Download on Wi-Fi" comes with the built-in charge warning, not a program's. */
static gboolean offers_wifi(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  return !offer->wait_wifi && policy->charge_program[0] == '\0' &&
         otaux_offer_charge_warning_applies(offer, policy) &&
         (offer->device.roaming || offer->device.metered || offer->device.cellular);
}

gboolean otaux_offer_needs_charge_program(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  g_return_val_if_fail(offer != NULL && policy != NULL, FALSE);
  return offer->phase == OTAUX_PHASE_OFFERED && offer->decision == OTAUX_DECISION_NONE &&
         !offer->charge_ok && policy->charge_program[0] != '\0' &&
         otaux_offer_charge_warning_applies(offer, policy);
}

const char *otaux_offer_held(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  g_return_val_if_fail(offer != NULL && policy != NULL, NULL);

  if (!question_open(offer, policy))
    return NULL;
  if (offer->later_until > now)
    return "later";
  if (offer->phase == OTAUX_PHASE_OFFERED) {
    if (offer->device.roaming &&
        (!policy->roaming_present || policy->roaming_download == OTAUX_ROAMING_DOWNLOAD_NO))
      return "roaming";
    if (otaux_offer_needs_charge_program(offer, policy))
      return "charge-program";
  }
  return NULL;
}

gint64 otaux_offer_timeout_at(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  const OtauxPriorityPolicy *pp;

  g_return_val_if_fail(offer != NULL && policy != NULL, 0);
  pp = priority_policy(offer, policy);
  if (pp->timeout_s == 0 || !question_open(offer, policy) || otaux_offer_held(offer, policy, now))
    return 0;
  /* The person answered "Download on Wi-Fi": the wait has no time-out. */
  if (offer->phase == OTAUX_PHASE_OFFERED && offer->wait_wifi)
    return 0;
  /* A time-out that would install waits, like the person, for the battery. */
  if (pp->timeout_answer == OTAUX_TIMEOUT_ANSWER_ACCEPT &&
      otaux_offer_waits_for_battery(offer, policy))
    return 0;
  return offer->asked_at + (gint64)pp->timeout_s;
}

gboolean otaux_offer_charge_answer(OtauxOffer *offer, gboolean yes, gint64 now, GError **error)
{
  g_return_val_if_fail(offer != NULL, FALSE);

  if (offer->phase != OTAUX_PHASE_OFFERED || offer->decision != OTAUX_DECISION_NONE ||
      offer->charge_ok) {
    g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                        "the offer does not wait for a charge warning");
    return FALSE;
  }
  if (yes) {
    /* The person agreed in the operator's own warning: that is the answer
     * to the download question. */
    offer->charge_ok = TRUE;
    decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_USER, now);
    offer->phase = OTAUX_PHASE_DOWNLOADING;
    return TRUE;
  }
  decide(offer, OTAUX_DECISION_CANCEL, OTAUX_REASON_POLICY, now);
  offer->phase = OTAUX_PHASE_FINISHED;
  offer->result = OTAUX_RESULT_USER_CANCELLED;
  offer->finish_reported = FALSE;
  return TRUE;
}

gint64 otaux_offer_delay_limit(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  gint64 limit;

  g_return_val_if_fail(offer != NULL && policy != NULL, 0);

  if (offer->phase != OTAUX_PHASE_READY && offer->phase != OTAUX_PHASE_DELAYED)
    return 0;
  if (install_accepted(offer) || is_forced(offer, policy))
    return 0;
  if (offer->n_delays >= policy->max_delays)
    return 0;
  limit = offer->ready_at + (gint64)policy->max_total_delay_s;
  if (offer->spec.deadline > 0 && offer->spec.deadline < limit)
    limit = offer->spec.deadline;
  if (policy->max_pick_s > 0 && now + (gint64)policy->max_pick_s < limit)
    limit = now + (gint64)policy->max_pick_s;
  return limit > now ? limit : 0;
}

const char *const *otaux_offer_allowed_choices(const OtauxOffer *offer, const OtauxPolicy *policy,
                                               gint64 now)
{
  gboolean later;

  g_return_val_if_fail(offer != NULL && policy != NULL, choices_none);

  /* A question held back asks nothing until it is put. */
  if (otaux_offer_held(offer, policy, now) != NULL)
    return choices_none;
  later = question_open(offer, policy) && priority_policy(offer, policy)->later_s > 0;
  switch (offer->phase) {
    case OTAUX_PHASE_OFFERED:
      if (offer->decision != OTAUX_DECISION_NONE)
        return choices_none;
      /* Waiting for Wi-Fi: "Download now anyway" and cancel; no "later". */
      if (offer->wait_wifi)
        return choices_accept_cancel;
      if (offers_wifi(offer, policy))
        return later ? choices_wifi_later : choices_wifi;
      return later ? choices_accept_cancel_later : choices_accept_cancel;
    case OTAUX_PHASE_DOWNLOADING:
      return choices_cancel;
    case OTAUX_PHASE_READY:
    case OTAUX_PHASE_DELAYED: {
      const char *const *base;

      if (install_accepted(offer))
        return choices_none;
      if (otaux_offer_waits_for_battery(offer, policy)) {
        /* No "install now" below the battery line; delay and cancel stay. */
        if (is_forced(offer, policy))
          return choices_none;
        if (otaux_offer_delay_limit(offer, policy, now) > 0)
          base = later ? choices_delay_cancel_later : choices_delay_cancel;
        else
          base = later ? choices_cancel_later : choices_cancel;
      } else if (is_forced(offer, policy)) {
        return choices_accept;
      } else if (otaux_offer_delay_limit(offer, policy, now) > 0) {
        base = later ? choices_all_later : choices_all;
      } else {
        base = later ? choices_accept_cancel_later : choices_accept_cancel;
      }
      /* "Install tonight", and the morning question after a missed night */
      return otaux_tonight_choices(offer, policy, now, base);
    }
    case OTAUX_PHASE_INSTALLING:
    case OTAUX_PHASE_FINISHED:
    default:
      return choices_none;
  }
}

/* Reminders whose time has come by @now; they count as given (or skipped). */
static guint reminders_due(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  guint n = 0;

  while (n < policy->n_reminders && n < OTAUX_POLICY_MAX_LIST &&
         now >= offer->reboot_at - (gint64)policy->reminders_s[n])
    n++;
  return n;
}

static gboolean refuse_choice(GError **error)
{
  g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                      "the offer asks nothing now");
  return FALSE;
}

gboolean otaux_offer_answer(OtauxOffer *offer, const OtauxPolicy *policy, const char *choice,
                            gint64 reboot_at, gint64 now, GError **error)
{
  const char *const *allowed;

  g_return_val_if_fail(offer != NULL && policy != NULL, FALSE);

  allowed = otaux_offer_allowed_choices(offer, policy, now);
  if (allowed[0] == NULL)
    return refuse_choice(error);
  if (choice == NULL || !g_strv_contains(allowed, choice)) {
    g_autofree char *list = g_strjoinv(", ", (char **)allowed);
    g_autofree char *valid = g_utf8_make_valid(choice != NULL ? choice : "", -1);
    /* Whatever a caller sent, the message stays short and valid UTF-8. */
    g_autofree char *shown = g_utf8_substring(valid, 0, MIN(g_utf8_strlen(valid, -1), 64));

    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                "'%s' is not a choice now (the offer asks for: %s)", shown, list);
    return FALSE;
  }

  if (g_str_equal(choice, "delay-reboot")) {
    gint64 limit = otaux_offer_delay_limit(offer, policy, now);
    g_autoptr(GDateTime) latest = NULL;
    g_autofree char *latest_str = NULL;

    if (reboot_at == 0) {
      g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                          "reboot-at is required for delay-reboot");
      return FALSE;
    }
    if (reboot_at <= now) {
      g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                          "reboot-at is in the past");
      return FALSE;
    }
    if (reboot_at > limit) {
      latest = g_date_time_new_from_unix_utc(limit);
      latest_str = latest != NULL ? g_date_time_format_iso8601(latest) : NULL;
      g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                  "reboot-at is later than the latest allowed time %" G_GINT64_FORMAT " (%s)",
                  limit, latest_str != NULL ? latest_str : "?");
      return FALSE;
    }
    if (!otaux_policy_may_interrupt(policy, priority_of(offer), reboot_at)) {
      g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                          "reboot-at falls in the quiet hours");
      return FALSE;
    }
    decide(offer, OTAUX_DECISION_DELAY_REBOOT, OTAUX_REASON_USER, now);
    offer->phase = OTAUX_PHASE_DELAYED;
    offer->reboot_at = reboot_at;
    offer->n_delays++;
    /* Reminders whose time already passed are skipped, not fired late. */
    offer->reminder_index = reminders_due(offer, policy, now);
    return TRUE;
  }

  if (g_str_equal(choice, "tonight")) {
    gint64 start = 0, end = 0;

    /* offered only with a window (allowed choices): at its start */
    if (!otaux_tonight_window(offer, policy, now, &start, &end))
      return refuse_choice(error);
    decide(offer, OTAUX_DECISION_DELAY_REBOOT, OTAUX_REASON_USER, now);
    offer->phase = OTAUX_PHASE_DELAYED;
    offer->reboot_at = start;
    offer->n_delays++;
    otaux_tonight_take(offer, policy, start, end);
    return TRUE;
  }

  if (g_str_equal(choice, "wifi")) {
    /* No decision yet: the accept comes when the link is unmetered (tick). */
    offer->wait_wifi = TRUE;
    offer->later_until = 0;
    offer->changed_at = now;
    return TRUE;
  }

  if (g_str_equal(choice, "later")) {
    /* No decision: the question comes back after the policy's time. */
    offer->later_until = now + (gint64)priority_policy(offer, policy)->later_s;
    offer->changed_at = now;
    return TRUE;
  }

  offer->wait_wifi = FALSE; /* any other answer ends the wait */
  if (g_str_equal(choice, "accept")) {
    decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_USER, now);
    if (offer->phase == OTAUX_PHASE_OFFERED) {
      offer->phase = OTAUX_PHASE_DOWNLOADING;
    } else {
      /* "Restart now": a scheduled time no longer applies. */
      offer->reboot_at = 0;
    }
    return TRUE;
  }

  /* cancel */
  decide(offer, OTAUX_DECISION_CANCEL, OTAUX_REASON_USER, now);
  offer->reboot_at = 0;
  offer->phase = OTAUX_PHASE_FINISHED;
  offer->result = OTAUX_RESULT_USER_CANCELLED;
  offer->finish_reported = FALSE;
  return TRUE;
}

/* ---- time ------------------------------------------------------------ */

static gboolean is_scheduled(const OtauxOffer *offer)
{
  return offer->phase == OTAUX_PHASE_DELAYED && offer->decision == OTAUX_DECISION_DELAY_REBOOT;
}

static gboolean is_counting_down(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  return offer->phase == OTAUX_PHASE_READY && is_forced(offer, policy) && !install_accepted(offer);
}

/* The prompt time-out expired: the policy's answer (OMA DM MAXDT + DR). */
static void answer_timeout(OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  const OtauxPriorityPolicy *pp = priority_policy(offer, policy);

  switch (pp->timeout_answer) {
    case OTAUX_TIMEOUT_ANSWER_LATER:
      if (pp->later_s > 0) {
        offer->later_until = now + (gint64)pp->later_s;
        offer->changed_at = now;
        return;
      }
      G_GNUC_FALLTHROUGH; /* the policy check refuses this; be safe anyway */
    case OTAUX_TIMEOUT_ANSWER_CANCEL:
    default:
      decide(offer, OTAUX_DECISION_CANCEL, OTAUX_REASON_TIMEOUT, now);
      offer->reboot_at = 0;
      offer->phase = OTAUX_PHASE_FINISHED;
      offer->result = OTAUX_RESULT_USER_CANCELLED;
      offer->finish_reported = FALSE;
      return;
    case OTAUX_TIMEOUT_ANSWER_ACCEPT:
      decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_TIMEOUT, now);
      if (offer->phase == OTAUX_PHASE_OFFERED)
        offer->phase = OTAUX_PHASE_DOWNLOADING;
      else
        offer->reboot_at = 0;
      return;
  }
}

/* A reboot due at @now waits for the end of quiet hours unless allowed. */
static gboolean reboot_may_run(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  return otaux_policy_may_interrupt(policy, priority_of(offer), now);
}

gboolean otaux_offer_tick(OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  gint64 timeout_at;

  g_return_val_if_fail(offer != NULL && policy != NULL, FALSE);

  if (offer->phase == OTAUX_PHASE_OFFERED && offer->decision == OTAUX_DECISION_NONE &&
      skips_download_question(offer, policy)) {
    /* Held while roaming, and now home (a re-offer said so). */
    decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_POLICY, now);
    offer->phase = OTAUX_PHASE_DOWNLOADING;
    return TRUE;
  }
  if (offer->phase == OTAUX_PHASE_OFFERED && offer->decision == OTAUX_DECISION_NONE &&
      offer->wait_wifi && otaux_device_link_unmetered(&offer->device)) {
    /* "Download on Wi-Fi", and the link is unmetered now. */
    offer->wait_wifi = FALSE;
    decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_UNMETERED, now);
    offer->phase = OTAUX_PHASE_DOWNLOADING;
    return TRUE;
  }
  if (offer->later_until > 0 && now >= offer->later_until) {
    /* "Later" is over: the question is put again, its time-out anew. */
    offer->later_until = 0;
    offer->asked_at = now;
    offer->changed_at = now;
    return TRUE;
  }
  timeout_at = otaux_offer_timeout_at(offer, policy, now);
  if (timeout_at > 0 && now >= timeout_at) {
    answer_timeout(offer, policy, now);
    return TRUE;
  }

  if (is_scheduled(offer) && offer->tonight_end > 0) {
    OtauxTonightStep step = otaux_tonight_tick(offer, policy, now);

    if (step == OTAUX_TONIGHT_ACCEPT) /* RebootAt stays: the window's start */
      decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_SCHEDULED, now);
    return step != OTAUX_TONIGHT_WAIT;
  }
  if (is_scheduled(offer)) {
    guint due;

    if (now >= offer->reboot_at && reboot_may_run(offer, policy, now) &&
        !otaux_offer_waits_for_battery(offer, policy)) {
      /* RebootAt stays: it tells when the scheduled accept was due. */
      decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_SCHEDULED, now);
      return TRUE;
    }
    /* Several reminders due at once (a late tick) count as one. A reminder
     * is not a transition, so changed_at keeps the time of the delay. */
    due = reminders_due(offer, policy, now);
    if (due > offer->reminder_index) {
      offer->reminder_index = due;
      return TRUE;
    }
    return FALSE;
  }

  if (is_counting_down(offer, policy) &&
      now >= offer->ready_at + (gint64)policy->forced_countdown_s &&
      reboot_may_run(offer, policy, now) && !otaux_offer_waits_for_battery(offer, policy)) {
    decide(offer, OTAUX_DECISION_ACCEPT, OTAUX_REASON_POLICY, now);
    return TRUE;
  }
  return FALSE;
}

static void consider(gint64 *best, gint64 when, gint64 now)
{
  /* Something already due means "run now". */
  if (when < now)
    when = now;
  if (*best == 0 || when < *best)
    *best = when;
}

gint64 otaux_offer_next_wakeup(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  gint64 best = 0;

  g_return_val_if_fail(offer != NULL && policy != NULL, 0);

  if (offer->later_until > 0)
    consider(&best, offer->later_until, now);
  if (otaux_offer_timeout_at(offer, policy, now) > 0)
    consider(&best, otaux_offer_timeout_at(offer, policy, now), now);

  if (is_scheduled(offer) && offer->tonight_end > 0) {
    consider(&best, otaux_tonight_next_wakeup(offer, now), now);
  } else if (is_scheduled(offer)) {
    /* Due inside quiet hours: wake when they end, not in a busy loop. */
    if (offer->reboot_at <= now && otaux_offer_waits_for_battery(offer, policy))
      ; /* a change of the battery moves it on, not the clock */
    else if (offer->reboot_at <= now && !reboot_may_run(offer, policy, now))
      consider(&best, otaux_policy_quiet_next_change(policy, now), now);
    else
      consider(&best, offer->reboot_at, now);
    if (offer->reminder_index < policy->n_reminders &&
        offer->reminder_index < OTAUX_POLICY_MAX_LIST)
      consider(&best, offer->reboot_at - (gint64)policy->reminders_s[offer->reminder_index], now);
    /* The final warning changes only the prompt: wake for it while it is ahead. */
    if (policy->final_warning_s > 0 && offer->reboot_at - (gint64)policy->final_warning_s > now)
      consider(&best, offer->reboot_at - (gint64)policy->final_warning_s, now);
  } else if (is_counting_down(offer, policy)) {
    gint64 due = offer->ready_at + (gint64)policy->forced_countdown_s;

    if (due <= now && otaux_offer_waits_for_battery(offer, policy))
      ; /* as above */
    else if (due <= now && !reboot_may_run(offer, policy, now))
      consider(&best, otaux_policy_quiet_next_change(policy, now), now);
    else
      consider(&best, due, now);
  }
  return best;
}
