/* The built-in texts through gettext: the translations in the build's
 * po/ folder ($OTAUX_LOCALEDIR), their plural forms, and the fallback to
 * English for a language without a translation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "otaux-strings.h"

/* gettext reads LANGUAGE at each call; this makes it drop what it cached. */
static void use_language(const char *language)
{
  g_setenv("LANGUAGE", language, TRUE);
  setlocale(LC_ALL, "");
}

static void test_german(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();
  const char *kv[] = { "name", "Phone OS", "when", "morgen um 07:00", NULL };
  g_autofree char *body = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *r = NULL;

  use_language("de");
  body = otaux_strings_format(s, "delayed.body", kv);
  one = otaux_strings_format_duration(s, 60);
  two = otaux_strings_format_duration(s, 120);
  r = otaux_strings_result_text(s, 501);
  assert_string_equal(otaux_strings_lookup(s, "download.title"), "Update verfügbar");
  assert_string_equal(body, "Das Gerät startet morgen um 07:00 neu, um Phone OS zu installieren.");
  assert_string_equal(one, "1\u00a0Minute");
  assert_string_equal(two, "2\u00a0Minuten");
  assert_non_null(strstr(r, "Speicherplatz"));
}

static void test_arabic_plurals(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();
  static const struct {
    gint64 n;
    const char *text;
  } cases[] = {
    /* the dual in the genitive ("نحو دقيقتين", "بعد دقيقتين"), the locale's digits */
    { 1, "دقيقة واحدة" },    { 2, "دقيقتين" },          { 3, "٣\u00a0دقائق" },
    { 11, "١١\u00a0دقيقة" }, { 100, "١٠٠\u00a0دقيقة" },
  };

  use_language("ar");
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = otaux_strings_format_plural(s, "unit.minutes", cases[i].n, NULL);

    assert_string_equal(text, cases[i].text);
  }
}

static void test_french_units(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();
  g_autofree char *size = NULL;
  g_autofree char *zero = NULL;

  use_language("fr");
  size = otaux_strings_format_size_full(s, 12300000);
  zero = otaux_strings_format_plural(s, "unit.seconds", 0, NULL);
  /* the decimal point follows LC_NUMERIC (C here); a no-break space before the unit */
  assert_string_equal(size, "12.3\u00a0Mo");
  assert_string_equal(zero, "0\u00a0seconde"); /* French: 0 takes the singular */
}

static void test_untranslated_language_is_english(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();

  use_language("sw");
  assert_string_equal(otaux_strings_lookup(s, "download.title"), "Update available");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_german),
    cmocka_unit_test(test_arabic_plurals),
    cmocka_unit_test(test_french_units),
    cmocka_unit_test(test_untranslated_language_is_english),
  };

  setlocale(LC_ALL, "");
  otaux_strings_init_gettext();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
