/* otaux-store: offers on disk, one key file each, written atomically. */
#include "otaux-store.h"

#include "otaux-fs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-store-error-quark, otaux_store_error)
// clang-format on

#define GROUP          "offer"
#define FORMAT_VERSION 1

struct _OtauxStore {
  char *dir;
  char *offers_dir;
  /* offers/ kept open: each save creates, renames and syncs relative to it
   * (openat, renameat, fsync) instead of opening the folder again. */
  int offers_fd;
  /* The file a save replaced, held open (O_PATH) so that the rename does
   * not free it: freeing its blocks (a discard on some mounts) cost a fifth
   * of the write. Released from an idle source, once everyone heard. */
  int retired_fd;
  guint release_id;
};

static gboolean set_io_error(GError **error, int errsv, const char *what, const char *path)
{
  g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO, "%s %s: %s", what, path,
              g_strerror(errsv));
  return FALSE;
}

/* The same for a file in offers/, named by its full path. */
static gboolean set_io_error_at(OtauxStore *store, GError **error, int errsv, const char *what,
                                const char *name)
{
  g_autofree char *path = g_build_filename(store->offers_dir, name, NULL);

  return set_io_error(error, errsv, what, path);
}

/* Makes offers/ (synced into its parent) if it is missing, and opens it.
 * At @start, a state folder or offers/ found there is synced into its parent
 * all the same (otaux_fs_mkdir_settled): the run that made it may have
 * crashed before that fsync. */
static gboolean make_offers_dir(OtauxStore *store, gboolean start, GError **error)
{
  g_autoptr(GError) local = NULL;
  int fd;

  if (start && !otaux_fs_mkdir_settled(store->dir, 0700, &local)) {
    g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO, "%s", local->message);
    return FALSE;
  }
  if (!(start ? otaux_fs_mkdir_settled : otaux_fs_mkdir_synced)(store->offers_dir, 0700, &local)) {
    g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO, "%s", local->message);
    return FALSE;
  }
  fd = open(store->offers_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return set_io_error(error, errno, "cannot open", store->offers_dir);
  if (store->offers_fd >= 0)
    close(store->offers_fd);
  store->offers_fd = fd;
  return TRUE;
}

OtauxStore *otaux_store_new(const char *dir, GError **error)
{
  g_autoptr(OtauxStore) store = NULL;

  g_return_val_if_fail(dir != NULL, NULL);

  store = g_new0(OtauxStore, 1);
  store->offers_fd = -1;
  store->retired_fd = -1;
  store->dir = g_strdup(dir);
  store->offers_dir = g_build_filename(dir, "offers", NULL);
  /* State may name what a person chose: keep it private. Each folder made
   * is synced into its parent before any offer is written in it. */
  if (!make_offers_dir(store, TRUE, error))
    return NULL;
  return g_steal_pointer(&store);
}

static void release_retired(OtauxStore *store)
{
  g_clear_handle_id(&store->release_id, g_source_remove);
  if (store->retired_fd >= 0)
    close(store->retired_fd);
  store->retired_fd = -1;
}

static gboolean on_release(gpointer user_data)
{
  OtauxStore *store = user_data;

  store->release_id = 0;
  release_retired(store);
  return G_SOURCE_REMOVE;
}

void otaux_store_free(OtauxStore *store)
{
  if (store == NULL)
    return;
  release_retired(store);
  if (store->offers_fd >= 0)
    close(store->offers_fd);
  g_free(store->dir);
  g_free(store->offers_dir);
  g_free(store);
}

const char *otaux_store_get_dir(const OtauxStore *store)
{
  g_return_val_if_fail(store != NULL, NULL);
  return store->dir;
}

char *otaux_store_default_dir(void)
{
  /* g_get_user_state_dir() honours $XDG_STATE_HOME, else ~/.local/state. */
  return g_build_filename(g_get_user_state_dir(), "otaux", NULL);
}

/* ---- serialisation --------------------------------------------------- */

