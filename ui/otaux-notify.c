/* otaux-notify: the offers' prompts as desktop notifications.
 *
 * Plain asynchronous GDBus calls to org.freedesktop.Notifications, each
 * with a time-out: libnotify's notify_notification_show() waits for the
 * server, and a hung server must never hold up offers or decisions.
 * At most one Notify per offer is in flight (its reply carries the id the
 * next one replaces); changes meanwhile are sent after it. The server's
 * capabilities are asked once per server (the name watch sees restarts). */
#include "config.h"

#include "otaux-notify.h"
#include "otaux-strings.h"

#define NOTIFY_NAME      "org.freedesktop.Notifications"
#define NOTIFY_PATH      "/org/freedesktop/Notifications"
#define NOTIFY_IFACE     "org.freedesktop.Notifications"
#define CALL_TIMEOUT_MS  5000
#define START_TIMEOUT_MS 10000
#define OFFER_PATH_FMT   "/org/otaux/Agent/Offers/%u"

enum { CLOSED_BY_CALL = 3 };

typedef struct {
  OtauxNotify *notify;
  guint serial;
  guint32 id;                 /* the server's id, 0 = nothing shown */
  OtauxPromptKind kind;       /* of the prompt last sent */
  OtauxPromptKind suppressed; /* the person closed it: not again for this kind */
  gboolean in_flight;         /* a Notify is out; its reply gives the id */
  gboolean dirty;             /* the prompt changed since the last Notify */
  gboolean close_first;       /* answered: close, the next prompt is a new one */
  gboolean gone;              /* the offer is gone: free after the last call */
} Entry;

struct _OtauxNotify {
  GDBusConnection *bus;
  OtauxAgent *agent;
  gboolean popups;
  OtauxNotifyCallbacks callbacks;
  gpointer user_data;
  GHashTable *entries; /* serial -> Entry */
  GCancellable *cancel;
  guint watch_id;
  guint sub_action, sub_closed;
  gboolean watch_known; /* the watch has reported once */
  char *owner;          /* the server's unique name, NULL when none */
  guint server_gen;     /* changes with every server */
  gboolean caps_known;
  gboolean has_actions, has_markup;
  gboolean starting;    /* StartServiceByName is out */
  gboolean start_tried; /* ... and failed, or succeeded once, for this absence */
  gboolean warned;
};

typedef struct {
  Entry *entry;
  guint server_gen;
} NotifyCall;

static void entry_sync(Entry *entry);

static void sync_all(OtauxNotify *notify)
{
  g_autoptr(GList) entries = g_hash_table_get_values(notify->entries);

  for (GList *l = entries; l != NULL; l = l->next)
    entry_sync(l->data);
}

static void call_failed(OtauxNotify *notify, const char *what, const GError *error)
{
  /* Once per server is enough: a hung one fails every call. */
  if (!notify->warned)
    g_message("notification server: %s: %s", what, error->message);
  else
    g_debug("notification server: %s: %s", what, error->message);
  notify->warned = TRUE;
}

static void close_id(OtauxNotify *notify, guint32 id)
{
  if (id == 0 || notify->owner == NULL)
    return;
  g_dbus_connection_call(notify->bus, notify->owner, NOTIFY_PATH, NOTIFY_IFACE, "CloseNotification",
                         g_variant_new("(u)", id), NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                         CALL_TIMEOUT_MS, notify->cancel, NULL, NULL);
}

static gboolean prompt_shows(const OtauxPrompt *prompt)
{
  return prompt->kind != OTAUX_PROMPT_NONE && prompt->presentation != OTAUX_PRESENTATION_SILENT;
}

static void append_part(GString *body, const char *text)
{
  g_autofree char *marked = NULL;

  if (text == NULL || *text == '\0')
    return;
  if (body->len > 0)
    g_string_append_c(body, '\n');
  /* Each line its own paragraph: right-to-left ones must say so. */
  marked = otaux_strings_bidi_mark(text);
  g_string_append(body, marked);
}

/* Markup bodies take the prompt's *_markup texts (values escaped, operator
 * markup kept); where one is missing, the plain text escaped. */
