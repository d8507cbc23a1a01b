/* The agent's D-Bus service: tables for org.otaux.Agent1 and
 * org.otaux.Offer1, their handlers and getters, and the listener that
 * turns core events into signals. */
#include "otaux-bus.h"

#include <stdlib.h>
#include <string.h>

#include "otaux-bus-device.h"
#include "otaux-bus-private.h"
#include "otaux-dbus-error.h"
#include "otaux-dbus-mainloop.h"
#include "otaux-dbus-object.h"
#include "otaux-dbus-util.h"
#include "otaux-dbus-validate.h"

struct _OtauxBus {
  OtauxAgent *agent;
  DBusConnection *connection;
  OtauxDBusServer *server;
  GHashTable *offer_refs; /* serial -> OfferRef, the object data of offer paths */
  guint listener;
  OtauxBusLostFunc lost;
  gpointer lost_data;
  OtauxBusSetTimeFunc set_time;
  gpointer set_time_data;
  GHashTable *allowed_owners; /* unique name -> well-known name, for callers.names */
  GHashTable *watched_names;  /* well-known names with a match rule */
  GPtrArray *pending;         /* GetNameOwner calls in flight */
};

typedef struct {
  OtauxBus *bus;
  guint serial;
} OfferRef;

char *otaux_bus_offer_path(guint serial)
{
  return g_strdup_printf(OTAUX_OFFERS_PATH "/%u", serial);
}

gboolean otaux_bus_offer_serial(const char *path, guint *serial)
{
  const char *prefix = OTAUX_OFFERS_PATH "/";
  guint64 n = 0;
  if (path == NULL || !g_str_has_prefix(path, prefix))
    return FALSE;
  if (!g_ascii_string_to_unsigned(path + strlen(prefix), 10, 1, G_MAXUINT, &n, NULL))
    return FALSE;
  *serial = (guint)n;
  return TRUE;
}

static const OtauxOffer *ref_offer(gpointer data)
{
  OfferRef *ref = data;
  return otaux_agent_lookup(ref->bus->agent, ref->serial);
}

static DBusMessage *return_path(DBusMessage *call, guint serial)
{
  g_autofree char *path = otaux_bus_offer_path(serial);
  DBusMessage *msg = dbus_message_new_method_return(call);
  const char *p = path;
  dbus_message_append_args(msg, DBUS_TYPE_OBJECT_PATH, &p, DBUS_TYPE_INVALID);
  return msg;
}

/* callers.names: the updater methods come only from the owners of these
 * well-known names. Owners are looked up asynchronously and followed with
 * NameOwnerChanged (see watch_names), so no call waits on the bus. */
static gboolean sender_allowed(OtauxBus *bus, DBusMessage *call, GError **error)
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

/* ---- org.otaux.Agent1 ---- */

static DBusMessage *agent_offer(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                gpointer data)
{
  OtauxBus *bus = data;
  g_autoptr(GError) error = NULL;
  OtauxOfferSpec spec;
  const OtauxOffer *offer = NULL;
  gboolean created = FALSE;

  if (!otaux_agent_check_caller(bus->agent, uid, &error) || !sender_allowed(bus, call, &error))
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
  { NULL },
};

const OtauxDBusInterface otaux_bus_agent_interface = {
  .name = OTAUX_AGENT_IFACE,
  .methods = agent_methods,
  .properties = agent_properties,
  .signals = agent_signals,
  .introspection_resource = "/org/otaux/dbus/org.otaux.Agent1.xml",
};

/* ---- org.otaux.Offer1 ---- */

/* Every Offer1 method: look the offer up, check the caller, then act.
 * The updater's methods (all but Answer) also check callers.names. */
