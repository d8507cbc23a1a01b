/* The bridge: one Job per bundle in the watched folder (and one for the
 * slot activated before a reboot). It offers each, follows the offer's
 * Phase and Decision (signals, and a GetAll after every change or restart)
 * and hands accepted work to the flow (otaux-rauc-flow.c). */
#include "config.h"

#include "otaux-rauc-private.h"

#include "otaux-fs.h"

#include <string.h>

#define AGENT_NAME      OTAUX_BRIDGE_CLIENT_AGENT_NAME
#define AGENT_PATH      OTAUX_BRIDGE_CLIENT_AGENT_PATH
#define AGENT_IFACE     OTAUX_BRIDGE_CLIENT_AGENT_IFACE
#define OFFER_IFACE     OTAUX_BRIDGE_CLIENT_OFFER_IFACE
#define RAUC_NAME       "de.pengutronix.rauc"
#define RAUC_IFACE      "de.pengutronix.rauc.Installer"
#define CALL_TIMEOUT_MS 10000
/* a copy into the folder sends a burst of events; look once */
#define SCAN_DELAY_MS 300

typedef struct {
  gint64 mtime;
  guint64 size;
  OtauxRaucManifest manifest; /* compatible NULL: unreadable */
  gboolean reading;
} Bundle;

static void bundle_free(Bundle *b)
{
  otaux_rauc_manifest_clear(&b->manifest);
  g_free(b);
}

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
  g_free(job->compatible);
  g_free(job->version);
  g_free(job->name);
  g_free(job->bundle);
  otaux_rauc_sidecar_clear(&job->sidecar);
  g_free(job->path);
  g_free(job->phase);
  g_free(job->decision);
  g_free(job->stage);
  g_free(job->final_message);
  g_free(job);
}

static Job *job_new(OtauxRaucBridge *bridge, const char *compatible, const char *version)
{
  Job *job = g_new0(Job, 1);

  job->refs = 1;
  job->bridge = bridge;
  job->compatible = g_strdup(compatible);
  job->version = g_strdup(version);
  job->id = otaux_rauc_offer_id(compatible, version);
  job->phase = g_strdup("");
  job->decision = g_strdup("none");
  job->stage = g_strdup("");
  g_hash_table_insert(bridge->jobs, g_strdup(job->id), job);
  return job;
}

static Job *job_by_path(OtauxRaucBridge *bridge, const char *path)
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

static void offer_call(Job *job, const char *method, GVariant *params)
{
  OtauxRaucBridge *bridge = job->bridge;

  /* While the agent is away nothing reaches it; what matters is reported
   * again when it is back (a re-offer, then Phase, Decision, refinish). */
  if (job->path == NULL || !bridge->agent_up) {
    if (params != NULL)
      g_variant_unref(g_variant_ref_sink(params));
    return;
  }
  bridge->pending++;
  g_dbus_connection_call(bridge->agent_bus, AGENT_NAME, job->path, OFFER_IFACE, method, params,
                         NULL, G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable,
                         log_reply, job_ref(job));
}

void bridge_set_state(Job *job, guint state, guint64 done, guint64 total, const char *step)
{
  GVariantBuilder details;

  g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
  if (total > 0) {
    g_variant_builder_add(&details, "{sv}", "bytes-done", g_variant_new_uint64(MIN(done, total)));
    g_variant_builder_add(&details, "{sv}", "bytes-total", g_variant_new_uint64(total));
  }
  if (step != NULL && g_utf8_validate(step, -1, NULL) && strlen(step) <= 256)
    g_variant_builder_add(&details, "{sv}", "step", g_variant_new_string(step));
  offer_call(job, "SetState", g_variant_new("(ua{sv})", state, &details));
}

void bridge_set_stage(Job *job, const char *stage)
{
  GVariantBuilder details;

  g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&details, "{sv}", "stage", g_variant_new_string(stage));
  offer_call(job, "SetState", g_variant_new("(ua{sv})", 60, &details));
}

