/* otaux-prompter: the short-lived GTK 4 pop-up of otaux.
 *
 * Started by otaux-agent when some offer's Prompt has presentation
 * "popup" (the same pattern as pinentry or gcr-prompter). It owns
 * org.otaux.Prompter on the session bus (one instance; the agent watches
 * the name), reads the offers of org.otaux.Agent over D-Bus, shows the
 * pop-up prompts one at a time (highest priority first, then oldest),
 * sends the person's choice with Offer1.Answer and exits after a short
 * idle time with nothing to show.
 *
 * The files of ui/prompter/, one job each; all state is in one
 * OtauxPrompter that every function gets as a pointer:
 *   otaux-prompter-prompt.c  the prompt model (Offer1.Prompt parsed)
 *   otaux-prompter-client.c  the agent client (offers, Answer) and
 *                            org.otaux.Prompter1 (Show, Shown, Hidden)
 *   otaux-prompter-window.c  the window, the buttons, which prompt shows
 *   otaux-prompter-screens.c the content of each screen
 *   otaux-prompter-delay.c   the delay-time picker
 *   otaux-prompter-shot.c    the screenshot output (--screenshot-dir)
 *   otaux-prompter-main.c    main */
#pragma once

#include <gtk/gtk.h>

#include "otaux-strings.h"

G_BEGIN_DECLS

#define OTAUX_PROMPTER_AGENT_NAME   "org.otaux.Agent"
#define OTAUX_PROMPTER_AGENT_PATH   "/org/otaux/Agent"
#define OTAUX_PROMPTER_AGENT_IFACE  "org.otaux.Agent1"
#define OTAUX_PROMPTER_OFFER_IFACE  "org.otaux.Offer1"
#define OTAUX_PROMPTER_OFFER_PREFIX "/org/otaux/Agent/Offers/"
/* the system instance's offers, as the session agent presents them */
#define OTAUX_PROMPTER_SYSTEM_OFFER_PREFIX "/org/otaux/Agent/System/Offers/"
/* A row the person taps (the delay picker's choices): a finger's height. */
#define OTAUX_PROMPTER_ROW_MIN 48
/* A success needs no reading: the pop-up closes itself after this, and the
 * agent's expiring notification keeps the news. */
/* The countdown bar shows the last this many seconds before a deadline. */
#define OTAUX_PROMPTER_COUNTDOWN_S     600
#define OTAUX_PROMPTER_SUCCESS_CLOSE_S 5
#define OTAUX_PROMPTER_NAME            "org.otaux.Prompter"
#define OTAUX_PROMPTER_PATH            "/org/otaux/Prompter"
#define OTAUX_PROMPTER_IFACE           "org.otaux.Prompter1"
#define OTAUX_PROMPTER_PROPS_IFACE     "org.freedesktop.DBus.Properties"

/* ---- the prompt model (otaux-prompter-prompt.c) ---- */

typedef struct {
  char *id;
  char *label;
} OtauxPromptChoice;

typedef struct {
  char *label;
  gint64 time;
} OtauxPromptDelayOption;

/* One Offer1.Prompt, every string valid UTF-8 and never NULL. */
typedef struct {
  char *kind;
  char *title;
  char *body;
  char *warning;
  char *message;
  char *body_markup; /* the *-markup keys: values escaped, operator b/i/a kept */
  char *warning_markup;
  char *message_markup;
  char *details;
  char *step; /* the updater's install step, plain text */
  char *urgency;
  char *presentation;
  char *priority;
  char *suggested;
  char *deadline_choice;
  GPtrArray *choices;    /* OtauxPromptChoice* */
  GArray *delay_options; /* OtauxPromptDelayOption */
  gint64 delay_max;
  gint64 deadline;
  gint progress;
  guint32 result;
  gboolean dismissible;
  gboolean needs_reboot; /* "needs-reboot": FALSE words the picker "Install at …" */
} OtauxPrompt;

OtauxPrompt *otaux_prompt_parse(GVariant *dict);
OtauxPrompt *otaux_prompt_copy(const OtauxPrompt *prompt);
void otaux_prompt_free(OtauxPrompt *prompt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxPrompt, otaux_prompt_free)
/* Same kind of question: same choices, options, suggestion and limits. */
gboolean otaux_prompt_same_choices(const OtauxPrompt *a, const OtauxPrompt *b);
const OtauxPromptChoice *otaux_prompt_find_choice(const OtauxPrompt *prompt, const char *id);
/* high 2, medium 1, anything else 0 */
int otaux_prompt_priority_rank(const char *priority);

