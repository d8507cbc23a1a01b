/* Unit tests of the bridge's tables (bridges/fwupd/otaux-fwupd-map.c) and of
 * its declined-releases file (common/otaux-declined.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "otaux-fs.h"
#include "otaux-fwupd-map.h"
#include "otaux-declined.h"
#include "otaux-testlib.h"

static void test_priority(void **unused)
{
  assert_string_equal(otaux_fwupd_priority_from_urgency(FWUPD_RELEASE_URGENCY_LOW), "low");
  assert_string_equal(otaux_fwupd_priority_from_urgency(FWUPD_RELEASE_URGENCY_MEDIUM), "medium");
  assert_string_equal(otaux_fwupd_priority_from_urgency(FWUPD_RELEASE_URGENCY_HIGH), "high");
  assert_string_equal(otaux_fwupd_priority_from_urgency(FWUPD_RELEASE_URGENCY_CRITICAL), "high");
  assert_string_equal(otaux_fwupd_priority_from_urgency(FWUPD_RELEASE_URGENCY_UNKNOWN), "medium");
}

static guint map(GQuark domain, int code, OtauxFwupdStage stage)
{
  g_autoptr(GError) error = g_error_new_literal(domain, code, "x");
  return otaux_fwupd_result_from_error(error, stage);
}

static void test_errors(void **unused)
{
  const OtauxFwupdStage dl = OTAUX_FWUPD_STAGE_DOWNLOAD, in = OTAUX_FWUPD_STAGE_INSTALL;
  GQuark bridge = OTAUX_FWUPD_ERROR;

  assert_int_equal(otaux_fwupd_result_from_error(NULL, in), 200);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_AC_POWER_REQUIRED, in), 450);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_BATTERY_LEVEL_TOO_LOW, in), 451);
  assert_int_equal(map(G_IO_ERROR, G_IO_ERROR_NO_SPACE, dl), 501);
  assert_int_equal(map(G_IO_ERROR, G_IO_ERROR_NO_SPACE, in), 502);
  assert_int_equal(map(bridge, 402, dl), 402);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_INVALID_FILE, in), 402);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_SIGNATURE_INVALID, in), 404);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_NOT_SUPPORTED, in), 408);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_NOT_REACHABLE, dl), 503);
  assert_int_equal(map(G_IO_ERROR, G_IO_ERROR_NOT_FOUND, dl), 411);
  assert_int_equal(map(G_IO_ERROR, G_IO_ERROR_TIMED_OUT, dl), 407);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_WRITE, in), 410);
  assert_int_equal(map(G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY, in), 410);
  assert_int_equal(map(G_IO_ERROR, G_IO_ERROR_DBUS_ERROR, in), 410);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_BUSY, in), 409);
  assert_int_equal(map(FWUPD_ERROR, FWUPD_ERROR_AUTH_FAILED, dl), 406);
  /* fallbacks: a download problem reads as the network, an install one as "not installed" */
  assert_int_equal(map(G_FILE_ERROR, G_FILE_ERROR_FAILED, dl), 503);
  assert_int_equal(map(G_FILE_ERROR, G_FILE_ERROR_FAILED, in), 410);
}

/* docs/fwupd.md's table "Failures → FUMO result codes" and the code's table
 * name the same fwupd errors with the same stage and result. */
static gboolean doc_row_matches(const char *line, const char *name, int stage, guint result)
{
  g_auto(GStrv) cells = g_strsplit(line, "|", -1);
  g_autofree char *quoted = g_strdup_printf("`%s`", name);
  g_autofree char *num = g_strdup_printf("%u", result);
  const char *want_stage = stage == -1                           ? "any"
                           : stage == OTAUX_FWUPD_STAGE_DOWNLOAD ? "download"
                                                                 : "install";

  if (g_strv_length(cells) < 5 || !g_str_has_prefix(g_strstrip(cells[1]), "fwupd "))
    return FALSE;
  return strstr(cells[1], quoted) != NULL && g_str_equal(g_strstrip(cells[2]), want_stage) &&
         strstr(cells[3], num) != NULL;
}

