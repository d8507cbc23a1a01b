/* Unit tests of operator catalogs: the strict parser, layering and the
 * fallback chain, plural forms, and escaping with hostile values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "otaux-strings.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static OtauxCatalog *parse(const char *xml, GPtrArray *problems)
{
  g_autoptr(GError) error = NULL;
  OtauxCatalog *c = otaux_catalog_parse(xml, strlen(xml), "t.xml", problems, &error);

  if (c == NULL)
    assert_non_null(error);
  return c;
}

/* The one problem a bad catalog gives must contain @needle. */
static void expect_problem(const char *xml, const char *needle)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(OtauxCatalog) c = parse(xml, problems);

  if (c != NULL)
    fail_msg("accepted a bad catalog (wanted \"%s\"):\n%s", needle, xml);
  for (guint i = 0; i < problems->len; i++)
    if (strstr(problems->pdata[i], needle) != NULL)
      return;
  fail_msg("no problem with \"%s\"; got \"%s\"", needle,
           problems->len > 0 ? (const char *)problems->pdata[0] : "(none)");
}

static OtauxStrings *strings_with(const char *const *xmls)
{
  OtauxStrings *s = otaux_strings_new_builtin();

  for (gsize i = 0; xmls[i] != NULL; i++) {
    OtauxCatalog *c = parse(xmls[i], NULL);

    assert_non_null(c);
    otaux_strings_add_catalog(s, c);
  }
  return s;
}

static void test_parse_good(void **state)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(OtauxCatalog) c =
      parse(HEAD "<catalog locale=\"de_AT\" version=\"1\">\n"
                 "  <!-- a comment -->\n"
                 "  <string id=\"download.title\">\n    Neue   Software\n  </string>\n"
                 "  <string id=\"unit.minutes\">\n"
                 "    <plural category=\"one\">eine Minute</plural>\n"
                 "    <plural category=\"other\">{n} Minuten</plural>\n"
                 "    <plural n=\"0\">keine Minuten</plural>\n"
                 "  </string>\n"
                 "  <message id=\"welcome-5g\">Jetzt mit <b>5G</b> für {name}.</message>\n"
                 "</catalog>\n",
            problems);

  if (problems->len > 0)
    fail_msg("%s", (const char *)problems->pdata[0]);
  assert_non_null(c);
  assert_string_equal(otaux_catalog_get_locale(c), "de_AT");
  assert_int_equal(otaux_catalog_get_size(c), 3);
}

static void test_parse_errors_have_lines(void **state)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(OtauxCatalog) c =
      parse(HEAD "<catalog locale=\"de\">\n"
                 "  <string id=\"no.such.id\">x</string>\n"
                 "  <string id=\"delayed.body\">Neustart für {name}</string>\n"
                 "  <string id=\"download.body\">{name} {colour}</string>\n"
                 "</catalog>\n",
            problems);

  assert_null(c);
  assert_int_equal(problems->len, 3);
  assert_string_equal(problems->pdata[0], "t.xml:3: unknown string id 'no.such.id'");
  assert_string_equal(problems->pdata[1],
                      "t.xml:4: 'delayed.body' must contain the placeholder {when}");
  assert_non_null(strstr(problems->pdata[2], "t.xml:5: 'download.body': unknown placeholder "
                                             "{colour}"));
}

