/* Validation of D-Bus arguments, on DBusMessages built in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "otaux-agent.h"
#include "otaux-dbus-error.h"
#include "otaux-dbus-util.h"
#include "otaux-dbus-validate.h"

static DBusMessage *new_call(const char *member)
{
  return dbus_message_new_method_call("org.otaux.Agent", "/org/otaux/Agent", "org.otaux.Agent1",
                                      member);
}

/* Entries: key, D-Bus type, pointer to value; ends with a NULL key. */
typedef struct {
  const char *key;
  int type;
  const void *value; /* for every type but strings */
  const char *str;   /* for strings */
} Entry;

static void append_dict(DBusMessageIter *iter, const Entry *entries)
{
  DBusMessageIter dict, entry, var;
  dbus_message_iter_open_container(iter, DBUS_TYPE_ARRAY, "{sv}", &dict);
  for (const Entry *e = entries; e->key != NULL; e++) {
    char sig[2] = { (char)e->type, 0 };
    dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &e->key);
    dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, sig, &var);
    dbus_message_iter_append_basic(&var, e->type,
                                   e->type == DBUS_TYPE_STRING ? (const void *)&e->str : e->value);
    dbus_message_iter_close_container(&entry, &var);
    dbus_message_iter_close_container(&dict, &entry);
  }
  dbus_message_iter_close_container(iter, &dict);
}

static DBusMessage *offer_msg(const Entry *entries)
{
  DBusMessage *msg = new_call("Offer");
  DBusMessageIter iter;
  dbus_message_iter_init_append(msg, &iter);
  append_dict(&iter, entries);
  return msg;
}

#define STR(k, v)                                                                                  \
  {                                                                                                \
    k, DBUS_TYPE_STRING, NULL, v                                                                   \
  }

/* Parses an offer and returns the D-Bus error name, or NULL on success. */
static const char *parse_offer_error(const Entry *entries, OtauxOfferSpec *spec)
{
  g_autoptr(DBusMessage) msg = offer_msg(entries);
  static GError *error;
  g_clear_error(&error);
  otaux_offer_spec_init(spec);
  if (otaux_dbus_parse_offer(msg, spec, &error))
    return NULL;
  assert_non_null(error);
  assert_true(error->message != NULL && *error->message != '\0');
  return otaux_dbus_error_name(error);
}

static void test_offer_all_keys(void **state)
{
  dbus_uint64_t size = 123456789;
  dbus_uint32_t fumo = 40, secs = 600;
  dbus_bool_t yes = TRUE;
  dbus_int64_t deadline = 2000000000;
  OtauxOfferSpec spec;
  Entry e[] = {
    STR("id", "{5b1c7a2e-0000-4000-8000-1234567890ab}"),
    STR("name", "Phone firmware"),
    STR("version", "2.1.0"),
    STR("priority", "high"),
    { "size", DBUS_TYPE_UINT64, &size },
    STR("url", "https://example.invalid/fw.bin"),
    { "state", DBUS_TYPE_UINT32, &fumo },
    { "silent", DBUS_TYPE_BOOLEAN, &yes },
    { "forced", DBUS_TYPE_BOOLEAN, &yes },
    { "roaming", DBUS_TYPE_BOOLEAN, &yes },
    { "needs-reboot", DBUS_TYPE_BOOLEAN, &yes },
    STR("release-notes", "Fixes."),
    STR("message", "opr-install"),
    { "deadline", DBUS_TYPE_INT64, &deadline },
    { "install-seconds", DBUS_TYPE_UINT32, &secs },
    STR("correlator", "corr-1"),
    STR("x-unknown-key", "ignored"),
    { NULL },
  };

  assert_null(parse_offer_error(e, &spec));
  assert_string_equal(spec.id, "{5b1c7a2e-0000-4000-8000-1234567890ab}");
  assert_string_equal(spec.name, "Phone firmware");
  assert_string_equal(spec.version, "2.1.0");
  assert_int_equal(spec.priority, OTAUX_PRIORITY_HIGH);
  assert_true(spec.size == size);
  assert_string_equal(spec.url, "https://example.invalid/fw.bin");
  assert_int_equal(spec.state, 40);
  assert_true(spec.silent && spec.forced && spec.roaming && spec.needs_reboot);
  assert_string_equal(spec.release_notes, "Fixes.");
  assert_string_equal(spec.message, "opr-install");
  assert_true(spec.deadline == deadline);
  assert_int_equal(spec.install_seconds, 600);
  assert_string_equal(spec.correlator, "corr-1");
  guint32 all = OTAUX_SPEC_NAME | OTAUX_SPEC_VERSION | OTAUX_SPEC_PRIORITY | OTAUX_SPEC_SIZE |
                OTAUX_SPEC_URL | OTAUX_SPEC_STATE | OTAUX_SPEC_SILENT | OTAUX_SPEC_FORCED |
                OTAUX_SPEC_ROAMING | OTAUX_SPEC_NEEDS_REBOOT | OTAUX_SPEC_RELEASE_NOTES |
                OTAUX_SPEC_MESSAGE | OTAUX_SPEC_DEADLINE | OTAUX_SPEC_INSTALL_SECONDS |
                OTAUX_SPEC_CORRELATOR;
  assert_int_equal(spec.fields, all);
  otaux_offer_spec_clear(&spec);
}

