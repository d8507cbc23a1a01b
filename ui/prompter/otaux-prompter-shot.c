/* The screenshot output (--screenshot-dir DIR), for tests, the demo and
 * the preview: after a prompt is drawn, DIR/<serial>-<kind><suffix>.png
 * and DIR/<serial>-<kind><suffix>.json with the window's title, size,
 * direction and the buttons' geometry in window coordinates. The JSON is
 * written after the PNG, both atomically, so a reader that sees the JSON
 * finds the picture complete. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "otaux-prompter.h"

static void json_escape(GString *out, const char *s)
{
  g_string_append_c(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(out, "\\%c", *p);
    else if ((guchar)*p < 0x20)
      g_string_append_printf(out, "\\u%04x", (guint)(guchar)*p);
    else
      g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

typedef struct {
  GtkWidget *root;
  double dx, dy;
  GString *buttons, *options, *labels, *bars;
} Walk;

static void add_sep(GString *out)
{
  g_string_append(out, out->len == 0 ? "\n    " : ",\n    ");
}

static void add_geometry(Walk *w, GString *out, const graphene_rect_t *r)
{
  g_string_append_printf(out, ", \"x\": %d, \"y\": %d, \"width\": %d, \"height\": %d}",
                         (int)(r->origin.x + w->dx), (int)(r->origin.y + w->dy), (int)r->size.width,
                         (int)r->size.height);
}

/* Whether a button's label fits on one line: the labels-fit test. */
static void add_label_fit(GString *out, GtkWidget *label)
{
  PangoLayout *layout;
  int text_width = 0;
  if (!GTK_IS_LABEL(label))
    return;
  layout = gtk_label_get_layout(GTK_LABEL(label));
  pango_layout_get_pixel_size(layout, &text_width, NULL);
  g_string_append_printf(out, ", \"lines\": %d, \"ellipsized\": %s, \"text_width\": %d",
                         pango_layout_get_line_count(layout),
                         pango_layout_is_ellipsized(layout) ? "true" : "false", text_width);
}

/* What the tests look for: the choice buttons (with their ids), the delay
 * picker's options, every visible text and the progress bars. */
static void walk(Walk *w, GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child(widget); child != NULL;
       child = gtk_widget_get_next_sibling(child)) {
    const char *id = g_object_get_data(G_OBJECT(child), "otaux-choice");
    const char *option = g_object_get_data(G_OBJECT(child), "otaux-option");
    graphene_rect_t r;
    if (!gtk_widget_is_drawable(child) || !gtk_widget_compute_bounds(child, w->root, &r))
      continue;
    if (GTK_IS_BUTTON(child) && id != NULL) {
      add_sep(w->buttons);
      g_string_append(w->buttons, "{\"id\": ");
      json_escape(w->buttons, id);
      g_string_append(w->buttons, ", \"label\": ");
      json_escape(w->buttons, gtk_button_get_label(GTK_BUTTON(child)) ?: "");
      add_label_fit(w->buttons, gtk_button_get_child(GTK_BUTTON(child)));
      /* which button looks like the answer, and which one Enter presses */
      g_string_append_printf(w->buttons, ", \"suggested\": %s, \"default\": %s",
                             gtk_widget_has_css_class(child, "suggested-action") ? "true" : "false",
                             GTK_IS_WINDOW(w->root) &&
                                     gtk_window_get_default_widget(GTK_WINDOW(w->root)) == child
                                 ? "true"
                                 : "false");
      add_geometry(w, w->buttons, &r);
    } else if (GTK_IS_CHECK_BUTTON(child) && option != NULL) {
      add_sep(w->options);
      g_string_append(w->options, "{\"id\": ");
      json_escape(w->options, option);
      g_string_append(w->options, ", \"label\": ");
      json_escape(w->options, gtk_check_button_get_label(GTK_CHECK_BUTTON(child)) ?: "");
      g_string_append_printf(w->options, ", \"active\": %s",
                             gtk_check_button_get_active(GTK_CHECK_BUTTON(child)) ? "true"
                                                                                  : "false");
      add_geometry(w, w->options, &r);
    } else if (GTK_IS_LABEL(child) && gtk_label_get_text(GTK_LABEL(child))[0] != '\0') {
      add_sep(w->labels);
      g_string_append(w->labels, "{\"text\": ");
      json_escape(w->labels, gtk_label_get_text(GTK_LABEL(child)));
      add_geometry(w, w->labels, &r);
    } else if (GTK_IS_PROGRESS_BAR(child)) {
      GtkProgressBar *bar = GTK_PROGRESS_BAR(child);
      char fraction[G_ASCII_DTOSTR_BUF_SIZE]; /* JSON: a point, whatever the locale */
      g_ascii_formatd(fraction, sizeof fraction, "%.3f", gtk_progress_bar_get_fraction(bar));
      add_sep(w->bars);
      g_string_append_printf(w->bars, "{\"fraction\": %s, \"pulsing\": %s, \"text\": ", fraction,
                             g_object_get_data(G_OBJECT(bar), "otaux-pulsing") ? "true" : "false");
      if (gtk_progress_bar_get_show_text(bar))
        json_escape(w->bars, gtk_progress_bar_get_text(bar) ?: "");
      else
        g_string_append(w->bars, "null");
      add_geometry(w, w->bars, &r);
    }
    walk(w, child);
  }
}

