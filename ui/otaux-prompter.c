/* otaux-prompter: the short-lived GTK 4 pop-up of otaux.
 *
 * Started by otaux-agent when some offer's Prompt has presentation
 * "popup" (the same pattern as pinentry or gcr-prompter). It owns
 * org.otaux.Prompter on the session bus (one instance; the agent watches
 * the name), reads the offers of org.otaux.Agent over D-Bus, shows the
 * pop-up prompts one at a time (highest priority first, then oldest),
 * sends the person's choice with Offer1.Answer and exits after a short
 * idle time with nothing to show.
 *
 * Every text comes from the prompt data; the only texts of our own are
 * generic chrome ("Pick a time", "Close", ...). Escape hides the window
 * without answering (never when the prompt is not dismissible); Enter
 * activates the one suggested choice.
 *
 * org.otaux.Prompter1.Show(o offer, s kind) on /org/otaux/Prompter: the
 * agent asks for a prompt that is not a "popup" (a question the
 * notification server cannot ask, a click on a notification); the reply
 * is its receipt (ui/otaux-popup.c).
 *
 * Test hooks: --geometry WxH, --screenshot-dir DIR (after each prompt is
 * drawn: DIR/<serial>-<kind>.png, and DIR/<serial>-<kind>.json with the
 * buttons' geometry in window coordinates, written after the PNG). */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#define AGENT_NAME        "org.otaux.Agent"
#define AGENT_PATH        "/org/otaux/Agent"
#define AGENT_IFACE       "org.otaux.Agent1"
#define OFFER_IFACE       "org.otaux.Offer1"
#define OFFER_PATH_PREFIX "/org/otaux/Agent/Offers/"
#define PROMPTER_NAME     "org.otaux.Prompter"
#define PROPS_IFACE       "org.freedesktop.DBus.Properties"

/* Above this window width the choices sit in a row, below they stack. */
#define WIDE_WIDTH 520
/* The content column never grows wider than this (desktop windows). */
#define COLUMN_MAX_WIDTH 560

typedef struct {
  char *id;
  char *label;
} Choice;

typedef struct {
  char *label;
  gint64 time;
} DelayOption;

typedef struct {
  char *kind;
  char *title;
  char *body;
  char *warning;
  char *message;
  char *body_markup; /* the *-markup keys: values escaped, operator b/i/a kept */
  char *warning_markup;
  char *message_markup;
  char *details;
  char *urgency;
  char *presentation;
  char *priority;
  char *suggested;
  char *deadline_choice;
  GPtrArray *choices;    /* Choice* */
  GArray *delay_options; /* DelayOption */
  gint64 delay_max;
  gint64 deadline;
  gint progress;
  guint32 result;
  gboolean dismissible;
} Prompt;

typedef struct {
  char *path;
  guint serial;
  char *name;
  char *version;
  char *priority;
  guint64 size;
  Prompt *prompt;        /* NULL until loaded */
  char *hidden_kind;     /* hidden (Escape/Close) while the kind stays this */
  char *requested_kind;  /* Show(): a pop-up for this kind whatever the presentation */
  gboolean request_seen; /* the prompt had the requested kind: a change ends it */
  GCancellable *cancel;
} Offer;

typedef struct {
  GDBusConnection *bus;
  GMainLoop *loop;
  int exit_code;
  guint idle_timeout_s;
  int geom_w, geom_h;
  char *shot_dir;

  guint own_id;
  guint object_id;
  guint watch_id;
  guint sub_added, sub_removed, sub_props;
  gboolean agent_present;
  guint pending_loads; /* initial GetAll replies outstanding */
  GCancellable *agent_cancel;
  GHashTable *offers; /* path -> Offer* */

  guint idle_id;

  /* The window and the prompt on it */
  GtkWindow *window;
  GtkWidget *header_title;
  GtkWidget *scrolled;
  GtkWidget *column;
  GtkWidget *actions;
  char *cur_path;
  Prompt *cur; /* copy of what is shown */
  gboolean wide;
  gboolean delay_mode;
  gboolean answering;

  /* widgets updated in place */
  GtkWidget *title_label;
  GtkWidget *body_label;
  GtkWidget *message_label;
  GtkWidget *message_box;
  GtkWidget *warning_label;
  GtkWidget *warning_box;
  GtkWidget *details_label;
  GtkWidget *details_expander;
  GtkWidget *progress_bar;
  GtkWidget *countdown_label;
  GtkWidget *error_label;
  GtkWidget *info_grid;
  GtkWidget *info_name, *info_version, *info_size;

  /* delay picker */
  GtkWidget *delay_box;
  GtkWidget *delay_custom_check;
  GtkWidget *delay_hour, *delay_minute;
  GtkWidget *delay_hint;
  GtkWidget *delay_confirm;
  GPtrArray *delay_checks; /* GtkCheckButton*, parallel to cur->delay_options */

  gboolean delay_ready; /* the picker's widgets all exist */

  guint pulse_id;
  guint countdown_id;
  guint shot_tick_id;
  guint shot_frames;
  char *shot_suffix;
} App;

static App app;

static void refresh(void);
static void offer_load(Offer *offer);

/* ------------------------------------------------------------------ */
/* Prompt data                                                         */

static void choice_free(gpointer data)
{
  Choice *c = data;
  g_free(c->id);
  g_free(c->label);
  g_free(c);
}

static void delay_option_clear(gpointer data)
{
  DelayOption *d = data;
  g_free(d->label);
}

static void prompt_free(Prompt *p)
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
  g_free(p->urgency);
  g_free(p->presentation);
  g_free(p->priority);
  g_free(p->suggested);
  g_free(p->deadline_choice);
  g_ptr_array_unref(p->choices);
  g_array_unref(p->delay_options);
  g_free(p);
}

