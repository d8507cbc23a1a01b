/* otauxctl status: the agent's version, its offers by phase, the policy's
 * problems, and Agent1.Device (each fact and whose word it is). */
#include "otauxctl-common.h"
#include "otauxctl-status.h"

/* The Device facts in print order: the value key, its source key. */
static const struct {
  const char *label;
  const char *key;
  const char *source;
} facts[] = {
  { "roaming", "roaming", "roaming-source" },
  { "metered", "metered", "metered-source" },
  { "cellular", "cellular", "cellular-source" },
  { "battery", "battery-percent", "battery-source" },
  { "on battery", "on-battery", "on-battery-source" },
  /* what "Install tonight" waits for (logind) */
  { "session idle", "session-idle", "session-idle-source" },
  { "restart blocked", "restart-blocked", "restart-blocked-source" },
};

static void print_device(GVariant *device, gboolean json)
{
  GVariantDict dict;

  g_variant_dict_init(&dict, device);
  if (json) {
    g_autofree char *s = g_variant_print(device, FALSE);

    g_print("%s\n", s);
    g_variant_dict_clear(&dict);
    return;
  }
  g_print("Device:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(facts); i++) {
    const char *source = "none";
    g_autofree char *value = NULL;
    gboolean b = FALSE;
    guint32 u = 0;

    (void)g_variant_dict_lookup(&dict, facts[i].source, "&s", &source);
    if (g_variant_dict_lookup(&dict, facts[i].key, "b", &b)) {
      value = g_strdup(b ? "yes" : "no");
    } else if (g_variant_dict_lookup(&dict, facts[i].key, "u", &u)) {
      gboolean present = FALSE;

      (void)g_variant_dict_lookup(&dict, "battery-present", "b", &present);
      value = present ? g_strdup_printf("%u %%", u) : g_strdup("none");
    } else {
      value = g_strdup("?");
    }
    g_print("  %-12s %-6s (from %s)\n", facts[i].label, value, source);
  }
  {
    gboolean inhibited = FALSE;

    (void)g_variant_dict_lookup(&dict, "shutdown-inhibited", "b", &inhibited);
    g_print("  %-12s %s\n", "power-off",
            inhibited ? "blocked (an update is installing)" : "allowed");
  }
  g_variant_dict_clear(&dict);
}

int otauxctl_cmd_status(int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "device-json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print only the Device property, as a GVariant text", NULL },
    G_OPTION_ENTRY_NULL,
  };
  int rc =
      otauxctl_parse_options(entries,
                             "Device: roaming, metered, cellular (from the updater's Offer "
                             "keys or the system's services), battery and on-battery (UPower).",
                             &argc, &argv, 0, 0);
  if (rc >= 0)
    return rc;
  if ((rc = otauxctl_connect_bus()) != EXIT_OK)
    return rc;
  GError *error = NULL;
  g_autoptr(GVariant) props = otauxctl_get_all(AGENT_PATH, AGENT_IFACE, &error);
  if (props == NULL)
    return otauxctl_report_error("reading the agent", error);
  g_autoptr(GVariant) device = g_variant_lookup_value(props, "Device", G_VARIANT_TYPE_VARDICT);
  if (json) {
    if (device == NULL) {
      g_printerr("%s: the agent has no Device property (older agent)\n", otauxctl_subcommand());
      return EXIT_REFUSED;
    }
    print_device(device, TRUE);
    return EXIT_OK;
  }
  guint32 version = 0;
  (void)g_variant_lookup(props, "Version", "u", &version);
  g_autoptr(GVariant) offers = g_variant_lookup_value(props, "Offers", G_VARIANT_TYPE("ao"));
  g_autoptr(GVariant) problems =
      g_variant_lookup_value(props, "PolicyProblems", G_VARIANT_TYPE("as"));
  g_print("Agent:        running, D-Bus API version %u\n", version);
  g_print("Offers:       %" G_GSIZE_FORMAT "\n", offers != NULL ? g_variant_n_children(offers) : 0);
  g_print("Policy:       %" G_GSIZE_FORMAT " problem(s)\n",
          problems != NULL ? g_variant_n_children(problems) : 0);
  if (device != NULL)
    print_device(device, FALSE);
  return EXIT_OK;
}
