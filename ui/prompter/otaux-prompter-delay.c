/* The delay-time picker: the prompt's delay options as radio buttons,
 * "Another time" with hour and minute spinners, and a hint line with the
 * chosen or the latest time. The time goes back with the delay-reboot
 * choice as reboot-at; never later than the prompt's delay-max. */
#include "config.h"

#include <glib/gi18n.h>

#include "otaux-prompter.h"

static gint64 now_s(void)
{
  return g_get_real_time() / G_USEC_PER_SEC;
}

static gint64 custom_time(OtauxPrompterDelay *d)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autoptr(GDateTime) at = NULL;
  int h = gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(d->hour));
  int m = gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(d->minute));

  at = g_date_time_new_local(g_date_time_get_year(now), g_date_time_get_month(now),
                             g_date_time_get_day_of_month(now), h, m, 0);
  if (at == NULL)
    return 0;
  if (g_date_time_compare(at, now) <= 0) {
    GDateTime *next = g_date_time_add_days(at, 1);
    g_date_time_unref(at);
    at = next;
  }
  return g_date_time_to_unix(at);
}

/* A picker line about the restart at @t: the sentence @id with {when}
 * worded by the day ("at 22:00", "tomorrow at 07:00", "on Tuesday 17 March
 * at 22:00"), so each language puts the day and time into its own grammar.
 * An update that needs no restart says "Install" (the id's .no-reboot). */
static char *format_line(OtauxPrompter *self, const char *id, gint64 t)
{
  g_autofree char *when = otaux_strings_format_when(self->strings, t, now_s());
  g_autofree char *by = otaux_strings_format_by(self->strings, t, now_s());
  g_autofree char *variant = g_strconcat(id, ".no-reboot", NULL);
  const char *kv[] = { "when", when, "by", by, NULL };

  if (!self->cur->needs_reboot && otaux_strings_has(self->strings, variant))
    id = variant;
  return otaux_strings_format(self->strings, id, kv);
}

gint64 otaux_prompter_delay_selected(OtauxPrompter *self)
{
  OtauxPrompterDelay *d = &self->delay;
  if (!d->ready)
    return 0;
  if (gtk_check_button_get_active(GTK_CHECK_BUTTON(d->custom_check)))
    return custom_time(d);
  for (guint i = 0; i < d->checks->len; i++) {
    GtkCheckButton *check = g_ptr_array_index(d->checks, i);
    if (check != NULL && gtk_check_button_get_active(check))
      return g_array_index(self->cur->delay_options, OtauxPromptDelayOption, i).time;
  }
  return 0;
}

void otaux_prompter_delay_update(OtauxPrompter *self)
{
  OtauxPrompterDelay *d = &self->delay;
  gint64 t;
  gboolean custom, ok;
  g_autofree char *hint = NULL;
  g_autofree char *latest = NULL;

  if (!d->ready)
    return;
  custom = gtk_check_button_get_active(GTK_CHECK_BUTTON(d->custom_check));
  /* the spinners only once "Another time" is chosen */
  gtk_widget_set_visible(d->time_row, custom);
  t = otaux_prompter_delay_selected(self);
  ok = t > now_s() && (self->cur->delay_max <= 0 || t <= self->cur->delay_max);
  if (self->cur->delay_max > 0)
    latest = format_line(self, "popup.delay.latest", self->cur->delay_max);
  /* past the latest, the line above names the limit; a time that is fine
   * is said once, on the confirm button */
  if (custom && t > 0 && !ok)
    hint = format_line(self, "popup.delay.too-late", t);
  otaux_prompter_set_label(d->latest, NULL, latest);
  otaux_prompter_set_label(d->hint, NULL, hint);
  if (ok)
    gtk_widget_remove_css_class(d->hint, "error");
  else
    gtk_widget_add_css_class(d->hint, "error");
  if (d->confirm != NULL) {
    /* the button names its outcome: "Restart at 20:45", "Install at 20:45" */
    const OtauxPromptChoice *dc = otaux_prompt_find_choice(self->cur, "delay-reboot");
    g_autofree char *outcome = ok ? format_line(self, "popup.delay.restart", t)
                                  : g_strdup(dc != NULL ? dc->label : _("Delay"));

    if (g_strcmp0(gtk_button_get_label(GTK_BUTTON(d->confirm)), outcome) != 0) {
      gtk_button_set_label(GTK_BUTTON(d->confirm), outcome);
      otaux_prompter_set_accessible_label(d->confirm, outcome);
    }
    gtk_widget_set_sensitive(d->confirm, ok);
  }
}

