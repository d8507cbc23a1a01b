/* libdbus <-> GLib main loop glue. */
#include "otaux-dbus-mainloop.h"

#include <glib-unix.h>

typedef struct {
  DBusConnection *connection; /* not owned: the connection owns us */
  GMainContext *context;
  GSource *dispatch_source;
} Glue;

typedef struct {
  Glue *glue;
  DBusWatch *watch;
  GSource *source;
} WatchData;

typedef struct {
  Glue *glue;
  DBusTimeout *timeout;
  GSource *source;
} TimeoutData;

static dbus_int32_t glue_slot = -1;

static gboolean dispatch_cb(gpointer user_data)
{
  Glue *glue = user_data;
  /* Bounded per round, so one busy client can't starve the other sources. */
  for (int i = 0; i < 64; i++) {
    if (dbus_connection_dispatch(glue->connection) != DBUS_DISPATCH_DATA_REMAINS) {
      glue->dispatch_source = NULL;
      return G_SOURCE_REMOVE;
    }
  }
  return G_SOURCE_CONTINUE;
}

static void schedule_dispatch(Glue *glue)
{
  if (glue->dispatch_source != NULL)
    return;
  if (dbus_connection_get_dispatch_status(glue->connection) != DBUS_DISPATCH_DATA_REMAINS)
    return;
  glue->dispatch_source = g_idle_source_new();
  g_source_set_priority(glue->dispatch_source, G_PRIORITY_DEFAULT);
  g_source_set_callback(glue->dispatch_source, dispatch_cb, glue, NULL);
  g_source_attach(glue->dispatch_source, glue->context);
  g_source_unref(glue->dispatch_source);
}

static void dispatch_status_cb(DBusConnection *connection, DBusDispatchStatus status, void *data)
{
  if (status == DBUS_DISPATCH_DATA_REMAINS)
    schedule_dispatch(data);
}

static void wakeup_cb(void *data)
{
  Glue *glue = data;
  g_main_context_wakeup(glue->context);
}

/* ---- watches ---- */

static gboolean watch_cb(gint fd, GIOCondition condition, gpointer user_data)
{
  WatchData *wd = user_data;
  unsigned int flags = 0;

  if (condition & G_IO_IN)
    flags |= DBUS_WATCH_READABLE;
  if (condition & G_IO_OUT)
    flags |= DBUS_WATCH_WRITABLE;
  if (condition & G_IO_ERR)
    flags |= DBUS_WATCH_ERROR;
  if (condition & G_IO_HUP)
    flags |= DBUS_WATCH_HANGUP;

  Glue *glue = wd->glue;
  dbus_watch_handle(wd->watch, flags);
  schedule_dispatch(glue);
  return G_SOURCE_CONTINUE;
}

static void watch_enable(WatchData *wd)
{
  if (wd->source != NULL || !dbus_watch_get_enabled(wd->watch))
    return;
  unsigned int flags = dbus_watch_get_flags(wd->watch);
  GIOCondition cond = G_IO_HUP | G_IO_ERR;
  if (flags & DBUS_WATCH_READABLE)
    cond |= G_IO_IN;
  if (flags & DBUS_WATCH_WRITABLE)
    cond |= G_IO_OUT;
  wd->source = g_unix_fd_source_new(dbus_watch_get_unix_fd(wd->watch), cond);
  g_source_set_callback(wd->source, G_SOURCE_FUNC(watch_cb), wd, NULL);
  g_source_attach(wd->source, wd->glue->context);
}

static void watch_disable(WatchData *wd)
{
  if (wd->source == NULL)
    return;
  g_source_destroy(wd->source);
  g_source_unref(wd->source);
  wd->source = NULL;
}

static void watch_data_free(void *data)
{
  WatchData *wd = data;
  /* May run after detach freed the glue: touch only our own source. */
  watch_disable(wd);
  g_free(wd);
}

static dbus_bool_t add_watch_cb(DBusWatch *watch, void *data)
{
  WatchData *wd = g_new0(WatchData, 1);
  wd->glue = data;
  wd->watch = watch;
  dbus_watch_set_data(watch, wd, watch_data_free);
  watch_enable(wd);
  return TRUE;
}

static void remove_watch_cb(DBusWatch *watch, void *data)
{
  WatchData *wd = dbus_watch_get_data(watch);
  if (wd != NULL)
    watch_disable(wd);
}