static DBusMessage *offer_call_prologue(DBusMessage *call, guint32 uid, gpointer data,
                                        const OtauxOffer **offer)
{
  OfferRef *ref = data;
  g_autoptr(GError) error = NULL;

  *offer = ref_offer(data);
  if (*offer == NULL)
    return dbus_message_new_error(call, DBUS_ERROR_UNKNOWN_OBJECT, "The offer is gone");
  if (!otaux_agent_check_caller(ref->bus->agent, uid, &error))
    return otaux_dbus_error_reply(call, error);
  if (!dbus_message_has_member(call, "Answer") && !sender_allowed(ref->bus, call, &error))
    return otaux_dbus_error_reply(call, error);
  return NULL;
}

static DBusMessage *result_reply(DBusMessage *call, gboolean ok, const GError *error)
{
  return ok ? dbus_message_new_method_return(call) : otaux_dbus_error_reply(call, error);
}

static DBusMessage *offer_set_state(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                    gpointer data)
{
  OfferRef *ref = data;
  const OtauxOffer *offer = NULL;
  g_autoptr(GError) error = NULL;
  guint32 state = 0;
  OtauxStateDetails details = { 0 };
  DBusMessage *refused = offer_call_prologue(call, uid, data, &offer);

  if (refused != NULL)
    return refused;
  gboolean ok = otaux_dbus_parse_set_state_details(call, &state, &details, &error) &&
                otaux_agent_set_state_full(ref->bus->agent, ref->serial, state, details.bytes_done,
                                           details.bytes_total, details.instruction, &error);
  g_free(details.instruction);
  return result_reply(call, ok, error);
}

static DBusMessage *offer_finish(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                 gpointer data)
{
  OfferRef *ref = data;
  const OtauxOffer *offer = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result = 0;
  DBusMessage *refused = offer_call_prologue(call, uid, data, &offer);

  if (refused != NULL)
    return refused;
  gboolean ok = otaux_dbus_parse_finish(call, &result, &error) &&
                otaux_agent_finish(ref->bus->agent, ref->serial, result, &error);
  return result_reply(call, ok, error);
}

static DBusMessage *offer_withdraw(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                   gpointer data)
{
  OfferRef *ref = data;
  OtauxAgent *agent = ref->bus->agent;
  guint serial = ref->serial;
  const OtauxOffer *offer = NULL;
  g_autoptr(GError) error = NULL;
  DBusMessage *refused = offer_call_prologue(call, uid, data, &offer);

  if (refused != NULL)
    return refused;
  /* @ref is freed by the removal; only the copies above are used after. */
  gboolean ok = otaux_agent_withdraw(agent, serial, &error);
  return result_reply(call, ok, error);
}

static DBusMessage *offer_answer(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                 gpointer data)
{
  OfferRef *ref = data;
  const OtauxOffer *offer = NULL;
  g_autoptr(GError) error = NULL;
  const char *choice = NULL;
  gint64 reboot_at = 0;
  DBusMessage *refused = offer_call_prologue(call, uid, data, &offer);

  if (refused != NULL)
    return refused;
  gboolean ok = otaux_dbus_parse_answer(call, &choice, &reboot_at, &error) &&
                otaux_agent_answer(ref->bus->agent, ref->serial, choice, reboot_at, &error);
  return result_reply(call, ok, error);
}

/* Getters: one small function per property, driven by the offer. */
#define OFFER_GETTER(fn, type, ctype, expr)                                                        \
  static void fn(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)                    \
  {                                                                                                \
    const OtauxOffer *offer = ref_offer(data);                                                     \
    ctype v = 0;                                                                                   \
    if (offer != NULL)                                                                             \
      v = (ctype)(expr);                                                                           \
    dbus_message_iter_append_basic(iter, type, &v);                                                \
  }

#define OFFER_STRING_GETTER(fn, expr)                                                              \
  static void fn(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)                    \
  {                                                                                                \
    const OtauxOffer *offer = ref_offer(data);                                                     \
    const char *v = offer != NULL ? (expr) : "";                                                   \
    dbus_message_iter_append_basic(iter, DBUS_TYPE_STRING, &v);                                    \
  }