/* The window controls drawn in the title bar (GtkWindowControls' buttons
 * carry these classes): a phone pop-up has a close button at most. */
static void find_controls(GtkWidget *widget, GString *out)
{
  static const char *const kinds[] = { "minimize", "maximize", "close" };

  for (GtkWidget *child = gtk_widget_get_first_child(widget); child != NULL;
       child = gtk_widget_get_next_sibling(child)) {
    if (!gtk_widget_is_drawable(child))
      continue;
    for (gsize i = 0; GTK_IS_BUTTON(child) && i < G_N_ELEMENTS(kinds); i++)
      if (gtk_widget_has_css_class(child, kinds[i])) {
        g_string_append(out, out->len > 1 ? ", " : "");
        json_escape(out, kinds[i]);
      }
    find_controls(child, out);
  }
}

/* The title bar: its title must fit a phone's width in every language. */
static void append_header(GString *out, OtauxPrompter *self)
{
  GtkWidget *bar = gtk_window_get_titlebar(self->window);
  g_autoptr(GString) controls = g_string_new("[");

  g_string_append(out, ",\n  \"header\": {\"title\": ");
  json_escape(out, gtk_label_get_text(GTK_LABEL(self->header_title)));
  add_label_fit(out, self->header_title);
  if (bar != NULL)
    find_controls(bar, controls);
  g_string_append_printf(out, ", \"controls\": %s]}", controls->str);
}

static void append_list(GString *out, const char *name, GString *items)
{
  g_string_append_printf(out, ",\n  \"%s\": [%s\n  ]", name, items->str);
}

static gboolean save_png(GtkWidget *w, int width, int height, const char *png)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new(w);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *tmp = g_strconcat(png, ".tmp", NULL);
  GtkSnapshot *snapshot = gtk_snapshot_new();
  GskRenderNode *node;

  gdk_paintable_snapshot(paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node(snapshot);
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture(gtk_native_get_renderer(GTK_NATIVE(w)), node,
                                        &GRAPHENE_RECT_INIT(0, 0, (float)width, (float)height));
  gsk_render_node_unref(node);
  if (!gdk_texture_save_to_png(texture, tmp) || g_rename(tmp, png) != 0) {
    g_warning("cannot save %s", png);
    return FALSE;
  }
  return TRUE;
}

