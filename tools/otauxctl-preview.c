/* otauxctl-preview: `otauxctl preview` hands over to the driver script,
 * which needs a private bus, an X server, the agent, the prompter and a
 * notification server (tools/otaux-preview.py). Built-in paths are the
 * installed ones; $OTAUX_PREVIEW_DRIVER, $OTAUX_AGENT, $OTAUX_PROMPTER,
 * $OTAUX_PREVIEW_DUNSTRC point at the build tree (tests). */
#include "config.h"
#include "otauxctl-preview.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "otaux-strings.h"

static const char *path_from_env(const char *var, const char *installed)
{
  const char *value = g_getenv(var);
  return value != NULL && value[0] != '\0' ? value : installed;
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
      "A policy file (default: the installed layers)", "FILE" },
    { "strings", 0, 0, G_OPTION_ARG_FILENAME, &strings,
      "A string catalog (default: the installed layers)", "FILE" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, "Where to write the PNG files", "DIR" },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("--output DIR");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
  const char *driver =
      path_from_env("OTAUX_PREVIEW_DRIVER", OTAUX_LIBEXECDIR "/otaux/otaux-preview.py");

  g_option_context_set_summary(ctx,
                               "Render every pop-up screen and a picture of each notification, "
                               "for a locale, policy and catalog, into PNG files in DIR\n"
                               "(DIR/preview.json lists them). Starts Xvfb when there is no "
                               "display; needs dbus-run-session, xdotool, dunst and ImageMagick.");
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

  g_ptr_array_add(args, g_strdup("/usr/bin/python3"));
  g_ptr_array_add(args, g_strdup(driver));
  g_ptr_array_add(args, g_strdup("--output"));
  g_ptr_array_add(args, g_strdup(output));
  if (locale != NULL) {
    g_ptr_array_add(args, g_strdup("--locale"));
    g_ptr_array_add(args, g_strdup(locale));
  }
  if (policy != NULL) {
    g_ptr_array_add(args, g_strdup("--policy"));
    g_ptr_array_add(args, g_strdup(policy));
  }
  if (strings != NULL) {
    g_ptr_array_add(args, g_strdup("--strings"));
    g_ptr_array_add(args, g_strdup(strings));
  }
  g_ptr_array_add(args, g_strdup("--agent"));
  g_ptr_array_add(args, g_strdup(path_from_env("OTAUX_AGENT", OTAUX_LIBEXECDIR "/otaux-agent")));
  g_ptr_array_add(args, g_strdup("--prompter"));
  g_ptr_array_add(args,
                  g_strdup(path_from_env("OTAUX_PROMPTER", OTAUX_LIBEXECDIR "/otaux-prompter")));
  g_ptr_array_add(args, g_strdup("--otauxctl"));
  g_ptr_array_add(args, g_strdup(self != NULL ? self : "otauxctl"));
  g_ptr_array_add(args, g_strdup("--dunstrc"));
  g_ptr_array_add(
      args, g_strdup(path_from_env("OTAUX_PREVIEW_DUNSTRC", OTAUX_DATADIR "/preview/dunstrc")));
  g_ptr_array_add(args, g_strdup("--default-policy-dir"));
  g_ptr_array_add(args, g_strdup(OTAUX_DATADIR "/policy.d"));
  g_ptr_array_add(args, g_strdup("--default-policy-dir"));
  g_ptr_array_add(args, g_strdup(OTAUX_SYSCONFDIR "/policy.d"));
  for (const char *const *d = otaux_strings_default_dirs(); *d != NULL; d++) {
    g_ptr_array_add(args, g_strdup("--default-strings-dir"));
    g_ptr_array_add(args, g_strdup(*d));
  }
  g_ptr_array_add(args, NULL);

  fflush(stdout);
  execv("/usr/bin/python3", (char **)args->pdata);
  g_printerr("otauxctl preview: cannot run /usr/bin/python3 %s: %s\n", driver, g_strerror(errno));
  return 1;
}
