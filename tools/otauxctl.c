/* otauxctl: the command-line tool for integrators and operators.
 *
 * A plain client of the public D-Bus API (org.otaux.Agent1 and
 * org.otaux.Offer1, see docs/dbus-api.md), written with GDBus so that it
 * shows the API works from outside the agent.
 *
 * Exit codes: 0 ok, 1 the agent refused (the D-Bus error is printed),
 * 2 usage error, 3 cannot reach the bus or the agent, 4 timed out. */
#include "config.h"
#include "otaux-keys.h"
#include "otauxctl-policy.h"
#include "otauxctl-preview.h"
#include "otauxctl-strings.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

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

static GDBusConnection *bus;
static const char *subcommand = "otauxctl";

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *params;
  const char *summary;
} Command;

static const Command *current_cmd;

/* ---- errors ------------------------------------------------------------ */

static int usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_printerr("%s: %s\nTry '%s --help'.\n", subcommand, msg, subcommand);
  return EXIT_USAGE;
}

static gboolean error_is_unreachable(const GError *error, const char *name)
{
  static const char *const names[] = {
    "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoReply",        "org.freedesktop.DBus.Error.Disconnected",
    "org.freedesktop.DBus.Error.NoServer",       "org.freedesktop.DBus.Error.TimedOut",
    "org.freedesktop.DBus.Error.Timeout",        "org.freedesktop.DBus.Error.NoNetwork",
  };
  if (name != NULL) {
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
      if (g_str_equal(name, names[i]))
        return TRUE;
    return g_str_has_prefix(name, "org.freedesktop.DBus.Error.Spawn.");
  }
  return error->domain == G_IO_ERROR || error->domain == G_DBUS_ERROR;
}

/* Prints a failed call and returns the exit code for it. Frees @error. */
static int report_error(const char *what, GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error(error);
  int code = error_is_unreachable(error, name) ? EXIT_UNREACHABLE : EXIT_REFUSED;
  g_dbus_error_strip_remote_error(error);
  if (code == EXIT_UNREACHABLE)
    g_printerr("%s: %s: cannot reach the agent %s on the session bus: %s%s%s\n", subcommand, what,
               AGENT_NAME, name ? name : "", name ? ": " : "", error->message);
  else
    g_printerr("%s: %s: %s: %s\n", subcommand, what, name ? name : "error", error->message);
  g_error_free(error);
  return code;
}

static int connect_bus(void)
{
  GError *error = NULL;
  bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL) {
    g_printerr("%s: cannot connect to the session bus: %s\n", subcommand, error->message);
    g_error_free(error);
    return EXIT_UNREACHABLE;
  }
  return EXIT_OK;
}

static GVariant *call(const char *path, const char *iface, const char *method, GVariant *params,
                      const char *reply_type, GError **error)
{
  return g_dbus_connection_call_sync(bus, AGENT_NAME, path, iface, method, params,
                                     reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
                                     G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
}

/* ---- values ------------------------------------------------------------ */

static gint64 now_unix(void)
{
  return g_get_real_time() / G_USEC_PER_SEC;
}

static gboolean parse_bool(const char *text, gboolean *out)
{
  static const char *const yes[] = { "true", "yes", "on", "1" };
  static const char *const no[] = { "false", "no", "off", "0" };
  for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (g_ascii_strcasecmp(text, yes[i]) == 0)
      return *out = TRUE, TRUE;
    if (g_ascii_strcasecmp(text, no[i]) == 0)
      return *out = FALSE, TRUE;
  }
  return FALSE;
}

/* UNIX seconds, "+N" seconds from now (suffix s, m, h or d), or an ISO 8601
 * time (local time when it names no zone). */
static gboolean parse_time(const char *text, gint64 *out, GError **error)
{
  if (text[0] == '+') {
    char *end = NULL;
    guint64 n = 0;
    if (g_ascii_isdigit(text[1])) {
      errno = 0;
      n = g_ascii_strtoull(text + 1, &end, 10);
    }
    guint64 unit = 1;
    if (end != NULL && *end != '\0' && end[1] == '\0') {
      switch (*end) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        default:
          end = NULL;
          break;
      }
      if (end != NULL)
        end++;
    }
    if (end == NULL || *end != '\0' || errno != 0 || n > G_MAXINT32) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "'%s' is not a time: expected +SECONDS (or +Nm, +Nh, +Nd)", text);
      return FALSE;
    }
    *out = now_unix() + (gint64)(n * unit);
    return TRUE;
  }
  if (g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, out, NULL))
    return TRUE;
  g_autoptr(GTimeZone) local = g_time_zone_new_local();
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(text, local);
  if (dt == NULL) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "'%s' is not a time: expected UNIX seconds, +SECONDS or ISO 8601", text);
    return FALSE;
  }
  *out = g_date_time_to_unix(dt);
  return TRUE;
}

static char *format_time(gint64 t)
{
  if (t == 0)
    return g_strdup("0");
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
  g_autofree char *iso = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S %z") : NULL;
  return iso ? g_strdup_printf("%" G_GINT64_FORMAT " (%s)", t, iso)
             : g_strdup_printf("%" G_GINT64_FORMAT, t);
}

/* A value on one line: plain strings bare unless they need quotes. */
static char *format_value(GVariant *value)
{
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_VARIANT)) {
    g_autoptr(GVariant) inner = g_variant_get_variant(value);
    return format_value(inner);
  }
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING) ||
      g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH)) {
    const char *s = g_variant_get_string(value, NULL);
    gboolean plain = s[0] != '\0';
    for (const char *p = s; *p != '\0' && plain; p++)
      if ((guchar)*p <= ' ' || *p == '\'' || *p == '"' || *p == '\\' || *p == '=' || *p == 0x7f)
        plain = FALSE;
    if (plain)
      return g_strdup(s);
  }
  return g_variant_print(value, FALSE);
}

