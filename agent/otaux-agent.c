/* otaux-agent: the offer registry, the lifecycle driver, schedules and
 * persistence. Every change is saved before anyone hears of it. */
#include "otaux-agent-private.h"

#include <sys/types.h>
#include <unistd.h>

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-agent-error-quark, otaux_agent_error)
// clang-format on

/* A wall-clock jump (suspend, NTP) is noticed within this many seconds. */
#define MAX_WAIT_S 60

gint64 otaux_agent_now(OtauxAgent *agent)
{
  g_return_val_if_fail(agent != NULL, 0);
  if (agent->clock != NULL)
    return agent->clock(agent->clock_data);
  return g_get_real_time() / G_USEC_PER_SEC;
}

/* ---- listeners ------------------------------------------------------- */

guint otaux_agent_add_listener(OtauxAgent *agent, const OtauxAgentListener *listener,
                               gpointer user_data)
{
  Listener entry;

  g_return_val_if_fail(agent != NULL && listener != NULL, 0);
  entry.handle = ++agent->next_handle;
  entry.listener = *listener;
  entry.user_data = user_data;
  g_array_append_val(agent->listeners, entry);
  return entry.handle;
}

void otaux_agent_remove_listener(OtauxAgent *agent, guint handle)
{
  g_return_if_fail(agent != NULL);
  for (guint i = 0; i < agent->listeners->len; i++) {
    if (g_array_index(agent->listeners, Listener, i).handle == handle) {
      g_array_remove_index(agent->listeners, i);
      return;
    }
  }
}

static gboolean listener_present(OtauxAgent *agent, guint handle)
{
  for (guint i = 0; i < agent->listeners->len; i++)
    if (g_array_index(agent->listeners, Listener, i).handle == handle)
      return TRUE;
  return FALSE;
}

/* Calls every listener in registration order. A listener may remove
 * itself or others while this runs: iterate over a snapshot, skip the gone. */
void otaux_agent_emit(OtauxAgent *agent, EventKind kind, const OtauxOffer *offer, guint changed,
                      const OtauxDecisionEvent *event)
{
  g_autoptr(GArray) snapshot = NULL;

  if (agent->listeners->len == 0)
    return;
  snapshot = g_array_sized_new(FALSE, FALSE, sizeof(Listener), agent->listeners->len);
  g_array_append_vals(snapshot, agent->listeners->data, agent->listeners->len);

  for (guint i = 0; i < snapshot->len; i++) {
    const Listener *l = &g_array_index(snapshot, Listener, i);

    if (!listener_present(agent, l->handle))
      continue;
    switch (kind) {
      case EV_ADDED:
        if (l->listener.offer_added != NULL)
          l->listener.offer_added(agent, offer, l->user_data);
        break;
      case EV_REMOVED:
        if (l->listener.offer_removed != NULL)
          l->listener.offer_removed(agent, offer, l->user_data);
        break;
      case EV_CHANGED:
        if (l->listener.offer_changed != NULL)
          l->listener.offer_changed(agent, offer, changed, l->user_data);
        break;
      case EV_DECIDED:
        if (l->listener.decided != NULL)
          l->listener.decided(agent, offer, event, l->user_data);
        break;
      case EV_POLICY:
        if (l->listener.policy_changed != NULL)
          l->listener.policy_changed(agent, l->user_data);
        break;
      case EV_DEVICE:
        if (l->listener.device_changed != NULL)
          l->listener.device_changed(agent, &agent->device, l->user_data);
        break;
      default:
        break;
    }
  }
}

static void emit_decided(OtauxAgent *agent, const OtauxOffer *offer)
{
  OtauxDecisionEvent event = {
    .decision = offer->decision,
    .reason = offer->reason,
    .phase = offer->decided_in,
    .reboot_at = offer->reboot_at,
    .tonight = offer->decision == OTAUX_DECISION_DELAY_REBOOT && offer->tonight_end > 0,
  };

  otaux_agent_emit(agent, EV_DECIDED, offer, 0, &event);
}

/* ---- registry -------------------------------------------------------- */

static void registry_insert(OtauxAgent *agent, OtauxOffer *offer /* transfer full */)
{
  g_ptr_array_add(agent->offers, offer);
  g_hash_table_insert(agent->by_serial, GUINT_TO_POINTER(offer->serial), offer);
  g_hash_table_insert(agent->by_id, offer->spec.id, offer);
}

