/* otauxctl-preview-walk: sample offers through every phase, for each
 * priority, as an updater would drive them (org.otaux.Agent1 / Offer1),
 * with the agent's test clock (org.otaux.Testing1.SetTime) bringing the
 * reminders and the final warning at once. The agent shows each prompt as
 * it would on the device; we wait until it is on screen and picture it. */
#include "config.h"
#include "otauxctl-preview-walk.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#define AGENT_NAME      "org.otaux.Agent"
#define OFFER_IFACE     "org.otaux.Offer1"
#define SHOW_TIMEOUT_MS 15000
#define MB              ((guint64)1000 * 1000)

void preview_json_string(GString *out, const char *text)
{
  g_string_append_c(out, '"');
  for (const char *c = text != NULL ? text : ""; *c != '\0'; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_printf(out, "\\%c", *c);
    else if ((guchar)*c < 0x20)
      g_string_append_printf(out, "\\u%04x", (guchar)*c);
    else
      g_string_append_c(out, *c);
  }
  g_string_append_c(out, '"');
}

static GVariant *call(PreviewWalk *w, const char *path, const char *iface, const char *method,
                      GVariant *params, const char *reply, GError **error)
{
  return g_dbus_connection_call_sync(preview_session_bus(w->session), AGENT_NAME, path, iface,
                                     method, params, reply != NULL ? G_VARIANT_TYPE(reply) : NULL,
                                     G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
}

static gboolean call_void(PreviewWalk *w, const char *path, const char *method, GVariant *params,
                          GError **error)
{
  g_autoptr(GVariant) reply = call(w, path, OFFER_IFACE, method, params, NULL, error);
  return reply != NULL;
}

/* The agent's clock: never backwards while an offer waits for it. */
static gboolean set_time(PreviewWalk *w, gint64 t, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  w->clock = MAX(t, w->clock);
  reply = call(w, "/org/otaux/Agent/Testing", "org.otaux.Testing1", "SetTime",
               g_variant_new("(x)", w->clock), NULL, error);
  return reply != NULL;
}

static GVariant *get_prompt(PreviewWalk *w, const char *path)
{
  g_autoptr(GVariant) reply = call(w, path, "org.freedesktop.DBus.Properties", "Get",
                                   g_variant_new("(ss)", OFFER_IFACE, "Prompt"), "(v)", NULL);
  g_autoptr(GVariant) value = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get(reply, "(v)", &value);
  return g_variant_is_of_type(value, G_VARIANT_TYPE_VARDICT) ? g_steal_pointer(&value) : NULL;
}

static char *prompt_string(GVariant *prompt, const char *key)
{
  const char *s = NULL;

  if (prompt == NULL || !g_variant_lookup(prompt, key, "&s", &s))
    s = "";
  return g_strdup(s);
}

static gboolean has_choice(GVariant *prompt, const char *id)
{
  g_autoptr(GVariantIter) iter = NULL;
  const char *cid, *label;

  if (prompt == NULL || !g_variant_lookup(prompt, "choices", "a(ss)", &iter))
    return FALSE;
  while (g_variant_iter_next(iter, "(&s&s)", &cid, &label))
    if (g_str_equal(cid, id))
      return TRUE;
  return FALSE;
}

static gint64 prompt_int64(GVariant *prompt, const char *key)
{
  gint64 v = 0;

  if (prompt != NULL)
    g_variant_lookup(prompt, key, "x", &v);
  return v;
}

/* What was on the bus and in the prompter's folder before an action. */
typedef struct {
  guint notifies;
} Step;

static Step step(PreviewWalk *w)
{
  g_autoptr(GDir) dir = g_dir_open(preview_session_shots(w->session), 0, NULL);
  const char *name;

  /* The prompter writes SERIAL-KIND.json when it has drawn a screen: an empty folder
   * means anything that appears is new. */
  while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
    g_autofree char *path = g_build_filename(preview_session_shots(w->session), name, NULL);
    g_unlink(path);
  }
  return (Step){ preview_session_n_notifies(w->session) };
}

