/* otauxctl's commands that read the agent: list, show and watch. */
#include "otauxctl-show.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "otauxctl-common.h"

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

/* A call to the agent on @bus; @flags: no auto-start for the other instance. */
static GVariant *list_call(GDBusConnection *bus, const char *path, const char *iface_prop,
                           GDBusCallFlags flags, gboolean get_all, GError **error)
{
  GVariant *params =
      get_all ? g_variant_new("(s)", iface_prop) : g_variant_new("(ss)", AGENT_IFACE, iface_prop);
  return g_dbus_connection_call_sync(bus, AGENT_NAME, path, PROPS_IFACE, get_all ? "GetAll" : "Get",
                                     params, G_VARIANT_TYPE(get_all ? "(a{sv})" : "(v)"), flags, -1,
                                     NULL, error);
}

static int get_offer_paths(GDBusConnection *bus, GDBusCallFlags flags, gboolean quiet,
                           GVariant **out)
{
  GError *error = NULL;
  g_autoptr(GVariant) reply = list_call(bus, AGENT_PATH, "Offers", flags, FALSE, &error);
  if (reply == NULL) {
    if (!quiet)
      return otauxctl_report_error("reading Offers", error);
    g_error_free(error);
    return EXIT_UNREACHABLE;
  }
  g_autoptr(GVariant) v = g_variant_get_child_value(reply, 0);
  *out = g_variant_get_variant(v);
  if (!g_variant_is_of_type(*out, G_VARIANT_TYPE("ao"))) {
    g_printerr("%s: the agent's Offers property is not 'ao'\n", otauxctl_subcommand());
    g_clear_pointer(out, g_variant_unref);
    return EXIT_REFUSED;
  }
  return EXIT_OK;
}

/* A list column: control characters (tabs, newlines) become spaces. */
static char *column(GVariant *props, const char *key)
{
  char *s = g_strdup(otauxctl_dict_str(props, key, ""));
  for (char *p = s; *p; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  return s;
}

/* The session agent's mirrors of the system instance's offers: listed from
 * the system instance itself instead. */
#define SYSTEM_OFFERS_PREFIX "/org/otaux/Agent/System/Offers/"

/* One instance's offers into @out, each marked with @instance. */
static int list_instance(GDBusConnection *bus, const char *instance, GDBusCallFlags flags,
                         gboolean quiet, gboolean json, GString *out)
{
  g_autoptr(GVariant) paths = NULL;
  int rc = get_offer_paths(bus, flags, quiet, &paths);
  if (rc != EXIT_OK)
    return rc;
  gsize n = g_variant_n_children(paths);
  for (gsize i = 0; i < n; i++) {
    const char *path = NULL;
    g_variant_get_child(paths, i, "&o", &path);
    if (g_str_has_prefix(path, SYSTEM_OFFERS_PREFIX))
      continue;
    GError *error = NULL;
    g_autoptr(GVariant) reply = list_call(bus, path, OFFER_IFACE, flags, TRUE, &error);
    if (reply == NULL) {
      /* withdrawn between the two calls: skip it */
      g_autofree char *name = g_dbus_error_get_remote_error(error);
      if (quiet || g_strcmp0(name, "org.freedesktop.DBus.Error.UnknownObject") == 0 ||
          g_strcmp0(name, "org.otaux.Error.NotFound") == 0) {
        g_error_free(error);
        continue;
      }
      return otauxctl_report_error(path, error);
    }
    g_autoptr(GVariant) p = g_variant_get_child_value(reply, 0);
    if (json) {
      static const char *const skeys[] = { "Id",    "Name",     "Version",       "Priority",
                                           "Phase", "Decision", "DecisionReason" };
      g_string_append(out, out->len > 1 ? ",\n {" : "\n {");
      g_string_append(out, "\"Path\": ");
      json_string(out, path);
      for (gsize k = 0; k < G_N_ELEMENTS(skeys); k++) {
        g_string_append_printf(out, ", \"%s\": ", skeys[k]);
        json_string(out, otauxctl_dict_str(p, skeys[k], ""));
      }
      guint32 state = 0, result = 0;
      g_variant_lookup(p, "State", "u", &state);
      g_variant_lookup(p, "Result", "u", &result);
      g_string_append_printf(out,
                             ", \"State\": %u, \"RebootAt\": %" G_GINT64_FORMAT
                             ", \"Result\": %u, \"Instance\": \"%s\"}",
                             state, otauxctl_dict_x(p, "RebootAt"), result, instance);
    } else {
      static const char *const cols[] = {
        "Id", "Priority", "Phase", "Decision", "Name", "Version"
      };
      g_string_append(out, path);
      for (gsize k = 0; k < G_N_ELEMENTS(cols); k++) {
        g_autofree char *c = column(p, cols[k]);
        g_string_append_printf(out, "\t%s", c);
      }
      g_string_append_printf(out, "\t%s\n", instance);
    }
  }
  return EXIT_OK;
}

int otauxctl_cmd_list(int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    G_OPTION_ENTRY_NULL,
  };
  int rc = otauxctl_parse_options(
      entries,
      "One line per offer, columns separated by tabs:\n"
      "PATH ID PRIORITY PHASE DECISION NAME VERSION INSTANCE\n"
      "INSTANCE is 'session' (the session agent's own offers) or 'system' (the\n"
      "system instance's, which the session presents); with --system, only those.",
      &argc, &argv, 0, 0);
  if (rc >= 0)
    return rc;
  if ((rc = otauxctl_connect_bus()) != EXIT_OK)
    return rc;
  g_autoptr(GString) out = g_string_new(json ? "[" : "");
  rc = list_instance(otauxctl_bus(), otauxctl_bus_word(), G_DBUS_CALL_FLAGS_NONE, FALSE, json, out);
  if (rc != EXIT_OK)
    return rc;
  if (!otauxctl_system) {
    /* The system instance's offers too, when it runs (never started for this). */
    g_autoptr(GDBusConnection) sys = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, NULL);
    if (sys != NULL)
      (void)list_instance(sys, "system", G_DBUS_CALL_FLAGS_NO_AUTO_START, TRUE, json, out);
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
    "kind",          "title",     "body",         "warning",         "message",  "step",
    "details",       "urgency",   "presentation", "priority",        "choices",  "suggested",
    "delay-options", "delay-max", "deadline",     "deadline-choice", "progress", "result",
    "dismissible",   "sound",     "needs-reboot"
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
      g_autofree char *t = otauxctl_format_time(g_variant_get_int64(val));
      show_line(4, key, t);
    } else {
      g_autofree char *s = g_variant_print(val, FALSE);
      show_line(4, key, s);
    }
  }
}