static void send_finish(Job *job)
{
  GVariantBuilder details;

  /* FinishWithDetails always: RAUC's words when there are some */
  g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
  if (job->final_message != NULL)
    g_variant_builder_add(&details, "{sv}", "message", g_variant_new_string(job->final_message));
  offer_call(job, "FinishWithDetails", g_variant_new("(ua{sv})", job->final_result, &details));
}

void bridge_finish(Job *job, guint result, const char *message)
{
  g_message("%s: finished with %u%s%s", job->id, result, message ? ": " : "",
            message ? message : "");
  job->work = WORK_DONE;
  job->final_result = result;
  g_free(job->final_message);
  job->final_message = NULL;
  if (message != NULL && *message != '\0') {
    /* the agent takes 1024 bytes of valid UTF-8 */
    g_autofree char *valid = g_utf8_make_valid(message, -1);
    const char *end = valid + MIN(strlen(valid), 1024);

    if (*end != '\0')
      g_utf8_validate(valid, end - valid, &end);
    job->final_message = g_strndup(valid, end - valid);
  }
  send_finish(job);
}

static GVariant *offer_package(Job *job)
{
  GVariantBuilder b;
  const OtauxRaucSidecar *car = &job->sidecar;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "id", g_variant_new_string(job->id));
  if (job->name != NULL && *job->name != '\0')
    g_variant_builder_add(&b, "{sv}", "name", g_variant_new_string(job->name));
  g_variant_builder_add(&b, "{sv}", "version", g_variant_new_string(job->version));
  /* the bundle is on the device already: the first question is the install */
  g_variant_builder_add(&b, "{sv}", "state", g_variant_new_uint32(40));
  if (job->size > 0)
    g_variant_builder_add(&b, "{sv}", "size", g_variant_new_uint64(job->size));
  g_variant_builder_add(&b, "{sv}", "needs-reboot", g_variant_new_boolean(TRUE));
  /* nothing restarts by itself: the restart question comes once the slot is written */
  g_variant_builder_add(&b, "{sv}", "asks-restart", g_variant_new_boolean(TRUE));
  if (car->priority != NULL)
    g_variant_builder_add(&b, "{sv}", "priority", g_variant_new_string(car->priority));
  if (car->release_notes != NULL && g_utf8_validate(car->release_notes, -1, NULL))
    g_variant_builder_add(&b, "{sv}", "release-notes", g_variant_new_string(car->release_notes));
  if (car->install_message != NULL && g_utf8_validate(car->install_message, -1, NULL))
    g_variant_builder_add(&b, "{sv}", "install-message",
                          g_variant_new_string(car->install_message));
  /* only ever true: a re-offer without it keeps the restart question */
  if (job->restart_only)
    g_variant_builder_add(&b, "{sv}", "restart-only", g_variant_new_boolean(TRUE));
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

void bridge_reoffer(Job *job)
{
  OtauxRaucBridge *bridge = job->bridge;

  if (!bridge->agent_up)
    return;
  job->offering = TRUE;
  bridge->pending++;
  g_dbus_connection_call(bridge->agent_bus, AGENT_NAME, AGENT_PATH, AGENT_IFACE, "Offer",
                         offer_package(job), G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE,
                         CALL_TIMEOUT_MS, bridge->cancellable, on_offered, job_ref(job));
}

static gboolean asks(const char *phase)
{
  return g_strcmp0(phase, "offered") == 0 || g_strcmp0(phase, "ready") == 0 ||
         g_strcmp0(phase, "delayed") == 0;
}

