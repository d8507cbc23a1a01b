/* Unit tests of the built-in texts, the placeholder filler and the formatters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "otaux-strings.h"

static void test_lookup_builtin(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();

  assert_string_equal(otaux_strings_lookup(s, "download.title"), "Update available");
  assert_string_equal(otaux_strings_lookup(s, "download.accept"), "Download");
  assert_string_equal(otaux_strings_lookup(s, "install.accept"), "Install now");
  assert_string_equal(otaux_strings_lookup(s, "install.delay"), "Install later");
  assert_string_equal(otaux_strings_lookup(s, "delayed.title"), "Restart scheduled");
  assert_string_equal(otaux_strings_lookup(s, "install.cancel"), "Skip this update");
  assert_string_equal(otaux_strings_lookup(s, "download.later"), "Remind me later");
  assert_string_equal(otaux_strings_lookup(s, "name.fallback"), "the firmware update");
  assert_null(otaux_strings_lookup(s, "no.such.id"));
  assert_null(otaux_strings_lookup(s, NULL));
  otaux_strings_free(NULL);
}

static void test_every_prompt_id_exists(void **state)
{
  static const char *const ids[] = {
    "download.title",      "download.body",        "download.accept",      "download.cancel",
    "charge.roaming",      "progress.title",       "progress.body",        "progress.cancel",
    "install.title",       "install.body",         "install.accept",       "install.delay",
    "install.cancel",      "forced.title",         "forced.body",          "forced.accept",
    "pending.title",       "pending.body",         "delayed.title",        "delayed.body",
    "delayed.accept",      "delayed.change",       "delayed.cancel",       "reminder.title",
    "reminder.body",       "reminder.accept",      "reminder.change",      "reminder.cancel",
    "final-warning.title", "final-warning.body",   "final-warning.accept", "installing.title",
    "installing.body",     "result.title.success", "result.title.failure", "result.title.cancelled",
    "delay.in-minutes",    "delay.in-hours",       "delay.tonight",        "delay.tomorrow",
  };
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();

  for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
    const char *text = otaux_strings_lookup(s, ids[i]);

    if (text == NULL || text[0] == '\0')
      fail_msg("missing text %s", ids[i]);
    assert_true(g_utf8_validate(text, -1, NULL));
  }
}

static void test_fill_replaces(void **state)
{
  const char *kv[] = { "name", "Phone OS", "size", "12.3 MB", NULL };
  g_autofree char *out = otaux_strings_fill("{name} is ready ({size}).", kv);

  assert_string_equal(out, "Phone OS is ready (12.3 MB).");
}

static void test_fill_value_not_expanded_again(void **state)
{
  const char *kv[] = { "name", "{size} %s %n {{", "size", "BAD", NULL };
  g_autofree char *out = otaux_strings_fill("[{name}]", kv);

  assert_string_equal(out, "[{size} %s %n {{]");
}

static void test_fill_unknown_and_malformed_left(void **state)
{
  const char *kv[] = { "name", "X", NULL };
  g_autofree char *a = otaux_strings_fill("{nope} {name} {name {} { name} }", kv);
  g_autofree char *b = otaux_strings_fill("tail {", kv);
  g_autofree char *c = otaux_strings_fill("{name}", NULL);
  g_autofree char *d = otaux_strings_fill(NULL, kv);

  assert_string_equal(a, "{nope} X {name {} { name} }");
  assert_string_equal(b, "tail {");
  assert_string_equal(c, "{name}");
  assert_string_equal(d, "");
}

static void test_fill_double_brace(void **state)
{
  const char *kv[] = { "name", "X", NULL };
  g_autofree char *a = otaux_strings_fill("{{name}", kv);
  g_autofree char *b = otaux_strings_fill("a {{ b {{{name}", kv);
  g_autofree char *c = otaux_strings_fill("100%% {name}", kv);

  assert_string_equal(a, "{name}");
  assert_string_equal(b, "a { b {X");
  assert_string_equal(c, "100%% X");
}

static void test_format_unknown_id_yields_id(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();
  const char *kv[] = { "name", "Phone OS", "when", "at 22:00", NULL };
  g_autofree char *gap = otaux_strings_format(s, "no.such.text", kv);
  g_autofree char *body = otaux_strings_format(s, "delayed.body", kv);

  assert_string_equal(gap, "no.such.text");
  assert_string_equal(body, "The device restarts at 22:00 to install Phone OS.");
}

static void check_result(const OtauxStrings *s, guint code, const char *needle)
{
  g_autofree char *text = otaux_strings_result_text(s, code);

  assert_non_null(text);
  assert_true(strlen(text) > 20);
  assert_null(strchr(text, '{')); /* every placeholder filled */
  if (needle != NULL && strstr(text, needle) == NULL)
    fail_msg("result %u: \"%s\" lacks \"%s\"", code, text, needle);
}

