/* otaux-agent: the offer registry, the lifecycle driver, schedules and
 * persistence. The core of otaux-agent; knows nothing of D-Bus or UIs.
 *
 * Every operation validates, applies the transition to a copy, saves it
 * (atomically, fsync'ed), and only then swaps it in and tells listeners.
 * A failed save changes nothing and returns the store's error. So a
 * Decided event is always on disk before anyone hears of it. */
#pragma once

#include <glib.h>
#include "otaux-device.h"
#include "otaux-keys.h"
#include "otaux-offer.h"
#include "otaux-policy.h"
#include "otaux-prompt.h"
#include "otaux-store.h"
#include "otaux-strings.h"

G_BEGIN_DECLS

#define OTAUX_AGENT_ERROR (otaux_agent_error_quark())
GQuark otaux_agent_error_quark(void);

typedef enum {
  OTAUX_AGENT_ERROR_NOT_FOUND,
  OTAUX_AGENT_ERROR_LIMIT_EXCEEDED,
  OTAUX_AGENT_ERROR_ACCESS_DENIED,
} OtauxAgentError;

typedef struct _OtauxAgent OtauxAgent;

/* Unix seconds. The default is the real clock; tests inject their own. */
typedef gint64 (*OtauxClockFunc)(gpointer user_data);

typedef struct {
  OtauxDecision decision;
  OtauxReason reason;
  OtauxPhase phase; /* the phase it was decided in */
  gint64 reboot_at;
  gboolean tonight; /* the delay-reboot of "Install tonight" (reboot_at: the window's start) */
} OtauxDecisionEvent;

/* Listeners: the D-Bus adapter and the presenters. Any member may be NULL.
 * offer_removed runs before the offer is freed. */
typedef struct {
  void (*offer_added)(OtauxAgent *agent, const OtauxOffer *offer, gpointer user_data);
  void (*offer_removed)(OtauxAgent *agent, const OtauxOffer *offer, gpointer user_data);
  /* @changed: OtauxOfferProp mask */
  void (*offer_changed)(OtauxAgent *agent, const OtauxOffer *offer, guint changed,
                        gpointer user_data);
  void (*decided)(OtauxAgent *agent, const OtauxOffer *offer, const OtauxDecisionEvent *event,
                  gpointer user_data);
  /* otaux_agent_set_policy() replaced the policy (a reload). */
  void (*policy_changed)(OtauxAgent *agent, gpointer user_data);
  /* The device in force (otaux_agent_get_device) changed. */
  void (*device_changed)(OtauxAgent *agent, const OtauxDeviceFacts *device, gpointer user_data);
} OtauxAgentListener;

typedef struct {
  const char *state_dir; /* NULL: otaux_store_default_dir() */
  OtauxClockFunc clock;  /* NULL: real time */
  gpointer clock_data;
  const OtauxPolicy *policy; /* NULL: the built-in policy; copied */
  OtauxStrings *strings;     /* NULL: the built-in texts; referenced */
} OtauxAgentConfig;

/* Loads the saved offers and arms their schedules (an overdue delayed
 * reboot is accepted at once, reason scheduled). An offer whose updater
 * announced a restart (stage restarting) is being finished now. */
