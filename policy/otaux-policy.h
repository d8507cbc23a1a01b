/* otaux-policy: what to ask, how loudly, with which choices.
 *
 * Pure library (GLib only). This is the built-in default policy; the
 * operator policy files (XML, layered, see otaux-policy-file.h and
 * docs/policy.md) load into the same struct. Plain data without pointers:
 * a memberwise copy is a deep copy and memcmp() compares two policies. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  OTAUX_PRIORITY_LOW = 0,
  OTAUX_PRIORITY_MEDIUM,
  OTAUX_PRIORITY_HIGH,
  OTAUX_N_PRIORITIES
} OtauxPriority;

/* How an offer of a given priority reaches the person. */
typedef enum {
  OTAUX_PRESENTATION_SILENT = 0,   /* log and status property only */
  OTAUX_PRESENTATION_NOTIFICATION, /* a notification without buttons */
  OTAUX_PRESENTATION_ACTIONS,      /* a notification with the choices as actions */
  OTAUX_PRESENTATION_POPUP,        /* the pop-up prompter, plus a notification */
} OtauxPresentation;

typedef enum {
  OTAUX_URGENCY_LOW = 0,
  OTAUX_URGENCY_NORMAL,
  OTAUX_URGENCY_CRITICAL,
} OtauxUrgency;

typedef enum {
  OTAUX_CHARGE_WARN_NEVER = 0,
  OTAUX_CHARGE_WARN_ROAMING,
  OTAUX_CHARGE_WARN_METERED,  /* metered or roaming */
  OTAUX_CHARGE_WARN_CELLULAR, /* cellular or roaming */
  OTAUX_CHARGE_WARN_ALWAYS,
} OtauxChargeWarn;

/* Whether a download may start while roaming. */
typedef enum {
  OTAUX_ROAMING_DOWNLOAD_YES = 0, /* as at home */
  OTAUX_ROAMING_DOWNLOAD_NO,      /* never: the download question is held back */
  OTAUX_ROAMING_DOWNLOAD_ASK,     /* always ask, even for silent and forced offers */
} OtauxRoamingDownload;

/* Whose word counts for roaming, metered and cellular (agent/otaux-device.h). */
typedef enum {
  OTAUX_DEVICE_TRUST_EITHER = 0, /* true when either says so */
  OTAUX_DEVICE_TRUST_UPDATER,    /* the Offer keys; the system's where they say nothing */
  OTAUX_DEVICE_TRUST_SYSTEM,     /* the system's services; the keys where none runs */
} OtauxDeviceTrust;

/* The answer a prompt gives itself when its time-out expires (OMA DM DR). */
typedef enum {
  OTAUX_TIMEOUT_ANSWER_CANCEL = 0,
  OTAUX_TIMEOUT_ANSWER_ACCEPT,
  OTAUX_TIMEOUT_ANSWER_LATER,
} OtauxTimeoutAnswer;

#define OTAUX_POLICY_MAX_LIST    8
#define OTAUX_POLICY_MAX_NAME    256  /* a D-Bus name */
#define OTAUX_POLICY_MAX_PROGRAM 1024 /* a program path */

typedef struct {
  OtauxPresentation presentation;
  OtauxUrgency urgency;
  gboolean sound;
  guint later_s;                     /* "later" hides the question this long; 0 = not offered */
  guint timeout_s;                   /* the question answers itself after this (MAXDT); 0 = never */
  OtauxTimeoutAnswer timeout_answer; /* ... with this answer (DR) */
  gboolean quiet_interrupt;          /* may pop up and reboot inside quiet hours */
  /* This priority's own quiet hours (minutes of the day; start == end:
   * none), on top of the global ones: "quiet hours for low only". */
  gint quiet_start_min;
  gint quiet_end_min;
  gboolean quiet_notify; /* notifies inside its quiet hours; FALSE: waits for their end */
  /* The night window of "Install tonight" (minutes of the day; start ==
   * end: the choice is not offered for this priority). */
  gint night_start_min;
  gint night_end_min;
} OtauxPriorityPolicy;

