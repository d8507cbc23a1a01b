/* otaux-notify-worker: libnotify on a thread of its own (see the header).
 *
 * Only this file calls libnotify, and only on the worker thread. The
 * worker follows org.freedesktop.Notifications with a name watch of its
 * own: a new server shows every offer's notification again (ids are per
 * server), with the capabilities asked once per server. */
#include "config.h"

#include <libnotify/notify.h>

#include "otaux-notify-worker.h"

#define NOTIFY_NAME      "org.freedesktop.Notifications"
#define NOTIFY_PATH      "/org/freedesktop/Notifications"
#define NOTIFY_IFACE     "org.freedesktop.Notifications"
#define START_TIMEOUT_MS 10000
/* At shutdown, how long the agent waits for the worker to send its
 * CloseNotification calls (it does not wait for their replies). */
#define STOP_WAIT_US (G_USEC_PER_SEC / 2)

typedef struct {
  OtauxNotifyShow *show; /* the newest, or NULL */
  gboolean close_first;
  gboolean gone;
} Post;

typedef struct {
  OtauxNotifyWorker *worker;
  guint serial;
  OtauxNotifyShow *show;      /* the newest; what a new server gets */
  NotifyNotification *n;      /* on the current server, or NULL */
  OtauxPromptKind kind;       /* of what n shows */
  OtauxPromptKind suppressed; /* the person closed it: not again for this kind */
  gboolean dirty;
} Entry;

struct _OtauxNotifyWorker {
  gatomicrefcount ref;
  OtauxNotifyWorkerCallbacks callbacks;
  GMainContext *main_ctx; /* the agent's loop */
  GMainContext *ctx;      /* the worker's */
  GThread *thread;

  /* Shared: under lock. */
  GMutex lock;
  GCond cond;
  gpointer user_data;  /* NULL once stopped: nothing more reaches the agent */
  GHashTable *pending; /* serial -> Post */
  gboolean wake_queued;
  gboolean quit;
  gboolean in_call; /* a synchronous server call is out */
  gboolean done;

  /* The worker thread's own. */
  gboolean running;
  GDBusConnection *bus;
  guint watch_id;
  GHashTable *entries; /* serial -> Entry */
  OtauxNotifyServer server;
  gboolean has_markup;
  gboolean default_is_button; /* the server shows "default" as a button */
  gboolean start_tried;
  gboolean warned;
};

/* ---- immutable shows -------------------------------------------------- */

static void action_free(gpointer data)
{
  OtauxNotifyAction *action = data;

  g_free(action->id);
  g_free(action->label);
  g_free(action);
}

static void show_clear(gpointer data)
{
  OtauxNotifyShow *show = data;

  g_free(show->summary);
  g_free(show->body);
  g_free(show->body_markup);
  g_free(show->icon);
  g_free(show->image_path);
  g_free(show->offer_path);
  g_free(show->default_label);
  g_ptr_array_unref(show->actions);
}

OtauxNotifyShow *otaux_notify_show_new(void)
{
  OtauxNotifyShow *show = g_atomic_rc_box_new0(OtauxNotifyShow);

  show->actions = g_ptr_array_new_with_free_func(action_free);
  show->timeout = -1;
  show->value = -1;
  return show;
}

OtauxNotifyShow *otaux_notify_show_ref(OtauxNotifyShow *show)
{
  return g_atomic_rc_box_acquire(show);
}

void otaux_notify_show_unref(OtauxNotifyShow *show)
{
  if (show != NULL)
    g_atomic_rc_box_release_full(show, show_clear);
}

/* ---- shared state ------------------------------------------------------- */

static void post_free(gpointer data)
{
  Post *post = data;

  otaux_notify_show_unref(post->show);
  g_free(post);
}

static OtauxNotifyWorker *worker_ref(OtauxNotifyWorker *w)
{
  g_atomic_ref_count_inc(&w->ref);
  return w;
}

