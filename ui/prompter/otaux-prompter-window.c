/* The window: header bar, the scrolled column of the screen, the buttons
 * below it (stacked when narrow, in a row when wide), which prompt is on
 * screen, Escape and the window's close button. Escape hides the window
 * without answering (never when the prompt is not dismissible); Enter
 * activates the one suggested choice. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "otaux-prompter.h"

/* Above this window width the choices sit in a row, below they stack. */
#define WIDE_WIDTH 520
/* The content column never grows wider than this (desktop windows). */
#define COLUMN_MAX_WIDTH 560

void otaux_prompter_window_set_error(OtauxPrompter *self, const char *text)
{
  if (self->error_label == NULL)
    return;
  gtk_label_set_text(GTK_LABEL(self->error_label), text ? text : "");
  gtk_widget_set_visible(self->error_label, text != NULL && *text);
}

void otaux_prompter_window_set_sensitive(OtauxPrompter *self, gboolean sensitive)
{
  if (self->actions != NULL)
    gtk_widget_set_sensitive(self->actions, sensitive);
  if (self->delay.box != NULL)
    gtk_widget_set_sensitive(self->delay.box, sensitive);
}

/* ------------------------------------------------------------------ */
/* Buttons                                                             */

/* Runs the choice from an idle: the handler may replace the buttons, which
 * must not happen while the clicked button is still handling its click. */
typedef struct {
  OtauxPrompter *self;
  char *id;
} ChoiceRun;

static gboolean run_choice(gpointer user_data)
{
  ChoiceRun *run = user_data;
  OtauxPrompter *self = run->self;
  g_autofree char *id = run->id;

  g_free(run);
  if (self->cur == NULL)
    return G_SOURCE_REMOVE;
  if (strcmp(id, "close") == 0 || strcmp(id, "hide") == 0) {
    otaux_prompter_client_hide_current(self);
  } else if (strcmp(id, "delay-back") == 0) {
    otaux_prompter_window_set_delay_mode(self, FALSE);
  } else if (strcmp(id, "delay-confirm") == 0) {
    gint64 t = otaux_prompter_delay_selected(self);
    if (t > 0)
      otaux_prompter_client_answer(self, "delay-reboot", t);
  } else if (strcmp(id, "delay-reboot") == 0 && self->delay.box != NULL) {
    otaux_prompter_window_set_delay_mode(self, TRUE);
  } else if (otaux_prompt_find_choice(self->cur, id) != NULL) {
    otaux_prompter_client_answer(self, id, 0);
  }
  return G_SOURCE_REMOVE;
}

static void on_choice_clicked(GtkButton *button, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  const char *id = g_object_get_data(G_OBJECT(button), "otaux-choice");
  ChoiceRun *run;
  if (id == NULL || self->cur == NULL || self->answering)
    return;
  run = g_new0(ChoiceRun, 1);
  run->self = self;
  run->id = g_strdup(id);
  g_idle_add(run_choice, run);
}

GtkWidget *otaux_prompter_window_make_button(OtauxPrompter *self, const char *label, const char *id,
                                             gboolean suggested)
{
  GtkWidget *b = gtk_button_new_with_label(label);
  GtkWidget *child = gtk_button_get_child(GTK_BUTTON(b));
  if (GTK_IS_LABEL(child)) {
    gtk_label_set_wrap(GTK_LABEL(child), TRUE);
    gtk_label_set_justify(GTK_LABEL(child), GTK_JUSTIFY_CENTER);
  }
  otaux_prompter_set_accessible_label(b, label);
  g_object_set_data_full(G_OBJECT(b), "otaux-choice", g_strdup(id), g_free);
  g_signal_connect(b, "clicked", G_CALLBACK(on_choice_clicked), self);
  if (suggested)
    gtk_widget_add_css_class(b, "suggested-action");
  gtk_widget_set_hexpand(b, TRUE);
  return b;
}

