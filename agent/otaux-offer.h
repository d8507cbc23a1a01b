/* otaux-offer: one firmware package and its lifecycle state machine.
 *
 * Pure data and transitions: no I/O, no clock of its own (callers pass
 * "now"), no signals. OtauxAgent wraps it with persistence and events.
 *
 * Phases and what moves them (anything else is refused with
 * OTAUX_OFFER_ERROR_NOT_ALLOWED and changes nothing):
 *
 *   offered      Answer accept -> downloading      Answer cancel -> finished (401)
 *                (silent/forced, when policy allows: accepted at once, reason policy;
 *                 not while roaming when roaming download is no or ask)
 *                Answer later (policy: priority later) -> offered, asked again later
 *                the prompt time-out passes -> its answer, reason timeout
 *                held (nothing asked): roaming when policy hides offers or downloads
 *                while roaming; a charge-warning program runs (its no: cancel, policy)
 *                SetState 10 and terminal states are recorded only
 *   downloading  SetState 30 (progress) | 40/50 -> ready    Answer cancel -> finished (401)
 *                (entering ready opens the install question: Decision goes back to none)
 *   ready        Answer accept (decision accept, waits for SetState 60)
 *                SetState 40/50 again is recorded only
 *                Answer delay-reboot + reboot-at -> delayed
 *                Answer cancel -> finished (401)
 *                Answer later, prompt time-out: as in offered
 *                SetState 60, once accepted -> installing
 *                (forced: accepted by policy when the countdown ends, outside
 *                 quiet hours unless the priority may interrupt)
 *                Answer tonight (policy night window) -> delayed, decision
 *                delay-reboot at the window's start (otaux-tonight.h)
 *   delayed      the reboot time passes -> decision accept, reason scheduled
 *                (tonight: inside the window, once the device is charging, idle
 *                 or locked and nobody blocks a restart; a window that passes
 *                 unused -> ready again, no decision: the morning question)
 *                (inside quiet hours: at their end, unless the priority may interrupt)
 *                Answer accept | delay-reboot (bounded) | cancel, as in ready
 *                SetState 60, once accepted -> installing
 *   installing   SetState 60 (progress)
 *   finished     nothing, except one Finish when a cancel finished it first
 *
 *   Finish(result) moves any phase to finished. Withdraw removes the offer
 *   in any phase (done by the agent). Terminal FUMO states (20, 70, 80, 90,
 *   100) are recorded in State in any phase; Finish carries the result. */
#pragma once

#include <glib.h>
#include "otaux-device.h"
#include "otaux-policy.h"

G_BEGIN_DECLS

#define OTAUX_OFFER_ERROR (otaux_offer_error_quark())
GQuark otaux_offer_error_quark(void);

typedef enum {
  OTAUX_OFFER_ERROR_INVALID_ARGS, /* a value out of range, a missing detail */
  OTAUX_OFFER_ERROR_NOT_ALLOWED,  /* a transition or choice the phase does not allow */
} OtauxOfferError;

typedef enum {
  OTAUX_PHASE_OFFERED = 0,
  OTAUX_PHASE_DOWNLOADING,
  OTAUX_PHASE_READY,
  OTAUX_PHASE_DELAYED,
  OTAUX_PHASE_INSTALLING,
  OTAUX_PHASE_FINISHED,
} OtauxPhase;

typedef enum {
  OTAUX_DECISION_NONE = 0,
  OTAUX_DECISION_ACCEPT,
  OTAUX_DECISION_CANCEL,
  OTAUX_DECISION_DELAY_REBOOT,
} OtauxDecision;

typedef enum {
  OTAUX_REASON_NONE = 0,
  OTAUX_REASON_USER,
  OTAUX_REASON_POLICY,
  OTAUX_REASON_TIMEOUT,
  OTAUX_REASON_SCHEDULED,
  OTAUX_REASON_UNMETERED, /* "Download on Wi-Fi": the link became unmetered */
} OtauxReason;

/* FUMO states (domain.md 2.2) */
enum {
  OTAUX_FUMO_IDLE = 10,
  OTAUX_FUMO_DOWNLOAD_FAILED = 20,
  OTAUX_FUMO_DOWNLOADING = 30,
  OTAUX_FUMO_DOWNLOAD_COMPLETE = 40,
  OTAUX_FUMO_READY_TO_UPDATE = 50,
  OTAUX_FUMO_UPDATING = 60,
  OTAUX_FUMO_UPDATE_FAILED_DATA = 70,
  OTAUX_FUMO_UPDATE_FAILED_NO_DATA = 80,
  OTAUX_FUMO_UPDATE_OK_DATA = 90,
  OTAUX_FUMO_UPDATE_OK_NO_DATA = 100,
};

