/* otaux-strings: built-in texts (gettext), operator catalogs with their
 * fallback chain, placeholder filling in plain and markup form.
 *
 * A text, built-in or from a catalog, is held as a template in two forms:
 * plain (what a GtkLabel shows with set_text) and markup (escaped text
 * plus the operator's allowed b/i/a tags). Values are filled in after the
 * template is made, escaped for the markup form, so nothing a value holds
 * is ever read as a tag, an entity, a format or another placeholder. */
#include "otaux-strings.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "otaux-builtin.h"
#include "otaux-catalog-private.h"
#include "otaux-plural.h"

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-strings-error-quark, otaux_strings_error)
// clang-format on

struct _OtauxStrings {
  gatomicrefcount ref_count;
  GPtrArray *catalogs;  /* of OtauxCatalog, in load order (later wins) */
  char *locale;         /* set_locale(), or NULL for the environment */
  char *default_locale; /* the operator's default locale, or NULL */
};

static gint compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void otaux_strings_init_gettext(void)
{
  const char *dir = g_getenv("OTAUX_LOCALEDIR");

  /* Tests point OTAUX_LOCALEDIR at the build's po/ folder. */
  bindtextdomain(GETTEXT_PACKAGE, dir != NULL && dir[0] != '\0' ? dir : OTAUX_LOCALEDIR);
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
}

OtauxStrings *otaux_strings_new_builtin(void)
{
  OtauxStrings *strings = g_new0(OtauxStrings, 1);

  g_atomic_ref_count_init(&strings->ref_count);
  strings->catalogs = g_ptr_array_new_with_free_func((GDestroyNotify)otaux_catalog_free);
  return strings;
}

OtauxStrings *otaux_strings_ref(OtauxStrings *strings)
{
  g_return_val_if_fail(strings != NULL, NULL);
  g_atomic_ref_count_inc(&strings->ref_count);
  return strings;
}

void otaux_strings_free(OtauxStrings *strings)
{
  if (strings == NULL || !g_atomic_ref_count_dec(&strings->ref_count))
    return;
  g_ptr_array_unref(strings->catalogs);
  g_free(strings->locale);
  g_free(strings->default_locale);
  g_free(strings);
}

const char **otaux_strings_builtin_ids(void)
{
  const char **ids = g_new0(const char *, otaux_n_builtin_texts + 1);

  for (gsize i = 0; i < otaux_n_builtin_texts; i++)
    ids[i] = otaux_builtin_texts[i].id;
  return ids;
}

guint *otaux_strings_result_samples(void)
{
  guint *codes = g_new0(guint, otaux_n_result_codes + 2);
  guint unknown = 100;

  for (gsize i = 0; i < otaux_n_result_codes; i++)
    codes[i] = otaux_result_codes[i].first;
  while (strcmp(otaux_strings_result_id(unknown), "result.unknown") != 0)
    unknown++;
  codes[otaux_n_result_codes] = unknown;
  return codes;
}

const char *const *otaux_strings_prompter_words(void)
{
  return otaux_prompter_words;
}

const char *otaux_strings_translate(const char *msgid)
{
  return g_dgettext(GETTEXT_PACKAGE, msgid);
}

const OtauxBuiltinText *otaux_builtin_lookup(const char *id)
{
  static GHashTable *table; /* built once; read-only after */

  if (g_once_init_enter(&table)) {
    GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);

    for (gsize i = 0; i < otaux_n_builtin_texts; i++)
      g_hash_table_insert(t, (gpointer)otaux_builtin_texts[i].id,
                          (gpointer)&otaux_builtin_texts[i]);
    g_once_init_leave(&table, t);
  }
  return id != NULL ? g_hash_table_lookup(table, id) : NULL;
}

void otaux_strings_set_locale(OtauxStrings *strings, const char *locale)
{
  g_return_if_fail(strings != NULL);
  g_free(strings->locale);
  strings->locale = otaux_locale_normalize(locale);
}

