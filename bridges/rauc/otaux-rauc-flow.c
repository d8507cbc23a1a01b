/* The flow of one accepted bundle through RAUC's D-Bus API: InstallBundle
 * (the other slot written, not activated), Progress as SetState 60,
 * Completed; on the accept of the restart Mark("active", "other") and logind's
 * Reboot; after the boot Mark("good", "booted") and Finish 200, or 410 when
 * the old slot booted (docs/rauc.md). */
#include "otaux-rauc-private.h"

#include <string.h>

#define RAUC_NAME         "de.pengutronix.rauc"
#define RAUC_IFACE        "de.pengutronix.rauc.Installer"
#define CALL_TIMEOUT_MS   10000
#define PROGRESS_EVERY_US (250 * 1000)

char *flow_boot_id(void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
    return g_strdup("");
  return g_strdup(g_strstrip(text));
}

static void rauc_call(OtauxRaucBridge *bridge, const char *method, GVariant *params,
                      const GVariantType *reply_type, GAsyncReadyCallback cb, Job *job)
{
  bridge->pending++;
  g_dbus_connection_call(bridge->rauc_bus, RAUC_NAME, "/", RAUC_IFACE, method, params, reply_type,
                         G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, bridge->cancellable, cb,
                         job_ref(job));
}

/* -- install ---------------------------------------------------------------- */

static void fail(Job *job, const char *last_error)
{
  guint result = otaux_rauc_result_from_error(last_error);

  if (job->work == WORK_DONE)
    return;
  g_message("%s: RAUC failed: %s → %u", job->id, last_error, result);
  bridge_finish(job, result, last_error);
}

static void stop_installing(OtauxRaucBridge *bridge)
{
  if (bridge->installing != NULL)
    job_unref(g_steal_pointer(&bridge->installing));
}

static void installed(Job *job)
{
  /* The slot is written and not active: the restart question (the same
   * offer); only its accept activates the slot and restarts. */
  g_info("%s: slot written; asking to restart", job->id);
  job->restart_only = TRUE;
  job->work = WORK_RESTART;
  bridge_reoffer(job);
}

static void on_install_started(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  job->bridge->pending--;
  if (reply != NULL || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* refused at once (busy, an unknown argument): RAUC's words */
  g_dbus_error_strip_remote_error(error);
  if (job->bridge->installing == job)
    stop_installing(job->bridge);
  fail(job, error->message);
}

void flow_install(Job *job)
{
  OtauxRaucBridge *bridge = job->bridge;
  GVariantBuilder args;

  if (bridge->installing != NULL || job->bundle == NULL) {
    g_debug("%s: waiting (another install runs, or no bundle)", job->id);
    return;
  }
  g_message("%s: installing %s", job->id, job->bundle);
  job->work = WORK_INSTALLING;
  job->last_report = 0;
  bridge->installing = job_ref(job);
  bridge_set_state(job, 60, 0, 100, NULL);
  g_variant_builder_init(&args, G_VARIANT_TYPE_VARDICT);
  rauc_call(bridge, "InstallBundle", g_variant_new("(sa{sv})", job->bundle, &args), NULL,
            on_install_started, job);
}

/* The slot that holds the job's bundle and is not the booted one. */
static gboolean find_slot(Job *job, GVariant *reply, char **slot, char **bootname)
{
  g_autoptr(GVariantIter) iter = NULL;
  const char *name;
  GVariant *props;

  g_variant_get(reply, "(a(sa{sv}))", &iter);
  while (g_variant_iter_next(iter, "(&s@a{sv})", &name, &props)) {
    const char *version = NULL, *compatible = NULL, *state = NULL, *boot = NULL;

    (void)g_variant_lookup(props, "bundle.version", "&s", &version);
    (void)g_variant_lookup(props, "bundle.compatible", "&s", &compatible);
    (void)g_variant_lookup(props, "state", "&s", &state);
    (void)g_variant_lookup(props, "bootname", "&s", &boot);
    if (g_strcmp0(version, job->version) == 0 && g_strcmp0(compatible, job->compatible) == 0 &&
        g_strcmp0(state, "booted") != 0 && boot != NULL) {
      *slot = g_strdup(name);
      *bootname = g_strdup(boot);
      g_variant_unref(props);
      return TRUE;
    }
    g_variant_unref(props);
  }
  return FALSE;
}

static void on_resume_status(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autofree char *slot = NULL;
  g_autofree char *bootname = NULL;

  job->bridge->pending--;
  if (reply == NULL) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning("GetSlotStatus: %s", error->message);
    job->work = WORK_IDLE;
    return;
  }
  job->work = WORK_IDLE;
  if (find_slot(job, reply, &slot, &bootname)) {
    g_info("%s: RAUC wrote %s (%s) while the bridge was away", job->id, slot, bootname);
    installed(job);
  } else {
    /* RAUC has no record of it: the install never ran to its end. Again. */
    flow_install(job);
  }
}