static OtauxPrompt *prompt_of(OtauxAgent *agent, guint serial)
{
  return g_hash_table_lookup(agent->prompts, GUINT_TO_POINTER(serial));
}

static void set_prompt(OtauxAgent *agent, guint serial, OtauxPrompt *prompt /* transfer full */)
{
  g_hash_table_insert(agent->prompts, GUINT_TO_POINTER(serial), prompt);
}

/* Puts @fresh where @old was; returns @old, now out of the registry. */
static OtauxOffer *registry_swap(OtauxAgent *agent, OtauxOffer *old,
                                 OtauxOffer *fresh /* transfer full */)
{
  guint index = 0;

  if (!g_ptr_array_find(agent->offers, old, &index))
    g_assert_not_reached();
  agent->offers->pdata[index] = fresh;
  /* The id key is borrowed from the offer: re-key with the new one's string. */
  g_hash_table_remove(agent->by_id, old->spec.id);
  g_hash_table_insert(agent->by_id, fresh->spec.id, fresh);
  g_hash_table_insert(agent->by_serial, GUINT_TO_POINTER(fresh->serial), fresh);
  return old;
}

static void registry_remove(OtauxAgent *agent, OtauxOffer *offer)
{
  g_hash_table_remove(agent->by_id, offer->spec.id);
  g_hash_table_remove(agent->by_serial, GUINT_TO_POINTER(offer->serial));
  g_hash_table_remove(agent->prompts, GUINT_TO_POINTER(offer->serial));
  g_ptr_array_remove(agent->offers, offer); /* frees it */
}

static OtauxOffer *find(OtauxAgent *agent, guint serial, GError **error)
{
  OtauxOffer *offer = g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(serial));

  if (offer == NULL && otaux_agent_remote_lookup(agent, serial) != NULL)
    g_set_error(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_NOT_FOUND,
                "offer %u is the system instance's: its updater uses the system bus", serial);
  else if (offer == NULL)
    g_set_error(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_NOT_FOUND, "no offer %u", serial);
  return offer;
}

/* The policy that rules @offer: pinned at a reload while its prompt shows. */
const OtauxPolicy *otaux_agent_policy_for(OtauxAgent *agent, const OtauxOffer *offer)
{
  const OtauxPolicy *pinned = g_hash_table_lookup(agent->pinned, GUINT_TO_POINTER(offer->serial));

  if (agent->absent_policy != NULL)
    return agent->absent_policy; /* nobody to answer: no time-outs */
  return pinned != NULL ? pinned : agent->policy;
}

static OtauxPrompt *build_prompt(OtauxAgent *agent, const OtauxOffer *offer, gint64 now)
{
  return otaux_prompt_build(offer, otaux_agent_policy_for(agent, offer), agent->strings, now);
}

/* ---- timer ----------------------------------------------------------- */

static void rearm(OtauxAgent *agent);

static gboolean on_timer(gpointer data)
{
  OtauxAgent *agent = data;

  agent->timer_id = 0;
  otaux_agent_tick(agent); /* re-arms */
  return G_SOURCE_REMOVE;
}

static void rearm(OtauxAgent *agent)
{
  gint64 now = otaux_agent_now(agent);
  gint64 next = 0;
  gint64 wait;

  g_clear_handle_id(&agent->timer_id, g_source_remove);
  for (guint i = 0; i < agent->offers->len; i++) {
    const OtauxOffer *offer = g_ptr_array_index(agent->offers, i);
    gint64 when = otaux_offer_next_wakeup(offer, otaux_agent_policy_for(agent, offer), now);
    const OtauxPrompt *prompt = prompt_of(agent, offer->serial);

    /* A countdown in the texts ticks too; otaux_agent_tick() rebuilds it. */
    if (prompt != NULL && prompt->refresh_at > now && (when <= 0 || prompt->refresh_at < when))
      when = prompt->refresh_at;
    if (when > 0 && (next == 0 || when < next))
      next = when;
  }
  /* Quiet hours hold pop-ups back: republish the prompts when they change
   * (the mirrors' too). */
  if (agent->offers->len + agent->remote->len > 0) {
    gint64 quiet = otaux_policy_quiet_next_change(agent->policy, now);

    if (quiet > 0 && (next == 0 || quiet < next))
      next = quiet;
  }
  if (next == 0)
    return;
  /* At least a second (the clock has whole seconds), at most MAX_WAIT_S. */
  wait = CLAMP(next - now, 1, MAX_WAIT_S);
  agent->timer_id = g_timeout_add_seconds((guint)wait, on_timer, agent);
}

