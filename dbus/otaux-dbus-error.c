#include "otaux-dbus-error.h"

#include "otaux-agent.h"
#include "otaux-offer.h"
#include "otaux-store.h"

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-dbus-error-quark, otaux_dbus_error)
// clang-format on

const char *otaux_dbus_error_name(const GError *error)
{
  if (error == NULL)
    return OTAUX_ERROR_FAILED;
  if (error->domain == OTAUX_DBUS_ERROR && error->code == OTAUX_DBUS_ERROR_INVALID_ARGS)
    return OTAUX_ERROR_INVALID_ARGS;
  if (error->domain == OTAUX_OFFER_ERROR) {
    switch ((OtauxOfferError)error->code) {
      case OTAUX_OFFER_ERROR_INVALID_ARGS:
        return OTAUX_ERROR_INVALID_ARGS;
      case OTAUX_OFFER_ERROR_NOT_ALLOWED:
        return OTAUX_ERROR_NOT_ALLOWED;
    }
  }
  if (error->domain == OTAUX_AGENT_ERROR) {
    switch ((OtauxAgentError)error->code) {
      case OTAUX_AGENT_ERROR_NOT_FOUND:
        return OTAUX_ERROR_NOT_FOUND;
      case OTAUX_AGENT_ERROR_LIMIT_EXCEEDED:
        return OTAUX_ERROR_LIMIT_EXCEEDED;
      case OTAUX_AGENT_ERROR_ACCESS_DENIED:
        return OTAUX_ERROR_ACCESS_DENIED;
    }
  }
  /* Storage and anything unforeseen: the caller can retry, nothing changed. */
  return OTAUX_ERROR_FAILED;
}

DBusMessage *otaux_dbus_error_reply(DBusMessage *call, const GError *error)
{
  return dbus_message_new_error(call, otaux_dbus_error_name(error),
                                error != NULL ? error->message : "failed");
}
