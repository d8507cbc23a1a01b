/* The agent client: follows org.otaux.Agent's offers (Offers,
 * OfferAdded/OfferRemoved, PropertiesChanged), sends Offer1.Answer, and
 * serves org.otaux.Prompter1 on /org/otaux/Prompter (docs/dbus-api.md,
 * "The pop-up: org.otaux.Prompter1"):
 *   Show(o offer, s kind)  the agent asks for a pop-up of that offer's
 *                          prompt while it is of @kind (a question the
 *                          notification server cannot ask, a click on a
 *                          notification), also when the person hid it;
 *                          the reply is the prompter's receipt;
 *   Shown(o offer)         that offer's question is on screen;
 *   Hidden(o offer)        it left the screen (hidden, replaced, withdrawn,
 *                          answered with nothing more to show, exiting). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "otaux-prompter.h"

/* ------------------------------------------------------------------ */
/* Offers                                                              */

static void offer_free(gpointer data)
{
  OtauxPrompterOffer *o = data;
  g_cancellable_cancel(o->cancel);
  g_object_unref(o->cancel);
  g_free(o->path);
  g_free(o->name);
  g_free(o->version);
  g_free(o->priority);
  g_free(o->hidden_kind);
  g_free(o->requested_kind);
  otaux_prompt_free(o->prompt);
  g_free(o);
}

