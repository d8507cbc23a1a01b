/* The session agent follows the system instance (issue 20): the offers of
 * org.otaux.Agent on the system bus are mirrored into the core
 * (otaux_agent_remote_put), so this session's presenters show their
 * prompts; an answer goes back as Offer1.Answer on the system bus, where
 * the system instance checks that this session may give it.
 *
 * Only while this session is the active one (logind's Active of the
 * session this agent runs in): an inactive session withdraws the mirrors,
 * so its notifications and pop-up go, and lists them again when it is
 * active. Without logind, or outside any session, it always presents. */
#include "otaux-sysbus-private.h"

#include <string.h>
#include <unistd.h>

#include "otaux-bus.h"
#include "otaux-dbus-object.h"
#include "otaux-dbus-util.h"

#define LOGIND_NAME    "org.freedesktop.login1"
#define LOGIND_PATH    "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"

/* ---- the offers ------------------------------------------------------- */

static gboolean remote_serial(const char *path, guint *serial)
{
  guint n = 0;

  if (!otaux_bus_offer_serial(path, &n) || n >= G_MAXUINT - OTAUX_AGENT_REMOTE_BASE)
    return FALSE;
  *serial = OTAUX_AGENT_REMOTE_BASE + n;
  return TRUE;
}

/* Not before logind said whether this session is the active one: an
 * inactive session must not flash the offers at its start. */
static gboolean presenting(OtauxSysbus *sb)
{
  return sb->follow && !sb->session_pending && !sb->session_inactive &&
         sb->owner[OTAUX_SYS_OTAUX] != NULL;
}

static void take_string(char **field, DBusMessageIter *value)
{
  const char *s = NULL;

  if (otaux_sysbus_read_string(value, &s)) {
    g_free(*field);
    *field = g_strdup(s);
  }
}

static gboolean read_i64(DBusMessageIter *value, gint64 *out)
{
  dbus_int64_t v;

  if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_INT64)
    return FALSE;
  dbus_message_iter_get_basic(value, &v);
  *out = v;
  return TRUE;
}

static gboolean read_u64(DBusMessageIter *value, guint64 *out)
{
  dbus_uint64_t v;

  if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_UINT64)
    return FALSE;
  dbus_message_iter_get_basic(value, &v);
  *out = v;
  return TRUE;
}

/* An enum from its name, through the core's own to_string. */
static guint enum_of(const char *s, const char *(*to_string)(guint), guint n, guint fallback)
{
  for (guint i = 0; s != NULL && i < n; i++)
    if (g_strcmp0(to_string(i), s) == 0)
      return i;
  return fallback;
}

static const char *kind_name(guint i)
{
  return otaux_prompt_kind_to_string(i);
}
static const char *presentation_name(guint i)
{
  return otaux_presentation_to_string(i);
}
static const char *urgency_name(guint i)
{
  return otaux_urgency_to_string(i);
}
static const char *priority_name(guint i)
{
  return otaux_priority_to_string(i);
}

static void read_choices(OtauxPrompt *prompt, DBusMessageIter *value)
{
  DBusMessageIter array;

  if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_ARRAY)
    return;
  dbus_message_iter_recurse(value, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_STRUCT) {
    DBusMessageIter st;
    const char *id = NULL, *label = NULL;

    dbus_message_iter_recurse(&array, &st);
    if (otaux_sysbus_read_string(&st, &id) && dbus_message_iter_next(&st) &&
        otaux_sysbus_read_string(&st, &label)) {
      OtauxChoice *c = g_new0(OtauxChoice, 1);

      c->id = g_strdup(id);
      c->label = g_strdup(label);
      g_ptr_array_add(prompt->choices, c);
    }
    dbus_message_iter_next(&array);
  }
}

static void read_delay_options(OtauxPrompt *prompt, DBusMessageIter *value)
{
  DBusMessageIter array;

  if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_ARRAY)
    return;
  dbus_message_iter_recurse(value, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_STRUCT) {
    DBusMessageIter st;
    const char *label = NULL;
    gint64 when = 0;

    dbus_message_iter_recurse(&array, &st);
    if (otaux_sysbus_read_string(&st, &label) && dbus_message_iter_next(&st) &&
        read_i64(&st, &when)) {
      OtauxDelayOption option = { g_strdup(label), when, FALSE };

      g_array_append_val(prompt->delay_options, option);
    }
    dbus_message_iter_next(&array);
  }
}

