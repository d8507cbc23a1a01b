/* otauxctl-common: what every otauxctl command shares: the connection to
 * the agent, errors and exit codes, option parsing (options built from the
 * key tables of agent/otaux-keys.c), and values (times, booleans). */
#pragma once

#include <gio/gio.h>
#include <stdio.h>

#include "otaux-keys.h"

G_BEGIN_DECLS

#define AGENT_NAME  "org.otaux.Agent"
#define AGENT_PATH  "/org/otaux/Agent"
#define AGENT_IFACE "org.otaux.Agent1"
#define OFFER_IFACE "org.otaux.Offer1"
#define PROPS_IFACE "org.freedesktop.DBus.Properties"
#define DBUS_NAME   "org.freedesktop.DBus"

enum {
  EXIT_OK = 0,
  EXIT_REFUSED = 1,
  EXIT_USAGE = 2,
  EXIT_UNREACHABLE = 3,
  EXIT_TIMEOUT = 4,
};

/* One command: otauxctl NAME PARAMS; run() gets argv[0] = NAME. */
typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *params;
  const char *summary;
} OtauxctlCommand;

/* The command being run (main sets it): its name prefixes the messages,
 * its params and summary head its --help. */
extern const OtauxctlCommand *otauxctl_command;
const char *otauxctl_subcommand(void);

/* ---- errors and the bus: each returns an exit code ---------------------- */

/* "otauxctl CMD: MESSAGE\nTry ...": returns EXIT_USAGE. */
int otauxctl_usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Prints a failed call and returns the exit code for it. Frees @error. */
int otauxctl_report_error(const char *what, GError *error);
/* otauxctl --system: talk to the system instance on the system bus. */
extern gboolean otauxctl_system;
/* "session" or "system": the bus the agent is on. */
const char *otauxctl_bus_word(void);

/* Connects to the session bus (the system bus with --system) once
 * (EXIT_OK or EXIT_UNREACHABLE). */
int otauxctl_connect_bus(void);
/* The connection otauxctl_connect_bus() made, or NULL. */
GDBusConnection *otauxctl_bus(void);
/* Flushes and drops the connection (at exit). */
void otauxctl_disconnect(void);
/* A synchronous call to the agent. */
GVariant *otauxctl_call(const char *path, const char *iface, const char *method, GVariant *params,
                        const char *reply_type, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* OFFER is an object path or a package id (resolved with GetOffer). */
int otauxctl_resolve_offer(const char *arg, char **out_path);
/* The a{sv} of Properties.GetAll. */
GVariant *otauxctl_get_all(const char *path, const char *iface,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- options ------------------------------------------------------------ */

/* Parses a subcommand's options; returns -1 to go on, else the exit code.
 * On success argv keeps the positional arguments (argv[0] is the command). */
int otauxctl_parse_options(GOptionEntry *entries, const char *description, int *argc, char ***argv,
                           int min_args, int max_args);
/* One --KEY entry per row of @keys (the values land in @dict while they are
 * parsed), then room for @extra more entries and the end. g_free() it. */
GOptionEntry *otauxctl_key_entries(const OtauxKey *keys, gsize n_keys, gsize extra,
                                   GVariantDict *dict);
void otauxctl_set_short_option(GOptionEntry *entries, const char *long_name, char letter);
/* A KEY=VALUE or --KEY VALUE argument as the key's D-Bus type. */
GVariant *otauxctl_key_parse(const OtauxKey *k, const char *text,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- values ------------------------------------------------------------- */

gint64 otauxctl_now_unix(void);
gboolean otauxctl_parse_bool(const char *text, gboolean *out);
gboolean otauxctl_parse_u32(const char *text, guint32 *out);
/* UNIX seconds, "+N" seconds from now (suffix s, m, h or d), or an ISO 8601
 * time (local time when it names no zone). */
gboolean otauxctl_parse_time(const char *text, gint64 *out,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "T (YYYY-MM-DD HH:MM:SS +ZZZZ)", or "0". */
char *otauxctl_format_time(gint64 t);
/* A value on one line: plain strings bare unless they need quotes. */
char *otauxctl_format_value(GVariant *value);
const char *otauxctl_dict_str(GVariant *dict, const char *key, const char *fallback);
gint64 otauxctl_dict_x(GVariant *dict, const char *key);

G_END_DECLS