typedef struct {
  PreviewWalk *w;
  const char *path;
  const char *const *kinds;
  const Step *step;
  GVariant *prompt; /* the last one read */
  char *kind;
} Shown;

static gboolean kind_reached(gpointer data)
{
  Shown *sh = data;

  g_clear_pointer(&sh->prompt, g_variant_unref);
  g_clear_pointer(&sh->kind, g_free);
  sh->prompt = get_prompt(sh->w, sh->path);
  sh->kind = prompt_string(sh->prompt, "kind");
  return g_strv_contains(sh->kinds, sh->kind);
}

/* The newest Notify since the step whose summary carries the title. */
static GVariant *notify_since(PreviewWalk *w, const Step *st, const char *title)
{
  for (guint i = preview_session_n_notifies(w->session); i > st->notifies; i--) {
    g_autoptr(GVariant) args = preview_session_get_notify(w->session, i - 1);
    const char *summary = NULL;

    g_variant_get_child(args, 3, "&s", &summary);
    if (summary != NULL && strstr(summary, title) != NULL)
      return g_steal_pointer(&args);
  }
  return NULL;
}

static gboolean on_screen(gpointer data)
{
  Shown *sh = data;
  g_autofree char *presentation = prompt_string(sh->prompt, "presentation");
  g_autofree char *title = prompt_string(sh->prompt, "title");

  if (g_str_equal(presentation, "popup")) {
    g_autofree char *serial = g_path_get_basename(sh->path);
    g_autofree char *name = g_strdup_printf("%s-%s.json", serial, sh->kind);
    g_autofree char *file = g_build_filename(preview_session_shots(sh->w->session), name, NULL);

    return g_file_test(file, G_FILE_TEST_EXISTS);
  }
  if (g_str_equal(presentation, "notification") || g_str_equal(presentation, "actions")) {
    g_autoptr(GVariant) args = notify_since(sh->w, sh->step, title);
    return args != NULL;
  }
  return TRUE;
}

static void add_entry(PreviewWalk *w, const char *picture, const char *priority, GVariant *prompt,
                      GVariant *notify, gboolean seen)
{
  static const char *const keys[] = { "kind",    "presentation", "title",   "body",
                                      "warning", "message",      "details", NULL };
  GString *o = w->index;
  g_autoptr(GVariantIter) iter = NULL;
  const char *cid, *label;
  gboolean first = TRUE;

  g_string_append_printf(o, "%s\n    {\"picture\": ", w->n_pictures > 0 ? "," : "");
  preview_json_string(o, picture);
  g_string_append(o, ", \"priority\": ");
  preview_json_string(o, priority);
  g_string_append_printf(o, ", \"on-screen\": %s", seen ? "true" : "false");
  for (gsize i = 0; keys[i] != NULL; i++) {
    g_autofree char *v = prompt_string(prompt, keys[i]);
    g_string_append_printf(o, ",\n     \"%s\": ", keys[i]);
    preview_json_string(o, v);
  }
  g_string_append(o, ",\n     \"choices\": [");
  if (prompt != NULL && g_variant_lookup(prompt, "choices", "a(ss)", &iter))
    while (g_variant_iter_next(iter, "(&s&s)", &cid, &label)) {
      g_string_append(o, first ? "[" : ", [");
      preview_json_string(o, cid);
      g_string_append(o, ", ");
      preview_json_string(o, label);
      g_string_append(o, "]");
      first = FALSE;
    }
  g_string_append(o, "],\n     \"notification\": ");
  if (notify == NULL) {
    g_string_append(o, "null}");
  } else {
    const char *summary, *body;
    g_autoptr(GVariantIter) actions = NULL;
    const char *a;

    g_variant_get_child(notify, 3, "&s", &summary);
    g_variant_get_child(notify, 4, "&s", &body);
    g_variant_get_child(notify, 5, "as", &actions);
    g_string_append(o, "{\"summary\": ");
    preview_json_string(o, summary);
    g_string_append(o, ", \"body\": ");
    preview_json_string(o, body);
    g_string_append(o, ", \"actions\": [");
    first = TRUE;
    while (g_variant_iter_next(actions, "&s", &a)) {
      g_string_append(o, first ? "" : ", ");
      preview_json_string(o, a);
      first = FALSE;
    }
    g_string_append(o, "]}}");
  }
}

