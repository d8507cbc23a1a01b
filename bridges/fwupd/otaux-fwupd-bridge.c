/* The bridge: one Job per offered release. It looks at fwupd's updatable
 * devices, offers the newest upgrade of each, follows the offer's Phase and
 * Decision (signals, and a GetAll after every change or restart) and hands
 * accepted work to the flow (otaux-fwupd-flow.c). */
#include "config.h"

#include "otaux-fwupd-private.h"

#include <string.h>

#define AGENT_NAME      OTAUX_BRIDGE_CLIENT_AGENT_NAME
#define AGENT_PATH      OTAUX_BRIDGE_CLIENT_AGENT_PATH
#define AGENT_IFACE     OTAUX_BRIDGE_CLIENT_AGENT_IFACE
#define OFFER_IFACE     OTAUX_BRIDGE_CLIENT_OFFER_IFACE
#define FWUPD_NAME      "org.freedesktop.fwupd"
#define CALL_TIMEOUT_MS 10000
/* fwupd sends "changed" in bursts (one per device property); look once. */
#define SYNC_DELAY_MS 200

Job *job_ref(Job *job)
{
  job->refs++;
  return job;
}

void job_unref(Job *job)
{
  if (job == NULL || --job->refs > 0)
    return;
  g_free(job->id);
  g_free(job->device_id);
  g_free(job->version);
  g_clear_object(&job->device);
  g_clear_object(&job->release);
  g_free(job->path);
  g_free(job->phase);
  g_free(job->decision);
  g_free(job->stage);
  g_clear_object(&job->cancellable);
  g_free(job->file);
  g_free(job);
}

Job *job_new(OtauxFwupdBridge *bridge, FwupdDevice *device, FwupdRelease *release)
{
  Job *job = g_new0(Job, 1);

  job->refs = 1;
  job->bridge = bridge;
  job->device_id = g_strdup(fwupd_device_get_id(device));
  job->version = g_strdup(fwupd_release_get_version(release));
  job->id = otaux_fwupd_offer_id(job->device_id, job->version);
  job->device = g_object_ref(device);
  job->release = g_object_ref(release);
  job->phase = g_strdup("");
  job->decision = g_strdup("none");
  job->stage = g_strdup("");
  job->last_percent = -1;
  return job;
}

Job *job_by_path(OtauxFwupdBridge *bridge, const char *path)
{
  GHashTableIter iter;
  Job *job;

  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job))
    if (g_strcmp0(job->path, path) == 0)
      return job;
  return NULL;
}

/* -- calls to the agent ---------------------------------------------------- */

static void log_reply(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  job->bridge->pending--;
  if (reply == NULL && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning("%s: %s", job->id, error->message);
}

static void offer_call(Job *job, const char *method, GVariant *params, GAsyncReadyCallback cb)
{
  OtauxFwupdBridge *bridge = job->bridge;

  /* While the agent is away nothing reaches it; what matters is reported
   * again when it is back (a re-offer, then Phase, Decision, refinish). */
  if (job->path == NULL || bridge->session == NULL || !bridge->agent_up) {
    if (params != NULL)
      g_variant_unref(g_variant_ref_sink(params));
    return;
  }
  bridge->pending++;
  g_dbus_connection_call(bridge->session, AGENT_NAME, job->path, OFFER_IFACE, method, params, NULL,
                         G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable,
                         cb ? cb : log_reply, job_ref(job));
}

void bridge_set_state(Job *job, guint state, guint64 done, guint64 total, const char *instruction)
{
  GVariantBuilder details;

  g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
  if (total > 0) {
    g_variant_builder_add(&details, "{sv}", "bytes-done", g_variant_new_uint64(MIN(done, total)));
    g_variant_builder_add(&details, "{sv}", "bytes-total", g_variant_new_uint64(total));
  }
  if (instruction != NULL)
    g_variant_builder_add(&details, "{sv}", "instruction", g_variant_new_string(instruction));
  offer_call(job, "SetState", g_variant_new("(ua{sv})", state, &details), NULL);
}

void bridge_set_stage(Job *job, const char *stage)
{
  GVariantBuilder details;

  g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&details, "{sv}", "stage", g_variant_new_string(stage));
  offer_call(job, "SetState", g_variant_new("(ua{sv})", 60, &details), NULL);
}

void bridge_finish(Job *job, guint result)
{
  g_info("%s: finished with %u", job->id, result);
  job->work = WORK_DONE;
  job->final_result = result;
  offer_call(job, "Finish", g_variant_new("(u)", result), NULL);
  flow_prune_cache(job->bridge);
}