void otaux_strings_add_catalog(OtauxStrings *strings, OtauxCatalog *catalog)
{
  g_return_if_fail(strings != NULL && catalog != NULL);
  if (catalog->is_default) {
    g_free(strings->default_locale);
    strings->default_locale = g_strdup(catalog->locale);
  }
  g_ptr_array_add(strings->catalogs, catalog);
}

static void chain_add(GPtrArray *chain, const char *locale)
{
  char *norm = otaux_locale_normalize(locale);

  if (norm == NULL)
    return;
  if (g_ptr_array_find_with_equal_func(chain, norm, g_str_equal, NULL)) {
    g_free(norm);
    return;
  }
  g_ptr_array_add(chain, norm);
  /* de_AT is followed by de */
  if (strchr(norm, '_') != NULL) {
    g_autofree char *lang = g_strndup(norm, strcspn(norm, "_"));

    chain_add(chain, lang);
  }
}

/* The locales to look in, most specific first; the built-in texts come after. */
static GPtrArray *locale_chain(const OtauxStrings *strings)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func(g_free);

  if (strings->locale != NULL) {
    chain_add(chain, strings->locale);
  } else {
    const char *const *names = g_get_language_names();

    for (gsize i = 0; names[i] != NULL; i++)
      chain_add(chain, names[i]);
  }
  if (strings->default_locale != NULL)
    chain_add(chain, strings->default_locale);
  return chain;
}

/* The catalog entry for @id along the chain, or NULL for the built-in one. */
static const OtauxCatalogEntry *find_entry(const OtauxStrings *strings, const char *id,
                                           const char **out_locale)
{
  g_autoptr(GPtrArray) chain = NULL;

  if (strings->catalogs->len == 0)
    return NULL;
  chain = locale_chain(strings);
  for (guint c = 0; c < chain->len; c++) {
    const char *locale = chain->pdata[c];

    for (guint i = strings->catalogs->len; i-- > 0;) {
      const OtauxCatalog *catalog = strings->catalogs->pdata[i];
      const OtauxCatalogEntry *entry;

      if (!g_str_equal(catalog->locale, locale))
        continue;
      entry = g_hash_table_lookup(catalog->entries, id);
      if (entry != NULL) {
        if (out_locale != NULL)
          *out_locale = catalog->locale;
        return entry;
      }
    }
  }
  return NULL;
}

static const OtauxCatalogForm *entry_form(const OtauxCatalogEntry *entry, const char *locale,
                                          gint64 n)
{
  const char *category;
  const OtauxCatalogForm *other = NULL;

  if (n < 0)
    category = "other";
  else
    category = otaux_plural_category(locale, (guint64)n);
  /* An exact number wins over a category. */
  for (guint i = 0; n >= 0 && i < entry->n_forms; i++)
    if (entry->forms[i].exact == n)
      return &entry->forms[i];
  for (guint i = 0; i < entry->n_forms; i++) {
    const OtauxCatalogForm *form = &entry->forms[i];

    if (form->exact >= 0)
      continue;
    if (g_str_equal(form->category, category))
      return form;
    if (g_str_equal(form->category, "other"))
      other = form;
  }
  return other;
}

static const char *builtin_text(const OtauxBuiltinText *row, gint64 n)
{
  if (row->plural != NULL)
    /* No count: a form for a typical count. */
    return g_dngettext(GETTEXT_PACKAGE, row->text, row->plural, n >= 0 ? (gulong)n : 5);
  return g_dgettext(GETTEXT_PACKAGE, row->text);
}

const char *otaux_strings_lookup(const OtauxStrings *strings, const char *id)
{
  const OtauxBuiltinText *row;
  const OtauxCatalogEntry *entry;
  const char *locale = NULL;

  g_return_val_if_fail(strings != NULL, NULL);
  if (id == NULL)
    return NULL;
  entry = find_entry(strings, id, &locale);
  if (entry != NULL)
    return entry_form(entry, locale, OTAUX_STRINGS_NO_COUNT)->plain;
  row = otaux_builtin_lookup(id);
  return row != NULL ? builtin_text(row, OTAUX_STRINGS_NO_COUNT) : NULL;
}