static void prompt_key(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  OtauxPrompt *p = data;
  const char *s = NULL;
  guint32 u = 0;
  gint32 i = 0;

  static const struct {
    const char *key;
    gsize offset;
  } texts[] = {
    { "title", G_STRUCT_OFFSET(OtauxPrompt, title) },
    { "body", G_STRUCT_OFFSET(OtauxPrompt, body) },
    { "warning", G_STRUCT_OFFSET(OtauxPrompt, warning) },
    { "message", G_STRUCT_OFFSET(OtauxPrompt, message) },
    { "body-markup", G_STRUCT_OFFSET(OtauxPrompt, body_markup) },
    { "warning-markup", G_STRUCT_OFFSET(OtauxPrompt, warning_markup) },
    { "message-markup", G_STRUCT_OFFSET(OtauxPrompt, message_markup) },
    { "details", G_STRUCT_OFFSET(OtauxPrompt, details) },
    { "step", G_STRUCT_OFFSET(OtauxPrompt, step) },
    { "suggested", G_STRUCT_OFFSET(OtauxPrompt, suggested) },
    { "deadline-choice", G_STRUCT_OFFSET(OtauxPrompt, deadline_choice) },
  };

  for (gsize k = 0; k < G_N_ELEMENTS(texts); k++)
    if (g_str_equal(key, texts[k].key)) {
      take_string(G_STRUCT_MEMBER_P(p, texts[k].offset), value);
      return;
    }
  if (g_str_equal(key, "kind") && otaux_sysbus_read_string(value, &s))
    p->kind = enum_of(s, kind_name, OTAUX_PROMPT_RESULT + 1, OTAUX_PROMPT_NONE);
  else if (g_str_equal(key, "presentation") && otaux_sysbus_read_string(value, &s))
    p->presentation =
        enum_of(s, presentation_name, OTAUX_PRESENTATION_POPUP + 1, OTAUX_PRESENTATION_ACTIONS);
  else if (g_str_equal(key, "urgency") && otaux_sysbus_read_string(value, &s))
    p->urgency = enum_of(s, urgency_name, OTAUX_URGENCY_CRITICAL + 1, OTAUX_URGENCY_NORMAL);
  else if (g_str_equal(key, "priority") && otaux_sysbus_read_string(value, &s))
    p->priority = enum_of(s, priority_name, OTAUX_N_PRIORITIES, OTAUX_PRIORITY_MEDIUM);
  else if (g_str_equal(key, "choices"))
    read_choices(p, value);
  else if (g_str_equal(key, "delay-options"))
    read_delay_options(p, value);
  else if (g_str_equal(key, "delay-max"))
    (void)read_i64(value, &p->delay_max);
  else if (g_str_equal(key, "deadline"))
    (void)read_i64(value, &p->deadline);
  else if (g_str_equal(key, "progress") && dbus_message_iter_get_arg_type(value) == DBUS_TYPE_INT32)
    dbus_message_iter_get_basic(value, &i), p->progress = i;
  else if (g_str_equal(key, "result") && otaux_sysbus_read_u32(value, &u))
    p->result = u;
  else if (g_str_equal(key, "dismissible"))
    (void)otaux_sysbus_read_bool(value, &p->dismissible);
  else if (g_str_equal(key, "sound"))
    (void)otaux_sysbus_read_bool(value, &p->sound);
  else if (g_str_equal(key, "needs-reboot"))
    (void)otaux_sysbus_read_bool(value, &p->needs_reboot);
}

typedef struct {
  OtauxOffer *offer;
  OtauxPrompt *prompt;
} Mirror;

