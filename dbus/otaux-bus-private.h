/* The interface tables, for the test that checks them against the XML. */
#pragma once

#include "otaux-dbus-object.h"

extern const OtauxDBusInterface otaux_bus_agent_interface;
extern const OtauxDBusInterface otaux_bus_offer_interface;
extern const OtauxDBusInterface otaux_bus_testing_interface;
