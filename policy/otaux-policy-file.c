/* otaux-policy-file: operator policy files (XML) and their layers. */
#include "otaux-policy-file.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "otaux-policy-rng.h"

G_DEFINE_QUARK(otaux - policy - file - error - quark, otaux_policy_file_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGValidCtxt, xmlRelaxNGFreeValidCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt)

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *OtauxXmlError;
#else
typedef xmlErrorPtr OtauxXmlError;
#endif

#define MINUTE 60u
#define HOUR   (60u * MINUTE)
#define DAY    (24u * HOUR)

/* ---- the knob table ------------------------------------------------------ */

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
} KnobType;

typedef struct {
  const char *name;      /* "priority.low.timeout" */
  const char *element;   /* "priority" */
  gint level;            /* the priority level of a "priority" element, else -1 */
  const char *attribute; /* "timeout" */
  KnobType type;
  gsize offset;
  gsize offset2;
  guint64 min, max; /* numbers, durations (each list item too) */
  const char *const *names;
} Knob;

static const char *const presentation_names[] = { "silent", "notification", "actions", "popup",
                                                  NULL };
static const char *const urgency_names[] = { "low", "normal", "critical", NULL };
static const char *const timeout_answer_names[] = { "cancel", "accept", "later", NULL };
static const char *const charge_names[] = { "never",    "roaming", "metered",
                                            "cellular", "always",  NULL };
static const char *const roaming_download_names[] = { "yes", "no", "ask", NULL };
static const char *const level_names[] = { "low", "medium", "high", NULL };

#define OFF(member) G_STRUCT_OFFSET(OtauxPolicy, member)
#define PRIORITY_KNOBS(lvl, str)                                                                   \
  { "priority." str ".presentation",                                                               \
    "priority",                                                                                    \
    lvl,                                                                                           \
    "presentation",                                                                                \
    K_ENUM,                                                                                        \
    OFF(priority[lvl].presentation),                                                               \
    0,                                                                                             \
    0,                                                                                             \
    0,                                                                                             \
    presentation_names },                                                                          \
      { "priority." str ".urgency", "priority", lvl, "urgency", K_ENUM,                            \
        OFF(priority[lvl].urgency), 0,          0,   0,         urgency_names },                   \
      { "priority." str ".sound", "priority", lvl, "sound", K_BOOL,                                \
        OFF(priority[lvl].sound), 0,          0,   0,       NULL },                                \
      { "priority." str ".later",   "priority", lvl, "later",  K_DURATION,                         \
        OFF(priority[lvl].later_s), 0,          0,   30 * DAY, NULL },                             \
      { "priority." str ".timeout",   "priority", lvl, "timeout", K_DURATION,                      \
        OFF(priority[lvl].timeout_s), 0,          0,   7 * DAY,   NULL },                          \
      { "priority." str ".timeout-answer",                                                         \
        "priority",                                                                                \
        lvl,                                                                                       \
        "timeout-answer",                                                                          \
        K_ENUM,                                                                                    \
        OFF(priority[lvl].timeout_answer),                                                         \
        0,                                                                                         \
        0,                                                                                         \
        0,                                                                                         \
        timeout_answer_names },                                                                    \
  {                                                                                                \
    "priority." str ".interrupt-quiet-hours", "priority", lvl, "interrupt-quiet-hours", K_BOOL,    \
        OFF(priority[lvl].quiet_interrupt), 0, 0, 0, NULL                                          \
  }

static const Knob knobs[] = {
  PRIORITY_KNOBS(OTAUX_PRIORITY_LOW, "low"),
  PRIORITY_KNOBS(OTAUX_PRIORITY_MEDIUM, "medium"),
  PRIORITY_KNOBS(OTAUX_PRIORITY_HIGH, "high"),
  { "charge-warning.when", "charge-warning", -1, "when", K_ENUM, OFF(charge_warning), 0, 0, 0,
    charge_names },
  { "charge-warning.min-size", "charge-warning", -1, "min-size", K_SIZE, OFF(charge_min_size), 0, 0,
    G_MAXINT64, NULL },
  { "charge-warning.program", "charge-warning", -1, "program", K_PATH, OFF(charge_program), 0, 0, 0,
    NULL },
  { "charge-warning.program-timeout", "charge-warning", -1, "program-timeout", K_DURATION,
    OFF(charge_program_timeout_s), 0, 1, HOUR, NULL },
  { "roaming.present", "roaming", -1, "present", K_BOOL, OFF(roaming_present), 0, 0, 0, NULL },
  { "roaming.download", "roaming", -1, "download", K_ENUM, OFF(roaming_download), 0, 0, 0,
    roaming_download_names },
  { "silent.allowed", "silent", -1, "allowed", K_BOOL, OFF(allow_silent), 0, 0, 0, NULL },
  { "forced.allowed", "forced", -1, "allowed", K_BOOL, OFF(allow_forced), 0, 0, 0, NULL },
  { "forced.countdown", "forced", -1, "countdown", K_DURATION, OFF(forced_countdown_s), 0, 0,
    30 * DAY, NULL },
  { "delay.max-count", "delay", -1, "max-count", K_UINT, OFF(max_delays), 0, 0, 100, NULL },
  { "delay.max-total", "delay", -1, "max-total", K_DURATION, OFF(max_total_delay_s), 0, 0, 90 * DAY,
    NULL },
  { "delay.max-pick", "delay", -1, "max-pick", K_DURATION, OFF(max_pick_s), 0, 0, 90 * DAY, NULL },
  { "delay.options", "delay", -1, "options", K_DURATION_LIST, OFF(delay_options_s),
    OFF(n_delay_options), MINUTE, 90 * DAY, NULL },
  { "delay.tonight", "delay", -1, "tonight", K_CLOCK, OFF(tonight_hour), OFF(tonight_minute), 0, 0,
    NULL },
  { "delay.morning", "delay", -1, "morning", K_CLOCK, OFF(morning_hour), OFF(morning_minute), 0, 0,
    NULL },
  { "delay.reminders", "delay", -1, "reminders", K_DURATION_LIST, OFF(reminders_s),
    OFF(n_reminders), 1, 30 * DAY, NULL },
  { "delay.final-warning", "delay", -1, "final-warning", K_DURATION, OFF(final_warning_s), 0, 0,
    HOUR, NULL },
  { "quiet-hours.start", "quiet-hours", -1, "start", K_MINUTE_OF_DAY, OFF(quiet_start_min), 0, 0, 0,
    NULL },
  { "quiet-hours.end", "quiet-hours", -1, "end", K_MINUTE_OF_DAY, OFF(quiet_end_min), 0, 0, 0,
    NULL },
  { "download.retry-interval", "download", -1, "retry-interval", K_DURATION,
    OFF(download_retry_interval_s), 0, 1, 7 * DAY, NULL },
  { "download.timeout", "download", -1, "timeout", K_DURATION, OFF(download_timeout_s), 0, 1,
    7 * DAY, NULL },
  { "callers.uids", "callers", -1, "uids", K_UID_LIST, OFF(allowed_uids), OFF(n_allowed_uids), 0,
    G_MAXUINT32 - 1, NULL },
  { "callers.names", "callers", -1, "names", K_NAME_LIST, OFF(allowed_names), OFF(n_allowed_names),
    0, 0, NULL },
};

