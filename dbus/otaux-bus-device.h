/* The device facts as Agent1.Device (a{sv}): each fact and its source. */
#pragma once

#include <dbus/dbus.h>

#include "otaux-device.h"

G_BEGIN_DECLS

/* Appends the a{sv} (keys in docs/dbus-api.md, "Device"). */
void otaux_bus_append_device(DBusMessageIter *iter, const OtauxDeviceFacts *device);

G_END_DECLS