static void on_toggled(GtkCheckButton *check, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  otaux_prompter_delay_update(self);
  if (gtk_check_button_get_active(check) && self->delay_mode)
    otaux_prompter_shot_request(
        self, check == GTK_CHECK_BUTTON(self->delay.custom_check) ? "-delay-custom" : "-delay");
}

static void on_spin_changed(GtkSpinButton *spin, gpointer user_data)
{
  otaux_prompter_delay_update(user_data);
}

static int on_output_pad(GtkSpinButton *spin, gpointer user_data)
{
  g_autofree char *text = g_strdup_printf("%02d", gtk_spin_button_get_value_as_int(spin));
  if (g_strcmp0(text, gtk_editable_get_text(GTK_EDITABLE(spin))) != 0)
    gtk_editable_set_text(GTK_EDITABLE(spin), text);
  return TRUE;
}

static GtkWidget *make_spin(OtauxPrompter *self, int max, int step, const char *name)
{
  GtkWidget *spin = gtk_spin_button_new_with_range(0, max, step);
  gtk_spin_button_set_wrap(GTK_SPIN_BUTTON(spin), TRUE);
  gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(spin), TRUE);
  g_signal_connect(spin, "output", G_CALLBACK(on_output_pad), NULL);
  g_signal_connect(spin, "value-changed", G_CALLBACK(on_spin_changed), self);
  otaux_prompter_set_accessible_label(spin, name);
  return spin;
}

/* The spinners: hour, colon, minute; a time reads hours:minutes left to
 * right in every language. */
static GtkWidget *build_time_row(OtauxPrompter *self, gint64 init)
{
  OtauxPrompterDelay *d = &self->delay;
  g_autoptr(GDateTime) init_dt = g_date_time_new_from_unix_local(init);
  GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *hh_mm = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *colon = gtk_label_new(":");

  gtk_widget_set_margin_start(row, 28);
  /* TRANSLATORS: screen-reader names of the hour and minute of the picked restart time. */
  d->hour = make_spin(self, 23, 1, _("Hour"));
  d->minute = make_spin(self, 59, 5, _("Minute"));
  if (init_dt != NULL) {
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(d->hour), g_date_time_get_hour(init_dt));
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(d->minute), g_date_time_get_minute(init_dt) / 5 * 5);
  }
  gtk_widget_add_css_class(colon, "otaux-time-colon");
  gtk_widget_set_direction(hh_mm, GTK_TEXT_DIR_LTR);
  gtk_box_append(GTK_BOX(hh_mm), d->hour);
  gtk_box_append(GTK_BOX(hh_mm), colon);
  gtk_box_append(GTK_BOX(hh_mm), d->minute);
  gtk_box_append(GTK_BOX(row), hh_mm);
  return row;
}

