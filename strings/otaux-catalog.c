/* Operator catalogs: strict parsing of one XML file.
 *
 *   <catalog locale="de" default="true">
 *     <string id="download.title">Neue Software für {name}</string>
 *     <string id="unit.minutes">
 *       <plural category="one">{n} Minute</plural>
 *       <plural category="other">{n} Minuten</plural>
 *     </string>
 *     <message id="welcome">Mehr auf <a href="https://example.com">example.com</a>.</message>
 *   </catalog>
 *
 * docs/strings.md is the user's description; strings/otaux-strings.rng the
 * schema. Every problem is reported with its line, and one problem rejects
 * the whole file (the layer below stays), so a half-read file never mixes
 * with the built-in texts. libxml2 runs without network, DTD loading or
 * entity expansion, on files of bounded size. */
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "otaux-catalog-private.h"
#include "otaux-plural.h"
#include "otaux-xml.h"

#define MAX_TEXT_BYTES 4096
#define MAX_ENTRIES    4096
#define MAX_MESSAGE_ID 64
#define MAX_NESTING    8

/* -- the parser ------------------------------------------------------------ */

typedef struct {
  const char *filename;
  GPtrArray *problems; /* of "file:line: message" */
  OtauxCatalog *catalog;
} Parser;

static void problem(Parser *p, guint line, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void problem(Parser *p, guint line, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start(args, format);
  message = g_strdup_vprintf(format, args);
  va_end(args);
  if (line > 0)
    g_ptr_array_add(p->problems, g_strdup_printf("%s:%u: %s", p->filename, line, message));
  else
    g_ptr_array_add(p->problems, g_strdup_printf("%s: %s", p->filename, message));
}

static const char *use_name(OtauxTextUse use)
{
  switch (use) {
    case OTAUX_USE_TITLE:
      return "a title";
    case OTAUX_USE_BODY:
      return "a body text";
    case OTAUX_USE_LABEL:
      return "a button label";
    case OTAUX_USE_VALUE:
      return "a value used inside other texts";
    case OTAUX_USE_FORMAT:
    default:
      return "a date/time format";
  }
}

/* Checks the attributes of @node against @allowed (space-separated). */
static gboolean check_attributes(Parser *p, const xmlNode *node, const char *allowed)
{
  gboolean ok = TRUE;

  if (node->ns != NULL) {
    problem(p, otaux_xml_line(node), "<%s> has a namespace; catalogs use none", node->name);
    ok = FALSE;
  }
  for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
    const char *name = (const char *)a->name;

    if (a->ns != NULL || !otaux_plural_word_in(name, strlen(name), allowed)) {
      problem(p, otaux_xml_line(node), "<%s> has an unknown attribute '%s'", node->name, name);
      ok = FALSE;
    }
  }
  return ok;
}

/* Whitespace runs (as in pretty-printed XML) become one space. */
static void append_collapsed(GString *plain, GString *markup, const char *text)
{
  g_autoptr(GString) chunk = g_string_new(NULL);
  g_autofree char *escaped = NULL;

  for (const char *c = text; *c != '\0'; c++) {
    if (g_ascii_isspace(*c)) {
      if (chunk->len == 0 ? plain->len == 0 || plain->str[plain->len - 1] != ' '
                          : chunk->str[chunk->len - 1] != ' ')
        g_string_append_c(chunk, ' ');
      continue;
    }
    g_string_append_c(chunk, *c);
  }
  escaped = otaux_markup_escape(chunk->str);
  g_string_append(plain, chunk->str);
  g_string_append(markup, escaped);
}

static gboolean href_valid(const char *href)
{
  static const char *const schemes[] = { "https://", "http://", "mailto:", "tel:" };

  if (strpbrk(href, "{}\"<> \t\n") != NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS(schemes); i++)
    if (g_str_has_prefix(href, schemes[i]) && href[strlen(schemes[i])] != '\0')
      return TRUE;
  return FALSE;
}

typedef struct {
  const char *id;
  OtauxTextUse use;
  gboolean in_link;
} TextCtx;