OFFER_STRING_GETTER(get_id, offer->spec.id)
OFFER_STRING_GETTER(get_name, offer->spec.name)
OFFER_STRING_GETTER(get_version, offer->spec.version)
OFFER_STRING_GETTER(get_priority, otaux_priority_to_string(offer->spec.priority))
OFFER_STRING_GETTER(get_correlator, offer->spec.correlator)
OFFER_STRING_GETTER(get_phase, otaux_phase_to_string(offer->phase))
OFFER_STRING_GETTER(get_decision, otaux_decision_to_string(offer->decision))
OFFER_STRING_GETTER(get_reason, otaux_reason_to_string(offer->reason))
OFFER_GETTER(get_size, DBUS_TYPE_UINT64, dbus_uint64_t, offer->spec.size)
OFFER_GETTER(get_silent, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.silent)
OFFER_GETTER(get_forced, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.forced)
OFFER_GETTER(get_roaming, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.roaming)
OFFER_GETTER(get_metered, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.metered)
OFFER_GETTER(get_cellular, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.cellular)
OFFER_GETTER(get_state, DBUS_TYPE_UINT32, dbus_uint32_t, offer->state)
OFFER_GETTER(get_bytes_done, DBUS_TYPE_UINT64, dbus_uint64_t, offer->bytes_done)
OFFER_GETTER(get_bytes_total, DBUS_TYPE_UINT64, dbus_uint64_t, offer->bytes_total)
OFFER_GETTER(get_reboot_at, DBUS_TYPE_INT64, dbus_int64_t, offer->reboot_at)
OFFER_GETTER(get_result, DBUS_TYPE_UINT32, dbus_uint32_t, offer->result)

static void append_string_entry(DBusMessageIter *dict, const char *key, const char *value)
{
  otaux_dbus_append_entry(dict, key, DBUS_TYPE_STRING,
                          value != NULL ? &value : &(const char *){ "" });
}

