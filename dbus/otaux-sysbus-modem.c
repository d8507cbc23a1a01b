/* Roaming from the modem: ModemManager (its ObjectManager lists the
 * modems; Modem3gpp.RegistrationState), or oFono where ModemManager does
 * not run (NetworkRegistration.Status). */
#include "otaux-sysbus-private.h"

#define MM_PATH        "/org/freedesktop/ModemManager1"
#define MM_3GPP        "org.freedesktop.ModemManager1.Modem.Modem3gpp"
#define OBJECT_MANAGER "org.freedesktop.DBus.ObjectManager"
#define OFONO_MANAGER  "org.ofono.Manager"
#define OFONO_NETREG   "org.ofono.NetworkRegistration"
#define OFONO_MODEM    "org.ofono.Modem"

/* ---- ModemManager ----------------------------------------------------- */

static void mm_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  const char *path = data;
  guint32 state;

  if (g_str_equal(key, "RegistrationState") && otaux_sysbus_read_u32(value, &state))
    g_hash_table_insert(sb->mm_modems, g_strdup(path), GUINT_TO_POINTER(state + 1));
}

/* One object's a{sa{sv}}: its interfaces and their properties. */
static void mm_object(OtauxSysbus *sb, const char *path, DBusMessageIter *ifaces)
{
  DBusMessageIter array;

  if (dbus_message_iter_get_arg_type(ifaces) != DBUS_TYPE_ARRAY)
    return;
  dbus_message_iter_recurse(ifaces, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_DICT_ENTRY) {
    DBusMessageIter entry;
    const char *iface = NULL;

    dbus_message_iter_recurse(&array, &entry);
    if (dbus_message_iter_get_arg_type(&entry) == DBUS_TYPE_STRING) {
      dbus_message_iter_get_basic(&entry, &iface);
      if (g_str_equal(iface, MM_3GPP) && dbus_message_iter_next(&entry))
        otaux_sysbus_props_foreach(sb, &entry, mm_prop, (gpointer)path);
    }
    dbus_message_iter_next(&array);
  }
}

static void on_managed_objects(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter, array;

  if (reply == NULL || !dbus_message_iter_init(reply, &iter) ||
      dbus_message_iter_get_arg_type(&iter) != DBUS_TYPE_ARRAY)
    return;
  dbus_message_iter_recurse(&iter, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_DICT_ENTRY) {
    DBusMessageIter entry;
    const char *path = NULL;

    dbus_message_iter_recurse(&array, &entry);
    if (dbus_message_iter_get_arg_type(&entry) == DBUS_TYPE_OBJECT_PATH) {
      dbus_message_iter_get_basic(&entry, &path);
      if (dbus_message_iter_next(&entry))
        mm_object(sb, path, &entry);
    }
    dbus_message_iter_next(&array);
  }
  otaux_sysbus_changed(sb);
}

static void mm_appeared(OtauxSysbus *sb)
{
  otaux_sysbus_call(sb, OTAUX_SYS_MODEMMANAGER,
                    dbus_message_new_method_call(otaux_sys_modemmanager.name, MM_PATH,
                                                 OBJECT_MANAGER, "GetManagedObjects"),
                    on_managed_objects, NULL, NULL);
}

static void mm_vanished(OtauxSysbus *sb)
{
  g_hash_table_remove_all(sb->mm_modems);
}

static void mm_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  DBusMessageIter iter;
  const char *path = NULL;

  if (dbus_message_is_signal(msg, OBJECT_MANAGER, "InterfacesAdded")) {
    if (dbus_message_iter_init(msg, &iter) &&
        dbus_message_iter_get_arg_type(&iter) == DBUS_TYPE_OBJECT_PATH) {
      dbus_message_iter_get_basic(&iter, &path);
      if (dbus_message_iter_next(&iter))
        mm_object(sb, path, &iter);
    }
  } else if (dbus_message_is_signal(msg, OBJECT_MANAGER, "InterfacesRemoved")) {
    /* A modem that goes loses its Modem3gpp with it. */
    char **ifaces = NULL;
    int n = 0;

    if (dbus_message_get_args(msg, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_ARRAY,
                              DBUS_TYPE_STRING, &ifaces, &n, DBUS_TYPE_INVALID)) {
      if (g_strv_contains((const char *const *)ifaces, MM_3GPP))
        g_hash_table_remove(sb->mm_modems, path);
      dbus_free_string_array(ifaces);
    }
  } else if (otaux_sysbus_is_props_changed(msg, MM_3GPP, &iter)) {
    otaux_sysbus_props_foreach(sb, &iter, mm_prop, (gpointer)dbus_message_get_path(msg));
  } else {
    return;
  }
  otaux_sysbus_changed(sb);
}

static const char *const mm_matches[] = {
  "path_namespace='" MM_PATH "',interface='" OBJECT_MANAGER "'",
  "path_namespace='" MM_PATH "',interface='" DBUS_INTERFACE_PROPERTIES
  "',member='PropertiesChanged',arg0='" MM_3GPP "'",
  NULL,
};

