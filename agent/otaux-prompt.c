/* otaux-prompt: what to show the person about one offer, as plain data. */
#include "otaux-prompt.h"

#include <string.h>

#include "otaux-tonight.h"

static const char *const kind_names[] = {
  "none",    "download", "progress",      "install",    "forced", "pending",
  "delayed", "reminder", "final-warning", "installing", "result",
};

const char *otaux_prompt_kind_to_string(OtauxPromptKind kind)
{
  return (guint)kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "none";
}

static void choice_free(gpointer data)
{
  OtauxChoice *choice = data;

  g_free(choice->id);
  g_free(choice->label);
  g_free(choice);
}

static void delay_option_clear(gpointer data)
{
  OtauxDelayOption *option = data;

  g_free(option->label);
}

OtauxPrompt *otaux_prompt_new(void)
{
  OtauxPrompt *prompt = g_new0(OtauxPrompt, 1);

  prompt->title = g_strdup("");
  prompt->body = g_strdup("");
  prompt->warning = g_strdup("");
  prompt->message = g_strdup("");
  prompt->body_markup = g_strdup("");
  prompt->warning_markup = g_strdup("");
  prompt->message_markup = g_strdup("");
  prompt->details = g_strdup("");
  prompt->step = g_strdup("");
  prompt->suggested = g_strdup("");
  prompt->deadline_choice = g_strdup("");
  prompt->choices = g_ptr_array_new_with_free_func(choice_free);
  prompt->delay_options = g_array_new(FALSE, TRUE, sizeof(OtauxDelayOption));
  g_array_set_clear_func(prompt->delay_options, delay_option_clear);
  prompt->progress = -1;
  prompt->dismissible = TRUE;
  prompt->needs_reboot = TRUE;
  return prompt;
}

void otaux_prompt_free(OtauxPrompt *prompt)
{
  if (prompt == NULL)
    return;
  g_free(prompt->title);
  g_free(prompt->body);
  g_free(prompt->warning);
  g_free(prompt->message);
  g_free(prompt->body_markup);
  g_free(prompt->warning_markup);
  g_free(prompt->message_markup);
  g_free(prompt->details);
  g_free(prompt->step);
  g_free(prompt->suggested);
  g_free(prompt->deadline_choice);
  g_clear_pointer(&prompt->choices, g_ptr_array_unref);
  g_clear_pointer(&prompt->delay_options, g_array_unref);
  g_free(prompt);
}

static void set_str(char **field, char *value /* transfer full */)
{
  g_free(*field);
  *field = value;
}

/* Everything a text may name, prepared once per build. */
typedef struct {
  const OtauxStrings *strings;
  char *name;
  gboolean name_is_fallback; /* then it is capitalised where it starts a sentence */
  char *version;
  char *size;
  char *percent;
  char *duration;
  char *time;
  char *date;
  char *when;
  char *countdown;
  gint64 countdown_to; /* the time {countdown} counts to, or 0 */
  char *operator_;
  const char *kv[22];
} Ctx;

static void ctx_init(Ctx *ctx, const OtauxOffer *offer, const OtauxPolicy *policy,
                     const OtauxStrings *strings, gint64 now)
{
  const OtauxOfferSpec *spec = &offer->spec;
  /* The download's percentage may fall back on the offered size; the
   * install's is only what the updater reports with SetState 60. */
  guint64 total = offer->bytes_total > 0 || offer->phase == OTAUX_PHASE_INSTALLING
                      ? offer->bytes_total
                      : spec->size;
  gint64 when = 0;

  memset(ctx, 0, sizeof *ctx);
  ctx->strings = strings;
  ctx->name_is_fallback = spec->name == NULL || spec->name[0] == '\0';
  ctx->name = !ctx->name_is_fallback ? g_strdup(spec->name)
                                     : otaux_strings_format(strings, "name.fallback", NULL);
  ctx->version = g_strdup(spec->version != NULL ? spec->version : "");
  ctx->size = spec->size > 0 ? otaux_strings_format_size_full(strings, spec->size)
                             : otaux_strings_format(strings, "size.unknown", NULL);
  ctx->percent = total > 0
                     ? g_strdup_printf("%u", (guint)(MIN(offer->bytes_done, total) * 100 / total))
                     : g_strdup("");
  if (spec->install_seconds > 0) {
    g_autofree char *d = otaux_strings_format_duration(strings, spec->install_seconds);
    const char *kv[] = { "duration", d, NULL };

    /* "about 5 minutes", but never "about a few minutes" */
    ctx->duration = otaux_strings_format(strings, "duration.about", kv);
  } else {
    ctx->duration = otaux_strings_format(strings, "duration.unknown", NULL);
  }
  if (offer->reboot_at > 0)
    when = offer->reboot_at;
  else if (offer->phase == OTAUX_PHASE_READY)
    when = offer->ready_at + (gint64)policy->forced_countdown_s;
  /* {time} is the bare time of day; {when} says which day ("tomorrow at 07:00"). */
  ctx->time = when > 0 ? otaux_strings_format_clock(strings, when, "format.time") : g_strdup("");
  ctx->date = when > 0 ? otaux_strings_format_clock(strings, when, "format.date") : g_strdup("");
  ctx->when = when > 0 ? otaux_strings_format_when(strings, when, now) : g_strdup("");
  ctx->countdown = otaux_strings_format_duration(strings, when > now ? when - now : 0);
  ctx->countdown_to = when;
  ctx->operator_ = otaux_strings_format(strings, "operator.name", NULL);

  {
    const char *const kv[] = {
      "name",      ctx->name,      "version",  ctx->version,   "size", ctx->size,
      "percent",   ctx->percent,   "duration", ctx->duration,  "time", ctx->time,
      "countdown", ctx->countdown, "operator", ctx->operator_, "date", ctx->date,
      "when",      ctx->when,      NULL,
    };

    G_STATIC_ASSERT(sizeof kv <= sizeof ctx->kv);
    memcpy(ctx->kv, kv, sizeof kv);
  }
}

