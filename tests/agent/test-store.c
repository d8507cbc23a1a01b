/* Unit tests of the offer store (agent/otaux-store.h): format and atomicity. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "otaux-fs.h"
#include "otaux-store.h"
#include "otaux-testlib.h"

#define T0 G_GINT64_CONSTANT(1700000000)

typedef struct {
  char *dir;
  char *offers_dir;
  OtauxStore *store;
  GPtrArray *corrupt; /* paths reported */
} Fixture;

static int setup(void **state)
{
  Fixture *f = g_new0(Fixture, 1);
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp("otaux-store-XXXXXX", &error);
  assert_non_null(f->dir);
  f->offers_dir = g_build_filename(f->dir, "offers", NULL);
  f->store = otaux_store_new(f->dir, &error);
  assert_non_null(f->store);
  f->corrupt = g_ptr_array_new_with_free_func(g_free);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  Fixture *f = *state;

  otaux_store_free(f->store);
  otaux_test_rm_rf(f->dir);
  g_free(f->dir);
  g_free(f->offers_dir);
  g_ptr_array_unref(f->corrupt);
  g_free(f);
  return 0;
}

static void on_corrupt(const char *path, const GError *error, gpointer user_data)
{
  Fixture *f = user_data;

  assert_true(g_error_matches(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_CORRUPT));
  g_ptr_array_add(f->corrupt, g_path_get_basename(path));
}

/* An offer with every field set to something other than its default. */
static OtauxOffer *full_offer(guint serial)
{
  g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();
  OtauxOfferSpec spec;
  OtauxOffer *o;

  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup_printf("{6F9619FF-8B86-D011-B42D-00C04FC964%02u}", serial % 100);
  g_free(spec.name);
  spec.name = g_strdup("Phone OS = \"ünïcode\" [x] #not-a-comment");
  g_free(spec.version);
  spec.version = g_strdup("2.0.1");
  g_free(spec.url);
  spec.url = g_strdup("https://example.com/fw?a=1&b=2");
  g_free(spec.release_notes);
  spec.release_notes = g_strdup("Line one\nLine two\n\ttabbed; semi\\colon\n  leading space");
  g_free(spec.message);
  spec.message = g_strdup("mxip_opr_100");
  g_free(spec.correlator);
  spec.correlator = g_strdup("corr-42");
  spec.priority = OTAUX_PRIORITY_HIGH;
  spec.size = G_GUINT64_CONSTANT(18000000000000000000);
  spec.state = 40;
  spec.silent = TRUE;
  spec.forced = FALSE;
  spec.roaming = TRUE;
  spec.needs_reboot = FALSE;
  spec.restart_only = TRUE;
  spec.asks_restart = TRUE;
  spec.deadline = T0 + 99999;
  spec.install_seconds = 4242;
  spec.fields = 0x7fff;
  o = otaux_offer_new(serial, &spec, policy, T0);
  otaux_offer_spec_clear(&spec);

  o->state = 50;
  o->bytes_done = 123;
  o->bytes_total = 456;
  o->phase = OTAUX_PHASE_DELAYED;
  o->decision = OTAUX_DECISION_DELAY_REBOOT;
  o->reason = OTAUX_REASON_USER;
  o->decided_in = OTAUX_PHASE_READY;
  o->reboot_at = T0 + 7200;
  o->result = 0;
  o->finish_reported = TRUE;
  o->n_delays = 2;
  o->created_at = T0 - 100;
  o->ready_at = T0 - 50;
  o->changed_at = T0 - 10;
  o->reminder_index = 1;
  g_free(o->spec.install_message);
  o->spec.install_message = g_strdup("Keep the dock plugged in.\nThen restart.");
  o->instruction = g_strdup("Replug the device");
  o->step = g_strdup("Copying image to rootfs.1");
  o->finish_message = g_strdup("Compatible mismatch: expected 'acme-phone' <b>&</b>");
  return o;
}

