/* otaux-render: every text filled in, with realistic and edge values, as
 * the prompts really assemble them (otaux-prompt.c), for reviewing the
 * wording of a language (otauxctl strings --render) and for the tests that
 * check it (no doubled space, no placeholder left, no unit on its own
 * line). */
#pragma once

#include <glib.h>
#include "otaux-strings.h"

G_BEGIN_DECLS

typedef struct {
  char *where; /* "install/fallback/5-minutes/body" */
  char *text;  /* the plain text, as shown */
} OtauxRendered;

/* Every prompt kind with the fallback name and a real one, with and
 * without a version, durations of 1, 2, 5, 11 and 100 of each unit, sizes,
 * restart times today, tomorrow and next week (from @now, local time), every
 * result code and state. An array of OtauxRendered, in a stable order. */
GPtrArray *otaux_render_all(const OtauxStrings *strings, gint64 now);

G_END_DECLS
