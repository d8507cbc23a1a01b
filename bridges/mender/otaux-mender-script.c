/* otaux-mender-script: Mender's artifact state scripts, asking the person
 * through otaux-agent (docs/mender.md). Mender runs it (through the small
 * wrappers named ArtifactInstall_Enter_50_otaux, …) with no arguments; each
 * run is short: it offers, waits a bounded time for the decision and exits
 * 0 (go on), 1 (cancel: Mender fails the update) or 21 (ask again later). A
 * plain GDBus client of the public API, on the system bus by default. */
#include "config.h"

#include <gio/gio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "otaux-mender-artifact.h"
#include "otaux-bridge-client.h"
#include "otaux-mender-map.h"

#define AGENT_NAME  OTAUX_BRIDGE_CLIENT_AGENT_NAME
#define AGENT_PATH  OTAUX_BRIDGE_CLIENT_AGENT_PATH
#define AGENT_IFACE OTAUX_BRIDGE_CLIENT_AGENT_IFACE
#define OFFER_IFACE OTAUX_BRIDGE_CLIENT_OFFER_IFACE
#define PROPS_IFACE OTAUX_BRIDGE_CLIENT_PROPS_IFACE
#define ID_PREFIX   "mender:"
/* The correlator of an artifact the Mender daemon announced (Download_Leave):
 * its restart is asked at the daemon's reboot pause, not at ArtifactInstall_Leave. */
#define DAEMON_CORRELATOR "mender-daemon"
#define CALL_TIMEOUT      5000 /* ms: every call to the agent is bounded */
#define WAIT_DEFAULT      10   /* s: well under Mender's StateScriptTimeoutSeconds */
#define WAIT_MAX          600

/* Mender's meaning of a state script's exit code. */
enum {
  EXIT_GO_ON = 0,
  EXIT_FAIL = 1, /* Mender fails the update: rollback and ArtifactFailure */
  EXIT_USAGE = 2,
  EXIT_RETRY = 21, /* again after StateScriptRetryIntervalSeconds */
};

typedef enum {
  STATE_INSTALL,   /* ArtifactInstall_Enter: ask, and go on once accepted */
  STATE_INSTALLED, /* ArtifactInstall_Leave: a restart comes now, if the artifact needs one */
  STATE_ANNOUNCE,  /* Download_Leave (rootfs, daemon mode): offer, and pause Mender's install */
  STATE_REBOOT,    /* ArtifactReboot_Enter (daemon mode): ask the restart question */
  STATE_COMMIT,    /* ArtifactCommit_Enter (or _Leave): report the success */
  STATE_FAILURE,   /* ArtifactFailure_Enter: report the failure, with words */
} ScriptState;

typedef struct {
  GDBusConnection *bus;
  char *id;
  char *path;
  guint decided_sub;
  guint props_sub;
  gboolean changed; /* a Decided or PropertiesChanged of our offer came */
  gboolean daemon;  /* offered by Download_Leave: the Mender daemon with otaux-mender */
} Client;

static void client_clear(Client *c)
{
  if (c->bus != NULL) {
    if (c->decided_sub != 0)
      g_dbus_connection_signal_unsubscribe(c->bus, c->decided_sub);
    if (c->props_sub != 0)
      g_dbus_connection_signal_unsubscribe(c->bus, c->props_sub);
  }
  g_clear_object(&c->bus);
  g_clear_pointer(&c->id, g_free);
  g_clear_pointer(&c->path, g_free);
}

static const char *prog_state = "otaux-mender-script";

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* One line on stderr, which Mender puts into its log. */
static void say(const char *fmt, ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start(args, fmt);
  line = g_strdup_vprintf(fmt, args);
  va_end(args);
  g_printerr("otaux-mender-script: %s: %s\n", prog_state, line);
}