static void assert_offers_equal(const OtauxOffer *a, const OtauxOffer *b)
{
  assert_int_equal(a->serial, b->serial);
  assert_string_equal(a->spec.id, b->spec.id);
  assert_string_equal(a->spec.name, b->spec.name);
  assert_string_equal(a->spec.version, b->spec.version);
  assert_string_equal(a->spec.url, b->spec.url);
  assert_string_equal(a->spec.release_notes, b->spec.release_notes);
  assert_string_equal(a->spec.message, b->spec.message);
  assert_string_equal(a->spec.correlator, b->spec.correlator);
  assert_string_equal(a->spec.install_message, b->spec.install_message);
  assert_string_equal(a->instruction != NULL ? a->instruction : "",
                      b->instruction != NULL ? b->instruction : "");
  assert_string_equal(a->step != NULL ? a->step : "", b->step != NULL ? b->step : "");
  assert_string_equal(a->finish_message != NULL ? a->finish_message : "",
                      b->finish_message != NULL ? b->finish_message : "");
  assert_int_equal(a->spec.priority, b->spec.priority);
  assert_true(a->spec.size == b->spec.size);
  assert_int_equal(a->spec.state, b->spec.state);
  assert_int_equal(a->spec.silent, b->spec.silent);
  assert_int_equal(a->spec.forced, b->spec.forced);
  assert_int_equal(a->spec.roaming, b->spec.roaming);
  assert_int_equal(a->spec.needs_reboot, b->spec.needs_reboot);
  assert_int_equal(a->spec.restart_only, b->spec.restart_only);
  assert_int_equal(a->spec.asks_restart, b->spec.asks_restart);
  assert_int_equal(a->stage, b->stage);
  assert_int_equal(a->spec.deadline, b->spec.deadline);
  assert_int_equal(a->spec.install_seconds, b->spec.install_seconds);
  assert_int_equal(a->spec.fields, b->spec.fields);
  assert_int_equal(a->state, b->state);
  assert_int_equal(a->bytes_done, b->bytes_done);
  assert_int_equal(a->bytes_total, b->bytes_total);
  assert_int_equal(a->charge_ok, b->charge_ok);
  assert_int_equal(a->wait_wifi, b->wait_wifi);
  assert_int_equal(a->download_asked, b->download_asked);
  assert_int_equal(a->tonight_start, b->tonight_start);
  assert_int_equal(a->tonight_end, b->tonight_end);
  assert_int_equal(a->tonight_missed, b->tonight_missed);
  assert_int_equal(a->phase, b->phase);
  assert_int_equal(a->decision, b->decision);
  assert_int_equal(a->reason, b->reason);
  assert_int_equal(a->decided_in, b->decided_in);
  assert_int_equal(a->reboot_at, b->reboot_at);
  assert_int_equal(a->result, b->result);
  assert_int_equal(a->finish_reported, b->finish_reported);
  assert_int_equal(a->n_delays, b->n_delays);
  assert_int_equal(a->created_at, b->created_at);
  assert_int_equal(a->ready_at, b->ready_at);
  assert_int_equal(a->changed_at, b->changed_at);
  assert_int_equal(a->reminder_index, b->reminder_index);
  assert_int_equal(otaux_offer_diff(a, b), 0);
}

static void test_serialize_round_trip(void **state)
{
  g_autoptr(OtauxOffer) o = full_offer(5);
  g_autoptr(OtauxOffer) back = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *data = otaux_store_serialize(o, &len);

  assert_int_equal(strlen(data), len);
  assert_non_null(strstr(data, "[offer]"));
  assert_non_null(strstr(data, "phase=delayed"));
  assert_non_null(strstr(data, "decision=delay-reboot"));
  assert_non_null(strstr(data, "priority=high"));
  back = otaux_store_parse(data, len, &error);
  assert_non_null(back);
  assert_offers_equal(o, back);

  /* Every enum value survives. */
  for (OtauxPhase ph = OTAUX_PHASE_OFFERED; ph <= OTAUX_PHASE_FINISHED; ph++) {
    for (OtauxReason r = OTAUX_REASON_NONE; r <= OTAUX_REASON_SCHEDULED; r++) {
      g_autofree char *d = NULL;
      g_autoptr(OtauxOffer) b = NULL;

      o->phase = ph;
      o->decided_in = (OtauxPhase)(OTAUX_PHASE_FINISHED - ph);
      o->reason = r;
      o->decision = (OtauxDecision)(r % 4);
      o->result = ph == OTAUX_PHASE_FINISHED ? 401 : 0;
      d = otaux_store_serialize(o, &len);
      b = otaux_store_parse(d, len, NULL);
      assert_non_null(b);
      assert_offers_equal(o, b);
    }
  }
}