void otaux_agent_rearm(OtauxAgent *agent)
{
  rearm(agent);
}

/* Relative delay options ("In 1 hour · 23:13") move with the clock, their
 * labels too; a tick alone must not republish every open prompt for that.
 * Everything else counts. */
static gboolean prompt_same_but_times(const OtauxPrompt *a, const OtauxPrompt *b)
{
  OtauxPrompt b_with_a_times;

  if (a == NULL || b == NULL || a->delay_options->len != b->delay_options->len)
    return otaux_prompt_equal(a, b);
  for (guint i = 0; i < a->delay_options->len; i++) {
    const OtauxDelayOption *oa = &g_array_index(a->delay_options, OtauxDelayOption, i);
    const OtauxDelayOption *ob = &g_array_index(b->delay_options, OtauxDelayOption, i);

    if (oa->relative != ob->relative || (!oa->relative && g_strcmp0(oa->label, ob->label) != 0))
      return FALSE;
  }
  /* A shallow copy that borrows @a's options: compares all the rest. */
  b_with_a_times = *b;
  b_with_a_times.delay_options = a->delay_options;
  return otaux_prompt_equal(a, &b_with_a_times);
}

/* ---- commit: save, swap, tell ----------------------------------------- */

static gboolean decision_differs(const OtauxOffer *a, const OtauxOffer *b)
{
  return a->decision != b->decision || a->reason != b->reason || a->decided_in != b->decided_in ||
         a->reboot_at != b->reboot_at;
}

static gboolean still_current(OtauxAgent *agent, guint serial, const OtauxOffer *offer)
{
  return g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(serial)) == offer;
}

/* Saves @fresh (a changed copy of @old), then swaps it in and notifies.
 * On a failed save nothing changes and nobody hears anything. */

gboolean otaux_agent_commit(OtauxAgent *agent, OtauxOffer *old,
                            OtauxOffer *fresh /* transfer full */, gint64 now, GError **error)
{
  g_autoptr(OtauxOffer) previous = NULL;
  g_autoptr(OtauxPrompt) old_prompt = NULL;
  OtauxPrompt *prompt;
  guint serial = fresh->serial;
  guint mask;
  gboolean decided;

  if (!otaux_store_save(agent->store, fresh, error)) {
    otaux_offer_free(fresh);
    return FALSE;
  }
  /* Held until the listeners have heard, as the old offer is. */
  g_hash_table_steal_extended(agent->prompts, GUINT_TO_POINTER(serial), NULL,
                              (gpointer *)&old_prompt);
  prompt = build_prompt(agent, fresh, now);
  /* A new question (or none) is a new prompt: it takes the current policy. */
  if (old_prompt != NULL && prompt->kind != old_prompt->kind &&
      g_hash_table_remove(agent->pinned, GUINT_TO_POINTER(serial))) {
    otaux_prompt_free(prompt);
    prompt = build_prompt(agent, fresh, now);
  }
  mask = otaux_offer_diff(old, fresh);
  if (!prompt_same_but_times(old_prompt, prompt))
    mask |= OTAUX_OFFER_PROP_PROMPT;
  decided = decision_differs(old, fresh) && fresh->decision != OTAUX_DECISION_NONE;
  set_prompt(agent, serial, prompt);
  previous = registry_swap(agent, old, fresh);

  if (mask != 0)
    otaux_agent_emit(agent, EV_CHANGED, fresh, mask, NULL);
  /* A listener may have withdrawn or changed the offer meanwhile (it then
   * heard of that itself); never hand out a freed one. */
  if (decided && still_current(agent, serial, fresh))
    emit_decided(agent, fresh);
  rearm(agent);
  otaux_agent_check_charge_programs(agent);
  otaux_agent_device_refresh(agent);
  return TRUE;
}

/* ---- lifecycle ------------------------------------------------------- */

