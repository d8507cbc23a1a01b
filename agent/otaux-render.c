/* otaux-render: every text filled in, through the real prompt builder. */
#include "otaux-render.h"

#include "otaux-prompt.h"

#include <string.h>

static void rendered_free(gpointer data)
{
  OtauxRendered *r = data;

  g_free(r->where);
  g_free(r->text);
  g_free(r);
}

static void add(GPtrArray *out, char *where /* transfer full */, char *text /* transfer full */)
{
  OtauxRendered *r = g_new0(OtauxRendered, 1);

  r->where = where;
  r->text = text;
  g_ptr_array_add(out, r);
}

typedef struct {
  const char *key; /* "fallback", "named", "no-version" */
  const char *name;
  const char *version;
  gboolean asks_restart; /* the updater asks for the restart after the install */
} Name;

static const Name names[] = {
  { "fallback", "", "", FALSE },
  { "named", "Contoso Phone OS", "2.1.0", FALSE },
  { "no-version", "Contoso Phone OS", "", FALSE },
  /* every prompt of an asks-restart offer: none may say the restart just happens */
  { "asks-restart", "Contoso Phone OS", "2.1.0", TRUE },
};

static OtauxOffer *new_offer(const Name *n, guint64 size, guint32 install_seconds,
                             const OtauxPolicy *policy, gint64 now)
{
  OtauxOfferSpec spec;
  OtauxOffer *offer;

  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("render");
  g_free(spec.name);
  spec.name = g_strdup(n->name);
  g_free(spec.version);
  spec.version = g_strdup(n->version);
  spec.size = size;
  spec.install_seconds = install_seconds;
  spec.needs_reboot = TRUE;
  spec.asks_restart = n->asks_restart;
  spec.priority = OTAUX_PRIORITY_MEDIUM;
  offer = otaux_offer_new(1, &spec, policy, now);
  otaux_offer_spec_clear(&spec);
  return offer;
}

/* Every text of the prompt the offer shows now. */
static void add_prompt(GPtrArray *out, const char *where, const OtauxOffer *offer,
                       const OtauxPolicy *policy, const OtauxStrings *strings, gint64 now)
{
  g_autoptr(OtauxPrompt) p = otaux_prompt_build(offer, policy, strings, now);
  const char *kind = otaux_prompt_kind_to_string(p->kind);

  add(out, g_strdup_printf("%s/%s/title", kind, where), g_strdup(p->title));
  add(out, g_strdup_printf("%s/%s/body", kind, where), g_strdup(p->body));
  if (p->warning[0] != '\0')
    add(out, g_strdup_printf("%s/%s/warning", kind, where), g_strdup(p->warning));
  for (guint i = 0; i < p->choices->len; i++) {
    const OtauxChoice *c = g_ptr_array_index(p->choices, i);

    add(out, g_strdup_printf("%s/%s/choice.%s", kind, where, c->id), g_strdup(c->label));
  }
  for (guint i = 0; i < p->delay_options->len; i++) {
    const OtauxDelayOption *o = &g_array_index(p->delay_options, OtauxDelayOption, i);

    add(out, g_strdup_printf("%s/%s/delay-option.%u", kind, where, i), g_strdup(o->label));
  }
}

static const guint counts[] = { 1, 2, 5, 11, 100 };

/* Times relative to @now: later today, tomorrow, next week. */
typedef struct {
  const char *key;
  gint64 when;
} When;

static gint64 local_at(gint64 now, gint days, gint hour)
{
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local(now);
  g_autoptr(GDateTime) day = g_date_time_add_days(today, days);
  g_autoptr(GDateTime) at =
      g_date_time_new_local(g_date_time_get_year(day), g_date_time_get_month(day),
                            g_date_time_get_day_of_month(day), hour, 0, 0);

  return g_date_time_to_unix(at);
}

