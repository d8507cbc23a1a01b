/* Unit tests of common/otaux-xml.c: the hardened libxml2 front end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "otaux-xml.h"

#define HEAD "<?xml version=\"1.0\"?>\n"

static const char schema_rng[] =
    "<element name=\"root\" xmlns=\"http://relaxng.org/ns/structure/1.0\">"
    "<zeroOrMore><element name=\"item\"><attribute name=\"n\"/></element></zeroOrMore>"
    "</element>";

/* Parses @xml; NULL with the problems (line + message) in @problems. */
static xmlDoc *parse(const char *xml, GPtrArray *problems, GError **error)
{
  return otaux_xml_parse("a test file", "t.xml", xml, strlen(xml), 4096, problems, error);
}

static const OtauxXmlProblem *problem_at(GPtrArray *problems, guint i)
{
  assert_true(i < problems->len);
  return problems->pdata[i];
}

static void test_good_document(void **state)
{
  g_autoptr(GPtrArray) problems = otaux_xml_problems_new();
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = parse(HEAD "<root>\n  <item n=\"1\" x:y=\"2\" xmlns:x=\"urn:x\"/>\n"
                                     "  <![CDATA[text]]>\n</root>\n",
                                problems, &error);
  const xmlNode *root;
  const xmlNode *item;
  g_autofree char *n = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *namespaced = NULL;

  assert_non_null(doc);
  assert_null(error);
  assert_int_equal(problems->len, 0);
  root = xmlDocGetRootElement(doc);
  assert_true(otaux_xml_is_element(root, "root"));
  assert_false(otaux_xml_is_element(root, "item"));
  assert_false(otaux_xml_is_element(NULL, "root"));
  assert_int_equal(otaux_xml_line(root), 2);
  item = xmlFirstElementChild((xmlNode *)root);
  assert_true(otaux_xml_is_element(item, "item"));
  assert_int_equal(otaux_xml_line(item), 3);
  n = otaux_xml_get_attr(item, "n");
  assert_string_equal(n, "1");
  missing = otaux_xml_get_attr(item, "z");
  assert_null(missing);
  /* An attribute in a namespace is not the plain one. */
  namespaced = otaux_xml_get_attr(item, "y");
  assert_null(namespaced);
  {
    g_autofree char *v = otaux_xml_attr_value(item->properties);

    assert_string_equal(v, "1");
  }
  /* CDATA arrives as plain text. */
  for (const xmlNode *c = root->children; c != NULL; c = c->next)
    assert_int_not_equal(c->type, XML_CDATA_SECTION_NODE);
  assert_int_equal(otaux_xml_line(NULL), 0);
}

static void test_size_limit(void **state)
{
  g_autoptr(GPtrArray) problems = otaux_xml_problems_new();
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill(4097, ' ');
  g_autoptr(xmlDoc) doc = parse(big, problems, &error);

  assert_null(doc);
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_TOO_BIG));
  assert_string_equal(error->message, "the file is larger than 4096 bytes");
  assert_int_equal(problems->len, 1);
  assert_int_equal(problem_at(problems, 0)->line, 0);
  /* Exactly at the limit is fine (here: not well-formed, but parsed). */
  g_clear_error(&error);
  big[4096] = '\0';
  doc = parse(big, NULL, &error);
  assert_null(doc);
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_MALFORMED));
}

static void test_doctype_refused(void **state)
{
  const char *const xmls[] = {
    /* billion laughs */
    HEAD "\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
         " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n"
         "<root>&lol2;</root>\n",
    /* an external subset, fetched over the network */
    HEAD "\n<!DOCTYPE root SYSTEM \"http://example.com/x.dtd\">\n<root/>\n",
    /* an external entity: a local file */
    HEAD "\n<!DOCTYPE root [<!ENTITY f SYSTEM \"file:///etc/passwd\">]>\n<root>&f;</root>\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS(xmls); i++) {
    g_autoptr(GPtrArray) problems = otaux_xml_problems_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = parse(xmls[i], problems, &error);

    assert_null(doc);
    assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_DOCTYPE));
    assert_string_equal(error->message, "a DOCTYPE is not allowed in a test file");
    assert_int_equal(problems->len, 1);
    assert_int_equal(problem_at(problems, 0)->line, 3);
  }
}

static void test_doctype_in_other_encoding(void **state)
{
  /* UTF-16: the byte scan cannot see "<!DOCTYPE"; the parsed tree still
   * has the subset, and the document is refused all the same. */
  const char *text = "<?xml version=\"1.0\" encoding=\"UTF-16LE\"?>"
                     "<!DOCTYPE root [<!ENTITY e \"x\">]><root>&e;</root>";
  gsize n = strlen(text);
  g_autofree char *utf16 = g_malloc0(2 * n);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  for (gsize i = 0; i < n; i++)
    utf16[2 * i] = text[i];
  doc = otaux_xml_parse("a test file", "t.xml", utf16, 2 * n, 4096, NULL, &error);
  assert_null(doc);
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_DOCTYPE));
}

