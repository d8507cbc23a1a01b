/* otaux-strings: in which words. Built-in texts by id (English, translated
 * with gettext), operator catalogs (XML per locale, layered) that override
 * them and add the operator's install messages, {placeholders} filled from
 * key/value pairs. A value is inserted literally: never read as a format or
 * as markup, never expanded again. See docs/strings.md.
 *
 * Pure library (GLib and libxml2 only). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_STRINGS_ERROR (otaux_strings_error_quark())
GQuark otaux_strings_error_quark(void);

typedef enum {
  OTAUX_STRINGS_ERROR_INVALID, /* a catalog that breaks the rules; message "file:line: ..." */
  OTAUX_STRINGS_ERROR_TOO_BIG,
} OtauxStringsError;

/* The largest catalog file read, in bytes. */
#define OTAUX_CATALOG_MAX_BYTES (1024 * 1024)

/* For otaux_strings_format_full(): the text is not about a count. */
#define OTAUX_STRINGS_NO_COUNT (-1)

typedef struct _OtauxStrings OtauxStrings;
typedef struct _OtauxCatalog OtauxCatalog;

typedef enum {
  OTAUX_TEXT_PLAIN,  /* for plain-text labels and notification summaries */
  OTAUX_TEXT_MARKUP, /* Pango / notification-body markup: values escaped, operator b/i/a kept */
} OtauxTextForm;

/* Binds the "otaux" gettext domain to $OTAUX_LOCALEDIR or the installed
 * locale dir (UTF-8). Programs call it once at start-up, after setlocale(). */
void otaux_strings_init_gettext(void);

/* The built-in texts, in the language of the process locale (gettext). */
OtauxStrings *otaux_strings_new_builtin(void);
/* Reference counted: the agent keeps a reference to what its config names.
 * otaux_strings_free() drops one reference (NULL is fine). */
OtauxStrings *otaux_strings_ref(OtauxStrings *strings);
void otaux_strings_free(OtauxStrings *strings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxStrings, otaux_strings_free)

/* The locale whose catalogs are looked up first: "de_AT" looks in de_AT,
 * then de, then the operator's default locale, then the built-in texts.
 * NULL (the default): the person's languages from the environment
 * (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). The built-in texts always follow
 * the process locale (gettext). */
void otaux_strings_set_locale(OtauxStrings *strings, const char *locale);

/* The vendor then operator catalog dirs, as installed. NULL-terminated. */
const char *const *otaux_strings_default_dirs(void);

/* Loads every *.xml catalog of each dir, dirs in order (later ones override
 * earlier ones id by id), files of a dir in name order. A missing dir is
 * fine. A bad file is skipped whole; each of its problems ("file:line:
 * message") is added to @problems, or logged as a warning when @problems is
 * NULL. Returns the number of files skipped. */
guint otaux_strings_load_dirs(OtauxStrings *strings, const char *const *dirs, GPtrArray *problems);

/* One catalog file, strictly checked. Every problem found is added to
 * @problems (may be NULL) as "file:line: message"; on any problem returns
 * NULL and sets @error to the first one. @filename is only for messages. */
OtauxCatalog *otaux_catalog_parse(const char *data, gsize length, const char *filename,
                                  GPtrArray *problems, GError **error) G_GNUC_WARN_UNUSED_RESULT;