static char *dict_string(GVariantDict *d, const char *key)
{
  const char *s = NULL;
  if (!g_variant_dict_lookup(d, key, "&s", &s) || s == NULL)
    return g_strdup("");
  /* The agent validates its strings; be defensive anyway. */
  if (!g_utf8_validate(s, -1, NULL))
    return g_utf8_make_valid(s, -1);
  return g_strdup(s);
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

static Prompt *prompt_parse(GVariant *dict)
{
  Prompt *p = g_new0(Prompt, 1);
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
  p->urgency = dict_string(&d, "urgency");
  p->presentation = dict_string(&d, "presentation");
  p->priority = dict_string(&d, "priority");
  p->suggested = dict_string(&d, "suggested");
  p->deadline_choice = dict_string(&d, "deadline-choice");
  p->choices = g_ptr_array_new_with_free_func(choice_free);
  p->delay_options = g_array_new(FALSE, TRUE, sizeof(DelayOption));
  g_array_set_clear_func(p->delay_options, delay_option_clear);
  p->progress = -1;
  p->dismissible = TRUE;

  if (g_variant_dict_lookup(&d, "choices", "a(ss)", &iter)) {
    const char *id, *label;
    while (g_variant_iter_loop(iter, "(&s&s)", &id, &label)) {
      Choice *c = g_new0(Choice, 1);
      c->id = g_strdup(id);
      c->label = g_utf8_validate(label, -1, NULL) ? g_strdup(label) : g_utf8_make_valid(label, -1);
      g_ptr_array_add(p->choices, c);
    }
    g_variant_iter_free(iter);
  }
  if (g_variant_dict_lookup(&d, "delay-options", "a(sx)", &iter)) {
    const char *label;
    gint64 t;
    while (g_variant_iter_loop(iter, "(&sx)", &label, &t)) {
      DelayOption o = { g_utf8_validate(label, -1, NULL) ? g_strdup(label)
                                                         : g_utf8_make_valid(label, -1),
                        t };
      g_array_append_val(p->delay_options, o);
    }
    g_variant_iter_free(iter);
  }
  g_variant_dict_lookup(&d, "delay-max", "x", &p->delay_max);
  g_variant_dict_lookup(&d, "deadline", "x", &p->deadline);
  g_variant_dict_lookup(&d, "progress", "i", &p->progress);
  g_variant_dict_lookup(&d, "result", "u", &p->result);
  g_variant_dict_lookup(&d, "dismissible", "b", &p->dismissible);
  g_variant_dict_clear(&d);
  return p;
}

static gboolean prompt_same_choices(const Prompt *a, const Prompt *b)
{
  if (a->choices->len != b->choices->len || a->delay_options->len != b->delay_options->len)
    return FALSE;
  for (guint i = 0; i < a->choices->len; i++) {
    const Choice *ca = g_ptr_array_index(a->choices, i);
    const Choice *cb = g_ptr_array_index(b->choices, i);
    if (g_strcmp0(ca->id, cb->id) != 0 || g_strcmp0(ca->label, cb->label) != 0)
      return FALSE;
  }
  for (guint i = 0; i < a->delay_options->len; i++) {
    const DelayOption *da = &g_array_index(a->delay_options, DelayOption, i);
    const DelayOption *db = &g_array_index(b->delay_options, DelayOption, i);
    if (da->time != db->time || g_strcmp0(da->label, db->label) != 0)
      return FALSE;
  }
  return g_strcmp0(a->suggested, b->suggested) == 0 && a->delay_max == b->delay_max &&
         a->dismissible == b->dismissible;
}

static int priority_rank(const char *priority)
{
  if (g_strcmp0(priority, "high") == 0)
    return 2;
  if (g_strcmp0(priority, "medium") == 0)
    return 1;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Offers                                                              */

static void offer_free(gpointer data)
{
  Offer *o = data;
  g_cancellable_cancel(o->cancel);
  g_object_unref(o->cancel);
  g_free(o->path);
  g_free(o->name);
  g_free(o->version);
  g_free(o->priority);
  g_free(o->hidden_kind);
  g_free(o->requested_kind);
  prompt_free(o->prompt);
  g_free(o);
}

static gboolean offer_showable(const Offer *o)
{
  const Prompt *p = o->prompt;
  if (p == NULL)
    return FALSE;
  if (g_strcmp0(p->presentation, "popup") != 0 && g_strcmp0(o->requested_kind, p->kind) != 0)
    return FALSE;
  if (p->kind[0] == '\0' || strcmp(p->kind, "none") == 0)
    return FALSE;
  if (o->hidden_kind != NULL && strcmp(o->hidden_kind, p->kind) == 0)
    return FALSE;
  return TRUE;
}

static int offer_rank(const Offer *o)
{
  const char *prio = o->prompt && o->prompt->priority[0] ? o->prompt->priority : o->priority;
  return priority_rank(prio);
}

static void offer_set_prompt(Offer *o, GVariant *value)
{
  Prompt *p = prompt_parse(value);
  if (o->hidden_kind != NULL && strcmp(o->hidden_kind, p->kind) != 0)
    g_clear_pointer(&o->hidden_kind, g_free);
  /* A request is for one kind; it may arrive before the prompt does. */
  if (o->requested_kind != NULL) {
    if (strcmp(o->requested_kind, p->kind) == 0)
      o->request_seen = TRUE;
    else if (o->request_seen)
      g_clear_pointer(&o->requested_kind, g_free);
  }
  prompt_free(o->prompt);
  o->prompt = p;
}

static void offer_apply(Offer *o, const char *key, GVariant *value)
{
  if (strcmp(key, "Prompt") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_VARDICT)) {
    offer_set_prompt(o, value);
  } else if (strcmp(key, "Name") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
    g_free(o->name);
    o->name = g_variant_dup_string(value, NULL);
  } else if (strcmp(key, "Version") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
    g_free(o->version);
    o->version = g_variant_dup_string(value, NULL);
  } else if (strcmp(key, "Priority") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
    g_free(o->priority);
    o->priority = g_variant_dup_string(value, NULL);
  } else if (strcmp(key, "Size") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64)) {
    o->size = g_variant_get_uint64(value);
  }
}

typedef struct {
  char *path;
  gboolean initial;
} LoadData;

static void offer_loaded(GObject *source, GAsyncResult *res, gpointer user_data)
{
  LoadData *ld = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  if (reply == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out; /* the offer (or the agent) went away */
  if (ld->initial && app.pending_loads > 0)
    app.pending_loads--;
  if (reply == NULL) {
    g_debug("GetAll %s: %s", ld->path, error->message);
  } else {
    Offer *o = g_hash_table_lookup(app.offers, ld->path);
    if (o != NULL) {
      g_autoptr(GVariant) props = g_variant_get_child_value(reply, 0);
      GVariantIter iter;
      const char *key;
      GVariant *value;
      g_variant_iter_init(&iter, props);
      while (g_variant_iter_loop(&iter, "{&sv}", &key, &value))
        offer_apply(o, key, value);
      if (o->prompt == NULL) {
        g_autoptr(GVariant) empty = g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
        offer_set_prompt(o, g_variant_ref_sink(empty));
      }
    }
  }
  refresh();
out:
  g_free(ld->path);
  g_free(ld);
}

static void offer_load_full(Offer *o, gboolean initial)
{
  LoadData *ld = g_new0(LoadData, 1);
  ld->path = g_strdup(o->path);
  ld->initial = initial;
  if (initial)
    app.pending_loads++;
  g_dbus_connection_call(app.bus, AGENT_NAME, o->path, PROPS_IFACE, "GetAll",
                         g_variant_new("(s)", OFFER_IFACE), G_VARIANT_TYPE("(a{sv})"),
                         G_DBUS_CALL_FLAGS_NONE, -1, o->cancel, offer_loaded, ld);
}

static void offer_load(Offer *o)
{
  offer_load_full(o, FALSE);
}

static Offer *offer_track(const char *path, gboolean initial)
{
  Offer *o = g_hash_table_lookup(app.offers, path);
  if (o != NULL)
    return o;
  if (!g_str_has_prefix(path, OFFER_PATH_PREFIX))
    return NULL;
  o = g_new0(Offer, 1);
  o->path = g_strdup(path);
  o->serial = (guint)g_ascii_strtoull(path + strlen(OFFER_PATH_PREFIX), NULL, 10);
  o->name = g_strdup("");
  o->version = g_strdup("");
  o->priority = g_strdup("");
  o->cancel = g_cancellable_new();
  g_hash_table_insert(app.offers, o->path, o);
  offer_load_full(o, initial);
  return o;
}

/* ------------------------------------------------------------------ */
/* Agent signals                                                       */

static void on_offer_added(GDBusConnection *c, const char *sender, const char *path,
                           const char *iface, const char *signal, GVariant *params,
                           gpointer user_data)
{
  const char *offer_path;
  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
    return;
  g_variant_get(params, "(&o)", &offer_path);
  offer_track(offer_path, FALSE);
}

static void on_offer_removed(GDBusConnection *c, const char *sender, const char *path,
                             const char *iface, const char *signal, GVariant *params,
                             gpointer user_data)
{
  const char *offer_path;
  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
    return;
  g_variant_get(params, "(&o)", &offer_path);
  if (g_hash_table_remove(app.offers, offer_path))
    refresh();
}

static void on_props_changed(GDBusConnection *c, const char *sender, const char *path,
                             const char *iface, const char *signal, GVariant *params,
                             gpointer user_data)
{
  const char *interface;
  g_autoptr(GVariant) changed = NULL;
  g_autoptr(GVariant) invalidated = NULL;
  Offer *o;

  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
    return;
  g_variant_get(params, "(&s@a{sv}@as)", &interface, &changed, &invalidated);
  if (strcmp(interface, OFFER_IFACE) != 0)
    return;
  o = g_hash_table_lookup(app.offers, path);
  if (o == NULL) {
    offer_track(path, FALSE); /* loads everything */
    return;
  }
  {
    GVariantIter iter;
    const char *key;
    GVariant *value;
    g_variant_iter_init(&iter, changed);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value))
      offer_apply(o, key, value);
  }
  if (g_variant_n_children(invalidated) > 0)
    offer_load(o);
  refresh();
}

static void on_offers_listed(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  if (reply == NULL) {
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_warning("cannot list the offers: %s", error->message);
      if (app.pending_loads > 0)
        app.pending_loads--;
      refresh();
    }
    return;
  }
  if (app.pending_loads > 0)
    app.pending_loads--; /* the listing itself */
  {
    g_autoptr(GVariant) v = NULL;
    g_variant_get(reply, "(v)", &v);
    if (g_variant_is_of_type(v, G_VARIANT_TYPE("ao"))) {
      GVariantIter iter;
      const char *p;
      g_variant_iter_init(&iter, v);
      while (g_variant_iter_next(&iter, "&o", &p))
        offer_track(p, TRUE);
    }
  }
  refresh();
}

