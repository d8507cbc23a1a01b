/* otauxctl-common: the connection, errors, options and values every otauxctl
 * command shares (see otauxctl-common.h). */
#include "otauxctl-common.h"

#include <errno.h>
#include <string.h>

static GDBusConnection *the_bus;
const OtauxctlCommand *otauxctl_command;
gboolean otauxctl_system;

const char *otauxctl_bus_word(void)
{
  return otauxctl_system ? "system" : "session";
}

const char *otauxctl_subcommand(void)
{
  return g_get_prgname() != NULL ? g_get_prgname() : "otauxctl";
}

GDBusConnection *otauxctl_bus(void)
{
  return the_bus;
}

void otauxctl_disconnect(void)
{
  if (the_bus == NULL)
    return;
  g_dbus_connection_flush_sync(the_bus, NULL, NULL);
  g_clear_object(&the_bus);
}

/* ---- errors ------------------------------------------------------------ */

int otauxctl_usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_printerr("%s: %s\nTry '%s --help'.\n", otauxctl_subcommand(), msg, otauxctl_subcommand());
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
int otauxctl_report_error(const char *what, GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error(error);
  int code = error_is_unreachable(error, name) ? EXIT_UNREACHABLE : EXIT_REFUSED;
  g_dbus_error_strip_remote_error(error);
  if (code == EXIT_UNREACHABLE)
    g_printerr("%s: %s: cannot reach the agent %s on the %s bus: %s%s%s\n", otauxctl_subcommand(),
               what, AGENT_NAME, otauxctl_bus_word(), name ? name : "", name ? ": " : "",
               error->message);
  else
    g_printerr("%s: %s: %s: %s\n", otauxctl_subcommand(), what, name ? name : "error",
               error->message);
  g_error_free(error);
  return code;
}

int otauxctl_connect_bus(void)
{
  GError *error = NULL;
  the_bus = g_bus_get_sync(otauxctl_system ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION, NULL, &error);
  if (the_bus == NULL) {
    g_printerr("%s: cannot connect to the %s bus: %s\n", otauxctl_subcommand(), otauxctl_bus_word(),
               error->message);
    g_error_free(error);
    return EXIT_UNREACHABLE;
  }
  return EXIT_OK;
}

GVariant *otauxctl_call(const char *path, const char *iface, const char *method, GVariant *params,
                        const char *reply_type, GError **error)
{
  return g_dbus_connection_call_sync(otauxctl_bus(), AGENT_NAME, path, iface, method, params,
                                     reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
                                     G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
}

/* ---- values ------------------------------------------------------------ */

gint64 otauxctl_now_unix(void)
{
  return g_get_real_time() / G_USEC_PER_SEC;
}

gboolean otauxctl_parse_bool(const char *text, gboolean *out)
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
gboolean otauxctl_parse_time(const char *text, gint64 *out, GError **error)
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
    *out = otauxctl_now_unix() + (gint64)(n * unit);
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

char *otauxctl_format_time(gint64 t)
{
  if (t == 0)
    return g_strdup("0");
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
  g_autofree char *iso = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S %z") : NULL;
  return iso ? g_strdup_printf("%" G_GINT64_FORMAT " (%s)", t, iso)
             : g_strdup_printf("%" G_GINT64_FORMAT, t);
}

/* A value on one line: plain strings bare unless they need quotes. */
char *otauxctl_format_value(GVariant *value)
{
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_VARIANT)) {
    g_autoptr(GVariant) inner = g_variant_get_variant(value);
    return otauxctl_format_value(inner);
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

GVariant *otauxctl_key_parse(const OtauxKey *k, const char *text, GError **error)
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
      if (otauxctl_parse_bool(text, &b))
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
      if (otauxctl_parse_time(text, &x, error))
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
  GVariant *v = otauxctl_key_parse(k, value, error);
  if (v == NULL)
    return FALSE;
  g_variant_dict_insert_value(key_dict, k->name, v);
  return TRUE;
}

/* One entry per row of @keys, then room for @extra more and the end. The
 * values land in @dict while the entries are parsed. */
GOptionEntry *otauxctl_key_entries(const OtauxKey *keys, gsize n_keys, gsize extra,
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

void otauxctl_set_short_option(GOptionEntry *entries, const char *long_name, char letter)
{
  for (GOptionEntry *e = entries; e->long_name != NULL; e++)
    if (g_str_equal(e->long_name, long_name))
      e->short_name = letter;
}

/* ---- option parsing ------------------------------------------------------ */

/* Parses a subcommand's options; returns -1 to go on, else the exit code.
 * On success argv keeps the positional arguments (argv[0] is the command). */
int otauxctl_parse_options(GOptionEntry *entries, const char *description, int *argc, char ***argv,
                           int min_args, int max_args)
{
  const OtauxctlCommand *cmd = otauxctl_command;
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
    int code = otauxctl_usage_error("%s", error->message);
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
    return otauxctl_usage_error("missing argument (expected %s)", cmd->params);
  if (max_args >= 0 && n > max_args)
    return otauxctl_usage_error("unexpected argument '%s'", (*argv)[max_args + 1]);
  return -1;
}

gboolean otauxctl_parse_u32(const char *text, guint32 *out)
{
  guint64 v = 0;
  if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (guint32)v;
  return TRUE;
}

/* OFFER is an object path or a package id (resolved with GetOffer). */
int otauxctl_resolve_offer(const char *arg, char **out_path)
{
  if (arg[0] == '/') {
    if (!g_variant_is_object_path(arg))
      return otauxctl_usage_error("'%s' is not a D-Bus object path", arg);
    *out_path = g_strdup(arg);
    return EXIT_OK;
  }
  GError *error = NULL;
  g_autoptr(GVariant) reply =
      otauxctl_call(AGENT_PATH, AGENT_IFACE, "GetOffer", g_variant_new("(s)", arg), "(o)", &error);
  if (reply == NULL)
    return otauxctl_report_error("GetOffer", error);
  g_variant_get(reply, "(o)", out_path);
  return EXIT_OK;
}

GVariant *otauxctl_get_all(const char *path, const char *iface, GError **error)
{
  GVariant *reply =
      otauxctl_call(path, PROPS_IFACE, "GetAll", g_variant_new("(s)", iface), "(a{sv})", error);
  if (reply == NULL)
    return NULL;
  GVariant *props = g_variant_get_child_value(reply, 0);
  g_variant_unref(reply);
  return props;
}

const char *otauxctl_dict_str(GVariant *dict, const char *key, const char *fallback)
{
  const char *s = NULL;
  if (dict != NULL && g_variant_lookup(dict, key, "&s", &s))
    return s;
  return fallback;
}

gint64 otauxctl_dict_x(GVariant *dict, const char *key)
{
  gint64 x = 0;
  if (dict != NULL)
    g_variant_lookup(dict, key, "x", &x);
  return x;
}
