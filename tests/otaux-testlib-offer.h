/* Offer helpers shared by the cmocka tests of agent/ (tests_inc in
 * tests/meson.build); apart from otaux-testlib.h, which needs GLib only. */
#pragma once

#include "otaux-offer.h"

/* A valid spec: id pkg-1, Phone OS 2.0, 1000 bytes; the rest as
 * otaux_offer_spec_init leaves it. */
static inline void otaux_test_spec_fill(OtauxOfferSpec *spec)
{
  otaux_offer_spec_init(spec);
  g_free(spec->id);
  spec->id = g_strdup("pkg-1");
  g_free(spec->name);
  spec->name = g_strdup("Phone OS");
  g_free(spec->version);
  spec->version = g_strdup("2.0");
  spec->size = 1000;
}
