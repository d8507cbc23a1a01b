/* The link and the battery: NetworkManager (Metered, the primary
 * connection's type) and UPower (OnBattery; the DisplayDevice's Percentage,
 * State, IsPresent, Type). */
#include "otaux-sysbus-private.h"

#define NM_PATH      "/org/freedesktop/NetworkManager"
#define NM_IFACE     "org.freedesktop.NetworkManager"
#define UP_PATH      "/org/freedesktop/UPower"
#define UP_IFACE     "org.freedesktop.UPower"
#define UP_DISPLAY   "/org/freedesktop/UPower/devices/DisplayDevice"
#define UP_DEVICE    "org.freedesktop.UPower.Device"
#define PROPS_CHANGE "interface='" DBUS_INTERFACE_PROPERTIES "',member='PropertiesChanged',"

/* ---- NetworkManager --------------------------------------------------- */

static void nm_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  const char *type = NULL;

  if (g_str_equal(key, "Metered"))
    (void)otaux_sysbus_read_u32(value, &sb->nm_metered);
  else if (g_str_equal(key, "PrimaryConnectionType") && otaux_sysbus_read_string(value, &type))
    sb->nm_cellular = g_str_equal(type, "gsm") || g_str_equal(type, "cdma");
}

static void on_nm_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  if (reply == NULL || !dbus_message_iter_init(reply, &iter))
    return;
  otaux_sysbus_props_foreach(sb, &iter, nm_prop, NULL);
  sb->nm_known = TRUE;
  otaux_sysbus_changed(sb);
}

static void nm_appeared(OtauxSysbus *sb)
{
  otaux_sysbus_get_all(sb, OTAUX_SYS_NETWORKMANAGER, NM_PATH, NM_IFACE, on_nm_props, NULL, NULL);
}

static void nm_vanished(OtauxSysbus *sb)
{
  sb->nm_known = FALSE;
  sb->nm_metered = 0;
  sb->nm_cellular = FALSE;
}

static void nm_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  DBusMessageIter iter;

  if (g_strcmp0(dbus_message_get_path(msg), NM_PATH) != 0 ||
      !otaux_sysbus_is_props_changed(msg, NM_IFACE, &iter))
    return;
  otaux_sysbus_props_foreach(sb, &iter, nm_prop, NULL);
  otaux_sysbus_changed(sb);
}

static const char *const nm_matches[] = {
  PROPS_CHANGE "path='" NM_PATH "',arg0='" NM_IFACE "'",
  NULL,
};

const OtauxSysService otaux_sys_networkmanager = {
  .name = "org.freedesktop.NetworkManager",
  .matches = nm_matches,
  .appeared = nm_appeared,
  .vanished = nm_vanished,
  .signal = nm_signal,
};

/* ---- UPower ----------------------------------------------------------- */

static void up_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  if (g_str_equal(key, "OnBattery"))
    (void)otaux_sysbus_read_bool(value, &sb->up_on_battery);
}

static void up_display_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  if (g_str_equal(key, "Percentage"))
    (void)otaux_sysbus_read_double(value, &sb->up_percent);
  else if (g_str_equal(key, "IsPresent"))
    (void)otaux_sysbus_read_bool(value, &sb->up_present);
  else if (g_str_equal(key, "Type"))
    (void)otaux_sysbus_read_u32(value, &sb->up_type);
  else if (g_str_equal(key, "State"))
    (void)otaux_sysbus_read_u32(value, &sb->up_state);
}

static void on_up_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  if (reply == NULL || !dbus_message_iter_init(reply, &iter))
    return;
  otaux_sysbus_props_foreach(sb, &iter, up_prop, NULL);
  sb->up_known = TRUE;
  otaux_sysbus_changed(sb);
}

static void on_up_display_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  if (reply == NULL || !dbus_message_iter_init(reply, &iter))
    return;
  otaux_sysbus_props_foreach(sb, &iter, up_display_prop, NULL);
  sb->up_display_known = TRUE;
  otaux_sysbus_changed(sb);
}

static void up_appeared(OtauxSysbus *sb)
{
  otaux_sysbus_get_all(sb, OTAUX_SYS_UPOWER, UP_PATH, UP_IFACE, on_up_props, NULL, NULL);
  otaux_sysbus_get_all(sb, OTAUX_SYS_UPOWER, UP_DISPLAY, UP_DEVICE, on_up_display_props, NULL,
                       NULL);
}

static void up_vanished(OtauxSysbus *sb)
{
  sb->up_known = sb->up_display_known = FALSE;
  sb->up_on_battery = sb->up_present = FALSE;
  sb->up_type = sb->up_state = 0;
  sb->up_percent = 0;
}

static void up_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  DBusMessageIter iter;
  const char *path = dbus_message_get_path(msg);

  if (g_strcmp0(path, UP_PATH) == 0 && otaux_sysbus_is_props_changed(msg, UP_IFACE, &iter))
    otaux_sysbus_props_foreach(sb, &iter, up_prop, NULL);
  else if (g_strcmp0(path, UP_DISPLAY) == 0 && otaux_sysbus_is_props_changed(msg, UP_DEVICE, &iter))
    otaux_sysbus_props_foreach(sb, &iter, up_display_prop, NULL);
  else
    return;
  otaux_sysbus_changed(sb);
}

static const char *const up_matches[] = {
  PROPS_CHANGE "path='" UP_PATH "'",
  PROPS_CHANGE "path='" UP_DISPLAY "'",
  NULL,
};

const OtauxSysService otaux_sys_upower = {
  .name = "org.freedesktop.UPower",
  .matches = up_matches,
  .appeared = up_appeared,
  .vanished = up_vanished,
  .signal = up_signal,
};