/* ---- the Offer keys ---------------------------------------------------- */

static GVariant *offer_key_parse(const OtauxKey *k, const char *text, GError **error)
{
  guint64 u = 0;
  gint64 x = 0;
  gboolean b = FALSE;
  switch (k->kind) {
    case OTAUX_KEY_STRING:
    case OTAUX_KEY_PRIORITY: /* the agent names the priorities it knows */
      if (!g_utf8_validate(text, -1, NULL))
        break;
      return g_variant_new_string(text);
    case OTAUX_KEY_BOOLEAN:
      if (text == NULL)
        return g_variant_new_boolean(TRUE);
      if (parse_bool(text, &b))
        return g_variant_new_boolean(b);
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "%s: '%s' is not a boolean (true or false)", k->name, text);
      return NULL;
    case OTAUX_KEY_UINT32:
    case OTAUX_KEY_UINT64: {
      gboolean is32 = k->kind == OTAUX_KEY_UINT32;
      if (g_ascii_string_to_unsigned(text, 10, 0, is32 ? G_MAXUINT32 : G_MAXUINT64, &u, NULL))
        return is32 ? g_variant_new_uint32((guint32)u) : g_variant_new_uint64(u);
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "%s: '%s' is not an unsigned %d-bit number", k->name, text, is32 ? 32 : 64);
      return NULL;
    }
    case OTAUX_KEY_TIME:
      if (parse_time(text, &x, error))
        return g_variant_new_int64(x);
      g_prefix_error(error, "%s: ", k->name);
      return NULL;
  }
  g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: invalid value", k->name);
  return NULL;
}

/* Options built from a key table of agent/otaux-keys.c (the table the agent
 * validates with): --KEY VALUE, parsed by the key's kind into key_dict. */
static GVariantDict *key_dict;
static const OtauxKey *key_table;
static const GOptionEntry *key_options;
static gsize key_table_n;

static gboolean key_option_cb(const char *option_name, const char *value, gpointer data,
                              GError **error)
{
  const char *name = option_name + 2; /* "--name" */
  if (option_name[1] != '-')          /* "-x": the long name of that letter */
    for (gsize i = 0; i < key_table_n; i++)
      if (key_options[i].short_name == option_name[1])
        name = key_options[i].long_name;
  const OtauxKey *k = otaux_keys_lookup(key_table, key_table_n, name);
  g_assert(k != NULL);
  GVariant *v = offer_key_parse(k, value, error);
  if (v == NULL)
    return FALSE;
  g_variant_dict_insert_value(key_dict, k->name, v);
  return TRUE;
}

/* One entry per row of @keys, then room for @extra more and the end. The
 * values land in @dict while the entries are parsed. */
static GOptionEntry *key_entries(const OtauxKey *keys, gsize n_keys, gsize extra,
                                 GVariantDict *dict)
{
  GOptionEntry *entries = g_new0(GOptionEntry, n_keys + extra + 1);
  for (gsize i = 0; i < n_keys; i++) {
    entries[i].long_name = keys[i].name;
    entries[i].flags = keys[i].kind == OTAUX_KEY_BOOLEAN ? G_OPTION_FLAG_NO_ARG : 0;
    entries[i].arg = G_OPTION_ARG_CALLBACK;
    entries[i].arg_data = (gpointer)key_option_cb;
    entries[i].description = keys[i].help;
    entries[i].arg_description = keys[i].arg;
  }
  key_table = keys;
  key_table_n = n_keys;
  key_options = entries;
  key_dict = dict;
  return entries;
}

static void set_short_option(GOptionEntry *entries, const char *long_name, char letter)
{
  for (GOptionEntry *e = entries; e->long_name != NULL; e++)
    if (g_str_equal(e->long_name, long_name))
      e->short_name = letter;
}

/* ---- option parsing ------------------------------------------------------ */

/* Parses a subcommand's options; returns -1 to go on, else the exit code.
 * On success argv keeps the positional arguments (argv[0] is the command). */
static int parse_options(GOptionEntry *entries, const char *description, int *argc, char ***argv,
                         int min_args, int max_args)
{
  const Command *cmd = current_cmd;
  gboolean help = FALSE;
  GOptionEntry help_entry[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(cmd->params);
  g_option_context_set_summary(ctx, cmd->summary);
  if (description != NULL)
    g_option_context_set_description(ctx, description);
  g_option_context_set_help_enabled(ctx, FALSE);
  g_option_context_add_main_entries(ctx, help_entry, NULL);
  if (entries != NULL)
    g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &error)) {
    int code = usage_error("%s", error->message);
    g_error_free(error);
    return code;
  }
  if (help) {
    g_autofree char *text = g_option_context_get_help(ctx, TRUE, NULL);
    g_print("%s", text);
    return EXIT_OK;
  }
  int n = *argc - 1;
  if (n < min_args)
    return usage_error("missing argument (expected %s)", cmd->params);
  if (max_args >= 0 && n > max_args)
    return usage_error("unexpected argument '%s'", (*argv)[max_args + 1]);
  return -1;
}

static gboolean parse_u32(const char *text, guint32 *out)
{
  guint64 v = 0;
  if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (guint32)v;
  return TRUE;
}

/* OFFER is an object path or a package id (resolved with GetOffer). */
static int resolve_offer(const char *arg, char **out_path)
{
  if (arg[0] == '/') {
    if (!g_variant_is_object_path(arg))
      return usage_error("'%s' is not a D-Bus object path", arg);
    *out_path = g_strdup(arg);
    return EXIT_OK;
  }
  GError *error = NULL;
  g_autoptr(GVariant) reply =
      call(AGENT_PATH, AGENT_IFACE, "GetOffer", g_variant_new("(s)", arg), "(o)", &error);
  if (reply == NULL)
    return report_error("GetOffer", error);
  g_variant_get(reply, "(o)", out_path);
  return EXIT_OK;
}

