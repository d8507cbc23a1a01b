/* The Update Control Map otaux sends to the Mender daemon (docs/mender.md). */
#include "otaux-mender-map.h"

char *otaux_mender_map_json(const char *install_action, const char *reboot_action)
{
  return g_strdup_printf("{\"id\":\"%s\",\"priority\":0,\"states\":{"
                         "\"ArtifactInstall_Enter\":{\"action\":\"%s\"},"
                         "\"ArtifactReboot_Enter\":{\"action\":\"%s\"}}}",
                         OTAUX_MENDER_MAP_ID, install_action, reboot_action);
}

gint otaux_mender_map_send(GDBusConnection *bus, const char *install_action,
                           const char *reboot_action, GError **error)
{
  g_autofree char *json = otaux_mender_map_json(install_action, reboot_action);
  g_autoptr(GVariant) reply = NULL;
  gint refresh = 0;

  reply = g_dbus_connection_call_sync(
      bus, OTAUX_MENDER_BUS_NAME, OTAUX_MENDER_PATH, OTAUX_MENDER_IFACE, "SetUpdateControlMap",
      g_variant_new("(s)", json), G_VARIANT_TYPE("(i)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
  if (reply == NULL)
    return -1;
  g_variant_get(reply, "(i)", &refresh);
  return refresh;
}
