/* otaux-device: the device facts of two sources, merged by policy. */
#include "otaux-device.h"

#include <string.h>

static const char *const source_names[] = { "none", "updater", "system" };
static const char *const fact_names[] = { "roaming",    "metered",      "cellular",       "battery",
                                          "on-battery", "session-idle", "restart-blocked" };
G_STATIC_ASSERT(G_N_ELEMENTS(fact_names) == OTAUX_DEVICE_N_FACTS);

const char *otaux_device_source_to_string(OtauxDeviceSource source)
{
  return (guint)source < G_N_ELEMENTS(source_names) ? source_names[source] : "none";
}

const char *otaux_device_fact_to_string(OtauxDeviceFact fact)
{
  return (guint)fact < G_N_ELEMENTS(fact_names) ? fact_names[fact] : "";
}

static gboolean knows(guint known, OtauxDeviceFact fact)
{
  return (known & (1u << fact)) != 0;
}

/* One yes/no fact. */
static void merge_flag(OtauxDeviceFact fact, const OtauxSystemFacts *system, gboolean sys_value,
                       const OtauxUpdaterFacts *updater, gboolean upd_value, OtauxDeviceTrust trust,
                       gboolean *value, OtauxDeviceSource *source)
{
  gboolean sys_known = system != NULL && knows(system->known, fact);
  gboolean upd_known = updater != NULL && knows(updater->known, fact);
  gboolean sys_says = sys_known && sys_value;
  gboolean upd_says = upd_known && upd_value;

  switch (trust) {
    case OTAUX_DEVICE_TRUST_UPDATER:
      if (upd_known) {
        *value = upd_value;
        *source = OTAUX_DEVICE_SOURCE_UPDATER;
        return;
      }
      break;
    case OTAUX_DEVICE_TRUST_SYSTEM:
      if (sys_known) {
        *value = sys_value;
        *source = OTAUX_DEVICE_SOURCE_SYSTEM;
        return;
      }
      break;
    case OTAUX_DEVICE_TRUST_EITHER:
    default:
      /* A yes from either side wins; the live system is named first. */
      if (sys_says || upd_says) {
        *value = TRUE;
        *source = sys_says ? OTAUX_DEVICE_SOURCE_SYSTEM : OTAUX_DEVICE_SOURCE_UPDATER;
        return;
      }
      break;
  }
  /* The counted side said nothing (or both said no): whoever spoke. */
  if (sys_known) {
    *value = sys_value;
    *source = OTAUX_DEVICE_SOURCE_SYSTEM;
  } else if (upd_known) {
    *value = upd_value;
    *source = OTAUX_DEVICE_SOURCE_UPDATER;
  } else {
    *value = FALSE;
    *source = OTAUX_DEVICE_SOURCE_NONE;
  }
}

void otaux_device_merge(const OtauxSystemFacts *system, const OtauxUpdaterFacts *updater,
                        OtauxDeviceTrust trust, OtauxDeviceFacts *out)
{
  g_return_if_fail(out != NULL);
  memset(out, 0, sizeof *out);

  merge_flag(OTAUX_DEVICE_ROAMING, system, system != NULL && system->roaming, updater,
             updater != NULL && updater->roaming, trust, &out->roaming,
             &out->source[OTAUX_DEVICE_ROAMING]);
  merge_flag(OTAUX_DEVICE_METERED, system, system != NULL && system->metered, updater,
             updater != NULL && updater->metered, trust, &out->metered,
             &out->source[OTAUX_DEVICE_METERED]);
  merge_flag(OTAUX_DEVICE_CELLULAR, system, system != NULL && system->cellular, updater,
             updater != NULL && updater->cellular, trust, &out->cellular,
             &out->source[OTAUX_DEVICE_CELLULAR]);

  if (system != NULL && knows(system->known, OTAUX_DEVICE_BATTERY)) {
    out->battery_present = system->battery_present;
    out->battery_percent = system->battery_present ? MIN(system->battery_percent, 100u) : 0;
    out->source[OTAUX_DEVICE_BATTERY] = OTAUX_DEVICE_SOURCE_SYSTEM;
  }
  out->shutdown_inhibited = system != NULL && system->shutdown_inhibited;
  if (system != NULL && knows(system->known, OTAUX_DEVICE_ON_BATTERY)) {
    out->on_battery = system->on_battery;
    out->source[OTAUX_DEVICE_ON_BATTERY] = OTAUX_DEVICE_SOURCE_SYSTEM;
  }
  if (system != NULL && knows(system->known, OTAUX_DEVICE_SESSION_IDLE)) {
    out->session_idle = system->session_idle;
    out->source[OTAUX_DEVICE_SESSION_IDLE] = OTAUX_DEVICE_SOURCE_SYSTEM;
  }
  if (system != NULL && knows(system->known, OTAUX_DEVICE_RESTART_BLOCKED)) {
    out->restart_blocked = system->restart_blocked;
    out->source[OTAUX_DEVICE_RESTART_BLOCKED] = OTAUX_DEVICE_SOURCE_SYSTEM;
  }
}

