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

/* The end of an agent test's fixture, after the agent is freed: its state
 * folder @dir goes, then @dir's name and the @events the test heard. */
static inline void otaux_test_state_free(char *dir, GPtrArray *events)
{
  otaux_test_rm_rf(dir);
  g_free(dir);
  g_ptr_array_unref(events);
}
