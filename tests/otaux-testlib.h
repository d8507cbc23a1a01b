/* Small helpers shared by the cmocka tests (tests_inc in tests/meson.build). */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes a test's temporary folder and everything in it. */
static inline void otaux_test_rm_rf(const char *path)
{
  g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
  const char *name;

  if (dir == NULL) {
    g_unlink(path);
    return;
  }
  while ((name = g_dir_read_name(dir)) != NULL) {
    g_autofree char *child = g_build_filename(path, name, NULL);

    otaux_test_rm_rf(child);
  }
  g_rmdir(path);
}