static void render_name(GPtrArray *out, const Name *n, OtauxPolicy *policy,
                        const OtauxStrings *strings, gint64 now)
{
  const When whens[] = {
    { "today", local_at(now, 0, 22) },
    { "tomorrow", local_at(now, 1, 7) },
    { "next-week", local_at(now, 7, 22) },
  };
  static const struct {
    const char *key;
    gboolean roaming, metered;
  } charges[] = { { "roaming", TRUE, FALSE }, { "metered", FALSE, TRUE }, { "always", 0, 0 } };
  static const guint64 sizes[] = { 0, 1, 999, 12345, 48000000, 1500000000 };
  OtauxOffer *o;

  /* offered */
  for (gsize i = 0; i < G_N_ELEMENTS(charges); i++) {
    g_autofree char *where = g_strdup_printf("%s/%s", n->key, charges[i].key);

    o = new_offer(n, 48000000, 300, policy, now);
    o->spec.roaming = o->device.roaming = charges[i].roaming;
    o->spec.metered = o->device.metered = charges[i].metered;
    add_prompt(out, where, o, policy, strings, now);
    otaux_offer_free(o);
  }
  {
    /* "Download on Wi-Fi" chosen: the waiting question */
    g_autofree char *where = g_strdup_printf("%s/waiting-wifi", n->key);

    o = new_offer(n, 48000000, 300, policy, now);
    o->spec.metered = o->device.metered = TRUE;
    o->wait_wifi = TRUE;
    add_prompt(out, where, o, policy, strings, now);
    otaux_offer_free(o);
  }
  for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
    g_autofree char *where = g_strdup_printf("%s/size-%" G_GUINT64_FORMAT, n->key, sizes[i]);

    o = new_offer(n, sizes[i], 300, policy, now);
    add_prompt(out, where, o, policy, strings, now);
    otaux_offer_free(o);
  }

  /* downloading */
  o = new_offer(n, 48000000, 300, policy, now);
  o->phase = OTAUX_PHASE_DOWNLOADING;
  o->bytes_done = 19200000;
  add_prompt(out, n->key, o, policy, strings, now);
  o->spec.size = 0;
  o->bytes_done = 0;
  add_prompt(out, "unknown-size", o, policy, strings, now);
  otaux_offer_free(o);

  /* ready: the install question, with every duration */
  o = new_offer(n, 48000000, 0, policy, now);
  o->phase = OTAUX_PHASE_READY;
  o->ready_at = now;
  {
    g_autofree char *where = g_strdup_printf("%s/no-duration", n->key);
    g_autofree char *where2 = g_strdup_printf("%s/no-duration/no-restart", n->key);

    add_prompt(out, where, o, policy, strings, now);
    o->spec.needs_reboot = FALSE;
    add_prompt(out, where2, o, policy, strings, now);
    o->spec.needs_reboot = TRUE;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(counts); i++) {
    static const struct {
      const char *unit;
      guint seconds;
    } units[] = { { "seconds", 1 }, { "minutes", 60 }, { "hours", 3600 } };

    for (gsize u = 0; u < G_N_ELEMENTS(units); u++) {
      g_autofree char *where = g_strdup_printf("%s/%u-%s", n->key, counts[i], units[u].unit);
      g_autoptr(OtauxPrompt) p = NULL;

      /* 100 seconds would round to minutes: the unit texts are below */
      if (counts[i] * units[u].seconds >= 60 && u == 0)
        continue;
      o->spec.install_seconds = counts[i] * units[u].seconds;
      p = otaux_prompt_build(o, policy, strings, now);
      add(out, g_strdup_printf("install/%s/body", where), g_strdup(p->body));
    }
  }
  otaux_offer_free(o);

  /* ready, forced: restarts at a time today, tomorrow, next week */
  for (gsize w = 0; w < G_N_ELEMENTS(whens); w++) {
    g_autofree char *where = g_strdup_printf("%s/%s", n->key, whens[w].key);

    o = new_offer(n, 48000000, 300, policy, now);
    o->spec.forced = TRUE;
    o->phase = OTAUX_PHASE_READY;
    o->ready_at = whens[w].when - (gint64)policy->forced_countdown_s;
    add_prompt(out, where, o, policy, strings, now);
    otaux_offer_free(o);
  }
  /* ready, forced, held by the battery: waiting for the charger */
  {
    g_autofree char *where = g_strdup_printf("%s/battery", n->key);
    OtauxSystemFacts low = { 0 };

    low.known = 1u << OTAUX_DEVICE_ON_BATTERY | 1u << OTAUX_DEVICE_BATTERY;
    low.on_battery = low.battery_present = TRUE;
    low.battery_percent = 12;
    o = new_offer(n, 48000000, 300, policy, now);
    o->spec.forced = TRUE;
    o->phase = OTAUX_PHASE_READY;
    o->ready_at = whens[0].when - (gint64)policy->forced_countdown_s;
    otaux_offer_see_device(o, &low, policy);
    add_prompt(out, where, o, policy, strings, now);
    otaux_offer_free(o);
  }

  /* accepted */
  o = new_offer(n, 48000000, 300, policy, now);
  o->phase = OTAUX_PHASE_READY;
  o->ready_at = now;
  o->decision = OTAUX_DECISION_ACCEPT;
  o->decided_in = OTAUX_PHASE_READY;
  add_prompt(out, n->key, o, policy, strings, now);

  /* delayed, a reminder, the final warning */
  o->phase = OTAUX_PHASE_DELAYED;
  o->decision = OTAUX_DECISION_DELAY_REBOOT;
  o->decided_in = OTAUX_PHASE_READY;
  for (gsize w = 0; w < G_N_ELEMENTS(whens); w++) {
    g_autofree char *where = g_strdup_printf("%s/%s", n->key, whens[w].key);

    o->reboot_at = whens[w].when;
    o->changed_at = now;
    o->reminder_index = 0;
    add_prompt(out, where, o, policy, strings, now);
    o->changed_at = now - 7 * 86400;
    o->reminder_index = 1;
    add_prompt(out, where, o, policy, strings, now);
  }
  for (gsize i = 0; i < 3; i++) {
    static const gint64 lefts[] = { 1, 30, 120 };
    g_autofree char *where = g_strdup_printf("%s/in-%" G_GINT64_FORMAT "s", n->key, lefts[i]);

    o->reboot_at = now + lefts[i];
    add_prompt(out, where, o, policy, strings, now);
  }

  /* Install tonight: waiting for the night, then the morning question with
   * every reason (one line each) */
  {
    g_autofree char *tonight = g_strdup_printf("%s/tonight", n->key);
    g_autofree char *missed = g_strdup_printf("%s/tonight-missed", n->key);

    o->reboot_at = o->tonight_start = local_at(now, 1, 1);
    o->tonight_end = o->tonight_start + 4 * 3600;
    add_prompt(out, tonight, o, policy, strings, now);
    o->phase = OTAUX_PHASE_READY;
    o->decision = OTAUX_DECISION_NONE;
    o->reboot_at = o->tonight_start = o->tonight_end = 0;
    o->tonight_missed = OTAUX_TONIGHT_MISS_CHARGER | OTAUX_TONIGHT_MISS_IN_USE |
                        OTAUX_TONIGHT_MISS_BLOCKED | OTAUX_TONIGHT_MISS_OFF;
    add_prompt(out, missed, o, policy, strings, now);
    o->tonight_missed = 0;
  }

  /* installing: with logind's inhibitor held, and an update that needs no restart */
  o->phase = OTAUX_PHASE_INSTALLING;
  o->decision = OTAUX_DECISION_ACCEPT;
  add_prompt(out, n->key, o, policy, strings, now);
  {
    g_autofree char *inhibited = g_strdup_printf("%s/inhibited", n->key);
    g_autofree char *no_restart = g_strdup_printf("%s/no-restart", n->key);

    o->device.shutdown_inhibited = TRUE;
    add_prompt(out, inhibited, o, policy, strings, now);
    o->device.shutdown_inhibited = FALSE;
    o->spec.needs_reboot = FALSE;
    add_prompt(out, no_restart, o, policy, strings, now);
    o->spec.needs_reboot = TRUE;
  }
  {
    /* the updater asks for the restart after the install (asks-restart) */
    g_autofree char *asks = g_strdup_printf("%s/asks-restart", n->key);

    o->spec.asks_restart = TRUE;
    add_prompt(out, asks, o, policy, strings, now);
    o->spec.asks_restart = n->asks_restart;
  }
  /* finished: one of each result text (the FUMO table's ranges share theirs) */
  o->phase = OTAUX_PHASE_FINISHED;
  {
    g_autofree guint *codes = otaux_strings_result_samples();

    for (gsize i = 0; codes[i] != 0; i++) {
      g_autofree char *where = g_strdup_printf("%s/%u", n->key, codes[i]);

      o->result = codes[i];
      add_prompt(out, where, o, policy, strings, now);
    }
  }
  otaux_offer_free(o);
}

