/* Inside the system-bus adapter: the connection, the service table and
 * the helpers the per-service files share. */
#pragma once

#include <dbus/dbus.h>

#include "otaux-dbus-names.h"
#include "otaux-sysbus.h"

G_BEGIN_DECLS

typedef enum {
  OTAUX_SYS_MODEMMANAGER = 0,
  OTAUX_SYS_OFONO,
  OTAUX_SYS_NETWORKMANAGER,
  OTAUX_SYS_UPOWER,
  OTAUX_SYS_LOGIND,
  OTAUX_SYS_OTAUX, /* the system instance, followed by the session agent */
  OTAUX_SYS_N,
} OtauxSysId;

/* One system service: its bus name, the signals it is followed by, and
 * what to do when it appears (ask for its state), vanishes (forget it) or
 * signals (messages from its current owner only). */
typedef struct {
  const char *name;
  const char *const *matches; /* match rules without the sender, NULL-terminated */
  void (*appeared)(OtauxSysbus *sb);
  void (*vanished)(OtauxSysbus *sb);
  void (*signal)(OtauxSysbus *sb, DBusMessage *msg);
} OtauxSysService;

extern const OtauxSysService otaux_sys_modemmanager;
extern const OtauxSysService otaux_sys_ofono;
extern const OtauxSysService otaux_sys_networkmanager;
extern const OtauxSysService otaux_sys_upower;
extern const OtauxSysService otaux_sys_logind;
extern const OtauxSysService otaux_sys_otaux;

struct _OtauxSysbus {
  OtauxAgent *agent;
  DBusConnection *connection;
  guint timeout_ms;
  guint listener;
  char *owner[OTAUX_SYS_N];      /* unique name; NULL while absent */
  guint generation[OTAUX_SYS_N]; /* moves on with every owner change */
  GPtrArray *pending;            /* DBusPendingCall*, cancelled at free */
  const char *reply_error;       /* in a reply callback given NULL: the error's message, or NULL */
  OtauxDBusNames *names;         /* follows the services' names */
  guint update_id;               /* idle: facts to the agent */

  /* ModemManager: modem path -> Modem3gpp RegistrationState + 1 */
  GHashTable *mm_modems;
  /* oFono: modem path -> 1 + (NetworkRegistration Status is "roaming") */
  GHashTable *ofono_modems;
  /* NetworkManager */
  gboolean nm_known;
  guint32 nm_metered;
  gboolean nm_cellular;
  /* UPower */
  gboolean up_known;
  gboolean up_on_battery;
  gboolean up_display_known;
  gboolean up_present;
  guint32 up_type;
  guint32 up_state;
  double up_percent;
  /* logind */
  int inhibit_fd;           /* -1: none held */
  gboolean inhibit_pending; /* an Inhibit call is in flight */
  guint inhibit_check_id;   /* idle: take or drop it */
  /* logind, for "Install tonight": the person's session and the others'
   * inhibitors */
  char *session_path;        /* NULL: not known (yet) */
  gboolean session_known;    /* its hints were read */
  gboolean session_idle;     /* IdleHint */
  gboolean session_locked;   /* LockedHint */
  gboolean inhibitors_known; /* ListInhibitors answered */
  gboolean others_block;     /* a "block" shutdown inhibitor not of otaux */
  /* otaux-sysbus-follow.c: the system instance's offers (session agent) */
  gboolean follow;           /* follow org.otaux.Agent on the system bus */
  char *follow_session_path; /* this agent's logind session; NULL: none known */
  gboolean session_inactive; /* logind says it is not the active one */
  gboolean session_pending;  /* logind has not said yet */
  gboolean track_seat;       /* the system instance: is anybody on seat0? */
};

/* otaux-sysbus-logind.c: the session and inhibitors (otaux-sysbus.c's
 * collect() reads the fields above); forgets them at free. */
void otaux_sysbus_logind_clear(OtauxSysbus *sb);

/* otaux-sysbus-follow.c: start and stop following; logind's part (which
 * session is ours, and whether it is active) */
void otaux_sysbus_follow_start(OtauxSysbus *sb);
void otaux_sysbus_follow_stop(OtauxSysbus *sb);
void otaux_sysbus_follow_logind_appeared(OtauxSysbus *sb);
void otaux_sysbus_follow_logind_vanished(OtauxSysbus *sb);
void otaux_sysbus_follow_logind_signal(OtauxSysbus *sb, DBusMessage *msg);

/* @reply is the reply, or NULL when the call failed, timed out, or the
 * service changed owner meanwhile (the answer is stale then). */
typedef void (*OtauxSysReplyFunc)(OtauxSysbus *sb, DBusMessage *reply, gpointer data);

/* Sends @msg (transfer full) to the current owner of service @id, with the
 * time-out; @data is freed with @free after @func ran (or the call was
 * dropped). Does nothing but free when the service is absent. */
void otaux_sysbus_call(OtauxSysbus *sb, OtauxSysId id, DBusMessage *msg, OtauxSysReplyFunc func,
                       gpointer data, GDestroyNotify free);
/* Properties.GetAll(@iface) on @path of service @id. */
void otaux_sysbus_get_all(OtauxSysbus *sb, OtauxSysId id, const char *path, const char *iface,
                          OtauxSysReplyFunc func, gpointer data, GDestroyNotify free);
/* The facts changed: tell the agent (from an idle, never inside a call
 * into the agent). */
void otaux_sysbus_changed(OtauxSysbus *sb);

/* Walks an a{sv} at @iter: @func gets each key and the variant's content. */
typedef void (*OtauxSysPropFunc)(OtauxSysbus *sb, const char *key, DBusMessageIter *value,
                                 gpointer data);
void otaux_sysbus_props_foreach(OtauxSysbus *sb, DBusMessageIter *iter, OtauxSysPropFunc func,
                                gpointer data);
/* Typed reads of a variant's content; FALSE on another type. */
gboolean otaux_sysbus_read_u32(DBusMessageIter *value, guint32 *out);
gboolean otaux_sysbus_read_bool(DBusMessageIter *value, gboolean *out);
gboolean otaux_sysbus_read_double(DBusMessageIter *value, double *out);
gboolean otaux_sysbus_read_string(DBusMessageIter *value, const char **out);
/* Parses a PropertiesChanged(s iface, a{sv} changed, as invalidated) for
 * @iface; returns FALSE for other signals. @iter is left at the a{sv}. */
gboolean otaux_sysbus_is_props_changed(DBusMessage *msg, const char *iface, DBusMessageIter *iter);

G_END_DECLS