static void agent_appeared(GDBusConnection *c, const char *name, const char *owner,
                           gpointer user_data)
{
  app.agent_present = TRUE;
  app.agent_cancel = g_cancellable_new();
  app.sub_added =
      g_dbus_connection_signal_subscribe(c, owner, AGENT_IFACE, "OfferAdded", AGENT_PATH, NULL,
                                         G_DBUS_SIGNAL_FLAGS_NONE, on_offer_added, NULL, NULL);
  app.sub_removed =
      g_dbus_connection_signal_subscribe(c, owner, AGENT_IFACE, "OfferRemoved", AGENT_PATH, NULL,
                                         G_DBUS_SIGNAL_FLAGS_NONE, on_offer_removed, NULL, NULL);
  app.sub_props = g_dbus_connection_signal_subscribe(c, owner, PROPS_IFACE, "PropertiesChanged",
                                                     NULL, OFFER_IFACE, G_DBUS_SIGNAL_FLAGS_NONE,
                                                     on_props_changed, NULL, NULL);
  app.pending_loads++;
  g_dbus_connection_call(c, owner, AGENT_PATH, PROPS_IFACE, "Get",
                         g_variant_new("(ss)", AGENT_IFACE, "Offers"), G_VARIANT_TYPE("(v)"),
                         G_DBUS_CALL_FLAGS_NONE, -1, app.agent_cancel, on_offers_listed, NULL);
}

static void agent_vanished(GDBusConnection *c, const char *name, gpointer user_data)
{
  if (app.agent_present) {
    g_dbus_connection_signal_unsubscribe(c, app.sub_added);
    g_dbus_connection_signal_unsubscribe(c, app.sub_removed);
    g_dbus_connection_signal_unsubscribe(c, app.sub_props);
    g_cancellable_cancel(app.agent_cancel);
    g_clear_object(&app.agent_cancel);
  }
  app.agent_present = FALSE;
  app.pending_loads = 0;
  g_hash_table_remove_all(app.offers);
  refresh();
}

/* ------------------------------------------------------------------ */
/* Screenshots                                                         */

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

static void layout_add_buttons(GString *out, GtkWidget *widget, gboolean *first, double dx,
                               double dy)
{
  for (GtkWidget *child = gtk_widget_get_first_child(widget); child != NULL;
       child = gtk_widget_get_next_sibling(child)) {
    const char *id = g_object_get_data(G_OBJECT(child), "otaux-choice");
    if (GTK_IS_BUTTON(child) && id != NULL && gtk_widget_is_drawable(child)) {
      graphene_rect_t r;
      if (gtk_widget_compute_bounds(child, GTK_WIDGET(app.window), &r)) {
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
    }
    layout_add_buttons(out, child, first, dx, dy);
  }
}

static gboolean write_atomically(const char *path, const char *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  if (!g_file_set_contents(path, data, (gssize)len, &error)) {
    g_warning("%s", error->message);
    return FALSE;
  }
  return TRUE;
}

static void take_screenshot(void)
{
  GtkWidget *w = GTK_WIDGET(app.window);
  int width = gtk_widget_get_width(w), height = gtk_widget_get_height(w);
  g_autofree char *base = NULL;
  g_autofree char *png = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  double dx = 0, dy = 0;
  gboolean first = TRUE;
  GString *out;

  if (app.cur == NULL || width <= 0 || height <= 0)
    return;
  base = g_strdup_printf(
      "%s/%u-%s%s", app.shot_dir,
      app.cur_path ? (guint)g_ascii_strtoull(app.cur_path + strlen(OFFER_PATH_PREFIX), NULL, 10)
                   : 0,
      app.cur->kind, app.shot_suffix ? app.shot_suffix : "");
  png = g_strconcat(base, ".png", NULL);
  tmp = g_strconcat(base, ".png.tmp", NULL);
  json = g_strconcat(base, ".json", NULL);

  paintable = gtk_widget_paintable_new(w);
  snapshot = gtk_snapshot_new();
  gdk_paintable_snapshot(paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node(snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture(gtk_native_get_renderer(GTK_NATIVE(w)), node,
                                        &GRAPHENE_RECT_INIT(0, 0, (float)width, (float)height));
  gsk_render_node_unref(node);
  if (!gdk_texture_save_to_png(texture, tmp) || g_rename(tmp, png) != 0) {
    g_warning("cannot save %s", png);
    return;
  }

  gtk_native_get_surface_transform(GTK_NATIVE(w), &dx, &dy);
  out = g_string_new("{\n  \"kind\": ");
  json_escape(out, app.cur->kind);
  g_string_append(out, ",\n  \"title\": ");
  json_escape(out, gtk_window_get_title(app.window) ?: "");
  g_string_append_printf(out,
                         ",\n  \"width\": %d, \"height\": %d, \"delay\": %s, \"direction\": \"%s\","
                         "\n  \"buttons\": [",
                         width, height, app.delay_mode ? "true" : "false",
                         gtk_widget_get_direction(w) == GTK_TEXT_DIR_RTL ? "rtl" : "ltr");
  layout_add_buttons(out, w, &first, dx, dy);
  g_string_append(out, "\n  ]\n}\n");
  write_atomically(json, out->str, out->len);
  g_string_free(out, TRUE);
  g_debug("saved %s", png);
}

static gboolean shot_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  /* Wait for two frames so that the layout of the new content is done. */
  if (!gtk_widget_get_mapped(widget) || ++app.shot_frames < 3)
    return G_SOURCE_CONTINUE;
  app.shot_tick_id = 0;
  take_screenshot();
  return G_SOURCE_REMOVE;
}

static void request_screenshot(const char *suffix)
{
  if (app.shot_dir == NULL)
    return;
  g_free(app.shot_suffix);
  app.shot_suffix = g_strdup(suffix);
  app.shot_frames = 0;
  if (app.shot_tick_id == 0)
    app.shot_tick_id = gtk_widget_add_tick_callback(GTK_WIDGET(app.window), shot_tick, NULL, NULL);
  gtk_widget_queue_draw(GTK_WIDGET(app.window));
}

/* ------------------------------------------------------------------ */
/* Answering                                                           */

static void set_error(const char *text)
{
  if (app.error_label == NULL)
    return;
  gtk_label_set_text(GTK_LABEL(app.error_label), text ? text : "");
  gtk_widget_set_visible(app.error_label, text != NULL && *text);
}

static void set_actions_sensitive(gboolean sensitive)
{
  if (app.actions != NULL)
    gtk_widget_set_sensitive(app.actions, sensitive);
  if (app.delay_box != NULL)
    gtk_widget_set_sensitive(app.delay_box, sensitive);
}

static void on_answered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autofree char *path = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  if (g_strcmp0(path, app.cur_path) != 0)
    return; /* the window shows something else by now */
  app.answering = FALSE;
  set_actions_sensitive(TRUE);
  if (reply == NULL) {
    g_autofree char *remote = g_dbus_error_get_remote_error(error);
    g_dbus_error_strip_remote_error(error);
    g_warning("Answer on %s failed: %s %s", path, remote ? remote : "", error->message);
    {
      g_autofree char *text = g_strdup_printf(_("The answer was not accepted: %s"), error->message);
      set_error(text);
    }
    return;
  }
  /* The agent publishes the next prompt; refresh() follows it. If the
   * same prompt stays (nothing else to ask), hide it. */
}

static void send_answer(const char *choice, gint64 reboot_at)
{
  GVariantBuilder details;

  if (app.cur_path == NULL || app.answering)
    return;
  g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
  if (reboot_at > 0)
    g_variant_builder_add(&details, "{sv}", "reboot-at", g_variant_new_int64(reboot_at));
  app.answering = TRUE;
  set_actions_sensitive(FALSE);
  set_error(NULL);
  g_debug("Answer(%s, %" G_GINT64_FORMAT ") on %s", choice, reboot_at, app.cur_path);
  g_dbus_connection_call(app.bus, AGENT_NAME, app.cur_path, OFFER_IFACE, "Answer",
                         g_variant_new("(sa{sv})", choice, &details), G_VARIANT_TYPE("()"),
                         G_DBUS_CALL_FLAGS_NONE, 25000, NULL, on_answered, g_strdup(app.cur_path));
}

/* Hides the current prompt without answering: it stays pending. */
static void hide_current(void)
{
  Offer *o;
  if (app.cur_path == NULL)
    return;
  o = g_hash_table_lookup(app.offers, app.cur_path);
  if (o != NULL && o->prompt != NULL) {
    g_free(o->hidden_kind);
    o->hidden_kind = g_strdup(o->prompt->kind);
  }
  refresh();
}

/* ------------------------------------------------------------------ */
/* Delay picker                                                        */

static gint64 custom_reboot_time(void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autoptr(GDateTime) at = NULL;
  int h = gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(app.delay_hour));
  int m = gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(app.delay_minute));

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

static char *format_time(gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  if (dt == NULL)
    return g_strdup("");
  if (g_date_time_get_day_of_year(dt) == g_date_time_get_day_of_year(now) &&
      g_date_time_get_year(dt) == g_date_time_get_year(now))
    return g_date_time_format(dt, "%H:%M");
  return g_date_time_format(dt, "%a %e %b, %H:%M");
}