static void act(Job *job)
{
  OtauxRaucBridge *bridge = job->bridge;

  if (g_strcmp0(job->phase, "finished") == 0) {
    g_autoptr(GError) error = NULL;

    if (job->work == WORK_INSTALLING)
      return; /* RAUC cannot stop; Completed reports what it did */
    job->work = WORK_DONE;
    /* 401: the person cancelled; the slot stays unactivated, and the bundle
     * is not offered again until a newer version comes. */
    if (job->result == 401 &&
        !otaux_declined_decline(bridge->declined, job->compatible, job->version, &error))
      g_warning("%s", error->message);
    return;
  }
  /* The agent was away when the bridge reported the end: report it again. */
  if (job->refinish && job->final_result != 0) {
    job->refinish = FALSE;
    g_info("%s: reporting %u again", job->id, job->final_result);
    send_finish(job);
    return;
  }
  if (job->work == WORK_DONE || job->work == WORK_INSTALLING || job->work == WORK_ACTIVATING)
    return;
  /* Activated before: the boot decides (the slot booted is RAUC's BootSlot). */
  if (job->work == WORK_VERIFY ||
      (g_strcmp0(job->phase, "installing") == 0 && *job->stage != '\0')) {
    job->work = WORK_VERIFY;
    flow_verify(job);
    return;
  }
  /* Written before (a restart question the agent kept): only the restart. */
  if (job->work == WORK_IDLE && job->restart_only && asks(job->phase))
    job->work = WORK_RESTART;
  if (job->work == WORK_RESTART) {
    if ((g_strcmp0(job->phase, "ready") == 0 || g_strcmp0(job->phase, "delayed") == 0) &&
        g_strcmp0(job->decision, "accept") == 0 && bridge->rauc_up)
      flow_restart(job);
    return;
  }
  if (!bridge->rauc_up)
    return; /* acted on when RAUC is there (bridge_refresh_all) */
  if ((g_strcmp0(job->phase, "ready") == 0 || g_strcmp0(job->phase, "delayed") == 0) &&
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
  gboolean restart_only = FALSE;

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
    job->stage = g_strdup("");
  /* the agent remembers the restart question across the bridge's restarts */
  if (g_variant_lookup(props, "RestartOnly", "b", &restart_only) && restart_only)
    job->restart_only = TRUE;
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
  OtauxRaucBridge *bridge = job->bridge;

  if (job->path == NULL || !bridge->agent_up)
    return;
  if (job->reading) {
    job->reread = TRUE;
    return;
  }
  job->reading = TRUE;
  bridge->pending++;
  g_dbus_connection_call(
      bridge->agent_bus, AGENT_NAME, job->path, "org.freedesktop.DBus.Properties", "GetAll",
      g_variant_new("(s)", OFFER_IFACE), G_VARIANT_TYPE("(a{sv})"), G_DBUS_CALL_FLAGS_NONE,
      CALL_TIMEOUT_MS, bridge->cancellable, on_props, job_ref(job));
}

void bridge_refresh_all(OtauxRaucBridge *bridge)
{
  GHashTableIter iter;
  Job *job;

  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job))
    bridge_refresh(job);
}

