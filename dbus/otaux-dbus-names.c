/* The name-owner watcher (see otaux-dbus-names.h). One match rule per
 * watched name, shared by its watches; one filter on the connection. */
#include "otaux-dbus-names.h"

#include <string.h>

#include "otaux-dbus-util.h"

#define OWNER_LOOKUP_TIMEOUT_MS 5000

typedef struct {
  char *name;
  OtauxDBusOwnerFunc func;
  gpointer user_data;
} Watch;

struct _OtauxDBusNames {
  DBusConnection *connection;
  GHashTable *watches; /* id -> Watch */
  GHashTable *rules;   /* name -> number of watches of it (its match rule) */
  GHashTable *pending; /* DBusPendingCall -> watch id, GetNameOwner in flight */
  guint next_id;
};

typedef struct {
  OtauxDBusNames *names;
  guint id;
} Lookup;

static void watch_free(gpointer data)
{
  Watch *w = data;
  g_free(w->name);
  g_free(w);
}

static char *match_rule(const char *name)
{
  return g_strdup_printf("type='signal',sender='" DBUS_SERVICE_DBUS
                         "',interface='" DBUS_INTERFACE_DBUS
                         "',member='NameOwnerChanged',arg0='%s'",
                         name);
}

/* Calls every watch of @name; ids first, since a callback may unwatch. */
static void notify(OtauxDBusNames *names, const char *name, const char *owner)
{
  g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(guint));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init(&iter, names->watches);
  while (g_hash_table_iter_next(&iter, &key, &value))
    if (g_str_equal(((Watch *)value)->name, name)) {
      guint id = GPOINTER_TO_UINT(key);
      g_array_append_val(ids, id);
    }
  for (guint i = 0; i < ids->len; i++) {
    Watch *w = g_hash_table_lookup(names->watches, GUINT_TO_POINTER(g_array_index(ids, guint, i)));
    if (w != NULL)
      w->func(name, owner, w->user_data);
  }
}

static DBusHandlerResult filter_cb(DBusConnection *connection, DBusMessage *msg, void *data)
{
  OtauxDBusNames *names = data;
  const char *name = NULL, *old_owner = NULL, *new_owner = NULL;

  if (!dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameOwnerChanged") ||
      g_strcmp0(dbus_message_get_sender(msg), DBUS_SERVICE_DBUS) != 0 ||
      !dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old_owner,
                             DBUS_TYPE_STRING, &new_owner, DBUS_TYPE_INVALID))
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  if (g_hash_table_contains(names->rules, name))
    notify(names, name, new_owner[0] != '\0' ? new_owner : NULL);
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static void lookup_reply_cb(DBusPendingCall *pending, void *data)
{
  Lookup *lookup = data;
  OtauxDBusNames *names = lookup->names;
  g_autoptr(DBusMessage) reply = dbus_pending_call_steal_reply(pending);
  const char *owner = NULL;

  g_hash_table_remove(names->pending, pending); /* unrefs it */
  Watch *w = g_hash_table_lookup(names->watches, GUINT_TO_POINTER(lookup->id));
  if (w == NULL)
    return;
  /* An error (NameHasNoOwner) means no owner yet: NameOwnerChanged tells later. */
  if (reply == NULL || dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
      !dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &owner, DBUS_TYPE_INVALID))
    owner = NULL;
  w->func(w->name, owner, w->user_data);
}

guint otaux_dbus_names_watch(OtauxDBusNames *names, const char *name, OtauxDBusOwnerFunc func,
                             gpointer user_data)
{
  guint id = ++names->next_id;
  Watch *w = g_new0(Watch, 1);
  guint n_rule = GPOINTER_TO_UINT(g_hash_table_lookup(names->rules, name));

  w->name = g_strdup(name);
  w->func = func;
  w->user_data = user_data;
  g_hash_table_insert(names->watches, GUINT_TO_POINTER(id), w);
  if (n_rule == 0) {
    g_autofree char *rule = match_rule(name);
    dbus_bus_add_match(names->connection, rule, NULL); /* NULL error: does not block */
  }
  g_hash_table_insert(names->rules, g_strdup(name), GUINT_TO_POINTER(n_rule + 1));

  /* Asked after the match is added: no change can fall in between. */
  g_autoptr(DBusMessage) ask = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
                                                            DBUS_INTERFACE_DBUS, "GetNameOwner");
  DBusPendingCall *pending = NULL;
  dbus_message_append_args(ask, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
  if (dbus_connection_send_with_reply(names->connection, ask, &pending, OWNER_LOOKUP_TIMEOUT_MS) &&
      pending != NULL) {
    Lookup *lookup = g_new0(Lookup, 1);
    lookup->names = names;
    lookup->id = id;
    g_hash_table_insert(names->pending, pending, GUINT_TO_POINTER(id));
    dbus_pending_call_set_notify(pending, lookup_reply_cb, lookup, g_free);
  }
  return id;
}

void otaux_dbus_names_unwatch(OtauxDBusNames *names, guint id)
{
  Watch *w = g_hash_table_lookup(names->watches, GUINT_TO_POINTER(id));
  if (w == NULL)
    return;
  guint n_rule = GPOINTER_TO_UINT(g_hash_table_lookup(names->rules, w->name));
  if (n_rule <= 1) {
    g_autofree char *rule = match_rule(w->name);
    dbus_bus_remove_match(names->connection, rule, NULL);
    g_hash_table_remove(names->rules, w->name);
  } else {
    g_hash_table_insert(names->rules, g_strdup(w->name), GUINT_TO_POINTER(n_rule - 1));
  }
  g_hash_table_remove(names->watches, GUINT_TO_POINTER(id));
}

OtauxDBusNames *otaux_dbus_names_new(DBusConnection *connection)
{
  OtauxDBusNames *names = g_new0(OtauxDBusNames, 1);
  names->connection = dbus_connection_ref(connection);
  names->watches = g_hash_table_new_full(NULL, NULL, NULL, watch_free);
  names->rules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  names->pending = g_hash_table_new_full(NULL, NULL, (GDestroyNotify)dbus_pending_call_unref, NULL);
  dbus_connection_add_filter(connection, filter_cb, names, NULL);
  return names;
}

void otaux_dbus_names_free(OtauxDBusNames *names)
{
  if (names == NULL)
    return;
  dbus_connection_remove_filter(names->connection, filter_cb, names);
  /* Cancel what is in flight: its callbacks point at @names. */
  GHashTableIter iter;
  gpointer pending;
  g_hash_table_iter_init(&iter, names->pending);
  while (g_hash_table_iter_next(&iter, &pending, NULL))
    dbus_pending_call_cancel(pending);
  g_hash_table_destroy(names->pending);
  g_hash_table_destroy(names->watches);
  g_hash_table_destroy(names->rules);
  dbus_connection_unref(names->connection);
  g_free(names);
}