/* The writer's half of the key-file format, without GKeyFile: an answer's
 * save sat mostly in g_key_file_set_*() (a list walk per key) and
 * g_key_file_to_data(). The output is byte for byte what GKeyFile writes
 * (tests/agent/test-store.c compares them), and GKeyFile still reads it. */
static void put_string(GString *out, const char *key, const char *value)
{
  gboolean leading = TRUE;

  g_string_append(out, key);
  g_string_append_c(out, '=');
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++) {
    switch (*p) {
      case ' ':
        g_string_append(out, leading ? "\\s" : " ");
        break;
      case '\t':
        g_string_append(out, leading ? "\\t" : "\t");
        break;
      case '\n':
        g_string_append(out, "\\n");
        break;
      case '\r':
        g_string_append(out, "\\r");
        break;
      case '\\':
        g_string_append(out, "\\\\");
        leading = FALSE;
        break;
      default:
        g_string_append_c(out, *p);
        leading = FALSE;
        break;
    }
  }
  g_string_append_c(out, '\n');
}

static void put_uint(GString *out, const char *key, guint64 value)
{
  g_string_append_printf(out, "%s=%" G_GUINT64_FORMAT "\n", key, value);
}

static void put_int(GString *out, const char *key, gint64 value)
{
  g_string_append_printf(out, "%s=%" G_GINT64_FORMAT "\n", key, value);
}

static void put_bool(GString *out, const char *key, gboolean value)
{
  g_string_append(out, key);
  g_string_append(out, value ? "=true\n" : "=false\n");
}

char *otaux_store_serialize(const OtauxOffer *offer, gsize *length)
{
  GString *out;
  const OtauxOfferSpec *spec;

  g_return_val_if_fail(offer != NULL, NULL);
  spec = &offer->spec;
  out = g_string_sized_new(1024);

  g_string_append(out, "[" GROUP "]\n");
  put_int(out, "format", FORMAT_VERSION);
  put_uint(out, "serial", offer->serial);
  put_string(out, "id", spec->id);
  put_string(out, "name", spec->name);
  put_string(out, "version", spec->version);
  put_string(out, "url", spec->url);
  put_string(out, "release-notes", spec->release_notes);
  put_string(out, "message", spec->message);
  put_string(out, "correlator", spec->correlator);
  put_string(out, "install-message", spec->install_message);
  put_string(out, "priority", otaux_priority_to_string(spec->priority));
  put_uint(out, "size", spec->size);
  put_uint(out, "offer-state", spec->state);
  put_bool(out, "silent", spec->silent);
  put_bool(out, "forced", spec->forced);
  put_bool(out, "roaming", spec->roaming);
  put_bool(out, "metered", spec->metered);
  put_bool(out, "cellular", spec->cellular);
  put_bool(out, "needs-reboot", spec->needs_reboot);
  put_bool(out, "restart-only", spec->restart_only);
  put_bool(out, "asks-restart", spec->asks_restart);
  put_int(out, "deadline", spec->deadline);
  put_uint(out, "install-seconds", spec->install_seconds);
  put_uint(out, "fields", spec->fields);

  put_uint(out, "state", offer->state);
  put_uint(out, "bytes-done", offer->bytes_done);
  put_uint(out, "bytes-total", offer->bytes_total);
  put_string(out, "phase", otaux_phase_to_string(offer->phase));
  put_string(out, "decision", otaux_decision_to_string(offer->decision));
  put_string(out, "reason", otaux_reason_to_string(offer->reason));
  put_string(out, "decided-in", otaux_phase_to_string(offer->decided_in));
  put_int(out, "reboot-at", offer->reboot_at);
  put_uint(out, "result", offer->result);
  put_bool(out, "finish-reported", offer->finish_reported);
  put_uint(out, "delays", offer->n_delays);
  put_int(out, "created-at", offer->created_at);
  put_int(out, "ready-at", offer->ready_at);
  put_int(out, "changed-at", offer->changed_at);
  put_uint(out, "reminder-index", offer->reminder_index);
  put_int(out, "asked-at", offer->asked_at);
  put_int(out, "later-until", offer->later_until);
  put_bool(out, "charge-ok", offer->charge_ok);
  put_bool(out, "wait-wifi", offer->wait_wifi);
  put_bool(out, "download-asked", offer->download_asked);
  put_int(out, "tonight-start", offer->tonight_start);
  put_int(out, "tonight-end", offer->tonight_end);
  put_uint(out, "tonight-missed", offer->tonight_missed);
  put_string(out, "instruction", offer->instruction);
  put_string(out, "step", offer->step);
  put_string(out, "finish-message", offer->finish_message);
  put_string(out, "stage", otaux_stage_to_string(offer->stage));

  if (length != NULL)
    *length = out->len;
  return g_string_free(out, FALSE);
}

