/* otaux-agent-remote: the other instance's offers, mirrored in the
 * registry so that the session's presenters and API show them (issue 20).
 * The system instance keeps the offer, its state machine and its store;
 * a mirror is its last published view: never saved, never ticked.
 * Also the other side of it: whether anybody is there to answer the
 * system instance (otaux_agent_set_present). */
#include "otaux-agent-private.h"

/* ---- presence ----------------------------------------------------------- */

void otaux_agent_absent_policy_refresh(OtauxAgent *agent)
{
  if (agent->absent_policy == NULL)
    return;
  otaux_policy_free(agent->absent_policy);
  agent->absent_policy = otaux_policy_copy(agent->policy);
  for (guint i = 0; i < OTAUX_N_PRIORITIES; i++)
    agent->absent_policy->priority[i].timeout_s = 0;
}

gboolean otaux_agent_get_present(OtauxAgent *agent)
{
  g_return_val_if_fail(agent != NULL, TRUE);
  return agent->absent_policy == NULL;
}

/* Somebody is back: each open question is put anew (asked_at), so its
 * time-out counts from now, and its prompt (the deadline) is rebuilt. */
static void ask_again(OtauxAgent *agent)
{
  gint64 now = otaux_agent_now(agent);
  g_autoptr(GArray) serials = g_array_new(FALSE, FALSE, sizeof(guint));

  for (guint i = 0; i < agent->offers->len; i++)
    g_array_append_val(serials, ((OtauxOffer *)g_ptr_array_index(agent->offers, i))->serial);
  for (guint i = 0; i < serials->len; i++) {
    guint serial = g_array_index(serials, guint, i);
    OtauxOffer *offer = g_hash_table_lookup(agent->by_serial, GUINT_TO_POINTER(serial));
    g_autoptr(GError) error = NULL;
    OtauxOffer *fresh;

    if (offer == NULL || offer->decision != OTAUX_DECISION_NONE ||
        (offer->phase != OTAUX_PHASE_OFFERED && offer->phase != OTAUX_PHASE_READY) ||
        otaux_offer_timeout_at(offer, agent->policy, now) == 0)
      continue;
    fresh = otaux_offer_copy(offer);
    fresh->asked_at = now;
    fresh->changed_at = now;
    if (!otaux_agent_commit(agent, offer, fresh, now, &error))
      g_warning("cannot save offer %u: %s", serial, error->message);
  }
}

void otaux_agent_set_present(OtauxAgent *agent, gboolean present)
{
  g_return_if_fail(agent != NULL);
  if (present == otaux_agent_get_present(agent))
    return;
  if (present) {
    g_clear_pointer(&agent->absent_policy, otaux_policy_free);
    ask_again(agent);
  } else {
    agent->absent_policy = otaux_policy_copy(agent->policy);
    otaux_agent_absent_policy_refresh(agent);
  }
  /* The prompts' deadlines follow; the timer too. */
  otaux_agent_tick(agent);
}

gboolean otaux_agent_is_remote(guint serial)
{
  return serial >= OTAUX_AGENT_REMOTE_BASE;
}

void otaux_agent_remote_init(OtauxAgent *agent)
{
  agent->remote = g_ptr_array_new_with_free_func((GDestroyNotify)otaux_offer_free);
  agent->remote_by_serial = g_hash_table_new(g_direct_hash, g_direct_equal);
  agent->remote_presentation = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void otaux_agent_remote_fini(OtauxAgent *agent)
{
  g_clear_pointer(&agent->remote_by_serial, g_hash_table_unref);
  g_clear_pointer(&agent->remote_presentation, g_hash_table_unref);
  g_clear_pointer(&agent->remote, g_ptr_array_unref);
}

const OtauxOffer *otaux_agent_remote_lookup(OtauxAgent *agent, guint serial)
{
  return g_hash_table_lookup(agent->remote_by_serial, GUINT_TO_POINTER(serial));
}

void otaux_agent_set_remote_answer(OtauxAgent *agent, OtauxRemoteAnswerFunc func,
                                   gpointer user_data)
{
  g_return_if_fail(agent != NULL);
  agent->remote_answer = func;
  agent->remote_answer_data = user_data;
}

gboolean otaux_agent_remote_answer(OtauxAgent *agent, guint serial, const char *choice,
                                   gint64 reboot_at, GError **error)
{
  const OtauxPrompt *prompt = otaux_agent_get_prompt(agent, serial);

  /* Checked here too, so a stale click says why at once; the system
   * instance checks again (and who may answer). */
  if (choice == NULL || !otaux_prompt_has_choice(prompt, choice)) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_NOT_ALLOWED,
                "the prompt does not offer '%s'", choice != NULL ? choice : "");
    return FALSE;
  }
  if (agent->remote_answer == NULL) {
    g_set_error(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_NOT_FOUND,
                "the system instance is not followed");
    return FALSE;
  }
  /* The decision comes back as the mirror's new properties. */
  agent->remote_answer(serial, choice, reboot_at, agent->remote_answer_data);
  return TRUE;
}