static void worker_unref(gpointer data)
{
  OtauxNotifyWorker *w = data;

  if (!g_atomic_ref_count_dec(&w->ref))
    return;
  g_hash_table_destroy(w->pending);
  g_main_context_unref(w->ctx);
  g_main_context_unref(w->main_ctx);
  g_mutex_clear(&w->lock);
  g_cond_clear(&w->cond);
  g_free(w);
}

/* Around every synchronous libnotify call: the agent does not wait for a
 * worker that waits for the server. */
static void call_begin(OtauxNotifyWorker *w)
{
  g_mutex_lock(&w->lock);
  w->in_call = TRUE;
  g_mutex_unlock(&w->lock);
}

static void call_end(OtauxNotifyWorker *w)
{
  g_mutex_lock(&w->lock);
  w->in_call = FALSE;
  g_mutex_unlock(&w->lock);
}

static void call_failed(OtauxNotifyWorker *w, const char *what, const GError *error)
{
  /* Once per server is enough: a hung one fails every call. */
  if (!w->warned)
    g_message("notification server: %s: %s", what, error != NULL ? error->message : "failed");
  else
    g_debug("notification server: %s: %s", what, error != NULL ? error->message : "failed");
  w->warned = TRUE;
}

/* ---- worker -> agent ---------------------------------------------------- */

typedef struct {
  OtauxNotifyWorker *worker;
  guint serial;
  char *key;
  OtauxNotifyServer server;
} Message;

static void message_free(gpointer data)
{
  Message *msg = data;

  worker_unref(msg->worker);
  g_free(msg->key);
  g_free(msg);
}

/* The agent's side: NULL once it stopped the worker. */
static gpointer agent_user_data(OtauxNotifyWorker *w)
{
  gpointer user_data;

  g_mutex_lock(&w->lock);
  user_data = w->user_data;
  g_mutex_unlock(&w->lock);
  return user_data;
}

static gboolean on_message(gpointer data)
{
  Message *msg = data;
  OtauxNotifyWorker *w = msg->worker;
  gpointer user_data = agent_user_data(w);

  if (user_data == NULL)
    return G_SOURCE_REMOVE;
  if (msg->key != NULL)
    w->callbacks.action(msg->serial, msg->key, user_data);
  else
    w->callbacks.server(&msg->server, user_data);
  return G_SOURCE_REMOVE;
}

static void send_message(OtauxNotifyWorker *w, guint serial, const char *key)
{
  Message *msg = g_new0(Message, 1);

  msg->worker = worker_ref(w);
  msg->serial = serial;
  msg->key = g_strdup(key);
  msg->server = w->server;
  g_main_context_invoke_full(w->main_ctx, G_PRIORITY_DEFAULT, on_message, msg, message_free);
}

static void publish_server(OtauxNotifyWorker *w)
{
  send_message(w, 0, NULL);
}

/* ---- notifications ------------------------------------------------------ */

static void entry_drop(Entry *entry)
{
  if (entry->n == NULL)
    return;
  g_signal_handlers_disconnect_by_data(entry->n, entry);
  g_clear_object(&entry->n);
}

/* Closes what the entry shows (libnotify's close waits for the server). */
static void entry_close(Entry *entry)
{
  g_autoptr(GError) error = NULL;

  if (entry->n == NULL)
    return;
  if (entry->worker->server.has_owner) {
    call_begin(entry->worker);
    if (!notify_notification_close(entry->n, &error))
      call_failed(entry->worker, "CloseNotification", error);
    call_end(entry->worker);
  }
  entry_drop(entry);
}

static void entry_free(gpointer data)
{
  Entry *entry = data;

  entry_drop(entry);
  otaux_notify_show_unref(entry->show);
  g_free(entry);
}

static void on_action(NotifyNotification *n, char *key, gpointer data)
{
  Entry *entry = data;

  g_debug("notification of offer %u: action %s", entry->serial, key);
  send_message(entry->worker, entry->serial, key);
}

