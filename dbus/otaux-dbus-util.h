/* Scope-based cleanup for libdbus types. */
#pragma once

#include <dbus/dbus.h>
#include <glib.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DBusMessage, dbus_message_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DBusPendingCall, dbus_pending_call_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DBusConnection, dbus_connection_unref)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DBusError, dbus_error_free)