static void on_corrupt(const char *path, const GError *error, gpointer user_data)
{
  g_warning("set aside %s as .corrupt: %s", path, error->message);
}

OtauxAgent *otaux_agent_new(const OtauxAgentConfig *config, GError **error)
{
  g_autoptr(OtauxAgent) agent = g_new0(OtauxAgent, 1);
  g_autofree char *default_dir = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  const char *dir;
  gint64 now;

  agent->policy = otaux_policy_new_default();
  /* The operator's texts from the start, so restored offers use them too. */
  agent->strings = config != NULL && config->strings != NULL ? otaux_strings_ref(config->strings)
                                                             : otaux_strings_new_builtin();
  agent->offers = g_ptr_array_new_with_free_func((GDestroyNotify)otaux_offer_free);
  agent->by_serial = g_hash_table_new(g_direct_hash, g_direct_equal);
  agent->by_id = g_hash_table_new(g_str_hash, g_str_equal);
  agent->prompts =
      g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)otaux_prompt_free);
  agent->listeners = g_array_new(FALSE, FALSE, sizeof(Listener));
  otaux_agent_remote_init(agent);
  agent->next_serial = 1;
  agent->policy_problems = g_new0(char *, 1);
  agent->charge = otaux_charge_new(otaux_agent_on_charge_done, agent);
  agent->pinned =
      g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)otaux_policy_free);
  if (config != NULL) {
    agent->clock = config->clock;
    agent->clock_data = config->clock_data;
    if (config->policy != NULL) {
      otaux_policy_free(agent->policy);
      agent->policy = otaux_policy_copy(config->policy);
    }
  }

  dir = config != NULL ? config->state_dir : NULL;
  if (dir == NULL)
    dir = default_dir = otaux_store_default_dir();
  agent->store = otaux_store_new(dir, error);
  if (agent->store == NULL)
    return NULL;
  loaded = otaux_store_load(agent->store, on_corrupt, NULL, error);
  if (loaded == NULL)
    return NULL;

  {
    /* A finished offer without a result shows nothing: the empty prompt. */
    OtauxOffer nothing = { .phase = OTAUX_PHASE_FINISHED };

    agent->empty_prompt = otaux_prompt_build(&nothing, agent->policy, agent->strings, 0);
  }

  now = otaux_agent_now(agent);
  for (guint i = 0; i < loaded->len; i++) {
    OtauxOffer *offer = g_ptr_array_index(loaded, i);

    if (g_hash_table_contains(agent->by_id, offer->spec.id)) {
      /* Only a hand edit gets here; the first (older) one wins. */
      g_warning("offer %u repeats the id of an earlier offer; ignored", offer->serial);
      continue;
    }
    loaded->pdata[i] = NULL;
    /* The restart the updater announced has happened (or the agent came
     * back anyway): the update is being finished, and nothing is held. A
     * failed save only means it is told again at the next start. */
    if (otaux_offer_restarted(offer, now) && !otaux_store_save(agent->store, offer, NULL))
      g_warning("offer %u: could not save its stage", offer->serial);
    otaux_offer_see_device(offer, &agent->system, agent->policy);
    set_prompt(agent, offer->serial, build_prompt(agent, offer, now));
    agent->next_serial = MAX(agent->next_serial, offer->serial + 1);
    registry_insert(agent, offer);
  }

  /* Overdue schedules fire on the first main-loop turn, not here: by then
   * the listeners (the bus) are attached and the bus name is owned, so the
   * Decided of a reboot time that passed while the agent was down is
   * signalled like any other. */
  otaux_agent_get_device(agent, &agent->device);
  agent->timer_id = g_idle_add(on_timer, agent);
  return g_steal_pointer(&agent);
}

void otaux_agent_free(OtauxAgent *agent)
{
  if (agent == NULL)
    return;
  g_clear_handle_id(&agent->timer_id, g_source_remove);
  g_clear_pointer(&agent->charge, otaux_charge_free);
  g_clear_pointer(&agent->pinned, g_hash_table_unref);
  g_clear_pointer(&agent->policy_problems, g_strfreev);
  g_clear_pointer(&agent->by_id, g_hash_table_unref);
  g_clear_pointer(&agent->by_serial, g_hash_table_unref);
  g_clear_pointer(&agent->prompts, g_hash_table_unref);
  g_clear_pointer(&agent->offers, g_ptr_array_unref);
  otaux_agent_remote_fini(agent);
  g_clear_pointer(&agent->absent_policy, otaux_policy_free);
  g_clear_pointer(&agent->listeners, g_array_unref);
  g_clear_pointer(&agent->empty_prompt, otaux_prompt_free);
  otaux_store_free(agent->store);
  otaux_policy_free(agent->policy);
  otaux_strings_free(agent->strings);
  g_free(agent);
}