static GVariant *offer_package(Job *job, const char *install_message)
{
  GVariantBuilder b;
  FwupdRelease *rel = job->release;
  g_autofree char *notes = otaux_fwupd_markup_to_text(fwupd_release_get_description(rel));
  const char *name = fwupd_device_get_name(job->device);
  const char *message = install_message ? install_message : fwupd_release_get_update_message(rel);

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "id", g_variant_new_string(job->id));
  if (name != NULL && *name != '\0')
    g_variant_builder_add(&b, "{sv}", "name", g_variant_new_string(name));
  g_variant_builder_add(&b, "{sv}", "version", g_variant_new_string(job->version));
  g_variant_builder_add(
      &b, "{sv}", "priority",
      g_variant_new_string(otaux_fwupd_priority_from_urgency(fwupd_release_get_urgency(rel))));
  if (fwupd_release_get_size(rel) > 0)
    g_variant_builder_add(&b, "{sv}", "size", g_variant_new_uint64(fwupd_release_get_size(rel)));
  if (*notes != '\0')
    g_variant_builder_add(&b, "{sv}", "release-notes", g_variant_new_string(notes));
  g_variant_builder_add(&b, "{sv}", "needs-reboot", g_variant_new_boolean(job->needs_reboot));
  /* only ever true: a re-offer without it keeps the restart question */
  if (job->restart_only)
    g_variant_builder_add(&b, "{sv}", "restart-only", g_variant_new_boolean(TRUE));
  if (message != NULL && *message != '\0')
    g_variant_builder_add(&b, "{sv}", "install-message",
                          g_variant_new_string(g_utf8_validate(message, -1, NULL) ? message : ""));
  return g_variant_new("(a{sv})", &b);
}

static void on_offered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  job->bridge->pending--;
  job->offering = FALSE;
  if (reply == NULL) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning("Offer %s: %s", job->id, error->message);
    return;
  }
  g_free(job->path);
  g_variant_get(reply, "(o)", &job->path);
  g_info("%s: offered as %s", job->id, job->path);
  bridge_refresh(job);
}

static void offer(Job *job, const char *install_message)
{
  OtauxFwupdBridge *bridge = job->bridge;

  if (!bridge->agent_up || bridge->session == NULL)
    return;
  job->offering = TRUE;
  bridge->pending++;
  g_dbus_connection_call(bridge->session, AGENT_NAME, AGENT_PATH, AGENT_IFACE, "Offer",
                         offer_package(job, install_message), G_VARIANT_TYPE("(o)"),
                         G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable, on_offered,
                         job_ref(job));
}

void bridge_reoffer(Job *job, const char *install_message)
{
  offer(job, install_message);
}

static void act(Job *job)
{
  OtauxFwupdBridge *bridge = job->bridge;

  if (g_strcmp0(job->phase, "finished") == 0) {
    g_autoptr(GError) error = NULL;
    if (job->work != WORK_IDLE && job->work != WORK_DONE)
      g_cancellable_cancel(job->cancellable);
    job->work = WORK_DONE;
    /* 401: the person cancelled; fwupd has no cancel, so remember it. */
    if (job->result == 401 &&
        !otaux_declined_decline(bridge->state, job->device_id, job->version, &error))
      g_warning("%s", error->message);
    return;
  }
  /* The agent was away when the bridge reported the end: report it again. */
  if (job->refinish && job->final_result != 0) {
    job->refinish = FALSE;
    g_info("%s: reporting %u again", job->id, job->final_result);
    offer_call(job, "Finish", g_variant_new("(u)", job->final_result), NULL);
    return;
  }
  if (job->work == WORK_IDLE && g_strcmp0(job->phase, "installing") == 0) {
    /* The restart was announced and has not happened: nothing to do. */
    if (g_strcmp0(job->stage, "restarting") == 0)
      return;
    /* The new boot: fwupd's result is the offer's result. */
    if (g_strcmp0(job->stage, "finishing") == 0 && bridge->fwupd_up) {
      job->after_restart = TRUE;
      flow_resume_installing(job);
      return;
    }
  }
  /* Installed before (a restart question the agent kept): only the restart. */
  if (job->work == WORK_IDLE && job->restart_only &&
      (g_strcmp0(job->phase, "ready") == 0 || g_strcmp0(job->phase, "delayed") == 0))
    job->work = WORK_RESTART;
  /* Installed, and fwupd needs a restart: only the person's accept (now
   * or at the time chosen) restarts the device. */
  if (job->work == WORK_RESTART) {
    if ((g_strcmp0(job->phase, "ready") == 0 || g_strcmp0(job->phase, "delayed") == 0) &&
        g_strcmp0(job->decision, "accept") == 0)
      flow_restart(job);
    return;
  }
  if (job->work != WORK_IDLE || !bridge->fwupd_up)
    return;
  if (g_strcmp0(job->phase, "downloading") == 0)
    flow_download(job, FALSE);
  else if ((g_strcmp0(job->phase, "ready") == 0 || g_strcmp0(job->phase, "delayed") == 0) &&
           g_strcmp0(job->decision, "accept") == 0)
    flow_install(job);
  else if (g_strcmp0(job->phase, "installing") == 0)
    flow_resume_installing(job);
}