const char *otaux_strings_source(const OtauxStrings *strings, const char *id)
{
  const char *locale = NULL;

  g_return_val_if_fail(strings != NULL, NULL);
  if (id == NULL || find_entry(strings, id, &locale) == NULL)
    return NULL;
  /* find_entry() took the last catalog of that locale with the id */
  for (guint i = strings->catalogs->len; i-- > 0;) {
    const OtauxCatalog *catalog = strings->catalogs->pdata[i];

    if (g_str_equal(catalog->locale, locale) && g_hash_table_contains(catalog->entries, id))
      return catalog->filename;
  }
  return NULL;
}

char **otaux_strings_message_ids(const OtauxStrings *strings)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  GPtrArray *ids = g_ptr_array_new();

  g_return_val_if_fail(strings != NULL, g_new0(char *, 1));
  for (guint i = 0; i < strings->catalogs->len; i++) {
    const OtauxCatalog *catalog = strings->catalogs->pdata[i];
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, catalog->entries);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
      const char *id = key;

      if (g_str_has_prefix(id, "message.") && g_hash_table_add(seen, (gpointer)id))
        g_ptr_array_add(ids, g_strdup(id + strlen("message.")));
    }
  }
  g_ptr_array_sort(ids, compare_names);
  g_ptr_array_add(ids, NULL);
  return (char **)g_ptr_array_free(ids, FALSE);
}

gboolean otaux_strings_has(const OtauxStrings *strings, const char *id)
{
  return otaux_strings_lookup(strings, id) != NULL;
}

static gboolean is_key_char(char c)
{
  return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
}

static const char *kv_lookup(const char *const *kv, const char *key, gsize key_len)
{
  if (kv == NULL)
    return NULL;
  for (gsize i = 0; kv[i] != NULL && kv[i + 1] != NULL; i += 2) {
    if (strlen(kv[i]) == key_len && memcmp(kv[i], key, key_len) == 0)
      return kv[i + 1];
  }
  return NULL;
}

gsize otaux_placeholder_scan(const char *p, const char **key)
{
  gsize len = 0;

  if (p[0] != '{' || p[1] == '{')
    return 0;
  while (is_key_char(p[1 + len]))
    len++;
  if (len == 0 || p[1 + len] != '}')
    return 0;
  *key = p + 1;
  return len;
}

char *otaux_strings_fill(const char *template_, const char *const *kv)
{
  GString *out;
  const char *p;

  if (template_ == NULL)
    return g_strdup("");

  out = g_string_sized_new(strlen(template_) + 32);
  p = template_;
  while (*p != '\0') {
    const char *key = NULL;
    const char *value = NULL;
    gsize len;

    if (*p != '{') {
      g_string_append_c(out, *p++);
      continue;
    }
    if (p[1] == '{') {
      g_string_append_c(out, '{');
      p += 2;
      continue;
    }
    len = otaux_placeholder_scan(p, &key);
    if (len > 0)
      value = kv_lookup(kv, key, len);
    if (value == NULL) {
      /* Not a placeholder we know: keep the brace, scan on after it. */
      g_string_append_c(out, *p++);
      continue;
    }
    /* Inserted literally; the scan continues after the placeholder, so a
     * value is never expanded again. */
    g_string_append(out, value);
    p = key + len + 1;
  }
  return g_string_free(out, FALSE);
}

/* Characters that may not appear in XML 1.0 (a markup parser rejects the
 * whole text for one): C0 controls but tab and newline, DEL, U+FFFE/F. */
static gboolean markup_char_ok(gunichar c)
{
  if (c < 0x20)
    return c == '\t' || c == '\n';
  return c != 0x7f && c != 0xfffe && c != 0xffff;
}

static gboolean is_rtl_letter(gunichar c)
{
  GUnicodeScript script = g_unichar_get_script(c);

  return script == G_UNICODE_SCRIPT_ARABIC || script == G_UNICODE_SCRIPT_HEBREW ||
         script == G_UNICODE_SCRIPT_SYRIAC || script == G_UNICODE_SCRIPT_THAANA ||
         script == G_UNICODE_SCRIPT_NKO;
}