void otaux_agent_set_policy(OtauxAgent *agent, const OtauxPolicy *policy)
{
  g_return_if_fail(agent != NULL && policy != NULL);
  /* Prompts on screen keep the policy they were shown with. */
  for (guint i = 0; i < agent->offers->len; i++) {
    const OtauxOffer *offer = g_ptr_array_index(agent->offers, i);
    const OtauxPrompt *prompt = prompt_of(agent, offer->serial);

    if (prompt != NULL && prompt->kind != OTAUX_PROMPT_NONE &&
        !g_hash_table_contains(agent->pinned, GUINT_TO_POINTER(offer->serial)))
      g_hash_table_insert(agent->pinned, GUINT_TO_POINTER(offer->serial),
                          otaux_policy_copy(agent->policy));
  }
  otaux_policy_free(agent->policy);
  agent->policy = otaux_policy_copy(policy);
  otaux_agent_absent_policy_refresh(agent);
  otaux_agent_remote_tick(agent); /* the session's quiet hours may have changed */
  /* Whose word counts may have changed; the next tick acts on it. */
  for (guint i = 0; i < agent->offers->len; i++) {
    OtauxOffer *offer = g_ptr_array_index(agent->offers, i);

    otaux_offer_see_device(offer, &agent->system, otaux_agent_policy_for(agent, offer));
  }
  rearm(agent);
  otaux_agent_emit(agent, EV_POLICY, NULL, 0, NULL);
  otaux_agent_check_charge_programs(agent);
  otaux_agent_device_refresh(agent);
}

void otaux_agent_set_policy_problems(OtauxAgent *agent, const char *const *problems)
{
  g_return_if_fail(agent != NULL);
  g_strfreev(agent->policy_problems);
  agent->policy_problems = problems != NULL ? g_strdupv((char **)problems) : g_new0(char *, 1);
}

const char *const *otaux_agent_get_policy_problems(OtauxAgent *agent)
{
  g_return_val_if_fail(agent != NULL, NULL);
  return (const char *const *)agent->policy_problems;
}

const OtauxPolicy *otaux_agent_get_policy(OtauxAgent *agent)
{
  g_return_val_if_fail(agent != NULL, NULL);
  return agent->policy;
}

void otaux_agent_set_strings(OtauxAgent *agent, OtauxStrings *strings)
{
  g_return_if_fail(agent != NULL && strings != NULL);
  otaux_strings_free(agent->strings);
  agent->strings = strings;
}

const OtauxStrings *otaux_agent_get_strings(OtauxAgent *agent)
{
  g_return_val_if_fail(agent != NULL, NULL);
  return agent->strings;
}

gboolean otaux_agent_check_caller(OtauxAgent *agent, guint32 uid, GError **error)
{
  return otaux_agent_check_caller_groups(agent, uid, NULL, 0, error);
}

gboolean otaux_agent_check_caller_groups(OtauxAgent *agent, guint32 uid, const guint32 *gids,
                                         guint n_gids, GError **error)
{
  const OtauxPolicy *p;

  g_return_val_if_fail(agent != NULL, FALSE);
  p = agent->policy;
  if (uid == (guint32)getuid())
    return TRUE;
  /* callers.uids replaces the default (root) when set. */
  if (p->n_allowed_uids == 0 && uid == 0)
    return TRUE;
  for (guint i = 0; i < p->n_allowed_uids && i < OTAUX_POLICY_MAX_LIST; i++)
    if (p->allowed_uids[i] == uid)
      return TRUE;
  for (guint i = 0; i < p->n_allowed_gids && i < OTAUX_POLICY_MAX_LIST; i++)
    for (guint j = 0; j < n_gids; j++)
      if (p->allowed_gids[i] == gids[j])
        return TRUE;
  g_set_error(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_ACCESS_DENIED,
              "uid %u may not use the otaux agent of uid %u", uid, (guint)getuid());
  return FALSE;
}