/* What GKeyFile itself writes for @o: the reference the store's own writer
 * must match byte for byte (the files stay what they were). */
static char *keyfile_serialize(const OtauxOffer *o, gsize *length)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();
  const OtauxOfferSpec *s = &o->spec;
  const char *const strings[][2] = {
    { "id", s->id },
    { "name", s->name },
    { "version", s->version },
    { "url", s->url },
    { "release-notes", s->release_notes },
    { "message", s->message },
    { "correlator", s->correlator },
    { "install-message", s->install_message },
  };

  g_key_file_set_integer(kf, "offer", "format", 1);
  g_key_file_set_uint64(kf, "offer", "serial", o->serial);
  for (gsize i = 0; i < G_N_ELEMENTS(strings); i++)
    g_key_file_set_string(kf, "offer", strings[i][0], strings[i][1]);
  g_key_file_set_string(kf, "offer", "priority", otaux_priority_to_string(s->priority));
  g_key_file_set_uint64(kf, "offer", "size", s->size);
  g_key_file_set_uint64(kf, "offer", "offer-state", s->state);
  g_key_file_set_boolean(kf, "offer", "silent", s->silent);
  g_key_file_set_boolean(kf, "offer", "forced", s->forced);
  g_key_file_set_boolean(kf, "offer", "roaming", s->roaming);
  g_key_file_set_boolean(kf, "offer", "metered", s->metered);
  g_key_file_set_boolean(kf, "offer", "cellular", s->cellular);
  g_key_file_set_boolean(kf, "offer", "needs-reboot", s->needs_reboot);
  g_key_file_set_boolean(kf, "offer", "restart-only", s->restart_only);
  g_key_file_set_boolean(kf, "offer", "asks-restart", s->asks_restart);
  g_key_file_set_int64(kf, "offer", "deadline", s->deadline);
  g_key_file_set_uint64(kf, "offer", "install-seconds", s->install_seconds);
  g_key_file_set_uint64(kf, "offer", "fields", s->fields);
  g_key_file_set_uint64(kf, "offer", "state", o->state);
  g_key_file_set_uint64(kf, "offer", "bytes-done", o->bytes_done);
  g_key_file_set_uint64(kf, "offer", "bytes-total", o->bytes_total);
  g_key_file_set_string(kf, "offer", "phase", otaux_phase_to_string(o->phase));
  g_key_file_set_string(kf, "offer", "decision", otaux_decision_to_string(o->decision));
  g_key_file_set_string(kf, "offer", "reason", otaux_reason_to_string(o->reason));
  g_key_file_set_string(kf, "offer", "decided-in", otaux_phase_to_string(o->decided_in));
  g_key_file_set_int64(kf, "offer", "reboot-at", o->reboot_at);
  g_key_file_set_uint64(kf, "offer", "result", o->result);
  g_key_file_set_boolean(kf, "offer", "finish-reported", o->finish_reported);
  g_key_file_set_uint64(kf, "offer", "delays", o->n_delays);
  g_key_file_set_int64(kf, "offer", "created-at", o->created_at);
  g_key_file_set_int64(kf, "offer", "ready-at", o->ready_at);
  g_key_file_set_int64(kf, "offer", "changed-at", o->changed_at);
  g_key_file_set_uint64(kf, "offer", "reminder-index", o->reminder_index);
  g_key_file_set_int64(kf, "offer", "asked-at", o->asked_at);
  g_key_file_set_int64(kf, "offer", "later-until", o->later_until);
  g_key_file_set_boolean(kf, "offer", "charge-ok", o->charge_ok);
  g_key_file_set_boolean(kf, "offer", "wait-wifi", o->wait_wifi);
  g_key_file_set_boolean(kf, "offer", "download-asked", o->download_asked);
  g_key_file_set_int64(kf, "offer", "tonight-start", o->tonight_start);
  g_key_file_set_int64(kf, "offer", "tonight-end", o->tonight_end);
  g_key_file_set_uint64(kf, "offer", "tonight-missed", o->tonight_missed);
  g_key_file_set_string(kf, "offer", "instruction", o->instruction != NULL ? o->instruction : "");
  g_key_file_set_string(kf, "offer", "step", o->step != NULL ? o->step : "");
  g_key_file_set_string(kf, "offer", "finish-message",
                        o->finish_message != NULL ? o->finish_message : "");
  g_key_file_set_string(kf, "offer", "stage", otaux_stage_to_string(o->stage));
  return g_key_file_to_data(kf, length, NULL);
}

