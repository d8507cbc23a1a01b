/* The built-in texts: one table, the place gettext extracts from (see
 * po/POTFILES.in) and the list of ids an operator catalog may override.
 * Private to strings/. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a text appears decides what it may hold: only body texts may carry
 * operator markup (b, i, a); values are inserted into other texts. */
typedef enum {
  OTAUX_USE_TITLE,  /* a prompt title / notification summary: plain */
  OTAUX_USE_BODY,   /* a body, warning, message or result text: markup allowed */
  OTAUX_USE_LABEL,  /* a button or menu label: plain */
  OTAUX_USE_VALUE,  /* a value put into other texts ({duration}, {size}...): plain */
  OTAUX_USE_FORMAT, /* a g_date_time_format() format: no placeholders */
} OtauxTextUse;

typedef struct {
  const char *id;
  const char *text;   /* the English text (gettext msgid); the singular of a plural */
  const char *plural; /* the English plural (msgid_plural), or NULL */
  const char *ph;     /* placeholders it may use, space-separated; "name!" must be used */
  OtauxTextUse use;
} OtauxBuiltinText;

extern const OtauxBuiltinText otaux_builtin_texts[];
extern const gsize otaux_n_builtin_texts;

/* The FUMO result codes (OMA DM FUMO 1.0, domain.md 2.3): each range, its
 * name in the standard, and the text the person reads. The one source of
 * otaux_strings_result_id() and of the tables in docs/dbus-api.md
 * (Finish) and docs/strings.md (tools/strings-docs.py writes them). */
typedef struct {
  guint first, last;
  const char *fumo; /* what the standard calls it */
  const char *id;   /* the built-in text */
} OtauxResultCode;

extern const OtauxResultCode otaux_result_codes[];
extern const gsize otaux_n_result_codes;

/* The pop-up's own words, as msgids (NULL-terminated). */
extern const char *const otaux_prompter_words[];

/* The placeholders an operator install message (<message>) may use. */
#define OTAUX_MESSAGE_PLACEHOLDERS "name version size operator duration time countdown"

G_END_DECLS