static void test_result_texts(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();

  check_result(s, 200, "Nothing else to do");
  check_result(s, 401, "may be offered again");
  check_result(s, 401, "Your device is unchanged");
  check_result(s, 501, "Free some space");
  check_result(s, 502, "Free some space");
  check_result(s, 503, "Wi-Fi");
  check_result(s, 250, "up to date");
  check_result(s, 299, "up to date");
  check_result(s, 450, "Connect the charger"); /* otaux-fwupd: fwupd's AC power error */
  check_result(s, 451, "Charge the battery");  /* otaux-fwupd: fwupd's battery error */
  check_result(s, 452, "code 452");
  check_result(s, 499, "code 499");
  check_result(s, 550, "code 550");
  check_result(s, 599, "code 599");
  check_result(s, 0, "unknown result (0)");
  check_result(s, 300, "unknown result (300)");
  check_result(s, 413, "unknown result (413)");
  check_result(s, 600, "unknown result (600)");
  for (guint code = 400; code <= 412; code++)
    check_result(s, code, NULL);
  for (guint code = 500; code <= 503; code++)
    check_result(s, code, NULL);
}

static void test_result_texts_distinct(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  static const guint codes[] = { 200, 400, 401, 402, 403, 404, 405, 406, 407,
                                 408, 409, 410, 411, 412, 500, 501, 502, 503 };

  /* Each specific code has its own words. */
  for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
    char *text = otaux_strings_result_text(s, codes[i]);

    assert_false(g_hash_table_contains(seen, text));
    g_hash_table_add(seen, text);
  }
}

static void test_format_size(void **state)
{
  static const struct {
    guint64 bytes;
    const char *text;
  } cases[] = {
    { 0, "0\u00a0bytes" },
    { 1, "1\u00a0byte" },
    { 850, "850\u00a0bytes" },
    { 999, "999\u00a0bytes" },
    { 1000, "1.0\u00a0kB" },
    { 1049, "1.0\u00a0kB" },
    { 1050, "1.1\u00a0kB" },
    { 12300000, "12.3\u00a0MB" },
    { 999949, "999.9\u00a0kB" },
    { 999950, "1.0\u00a0MB" },
    { 4200000000ULL, "4.2\u00a0GB" },
    { G_MAXUINT64, "18.4\u00a0EB" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = otaux_strings_format_size(cases[i].bytes);

    assert_string_equal(text, cases[i].text);
  }
}

/* Right-to-left texts get one leading RLM; anything else is untouched. */
static void test_bidi_mark(void **state)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    { "Contoso Phone OS \u062C\u0627\u0647\u0632", "\u200F"
                                                   "Contoso Phone OS \u062C\u0627\u0647\u0632" },
    { "\u05E2\u05D3\u05DB\u05D5\u05DF", "\u200F"
                                        "\u05E2\u05D3\u05DB\u05D5\u05DF" },
    { "\u200F"
      "\u062C\u0627\u0647\u0632",
      "\u200F"
      "\u062C\u0627\u0647\u0632" }, /* once only */
    { "Firmware update available", "Firmware update available" },
    { "Neue Software f\u00FCr Sie", "Neue Software f\u00FCr Sie" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = otaux_strings_bidi_mark(cases[i].in);
    assert_string_equal(got, cases[i].out);
  }
  assert_null(otaux_strings_bidi_mark(NULL));
}

static void test_duration_and_next_change(void **state)
{
  static const struct {
    gint64 seconds, next;
    const char *text;
  } rows[] = {
    { 0, -1, "0\u00a0seconds" },           { 1, 0, "1\u00a0second" },
    { 59, 58, "59\u00a0seconds" },         { 60, 59, "1\u00a0minute" },
    { 89, 59, "1\u00a0minute" },           { 90, 89, "2\u00a0minutes" },
    { 300, 269, "5\u00a0minutes" },        { 3599, 3569, "60\u00a0minutes" },
    { 3600, 3599, "1\u00a0hour" },         { 5399, 3599, "1\u00a0hour" },
    { 5400, 5399, "2\u00a0hours" },        { 86400, 86399, "1\u00a0day" },
    { 216000, 216000 - 1, "3\u00a0days" },
  };
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();

  for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
    g_autofree char *text = otaux_strings_format_duration(s, rows[i].seconds);

    assert_string_equal(text, rows[i].text);
    assert_int_equal(otaux_strings_duration_next_change(rows[i].seconds), rows[i].next);
  }
  /* Over four days, second by second: the wording holds from each count
   * down to just above its next change, and differs at the change. */
  for (gint64 sec = 4 * 86400; sec > 0;) {
    g_autofree char *here = otaux_strings_format_duration(s, sec);
    gint64 next = otaux_strings_duration_next_change(sec);
    g_autofree char *above = otaux_strings_format_duration(s, next + 1);
    g_autofree char *then = otaux_strings_format_duration(s, next);

    assert_true(next >= 0 && next < sec);
    assert_string_equal(above, here);
    assert_string_not_equal(then, here);
    sec = next;
  }
  assert_int_equal(otaux_strings_duration_next_change(-5), -1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lookup_builtin),
    cmocka_unit_test(test_every_prompt_id_exists),
    cmocka_unit_test(test_fill_replaces),
    cmocka_unit_test(test_fill_value_not_expanded_again),
    cmocka_unit_test(test_fill_unknown_and_malformed_left),
    cmocka_unit_test(test_fill_double_brace),
    cmocka_unit_test(test_format_unknown_id_yields_id),
    cmocka_unit_test(test_result_texts),
    cmocka_unit_test(test_result_texts_distinct),
    cmocka_unit_test(test_format_size),
    cmocka_unit_test(test_duration_and_next_change),
    cmocka_unit_test(test_bidi_mark),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
