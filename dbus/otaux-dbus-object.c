/* One dispatcher for every object the agent exports. */
#include "otaux-dbus-object.h"

#include <gio/gio.h>
#include <string.h>

#include "otaux-dbus-error.h"
#include "otaux-dbus-names.h"
#include "otaux-dbus-resources.h"
#include "otaux-dbus-util.h"

#define UID_LOOKUP_TIMEOUT_MS 5000

typedef struct {
  char *path;
  const OtauxDBusInterface *iface;
  gpointer data;
} Object;

struct _OtauxDBusServer {
  DBusConnection *connection;
  GHashTable *objects; /* path -> Object */
  OtauxDBusNames *names;
  GHashTable *callers; /* unique name -> Caller, while the name lives */
  GHashTable *waiting; /* unique name -> GQueue of calls waiting for its uid */
  GHashTable *lookups; /* GetConnectionCredentials calls in flight, cancelled at free */
};

static const char standard_interfaces_xml[] =
    "  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
    "    <method name=\"Introspect\"><arg name=\"xml\" type=\"s\" direction=\"out\"/></method>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Properties\">\n"
    "    <method name=\"Get\"><arg name=\"interface\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"out\"/></method>\n"
    "    <method name=\"GetAll\"><arg name=\"interface\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"properties\" type=\"a{sv}\" direction=\"out\"/></method>\n"
    "    <method name=\"Set\"><arg name=\"interface\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"in\"/></method>\n"
    "    <signal name=\"PropertiesChanged\"><arg name=\"interface\" type=\"s\"/>"
    "<arg name=\"changed\" type=\"a{sv}\"/><arg name=\"invalidated\" type=\"as\"/></signal>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Peer\">\n"
    "    <method name=\"Ping\"/>\n"
    "    <method name=\"GetMachineId\"><arg name=\"id\" type=\"s\" direction=\"out\"/></method>\n"
    "  </interface>\n";

static void object_free(gpointer data)
{
  Object *obj = data;
  g_free(obj->path);
  g_free(obj);
}

static void queue_free(gpointer data)
{
  g_queue_free_full(data, (GDestroyNotify)dbus_message_unref);
}

/* ---- helpers ---- */

void otaux_dbus_append_variant(DBusMessageIter *iter, int type, const void *value)
{
  DBusMessageIter var;
  char sig[2] = { (char)type, '\0' };
  dbus_message_iter_open_container(iter, DBUS_TYPE_VARIANT, sig, &var);
  dbus_message_iter_append_basic(&var, type, value);
  dbus_message_iter_close_container(iter, &var);
}

void otaux_dbus_append_entry(DBusMessageIter *dict, const char *key, int type, const void *value)
{
  DBusMessageIter entry;
  dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &key);
  otaux_dbus_append_variant(&entry, type, value);
  dbus_message_iter_close_container(dict, &entry);
}

static void send_and_unref(OtauxDBusServer *server, DBusMessage *msg)
{
  if (msg == NULL)
    return;
  dbus_connection_send(server->connection, msg, NULL);
  dbus_message_unref(msg);
}

static void reply(OtauxDBusServer *server, DBusMessage *call, DBusMessage *msg)
{
  if (dbus_message_get_no_reply(call)) {
    if (msg != NULL)
      dbus_message_unref(msg);
    return;
  }
  send_and_unref(server, msg);
}