static gboolean parse_state(const char *name, ScriptState *state)
{
  if (g_str_has_prefix(name, "ArtifactInstall_Enter"))
    *state = STATE_INSTALL;
  else if (g_str_has_prefix(name, "ArtifactInstall_Leave"))
    *state = STATE_INSTALLED;
  else if (g_str_has_prefix(name, "Download_Leave"))
    *state = STATE_ANNOUNCE;
  else if (g_str_has_prefix(name, "ArtifactReboot_Enter"))
    *state = STATE_REBOOT;
  else if (g_str_has_prefix(name, "ArtifactCommit_Enter") ||
           g_str_has_prefix(name, "ArtifactCommit_Leave"))
    *state = STATE_COMMIT;
  else if (g_str_has_prefix(name, "ArtifactFailure_Enter"))
    *state = STATE_FAILURE;
  else
    return FALSE;
  return TRUE;
}

static void on_signal(GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                      const char *member, GVariant *params, gpointer user_data)
{
  Client *c = user_data;
  const char *offer = NULL;

  if (g_strcmp0(member, "Decided") == 0) {
    if (g_variant_is_of_type(params, G_VARIANT_TYPE("(osa{sv})")))
      g_variant_get_child(params, 0, "&o", &offer);
    if (c->path == NULL || g_strcmp0(offer, c->path) == 0)
      c->changed = TRUE;
  } else if (g_strcmp0(path, c->path) == 0) {
    c->changed = TRUE;
  }
}

static GVariant *call(Client *c, const char *path, const char *iface, const char *method,
                      GVariant *params, const char *reply_type, GError **error)
{
  return g_dbus_connection_call_sync(c->bus, AGENT_NAME, path, iface, method, params,
                                     reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
                                     G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT, NULL, error);
}

static gboolean error_is(const GError *error, const char *name)
{
  g_autofree char *remote = g_dbus_error_get_remote_error(error);
  return g_strcmp0(remote, name) == 0;
}

static GVariant *offer_package(const OtauxMenderArtifact *a, const char *id, gboolean full,
                               gboolean daemon)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "id", g_variant_new_string(id));
  if (a == NULL) { /* the restart question of an installed artifact */
    g_variant_builder_add(&b, "{sv}", "restart-only", g_variant_new_boolean(TRUE));
    g_variant_builder_add(&b, "{sv}", "needs-reboot", g_variant_new_boolean(TRUE));
    return g_variant_new("(@a{sv})", g_variant_builder_end(&b));
  }
  /* Mender downloaded it already: the question is the install question. */
  g_variant_builder_add(&b, "{sv}", "state", g_variant_new_uint32(40));
  g_variant_builder_add(&b, "{sv}", "needs-reboot", g_variant_new_boolean(a->needs_reboot));
  g_variant_builder_add(&b, "{sv}", "name", g_variant_new_string(full ? a->title : a->name));
  if (daemon)
    g_variant_builder_add(&b, "{sv}", "correlator", g_variant_new_string(DAEMON_CORRELATOR));
  /* The daemon pauses before the reboot and asks then (a re-offer with
   * restart-only); standalone, the restart just happens after the install. */
  if (daemon && a->needs_reboot)
    g_variant_builder_add(&b, "{sv}", "asks-restart", g_variant_new_boolean(TRUE));
  if (full) {
    if (a->version != NULL)
      g_variant_builder_add(&b, "{sv}", "version", g_variant_new_string(a->version));
    if (a->priority != NULL)
      g_variant_builder_add(&b, "{sv}", "priority", g_variant_new_string(a->priority));
    if (a->release_notes != NULL)
      g_variant_builder_add(&b, "{sv}", "release-notes", g_variant_new_string(a->release_notes));
    if (a->install_message != NULL)
      g_variant_builder_add(&b, "{sv}", "install-message",
                            g_variant_new_string(a->install_message));
  }
  return g_variant_new("(@a{sv})", g_variant_builder_end(&b));
}

/* Offer (idempotent by id: the same path on every retry). A value the agent
 * refuses (over its limits) is dropped: the artifact is offered by name. */
