/* Turns D-Bus arguments into checked values. Every a{sv} is read through a
 * key table: the known keys with their one allowed type and size limit. */
#include "otaux-dbus-validate.h"

#include <string.h>

#include "otaux-dbus-error.h"

typedef enum {
  KIND_STRING,
  KIND_PRIORITY, /* a string naming a priority */
  KIND_BOOLEAN,
  KIND_UINT32,
  KIND_UINT64,
  KIND_INT64,
} KeyKind;

typedef struct {
  const char *name;
  KeyKind kind;
  gsize offset;    /* into the target struct */
  guint32 flag;    /* OtauxSpecField, or 0 */
  gsize max_bytes; /* strings only */
} DictKey;

static const char *kind_signature(KeyKind kind)
{
  switch (kind) {
    case KIND_STRING:
    case KIND_PRIORITY:
      return DBUS_TYPE_STRING_AS_STRING;
    case KIND_BOOLEAN:
      return DBUS_TYPE_BOOLEAN_AS_STRING;
    case KIND_UINT32:
      return DBUS_TYPE_UINT32_AS_STRING;
    case KIND_UINT64:
      return DBUS_TYPE_UINT64_AS_STRING;
    case KIND_INT64:
      return DBUS_TYPE_INT64_AS_STRING;
  }
  g_assert_not_reached();
}

#define SPEC_STR(key, field, flag, max)                                                            \
  {                                                                                                \
    key, KIND_STRING, G_STRUCT_OFFSET(OtauxOfferSpec, field), flag, max                            \
  }

static const DictKey offer_keys[] = {
  SPEC_STR("id", id, 0, OTAUX_LIMIT_ID_BYTES),
  SPEC_STR("name", name, OTAUX_SPEC_NAME, OTAUX_LIMIT_NAME_BYTES),
  SPEC_STR("version", version, OTAUX_SPEC_VERSION, OTAUX_LIMIT_VERSION_BYTES),
  { "priority", KIND_PRIORITY, G_STRUCT_OFFSET(OtauxOfferSpec, priority), OTAUX_SPEC_PRIORITY, 0 },
  { "size", KIND_UINT64, G_STRUCT_OFFSET(OtauxOfferSpec, size), OTAUX_SPEC_SIZE, 0 },
  SPEC_STR("url", url, OTAUX_SPEC_URL, OTAUX_LIMIT_URL_BYTES),
  { "state", KIND_UINT32, G_STRUCT_OFFSET(OtauxOfferSpec, state), OTAUX_SPEC_STATE, 0 },
  { "silent", KIND_BOOLEAN, G_STRUCT_OFFSET(OtauxOfferSpec, silent), OTAUX_SPEC_SILENT, 0 },
  { "forced", KIND_BOOLEAN, G_STRUCT_OFFSET(OtauxOfferSpec, forced), OTAUX_SPEC_FORCED, 0 },
  { "roaming", KIND_BOOLEAN, G_STRUCT_OFFSET(OtauxOfferSpec, roaming), OTAUX_SPEC_ROAMING, 0 },
  { "metered", KIND_BOOLEAN, G_STRUCT_OFFSET(OtauxOfferSpec, metered), OTAUX_SPEC_METERED, 0 },
  { "cellular", KIND_BOOLEAN, G_STRUCT_OFFSET(OtauxOfferSpec, cellular), OTAUX_SPEC_CELLULAR, 0 },
  { "needs-reboot", KIND_BOOLEAN, G_STRUCT_OFFSET(OtauxOfferSpec, needs_reboot),
    OTAUX_SPEC_NEEDS_REBOOT, 0 },
  SPEC_STR("release-notes", release_notes, OTAUX_SPEC_RELEASE_NOTES,
           OTAUX_LIMIT_RELEASE_NOTES_BYTES),
  SPEC_STR("message", message, OTAUX_SPEC_MESSAGE, OTAUX_LIMIT_MESSAGE_BYTES),
  { "deadline", KIND_INT64, G_STRUCT_OFFSET(OtauxOfferSpec, deadline), OTAUX_SPEC_DEADLINE, 0 },
  { "install-seconds", KIND_UINT32, G_STRUCT_OFFSET(OtauxOfferSpec, install_seconds),
    OTAUX_SPEC_INSTALL_SECONDS, 0 },
  SPEC_STR("correlator", correlator, OTAUX_SPEC_CORRELATOR, OTAUX_LIMIT_CORRELATOR_BYTES),
};

