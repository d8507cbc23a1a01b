/* otaux-charge: the operator's charge-warning program, run asynchronously. */
#include "otaux-charge.h"

#include <signal.h>
#include <sys/types.h>

struct _OtauxCharge {
  GHashTable *runs; /* serial -> Run* */
  OtauxChargeDoneFunc done;
  gpointer user_data;
};

/* One run of the program for one offer. */
typedef struct {
  OtauxCharge *charge;
  guint serial;
  GPid pid;
  guint watch_id;
  guint timeout_id;
  gboolean timed_out;
} Run;

static void run_free(gpointer data)
{
  Run *run = data;

  g_clear_handle_id(&run->watch_id, g_source_remove);
  g_clear_handle_id(&run->timeout_id, g_source_remove);
  if (run->pid > 0) {
    /* Still running (the agent stops or the offer went): stop it. */
    kill(run->pid, SIGTERM);
    g_spawn_close_pid(run->pid);
  }
  g_free(run);
}

OtauxCharge *otaux_charge_new(OtauxChargeDoneFunc done, gpointer user_data)
{
  OtauxCharge *charge = g_new0(OtauxCharge, 1);

  charge->runs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, run_free);
  charge->done = done;
  charge->user_data = user_data;
  return charge;
}

void otaux_charge_free(OtauxCharge *charge)
{
  if (charge == NULL)
    return;
  g_hash_table_unref(charge->runs);
  g_free(charge);
}

gboolean otaux_charge_running(OtauxCharge *charge, guint serial)
{
  g_return_val_if_fail(charge != NULL, FALSE);
  return g_hash_table_contains(charge->runs, GUINT_TO_POINTER(serial));
}

void otaux_charge_stop(OtauxCharge *charge, guint serial)
{
  g_return_if_fail(charge != NULL);
  g_hash_table_remove(charge->runs, GUINT_TO_POINTER(serial));
}

static void on_program_exit(GPid pid, gint status, gpointer data)
{
  Run *run = data;
  OtauxCharge *charge = run->charge;
  guint serial = run->serial;
  g_autoptr(GError) local = NULL;
  gboolean yes;

  /* Exit status 0 is yes; anything else (a crash, a kill at the time-out) is no. */
  yes = !run->timed_out && g_spawn_check_wait_status(status, &local);
  g_debug("charge-warning program for offer %u: %s", serial,
          yes ? "yes" : (run->timed_out ? "timed out" : local->message));
  g_spawn_close_pid(pid);
  run->pid = 0;
  run->watch_id = 0; /* the source is done */
  g_hash_table_remove(charge->runs, GUINT_TO_POINTER(serial));
  charge->done(serial, yes, charge->user_data);
}

static gboolean on_program_timeout(gpointer data)
{
  Run *run = data;

  run->timeout_id = 0;
  run->timed_out = TRUE;
  if (run->pid > 0)
    kill(run->pid, SIGKILL);
  return G_SOURCE_REMOVE;
}

void otaux_charge_start(OtauxCharge *charge, const OtauxOffer *offer, const char *program,
                        guint timeout_s)
{
  const char *argv[] = { program, NULL };
  g_auto(GStrv) envp = g_get_environ();
  g_autoptr(GError) local = NULL;
  char num[32];
  Run *run;
  GPid pid = 0;

  g_return_if_fail(charge != NULL && offer != NULL && program != NULL);

  /* The offer's details, for the program's own warning; the link as the
   * offer sees it (its keys merged with the system's word). */
  envp = g_environ_setenv(envp, "OTAUX_OFFER_ID", offer->spec.id, TRUE);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_NAME", offer->spec.name, TRUE);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_VERSION", offer->spec.version, TRUE);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_PRIORITY",
                          otaux_priority_to_string(offer->spec.priority), TRUE);
  g_snprintf(num, sizeof num, "%" G_GUINT64_FORMAT, offer->spec.size);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_SIZE", num, TRUE);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_ROAMING", offer->device.roaming ? "1" : "0", TRUE);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_METERED", offer->device.metered ? "1" : "0", TRUE);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_CELLULAR", offer->device.cellular ? "1" : "0", TRUE);
  g_snprintf(num, sizeof num, "%u", offer->serial);
  envp = g_environ_setenv(envp, "OTAUX_OFFER_SERIAL", num, TRUE);

  if (!g_spawn_async(NULL, (char **)argv, envp,
                     G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, &pid,
                     &local)) {
    /* A program that cannot run cannot say yes. */
    g_warning("cannot run the charge-warning program %s: %s", program, local->message);
    charge->done(offer->serial, FALSE, charge->user_data);
    return;
  }
  run = g_new0(Run, 1);
  run->charge = charge;
  run->serial = offer->serial;
  run->pid = pid;
  run->watch_id = g_child_watch_add(pid, on_program_exit, run);
  run->timeout_id = g_timeout_add_seconds(MAX(timeout_s, 1), on_program_timeout, run);
  g_hash_table_insert(charge->runs, GUINT_TO_POINTER(offer->serial), run);
}