static void test_parse_rejects(void **state)
{
  expect_problem("<catalog", "t.xml:1: not well-formed XML");
  expect_problem(HEAD "<catalog locale=\"de\">\n<string id=\"download.title\">a</strin>\n",
                 "t.xml:3: not well-formed XML: Opening and ending tag mismatch");
  expect_problem(HEAD "<policy/>", "the root element is <policy>");
  expect_problem(HEAD "<catalog/>", "needs locale=");
  expect_problem(HEAD "<catalog locale=\"german\"/>", "needs locale=");
  expect_problem(HEAD "<catalog locale=\"de\" colour=\"red\"/>", "unknown attribute 'colour'");
  expect_problem(HEAD "<catalog locale=\"de\" version=\"2\"/>", "version \"2\"");
  expect_problem(HEAD "<catalog locale=\"de\" default=\"yes\"/>", "default=\"yes\"");
  expect_problem(HEAD "<catalog locale=\"de\"><text/></catalog>", "unknown element <text>");
  expect_problem(HEAD "<catalog locale=\"de\">loose</catalog>", "text outside");
  expect_problem(HEAD "<catalog locale=\"de\"><string>x</string></catalog>", "needs an id");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"download.title\"/></catalog>",
                 "is empty");
  expect_problem(HEAD "<catalog locale=\"de\">\n<string id=\"download.title\">a</string>\n"
                      "<string id=\"download.title\">b</string></catalog>",
                 "t.xml:4: 'download.title' is given twice (first at line 3)");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"download.body\">{name</string>"
                      "</catalog>",
                 "starts no placeholder");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"message.x\">a</string></catalog>",
                 "install messages use <message");
  expect_problem(HEAD "<catalog locale=\"de\"><message id=\"Bad Id\">a</message></catalog>",
                 "message id 'Bad Id'");
  expect_problem(HEAD "<catalog locale=\"de\"><message id=\"m\">{percent}</message></catalog>",
                 "unknown placeholder {percent}");
  /* DTDs: no entities, no external fetches, no expansion */
  expect_problem(HEAD "<!DOCTYPE catalog [<!ENTITY x \"boom\">]>\n"
                      "<catalog locale=\"de\"><string id=\"download.title\">&x;</string></catalog>",
                 "DOCTYPE is not allowed");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"download.title\">&x;</string></catalog>",
                 "not well-formed XML");
  expect_problem(HEAD "<c:catalog xmlns:c=\"urn:x\" locale=\"de\"/>", "namespace");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"format.time\">{n}</string></catalog>",
                 "not a valid date/time format");
}

static void test_parse_markup_rules(void **state)
{
  /* Markup only in body texts and messages, only b, i, a with a safe href. */
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"download.title\"><b>x</b></string>"
                      "</catalog>",
                 "markup (<b>) is not allowed in 'download.title': it is a title");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"install.accept\"><i>x</i></string>"
                      "</catalog>",
                 "it is a button label");
  expect_problem(HEAD "<catalog locale=\"de\"><message id=\"m\"><u>x</u></message></catalog>",
                 "<u> is not allowed");
  expect_problem(HEAD "<catalog locale=\"de\"><message id=\"m\"><b style=\"x\">x</b></message>"
                      "</catalog>",
                 "unknown attribute 'style'");
  expect_problem(HEAD "<catalog locale=\"de\"><message id=\"m\"><a href=\"javascript:x\">x</a>"
                      "</message></catalog>",
                 "<a> needs href");
  expect_problem(HEAD "<catalog locale=\"de\"><message id=\"m\"><a href=\"https://x/{name}\">x"
                      "</a></message></catalog>",
                 "<a> needs href");
  expect_problem(HEAD "<catalog locale=\"de\"><message id=\"m\"><a href=\"https://a\"><a "
                      "href=\"https://b\">x</a></a></message></catalog>",
                 "a link inside a link");
}

static void test_parse_plural_rules(void **state)
{
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"download.title\"><plural "
                      "category=\"other\">x</plural></string></catalog>",
                 "is not about a count");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"unit.days\"><plural category=\"few\">"
                      "{n}</plural><plural category=\"other\">{n}</plural></string></catalog>",
                 "category 'few' is not used by locale de (it uses: one other)");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"unit.days\"><plural category=\"one\">"
                      "{n} Tag</plural></string></catalog>",
                 "needs a <plural category=\"other\">");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"unit.days\"><plural category=\"other\">"
                      "Tage</plural></string></catalog>",
                 "must contain the placeholder {n}");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"unit.days\"><plural n=\"x\">a</plural>"
                      "<plural category=\"other\">{n}</plural></string></catalog>",
                 "is not a whole number");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"unit.days\"><plural category=\"other\">"
                      "{n}</plural><plural category=\"other\">{n}</plural></string></catalog>",
                 "given twice");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"unit.days\"><plural>a</plural>"
                      "</string></catalog>",
                 "needs either category");
  expect_problem(HEAD "<catalog locale=\"de\"><string id=\"unit.days\">x <plural "
                      "category=\"other\">{n}</plural></string></catalog>",
                 "text outside <plural>");
}

