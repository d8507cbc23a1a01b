/* The prompt model: Offer1.Prompt (a{sv}) parsed into plain data, every
 * string valid UTF-8 and never NULL (docs/dbus-api.md, "Prompt"). */
#include "config.h"

#include <string.h>

#include "otaux-prompter.h"

static void choice_free(gpointer data)
{
  OtauxPromptChoice *c = data;
  g_free(c->id);
  g_free(c->label);
  g_free(c);
}

static void delay_option_clear(gpointer data)
{
  OtauxPromptDelayOption *d = data;
  g_free(d->label);
}

void otaux_prompt_free(OtauxPrompt *p)
{
  if (p == NULL)
    return;
  g_free(p->kind);
  g_free(p->title);
  g_free(p->body);
  g_free(p->warning);
  g_free(p->message);
  g_free(p->body_markup);
  g_free(p->warning_markup);
  g_free(p->message_markup);
  g_free(p->details);
  g_free(p->step);
  g_free(p->urgency);
  g_free(p->presentation);
  g_free(p->priority);
  g_free(p->suggested);
  g_free(p->deadline_choice);
  g_ptr_array_unref(p->choices);
  g_array_unref(p->delay_options);
  g_free(p);
}

static char *valid_utf8(const char *s)
{
  /* The agent validates its strings; be defensive anyway. */
  return g_utf8_validate(s, -1, NULL) ? g_strdup(s) : g_utf8_make_valid(s, -1);
}

static char *dict_string(GVariantDict *d, const char *key)
{
  const char *s = NULL;
  if (!g_variant_dict_lookup(d, key, "&s", &s) || s == NULL)
    return g_strdup("");
  return valid_utf8(s);
}

/* The markup form of a text (docs/strings.md, "For presenters"); an agent
 * that does not send it gets the plain text escaped. Checked here for
 * well-formed markup (GtkLabel adds <a href> to Pango's tags, so Pango's
 * own parser would refuse links), so gtk_label_set_markup() never fails. */
static char *dict_markup(GVariantDict *d, const char *key, const char *plain)
{
  static const GMarkupParser no_callbacks = { NULL };
  g_autofree char *markup = dict_string(d, key);
  g_autofree char *doc = g_strconcat("<markup>", markup, "</markup>", NULL);
  GMarkupParseContext *ctx = g_markup_parse_context_new(&no_callbacks, 0, NULL, NULL);
  gboolean ok = g_markup_parse_context_parse(ctx, doc, -1, NULL) &&
                g_markup_parse_context_end_parse(ctx, NULL);
  g_markup_parse_context_free(ctx);
  if (markup[0] != '\0' && ok)
    return g_steal_pointer(&markup);
  return g_markup_escape_text(plain, -1);
}

static OtauxPrompt *prompt_new(void)
{
  OtauxPrompt *p = g_new0(OtauxPrompt, 1);
  p->choices = g_ptr_array_new_with_free_func(choice_free);
  p->delay_options = g_array_new(FALSE, TRUE, sizeof(OtauxPromptDelayOption));
  g_array_set_clear_func(p->delay_options, delay_option_clear);
  return p;
}

static void add_choice(OtauxPrompt *p, const char *id, const char *label)
{
  OtauxPromptChoice *c = g_new0(OtauxPromptChoice, 1);
  c->id = g_strdup(id);
  c->label = valid_utf8(label);
  g_ptr_array_add(p->choices, c);
}

static void add_delay_option(OtauxPrompt *p, const char *label, gint64 time)
{
  OtauxPromptDelayOption o = { valid_utf8(label), time };
  g_array_append_val(p->delay_options, o);
}

