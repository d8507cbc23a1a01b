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
/* the system instance's offers, mirrored (agent/otaux-agent.h) */
#define SYSTEM_OFFER_PATH_FMT "/org/otaux/Agent/System/Offers/%u"
/* How long a pop-up question waits for the pop-up before a notification
 * stands in for it (a cold prompter start takes a few hundred ms). */
#define POPUP_GRACE_MS 2000
/* A success goes away by itself, also where the server keeps notifications. */
#define SUCCESS_TIMEOUT_MS 8000

/* Where the pop-up stands with an offer's pop-up prompt. */
typedef struct {
  OtauxNotify *notify;
  guint serial;
  OtauxPromptKind kind; /* the state below is about this kind */
  gboolean on_screen;   /* Prompter1.Shown, no Hidden since */
  gboolean seen;        /* it was on screen once */
  guint grace_id;       /* not yet shown: waiting for it */
} PopupState;

struct _OtauxNotify {
  OtauxAgent *agent;
  gboolean popups;
  OtauxNotifyCallbacks callbacks;
  gpointer user_data;
  OtauxNotifyWorker *worker;
  OtauxNotifyServer server; /* as the worker last told */
  GHashTable *popup_states; /* serial -> PopupState */
  char *icon_dir;           /* the icons' files */
};

static void post(OtauxNotify *notify, guint serial, gboolean close_first);

static void popup_state_free(gpointer data)
{
  PopupState *state = data;

  g_clear_handle_id(&state->grace_id, g_source_remove);
  g_free(state);
}

static gboolean on_grace_over(gpointer data)
{
  PopupState *state = data;

  state->grace_id = 0;
  post(state->notify, state->serial, FALSE);
  return G_SOURCE_REMOVE;
}

static PopupState *popup_state_new(OtauxNotify *notify, guint serial, OtauxPromptKind kind)
{
  PopupState *state = g_new0(PopupState, 1);

  state->notify = notify;
  state->serial = serial;
  state->kind = kind;
  g_hash_table_replace(notify->popup_states, GUINT_TO_POINTER(serial), state);
  return state;
}

/* Whether a pop-up prompt gets a notification now: not while the pop-up
 * shows it, not before the pop-up had its chance, and for a result not
 * after the person closed it there. */
static gboolean popup_needs_notification(OtauxNotify *notify, guint serial,
                                         const OtauxPrompt *prompt)
{
  PopupState *state = g_hash_table_lookup(notify->popup_states, GUINT_TO_POINTER(serial));

  if (state == NULL || state->kind != prompt->kind) {
    /* The pop-up keeps showing the offer across kinds (download, progress). */
    gboolean on_screen = state != NULL && state->on_screen;

    state = popup_state_new(notify, serial, prompt->kind);
    state->on_screen = state->seen = on_screen;
    if (!on_screen)
      state->grace_id = g_timeout_add(POPUP_GRACE_MS, on_grace_over, state);
  }
  if (state->on_screen || state->grace_id != 0)
    return FALSE;
  /* A failure read in the pop-up is not repeated; a success that the
   * pop-up showed (and closed by itself) stays as the expiring notification. */
  return !(state->seen && prompt->kind == OTAUX_PROMPT_RESULT &&
           !otaux_prompt_result_is_success(prompt->result));
}

static gboolean result_is_good(guint32 result)
{
  return otaux_prompt_result_is_success(result) || result == OTAUX_RESULT_USER_CANCELLED;
}