/* Every built-in text once more on its own, with sample values: whatever
 * the walk above does not reach (a battery that needs the charger, a
 * vendor result range) is still there to review. */
static void render_texts(GPtrArray *out, const OtauxStrings *strings, gint64 now)
{
  g_autofree const char **ids = otaux_strings_builtin_ids();
  g_autofree char *operator_ = otaux_strings_format(strings, "operator.name", NULL);
  g_autofree char *size = otaux_strings_format_size_full(strings, 48000000);
  g_autofree char *done = otaux_strings_format_size_full(strings, 20200000);
  g_autofree char *duration = otaux_strings_format_duration(strings, 300);
  g_autofree char *countdown = otaux_strings_format_duration(strings, 30);
  g_autofree char *when = otaux_strings_format_when(strings, local_at(now, 1, 7), now);
  g_autofree char *by = otaux_strings_format_by(strings, local_at(now, 1, 7), now);
  g_autofree char *time = otaux_strings_format_clock(strings, local_at(now, 0, 22), "format.time");
  g_autofree char *date = otaux_strings_format_clock(strings, local_at(now, 7, 22), "format.date");
  const char *hours_kv[] = { "hours", "4", NULL };
  g_autofree char *delay = otaux_strings_format_plural(strings, "delay.in-hours", 4, hours_kv);
  const char *kv[] = { "name",      "Contoso Phone OS",
                       "version",   "2.1.0",
                       "size",      size,
                       "operator",  operator_,
                       "duration",  duration,
                       "countdown", countdown,
                       "when",      when,
                       "by",        by,
                       "time",      time,
                       "date",      date,
                       "percent",   "40",
                       "hours",     "4",
                       "minutes",   "30",
                       "done",      done,
                       "total",     size,
                       "code",      "410",
                       "delay",     delay,
                       "reason",    "this session is not the active one",
                       NULL };

  for (gsize i = 0; ids[i] != NULL; i++) {
    char *text = g_str_has_prefix(ids[i], "format.") && strcmp(ids[i], "format.digits") != 0
                     ? otaux_strings_format_clock(strings, local_at(now, 7, 22), ids[i])
                     : otaux_strings_format_full(strings, ids[i], 3, kv, OTAUX_TEXT_PLAIN);

    add(out, g_strdup_printf("text/%s", ids[i]), text);
  }
}

