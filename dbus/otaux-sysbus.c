/* otaux-sysbus: the system-bus connection, the name watching of the
 * services, asynchronous calls with time-outs, and the facts handed to the
 * core. The services themselves are in otaux-sysbus-*.c. */
#include "otaux-sysbus-private.h"

#include <string.h>
#include <unistd.h>

#include "otaux-dbus-mainloop.h"
#include "otaux-dbus-util.h"

#define DEFAULT_TIMEOUT_MS 5000

static const OtauxSysService *const services[OTAUX_SYS_N] = {
  [OTAUX_SYS_MODEMMANAGER] = &otaux_sys_modemmanager,
  [OTAUX_SYS_OFONO] = &otaux_sys_ofono,
  [OTAUX_SYS_NETWORKMANAGER] = &otaux_sys_networkmanager,
  [OTAUX_SYS_UPOWER] = &otaux_sys_upower,
  [OTAUX_SYS_LOGIND] = &otaux_sys_logind,
  [OTAUX_SYS_OTAUX] = &otaux_sys_otaux,
};

/* ---- calls ------------------------------------------------------------ */

typedef struct {
  OtauxSysbus *sb;
  OtauxSysId id;
  guint generation;
  OtauxSysReplyFunc func;
  gpointer data;
  GDestroyNotify free;
} Call;

static void call_free(void *p)
{
  Call *call = p;

  if (call->free != NULL)
    call->free(call->data);
  g_free(call);
}

static void on_reply(DBusPendingCall *pending, void *p)
{
  Call *call = p;
  OtauxSysbus *sb = call->sb;
  g_autoptr(DBusMessage) reply = dbus_pending_call_steal_reply(pending);
  DBusMessage *answer = reply;

  if (reply == NULL || dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR) {
    /* Time-outs come here too, as org.freedesktop.DBus.Error.NoReply. */
    g_debug("%s: %s", services[call->id]->name,
            reply != NULL ? dbus_message_get_error_name(reply) : "no reply");
    answer = NULL;
  }
  /* A service that restarted meanwhile: the answer is stale. */
  if (call->generation == sb->generation[call->id]) {
    /* why, for a callback that tells the person (a refused answer) */
    const char *why = NULL;

    if (reply != NULL && answer == NULL &&
        !dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &why, DBUS_TYPE_INVALID))
      why = NULL;
    sb->reply_error = why;
    call->func(sb, answer, call->data);
    sb->reply_error = NULL;
  }
  g_ptr_array_remove_fast(sb->pending, pending); /* unrefs it (libdbus holds one till we return) */
}

static void pending_cancel(gpointer p)
{
  DBusPendingCall *pending = p;

  dbus_pending_call_cancel(pending);
  dbus_pending_call_unref(pending);
}

void otaux_sysbus_call(OtauxSysbus *sb, OtauxSysId id, DBusMessage *msg, OtauxSysReplyFunc func,
                       gpointer data, GDestroyNotify free)
{
  g_autoptr(DBusMessage) owned = msg;
  DBusPendingCall *pending = NULL;
  Call *call;

  if (sb->owner[id] == NULL || msg == NULL || !dbus_message_set_destination(msg, sb->owner[id]) ||
      !dbus_connection_send_with_reply(sb->connection, msg, &pending, (int)sb->timeout_ms) ||
      pending == NULL) {
    if (free != NULL)
      free(data);
    return;
  }
  call = g_new0(Call, 1);
  *call = (Call){ sb, id, sb->generation[id], func, data, free };
  if (!dbus_pending_call_set_notify(pending, on_reply, call, call_free)) {
    call_free(call);
    dbus_pending_call_cancel(pending);
    dbus_pending_call_unref(pending);
    return;
  }
  g_ptr_array_add(sb->pending, pending);
}

void otaux_sysbus_get_all(OtauxSysbus *sb, OtauxSysId id, const char *path, const char *iface,
                          OtauxSysReplyFunc func, gpointer data, GDestroyNotify free)
{
  DBusMessage *msg =
      dbus_message_new_method_call(services[id]->name, path, DBUS_INTERFACE_PROPERTIES, "GetAll");

  if (msg != NULL)
    dbus_message_append_args(msg, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID);
  otaux_sysbus_call(sb, id, msg, func, data, free);
}

/* ---- values ----------------------------------------------------------- */

