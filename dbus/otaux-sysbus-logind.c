/* No power-off mid-install: while an offer is installing, the agent holds
 * a logind "block" inhibitor for shutdown and sleep. logind keeps it while
 * the fd it passed back is open: closed at Finish and Withdraw, and by the
 * kernel when the agent dies. An offer whose updater restarts the device
 * to install (stage restarting, then finishing after the boot) holds none:
 * the agent must never block the restart it is told of. */
#include "otaux-sysbus-private.h"

#include <unistd.h>

#define LOGIN_PATH  "/org/freedesktop/login1"
#define LOGIN_IFACE "org.freedesktop.login1.Manager"

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
  const char *what = "shutdown:sleep", *who = "otaux", *mode = "block";
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

static void logind_appeared(OtauxSysbus *sb)
{
  check_soon(sb);
  otaux_sysbus_follow_logind_appeared(sb);
}

static void logind_vanished(OtauxSysbus *sb)
{
  /* A new logind knows nothing of the old inhibitor: take one anew. */
  sb->inhibit_pending = FALSE;
  drop(sb);
  otaux_sysbus_follow_logind_vanished(sb);
}

/* NULL: the agent's offers changed (see otaux-sysbus.c). */
static void logind_signal(OtauxSysbus *sb, DBusMessage *msg)
{
  if (msg == NULL)
    check_soon(sb);
  else
    otaux_sysbus_follow_logind_signal(sb, msg);
}

static const char *const logind_matches[] = {
  /* the Active of this agent's own session (otaux-sysbus-follow.c) */
  "interface='" DBUS_INTERFACE_PROPERTIES "',member='PropertiesChanged',"
  "arg0='org.freedesktop.login1.Session'",
  /* seat0's ActiveSession, for the system instance */
  "interface='" DBUS_INTERFACE_PROPERTIES "',member='PropertiesChanged',"
  "arg0='org.freedesktop.login1.Seat'",
  NULL,
};

const OtauxSysService otaux_sys_logind = {
  .name = "org.freedesktop.login1",
  .matches = logind_matches,
  .appeared = logind_appeared,
  .vanished = logind_vanished,
  .signal = logind_signal,
};