static void on_closed(NotifyNotification *n, gpointer data)
{
  Entry *entry = data;

  /* Dismissed or expired: progress updates must not bring it back. */
  if (notify_notification_get_closed_reason(n) != 3 /* closed by a call */)
    entry->suppressed = entry->kind;
}

static void start_server(OtauxNotifyWorker *w);

static void entry_sync(Entry *entry)
{
  OtauxNotifyWorker *w = entry->worker;
  const OtauxNotifyShow *show = entry->show;
  g_autoptr(GError) error = NULL;
  gboolean actions;

  if (!entry->dirty || show == NULL)
    return;
  if (!w->server.has_owner) {
    if (show->shows)
      start_server(w);
    return;
  }
  if (!w->server.caps_known)
    return; /* synced when the capabilities are known */
  entry->dirty = FALSE;
  if (show->kind != entry->suppressed)
    entry->suppressed = OTAUX_PROMPT_NONE;
  if (!show->shows || show->kind == entry->suppressed) {
    entry_close(entry);
    return;
  }

  if (entry->n == NULL) {
    entry->n = notify_notification_new(show->summary, NULL, show->icon);
    g_signal_connect(entry->n, "closed", G_CALLBACK(on_closed), entry);
  }
  notify_notification_update(entry->n, show->summary,
                             w->has_markup ? show->body_markup : show->body, show->icon);
  notify_notification_clear_hints(entry->n);
  notify_notification_set_urgency(entry->n, (NotifyUrgency)show->urgency);
  notify_notification_set_category(entry->n, "device");
  notify_notification_set_hint(entry->n, "x-otaux-offer", g_variant_new_string(show->offer_path));
  if (show->image_path != NULL)
    notify_notification_set_hint(entry->n, "image-path", g_variant_new_string(show->image_path));
  if (show->resident)
    notify_notification_set_hint(entry->n, "resident", g_variant_new_boolean(TRUE));
  if (show->transient)
    notify_notification_set_hint(entry->n, "transient", g_variant_new_boolean(TRUE));
  if (show->suppress_sound)
    notify_notification_set_hint(entry->n, "suppress-sound", g_variant_new_boolean(TRUE));
  if (show->value >= 0)
    notify_notification_set_hint(entry->n, "value", g_variant_new_int32(show->value));

  notify_notification_clear_actions(entry->n);
  actions = w->server.has_actions;
  if (actions && show->has_default && !w->default_is_button)
    notify_notification_add_action(entry->n, "default", show->default_label, on_action, entry,
                                   NULL);
  for (guint i = 0; actions && i < show->actions->len; i++) {
    const OtauxNotifyAction *action = g_ptr_array_index(show->actions, i);

    notify_notification_add_action(entry->n, action->id, action->label, on_action, entry, NULL);
  }
  /* Without actions nothing can be answered on it, and a server without
   * them may turn a notification that never expires into a dialog box. */
  notify_notification_set_timeout(entry->n, show->timeout == 0 && !actions ? NOTIFY_EXPIRES_DEFAULT
                                                                           : show->timeout);
  entry->kind = show->kind;
  call_begin(w);
  if (!notify_notification_show(entry->n, &error)) {
    call_failed(w, "Notify", error);
    entry_drop(entry);   /* its id, if any, is unknown now */
    entry->dirty = TRUE; /* tried again at the next post, even of the same show */
  }
  call_end(w);
}

static void sync_all(OtauxNotifyWorker *w)
{
  g_autoptr(GList) entries = g_hash_table_get_values(w->entries);

  for (GList *l = entries; l != NULL && w->running; l = l->next)
    entry_sync(l->data);
}

/* ---- the server --------------------------------------------------------- */

static void on_start_reply(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  OtauxNotifyWorker *w = data;

  w->server.starting = FALSE;
  if (reply == NULL) {
    g_message("no notification server: %s", error->message);
    /* Nothing to wait for: the questions go to the pop-up. */
    if (!w->server.has_owner)
      publish_server(w);
  }
  /* On success the name watch reports the new server. */
  worker_unref(w);
}

