/* otauxctl-strings: checking string catalogs and showing the effective
 * texts (docs/strings.md). */
#include "otauxctl-strings.h"

#include <stdio.h>
#include <string.h>

#include "otaux-strings.h"

char *otauxctl_file_root_element(const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  const char *p;
  const char *end;

  if (!g_file_get_contents(path, &data, &length, error))
    return NULL;
  p = data;
  end = data + length;
  if (length >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) /* UTF-8 BOM */
    p += 3;
  /* Skip the XML declaration, processing instructions, comments, a DOCTYPE. */
  while (p < end) {
    const char *close = NULL;
    const char *terminator = ">";

    while (p < end && g_ascii_isspace(*p))
      p++;
    if (p >= end || *p != '<')
      break;
    if (g_str_has_prefix(p, "<?"))
      terminator = "?>";
    else if (g_str_has_prefix(p, "<!--"))
      terminator = "-->";
    else if (!g_str_has_prefix(p, "<!")) {
      const char *name = ++p;

      while (p < end && (g_ascii_isalnum(*p) || strchr(":_-.", *p) != NULL))
        p++;
      if (p > name)
        return g_strndup(name, p - name);
      break;
    }
    close = g_strstr_len(p, end - p, terminator);
    if (close == NULL)
      break;
    p = close + strlen(terminator);
  }
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no XML root element", path);
  return NULL;
}

gboolean otauxctl_check_catalog(const char *path, int *n_problems)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxCatalog) catalog = otaux_catalog_load_file(path, problems, &error);

  for (guint i = 0; i < problems->len; i++)
    g_printerr("%s\n", (const char *)problems->pdata[i]);
  if (n_problems != NULL) {
    if (catalog == NULL && g_error_matches(error, G_FILE_ERROR, error->code))
      *n_problems = -1; /* unreadable */
    else
      *n_problems = (int)problems->len;
  }
  return catalog != NULL;
}

static void print_text(const OtauxStrings *strings, const char *id)
{
  const char *source = otaux_strings_source(strings, id);
  const char *text = otaux_strings_lookup(strings, id);
  g_autoptr(GString) quoted = g_string_new(NULL);

  /* One line per text: id = "text"  # where from (UTF-8 kept as it is) */
  for (const char *c = text != NULL ? text : ""; *c != '\0'; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c(quoted, '\\');
    if (*c == '\n')
      g_string_append(quoted, "\\n");
    else
      g_string_append_c(quoted, *c);
  }
  g_print("%s = \"%s\"\t# %s\n", id, quoted->str, source != NULL ? source : "built-in");
}

int otauxctl_cmd_strings(int argc, char **argv)
{
  g_auto(GStrv) dirs = NULL;
  g_autofree char *locale = NULL;
  const GOptionEntry entries[] = {
    { "strings-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs,
      "Read catalogs from DIR instead of the vendor and operator dirs (repeatable)", "DIR" },
    { "locale", 0, 0, G_OPTION_ARG_STRING, &locale,
      "Show the texts for this locale (default: the environment's)", "LL_CC" },
    { NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("[ID...]");
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxStrings) strings = otaux_strings_new_builtin();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  guint skipped;

  g_option_context_set_summary(ctx, "Shows the texts the agent would use after the operator's "
                                    "catalogs, and which file each comes from.\n"
                                    "Install messages show as message.ID.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    g_printerr("%s: %s\n", g_get_prgname(), error->message);
    return 2;
  }
  otaux_strings_init_gettext();
  skipped = otaux_strings_load_dirs(
      strings, dirs != NULL ? (const char *const *)dirs : otaux_strings_default_dirs(), problems);
  for (guint i = 0; i < problems->len; i++)
    g_printerr("%s\n", (const char *)problems->pdata[i]);
  if (locale != NULL)
    otaux_strings_set_locale(strings, locale);

  if (argc > 1) {
    for (int i = 1; i < argc; i++) {
      if (!otaux_strings_has(strings, argv[i])) {
        g_printerr("%s: unknown string id '%s'\n", g_get_prgname(), argv[i]);
        return 2;
      }
      print_text(strings, argv[i]);
    }
  } else {
    g_autofree const char **ids = otaux_strings_builtin_ids();
    g_auto(GStrv) messages = otaux_strings_message_ids(strings);

    for (gsize i = 0; ids[i] != NULL; i++)
      print_text(strings, ids[i]);
    for (gsize i = 0; messages[i] != NULL; i++) {
      g_autofree char *id = g_strconcat("message.", messages[i], NULL);

      print_text(strings, id);
    }
  }
  return skipped > 0 ? 1 : 0;
}