/* dunst draws no buttons: the picture of an "actions" notification says
 * which ones the server was given, "[Download] [Not now]". NULL if none. */
static char *buttons_caption(GVariant *prompt)
{
  g_autoptr(GVariantIter) iter = NULL;
  g_autoptr(GString) out = g_string_new(NULL);
  const char *cid, *label;

  if (prompt == NULL || !g_variant_lookup(prompt, "choices", "a(ss)", &iter))
    return NULL;
  while (g_variant_iter_next(iter, "(&s&s)", &cid, &label))
    g_string_append_printf(out, "%s[%s]", out->len > 0 ? "  " : "", label);
  return out->len > 0 ? g_strdup(out->str) : NULL;
}

/* Waits until the offer's prompt is one of @kinds and on screen, then
 * saves the screen as PREFIX-LABEL.png and records the texts. */
static gboolean screen(PreviewWalk *w, const Step *st, const char *path, const char *priority,
                       const char *prefix, const char *label, const char *const *kinds,
                       GError **error)
{
  Shown sh = { w, path, kinds, st, NULL, NULL };
  g_autofree char *what = g_strdup_printf("the %s prompt", kinds[0]);
  g_autofree char *picture = g_strdup_printf("%s-%s.png", prefix, label);
  g_autofree char *file = g_build_filename(w->output, picture, NULL);
  g_autofree char *title = NULL;
  g_autoptr(GVariant) notify = NULL;
  g_autoptr(GError) unseen = NULL;
  g_autofree char *presentation = NULL;
  g_autofree char *caption = NULL;
  gboolean seen, ok = FALSE;

  if (!preview_session_wait(w->session, kind_reached, &sh, SHOW_TIMEOUT_MS, what, error))
    goto out;
  seen = preview_session_wait(w->session, on_screen, &sh, SHOW_TIMEOUT_MS, what, &unseen);
  if (!seen && g_error_matches(unseen, PREVIEW_ERROR, PREVIEW_ERROR_FAILED)) { /* interrupted */
    g_propagate_error(error, g_steal_pointer(&unseen));
    goto out;
  }
  if (!seen) {
    g_autofree char *shown_as = prompt_string(sh.prompt, "presentation");
    g_printerr("otauxctl preview: %s: the %s prompt (%s) did not reach the screen in %u s\n",
               picture, sh.kind, shown_as, SHOW_TIMEOUT_MS / 1000);
    w->n_unseen++;
  }
  presentation = prompt_string(sh.prompt, "presentation");
  caption = g_str_equal(presentation, "actions") ? buttons_caption(sh.prompt) : NULL;
  if (!preview_session_capture(w->session, file, !g_str_equal(presentation, "silent"), caption,
                               error))
    goto out;
  title = prompt_string(sh.prompt, "title");
  notify = notify_since(w, st, title);
  add_entry(w, picture, priority, sh.prompt, notify, seen);
  w->n_pictures++;
  g_print("  %-36s %s\n", picture, title);
  ok = TRUE;
out:
  g_clear_pointer(&sh.prompt, g_variant_unref);
  g_free(sh.kind);
  return ok;
}

static char *offer(PreviewWalk *w, GVariant *package, GError **error)
{
  g_autoptr(GVariant) reply = call(w, "/org/otaux/Agent", "org.otaux.Agent1", "Offer",
                                   g_variant_new_tuple(&package, 1), "(o)", error);
  char *path = NULL;

  if (reply != NULL)
    g_variant_get(reply, "(o)", &path);
  return path;
}