/* The pop-up's own words (its buttons and headings), in the current language. */
static void render_prompter_words(GPtrArray *out)
{
  const char *const *words = otaux_strings_prompter_words();

  for (gsize i = 0; words[i] != NULL; i++) {
    /* "%s" is the agent's error message, shown as it is */
    g_auto(GStrv) parts = g_strsplit(otaux_strings_translate(words[i]), "%s", -1);

    add(out, g_strdup_printf("prompter/%s", words[i]), g_strjoinv("the time has passed", parts));
  }
}

GPtrArray *otaux_render_all(const OtauxStrings *strings, gint64 now)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(rendered_free);
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  static const char *const unit_ids[] = { "unit.seconds", "unit.minutes", "unit.hours",
                                          "unit.days" };

  /* Every choice: "later" where the policy offers it, every warning. */
  policy->priority[OTAUX_PRIORITY_MEDIUM].later_s = 4 * 3600;
  policy->priority[OTAUX_PRIORITY_MEDIUM].timeout_s = 0;
  policy->priority[OTAUX_PRIORITY_MEDIUM].presentation = OTAUX_PRESENTATION_POPUP;
  policy->priority[OTAUX_PRIORITY_MEDIUM].quiet_interrupt = TRUE;
  policy->charge_warning = OTAUX_CHARGE_WARN_ALWAYS;
  policy->charge_min_size = 0;
  policy->charge_program[0] = '\0';
  policy->roaming_present = TRUE;
  policy->roaming_download = OTAUX_ROAMING_DOWNLOAD_ASK;
  policy->allow_forced = TRUE;
  policy->max_total_delay_s = 14 * 86400;
  policy->quiet_start_min = policy->quiet_end_min = 0;
  if (policy->n_reminders == 0) {
    policy->reminders_s[0] = 3600;
    policy->n_reminders = 1;
  }

  /* The values, on their own */
  for (gsize u = 0; u < G_N_ELEMENTS(unit_ids); u++)
    for (gsize i = 0; i < G_N_ELEMENTS(counts); i++)
      add(out, g_strdup_printf("value/%s/%u", unit_ids[u], counts[i]),
          otaux_strings_format_plural(strings, unit_ids[u], counts[i], NULL));
  for (guint64 b = 1; b < G_GUINT64_CONSTANT(10000000000000); b *= 7)
    add(out, g_strdup_printf("value/size/%" G_GUINT64_FORMAT, b),
        otaux_strings_format_size_full(strings, b));
  {
    const gint64 times[] = { local_at(now, 0, 22), local_at(now, 1, 7), local_at(now, 7, 22) };

    for (gsize i = 0; i < G_N_ELEMENTS(times); i++)
      add(out,
          g_strdup_printf("value/time/%s", i == 0   ? "today"
                                           : i == 1 ? "tomorrow"
                                                    : "next-week"),
          otaux_strings_format_time(strings, times[i], now));
  }

  /* The pop-up's own lines (ui/prompter): bytes done of total, time left. */
  {
    g_autofree char *done = otaux_strings_format_size_full(strings, 20200000);
    g_autofree char *total = otaux_strings_format_size_full(strings, 48000000);

    for (gsize i = 0; i < G_N_ELEMENTS(counts); i++) {
      g_autofree char *left = otaux_strings_format_duration(strings, (gint64)counts[i] * 60);
      const char *kv[] = { "done", done, "total", total, "duration", left, NULL };

      add(out, g_strdup_printf("popup/progress/%u-minutes-left", counts[i]),
          otaux_strings_format(strings, "popup.progress.bytes-left", kv));
    }
    {
      const char *kv[] = { "done", done, "total", total, NULL };

      add(out, g_strdup("popup/progress/bytes"),
          otaux_strings_format(strings, "popup.progress.bytes", kv));
    }
    add(out, g_strdup("popup/hide"), otaux_strings_format(strings, "popup.hide", NULL));
  }

  /* The pop-up's time picker lines (ui/prompter): a time today, tomorrow, next week,
   * and at one o'clock (Spanish "a la 01:30", not "a las"). */
  {
    const gint64 times[] = { local_at(now, 0, 22), local_at(now, 1, 7), local_at(now, 7, 22),
                             local_at(now, 1, 1) + 30 * 60 };
    static const char *const keys[] = { "today", "tomorrow", "next-week", "tomorrow-0130" };

    for (gsize i = 0; i < G_N_ELEMENTS(times); i++) {
      g_autofree char *when = otaux_strings_format_when(strings, times[i], now);
      g_autofree char *by = otaux_strings_format_by(strings, times[i], now);
      const char *kv[] = { "when", when, "by", by, NULL };

      add(out, g_strdup_printf("popup/latest/%s", keys[i]),
          otaux_strings_format(strings, "popup.delay.latest", kv));
      add(out, g_strdup_printf("popup/restart-at/%s", keys[i]),
          otaux_strings_format(strings, "popup.delay.restart", kv));
      add(out, g_strdup_printf("popup/too-late/%s", keys[i]),
          otaux_strings_format(strings, "popup.delay.too-late", kv));
    }
  }

  for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
    render_name(out, &names[i], policy, strings, now);

  /* Status lines */
  for (guint s = 10; s <= 200; s += 10)
    add(out, g_strdup_printf("state/%u", s), otaux_strings_state_text(strings, s));
  render_texts(out, strings, now);
  render_prompter_words(out);
  return out;
}
