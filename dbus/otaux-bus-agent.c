/* org.otaux.Agent1 on /org/otaux/Agent: the agent's methods (Offer,
 * GetOffer), its properties, and its signals (OfferAdded, OfferRemoved,
 * Decided).
 * The object is the core's OtauxAgent (agent/otaux-agent.c). */
#include <string.h>

#include "otaux-bus-device.h"
#include "otaux-bus-private.h"
#include "otaux-dbus-error.h"
#include "otaux-dbus-util.h"
#include "otaux-dbus-validate.h"

static DBusMessage *return_path(DBusMessage *call, guint serial)
{
  g_autofree char *path = otaux_bus_offer_path(serial);
  DBusMessage *msg = dbus_message_new_method_return(call);
  const char *p = path;
  dbus_message_append_args(msg, DBUS_TYPE_OBJECT_PATH, &p, DBUS_TYPE_INVALID);
  return msg;
}

static DBusMessage *agent_offer(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                gpointer data)
{
  OtauxBus *bus = data;
  g_autoptr(GError) error = NULL;
  OtauxOfferSpec spec;
  const OtauxOffer *offer = NULL;
  gboolean created = FALSE;
  guint n_gids = 0;
  const guint32 *gids = otaux_dbus_server_caller_gids(bus->server, call, &n_gids);

  if (!otaux_agent_check_caller_groups(bus->agent, uid, gids, n_gids, &error) ||
      !otaux_bus_sender_allowed(bus, call, &error))
    return otaux_dbus_error_reply(call, error);
  otaux_offer_spec_init(&spec);
  if (!otaux_dbus_parse_offer(call, &spec, &error) ||
      !otaux_agent_offer(bus->agent, &spec, &offer, &created, &error)) {
    otaux_offer_spec_clear(&spec);
    return otaux_dbus_error_reply(call, error);
  }
  otaux_offer_spec_clear(&spec);
  return return_path(call, offer->serial);
}

static DBusMessage *agent_get_offer(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                    gpointer data)
{
  OtauxBus *bus = data;
  const char *id = NULL;

  dbus_message_get_args(call, NULL, DBUS_TYPE_STRING, &id, DBUS_TYPE_INVALID);
  const OtauxOffer *offer = otaux_agent_lookup_id(bus->agent, id);
  if (offer == NULL) {
    g_autofree char *shown = g_strndup(id, 64);
    return dbus_message_new_error_printf(call, OTAUX_ERROR_NOT_FOUND, "No offer with id '%s'",
                                         shown);
  }
  return return_path(call, offer->serial);
}

static void get_offers(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OtauxBus *bus = data;
  g_autoptr(GPtrArray) offers = otaux_agent_list(bus->agent);
  DBusMessageIter array;

  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "o", &array);
  for (guint i = 0; i < offers->len; i++) {
    const OtauxOffer *offer = offers->pdata[i];
    /* Only exported offers: one being removed is already unexported. */
    if (!g_hash_table_contains(bus->offer_refs, GUINT_TO_POINTER(offer->serial)))
      continue;
    g_autofree char *path = otaux_bus_offer_path(offer->serial);
    const char *p = path;
    dbus_message_iter_append_basic(&array, DBUS_TYPE_OBJECT_PATH, &p);
  }
  dbus_message_iter_close_container(iter, &array);
}

static void get_api_version(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  dbus_uint32_t v = OTAUX_API_VERSION;
  dbus_message_iter_append_basic(iter, DBUS_TYPE_UINT32, &v);
}

static void get_limits(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  static const struct {
    const char *name;
    dbus_uint32_t value;
  } limits[] = {
    { "max-offers", OTAUX_LIMIT_MAX_OFFERS },
    { "max-finished-offers", OTAUX_LIMIT_MAX_FINISHED },
    { "max-id-bytes", OTAUX_LIMIT_ID_BYTES },
    { "max-name-bytes", OTAUX_LIMIT_NAME_BYTES },
    { "max-version-bytes", OTAUX_LIMIT_VERSION_BYTES },
    { "max-url-bytes", OTAUX_LIMIT_URL_BYTES },
    { "max-release-notes-bytes", OTAUX_LIMIT_RELEASE_NOTES_BYTES },
    { "max-message-bytes", OTAUX_LIMIT_MESSAGE_BYTES },
    { "max-install-message-bytes", OTAUX_LIMIT_INSTALL_MSG_BYTES },
    { "max-instruction-bytes", OTAUX_LIMIT_INSTRUCTION_BYTES },
    { "max-finish-message-bytes", OTAUX_LIMIT_FINISH_MSG_BYTES },
    { "max-step-bytes", OTAUX_LIMIT_STEP_BYTES },
    { "max-correlator-bytes", OTAUX_LIMIT_CORRELATOR_BYTES },
    { "max-choice-bytes", OTAUX_LIMIT_CHOICE_BYTES },
    { "max-dict-entries", OTAUX_LIMIT_DICT_ENTRIES },
  };
  DBusMessageIter dict, entry;

  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "{su}", &dict);
  for (gsize i = 0; i < G_N_ELEMENTS(limits); i++) {
    dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &limits[i].name);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_UINT32, &limits[i].value);
    dbus_message_iter_close_container(&dict, &entry);
  }
  dbus_message_iter_close_container(iter, &dict);
}