static GVariant *answer_args(const char *choice, gint64 reboot_at)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  if (reboot_at > 0)
    g_variant_builder_add(&b, "{sv}", "reboot-at", g_variant_new_int64(reboot_at));
  return g_variant_new("(sa{sv})", choice, &b);
}

static GVariant *state_args(guint32 state, guint64 done, guint64 total)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  if (total > 0) {
    g_variant_builder_add(&b, "{sv}", "bytes-done", g_variant_new_uint64(done));
    g_variant_builder_add(&b, "{sv}", "bytes-total", g_variant_new_uint64(total));
  }
  return g_variant_new("(ua{sv})", state, &b);
}

/* SetState 60 as an updater reports its install: bytes and its step. */
static GVariant *install_args(guint64 done, guint64 total, const char *step_text)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "bytes-done", g_variant_new_uint64(done));
  g_variant_builder_add(&b, "{sv}", "bytes-total", g_variant_new_uint64(total));
  g_variant_builder_add(&b, "{sv}", "step", g_variant_new_string(step_text));
  return g_variant_new("(ua{sv})", 60u, &b);
}

/* FinishWithDetails with the updater's own words about a failure. */
static GVariant *finish_words_args(guint32 result, const char *words)
{
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "message", g_variant_new_string(words));
  return g_variant_new("(ua{sv})", result, &b);
}

static gint64 real_now(void)
{
  return g_get_real_time() / G_USEC_PER_SEC;
}

#define KINDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static gboolean shown_as_popup(GVariant *prompt)
{
  g_autofree char *presentation = prompt_string(prompt, "presentation");

  return g_str_equal(presentation, "popup");
}

static gboolean file_exists(gpointer data)
{
  return g_file_test(data, G_FILE_TEST_EXISTS);
}

/* The pop-up's delay picker: a real click on its delay button (where the
 * prompter's own layout file says it is), a picture, then Escape back to
 * the question. Without xdotool it is left out, with a note. */
static gboolean picker(PreviewWalk *w, const char *path, const char *priority, const char *prefix,
                       GError **error)
{
  const char *shots = preview_session_shots(w->session);
  g_autofree char *serial = g_path_get_basename(path);
  g_autofree char *layout_name = g_strdup_printf("%s-install.json", serial);
  g_autofree char *layout = g_build_filename(shots, layout_name, NULL);
  g_autofree char *delay_name = g_strdup_printf("%s-install-delay.json", serial);
  g_autofree char *delay = g_build_filename(shots, delay_name, NULL);
  g_autofree char *picture = g_strdup_printf("%s-install-delay.png", prefix);
  g_autofree char *file = g_build_filename(w->output, picture, NULL);
  g_autofree char *json = NULL;
  g_autoptr(GRegex) button = g_regex_new(
      "\\{\"id\": \"delay-reboot\"[^{}]*\"x\": (\\d+), \"y\": (\\d+), \"width\": (\\d+), "
      "\"height\": (\\d+)\\}",
      0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GVariant) prompt = NULL;
  g_autofree char *x = NULL, *y = NULL;

  if (!g_file_get_contents(layout, &json, NULL, NULL) || !g_regex_match(button, json, 0, &m)) {
    g_print("  (no picture of the delay picker: the pop-up shows no delay button)\n");
    return TRUE;
  }
  {
    g_autofree char *bx = g_match_info_fetch(m, 1), *by = g_match_info_fetch(m, 2);
    g_autofree char *bw = g_match_info_fetch(m, 3), *bh = g_match_info_fetch(m, 4);

    x = g_strdup_printf("%d", atoi(bx) + atoi(bw) / 2);
    y = g_strdup_printf("%d", atoi(by) + atoi(bh) / 2);
  }
  (void)step(w); /* empties the prompter's folder: the picker's layout file is new */
  if (!preview_session_xdotool(w->session,
                               (const char *const[]){ "search", "--onlyvisible", "--class",
                                                      "otaux-prompter", "mousemove", "--window",
                                                      "%1", x, y, "click", "1", NULL },
                               &local)) {
    if (!g_error_matches(local, PREVIEW_ERROR, PREVIEW_ERROR_MISSING)) {
      g_propagate_error(error, g_steal_pointer(&local));
      return FALSE;
    }
    g_print("  (no picture of the delay picker: %s)\n", local->message);
    return TRUE;
  }
  if (!preview_session_wait(w->session, file_exists, delay, SHOW_TIMEOUT_MS, "the delay picker",
                            error) ||
      !preview_session_capture(w->session, file, TRUE, NULL, error))
    return FALSE;
  prompt = get_prompt(w, path);
  add_entry(w, picture, priority, prompt, NULL, TRUE);
  w->n_pictures++;
  g_print("  %-36s %s\n", picture, "(the delay picker)");
  return preview_session_xdotool(w->session,
                                 (const char *const[]){ "search", "--onlyvisible", "--class",
                                                        "otaux-prompter", "key", "--window", "%1",
                                                        "Escape", NULL },
                                 error);
}

