/* otaux-sysbus: the system's own services, read on a second libdbus
 * connection (the system bus) and handed to the core as device facts
 * (agent/otaux-device.h): ModemManager or oFono (roaming), NetworkManager
 * (metered, cellular), UPower (battery); and logind's shutdown inhibitor
 * while an offer installs.
 *
 * Every service is optional and may come and go (NameOwnerChanged). Every
 * call is asynchronous with a time-out, so a hung service never delays the
 * agent's own replies. This header exposes no libdbus type. */
#pragma once

#include <glib.h>

#include "otaux-agent.h"

G_BEGIN_DECLS

typedef struct _OtauxSysbus OtauxSysbus;

typedef struct {
  const char *address; /* NULL: $DBUS_SYSTEM_BUS_ADDRESS or the system bus */
  guint timeout_ms;    /* per call; 0: 5000 */
  /* The session agent: present the system instance's offers (org.otaux.Agent
   * on the system bus) while this session is the active one. */
  gboolean follow_system_agent;
  /* The system instance: tell the agent whether seat0 has an active
   * session (otaux_agent_set_present), from logind's Seat.ActiveSession. */
  gboolean track_seat;
} OtauxSysbusConfig;

/* Never fails: without a system bus the agent goes on with the updater's
 * keys alone (a debug message says why). */
OtauxSysbus *otaux_sysbus_new(OtauxAgent *agent, const OtauxSysbusConfig *config);
void otaux_sysbus_free(OtauxSysbus *sysbus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxSysbus, otaux_sysbus_free)

G_END_DECLS