static void append_prompt(DBusMessageIter *iter, const OtauxPrompt *prompt)
{
  DBusMessageIter dict, entry, var, array, item;

  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
  if (prompt == NULL || prompt->kind == OTAUX_PROMPT_NONE) {
    dbus_message_iter_close_container(iter, &dict);
    return;
  }
  append_string_entry(&dict, "kind", otaux_prompt_kind_to_string(prompt->kind));
  append_string_entry(&dict, "title", prompt->title);
  append_string_entry(&dict, "body", prompt->body);
  append_string_entry(&dict, "warning", prompt->warning);
  append_string_entry(&dict, "message", prompt->message);
  /* Markup-safe forms (docs/strings.md): escaped values + operator b/i/a. */
  append_string_entry(&dict, "body-markup", prompt->body_markup);
  append_string_entry(&dict, "warning-markup", prompt->warning_markup);
  append_string_entry(&dict, "message-markup", prompt->message_markup);
  append_string_entry(&dict, "details", prompt->details);
  append_string_entry(&dict, "urgency", otaux_urgency_to_string(prompt->urgency));
  append_string_entry(&dict, "presentation", otaux_presentation_to_string(prompt->presentation));
  append_string_entry(&dict, "priority", otaux_priority_to_string(prompt->priority));
  append_string_entry(&dict, "suggested", prompt->suggested);
  append_string_entry(&dict, "deadline-choice", prompt->deadline_choice);

  /* choices a(ss) */
  const char *key = "choices";
  dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &key);
  dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, "a(ss)", &var);
  dbus_message_iter_open_container(&var, DBUS_TYPE_ARRAY, "(ss)", &array);
  for (guint i = 0; prompt->choices != NULL && i < prompt->choices->len; i++) {
    const OtauxChoice *c = prompt->choices->pdata[i];
    dbus_message_iter_open_container(&array, DBUS_TYPE_STRUCT, NULL, &item);
    dbus_message_iter_append_basic(&item, DBUS_TYPE_STRING, &c->id);
    dbus_message_iter_append_basic(&item, DBUS_TYPE_STRING, &c->label);
    dbus_message_iter_close_container(&array, &item);
  }
  dbus_message_iter_close_container(&var, &array);
  dbus_message_iter_close_container(&entry, &var);
  dbus_message_iter_close_container(&dict, &entry);

  /* delay-options a(sx) */
  key = "delay-options";
  dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &key);
  dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, "a(sx)", &var);
  dbus_message_iter_open_container(&var, DBUS_TYPE_ARRAY, "(sx)", &array);
  for (guint i = 0; prompt->delay_options != NULL && i < prompt->delay_options->len; i++) {
    const OtauxDelayOption *o = &g_array_index(prompt->delay_options, OtauxDelayOption, i);
    dbus_int64_t t = o->time;
    dbus_message_iter_open_container(&array, DBUS_TYPE_STRUCT, NULL, &item);
    dbus_message_iter_append_basic(&item, DBUS_TYPE_STRING, &o->label);
    dbus_message_iter_append_basic(&item, DBUS_TYPE_INT64, &t);
    dbus_message_iter_close_container(&array, &item);
  }
  dbus_message_iter_close_container(&var, &array);
  dbus_message_iter_close_container(&entry, &var);
  dbus_message_iter_close_container(&dict, &entry);

  dbus_int64_t delay_max = prompt->delay_max, deadline = prompt->deadline;
  dbus_int32_t progress = prompt->progress;
  dbus_uint32_t result = prompt->result;
  dbus_bool_t dismissible = prompt->dismissible, sound = prompt->sound;
  otaux_dbus_append_entry(&dict, "delay-max", DBUS_TYPE_INT64, &delay_max);
  otaux_dbus_append_entry(&dict, "deadline", DBUS_TYPE_INT64, &deadline);
  otaux_dbus_append_entry(&dict, "progress", DBUS_TYPE_INT32, &progress);
  otaux_dbus_append_entry(&dict, "result", DBUS_TYPE_UINT32, &result);
  otaux_dbus_append_entry(&dict, "dismissible", DBUS_TYPE_BOOLEAN, &dismissible);
  otaux_dbus_append_entry(&dict, "sound", DBUS_TYPE_BOOLEAN, &sound);
  dbus_message_iter_close_container(iter, &dict);
}

static void get_prompt(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OfferRef *ref = data;
  const OtauxOffer *offer = ref_offer(data);
  append_prompt(iter, offer != NULL ? otaux_agent_get_prompt(ref->bus->agent, ref->serial) : NULL);
}

static const OtauxDBusMethod offer_methods[] = {
  { "SetState", "ua{sv}", "", offer_set_state, OTAUX_DBUS_METHOD_NEEDS_UID },
  { "Finish", "u", "", offer_finish, OTAUX_DBUS_METHOD_NEEDS_UID },
  { "Withdraw", "", "", offer_withdraw, OTAUX_DBUS_METHOD_NEEDS_UID },
  { "Answer", "sa{sv}", "", offer_answer, OTAUX_DBUS_METHOD_NEEDS_UID },
  { NULL },
};

static const OtauxDBusProperty offer_properties[] = {
  { "Id", "s", get_id },
  { "Name", "s", get_name },
  { "Version", "s", get_version },
  { "Priority", "s", get_priority },
  { "Size", "t", get_size },
  { "Silent", "b", get_silent },
  { "Forced", "b", get_forced },
  { "Roaming", "b", get_roaming },
  { "Metered", "b", get_metered },
  { "Cellular", "b", get_cellular },
  { "Correlator", "s", get_correlator },
  { "State", "u", get_state },
  { "BytesDone", "t", get_bytes_done },
  { "BytesTotal", "t", get_bytes_total },
  { "Phase", "s", get_phase },
  { "Decision", "s", get_decision },
  { "DecisionReason", "s", get_reason },
  { "RebootAt", "x", get_reboot_at },
  { "Result", "u", get_result },
  { "Prompt", "a{sv}", get_prompt },
  { NULL },
};