static void test_parse_size_limit(void **state)
{
  g_autoptr(GError) error = NULL;
  gsize len = OTAUX_CATALOG_MAX_BYTES + 1;
  g_autofree char *big = g_malloc(len);
  g_autoptr(OtauxCatalog) c = NULL;

  memset(big, ' ', len);
  c = otaux_catalog_parse(big, len, "big.xml", NULL, &error);
  assert_null(c);
  assert_true(g_error_matches(error, OTAUX_STRINGS_ERROR, OTAUX_STRINGS_ERROR_TOO_BIG));
}

static void test_fallback_chain(void **state)
{
  const char *const xmls[] = {
    HEAD "<catalog locale=\"de\"><string id=\"download.title\">Update (de)</string>"
         "<string id=\"install.title\">Installieren (de)</string>"
         "<message id=\"m\">Nachricht (de)</message></catalog>",
    HEAD "<catalog locale=\"de_AT\"><string id=\"download.title\">Update (AT)</string>"
         "</catalog>",
    HEAD "<catalog locale=\"en\" default=\"true\"><message id=\"m\">Message (en)</message>"
         "<message id=\"only-en\">Only English</message>"
         "<string id=\"pending.title\">Soon (operator)</string></catalog>",
    NULL,
  };
  g_autoptr(OtauxStrings) s = strings_with(xmls);

  otaux_strings_set_locale(s, "de_AT.UTF-8");
  assert_string_equal(otaux_strings_lookup(s, "download.title"), "Update (AT)");
  assert_string_equal(otaux_strings_lookup(s, "install.title"), "Installieren (de)");
  assert_string_equal(otaux_strings_lookup(s, "message.m"), "Nachricht (de)");
  /* the operator's default locale comes before the built-in texts */
  assert_string_equal(otaux_strings_lookup(s, "message.only-en"), "Only English");
  assert_string_equal(otaux_strings_lookup(s, "pending.title"), "Soon (operator)");
  /* then the built-in text */
  assert_string_equal(otaux_strings_lookup(s, "delayed.title"), "Restart scheduled");
  assert_null(otaux_strings_lookup(s, "message.nope"));
  assert_false(otaux_strings_has(s, "message.nope"));

  otaux_strings_set_locale(s, "fr_FR");
  assert_string_equal(otaux_strings_lookup(s, "message.m"), "Message (en)");
  assert_string_equal(otaux_strings_lookup(s, "download.title"), "Update available");

  /* NULL: the environment's languages (LANGUAGE first) */
  g_setenv("LANGUAGE", "de_AT:de", TRUE);
  otaux_strings_set_locale(s, NULL);
  assert_string_equal(otaux_strings_lookup(s, "download.title"), "Update (AT)");
  g_unsetenv("LANGUAGE");
}

static void test_layers_and_dirs(void **state)
{
  g_autofree char *root = g_dir_make_tmp("otaux-strings-XXXXXX", NULL);
  g_autofree char *vendor = g_build_filename(root, "vendor", NULL);
  g_autofree char *op = g_build_filename(root, "operator", NULL);
  g_autofree char *missing = g_build_filename(root, "missing", NULL);
  const char *dirs[] = { vendor, op, missing, NULL };
  const struct {
    const char *dir, *name, *xml;
  } files[] = {
    { vendor, "10-base.xml",
      HEAD "<catalog locale=\"de\"><string id=\"download.title\">Vendor</string>"
           "<string id=\"install.title\">Vendor install</string></catalog>" },
    { vendor, "20-more.xml",
      HEAD "<catalog locale=\"de\"><string id=\"install.title\">Vendor 20</string></catalog>" },
    { op, "acme_100.xml",
      HEAD "<catalog locale=\"de\"><string id=\"download.title\">Operator</string></catalog>" },
    { op, "acme_200.xml",
      HEAD "<catalog locale=\"de\">\n<string id=\"bad.id\">x</string>"
           "<string id=\"install.title\">never used</string></catalog>" },
    { op, "notes.txt", "not a catalog" },
  };
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *bad_path = g_build_filename(op, "acme_200.xml", NULL);
  g_autofree char *want = g_strdup_printf("%s:3: unknown string id 'bad.id'", bad_path);

  g_mkdir(vendor, 0700);
  g_mkdir(op, 0700);
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_build_filename(files[i].dir, files[i].name, NULL);

    assert_true(g_file_set_contents(path, files[i].xml, -1, NULL));
  }

  assert_int_equal(otaux_strings_load_dirs(s, dirs, problems), 1);
  assert_int_equal(problems->len, 1);
  assert_string_equal(problems->pdata[0], want);
  otaux_strings_set_locale(s, "de");
  assert_string_equal(otaux_strings_lookup(s, "download.title"), "Operator");
  /* the bad file is skipped whole: the vendor's later file stays */
  assert_string_equal(otaux_strings_lookup(s, "install.title"), "Vendor 20");

  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_build_filename(files[i].dir, files[i].name, NULL);

    g_unlink(path);
  }
  g_rmdir(vendor);
  g_rmdir(op);
  g_rmdir(root);
  assert_non_null(otaux_strings_default_dirs()[1]);
}

