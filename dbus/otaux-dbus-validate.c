/* Turns D-Bus arguments into checked values. Every a{sv} is read through a
 * key table of agent/otaux-keys.c: the known keys with their one allowed
 * type and size limit. */
#include "otaux-dbus-validate.h"

#include <string.h>

#include "otaux-dbus-error.h"
#include "otaux-keys.h"

static gboolean store_value(const OtauxKey *key, DBusMessageIter *variant, gpointer target,
                            GError **error)
{
  gpointer field = G_STRUCT_MEMBER_P(target, key->offset);

  switch (key->kind) {
    case OTAUX_KEY_STRING: {
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
    case OTAUX_KEY_PRIORITY: {
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
    case OTAUX_KEY_BOOLEAN: {
      dbus_bool_t b = FALSE;
      dbus_message_iter_get_basic(variant, &b);
      *(gboolean *)field = b ? TRUE : FALSE;
      return TRUE;
    }
    case OTAUX_KEY_UINT32:
      dbus_message_iter_get_basic(variant, (guint32 *)field);
      return TRUE;
    case OTAUX_KEY_UINT64:
      dbus_message_iter_get_basic(variant, (guint64 *)field);
      return TRUE;
    case OTAUX_KEY_TIME:
      dbus_message_iter_get_basic(variant, (gint64 *)field);
      return TRUE;
  }
  g_assert_not_reached();
}

/* Reads an a{sv} at @iter into @target through @keys. @seen gets a bit per
 * key index found. Unknown keys are skipped; a repeated key is an error,
 * since which value wins would otherwise be a guess. */
static gboolean parse_dict(DBusMessageIter *iter, const OtauxKey *keys, gsize n_keys,
                           gpointer target, guint64 *seen, GError **error)
{
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
      const char *want = otaux_key_signature(keys[i].kind);
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
  if (!parse_dict(&iter, otaux_offer_keys, otaux_n_offer_keys, spec, &seen, error))
    goto fail;
  if (!(seen & 1)) { /* otaux_offer_keys[0] is "id" */
    g_set_error_literal(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                        "the required key 'id' is missing");
    goto fail;
  }
  for (gsize i = 0; i < otaux_n_offer_keys; i++)
    if (seen & (G_GUINT64_CONSTANT(1) << i))
      spec->fields |= otaux_offer_keys[i].flag;
  if (!otaux_offer_spec_validate(spec, error))
    goto fail;
  return TRUE;

fail:
  otaux_offer_spec_clear(spec);
  otaux_offer_spec_init(spec);
  return FALSE;
}

static void state_details_clear(OtauxStateDetails *details)
{
  g_clear_pointer(&details->instruction, g_free);
  g_clear_pointer(&details->step, g_free);
  g_clear_pointer(&details->stage, g_free);
}

gboolean otaux_dbus_parse_set_state(DBusMessage *msg, guint32 *state, guint64 *bytes_done,
                                    guint64 *bytes_total, GError **error)
{
  OtauxStateDetails details = { 0 };

  if (!otaux_dbus_parse_set_state_details(msg, state, &details, error))
    return FALSE;
  state_details_clear(&details);
  *bytes_done = details.bytes_done;
  *bytes_total = details.bytes_total;
  return TRUE;
}

gboolean otaux_dbus_parse_set_state_details(DBusMessage *msg, guint32 *state,
                                            OtauxStateDetails *out, GError **error)
{
  DBusMessageIter iter;
  OtauxStateDetails details = { 0 };
  guint64 seen = 0;

  memset(out, 0, sizeof *out);
  if (!check_signature(msg, "ua{sv}", error))
    return FALSE;
  dbus_message_iter_init(msg, &iter);
  dbus_message_iter_get_basic(&iter, state);
  dbus_message_iter_next(&iter);
  if (!parse_dict(&iter, otaux_state_keys, otaux_n_state_keys, &details, &seen, error)) {
    state_details_clear(&details);
    return FALSE;
  }
  if (details.instruction != NULL && !g_utf8_validate(details.instruction, -1, NULL)) {
    state_details_clear(&details);
    g_set_error_literal(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                        "'instruction' is not valid UTF-8");
    return FALSE;
  }
  if (details.step != NULL && !g_utf8_validate(details.step, -1, NULL)) {
    state_details_clear(&details);
    g_set_error_literal(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                        "'step' is not valid UTF-8");
    return FALSE;
  }
  if (!otaux_fumo_state_is_valid(*state)) {
    state_details_clear(&details);
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS, "%u is not a FUMO state",
                *state);
    return FALSE;
  }
  if (details.bytes_total > 0 && details.bytes_done > details.bytes_total) {
    state_details_clear(&details);
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                "'bytes-done' (%" G_GUINT64_FORMAT ") exceeds 'bytes-total' (%" G_GUINT64_FORMAT
                ")",
                details.bytes_done, details.bytes_total);
    return FALSE;
  }
  *out = details;
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

gboolean otaux_dbus_parse_finish_details(DBusMessage *msg, guint32 *result, OtauxFinishDetails *out,
                                         GError **error)
{
  DBusMessageIter iter;
  OtauxFinishDetails details = { 0 };
  guint64 seen = 0;

  memset(out, 0, sizeof *out);
  if (!check_signature(msg, "ua{sv}", error))
    return FALSE;
  dbus_message_iter_init(msg, &iter);
  dbus_message_iter_get_basic(&iter, result);
  dbus_message_iter_next(&iter);
  if (!parse_dict(&iter, otaux_finish_keys, otaux_n_finish_keys, &details, &seen, error)) {
    g_free(details.message);
    return FALSE;
  }
  /* Plain text, checked as names are: shown, escaped, never read as markup. */
  if (details.message != NULL && !g_utf8_validate(details.message, -1, NULL)) {
    g_free(details.message);
    g_set_error_literal(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                        "'message' is not valid UTF-8");
    return FALSE;
  }
  if (!otaux_fumo_result_is_valid(*result)) {
    g_free(details.message);
    g_set_error(error, OTAUX_DBUS_ERROR, OTAUX_DBUS_ERROR_INVALID_ARGS,
                "%u is not a FUMO result code (200, 250-299, 400-599)", *result);
    return FALSE;
  }
  *out = details;
  return TRUE;
}

gboolean otaux_dbus_parse_answer(DBusMessage *msg, const char **choice, gint64 *reboot_at,
                                 GError **error)
{
  DBusMessageIter iter;
  OtauxAnswerDetails details = { 0 };
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
  if (!parse_dict(&iter, otaux_answer_keys, otaux_n_answer_keys, &details, &seen, error))
    return FALSE;
  *reboot_at = details.reboot_at;
  return TRUE;
}
