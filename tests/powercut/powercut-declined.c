/* The bridges' declined-releases file (common/otaux-declined.c)
 * for tests/powercut/test_powercut.py, which runs this under strace.
 *
 *   powercut-declined write FILE DEVICE=VERSION...
 *     declines each release in order, as the bridge does on a cancel, and
 *     after each write that returned prints "ack DEVICE=VERSION" on stdout
 *     (one write(2) each: the test finds them in the trace, in order with
 *     the file system calls);
 *   powercut-declined check FILE DEVICE=VERSION...
 *     loads FILE as a starting bridge does and exits 0 when it loads and
 *     every release named is declined; 1 with the reason otherwise. */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "otaux-declined.h"

static gboolean split(const char *arg, char **device, char **version)
{
  const char *eq = strchr(arg, '=');

  if (eq == NULL || eq == arg)
    return FALSE;
  *device = g_strndup(arg, (gsize)(eq - arg));
  *version = g_strdup(eq + 1);
  return TRUE;
}

int main(int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxDeclined) state = NULL;
  gboolean write_mode;

  if (argc < 3 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
    fprintf(stderr, "usage: %s write|check FILE DEVICE=VERSION...\n", argv[0]);
    return 2;
  }
  write_mode = strcmp(argv[1], "write") == 0;
  state = otaux_declined_load(argv[2], &error);
  if (state == NULL) {
    printf("cannot load: %s\n", error->message);
    return 1;
  }
  for (int i = 3; i < argc; i++) {
    g_autofree char *device = NULL;
    g_autofree char *version = NULL;

    if (!split(argv[i], &device, &version)) {
      fprintf(stderr, "not DEVICE=VERSION: %s\n", argv[i]);
      return 2;
    }
    if (!write_mode) {
      if (!otaux_declined_is_declined(state, device, version)) {
        printf("lost: %s\n", argv[i]);
        return 1;
      }
      continue;
    }
    if (!otaux_declined_decline(state, device, version, &error)) {
      fprintf(stderr, "decline %s: %s\n", argv[i], error->message);
      return 1;
    }
    {
      g_autofree char *line = g_strdup_printf("ack %s\n", argv[i]);
      gsize len = strlen(line);

      /* One write(2), unbuffered: the marker sits right after the state's calls. */
      if (write(STDOUT_FILENO, line, len) != (ssize_t)len)
        return 1;
    }
  }
  return 0;
}
