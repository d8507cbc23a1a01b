/* otaux-agent: the session agent. Wires the core (agent/) to the session
 * bus (dbus/) and, when built, the presenters (ui/). Never links GTK.
 * With --system: the system instance, the same core on the system bus for
 * updaters that run as system services, with no presenters of its own. */
#include "config.h"

#include <glib-unix.h>
#include <glib.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "otaux-agent.h"
#include "otaux-bus.h"
#include "otaux-policy-layers.h"
#include "otaux-sysbus.h"
#include "otaux-strings.h"
#ifdef OTAUX_HAVE_NOTIFY
#include "otaux-presenters.h"
#endif

typedef struct {
  GMainLoop *loop;
  int status;
  OtauxAgent *agent;
  gint64 test_now;                /* --test-clock: the injected time, moved over D-Bus */
  const char *const *policy_dirs; /* lowest layer first */
  GPtrArray *monitors;            /* GFileMonitor per policy and catalog dir */
  guint reload_id;                /* a pending reload after file changes */
  /* string catalog layers, lowest first */
  const char *const *strings_dirs;
} Context;

/* Loads the string catalogs. A bad catalog is logged and skipped; the texts
 * below it stay. */
static OtauxStrings *load_strings(Context *ctx)
{
  OtauxStrings *strings = otaux_strings_new_builtin();

  otaux_strings_load_dirs(strings, ctx->strings_dirs, NULL);
  return strings;
}

/* Loads the policy layers. A bad file is reported (log + PolicyProblems)
 * and skipped; the agent never refuses to start over a policy file. */
static OtauxPolicyLayers *load_policy(Context *ctx, char ***problems)
{
  OtauxPolicyLayers *layers = otaux_policy_layers_load(ctx->policy_dirs);
  GPtrArray *list = g_ptr_array_new();

  for (guint i = 0; i < layers->problems->len; i++) {
    char *line = otaux_policy_problem_to_string(layers->problems->pdata[i]);
    g_warning("policy: %s", line);
    g_ptr_array_add(list, line);
  }
  g_ptr_array_add(list, NULL);
  *problems = (char **)g_ptr_array_free(list, FALSE);
  g_message("policy: %u file(s) applied, %u problem(s)", layers->files->len, layers->problems->len);
  return layers;
}

/* SIGHUP or a changed file: new prompts use the new policy; prompts on
 * screen stay until their offer changes. */
static void reload_policy(Context *ctx)
{
  g_auto(GStrv) problems = NULL;
  g_autoptr(OtauxPolicyLayers) layers = load_policy(ctx, &problems);

  otaux_agent_set_policy_problems(ctx->agent, (const char *const *)problems);
  otaux_agent_set_policy(ctx->agent, layers->policy);
}

/* Both kinds of operator file reload together: one settle timer for any
 * change in any watched folder, and SIGHUP does the same. */
static void reload_all(Context *ctx)
{
  reload_policy(ctx);
  /* Like the policy: new prompts use the new texts. */
  otaux_agent_set_strings(ctx->agent, load_strings(ctx));
}

static gboolean on_reload_timeout(gpointer data)
{
  Context *ctx = data;
  ctx->reload_id = 0;
  g_message("Reloading the policy and the string catalogs (a file changed)");
  reload_all(ctx);
  return G_SOURCE_REMOVE;
}

static gboolean on_sighup(gpointer data)
{
  Context *ctx = data;
  g_message("Reloading the policy and the string catalogs (SIGHUP)");
  g_clear_handle_id(&ctx->reload_id, g_source_remove);
  reload_all(ctx);
  return G_SOURCE_CONTINUE;
}

static void on_dir_changed(GFileMonitor *monitor, GFile *file, GFile *other,
                           GFileMonitorEvent event, gpointer data)
{
  Context *ctx = data;
  /* An editor writes several events per save: reload once they settle. */
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  g_clear_handle_id(&ctx->reload_id, g_source_remove);
  ctx->reload_id = g_timeout_add(200, on_reload_timeout, ctx);
}

