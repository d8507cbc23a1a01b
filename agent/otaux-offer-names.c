/* otaux-offer-names: the names of phases, decisions and reasons as the API
 * and the store write them, which FUMO states and results exist, and which
 * properties differ between two states of an offer. */
#include "otaux-offer.h"

#include <string.h>

static const char *const phase_names[] = {
  "offered", "downloading", "ready", "delayed", "installing", "finished",
};
static const char *const decision_names[] = { "none", "accept", "cancel", "delay-reboot" };
static const char *const reason_names[] = { "",        "user",      "policy",
                                            "timeout", "scheduled", "unmetered" };
static const char *const stage_names[] = { "", "restarting", "finishing" };

static gboolean name_lookup(const char *const *names, guint n, const char *str, guint *out)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++) {
    if (g_str_equal(names[i], str)) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *otaux_phase_to_string(OtauxPhase phase)
{
  return (guint)phase < G_N_ELEMENTS(phase_names) ? phase_names[phase] : "unknown";
}

gboolean otaux_phase_from_string(const char *str, OtauxPhase *out)
{
  guint i;

  if (!name_lookup(phase_names, G_N_ELEMENTS(phase_names), str, &i))
    return FALSE;
  if (out != NULL)
    *out = (OtauxPhase)i;
  return TRUE;
}

const char *otaux_decision_to_string(OtauxDecision decision)
{
  return (guint)decision < G_N_ELEMENTS(decision_names) ? decision_names[decision] : "unknown";
}

gboolean otaux_decision_from_string(const char *str, OtauxDecision *out)
{
  guint i;

  if (!name_lookup(decision_names, G_N_ELEMENTS(decision_names), str, &i))
    return FALSE;
  if (out != NULL)
    *out = (OtauxDecision)i;
  return TRUE;
}

const char *otaux_reason_to_string(OtauxReason reason)
{
  return (guint)reason < G_N_ELEMENTS(reason_names) ? reason_names[reason] : "unknown";
}

gboolean otaux_reason_from_string(const char *str, OtauxReason *out)
{
  guint i;

  if (!name_lookup(reason_names, G_N_ELEMENTS(reason_names), str, &i))
    return FALSE;
  if (out != NULL)
    *out = (OtauxReason)i;
  return TRUE;
}

const char *otaux_stage_to_string(OtauxStage stage)
{
  return (guint)stage < G_N_ELEMENTS(stage_names) ? stage_names[stage] : "unknown";
}

gboolean otaux_stage_from_string(const char *str, OtauxStage *out)
{
  guint i;

  if (!name_lookup(stage_names, G_N_ELEMENTS(stage_names), str, &i))
    return FALSE;
  if (out != NULL)
    *out = (OtauxStage)i;
  return TRUE;
}

gboolean otaux_fumo_state_is_valid(guint32 state)
{
  return state >= 10 && state <= 100 && state % 10 == 0;
}

gboolean otaux_fumo_result_is_valid(guint32 result)
{
  return result == 200 || (result >= 250 && result <= 299) || (result >= 400 && result <= 599);
}

/* ---- diff ------------------------------------------------------------ */

guint otaux_offer_diff(const OtauxOffer *a, const OtauxOffer *b)
{
  guint mask = 0;

  g_return_val_if_fail(a != NULL && b != NULL, 0);

  if (g_strcmp0(a->spec.name, b->spec.name) != 0)
    mask |= OTAUX_OFFER_PROP_NAME;
  if (g_strcmp0(a->spec.version, b->spec.version) != 0)
    mask |= OTAUX_OFFER_PROP_VERSION;
  if (a->spec.priority != b->spec.priority)
    mask |= OTAUX_OFFER_PROP_PRIORITY;
  if (a->spec.size != b->spec.size)
    mask |= OTAUX_OFFER_PROP_SIZE;
  if (!a->spec.silent != !b->spec.silent || !a->spec.forced != !b->spec.forced ||
      !a->spec.roaming != !b->spec.roaming || !a->spec.metered != !b->spec.metered ||
      !a->spec.cellular != !b->spec.cellular || !a->spec.restart_only != !b->spec.restart_only)
    mask |= OTAUX_OFFER_PROP_FLAGS;
  if (g_strcmp0(a->spec.correlator, b->spec.correlator) != 0)
    mask |= OTAUX_OFFER_PROP_CORRELATOR;
  if (a->state != b->state)
    mask |= OTAUX_OFFER_PROP_STATE;
  if (a->bytes_done != b->bytes_done || a->bytes_total != b->bytes_total)
    mask |= OTAUX_OFFER_PROP_BYTES;
  if (a->phase != b->phase || a->stage != b->stage)
    mask |= OTAUX_OFFER_PROP_PHASE; /* Phase and Stage are announced together */
  if (a->decision != b->decision || a->reason != b->reason)
    mask |= OTAUX_OFFER_PROP_DECISION;
  if (a->reboot_at != b->reboot_at)
    mask |= OTAUX_OFFER_PROP_REBOOT_AT;
  if (a->result != b->result)
    mask |= OTAUX_OFFER_PROP_RESULT;
  return mask;
}