static gboolean offer(Client *c, const OtauxMenderArtifact *a, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local = NULL;

  reply = call(c, AGENT_PATH, AGENT_IFACE, "Offer", offer_package(a, c->id, TRUE, c->daemon), "(o)",
               &local);
  if (reply == NULL && error_is(local, "org.otaux.Error.InvalidArgs")) {
    say("the agent refused the meta-data (%s): offering %s by its name only", local->message,
        c->id);
    g_clear_error(&local);
    reply = call(c, AGENT_PATH, AGENT_IFACE, "Offer", offer_package(a, c->id, FALSE, c->daemon),
                 "(o)", &local);
  }
  if (reply == NULL) {
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
  }
  g_free(c->path);
  g_variant_get(reply, "(o)", &c->path);
  if (c->props_sub != 0)
    g_dbus_connection_signal_unsubscribe(c->bus, c->props_sub);
  c->props_sub = g_dbus_connection_signal_subscribe(c->bus, AGENT_NAME, PROPS_IFACE,
                                                    "PropertiesChanged", c->path, OFFER_IFACE,
                                                    G_DBUS_SIGNAL_FLAGS_NONE, on_signal, c, NULL);
  return TRUE;
}

/* The offer's properties; NULL and an error when it is gone. */
static GVariantDict *offer_props(Client *c, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) dict = NULL;

  reply =
      call(c, c->path, PROPS_IFACE, "GetAll", g_variant_new("(s)", OFFER_IFACE), "(a{sv})", error);
  if (reply == NULL)
    return NULL;
  dict = g_variant_get_child_value(reply, 0);
  return g_variant_dict_new(dict);
}

static const char *prop_str(GVariantDict *d, const char *key)
{
  const char *s = NULL;

  if (!g_variant_dict_lookup(d, key, "&s", &s))
    return "";
  return s;
}

static guint32 prop_u(GVariantDict *d, const char *key)
{
  guint32 u = 0;

  g_variant_dict_lookup(d, key, "u", &u);
  return u;
}

static gint64 prop_x(GVariantDict *d, const char *key)
{
  gint64 x = 0;

  g_variant_dict_lookup(d, key, "x", &x);
  return x;
}

