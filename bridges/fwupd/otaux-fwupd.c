/* otaux-fwupd: brings fwupd's firmware updates to the person through
 * otaux-agent (docs/fwupd.md). A session service: a plain client of the
 * otaux D-Bus API on the session bus, and of fwupd on the system bus. */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>

#include "otaux-bridge-client.h"
#include "otaux-fwupd-bridge.h"

int main(int argc, char **argv)
{
  g_autofree char *state_dir = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *bus_address = NULL;
  gboolean no_reboot = FALSE;
  gboolean verbose = FALSE;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Where the declined releases are kept (default: $XDG_STATE_HOME/otaux-fwupd)", "DIR" },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
      "Where downloads are kept (default: $XDG_CACHE_HOME/otaux-fwupd)", "DIR" },
    { "bus-address", 0, 0, G_OPTION_ARG_STRING, &bus_address,
      "The D-Bus address of otaux-agent's bus (default: the session bus)", "ADDRESS" },
    { "no-reboot", 0, 0, G_OPTION_ARG_NONE, &no_reboot,
      "Never ask logind to reboot after an install", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log what happens", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  int rc;
  g_autoptr(GOptionContext) ctx = g_option_context_new("- offer fwupd's updates through otaux");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(OtauxFwupdBridge) bridge = NULL;
  g_autofree char *state_file = NULL;
  OtauxFwupdConfig config = { 0 };

  setlocale(LC_ALL, "");
  g_option_context_add_main_entries(ctx, entries, NULL);
  rc = otaux_bridge_client_parse_options(ctx, &argc, &argv, "otaux-fwupd", &version, &verbose);
  if (rc >= 0)
    return rc;
  if (state_dir == NULL)
    state_dir = g_build_filename(g_get_user_state_dir(), "otaux-fwupd", NULL);
  if (cache_dir == NULL)
    cache_dir = g_build_filename(g_get_user_cache_dir(), "otaux-fwupd", NULL);
  state_file = g_build_filename(state_dir, "declined.ini", NULL);
  config.state_file = state_file;
  config.cache_dir = cache_dir;
  config.session_bus = bus_address;
  config.no_reboot = no_reboot;

  loop = g_main_loop_new(NULL, FALSE);
  bridge = otaux_fwupd_bridge_new(&config, &error);
  if (bridge == NULL) {
    g_printerr("otaux-fwupd: %s\n", error->message);
    return 1;
  }
  otaux_bridge_client_run(loop);
  return 0;
}
