/* otauxctl-keys: `otauxctl keys`, the keys of the API's a{sv} arguments
 * from the one key table (agent/otaux-keys.c), for scripts and the shell
 * completion. */
#pragma once

/* otauxctl keys [--state | --answer]: one key a line, "NAME\tTYPE\tHELP". */
int otauxctl_cmd_keys(int argc, char **argv);
