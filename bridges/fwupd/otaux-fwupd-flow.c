/* The flow of one accepted release: download (SetState 30 … 40), checksum,
 * install through fwupd (SetState 60 …, Finish), reboot through logind. */
#include "otaux-fwupd-private.h"

#include "otaux-fs.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#define CHUNK_BYTES       (256 * 1024)
#define PROGRESS_EVERY_US (250 * 1000)

typedef struct {
  Job *job;
  gboolean then_install;
  GInputStream *in;
  GByteArray *data;
  guint64 total;
} Fetch;

static void fetch_free(Fetch *fetch)
{
  job_unref(fetch->job);
  g_clear_object(&fetch->in);
  if (fetch->data != NULL)
    g_byte_array_unref(fetch->data);
  g_free(fetch);
}

static const char *best_checksum(FwupdRelease *release)
{
  GPtrArray *sums = fwupd_release_get_checksums(release);
  const char *best = NULL;

  for (guint i = 0; sums != NULL && i < sums->len; i++) {
    const char *sum = g_ptr_array_index(sums, i);
    if ((int)otaux_fwupd_checksum_type(sum) < 0)
      continue;
    if (best == NULL || strlen(sum) > strlen(best))
      best = sum;
  }
  return best;
}

static char *cache_path(Job *job)
{
  const char *sum = best_checksum(job->release);
  g_autofree char *name = g_strdup_printf("%s.cab", sum ? sum : job->version);
  return g_build_filename(job->bridge->config.cache_dir, name, NULL);
}

/* Keeps in the cache only the files of releases still in play: a finished,
 * withdrawn, declined or vanished release's file goes (fwupd copies what
 * it needs for a later reboot into its own folders). */
void flow_prune_cache(OtauxFwupdBridge *bridge)
{
  g_autoptr(GHashTable) keep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = g_dir_open(bridge->config.cache_dir, 0, NULL);
  GHashTableIter iter;
  Job *job;
  const char *name;

  if (dir == NULL)
    return; /* nothing downloaded yet */
  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    g_autofree char *path = NULL;

    if (job->work == WORK_DONE || job->release == NULL)
      continue;
    path = cache_path(job);
    g_hash_table_add(keep, g_path_get_basename(path));
  }
  while ((name = g_dir_read_name(dir)) != NULL) {
    g_autofree char *path = NULL;

    if (!g_str_has_suffix(name, ".cab") || g_hash_table_contains(keep, name))
      continue;
    path = g_build_filename(bridge->config.cache_dir, name, NULL);
    if (g_unlink(path) == 0)
      g_info("cache: removed %s", name);
    else
      g_warning("cache: cannot remove %s: %s", path, g_strerror(errno));
  }
}

static gboolean verify(Job *job, GBytes *bytes, GError **error)
{
  const char *want = best_checksum(job->release);
  g_autofree char *got = NULL;

  if (want == NULL) {
    g_set_error(error, OTAUX_FWUPD_ERROR, 404, "%s: fwupd gave no checksum to verify with",
                job->id);
    return FALSE;
  }
  got = g_compute_checksum_for_bytes(otaux_fwupd_checksum_type(want), bytes);
  if (g_ascii_strcasecmp(got, want) != 0) {
    g_set_error(error, OTAUX_FWUPD_ERROR, 402, "%s: checksum %s, expected %s", job->id, got, want);
    return FALSE;
  }
  return TRUE;
}

static void fail(Job *job, const GError *error, OtauxFwupdStage stage)
{
  guint result = otaux_fwupd_result_from_error(error, stage);

  if (job->work == WORK_DONE)
    return;
  g_message("%s: %s failed: %s (%s %d) → %u", job->id,
            stage == OTAUX_FWUPD_STAGE_DOWNLOAD ? "download" : "install", error->message,
            g_quark_to_string(error->domain), error->code, result);
  bridge_finish(job, result);
}