static void apply_action_orientation(OtauxPrompter *self)
{
  GtkWidget *c;
  GtkWidget *prev = NULL;
  g_autoptr(GPtrArray) children = g_ptr_array_new();

  if (self->actions == NULL)
    return;
  gtk_orientable_set_orientation(GTK_ORIENTABLE(self->actions), self->wide
                                                                    ? GTK_ORIENTATION_HORIZONTAL
                                                                    : GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_halign(self->actions, self->wide ? GTK_ALIGN_END : GTK_ALIGN_FILL);
  gtk_box_set_homogeneous(GTK_BOX(self->actions), self->wide);
  /* In a row the labels keep one line (a wrapped label asks for its
   * narrowest width, and the row would break "Delay reboot" in two);
   * stacked, a long label may wrap. */
  for (c = gtk_widget_get_first_child(self->actions); c; c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *label = GTK_IS_BUTTON(c) ? gtk_button_get_child(GTK_BUTTON(c)) : NULL;
    if (GTK_IS_LABEL(label))
      gtk_label_set_wrap(GTK_LABEL(label), !self->wide);
    g_ptr_array_add(children, c);
  }
  /* Narrow: first choice on top. Wide: first choice on the right (HIG).
   * Ordered by the "otaux-order" index, reversed when wide. */
  for (guint k = 0; k < children->len; k++) {
    guint want = self->wide ? children->len - 1 - k : k;
    for (guint i = 0; i < children->len; i++) {
      GtkWidget *w = g_ptr_array_index(children, i);
      if (GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(w), "otaux-order")) == want) {
        gtk_box_reorder_child_after(GTK_BOX(self->actions), w, prev);
        prev = w;
        break;
      }
    }
  }
}

static void add_action(OtauxPrompter *self, GtkWidget *button, guint *order)
{
  g_object_set_data(G_OBJECT(button), "otaux-order", GUINT_TO_POINTER((*order)++));
  gtk_box_append(GTK_BOX(self->actions), button);
}

static gboolean watch_only(const OtauxPrompt *p)
{
  return strcmp(p->kind, "progress") == 0 || strcmp(p->kind, "installing") == 0 ||
         strcmp(p->kind, "pending") == 0;
}

void otaux_prompter_window_build_actions(OtauxPrompter *self)
{
  const OtauxPrompt *p = self->cur;
  GtkWidget *def = NULL;
  guint order = 0;
  GtkWidget *c;

  /* GTK 4.8 trips over removing the default or focus widget: unset first */
  gtk_window_set_default_widget(self->window, NULL);
  gtk_window_set_focus(self->window, NULL);
  while ((c = gtk_widget_get_first_child(self->actions)) != NULL)
    gtk_box_remove(GTK_BOX(self->actions), c);
  self->delay.confirm = NULL;

  if (self->delay_mode) {
    const OtauxPromptChoice *dc = otaux_prompt_find_choice(p, "delay-reboot");
    self->delay.confirm =
        otaux_prompter_window_make_button(self, dc ? dc->label : _("Delay"), "delay-confirm", TRUE);
    add_action(self, self->delay.confirm, &order);
    add_action(self, otaux_prompter_window_make_button(self, _("Back"), "delay-back", FALSE),
               &order);
    def = self->delay.confirm;
    otaux_prompter_delay_update(self);
  } else if (strcmp(p->kind, "result") == 0) {
    def = otaux_prompter_window_make_button(self, _("Close"), "close", TRUE);
    add_action(self, def, &order);
  } else {
    /* Something the person only watches (a download, the install), or a
     * forced countdown (issue 18): "Hide" first, the default; what goes on
     * does not stop, and the agent still answers at the deadline. */
    gboolean hide_first = (p->dismissible && watch_only(p)) || strcmp(p->kind, "forced") == 0;

    if (hide_first) {
      g_autofree char *hide = otaux_strings_format(self->strings, "popup.hide", NULL);
      def = otaux_prompter_window_make_button(self, hide, "hide", FALSE);
      add_action(self, def, &order);
    }
    for (guint i = 0; i < p->choices->len; i++) {
      const OtauxPromptChoice *ch = g_ptr_array_index(p->choices, i);
      /* With no suggestion, what the deadline will do is the default,
       * unless "Hide" is (a forced restart is never one key away). */
      gboolean sugg = p->suggested[0] != '\0' ? strcmp(ch->id, p->suggested) == 0
                      : hide_first            ? FALSE
                                              : strcmp(ch->id, p->deadline_choice) == 0;
      GtkWidget *b = otaux_prompter_window_make_button(self, ch->label, ch->id, sugg);
      if (sugg)
        def = b;
      add_action(self, b, &order);
    }
    if (order == 0 && p->dismissible) {
      def = otaux_prompter_window_make_button(self, _("Close"), "close", FALSE);
      add_action(self, def, &order);
    }
  }
  gtk_widget_set_visible(self->actions, order > 0);
  apply_action_orientation(self);
  gtk_window_set_default_widget(self->window, def);
  if (def != NULL)
    gtk_widget_grab_focus(def);
}

