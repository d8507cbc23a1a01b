/* Private to policy/: the knob table's rows, and the problem reports that
 * the file reader, the checks and the layers share. */
#pragma once

#include <stdarg.h>

#include "otaux-policy-file.h"

G_BEGIN_DECLS

typedef enum {
  K_BOOL,          /* gboolean: yes | no */
  K_UINT,          /* guint: a count */
  K_DURATION,      /* guint seconds: 90, 90s, 15m, 4h, 3d */
  K_SIZE,          /* guint64 bytes: 0, 500kB, 50MB, 1GiB */
  K_ENUM,          /* an enum, by name */
  K_CLOCK,         /* gint hour at offset, gint minute at offset2: HH:MM or none */
  K_MINUTE_OF_DAY, /* gint minutes: HH:MM */
  K_DURATION_LIST, /* guint[] at offset, guint count at offset2 */
  K_UID_LIST,      /* guint32[] at offset, guint count at offset2 */
  K_NAME_LIST,     /* char[][MAX_NAME] at offset, guint count at offset2 */
  K_PATH,          /* char[MAX_PROGRAM]: an absolute path or "" */
} OtauxPolicyKnobType;

typedef struct {
  const char *name;      /* "priority.low.timeout" */
  const char *element;   /* "priority" */
  gint level;            /* the priority level of a "priority" element, else -1 */
  const char *attribute; /* "timeout" */
  OtauxPolicyKnobType type;
  gsize offset;
  gsize offset2;
  guint64 min, max; /* numbers, durations (each list item too) */
  const char *const *names;
} OtauxPolicyKnob;

extern const char *const otaux_policy_level_names[]; /* "low", "medium", "high", NULL */

const OtauxPolicyKnob *otaux_policy_knob_get(guint knob);
/* The knob of an attribute; @level: the priority level, -1 for other elements. */
const OtauxPolicyKnob *otaux_policy_knob_find(const char *element, gint level,
                                              const char *attribute);
gint otaux_policy_knob_index(const char *name);
/* Copies @k's value from @src to @dest. */
void otaux_policy_knob_copy(const OtauxPolicyKnob *k, OtauxPolicy *dest, const OtauxPolicy *src);
/* Sets @k in @policy from @text; on a bad value returns a message. */
char *otaux_policy_knob_parse(const OtauxPolicyKnob *k, const char *text, OtauxPolicy *policy);
/* "90s", "15m", "4h", "3d". */
char *otaux_policy_format_duration(guint64 s);
/* @value as a problem quotes it: valid UTF-8, at most 40 characters. */
char *otaux_policy_shown(const char *value);

/* The problems of one file: at most OTAUX_POLICY_FILE_MAX_PROBLEMS kept. */
typedef struct {
  const char *name;
  GPtrArray *problems;
  guint count; /* problems of this file, also those not kept */
} OtauxPolicyReport;

void otaux_policy_report_take(OtauxPolicyReport *r, guint line, char *message /* transfer full */);
void otaux_policy_report(OtauxPolicyReport *r, guint line, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
/* Says how many problems were not kept, if any. */
void otaux_policy_report_end(OtauxPolicyReport *r);

/* The lines of a parsed file, per knob (0: not set by it). */
const guint *otaux_policy_file_lines(const OtauxPolicyFile *file);

G_END_DECLS