/* Typed readers that fail on a missing key or a bad value. */
typedef struct {
  GKeyFile *kf;
  GError **error;
  gboolean ok;
} Reader;

static void corrupt(Reader *r, const char *key, const char *what)
{
  if (!r->ok)
    return;
  r->ok = FALSE;
  g_set_error(r->error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_CORRUPT, "key '%s': %s", key, what);
}

static char *read_string(Reader *r, const char *key)
{
  g_autoptr(GError) local = NULL;
  char *value;

  if (!r->ok)
    return g_strdup("");
  value = g_key_file_get_string(r->kf, GROUP, key, &local);
  if (value == NULL) {
    corrupt(r, key, local->message);
    return g_strdup("");
  }
  return value;
}

static guint64 read_uint64(Reader *r, const char *key, guint64 max)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *raw = NULL;
  guint64 value = 0;

  if (!r->ok)
    return 0;
  raw = g_key_file_get_value(r->kf, GROUP, key, &local);
  if (raw == NULL) {
    corrupt(r, key, local->message);
    return 0;
  }
  /* Strict: digits only, no sign, no trailing junk, in range. */
  if (!g_ascii_string_to_unsigned(raw, 10, 0, max, &value, &local)) {
    corrupt(r, key, local->message);
    return 0;
  }
  return value;
}

static gint64 read_int64(Reader *r, const char *key, gint64 min)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *raw = NULL;
  gint64 value = 0;

  if (!r->ok)
    return 0;
  raw = g_key_file_get_value(r->kf, GROUP, key, &local);
  if (raw == NULL) {
    corrupt(r, key, local->message);
    return 0;
  }
  if (!g_ascii_string_to_signed(raw, 10, min, G_MAXINT64, &value, &local)) {
    corrupt(r, key, local->message);
    return 0;
  }
  return value;
}

static gboolean read_bool(Reader *r, const char *key)
{
  g_autoptr(GError) local = NULL;
  gboolean value;

  if (!r->ok)
    return FALSE;
  value = g_key_file_get_boolean(r->kf, GROUP, key, &local);
  if (local != NULL)
    corrupt(r, key, local->message);
  return value;
}

static gboolean has_key(Reader *r, const char *key)
{
  return r->ok && g_key_file_has_key(r->kf, GROUP, key, NULL);
}

static OtauxPhase read_phase(Reader *r, const char *key)
{
  g_autofree char *str = read_string(r, key);
  OtauxPhase phase = OTAUX_PHASE_OFFERED;

  if (r->ok && !otaux_phase_from_string(str, &phase))
    corrupt(r, key, "not a phase");
  return phase;
}

