/* otaux-rauc: brings RAUC bundles to the person through otaux-agent
 * (docs/rauc.md). A system service: a plain client of the otaux D-Bus API
 * (the system instance, otaux-agent --system) and of RAUC's. */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>

#include "otaux-bridge-client.h"
#include "otaux-rauc-bridge.h"

int main(int argc, char **argv)
{
  g_autofree char *bundle_dir = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *rauc = NULL;
  g_autofree char *rauc_config = NULL;
  g_autofree char *agent_bus = NULL;
  g_autofree char *rauc_bus = NULL;
  gboolean no_reboot = FALSE;
  gboolean verbose = FALSE;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "bundle-dir", 0, 0, G_OPTION_ARG_FILENAME, &bundle_dir,
      "The folder watched for *.raucb bundles (default: /var/lib/otaux-rauc/bundles)", "DIR" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Where declined bundles and the activated slot are kept (default: /var/lib/otaux-rauc)",
      "DIR" },
    { "rauc", 0, 0, G_OPTION_ARG_FILENAME, &rauc, "The rauc program (default: rauc)", "PATH" },
    { "rauc-config", 0, 0, G_OPTION_ARG_FILENAME, &rauc_config,
      "RAUC's system.conf, for `rauc info` (default: RAUC's own)", "FILE" },
    { "agent-bus", 0, 0, G_OPTION_ARG_STRING, &agent_bus,
      "otaux-agent's bus: system, session or an address (default: system)", "BUS" },
    { "rauc-bus", 0, 0, G_OPTION_ARG_STRING, &rauc_bus,
      "RAUC's bus: system, session or an address (default: system)", "BUS" },
    { "no-reboot", 0, 0, G_OPTION_ARG_NONE, &no_reboot,
      "Never ask logind to reboot; the person restarts", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log what happens", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  int rc;
  g_autoptr(GOptionContext) ctx = g_option_context_new("- offer RAUC bundles through otaux");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(OtauxRaucBridge) bridge = NULL;
  OtauxRaucConfig config = { 0 };

  setlocale(LC_ALL, "");
  g_option_context_add_main_entries(ctx, entries, NULL);
  rc = otaux_bridge_client_parse_options(ctx, &argc, &argv, "otaux-rauc", &version, &verbose);
  if (rc >= 0)
    return rc;
  if (bundle_dir == NULL)
    bundle_dir = g_strdup("/var/lib/otaux-rauc/bundles");
  if (state_dir == NULL)
    state_dir = g_strdup("/var/lib/otaux-rauc");
  if (rauc == NULL)
    rauc = g_strdup("rauc");
  if (agent_bus == NULL)
    agent_bus = g_strdup("system");
  if (rauc_bus == NULL)
    rauc_bus = g_strdup("system");
  config.bundle_dir = bundle_dir;
  config.state_dir = state_dir;
  config.rauc = rauc;
  config.rauc_config = rauc_config;
  config.agent_bus = agent_bus;
  config.rauc_bus = rauc_bus;
  config.no_reboot = no_reboot;

  loop = g_main_loop_new(NULL, FALSE);
  bridge = otaux_rauc_bridge_new(&config, &error);
  if (bridge == NULL) {
    g_printerr("otaux-rauc: %s\n", error->message);
    return 1;
  }
  otaux_bridge_client_run(loop);
  return 0;
}