static void on_props(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autoptr(GVariant) props = NULL;

  job->bridge->pending--;
  job->reading = FALSE;
  if (reply == NULL) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning("%s: reading the offer: %s", job->id, error->message);
    return;
  }
  props = g_variant_get_child_value(reply, 0);
  g_free(job->phase);
  g_free(job->decision);
  g_free(job->stage);
  if (!g_variant_lookup(props, "Phase", "s", &job->phase))
    job->phase = g_strdup("");
  if (!g_variant_lookup(props, "Decision", "s", &job->decision))
    job->decision = g_strdup("none");
  if (!g_variant_lookup(props, "Stage", "s", &job->stage))
    job->stage = g_strdup(""); /* an agent older than the restart stage */
  {
    gboolean restart_only = FALSE;

    /* the agent remembers the restart question across the bridge's restarts */
    if (g_variant_lookup(props, "RestartOnly", "b", &restart_only) && restart_only)
      job->restart_only = TRUE;
  }
  if (!g_variant_lookup(props, "Result", "u", &job->result))
    job->result = 0;
  g_debug("%s: phase %s, stage %s, decision %s", job->id, job->phase, job->stage, job->decision);
  if (job->reread) {
    job->reread = FALSE;
    bridge_refresh(job);
    return;
  }
  act(job);
}

void bridge_refresh(Job *job)
{
  OtauxFwupdBridge *bridge = job->bridge;

  if (job->path == NULL || bridge->session == NULL)
    return;
  if (job->reading) {
    job->reread = TRUE;
    return;
  }
  job->reading = TRUE;
  bridge->pending++;
  g_dbus_connection_call(bridge->session, AGENT_NAME, job->path, "org.freedesktop.DBus.Properties",
                         "GetAll", g_variant_new("(s)", OFFER_IFACE), G_VARIANT_TYPE("(a{sv})"),
                         G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable, on_props,
                         job_ref(job));
}

static void withdraw(Job *job)
{
  g_info("%s: withdrawn (the release is gone or a newer one came)", job->id);
  if (job->cancellable != NULL)
    g_cancellable_cancel(job->cancellable);
  job->work = WORK_DONE;
  offer_call(job, "Withdraw", NULL, NULL);
  flow_prune_cache(job->bridge);
}

/* Decided and PropertiesChanged (Phase, Decision) of our offers. */
static void on_offer_signal(GDBusConnection *conn, const char *sender, const char *path,
                            const char *iface, const char *member, GVariant *params,
                            gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;
  Job *job = job_by_path(bridge, path);

  if (job == NULL)
    return;
  if (g_strcmp0(member, "PropertiesChanged") == 0) {
    g_autoptr(GVariant) changed = g_variant_get_child_value(params, 1);
    if (!g_variant_lookup(changed, "Phase", "&s", NULL) &&
        !g_variant_lookup(changed, "Decision", "&s", NULL))
      return;
  }
  bridge_refresh(job);
}

/* -- looking at fwupd ------------------------------------------------------- */

static void bridge_sync(OtauxFwupdBridge *bridge);

typedef struct {
  OtauxFwupdBridge *bridge;
  int waiting;
  GPtrArray *found; /* (device, release) pairs, flat */
} SyncRun;

