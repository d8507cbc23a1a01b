/* Agent1.Device: the device facts in force, each with its source. */
#include "otaux-bus-device.h"

static void append_entry(DBusMessageIter *dict, const char *key, int type, const char *signature,
                         const void *value)
{
  DBusMessageIter entry, variant;

  dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &key);
  dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, signature, &variant);
  dbus_message_iter_append_basic(&variant, type, value);
  dbus_message_iter_close_container(&entry, &variant);
  dbus_message_iter_close_container(dict, &entry);
}

static void append_bool(DBusMessageIter *dict, const char *key, gboolean value)
{
  dbus_bool_t v = value ? TRUE : FALSE;

  append_entry(dict, key, DBUS_TYPE_BOOLEAN, "b", &v);
}

/* "<fact>-source": updater, system or none. */
static void append_source(DBusMessageIter *dict, const OtauxDeviceFacts *device,
                          OtauxDeviceFact fact)
{
  g_autofree char *key = g_strconcat(otaux_device_fact_to_string(fact), "-source", NULL);
  const char *source = otaux_device_source_to_string(device->source[fact]);

  append_entry(dict, key, DBUS_TYPE_STRING, "s", &source);
}

void otaux_bus_append_device(DBusMessageIter *iter, const OtauxDeviceFacts *device)
{
  DBusMessageIter dict;
  dbus_uint32_t percent = device->battery_percent;

  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
  append_bool(&dict, "roaming", device->roaming);
  append_source(&dict, device, OTAUX_DEVICE_ROAMING);
  append_bool(&dict, "metered", device->metered);
  append_source(&dict, device, OTAUX_DEVICE_METERED);
  append_bool(&dict, "cellular", device->cellular);
  append_source(&dict, device, OTAUX_DEVICE_CELLULAR);
  append_bool(&dict, "battery-present", device->battery_present);
  append_entry(&dict, "battery-percent", DBUS_TYPE_UINT32, "u", &percent);
  append_source(&dict, device, OTAUX_DEVICE_BATTERY);
  append_bool(&dict, "on-battery", device->on_battery);
  append_source(&dict, device, OTAUX_DEVICE_ON_BATTERY);
  append_bool(&dict, "shutdown-inhibited", device->shutdown_inhibited);
  append_bool(&dict, "session-idle", device->session_idle);
  append_source(&dict, device, OTAUX_DEVICE_SESSION_IDLE);
  append_bool(&dict, "restart-blocked", device->restart_blocked);
  append_source(&dict, device, OTAUX_DEVICE_RESTART_BLOCKED);
  dbus_message_iter_close_container(iter, &dict);
}
