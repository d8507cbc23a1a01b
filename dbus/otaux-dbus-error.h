/* The one place where GErrors become D-Bus error names. */
#pragma once

#include <dbus/dbus.h>
#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_DBUS_ERROR (otaux_dbus_error_quark())
GQuark otaux_dbus_error_quark(void);

typedef enum {
  OTAUX_DBUS_ERROR_INVALID_ARGS, /* a bad argument or signature */
  OTAUX_DBUS_ERROR_CONNECT,      /* the bus cannot be reached */
  OTAUX_DBUS_ERROR_NAME_TAKEN,   /* another agent owns the name */
} OtauxDBusError;

#define OTAUX_ERROR_INVALID_ARGS   "org.otaux.Error.InvalidArgs"
#define OTAUX_ERROR_ACCESS_DENIED  "org.otaux.Error.AccessDenied"
#define OTAUX_ERROR_NOT_FOUND      "org.otaux.Error.NotFound"
#define OTAUX_ERROR_NOT_ALLOWED    "org.otaux.Error.NotAllowed"
#define OTAUX_ERROR_LIMIT_EXCEEDED "org.otaux.Error.LimitExceeded"
#define OTAUX_ERROR_FAILED         "org.otaux.Error.Failed"

const char *otaux_dbus_error_name(const GError *error);

/* An error reply to @call for @error. */
DBusMessage *otaux_dbus_error_reply(DBusMessage *call, const GError *error);

G_END_DECLS
