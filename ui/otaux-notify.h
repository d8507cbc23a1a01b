/* otaux-notify: one desktop notification per offer, shown with libnotify
 * on a worker thread of its own (otaux-notify-worker.h), so that a hung
 * notification server never holds up the agent. Internal to the presenters. */
#pragma once

#include <gio/gio.h>
#include "otaux-agent.h"

G_BEGIN_DECLS

typedef struct _OtauxNotify OtauxNotify;

typedef struct {
  /* The person clicked the notification or picked a choice that needs the
   * pop-up (delay-reboot needs a time). */
  void (*open_popup)(guint serial, const char *kind, gpointer user_data);
  /* The server appeared, vanished or told its capabilities. */
  void (*server_changed)(gpointer user_data);
} OtauxNotifyCallbacks;

typedef enum {
  OTAUX_NOTIFY_ASK_UNKNOWN = 0, /* not known yet: wait for server_changed */
  OTAUX_NOTIFY_ASK_YES,         /* the server has actions */
  OTAUX_NOTIFY_ASK_NO,          /* no server, or one without actions */
} OtauxNotifyAsk;

OtauxNotify *otaux_notify_new(OtauxAgent *agent, gboolean popups,
                              const OtauxNotifyCallbacks *callbacks, gpointer user_data);
void otaux_notify_free(OtauxNotify *notify);

/* Whether a notification can ask (carry the choices as actions). */
OtauxNotifyAsk otaux_notify_can_ask(OtauxNotify *notify);
/* Whether the pop-up asks @prompt's question: a pop-up prompt, or a
 * question for buttons that the server cannot show. Its notification then
 * stands back while the pop-up is on screen. */
gboolean otaux_notify_popup_asks(OtauxNotify *notify, const OtauxPrompt *prompt);
/* The offer's prompt changed (or is new): show, replace or close. */
void otaux_notify_update(OtauxNotify *notify, guint serial);
/* The offer was decided: close its notification; the next prompt gets a new one. */
void otaux_notify_answered(OtauxNotify *notify, guint serial);
/* The pop-up shows offer @serial's question now, or no longer: a pop-up
 * question gets a (normal) notification only while it is not on screen. */
void otaux_notify_set_on_screen(OtauxNotify *notify, guint serial, gboolean on_screen);
/* The offer is gone: close its notification. */
void otaux_notify_remove(OtauxNotify *notify, guint serial);

G_END_DECLS
