/* otauxctl-keys: prints a key table of agent/otaux-keys.c, so that the
 * completion (data/completion/otauxctl) and scripts never keep a copy. */
#include "config.h"
#include "otauxctl-keys.h"

#include "otaux-keys.h"
#include "otauxctl-common.h"

int otauxctl_cmd_keys(int argc, char **argv)
{
  gboolean state = FALSE, answer = FALSE, finish = FALSE;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_NONE, &state, "The keys of SetState's details (otauxctl state)",
      NULL },
    { "answer", 0, 0, G_OPTION_ARG_NONE, &answer, "The keys of Answer's details (otauxctl answer)",
      NULL },
    { "finish", 0, 0, G_OPTION_ARG_NONE, &finish,
      "The keys of FinishWithDetails' details (otauxctl finish)", NULL },
    G_OPTION_ENTRY_NULL,
  };
  const OtauxKey *keys = otaux_offer_keys;
  gsize n = otaux_n_offer_keys;
  int rc =
      otauxctl_parse_options(entries,
                             "One key a line, columns separated by tabs: NAME TYPE HELP.\n"
                             "Without an option: the keys of Offer (otauxctl offer KEY=VALUE).",
                             &argc, &argv, 0, 0);

  if (rc >= 0)
    return rc;
  if (state + answer + finish > 1)
    return otauxctl_usage_error("--state, --answer and --finish exclude each other");
  if (state) {
    keys = otaux_state_keys;
    n = otaux_n_state_keys;
  } else if (finish) {
    keys = otaux_finish_keys;
    n = otaux_n_finish_keys;
  } else if (answer) {
    keys = otaux_answer_keys;
    n = otaux_n_answer_keys;
  }
  for (gsize i = 0; i < n; i++)
    g_print("%s\t%s\t%s\n", keys[i].name, otaux_key_signature(keys[i].kind),
            keys[i].help != NULL ? keys[i].help : "");
  return EXIT_OK;
}