void otaux_prompter_window_set_delay_mode(OtauxPrompter *self, gboolean on)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(self->scrolled));

  self->delay_mode = on && self->delay.box != NULL;
  if (self->delay.box != NULL)
    gtk_widget_set_visible(self->delay.box, self->delay_mode);
  otaux_prompter_screens_set_compact(self, self->delay_mode);
  otaux_prompter_window_build_actions(self);
  gtk_adjustment_set_value(adj, 0);
  otaux_prompter_shot_request(self, self->delay_mode ? "-delay" : NULL);
}

/* ------------------------------------------------------------------ */
/* Which prompt is on screen                                           */

static gboolean idle_exit(gpointer user_data)
{
  OtauxPrompter *self = user_data;
  self->idle_id = 0;
  g_debug("idle: nothing to show, exiting");
  g_main_loop_quit(self->loop);
  return G_SOURCE_REMOVE;
}

void otaux_prompter_window_arm_idle(OtauxPrompter *self, guint seconds)
{
  g_clear_handle_id(&self->idle_id, g_source_remove);
  self->idle_id = g_timeout_add_seconds(seconds, idle_exit, self);
}

/* ------------------------------------------------------------------ */
/* Shown: after a painted frame                                        */

static void shown_cancel(OtauxPrompter *self)
{
  if (self->paint_id != 0)
    g_signal_handler_disconnect(self->paint_clock, self->paint_id);
  self->paint_id = 0;
  g_clear_object(&self->paint_clock);
}

/* A mapped window is not yet a drawn one (a cold font cache makes the first
 * frame late), and whoever pictures the screen on Shown must see the
 * question. So Shown waits for the frame clock's first paint of this
 * question, then for the display server to have handled the drawing. */
static void on_after_paint(GdkFrameClock *clock, gpointer user_data)
{
  OtauxPrompter *self = user_data;

  shown_cancel(self);
  if (self->cur_path == NULL || !gtk_widget_get_mapped(GTK_WIDGET(self->window)))
    return;
  gdk_display_sync(gtk_widget_get_display(GTK_WIDGET(self->window)));
  otaux_prompter_client_set_on_screen(self, self->cur_path);
}

static void shown_after_paint(OtauxPrompter *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(self->window));

  if (g_strcmp0(self->on_screen, self->cur_path) == 0 || clock == NULL)
    return;
  if (self->paint_id == 0) {
    self->paint_clock = g_object_ref(clock);
    self->paint_id = g_signal_connect(clock, "after-paint", G_CALLBACK(on_after_paint), self);
  }
  gtk_widget_queue_draw(GTK_WIDGET(self->window));
}

/* FUMO's successful results (200, 250-299), as docs/dbus-api.md lists them. */
static gboolean shows_success(const OtauxPrompt *p)
{
  return p != NULL && strcmp(p->kind, "result") == 0 &&
         (p->result == 200 || (p->result >= 250 && p->result <= 299));
}

static gboolean on_success_close(gpointer user_data)
{
  OtauxPrompter *self = user_data;

  self->success_close_id = 0;
  if (shows_success(self->cur))
    otaux_prompter_client_hide_current(self);
  return G_SOURCE_REMOVE;
}

static void show_nothing(OtauxPrompter *self)
{
  g_clear_handle_id(&self->success_close_id, g_source_remove);
  if (self->cur != NULL) {
    g_debug("hiding %s", self->cur_path);
    otaux_prompter_screens_clear(self);
    g_clear_pointer(&self->cur, otaux_prompt_free);
    g_clear_pointer(&self->cur_path, g_free);
    otaux_prompter_shot_cancel(self);
  }
  gtk_widget_set_visible(GTK_WIDGET(self->window), FALSE);
  shown_cancel(self);
  otaux_prompter_client_set_on_screen(self, NULL);
  if (self->idle_id == 0)
    otaux_prompter_window_arm_idle(self, self->idle_timeout_s);
}