static void offer_key(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  Mirror *m = data;
  OtauxOffer *o = m->offer;
  const char *s = NULL;

  if (g_str_equal(key, "Id"))
    take_string(&o->spec.id, value);
  else if (g_str_equal(key, "Name"))
    take_string(&o->spec.name, value);
  else if (g_str_equal(key, "Version"))
    take_string(&o->spec.version, value);
  else if (g_str_equal(key, "Correlator"))
    take_string(&o->spec.correlator, value);
  else if (g_str_equal(key, "Priority") && otaux_sysbus_read_string(value, &s))
    (void)otaux_priority_from_string(s, &o->spec.priority);
  else if (g_str_equal(key, "Size"))
    (void)read_u64(value, &o->spec.size);
  else if (g_str_equal(key, "Silent"))
    (void)otaux_sysbus_read_bool(value, &o->spec.silent);
  else if (g_str_equal(key, "Forced"))
    (void)otaux_sysbus_read_bool(value, &o->spec.forced);
  else if (g_str_equal(key, "RestartOnly"))
    (void)otaux_sysbus_read_bool(value, &o->spec.restart_only);
  else if (g_str_equal(key, "State"))
    (void)otaux_sysbus_read_u32(value, &o->state);
  else if (g_str_equal(key, "BytesDone"))
    (void)read_u64(value, &o->bytes_done);
  else if (g_str_equal(key, "BytesTotal"))
    (void)read_u64(value, &o->bytes_total);
  else if (g_str_equal(key, "Phase") && otaux_sysbus_read_string(value, &s))
    (void)otaux_phase_from_string(s, &o->phase);
  else if (g_str_equal(key, "Stage") && otaux_sysbus_read_string(value, &s))
    (void)otaux_stage_from_string(s, &o->stage);
  else if (g_str_equal(key, "Decision") && otaux_sysbus_read_string(value, &s))
    (void)otaux_decision_from_string(s, &o->decision);
  else if (g_str_equal(key, "DecisionReason") && otaux_sysbus_read_string(value, &s))
    (void)otaux_reason_from_string(s, &o->reason);
  else if (g_str_equal(key, "RebootAt"))
    (void)read_i64(value, &o->reboot_at);
  else if (g_str_equal(key, "Result"))
    (void)otaux_sysbus_read_u32(value, &o->result);
  else if (g_str_equal(key, "Prompt"))
    otaux_sysbus_props_foreach(sb, value, prompt_key, m->prompt);
}

static void on_offer_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  guint serial = GPOINTER_TO_UINT(data);
  DBusMessageIter iter;
  Mirror m;

  if (!presenting(sb))
    return;
  if (reply == NULL || !dbus_message_iter_init(reply, &iter)) {
    /* gone meanwhile (UnknownObject): OfferRemoved says so too */
    otaux_agent_remote_remove(sb->agent, serial);
    return;
  }
  m.offer = g_new0(OtauxOffer, 1);
  otaux_offer_spec_init(&m.offer->spec);
  m.offer->serial = serial;
  m.prompt = otaux_prompt_new();
  otaux_sysbus_props_foreach(sb, &iter, offer_key, &m);
  m.offer->decided_in = m.offer->phase;
  otaux_agent_remote_put(sb->agent, m.offer, m.prompt);
}

static void fetch_offer(OtauxSysbus *sb, const char *path)
{
  guint serial = 0;

  if (remote_serial(path, &serial))
    otaux_sysbus_get_all(sb, OTAUX_SYS_OTAUX, path, OTAUX_OFFER_IFACE, on_offer_props,
                         GUINT_TO_POINTER(serial), NULL);
}

static void on_offers(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter, variant, array;

  if (reply == NULL || !presenting(sb) || !dbus_message_iter_init(reply, &iter) ||
      dbus_message_iter_get_arg_type(&iter) != DBUS_TYPE_VARIANT)
    return;
  dbus_message_iter_recurse(&iter, &variant);
  if (dbus_message_iter_get_arg_type(&variant) != DBUS_TYPE_ARRAY)
    return;
  dbus_message_iter_recurse(&variant, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_OBJECT_PATH) {
    const char *path = NULL;

    dbus_message_iter_get_basic(&array, &path);
    fetch_offer(sb, path);
    dbus_message_iter_next(&array);
  }
}

/* Catches up: every offer the system instance has, as it stands. */
static void list_offers(OtauxSysbus *sb)
{
  const char *iface = OTAUX_AGENT_IFACE, *prop = "Offers";
  DBusMessage *msg;

  if (!presenting(sb))
    return;
  msg = dbus_message_new_method_call(OTAUX_BUS_NAME, OTAUX_AGENT_PATH, DBUS_INTERFACE_PROPERTIES,
                                     "Get");
  if (msg != NULL)
    dbus_message_append_args(msg, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &prop,
                             DBUS_TYPE_INVALID);
  otaux_sysbus_call(sb, OTAUX_SYS_OTAUX, msg, on_offers, NULL, NULL);
}

static void follow_appeared(OtauxSysbus *sb)
{
  list_offers(sb);
}

