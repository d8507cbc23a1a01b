/* otaux-presenters: what the agent shows by itself (linked into
 * otaux-agent, never GTK): notifications on org.freedesktop.Notifications
 * and the pop-up prompter (otaux-prompter) started on demand.
 *
 * Both follow the offers' Prompts (agent/otaux-prompt.h) through an
 * OtauxAgentListener; every D-Bus call is asynchronous with a time-out,
 * so a missing or hung notification server never stalls the agent. */
#pragma once

#include <glib.h>
#include "otaux-agent.h"

G_BEGIN_DECLS

typedef struct _OtauxPresenters OtauxPresenters;

typedef struct {
  const char *prompter_path; /* NULL: $OTAUX_PROMPTER, else the installed libexecdir path */
  gboolean notifications;
  gboolean popups;
} OtauxPresentersConfig;

OtauxPresenters *otaux_presenters_new(OtauxAgent *agent, const OtauxPresentersConfig *config);
void otaux_presenters_free(OtauxPresenters *p);

G_END_DECLS