static void watch_dirs(Context *ctx, const char *const *dirs)
{
  for (gsize i = 0; dirs[i] != NULL; i++) {
    g_autoptr(GFile) dir = g_file_new_for_path(dirs[i]);
    g_autoptr(GError) error = NULL;
    GFileMonitor *monitor = g_file_monitor_directory(dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);

    if (monitor == NULL) {
      g_message("cannot watch %s (reload with SIGHUP): %s", dirs[i], error->message);
      continue;
    }
    g_signal_connect(monitor, "changed", G_CALLBACK(on_dir_changed), ctx);
    g_ptr_array_add(ctx->monitors, monitor);
  }
}

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

/* The system instance's state: systemd's StateDirectory= (the first of
 * its colon-separated list), else /var/lib/otaux. */
static char *system_state_dir(void)
{
  const char *dirs = g_getenv("STATE_DIRECTORY");

  if (dirs != NULL && dirs[0] != '\0') {
    const char *colon = strchr(dirs, ':');
    return colon != NULL ? g_strndup(dirs, (gsize)(colon - dirs)) : g_strdup(dirs);
  }
  return g_strdup(OTAUX_SYSTEM_STATE_DIR);
}

int main(int argc, char **argv)
{
  g_autofree char *state_dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *system_address = NULL;
  g_auto(GStrv) policy_dirs = NULL;
  g_auto(GStrv) strings_dirs = NULL;
  gboolean replace = FALSE, verbose = FALSE, version = FALSE, system = FALSE;
  gboolean no_notifications = FALSE, no_popups = FALSE, use_test_clock = FALSE;
  gboolean no_system = FALSE;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &system,
      "Run the system instance: the API on the system bus for updaters that run as system "
      "services; no notifications, no pop-up",
      NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Where offers and decisions are kept (default: $XDG_STATE_HOME/otaux; with --system "
      "$STATE_DIRECTORY, else " OTAUX_SYSTEM_STATE_DIR ")",
      "DIR" },
    { "bus-address", 0, 0, G_OPTION_ARG_STRING, &address,
      "Use this bus instead of the session bus (for the API, the notifications and the "
      "pop-up); with --system, instead of the system bus (for the API and the device's "
      "services)",
      "ADDRESS" },
    { "system-bus-address", 0, 0, G_OPTION_ARG_STRING, &system_address,
      "Read the device's services (modem, network, battery, logind) on this bus instead of the "
      "system bus",
      "ADDRESS" },
    { "strings-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &strings_dirs,
      "Read string catalogs from DIR instead of the vendor and operator dirs (repeatable; "
      "later ones override earlier ones)",
      "DIR" },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace, "Replace a running agent", NULL },
    { "no-notifications", 0, 0, G_OPTION_ARG_NONE, &no_notifications,
      "Show no notifications (D-Bus only)", NULL },
    { "no-popups", 0, 0, G_OPTION_ARG_NONE, &no_popups, "Never start the pop-up prompter", NULL },
    { "no-system", 0, 0, G_OPTION_ARG_NONE, &no_system,
      "Do not present the offers of the system instance (org.otaux.Agent on the system bus)",
      NULL },
    { "policy-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &policy_dirs,
      "A policy layer (repeatable, lowest first); replaces the default layers " OTAUX_DATADIR
      "/policy.d and " OTAUX_SYSCONFDIR "/policy.d",
      "DIR" },
    { "test-clock", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &use_test_clock,
      "Use a clock that tests move with org.otaux.Testing1.SetTime", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) options = g_option_context_new("- the otaux update agent");

  setlocale(LC_ALL, "");
  otaux_strings_init_gettext();
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
  /* Whatever knows the session bus only by type (the presenters' GDBus,
   * libnotify, the prompter we start) must use this bus too. Set before
   * any thread exists. */
  if (address != NULL && !system)
    g_setenv("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  if (system) {
    /* No presenters: the person's session presents (issue 20). The
     * device's services live on the same bus as the API. */
    no_notifications = no_popups = TRUE;
    if (state_dir == NULL)
      state_dir = system_state_dir();
    if (system_address == NULL && address != NULL)
      system_address = g_strdup(address);
  }

  static const char *const default_dirs[] = { OTAUX_DATADIR "/policy.d",
                                              OTAUX_SYSCONFDIR "/policy.d", NULL };
  Context ctx = { .status = EXIT_SUCCESS, .test_now = g_get_real_time() / G_USEC_PER_SEC };
  ctx.policy_dirs = policy_dirs != NULL ? (const char *const *)policy_dirs : default_dirs;
  g_auto(GStrv) policy_problems = NULL;
  g_autoptr(OtauxPolicyLayers) layers = load_policy(&ctx, &policy_problems);
  ctx.strings_dirs =
      strings_dirs != NULL ? (const char *const *)strings_dirs : otaux_strings_default_dirs();
  g_autoptr(OtauxStrings) strings = load_strings(&ctx);
  OtauxAgentConfig config = { .state_dir = state_dir,
                              .policy = layers->policy,
                              .strings = strings };
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
  otaux_agent_set_policy_problems(agent, (const char *const *)policy_problems);
  ctx.loop = g_main_loop_new(NULL, FALSE);
  OtauxBusConfig bus_config = { .address = address, .replace = replace, .system = system };
  g_autoptr(OtauxBus) bus = otaux_bus_new(agent, &bus_config, on_bus_lost, &ctx, &error);
  if (bus == NULL) {
    g_printerr("otaux-agent: %s\n", error->message);
    g_main_loop_unref(ctx.loop);
    return EXIT_FAILURE;
  }
  if (use_test_clock)
    otaux_bus_enable_testing(bus, set_test_time, &ctx);
  /* The device's own word (roaming, metered, battery) and the inhibitor. */
  /* The session agent also presents the system instance's offers. */
  OtauxSysbusConfig sysbus_config = { .address = system_address,
                                      .follow_system_agent = !system && !no_system,
                                      .track_seat = system };
  g_autoptr(OtauxSysbus) sysbus = otaux_sysbus_new(agent, &sysbus_config);