static void ctx_clear(Ctx *ctx)
{
  g_free(ctx->name);
  g_free(ctx->version);
  g_free(ctx->size);
  g_free(ctx->percent);
  g_free(ctx->duration);
  g_free(ctx->time);
  g_free(ctx->date);
  g_free(ctx->when);
  g_free(ctx->countdown);
  g_free(ctx->operator_);
}

/* The fallback name is written for mid-sentence ("Downloading the firmware
 * update"); where a sentence starts with it, its first letter is capitalised.
 * A real name stays as the updater wrote it. */
static char *capitalise_fallback(const Ctx *ctx, char *text /* transfer full */)
{
  GString *out;
  gsize len = strlen(ctx->name);
  const char *p = text;

  if (!ctx->name_is_fallback || len == 0 || strstr(text, ctx->name) == NULL)
    return text;
  out = g_string_sized_new(strlen(text) + 8);
  while (*p != '\0') {
    const char *found = strstr(p, ctx->name);
    const char *before;
    gboolean starts = FALSE;

    if (found == NULL) {
      g_string_append(out, p);
      break;
    }
    g_string_append_len(out, p, found - p);
    /* a sentence starts here: at the start, after an RLM, or after ". " */
    before = found;
    if (before - text >= 3 && memcmp(before - 3, "\u200F", 3) == 0)
      before -= 3;
    if (before == text)
      starts = TRUE;
    else if (before - text >= 2 && before[-1] == ' ' && strchr(".!?", before[-2]) != NULL)
      starts = TRUE;
    if (starts) {
      gunichar first = g_unichar_totitle(g_utf8_get_char(found));

      g_string_append_unichar(out, first);
      g_string_append(out, g_utf8_next_char(found));
      g_string_truncate(out, out->len - strlen(found + len));
    } else {
      g_string_append_len(out, found, len);
    }
    p = found + len;
  }
  g_free(text);
  return g_string_free(out, FALSE);
}

static char *text(const Ctx *ctx, const char *id)
{
  return capitalise_fallback(ctx, otaux_strings_format(ctx->strings, id, ctx->kv));
}

/* The markup form of text(): for body-markup and friends. */
static char *text_markup(const Ctx *ctx, const char *id)
{
  return capitalise_fallback(ctx,
                             otaux_strings_format_full(ctx->strings, id, OTAUX_STRINGS_NO_COUNT,
                                                       ctx->kv, OTAUX_TEXT_MARKUP));
}

/* A text shown in both forms (body, warning, message). */
static void set_text(char **plain, char **markup, const Ctx *ctx, const char *id)
{
  set_str(plain, text(ctx, id));
  set_str(markup, text_markup(ctx, id));
}

/* An update that needs no restart never speaks of one: @id's ".no-reboot"
 * variant where the table has it (a new id), else @id itself. Nor does an
 * update whose updater asks for the restart itself after the install
 * (asks-restart): until its restart question nothing restarts by itself, so
 * its texts are the ".asks-restart" variant, else the ".no-reboot" one. */
static char *reboot_id(const OtauxOffer *offer, const Ctx *ctx, const char *id)
{
  g_autofree char *variant = NULL;

  if (offer->spec.restart_only || (offer->spec.needs_reboot && !offer->spec.asks_restart))
    return g_strdup(id);
  if (offer->spec.needs_reboot) {
    variant = g_strconcat(id, ".asks-restart", NULL);
    if (otaux_strings_has(ctx->strings, variant))
      return g_steal_pointer(&variant);
    g_clear_pointer(&variant, g_free);
  }
  variant = g_strconcat(id, ".no-reboot", NULL);
  return otaux_strings_has(ctx->strings, variant) ? g_steal_pointer(&variant) : g_strdup(id);
}

static void add_choice(OtauxPrompt *prompt, const Ctx *ctx, const char *id, const char *label_id)
{
  OtauxChoice *choice = g_new0(OtauxChoice, 1);

  choice->id = g_strdup(id);
  choice->label = text(ctx, label_id);
  g_ptr_array_add(prompt->choices, choice);
}