#define OTAUX_RESULT_USER_CANCELLED 401

/* Which keys an Offer call carried; re-offers update only those. */
typedef enum {
  OTAUX_SPEC_NAME = 1 << 0,
  OTAUX_SPEC_VERSION = 1 << 1,
  OTAUX_SPEC_PRIORITY = 1 << 2,
  OTAUX_SPEC_SIZE = 1 << 3,
  OTAUX_SPEC_URL = 1 << 4,
  OTAUX_SPEC_STATE = 1 << 5,
  OTAUX_SPEC_SILENT = 1 << 6,
  OTAUX_SPEC_FORCED = 1 << 7,
  OTAUX_SPEC_ROAMING = 1 << 8,
  OTAUX_SPEC_NEEDS_REBOOT = 1 << 9,
  OTAUX_SPEC_RELEASE_NOTES = 1 << 10,
  OTAUX_SPEC_MESSAGE = 1 << 11,
  OTAUX_SPEC_DEADLINE = 1 << 12,
  OTAUX_SPEC_INSTALL_SECONDS = 1 << 13,
  OTAUX_SPEC_CORRELATOR = 1 << 14,
  OTAUX_SPEC_METERED = 1 << 15,
  OTAUX_SPEC_CELLULAR = 1 << 16,
  OTAUX_SPEC_INSTALL_MESSAGE = 1 << 17,
  OTAUX_SPEC_RESTART_ONLY = 1 << 18,
  OTAUX_SPEC_ASKS_RESTART = 1 << 19,
} OtauxSpecField;

/* The package as the updater described it (the Offer a{sv}). Strings are
 * owned, never NULL after otaux_offer_spec_init(). */
typedef struct {
  char *id;
  char *name;
  char *version;
  char *url;
  char *release_notes;
  char *message;         /* id of an operator install message */
  char *install_message; /* the updater's own install message, plain text */
  char *correlator;
  OtauxPriority priority;
  guint64 size;
  guint32 state; /* FUMO state at offer time */
  gboolean silent;
  gboolean forced;
  gboolean roaming;
  gboolean metered;  /* the updater's bearer is metered */
  gboolean cellular; /* the updater's bearer is cellular */
  gboolean needs_reboot;
  gboolean restart_only; /* installed already: only a restart is asked */
  gboolean asks_restart; /* after the install the updater asks for the restart (restart-only) */
  gint64 deadline;       /* unix seconds, 0 = none */
  guint32 install_seconds;
  guint32 fields; /* OtauxSpecField mask of what was given */
} OtauxOfferSpec;

void otaux_offer_spec_init(OtauxOfferSpec *spec);
void otaux_offer_spec_clear(OtauxOfferSpec *spec);
void otaux_offer_spec_copy(OtauxOfferSpec *dest, const OtauxOfferSpec *src);

/* Input limits, also published as the Agent1.Limits property. */
#define OTAUX_LIMIT_MAX_OFFERS          1024
#define OTAUX_LIMIT_MAX_FINISHED        64
#define OTAUX_LIMIT_ID_BYTES            256
#define OTAUX_LIMIT_NAME_BYTES          1024
#define OTAUX_LIMIT_VERSION_BYTES       256
#define OTAUX_LIMIT_URL_BYTES           4096
#define OTAUX_LIMIT_RELEASE_NOTES_BYTES (64 * 1024)
#define OTAUX_LIMIT_MESSAGE_BYTES       256
#define OTAUX_LIMIT_INSTALL_MSG_BYTES   1024
#define OTAUX_LIMIT_INSTRUCTION_BYTES   1024
#define OTAUX_LIMIT_FINISH_MSG_BYTES    1024
#define OTAUX_LIMIT_STEP_BYTES          256
#define OTAUX_LIMIT_STAGE_BYTES         64
#define OTAUX_LIMIT_CORRELATOR_BYTES    256
#define OTAUX_LIMIT_CHOICE_BYTES        64
#define OTAUX_LIMIT_DICT_ENTRIES        64

/* Checks every value of a spec against the limits and value sets.
 * OTAUX_OFFER_ERROR_INVALID_ARGS names the key. */
gboolean otaux_offer_spec_validate(const OtauxOfferSpec *spec,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Where an installing offer stands across the device's restart (the
 * SetState detail "stage"). Restarting and finishing hold no inhibitor. */
