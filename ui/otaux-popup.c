/* otaux-popup: starts the pop-up prompter on demand, without blocking.
 *
 * The prompter follows the offers by itself (it shows every prompt whose
 * presentation is "popup"); we only make sure it runs while some prompt
 * needs it, and tell it with Show(offer, kind) about each need, which also
 * covers the fallback prompts (presentation "actions" without a server
 * that has actions) and clicks on notifications. A Show reply is the
 * prompter's receipt: a need without one when the prompter goes away (it
 * was exiting idle just then, or it crashed) gets a new prompter. A
 * prompter killed by a signal is started again for every need, with a
 * bounded number of retries and a growing pause. */
#include "config.h"

#include <stdio.h>
#include <sys/wait.h>

#include "otaux-agent.h"
#include "otaux-popup.h"

#define PROMPTER_NAME  "org.otaux.Prompter"
#define PROMPTER_PATH  "/org/otaux/Prompter"
#define PROMPTER_IFACE "org.otaux.Prompter1"
#define OFFER_PATH_FMT "/org/otaux/Agent/Offers/%u"
/* the system instance's offers, mirrored (agent/otaux-agent.h) */
#define SYSTEM_OFFER_PATH_FMT "/org/otaux/Agent/System/Offers/%u"

#define SHOW_TIMEOUT_MS 10000
#define MAX_RESTARTS    5
#define RESTART_BASE_MS 200
/* A prompter that ran this long before crashing starts a new retry count. */
#define STABLE_US (30 * G_USEC_PER_SEC)

typedef struct {
  char *kind;
  guint gen;          /* changes with every new request: late replies are ignored */
  gboolean requested; /* by the person: kept while the kind stays */
  gboolean acked;     /* the running prompter has it */
  gboolean in_flight;
} Need;

struct _OtauxPopup {
  GDBusConnection *bus;
  char *prompter_path;
  GStrv extra_args;
  GHashTable *needs; /* serial -> Need */
  guint gen;
  guint watch_id;
  gboolean watch_known; /* the name watch has reported once */
  char *owner;          /* unique name of the prompter, NULL when none */
  GPid child;
  guint child_watch_id;
  gint64 child_started;
  guint restart_id;
  guint restarts; /* consecutive failed starts */
  gboolean gave_up;
  GCancellable *cancel;
  guint sub_shown, sub_hidden;
  guint on_screen; /* the offer the prompter says it shows, 0 = none */
  OtauxPopupVisibleFunc visible;
  gpointer visible_data;
};

typedef struct {
  OtauxPopup *popup;
  guint serial;
  guint gen;
} ShowCall;

static void need_free(gpointer data)
{
  Need *need = data;

  g_free(need->kind);
  g_free(need);
}

static gboolean has_unacked(OtauxPopup *popup)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init(&iter, popup->needs);
  while (g_hash_table_iter_next(&iter, NULL, &value))
    if (!((Need *)value)->acked)
      return TRUE;
  return FALSE;
}

static void maybe_spawn(OtauxPopup *popup);

static void on_child_exit(GPid pid, int status, gpointer data)
{
  OtauxPopup *popup = data;
  gboolean crashed = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
  gint64 lived = g_get_monotonic_time() - popup->child_started;

  g_spawn_close_pid(pid);
  popup->child = 0;
  popup->child_watch_id = 0;
  /* A non-zero exit after it had everything is no crash (e.g. a leak
   * checker's exit code); a signal always is. */
  if (WIFEXITED(status) && !has_unacked(popup))
    crashed = FALSE;
  if (crashed) {
    GHashTableIter iter;
    gpointer value;

    g_message("otaux-prompter (pid %d) %s %d; showing its prompts again", (int)pid,
              WIFSIGNALED(status) ? "was killed by signal" : "exited with",
              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    popup->restarts = lived > STABLE_US ? 1 : popup->restarts + 1;
    g_hash_table_iter_init(&iter, popup->needs);
    while (g_hash_table_iter_next(&iter, NULL, &value))
      ((Need *)value)->acked = FALSE;
  } else {
    popup->restarts = 0;
  }
  maybe_spawn(popup);
}

static gboolean spawn(OtauxPopup *popup)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_ptr_array_add(argv, popup->prompter_path);
  for (guint i = 0; popup->extra_args != NULL && popup->extra_args[i] != NULL; i++)
    g_ptr_array_add(argv, popup->extra_args[i]);
  g_ptr_array_add(argv, NULL);
  if (!g_spawn_async(NULL, (char **)argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                     &error)) {
    g_warning("cannot start the pop-up prompter %s: %s", popup->prompter_path, error->message);
    return FALSE;
  }
  g_debug("started %s (pid %d)", popup->prompter_path, (int)pid);
  popup->child = pid;
  popup->child_started = g_get_monotonic_time();
  popup->child_watch_id = g_child_watch_add(pid, on_child_exit, popup);
  return TRUE;
}