/* ---- offers ---------------------------------------------------------- */

/* Keeps at most OTAUX_LIMIT_MAX_FINISHED finished offers: those finished
 * longest ago go first (so the one just finished stays to be read). */
static void prune_finished(OtauxAgent *agent)
{
  guint finished = 0;

  for (guint i = 0; i < agent->offers->len; i++)
    if (((OtauxOffer *)g_ptr_array_index(agent->offers, i))->phase == OTAUX_PHASE_FINISHED)
      finished++;

  while (finished > OTAUX_LIMIT_MAX_FINISHED) {
    const OtauxOffer *oldest = NULL;
    g_autoptr(GError) local = NULL;

    for (guint i = 0; i < agent->offers->len; i++) {
      const OtauxOffer *offer = g_ptr_array_index(agent->offers, i);

      if (offer->phase == OTAUX_PHASE_FINISHED &&
          (oldest == NULL || offer->changed_at < oldest->changed_at))
        oldest = offer;
    }
    if (oldest == NULL || !otaux_agent_withdraw(agent, oldest->serial, &local)) {
      g_warning("cannot drop an old finished offer: %s",
                local != NULL ? local->message : "none found");
      return;
    }
    finished--;
  }
}

gboolean otaux_agent_offer(OtauxAgent *agent, const OtauxOfferSpec *spec,
                           const OtauxOffer **out_offer, gboolean *created, GError **error)
{
  OtauxOffer *existing;
  OtauxOffer *offer;
  guint serial;
  guint active = 0;
  gint64 now;

  g_return_val_if_fail(agent != NULL && spec != NULL && spec->id != NULL, FALSE);

  now = otaux_agent_now(agent);
  existing = g_hash_table_lookup(agent->by_id, spec->id);
  if (existing != NULL) {
    OtauxOffer *fresh = otaux_offer_copy(existing);

    serial = existing->serial;

    otaux_offer_update(fresh, spec);
    /* restart-only after the install ran: the restart question, same offer. */
    if (spec->fields & OTAUX_SPEC_RESTART_ONLY)
      (void)otaux_offer_ask_restart(fresh, now);
    otaux_offer_see_device(fresh, &agent->system, otaux_agent_policy_for(agent, existing));
    /* A re-offer may end a hold (no longer roaming): let the policy act now. */
    (void)otaux_offer_tick(fresh, otaux_agent_policy_for(agent, existing), now);
    if (!otaux_agent_commit(agent, existing, fresh, now, error))
      return FALSE;
    if (out_offer != NULL)
      *out_offer = g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(serial));
    if (created != NULL)
      *created = FALSE;
    return TRUE;
  }

  for (guint i = 0; i < agent->offers->len; i++)
    if (((OtauxOffer *)g_ptr_array_index(agent->offers, i))->phase != OTAUX_PHASE_FINISHED)
      active++;
  if (active >= OTAUX_LIMIT_MAX_OFFERS) {
    g_set_error(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_LIMIT_EXCEEDED,
                "too many offers: at most %u may be open at once", OTAUX_LIMIT_MAX_OFFERS);
    return FALSE;
  }

  offer = otaux_offer_new_seeing(agent->next_serial, spec, &agent->system, agent->policy, now);
  if (!otaux_store_save(agent->store, offer, error)) {
    otaux_offer_free(offer);
    return FALSE;
  }
  agent->next_serial++;
  set_prompt(agent, offer->serial, build_prompt(agent, offer, now));
  registry_insert(agent, offer);

  serial = offer->serial;
  otaux_agent_emit(agent, EV_ADDED, offer, 0, NULL);
  /* Silent and forced offers are accepted at creation: say so. */
  if (still_current(agent, serial, offer) && offer->decision != OTAUX_DECISION_NONE)
    emit_decided(agent, offer);
  /* NULL only if a listener withdrew it at once. */
  if (out_offer != NULL)
    *out_offer = otaux_agent_lookup(agent, serial);
  if (created != NULL)
    *created = TRUE;

  prune_finished(agent);
  rearm(agent);
  otaux_agent_check_charge_programs(agent);
  otaux_agent_device_refresh(agent);
  return TRUE;
}