static GVariant *get_all(const char *path, const char *iface, GError **error)
{
  GVariant *reply =
      call(path, PROPS_IFACE, "GetAll", g_variant_new("(s)", iface), "(a{sv})", error);
  if (reply == NULL)
    return NULL;
  GVariant *props = g_variant_get_child_value(reply, 0);
  g_variant_unref(reply);
  return props;
}

static const char *dict_str(GVariant *dict, const char *key, const char *fallback)
{
  const char *s = NULL;
  if (dict != NULL && g_variant_lookup(dict, key, "&s", &s))
    return s;
  return fallback;
}

static gint64 dict_x(GVariant *dict, const char *key)
{
  gint64 x = 0;
  if (dict != NULL)
    g_variant_lookup(dict, key, "x", &x);
  return x;
}

/* ---- waiting for a decision -------------------------------------------- */

typedef struct {
  GMainLoop *loop;
  char *path;
  const char *until; /* wait until Decision is this */
  gboolean next;     /* ignore the decision there is now */
  gboolean verbose;
  gboolean checked;
  char *seen; /* decision/reason/reboot-at at the first check, for --next */
  int exit_code;
  gboolean done;
  guint timeout_s;
} Waiter;

static void waiter_done(Waiter *w, int code)
{
  if (w->done)
    return;
  w->done = TRUE;
  w->exit_code = code;
  g_main_loop_quit(w->loop);
}

static void print_decision(Waiter *w, const char *decision, const char *reason, gint64 reboot_at)
{
  if (g_str_equal(decision, "delay-reboot"))
    g_print("%s %" G_GINT64_FORMAT, decision, reboot_at);
  else
    g_print("%s", decision);
  if (w->verbose)
    g_print(" reason=%s", reason[0] ? reason : "none");
  g_print("\n");
  fflush(stdout);
  waiter_done(w, EXIT_OK);
}

static void on_decided(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                       const char *signal, GVariant *params, gpointer data)
{
  Waiter *w = data;
  if (w->done || w->path == NULL || !g_str_equal(path, w->path) ||
      !g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv})")))
    return;
  const char *decision = NULL;
  g_autoptr(GVariant) details = NULL;
  g_variant_get(params, "(&s@a{sv})", &decision, &details);
  if (w->until != NULL && !g_str_equal(decision, w->until))
    return;
  print_decision(w, decision, dict_str(details, "reason", ""), dict_x(details, "reboot-at"));
}

