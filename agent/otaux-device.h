/* otaux-device: what the device is doing (roaming, a metered or cellular
 * link, the battery), as plain values.
 *
 * Two sources know these facts: the updater, through its Offer keys
 * (roaming, metered, cellular), and the system's own services
 * (ModemManager or oFono, NetworkManager, UPower), which the system-bus
 * adapter in dbus/ reads and hands to the agent as an OtauxSystemFacts.
 * The policy's <device source="…"/> says whose word counts; this module
 * merges them into the view one offer sees. No D-Bus types here. */
#pragma once

#include <glib.h>
#include "otaux-policy.h"

G_BEGIN_DECLS

typedef enum {
  OTAUX_DEVICE_SOURCE_NONE = 0, /* nobody said: the value is the default (false) */
  OTAUX_DEVICE_SOURCE_UPDATER,  /* the Offer keys */
  OTAUX_DEVICE_SOURCE_SYSTEM,   /* the system's services */
} OtauxDeviceSource;

typedef enum {
  OTAUX_DEVICE_ROAMING = 0,
  OTAUX_DEVICE_METERED,
  OTAUX_DEVICE_CELLULAR,
  OTAUX_DEVICE_BATTERY, /* battery_present and battery_percent */
  OTAUX_DEVICE_ON_BATTERY,
  OTAUX_DEVICE_SESSION_IDLE,    /* logind: the person's session is idle or locked */
  OTAUX_DEVICE_RESTART_BLOCKED, /* logind: another program blocks a restart */
  OTAUX_DEVICE_N_FACTS,
} OtauxDeviceFact;

/* What the system's services say. A fact whose service is absent (or has
 * not answered yet) is not in @known, and its value is ignored. */
typedef struct {
  guint known; /* 1 << OtauxDeviceFact */
  gboolean roaming;
  gboolean metered;
  gboolean cellular;
  gboolean battery_present; /* UPower's DisplayDevice is a present battery */
  guint battery_percent;    /* 0..100 */
  gboolean on_battery;
  gboolean shutdown_inhibited; /* the agent holds logind's shutdown inhibitor */
  gboolean session_idle;       /* the session's IdleHint or LockedHint */
  gboolean restart_blocked;    /* a "block" inhibitor of shutdown by another program */
} OtauxSystemFacts;

/* What the updater says (the keys of one Offer); @known as above. */
typedef struct {
  guint known;
  gboolean roaming;
  gboolean metered;
  gboolean cellular;
} OtauxUpdaterFacts;

/* The device in force: each fact and whose word it is. */
typedef struct {
  gboolean roaming;
  gboolean metered;
  gboolean cellular;
  gboolean battery_present;
  guint battery_percent; /* 0 unless battery_present */
  gboolean on_battery;
  gboolean shutdown_inhibited; /* the device cannot be turned off now */
  gboolean session_idle;       /* the person's session is idle or locked */
  gboolean restart_blocked;    /* another program blocks a restart */
  OtauxDeviceSource source[OTAUX_DEVICE_N_FACTS];
} OtauxDeviceFacts;

/* Merges by @trust. The counted side's word wins; where it has none, the
 * other side's is used; with OTAUX_DEVICE_TRUST_EITHER a fact is true when
 * either side says so. Only the system knows the battery. Either argument
 * may be NULL (nobody said anything). */
void otaux_device_merge(const OtauxSystemFacts *system, const OtauxUpdaterFacts *updater,
                        OtauxDeviceTrust trust, OtauxDeviceFacts *out);

/* Why "Install tonight" cannot go ahead now, as OtauxTonightMiss bits;
 * 0 when the device is charging, the session idle or locked, and no other
 * program blocks a restart. Unknown counts as no (nobody said). */
typedef enum {
  OTAUX_TONIGHT_MISS_CHARGER = 1 << 0, /* not on mains power (or the battery too low) */
  OTAUX_TONIGHT_MISS_IN_USE = 1 << 1,  /* the session was neither idle nor locked */
  OTAUX_TONIGHT_MISS_BLOCKED = 1 << 2, /* another program blocked the restart */
  OTAUX_TONIGHT_MISS_OFF = 1 << 3,     /* the agent did not run during the window */
} OtauxTonightMiss;
guint otaux_device_tonight_misses(const OtauxDeviceFacts *device, const OtauxPolicy *policy);

/* The link is neither metered, cellular nor roaming, in the word of a
 * source the policy counts (someone said so: unknown is not unmetered). */
gboolean otaux_device_link_unmetered(const OtauxDeviceFacts *device);

gboolean otaux_device_facts_equal(const OtauxDeviceFacts *a, const OtauxDeviceFacts *b);
gboolean otaux_system_facts_equal(const OtauxSystemFacts *a, const OtauxSystemFacts *b);

/* Whether the battery allows an install now (policy <battery …/>): no
 * battery, or on mains with at least min-charging percent, or on battery
 * with at least min-on-battery percent and mains not required. */
gboolean otaux_device_battery_allows_install(const OtauxDeviceFacts *device,
                                             const OtauxPolicy *policy);
/* Why it does not, as a text id for the prompt: "battery.mains" (plug in the
 * charger), "state.130" (too low: charge it); NULL when it allows. */
const char *otaux_device_battery_text_id(const OtauxDeviceFacts *device, const OtauxPolicy *policy);

const char *otaux_device_source_to_string(OtauxDeviceSource source); /* "none" … */
const char *otaux_device_fact_to_string(OtauxDeviceFact fact);       /* "roaming" … */

G_END_DECLS