/* Mixed content: text, and b/i/a where markup is allowed. */
static gboolean append_content(Parser *p, const xmlNode *parent, const TextCtx *tc, GString *plain,
                               GString *markup, int depth)
{
  gboolean ok = TRUE;

  if (depth > MAX_NESTING) {
    problem(p, otaux_xml_line(parent), "markup nested too deeply in '%s'", tc->id);
    return FALSE;
  }
  for (const xmlNode *n = parent->children; n != NULL; n = n->next) {
    switch (n->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        append_collapsed(plain, markup, (const char *)n->content);
        break;
      case XML_COMMENT_NODE:
        break;
      case XML_ELEMENT_NODE: {
        const char *name = (const char *)n->name;
        gboolean is_link = g_str_equal(name, "a");

        if (!g_str_equal(name, "b") && !g_str_equal(name, "i") && !is_link) {
          problem(p, otaux_xml_line(n), "<%s> is not allowed in a text (markup allowed: b, i, a)",
                  name);
          ok = FALSE;
          break;
        }
        if (tc->use != OTAUX_USE_BODY) {
          problem(p, otaux_xml_line(n), "markup (<%s>) is not allowed in '%s': it is %s", name,
                  tc->id, use_name(tc->use));
          ok = FALSE;
          break;
        }
        if (!check_attributes(p, n, is_link ? "href" : "")) {
          ok = FALSE;
          break;
        }
        if (is_link) {
          g_autofree char *href = otaux_xml_get_attr(n, "href");
          g_autofree char *href_escaped = NULL;
          gsize start = plain->len;
          TextCtx inner = *tc;

          if (tc->in_link) {
            problem(p, otaux_xml_line(n), "a link inside a link in '%s'", tc->id);
            ok = FALSE;
            break;
          }
          if (href == NULL || !href_valid(href)) {
            problem(p, otaux_xml_line(n),
                    "<a> needs href=\"https://...\" (or http:, mailto:, tel:) without spaces, "
                    "quotes or placeholders");
            ok = FALSE;
            break;
          }
          href_escaped = otaux_markup_escape(href);
          g_string_append_printf(markup, "<a href=\"%s\">", href_escaped);
          inner.in_link = TRUE;
          ok = append_content(p, n, &inner, plain, markup, depth + 1) && ok;
          g_string_append(markup, "</a>");
          /* The plain form keeps the address unless the text is it. */
          if (!g_str_equal(plain->str + start, href))
            g_string_append_printf(plain, " (%s)", href);
        } else {
          g_string_append_printf(markup, "<%s>", name);
          ok = append_content(p, n, tc, plain, markup, depth + 1) && ok;
          g_string_append_printf(markup, "</%s>", name);
        }
        break;
      }
      case XML_ENTITY_REF_NODE:
        problem(p, otaux_xml_line(n),
                "entity references are not allowed (use the character itself)");
        ok = FALSE;
        break;
      default:
        problem(p, otaux_xml_line(n), "unexpected XML content in '%s'", tc->id);
        ok = FALSE;
        break;
    }
  }
  return ok;
}

/* Checks the {placeholders} of @text against @allowed ("time! name ...").
 * @check_required: whether every "x!" must be used. */