typedef struct {
  guint64 bytes_done;
  guint64 bytes_total;
} StateDetails;

static const DictKey state_keys[] = {
  { "bytes-done", KIND_UINT64, G_STRUCT_OFFSET(StateDetails, bytes_done), 0, 0 },
  { "bytes-total", KIND_UINT64, G_STRUCT_OFFSET(StateDetails, bytes_total), 0, 0 },
};

typedef struct {
  gint64 reboot_at;
} AnswerDetails;

static const DictKey answer_keys[] = {
  { "reboot-at", KIND_INT64, G_STRUCT_OFFSET(AnswerDetails, reboot_at), 0, 0 },
};

static gboolean store_value(const DictKey *key, DBusMessageIter *variant, gpointer target,
                            GError **error)
{
  gpointer field = G_STRUCT_MEMBER_P(target, key->offset);

  switch (key->kind) {
    case KIND_STRING: {
      const char *s = NULL;
      dbus_message_iter_get_basic(variant, &s);
      if (strlen(s) > key->max_bytes) {
        g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                    "'%s' is longer than %zu bytes", key->name, key->max_bytes);
        return FALSE;
      }
      char **dest = field;
      g_free(*dest);
      *dest = g_strdup(s);
      return TRUE;
    }
    case KIND_PRIORITY: {
      const char *s = NULL;
      dbus_message_iter_get_basic(variant, &s);
      if (!otaux_priority_from_string(s, field)) {
        g_autofree char *shown = g_strndup(s, 32);
        g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                    "'priority' must be low, medium or high, not '%s'", shown);
        return FALSE;
      }
      return TRUE;
    }
    case KIND_BOOLEAN: {
      dbus_bool_t b = FALSE;
      dbus_message_iter_get_basic(variant, &b);
      *(gboolean *)field = b ? TRUE : FALSE;
      return TRUE;
    }
    case KIND_UINT32:
      dbus_message_iter_get_basic(variant, (guint32 *)field);
      return TRUE;
    case KIND_UINT64:
      dbus_message_iter_get_basic(variant, (guint64 *)field);
      return TRUE;
    case KIND_INT64:
      dbus_message_iter_get_basic(variant, (gint64 *)field);
      return TRUE;
  }
  g_assert_not_reached();
}

/* Reads an a{sv} at @iter into @target through @keys. @seen gets a bit per
 * key index found. Unknown keys are skipped; a repeated key is an error,
 * since which value wins would otherwise be a guess. */
static gboolean parse_dict(DBusMessageIter *iter, const DictKey *keys, gsize n_keys,
                           gpointer target, guint64 *seen, GError **error)
{
  G_STATIC_ASSERT(G_N_ELEMENTS(offer_keys) <= 64);
  DBusMessageIter array, entry, variant;
  guint n_entries = 0;

  *seen = 0;
  dbus_message_iter_recurse(iter, &array);
  for (; dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_DICT_ENTRY;
       dbus_message_iter_next(&array)) {
    const char *name = NULL;

    if (++n_entries > OTAUX_LIMIT_DICT_ENTRIES) {
      g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS, "more than %d entries",
                  OTAUX_LIMIT_DICT_ENTRIES);
      return FALSE;
    }
    dbus_message_iter_recurse(&array, &entry);
    dbus_message_iter_get_basic(&entry, &name);
    dbus_message_iter_next(&entry);
    dbus_message_iter_recurse(&entry, &variant);

    for (gsize i = 0; i < n_keys; i++) {
      if (strcmp(keys[i].name, name) != 0)
        continue;
      if (*seen & (G_GUINT64_CONSTANT(1) << i)) {
        g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                    "key '%s' is given twice", name);
        return FALSE;
      }
      g_autofree char *sig = dbus_message_iter_get_signature(&variant);
      const char *want = kind_signature(keys[i].kind);
      if (sig == NULL || strcmp(sig, want) != 0) {
        g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                    "key '%s' must be of type '%s', not '%s'", name, want, sig != NULL ? sig : "?");
        return FALSE;
      }
      if (!store_value(&keys[i], &variant, target, error))
        return FALSE;
      *seen |= G_GUINT64_CONSTANT(1) << i;
      break;
    }
  }
  return TRUE;
}

