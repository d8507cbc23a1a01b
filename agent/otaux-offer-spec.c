/* otaux-offer-spec: the package as the updater described it (the Offer
 * a{sv}, declared in otaux-offer.h): its defaults, copies, and the checks of
 * every value against the limits before an offer is made of it. */
#include "otaux-offer.h"

#include <string.h>

void otaux_offer_spec_init(OtauxOfferSpec *spec)
{
  g_return_if_fail(spec != NULL);
  memset(spec, 0, sizeof *spec);
  spec->id = g_strdup("");
  spec->name = g_strdup("");
  spec->version = g_strdup("");
  spec->url = g_strdup("");
  spec->release_notes = g_strdup("");
  spec->message = g_strdup("");
  spec->install_message = g_strdup("");
  spec->correlator = g_strdup("");
  spec->priority = OTAUX_PRIORITY_MEDIUM;
  spec->state = OTAUX_FUMO_IDLE;
  /* A firmware install restarts the device unless the updater says not. */
  spec->needs_reboot = TRUE;
}

void otaux_offer_spec_clear(OtauxOfferSpec *spec)
{
  if (spec == NULL)
    return;
  g_clear_pointer(&spec->id, g_free);
  g_clear_pointer(&spec->name, g_free);
  g_clear_pointer(&spec->version, g_free);
  g_clear_pointer(&spec->url, g_free);
  g_clear_pointer(&spec->release_notes, g_free);
  g_clear_pointer(&spec->message, g_free);
  g_clear_pointer(&spec->install_message, g_free);
  g_clear_pointer(&spec->correlator, g_free);
}

static char *dup_or_empty(const char *str)
{
  return g_strdup(str != NULL ? str : "");
}

void otaux_offer_spec_copy(OtauxOfferSpec *dest, const OtauxOfferSpec *src)
{
  g_return_if_fail(dest != NULL && src != NULL);
  *dest = *src;
  dest->id = dup_or_empty(src->id);
  dest->name = dup_or_empty(src->name);
  dest->version = dup_or_empty(src->version);
  dest->url = dup_or_empty(src->url);
  dest->release_notes = dup_or_empty(src->release_notes);
  dest->message = dup_or_empty(src->message);
  dest->install_message = dup_or_empty(src->install_message);
  dest->correlator = dup_or_empty(src->correlator);
}

static gboolean check_string(const char *key, const char *value, gsize limit, GError **error)
{
  gsize len;

  if (value == NULL)
    return TRUE;
  len = strlen(value);
  if (len > limit) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                "'%s' is longer than %" G_GSIZE_FORMAT " bytes", key, limit);
    return FALSE;
  }
  if (!g_utf8_validate(value, (gssize)len, NULL)) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS, "'%s' is not valid UTF-8",
                key);
    return FALSE;
  }
  return TRUE;
}

static gboolean is_start_state(guint32 state)
{
  return state == OTAUX_FUMO_IDLE || state == OTAUX_FUMO_DOWNLOADING ||
         state == OTAUX_FUMO_DOWNLOAD_COMPLETE || state == OTAUX_FUMO_READY_TO_UPDATE ||
         state == OTAUX_FUMO_UPDATING;
}

gboolean otaux_offer_spec_validate(const OtauxOfferSpec *spec, GError **error)
{
  g_return_val_if_fail(spec != NULL, FALSE);

  if (spec->id == NULL || spec->id[0] == '\0') {
    g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                        "'id' is missing or empty");
    return FALSE;
  }
  if (!check_string("id", spec->id, OTAUX_LIMIT_ID_BYTES, error) ||
      !check_string("name", spec->name, OTAUX_LIMIT_NAME_BYTES, error) ||
      !check_string("version", spec->version, OTAUX_LIMIT_VERSION_BYTES, error) ||
      !check_string("url", spec->url, OTAUX_LIMIT_URL_BYTES, error) ||
      !check_string("release-notes", spec->release_notes, OTAUX_LIMIT_RELEASE_NOTES_BYTES, error) ||
      !check_string("message", spec->message, OTAUX_LIMIT_MESSAGE_BYTES, error) ||
      !check_string("install-message", spec->install_message, OTAUX_LIMIT_INSTALL_MSG_BYTES,
                    error) ||
      !check_string("correlator", spec->correlator, OTAUX_LIMIT_CORRELATOR_BYTES, error))
    return FALSE;
  /* Not given means idle; a given state must be one an offer starts in. */
  if ((spec->state != 0 || (spec->fields & OTAUX_SPEC_STATE)) && !is_start_state(spec->state)) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                "'state' %u is not a state an offer can start in (10, 30, 40, 50 or 60)",
                spec->state);
    return FALSE;
  }
  if ((guint)spec->priority >= OTAUX_N_PRIORITIES) {
    g_set_error(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                "'priority' %d is not low, medium or high", (int)spec->priority);
    return FALSE;
  }
  if (spec->deadline < 0) {
    g_set_error_literal(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS,
                        "'deadline' is negative");
    return FALSE;
  }
  return TRUE;
}

void otaux_offer_spec_updater_facts(const OtauxOfferSpec *spec, OtauxUpdaterFacts *out)
{
  g_return_if_fail(spec != NULL && out != NULL);
  /* A true value counts even without its field bit (a hand-written store file). */
  out->known =
      ((spec->fields & OTAUX_SPEC_ROAMING) || spec->roaming ? 1u << OTAUX_DEVICE_ROAMING : 0) |
      ((spec->fields & OTAUX_SPEC_METERED) || spec->metered ? 1u << OTAUX_DEVICE_METERED : 0) |
      ((spec->fields & OTAUX_SPEC_CELLULAR) || spec->cellular ? 1u << OTAUX_DEVICE_CELLULAR : 0);
  out->roaming = spec->roaming;
  out->metered = spec->metered;
  out->cellular = spec->cellular;
}

void otaux_offer_see_device(OtauxOffer *offer, const OtauxSystemFacts *system,
                            const OtauxPolicy *policy)
{
  OtauxUpdaterFacts updater;

  g_return_if_fail(offer != NULL && policy != NULL);
  otaux_offer_spec_updater_facts(&offer->spec, &updater);
  otaux_device_merge(system, &updater, policy->device_trust, &offer->device);
}
