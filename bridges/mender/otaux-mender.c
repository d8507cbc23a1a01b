/* otaux-mender: holds the Mender daemon's Update Control Map for otaux
 * (docs/mender.md, "Daemon mode"). Mender pauses before the install and
 * before the restart; the Download_Leave and ArtifactReboot_Enter scripts
 * (otaux-mender-script) offer the artifact and ask the restart question;
 * this daemon follows the agent's decisions on `mender:` offers and answers
 * each pause with continue or fail, re-sending the map before it expires.
 * A plain GDBus client of the otaux API and of io.mender.Update1. */
#include "config.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>

#include "otaux-bridge-client.h"
#include "otaux-mender-map.h"

#define AGENT_NAME     OTAUX_BRIDGE_CLIENT_AGENT_NAME
#define AGENT_PATH     OTAUX_BRIDGE_CLIENT_AGENT_PATH
#define AGENT_IFACE    OTAUX_BRIDGE_CLIENT_AGENT_IFACE
#define OFFER_IFACE    OTAUX_BRIDGE_CLIENT_OFFER_IFACE
#define PROPS_IFACE    OTAUX_BRIDGE_CLIENT_PROPS_IFACE
#define ID_PREFIX      "mender:"
#define CALL_TIMEOUT   5000
#define RESEND_DEFAULT 1000 /* ms, until Mender tells its refresh time */

typedef struct {
  GDBusConnection *agent;
  GDBusConnection *mender;
  char *path;                 /* the mender: offer the pauses are about, or NULL */
  const char *install_action; /* pause, continue, fail */
  const char *reboot_action;
  gboolean mender_up;
  guint resend_id;
  guint resend_ms;
} Bridge;

static void schedule_resend(Bridge *b);

static void send_map(Bridge *b)
{
  g_autoptr(GError) error = NULL;
  gint refresh;

  if (!b->mender_up || b->path == NULL)
    return; /* nothing to hold: the Download_Leave script sets the first pause */
  refresh = otaux_mender_map_send(b->mender, b->install_action, b->reboot_action, &error);
  if (refresh < 0) {
    g_warning("SetUpdateControlMap: %s", error->message);
    b->resend_ms = RESEND_DEFAULT;
  } else {
    g_debug("map sent: install %s, reboot %s (refresh %d s)", b->install_action, b->reboot_action,
            refresh);
    /* Well before the map expires (twice the refresh time): at half the
     * refresh time, on a millisecond timer (g_timeout_add_seconds may fire
     * up to a second late: all the margin of a 1 s refresh time). */
    b->resend_ms = (guint)MAX(250, refresh * 500);
  }
  schedule_resend(b);
}

static gboolean on_resend(gpointer user_data)
{
  Bridge *b = user_data;

  b->resend_id = 0;
  send_map(b);
  return G_SOURCE_REMOVE;
}

static void schedule_resend(Bridge *b)
{
  if (b->resend_id != 0)
    g_source_remove(b->resend_id);
  b->resend_id = g_timeout_add(b->resend_ms, on_resend, b);
}

static GVariant *offer_prop(Bridge *b, const char *path, const char *name)
{
  g_autoptr(GVariant) reply = NULL;
  GVariant *v = NULL;

  reply = g_dbus_connection_call_sync(
      b->agent, AGENT_NAME, path, PROPS_IFACE, "Get", g_variant_new("(ss)", OFFER_IFACE, name),
      G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT, NULL, NULL);
  if (reply != NULL)
    g_variant_get(reply, "(v)", &v);
  return v;
}

static gboolean set_installing(Bridge *b, const char *path, const char *stage)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder d;

  g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
  if (stage != NULL)
    g_variant_builder_add(&d, "{sv}", "stage", g_variant_new_string(stage));
  reply = g_dbus_connection_call_sync(b->agent, AGENT_NAME, path, OFFER_IFACE, "SetState",
                                      g_variant_new("(u@a{sv})", 60, g_variant_builder_end(&d)),
                                      NULL, G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT, NULL, &error);
  if (reply == NULL)
    g_warning("SetState 60 on %s: %s", path, error->message);
  return reply != NULL;
}

