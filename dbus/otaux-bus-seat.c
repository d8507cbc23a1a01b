/* Who may answer on the system instance: only a process of the user of the
 * active local session on seat0. The bus daemon gives the caller's PID;
 * logind (on the same system bus) gives its session, and the session's
 * Active, Remote, Seat and User. Asked afresh on every Answer (sessions
 * switch), asynchronously: the call is answered when logind has. */
#include <string.h>

#include "otaux-bus-private.h"
#include "otaux-dbus-error.h"
#include "otaux-dbus-util.h"

#define SEAT_CALL_TIMEOUT_MS 5000
#define LOGIND_NAME          "org.freedesktop.login1"
#define LOGIND_PATH          "/org/freedesktop/login1"
#define LOGIND_MANAGER       "org.freedesktop.login1.Manager"
#define LOGIND_SESSION       "org.freedesktop.login1.Session"
#define SEAT0                "seat0"
/* The end of every refusal: the rule the caller broke. */
#define WHO_MAY                                                                                    \
  "; on the system instance only a process of the user of the active local session on " SEAT0      \
  " may answer"

struct _OtauxBusSeatCheck {
  OtauxBus *bus;
  DBusMessage *call;
  guint32 uid;
  guint32 pid;
  char *session; /* its object path, once known */
  OtauxBusSeatDone done;
  gpointer data;
};

static void check_free(OtauxBusSeatCheck *check)
{
  dbus_message_unref(check->call);
  g_free(check->session);
  g_free(check);
}

static void finish(OtauxBusSeatCheck *check, GError *refused /* transfer full */)
{
  check->done(check->bus, check->call, refused, check->data);
  g_clear_error(&refused);
  check_free(check);
}

static void refuse(OtauxBusSeatCheck *check, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void refuse(OtauxBusSeatCheck *check, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *why = g_strdup_vprintf(format, args);
  va_end(args);
  finish(check, g_error_new(OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_ACCESS_DENIED, "%s" WHO_MAY, why));
}

gboolean otaux_bus_seat_decide(const OtauxBusSeatFacts *facts, guint32 uid, GError **error)
{
  g_autofree char *text = NULL;

  if (facts == NULL)
    text = uid == 0 ? g_strdup("root without a login session may not answer")
                    : g_strdup_printf("uid %u has no login session", uid);
  else if (facts->user != uid)
    text = g_strdup_printf("uid %u is not the user of session %s (uid %u)", uid, facts->id,
                           facts->user);
  else if (facts->remote)
    text = g_strdup_printf("session %s is a remote (ssh) session", facts->id);
  else if (g_strcmp0(facts->seat, SEAT0) != 0)
    text = g_strdup_printf("session %s is not on " SEAT0 " (seat '%s')", facts->id, facts->seat);
  else if (!facts->active)
    text = g_strdup_printf("session %s is not the active session", facts->id);
  if (text == NULL)
    return TRUE;
  g_set_error(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_ACCESS_DENIED, "%s" WHO_MAY, text);
  return FALSE;
}

/* Sends @msg and calls @notify with @check on the reply (or the timeout). */
static void ask(OtauxBusSeatCheck *check, DBusMessage *msg, DBusPendingCallNotifyFunction notify)
{
  DBusPendingCall *pending = NULL;

  if (!dbus_connection_send_with_reply(check->bus->connection, msg, &pending,
                                       SEAT_CALL_TIMEOUT_MS) ||
      pending == NULL) {
    refuse(check, "the caller's session could not be asked for");
    return;
  }
  g_hash_table_insert(check->bus->seat_checks, pending, check);
  dbus_pending_call_set_notify(pending, notify, check, NULL);
}

static gboolean get_variant(DBusMessageIter *entry, int type, void *value)
{
  DBusMessageIter var;

  dbus_message_iter_recurse(entry, &var);
  if (dbus_message_iter_get_arg_type(&var) != type)
    return FALSE;
  dbus_message_iter_get_basic(&var, value);
  return TRUE;
}

/* A (so) or (uo) variant: its first member. */
static gboolean get_struct_first(DBusMessageIter *entry, int type, void *value)
{
  DBusMessageIter var, st;

  dbus_message_iter_recurse(entry, &var);
  if (dbus_message_iter_get_arg_type(&var) != DBUS_TYPE_STRUCT)
    return FALSE;
  dbus_message_iter_recurse(&var, &st);
  if (dbus_message_iter_get_arg_type(&st) != type)
    return FALSE;
  dbus_message_iter_get_basic(&st, value);
  return TRUE;
}

static void on_session_props(DBusPendingCall *pending, void *data)
{
  OtauxBusSeatCheck *check = data;
  g_autoptr(DBusMessage) msg = dbus_pending_call_steal_reply(pending);
  DBusMessageIter iter, dict, entry;
  OtauxBusSeatFacts facts = { .id = "", .seat = "" };
  dbus_bool_t active = FALSE, remote = FALSE;
  gboolean have_user = FALSE;

  g_hash_table_remove(check->bus->seat_checks, pending);
  if (msg == NULL || dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
      !dbus_message_has_signature(msg, "a{sv}")) {
    refuse(check, "logind did not describe session %s", check->session);
    return;
  }
  dbus_message_iter_init(msg, &iter);
  dbus_message_iter_recurse(&iter, &dict);
  for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
       dbus_message_iter_next(&dict)) {
    const char *name = NULL;
    dbus_message_iter_recurse(&dict, &entry);
    dbus_message_iter_get_basic(&entry, &name);
    dbus_message_iter_next(&entry);
    if (strcmp(name, "Active") == 0)
      get_variant(&entry, DBUS_TYPE_BOOLEAN, &active);
    else if (strcmp(name, "Remote") == 0)
      get_variant(&entry, DBUS_TYPE_BOOLEAN, &remote);
    else if (strcmp(name, "Id") == 0)
      get_variant(&entry, DBUS_TYPE_STRING, &facts.id);
    else if (strcmp(name, "Seat") == 0)
      get_struct_first(&entry, DBUS_TYPE_STRING, &facts.seat);
    else if (strcmp(name, "User") == 0)
      have_user = get_struct_first(&entry, DBUS_TYPE_UINT32, &facts.user);
  }
  if (!have_user) {
    refuse(check, "logind did not say whose session %s is", check->session);
    return;
  }
  facts.active = active;
  facts.remote = remote;
  GError *error = NULL;
  finish(check, otaux_bus_seat_decide(&facts, check->uid, &error) ? NULL : error);
}

