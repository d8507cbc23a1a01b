/* One name-owner watcher per connection: follows who owns a bus name, with
 * an asynchronous GetNameOwner first and NameOwnerChanged after, so nothing
 * ever waits on the bus. Used for the caller-uid cache (a unique name that
 * leaves is forgotten) and for callers.names (the owners of the allowed
 * well-known names). */
#pragma once

#include <dbus/dbus.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _OtauxDBusNames OtauxDBusNames;

/* @name's owner, when first known and at each change; @owner is NULL when
 * the name has none (a unique name then never comes back). The callback may
 * unwatch, itself or others. */
typedef void (*OtauxDBusOwnerFunc)(const char *name, const char *owner, gpointer user_data);

/* Takes a reference on @connection (attached to a main loop). */
OtauxDBusNames *otaux_dbus_names_new(DBusConnection *connection);
/* Cancels the lookups in flight; no callback runs after. */
void otaux_dbus_names_free(OtauxDBusNames *names);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxDBusNames, otaux_dbus_names_free)

/* Starts following @name; returns the watch id (never 0). */
guint otaux_dbus_names_watch(OtauxDBusNames *names, const char *name, OtauxDBusOwnerFunc func,
                             gpointer user_data);
void otaux_dbus_names_unwatch(OtauxDBusNames *names, guint id);

G_END_DECLS