static DBusMessage *error_reply(DBusMessage *call, const char *name, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static DBusMessage *error_reply(DBusMessage *call, const char *name, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *text = g_strdup_vprintf(format, args);
  va_end(args);
  return dbus_message_new_error(call, name, text);
}

char *otaux_dbus_interface_xml(const OtauxDBusInterface *iface)
{
  g_autoptr(GBytes) bytes = g_resource_lookup_data(
      otaux_dbus_get_resource(), iface->introspection_resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    return g_strdup_printf("  <interface name=\"%s\"/>\n", iface->name);
  gsize len = 0;
  const char *xml = g_bytes_get_data(bytes, &len);
  g_autofree char *text = g_strndup(xml, len);
  const char *start = strstr(text, "<interface");
  const char *end = g_strrstr(text, "</interface>");
  if (start == NULL || end == NULL)
    return g_strdup_printf("  <interface name=\"%s\"/>\n", iface->name);
  end += strlen("</interface>");
  return g_strdup_printf("  %.*s\n", (int)(end - start), start);
}

static const char *interface_xml_cached(const OtauxDBusInterface *iface)
{
  /* Interfaces are static tables: cache their XML by address, once. */
  static GHashTable *cache;
  if (cache == NULL)
    cache = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  char *xml = g_hash_table_lookup(cache, iface);
  if (xml == NULL) {
    xml = otaux_dbus_interface_xml(iface);
    g_hash_table_insert(cache, (gpointer)iface, xml);
  }
  return xml;
}

/* ---- Introspect ---- */

static gint compare_names(gconstpointer a, gconstpointer b)
{
  return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static DBusMessage *handle_introspect(OtauxDBusServer *server, DBusMessage *call, const char *path,
                                      Object *obj)
{
  g_autoptr(GHashTable) children = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  gsize plen = strlen(path);
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init(&it, server->objects);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    const char *p = key;
    const char *rest;
    if (strcmp(path, "/") == 0)
      rest = p + 1;
    else if (strncmp(p, path, plen) == 0 && p[plen] == '/')
      rest = p + plen + 1;
    else
      continue;
    const char *slash = strchr(rest, '/');
    char *child = slash ? g_strndup(rest, (gsize)(slash - rest)) : g_strdup(rest);
    if (*child == '\0' || g_hash_table_contains(children, child)) {
      g_free(child);
      continue;
    }
    g_hash_table_add(children, child);
    g_ptr_array_add(names, child);
  }
  if (obj == NULL && names->len == 0)
    return error_reply(call, DBUS_ERROR_UNKNOWN_OBJECT, "No such object path '%s'", path);

  g_ptr_array_sort(names, compare_names);
  GString *xml = g_string_new(DBUS_INTROSPECT_1_0_XML_DOCTYPE_DECL_NODE "<node>\n");
  if (obj != NULL) {
    g_string_append(xml, standard_interfaces_xml);
    g_string_append(xml, interface_xml_cached(obj->iface));
  }
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf(xml, "  <node name=\"%s\"/>\n", (const char *)names->pdata[i]);
  g_string_append(xml, "</node>\n");

  DBusMessage *msg = dbus_message_new_method_return(call);
  const char *s = xml->str;
  dbus_message_append_args(msg, DBUS_TYPE_STRING, &s, DBUS_TYPE_INVALID);
  g_string_free(xml, TRUE);
  return msg;
}

/* ---- Properties ---- */

static const OtauxDBusProperty *find_property(const OtauxDBusInterface *iface, const char *name)
{
  for (const OtauxDBusProperty *p = iface->properties; p != NULL && p->name != NULL; p++)
    if (strcmp(p->name, name) == 0)
      return p;
  return NULL;
}

static void append_property(OtauxDBusServer *server, DBusMessageIter *iter,
                            const OtauxDBusProperty *prop, gpointer data)
{
  DBusMessageIter var;
  dbus_message_iter_open_container(iter, DBUS_TYPE_VARIANT, prop->signature, &var);
  prop->get(server, &var, data);
  dbus_message_iter_close_container(iter, &var);
}

static void append_properties(OtauxDBusServer *server, DBusMessageIter *iter,
                              const OtauxDBusInterface *iface, gpointer data,
                              const char *const *names)
{
  DBusMessageIter dict, entry;
  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
  for (const OtauxDBusProperty *p = iface->properties; p != NULL && p->name != NULL; p++) {
    if (names != NULL && !g_strv_contains(names, p->name))
      continue;
    dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &p->name);
    append_property(server, &entry, p, data);
    dbus_message_iter_close_container(&dict, &entry);
  }
  dbus_message_iter_close_container(iter, &dict);
}

static DBusMessage *handle_properties(OtauxDBusServer *server, DBusMessage *call, Object *obj)
{
  const char *member = dbus_message_get_member(call);
  const char *iface_name = NULL;
  const char *prop_name = NULL;
  DBusMessageIter iter;

  if (g_strcmp0(member, "GetAll") == 0) {
    if (!dbus_message_has_signature(call, "s"))
      return error_reply(call, OTAUX_ERROR_INVALID_ARGS, "GetAll takes (s), not (%s)",
                         dbus_message_get_signature(call));
    dbus_message_get_args(call, NULL, DBUS_TYPE_STRING, &iface_name, DBUS_TYPE_INVALID);
    DBusMessage *msg = dbus_message_new_method_return(call);
    dbus_message_iter_init_append(msg, &iter);
    if (*iface_name == '\0' || strcmp(iface_name, obj->iface->name) == 0) {
      append_properties(server, &iter, obj->iface, obj->data, NULL);
    } else {
      DBusMessageIter dict;
      dbus_message_iter_open_container(&iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
      dbus_message_iter_close_container(&iter, &dict);
    }
    return msg;
  }

  if (g_strcmp0(member, "Get") == 0 || g_strcmp0(member, "Set") == 0) {
    gboolean is_get = strcmp(member, "Get") == 0;
    if (!dbus_message_has_signature(call, is_get ? "ss" : "ssv"))
      return error_reply(call, OTAUX_ERROR_INVALID_ARGS, "%s takes (%s), not (%s)", member,
                         is_get ? "ss" : "ssv", dbus_message_get_signature(call));
    dbus_message_iter_init(call, &iter);
    dbus_message_iter_get_basic(&iter, &iface_name);
    dbus_message_iter_next(&iter);
    dbus_message_iter_get_basic(&iter, &prop_name);
    if (*iface_name != '\0' && strcmp(iface_name, obj->iface->name) != 0)
      return error_reply(call, DBUS_ERROR_UNKNOWN_INTERFACE, "No interface '%s' at '%s'",
                         iface_name, obj->path);
    const OtauxDBusProperty *prop = find_property(obj->iface, prop_name);
    if (prop == NULL)
      return error_reply(call, DBUS_ERROR_UNKNOWN_PROPERTY, "No property '%s' on '%s'", prop_name,
                         obj->iface->name);
    if (!is_get)
      return error_reply(call, DBUS_ERROR_PROPERTY_READ_ONLY, "Property '%s' is read-only",
                         prop_name);
    DBusMessage *msg = dbus_message_new_method_return(call);
    dbus_message_iter_init_append(msg, &iter);
    append_property(server, &iter, prop, obj->data);
    return msg;
  }

  return error_reply(call, DBUS_ERROR_UNKNOWN_METHOD, "No method '%s' in '%s'", member,
                     DBUS_INTERFACE_PROPERTIES);
}

/* ---- caller uid and groups, resolved asynchronously and cached ---- */

static void dispatch_call(OtauxDBusServer *server, DBusMessage *call);

typedef struct {
  guint32 uid;
  GArray *gids; /* guint32: the process's groups, as the bus daemon saw them */
  guint watch;  /* on the caller's unique name */
} Caller;

static void caller_free(gpointer data)
{
  Caller *caller = data;
  g_array_unref(caller->gids);
  g_free(caller);
}

/* GetConnectionCredentials' a{sv}: UnixUserID, and UnixGroupIDs where the
 * bus daemon gives them (none otherwise). */
static gboolean parse_credentials(DBusMessage *msg, guint32 *uid, GArray *gids)
{
  DBusMessageIter iter, dict, entry, var, array;
  gboolean have_uid = FALSE;

  if (msg == NULL || dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
      !dbus_message_has_signature(msg, "a{sv}"))
    return FALSE;
  dbus_message_iter_init(msg, &iter);
  dbus_message_iter_recurse(&iter, &dict);
  for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
       dbus_message_iter_next(&dict)) {
    const char *key = NULL;
    dbus_message_iter_recurse(&dict, &entry);
    dbus_message_iter_get_basic(&entry, &key);
    dbus_message_iter_next(&entry);
    dbus_message_iter_recurse(&entry, &var);
    if (strcmp(key, "UnixUserID") == 0 &&
        dbus_message_iter_get_arg_type(&var) == DBUS_TYPE_UINT32) {
      dbus_uint32_t u = 0;
      dbus_message_iter_get_basic(&var, &u);
      *uid = u;
      have_uid = TRUE;
    } else if (strcmp(key, "UnixGroupIDs") == 0 &&
               dbus_message_iter_get_arg_type(&var) == DBUS_TYPE_ARRAY &&
               dbus_message_iter_get_element_type(&var) == DBUS_TYPE_UINT32) {
      dbus_message_iter_recurse(&var, &array);
      for (; dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_UINT32;
           dbus_message_iter_next(&array)) {
        dbus_uint32_t g = 0;
        dbus_message_iter_get_basic(&array, &g);
        guint32 gid = g;
        g_array_append_val(gids, gid);
      }
    }
  }
  return have_uid;
}

/* A unique name is never reused: forget its uid when it leaves. */
static void on_caller_owner(const char *name, const char *owner, gpointer data)
{
  OtauxDBusServer *server = data;
  Caller *caller = g_hash_table_lookup(server->callers, name);

  if (owner != NULL || caller == NULL)
    return;
  otaux_dbus_names_unwatch(server->names, caller->watch);
  g_hash_table_remove(server->callers, name);
}

typedef struct {
  OtauxDBusServer *server;
  char *sender;
} UidLookup;

static void uid_lookup_free(void *data)
{
  UidLookup *lookup = data;
  g_free(lookup->sender);
  g_free(lookup);
}

static void uid_reply_cb(DBusPendingCall *pending, void *data)
{
  UidLookup *lookup = data;
  OtauxDBusServer *server = lookup->server;
  g_autoptr(DBusMessage) msg = dbus_pending_call_steal_reply(pending);

  g_hash_table_remove(server->lookups, pending); /* unrefs it */
  guint32 uid = 0;
  g_autoptr(GArray) gids = g_array_new(FALSE, FALSE, sizeof(guint32));
  gboolean ok = parse_credentials(msg, &uid, gids);

  g_autofree char *waiting_key = NULL;
  GQueue *queue = NULL;
  if (!g_hash_table_steal_extended(server->waiting, lookup->sender, (gpointer *)&waiting_key,
                                   (gpointer *)&queue))
    return;

  if (ok) {
    Caller *caller = g_new0(Caller, 1);
    caller->uid = uid;
    caller->gids = g_steal_pointer(&gids);
    g_hash_table_insert(server->callers, g_strdup(lookup->sender), caller);
    caller->watch = otaux_dbus_names_watch(server->names, lookup->sender, on_caller_owner, server);
  }
  DBusMessage *call;
  while ((call = g_queue_pop_head(queue)) != NULL) {
    if (ok)
      dispatch_call(server, call);
    else
      reply(server, call,
            error_reply(call, OTAUX_ERROR_ACCESS_DENIED, "The caller '%s' could not be identified",
                        lookup->sender));
    dbus_message_unref(call);
  }
  g_queue_free(queue);
}

/* Returns TRUE with @uid when known; otherwise queues @call (in order) and
 * starts the lookup. */
static gboolean caller_uid(OtauxDBusServer *server, DBusMessage *call, guint32 *uid)
{
  const char *sender = dbus_message_get_sender(call);
  Caller *caller;

  if (sender == NULL) { /* a peer-to-peer connection: ask the socket */
    unsigned long u = 0;
    if (!dbus_connection_get_unix_user(server->connection, &u))
      return FALSE;
    *uid = (guint32)u;
    return TRUE;
  }
  if ((caller = g_hash_table_lookup(server->callers, sender)) != NULL) {
    *uid = caller->uid;
    return TRUE;
  }

  GQueue *queue = g_hash_table_lookup(server->waiting, sender);
  if (queue != NULL) { /* a lookup is in flight */
    g_queue_push_tail(queue, dbus_message_ref(call));
    return FALSE;
  }

  g_autoptr(DBusMessage) ask = dbus_message_new_method_call(
      DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS, "GetConnectionCredentials");
  DBusPendingCall *pending = NULL;
  dbus_message_append_args(ask, DBUS_TYPE_STRING, &sender, DBUS_TYPE_INVALID);
  if (!dbus_connection_send_with_reply(server->connection, ask, &pending, UID_LOOKUP_TIMEOUT_MS) ||
      pending == NULL) {
    reply(server, call,
          error_reply(call, OTAUX_ERROR_ACCESS_DENIED, "The caller could not be identified"));
    return FALSE;
  }
  queue = g_queue_new();
  g_queue_push_tail(queue, dbus_message_ref(call));
  g_hash_table_insert(server->waiting, g_strdup(sender), queue);

  UidLookup *lookup = g_new0(UidLookup, 1);
  lookup->server = server;
  lookup->sender = g_strdup(sender);
  dbus_pending_call_set_notify(pending, uid_reply_cb, lookup, uid_lookup_free);
  g_hash_table_add(server->lookups, pending);
  return FALSE;
}

/* ---- dispatch ---- */

static const OtauxDBusMethod *find_method(const OtauxDBusInterface *iface, const char *name)
{
  for (const OtauxDBusMethod *m = iface->methods; m != NULL && m->name != NULL; m++)
    if (strcmp(m->name, name) == 0)
      return m;
  return NULL;
}

static void dispatch_call(OtauxDBusServer *server, DBusMessage *call)
{
  const char *path = dbus_message_get_path(call);
  const char *iface = dbus_message_get_interface(call);
  const char *member = dbus_message_get_member(call);
  Object *obj = g_hash_table_lookup(server->objects, path);

  if (g_strcmp0(member, "Introspect") == 0 &&
      (iface == NULL || strcmp(iface, DBUS_INTERFACE_INTROSPECTABLE) == 0)) {
    reply(server, call, handle_introspect(server, call, path, obj));
    return;
  }
  if (obj == NULL) {
    reply(server, call,
          error_reply(call, DBUS_ERROR_UNKNOWN_OBJECT, "No such object path '%s'", path));
    return;
  }
  if (g_strcmp0(iface, DBUS_INTERFACE_PROPERTIES) == 0) {
    reply(server, call, handle_properties(server, call, obj));
    return;
  }
  if (iface != NULL && strcmp(iface, obj->iface->name) != 0) {
    reply(
        server, call,
        error_reply(call, DBUS_ERROR_UNKNOWN_INTERFACE, "No interface '%s' at '%s'", iface, path));
    return;
  }
  const OtauxDBusMethod *method = find_method(obj->iface, member);
  if (method == NULL) {
    reply(server, call,
          error_reply(call, DBUS_ERROR_UNKNOWN_METHOD, "No method '%s' in '%s'", member,
                      obj->iface->name));
    return;
  }
  if (!dbus_message_has_signature(call, method->in_signature)) {
    reply(server, call,
          error_reply(call, OTAUX_ERROR_INVALID_ARGS, "%s takes (%s), not (%s)", member,
                      method->in_signature, dbus_message_get_signature(call)));
    return;
  }
  guint32 uid = G_MAXUINT32;
  if ((method->flags & OTAUX_DBUS_METHOD_NEEDS_UID) && !caller_uid(server, call, &uid))
    return; /* queued until the uid is known */
  reply(server, call, method->handler(server, call, uid, obj->data));
}

static DBusHandlerResult message_cb(DBusConnection *connection, DBusMessage *msg, void *data)
{
  if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL)
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  dispatch_call(data, msg);
  return DBUS_HANDLER_RESULT_HANDLED;
}

