/* otaux-popup: starts otaux-prompter when an offer's prompt needs the
 * pop-up and tells it which prompts to show (org.otaux.Prompter1.Show).
 * Internal to the presenters. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _OtauxPopup OtauxPopup;

/* Offer @serial's question came on screen in the pop-up (@shown), or left
 * it (Prompter1.Shown / Hidden, or the prompter vanished). */
typedef void (*OtauxPopupVisibleFunc)(guint serial, gboolean shown, gpointer user_data);

/* @extra_args: appended to the prompter's command line (may be NULL). */
OtauxPopup *otaux_popup_new(GDBusConnection *bus, const char *prompter_path,
                            const char *const *extra_args, OtauxPopupVisibleFunc visible,
                            gpointer visible_data);
void otaux_popup_free(OtauxPopup *popup);

/* The prompt of offer @serial (of @kind) needs the pop-up, or no longer.
 * A need is passed on once per kind: a prompt the person hid stays hidden
 * until its kind changes. */
void otaux_popup_set_need(OtauxPopup *popup, guint serial, const char *kind, gboolean needed);
/* The person asked for it (a click on a notification): show it again. */
void otaux_popup_request(OtauxPopup *popup, guint serial, const char *kind);
void otaux_popup_remove(OtauxPopup *popup, guint serial);

G_END_DECLS