static gboolean check_signature(DBusMessage *msg, const char *sig, GError **error)
{
  if (dbus_message_has_signature(msg, sig))
    return TRUE;
  g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
              "expected arguments of type '%s', got '%s'", sig, dbus_message_get_signature(msg));
  return FALSE;
}

gboolean otaux_dbus_parse_offer(DBusMessage *msg, OtauxOfferSpec *spec, GError **error)
{
  DBusMessageIter iter;
  guint64 seen = 0;

  if (!check_signature(msg, "a{sv}", error))
    return FALSE;
  dbus_message_iter_init(msg, &iter);
  if (!parse_dict(&iter, offer_keys, G_N_ELEMENTS(offer_keys), spec, &seen, error))
    goto fail;
  if (!(seen & 1)) { /* offer_keys[0] is "id" */
    g_set_error_literal(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                        "the required key 'id' is missing");
    goto fail;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(offer_keys); i++)
    if (seen & (G_GUINT64_CONSTANT(1) << i))
      spec->fields |= offer_keys[i].flag;
  if (!otaux_offer_spec_validate(spec, error))
    goto fail;
  return TRUE;

fail:
  otaux_offer_spec_clear(spec);
  otaux_offer_spec_init(spec);
  return FALSE;
}

gboolean otaux_dbus_parse_set_state(DBusMessage *msg, guint32 *state, guint64 *bytes_done,
                                    guint64 *bytes_total, GError **error)
{
  DBusMessageIter iter;
  StateDetails details = { 0 };
  guint64 seen = 0;

  if (!check_signature(msg, "ua{sv}", error))
    return FALSE;
  dbus_message_iter_init(msg, &iter);
  dbus_message_iter_get_basic(&iter, state);
  dbus_message_iter_next(&iter);
  if (!parse_dict(&iter, state_keys, G_N_ELEMENTS(state_keys), &details, &seen, error))
    return FALSE;
  if (!otaux_fumo_state_is_valid(*state)) {
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS, "%u is not a FUMO state",
                *state);
    return FALSE;
  }
  if (details.bytes_total > 0 && details.bytes_done > details.bytes_total) {
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                "'bytes-done' (%" G_GUINT64_FORMAT ") exceeds 'bytes-total' (%" G_GUINT64_FORMAT
                ")",
                details.bytes_done, details.bytes_total);
    return FALSE;
  }
  *bytes_done = details.bytes_done;
  *bytes_total = details.bytes_total;
  return TRUE;
}

gboolean otaux_dbus_parse_finish(DBusMessage *msg, guint32 *result, GError **error)
{
  if (!check_signature(msg, "u", error))
    return FALSE;
  if (!dbus_message_get_args(msg, NULL, DBUS_TYPE_UINT32, result, DBUS_TYPE_INVALID))
    return FALSE; /* unreachable: the signature matched */
  if (!otaux_fumo_result_is_valid(*result)) {
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                "%u is not a FUMO result code (200, 250-299, 400-599)", *result);
    return FALSE;
  }
  return TRUE;
}

gboolean otaux_dbus_parse_answer(DBusMessage *msg, const char **choice, gint64 *reboot_at,
                                 GError **error)
{
  DBusMessageIter iter;
  AnswerDetails details = { 0 };
  guint64 seen = 0;

  if (!check_signature(msg, "sa{sv}", error))
    return FALSE;
  dbus_message_iter_init(msg, &iter);
  dbus_message_iter_get_basic(&iter, choice);
  dbus_message_iter_next(&iter);
  if (strlen(*choice) == 0 || strlen(*choice) > OTAUX_LIMIT_CHOICE_BYTES) {
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                "the choice must be 1 to %d bytes", OTAUX_LIMIT_CHOICE_BYTES);
    return FALSE;
  }
  if (!parse_dict(&iter, answer_keys, G_N_ELEMENTS(answer_keys), &details, &seen, error))
    return FALSE;
  *reboot_at = details.reboot_at;
  return TRUE;
}