static void unfollow(Bridge *b, const char *why)
{
  if (b->path == NULL)
    return;
  g_message("%s %s: the map is left to expire", b->path, why);
  g_clear_pointer(&b->path, g_free);
  if (b->resend_id != 0) {
    g_source_remove(b->resend_id);
    b->resend_id = 0;
  }
}

/* A new mender: offer (a new deployment): its pauses hold until decided. */
static void follow(Bridge *b, const char *path)
{
  if (g_strcmp0(b->path, path) == 0)
    return;
  g_free(b->path);
  b->path = g_strdup(path);
  b->install_action = "pause";
  b->reboot_action = "pause";
  g_message("following %s", path);
}

static void on_decided(GDBusConnection *bus, const char *sender, const char *path,
                       const char *iface, const char *member, GVariant *params, gpointer user_data)
{
  Bridge *b = user_data;
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GVariant) restart_only = NULL;
  const char *offer, *decision, *id = NULL, *phase = NULL;

  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(osa{sv})")))
    return;
  g_variant_get(params, "(&o&s@a{sv})", &offer, &decision, &details);
  g_variant_lookup(details, "id", "&s", &id);
  g_variant_lookup(details, "phase", "&s", &phase);
  if (id == NULL || !g_str_has_prefix(id, ID_PREFIX))
    return;
  if (g_strcmp0(phase, "ready") != 0 && g_strcmp0(phase, "delayed") != 0)
    return;
  follow(b, offer);
  restart_only = offer_prop(b, offer, "RestartOnly");
  gboolean restart = restart_only != NULL && g_variant_get_boolean(restart_only);
  g_message("%s: %s (%s question)", id, decision, restart ? "restart" : "install");
  if (g_strcmp0(decision, "accept") == 0) {
    if (!set_installing(b, offer, restart ? "restarting" : NULL))
      return;
    if (restart)
      b->reboot_action = "continue";
    else
      b->install_action = "continue";
  } else if (g_strcmp0(decision, "cancel") == 0) {
    if (restart)
      b->reboot_action = "fail";
    else
      b->install_action = "fail";
    /* Sent once: Mender fails at once; the map then expires on its own and
     * never meets the next deployment. */
    send_map(b);
    unfollow(b, "cancelled");
    return;
  } else {
    return; /* delay-reboot: the pause holds until the agent accepts (scheduled) */
  }
  send_map(b);
}

static void on_offer_added(GDBusConnection *bus, const char *sender, const char *path,
                           const char *iface, const char *member, GVariant *params,
                           gpointer user_data)
{
  Bridge *b = user_data;
  g_autoptr(GVariant) id = NULL;
  const char *offer;

  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
    return;
  g_variant_get(params, "(&o)", &offer);
  id = offer_prop(b, offer, "Id");
  if (id != NULL && g_str_has_prefix(g_variant_get_string(id, NULL), ID_PREFIX)) {
    follow(b, offer);
    send_map(b);
  }
}

/* Once the offer is finished (committed, failed, cancelled and failed),
 * the map is not re-sent: it expires on its own. */
static void on_props_changed(GDBusConnection *bus, const char *sender, const char *path,
                             const char *iface, const char *member, GVariant *params,
                             gpointer user_data)
{
  Bridge *b = user_data;
  g_autoptr(GVariant) changed = NULL;
  const char *phase = NULL;

  if (g_strcmp0(path, b->path) != 0 || !g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
    return;
  changed = g_variant_get_child_value(params, 1);
  if (g_variant_lookup(changed, "Phase", "&s", &phase) && g_strcmp0(phase, "finished") == 0)
    unfollow(b, "finished");
}

/* At start (and when the agent comes back): the newest open mender: offer
 * is the deployment Mender may be paused for; hold its pauses as its
 * state says. */
static void pick_up(Bridge *b)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) offers = NULL;
  gsize n;

  reply = g_dbus_connection_call_sync(b->agent, AGENT_NAME, AGENT_PATH, PROPS_IFACE, "Get",
                                      g_variant_new("(ss)", AGENT_IFACE, "Offers"),
                                      G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT,
                                      NULL, NULL);
  if (reply == NULL)
    return;
  g_variant_get(reply, "(v)", &offers);
  n = g_variant_n_children(offers);
  for (gsize i = n; i-- > 0;) {
    g_autoptr(GVariant) path_v = g_variant_get_child_value(offers, i);
    const char *path = g_variant_get_string(path_v, NULL);
    g_autoptr(GVariant) id = offer_prop(b, path, "Id");
    g_autoptr(GVariant) phase = NULL;
    g_autoptr(GVariant) stage = NULL;
    g_autoptr(GVariant) restart_only = NULL;
    const char *ph;

    if (id == NULL || !g_str_has_prefix(g_variant_get_string(id, NULL), ID_PREFIX))
      continue;
    phase = offer_prop(b, path, "Phase");
    ph = phase ? g_variant_get_string(phase, NULL) : "";
    if (g_strcmp0(ph, "finished") == 0)
      return; /* the newest is done: nothing is paused for us */
    follow(b, path);
    restart_only = offer_prop(b, path, "RestartOnly");
    stage = offer_prop(b, path, "Stage");
    if (restart_only != NULL && g_variant_get_boolean(restart_only))
      b->install_action = "continue"; /* the restart question: installed already */
    if (g_strcmp0(ph, "installing") == 0) {
      b->install_action = "continue";
      if (stage != NULL && g_strcmp0(g_variant_get_string(stage, NULL), "restarting") == 0)
        b->reboot_action = "continue";
    }
    return;
  }
}

