/* Unit tests of the RAUC bridge's tables and parsers
 * (bridges/rauc/otaux-rauc-map.c) and of its activation record
 * (bridges/rauc/otaux-rauc-state.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "otaux-rauc-map.h"
#include "otaux-rauc-state.h"

static void test_errors(void **unused)
{
  /* LastError as RAUC 1.8 wrote it in the real runs (docs/rauc.md) */
  assert_int_equal(otaux_rauc_result_from_error("Compatible mismatch: Expected 'otaux-test' but "
                                                "bundle manifest has 'other-device'"),
                   403);
  assert_int_equal(otaux_rauc_result_from_error("signature verification failed: Verify error:"
                                                "unable to get local issuer certificate"),
                   404);
  assert_int_equal(
      otaux_rauc_result_from_error("Invalid bundle format: Failed to open bundle /x.raucb"), 402);
  assert_int_equal(otaux_rauc_result_from_error("Invalid bundle format: Signature size is 0"), 402);
  assert_int_equal(
      otaux_rauc_result_from_error("Pre-install handler error: Child process exited with code 1"),
      410);
  assert_int_equal(
      otaux_rauc_result_from_error("Failed to open /dev/loop-control: Permission denied"), 410);
  assert_int_equal(otaux_rauc_result_from_error(NULL), 410);
}

/* docs/rauc.md's table "Failures" names every row of the code's table with
 * its result, and no other. */
static void test_doc_table(void **unused)
{
  g_autofree char *doc_path =
      g_build_filename(g_getenv("OTAUX_SOURCE_ROOT"), "docs", "rauc.md", NULL);
  g_autofree char *doc = NULL;
  const char *words;
  guint result = 0;
  guint rows = 0;

  assert_true(g_file_get_contents(doc_path, &doc, NULL, NULL));
  for (guint i = 0; (words = otaux_rauc_map_row(i, &result)) != NULL; i++) {
    g_autofree char *row = g_strdup_printf("| `%s` | **%u** |", words, result);

    if (strstr(doc, row) == NULL)
      fail_msg("docs/rauc.md lacks the row %s", row);
    rows++;
  }
  {
    /* every code row of the doc's table is in the code */
    g_auto(GStrv) lines = g_strsplit(doc, "\n", -1);
    guint doc_rows = 0;

    for (char **l = lines; *l != NULL; l++)
      if (g_str_has_prefix(*l, "| `") && strstr(*l, "` | **") != NULL)
        doc_rows++;
    assert_int_equal(doc_rows, rows);
  }
}

static void test_info(void **unused)
{
  OtauxRaucManifest m = { 0 };
  g_autoptr(GError) error = NULL;

  assert_true(otaux_rauc_parse_info("RAUC_MF_COMPATIBLE='otaux-test'\n"
                                    "RAUC_MF_VERSION='2.0'\n"
                                    "RAUC_MF_DESCRIPTION='Acme '\\''OS'\\'''\n"
                                    "RAUC_MF_BUILD='20261204'\nRAUC_MF_IMAGES=1\n",
                                    &m, &error));
  assert_string_equal(m.compatible, "otaux-test");
  assert_string_equal(m.version, "2.0");
  assert_string_equal(m.description, "Acme 'OS'");
  assert_string_equal(m.build, "20261204");
  otaux_rauc_manifest_clear(&m);
  assert_false(otaux_rauc_parse_info("RAUC_MF_VERSION='2.0'\n", &m, &error));
  assert_null(m.version);
}

static void test_sidecar(void **unused)
{
  g_autofree char *dir = g_dir_make_tmp("otaux-rauc-map-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "b.raucb.otaux", NULL);
  OtauxRaucSidecar car = { 0 };
  g_autoptr(GError) error = NULL;

  assert_true(otaux_rauc_parse_sidecar(path, &car, &error)); /* none: defaults */
  assert_null(car.priority);
  assert_true(g_file_set_contents(
      path, "[otaux]\npriority=high\nrelease-notes=One.\\nTwo.\ninstall-message=Keep it on.\n", -1,
      NULL));
  assert_true(otaux_rauc_parse_sidecar(path, &car, &error));
  assert_string_equal(car.priority, "high");
  assert_string_equal(car.release_notes, "One.\nTwo.");
  assert_string_equal(car.install_message, "Keep it on.");
  assert_true(g_file_set_contents(path, "[otaux]\npriority=urgent\n", -1, NULL));
  assert_false(otaux_rauc_parse_sidecar(path, &car, &error));
  assert_null(car.priority);
  otaux_rauc_sidecar_clear(&car);
  g_unlink(path);
  g_rmdir(dir);
}

static void test_activation(void **unused)
{
  g_autofree char *dir = g_dir_make_tmp("otaux-rauc-state-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "sub", "activated.ini", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxRaucActivation) none = otaux_rauc_state_load(path, &error);
  char id[] = "rauc:c:2.0", compatible[] = "c", version[] = "2.0", name[] = "Acme OS",
       slot[] = "rootfs.1", bootname[] = "B", from[] = "A", boot_id[] = "x";
  OtauxRaucActivation a = { .id = id,
                            .compatible = compatible,
                            .version = version,
                            .name = name,
                            .slot = slot,
                            .bootname = bootname,
                            .from = from,
                            .boot_id = boot_id };
  g_autoptr(OtauxRaucActivation) back = NULL;
  g_autofree char *sub = g_path_get_dirname(path);

  assert_null(none);
  assert_null(error);
  assert_true(otaux_rauc_state_save(path, &a, &error));
  back = otaux_rauc_state_load(path, &error);
  assert_non_null(back);
  assert_string_equal(back->id, "rauc:c:2.0");
  assert_string_equal(back->bootname, "B");
  assert_string_equal(back->from, "A");
  assert_true(otaux_rauc_state_clear(path, &error));
  assert_true(otaux_rauc_state_clear(path, &error)); /* twice: nothing to do */
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  g_rmdir(sub);
  g_rmdir(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_errors),  cmocka_unit_test(test_doc_table),  cmocka_unit_test(test_info),
    cmocka_unit_test(test_sidecar), cmocka_unit_test(test_activation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