static gboolean offer_showable(const OtauxPrompterOffer *o)
{
  const OtauxPrompt *p = o->prompt;
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

static int offer_rank(const OtauxPrompterOffer *o)
{
  const char *prio = o->prompt && o->prompt->priority[0] ? o->prompt->priority : o->priority;
  return otaux_prompt_priority_rank(prio);
}

static void offer_set_prompt(OtauxPrompterOffer *o, GVariant *value)
{
  OtauxPrompt *p = otaux_prompt_parse(value);
  if (o->hidden_kind != NULL && strcmp(o->hidden_kind, p->kind) != 0)
    g_clear_pointer(&o->hidden_kind, g_free);
  /* A request is for one kind; it may arrive before the prompt does. */
  if (o->requested_kind != NULL) {
    if (strcmp(o->requested_kind, p->kind) == 0)
      o->request_seen = TRUE;
    else if (o->request_seen)
      g_clear_pointer(&o->requested_kind, g_free);
  }
  otaux_prompt_free(o->prompt);
  o->prompt = p;
}

static void replace_string(char **field, GVariant *value)
{
  g_free(*field);
  *field = g_variant_dup_string(value, NULL);
}

static void offer_apply(OtauxPrompterOffer *o, const char *key, GVariant *value)
{
  if (strcmp(key, "Prompt") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_VARDICT))
    offer_set_prompt(o, value);
  else if (strcmp(key, "Name") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    replace_string(&o->name, value);
  else if (strcmp(key, "Version") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    replace_string(&o->version, value);
  else if (strcmp(key, "Priority") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    replace_string(&o->priority, value);
  else if (strcmp(key, "Size") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
    o->size = g_variant_get_uint64(value);
  else if (strcmp(key, "BytesDone") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
    o->bytes_done = g_variant_get_uint64(value);
  else if (strcmp(key, "BytesTotal") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
    o->bytes_total = g_variant_get_uint64(value);
}

static void offer_apply_all(OtauxPrompterOffer *o, GVariant *props)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  g_variant_iter_init(&iter, props);
  while (g_variant_iter_loop(&iter, "{&sv}", &key, &value))
    offer_apply(o, key, value);
}

typedef struct {
  OtauxPrompter *self;
  char *path;
  gboolean initial;
} LoadData;

static void offer_loaded(GObject *source, GAsyncResult *res, gpointer user_data)
{
  LoadData *ld = user_data;
  OtauxPrompter *self = ld->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  if (reply == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out; /* the offer (or the agent) went away */
  if (ld->initial && self->pending_loads > 0)
    self->pending_loads--;
  if (reply == NULL) {
    g_debug("GetAll %s: %s", ld->path, error->message);
  } else {
    OtauxPrompterOffer *o = g_hash_table_lookup(self->offers, ld->path);
    if (o != NULL) {
      g_autoptr(GVariant) props = g_variant_get_child_value(reply, 0);
      offer_apply_all(o, props);
      if (o->prompt == NULL) {
        g_autoptr(GVariant) empty = g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
        offer_set_prompt(o, g_variant_ref_sink(empty));
      }
    }
  }
  otaux_prompter_window_refresh(self);
out:
  g_free(ld->path);
  g_free(ld);
}

static void offer_load(OtauxPrompter *self, OtauxPrompterOffer *o, gboolean initial)
{
  LoadData *ld = g_new0(LoadData, 1);
  ld->self = self;
  ld->path = g_strdup(o->path);
  ld->initial = initial;
  if (initial)
    self->pending_loads++;
  g_dbus_connection_call(self->bus, OTAUX_PROMPTER_AGENT_NAME, o->path, OTAUX_PROMPTER_PROPS_IFACE,
                         "GetAll", g_variant_new("(s)", OTAUX_PROMPTER_OFFER_IFACE),
                         G_VARIANT_TYPE("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, o->cancel,
                         offer_loaded, ld);
}

static OtauxPrompterOffer *offer_track(OtauxPrompter *self, const char *path, gboolean initial)
{
  OtauxPrompterOffer *o = g_hash_table_lookup(self->offers, path);
  if (o != NULL)
    return o;
  /* the agent's own offers, and the system instance's it presents */
  if (!g_str_has_prefix(path, OTAUX_PROMPTER_OFFER_PREFIX) &&
      !g_str_has_prefix(path, OTAUX_PROMPTER_SYSTEM_OFFER_PREFIX))
    return NULL;
  o = g_new0(OtauxPrompterOffer, 1);
  o->path = g_strdup(path);
  o->serial = (guint)g_ascii_strtoull(strrchr(path, '/') + 1, NULL, 10);
  o->name = g_strdup("");
  o->version = g_strdup("");
  o->priority = g_strdup("");
  o->cancel = g_cancellable_new();
  g_hash_table_insert(self->offers, o->path, o);
  offer_load(self, o, initial);
  return o;
}

OtauxPrompterOffer *otaux_prompter_client_current(OtauxPrompter *self)
{
  return self->cur_path ? g_hash_table_lookup(self->offers, self->cur_path) : NULL;
}

OtauxPrompterOffer *otaux_prompter_client_pick(OtauxPrompter *self)
{
  GHashTableIter iter;
  gpointer value;
  OtauxPrompterOffer *best = NULL;
  OtauxPrompterOffer *cur = otaux_prompter_client_current(self);

  /* The prompt in front of the person stays until it is answered,
   * withdrawn or no longer a pop-up; the queue decides what comes next. */
  if (cur != NULL && offer_showable(cur))
    return cur;
  g_hash_table_iter_init(&iter, self->offers);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    OtauxPrompterOffer *o = value;
    if (!offer_showable(o))
      continue;
    if (best == NULL || offer_rank(o) > offer_rank(best) ||
        (offer_rank(o) == offer_rank(best) && o->serial < best->serial))
      best = o;
  }
  return best;
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
  offer_track(user_data, offer_path, FALSE);
}

static void on_offer_removed(GDBusConnection *c, const char *sender, const char *path,
                             const char *iface, const char *signal, GVariant *params,
                             gpointer user_data)
{
  OtauxPrompter *self = user_data;
  const char *offer_path;
  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
    return;
  g_variant_get(params, "(&o)", &offer_path);
  if (g_hash_table_remove(self->offers, offer_path))
    otaux_prompter_window_refresh(self);
}

static void on_props_changed(GDBusConnection *c, const char *sender, const char *path,
                             const char *iface, const char *signal, GVariant *params,
                             gpointer user_data)
{
  OtauxPrompter *self = user_data;
  const char *interface;
  g_autoptr(GVariant) changed = NULL;
  g_autoptr(GVariant) invalidated = NULL;
  OtauxPrompterOffer *o;

  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
    return;
  g_variant_get(params, "(&s@a{sv}@as)", &interface, &changed, &invalidated);
  if (strcmp(interface, OTAUX_PROMPTER_OFFER_IFACE) != 0)
    return;
  o = g_hash_table_lookup(self->offers, path);
  if (o == NULL) {
    offer_track(self, path, FALSE); /* loads everything */
    return;
  }
  offer_apply_all(o, changed);
  if (g_variant_n_children(invalidated) > 0)
    offer_load(self, o, FALSE);
  otaux_prompter_window_refresh(self);
}

static void on_offers_listed(GObject *source, GAsyncResult *res, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
  g_autoptr(GVariant) v = NULL;

  if (reply == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* self may be gone */
  if (self->pending_loads > 0)
    self->pending_loads--; /* the listing itself */
  if (reply == NULL) {
    g_warning("cannot list the offers: %s", error->message);
    otaux_prompter_window_refresh(self);
    return;
  }
  g_variant_get(reply, "(v)", &v);
  if (g_variant_is_of_type(v, G_VARIANT_TYPE("ao"))) {
    GVariantIter iter;
    const char *p;
    g_variant_iter_init(&iter, v);
    while (g_variant_iter_next(&iter, "&o", &p))
      offer_track(self, p, TRUE);
  }
  otaux_prompter_window_refresh(self);
}

static void agent_unsubscribe(OtauxPrompter *self)
{
  if (!self->agent_present)
    return;
  g_dbus_connection_signal_unsubscribe(self->bus, self->sub_added);
  g_dbus_connection_signal_unsubscribe(self->bus, self->sub_removed);
  g_dbus_connection_signal_unsubscribe(self->bus, self->sub_props);
  g_cancellable_cancel(self->agent_cancel);
  g_clear_object(&self->agent_cancel);
  self->agent_present = FALSE;
}

static void agent_appeared(GDBusConnection *c, const char *name, const char *owner,
                           gpointer user_data)
{
  OtauxPrompter *self = user_data;
  self->agent_present = TRUE;
  self->agent_cancel = g_cancellable_new();
  self->sub_added = g_dbus_connection_signal_subscribe(
      c, owner, OTAUX_PROMPTER_AGENT_IFACE, "OfferAdded", OTAUX_PROMPTER_AGENT_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_offer_added, self, NULL);
  self->sub_removed = g_dbus_connection_signal_subscribe(
      c, owner, OTAUX_PROMPTER_AGENT_IFACE, "OfferRemoved", OTAUX_PROMPTER_AGENT_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_offer_removed, self, NULL);
  self->sub_props = g_dbus_connection_signal_subscribe(
      c, owner, OTAUX_PROMPTER_PROPS_IFACE, "PropertiesChanged", NULL, OTAUX_PROMPTER_OFFER_IFACE,
      G_DBUS_SIGNAL_FLAGS_NONE, on_props_changed, self, NULL);
  self->pending_loads++;
  g_dbus_connection_call(c, owner, OTAUX_PROMPTER_AGENT_PATH, OTAUX_PROMPTER_PROPS_IFACE, "Get",
                         g_variant_new("(ss)", OTAUX_PROMPTER_AGENT_IFACE, "Offers"),
                         G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, self->agent_cancel,
                         on_offers_listed, self);
}

static void agent_vanished(GDBusConnection *c, const char *name, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  agent_unsubscribe(self);
  self->pending_loads = 0;
  g_hash_table_remove_all(self->offers);
  otaux_prompter_window_refresh(self);
}

/* ------------------------------------------------------------------ */
/* Answering                                                           */

typedef struct {
  OtauxPrompter *self;
  char *path;
} AnswerData;

static void on_answered(GObject *source, GAsyncResult *res, gpointer user_data)
{
  AnswerData *ad = user_data;
  OtauxPrompter *self = ad->self;
  g_autofree char *path = ad->path;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

  g_free(ad);
  if (g_strcmp0(path, self->cur_path) != 0)
    return; /* the window shows something else by now */
  self->answering = FALSE;
  otaux_prompter_window_set_sensitive(self, TRUE);
  if (reply == NULL) {
    g_autofree char *remote = g_dbus_error_get_remote_error(error);
    g_autofree char *text = NULL;
    g_dbus_error_strip_remote_error(error);
    g_warning("Answer on %s failed: %s %s", path, remote ? remote : "", error->message);
    /* TRANSLATORS: the agent refused the person's answer; %s is its error message in English:
       "The answer was not accepted: the prompt does not offer that choice". */
    text = g_strdup_printf(_("The answer was not accepted: %s"), error->message);
    otaux_prompter_window_set_error(self, text);
  }
  /* Otherwise the agent publishes the next prompt; refresh() follows it. */
}

void otaux_prompter_client_answer(OtauxPrompter *self, const char *choice, gint64 reboot_at)
{
  GVariantBuilder details;
  AnswerData *ad;

  if (self->cur_path == NULL || self->answering)
    return;
  g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
  if (reboot_at > 0)
    g_variant_builder_add(&details, "{sv}", "reboot-at", g_variant_new_int64(reboot_at));
  self->answering = TRUE;
  otaux_prompter_window_set_sensitive(self, FALSE);
  otaux_prompter_window_set_error(self, NULL);
  g_debug("Answer(%s, %" G_GINT64_FORMAT ") on %s", choice, reboot_at, self->cur_path);
  ad = g_new0(AnswerData, 1);
  ad->self = self;
  ad->path = g_strdup(self->cur_path);
  /* The call outlives nothing: main() flushes and waits for no reply. */
  g_dbus_connection_call(self->bus, OTAUX_PROMPTER_AGENT_NAME, self->cur_path,
                         OTAUX_PROMPTER_OFFER_IFACE, "Answer",
                         g_variant_new("(sa{sv})", choice, &details), G_VARIANT_TYPE("()"),
                         G_DBUS_CALL_FLAGS_NONE, 25000, NULL, on_answered, ad);
}

void otaux_prompter_client_hide_current(OtauxPrompter *self)
{
  OtauxPrompterOffer *o = otaux_prompter_client_current(self);
  if (o == NULL)
    return;
  if (o->prompt != NULL) {
    g_free(o->hidden_kind);
    o->hidden_kind = g_strdup(o->prompt->kind);
  }
  otaux_prompter_window_refresh(self);
}

/* ------------------------------------------------------------------ */
/* org.otaux.Prompter1                                                 */

static const char prompter_xml[] = "<node>"
                                   "  <interface name='org.otaux.Prompter1'>"
                                   "    <method name='Show'>"
                                   "      <arg name='offer' type='o' direction='in'/>"
                                   "      <arg name='kind' type='s' direction='in'/>"
                                   "    </method>"
                                   "    <signal name='Shown'>"
                                   "      <arg name='offer' type='o'/>"
                                   "    </signal>"
                                   "    <signal name='Hidden'>"
                                   "      <arg name='offer' type='o'/>"
                                   "    </signal>"
                                   "  </interface>"
                                   "</node>";

static void emit(OtauxPrompter *self, const char *signal, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_debug("%s(%s)", signal, path);
  if (!g_dbus_connection_emit_signal(self->bus, NULL, OTAUX_PROMPTER_PATH, OTAUX_PROMPTER_IFACE,
                                     signal, g_variant_new("(o)", path), &error))
    g_warning("cannot emit %s: %s", signal, error->message);
}

void otaux_prompter_client_set_on_screen(OtauxPrompter *self, const char *path)
{
  if (g_strcmp0(self->on_screen, path) == 0)
    return;
  if (self->on_screen != NULL)
    emit(self, "Hidden", self->on_screen);
  g_free(self->on_screen);
  self->on_screen = g_strdup(path);
  if (path != NULL)
    emit(self, "Shown", path);
}

static void on_prompter_method(GDBusConnection *c, const char *sender, const char *path,
                               const char *iface, const char *method, GVariant *params,
                               GDBusMethodInvocation *invocation, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  const char *offer_path, *kind;
  OtauxPrompterOffer *o;

  if (g_strcmp0(method, "Show") != 0) {
    g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                          "no method %s", method);
    return;
  }
  g_variant_get(params, "(&o&s)", &offer_path, &kind);
  o = offer_track(self, offer_path, FALSE);
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
  otaux_prompter_window_arm_idle(self, MAX(self->idle_timeout_s, 5));
  otaux_prompter_window_refresh(self);
  g_dbus_method_invocation_return_value(invocation, NULL);
}

guint otaux_prompter_client_export(OtauxPrompter *self)
{
  static const GDBusInterfaceVTable vtable = { on_prompter_method, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml(prompter_xml, NULL);
  g_autoptr(GError) error = NULL;
  guint id = g_dbus_connection_register_object(self->bus, OTAUX_PROMPTER_PATH, info->interfaces[0],
                                               &vtable, self, NULL, &error);
  if (id == 0)
    g_warning("cannot export %s: %s", OTAUX_PROMPTER_PATH, error->message);
  return id;
}

/* ------------------------------------------------------------------ */
/* Bus name                                                            */

static void on_name_acquired(GDBusConnection *c, const char *name, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  self->name_acquired = TRUE;
  g_debug("owning %s", name);
  self->watch_id =
      g_bus_watch_name_on_connection(c, OTAUX_PROMPTER_AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     agent_appeared, agent_vanished, self, NULL);
}

static void on_name_lost(GDBusConnection *c, const char *name, gpointer user_data)
{
  OtauxPrompter *self = user_data;
  if (!self->name_acquired)
    g_debug("%s is taken: another prompter runs", name);
  else
    g_debug("lost %s", name);
  self->exit_code = 0;
  g_main_loop_quit(self->loop);
}

void otaux_prompter_client_start(OtauxPrompter *self)
{
  self->offers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, offer_free);
  /* Before the name: a Show may come as soon as we own it. */
  self->object_id = otaux_prompter_client_export(self);
  self->own_id = g_bus_own_name_on_connection(self->bus, OTAUX_PROMPTER_NAME,
                                              G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, on_name_acquired,
                                              on_name_lost, self, NULL);
}

void otaux_prompter_client_stop(OtauxPrompter *self)
{
  otaux_prompter_client_set_on_screen(self, NULL);
  if (self->watch_id)
    g_bus_unwatch_name(self->watch_id);
  self->watch_id = 0;
  if (self->own_id)
    g_bus_unown_name(self->own_id);
  self->own_id = 0;
  if (self->object_id)
    g_dbus_connection_unregister_object(self->bus, self->object_id);
  self->object_id = 0;
  agent_unsubscribe(self);
  g_clear_pointer(&self->offers, g_hash_table_destroy);
}