static void on_mender_appeared(GDBusConnection *bus, const char *name, const char *owner,
                               gpointer user_data)
{
  Bridge *b = user_data;

  b->mender_up = TRUE;
  send_map(b);
}

static void on_mender_vanished(GDBusConnection *bus, const char *name, gpointer user_data)
{
  Bridge *b = user_data;

  b->mender_up = FALSE;
}

int main(int argc, char **argv)
{
  g_autofree char *agent_bus = NULL;
  gboolean verbose = FALSE;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "agent-bus", 0, 0, G_OPTION_ARG_STRING, &agent_bus,
      "The agent's bus: system, session or an address (default: $OTAUX_MENDER_BUS, system)",
      "BUS" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log what happens", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  int rc;
  g_autoptr(GOptionContext) ctx = g_option_context_new("- Mender's pauses through otaux");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Bridge b = { .install_action = "pause", .reboot_action = "pause", .resend_ms = RESEND_DEFAULT };
  guint watch;

  setlocale(LC_ALL, "");
  g_option_context_add_main_entries(ctx, entries, NULL);
  rc = otaux_bridge_client_parse_options(ctx, &argc, &argv, "otaux-mender", &version, &verbose);
  if (rc >= 0)
    return rc;
  if (agent_bus == NULL)
    agent_bus = g_strdup(g_getenv("OTAUX_MENDER_BUS"));
  b.agent = otaux_bridge_client_connect(agent_bus, &error);
  if (b.agent == NULL) {
    g_printerr("otaux-mender: the agent's bus: %s\n", error->message);
    return 1;
  }
  b.mender = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
  if (b.mender == NULL) {
    g_printerr("otaux-mender: the system bus: %s\n", error->message);
    g_object_unref(b.agent);
    return 1;
  }
  g_dbus_connection_signal_subscribe(b.agent, AGENT_NAME, AGENT_IFACE, "Decided", AGENT_PATH, NULL,
                                     G_DBUS_SIGNAL_FLAGS_NONE, on_decided, &b, NULL);
  g_dbus_connection_signal_subscribe(b.agent, AGENT_NAME, AGENT_IFACE, "OfferAdded", AGENT_PATH,
                                     NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_offer_added, &b, NULL);
  g_dbus_connection_signal_subscribe(b.agent, AGENT_NAME, PROPS_IFACE, "PropertiesChanged", NULL,
                                     OFFER_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_props_changed, &b,
                                     NULL);
  watch =
      g_bus_watch_name_on_connection(b.mender, OTAUX_MENDER_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_mender_appeared, on_mender_vanished, &b, NULL);
  loop = g_main_loop_new(NULL, FALSE);
  pick_up(&b);
  g_message("holding Mender's pauses (map %s)", OTAUX_MENDER_MAP_ID);
  otaux_bridge_client_run(loop);
  g_bus_unwatch_name(watch);
  if (b.resend_id != 0)
    g_source_remove(b.resend_id);
  g_free(b.path);
  g_object_unref(b.agent);
  g_object_unref(b.mender);
  return 0;
}
