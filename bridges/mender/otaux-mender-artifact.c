/* The artifact Mender is installing, as its state scripts can see it: the
 * header files Mender writes under the update module's tree (scripts get no
 * arguments and no variables; docs/mender.md). */
#include "otaux-mender-artifact.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

// clang-format off
G_DEFINE_QUARK(otaux-mender-artifact-error-quark, otaux_mender_artifact_error)
// clang-format on

/* How long the update module may take to say whether it needs a reboot. */
#define MODULE_TIMEOUT_MS 5000

static const OtauxMenderMetaKey meta_keys[] = {
  { "otaux-name", "name", "the name shown to the person (default: the artifact name)" },
  { "otaux-version", "version", "the version shown (default: none)" },
  { "otaux-priority", "priority",
    "`low`, `medium` or `high`: how loudly to ask (default: the policy's)" },
  { "otaux-release-notes", "release-notes", "plain text shown as the release notes" },
  { "otaux-install-message", "install-message",
    "plain text shown on the install question and while installing" },
};

const OtauxMenderMetaKey *otaux_mender_meta_keys(gsize *n_keys)
{
  *n_keys = G_N_ELEMENTS(meta_keys);
  return meta_keys;
}

void otaux_mender_artifact_clear(OtauxMenderArtifact *artifact)
{
  g_clear_pointer(&artifact->name, g_free);
  g_clear_pointer(&artifact->payload_type, g_free);
  g_clear_pointer(&artifact->title, g_free);
  g_clear_pointer(&artifact->version, g_free);
  g_clear_pointer(&artifact->priority, g_free);
  g_clear_pointer(&artifact->release_notes, g_free);
  g_clear_pointer(&artifact->install_message, g_free);
  artifact->needs_reboot = FALSE;
}

char *otaux_mender_artifact_tree(const char *data_dir)
{
  return g_build_filename(data_dir, "modules", "v3", "payloads", "0000", "tree", NULL);
}

/* A header file's contents without the trailing newline; NULL and an error
 * when it is missing or empty. */
static char *read_header(const char *data_dir, const char *file, GError **error)
{
  g_autofree char *tree = otaux_mender_artifact_tree(data_dir);
  g_autofree char *path = g_build_filename(tree, "header", file, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents(path, &text, NULL, &local)) {
    g_set_error(error, OTAUX_MENDER_ARTIFACT_ERROR, OTAUX_MENDER_ARTIFACT_ERROR_MISSING,
                "no artifact header: %s", local->message);
    return NULL;
  }
  g_strstrip(text);
  if (*text == '\0' || !g_utf8_validate(text, -1, NULL)) {
    g_set_error(error, OTAUX_MENDER_ARTIFACT_ERROR, OTAUX_MENDER_ARTIFACT_ERROR_INVALID,
                "%s is empty or not UTF-8", path);
    return NULL;
  }
  return g_steal_pointer(&text);
}

char *otaux_mender_artifact_read_name(const char *data_dir, GError **error)
{
  return read_header(data_dir, "artifact_name", error);
}

/* A string member of the meta-data, or NULL (absent, another type, empty). */
static char *meta_string(JsonObject *meta, const char *key)
{
  JsonNode *node = json_object_get_member(meta, key);
  const char *s;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
      json_node_get_value_type(node) != G_TYPE_STRING) {
    if (node != NULL)
      g_printerr("otaux-mender-script: meta-data key %s is not a string: ignored\n", key);
    return NULL;
  }
  s = json_node_get_string(node);
  return s != NULL && *s != '\0' ? g_strdup(s) : NULL;
}

/* The meta-data JSON (mender-artifact -m); absent or "null" is no meta-data. */
static gboolean read_meta(const char *data_dir, OtauxMenderArtifact *out, GError **error)
{
  g_autofree char *tree = otaux_mender_artifact_tree(data_dir);
  g_autofree char *path = g_build_filename(tree, "header", "meta-data", NULL);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonObject *meta;

  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return TRUE;
  parser = json_parser_new();
  if (!json_parser_load_from_file(parser, path, &local)) {
    g_set_error(error, OTAUX_MENDER_ARTIFACT_ERROR, OTAUX_MENDER_ARTIFACT_ERROR_INVALID, "%s: %s",
                path, local->message);
    return FALSE;
  }
  root = json_parser_get_root(parser);
  if (root == NULL || JSON_NODE_HOLDS_NULL(root))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT(root)) {
    g_set_error(error, OTAUX_MENDER_ARTIFACT_ERROR, OTAUX_MENDER_ARTIFACT_ERROR_INVALID,
                "%s: not a JSON object", path);
    return FALSE;
  }
  meta = json_node_get_object(root);
  out->title = meta_string(meta, "otaux-name");
  out->version = meta_string(meta, "otaux-version");
  out->priority = meta_string(meta, "otaux-priority");
  out->release_notes = meta_string(meta, "otaux-release-notes");
  out->install_message = meta_string(meta, "otaux-install-message");
  if (out->priority != NULL && g_strcmp0(out->priority, "low") != 0 &&
      g_strcmp0(out->priority, "medium") != 0 && g_strcmp0(out->priority, "high") != 0) {
    g_printerr("otaux-mender-script: otaux-priority '%s' is not low, medium or high: "
               "the policy's default is used\n",
               out->priority);
    g_clear_pointer(&out->priority, g_free);
  }
  return TRUE;
}

