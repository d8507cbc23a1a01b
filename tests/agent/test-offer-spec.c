/* Unit tests of the offer spec (agent/otaux-offer-spec.c): limits and value sets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "otaux-offer.h"
#include "otaux-testlib-offer.h"

static void test_validate(void **state)
{
  static const struct {
    const char *key;
    gsize limit;
  } limits[] = {
    { "id", OTAUX_LIMIT_ID_BYTES },
    { "name", OTAUX_LIMIT_NAME_BYTES },
    { "version", OTAUX_LIMIT_VERSION_BYTES },
    { "url", OTAUX_LIMIT_URL_BYTES },
    { "release-notes", OTAUX_LIMIT_RELEASE_NOTES_BYTES },
    { "message", OTAUX_LIMIT_MESSAGE_BYTES },
    { "correlator", OTAUX_LIMIT_CORRELATOR_BYTES },
  };
  OtauxOfferSpec spec;

  otaux_test_spec_fill(&spec);
  assert_true(otaux_offer_spec_validate(&spec, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS(limits); i++) {
    OtauxOfferSpec s;
    char **field;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) utf8 = NULL;
    g_autofree char *expected = NULL;

    otaux_offer_spec_copy(&s, &spec);
    field = i == 0   ? &s.id
            : i == 1 ? &s.name
            : i == 2 ? &s.version
            : i == 3 ? &s.url
            : i == 4 ? &s.release_notes
            : i == 5 ? &s.message
                     : &s.correlator;
    g_free(*field);
    *field = g_strnfill(limits[i].limit, 'a');
    assert_true(otaux_offer_spec_validate(&s, NULL)); /* exactly the limit is fine */
    g_free(*field);
    *field = g_strnfill(limits[i].limit + 1, 'a');
    assert_false(otaux_offer_spec_validate(&s, &error));
    assert_true(g_error_matches(error, OTAUX_OFFER_ERROR, OTAUX_OFFER_ERROR_INVALID_ARGS));
    expected = g_strdup_printf("'%s' is longer than %zu bytes", limits[i].key, limits[i].limit);
    assert_string_equal(error->message, expected);
    g_free(*field);
    *field = g_strdup("bad \xff utf-8");
    assert_false(otaux_offer_spec_validate(&s, &utf8));
    assert_non_null(strstr(utf8->message, limits[i].key));
    otaux_offer_spec_clear(&s);
  }

  {
    g_autoptr(GError) e = NULL;
    g_free(spec.id);
    spec.id = g_strdup("");
    assert_false(otaux_offer_spec_validate(&spec, &e));
    assert_non_null(strstr(e->message, "'id'"));
    g_free(spec.id);
    spec.id = g_strdup("x");
  }
  for (guint32 st = 0; st <= 200; st++) {
    g_autoptr(GError) e = NULL;
    gboolean ok;

    spec.state = st;
    ok = otaux_offer_spec_validate(&spec, &e);
    assert_int_equal(ok, st == 0 || st == 10 || st == 30 || st == 40 || st == 50 || st == 60);
    if (!ok)
      assert_non_null(strstr(e->message, "'state'"));
  }
  spec.state = 10;
  {
    g_autoptr(GError) e = NULL;
    g_autoptr(GError) e2 = NULL;

    spec.priority = (OtauxPriority)3;
    assert_false(otaux_offer_spec_validate(&spec, &e));
    assert_non_null(strstr(e->message, "'priority'"));
    spec.priority = OTAUX_PRIORITY_HIGH;
    spec.deadline = -1;
    assert_false(otaux_offer_spec_validate(&spec, &e2));
    assert_non_null(strstr(e2->message, "'deadline'"));
  }
  otaux_offer_spec_clear(&spec);
  otaux_offer_spec_clear(&spec); /* twice is harmless */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_validate),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