/* Decided and PropertiesChanged (Phase, Decision) of our offers. */
static void on_offer_signal(GDBusConnection *conn, const char *sender, const char *path,
                            const char *iface, const char *member, GVariant *params,
                            gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;
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

/* -- the folder ------------------------------------------------------------- */

static gboolean declined(OtauxRaucBridge *bridge, const char *compatible, const char *version)
{
  const char *no = otaux_declined_get(bridge->declined, compatible);

  /* declined, or older than the declined one: only a newer bundle asks again */
  return no != NULL && strverscmp(version, no) <= 0;
}

static void reconcile(OtauxRaucBridge *bridge)
{
  GHashTableIter iter;
  const char *file;
  Bundle *b;
  Job *job;

  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job))
    job->seen = FALSE;
  g_hash_table_iter_init(&iter, bridge->bundles);
  while (g_hash_table_iter_next(&iter, (gpointer *)&file, (gpointer *)&b)) {
    g_autofree char *id = NULL;
    g_autofree char *sidecar_path = NULL;
    g_autoptr(GError) error = NULL;

    if (b->manifest.compatible == NULL)
      continue;
    id = otaux_rauc_offer_id(b->manifest.compatible, b->manifest.version);
    job = g_hash_table_lookup(bridge->jobs, id);
    if (job == NULL && declined(bridge, b->manifest.compatible, b->manifest.version)) {
      g_debug("%s: declined before, not offered", id);
      continue;
    }
    if (job == NULL)
      job = job_new(bridge, b->manifest.compatible, b->manifest.version);
    job->seen = TRUE;
    if (job->work != WORK_IDLE && job->bundle != NULL)
      continue; /* in work: keep what it was offered with */
    g_free(job->bundle);
    job->bundle = g_strdup(file);
    job->size = b->size;
    g_free(job->name);
    job->name = g_strdup(b->manifest.description != NULL && *b->manifest.description != '\0'
                             ? b->manifest.description
                             : file);
    sidecar_path = g_strconcat(file, ".otaux", NULL);
    if (!otaux_rauc_parse_sidecar(sidecar_path, &job->sidecar, &error))
      g_warning("%s (the policy's default priority is used)", error->message);
    if (job->path == NULL && !job->offering)
      bridge_reoffer(job);
  }
  /* Bundles that went: withdraw what still asks and nobody works on. */
  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    if (job->seen || job->bundle == NULL || job->work != WORK_IDLE || job->restart_only)
      continue;
    if (job->path == NULL || job->offering || job->reading)
      continue;
    if (asks(job->phase)) {
      g_info("%s: its bundle is gone: withdrawn", job->id);
      offer_call(job, "Withdraw", NULL);
    }
    if (g_strcmp0(job->phase, "installing") != 0)
      g_hash_table_iter_remove(&iter);
  }
}

typedef struct {
  OtauxRaucBridge *bridge;
  char *file;
} InfoRun;

static void scan(OtauxRaucBridge *bridge);

static void scan_step_done(OtauxRaucBridge *bridge)
{
  if (--bridge->scanning > 0)
    return;
  if (!g_cancellable_is_cancelled(bridge->cancellable))
    reconcile(bridge);
  if (bridge->rescan) {
    bridge->rescan = FALSE;
    scan(bridge);
  }
}

static void on_info(GObject *source, GAsyncResult *res, gpointer user_data)
{
  InfoRun *run = user_data;
  OtauxRaucBridge *bridge = run->bridge;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  Bundle *b = g_hash_table_lookup(bridge->bundles, run->file);

  bridge->pending--;
  if (!g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), res, &out, &err, &error)) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning("rauc info %s: %s", run->file, error->message);
  } else if (b != NULL) {
    b->reading = FALSE;
    if (!g_subprocess_get_successful(G_SUBPROCESS(source)) ||
        !otaux_rauc_parse_info(out, &b->manifest, &error)) {
      g_autofree char *why = g_strstrip(g_strdup(err ? err : ""));
      const char *last = strrchr(why, '\n');
      /* a bundle still being copied in, or a broken one: not offered */
      g_warning("%s: not a bundle RAUC can read: %s", run->file,
                error ? error->message : (last ? last + 1 : why));
    }
  }
  g_object_unref(source);
  g_free(run->file);
  g_free(run);
  scan_step_done(bridge);
}

static void read_bundle(OtauxRaucBridge *bridge, const char *file)
{
  const char *argv[8];
  int n = 0;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;
  InfoRun *run;

  argv[n++] = bridge->config.rauc;
  if (bridge->config.rauc_config != NULL) {
    argv[n++] = "-c";
    argv[n++] = bridge->config.rauc_config;
  }
  /* --no-verify: only to show it; InstallBundle verifies (a bad signature
   * is then a result the person reads, 404) */
  argv[n++] = "info";
  argv[n++] = "--no-verify";
  argv[n++] = "--output-format=shell";
  argv[n++] = file;
  argv[n] = NULL;
  proc = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error);
  if (proc == NULL) {
    g_warning("%s: %s", bridge->config.rauc, error->message);
    return;
  }
  run = g_new0(InfoRun, 1);
  run->bridge = bridge;
  run->file = g_strdup(file);
  bridge->scanning++;
  bridge->pending++;
  g_subprocess_communicate_utf8_async(proc, NULL, bridge->cancellable, on_info, run);
}

