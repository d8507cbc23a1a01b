/* otaux-agent-private: the registry's insides, shared by its two files
 * (otaux-agent.c: offers, timers, listeners; otaux-agent-device.c: the
 * device facts and the operator's charge-warning program). Nothing
 * outside agent/ includes it. */
#pragma once

#include "otaux-agent.h"
#include "otaux-charge.h"

G_BEGIN_DECLS

typedef struct {
  guint handle;
  OtauxAgentListener listener;
  gpointer user_data;
} Listener;

struct _OtauxAgent {
  OtauxStore *store;
  OtauxPolicy *policy;
  OtauxStrings *strings;
  OtauxClockFunc clock;
  gpointer clock_data;

  GPtrArray *offers;     /* OtauxOffer*, owned, oldest (lowest serial) first */
  GHashTable *by_serial; /* GUINT_TO_POINTER(serial) -> OtauxOffer*, borrowed */
  GHashTable *by_id;     /* id (borrowed from the offer) -> OtauxOffer* */
  /* serial -> OtauxPrompt*, owned: the prompt published for each offer,
   * derived from offer + policy + strings and never persisted. */
  GHashTable *prompts;
  guint next_serial;

  GArray *listeners; /* of Listener */
  guint next_handle;

  guint timer_id;
  OtauxPrompt *empty_prompt; /* for unknown serials: never NULL */

  char **policy_problems; /* "file:line: message", never NULL */
  /* serial -> OtauxPolicy*: the policy a prompt on screen was shown with at
   * a reload; it keeps it until its question changes (then: the new one). */
  GHashTable *pinned;
  OtauxCharge *charge; /* the operator's charge-warning programs */

  OtauxSystemFacts system; /* what the system's services say (dbus/otaux-sysbus.c) */
  OtauxDeviceFacts device; /* Agent1.Device as last told to the listeners */

  /* otaux-agent-remote.c: the other instance's offers, mirrored */
  GPtrArray *remote;            /* OtauxOffer*, owned, in the order they came */
  GHashTable *remote_by_serial; /* serial -> OtauxOffer*, borrowed */
  /* serial -> the presentation the system instance published (+1), before
   * the session's quiet hours held it back */
  GHashTable *remote_presentation;
  OtauxRemoteAnswerFunc remote_answer;
  gpointer remote_answer_data;
  /* nobody can answer (no active session on seat0): the policy without
   * question time-outs rules every offer; NULL while someone is present */
  OtauxPolicy *absent_policy;
};

typedef enum { EV_ADDED, EV_REMOVED, EV_CHANGED, EV_DECIDED, EV_POLICY, EV_DEVICE } EventKind;

/* Tells every listener, in registration order. */
G_GNUC_INTERNAL void otaux_agent_emit(OtauxAgent *agent, EventKind kind, const OtauxOffer *offer,
                                      guint changed, const OtauxDecisionEvent *event);
/* Saves @fresh (a changed copy of @old), then swaps it in and notifies. */
G_GNUC_INTERNAL gboolean otaux_agent_commit(OtauxAgent *agent, OtauxOffer *old,
                                            OtauxOffer *fresh /* transfer full */, gint64 now,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The policy an offer's prompt follows (pinned at a reload, or the current one). */
G_GNUC_INTERNAL const OtauxPolicy *otaux_agent_policy_for(OtauxAgent *agent,
                                                          const OtauxOffer *offer);

/* Arms the timer for the next wake-up (offers, countdowns, quiet hours). */
G_GNUC_INTERNAL void otaux_agent_rearm(OtauxAgent *agent);

/* otaux-agent-remote.c: also the presence (otaux_agent_set_present) */
/* The policy without question time-outs, while nobody is present. */
G_GNUC_INTERNAL void otaux_agent_absent_policy_refresh(OtauxAgent *agent);
G_GNUC_INTERNAL void otaux_agent_remote_init(OtauxAgent *agent);
G_GNUC_INTERNAL void otaux_agent_remote_fini(OtauxAgent *agent);
G_GNUC_INTERNAL const OtauxOffer *otaux_agent_remote_lookup(OtauxAgent *agent, guint serial);
/* The session's quiet hours began or ended: the mirrors' prompts follow. */
G_GNUC_INTERNAL void otaux_agent_remote_tick(OtauxAgent *agent);
/* A mirror's answer (@serial is one) goes to the forwarder. */
G_GNUC_INTERNAL gboolean otaux_agent_remote_answer(OtauxAgent *agent, guint serial,
                                                   const char *choice, gint64 reboot_at,
                                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* otaux-agent-device.c */
/* Tells the listeners (EV_DEVICE) when Agent1.Device changed. */
G_GNUC_INTERNAL void otaux_agent_device_refresh(OtauxAgent *agent);
/* Starts the charge-warning program for every offer that waits for it. */
G_GNUC_INTERNAL void otaux_agent_check_charge_programs(OtauxAgent *agent);
G_GNUC_INTERNAL void otaux_agent_on_charge_done(guint serial, gboolean yes, gpointer data);

G_END_DECLS