static void toggle_watch_cb(DBusWatch *watch, void *data)
{
  WatchData *wd = dbus_watch_get_data(watch);
  if (wd == NULL)
    return;
  if (dbus_watch_get_enabled(watch))
    watch_enable(wd);
  else
    watch_disable(wd);
}

/* ---- timeouts ---- */

static gboolean timeout_cb(gpointer user_data)
{
  TimeoutData *td = user_data;
  Glue *glue = td->glue;
  dbus_timeout_handle(td->timeout);
  schedule_dispatch(glue);
  return G_SOURCE_CONTINUE;
}

static void timeout_enable(TimeoutData *td)
{
  if (td->source != NULL || !dbus_timeout_get_enabled(td->timeout))
    return;
  td->source = g_timeout_source_new((guint)dbus_timeout_get_interval(td->timeout));
  g_source_set_callback(td->source, timeout_cb, td, NULL);
  g_source_attach(td->source, td->glue->context);
}

static void timeout_disable(TimeoutData *td)
{
  if (td->source == NULL)
    return;
  g_source_destroy(td->source);
  g_source_unref(td->source);
  td->source = NULL;
}

static void timeout_data_free(void *data)
{
  TimeoutData *td = data;
  timeout_disable(td);
  g_free(td);
}

static dbus_bool_t add_timeout_cb(DBusTimeout *timeout, void *data)
{
  TimeoutData *td = g_new0(TimeoutData, 1);
  td->glue = data;
  td->timeout = timeout;
  dbus_timeout_set_data(timeout, td, timeout_data_free);
  timeout_enable(td);
  return TRUE;
}

static void remove_timeout_cb(DBusTimeout *timeout, void *data)
{
  TimeoutData *td = dbus_timeout_get_data(timeout);
  if (td != NULL)
    timeout_disable(td);
}

static void toggle_timeout_cb(DBusTimeout *timeout, void *data)
{
  TimeoutData *td = dbus_timeout_get_data(timeout);
  if (td == NULL)
    return;
  /* The interval may have changed: re-arm. */
  timeout_disable(td);
  timeout_enable(td);
}

/* ---- attach / detach ---- */

static void glue_free(void *data)
{
  Glue *glue = data;
  if (glue->dispatch_source != NULL)
    g_source_destroy(glue->dispatch_source);
  g_main_context_unref(glue->context);
  g_free(glue);
}

void otaux_dbus_mainloop_attach(DBusConnection *connection, GMainContext *context)
{
  if (glue_slot == -1 && !dbus_connection_allocate_data_slot(&glue_slot))
    g_error("out of memory"); /* libdbus only fails here on OOM */

  Glue *glue = g_new0(Glue, 1);
  glue->connection = connection;
  glue->context = g_main_context_ref(context != NULL ? context : g_main_context_default());
  dbus_connection_set_data(connection, glue_slot, glue, glue_free);

  dbus_connection_set_watch_functions(connection, add_watch_cb, remove_watch_cb, toggle_watch_cb,
                                      glue, NULL);
  dbus_connection_set_timeout_functions(connection, add_timeout_cb, remove_timeout_cb,
                                        toggle_timeout_cb, glue, NULL);
  dbus_connection_set_dispatch_status_function(connection, dispatch_status_cb, glue, NULL);
  dbus_connection_set_wakeup_main_function(connection, wakeup_cb, glue, NULL);
  schedule_dispatch(glue);
}

void otaux_dbus_mainloop_detach(DBusConnection *connection)
{
  if (glue_slot == -1 || dbus_connection_get_data(connection, glue_slot) == NULL)
    return;
  dbus_connection_set_watch_functions(connection, NULL, NULL, NULL, NULL, NULL);
  dbus_connection_set_timeout_functions(connection, NULL, NULL, NULL, NULL, NULL);
  dbus_connection_set_dispatch_status_function(connection, NULL, NULL, NULL);
  dbus_connection_set_wakeup_main_function(connection, NULL, NULL, NULL);
  dbus_connection_set_data(connection, glue_slot, NULL, NULL);
}

DBusConnection *otaux_dbus_connect(DBusBusType type, const char *address, DBusError *err)
{
  DBusConnection *connection;

  if (address == NULL)
    connection = dbus_bus_get_private(type, err);
  else {
    connection = dbus_connection_open_private(address, err);
    if (connection != NULL && !dbus_bus_register(connection, err)) {
      dbus_connection_close(connection);
      dbus_connection_unref(connection);
      connection = NULL;
    }
  }
  if (connection != NULL)
    dbus_connection_set_exit_on_disconnect(connection, FALSE);
  return connection;
}