static gboolean on_wait_timeout(gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until our offer changes or the deadline passes;
 * FALSE at the deadline. */
static gboolean wait_for_change(Client *c, gint64 deadline)
{
  gboolean expired = FALSE;
  gint64 left = deadline - g_get_monotonic_time();
  guint id;

  if (c->changed) {
    c->changed = FALSE;
    return TRUE;
  }
  if (left <= 0)
    return FALSE;
  id = g_timeout_add((guint)(left / 1000) + 1, on_wait_timeout, &expired);
  while (!c->changed && !expired)
    g_main_context_iteration(NULL, TRUE);
  if (!expired)
    g_source_remove(id);
  c->changed = FALSE;
  return !expired;
}

/* SetState 60; with stage "restarting" when the device restarts now. */
static gboolean set_installing(Client *c, const char *stage, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  if (stage != NULL)
    g_variant_builder_add(&b, "{sv}", "stage", g_variant_new_string(stage));
  reply = call(c, c->path, OFFER_IFACE, "SetState",
               g_variant_new("(u@a{sv})", 60, g_variant_builder_end(&b)), NULL, error);
  return reply != NULL;
}

static gboolean withdraw(Client *c, GError **error)
{
  g_autoptr(GVariant) reply = call(c, c->path, OFFER_IFACE, "Withdraw", NULL, NULL, error);
  return reply != NULL;
}

/* ArtifactInstall_Enter: offer, then the person's decision within the wait. */
static int run_install(Client *c, const OtauxMenderArtifact *a, guint wait_s)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time() + (gint64)wait_s * G_USEC_PER_SEC;
  gboolean offered_anew = FALSE;

  c->decided_sub =
      g_dbus_connection_signal_subscribe(c->bus, AGENT_NAME, AGENT_IFACE, "Decided", AGENT_PATH,
                                         NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal, c, NULL);
  if (!offer(c, a, &error)) {
    say("cannot offer %s to the otaux agent (%s): retry later (exit 21)", c->id, error->message);
    return EXIT_RETRY;
  }
  for (;;) {
    g_autoptr(GVariantDict) p = offer_props(c, &error);
    const char *phase, *decision;

    if (p == NULL) {
      say("cannot read %s (%s): retry later (exit 21)", c->path, error->message);
      return EXIT_RETRY;
    }
    phase = prop_str(p, "Phase");
    decision = prop_str(p, "Decision");
    if (g_strcmp0(phase, "finished") == 0) {
      if (prop_u(p, "Result") == 401 || g_strcmp0(decision, "cancel") == 0) {
        say("%s was declined: Mender does not install it (exit 1)", c->id);
        return EXIT_FAIL;
      }
      /* An earlier attempt that ended (installed, failed): this is a new one. */
      if (offered_anew || !withdraw(c, &error) || !offer(c, a, &error)) {
        say("cannot offer %s again (%s): retry later (exit 21)", c->id,
            error ? error->message : "it stays finished");
        return EXIT_RETRY;
      }
      offered_anew = TRUE;
      continue;
    }
    if (g_strcmp0(phase, "installing") == 0) {
      say("%s was accepted earlier: installing (exit 0)", c->id);
      return EXIT_GO_ON;
    }
    if (g_strcmp0(decision, "cancel") == 0) {
      say("%s was declined: Mender does not install it (exit 1)", c->id);
      return EXIT_FAIL;
    }
    if (g_strcmp0(decision, "accept") == 0 &&
        (g_strcmp0(phase, "ready") == 0 || g_strcmp0(phase, "delayed") == 0)) {
      if (!set_installing(c, NULL, &error)) {
        if (error_is(error, "org.otaux.Error.NotAllowed")) {
          g_clear_error(&error);
          continue; /* the question changed meanwhile: read it again */
        }
        say("cannot report the install of %s (%s): retry later (exit 21)", c->id, error->message);
        return EXIT_RETRY;
      }
      say("%s accepted (reason %s): installing (exit 0)", c->id, prop_str(p, "DecisionReason"));
      return EXIT_GO_ON;
    }
    if (!wait_for_change(c, deadline)) {
      if (g_strcmp0(decision, "delay-reboot") == 0) {
        g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc(prop_x(p, "RebootAt"));
        g_autofree char *when = at ? g_date_time_format_iso8601(at) : g_strdup("?");
        say("%s delayed to %s: retry later (exit 21)", c->id, when);
      } else {
        say("%s: no decision yet: retry later (exit 21)", c->id);
      }
      return EXIT_RETRY;
    }
  }
}

/* The offer of a script after the install: NULL when the agent does not
 * know it (nothing to report to). */
static GVariantDict *find_offer(Client *c)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantDict *p;

  reply = call(c, AGENT_PATH, AGENT_IFACE, "GetOffer", g_variant_new("(s)", c->id), "(o)", &error);
  if (reply == NULL) {
    say("%s: nothing to report to the otaux agent (%s)", c->id, error->message);
    return NULL;
  }
  g_variant_get(reply, "(o)", &c->path);
  p = offer_props(c, &error);
  if (p == NULL)
    say("cannot read %s (%s)", c->path, error->message);
  return p;
}

static void finish(Client *c, guint32 result, const char *message)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  if (message != NULL)
    g_variant_builder_add(&b, "{sv}", "message", g_variant_new_string(message));
  reply = call(c, c->path, OFFER_IFACE, "FinishWithDetails",
               g_variant_new("(u@a{sv})", result, g_variant_builder_end(&b)), NULL, &error);
  if (reply == NULL)
    say("cannot report %u for %s (%s)", result, c->id, error->message);
  else
    say("%s: reported %u", c->id, result);
}

