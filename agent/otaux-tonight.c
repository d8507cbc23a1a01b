/* otaux-tonight: the night window, its conditions and the morning question. */
#include "otaux-tonight.h"

static OtauxPriority priority_of(const OtauxOffer *offer)
{
  return (guint)offer->spec.priority < OTAUX_N_PRIORITIES ? offer->spec.priority
                                                          : OTAUX_PRIORITY_MEDIUM;
}

gboolean otaux_tonight_chosen(const OtauxOffer *offer)
{
  g_return_val_if_fail(offer != NULL, FALSE);
  return offer->phase == OTAUX_PHASE_DELAYED && offer->decision == OTAUX_DECISION_DELAY_REBOOT &&
         offer->tonight_end > 0;
}

gboolean otaux_tonight_missed(const OtauxOffer *offer)
{
  g_return_val_if_fail(offer != NULL, FALSE);
  return offer->phase == OTAUX_PHASE_READY && offer->decision == OTAUX_DECISION_NONE &&
         offer->tonight_missed != 0;
}

gboolean otaux_tonight_window(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now,
                              gint64 *start, gint64 *end)
{
  gint64 s, e;

  g_return_val_if_fail(offer != NULL && policy != NULL, FALSE);
  /* the install question (or the restart question), not a scheduled one */
  if (offer->phase != OTAUX_PHASE_READY || offer->decision != OTAUX_DECISION_NONE ||
      (offer->spec.forced && policy->allow_forced))
    return FALSE;
  if (!otaux_policy_night_window(policy, priority_of(offer), now, &s, &e))
    return FALSE;
  /* already inside it: from now on */
  if (s <= now)
    s = now + 1;
  if (s >= e || s > otaux_offer_delay_limit(offer, policy, now))
    return FALSE;
  if (start != NULL)
    *start = s;
  if (end != NULL)
    *end = e;
  return TRUE;
}

/* Every list the install question can have with "tonight" (t_) and the
 * morning question (m_): the wanted list is looked up here, so the caller
 * gets a static one as for any other question. */
static const char *const t_all[] = { "accept", "tonight", "delay-reboot", "cancel", NULL };
static const char *const t_all_later[] = { "accept", "tonight", "delay-reboot",
                                           "cancel", "later",   NULL };
static const char *const t_delay[] = { "tonight", "delay-reboot", "cancel", NULL };
static const char *const t_delay_later[] = { "tonight", "delay-reboot", "cancel", "later", NULL };
static const char *const m_all[] = { "accept", "tonight", "delay-reboot", NULL };
static const char *const m_all_later[] = { "accept", "tonight", "delay-reboot", "later", NULL };
static const char *const m_delay[] = { "tonight", "delay-reboot", NULL };
static const char *const m_delay_later[] = { "tonight", "delay-reboot", "later", NULL };
static const char *const m_no_tonight[] = { "accept", "delay-reboot", NULL };
static const char *const m_no_tonight_later[] = { "accept", "delay-reboot", "later", NULL };
static const char *const *const lists[] = {
  t_all,       t_all_later, t_delay,       t_delay_later, m_all,
  m_all_later, m_delay,     m_delay_later, m_no_tonight,  m_no_tonight_later,
};

const char *const *otaux_tonight_choices(const OtauxOffer *offer, const OtauxPolicy *policy,
                                         gint64 now, const char *const *base)
{
  gboolean morning, tonight;
  const char *want[8];
  guint n = 0;

  g_return_val_if_fail(offer != NULL && policy != NULL && base != NULL, base);
  morning = otaux_tonight_missed(offer);
  tonight =
      g_strv_contains(base, "delay-reboot") && otaux_tonight_window(offer, policy, now, NULL, NULL);
  if (!morning && !tonight)
    return base;
  for (const char *const *c = base; *c != NULL && n + 2 < G_N_ELEMENTS(want); c++) {
    /* the morning question: install now, tonight again, or later */
    if (morning && g_str_equal(*c, "cancel"))
      continue;
    if (tonight && g_str_equal(*c, "delay-reboot"))
      want[n++] = "tonight";
    want[n++] = *c;
  }
  want[n] = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(lists); i++)
    if (g_strv_equal((const char *const *)lists[i], want))
      return lists[i];
  return base;
}