OtauxAgent *otaux_agent_new(const OtauxAgentConfig *config,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
void otaux_agent_free(OtauxAgent *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxAgent, otaux_agent_free)

/* Returns a handle for otaux_agent_remove_listener(). */
guint otaux_agent_add_listener(OtauxAgent *agent, const OtauxAgentListener *listener,
                               gpointer user_data);
void otaux_agent_remove_listener(OtauxAgent *agent, guint handle);

/* Replaces the policy or the strings (new prompts use them; the prompts of
 * offers already shown are rebuilt only when the offer next changes or a
 * time-driven step moves them on). Tells the policy_changed listeners. */
void otaux_agent_set_policy(OtauxAgent *agent, const OtauxPolicy *policy);
const OtauxPolicy *otaux_agent_get_policy(OtauxAgent *agent);
/* The problems of the policy files ("file:line: message"), published as
 * Agent1.PolicyProblems; set them before otaux_agent_set_policy(). */
void otaux_agent_set_policy_problems(OtauxAgent *agent, const char *const *problems);
const char *const *otaux_agent_get_policy_problems(OtauxAgent *agent); /* never NULL */
void otaux_agent_set_strings(OtauxAgent *agent, OtauxStrings *strings /* transfer full */);
const OtauxStrings *otaux_agent_get_strings(OtauxAgent *agent);

gint64 otaux_agent_now(OtauxAgent *agent);

/* Who may offer and answer: the agent's own uid, and the policy's
 * allowed uids (callers.uids; when empty: root). */
gboolean otaux_agent_check_caller(OtauxAgent *agent, guint32 uid,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same for a caller whose groups are known: callers.groups lets in
 * a caller in any of those groups (@gids: the process's groups). */
gboolean otaux_agent_check_caller_groups(OtauxAgent *agent, guint32 uid, const guint32 *gids,
                                         guint n_gids, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Creates an offer, or finds the one with the same id and updates its
 * descriptive fields (@created tells which). @spec must be validated. */
gboolean otaux_agent_offer(OtauxAgent *agent, const OtauxOfferSpec *spec,
                           const OtauxOffer **out_offer, gboolean *created,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

const OtauxOffer *otaux_agent_lookup(OtauxAgent *agent, guint serial);
const OtauxOffer *otaux_agent_lookup_id(OtauxAgent *agent, const char *id);
/* All offers, oldest first; the array is owned by the caller, the offers not. */
GPtrArray *otaux_agent_list(OtauxAgent *agent);
guint otaux_agent_count(OtauxAgent *agent);

gboolean otaux_agent_set_state(OtauxAgent *agent, guint serial, guint32 state, guint64 bytes_done,
                               guint64 bytes_total, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same with the updater's instruction for the installing screen:
 * NULL keeps the last one, "" clears it. */
gboolean otaux_agent_set_state_full(OtauxAgent *agent, guint serial, guint32 state,
                                    guint64 bytes_done, guint64 bytes_total,
                                    const char *instruction,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same with every SetState detail (agent/otaux-keys.h): "instruction"
 * and "step" keep the last one when NULL, "" clears. A step belongs to
 * its phase: a new phase starts without one unless given. */
gboolean otaux_agent_set_state_details(OtauxAgent *agent, guint serial, guint32 state,
                                       const OtauxStateDetails *details,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean otaux_agent_finish(OtauxAgent *agent, guint serial, guint32 result,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same with the updater's words about the result (FinishWithDetails
 * "message", plain text, validated): shown under the result's own text.
 * NULL or "" shows none. */
gboolean otaux_agent_finish_full(OtauxAgent *agent, guint serial, guint32 result,
                                 const char *message, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean otaux_agent_withdraw(OtauxAgent *agent, guint serial,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean otaux_agent_answer(OtauxAgent *agent, guint serial, const char *choice, gint64 reboot_at,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Runs the time-driven transitions now (schedules, countdowns, reminders).
 * The agent calls it from its own timer; tests call it after moving an
 * injected clock. */
void otaux_agent_tick(OtauxAgent *agent);

/* The system's word about the device (the system-bus adapter calls this
 * whenever a service's answer or signal changes it). Open offers see it at
 * once: their prompts follow, a held question or a scheduled install that
 * waited for the battery goes ahead. */
void otaux_agent_set_system_facts(OtauxAgent *agent, const OtauxSystemFacts *facts);
/* The device in force, as Agent1.Device shows it: the system's word merged
 * by policy with the keys of the updater's newest open offer. */
void otaux_agent_get_device(OtauxAgent *agent, OtauxDeviceFacts *out);

/* The prompt currently published for an offer (never NULL). */
const OtauxPrompt *otaux_agent_get_prompt(OtauxAgent *agent, guint serial);

/* Whether a person can answer: the system instance learns from logind
 * whether seat0 has an active session (issue 20). While nobody is there,
 * a question waits: its time-out (the policy's <priority timeout>) does
 * not run and gives no decision; when a person is back, the question is
 * put anew, with its whole time. A forced countdown and a reboot time the
 * person chose keep their time. Present by default. */
void otaux_agent_set_present(OtauxAgent *agent, gboolean present);
gboolean otaux_agent_get_present(OtauxAgent *agent);

/* Offers of another instance (issue 20): the session agent presents the
 * system instance's offers. The D-Bus adapter mirrors each one here with
 * the properties and the Prompt the system instance published, so the
 * presenters and the session's own API show them like the agent's own
 * (the same listeners, lookup, list and prompts). A mirror is never saved,
 * has no timer and no state machine: the system instance decides and the
 * mirror follows. otaux_agent_answer() on a mirror hands the answer to the
 * forwarder; the updater's methods refuse it. Mirrors have serials from
 * OTAUX_AGENT_REMOTE_BASE up (the adapter maps them to the system's). */
#define OTAUX_AGENT_REMOTE_BASE 0x40000000u

typedef void (*OtauxRemoteAnswerFunc)(guint serial, const char *choice, gint64 reboot_at,
                                      gpointer user_data);

gboolean otaux_agent_is_remote(guint serial);
void otaux_agent_set_remote_answer(OtauxAgent *agent, OtauxRemoteAnswerFunc func,
                                   gpointer user_data);
/* Adds the mirror @offer (its serial ≥ OTAUX_AGENT_REMOTE_BASE), or
 * replaces the one with that serial, and tells the listeners what changed.
 * The prompt's presentation follows this agent's quiet hours. */
void otaux_agent_remote_put(OtauxAgent *agent, OtauxOffer *offer /* transfer full */,
                            OtauxPrompt *prompt /* transfer full */);
void otaux_agent_remote_remove(OtauxAgent *agent, guint serial);
/* The system instance refused the answer forwarded for the mirror @serial
 * (@reason: its error message): the mirror's prompt says so in its warning
 * ("Your answer was not accepted: …", answer.refused), above any warning it
 * had, until the system instance publishes the offer anew. */
void otaux_agent_remote_refused(OtauxAgent *agent, guint serial, const char *reason);
/* Removes every mirror (the other instance left, or this session is not
 * the active one): the presenters withdraw what they showed of them. */
void otaux_agent_remote_clear(OtauxAgent *agent);

G_END_DECLS