static gint64 delay_selected_time(void)
{
  if (app.delay_box == NULL)
    return 0;
  if (gtk_check_button_get_active(GTK_CHECK_BUTTON(app.delay_custom_check)))
    return custom_reboot_time();
  for (guint i = 0; i < app.delay_checks->len; i++)
    if (gtk_check_button_get_active(g_ptr_array_index(app.delay_checks, i)))
      return g_array_index(app.cur->delay_options, DelayOption, i).time;
  return 0;
}

static void delay_update(void)
{
  gint64 t, now = g_get_real_time() / G_USEC_PER_SEC;
  gboolean custom, ok;
  g_autofree char *hint = NULL;

  if (!app.delay_ready)
    return;
  custom = gtk_check_button_get_active(GTK_CHECK_BUTTON(app.delay_custom_check));
  gtk_widget_set_sensitive(app.delay_hour, custom);
  gtk_widget_set_sensitive(app.delay_minute, custom);
  t = delay_selected_time();
  ok = t > now && (app.cur->delay_max <= 0 || t <= app.cur->delay_max);
  if (custom && t > 0) {
    g_autofree char *when = format_time(t);
    if (ok) {
      hint = g_strdup_printf(_("Reboot at %s"), when);
    } else {
      g_autofree char *latest = format_time(app.cur->delay_max);
      hint = g_strdup_printf(_("%s is too late: the latest time is %s"), when, latest);
    }
  } else if (app.cur->delay_max > 0) {
    g_autofree char *latest = format_time(app.cur->delay_max);
    hint = g_strdup_printf(_("Latest: %s"), latest);
  }
  gtk_label_set_text(GTK_LABEL(app.delay_hint), hint ? hint : "");
  gtk_widget_set_visible(app.delay_hint, hint != NULL);
  if (ok)
    gtk_widget_remove_css_class(app.delay_hint, "error");
  else
    gtk_widget_add_css_class(app.delay_hint, "error");
  if (app.delay_confirm != NULL)
    gtk_widget_set_sensitive(app.delay_confirm, ok);
}

static void on_delay_toggled(GtkCheckButton *check, gpointer user_data)
{
  delay_update();
}

static void on_spin_changed(GtkSpinButton *spin, gpointer user_data)
{
  delay_update();
}

static int on_minute_output_pad(GtkSpinButton *spin, gpointer user_data)
{
  g_autofree char *text = g_strdup_printf("%02d", gtk_spin_button_get_value_as_int(spin));
  if (g_strcmp0(text, gtk_editable_get_text(GTK_EDITABLE(spin))) != 0)
    gtk_editable_set_text(GTK_EDITABLE(spin), text);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Building the screens                                                */

static void build_actions(void);

static void set_accessible_label(GtkWidget *w, const char *label)
{
  gtk_accessible_update_property(GTK_ACCESSIBLE(w), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static GtkWidget *make_label(const char *text, const char *css_class, int max_chars)
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

static gboolean is_rtl_char(gunichar c)
{
  return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
         (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
         (c >= 0x1E800 && c <= 0x1EFFF);
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
  for (const char *p = text; *p; p = g_utf8_next_char(p))
    if (is_rtl_char(g_utf8_get_char(p)))
      return g_strconcat("\u200F", text, NULL);
  return g_strdup(text);
}

static void set_label(GtkWidget *label, GtkWidget *visible_widget, const char *text_)
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
  if (app.progress_bar != NULL)
    gtk_progress_bar_pulse(GTK_PROGRESS_BAR(app.progress_bar));
  return G_SOURCE_CONTINUE;
}

static gboolean countdown_cb(gpointer user_data)
{
  gint64 left;
  g_autofree char *text = NULL;
  if (app.cur == NULL || app.countdown_label == NULL || app.cur->deadline <= 0) {
    app.countdown_id = 0;
    return G_SOURCE_REMOVE;
  }
  left = app.cur->deadline - g_get_real_time() / G_USEC_PER_SEC;
  if (left < 0)
    left = 0;
  if (left >= 3600)
    text = g_strdup_printf(_("Time left: %d:%02d:%02d"), (int)(left / 3600), (int)(left / 60 % 60),
                           (int)(left % 60));
  else
    text = g_strdup_printf(_("Time left: %d:%02d"), (int)(left / 60), (int)(left % 60));
  gtk_label_set_text(GTK_LABEL(app.countdown_label), text);
  return G_SOURCE_CONTINUE;
}

static void update_progress(void)
{
  if (app.progress_bar == NULL)
    return;
  if (app.cur->progress < 0) {
    if (app.pulse_id == 0)
      app.pulse_id = g_timeout_add(120, pulse_cb, NULL);
    gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(app.progress_bar), FALSE);
  } else {
    /* "45 %" would show as "% 45" in a right-to-left layout: no space there */
    gboolean rtl = gtk_widget_get_direction(app.progress_bar) == GTK_TEXT_DIR_RTL;
    g_autofree char *text =
        g_strdup_printf(rtl ? "%d%%" : "%d %%", CLAMP(app.cur->progress, 0, 100));
    g_clear_handle_id(&app.pulse_id, g_source_remove);
    gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(app.progress_bar),
                                  CLAMP(app.cur->progress, 0, 100) / 100.0);
    gtk_progress_bar_set_text(GTK_PROGRESS_BAR(app.progress_bar), text);
    gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(app.progress_bar), TRUE);
  }
}

/* Fills the widgets that exist for the current prompt with its texts. */
static void update_texts(const Offer *o)
{
  const Prompt *p = app.cur;
  const char *title = p->title[0] ? p->title : _("Firmware update");

  gtk_window_set_title(app.window, title);
  set_label(app.title_label, NULL, p->title);
  set_label_markup(app.body_label, NULL, p->body_markup);
  set_label_markup(app.message_label, app.message_box, p->message_markup);
  set_label_markup(app.warning_label, app.warning_box, p->warning_markup);
  set_label(app.details_label, app.details_expander, p->details);
  if (app.info_grid != NULL) {
    g_autofree char *size = o->size > 0 ? g_format_size(o->size) : g_strdup("");
    set_label(app.info_name, NULL, o->name);
    set_label(app.info_version, NULL, o->version);
    set_label(app.info_size, NULL, size);
    /* hide a row's caption together with its value */
    for (GtkWidget *c = gtk_widget_get_first_child(app.info_grid); c != NULL;
         c = gtk_widget_get_next_sibling(c)) {
      GtkWidget *value = g_object_get_data(G_OBJECT(c), "otaux-value");
      if (value != NULL)
        gtk_widget_set_visible(c, gtk_widget_get_visible(value));
    }
    gtk_widget_set_visible(app.info_grid, o->name[0] || o->version[0] || o->size > 0);
  }
  update_progress();
  if (app.countdown_label != NULL) {
    gtk_widget_set_visible(app.countdown_label, p->deadline > 0);
    if (p->deadline > 0) {
      countdown_cb(NULL);
      if (app.countdown_id == 0)
        app.countdown_id = g_timeout_add_seconds(1, countdown_cb, NULL);
    }
  }
}

static void info_row(GtkGrid *grid, int row, const char *caption, GtkWidget **value)
{
  GtkWidget *c = gtk_label_new(caption);
  gtk_label_set_xalign(GTK_LABEL(c), 0.0f);
  gtk_widget_set_valign(c, GTK_ALIGN_START);
  gtk_widget_add_css_class(c, "dim-label");
  *value = make_label("", NULL, 40);
  gtk_label_set_selectable(GTK_LABEL(*value), TRUE);
  gtk_widget_set_hexpand(*value, TRUE);
  g_object_set_data(G_OBJECT(c), "otaux-value", *value);
  gtk_grid_attach(grid, c, 0, row, 1, 1);
  gtk_grid_attach(grid, *value, 1, row, 1, 1);
}

