/* The bridges' shared client side of otaux-agent (common/otaux-bridge-client.h). */
#include "config.h"

#include "otaux-bridge-client.h"

#include <glib-unix.h>

/* Logs go to the program's domain (otaux-fwupd, otaux-rauc, …), as they
 * did when each bridge had its own copy; set by the option parsing. */
static const char *log_domain = "otaux-common";

GDBusConnection *otaux_bridge_client_connect(const char *which, GError **error)
{
  if (which == NULL || *which == '\0' || g_strcmp0(which, "system") == 0)
    return g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, error);
  if (g_strcmp0(which, "session") == 0)
    return g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, error);
  return g_dbus_connection_new_for_address_sync(which,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, error);
}

int otaux_bridge_client_parse_options(GOptionContext *ctx, int *argc, char ***argv,
                                      const char *program, const gboolean *version,
                                      const gboolean *verbose)
{
  g_autoptr(GError) error = NULL;

  log_domain = program;
  if (!g_option_context_parse(ctx, argc, argv, &error)) {
    g_printerr("%s: %s\n", program, error->message);
    return 2;
  }
  if (*version) {
    g_print("%s %s\n", program, PACKAGE_VERSION);
    return 0;
  }
  /* The log domain is the program's name (G_LOG_DOMAIN in meson.build). */
  if (*verbose)
    g_setenv("G_MESSAGES_DEBUG", program, TRUE);
  return -1;
}

static void on_rebooted(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  if (reply == NULL)
    g_log(log_domain, G_LOG_LEVEL_WARNING, "logind Reboot: %s", error->message);
}

void otaux_bridge_client_reboot(GDBusConnection *system, gboolean no_reboot)
{
  if (no_reboot) {
    g_log(log_domain, G_LOG_LEVEL_MESSAGE, "a reboot is needed (not asking logind: --no-reboot)");
    return;
  }
  g_log(log_domain, G_LOG_LEVEL_MESSAGE, "asking logind to reboot");
  g_dbus_connection_call(system, "org.freedesktop.login1", "/org/freedesktop/login1",
                         "org.freedesktop.login1.Manager", "Reboot", g_variant_new("(b)", FALSE),
                         NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, on_rebooted, NULL);
}

static gboolean on_signal(gpointer user_data)
{
  g_main_loop_quit(user_data);
  return G_SOURCE_REMOVE;
}

void otaux_bridge_client_run(GMainLoop *loop)
{
  g_unix_signal_add(SIGTERM, on_signal, loop);
  g_unix_signal_add(SIGINT, on_signal, loop);
  g_main_loop_run(loop);
}
