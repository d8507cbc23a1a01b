/* otaux-fs: folders for state that survive a power cut.
 *
 * mkdir() makes a new entry in the parent folder, and like any other entry
 * it is on disk only once that parent is fsync'ed (POSIX promises nothing
 * before; ext4 happens to, other file systems and flash layers do not). A
 * file written, fsync'ed and renamed into a folder that is itself lost is
 * lost with it. Used by the agent's store and by the bridges. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTAUX_FS_ERROR (otaux_fs_error_quark())
GQuark otaux_fs_error_quark(void);

typedef enum {
  OTAUX_FS_ERROR_IO, /* a system call failed; the message names it and the path */
} OtauxFsError;

/* Creates PATH and each missing folder above it with MODE, and fsyncs the
 * folder each one was made in before going on, so every created level is
 * durable when this returns TRUE. A PATH already there is left alone. */
gboolean otaux_fs_mkdir_synced(const char *path, int mode,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* As otaux_fs_mkdir_synced(), and when PATH is there already, fsyncs the
 * folder it is in all the same: an earlier run may have crashed between its
 * mkdir and that fsync, and the entry would still be only in the cache. For a
 * program's start: one fsync per call. */
gboolean otaux_fs_mkdir_settled(const char *path, int mode,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* fsync() of a folder: its entries (creates, renames, unlinks) reach the disk. */
gboolean otaux_fs_sync_dir(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same on a folder FD kept open by the caller (PATH names it in the
 * error and the trace): no open() and close() per write. */
gboolean otaux_fs_sync_dir_fd(int fd, const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes DATA to PATH so that a power cut leaves the old file or the new
 * one, never a mix: a temporary file beside it (mode 0600), fsync, rename,
 * fsync of the folder. The folder is made first (otaux_fs_mkdir_synced,
 * 0700) when it is missing. */
gboolean otaux_fs_write_atomically(const char *path, const char *data, gsize len,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Test seam: called after each successful mkdir ("mkdir", path) and folder
 * fsync ("fsync", path) made by this module. NULL (the default) for none. */
typedef void (*OtauxFsTraceFunc)(const char *op, const char *path, gpointer user_data);
void otaux_fs_set_trace(OtauxFsTraceFunc func, gpointer user_data);

G_END_DECLS