/* @t, or the end of this priority's quiet hours when @t falls in them: the
 * agent refuses a restart there, and the walk uses only allowed times. */
static gint64 after_quiet_hours(const OtauxPolicy *p, OtauxPriority pri, gint64 t)
{
  return otaux_policy_may_interrupt(p, pri, t) ? t : otaux_policy_quiet_next_change(p, t);
}

/* Accepted at install time: a delayed reboot, its reminder and final
 * warning (as far as the policy allows), then the reboot time comes. */
static gboolean walk_delay(PreviewWalk *w, const char *path, OtauxPriority pri, const char *prefix,
                           GError **error)
{
  const OtauxPolicy *p = w->policy;
  const char *priority = otaux_priority_to_string(pri);
  gint64 start = real_now();
  g_autoptr(GVariant) prompt = get_prompt(w, path);
  gint64 delay_max = prompt_int64(prompt, "delay-max");
  guint lead = 0;
  gint64 reboot_at;
  Step st;

  if (has_choice(prompt, "delay-reboot") && shown_as_popup(prompt) &&
      !picker(w, path, priority, prefix, error))
    return FALSE;
  if (!has_choice(prompt, "delay-reboot")) {
    g_print("  (the policy offers no delay)\n");
    st = step(w);
    return call_void(w, path, "Answer", answer_args("accept", 0), error) &&
           screen(w, &st, path, priority, prefix, "pending", KINDS("pending"), error);
  }
  /* A few seconds of real time before the reboot, so that the prompter's
   * count-downs (real time) agree with the agent's clock. */
  for (guint i = 0; i < p->n_reminders && lead == 0; i++)
    if (p->reminders_s[i] > p->final_warning_s &&
        (delay_max <= 0 || real_now() + p->reminders_s[i] + 5 <= delay_max))
      lead = p->reminders_s[i];
  reboot_at = start + MAX(lead, MAX(p->final_warning_s, 60)) + 5;
  /* A restart inside this priority's quiet hours is refused: walk on from
   * the end of quiet hours on the agent's clock. (The pop-up's own
   * count-down bar runs on real time; the texts are the agent's.) */
  if (after_quiet_hours(p, pri, reboot_at) != reboot_at) {
    gint64 end = after_quiet_hours(p, pri, reboot_at);

    g_print("  (quiet hours for %s priority: the delay is walked from the end of them)\n",
            priority);
    reboot_at += end - start;
    start = end;
  }
  st = step(w);
  if (!set_time(w, start, error) ||
      !call_void(w, path, "Answer", answer_args("delay-reboot", reboot_at), error) ||
      !screen(w, &st, path, priority, prefix, "delayed", KINDS("delayed"), error))
    return FALSE;
  if (lead > 0) {
    st = step(w);
    if (!set_time(w, reboot_at - lead, error) ||
        !screen(w, &st, path, priority, prefix, "reminder", KINDS("reminder"), error))
      return FALSE;
  }
  if (p->final_warning_s > 0) {
    g_autoptr(GVariant) now_prompt = get_prompt(w, path);

    gint64 base = MAX(real_now(), w->clock);
    gint64 allowed = after_quiet_hours(p, pri, base + p->final_warning_s + 5);

    /* never into quiet hours: from their end, on the agent's clock */
    if (allowed != base + p->final_warning_s + 5) {
      g_print("  (quiet hours for %s priority: the final warning is walked from the end of "
              "them)\n",
              priority);
      base = allowed - p->final_warning_s - 5;
    }
    delay_max = prompt_int64(now_prompt, "delay-max");
    if (has_choice(now_prompt, "delay-reboot") &&
        (delay_max <= 0 || base + p->final_warning_s + 5 <= delay_max)) {
      /* Delay again to just before the final warning, in real time. */
      reboot_at = base + p->final_warning_s + 5;
      st = step(w);
      if (!set_time(w, base, error) ||
          !call_void(w, path, "Answer", answer_args("delay-reboot", reboot_at), error))
        return FALSE;
    } else {
      st = step(w);
    }
    if (!set_time(w, reboot_at - p->final_warning_s, error) ||
        !screen(w, &st, path, priority, prefix, "final-warning", KINDS("final-warning"), error))
      return FALSE;
  }
  st = step(w);
  return set_time(w, reboot_at, error) &&
         screen(w, &st, path, priority, prefix, "pending", KINDS("pending"), error);
}