GtkWidget *otaux_prompter_delay_build(OtauxPrompter *self)
{
  OtauxPrompterDelay *d = &self->delay;
  const OtauxPrompt *p = self->cur;
  GtkWidget *heading, *group = NULL;
  gint64 init = p->delay_options->len > 0
                    ? g_array_index(p->delay_options, OtauxPromptDelayOption, 0).time
                    : now_s() + 3600;

  d->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class(d->box, "otaux-delay");
  /* TRANSLATORS: heading of the list of restart times ("In 1 hour", "This evening at 22:00"...). */
  heading = gtk_label_new(_("Pick a time"));
  gtk_label_set_xalign(GTK_LABEL(heading), 0.0f);
  gtk_widget_add_css_class(heading, "heading");
  gtk_box_append(GTK_BOX(d->box), heading);
  d->latest = otaux_prompter_make_label("", "dim-label", 50);
  gtk_box_append(GTK_BOX(d->box), d->latest);

  /* one check per option, NULL for one past delay-max (never offer what
   * the agent would refuse), so the array stays parallel to the options */
  d->checks = g_ptr_array_new();
  for (guint i = 0; i < p->delay_options->len; i++) {
    const OtauxPromptDelayOption *o = &g_array_index(p->delay_options, OtauxPromptDelayOption, i);
    GtkWidget *check;
    if (p->delay_max > 0 && o->time > p->delay_max) {
      g_ptr_array_add(d->checks, NULL);
      continue;
    }
    check = gtk_check_button_new_with_label(o->label);
    gtk_widget_set_size_request(check, -1, OTAUX_PROMPTER_ROW_MIN);
    if (group != NULL)
      gtk_check_button_set_group(GTK_CHECK_BUTTON(check), GTK_CHECK_BUTTON(group));
    else
      group = check;
    otaux_prompter_set_accessible_label(check, o->label);
    g_object_set_data_full(G_OBJECT(check), "otaux-option", g_strdup_printf("option-%u", i),
                           g_free);
    g_signal_connect(check, "toggled", G_CALLBACK(on_toggled), self);
    gtk_box_append(GTK_BOX(d->box), check);
    g_ptr_array_add(d->checks, check);
  }

  /* TRANSLATORS: the last choice of that list: shows hour and minute to pick a restart time
     yourself (not: set the clock). */
  d->custom_check = gtk_check_button_new_with_label(_("Another time"));
  gtk_widget_set_size_request(d->custom_check, -1, OTAUX_PROMPTER_ROW_MIN);
  otaux_prompter_set_accessible_label(d->custom_check, _("Another time"));
  g_object_set_data(G_OBJECT(d->custom_check), "otaux-option", (gpointer) "custom");
  if (group != NULL)
    gtk_check_button_set_group(GTK_CHECK_BUTTON(d->custom_check), GTK_CHECK_BUTTON(group));
  g_signal_connect(d->custom_check, "toggled", G_CALLBACK(on_toggled), self);
  gtk_box_append(GTK_BOX(d->box), d->custom_check);

  d->time_row = build_time_row(self, init);
  gtk_box_append(GTK_BOX(d->box), d->time_row);

  d->hint = otaux_prompter_make_label("", NULL, 50);
  gtk_box_append(GTK_BOX(d->box), d->hint);

  d->ready = TRUE;
  gtk_check_button_set_active(GTK_CHECK_BUTTON(group != NULL ? group : d->custom_check), TRUE);
  gtk_widget_set_visible(d->box, FALSE);
  return d->box;
}

/* The widgets go with the column; only our handlers and pointers here. */
void otaux_prompter_delay_clear(OtauxPrompter *self)
{
  OtauxPrompterDelay *d = &self->delay;
  d->ready = FALSE;
  for (guint i = 0; d->checks != NULL && i < d->checks->len; i++)
    if (g_ptr_array_index(d->checks, i) != NULL)
      g_signal_handlers_disconnect_by_func(g_ptr_array_index(d->checks, i), on_toggled, self);
  if (d->custom_check != NULL)
    g_signal_handlers_disconnect_by_func(d->custom_check, on_toggled, self);
  if (d->hour != NULL)
    g_signal_handlers_disconnect_by_func(d->hour, on_spin_changed, self);
  if (d->minute != NULL)
    g_signal_handlers_disconnect_by_func(d->minute, on_spin_changed, self);
  g_clear_pointer(&d->checks, g_ptr_array_unref);
  d->box = d->custom_check = d->time_row = d->hour = d->minute = NULL;
  d->latest = d->hint = d->confirm = NULL;
}
