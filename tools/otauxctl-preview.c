/* otauxctl-preview: `otauxctl preview`. Starts the real agent, with its
 * real presenters, on a private bus with dunst under its own Xvfb at the
 * phone size (otauxctl-preview-session.c), with the given policy and
 * catalog on top of the installed layers; drives it through every prompt
 * of every priority (otauxctl-preview-walk.c) and saves the screen.
 * Programs: the installed ones, or $OTAUX_AGENT, $OTAUX_PROMPTER and
 * $OTAUX_PREVIEW_DUNSTRC (meson devenv sets them to the build tree). */
#include "config.h"
#include "otauxctl-preview.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "otaux-policy-layers.h"
#include "otaux-strings.h"
#include "otauxctl-policy.h"
#include "otauxctl-preview-session.h"
#include "otauxctl-preview-walk.h"
#include "otauxctl-strings.h"

#define EXIT_MISSING 77

static const char *path_from_env(const char *var, const char *installed)
{
  const char *value = g_getenv(var);
  return value != NULL && value[0] != '\0' ? value : installed;
}

/* A copy of @file in a new folder @dir of @tmp, named @name. */
static char *copy_into(const char *tmp, const char *dir, const char *file, const char *name,
                       GError **error)
{
  g_autofree char *folder = g_build_filename(tmp, dir, NULL);
  g_autofree char *target = g_build_filename(folder, name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  if (g_mkdir_with_parents(folder, 0700) != 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s", folder);
    return NULL;
  }
  if (!g_file_get_contents(file, &data, &len, error) ||
      !g_file_set_contents(target, data, (gssize)len, error))
    return NULL;
  return g_steal_pointer(&folder);
}

/* A policy file keeps its NAME_VVV.xml name (the layer's rule), others become preview_100.xml. */
static const char *layer_name(const char *path, char **owned)
{
  g_autofree char *base = g_path_get_basename(path);
  g_autoptr(GRegex) re = g_regex_new("^.+_[0-9]{3}\\.xml$", 0, 0, NULL);

  if (g_regex_match(re, base, 0, NULL))
    return *owned = g_steal_pointer(&base);
  return "preview_100.xml";
}

static gboolean locale_installed(const char *name)
{
  locale_t l = newlocale(LC_ALL_MASK, name, (locale_t)0);

  if (l == (locale_t)0)
    return FALSE;
  freelocale(l);
  return TRUE;
}

/* LANGUAGE picks the translations; LC_ALL the digits, decimal point and
 * weekday names. Says which locale the numbers are formatted in, and warns
 * when this machine lacks it (an agent here would write "48.0 MB" for a
 * German "48,0 MB"): then the pictures use a copy compiled with localedef
 * from the locales sources, or C.UTF-8. */
static GPtrArray *locale_env(const char *locale, const char *tmp)
{
  GPtrArray *env = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *full = NULL;
  g_autofree char *lang = NULL;
  const char *used;

  if (locale == NULL || *locale == '\0') {
    g_print("otauxctl preview: locale of the environment (%s): numbers and dates formatted in %s\n",
            g_getenv("LANGUAGE") != NULL ? g_getenv("LANGUAGE") : "no LANGUAGE",
            setlocale(LC_NUMERIC, NULL));
    g_ptr_array_add(env, NULL);
    return env;
  }
  full = otauxctl_locale_full_name(locale);
  lang = g_strndup(locale, strcspn(locale, ".@"));
  g_ptr_array_add(env, g_strconcat("LANGUAGE=", lang, NULL));
  used = full;
  if (!locale_installed(full)) {
    g_autofree char *locpath = g_build_filename(tmp, "locale", NULL);
    g_autofree char *base = g_strndup(full, strcspn(full, "."));
    g_autofree char *target = g_build_filename(locpath, full, NULL);
    const char *argv[] = { "localedef", "-i", base, "-f", "UTF-8", target, NULL };
    int status = -1;

    g_mkdir_with_parents(locpath, 0700);
    g_spawn_sync(NULL, (char **)argv, NULL,
                 G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, NULL, NULL, &status, NULL);
    if (g_file_test(target, G_FILE_TEST_IS_DIR)) {
      g_ptr_array_add(env, g_strconcat("LOCPATH=", locpath, NULL));
      g_printerr("otauxctl preview: warning: this machine lacks the locale %s (locale -a): an "
                 "agent here formats numbers and dates as in C.UTF-8. The pictures use %s "
                 "compiled from the locales sources, as a device with it shows them.\n",
                 full, full);
    } else {
      g_printerr("otauxctl preview: warning: this machine lacks the locale %s (locale -a), and "
                 "it cannot be compiled here: numbers and dates below are formatted as in "
                 "C.UTF-8 (48.0 MB), not as a device with %s shows them.\n",
                 full, full);
      used = "C.UTF-8";
    }
  }
  g_ptr_array_add(env, g_strconcat("LC_ALL=", used, NULL));
  g_ptr_array_add(env, g_strconcat("LANG=", used, NULL));
  g_print("otauxctl preview: texts in %s; numbers and dates formatted in %s\n", lang, used);
  g_ptr_array_add(env, NULL);
  return env;
}

/* The first operator install message of the catalogs, so that the install screens show one. */
static char *first_message(const char *const *dirs)
{
  g_autoptr(OtauxStrings) strings = otaux_strings_new_builtin();
  g_auto(GStrv) ids = NULL;

  otaux_strings_load_dirs(strings, dirs, NULL);
  ids = otaux_strings_message_ids(strings);
  return ids != NULL && ids[0] != NULL ? g_strdup(ids[0]) : NULL;
}

static int check_file(const char *path)
{
  char *argv[] = { (char *)"check", (char *)path, NULL };

  return otauxctl_cmd_check(2, argv);
}

static gboolean write_index(const PreviewWalk *w, const char *locale, const char *lc,
                            GError **error)
{
  g_autoptr(GString) out = g_string_new("{\n  \"locale\": ");
  g_autofree char *file = g_build_filename(w->output, "preview.json", NULL);

  preview_json_string(out, locale != NULL ? locale : "");
  g_string_append(out, ",\n  \"lc_all\": ");
  preview_json_string(out, lc);
  g_string_append_printf(out, ",\n  \"geometry\": \"%dx%d\",\n  \"screens\": [", PREVIEW_WIDTH,
                         PREVIEW_HEIGHT);
  g_string_append(out, w->index->str);
  g_string_append(out, "\n  ]\n}\n");
  return g_file_set_contents(file, out->str, (gssize)out->len, error);
}

typedef struct {
  const char *locale, *policy, *strings, *output;
} Request;

static int run(const Request *req, const char *tmp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policy_dirs = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) strings_dirs = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) lenv = NULL;
  g_autoptr(OtauxPolicyLayers) layers = NULL;
  g_autoptr(PreviewSession) session = NULL;
  g_autofree char *message = NULL;
  g_autofree char *log = g_build_filename(req->output, "agent.log", NULL);
  g_autofree char *owned = NULL;
  const char *lc;
  PreviewWalk walk = { 0 };
  PreviewSessionConfig config = {
    .agent = path_from_env("OTAUX_AGENT", OTAUX_LIBEXECDIR "/otaux-agent"),
    .prompter = path_from_env("OTAUX_PROMPTER", OTAUX_LIBEXECDIR "/otaux-prompter"),
    .dunstrc = path_from_env("OTAUX_PREVIEW_DUNSTRC", OTAUX_DATADIR "/preview/dunstrc"),
    .log = log,
  };

  g_ptr_array_add(policy_dirs, g_strdup(OTAUX_DATADIR "/policy.d"));
  g_ptr_array_add(policy_dirs, g_strdup(OTAUX_SYSCONFDIR "/policy.d"));
  for (const char *const *d = otaux_strings_default_dirs(); *d != NULL; d++)
    g_ptr_array_add(strings_dirs, g_strdup(*d));
  /* The given files on top of the installed layers, as they will be. */
  if (req->policy != NULL) {
    char *dir = NULL;
    if (check_file(req->policy) != 0) {
      g_printerr("otauxctl preview: %s has problems; the agent would skip it\n", req->policy);
      return 1;
    }
    dir = copy_into(tmp, "policy", req->policy, layer_name(req->policy, &owned), &error);
    if (dir == NULL)
      goto fail;
    g_ptr_array_add(policy_dirs, dir);
  }
  if (req->strings != NULL) {
    char *dir = NULL;
    if (check_file(req->strings) != 0) {
      g_printerr("otauxctl preview: %s has problems; the agent would skip it\n", req->strings);
      return 1;
    }
    dir = copy_into(tmp, "strings", req->strings, "preview_999.xml", &error);
    if (dir == NULL)
      goto fail;
    g_ptr_array_add(strings_dirs, dir);
  }
  g_ptr_array_add(policy_dirs, NULL);
  g_ptr_array_add(strings_dirs, NULL);
  layers = otaux_policy_layers_load((const char *const *)policy_dirs->pdata);
  for (guint i = 0; i < layers->files->len; i++)
    g_print("otauxctl preview: policy file %s\n", (const char *)layers->files->pdata[i]);
  message = first_message((const char *const *)strings_dirs->pdata);
  if (message == NULL)
    g_print("otauxctl preview: no operator install message in the catalogs: the install "
            "screens show none\n");

  lenv = locale_env(req->locale, tmp);
  config.policy_dirs = (const char *const *)policy_dirs->pdata;
  config.strings_dirs = (const char *const *)strings_dirs->pdata;
  config.locale_env = (const char *const *)lenv->pdata;
  session = preview_session_start(&config, &error);
  if (session == NULL)
    goto fail;
  walk = (PreviewWalk){ .session = session,
                        .policy = layers->policy,
                        .message = message,
                        .output = req->output,
                        .index = g_string_new(NULL) };
  if (!preview_walk_run(&walk, &error))
    goto fail;
  lc = "";
  for (guint i = 0; i + 1 < lenv->len; i++)
    if (g_str_has_prefix(lenv->pdata[i], "LC_ALL="))
      lc = (const char *)lenv->pdata[i] + strlen("LC_ALL=");
  if (!write_index(&walk, req->locale, lc, &error))
    goto fail;
  g_print("otauxctl preview: %u pictures (%dx%d) in %s; preview.json lists them with their "
          "texts\n",
          walk.n_pictures, PREVIEW_WIDTH, PREVIEW_HEIGHT, req->output);
  g_string_free(walk.index, TRUE);
  return walk.n_unseen > 0 ? 1 : 0;