static void test_serialize_matches_keyfile(void **state)
{
  /* Escapes: leading blanks, inner blanks, line ends, backslashes, and what
   * a key file treats specially elsewhere (#, [, =, ;), in UTF-8. */
  static const char *const values[] = {
    "",        " ",        "  two leading",  "\tleading tab", "\t \tmixed",
    "trail ",  "in ner",   "a\nb",           "\n leading nl", "cr\r\nlf",
    "back\\",  "\\ lead",  "#not a comment", "[not-a-group]", "k=v;w",
    "Ünïcödé", " \\s x\t", "\r\r",           "tab\tinside",   "end\\",
  };
  g_autoptr(OtauxOffer) o = full_offer(42);

  for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
    g_autofree char *ours = NULL;
    g_autofree char *theirs = NULL;
    g_autoptr(OtauxOffer) back = NULL;
    gsize ours_len = 0, theirs_len = 0;

    g_free(o->spec.name);
    o->spec.name = g_strdup(values[i]);
    g_free(o->spec.release_notes);
    o->spec.release_notes = g_strdup(values[(i + 7) % G_N_ELEMENTS(values)]);
    g_free(o->instruction);
    o->instruction = i % 2 == 0 ? g_strdup(values[(i + 3) % G_N_ELEMENTS(values)]) : NULL;
    g_free(o->step);
    o->step = i % 3 == 1 ? g_strdup(values[(i + 2) % G_N_ELEMENTS(values)]) : NULL;
    g_free(o->finish_message);
    o->finish_message = i % 2 == 1 ? g_strdup(values[(i + 5) % G_N_ELEMENTS(values)]) : NULL;
    o->reboot_at = i % 3 == 0 ? G_MININT64 : (gint64)i * 1000;
    o->spec.size = i % 2 == 0 ? G_MAXUINT64 : i;
    o->charge_ok = i % 2;
    o->wait_wifi = i % 3 == 0;
    o->download_asked = i % 2 == 0;
    /* "Install tonight": the window, or why the last one passed unused */
    o->tonight_start = i % 4 == 0 ? 1700000000 + (gint64)i : 0;
    o->tonight_end = o->tonight_start != 0 ? o->tonight_start + 4 * 3600 : 0;
    o->tonight_missed = i % 4 == 2 ? (guint)(i % 15) + 1 : 0;
    ours = otaux_store_serialize(o, &ours_len);
    theirs = keyfile_serialize(o, &theirs_len);
    assert_string_equal(ours, theirs);
    assert_int_equal(ours_len, theirs_len);
    back = otaux_store_parse(ours, ours_len, NULL);
    if (o->reboot_at >= 0) {
      assert_non_null(back);
      assert_offers_equal(o, back);
    }
  }
}

static void test_save_load_round_trip(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) a = full_offer(12);
  g_autoptr(OtauxOffer) b = full_offer(3);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename(f->offers_dir, "12.offer", NULL);
  GStatBuf st;

  assert_true(otaux_store_save(f->store, a, &error));
  assert_true(otaux_store_save(f->store, b, &error));
  assert_int_equal(g_stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(g_stat(f->offers_dir, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);

  loaded = otaux_store_load(f->store, on_corrupt, f, &error);
  assert_non_null(loaded);
  assert_int_equal(loaded->len, 2);
  /* Sorted by serial. */
  assert_offers_equal(b, g_ptr_array_index(loaded, 0));
  assert_offers_equal(a, g_ptr_array_index(loaded, 1));
  assert_int_equal(f->corrupt->len, 0);
  assert_string_equal(otaux_store_get_dir(f->store), f->dir);
}

static guint count_files(const char *dir, const char *suffix)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name(d)) != NULL)
    if (g_str_has_suffix(name, suffix))
      n++;
  return n;
}

