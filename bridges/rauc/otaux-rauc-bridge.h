/* otaux-rauc-bridge: offers the RAUC bundles of a folder to otaux-agent and
 * carries out the person's decisions through RAUC's D-Bus API (docs/rauc.md). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *bundle_dir;  /* watched for *.raucb */
  char *state_dir;   /* declined.ini, activated.ini */
  char *rauc;        /* the rauc program, for `rauc info` */
  char *rauc_config; /* its -c, or NULL: RAUC's default */
  char *agent_bus;   /* system, session or an address */
  char *rauc_bus;    /* system, session or an address */
  gboolean no_reboot;
} OtauxRaucConfig;

typedef struct _OtauxRaucBridge OtauxRaucBridge;

OtauxRaucBridge *otaux_rauc_bridge_new(const OtauxRaucConfig *config,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Cancels what runs and waits (bounded) for the calls in flight. */
void otaux_rauc_bridge_free(OtauxRaucBridge *bridge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxRaucBridge, otaux_rauc_bridge_free)

G_END_DECLS