gboolean otaux_device_facts_equal(const OtauxDeviceFacts *a, const OtauxDeviceFacts *b)
{
  g_return_val_if_fail(a != NULL && b != NULL, FALSE);
  if (!a->roaming != !b->roaming || !a->metered != !b->metered || !a->cellular != !b->cellular ||
      !a->battery_present != !b->battery_present || a->battery_percent != b->battery_percent ||
      !a->on_battery != !b->on_battery || !a->shutdown_inhibited != !b->shutdown_inhibited ||
      !a->session_idle != !b->session_idle || !a->restart_blocked != !b->restart_blocked)
    return FALSE;
  return memcmp(a->source, b->source, sizeof a->source) == 0;
}

gboolean otaux_system_facts_equal(const OtauxSystemFacts *a, const OtauxSystemFacts *b)
{
  g_return_val_if_fail(a != NULL && b != NULL, FALSE);
  if (a->known != b->known || !a->shutdown_inhibited != !b->shutdown_inhibited)
    return FALSE;
  /* Only the known values count. */
  return (!knows(a->known, OTAUX_DEVICE_ROAMING) || !a->roaming == !b->roaming) &&
         (!knows(a->known, OTAUX_DEVICE_METERED) || !a->metered == !b->metered) &&
         (!knows(a->known, OTAUX_DEVICE_CELLULAR) || !a->cellular == !b->cellular) &&
         (!knows(a->known, OTAUX_DEVICE_BATTERY) || (!a->battery_present == !b->battery_present &&
                                                     a->battery_percent == b->battery_percent)) &&
         (!knows(a->known, OTAUX_DEVICE_ON_BATTERY) || !a->on_battery == !b->on_battery) &&
         (!knows(a->known, OTAUX_DEVICE_SESSION_IDLE) || !a->session_idle == !b->session_idle) &&
         (!knows(a->known, OTAUX_DEVICE_RESTART_BLOCKED) ||
          !a->restart_blocked == !b->restart_blocked);
}

const char *otaux_device_battery_text_id(const OtauxDeviceFacts *device, const OtauxPolicy *policy)
{
  gboolean on_battery;

  g_return_val_if_fail(device != NULL && policy != NULL, NULL);
  /* Nobody knows the power supply (no UPower): nothing holds the install. */
  if (device->source[OTAUX_DEVICE_ON_BATTERY] == OTAUX_DEVICE_SOURCE_NONE &&
      device->source[OTAUX_DEVICE_BATTERY] == OTAUX_DEVICE_SOURCE_NONE)
    return NULL;
  on_battery = device->on_battery && device->battery_present;
  if (on_battery && policy->battery_mains_required)
    return "battery.mains";
  if (!device->battery_present)
    return NULL; /* mains only (a desktop), or a battery UPower cannot see */
  if (device->battery_percent <
      (on_battery ? policy->battery_min_on_battery : policy->battery_min_charging))
    return "state.130";
  return NULL;
}

gboolean otaux_device_battery_allows_install(const OtauxDeviceFacts *device,
                                             const OtauxPolicy *policy)
{
  return otaux_device_battery_text_id(device, policy) == NULL;
}

gboolean otaux_device_link_unmetered(const OtauxDeviceFacts *device)
{
  g_return_val_if_fail(device != NULL, FALSE);
  /* false by default is not the system saying "unmetered" */
  return !device->roaming && !device->metered && !device->cellular &&
         device->source[OTAUX_DEVICE_METERED] != OTAUX_DEVICE_SOURCE_NONE;
}

guint otaux_device_tonight_misses(const OtauxDeviceFacts *device, const OtauxPolicy *policy)
{
  guint miss = 0;

  g_return_val_if_fail(device != NULL && policy != NULL, 0);
  /* Charging: UPower says mains power, and the battery line holds. */
  if (device->source[OTAUX_DEVICE_ON_BATTERY] == OTAUX_DEVICE_SOURCE_NONE || device->on_battery ||
      !otaux_device_battery_allows_install(device, policy))
    miss |= OTAUX_TONIGHT_MISS_CHARGER;
  if (device->source[OTAUX_DEVICE_SESSION_IDLE] == OTAUX_DEVICE_SOURCE_NONE ||
      !device->session_idle)
    miss |= OTAUX_TONIGHT_MISS_IN_USE;
  /* No logind: nobody can block, but nobody says idle either (above). */
  if (device->restart_blocked)
    miss |= OTAUX_TONIGHT_MISS_BLOCKED;
  return miss;
}
