/* Runs a libdbus connection on a GLib main context: each DBusWatch becomes
 * a unix-fd source, each DBusTimeout a timeout source, and the connection
 * is dispatched from an idle source while data remains. */
#pragma once

#include <dbus/dbus.h>
#include <glib.h>

G_BEGIN_DECLS

void otaux_dbus_mainloop_attach(DBusConnection *connection, GMainContext *context);
/* Removes every source again; call before the last unref. */
void otaux_dbus_mainloop_detach(DBusConnection *connection);

G_END_DECLS
