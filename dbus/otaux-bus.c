/* The agent's D-Bus service: the connection and the name, the listener
 * that hands the core's events to the interfaces (otaux-bus-agent.c,
 * otaux-bus-offer.c, otaux-bus-testing.c), and callers.names. */
#include "otaux-bus.h"

#include <string.h>

#include "otaux-bus-private.h"
#include "otaux-dbus-error.h"
#include "otaux-dbus-mainloop.h"
#include "otaux-dbus-util.h"

/* callers.names: the updater methods come only from the owners of these
 * well-known names. Owners are looked up asynchronously and followed with
 * NameOwnerChanged (see watch_names), so no call waits on the bus. */
gboolean otaux_bus_sender_allowed(OtauxBus *bus, DBusMessage *call, GError **error)
{
  const OtauxPolicy *p = otaux_agent_get_policy(bus->agent);
  const char *sender = dbus_message_get_sender(call);

  if (p->n_allowed_names == 0)
    return TRUE;
  if (sender != NULL && g_hash_table_contains(bus->allowed_owners, sender))
    return TRUE;
  g_set_error(error, OTAUX_AGENT_ERROR, OTAUX_AGENT_ERROR_ACCESS_DENIED,
              "only the owners of the bus names in the policy (callers names) may do this");
  return FALSE;
}

/* ---- core events -> the interfaces ---- */

static void on_offer_added(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  OtauxBus *bus = data;
  otaux_bus_offer_export(bus, offer->serial);
  otaux_bus_agent_emit_offers_changed(bus, "OfferAdded", offer->serial);
}

static void on_offer_removed(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  OtauxBus *bus = data;
  otaux_bus_offer_unexport(bus, offer->serial);
  otaux_bus_agent_emit_offers_changed(bus, "OfferRemoved", offer->serial);
}

static void on_offer_changed(OtauxAgent *agent, const OtauxOffer *offer, guint changed,
                             gpointer data)
{
  otaux_bus_offer_emit_changed(data, offer, changed);
}

static void on_decided(OtauxAgent *agent, const OtauxOffer *offer, const OtauxDecisionEvent *event,
                       gpointer data)
{
  /* Both, at once and in this order: the offer's own, then the agent's. */
  otaux_bus_offer_emit_decided(data, offer, event);
  otaux_bus_agent_emit_decided(data, offer, event);
}

/* ---- callers.names: follow the owners of the allowed well-known names ---- */

/* @owner now owns the allowed @name (or nobody does): one owner per name. */
static void on_allowed_owner(const char *name, const char *owner, gpointer data)
{
  OtauxBus *bus = data;
  GHashTableIter iter;
  gpointer had;

  g_hash_table_iter_init(&iter, bus->allowed_owners);
  while (g_hash_table_iter_next(&iter, NULL, &had))
    if (g_str_equal(had, name))
      g_hash_table_iter_remove(&iter);
  if (owner != NULL && owner[0] == ':')
    g_hash_table_replace(bus->allowed_owners, g_strdup(owner), g_strdup(name));
}

/* Follows the names of the policy in force, and only those. */
static void watch_names(OtauxBus *bus)
{
  const OtauxPolicy *p = otaux_agent_get_policy(bus->agent);
  OtauxDBusNames *names = otaux_dbus_server_get_names(bus->server);

  for (guint i = 0; i < bus->name_watches->len; i++)
    otaux_dbus_names_unwatch(names, g_array_index(bus->name_watches, guint, i));
  g_array_set_size(bus->name_watches, 0);
  g_hash_table_remove_all(bus->allowed_owners);
  for (guint i = 0; i < p->n_allowed_names && i < OTAUX_POLICY_MAX_LIST; i++) {
    guint id = otaux_dbus_names_watch(names, p->allowed_names[i], on_allowed_owner, bus);
    g_array_append_val(bus->name_watches, id);
  }
}

static void on_policy_changed(OtauxAgent *agent, gpointer data)
{
  OtauxBus *bus = data;

  watch_names(bus);
  otaux_bus_agent_emit_policy_changed(bus);
}

static void on_device_changed(OtauxAgent *agent, const OtauxDeviceFacts *device, gpointer data)
{
  otaux_bus_agent_emit_device_changed(data);
}

static const OtauxAgentListener bus_listener = {
  .offer_added = on_offer_added,
  .offer_removed = on_offer_removed,
  .offer_changed = on_offer_changed,
  .decided = on_decided,
  .policy_changed = on_policy_changed,
  .device_changed = on_device_changed,
};