static void append_markup(GString *body, const char *markup, const char *plain)
{
  g_autofree char *escaped = NULL;

  if (markup == NULL || *markup == '\0') {
    if (plain == NULL || *plain == '\0')
      return;
    markup = escaped = g_markup_escape_text(plain, -1);
  }
  append_part(body, markup);
}

static void on_notify_reply(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autofree NotifyCall *call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  Entry *entry;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the presenters are gone, and the entry with them */
  entry = call->entry;
  entry->in_flight = FALSE;
  if (call->server_gen != entry->notify->server_gen) {
    entry->dirty = TRUE; /* a new server: show it there */
  } else if (reply != NULL) {
    g_variant_get(reply, "(u)", &entry->id);
  } else {
    call_failed(entry->notify, "Notify", error);
  }
  entry_sync(entry);
}

static void send_notify(Entry *entry, const OtauxPrompt *prompt)
{
  OtauxNotify *notify = entry->notify;
  GVariantBuilder actions, hints;
  g_autoptr(GString) body = g_string_new(NULL);
  gboolean popup = prompt->presentation == OTAUX_PRESENTATION_POPUP;
  gboolean asks = prompt->presentation == OTAUX_PRESENTATION_ACTIONS || popup;
  gboolean low = prompt->urgency == OTAUX_URGENCY_LOW && !popup;
  guchar urgency = popup ? 2 : (guchar)CLAMP((int)prompt->urgency, 0, 2);
  g_autofree char *summary = otaux_strings_bidi_mark(prompt->title);
  NotifyCall *call;
  char path[64];

  if (notify->has_markup) {
    append_markup(body, prompt->message_markup, prompt->message);
    append_markup(body, prompt->body_markup, prompt->body);
    append_markup(body, prompt->warning_markup, prompt->warning);
  } else {
    append_part(body, prompt->message);
    append_part(body, prompt->body);
    append_part(body, prompt->warning);
  }

  g_variant_builder_init(&actions, G_VARIANT_TYPE_STRING_ARRAY);
  if (notify->has_actions && prompt->choices->len > 0) {
    /* A click on the body opens the pop-up: every question can be answered
     * there, also where the notification shows no buttons. */
    if (notify->popups) {
      g_variant_builder_add(&actions, "s", "default");
      g_variant_builder_add(&actions, "s", prompt->title);
    }
    for (guint i = 0; asks && i < prompt->choices->len; i++) {
      const OtauxChoice *choice = g_ptr_array_index(prompt->choices, i);

      g_variant_builder_add(&actions, "s", choice->id);
      g_variant_builder_add(&actions, "s", choice->label);
    }
  }

  g_snprintf(path, sizeof path, OFFER_PATH_FMT, entry->serial);
  g_variant_builder_init(&hints, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&hints, "{sv}", "urgency", g_variant_new_byte(urgency));
  g_variant_builder_add(&hints, "{sv}", "category", g_variant_new_string("device"));
  g_variant_builder_add(&hints, "{sv}", "x-otaux-offer", g_variant_new_string(path));
  if (asks)
    g_variant_builder_add(&hints, "{sv}", "resident", g_variant_new_boolean(TRUE));
  if (low)
    g_variant_builder_add(&hints, "{sv}", "transient", g_variant_new_boolean(TRUE));
  if (low || !prompt->sound)
    g_variant_builder_add(&hints, "{sv}", "suppress-sound", g_variant_new_boolean(TRUE));
  if ((prompt->kind == OTAUX_PROMPT_PROGRESS || prompt->kind == OTAUX_PROMPT_INSTALLING) &&
      prompt->progress >= 0)
    g_variant_builder_add(&hints, "{sv}", "value",
                          g_variant_new_int32(CLAMP(prompt->progress, 0, 100)));

  call = g_new0(NotifyCall, 1);
  call->entry = entry;
  call->server_gen = notify->server_gen;
  entry->in_flight = TRUE;
  entry->kind = prompt->kind;
  /* Questions and critical ones stay until answered (timeout 0 = never). */
  g_dbus_connection_call(
      notify->bus, notify->owner, NOTIFY_PATH, NOTIFY_IFACE, "Notify",
      g_variant_new("(susssasa{sv}i)", "otaux", entry->id,
                    urgency == 2 ? "software-update-urgent" : "software-update-available", summary,
                    body->str, &actions, &hints, asks || urgency == 2 ? 0 : -1),
      G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS, notify->cancel,
      on_notify_reply, call);
}