OtauxOffer *otaux_store_parse(const char *data, gsize length, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_autoptr(OtauxOffer) offer = g_new0(OtauxOffer, 1);
  g_autoptr(GError) local = NULL;
  g_autofree char *priority = NULL;
  g_autofree char *decision = NULL;
  g_autofree char *reason = NULL;
  OtauxOfferSpec *spec = &offer->spec;
  Reader r = { kf, error, TRUE };

  g_return_val_if_fail(data != NULL || length == 0, NULL);

  if (!g_key_file_load_from_data(kf, data != NULL ? data : "", length, G_KEY_FILE_NONE, &local)) {
    g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_CORRUPT, "%s", local->message);
    return NULL;
  }
  if (!g_key_file_has_group(kf, GROUP)) {
    g_set_error_literal(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_CORRUPT,
                        "no [" GROUP "] group");
    return NULL;
  }
  if (read_uint64(&r, "format", G_MAXUINT32) != FORMAT_VERSION && r.ok)
    corrupt(&r, "format", "unknown format version");

  offer->serial = (guint)read_uint64(&r, "serial", G_MAXUINT);
  if (r.ok && offer->serial == 0)
    corrupt(&r, "serial", "must be at least 1");
  spec->id = read_string(&r, "id");
  spec->name = read_string(&r, "name");
  spec->version = read_string(&r, "version");
  spec->url = read_string(&r, "url");
  spec->release_notes = read_string(&r, "release-notes");
  spec->message = read_string(&r, "message");
  spec->correlator = read_string(&r, "correlator");
  /* Keys added with the fwupd bridge: older files lack them. */
  spec->install_message =
      has_key(&r, "install-message") ? read_string(&r, "install-message") : g_strdup("");
  priority = read_string(&r, "priority");
  if (r.ok && !otaux_priority_from_string(priority, &spec->priority))
    corrupt(&r, "priority", "not low, medium or high");
  spec->size = read_uint64(&r, "size", G_MAXUINT64);
  spec->state = (guint32)read_uint64(&r, "offer-state", G_MAXUINT32);
  spec->silent = read_bool(&r, "silent");
  spec->forced = read_bool(&r, "forced");
  spec->roaming = read_bool(&r, "roaming");
  /* Keys added with the policy files: older files lack them. */
  spec->metered = has_key(&r, "metered") && read_bool(&r, "metered");
  spec->cellular = has_key(&r, "cellular") && read_bool(&r, "cellular");
  spec->needs_reboot = read_bool(&r, "needs-reboot");
  /* Keys added with the restart (issue 16): older files lack them. */
  spec->restart_only = has_key(&r, "restart-only") && read_bool(&r, "restart-only");
  spec->asks_restart = has_key(&r, "asks-restart") && read_bool(&r, "asks-restart");
  spec->deadline = read_int64(&r, "deadline", 0);
  spec->install_seconds = (guint32)read_uint64(&r, "install-seconds", G_MAXUINT32);
  spec->fields = (guint32)read_uint64(&r, "fields", G_MAXUINT32);

  offer->state = (guint32)read_uint64(&r, "state", G_MAXUINT32);
  if (r.ok && !otaux_fumo_state_is_valid(offer->state))
    corrupt(&r, "state", "not a FUMO state");
  offer->bytes_done = read_uint64(&r, "bytes-done", G_MAXUINT64);
  offer->bytes_total = read_uint64(&r, "bytes-total", G_MAXUINT64);
  if (r.ok && offer->bytes_total > 0 && offer->bytes_done > offer->bytes_total)
    corrupt(&r, "bytes-done", "more than bytes-total");
  offer->phase = read_phase(&r, "phase");
  decision = read_string(&r, "decision");
  if (r.ok && !otaux_decision_from_string(decision, &offer->decision))
    corrupt(&r, "decision", "not a decision");
  reason = read_string(&r, "reason");
  if (r.ok && !otaux_reason_from_string(reason, &offer->reason))
    corrupt(&r, "reason", "not a reason");
  offer->decided_in = read_phase(&r, "decided-in");
  offer->reboot_at = read_int64(&r, "reboot-at", 0);
  offer->result = (guint32)read_uint64(&r, "result", G_MAXUINT32);
  if (r.ok && offer->result != 0 && !otaux_fumo_result_is_valid(offer->result))
    corrupt(&r, "result", "not a FUMO result code");
  if (r.ok && offer->phase == OTAUX_PHASE_FINISHED && offer->result == 0)
    corrupt(&r, "result", "a finished offer needs a result");
  offer->finish_reported = read_bool(&r, "finish-reported");
  offer->n_delays = (guint)read_uint64(&r, "delays", G_MAXUINT);
  offer->created_at = read_int64(&r, "created-at", 0);
  offer->ready_at = read_int64(&r, "ready-at", 0);
  offer->changed_at = read_int64(&r, "changed-at", 0);
  offer->reminder_index = (guint)read_uint64(&r, "reminder-index", OTAUX_POLICY_MAX_LIST);
  offer->asked_at = has_key(&r, "asked-at") ? read_int64(&r, "asked-at", 0) : offer->changed_at;
  offer->later_until = has_key(&r, "later-until") ? read_int64(&r, "later-until", 0) : 0;
  offer->charge_ok = has_key(&r, "charge-ok") && read_bool(&r, "charge-ok");
  offer->wait_wifi = has_key(&r, "wait-wifi") && read_bool(&r, "wait-wifi");
  offer->download_asked = has_key(&r, "download-asked") && read_bool(&r, "download-asked");
  /* "Install tonight": the window, or why the last one passed unused */
  offer->tonight_start = has_key(&r, "tonight-start") ? read_int64(&r, "tonight-start", 0) : 0;
  offer->tonight_end = has_key(&r, "tonight-end") ? read_int64(&r, "tonight-end", 0) : 0;
  offer->tonight_missed =
      has_key(&r, "tonight-missed") ? (guint)read_uint64(&r, "tonight-missed", 0xf) : 0;
  if (r.ok && offer->tonight_end != 0 && offer->tonight_end <= offer->tonight_start)
    corrupt(&r, "tonight-end", "not after tonight-start");
  offer->instruction = has_key(&r, "instruction") ? read_string(&r, "instruction") : NULL;
  if (r.ok && offer->instruction != NULL &&
      (strlen(offer->instruction) > OTAUX_LIMIT_INSTRUCTION_BYTES ||
       !g_utf8_validate(offer->instruction, -1, NULL)))
    corrupt(&r, "instruction", "too long or not UTF-8");
  offer->step = has_key(&r, "step") ? read_string(&r, "step") : NULL;
  if (r.ok && offer->step != NULL && offer->step[0] == '\0')
    g_clear_pointer(&offer->step, g_free);
  if (r.ok && offer->step != NULL &&
      (strlen(offer->step) > OTAUX_LIMIT_STEP_BYTES || !g_utf8_validate(offer->step, -1, NULL)))
    corrupt(&r, "step", "too long or not UTF-8");
  offer->finish_message = has_key(&r, "finish-message") ? read_string(&r, "finish-message") : NULL;
  if (r.ok && offer->finish_message != NULL && offer->finish_message[0] == '\0')
    g_clear_pointer(&offer->finish_message, g_free);
  if (r.ok && offer->finish_message != NULL &&
      (strlen(offer->finish_message) > OTAUX_LIMIT_FINISH_MSG_BYTES ||
       !g_utf8_validate(offer->finish_message, -1, NULL)))
    corrupt(&r, "finish-message", "too long or not UTF-8");
  if (has_key(&r, "stage")) {
    g_autofree char *stage = read_string(&r, "stage");

    if (r.ok && !otaux_stage_from_string(stage, &offer->stage))
      corrupt(&r, "stage", "not a stage");
    if (r.ok && offer->stage != OTAUX_STAGE_NONE && offer->phase != OTAUX_PHASE_INSTALLING)
      corrupt(&r, "stage", "only an installing offer has a stage");
  }
  if (r.ok && offer->phase == OTAUX_PHASE_DELAYED &&
      offer->decision == OTAUX_DECISION_DELAY_REBOOT && offer->reboot_at == 0)
    corrupt(&r, "reboot-at", "a delayed reboot needs a time");
  if (!r.ok)
    return NULL;

  /* The same checks as an Offer call, so a hand-edited file injects nothing. */
  if (!otaux_offer_spec_validate(spec, &local)) {
    g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_CORRUPT, "%s", local->message);
    return NULL;
  }
  return g_steal_pointer(&offer);
}