typedef enum {
  OTAUX_STAGE_NONE = 0,
  OTAUX_STAGE_RESTARTING, /* the updater restarts the device now to install */
  OTAUX_STAGE_FINISHING,  /* the agent started again after that restart */
} OtauxStage;

typedef struct {
  guint serial; /* object path /org/otaux/Agent/Offers/<serial>; stable */
  OtauxOfferSpec spec;
  guint32 state; /* last FUMO state reported */
  guint64 bytes_done;
  guint64 bytes_total;
  OtauxPhase phase;
  OtauxDecision decision;
  OtauxReason reason;
  OtauxPhase decided_in; /* the phase the last decision was made in */
  gint64 reboot_at;      /* chosen reboot time, 0 = none */
  guint32 result;        /* FUMO result code, 0 until finished */
  gboolean finish_reported;
  guint n_delays;
  gint64 created_at;
  gint64 ready_at; /* when it became ready; bounds the total delay */
  gint64 changed_at;
  guint reminder_index;    /* reminders already given for this reboot time */
  gint64 asked_at;         /* when the current question was put; its time-out counts from here */
  gint64 later_until;      /* "later": the question is hidden until then, 0 = not */
  gboolean charge_ok;      /* the charge-warning program said yes */
  gboolean wait_wifi;      /* "Download on Wi-Fi": the download waits for an unmetered link */
  gboolean download_asked; /* the download question was answered (not skipped by policy) */
  gint64 tonight_start;    /* "Install tonight": the chosen night window, 0 = none */
  gint64 tonight_end;
  guint tonight_missed; /* the window passed unused: why (OtauxTonightMiss); 0 = not */
  char *instruction;    /* the updater's word for the installing screen; NULL = none */
  char *step;           /* the updater's install step ("Copying image to rootfs.1"),
                         * plain text; NULL = none */
  char *finish_message; /* the updater's words with its result (FinishWithDetails
                         * "message"), plain text; NULL = none */
  OtauxStage stage;     /* installing only */
  /* The device as this offer sees it: its keys merged with the system's
   * word by policy (otaux_offer_see_device). Derived, not persisted. */
  OtauxDeviceFacts device;
} OtauxOffer;

/* Creates an offer from a validated spec. The start phase follows
 * spec->state: < 30 offered, 30 downloading, 40/50 ready, 60 installing.
 * Silent or forced offers (where @policy allows) are accepted at once. */
OtauxOffer *otaux_offer_new(guint serial, const OtauxOfferSpec *spec, const OtauxPolicy *policy,
                            gint64 now);
/* The same, seeing the system's facts from the start (@system may be NULL). */
OtauxOffer *otaux_offer_new_seeing(guint serial, const OtauxOfferSpec *spec,
                                   const OtauxSystemFacts *system, const OtauxPolicy *policy,
                                   gint64 now);
/* What the offer's keys say about the device. */
void otaux_offer_spec_updater_facts(const OtauxOfferSpec *spec, OtauxUpdaterFacts *out);
/* Recomputes offer->device from its keys and @system (NULL: none) by policy.
 * Call otaux_offer_tick() afterwards: a changed device may move it on. */
void otaux_offer_see_device(OtauxOffer *offer, const OtauxSystemFacts *system,
                            const OtauxPolicy *policy);
/* The install waits for the battery (policy <battery/>): "install now" is
 * not offered and a scheduled or forced install is not accepted. */
gboolean otaux_offer_waits_for_battery(const OtauxOffer *offer, const OtauxPolicy *policy);
OtauxOffer *otaux_offer_copy(const OtauxOffer *offer);
void otaux_offer_free(OtauxOffer *offer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxOffer, otaux_offer_free)

/* A re-offer of the same id: copies the descriptive fields that @spec
 * carries (never id, state, silent or forced). */
void otaux_offer_update(OtauxOffer *offer, const OtauxOfferSpec *spec);