static void test_save_leaves_no_tmp_and_replaces(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = full_offer(4);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *stale = g_build_filename(f->offers_dir, ".4.offer.tmp", NULL);

  /* A stale tmp from an earlier crash does not block the next save. */
  assert_true(g_file_set_contents(stale, "junk", -1, NULL));
  assert_true(otaux_store_save(f->store, o, NULL));
  assert_int_equal(count_files(f->offers_dir, ".tmp"), 0);
  o->n_delays = 3;
  assert_true(otaux_store_save(f->store, o, NULL));
  assert_int_equal(count_files(f->offers_dir, ".tmp"), 0);
  assert_int_equal(count_files(f->offers_dir, ".offer"), 1);

  loaded = otaux_store_load(f->store, NULL, NULL, NULL);
  assert_int_equal(loaded->len, 1);
  assert_int_equal(((OtauxOffer *)g_ptr_array_index(loaded, 0))->n_delays, 3);
}

static guint count_fds(void)
{
  g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
  guint n = 0;

  assert_non_null(dir);
  while (g_dir_read_name(dir) != NULL)
    n++;
  return n;
}

/* The file a save replaces is held open across the rename (its blocks are
 * not freed before the save returns) and let go from the main loop. */
static void test_replaced_file_let_go(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = full_offer(5);
  guint before;

  assert_true(otaux_store_save(f->store, o, NULL));
  while (g_main_context_iteration(NULL, FALSE))
    ;
  before = count_fds();
  o->n_delays = 1;
  assert_true(otaux_store_save(f->store, o, NULL));
  assert_int_equal(count_fds(), before + 1);
  while (g_main_context_iteration(NULL, FALSE))
    ;
  assert_int_equal(count_fds(), before);
  /* A new offer replaces nothing: nothing held. */
  otaux_offer_free(o);
  o = full_offer(6);
  assert_true(otaux_store_save(f->store, o, NULL));
  assert_int_equal(count_fds(), before);
}

/* offers/ removed and made again by someone else while the store holds the
 * old one open: the next save goes to the folder at the path. */
static void test_folder_replaced_under_store(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = full_offer(9);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;

  otaux_test_rm_rf(f->offers_dir);
  assert_int_equal(g_mkdir(f->offers_dir, 0700), 0);
  assert_true(otaux_store_save(f->store, o, &error));
  g_assert_no_error(error);
  assert_int_equal(count_files(f->offers_dir, ".offer"), 1);
  loaded = otaux_store_load(f->store, on_corrupt, f, &error);
  assert_non_null(loaded);
  assert_int_equal(loaded->len, 1);
  assert_int_equal(((OtauxOffer *)loaded->pdata[0])->serial, 9);
}

/* A power cut between writing the tmp file and the rename: the old file stands. */
static void test_crash_before_rename_keeps_old(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = full_offer(8);
  g_autoptr(OtauxOffer) newer = full_offer(8);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *tmp = g_build_filename(f->offers_dir, ".8.offer.tmp", NULL);
  g_autofree char *data = NULL;
  gsize len;

  assert_true(otaux_store_save(f->store, o, NULL));
  newer->n_delays = 3;
  data = otaux_store_serialize(newer, &len);
  /* Even a complete tmp file is not the state until renamed; a torn one even less. */
  assert_true(g_file_set_contents(tmp, data, (gssize)len / 2, NULL));

  loaded = otaux_store_load(f->store, on_corrupt, f, NULL);
  assert_int_equal(loaded->len, 1);
  assert_offers_equal(o, g_ptr_array_index(loaded, 0));
  assert_int_equal(f->corrupt->len, 0);
  assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
}