static void clear_content(void)
{
  g_clear_handle_id(&app.pulse_id, g_source_remove);
  g_clear_handle_id(&app.countdown_id, g_source_remove);
  app.title_label = app.body_label = app.message_label = app.message_box = NULL;
  app.warning_label = app.warning_box = app.details_label = app.details_expander = NULL;
  app.progress_bar = app.countdown_label = app.error_label = NULL;
  app.info_grid = app.info_name = app.info_version = app.info_size = NULL;
  app.delay_ready = FALSE;
  if (app.delay_checks != NULL) {
    for (guint i = 0; i < app.delay_checks->len; i++)
      if (g_ptr_array_index(app.delay_checks, i) != NULL)
        g_signal_handlers_disconnect_by_func(g_ptr_array_index(app.delay_checks, i),
                                             on_delay_toggled, NULL);
  }
  if (app.delay_custom_check != NULL)
    g_signal_handlers_disconnect_by_func(app.delay_custom_check, on_delay_toggled, NULL);
  if (app.delay_hour != NULL)
    g_signal_handlers_disconnect_by_func(app.delay_hour, on_spin_changed, NULL);
  if (app.delay_minute != NULL)
    g_signal_handlers_disconnect_by_func(app.delay_minute, on_spin_changed, NULL);
  g_clear_pointer(&app.delay_checks, g_ptr_array_unref);
  app.delay_box = app.delay_custom_check = app.delay_hour = app.delay_minute = NULL;
  app.delay_hint = app.delay_confirm = NULL;
  app.delay_mode = FALSE;
  app.answering = FALSE;
  if (app.window != NULL) {
    gtk_window_set_default_widget(app.window, NULL);
    gtk_window_set_focus(app.window, NULL);
  }
  if (app.column != NULL) {
    GtkWidget *c;
    while ((c = gtk_widget_get_first_child(app.column)) != NULL)
      gtk_box_remove(GTK_BOX(app.column), c);
  }
  if (app.actions != NULL) {
    GtkWidget *c;
    while ((c = gtk_widget_get_first_child(app.actions)) != NULL)
      gtk_box_remove(GTK_BOX(app.actions), c);
  }
}

static void build_delay_box(void)
{
  const Prompt *p = app.cur;
  GtkWidget *heading, *group = NULL, *row, *colon;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  gint64 init =
      p->delay_options->len > 0 ? g_array_index(p->delay_options, DelayOption, 0).time : now + 3600;
  g_autoptr(GDateTime) init_dt = g_date_time_new_from_unix_local(init);

  app.delay_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class(app.delay_box, "otaux-delay");
  heading = gtk_label_new(_("Pick a time"));
  gtk_label_set_xalign(GTK_LABEL(heading), 0.0f);
  gtk_widget_add_css_class(heading, "heading");
  gtk_box_append(GTK_BOX(app.delay_box), heading);

  app.delay_checks = g_ptr_array_new();
  for (guint i = 0; i < p->delay_options->len; i++) {
    const DelayOption *d = &g_array_index(p->delay_options, DelayOption, i);
    GtkWidget *check = gtk_check_button_new_with_label(d->label);
    if (p->delay_max > 0 && d->time > p->delay_max)
      continue; /* defensive: never offer what the agent would refuse */
    if (group != NULL)
      gtk_check_button_set_group(GTK_CHECK_BUTTON(check), GTK_CHECK_BUTTON(group));
    else
      group = check;
    set_accessible_label(check, d->label);
    g_signal_connect(check, "toggled", G_CALLBACK(on_delay_toggled), NULL);
    gtk_box_append(GTK_BOX(app.delay_box), check);
    g_ptr_array_add(app.delay_checks, check);
  }
  /* keep app.delay_checks parallel to the options: rebuild from the kept ones */
  if (app.delay_checks->len != p->delay_options->len) {
    /* some options were dropped: find them by label order */
    GPtrArray *parallel = g_ptr_array_new();
    guint k = 0;
    for (guint i = 0; i < p->delay_options->len; i++) {
      const DelayOption *d = &g_array_index(p->delay_options, DelayOption, i);
      if (p->delay_max > 0 && d->time > p->delay_max)
        g_ptr_array_add(parallel, NULL);
      else
        g_ptr_array_add(parallel, g_ptr_array_index(app.delay_checks, k++));
    }
    g_ptr_array_unref(app.delay_checks);
    app.delay_checks = parallel;
  }

  app.delay_custom_check = gtk_check_button_new_with_label(_("Another time"));
  set_accessible_label(app.delay_custom_check, _("Another time"));
  if (group != NULL)
    gtk_check_button_set_group(GTK_CHECK_BUTTON(app.delay_custom_check), GTK_CHECK_BUTTON(group));
  g_signal_connect(app.delay_custom_check, "toggled", G_CALLBACK(on_delay_toggled), NULL);
  gtk_box_append(GTK_BOX(app.delay_box), app.delay_custom_check);

  row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start(row, 28);
  app.delay_hour = gtk_spin_button_new_with_range(0, 23, 1);
  app.delay_minute = gtk_spin_button_new_with_range(0, 59, 5);
  gtk_spin_button_set_wrap(GTK_SPIN_BUTTON(app.delay_hour), TRUE);
  gtk_spin_button_set_wrap(GTK_SPIN_BUTTON(app.delay_minute), TRUE);
  gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(app.delay_hour), TRUE);
  gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(app.delay_minute), TRUE);
  gtk_orientable_set_orientation(GTK_ORIENTABLE(app.delay_hour), GTK_ORIENTATION_VERTICAL);
  gtk_orientable_set_orientation(GTK_ORIENTABLE(app.delay_minute), GTK_ORIENTATION_VERTICAL);
  if (init_dt != NULL) {
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(app.delay_hour), g_date_time_get_hour(init_dt));
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(app.delay_minute),
                              g_date_time_get_minute(init_dt) / 5 * 5);
  }
  g_signal_connect(app.delay_minute, "output", G_CALLBACK(on_minute_output_pad), NULL);
  g_signal_connect(app.delay_hour, "output", G_CALLBACK(on_minute_output_pad), NULL);
  set_accessible_label(app.delay_hour, _("Hour"));
  set_accessible_label(app.delay_minute, _("Minute"));
  g_signal_connect(app.delay_hour, "value-changed", G_CALLBACK(on_spin_changed), NULL);
  g_signal_connect(app.delay_minute, "value-changed", G_CALLBACK(on_spin_changed), NULL);
  colon = gtk_label_new(":");
  gtk_widget_add_css_class(colon, "otaux-time-colon");
  {
    /* A time reads hours:minutes left to right in every language. */
    GtkWidget *hh_mm = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    gtk_widget_set_direction(hh_mm, GTK_TEXT_DIR_LTR);
    gtk_box_append(GTK_BOX(hh_mm), app.delay_hour);
    gtk_box_append(GTK_BOX(hh_mm), colon);
    gtk_box_append(GTK_BOX(hh_mm), app.delay_minute);
    gtk_box_append(GTK_BOX(row), hh_mm);
  }
  gtk_box_append(GTK_BOX(app.delay_box), row);

  app.delay_hint = make_label("", "dim-label", 50);
  gtk_box_append(GTK_BOX(app.delay_box), app.delay_hint);

  app.delay_ready = TRUE;
  if (group == NULL)
    gtk_check_button_set_active(GTK_CHECK_BUTTON(app.delay_custom_check), TRUE);
  else
    gtk_check_button_set_active(GTK_CHECK_BUTTON(group), TRUE);
  gtk_widget_set_visible(app.delay_box, FALSE);
}

static void on_choice_clicked(GtkButton *button, gpointer user_data);

static GtkWidget *make_button(const char *label, const char *id, gboolean suggested)
{
  GtkWidget *b = gtk_button_new_with_label(label);
  GtkWidget *child = gtk_button_get_child(GTK_BUTTON(b));
  if (GTK_IS_LABEL(child)) {
    gtk_label_set_wrap(GTK_LABEL(child), TRUE);
    gtk_label_set_justify(GTK_LABEL(child), GTK_JUSTIFY_CENTER);
  }
  set_accessible_label(b, label);
  g_object_set_data_full(G_OBJECT(b), "otaux-choice", g_strdup(id), g_free);
  g_signal_connect(b, "clicked", G_CALLBACK(on_choice_clicked), NULL);
  if (suggested)
    gtk_widget_add_css_class(b, "suggested-action");
  gtk_widget_set_hexpand(b, TRUE);
  return b;
}

static const Choice *find_choice(const char *id)
{
  for (guint i = 0; app.cur && i < app.cur->choices->len; i++) {
    const Choice *c = g_ptr_array_index(app.cur->choices, i);
    if (strcmp(c->id, id) == 0)
      return c;
  }
  return NULL;
}