static void on_offer_removed(GDBusConnection *c, const char *sender, const char *path,
                             const char *iface, const char *signal, GVariant *params, gpointer data)
{
  Waiter *w = data;
  const char *removed = NULL;
  if (w->done || w->path == NULL || !g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
    return;
  g_variant_get(params, "(&o)", &removed);
  if (!g_str_equal(removed, w->path))
    return;
  g_printerr("%s: the offer %s was withdrawn before a decision\n", subcommand, w->path);
  waiter_done(w, EXIT_REFUSED);
}

static void on_props(GObject *source, GAsyncResult *res, gpointer data)
{
  Waiter *w = data;
  GError *error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  if (w->done) {
    g_clear_error(&error);
    return;
  }
  if (reply == NULL) {
    waiter_done(w, report_error("reading the offer", error));
    return;
  }
  g_autoptr(GVariant) props = g_variant_get_child_value(reply, 0);
  const char *decision = dict_str(props, "Decision", "none");
  const char *reason = dict_str(props, "DecisionReason", "");
  gint64 reboot_at = dict_x(props, "RebootAt");
  g_autofree char *key = g_strdup_printf("%s/%s/%" G_GINT64_FORMAT, decision, reason, reboot_at);
  gboolean first = !w->checked;
  w->checked = TRUE;
  if (w->until != NULL) {
    if (g_str_equal(decision, w->until))
      print_decision(w, decision, reason, reboot_at);
  } else if (w->next) {
    if (first)
      w->seen = g_steal_pointer(&key);
    else if (!g_str_equal(decision, "none") && !g_str_equal(key, w->seen))
      print_decision(w, decision, reason, reboot_at);
  } else if (!g_str_equal(decision, "none")) {
    print_decision(w, decision, reason, reboot_at);
  }
}

static void check_decision(Waiter *w)
{
  g_dbus_connection_call(bus, AGENT_NAME, w->path, PROPS_IFACE, "GetAll",
                         g_variant_new("(s)", OFFER_IFACE), G_VARIANT_TYPE("(a{sv})"),
                         G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_props, w);
}

/* The agent restarted while we waited: the decision may have been made
 * while it was away (an overdue delay), so read it again. */
static void on_owner_changed(GDBusConnection *c, const char *sender, const char *path,
                             const char *iface, const char *signal, GVariant *params, gpointer data)
{
  Waiter *w = data;
  const char *name = NULL, *old_owner = NULL, *new_owner = NULL;
  if (w->done || !g_variant_is_of_type(params, G_VARIANT_TYPE("(sss)")))
    return;
  g_variant_get(params, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (new_owner[0] == '\0') {
    g_printerr("%s: the agent left the bus; waiting for it to come back\n", subcommand);
  } else if (w->path != NULL) {
    check_decision(w);
  }
}

static gboolean on_wait_timeout(gpointer data)
{
  Waiter *w = data;
  g_printerr("%s: timed out after %u s waiting for the decision on %s\n", subcommand, w->timeout_s,
             w->path ? w->path : "the offer");
  waiter_done(w, EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

/* Subscribes first (before the caller sends anything that may decide). */
static void waiter_init(Waiter *w, guint subs[3])
{
  w->loop = g_main_loop_new(NULL, FALSE);
  subs[0] = g_dbus_connection_signal_subscribe(bus, AGENT_NAME, OFFER_IFACE, "Decided", NULL, NULL,
                                               G_DBUS_SIGNAL_FLAGS_NONE, on_decided, w, NULL);
  subs[1] =
      g_dbus_connection_signal_subscribe(bus, AGENT_NAME, AGENT_IFACE, "OfferRemoved", AGENT_PATH,
                                         NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_offer_removed, w, NULL);
  subs[2] = g_dbus_connection_signal_subscribe(bus, DBUS_NAME, DBUS_NAME, "NameOwnerChanged",
                                               "/org/freedesktop/DBus", AGENT_NAME,
                                               G_DBUS_SIGNAL_FLAGS_NONE, on_owner_changed, w, NULL);
}

static int waiter_cleanup(Waiter *w, guint subs[3]);

/* w->path is set: reads the decision there is now, then waits. */
static int waiter_run(Waiter *w, guint subs[3])
{
  guint timeout_id = 0;
  if (w->timeout_s > 0)
    timeout_id = g_timeout_add_seconds(w->timeout_s, on_wait_timeout, w);
  check_decision(w);
  g_main_loop_run(w->loop);
  if (timeout_id != 0 && w->exit_code != EXIT_TIMEOUT)
    g_source_remove(timeout_id);
  return waiter_cleanup(w, subs);
}

static int waiter_cleanup(Waiter *w, guint subs[3])
{
  for (int i = 0; i < 3; i++)
    g_dbus_connection_signal_unsubscribe(bus, subs[i]);
  /* let pending calls finish so nothing refers to @w afterwards */
  while (g_main_context_iteration(NULL, FALSE))
    ;
  g_main_loop_unref(w->loop);
  g_free(w->seen);
  return w->exit_code;
}

/* ---- offer ------------------------------------------------------------- */

static const char offer_description[] =
    "Keys may also be given as KEY=VALUE arguments, e.g.\n"
    "  otauxctl offer id=fw1 priority=high size=1000 roaming=true\n"
    "Booleans: true/false, yes/no, 1/0. Times: UNIX seconds, +SECONDS or ISO 8601.\n"
    "Prints the offer's object path; with --wait, then the decision:\n"
    "accept, cancel or delay-reboot UNIX-TIME.";

static int cmd_offer(int argc, char **argv)
{
  gboolean wait = FALSE, verbose = FALSE;
  gint timeout = 0;
  gsize nk = otaux_n_offer_keys;
  g_autoptr(GVariantDict) dict = g_variant_dict_new(NULL);
  g_autofree GOptionEntry *entries = key_entries(otaux_offer_keys, nk, 3, dict);
  entries[nk] = (GOptionEntry){
    "wait", 'w', 0, G_OPTION_ARG_NONE, &wait, "Wait for the decision and print it", NULL
  };
  entries[nk + 1] =
      (GOptionEntry){ "timeout",        't',      0,
                      G_OPTION_ARG_INT, &timeout, "With --wait: give up after SECONDS (exit 4)",
                      "SECONDS" };
  entries[nk + 2] = (GOptionEntry){
    "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "With --wait: also print the reason", NULL
  };

  int rc = parse_options(entries, offer_description, &argc, &argv, 0, -1);
  if (rc >= 0)
    return rc;
  if (timeout < 0)
    return usage_error("--timeout must not be negative");
  for (int i = 1; i < argc; i++) {
    const char *eq = strchr(argv[i], '=');
    if (eq == NULL)
      return usage_error("'%s' is not KEY=VALUE", argv[i]);
    g_autofree char *key = g_strndup(argv[i], (gsize)(eq - argv[i]));
    const OtauxKey *k = otaux_keys_lookup(otaux_offer_keys, nk, key);
    if (k == NULL) {
      g_autoptr(GString) known = g_string_new(NULL);
      for (gsize j = 0; j < nk; j++)
        g_string_append_printf(known, "%s%s", j ? ", " : "", otaux_offer_keys[j].name);
      return usage_error("unknown offer key '%s' (known keys: %s)", key, known->str);
    }
    GError *error = NULL;
    GVariant *v = offer_key_parse(k, eq + 1, &error);
    if (v == NULL) {
      rc = usage_error("%s", error->message);
      g_error_free(error);
      return rc;
    }
    g_variant_dict_insert_value(dict, k->name, v);
  }
  if (!g_variant_dict_contains(dict, "id"))
    return usage_error("the package id is required (--id ID or id=ID)");

  if ((rc = connect_bus()) != EXIT_OK)
    return rc;
  Waiter w = { .until = NULL, .verbose = verbose, .timeout_s = (guint)timeout };
  guint subs[3] = { 0, 0, 0 };
  if (wait)
    waiter_init(&w, subs);
  GError *error = NULL;
  g_autoptr(GVariant) reply =
      call(AGENT_PATH, AGENT_IFACE, "Offer", g_variant_new("(@a{sv})", g_variant_dict_end(dict)),
           "(o)", &error);
  if (reply == NULL) {
    rc = report_error("Offer", error);
    if (wait)
      waiter_cleanup(&w, subs);
    return rc;
  }
  g_variant_get(reply, "(o)", &w.path);
  g_print("%s\n", w.path);
  fflush(stdout);
  if (wait)
    rc = waiter_run(&w, subs);
  g_free(w.path);
  return rc;
}

/* ---- wait-decision ----------------------------------------------------- */

static int cmd_wait_decision(int argc, char **argv)
{
  gint timeout = 0;
  gboolean next = FALSE, verbose = FALSE;
  char *until = NULL;
  GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout, "Give up after SECONDS (exit 4)", "SECONDS" },
    { "next", 'n', 0, G_OPTION_ARG_NONE, &next,
      "Ignore the decision there is now; wait for a new one", NULL },
    { "until", 'u', 0, G_OPTION_ARG_STRING, &until,
      "Wait until the decision is DECISION (now or later)", "DECISION" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Also print the reason", NULL },
    G_OPTION_ENTRY_NULL,
  };
  int rc = parse_options(entries,
                         "Prints the offer's decision (accept, cancel or delay-reboot UNIX-TIME).\n"
                         "Without options, prints the decision there is now, or waits for one.",
                         &argc, &argv, 1, 1);
  g_autofree char *until_owned = until;
  if (rc >= 0)
    return rc;
  if (timeout < 0)
    return usage_error("--timeout must not be negative");
  if (until != NULL && !g_str_equal(until, "accept") && !g_str_equal(until, "cancel") &&
      !g_str_equal(until, "delay-reboot"))
    return usage_error("--until: '%s' is not accept, cancel or delay-reboot", until);
  if ((rc = connect_bus()) != EXIT_OK)
    return rc;
  Waiter w = { .until = until, .next = next, .verbose = verbose, .timeout_s = (guint)timeout };
  guint subs[3];
  waiter_init(&w, subs);
  rc = resolve_offer(argv[1], &w.path);
  if (rc != EXIT_OK) {
    waiter_cleanup(&w, subs);
    return rc;
  }
  rc = waiter_run(&w, subs);
  g_free(w.path);
  return rc;
}

/* ---- state, finish, withdraw, answer ----------------------------------- */

static int simple_call(const char *offer_arg, const char *method, GVariant *params)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink(params);
  int rc = connect_bus();
  if (rc != EXIT_OK)
    return rc;
  g_autofree char *path = NULL;
  if ((rc = resolve_offer(offer_arg, &path)) != EXIT_OK)
    return rc;
  GError *error = NULL;
  g_autoptr(GVariant) reply = call(path, OFFER_IFACE, method, g_variant_ref(owned), "()", &error);
  if (reply == NULL)
    return report_error(method, error);
  return EXIT_OK;
}

static int cmd_state(int argc, char **argv)
{
  g_autoptr(GVariantDict) details = g_variant_dict_new(NULL);
  g_autofree GOptionEntry *entries = key_entries(otaux_state_keys, otaux_n_state_keys, 0, details);
  set_short_option(entries, "bytes-done", 'd');
  set_short_option(entries, "bytes-total", 'T');
  int rc = parse_options(entries,
                         "FUMO states: 10 idle, 20 download failed, 30 downloading,\n"
                         "40 download complete, 50 ready to update, 60 updating,\n"
                         "70/80 update failed, 90/100 update successful.",
                         &argc, &argv, 2, 2);
  if (rc >= 0)
    return rc;
  guint32 state = 0;
  if (!parse_u32(argv[2], &state))
    return usage_error("'%s' is not a FUMO state number", argv[2]);
  return simple_call(argv[1], "SetState",
                     g_variant_new("(u@a{sv})", state, g_variant_dict_end(details)));
}

static int cmd_finish(int argc, char **argv)
{
  int rc = parse_options(NULL,
                         "FUMO result codes: 200 successful, 250-299 successful (vendor),\n"
                         "400-599 failures (401 user cancelled, 402 corrupted package, ...).",
                         &argc, &argv, 2, 2);
  if (rc >= 0)
    return rc;
  guint32 result = 0;
  if (!parse_u32(argv[2], &result))
    return usage_error("'%s' is not a FUMO result code", argv[2]);
  return simple_call(argv[1], "Finish", g_variant_new("(u)", result));
}

static int cmd_withdraw(int argc, char **argv)
{
  int rc = parse_options(NULL, NULL, &argc, &argv, 1, 1);
  if (rc >= 0)
    return rc;
  return simple_call(argv[1], "Withdraw", g_variant_new("()"));
}

static int cmd_answer(int argc, char **argv)
{
  g_autoptr(GVariantDict) details = g_variant_dict_new(NULL);
  g_autofree GOptionEntry *entries =
      key_entries(otaux_answer_keys, otaux_n_answer_keys, 0, details);
  set_short_option(entries, "reboot-at", 'r');
  int rc = parse_options(entries,
                         "CHOICE is one of the ids in the offer's Prompt choices:\n"
                         "accept, cancel or delay-reboot (with --reboot-at).",
                         &argc, &argv, 2, 2);
  if (rc >= 0)
    return rc;
  if (g_str_equal(argv[2], "delay-reboot") && !g_variant_dict_contains(details, "reboot-at"))
    return usage_error("delay-reboot needs --reboot-at TIME");
  return simple_call(argv[1], "Answer",
                     g_variant_new("(s@a{sv})", argv[2], g_variant_dict_end(details)));
}

/* ---- list, show -------------------------------------------------------- */

static void json_string(GString *out, const char *s)
{
  g_string_append_c(out, '"');
  for (const guchar *p = (const guchar *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(out, "\\%c", *p);
    else if (*p == '\n')
      g_string_append(out, "\\n");
    else if (*p < 0x20)
      g_string_append_printf(out, "\\u%04x", *p);
    else
      g_string_append_c(out, (char)*p);
  }
  g_string_append_c(out, '"');
}

static int get_offer_paths(GVariant **out)
{
  GError *error = NULL;
  g_autoptr(GVariant) reply = call(AGENT_PATH, PROPS_IFACE, "Get",
                                   g_variant_new("(ss)", AGENT_IFACE, "Offers"), "(v)", &error);
  if (reply == NULL)
    return report_error("reading Offers", error);
  g_autoptr(GVariant) v = g_variant_get_child_value(reply, 0);
  *out = g_variant_get_variant(v);
  if (!g_variant_is_of_type(*out, G_VARIANT_TYPE("ao"))) {
    g_printerr("%s: the agent's Offers property is not 'ao'\n", subcommand);
    g_clear_pointer(out, g_variant_unref);
    return EXIT_REFUSED;
  }
  return EXIT_OK;
}

/* A list column: control characters (tabs, newlines) become spaces. */
static char *column(GVariant *props, const char *key)
{
  char *s = g_strdup(dict_str(props, key, ""));
  for (char *p = s; *p; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  return s;
}

static int cmd_list(int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    G_OPTION_ENTRY_NULL,
  };
  int rc = parse_options(entries,
                         "One line per offer, columns separated by tabs:\n"
                         "PATH ID PRIORITY PHASE DECISION NAME VERSION",
                         &argc, &argv, 0, 0);
  if (rc >= 0)
    return rc;
  if ((rc = connect_bus()) != EXIT_OK)
    return rc;
  g_autoptr(GVariant) paths = NULL;
  if ((rc = get_offer_paths(&paths)) != EXIT_OK)
    return rc;
  g_autoptr(GString) out = g_string_new(json ? "[" : "");
  gsize n = g_variant_n_children(paths);
  for (gsize i = 0; i < n; i++) {
    const char *path = NULL;
    g_variant_get_child(paths, i, "&o", &path);
    GError *error = NULL;
    g_autoptr(GVariant) p = get_all(path, OFFER_IFACE, &error);
    if (p == NULL) {
      /* withdrawn between the two calls: skip it */
      g_autofree char *name = g_dbus_error_get_remote_error(error);
      if (g_strcmp0(name, "org.freedesktop.DBus.Error.UnknownObject") == 0 ||
          g_strcmp0(name, "org.otaux.Error.NotFound") == 0) {
        g_error_free(error);
        continue;
      }
      return report_error(path, error);
    }
    if (json) {
      static const char *const skeys[] = { "Id",    "Name",     "Version",       "Priority",
                                           "Phase", "Decision", "DecisionReason" };
      g_string_append(out, out->len > 1 ? ",\n {" : "\n {");
      g_string_append(out, "\"Path\": ");
      json_string(out, path);
      for (gsize k = 0; k < G_N_ELEMENTS(skeys); k++) {
        g_string_append_printf(out, ", \"%s\": ", skeys[k]);
        json_string(out, dict_str(p, skeys[k], ""));
      }
      guint32 state = 0, result = 0;
      g_variant_lookup(p, "State", "u", &state);
      g_variant_lookup(p, "Result", "u", &result);
      g_string_append_printf(out,
                             ", \"State\": %u, \"RebootAt\": %" G_GINT64_FORMAT ", \"Result\": %u}",
                             state, dict_x(p, "RebootAt"), result);
    } else {
      static const char *const cols[] = {
        "Id", "Priority", "Phase", "Decision", "Name", "Version"
      };
      g_string_append(out, path);
      for (gsize k = 0; k < G_N_ELEMENTS(cols); k++) {
        g_autofree char *c = column(p, cols[k]);
        g_string_append_printf(out, "\t%s", c);
      }
      g_string_append_c(out, '\n');
    }
  }
  if (json)
    g_string_append(out, out->len > 1 ? "\n]\n" : "]\n");
  g_print("%s", out->str);
  return EXIT_OK;
}

/* Prints "  key:  value", continuation lines indented under the value. */
static void show_line(int indent, const char *key, const char *value)
{
  g_autofree char *label = g_strdup_printf("%s:", key);
  g_auto(GStrv) lines = g_strsplit(value, "\n", -1);
  if (lines[0] == NULL || lines[0][0] == '\0')
    g_print("%*s%s\n", indent, "", label);
  else
    g_print("%*s%-16s %s\n", indent, "", label, lines[0]);
  for (int i = 1; lines[0] && lines[i]; i++)
    g_print("%*s%-16s %s\n", indent, "", "", lines[i]);
}

static void show_prompt(GVariant *prompt)
{
  if (g_variant_n_children(prompt) == 0) {
    show_line(2, "Prompt", "(none: nothing is asked)");
    return;
  }
  g_print("  Prompt:\n");
  static const char *const order[] = {
    "kind",      "title",         "body",         "warning",  "message",
    "details",   "urgency",       "presentation", "priority", "choices",
    "suggested", "delay-options", "delay-max",    "deadline", "deadline-choice",
    "progress",  "result",        "dismissible",  "sound"
  };
  g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keys = g_ptr_array_new();
  for (gsize i = 0; i < G_N_ELEMENTS(order); i++)
    g_ptr_array_add(keys, (gpointer)order[i]);
  GVariantIter iter;
  const char *k = NULL;
  GVariant *v = NULL;
  g_variant_iter_init(&iter, prompt);
  while (g_variant_iter_next(&iter, "{&sv}", &k, &v)) {
    gboolean known = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(order) && !known; i++)
      known = g_str_equal(order[i], k);
    if (!known)
      g_ptr_array_add(keys, (gpointer)k);
    g_variant_unref(v);
  }
  for (guint i = 0; i < keys->len; i++) {
    const char *key = keys->pdata[i];
    g_autoptr(GVariant) val = g_variant_lookup_value(prompt, key, NULL);
    if (val == NULL || g_hash_table_contains(done, key))
      continue;
    g_hash_table_add(done, (gpointer)key);
    if (g_variant_is_of_type(val, G_VARIANT_TYPE("a(ss)"))) {
      g_autoptr(GString) s = g_string_new(NULL);
      GVariantIter it;
      const char *id = NULL, *label = NULL;
      g_variant_iter_init(&it, val);
      while (g_variant_iter_next(&it, "(&s&s)", &id, &label))
        g_string_append_printf(s, "%s%-13s %s", s->len ? "\n" : "", id, label);
      show_line(4, key, s->len ? s->str : "(none)");
    } else if (g_variant_is_of_type(val, G_VARIANT_TYPE("a(sx)"))) {
      g_autoptr(GString) s = g_string_new(NULL);
      GVariantIter it;
      const char *label = NULL;
      gint64 t = 0;
      g_variant_iter_init(&it, val);
      while (g_variant_iter_next(&it, "(&sx)", &label, &t))
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT "  %s", s->len ? "\n" : "", t, label);
      show_line(4, key, s->len ? s->str : "(none)");
    } else if (g_variant_is_of_type(val, G_VARIANT_TYPE_STRING)) {
      show_line(4, key, g_variant_get_string(val, NULL));
    } else if (g_variant_is_of_type(val, G_VARIANT_TYPE_INT64)) {
      g_autofree char *t = format_time(g_variant_get_int64(val));
      show_line(4, key, t);
    } else {
      g_autofree char *s = g_variant_print(val, FALSE);
      show_line(4, key, s);
    }
  }
}

static int cmd_show(int argc, char **argv)
{
  int rc = parse_options(NULL, NULL, &argc, &argv, 1, 1);
  if (rc >= 0)
    return rc;
  if ((rc = connect_bus()) != EXIT_OK)
    return rc;
  g_autofree char *path = NULL;
  if ((rc = resolve_offer(argv[1], &path)) != EXIT_OK)
    return rc;
  GError *error = NULL;
  g_autoptr(GVariant) props = get_all(path, OFFER_IFACE, &error);
  if (props == NULL)
    return report_error(path, error);
  static const char *const order[] = { "Id",         "Name",     "Version",        "Priority",
                                       "Size",       "Silent",   "Forced",         "Roaming",
                                       "Correlator", "State",    "BytesDone",      "BytesTotal",
                                       "Phase",      "Decision", "DecisionReason", "RebootAt",
                                       "Result" };
  g_print("%s\n", path);
  for (gsize i = 0; i < G_N_ELEMENTS(order); i++) {
    g_autoptr(GVariant) v = g_variant_lookup_value(props, order[i], NULL);
    if (v == NULL)
      continue;
    g_autofree char *s = NULL;
    if (g_str_equal(order[i], "RebootAt") && g_variant_is_of_type(v, G_VARIANT_TYPE_INT64))
      s = format_time(g_variant_get_int64(v));
    else if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
      s = g_variant_dup_string(v, NULL);
    else
      s = g_variant_print(v, FALSE);
    show_line(2, order[i], s);
  }
  /* anything newer than this tool */
  GVariantIter iter;
  const char *k = NULL;
  GVariant *v = NULL;
  g_variant_iter_init(&iter, props);
  while (g_variant_iter_next(&iter, "{&sv}", &k, &v)) {
    gboolean known = g_str_equal(k, "Prompt");
    for (gsize i = 0; i < G_N_ELEMENTS(order) && !known; i++)
      known = g_str_equal(order[i], k);
    if (!known) {
      g_autofree char *s = format_value(v);
      show_line(2, k, s);
    }
    g_variant_unref(v);
  }
  g_autoptr(GVariant) prompt = g_variant_lookup_value(props, "Prompt", G_VARIANT_TYPE_VARDICT);
  if (prompt != NULL)
    show_prompt(prompt);
  return EXIT_OK;
}

/* ---- watch ------------------------------------------------------------- */

static void emit_line(GString *line)
{
  g_print("%s\n", line->str);
  fflush(stdout);
}

static void append_dict(GString *line, GVariant *dict)
{
  GVariantIter iter;
  const char *k = NULL;
  GVariant *v = NULL;
  g_variant_iter_init(&iter, dict);
  while (g_variant_iter_next(&iter, "{&sv}", &k, &v)) {
    g_autofree char *s = NULL;
    if (g_str_equal(k, "Prompt") && g_variant_is_of_type(v, G_VARIANT_TYPE_VARDICT)) {
      const char *kind = NULL;
      s = g_strdup(g_variant_lookup(v, "kind", "&s", &kind) ? kind : "none");
    } else {
      s = format_value(v);
    }
    g_string_append_printf(line, " %s=%s", k, s);
    g_variant_unref(v);
  }
}

static void on_watch_signal(GDBusConnection *c, const char *sender, const char *path,
                            const char *iface, const char *signal, GVariant *params, gpointer data)
{
  g_autoptr(GString) line = g_string_new(signal);
  if (g_str_equal(signal, "PropertiesChanged")) {
    const char *piface = NULL;
    g_autoptr(GVariant) changed = NULL;
    g_autofree const char **invalidated = NULL;
    if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
      return;
    g_variant_get(params, "(&s@a{sv}^a&s)", &piface, &changed, &invalidated);
    if (!g_str_equal(piface, OFFER_IFACE) && !g_str_equal(piface, AGENT_IFACE))
      return;
    g_string_append_printf(line, " %s", path);
    append_dict(line, changed);
    for (int i = 0; invalidated && invalidated[i]; i++)
      g_string_append_printf(line, " %s=(invalidated)", invalidated[i]);
  } else if (g_str_equal(signal, "Decided")) {
    const char *decision = NULL;
    g_autoptr(GVariant) details = NULL;
    if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv})")))
      return;
    g_variant_get(params, "(&s@a{sv})", &decision, &details);
    g_string_append_printf(line, " %s %s", path, decision);
    append_dict(line, details);
  } else {
    const char *offer = NULL;
    if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
      return;
    g_variant_get(params, "(&o)", &offer);
    g_string_append_printf(line, " %s", offer);
  }
  emit_line(line);
}