/* ---- files ----------------------------------------------------------- */

static gboolean fsync_dir(OtauxStore *store, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (!otaux_fs_sync_dir_fd(store->offers_fd, store->offers_dir, &local)) {
    g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO, "%s", local->message);
    return FALSE;
  }
  return TRUE;
}

static gboolean write_all(int fd, const char *data, gsize length)
{
  while (length > 0) {
    ssize_t n = write(fd, data, length);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      return FALSE;
    }
    data += n;
    length -= (gsize)n;
  }
  return TRUE;
}

/* Creates the tmp file in offers/. A tmp file left by a crash is stale (the
 * load removes them, so this is rare): O_EXCL must not trip on it. */
static int create_tmp(OtauxStore *store, const char *tmp_name)
{
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(store->offers_fd, tmp_name, flags, 0600);

  if (fd < 0 && errno == EEXIST && unlinkat(store->offers_fd, tmp_name, 0) == 0)
    fd = openat(store->offers_fd, tmp_name, flags, 0600);
  return fd;
}

gboolean otaux_store_save(OtauxStore *store, const OtauxOffer *offer, GError **error)
{
  g_autofree char *data = NULL;
  char name[32];
  char tmp_name[32];
  gsize length = 0;
  int fd;

  g_return_val_if_fail(store != NULL && offer != NULL, FALSE);

  data = otaux_store_serialize(offer, &length);
  g_snprintf(name, sizeof name, "%u.offer", offer->serial);
  g_snprintf(tmp_name, sizeof tmp_name, ".%u.offer.tmp", offer->serial);

  fd = create_tmp(store, tmp_name);
  if (fd < 0 && errno == ENOENT) {
    /* offers/ (or the state folder) went away under us: made again, and
     * synced into its parent like at the first start. */
    g_warning("%s is missing, creating it again", store->offers_dir);
    if (!make_offers_dir(store, FALSE, error))
      return FALSE;
    fd = create_tmp(store, tmp_name);
  }
  if (fd < 0)
    return set_io_error_at(store, error, errno, "cannot create", tmp_name);
  if (!write_all(fd, data, length) || fsync(fd) != 0) {
    int errsv = errno;

    close(fd);
    unlinkat(store->offers_fd, tmp_name, 0);
    return set_io_error_at(store, error, errsv, "cannot write", tmp_name);
  }
  if (close(fd) != 0) {
    int errsv = errno;

    unlinkat(store->offers_fd, tmp_name, 0);
    return set_io_error_at(store, error, errsv, "cannot write", tmp_name);
  }
  release_retired(store);
  store->retired_fd = openat(store->offers_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (renameat(store->offers_fd, tmp_name, store->offers_fd, name) != 0) {
    int errsv = errno;

    release_retired(store);
    unlinkat(store->offers_fd, tmp_name, 0);
    return set_io_error_at(store, error, errsv, "cannot rename to", name);
  }
  if (store->retired_fd >= 0)
    store->release_id = g_idle_add_full(G_PRIORITY_LOW, on_release, store, NULL);
  /* The rename itself is durable only once the folder is synced. */
  return fsync_dir(store, error);
}

gboolean otaux_store_remove(OtauxStore *store, guint serial, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail(store != NULL, FALSE);

  /* By path, not on the kept folder: a folder that went away or was
   * replaced by a file must fail here as it would for a save. */
  name = g_strdup_printf("%u.offer", serial);
  path = g_build_filename(store->offers_dir, name, NULL);
  if (unlink(path) != 0) {
    if (errno == ENOENT)
      return TRUE;
    return set_io_error(error, errno, "cannot remove", path);
  }
  if (!otaux_fs_sync_dir(store->offers_dir, &local)) {
    g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO, "%s", local->message);
    return FALSE;
  }
  return TRUE;
}