static void on_session(DBusPendingCall *pending, void *data)
{
  OtauxBusSeatCheck *check = data;
  g_autoptr(DBusMessage) msg = dbus_pending_call_steal_reply(pending);
  const char *path = NULL;

  g_hash_table_remove(check->bus->seat_checks, pending);
  if (msg != NULL && dbus_message_is_error(msg, "org.freedesktop.login1.NoSessionForPID")) {
    GError *error = NULL;
    finish(check, otaux_bus_seat_decide(NULL, check->uid, &error) ? NULL : error);
    return;
  }
  if (msg == NULL || dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
      !dbus_message_get_args(msg, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID)) {
    const char *err = msg != NULL ? dbus_message_get_error_name(msg) : NULL;
    refuse(check, "logind could not tell the session of PID %u (%s)", check->pid,
           err != NULL ? err : "no reply");
    return;
  }
  check->session = g_strdup(path);
  g_autoptr(DBusMessage) ask_props =
      dbus_message_new_method_call(LOGIND_NAME, path, DBUS_INTERFACE_PROPERTIES, "GetAll");
  const char *iface = LOGIND_SESSION;
  dbus_message_append_args(ask_props, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID);
  ask(check, ask_props, on_session_props);
}

static void on_pid(DBusPendingCall *pending, void *data)
{
  OtauxBusSeatCheck *check = data;
  g_autoptr(DBusMessage) msg = dbus_pending_call_steal_reply(pending);
  dbus_uint32_t pid = 0;

  g_hash_table_remove(check->bus->seat_checks, pending);
  if (msg == NULL || dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
      !dbus_message_get_args(msg, NULL, DBUS_TYPE_UINT32, &pid, DBUS_TYPE_INVALID)) {
    refuse(check, "the bus did not give the caller's PID");
    return;
  }
  check->pid = pid;
  g_autoptr(DBusMessage) ask_session =
      dbus_message_new_method_call(LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER, "GetSessionByPID");
  dbus_message_append_args(ask_session, DBUS_TYPE_UINT32, &pid, DBUS_TYPE_INVALID);
  ask(check, ask_session, on_session);
}

void otaux_bus_seat_check(OtauxBus *bus, DBusMessage *call, guint32 uid, OtauxBusSeatDone done,
                          gpointer data)
{
  OtauxBusSeatCheck *check = g_new0(OtauxBusSeatCheck, 1);
  const char *sender = dbus_message_get_sender(call);

  check->bus = bus;
  check->call = dbus_message_ref(call);
  check->uid = uid;
  check->done = done;
  check->data = data;
  if (sender == NULL) {
    refuse(check, "a caller without a bus name");
    return;
  }
  g_autoptr(DBusMessage) ask_pid = dbus_message_new_method_call(
      DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS, "GetConnectionUnixProcessID");
  dbus_message_append_args(ask_pid, DBUS_TYPE_STRING, &sender, DBUS_TYPE_INVALID);
  ask(check, ask_pid, on_pid);
}

void otaux_bus_seat_cancel_all(OtauxBus *bus)
{
  GHashTableIter iter;
  gpointer pending;
  if (bus->seat_checks == NULL)
    return;
  gpointer check;

  /* Their callbacks never run: the checks go without an answer (the
   * connection is closing). */
  g_hash_table_iter_init(&iter, bus->seat_checks);
  while (g_hash_table_iter_next(&iter, &pending, &check)) {
    dbus_pending_call_cancel(pending);
    check_free(check);
  }
  g_hash_table_remove_all(bus->seat_checks);
}
