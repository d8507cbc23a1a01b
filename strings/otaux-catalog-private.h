/* Private to strings/: the parsed form of an operator catalog. */
#pragma once

#include "otaux-builtin.h"
#include "otaux-strings.h"

G_BEGIN_DECLS

typedef struct {
  gint64 exact;         /* <plural n="0">: this number only; -1 for a category */
  const char *category; /* "one", "other"... (static); "other" for a plain text */
  char *plain;          /* template, plain form */
  char *markup;         /* template, markup form (escaped text + b/i/a tags) */
} OtauxCatalogForm;

typedef struct {
  OtauxCatalogForm *forms;
  guint n_forms;
  int line;
} OtauxCatalogEntry;

struct _OtauxCatalog {
  char *locale; /* normalized: "de", "de_AT" */
  char *filename;
  gboolean is_default; /* the operator's default locale */
  GHashTable *entries; /* id ("download.title", "message.welcome") -> OtauxCatalogEntry */
};

const OtauxBuiltinText *otaux_builtin_lookup(const char *id);

/* When @p starts a placeholder "{key}", its key length (and *key); else 0. */
gsize otaux_placeholder_scan(const char *p, const char **key);

G_END_DECLS
