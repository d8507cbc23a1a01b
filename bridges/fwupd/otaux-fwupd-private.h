/* Shared between the bridge (offers, decisions) and the flow (download,
 * install, reboot). Not installed. */
#pragma once

#include <fwupd.h>

#include "otaux-fwupd-bridge.h"
#include "otaux-fwupd-map.h"
#include "otaux-bridge-client.h"
#include "otaux-declined.h"

G_BEGIN_DECLS

typedef enum {
  WORK_IDLE,        /* waiting for the person (or the agent) */
  WORK_DOWNLOADING, /* fetching the file */
  WORK_INSTALLING,  /* fwupd is installing */
  WORK_RESTART,     /* installed; the restart question is open (restart-only) */
  WORK_DONE,        /* finished; nothing more to do */
} JobWork;

typedef struct {
  int refs;
  OtauxFwupdBridge *bridge; /* not owned; outlives every job */
  char *id;                 /* Offer id: fwupd:DEVICE:VERSION */
  char *device_id;
  char *version;
  FwupdDevice *device;
  FwupdRelease *release;
  char *path;     /* the offer's object path, NULL until offered */
  char *phase;    /* as the agent last said */
  char *decision; /* of the current question */
  char *stage;    /* "", restarting or finishing (the new boot) */
  guint result;
  guint final_result; /* what the bridge reported with Finish, 0 = nothing yet */
  gboolean refinish;  /* the agent restarted: report final_result again */
  gboolean seen;      /* in the last look at fwupd */
  gboolean needs_reboot;
  gboolean restart_only;  /* needs-reboot came after the install: ask to restart */
  gboolean after_restart; /* the agent says finishing: report fwupd's result, no more */
  JobWork work;
  gboolean offering; /* an Offer call is in flight */
  gboolean reading;  /* a GetAll is in flight */
  gboolean reread;   /* read again when it returns */
  GCancellable *cancellable;
  char *file; /* the downloaded, verified firmware */
  int last_percent;
  gint64 last_report; /* monotonic µs of the last progress report */
} Job;

struct _OtauxFwupdBridge {
  OtauxFwupdConfig config;
  GDBusConnection *session;
  GDBusConnection *system;
  FwupdClient *client;
  OtauxDeclined *state;
  GHashTable *jobs; /* id → Job */
  GCancellable *cancellable;
  guint agent_watch;
  guint fwupd_watch;
  guint decided_sub;
  guint changed_sub;
  gboolean agent_up;
  gboolean fwupd_up;
  gboolean syncing;
  gboolean resync;
  gboolean swept; /* offers left from an earlier run were looked at */
  guint sync_source;
  int pending; /* calls in flight that hold the bridge */
};

Job *job_new(OtauxFwupdBridge *bridge, FwupdDevice *device, FwupdRelease *release);
Job *job_by_path(OtauxFwupdBridge *bridge, const char *path);
Job *job_ref(Job *job);
void job_unref(Job *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Job, job_unref)

/* Calls to otaux-agent for a job (replies are logged, not waited for). */
void bridge_set_state(Job *job, guint state, guint64 done, guint64 total, const char *instruction);
void bridge_finish(Job *job, guint result);
/* SetState 60 with the detail stage (restarting: the device restarts now). */
void bridge_set_stage(Job *job, const char *stage);
void bridge_reoffer(Job *job, const char *install_message);
/* Reads the offer's Phase and Decision again and acts on them. */
void bridge_refresh(Job *job);

/* otaux-fwupd-leftover.c: after the first look at fwupd, the agent's
 * "fwupd:" offers that no job knows are withdrawn, finished or taken up. */
void bridge_sweep_leftovers(OtauxFwupdBridge *bridge);

/* The flow: otaux-fwupd-flow.c */
void flow_download(Job *job, gboolean then_install);
void flow_install(Job *job);
void flow_resume_installing(Job *job);
/* The person accepted the restart question (now or at the chosen time). */
void flow_restart(Job *job);
void flow_fwupd_vanished(OtauxFwupdBridge *bridge);
void flow_prune_cache(OtauxFwupdBridge *bridge);
void flow_on_percentage(OtauxFwupdBridge *bridge);
void flow_on_device_request(OtauxFwupdBridge *bridge, FwupdRequest *request);

G_END_DECLS