static void scan(OtauxRaucBridge *bridge)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GHashTable) present = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  GHashTableIter iter;
  const char *name;

  if (!bridge->agent_up)
    return;
  if (bridge->scanning > 0) {
    bridge->rescan = TRUE;
    return;
  }
  dir = g_dir_open(bridge->config.bundle_dir, 0, &error);
  if (dir == NULL)
    g_warning("%s", error->message);
  while (dir != NULL && (name = g_dir_read_name(dir)) != NULL)
    if (g_str_has_suffix(name, ".raucb"))
      g_ptr_array_add(names, g_build_filename(bridge->config.bundle_dir, name, NULL));
  bridge->scanning = 1; /* held until every bundle was looked at */
  for (guint i = 0; i < names->len; i++) {
    const char *file = g_ptr_array_index(names, i);
    g_autoptr(GFile) f = g_file_new_for_path(file);
    g_autoptr(GFileInfo) info =
        g_file_query_info(f, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                          G_FILE_QUERY_INFO_NONE, NULL, NULL);
    Bundle *b;
    gint64 mtime;

    if (info == NULL)
      continue;
    mtime = (gint64)g_file_info_get_attribute_uint64(info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
    b = g_hash_table_lookup(bridge->bundles, file);
    g_hash_table_add(present, (gpointer)file);
    if (b != NULL && b->mtime == mtime && b->size == (guint64)g_file_info_get_size(info))
      continue;
    b = g_new0(Bundle, 1);
    b->mtime = mtime;
    b->size = (guint64)g_file_info_get_size(info);
    b->reading = TRUE;
    g_hash_table_replace(bridge->bundles, g_strdup(file), b);
    read_bundle(bridge, file);
  }
  {
    Bundle *b;
    const char *file;

    g_hash_table_iter_init(&iter, bridge->bundles);
    while (g_hash_table_iter_next(&iter, (gpointer *)&file, (gpointer *)&b))
      if (!g_hash_table_contains(present, file))
        g_hash_table_iter_remove(&iter);
  }
  scan_step_done(bridge);
}

static gboolean scan_later_cb(gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;

  bridge->scan_source = 0;
  scan(bridge);
  return G_SOURCE_REMOVE;
}

static void on_folder_changed(GFileMonitor *monitor, GFile *file, GFile *other,
                              GFileMonitorEvent event, gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;

  if (bridge->scan_source == 0)
    bridge->scan_source = g_timeout_add(SCAN_DELAY_MS, scan_later_cb, bridge);
}

/* -- the two services ------------------------------------------------------- */

static void agent_appeared(GDBusConnection *conn, const char *name, const char *owner,
                           gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;
  GHashTableIter iter;
  Job *job;

  g_info("otaux-agent appeared (%s)", owner);
  bridge->agent_up = TRUE;
  /* Offer again: the agent answers with the same path for a known id, and
   * its Phase and Decision say where each offer is. */
  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    g_clear_pointer(&job->path, g_free);
    job->refinish = job->final_result != 0;
    if (job->bundle == NULL || job->work != WORK_IDLE)
      bridge_reoffer(job);
  }
  g_hash_table_remove_all(bridge->bundles); /* look at every bundle again */
  scan(bridge);
}

static void agent_vanished(GDBusConnection *conn, const char *name, gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;

  if (bridge->agent_up)
    g_message("otaux-agent left the bus");
  bridge->agent_up = FALSE;
}

static void on_rauc_props(GObject *source, GAsyncResult *res, gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autoptr(GVariant) props = NULL;

  bridge->pending--;
  if (reply == NULL) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning("RAUC: %s", error->message);
    return;
  }
  props = g_variant_get_child_value(reply, 0);
  g_clear_pointer(&bridge->boot_slot, g_free);
  g_clear_pointer(&bridge->operation, g_free);
  (void)g_variant_lookup(props, "BootSlot", "s", &bridge->boot_slot);
  (void)g_variant_lookup(props, "Operation", "s", &bridge->operation);
  g_message("connected to RAUC: booted slot %s, %s", bridge->boot_slot ? bridge->boot_slot : "?",
            bridge->operation ? bridge->operation : "?");
  bridge->rauc_up = TRUE;
  bridge_refresh_all(bridge);
}