typedef struct {
  OtauxPriorityPolicy priority[OTAUX_N_PRIORITIES];

  OtauxChargeWarn charge_warning;
  guint64 charge_min_size;                       /* bytes; smaller packages get no warning */
  char charge_program[OTAUX_POLICY_MAX_PROGRAM]; /* absolute path, "" = none */
  guint charge_program_timeout_s;                /* then it counts as "no" */
  gboolean charge_suggest_wifi;                  /* "Download on Wi-Fi" is the suggested choice */

  gboolean roaming_present;              /* offers are shown while roaming */
  OtauxRoamingDownload roaming_download; /* downloads may start while roaming */

  OtauxDeviceTrust device_trust;   /* whose word counts */
  guint battery_min_on_battery;    /* percent needed to install on battery */
  guint battery_min_charging;      /* percent needed to install on mains power */
  gboolean battery_mains_required; /* no install on battery at all */

  gboolean allow_silent;    /* silent offers skip the download question */
  gboolean allow_forced;    /* forced offers inform instead of asking */
  guint forced_countdown_s; /* countdown before a forced reboot */

  guint max_delays;                             /* how often the person may delay the reboot */
  guint max_total_delay_s;                      /* latest reboot: first ready time + this */
  guint delay_options_s[OTAUX_POLICY_MAX_LIST]; /* offered relative delays */
  guint n_delay_options;
  guint max_pick_s;  /* a picked reboot time at most this far ahead; 0 = no bound */
  gint tonight_hour; /* "tonight at HH:MM", -1 for none */
  gint tonight_minute;
  gint morning_hour; /* "tomorrow morning at HH:MM", -1 for none */
  gint morning_minute;
  guint reminders_s[OTAUX_POLICY_MAX_LIST]; /* reminders before the reboot, descending */
  guint n_reminders;
  guint final_warning_s; /* final, non-dismissible warning before the reboot */

  /* Quiet hours (local time, minutes of the day; start == end: none): no
   * pop-up and no reboot inside them unless the priority allows. They also
   * serve as "active hours" (Windows): the window where reboots wait. */
  gint quiet_start_min;
  gint quiet_end_min;

  guint download_retry_interval_s; /* exported to the updater */
  guint download_timeout_s;        /* exported to the updater */

  /* Who may offer and answer besides the session's own uid. Empty: root. */
  guint32 allowed_uids[OTAUX_POLICY_MAX_LIST];
  guint n_allowed_uids;
  /* ... and callers in any of these groups (the process's groups, as the
   * bus daemon reports them). */
  guint32 allowed_gids[OTAUX_POLICY_MAX_LIST];
  guint n_allowed_gids;
  /* When not empty, the updater methods (Offer, SetState, Finish,
   * Withdraw) are taken only from the owners of these well-known names. */
  char allowed_names[OTAUX_POLICY_MAX_LIST][OTAUX_POLICY_MAX_NAME];
  guint n_allowed_names;
} OtauxPolicy;

OtauxPolicy *otaux_policy_new_default(void);
OtauxPolicy *otaux_policy_copy(const OtauxPolicy *policy);
void otaux_policy_free(OtauxPolicy *policy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxPolicy, otaux_policy_free)

const char *otaux_priority_to_string(OtauxPriority priority);
gboolean otaux_priority_from_string(const char *str, OtauxPriority *out);
const char *otaux_presentation_to_string(OtauxPresentation presentation);
const char *otaux_urgency_to_string(OtauxUrgency urgency);

gboolean otaux_policy_equal(const OtauxPolicy *a, const OtauxPolicy *b);

/* Quiet hours at @now (unix seconds, local time of day). */
gboolean otaux_policy_in_quiet_hours(const OtauxPolicy *policy, gint64 now);
/* The next time any quiet hours (the global ones or a priority's own) start
 * or end after @now, 0 when there are none. */
gint64 otaux_policy_quiet_next_change(const OtauxPolicy *policy, gint64 now);
/* Whether an offer of @priority may pop up / reboot at @when: outside the
 * global quiet hours (or it may interrupt them) and outside its own. */
gboolean otaux_policy_may_interrupt(const OtauxPolicy *policy, OtauxPriority priority, gint64 when);
/* Whether an offer of @priority may show anything at @when: only
 * quiet-notify="no" inside its quiet hours holds its notifications back. */
gboolean otaux_policy_may_notify(const OtauxPolicy *policy, OtauxPriority priority, gint64 when);

/* The night window of "Install tonight" for @priority: the one @now is
 * inside, else the next one to start; FALSE when the priority has none. */
gboolean otaux_policy_night_window(const OtauxPolicy *policy, OtauxPriority priority, gint64 now,
                                   gint64 *start, gint64 *end);

G_END_DECLS