/* The session's presentation rules on the system's prompt (@published:
 * its presentation): the session's quiet hours hold a pop-up back to a
 * notification, or show nothing. */
static OtauxPresentation session_rules(OtauxAgent *agent, const OtauxPrompt *prompt,
                                       OtauxPresentation published)
{
  gint64 now = otaux_agent_now(agent);

  if (prompt->kind == OTAUX_PROMPT_NONE)
    return published;
  if (published == OTAUX_PRESENTATION_POPUP &&
      !otaux_policy_may_interrupt(agent->policy, prompt->priority, now))
    published = OTAUX_PRESENTATION_ACTIONS;
  if (!otaux_policy_may_notify(agent->policy, prompt->priority, now))
    published = OTAUX_PRESENTATION_SILENT;
  return published;
}

void otaux_agent_remote_tick(OtauxAgent *agent)
{
  for (guint i = 0; i < agent->remote->len; i++) {
    const OtauxOffer *offer = g_ptr_array_index(agent->remote, i);
    OtauxPrompt *prompt = g_hash_table_lookup(agent->prompts, GUINT_TO_POINTER(offer->serial));
    guint published = GPOINTER_TO_UINT(
        g_hash_table_lookup(agent->remote_presentation, GUINT_TO_POINTER(offer->serial)));
    OtauxPresentation now;

    if (prompt == NULL || published == 0)
      continue;
    now = session_rules(agent, prompt, (OtauxPresentation)(published - 1));
    if (now == prompt->presentation)
      continue;
    prompt->presentation = now;
    otaux_agent_emit(agent, EV_CHANGED, offer, OTAUX_OFFER_PROP_PROMPT, NULL);
  }
}

static guint differs(const OtauxOffer *a, const OtauxOffer *b)
{
  guint changed = 0;

  if (g_strcmp0(a->spec.name, b->spec.name) != 0)
    changed |= OTAUX_OFFER_PROP_NAME;
  if (g_strcmp0(a->spec.version, b->spec.version) != 0)
    changed |= OTAUX_OFFER_PROP_VERSION;
  if (a->spec.priority != b->spec.priority)
    changed |= OTAUX_OFFER_PROP_PRIORITY;
  if (a->state != b->state)
    changed |= OTAUX_OFFER_PROP_STATE;
  if (a->phase != b->phase || a->stage != b->stage)
    changed |= OTAUX_OFFER_PROP_PHASE;
  if (a->decision != b->decision || a->reason != b->reason)
    changed |= OTAUX_OFFER_PROP_DECISION;
  if (a->reboot_at != b->reboot_at)
    changed |= OTAUX_OFFER_PROP_REBOOT_AT;
  if (a->result != b->result)
    changed |= OTAUX_OFFER_PROP_RESULT;
  if (a->bytes_done != b->bytes_done || a->bytes_total != b->bytes_total)
    changed |= OTAUX_OFFER_PROP_BYTES;
  return changed;
}