/* ---- connection ---- */

static DBusHandlerResult connection_filter(DBusConnection *connection, DBusMessage *msg, void *data)
{
  OtauxBus *bus = data;
  const char *name = NULL;

  if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected")) {
    if (bus->lost != NULL)
      bus->lost("the bus connection closed", bus->lost_data);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameLost") &&
      dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) &&
      g_strcmp0(name, OTAUX_BUS_NAME) == 0) {
    if (bus->lost != NULL)
      bus->lost("another agent took the name " OTAUX_BUS_NAME, bus->lost_data);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static DBusConnection *connect_bus(const char *address, gboolean system, GError **error)
{
  g_auto(DBusError) err = DBUS_ERROR_INIT;
  DBusConnection *connection =
      otaux_dbus_connect(system ? DBUS_BUS_SYSTEM : DBUS_BUS_SESSION, address, &err);

  if (connection == NULL)
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_CONNECT,
                "Cannot connect to the %s bus: %s", system ? "system" : "session",
                err.message != NULL ? err.message : "unknown error");
  return connection;
}

OtauxBus *otaux_bus_new(OtauxAgent *agent, const OtauxBusConfig *config, OtauxBusLostFunc lost,
                        gpointer user_data, GError **error)
{
  g_auto(DBusError) err = DBUS_ERROR_INIT;
  DBusConnection *connection =
      connect_bus(config != NULL ? config->address : NULL, config != NULL && config->system, error);

  if (connection == NULL)
    return NULL;

  g_autoptr(OtauxBus) bus = g_new0(OtauxBus, 1);
  bus->agent = agent;
  bus->connection = connection;
  bus->lost = lost;
  bus->lost_data = user_data;
  bus->system = config != NULL && config->system;
  bus->seat_checks =
      g_hash_table_new_full(NULL, NULL, (GDestroyNotify)dbus_pending_call_unref, NULL);
  bus->offer_refs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  bus->allowed_owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  bus->name_watches = g_array_new(FALSE, FALSE, sizeof(guint));
  otaux_dbus_mainloop_attach(connection, NULL);
  bus->server = otaux_dbus_server_new(connection);
  dbus_connection_add_filter(connection, connection_filter, bus, NULL);

  /* Export everything before taking the name: whoever sees the name
   * appear finds the offers already there. */
  otaux_bus_agent_export(bus);
  g_autoptr(GPtrArray) offers = otaux_agent_list(agent);
  for (guint i = 0; i < offers->len; i++)
    otaux_bus_offer_export(bus, ((const OtauxOffer *)offers->pdata[i])->serial);
  bus->listener = otaux_agent_add_listener(agent, &bus_listener, bus);
  watch_names(bus);

  unsigned int flags = DBUS_NAME_FLAG_DO_NOT_QUEUE | DBUS_NAME_FLAG_ALLOW_REPLACEMENT;
  if (config != NULL && config->replace)
    flags |= DBUS_NAME_FLAG_REPLACE_EXISTING;
  int ret = dbus_bus_request_name(connection, OTAUX_BUS_NAME, flags, &err);
  if (ret != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_NAME_TAKEN, "Cannot own %s: %s",
                OTAUX_BUS_NAME, dbus_error_is_set(&err) ? err.message : "another agent is running");
    return NULL;
  }
  return g_steal_pointer(&bus);
}

void otaux_bus_free(OtauxBus *bus)
{
  if (bus == NULL)
    return;
  if (bus->listener != 0)
    otaux_agent_remove_listener(bus->agent, bus->listener);
  if (bus->seat_checks != NULL)
    otaux_bus_seat_cancel_all(bus);
  g_clear_pointer(&bus->seat_checks, g_hash_table_destroy);
  if (bus->connection != NULL) {
    dbus_connection_remove_filter(bus->connection, connection_filter, bus);
    g_clear_pointer(&bus->server, otaux_dbus_server_free);
    otaux_dbus_mainloop_detach(bus->connection);
    dbus_connection_close(bus->connection);
    dbus_connection_unref(bus->connection);
  }
  g_clear_pointer(&bus->offer_refs, g_hash_table_destroy);
  g_clear_pointer(&bus->allowed_owners, g_hash_table_destroy);
  g_clear_pointer(&bus->name_watches, g_array_unref);
  g_free(bus);
}