static void reconcile(OtauxFwupdBridge *bridge, GPtrArray *found)
{
  GHashTableIter iter;
  Job *job;

  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job))
    job->seen = FALSE;
  for (guint i = 0; i + 1 < found->len; i += 2) {
    FwupdDevice *device = g_ptr_array_index(found, i);
    FwupdRelease *release = g_ptr_array_index(found, i + 1);
    const char *version = fwupd_release_get_version(release);
    g_autofree char *id = NULL;

    if (version == NULL)
      continue;
    if (otaux_declined_is_declined(bridge->state, fwupd_device_get_id(device), version)) {
      g_debug("%s %s: declined before, not offered", fwupd_device_get_id(device), version);
      continue;
    }
    id = otaux_fwupd_offer_id(fwupd_device_get_id(device), version);
    job = g_hash_table_lookup(bridge->jobs, id);
    if (job == NULL) {
      job = job_new(bridge, device, release);
      job->needs_reboot = otaux_fwupd_needs_reboot(device);
      g_hash_table_insert(bridge->jobs, g_strdup(id), job);
    } else if (job->work == WORK_IDLE) {
      g_set_object(&job->device, device);
      g_set_object(&job->release, release);
    }
    job->seen = TRUE;
    if (job->path == NULL && !job->offering)
      offer(job, NULL);
  }
  /* Releases that are gone, or replaced by a newer one: withdraw what
   * nobody is working on; drop what is finished. */
  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    if (job->seen || job->work == WORK_DOWNLOADING || job->work == WORK_INSTALLING)
      continue;
    /* installed (so no longer an upgrade) while the agent was away: find
     * the offer again (same id, same path) to report the result, or to ask
     * the restart question again */
    if ((job->refinish || job->work == WORK_RESTART) && job->path == NULL && !job->offering) {
      offer(job, NULL);
      continue;
    }
    if (job->work == WORK_RESTART)
      continue; /* waits for the person's restart answer */
    if (job->path == NULL || job->offering || job->reading)
      continue;
    if (job->work == WORK_IDLE &&
        (g_strcmp0(job->phase, "offered") == 0 || g_strcmp0(job->phase, "ready") == 0 ||
         g_strcmp0(job->phase, "delayed") == 0))
      withdraw(job);
    else if (g_strcmp0(job->phase, "installing") == 0 || g_strcmp0(job->phase, "downloading") == 0)
      continue;
    g_hash_table_iter_remove(&iter);
  }
  flow_prune_cache(bridge);
}

static void sync_run_done(SyncRun *run)
{
  OtauxFwupdBridge *bridge = run->bridge;

  bridge->pending--;
  if (bridge->fwupd_up && !g_cancellable_is_cancelled(bridge->cancellable)) {
    reconcile(bridge, run->found);
    bridge_sweep_leftovers(bridge);
  }
  g_ptr_array_unref(run->found);
  g_free(run);
  bridge->syncing = FALSE;
  if (bridge->resync) {
    bridge->resync = FALSE;
    bridge_sync(bridge);
  }
}

typedef struct {
  SyncRun *run;
  FwupdDevice *device;
} UpgradeAsk;

static void on_upgrades(GObject *source, GAsyncResult *res, gpointer user_data)
{
  UpgradeAsk *ask = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) releases =
      fwupd_client_get_upgrades_finish(FWUPD_CLIENT(source), res, &error);

  if (releases != NULL && releases->len > 0) {
    /* fwupd sorts the upgrades newest first */
    g_ptr_array_add(ask->run->found, g_object_ref(ask->device));
    g_ptr_array_add(ask->run->found, g_object_ref(g_ptr_array_index(releases, 0)));
  } else if (error != NULL && !g_error_matches(error, FWUPD_ERROR, FWUPD_ERROR_NOTHING_TO_DO) &&
             !g_error_matches(error, FWUPD_ERROR, FWUPD_ERROR_NOT_FOUND)) {
    g_debug("upgrades of %s: %s", fwupd_device_get_id(ask->device), error->message);
  }
  if (--ask->run->waiting == 0)
    sync_run_done(ask->run);
  g_object_unref(ask->device);
  g_free(ask);
}

static void on_devices(GObject *source, GAsyncResult *res, gpointer user_data)
{
  SyncRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = fwupd_client_get_devices_finish(FWUPD_CLIENT(source), res, &error);

  run->waiting = 1; /* held until every device was asked */
  if (devices == NULL) {
    if (!g_error_matches(error, FWUPD_ERROR, FWUPD_ERROR_NOTHING_TO_DO) &&
        !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning("fwupd devices: %s", error->message);
  } else {
    for (guint i = 0; i < devices->len; i++) {
      FwupdDevice *device = g_ptr_array_index(devices, i);
      UpgradeAsk *ask;
      if (!fwupd_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE))
        continue;
      ask = g_new0(UpgradeAsk, 1);
      ask->run = run;
      ask->device = g_object_ref(device);
      run->waiting++;
      fwupd_client_get_upgrades_async(FWUPD_CLIENT(source), fwupd_device_get_id(device),
                                      run->bridge->cancellable, on_upgrades, ask);
    }
  }
  if (--run->waiting == 0)
    sync_run_done(run);
}

