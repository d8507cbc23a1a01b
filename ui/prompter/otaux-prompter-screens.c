/* The screens: one column of title, body, warning, operator message,
 * facts (name, version, size), progress, countdown, release notes, the
 * delay picker and an error line, built for a prompt's kind and then
 * updated in place while the question stays the same. Every text comes
 * from the prompt data; our own are generic chrome ("Release notes"). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "otaux-prompter.h"

void otaux_prompter_set_accessible_label(GtkWidget *w, const char *label)
{
  gtk_accessible_update_property(GTK_ACCESSIBLE(w), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

GtkWidget *otaux_prompter_make_label(const char *text, const char *css_class, int max_chars)
{
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign(GTK_LABEL(l), 0.0f);
  gtk_label_set_max_width_chars(GTK_LABEL(l), max_chars);
  gtk_label_set_width_chars(GTK_LABEL(l), MIN(max_chars, 20));
  gtk_label_set_selectable(GTK_LABEL(l), FALSE);
  gtk_widget_set_halign(l, GTK_ALIGN_FILL);
  if (css_class != NULL)
    gtk_widget_add_css_class(l, css_class);
  return l;
}

/* Pango gives a paragraph the direction of its first letter, so an Arabic
 * text that starts with a product name ("Contoso Phone OS 2.1.0 ...") would
 * be laid out left to right. In a right-to-left layout, a text with
 * right-to-left letters starts with RLM, so it reads in the person's
 * direction; a text without any (an English fallback) keeps its own. */
static char *bidi_text(GtkWidget *label, const char *text)
{
  if (text == NULL || gtk_widget_get_direction(label) != GTK_TEXT_DIR_RTL)
    return g_strdup(text);
  return otaux_strings_bidi_mark(text);
}

void otaux_prompter_set_label(GtkWidget *label, GtkWidget *visible_widget, const char *text_)
{
  g_autofree char *text = NULL;
  if (label == NULL)
    return;
  text = bidi_text(label, text_);
  if (g_strcmp0(gtk_label_get_text(GTK_LABEL(label)), text) != 0)
    gtk_label_set_text(GTK_LABEL(label), text);
  gtk_widget_set_visible(visible_widget ? visible_widget : label, text != NULL && *text);
}

/* The same for the prompt's *-markup texts (escaped values, operator b/i/a).
 * A link opens with GTK's default handler. */
static void set_label_markup(GtkWidget *label, GtkWidget *visible_widget, const char *markup_)
{
  g_autofree char *markup = NULL;
  if (label == NULL)
    return;
  markup = bidi_text(label, markup_);
  if (g_strcmp0(gtk_label_get_label(GTK_LABEL(label)), markup) != 0 ||
      !gtk_label_get_use_markup(GTK_LABEL(label)))
    gtk_label_set_markup(GTK_LABEL(label), markup ? markup : "");
  gtk_widget_set_visible(visible_widget ? visible_widget : label, markup != NULL && *markup);
}

static gboolean pulse_cb(gpointer user_data)
{
  OtauxPrompter *self = user_data;
  if (self->progress_bar != NULL)
    gtk_progress_bar_pulse(GTK_PROGRESS_BAR(self->progress_bar));
  return G_SOURCE_CONTINUE;
}

/* The countdown drains a bar; the prompt's texts say the time ("Restarting
 * in 1 minute"), so the pop-up does not state it a second time. A bar with
 * hours to go says nothing a person can read (issue 18): it comes on
 * screen only for the last OTAUX_PROMPTER_COUNTDOWN_S, and drains over them. */
static gboolean countdown_cb(gpointer user_data)
{
  OtauxPrompter *self = user_data;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  gint64 left, total;

  if (self->cur == NULL || self->countdown_bar == NULL || self->cur->deadline <= 0) {
    self->countdown_id = 0;
    return G_SOURCE_REMOVE;
  }
  left = MAX(self->cur->deadline - now, 0);
  total = CLAMP(self->cur->deadline - self->countdown_from, 1, OTAUX_PROMPTER_COUNTDOWN_S);
  gtk_widget_set_visible(self->countdown_bar, left <= OTAUX_PROMPTER_COUNTDOWN_S);
  gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(self->countdown_bar),
                                CLAMP((double)left / (double)total, 0.0, 1.0));
  return G_SOURCE_CONTINUE;
}

/* "45%" or "٪45": the body already says it in most languages. */
static gboolean has_percent_sign(const char *text)
{
  return strchr(text, '%') != NULL || strstr(text, "\u066A") != NULL ||
         strstr(text, "\uFF05") != NULL;
}