fail:
  if (walk.index != NULL)
    g_string_free(walk.index, TRUE);
  g_printerr("otauxctl preview: %s\n", error->message);
  if (g_file_test(log, G_FILE_TEST_EXISTS))
    g_printerr("otauxctl preview: the agent's log: %s\n", log);
  return error->domain == PREVIEW_ERROR && error->code == PREVIEW_ERROR_MISSING ? EXIT_MISSING : 1;
}

int otauxctl_cmd_preview(int argc, char **argv)
{
  g_autofree char *locale = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *strings = NULL;
  g_autofree char *output = NULL;
  gboolean help = FALSE;
  GOptionEntry entries[] = {
    { "locale", 0, 0, G_OPTION_ARG_STRING, &locale,
      "The person's language (de, de_AT, ar...; default: the environment)", "LL" },
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &policy,
      "A policy file, on top of the installed layers", "FILE" },
    { "strings", 0, 0, G_OPTION_ARG_FILENAME, &strings,
      "A string catalog, on top of the installed layers", "FILE" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, "Where to write the PNG files", "DIR" },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("--output DIR");
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  Request req;
  int rc;

  g_option_context_set_summary(
      ctx, "Runs the agent with its notifications and pop-up on a private bus and X server "
           "(360x720),\nwith dunst, and saves a picture of every prompt of every priority as "
           "the policy presents it:\nDIR/PRIORITY-PRESENTATION-KIND.png, listed with their "
           "texts in DIR/preview.json.\nNeeds Xvfb, dbus-daemon, dunst and ImageMagick (import, "
           "convert).");
  g_option_context_set_help_enabled(ctx, FALSE);
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    g_printerr("otauxctl preview: %s\nTry 'otauxctl preview --help'.\n", error->message);
    return 2;
  }
  if (help) {
    g_autofree char *text = g_option_context_get_help(ctx, TRUE, NULL);
    g_print("%s", text);
    return 0;
  }
  if (argc > 1 || output == NULL) {
    g_printerr("otauxctl preview: %s\nTry 'otauxctl preview --help'.\n",
               argc > 1 ? "unexpected argument" : "--output DIR is required");
    return 2;
  }
  if (g_mkdir_with_parents(output, 0755) != 0) {
    g_printerr("otauxctl preview: cannot create %s: %s\n", output, g_strerror(errno));
    return 1;
  }
  tmp = g_dir_make_tmp("otauxctl-preview-XXXXXX", &error);
  if (tmp == NULL) {
    g_printerr("otauxctl preview: %s\n", error->message);
    return 1;
  }
  req = (Request){ locale, policy, strings, output };
  rc = run(&req, tmp);
  preview_session_remove_tree(tmp);
  return rc;
}