void otaux_agent_remote_put(OtauxAgent *agent, OtauxOffer *offer, OtauxPrompt *prompt)
{
  g_autoptr(OtauxOffer) owned = offer;
  g_autoptr(OtauxPrompt) fresh = prompt;
  OtauxOffer *old;
  guint changed;
  guint index = 0;

  g_return_if_fail(agent != NULL && offer != NULL && prompt != NULL);
  g_return_if_fail(otaux_agent_is_remote(offer->serial));
  g_hash_table_insert(agent->remote_presentation, GUINT_TO_POINTER(offer->serial),
                      GUINT_TO_POINTER(fresh->presentation + 1));
  fresh->presentation = session_rules(agent, fresh, fresh->presentation);
  old = g_hash_table_lookup(agent->remote_by_serial, GUINT_TO_POINTER(offer->serial));
  if (old == NULL) {
    g_ptr_array_add(agent->remote, g_steal_pointer(&owned));
    g_hash_table_insert(agent->remote_by_serial, GUINT_TO_POINTER(offer->serial), offer);
    g_hash_table_insert(agent->prompts, GUINT_TO_POINTER(offer->serial), g_steal_pointer(&fresh));
    otaux_agent_emit(agent, EV_ADDED, offer, 0, NULL);
    otaux_agent_rearm(agent); /* the session's quiet hours rule it too */
    return;
  }
  changed = differs(old, offer);
  if (!otaux_prompt_equal(otaux_agent_get_prompt(agent, offer->serial), fresh))
    changed |= OTAUX_OFFER_PROP_PROMPT;
  if (changed == 0)
    return;
  if (!g_ptr_array_find(agent->remote, old, &index))
    g_assert_not_reached();
  agent->remote->pdata[index] = g_steal_pointer(&owned);
  g_hash_table_insert(agent->remote_by_serial, GUINT_TO_POINTER(offer->serial), offer);
  g_hash_table_insert(agent->prompts, GUINT_TO_POINTER(offer->serial), g_steal_pointer(&fresh));
  otaux_offer_free(old);
  otaux_agent_emit(agent, EV_CHANGED, offer, changed, NULL);
}

/* @line above @old (a warning the prompt had), one per line */
static char *above(char *line /* transfer full */, const char *old)
{
  char *both;

  if (old == NULL || old[0] == '\0')
    return line;
  both = g_strconcat(line, "\n", old, NULL);
  g_free(line);
  return both;
}

void otaux_agent_remote_refused(OtauxAgent *agent, guint serial, const char *reason)
{
  const OtauxOffer *offer;
  OtauxPrompt *prompt;
  g_autofree char *valid = NULL;
  const char *kv[] = { "reason", NULL, NULL };
  char *plain, *markup;

  g_return_if_fail(agent != NULL);
  offer = g_hash_table_lookup(agent->remote_by_serial, GUINT_TO_POINTER(serial));
  prompt = g_hash_table_lookup(agent->prompts, GUINT_TO_POINTER(serial));
  if (offer == NULL || prompt == NULL || prompt->kind == OTAUX_PROMPT_NONE)
    return;
  /* another program's words: valid UTF-8, one line, bounded */
  valid = g_utf8_make_valid(reason != NULL && reason[0] != '\0' ? reason : "?", -1);
  g_strdelimit(valid, "\r\n\t", ' ');
  if (g_utf8_strlen(valid, -1) > 200)
    *g_utf8_offset_to_pointer(valid, 200) = '\0';
  kv[1] = valid;
  plain = otaux_strings_format_full(agent->strings, "answer.refused", OTAUX_STRINGS_NO_COUNT, kv,
                                    OTAUX_TEXT_PLAIN);
  markup = otaux_strings_format_full(agent->strings, "answer.refused", OTAUX_STRINGS_NO_COUNT, kv,
                                     OTAUX_TEXT_MARKUP);
  plain = above(plain, prompt->warning);
  markup = above(markup, prompt->warning_markup);
  g_free(prompt->warning);
  prompt->warning = plain;
  g_free(prompt->warning_markup);
  prompt->warning_markup = markup;
  otaux_agent_emit(agent, EV_CHANGED, offer, OTAUX_OFFER_PROP_PROMPT, NULL);
}

void otaux_agent_remote_remove(OtauxAgent *agent, guint serial)
{
  OtauxOffer *offer;

  g_return_if_fail(agent != NULL);
  offer = g_hash_table_lookup(agent->remote_by_serial, GUINT_TO_POINTER(serial));
  if (offer == NULL)
    return;
  otaux_agent_emit(agent, EV_REMOVED, offer, 0, NULL);
  g_hash_table_remove(agent->remote_by_serial, GUINT_TO_POINTER(serial));
  g_hash_table_remove(agent->remote_presentation, GUINT_TO_POINTER(serial));
  g_hash_table_remove(agent->prompts, GUINT_TO_POINTER(serial));
  g_ptr_array_remove(agent->remote, offer); /* frees it */
  otaux_agent_rearm(agent);
}

void otaux_agent_remote_clear(OtauxAgent *agent)
{
  g_return_if_fail(agent != NULL);
  while (agent->remote->len > 0) {
    const OtauxOffer *last = g_ptr_array_index(agent->remote, agent->remote->len - 1);

    otaux_agent_remote_remove(agent, last->serial);
  }
}