/* "<digits>.offer" -> serial; anything else (".corrupt", strays) -> FALSE. */
static gboolean offer_file_serial(const char *name, guint *serial)
{
  gsize len = strlen(name);
  gsize digits = len > 6 ? len - 6 : 0;
  guint64 value = 0;
  g_autofree char *num = NULL;

  if (digits == 0 || !g_str_has_suffix(name, ".offer"))
    return FALSE;
  num = g_strndup(name, digits);
  for (gsize i = 0; i < digits; i++)
    if (!g_ascii_isdigit(num[i]))
      return FALSE;
  if (!g_ascii_string_to_unsigned(num, 10, 1, G_MAXUINT, &value, NULL))
    return FALSE;
  *serial = (guint)value;
  return TRUE;
}

static gint compare_serial(gconstpointer a, gconstpointer b)
{
  const OtauxOffer *oa = *(const OtauxOffer *const *)a;
  const OtauxOffer *ob = *(const OtauxOffer *const *)b;

  return oa->serial < ob->serial ? -1 : oa->serial > ob->serial ? 1 : 0;
}

static void set_aside(const char *path, const GError *why, OtauxStoreCorruptFunc on_corrupt,
                      gpointer user_data)
{
  g_autofree char *target = g_strconcat(path, ".corrupt", NULL);

  if (rename(path, target) != 0)
    g_warning("cannot set aside %s: %s", path, g_strerror(errno));
  if (on_corrupt != NULL)
    on_corrupt(path, why, user_data);
}

