/* Unit tests of common/otaux-fs.c: each folder made is synced into its
 * parent, through the module's trace seam (otaux_fs_set_trace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "otaux-fs.h"
#include "otaux-testlib.h"

typedef struct {
  char *base;
  GString *trace; /* "op path\n" per call, paths relative to base */
} Fixture;

static void on_trace(const char *op, const char *path, gpointer user_data)
{
  Fixture *f = user_data;
  gsize n = strlen(f->base);

  if (strncmp(path, f->base, n) == 0)
    path += n;
  g_string_append_printf(f->trace, "%s %s\n", op, path[0] != '\0' ? path : "/");
}

static int setup(void **state)
{
  Fixture *f = g_new0(Fixture, 1);

  f->base = g_dir_make_tmp("otaux-fs-XXXXXX", NULL);
  assert_non_null(f->base);
  f->trace = g_string_new("");
  otaux_fs_set_trace(on_trace, f);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  Fixture *f = *state;

  otaux_fs_set_trace(NULL, NULL);
  otaux_test_rm_rf(f->base);
  g_free(f->base);
  g_string_free(f->trace, TRUE);
  g_free(f);
  return 0;
}

static void test_each_level_synced_in_order(void **state)
{
  Fixture *f = *state;
  g_autofree char *path = g_build_filename(f->base, "a", "b", "c", NULL);
  g_autoptr(GError) error = NULL;
  struct stat st;

  assert_true(otaux_fs_mkdir_synced(path, 0700, &error));
  /* Top down, and each mkdir's parent synced before the next level goes in it. */
  assert_string_equal(f->trace->str, "mkdir /a\nfsync /\n"
                                     "mkdir /a/b\nfsync /a\n"
                                     "mkdir /a/b/c\nfsync /a/b\n");
  assert_int_equal(stat(path, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(st.st_mode & 0777, 0700);
}

static void test_existing_left_alone(void **state)
{
  Fixture *f = *state;
  g_autofree char *a = g_build_filename(f->base, "a", NULL);
  g_autofree char *ab = g_build_filename(f->base, "a", "b", NULL);

  assert_int_equal(g_mkdir(a, 0700), 0);
  assert_true(otaux_fs_mkdir_synced(f->base, 0700, NULL));
  assert_true(otaux_fs_mkdir_synced(a, 0700, NULL));
  assert_string_equal(f->trace->str, "");
  /* Only the missing level is made, and its parent synced. */
  assert_true(otaux_fs_mkdir_synced(ab, 0700, NULL));
  assert_string_equal(f->trace->str, "mkdir /a/b\nfsync /a\n");
}

/* A folder found (made by a run that crashed before syncing its parent) is
 * synced into its parent; one missing is made as by otaux_fs_mkdir_synced. */
static void test_settled(void **state)
{
  Fixture *f = *state;
  g_autofree char *a = g_build_filename(f->base, "a", NULL);
  g_autofree char *ab = g_build_filename(f->base, "a", "b", NULL);
  g_autoptr(GError) error = NULL;

  assert_int_equal(g_mkdir(a, 0700), 0);
  assert_true(otaux_fs_mkdir_settled(a, 0700, &error));
  assert_string_equal(f->trace->str, "fsync /\n");
  g_string_truncate(f->trace, 0);
  assert_true(otaux_fs_mkdir_settled(ab, 0700, &error));
  assert_string_equal(f->trace->str, "mkdir /a/b\nfsync /a\n");
  g_string_truncate(f->trace, 0);
  assert_true(otaux_fs_mkdir_settled("/", 0700, &error));
  assert_string_equal(f->trace->str, "");
  assert_false(otaux_fs_mkdir_settled("/proc/version/x", 0700, &error));
  assert_true(g_error_matches(error, OTAUX_FS_ERROR, OTAUX_FS_ERROR_IO));
}

static void test_errors(void **state)
{
  Fixture *f = *state;
  g_autofree char *file = g_build_filename(f->base, "file", NULL);
  g_autofree char *under = g_build_filename(f->base, "file", "sub", NULL);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;

  assert_true(g_file_set_contents(file, "x", -1, NULL));
  assert_false(otaux_fs_mkdir_synced(file, 0700, &e1));
  assert_true(g_error_matches(e1, OTAUX_FS_ERROR, OTAUX_FS_ERROR_IO));
  assert_non_null(strstr(e1->message, file));
  assert_false(otaux_fs_mkdir_synced(under, 0700, &e2));
  assert_true(g_error_matches(e2, OTAUX_FS_ERROR, OTAUX_FS_ERROR_IO));
  assert_false(otaux_fs_sync_dir(under, &e3));
  assert_true(g_error_matches(e3, OTAUX_FS_ERROR, OTAUX_FS_ERROR_IO));
  assert_string_equal(f->trace->str, "");
}

static void test_relative_path(void **state)
{
  Fixture *f = *state;
  g_autofree char *cwd = g_get_current_dir();

  assert_int_equal(chdir(f->base), 0);
  assert_true(otaux_fs_mkdir_synced("x/y", 0700, NULL));
  assert_int_equal(chdir(cwd), 0);
  assert_string_equal(f->trace->str, "mkdir x\nfsync .\nmkdir x/y\nfsync x\n");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_each_level_synced_in_order, setup, teardown),
    cmocka_unit_test_setup_teardown(test_existing_left_alone, setup, teardown),
    cmocka_unit_test_setup_teardown(test_settled, setup, teardown),
    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(test_relative_path, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
