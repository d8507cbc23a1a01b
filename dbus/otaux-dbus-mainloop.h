/* Runs a libdbus connection on a GLib main context: each DBusWatch becomes
 * a unix-fd source, each DBusTimeout a timeout source, and the connection
 * is dispatched from an idle source while data remains. */
#pragma once

#include <dbus/dbus.h>
#include <glib.h>

G_BEGIN_DECLS

/* A private connection of the agent's own: to the bus of TYPE, or to
 * ADDRESS when it is not NULL (then registered with the bus). It does not
 * exit the process on disconnect. NULL with ERR set when it fails. */
DBusConnection *otaux_dbus_connect(DBusBusType type, const char *address, DBusError *err);
void otaux_dbus_mainloop_attach(DBusConnection *connection, GMainContext *context);
/* Removes every source again; call before the last unref. */
void otaux_dbus_mainloop_detach(DBusConnection *connection);

G_END_DECLS
