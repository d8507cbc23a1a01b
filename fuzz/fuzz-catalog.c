/* Fuzz target: arbitrary bytes as an operator string catalog. A catalog
 * that is accepted must then give, for every id, a markup form that a
 * markup parser accepts, with a hostile value in every placeholder. */
#include <stdint.h>

#include "otaux-strings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_markup(const char *markup)
{
  static const GMarkupParser parser = { 0 };
  g_autofree char *doc = g_strconcat("<m>", markup, "</m>", NULL);
  GMarkupParseContext *context = g_markup_parse_context_new(&parser, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_markup_parse_context_parse(context, doc, -1, &error) ||
      !g_markup_parse_context_end_parse(context, &error))
    g_error("markup form does not parse: %s: %s", markup, error->message);
  g_markup_parse_context_free(context);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char hostile[] = "<b>&amp;</b> {name} {{ %s \x01";
  const char *kv[] = { "name", hostile, "version",  hostile, "size", hostile, "time", hostile,
                       "code", hostile, "operator", hostile, "n",    hostile, NULL };
  g_autoptr(OtauxStrings) strings = NULL;
  g_autofree const char **ids = NULL;
  OtauxCatalog *catalog;
  const char *locale;

  catalog = otaux_catalog_parse((const char *)data, size, "fuzz.xml", NULL, NULL);
  if (catalog == NULL)
    return 0;
  locale = otaux_catalog_get_locale(catalog);
  g_assert(locale != NULL);
  strings = otaux_strings_new_builtin();
  otaux_strings_set_locale(strings, locale);
  otaux_strings_add_catalog(strings, catalog);

  ids = otaux_strings_builtin_ids();
  for (gsize i = 0; ids[i] != NULL; i++) {
    for (gint64 n = -1; n <= 3; n++) {
      g_autofree char *plain = otaux_strings_format_full(strings, ids[i], n, kv, OTAUX_TEXT_PLAIN);
      g_autofree char *markup =
          otaux_strings_format_full(strings, ids[i], n, kv, OTAUX_TEXT_MARKUP);

      g_assert(plain != NULL);
      check_markup(markup);
    }
  }
  return 0;
}
