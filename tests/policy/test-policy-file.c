/* Unit tests of one policy file: parsing, every kind of problem (values,
 * contradictions), and the shipped files (default = built-ins, examples clean). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otaux-policy-layers.h"

static gint find_knob(const char *name)
{
  for (guint i = 0; i < otaux_policy_n_knobs(); i++)
    if (g_str_equal(otaux_policy_knob_name(i), name))
      return (gint)i;
  fail_msg("no knob %s", name);
  return -1;
}

static char *value_of(const OtauxPolicy *p, const char *knob)
{
  return otaux_policy_knob_value(p, (guint)find_knob(knob));
}

/* Parses @xml and applies it on the built-ins; the problems as strings. */
static GPtrArray *problems_of(const char *xml)
{
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(OtauxPolicyFile) file = otaux_policy_file_parse("t.xml", xml, strlen(xml), problems);
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

  if (file != NULL) {
    g_autoptr(OtauxPolicy) p = otaux_policy_new_default();
    guint lines[256] = { 0 };

    assert_true(otaux_policy_n_knobs() < G_N_ELEMENTS(lines));
    otaux_policy_file_apply(file, p);
    for (guint i = 0; i < otaux_policy_n_knobs(); i++)
      lines[i] = otaux_policy_file_knob_line(file, i);
    /* As a layer on the built-ins. */
    otaux_policy_check(p, "t.xml", lines, problems);
  }
  for (guint i = 0; i < problems->len; i++)
    g_ptr_array_add(out, otaux_policy_problem_to_string(problems->pdata[i]));
  return out;
}

static void assert_problem(const char *xml, const char *expected)
{
  g_autoptr(GPtrArray) problems = problems_of(xml);

  if (problems->len == 0)
    fail_msg("no problem in:\n%s\nexpected: %s", xml, expected);
  for (guint i = 0; i < problems->len; i++)
    if (strstr(problems->pdata[i], expected) != NULL)
      return;
  fail_msg("expected '%s', got '%s'", expected, (char *)problems->pdata[0]);
}

static void assert_clean(const char *xml)
{
  g_autoptr(GPtrArray) problems = problems_of(xml);

  if (problems->len > 0)
    fail_msg("unexpected problem: %s", (char *)problems->pdata[0]);
}

#define HEAD "<?xml version=\"1.0\"?>\n"

/* ---- shipped files ---- */

static void test_default_file_equals_builtins(void **state)
{
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxPolicyFile) file =
      otaux_policy_file_load(OTAUX_SOURCE_ROOT "/data/policy/default.xml", problems, &error);
  g_autoptr(OtauxPolicyLayers) layers = otaux_policy_layers_new();
  g_autoptr(OtauxPolicy) builtin = otaux_policy_new_default();

  assert_null(error);
  assert_int_equal(problems->len, 0);
  assert_non_null(file);
  /* Complete: every knob is written out ... */
  for (guint i = 0; i < otaux_policy_n_knobs(); i++)
    if (otaux_policy_file_knob_line(file, i) == 0)
      fail_msg("default.xml does not set %s", otaux_policy_knob_name(i));
  /* ... and equal to the built-ins, byte for byte. */
  assert_true(
      otaux_policy_layers_add_file(layers, OTAUX_SOURCE_ROOT "/data/policy/default.xml", NULL));
  assert_true(otaux_policy_equal(layers->policy, builtin));
  for (guint i = 0; i < otaux_policy_n_knobs(); i++)
    assert_non_null(strstr(layers->origins[i], "default.xml:"));
}

static void test_examples_are_clean(void **state)
{
  const char *const names[] = { "cautious_100.xml", "strict_100.xml" };

  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *path = g_build_filename(OTAUX_SOURCE_ROOT, "data", "examples", names[i], NULL);
    g_autoptr(OtauxPolicyLayers) layers = otaux_policy_layers_new();

    if (!otaux_policy_layers_add_file(layers, path, NULL)) {
      g_autofree char *p = otaux_policy_problem_to_string(layers->problems->pdata[0]);
      fail_msg("%s", p);
    }
    assert_int_equal(layers->problems->len, 0);
    if (i == 1) {
      assert_int_equal(layers->policy->max_total_delay_s, 3 * 24 * 3600);
      assert_true(layers->policy->allow_forced);
      assert_int_equal(layers->policy->priority[OTAUX_PRIORITY_HIGH].timeout_answer,
                       OTAUX_TIMEOUT_ANSWER_ACCEPT);
    } else {
      assert_false(layers->policy->allow_forced);
      assert_int_equal(layers->policy->roaming_download, OTAUX_ROAMING_DOWNLOAD_NO);
      assert_int_equal(layers->policy->charge_warning, OTAUX_CHARGE_WARN_CELLULAR);
    }
  }
}