static const OtauxDBusSignal offer_signals[] = {
  { "Decided", "sa{sv}" },
  { NULL },
};

const OtauxDBusInterface otaux_bus_offer_interface = {
  .name = OTAUX_OFFER_IFACE,
  .methods = offer_methods,
  .properties = offer_properties,
  .signals = offer_signals,
  .introspection_resource = "/org/otaux/dbus/org.otaux.Offer1.xml",
};

/* ---- org.otaux.Testing1 (only with --test-clock) ---- */

static DBusMessage *testing_set_time(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                     gpointer data)
{
  OtauxBus *bus = data;
  dbus_int64_t now = 0;
  g_autoptr(GError) error = NULL;

  if (!otaux_agent_check_caller(bus->agent, uid, &error))
    return otaux_dbus_error_reply(call, error);
  dbus_message_get_args(call, NULL, DBUS_TYPE_INT64, &now, DBUS_TYPE_INVALID);
  if (now <= 0)
    return dbus_message_new_error(call, OTAUX_ERROR_INVALID_ARGS, "the time must be positive");
  bus->set_time(now, bus->set_time_data);
  return dbus_message_new_method_return(call);
}

static void get_now(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OtauxBus *bus = data;
  dbus_int64_t now = otaux_agent_now(bus->agent);
  dbus_message_iter_append_basic(iter, DBUS_TYPE_INT64, &now);
}

static const OtauxDBusMethod testing_methods[] = {
  { "SetTime", "x", "", testing_set_time, OTAUX_DBUS_METHOD_NEEDS_UID },
  { NULL },
};

static const OtauxDBusProperty testing_properties[] = {
  { "Now", "x", get_now },
  { NULL },
};

static const OtauxDBusSignal testing_signals[] = {
  { NULL },
};

const OtauxDBusInterface otaux_bus_testing_interface = {
  .name = "org.otaux.Testing1",
  .methods = testing_methods,
  .properties = testing_properties,
  .signals = testing_signals,
  .introspection_resource = "/org/otaux/dbus/org.otaux.Testing1.xml",
};

void otaux_bus_enable_testing(OtauxBus *bus, OtauxBusSetTimeFunc set_time, gpointer user_data)
{
  bus->set_time = set_time;
  bus->set_time_data = user_data;
  otaux_dbus_server_register(bus->server, OTAUX_TESTING_PATH, &otaux_bus_testing_interface, bus);
}

/* ---- core events -> signals ---- */

static void export_offer(OtauxBus *bus, guint serial)
{
  OfferRef *ref = g_new0(OfferRef, 1);
  ref->bus = bus;
  ref->serial = serial;
  g_hash_table_replace(bus->offer_refs, GUINT_TO_POINTER(serial), ref);
  g_autofree char *path = otaux_bus_offer_path(serial);
  otaux_dbus_server_register(bus->server, path, &otaux_bus_offer_interface, ref);
}

static void emit_path_signal(OtauxBus *bus, const char *member, guint serial)
{
  g_autofree char *path = otaux_bus_offer_path(serial);
  const char *p = path;
  DBusMessage *msg = dbus_message_new_signal(OTAUX_AGENT_PATH, OTAUX_AGENT_IFACE, member);
  dbus_message_append_args(msg, DBUS_TYPE_OBJECT_PATH, &p, DBUS_TYPE_INVALID);
  otaux_dbus_server_send(bus->server, msg);
}

static void on_offer_added(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  OtauxBus *bus = data;
  static const char *const offers_prop[] = { "Offers", NULL };
  export_offer(bus, offer->serial);
  emit_path_signal(bus, "OfferAdded", offer->serial);
  otaux_dbus_server_emit_properties_changed(bus->server, OTAUX_AGENT_PATH, offers_prop);
}

