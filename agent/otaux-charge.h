/* otaux-charge: runs the operator's charge-warning program (policy
 * <charge-warning program="…"/>) for one offer at a time per serial: the
 * offer's details in the environment, a time-out, exit status 0 is yes.
 * Used by otaux-agent.c; never blocks. */
#pragma once

#include <glib.h>
#include "otaux-offer.h"

G_BEGIN_DECLS

typedef struct _OtauxCharge OtauxCharge;

/* The program's answer; anything but exit status 0 in time is no. */
typedef void (*OtauxChargeDoneFunc)(guint serial, gboolean yes, gpointer user_data);

OtauxCharge *otaux_charge_new(OtauxChargeDoneFunc done, gpointer user_data);
/* Stops the programs still running (SIGTERM). */
void otaux_charge_free(OtauxCharge *charge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OtauxCharge, otaux_charge_free)

/* Starts @program for @offer. A program that cannot start answers no at
 * once (the done callback runs before this returns). */
void otaux_charge_start(OtauxCharge *charge, const OtauxOffer *offer, const char *program,
                        guint timeout_s);
gboolean otaux_charge_running(OtauxCharge *charge, guint serial);
/* Stops the run for @serial, if any, without an answer. */
void otaux_charge_stop(OtauxCharge *charge, guint serial);

G_END_DECLS