/* ---- values ---- */

/* The device knobs (issue 10): whose word counts, the battery line. */
static void test_device_knobs(void **state)
{
  static const char xml[] = HEAD "<otaux-policy version=\"1\">\n"
                                 "  <device source=\"system\"/>\n"
                                 "  <battery min-on-battery=\"40\" min-charging=\"0\" "
                                 "mains-required=\"yes\"/>\n"
                                 "</otaux-policy>\n";
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(OtauxPolicyFile) f = otaux_policy_file_parse("d.xml", xml, strlen(xml), problems);
  g_autoptr(OtauxPolicy) builtin = otaux_policy_new_default();

  assert_int_equal(problems->len, 0);
  assert_non_null(f);
  assert_int_equal(otaux_policy_file_knob_line(f, (guint)find_knob("device.source")), 3);
  assert_int_equal(otaux_policy_file_knob_line(f, (guint)find_knob("battery.min-on-battery")), 4);
  assert_int_equal(builtin->device_trust, OTAUX_DEVICE_TRUST_EITHER);
  assert_int_equal(builtin->battery_min_on_battery, 25);
  assert_int_equal(builtin->battery_min_charging, 10);
  assert_false(builtin->battery_mains_required);

  {
    g_autofree char *tmp = g_dir_make_tmp("otaux-policy-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(tmp, "d_100.xml", NULL);
    g_autoptr(OtauxPolicyLayers) layers = otaux_policy_layers_new();

    assert_true(g_file_set_contents(path, xml, -1, NULL));
    assert_true(otaux_policy_layers_add_file(layers, path, NULL));
    assert_int_equal(layers->policy->device_trust, OTAUX_DEVICE_TRUST_SYSTEM);
    assert_int_equal(layers->policy->battery_min_on_battery, 40);
    assert_int_equal(layers->policy->battery_min_charging, 0);
    assert_true(layers->policy->battery_mains_required);
    g_unlink(path);
    g_rmdir(tmp);
  }
}

static void test_values_parse(void **state)
{
  static const char xml[] = HEAD
      "<otaux-policy version=\"1\">\n"
      "  <priority level=\"low\" timeout=\"90\" timeout-answer=\"later\" later=\"2h\"/>\n"
      "  <priority level=\"high\" presentation=\"silent\" sound=\"false\"/>\n"
      "  <charge-warning when=\"metered\" min-size=\"50MB\" program=\"/usr/bin/warn\"/>\n"
      "  <delay options=\"15m 1d\" tonight=\"21:30\" morning=\"none\" reminders=\"2h 30m 5s\"/>\n"
      "  <quiet-hours start=\"22:00\" end=\"06:30\"/>\n"
      "  <callers uids=\"0 1000\" names=\"org.example.Updater com.x-y.U_2\"/>\n"
      "</otaux-policy>\n";
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(OtauxPolicyFile) f = otaux_policy_file_parse("v.xml", xml, strlen(xml), problems);
  g_autoptr(OtauxPolicyLayers) layers = otaux_policy_layers_new();
  OtauxPolicy *p;
  g_autofree char *tmp = NULL;
  g_autofree char *path = NULL;

  assert_int_equal(problems->len, 0);
  assert_non_null(f);
  assert_int_equal(otaux_policy_file_knob_line(f, (guint)find_knob("priority.low.timeout")), 3);
  assert_int_equal(otaux_policy_file_knob_line(f, (guint)find_knob("delay.tonight")), 6);
  assert_int_equal(otaux_policy_file_knob_line(f, (guint)find_knob("delay.max-count")), 0);

  tmp = g_dir_make_tmp("otaux-policy-XXXXXX", NULL);
  path = g_build_filename(tmp, "v_100.xml", NULL);
  assert_true(g_file_set_contents(path, xml, -1, NULL));
  assert_true(otaux_policy_layers_add_file(layers, path, NULL));
  p = layers->policy;
  assert_int_equal(p->priority[OTAUX_PRIORITY_LOW].timeout_s, 90);
  assert_int_equal(p->priority[OTAUX_PRIORITY_LOW].later_s, 7200);
  assert_int_equal(p->priority[OTAUX_PRIORITY_LOW].timeout_answer, OTAUX_TIMEOUT_ANSWER_LATER);
  assert_int_equal(p->priority[OTAUX_PRIORITY_HIGH].presentation, OTAUX_PRESENTATION_SILENT);
  assert_false(p->priority[OTAUX_PRIORITY_HIGH].sound);
  assert_int_equal(p->charge_warning, OTAUX_CHARGE_WARN_METERED);
  assert_int_equal(p->charge_min_size, 50000000);
  assert_string_equal(p->charge_program, "/usr/bin/warn");
  assert_int_equal(p->n_delay_options, 2);
  assert_int_equal(p->delay_options_s[1], 86400);
  assert_int_equal(p->tonight_hour, 21);
  assert_int_equal(p->tonight_minute, 30);
  assert_int_equal(p->morning_hour, -1);
  assert_int_equal(p->n_reminders, 3);
  assert_int_equal(p->reminders_s[2], 5);
  assert_int_equal(p->quiet_start_min, 22 * 60);
  assert_int_equal(p->quiet_end_min, 6 * 60 + 30);
  assert_int_equal(p->n_allowed_uids, 2);
  assert_int_equal(p->allowed_uids[1], 1000);
  assert_int_equal(p->n_allowed_names, 2);
  assert_string_equal(p->allowed_names[1], "com.x-y.U_2");
  /* Untouched knobs keep the built-in value, with no origin. */
  assert_int_equal(p->max_delays, 3);
  assert_null(layers->origins[find_knob("delay.max-count")]);
  assert_non_null(strstr(layers->origins[find_knob("delay.options")], "v_100.xml:6"));

  /* Values print as files write them. */
  {
    g_autofree char *a = value_of(p, "delay.reminders");
    g_autofree char *b = value_of(p, "charge-warning.min-size");
    g_autofree char *c = value_of(p, "delay.morning");
    g_autofree char *d = value_of(p, "callers.names");
    g_autofree char *e = value_of(p, "quiet-hours.end");

    assert_string_equal(a, "2h 30m 5s");
    assert_string_equal(b, "50MB");
    assert_string_equal(c, "none");
    assert_string_equal(d, "org.example.Updater com.x-y.U_2");
    assert_string_equal(e, "06:30");
  }
  g_unlink(path);
  g_rmdir(tmp);
}

/* ---- every kind of problem ---- */

static void test_error_not_well_formed(void **state)
{
  /* The mismatch shows where it is found: at the end tag. */
  assert_problem(HEAD "<otaux-policy>\n<delay>\n</otaux-policy>\n", "t.xml:4: Opening and ending");
  assert_problem("", "t.xml");
  assert_problem(HEAD "<otaux-policy/>\n<second/>\n", "t.xml:3:");
}

static void test_error_doctype_and_entities(void **state)
{
  /* The billion laughs never reach the parser. */
  assert_problem(HEAD "<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
                      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n"
                      "<otaux-policy><forced countdown=\"&lol2;\"/></otaux-policy>\n",
                 "t.xml:2: a DOCTYPE is not allowed");
  assert_problem(HEAD "<!DOCTYPE otaux-policy SYSTEM \"http://example.com/x.dtd\">\n"
                      "<otaux-policy/>\n",
                 "DOCTYPE is not allowed");
  /* An undeclared entity is a well-formedness error, not a fetch. */
  assert_problem(HEAD "<otaux-policy>\n<forced countdown=\"&x;\"/></otaux-policy>\n", "t.xml:3:");
}

static void test_error_schema(void **state)
{
  /* unknown element, unknown attribute, wrong root, missing level, twice */
  assert_problem(HEAD "<otaux-policy>\n  <reboot now=\"yes\"/>\n</otaux-policy>\n", "t.xml:3:");
  assert_problem(HEAD "<otaux-policy>\n  <delay max-count=\"2\"\n   colour=\"red\"/>\n"
                      "</otaux-policy>\n",
                 "t.xml:4: Invalid attribute colour for element delay");
  assert_problem(HEAD "<policy/>\n", "t.xml:2:");
  assert_problem(HEAD "<otaux-policy>\n<priority sound=\"yes\"/>\n</otaux-policy>\n", "t.xml:3:");
  assert_problem(HEAD "<otaux-policy>\n<delay/>\n<delay/>\n</otaux-policy>\n", "t.xml:");
  assert_problem(HEAD "<otaux-policy>\n<delay>text</delay>\n</otaux-policy>\n", "t.xml:3:");
  assert_problem(HEAD "<otaux-policy version=\"2\"/>\n", "t.xml:2: policy version '2'");
}

static void test_error_priority_level(void **state)
{
  assert_problem(HEAD "<otaux-policy>\n<priority level=\"urgent\"/>\n</otaux-policy>\n",
                 "t.xml:3: priority level 'urgent' is not one of low, medium, high");
  assert_problem(HEAD "<otaux-policy>\n<priority level=\"low\"/>\n<priority level=\"low\"/>\n"
                      "</otaux-policy>\n",
                 "t.xml:4: priority level low is set twice (first at line 3)");
}

static void test_error_values(void **state)
{
  static const struct {
    const char *element;
    const char *expected;
  } cases[] = {
    { "<silent allowed=\"maybe\"/>", "silent.allowed: 'maybe' is not yes or no" },
    { "<delay max-count=\"-1\"/>", "delay.max-count: '-1' is not a whole number" },
    { "<delay max-count=\"101\"/>", "delay.max-count: 101 is out of range (0 to 100)" },
    { "<forced countdown=\"5 min\"/>", "forced.countdown: '5 min' is not a duration" },
    { "<forced countdown=\"31d\"/>", "forced.countdown: 31d is out of range (0s to 30d)" },
    { "<download timeout=\"0\"/>", "download.timeout: 0 is out of range (1s to 7d)" },
    { "<download retry-interval=\"99999999999999999999\"/>", "is not a duration" },
    { "<priority level=\"low\" presentation=\"banner\"/>",
      "priority.low.presentation: 'banner' is not one of silent, notification, actions, popup" },
    { "<priority level=\"high\" timeout-answer=\"yes\"/>", "is not one of cancel, accept, later" },
    { "<charge-warning when=\"wifi\"/>",
      "is not one of never, roaming, metered, cellular, always" },
    { "<charge-warning min-size=\"10 MB\"/>", "is not a size" },
    { "<charge-warning program=\"warn.sh\"/>", "'warn.sh' is not an absolute path" },
    { "<roaming download=\"maybe\"/>", "is not one of yes, no, ask" },
    { "<device source=\"modem\"/>",
      "device.source: 'modem' is not one of either, updater, system" },
    { "<battery min-on-battery=\"101\"/>",
      "battery.min-on-battery: 101 is out of range (0 to 100)" },
    { "<battery min-charging=\"ten\"/>", "battery.min-charging: 'ten' is not a whole number" },
    { "<battery mains-required=\"sometimes\"/>", "battery.mains-required: 'sometimes' is not yes" },
    { "<delay tonight=\"24:00\"/>", "delay.tonight: '24:00' is not a time of day HH:MM" },
    { "<delay morning=\"7:00\"/>", "is not a time of day" },
    { "<quiet-hours start=\"none\"/>", "quiet-hours.start: 'none' is not a time of day" },
    { "<delay options=\"1h 2h 3h 4h 5h 6h 7h 8h 9h\"/>", "delay.options: more than 8 values" },
    { "<delay options=\"30s\"/>", "delay.options: 30s is out of range" },
    { "<delay options=\"1h soon\"/>", "delay.options: 'soon' is not a duration" },
    { "<delay reminders=\"15m 1h\"/>", "reminders must be in descending order" },
    { "<callers uids=\"root\"/>", "callers.uids: 'root' is not a uid" },
    { "<callers uids=\"4294967295\"/>", "callers.uids: 4294967295 is out of range" },
    { "<callers groups=\"wheel\"/>", "callers.groups: 'wheel' is not a gid" },
    { "<callers names=\":1.42\"/>", "':1.42' is not a well-known D-Bus name" },
    { "<callers names=\"org..x\"/>", "is not a well-known D-Bus name" },
    { "<callers names=\"single\"/>", "is not a well-known D-Bus name" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml =
        g_strdup_printf(HEAD "<otaux-policy>\n  %s\n</otaux-policy>\n", cases[i].element);
    g_autoptr(GPtrArray) problems = problems_of(xml);

    assert_problem(xml, cases[i].expected);
    /* Every value problem names the line of its element. */
    assert_true(g_str_has_prefix(problems->pdata[0], "t.xml:3: "));
  }
}

static void test_error_contradictions(void **state)
{
  assert_problem(HEAD "<otaux-policy>\n<delay max-total=\"1d\"\n reminders=\"2d 1h\"/>\n"
                      "</otaux-policy>\n",
                 /* libxml2 numbers an element by the end of its start tag */
                 "t.xml:4: delay.reminders: a reminder 2d before the reboot is longer than the "
                 "maximum delay delay.max-total 1d");
  /* Against the layer below: max-total alone, under the built-in 4h reminder. */
  assert_problem(HEAD "<otaux-policy>\n<delay max-total=\"2h\" options=\"1h\"/>\n</otaux-policy>\n",
                 "t.xml:3: delay.reminders: a reminder 4h");
  assert_problem(HEAD "<otaux-policy>\n<delay max-total=\"1d\" options=\"2d\" reminders=\"1h\"/>\n"
                      "</otaux-policy>\n",
                 "delay.options: 2d is longer than the maximum delay");
  assert_problem(HEAD "<otaux-policy>\n<delay max-pick=\"8d\"/>\n</otaux-policy>\n",
                 "t.xml:3: delay.max-pick is longer than delay.max-total");
  assert_problem(HEAD "<otaux-policy>\n<priority level=\"medium\" timeout=\"1h\" "
                      "timeout-answer=\"later\"/>\n</otaux-policy>\n",
                 "t.xml:3: priority medium: timeout-answer is later, but later is 0");
  assert_problem(HEAD "<otaux-policy>\n<charge-warning when=\"never\" program=\"/bin/x\"/>\n"
                      "</otaux-policy>\n",
                 "t.xml:3: charge-warning: a program is set but when is never");
}

static void test_clean_edge_values(void **state)
{
  assert_clean(HEAD "<otaux-policy/>\n");
  assert_clean(HEAD "<otaux-policy>\n<delay max-total=\"1d\" reminders=\"1h\" final-warning=\"1h\" "
                    "max-pick=\"1d\"/>\n</otaux-policy>\n");
  assert_clean(HEAD "<!-- a comment --><otaux-policy>\n<callers uids=\"\" names=\" \"/>\n"
                    "<charge-warning program=\"\"/></otaux-policy>\n");
}

static void test_error_too_large(void **state)
{
  gsize len = OTAUX_POLICY_FILE_MAX_BYTES + 1;
  g_autofree char *big = g_malloc(len + 1);
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(OtauxPolicyFile) file = NULL;
  g_autofree char *msg = NULL;

  memset(big, ' ', len);
  big[len] = '\0';
  file = otaux_policy_file_parse("big.xml", big, len, problems);
  assert_null(file);
  assert_int_equal(problems->len, 1);
  msg = otaux_policy_problem_to_string(problems->pdata[0]);
  assert_non_null(strstr(msg, "big.xml: the file is larger than"));
}

static void test_error_many_problems_capped(void **state)
{
  GString *xml = g_string_new(HEAD "<otaux-policy>\n");
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(OtauxPolicyFile) file = NULL;

  for (int i = 0; i < 3; i++)
    g_string_append_printf(xml,
                           "<priority level=\"low\" sound=\"x\" later=\"y\" timeout=\"z\"/>\n");
  g_string_append(xml, "</otaux-policy>\n");
  /* duplicates after the first: one problem each; the first: three values */
  file = otaux_policy_file_parse("m.xml", xml->str, xml->len, problems);
  assert_null(file);
  assert_int_equal(problems->len, 5);
  g_string_free(xml, TRUE);

  xml = g_string_new(HEAD "<otaux-policy>\n");
  for (int i = 0; i < 200; i++)
    g_string_append(xml, "<bogus/>\n");
  g_string_append(xml, "</otaux-policy>\n");
  g_ptr_array_set_size(problems, 0);
  file = otaux_policy_file_parse("m.xml", xml->str, xml->len, problems);
  assert_null(file);
  assert_true(problems->len <= OTAUX_POLICY_FILE_MAX_PROBLEMS + 1);
  g_string_free(xml, TRUE);
}

static void test_error_unreadable(void **state)
{
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxPolicyFile) file =
      otaux_policy_file_load("/nonexistent/x_100.xml", problems, &error);

  assert_null(file);
  assert_true(g_error_matches(error, OTAUX_POLICY_FILE_ERROR, OTAUX_POLICY_FILE_ERROR_UNREADABLE));
  assert_int_equal(problems->len, 0);
  g_clear_error(&error);
  file = otaux_policy_file_load("/", problems, &error);
  assert_null(file);
  assert_non_null(error);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_default_file_equals_builtins),
    cmocka_unit_test(test_examples_are_clean),
    cmocka_unit_test(test_values_parse),
    cmocka_unit_test(test_device_knobs),
    cmocka_unit_test(test_error_not_well_formed),
    cmocka_unit_test(test_error_doctype_and_entities),
    cmocka_unit_test(test_error_schema),
    cmocka_unit_test(test_error_priority_level),
    cmocka_unit_test(test_error_values),
    cmocka_unit_test(test_error_contradictions),
    cmocka_unit_test(test_clean_edge_values),
    cmocka_unit_test(test_error_too_large),
    cmocka_unit_test(test_error_many_problems_capped),
    cmocka_unit_test(test_error_unreadable),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
