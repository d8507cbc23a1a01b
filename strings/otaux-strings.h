/* otaux-strings: in which words. Built-in English texts by id, with
 * {placeholders} filled from key/value pairs. A value is inserted
 * literally: never read as a format, never expanded again.
 *
 * Pure library (GLib only). Operator catalogs load into the same type. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _OtauxStrings OtauxStrings;

OtauxStrings *otaux_strings_new_builtin(void);
void otaux_strings_free(OtauxStrings *strings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxStrings, otaux_strings_free)

/* The template for @id, or NULL when the id is unknown. */
const char *otaux_strings_lookup(const OtauxStrings *strings, const char *id);

/* Fills {key} placeholders in @template from @kv, a NULL-terminated list of
 * key, value, key, value... An unknown placeholder is left as it is.
 * "{{" gives a literal "{". Never returns NULL. */
char *otaux_strings_fill(const char *template_, const char *const *kv);

/* lookup + fill; an unknown id yields the id itself, so a gap is visible. */
char *otaux_strings_format(const OtauxStrings *strings, const char *id, const char *const *kv);

/* The plain-words text for a FUMO result code (200...599), telling the
 * person what happened and what to do next. Never NULL. */
char *otaux_strings_result_text(const OtauxStrings *strings, guint result);

/* A byte count for people: "12.3 MB". */
char *otaux_strings_format_size(guint64 bytes);

G_END_DECLS