static void test_plural_forms(void **state)
{
  const char *const xmls[] = {
    HEAD "<catalog locale=\"ar\"><string id=\"unit.minutes\">"
         "<plural category=\"zero\">لا دقائق</plural><plural category=\"one\">دقيقة واحدة</plural>"
         "<plural category=\"two\">دقيقتان</plural><plural category=\"few\">{n} دقائق</plural>"
         "<plural category=\"many\">{n} دقيقة</plural><plural category=\"other\">{n} دقيقة"
         "</plural></string></catalog>",
    HEAD "<catalog locale=\"de\"><string id=\"unit.hours\"><plural category=\"one\">eine Stunde"
         "</plural><plural category=\"other\">{n} Stunden</plural><plural n=\"0\">sofort</plural>"
         "</string><string id=\"delay.in-hours\"><plural category=\"one\">In einer Stunde</plural>"
         "<plural category=\"other\">In {hours} Stunden</plural></string></catalog>",
    NULL,
  };
  g_autoptr(OtauxStrings) s = strings_with(xmls);
  const char *kv[] = { "hours", "3", NULL };
  g_autofree char *en1 = NULL, *en5 = NULL;

  {
    g_autoptr(OtauxStrings) builtin = otaux_strings_new_builtin();

    en1 = otaux_strings_format_plural(builtin, "unit.minutes", 1, NULL);
    en5 = otaux_strings_format_duration(builtin, 300);
  }
  assert_string_equal(en1, "1\u00a0minute");
  assert_string_equal(en5, "5\u00a0minutes");

  otaux_strings_set_locale(s, "ar");
  for (gint64 n = 0; n <= 12; n++) {
    g_autofree char *text = otaux_strings_format_plural(s, "unit.minutes", n, NULL);
    const char *want = n == 0 ? "لا دقائق" : n == 1 ? "دقيقة واحدة" : n == 2 ? "دقيقتان" : NULL;

    if (want != NULL)
      assert_string_equal(text, want);
    else if (n <= 10)
      assert_non_null(strstr(text, "دقائق"));
    else
      assert_non_null(strstr(text, "دقيقة"));
  }

  otaux_strings_set_locale(s, "de");
  {
    g_autofree char *one = otaux_strings_format_duration(s, 3600);
    g_autofree char *two = otaux_strings_format_duration(s, 7200);
    g_autofree char *zero = otaux_strings_format_plural(s, "unit.hours", 0, NULL);
    g_autofree char *in1 = otaux_strings_format_plural(s, "delay.in-hours", 1, kv);
    g_autofree char *in3 = otaux_strings_format_plural(s, "delay.in-hours", 3, kv);

    assert_string_equal(one, "eine Stunde");
    assert_string_equal(two, "2 Stunden");
    assert_string_equal(zero, "sofort");
    assert_string_equal(in1, "In einer Stunde");
    assert_string_equal(in3, "In 3 Stunden");
  }
}

/* Parses @markup as Pango/notification markup would (an XML fragment) and
 * returns its text; fails the test when it is not well-formed. */
static void on_text(GMarkupParseContext *context, const char *text, gsize len, gpointer data,
                    GError **error)
{
  g_string_append_len(data, text, (gssize)len);
}