static void spawn_now(OtauxPopup *popup)
{
  if (!spawn(popup)) {
    popup->restarts++;
    maybe_spawn(popup);
  }
}

static gboolean on_restart_timeout(gpointer data)
{
  OtauxPopup *popup = data;

  popup->restart_id = 0;
  if (popup->owner == NULL && popup->child == 0 && has_unacked(popup))
    spawn_now(popup);
  return G_SOURCE_REMOVE;
}

/* Starts the prompter when a need has no receipt and none runs. */
static void maybe_spawn(OtauxPopup *popup)
{
  /* Not before the watch has told whether one runs already (an agent restart). */
  if (!popup->watch_known || popup->owner != NULL || popup->child != 0 || popup->restart_id != 0 ||
      !has_unacked(popup))
    return;
  if (popup->restarts > MAX_RESTARTS) {
    if (!popup->gave_up)
      g_warning("the pop-up prompter failed %u times; not starting it again for now",
                popup->restarts);
    popup->gave_up = TRUE;
    return;
  }
  if (popup->restarts > 0) {
    guint wait = RESTART_BASE_MS << MIN(popup->restarts - 1, 6);

    popup->restart_id = g_timeout_add(wait, on_restart_timeout, popup);
    return;
  }
  spawn_now(popup);
}

static void on_show_reply(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autofree ShowCall *call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  Need *need;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the popup is gone */
  need = g_hash_table_lookup(call->popup->needs, GUINT_TO_POINTER(call->serial));
  if (need == NULL || need->gen != call->gen)
    return;
  need->in_flight = FALSE;
  if (reply != NULL) {
    need->acked = TRUE;
    return;
  }
  g_debug("Show(%u) on the prompter: %s", call->serial, error->message);
  /* The prompter went away before it took it: the name watch starts a new
   * one. Any other error would only repeat: count it as taken. */
  if (!g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) &&
      !g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) &&
      !g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) &&
      !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    need->acked = TRUE;
  maybe_spawn(call->popup);
}

static void dispatch(OtauxPopup *popup)
{
  GHashTableIter iter;
  gpointer key, value;

  if (popup->owner == NULL) {
    maybe_spawn(popup);
    return;
  }
  g_hash_table_iter_init(&iter, popup->needs);
  while (g_hash_table_iter_next(&iter, &key, &value)) {
    Need *need = value;
    ShowCall *call;
    char path[64];

    if (need->acked || need->in_flight)
      continue;
    call = g_new0(ShowCall, 1);
    call->popup = popup;
    call->serial = GPOINTER_TO_UINT(key);
    call->gen = need->gen;
    need->in_flight = TRUE;
    if (otaux_agent_is_remote(call->serial))
      g_snprintf(path, sizeof path, SYSTEM_OFFER_PATH_FMT, call->serial - OTAUX_AGENT_REMOTE_BASE);
    else
      g_snprintf(path, sizeof path, OFFER_PATH_FMT, call->serial);
    /* To the unique name: a late reply from a new instance cannot mix in. */
    g_dbus_connection_call(popup->bus, popup->owner, PROMPTER_PATH, PROMPTER_IFACE, "Show",
                           g_variant_new("(os)", path, need->kind), G_VARIANT_TYPE_UNIT,
                           G_DBUS_CALL_FLAGS_NO_AUTO_START, SHOW_TIMEOUT_MS, popup->cancel,
                           on_show_reply, call);
  }
}

static void on_prompter_appeared(GDBusConnection *bus, const char *name, const char *owner,
                                 gpointer data)
{
  OtauxPopup *popup = data;

  popup->watch_known = TRUE;
  g_free(popup->owner);
  popup->owner = g_strdup(owner);
  dispatch(popup);
}

static void set_on_screen(OtauxPopup *popup, guint serial, gboolean shown)
{
  guint before = popup->on_screen;

  if (shown)
    popup->on_screen = serial;
  else if (popup->on_screen == serial)
    popup->on_screen = 0;
  else
    return;
  if (before != 0 && before != popup->on_screen && popup->visible != NULL)
    popup->visible(before, FALSE, popup->visible_data);
  if (shown && before != serial && popup->visible != NULL)
    popup->visible(serial, TRUE, popup->visible_data);
}