static gboolean check_placeholders(Parser *p, guint line, const char *id, const char *text,
                                   const char *allowed, gboolean check_required)
{
  gboolean ok = TRUE;
  g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) words = g_strsplit(allowed, " ", -1);

  for (const char *c = text; *c != '\0'; c++) {
    const char *key = NULL;
    gsize len;
    g_autofree char *name = NULL;
    g_autofree char *required = NULL;

    if (*c != '{')
      continue;
    if (c[1] == '{') {
      c++;
      continue;
    }
    len = otaux_placeholder_scan(c, &key);
    if (len == 0) {
      problem(p, line, "'%s': a '{' that starts no placeholder (write '{{' for a '{')", id);
      ok = FALSE;
      continue;
    }
    name = g_strndup(key, len);
    required = g_strconcat(name, "!", NULL);
    if (!g_strv_contains((const char *const *)words, name) &&
        !g_strv_contains((const char *const *)words, required)) {
      g_autofree char *list = g_strjoinv(", ", words);

      problem(p, line, "'%s': unknown placeholder {%s} (known here: %s)", id, name,
              allowed[0] != '\0' ? g_strdelimit(list, "!", ' ') : "none");
      ok = FALSE;
    }
    g_hash_table_add(used, g_steal_pointer(&name));
    c += len + 1;
  }
  for (gsize i = 0; check_required && words[i] != NULL; i++) {
    gsize len = strlen(words[i]);

    if (len > 1 && words[i][len - 1] == '!') {
      g_autofree char *name = g_strndup(words[i], len - 1);

      if (!g_hash_table_contains(used, name)) {
        problem(p, line, "'%s' must contain the placeholder {%s}", id, name);
        ok = FALSE;
      }
    }
  }
  return ok;
}

static void form_clear(OtauxCatalogForm *form)
{
  g_free(form->plain);
  g_free(form->markup);
}

static void entry_free(gpointer data)
{
  OtauxCatalogEntry *entry = data;

  for (guint i = 0; i < entry->n_forms; i++)
    form_clear(&entry->forms[i]);
  g_free(entry->forms);
  g_free(entry);
}

/* One text (a <string>, <message> or <plural>) into @form. */
static gboolean read_form(Parser *p, const xmlNode *node, const TextCtx *tc, const char *allowed,
                          gboolean check_required, OtauxCatalogForm *form)
{
  g_autoptr(GString) plain = g_string_new(NULL);
  g_autoptr(GString) markup = g_string_new(NULL);
  guint line = otaux_xml_line(node);
  gboolean ok = append_content(p, node, tc, plain, markup, 0);

  g_strstrip(plain->str);
  g_string_set_size(plain, strlen(plain->str));
  g_strstrip(markup->str);
  g_string_set_size(markup, strlen(markup->str));
  if (!ok)
    return FALSE;
  if (plain->len == 0) {
    problem(p, line, "'%s' is empty (remove it to keep the built-in text)", tc->id);
    return FALSE;
  }
  if (plain->len > MAX_TEXT_BYTES) {
    problem(p, line, "'%s' is longer than %d bytes", tc->id, MAX_TEXT_BYTES);
    return FALSE;
  }
  if (tc->use == OTAUX_USE_FORMAT) {
    g_autoptr(GDateTime) sample = g_date_time_new_utc(2024, 3, 14, 22, 5, 0);
    g_autofree char *out = g_date_time_format(sample, plain->str);

    if (out == NULL || strchr(plain->str, '{') != NULL) {
      problem(p, line, "'%s' is not a valid date/time format (see g_date_time_format)", tc->id);
      return FALSE;
    }
  } else if (!check_placeholders(p, line, tc->id, plain->str, allowed, check_required)) {
    return FALSE;
  }
  form->plain = g_string_free(g_steal_pointer(&plain), FALSE);
  form->markup = g_string_free(g_steal_pointer(&markup), FALSE);
  return TRUE;
}

