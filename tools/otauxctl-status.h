/* otauxctl status: the agent at a glance, and the device as it sees it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int otauxctl_cmd_status(int argc, char **argv);

G_END_DECLS
