/* Fuzz target: an arbitrary serialised D-Bus message handed to the Offer
 * argument parser, as the bus would deliver it. */
#include <stdint.h>
#include <string.h>

#include "otaux-dbus-util.h"
#include "otaux-dbus-validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_auto(DBusError) err = DBUS_ERROR_INIT;
  OtauxOfferSpec spec;

  if (size > 1024 * 1024)
    return 0;
  g_autoptr(DBusMessage) msg = dbus_message_demarshal((const char *)data, (int)size, &err);
  if (msg == NULL)
    return 0;
  otaux_offer_spec_init(&spec);
  if (otaux_dbus_parse_offer(msg, &spec, NULL))
    g_assert(spec.id != NULL && *spec.id != '\0');
  otaux_offer_spec_clear(&spec);

  guint32 state = 0, result = 0;
  guint64 done = 0, total = 0;
  const char *choice = NULL;
  gint64 at = 0;
  /* What a parser accepts holds the promises its callers rely on. */
  if (otaux_dbus_parse_set_state(msg, &state, &done, &total, NULL))
    g_assert(otaux_fumo_state_is_valid(state) && (total == 0 || done <= total));
  if (otaux_dbus_parse_finish(msg, &result, NULL))
    g_assert(otaux_fumo_result_is_valid(result));
  OtauxFinishDetails words = { 0 };
  if (otaux_dbus_parse_finish_details(msg, &result, &words, NULL)) {
    g_assert(otaux_fumo_result_is_valid(result));
    g_assert(words.message == NULL || (strlen(words.message) <= OTAUX_LIMIT_FINISH_MSG_BYTES &&
                                       g_utf8_validate(words.message, -1, NULL)));
    g_free(words.message);
  }
  if (otaux_dbus_parse_answer(msg, &choice, &at, NULL))
    g_assert(choice != NULL && *choice != '\0' && strlen(choice) <= OTAUX_LIMIT_CHOICE_BYTES);
  return 0;
}