/* The allowed choices of the offer, labelled for the prompt @kind_name. */
static void add_allowed_choices(OtauxPrompt *prompt, const Ctx *ctx, const OtauxOffer *offer,
                                const OtauxPolicy *policy, gint64 now, const char *kind_name)
{
  const char *const *allowed = otaux_offer_allowed_choices(offer, policy, now);

  for (gsize i = 0; allowed[i] != NULL; i++) {
    const char *suffix = allowed[i];
    g_autofree char *label_id = NULL;

    /* "install" and "restart" say "delay", the scheduled ones "change" (the time). */
    if (g_str_equal(suffix, "delay-reboot"))
      suffix = g_str_equal(kind_name, "install") || g_str_equal(kind_name, "restart") ? "delay"
                                                                                      : "change";
    label_id = g_strconcat(kind_name, ".", suffix, NULL);
    /* the morning question after a missed night: "Try again tonight" */
    if (g_str_equal(suffix, "tonight") && otaux_tonight_missed(offer))
      set_str(&label_id, g_strdup("tonight.again"));
    {
      g_autofree char *id = reboot_id(offer, ctx, label_id);

      add_choice(prompt, ctx, allowed[i], id);
    }
  }
}

static void add_delay_option(OtauxPrompt *prompt, char *label /* transfer full */, gint64 when,
                             gboolean relative)
{
  OtauxDelayOption option = { label, when, relative };

  g_array_append_val(prompt->delay_options, option);
}

static gint64 local_time_at(gint64 now, gint days, gint hour, gint minute)
{
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local(now);
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GDateTime) day = NULL;

  if (today == NULL)
    return 0;
  day = g_date_time_add_days(today, days);
  if (day == NULL)
    return 0;
  at = g_date_time_new_local(g_date_time_get_year(day), g_date_time_get_month(day),
                             g_date_time_get_day_of_month(day), hour, minute, 0);
  return at != NULL ? g_date_time_to_unix(at) : 0;
}

static void add_delay_options(OtauxPrompt *prompt, const Ctx *ctx, const OtauxPolicy *policy,
                              OtauxPriority priority, gint64 limit, gint64 now)
{
  if (limit <= 0)
    return;

  for (guint i = 0; i < policy->n_delay_options && i < OTAUX_POLICY_MAX_LIST; i++) {
    guint delay = policy->delay_options_s[i];
    gint64 when = now + (gint64)delay;
    char hours[16];
    char minutes[16];
    const char *kv[] = { "hours", hours, "minutes", minutes, NULL };
    g_autofree char *relative = NULL;
    g_autofree char *hhmm = NULL;
    const char *at_kv[5] = { "delay", NULL, "time", NULL, NULL };

    if (delay == 0 || when > limit || !otaux_policy_may_interrupt(policy, priority, when))
      continue;
    g_snprintf(hours, sizeof hours, "%u", delay / 3600);
    g_snprintf(minutes, sizeof minutes, "%u", (delay + 59) / 60);
    /* Plural forms: "In 1 hour", "In 4 hours" (and the language's own rules). */
    if (delay % 3600 == 0)
      relative = otaux_strings_format_plural(ctx->strings, "delay.in-hours", delay / 3600, kv);
    else
      relative =
          otaux_strings_format_plural(ctx->strings, "delay.in-minutes", (delay + 59) / 60, kv);
    /* with its clock time, as the fixed rows have ("In 1 hour · 23:13") */
    hhmm = otaux_strings_format_clock(ctx->strings, when, "format.time");
    at_kv[1] = relative;
    at_kv[3] = hhmm;
    add_delay_option(prompt, otaux_strings_format(ctx->strings, "delay.at-time", at_kv), when,
                     TRUE);
  }

  for (int which = 0; which < 2; which++) {
    gint hour = which == 0 ? policy->tonight_hour : policy->morning_hour;
    gint minute = which == 0 ? policy->tonight_minute : policy->morning_minute;
    gint64 when;
    g_autofree char *hhmm = NULL;
    const char *kv[3] = { "time", NULL, NULL };

    if (hour < 0 || hour > 23)
      continue;
    when = local_time_at(now, which, hour, CLAMP(minute, 0, 59));
    if (when <= now || when > limit || !otaux_policy_may_interrupt(policy, priority, when))
      continue;
    hhmm = otaux_strings_format_clock(ctx->strings, when, "format.time"); /* the locale's clock */
    kv[1] = hhmm;
    add_delay_option(
        prompt,
        otaux_strings_format(ctx->strings, which == 0 ? "delay.tonight" : "delay.tomorrow", kv),
        when, FALSE);
  }
}

/* The built-in charge warning, or NULL: none applies, or the operator's
 * program shows its own instead. */
static const char *charge_warning_id(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  if (!otaux_offer_charge_warning_applies(offer, policy) || policy->charge_program[0] != '\0')
    return NULL;
  if (offer->device.roaming)
    return "charge.roaming";
  if (policy->charge_warning != OTAUX_CHARGE_WARN_ALWAYS)
    return "charge.metered"; /* metered or cellular */
  return offer->device.metered || offer->device.cellular ? "charge.metered" : "charge.always";
}

/* Below the battery line (policy <battery/>): the warning says why the
 * install cannot run now and what to do. Returns whether it applies. */
