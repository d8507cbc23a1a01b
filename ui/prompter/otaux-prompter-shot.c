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

static void add_buttons(GString *out, GtkWidget *root, GtkWidget *widget, gboolean *first,
                        double dx, double dy)
{
  for (GtkWidget *child = gtk_widget_get_first_child(widget); child != NULL;
       child = gtk_widget_get_next_sibling(child)) {
    const char *id = g_object_get_data(G_OBJECT(child), "otaux-choice");
    graphene_rect_t r;
    if (GTK_IS_BUTTON(child) && id != NULL && gtk_widget_is_drawable(child) &&
        gtk_widget_compute_bounds(child, root, &r)) {
      g_string_append(out, *first ? "\n    {" : ",\n    {");
      *first = FALSE;
      g_string_append(out, "\"id\": ");
      json_escape(out, id);
      g_string_append(out, ", \"label\": ");
      json_escape(out, gtk_button_get_label(GTK_BUTTON(child)) ?: "");
      g_string_append_printf(out, ", \"x\": %d, \"y\": %d, \"width\": %d, \"height\": %d}",
                             (int)(r.origin.x + dx), (int)(r.origin.y + dy), (int)r.size.width,
                             (int)r.size.height);
    }
    add_buttons(out, root, child, first, dx, dy);
  }
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
  gboolean first = TRUE;

  if (self->cur == NULL || width <= 0 || height <= 0)
    return;
  if (self->cur_path != NULL)
    serial =
        (guint)g_ascii_strtoull(self->cur_path + strlen(OTAUX_PROMPTER_OFFER_PREFIX), NULL, 10);
  base = g_strdup_printf("%s/%u-%s%s", self->shot.dir, serial, self->cur->kind,
                         self->shot.suffix ? self->shot.suffix : "");
  png = g_strconcat(base, ".png", NULL);
  json = g_strconcat(base, ".json", NULL);
  if (!save_png(w, width, height, png))
    return;

  gtk_native_get_surface_transform(GTK_NATIVE(w), &dx, &dy);
  out = g_string_new("{\n  \"kind\": ");
  json_escape(out, self->cur->kind);
  g_string_append(out, ",\n  \"title\": ");
  json_escape(out, gtk_window_get_title(self->window) ?: "");
  g_string_append_printf(out,
                         ",\n  \"width\": %d, \"height\": %d, \"delay\": %s, \"direction\": \"%s\","
                         "\n  \"buttons\": [",
                         width, height, self->delay_mode ? "true" : "false",
                         gtk_widget_get_direction(w) == GTK_TEXT_DIR_RTL ? "rtl" : "ltr");
  add_buttons(out, w, w, &first, dx, dy);
  g_string_append(out, "\n  ]\n}\n");
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