static void on_agent_appeared(GDBusConnection *c, const char *name, const char *owner,
                              gpointer data)
{
  g_autoptr(GString) line = g_string_new(NULL);
  g_string_printf(line, "AgentAppeared %s", owner);
  emit_line(line);
}

static void on_agent_vanished(GDBusConnection *c, const char *name, gpointer data)
{
  g_autoptr(GString) line = g_string_new("AgentVanished");
  emit_line(line);
}

static gboolean on_quit_signal(gpointer data)
{
  g_main_loop_quit(data);
  return G_SOURCE_CONTINUE;
}

static int cmd_watch(int argc, char **argv)
{
  int rc =
      parse_options(NULL,
                    "One line per event, until SIGINT or SIGTERM:\n"
                    "  AgentAppeared OWNER | AgentVanished\n"
                    "  OfferAdded PATH | OfferRemoved PATH\n"
                    "  Decided PATH DECISION KEY=VALUE...\n"
                    "  PropertiesChanged PATH PROPERTY=VALUE...\n"
                    "The first line (AgentAppeared or AgentVanished) shows the watch is ready.",
                    &argc, &argv, 0, 0);
  if (rc >= 0)
    return rc;
  if ((rc = connect_bus()) != EXIT_OK)
    return rc;
  g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
  static const struct {
    const char *iface, *member;
  } sigs[] = {
    { AGENT_IFACE, "OfferAdded" },
    { AGENT_IFACE, "OfferRemoved" },
    { OFFER_IFACE, "Decided" },
    { PROPS_IFACE, "PropertiesChanged" },
  };
  guint subs[G_N_ELEMENTS(sigs)];
  for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++)
    subs[i] = g_dbus_connection_signal_subscribe(bus, AGENT_NAME, sigs[i].iface, sigs[i].member,
                                                 NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                 on_watch_signal, NULL, NULL);
  /* after the match rules, so its first report means they are in place */
  guint watch = g_bus_watch_name_on_connection(bus, AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                               on_agent_appeared, on_agent_vanished, NULL, NULL);
  guint sigint = g_unix_signal_add(SIGINT, on_quit_signal, loop);
  guint sigterm = g_unix_signal_add(SIGTERM, on_quit_signal, loop);
  g_main_loop_run(loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  g_bus_unwatch_name(watch);
  for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++)
    g_dbus_connection_signal_unsubscribe(bus, subs[i]);
  return EXIT_OK;
}