static void follow_vanished(OtauxSysbus *sb)
{
  /* Its notifications and pop-up go; they come back with it. */
  otaux_agent_remote_clear(sb->agent);
}

static void follow_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  const char *path = NULL;
  DBusMessageIter iter;
  guint serial = 0;

  if (!presenting(sb))
    return;
  if (dbus_message_is_signal(msg, OTAUX_AGENT_IFACE, "OfferAdded") &&
      dbus_message_get_args(msg, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID)) {
    fetch_offer(sb, path);
  } else if (dbus_message_is_signal(msg, OTAUX_AGENT_IFACE, "OfferRemoved") &&
             dbus_message_get_args(msg, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID)) {
    if (remote_serial(path, &serial))
      otaux_agent_remote_remove(sb->agent, serial);
  } else if (otaux_sysbus_is_props_changed(msg, OTAUX_OFFER_IFACE, &iter)) {
    /* The whole offer again: one round trip, and never a half-merged view. */
    fetch_offer(sb, dbus_message_get_path(msg));
  }
}

static const char *const follow_matches[] = {
  "interface='" OTAUX_AGENT_IFACE "',path='" OTAUX_AGENT_PATH "'",
  "interface='" DBUS_INTERFACE_PROPERTIES "',member='PropertiesChanged',arg0='" OTAUX_OFFER_IFACE
  "',path_namespace='" OTAUX_OFFERS_PATH "'",
  NULL,
};

const OtauxSysService otaux_sys_otaux = {
  .name = OTAUX_BUS_NAME,
  .matches = follow_matches,
  .appeared = follow_appeared,
  .vanished = follow_vanished,
  .signal = follow_signal,
};

/* ---- the answer ------------------------------------------------------- */

static void on_answered(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  guint serial = GPOINTER_TO_UINT(data);

  /* Taken: the mirror shows what the system instance decided. Refused (or
   * no reply): the question stays, and its prompt says the answer was not
   * accepted, with the system instance's reason. */
  if (reply != NULL)
    return;
  g_message("the system instance did not take the answer for offer %u: %s",
            serial - OTAUX_AGENT_REMOTE_BASE,
            sb->reply_error != NULL ? sb->reply_error : "no reply");
  otaux_agent_remote_refused(sb->agent, serial,
                             sb->reply_error != NULL ? sb->reply_error : "no reply");
}

static void on_remote_answer(guint serial, const char *choice, gint64 reboot_at, gpointer data)
{
  OtauxSysbus *sb = data;
  g_autofree char *path = otaux_bus_offer_path(serial - OTAUX_AGENT_REMOTE_BASE);
  DBusMessage *msg =
      dbus_message_new_method_call(OTAUX_BUS_NAME, path, OTAUX_OFFER_IFACE, "Answer");
  DBusMessageIter iter, dict;

  if (msg == NULL)
    return;
  dbus_message_iter_init_append(msg, &iter);
  dbus_message_iter_append_basic(&iter, DBUS_TYPE_STRING, &choice);
  dbus_message_iter_open_container(&iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
  if (reboot_at != 0) {
    dbus_int64_t at = reboot_at;

    otaux_dbus_append_entry(&dict, "reboot-at", DBUS_TYPE_INT64, &at);
  }
  dbus_message_iter_close_container(&iter, &dict);
  otaux_sysbus_call(sb, OTAUX_SYS_OTAUX, msg, on_answered, GUINT_TO_POINTER(serial), NULL);
}

/* ---- this session: active or not ------------------------------------- */

static void set_inactive(OtauxSysbus *sb, gboolean inactive)
{
  if (sb->session_inactive == inactive)
    return;
  sb->session_inactive = inactive;
  g_debug("this session is %s", inactive ? "not the active one" : "active");
  if (inactive)
    otaux_agent_remote_clear(sb->agent);
  else
    list_offers(sb);
}

static void session_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  gboolean active = TRUE;

  if (g_str_equal(key, "Active") && otaux_sysbus_read_bool(value, &active))
    set_inactive(sb, !active);
}

/* Whether this session is the active one is known now: present if so. */
static void session_known(OtauxSysbus *sb)
{
  if (!sb->session_pending)
    return;
  sb->session_pending = FALSE;
  list_offers(sb);
}

static void on_session_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  if (reply != NULL && dbus_message_iter_init(reply, &iter))
    otaux_sysbus_props_foreach(sb, &iter, session_prop, NULL);
  session_known(sb);
}

