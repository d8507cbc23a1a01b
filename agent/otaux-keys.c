/* The key tables of the D-Bus API (see otaux-keys.h). New keys are new rows
 * here; the validator, otauxctl and the docs test follow. */
#include "otaux-keys.h"

#define STR(key, field, flag, max, limit, arg, help)                                               \
  {                                                                                                \
    key, OTAUX_KEY_STRING, G_STRUCT_OFFSET(OtauxOfferSpec, field), flag, max, limit, arg, help     \
  }
#define VAL(key, kind, field, flag, limit, arg, help)                                              \
  {                                                                                                \
    key, kind, G_STRUCT_OFFSET(OtauxOfferSpec, field), flag, 0, limit, arg, help                   \
  }

const OtauxKey otaux_offer_keys[] = {
  STR("id", id, 0, OTAUX_LIMIT_ID_BYTES, "**required**, 1–256 bytes", "ID",
      "Package id (required; any string, e.g. a GUID)"),
  STR("name", name, OTAUX_SPEC_NAME, OTAUX_LIMIT_NAME_BYTES, "1024 bytes", "NAME",
      "Package name shown to the person"),
  STR("version", version, OTAUX_SPEC_VERSION, OTAUX_LIMIT_VERSION_BYTES, "256 bytes", "VERSION",
      "Firmware version"),
  VAL("priority", OTAUX_KEY_PRIORITY, priority, OTAUX_SPEC_PRIORITY,
      "`low` \\| `medium` \\| `high`", "PRIORITY", "low, medium or high"),
  VAL("size", OTAUX_KEY_UINT64, size, OTAUX_SPEC_SIZE, "", "BYTES", "Download size in bytes"),
  STR("url", url, OTAUX_SPEC_URL, OTAUX_LIMIT_URL_BYTES, "4096 bytes", "URL", "Download URL"),
  VAL("state", OTAUX_KEY_UINT32, state, OTAUX_SPEC_STATE, "10, 30, 40, 50, 60", "STATE",
      "FUMO state now (>= 40: already downloaded)"),
  VAL("silent", OTAUX_KEY_BOOLEAN, silent, OTAUX_SPEC_SILENT, "", NULL,
      "Silent update: skip the download question"),
  VAL("forced", OTAUX_KEY_BOOLEAN, forced, OTAUX_SPEC_FORCED, "", NULL,
      "Forced update: inform instead of asking"),
  VAL("roaming", OTAUX_KEY_BOOLEAN, roaming, OTAUX_SPEC_ROAMING, "", NULL,
      "The device is roaming (charge warning)"),
  VAL("metered", OTAUX_KEY_BOOLEAN, metered, OTAUX_SPEC_METERED, "", NULL,
      "The updater's bearer is metered (charge warning)"),
  VAL("cellular", OTAUX_KEY_BOOLEAN, cellular, OTAUX_SPEC_CELLULAR, "", NULL,
      "The updater's bearer is cellular (charge warning)"),
  VAL("needs-reboot", OTAUX_KEY_BOOLEAN, needs_reboot, OTAUX_SPEC_NEEDS_REBOOT, "", NULL,
      "Installing reboots the device"),
  VAL("restart-only", OTAUX_KEY_BOOLEAN, restart_only, OTAUX_SPEC_RESTART_ONLY, "", NULL,
      "Installed already: ask only to restart"),
  VAL("asks-restart", OTAUX_KEY_BOOLEAN, asks_restart, OTAUX_SPEC_ASKS_RESTART, "", NULL,
      "After the install, the restart is asked (a re-offer with restart-only)"),
  STR("release-notes", release_notes, OTAUX_SPEC_RELEASE_NOTES, OTAUX_LIMIT_RELEASE_NOTES_BYTES,
      "64 KiB (65536 bytes)", "TEXT", "Release notes"),
  STR("message", message, OTAUX_SPEC_MESSAGE, OTAUX_LIMIT_MESSAGE_BYTES, "256 bytes", "ID",
      "Id of an operator install message"),
  VAL("deadline", OTAUX_KEY_TIME, deadline, OTAUX_SPEC_DEADLINE, "≥ 0", "TIME",
      "Deadline: UNIX seconds, +SECONDS or ISO 8601"),
  VAL("install-seconds", OTAUX_KEY_UINT32, install_seconds, OTAUX_SPEC_INSTALL_SECONDS, "",
      "SECONDS", "Estimated install time"),
  STR("correlator", correlator, OTAUX_SPEC_CORRELATOR, OTAUX_LIMIT_CORRELATOR_BYTES, "256 bytes",
      "TEXT", "Correlator echoed in Decided"),
  STR("install-message", install_message, OTAUX_SPEC_INSTALL_MESSAGE, OTAUX_LIMIT_INSTALL_MSG_BYTES,
      "1024 bytes", "TEXT", "The updater's install message (plain text)"),
};
const gsize otaux_n_offer_keys = G_N_ELEMENTS(otaux_offer_keys);
G_STATIC_ASSERT(G_N_ELEMENTS(otaux_offer_keys) <= OTAUX_KEYS_MAX);

