/* otaux-policy: what to ask, how loudly, with which choices.
 *
 * Pure library (GLib only). This is the built-in default policy; the
 * operator policy files (XML, layered) load into the same struct. */
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
  OTAUX_CHARGE_WARN_METERED,
  OTAUX_CHARGE_WARN_ALWAYS,
} OtauxChargeWarn;

#define OTAUX_POLICY_MAX_LIST 8

typedef struct {
  OtauxPresentation presentation;
  OtauxUrgency urgency;
  gboolean sound;
} OtauxPriorityPolicy;

typedef struct {
  OtauxPriorityPolicy priority[OTAUX_N_PRIORITIES];

  OtauxChargeWarn charge_warning;
  gboolean allow_silent;        /* silent offers skip the download question */
  gboolean allow_forced;        /* forced offers inform instead of asking */
  guint forced_countdown_s;     /* countdown before a forced reboot */

  guint max_delays;             /* how often the person may delay the reboot */
  guint max_total_delay_s;      /* latest reboot: first ready time + this */
  guint delay_options_s[OTAUX_POLICY_MAX_LIST]; /* offered relative delays */
  guint n_delay_options;
  gint tonight_hour;            /* "tonight at HH:00", -1 for none */
  gint morning_hour;            /* "tomorrow morning at HH:00", -1 for none */
  guint reminders_s[OTAUX_POLICY_MAX_LIST]; /* reminders before the reboot, descending */
  guint n_reminders;
  guint final_warning_s;        /* final, non-dismissible warning before the reboot */

  guint download_retry_interval_s; /* exported to the updater */
  guint download_timeout_s;        /* exported to the updater */
} OtauxPolicy;

OtauxPolicy *otaux_policy_new_default(void);
OtauxPolicy *otaux_policy_copy(const OtauxPolicy *policy);
void otaux_policy_free(OtauxPolicy *policy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxPolicy, otaux_policy_free)

const char *otaux_priority_to_string(OtauxPriority priority);
gboolean otaux_priority_from_string(const char *str, OtauxPriority *out);
const char *otaux_presentation_to_string(OtauxPresentation presentation);
const char *otaux_urgency_to_string(OtauxUrgency urgency);

G_END_DECLS
