/* otaux-policy-file: reading one operator policy file (XML): the problems
 * it has, or the knobs it sets and on which lines. */
#include "otaux-policy-knobs-private.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include "otaux-xml.h"

#include "otaux-policy-resources.h"

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-policy-file-error-quark, otaux_policy_file_error)
// clang-format on

/* ---- problems ------------------------------------------------------------ */

void otaux_policy_problem_free(OtauxPolicyProblem *problem)
{
  if (problem == NULL)
    return;
  g_free(problem->file);
  g_free(problem->message);
  g_free(problem);
}

char *otaux_policy_problem_to_string(const OtauxPolicyProblem *problem)
{
  g_return_val_if_fail(problem != NULL, NULL);
  if (problem->line > 0)
    return g_strdup_printf("%s:%u: %s", problem->file, problem->line, problem->message);
  return g_strdup_printf("%s: %s", problem->file, problem->message);
}

GPtrArray *otaux_policy_problems_new(void)
{
  return g_ptr_array_new_with_free_func((GDestroyNotify)otaux_policy_problem_free);
}

void otaux_policy_report_take(OtauxPolicyReport *r, guint line, char *message /* transfer full */)
{
  OtauxPolicyProblem *p;

  r->count++;
  if (r->count > OTAUX_POLICY_FILE_MAX_PROBLEMS) {
    g_free(message);
    return;
  }
  p = g_new0(OtauxPolicyProblem, 1);
  p->file = g_strdup(r->name);
  p->line = line;
  p->message = message;
  g_ptr_array_add(r->problems, p);
}

void otaux_policy_report(OtauxPolicyReport *r, guint line, const char *format, ...)
{
  va_list args;

  va_start(args, format);
  otaux_policy_report_take(r, line, g_strdup_vprintf(format, args));
  va_end(args);
}

void otaux_policy_report_end(OtauxPolicyReport *r)
{
  if (r->count > OTAUX_POLICY_FILE_MAX_PROBLEMS)
    otaux_policy_report(r, 0, "%u more problems not shown",
                        r->count - OTAUX_POLICY_FILE_MAX_PROBLEMS);
}

/* The front end's problems, into the file's report. */
static void report_xml(OtauxPolicyReport *r, GPtrArray *found)
{
  for (guint i = 0; i < found->len; i++) {
    OtauxXmlProblem *p = found->pdata[i];

    otaux_policy_report_take(r, p->line, g_steal_pointer(&p->message));
  }
}

/* ---- parsing ------------------------------------------------------------- */

struct _OtauxPolicyFile {
  char *name;
  OtauxPolicy values; /* only the knobs with a line are meaningful */
  guint *lines;       /* per knob; 0: not set by this file */
};

void otaux_policy_file_free(OtauxPolicyFile *file)
{
  if (file == NULL)
    return;
  g_free(file->name);
  g_free(file->lines);
  g_free(file);
}

const char *otaux_policy_file_get_name(const OtauxPolicyFile *file)
{
  g_return_val_if_fail(file != NULL, NULL);
  return file->name;
}

guint otaux_policy_file_knob_line(const OtauxPolicyFile *file, guint knob)
{
  g_return_val_if_fail(file != NULL && knob < otaux_policy_n_knobs(), 0);
  return file->lines[knob];
}

/* The schema, parsed once and kept (reachable) for the process. */
static xmlRelaxNG *schema_get(void)
{
  static xmlRelaxNG *schema = NULL;
  static gsize done = 0;

  if (g_once_init_enter(&done)) {
    g_autoptr(GError) local = NULL;
    g_autoptr(GBytes) rng =
        g_resource_lookup_data(otaux_policy_get_resource(), "/org/otaux/policy/otaux-policy.rng",
                               G_RESOURCE_LOOKUP_FLAGS_NONE, &local);
    gsize len = 0;
    const char *data = rng != NULL ? g_bytes_get_data(rng, &len) : NULL;

    if (data != NULL)
      schema = otaux_xml_schema_new(data, len, &local);
    if (schema == NULL)
      g_critical("the built-in policy schema does not parse: %s", local->message);
    g_once_init_leave(&done, 1);
  }
  return schema;
}

