/* The floor under every answer: what agent/otaux-store.c does to put one
 * offer on disk (write a temporary file, fsync it, rename it over the old
 * one, fsync the folder), with nothing else around it. Like the store, it
 * keeps the folder open and works relative to it (openat, renameat), and
 * holds the replaced file open across the rename, releasing it after the
 * timed part (freeing its blocks is no part of making the new one durable).
 * Usage: atomic-write-floor DIR RUNS BYTES
 * Prints one duration per line, in microseconds. With RUNS "-", writes once
 * per line read from stdin (so a bench can interleave it with other work). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what, const char *path)
{
  fprintf(stderr, "atomic-write-floor: %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

int main(int argc, char **argv)
{
  const char *tmp = ".1.offer.tmp";
  const char *path = "1.offer";
  char *data;
  int dir;
  long runs;
  long bytes;

  if (argc != 4) {
    fprintf(stderr, "usage: atomic-write-floor DIR RUNS BYTES\n");
    return 2;
  }
  runs = strcmp(argv[2], "-") == 0 ? -1 : strtol(argv[2], NULL, 10);
  bytes = strtol(argv[3], NULL, 10);
  if (runs == 0 || bytes <= 0 || bytes > 1 << 20)
    return 2;
  data = malloc((size_t)bytes);
  if (data == NULL)
    return 1;
  memset(data, 'x', (size_t)bytes);
  dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    die("cannot open", argv[1]);

  setvbuf(stdout, NULL, _IOLBF, 0);
  for (long i = 0; runs < 0 || i < runs; i++) {
    char line[64];
    double t0;
    int fd;
    int old;

    if (runs < 0 && fgets(line, sizeof line, stdin) == NULL)
      break;
    t0 = now_us();
    fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
      die("cannot create", tmp);
    if (write(fd, data, (size_t)bytes) != bytes || fsync(fd) != 0)
      die("cannot write", tmp);
    if (close(fd) != 0)
      die("cannot close", tmp);
    old = openat(dir, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (renameat(dir, tmp, dir, path) != 0)
      die("cannot rename to", path);
    if (fsync(dir) != 0)
      die("cannot sync", argv[1]);
    printf("%.1f\n", now_us() - t0);
    if (old >= 0)
      close(old);
  }
  unlinkat(dir, path, 0);
  close(dir);
  free(data);
  return 0;
}