#ifdef OTAUX_HAVE_NOTIFY
  OtauxPresentersConfig presenters_config = {
    .notifications = !no_notifications,
    .popups = !no_popups,
  };
  OtauxPresenters *presenters = system ? NULL : otaux_presenters_new(agent, &presenters_config);
#else
  (void)no_notifications;
  (void)no_popups;
#endif

  g_unix_signal_add(SIGTERM, on_signal, &ctx);
  g_unix_signal_add(SIGINT, on_signal, &ctx);
  g_unix_signal_add(SIGHUP, on_sighup, &ctx);
  ctx.monitors = g_ptr_array_new_with_free_func(g_object_unref);
  watch_dirs(&ctx, ctx.policy_dirs);
  watch_dirs(&ctx, ctx.strings_dirs);
  g_debug("otaux-agent %s running%s, %u offers", PACKAGE_VERSION,
          system ? " (system instance)" : "", otaux_agent_count(agent));
  g_main_loop_run(ctx.loop);

#ifdef OTAUX_HAVE_NOTIFY
  if (presenters != NULL)
    otaux_presenters_free(presenters);
#endif
  g_clear_handle_id(&ctx.reload_id, g_source_remove);
  g_clear_pointer(&ctx.monitors, g_ptr_array_unref);
  g_clear_pointer(&sysbus, otaux_sysbus_free);
  g_clear_pointer(&bus, otaux_bus_free);
  g_main_loop_unref(ctx.loop);
  return ctx.status;
}