static gboolean set_battery_warning(OtauxPrompt *prompt, const Ctx *ctx, const OtauxOffer *offer,
                                    const OtauxPolicy *policy)
{
  if (!otaux_offer_waits_for_battery(offer, policy))
    return FALSE;
  set_text(&prompt->warning, &prompt->warning_markup, ctx,
           otaux_device_battery_text_id(&offer->device, policy));
  prompt->dismissible = TRUE;
  return TRUE;
}

/* Held by the battery (policy <battery/>), a scheduled or forced restart
 * says one thing once: the title "Waiting for the charger" and one
 * sentence, no warning that repeats it: before its time, that the time
 * holds only with the charger; once it has passed, what to do. */
static gboolean set_battery_held(OtauxPrompt *prompt, const Ctx *ctx, const OtauxOffer *offer,
                                 const OtauxPolicy *policy, gint64 now)
{
  g_autofree char *held_id = NULL;

  if (!otaux_offer_waits_for_battery(offer, policy))
    return FALSE;
  held_id = reboot_id(offer, ctx, "delayed.body.battery");
  set_str(&prompt->title, text(ctx, "delayed.title.battery"));
  set_text(&prompt->body, &prompt->body_markup, ctx,
           now < ctx->countdown_to ? held_id
                                   : otaux_device_battery_text_id(&offer->device, policy));
  prompt->dismissible = TRUE;
  return TRUE;
}

static const char *const timeout_answer_names[] = { "cancel", "accept", "later" };

/* The question answers itself at its time-out (OMA DM MAXDT + DR). */
static void set_timeout(OtauxPrompt *prompt, const OtauxOffer *offer, const OtauxPolicy *policy,
                        OtauxPriority priority, gint64 now)
{
  gint64 at = otaux_offer_timeout_at(offer, policy, now);
  guint answer = policy->priority[priority].timeout_answer;

  if (at <= 0)
    return;
  prompt->deadline = at;
  set_str(&prompt->deadline_choice,
          g_strdup(answer < G_N_ELEMENTS(timeout_answer_names) ? timeout_answer_names[answer]
                                                               : "cancel"));
}

/* The operator's install message named by the offer's "message" key (an
 * id of a <message> in the catalogs), plain and markup; "" when unknown. */
static void set_operator_message(OtauxPrompt *prompt, const Ctx *ctx, const OtauxOffer *offer)
{
  g_autofree char *id = NULL;

  if (offer->spec.message == NULL || offer->spec.message[0] == '\0')
    return;
  id = g_strconcat("message.", offer->spec.message, NULL);
  if (!otaux_strings_has(ctx->strings, id))
    return;
  set_text(&prompt->message, &prompt->message_markup, ctx, id);
}

/* The updater's own text (its "install-message", or the "instruction" of
 * SetState while installing) where no operator message is shown: plain text,
 * escaped for the markup form, never read as markup. */
static void set_updater_message(OtauxPrompt *prompt, const char *text, gboolean first)
{
  if (text == NULL || text[0] == '\0' || (!first && prompt->message[0] != '\0'))
    return;
  set_str(&prompt->message, g_strdup(text));
  set_str(&prompt->message_markup, g_markup_escape_text(text, -1));
}

/* The updater's words about its result (FinishWithDetails "message"), on a
 * line of their own under the result's text: plain text, escaped for the
 * markup form as names are, never read as markup. */
static void add_finish_message(OtauxPrompt *prompt, const char *words)
{
  g_autofree char *escaped = NULL;

  if (words == NULL || words[0] == '\0')
    return;
  escaped = g_markup_escape_text(words, -1);
  set_str(&prompt->body, g_strconcat(prompt->body, "\n", words, NULL));
  set_str(&prompt->body_markup, g_strconcat(prompt->body_markup, "\n", escaped, NULL));
}

/* The morning question: why the night passed unused, one line per reason
 * ("Couldn't install last night: the charger was not plugged in"). */
static void set_tonight_missed(OtauxPrompt *prompt, const Ctx *ctx, const OtauxOffer *offer)
{
  const char *ids[8];

  set_str(&prompt->title, text(ctx, "tonight.missed.title"));
  otaux_tonight_missed_text_ids(offer->tonight_missed, ids, G_N_ELEMENTS(ids));
  set_str(&prompt->body, g_strdup(""));
  set_str(&prompt->body_markup, g_strdup(""));
  for (gsize i = 0; ids[i] != NULL; i++) {
    g_autofree char *line = text(ctx, ids[i]);
    g_autofree char *line_markup = text_markup(ctx, ids[i]);
    const char *sep = i > 0 ? "\n" : "";

    set_str(&prompt->body, g_strconcat(prompt->body, sep, line, NULL));
    set_str(&prompt->body_markup, g_strconcat(prompt->body_markup, sep, line_markup, NULL));
  }
}

/* Release notes go with the first question the person sees, once: the
 * download question, or where there was none (an offer that came
 * downloaded, `state` >= 30, e.g. a RAUC bundle; silent; forced) the install,
 * forced or restart question. A restart question after the install was
 * answered, and the delayed prompts, had them already. */
