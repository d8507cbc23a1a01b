/* The key tables of the D-Bus API (agent/otaux-keys.h) are the one source:
 * this test checks the rows themselves, that docs/dbus-api.md shows the same
 * keys, types and limits, and that otauxctl accepts exactly those keys.
 * Arguments: the docs folder and the otauxctl program. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "otaux-keys.h"

static const char *docs_dir;
static const char *otauxctl;

typedef struct {
  const char *marker; /* <!-- otaux-keys: NAME --> in docs/dbus-api.md */
  const char *command;
  const OtauxKey *keys;
  gsize n_keys;
  const char *const *own_options; /* the command's options that are not keys */
} Table;

static const char *const offer_own[] = { "help", "wait", "timeout", "verbose", NULL };
static const char *const other_own[] = { "help", NULL };

static Table tables[4];

static void init_tables(void)
{
  tables[0] = (Table){ "offer", "offer", otaux_offer_keys, otaux_n_offer_keys, offer_own };
  tables[1] = (Table){ "state", "state", otaux_state_keys, otaux_n_state_keys, other_own };
  tables[2] = (Table){ "answer", "answer", otaux_answer_keys, otaux_n_answer_keys, other_own };
  tables[3] = (Table){ "finish", "finish", otaux_finish_keys, otaux_n_finish_keys, other_own };
}

static void test_rows(void **state)
{
  g_autoptr(GHashTable) flags = g_hash_table_new(NULL, NULL);

  assert_string_equal(otaux_offer_keys[0].name, "id"); /* the validator relies on it */
  for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    assert_true(tables[t].n_keys <= OTAUX_KEYS_MAX);
    for (gsize i = 0; i < tables[t].n_keys; i++) {
      const OtauxKey *k = &tables[t].keys[i];
      assert_true(g_hash_table_add(names, (gpointer)k->name));
      assert_non_null(k->limit);
      assert_true(k->help != NULL && *k->help != '\0');
      /* booleans are flags on the command line, every other key takes a value */
      assert_true((k->arg == NULL) == (k->kind == OTAUX_KEY_BOOLEAN));
      if (k->kind == OTAUX_KEY_STRING) {
        g_autofree char *bytes = g_strdup_printf("%zu bytes", k->max_bytes);
        assert_true(k->max_bytes > 0);
        if (strstr(k->limit, bytes) == NULL)
          fail_msg("key '%s': the limit text '%s' does not say %s", k->name, k->limit, bytes);
      }
      if (tables[t].keys == otaux_offer_keys && i > 0) {
        assert_true(k->flag != 0 && (k->flag & (k->flag - 1)) == 0);
        assert_true(g_hash_table_add(flags, GUINT_TO_POINTER(k->flag)));
      }
    }
  }
}

/* The cells of a markdown table row, split at '|' but not at "\\|". */
static GPtrArray *row_cells(const char *line)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
  const char *start = line + 1;

  for (const char *p = start; *p != '\0'; p++) {
    if (*p == '\\' && p[1] != '\0') {
      p++;
      continue;
    }
    if (*p == '|') {
      g_ptr_array_add(cells, g_strstrip(g_strndup(start, (gsize)(p - start))));
      start = p + 1;
    }
  }
  return cells;
}

/* The rows "key type limit" of the table after @marker in the docs. */
static GPtrArray *doc_rows(const char *text, const char *marker)
{
  g_autofree char *tag = g_strdup_printf("<!-- otaux-keys: %s -->\n", marker);
  const char *p = strstr(text, tag);
  GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);

  if (p == NULL)
    fail_msg("docs/dbus-api.md has no '%s'", tag);
  g_auto(GStrv) lines = g_strsplit(p + strlen(tag), "\n", -1);
  for (gsize i = 2; lines[i] != NULL && lines[i][0] == '|'; i++) { /* after header, rule */
    g_autoptr(GPtrArray) cells = row_cells(lines[i]);
    assert_true(cells->len >= 4);
    g_autofree char *row = g_strdup_printf("%s %s %s", (char *)cells->pdata[0],
                                           (char *)cells->pdata[1], (char *)cells->pdata[2]);
    g_ptr_array_add(rows, g_strstrip(g_steal_pointer(&row)));
  }
  return rows;
}

static void test_docs_agree(void **state)
{
  g_autofree char *path = g_build_filename(docs_dir, "dbus-api.md", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  assert_true(g_file_get_contents(path, &text, NULL, &error));
  for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
    g_autoptr(GPtrArray) rows = doc_rows(text, tables[t].marker);
    for (gsize i = 0; i < MAX(rows->len, tables[t].n_keys); i++) {
      g_autofree char *want = NULL;
      if (i < tables[t].n_keys) {
        const OtauxKey *k = &tables[t].keys[i];
        want = g_strdup_printf("`%s` `%s` %s", k->name, otaux_key_signature(k->kind), k->limit);
        g_strstrip(want); /* no limit: an empty cell */
      }
      const char *have = i < rows->len ? g_ptr_array_index(rows, i) : "(no row)";
      if (want == NULL || !g_str_equal(have, want))
        fail_msg("docs/dbus-api.md, %s keys, row %zu: '%s', the code has '%s'", tables[t].marker,
                 i + 1, have, want != NULL ? want : "(no row)");
    }
  }
}

