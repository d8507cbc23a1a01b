/* The Update Control Map that otaux-mender holds in the Mender daemon
 * (io.mender.Update1.SetUpdateControlMap), shared with the Download_Leave
 * script, which sets its first pause (docs/mender.md, "Daemon mode"). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OTAUX_MENDER_BUS_NAME "io.mender.UpdateManager"
#define OTAUX_MENDER_PATH     "/io/mender/UpdateManager"
#define OTAUX_MENDER_IFACE    "io.mender.Update1"
/* One id for every map otaux sends: a new map replaces the previous one. */
#define OTAUX_MENDER_MAP_ID "0e7a0c5e-3e4d-4f3b-9c1a-0074617578aa"

/* The map's JSON: actions ("pause", "continue", "fail") at
 * ArtifactInstall_Enter and ArtifactReboot_Enter. */
char *otaux_mender_map_json(const char *install_action, const char *reboot_action);

/* Sends the map; returns Mender's refresh time in seconds, or -1 and an error. */
gint otaux_mender_map_send(GDBusConnection *bus, const char *install_action,
                           const char *reboot_action, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