static gboolean notes_on_install(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  if (offer->decided_in == OTAUX_PHASE_READY || offer->decided_in == OTAUX_PHASE_DELAYED)
    return FALSE;
  /* the person answered the download question (a silent one that roaming
   * asked after all): they have read the notes there */
  if (offer->download_asked)
    return FALSE;
  if (offer->spec.state >= OTAUX_FUMO_DOWNLOADING)
    return TRUE;
  return (offer->spec.silent && policy->allow_silent) ||
         (offer->spec.forced && policy->allow_forced);
}

static gboolean install_accepted(const OtauxOffer *offer)
{
  return offer->decision == OTAUX_DECISION_ACCEPT &&
         (offer->decided_in == OTAUX_PHASE_READY || offer->decided_in == OTAUX_PHASE_DELAYED);
}

/* A reminder counts once it was given after the delay was chosen (its time
 * is later than changed_at, the time of the delay); earlier ones were skipped. */
static gboolean reminder_given(const OtauxOffer *offer, const OtauxPolicy *policy)
{
  guint i = offer->reminder_index;

  if (i == 0 || i > policy->n_reminders || i > OTAUX_POLICY_MAX_LIST)
    return FALSE;
  return offer->reboot_at - (gint64)policy->reminders_s[i - 1] > offer->changed_at;
}

static OtauxPromptKind pick_kind(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now)
{
  /* Held back (roaming, "later", the operator's charge program): nothing shows. */
  if (otaux_offer_held(offer, policy, now) != NULL)
    return OTAUX_PROMPT_NONE;
  switch (offer->phase) {
    case OTAUX_PHASE_OFFERED:
      return offer->decision == OTAUX_DECISION_NONE ? OTAUX_PROMPT_DOWNLOAD : OTAUX_PROMPT_NONE;
    case OTAUX_PHASE_DOWNLOADING:
      return OTAUX_PROMPT_PROGRESS;
    case OTAUX_PHASE_READY:
      if (install_accepted(offer))
        return OTAUX_PROMPT_PENDING;
      if (offer->spec.forced && policy->allow_forced)
        return OTAUX_PROMPT_FORCED;
      return OTAUX_PROMPT_INSTALL;
    case OTAUX_PHASE_DELAYED:
      if (offer->decision != OTAUX_DECISION_DELAY_REBOOT)
        return install_accepted(offer) ? OTAUX_PROMPT_PENDING : OTAUX_PROMPT_INSTALL;
      /* "Install tonight": no countdown, no reminders in the night */
      if (otaux_tonight_chosen(offer))
        return OTAUX_PROMPT_DELAYED;
      /* No countdown to a restart that waits for the battery. */
      if (otaux_offer_waits_for_battery(offer, policy))
        return OTAUX_PROMPT_DELAYED;
      if (policy->final_warning_s > 0 && now >= offer->reboot_at - (gint64)policy->final_warning_s)
        return OTAUX_PROMPT_FINAL_WARNING;
      return reminder_given(offer, policy) ? OTAUX_PROMPT_REMINDER : OTAUX_PROMPT_DELAYED;
    case OTAUX_PHASE_INSTALLING:
      return OTAUX_PROMPT_INSTALLING;
    case OTAUX_PHASE_FINISHED:
      return offer->result != 0 ? OTAUX_PROMPT_RESULT : OTAUX_PROMPT_NONE;
    default:
      return OTAUX_PROMPT_NONE;
  }
}

/* Whether one of the prompt's texts says @words. */
static gboolean says(const OtauxPrompt *prompt, const char *words)
{
  const char *const texts[] = { prompt->title, prompt->body, prompt->warning, prompt->message };

  for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
    if (texts[i] != NULL && strstr(texts[i], words) != NULL)
      return TRUE;
  return FALSE;
}