static void on_offer_removed(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  OtauxBus *bus = data;
  static const char *const offers_prop[] = { "Offers", NULL };
  g_autofree char *path = otaux_bus_offer_path(offer->serial);
  otaux_dbus_server_unregister(bus->server, path);
  g_hash_table_remove(bus->offer_refs, GUINT_TO_POINTER(offer->serial));
  emit_path_signal(bus, "OfferRemoved", offer->serial);
  otaux_dbus_server_emit_properties_changed(bus->server, OTAUX_AGENT_PATH, offers_prop);
}

static void on_offer_changed(OtauxAgent *agent, const OtauxOffer *offer, guint changed,
                             gpointer data)
{
  static const struct {
    guint bit;
    const char *names[6];
  } map[] = {
    { OTAUX_OFFER_PROP_NAME, { "Name" } },
    { OTAUX_OFFER_PROP_VERSION, { "Version" } },
    { OTAUX_OFFER_PROP_PRIORITY, { "Priority" } },
    { OTAUX_OFFER_PROP_SIZE, { "Size" } },
    { OTAUX_OFFER_PROP_FLAGS, { "Silent", "Forced", "Roaming", "Metered", "Cellular" } },
    { OTAUX_OFFER_PROP_CORRELATOR, { "Correlator" } },
    { OTAUX_OFFER_PROP_STATE, { "State" } },
    { OTAUX_OFFER_PROP_BYTES, { "BytesDone", "BytesTotal" } },
    { OTAUX_OFFER_PROP_PHASE, { "Phase" } },
    { OTAUX_OFFER_PROP_DECISION, { "Decision", "DecisionReason" } },
    { OTAUX_OFFER_PROP_REBOOT_AT, { "RebootAt" } },
    { OTAUX_OFFER_PROP_RESULT, { "Result" } },
    { OTAUX_OFFER_PROP_PROMPT, { "Prompt" } },
  };
  OtauxBus *bus = data;
  const char *names[32];
  guint n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS(map); i++)
    if (changed & map[i].bit)
      for (gsize j = 0; j < G_N_ELEMENTS(map[i].names) && map[i].names[j] != NULL; j++)
        names[n++] = map[i].names[j];
  names[n] = NULL;
  g_autofree char *path = otaux_bus_offer_path(offer->serial);
  otaux_dbus_server_emit_properties_changed(bus->server, path, names);
}

static void on_decided(OtauxAgent *agent, const OtauxOffer *offer, const OtauxDecisionEvent *event,
                       gpointer data)
{
  OtauxBus *bus = data;
  g_autofree char *path = otaux_bus_offer_path(offer->serial);
  const char *decision = otaux_decision_to_string(event->decision);
  const char *phase = otaux_phase_to_string(event->phase);
  const char *reason = otaux_reason_to_string(event->reason);
  dbus_int64_t reboot_at = event->reboot_at;
  DBusMessageIter iter, dict;

  DBusMessage *msg = dbus_message_new_signal(path, OTAUX_OFFER_IFACE, "Decided");
  dbus_message_iter_init_append(msg, &iter);
  dbus_message_iter_append_basic(&iter, DBUS_TYPE_STRING, &decision);
  dbus_message_iter_open_container(&iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
  append_string_entry(&dict, "id", offer->spec.id);
  append_string_entry(&dict, "phase", phase);
  append_string_entry(&dict, "reason", reason);
  otaux_dbus_append_entry(&dict, "reboot-at", DBUS_TYPE_INT64, &reboot_at);
  append_string_entry(&dict, "correlator", offer->spec.correlator);
  dbus_message_iter_close_container(&iter, &dict);
  otaux_dbus_server_send(bus->server, msg);
}

/* ---- callers.names: follow the owners of the allowed well-known names ---- */

static void add_owner(OtauxBus *bus, const char *name, const char *owner)
{
  if (owner != NULL && owner[0] == ':')
    g_hash_table_replace(bus->allowed_owners, g_strdup(owner), g_strdup(name));
}

typedef struct {
  OtauxBus *bus;
  char *name;
} OwnerLookup;

static void owner_lookup_free(void *data)
{
  OwnerLookup *lookup = data;
  g_free(lookup->name);
  g_free(lookup);
}

static gboolean name_allowed(OtauxBus *bus, const char *name)
{
  const OtauxPolicy *p = otaux_agent_get_policy(bus->agent);
  for (guint i = 0; i < p->n_allowed_names && i < OTAUX_POLICY_MAX_LIST; i++)
    if (g_str_equal(p->allowed_names[i], name))
      return TRUE;
  return FALSE;
}

static void on_get_name_owner(DBusPendingCall *pending, void *data)
{
  OwnerLookup *lookup = data;
  OtauxBus *bus = lookup->bus;
  DBusMessage *reply = dbus_pending_call_steal_reply(pending);
  const char *owner = NULL;

  /* No owner yet (an error reply) is fine: NameOwnerChanged tells later. */
  if (reply != NULL && dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN &&
      dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &owner, DBUS_TYPE_INVALID) &&
      name_allowed(bus, lookup->name))
    add_owner(bus, lookup->name, owner);
  if (reply != NULL)
    dbus_message_unref(reply);
  g_ptr_array_remove(bus->pending, pending); /* unrefs it */
}