const OtauxSysService otaux_sys_modemmanager = {
  .name = "org.freedesktop.ModemManager1",
  .matches = mm_matches,
  .appeared = mm_appeared,
  .vanished = mm_vanished,
  .signal = mm_signal,
};

/* ---- oFono ------------------------------------------------------------ */

static void ofono_status(OtauxSysbus *sb, const char *path, DBusMessageIter *value)
{
  const char *status = NULL;

  if (otaux_sysbus_read_string(value, &status))
    g_hash_table_insert(sb->ofono_modems, g_strdup(path),
                        GINT_TO_POINTER(g_str_equal(status, "roaming") ? 2 : 1));
}

static void ofono_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  if (g_str_equal(key, "Status"))
    ofono_status(sb, data, value);
}

static void on_netreg_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  /* An error: the modem has no NetworkRegistration (yet); its Interfaces
   * property changes when it gets one. */
  if (reply == NULL || !dbus_message_iter_init(reply, &iter))
    return;
  otaux_sysbus_props_foreach(sb, &iter, ofono_prop, data);
  otaux_sysbus_changed(sb);
}

static void ask_netreg(OtauxSysbus *sb, const char *path)
{
  otaux_sysbus_call(
      sb, OTAUX_SYS_OFONO,
      dbus_message_new_method_call(otaux_sys_ofono.name, path, OFONO_NETREG, "GetProperties"),
      on_netreg_props, g_strdup(path), g_free);
}

static void on_modems(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter, array;

  if (reply == NULL || !dbus_message_iter_init(reply, &iter) ||
      dbus_message_iter_get_arg_type(&iter) != DBUS_TYPE_ARRAY)
    return;
  dbus_message_iter_recurse(&iter, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_STRUCT) {
    DBusMessageIter entry;
    const char *path = NULL;

    dbus_message_iter_recurse(&array, &entry);
    if (dbus_message_iter_get_arg_type(&entry) == DBUS_TYPE_OBJECT_PATH) {
      dbus_message_iter_get_basic(&entry, &path);
      ask_netreg(sb, path);
    }
    dbus_message_iter_next(&array);
  }
}

static void ofono_appeared(OtauxSysbus *sb)
{
  otaux_sysbus_call(
      sb, OTAUX_SYS_OFONO,
      dbus_message_new_method_call(otaux_sys_ofono.name, "/", OFONO_MANAGER, "GetModems"),
      on_modems, NULL, NULL);
}

static void ofono_vanished(OtauxSysbus *sb)
{
  g_hash_table_remove_all(sb->ofono_modems);
}

static void ofono_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  DBusMessageIter iter;
  const char *name = NULL;
  const char *path = NULL;

  if (dbus_message_is_signal(msg, OFONO_NETREG, "PropertyChanged")) {
    if (!dbus_message_iter_init(msg, &iter) ||
        dbus_message_iter_get_arg_type(&iter) != DBUS_TYPE_STRING)
      return;
    dbus_message_iter_get_basic(&iter, &name);
    if (g_str_equal(name, "Status") && dbus_message_iter_next(&iter) &&
        dbus_message_iter_get_arg_type(&iter) == DBUS_TYPE_VARIANT) {
      DBusMessageIter value;

      dbus_message_iter_recurse(&iter, &value);
      ofono_status(sb, dbus_message_get_path(msg), &value);
      otaux_sysbus_changed(sb);
    }
  } else if (dbus_message_is_signal(msg, OFONO_MANAGER, "ModemAdded")) {
    if (dbus_message_iter_init(msg, &iter) &&
        dbus_message_iter_get_arg_type(&iter) == DBUS_TYPE_OBJECT_PATH) {
      dbus_message_iter_get_basic(&iter, &path);
      ask_netreg(sb, path);
    }
  } else if (dbus_message_is_signal(msg, OFONO_MANAGER, "ModemRemoved")) {
    if (dbus_message_get_args(msg, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID) &&
        g_hash_table_remove(sb->ofono_modems, path))
      otaux_sysbus_changed(sb);
  } else if (dbus_message_is_signal(msg, OFONO_MODEM, "PropertyChanged")) {
    /* Interfaces changed: NetworkRegistration may be there now. */
    if (dbus_message_iter_init(msg, &iter) &&
        dbus_message_iter_get_arg_type(&iter) == DBUS_TYPE_STRING)
      dbus_message_iter_get_basic(&iter, &name);
    if (g_strcmp0(name, "Interfaces") == 0)
      ask_netreg(sb, dbus_message_get_path(msg));
  }
}

static const char *const ofono_matches[] = {
  "interface='" OFONO_NETREG "',member='PropertyChanged'",
  "interface='" OFONO_MANAGER "'",
  "interface='" OFONO_MODEM "',member='PropertyChanged'",
  NULL,
};

const OtauxSysService otaux_sys_ofono = {
  .name = "org.ofono",
  .matches = ofono_matches,
  .appeared = ofono_appeared,
  .vanished = ofono_vanished,
  .signal = ofono_signal,
};