/* Runs otauxctl with no reachable bus; returns its exit status. */
static int run_otauxctl(const char *const *args, char **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_auto(GStrv) envp = g_get_environ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  envp = g_environ_setenv(envp, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/otaux", TRUE);
  g_ptr_array_add(argv, (gpointer)otauxctl);
  for (; *args != NULL; args++)
    g_ptr_array_add(argv, (gpointer)*args);
  g_ptr_array_add(argv, NULL);
  assert_true(g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                           out, NULL, &status, &error));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* otauxctl's --help lists one --KEY per row, plus the command's own. */
static void test_otauxctl_help(void **state)
{
  for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
    const char *args[] = { tables[t].command, "--help", NULL };
    g_autofree char *out = NULL;
    g_autoptr(GHashTable) want = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) have = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    assert_int_equal(run_otauxctl(args, &out), 0);
    for (gsize i = 0; i < tables[t].n_keys; i++)
      g_hash_table_add(want, (gpointer)tables[t].keys[i].name);
    for (const char *const *o = tables[t].own_options; *o != NULL; o++)
      g_hash_table_add(want, (gpointer)*o);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (gsize l = 0; lines[l] != NULL; l++) { /* "  -x, --name=ARG  help" or "  --name" */
      const char *p = lines[l] + strspn(lines[l], " ");
      if (p[0] == '-' && p[1] != '-' && p[1] != '\0' && g_str_has_prefix(p + 2, ", --"))
        p += 4;
      if (p == lines[l] || !g_str_has_prefix(p, "--"))
        continue;
      g_hash_table_add(have, g_strndup(p + 2, strcspn(p + 2, "= ")));
    }
    GHashTableIter iter;
    gpointer name;
    g_hash_table_iter_init(&iter, want);
    while (g_hash_table_iter_next(&iter, &name, NULL))
      if (!g_hash_table_contains(have, name))
        fail_msg("otauxctl %s --help lacks --%s", tables[t].command, (char *)name);
    g_hash_table_iter_init(&iter, have);
    while (g_hash_table_iter_next(&iter, &name, NULL))
      if (!g_hash_table_contains(want, name))
        fail_msg("otauxctl %s --help has --%s, which is no key", tables[t].command, (char *)name);
  }
}

static const char *sample(OtauxKeyKind kind)
{
  switch (kind) {
    case OTAUX_KEY_STRING:
      return "x";
    case OTAUX_KEY_PRIORITY:
      return "high";
    case OTAUX_KEY_BOOLEAN:
      return "true";
    case OTAUX_KEY_UINT32:
    case OTAUX_KEY_UINT64:
      return "30";
    case OTAUX_KEY_TIME:
      return "+60";
  }
  g_assert_not_reached();
}

/* Every key parses as KEY=VALUE and as --KEY: otauxctl gets as far as the
 * bus (exit 3); an unknown key is a usage error (exit 2). */
static void test_otauxctl_accepts(void **state)
{
  for (gsize i = 0; i < otaux_n_offer_keys; i++) {
    const OtauxKey *k = &otaux_offer_keys[i];
    g_autofree char *pair = g_strdup_printf("%s=%s", k->name, sample(k->kind));
    g_autofree char *option = g_strdup_printf("--%s", k->name);
    const char *as_pair[] = { "offer", "id=fw", pair, NULL };
    const char *as_option[] = { "offer", "id=fw", option,
                                k->kind == OTAUX_KEY_BOOLEAN ? NULL : sample(k->kind), NULL };
    if (run_otauxctl(as_pair, NULL) != 3)
      fail_msg("otauxctl offer refuses %s", pair);
    if (run_otauxctl(as_option, NULL) != 3)
      fail_msg("otauxctl offer refuses %s", option);
  }
  const char *unknown[] = { "offer", "id=fw", "no-such-key=1", NULL };
  assert_int_equal(run_otauxctl(unknown, NULL), 2);
  for (gsize i = 0; i < otaux_n_state_keys; i++) {
    g_autofree char *option =
        g_strdup_printf("--%s=%s", otaux_state_keys[i].name, sample(otaux_state_keys[i].kind));
    const char *args[] = { "state", "fw", "30", option, NULL };
    assert_int_equal(run_otauxctl(args, NULL), 3);
  }
  for (gsize i = 0; i < otaux_n_finish_keys; i++) {
    g_autofree char *option =
        g_strdup_printf("--%s=%s", otaux_finish_keys[i].name, sample(otaux_finish_keys[i].kind));
    const char *args[] = { "finish", "fw", "410", option, NULL };
    assert_int_equal(run_otauxctl(args, NULL), 3);
  }
  for (gsize i = 0; i < otaux_n_answer_keys; i++) {
    g_autofree char *option =
        g_strdup_printf("--%s=%s", otaux_answer_keys[i].name, sample(otaux_answer_keys[i].kind));
    const char *args[] = { "answer", "fw", "delay-reboot", option, NULL };
    assert_int_equal(run_otauxctl(args, NULL), 3);
  }
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    g_printerr("usage: %s DOCS-DIR OTAUXCTL\n", argv[0]);
    return 2;
  }
  docs_dir = argv[1];
  otauxctl = argv[2];
  init_tables();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rows),
    cmocka_unit_test(test_docs_agree),
    cmocka_unit_test(test_otauxctl_help),
    cmocka_unit_test(test_otauxctl_accepts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