OtauxPrompt *otaux_prompt_parse(GVariant *dict)
{
  OtauxPrompt *p = prompt_new();
  GVariantDict d;
  GVariantIter *iter = NULL;

  g_variant_dict_init(&d, dict);
  p->kind = dict_string(&d, "kind");
  p->title = dict_string(&d, "title");
  p->body = dict_string(&d, "body");
  p->warning = dict_string(&d, "warning");
  p->message = dict_string(&d, "message");
  p->body_markup = dict_markup(&d, "body-markup", p->body);
  p->warning_markup = dict_markup(&d, "warning-markup", p->warning);
  p->message_markup = dict_markup(&d, "message-markup", p->message);
  p->details = dict_string(&d, "details");
  p->step = dict_string(&d, "step");
  p->urgency = dict_string(&d, "urgency");
  p->presentation = dict_string(&d, "presentation");
  p->priority = dict_string(&d, "priority");
  p->suggested = dict_string(&d, "suggested");
  p->deadline_choice = dict_string(&d, "deadline-choice");
  p->progress = -1;
  p->dismissible = TRUE;
  p->needs_reboot = TRUE; /* an agent that does not say: it restarts */

  if (g_variant_dict_lookup(&d, "choices", "a(ss)", &iter)) {
    const char *id, *label;
    while (g_variant_iter_loop(iter, "(&s&s)", &id, &label))
      add_choice(p, id, label);
    g_variant_iter_free(iter);
  }
  if (g_variant_dict_lookup(&d, "delay-options", "a(sx)", &iter)) {
    const char *label;
    gint64 t;
    while (g_variant_iter_loop(iter, "(&sx)", &label, &t))
      add_delay_option(p, label, t);
    g_variant_iter_free(iter);
  }
  g_variant_dict_lookup(&d, "delay-max", "x", &p->delay_max);
  g_variant_dict_lookup(&d, "deadline", "x", &p->deadline);
  g_variant_dict_lookup(&d, "progress", "i", &p->progress);
  g_variant_dict_lookup(&d, "result", "u", &p->result);
  g_variant_dict_lookup(&d, "dismissible", "b", &p->dismissible);
  g_variant_dict_lookup(&d, "needs-reboot", "b", &p->needs_reboot);
  g_variant_dict_clear(&d);
  return p;
}

OtauxPrompt *otaux_prompt_copy(const OtauxPrompt *s)
{
  OtauxPrompt *p = prompt_new();
  p->kind = g_strdup(s->kind);
  p->title = g_strdup(s->title);
  p->body = g_strdup(s->body);
  p->warning = g_strdup(s->warning);
  p->message = g_strdup(s->message);
  p->body_markup = g_strdup(s->body_markup);
  p->warning_markup = g_strdup(s->warning_markup);
  p->message_markup = g_strdup(s->message_markup);
  p->details = g_strdup(s->details);
  p->step = g_strdup(s->step);
  p->urgency = g_strdup(s->urgency);
  p->presentation = g_strdup(s->presentation);
  p->priority = g_strdup(s->priority);
  p->suggested = g_strdup(s->suggested);
  p->deadline_choice = g_strdup(s->deadline_choice);
  for (guint i = 0; i < s->choices->len; i++) {
    const OtauxPromptChoice *c = g_ptr_array_index(s->choices, i);
    add_choice(p, c->id, c->label);
  }
  for (guint i = 0; i < s->delay_options->len; i++) {
    const OtauxPromptDelayOption *d = &g_array_index(s->delay_options, OtauxPromptDelayOption, i);
    add_delay_option(p, d->label, d->time);
  }
  p->delay_max = s->delay_max;
  p->deadline = s->deadline;
  p->progress = s->progress;
  p->result = s->result;
  p->dismissible = s->dismissible;
  p->needs_reboot = s->needs_reboot;
  return p;
}

gboolean otaux_prompt_same_choices(const OtauxPrompt *a, const OtauxPrompt *b)
{
  if (a->choices->len != b->choices->len || a->delay_options->len != b->delay_options->len)
    return FALSE;
  for (guint i = 0; i < a->choices->len; i++) {
    const OtauxPromptChoice *ca = g_ptr_array_index(a->choices, i);
    const OtauxPromptChoice *cb = g_ptr_array_index(b->choices, i);
    if (g_strcmp0(ca->id, cb->id) != 0 || g_strcmp0(ca->label, cb->label) != 0)
      return FALSE;
  }
  for (guint i = 0; i < a->delay_options->len; i++) {
    const OtauxPromptDelayOption *da = &g_array_index(a->delay_options, OtauxPromptDelayOption, i);
    const OtauxPromptDelayOption *db = &g_array_index(b->delay_options, OtauxPromptDelayOption, i);
    if (da->time != db->time || g_strcmp0(da->label, db->label) != 0)
      return FALSE;
  }
  return g_strcmp0(a->suggested, b->suggested) == 0 && a->delay_max == b->delay_max &&
         a->dismissible == b->dismissible && a->needs_reboot == b->needs_reboot;
}

const OtauxPromptChoice *otaux_prompt_find_choice(const OtauxPrompt *p, const char *id)
{
  for (guint i = 0; p != NULL && i < p->choices->len; i++) {
    const OtauxPromptChoice *c = g_ptr_array_index(p->choices, i);
    if (strcmp(c->id, id) == 0)
      return c;
  }
  return NULL;
}

int otaux_prompt_priority_rank(const char *priority)
{
  if (g_strcmp0(priority, "high") == 0)
    return 2;
  if (g_strcmp0(priority, "medium") == 0)
    return 1;
  return 0;
}