/* ArtifactInstall_Leave: installed. An artifact that needs a restart gets
 * it from whoever ran `mender install` now (standalone Mender never runs
 * ArtifactReboot_*): say so, which also lets go of the agent's shutdown
 * inhibitor. Always exit 0: the install is done. */
static int run_installed(Client *c, const OtauxMenderArtifact *a)
{
  g_autoptr(GVariantDict) p = NULL;
  g_autoptr(GError) error = NULL;

  if (!a->needs_reboot) {
    say("%s needs no restart: nothing to say", c->id);
    return EXIT_GO_ON;
  }
  p = find_offer(c);
  if (p == NULL)
    return EXIT_GO_ON;
  if (g_strcmp0(prop_str(p, "Correlator"), DAEMON_CORRELATOR) == 0) {
    say("%s: the Mender daemon pauses before the restart: asked there", c->id);
    return EXIT_GO_ON;
  }
  if (g_strcmp0(prop_str(p, "Phase"), "installing") != 0 ||
      g_strcmp0(prop_str(p, "Stage"), "") != 0) {
    say("%s is %s (stage '%s'): nothing to say", c->id, prop_str(p, "Phase"), prop_str(p, "Stage"));
    return EXIT_GO_ON;
  }
  if (set_installing(c, "restarting", &error))
    say("%s installed: the device restarts now", c->id);
  else
    say("cannot report the restart of %s (%s)", c->id, error->message);
  return EXIT_GO_ON;
}

/* Download_Leave, a rootfs script of the Mender daemon: the artifact is
 * downloaded and Mender looks at its Update Control Map as soon as this
 * returns. Offer it, and set the pause that otaux-mender then holds (the
 * same map id: a continue or fail left from the previous deployment is
 * replaced before Mender can act on it). Always exit 0. */
static int run_announce(Client *c, const OtauxMenderArtifact *a)
{
  g_autoptr(GDBusConnection) mender = NULL;
  g_autoptr(GError) error = NULL;

  c->daemon = TRUE;
  if (!offer(c, a, &error))
    say("cannot offer %s to the otaux agent (%s)", c->id, error->message);
  else
    say("%s offered: %s", c->id, c->path);
  g_clear_error(&error);
  mender = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
  if (mender == NULL || otaux_mender_map_send(mender, "pause", "pause", &error) < 0)
    say("cannot pause Mender's install (%s)", error->message);
  else
    say("%s: Mender pauses before the install", c->id);
  return EXIT_GO_ON;
}

/* ArtifactReboot_Enter, daemon mode: Mender pauses before the restart
 * (otaux-mender's map); ask the restart question on the same offer. Mender
 * runs it again after the pause: idempotent. Always exit 0. */
static int run_reboot(Client *c)
{
  g_autoptr(GVariantDict) p = find_offer(c);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (p == NULL)
    return EXIT_GO_ON;
  if (g_strcmp0(prop_str(p, "Phase"), "installing") != 0 ||
      g_strcmp0(prop_str(p, "Stage"), "") != 0) {
    say("%s is %s (stage '%s'): no restart question", c->id, prop_str(p, "Phase"),
        prop_str(p, "Stage"));
    return EXIT_GO_ON;
  }
  reply = call(c, AGENT_PATH, AGENT_IFACE, "Offer", offer_package(NULL, c->id, FALSE, FALSE), "(o)",
               &error);
  if (reply == NULL)
    say("cannot ask the restart question of %s (%s)", c->id, error->message);
  else
    say("%s installed: the restart question is asked", c->id);
  return EXIT_GO_ON;
}

/* ArtifactCommit_Enter: the update is in place and Mender commits it. The
 * exit is always 0: a missing agent must not roll back a good update. */