static const DBusObjectPathVTable fallback_vtable = {
  .message_function = message_cb,
};

OtauxDBusServer *otaux_dbus_server_new(DBusConnection *connection)
{
  OtauxDBusServer *server = g_new0(OtauxDBusServer, 1);
  server->connection = dbus_connection_ref(connection);
  server->objects = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, object_free);
  server->names = otaux_dbus_names_new(connection);
  server->callers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, caller_free);
  server->waiting = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, queue_free);
  server->lookups =
      g_hash_table_new_full(NULL, NULL, (GDestroyNotify)dbus_pending_call_unref, NULL);
  /* One fallback at the root: every path reaches the one dispatcher. */
  dbus_connection_register_fallback(connection, "/", &fallback_vtable, server);
  return server;
}

void otaux_dbus_server_free(OtauxDBusServer *server)
{
  if (server == NULL)
    return;
  dbus_connection_unregister_object_path(server->connection, "/");
  g_hash_table_destroy(server->objects);
  g_clear_pointer(&server->names, otaux_dbus_names_free);
  g_hash_table_destroy(server->callers);
  /* Cancel the lookups in flight: their callbacks point at @server. */
  GHashTableIter iter;
  gpointer pending;
  g_hash_table_iter_init(&iter, server->lookups);
  while (g_hash_table_iter_next(&iter, &pending, NULL))
    dbus_pending_call_cancel(pending);
  g_hash_table_destroy(server->lookups);
  g_hash_table_destroy(server->waiting);
  dbus_connection_unref(server->connection);
  g_free(server);
}

