/* otauxctl-preview-session: the private world of `otauxctl preview`: its
 * own X server (Xvfb at the phone size), its own bus (dbus-daemon), dunst
 * as the notification server, and the real otaux-agent with its real
 * presenters, which starts the real prompter. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PREVIEW_WIDTH  360
#define PREVIEW_HEIGHT 720

typedef struct {
  const char *agent;    /* otaux-agent */
  const char *prompter; /* otaux-prompter */
  const char *dunstrc;
  const char *const *policy_dirs;
  const char *const *strings_dirs;
  const char *const *locale_env; /* KEY=VALUE for the agent and the prompter */
  const char *log;               /* the agent's and prompter's stderr go here */
} PreviewSessionConfig;

typedef struct _PreviewSession PreviewSession;

typedef enum {
  PREVIEW_ERROR_FAILED,
  PREVIEW_ERROR_TIMED_OUT,
  PREVIEW_ERROR_MISSING, /* a program the preview needs is not installed */
} PreviewError;

#define PREVIEW_ERROR (preview_error_quark())
GQuark preview_error_quark(void);

/* Starts everything and waits for each part to be on the bus. */
PreviewSession *preview_session_start(const PreviewSessionConfig *config,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Stops the agent and starts it again with its state (a device's restart). */
gboolean preview_session_restart_agent(PreviewSession *session,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Stops the parts (newest first) and removes the temporary folder. */
void preview_session_free(PreviewSession *session);
/* Removes PATH and everything below it (symbolic links are not followed). */
void preview_session_remove_tree(const char *path);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PreviewSession, preview_session_free)

GDBusConnection *preview_session_bus(PreviewSession *session);
/* The folder where the prompter saves each screen's layout (SERIAL-KIND.json). */
const char *preview_session_shots(PreviewSession *session);

typedef gboolean (*PreviewPredicate)(gpointer data);
/* Runs the main loop until @pred is true, at most @timeout_ms. */
gboolean preview_session_wait(PreviewSession *session, PreviewPredicate pred, gpointer data,
                              guint timeout_ms, const char *what,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The Notify calls seen on the bus so far (the agent's own), in order. */
guint preview_session_n_notifies(PreviewSession *session);
/* The @i-th Notify call's arguments (susssasa{sv}i); a new reference. */
GVariant *preview_session_get_notify(PreviewSession *session, guint i);

/* Runs xdotool ARGS... on the preview's screen (a real click on the pop-up). */
gboolean preview_session_xdotool(PreviewSession *session, const char *const *args,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Saves the whole screen as PNG once it has stopped changing and, with
 * @news, once it shows something other than the last picture. */
gboolean preview_session_capture(PreviewSession *session, const char *png, gboolean news,
                                 const char *caption, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