static char *format_size(OtauxPrompter *self, guint64 bytes)
{
  return otaux_strings_format_size_full(self->strings, bytes);
}

/* "20.2 MB of 48.0 MB, about 2 minutes left": bytes when the updater
 * reports them; the time left from the rate since the first report seen.
 * While installing: the updater's step ("Copying image to rootfs.1"). */
static char *progress_line(OtauxPrompter *self, const OtauxPrompterOffer *o)
{
  gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  g_autofree char *left = NULL;

  /* under the install's bar: the updater's step, as it wrote it */
  if (strcmp(self->cur->kind, "installing") == 0)
    return g_strdup(self->cur->step);
  /* the download's bytes */
  if (strcmp(self->cur->kind, "progress") != 0 || o->bytes_total == 0 ||
      o->bytes_done > o->bytes_total)
    return NULL;
  done = format_size(self, o->bytes_done);
  total = format_size(self, o->bytes_total);
  if (self->rate_t0 == 0 || o->bytes_done < self->rate_b0) {
    self->rate_t0 = now;
    self->rate_b0 = o->bytes_done;
  } else if (now - self->rate_t0 >= 2 && o->bytes_done > self->rate_b0) {
    double rate = (double)(o->bytes_done - self->rate_b0) / (double)(now - self->rate_t0);
    left = otaux_strings_format_duration(self->strings,
                                         (gint64)((double)(o->bytes_total - o->bytes_done) / rate));
  }
  if (left != NULL) {
    const char *kv[] = { "done", done, "total", total, "duration", left, NULL };
    return otaux_strings_format(self->strings, "popup.progress.bytes-left", kv);
  } else {
    const char *kv[] = { "done", done, "total", total, NULL };
    return otaux_strings_format(self->strings, "popup.progress.bytes", kv);
  }
}

static void update_progress(OtauxPrompter *self, const OtauxPrompterOffer *o)
{
  GtkProgressBar *bar = GTK_PROGRESS_BAR(self->progress_bar);
  int percent;
  g_autofree char *line = NULL;

  if (bar == NULL)
    return;
  line = progress_line(self, o);
  otaux_prompter_set_label(self->progress_label, NULL, line);
  if (self->cur->progress < 0) {
    /* unknown: the bar moves, so it never looks stuck or empty */
    if (self->pulse_id == 0) {
      gtk_progress_bar_pulse(bar);
      self->pulse_id = g_timeout_add(120, pulse_cb, self);
    }
    g_object_set_data(G_OBJECT(bar), "otaux-pulsing", GINT_TO_POINTER(TRUE));
    gtk_progress_bar_set_show_text(bar, FALSE);
    return;
  }
  percent = CLAMP(self->cur->progress, 0, 100);
  g_clear_handle_id(&self->pulse_id, g_source_remove);
  g_object_set_data(G_OBJECT(bar), "otaux-pulsing", NULL);
  gtk_progress_bar_set_fraction(bar, percent / 100.0);
  /* One percentage: on the bar only when the body does not say it. */
  if (has_percent_sign(self->cur->body)) {
    gtk_progress_bar_set_show_text(bar, FALSE);
  } else {
    /* "45 %" would show as "% 45" in a right-to-left layout: no space there */
    gboolean rtl = gtk_widget_get_direction(self->progress_bar) == GTK_TEXT_DIR_RTL;
    g_autofree char *text = g_strdup_printf(rtl ? "%d%%" : "%d\u00A0%%", percent);
    gtk_progress_bar_set_text(bar, text);
    gtk_progress_bar_set_show_text(bar, TRUE);
  }
}

/* The facts the texts do not already say: a fact is said once. */
static gboolean said(const OtauxPrompt *p, const char *value)
{
  return value[0] != '\0' &&
         (strstr(p->title, value) != NULL || strstr(p->body, value) != NULL ||
          strstr(p->warning, value) != NULL || strstr(p->message, value) != NULL);
}

static void update_info(OtauxPrompter *self, const OtauxPrompterOffer *o)
{
  const OtauxPrompt *p = self->cur;
  g_autofree char *size = o->size > 0 ? format_size(self, o->size) : g_strdup("");
  gboolean any;

  if (self->info_grid == NULL)
    return;
  otaux_prompter_set_label(self->info_name, NULL, said(p, o->name) ? "" : o->name);
  otaux_prompter_set_label(self->info_version, NULL, said(p, o->version) ? "" : o->version);
  otaux_prompter_set_label(self->info_size, NULL, said(p, size) ? "" : size);
  /* hide a row's caption together with its value */
  any = FALSE;
  for (GtkWidget *c = gtk_widget_get_first_child(self->info_grid); c != NULL;
       c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *value = g_object_get_data(G_OBJECT(c), "otaux-value");
    if (value != NULL) {
      gtk_widget_set_visible(c, gtk_widget_get_visible(value));
      any = any || gtk_widget_get_visible(value);
    }
  }
  gtk_widget_set_visible(self->info_grid, any);
}

