/* A plain driver for the fuzz targets when libFuzzer is not used: runs
 * LLVMFuzzerTestOneInput once per file named on the command line (or per
 * file in a named folder). meson test runs it over the seed corpus, so
 * every seed and every committed crash reproducer stays covered. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents(path, &data, &len, &error)) {
    fprintf(stderr, "fuzz-driver: %s\n", error->message);
    return 1;
  }
  LLVMFuzzerTestOneInput((const uint8_t *)data, len);
  return 0;
}

int main(int argc, char **argv)
{
  int failures = 0, runs = 0;

  for (int i = 1; i < argc; i++) {
    if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
      g_autoptr(GDir) dir = g_dir_open(argv[i], 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename(argv[i], name, NULL);
        failures += run_file(path);
        runs++;
      }
    } else {
      failures += run_file(argv[i]);
      runs++;
    }
  }
  printf("fuzz-driver: %d inputs, %d unreadable\n", runs, failures);
  return failures == 0 && runs > 0 ? 0 : 1;
}