const OtauxOffer *otaux_agent_lookup(OtauxAgent *agent, guint serial)
{
  const OtauxOffer *offer;

  g_return_val_if_fail(agent != NULL, NULL);
  offer = g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(serial));
  return offer != NULL ? offer : otaux_agent_remote_lookup(agent, serial);
}

const OtauxOffer *otaux_agent_lookup_id(OtauxAgent *agent, const char *id)
{
  g_return_val_if_fail(agent != NULL, NULL);
  if (id == NULL)
    return NULL;
  return g_hash_table_lookup(agent->by_id, id);
}

GPtrArray *otaux_agent_list(OtauxAgent *agent)
{
  GPtrArray *list;

  g_return_val_if_fail(agent != NULL, NULL);
  list = g_ptr_array_sized_new(agent->offers->len + agent->remote->len);
  for (guint i = 0; i < agent->offers->len; i++)
    g_ptr_array_add(list, g_ptr_array_index(agent->offers, i));
  /* the mirrors too: the presenters and the API show them */
  for (guint i = 0; i < agent->remote->len; i++)
    g_ptr_array_add(list, g_ptr_array_index(agent->remote, i));
  return list;
}

guint otaux_agent_count(OtauxAgent *agent)
{
  g_return_val_if_fail(agent != NULL, 0);
  return agent->offers->len;
}

gboolean otaux_agent_set_state(OtauxAgent *agent, guint serial, guint32 state, guint64 bytes_done,
                               guint64 bytes_total, GError **error)
{
  return otaux_agent_set_state_full(agent, serial, state, bytes_done, bytes_total, NULL, error);
}

gboolean otaux_agent_set_state_full(OtauxAgent *agent, guint serial, guint32 state,
                                    guint64 bytes_done, guint64 bytes_total,
                                    const char *instruction, GError **error)
{
  OtauxStateDetails details = {
    .bytes_done = bytes_done,
    .bytes_total = bytes_total,
    .instruction = (char *)instruction,
  };

  return otaux_agent_set_state_details(agent, serial, state, &details, error);
}

/* NULL keeps @field, "" clears it. */
static void take_text(char **field, const char *text)
{
  if (text == NULL)
    return;
  g_free(*field);
  *field = text[0] != '\0' ? g_strdup(text) : NULL;
}

gboolean otaux_agent_set_state_details(OtauxAgent *agent, guint serial, guint32 state,
                                       const OtauxStateDetails *details, GError **error)
{
  OtauxOffer *offer;
  g_autoptr(OtauxOffer) fresh = NULL;
  gint64 now;

  g_return_val_if_fail(agent != NULL && details != NULL, FALSE);
  if ((offer = find(agent, serial, error)) == NULL)
    return FALSE;
  now = otaux_agent_now(agent);
  fresh = otaux_offer_copy(offer);
  if (!otaux_offer_set_state(fresh, state, details->bytes_done, details->bytes_total, now, error))
    return FALSE;
  if (details->stage != NULL && !otaux_offer_set_stage(fresh, details->stage, now, error))
    return FALSE;
  /* "Verifying the download" is not a step of the install that follows. */
  if (fresh->phase != offer->phase)
    g_clear_pointer(&fresh->step, g_free);
  take_text(&fresh->instruction, details->instruction);
  take_text(&fresh->step, details->step);
  return otaux_agent_commit(agent, offer, g_steal_pointer(&fresh), now, error);
}

gboolean otaux_agent_finish(OtauxAgent *agent, guint serial, guint32 result, GError **error)
{
  return otaux_agent_finish_full(agent, serial, result, NULL, error);
}

gboolean otaux_agent_finish_full(OtauxAgent *agent, guint serial, guint32 result,
                                 const char *message, GError **error)
{
  OtauxOffer *offer;
  g_autoptr(OtauxOffer) fresh = NULL;
  gint64 now;

  g_return_val_if_fail(agent != NULL, FALSE);
  if ((offer = find(agent, serial, error)) == NULL)
    return FALSE;
  now = otaux_agent_now(agent);
  fresh = otaux_offer_copy(offer);
  if (!otaux_offer_finish(fresh, result, now, error))
    return FALSE;
  /* The words go with this result only: a Finish without them shows none. */
  g_free(fresh->finish_message);
  fresh->finish_message = message != NULL && message[0] != '\0' ? g_strdup(message) : NULL;
  if (!otaux_agent_commit(agent, offer, g_steal_pointer(&fresh), now, error))
    return FALSE;
  prune_finished(agent);
  return TRUE;
}