const OtauxKey otaux_state_keys[] = {
  { "bytes-done", OTAUX_KEY_UINT64, G_STRUCT_OFFSET(OtauxStateDetails, bytes_done), 0, 0,
    "≤ `bytes-total`", "N", "Bytes done so far (downloaded; installed with state 60)" },
  { "bytes-total", OTAUX_KEY_UINT64, G_STRUCT_OFFSET(OtauxStateDetails, bytes_total), 0, 0, "", "N",
    "Bytes in all" },
  { "instruction", OTAUX_KEY_STRING, G_STRUCT_OFFSET(OtauxStateDetails, instruction), 0,
    OTAUX_LIMIT_INSTRUCTION_BYTES, "1024 bytes", "TEXT",
    "What the person must do now, for the installing screen (plain text; \"\" clears)" },
  { "step", OTAUX_KEY_STRING, G_STRUCT_OFFSET(OtauxStateDetails, step), 0, OTAUX_LIMIT_STEP_BYTES,
    "256 bytes", "TEXT",
    "The install step now, shown as secondary text (plain text; \"\" clears)" },
  { "stage", OTAUX_KEY_STRING, G_STRUCT_OFFSET(OtauxStateDetails, stage), 0,
    OTAUX_LIMIT_STAGE_BYTES, "64 bytes: `restarting`", "STAGE",
    "With 60: restarting (the updater restarts the device now)" },
};
const gsize otaux_n_state_keys = G_N_ELEMENTS(otaux_state_keys);
G_STATIC_ASSERT(G_N_ELEMENTS(otaux_state_keys) <= OTAUX_KEYS_MAX);

const OtauxKey otaux_finish_keys[] = {
  { "message", OTAUX_KEY_STRING, G_STRUCT_OFFSET(OtauxFinishDetails, message), 0,
    OTAUX_LIMIT_FINISH_MSG_BYTES, "1024 bytes", "TEXT",
    "The updater's words about the result, shown under it (plain text)" },
};
const gsize otaux_n_finish_keys = G_N_ELEMENTS(otaux_finish_keys);
G_STATIC_ASSERT(G_N_ELEMENTS(otaux_finish_keys) <= OTAUX_KEYS_MAX);

const OtauxKey otaux_answer_keys[] = {
  { "reboot-at", OTAUX_KEY_TIME, G_STRUCT_OFFSET(OtauxAnswerDetails, reboot_at), 0, 0,
    "in the future, ≤ `Prompt[\"delay-max\"]`", "TIME",
    "For delay-reboot: UNIX seconds, +SECONDS or ISO 8601" },
};
const gsize otaux_n_answer_keys = G_N_ELEMENTS(otaux_answer_keys);
G_STATIC_ASSERT(G_N_ELEMENTS(otaux_answer_keys) <= OTAUX_KEYS_MAX);

const char *otaux_key_signature(OtauxKeyKind kind)
{
  switch (kind) {
    case OTAUX_KEY_STRING:
    case OTAUX_KEY_PRIORITY:
      return "s";
    case OTAUX_KEY_BOOLEAN:
      return "b";
    case OTAUX_KEY_UINT32:
      return "u";
    case OTAUX_KEY_UINT64:
      return "t";
    case OTAUX_KEY_TIME:
      return "x";
  }
  g_assert_not_reached();
}

const OtauxKey *otaux_keys_lookup(const OtauxKey *keys, gsize n_keys, const char *name)
{
  for (gsize i = 0; i < n_keys; i++)
    if (g_str_equal(keys[i].name, name))
      return &keys[i];
  return NULL;
}