gboolean otaux_offer_set_state(OtauxOffer *offer, guint32 state, guint64 bytes_done,
                               guint64 bytes_total, gint64 now,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The SetState detail "stage" (only "restarting" is known): the offer must
 * be installing. OTAUX_OFFER_ERROR_INVALID_ARGS names an unknown stage. */
gboolean otaux_offer_set_stage(OtauxOffer *offer, const char *stage, gint64 now,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The agent started again: a restart announced before it is done now, and
 * the install is being finished. Returns TRUE when something changed. */
gboolean otaux_offer_restarted(OtauxOffer *offer, gint64 now);
/* A re-offer with restart-only=true after the install ran (installing):
 * the install question opens again as a restart question, on the same
 * offer. Returns TRUE when it did. */
gboolean otaux_offer_ask_restart(OtauxOffer *offer, gint64 now);
gboolean otaux_offer_finish(OtauxOffer *offer, guint32 result, gint64 now,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* @choice is "accept", "cancel", "later", "wifi" (the download waits for
 * an unmetered link), "tonight" (install in the night window) or
 * "delay-reboot" (then @reboot_at is required). The choice must be one the
 * current state offers, see otaux_offer_allowed_choices(). */
gboolean otaux_offer_answer(OtauxOffer *offer, const OtauxPolicy *policy, const char *choice,
                            gint64 reboot_at, gint64 now, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Time-driven transitions: a delayed offer whose reboot time passed is
 * accepted (scheduled); a forced ready offer whose countdown ended is
 * accepted (policy); a download waiting for Wi-Fi on an unmetered link is
 * accepted (unmetered). Returns TRUE when something changed. */
gboolean otaux_offer_tick(OtauxOffer *offer, const OtauxPolicy *policy, gint64 now);

/* The next time otaux_offer_tick() or a reminder needs to run, 0 = none. */
gint64 otaux_offer_next_wakeup(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now);

/* The choice ids the offer accepts now, NULL-terminated, static strings. */
const char *const *otaux_offer_allowed_choices(const OtauxOffer *offer, const OtauxPolicy *policy,
                                               gint64 now);
/* The latest reboot time a delay may choose, 0 when delay is not offered. */
gint64 otaux_offer_delay_limit(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now);

/* Why the question is not put now, or NULL when it is (or there is none):
 * "roaming" (policy holds it back while roaming), "later" (the person said
 * later), "charge-program" (the operator's warning program decides). */
const char *otaux_offer_held(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now);
/* The download question needs the operator's charge-warning program. */
gboolean otaux_offer_needs_charge_program(const OtauxOffer *offer, const OtauxPolicy *policy);
/* The charge warning applies to this offer (policy when + size). */
gboolean otaux_offer_charge_warning_applies(const OtauxOffer *offer, const OtauxPolicy *policy);
/* The program's answer: yes lets the question through (without the
 * warning); no cancels the offer (decision cancel, reason policy, 401). */
gboolean otaux_offer_charge_answer(OtauxOffer *offer, gboolean yes, gint64 now,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* When the open question answers itself, 0 = never. */
gint64 otaux_offer_timeout_at(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now);

/* Bit per property, for PropertiesChanged. */
typedef enum {
  OTAUX_OFFER_PROP_NAME = 1 << 0,
  OTAUX_OFFER_PROP_VERSION = 1 << 1,
  OTAUX_OFFER_PROP_PRIORITY = 1 << 2,
  OTAUX_OFFER_PROP_SIZE = 1 << 3,
  OTAUX_OFFER_PROP_FLAGS = 1 << 4, /* Silent, Forced, Roaming, Metered, Cellular, RestartOnly */
  OTAUX_OFFER_PROP_CORRELATOR = 1 << 5,
  OTAUX_OFFER_PROP_STATE = 1 << 6,
  OTAUX_OFFER_PROP_BYTES = 1 << 7,
  OTAUX_OFFER_PROP_PHASE = 1 << 8,    /* Phase, Stage */
  OTAUX_OFFER_PROP_DECISION = 1 << 9, /* Decision, DecisionReason */
  OTAUX_OFFER_PROP_REBOOT_AT = 1 << 10,
  OTAUX_OFFER_PROP_RESULT = 1 << 11,
  OTAUX_OFFER_PROP_PROMPT = 1 << 12,
} OtauxOfferProp;

/* Which properties differ between two states of one offer (the prompt is the
 * registry's: otaux-agent.c compares it). */
guint otaux_offer_diff(const OtauxOffer *a, const OtauxOffer *b);

const char *otaux_stage_to_string(OtauxStage stage); /* "" for NONE */
gboolean otaux_stage_from_string(const char *str, OtauxStage *out);
const char *otaux_phase_to_string(OtauxPhase phase);
gboolean otaux_phase_from_string(const char *str, OtauxPhase *out);
const char *otaux_decision_to_string(OtauxDecision decision);
gboolean otaux_decision_from_string(const char *str, OtauxDecision *out);
const char *otaux_reason_to_string(OtauxReason reason); /* "" for NONE */
gboolean otaux_reason_from_string(const char *str, OtauxReason *out);
gboolean otaux_fumo_state_is_valid(guint32 state);
gboolean otaux_fumo_result_is_valid(guint32 result);

G_END_DECLS