OtauxCatalog *otaux_catalog_load_file(const char *path, GPtrArray *problems,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
void otaux_catalog_free(OtauxCatalog *catalog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxCatalog, otaux_catalog_free)
const char *otaux_catalog_get_locale(const OtauxCatalog *catalog);
guint otaux_catalog_get_size(const OtauxCatalog *catalog);

/* Adds a parsed catalog on top of those already loaded (takes it). */
void otaux_strings_add_catalog(OtauxStrings *strings, OtauxCatalog *catalog /* transfer full */);

/* The plain template for @id (with the fallback chain), or NULL when the id
 * is unknown. For a plural text, its "other" form. */
const char *otaux_strings_lookup(const OtauxStrings *strings, const char *id);

/* TRUE when @id is a built-in id (or an operator message "message.X" that
 * some loaded catalog has). */
gboolean otaux_strings_has(const OtauxStrings *strings, const char *id);

/* Fills {key} placeholders in @template from @kv, a NULL-terminated list of
 * key, value, key, value... An unknown placeholder is left as it is.
 * "{{" gives a literal "{". Never returns NULL. */
char *otaux_strings_fill(const char *template_, const char *const *kv);

/* lookup + fill, plain text; an unknown id yields the id itself, so a gap
 * is visible. */
char *otaux_strings_format(const OtauxStrings *strings, const char *id, const char *const *kv);

/* The same for a count: picks the plural form for @n (gettext ngettext for
 * built-in texts, the catalog's forms for operator texts) and fills {n}
 * with @n unless @kv gives it. */
char *otaux_strings_format_plural(const OtauxStrings *strings, const char *id, gint64 n,
                                  const char *const *kv);

/* The general form: @n is a count or OTAUX_STRINGS_NO_COUNT. In the markup
 * form every value of @kv is escaped and only operator markup (b, i, a) is
 * kept, so the result is safe for gtk_label_set_markup() and notification
 * bodies. */
char *otaux_strings_format_full(const OtauxStrings *strings, const char *id, gint64 n,
                                const char *const *kv, OtauxTextForm form);

/* Escapes text for markup (&, <, >, ', "). Never NULL. */
char *otaux_markup_escape(const char *text);

/* A text that holds right-to-left letters (Arabic, Hebrew...) gets a
 * leading RIGHT-TO-LEFT MARK, so that a notification server lays it out
 * right to left even when it starts with a Latin name ("Contoso Phone OS
 * ..."): renderers take a paragraph's direction from its first letter.
 * Any other text is returned as it is. Never NULL for a non-NULL @text. */
char *otaux_strings_bidi_mark(const char *text);

/* The plain-words text for a FUMO result code (200...599), telling the
 * person what happened and what to do next. Never NULL. */
char *otaux_strings_result_text(const OtauxStrings *strings, guint result);
/* The string id used for @result ("result.503", "result.client-vendor"...). */
const char *otaux_strings_result_id(guint result);
/* The same, with {code} and {operator} filled and in the given form. */
char *otaux_strings_result_text_full(const OtauxStrings *strings, guint result, OtauxTextForm form);

/* A FUMO state (10...100, Verizon 110...190) in plain words. Never NULL. */
char *otaux_strings_state_text(const OtauxStrings *strings, guint state);

/* A byte count for people: "12.3 MB" ("12,3 Mo" in French), built-in
 * texts and the decimal point of the locale. */
char *otaux_strings_format_size(guint64 bytes);
/* The same, honouring catalog overrides of the size.* ids. */
char *otaux_strings_format_size_full(const OtauxStrings *strings, guint64 bytes);

/* "45 seconds", "5 minutes", "2 hours", "3 days": rounded to the largest
 * unit that fits, with the plural rules of the language. */
char *otaux_strings_format_duration(const OtauxStrings *strings, gint64 seconds);
/* The largest count of seconds below @seconds that
 * otaux_strings_format_duration() words differently (a countdown's next
 * change), or -1 when there is none (@seconds <= 0). */
gint64 otaux_strings_duration_next_change(gint64 seconds);

/* @when as a time of day ("22:00") when it is on the same local day as
 * @now, else with the short date ("Tue 17 Mar 22:00"), for lines that are
 * not sentences (sentences use otaux_strings_format_when()); formats from the ids format.time and
 * format.date-time (so they follow the language and the operator). */
char *otaux_strings_format_time(const OtauxStrings *strings, gint64 when, gint64 now);

/* @when as a time of day in the format of @id ("format.time",
 * "format.date", "format.date-time"), with the language's digits and
 * no-break spaces. */
char *otaux_strings_format_clock(const OtauxStrings *strings, gint64 when, const char *id);

/* {when}: "at 22:00" today, "tomorrow at 07:00", "on Tuesday 17 March at
 * 22:00" (when.today, when.tomorrow, when.other-day), by the local day of
 * @when seen from @now. */
char *otaux_strings_format_when(const OtauxStrings *strings, gint64 when, gint64 now);

/* {by}: a limit, "by 22:00", "by 07:00 tomorrow", "by 22:00 on Tuesday 17
 * March" (by.today, by.tomorrow, by.other-day), chosen as for {when}. */
char *otaux_strings_format_by(const OtauxStrings *strings, gint64 when, gint64 now);

/* Local calendar days from @now to @when (0 today, 1 tomorrow...). */
gint otaux_strings_days_between(gint64 now, gint64 when);

/* @text with its ASCII digits in the language's digits (format.digits). */
char *otaux_strings_localize_digits(const OtauxStrings *strings, const char *text);

/* Drops the spaces an empty value leaves (doubled, leading, trailing, before
 * "." "," ")" "?" "!" or a no-break space). Works in place on @text (transfer full) and returns it.
 */
char *otaux_strings_tidy(char *text);

/* The catalog file that gives @id for the current locale chain, or NULL
 * when the built-in text is used (for otauxctl strings). */
const char *otaux_strings_source(const OtauxStrings *strings, const char *id);

/* The ids of every operator install message loaded ("welcome", not
 * "message.welcome"), sorted. Free with g_strfreev(). */
char **otaux_strings_message_ids(const OtauxStrings *strings);

/* Every built-in id, in table order (for docs and tests). NULL-terminated;
 * free the array only (g_free). */
const char **otaux_strings_builtin_ids(void);

/* One code of each result text: the first of each range of the FUMO table
 * (the one source), then a code that no range holds (result.unknown).
 * 0-terminated; free with g_free(). */
guint *otaux_strings_result_samples(void);

/* The pop-up's own words (ui/prompter) as gettext msgids, NULL-terminated,
 * and one of them in the current language. For review tools. */
const char *const *otaux_strings_prompter_words(void);
const char *otaux_strings_translate(const char *msgid);

G_END_DECLS