gboolean otaux_agent_answer(OtauxAgent *agent, guint serial, const char *choice, gint64 reboot_at,
                            GError **error)
{
  OtauxOffer *offer;
  g_autoptr(OtauxOffer) fresh = NULL;
  gint64 now;

  g_return_val_if_fail(agent != NULL, FALSE);
  if (otaux_agent_remote_lookup(agent, serial) != NULL)
    return otaux_agent_remote_answer(agent, serial, choice, reboot_at, error);
  if ((offer = find(agent, serial, error)) == NULL)
    return FALSE;
  now = otaux_agent_now(agent);
  fresh = otaux_offer_copy(offer);
  if (!otaux_offer_answer(fresh, otaux_agent_policy_for(agent, offer), choice, reboot_at, now,
                          error))
    return FALSE;
  if (!otaux_agent_commit(agent, offer, g_steal_pointer(&fresh), now, error))
    return FALSE;
  prune_finished(agent);
  return TRUE;
}

gboolean otaux_agent_withdraw(OtauxAgent *agent, guint serial, GError **error)
{
  OtauxOffer *offer;

  g_return_val_if_fail(agent != NULL, FALSE);
  if ((offer = find(agent, serial, error)) == NULL)
    return FALSE;
  if (!otaux_store_remove(agent->store, serial, error))
    return FALSE;
  otaux_charge_stop(agent->charge, serial);
  g_hash_table_remove(agent->pinned, GUINT_TO_POINTER(serial));
  otaux_agent_emit(agent, EV_REMOVED, offer, 0, NULL);
  /* A listener may not free it, but may have looked it up again: re-find. */
  offer = g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(serial));
  if (offer != NULL)
    registry_remove(agent, offer);
  rearm(agent);
  otaux_agent_device_refresh(agent);
  return TRUE;
}

void otaux_agent_tick(OtauxAgent *agent)
{
  g_autoptr(GArray) serials = NULL;
  gint64 now;

  g_return_if_fail(agent != NULL);
  now = otaux_agent_now(agent);

  /* Listeners may withdraw offers while we go: walk serials, not pointers. */
  serials = g_array_sized_new(FALSE, FALSE, sizeof(guint), agent->offers->len);
  for (guint i = 0; i < agent->offers->len; i++)
    g_array_append_val(serials, ((OtauxOffer *)g_ptr_array_index(agent->offers, i))->serial);

  for (guint i = 0; i < serials->len; i++) {
    OtauxOffer *offer =
        g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(g_array_index(serials, guint, i)));
    g_autoptr(OtauxOffer) fresh = NULL;
    g_autoptr(OtauxPrompt) prompt = NULL;
    g_autoptr(GError) local = NULL;

    if (offer == NULL)
      continue;
    fresh = otaux_offer_copy(offer);
    if (otaux_offer_tick(fresh, otaux_agent_policy_for(agent, offer), now)) {
      if (!otaux_agent_commit(agent, offer, g_steal_pointer(&fresh), now, &local))
        g_warning("cannot save offer %u: %s; retrying later", offer->serial, local->message);
      continue;
    }
    /* Nothing to save, but the prompt may have moved on (a final warning). */
    prompt = build_prompt(agent, offer, now);
    if (!prompt_same_but_times(prompt_of(agent, offer->serial), prompt)) {
      set_prompt(agent, offer->serial, g_steal_pointer(&prompt));
      otaux_agent_emit(agent, EV_CHANGED, offer, OTAUX_OFFER_PROP_PROMPT, NULL);
    } else { /* woken early: keep waiting for the countdown's next change */
      prompt_of(agent, offer->serial)->refresh_at = prompt->refresh_at;
    }
  }
  otaux_agent_remote_tick(agent);
  rearm(agent);
}

const OtauxPrompt *otaux_agent_get_prompt(OtauxAgent *agent, guint serial)
{
  const OtauxPrompt *prompt;

  g_return_val_if_fail(agent != NULL, NULL);
  prompt = prompt_of(agent, serial);
  return prompt != NULL ? prompt : agent->empty_prompt;
}