static void fetched(Fetch *fetch, GBytes *bytes, GError *error)
{
  Job *job = fetch->job;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *path = cache_path(job);

  if (job->work != WORK_DOWNLOADING)
    return; /* withdrawn, cancelled or finished meanwhile */
  if (error == NULL && !verify(job, bytes, &local))
    error = local;
  if (error == NULL) {
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GError) dir_error = NULL;

    /* Made durable in its parent, like the state folder: a download
     * reported done (40) must not lose its folder to a power cut. */
    if (!otaux_fs_mkdir_synced(dir, 0700, &dir_error))
      g_warning("%s", dir_error->message); /* the write below says why it fails */
    file = g_file_new_for_path(path);
    if (!g_file_replace_contents(file, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), NULL,
                                 FALSE, G_FILE_CREATE_PRIVATE, NULL, job->cancellable, &local))
      error = local;
  }
  if (error != NULL) {
    fail(job, error, OTAUX_FWUPD_STAGE_DOWNLOAD);
    return;
  }
  g_free(job->file);
  job->file = g_steal_pointer(&path);
  job->work = WORK_IDLE;
  if (fetch->then_install) {
    flow_install(job);
    return;
  }
  bridge_set_state(job, 30, g_bytes_get_size(bytes), g_bytes_get_size(bytes), NULL);
  bridge_set_state(job, 40, g_bytes_get_size(bytes), g_bytes_get_size(bytes), NULL);
}

static void report_download(Fetch *fetch, gboolean force)
{
  Job *job = fetch->job;
  gint64 now = g_get_monotonic_time();

  if (fetch->then_install || (!force && now - job->last_report < PROGRESS_EVERY_US))
    return;
  job->last_report = now;
  bridge_set_state(job, 30, fetch->data->len, MAX(fetch->total, fetch->data->len), NULL);
}

static void on_chunk(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), res, &error);

  if (chunk == NULL) {
    fetched(fetch, NULL, error);
    fetch_free(fetch);
    return;
  }
  if (g_bytes_get_size(chunk) > 0) {
    g_byte_array_append(fetch->data, g_bytes_get_data(chunk, NULL), g_bytes_get_size(chunk));
    report_download(fetch, FALSE);
    g_input_stream_read_bytes_async(fetch->in, CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                    fetch->job->cancellable, on_chunk, fetch);
    return;
  }
  {
    g_autoptr(GBytes) all = g_byte_array_free_to_bytes(g_steal_pointer(&fetch->data));
    fetch->data = g_byte_array_new();
    fetched(fetch, all, NULL);
  }
  fetch_free(fetch);
}

static void on_opened(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GFileInputStream *in = g_file_read_finish(G_FILE(source), res, &error);

  if (in == NULL) {
    fetched(fetch, NULL, error);
    fetch_free(fetch);
    return;
  }
  fetch->in = G_INPUT_STREAM(in);
  info = g_file_input_stream_query_info(in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info != NULL)
    fetch->total = (guint64)g_file_info_get_size(info);
  report_download(fetch, TRUE);
  g_input_stream_read_bytes_async(fetch->in, CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                  fetch->job->cancellable, on_chunk, fetch);
}

static void on_downloaded(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = fwupd_client_download_bytes_finish(FWUPD_CLIENT(source), res, &error);

  fetched(fetch, bytes, bytes ? NULL : error);
  fetch_free(fetch);
}

static void fetch_uri(Fetch *fetch, const char *uri)
{
  Job *job = fetch->job;

  g_info("%s: downloading %s", job->id, uri);
  if (g_str_has_prefix(uri, "file://") || g_path_is_absolute(uri)) {
    g_autoptr(GFile) file =
        g_str_has_prefix(uri, "file://") ? g_file_new_for_uri(uri) : g_file_new_for_path(uri);
    g_file_read_async(file, G_PRIORITY_DEFAULT, job->cancellable, on_opened, fetch);
    return;
  }
  /* http(s): fwupd's own downloader (its user agent, proxies, retries);
   * progress comes as the client's percentage. */
  job->last_percent = -1;
  fwupd_client_download_bytes_async(job->bridge->client, uri, FWUPD_CLIENT_DOWNLOAD_FLAG_NONE,
                                    job->cancellable, on_downloaded, fetch);
}