OtauxPrompt *otaux_prompt_build(const OtauxOffer *offer, const OtauxPolicy *policy,
                                const OtauxStrings *strings, gint64 now)
{
  OtauxPrompt *prompt = otaux_prompt_new();
  const OtauxPriorityPolicy *pp;
  OtauxPriority priority;
  Ctx ctx;

  g_return_val_if_fail(offer != NULL && policy != NULL && strings != NULL, prompt);

  prompt->kind = pick_kind(offer, policy, now);
  if (prompt->kind == OTAUX_PROMPT_NONE)
    return prompt;

  priority = (guint)offer->spec.priority < OTAUX_N_PRIORITIES ? offer->spec.priority
                                                              : OTAUX_PRIORITY_MEDIUM;
  pp = &policy->priority[priority];
  prompt->priority = priority;
  prompt->presentation = pp->presentation;
  /* Quiet hours hold a pop-up back to a notification, unless the priority
   * may interrupt; the agent republishes when they end. */
  if (prompt->presentation == OTAUX_PRESENTATION_POPUP &&
      !otaux_policy_may_interrupt(policy, priority, now))
    prompt->presentation = OTAUX_PRESENTATION_ACTIONS;
  /* quiet-notify="no": inside its quiet hours the priority shows nothing
   * at all (the Prompt is still there); the agent republishes at their end. */
  if (!otaux_policy_may_notify(policy, priority, now))
    prompt->presentation = OTAUX_PRESENTATION_SILENT;
  prompt->urgency = pp->urgency;
  prompt->sound = pp->sound;
  /* so a pop-up words its own lines "Install at 20:45", not "Restart" */
  prompt->needs_reboot =
      offer->spec.restart_only || (offer->spec.needs_reboot && !offer->spec.asks_restart);

  ctx_init(&ctx, offer, policy, strings, now);

  switch (prompt->kind) {
    case OTAUX_PROMPT_DOWNLOAD:
      if (offer->wait_wifi) {
        /* "Download on Wi-Fi": the accept comes with an unmetered link. */
        set_str(&prompt->title, text(&ctx, "download.waiting.title"));
        set_text(&prompt->body, &prompt->body_markup, &ctx, "download.waiting.body");
        set_str(&prompt->details, g_strdup(offer->spec.release_notes));
        /* "Download now anyway"; cancel keeps its label */
        for (const char *const *c = otaux_offer_allowed_choices(offer, policy, now); *c != NULL;
             c++) {
          g_autofree char *label_id =
              g_strconcat(g_str_equal(*c, "accept") ? "download.waiting." : "download.", *c, NULL);

          add_choice(prompt, &ctx, *c, label_id);
        }
        /* The person answered already: a quiet reminder, no new pop-up. */
        prompt->urgency = OTAUX_URGENCY_LOW;
        prompt->sound = FALSE;
        prompt->presentation = MIN(prompt->presentation, OTAUX_PRESENTATION_ACTIONS);
        break;
      }
      set_str(&prompt->title, text(&ctx, "download.title"));
      set_text(&prompt->body, &prompt->body_markup, &ctx, "download.body");
      if (charge_warning_id(offer, policy) != NULL)
        set_text(&prompt->warning, &prompt->warning_markup, &ctx, charge_warning_id(offer, policy));
      set_str(&prompt->details, g_strdup(offer->spec.release_notes));
      add_allowed_choices(prompt, &ctx, offer, policy, now, "download");
      set_str(&prompt->suggested,
              g_strdup(policy->charge_suggest_wifi && otaux_prompt_has_choice(prompt, "wifi")
                           ? "wifi"
                           : "accept"));
      set_timeout(prompt, offer, policy, priority, now);
      break;

    case OTAUX_PROMPT_PROGRESS:
      set_str(&prompt->title, text(&ctx, "progress.title"));
      set_text(&prompt->body, &prompt->body_markup, &ctx,
               ctx.percent[0] != '\0' ? "progress.body" : "progress.body.unknown");
      prompt->progress = ctx.percent[0] != '\0' ? (gint)g_ascii_strtoll(ctx.percent, NULL, 10) : -1;
      add_allowed_choices(prompt, &ctx, offer, policy, now, "progress");
      break;

    case OTAUX_PROMPT_INSTALL:
      /* restart-only: installed already, the question is only the restart */
      if (offer->spec.restart_only) {
        set_str(&prompt->title, text(&ctx, "restart.title"));
        set_text(&prompt->body, &prompt->body_markup, &ctx, "restart.body");
      } else {
        set_str(&prompt->title, text(&ctx, "install.title"));
        g_autofree char *body_id = reboot_id(offer, &ctx, "install.body");

        set_text(&prompt->body, &prompt->body_markup, &ctx, body_id);
      }
      if (otaux_tonight_missed(offer))
        set_tonight_missed(prompt, &ctx, offer);
      if (notes_on_install(offer, policy))
        set_str(&prompt->details, g_strdup(offer->spec.release_notes));
      set_operator_message(prompt, &ctx, offer);
      set_updater_message(prompt, offer->spec.install_message, FALSE);
      add_allowed_choices(prompt, &ctx, offer, policy, now,
                          offer->spec.restart_only ? "restart" : "install");
      set_str(&prompt->suggested,
              g_strdup(otaux_prompt_has_choice(prompt, "accept") ? "accept" : ""));
      set_battery_warning(prompt, &ctx, offer, policy);
      prompt->delay_max = otaux_offer_delay_limit(offer, policy, now);
      add_delay_options(prompt, &ctx, policy, priority, prompt->delay_max, now);
      set_timeout(prompt, offer, policy, priority, now);
      break;

    case OTAUX_PROMPT_FORCED:
      set_str(&prompt->title, text(&ctx, "forced.title"));
      {
        g_autofree char *body_id = reboot_id(offer, &ctx, "forced.body");

        set_text(&prompt->body, &prompt->body_markup, &ctx, body_id);
      }
      if (notes_on_install(offer, policy))
        set_str(&prompt->details, g_strdup(offer->spec.release_notes));
      set_operator_message(prompt, &ctx, offer);
      set_updater_message(prompt, offer->spec.install_message, FALSE);
      add_allowed_choices(prompt, &ctx, offer, policy, now, "forced");
      if (set_battery_held(prompt, &ctx, offer, policy, now))
        break; /* no countdown: the install waits for the battery */
      /* "Restart now" is there, but never the suggestion (issue 18): the
       * countdown does it; the person may hide the pop-up meanwhile. */
      prompt->deadline = offer->ready_at + (gint64)policy->forced_countdown_s;
      set_str(&prompt->deadline_choice, g_strdup("accept"));
      prompt->dismissible = FALSE;
      break;

    case OTAUX_PROMPT_PENDING:
      set_str(&prompt->title, text(&ctx, "pending.title"));
      {
        g_autofree char *body_id = reboot_id(offer, &ctx, "pending.body");

        set_text(&prompt->body, &prompt->body_markup, &ctx, body_id);
      }
      break;

    case OTAUX_PROMPT_DELAYED:
    case OTAUX_PROMPT_REMINDER:
    case OTAUX_PROMPT_FINAL_WARNING: {
      const char *kind_name = otaux_prompt_kind_to_string(prompt->kind);
      g_autofree char *title = g_strconcat(kind_name, ".title", NULL);
      g_autofree char *body = g_strconcat(kind_name, ".body", NULL);
      g_autofree char *title_id = reboot_id(offer, &ctx, title);
      g_autofree char *body_id = reboot_id(offer, &ctx, body);

      set_str(&prompt->title, text(&ctx, title_id));
      set_text(&prompt->body, &prompt->body_markup, &ctx, body_id);
      add_allowed_choices(prompt, &ctx, offer, policy, now, kind_name);
      prompt->delay_max = otaux_offer_delay_limit(offer, policy, now);
      add_delay_options(prompt, &ctx, policy, priority, prompt->delay_max, now);
      if (otaux_tonight_chosen(offer)) {
        /* "Install tonight": when depends on the device, not on a clock */
        set_str(&prompt->title, text(&ctx, "tonight.title"));
        set_text(&prompt->body, &prompt->body_markup, &ctx, "tonight.body");
        prompt->urgency = OTAUX_URGENCY_LOW;
        prompt->sound = FALSE;
        prompt->presentation = MIN(prompt->presentation, OTAUX_PRESENTATION_ACTIONS);
        break;
      }
      if (set_battery_held(prompt, &ctx, offer, policy, now))
        break;
      /* At the reboot time the agent accepts on the person's behalf. */
      prompt->deadline = offer->reboot_at;
      set_str(&prompt->deadline_choice, g_strdup("accept"));
      prompt->dismissible = prompt->kind != OTAUX_PROMPT_FINAL_WARNING;
      break;
    }

    case OTAUX_PROMPT_INSTALLING:
      if (offer->stage == OTAUX_STAGE_RESTARTING) {
        /* The updater restarts the device now: as loud as a restart. */
        set_str(&prompt->title, text(&ctx, "installing.restarting.title"));
        set_text(&prompt->body, &prompt->body_markup, &ctx, "installing.restarting.body");
        set_updater_message(prompt, offer->instruction, TRUE);
        prompt->urgency = OTAUX_URGENCY_CRITICAL;
        prompt->presentation = OTAUX_PRESENTATION_POPUP;
        prompt->sound = TRUE;
        break;
      }
      if (offer->stage == OTAUX_STAGE_FINISHING) {
        /* After the restart: quiet, asks nothing, waits for the result. */
        set_str(&prompt->title, text(&ctx, "installing.finishing.title"));
        set_text(&prompt->body, &prompt->body_markup, &ctx, "installing.finishing.body");
        prompt->urgency = OTAUX_URGENCY_LOW;
        prompt->presentation = OTAUX_PRESENTATION_NOTIFICATION;
        prompt->sound = FALSE;
        break;
      }
      set_str(&prompt->title, text(&ctx, "installing.title"));
      /* each fact once: with the warning that the device cannot be turned
       * off, the body does not ask to keep it on; where the updater asks for
       * the restart after the install (asks-restart), nothing restarts by itself */
      set_text(&prompt->body, &prompt->body_markup, &ctx,
               !offer->spec.needs_reboot          ? "installing.body.no-reboot"
               : offer->spec.asks_restart         ? "installing.body.asks-restart"
               : offer->device.shutdown_inhibited ? "installing.body.inhibited"
                                                  : "installing.body");
      /* what the person must do now (fwupd: "remove and replug the device") */
      set_updater_message(prompt, offer->instruction, TRUE);
      set_updater_message(prompt, offer->spec.install_message, FALSE);
      if (offer->device.shutdown_inhibited)
        set_text(&prompt->warning, &prompt->warning_markup, &ctx, "installing.inhibited");
      /* SetState 60 with bytes: the install's percentage, in the text (for
       * notifications) and as "progress" (the bar). */
      if (ctx.percent[0] != '\0') {
        g_autofree char *line = text(&ctx, "installing.progress");
        g_autofree char *line_markup = text_markup(&ctx, "installing.progress");

        prompt->progress = (gint)g_ascii_strtoll(ctx.percent, NULL, 10);
        set_str(&prompt->body, g_strconcat(prompt->body, "\n", line, NULL));
        set_str(&prompt->body_markup, g_strconcat(prompt->body_markup, "\n", line_markup, NULL));
      }
      /* what the updater is doing now: secondary, plain text */
      set_str(&prompt->step, g_strdup(offer->step != NULL ? offer->step : ""));
      break;

    case OTAUX_PROMPT_RESULT: {
      const char *title_id;

      if (offer->result == OTAUX_RESULT_USER_CANCELLED)
        title_id = "result.title.cancelled";
      else if (otaux_prompt_result_is_success(offer->result))
        title_id = "result.title.success";
      else
        title_id = "result.title.failure";
      set_str(&prompt->title, text(&ctx, title_id));
      /* the code and the operator are filled in by the result text itself */
      set_str(&prompt->body, otaux_strings_result_text(strings, offer->result));
      set_str(&prompt->body_markup,
              otaux_strings_result_text_full(strings, offer->result, OTAUX_TEXT_MARKUP));
      prompt->result = offer->result;
      /* News, not an alarm: a result is never critical, whatever the
       * offer's priority (what cannot wait is a question, a countdown). */
      prompt->urgency = MIN(prompt->urgency, OTAUX_URGENCY_NORMAL);
      /* The install message was for the install: a result says only what
       * happened, with the updater's words about that (FinishWithDetails). */
      add_finish_message(prompt, offer->finish_message);
      break;
    }

    case OTAUX_PROMPT_NONE:
    default:
      break;
  }

  /* A restart's time never slips by quietly (issue 18): the forced
   * countdown and the reminder are at least normal, and the final warning
   * is critical, whatever the offer's priority. */
  if (prompt->kind == OTAUX_PROMPT_FORCED || prompt->kind == OTAUX_PROMPT_REMINDER)
    prompt->urgency = MAX(prompt->urgency, OTAUX_URGENCY_NORMAL);
  else if (prompt->kind == OTAUX_PROMPT_FINAL_WARNING)
    prompt->urgency = OTAUX_URGENCY_CRITICAL;

  /* A text that counts down ("Restarting in 5 minutes…") is stale once its
   * wording would change: say when, so the agent rebuilds it then. */
  if (ctx.countdown_to > now && says(prompt, ctx.countdown))
    prompt->refresh_at =
        ctx.countdown_to - otaux_strings_duration_next_change(ctx.countdown_to - now);
  ctx_clear(&ctx);
  return prompt;
}