static void on_communicated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data; /* a plain holder of the outcome */
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  if (g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), res, &out, NULL, &error))
    g_task_return_pointer(task, g_steal_pointer(&out), g_free);
  else
    g_task_return_error(task, g_steal_pointer(&error));
  g_object_unref(task);
}

static gboolean on_module_timeout(gpointer user_data)
{
  g_cancellable_cancel(user_data);
  return G_SOURCE_REMOVE;
}

/* The update module's answer to NeedsArtifactReboot ("Yes", "No",
 * "Automatic"), as Mender asks it; a hung module is killed after a bound. */
static gboolean module_needs_reboot(const char *modules_dir, const char *type, const char *tree,
                                    gboolean *needs_reboot, GError **error)
{
  g_autofree char *module = g_build_filename(modules_dir, type, NULL);
  g_autoptr(GMainContext) ctx = g_main_context_new();
  g_autoptr(GCancellable) cancel = g_cancellable_new();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *out = NULL;

  g_main_context_push_thread_default(ctx);
  proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, module, "NeedsArtifactReboot",
                          tree, NULL);
  if (proc == NULL) {
    g_main_context_pop_thread_default(ctx);
    return FALSE;
  }
  task = g_task_new(NULL, NULL, NULL, NULL);
  g_subprocess_communicate_utf8_async(proc, NULL, cancel, on_communicated, g_object_ref(task));
  timeout = g_timeout_source_new(MODULE_TIMEOUT_MS);
  g_source_set_callback(timeout, on_module_timeout, cancel, NULL);
  g_source_attach(timeout, ctx);
  while (!g_task_get_completed(task))
    g_main_context_iteration(ctx, TRUE);
  g_source_destroy(timeout);
  if (g_cancellable_is_cancelled(cancel))
    g_subprocess_force_exit(proc);
  g_main_context_pop_thread_default(ctx);
  out = g_task_propagate_pointer(task, error);
  if (out == NULL)
    return FALSE;
  g_strstrip(out);
  *needs_reboot = g_strcmp0(out, "Yes") == 0 || g_strcmp0(out, "Automatic") == 0;
  return TRUE;
}

gboolean otaux_mender_artifact_load(const char *data_dir, const char *modules_dir,
                                    OtauxMenderArtifact *out, GError **error)
{
  g_autofree char *tree = otaux_mender_artifact_tree(data_dir);
  g_autoptr(GError) local = NULL;

  out->name = read_header(data_dir, "artifact_name", error);
  if (out->name == NULL)
    return FALSE;
  out->payload_type = read_header(data_dir, "payload_type", NULL);
  if (!read_meta(data_dir, out, error))
    return FALSE;
  if (out->title == NULL)
    out->title = g_strdup(out->name);
  /* A root file system image always restarts into the other partition. */
  if (g_strcmp0(out->payload_type, "rootfs-image") == 0) {
    out->needs_reboot = TRUE;
  } else if (out->payload_type != NULL && strchr(out->payload_type, '/') != NULL) {
    g_set_error(error, OTAUX_MENDER_ARTIFACT_ERROR, OTAUX_MENDER_ARTIFACT_ERROR_INVALID,
                "payload type '%s' is not a module name", out->payload_type);
    return FALSE;
  } else if (out->payload_type != NULL && !module_needs_reboot(modules_dir, out->payload_type, tree,
                                                               &out->needs_reboot, &local)) {
    g_printerr("otaux-mender-script: the update module %s did not say whether it needs a "
               "reboot (%s): offered without needs-reboot\n",
               out->payload_type, local->message);
    out->needs_reboot = FALSE;
  }
  return TRUE;
}
