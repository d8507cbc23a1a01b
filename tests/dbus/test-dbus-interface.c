/* The dispatch tables must say exactly what the introspection XML (the
 * source of truth) says: same methods with the same signatures, same
 * properties and types, same signals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "otaux-bus-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

static const char *xml_dir;

static char *prop(xmlNode *node, const char *name)
{
  xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
  char *s = g_strdup((const char *)v);
  xmlFree(v);
  return s;
}

static xmlNode *find_interface(xmlDoc *doc, const char *name)
{
  for (xmlNode *n = xmlDocGetRootElement(doc)->children; n != NULL; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "interface") != 0)
      continue;
    g_autofree char *iname = prop(n, "name");
    if (g_strcmp0(iname, name) == 0)
      return n;
  }
  return NULL;
}

/* The concatenated types of a member's args with @direction (NULL: any). */
static char *member_signature(xmlNode *member, const char *direction)
{
  GString *sig = g_string_new(NULL);
  for (xmlNode *a = member->children; a != NULL; a = a->next) {
    if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, "arg") != 0)
      continue;
    g_autofree char *dir = prop(a, "direction");
    g_autofree char *type = prop(a, "type");
    if (direction != NULL && g_strcmp0(dir != NULL ? dir : "in", direction) != 0)
      continue;
    g_string_append(sig, type);
  }
  return g_string_free(sig, FALSE);
}

static void check_interface(const OtauxDBusInterface *iface, const char *file)
{
  g_autofree char *path = g_build_filename(xml_dir, file, NULL);
  g_autoptr(xmlDoc) doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
  if (doc == NULL) {
    fail_msg("cannot read %s", path);
    return;
  }
  xmlNode *node = find_interface(doc, iface->name);
  if (node == NULL) {
    fail_msg("no interface %s in %s", iface->name, path);
    return;
  }

  guint n_methods = 0, n_props = 0, n_signals = 0;
  for (xmlNode *m = node->children; m != NULL; m = m->next) {
    if (m->type != XML_ELEMENT_NODE)
      continue;
    g_autofree char *name = prop(m, "name");
    if (strcmp((const char *)m->name, "method") == 0) {
      const OtauxDBusMethod *found = NULL;
      for (const OtauxDBusMethod *t = iface->methods; t->name != NULL; t++)
        if (strcmp(t->name, name) == 0)
          found = t;
      if (found == NULL) {
        fail_msg("%s.%s is in the XML but has no handler", iface->name, name);
        return;
      }
      g_autofree char *in = member_signature(m, "in");
      g_autofree char *out = member_signature(m, "out");
      assert_string_equal(found->in_signature, in);
      assert_string_equal(found->out_signature, out);
      assert_non_null(found->handler);
      n_methods++;
    } else if (strcmp((const char *)m->name, "property") == 0) {
      g_autofree char *type = prop(m, "type");
      g_autofree char *access = prop(m, "access");
      const OtauxDBusProperty *found = NULL;
      for (const OtauxDBusProperty *t = iface->properties; t->name != NULL; t++)
        if (strcmp(t->name, name) == 0)
          found = t;
      if (found == NULL) {
        fail_msg("property %s.%s has no getter", iface->name, name);
        return;
      }
      assert_string_equal(found->signature, type);
      assert_string_equal(access, "read");
      n_props++;
    } else if (strcmp((const char *)m->name, "signal") == 0) {
      const OtauxDBusSignal *found = NULL;
      for (const OtauxDBusSignal *t = iface->signals; t->name != NULL; t++)
        if (strcmp(t->name, name) == 0)
          found = t;
      if (found == NULL) {
        fail_msg("signal %s.%s is not in the table", iface->name, name);
        return;
      }
      g_autofree char *sig = member_signature(m, NULL);
      assert_string_equal(found->signature, sig);
      n_signals++;
    }
  }
  /* and nothing in the tables that the XML lacks */
  guint t_methods = 0, t_props = 0, t_signals = 0;
  for (const OtauxDBusMethod *t = iface->methods; t->name != NULL; t++)
    t_methods++;
  for (const OtauxDBusProperty *t = iface->properties; t->name != NULL; t++)
    t_props++;
  for (const OtauxDBusSignal *t = iface->signals; t->name != NULL; t++)
    t_signals++;
  assert_int_equal(n_methods, t_methods);
  assert_int_equal(n_props, t_props);
  assert_int_equal(n_signals, t_signals);
}

static void test_agent_interface(void **state)
{
  check_interface(&otaux_bus_agent_interface, "org.otaux.Agent1.xml");
}

static void test_offer_interface(void **state)
{
  check_interface(&otaux_bus_offer_interface, "org.otaux.Offer1.xml");
}

static void test_testing_interface(void **state)
{
  check_interface(&otaux_bus_testing_interface, "org.otaux.Testing1.xml");
}

/* Introspect answers from the embedded copy of the same files. */
static void test_embedded_xml(void **state)
{
  const OtauxDBusInterface *ifaces[] = { &otaux_bus_agent_interface, &otaux_bus_offer_interface,
                                         &otaux_bus_testing_interface };
  for (gsize i = 0; i < G_N_ELEMENTS(ifaces); i++) {
    g_autofree char *xml = otaux_dbus_interface_xml(ifaces[i]);
    g_autofree char *open = g_strdup_printf("<interface name=\"%s\">", ifaces[i]->name);
    assert_non_null(strstr(xml, open));
    assert_non_null(strstr(xml, "</interface>"));
    assert_null(strstr(xml, "<node"));
    for (const OtauxDBusMethod *m = ifaces[i]->methods; m->name != NULL; m++) {
      g_autofree char *tag = g_strdup_printf("<method name=\"%s\"", m->name);
      assert_non_null(strstr(xml, tag));
    }
  }
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_agent_interface),
    cmocka_unit_test(test_offer_interface),
    cmocka_unit_test(test_testing_interface),
    cmocka_unit_test(test_embedded_xml),
  };
  xml_dir = argc > 1 ? argv[1] : ".";
  int ret = cmocka_run_group_tests(tests, NULL, NULL);
  xmlCleanupParser();
  return ret;
}