static void test_not_well_formed(void **state)
{
  g_autoptr(GPtrArray) problems = otaux_xml_problems_new();
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = parse(HEAD "<root>\n<item>\n</root>\n", problems, &error);

  assert_null(doc);
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_MALFORMED));
  assert_true(problems->len >= 1);
  /* The mismatch is where it is found: at the end tag. No trailing newline. */
  assert_int_equal(problem_at(problems, 0)->line, 4);
  assert_non_null(strstr(problem_at(problems, 0)->message, "Opening and ending tag mismatch"));
  assert_false(g_str_has_suffix(problem_at(problems, 0)->message, "\n"));
  assert_string_equal(error->message, problem_at(problems, 0)->message);

  /* An undeclared entity is an error, not a fetch; so is an empty file. */
  g_clear_error(&error);
  doc = parse(HEAD "<root>\n&x;</root>\n", NULL, &error);
  assert_null(doc);
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_MALFORMED));
  g_clear_error(&error);
  doc = otaux_xml_parse("a test file", "t.xml", NULL, 0, 4096, NULL, &error);
  assert_null(doc);
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_MALFORMED));
  /* Invalid UTF-8 in a message never leaks out. */
  g_clear_error(&error);
  doc = parse(HEAD "<root>\xff</root>\n", problems, &error);
  assert_null(doc);
  assert_true(g_utf8_validate(error->message, -1, NULL));
}

static void test_no_xinclude(void **state)
{
  g_autoptr(xmlDoc) doc = parse(HEAD "<root xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
                                     "<xi:include href=\"/etc/passwd\" parse=\"text\"/></root>\n",
                                NULL, NULL);
  const xmlNode *root;

  assert_non_null(doc);
  root = xmlDocGetRootElement(doc);
  /* The include stays an element: nothing was read. */
  assert_non_null(root->children);
  assert_int_equal(root->children->type, XML_ELEMENT_NODE);
  assert_null(root->children->next);
}

static void test_big_line_numbers(void **state)
{
  GString *xml = g_string_new(HEAD "<root>");
  g_autoptr(GPtrArray) problems = otaux_xml_problems_new();
  g_autoptr(xmlDoc) doc = NULL;

  for (int i = 0; i < 70000; i++)
    g_string_append_c(xml, '\n');
  g_string_append(xml, "<item></wrong></root>\n");
  doc = otaux_xml_parse("a test file", "t.xml", xml->str, xml->len, 1 << 20, problems, NULL);
  assert_null(doc);
  assert_int_equal(problem_at(problems, 0)->line, 70002);
  g_string_free(xml, TRUE);
}

static void test_schema(void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlRelaxNG) schema = otaux_xml_schema_new(schema_rng, strlen(schema_rng), &error);
  g_autoptr(xmlRelaxNG) broken = NULL;
  g_autoptr(xmlDoc) good = parse(HEAD "<root>\n  <item n=\"1\"/>\n</root>\n", NULL, NULL);
  g_autoptr(xmlDoc) bad = parse(HEAD "<root>\n<item/>\n<other/>\n</root>\n", NULL, NULL);
  g_autoptr(GPtrArray) problems = otaux_xml_problems_new();

  assert_non_null(schema);
  assert_null(error);
  assert_non_null(good);
  assert_non_null(bad);
  assert_true(otaux_xml_validate(good, schema, problems, &error));
  assert_int_equal(problems->len, 0);

  assert_false(otaux_xml_validate(bad, schema, problems, &error));
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_INVALID));
  assert_true(problems->len >= 1);
  assert_int_equal(problem_at(problems, 0)->line, 3);

  g_clear_error(&error);
  broken = otaux_xml_schema_new("<element/>", 10, &error);
  assert_null(broken);
  assert_true(g_error_matches(error, OTAUX_XML_ERROR, OTAUX_XML_ERROR_FAILED));
}

static void test_free_accepts_null(void **state)
{
  otaux_xml_problem_free(NULL);
  otaux_xml_init();
  otaux_xml_init();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_good_document),     cmocka_unit_test(test_size_limit),
    cmocka_unit_test(test_doctype_refused),   cmocka_unit_test(test_doctype_in_other_encoding),
    cmocka_unit_test(test_not_well_formed),   cmocka_unit_test(test_no_xinclude),
    cmocka_unit_test(test_big_line_numbers),  cmocka_unit_test(test_schema),
    cmocka_unit_test(test_free_accepts_null),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