static void show_offer(OtauxPrompter *self, OtauxPrompterOffer *o)
{
  gboolean same = self->cur != NULL && g_strcmp0(self->cur_path, o->path) == 0 &&
                  strcmp(self->cur->kind, o->prompt->kind) == 0 &&
                  otaux_prompt_same_choices(self->cur, o->prompt);
  g_clear_handle_id(&self->idle_id, g_source_remove);

  if (same) {
    /* update in place: keep focus, the expander and the delay picker */
    gboolean answering = self->answering;
    OtauxPrompt *old = self->cur;
    self->cur = otaux_prompt_copy(o->prompt);
    otaux_prompter_screens_update(self, o);
    otaux_prompt_free(old);
    self->answering = answering;
    otaux_prompter_shot_request(self, self->delay_mode ? "-delay" : NULL);
  } else {
    g_debug("showing %s (%s)", o->path, o->prompt->kind);
    g_clear_handle_id(&self->success_close_id, g_source_remove);
    g_clear_pointer(&self->cur, otaux_prompt_free);
    g_free(self->cur_path);
    self->cur_path = g_strdup(o->path);
    self->cur = otaux_prompt_copy(o->prompt);
    otaux_prompter_screens_build(self, o);
    otaux_prompter_shot_request(self, NULL);
  }
  if (shows_success(self->cur) && self->success_close_id == 0)
    self->success_close_id =
        g_timeout_add_seconds(OTAUX_PROMPTER_SUCCESS_CLOSE_S, on_success_close, self);
  if (!gtk_widget_get_visible(GTK_WIDGET(self->window)))
    gtk_window_present(self->window);
  /* Shown once a frame of it is painted (on_map arms it when it is not mapped yet) */
  if (gtk_widget_get_mapped(GTK_WIDGET(self->window)))
    shown_after_paint(self);
}

void otaux_prompter_window_refresh(OtauxPrompter *self)
{
  OtauxPrompterOffer *o;
  if (self->pending_loads > 0)
    return; /* let the initial load finish so the queue order is right */
  o = otaux_prompter_client_pick(self);
  if (o == NULL)
    show_nothing(self);
  else
    show_offer(self, o);
}

/* ------------------------------------------------------------------ */
/* The window                                                          */

static gboolean on_escape(GtkWidget *widget, GVariant *args, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  if (self->cur == NULL)
    return TRUE;
  if (self->delay_mode)
    otaux_prompter_window_set_delay_mode(self, FALSE);
  else if (self->cur->dismissible) /* not dismissible: Escape does nothing */
    otaux_prompter_client_hide_current(self);
  return TRUE;
}

static gboolean on_close_request(GtkWindow *window, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  if (self->cur != NULL && self->cur->dismissible)
    otaux_prompter_client_hide_current(self);
  return TRUE; /* never destroyed by the window manager */
}

static void on_map(GtkWidget *widget, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  if (self->cur_path != NULL)
    shown_after_paint(self);
}

static void update_wide(OtauxPrompter *self)
{
  int width = 0, height = 0;
  gboolean wide;
  int margin;

  gtk_window_get_default_size(self->window, &width, &height);
  if (gtk_widget_get_width(GTK_WIDGET(self->window)) > 0)
    width = gtk_widget_get_width(GTK_WIDGET(self->window));
  wide = width >= WIDE_WIDTH;
  margin = MAX(wide ? 24 : 18, (width - COLUMN_MAX_WIDTH) / 2);
  gtk_widget_set_margin_start(self->column, margin);
  gtk_widget_set_margin_end(self->column, margin);
  gtk_widget_set_margin_start(self->actions, margin);
  gtk_widget_set_margin_end(self->actions, margin);
  if (wide != self->wide) {
    self->wide = wide;
    apply_action_orientation(self);
  }
}

static void on_size_changed(GObject *obj, GParamSpec *pspec, gpointer user_data)
{
  update_wide(user_data);
}