static gboolean read_plurals(Parser *p, const xmlNode *node, const TextCtx *tc,
                             const OtauxBuiltinText *row, GArray *forms)
{
  const char *categories = otaux_plural_categories(p->catalog->locale);
  gboolean ok = TRUE;
  gboolean has_other = FALSE;

  if (row->plural == NULL) {
    problem(p, otaux_xml_line(node), "'%s' is not about a count: <plural> is not allowed", tc->id);
    return FALSE;
  }
  for (const xmlNode *n = node->children; n != NULL; n = n->next) {
    OtauxCatalogForm form = { .exact = -1 };
    g_autofree char *category = NULL;
    g_autofree char *exact = NULL;

    if (n->type == XML_COMMENT_NODE)
      continue;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const char *c = (const char *)n->content;

      while (g_ascii_isspace(*c))
        c++;
      if (*c != '\0') {
        problem(p, otaux_xml_line(n), "'%s': text outside <plural> forms", tc->id);
        ok = FALSE;
      }
      continue;
    }
    if (!otaux_xml_is_element(n, "plural")) {
      problem(p, otaux_xml_line(n), "'%s': only <plural> forms may follow a <plural>", tc->id);
      ok = FALSE;
      continue;
    }
    if (!check_attributes(p, n, "category n")) {
      ok = FALSE;
      continue;
    }
    category = otaux_xml_get_attr(n, "category");
    exact = otaux_xml_get_attr(n, "n");
    if ((category == NULL) == (exact == NULL)) {
      problem(p, otaux_xml_line(n), "<plural> needs either category=\"...\" or n=\"...\"");
      ok = FALSE;
      continue;
    }
    if (category != NULL) {
      form.category = otaux_plural_category_lookup(p->catalog->locale, category);
      if (form.category == NULL) {
        problem(p, otaux_xml_line(n),
                "'%s': plural category '%s' is not used by locale %s (it uses: %s)", tc->id,
                category, p->catalog->locale, categories);
        ok = FALSE;
        continue;
      }
    } else {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned(exact, 10, 0, 999999999, &value, NULL)) {
        problem(p, otaux_xml_line(n), "'%s': n=\"%s\" is not a whole number", tc->id, exact);
        ok = FALSE;
        continue;
      }
      form.exact = (gint64)value;
      form.category = "other";
    }
    for (guint i = 0; i < forms->len; i++) {
      const OtauxCatalogForm *seen = &g_array_index(forms, OtauxCatalogForm, i);

      if (seen->exact == form.exact && (form.exact >= 0 || seen->category == form.category)) {
        problem(p, otaux_xml_line(n), "'%s': plural form %s%s given twice", tc->id,
                form.exact >= 0 ? "n=" : "", form.exact >= 0 ? exact : category);
        ok = FALSE;
        form.category = NULL;
        break;
      }
    }
    if (form.category == NULL)
      continue;
    /* The count itself may be left out of "one" ("eine Minute"), not of "other". */
    if (!read_form(p, n, tc, row->ph, form.exact < 0 && g_str_equal(form.category, "other"),
                   &form)) {
      ok = FALSE;
      continue;
    }
    has_other = has_other || (form.exact < 0 && g_str_equal(form.category, "other"));
    g_array_append_val(forms, form);
  }
  if (ok && !has_other) {
    problem(p, otaux_xml_line(node), "'%s' needs a <plural category=\"other\"> form", tc->id);
    ok = FALSE;
  }
  return ok;
}

static gboolean has_plural_child(const xmlNode *node)
{
  for (const xmlNode *n = node->children; n != NULL; n = n->next)
    if (otaux_xml_is_element(n, "plural"))
      return TRUE;
  return FALSE;
}

static gboolean message_id_valid(const char *id)
{
  gsize len = strlen(id);

  if (len == 0 || len > MAX_MESSAGE_ID || !(g_ascii_islower(id[0]) || g_ascii_isdigit(id[0])))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower(id[i]) && !g_ascii_isdigit(id[i]) && !strchr("._-", id[i]))
      return FALSE;
  return TRUE;
}

