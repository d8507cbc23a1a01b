/* What every bridge (bridges/fwupd, bridges/rauc, bridges/mender) does the
 * same way as a client of otaux-agent's public D-Bus API: the names, which
 * bus to connect to, and the main() boilerplate around options and the loop.
 * GLib + GIO; the core links none of it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OTAUX_BRIDGE_CLIENT_AGENT_NAME  "org.otaux.Agent"
#define OTAUX_BRIDGE_CLIENT_AGENT_PATH  "/org/otaux/Agent"
#define OTAUX_BRIDGE_CLIENT_AGENT_IFACE "org.otaux.Agent1"
#define OTAUX_BRIDGE_CLIENT_OFFER_IFACE "org.otaux.Offer1"
#define OTAUX_BRIDGE_CLIENT_PROPS_IFACE "org.freedesktop.DBus.Properties"

/* A bus named by an option: NULL, "" or "system", "session", or an address. */
GDBusConnection *otaux_bridge_client_connect(const char *which,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parses the options, prints the version or turns on debug logs for the
 * program's log domain (@program, which also names the domain of this
 * module's logs; must outlive them). Returns -1 to go on, else the exit status. */
int otaux_bridge_client_parse_options(GOptionContext *ctx, int *argc, char ***argv,
                                      const char *program, const gboolean *version,
                                      const gboolean *verbose);

/* Asks logind to reboot, unless @no_reboot (then only says one is needed).
 * Not interactive: the person accepted the restart when accepting the offer;
 * a polkit question now would come too late to be understood. */
void otaux_bridge_client_reboot(GDBusConnection *system, gboolean no_reboot);

/* Runs the loop until SIGTERM or SIGINT. */
void otaux_bridge_client_run(GMainLoop *loop);

G_END_DECLS