static void apply_action_orientation(void)
{
  GtkWidget *c;
  GList *children = NULL;
  if (app.actions == NULL)
    return;
  gtk_orientable_set_orientation(GTK_ORIENTABLE(app.actions),
                                 app.wide ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_halign(app.actions, app.wide ? GTK_ALIGN_END : GTK_ALIGN_FILL);
  gtk_box_set_homogeneous(GTK_BOX(app.actions), app.wide);
  /* In a row the labels keep one line (a wrapped label asks for its
   * narrowest width, and the row would break "Delay reboot" in two);
   * stacked, a long label may wrap. */
  for (c = gtk_widget_get_first_child(app.actions); c; c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *label = GTK_IS_BUTTON(c) ? gtk_button_get_child(GTK_BUTTON(c)) : NULL;
    if (GTK_IS_LABEL(label))
      gtk_label_set_wrap(GTK_LABEL(label), !app.wide);
  }
  /* Narrow: first choice on top. Wide: first choice on the right (HIG). */
  for (c = gtk_widget_get_first_child(app.actions); c; c = gtk_widget_get_next_sibling(c))
    children = g_list_append(children, c);
  {
    /* order by the "otaux-order" index, reversed when wide */
    GtkWidget *prev = NULL;
    guint n = g_list_length(children);
    for (guint k = 0; k < n; k++) {
      guint want = app.wide ? n - 1 - k : k;
      for (GList *l = children; l; l = l->next) {
        if (GPOINTER_TO_UINT(g_object_get_data(l->data, "otaux-order")) == want) {
          gtk_box_reorder_child_after(GTK_BOX(app.actions), l->data, prev);
          prev = l->data;
          break;
        }
      }
    }
  }
  g_list_free(children);
}

static void add_action(GtkWidget *button, guint *order)
{
  g_object_set_data(G_OBJECT(button), "otaux-order", GUINT_TO_POINTER((*order)++));
  gtk_box_append(GTK_BOX(app.actions), button);
}

static void build_actions(void)
{
  const Prompt *p = app.cur;
  GtkWidget *def = NULL;
  guint order = 0;
  GtkWidget *c;

  /* GTK 4.8 trips over removing the default or focus widget: unset first */
  gtk_window_set_default_widget(app.window, NULL);
  gtk_window_set_focus(app.window, NULL);
  while ((c = gtk_widget_get_first_child(app.actions)) != NULL)
    gtk_box_remove(GTK_BOX(app.actions), c);
  app.delay_confirm = NULL;

  if (app.delay_mode) {
    const Choice *dc = find_choice("delay-reboot");
    app.delay_confirm = make_button(dc ? dc->label : _("Delay"), "delay-confirm", TRUE);
    add_action(app.delay_confirm, &order);
    add_action(make_button(_("Back"), "delay-back", FALSE), &order);
    def = app.delay_confirm;
    delay_update();
  } else if (strcmp(p->kind, "result") == 0) {
    def = make_button(_("Close"), "close", TRUE);
    add_action(def, &order);
  } else {
    for (guint i = 0; i < p->choices->len; i++) {
      const Choice *ch = g_ptr_array_index(p->choices, i);
      gboolean sugg = strcmp(ch->id, p->suggested) == 0;
      GtkWidget *b = make_button(ch->label, ch->id, sugg);
      if (sugg)
        def = b;
      add_action(b, &order);
    }
    if (p->choices->len == 0 && p->dismissible) {
      def = make_button(_("Close"), "close", FALSE);
      add_action(def, &order);
    }
  }
  gtk_widget_set_visible(app.actions, order > 0);
  apply_action_orientation();
  gtk_window_set_default_widget(app.window, def);
  if (def != NULL)
    gtk_widget_grab_focus(def);
}

static void set_delay_mode(gboolean on)
{
  app.delay_mode = on && app.delay_box != NULL;
  if (app.delay_box != NULL)
    gtk_widget_set_visible(app.delay_box, app.delay_mode);
  build_actions();
  if (app.delay_mode) {
    /* bring the picker into view */
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(app.scrolled));
    gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj));
  }
  request_screenshot(app.delay_mode ? "-delay" : NULL);
}

/* Runs the choice from an idle: the handler may replace the buttons, which
 * must not happen while the clicked button is still handling its click. */
static gboolean run_choice(gpointer user_data)
{
  g_autofree char *id = user_data;
  if (app.cur == NULL)
    return G_SOURCE_REMOVE;
  if (strcmp(id, "close") == 0) {
    hide_current();
  } else if (strcmp(id, "delay-back") == 0) {
    set_delay_mode(FALSE);
  } else if (strcmp(id, "delay-confirm") == 0) {
    gint64 t = delay_selected_time();
    if (t > 0)
      send_answer("delay-reboot", t);
  } else if (strcmp(id, "delay-reboot") == 0 && app.delay_box != NULL) {
    set_delay_mode(TRUE);
  } else if (find_choice(id) != NULL) {
    send_answer(id, 0);
  }
  return G_SOURCE_REMOVE;
}

static void on_choice_clicked(GtkButton *button, gpointer user_data)
{
  const char *id = g_object_get_data(G_OBJECT(button), "otaux-choice");
  if (id == NULL || app.cur == NULL || app.answering)
    return;
  g_idle_add(run_choice, g_strdup(id));
}

static void build_content(const Offer *o)
{
  const Prompt *p = app.cur;
  GtkBox *col;
  gboolean is_download = strcmp(p->kind, "download") == 0;
  gboolean has_progress = strcmp(p->kind, "progress") == 0 || strcmp(p->kind, "installing") == 0;

  clear_content();
  col = GTK_BOX(app.column);

  app.title_label = make_label("", "otaux-title", 40);
  gtk_accessible_update_property(GTK_ACCESSIBLE(app.title_label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1,
                                 -1);
  gtk_box_append(col, app.title_label);

  /* The operator's install message, prominent */
  app.message_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class(app.message_box, "otaux-message");
  app.message_label = make_label("", NULL, 50);
  gtk_box_append(GTK_BOX(app.message_box), app.message_label);
  gtk_box_append(col, app.message_box);

  app.body_label = make_label("", NULL, 50);
  gtk_box_append(col, app.body_label);

  app.warning_box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class(app.warning_box, "otaux-warning");
  {
    GtkWidget *icon = gtk_image_new_from_icon_name("dialog-warning-symbolic");
    gtk_widget_set_valign(icon, GTK_ALIGN_START);
    gtk_accessible_update_property(GTK_ACCESSIBLE(icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   _("Warning"), -1);
    gtk_box_append(GTK_BOX(app.warning_box), icon);
  }
  app.warning_label = make_label("", NULL, 50);
  gtk_widget_set_hexpand(app.warning_label, TRUE);
  gtk_box_append(GTK_BOX(app.warning_box), app.warning_label);
  gtk_box_append(col, app.warning_box);

  if (is_download) {
    app.info_grid = gtk_grid_new();
    gtk_grid_set_row_spacing(GTK_GRID(app.info_grid), 6);
    gtk_grid_set_column_spacing(GTK_GRID(app.info_grid), 12);
    info_row(GTK_GRID(app.info_grid), 0, _("Name"), &app.info_name);
    info_row(GTK_GRID(app.info_grid), 1, _("Version"), &app.info_version);
    info_row(GTK_GRID(app.info_grid), 2, _("Size"), &app.info_size);
    gtk_box_append(col, app.info_grid);
  }

  if (has_progress) {
    app.progress_bar = gtk_progress_bar_new();
    gtk_progress_bar_set_pulse_step(GTK_PROGRESS_BAR(app.progress_bar), 0.08);
    gtk_widget_set_margin_top(app.progress_bar, 6);
    gtk_accessible_update_property(GTK_ACCESSIBLE(app.progress_bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   p->title[0] ? p->title : _("Progress"), -1);
    gtk_box_append(col, app.progress_bar);
  }

  app.countdown_label = make_label("", "otaux-countdown", 50);
  gtk_box_append(col, app.countdown_label);

  /* Release notes (or any details) behind an expander */
  app.details_expander = gtk_expander_new(_("Release notes"));
  {
    GtkWidget *sw = gtk_scrolled_window_new();
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(sw), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(sw), 240);
    gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(sw), TRUE);
    app.details_label = make_label("", "otaux-details", 60);
    gtk_label_set_selectable(GTK_LABEL(app.details_label), TRUE);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sw), app.details_label);
    gtk_widget_set_margin_top(sw, 6);
    gtk_expander_set_child(GTK_EXPANDER(app.details_expander), sw);
  }
  gtk_box_append(col, app.details_expander);

  if (p->choices->len > 0 && find_choice("delay-reboot") != NULL) {
    build_delay_box();
    gtk_box_append(col, app.delay_box);
  }

  app.error_label = make_label("", "error", 50);
  gtk_widget_set_visible(app.error_label, FALSE);
  gtk_box_append(col, app.error_label);

  update_texts(o);
  build_actions();
  gtk_window_set_deletable(app.window, p->dismissible);
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(app.scrolled));
    gtk_adjustment_set_value(adj, 0);
  }
}

/* ------------------------------------------------------------------ */
/* Which prompt is on screen                                           */

static gboolean idle_exit(gpointer user_data)
{
  app.idle_id = 0;
  g_debug("idle: nothing to show, exiting");
  g_main_loop_quit(app.loop);
  return G_SOURCE_REMOVE;
}

