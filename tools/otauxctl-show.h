/* otauxctl-show: the commands that read the agent (list, show, watch).
 * Each takes argv as otauxctl passes it (argv[0] is the command name) and
 * returns the exit status. */
#pragma once

int otauxctl_cmd_list(int argc, char **argv);
int otauxctl_cmd_show(int argc, char **argv);
int otauxctl_cmd_watch(int argc, char **argv);