/* ---- main -------------------------------------------------------------- */

static const Command commands[] = {
  { "offer", cmd_offer, "[KEY=VALUE...]", "Offer a firmware package to the agent" },
  { "wait-decision", cmd_wait_decision, "OFFER", "Wait for the decision on an offer" },
  { "state", cmd_state, "OFFER STATE", "Report a FUMO state (progress) for an offer" },
  { "finish", cmd_finish, "OFFER RESULT", "Report the final FUMO result code" },
  { "withdraw", cmd_withdraw, "OFFER", "Withdraw an offer (remove it and its prompts)" },
  { "answer", cmd_answer, "OFFER CHOICE", "Answer an offer's prompt as a UI would" },
  { "list", cmd_list, "", "List the offers" },
  { "show", cmd_show, "OFFER", "Show every property of an offer, with its Prompt" },
  { "watch", cmd_watch, "", "Print the agent's events until interrupted" },
  { "check", otauxctl_cmd_check, "FILE...",
    "Check policy files and string catalogs (FILE:LINE: MESSAGE)" },
  { "policy", otauxctl_cmd_policy, "", "Print the effective policy and where each value is set" },
  { "strings", otauxctl_cmd_strings, "[ID...]",
    "Print the effective texts and where each comes from" },
  { "preview", otauxctl_cmd_preview, "--output DIR",
    "Render every prompt and notification as PNG files" },
};