char *otaux_strings_bidi_mark(const char *text)
{
  if (text == NULL)
    return NULL;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p))
    if (is_rtl_letter(g_utf8_get_char(p)))
      return g_str_has_prefix(text, "\u200F") ? g_strdup(text) : g_strconcat("\u200F", text, NULL);
  return g_strdup(text);
}

char *otaux_markup_escape(const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup("");
  valid = g_utf8_make_valid(text, -1);
  out = g_string_sized_new(strlen(valid) + 16);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);

    /* Only what is special in element content: ' and " stay, since some
     * notification servers show &#39; literally. */
    if (c == '&')
      g_string_append(out, "&amp;");
    else if (c == '<')
      g_string_append(out, "&lt;");
    else if (c == '>')
      g_string_append(out, "&gt;");
    else if (!markup_char_ok(c))
      g_string_append_unichar(out, 0xfffd);
    else
      g_string_append_len(out, p, g_utf8_next_char(p) - p);
  }
  return g_string_free(out, FALSE);
}

static gsize kv_length(const char *const *kv)
{
  gsize n = 0;

  while (kv != NULL && kv[n] != NULL && kv[n + 1] != NULL)
    n += 2;
  return n;
}

char *otaux_strings_tidy(char *text)
{
  char *out = text;
  const char *in = text;
  gboolean space = FALSE;

  if (text == NULL)
    return NULL;
  /* An empty value ({version}) must not leave "Name  is", "Name ." or
   * "Name \u00a0?" behind. */
  for (; *in != '\0'; in++) {
    if (*in == ' ') {
      space = TRUE;
      continue;
    }
    if (space && out != text && !strchr(".,)?!", *in) && !g_str_has_prefix(in, "\u00a0") &&
        !g_str_has_prefix(in, "\u202f"))
      *out++ = ' ';
    space = FALSE;
    *out++ = *in;
  }
  *out = '\0';
  return text;
}

/* The language's digits (format.digits): 10 glyphs, maybe an 11th for the
 * decimal separator. Returns how many (0: Western digits, nothing to do). */
static guint digit_glyphs(const OtauxStrings *strings, const char *glyph[11])
{
  const char *digits = strings != NULL ? otaux_strings_lookup(strings, "format.digits") : NULL;
  glong n;

  if (digits == NULL || g_str_has_prefix(digits, "0123456789") ||
      !g_utf8_validate(digits, -1, NULL))
    return 0;
  n = g_utf8_strlen(digits, -1);
  if (n != 10 && n != 11)
    return 0;
  for (glong i = 0; i < n; i++) {
    glyph[i] = digits;
    digits = g_utf8_next_char(digits);
  }
  return (guint)n;
}

static void append_glyph(GString *out, const char *glyph)
{
  g_string_append_len(out, glyph, g_utf8_next_char(glyph) - glyph);
}

