/* The screens: one column of title, operator message, body, warning,
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

static gboolean countdown_cb(gpointer user_data)
{
  OtauxPrompter *self = user_data;
  gint64 left;
  g_autofree char *text = NULL;
  if (self->cur == NULL || self->countdown_label == NULL || self->cur->deadline <= 0) {
    self->countdown_id = 0;
    return G_SOURCE_REMOVE;
  }
  left = MAX(self->cur->deadline - g_get_real_time() / G_USEC_PER_SEC, 0);
  if (left >= 3600)
    text = g_strdup_printf(_("Time left: %d:%02d:%02d"), (int)(left / 3600), (int)(left / 60 % 60),
                           (int)(left % 60));
  else
    text = g_strdup_printf(_("Time left: %d:%02d"), (int)(left / 60), (int)(left % 60));
  gtk_label_set_text(GTK_LABEL(self->countdown_label), text);
  return G_SOURCE_CONTINUE;
}

static void update_progress(OtauxPrompter *self)
{
  GtkProgressBar *bar = GTK_PROGRESS_BAR(self->progress_bar);
  int percent;
  gboolean rtl;
  g_autofree char *text = NULL;

  if (bar == NULL)
    return;
  if (self->cur->progress < 0) {
    if (self->pulse_id == 0)
      self->pulse_id = g_timeout_add(120, pulse_cb, self);
    gtk_progress_bar_set_show_text(bar, FALSE);
    return;
  }
  /* "45 %" would show as "% 45" in a right-to-left layout: no space there */
  percent = CLAMP(self->cur->progress, 0, 100);
  rtl = gtk_widget_get_direction(self->progress_bar) == GTK_TEXT_DIR_RTL;
  text = g_strdup_printf(rtl ? "%d%%" : "%d %%", percent);
  g_clear_handle_id(&self->pulse_id, g_source_remove);
  gtk_progress_bar_set_fraction(bar, percent / 100.0);
  gtk_progress_bar_set_text(bar, text);
  gtk_progress_bar_set_show_text(bar, TRUE);
}

static void update_info(OtauxPrompter *self, const OtauxPrompterOffer *o)
{
  g_autofree char *size = o->size > 0 ? g_format_size(o->size) : g_strdup("");
  if (self->info_grid == NULL)
    return;
  otaux_prompter_set_label(self->info_name, NULL, o->name);
  otaux_prompter_set_label(self->info_version, NULL, o->version);
  otaux_prompter_set_label(self->info_size, NULL, size);
  /* hide a row's caption together with its value */
  for (GtkWidget *c = gtk_widget_get_first_child(self->info_grid); c != NULL;
       c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *value = g_object_get_data(G_OBJECT(c), "otaux-value");
    if (value != NULL)
      gtk_widget_set_visible(c, gtk_widget_get_visible(value));
  }
  gtk_widget_set_visible(self->info_grid, o->name[0] || o->version[0] || o->size > 0);
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
  update_progress(self);
  if (self->countdown_label != NULL) {
    gtk_widget_set_visible(self->countdown_label, p->deadline > 0);
    if (p->deadline > 0) {
      countdown_cb(self);
      if (self->countdown_id == 0)
        self->countdown_id = g_timeout_add_seconds(1, countdown_cb, self);
    }
  }
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
  self->progress_bar = self->progress_label = self->countdown_label = self->error_label = NULL;
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

  /* The operator's install message, prominent */
  self->message_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class(self->message_box, "otaux-message");
  self->message_label = otaux_prompter_make_label("", NULL, 50);
  gtk_box_append(GTK_BOX(self->message_box), self->message_label);
  gtk_box_append(col, self->message_box);

  self->body_label = otaux_prompter_make_label("", NULL, 50);
  gtk_box_append(col, self->body_label);

  build_warning(self, col);

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
  }

  self->countdown_label = otaux_prompter_make_label("", "otaux-countdown", 50);
  gtk_box_append(col, self->countdown_label);

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