static const char css[] =
    ".otaux-title { font-size: 1.35em; font-weight: bold; }\n"
    ".otaux-message { padding: 12px; border-radius: 8px;"
    "  background-color: alpha(@theme_selected_bg_color, 0.14); font-weight: bold; font-size: "
    "1.1em; }\n"
    ".otaux-warning { padding: 12px; border-radius: 8px;"
    "  background-color: alpha(@warning_color, 0.18); color: @theme_fg_color; }\n"
    ".otaux-warning image { color: @warning_color; }\n"
    ".otaux-time-colon { font-size: 1.5em; font-weight: bold; }\n"
    ".otaux-actions button { min-height: 36px; padding-left: 18px; padding-right: 18px; }\n"
    "label.error { color: @error_color; }\n";

static void add_css(void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new();
  gtk_css_provider_load_from_data(provider, css, -1);
  gtk_style_context_add_provider_for_display(gdk_display_get_default(),
                                             GTK_STYLE_PROVIDER(provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void add_escape(OtauxPrompter *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new();
  gtk_shortcut_controller_add_shortcut(
      GTK_SHORTCUT_CONTROLLER(shortcuts),
      gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_Escape, 0),
                       gtk_callback_action_new(on_escape, self, NULL)));
  gtk_widget_add_controller(GTK_WIDGET(self->window), shortcuts);
}

void otaux_prompter_window_build(OtauxPrompter *self)
{
  GtkWidget *root, *header;

  add_css();
  self->window = GTK_WINDOW(gtk_window_new());
  g_object_ref_sink(self->window);
  gtk_window_set_title(self->window, _("Firmware update"));
  gtk_window_set_icon_name(self->window, "otaux-update");
  gtk_window_set_default_size(self->window, self->geom_w, self->geom_h);
  gtk_window_set_resizable(self->window, TRUE);
  gtk_widget_add_css_class(GTK_WIDGET(self->window), "otaux-prompter");

  header = gtk_header_bar_new();
  /* A question to answer, not a document: no minimize or maximize, and the
   * title gets their room on a phone's 360 px. */
  gtk_header_bar_set_decoration_layout(GTK_HEADER_BAR(header), ":close");
  self->header_title = gtk_label_new(_("Firmware update"));
  gtk_label_set_ellipsize(GTK_LABEL(self->header_title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class(self->header_title, "title");
  gtk_header_bar_set_title_widget(GTK_HEADER_BAR(header), self->header_title);
  gtk_window_set_titlebar(self->window, header);

  root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  self->scrolled = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(self->scrolled), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand(self->scrolled, TRUE);
  /* A real scroll bar when the screen is too small: a sign that it scrolls */
  gtk_scrolled_window_set_overlay_scrolling(GTK_SCROLLED_WINDOW(self->scrolled), FALSE);
  self->column = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top(self->column, 24);
  gtk_widget_set_margin_bottom(self->column, 18);
  gtk_widget_set_valign(self->column, GTK_ALIGN_START);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(self->scrolled), self->column);
  gtk_box_append(GTK_BOX(root), self->scrolled);

  self->actions = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class(self->actions, "otaux-actions");
  gtk_widget_set_margin_top(self->actions, 12);
  gtk_widget_set_margin_bottom(self->actions, 18);
  gtk_box_append(GTK_BOX(root), self->actions);
  gtk_window_set_child(self->window, root);

  add_escape(self);
  g_signal_connect(self->window, "close-request", G_CALLBACK(on_close_request), self);
  g_signal_connect(self->window, "notify::default-width", G_CALLBACK(on_size_changed), self);
  g_signal_connect(self->window, "map", G_CALLBACK(on_map), self);
  self->wide = FALSE;
  update_wide(self);
  apply_action_orientation(self);
}

void otaux_prompter_window_destroy(OtauxPrompter *self)
{
  otaux_prompter_screens_clear(self);
  otaux_prompter_shot_cancel(self);
  shown_cancel(self);
  g_clear_handle_id(&self->success_close_id, g_source_remove);
  g_clear_pointer(&self->cur, otaux_prompt_free);
  g_clear_pointer(&self->cur_path, g_free);
  if (self->window != NULL) {
    gtk_window_destroy(self->window);
    g_clear_object(&self->window);
  }
}
