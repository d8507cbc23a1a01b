/* CLDR plural categories and locale names: pure functions on strings. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CLDR plural category ("zero", "one", "two", "few", "many", "other") of
 * the integer @n in @language ("de", "ar", "pt_BR"...; unknown languages
 * follow English). */
const char *otaux_plural_category(const char *language, guint64 n);
/* Whether @word (@len bytes) is one of the space-separated @words: the form
 * of the category and language lists, and of the catalog's allowed attributes. */
gboolean otaux_plural_word_in(const char *word, gsize len, const char *words);

/* The categories @language uses, space-separated ("one few many other"). */
const char *otaux_plural_categories(const char *language);

/* @name as a static string when @language uses that category, else NULL. */
const char *otaux_plural_category_lookup(const char *language, const char *name);

/* "de_AT.UTF-8@euro" -> "de_AT"; NULL for NULL, "", "C" and "POSIX". */
char *otaux_locale_normalize(const char *locale);

/* A catalog's locale name: "de", "de_AT", "es_419", "zh_Hant". */
gboolean otaux_locale_valid(const char *locale);

G_END_DECLS