void otaux_prompter_screens_set_compact(OtauxPrompter *self, gboolean compact)
{
  GtkWidget *texts[] = { self->message_box,      self->body_label, self->warning_box,
                         self->details_expander, self->info_grid,  self->countdown_bar };
  if (!compact) {
    if (self->cur != NULL) {
      OtauxPrompterOffer *o = otaux_prompter_client_current(self);
      if (o != NULL)
        otaux_prompter_screens_update(self, o);
    }
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
    if (texts[i] != NULL)
      gtk_widget_set_visible(texts[i], FALSE);
}

void otaux_prompter_screens_update(OtauxPrompter *self, const OtauxPrompterOffer *o)
{
  const OtauxPrompt *p = self->cur;

  gtk_window_set_title(self->window, p->title[0] ? p->title : _("Firmware update"));
  otaux_prompter_set_label(self->title_label, NULL, p->title);
  set_label_markup(self->body_label, NULL, p->body_markup);
  set_label_markup(self->message_label, self->message_box, p->message_markup);
  set_label_markup(self->warning_label, self->warning_box, p->warning_markup);
  otaux_prompter_set_label(self->details_label, self->details_expander, p->details);
  update_info(self, o);
  update_progress(self, o);
  if (self->countdown_bar != NULL) {
    gtk_widget_set_visible(self->countdown_bar, FALSE); /* countdown_cb says when */
    if (p->deadline > 0) {
      countdown_cb(self);
      if (self->countdown_id == 0)
        self->countdown_id = g_timeout_add_seconds(1, countdown_cb, self);
    }
  }
  if (self->delay_mode)
    otaux_prompter_screens_set_compact(self, TRUE);
}

static void info_row(GtkGrid *grid, int row, const char *caption, GtkWidget **value)
{
  GtkWidget *c = gtk_label_new(caption);
  gtk_label_set_xalign(GTK_LABEL(c), 0.0f);
  gtk_widget_set_valign(c, GTK_ALIGN_START);
  gtk_widget_add_css_class(c, "dim-label");
  *value = otaux_prompter_make_label("", NULL, 40);
  gtk_label_set_selectable(GTK_LABEL(*value), TRUE);
  gtk_widget_set_hexpand(*value, TRUE);
  g_object_set_data(G_OBJECT(c), "otaux-value", *value);
  gtk_grid_attach(grid, c, 0, row, 1, 1);
  gtk_grid_attach(grid, *value, 1, row, 1, 1);
}

static void remove_children(GtkWidget *box)
{
  GtkWidget *c;
  while (box != NULL && (c = gtk_widget_get_first_child(box)) != NULL)
    gtk_box_remove(GTK_BOX(box), c);
}

void otaux_prompter_screens_clear(OtauxPrompter *self)
{
  g_clear_handle_id(&self->pulse_id, g_source_remove);
  g_clear_handle_id(&self->countdown_id, g_source_remove);
  self->title_label = self->body_label = self->message_label = self->message_box = NULL;
  self->warning_label = self->warning_box = self->details_label = self->details_expander = NULL;
  self->progress_bar = self->progress_label = self->countdown_bar = self->error_label = NULL;
  self->rate_t0 = 0;
  self->rate_b0 = 0;
  self->info_grid = self->info_name = self->info_version = self->info_size = NULL;
  otaux_prompter_delay_clear(self);
  self->delay_mode = FALSE;
  self->answering = FALSE;
  if (self->window != NULL) {
    /* GTK 4.8 trips over removing the default or focus widget: unset first */
    gtk_window_set_default_widget(self->window, NULL);
    gtk_window_set_focus(self->window, NULL);
  }
  remove_children(self->column);
  remove_children(self->actions);
  /* an answer in flight for the previous prompt left them insensitive */
  if (self->actions != NULL)
    gtk_widget_set_sensitive(self->actions, TRUE);
}

static void build_warning(OtauxPrompter *self, GtkBox *col)
{
  GtkWidget *icon = gtk_image_new_from_icon_name("dialog-warning-symbolic");

  self->warning_box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class(self->warning_box, "otaux-warning");
  gtk_widget_set_valign(icon, GTK_ALIGN_START);
  otaux_prompter_set_accessible_label(icon, _("Warning"));
  gtk_box_append(GTK_BOX(self->warning_box), icon);
  self->warning_label = otaux_prompter_make_label("", NULL, 50);
  gtk_widget_set_hexpand(self->warning_label, TRUE);
  gtk_box_append(GTK_BOX(self->warning_box), self->warning_label);
  gtk_box_append(col, self->warning_box);
}

/* Release notes (or any details) behind an expander */
static void build_details(OtauxPrompter *self, GtkBox *col)
{
  GtkWidget *sw = gtk_scrolled_window_new();

  self->details_expander = gtk_expander_new(_("Release notes"));
  otaux_prompter_set_accessible_label(self->details_expander, _("Release notes"));
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(sw), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(sw), 240);
  gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(sw), TRUE);
  self->details_label = otaux_prompter_make_label("", "otaux-details", 60);
  gtk_label_set_selectable(GTK_LABEL(self->details_label), TRUE);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sw), self->details_label);
  gtk_widget_set_margin_top(sw, 6);
  gtk_expander_set_child(GTK_EXPANDER(self->details_expander), sw);
  gtk_box_append(col, self->details_expander);
}