/* ---- one offer of the agent, as the prompter follows it ---- */

typedef struct {
  char *path;
  guint serial;
  char *name;
  char *version;
  char *priority;
  guint64 size;
  guint64 bytes_done; /* Offer1.Progress bytes, when the updater reports them */
  guint64 bytes_total;
  OtauxPrompt *prompt;   /* NULL until loaded */
  char *hidden_kind;     /* hidden (Escape/Close) while the kind stays this */
  char *requested_kind;  /* Show(): a pop-up for this kind whatever the presentation */
  gboolean request_seen; /* the prompt had the requested kind: a change ends it */
  GCancellable *cancel;
} OtauxPrompterOffer;

/* ---- the delay-time picker (otaux-prompter-delay.c) ---- */

typedef struct {
  GtkWidget *box;
  GtkWidget *custom_check; /* "Another time" */
  GtkWidget *time_row;     /* the spinners, shown once "Another time" is chosen */
  GtkWidget *hour, *minute;
  GtkWidget *latest;  /* "Latest: ..." under the heading */
  GtkWidget *hint;    /* the chosen custom time, or why it cannot be */
  GtkWidget *confirm; /* the button that sends the time (in the actions) */
  GPtrArray *checks;  /* GtkCheckButton* or NULL, parallel to the prompt's delay options */
  gboolean ready;     /* all widgets exist */
} OtauxPrompterDelay;

/* ---- the screenshot output (otaux-prompter-shot.c) ---- */

typedef struct {
  char *dir; /* --screenshot-dir, or NULL */
  guint tick_id;
  guint frames;
  char *suffix;
} OtauxPrompterShot;

/* ---- the whole prompter ---- */

typedef struct {
  GDBusConnection *bus;
  GMainLoop *loop;
  int exit_code;
  guint idle_timeout_s;
  int geom_w, geom_h;
  OtauxStrings *strings; /* the built-in texts, for times and sizes */

  /* the agent client */
  guint own_id;
  guint object_id;
  guint watch_id;
  gboolean name_acquired;
  guint sub_added, sub_removed, sub_props;
  gboolean agent_present;
  guint pending_loads; /* initial GetAll replies outstanding */
  GCancellable *agent_cancel;
  GHashTable *offers;         /* path -> OtauxPrompterOffer* */
  char *on_screen;            /* the offer whose Shown was sent last, until its Hidden */
  GdkFrameClock *paint_clock; /* waiting for a painted frame before Shown */
  gulong paint_id;
  guint idle_id;

  /* the window and the prompt on it */
  GtkWindow *window;
  GtkWidget *header_title;
  GtkWidget *scrolled;
  GtkWidget *column;
  GtkWidget *actions;
  char *cur_path;
  OtauxPrompt *cur; /* copy of what is shown */
  gboolean wide;
  gboolean delay_mode;
  gboolean answering;

  /* widgets updated in place */
  GtkWidget *title_label;
  GtkWidget *body_label;
  GtkWidget *message_label;
  GtkWidget *message_box;
  GtkWidget *warning_label;
  GtkWidget *warning_box;
  GtkWidget *details_label;
  GtkWidget *details_expander;
  GtkWidget *progress_bar;
  GtkWidget *progress_label;
  GtkWidget *countdown_bar; /* drains until the deadline; the texts say the time */
  gint64 countdown_from;    /* when the countdown came on screen */
  GtkWidget *error_label;
  GtkWidget *info_grid;
  GtkWidget *info_name, *info_version, *info_size;
  guint pulse_id;
  guint countdown_id;
  guint success_close_id; /* a success closes itself (OTAUX_PROMPTER_SUCCESS_CLOSE_S) */
  gint64 rate_t0;         /* for the time-left estimate: the first bytes report seen */
  guint64 rate_b0;

  OtauxPrompterDelay delay;
  OtauxPrompterShot shot;
} OtauxPrompter;

/* ---- the agent client (otaux-prompter-client.c) ---- */