static void test_offer_only_id(void **state)
{
  OtauxOfferSpec spec;
  Entry e[] = { STR("id", "fw-1"), { NULL } };
  assert_null(parse_offer_error(e, &spec));
  assert_string_equal(spec.id, "fw-1");
  assert_int_equal(spec.fields, 0);
  otaux_offer_spec_clear(&spec);
}

static void test_offer_missing_id(void **state)
{
  OtauxOfferSpec spec;
  Entry e[] = { STR("name", "x"), { NULL } };
  assert_string_equal(parse_offer_error(e, &spec), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
}

static void test_offer_empty_id(void **state)
{
  OtauxOfferSpec spec;
  Entry e[] = { STR("id", ""), { NULL } };
  assert_string_equal(parse_offer_error(e, &spec), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
}

/* Every known key, given an int32 where it wants something else. */
static void test_offer_wrong_types(void **state)
{
  static const char *const keys[] = { "id",      "name",     "version",         "priority",
                                      "size",    "url",      "state",           "silent",
                                      "forced",  "roaming",  "needs-reboot",    "release-notes",
                                      "message", "deadline", "install-seconds", "correlator" };
  dbus_int32_t i32 = 1;

  for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
    OtauxOfferSpec spec;
    Entry e[] = { STR("id", "fw-1"), { keys[i], DBUS_TYPE_INT32, &i32 }, { NULL } };
    g_autoptr(DBusMessage) msg = offer_msg(strcmp(keys[i], "id") == 0 ? e + 1 : e);
    g_autoptr(GError) error = NULL;
    otaux_offer_spec_init(&spec);
    assert_false(otaux_dbus_parse_offer(msg, &spec, &error));
    assert_string_equal(otaux_dbus_error_name(error), OTAUX_ERROR_INVALID_ARGS);
    assert_non_null(strstr(error->message, keys[i]));
    otaux_offer_spec_clear(&spec);
  }
}

static void test_offer_duplicate_key(void **state)
{
  OtauxOfferSpec spec;
  Entry e[] = { STR("id", "a"), STR("id", "b"), { NULL } };
  assert_string_equal(parse_offer_error(e, &spec), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
}

static void test_offer_unknown_priority(void **state)
{
  OtauxOfferSpec spec;
  Entry e[] = { STR("id", "a"), STR("priority", "urgent"), { NULL } };
  assert_string_equal(parse_offer_error(e, &spec), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
}

static void test_offer_unknown_state(void **state)
{
  OtauxOfferSpec spec;
  dbus_uint32_t bad = 35, terminal = 100;
  Entry e1[] = { STR("id", "a"), { "state", DBUS_TYPE_UINT32, &bad }, { NULL } };
  Entry e2[] = { STR("id", "a"), { "state", DBUS_TYPE_UINT32, &terminal }, { NULL } };
  assert_string_equal(parse_offer_error(e1, &spec), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
  assert_string_equal(parse_offer_error(e2, &spec), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
}

/* Each string key at its limit passes, one byte more is refused. */
static void test_offer_string_limits(void **state)
{
  static const struct {
    const char *key;
    gsize limit;
  } limits[] = {
    { "id", OTAUX_LIMIT_ID_BYTES },
    { "name", OTAUX_LIMIT_NAME_BYTES },
    { "version", OTAUX_LIMIT_VERSION_BYTES },
    { "url", OTAUX_LIMIT_URL_BYTES },
    { "release-notes", OTAUX_LIMIT_RELEASE_NOTES_BYTES },
    { "message", OTAUX_LIMIT_MESSAGE_BYTES },
    { "correlator", OTAUX_LIMIT_CORRELATOR_BYTES },
    { "install-message", OTAUX_LIMIT_INSTALL_MSG_BYTES },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(limits); i++) {
    for (gsize extra = 0; extra <= 1; extra++) {
      g_autofree char *value = g_strnfill(limits[i].limit + extra, 'x');
      OtauxOfferSpec spec;
      gboolean is_id = strcmp(limits[i].key, "id") == 0;
      Entry e[] = { STR("id", "fw-1"), STR(limits[i].key, value), { NULL } };
      const char *err = parse_offer_error(is_id ? e + 1 : e, &spec);
      if (extra == 0)
        assert_null(err);
      else
        assert_string_equal(err, OTAUX_ERROR_INVALID_ARGS);
      otaux_offer_spec_clear(&spec);
    }
  }
}

static void test_offer_too_many_entries(void **state)
{
  Entry e[OTAUX_LIMIT_DICT_ENTRIES + 2];
  char names[OTAUX_LIMIT_DICT_ENTRIES + 1][16];
  OtauxOfferSpec spec;

  e[0] = (Entry)STR("id", "fw");
  for (int i = 0; i < OTAUX_LIMIT_DICT_ENTRIES; i++) {
    g_snprintf(names[i], sizeof names[i], "x-%d", i);
    e[i + 1] = (Entry)STR(names[i], "v");
  }
  e[OTAUX_LIMIT_DICT_ENTRIES + 1] = (Entry){ NULL };
  assert_string_equal(parse_offer_error(e, &spec), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
  /* exactly the limit is fine */
  e[OTAUX_LIMIT_DICT_ENTRIES] = (Entry){ NULL };
  assert_null(parse_offer_error(e, &spec));
  otaux_offer_spec_clear(&spec);
}

static void test_offer_wrong_signature(void **state)
{
  g_autoptr(DBusMessage) msg = new_call("Offer");
  g_autoptr(GError) error = NULL;
  const char *s = "fw-1";
  OtauxOfferSpec spec;
  otaux_offer_spec_init(&spec);
  dbus_message_append_args(msg, DBUS_TYPE_STRING, &s, DBUS_TYPE_INVALID);
  assert_false(otaux_dbus_parse_offer(msg, &spec, &error));
  assert_string_equal(otaux_dbus_error_name(error), OTAUX_ERROR_INVALID_ARGS);
  otaux_offer_spec_clear(&spec);
}

static DBusMessage *set_state_msg(dbus_uint32_t fumo, const Entry *details)
{
  DBusMessage *msg = new_call("SetState");
  DBusMessageIter iter;
  dbus_message_iter_init_append(msg, &iter);
  dbus_message_iter_append_basic(&iter, DBUS_TYPE_UINT32, &fumo);
  append_dict(&iter, details);
  return msg;
}

static void test_set_state(void **state)
{
  dbus_uint64_t done = 10, total = 100, big = 101;
  dbus_int32_t wrong = 1;
  guint32 st = 0;
  guint64 d = 0, t = 0;
  Entry ok[] = { { "bytes-done", DBUS_TYPE_UINT64, &done },
                 { "bytes-total", DBUS_TYPE_UINT64, &total },
                 { NULL } };
  Entry over[] = { { "bytes-done", DBUS_TYPE_UINT64, &big },
                   { "bytes-total", DBUS_TYPE_UINT64, &total },
                   { NULL } };
  Entry typed[] = { { "bytes-done", DBUS_TYPE_INT32, &wrong }, { NULL } };
  Entry none[] = { { NULL } };

  g_autoptr(DBusMessage) m1 = set_state_msg(30, ok);
  assert_true(otaux_dbus_parse_set_state(m1, &st, &d, &t, NULL));
  assert_int_equal(st, 30);
  assert_true(d == 10 && t == 100);

  g_autoptr(GError) e2 = NULL;
  g_autoptr(DBusMessage) m2 = set_state_msg(30, over);
  assert_false(otaux_dbus_parse_set_state(m2, &st, &d, &t, &e2));
  assert_string_equal(otaux_dbus_error_name(e2), OTAUX_ERROR_INVALID_ARGS);

  g_autoptr(GError) e3 = NULL;
  g_autoptr(DBusMessage) m3 = set_state_msg(30, typed);
  assert_false(otaux_dbus_parse_set_state(m3, &st, &d, &t, &e3));
  assert_string_equal(otaux_dbus_error_name(e3), OTAUX_ERROR_INVALID_ARGS);

  g_autoptr(GError) e4 = NULL;
  g_autoptr(DBusMessage) m4 = set_state_msg(35, none);
  assert_false(otaux_dbus_parse_set_state(m4, &st, &d, &t, &e4));
  assert_string_equal(otaux_dbus_error_name(e4), OTAUX_ERROR_INVALID_ARGS);

  static const dbus_uint32_t valid[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
  for (gsize i = 0; i < G_N_ELEMENTS(valid); i++) {
    g_autoptr(DBusMessage) m = set_state_msg(valid[i], none);
    assert_true(otaux_dbus_parse_set_state(m, &st, &d, &t, NULL));
    assert_int_equal(st, valid[i]);
  }
}

/* SetState's "instruction": a string up to its limit, valid UTF-8. */
static void test_set_state_instruction(void **state)
{
  g_autofree char *at_limit = g_strnfill(OTAUX_LIMIT_INSTRUCTION_BYTES, 'x');
  g_autofree char *over = g_strnfill(OTAUX_LIMIT_INSTRUCTION_BYTES + 1, 'x');
  Entry ok[] = { STR("instruction", "Replug the device"), { NULL } };
  Entry full[] = { STR("instruction", at_limit), { NULL } };
  Entry long_[] = { STR("instruction", over), { NULL } };
  OtauxStateDetails d = { 0 };
  guint32 st = 0;

  g_autoptr(DBusMessage) m1 = set_state_msg(60, ok);
  assert_true(otaux_dbus_parse_set_state_details(m1, &st, &d, NULL));
  assert_string_equal(d.instruction, "Replug the device");
  g_clear_pointer(&d.instruction, g_free);

  g_autoptr(DBusMessage) m2 = set_state_msg(60, full);
  assert_true(otaux_dbus_parse_set_state_details(m2, &st, &d, NULL));
  g_clear_pointer(&d.instruction, g_free);

  g_autoptr(GError) e3 = NULL;
  g_autoptr(DBusMessage) m3 = set_state_msg(60, long_);
  assert_false(otaux_dbus_parse_set_state_details(m3, &st, &d, &e3));
  assert_string_equal(otaux_dbus_error_name(e3), OTAUX_ERROR_INVALID_ARGS);
  assert_null(d.instruction);
}

/* SetState's "step": a string up to 256 bytes, beside "instruction". */
static void test_set_state_step(void **state)
{
  g_autofree char *at_limit = g_strnfill(OTAUX_LIMIT_STEP_BYTES, 'x');
  g_autofree char *over = g_strnfill(OTAUX_LIMIT_STEP_BYTES + 1, 'x');
  dbus_uint32_t number = 3;
  Entry ok[] = { STR("step", "Copying image to rootfs.1"),
                 STR("instruction", "Keep it plugged"),
                 { NULL } };
  Entry full[] = { STR("step", at_limit), { NULL } };
  Entry long_[] = { STR("step", over), STR("instruction", "x"), { NULL } };
  Entry typed[] = { { "step", DBUS_TYPE_UINT32, &number }, { NULL } };
  OtauxStateDetails d = { 0 };
  guint32 st = 0;

  g_autoptr(DBusMessage) m1 = set_state_msg(60, ok);
  assert_true(otaux_dbus_parse_set_state_details(m1, &st, &d, NULL));
  assert_string_equal(d.step, "Copying image to rootfs.1");
  assert_string_equal(d.instruction, "Keep it plugged");
  g_clear_pointer(&d.step, g_free);
  g_clear_pointer(&d.instruction, g_free);

  g_autoptr(DBusMessage) m2 = set_state_msg(60, full);
  assert_true(otaux_dbus_parse_set_state_details(m2, &st, &d, NULL));
  assert_int_equal(strlen(d.step), OTAUX_LIMIT_STEP_BYTES);
  g_clear_pointer(&d.step, g_free);

  const Entry *bad[] = { long_, typed };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(DBusMessage) m = set_state_msg(60, bad[i]);
    assert_false(otaux_dbus_parse_set_state_details(m, &st, &d, &error));
    assert_string_equal(otaux_dbus_error_name(error), OTAUX_ERROR_INVALID_ARGS);
    assert_non_null(strstr(error->message, "'step'"));
    assert_null(d.step);
    assert_null(d.instruction);
  }
}

static void test_finish(void **state)
{
  static const struct {
    dbus_uint32_t code;
    gboolean ok;
  } cases[] = { { 200, TRUE },  { 250, TRUE },  { 299, TRUE },  { 401, TRUE },
                { 599, TRUE },  { 0, FALSE },   { 199, FALSE }, { 201, FALSE },
                { 300, FALSE }, { 399, FALSE }, { 600, FALSE } };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(DBusMessage) msg = new_call("Finish");
    g_autoptr(GError) error = NULL;
    guint32 result = 0;
    dbus_message_append_args(msg, DBUS_TYPE_UINT32, &cases[i].code, DBUS_TYPE_INVALID);
    assert_int_equal(otaux_dbus_parse_finish(msg, &result, &error), cases[i].ok);
    if (cases[i].ok)
      assert_int_equal(result, cases[i].code);
    else
      assert_string_equal(otaux_dbus_error_name(error), OTAUX_ERROR_INVALID_ARGS);
  }
}

static DBusMessage *finish_details_msg(dbus_uint32_t code, const Entry *details)
{
  DBusMessage *msg = new_call("FinishWithDetails");
  DBusMessageIter iter;
  dbus_message_iter_init_append(msg, &iter);
  dbus_message_iter_append_basic(&iter, DBUS_TYPE_UINT32, &code);
  append_dict(&iter, details);
  return msg;
}

/* FinishWithDetails: the codes of Finish; "message" a string up to its
 * limit, of type s; unknown keys ignored; anything else InvalidArgs. */
static void test_finish_with_details(void **state)
{
  g_autofree char *at_limit = g_strnfill(OTAUX_LIMIT_FINISH_MSG_BYTES, 'x');
  g_autofree char *over = g_strnfill(OTAUX_LIMIT_FINISH_MSG_BYTES + 1, 'x');
  dbus_uint32_t number = 7;
  Entry ok[] = { STR("message", "<b>Compatible</b> & mismatch"),
                 STR("unknown-key", "x"),
                 { NULL } };
  Entry full[] = { STR("message", at_limit), { NULL } };
  Entry long_[] = { STR("message", over), { NULL } };
  Entry typed[] = { { "message", DBUS_TYPE_UINT32, &number }, { NULL } };
  Entry twice[] = { STR("message", "a"), STR("message", "b"), { NULL } };
  Entry none[] = { { NULL } };
  OtauxFinishDetails d = { 0 };
  guint32 result = 0;

  g_autoptr(DBusMessage) m1 = finish_details_msg(410, ok);
  assert_true(otaux_dbus_parse_finish_details(m1, &result, &d, NULL));
  assert_int_equal(result, 410);
  assert_string_equal(d.message, "<b>Compatible</b> & mismatch"); /* as sent: plain text */
  g_clear_pointer(&d.message, g_free);

  g_autoptr(DBusMessage) m2 = finish_details_msg(200, full);
  assert_true(otaux_dbus_parse_finish_details(m2, &result, &d, NULL));
  assert_int_equal(strlen(d.message), OTAUX_LIMIT_FINISH_MSG_BYTES);
  g_clear_pointer(&d.message, g_free);

  g_autoptr(DBusMessage) m3 = finish_details_msg(200, none);
  assert_true(otaux_dbus_parse_finish_details(m3, &result, &d, NULL));
  assert_null(d.message);

  const Entry *bad[] = { long_, typed, twice };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(DBusMessage) m = finish_details_msg(410, bad[i]);
    assert_false(otaux_dbus_parse_finish_details(m, &result, &d, &error));
    assert_string_equal(otaux_dbus_error_name(error), OTAUX_ERROR_INVALID_ARGS);
    assert_non_null(strstr(error->message, "'message'"));
    assert_null(d.message);
  }
  g_autoptr(GError) e4 = NULL;
  g_autoptr(DBusMessage) m4 = finish_details_msg(300, ok);
  assert_false(otaux_dbus_parse_finish_details(m4, &result, &d, &e4));
  assert_string_equal(otaux_dbus_error_name(e4), OTAUX_ERROR_INVALID_ARGS);
  assert_null(d.message);
}

static DBusMessage *answer_msg(const char *choice, const Entry *details)
{
  DBusMessage *msg = new_call("Answer");
  DBusMessageIter iter;
  dbus_message_iter_init_append(msg, &iter);
  dbus_message_iter_append_basic(&iter, DBUS_TYPE_STRING, &choice);
  append_dict(&iter, details);
  return msg;
}

static void test_answer(void **state)
{
  dbus_int64_t at = 1900000000;
  dbus_uint64_t wrong = 1;
  const char *choice = NULL;
  gint64 reboot_at = 0;
  Entry ok[] = { { "reboot-at", DBUS_TYPE_INT64, &at }, { NULL } };
  Entry typed[] = { { "reboot-at", DBUS_TYPE_UINT64, &wrong }, { NULL } };
  Entry none[] = { { NULL } };

  g_autoptr(DBusMessage) m1 = answer_msg("delay-reboot", ok);
  assert_true(otaux_dbus_parse_answer(m1, &choice, &reboot_at, NULL));
  assert_string_equal(choice, "delay-reboot");
  assert_true(reboot_at == at);

  g_autoptr(DBusMessage) m2 = answer_msg("accept", none);
  assert_true(otaux_dbus_parse_answer(m2, &choice, &reboot_at, NULL));
  assert_int_equal(reboot_at, 0);

  g_autoptr(GError) e3 = NULL;
  g_autoptr(DBusMessage) m3 = answer_msg("delay-reboot", typed);
  assert_false(otaux_dbus_parse_answer(m3, &choice, &reboot_at, &e3));
  assert_string_equal(otaux_dbus_error_name(e3), OTAUX_ERROR_INVALID_ARGS);

  g_autoptr(GError) e4 = NULL;
  g_autoptr(DBusMessage) m4 = answer_msg("", none);
  assert_false(otaux_dbus_parse_answer(m4, &choice, &reboot_at, &e4));

  g_autofree char *longer = g_strnfill(OTAUX_LIMIT_CHOICE_BYTES + 1, 'a');
  g_autoptr(GError) e5 = NULL;
  g_autoptr(DBusMessage) m5 = answer_msg(longer, none);
  assert_false(otaux_dbus_parse_answer(m5, &choice, &reboot_at, &e5));
}

static void test_error_names(void **state)
{
  static const struct {
    GQuark (*domain)(void);
    int code;
    const char *name;
  } cases[] = {
    { otaux_dbus_error_quark, OTAUX_DBUS_ERROR_INVALID_ARGS, OTAUX_ERROR_INVALID_ARGS },
    { otaux_offer_error_quark, OTAUX_OFFER_ERROR_INVALID_ARGS, OTAUX_ERROR_INVALID_ARGS },
    { otaux_offer_error_quark, OTAUX_OFFER_ERROR_NOT_ALLOWED, OTAUX_ERROR_NOT_ALLOWED },
    { otaux_agent_error_quark, OTAUX_AGENT_ERROR_NOT_FOUND, OTAUX_ERROR_NOT_FOUND },
    { otaux_agent_error_quark, OTAUX_AGENT_ERROR_LIMIT_EXCEEDED, OTAUX_ERROR_LIMIT_EXCEEDED },
    { otaux_agent_error_quark, OTAUX_AGENT_ERROR_ACCESS_DENIED, OTAUX_ERROR_ACCESS_DENIED },
    { otaux_store_error_quark, OTAUX_STORE_ERROR_IO, OTAUX_ERROR_FAILED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = g_error_new_literal(cases[i].domain(), cases[i].code, "x");
    assert_string_equal(otaux_dbus_error_name(error), cases[i].name);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_offer_all_keys),
    cmocka_unit_test(test_offer_only_id),
    cmocka_unit_test(test_offer_missing_id),
    cmocka_unit_test(test_offer_empty_id),
    cmocka_unit_test(test_offer_wrong_types),
    cmocka_unit_test(test_offer_duplicate_key),
    cmocka_unit_test(test_offer_unknown_priority),
    cmocka_unit_test(test_offer_unknown_state),
    cmocka_unit_test(test_offer_string_limits),
    cmocka_unit_test(test_offer_too_many_entries),
    cmocka_unit_test(test_offer_wrong_signature),
    cmocka_unit_test(test_set_state),
    cmocka_unit_test(test_set_state_instruction),
    cmocka_unit_test(test_set_state_step),
    cmocka_unit_test(test_finish),
    cmocka_unit_test(test_finish_with_details),
    cmocka_unit_test(test_answer),
    cmocka_unit_test(test_error_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