static void on_start_reply(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  OtauxNotify *notify;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  notify = data;
  notify->starting = FALSE;
  if (reply == NULL) {
    g_message("no notification server: %s", error->message);
    /* Nothing to wait for: the questions go to the pop-up. */
    if (notify->owner == NULL && notify->callbacks.server_changed != NULL)
      notify->callbacks.server_changed(notify->user_data);
  }
  /* On success the name watch reports the new server. */
}

/* No server: try D-Bus activation once (many are activatable). */
static void start_server(OtauxNotify *notify)
{
  if (notify->starting || notify->start_tried || !notify->watch_known)
    return;
  notify->starting = TRUE;
  notify->start_tried = TRUE;
  g_dbus_connection_call(
      notify->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "StartServiceByName", g_variant_new("(su)", NOTIFY_NAME, 0), G_VARIANT_TYPE("(u)"),
      G_DBUS_CALL_FLAGS_NONE, START_TIMEOUT_MS, notify->cancel, on_start_reply, notify);
}

static void entry_free(Entry *entry)
{
  g_hash_table_remove(entry->notify->entries, GUINT_TO_POINTER(entry->serial));
}

static void entry_sync(Entry *entry)
{
  OtauxNotify *notify = entry->notify;
  const OtauxPrompt *prompt;

  if (entry->in_flight)
    return;
  if (notify->owner == NULL) {
    /* Nothing is shown anywhere: forget, or ask the bus for a server. */
    entry->id = 0;
    entry->close_first = FALSE;
    if (entry->gone) {
      entry_free(entry);
      return;
    }
    if (entry->dirty && prompt_shows(otaux_agent_get_prompt(notify->agent, entry->serial)))
      start_server(notify);
    return;
  }
  if (!notify->caps_known)
    return; /* flushed when GetCapabilities answers */
  if (entry->close_first) {
    close_id(notify, entry->id);
    entry->id = 0;
    entry->close_first = FALSE;
  }
  if (entry->gone) {
    close_id(notify, entry->id);
    entry_free(entry);
    return;
  }
  if (!entry->dirty)
    return;
  entry->dirty = FALSE;
  prompt = otaux_agent_get_prompt(notify->agent, entry->serial);
  if (prompt->kind != entry->suppressed)
    entry->suppressed = OTAUX_PROMPT_NONE;
  if (!prompt_shows(prompt) || prompt->kind == entry->suppressed) {
    close_id(notify, entry->id);
    entry->id = 0;
    return;
  }
  send_notify(entry, prompt);
}

static Entry *lookup_id(OtauxNotify *notify, guint32 id)
{
  GHashTableIter iter;
  gpointer value;

  if (id == 0)
    return NULL;
  g_hash_table_iter_init(&iter, notify->entries);
  while (g_hash_table_iter_next(&iter, NULL, &value))
    if (((Entry *)value)->id == id && !((Entry *)value)->gone)
      return value;
  return NULL;
}

