/* otauxctl-policy: the operator's policy commands of otauxctl.
 * Both take argv as otauxctl passes it (argv[0] is the command name). */
#pragma once

/* otauxctl check FILE...: every problem as "file:line: message" on stderr.
 * Exit status 0 clean, 1 problems, 2 a file is unreadable (or usage). */
int otauxctl_cmd_check(int argc, char **argv);

/* otauxctl policy [--policy-dir DIR]...: the effective merged policy and
 * where each value comes from. Exit status 0, 1 when a file was skipped. */
int otauxctl_cmd_policy(int argc, char **argv);
