/* Argument validation: D-Bus messages into checked core values. Works on
 * DBusMessages alone, so the unit tests build them in memory, no bus. */
#pragma once

#include <dbus/dbus.h>
#include <glib.h>

#include "otaux-keys.h"
#include "otaux-offer.h"

G_BEGIN_DECLS

/* Offer(a{sv}): every known key type-checked, duplicates and oversize
 * values refused, unknown keys ignored, then otaux_offer_spec_validate().
 * @spec must be initialised; on failure it is left cleared. */
gboolean otaux_dbus_parse_offer(DBusMessage *msg, OtauxOfferSpec *spec,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* SetState(u, a{sv}): "bytes-done" t, "bytes-total" t. */
gboolean otaux_dbus_parse_set_state(DBusMessage *msg, guint32 *state, guint64 *bytes_done,
                                    guint64 *bytes_total, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same with every detail ("instruction" s, "step" s, valid UTF-8); the
 * caller frees @details->instruction and @details->step. */
gboolean otaux_dbus_parse_set_state_details(DBusMessage *msg, guint32 *state,
                                            OtauxStateDetails *details,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Finish(u). */
gboolean otaux_dbus_parse_finish(DBusMessage *msg, guint32 *result,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* FinishWithDetails(u, a{sv}): the result code as for Finish, and
 * "message" s (valid UTF-8, at most OTAUX_LIMIT_FINISH_MSG_BYTES); the caller
 * frees @details->message. */
gboolean otaux_dbus_parse_finish_details(DBusMessage *msg, guint32 *result,
                                         OtauxFinishDetails *details,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Answer(s, a{sv}): "reboot-at" x. @choice is owned by @msg. */
gboolean otaux_dbus_parse_answer(DBusMessage *msg, const char **choice, gint64 *reboot_at,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