/* No server: try D-Bus activation once (many are activatable). */
static void start_server(OtauxNotifyWorker *w)
{
  if (w->server.starting || w->start_tried || !w->server.watch_known || w->bus == NULL)
    return;
  w->server.starting = TRUE;
  w->start_tried = TRUE;
  publish_server(w);
  g_dbus_connection_call(
      w->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "StartServiceByName", g_variant_new("(su)", NOTIFY_NAME, 0), G_VARIANT_TYPE("(u)"),
      G_DBUS_CALL_FLAGS_NONE, START_TIMEOUT_MS, NULL, on_start_reply, worker_ref(w));
}

static void server_reset(OtauxNotifyWorker *w)
{
  GHashTableIter iter;
  gpointer value;

  /* A new server (or none) shows none of ours: show them all again. */
  w->server.caps_known = w->server.has_actions = FALSE;
  w->has_markup = w->default_is_button = FALSE;
  w->warned = FALSE;
  g_hash_table_iter_init(&iter, w->entries);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Entry *entry = value;

    entry_drop(entry);
    entry->dirty = TRUE;
  }
}

static void ask_capabilities(OtauxNotifyWorker *w)
{
  g_autofree char *name = NULL;
  GList *caps;

  call_begin(w);
  caps = notify_get_server_caps();
  if (caps != NULL && notify_get_server_info(&name, NULL, NULL, NULL))
    /* xfce4-notifyd shows "default" as a button labelled with its text. */
    w->default_is_button = g_strcmp0(name, "Xfce Notify Daemon") == 0;
  call_end(w);
  w->server.caps_known = TRUE;
  for (GList *l = caps; l != NULL; l = l->next) {
    if (g_str_equal(l->data, "actions"))
      w->server.has_actions = TRUE;
    else if (g_str_equal(l->data, "body-markup"))
      w->has_markup = TRUE;
  }
  if (caps == NULL)
    call_failed(w, "GetCapabilities", NULL);
  g_debug("notification server %s: actions %d, body-markup %d", name != NULL ? name : "?",
          w->server.has_actions, w->has_markup);
  g_list_free_full(caps, g_free);
}

static void on_server_appeared(GDBusConnection *bus, const char *name, const char *owner,
                               gpointer data)
{
  OtauxNotifyWorker *w = data;

  g_debug("notification server %s appeared", owner);
  w->server.watch_known = TRUE;
  w->server.has_owner = TRUE;
  server_reset(w);
  ask_capabilities(w);
  publish_server(w);
  sync_all(w);
}

static void on_server_vanished(GDBusConnection *bus, const char *name, gpointer data)
{
  OtauxNotifyWorker *w = data;
  gboolean first = !w->server.watch_known;

  w->server.watch_known = TRUE;
  if (!w->server.has_owner && !first)
    return;
  w->server.has_owner = FALSE;
  server_reset(w);
  w->start_tried = FALSE; /* it may be activatable again */
  sync_all(w);
  if (!w->server.starting)
    publish_server(w);
}

/* ---- the thread --------------------------------------------------------- */

static gboolean show_equal(const OtauxNotifyShow *a, const OtauxNotifyShow *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->kind != b->kind || !a->shows != !b->shows || a->urgency != b->urgency ||
      a->timeout != b->timeout || !a->resident != !b->resident || !a->transient != !b->transient ||
      !a->suppress_sound != !b->suppress_sound || a->value != b->value ||
      !a->has_default != !b->has_default || a->actions->len != b->actions->len)
    return FALSE;
  if (g_strcmp0(a->summary, b->summary) != 0 || g_strcmp0(a->body, b->body) != 0 ||
      g_strcmp0(a->body_markup, b->body_markup) != 0 || g_strcmp0(a->icon, b->icon) != 0 ||
      g_strcmp0(a->image_path, b->image_path) != 0 ||
      g_strcmp0(a->offer_path, b->offer_path) != 0 ||
      g_strcmp0(a->default_label, b->default_label) != 0)
    return FALSE;
  for (guint i = 0; i < a->actions->len; i++) {
    const OtauxNotifyAction *x = g_ptr_array_index(a->actions, i);
    const OtauxNotifyAction *y = g_ptr_array_index(b->actions, i);

    if (g_strcmp0(x->id, y->id) != 0 || g_strcmp0(x->label, y->label) != 0)
      return FALSE;
  }
  return TRUE;
}

