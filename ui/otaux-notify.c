/* otaux-notify: the offers' prompts as desktop notifications.
 *
 * This side runs on the agent's loop: it turns each prompt into an
 * immutable OtauxNotifyShow and posts it to the libnotify worker thread
 * (otaux-notify-worker.c), which shows it; a hung notification server only
 * ever holds up that thread. Actions and the server's state come back here
 * through the agent's loop. */
#include "config.h"

#include "otaux-notify-worker.h"
#include "otaux-notify.h"
#include "otaux-strings.h"

#define OFFER_PATH_FMT "/org/otaux/Agent/Offers/%u"

struct _OtauxNotify {
  OtauxAgent *agent;
  gboolean popups;
  OtauxNotifyCallbacks callbacks;
  gpointer user_data;
  OtauxNotifyWorker *worker;
  OtauxNotifyServer server; /* as the worker last told */
};

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

static OtauxNotifyShow *show_new(OtauxNotify *notify, guint serial, const OtauxPrompt *prompt)
{
  OtauxNotifyShow *show = otaux_notify_show_new();
  GString *body = g_string_new(NULL);
  GString *markup = g_string_new(NULL);
  gboolean popup = prompt->presentation == OTAUX_PRESENTATION_POPUP;
  gboolean asks = prompt->presentation == OTAUX_PRESENTATION_ACTIONS || popup;
  gboolean low = prompt->urgency == OTAUX_URGENCY_LOW && !popup;

  show->kind = prompt->kind;
  show->shows = prompt_shows(prompt);
  show->offer_path = g_strdup_printf(OFFER_PATH_FMT, serial);
  if (!show->shows)
    return show;

  show->summary = otaux_strings_bidi_mark(prompt->title != NULL && *prompt->title != '\0'
                                              ? prompt->title
                                              : otaux_prompt_kind_to_string(prompt->kind));
  append_part(body, prompt->message);
  append_part(body, prompt->body);
  append_part(body, prompt->warning);
  show->body = g_string_free(body, FALSE);
  append_markup(markup, prompt->message_markup, prompt->message);
  append_markup(markup, prompt->body_markup, prompt->body);
  append_markup(markup, prompt->warning_markup, prompt->warning);
  show->body_markup = g_string_free(markup, FALSE);

  show->urgency = popup ? 2 : (guchar)CLAMP((int)prompt->urgency, 0, 2);
  show->icon =
      g_strdup(show->urgency == 2 ? "software-update-urgent" : "software-update-available");
  show->resident = asks;
  show->transient = low;
  show->suppress_sound = low || !prompt->sound;
  /* Questions and critical ones stay until answered (0 = never). */
  show->timeout = asks || show->urgency == 2 ? 0 : -1;
  if ((prompt->kind == OTAUX_PROMPT_PROGRESS || prompt->kind == OTAUX_PROMPT_INSTALLING) &&
      prompt->progress >= 0)
    show->value = CLAMP(prompt->progress, 0, 100);

  if (prompt->choices->len > 0) {
    /* A click on the body opens the pop-up: every question can be answered
     * there, also where the notification shows no buttons. */
    show->has_default = notify->popups;
    show->default_label = g_strdup(prompt->title);
    for (guint i = 0; asks && i < prompt->choices->len; i++) {
      const OtauxChoice *choice = g_ptr_array_index(prompt->choices, i);
      OtauxNotifyAction *action = g_new0(OtauxNotifyAction, 1);

      action->id = g_strdup(choice->id);
      action->label = g_strdup(choice->label);
      g_ptr_array_add(show->actions, action);
    }
  }
  return show;
}

static void post(OtauxNotify *notify, guint serial, gboolean close_first)
{
  const OtauxPrompt *prompt = otaux_agent_get_prompt(notify->agent, serial);
  g_autoptr(OtauxNotifyShow) show = show_new(notify, serial, prompt);

  otaux_notify_worker_post(notify->worker, serial, show, close_first, FALSE);
}

static void on_action(guint serial, const char *key, gpointer data)
{
  OtauxNotify *notify = data;
  g_autoptr(GError) error = NULL;
  const OtauxPrompt *prompt;

  if (otaux_agent_lookup(notify->agent, serial) == NULL)
    return; /* gone meanwhile */
  prompt = otaux_agent_get_prompt(notify->agent, serial);
  /* The body opens the pop-up; a delay needs a time, which only it asks. */
  if (g_str_equal(key, "default") || g_str_equal(key, "delay-reboot")) {
    if (notify->callbacks.open_popup != NULL && prompt->kind != OTAUX_PROMPT_NONE)
      notify->callbacks.open_popup(serial, otaux_prompt_kind_to_string(prompt->kind),
                                   notify->user_data);
    return;
  }
  if (!otaux_agent_answer(notify->agent, serial, key, 0, &error))
    g_message("answer %s from the notification of offer %u: %s", key, serial, error->message);
}

static void on_server(const OtauxNotifyServer *server, gpointer data)
{
  OtauxNotify *notify = data;

  notify->server = *server;
  if (notify->callbacks.server_changed != NULL)
    notify->callbacks.server_changed(notify->user_data);
}

OtauxNotify *otaux_notify_new(OtauxAgent *agent, gboolean popups,
                              const OtauxNotifyCallbacks *callbacks, gpointer user_data)
{
  OtauxNotify *notify = g_new0(OtauxNotify, 1);
  const OtauxNotifyWorkerCallbacks worker_callbacks = {
    .action = on_action,
    .server = on_server,
  };

  notify->agent = agent;
  notify->popups = popups;
  notify->callbacks = *callbacks;
  notify->user_data = user_data;
  notify->worker = otaux_notify_worker_start(&worker_callbacks, notify);
  return notify;
}

void otaux_notify_free(OtauxNotify *notify)
{
  if (notify == NULL)
    return;
  /* Questions of an agent that is gone cannot be answered: the worker
   * takes them down. */
  otaux_notify_worker_stop(notify->worker);
  g_free(notify);
}

OtauxNotifyAsk otaux_notify_can_ask(OtauxNotify *notify)
{
  const OtauxNotifyServer *server = &notify->server;

  if (!server->watch_known || server->starting)
    return OTAUX_NOTIFY_ASK_UNKNOWN;
  if (!server->has_owner)
    return OTAUX_NOTIFY_ASK_NO;
  if (!server->caps_known)
    return OTAUX_NOTIFY_ASK_UNKNOWN;
  return server->has_actions ? OTAUX_NOTIFY_ASK_YES : OTAUX_NOTIFY_ASK_NO;
}

void otaux_notify_update(OtauxNotify *notify, guint serial)
{
  post(notify, serial, FALSE);
}

void otaux_notify_answered(OtauxNotify *notify, guint serial)
{
  post(notify, serial, TRUE);
}

void otaux_notify_remove(OtauxNotify *notify, guint serial)
{
  otaux_notify_worker_post(notify->worker, serial, NULL, FALSE, TRUE);
}