static void on_rauc_signal(GDBusConnection *conn, const char *sender, const char *path,
                           const char *iface, const char *member, GVariant *params,
                           gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;

  if (!bridge->rauc_up)
    return;
  flow_rauc_signal(bridge, member, params);
}

static void rauc_appeared(GDBusConnection *conn, const char *name, const char *owner,
                          gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;

  g_info("RAUC appeared (%s)", owner);
  bridge->pending++;
  g_dbus_connection_call(bridge->rauc_bus, RAUC_NAME, "/", "org.freedesktop.DBus.Properties",
                         "GetAll", g_variant_new("(s)", RAUC_IFACE), G_VARIANT_TYPE("(a{sv})"),
                         G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable,
                         on_rauc_props, bridge);
}

static void rauc_vanished(GDBusConnection *conn, const char *name, gpointer user_data)
{
  OtauxRaucBridge *bridge = user_data;

  if (bridge->rauc_up)
    g_message("RAUC left the bus");
  bridge->rauc_up = FALSE;
  flow_rauc_vanished(bridge);
}

OtauxRaucBridge *otaux_rauc_bridge_new(const OtauxRaucConfig *config, GError **error)
{
  g_autoptr(OtauxRaucBridge) bridge = g_new0(OtauxRaucBridge, 1);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) local = NULL;

  bridge->config.bundle_dir = g_strdup(config->bundle_dir);
  bridge->config.state_dir = g_strdup(config->state_dir);
  bridge->config.rauc = g_strdup(config->rauc);
  bridge->config.rauc_config = g_strdup(config->rauc_config);
  bridge->config.agent_bus = g_strdup(config->agent_bus);
  bridge->config.rauc_bus = g_strdup(config->rauc_bus);
  bridge->config.no_reboot = config->no_reboot;
  bridge->declined_file = g_build_filename(config->state_dir, "declined.ini", NULL);
  bridge->activation_file = g_build_filename(config->state_dir, "activated.ini", NULL);
  bridge->jobs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)job_unref);
  bridge->bundles =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)bundle_free);
  bridge->cancellable = g_cancellable_new();
  bridge->declined = otaux_declined_load(bridge->declined_file, error);
  if (bridge->declined == NULL)
    return NULL;
  bridge->activation = otaux_rauc_state_load(bridge->activation_file, &local);
  if (local != NULL) {
    g_propagate_error(error, g_steal_pointer(&local));
    return NULL;
  }
  if (bridge->activation != NULL) {
    /* activated before a reboot: the boot decides; offered again by id */
    Job *job = job_new(bridge, bridge->activation->compatible, bridge->activation->version);

    job->name = g_strdup(bridge->activation->name);
    job->work = WORK_VERIFY;
  }
  bridge->agent_bus = otaux_bridge_client_connect(config->agent_bus, error);
  if (bridge->agent_bus == NULL)
    return NULL;
  bridge->rauc_bus = otaux_bridge_client_connect(config->rauc_bus, error);
  if (bridge->rauc_bus == NULL)
    return NULL;
  if (!config->no_reboot) {
    bridge->system = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, error);
    if (bridge->system == NULL)
      return NULL;
  }
  /* the folder may come later (a first start): made, so it can be watched */
  if (!otaux_fs_mkdir_synced(config->bundle_dir, 0700, &local)) {
    g_warning("%s", local->message);
    g_clear_error(&local);
  }
  folder = g_file_new_for_path(config->bundle_dir);
  bridge->monitor = g_file_monitor_directory(folder, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (bridge->monitor == NULL)
    return NULL;
  g_signal_connect(bridge->monitor, "changed", G_CALLBACK(on_folder_changed), bridge);
  bridge->decided_sub = g_dbus_connection_signal_subscribe(
      bridge->agent_bus, AGENT_NAME, OFFER_IFACE, "Decided", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_offer_signal, bridge, NULL);
  bridge->changed_sub = g_dbus_connection_signal_subscribe(
      bridge->agent_bus, AGENT_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
      OFFER_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_offer_signal, bridge, NULL);
  bridge->rauc_props_sub = g_dbus_connection_signal_subscribe(
      bridge->rauc_bus, RAUC_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged", "/",
      RAUC_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_rauc_signal, bridge, NULL);
  bridge->rauc_completed_sub = g_dbus_connection_signal_subscribe(
      bridge->rauc_bus, RAUC_NAME, RAUC_IFACE, "Completed", "/", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_rauc_signal, bridge, NULL);
  bridge->agent_watch =
      g_bus_watch_name_on_connection(bridge->agent_bus, AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     agent_appeared, agent_vanished, bridge, NULL);
  /* On the system bus RAUC is D-Bus activated (rauc-service). */
  bridge->rauc_watch = g_bus_watch_name_on_connection(bridge->rauc_bus, RAUC_NAME,
                                                      g_strcmp0(config->rauc_bus, "system") == 0
                                                          ? G_BUS_NAME_WATCHER_FLAGS_AUTO_START
                                                          : G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                      rauc_appeared, rauc_vanished, bridge, NULL);
  return g_steal_pointer(&bridge);
}

