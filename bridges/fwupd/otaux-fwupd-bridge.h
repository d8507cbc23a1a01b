/* otaux-fwupd-bridge: offers fwupd's upgrades to otaux-agent and carries out
 * the person's decisions through fwupd (docs/fwupd.md). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *state_file;  /* the declined releases */
  char *cache_dir;   /* downloaded firmware */
  char *session_bus; /* NULL: the session bus */
  gboolean no_reboot;
} OtauxFwupdConfig;

typedef struct _OtauxFwupdBridge OtauxFwupdBridge;

OtauxFwupdBridge *otaux_fwupd_bridge_new(const OtauxFwupdConfig *config,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Cancels what runs and waits (bounded) for the calls in flight. */
void otaux_fwupd_bridge_free(OtauxFwupdBridge *bridge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxFwupdBridge, otaux_fwupd_bridge_free)

G_END_DECLS
