/* The keys of the a{sv} arguments of the D-Bus API: Offer, SetState's,
 * FinishWithDetails' and Answer's details. One table per argument, pure
 * data: the D-Bus validator reads arguments through it, otauxctl builds its
 * options and --help from it, and tests/agent/test-keys.c checks that
 * docs/dbus-api.md agrees. */
#pragma once

#include <glib.h>

#include "otaux-offer.h"

G_BEGIN_DECLS

typedef enum {
  OTAUX_KEY_STRING,   /* s, at most max_bytes */
  OTAUX_KEY_PRIORITY, /* s naming an OtauxPriority */
  OTAUX_KEY_BOOLEAN,  /* b */
  OTAUX_KEY_UINT32,   /* u */
  OTAUX_KEY_UINT64,   /* t */
  OTAUX_KEY_TIME,     /* x, unix seconds */
} OtauxKeyKind;

typedef struct {
  const char *name;
  OtauxKeyKind kind;
  gsize offset;      /* into the target struct of the table */
  guint32 flag;      /* OtauxSpecField, or 0 */
  gsize max_bytes;   /* strings only */
  const char *limit; /* the "limit" column of docs/dbus-api.md, "" for none */
  const char *arg;   /* otauxctl's placeholder; NULL for booleans */
  const char *help;  /* one line for otauxctl --help */
} OtauxKey;

/* The details of SetState (the target of otaux_state_keys). */
typedef struct {
  guint64 bytes_done;
  guint64 bytes_total;
  char *instruction; /* owned; NULL when not given */
  char *step;        /* owned; NULL when not given */
  char *stage;       /* owned; NULL when not given */
} OtauxStateDetails;

/* The details of FinishWithDetails (the target of otaux_finish_keys). */
typedef struct {
  char *message; /* owned; NULL when not given */
} OtauxFinishDetails;

/* The details of Answer (the target of otaux_answer_keys). */
typedef struct {
  gint64 reboot_at;
} OtauxAnswerDetails;

/* Offer(a{sv}) into OtauxOfferSpec; "id" is the first row. */
extern const OtauxKey otaux_offer_keys[];
extern const gsize otaux_n_offer_keys;
/* SetState(u, a{sv}) into OtauxStateDetails. */
extern const OtauxKey otaux_state_keys[];
extern const gsize otaux_n_state_keys;
/* FinishWithDetails(u, a{sv}) into OtauxFinishDetails. */
extern const OtauxKey otaux_finish_keys[];
extern const gsize otaux_n_finish_keys;
/* Answer(s, a{sv}) into OtauxAnswerDetails. */
extern const OtauxKey otaux_answer_keys[];
extern const gsize otaux_n_answer_keys;

/* A table has at most this many rows (parsers keep a 64-bit "seen" mask). */
#define OTAUX_KEYS_MAX 64

/* The D-Bus signature of a kind: "s", "b", "u", "t" or "x". */
const char *otaux_key_signature(OtauxKeyKind kind);

/* The row named @name, or NULL. */
const OtauxKey *otaux_keys_lookup(const OtauxKey *keys, gsize n_keys, const char *name);

G_END_DECLS