static GVariant *package(PreviewWalk *w, OtauxPriority pri, gboolean forced)
{
  const OtauxPolicy *p = w->policy;
  const char *priority = otaux_priority_to_string(pri);
  g_autofree char *id = g_strdup_printf("otaux-preview-%s%s", priority, forced ? "-forced" : "");
  GVariantBuilder b;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "id", g_variant_new_string(id));
  g_variant_builder_add(&b, "{sv}", "name",
                        g_variant_new_string(forced ? "Contoso Modem" : "Contoso Phone OS"));
  g_variant_builder_add(&b, "{sv}", "version", g_variant_new_string(forced ? "7.3" : "2.1.0"));
  g_variant_builder_add(&b, "{sv}", "priority", g_variant_new_string(priority));
  g_variant_builder_add(&b, "{sv}", "size", g_variant_new_uint64((forced ? 12 : 48) * MB));
  g_variant_builder_add(&b, "{sv}", "needs-reboot", g_variant_new_boolean(TRUE));
  g_variant_builder_add(&b, "{sv}", "install-seconds", g_variant_new_uint32(forced ? 90 : 600));
  if (w->message != NULL)
    g_variant_builder_add(&b, "{sv}", "message", g_variant_new_string(w->message));
  if (forced) {
    g_variant_builder_add(&b, "{sv}", "forced", g_variant_new_boolean(TRUE));
    g_variant_builder_add(&b, "{sv}", "state", g_variant_new_uint32(40));
  } else {
    /* Roaming shows the charge warning, unless the policy holds roaming offers back. */
    if (p->roaming_present && p->roaming_download != OTAUX_ROAMING_DOWNLOAD_NO)
      g_variant_builder_add(&b, "{sv}", "roaming", g_variant_new_boolean(TRUE));
    g_variant_builder_add(&b, "{sv}", "release-notes",
                          g_variant_new_string("Security fixes of November.\n"
                                               "Better battery life on standby.\n"
                                               "Calls over Wi-Fi in more countries."));
  }
  return g_variant_builder_end(&b);
}