char *otaux_strings_localize_digits(const OtauxStrings *strings, const char *text)
{
  const char *glyph[11];
  GString *out;

  if (text == NULL)
    return g_strdup("");
  if (digit_glyphs(strings, glyph) == 0)
    return g_strdup(text);
  out = g_string_sized_new(strlen(text) * 2);
  for (const char *p = text; *p != '\0'; p++) {
    if (g_ascii_isdigit(*p))
      append_glyph(out, glyph[*p - '0']);
    else
      g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}

static const char *const numeric_keys[] = { "n", "hours", "minutes", "percent", "code", NULL };

char *otaux_strings_format_full(const OtauxStrings *strings, const char *id, gint64 n,
                                const char *const *kv, OtauxTextForm form)
{
  const OtauxCatalogEntry *entry;
  const char *locale = NULL;
  g_autofree char *escaped_template = NULL;
  const char *template_ = NULL;
  gsize len = kv_length(kv);
  g_autofree const char **all = g_new0(const char *, len + 3);
  g_autoptr(GPtrArray) escaped = g_ptr_array_new_with_free_func(g_free);
  char num[32];

  g_return_val_if_fail(strings != NULL, g_strdup(""));
  if (id == NULL)
    return g_strdup("");

  entry = find_entry(strings, id, &locale);
  if (entry != NULL) {
    const OtauxCatalogForm *f = entry_form(entry, locale, n);

    template_ = form == OTAUX_TEXT_MARKUP ? f->markup : f->plain;
  } else {
    const OtauxBuiltinText *row = otaux_builtin_lookup(id);

    if (row == NULL) {
      /* A gap shows as its id. */
      return form == OTAUX_TEXT_MARKUP ? otaux_markup_escape(id) : g_strdup(id);
    }
    template_ = builtin_text(row, n);
    if (form == OTAUX_TEXT_MARKUP)
      template_ = escaped_template = otaux_markup_escape(template_);
  }

  /* {n} is the count unless the caller names it. */
  if (len > 0)
    memcpy(all, kv, len * sizeof *all);
  if (n >= 0) {
    g_snprintf(num, sizeof num, "%" G_GINT64_FORMAT, n);
    all[len++] = "n";
    all[len++] = num;
  }
  /* Counts are written with the language's digits (format.digits). */
  for (gsize i = 0; i + 1 < len; i += 2) {
    if (g_strv_contains(numeric_keys, all[i])) {
      char *d = otaux_strings_localize_digits(strings, all[i + 1]);

      g_ptr_array_add(escaped, d);
      all[i + 1] = d;
    }
  }
  if (form == OTAUX_TEXT_MARKUP) {
    for (gsize i = 1; i < len; i += 2) {
      char *e = otaux_markup_escape(all[i]);

      g_ptr_array_add(escaped, e);
      all[i] = e;
    }
  }
  return otaux_strings_tidy(otaux_strings_fill(template_, all));
}

char *otaux_strings_format(const OtauxStrings *strings, const char *id, const char *const *kv)
{
  return otaux_strings_format_full(strings, id, OTAUX_STRINGS_NO_COUNT, kv, OTAUX_TEXT_PLAIN);
}

char *otaux_strings_format_plural(const OtauxStrings *strings, const char *id, gint64 n,
                                  const char *const *kv)
{
  return otaux_strings_format_full(strings, id, MAX(n, 0), kv, OTAUX_TEXT_PLAIN);
}

const char *otaux_strings_result_id(guint result)
{
  for (gsize i = 0; i < otaux_n_result_codes; i++)
    if (result >= otaux_result_codes[i].first && result <= otaux_result_codes[i].last)
      return otaux_result_codes[i].id;
  return "result.unknown";
}

char *otaux_strings_result_text_full(const OtauxStrings *strings, guint result, OtauxTextForm form)
{
  char code[16];
  g_autofree char *operator_ = otaux_strings_format(strings, "operator.name", NULL);
  const char *kv[] = { "code", code, "operator", operator_, NULL };

  g_snprintf(code, sizeof code, "%u", result);
  return otaux_strings_format_full(strings, otaux_strings_result_id(result), OTAUX_STRINGS_NO_COUNT,
                                   kv, form);
}

char *otaux_strings_result_text(const OtauxStrings *strings, guint result)
{
  return otaux_strings_result_text_full(strings, result, OTAUX_TEXT_PLAIN);
}

char *otaux_strings_state_text(const OtauxStrings *strings, guint state)
{
  char code[16];
  char id[32];
  const char *kv[] = { "code", code, NULL };

  g_snprintf(code, sizeof code, "%u", state);
  g_snprintf(id, sizeof id, "state.%u", state);
  if (state % 10 != 0 || otaux_builtin_lookup(id) == NULL)
    g_strlcpy(id, "state.unknown", sizeof id);
  return otaux_strings_format(strings, id, kv);
}

static char *format_size(const OtauxStrings *strings, guint64 bytes)
{
  static const char *const units[] = { "size.kB", "size.MB", "size.GB",
                                       "size.TB", "size.PB", "size.EB" };
  guint64 factor = 1000;

  if (bytes < 1000)
    return otaux_strings_format_plural(strings, "size.bytes", (gint64)bytes, NULL);

  /* Integer arithmetic (no float rounding), the locale's decimal point. */
  for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
    guint64 tenth = factor / 10;
    guint64 tenths = bytes / tenth + ((bytes % tenth) >= tenth / 2 ? 1 : 0);

    if (tenths < 10000 || i + 1 == G_N_ELEMENTS(units)) {
      const char *glyph[11];
      const char *point = localeconv()->decimal_point;
      g_autofree char *own_point = NULL;
      g_autofree char *num = NULL;

      /* the language's own decimal separator, with its own digits */
      if (digit_glyphs(strings, glyph) == 11)
        point = own_point = g_strndup(glyph[10], g_utf8_next_char(glyph[10]) - glyph[10]);
      num = g_strdup_printf("%" G_GUINT64_FORMAT "%s%u", tenths / 10,
                            point != NULL && point[0] != '\0' ? point : ".", (guint)(tenths % 10));
      const char *kv[] = { "n", num, NULL };

      return otaux_strings_format(strings, units[i], kv);
    }
    factor *= 1000;
  }
  g_assert_not_reached();
}

