/* otauxctl-offer: the commands of an updater and a UI (docs/dbus-api.md).
 * Each takes argv as otauxctl passes it (argv[0] is the command name) and
 * returns the exit status. */
#pragma once

int otauxctl_cmd_offer(int argc, char **argv);
int otauxctl_cmd_wait_decision(int argc, char **argv);
int otauxctl_cmd_state(int argc, char **argv);
int otauxctl_cmd_finish(int argc, char **argv);
int otauxctl_cmd_withdraw(int argc, char **argv);
int otauxctl_cmd_answer(int argc, char **argv);