/* Prompter1.Shown(o) / Hidden(o): which question is on screen. */
static void on_visibility(GDBusConnection *bus, const char *sender, const char *path,
                          const char *iface, const char *signal, GVariant *params, gpointer data)
{
  OtauxPopup *popup = data;
  const char *offer;
  guint serial;

  if (popup->owner == NULL || g_strcmp0(sender, popup->owner) != 0 ||
      !g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
    return;
  g_variant_get(params, "(&o)", &offer);
  if (sscanf(offer, SYSTEM_OFFER_PATH_FMT, &serial) == 1 && serial != 0 &&
      serial < OTAUX_AGENT_REMOTE_BASE)
    serial += OTAUX_AGENT_REMOTE_BASE;
  else if (sscanf(offer, OFFER_PATH_FMT, &serial) != 1 || serial == 0)
    return;
  set_on_screen(popup, serial, g_str_equal(signal, "Shown"));
}

static void on_prompter_vanished(GDBusConnection *bus, const char *name, gpointer data)
{
  OtauxPopup *popup = data;
  GHashTableIter iter;
  gpointer value;

  popup->watch_known = TRUE;
  g_clear_pointer(&popup->owner, g_free);
  /* Gone without Hidden (it crashed): nothing is on screen. */
  if (popup->on_screen != 0)
    set_on_screen(popup, popup->on_screen, FALSE);
  /* Its replies will not come: the needs without one go to the next. */
  g_hash_table_iter_init(&iter, popup->needs);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Need *need = value;

    if (need->in_flight) {
      need->in_flight = FALSE;
      need->gen = ++popup->gen;
    }
  }
  maybe_spawn(popup);
}

OtauxPopup *otaux_popup_new(GDBusConnection *bus, const char *prompter_path,
                            const char *const *extra_args, OtauxPopupVisibleFunc visible,
                            gpointer visible_data)
{
  OtauxPopup *popup = g_new0(OtauxPopup, 1);

  popup->bus = g_object_ref(bus);
  popup->prompter_path = g_strdup(prompter_path);
  popup->extra_args = g_strdupv((char **)extra_args);
  popup->needs = g_hash_table_new_full(NULL, NULL, NULL, need_free);
  popup->cancel = g_cancellable_new();
  popup->visible = visible;
  popup->visible_data = visible_data;
  popup->sub_shown = g_dbus_connection_signal_subscribe(
      bus, PROMPTER_NAME, PROMPTER_IFACE, "Shown", PROMPTER_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_visibility, popup, NULL);
  popup->sub_hidden = g_dbus_connection_signal_subscribe(
      bus, PROMPTER_NAME, PROMPTER_IFACE, "Hidden", PROMPTER_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_visibility, popup, NULL);
  popup->watch_id =
      g_bus_watch_name_on_connection(bus, PROMPTER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_prompter_appeared, on_prompter_vanished, popup, NULL);
  return popup;
}

void otaux_popup_free(OtauxPopup *popup)
{
  if (popup == NULL)
    return;
  g_cancellable_cancel(popup->cancel);
  g_bus_unwatch_name(popup->watch_id);
  g_dbus_connection_signal_unsubscribe(popup->bus, popup->sub_shown);
  g_dbus_connection_signal_unsubscribe(popup->bus, popup->sub_hidden);
  g_clear_handle_id(&popup->restart_id, g_source_remove);
  /* The prompter follows the agent: it exits by itself when we are gone. */
  if (popup->child != 0) {
    g_source_remove(popup->child_watch_id);
    g_spawn_close_pid(popup->child);
  }
  g_clear_object(&popup->cancel);
  g_hash_table_destroy(popup->needs);
  g_strfreev(popup->extra_args);
  g_free(popup->prompter_path);
  g_free(popup->owner);
  g_object_unref(popup->bus);
  g_free(popup);
}

static Need *need_new(OtauxPopup *popup, guint serial, const char *kind)
{
  Need *need = g_new0(Need, 1);

  need->kind = g_strdup(kind);
  need->gen = ++popup->gen;
  g_hash_table_insert(popup->needs, GUINT_TO_POINTER(serial), need);
  return need;
}

void otaux_popup_set_need(OtauxPopup *popup, guint serial, const char *kind, gboolean needed)
{
  Need *need = g_hash_table_lookup(popup->needs, GUINT_TO_POINTER(serial));

  if (need != NULL && g_strcmp0(need->kind, kind) != 0) {
    g_hash_table_remove(popup->needs, GUINT_TO_POINTER(serial));
    need = NULL;
  }
  if (needed && need == NULL) {
    need_new(popup, serial, kind);
    dispatch(popup);
  } else if (!needed && need != NULL && !need->requested) {
    g_hash_table_remove(popup->needs, GUINT_TO_POINTER(serial));
  }
}

void otaux_popup_request(OtauxPopup *popup, guint serial, const char *kind)
{
  Need *need = g_hash_table_lookup(popup->needs, GUINT_TO_POINTER(serial));

  if (need == NULL || g_strcmp0(need->kind, kind) != 0)
    need = need_new(popup, serial, kind);
  need->requested = TRUE;
  need->acked = FALSE;
  need->in_flight = FALSE;
  need->gen = ++popup->gen;
  /* The person asked: try again even after the prompter kept failing. */
  if (popup->gave_up) {
    popup->gave_up = FALSE;
    popup->restarts = 0;
  }
  dispatch(popup);
}

void otaux_popup_remove(OtauxPopup *popup, guint serial)
{
  g_hash_table_remove(popup->needs, GUINT_TO_POINTER(serial));
}