static char *icon_file(OtauxNotify *notify, const char *icon)
{
  g_autofree char *name = g_strconcat(icon, ".svg", NULL);
  g_autofree char *path = g_build_filename(notify->icon_dir, name, NULL);

  return g_file_test(path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer(&path) : NULL;
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

/* Urgency, time-out and icon: red (critical) only for what cannot wait. */
static void set_style(OtauxNotify *notify, OtauxNotifyShow *show, const OtauxPrompt *prompt,
                      gboolean popup, gboolean asks)
{
  const char *icon = "otaux-update";

  show->urgency = (guchar)CLAMP((int)prompt->urgency, 0, 2);
  /* Questions stay until answered (0 = never). */
  show->timeout = asks || show->urgency == 2 ? 0 : -1;
  if (popup) {
    /* The pop-up is the loud one; this only leads back to it. */
    show->urgency = MIN(show->urgency, 1);
    icon = "otaux-update-urgent";
  }
  switch (prompt->kind) {
    case OTAUX_PROMPT_PROGRESS:
      show->urgency = MIN(show->urgency, 1);
      break;
    case OTAUX_PROMPT_FINAL_WARNING:
      icon = "otaux-update-urgent";
      break;
    case OTAUX_PROMPT_RESULT:
      show->urgency = 1; /* normal: neither hidden nor red */
      if (result_is_good(prompt->result)) {
        show->timeout = SUCCESS_TIMEOUT_MS;
        icon = prompt->result == OTAUX_RESULT_USER_CANCELLED ? "otaux-update" : "otaux-update-done";
      } else {
        show->timeout = 0; /* stays until read */
        icon = "otaux-update-failed";
      }
      break;
    default:
      break;
  }
  show->icon = g_strdup(icon);
  show->image_path = icon_file(notify, icon);
}

static OtauxNotifyShow *show_new(OtauxNotify *notify, guint serial, const OtauxPrompt *prompt)
{
  OtauxNotifyShow *show = otaux_notify_show_new();
  GString *body, *markup;
  gboolean popup = otaux_notify_popup_asks(notify, prompt);
  gboolean asks = prompt->presentation == OTAUX_PRESENTATION_ACTIONS || popup;
  gboolean low = prompt->urgency == OTAUX_URGENCY_LOW && !popup;

  show->kind = prompt->kind;
  show->shows = prompt_shows(prompt);
  if (show->shows && popup && notify->popups)
    show->shows = popup_needs_notification(notify, serial, prompt);
  else
    g_hash_table_remove(notify->popup_states, GUINT_TO_POINTER(serial));
  show->offer_path = otaux_agent_is_remote(serial)
                         ? g_strdup_printf(SYSTEM_OFFER_PATH_FMT, serial - OTAUX_AGENT_REMOTE_BASE)
                         : g_strdup_printf(OFFER_PATH_FMT, serial);
  if (!show->shows)
    return show;
  body = g_string_new(NULL);
  markup = g_string_new(NULL);

  show->summary = otaux_strings_bidi_mark(prompt->title != NULL && *prompt->title != '\0'
                                              ? prompt->title
                                              : otaux_prompt_kind_to_string(prompt->kind));
  append_part(body, prompt->message);
  append_part(body, prompt->body);
  /* the updater's step ("Copying image to rootfs.1"): secondary, under the text */
  append_part(body, prompt->step);
  append_part(body, prompt->warning);
  show->body = g_string_free(body, FALSE);
  append_markup(markup, prompt->message_markup, prompt->message);
  append_markup(markup, prompt->body_markup, prompt->body);
  append_markup(markup, NULL, prompt->step); /* plain text: escaped */
  append_markup(markup, prompt->warning_markup, prompt->warning);
  show->body_markup = g_string_free(markup, FALSE);

  /* The urgent look is for pop-up prompts, not for a question that went
   * to the pop-up only because the server shows no buttons. */
  set_style(notify, show, prompt, prompt->presentation == OTAUX_PRESENTATION_POPUP, asks);
  /* A result is read, not answered: it may go. */
  show->resident = asks && prompt->kind != OTAUX_PROMPT_RESULT;
  show->transient = low;
  show->suppress_sound = low || !prompt->sound;
  if ((prompt->kind == OTAUX_PROMPT_PROGRESS || prompt->kind == OTAUX_PROMPT_INSTALLING) &&
      prompt->progress >= 0)
    show->value = CLAMP(prompt->progress, 0, 100);

  if (prompt->choices->len > 0 || popup) {
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
  notify->popup_states = g_hash_table_new_full(NULL, NULL, NULL, popup_state_free);
  notify->icon_dir = g_strdup(g_getenv("OTAUX_ICON_DIR"));
  if (notify->icon_dir == NULL || *notify->icon_dir == '\0') {
    g_free(notify->icon_dir);
    notify->icon_dir = g_strdup(OTAUX_ICONDIR);
  }
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
  g_hash_table_destroy(notify->popup_states);
  g_free(notify->icon_dir);
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

gboolean otaux_notify_popup_asks(OtauxNotify *notify, const OtauxPrompt *prompt)
{
  if (prompt->presentation == OTAUX_PRESENTATION_POPUP)
    return TRUE;
  return notify->popups && prompt->presentation == OTAUX_PRESENTATION_ACTIONS &&
         otaux_prompt_asks(prompt) && otaux_notify_can_ask(notify) == OTAUX_NOTIFY_ASK_NO;
}

void otaux_notify_update(OtauxNotify *notify, guint serial)
{
  post(notify, serial, FALSE);
}

void otaux_notify_answered(OtauxNotify *notify, guint serial)
{
  post(notify, serial, TRUE);
}

void otaux_notify_set_on_screen(OtauxNotify *notify, guint serial, gboolean on_screen)
{
  PopupState *state = g_hash_table_lookup(notify->popup_states, GUINT_TO_POINTER(serial));
  const OtauxPrompt *prompt = otaux_agent_get_prompt(notify->agent, serial);

  /* Only what the pop-up asks stands back for it. */
  if (!otaux_notify_popup_asks(notify, prompt))
    return;
  /* Shown before its first post got here: remember it for that kind. */
  if (state == NULL)
    state = popup_state_new(notify, serial, prompt->kind);
  state->on_screen = on_screen;
  state->seen |= on_screen;
  g_clear_handle_id(&state->grace_id, g_source_remove);
  post(notify, serial, FALSE);
}

void otaux_notify_remove(OtauxNotify *notify, guint serial)
{
  g_hash_table_remove(notify->popup_states, GUINT_TO_POINTER(serial));
  otaux_notify_worker_post(notify->worker, serial, NULL, FALSE, TRUE);
}
