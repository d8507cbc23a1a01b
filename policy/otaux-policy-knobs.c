/* otaux-policy-knobs: the one table of policy knobs (element, attribute,
 * type, range, offset into OtauxPolicy) and their values as text. It drives
 * parsing, printing, provenance and the merge of the layers. */
#include "otaux-policy-knobs-private.h"

#include <string.h>

#define MINUTE 60u
#define HOUR   (60u * MINUTE)
#define DAY    (24u * HOUR)

/* ---- the knob table ------------------------------------------------------ */

static const char *const presentation_names[] = { "silent", "notification", "actions", "popup",
                                                  NULL };
static const char *const urgency_names[] = { "low", "normal", "critical", NULL };
static const char *const timeout_answer_names[] = { "cancel", "accept", "later", NULL };
static const char *const charge_names[] = { "never",    "roaming", "metered",
                                            "cellular", "always",  NULL };
static const char *const roaming_download_names[] = { "yes", "no", "ask", NULL };
/* OtauxDeviceTrust order */
static const char *const device_source_names[] = { "either", "updater", "system", NULL };
const char *const otaux_policy_level_names[] = { "low", "medium", "high", NULL };

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
      { "priority." str ".interrupt-quiet-hours",                                                  \
        "priority",                                                                                \
        lvl,                                                                                       \
        "interrupt-quiet-hours",                                                                   \
        K_BOOL,                                                                                    \
        OFF(priority[lvl].quiet_interrupt),                                                        \
        0,                                                                                         \
        0,                                                                                         \
        0,                                                                                         \
        NULL },                                                                                    \
      { "priority." str ".quiet-start",                                                            \
        "priority",                                                                                \
        lvl,                                                                                       \
        "quiet-start",                                                                             \
        K_MINUTE_OF_DAY,                                                                           \
        OFF(priority[lvl].quiet_start_min),                                                        \
        0,                                                                                         \
        0,                                                                                         \
        0,                                                                                         \
        NULL },                                                                                    \
      { "priority." str ".quiet-end",     "priority", lvl, "quiet-end", K_MINUTE_OF_DAY,           \
        OFF(priority[lvl].quiet_end_min), 0,          0,   0,           NULL },                    \
      { "priority." str ".quiet-notify",                                                           \
        "priority",                                                                                \
        lvl,                                                                                       \
        "quiet-notify",                                                                            \
        K_BOOL,                                                                                    \
        OFF(priority[lvl].quiet_notify),                                                           \
        0,                                                                                         \
        0,                                                                                         \
        0,                                                                                         \
        NULL },                                                                                    \
      { "priority." str ".night-start",                                                            \
        "priority",                                                                                \
        lvl,                                                                                       \
        "night-start",                                                                             \
        K_MINUTE_OF_DAY,                                                                           \
        OFF(priority[lvl].night_start_min),                                                        \
        0,                                                                                         \
        0,                                                                                         \
        0,                                                                                         \
        NULL },                                                                                    \
  {                                                                                                \
    "priority." str ".night-end", "priority", lvl, "night-end", K_MINUTE_OF_DAY,                   \
        OFF(priority[lvl].night_end_min), 0, 0, 0, NULL                                            \
  }

static const OtauxPolicyKnob knobs[] = {
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
  { "charge-warning.suggest-wifi", "charge-warning", -1, "suggest-wifi", K_BOOL,
    OFF(charge_suggest_wifi), 0, 0, 0, NULL },
  { "roaming.present", "roaming", -1, "present", K_BOOL, OFF(roaming_present), 0, 0, 0, NULL },
  { "roaming.download", "roaming", -1, "download", K_ENUM, OFF(roaming_download), 0, 0, 0,
    roaming_download_names },
  { "device.source", "device", -1, "source", K_ENUM, OFF(device_trust), 0, 0, 0,
    device_source_names },
  { "battery.min-on-battery", "battery", -1, "min-on-battery", K_UINT, OFF(battery_min_on_battery),
    0, 0, 100, NULL },
  { "battery.min-charging", "battery", -1, "min-charging", K_UINT, OFF(battery_min_charging), 0, 0,
    100, NULL },
  { "battery.mains-required", "battery", -1, "mains-required", K_BOOL, OFF(battery_mains_required),
    0, 0, 0, NULL },
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
  { "callers.groups", "callers", -1, "groups", K_UID_LIST, OFF(allowed_gids), OFF(n_allowed_gids),
    0, G_MAXUINT32 - 1, NULL },
  { "callers.names", "callers", -1, "names", K_NAME_LIST, OFF(allowed_names), OFF(n_allowed_names),
    0, 0, NULL },
};

