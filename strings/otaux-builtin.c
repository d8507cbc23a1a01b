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
  /* TRANSLATORS: {name} when the updater gave no package name. Written as it stands in
     mid-sentence ("Downloading the firmware update: 40%"); the first letter is capitalised
     automatically where it starts a sentence. Every sentence with {name} must also read well
     with a product name such as "Contoso Phone OS" (no article, any gender), so do not make
     adjectives or verbs agree with this text. */
  { "name.fallback", N_("the firmware update"), NULL, "", VALUE },
  /* TRANSLATORS: {operator} when the operator gave no name, as it stands after "contact":
     "contact your service provider". */
  { "operator.name", N_("your service provider"), NULL, "", VALUE },
  /* TRANSLATORS: {duration} when the install time is not known, as the object of "takes":
     "It takes a few minutes." */
  { "duration.unknown", N_("a few minutes"), NULL, "", VALUE },
  /* TRANSLATORS: {duration} when the install time is known; {duration} here is a number and
     its unit ("5 minutes", "1 hour"): "It takes about 5 minutes." */
  { "duration.about", N_("about {duration}"), NULL, "duration!", VALUE },
  /* TRANSLATORS: a duration, {n} is the number (1, 2, 5, 11, 100...). Used after "about" and
     after "in": "It takes about 30 seconds.", "Restarting in 30 seconds". Put a no-break
     space between {n} and the unit. */
  { "unit.seconds", NP_("{n}\u00a0second", "{n}\u00a0seconds"), "n!", VALUE },
  /* TRANSLATORS: a duration, {n} is the number: "It takes about 5 minutes.", "Restarting in
     2 minutes". No-break space between {n} and the unit. */
  { "unit.minutes", NP_("{n}\u00a0minute", "{n}\u00a0minutes"), "n!", VALUE },
  /* TRANSLATORS: a duration, {n} is the number: "It takes about 2 hours." No-break space. */
  { "unit.hours", NP_("{n}\u00a0hour", "{n}\u00a0hours"), "n!", VALUE },
  /* TRANSLATORS: a duration, {n} is the number: "Restarting in 3 days". No-break space. */
  { "unit.days", NP_("{n}\u00a0day", "{n}\u00a0days"), "n!", VALUE },
  /* TRANSLATORS: {size} when the download size is not known: "ready to download (size
     unknown)". */
  { "size.unknown", N_("size unknown"), NULL, "", VALUE },
  /* TRANSLATORS: a download size below 1000 bytes, {n} is a whole number: "999 bytes".
     No-break space between {n} and the unit. */
  { "size.bytes", NP_("{n}\u00a0byte", "{n}\u00a0bytes"), "n!", VALUE },
  /* TRANSLATORS: a download size in kilobytes (1000 bytes), {n} is like 12.3 with the
     decimal point of the locale: "12.3 kB". French uses "ko". No-break space. */
  { "size.kB", N_("{n}\u00a0kB"), NULL, "n!", VALUE },
  /* TRANSLATORS: megabytes (1000000 bytes), {n} is like 48.0: "48.0 MB". French uses "Mo".
     No-break space. */
  { "size.MB", N_("{n}\u00a0MB"), NULL, "n!", VALUE },
  /* TRANSLATORS: gigabytes, {n} is like 1.5: "1.5 GB". French uses "Go". No-break space. */
  { "size.GB", N_("{n}\u00a0GB"), NULL, "n!", VALUE },
  /* TRANSLATORS: terabytes, {n} is like 12.3. French uses "To". No-break space. */
  { "size.TB", N_("{n}\u00a0TB"), NULL, "n!", VALUE },
  /* TRANSLATORS: petabytes, {n} is like 12.3. French uses "Po". No-break space. */
  { "size.PB", N_("{n}\u00a0PB"), NULL, "n!", VALUE },
  /* TRANSLATORS: exabytes, {n} is like 12.3. French uses "Eo". No-break space. */
  { "size.EB", N_("{n}\u00a0EB"), NULL, "n!", VALUE },
  /* TRANSLATORS: the ten digits the language writes numbers with, 0 to 9. Keep
     "0123456789" for Western digits; Arabic may give "٠١٢٣٤٥٦٧٨٩". */
  { "format.digits", N_("0123456789"), NULL, "", VALUE },
  /* TRANSLATORS: a time of day, as a g_date_time_format() format: %H hour (00-23),
     %M minute; for a 12-hour clock use "%l:%M %p". Gives {time}: "22:00". */
  /* xgettext:no-c-format */
  { "format.time", N_("%H:%M"), NULL, "", FORMAT },
  /* TRANSLATORS: a day other than today and tomorrow, as a g_date_time_format() format:
     %A weekday, %-d day of month (no leading zero), %B month name. Gives {date} in "on {date} at
     {time}": "Tuesday 17 March". */
  /* xgettext:no-c-format */
  { "format.date", N_("%A %-d %B"), NULL, "", FORMAT },
  /* TRANSLATORS: a short time on another day, for lines without a sentence, as a
     g_date_time_format() format: %a short weekday, %-d day, %b short month, %H:%M the time:
     "Tue 17 Mar 22:00". */
  /* xgettext:no-c-format */
  { "format.date-time", N_("%a %-d %b %H:%M"), NULL, "", FORMAT },
  /* TRANSLATORS: {when} for a restart later today; {time} is a time of day ("22:00"):
     "The device restarts at 22:00 to install Contoso Phone OS". The count that picks the
     plural form is the hour (0-23), for languages whose words follow it (Spanish "a la
     01:30", "a las 22:00"); give the same text twice when yours does not. */
  { "when.today", NP_("at {time}", "at {time}"), "time!", VALUE },
  /* TRANSLATORS: {when} for a restart tomorrow; {time} is a time of day ("07:00"):
     "The device restarts tomorrow at 07:00 to install Contoso Phone OS". The count is the
     hour, as for "at {time}". */
  { "when.tomorrow", NP_("tomorrow at {time}", "tomorrow at {time}"), "time!", VALUE },
  /* TRANSLATORS: {when} for a restart on another day; {date} is a weekday and date from
     format.date ("Tuesday 17 March"), {time} a time of day ("22:00"): "The device restarts
     on Tuesday 17 March at 22:00 to install Contoso Phone OS". The count is the hour. */
  { "when.other-day", NP_("on {date} at {time}", "on {date} at {time}"), "date! time!", VALUE },
  /* TRANSLATORS: {by}, the latest time of a restart later today, in "Restart {by}" (the
     picker's limit); {time} is a time of day: "Restart by 22:00". The count is the hour, as
     for "at {time}". */
  { "by.today", NP_("by {time}", "by {time}"), "time!", VALUE },
  /* TRANSLATORS: {by} for a limit tomorrow: "Restart by 07:00 tomorrow". The count is the
     hour. */
  { "by.tomorrow", NP_("by {time} tomorrow", "by {time} tomorrow"), "time!", VALUE },
  /* TRANSLATORS: {by} for a limit on another day; {date} from format.date ("Tuesday 17
     March"): "Restart by 22:00 on Tuesday 17 March". The count is the hour. */
  { "by.other-day", NP_("by {time} on {date}", "by {time} on {date}"), "date! time!", VALUE },

  /* offered: download it? */
  /* TRANSLATORS: title of the question whether to download an update. */
  { "download.title", N_("Update available"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {name} is the package name ("Contoso Phone OS", or name.fallback "the
     firmware update"), {version} its version ("2.1.0", may be empty), {size} the download
     size ("48.0 MB"): "Contoso Phone OS 2.1.0 is ready to download (48.0 MB)." */
  { "download.body", N_("{name} {version} is ready to download ({size})."), NULL, OFFER, BODY },
  /* TRANSLATORS: button: download the update now. Short (a phone button). */
  { "download.accept", N_("Download"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not download this update; it is dropped and not asked again.
     Short (a phone button). */
  { "download.cancel", N_("Skip this update"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: hide the question now; it is asked again in a few hours. Short. */
  { "download.later", N_("Remind me later"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button with a charge warning: do not download on this paid link; download
     by itself once the device is on Wi-Fi (or another link without data charges). Short. */
  { "download.wifi", N_("Download on Wi-Fi"), NULL, OFFER, LABEL },
  /* TRANSLATORS: title after "Download on Wi-Fi": the download waits for Wi-Fi. */
  { "download.waiting.title", N_("Waiting for Wi-Fi to download"), NULL, OFFER, TITLE },
  /* TRANSLATORS: body after "Download on Wi-Fi". {name} is the package name, {version} its
     version, {size} the download size: "Contoso Phone OS 2.1.0 (48.0 MB) downloads as soon as
     the device is on Wi-Fi." */
  { "download.waiting.body",
    N_("{name} {version} ({size}) downloads as soon as the device is on "
       "Wi-Fi."),
    NULL, OFFER, BODY },
  /* TRANSLATORS: button while waiting for Wi-Fi: download now, on the paid link. Short. */
  { "download.waiting.accept", N_("Download now anyway"), NULL, OFFER, LABEL },
  /* TRANSLATORS: warning shown with the download question when roaming (the size is in the
     text above it). */
  { "charge.roaming", N_("You are roaming: downloading may cost extra data charges."), NULL, OFFER,
    BODY },
  /* TRANSLATORS: warning on a metered connection, where data is paid by the amount used (the
     size is in the text above it). */
  { "charge.metered", N_("You are on a metered connection: downloading may cost extra."), NULL,
    OFFER, BODY },
  /* TRANSLATORS: warning the operator asks for on every download. */
  { "charge.always", N_("Downloading may cost data charges, depending on your plan."), NULL, OFFER,
    BODY },

  /* downloading */
  /* TRANSLATORS: title while the update downloads. */
  { "progress.title", N_("Downloading update"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {name} is the package name ("Contoso Phone OS" or "the firmware update"),
     {percent} a whole number 0-100: "Downloading Contoso Phone OS: 40%". Write the percent
     sign as your language does, with a no-break space where it has one (French "40 %"). */
  /* xgettext:no-c-format */
  { "progress.body", N_("Downloading {name}: {percent}%"), NULL, "percent! " OFFER, BODY },
  /* TRANSLATORS: progress text when the download size is not known; {name} as above:
     "Downloading Contoso Phone OS." */
  { "progress.body.unknown", N_("Downloading {name}."), NULL, OFFER, BODY },
  /* TRANSLATORS: button: stop and drop the download. Short (a phone button). */
  { "progress.cancel", N_("Stop download"), NULL, OFFER, LABEL },
  /* TRANSLATORS: pop-up, under the download's progress bar: {done} and {total} are sizes
     like "20.2 MB": "20.2 MB of 48.0 MB". */
  { "popup.progress.bytes", N_("{done} of {total}"), NULL, "done! total!", VALUE },
  /* TRANSLATORS: pop-up, under the progress bar: {done} and {total} are sizes ("20.2 MB"),
     {duration} the estimated time left with its number ("2 minutes", "1 minute"):
     "20.2 MB of 48.0 MB, about 2 minutes left". */
  { "popup.progress.bytes-left", N_("{done} of {total}, about {duration} left"), NULL,
    "done! total! duration!", VALUE },
  /* TRANSLATORS: pop-up, under "Pick a time": the latest restart the operator allows.
     {by} is "by 22:00", "by 07:00 tomorrow" or "by 22:00 on Tuesday 17 March" (by.*):
     "Restart by 07:00 tomorrow". */
  { "popup.delay.latest", N_("Restart {by}"), NULL, "by!", VALUE },
  /* TRANSLATORS: pop-up, the picker's confirm button, named by its outcome: when the device
     will restart. {when} is "at 22:00", "tomorrow at 07:00" or "on Tuesday 17 March at 22:00"
     (when.*): "Restart at 20:45", "Restart tomorrow at 07:00". Short (a phone button). */
  { "popup.delay.restart", N_("Restart {when}"), NULL, "when!", VALUE },
  /* TRANSLATORS: pop-up, in red under the hour and minute the person picked, when that is
     past the latest restart (shown on the line above). {when} is the picked restart, "at
     23:00", "tomorrow at 06:00" or "on Tuesday 17 March at 22:00" (when.*): "Restarting
     tomorrow at 06:00 is too late". */
  { "popup.delay.too-late", N_("Restarting {when} is too late"), NULL, "when!", VALUE },
  /* TRANSLATORS: the same three lines for an update that needs no restart: "Install by 07:00
     tomorrow". */
  { "popup.delay.latest.no-reboot", N_("Install {by}"), NULL, "by!", VALUE },
  /* TRANSLATORS: for an update that needs no restart: the picker's confirm button, named by
     its outcome: "Install at 20:45", "Install tomorrow at 07:00". */
  { "popup.delay.restart.no-reboot", N_("Install {when}"), NULL, "when!", VALUE },
  /* TRANSLATORS: for an update that needs no restart, in red: "Installing tomorrow at 06:00
     is too late". */
  { "popup.delay.too-late.no-reboot", N_("Installing {when} is too late"), NULL, "when!", VALUE },
  /* TRANSLATORS: pop-up button while the update downloads or installs: hides the window;
     the download or install goes on. Keep it short (a phone button). */
  { "popup.hide", N_("Hide"), NULL, "", LABEL },

  /* ready: install now, pick a time, skip */
  /* TRANSLATORS: title of the install question; {name} is the package name ("Contoso Phone
     OS" or "the firmware update"), {version} its version (may be empty): "Ready to install
     Contoso Phone OS 2.1.0". */
  { "install.title", N_("Ready to install {name} {version}"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {duration} is "about 5 minutes" (duration.about) or "a few minutes"
     (duration.unknown): "Installing restarts the device. It takes about 5 minutes." */
  { "install.body", N_("Installing restarts the device. It takes {duration}."), NULL,
    "duration " OFFER, BODY },
  /* TRANSLATORS: the same, for an update that needs no restart: "Installing takes about 5
     minutes. You can keep using the device." */
  { "install.body.no-reboot", N_("Installing takes {duration}. You can keep using the device."),
    NULL, "duration " OFFER, BODY },
  /* TRANSLATORS: the same, for an update whose restart is asked after the install (the
     updater asks when to restart; nothing restarts by itself): "Installing takes about 5
     minutes. You will be asked when to restart." */
  { "install.body.asks-restart",
    N_("Installing takes {duration}. You will be asked when to restart."), NULL, "duration " OFFER,
    BODY },
  /* TRANSLATORS: button: install the update now (the device restarts). Short. */
  { "install.accept", N_("Install now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: choose when to install and restart (opens a list of times, and
     confirms the time picked). Short. */
  { "install.delay", N_("Install later"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not install this update; it is dropped. Short. */
  { "install.cancel", N_("Skip this update"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: hide the question now; it is asked again in a few hours. Short. */
  { "install.later", N_("Remind me later"), NULL, OFFER, LABEL },

  /* ready, restart-only: installed already, a restart makes it take effect */
  /* TRANSLATORS: title of the restart question: the update is already on the device and
     takes effect when it restarts (an A/B slot, an offline update); {name} the package name:
     "Restart to finish updating Contoso Phone OS". */
  { "restart.title", N_("Restart to finish updating {name}"), NULL, OFFER, TITLE },
  /* TRANSLATORS: body of the restart question; {name} the package name, {version} its version
     (may be empty): "Contoso Phone OS 2.1.0 is installed and takes effect when the device
     restarts. Save your work first." */
  { "restart.body",
    N_("{name} {version} is installed and takes effect when the device restarts. Save your work "
       "first."),
    NULL, "duration " OFFER, BODY },
  /* TRANSLATORS: button: restart the device now to finish the update. Short. */
  { "restart.accept", N_("Restart now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: choose when to restart (opens a list of times, and confirms the time
     picked). Short. */
  { "restart.delay", N_("Restart later"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not restart for this update; it does not take effect. Short. */
  { "restart.cancel", N_("Skip this update"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: hide the question now; it is asked again in a few hours. Short. */
  { "restart.later", N_("Remind me later"), NULL, OFFER, LABEL },

  /* ready, forced by the operator: informs, with a countdown */
  /* TRANSLATORS: title when the operator requires the update (the body names it and says
     when the device restarts). Short: it must fit a phone's title bar. */
  { "forced.title", N_("Required update"), NULL, OFFER, TITLE },
  { "forced.body",
    /* TRANSLATORS: {when} is "at 22:00", "tomorrow at 07:00" or "on Tuesday 17 March at
       22:00" (when.*); {name} the package name, {version} its version (may be empty): "The
       device restarts at 22:00 to install Contoso Phone OS 2.1.0. Save your work before
       then." */
    N_("The device restarts {when} to install {name} {version}. Save your work before then."), NULL,
    "when! time date countdown duration " OFFER, BODY },
  /* TRANSLATORS: button: restart the device and install at once, before the countdown ends
     (a secondary button: "Hide" comes first). Short. */
  { "forced.accept", N_("Restart now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: the forced body for an update that needs no restart; {when} as above:
     "Contoso Phone OS will be installed at 22:00." */
  { "forced.body.no-reboot", N_("{name} will be installed {when}."), NULL,
    "when! time date countdown duration " OFFER, BODY },
  /* TRANSLATORS: button: install at once an update that needs no restart. Short. */
  { "forced.accept.no-reboot", N_("Install now"), NULL, OFFER, LABEL },

  /* accepted, waiting for the updater */
  /* TRANSLATORS: title after the person chose to install. */
  { "pending.title", N_("Installing soon"), NULL, OFFER, TITLE },
  /* TRANSLATORS: {name} the package name ("Contoso Phone OS" or "the firmware update"; it is
     capitalised at the start of a sentence): "Contoso Phone OS will be installed in a
     moment. The device will restart." */
  { "pending.body", N_("{name} will be installed in a moment. The device will restart."), NULL,
    "duration " OFFER, BODY },
  { "pending.body.no-reboot",
    /* TRANSLATORS: the same for an update that needs no restart: "Contoso Phone OS will be
       installed in a moment. You can keep using the device." */
    N_("{name} will be installed in a moment. You can keep using the device."), NULL,
    "duration " OFFER, BODY },
  { "pending.body.asks-restart",
    /* TRANSLATORS: the same for an update whose restart is asked after the install (nothing
       restarts by itself): "Contoso Phone OS will be installed in a moment. You will be asked
       when to restart." */
    N_("{name} will be installed in a moment. You will be asked when to restart."), NULL,
    "duration " OFFER, BODY },

  /* delayed: the restart is scheduled */
  /* TRANSLATORS: title when the restart for the update is scheduled. */
  { "delayed.title", N_("Restart scheduled"), NULL, "time " OFFER, TITLE },
  /* TRANSLATORS: {when} is "at 22:00", "tomorrow at 07:00" or "on Tuesday 17 March at
     22:00"; {name} the package name: "The device restarts tomorrow at 07:00 to install
     Contoso Phone OS." */
  { "delayed.body", N_("The device restarts {when} to install {name}."), NULL,
    "when! time date duration " OFFER, BODY },
  /* TRANSLATORS: button: restart now instead of at the scheduled time. Short. */
  { "delayed.accept", N_("Restart now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: pick another time for the restart (not: set the clock). Short. */
  { "delayed.change", N_("Reschedule"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not install this update after all; it is dropped. Short. */
  { "delayed.cancel", N_("Skip this update"), NULL, OFFER, LABEL },
  /* TRANSLATORS: title when the install of an update that needs no restart is scheduled. */
  { "delayed.title.no-reboot", N_("Update scheduled"), NULL, "time " OFFER, TITLE },
  /* TRANSLATORS: the same, for an update that needs no restart; {when} as above: "Contoso
     Phone OS will be installed tomorrow at 07:00." */
  { "delayed.body.no-reboot", N_("{name} will be installed {when}."), NULL,
    "when! time date duration " OFFER, BODY },
  /* TRANSLATORS: button: install now instead of at the scheduled time (no restart). Short. */
  { "delayed.accept.no-reboot", N_("Install now"), NULL, OFFER, LABEL },

  /* delayed, held by the battery (policy <battery/>): the time holds only with the charger */
  /* TRANSLATORS: title while a scheduled update waits for the charger (the battery is too
     low, or the operator wants mains power to install). */
  { "delayed.title.battery", N_("Waiting for the charger"), NULL, "time " OFFER, TITLE },
  { "delayed.body.battery",
    /* TRANSLATORS: body while the scheduled restart waits for the charger; {when} is "at
       22:00", "tomorrow at 07:00" or "on Tuesday 17 March at 22:00" (when.*); {name} the
       package name: "The device restarts at 22:00 to install Contoso Phone OS, but only if
       the charger is plugged in." */
    N_("The device restarts {when} to install {name}, but only if the charger is plugged in."),
    NULL, "when! time date duration " OFFER, BODY },
  { "delayed.body.battery.no-reboot",
    /* TRANSLATORS: the same for an update that needs no restart: "Contoso Phone OS will be
       installed at 22:00, but only if the charger is plugged in." */
    N_("{name} will be installed {when}, but only if the charger is plugged in."), NULL,
    "when! time date duration " OFFER, BODY },

  /* Install tonight (issue 18 item 1): the night window, then the morning question */
  /* TRANSLATORS: button of the install question: install during the night, while the device
     charges and nobody uses it (between 01:00 and 05:00 by default). Short. */
  { "install.tonight", N_("Install tonight"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button of the restart question: restart (to finish the update) during the
     night, while the device charges and nobody uses it. Short. */
  { "restart.tonight", N_("Restart tonight"), NULL, OFFER, LABEL },
  /* TRANSLATORS: title after "Install tonight": the update waits for the night. */
  { "tonight.title", N_("Installing tonight"), NULL, "time " OFFER, TITLE },
  { "tonight.body",
    /* TRANSLATORS: body after "Install tonight"; {time} is when the night window starts
       ("01:00"); {name} the package name: "Contoso Phone OS installs tonight from 01:00, once
       the device is charging and not in use. Leave the charger plugged in." */
    N_("{name} installs tonight from {time}, once the device is charging and not in use. Leave "
       "the charger plugged in."),
    NULL, "time! date " OFFER, BODY },
  /* TRANSLATORS: title of the morning question: the update could not be installed during the
     night (the body says why). Short. */
  { "tonight.missed.title", N_("Not installed last night"), NULL, OFFER, TITLE },
  /* TRANSLATORS: a line of the morning question: why the night install did not happen. */
  { "tonight.missed.charger", N_("Couldn't install last night: the charger was not plugged in."),
    NULL, OFFER, BODY },
  /* TRANSLATORS: a line of the morning question: the device was in use (neither idle nor
     locked) all through the night window. */
  { "tonight.missed.in-use", N_("Couldn't install last night: the device was in use."), NULL, OFFER,
    BODY },
  /* TRANSLATORS: a line of the morning question: another program (a backup, a download) did
     not let the device restart. */
  { "tonight.missed.blocked",
    N_("Couldn't install last night: another program did not allow a restart."), NULL, OFFER,
    BODY },
  /* TRANSLATORS: a line of the morning question: the device was off (or the updates service
     did not run) during the night window. */
  { "tonight.missed.off", N_("Couldn't install last night: the device was off."), NULL, OFFER,
    BODY },
  /* TRANSLATORS: button of the morning question: try the night install again tonight. Short. */
  { "tonight.again", N_("Try again tonight"), NULL, OFFER, LABEL },

  /* delayed: the restart comes soon */
  /* TRANSLATORS: title of a reminder some hours before the scheduled restart. */
  { "reminder.title", N_("Restart coming up"), NULL, "time countdown " OFFER, TITLE },
  { "reminder.body",
    /* TRANSLATORS: {when} is "at 22:00" (or "tomorrow at 07:00"...); {name} the package name:
       "The device restarts at 22:00 to install Contoso Phone OS. Save your work before then." */
    N_("The device restarts {when} to install {name}. Save your work before then."), NULL,
    "when! time date countdown duration " OFFER, BODY },
  /* TRANSLATORS: button: restart now instead of at the scheduled time. Short. */
  { "reminder.accept", N_("Restart now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: pick another time for the restart (not: set the clock). Short. */
  { "reminder.change", N_("Reschedule"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not install this update after all. Short. */
  { "reminder.cancel", N_("Skip this update"), NULL, OFFER, LABEL },
  /* TRANSLATORS: title of a reminder some hours before the scheduled install of an update
     that needs no restart. */
  { "reminder.title.no-reboot", N_("Update coming up"), NULL, "time countdown " OFFER, TITLE },
  { "reminder.body.no-reboot",
    /* TRANSLATORS: the same, for an update that needs no restart; {when} as above: "Contoso
       Phone OS will be installed at 22:00. You can keep using the device." */
    N_("{name} will be installed {when}. You can keep using the device."), NULL,
    "when! time date countdown duration " OFFER, BODY },
  /* TRANSLATORS: button: install now instead of at the scheduled time (no restart). Short. */
  { "reminder.accept.no-reboot", N_("Install now"), NULL, OFFER, LABEL },

  /* delayed: the restart is imminent */
  /* TRANSLATORS: title of the last warning; {countdown} is a number and unit after "in"
     ("30 seconds", "2 minutes"): "Restarting in 30 seconds…" */
  { "final-warning.title", N_("Restarting in {countdown}…"), NULL, "countdown! time " OFFER,
    TITLE },
  /* TRANSLATORS: {name} the package name: "The device restarts to install Contoso Phone OS.
     Save your work now." */
  { "final-warning.body", N_("The device restarts to install {name}. Save your work now."), NULL,
    "time countdown duration " OFFER, BODY },
  /* TRANSLATORS: button. Short. */
  { "final-warning.accept", N_("Restart now"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: pick another time for the restart (not: set the clock). Short. */
  { "final-warning.change", N_("Reschedule"), NULL, OFFER, LABEL },
  /* TRANSLATORS: button: do not install this update after all. Short. */
  { "final-warning.cancel", N_("Skip this update"), NULL, OFFER, LABEL },
  /* TRANSLATORS: title of the last warning before an update that needs no restart installs;
     {countdown} as above: "Installing in 30 seconds…" */
  { "final-warning.title.no-reboot", N_("Installing in {countdown}…"), NULL,
    "countdown! time " OFFER, TITLE },
  { "final-warning.body.no-reboot",
    /* TRANSLATORS: {name} the package name: "Contoso Phone OS will be installed. You can keep
       using the device." */
    N_("{name} will be installed. You can keep using the device."), NULL,
    "time countdown duration " OFFER, BODY },
  /* TRANSLATORS: button: install now (no restart). Short. */
  { "final-warning.accept.no-reboot", N_("Install now"), NULL, OFFER, LABEL },

  /* installing */
  /* TRANSLATORS: title while the update installs; {name} the package name, {version} (may be
     empty): "Installing Contoso Phone OS 2.1.0". */
  { "installing.title", N_("Installing {name} {version}"), NULL, OFFER, TITLE },
  { "installing.body",
    /* TRANSLATORS: while the update installs; each fact once, and what the person can do.
       {duration} is "about 5 minutes" or "a few minutes": "Installing takes about 5 minutes,
       then the device restarts by itself. Save your work and keep the device turned on until
       then." */
    N_("Installing takes {duration}, then the device restarts by itself. Save your work and "
       "keep the device turned on until then."),
    NULL, "duration " OFFER, BODY },
  { "installing.body.inhibited",
    /* TRANSLATORS: the same while the agent holds off shutdown (the warning
       installing.inhibited says the device cannot be turned off): "Installing takes about 5
       minutes, then the device restarts by itself. Save your work before then." */
    N_("Installing takes {duration}, then the device restarts by itself. Save your work before "
       "then."),
    NULL, "duration " OFFER, BODY },
  { "installing.body.no-reboot",
    /* TRANSLATORS: the same for an update that needs no restart: "You can keep using the device
       while the update installs. This takes about 5 minutes." */
    N_("You can keep using the device while the update installs. This takes {duration}."), NULL,
    "duration " OFFER, BODY },
  { "installing.body.asks-restart",
    /* TRANSLATORS: the same for an update that needs a restart which the person is asked for
       after the install (the restart question: restart now, later or tonight); nothing
       restarts by itself: "Installing takes about 5 minutes. You will be asked when to
       restart." */
    N_("Installing takes {duration}. You will be asked when to restart."), NULL, "duration " OFFER,
    BODY },
  /* TRANSLATORS: while the update installs, on a line under installing.body: how much of the
     install is done, when the updater says; {percent} a whole number 0-100: "40% installed".
     Write the percent sign as your language does (French "40 %"). */
  /* xgettext:no-c-format */
  { "installing.progress", N_("{percent}% installed"), NULL, "percent! " OFFER, BODY },
  /* TRANSLATORS: warning while the update installs and the agent holds off shutdown and
     suspend (logind inhibitor): the power menu cannot turn the device off now. */
  /* TRANSLATORS: warning on a question of the system's updater, shown in this session, when the
     system did not take the person's answer; {reason} is the system's own explanation, in
     English ("this session is not the active one"): "Your answer was not accepted: this
     session is not the active one" */
  { "answer.refused", N_("Your answer was not accepted: {reason}"), NULL, "reason!", BODY },
  { "installing.inhibited", N_("The device cannot be turned off until the update is installed."),
    NULL, OFFER, BODY },
  /* TRANSLATORS: title while the updater restarts the device to install the update;
     {name} the package name: "Restarting to install Contoso Phone OS". */
  { "installing.restarting.title", N_("Restarting to install {name}"), NULL, OFFER, TITLE },
  /* TRANSLATORS: body while the device restarts to install; {name} the package name,
     {version} (may be empty): "The device restarts now to install Contoso Phone OS 2.1.0.
     Do not turn it off." */
  { "installing.restarting.body",
    N_("The device restarts now to install {name} {version}. Do not turn it off."), NULL,
    "duration " OFFER, BODY },
  /* TRANSLATORS: title after the restart, while the updater finishes the update; {name} the
     package name, {version} (may be empty): "Finishing Contoso Phone OS 2.1.0". */
  { "installing.finishing.title", N_("Finishing {name} {version}"), NULL, OFFER, TITLE },
  /* TRANSLATORS: body after the restart, while the update is being finished; nothing to do:
     "The device restarted to install Contoso Phone OS. The update is being finished; the
     result is shown here." */
  { "installing.finishing.body",
    N_("The device restarted to install {name}. The update is being finished; the result is "
       "shown here."),
    NULL, "duration " OFFER, BODY },

  /* finished */
  /* TRANSLATORS: title of the final notice after a successful update; {name} the package
     name ("Contoso Phone OS" or "the firmware update"), {version} (may be empty): "Contoso
     Phone OS 2.1.0 is installed". */
  { "result.title.success", N_("{name} {version} is installed"), NULL, OFFER, TITLE },
  /* TRANSLATORS: title of the final notice after a failed update: "Contoso Phone OS 2.1.0
     was not installed". */
  { "result.title.failure", N_("{name} {version} was not installed"), NULL, OFFER, TITLE },
  /* TRANSLATORS: title of the final notice after the person skipped the update (a fact, not a
     reproach; the body says what follows): "Contoso Phone OS 2.1.0 was skipped". */
  { "result.title.cancelled", N_("{name} {version} was skipped"), NULL, OFFER, TITLE },

  /* the times to pick from (Install later, Reschedule) */
  /* TRANSLATORS: a choice of restart time, {hours} is the number: "In 4 hours". No-break
     space between the number and its unit. */
  { "delay.in-hours", NP_("In {hours}\u00a0hour", "In {hours}\u00a0hours"), "hours!", LABEL },
  /* TRANSLATORS: a choice of restart time, {minutes} is the number: "In 30 minutes". */
  { "delay.in-minutes", NP_("In {minutes}\u00a0minute", "In {minutes}\u00a0minutes"), "minutes!",
    LABEL },
  /* TRANSLATORS: a relative choice of restart time with its clock time: {delay} is
     delay.in-hours or delay.in-minutes ("In 1 hour"), {time} a time of day ("23:13"): "In 1
     hour · 23:13". */
  { "delay.at-time", N_("{delay} · {time}"), NULL, "delay! time!", LABEL },
  /* TRANSLATORS: a choice of restart time later today, in the evening (policy <delay
     tonight>, 22:00 by default); {time} is a time of day: "This evening at 22:00". Keep it
     apart from "Install tonight" (install.tonight: the night window, 01:00-05:00): never
     the word for "tonight" or "night" here. */
  { "delay.tonight", N_("This evening at {time}"), NULL, "time!", LABEL },
  /* TRANSLATORS: a choice of restart time, {time} is a time of day: "Tomorrow at 07:00". */
  { "delay.tomorrow", N_("Tomorrow at {time}"), NULL, "time!", LABEL },

  /* FUMO result codes (domain.md 2.3): what happened, and what to do next.
     {code} is the number (450), {operator} the operator's name as it stands after "contact"
     ("Acme customer care", or operator.name "your service provider"). They follow the title
     "Contoso Phone OS 2.1.0 is installed" / "... was not installed": do not repeat it.
     The person cannot retry a download or an install: the update is offered again by the
     operator, so say that ("The update will be offered again later"), never "Try again". */
  /* TRANSLATORS: final text after a successful update (result 200), below the title
     "Contoso Phone OS 2.1.0 is installed". */
  { "result.200", N_("Your device is up to date. Nothing else to do."), NULL, "code operator",
    BODY },
  /* TRANSLATORS: result 250-299: success with a vendor-specific code. */
  { "result.vendor-success", N_("Your device is up to date. Nothing else to do."), NULL,
    "code operator", BODY },
  { "result.400",
    /* TRANSLATORS: result 400: a problem in the update client on this device. */
    N_("The update could not be completed because of a problem on this device. You do not need "
       "to do anything; it will be offered again later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 401: the person chose "Skip this update" (below the title "Contoso
     Phone OS 2.1.0 was skipped", so it does not say it again). */
  { "result.401", N_("Your device is unchanged. The update may be offered again later."), NULL,
    "code operator", BODY },
  { "result.402",
    /* TRANSLATORS: result 402: corrupted package. */
    N_("The update package was damaged. Your device is unchanged. It will be downloaded again the "
       "next time it is offered."),
    NULL, "code operator", BODY },
  { "result.403",
    /* TRANSLATORS: result 403: the package is for another device model. */
    N_("This update does not fit this device. Your device is unchanged. Nothing else to do."), NULL,
    "code operator", BODY },
  { "result.404",
    /* TRANSLATORS: result 404: the signature of the package is not valid. */
    N_("The update package could not be verified. Your device is unchanged. Nothing else to do."),
    NULL, "code operator", BODY },
  { "result.405",
    /* TRANSLATORS: result 405: the package was rejected. */
    N_("The update package was not accepted by this device. Your device is unchanged. Nothing "
       "else to do; a corrected update may be offered later."),
    NULL, "code operator", BODY },
  { "result.406",
    /* TRANSLATORS: result 406: the download server refused the credentials. {operator} is a
       name after "contact": "contact your service provider". */
    N_("The update server refused the download. Your device is unchanged. The update will be "
       "offered again later; if this keeps happening, contact {operator}."),
    NULL, "code operator", BODY },
  { "result.407",
    /* TRANSLATORS: result 407: the download timed out. */
    N_("The download took too long and was stopped. Your device is unchanged. The update will be "
       "offered again later; a stronger connection helps."),
    NULL, "code operator", BODY },
  { "result.408",
    /* TRANSLATORS: result 408: not implemented by this device. */
    N_("This kind of update is not supported by this device. Your device is unchanged. Nothing "
       "else to do."),
    NULL, "code operator", BODY },
  { "result.409",
    /* TRANSLATORS: result 409: undefined error. */
    N_("The update stopped because of an unexpected error. Your device is unchanged. The update "
       "will be offered again later."),
    NULL, "code operator", BODY },
  { "result.410",
    /* TRANSLATORS: result 410: the install itself failed (the title says it was not
       installed: do not repeat it). */
    N_("Your device keeps its current software. Restart it; the update will be offered again "
       "later."),
    NULL, "code operator", BODY },
  { "result.411",
    /* TRANSLATORS: result 411: bad download address. {operator} is a name after "contact":
       "contact your service provider". */
    N_("The download address of the update is wrong. Your device is unchanged. Nothing to do "
       "now; contact {operator} if it keeps happening."),
    NULL, "code operator", BODY },
  { "result.412",
    /* TRANSLATORS: result 412: the download server is unavailable. */
    N_("The update server is not available right now. Your device is unchanged. The update will be "
       "offered again later."),
    NULL, "code operator", BODY },
  { "result.450",
    /* TRANSLATORS: result 450: the updater needs mains power (fwupd: AC power required). */
    N_("The update needs the device to be plugged in. Your device is unchanged. Connect the "
       "charger; the update will be offered again."),
    NULL, "code operator", BODY },
  { "result.451",
    /* TRANSLATORS: result 451: the battery is too low to update (fwupd: battery level too low). */
    N_("The battery is too low for the update. Your device is unchanged. Charge the battery or "
       "connect the charger; the update will be offered again."),
    NULL, "code operator", BODY },
  { "result.client-vendor",
    /* TRANSLATORS: results 452-499: a vendor-specific client error; {code} is the number:
       "(code 452)". */
    N_("The update stopped because of a problem on this device (code {code}). Your device is "
       "unchanged. The update will be offered again later."),
    NULL, "code operator", BODY },
  /* TRANSLATORS: result 500: the download server failed. */
  { "result.500",
    N_("The update server had a problem. Your device is unchanged. The update will be offered "
       "again later."),
    NULL, "code operator", BODY },
  { "result.501",
    /* TRANSLATORS: result 501: no space for the download. */
    N_("There was not enough storage space to download the update. Free some space; the update "
       "will be offered again."),
    NULL, "code operator", BODY },
  { "result.502",
    /* TRANSLATORS: result 502: no space for the install. */
    N_("There was not enough storage space to install the update. Your device is unchanged. Free "
       "some space; the update will be offered again."),
    NULL, "code operator", BODY },
  { "result.503",
    /* TRANSLATORS: result 503: network problem during the download. */
    N_("The download failed because of a network problem. Your device is unchanged. The update "
       "will be offered again later; download it on Wi-Fi if you can."),
    NULL, "code operator", BODY },
  { "result.server-vendor",
    /* TRANSLATORS: results 550-599: a vendor-specific server error; {code} is the number:
       "(code 550)". */
    N_("The update server reported a problem (code {code}). Your device is unchanged. The update "
       "will be offered again later."),
    NULL, "code operator", BODY },
  { "result.unknown",
    /* TRANSLATORS: any other result code; {code} is the number ("(430)"), {operator} a name
       after "contact": "contact your service provider". */
    N_("The update ended with an unknown result ({code}). If your device does not work as "
       "expected, restart it or contact {operator}."),
    NULL, "code! operator", BODY },

  /* FUMO states (domain.md 2.2), for status lines */
  /* TRANSLATORS: FUMO state 10, a status line. */
  { "state.10", N_("No update in progress."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 20. */
  { "state.20", N_("The download failed. The update will be offered again later."), NULL, "code",
    BODY },
  /* TRANSLATORS: FUMO state 30. */
  { "state.30", N_("Downloading the update."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 40. */
  { "state.40", N_("The update is downloaded."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 50. */
  { "state.50", N_("The update is ready to install."), NULL, "code", BODY },
  /* TRANSLATORS: FUMO state 60. */
  { "state.60", N_("Installing the update. Do not turn off the device."), NULL, "code", BODY },
  { "state.70",
    /* TRANSLATORS: FUMO state 70: the install failed, the package is still on the device. */
    N_("The installation failed. It can be tried again without downloading the update."), NULL,
    "code", BODY },
  /* TRANSLATORS: FUMO state 80: the install failed, the package is gone. */
  { "state.80", N_("The installation failed. The update has to be downloaded again."), NULL, "code",
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
  { "state.180", N_("The installation was put off until later."), NULL, "code", BODY },
  /* TRANSLATORS: state 190 (Verizon extension). */
  { "state.190", N_("The update is starting again."), NULL, "code", BODY },
  /* TRANSLATORS: any other state, a status line; {code} is the number: "Update state 200." */
  { "state.unknown", N_("Update state {code}."), NULL, "code!", BODY },
};

const gsize otaux_n_builtin_texts = G_N_ELEMENTS(otaux_builtin_texts);

/* Any code not listed here reads "result.unknown". */
const OtauxResultCode otaux_result_codes[] = {
  { 200, 200, "successful", "result.200" },
  { 250, 299, "successful, vendor-specified", "result.vendor-success" },
  { 400, 400, "management client error", "result.400" },
  { 401, 401, "user cancelled", "result.401" },
  { 402, 402, "corrupted firmware update package", "result.402" },
  { 403, 403, "firmware update package: device mismatch", "result.403" },
  { 404, 404, "failed firmware update package validation", "result.404" },
  { 405, 405, "firmware update package not acceptable", "result.405" },
  { 406, 406, "alternate download: authentication failure", "result.406" },
  { 407, 407, "alternate download: request time-out", "result.407" },
  { 408, 408, "not implemented", "result.408" },
  { 409, 409, "undefined error", "result.409" },
  { 410, 410, "firmware update failed", "result.410" },
  { 411, 411, "malformed or bad URL", "result.411" },
  { 412, 412, "alternate download server unavailable", "result.412" },
  { 450, 450, "client error, vendor-specified: mains power needed (otaux)", "result.450" },
  { 451, 451, "client error, vendor-specified: battery too low (otaux)", "result.451" },
  { 452, 499, "client error, vendor-specified", "result.client-vendor" },
  { 500, 500, "alternate download server error", "result.500" },
  { 501, 501, "download failed: device out of memory", "result.501" },
  { 502, 502, "update failed: device out of memory", "result.502" },
  { 503, 503, "download failed: network problem", "result.503" },
  { 550, 599, "server error, vendor-specified", "result.server-vendor" },
};

const gsize otaux_n_result_codes = G_N_ELEMENTS(otaux_result_codes);

/* The pop-up's own words (ui/prompter translates them where they are used):
 * listed here only so that review tools print them (otauxctl strings
 * --render). tests/rules checks that this list and the _() texts of
 * ui/prompter are the same. */
const char *const otaux_prompter_words[] = {
  N_("Another time"),
  N_("Back"),
  N_("Close"),
  N_("Delay"),
  N_("Firmware update"),
  N_("Hour"),
  N_("Minute"),
  N_("Name"),
  N_("Pick a time"),
  N_("Progress"),
  N_("Release notes"),
  N_("Size"),
  N_("The answer was not accepted: %s"),
  N_("Version"),
  N_("Warning"),
  NULL,
};
