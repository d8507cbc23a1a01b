/* Offers of "fwupd:" ids that no job knows: left from an earlier run of
 * the bridge (or from before the device's restart). */
#include "otaux-fwupd-private.h"

#include <string.h>

#define AGENT_NAME      OTAUX_BRIDGE_CLIENT_AGENT_NAME
#define AGENT_PATH      OTAUX_BRIDGE_CLIENT_AGENT_PATH
#define AGENT_IFACE     OTAUX_BRIDGE_CLIENT_AGENT_IFACE
#define OFFER_IFACE     OTAUX_BRIDGE_CLIENT_OFFER_IFACE
#define CALL_TIMEOUT_MS 10000

/* -- offers left from an earlier run ----------------------------------------
 * The bridge may have been stopped while a release was replaced or went
 * away: the agent still has its offer, which no job knows. After the first
 * look at fwupd, such "fwupd:" offers that still ask a question are
 * withdrawn; finished ones stay. An installed release is known by fwupd's
 * results: an offer installing (or restarting: this may be the new boot)
 * gets its result, an open restart question is taken up again. */

static gboolean is_ours(OtauxFwupdBridge *bridge, const char *path)
{
  return job_by_path(bridge, path) != NULL;
}

static void on_leftover_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  bridge->pending--;
  if (reply == NULL && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug("a left offer: %s", error->message);
}

typedef struct {
  OtauxFwupdBridge *bridge;
  char *path;
  char *id;
  char *phase;
  gboolean restart_only; /* the agent's RestartOnly: the restart question */
} Leftover;

static void leftover_free(Leftover *left)
{
  g_free(left->path);
  g_free(left->id);
  g_free(left->phase);
  g_free(left);
}

static void leftover_call(Leftover *left, const char *method, GVariant *params)
{
  OtauxFwupdBridge *bridge = left->bridge;

  bridge->pending++;
  g_dbus_connection_call(bridge->session, AGENT_NAME, left->path, OFFER_IFACE, method, params, NULL,
                         G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable,
                         on_leftover_done, bridge);
}

static gboolean leftover_asks(const char *phase)
{
  return g_strcmp0(phase, "offered") == 0 || g_strcmp0(phase, "ready") == 0 ||
         g_strcmp0(phase, "delayed") == 0 || g_strcmp0(phase, "downloading") == 0;
}

static void leftover_withdraw(Leftover *left)
{
  if (!leftover_asks(left->phase))
    return;
  g_info("%s: left from an earlier run and no longer offered by fwupd: withdrawn", left->id);
  leftover_call(left, "Withdraw", NULL);
}

/* An installed release whose restart question is open: a job again. */
static void leftover_adopt(Leftover *left, FwupdDevice *result, FwupdRelease *release)
{
  OtauxFwupdBridge *bridge = left->bridge;
  Job *job = job_new(bridge, result, release);

  g_info("%s: installed, the restart question is open: taken up again", left->id);
  job->path = g_strdup(left->path);
  job->needs_reboot = TRUE;
  job->restart_only = TRUE;
  job->work = WORK_RESTART;
  g_hash_table_insert(bridge->jobs, g_strdup(job->id), job);
  bridge_refresh(job);
}

static void on_leftover_results(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Leftover *left = user_data;
  OtauxFwupdBridge *bridge = left->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(FwupdDevice) result =
      fwupd_client_get_results_finish(FWUPD_CLIENT(source), res, &error);
  GPtrArray *releases = result != NULL ? fwupd_device_get_releases(result) : NULL;
  FwupdRelease *release =
      releases != NULL && releases->len > 0 ? g_ptr_array_index(releases, 0) : NULL;
  /* the id is fwupd:DEVICE:VERSION (checked before the call) */
  const char *version = strchr(left->id + strlen("fwupd:"), ':') + 1;
  FwupdUpdateState state =
      result != NULL ? fwupd_device_get_update_state(result) : FWUPD_UPDATE_STATE_UNKNOWN;
  gboolean installing = g_strcmp0(left->phase, "installing") == 0;

  bridge->pending--;
  if (g_cancellable_is_cancelled(bridge->cancellable) || is_ours(bridge, left->path) ||
      g_hash_table_contains(bridge->jobs, left->id)) {
    leftover_free(left);
    return;
  }
  if (release == NULL || g_strcmp0(fwupd_release_get_version(release), version) != 0) {
    leftover_withdraw(left); /* installing with no record: nothing to say */
  } else if (!installing && (left->restart_only || state == FWUPD_UPDATE_STATE_NEEDS_REBOOT ||
                             otaux_fwupd_needs_reboot(result))) {
    leftover_adopt(left, result, release);
  } else if (state == FWUPD_UPDATE_STATE_SUCCESS || state == FWUPD_UPDATE_STATE_NEEDS_REBOOT) {
    g_info("%s: installed (fwupd's results): finished with 200", left->id);
    leftover_call(left, "Finish", g_variant_new("(u)", 200));
  } else if (installing &&
             (state == FWUPD_UPDATE_STATE_FAILED || state == FWUPD_UPDATE_STATE_FAILED_TRANSIENT)) {
    g_info("%s: fwupd recorded a failed install: finished with 410", left->id);
    leftover_call(left, "Finish", g_variant_new("(u)", 410));
  } else {
    leftover_withdraw(left);
  }
  leftover_free(left);
}

