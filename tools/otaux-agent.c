/* otaux-agent: the session agent. Wires the core (agent/) to the session
 * bus (dbus/) and, when built, the presenters (ui/). Never links GTK. */
#include "config.h"

#include <glib-unix.h>
#include <glib.h>
#include <locale.h>
#include <stdlib.h>

#include "otaux-agent.h"
#include "otaux-bus.h"
#ifdef OTAUX_HAVE_NOTIFY
#include "otaux-presenters.h"
#endif

typedef struct {
  GMainLoop *loop;
  int status;
  OtauxAgent *agent;
  gint64 test_now; /* --test-clock: the injected time, moved over D-Bus */
} Context;

static gint64 test_clock(gpointer data)
{
  Context *ctx = data;
  return ctx->test_now;
}

static void set_test_time(gint64 now, gpointer data)
{
  Context *ctx = data;
  ctx->test_now = now;
  otaux_agent_tick(ctx->agent);
}

static gboolean on_signal(gpointer data)
{
  Context *ctx = data;
  g_message("Stopping on a signal");
  g_main_loop_quit(ctx->loop);
  return G_SOURCE_CONTINUE;
}

static void on_bus_lost(const char *why, gpointer data)
{
  Context *ctx = data;
  g_message("Stopping: %s", why);
  ctx->status = EXIT_FAILURE;
  g_main_loop_quit(ctx->loop);
}

int main(int argc, char **argv)
{
  g_autofree char *state_dir = NULL;
  g_autofree char *address = NULL;
  gboolean replace = FALSE, verbose = FALSE, version = FALSE;
  gboolean no_notifications = FALSE, no_popups = FALSE, use_test_clock = FALSE;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Where offers and decisions are kept (default: $XDG_STATE_HOME/otaux)", "DIR" },
    { "bus-address", 0, 0, G_OPTION_ARG_STRING, &address,
      "Connect to this bus instead of the session bus", "ADDRESS" },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace, "Replace a running agent", NULL },
    { "no-notifications", 0, 0, G_OPTION_ARG_NONE, &no_notifications,
      "Show no notifications (D-Bus only)", NULL },
    { "no-popups", 0, 0, G_OPTION_ARG_NONE, &no_popups, "Never start the pop-up prompter", NULL },
    { "test-clock", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &use_test_clock,
      "Use a clock that tests move with org.otaux.Testing1.SetTime", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) options = g_option_context_new("- the otaux update agent");

  setlocale(LC_ALL, "");
  g_option_context_add_main_entries(options, entries, NULL);
  g_option_context_set_summary(options,
                               "Tells the person about firmware updates offered over D-Bus and "
                               "sends their decision back.\nSee docs/dbus-api.md.");
  if (!g_option_context_parse(options, &argc, &argv, &error)) {
    g_printerr("otaux-agent: %s\n", error->message);
    return 2;
  }
  if (version) {
    g_print("otaux-agent %s\n", PACKAGE_VERSION);
    return EXIT_SUCCESS;
  }
  if (verbose)
    g_setenv("G_MESSAGES_DEBUG", "all", TRUE);

  Context ctx = { .status = EXIT_SUCCESS, .test_now = g_get_real_time() / G_USEC_PER_SEC };
  OtauxAgentConfig config = { .state_dir = state_dir };
  if (use_test_clock) {
    config.clock = test_clock;
    config.clock_data = &ctx;
  }
  g_autoptr(OtauxAgent) agent = otaux_agent_new(&config, &error);
  if (agent == NULL) {
    g_printerr("otaux-agent: %s\n", error->message);
    return EXIT_FAILURE;
  }
  ctx.agent = agent;
  ctx.loop = g_main_loop_new(NULL, FALSE);
  OtauxBusConfig bus_config = { .address = address, .replace = replace };
  g_autoptr(OtauxBus) bus = otaux_bus_new(agent, &bus_config, on_bus_lost, &ctx, &error);
  if (bus == NULL) {
    g_printerr("otaux-agent: %s\n", error->message);
    g_main_loop_unref(ctx.loop);
    return EXIT_FAILURE;
  }
  if (use_test_clock)
    otaux_bus_enable_testing(bus, set_test_time, &ctx);
#ifdef OTAUX_HAVE_NOTIFY
  OtauxPresentersConfig presenters_config = {
    .notifications = !no_notifications,
    .popups = !no_popups,
  };
  OtauxPresenters *presenters = otaux_presenters_new(agent, &presenters_config);
#else
  (void)no_notifications;
  (void)no_popups;
#endif

  g_unix_signal_add(SIGTERM, on_signal, &ctx);
  g_unix_signal_add(SIGINT, on_signal, &ctx);
  g_debug("otaux-agent %s running, %u offers", PACKAGE_VERSION, otaux_agent_count(agent));
  g_main_loop_run(ctx.loop);

#ifdef OTAUX_HAVE_NOTIFY
  otaux_presenters_free(presenters);
#endif
  g_clear_pointer(&bus, otaux_bus_free);
  g_main_loop_unref(ctx.loop);
  return ctx.status;
}