static void on_remote(GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FwupdRemote) remote =
      fwupd_client_get_remote_by_id_finish(FWUPD_CLIENT(source), res, &error);
  g_autofree char *uri = NULL;
  GPtrArray *locations = fwupd_release_get_locations(fetch->job->release);

  const char *location = g_ptr_array_index(locations, 0);

  if (remote != NULL) {
    uri = fwupd_remote_build_firmware_uri(remote, location, NULL);
    /* Local remotes (fwupd-tests, vendor folders) give locations relative to
     * their metadata file, which build_firmware_uri cannot resolve. */
    if (uri == NULL && fwupd_remote_get_filename_cache(remote) != NULL) {
      g_autofree char *dir = g_path_get_dirname(fwupd_remote_get_filename_cache(remote));
      g_autofree char *base = g_filename_to_uri(dir, NULL, NULL);
      g_autofree char *base_slash = g_strconcat(base ? base : "file:///", "/", NULL);
      uri = g_uri_resolve_relative(base_slash, location, G_URI_FLAGS_NONE, NULL);
    }
    if (uri == NULL)
      error = g_error_new(OTAUX_FWUPD_ERROR, 411, "%s: no download address for %s", fetch->job->id,
                          location);
  }
  if (uri == NULL) {
    fetched(fetch, NULL, error);
    fetch_free(fetch);
    return;
  }
  fetch_uri(fetch, uri);
}

void flow_download(Job *job, gboolean then_install)
{
  GPtrArray *locations = fwupd_release_get_locations(job->release);
  const char *location = locations && locations->len ? g_ptr_array_index(locations, 0) : NULL;
  Fetch *fetch = g_new0(Fetch, 1);

  job->work = WORK_DOWNLOADING;
  g_clear_object(&job->cancellable);
  job->cancellable = g_cancellable_new();
  job->last_report = 0;
  fetch->job = job_ref(job);
  fetch->then_install = then_install;
  fetch->data = g_byte_array_new();
  fetch->total = fwupd_release_get_size(job->release);
  if (location == NULL) {
    g_autoptr(GError) error =
        g_error_new(OTAUX_FWUPD_ERROR, 411, "%s: the release has no location", job->id);
    fetched(fetch, NULL, error);
    fetch_free(fetch);
  } else if (strstr(location, "://") != NULL || g_path_is_absolute(location)) {
    fetch_uri(fetch, location);
  } else {
    /* relative to the remote's metadata (local remotes, mirrors) */
    fwupd_client_get_remote_by_id_async(job->bridge->client,
                                        fwupd_release_get_remote_id(job->release), job->cancellable,
                                        on_remote, fetch);
  }
}

/* -- install ---------------------------------------------------------------- */

static void reboot(OtauxFwupdBridge *bridge)
{
  otaux_bridge_client_reboot(bridge->system, bridge->config.no_reboot);
}

/* @resumed: the install ended while the bridge was away; what the person
 * was told about a restart is not known, so a restart is asked first. */
static void succeeded(Job *job, FwupdDevice *result, gboolean resumed)
{
  const char *message = NULL;
  gboolean late_reboot = FALSE;

  if (job->after_restart) {
    /* the new boot: the restart happened, the result is all there is */
    g_info("%s: installed before the restart", job->id);
    bridge_finish(job, 200);
    return;
  }
  if (result != NULL) {
    GPtrArray *releases = fwupd_device_get_releases(result);
    if (releases != NULL && releases->len > 0)
      message = fwupd_release_get_update_message(g_ptr_array_index(releases, 0));
    /* fwupd says only after the install that it needs a restart */
    late_reboot = (resumed || !job->needs_reboot) && otaux_fwupd_needs_reboot(result);
  }
  if (message == NULL)
    message = fwupd_release_get_update_message(job->release);
  if (late_reboot) {
    /* The person was told the device keeps running: ask before restarting
     * it (the same offer, now a restart question); Reboot comes only with
     * their accept, see flow_restart(). */
    g_info("%s: installed; fwupd needs a restart: asking the person", job->id);
    job->needs_reboot = TRUE;
    job->restart_only = TRUE;
    job->work = WORK_RESTART;
    bridge_reoffer(job, message);
    return;
  }
  if (message != NULL)
    bridge_reoffer(job, message);
  bridge_finish(job, 200);
  if (job->needs_reboot)
    reboot(job->bridge);
}

