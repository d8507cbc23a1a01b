/* otaux-store: offers on disk, written atomically.
 *
 * One key file per offer, DIR/offers/<serial>.offer. A write goes to a
 * temporary file in the same folder, is fsync'ed, renamed over the old
 * file, and the folder is fsync'ed: a power cut leaves the old or the new
 * file, never a torn one. */
#pragma once

#include <glib.h>
#include "otaux-offer.h"

G_BEGIN_DECLS

#define OTAUX_STORE_ERROR (otaux_store_error_quark())
GQuark otaux_store_error_quark(void);

typedef enum {
  OTAUX_STORE_ERROR_IO,      /* a system call failed */
  OTAUX_STORE_ERROR_CORRUPT, /* a file that does not parse */
} OtauxStoreError;

typedef struct _OtauxStore OtauxStore;

/* Creates DIR (and DIR/offers) with mode 0700 when missing. */
OtauxStore *otaux_store_new(const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void otaux_store_free(OtauxStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxStore, otaux_store_free)

const char *otaux_store_get_dir(const OtauxStore *store);

/* $XDG_STATE_HOME/otaux, or ~/.local/state/otaux. */
char *otaux_store_default_dir(void);

/* On disk when it returns TRUE. The file it replaced is held open until an
 * idle source of the default main context (or the next save, or the free)
 * lets it go, so that freeing it does not delay the caller's news. */
gboolean otaux_store_save(OtauxStore *store, const OtauxOffer *offer,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean otaux_store_remove(OtauxStore *store, guint serial,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Loads every offer, sorted by serial. A file that does not parse is
 * renamed to <name>.corrupt and reported through @on_corrupt; leftover
 * temporary files are deleted. */
typedef void (*OtauxStoreCorruptFunc)(const char *path, const GError *error, gpointer user_data);
GPtrArray *otaux_store_load(OtauxStore *store, OtauxStoreCorruptFunc on_corrupt, gpointer user_data,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Serialisation alone, for tests and tools. */
char *otaux_store_serialize(const OtauxOffer *offer, gsize *length);
OtauxOffer *otaux_store_parse(const char *data, gsize length,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