void flow_resume_installing(Job *job)
{
  OtauxRaucBridge *bridge = job->bridge;

  if (g_strcmp0(bridge->operation, "installing") == 0 && bridge->installing == NULL) {
    /* ours, started before the bridge was restarted: Completed tells */
    g_info("%s: RAUC is installing; following it", job->id);
    job->work = WORK_INSTALLING;
    bridge->installing = job_ref(job);
    return;
  }
  if (bridge->installing != NULL)
    return;
  job->work = WORK_INSTALLING; /* held while RAUC is asked */
  rauc_call(bridge, "GetSlotStatus", NULL, G_VARIANT_TYPE("(a(sa{sv}))"), on_resume_status, job);
}

static void on_last_error(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autoptr(GVariant) value = NULL;

  job->bridge->pending--;
  if (reply != NULL)
    g_variant_get(reply, "(v)", &value);
  if (value != NULL && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    fail(job, g_variant_get_string(value, NULL));
  else
    fail(job, "RAUC reported a failed install and no reason");
}

static void on_progress(OtauxRaucBridge *bridge, GVariant *progress)
{
  Job *job = bridge->installing;
  gint64 now = g_get_monotonic_time();
  gint32 percent = 0, depth = 0;
  const char *message = NULL;

  if (job == NULL || !g_variant_is_of_type(progress, G_VARIANT_TYPE("(isi)")))
    return;
  g_variant_get(progress, "(i&si)", &percent, &message, &depth);
  if (percent < 100 && now - job->last_report < PROGRESS_EVERY_US)
    return;
  job->last_report = now;
  /* RAUC's progress is in steps, not bytes: percent of 100 */
  bridge_set_state(job, 60, (guint64)CLAMP(percent, 0, 100), 100, message);
}

void flow_rauc_signal(OtauxRaucBridge *bridge, const char *member, GVariant *params)
{
  if (g_strcmp0(member, "Completed") == 0) {
    g_autoptr(Job) job = bridge->installing ? job_ref(bridge->installing) : NULL;
    gint32 code = -1;

    g_variant_get(params, "(i)", &code);
    g_info("RAUC completed: %d", code);
    stop_installing(bridge);
    /* a bundle accepted meanwhile waited for RAUC: it goes on now */
    bridge_refresh_all(bridge);
    if (job == NULL || job->work != WORK_INSTALLING)
      return;
    if (code == 0) {
      installed(job);
    } else {
      /* RAUC 1.8 says why only in LastError */
      bridge->pending++;
      g_dbus_connection_call(bridge->rauc_bus, RAUC_NAME, "/", "org.freedesktop.DBus.Properties",
                             "Get", g_variant_new("(ss)", RAUC_IFACE, "LastError"),
                             G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS,
                             bridge->cancellable, on_last_error, job_ref(job));
    }
    return;
  }
  if (g_strcmp0(member, "PropertiesChanged") == 0) {
    g_autoptr(GVariant) changed = g_variant_get_child_value(params, 1);
    g_autoptr(GVariant) progress = g_variant_lookup_value(changed, "Progress", NULL);
    const char *value = NULL;

    if (g_variant_lookup(changed, "Operation", "&s", &value)) {
      g_free(bridge->operation);
      bridge->operation = g_strdup(value);
    }
    if (g_variant_lookup(changed, "BootSlot", "&s", &value)) {
      g_free(bridge->boot_slot);
      bridge->boot_slot = g_strdup(value);
    }
    if (progress != NULL)
      on_progress(bridge, progress);
  }
}

void flow_rauc_vanished(OtauxRaucBridge *bridge)
{
  g_autoptr(Job) job = bridge->installing ? job_ref(bridge->installing) : NULL;

  stop_installing(bridge);
  g_clear_pointer(&bridge->operation, g_free);
  if (job != NULL && job->work == WORK_INSTALLING)
    fail(job, "the RAUC service stopped during the install");
}

/* -- the restart ------------------------------------------------------------ */

static void reboot(OtauxRaucBridge *bridge)
{
  otaux_bridge_client_reboot(bridge->system, bridge->config.no_reboot);
}

static void forget_activation(OtauxRaucBridge *bridge)
{
  g_autoptr(GError) error = NULL;

  if (!otaux_rauc_state_clear(bridge->activation_file, &error))
    g_warning("%s", error->message);
  g_clear_pointer(&bridge->activation, otaux_rauc_activation_free);
}

static void on_marked_active(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  OtauxRaucBridge *bridge = job->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  const char *slot = NULL, *message = NULL;

  bridge->pending--;
  if (reply == NULL) {
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    g_dbus_error_strip_remote_error(error);
    forget_activation(bridge);
    fail(job, error->message);
    return;
  }
  g_variant_get(reply, "(&s&s)", &slot, &message);
  g_message("%s: RAUC: %s", job->id, message);
  if (bridge->activation != NULL && g_strcmp0(slot, bridge->activation->slot) != 0)
    g_warning("%s: RAUC activated %s, the bundle is in %s", job->id, slot,
              bridge->activation->slot);
  job->work = WORK_VERIFY;
  /* The agent lets go of its inhibitor and says the device restarts. */
  bridge_set_stage(job, "restarting");
  reboot(bridge);
}

static void on_restart_status(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  OtauxRaucBridge *bridge = job->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autoptr(OtauxRaucActivation) activation = g_new0(OtauxRaucActivation, 1);

  bridge->pending--;
  if (reply == NULL) {
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    g_dbus_error_strip_remote_error(error);
    fail(job, error->message);
    return;
  }
  if (!find_slot(job, reply, &activation->slot, &activation->bootname)) {
    g_autofree char *why = g_strdup_printf(
        "RAUC's slot status names no slot with %s %s to activate", job->compatible, job->version);
    fail(job, why);
    return;
  }
  activation->id = g_strdup(job->id);
  activation->compatible = g_strdup(job->compatible);
  activation->version = g_strdup(job->version);
  activation->name = g_strdup(job->name);
  activation->from = g_strdup(bridge->boot_slot);
  activation->boot_id = flow_boot_id();
  /* On disk before the slot is activated: the bridge of the next boot
   * must know what it activated, whatever happens after this. */
  if (!otaux_rauc_state_save(bridge->activation_file, activation, &error)) {
    fail(job, error->message);
    return;
  }
  otaux_rauc_activation_free(bridge->activation);
  bridge->activation = g_steal_pointer(&activation);
  g_message("%s: activating %s (%s)", job->id, bridge->activation->slot,
            bridge->activation->bootname);
  rauc_call(bridge, "Mark", g_variant_new("(ss)", "active", "other"), G_VARIANT_TYPE("(ss)"),
            on_marked_active, job);
}

void flow_restart(Job *job)
{
  g_info("%s: the person accepted the restart", job->id);
  job->work = WORK_ACTIVATING;
  rauc_call(job->bridge, "GetSlotStatus", NULL, G_VARIANT_TYPE("(a(sa{sv}))"), on_restart_status,
            job);
}

/* -- after the boot --------------------------------------------------------- */

static void on_marked_good(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Job) job = user_data;
  OtauxRaucBridge *bridge = job->bridge;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  bridge->pending--;
  if (reply == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  forget_activation(bridge);
  if (reply == NULL) {
    g_dbus_error_strip_remote_error(error);
    fail(job, error->message);
    return;
  }
  g_message("%s: the new slot booted and is marked good", job->id);
  bridge_finish(job, 200, NULL);
}

void flow_verify(Job *job)
{
  OtauxRaucBridge *bridge = job->bridge;
  OtauxRaucActivation *act = bridge->activation;
  g_autofree char *boot_id = NULL;

  if (!bridge->rauc_up || job->path == NULL)
    return; /* again when RAUC is there */
  if (act == NULL || g_strcmp0(act->id, job->id) != 0) {
    if (g_strcmp0(job->stage, "finishing") == 0)
      fail(job, "the bridge has no record of the slot it activated");
    return;
  }
  if (g_strcmp0(bridge->boot_slot, act->bootname) == 0) {
    job->work = WORK_ACTIVATING;
    rauc_call(bridge, "Mark", g_variant_new("(ss)", "good", "booted"), G_VARIANT_TYPE("(ss)"),
              on_marked_good, job);
    return;
  }
  boot_id = flow_boot_id();
  if (g_strcmp0(job->stage, "finishing") == 0 || g_strcmp0(boot_id, act->boot_id) != 0) {
    /* a new boot, in the old slot: the bootloader fell back */
    g_autofree char *why = g_strdup_printf(
        "The device started from slot %s again, not from slot %s (%s) with %s %s: the "
        "update did not take, and the device runs the version it had before.",
        bridge->boot_slot ? bridge->boot_slot : "?", act->bootname, act->slot ? act->slot : "?",
        act->compatible, act->version);
    forget_activation(bridge);
    job->work = WORK_IDLE;
    bridge_finish(job, 410, why);
    return;
  }
  g_debug("%s: waiting for the restart into %s", job->id, act->bootname);
}