static void test_corrupt_set_aside(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) good = full_offer(1);
  g_autoptr(OtauxOffer) truncated = full_offer(2);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *p2 = g_build_filename(f->offers_dir, "2.offer", NULL);
  g_autofree char *p3 = g_build_filename(f->offers_dir, "3.offer", NULL);
  g_autofree char *p9 = g_build_filename(f->offers_dir, "9.offer", NULL);
  g_autofree char *stray = g_build_filename(f->offers_dir, "notes.txt", NULL);
  gsize len;

  assert_true(otaux_store_save(f->store, good, NULL));
  data = otaux_store_serialize(truncated, &len);
  assert_true(g_file_set_contents(p2, data, (gssize)len / 2, NULL));
  assert_true(g_file_set_contents(p3, "\x01\x02 garbage \xff\xfe", -1, NULL));
  /* Well-formed, but filed under the wrong serial. */
  g_free(data);
  data = otaux_store_serialize(good, &len);
  assert_true(g_file_set_contents(p9, data, (gssize)len, NULL));
  assert_true(g_file_set_contents(stray, "not an offer", -1, NULL));

  loaded = otaux_store_load(f->store, on_corrupt, f, &error);
  assert_non_null(loaded);
  assert_int_equal(loaded->len, 1);
  assert_int_equal(((OtauxOffer *)g_ptr_array_index(loaded, 0))->serial, 1);
  assert_int_equal(f->corrupt->len, 3);
  assert_int_equal(count_files(f->offers_dir, ".corrupt"), 3);
  assert_false(g_file_test(p2, G_FILE_TEST_EXISTS));
  assert_true(g_file_test(stray, G_FILE_TEST_EXISTS));

  /* Set aside once: the next load is clean. */
  g_ptr_array_set_size(f->corrupt, 0);
  g_clear_pointer(&loaded, g_ptr_array_unref);
  loaded = otaux_store_load(f->store, on_corrupt, f, &error);
  assert_int_equal(loaded->len, 1);
  assert_int_equal(f->corrupt->len, 0);
}

/* Hand edits that parse as key files but carry nonsense are refused. */
/* The restart stage of an installing offer survives the agent's restart. */
static void test_stage_round_trip(void **state)
{
  g_autoptr(OtauxOffer) o = full_offer(7);
  g_autoptr(OtauxOffer) back = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  o->phase = OTAUX_PHASE_INSTALLING;
  o->stage = OTAUX_STAGE_RESTARTING;
  data = otaux_store_serialize(o, &len);
  assert_non_null(strstr(data, "\nstage=restarting\n"));
  back = otaux_store_parse(data, len, NULL);
  assert_non_null(back);
  assert_offers_equal(o, back);
}

static void test_parse_validates(void **state)
{
  static const struct {
    const char *key;
    const char *value;
  } bad[] = {
    { "phase", "sleeping" },    { "decision", "maybe" },
    { "reason", "because" },    { "decided-in", "" },
    { "priority", "urgent" },   { "state", "45" },
    { "offer-state", "90" },    { "result", "300" },
    { "serial", "0" },          { "serial", "-1" },
    { "size", "12abc" },        { "delays", "" },
    { "silent", "perhaps" },    { "deadline", "-5" },
    { "reminder-index", "99" }, { "id", "" },
    { "format", "2" },          { "bytes-done", "999" },
    { "stage", "rebooting" },   { "stage", "restarting" }, /* only an installing offer */
  };
  g_autoptr(OtauxOffer) o = full_offer(6);
  gsize len;
  g_autofree char *data = otaux_store_serialize(o, &len);

  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *edited = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(OtauxOffer) parsed = NULL;
    gsize edited_len = 0;

    assert_true(g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, NULL));
    g_key_file_set_value(kf, "offer", bad[i].key, bad[i].value);
    edited = g_key_file_to_data(kf, &edited_len, NULL);
    parsed = otaux_store_parse(edited, edited_len, &error);
    if (parsed != NULL)
      fail_msg("%s=%s was accepted", bad[i].key, bad[i].value);
    assert_true(g_error_matches(error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_CORRUPT));
  }

  /* A missing key, an oversize string, no group, an empty file. */
  {
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *edited = NULL;
    g_autofree char *huge = g_strnfill(OTAUX_LIMIT_NAME_BYTES + 1, 'n');

    assert_true(g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, NULL));
    gsize edited_len = 0;

    g_key_file_remove_key(kf, "offer", "changed-at", NULL);
    edited = g_key_file_to_data(kf, &edited_len, NULL);
    assert_null(otaux_store_parse(edited, edited_len, NULL));
    g_free(edited);
    assert_true(g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, NULL));
    g_key_file_set_string(kf, "offer", "name", huge);
    edited = g_key_file_to_data(kf, &edited_len, NULL);
    assert_null(otaux_store_parse(edited, edited_len, NULL));
  }
  assert_null(otaux_store_parse("[other]\nx=1\n", 12, NULL));
  assert_null(otaux_store_parse("", 0, NULL));
}