#define N_KNOBS G_N_ELEMENTS(knobs)

guint otaux_policy_n_knobs(void)
{
  return N_KNOBS;
}

const char *otaux_policy_knob_name(guint knob)
{
  g_return_val_if_fail(knob < N_KNOBS, NULL);
  return knobs[knob].name;
}

static gint knob_index(const char *name)
{
  for (guint i = 0; i < N_KNOBS; i++)
    if (g_str_equal(knobs[i].name, name))
      return (gint)i;
  g_return_val_if_reached(-1);
}

#define AT(policy, off, type)       ((type *)(void *)((char *)(policy) + (off)))
#define AT_CONST(policy, off, type) ((const type *)(const void *)((const char *)(policy) + (off)))

/* How many bytes of OtauxPolicy a knob owns (for copying a layer's value). */
static gsize knob_size(const Knob *k)
{
  switch (k->type) {
    case K_SIZE:
      return sizeof(guint64);
    case K_DURATION_LIST:
      return sizeof(guint) * OTAUX_POLICY_MAX_LIST;
    case K_UID_LIST:
      return sizeof(guint32) * OTAUX_POLICY_MAX_LIST;
    case K_NAME_LIST:
      return (gsize)OTAUX_POLICY_MAX_NAME * OTAUX_POLICY_MAX_LIST;
    case K_PATH:
      return OTAUX_POLICY_MAX_PROGRAM;
    case K_BOOL:
    case K_UINT:
    case K_DURATION:
    case K_ENUM:
    case K_CLOCK:
    case K_MINUTE_OF_DAY:
    default:
      return sizeof(gint);
  }
}

static void knob_copy(const Knob *k, OtauxPolicy *dest, const OtauxPolicy *src)
{
  memcpy(AT(dest, k->offset, char), AT_CONST(src, k->offset, char), knob_size(k));
  if (k->offset2 != 0)
    memcpy(AT(dest, k->offset2, char), AT_CONST(src, k->offset2, char), sizeof(gint));
}

/* ---- values: text <-> knob ------------------------------------------------ */

static char *format_duration(guint64 s)
{
  if (s != 0 && s % DAY == 0)
    return g_strdup_printf("%" G_GUINT64_FORMAT "d", s / DAY);
  if (s != 0 && s % HOUR == 0)
    return g_strdup_printf("%" G_GUINT64_FORMAT "h", s / HOUR);
  if (s != 0 && s % MINUTE == 0)
    return g_strdup_printf("%" G_GUINT64_FORMAT "m", s / MINUTE);
  return g_strdup_printf("%" G_GUINT64_FORMAT "s", s);
}

static char *format_size(guint64 b)
{
  static const struct {
    const char *unit;
    guint64 factor;
  } units[] = {
    { "GiB", 1024ull * 1024 * 1024 },
    { "GB", 1000ull * 1000 * 1000 },
    { "MiB", 1024ull * 1024 },
    { "MB", 1000ull * 1000 },
    { "KiB", 1024 },
    { "kB", 1000 },
  };

  for (gsize i = 0; b != 0 && i < G_N_ELEMENTS(units); i++)
    if (b % units[i].factor == 0)
      return g_strdup_printf("%" G_GUINT64_FORMAT "%s", b / units[i].factor, units[i].unit);
  return g_strdup_printf("%" G_GUINT64_FORMAT, b);
}