GPtrArray *otaux_store_load(OtauxStore *store, OtauxStoreCorruptFunc on_corrupt, gpointer user_data,
                            GError **error)
{
  g_autoptr(GPtrArray) offers = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local = NULL;
  gboolean removed_tmp = FALSE;
  const char *name;

  g_return_val_if_fail(store != NULL, NULL);

  dir = g_dir_open(store->offers_dir, 0, &local);
  if (dir == NULL) {
    g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO, "%s", local->message);
    return NULL;
  }
  offers = g_ptr_array_new_with_free_func((GDestroyNotify)otaux_offer_free);

  while ((name = g_dir_read_name(dir)) != NULL) {
    g_autofree char *path = g_build_filename(store->offers_dir, name, NULL);
    g_autofree char *data = NULL;
    g_autoptr(GError) parse_error = NULL;
    g_autoptr(OtauxOffer) offer = NULL;
    gsize length = 0;
    guint serial = 0;

    if (name[0] == '.' && g_str_has_suffix(name, ".tmp")) {
      /* A write that never reached its rename: the old file stands. */
      if (unlink(path) != 0)
        g_warning("cannot remove %s: %s", path, g_strerror(errno));
      removed_tmp = TRUE;
      continue;
    }
    if (!offer_file_serial(name, &serial))
      continue;

    if (!g_file_get_contents(path, &data, &length, &parse_error)) {
      /* Unreadable is not the same as corrupt: keep the file, report it. */
      g_set_error(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO, "%s", parse_error->message);
      return NULL;
    }
    offer = otaux_store_parse(data, length, &parse_error);
    if (offer != NULL && offer->serial != serial) {
      g_set_error(&parse_error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_CORRUPT,
                  "serial %u does not match the file name", offer->serial);
      g_clear_pointer(&offer, otaux_offer_free);
    }
    if (offer == NULL) {
      set_aside(path, parse_error, on_corrupt, user_data);
      continue;
    }
    g_ptr_array_add(offers, g_steal_pointer(&offer));
  }

  if (removed_tmp && !fsync_dir(store, &local))
    g_warning("%s", local->message);
  g_ptr_array_sort(offers, compare_serial);
  return g_steal_pointer(&offers);
}