static void lookup_owner(OtauxBus *bus, const char *name)
{
  DBusMessage *call = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
                                                   DBUS_INTERFACE_DBUS, "GetNameOwner");
  DBusPendingCall *pending = NULL;
  OwnerLookup *lookup;

  dbus_message_append_args(call, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
  if (!dbus_connection_send_with_reply(bus->connection, call, &pending, -1) || pending == NULL) {
    dbus_message_unref(call);
    return;
  }
  dbus_message_unref(call);
  lookup = g_new0(OwnerLookup, 1);
  lookup->bus = bus;
  lookup->name = g_strdup(name);
  g_ptr_array_add(bus->pending, pending);
  dbus_pending_call_set_notify(pending, on_get_name_owner, lookup, owner_lookup_free);
}

static void pending_cancel(gpointer data)
{
  DBusPendingCall *pending = data;
  dbus_pending_call_cancel(pending);
  dbus_pending_call_unref(pending);
}

/* NameOwnerChanged of a watched name: follow its owner. */
static void name_owner_changed(OtauxBus *bus, const char *name, const char *old_owner,
                               const char *new_owner)
{
  if (!g_hash_table_contains(bus->watched_names, name))
    return;
  if (old_owner != NULL && old_owner[0] != '\0') {
    const char *had = g_hash_table_lookup(bus->allowed_owners, old_owner);
    if (had != NULL && g_str_equal(had, name))
      g_hash_table_remove(bus->allowed_owners, old_owner);
  }
  if (new_owner != NULL && new_owner[0] != '\0' && name_allowed(bus, name))
    add_owner(bus, name, new_owner);
}

static void watch_names(OtauxBus *bus)
{
  const OtauxPolicy *p = otaux_agent_get_policy(bus->agent);

  g_hash_table_remove_all(bus->allowed_owners);
  for (guint i = 0; i < p->n_allowed_names && i < OTAUX_POLICY_MAX_LIST; i++) {
    const char *name = p->allowed_names[i];

    if (!g_hash_table_contains(bus->watched_names, name)) {
      g_autofree char *rule = g_strdup_printf("type='signal',sender='" DBUS_SERVICE_DBUS
                                              "',interface='" DBUS_INTERFACE_DBUS
                                              "',member='NameOwnerChanged',arg0='%s'",
                                              name);
      dbus_bus_add_match(bus->connection, rule, NULL);
      g_hash_table_add(bus->watched_names, g_strdup(name));
    }
    lookup_owner(bus, name);
  }
}

