/* CLDR plural categories (integers only) and locale names, shared by the
 * catalog parser and the string lookup. */
#include "otaux-plural.h"

#include <string.h>

typedef const char *(*PluralRule)(guint64 n);

static const char *rule_one(guint64 n) /* en, de, ... */
{
  return n == 1 ? "one" : "other";
}

static const char *rule_other(guint64 n) /* ja, zh, ... */
{
  return "other";
}

static const char *rule_zero_one_many(guint64 n) /* fr, pt, es, it, ca */
{
  if (n <= 1)
    return "one";
  return n % 1000000 == 0 ? "many" : "other";
}

static const char *rule_one_many(guint64 n) /* es, it, ca: like English, plus "many" */
{
  if (n == 1)
    return "one";
  return n != 0 && n % 1000000 == 0 ? "many" : "other";
}

static const char *rule_ar(guint64 n)
{
  guint64 m = n % 100;

  if (n == 0)
    return "zero";
  if (n == 1)
    return "one";
  if (n == 2)
    return "two";
  if (m >= 3 && m <= 10)
    return "few";
  if (m >= 11)
    return "many";
  return "other";
}

static const char *rule_he(guint64 n)
{
  return n == 1 ? "one" : n == 2 ? "two" : "other";
}

static const char *rule_ru(guint64 n) /* ru, uk, be */
{
  guint64 m10 = n % 10, m100 = n % 100;

  if (m10 == 1 && m100 != 11)
    return "one";
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14))
    return "few";
  return "many";
}

static const char *rule_pl(guint64 n)
{
  guint64 m10 = n % 10, m100 = n % 100;

  if (n == 1)
    return "one";
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14))
    return "few";
  return "many";
}

static const char *rule_cs(guint64 n) /* cs, sk */
{
  return n == 1 ? "one" : n >= 2 && n <= 4 ? "few" : "other";
}

static const char *rule_hr(guint64 n) /* hr, sr, bs */
{
  guint64 m10 = n % 10, m100 = n % 100;

  if (m10 == 1 && m100 != 11)
    return "one";
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14))
    return "few";
  return "other";
}

static const char *rule_ro(guint64 n)
{
  guint64 m100 = n % 100;

  if (n == 1)
    return "one";
  return n == 0 || (m100 >= 2 && m100 <= 19) ? "few" : "other";
}

static const char *rule_lt(guint64 n)
{
  guint64 m10 = n % 10, m100 = n % 100;

  if (m100 >= 11 && m100 <= 19)
    return "other";
  if (m10 == 1)
    return "one";
  return m10 >= 2 ? "few" : "other";
}

static const char *rule_lv(guint64 n)
{
  guint64 m10 = n % 10, m100 = n % 100;

  if (m10 == 0 || (m100 >= 11 && m100 <= 19))
    return "zero";
  return m10 == 1 ? "one" : "other";
}

static const char *rule_sl(guint64 n)
{
  guint64 m100 = n % 100;

  return m100 == 1 ? "one" : m100 == 2 ? "two" : m100 == 3 || m100 == 4 ? "few" : "other";
}

static const char *rule_ga(guint64 n)
{
  if (n == 1)
    return "one";
  if (n == 2)
    return "two";
  if (n >= 3 && n <= 6)
    return "few";
  return n >= 7 && n <= 10 ? "many" : "other";
}

static const char *rule_cy(guint64 n)
{
  switch (n) {
    case 0:
      return "zero";
    case 1:
      return "one";
    case 2:
      return "two";
    case 3:
      return "few";
    case 6:
      return "many";
    default:
      return "other";
  }
}

typedef struct {
  const char *languages;  /* space-separated */
  const char *categories; /* the categories the language has (CLDR) */
  PluralRule rule;
} PluralRules;

static const PluralRules plural_rules[] = {
  { "ja zh ko vi th id ms km lo my", "other", rule_other },
  { "fr pt", "one many other", rule_zero_one_many },
  { "es it ca", "one many other", rule_one_many },
  { "ar", "zero one two few many other", rule_ar },
  { "he", "one two other", rule_he },
  { "ru uk be", "one few many other", rule_ru },
  { "pl", "one few many other", rule_pl },
  { "cs sk", "one few many other", rule_cs },
  { "hr sr bs", "one few other", rule_hr },
  { "ro", "one few other", rule_ro },
  { "lt", "one few many other", rule_lt },
  { "lv", "zero one other", rule_lv },
  { "sl", "one two few other", rule_sl },
  { "ga", "one two few many other", rule_ga },
  { "cy", "zero one two few many other", rule_cy },
};

static const PluralRules english_rules = { "en", "one other", rule_one };

gboolean otaux_plural_word_in(const char *word, gsize len, const char *words)
{
  for (const char *p = words; *p != '\0';) {
    gsize n = strcspn(p, " ");

    if (n == len && memcmp(p, word, len) == 0)
      return TRUE;
    p += n;
    while (*p == ' ')
      p++;
  }
  return FALSE;
}

static const PluralRules *rules_for(const char *language)
{
  gsize len = language != NULL ? strcspn(language, "_.@") : 0;

  for (gsize i = 0; i < G_N_ELEMENTS(plural_rules); i++)
    if (otaux_plural_word_in(language, len, plural_rules[i].languages))
      return &plural_rules[i];
  return &english_rules;
}

const char *otaux_plural_category(const char *language, guint64 n)
{
  return rules_for(language)->rule(n);
}

const char *otaux_plural_categories(const char *language)
{
  return rules_for(language)->categories;
}

const char *otaux_plural_category_lookup(const char *language, const char *name)
{
  static const char *const all[] = { "zero", "one", "two", "few", "many", "other" };

  if (name == NULL || !otaux_plural_word_in(name, strlen(name), rules_for(language)->categories))
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(all); i++)
    if (g_str_equal(all[i], name))
      return all[i];
  return NULL;
}

/* -- locales --------------------------------------------------------------- */

char *otaux_locale_normalize(const char *locale)
{
  gsize len;

  if (locale == NULL)
    return NULL;
  len = strcspn(locale, ".@");
  if (len == 0 || (len == 1 && locale[0] == 'C') || (len == 5 && strncmp(locale, "POSIX", 5) == 0))
    return NULL;
  return g_strndup(locale, len);
}

gboolean otaux_locale_valid(const char *s)
{
  gsize i = 0, n;

  while (g_ascii_islower(s[i]))
    i++;
  if (i < 2 || i > 3)
    return FALSE;
  if (s[i] == '\0')
    return TRUE;
  if (s[i++] != '_')
    return FALSE;
  for (n = 0; g_ascii_isalnum(s[i + n]); n++)
    ;
  if (s[i + n] != '\0')
    return FALSE;
  if (n == 2)
    return g_ascii_isupper(s[i]) && g_ascii_isupper(s[i + 1]);
  if (n == 3)
    return g_ascii_isdigit(s[i]) && g_ascii_isdigit(s[i + 1]) && g_ascii_isdigit(s[i + 2]);
  if (n == 4)
    return g_ascii_isupper(s[i]) && g_ascii_islower(s[i + 1]) && g_ascii_islower(s[i + 2]) &&
           g_ascii_islower(s[i + 3]);
  return FALSE;
}