static void on_action_invoked(GDBusConnection *bus, const char *sender, const char *path,
                              const char *iface, const char *signal, GVariant *params,
                              gpointer data)
{
  OtauxNotify *notify = data;
  g_autoptr(GError) error = NULL;
  const OtauxPrompt *prompt;
  const char *key;
  guint32 id;
  Entry *entry;

  /* Only the server may answer for the person: GDBus also hands us signals
   * sent straight to us by anyone (the match rule's sender is not checked). */
  if (notify->owner == NULL || g_strcmp0(sender, notify->owner) != 0 ||
      !g_variant_is_of_type(params, G_VARIANT_TYPE("(us)")))
    return;
  g_variant_get(params, "(u&s)", &id, &key);
  entry = lookup_id(notify, id);
  if (entry == NULL)
    return; /* not ours (ids are per client), or already closed */
  prompt = otaux_agent_get_prompt(notify->agent, entry->serial);
  g_debug("notification %u (offer %u): action %s", id, entry->serial, key);
  /* The body opens the pop-up; a delay needs a time, which only it asks. */
  if (g_str_equal(key, "default") || g_str_equal(key, "delay-reboot")) {
    if (notify->callbacks.open_popup != NULL && prompt->kind != OTAUX_PROMPT_NONE)
      notify->callbacks.open_popup(entry->serial, otaux_prompt_kind_to_string(prompt->kind),
                                   notify->user_data);
    return;
  }
  if (!otaux_agent_answer(notify->agent, entry->serial, key, 0, &error))
    g_message("answer %s from notification %u (offer %u): %s", key, id, entry->serial,
              error->message);
}

static void on_notification_closed(GDBusConnection *bus, const char *sender, const char *path,
                                   const char *iface, const char *signal, GVariant *params,
                                   gpointer data)
{
  OtauxNotify *notify = data;
  guint32 id, reason;
  Entry *entry;

  if (notify->owner == NULL || g_strcmp0(sender, notify->owner) != 0 ||
      !g_variant_is_of_type(params, G_VARIANT_TYPE("(uu)")))
    return;
  g_variant_get(params, "(uu)", &id, &reason);
  entry = lookup_id(notify, id);
  if (entry == NULL)
    return;
  entry->id = 0;
  /* Dismissed or expired: progress updates must not bring it back. */
  if (reason != CLOSED_BY_CALL)
    entry->suppressed = entry->kind;
}

static void on_caps_reply(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  OtauxNotify *notify;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  notify = data;
  notify->caps_known = TRUE;
  notify->has_actions = notify->has_markup = FALSE;
  if (reply != NULL) {
    g_autofree const char **caps = NULL;

    g_variant_get(reply, "(^a&s)", &caps);
    notify->has_actions = g_strv_contains(caps, "actions");
    notify->has_markup = g_strv_contains(caps, "body-markup");
    g_debug("notification server %s: actions %d, body-markup %d", notify->owner,
            notify->has_actions, notify->has_markup);
  } else {
    call_failed(notify, "GetCapabilities", error);
  }
  if (notify->callbacks.server_changed != NULL)
    notify->callbacks.server_changed(notify->user_data);
  sync_all(notify);
}

static void server_reset(OtauxNotify *notify)
{
  GHashTableIter iter;
  gpointer value;

  /* A new server (or none) shows none of ours: show them all again. */
  notify->server_gen++;
  notify->caps_known = FALSE;
  notify->has_actions = notify->has_markup = FALSE;
  notify->warned = FALSE;
  g_hash_table_iter_init(&iter, notify->entries);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Entry *entry = value;

    entry->id = 0;
    entry->close_first = FALSE;
    entry->dirty = TRUE;
  }
}

static void on_server_appeared(GDBusConnection *bus, const char *name, const char *owner,
                               gpointer data)
{
  OtauxNotify *notify = data;

  g_debug("notification server %s appeared", owner);
  notify->watch_known = TRUE;
  g_free(notify->owner);
  notify->owner = g_strdup(owner);
  server_reset(notify);
  g_dbus_connection_call(bus, owner, NOTIFY_PATH, NOTIFY_IFACE, "GetCapabilities", NULL,
                         G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
                         notify->cancel, on_caps_reply, notify);
}

static void on_server_vanished(GDBusConnection *bus, const char *name, gpointer data)
{
  OtauxNotify *notify = data;
  gboolean first = !notify->watch_known;

  notify->watch_known = TRUE;
  if (notify->owner == NULL && !first)
    return;
  g_clear_pointer(&notify->owner, g_free);
  server_reset(notify);
  notify->start_tried = FALSE; /* it may be activatable again */
  sync_all(notify);
  if (!notify->starting && notify->callbacks.server_changed != NULL)
    notify->callbacks.server_changed(notify->user_data);
}

