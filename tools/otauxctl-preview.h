/* otauxctl-preview: `otauxctl preview`, pictures of every prompt and
 * notification for a locale, policy file and catalog (docs/strings.md). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* otauxctl preview [--locale L] [--policy FILE] [--strings FILE] --output DIR.
 * argv[0] is the command name. Returns 0 done, 1 failed, 2 usage, 77 a
 * program it needs is not installed. */
int otauxctl_cmd_preview(int argc, char **argv);

G_END_DECLS
