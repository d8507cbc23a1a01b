/* otaux-prompt: what to show the person about one offer, as plain data.
 *
 * Built from the offer, the policy and the strings; presenters (the
 * notification presenter, the pop-up prompter over D-Bus, any other UI)
 * only display it. The D-Bus adapter publishes it as Offer1.Prompt (a{sv})
 * with the keys named in the comments below. */
#pragma once

#include <glib.h>
#include "otaux-offer.h"
#include "otaux-policy.h"
#include "otaux-strings.h"

G_BEGIN_DECLS

typedef enum {
  OTAUX_PROMPT_NONE = 0,      /* nothing to show: Prompt is empty */
  OTAUX_PROMPT_DOWNLOAD,      /* "download"  offered: download it? */
  OTAUX_PROMPT_PROGRESS,      /* "progress"  downloading */
  OTAUX_PROMPT_INSTALL,       /* "install"   ready: install now / delay / cancel */
  OTAUX_PROMPT_FORCED,        /* "forced"    ready, forced: informs, with a countdown */
  OTAUX_PROMPT_PENDING,       /* "pending"   accepted, waiting for the updater */
  OTAUX_PROMPT_DELAYED,       /* "delayed"   the reboot is scheduled */
  OTAUX_PROMPT_REMINDER,      /* "reminder"  the reboot comes soon */
  OTAUX_PROMPT_FINAL_WARNING, /* "final-warning" the reboot is imminent; not dismissible */
  OTAUX_PROMPT_INSTALLING,    /* "installing" do not power off */
  OTAUX_PROMPT_RESULT,        /* "result"    what happened, in plain words */
} OtauxPromptKind;

typedef struct {
  char *id;    /* "accept", "cancel", "delay-reboot" */
  char *label; /* button text */
} OtauxChoice;

typedef struct {
  char *label;       /* "In 1 hour", "Tonight at 22:00" */
  gint64 time;       /* unix seconds */
  gboolean relative; /* not on the bus: "In 1 hour · 23:13", moves with the clock */
} OtauxDelayOption;

/* body, warning and message come twice (docs/strings.md): plain, for
 * gtk_label_set_text() and plain-text notification servers, and *_markup,
 * where every value is escaped and only operator-file b/i/a markup is kept,
 * for gtk_label_set_markup() and notification bodies. */
typedef struct _OtauxPrompt OtauxPrompt;

struct _OtauxPrompt {
  OtauxPromptKind kind;           /* "kind" s */
  char *title;                    /* "title" s */
  char *body;                     /* "body" s */
  char *warning;                  /* "warning" s, charge warning or "" */
  char *message;                  /* "message" s, operator install message or "" */
  char *body_markup;              /* "body-markup" s: body as markup (see below) */
  char *warning_markup;           /* "warning-markup" s, or "" */
  char *message_markup;           /* "message-markup" s, or "" */
  char *details;                  /* "details" s, release notes or "" */
  char *step;                     /* "step" s, the updater's install step (plain text) or "" */
  OtauxUrgency urgency;           /* "urgency" s: low | normal | critical */
  OtauxPresentation presentation; /* "presentation" s: silent | notification | actions | popup */
  OtauxPriority priority;         /* "priority" s */
  GPtrArray *choices;             /* "choices" a(ss), of OtauxChoice */
  char *suggested;                /* "suggested" s, the choice Enter picks, or "" */
  GArray *delay_options;          /* "delay-options" a(sx), of OtauxDelayOption */
  gint64 delay_max;               /* "delay-max" x, latest reboot-at, 0 = no delay */
  gint64 deadline;                /* "deadline" x, when the prompt answers itself, 0 = never */
  char *deadline_choice;          /* "deadline-choice" s, the answer given then, or "" */
  gint progress;                  /* "progress" i, 0..100, -1 = unknown/none */
  guint32 result;                 /* "result" u, 0 unless kind result */
  gboolean dismissible;           /* "dismissible" b */
  gboolean sound;                 /* "sound" b */
  gboolean needs_reboot;          /* "needs-reboot" b: the install restarts the device */
  gint64 refresh_at;              /* not on the bus: when a countdown text next reads
                                   * differently, so the prompt must be rebuilt; 0 = never */
};

const char *otaux_prompt_kind_to_string(OtauxPromptKind kind);

/* Builds the prompt for the offer as it stands at @now. Never NULL; an
 * offer with nothing to show gets kind OTAUX_PROMPT_NONE. */
OtauxPrompt *otaux_prompt_build(const OtauxOffer *offer, const OtauxPolicy *policy,
                                const OtauxStrings *strings, gint64 now);
/* An empty prompt (kind none, texts ""), to be filled in: the session
 * agent's copy of a prompt the system instance published. */
OtauxPrompt *otaux_prompt_new(void);
void otaux_prompt_free(OtauxPrompt *prompt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxPrompt, otaux_prompt_free)

gboolean otaux_prompt_equal(const OtauxPrompt *a, const OtauxPrompt *b);
/* Whether the prompt is a question the person is expected to answer
 * (progress only offers to stop, a scheduled reboot is an answer already). */
gboolean otaux_prompt_asks(const OtauxPrompt *prompt);
gboolean otaux_prompt_has_choice(const OtauxPrompt *prompt, const char *choice);
/* FUMO's successful results: 200 and the 250-299 range (docs/dbus-api.md). */
gboolean otaux_prompt_result_is_success(guint32 result);

G_END_DECLS