gboolean otaux_prompt_result_is_success(guint32 result)
{
  return result == 200 || (result >= 250 && result <= 299);
}

gboolean otaux_prompt_asks(const OtauxPrompt *prompt)
{
  return prompt != NULL && prompt->choices->len > 0 && prompt->kind != OTAUX_PROMPT_PROGRESS &&
         prompt->kind != OTAUX_PROMPT_DELAYED;
}

gboolean otaux_prompt_equal(const OtauxPrompt *a, const OtauxPrompt *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (a->kind != b->kind || a->urgency != b->urgency || a->presentation != b->presentation ||
      a->priority != b->priority || a->delay_max != b->delay_max || a->deadline != b->deadline ||
      a->progress != b->progress || a->result != b->result || !a->dismissible != !b->dismissible ||
      !a->sound != !b->sound || !a->needs_reboot != !b->needs_reboot)
    return FALSE;
  if (g_strcmp0(a->title, b->title) != 0 || g_strcmp0(a->body, b->body) != 0 ||
      g_strcmp0(a->warning, b->warning) != 0 || g_strcmp0(a->message, b->message) != 0 ||
      g_strcmp0(a->body_markup, b->body_markup) != 0 ||
      g_strcmp0(a->warning_markup, b->warning_markup) != 0 ||
      g_strcmp0(a->message_markup, b->message_markup) != 0 ||
      g_strcmp0(a->details, b->details) != 0 || g_strcmp0(a->step, b->step) != 0 ||
      g_strcmp0(a->suggested, b->suggested) != 0 ||
      g_strcmp0(a->deadline_choice, b->deadline_choice) != 0)
    return FALSE;
  if (a->choices->len != b->choices->len || a->delay_options->len != b->delay_options->len)
    return FALSE;
  for (guint i = 0; i < a->choices->len; i++) {
    const OtauxChoice *ca = g_ptr_array_index(a->choices, i);
    const OtauxChoice *cb = g_ptr_array_index(b->choices, i);

    if (g_strcmp0(ca->id, cb->id) != 0 || g_strcmp0(ca->label, cb->label) != 0)
      return FALSE;
  }
  for (guint i = 0; i < a->delay_options->len; i++) {
    const OtauxDelayOption *oa = &g_array_index(a->delay_options, OtauxDelayOption, i);
    const OtauxDelayOption *ob = &g_array_index(b->delay_options, OtauxDelayOption, i);

    if (oa->time != ob->time || g_strcmp0(oa->label, ob->label) != 0)
      return FALSE;
  }
  return TRUE;
}

gboolean otaux_prompt_has_choice(const OtauxPrompt *prompt, const char *choice)
{
  if (prompt == NULL || choice == NULL)
    return FALSE;
  for (guint i = 0; i < prompt->choices->len; i++) {
    const OtauxChoice *c = g_ptr_array_index(prompt->choices, i);

    if (g_str_equal(c->id, choice))
      return TRUE;
  }
  return FALSE;
}
