/* The name-owner watcher (dbus/otaux-dbus-names.h) on a real bus: run
 * under dbus-run-session. A second connection takes and drops names and
 * leaves; the watcher reports each owner, with no sleeps: the main loop
 * runs until the expected report or a bounded timeout. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "otaux-dbus-mainloop.h"
#include "otaux-dbus-names.h"
#include "otaux-dbus-util.h"

#define NAME      "org.otaux.Test.Names"
#define TIMEOUT_S 10

typedef struct {
  GPtrArray *reports; /* "name owner" or "name -" */
} Seen;

static void on_owner(const char *name, const char *owner, gpointer data)
{
  Seen *seen = data;
  g_ptr_array_add(seen->reports, g_strdup_printf("%s %s", name, owner != NULL ? owner : "-"));
}

static gboolean on_timeout(gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the loop until @seen has @n reports; fails after TIMEOUT_S. */
static void wait_reports(Seen *seen, guint n)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add_seconds(TIMEOUT_S, on_timeout, &timed_out);
  while (seen->reports->len < n && !timed_out)
    g_main_context_iteration(NULL, TRUE);
  if (timed_out)
    fail_msg("%u reports after %d s, expected %u", seen->reports->len, TIMEOUT_S, n);
  g_source_remove(timer);
}

static DBusConnection *connect_private(void)
{
  g_auto(DBusError) err = DBUS_ERROR_INIT;
  DBusConnection *c = dbus_bus_get_private(DBUS_BUS_SESSION, &err);
  if (c == NULL)
    fail_msg("no session bus: %s", err.message);
  dbus_connection_set_exit_on_disconnect(c, FALSE);
  otaux_dbus_mainloop_attach(c, NULL);
  return c;
}

static void close_private(DBusConnection *c)
{
  otaux_dbus_mainloop_detach(c);
  dbus_connection_close(c);
  dbus_connection_unref(c);
}

static void test_follows_a_well_known_name(void **state)
{
  DBusConnection *watcher = connect_private();
  DBusConnection *other = connect_private();
  g_autofree char *other_name = g_strdup(dbus_bus_get_unique_name(other));
  g_autofree char *owned = g_strdup_printf(NAME " %s", other_name);
  Seen seen = { g_ptr_array_new_with_free_func(g_free) };
  OtauxDBusNames *names = otaux_dbus_names_new(watcher);

  otaux_dbus_names_watch(names, NAME, on_owner, &seen);
  wait_reports(&seen, 1); /* GetNameOwner: nobody yet */
  assert_string_equal(seen.reports->pdata[0], NAME " -");

  assert_int_equal(dbus_bus_request_name(other, NAME, 0, NULL),
                   DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER);
  wait_reports(&seen, 2);
  assert_string_equal(seen.reports->pdata[1], owned);

  assert_int_equal(dbus_bus_release_name(other, NAME, NULL), DBUS_RELEASE_NAME_REPLY_RELEASED);
  wait_reports(&seen, 3);
  assert_string_equal(seen.reports->pdata[2], NAME " -");

  otaux_dbus_names_free(names);
  g_ptr_array_unref(seen.reports);
  close_private(other);
  close_private(watcher);
}

/* A unique name: its owner first, then none when the connection leaves. A
 * second watch of the same name shares the match rule; after an unwatch
 * only the remaining watch reports. */
static void test_sees_a_caller_leave(void **state)
{
  DBusConnection *watcher = connect_private();
  DBusConnection *other = connect_private();
  g_autofree char *other_name = g_strdup(dbus_bus_get_unique_name(other));
  g_autofree char *present = g_strdup_printf("%s %s", other_name, other_name);
  g_autofree char *gone = g_strdup_printf("%s -", other_name);
  Seen seen = { g_ptr_array_new_with_free_func(g_free) };
  Seen dropped = { g_ptr_array_new_with_free_func(g_free) };
  OtauxDBusNames *names = otaux_dbus_names_new(watcher);

  otaux_dbus_names_watch(names, other_name, on_owner, &seen);
  guint id = otaux_dbus_names_watch(names, other_name, on_owner, &dropped);
  otaux_dbus_names_unwatch(names, id);
  wait_reports(&seen, 1);
  assert_string_equal(seen.reports->pdata[0], present);

  close_private(other);
  wait_reports(&seen, 2);
  assert_string_equal(seen.reports->pdata[1], gone);
  assert_int_equal(dropped.reports->len, 0);

  otaux_dbus_names_free(names);
  g_ptr_array_unref(seen.reports);
  g_ptr_array_unref(dropped.reports);
  close_private(watcher);
}

/* Freeing with a lookup in flight: no callback runs afterwards. */
static void test_free_cancels_lookups(void **state)
{
  DBusConnection *watcher = connect_private();
  Seen seen = { g_ptr_array_new_with_free_func(g_free) };
  OtauxDBusNames *names = otaux_dbus_names_new(watcher);

  otaux_dbus_names_watch(names, NAME, on_owner, &seen);
  otaux_dbus_names_free(names);
  dbus_connection_flush(watcher);
  /* A round trip after the lookup: its reply has arrived by now. */
  g_autoptr(DBusMessage) ping = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
                                                             "org.freedesktop.DBus.Peer", "Ping");
  g_autoptr(DBusMessage) pong =
      dbus_connection_send_with_reply_and_block(watcher, ping, TIMEOUT_S * 1000, NULL);
  assert_non_null(pong);
  while (g_main_context_iteration(NULL, FALSE))
    ;
  assert_int_equal(seen.reports->len, 0);
  g_ptr_array_unref(seen.reports);
  close_private(watcher);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_follows_a_well_known_name),
    cmocka_unit_test(test_sees_a_caller_leave),
    cmocka_unit_test(test_free_cancels_lookups),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
