/* Shared between the bridge (bundles, offers, decisions) and the flow
 * (RAUC: install, activate, reboot, verify). Not installed. */
#pragma once

#include "otaux-bridge-client.h"
#include "otaux-declined.h"
#include "otaux-rauc-bridge.h"
#include "otaux-rauc-map.h"
#include "otaux-rauc-state.h"

G_BEGIN_DECLS

typedef enum {
  WORK_IDLE,       /* waiting for the person (or the agent) */
  WORK_INSTALLING, /* RAUC writes the other slot */
  WORK_RESTART,    /* written; the restart question is open (restart-only) */
  WORK_ACTIVATING, /* the person accepted the restart: Mark active, Reboot */
  WORK_VERIFY,     /* activated before a reboot: which slot booted decides */
  WORK_DONE,       /* finished; nothing more to do */
} JobWork;

typedef struct {
  int refs;
  OtauxRaucBridge *bridge; /* not owned; outlives every job */
  char *id;                /* rauc:COMPATIBLE:VERSION */
  char *compatible;
  char *version;
  char *name;   /* the bundle's description (or its file name) */
  char *bundle; /* the bundle's file; NULL for a job known only from activated.ini */
  guint64 size;
  OtauxRaucSidecar sidecar;
  char *path;     /* the offer's object path, NULL until offered */
  char *phase;    /* as the agent last said */
  char *decision; /* of the current question */
  char *stage;    /* "", restarting or finishing (the new boot) */
  guint result;
  guint final_result;  /* what the bridge reported, 0 = nothing yet */
  char *final_message; /* its words (FinishWithDetails), or NULL */
  gboolean refinish;   /* the agent restarted: report final_result again */
  gboolean seen;       /* in the last look at the folder */
  gboolean restart_only;
  JobWork work;
  gboolean offering; /* an Offer call is in flight */
  gboolean reading;  /* a GetAll is in flight */
  gboolean reread;   /* read again when it returns */
  gint64 last_report;
} Job;

struct _OtauxRaucBridge {
  OtauxRaucConfig config;
  char *declined_file;
  char *activation_file;
  GDBusConnection *agent_bus;
  GDBusConnection *rauc_bus;
  GDBusConnection *system; /* logind */
  OtauxDeclined *declined;
  OtauxRaucActivation *activation; /* activated.ini, or NULL */
  GHashTable *jobs;                /* id → Job */
  GHashTable *bundles;             /* file path → Bundle */
  GFileMonitor *monitor;
  GCancellable *cancellable;
  guint agent_watch;
  guint rauc_watch;
  guint decided_sub;
  guint changed_sub;
  guint rauc_props_sub;
  guint rauc_completed_sub;
  gboolean agent_up;
  gboolean rauc_up; /* on the bus, and its properties read */
  char *boot_slot;  /* RAUC's BootSlot */
  char *operation;  /* RAUC's Operation: idle or installing */
  Job *installing;  /* the job whose InstallBundle runs (a reference) */
  guint scan_source;
  int scanning; /* `rauc info` runs in flight */
  gboolean rescan;
  int pending; /* calls in flight that hold the bridge */
};

Job *job_ref(Job *job);
void job_unref(Job *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Job, job_unref)

/* Calls to otaux-agent for a job (replies are logged, not waited for). */
void bridge_set_state(Job *job, guint state, guint64 done, guint64 total, const char *step);
void bridge_set_stage(Job *job, const char *stage);
void bridge_finish(Job *job, guint result, const char *message);
void bridge_reoffer(Job *job);
void bridge_refresh(Job *job);
void bridge_refresh_all(OtauxRaucBridge *bridge);

/* The flow: otaux-rauc-flow.c */
void flow_install(Job *job);
void flow_resume_installing(Job *job);
void flow_restart(Job *job);
void flow_verify(Job *job);
void flow_rauc_signal(OtauxRaucBridge *bridge, const char *member, GVariant *params);
void flow_rauc_vanished(OtauxRaucBridge *bridge);
/* the kernel's boot id (a new one each boot) */
char *flow_boot_id(void);

G_END_DECLS