void otaux_sysbus_props_foreach(OtauxSysbus *sb, DBusMessageIter *iter, OtauxSysPropFunc func,
                                gpointer data)
{
  DBusMessageIter array;

  if (dbus_message_iter_get_arg_type(iter) != DBUS_TYPE_ARRAY ||
      dbus_message_iter_get_element_type(iter) != DBUS_TYPE_DICT_ENTRY)
    return;
  dbus_message_iter_recurse(iter, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_DICT_ENTRY) {
    DBusMessageIter entry, variant;
    const char *key = NULL;

    dbus_message_iter_recurse(&array, &entry);
    if (dbus_message_iter_get_arg_type(&entry) == DBUS_TYPE_STRING) {
      dbus_message_iter_get_basic(&entry, &key);
      if (dbus_message_iter_next(&entry) &&
          dbus_message_iter_get_arg_type(&entry) == DBUS_TYPE_VARIANT) {
        dbus_message_iter_recurse(&entry, &variant);
        func(sb, key, &variant, data);
      }
    }
    dbus_message_iter_next(&array);
  }
}

static gboolean read_basic(DBusMessageIter *value, int type, void *out)
{
  if (dbus_message_iter_get_arg_type(value) != type)
    return FALSE;
  dbus_message_iter_get_basic(value, out);
  return TRUE;
}