static void on_leftover_props(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Leftover *left = user_data;
  OtauxFwupdBridge *bridge = left->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autoptr(GVariant) props = NULL;
  const char *id = NULL, *phase = NULL, *sep = NULL;

  bridge->pending--;
  if (reply == NULL) {
    leftover_free(left);
    return;
  }
  props = g_variant_get_child_value(reply, 0);
  if (!g_variant_lookup(props, "Id", "&s", &id) ||
      !g_variant_lookup(props, "Phase", "&s", &phase) || !g_str_has_prefix(id, "fwupd:") ||
      is_ours(bridge, left->path) || g_hash_table_contains(bridge->jobs, id)) {
    leftover_free(left);
    return;
  }
  left->id = g_strdup(id);
  left->phase = g_strdup(phase);
  (void)g_variant_lookup(props, "RestartOnly", "b", &left->restart_only);
  sep = strchr(id + strlen("fwupd:"), ':');
  /* Installed, perhaps: fwupd's results for the device tell. */
  if (sep != NULL && bridge->client != NULL &&
      (g_strcmp0(phase, "installing") == 0 || g_strcmp0(phase, "ready") == 0 ||
       g_strcmp0(phase, "delayed") == 0)) {
    g_autofree char *device_id = g_strndup(id + strlen("fwupd:"), sep - id - strlen("fwupd:"));

    bridge->pending++;
    fwupd_client_get_results_async(bridge->client, device_id, bridge->cancellable,
                                   on_leftover_results, left);
    return;
  }
  leftover_withdraw(left);
  leftover_free(left);
}

static void on_offers(GObject *source, GAsyncResult *res, gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *path;

  bridge->pending--;
  if (reply == NULL)
    return;
  g_variant_get(reply, "(v)", &value);
  if (!g_variant_is_of_type(value, G_VARIANT_TYPE("ao")))
    return;
  g_variant_get(value, "ao", &iter);
  while (g_variant_iter_next(iter, "&o", &path)) {
    Leftover *left;
    /* the system instance's offers that the agent presents are not the
     * bridge's to withdraw (docs/dbus-api.md) */
    if (is_ours(bridge, path) || g_str_has_prefix(path, "/org/otaux/Agent/System/"))
      continue;
    left = g_new0(Leftover, 1);
    left->bridge = bridge;
    left->path = g_strdup(path);
    bridge->pending++;
    g_dbus_connection_call(bridge->session, AGENT_NAME, path, "org.freedesktop.DBus.Properties",
                           "GetAll", g_variant_new("(s)", OFFER_IFACE), G_VARIANT_TYPE("(a{sv})"),
                           G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable,
                           on_leftover_props, left);
  }
}

void bridge_sweep_leftovers(OtauxFwupdBridge *bridge)
{
  if (bridge->swept || !bridge->agent_up)
    return;
  bridge->swept = TRUE;
  bridge->pending++;
  g_dbus_connection_call(bridge->session, AGENT_NAME, AGENT_PATH, "org.freedesktop.DBus.Properties",
                         "Get", g_variant_new("(ss)", AGENT_IFACE, "Offers"), G_VARIANT_TYPE("(v)"),
                         G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable, on_offers,
                         bridge);
}
