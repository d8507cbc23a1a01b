/* otaux-strings: the built-in English texts and the placeholder filler.
 *
 * Every built-in text lives in builtin_texts[] below, so a catalog or
 * gettext extraction has one place to look. */
#include "otaux-strings.h"

#include <string.h>

struct _OtauxStrings {
  GHashTable *texts; /* id -> template; both borrowed from builtin_texts */
};

typedef struct {
  const char *id;
  const char *text;
} BuiltinText;

static const BuiltinText builtin_texts[] = {
  /* Names used inside other texts */
  { "name.fallback", "The firmware update" },
  { "duration.unknown", "a few minutes" },
  { "unit.second", "1 second" },
  { "unit.seconds", "{n} seconds" },
  { "unit.minute", "1 minute" },
  { "unit.minutes", "{n} minutes" },
  { "unit.hour", "1 hour" },
  { "unit.hours", "{n} hours" },
  { "unit.day", "1 day" },
  { "unit.days", "{n} days" },
  { "size.unknown", "unknown size" },

  /* offered: download it? */
  { "download.title", "Firmware update available" },
  { "download.body", "{name} {version} is ready to download ({size})." },
  { "download.accept", "Download" },
  { "download.cancel", "Not now" },
  { "charge.roaming", "You are roaming. Downloading {size} may cost extra data charges." },
  { "charge.metered", "You are on a metered connection. Downloading {size} may cost extra." },
  { "charge.always", "Downloading {size} may cost data charges, depending on your plan." },

  /* downloading */
  { "progress.title", "Downloading firmware update" },
  { "progress.body", "Downloading {name}: {percent}%" },
  { "progress.body.unknown", "Downloading {name}." },
  { "progress.cancel", "Cancel download" },

  /* ready: install now, delay, cancel */
  { "install.title", "Ready to install {name}" },
  { "install.body", "Installing restarts the device. It takes about {duration}." },
  { "install.body.no-reboot", "Installing takes about {duration}." },
  { "install.accept", "Install now" },
  { "install.delay", "Delay reboot" },
  { "install.cancel", "Cancel" },

  /* ready, forced by the operator: informs, with a countdown */
  { "forced.title", "Required update for {name}" },
  { "forced.body", "The device restarts to install {name} at {time}." },
  { "forced.accept", "Restart now" },

  /* accepted, waiting for the updater */
  { "pending.title", "Installing soon" },
  { "pending.body", "{name} will be installed in a moment. The device will restart." },

  /* delayed: the reboot is scheduled */
  { "delayed.title", "Restart scheduled" },
  { "delayed.body", "The device restarts at {time} to install {name}." },
  { "delayed.accept", "Restart now" },
  { "delayed.change", "Change time" },
  { "delayed.cancel", "Cancel update" },

  /* delayed: the reboot comes soon */
  { "reminder.title", "Restart coming up" },
  { "reminder.body",
    "The device restarts at {time} to install {name}. Save your work before then." },
  { "reminder.accept", "Restart now" },
  { "reminder.change", "Change time" },
  { "reminder.cancel", "Cancel update" },

  /* delayed: the reboot is imminent */
  { "final-warning.title", "Restarting in {countdown}…" },
  { "final-warning.body", "The device restarts to install {name}. Save your work now." },
  { "final-warning.accept", "Restart now" },
  { "final-warning.change", "Change time" },
  { "final-warning.cancel", "Cancel update" },

  /* installing */
  { "installing.title", "Installing {name}" },
  { "installing.body", "Do not power off the device." },

  /* finished */
  { "result.title.success", "Update installed" },
  { "result.title.failure", "Update not installed" },
  { "result.title.cancelled", "Update cancelled" },

  /* delay options */
  { "delay.in-hour", "In 1 hour" },
  { "delay.in-hours", "In {hours} hours" },
  { "delay.in-minutes", "In {minutes} minutes" },
  { "delay.tonight", "Tonight at {time}" },
  { "delay.tomorrow", "Tomorrow at {time}" },

  /* FUMO result codes (domain.md 2.3): what happened, and what to do next */
  { "result.200", "The update was installed. Nothing else to do." },
  { "result.vendor-success", "The update finished successfully. Nothing else to do." },
  { "result.400", "The update could not be completed because of a problem on this device. "
                  "You do not need to do anything; it will be offered again later." },
  { "result.401", "You cancelled the update. Nothing else to do; it may be offered again later." },
  { "result.402", "The update package was damaged and was not installed. Your device is unchanged. "
                  "It will be downloaded again the next time it is offered." },
  { "result.403", "This update does not fit this device and was not installed. Your device is "
                  "unchanged. Nothing else to do." },
  { "result.404", "The update package could not be verified and was not installed. Your device is "
                  "unchanged. Nothing else to do." },
  { "result.405", "The update package was not accepted by this device. Your device is unchanged. "
                  "Nothing else to do; a corrected update may be offered later." },
  { "result.406", "The update server refused the download. Your device is unchanged. Try again "
                  "later; if it keeps failing, contact your service provider." },
  { "result.407", "The download took too long and was stopped. Your device is unchanged. Try again "
                  "later on a stronger connection." },
  { "result.408", "This kind of update is not supported by this device. Your device is unchanged. "
                  "Nothing else to do." },
  { "result.409", "The update stopped because of an unexpected error. Your device is unchanged. "
                  "Try again later." },
  { "result.410", "The update could not be installed. Your device keeps its current software. "
                  "Restart the device and try again later." },
  { "result.411", "The download address of the update is wrong. Your device is unchanged. Nothing "
                  "to do now; contact your service provider if it keeps happening." },
  { "result.412", "The update server is not available right now. Your device is unchanged. Try "
                  "again later." },
  { "result.client-vendor", "The update stopped because of a problem on this device (code {code}). "
                            "Your device is unchanged. Try again later." },
  { "result.500", "The update server had a problem. Your device is unchanged. Try again later." },
  { "result.501", "There was not enough storage space to download the update. Free some space, "
                  "then try again." },
  { "result.502", "There was not enough storage space to install the update. Your device is "
                  "unchanged. Free some space, then try again." },
  { "result.503", "The download failed because of a network problem. Your device is unchanged. "
                  "Try again later, preferably on Wi-Fi." },
  { "result.server-vendor", "The update server reported a problem (code {code}). Your device is "
                            "unchanged. Try again later." },
  { "result.unknown", "The update ended with an unknown result ({code}). If your device does not "
                      "work as expected, restart it or contact your service provider." },
};