/* Watches org.otaux.Agent, once org.otaux.Prompter is ours. */
void otaux_prompter_client_start(OtauxPrompter *self);
void otaux_prompter_client_stop(OtauxPrompter *self);
/* Exports /org/otaux/Prompter (before the name is owned). */
guint otaux_prompter_client_export(OtauxPrompter *self);
OtauxPrompterOffer *otaux_prompter_client_current(OtauxPrompter *self);
/* The offer to show: the one on screen while it is showable, else the
 * highest priority, then the oldest. NULL when there is none. */
OtauxPrompterOffer *otaux_prompter_client_pick(OtauxPrompter *self);
/* Offer1.Answer for the prompt on screen; @reboot_at 0 for none. */
void otaux_prompter_client_answer(OtauxPrompter *self, const char *choice, gint64 reboot_at);
/* Hides the current prompt without answering: it stays pending. */
void otaux_prompter_client_hide_current(OtauxPrompter *self);
/* Sends Shown/Hidden so that @path (NULL: none) is the offer on screen. */
void otaux_prompter_client_set_on_screen(OtauxPrompter *self, const char *path);

/* ---- the window (otaux-prompter-window.c) ---- */

void otaux_prompter_window_build(OtauxPrompter *self);
void otaux_prompter_window_destroy(OtauxPrompter *self);
/* Shows what otaux_prompter_client_pick() says, or hides the window. */
void otaux_prompter_window_refresh(OtauxPrompter *self);
/* (Re)starts the timer that ends the prompter after @seconds. */
void otaux_prompter_window_arm_idle(OtauxPrompter *self, guint seconds);
/* Rebuilds the buttons for the prompt and mode on screen. */
void otaux_prompter_window_build_actions(OtauxPrompter *self);
void otaux_prompter_window_set_delay_mode(OtauxPrompter *self, gboolean on);
void otaux_prompter_window_set_error(OtauxPrompter *self, const char *text);
void otaux_prompter_window_set_sensitive(OtauxPrompter *self, gboolean sensitive);
GtkWidget *otaux_prompter_window_make_button(OtauxPrompter *self, const char *label, const char *id,
                                             gboolean suggested);

/* ---- the screens (otaux-prompter-screens.c) ---- */

/* Builds the column for the prompt on screen (self->cur), from scratch. */
void otaux_prompter_screens_build(OtauxPrompter *self, const OtauxPrompterOffer *offer);
/* Fills the widgets that exist for the prompt on screen with its texts. */
void otaux_prompter_screens_update(OtauxPrompter *self, const OtauxPrompterOffer *offer);
void otaux_prompter_screens_clear(OtauxPrompter *self);
/* While the delay picker shows, the question's texts give way to it (the
 * title stays), so that the picker fits a phone's screen. */
void otaux_prompter_screens_set_compact(OtauxPrompter *self, gboolean compact);
GtkWidget *otaux_prompter_make_label(const char *text, const char *css_class, int max_chars);
void otaux_prompter_set_accessible_label(GtkWidget *widget, const char *label);
/* Plain text into a label; in a right-to-left layout a text with
 * right-to-left letters starts with RLM (otaux_strings_bidi_mark). */
void otaux_prompter_set_label(GtkWidget *label, GtkWidget *visible_widget, const char *text);

/* ---- the delay-time picker (otaux-prompter-delay.c) ---- */

GtkWidget *otaux_prompter_delay_build(OtauxPrompter *self);
void otaux_prompter_delay_clear(OtauxPrompter *self);
/* Checks the chosen time, updates the hint and the confirm button. */
void otaux_prompter_delay_update(OtauxPrompter *self);
/* The chosen time (Unix seconds), or 0. */
gint64 otaux_prompter_delay_selected(OtauxPrompter *self);

/* ---- the screenshot output (otaux-prompter-shot.c) ---- */

/* After the next frames are drawn: DIR/<serial>-<kind><suffix>.png, and
 * .json with the buttons' geometry, written after the PNG. */
void otaux_prompter_shot_request(OtauxPrompter *self, const char *suffix);
void otaux_prompter_shot_cancel(OtauxPrompter *self);
void otaux_prompter_shot_clear(OtauxPrompter *self);

G_END_DECLS
