/* org.otaux.Offer1 on /org/otaux/Agent/Offers/N: an offer's methods
 * (SetState, Finish, FinishWithDetails, Withdraw, Answer), its properties and the Prompt, and
 * its signals (PropertiesChanged, Decided). The object is the core's
 * OtauxOffer (agent/otaux-offer.c), looked up by serial at each call. */
#include <string.h>

#include "otaux-bus-private.h"
#include "otaux-dbus-error.h"
#include "otaux-dbus-util.h"
#include "otaux-dbus-validate.h"

char *otaux_bus_offer_path(guint serial)
{
  /* The system instance's offers, mirrored by the session agent, keep
   * their own number under a folder of their own (docs/dbus-api.md). */
  if (otaux_agent_is_remote(serial))
    return g_strdup_printf(OTAUX_SYSTEM_OFFERS_PATH "/%u", serial - OTAUX_AGENT_REMOTE_BASE);
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
  OtauxBusOfferRef *ref = data;
  return otaux_agent_lookup(ref->bus->agent, ref->serial);
}

/* Every Offer1 method: look the offer up, check the caller, then act.
 * The updater's methods (all but Answer) also check callers.names. */
static DBusMessage *offer_call_prologue(DBusMessage *call, guint32 uid, gpointer data,
                                        const OtauxOffer **offer)
{
  OtauxBusOfferRef *ref = data;
  g_autoptr(GError) error = NULL;

  *offer = ref_offer(data);
  if (*offer == NULL)
    return dbus_message_new_error(call, DBUS_ERROR_UNKNOWN_OBJECT, "The offer is gone");
  guint n_gids = 0;
  const guint32 *gids = otaux_dbus_server_caller_gids(ref->bus->server, call, &n_gids);
  if (!otaux_agent_check_caller_groups(ref->bus->agent, uid, gids, n_gids, &error))
    return otaux_dbus_error_reply(call, error);
  if (!dbus_message_has_member(call, "Answer") && !otaux_bus_sender_allowed(ref->bus, call, &error))
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
  OtauxBusOfferRef *ref = data;
  const OtauxOffer *offer = NULL;
  g_autoptr(GError) error = NULL;
  guint32 state = 0;
  OtauxStateDetails details = { 0 };
  DBusMessage *refused = offer_call_prologue(call, uid, data, &offer);

  if (refused != NULL)
    return refused;
  gboolean ok =
      otaux_dbus_parse_set_state_details(call, &state, &details, &error) &&
      otaux_agent_set_state_details(ref->bus->agent, ref->serial, state, &details, &error);
  g_free(details.instruction);
  g_free(details.step);
  g_free(details.stage);
  return result_reply(call, ok, error);
}

