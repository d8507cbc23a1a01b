/* otauxctl-preview-walk: drives the real agent of a preview session
 * through every prompt kind of every priority, over the public D-Bus API
 * and the test clock, and pictures the screen at each step. */
#pragma once

#include "otaux-policy.h"
#include "otauxctl-preview-session.h"

G_BEGIN_DECLS

typedef struct {
  PreviewSession *session;
  const OtauxPolicy *policy; /* the effective policy the agent runs with */
  const char *message;       /* an operator install message id, or NULL */
  const char *output;        /* the pictures go here */
  /* filled by the walk */
  GString *index; /* JSON objects, one per picture, comma separated */
  guint n_pictures;
  guint n_unseen; /* steps whose prompt did not reach the screen in time */
  gint64 clock;   /* the agent's test clock as last set */
} PreviewWalk;

/* Every priority (low, medium, high): download (with the charge warning
 * and release notes), progress, install (with the operator message),
 * delayed, reminder, final warning, pending, installing, success; then a
 * forced update and a failure; then an update that restarts (the restart
 * question, restarting, finishing after the agent's restart). Pictures:
 * PRIORITY-PRESENTATION-KIND.png. */
gboolean preview_walk_run(PreviewWalk *walk, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Appends @text to @out as a JSON string. */
void preview_json_string(GString *out, const char *text);

G_END_DECLS