static int run_commit(Client *c)
{
  g_autoptr(GVariantDict) p = find_offer(c);

  if (p == NULL)
    return EXIT_GO_ON;
  if (g_strcmp0(prop_str(p, "Phase"), "installing") == 0)
    finish(c, 200, NULL);
  else
    say("%s is %s, not installing: nothing reported", c->id, prop_str(p, "Phase"));
  return EXIT_GO_ON;
}

/* ArtifactFailure_Enter: Mender failed the update (and rolled back what its
 * module can). Mender ignores this script's exit code. */
static int run_failure(Client *c, const char *name)
{
  g_autoptr(GVariantDict) p = find_offer(c);
  g_autofree char *words = NULL;
  const char *phase;

  if (p == NULL)
    return EXIT_GO_ON;
  phase = prop_str(p, "Phase");
  if (g_strcmp0(phase, "finished") == 0) {
    if (prop_u(p, "Result") == 401 && g_strcmp0(prop_str(p, "Decision"), "cancel") == 0) {
      words = g_strdup_printf("Mender did not install %s and rolled the update back.", name);
      finish(c, 401, words); /* the one Finish taken after a cancel */
    } else {
      say("%s is finished already (%u): nothing reported", c->id, prop_u(p, "Result"));
    }
    return EXIT_GO_ON;
  }
  if (g_strcmp0(phase, "installing") == 0)
    words = g_strdup_printf("Mender could not install %s and rolled the update back.", name);
  else
    words = g_strdup_printf("Mender gave up on %s before installing it: no decision came within "
                            "its StateScriptRetryTimeoutSeconds, or another state script failed.",
                            name);
  finish(c, 410, words);
  return EXIT_GO_ON;
}

static void print_keys(void)
{
  gsize n;
  const OtauxMenderMetaKey *keys = otaux_mender_meta_keys(&n);

  g_print("| meta-data key | Offer key | meaning |\n|---|---|---|\n");
  for (gsize i = 0; i < n; i++)
    g_print("| `%s` | `%s` | %s |\n", keys[i].meta_key, keys[i].offer_key, keys[i].meaning);
}

/* Mender keeps artifact scripts in DATA/scripts: the script's own path says
 * where DATA is. */
static char *data_dir_of(const char *script)
{
  g_autofree char *dir = g_path_get_dirname(script);
  g_autofree char *base = g_path_get_basename(dir);

  if (g_strcmp0(base, "scripts") != 0)
    return NULL;
  return g_path_get_dirname(dir);
}

static guint wait_from_env(void)
{
  const char *s = g_getenv("OTAUX_MENDER_WAIT");
  guint64 v;

  if (s == NULL || !g_ascii_string_to_unsigned(s, 10, 0, WAIT_MAX, &v, NULL))
    return WAIT_DEFAULT;
  return (guint)v;
}

