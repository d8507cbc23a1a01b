/* The built-in texts, in English; gettext translates them (po/).
 *
 * Every row: id, text (and plural), the placeholders the text may use
 * ("time!" = must use), where it appears. docs/strings.md lists them all;
 * tests/strings/check-ids.py checks that code, table and docs agree.
 * Translators keep every {placeholder} as it is (they are filled in at
 * run time); "{{" is a literal "{". */
#include "otaux-builtin.h"

#define N_(text) text
/* A text about a count: singular and plural msgids (xgettext --keyword=NP_:1,2). */
#define NP_(singular, plural) singular, plural

/* What every prompt text may name about the offer. */
#define OFFER "name version size operator"

#define TITLE  OTAUX_USE_TITLE
#define BODY   OTAUX_USE_BODY
#define LABEL  OTAUX_USE_LABEL
#define VALUE  OTAUX_USE_VALUE
#define FORMAT OTAUX_USE_FORMAT

const OtauxBuiltinText otaux_builtin_texts[] = {
  /* Values used inside other texts */
  /* TRANSLATORS: {name} when the updater gave no package name; starts a sentence. */
  { "name.fallback", N_("The firmware update"), NULL, "", VALUE },
  /* TRANSLATORS: {operator} when the operator gave no name: "contact {operator}". */
  { "operator.name", N_("your service provider"), NULL, "", VALUE },
  /* TRANSLATORS: {duration} when the install time is not known: "It takes about {duration}." */
  { "duration.unknown", N_("a few minutes"), NULL, "", VALUE },
  /* TRANSLATORS: a duration, {n} is a number: "It takes about {n} seconds." */
  { "unit.seconds", NP_("{n} second", "{n} seconds"), "n!", VALUE },
  /* TRANSLATORS: a duration, {n} is a number: "It takes about {n} minutes." */
  { "unit.minutes", NP_("{n} minute", "{n} minutes"), "n!", VALUE },
  /* TRANSLATORS: a duration, {n} is a number: "It takes about {n} hours." */
  { "unit.hours", NP_("{n} hour", "{n} hours"), "n!", VALUE },
  /* TRANSLATORS: a duration, {n} is a number: "It takes about {n} days." */
  { "unit.days", NP_("{n} day", "{n} days"), "n!", VALUE },
  /* TRANSLATORS: {size} when the download size is not known: "ready to download ({size})" */
  { "size.unknown", N_("unknown size"), NULL, "", VALUE },
  /* TRANSLATORS: a download size below 1000 bytes, {n} is a whole number. */
  { "size.bytes", NP_("{n} byte", "{n} bytes"), "n!", VALUE },
  /* TRANSLATORS: a download size in kilobytes (1000 bytes), {n} is like 12.3 with the
     decimal point of the locale. French uses "ko". */
  { "size.kB", N_("{n} kB"), NULL, "n!", VALUE },
  /* TRANSLATORS: megabytes (1000000 bytes), {n} is like 12.3. French uses "Mo". */
  { "size.MB", N_("{n} MB"), NULL, "n!", VALUE },
  /* TRANSLATORS: gigabytes, {n} is like 12.3. French uses "Go". */
  { "size.GB", N_("{n} GB"), NULL, "n!", VALUE },
  /* TRANSLATORS: terabytes, {n} is like 12.3. French uses "To". */
  { "size.TB", N_("{n} TB"), NULL, "n!", VALUE },
  /* TRANSLATORS: petabytes, {n} is like 12.3. French uses "Po". */
  { "size.PB", N_("{n} PB"), NULL, "n!", VALUE },
  /* TRANSLATORS: exabytes, {n} is like 12.3. French uses "Eo". */
  { "size.EB", N_("{n} EB"), NULL, "n!", VALUE },
  /* TRANSLATORS: a time later today, as a g_date_time_format() format: %H hour (00-23),
     %M minute; for a 12-hour clock use "%l:%M %p". */
  /* xgettext:no-c-format */
  { "format.time", N_("%H:%M"), NULL, "", FORMAT },
  /* TRANSLATORS: a time on another day, as a g_date_time_format() format: %a short weekday,
     %d day of month, %b short month name, %H:%M the time. */
  /* xgettext:no-c-format */
  { "format.date-time", N_("%a %d %b %H:%M"), NULL, "", FORMAT },

  /* offered: download it? */
  /* TRANSLATORS: title of the question whether to download an update. */
  { "download.title", N_("Firmware update available"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {name} is the package name, {version} its version (may be empty),
     {size} the download size ("12.3 MB"). */
  { "download.body", N_("{name} {version} is ready to download ({size})."), NULL, OFFER, BODY },
  /* TRANSLATORS: button: download the update now. */
  { "download.accept", N_("Download"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not download the update. */
  { "download.cancel", N_("Not now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: warning shown with the download question when roaming; {size} like "12.3 MB". */
  { "charge.roaming", N_("You are roaming. Downloading {size} may cost extra data charges."), NULL,
    OFFER, BODY },
  /* TRANSLATORS: warning on a metered (pay-per-use) connection; {size} like "12.3 MB". */
  { "charge.metered", N_("You are on a metered connection. Downloading {size} may cost extra."),
    NULL, OFFER, BODY },
  /* TRANSLATORS: warning the operator asks for on every download; {size} like "12.3 MB". */
  { "charge.always", N_("Downloading {size} may cost data charges, depending on your plan."), NULL,
    OFFER, BODY },

  /* downloading */
  /* TRANSLATORS: title while the update downloads. */
  { "progress.title", N_("Downloading firmware update"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {percent} is a whole number 0-100; keep the percent sign as your language
     writes it (French: "{percent} %"). */
  /* xgettext:no-c-format */
  { "progress.body", N_("Downloading {name}: {percent}%"), NULL, "percent! " OFFER, BODY },
  /* TRANSLATORS: progress text when the download size is not known. */
  { "progress.body.unknown", N_("Downloading {name}."), NULL, OFFER, BODY },
  /* TRANSLATORS: button: stop the download. */
  { "progress.cancel", N_("Cancel download"), NULL, OFFER, LABEL },
  /* TRANSLATORS: pop-up, under the download's progress bar: {done} and {total} are sizes
     like "20.2 MB": "20.2 MB of 48.0 MB". */
  { "popup.progress.bytes", N_("{done} of {total}"), NULL, "done! total!", VALUE },
  /* TRANSLATORS: pop-up, under the progress bar: {done} and {total} are sizes ("20.2 MB"),
     {duration} the estimated time left with its number ("2 minutes", "1 minute"):
     "20.2 MB of 48.0 MB, about 2 minutes left". */
  { "popup.progress.bytes-left", N_("{done} of {total}, about {duration} left"), NULL,
    "done! total! duration!", VALUE },
  /* TRANSLATORS: pop-up button while the update downloads or installs: hides the window;
     the download or install goes on. Keep it short (a phone button). */
  { "popup.hide", N_("Hide"), NULL, "", LABEL },

  /* ready: install now, delay, cancel */
  /* TRANSLATORS: title of the install question; {name} is the package name. */
  { "install.title", N_("Ready to install {name}"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {duration} is like "5 minutes" or "a few minutes". */
  { "install.body", N_("Installing restarts the device. It takes about {duration}."), NULL,
    "duration " OFFER, BODY },
  /* TRANSLATORS: the same, for an update that needs no restart. */
  { "install.body.no-reboot", N_("Installing takes about {duration}."), NULL, "duration " OFFER,
    BODY },
  /* TRANSLATORS: button: install the update now (the device restarts). */
  { "install.accept", N_("Install now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: choose a later time for the restart. */
  { "install.delay", N_("Delay reboot"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not install this update. */
  { "install.cancel", N_("Cancel"), NULL, OFFER, LABEL },

  /* ready, forced by the operator: informs, with a countdown */
  /* TRANSLATORS: title when the operator requires the update. */
  { "forced.title", N_("Required update for {name}"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {time} is a time like "22:00" or "Tue 14 Mar 22:00". */
  { "forced.body", N_("The device restarts to install {name} at {time}."), NULL,
    "time! countdown duration " OFFER, BODY },
  /* TRANSLATORS: button: restart the device and install at once. */
  { "forced.accept", N_("Restart now"), NULL, OFFER, LABEL },

  /* accepted, waiting for the updater */
  /* TRANSLATORS: title after the person chose to install. */
  { "pending.title", N_("Installing soon"), NULL, OFFER, TITLE },
  { "pending.body", N_("{name} will be installed in a moment. The device will restart."), NULL,
    "duration " OFFER, BODY },

  /* delayed: the reboot is scheduled */
  /* TRANSLATORS: title when the restart for the update is scheduled. */
  { "delayed.title", N_("Restart scheduled"), NULL, "time " OFFER, TITLE },
  /* TRANSLATORS: {time} is a time like "22:00" or "Tue 14 Mar 22:00". */
  { "delayed.body", N_("The device restarts at {time} to install {name}."), NULL,
    "time! duration " OFFER, BODY },
  /* TRANSLATORS: button: restart now instead of at the scheduled time. */
  { "delayed.accept", N_("Restart now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: pick another restart time. */
  { "delayed.change", N_("Change time"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not install this update after all. */
  { "delayed.cancel", N_("Cancel update"), NULL, OFFER, LABEL },

  /* delayed: the reboot comes soon */
  /* TRANSLATORS: title of a reminder some hours before the scheduled restart. */
  { "reminder.title", N_("Restart coming up"), NULL, "time countdown " OFFER, TITLE },
  /* TRANSLATORS: {time} is a time like "22:00". */
  { "reminder.body",
    N_("The device restarts at {time} to install {name}. Save your work before then."), NULL,
    "time! countdown duration " OFFER, BODY },
  { "reminder.accept", N_("Restart now"), NULL, OFFER, LABEL },
  { "reminder.change", N_("Change time"), NULL, OFFER, LABEL },
  { "reminder.cancel", N_("Cancel update"), NULL, OFFER, LABEL },

  /* delayed: the reboot is imminent */
  /* TRANSLATORS: title of the last warning; {countdown} is like "30 seconds" or "2 minutes". */
  { "final-warning.title", N_("Restarting in {countdown}…"), NULL, "countdown! time " OFFER,
    TITLE },
  { "final-warning.body", N_("The device restarts to install {name}. Save your work now."), NULL,
    "time countdown duration " OFFER, BODY },
  { "final-warning.accept", N_("Restart now"), NULL, OFFER, LABEL },
  { "final-warning.change", N_("Change time"), NULL, OFFER, LABEL },
  { "final-warning.cancel", N_("Cancel update"), NULL, OFFER, LABEL },

  /* installing */
  /* TRANSLATORS: title while the update installs. */
  { "installing.title", N_("Installing {name}"), NULL, OFFER, TITLE },
  { "installing.body", N_("Do not power off the device."), NULL, "duration " OFFER, BODY },
  /* TRANSLATORS: warning while the update installs and the agent holds off shutdown and
     suspend (logind inhibitor): the power menu cannot turn the device off now. */
  { "installing.inhibited", N_("The device cannot be turned off until the update is installed."),
    NULL, OFFER, BODY },

  /* finished */
  /* TRANSLATORS: title of the final notice after a successful update. */
  { "result.title.success", N_("Update installed"), NULL, OFFER, TITLE },
  /* TRANSLATORS: title of the final notice after a failed update. */
  { "result.title.failure", N_("Update not installed"), NULL, OFFER, TITLE },
  /* TRANSLATORS: title of the final notice after the person cancelled. */
  { "result.title.cancelled", N_("Update cancelled"), NULL, OFFER, TITLE },

  /* delay options (choices in the "Delay reboot" menu) */
  /* TRANSLATORS: a choice of restart time, {hours} is a whole number. */
  { "delay.in-hours", NP_("In {hours} hour", "In {hours} hours"), "hours!", LABEL },
  /* TRANSLATORS: a choice of restart time, {minutes} is a whole number. */
  { "delay.in-minutes", NP_("In {minutes} minute", "In {minutes} minutes"), "minutes!", LABEL },
  /* TRANSLATORS: a choice of restart time, {time} is like "22:00". */
  { "delay.tonight", N_("Tonight at {time}"), NULL, "time!", LABEL },
  /* TRANSLATORS: a choice of restart time, {time} is like "07:00". */
  { "delay.tomorrow", N_("Tomorrow at {time}"), NULL, "time!", LABEL },

  /* FUMO result codes (domain.md 2.3): what happened, and what to do next.
     {code} is the number, {operator} the operator's name or "your service provider". */
  /* TRANSLATORS: final text after a successful update (result 200). */
  { "result.200", N_("The update was installed. Nothing else to do."), NULL, "code operator",
    BODY },
  /* TRANSLATORS: result 250-299: success with a vendor-specific code. */
  { "result.vendor-success", N_("The update finished successfully. Nothing else to do."), NULL,
    "code operator", BODY },
  /* TRANSLATORS: result 400: a problem in the update client on this device. */
  { "result.400",
    N_("The update could not be completed because of a problem on this device. You do not need "
       "to do anything; it will be offered again later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 401: the person declined or cancelled. */
  { "result.401",
    N_("You cancelled the update. Nothing else to do; it may be offered again later."), NULL,
    "code operator", BODY },
  /* TRANSLATORS: result 402: corrupted package. */
  { "result.402",
    N_("The update package was damaged and was not installed. Your device is unchanged. It will "
       "be downloaded again the next time it is offered."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 403: the package is for another device model. */
  { "result.403",
    N_("This update does not fit this device and was not installed. Your device is unchanged. "
       "Nothing else to do."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 404: the signature of the package is not valid. */
  { "result.404",
    N_("The update package could not be verified and was not installed. Your device is "
       "unchanged. Nothing else to do."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 405: the package was rejected. */
  { "result.405",
    N_("The update package was not accepted by this device. Your device is unchanged. Nothing "
       "else to do; a corrected update may be offered later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 406: the download server refused the credentials. */
  { "result.406",
    N_("The update server refused the download. Your device is unchanged. Try again later; if it "
       "keeps failing, contact {operator}."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 407: the download timed out. */
  { "result.407",
    N_("The download took too long and was stopped. Your device is unchanged. Try again later on "
       "a stronger connection."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 408: not implemented by this device. */
  { "result.408",
    N_("This kind of update is not supported by this device. Your device is unchanged. Nothing "
       "else to do."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 409: undefined error. */
  { "result.409",
    N_("The update stopped because of an unexpected error. Your device is unchanged. Try again "
       "later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 410: the install itself failed. */
  { "result.410",
    N_("The update could not be installed. Your device keeps its current software. Restart the "
       "device and try again later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 411: bad download address. */
  { "result.411",
    N_("The download address of the update is wrong. Your device is unchanged. Nothing to do "
       "now; contact {operator} if it keeps happening."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 412: the download server is unavailable. */
  { "result.412",
    N_("The update server is not available right now. Your device is unchanged. Try again "
       "later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 450: the updater needs mains power (fwupd: AC power required). */
  { "result.450",
    N_("The update needs the device to be plugged in. Your device is unchanged. Connect the "
       "charger, then try again."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 451: the battery is too low to update (fwupd: battery level too low). */
  { "result.451",
    N_("The battery is too low for the update. Your device is unchanged. Charge the battery or "
       "connect the charger, then try again."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: results 452-499: a vendor-specific client error; {code} is the number. */
  { "result.client-vendor",
    N_("The update stopped because of a problem on this device (code {code}). Your device is "
       "unchanged. Try again later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 500: the download server failed. */
  { "result.500", N_("The update server had a problem. Your device is unchanged. Try again later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 501: no space for the download. */
  { "result.501",
    N_("There was not enough storage space to download the update. Free some space, then try "
       "again."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 502: no space for the install. */
  { "result.502",
    N_("There was not enough storage space to install the update. Your device is unchanged. Free "
       "some space, then try again."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 503: network problem during the download. */
  { "result.503",
    N_("The download failed because of a network problem. Your device is unchanged. Try again "
       "later, preferably on Wi-Fi."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: results 550-599: a vendor-specific server error; {code} is the number. */
  { "result.server-vendor",
    N_("The update server reported a problem (code {code}). Your device is unchanged. Try again "
       "later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: any other result code; {code} is the number. */
  { "result.unknown",
    N_("The update ended with an unknown result ({code}). If your device does not work as "
       "expected, restart it or contact {operator}."),
    NULL, "code! operator", BODY },

  /* FUMO states (domain.md 2.2), for status lines */
  /* TRANSLATORS: FUMO state 10, a status line. */
  { "state.10", N_("No update in progress."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 20. */
  { "state.20", N_("The download failed. Try again later."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 30. */
  { "state.30", N_("Downloading the update."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 40. */
  { "state.40", N_("The update is downloaded."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 50. */
  { "state.50", N_("The update is ready to install."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 60. */
  { "state.60", N_("Installing the update. Do not power off the device."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 70: the install failed, the package is still on the device. */
  { "state.70", N_("The install failed. The update can be tried again without downloading it."),
    NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 80: the install failed, the package is gone. */
  { "state.80", N_("The install failed. The update has to be downloaded again."), NULL, "code",
    BODY },
  /* TRANSLATORS: FUMO state 90. */
  { "state.90", N_("The update was installed."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 100. */
  { "state.100", N_("The update was installed."), NULL, "code", BODY },
  /* TRANSLATORS: state 110 (Verizon extension). */
  { "state.110", N_("Not enough storage space for the update. Free some space."), NULL, "code",
    BODY },
  /* TRANSLATORS: state 120 (Verizon extension). */
  { "state.120", N_("An update is available."), NULL, "code", BODY },
  /* TRANSLATORS: state 130 (Verizon extension). */
  { "state.130", N_("The battery is too low to install the update. Charge the device."), NULL,
    "code", BODY },
  /* TRANSLATORS: warning with the install question when policy requires mains power and the
     device runs on its battery; "install now" is not offered until then. */
  { "battery.mains", N_("Plug in the charger to install the update."), NULL, OFFER, BODY },
  /* TRANSLATORS: state 140 (Verizon extension). */
  { "state.140", N_("The update will download over Wi-Fi."), NULL, "code", BODY },
  /* TRANSLATORS: state 150 (Verizon extension). */
  { "state.150", N_("Waiting for Wi-Fi to download the update. Connect to Wi-Fi."), NULL, "code",
    BODY },
  /* TRANSLATORS: state 160 (Verizon extension). */
  { "state.160", N_("Waiting for the battery to charge before installing."), NULL, "code", BODY },
  /* TRANSLATORS: state 170 (Verizon extension). */
  { "state.170", N_("The download was put off until later."), NULL, "code", BODY },
  /* TRANSLATORS: state 180 (Verizon extension). */
  { "state.180", N_("The install was put off until later."), NULL, "code", BODY },
  /* TRANSLATORS: state 190 (Verizon extension). */
  { "state.190", N_("The update is starting again."), NULL, "code", BODY },
  /* TRANSLATORS: any other state; {code} is the number. */
  { "state.unknown", N_("Update state {code}."), NULL, "code!", BODY },
};

const gsize otaux_n_builtin_texts = G_N_ELEMENTS(otaux_builtin_texts);