static void bridge_sync(OtauxFwupdBridge *bridge)
{
  SyncRun *run;

  if (!bridge->fwupd_up || !bridge->agent_up || bridge->client == NULL)
    return;
  if (bridge->syncing) {
    bridge->resync = TRUE;
    return;
  }
  bridge->syncing = TRUE;
  run = g_new0(SyncRun, 1);
  run->bridge = bridge;
  run->found = g_ptr_array_new_with_free_func(g_object_unref);
  bridge->pending++;
  fwupd_client_get_devices_async(bridge->client, bridge->cancellable, on_devices, run);
}

static gboolean sync_later_cb(gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;

  bridge->sync_source = 0;
  bridge_sync(bridge);
  return G_SOURCE_REMOVE;
}

static void sync_later(OtauxFwupdBridge *bridge)
{
  if (bridge->sync_source == 0)
    bridge->sync_source = g_timeout_add(SYNC_DELAY_MS, sync_later_cb, bridge);
}

static void on_fwupd_changed(FwupdClient *client, gpointer user_data)
{
  sync_later(user_data);
}

static void on_device_request(FwupdClient *client, FwupdRequest *request, gpointer user_data)
{
  flow_on_device_request(user_data, request);
}

static void on_percentage(GObject *obj, GParamSpec *pspec, gpointer user_data)
{
  flow_on_percentage(user_data);
}

static void on_feature_flags(GObject *source, GAsyncResult *res, gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;
  g_autoptr(GError) error = NULL;

  bridge->pending--;
  /* Without it fwupd sends no DeviceRequest; the updates still work. */
  if (!fwupd_client_set_feature_flags_finish(FWUPD_CLIENT(source), res, &error) &&
      !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning("fwupd feature flags: %s", error->message);
  bridge_sync(bridge);
}

static void on_connected(GObject *source, GAsyncResult *res, gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;
  g_autoptr(GError) error = NULL;

  bridge->pending--;
  if (!fwupd_client_connect_finish(FWUPD_CLIENT(source), res, &error)) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning("fwupd: %s", error->message);
    return;
  }
  if (FWUPD_CLIENT(source) != bridge->client)
    return;
  g_message("connected to fwupd %s", fwupd_client_get_daemon_version(bridge->client));
  bridge->fwupd_up = TRUE;
  bridge->pending++;
  fwupd_client_set_feature_flags_async(
      bridge->client,
      FWUPD_FEATURE_FLAG_REQUESTS | FWUPD_FEATURE_FLAG_REQUESTS_NON_GENERIC |
          FWUPD_FEATURE_FLAG_UPDATE_ACTION | FWUPD_FEATURE_FLAG_DETACH_ACTION |
          FWUPD_FEATURE_FLAG_ALLOW_AUTHENTICATION,
      bridge->cancellable, on_feature_flags, bridge);
}

static void drop_client(OtauxFwupdBridge *bridge)
{
  if (bridge->client == NULL)
    return;
  g_signal_handlers_disconnect_by_data(bridge->client, bridge);
  g_clear_object(&bridge->client);
}

static void fwupd_appeared(GDBusConnection *conn, const char *name, const char *owner,
                           gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;

  g_info("fwupd appeared (%s)", owner);
  /* A new client for each daemon: the old one caches the dead daemon's state. */
  drop_client(bridge);
  bridge->client = fwupd_client_new();
  fwupd_client_set_main_context(bridge->client, g_main_context_default());
  fwupd_client_set_user_agent_for_package(bridge->client, "otaux-fwupd", PACKAGE_VERSION);
  g_signal_connect(bridge->client, "changed", G_CALLBACK(on_fwupd_changed), bridge);
  g_signal_connect(bridge->client, "device-request", G_CALLBACK(on_device_request), bridge);
  g_signal_connect(bridge->client, "notify::percentage", G_CALLBACK(on_percentage), bridge);
  bridge->pending++;
  fwupd_client_connect_async(bridge->client, bridge->cancellable, on_connected, bridge);
}

static void fwupd_vanished(GDBusConnection *conn, const char *name, gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;

  if (bridge->fwupd_up)
    g_message("fwupd left the bus");
  bridge->fwupd_up = FALSE;
  flow_fwupd_vanished(bridge);
  drop_client(bridge);
}