char *otaux_strings_format_size_full(const OtauxStrings *strings, guint64 bytes)
{
  g_return_val_if_fail(strings != NULL, g_strdup(""));
  return format_size(strings, bytes);
}

char *otaux_strings_format_size(guint64 bytes)
{
  g_autoptr(OtauxStrings) builtin = otaux_strings_new_builtin();

  return format_size(builtin, bytes);
}

/* Each unit from the largest that fits: the count is rounded to the
 * nearest whole unit (seconds are exact). */
static const struct {
  gint64 size;
  const char *id;
} duration_units[] = {
  { 86400, "unit.days" },
  { 3600, "unit.hours" },
  { 60, "unit.minutes" },
  { 1, "unit.seconds" },
};

static guint duration_unit(gint64 seconds)
{
  guint u = 0;

  while (u + 1 < G_N_ELEMENTS(duration_units) && seconds < duration_units[u].size)
    u++;
  return u;
}

char *otaux_strings_format_duration(const OtauxStrings *strings, gint64 seconds)
{
  gint64 s = MAX(seconds, 0);
  guint u = duration_unit(s);
  gint64 size = duration_units[u].size;

  return otaux_strings_format_plural(strings, duration_units[u].id, (s + size / 2) / size, NULL);
}

gint64 otaux_strings_duration_next_change(gint64 seconds)
{
  guint u;
  gint64 size, n;

  if (seconds <= 0)
    return -1;
  u = duration_unit(seconds);
  size = duration_units[u].size;
  n = (seconds + size / 2) / size;
  /* Below n - 1/2 units the count drops; below one unit the unit does. */
  return MAX(n * size - size / 2 - 1, size - 1);
}

/* @dt in the format of @id, with the language's digits, and its spaces
 * no-break ones (a date is never split across lines). */
static char *format_date_time(const OtauxStrings *strings, GDateTime *dt, const char *id)
{
  g_autofree char *out = g_date_time_format(dt, otaux_strings_lookup(strings, id));
  g_autoptr(GString) glued = NULL;
  g_autofree char *digits = NULL;

  if (out == NULL) /* a translation with a bad format: the English one */
    out = g_date_time_format(dt, otaux_builtin_lookup(id)->text);
  if (out == NULL)
    return g_strdup("");
  glued = g_string_new(out);
  g_string_replace(glued, " ", "\u00a0", 0);
  digits = otaux_strings_localize_digits(strings, glued->str);
  return g_steal_pointer(&digits);
}

char *otaux_strings_format_clock(const OtauxStrings *strings, gint64 when, const char *id)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(when);

  g_return_val_if_fail(strings != NULL && id != NULL, g_strdup(""));
  if (dt == NULL || otaux_builtin_lookup(id) == NULL)
    return g_strdup("");
  return format_date_time(strings, dt, id);
}

