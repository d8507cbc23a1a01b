/* otaux-policy-layers: the built-in defaults, then each directory of
 * NAME_VVV.xml files in version order; a bad file is skipped whole. */
#include "otaux-policy-layers.h"

#include <string.h>

#include "otaux-policy-knobs-private.h"

OtauxPolicyLayers *otaux_policy_layers_new(void)
{
  OtauxPolicyLayers *layers = g_new0(OtauxPolicyLayers, 1);

  layers->policy = otaux_policy_new_default();
  layers->problems = otaux_policy_problems_new();
  layers->files = g_ptr_array_new_with_free_func(g_free);
  layers->origins = g_new0(char *, otaux_policy_n_knobs() + 1);
  return layers;
}

void otaux_policy_layers_free(OtauxPolicyLayers *layers)
{
  if (layers == NULL)
    return;
  otaux_policy_free(layers->policy);
  g_clear_pointer(&layers->problems, g_ptr_array_unref);
  g_clear_pointer(&layers->files, g_ptr_array_unref);
  if (layers->origins != NULL)
    for (guint i = 0; i < otaux_policy_n_knobs(); i++)
      g_free(layers->origins[i]);
  g_free(layers->origins);
  g_free(layers);
}

gboolean otaux_policy_layers_add_file(OtauxPolicyLayers *layers, const char *path, GError **error)
{
  g_autoptr(OtauxPolicyFile) file = NULL;
  g_autoptr(OtauxPolicy) merged = NULL;

  g_return_val_if_fail(layers != NULL && path != NULL, FALSE);

  file = otaux_policy_file_load(path, layers->problems, error);
  if (file == NULL)
    return FALSE;
  merged = otaux_policy_copy(layers->policy);
  otaux_policy_file_apply(file, merged);
  /* The file must make sense on top of what is below it; else it is skipped. */
  if (!otaux_policy_check(merged, path, otaux_policy_file_lines(file), layers->problems))
    return FALSE;

  otaux_policy_free(layers->policy);
  layers->policy = g_steal_pointer(&merged);
  for (guint i = 0; i < otaux_policy_n_knobs(); i++) {
    guint line = otaux_policy_file_knob_line(file, i);

    if (line != 0) {
      g_free(layers->origins[i]);
      layers->origins[i] = g_strdup_printf("%s:%u", path, line);
    }
  }
  g_ptr_array_add(layers->files, g_strdup(path));
  return TRUE;
}

typedef struct {
  char *path;
  char *base; /* NAME */
  guint version;
} LayerFile;

static void layer_file_free(gpointer data)
{
  LayerFile *f = data;

  g_free(f->path);
  g_free(f->base);
  g_free(f);
}

static gint layer_file_cmp(gconstpointer a, gconstpointer b)
{
  const LayerFile *fa = *(const LayerFile *const *)a;
  const LayerFile *fb = *(const LayerFile *const *)b;

  if (fa->version != fb->version)
    return fa->version < fb->version ? -1 : 1;
  return strcmp(fa->base, fb->base);
}

/* NAME_VVV.xml: NAME not empty, VVV exactly three digits. */
static gboolean parse_layer_name(const char *name, char **base, guint *version)
{
  gsize len = strlen(name);
  const char *v;

  if (len < 9 || !g_str_has_suffix(name, ".xml"))
    return FALSE;
  v = name + len - 7; /* "VVV.xml" */
  if (v[-1] != '_' || !g_ascii_isdigit(v[0]) || !g_ascii_isdigit(v[1]) || !g_ascii_isdigit(v[2]))
    return FALSE;
  *version = (guint)((v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0'));
  *base = g_strndup(name, len - 8);
  return TRUE;
}

GPtrArray *otaux_policy_layer_files(const char *dir, GPtrArray *problems)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(layer_file_free);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) local = NULL;
  GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
  const char *name;

  g_return_val_if_fail(dir != NULL, paths);

  d = g_dir_open(dir, 0, &local);
  if (d == NULL) {
    /* No directory: an empty layer. Anything else is worth a word. */
    if (problems != NULL && !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      OtauxPolicyReport r = { dir, problems, 0 };

      otaux_policy_report(&r, 0, "cannot read the directory: %s", local->message);
    }
    return paths;
  }
  while ((name = g_dir_read_name(d)) != NULL) {
    LayerFile *f;
    char *base = NULL;
    guint version = 0;

    if (!g_str_has_suffix(name, ".xml"))
      continue; /* README, editor backups, .dpkg-old */
    if (!parse_layer_name(name, &base, &version)) {
      if (problems != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        OtauxPolicyReport r = { path, problems, 0 };

        otaux_policy_report(&r, 0,
                            "skipped: a policy file is named NAME_VVV.xml (VVV: three digits)");
      }
      continue;
    }
    f = g_new0(LayerFile, 1);
    f->path = g_build_filename(dir, name, NULL);
    f->base = base;
    f->version = version;
    g_ptr_array_add(found, f);
  }
  g_ptr_array_sort(found, layer_file_cmp);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add(paths, g_strdup(((LayerFile *)found->pdata[i])->path));
  return paths;
}

void otaux_policy_layers_add_dir(OtauxPolicyLayers *layers, const char *dir)
{
  g_autoptr(GPtrArray) paths = NULL;

  g_return_if_fail(layers != NULL && dir != NULL);
  paths = otaux_policy_layer_files(dir, layers->problems);
  for (guint i = 0; i < paths->len; i++) {
    g_autoptr(GError) local = NULL;

    if (!otaux_policy_layers_add_file(layers, paths->pdata[i], &local) && local != NULL) {
      OtauxPolicyReport r = { paths->pdata[i], layers->problems, 0 };

      otaux_policy_report(&r, 0, "%s", local->message);
    }
  }
}

OtauxPolicyLayers *otaux_policy_layers_load(const char *const *dirs)
{
  OtauxPolicyLayers *layers = otaux_policy_layers_new();

  for (gsize i = 0; dirs != NULL && dirs[i] != NULL; i++)
    otaux_policy_layers_add_dir(layers, dirs[i]);
  return layers;
}
