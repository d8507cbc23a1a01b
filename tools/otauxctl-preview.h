/* otauxctl-preview: `otauxctl preview`, pictures of every prompt and
 * notification for a locale, policy file and catalog (docs/strings.md). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* otauxctl preview [--locale L] [--policy FILE] [--strings FILE] --output DIR:
 * runs the driver (otaux-preview.py) with the paths of the agent, the
 * prompter and the default layers. argv[0] is the command name. Returns
 * only on errors (2 usage, 1 cannot run the driver). */
int otauxctl_cmd_preview(int argc, char **argv);

G_END_DECLS
