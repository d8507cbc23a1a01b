/* org.otaux.Testing1 on /org/otaux/Agent/Testing, only with
 * otaux-agent --test-clock: SetTime(x) moves the injected clock. */
#include <string.h>

#include "otaux-bus-private.h"
#include "otaux-dbus-error.h"
#include "otaux-dbus-util.h"
#include "otaux-dbus-validate.h"

static DBusMessage *testing_set_time(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                     gpointer data)
{
  OtauxBus *bus = data;
  dbus_int64_t now = 0;
  g_autoptr(GError) error = NULL;

  if (!otaux_agent_check_caller(bus->agent, uid, &error))
    return otaux_dbus_error_reply(call, error);
  dbus_message_get_args(call, NULL, DBUS_TYPE_INT64, &now, DBUS_TYPE_INVALID);
  if (now <= 0)
    return dbus_message_new_error(call, OTAUX_ERROR_INVALID_ARGS, "the time must be positive");
  bus->set_time(now, bus->set_time_data);
  return dbus_message_new_method_return(call);
}

static void get_now(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OtauxBus *bus = data;
  dbus_int64_t now = otaux_agent_now(bus->agent);
  dbus_message_iter_append_basic(iter, DBUS_TYPE_INT64, &now);
}

static const OtauxDBusMethod testing_methods[] = {
  { "SetTime", "x", "", testing_set_time, OTAUX_DBUS_METHOD_NEEDS_UID },
  { NULL },
};

static const OtauxDBusProperty testing_properties[] = {
  { "Now", "x", get_now },
  { NULL },
};

static const OtauxDBusSignal testing_signals[] = {
  { NULL },
};

const OtauxDBusInterface otaux_bus_testing_interface = {
  .name = "org.otaux.Testing1",
  .methods = testing_methods,
  .properties = testing_properties,
  .signals = testing_signals,
  .introspection_resource = "/org/otaux/dbus/org.otaux.Testing1.xml",
};

void otaux_bus_enable_testing(OtauxBus *bus, OtauxBusSetTimeFunc set_time, gpointer user_data)
{
  bus->set_time = set_time;
  bus->set_time_data = user_data;
  otaux_dbus_server_register(bus->server, OTAUX_TESTING_PATH, &otaux_bus_testing_interface, bus);
}