static void take(OtauxPrompter *self)
{
  GtkWidget *w = GTK_WIDGET(self->window);
  int width = gtk_widget_get_width(w), height = gtk_widget_get_height(w);
  guint serial = 0;
  g_autofree char *base = NULL;
  g_autofree char *png = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  double dx = 0, dy = 0;
  Walk walk_data;
  GtkAdjustment *adj;

  if (self->cur == NULL || width <= 0 || height <= 0)
    return;
  if (self->cur_path != NULL)
    /* the last element: Offers/N, or System/Offers/N of a system offer */
    serial = (guint)g_ascii_strtoull(strrchr(self->cur_path, '/') + 1, NULL, 10);
  base = g_strdup_printf("%s/%u-%s%s", self->shot.dir, serial, self->cur->kind,
                         self->shot.suffix ? self->shot.suffix : "");
  png = g_strconcat(base, ".png", NULL);
  json = g_strconcat(base, ".json", NULL);
  if (!save_png(w, width, height, png))
    return;

  gtk_native_get_surface_transform(GTK_NATIVE(w), &dx, &dy);
  walk_data =
      (Walk){ w, dx, dy, g_string_new(""), g_string_new(""), g_string_new(""), g_string_new("") };
  walk(&walk_data, w);
  adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(self->scrolled));
  out = g_string_new("{\n  \"kind\": ");
  json_escape(out, self->cur->kind);
  g_string_append(out, ",\n  \"title\": ");
  json_escape(out, gtk_window_get_title(self->window) ?: "");
  /* "scrolls": the content is taller than its viewport (part is hidden) */
  g_string_append_printf(
      out,
      ",\n  \"width\": %d, \"height\": %d, \"delay\": %s, \"direction\": \"%s\", "
      "\"scrolls\": %s",
      width, height, self->delay_mode ? "true" : "false",
      gtk_widget_get_direction(w) == GTK_TEXT_DIR_RTL ? "rtl" : "ltr",
      gtk_adjustment_get_upper(adj) > gtk_adjustment_get_page_size(adj) + 0.5 ? "true" : "false");
  append_header(out, self);
  append_list(out, "buttons", walk_data.buttons);
  append_list(out, "options", walk_data.options);
  append_list(out, "labels", walk_data.labels);
  append_list(out, "bars", walk_data.bars);
  g_string_append(out, "\n}\n");
  g_string_free(walk_data.buttons, TRUE);
  g_string_free(walk_data.options, TRUE);
  g_string_free(walk_data.labels, TRUE);
  g_string_free(walk_data.bars, TRUE);
  if (!g_file_set_contents(json, out->str, (gssize)out->len, &error))
    g_warning("%s", error->message);
  g_debug("saved %s", png);
}

static gboolean on_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  /* Wait for two frames so that the layout of the new content is done. */
  if (!gtk_widget_get_mapped(widget) || ++self->shot.frames < 3)
    return G_SOURCE_CONTINUE;
  self->shot.tick_id = 0;
  take(self);
  return G_SOURCE_REMOVE;
}

void otaux_prompter_shot_request(OtauxPrompter *self, const char *suffix)
{
  if (self->shot.dir == NULL)
    return;
  g_free(self->shot.suffix);
  self->shot.suffix = g_strdup(suffix);
  self->shot.frames = 0;
  if (self->shot.tick_id == 0)
    self->shot.tick_id =
        gtk_widget_add_tick_callback(GTK_WIDGET(self->window), on_tick, self, NULL);
  gtk_widget_queue_draw(GTK_WIDGET(self->window));
}

void otaux_prompter_shot_cancel(OtauxPrompter *self)
{
  if (self->shot.tick_id != 0)
    gtk_widget_remove_tick_callback(GTK_WIDGET(self->window), self->shot.tick_id);
  self->shot.tick_id = 0;
}

void otaux_prompter_shot_clear(OtauxPrompter *self)
{
  g_clear_pointer(&self->shot.dir, g_free);
  g_clear_pointer(&self->shot.suffix, g_free);
}