static gboolean keep_going(gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void otaux_rauc_bridge_free(OtauxRaucBridge *bridge)
{
  gint64 until;
  guint tick;

  if (bridge == NULL)
    return;
  if (bridge->agent_watch)
    g_bus_unwatch_name(bridge->agent_watch);
  if (bridge->rauc_watch)
    g_bus_unwatch_name(bridge->rauc_watch);
  if (bridge->scan_source)
    g_source_remove(bridge->scan_source);
  if (bridge->monitor != NULL) {
    g_signal_handlers_disconnect_by_data(bridge->monitor, bridge);
    g_file_monitor_cancel(bridge->monitor);
  }
  if (bridge->cancellable != NULL)
    g_cancellable_cancel(bridge->cancellable);
  /* Let the cancelled calls return, so nothing they hold leaks (bounded). */
  until = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
  tick = g_timeout_add(50, keep_going, NULL);
  while (bridge->pending > 0 && g_get_monotonic_time() < until)
    g_main_context_iteration(NULL, TRUE);
  g_source_remove(tick);
  if (bridge->agent_bus != NULL) {
    g_dbus_connection_signal_unsubscribe(bridge->agent_bus, bridge->decided_sub);
    g_dbus_connection_signal_unsubscribe(bridge->agent_bus, bridge->changed_sub);
  }
  if (bridge->rauc_bus != NULL) {
    g_dbus_connection_signal_unsubscribe(bridge->rauc_bus, bridge->rauc_props_sub);
    g_dbus_connection_signal_unsubscribe(bridge->rauc_bus, bridge->rauc_completed_sub);
  }
  g_clear_object(&bridge->monitor);
  if (bridge->installing != NULL)
    job_unref(g_steal_pointer(&bridge->installing));
  g_clear_pointer(&bridge->jobs, g_hash_table_unref);
  g_clear_pointer(&bridge->bundles, g_hash_table_unref);
  otaux_declined_free(bridge->declined);
  otaux_rauc_activation_free(bridge->activation);
  g_clear_object(&bridge->cancellable);
  g_clear_object(&bridge->agent_bus);
  g_clear_object(&bridge->rauc_bus);
  g_clear_object(&bridge->system);
  g_free(bridge->boot_slot);
  g_free(bridge->operation);
  g_free(bridge->declined_file);
  g_free(bridge->activation_file);
  g_free(bridge->config.bundle_dir);
  g_free(bridge->config.state_dir);
  g_free(bridge->config.rauc);
  g_free(bridge->config.rauc_config);
  g_free(bridge->config.agent_bus);
  g_free(bridge->config.rauc_bus);
  g_free(bridge);
}