gint otaux_strings_days_between(gint64 now, gint64 when)
{
  g_autoptr(GDateTime) a = g_date_time_new_from_unix_local(now);
  g_autoptr(GDateTime) b = g_date_time_new_from_unix_local(when);
  GDate da, db;

  if (a == NULL || b == NULL)
    return 0;
  g_date_clear(&da, 1);
  g_date_clear(&db, 1);
  g_date_set_dmy(&da, g_date_time_get_day_of_month(a), g_date_time_get_month(a),
                 g_date_time_get_year(a));
  g_date_set_dmy(&db, g_date_time_get_day_of_month(b), g_date_time_get_month(b),
                 g_date_time_get_year(b));
  return g_date_days_between(&da, &db);
}

/* PREFIX.today, .tomorrow or .other-day; the hour is the count, for the
 * languages whose words follow it (Spanish "a la 01:30", "a las 22:00"). */
static char *format_day_time(const OtauxStrings *strings, gint64 when, gint64 now,
                             const char *prefix)
{
  g_autofree char *time = otaux_strings_format_clock(strings, when, "format.time");
  g_autofree char *date = otaux_strings_format_clock(strings, when, "format.date");
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(when);
  const char *kv[] = { "time", time, "date", date, NULL };
  gint days = otaux_strings_days_between(now, when);
  g_autofree char *id = g_strconcat(prefix,
                                    days == 0   ? ".today"
                                    : days == 1 ? ".tomorrow"
                                                : ".other-day",
                                    NULL);

  return otaux_strings_format_plural(strings, id, dt != NULL ? g_date_time_get_hour(dt) : 0, kv);
}

char *otaux_strings_format_when(const OtauxStrings *strings, gint64 when, gint64 now)
{
  g_return_val_if_fail(strings != NULL, g_strdup(""));
  return format_day_time(strings, when, now, "when");
}

char *otaux_strings_format_by(const OtauxStrings *strings, gint64 when, gint64 now)
{
  g_return_val_if_fail(strings != NULL, g_strdup(""));
  return format_day_time(strings, when, now, "by");
}

char *otaux_strings_format_time(const OtauxStrings *strings, gint64 when, gint64 now)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(when);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local(now);
  const char *id;

  if (dt == NULL || today == NULL)
    return g_strdup("");
  /* Within the same day the time is enough; later days need the date. */
  if (g_date_time_get_year(dt) == g_date_time_get_year(today) &&
      g_date_time_get_day_of_year(dt) == g_date_time_get_day_of_year(today))
    id = "format.time";
  else
    id = "format.date-time";
  return format_date_time(strings, dt, id);
}

const char *const *otaux_strings_default_dirs(void)
{
  static const char *const dirs[] = { OTAUX_STRINGS_VENDOR_DIR, OTAUX_STRINGS_OPERATOR_DIR, NULL };

  return dirs;
}

static void report(GPtrArray *problems, GPtrArray *found)
{
  for (guint i = 0; i < found->len; i++) {
    if (problems != NULL)
      g_ptr_array_add(problems, g_strdup(found->pdata[i]));
    else
      g_warning("%s", (const char *)found->pdata[i]);
  }
}

guint otaux_strings_load_dirs(OtauxStrings *strings, const char *const *dirs, GPtrArray *problems)
{
  guint skipped = 0;

  g_return_val_if_fail(strings != NULL, 0);
  for (gsize d = 0; dirs != NULL && dirs[d] != NULL; d++) {
    g_autoptr(GDir) dir = g_dir_open(dirs[d], 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (dir == NULL)
      continue; /* no such layer */
    while ((name = g_dir_read_name(dir)) != NULL)
      if (name[0] != '.' && g_str_has_suffix(name, ".xml"))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);

    for (guint i = 0; i < names->len; i++) {
      g_autofree char *path = g_build_filename(dirs[d], names->pdata[i], NULL);
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
      g_autoptr(GError) error = NULL;
      OtauxCatalog *catalog = otaux_catalog_load_file(path, found, &error);

      if (catalog == NULL) {
        /* The layer below stays in force for every id of this file. */
        if (found->len == 0)
          g_ptr_array_add(found, g_strdup(error->message));
        report(problems, found);
        skipped++;
        continue;
      }
      g_debug("Loaded %u texts for %s from %s", otaux_catalog_get_size(catalog), catalog->locale,
              path);
      otaux_strings_add_catalog(strings, catalog);
    }
  }
  return skipped;
}
