/* otaux-xml: the one hardened libxml2 front end of policy/ and strings/.
 *
 * Operator files are read with libxml2 under one set of rules:
 *   - libxml2 is initialised once, and its external entity loader refuses
 *     everything (nothing is ever fetched or opened);
 *   - no network, no DTD: a DOCTYPE is refused before libxml2 sees it (so no
 *     entity is declared, let alone expanded), and again if one slips past;
 *   - a size limit per caller, checked before parsing;
 *   - every error with its line ("file:line: message" in the callers);
 *   - libxml2 never prints to stderr: errors go to a structured handler,
 *     const-correct for libxml2 2.12 and later.
 * Pure: GLib and libxml2 only. */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

G_BEGIN_DECLS

#define OTAUX_XML_ERROR (otaux_xml_error_quark())
GQuark otaux_xml_error_quark(void);

typedef enum {
  OTAUX_XML_ERROR_TOO_BIG,   /* larger than the caller's limit */
  OTAUX_XML_ERROR_DOCTYPE,   /* a DOCTYPE: DTDs and entities are refused */
  OTAUX_XML_ERROR_MALFORMED, /* not well-formed XML */
  OTAUX_XML_ERROR_INVALID,   /* does not follow the schema */
  OTAUX_XML_ERROR_FAILED,    /* out of memory, or a schema that does not parse */
} OtauxXmlError;

/* One problem at a line of the file (0: the file as a whole). */
typedef struct {
  guint line;
  char *message; /* valid UTF-8, without the trailing newline */
} OtauxXmlProblem;

void otaux_xml_problem_free(OtauxXmlProblem *problem);
/* A new GPtrArray that frees its OtauxXmlProblems. */
GPtrArray *otaux_xml_problems_new(void);

/* libxml2 2.12 made the structured error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *OtauxXmlErrorPtr;
#else
typedef xmlErrorPtr OtauxXmlErrorPtr;
#endif

/* Once per process; every function below calls it. */
void otaux_xml_init(void);

/* Parses @data (@len bytes, not NUL-terminated) named @name, "a policy
 * file" or "a catalog" as @what says in messages. On any problem returns
 * NULL, sets @error (code OtauxXmlError, message of the first problem) and
 * appends every problem, in file order, to @problems (may be NULL). */
G_GNUC_WARN_UNUSED_RESULT
xmlDoc *otaux_xml_parse(const char *what, const char *name, const char *data, gsize len,
                        gsize max_bytes, GPtrArray *problems,
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parses a RelaxNG schema from memory; keep it for the process. */
G_GNUC_WARN_UNUSED_RESULT
xmlRelaxNG *otaux_xml_schema_new(const char *data, gsize len,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Checks @doc against @schema; FALSE (OTAUX_XML_ERROR_INVALID) with every
 * problem appended to @problems (may be NULL). */
G_GNUC_WARN_UNUSED_RESULT
gboolean otaux_xml_validate(xmlDoc *doc, xmlRelaxNG *schema, GPtrArray *problems,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The line of @node, 0 when unknown. */
guint otaux_xml_line(const xmlNode *node);
/* The value of the attribute @name without a namespace, NULL when absent. */
char *otaux_xml_get_attr(const xmlNode *node, const char *name);
/* The value of @attr. */
char *otaux_xml_attr_value(const xmlAttr *attr);
/* Whether @node is the element @name (its namespace is the caller's to check). */
gboolean otaux_xml_is_element(const xmlNode *node, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxXmlProblem, otaux_xml_problem_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNG, xmlRelaxNGFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGValidCtxt, xmlRelaxNGFreeValidCtxt)

G_END_DECLS