/* The knobs of one element of a valid document. */
static void read_element(OtauxPolicyReport *r, OtauxPolicyFile *file, xmlNode *node,
                         guint *level_lines, gboolean schema_ok)
{
  const char *element = (const char *)node->name;
  guint line = otaux_xml_line(node);
  gint level = -1;

  if (g_str_equal(element, "priority")) {
    g_autofree char *value = otaux_xml_get_attr(node, "level");
    gboolean given = value != NULL;
    guint i;

    if (value == NULL)
      value = g_strdup("");
    for (i = 0;
         otaux_policy_level_names[i] != NULL && !g_str_equal(otaux_policy_level_names[i], value);
         i++)
      ;
    if (otaux_policy_level_names[i] == NULL) {
      g_autofree char *v = otaux_policy_shown(value);

      if (!schema_ok && !given)
        return; /* the schema said so already */

      otaux_policy_report(r, line, "priority level '%s' is not one of low, medium, high", v);
      return;
    }
    if (level_lines[i] != 0) {
      otaux_policy_report(r, line, "priority level %s is set twice (first at line %u)", value,
                          level_lines[i]);
      return;
    }
    level_lines[i] = line;
    level = (gint)i;
  }

  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next) {
    const char *name = (const char *)attr->name;
    g_autofree char *value = NULL;
    g_autofree char *problem = NULL;
    const OtauxPolicyKnob *k;

    if (level >= 0 && g_str_equal(name, "level"))
      continue;
    k = otaux_policy_knob_find(element, level, name);
    if (k == NULL) {
      /* The schema lets only known attributes through: a gap between the two. */
      if (schema_ok)
        otaux_policy_report(r, line, "unknown attribute %s on <%s>", name, element);
      continue;
    }
    value = otaux_xml_attr_value(attr);
    problem = otaux_policy_knob_parse(k, value, &file->values);
    if (problem != NULL) {
      otaux_policy_report_take(r, line, g_steal_pointer(&problem));
      continue;
    }
    file->lines[otaux_policy_knob_index(k->name)] = line;
  }
}

OtauxPolicyFile *otaux_policy_file_parse(const char *name, const char *data, gsize len,
                                         GPtrArray *problems)
{
  g_autoptr(OtauxPolicyFile) file = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GPtrArray) found = otaux_xml_problems_new();
  OtauxPolicyReport r = { name, problems, 0 };
  xmlRelaxNG *schema;
  xmlNode *root;
  guint level_lines[OTAUX_N_PRIORITIES] = { 0 };
  gboolean schema_ok;

  g_return_val_if_fail(name != NULL && (data != NULL || len == 0) && problems != NULL, NULL);

  doc = otaux_xml_parse("a policy file", name, data, len, OTAUX_POLICY_FILE_MAX_BYTES, found, NULL);
  if (doc == NULL) {
    report_xml(&r, found);
    otaux_policy_report_end(&r);
    return NULL;
  }
  schema = schema_get();
  if (schema == NULL) {
    otaux_policy_report(&r, 0, "the policy schema is not available");
    return NULL;
  }
  schema_ok = otaux_xml_validate(doc, schema, found, NULL);
  report_xml(&r, found);

  /* The values too, even after a schema problem: every problem in one go. */
  file = g_new0(OtauxPolicyFile, 1);
  file->name = g_strdup(name);
  file->lines = g_new0(guint, otaux_policy_n_knobs());
  root = xmlDocGetRootElement(doc);
  if (root != NULL && g_str_equal((const char *)root->name, "otaux-policy")) {
    g_autofree char *version = otaux_xml_get_attr(root, "version");

    if (version != NULL && !g_str_equal(version, "1")) {
      g_autofree char *v = otaux_policy_shown(version);

      otaux_policy_report(&r, otaux_xml_line(root), "policy version '%s' is not supported (1 is)",
                          v);
    }
    for (xmlNode *node = root->children; node != NULL; node = node->next)
      if (node->type == XML_ELEMENT_NODE)
        read_element(&r, file, node, level_lines, schema_ok);
  }

  otaux_policy_report_end(&r);
  return r.count == 0 ? g_steal_pointer(&file) : NULL;
}

OtauxPolicyFile *otaux_policy_file_load(const char *path, GPtrArray *problems, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  GStatBuf st;

  g_return_val_if_fail(path != NULL && problems != NULL, NULL);

  /* Refuse a huge (or endless: a FIFO, /dev/zero) file before reading it. */
  if (g_stat(path, &st) != 0) {
    int saved = errno;

    g_set_error(error, OTAUX_POLICY_FILE_ERROR, OTAUX_POLICY_FILE_ERROR_UNREADABLE,
                "cannot read: %s", g_strerror(saved));
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    g_set_error(error, OTAUX_POLICY_FILE_ERROR, OTAUX_POLICY_FILE_ERROR_UNREADABLE,
                "cannot read: not a regular file");
    return NULL;
  }
  if (st.st_size > OTAUX_POLICY_FILE_MAX_BYTES) {
    OtauxPolicyReport r = { path, problems, 0 };

    otaux_policy_report(&r, 0, "the file is larger than %u bytes", OTAUX_POLICY_FILE_MAX_BYTES);
    return NULL;
  }
  {
    g_autoptr(GError) local = NULL;

    if (!g_file_get_contents(path, &data, &len, &local)) {
      g_set_error(error, OTAUX_POLICY_FILE_ERROR, OTAUX_POLICY_FILE_ERROR_UNREADABLE,
                  "cannot read: %s", local->message);
      return NULL;
    }
  }
  return otaux_policy_file_parse(path, data, len, problems);
}

void otaux_policy_file_apply(const OtauxPolicyFile *file, OtauxPolicy *policy)
{
  g_return_if_fail(file != NULL && policy != NULL);
  for (guint i = 0; i < otaux_policy_n_knobs(); i++)
    if (file->lines[i] != 0)
      otaux_policy_knob_copy(otaux_policy_knob_get(i), policy, &file->values);
}

const guint *otaux_policy_file_lines(const OtauxPolicyFile *file)
{
  g_return_val_if_fail(file != NULL, NULL);
  return file->lines;
}
