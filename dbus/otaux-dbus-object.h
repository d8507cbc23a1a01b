/* Table-driven D-Bus objects on a libdbus connection.
 *
 * Each interface is a table of methods (name, input signature, handler,
 * flags) and properties (name, signature, getter). One dispatcher serves
 * every registered path: it answers Introspect and Properties from the
 * tables, checks the signature before any handler runs, resolves the
 * caller's uid (asynchronously, cached) for methods that need it, and
 * replies with an error to anything unknown. */
#pragma once

#include <dbus/dbus.h>
#include <glib.h>

#include "otaux-dbus-names.h"

G_BEGIN_DECLS

typedef struct _OtauxDBusServer OtauxDBusServer;

/* A handler gets a call whose signature already matched. It returns the
 * reply (or an error reply); it never waits for a person. */
typedef DBusMessage *(*OtauxDBusMethodFunc)(OtauxDBusServer *server, DBusMessage *call,
                                            guint32 caller_uid, gpointer object_data);
/* Appends the property's value (not the variant) to @iter. */
typedef void (*OtauxDBusGetterFunc)(OtauxDBusServer *server, DBusMessageIter *iter,
                                    gpointer object_data);

typedef enum {
  OTAUX_DBUS_METHOD_NEEDS_UID = 1 << 0, /* resolve the caller's uid first */
} OtauxDBusMethodFlags;

typedef struct {
  const char *name;
  const char *in_signature;
  const char *out_signature;
  OtauxDBusMethodFunc handler;
  guint flags;
} OtauxDBusMethod;

typedef struct {
  const char *name;
  const char *signature;
  OtauxDBusGetterFunc get;
} OtauxDBusProperty;

typedef struct {
  const char *name;
  const char *signature;
} OtauxDBusSignal;

typedef struct {
  const char *name;
  const OtauxDBusMethod *methods;      /* terminated by a NULL name */
  const OtauxDBusProperty *properties; /* terminated by a NULL name */
  const OtauxDBusSignal *signals;      /* terminated by a NULL name */
  const char *introspection_resource;  /* GResource path of the interface XML */
} OtauxDBusInterface;

/* Takes a reference on @connection; dispatches everything it receives. */
OtauxDBusServer *otaux_dbus_server_new(DBusConnection *connection);
void otaux_dbus_server_free(OtauxDBusServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxDBusServer, otaux_dbus_server_free)

DBusConnection *otaux_dbus_server_get_connection(OtauxDBusServer *server);
/* The connection's name-owner watcher (otaux-dbus-names.h). */
OtauxDBusNames *otaux_dbus_server_get_names(OtauxDBusServer *server);
/* The groups of @call's sender as the bus daemon gave them with its uid
 * (known in the handler of a method with OTAUX_DBUS_METHOD_NEEDS_UID);
 * NULL and 0 when unknown. */
const guint32 *otaux_dbus_server_caller_gids(OtauxDBusServer *server, DBusMessage *call,
                                             guint *n_gids);

void otaux_dbus_server_register(OtauxDBusServer *server, const char *path,
                                const OtauxDBusInterface *iface, gpointer object_data);
void otaux_dbus_server_unregister(OtauxDBusServer *server, const char *path);

/* Emits PropertiesChanged for the named properties (NULL-terminated). */
void otaux_dbus_server_emit_properties_changed(OtauxDBusServer *server, const char *path,
                                               const char *const *names);
/* Sends a message (a signal) and drops the reference. */
void otaux_dbus_server_send(OtauxDBusServer *server, DBusMessage *msg);

/* The <interface> element of an interface's XML, for Introspect. */
char *otaux_dbus_interface_xml(const OtauxDBusInterface *iface);

/* Appends a variant holding one basic value. */
void otaux_dbus_append_variant(DBusMessageIter *iter, int type, const void *value);
/* Appends an a{sv} dict entry with a basic value. */
void otaux_dbus_append_entry(DBusMessageIter *dict, const char *key, int type, const void *value);

G_END_DECLS