static Entry *entry_get(OtauxNotifyWorker *w, guint serial)
{
  Entry *entry = g_hash_table_lookup(w->entries, GUINT_TO_POINTER(serial));

  if (entry == NULL) {
    entry = g_new0(Entry, 1);
    entry->worker = w;
    entry->serial = serial;
    g_hash_table_insert(w->entries, GUINT_TO_POINTER(serial), entry);
  }
  return entry;
}

static void apply(OtauxNotifyWorker *w, guint serial, Post *post)
{
  Entry *entry = entry_get(w, serial);

  if (post->close_first) {
    /* Answered: close it; the next prompt is a new notification. */
    entry_close(entry);
    entry->suppressed = OTAUX_PROMPT_NONE;
  }
  if (post->gone) {
    entry_close(entry);
    g_hash_table_remove(w->entries, GUINT_TO_POINTER(serial));
    return;
  }
  if (post->show != NULL) {
    /* The same again (a server change re-posts every offer): no call. */
    gboolean same = !post->close_first && show_equal(entry->show, post->show);

    otaux_notify_show_unref(entry->show);
    entry->show = g_steal_pointer(&post->show);
    entry->dirty |= !same;
  }
  entry_sync(entry);
}

static gint compare_serials(gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

  return x < y ? -1 : x > y;
}

static gboolean on_wake(gpointer data)
{
  OtauxNotifyWorker *w = data;
  g_autoptr(GHashTable) posts = NULL;
  g_autoptr(GList) serials = NULL;

  g_mutex_lock(&w->lock);
  w->wake_queued = FALSE;
  posts = g_steal_pointer(&w->pending);
  w->pending = g_hash_table_new_full(NULL, NULL, NULL, post_free);
  if (w->quit)
    w->running = FALSE;
  g_mutex_unlock(&w->lock);
  /* Oldest offer first: the newest ends up on top of the server's stack. */
  serials = g_hash_table_get_keys(posts);
  serials = g_list_sort(serials, compare_serials);
  for (GList *l = serials; w->running && l != NULL; l = l->next) {
    apply(w, GPOINTER_TO_UINT(l->data), g_hash_table_lookup(posts, l->data));
    /* A stop while a call was out: show nothing more. */
    g_mutex_lock(&w->lock);
    if (w->quit)
      w->running = FALSE;
    g_mutex_unlock(&w->lock);
  }
  return G_SOURCE_REMOVE;
}

/* Wakes the worker: a source of its own context, never run here. */
static void wake(OtauxNotifyWorker *w)
{
  GSource *source;

  if (w->wake_queued)
    return;
  w->wake_queued = TRUE;
  source = g_idle_source_new();
  g_source_set_callback(source, on_wake, worker_ref(w), worker_unref);
  g_source_attach(source, w->ctx);
  g_source_unref(source);
}

/* The agent is stopping: take our notifications down without waiting for
 * the server's replies (they cannot be answered any more). */
static void close_all(OtauxNotifyWorker *w)
{
  GHashTableIter iter;
  gpointer value;

  if (w->bus == NULL || !w->server.has_owner)
    return;
  g_hash_table_iter_init(&iter, w->entries);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Entry *entry = value;
    gint id = 0;

    if (entry->n != NULL)
      g_object_get(entry->n, "id", &id, NULL);
    if (id > 0)
      g_dbus_connection_call(w->bus, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, "CloseNotification",
                             g_variant_new("(u)", (guint32)id), NULL,
                             G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  }
  g_dbus_connection_flush_sync(w->bus, NULL, NULL);
}

