/* otauxctl-strings: checking string catalogs and showing the effective
 * texts (docs/strings.md). */
#include "otauxctl-strings.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "otaux-render.h"
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

/* A language ("de") as a locale glibc may have ("de_DE.UTF-8"). */
char *otauxctl_locale_full_name(const char *locale)
{
  static const char *const countries[][2] = {
    { "ar", "ar_EG" }, { "de", "de_DE" }, { "en", "en_US" }, { "es", "es_ES" }, { "fr", "fr_FR" },
  };
  g_autofree char *base = g_strndup(locale, strcspn(locale, ".@"));

  if (strchr(base, '_') == NULL) {
    for (gsize i = 0; i < G_N_ELEMENTS(countries); i++)
      if (g_str_equal(base, countries[i][0]))
        return g_strconcat(countries[i][1], ".UTF-8", NULL);
    {
      g_autofree char *country = g_ascii_strup(base, -1);

      return g_strdup_printf("%s_%s.UTF-8", base, country);
    }
  }
  return g_strconcat(base, ".UTF-8", NULL);
}

gboolean otauxctl_use_locale(const char *locale, char **used)
{
  g_autofree char *full = otauxctl_locale_full_name(locale);
  g_autofree char *lang = g_strndup(locale, strcspn(locale, ".@"));
  gboolean ok;

  /* gettext follows LANGUAGE (the built-in texts), and the weekday and
   * month names, digits and decimal point follow the locale. */
  g_setenv("LANGUAGE", lang, TRUE);
  ok = setlocale(LC_ALL, full) != NULL;
  if (!ok)
    setlocale(LC_ALL, "C.UTF-8");
  if (used != NULL)
    *used = g_strdup(ok ? full : "C.UTF-8");
  return ok;
}

static void print_dirs(const char *const *dirs)
{
  for (gsize i = 0; dirs[i] != NULL; i++)
    g_print("# catalogs read from %s%s\n", dirs[i],
            g_file_test(dirs[i], G_FILE_TEST_IS_DIR) ? "" : " (missing)");
}

/* 2026-03-10 10:00 local time, a Tuesday: a fixed day, so that two
 * renderings compare line by line. */
static gint64 render_now(void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local(2026, 3, 10, 10, 0, 0);

  return g_date_time_to_unix(now);
}

static void print_rendered(const OtauxStrings *strings)
{
  g_autoptr(GPtrArray) all = otaux_render_all(strings, render_now());

  for (guint i = 0; i < all->len; i++) {
    const OtauxRendered *r = all->pdata[i];

    g_print("%s\t%s\n", r->where, r->text);
  }
}

int otauxctl_cmd_strings(int argc, char **argv)
{
  g_auto(GStrv) dirs = NULL;
  g_autofree char *locale = NULL;
  g_autofree char *locale_used = NULL;
  gboolean render = FALSE;
  const GOptionEntry entries[] = {
    { "render", 0, 0, G_OPTION_ARG_NONE, &render,
      "Print every text filled in with realistic and edge values, as the prompts show them", NULL },
    { "strings-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs,
      "Read catalogs from DIR instead of the vendor and operator dirs (repeatable)", "DIR" },
    { "locale", 0, 0, G_OPTION_ARG_STRING, &locale,
      "Show the texts for this language and locale (default: the environment's)", "LL_CC" },
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
  if (locale != NULL && !otauxctl_use_locale(locale, &locale_used)) {
    g_autofree char *full = otauxctl_locale_full_name(locale);

    g_printerr("%s: the locale %s is not installed: dates and numbers as in C.UTF-8\n",
               g_get_prgname(), full);
  }
  otaux_strings_init_gettext();
  skipped = otaux_strings_load_dirs(
      strings, dirs != NULL ? (const char *const *)dirs : otaux_strings_default_dirs(), problems);
  for (guint i = 0; i < problems->len; i++)
    g_printerr("%s\n", (const char *)problems->pdata[i]);
  if (locale != NULL)
    otaux_strings_set_locale(strings, locale);

  if (render) {
    g_print("# locale %s\n", setlocale(LC_ALL, NULL));
    print_dirs(dirs != NULL ? (const char *const *)dirs : otaux_strings_default_dirs());
    print_rendered(strings);
  } else if (argc > 1) {
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

    print_dirs(dirs != NULL ? (const char *const *)dirs : otaux_strings_default_dirs());
    for (gsize i = 0; ids[i] != NULL; i++)
      print_text(strings, ids[i]);
    for (gsize i = 0; messages[i] != NULL; i++) {
      g_autofree char *id = g_strconcat("message.", messages[i], NULL);

      print_text(strings, id);
    }
  }
  return skipped > 0 ? 1 : 0;
}