static Offer *pick_offer(void)
{
  GHashTableIter iter;
  gpointer value;
  Offer *best = NULL;
  Offer *cur = app.cur_path ? g_hash_table_lookup(app.offers, app.cur_path) : NULL;

  /* The prompt in front of the person stays until it is answered,
   * withdrawn or no longer a pop-up; the queue decides what comes next. */
  if (cur != NULL && offer_showable(cur))
    return cur;
  g_hash_table_iter_init(&iter, app.offers);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Offer *o = value;
    if (!offer_showable(o))
      continue;
    if (best == NULL || offer_rank(o) > offer_rank(best) ||
        (offer_rank(o) == offer_rank(best) && o->serial < best->serial))
      best = o;
  }
  return best;
}

static void show_nothing(void)
{
  if (app.cur != NULL) {
    g_debug("hiding %s", app.cur_path);
    clear_content();
    g_clear_pointer(&app.cur, prompt_free);
    g_clear_pointer(&app.cur_path, g_free);
    if (app.shot_tick_id) {
      gtk_widget_remove_tick_callback(GTK_WIDGET(app.window), app.shot_tick_id);
      app.shot_tick_id = 0;
    }
  }
  gtk_widget_set_visible(GTK_WIDGET(app.window), FALSE);
  if (app.idle_id == 0)
    app.idle_id = g_timeout_add_seconds(app.idle_timeout_s, idle_exit, NULL);
}

static Prompt *prompt_copy(const Offer *o)
{
  /* simplest faithful copy: re-parse from a variant round-trip is overkill;
   * copy the fields by hand */
  const Prompt *s = o->prompt;
  Prompt *p = g_new0(Prompt, 1);
  *p = *s;
  p->kind = g_strdup(s->kind);
  p->title = g_strdup(s->title);
  p->body = g_strdup(s->body);
  p->warning = g_strdup(s->warning);
  p->message = g_strdup(s->message);
  p->body_markup = g_strdup(s->body_markup);
  p->warning_markup = g_strdup(s->warning_markup);
  p->message_markup = g_strdup(s->message_markup);
  p->details = g_strdup(s->details);
  p->urgency = g_strdup(s->urgency);
  p->presentation = g_strdup(s->presentation);
  p->priority = g_strdup(s->priority);
  p->suggested = g_strdup(s->suggested);
  p->deadline_choice = g_strdup(s->deadline_choice);
  p->choices = g_ptr_array_new_with_free_func(choice_free);
  for (guint i = 0; i < s->choices->len; i++) {
    const Choice *c = g_ptr_array_index(s->choices, i);
    Choice *n = g_new0(Choice, 1);
    n->id = g_strdup(c->id);
    n->label = g_strdup(c->label);
    g_ptr_array_add(p->choices, n);
  }
  p->delay_options = g_array_new(FALSE, TRUE, sizeof(DelayOption));
  g_array_set_clear_func(p->delay_options, delay_option_clear);
  for (guint i = 0; i < s->delay_options->len; i++) {
    const DelayOption *d = &g_array_index(s->delay_options, DelayOption, i);
    DelayOption n = { g_strdup(d->label), d->time };
    g_array_append_val(p->delay_options, n);
  }
  return p;
}

static void show_offer(Offer *o)
{
  gboolean same = app.cur != NULL && g_strcmp0(app.cur_path, o->path) == 0 &&
                  strcmp(app.cur->kind, o->prompt->kind) == 0 &&
                  prompt_same_choices(app.cur, o->prompt);
  g_clear_handle_id(&app.idle_id, g_source_remove);

  if (same) {
    /* update in place: keep focus, the expander and the delay picker */
    gboolean answering = app.answering;
    Prompt *old = app.cur;
    app.cur = prompt_copy(o);
    update_texts(o);
    prompt_free(old);
    app.answering = answering;
    request_screenshot(app.delay_mode ? "-delay" : NULL);
  } else {
    g_debug("showing %s (%s)", o->path, o->prompt->kind);
    g_clear_pointer(&app.cur, prompt_free);
    g_free(app.cur_path);
    app.cur_path = g_strdup(o->path);
    app.cur = prompt_copy(o);
    build_content(o);
    request_screenshot(NULL);
  }
  if (!gtk_widget_get_visible(GTK_WIDGET(app.window)))
    gtk_window_present(app.window);
}

static void refresh(void)
{
  Offer *o;
  if (app.pending_loads > 0)
    return; /* let the initial load finish so the queue order is right */
  o = pick_offer();
  if (o == NULL)
    show_nothing();
  else
    show_offer(o);
}

/* ------------------------------------------------------------------ */
/* Window                                                              */

static gboolean on_escape(GtkWidget *widget, GVariant *args, gpointer user_data)
{
  if (app.cur == NULL)
    return TRUE;
  if (app.delay_mode) {
    set_delay_mode(FALSE);
    return TRUE;
  }
  if (!app.cur->dismissible)
    return TRUE; /* not dismissible: Escape does nothing */
  hide_current();
  return TRUE;
}

static gboolean on_close_request(GtkWindow *window, gpointer user_data)
{
  if (app.cur != NULL && app.cur->dismissible)
    hide_current();
  return TRUE; /* never destroyed by the window manager */
}

static void update_wide(void)
{
  int width = 0;
  gboolean wide;
  int margin;
  {
    int h = 0;
    gtk_window_get_default_size(app.window, &width, &h);
  }
  if (gtk_widget_get_width(GTK_WIDGET(app.window)) > 0)
    width = gtk_widget_get_width(GTK_WIDGET(app.window));
  wide = width >= WIDE_WIDTH;
  margin = MAX(wide ? 24 : 18, (width - COLUMN_MAX_WIDTH) / 2);
  gtk_widget_set_margin_start(app.column, margin);
  gtk_widget_set_margin_end(app.column, margin);
  gtk_widget_set_margin_start(app.actions, margin);
  gtk_widget_set_margin_end(app.actions, margin);
  if (wide != app.wide) {
    app.wide = wide;
    apply_action_orientation();
  }
}

static void on_size_changed(GObject *obj, GParamSpec *pspec, gpointer user_data)
{
  update_wide();
}

static const char css[] =
    ".otaux-title { font-size: 1.35em; font-weight: bold; }\n"
    ".otaux-message { padding: 12px; border-radius: 8px;"
    "  background-color: alpha(@theme_selected_bg_color, 0.14); font-weight: bold; font-size: "
    "1.1em; }\n"
    ".otaux-warning { padding: 12px; border-radius: 8px;"
    "  background-color: alpha(@warning_color, 0.18); color: @theme_fg_color; }\n"
    ".otaux-warning image { color: @warning_color; }\n"
    ".otaux-countdown { font-weight: bold; font-feature-settings: \"tnum\"; }\n"
    ".otaux-time-colon { font-size: 1.5em; font-weight: bold; }\n"
    ".otaux-actions button { min-height: 36px; padding-left: 18px; padding-right: 18px; }\n"
    "label.error { color: @error_color; }\n";

