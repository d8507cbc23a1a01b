/* otaux-tonight: "Install tonight", a choice of the install question and
 * of the restart question (issue 18 item 1).
 *
 * The person hands the timing to the device: the offer is delayed (decision
 * delay-reboot, detail tonight) to the start of the priority's night window
 * (policy <priority night-start night-end>). Inside the window it is
 * accepted (reason scheduled) as soon as the device is charging, the
 * person's session is idle or locked, and no other program blocks a restart
 * (otaux_device_tonight_misses). A window that passes unused asks again in
 * the morning, with why; no decision is sent. Pure data, as otaux-offer. */
#pragma once

#include "otaux-offer.h"

G_BEGIN_DECLS

/* The night window "tonight" would take now, or FALSE when the question
 * does not offer it: only the open install or restart question (ready, a
 * delay still allowed), a priority with a window, its start within the
 * delay limit. Inside the window, @start is a second from now. */
gboolean otaux_tonight_window(const OtauxOffer *offer, const OtauxPolicy *policy, gint64 now,
                              gint64 *start, gint64 *end);

/* The offer waits for its night window (or is inside it). */
gboolean otaux_tonight_chosen(const OtauxOffer *offer);

/* The morning question: a window passed unused; the prompt says why. */
gboolean otaux_tonight_missed(const OtauxOffer *offer);

/* @base (static, NULL-terminated) with "tonight" after "accept" where the
 * question offers it; the morning question offers install now, tonight
 * again, or later (no skip). Returns a static list. */
const char *const *otaux_tonight_choices(const OtauxOffer *offer, const OtauxPolicy *policy,
                                         gint64 now, const char *const *base);

/* After the decision delay-reboot at @start: remembers the window; no
 * reminders and no final warning lead up to it. */
void otaux_tonight_take(OtauxOffer *offer, const OtauxPolicy *policy, gint64 start, gint64 end);

typedef enum {
  OTAUX_TONIGHT_WAIT = 0, /* nothing changed */
  OTAUX_TONIGHT_CHANGED,  /* recorded why it waits, or the morning question opened */
  OTAUX_TONIGHT_ACCEPT,   /* now: the caller decides accept, reason scheduled */
} OtauxTonightStep;

/* The time and the device moved on (a chosen offer only). */
OtauxTonightStep otaux_tonight_tick(OtauxOffer *offer, const OtauxPolicy *policy, gint64 now);

/* When the clock moves a chosen offer on: the window's start, then its end. */
gint64 otaux_tonight_next_wakeup(const OtauxOffer *offer, gint64 now);

/* The text ids of why the window passed unused, NULL-terminated, static. */
void otaux_tonight_missed_text_ids(guint missed, const char **ids, gsize n_ids);

G_END_DECLS