static void test_remove(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = full_offer(2);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;

  assert_true(otaux_store_save(f->store, o, NULL));
  assert_true(otaux_store_remove(f->store, 2, &error));
  /* Already gone is fine. */
  assert_true(otaux_store_remove(f->store, 2, &error));
  assert_true(otaux_store_remove(f->store, 77, &error));
  loaded = otaux_store_load(f->store, NULL, NULL, NULL);
  assert_int_equal(loaded->len, 0);
}

static void test_io_errors(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = full_offer(2);
  g_autoptr(GError) save_error = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(GError) new_error = NULL;
  g_autofree char *under_file = NULL;
  g_autoptr(OtauxStore) bad = NULL;

  /* Replace the offers folder with a file: chmod would not stop root. */
  assert_int_equal(g_rmdir(f->offers_dir), 0);
  assert_true(g_file_set_contents(f->offers_dir, "x", -1, NULL));
  assert_false(otaux_store_save(f->store, o, &save_error));
  assert_true(g_error_matches(save_error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));
  assert_null(otaux_store_load(f->store, NULL, NULL, &load_error));
  assert_true(g_error_matches(load_error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));

  under_file = g_build_filename(f->offers_dir, "sub", NULL);
  bad = otaux_store_new(under_file, &new_error);
  assert_null(bad);
  assert_true(g_error_matches(new_error, OTAUX_STORE_ERROR, OTAUX_STORE_ERROR_IO));
  otaux_store_free(NULL);
}

/* The folders' durability, through otaux-fs's trace seam: "op path\n"
 * per mkdir or folder fsync, paths relative to the prefix. */
typedef struct {
  const char *prefix;
  GString *ops;
} Trace;

static void on_fs(const char *op, const char *path, gpointer user_data)
{
  Trace *t = user_data;
  gsize n = strlen(t->prefix);

  if (strncmp(path, t->prefix, n) == 0)
    path += n;
  g_string_append_printf(t->ops, "%s %s\n", op, path[0] != '\0' ? path : "/");
}

static void test_first_start_syncs_new_folders(void **state)
{
  g_autofree char *base = g_dir_make_tmp("otaux-store-first-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename(base, "state", "otaux", NULL);
  g_autoptr(OtauxOffer) o = full_offer(4);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxStore) store = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  Trace t = { base, g_string_new("") };

  (void)state;
  otaux_fs_set_trace(on_fs, &t);
  store = otaux_store_new(dir, &error);
  assert_non_null(store);
  /* Every level made is synced into its parent before anything goes in it. */
  assert_string_equal(t.ops->str, "mkdir /state\nfsync /\n"
                                  "mkdir /state/otaux\nfsync /state\n"
                                  "mkdir /state/otaux/offers\nfsync /state/otaux\n");
  g_string_truncate(t.ops, 0);
  assert_true(otaux_store_save(store, o, &error));
  assert_string_equal(t.ops->str, "fsync /state/otaux/offers\n");
  g_string_truncate(t.ops, 0);
  /* A second start finds the folders: nothing made, but each synced into
   * its parent once, in case the run that made it crashed before that fsync. */
  otaux_store_free(g_steal_pointer(&store));
  store = otaux_store_new(dir, &error);
  assert_non_null(store);
  assert_string_equal(t.ops->str, "fsync /state\nfsync /state/otaux\n");
  otaux_fs_set_trace(NULL, NULL);
  loaded = otaux_store_load(store, NULL, NULL, &error);
  assert_int_equal(loaded->len, 1);
  g_string_free(t.ops, TRUE);
  otaux_test_rm_rf(base);
}