static void build_window(void)
{
  GtkWidget *root, *header;
  GtkCssProvider *provider = gtk_css_provider_new();
  GtkEventController *shortcuts;

  gtk_css_provider_load_from_data(provider, css, -1);
  gtk_style_context_add_provider_for_display(gdk_display_get_default(),
                                             GTK_STYLE_PROVIDER(provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref(provider);

  app.window = GTK_WINDOW(gtk_window_new());
  g_object_ref_sink(app.window);
  gtk_window_set_title(app.window, _("Firmware update"));
  gtk_window_set_icon_name(app.window, "software-update-available");
  gtk_window_set_default_size(app.window, app.geom_w, app.geom_h);
  gtk_window_set_resizable(app.window, TRUE);
  gtk_widget_add_css_class(GTK_WIDGET(app.window), "otaux-prompter");

  header = gtk_header_bar_new();
  app.header_title = gtk_label_new(_("Firmware update"));
  gtk_label_set_ellipsize(GTK_LABEL(app.header_title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class(app.header_title, "title");
  gtk_header_bar_set_title_widget(GTK_HEADER_BAR(header), app.header_title);
  gtk_window_set_titlebar(app.window, header);

  root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  app.scrolled = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(app.scrolled), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand(app.scrolled, TRUE);
  app.column = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top(app.column, 24);
  gtk_widget_set_margin_bottom(app.column, 18);
  gtk_widget_set_valign(app.column, GTK_ALIGN_START);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(app.scrolled), app.column);
  gtk_box_append(GTK_BOX(root), app.scrolled);

  app.actions = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class(app.actions, "otaux-actions");
  gtk_widget_set_margin_top(app.actions, 12);
  gtk_widget_set_margin_bottom(app.actions, 18);
  gtk_box_append(GTK_BOX(root), app.actions);
  gtk_window_set_child(app.window, root);

  shortcuts = gtk_shortcut_controller_new();
  gtk_shortcut_controller_add_shortcut(
      GTK_SHORTCUT_CONTROLLER(shortcuts),
      gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_Escape, 0),
                       gtk_callback_action_new(on_escape, NULL, NULL)));
  gtk_widget_add_controller(GTK_WIDGET(app.window), shortcuts);

  g_signal_connect(app.window, "close-request", G_CALLBACK(on_close_request), NULL);
  g_signal_connect(app.window, "notify::default-width", G_CALLBACK(on_size_changed), NULL);
  app.wide = FALSE;
  update_wide();
  apply_action_orientation();
}

/* ------------------------------------------------------------------ */
/* org.otaux.Prompter1: the agent asks for a pop-up                     */

/* Show(o offer, s kind): show that offer's prompt while it is of @kind,
 * also when its presentation is not "popup" (a question the notification
 * server cannot ask, a click on a notification), and also when the person
 * hid it before. The reply tells the agent that this prompter took it. */
static const char prompter_xml[] = "<node>"
                                   "  <interface name='org.otaux.Prompter1'>"
                                   "    <method name='Show'>"
                                   "      <arg name='offer' type='o' direction='in'/>"
                                   "      <arg name='kind' type='s' direction='in'/>"
                                   "    </method>"
                                   "  </interface>"
                                   "</node>";

static void on_prompter_method(GDBusConnection *c, const char *sender, const char *path,
                               const char *iface, const char *method, GVariant *params,
                               GDBusMethodInvocation *invocation, gpointer user_data)
{
  const char *offer_path, *kind;
  Offer *o;

  if (g_strcmp0(method, "Show") != 0) {
    g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                          "no method %s", method);
    return;
  }
  g_variant_get(params, "(&o&s)", &offer_path, &kind);
  o = offer_track(offer_path, FALSE);
  if (o == NULL) {
    g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                          "not an offer: %s", offer_path);
    return;
  }
  g_debug("Show(%s, %s)", offer_path, kind);
  g_free(o->requested_kind);
  o->requested_kind = g_strdup(kind);
  o->request_seen = o->prompt != NULL && strcmp(o->prompt->kind, kind) == 0;
  if (g_strcmp0(o->hidden_kind, kind) == 0)
    g_clear_pointer(&o->hidden_kind, g_free);
  /* Whatever comes next, do not exit idle before it is loaded. */
  g_clear_handle_id(&app.idle_id, g_source_remove);
  app.idle_id = g_timeout_add_seconds(MAX(app.idle_timeout_s, 5), idle_exit, NULL);
  refresh();
  g_dbus_method_invocation_return_value(invocation, NULL);
}

static guint register_prompter_object(GDBusConnection *c)
{
  static const GDBusInterfaceVTable vtable = { on_prompter_method, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml(prompter_xml, NULL);
  g_autoptr(GError) error = NULL;
  guint id = g_dbus_connection_register_object(c, "/org/otaux/Prompter", info->interfaces[0],
                                               &vtable, NULL, NULL, &error);
  if (id == 0)
    g_warning("cannot export /org/otaux/Prompter: %s", error->message);
  return id;
}

/* ------------------------------------------------------------------ */
/* Bus name                                                            */

static gboolean name_acquired_once;

static void on_name_acquired(GDBusConnection *c, const char *name, gpointer user_data)
{
  name_acquired_once = TRUE;
  g_debug("owning %s", name);
  app.watch_id = g_bus_watch_name_on_connection(c, AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                agent_appeared, agent_vanished, NULL, NULL);
}

static void on_name_lost(GDBusConnection *c, const char *name, gpointer user_data)
{
  if (!name_acquired_once)
    g_debug("%s is taken: another prompter runs", name);
  else
    g_debug("lost %s", name);
  app.exit_code = 0;
  g_main_loop_quit(app.loop);
}

/* ------------------------------------------------------------------ */
/* Language                                                            */

/* Our chrome in the person's language: the "otaux" domain, from
 * $OTAUX_LOCALEDIR (tests: BUILD/po) or the installed locale dir. */
static void init_gettext(void)
{
  const char *dir = g_getenv("OTAUX_LOCALEDIR");
  bindtextdomain(GETTEXT_PACKAGE, dir != NULL && dir[0] != '\0' ? dir : OTAUX_LOCALEDIR);
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
  textdomain(GETTEXT_PACKAGE);
}

/* Right-to-left languages get the mirrored layout. Our own catalog says so
 * (as GTK's does), so it follows the language of our texts even when
 * GTK's translations are not installed; otherwise GTK's choice stays. */
static void set_text_direction(void)
{
  /* TRANSLATORS: the text direction of your language. Translate as
   * "default:RTL" for a language written right to left (Arabic, Hebrew,
   * Persian...); otherwise keep "default:LTR". Do not translate the words. */
  if (strcmp(_("default:LTR"), "default:RTL") == 0)
    gtk_widget_set_default_direction(GTK_TEXT_DIR_RTL);
}

int main(int argc, char **argv)
{
  int idle_timeout = 10;
  g_autofree char *geometry = NULL;
  g_autofree char *shot_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  GOptionEntry entries[] = {
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      "Exit after SECONDS with nothing to show (default 10)", "SECONDS" },
    { "geometry", 0, 0, G_OPTION_ARG_STRING, &geometry, "Window size (default 360x640)", "WxH" },
    { "screenshot-dir", 0, 0, G_OPTION_ARG_FILENAME, &shot_dir,
      "Save a PNG of every prompt drawn (and its button geometry) into DIR", "DIR" },
    { NULL },
  };

  setlocale(LC_ALL, "");
  init_gettext();
  ctx = g_option_context_new("- the otaux firmware update pop-up");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    g_printerr("otaux-prompter: %s\n", error->message);
    return 2;
  }
  app.idle_timeout_s = (guint)MAX(idle_timeout, 0);
  app.geom_w = 360;
  app.geom_h = 640;
  if (geometry != NULL) {
    int w = 0, h = 0;
    if (sscanf(geometry, "%dx%d", &w, &h) != 2 || w < 100 || h < 100 || w > 10000 || h > 10000) {
      g_printerr("otaux-prompter: bad --geometry %s (want WxH)\n", geometry);
      return 2;
    }
    app.geom_w = w;
    app.geom_h = h;
  }
  if (shot_dir != NULL) {
    if (g_mkdir_with_parents(shot_dir, 0755) != 0) {
      g_printerr("otaux-prompter: cannot create %s\n", shot_dir);
      return 2;
    }
    app.shot_dir = g_steal_pointer(&shot_dir);
  }

  if (!gtk_init_check()) {
    g_printerr("otaux-prompter: cannot open the display\n");
    return 1;
  }
  set_text_direction();
  app.bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
  if (app.bus == NULL) {
    g_printerr("otaux-prompter: %s\n", error->message);
    return 1;
  }
  g_dbus_connection_set_exit_on_close(app.bus, FALSE);
  app.loop = g_main_loop_new(NULL, FALSE);
  app.offers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, offer_free);
  build_window();

  /* Before the name: a Show may come as soon as we own it. */
  app.object_id = register_prompter_object(app.bus);
  app.own_id =
      g_bus_own_name_on_connection(app.bus, PROMPTER_NAME, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                   on_name_acquired, on_name_lost, NULL, NULL);
  /* Until the agent shows up, there is nothing to show: the idle timer runs. */
  app.idle_id = g_timeout_add_seconds(app.idle_timeout_s, idle_exit, NULL);

  g_main_loop_run(app.loop);

  if (app.watch_id)
    g_bus_unwatch_name(app.watch_id);
  g_bus_unown_name(app.own_id);
  if (app.object_id)
    g_dbus_connection_unregister_object(app.bus, app.object_id);
  if (app.agent_present) {
    g_dbus_connection_signal_unsubscribe(app.bus, app.sub_added);
    g_dbus_connection_signal_unsubscribe(app.bus, app.sub_removed);
    g_dbus_connection_signal_unsubscribe(app.bus, app.sub_props);
    g_cancellable_cancel(app.agent_cancel);
    g_clear_object(&app.agent_cancel);
  }
  clear_content();
  g_clear_pointer(&app.cur, prompt_free);
  g_clear_pointer(&app.cur_path, g_free);
  g_clear_handle_id(&app.idle_id, g_source_remove);
  gtk_window_destroy(app.window);
  g_object_unref(app.window);
  g_hash_table_destroy(app.offers);
  g_dbus_connection_flush_sync(app.bus, NULL, NULL);
  g_object_unref(app.bus);
  g_main_loop_unref(app.loop);
  g_free(app.shot_dir);
  g_free(app.shot_suffix);
  return app.exit_code;
}