char *otaux_policy_knob_value(const OtauxPolicy *policy, guint knob)
{
  const Knob *k;

  g_return_val_if_fail(policy != NULL && knob < N_KNOBS, NULL);
  k = &knobs[knob];
  switch (k->type) {
    case K_BOOL:
      return g_strdup(*AT_CONST(policy, k->offset, gboolean) ? "yes" : "no");
    case K_UINT:
      return g_strdup_printf("%u", *AT_CONST(policy, k->offset, guint));
    case K_DURATION:
      return format_duration(*AT_CONST(policy, k->offset, guint));
    case K_SIZE:
      return format_size(*AT_CONST(policy, k->offset, guint64));
    case K_ENUM: {
      guint v = *AT_CONST(policy, k->offset, guint);

      return g_strdup(v < g_strv_length((char **)k->names) ? k->names[v] : "?");
    }
    case K_CLOCK: {
      gint h = *AT_CONST(policy, k->offset, gint);
      gint m = *AT_CONST(policy, k->offset2, gint);

      return h < 0 ? g_strdup("none") : g_strdup_printf("%02d:%02d", h, m);
    }
    case K_MINUTE_OF_DAY: {
      gint m = *AT_CONST(policy, k->offset, gint);

      return g_strdup_printf("%02d:%02d", m / 60, m % 60);
    }
    case K_DURATION_LIST:
    case K_UID_LIST:
    case K_NAME_LIST: {
      guint n = MIN(*AT_CONST(policy, k->offset2, guint), OTAUX_POLICY_MAX_LIST);
      GString *out = g_string_new(NULL);

      for (guint i = 0; i < n; i++) {
        g_autofree char *item = NULL;

        if (k->type == K_DURATION_LIST)
          item = format_duration(AT_CONST(policy, k->offset, guint)[i]);
        else if (k->type == K_UID_LIST)
          item = g_strdup_printf("%u", AT_CONST(policy, k->offset, guint32)[i]);
        else
          item = g_strndup(AT_CONST(policy, k->offset, char) + (gsize)i * OTAUX_POLICY_MAX_NAME,
                           OTAUX_POLICY_MAX_NAME);
        g_string_append_printf(out, "%s%s", i > 0 ? " " : "", item);
      }
      return g_string_free(out, FALSE);
    }
    case K_PATH:
      return g_strndup(AT_CONST(policy, k->offset, char), OTAUX_POLICY_MAX_PROGRAM);
    default:
      return g_strdup("?");
  }
}

/* Parses "123" into @out; FALSE for anything else (signs, spaces, overflow). */
static gboolean parse_number(const char *text, gsize len, guint64 *out)
{
  guint64 v = 0;

  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isdigit(text[i]) || v > (G_MAXUINT64 - 9) / 10)
      return FALSE;
    v = v * 10 + (guint64)(text[i] - '0');
  }
  *out = v;
  return TRUE;
}