OtauxStrings *otaux_strings_new_builtin(void)
{
  OtauxStrings *strings = g_new0(OtauxStrings, 1);

  strings->texts = g_hash_table_new(g_str_hash, g_str_equal);
  for (gsize i = 0; i < G_N_ELEMENTS(builtin_texts); i++)
    g_hash_table_insert(strings->texts, (gpointer)builtin_texts[i].id,
                        (gpointer)builtin_texts[i].text);
  return strings;
}

void otaux_strings_free(OtauxStrings *strings)
{
  if (strings == NULL)
    return;
  g_hash_table_unref(strings->texts);
  g_free(strings);
}

const char *otaux_strings_lookup(const OtauxStrings *strings, const char *id)
{
  g_return_val_if_fail(strings != NULL, NULL);
  if (id == NULL)
    return NULL;
  return g_hash_table_lookup(strings->texts, id);
}

static gboolean is_key_char(char c)
{
  return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
}

static const char *kv_lookup(const char *const *kv, const char *key, gsize key_len)
{
  if (kv == NULL)
    return NULL;
  for (gsize i = 0; kv[i] != NULL && kv[i + 1] != NULL; i += 2) {
    if (strlen(kv[i]) == key_len && memcmp(kv[i], key, key_len) == 0)
      return kv[i + 1];
  }
  return NULL;
}

char *otaux_strings_fill(const char *template_, const char *const *kv)
{
  GString *out;
  const char *p;

  if (template_ == NULL)
    return g_strdup("");

  out = g_string_sized_new(strlen(template_) + 32);
  p = template_;
  while (*p != '\0') {
    const char *key;
    const char *value;
    gsize len = 0;

    if (*p != '{') {
      g_string_append_c(out, *p++);
      continue;
    }
    if (p[1] == '{') {
      g_string_append_c(out, '{');
      p += 2;
      continue;
    }
    key = p + 1;
    while (is_key_char(key[len]))
      len++;
    value = (len > 0 && key[len] == '}') ? kv_lookup(kv, key, len) : NULL;
    if (value == NULL) {
      /* Not a placeholder we know: keep the brace, scan on after it. */
      g_string_append_c(out, *p++);
      continue;
    }
    /* Inserted literally; the scan continues after the placeholder, so a
     * value is never expanded again. */
    g_string_append(out, value);
    p = key + len + 1;
  }
  return g_string_free(out, FALSE);
}

char *otaux_strings_format(const OtauxStrings *strings, const char *id, const char *const *kv)
{
  const char *template_ = otaux_strings_lookup(strings, id);

  if (template_ == NULL)
    return g_strdup(id != NULL ? id : "");
  return otaux_strings_fill(template_, kv);
}

char *otaux_strings_result_text(const OtauxStrings *strings, guint result)
{
  char code[16];
  char id[32];
  const char *kv[] = { "code", code, NULL };

  g_snprintf(code, sizeof code, "%u", result);
  if (result == 200 || (result >= 400 && result <= 412) || (result >= 500 && result <= 503))
    g_snprintf(id, sizeof id, "result.%u", result);
  else if (result >= 250 && result <= 299)
    g_strlcpy(id, "result.vendor-success", sizeof id);
  else if (result >= 450 && result <= 499)
    g_strlcpy(id, "result.client-vendor", sizeof id);
  else if (result >= 550 && result <= 599)
    g_strlcpy(id, "result.server-vendor", sizeof id);
  else
    g_strlcpy(id, "result.unknown", sizeof id);

  /* An operator catalog may lack an id the built-in table has. */
  if (otaux_strings_lookup(strings, id) == NULL)
    g_strlcpy(id, "result.unknown", sizeof id);
  return otaux_strings_format(strings, id, kv);
}

char *otaux_strings_format_size(guint64 bytes)
{
  static const char *const units[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
  guint64 factor = 1000;

  if (bytes == 1)
    return g_strdup("1 byte");
  if (bytes < 1000)
    return g_strdup_printf("%u bytes", (guint)bytes);

  /* Integer arithmetic: no locale-dependent decimal point, no float rounding. */
  for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
    guint64 tenth = factor / 10;
    guint64 tenths = bytes / tenth + ((bytes % tenth) >= tenth / 2 ? 1 : 0);

    if (tenths < 10000 || i + 1 == G_N_ELEMENTS(units))
      return g_strdup_printf("%" G_GUINT64_FORMAT ".%u %s", tenths / 10, (guint)(tenths % 10),
                             units[i]);
    factor *= 1000;
  }
  g_assert_not_reached();
}
