/* otaux-fs: folders for state that survive a power cut (see otaux-fs.h). */
#include "otaux-fs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-fs-error-quark, otaux_fs_error)
// clang-format on

static OtauxFsTraceFunc trace_func;
static gpointer trace_data;

void otaux_fs_set_trace(OtauxFsTraceFunc func, gpointer user_data)
{
  trace_func = func;
  trace_data = user_data;
}

static void trace(const char *op, const char *path)
{
  if (trace_func != NULL)
    trace_func(op, path, trace_data);
}

static gboolean set_io_error(GError **error, int errsv, const char *what, const char *path)
{
  g_set_error(error, OTAUX_FS_ERROR, OTAUX_FS_ERROR_IO, "%s %s: %s", what, path, g_strerror(errsv));
  return FALSE;
}

gboolean otaux_fs_sync_dir(const char *path, GError **error)
{
  int fd;

  g_return_val_if_fail(path != NULL, FALSE);

  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return set_io_error(error, errno, "cannot open", path);
  if (fsync(fd) != 0) {
    int errsv = errno;

    close(fd);
    return set_io_error(error, errsv, "cannot sync", path);
  }
  close(fd);
  trace("fsync", path);
  return TRUE;
}

gboolean otaux_fs_sync_dir_fd(int fd, const char *path, GError **error)
{
  g_return_val_if_fail(fd >= 0 && path != NULL, FALSE);

  if (fsync(fd) != 0)
    return set_io_error(error, errno, "cannot sync", path);
  trace("fsync", path);
  return TRUE;
}

gboolean otaux_fs_mkdir_synced(const char *path, int mode, GError **error)
{
  g_autofree char *parent = NULL;
  struct stat st;

  g_return_val_if_fail(path != NULL && *path != '\0', FALSE);

  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return TRUE;
    return set_io_error(error, ENOTDIR, "cannot create", path);
  }
  if (errno != ENOENT)
    return set_io_error(error, errno, "cannot create", path);

  /* The levels above first: each must be durable before one goes in it. */
  parent = g_path_get_dirname(path);
  if (strcmp(parent, path) != 0 && !otaux_fs_mkdir_synced(parent, mode, error))
    return FALSE;
  if (mkdir(path, (mode_t)mode) != 0) {
    /* Made meanwhile by someone else: theirs to sync, as with any folder found. */
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      return TRUE;
    return set_io_error(error, errno, "cannot create", path);
  }
  trace("mkdir", path);
  return otaux_fs_sync_dir(parent, error);
}

gboolean otaux_fs_mkdir_settled(const char *path, int mode, GError **error)
{
  g_autofree char *parent = NULL;
  struct stat st;

  g_return_val_if_fail(path != NULL && *path != '\0', FALSE);

  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    return otaux_fs_mkdir_synced(path, mode, error);
  /* found: its entry may not have reached the disk yet (a crash right after
   * an earlier mkdir), so its parent is synced now */
  parent = g_path_get_dirname(path);
  return strcmp(parent, path) == 0 || otaux_fs_sync_dir(parent, error);
}

gboolean otaux_fs_write_atomically(const char *path, const char *data, gsize len, GError **error)
{
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *tmp = g_strconcat(path, ".XXXXXX", NULL);
  gsize done = 0;
  int fd;

  /* The first write makes the folder (or makes it again, when it went):
   * synced into its parent before the file in it counts as written. */
  if (!otaux_fs_mkdir_synced(dir, 0700, error))
    return FALSE;
  fd = g_mkstemp(tmp);
  if (fd < 0)
    return set_io_error(error, errno, "cannot create", tmp);
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    done += (gsize)n;
  }
  if (done < len || fsync(fd) != 0) {
    int errsv = errno;

    close(fd);
    g_unlink(tmp);
    return set_io_error(error, errsv, "cannot write", tmp);
  }
  close(fd);
  if (g_rename(tmp, path) != 0) {
    int errsv = errno;

    g_unlink(tmp);
    return set_io_error(error, errsv, "cannot rename to", path);
  }
  /* the rename itself is durable only once the folder is synced */
  return otaux_fs_sync_dir(dir, error);
}
