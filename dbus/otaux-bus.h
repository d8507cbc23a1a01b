/* otaux-bus: the agent's D-Bus service (org.otaux.Agent1 and
 * org.otaux.Offer1 on the session bus, or the system bus for the system
 * instance). Publishes the core's events as
 * signals and PropertiesChanged; turns method calls into core calls.
 * This header exposes no libdbus type. */
#pragma once

#include <glib.h>

#include "otaux-agent.h"

G_BEGIN_DECLS

#define OTAUX_BUS_NAME    "org.otaux.Agent"
#define OTAUX_AGENT_PATH  "/org/otaux/Agent"
#define OTAUX_OFFERS_PATH "/org/otaux/Agent/Offers"
/* the session agent's mirrors of the system instance's offers */
#define OTAUX_SYSTEM_OFFERS_PATH "/org/otaux/Agent/System/Offers"
#define OTAUX_TESTING_PATH       "/org/otaux/Agent/Testing"
#define OTAUX_AGENT_IFACE        "org.otaux.Agent1"
#define OTAUX_OFFER_IFACE        "org.otaux.Offer1"
#define OTAUX_API_VERSION        1

typedef struct _OtauxBus OtauxBus;

typedef struct {
  const char *address; /* NULL: the session bus (the system bus when @system) */
  gboolean replace;    /* take the name over from a running agent */
  gboolean system;     /* the system instance: the system bus (otaux-agent --system) */
} OtauxBusConfig;

/* Called when the bus connection closes or the name is lost: the agent
 * should exit. */
typedef void (*OtauxBusLostFunc)(const char *why, gpointer user_data);

/* Connects, exports the agent and its offers, then requests the name.
 * Fails when another agent owns it (unless @config->replace). */
OtauxBus *otaux_bus_new(OtauxAgent *agent, const OtauxBusConfig *config, OtauxBusLostFunc lost,
                        gpointer user_data, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void otaux_bus_free(OtauxBus *bus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxBus, otaux_bus_free)

/* Exports org.otaux.Testing1 on /org/otaux/Agent/Testing: SetTime(x)
 * calls @set_time, which moves the injected clock (otaux-agent --test-clock). */
typedef void (*OtauxBusSetTimeFunc)(gint64 now, gpointer user_data);
void otaux_bus_enable_testing(OtauxBus *bus, OtauxBusSetTimeFunc set_time, gpointer user_data);

char *otaux_bus_offer_path(guint serial);
/* Parses /org/otaux/Agent/Offers/N. */
gboolean otaux_bus_offer_serial(const char *path, guint *serial);

G_END_DECLS
