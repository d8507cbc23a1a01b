/* strings/otaux-plural.c: CLDR categories and locale names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>

#include "otaux-plural.h"

static void test_plural_categories(void **state)
{
  assert_string_equal(otaux_plural_category("en", 1), "one");
  assert_string_equal(otaux_plural_category("en", 0), "other");
  assert_string_equal(otaux_plural_category("de_AT", 2), "other");
  assert_string_equal(otaux_plural_category("fr", 0), "one");
  assert_string_equal(otaux_plural_category("fr", 2), "other");
  assert_string_equal(otaux_plural_category("fr", 1000000), "many");
  assert_string_equal(otaux_plural_category("ar", 0), "zero");
  assert_string_equal(otaux_plural_category("ar", 1), "one");
  assert_string_equal(otaux_plural_category("ar", 2), "two");
  assert_string_equal(otaux_plural_category("ar", 3), "few");
  assert_string_equal(otaux_plural_category("ar", 110), "few");
  assert_string_equal(otaux_plural_category("ar", 11), "many");
  assert_string_equal(otaux_plural_category("ar", 100), "other");
  assert_string_equal(otaux_plural_category("ru", 21), "one");
  assert_string_equal(otaux_plural_category("ru", 11), "many");
  assert_string_equal(otaux_plural_category("ru", 23), "few");
  assert_string_equal(otaux_plural_category("pl", 22), "few");
  assert_string_equal(otaux_plural_category("pl", 25), "many");
  assert_string_equal(otaux_plural_category("ja", 1), "other");
  assert_string_equal(otaux_plural_category("xx", 1), "one");
  assert_string_equal(otaux_plural_category(NULL, 1), "one");
}

static void test_category_lookup(void **state)
{
  assert_string_equal(otaux_plural_categories("de"), "one other");
  assert_string_equal(otaux_plural_categories("ru_RU"), "one few many other");
  assert_string_equal(otaux_plural_category_lookup("ar", "zero"), "zero");
  assert_null(otaux_plural_category_lookup("de", "few"));
  assert_null(otaux_plural_category_lookup("de", "bogus"));
  assert_null(otaux_plural_category_lookup("de", NULL));
}

static void test_locale_names(void **state)
{
  g_autofree char *a = otaux_locale_normalize("de_AT.UTF-8@euro");
  g_autofree char *b = otaux_locale_normalize("pt_BR");

  assert_string_equal(a, "de_AT");
  assert_string_equal(b, "pt_BR");
  assert_null(otaux_locale_normalize(NULL));
  assert_null(otaux_locale_normalize(""));
  assert_null(otaux_locale_normalize("C.UTF-8"));
  assert_null(otaux_locale_normalize("POSIX"));

  assert_true(otaux_locale_valid("de"));
  assert_true(otaux_locale_valid("de_AT"));
  assert_true(otaux_locale_valid("es_419"));
  assert_true(otaux_locale_valid("zh_Hant"));
  assert_false(otaux_locale_valid("d"));
  assert_false(otaux_locale_valid("de-AT"));
  assert_false(otaux_locale_valid("de_at"));
  assert_false(otaux_locale_valid("DE"));
  assert_false(otaux_locale_valid("de_AT.UTF-8"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_plural_categories),
    cmocka_unit_test(test_category_lookup),
    cmocka_unit_test(test_locale_names),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