static void test_docs_agree(void **unused)
{
  const char *root = g_getenv("OTAUX_SOURCE_ROOT");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize n = 0;
  const OtauxFwupdErrorRow *rows = otaux_fwupd_error_rows(&n);

  if (root == NULL)
    skip();
  path = g_build_filename(root, "docs", "fwupd.md", NULL);
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  lines = g_strsplit(text, "\n", -1);
  for (gsize i = 0; i < n; i++) {
    const char *name;
    gboolean found = FALSE;
    if (!g_str_equal(rows[i].domain, "fwupd") || rows[i].code < 0)
      continue;
    name = strrchr(fwupd_error_to_string(rows[i].code), '.') + 1;
    for (gsize l = 0; lines[l] != NULL && !found; l++)
      found = doc_row_matches(lines[l], name, rows[i].stage, rows[i].result);
    if (!found)
      fail_msg("docs/fwupd.md has no row: fwupd `%s` | %d | %u", name, rows[i].stage,
               rows[i].result);
  }
  /* and back: every fwupd error the docs name is in the code's table */
  for (gsize l = 0; lines[l] != NULL; l++) {
    if (!g_str_has_prefix(lines[l], "| fwupd `"))
      continue;
    for (int code = 0; code < FWUPD_ERROR_LAST; code++) {
      const char *name = strrchr(fwupd_error_to_string(code), '.') + 1;
      g_autofree char *quoted = g_strdup_printf("`%s`", name);
      gboolean in_code = FALSE;
      g_auto(GStrv) cells = g_strsplit(lines[l], "|", -1);
      if (strstr(cells[1], quoted) == NULL)
        continue;
      for (gsize i = 0; i < n && !in_code; i++)
        in_code = g_str_equal(rows[i].domain, "fwupd") && rows[i].code == code &&
                  doc_row_matches(lines[l], name, rows[i].stage, rows[i].result);
      if (!in_code)
        fail_msg("docs/fwupd.md names fwupd `%s` in a row the code's table lacks: %s", name,
                 lines[l]);
    }
  }
}

static void check_text(const char *markup, const char *want)
{
  g_autofree char *got = otaux_fwupd_markup_to_text(markup);
  assert_string_equal(got, want);
}

static void test_markup(void **unused)
{
  check_text(NULL, "");
  check_text("<p>Fixes a bug.</p>", "Fixes a bug.");
  check_text("<p>One.</p><p>Two\n   lines.</p>", "One.\n\nTwo lines.");
  check_text("<p>Fixes:</p><ul><li>A</li><li>B <em>now</em></li></ul><p>End.</p>",
             "Fixes:\n\n• A\n• B now\n\nEnd.");
  check_text("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second");
  check_text("<p>a &amp; b &lt;c&gt;</p>", "a & b <c>");
  /* not markup: kept as text */
  check_text("plain <unclosed", "plain <unclosed");
}

static void test_ids(void **unused)
{
  g_autofree char *id = otaux_fwupd_offer_id("08d4", "1.2.4");
  assert_string_equal(id, "fwupd:08d4:1.2.4");
  assert_int_equal(otaux_fwupd_checksum_type("fc0aabcf98bf3546c91270f2941f0acd0395dd79"),
                   G_CHECKSUM_SHA1);
  assert_int_equal((int)otaux_fwupd_checksum_type("abc"), -1);
}

static void on_fs(const char *op, const char *path, gpointer user_data)
{
  g_string_append_printf(user_data, "%s %s\n", op, path);
}

static void test_state(void **unused)
{
  g_autofree char *dir = g_dir_make_tmp("otaux-fwupd-state-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "sub", "declined.ini", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxDeclined) state = otaux_declined_load(path, &error);
  g_autoptr(OtauxDeclined) again = NULL;

  assert_non_null(state);
  assert_false(otaux_declined_is_declined(state, "dev", "1.2.4"));
  g_autoptr(GString) ops = g_string_new("");
  g_autofree char *want = NULL;

  /* The first decline makes sub/, synced into its parent, then the file's
   * rename is synced into sub/. */
  otaux_fs_set_trace(on_fs, ops);
  assert_true(otaux_declined_decline(state, "dev", "1.2.4", &error));
  otaux_fs_set_trace(NULL, NULL);
  want = g_strdup_printf("mkdir %s/sub\nfsync %s\nfsync %s/sub\n", dir, dir, dir);
  assert_string_equal(ops->str, want);
  assert_true(otaux_declined_is_declined(state, "dev", "1.2.4"));
  /* a newer release of the device is not declined */
  assert_false(otaux_declined_is_declined(state, "dev", "1.2.5"));
  again = otaux_declined_load(path, &error);
  assert_non_null(again);
  assert_true(otaux_declined_is_declined(again, "dev", "1.2.4"));
  otaux_declined_free(g_steal_pointer(&again));
  /* a damaged file is an error naming the file */
  assert_true(g_file_set_contents(path, "[declined\n", -1, NULL));
  again = otaux_declined_load(path, &error);
  assert_null(again);
  assert_non_null(strstr(error->message, "declined.ini"));
  otaux_test_rm_rf(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_priority), cmocka_unit_test(test_errors),
    cmocka_unit_test(test_markup),   cmocka_unit_test(test_ids),
    cmocka_unit_test(test_state),    cmocka_unit_test(test_docs_agree),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
