/* logind: the shutdown inhibitor, and what "Install tonight" needs to know.
 *
 * No power-off mid-install: while an offer is installing, the agent holds
 * a logind "block" inhibitor for shutdown and sleep. logind keeps it while
 * the fd it passed back is open: closed at Finish and Withdraw, and by the
 * kernel when the agent dies. An offer whose updater restarts the device
 * to install (stage restarting, then finishing after the boot) holds none:
 * the agent must never block the restart it is told of. */
#include "otaux-sysbus-private.h"

#include <string.h>
#include <unistd.h>

#define LOGIN_PATH    "/org/freedesktop/login1"
#define LOGIN_IFACE   "org.freedesktop.login1.Manager"
#define SESSION_IFACE "org.freedesktop.login1.Session"
#define SEAT_IFACE    "org.freedesktop.login1.Seat"
#define SEAT0_PATH    LOGIN_PATH "/seat/seat0"
#define OWN_WHO       "otaux" /* who our own inhibitor says it is */

static gboolean holds_off_shutdown(const OtauxOffer *offer)
{
  /* a system offer's inhibitor is the system instance's */
  return offer->phase == OTAUX_PHASE_INSTALLING && offer->stage == OTAUX_STAGE_NONE &&
         !otaux_agent_is_remote(offer->serial);
}

/* Any offer installing (and not restarting): the inhibitor is held then. */
static gboolean installing(OtauxSysbus *sb)
{
  g_autoptr(GPtrArray) offers = otaux_agent_list(sb->agent);

  for (guint i = 0; i < offers->len; i++)
    if (holds_off_shutdown(g_ptr_array_index(offers, i)))
      return TRUE;
  return FALSE;
}

static void drop(OtauxSysbus *sb)
{
  if (sb->inhibit_fd < 0)
    return;
  g_debug("releasing the shutdown inhibitor");
  close(sb->inhibit_fd);
  sb->inhibit_fd = -1;
  otaux_sysbus_changed(sb);
}

static void on_inhibit(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  int fd = -1;

  sb->inhibit_pending = FALSE;
  if (reply == NULL ||
      !dbus_message_get_args(reply, NULL, DBUS_TYPE_UNIX_FD, &fd, DBUS_TYPE_INVALID))
    return;
  if (sb->inhibit_fd >= 0 || !installing(sb)) {
    close(fd); /* finished meanwhile, or one is held already */
    return;
  }
  g_debug("holding the shutdown inhibitor (fd %d)", fd);
  sb->inhibit_fd = fd;
  otaux_sysbus_changed(sb);
}

/* Why, for `systemd-inhibit --list` and the desktop's power menu. */
static char *why(OtauxSysbus *sb)
{
  g_autoptr(GPtrArray) offers = otaux_agent_list(sb->agent);

  for (guint i = 0; i < offers->len; i++) {
    const OtauxOffer *offer = g_ptr_array_index(offers, i);

    if (!holds_off_shutdown(offer))
      continue;
    if (offer->spec.name[0] != '\0' && offer->spec.version[0] != '\0')
      return g_strdup_printf("Installing %s %s", offer->spec.name, offer->spec.version);
    return g_strdup_printf("Installing %s",
                           offer->spec.name[0] != '\0' ? offer->spec.name : offer->spec.id);
  }
  return g_strdup("Installing a firmware update");
}

static void take(OtauxSysbus *sb)
{
  DBusMessage *msg;
  const char *what = "shutdown:sleep", *who = OWN_WHO, *mode = "block";
  g_autofree char *reason = NULL;
  const char *r;

  if (sb->inhibit_fd >= 0 || sb->inhibit_pending || sb->owner[OTAUX_SYS_LOGIND] == NULL)
    return;
  msg = dbus_message_new_method_call(otaux_sys_logind.name, LOGIN_PATH, LOGIN_IFACE, "Inhibit");
  if (msg == NULL)
    return;
  r = reason = why(sb);
  dbus_message_append_args(msg, DBUS_TYPE_STRING, &what, DBUS_TYPE_STRING, &who, DBUS_TYPE_STRING,
                           &r, DBUS_TYPE_STRING, &mode, DBUS_TYPE_INVALID);
  sb->inhibit_pending = TRUE;
  otaux_sysbus_call(sb, OTAUX_SYS_LOGIND, msg, on_inhibit, NULL, NULL);
}

