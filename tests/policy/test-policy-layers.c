/* Unit tests of the policy layers: directory order, override, provenance,
 * bad and unreadable files skipped whole. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "otaux-policy-layers.h"

#define HEAD "<?xml version=\"1.0\"?>\n"

static gint find_knob(const char *name)
{
  for (guint i = 0; i < otaux_policy_n_knobs(); i++)
    if (g_str_equal(otaux_policy_knob_name(i), name))
      return (gint)i;
  fail_msg("no knob %s", name);
  return -1;
}

static void write_file(const char *dir, const char *name, const char *body)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autofree char *xml = g_strdup_printf(HEAD "<otaux-policy>\n%s\n</otaux-policy>\n", body);

  assert_true(g_file_set_contents(path, xml, -1, NULL));
}

static void remove_tree(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(dir);
}

static void test_layers_order_and_override(void **state)
{
  g_autofree char *vendor = g_dir_make_tmp("otaux-vendor-XXXXXX", NULL);
  g_autofree char *oper = g_dir_make_tmp("otaux-operator-XXXXXX", NULL);
  const char *dirs[] = { vendor, oper, "/nonexistent/otaux", NULL };
  g_autoptr(OtauxPolicyLayers) layers = NULL;
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(GPtrArray) files = NULL;

  /* Version order, not name order: zeta_050 first, then alpha_200. */
  write_file(vendor, "alpha_200.xml", "<delay max-count=\"5\"/>");
  write_file(vendor, "zeta_050.xml", "<delay max-count=\"4\" final-warning=\"2m\"/>");
  write_file(vendor, "README", "not xml");
  write_file(oper, "mxip_opr_100.xml", "<delay max-count=\"7\"/>");
  write_file(oper, "mxip_opr_200.xml", "<forced countdown=\"10m\"/>");

  files = otaux_policy_layer_files(vendor, problems);
  assert_int_equal(files->len, 2);
  assert_true(g_str_has_suffix(files->pdata[0], "zeta_050.xml"));
  assert_true(g_str_has_suffix(files->pdata[1], "alpha_200.xml"));
  assert_int_equal(problems->len, 0);

  layers = otaux_policy_layers_load(dirs);
  assert_int_equal(layers->problems->len, 0);
  assert_int_equal(layers->files->len, 4);
  assert_int_equal(layers->policy->max_delays, 7);        /* operator wins */
  assert_int_equal(layers->policy->final_warning_s, 120); /* vendor, untouched above */
  assert_int_equal(layers->policy->forced_countdown_s, 600);
  assert_int_equal(layers->policy->max_total_delay_s, 7 * 86400); /* built-in */
  assert_true(
      g_str_has_suffix(layers->origins[find_knob("delay.max-count")], "mxip_opr_100.xml:3"));
  assert_true(
      g_str_has_suffix(layers->origins[find_knob("delay.final-warning")], "zeta_050.xml:3"));
  assert_null(layers->origins[find_knob("delay.max-total")]);
  remove_tree(vendor);
  remove_tree(oper);
}

static void test_layers_bad_file_skipped(void **state)
{
  g_autofree char *dir = g_dir_make_tmp("otaux-layer-XXXXXX", NULL);
  const char *dirs[] = { dir, NULL };
  g_autoptr(OtauxPolicyLayers) layers = NULL;
  g_autofree char *p0 = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;

  write_file(dir, "good_100.xml", "<delay max-count=\"5\"/>");
  write_file(dir, "bad_200.xml", "<delay max-count=\"6\"/>\n<silent allowed=\"perhaps\"/>");
  write_file(dir, "contra_300.xml", "<delay max-count=\"8\" max-total=\"1h\"/>");
  write_file(dir, "policy.xml", "<delay max-count=\"9\"/>");

  layers = otaux_policy_layers_load(dirs);
  /* The good file applies; the bad ones are reported, with lines, and skipped whole. */
  assert_int_equal(layers->policy->max_delays, 5);
  assert_int_equal(layers->policy->max_total_delay_s, 7 * 86400);
  assert_int_equal(layers->files->len, 1);
  for (guint i = 0; i < layers->problems->len; i++) {
    g_autofree char *p = otaux_policy_problem_to_string(layers->problems->pdata[i]);
    print_message("# %s\n", p);
  }
  assert_int_equal(layers->problems->len, 4); /* contra_300: two contradictions */
  p0 = otaux_policy_problem_to_string(layers->problems->pdata[0]);
  p1 = otaux_policy_problem_to_string(layers->problems->pdata[1]);
  p2 = otaux_policy_problem_to_string(layers->problems->pdata[2]);
  assert_non_null(strstr(p0, "policy.xml: skipped: a policy file is named NAME_VVV.xml"));
  assert_non_null(strstr(p1, "bad_200.xml:4: silent.allowed: 'perhaps' is not yes or no"));
  assert_non_null(strstr(p2, "contra_300.xml:3: delay.reminders: a reminder 4h"));
  remove_tree(dir);
}

static void test_layers_unreadable_file(void **state)
{
  g_autofree char *dir = g_dir_make_tmp("otaux-layer-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename(dir, "dir_100.xml", NULL);
  const char *dirs[] = { dir, NULL };
  g_autoptr(OtauxPolicyLayers) layers = NULL;
  g_autofree char *p0 = NULL;

  assert_int_equal(g_mkdir(sub, 0700), 0);
  layers = otaux_policy_layers_load(dirs);
  assert_int_equal(layers->problems->len, 1);
  p0 = otaux_policy_problem_to_string(layers->problems->pdata[0]);
  assert_non_null(strstr(p0, "dir_100.xml: cannot read"));
  g_rmdir(sub);
  g_rmdir(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_layers_order_and_override),
    cmocka_unit_test(test_layers_bad_file_skipped),
    cmocka_unit_test(test_layers_unreadable_file),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
