/* otaux-xml: the one hardened libxml2 front end (see otaux-xml.h). */
#include "otaux-xml.h"

#include <string.h>

/* clang-format off: it would turn the quark's name into "otaux - xml - ..." */
// clang-format off
G_DEFINE_QUARK(otaux-xml-error-quark, otaux_xml_error)
// clang-format on

void otaux_xml_problem_free(OtauxXmlProblem *problem)
{
  if (problem == NULL)
    return;
  g_free(problem->message);
  g_free(problem);
}

GPtrArray *otaux_xml_problems_new(void)
{
  return g_ptr_array_new_with_free_func((GDestroyNotify)otaux_xml_problem_free);
}

/* Nothing outside the document is ever read: not a DTD, not an entity,
 * not over the network (NONET alone leaves local files). */
static xmlParserInputPtr refuse_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
  return NULL;
}

void otaux_xml_init(void)
{
  static gsize done = 0;

  if (g_once_init_enter(&done)) {
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_external);
    g_once_init_leave(&done, 1);
  }
}

/* Collects libxml2's errors (not its warnings) in file order. */
typedef struct {
  GPtrArray *problems; /* OtauxXmlProblem* */
} Collector;

static void add_problem(Collector *c, guint line, char *message /* transfer full */)
{
  OtauxXmlProblem *p = g_new0(OtauxXmlProblem, 1);

  p->line = line;
  p->message = message;
  g_ptr_array_add(c->problems, p);
}

static void on_error(void *data, OtauxXmlErrorPtr error)
{
  Collector *c = data;
  g_autofree char *message = NULL;

  if (error == NULL || error->level < XML_ERR_ERROR)
    return;
  message = g_strstrip(g_strdup(error->message != NULL ? error->message : "invalid"));
  add_problem(c, error->line > 0 ? (guint)error->line : 0, g_utf8_make_valid(message, -1));
}

/* The first problem becomes @error; all of them go to @problems. */
static void hand_over(Collector *c, OtauxXmlError code, GPtrArray *problems, GError **error)
{
  const OtauxXmlProblem *first = c->problems->len > 0 ? c->problems->pdata[0] : NULL;

  g_set_error_literal(error, OTAUX_XML_ERROR, code, first != NULL ? first->message : "invalid");
  for (guint i = 0; problems != NULL && i < c->problems->len; i++)
    g_ptr_array_add(problems, g_steal_pointer(&c->problems->pdata[i]));
}

static void fail(const char *message, guint line, OtauxXmlError code, GPtrArray *problems,
                 GError **error)
{
  g_autoptr(GPtrArray) found = otaux_xml_problems_new();
  Collector c = { found };

  add_problem(&c, line, g_strdup(message));
  hand_over(&c, code, problems, error);
}

/* An internal subset may declare entities (billion laughs); an external one
 * reaches out. The files need neither: refuse a DOCTYPE before libxml2 reads
 * it. Returns its line, 0 when there is none. */
static guint find_doctype(const char *data, gsize len)
{
  static const char needle[] = "<!DOCTYPE";
  const gsize n = sizeof needle - 1;
  guint line = 1;

  for (gsize i = 0; i + n <= len; i++) {
    if (data[i] == '\n')
      line++;
    if (data[i] == '<' && memcmp(data + i, needle, n) == 0)
      return line;
  }
  return 0;
}