static void print_usage(FILE *out)
{
  fprintf(out,
          "Usage: otauxctl [--help] [--version] COMMAND [OPTION...] [ARG...]\n\n"
          "Talk to the otaux agent (%s on the session bus).\n\nCommands:\n",
          AGENT_NAME);
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nOFFER is an object path or a package id.\n"
               "'otauxctl COMMAND --help' describes a command.\n\n"
               "Exit status: 0 ok, 1 the agent refused, 2 usage error,\n"
               "3 cannot reach the bus or the agent, 4 timed out.\n");
}

int main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  if (argc < 2) {
    print_usage(stderr);
    return EXIT_USAGE;
  }
  if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h") ||
      g_str_equal(argv[1], "help")) {
    print_usage(stdout);
    return EXIT_OK;
  }
  if (g_str_equal(argv[1], "--version")) {
    g_print("otauxctl %s (D-Bus API version 1)\n", PACKAGE_VERSION);
    return EXIT_OK;
  }
  const Command *cmd = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (g_str_equal(argv[1], commands[i].name))
      cmd = &commands[i];
  if (cmd == NULL) {
    g_printerr("otauxctl: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return EXIT_USAGE;
  }
  g_autofree char *prgname = g_strdup_printf("otauxctl %s", cmd->name);
  g_set_prgname(prgname);
  subcommand = prgname;
  current_cmd = cmd;
  int rc = cmd->run(argc - 1, argv + 1);
  if (bus != NULL) {
    g_dbus_connection_flush_sync(bus, NULL, NULL);
    g_clear_object(&bus);
  }
  return rc;
}