#define N_KNOBS G_N_ELEMENTS(knobs)

const OtauxPolicyKnob *otaux_policy_knob_get(guint knob)
{
  g_return_val_if_fail(knob < N_KNOBS, NULL);
  return &knobs[knob];
}

guint otaux_policy_n_knobs(void)
{
  return N_KNOBS;
}

const char *otaux_policy_knob_name(guint knob)
{
  g_return_val_if_fail(knob < N_KNOBS, NULL);
  return knobs[knob].name;
}

gint otaux_policy_knob_index(const char *name)
{
  for (guint i = 0; i < N_KNOBS; i++)
    if (g_str_equal(knobs[i].name, name))
      return (gint)i;
  g_return_val_if_reached(-1);
}

#define AT(policy, off, type)       ((type *)(void *)((char *)(policy) + (off)))
#define AT_CONST(policy, off, type) ((const type *)(const void *)((const char *)(policy) + (off)))

/* How many bytes of OtauxPolicy a knob owns (for copying a layer's value). */
static gsize knob_size(const OtauxPolicyKnob *k)
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

void otaux_policy_knob_copy(const OtauxPolicyKnob *k, OtauxPolicy *dest, const OtauxPolicy *src)
{
  memcpy(AT(dest, k->offset, char), AT_CONST(src, k->offset, char), knob_size(k));
  if (k->offset2 != 0)
    memcpy(AT(dest, k->offset2, char), AT_CONST(src, k->offset2, char), sizeof(gint));
}

/* ---- values: text <-> knob ------------------------------------------------ */

char *otaux_policy_format_duration(guint64 s)
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
  const OtauxPolicyKnob *k;

  g_return_val_if_fail(policy != NULL && knob < N_KNOBS, NULL);
  k = &knobs[knob];
  switch (k->type) {
    case K_BOOL:
      return g_strdup(*AT_CONST(policy, k->offset, gboolean) ? "yes" : "no");
    case K_UINT:
      return g_strdup_printf("%u", *AT_CONST(policy, k->offset, guint));
    case K_DURATION:
      return otaux_policy_format_duration(*AT_CONST(policy, k->offset, guint));
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
          item = otaux_policy_format_duration(AT_CONST(policy, k->offset, guint)[i]);
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

char *otaux_policy_shown(const char *value)
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
char *otaux_policy_knob_parse(const OtauxPolicyKnob *k, const char *text, OtauxPolicy *policy)
{
  g_autofree char *v = otaux_policy_shown(text);
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
        g_autofree char *lo = k->type == K_DURATION ? otaux_policy_format_duration(k->min)
                                                    : g_strdup_printf("%" G_GUINT64_FORMAT, k->min);
        g_autofree char *hi = k->type == K_DURATION ? otaux_policy_format_duration(k->max)
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
        item = otaux_policy_shown(items[i]);
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
                                   : g_str_has_suffix(k->name, ".groups") ? "a gid"
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

const OtauxPolicyKnob *otaux_policy_knob_find(const char *element, gint level,
                                              const char *attribute)
{
  for (guint i = 0; i < N_KNOBS; i++)
    if (knobs[i].level == level && g_str_equal(knobs[i].element, element) &&
        g_str_equal(knobs[i].attribute, attribute))
      return &knobs[i];
  return NULL;
}