xmlDoc *otaux_xml_parse(const char *what, const char *name, const char *data, gsize len,
                        gsize max_bytes, GPtrArray *problems, GError **error)
{
  g_autoptr(GPtrArray) found = otaux_xml_problems_new();
  g_autoptr(xmlParserCtxt) ctxt = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  Collector c = { found };
  g_autofree char *message = NULL;
  guint line;
  /* NONET: nothing fetched; without NOENT, DTDLOAD, DTDATTR, XINCLUDE and
   * HUGE: no entity substitution, no external subset, the default limits. */
  int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;

#ifdef XML_PARSE_NO_XXE
  options |= XML_PARSE_NO_XXE;
#endif
  g_return_val_if_fail(what != NULL && name != NULL, NULL);
  g_return_val_if_fail(data != NULL || len == 0, NULL);

  if (len > max_bytes) {
    message = g_strdup_printf("the file is larger than %" G_GSIZE_FORMAT " bytes", max_bytes);
    fail(message, 0, OTAUX_XML_ERROR_TOO_BIG, problems, error);
    return NULL;
  }
  if (len > G_MAXINT) {
    fail("the file is too large", 0, OTAUX_XML_ERROR_TOO_BIG, problems, error);
    return NULL;
  }
  message = g_strdup_printf("a DOCTYPE is not allowed in %s", what);
  if ((line = find_doctype(data, len)) > 0) {
    fail(message, line, OTAUX_XML_ERROR_DOCTYPE, problems, error);
    return NULL;
  }

  otaux_xml_init();
  ctxt = xmlNewParserCtxt();
  if (ctxt == NULL) {
    fail("out of memory", 0, OTAUX_XML_ERROR_FAILED, problems, error);
    return NULL;
  }
  /* The handler also keeps libxml2 from printing to stderr. */
#if LIBXML_VERSION >= 21300
  xmlCtxtSetErrorHandler(ctxt, on_error, &c);
#else
  xmlSetStructuredErrorFunc(&c, on_error);
#endif
  doc = xmlCtxtReadMemory(ctxt, data != NULL ? data : "", (int)len, name, NULL, options);
#if LIBXML_VERSION < 21300
  xmlSetStructuredErrorFunc(NULL, NULL);
#endif
  if (doc == NULL || !ctxt->wellFormed || found->len > 0) {
    if (found->len == 0)
      add_problem(&c, 0, g_strdup("not a well-formed XML document"));
    hand_over(&c, OTAUX_XML_ERROR_MALFORMED, problems, error);
    return NULL;
  }
  /* A DOCTYPE the scan could not see (another encoding): still refused. */
  if (doc->intSubset != NULL || doc->extSubset != NULL) {
    fail(message, 1, OTAUX_XML_ERROR_DOCTYPE, problems, error);
    return NULL;
  }
  return g_steal_pointer(&doc);
}

xmlRelaxNG *otaux_xml_schema_new(const char *data, gsize len, GError **error)
{
  g_autoptr(GPtrArray) found = otaux_xml_problems_new();
  g_autoptr(xmlRelaxNGParserCtxt) ctxt = NULL;
  Collector c = { found };
  xmlRelaxNG *schema;

  g_return_val_if_fail(data != NULL && len <= G_MAXINT, NULL);
  otaux_xml_init();
  ctxt = xmlRelaxNGNewMemParserCtxt(data, (int)len);
  if (ctxt == NULL) {
    g_set_error_literal(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_FAILED, "out of memory");
    return NULL;
  }
  xmlRelaxNGSetParserStructuredErrors(ctxt, on_error, &c);
  schema = xmlRelaxNGParse(ctxt);
  if (schema == NULL) {
    if (found->len == 0)
      add_problem(&c, 0, g_strdup("the schema does not parse"));
    hand_over(&c, OTAUX_XML_ERROR_FAILED, NULL, error);
  }
  return schema;
}

gboolean otaux_xml_validate(xmlDoc *doc, xmlRelaxNG *schema, GPtrArray *problems, GError **error)
{
  g_autoptr(GPtrArray) found = otaux_xml_problems_new();
  g_autoptr(xmlRelaxNGValidCtxt) ctxt = NULL;
  Collector c = { found };

  g_return_val_if_fail(doc != NULL && schema != NULL, FALSE);
  ctxt = xmlRelaxNGNewValidCtxt(schema);
  if (ctxt == NULL) {
    g_set_error_literal(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_FAILED, "out of memory");
    return FALSE;
  }
  xmlRelaxNGSetValidStructuredErrors(ctxt, on_error, &c);
  if (xmlRelaxNGValidateDoc(ctxt, doc) == 0 && found->len == 0)
    return TRUE;
  if (found->len == 0)
    add_problem(&c, 0, g_strdup("the document does not follow the schema"));
  hand_over(&c, OTAUX_XML_ERROR_INVALID, problems, error);
  return FALSE;
}

guint otaux_xml_line(const xmlNode *node)
{
  long line = node != NULL ? xmlGetLineNo(node) : 0;

  return line > 0 && line <= G_MAXUINT ? (guint)line : 0;
}

char *otaux_xml_get_attr(const xmlNode *node, const char *name)
{
  xmlChar *raw;
  char *value;

  g_return_val_if_fail(node != NULL && name != NULL, NULL);
  raw = xmlGetNoNsProp(node, (const xmlChar *)name);
  if (raw == NULL)
    return NULL;
  value = g_strdup((const char *)raw);
  xmlFree(raw);
  return value;
}

char *otaux_xml_attr_value(const xmlAttr *attr)
{
  xmlChar *raw;
  char *value;

  g_return_val_if_fail(attr != NULL, NULL);
  raw = xmlNodeListGetString(attr->doc, attr->children, 1);
  value = g_strdup(raw != NULL ? (const char *)raw : "");
  xmlFree(raw);
  return value;
}

gboolean otaux_xml_is_element(const xmlNode *node, const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}
