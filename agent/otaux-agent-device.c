/* otaux-agent-device: the registry's view of the device (Agent1.Device,
 * merged from the system's services and the updater's offers) and the
 * operator's charge-warning program, which both move offers on. */
#include "otaux-agent-private.h"

void otaux_agent_get_device(OtauxAgent *agent, OtauxDeviceFacts *out)
{
  const OtauxOffer *newest = NULL;
  OtauxUpdaterFacts updater = { 0 };

  g_return_if_fail(agent != NULL && out != NULL);
  /* The updater speaks through its offers: the newest open one is its word. */
  for (guint i = 0; i < agent->offers->len; i++) {
    const OtauxOffer *offer = g_ptr_array_index(agent->offers, i);

    if (offer->phase != OTAUX_PHASE_FINISHED &&
        (newest == NULL || offer->changed_at >= newest->changed_at))
      newest = offer;
  }
  if (newest != NULL)
    otaux_offer_spec_updater_facts(&newest->spec, &updater);
  otaux_device_merge(&agent->system, &updater, agent->policy->device_trust, out);
}

void otaux_agent_device_refresh(OtauxAgent *agent)
{
  OtauxDeviceFacts now;

  otaux_agent_get_device(agent, &now);
  if (otaux_device_facts_equal(&now, &agent->device))
    return;
  agent->device = now;
  otaux_agent_emit(agent, EV_DEVICE, NULL, 0, NULL);
}

void otaux_agent_set_system_facts(OtauxAgent *agent, const OtauxSystemFacts *facts)
{
  g_return_if_fail(agent != NULL && facts != NULL);
  if (otaux_system_facts_equal(&agent->system, facts))
    return;
  agent->system = *facts;
  /* Derived, not saved: update in place; the tick commits what moves on
   * (a released hold, a scheduled install) and republishes the prompts. */
  for (guint i = 0; i < agent->offers->len; i++) {
    OtauxOffer *offer = g_ptr_array_index(agent->offers, i);

    otaux_offer_see_device(offer, &agent->system, otaux_agent_policy_for(agent, offer));
  }
  otaux_agent_tick(agent);
  otaux_agent_check_charge_programs(agent);
  otaux_agent_device_refresh(agent);
}

/* ---- the operator's charge-warning program ---------------------------- */

static void charge_finish(OtauxAgent *agent, guint serial, gboolean yes)
{
  OtauxOffer *offer = g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(serial));
  g_autoptr(OtauxOffer) fresh = NULL;
  g_autoptr(GError) local = NULL;
  gint64 now = otaux_agent_now(agent);

  if (offer == NULL || !otaux_offer_needs_charge_program(offer, agent->policy))
    return;
  fresh = otaux_offer_copy(offer);
  if (!otaux_offer_charge_answer(fresh, yes, now, &local) ||
      !otaux_agent_commit(agent, offer, g_steal_pointer(&fresh), now, &local))
    g_warning("offer %u: cannot record the charge warning's answer: %s", serial,
              local != NULL ? local->message : "?");
}

void otaux_agent_on_charge_done(guint serial, gboolean yes, gpointer data)
{
  OtauxAgent *agent = data;

  g_hash_table_remove(agent->pinned, GUINT_TO_POINTER(serial));
  charge_finish(agent, serial, yes);
}

/* Starts the program for every offer that waits for it and has none running. */
void otaux_agent_check_charge_programs(OtauxAgent *agent)
{
  g_autoptr(GArray) due = g_array_new(FALSE, FALSE, sizeof(guint));

  if (agent->policy->charge_program[0] == '\0')
    return;
  for (guint i = 0; i < agent->offers->len; i++) {
    const OtauxOffer *offer = g_ptr_array_index(agent->offers, i);

    if (otaux_offer_needs_charge_program(offer, agent->policy) &&
        !otaux_charge_running(agent->charge, offer->serial))
      g_array_append_val(due, offer->serial);
  }
  /* Serials, not pointers: a failed start commits, which swaps offers. */
  for (guint i = 0; i < due->len; i++) {
    const OtauxOffer *offer = otaux_agent_lookup(agent, g_array_index(due, guint, i));

    if (offer != NULL && otaux_offer_needs_charge_program(offer, agent->policy) &&
        !otaux_charge_running(agent->charge, offer->serial))
      otaux_charge_start(agent->charge, offer, agent->policy->charge_program,
                         agent->policy->charge_program_timeout_s);
  }
}