void otaux_tonight_take(OtauxOffer *offer, const OtauxPolicy *policy, gint64 start, gint64 end)
{
  g_return_if_fail(offer != NULL && policy != NULL);
  offer->tonight_start = start;
  offer->tonight_end = end;
  offer->tonight_missed = 0;
  /* nobody is woken at night to be told of it */
  offer->reminder_index = MIN(policy->n_reminders, OTAUX_POLICY_MAX_LIST);
}

static gint64 morning_after(const OtauxPolicy *policy, gint64 now)
{
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local(now);
  g_autoptr(GDateTime) at = NULL;
  gint64 t;

  if (today == NULL || policy->morning_hour < 0 || policy->morning_hour > 23)
    return 0;
  at = g_date_time_new_local(g_date_time_get_year(today), g_date_time_get_month(today),
                             g_date_time_get_day_of_month(today), policy->morning_hour,
                             CLAMP(policy->morning_minute, 0, 59), 0);
  t = at != NULL ? g_date_time_to_unix(at) : 0;
  /* only a morning still ahead today (a window that ends at 05:00 asks at 07:00) */
  return t > now && t - now < 12 * 3600 ? t : 0;
}

OtauxTonightStep otaux_tonight_tick(OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  guint miss;

  g_return_val_if_fail(offer != NULL && policy != NULL, OTAUX_TONIGHT_WAIT);
  if (!otaux_tonight_chosen(offer) || now < offer->tonight_start)
    return OTAUX_TONIGHT_WAIT;
  if (now < offer->tonight_end) {
    miss = otaux_device_tonight_misses(&offer->device, policy);
    if (miss == 0)
      return OTAUX_TONIGHT_ACCEPT;
    /* what holds it now: the morning question says the last of it */
    if (miss == offer->tonight_missed)
      return OTAUX_TONIGHT_WAIT;
    offer->tonight_missed = miss;
    return OTAUX_TONIGHT_CHANGED;
  }
  /* The window passed unused: a new question, not a decision. Nothing was
   * seen inside it (the agent did not run): say so. */
  miss = offer->tonight_missed != 0 ? offer->tonight_missed : OTAUX_TONIGHT_MISS_OFF;
  offer->phase = OTAUX_PHASE_READY;
  offer->decision = OTAUX_DECISION_NONE;
  offer->reason = OTAUX_REASON_NONE;
  offer->reboot_at = 0;
  offer->reminder_index = 0;
  offer->tonight_start = offer->tonight_end = 0;
  offer->tonight_missed = miss;
  offer->asked_at = now;
  offer->changed_at = now;
  /* asked in the morning, not at the window's end in the night */
  offer->later_until = morning_after(policy, now);
  if (offer->later_until > 0)
    offer->asked_at = offer->later_until;
  return OTAUX_TONIGHT_CHANGED;
}

gint64 otaux_tonight_next_wakeup(const OtauxOffer *offer, gint64 now)
{
  g_return_val_if_fail(offer != NULL, 0);
  if (!otaux_tonight_chosen(offer))
    return 0;
  /* inside the window the device's changes move it on; the clock at the end */
  return now < offer->tonight_start ? offer->tonight_start : offer->tonight_end;
}

void otaux_tonight_missed_text_ids(guint missed, const char **ids, gsize n_ids)
{
  static const struct {
    guint bit;
    const char *id;
  } texts[] = {
    { OTAUX_TONIGHT_MISS_CHARGER, "tonight.missed.charger" },
    { OTAUX_TONIGHT_MISS_IN_USE, "tonight.missed.in-use" },
    { OTAUX_TONIGHT_MISS_BLOCKED, "tonight.missed.blocked" },
    { OTAUX_TONIGHT_MISS_OFF, "tonight.missed.off" },
  };
  gsize n = 0;

  g_return_if_fail(ids != NULL && n_ids > 0);
  for (gsize i = 0; i < G_N_ELEMENTS(texts) && n + 1 < n_ids; i++)
    if (missed & texts[i].bit)
      ids[n++] = texts[i].id;
  ids[n] = NULL;
}