static void agent_appeared(GDBusConnection *conn, const char *name, const char *owner,
                           gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;
  GHashTableIter iter;
  Job *job;

  g_info("otaux-agent appeared (%s)", owner);
  bridge->agent_up = TRUE;
  bridge->swept = FALSE;
  /* Offer again: the agent answers with the same path for a known id, and
   * its Phase and Decision say where each offer is. */
  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    g_clear_pointer(&job->path, g_free);
    job->refinish = job->final_result != 0;
  }
  bridge_sync(bridge);
}

static void agent_vanished(GDBusConnection *conn, const char *name, gpointer user_data)
{
  OtauxFwupdBridge *bridge = user_data;

  if (bridge->agent_up)
    g_message("otaux-agent left the bus");
  bridge->agent_up = FALSE;
}

OtauxFwupdBridge *otaux_fwupd_bridge_new(const OtauxFwupdConfig *config, GError **error)
{
  g_autoptr(OtauxFwupdBridge) bridge = g_new0(OtauxFwupdBridge, 1);

  bridge->config.state_file = g_strdup(config->state_file);
  bridge->config.cache_dir = g_strdup(config->cache_dir);
  bridge->config.session_bus = g_strdup(config->session_bus);
  bridge->config.no_reboot = config->no_reboot;
  bridge->jobs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)job_unref);
  bridge->cancellable = g_cancellable_new();
  bridge->state = otaux_declined_load(config->state_file, error);
  if (bridge->state == NULL)
    return NULL;
  if (config->session_bus != NULL)
    bridge->session =
        g_dbus_connection_new_for_address_sync(config->session_bus,
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, error);
  else
    bridge->session = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, error);
  if (bridge->session == NULL)
    return NULL;
  bridge->system = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, error);
  if (bridge->system == NULL)
    return NULL;
  bridge->decided_sub = g_dbus_connection_signal_subscribe(
      bridge->session, AGENT_NAME, OFFER_IFACE, "Decided", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_offer_signal, bridge, NULL);
  bridge->changed_sub = g_dbus_connection_signal_subscribe(
      bridge->session, AGENT_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
      OFFER_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_offer_signal, bridge, NULL);
  bridge->agent_watch =
      g_bus_watch_name_on_connection(bridge->session, AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     agent_appeared, agent_vanished, bridge, NULL);
  /* AUTO_START: on a desktop fwupd is started on demand (D-Bus activation). */
  bridge->fwupd_watch = g_bus_watch_name_on_connection(
      bridge->system, FWUPD_NAME, G_BUS_NAME_WATCHER_FLAGS_AUTO_START, fwupd_appeared,
      fwupd_vanished, bridge, NULL);
  return g_steal_pointer(&bridge);
}

static gboolean keep_going(gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void otaux_fwupd_bridge_free(OtauxFwupdBridge *bridge)
{
  GHashTableIter iter;
  Job *job;
  gint64 until;
  guint tick;

  if (bridge == NULL)
    return;
  if (bridge->agent_watch)
    g_bus_unwatch_name(bridge->agent_watch);
  if (bridge->fwupd_watch)
    g_bus_unwatch_name(bridge->fwupd_watch);
  if (bridge->sync_source)
    g_source_remove(bridge->sync_source);
  if (bridge->jobs != NULL) {
    g_hash_table_iter_init(&iter, bridge->jobs);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job))
      if (job->cancellable != NULL)
        g_cancellable_cancel(job->cancellable);
  }
  if (bridge->cancellable != NULL)
    g_cancellable_cancel(bridge->cancellable);
  /* Let the cancelled calls return, so nothing they hold leaks (bounded). */
  until = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
  tick = g_timeout_add(50, keep_going, NULL);
  while (bridge->pending > 0 && g_get_monotonic_time() < until)
    g_main_context_iteration(NULL, TRUE);
  g_source_remove(tick);
  if (bridge->session != NULL) {
    g_dbus_connection_signal_unsubscribe(bridge->session, bridge->decided_sub);
    g_dbus_connection_signal_unsubscribe(bridge->session, bridge->changed_sub);
  }
  drop_client(bridge);
  g_clear_pointer(&bridge->jobs, g_hash_table_unref);
  otaux_declined_free(bridge->state);
  g_clear_object(&bridge->cancellable);
  g_clear_object(&bridge->session);
  g_clear_object(&bridge->system);
  g_free(bridge->config.state_file);
  g_free(bridge->config.cache_dir);
  g_free(bridge->config.session_bus);
  g_free(bridge);
}
