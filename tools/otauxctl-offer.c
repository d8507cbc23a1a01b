/* otauxctl's commands of an updater and a UI: offer, wait-decision, state,
 * finish, withdraw and answer. */
#include "otauxctl-offer.h"

#include <string.h>

#include "otauxctl-common.h"

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
  print_decision(w, decision, otauxctl_dict_str(details, "reason", ""),
                 otauxctl_dict_x(details, "reboot-at"));
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
  g_printerr("%s: the offer %s was withdrawn before a decision\n", otauxctl_subcommand(), w->path);
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
    waiter_done(w, otauxctl_report_error("reading the offer", error));
    return;
  }
  g_autoptr(GVariant) props = g_variant_get_child_value(reply, 0);
  const char *decision = otauxctl_dict_str(props, "Decision", "none");
  const char *reason = otauxctl_dict_str(props, "DecisionReason", "");
  gint64 reboot_at = otauxctl_dict_x(props, "RebootAt");
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
  g_dbus_connection_call(otauxctl_bus(), AGENT_NAME, w->path, PROPS_IFACE, "GetAll",
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
    g_printerr("%s: the agent left the bus; waiting for it to come back\n", otauxctl_subcommand());
  } else if (w->path != NULL) {
    check_decision(w);
  }
}

static gboolean on_wait_timeout(gpointer data)
{
  Waiter *w = data;
  g_printerr("%s: timed out after %u s waiting for the decision on %s\n", otauxctl_subcommand(),
             w->timeout_s, w->path ? w->path : "the offer");
  waiter_done(w, EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

/* Subscribes first (before the caller sends anything that may decide). */
static void waiter_init(Waiter *w, guint subs[3])
{
  w->loop = g_main_loop_new(NULL, FALSE);
  subs[0] =
      g_dbus_connection_signal_subscribe(otauxctl_bus(), AGENT_NAME, OFFER_IFACE, "Decided", NULL,
                                         NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_decided, w, NULL);
  subs[1] = g_dbus_connection_signal_subscribe(otauxctl_bus(), AGENT_NAME, AGENT_IFACE,
                                               "OfferRemoved", AGENT_PATH, NULL,
                                               G_DBUS_SIGNAL_FLAGS_NONE, on_offer_removed, w, NULL);
  subs[2] = g_dbus_connection_signal_subscribe(
      otauxctl_bus(), DBUS_NAME, DBUS_NAME, "NameOwnerChanged", "/org/freedesktop/DBus", AGENT_NAME,
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
    g_dbus_connection_signal_unsubscribe(otauxctl_bus(), subs[i]);
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

int otauxctl_cmd_offer(int argc, char **argv)
{
  gboolean wait = FALSE, verbose = FALSE;
  gint timeout = 0;
  gsize nk = otaux_n_offer_keys;
  g_autoptr(GVariantDict) dict = g_variant_dict_new(NULL);
  g_autofree GOptionEntry *entries = otauxctl_key_entries(otaux_offer_keys, nk, 3, dict);
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

  int rc = otauxctl_parse_options(entries, offer_description, &argc, &argv, 0, -1);
  if (rc >= 0)
    return rc;
  if (timeout < 0)
    return otauxctl_usage_error("--timeout must not be negative");
  for (int i = 1; i < argc; i++) {
    const char *eq = strchr(argv[i], '=');
    if (eq == NULL)
      return otauxctl_usage_error("'%s' is not KEY=VALUE", argv[i]);
    g_autofree char *key = g_strndup(argv[i], (gsize)(eq - argv[i]));
    const OtauxKey *k = otaux_keys_lookup(otaux_offer_keys, nk, key);
    if (k == NULL) {
      g_autoptr(GString) known = g_string_new(NULL);
      for (gsize j = 0; j < nk; j++)
        g_string_append_printf(known, "%s%s", j ? ", " : "", otaux_offer_keys[j].name);
      return otauxctl_usage_error("unknown offer key '%s' (known keys: %s)", key, known->str);
    }
    GError *error = NULL;
    GVariant *v = otauxctl_key_parse(k, eq + 1, &error);
    if (v == NULL) {
      rc = otauxctl_usage_error("%s", error->message);
      g_error_free(error);
      return rc;
    }
    g_variant_dict_insert_value(dict, k->name, v);
  }
  if (!g_variant_dict_contains(dict, "id"))
    return otauxctl_usage_error("the package id is required (--id ID or id=ID)");

  if ((rc = otauxctl_connect_bus()) != EXIT_OK)
    return rc;
  Waiter w = { .until = NULL, .verbose = verbose, .timeout_s = (guint)timeout };
  guint subs[3] = { 0, 0, 0 };
  if (wait)
    waiter_init(&w, subs);
  GError *error = NULL;
  g_autoptr(GVariant) reply =
      otauxctl_call(AGENT_PATH, AGENT_IFACE, "Offer",
                    g_variant_new("(@a{sv})", g_variant_dict_end(dict)), "(o)", &error);
  if (reply == NULL) {
    rc = otauxctl_report_error("Offer", error);
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

int otauxctl_cmd_wait_decision(int argc, char **argv)
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
  int rc = otauxctl_parse_options(
      entries,
      "Prints the offer's decision (accept, cancel or delay-reboot UNIX-TIME).\n"
      "Without options, prints the decision there is now, or waits for one.",
      &argc, &argv, 1, 1);
  g_autofree char *until_owned = until;
  if (rc >= 0)
    return rc;
  if (timeout < 0)
    return otauxctl_usage_error("--timeout must not be negative");
  if (until != NULL && !g_str_equal(until, "accept") && !g_str_equal(until, "cancel") &&
      !g_str_equal(until, "delay-reboot"))
    return otauxctl_usage_error("--until: '%s' is not accept, cancel or delay-reboot", until);
  if ((rc = otauxctl_connect_bus()) != EXIT_OK)
    return rc;
  Waiter w = { .until = until, .next = next, .verbose = verbose, .timeout_s = (guint)timeout };
  guint subs[3];
  waiter_init(&w, subs);
  rc = otauxctl_resolve_offer(argv[1], &w.path);
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
  int rc = otauxctl_connect_bus();
  if (rc != EXIT_OK)
    return rc;
  g_autofree char *path = NULL;
  if ((rc = otauxctl_resolve_offer(offer_arg, &path)) != EXIT_OK)
    return rc;
  GError *error = NULL;
  g_autoptr(GVariant) reply =
      otauxctl_call(path, OFFER_IFACE, method, g_variant_ref(owned), "()", &error);
  if (reply == NULL)
    return otauxctl_report_error(method, error);
  return EXIT_OK;
}

int otauxctl_cmd_state(int argc, char **argv)
{
  g_autoptr(GVariantDict) details = g_variant_dict_new(NULL);
  g_autofree GOptionEntry *entries =
      otauxctl_key_entries(otaux_state_keys, otaux_n_state_keys, 0, details);
  otauxctl_set_short_option(entries, "bytes-done", 'd');
  otauxctl_set_short_option(entries, "bytes-total", 'T');
  int rc = otauxctl_parse_options(entries,
                                  "FUMO states: 10 idle, 20 download failed, 30 downloading,\n"
                                  "40 download complete, 50 ready to update, 60 updating,\n"
                                  "70/80 update failed, 90/100 update successful.",
                                  &argc, &argv, 2, 2);
  if (rc >= 0)
    return rc;
  guint32 state = 0;
  if (!otauxctl_parse_u32(argv[2], &state))
    return otauxctl_usage_error("'%s' is not a FUMO state number", argv[2]);
  return simple_call(argv[1], "SetState",
                     g_variant_new("(u@a{sv})", state, g_variant_dict_end(details)));
}

int otauxctl_cmd_finish(int argc, char **argv)
{
  g_autoptr(GVariantDict) details = g_variant_dict_new(NULL);
  g_autofree GOptionEntry *entries =
      otauxctl_key_entries(otaux_finish_keys, otaux_n_finish_keys, 0, details);
  otauxctl_set_short_option(entries, "message", 'm');
  int rc =
      otauxctl_parse_options(entries,
                             "FUMO result codes: 200 successful, 250-299 successful (vendor),\n"
                             "400-599 failures (401 user cancelled, 402 corrupted package, ...).\n"
                             "With --message: FinishWithDetails, the words shown under the result.",
                             &argc, &argv, 2, 2);
  if (rc >= 0)
    return rc;
  guint32 result = 0;
  if (!otauxctl_parse_u32(argv[2], &result))
    return otauxctl_usage_error("'%s' is not a FUMO result code", argv[2]);
  g_autoptr(GVariant) dict = g_variant_ref_sink(g_variant_dict_end(details));
  /* Finish(u) when there are no details: it works with older agents too. */
  if (g_variant_n_children(dict) == 0)
    return simple_call(argv[1], "Finish", g_variant_new("(u)", result));
  return simple_call(argv[1], "FinishWithDetails", g_variant_new("(u@a{sv})", result, dict));
}

int otauxctl_cmd_withdraw(int argc, char **argv)
{
  int rc = otauxctl_parse_options(NULL, NULL, &argc, &argv, 1, 1);
  if (rc >= 0)
    return rc;
  return simple_call(argv[1], "Withdraw", g_variant_new("()"));
}

int otauxctl_cmd_answer(int argc, char **argv)
{
  g_autoptr(GVariantDict) details = g_variant_dict_new(NULL);
  g_autofree GOptionEntry *entries =
      otauxctl_key_entries(otaux_answer_keys, otaux_n_answer_keys, 0, details);
  otauxctl_set_short_option(entries, "reboot-at", 'r');
  int rc = otauxctl_parse_options(entries,
                                  "CHOICE is one of the ids in the offer's Prompt choices:\n"
                                  "accept, cancel, later, wifi (download on Wi-Fi),\n"
                                  "tonight (install tonight) or delay-reboot (with --reboot-at).",
                                  &argc, &argv, 2, 2);
  if (rc >= 0)
    return rc;
  if (g_str_equal(argv[2], "delay-reboot") && !g_variant_dict_contains(details, "reboot-at"))
    return otauxctl_usage_error("delay-reboot needs --reboot-at TIME");
  return simple_call(argv[1], "Answer",
                     g_variant_new("(s@a{sv})", argv[2], g_variant_dict_end(details)));
}