int otauxctl_cmd_show(int argc, char **argv)
{
  int rc = otauxctl_parse_options(NULL, NULL, &argc, &argv, 1, 1);
  if (rc >= 0)
    return rc;
  if ((rc = otauxctl_connect_bus()) != EXIT_OK)
    return rc;
  g_autofree char *path = NULL;
  if ((rc = otauxctl_resolve_offer(argv[1], &path)) != EXIT_OK)
    return rc;
  GError *error = NULL;
  g_autoptr(GVariant) props = otauxctl_get_all(path, OFFER_IFACE, &error);
  if (props == NULL)
    return otauxctl_report_error(path, error);
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
      s = otauxctl_format_time(g_variant_get_int64(v));
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
      g_autofree char *s = otauxctl_format_value(v);
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
      s = otauxctl_format_value(v);
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

int otauxctl_cmd_watch(int argc, char **argv)
{
  int rc = otauxctl_parse_options(
      NULL,
      "One line per event, until SIGINT or SIGTERM:\n"
      "  AgentAppeared OWNER | AgentVanished\n"
      "  OfferAdded PATH | OfferRemoved PATH\n"
      "  Decided PATH DECISION KEY=VALUE...\n"
      "  PropertiesChanged PATH PROPERTY=VALUE...\n"
      "The first line (AgentAppeared or AgentVanished) shows the watch is ready.",
      &argc, &argv, 0, 0);
  if (rc >= 0)
    return rc;
  if ((rc = otauxctl_connect_bus()) != EXIT_OK)
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
    subs[i] = g_dbus_connection_signal_subscribe(
        otauxctl_bus(), AGENT_NAME, sigs[i].iface, sigs[i].member, NULL, NULL,
        G_DBUS_SIGNAL_FLAGS_NONE, on_watch_signal, NULL, NULL);
  /* after the match rules, so its first report means they are in place */
  guint watch =
      g_bus_watch_name_on_connection(otauxctl_bus(), AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_agent_appeared, on_agent_vanished, NULL, NULL);
  guint sigint = g_unix_signal_add(SIGINT, on_quit_signal, loop);
  guint sigterm = g_unix_signal_add(SIGTERM, on_quit_signal, loop);
  g_main_loop_run(loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  g_bus_unwatch_name(watch);
  for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++)
    g_dbus_connection_signal_unsubscribe(otauxctl_bus(), subs[i]);
  return EXIT_OK;
}
