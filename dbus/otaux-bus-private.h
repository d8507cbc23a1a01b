/* What the files of the agent's D-Bus service share: the OtauxBus itself
 * and one set of functions per interface file (otaux-bus-agent.c,
 * otaux-bus-offer.c, otaux-bus-testing.c). Also the interface tables, for
 * the test that checks them against the XML. */
#pragma once

#include <dbus/dbus.h>

#include "otaux-bus.h"
#include "otaux-dbus-object.h"

G_BEGIN_DECLS

struct _OtauxBus {
  OtauxAgent *agent;
  DBusConnection *connection;
  OtauxDBusServer *server;
  GHashTable *offer_refs; /* serial -> OfferRef, the object data of offer paths */
  guint listener;
  OtauxBusLostFunc lost;
  gpointer lost_data;
  OtauxBusSetTimeFunc set_time;
  gpointer set_time_data;
  GHashTable *allowed_owners; /* unique name -> well-known name, for callers.names */
  GArray *name_watches;       /* otaux_dbus_names_watch() ids of those names */
  gboolean system;            /* the system instance (otaux-agent --system) */
  GHashTable *seat_checks;    /* DBusPendingCall -> OtauxBusSeatCheck, for Answer there */
};

/* The object data of an offer path. */
typedef struct {
  OtauxBus *bus;
  guint serial;
} OtauxBusOfferRef;

extern const OtauxDBusInterface otaux_bus_agent_interface;
extern const OtauxDBusInterface otaux_bus_offer_interface;
extern const OtauxDBusInterface otaux_bus_testing_interface;

/* otaux-bus.c: callers.names, the updater methods come only from the
 * owners of these well-known names. */
gboolean otaux_bus_sender_allowed(OtauxBus *bus, DBusMessage *call,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* otaux-bus-seat.c: on the system instance, Answer only from a process of
 * the user of the active local session on seat0 (logind, on that bus). */
typedef struct _OtauxBusSeatCheck OtauxBusSeatCheck;
typedef struct {
  const char *id;   /* the session's Id */
  const char *seat; /* "" when on no seat (remote) */
  guint32 user;
  gboolean active;
  gboolean remote;
} OtauxBusSeatFacts;
/* Called once with NULL (allowed) or why not (AccessDenied). */
typedef void (*OtauxBusSeatDone)(OtauxBus *bus, DBusMessage *call, const GError *refused,
                                 gpointer data);
void otaux_bus_seat_check(OtauxBus *bus, DBusMessage *call, guint32 uid, OtauxBusSeatDone done,
                          gpointer data);
/* The rule itself: @facts of the caller's session (NULL: none) and its uid. */
gboolean otaux_bus_seat_decide(const OtauxBusSeatFacts *facts, guint32 uid,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Drops the checks in flight (the bus is going). */
void otaux_bus_seat_cancel_all(OtauxBus *bus);

/* otaux-bus-agent.c: org.otaux.Agent1 on /org/otaux/Agent. */
void otaux_bus_agent_export(OtauxBus *bus);
/* OfferAdded or OfferRemoved (@member), and the Offers property. */
void otaux_bus_agent_emit_offers_changed(OtauxBus *bus, const char *member, guint serial);
/* Agent1.Decided (o offer, s decision, a{sv} details), sent with every
 * Offer1.Decided. */
void otaux_bus_agent_emit_decided(OtauxBus *bus, const OtauxOffer *offer,
                                  const OtauxDecisionEvent *event);
void otaux_bus_agent_emit_policy_changed(OtauxBus *bus);
void otaux_bus_agent_emit_device_changed(OtauxBus *bus);

/* otaux-bus-offer.c: org.otaux.Offer1 on each offer's path. */
void otaux_bus_offer_export(OtauxBus *bus, guint serial);
void otaux_bus_offer_unexport(OtauxBus *bus, guint serial);
/* PropertiesChanged for the OtauxOfferProp bits in @changed. */
void otaux_bus_offer_emit_changed(OtauxBus *bus, const OtauxOffer *offer, guint changed);
void otaux_bus_offer_emit_decided(OtauxBus *bus, const OtauxOffer *offer,
                                  const OtauxDecisionEvent *event);
/* Appends (s decision, a{sv} details) of a decision: the one builder of
 * both Decided signals. */
void otaux_bus_append_decided(DBusMessageIter *iter, const OtauxOffer *offer,
                              const OtauxDecisionEvent *event);

G_END_DECLS