static DBusMessage *offer_finish(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                 gpointer data)
{
  OtauxBusOfferRef *ref = data;
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

static DBusMessage *offer_finish_with_details(OtauxDBusServer *server, DBusMessage *call,
                                              guint32 uid, gpointer data)
{
  OtauxBusOfferRef *ref = data;
  const OtauxOffer *offer = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result = 0;
  OtauxFinishDetails details = { 0 };
  DBusMessage *refused = offer_call_prologue(call, uid, data, &offer);

  if (refused != NULL)
    return refused;
  gboolean ok =
      otaux_dbus_parse_finish_details(call, &result, &details, &error) &&
      otaux_agent_finish_full(ref->bus->agent, ref->serial, result, details.message, &error);
  g_free(details.message);
  return result_reply(call, ok, error);
}

static DBusMessage *offer_withdraw(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                   gpointer data)
{
  OtauxBusOfferRef *ref = data;
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

/* The answer itself, once the caller may give it. */
static DBusMessage *answer_now(OtauxBus *bus, DBusMessage *call, guint serial)
{
  g_autoptr(GError) error = NULL;
  const char *choice = NULL;
  gint64 reboot_at = 0;

  if (otaux_agent_lookup(bus->agent, serial) == NULL)
    return dbus_message_new_error(call, DBUS_ERROR_UNKNOWN_OBJECT, "The offer is gone");
  gboolean ok = otaux_dbus_parse_answer(call, &choice, &reboot_at, &error) &&
                otaux_agent_answer(bus->agent, serial, choice, reboot_at, &error);
  return result_reply(call, ok, error);
}

/* The system instance: logind has said whether the caller's session may. */
static void on_seat_checked(OtauxBus *bus, DBusMessage *call, const GError *refused, gpointer data)
{
  DBusMessage *msg;

  if (refused != NULL) {
    g_message("Answer refused: %s", refused->message);
    msg = otaux_dbus_error_reply(call, refused);
  } else {
    msg = answer_now(bus, call, GPOINTER_TO_UINT(data));
  }
  if (dbus_message_get_no_reply(call))
    dbus_message_unref(msg);
  else
    otaux_dbus_server_send(bus->server, msg);
}

static DBusMessage *offer_answer(OtauxDBusServer *server, DBusMessage *call, guint32 uid,
                                 gpointer data)
{
  OtauxBusOfferRef *ref = data;
  const OtauxOffer *offer = NULL;

  /* The system instance: not the updater's callers but the person at the
   * seat; answered once logind has said (the offer may go meanwhile, so
   * only its serial is kept). */
  if (ref->bus->system) {
    if (ref_offer(data) == NULL)
      return dbus_message_new_error(call, DBUS_ERROR_UNKNOWN_OBJECT, "The offer is gone");
    otaux_bus_seat_check(ref->bus, call, uid, on_seat_checked, GUINT_TO_POINTER(ref->serial));
    return NULL;
  }
  DBusMessage *refused = offer_call_prologue(call, uid, data, &offer);
  if (refused != NULL)
    return refused;
  return answer_now(ref->bus, call, ref->serial);
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
OFFER_STRING_GETTER(get_stage, otaux_stage_to_string(offer->stage))
OFFER_STRING_GETTER(get_decision, otaux_decision_to_string(offer->decision))
OFFER_STRING_GETTER(get_reason, otaux_reason_to_string(offer->reason))
OFFER_GETTER(get_size, DBUS_TYPE_UINT64, dbus_uint64_t, offer->spec.size)
OFFER_GETTER(get_silent, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.silent)
OFFER_GETTER(get_forced, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.forced)
OFFER_GETTER(get_roaming, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.roaming)
OFFER_GETTER(get_metered, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.metered)
OFFER_GETTER(get_cellular, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.cellular)
OFFER_GETTER(get_restart_only, DBUS_TYPE_BOOLEAN, dbus_bool_t, offer->spec.restart_only)
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
  append_string_entry(&dict, "step", prompt->step);
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
  dbus_bool_t needs_reboot = prompt->needs_reboot;
  otaux_dbus_append_entry(&dict, "delay-max", DBUS_TYPE_INT64, &delay_max);
  otaux_dbus_append_entry(&dict, "deadline", DBUS_TYPE_INT64, &deadline);
  otaux_dbus_append_entry(&dict, "progress", DBUS_TYPE_INT32, &progress);
  otaux_dbus_append_entry(&dict, "result", DBUS_TYPE_UINT32, &result);
  otaux_dbus_append_entry(&dict, "dismissible", DBUS_TYPE_BOOLEAN, &dismissible);
  otaux_dbus_append_entry(&dict, "sound", DBUS_TYPE_BOOLEAN, &sound);
  otaux_dbus_append_entry(&dict, "needs-reboot", DBUS_TYPE_BOOLEAN, &needs_reboot);
  dbus_message_iter_close_container(iter, &dict);
}

static void get_prompt(OtauxDBusServer *server, DBusMessageIter *iter, gpointer data)
{
  OtauxBusOfferRef *ref = data;
  const OtauxOffer *offer = ref_offer(data);
  append_prompt(iter, offer != NULL ? otaux_agent_get_prompt(ref->bus->agent, ref->serial) : NULL);
}

static const OtauxDBusMethod offer_methods[] = {
  { "SetState", "ua{sv}", "", offer_set_state, OTAUX_DBUS_METHOD_NEEDS_UID },
  { "Finish", "u", "", offer_finish, OTAUX_DBUS_METHOD_NEEDS_UID },
  { "FinishWithDetails", "ua{sv}", "", offer_finish_with_details, OTAUX_DBUS_METHOD_NEEDS_UID },
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
  { "RestartOnly", "b", get_restart_only },
  { "Correlator", "s", get_correlator },
  { "State", "u", get_state },
  { "BytesDone", "t", get_bytes_done },
  { "BytesTotal", "t", get_bytes_total },
  { "Phase", "s", get_phase },
  { "Stage", "s", get_stage },
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

/* ---- core events -> exported objects and signals ---- */

void otaux_bus_offer_export(OtauxBus *bus, guint serial)
{
  OtauxBusOfferRef *ref = g_new0(OtauxBusOfferRef, 1);
  ref->bus = bus;
  ref->serial = serial;
  g_hash_table_replace(bus->offer_refs, GUINT_TO_POINTER(serial), ref);
  g_autofree char *path = otaux_bus_offer_path(serial);
  otaux_dbus_server_register(bus->server, path, &otaux_bus_offer_interface, ref);
}

void otaux_bus_offer_unexport(OtauxBus *bus, guint serial)
{
  g_autofree char *path = otaux_bus_offer_path(serial);
  otaux_dbus_server_unregister(bus->server, path);
  g_hash_table_remove(bus->offer_refs, GUINT_TO_POINTER(serial));
}

void otaux_bus_offer_emit_changed(OtauxBus *bus, const OtauxOffer *offer, guint changed)
{
  static const struct {
    guint bit;
    const char *names[6];
  } map[] = {
    { OTAUX_OFFER_PROP_NAME, { "Name" } },
    { OTAUX_OFFER_PROP_VERSION, { "Version" } },
    { OTAUX_OFFER_PROP_PRIORITY, { "Priority" } },
    { OTAUX_OFFER_PROP_SIZE, { "Size" } },
    { OTAUX_OFFER_PROP_FLAGS,
      { "Silent", "Forced", "Roaming", "Metered", "Cellular", "RestartOnly" } },
    { OTAUX_OFFER_PROP_CORRELATOR, { "Correlator" } },
    { OTAUX_OFFER_PROP_STATE, { "State" } },
    { OTAUX_OFFER_PROP_BYTES, { "BytesDone", "BytesTotal" } },
    { OTAUX_OFFER_PROP_PHASE, { "Phase", "Stage" } },
    { OTAUX_OFFER_PROP_DECISION, { "Decision", "DecisionReason" } },
    { OTAUX_OFFER_PROP_REBOOT_AT, { "RebootAt" } },
    { OTAUX_OFFER_PROP_RESULT, { "Result" } },
    { OTAUX_OFFER_PROP_PROMPT, { "Prompt" } },
  };
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

/* The arguments of Offer1.Decided and Agent1.Decided, after the path:
 * (s decision, a{sv} details). One builder, so both say the same. */
void otaux_bus_append_decided(DBusMessageIter *iter, const OtauxOffer *offer,
                              const OtauxDecisionEvent *event)
{
  const char *decision = otaux_decision_to_string(event->decision);
  const char *phase = otaux_phase_to_string(event->phase);
  const char *reason = otaux_reason_to_string(event->reason);
  dbus_int64_t reboot_at = event->reboot_at;
  DBusMessageIter dict;

  dbus_message_iter_append_basic(iter, DBUS_TYPE_STRING, &decision);
  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
  append_string_entry(&dict, "id", offer->spec.id);
  append_string_entry(&dict, "phase", phase);
  append_string_entry(&dict, "reason", reason);
  otaux_dbus_append_entry(&dict, "reboot-at", DBUS_TYPE_INT64, &reboot_at);
  append_string_entry(&dict, "correlator", offer->spec.correlator);
  if (event->tonight) {
    dbus_bool_t tonight = TRUE;

    /* "Install tonight": reboot-at is the night window's start */
    otaux_dbus_append_entry(&dict, "tonight", DBUS_TYPE_BOOLEAN, &tonight);
  }
  dbus_message_iter_close_container(iter, &dict);
}

void otaux_bus_offer_emit_decided(OtauxBus *bus, const OtauxOffer *offer,
                                  const OtauxDecisionEvent *event)
{
  g_autofree char *path = otaux_bus_offer_path(offer->serial);
  DBusMessageIter iter;

  DBusMessage *msg = dbus_message_new_signal(path, OTAUX_OFFER_IFACE, "Decided");
  dbus_message_iter_init_append(msg, &iter);
  otaux_bus_append_decided(&iter, offer, event);
  otaux_dbus_server_send(bus->server, msg);
}
