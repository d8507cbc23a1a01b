/* otaux-presenters: follows the offers' prompts and hands them to the
 * notifications (otaux-notify.c) and the pop-up (otaux-popup.c).
 *
 * Which presenter shows a prompt is the prompt's presentation (policy,
 * quiet hours already applied by the agent): notification, actions (a
 * notification with the choices), popup (the pop-up, and a notification
 * that leads back to it while it is not on screen). A question that a
 * notification cannot ask (no server, or one without actions) goes to the
 * pop-up instead, and is then treated as a pop-up prompt. */
#include "config.h"

#include <gio/gio.h>

#include "otaux-notify.h"
#include "otaux-popup.h"
#include "otaux-presenters.h"

struct _OtauxPresenters {
  OtauxAgent *agent;
  guint listener;
  GDBusConnection *bus;
  OtauxNotify *notify;
  OtauxPopup *popup;
};

static void update_popup(OtauxPresenters *p, guint serial)
{
  const OtauxPrompt *prompt;
  const char *kind;
  gboolean needed;

  if (p->popup == NULL)
    return;
  prompt = otaux_agent_get_prompt(p->agent, serial);
  kind = otaux_prompt_kind_to_string(prompt->kind);
  if (prompt->kind == OTAUX_PROMPT_NONE || prompt->presentation == OTAUX_PRESENTATION_SILENT) {
    otaux_popup_set_need(p->popup, serial, kind, FALSE);
    return;
  }
  needed = prompt->presentation == OTAUX_PRESENTATION_POPUP;
  if (!needed && p->notify != NULL && prompt->presentation == OTAUX_PRESENTATION_ACTIONS &&
      otaux_prompt_asks(prompt)) {
    if (otaux_notify_can_ask(p->notify) == OTAUX_NOTIFY_ASK_UNKNOWN)
      return; /* decided when the server tells (server_changed) */
    needed = otaux_notify_popup_asks(p->notify, prompt);
  }
  otaux_popup_set_need(p->popup, serial, kind, needed);
}

/* The server came, went or told what it shows: which questions the pop-up
 * asks may have changed, and with it what each notification says. */
static void update_all(OtauxPresenters *p)
{
  g_autoptr(GPtrArray) offers = otaux_agent_list(p->agent);

  for (guint i = 0; i < offers->len; i++) {
    guint serial = ((const OtauxOffer *)offers->pdata[i])->serial;

    if (p->notify != NULL)
      otaux_notify_update(p->notify, serial);
    update_popup(p, serial);
  }
}

static void on_offer_added(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  OtauxPresenters *p = data;

  if (p->notify != NULL)
    otaux_notify_update(p->notify, offer->serial);
  update_popup(p, offer->serial);
}

static void on_offer_changed(OtauxAgent *agent, const OtauxOffer *offer, guint changed,
                             gpointer data)
{
  OtauxPresenters *p = data;
  gboolean answered =
      (changed & OTAUX_OFFER_PROP_DECISION) != 0 && offer->decision != OTAUX_DECISION_NONE;

  if ((changed & (OTAUX_OFFER_PROP_PROMPT | OTAUX_OFFER_PROP_DECISION)) == 0)
    return;
  if (p->notify != NULL) {
    if (answered)
      otaux_notify_answered(p->notify, offer->serial);
    else
      otaux_notify_update(p->notify, offer->serial);
  }
  update_popup(p, offer->serial);
}

static void on_offer_removed(OtauxAgent *agent, const OtauxOffer *offer, gpointer data)
{
  OtauxPresenters *p = data;

  if (p->notify != NULL)
    otaux_notify_remove(p->notify, offer->serial);
  if (p->popup != NULL)
    otaux_popup_remove(p->popup, offer->serial);
}

static void on_open_popup(guint serial, const char *kind, gpointer data)
{
  OtauxPresenters *p = data;

  if (p->popup != NULL)
    otaux_popup_request(p->popup, serial, kind);
}

static void on_popup_visible(guint serial, gboolean shown, gpointer data)
{
  OtauxPresenters *p = data;

  if (p->notify != NULL && otaux_agent_lookup(p->agent, serial) != NULL)
    otaux_notify_set_on_screen(p->notify, serial, shown);
}

static void on_server_changed(gpointer data)
{
  update_all(data);
}

static char **prompter_args(void)
{
  const char *env = g_getenv("OTAUX_PROMPTER_ARGS");
  g_autoptr(GError) error = NULL;
  char **argv = NULL;

  if (env == NULL || *env == '\0')
    return NULL;
  if (!g_shell_parse_argv(env, NULL, &argv, &error)) {
    g_warning("ignoring OTAUX_PROMPTER_ARGS: %s", error->message);
    return NULL;
  }
  return argv;
}

OtauxPresenters *otaux_presenters_new(OtauxAgent *agent, const OtauxPresentersConfig *config)
{
  g_autoptr(GError) error = NULL;
  OtauxPresenters *p;
  g_autoptr(GPtrArray) offers = NULL;
  const OtauxAgentListener listener = {
    .offer_added = on_offer_added,
    .offer_changed = on_offer_changed,
    .offer_removed = on_offer_removed,
  };

  g_return_val_if_fail(agent != NULL && config != NULL, NULL);
  p = g_new0(OtauxPresenters, 1);
  p->agent = agent;
  if (!config->notifications && !config->popups)
    return p;
  /* A connection of our own (GDBus), beside the agent's libdbus one. */
  p->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
  if (p->bus == NULL) {
    g_warning("no notifications or pop-ups: %s", error->message);
    return p;
  }
  g_dbus_connection_set_exit_on_close(p->bus, FALSE);
  if (config->popups) {
    const char *path = config->prompter_path;
    g_auto(GStrv) args = prompter_args();

    if (path == NULL)
      path = g_getenv("OTAUX_PROMPTER");
    if (path == NULL || *path == '\0')
      path = OTAUX_LIBEXECDIR "/otaux-prompter";
    p->popup = otaux_popup_new(p->bus, path, (const char *const *)args, on_popup_visible, p);
  }
  if (config->notifications) {
    const OtauxNotifyCallbacks callbacks = {
      .open_popup = on_open_popup,
      .server_changed = on_server_changed,
    };

    p->notify = otaux_notify_new(agent, config->popups, &callbacks, p);
  }
  p->listener = otaux_agent_add_listener(agent, &listener, p);
  /* The offers loaded from disk were there before us. */
  offers = otaux_agent_list(agent);
  for (guint i = 0; i < offers->len; i++)
    on_offer_added(agent, offers->pdata[i], p);
  return p;
}

void otaux_presenters_free(OtauxPresenters *p)
{
  if (p == NULL)
    return;
  if (p->listener != 0)
    otaux_agent_remove_listener(p->agent, p->listener);
  otaux_notify_free(p->notify);
  otaux_popup_free(p->popup);
  if (p->bus != NULL)
    g_dbus_connection_flush_sync(p->bus, NULL, NULL);
  g_clear_object(&p->bus);
  g_free(p);
}