static gboolean walk_restart(PreviewWalk *w, OtauxPriority pri, const char *prefix, GError **error);
static gboolean walk_tonight(PreviewWalk *w, OtauxPriority pri, const char *prefix, GError **error);

static gboolean walk_priority(PreviewWalk *w, OtauxPriority pri, GError **error)
{
  const char *priority = otaux_priority_to_string(pri);
  const char *presentation = otaux_presentation_to_string(w->policy->priority[pri].presentation);
  g_autofree char *prefix = g_strdup_printf("%s-%s", priority, presentation);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  Step st;

  g_print("%s priority (%s):\n", priority, presentation);
  /* No offer is left: the clock may go back to the real time, which the
   * prompter's count-downs use. */
  w->clock = 0;
  st = step(w);
  if (!set_time(w, real_now(), error) || (a = offer(w, package(w, pri, FALSE), error)) == NULL ||
      !screen(w, &st, a, priority, prefix, "download", KINDS("download"), error))
    return FALSE;
  if (!call_void(w, a, "Answer", answer_args("accept", 0), error))
    return FALSE;
  st = step(w);
  if (!call_void(w, a, "SetState", state_args(30, 45 * 48 * MB / 100, 48 * MB), error) ||
      !screen(w, &st, a, priority, prefix, "progress", KINDS("progress"), error))
    return FALSE;
  st = step(w);
  if (!call_void(w, a, "SetState", state_args(40, 0, 0), error) ||
      !screen(w, &st, a, priority, prefix, "install", KINDS("install"), error) ||
      !walk_delay(w, a, pri, prefix, error))
    return FALSE;
  st = step(w);
  /* the updater's own progress and step (updater words: not translated) */
  if (!call_void(w, a, "SetState", state_args(60, 0, 0), error) ||
      !call_void(w, a, "SetState", install_args(45, 100, "Copying image to rootfs.1"), error) ||
      !screen(w, &st, a, priority, prefix, "installing", KINDS("installing"), error))
    return FALSE;
  st = step(w);
  if (!call_void(w, a, "Finish", g_variant_new("(u)", 200u), error) ||
      !screen(w, &st, a, priority, prefix, "result-success", KINDS("result"), error) ||
      !call_void(w, a, "Withdraw", NULL, error))
    return FALSE;

  st = step(w);
  if (!set_time(w, real_now(), error) || (b = offer(w, package(w, pri, TRUE), error)) == NULL ||
      !screen(w, &st, b, priority, prefix, "forced", KINDS("forced", "install"), error))
    return FALSE;
  st = step(w);
  return call_void(w, b, "FinishWithDetails",
                   finish_words_args(402u, "Compatible mismatch: expected 'acme-phone', got "
                                           "'acme-tablet'"),
                   error) &&
         screen(w, &st, b, priority, prefix, "result-failure", KINDS("result"), error) &&
         call_void(w, b, "Withdraw", NULL, error) && walk_restart(w, pri, prefix, error) &&
         walk_tonight(w, pri, prefix, error);
}

/* Install tonight (issue 18 item 1): the choice, the waiting screen, then
 * the night passes (the preview's agent sees no charger: nothing on its
 * system bus) and the morning question says why. */
