/* otaux-notify-worker: libnotify, confined to one thread of its own.
 *
 * libnotify's calls are synchronous (up to the 25 s D-Bus default on a hung
 * server), so none of them runs on the agent's loop. The worker thread has
 * its own GMainContext, thread-default before notify_init(): libnotify's
 * proxy and its ActionInvoked / NotificationClosed signals live there.
 * The agent's loop posts immutable OtauxNotifyShow copies, merged per
 * offer so that only the newest is shown; what comes back (actions, the
 * server's state) reaches the agent's loop through g_main_context_invoke().
 * Internal to otaux-notify.c. */
#pragma once

#include <gio/gio.h>
#include "otaux-prompt.h"

G_BEGIN_DECLS

typedef struct {
  char *id;
  char *label;
} OtauxNotifyAction;

/* One offer's notification, as the agent's loop wants it. Immutable once
 * posted (reference-counted: the worker may still show it). */
typedef struct {
  OtauxPromptKind kind;
  gboolean shows; /* FALSE: take it down */
  char *summary;
  char *body;        /* plain text */
  char *body_markup; /* for servers with body-markup */
  char *icon;        /* icon theme name */
  char *image_path;  /* the icon's file, or NULL */
  char *offer_path;  /* x-otaux-offer hint */
  guchar urgency;    /* 0 low, 1 normal, 2 critical */
  gint timeout;      /* ms; 0 never expires, -1 the server's default */
  gboolean resident, transient, suppress_sound;
  gint value;           /* progress hint, -1 none */
  gboolean has_default; /* a click on it opens the pop-up */
  char *default_label;  /* what a server that shows "default" as a button shows */
  GPtrArray *actions;   /* OtauxNotifyAction: the choices as buttons */
} OtauxNotifyShow;

OtauxNotifyShow *otaux_notify_show_new(void);
OtauxNotifyShow *otaux_notify_show_ref(OtauxNotifyShow *show);
void otaux_notify_show_unref(OtauxNotifyShow *show);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxNotifyShow, otaux_notify_show_unref)

/* The server as the worker last saw it. */
typedef struct {
  gboolean watch_known; /* the name watch has reported once */
  gboolean starting;    /* D-Bus activation is under way */
  gboolean has_owner;
  gboolean caps_known;
  gboolean has_actions;
} OtauxNotifyServer;

typedef struct {
  /* Both run on the agent's loop. */
  void (*action)(guint serial, const char *key, gpointer user_data);
  void (*server)(const OtauxNotifyServer *server, gpointer user_data);
} OtauxNotifyWorkerCallbacks;

typedef struct _OtauxNotifyWorker OtauxNotifyWorker;

/* Starts the thread. The calling thread's default context must be the
 * agent's loop's; it is acquired until otaux_notify_worker_stop(), so that
 * what the worker invokes there always runs on the agent's loop. */
OtauxNotifyWorker *otaux_notify_worker_start(const OtauxNotifyWorkerCallbacks *callbacks,
                                             gpointer user_data);
/* Takes the notifications down and ends the thread; waits at most a
 * moment for it, and not at all when a server call is out. */
void otaux_notify_worker_stop(OtauxNotifyWorker *worker);

/* @show NULL: only close (@close_first) or forget (@gone). Posts merge:
 * the newest show wins, close_first and gone stick. */
void otaux_notify_worker_post(OtauxNotifyWorker *worker, guint serial, OtauxNotifyShow *show,
                              gboolean close_first, gboolean gone);

G_END_DECLS