static void read_entry(Parser *p, const xmlNode *node, gboolean is_message)
{
  g_autofree char *id_attr = NULL;
  g_autofree char *id = NULL;
  const OtauxBuiltinText *row = NULL;
  const OtauxCatalogEntry *seen;
  g_autoptr(GArray) forms = g_array_new(FALSE, TRUE, sizeof(OtauxCatalogForm));
  TextCtx tc = { 0 };
  OtauxCatalogEntry *entry;
  gboolean ok;

  g_array_set_clear_func(forms, (GDestroyNotify)form_clear);
  if (!check_attributes(p, node, "id"))
    return;
  id_attr = otaux_xml_get_attr(node, "id");
  if (id_attr == NULL) {
    problem(p, otaux_xml_line(node), "<%s> needs an id", node->name);
    return;
  }
  if (is_message) {
    if (!message_id_valid(id_attr)) {
      problem(p, otaux_xml_line(node),
              "message id '%s' must be 1-%d characters of a-z, 0-9, '.', '_' or '-'", id_attr,
              MAX_MESSAGE_ID);
      return;
    }
    id = g_strconcat("message.", id_attr, NULL);
    tc.use = OTAUX_USE_BODY;
  } else {
    row = otaux_builtin_lookup(id_attr);
    if (row == NULL) {
      problem(p, otaux_xml_line(node), "unknown string id '%s'%s", id_attr,
              g_str_has_prefix(id_attr, "message.") ? " (install messages use <message id=...>)"
                                                    : "");
      return;
    }
    id = g_strdup(id_attr);
    tc.use = row->use;
  }
  tc.id = id;

  seen = g_hash_table_lookup(p->catalog->entries, id);
  if (seen != NULL) {
    problem(p, otaux_xml_line(node), "'%s' is given twice (first at line %d)", id_attr, seen->line);
    return;
  }
  if (g_hash_table_size(p->catalog->entries) >= MAX_ENTRIES) {
    problem(p, otaux_xml_line(node), "more than %d texts in one catalog", MAX_ENTRIES);
    return;
  }

  if (!is_message && has_plural_child(node)) {
    ok = read_plurals(p, node, &tc, row, forms);
  } else {
    OtauxCatalogForm form = { .exact = -1, .category = "other" };

    ok = read_form(p, node, &tc, is_message ? OTAUX_MESSAGE_PLACEHOLDERS : row->ph, TRUE, &form);
    if (ok)
      g_array_append_val(forms, form);
  }
  if (!ok)
    return;

  entry = g_new0(OtauxCatalogEntry, 1);
  entry->line = (int)otaux_xml_line(node);
  entry->n_forms = forms->len;
  g_array_set_clear_func(forms, NULL);
  entry->forms = (OtauxCatalogForm *)(void *)g_array_free(g_steal_pointer(&forms), FALSE);
  g_hash_table_insert(p->catalog->entries, g_steal_pointer(&id), entry);
}

static void read_catalog(Parser *p, const xmlNode *root)
{
  g_autofree char *locale = NULL;
  g_autofree char *is_default = NULL;
  g_autofree char *version = NULL;

  if (!otaux_xml_is_element(root, "catalog")) {
    problem(p, otaux_xml_line(root), "the root element is <%s>, not <catalog>", root->name);
    return;
  }
  check_attributes(p, root, "locale default version");
  locale = otaux_xml_get_attr(root, "locale");
  is_default = otaux_xml_get_attr(root, "default");
  version = otaux_xml_get_attr(root, "version");
  if (locale == NULL || !otaux_locale_valid(locale)) {
    problem(p, otaux_xml_line(root),
            "<catalog> needs locale=\"ll\" or \"ll_CC\" (like \"de\", \"de_AT\"), "
            "not \"%s\"",
            locale != NULL ? locale : "");
    return;
  }
  if (is_default != NULL && !g_str_equal(is_default, "true") && !g_str_equal(is_default, "false"))
    problem(p, otaux_xml_line(root), "default=\"%s\": use \"true\" or \"false\"", is_default);
  if (version != NULL && !g_str_equal(version, "1"))
    problem(p, otaux_xml_line(root), "catalog version \"%s\" is not supported (only \"1\")",
            version);
  p->catalog->locale = g_steal_pointer(&locale);
  p->catalog->is_default = is_default != NULL && g_str_equal(is_default, "true");

  for (const xmlNode *n = root->children; n != NULL; n = n->next) {
    switch (n->type) {
      case XML_ELEMENT_NODE:
        if (n->ns != NULL)
          problem(p, otaux_xml_line(n), "<%s> has a namespace; catalogs use none", n->name);
        else if (otaux_xml_is_element(n, "string"))
          read_entry(p, n, FALSE);
        else if (otaux_xml_is_element(n, "message"))
          read_entry(p, n, TRUE);
        else
          problem(p, otaux_xml_line(n), "unknown element <%s> (expected <string> or <message>)",
                  n->name);
        break;
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE: {
        const char *c = (const char *)n->content;

        while (g_ascii_isspace(*c))
          c++;
        if (*c != '\0')
          problem(p, otaux_xml_line(n), "text outside <string> and <message>");
        break;
      }
      case XML_COMMENT_NODE:
        break;
      default:
        problem(p, otaux_xml_line(n), "unexpected XML content in <catalog>");
        break;
    }
  }
}