static gboolean walk_tonight(PreviewWalk *w, OtauxPriority pri, const char *prefix, GError **error)
{
  const char *priority = otaux_priority_to_string(pri);
  g_autofree char *id = g_strdup_printf("otaux-preview-%s-tonight", priority);
  g_autofree char *d = NULL;
  g_autoptr(GVariant) prompt = NULL;
  gint64 start = 0, end = 0;
  GVariantBuilder b;
  Step st;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "id", g_variant_new_string(id));
  g_variant_builder_add(&b, "{sv}", "name", g_variant_new_string("Contoso Phone OS"));
  g_variant_builder_add(&b, "{sv}", "version", g_variant_new_string("2.3.0"));
  g_variant_builder_add(&b, "{sv}", "priority", g_variant_new_string(priority));
  g_variant_builder_add(&b, "{sv}", "state", g_variant_new_uint32(40));
  g_variant_builder_add(&b, "{sv}", "needs-reboot", g_variant_new_boolean(TRUE));
  w->clock = 0;
  if (!set_time(w, real_now(), error) || (d = offer(w, g_variant_builder_end(&b), error)) == NULL)
    return FALSE;
  prompt = get_prompt(w, d);
  if (!has_choice(prompt, "tonight") ||
      !otaux_policy_night_window(w->policy, pri, w->clock, &start, &end)) {
    g_print("  (the policy offers no night window for %s priority)\n", priority);
    return call_void(w, d, "Withdraw", NULL, error);
  }
  st = step(w);
  if (!call_void(w, d, "Answer", answer_args("tonight", 0), error) ||
      !screen(w, &st, d, priority, prefix, "tonight", KINDS("delayed"), error))
    return FALSE;
  /* inside the window nothing is ready (no UPower, no logind here), it ends
   * unused; the question comes back in the morning (at most 12 hours later) */
  st = step(w);
  if (!set_time(w, start, error) || !set_time(w, end, error) ||
      !set_time(w, end + 12 * 3600, error) ||
      !screen(w, &st, d, priority, prefix, "tonight-missed", KINDS("install"), error))
    return FALSE;
  return call_void(w, d, "Withdraw", NULL, error);
}

/* An update that restarts (issue 16): installed already, the restart
 * question; restarting; the agent started again: finishing. */
static gboolean walk_restart(PreviewWalk *w, OtauxPriority pri, const char *prefix, GError **error)
{
  const char *priority = otaux_priority_to_string(pri);
  g_autofree char *id = g_strdup_printf("otaux-preview-%s-restart", priority);
  g_autofree char *c = NULL;
  GVariantBuilder b, stage;
  Step st;

  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&b, "{sv}", "id", g_variant_new_string(id));
  g_variant_builder_add(&b, "{sv}", "name", g_variant_new_string("Contoso Phone OS"));
  g_variant_builder_add(&b, "{sv}", "version", g_variant_new_string("2.2.0"));
  g_variant_builder_add(&b, "{sv}", "priority", g_variant_new_string(priority));
  g_variant_builder_add(&b, "{sv}", "state", g_variant_new_uint32(50));
  g_variant_builder_add(&b, "{sv}", "restart-only", g_variant_new_boolean(TRUE));
  g_variant_builder_init(&stage, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&stage, "{sv}", "stage", g_variant_new_string("restarting"));

  w->clock = 0;
  st = step(w);
  if (!set_time(w, real_now(), error) || (c = offer(w, g_variant_builder_end(&b), error)) == NULL ||
      !screen(w, &st, c, priority, prefix, "restart", KINDS("install"), error) ||
      !call_void(w, c, "Answer", answer_args("accept", 0), error))
    return FALSE;
  st = step(w);
  if (!call_void(w, c, "SetState", g_variant_new("(ua{sv})", 60u, &stage), error) ||
      !screen(w, &st, c, priority, prefix, "restarting", KINDS("installing"), error))
    return FALSE;
  st = step(w);
  w->clock = 0; /* a new agent: its test clock starts at the real time */
  if (!preview_session_restart_agent(w->session, error) ||
      !screen(w, &st, c, priority, prefix, "finishing", KINDS("installing"), error))
    return FALSE;
  return call_void(w, c, "Finish", g_variant_new("(u)", 200u), error) &&
         call_void(w, c, "Withdraw", NULL, error);
}

gboolean preview_walk_run(PreviewWalk *w, GError **error)
{
  for (int pri = OTAUX_PRIORITY_LOW; pri < OTAUX_N_PRIORITIES; pri++)
    if (!walk_priority(w, (OtauxPriority)pri, error))
      return FALSE;
  return TRUE;
}