int main(int argc, char **argv)
{
  g_autofree char *script = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *modules_dir = NULL;
  g_autofree char *bus_name = NULL;
  g_autofree char *state_name = NULL;
  gint wait_s = -1;
  gboolean list_keys = FALSE;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "script", 0, 0, G_OPTION_ARG_FILENAME, &script,
      "The state script's own path ($0 of the wrapper): names the state and Mender's data folder",
      "PATH" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Mender's data folder (default: from --script, $OTAUX_MENDER_DATA_DIR, /var/lib/mender)",
      "DIR" },
    { "modules-dir", 0, 0, G_OPTION_ARG_FILENAME, &modules_dir,
      "Mender's update modules (default: /usr/share/mender/modules/v3)", "DIR" },
    { "bus", 0, 0, G_OPTION_ARG_STRING, &bus_name,
      "The agent's bus: system, session or an address (default: $OTAUX_MENDER_BUS, system)",
      "BUS" },
    { "wait", 0, 0, G_OPTION_ARG_INT, &wait_s,
      "Seconds to wait for a decision before exit 21 (default: $OTAUX_MENDER_WAIT, 10)", "S" },
    { "list-keys", 0, 0, G_OPTION_ARG_NONE, &list_keys,
      "Print the meta-data keys the offer takes and exit", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("[STATE] - Mender state scripts via otaux");
  g_autoptr(GError) error = NULL;
  g_auto(OtauxMenderArtifact) artifact = { 0 };
  Client client = { 0 };
  ScriptState state;
  int rc;

  setlocale(LC_ALL, "");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    g_printerr("otaux-mender-script: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (version) {
    g_print("otaux-mender-script %s\n", PACKAGE_VERSION);
    return EXIT_GO_ON;
  }
  if (list_keys) {
    print_keys();
    return EXIT_GO_ON;
  }
  /* The state: an argument, else the script's name, else our own name. */
  if (script == NULL)
    script = g_strdup(argv[0]);
  state_name = g_path_get_basename(argc > 1 ? argv[1] : script);
  if (argc > 2 || !parse_state(state_name, &state)) {
    g_printerr("otaux-mender-script: '%s' is not ArtifactInstall_Enter, ArtifactInstall_Leave, "
               "ArtifactReboot_Enter, ArtifactCommit_Enter, ArtifactFailure_Enter or "
               "Download_Leave (name the script after its state, docs/mender.md)\n",
               state_name);
    return EXIT_USAGE;
  }
  prog_state = state_name;
  if (wait_s < 0)
    wait_s = (gint)wait_from_env();
  wait_s = MIN(wait_s, WAIT_MAX);
  if (data_dir == NULL)
    data_dir = g_strdup(g_getenv("OTAUX_MENDER_DATA_DIR"));
  /* Rootfs scripts (Download_*) live in /etc/mender/scripts, not DATA. */
  if (data_dir == NULL && state != STATE_ANNOUNCE)
    data_dir = data_dir_of(script);
  if (data_dir == NULL)
    data_dir = g_strdup("/var/lib/mender");
  if (modules_dir == NULL)
    modules_dir = g_strdup("/usr/share/mender/modules/v3");
  if (bus_name == NULL)
    bus_name = g_strdup(g_getenv("OTAUX_MENDER_BUS"));

  if (state == STATE_INSTALL || state == STATE_INSTALLED || state == STATE_ANNOUNCE) {
    if (!otaux_mender_artifact_load(data_dir, modules_dir, &artifact, &error)) {
      /* Not asking would install unasked: fail the update instead. */
      say("%s (exit %d)", error->message, state == STATE_INSTALL ? EXIT_FAIL : EXIT_GO_ON);
      return state == STATE_INSTALL ? EXIT_FAIL : EXIT_GO_ON;
    }
  } else {
    artifact.name = otaux_mender_artifact_read_name(data_dir, &error);
    if (artifact.name == NULL) {
      say("%s: nothing to report", error->message);
      return EXIT_GO_ON;
    }
  }
  client.id = g_strconcat(ID_PREFIX, artifact.name, NULL);
  client.bus = otaux_bridge_client_connect(bus_name, &error);
  if (client.bus == NULL) {
    say("no D-Bus connection (%s)%s", error->message,
        state == STATE_INSTALL ? ": retry later (exit 21)" : "");
    client_clear(&client);
    return state == STATE_INSTALL ? EXIT_RETRY : EXIT_GO_ON;
  }
  switch (state) {
    case STATE_INSTALL:
      rc = run_install(&client, &artifact, (guint)wait_s);
      break;
    case STATE_INSTALLED:
      rc = run_installed(&client, &artifact);
      break;
    case STATE_ANNOUNCE:
      rc = run_announce(&client, &artifact);
      break;
    case STATE_REBOOT:
      rc = run_reboot(&client);
      break;
    case STATE_COMMIT:
      rc = run_commit(&client);
      break;
    case STATE_FAILURE:
    default:
      rc = run_failure(&client, artifact.name);
      break;
  }
  client_clear(&client);
  return rc;
}