static void get_download_retry_interval(OtauxDBusServer *server, DBusMessageIter *iter,
                                        gpointer data)
{
  OtauxBus *bus = data;
  dbus_uint32_t v = otaux_agent_get_policy(bus->agent)->download_retry_interval_s;
  dbus_message_iter_append_basic(iter, DBUS_TYPE_UINT32, &v);
}

static void get_download_timeout(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OtauxBus *bus = data;
  dbus_uint32_t v = otaux_agent_get_policy(bus->agent)->download_timeout_s;
  dbus_message_iter_append_basic(iter, DBUS_TYPE_UINT32, &v);
}

static void get_policy_problems(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OtauxBus *bus = data;
  const char *const *problems = otaux_agent_get_policy_problems(bus->agent);
  DBusMessageIter array;

  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "s", &array);
  for (gsize i = 0; problems[i] != NULL; i++) {
    /* D-Bus strings must be UTF-8; file names need not be. */
    g_autofree char *valid = g_utf8_make_valid(problems[i], -1);
    const char *v = valid;
    dbus_message_iter_append_basic(&array, DBUS_TYPE_STRING, &v);
  }
  dbus_message_iter_close_container(iter, &array);
}

static void get_device(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OtauxBus *bus = data;
  OtauxDeviceFacts device;

  otaux_agent_get_device(bus->agent, &device);
  otaux_bus_append_device(iter, &device);
}

static const OtauxDBusMethod agent_methods[] = {
  { "Offer", "a{sv}", "o", agent_offer, OTAUX_DBUS_METHOD_NEEDS_UID },
  { "GetOffer", "s", "o", agent_get_offer, 0 },
  { NULL },
};

static const OtauxDBusProperty agent_properties[] = {
  { "Offers", "ao", get_offers },
  { "Version", "u", get_api_version },
  { "Limits", "a{su}", get_limits },
  { "DownloadRetryInterval", "u", get_download_retry_interval },
  { "DownloadTimeout", "u", get_download_timeout },
  { "PolicyProblems", "as", get_policy_problems },
  { "Device", "a{sv}", get_device },
  { NULL },
};

static const OtauxDBusSignal agent_signals[] = {
  { "OfferAdded", "o" },
  { "OfferRemoved", "o" },
  { "Decided", "osa{sv}" },
  { NULL },
};

const OtauxDBusInterface otaux_bus_agent_interface = {
  .name = OTAUX_AGENT_IFACE,
  .methods = agent_methods,
  .properties = agent_properties,
  .signals = agent_signals,
  .introspection_resource = "/org/otaux/dbus/org.otaux.Agent1.xml",
};

void otaux_bus_agent_emit_offers_changed(OtauxBus *bus, const char *member, guint serial)
{
  static const char *const offers_prop[] = { "Offers", NULL };
  g_autofree char *path = otaux_bus_offer_path(serial);
  const char *p = path;
  DBusMessage *msg = dbus_message_new_signal(OTAUX_AGENT_PATH, OTAUX_AGENT_IFACE, member);
  dbus_message_append_args(msg, DBUS_TYPE_OBJECT_PATH, &p, DBUS_TYPE_INVALID);
  otaux_dbus_server_send(bus->server, msg);
  otaux_dbus_server_emit_properties_changed(bus->server, OTAUX_AGENT_PATH, offers_prop);
}

/* Agent1.Decided: Offer1.Decided with the offer's path first, so an
 * updater hears every decision on one object, also one made during its
 * own Offer call (a silent offer). */
void otaux_bus_agent_emit_decided(OtauxBus *bus, const OtauxOffer *offer,
                                  const OtauxDecisionEvent *event)
{
  g_autofree char *path = otaux_bus_offer_path(offer->serial);
  const char *p = path;
  DBusMessageIter iter;

  DBusMessage *msg = dbus_message_new_signal(OTAUX_AGENT_PATH, OTAUX_AGENT_IFACE, "Decided");
  dbus_message_iter_init_append(msg, &iter);
  dbus_message_iter_append_basic(&iter, DBUS_TYPE_OBJECT_PATH, &p);
  otaux_bus_append_decided(&iter, offer, event);
  otaux_dbus_server_send(bus->server, msg);
}

void otaux_bus_agent_emit_policy_changed(OtauxBus *bus)
{
  static const char *const props[] = { "DownloadRetryInterval", "DownloadTimeout", "PolicyProblems",
                                       NULL };
  otaux_dbus_server_emit_properties_changed(bus->server, OTAUX_AGENT_PATH, props);
}

void otaux_bus_agent_emit_device_changed(OtauxBus *bus)
{
  static const char *const props[] = { "Device", NULL };
  otaux_dbus_server_emit_properties_changed(bus->server, OTAUX_AGENT_PATH, props);
}

void otaux_bus_agent_export(OtauxBus *bus)
{
  otaux_dbus_server_register(bus->server, OTAUX_AGENT_PATH, &otaux_bus_agent_interface, bus);
}