static gboolean parse_scaled(const char *text, const char *const *units, const guint64 *factors,
                             guint64 *out)
{
  gsize digits = 0;
  guint64 n;

  while (g_ascii_isdigit(text[digits]))
    digits++;
  if (!parse_number(text, digits, &n))
    return FALSE;
  for (gsize i = 0; units[i] != NULL; i++) {
    if (g_str_equal(text + digits, units[i])) {
      if (factors[i] != 0 && n > G_MAXUINT64 / factors[i])
        return FALSE;
      *out = n * factors[i];
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean parse_duration(const char *text, guint64 *out)
{
  static const char *const units[] = { "", "s", "m", "h", "d", NULL };
  static const guint64 factors[] = { 1, 1, MINUTE, HOUR, DAY };

  return parse_scaled(text, units, factors, out);
}

static gboolean parse_size(const char *text, guint64 *out)
{
  static const char *const units[] = { "", "B", "kB", "KiB", "MB", "MiB", "GB", "GiB", NULL };
  static const guint64 factors[] = {
    1, 1, 1000, 1024, 1000ull * 1000, 1024ull * 1024, 1000ull * 1000 * 1000, 1024ull * 1024 * 1024,
  };

  return parse_scaled(text, units, factors, out);
}

/* "HH:MM", 00:00 ... 23:59, into minutes of the day. */
static gboolean parse_clock(const char *text, gint *out)
{
  guint64 h, m;

  if (strlen(text) != 5 || text[2] != ':' || !parse_number(text, 2, &h) ||
      !parse_number(text + 3, 2, &m) || h > 23 || m > 59)
    return FALSE;
  *out = (gint)(h * 60 + m);
  return TRUE;
}

/* A well-known D-Bus name: two or more dot-separated elements of
 * [A-Za-z0-9_-], none empty or starting with a digit; at most 255 bytes. */
static gboolean is_well_known_name(const char *name)
{
  gsize len = strlen(name);
  gboolean start = TRUE;
  guint dots = 0;

  if (len == 0 || len >= OTAUX_POLICY_MAX_NAME)
    return FALSE;
  for (gsize i = 0; i < len; i++) {
    char c = name[i];

    if (c == '.') {
      if (start)
        return FALSE;
      dots++;
      start = TRUE;
      continue;
    }
    if (!(g_ascii_isalnum(c) || c == '_' || c == '-') || (start && g_ascii_isdigit(c)))
      return FALSE;
    start = FALSE;
  }
  return !start && dots > 0;
}

static char *shown(const char *value)
{
  g_autofree char *valid = g_utf8_make_valid(value, -1);

  /* Problems quote the value, but never a whole file's worth of it. */
  if (g_utf8_strlen(valid, -1) > 40) {
    g_autofree char *head = g_utf8_substring(valid, 0, 40);

    return g_strconcat(head, "…", NULL);
  }
  return g_steal_pointer(&valid);
}

/* Sets @k in @policy from @text; on a bad value returns a message. */
static char *knob_parse(const Knob *k, const char *text, OtauxPolicy *policy)
{
  g_autofree char *v = shown(text);
  guint64 n = 0;

  switch (k->type) {
    case K_BOOL:
      if (g_str_equal(text, "yes") || g_str_equal(text, "true"))
        *AT(policy, k->offset, gboolean) = TRUE;
      else if (g_str_equal(text, "no") || g_str_equal(text, "false"))
        *AT(policy, k->offset, gboolean) = FALSE;
      else
        return g_strdup_printf("%s: '%s' is not yes or no", k->name, v);
      return NULL;

    case K_UINT:
    case K_DURATION:
    case K_SIZE: {
      gboolean ok = k->type == K_UINT       ? parse_number(text, strlen(text), &n)
                    : k->type == K_DURATION ? parse_duration(text, &n)
                                            : parse_size(text, &n);

      if (!ok)
        return g_strdup_printf("%s: '%s' is not %s", k->name, v,
                               k->type == K_UINT       ? "a whole number"
                               : k->type == K_DURATION ? "a duration (like 90s, 15m, 4h, 3d)"
                                                       : "a size (like 500kB, 50MB, 1GiB)");
      if (n < k->min || n > k->max) {
        g_autofree char *lo = k->type == K_DURATION ? format_duration(k->min)
                                                    : g_strdup_printf("%" G_GUINT64_FORMAT, k->min);
        g_autofree char *hi = k->type == K_DURATION ? format_duration(k->max)
                                                    : g_strdup_printf("%" G_GUINT64_FORMAT, k->max);

        return g_strdup_printf("%s: %s is out of range (%s to %s)", k->name, v, lo, hi);
      }
      if (k->type == K_SIZE)
        *AT(policy, k->offset, guint64) = n;
      else
        *AT(policy, k->offset, guint) = (guint)n;
      return NULL;
    }

    case K_ENUM:
      for (guint i = 0; k->names[i] != NULL; i++) {
        if (g_str_equal(text, k->names[i])) {
          *AT(policy, k->offset, guint) = i;
          return NULL;
        }
      }
      {
        g_autofree char *list = g_strjoinv(", ", (char **)k->names);

        return g_strdup_printf("%s: '%s' is not one of %s", k->name, v, list);
      }

    case K_CLOCK:
    case K_MINUTE_OF_DAY: {
      gint m;

      if (k->type == K_CLOCK && g_str_equal(text, "none")) {
        *AT(policy, k->offset, gint) = -1;
        *AT(policy, k->offset2, gint) = 0;
        return NULL;
      }
      if (!parse_clock(text, &m))
        return g_strdup_printf("%s: '%s' is not a time of day HH:MM (00:00 to 23:59)%s", k->name, v,
                               k->type == K_CLOCK ? " or none" : "");
      if (k->type == K_CLOCK) {
        *AT(policy, k->offset, gint) = m / 60;
        *AT(policy, k->offset2, gint) = m % 60;
      } else {
        *AT(policy, k->offset, gint) = m;
      }
      return NULL;
    }

    case K_DURATION_LIST:
    case K_UID_LIST:
    case K_NAME_LIST: {
      g_auto(GStrv) items = g_strsplit_set(text, " \t\r\n", -1);
      guint count = 0;

      memset(AT(policy, k->offset, char), 0, knob_size(k));
      for (guint i = 0; items[i] != NULL; i++) {
        g_autofree char *item = NULL;

        if (items[i][0] == '\0')
          continue;
        item = shown(items[i]);
        if (count == OTAUX_POLICY_MAX_LIST)
          return g_strdup_printf("%s: more than %u values", k->name, OTAUX_POLICY_MAX_LIST);
        if (k->type == K_NAME_LIST) {
          if (!is_well_known_name(items[i]))
            return g_strdup_printf("%s: '%s' is not a well-known D-Bus name", k->name, item);
          g_strlcpy(AT(policy, k->offset, char) + (gsize)count * OTAUX_POLICY_MAX_NAME, items[i],
                    OTAUX_POLICY_MAX_NAME);
        } else {
          gboolean ok = k->type == K_DURATION_LIST ? parse_duration(items[i], &n)
                                                   : parse_number(items[i], strlen(items[i]), &n);

          if (!ok)
            return g_strdup_printf("%s: '%s' is not %s", k->name, item,
                                   k->type == K_DURATION_LIST ? "a duration (like 90s, 15m, 4h, 3d)"
                                                              : "a uid");
          if (n < k->min || n > k->max)
            return g_strdup_printf("%s: %s is out of range", k->name, item);
          if (k->type == K_DURATION_LIST)
            AT(policy, k->offset, guint)[count] = (guint)n;
          else
            AT(policy, k->offset, guint32)[count] = (guint32)n;
        }
        count++;
      }
      *AT(policy, k->offset2, guint) = count;
      /* Reminders count down to the reboot: say so rather than sort silently. */
      if (g_str_equal(k->name, "delay.reminders")) {
        for (guint i = 1; i < count; i++)
          if (AT(policy, k->offset, guint)[i] >= AT(policy, k->offset, guint)[i - 1])
            return g_strdup_printf("%s: the reminders must be in descending order (%s)", k->name,
                                   v);
      }
      return NULL;
    }

    case K_PATH:
      if (text[0] != '\0' && !g_path_is_absolute(text))
        return g_strdup_printf("%s: '%s' is not an absolute path", k->name, v);
      if (strlen(text) >= OTAUX_POLICY_MAX_PROGRAM)
        return g_strdup_printf("%s: the path is longer than %u bytes", k->name,
                               OTAUX_POLICY_MAX_PROGRAM - 1);
      memset(AT(policy, k->offset, char), 0, OTAUX_POLICY_MAX_PROGRAM);
      g_strlcpy(AT(policy, k->offset, char), text, OTAUX_POLICY_MAX_PROGRAM);
      return NULL;

    default:
      return g_strdup_printf("%s: unsupported", k->name);
  }
}

/* ---- problems ------------------------------------------------------------ */

void otaux_policy_problem_free(OtauxPolicyProblem *problem)
{
  if (problem == NULL)
    return;
  g_free(problem->file);
  g_free(problem->message);
  g_free(problem);
}

char *otaux_policy_problem_to_string(const OtauxPolicyProblem *problem)
{
  g_return_val_if_fail(problem != NULL, NULL);
  if (problem->line > 0)
    return g_strdup_printf("%s:%u: %s", problem->file, problem->line, problem->message);
  return g_strdup_printf("%s: %s", problem->file, problem->message);
}

GPtrArray *otaux_policy_problems_new(void)
{
  return g_ptr_array_new_with_free_func((GDestroyNotify)otaux_policy_problem_free);
}

typedef struct {
  const char *name;
  GPtrArray *problems;
  guint count; /* problems of this file, also those not kept */
} Report;

static void report_take(Report *r, guint line, char *message /* transfer full */)
{
  OtauxPolicyProblem *p;

  r->count++;
  if (r->count > OTAUX_POLICY_FILE_MAX_PROBLEMS) {
    g_free(message);
    return;
  }
  p = g_new0(OtauxPolicyProblem, 1);
  p->file = g_strdup(r->name);
  p->line = line;
  p->message = message;
  g_ptr_array_add(r->problems, p);
}

G_GNUC_PRINTF(3, 4) static void report(Report *r, guint line, const char *format, ...)
{
  va_list args;

  va_start(args, format);
  report_take(r, line, g_strdup_vprintf(format, args));
  va_end(args);
}

static void report_end(Report *r)
{
  if (r->count > OTAUX_POLICY_FILE_MAX_PROBLEMS)
    report(r, 0, "%u more problems not shown", r->count - OTAUX_POLICY_FILE_MAX_PROBLEMS);
}

static void on_xml_error(void *data, OtauxXmlError error)
{
  Report *r = data;
  g_autofree char *message = NULL;

  if (error == NULL || error->level == XML_ERR_WARNING)
    return;
  message = g_strstrip(g_strdup(error->message != NULL ? error->message : "invalid"));
  report_take(r, error->line > 0 ? (guint)error->line : 0, g_utf8_make_valid(message, -1));
}

/* ---- parsing ------------------------------------------------------------- */

struct _OtauxPolicyFile {
  char *name;
  OtauxPolicy values;   /* only the knobs with a line are meaningful */
  guint lines[N_KNOBS]; /* 0: not set by this file */
};

void otaux_policy_file_free(OtauxPolicyFile *file)
{
  if (file == NULL)
    return;
  g_free(file->name);
  g_free(file);
}

const char *otaux_policy_file_get_name(const OtauxPolicyFile *file)
{
  g_return_val_if_fail(file != NULL, NULL);
  return file->name;
}

guint otaux_policy_file_knob_line(const OtauxPolicyFile *file, guint knob)
{
  g_return_val_if_fail(file != NULL && knob < N_KNOBS, 0);
  return file->lines[knob];
}

static void xml_init(void)
{
  static gsize done = 0;

  if (g_once_init_enter(&done)) {
    xmlInitParser();
    g_once_init_leave(&done, 1);
  }
}

/* The schema, parsed once and kept (reachable) for the process. */
static xmlRelaxNGPtr schema_get(void)
{
  static xmlRelaxNGPtr schema = NULL;
  static gsize done = 0;

  if (g_once_init_enter(&done)) {
    g_autoptr(xmlRelaxNGParserCtxt) ctxt =
        xmlRelaxNGNewMemParserCtxt(otaux_policy_rng, (int)strlen(otaux_policy_rng));

    schema = ctxt != NULL ? xmlRelaxNGParse(ctxt) : NULL;
    if (schema == NULL)
      g_critical("the built-in policy schema does not parse");
    g_once_init_leave(&done, 1);
  }
  return schema;
}

/* An internal DTD may declare entities (billion laughs); external ones reach
 * out. Policy files need neither: refuse any DOCTYPE before libxml2 reads it. */
static gboolean find_doctype(const char *data, gsize len, guint *line)
{
  static const char needle[] = "<!DOCTYPE";
  const gsize n = sizeof needle - 1;

  *line = 1;
  for (gsize i = 0; i + n <= len; i++) {
    if (data[i] == '\n')
      (*line)++;
    if (data[i] == '<' && memcmp(data + i, needle, n) == 0)
      return TRUE;
  }
  return FALSE;
}

static const Knob *find_knob(const char *element, gint level, const char *attribute)
{
  for (guint i = 0; i < N_KNOBS; i++)
    if (knobs[i].level == level && g_str_equal(knobs[i].element, element) &&
        g_str_equal(knobs[i].attribute, attribute))
      return &knobs[i];
  return NULL;
}

static char *attr_value(xmlAttr *attr)
{
  xmlChar *raw = xmlNodeListGetString(attr->doc, attr->children, 1);
  char *value = g_strdup(raw != NULL ? (const char *)raw : "");

  xmlFree(raw);
  return value;
}

/* The knobs of one element of a valid document. */
static void read_element(Report *r, OtauxPolicyFile *file, xmlNode *node, guint *level_lines,
                         gboolean schema_ok)
{
  const char *element = (const char *)node->name;
  guint line = (guint)MAX(xmlGetLineNo(node), 0);
  gint level = -1;

  if (g_str_equal(element, "priority")) {
    g_autofree char *value = NULL;
    xmlChar *raw = xmlGetProp(node, (const xmlChar *)"level");
    gboolean given = raw != NULL;
    guint i;

    value = g_strdup(raw != NULL ? (const char *)raw : "");
    xmlFree(raw);
    for (i = 0; level_names[i] != NULL && !g_str_equal(level_names[i], value); i++)
      ;
    if (level_names[i] == NULL) {
      g_autofree char *v = shown(value);

      if (!schema_ok && !given)
        return; /* the schema said so already */

      report(r, line, "priority level '%s' is not one of low, medium, high", v);
      return;
    }
    if (level_lines[i] != 0) {
      report(r, line, "priority level %s is set twice (first at line %u)", value, level_lines[i]);
      return;
    }
    level_lines[i] = line;
    level = (gint)i;
  }

  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next) {
    const char *name = (const char *)attr->name;
    g_autofree char *value = NULL;
    g_autofree char *problem = NULL;
    const Knob *k;

    if (level >= 0 && g_str_equal(name, "level"))
      continue;
    k = find_knob(element, level, name);
    if (k == NULL) {
      /* The schema lets only known attributes through: a gap between the two. */
      if (schema_ok)
        report(r, line, "unknown attribute %s on <%s>", name, element);
      continue;
    }
    value = attr_value(attr);
    problem = knob_parse(k, value, &file->values);
    if (problem != NULL) {
      report_take(r, line, g_steal_pointer(&problem));
      continue;
    }
    file->lines[k - knobs] = line;
  }
}

OtauxPolicyFile *otaux_policy_file_parse(const char *name, const char *data, gsize len,
                                         GPtrArray *problems)
{
  g_autoptr(OtauxPolicyFile) file = NULL;
  g_autoptr(xmlParserCtxt) ctxt = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlRelaxNGValidCtxt) vctxt = NULL;
  Report r = { name, problems, 0 };
  xmlRelaxNGPtr schema;
  xmlNode *root;
  guint level_lines[OTAUX_N_PRIORITIES] = { 0 };
  gboolean schema_ok;
  guint line;

  g_return_val_if_fail(name != NULL && (data != NULL || len == 0) && problems != NULL, NULL);

  if (len > OTAUX_POLICY_FILE_MAX_BYTES) {
    report(&r, 0, "the file is larger than %u bytes", OTAUX_POLICY_FILE_MAX_BYTES);
    return NULL;
  }
  if (find_doctype(data, len, &line)) {
    report(&r, line, "a DOCTYPE is not allowed in a policy file");
    return NULL;
  }

  xml_init();
  ctxt = xmlNewParserCtxt();
  if (ctxt == NULL) {
    report(&r, 0, "out of memory");
    return NULL;
  }
  /* NONET: never fetch anything; no NOENT/DTDLOAD/HUGE: no entity expansion,
   * no external subset, the default size limits. */
  xmlSetStructuredErrorFunc(&r, on_xml_error);
  doc = xmlCtxtReadMemory(ctxt, data != NULL ? data : "", (int)len, name, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS);
  if (doc == NULL || !ctxt->wellFormed) {
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (r.count == 0)
      report(&r, 0, "not a well-formed XML document");
    report_end(&r);
    return NULL;
  }
  if (doc->intSubset != NULL || doc->extSubset != NULL) {
    xmlSetStructuredErrorFunc(NULL, NULL);
    report(&r, 1, "a DOCTYPE is not allowed in a policy file");
    return NULL;
  }

  schema = schema_get();
  vctxt = schema != NULL ? xmlRelaxNGNewValidCtxt(schema) : NULL;
  if (vctxt == NULL) {
    xmlSetStructuredErrorFunc(NULL, NULL);
    report(&r, 0, "the policy schema is not available");
    return NULL;
  }
  xmlRelaxNGSetValidStructuredErrors(vctxt, on_xml_error, &r);
  schema_ok = xmlRelaxNGValidateDoc(vctxt, doc) == 0;
  xmlSetStructuredErrorFunc(NULL, NULL);
  if (!schema_ok && r.count == 0)
    report(&r, 0, "the document does not follow the policy schema");

  /* The values too, even after a schema problem: every problem in one go. */
  file = g_new0(OtauxPolicyFile, 1);
  file->name = g_strdup(name);
  root = xmlDocGetRootElement(doc);
  if (root != NULL && g_str_equal((const char *)root->name, "otaux-policy")) {
    xmlChar *version = xmlGetProp(root, (const xmlChar *)"version");

    if (version != NULL && !g_str_equal((const char *)version, "1")) {
      g_autofree char *v = shown((const char *)version);

      report(&r, (guint)MAX(xmlGetLineNo(root), 0), "policy version '%s' is not supported (1 is)",
             v);
    }
    xmlFree(version);
    for (xmlNode *node = root->children; node != NULL; node = node->next)
      if (node->type == XML_ELEMENT_NODE)
        read_element(&r, file, node, level_lines, schema_ok);
  }

  report_end(&r);
  return r.count == 0 ? g_steal_pointer(&file) : NULL;
}

OtauxPolicyFile *otaux_policy_file_load(const char *path, GPtrArray *problems, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  GStatBuf st;

  g_return_val_if_fail(path != NULL && problems != NULL, NULL);

  /* Refuse a huge (or endless: a FIFO, /dev/zero) file before reading it. */
  if (g_stat(path, &st) != 0) {
    int saved = errno;

    g_set_error(error, OTAUX_POLICY_FILE_ERROR, OTAUX_POLICY_FILE_ERROR_UNREADABLE,
                "cannot read: %s", g_strerror(saved));
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    g_set_error(error, OTAUX_POLICY_FILE_ERROR, OTAUX_POLICY_FILE_ERROR_UNREADABLE,
                "cannot read: not a regular file");
    return NULL;
  }
  if (st.st_size > OTAUX_POLICY_FILE_MAX_BYTES) {
    Report r = { path, problems, 0 };

    report(&r, 0, "the file is larger than %u bytes", OTAUX_POLICY_FILE_MAX_BYTES);
    return NULL;
  }
  {
    g_autoptr(GError) local = NULL;

    if (!g_file_get_contents(path, &data, &len, &local)) {
      g_set_error(error, OTAUX_POLICY_FILE_ERROR, OTAUX_POLICY_FILE_ERROR_UNREADABLE,
                  "cannot read: %s", local->message);
      return NULL;
    }
  }
  return otaux_policy_file_parse(path, data, len, problems);
}

void otaux_policy_file_apply(const OtauxPolicyFile *file, OtauxPolicy *policy)
{
  g_return_if_fail(file != NULL && policy != NULL);
  for (guint i = 0; i < N_KNOBS; i++)
    if (file->lines[i] != 0)
      knob_copy(&knobs[i], policy, &file->values);
}

/* ---- semantic checks ----------------------------------------------------- */

typedef struct {
  Report *r;
  const guint *lines;
  gboolean ok;
} Check;

/* The line of the first of the knobs (a NULL-terminated list of names) that
 * the file sets: a contradiction is reported where the file takes part in it. */
static guint line_of(const Check *c, const char *const *names)
{
  if (c->lines == NULL)
    return 0;
  for (gsize i = 0; names[i] != NULL; i++) {
    gint k = knob_index(names[i]);

    if (k >= 0 && c->lines[k] != 0)
      return c->lines[k];
  }
  return 0;
}

G_GNUC_PRINTF(3, 4)
static void contradiction(Check *c, const char *const *names, const char *format, ...)
{
  va_list args;

  va_start(args, format);
  report_take(c->r, line_of(c, names), g_strdup_vprintf(format, args));
  va_end(args);
  c->ok = FALSE;
}

gboolean otaux_policy_check(const OtauxPolicy *p, const char *file, const guint *lines,
                            GPtrArray *problems)
{
  Report r = { file, problems, 0 };
  Check c = { &r, lines, TRUE };

  g_return_val_if_fail(p != NULL && file != NULL && problems != NULL, FALSE);

  for (guint i = 0; i < p->n_reminders && i < OTAUX_POLICY_MAX_LIST; i++) {
    if (p->reminders_s[i] > p->max_total_delay_s) {
      const char *const names[] = { "delay.reminders", "delay.max-total", NULL };
      g_autofree char *a = format_duration(p->reminders_s[i]);
      g_autofree char *b = format_duration(p->max_total_delay_s);

      contradiction(&c, names,
                    "delay.reminders: a reminder %s before the reboot is longer than the "
                    "maximum delay delay.max-total %s",
                    a, b);
      break;
    }
  }
  for (guint i = 0; i < p->n_delay_options && i < OTAUX_POLICY_MAX_LIST; i++) {
    if (p->delay_options_s[i] > p->max_total_delay_s) {
      const char *const names[] = { "delay.options", "delay.max-total", NULL };
      g_autofree char *a = format_duration(p->delay_options_s[i]);
      g_autofree char *b = format_duration(p->max_total_delay_s);

      contradiction(&c, names,
                    "delay.options: %s is longer than the maximum delay delay.max-total %s", a, b);
      break;
    }
  }
  if (p->final_warning_s > 0 && p->final_warning_s > p->max_total_delay_s &&
      p->max_total_delay_s > 0) {
    const char *const names[] = { "delay.final-warning", "delay.max-total", NULL };

    contradiction(&c, names, "delay.final-warning is longer than delay.max-total");
  }
  if (p->max_pick_s > 0 && p->max_pick_s > p->max_total_delay_s) {
    const char *const names[] = { "delay.max-pick", "delay.max-total", NULL };

    contradiction(&c, names, "delay.max-pick is longer than delay.max-total");
  }
  for (guint i = 0; i < OTAUX_N_PRIORITIES; i++) {
    const OtauxPriorityPolicy *pp = &p->priority[i];

    if (pp->timeout_s > 0 && pp->timeout_answer == OTAUX_TIMEOUT_ANSWER_LATER && pp->later_s == 0) {
      g_autofree char *n1 = g_strdup_printf("priority.%s.timeout-answer", level_names[i]);
      g_autofree char *n2 = g_strdup_printf("priority.%s.later", level_names[i]);
      const char *const names[] = { n1, n2, NULL };

      contradiction(&c, names, "priority %s: timeout-answer is later, but later is 0 (not offered)",
                    level_names[i]);
    }
  }
  if (p->charge_program[0] != '\0' && p->charge_warning == OTAUX_CHARGE_WARN_NEVER) {
    const char *const names[] = { "charge-warning.program", "charge-warning.when", NULL };

    contradiction(&c, names, "charge-warning: a program is set but when is never: it never runs");
  }
  report_end(&r);
  return c.ok;
}

/* ---- layers -------------------------------------------------------------- */

OtauxPolicyLayers *otaux_policy_layers_new(void)
{
  OtauxPolicyLayers *layers = g_new0(OtauxPolicyLayers, 1);

  layers->policy = otaux_policy_new_default();
  layers->problems = otaux_policy_problems_new();
  layers->files = g_ptr_array_new_with_free_func(g_free);
  layers->origins = g_new0(char *, N_KNOBS + 1);
  return layers;
}

void otaux_policy_layers_free(OtauxPolicyLayers *layers)
{
  if (layers == NULL)
    return;
  otaux_policy_free(layers->policy);
  g_clear_pointer(&layers->problems, g_ptr_array_unref);
  g_clear_pointer(&layers->files, g_ptr_array_unref);
  if (layers->origins != NULL)
    for (guint i = 0; i < N_KNOBS; i++)
      g_free(layers->origins[i]);
  g_free(layers->origins);
  g_free(layers);
}

gboolean otaux_policy_layers_add_file(OtauxPolicyLayers *layers, const char *path, GError **error)
{
  g_autoptr(OtauxPolicyFile) file = NULL;
  g_autoptr(OtauxPolicy) merged = NULL;

  g_return_val_if_fail(layers != NULL && path != NULL, FALSE);

  file = otaux_policy_file_load(path, layers->problems, error);
  if (file == NULL)
    return FALSE;
  merged = otaux_policy_copy(layers->policy);
  otaux_policy_file_apply(file, merged);
  /* The file must make sense on top of what is below it; else it is skipped. */
  if (!otaux_policy_check(merged, path, file->lines, layers->problems))
    return FALSE;

  otaux_policy_free(layers->policy);
  layers->policy = g_steal_pointer(&merged);
  for (guint i = 0; i < N_KNOBS; i++) {
    if (file->lines[i] != 0) {
      g_free(layers->origins[i]);
      layers->origins[i] = g_strdup_printf("%s:%u", path, file->lines[i]);
    }
  }
  g_ptr_array_add(layers->files, g_strdup(path));
  return TRUE;
}

typedef struct {
  char *path;
  char *base; /* NAME */
  guint version;
} LayerFile;

static void layer_file_free(gpointer data)
{
  LayerFile *f = data;

  g_free(f->path);
  g_free(f->base);
  g_free(f);
}

static gint layer_file_cmp(gconstpointer a, gconstpointer b)
{
  const LayerFile *fa = *(const LayerFile *const *)a;
  const LayerFile *fb = *(const LayerFile *const *)b;

  if (fa->version != fb->version)
    return fa->version < fb->version ? -1 : 1;
  return strcmp(fa->base, fb->base);
}

/* NAME_VVV.xml: NAME not empty, VVV exactly three digits. */
static gboolean parse_layer_name(const char *name, char **base, guint *version)
{
  gsize len = strlen(name);
  const char *v;

  if (len < 9 || !g_str_has_suffix(name, ".xml"))
    return FALSE;
  v = name + len - 7; /* "VVV.xml" */
  if (v[-1] != '_' || !g_ascii_isdigit(v[0]) || !g_ascii_isdigit(v[1]) || !g_ascii_isdigit(v[2]))
    return FALSE;
  *version = (guint)((v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0'));
  *base = g_strndup(name, len - 8);
  return TRUE;
}

GPtrArray *otaux_policy_layer_files(const char *dir, GPtrArray *problems)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(layer_file_free);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) local = NULL;
  GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
  const char *name;

  g_return_val_if_fail(dir != NULL, paths);

  d = g_dir_open(dir, 0, &local);
  if (d == NULL) {
    /* No directory: an empty layer. Anything else is worth a word. */
    if (problems != NULL && !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      Report r = { dir, problems, 0 };

      report(&r, 0, "cannot read the directory: %s", local->message);
    }
    return paths;
  }
  while ((name = g_dir_read_name(d)) != NULL) {
    LayerFile *f;
    char *base = NULL;
    guint version = 0;

    if (!g_str_has_suffix(name, ".xml"))
      continue; /* README, editor backups, .dpkg-old */
    if (!parse_layer_name(name, &base, &version)) {
      if (problems != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        Report r = { path, problems, 0 };

        report(&r, 0, "skipped: a policy file is named NAME_VVV.xml (VVV: three digits)");
      }
      continue;
    }
    f = g_new0(LayerFile, 1);
    f->path = g_build_filename(dir, name, NULL);
    f->base = base;
    f->version = version;
    g_ptr_array_add(found, f);
  }
  g_ptr_array_sort(found, layer_file_cmp);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add(paths, g_strdup(((LayerFile *)found->pdata[i])->path));
  return paths;
}

void otaux_policy_layers_add_dir(OtauxPolicyLayers *layers, const char *dir)
{
  g_autoptr(GPtrArray) paths = NULL;

  g_return_if_fail(layers != NULL && dir != NULL);
  paths = otaux_policy_layer_files(dir, layers->problems);
  for (guint i = 0; i < paths->len; i++) {
    g_autoptr(GError) local = NULL;

    if (!otaux_policy_layers_add_file(layers, paths->pdata[i], &local) && local != NULL) {
      Report r = { paths->pdata[i], layers->problems, 0 };

      report(&r, 0, "%s", local->message);
    }
  }
}

OtauxPolicyLayers *otaux_policy_layers_load(const char *const *dirs)
{
  OtauxPolicyLayers *layers = otaux_policy_layers_new();

  for (gsize i = 0; dirs != NULL && dirs[i] != NULL; i++)
    otaux_policy_layers_add_dir(layers, dirs[i]);
  return layers;
}