static gboolean on_check(gpointer data)
{
  OtauxSysbus *sb = data;

  sb->inhibit_check_id = 0;
  if (installing(sb))
    take(sb);
  else
    drop(sb);
  return G_SOURCE_REMOVE;
}

static void check_soon(OtauxSysbus *sb)
{
  /* A restart announced: let it go at once, before the updater's reply. */
  if (sb->inhibit_fd >= 0 && !installing(sb)) {
    drop(sb);
    return;
  }
  /* Offers change inside the agent's own calls: act after they return. */
  if (sb->inhibit_check_id == 0)
    sb->inhibit_check_id = g_idle_add(on_check, sb);
}

/* ---- "Install tonight": the person's session and others' inhibitors ---- */

static void session_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  if (g_str_equal(key, "IdleHint"))
    (void)otaux_sysbus_read_bool(value, &sb->session_idle);
  else if (g_str_equal(key, "LockedHint"))
    (void)otaux_sysbus_read_bool(value, &sb->session_locked);
}

static void on_session_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  /* The session changed meanwhile: this answer is of another one. */
  if (reply == NULL || g_strcmp0(sb->session_path, data) != 0 ||
      !dbus_message_iter_init(reply, &iter))
    return;
  otaux_sysbus_props_foreach(sb, &iter, session_prop, NULL);
  sb->session_known = TRUE;
  otaux_sysbus_changed(sb);
}

static void set_session(OtauxSysbus *sb, const char *path)
{
  if (path != NULL && (path[0] == '\0' || g_str_equal(path, "/")))
    path = NULL; /* no active session */
  if (g_strcmp0(sb->session_path, path) == 0)
    return;
  g_free(sb->session_path);
  sb->session_path = g_strdup(path);
  sb->session_known = sb->session_idle = sb->session_locked = FALSE;
  otaux_sysbus_changed(sb);
  if (path != NULL)
    otaux_sysbus_get_all(sb, OTAUX_SYS_LOGIND, path, SESSION_IFACE, on_session_props,
                         g_strdup(path), g_free);
}

static void on_get_session(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  const char *path = NULL;

  if (reply != NULL &&
      dbus_message_get_args(reply, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID))
    set_session(sb, path);
}

/* The seat's ActiveSession (so): the person's session where the agent
 * does not know its own (the system instance). */
static void seat_prop(OtauxSysbus *sb, const char *key, DBusMessageIter *value, gpointer data)
{
  DBusMessageIter st;
  const char *path = NULL;

  if (!g_str_equal(key, "ActiveSession") ||
      dbus_message_iter_get_arg_type(value) != DBUS_TYPE_STRUCT)
    return;
  dbus_message_iter_recurse(value, &st);
  if (!dbus_message_iter_next(&st) || dbus_message_iter_get_arg_type(&st) != DBUS_TYPE_OBJECT_PATH)
    return;
  dbus_message_iter_get_basic(&st, &path);
  set_session(sb, path);
}

static void on_seat_props(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter;

  if (reply != NULL && dbus_message_iter_init(reply, &iter))
    otaux_sysbus_props_foreach(sb, &iter, seat_prop, NULL);
}

static void find_session(OtauxSysbus *sb)
{
  const char *id = g_getenv("XDG_SESSION_ID");
  DBusMessage *msg;

  /* The agent's own session (the session instance runs inside it). */
  if (id != NULL && id[0] != '\0') {
    msg =
        dbus_message_new_method_call(otaux_sys_logind.name, LOGIN_PATH, LOGIN_IFACE, "GetSession");
    if (msg != NULL)
      dbus_message_append_args(msg, DBUS_TYPE_STRING, &id, DBUS_TYPE_INVALID);
    otaux_sysbus_call(sb, OTAUX_SYS_LOGIND, msg, on_get_session, NULL, NULL);
    return;
  }
  otaux_sysbus_get_all(sb, OTAUX_SYS_LOGIND, SEAT0_PATH, SEAT_IFACE, on_seat_props, NULL, NULL);
}