const guint32 *otaux_dbus_server_caller_gids(OtauxDBusServer *server, DBusMessage *call,
                                             guint *n_gids)
{
  const char *sender = dbus_message_get_sender(call);
  Caller *caller = sender != NULL ? g_hash_table_lookup(server->callers, sender) : NULL;

  *n_gids = caller != NULL ? caller->gids->len : 0;
  return caller != NULL ? (const guint32 *)(void *)caller->gids->data : NULL;
}

OtauxDBusNames *otaux_dbus_server_get_names(OtauxDBusServer *server)
{
  return server->names;
}

DBusConnection *otaux_dbus_server_get_connection(OtauxDBusServer *server)
{
  return server->connection;
}

void otaux_dbus_server_register(OtauxDBusServer *server, const char *path,
                                const OtauxDBusInterface *iface, gpointer object_data)
{
  Object *obj = g_new0(Object, 1);
  obj->path = g_strdup(path);
  obj->iface = iface;
  obj->data = object_data;
  g_hash_table_replace(server->objects, obj->path, obj);
}

void otaux_dbus_server_unregister(OtauxDBusServer *server, const char *path)
{
  g_hash_table_remove(server->objects, path);
}

void otaux_dbus_server_send(OtauxDBusServer *server, DBusMessage *msg)
{
  send_and_unref(server, msg);
}

void otaux_dbus_server_emit_properties_changed(OtauxDBusServer *server, const char *path,
                                               const char *const *names)
{
  Object *obj = g_hash_table_lookup(server->objects, path);
  DBusMessageIter iter, empty;

  if (obj == NULL || names == NULL || names[0] == NULL)
    return;
  DBusMessage *msg = dbus_message_new_signal(path, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged");
  dbus_message_iter_init_append(msg, &iter);
  dbus_message_iter_append_basic(&iter, DBUS_TYPE_STRING, &obj->iface->name);
  append_properties(server, &iter, obj->iface, obj->data, names);
  dbus_message_iter_open_container(&iter, DBUS_TYPE_ARRAY, "s", &empty);
  dbus_message_iter_close_container(&iter, &empty);
  send_and_unref(server, msg);
}