/* The agent crashed after its mkdir of the state folder and offers/, before
 * the fsync of their parents: the next start syncs both parents. */
static void test_start_settles_found_folders(void **state)
{
  g_autofree char *base = g_dir_make_tmp("otaux-store-found-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename(base, "otaux", NULL);
  g_autofree char *offers = g_build_filename(dir, "offers", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtauxStore) store = NULL;
  Trace t = { base, g_string_new("") };

  (void)state;
  assert_int_equal(g_mkdir(dir, 0700), 0); /* no fsync: the crash */
  assert_int_equal(g_mkdir(offers, 0700), 0);
  otaux_fs_set_trace(on_fs, &t);
  store = otaux_store_new(dir, &error);
  otaux_fs_set_trace(NULL, NULL);
  assert_non_null(store);
  assert_string_equal(t.ops->str, "fsync /\nfsync /otaux\n");
  /* only offers/ found: the state folder's parent and offers/'s parent */
  g_string_truncate(t.ops, 0);
  otaux_store_free(g_steal_pointer(&store));
  assert_int_equal(g_rmdir(offers), 0);
  otaux_fs_set_trace(on_fs, &t);
  store = otaux_store_new(dir, &error);
  otaux_fs_set_trace(NULL, NULL);
  assert_non_null(store);
  assert_string_equal(t.ops->str, "fsync /\nmkdir /otaux/offers\nfsync /otaux\n");
  g_string_free(t.ops, TRUE);
  otaux_test_rm_rf(base);
}

static void test_missing_folder_made_again(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = full_offer(6);
  g_autoptr(OtauxOffer) p = full_offer(7);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  Trace t = { f->dir, g_string_new("") };

  /* offers/ goes away under a running agent: the next save makes it again,
   * synced into the state folder, before the offer's own write. */
  assert_int_equal(g_rmdir(f->offers_dir), 0);
  otaux_fs_set_trace(on_fs, &t);
  assert_true(otaux_store_save(f->store, o, &error));
  assert_string_equal(t.ops->str, "mkdir /offers\nfsync /\nfsync /offers\n");
  /* The whole state folder gone: both levels again. */
  otaux_test_rm_rf(f->dir);
  g_string_truncate(t.ops, 0);
  assert_true(otaux_store_save(f->store, p, &error));
  otaux_fs_set_trace(NULL, NULL);
  assert_non_null(strstr(t.ops->str, "mkdir /\n"));
  assert_non_null(strstr(t.ops->str, "\nmkdir /offers\nfsync /\nfsync /offers\n"));
  loaded = otaux_store_load(f->store, on_corrupt, f, &error);
  assert_int_equal(loaded->len, 1);
  assert_int_equal(((OtauxOffer *)loaded->pdata[0])->serial, 7);
  g_string_free(t.ops, TRUE);
}

static void test_default_dir(void **state)
{
  g_autofree char *dir = otaux_store_default_dir();
  g_autofree char *expected = g_build_filename(g_get_user_state_dir(), "otaux", NULL);

  assert_string_equal(dir, expected);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_serialize_round_trip),
    cmocka_unit_test(test_serialize_matches_keyfile),
    cmocka_unit_test_setup_teardown(test_save_load_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown(test_save_leaves_no_tmp_and_replaces, setup, teardown),
    cmocka_unit_test_setup_teardown(test_replaced_file_let_go, setup, teardown),
    cmocka_unit_test_setup_teardown(test_folder_replaced_under_store, setup, teardown),
    cmocka_unit_test_setup_teardown(test_crash_before_rename_keeps_old, setup, teardown),
    cmocka_unit_test_setup_teardown(test_corrupt_set_aside, setup, teardown),
    cmocka_unit_test(test_stage_round_trip),
    cmocka_unit_test(test_parse_validates),
    cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
    cmocka_unit_test_setup_teardown(test_io_errors, setup, teardown),
    cmocka_unit_test(test_default_dir),
    cmocka_unit_test(test_first_start_syncs_new_folders),
    cmocka_unit_test(test_start_settles_found_folders),
    cmocka_unit_test_setup_teardown(test_missing_folder_made_again, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