static gpointer worker_main(gpointer data)
{
  OtauxNotifyWorker *w = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default(w->ctx);
  notify_init("otaux");
  w->entries = g_hash_table_new_full(NULL, NULL, NULL, entry_free);
  w->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
  if (w->bus != NULL) {
    /* No auto-start here: a server is activated only when there is
     * something to show. */
    w->watch_id = g_bus_watch_name_on_connection(w->bus, NOTIFY_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                 on_server_appeared, on_server_vanished, w, NULL);
  } else {
    g_message("no notifications: %s", error->message);
    w->server.watch_known = TRUE;
    publish_server(w);
  }
  while (w->running)
    g_main_context_iteration(w->ctx, TRUE);

  close_all(w);
  if (w->watch_id != 0)
    g_bus_unwatch_name(w->watch_id);
  g_hash_table_destroy(w->entries);
  notify_uninit();
  g_clear_object(&w->bus);
  /* Run what is left (the watch's and calls' cleanups) before leaving. */
  while (g_main_context_iteration(w->ctx, FALSE))
    ;
  g_main_context_pop_thread_default(w->ctx);

  g_mutex_lock(&w->lock);
  w->done = TRUE;
  g_cond_broadcast(&w->cond);
  g_mutex_unlock(&w->lock);
  worker_unref(w);
  return NULL;
}

OtauxNotifyWorker *otaux_notify_worker_start(const OtauxNotifyWorkerCallbacks *callbacks,
                                             gpointer user_data)
{
  OtauxNotifyWorker *w = g_new0(OtauxNotifyWorker, 1);

  g_atomic_ref_count_init(&w->ref);
  w->callbacks = *callbacks;
  w->user_data = user_data;
  w->main_ctx = g_main_context_ref_thread_default();
  /* Owned by this thread until stop: what the worker invokes there is
   * queued for the agent's loop, never run on the worker. */
  if (!g_main_context_acquire(w->main_ctx))
    g_warning("the agent's main context is owned by another thread");
  w->ctx = g_main_context_new();
  w->pending = g_hash_table_new_full(NULL, NULL, NULL, post_free);
  g_mutex_init(&w->lock);
  g_cond_init(&w->cond);
  w->running = TRUE;
  w->thread = g_thread_new("otaux-notify", worker_main, worker_ref(w));
  return w;
}

void otaux_notify_worker_post(OtauxNotifyWorker *w, guint serial, OtauxNotifyShow *show,
                              gboolean close_first, gboolean gone)
{
  Post *post;

  g_mutex_lock(&w->lock);
  post = g_hash_table_lookup(w->pending, GUINT_TO_POINTER(serial));
  if (post == NULL) {
    post = g_new0(Post, 1);
    g_hash_table_insert(w->pending, GUINT_TO_POINTER(serial), post);
  }
  post->close_first |= close_first;
  if (gone) {
    post->gone = TRUE;
    g_clear_pointer(&post->show, otaux_notify_show_unref);
  } else if (show != NULL) {
    post->gone = FALSE;
    otaux_notify_show_unref(post->show);
    post->show = otaux_notify_show_ref(show);
  }
  wake(w);
  g_mutex_unlock(&w->lock);
}

void otaux_notify_worker_stop(OtauxNotifyWorker *w)
{
  gboolean done;

  if (w == NULL)
    return;
  g_mutex_lock(&w->lock);
  w->user_data = NULL;
  w->quit = TRUE;
  wake(w);
  if (!w->in_call) {
    gint64 deadline = g_get_monotonic_time() + STOP_WAIT_US;

    while (!w->done && g_cond_wait_until(&w->cond, &w->lock, deadline))
      ;
  }
  done = w->done;
  g_mutex_unlock(&w->lock);
  if (done) {
    g_thread_join(w->thread);
  } else {
    /* Hung in a server call: it ends with the process. */
    g_debug("not waiting for the notification server");
    g_thread_unref(w->thread);
  }
  g_main_context_release(w->main_ctx);
  worker_unref(w);
}