/* a(ssssuu): what, who, why, mode, uid, pid */
static void on_inhibitors(OtauxSysbus *sb, DBusMessage *reply, gpointer data)
{
  DBusMessageIter iter, array;
  gboolean block = FALSE;

  if (reply == NULL || !dbus_message_iter_init(reply, &iter) ||
      dbus_message_iter_get_arg_type(&iter) != DBUS_TYPE_ARRAY)
    return;
  dbus_message_iter_recurse(&iter, &array);
  while (dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_STRUCT) {
    DBusMessageIter st;
    const char *field[4] = { NULL, NULL, NULL, NULL };

    dbus_message_iter_recurse(&array, &st);
    for (guint i = 0; i < 4 && dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_STRING; i++) {
      dbus_message_iter_get_basic(&st, &field[i]);
      dbus_message_iter_next(&st);
    }
    /* Our own inhibitor (another offer installing) is not another program's. */
    if (field[3] != NULL && g_str_equal(field[3], "block") && strstr(field[0], "shutdown") &&
        !g_str_equal(field[1], OWN_WHO))
      block = TRUE;
    dbus_message_iter_next(&array);
  }
  sb->inhibitors_known = TRUE;
  sb->others_block = block;
  otaux_sysbus_changed(sb);
}

static void list_inhibitors(OtauxSysbus *sb)
{
  otaux_sysbus_call(sb, OTAUX_SYS_LOGIND,
                    dbus_message_new_method_call(otaux_sys_logind.name, LOGIN_PATH, LOGIN_IFACE,
                                                 "ListInhibitors"),
                    on_inhibitors, NULL, NULL);
}

void otaux_sysbus_logind_clear(OtauxSysbus *sb)
{
  g_clear_pointer(&sb->session_path, g_free);
  sb->session_known = sb->session_idle = sb->session_locked = FALSE;
  sb->inhibitors_known = sb->others_block = FALSE;
}

static void logind_appeared(OtauxSysbus *sb)
{
  check_soon(sb);
  find_session(sb);
  list_inhibitors(sb);
  otaux_sysbus_follow_logind_appeared(sb);
}

static void logind_vanished(OtauxSysbus *sb)
{
  /* A new logind knows nothing of the old inhibitor: take one anew. */
  sb->inhibit_pending = FALSE;
  drop(sb);
  otaux_sysbus_logind_clear(sb);
  otaux_sysbus_follow_logind_vanished(sb);
}

/* NULL: the agent's offers changed (see otaux-sysbus.c). */
static void logind_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  DBusMessageIter iter;
  const char *path;

  if (msg == NULL) {
    check_soon(sb);
    return;
  }
  path = dbus_message_get_path(msg);
  if (sb->session_path != NULL && g_strcmp0(path, sb->session_path) == 0 &&
      otaux_sysbus_is_props_changed(msg, SESSION_IFACE, &iter)) {
    DBusMessageIter invalidated = iter;

    otaux_sysbus_props_foreach(sb, &iter, session_prop, NULL);
    otaux_sysbus_changed(sb);
    /* a hint announced without its value: read the session again */
    if (dbus_message_iter_next(&invalidated) &&
        dbus_message_iter_get_arg_type(&invalidated) == DBUS_TYPE_ARRAY &&
        dbus_message_iter_get_element_count(&invalidated) > 0)
      otaux_sysbus_get_all(sb, OTAUX_SYS_LOGIND, sb->session_path, SESSION_IFACE, on_session_props,
                           g_strdup(sb->session_path), g_free);
  } else if (g_strcmp0(path, LOGIN_PATH) == 0 &&
             otaux_sysbus_is_props_changed(msg, LOGIN_IFACE, &iter)) {
    /* BlockInhibited changed (as a value, or only invalidated): who blocks
     * now? It names the kinds only; ListInhibitors names who. */
    list_inhibitors(sb);
  } else if (g_strcmp0(path, SEAT0_PATH) == 0 && g_getenv("XDG_SESSION_ID") == NULL &&
             otaux_sysbus_is_props_changed(msg, SEAT_IFACE, &iter)) {
    otaux_sysbus_props_foreach(sb, &iter, seat_prop, NULL);
  }
  /* and, for the system instance's offers, this session's Active */
  otaux_sysbus_follow_logind_signal(sb, msg);
}

#define PROPS_CHANGE "interface='" DBUS_INTERFACE_PROPERTIES "',member='PropertiesChanged',"

static const char *const logind_matches[] = {
  PROPS_CHANGE "path_namespace='" LOGIN_PATH "'",
  NULL,
};

const OtauxSysService otaux_sys_logind = {
  .name = "org.freedesktop.login1",
  .matches = logind_matches,
  .appeared = logind_appeared,
  .vanished = logind_vanished,
  .signal = logind_signal,
};