void otaux_prompter_screens_build(OtauxPrompter *self, const OtauxPrompterOffer *o)
{
  const OtauxPrompt *p = self->cur;
  GtkBox *col;
  gboolean is_download = strcmp(p->kind, "download") == 0;
  gboolean has_progress = strcmp(p->kind, "progress") == 0 || strcmp(p->kind, "installing") == 0;

  otaux_prompter_screens_clear(self);
  col = GTK_BOX(self->column);

  self->title_label = otaux_prompter_make_label("", "otaux-title", 40);
  gtk_accessible_update_property(GTK_ACCESSIBLE(self->title_label), GTK_ACCESSIBLE_PROPERTY_LEVEL,
                                 1, -1);
  gtk_box_append(col, self->title_label);

  self->body_label = otaux_prompter_make_label("", NULL, 50);
  gtk_box_append(col, self->body_label);

  build_warning(self, col);

  /* The operator's install message, set off in its own box, after what the
   * question is and what it costs (the body and the warning come first). */
  self->message_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class(self->message_box, "otaux-message");
  self->message_label = otaux_prompter_make_label("", NULL, 50);
  gtk_box_append(GTK_BOX(self->message_box), self->message_label);
  gtk_box_append(col, self->message_box);

  if (is_download) {
    self->info_grid = gtk_grid_new();
    gtk_grid_set_row_spacing(GTK_GRID(self->info_grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(self->info_grid), 12);
    info_row(GTK_GRID(self->info_grid), 0, _("Name"), &self->info_name);
    info_row(GTK_GRID(self->info_grid), 1, _("Version"), &self->info_version);
    info_row(GTK_GRID(self->info_grid), 2, _("Size"), &self->info_size);
    gtk_box_append(col, self->info_grid);
  }

  if (has_progress) {
    self->progress_bar = gtk_progress_bar_new();
    gtk_progress_bar_set_pulse_step(GTK_PROGRESS_BAR(self->progress_bar), 0.08);
    gtk_widget_set_margin_top(self->progress_bar, 6);
    otaux_prompter_set_accessible_label(self->progress_bar, p->title[0] ? p->title : _("Progress"));
    gtk_box_append(col, self->progress_bar);
    self->progress_label = otaux_prompter_make_label("", "dim-label", 50);
    gtk_box_append(col, self->progress_label);
  }

  if (p->deadline > 0) {
    self->countdown_bar = gtk_progress_bar_new();
    gtk_widget_add_css_class(self->countdown_bar, "otaux-countdown");
    gtk_widget_set_margin_top(self->countdown_bar, 6);
    otaux_prompter_set_accessible_label(self->countdown_bar, p->title);
    self->countdown_from = MIN(g_get_real_time() / G_USEC_PER_SEC, p->deadline - 1);
    gtk_box_append(col, self->countdown_bar);
  }

  build_details(self, col);

  if (p->choices->len > 0 && otaux_prompt_find_choice(p, "delay-reboot") != NULL)
    gtk_box_append(col, otaux_prompter_delay_build(self));

  self->error_label = otaux_prompter_make_label("", "error", 50);
  gtk_widget_set_visible(self->error_label, FALSE);
  gtk_box_append(col, self->error_label);

  otaux_prompter_screens_update(self, o);
  otaux_prompter_window_build_actions(self);
  gtk_window_set_deletable(self->window, p->dismissible);
  gtk_adjustment_set_value(gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(self->scrolled)),
                           0);
}