static char *markup_text(const char *markup)
{
  static const GMarkupParser parser = { .text = on_text };
  GString *text = g_string_new(NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = g_strconcat("<markup>", markup, "</markup>", NULL);
  GMarkupParseContext *context = g_markup_parse_context_new(&parser, 0, text, NULL);
  gboolean ok = g_markup_parse_context_parse(context, doc, -1, &error) &&
                g_markup_parse_context_end_parse(context, &error);

  g_markup_parse_context_free(context);
  if (!ok)
    fail_msg("not valid markup: %s: %s", markup, error->message);
  return g_string_free(text, FALSE);
}

static void test_escaping_hostile_values(void **state)
{
  static const char *const hostile[] = {
    "<b>Free</b> & <a href=\"https://evil.example\">click</a>",
    "%s%n%x {size} {{ }} {name}",
    "&amp; &lt; &#60; &unknown; <![CDATA[x]]> <!-- c -->",
    "\x01\x02\x1b[31mred\x7f tab\there",
    "</markup><markup>",
    "\xff\xfe broken utf-8",
  };
  const char *const xmls[] = {
    HEAD "<catalog locale=\"en\"><message id=\"promo\">Get <b>{name}</b> — see "
         "<a href=\"https://example.com/x?a=1&amp;b=2\">our page</a> &amp; <i>enjoy</i>."
         "</message></catalog>",
    NULL,
  };
  g_autoptr(OtauxStrings) s = strings_with(xmls);

  otaux_strings_set_locale(s, "en");
  for (gsize i = 0; i < G_N_ELEMENTS(hostile); i++) {
    const char *kv[] = { "name", hostile[i], "version", hostile[i], "size", "1 MB", NULL };
    g_autofree char *plain = otaux_strings_format(s, "download.body", kv);
    g_autofree char *markup =
        otaux_strings_format_full(s, "download.body", -1, kv, OTAUX_TEXT_MARKUP);
    g_autofree char *shown = markup_text(markup);
    g_autofree char *valid = g_utf8_make_valid(plain, -1);
    g_autofree char *promo =
        otaux_strings_format_full(s, "message.promo", -1, kv, OTAUX_TEXT_MARKUP);
    g_autofree char *promo_shown = markup_text(promo);

    /* the plain form holds the value as it is, never reinterpreted */
    assert_non_null(strstr(plain, hostile[i]));
    /* the markup form parses, and shows exactly the plain text (controls as U+FFFD) */
    if (strpbrk(hostile[i], "\x01\x7f\xff") == NULL)
      assert_string_equal(shown, valid);
    assert_null(strstr(markup, "<b>"));
    assert_null(strstr(markup, "<a "));
    /* operator markup survives; the value inside it is escaped */
    assert_true(g_str_has_prefix(promo, "Get <b>"));
    assert_non_null(strstr(promo, "<a href=\"https://example.com/x?a=1&amp;b=2\">our page</a>"));
    assert_non_null(strstr(promo, "&amp; <i>enjoy</i>."));
    assert_non_null(strstr(promo_shown, "our page"));
  }
}

static void test_plain_form_of_operator_markup(void **state)
{
  const char *const xmls[] = {
    HEAD "<catalog locale=\"en\"><message id=\"promo\">Get <b>{name}</b> at "
         "<a href=\"https://example.com\">our page</a> or <a href=\"tel:+4312345\">tel:+4312345"
         "</a>. 1 &lt; 2</message></catalog>",
    NULL,
  };
  g_autoptr(OtauxStrings) s = strings_with(xmls);
  const char *kv[] = { "name", "<i>X</i>", NULL };
  g_autofree char *plain = NULL;
  g_autofree char *markup = NULL;

  otaux_strings_set_locale(s, "en");
  plain = otaux_strings_format(s, "message.promo", kv);
  markup = otaux_strings_format_full(s, "message.promo", -1, kv, OTAUX_TEXT_MARKUP);
  assert_string_equal(plain,
                      "Get <i>X</i> at our page (https://example.com) or tel:+4312345. 1 < 2");
  assert_string_equal(markup, "Get <b>&lt;i&gt;X&lt;/i&gt;</b> at <a href=\"https://example.com\">"
                              "our page</a> or <a href=\"tel:+4312345\">tel:+4312345</a>. 1 &lt; "
                              "2");
}

static void test_markup_escape(void **state)
{
  g_autofree char *a = otaux_markup_escape("<b>Free</b> & \"quotes\" 'apos'");
  g_autofree char *b = otaux_markup_escape(NULL);
  g_autofree char *c = otaux_markup_escape("a\x01"
                                           "b\x7f"
                                           "c\td\ne");

  assert_string_equal(a, "&lt;b&gt;Free&lt;/b&gt; &amp; \"quotes\" 'apos'");
  assert_string_equal(b, "");
  assert_string_equal(c, "a\xef\xbf\xbd"
                         "b\xef\xbf\xbd"
                         "c\td\ne");
}

static void test_result_and_state_texts(void **state)
{
  g_autoptr(OtauxStrings) s = otaux_strings_new_builtin();
  static const guint states[] = { 10,  20,  30,  40,  50,  60,  70,  80,  90, 100,
                                  110, 120, 130, 140, 150, 160, 170, 180, 190 };

  for (gsize i = 0; i < G_N_ELEMENTS(states); i++) {
    g_autofree char *text = otaux_strings_state_text(s, states[i]);

    assert_null(strstr(text, "Update state"));
    assert_null(strchr(text, '{'));
  }
  {
    g_autofree char *odd = otaux_strings_state_text(s, 55);
    g_autofree char *r406 = otaux_strings_result_text(s, 406);
    g_autofree char *markup = otaux_strings_result_text_full(s, 503, OTAUX_TEXT_MARKUP);

    assert_string_equal(odd, "Update state 55.");
    assert_non_null(strstr(r406, "contact your service provider"));
    assert_non_null(strstr(markup, "Wi-Fi"));
  }
  assert_string_equal(otaux_strings_result_id(260), "result.vendor-success");
  assert_string_equal(otaux_strings_result_id(460), "result.client-vendor");
  assert_string_equal(otaux_strings_result_id(560), "result.server-vendor");
  assert_string_equal(otaux_strings_result_id(504), "result.unknown");
}

static void test_operator_overrides_used_in_values(void **state)
{
  const char *const xmls[] = {
    HEAD "<catalog locale=\"fr\"><string id=\"operator.name\">Acme Mobile</string>"
         "<string id=\"size.MB\">{n} Mo</string>"
         "<string id=\"format.time\">%Hh%M</string></catalog>",
    NULL,
  };
  g_autoptr(OtauxStrings) s = strings_with(xmls);
  g_autofree char *r = NULL;
  g_autofree char *size = NULL;
  g_autofree char *t = NULL;
  g_autoptr(GDateTime) dt = g_date_time_new_local(2030, 1, 2, 22, 5, 0);

  otaux_strings_set_locale(s, "fr");
  r = otaux_strings_result_text(s, 411);
  size = otaux_strings_format_size_full(s, 12300000);
  t = otaux_strings_format_time(s, g_date_time_to_unix(dt), g_date_time_to_unix(dt));
  assert_non_null(strstr(r, "contact Acme Mobile"));
  assert_string_equal(size, "12.3 Mo");
  assert_string_equal(t, "22h05");
}

static void test_ref_counting(void **state)
{
  OtauxStrings *s = otaux_strings_new_builtin();

  assert_ptr_equal(otaux_strings_ref(s), s);
  otaux_strings_free(s);
  assert_string_equal(otaux_strings_lookup(s, "install.accept"), "Install now");
  otaux_strings_free(s);
  otaux_strings_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_good),
    cmocka_unit_test(test_parse_errors_have_lines),
    cmocka_unit_test(test_parse_rejects),
    cmocka_unit_test(test_parse_markup_rules),
    cmocka_unit_test(test_parse_plural_rules),
    cmocka_unit_test(test_parse_size_limit),
    cmocka_unit_test(test_fallback_chain),
    cmocka_unit_test(test_layers_and_dirs),
    cmocka_unit_test(test_plural_forms),
    cmocka_unit_test(test_escaping_hostile_values),
    cmocka_unit_test(test_plain_form_of_operator_markup),
    cmocka_unit_test(test_markup_escape),
    cmocka_unit_test(test_result_and_state_texts),
    cmocka_unit_test(test_operator_overrides_used_in_values),
    cmocka_unit_test(test_ref_counting),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