static void on_policy_changed(OtauxAgent *agent, gpointer data)
{
  OtauxBus *bus = data;
  static const char *const props[] = { "DownloadRetryInterval", "DownloadTimeout", "PolicyProblems",
                                       NULL };

  watch_names(bus);
  otaux_dbus_server_emit_properties_changed(bus->server, OTAUX_AGENT_PATH, props);
}

static void on_device_changed(OtauxAgent *agent, const OtauxDeviceFacts *device, gpointer data)
{
  OtauxBus *bus = data;
  static const char *const props[] = { "Device", NULL };

  otaux_dbus_server_emit_properties_changed(bus->server, OTAUX_AGENT_PATH, props);
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
  if (dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameOwnerChanged")) {
    const char *old_owner = NULL, *new_owner = NULL;
    if (dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old_owner,
                              DBUS_TYPE_STRING, &new_owner, DBUS_TYPE_INVALID))
      name_owner_changed(bus, name, old_owner, new_owner);
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
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

static DBusConnection *connect_bus(const char *address, GError **error)
{
  g_auto(DBusError) err = DBUS_ERROR_INIT;
  DBusConnection *connection;

  if (address == NULL) {
    connection = dbus_bus_get_private(DBUS_BUS_SESSION, &err);
  } else {
    connection = dbus_connection_open_private(address, &err);
    if (connection != NULL && !dbus_bus_register(connection, &err)) {
      dbus_connection_close(connection);
      dbus_connection_unref(connection);
      connection = NULL;
    }
  }
  if (connection == NULL) {
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_CONNECT,
                "Cannot connect to the session bus: %s",
                err.message != NULL ? err.message : "unknown error");
    return NULL;
  }
  dbus_connection_set_exit_on_disconnect(connection, FALSE);
  return connection;
}

OtauxBus *otaux_bus_new(OtauxAgent *agent, const OtauxBusConfig *config, OtauxBusLostFunc lost,
                        gpointer user_data, GError **error)
{
  g_auto(DBusError) err = DBUS_ERROR_INIT;
  DBusConnection *connection = connect_bus(config != NULL ? config->address : NULL, error);

  if (connection == NULL)
    return NULL;

  g_autoptr(OtauxBus) bus = g_new0(OtauxBus, 1);
  bus->agent = agent;
  bus->connection = connection;
  bus->lost = lost;
  bus->lost_data = user_data;
  bus->offer_refs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  bus->allowed_owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  bus->watched_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  bus->pending = g_ptr_array_new_with_free_func((GDestroyNotify)dbus_pending_call_unref);
  otaux_dbus_mainloop_attach(connection, NULL);
  bus->server = otaux_dbus_server_new(connection);
  dbus_connection_add_filter(connection, connection_filter, bus, NULL);

  /* Export everything before taking the name: whoever sees the name
   * appear finds the offers already there. */
  otaux_dbus_server_register(bus->server, OTAUX_AGENT_PATH, &otaux_bus_agent_interface, bus);
  g_autoptr(GPtrArray) offers = otaux_agent_list(agent);
  for (guint i = 0; i < offers->len; i++)
    export_offer(bus, ((const OtauxOffer *)offers->pdata[i])->serial);
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
  if (bus->pending != NULL) {
    /* Cancel what is in flight: its callbacks point at this bus. */
    g_ptr_array_set_free_func(bus->pending, pending_cancel);
    g_clear_pointer(&bus->pending, g_ptr_array_unref);
  }
  if (bus->connection != NULL) {
    dbus_connection_remove_filter(bus->connection, connection_filter, bus);
    g_clear_pointer(&bus->server, otaux_dbus_server_free);
    otaux_dbus_mainloop_detach(bus->connection);
    dbus_connection_close(bus->connection);
    dbus_connection_unref(bus->connection);
  }
  g_clear_pointer(&bus->offer_refs, g_hash_table_destroy);
  g_clear_pointer(&bus->allowed_owners, g_hash_table_destroy);
  g_clear_pointer(&bus->watched_names, g_hash_table_destroy);
  g_free(bus);
}