OtauxNotify *otaux_notify_new(GDBusConnection *bus, OtauxAgent *agent, gboolean popups,
                              const OtauxNotifyCallbacks *callbacks, gpointer user_data)
{
  OtauxNotify *notify = g_new0(OtauxNotify, 1);

  notify->bus = g_object_ref(bus);
  notify->agent = agent;
  notify->popups = popups;
  notify->callbacks = *callbacks;
  notify->user_data = user_data;
  notify->entries = g_hash_table_new_full(NULL, NULL, NULL, g_free);
  notify->cancel = g_cancellable_new();
  notify->sub_action = g_dbus_connection_signal_subscribe(
      bus, NOTIFY_NAME, NOTIFY_IFACE, "ActionInvoked", NOTIFY_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_action_invoked, notify, NULL);
  notify->sub_closed = g_dbus_connection_signal_subscribe(
      bus, NOTIFY_NAME, NOTIFY_IFACE, "NotificationClosed", NOTIFY_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_notification_closed, notify, NULL);
  /* No auto-start here: a server is activated only when there is something to show. */
  notify->watch_id =
      g_bus_watch_name_on_connection(bus, NOTIFY_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_server_appeared, on_server_vanished, notify, NULL);
  return notify;
}

void otaux_notify_free(OtauxNotify *notify)
{
  GHashTableIter iter;
  gpointer value;

  if (notify == NULL)
    return;
  /* Questions of an agent that is gone cannot be answered: take them down. */
  if (notify->caps_known) {
    g_hash_table_iter_init(&iter, notify->entries);
    while (g_hash_table_iter_next(&iter, NULL, &value))
      close_id(notify, ((Entry *)value)->id);
  }
  g_cancellable_cancel(notify->cancel);
  g_bus_unwatch_name(notify->watch_id);
  g_dbus_connection_signal_unsubscribe(notify->bus, notify->sub_action);
  g_dbus_connection_signal_unsubscribe(notify->bus, notify->sub_closed);
  g_hash_table_destroy(notify->entries);
  g_clear_object(&notify->cancel);
  g_free(notify->owner);
  g_object_unref(notify->bus);
  g_free(notify);
}

OtauxNotifyAsk otaux_notify_can_ask(OtauxNotify *notify)
{
  if (!notify->watch_known || notify->starting)
    return OTAUX_NOTIFY_ASK_UNKNOWN;
  if (notify->owner == NULL)
    return OTAUX_NOTIFY_ASK_NO;
  if (!notify->caps_known)
    return OTAUX_NOTIFY_ASK_UNKNOWN;
  return notify->has_actions ? OTAUX_NOTIFY_ASK_YES : OTAUX_NOTIFY_ASK_NO;
}

static Entry *entry_get(OtauxNotify *notify, guint serial)
{
  Entry *entry = g_hash_table_lookup(notify->entries, GUINT_TO_POINTER(serial));

  if (entry == NULL) {
    entry = g_new0(Entry, 1);
    entry->notify = notify;
    entry->serial = serial;
    g_hash_table_insert(notify->entries, GUINT_TO_POINTER(serial), entry);
  }
  return entry;
}

void otaux_notify_update(OtauxNotify *notify, guint serial)
{
  Entry *entry = entry_get(notify, serial);

  entry->gone = FALSE;
  entry->dirty = TRUE;
  entry_sync(entry);
}

void otaux_notify_answered(OtauxNotify *notify, guint serial)
{
  Entry *entry = entry_get(notify, serial);

  entry->close_first = TRUE;
  entry->suppressed = OTAUX_PROMPT_NONE;
  entry->dirty = TRUE;
  entry_sync(entry);
}

void otaux_notify_remove(OtauxNotify *notify, guint serial)
{
  Entry *entry = g_hash_table_lookup(notify->entries, GUINT_TO_POINTER(serial));

  if (entry == NULL)
    return;
  entry->gone = TRUE;
  entry_sync(entry);
}
