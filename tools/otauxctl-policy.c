/* otauxctl-policy: otauxctl check and otauxctl policy (docs/policy.md). */
#include "config.h"

#include "otauxctl-policy.h"
#include "otauxctl-strings.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "otaux-policy-layers.h"

static gboolean parse(const char *args, const char *summary, GOptionEntry *entries, int *argc,
                      char ***argv, int *rc)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new(args);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary(ctx, summary);
  if (entries != NULL)
    g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, argc, argv, &error)) {
    g_printerr("%s: %s\n", g_get_prgname(), error->message);
    *rc = 2;
    return FALSE;
  }
  return TRUE;
}

static gint by_line(gconstpointer a, gconstpointer b)
{
  const OtauxPolicyProblem *pa = *(const OtauxPolicyProblem *const *)a;
  const OtauxPolicyProblem *pb = *(const OtauxPolicyProblem *const *)b;

  return pa->line < pb->line ? -1 : pa->line > pb->line;
}

static void print_problems(GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++) {
    g_autofree char *line = otaux_policy_problem_to_string(problems->pdata[i]);

    g_printerr("%s\n", line);
  }
}

int otauxctl_cmd_check(int argc, char **argv)
{
  int rc = 0;

  if (!parse("FILE...",
             "Checks policy files (the schema, every value, and contradictions on top of the\n"
             "built-in policy) and string catalogs (ids, placeholders, markup), told apart\n"
             "by their root element. Prints each problem as FILE:LINE: MESSAGE.\n"
             "Exit status: 0 clean, 1 problems, 2 a file cannot be read.",
             NULL, &argc, &argv, &rc))
    return rc;
  if (argc < 2) {
    g_printerr("%s: name at least one FILE\n", g_get_prgname());
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    /* Each file on its own, as the lowest layer above the built-ins. */
    g_autoptr(OtauxPolicyLayers) layers = otaux_policy_layers_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *root = otauxctl_file_root_element(argv[i], NULL);

    /* A string catalog goes to its own checker; anything else is policy. */
    if (g_strcmp0(root, "catalog") == 0) {
      int n = 0;
      if (!otauxctl_check_catalog(argv[i], &n))
        rc = MAX(rc, n < 0 ? 2 : 1);
      continue;
    }
    if (!otaux_policy_layers_add_file(layers, argv[i], &error)) {
      if (error != NULL) {
        g_printerr("%s: %s\n", argv[i], error->message);
        rc = 2;
      } else {
        /* In file order (g_ptr_array_sort is stable: same line, found order). */
        g_ptr_array_sort(layers->problems, by_line);
        print_problems(layers->problems);
        rc = MAX(rc, 1);
      }
    }
  }
  return rc;
}

int otauxctl_cmd_policy(int argc, char **argv)
{
  g_auto(GStrv) dirs = NULL;
  GOptionEntry entries[] = {
    { "policy-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs,
      "A policy layer (repeatable, lowest first); replaces the default layers", "DIR" },
    { NULL },
  };
  const char *default_dirs[] = { OTAUX_DATADIR "/policy.d", OTAUX_SYSCONFDIR "/policy.d", NULL };
  g_autoptr(OtauxPolicyLayers) layers = NULL;
  int rc = 0;

  if (!parse("",
             "Prints the effective policy: built-in defaults, then the vendor layer\n"
             "(" OTAUX_DATADIR "/policy.d), then the operator layer\n"
             "(" OTAUX_SYSCONFDIR "/policy.d), and which file set each value.\n"
             "Files that have problems are skipped (and listed on stderr; exit status 1).",
             entries, &argc, &argv, &rc))
    return rc;
  if (argc > 1) {
    g_printerr("%s: unexpected argument '%s'\n", g_get_prgname(), argv[1]);
    return 2;
  }
  layers = otaux_policy_layers_load(dirs != NULL ? (const char *const *)dirs : default_dirs);
  /* The folders this build reads (they depend on its prefix: docs/install.md). */
  g_print("# policy read from the built-in defaults\n");
  for (const char *const *d = dirs != NULL ? (const char *const *)dirs : default_dirs; *d != NULL;
       d++)
    g_print("# policy read from %s%s\n", *d,
            g_file_test(*d, G_FILE_TEST_IS_DIR) ? "" : " (missing)");
  g_print("# files applied: %u\n", layers->files->len);
  for (guint i = 0; i < layers->files->len; i++)
    g_print("#   %s\n", (const char *)layers->files->pdata[i]);
  for (guint i = 0; i < otaux_policy_n_knobs(); i++) {
    g_autofree char *value = otaux_policy_knob_value(layers->policy, i);

    g_print("%s = %s\t# %s\n", otaux_policy_knob_name(i), value,
            layers->origins[i] != NULL ? layers->origins[i] : "built-in");
  }
  if (layers->problems->len > 0) {
    print_problems(layers->problems);
    rc = 1;
  }
  return rc;
}