gboolean otaux_sysbus_read_u32(DBusMessageIter *value, guint32 *out)
{
  dbus_uint32_t v;

  if (!read_basic(value, DBUS_TYPE_UINT32, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean otaux_sysbus_read_bool(DBusMessageIter *value, gboolean *out)
{
  dbus_bool_t v;

  if (!read_basic(value, DBUS_TYPE_BOOLEAN, &v))
    return FALSE;
  *out = v != 0;
  return TRUE;
}

gboolean otaux_sysbus_read_double(DBusMessageIter *value, double *out)
{
  return read_basic(value, DBUS_TYPE_DOUBLE, out);
}

gboolean otaux_sysbus_read_string(DBusMessageIter *value, const char **out)
{
  return read_basic(value, DBUS_TYPE_STRING, out);
}

gboolean otaux_sysbus_is_props_changed(DBusMessage *msg, const char *iface, DBusMessageIter *iter)
{
  const char *changed_iface = NULL;

  if (!dbus_message_is_signal(msg, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged") ||
      !dbus_message_iter_init(msg, iter) ||
      dbus_message_iter_get_arg_type(iter) != DBUS_TYPE_STRING)
    return FALSE;
  dbus_message_iter_get_basic(iter, &changed_iface);
  return g_strcmp0(changed_iface, iface) == 0 && dbus_message_iter_next(iter);
}

/* ---- the facts -------------------------------------------------------- */

static gboolean mm_roaming(OtauxSysbus *sb, gboolean *roaming)
{
  GHashTableIter it;
  gpointer value;

  if (g_hash_table_size(sb->mm_modems) == 0)
    return FALSE; /* no modem: nothing to say */
  *roaming = FALSE;
  g_hash_table_iter_init(&it, sb->mm_modems);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    /* MM_MODEM_3GPP_REGISTRATION_STATE_ROAMING, _ROAMING_SMS_ONLY,
     * _ROAMING_CSFB_NOT_PREFERRED */
    guint state = GPOINTER_TO_UINT(value) - 1;

    if (state == 5 || state == 7 || state == 10)
      *roaming = TRUE;
  }
  return TRUE;
}

static gboolean ofono_roaming(OtauxSysbus *sb, gboolean *roaming)
{
  GHashTableIter it;
  gpointer value;

  if (g_hash_table_size(sb->ofono_modems) == 0)
    return FALSE;
  *roaming = FALSE;
  g_hash_table_iter_init(&it, sb->ofono_modems);
  while (g_hash_table_iter_next(&it, NULL, &value))
    if (GPOINTER_TO_INT(value) == 2)
      *roaming = TRUE;
  return TRUE;
}

static void collect(OtauxSysbus *sb, OtauxSystemFacts *facts)
{
  memset(facts, 0, sizeof *facts);
  /* ModemManager where it runs; oFono only where it does not. */
  if (sb->owner[OTAUX_SYS_MODEMMANAGER] != NULL ? mm_roaming(sb, &facts->roaming)
                                                : ofono_roaming(sb, &facts->roaming))
    facts->known |= 1u << OTAUX_DEVICE_ROAMING;
  if (sb->nm_known) {
    /* NM_METERED_YES and NM_METERED_GUESS_YES */
    facts->metered = sb->nm_metered == 1 || sb->nm_metered == 3;
    facts->cellular = sb->nm_cellular;
    facts->known |= 1u << OTAUX_DEVICE_METERED | 1u << OTAUX_DEVICE_CELLULAR;
  }
  if (sb->up_known) {
    facts->on_battery = sb->up_on_battery;
    facts->known |= 1u << OTAUX_DEVICE_ON_BATTERY;
  }
  if (sb->up_display_known) {
    /* Type 0 (unknown) is no battery at all: a desktop. */
    facts->battery_present = sb->up_present && sb->up_type != 0;
    facts->battery_percent =
        facts->battery_present ? (guint)CLAMP(sb->up_percent + 0.5, 0.0, 100.0) : 0;
    facts->known |= 1u << OTAUX_DEVICE_BATTERY;
  }
  facts->shutdown_inhibited = sb->inhibit_fd >= 0;
  if (sb->session_known) {
    facts->session_idle = sb->session_idle || sb->session_locked;
    facts->known |= 1u << OTAUX_DEVICE_SESSION_IDLE;
  }
  if (sb->inhibitors_known) {
    facts->restart_blocked = sb->others_block;
    facts->known |= 1u << OTAUX_DEVICE_RESTART_BLOCKED;
  }
}

static gboolean on_update(gpointer data)
{
  OtauxSysbus *sb = data;
  OtauxSystemFacts facts;

  sb->update_id = 0;
  collect(sb, &facts);
  otaux_agent_set_system_facts(sb->agent, &facts);
  return G_SOURCE_REMOVE;
}

void otaux_sysbus_changed(OtauxSysbus *sb)
{
  if (sb->update_id == 0)
    sb->update_id = g_idle_add(on_update, sb);
}

/* ---- names ------------------------------------------------------------ */

static void set_owner(OtauxSysbus *sb, OtauxSysId id, const char *owner)
{
  if (owner != NULL && owner[0] == '\0')
    owner = NULL;
  /* No logind at all: the session agent need not wait for its word. */
  if (id == OTAUX_SYS_LOGIND && owner == NULL && sb->owner[id] == NULL)
    otaux_sysbus_follow_logind_vanished(sb);
  if (g_strcmp0(sb->owner[id], owner) == 0)
    return;
  if (sb->owner[id] != NULL) {
    g_debug("%s left the system bus", services[id]->name);
    g_clear_pointer(&sb->owner[id], g_free);
    sb->generation[id]++;
    services[id]->vanished(sb);
  }
  if (owner != NULL) {
    g_debug("%s is %s", services[id]->name, owner);
    sb->owner[id] = g_strdup(owner);
    sb->generation[id]++;
    services[id]->appeared(sb);
  }
  otaux_sysbus_changed(sb);
}

/* From the name-owner watcher (otaux-dbus-names.c). */
static void on_service_owner(const char *name, const char *owner, gpointer data)
{
  OtauxSysbus *sb = data;

  for (guint id = 0; id < OTAUX_SYS_N; id++)
    if (g_str_equal(name, services[id]->name))
      set_owner(sb, id, owner);
}

static void add_matches(OtauxSysbus *sb, OtauxSysId id)
{
  const OtauxSysService *s = services[id];

  /* Without a DBusError these do not wait for the bus's reply. */
  for (guint i = 0; s->matches != NULL && s->matches[i] != NULL; i++) {
    g_autofree char *rule = g_strdup_printf("type='signal',sender='%s',%s", s->name, s->matches[i]);

    dbus_bus_add_match(sb->connection, rule, NULL);
  }
  otaux_dbus_names_watch(sb->names, s->name, on_service_owner, sb);
}

static DBusHandlerResult filter(DBusConnection *connection, DBusMessage *msg, void *data)
{
  OtauxSysbus *sb = data;
  const char *sender;

  if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_SIGNAL)
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected")) {
    g_debug("the system bus went away; the updater's keys alone count now");
    for (guint id = 0; id < OTAUX_SYS_N; id++)
      set_owner(sb, id, NULL);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  /* Only the current owner of a service speaks for it. */
  sender = dbus_message_get_sender(msg);
  for (guint id = 0; id < OTAUX_SYS_N; id++)
    if (sender != NULL && g_strcmp0(sb->owner[id], sender) == 0)
      services[id]->signal(sb, msg);
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static void on_offer_event(OtauxSysbus *sb)
{
  otaux_sys_logind.signal(sb, NULL); /* NULL: the offers changed: check the inhibitor */
}

static void on_offer_added(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  on_offer_event(data);
}

static void on_offer_changed(OtauxAgent *agent, const OtauxOffer *offer, guint changed,
                             gpointer data)
{
  /* A stage (restarting) changes the prompt, not the phase. */
  if (changed & (OTAUX_OFFER_PROP_PHASE | OTAUX_OFFER_PROP_PROMPT))
    on_offer_event(data);
}

static const OtauxAgentListener listener = {
  .offer_added = on_offer_added,
  .offer_removed = on_offer_added,
  .offer_changed = on_offer_changed,
};

/* ---- life ------------------------------------------------------------- */

static DBusConnection *connect_system(const char *address)
{
  g_auto(DBusError) err = DBUS_ERROR_INIT;
  DBusConnection *connection = otaux_dbus_connect(DBUS_BUS_SYSTEM, address, &err);

  if (connection == NULL)
    g_debug("no system bus (%s): the updater's keys alone count",
            err.message != NULL ? err.message : "unknown error");
  return connection;
}

OtauxSysbus *otaux_sysbus_new(OtauxAgent *agent, const OtauxSysbusConfig *config)
{
  OtauxSysbus *sb;

  g_return_val_if_fail(agent != NULL, NULL);
  sb = g_new0(OtauxSysbus, 1);
  sb->agent = agent;
  sb->timeout_ms =
      config != NULL && config->timeout_ms > 0 ? config->timeout_ms : DEFAULT_TIMEOUT_MS;
  sb->inhibit_fd = -1;
  sb->pending = g_ptr_array_new_with_free_func((GDestroyNotify)dbus_pending_call_unref);
  sb->mm_modems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  sb->ofono_modems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  sb->follow = config != NULL && config->follow_system_agent;
  sb->track_seat = config != NULL && config->track_seat;
  sb->connection = connect_system(config != NULL ? config->address : NULL);
  if (sb->connection == NULL)
    return sb;
  otaux_dbus_mainloop_attach(sb->connection, NULL);
  dbus_connection_add_filter(sb->connection, filter, sb, NULL);
  sb->names = otaux_dbus_names_new(sb->connection);
  for (guint id = 0; id < OTAUX_SYS_N; id++)
    if (id != OTAUX_SYS_OTAUX || sb->follow)
      add_matches(sb, id);
  if (sb->follow)
    otaux_sysbus_follow_start(sb);
  sb->listener = otaux_agent_add_listener(agent, &listener, sb);
  return sb;
}

void otaux_sysbus_free(OtauxSysbus *sb)
{
  if (sb == NULL)
    return;
  if (sb->listener != 0)
    otaux_agent_remove_listener(sb->agent, sb->listener);
  otaux_sysbus_follow_stop(sb);
  g_clear_pointer(&sb->follow_session_path, g_free);
  g_clear_handle_id(&sb->update_id, g_source_remove);
  g_clear_handle_id(&sb->inhibit_check_id, g_source_remove);
  /* Cancelling frees each call's data; late replies cannot reach us. */
  g_ptr_array_set_free_func(sb->pending, pending_cancel);
  g_clear_pointer(&sb->pending, g_ptr_array_unref);
  g_clear_pointer(&sb->names, otaux_dbus_names_free);
  if (sb->connection != NULL) {
    dbus_connection_remove_filter(sb->connection, filter, sb);
    otaux_dbus_mainloop_detach(sb->connection);
    dbus_connection_close(sb->connection);
    dbus_connection_unref(sb->connection);
  }
  if (sb->inhibit_fd >= 0)
    close(sb->inhibit_fd);
  otaux_sysbus_logind_clear(sb);
  for (guint id = 0; id < OTAUX_SYS_N; id++)
    g_free(sb->owner[id]);
  g_hash_table_unref(sb->mm_modems);
  g_hash_table_unref(sb->ofono_modems);
  g_free(sb);
}
