/* otaux-policy-check: contradictions in a whole policy (a reminder longer
 * than the maximum delay, ...), reported at the line of a knob involved. */
#include "otaux-policy-check.h"

#include "otaux-policy-knobs-private.h"

typedef struct {
  OtauxPolicyReport *r;
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
    gint k = otaux_policy_knob_index(names[i]);

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
  otaux_policy_report_take(c->r, line_of(c, names), g_strdup_vprintf(format, args));
  va_end(args);
  c->ok = FALSE;
}

gboolean otaux_policy_check(const OtauxPolicy *p, const char *file, const guint *lines,
                            GPtrArray *problems)
{
  OtauxPolicyReport r = { file, problems, 0 };
  Check c = { &r, lines, TRUE };

  g_return_val_if_fail(p != NULL && file != NULL && problems != NULL, FALSE);

  for (guint i = 0; i < p->n_reminders && i < OTAUX_POLICY_MAX_LIST; i++) {
    if (p->reminders_s[i] > p->max_total_delay_s) {
      const char *const names[] = { "delay.reminders", "delay.max-total", NULL };
      g_autofree char *a = otaux_policy_format_duration(p->reminders_s[i]);
      g_autofree char *b = otaux_policy_format_duration(p->max_total_delay_s);

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
      g_autofree char *a = otaux_policy_format_duration(p->delay_options_s[i]);
      g_autofree char *b = otaux_policy_format_duration(p->max_total_delay_s);

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
      g_autofree char *n1 =
          g_strdup_printf("priority.%s.timeout-answer", otaux_policy_level_names[i]);
      g_autofree char *n2 = g_strdup_printf("priority.%s.later", otaux_policy_level_names[i]);
      const char *const names[] = { n1, n2, NULL };

      contradiction(&c, names, "priority %s: timeout-answer is later, but later is 0 (not offered)",
                    otaux_policy_level_names[i]);
    }
  }
  if (p->charge_program[0] != '\0' && p->charge_warning == OTAUX_CHARGE_WARN_NEVER) {
    const char *const names[] = { "charge-warning.program", "charge-warning.when", NULL };

    contradiction(&c, names, "charge-warning: a program is set but when is never: it never runs");
  }
  otaux_policy_report_end(&r);
  return c.ok;
}
