/* otauxctl: the command-line tool for integrators and operators.
 *
 * A plain client of the public D-Bus API (org.otaux.Agent1 and
 * org.otaux.Offer1, see docs/dbus-api.md), written with GDBus so that it
 * shows the API works from outside the agent.
 *
 * Exit codes: 0 ok, 1 the agent refused (the D-Bus error is printed),
 * 2 usage error, 3 cannot reach the bus or the agent, 4 timed out. */
#include "config.h"
#include "otauxctl-common.h"
#include "otauxctl-keys.h"
#include "otauxctl-offer.h"
#include "otauxctl-policy.h"
#include "otauxctl-preview.h"
#include "otauxctl-show.h"
#include "otauxctl-status.h"
#include "otauxctl-strings.h"

#include <locale.h>
#include <stdio.h>

/* The commands, one file per group: otauxctl-offer.c (updater and UI),
 * otauxctl-show.c (list, show, watch), otauxctl-policy.c (check, policy),
 * otauxctl-strings.c, otauxctl-preview.c; otauxctl-common.c is what they share. */

static const OtauxctlCommand commands[] = {
  { "offer", otauxctl_cmd_offer, "[KEY=VALUE...]", "Offer a firmware package to the agent" },
  { "wait-decision", otauxctl_cmd_wait_decision, "OFFER", "Wait for the decision on an offer" },
  { "state", otauxctl_cmd_state, "OFFER STATE", "Report a FUMO state (progress) for an offer" },
  { "finish", otauxctl_cmd_finish, "OFFER RESULT", "Report the final FUMO result code" },
  { "withdraw", otauxctl_cmd_withdraw, "OFFER", "Withdraw an offer (remove it and its prompts)" },
  { "answer", otauxctl_cmd_answer, "OFFER CHOICE", "Answer an offer's prompt as a UI would" },
  { "status", otauxctl_cmd_status, "",
    "The agent at a glance, and the device as it sees it (roaming, battery, ...)" },
  { "list", otauxctl_cmd_list, "", "List the offers" },
  { "show", otauxctl_cmd_show, "OFFER", "Show every property of an offer, with its Prompt" },
  { "watch", otauxctl_cmd_watch, "", "Print the agent's events until interrupted" },
  { "check", otauxctl_cmd_check, "FILE...",
    "Check policy files and string catalogs (FILE:LINE: MESSAGE)" },
  { "policy", otauxctl_cmd_policy, "", "Print the effective policy and where each value is set" },
  { "strings", otauxctl_cmd_strings, "[ID...]",
    "Print the effective texts and where each comes from" },
  { "preview", otauxctl_cmd_preview, "--output DIR",
    "Render every prompt and notification as PNG files" },
  { "keys", otauxctl_cmd_keys, "", "Print the keys an offer (or --state, --answer) takes" },
};

static void print_usage(FILE *out)
{
  fprintf(out,
          "Usage: otauxctl [--help] [--version] [--system] COMMAND [OPTION...] [ARG...]\n\n"
          "Talk to the otaux agent (%s on the session bus; with --system, the\n"
          "system instance on the system bus).\n\nCommands:\n",
          AGENT_NAME);
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nOFFER is an object path or a package id.\n"
               "'otauxctl COMMAND --help' describes a command.\n\n"
               "Exit status: 0 ok, 1 the agent refused, 2 usage error,\n"
               "3 cannot reach the bus or the agent, 4 timed out.\n");
}

int main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  /* otauxctl --system COMMAND …: every command talks to the system instance */
  if (argc >= 2 && g_str_equal(argv[1], "--system")) {
    otauxctl_system = TRUE;
    argv[1] = argv[0];
    argc--;
    argv++;
  }
  if (argc < 2) {
    print_usage(stderr);
    return EXIT_USAGE;
  }
  if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h") ||
      g_str_equal(argv[1], "help")) {
    print_usage(stdout);
    return EXIT_OK;
  }
  if (g_str_equal(argv[1], "--version")) {
    g_print("otauxctl %s (D-Bus API version 1)\n", PACKAGE_VERSION);
    return EXIT_OK;
  }
  const OtauxctlCommand *cmd = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (g_str_equal(argv[1], commands[i].name))
      cmd = &commands[i];
  if (cmd == NULL) {
    g_printerr("otauxctl: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return EXIT_USAGE;
  }
  g_autofree char *prgname = g_strdup_printf("otauxctl %s", cmd->name);
  g_set_prgname(prgname);
  otauxctl_command = cmd;
  int rc = cmd->run(argc - 1, argv + 1);
  otauxctl_disconnect();
  return rc;
}