static OtauxCatalog *catalog_new(const char *filename)
{
  OtauxCatalog *catalog = g_new0(OtauxCatalog, 1);

  catalog->filename = g_strdup(filename);
  catalog->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
  return catalog;
}

void otaux_catalog_free(OtauxCatalog *catalog)
{
  if (catalog == NULL)
    return;
  g_free(catalog->locale);
  g_free(catalog->filename);
  g_hash_table_unref(catalog->entries);
  g_free(catalog);
}

const char *otaux_catalog_get_locale(const OtauxCatalog *catalog)
{
  return catalog != NULL ? catalog->locale : NULL;
}

guint otaux_catalog_get_size(const OtauxCatalog *catalog)
{
  return catalog != NULL ? g_hash_table_size(catalog->entries) : 0;
}

static void parse_xml(Parser *p, const char *data, gsize length)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GPtrArray) found = otaux_xml_problems_new();
  g_autoptr(GError) local = NULL;
  const xmlNode *root;

  doc = otaux_xml_parse("a catalog", p->filename, data, length, OTAUX_CATALOG_MAX_BYTES, found,
                        &local);
  if (doc == NULL) {
    const OtauxXmlProblem *first = found->pdata[0];

    /* The first error is the one to fix: later ones follow from it. */
    if (g_error_matches(local, OTAUX_XML_ERROR, OTAUX_XML_ERROR_MALFORMED))
      problem(p, first->line, "not well-formed XML: %s", first->message);
    else
      problem(p, first->line, "%s", first->message);
    return;
  }
  root = xmlDocGetRootElement(doc);
  if (root == NULL) {
    problem(p, 0, "the file has no <catalog> element");
    return;
  }
  read_catalog(p, root);
}

OtauxCatalog *otaux_catalog_parse(const char *data, gsize length, const char *filename,
                                  GPtrArray *problems, GError **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(OtauxCatalog) catalog = catalog_new(filename != NULL ? filename : "(catalog)");
  Parser p = { catalog->filename, found, catalog };

  g_return_val_if_fail(data != NULL || length == 0, NULL);
  parse_xml(&p, data != NULL ? data : "", length);
  if (found->len == 0)
    return g_steal_pointer(&catalog);

  g_set_error_literal(error, OTAUX_STRINGS_ERROR,
                      length > OTAUX_CATALOG_MAX_BYTES ? OTAUX_STRINGS_ERROR_TOO_BIG
                                                       : OTAUX_STRINGS_ERROR_INVALID,
                      found->pdata[0]);
  for (guint i = 0; problems != NULL && i < found->len; i++)
    g_ptr_array_add(problems, g_strdup(found->pdata[i]));
  return NULL;
}

OtauxCatalog *otaux_catalog_load_file(const char *path, GPtrArray *problems, GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  g_return_val_if_fail(path != NULL, NULL);
  /* Check the size before reading a file of any size into memory. */
  if (g_stat(path, &st) == 0 && st.st_size > OTAUX_CATALOG_MAX_BYTES) {
    g_autofree char *message =
        g_strdup_printf("%s: the file is larger than %d bytes", path, OTAUX_CATALOG_MAX_BYTES);

    if (problems != NULL)
      g_ptr_array_add(problems, g_strdup(message));
    g_set_error_literal(error, OTAUX_STRINGS_ERROR, OTAUX_STRINGS_ERROR_TOO_BIG, message);
    return NULL;
  }
  if (!g_file_get_contents(path, &data, &length, &local_error)) {
    if (problems != NULL)
      g_ptr_array_add(problems, g_strdup(local_error->message));
    g_propagate_error(error, g_steal_pointer(&local_error));
    return NULL;
  }
  return otaux_catalog_parse(data, length, path, problems, error);
}