void flow_restart(Job *job)
{
  g_info("%s: the person accepted the restart", job->id);
  job->work = WORK_DONE;
  /* The agent lets go of its inhibitor and says the device restarts. */
  bridge_set_stage(job, "restarting");
  reboot(job->bridge);
  flow_prune_cache(job->bridge);
}

static void on_results(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FwupdDevice) result =
      fwupd_client_get_results_finish(FWUPD_CLIENT(source), res, &error);

  if (job->work != WORK_INSTALLING)
    return;
  succeeded(job, result, FALSE);
}

static void on_installed(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;

  if (job->work != WORK_INSTALLING)
    return;
  if (!fwupd_client_install_finish(FWUPD_CLIENT(source), res, &error)) {
    fail(job, error, OTAUX_FWUPD_STAGE_INSTALL);
    return;
  }
  g_info("%s: installed", job->id);
  fwupd_client_get_results_async(FWUPD_CLIENT(source), job->device_id, job->cancellable, on_results,
                                 job_ref(job));
}

static void start_install(Job *job)
{
  g_info("%s: installing %s", job->id, job->file);
  job->last_percent = -1;
  bridge_set_state(job, 60, 0, 100, NULL);
  fwupd_client_install_async(job->bridge->client, job->device_id, job->file,
                             FWUPD_INSTALL_FLAG_NONE, job->cancellable, on_installed, job_ref(job));
}

void flow_install(Job *job)
{
  g_autofree char *path = cache_path(job);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new(path, FALSE, NULL);

  /* After a restart of the bridge the file may be there already: use it
   * only if it still has the release's checksum. */
  if (mapped != NULL) {
    bytes = g_mapped_file_get_bytes(mapped);
    if (!verify(job, bytes, NULL))
      g_clear_pointer(&bytes, g_bytes_unref);
  }
  if (bytes == NULL) {
    flow_download(job, TRUE);
    return;
  }
  g_free(job->file);
  job->file = g_steal_pointer(&path);
  job->work = WORK_INSTALLING;
  g_clear_object(&job->cancellable);
  job->cancellable = g_cancellable_new();
  start_install(job);
}

static void on_resume_results(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FwupdDevice) result =
      fwupd_client_get_results_finish(FWUPD_CLIENT(source), res, &error);
  GPtrArray *releases = result ? fwupd_device_get_releases(result) : NULL;
  const char *version =
      releases && releases->len ? fwupd_release_get_version(g_ptr_array_index(releases, 0)) : NULL;
  FwupdUpdateState state =
      result ? fwupd_device_get_update_state(result) : FWUPD_UPDATE_STATE_UNKNOWN;

  if (job->work != WORK_INSTALLING)
    return;
  if (g_strcmp0(version, job->version) == 0 &&
      (state == FWUPD_UPDATE_STATE_SUCCESS || state == FWUPD_UPDATE_STATE_NEEDS_REBOOT)) {
    g_info("%s: fwupd installed it while we were away", job->id);
    succeeded(job, result, TRUE);
  } else if (g_strcmp0(version, job->version) == 0 &&
             (state == FWUPD_UPDATE_STATE_FAILED || state == FWUPD_UPDATE_STATE_FAILED_TRANSIENT)) {
    g_autoptr(GError) failed =
        g_error_new(OTAUX_FWUPD_ERROR, 410, "%s: %s", job->id,
                    fwupd_device_get_update_error(result) ? fwupd_device_get_update_error(result)
                                                          : "fwupd recorded a failed install");
    fail(job, failed, OTAUX_FWUPD_STAGE_INSTALL);
  } else if (job->after_restart) {
    /* The new boot, and fwupd knows nothing of the release: not installed. */
    g_autoptr(GError) failed =
        g_error_new(OTAUX_FWUPD_ERROR, 410,
                    "%s: fwupd has no record of the install after the restart", job->id);
    fail(job, failed, OTAUX_FWUPD_STAGE_INSTALL);
  } else {
    /* No record of it: the install never reached fwupd. Run it again. */
    job->work = WORK_IDLE;
    flow_install(job);
  }
}

