/* Fuzz target: arbitrary bytes as a policy file. Whatever the input, the
 * parser returns a file or problems (never both, never neither), and a
 * parsed file applies and checks without trouble. */
#include <stdint.h>

#include "otaux-policy-layers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autoptr(GPtrArray) problems = otaux_policy_problems_new();
  g_autoptr(OtauxPolicyFile) file =
      otaux_policy_file_parse("fuzz.xml", (const char *)data, size, problems);

  g_assert((file == NULL) == (problems->len > 0));
  if (file != NULL) {
    g_autoptr(OtauxPolicy) policy = otaux_policy_new_default();

    otaux_policy_file_apply(file, policy);
    (void)otaux_policy_check(policy, "fuzz.xml", NULL, problems);
    for (guint i = 0; i < otaux_policy_n_knobs(); i++)
      g_free(otaux_policy_knob_value(policy, i));
  }
  for (guint i = 0; i < problems->len; i++)
    g_free(otaux_policy_problem_to_string(problems->pdata[i]));
  return 0;
}