static void on_session(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  const char *path = NULL;

  if (reply == NULL ||
      !dbus_message_get_args(reply, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID)) {
    g_debug("not in a logind session: the system's offers are presented here");
    session_known(sb);
    return;
  }
  g_free(sb->follow_session_path);
  sb->follow_session_path = g_strdup(path);
  otaux_sysbus_get_all(sb, OTAUX_SYS_LOGIND, path, LOGIND_SESSION, on_session_props, NULL, NULL);
}

/* ---- the system instance: anybody on seat0? --------------------------- */

#define LOGIND_SEAT "org.freedesktop.login1.Seat"
#define SEAT0_PATH  "/org/freedesktop/login1/seat/seat0"

static void seat_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  DBusMessageIter st;
  const char *id = NULL;

  if (!g_str_equal(key, "ActiveSession") ||
      dbus_message_iter_get_arg_type(value) != DBUS_TYPE_STRUCT)
    return;
  dbus_message_iter_recurse(value, &st);
  if (!otaux_sysbus_read_string(&st, &id))
    return;
  g_debug("seat0's active session: '%s'", id);
  otaux_agent_set_present(sb->agent, id[0] != '\0');
}

static void on_seat_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  /* No seat0 (a headless device): nobody is waited for. */
  if (reply != NULL && dbus_message_iter_init(reply, &iter))
    otaux_sysbus_props_foreach(sb, &iter, seat_prop, NULL);
}

/* logind came: which session is ours ($XDG_SESSION_ID, else by our PID);
 * for the system instance, whether seat0 has an active one. */
void otaux_sysbus_follow_logind_appeared(OtauxSysbus *sb)
{
  const char *id = g_getenv("XDG_SESSION_ID");
  DBusMessage *msg;

  if (sb->track_seat)
    otaux_sysbus_get_all(sb, OTAUX_SYS_LOGIND, SEAT0_PATH, LOGIND_SEAT, on_seat_props, NULL, NULL);
  if (!sb->follow)
    return;
  if (id != NULL && *id != '\0') {
    msg = dbus_message_new_method_call(LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER, "GetSession");
    if (msg != NULL)
      dbus_message_append_args(msg, DBUS_TYPE_STRING, &id, DBUS_TYPE_INVALID);
  } else {
    dbus_uint32_t pid = (dbus_uint32_t)getpid();

    msg = dbus_message_new_method_call(LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER, "GetSessionByPID");
    if (msg != NULL)
      dbus_message_append_args(msg, DBUS_TYPE_UINT32, &pid, DBUS_TYPE_INVALID);
  }
  otaux_sysbus_call(sb, OTAUX_SYS_LOGIND, msg, on_session, NULL, NULL);
}

/* logind left, or is not there at all. */
void otaux_sysbus_follow_logind_vanished(OtauxSysbus *sb)
{
  if (sb->track_seat)
    otaux_agent_set_present(sb->agent, TRUE); /* nobody to say otherwise */
  if (!sb->follow)
    return;
  g_clear_pointer(&sb->follow_session_path, g_free);
  set_inactive(sb, FALSE); /* nobody to say otherwise */
  session_known(sb);
}

void otaux_sysbus_follow_logind_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  DBusMessageIter iter;

  if (sb->track_seat && g_strcmp0(dbus_message_get_path(msg), SEAT0_PATH) == 0 &&
      otaux_sysbus_is_props_changed(msg, LOGIND_SEAT, &iter)) {
    otaux_sysbus_props_foreach(sb, &iter, seat_prop, NULL);
    return;
  }
  if (!sb->follow || sb->follow_session_path == NULL ||
      g_strcmp0(dbus_message_get_path(msg), sb->follow_session_path) != 0 ||
      !otaux_sysbus_is_props_changed(msg, LOGIND_SESSION, &iter))
    return;
  otaux_sysbus_props_foreach(sb, &iter, session_prop, NULL);
}

void otaux_sysbus_follow_start(OtauxSysbus *sb)
{
  sb->session_pending = TRUE; /* until logind answers, or is not there */
  otaux_agent_set_remote_answer(sb->agent, on_remote_answer, sb);
}

void otaux_sysbus_follow_stop(OtauxSysbus *sb)
{
  if (!sb->follow)
    return;
  otaux_agent_set_remote_answer(sb->agent, NULL, NULL);
  otaux_agent_remote_clear(sb->agent);
}