void flow_resume_installing(Job *job)
{
  job->work = WORK_INSTALLING;
  g_clear_object(&job->cancellable);
  job->cancellable = g_cancellable_new();
  fwupd_client_get_results_async(job->bridge->client, job->device_id, job->cancellable,
                                 on_resume_results, job_ref(job));
}

void flow_fwupd_vanished(OtauxFwupdBridge *bridge)
{
  GHashTableIter iter;
  Job *job;

  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    g_autoptr(GError) error = NULL;
    if (job->work != WORK_INSTALLING)
      continue;
    /* fwupd has no way to resume; the device keeps its old firmware or
     * fwupd records a failure when it starts again. */
    error = g_error_new(OTAUX_FWUPD_ERROR, 410, "fwupd left the bus during the install");
    fail(job, error, OTAUX_FWUPD_STAGE_INSTALL);
    g_cancellable_cancel(job->cancellable);
  }
}

void flow_on_percentage(OtauxFwupdBridge *bridge)
{
  GHashTableIter iter;
  Job *job;
  int percent;

  if (bridge->client == NULL)
    return;
  percent = (int)fwupd_client_get_percentage(bridge->client);
  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    gint64 now = g_get_monotonic_time();
    if (job->work != WORK_INSTALLING && job->work != WORK_DOWNLOADING)
      continue;
    if (percent == job->last_percent ||
        (percent < 100 && now - job->last_report < PROGRESS_EVERY_US))
      continue;
    job->last_percent = percent;
    job->last_report = now;
    /* install progress is in percent: bytes-total 100 */
    if (job->work == WORK_INSTALLING)
      bridge_set_state(job, 60, (guint64)percent, 100, NULL);
    else if (fwupd_release_get_size(job->release) > 0)
      bridge_set_state(job, 30, fwupd_release_get_size(job->release) * (guint64)percent / 100,
                       fwupd_release_get_size(job->release), NULL);
  }
}

/* fwupd's request ids, for requests that come without a message. */
static const struct {
  const char *id;
  const char *text;
} request_texts[] = {
  { FWUPD_REQUEST_ID_REMOVE_REPLUG, "Unplug the device, then plug it in again." },
  { FWUPD_REQUEST_ID_PRESS_UNLOCK, "Press the unlock button on the device." },
  { FWUPD_REQUEST_ID_REMOVE_USB_CABLE, "Unplug the USB cable of the device." },
  { FWUPD_REQUEST_ID_INSERT_USB_CABLE, "Plug in the USB cable of the device." },
  { FWUPD_REQUEST_ID_DO_NOT_POWER_OFF, "Do not turn off the device or unplug it." },
  { FWUPD_REQUEST_ID_REPLUG_INSTALL, "Unplug the device, then plug it in again to install." },
  { FWUPD_REQUEST_ID_REPLUG_POWER, "Unplug the power of the device, then plug it in again." },
};

void flow_on_device_request(OtauxFwupdBridge *bridge, FwupdRequest *request)
{
  const char *text = fwupd_request_get_message(request);
  const char *device_id = fwupd_request_get_device_id(request);
  GHashTableIter iter;
  Job *job;

  for (gsize i = 0; text == NULL && i < G_N_ELEMENTS(request_texts); i++)
    if (g_strcmp0(fwupd_request_get_id(request), request_texts[i].id) == 0)
      text = request_texts[i].text;
  if (text == NULL || !g_utf8_validate(text, -1, NULL))
    return;
  g_info("fwupd asks the person: %s", text);
  g_hash_table_iter_init(&iter, bridge->jobs);
  while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&job)) {
    if (job->work != WORK_INSTALLING)
      continue;
    if (device_id != NULL && g_strcmp0(device_id, job->device_id) != 0)
      continue;
    bridge_set_state(job, 60, (guint64)MAX(job->last_percent, 0), 100, text);
  }
}
