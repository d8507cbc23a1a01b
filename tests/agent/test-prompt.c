/* Unit tests of prompt building (agent/otaux-prompt.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "otaux-prompt.h"

/* 2023-11-14 22:13:20 UTC; the tests run with TZ=UTC. */
#define T0   G_GINT64_CONSTANT(1700000000)
#define HOUR 3600

typedef struct {
  OtauxPolicy *policy;
  OtauxStrings *strings;
} Fixture;

static int setup(void **state)
{
  Fixture *f = g_new0(Fixture, 1);

  f->policy = otaux_policy_new_default();
  f->strings = otaux_strings_new_builtin();
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  Fixture *f = *state;

  otaux_policy_free(f->policy);
  otaux_strings_free(f->strings);
  g_free(f);
  return 0;
}

static OtauxOffer *new_offer(const OtauxPolicy *policy, guint32 start, OtauxPriority priority,
                             gint64 now)
{
  OtauxOfferSpec spec;
  OtauxOffer *o;

  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("pkg");
  g_free(spec.name);
  spec.name = g_strdup("Phone OS");
  g_free(spec.version);
  spec.version = g_strdup("2.0");
  g_free(spec.release_notes);
  spec.release_notes = g_strdup("Fixes the camera.");
  spec.size = 12300000;
  spec.install_seconds = 300;
  spec.state = start;
  spec.priority = priority;
  o = otaux_offer_new(1, &spec, policy, now);
  otaux_offer_spec_clear(&spec);
  return o;
}

static const OtauxChoice *choice_at(const OtauxPrompt *p, guint i)
{
  assert_true(i < p->choices->len);
  return g_ptr_array_index(p->choices, i);
}

static void assert_choice(const OtauxPrompt *p, guint i, const char *id, const char *label)
{
  assert_string_equal(choice_at(p, i)->id, id);
  assert_string_equal(choice_at(p, i)->label, label);
}

static void test_download(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 10, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) p = otaux_prompt_build(o, f->policy, f->strings, T0);

  assert_int_equal(p->kind, OTAUX_PROMPT_DOWNLOAD);
  assert_string_equal(otaux_prompt_kind_to_string(p->kind), "download");
  assert_string_equal(p->title, "Update available");
  assert_string_equal(p->body, "Phone OS 2.0 is ready to download (12.3\u00a0MB).");
  assert_string_equal(p->details, "Fixes the camera.");
  assert_string_equal(p->warning, "");
  assert_string_equal(p->message, "");
  assert_int_equal(p->choices->len, 2);
  assert_choice(p, 0, "accept", "Download");
  assert_choice(p, 1, "cancel", "Skip this update");
  assert_string_equal(p->suggested, "accept");
  assert_int_equal(p->progress, -1);
  assert_int_equal(p->delay_max, 0);
  assert_int_equal(p->delay_options->len, 0);
  assert_int_equal(p->deadline, 0);
  assert_string_equal(p->deadline_choice, "");
  assert_true(p->dismissible);
  assert_int_equal(p->result, 0);
  assert_int_equal(p->presentation, OTAUX_PRESENTATION_ACTIONS);
  assert_int_equal(p->urgency, OTAUX_URGENCY_NORMAL);
  assert_int_equal(p->priority, OTAUX_PRIORITY_MEDIUM);
  assert_true(p->sound);
}

static void test_download_without_version_or_name(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 10, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) p = NULL;

  g_free(o->spec.version);
  o->spec.version = g_strdup("");
  o->spec.size = 0;
  p = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(p->body, "Phone OS is ready to download (size unknown).");

  g_clear_pointer(&p, otaux_prompt_free);
  g_free(o->spec.name);
  o->spec.name = g_strdup("");
  p = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(p->body, "The firmware update is ready to download (size unknown).");
}

static void test_presentation_per_priority(void **state)
{
  Fixture *f = *state;

  for (OtauxPriority prio = OTAUX_PRIORITY_LOW; prio < OTAUX_N_PRIORITIES; prio++) {
    g_autoptr(OtauxOffer) o = new_offer(f->policy, 10, prio, T0);
    g_autoptr(OtauxPrompt) p = otaux_prompt_build(o, f->policy, f->strings, T0);

    assert_int_equal(p->priority, prio);
    assert_int_equal(p->presentation, f->policy->priority[prio].presentation);
    assert_int_equal(p->urgency, f->policy->priority[prio].urgency);
    assert_int_equal(p->sound, f->policy->priority[prio].sound);
  }
  /* A silent presentation still gets its prompt: presenters decide. */
  f->policy->priority[OTAUX_PRIORITY_LOW].presentation = OTAUX_PRESENTATION_SILENT;
  {
    g_autoptr(OtauxOffer) o = new_offer(f->policy, 10, OTAUX_PRIORITY_LOW, T0);
    g_autoptr(OtauxPrompt) p = otaux_prompt_build(o, f->policy, f->strings, T0);

    assert_int_equal(p->kind, OTAUX_PROMPT_DOWNLOAD);
    assert_int_equal(p->presentation, OTAUX_PRESENTATION_SILENT);
    assert_int_equal(p->choices->len, 2);
  }
}

static void test_charge_warning(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 10, OTAUX_PRIORITY_HIGH, T0);
  g_autoptr(OtauxPrompt) roaming = NULL;
  g_autoptr(OtauxPrompt) always = NULL;
  g_autoptr(OtauxPrompt) never = NULL;
  g_autoptr(OtauxPrompt) home = NULL;

  o->spec.roaming = TRUE;

  otaux_offer_see_device(o, NULL, f->policy); /* the keys changed */
  roaming = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(roaming->warning,
                      "You are roaming: downloading may cost extra data charges.");
  f->policy->charge_warning = OTAUX_CHARGE_WARN_NEVER;
  never = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(never->warning, "");
  o->spec.roaming = FALSE;
  otaux_offer_see_device(o, NULL, f->policy); /* the keys changed */
  f->policy->charge_warning = OTAUX_CHARGE_WARN_ALWAYS;
  always = otaux_prompt_build(o, f->policy, f->strings, T0);
  /* the size is said once, in the body */
  assert_string_equal(always->warning,
                      "Downloading may cost data charges, depending on your plan.");
  f->policy->charge_warning = OTAUX_CHARGE_WARN_ROAMING;
  home = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(home->warning, "");
}

/* "Download on Wi-Fi" with the charge warning, then the waiting question. */
static void test_wait_for_wifi(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 10, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) home = NULL;
  g_autoptr(OtauxPrompt) metered = NULL;
  g_autoptr(OtauxPrompt) suggested = NULL;
  g_autoptr(OtauxPrompt) waiting = NULL;

  f->policy->charge_warning = OTAUX_CHARGE_WARN_METERED;
  home = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_false(otaux_prompt_has_choice(home, "wifi")); /* no warning, no wifi */

  o->spec.metered = TRUE;
  otaux_offer_see_device(o, NULL, f->policy); /* the keys changed */
  metered = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(metered->warning,
                      "You are on a metered connection: downloading may cost extra.");
  assert_int_equal(metered->choices->len, 3);
  assert_choice(metered, 0, "accept", "Download");
  assert_choice(metered, 1, "wifi", "Download on Wi-Fi");
  assert_choice(metered, 2, "cancel", "Skip this update");
  assert_string_equal(metered->suggested, "accept");

  f->policy->charge_suggest_wifi = TRUE;
  suggested = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(suggested->suggested, "wifi");

  f->policy->priority[OTAUX_PRIORITY_MEDIUM].timeout_s = 600;
  f->policy->priority[OTAUX_PRIORITY_MEDIUM].presentation = OTAUX_PRESENTATION_POPUP;
  assert_true(otaux_offer_answer(o, f->policy, "wifi", 0, T0, NULL));
  waiting = otaux_prompt_build(o, f->policy, f->strings, T0 + 1);
  assert_int_equal(waiting->kind, OTAUX_PROMPT_DOWNLOAD);
  assert_string_equal(waiting->title, "Waiting for Wi-Fi to download");
  assert_string_equal(waiting->body,
                      "Phone OS 2.0 (12.3\u00a0MB) downloads as soon as the device is on Wi-Fi.");
  assert_string_equal(waiting->warning, "");
  assert_int_equal(waiting->choices->len, 2);
  assert_choice(waiting, 0, "accept", "Download now anyway");
  assert_choice(waiting, 1, "cancel", "Skip this update");
  assert_string_equal(waiting->suggested, "");
  assert_int_equal(waiting->deadline, 0); /* the wait has no time-out */
  /* answered already: quiet, never a new pop-up */
  assert_int_equal(waiting->urgency, OTAUX_URGENCY_LOW);
  assert_false(waiting->sound);
  assert_int_equal(waiting->presentation, OTAUX_PRESENTATION_ACTIONS);
  assert_true(otaux_prompt_asks(waiting));
}

static void test_progress(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 30, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) p = NULL;
  g_autoptr(OtauxPrompt) unknown = NULL;

  assert_true(otaux_offer_set_state(o, 30, 500, 1000, T0, NULL));
  p = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_PROGRESS);
  assert_int_equal(p->progress, 50);
  assert_string_equal(p->title, "Downloading update");
  assert_string_equal(p->body, "Downloading Phone OS: 50%");
  assert_int_equal(p->choices->len, 1);
  assert_choice(p, 0, "cancel", "Stop download");
  assert_string_equal(p->suggested, "");

  o->bytes_done = 0;
  o->bytes_total = 0;
  o->spec.size = 0;
  unknown = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(unknown->progress, -1);
  assert_string_equal(unknown->body, "Downloading Phone OS.");
}

static const OtauxDelayOption *option_at(const OtauxPrompt *p, guint i)
{
  assert_true(i < p->delay_options->len);
  return &g_array_index(p->delay_options, OtauxDelayOption, i);
}

static void test_install(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_HIGH, T0);
  g_autoptr(OtauxPrompt) p = otaux_prompt_build(o, f->policy, f->strings, T0);

  assert_int_equal(p->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(p->title, "Ready to install Phone OS 2.0");
  assert_string_equal(p->body, "Installing restarts the device. It takes about 5\u00a0minutes.");
  /* it came downloaded (state 40): this is the first question, with the notes */
  assert_string_equal(p->details, "Fixes the camera.");
  /* "Install tonight" next to "Install later" (issue 18 item 1) */
  assert_int_equal(p->choices->len, 4);
  assert_choice(p, 0, "accept", "Install now");
  assert_choice(p, 1, "tonight", "Install tonight");
  assert_choice(p, 2, "delay-reboot", "Install later");
  assert_choice(p, 3, "cancel", "Skip this update");
  assert_string_equal(p->suggested, "accept");
  assert_true(p->needs_reboot);
  assert_int_equal(p->delay_max, T0 + 7 * 24 * HOUR);
  assert_true(p->dismissible);
  assert_int_equal(p->urgency, OTAUX_URGENCY_CRITICAL);
  assert_int_equal(p->presentation, OTAUX_PRESENTATION_POPUP);

  /* 22:13 UTC: tonight at 22:00 is gone; tomorrow at 07:00 is 8 h 46 min away. The
   * relative rows name their clock time too (issue 18). */
  assert_int_equal(p->delay_options->len, 3);
  assert_string_equal(option_at(p, 0)->label, "In 1\u00a0hour \u00b7 23:13");
  assert_int_equal(option_at(p, 0)->time, T0 + HOUR);
  assert_string_equal(option_at(p, 1)->label, "In 4\u00a0hours \u00b7 02:13");
  assert_int_equal(option_at(p, 1)->time, T0 + 4 * HOUR);
  assert_string_equal(option_at(p, 2)->label, "Tomorrow at 07:00");
  assert_int_equal(option_at(p, 2)->time, G_GINT64_CONSTANT(1700031600));
}

/* Release notes go with the first question the person sees, and only
 * there: the download question, else the install (forced, restart) one. */
static void test_release_notes_once(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) asked = new_offer(f->policy, 10, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxOffer) came = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxOffer) fresh = new_offer(f->policy, 50, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxOffer) forced = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  OtauxOfferSpec spec;
  OtauxOffer *silent;
  OtauxPrompt *p;

  /* the download question has them; the install question after it not again */
  p = otaux_prompt_build(asked, f->policy, f->strings, T0);
  assert_string_equal(p->details, "Fixes the camera.");
  otaux_prompt_free(p);
  assert_true(otaux_offer_answer(asked, f->policy, "accept", 0, T0, NULL));
  assert_true(otaux_offer_set_state(asked, 40, 0, 0, T0, NULL));
  p = otaux_prompt_build(asked, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(p->details, "");
  otaux_prompt_free(p);

  /* downloaded already (a RAUC bundle): the install question has them, the
   * restart question after the install not again */
  assert_true(otaux_offer_answer(came, f->policy, "accept", 0, T0, NULL));
  assert_true(otaux_offer_set_state(came, 60, 0, 0, T0, NULL));
  came->spec.restart_only = TRUE;
  assert_true(otaux_offer_ask_restart(came, T0 + 60));
  p = otaux_prompt_build(came, f->policy, f->strings, T0 + 60);
  assert_int_equal(p->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(p->title, "Restart to finish updating Phone OS");
  assert_string_equal(p->details, "");
  otaux_prompt_free(p);

  /* a restart question that is the first one has them */
  fresh->spec.restart_only = TRUE;
  p = otaux_prompt_build(fresh, f->policy, f->strings, T0);
  assert_string_equal(p->title, "Restart to finish updating Phone OS");
  assert_string_equal(p->details, "Fixes the camera.");
  otaux_prompt_free(p);

  /* the forced countdown, where the person first hears of it */
  forced->spec.forced = TRUE;
  p = otaux_prompt_build(forced, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_FORCED);
  assert_string_equal(p->details, "Fixes the camera.");
  otaux_prompt_free(p);

  /* a silent offer skipped the download question: the install question has them */
  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("quiet");
  g_free(spec.release_notes);
  spec.release_notes = g_strdup("Quieter.");
  spec.silent = TRUE;
  silent = otaux_offer_new(2, &spec, f->policy, T0);
  otaux_offer_spec_clear(&spec);
  assert_int_equal(silent->phase, OTAUX_PHASE_DOWNLOADING);
  assert_true(otaux_offer_set_state(silent, 40, 0, 0, T0, NULL));
  p = otaux_prompt_build(silent, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(p->details, "Quieter.");
  otaux_prompt_free(p);
  otaux_offer_free(silent);

  /* a silent offer whose download question roaming asked after all: the
   * person read them there, the install question has them not again */
  f->policy->roaming_present = TRUE;
  f->policy->roaming_download = OTAUX_ROAMING_DOWNLOAD_ASK;
  otaux_offer_spec_init(&spec);
  g_free(spec.id);
  spec.id = g_strdup("roaming");
  g_free(spec.release_notes);
  spec.release_notes = g_strdup("Quieter.");
  spec.silent = TRUE;
  spec.roaming = TRUE;
  silent = otaux_offer_new(3, &spec, f->policy, T0);
  otaux_offer_spec_clear(&spec);
  assert_int_equal(silent->phase, OTAUX_PHASE_OFFERED);
  p = otaux_prompt_build(silent, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_DOWNLOAD);
  assert_string_equal(p->details, "Quieter.");
  otaux_prompt_free(p);
  assert_true(otaux_offer_answer(silent, f->policy, "accept", 0, T0, NULL));
  assert_true(otaux_offer_set_state(silent, 40, 0, 0, T0, NULL));
  p = otaux_prompt_build(silent, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(p->details, "");
  otaux_prompt_free(p);
  otaux_offer_free(silent);
}

static void test_install_delay_options_bounded(void **state)
{
  Fixture *f = *state;
  gint64 morning = T0 - 12 * HOUR; /* 10:13 UTC */
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, morning);
  g_autoptr(OtauxPrompt) all = otaux_prompt_build(o, f->policy, f->strings, morning);
  g_autoptr(OtauxPrompt) capped = NULL;
  g_autoptr(OtauxPrompt) none = NULL;

  assert_int_equal(all->delay_options->len, 4);
  assert_string_equal(option_at(all, 2)->label, "This evening at 22:00");
  assert_int_equal(option_at(all, 2)->time, G_GINT64_CONSTANT(1699999200));
  assert_string_equal(option_at(all, 3)->label, "Tomorrow at 07:00");
  assert_int_equal(option_at(all, 3)->time, G_GINT64_CONSTANT(1700031600));

  /* The deadline caps the delay: only the options before it. */
  o->spec.deadline = morning + 2 * HOUR;
  capped = otaux_prompt_build(o, f->policy, f->strings, morning);
  assert_int_equal(capped->delay_max, morning + 2 * HOUR);
  assert_int_equal(capped->delay_options->len, 1);
  assert_string_equal(option_at(capped, 0)->label, "In 1\u00a0hour \u00b7 11:13");

  /* No delays left: no delay choice, no options. */
  o->n_delays = f->policy->max_delays;
  none = otaux_prompt_build(o, f->policy, f->strings, morning);
  assert_int_equal(none->delay_max, 0);
  assert_int_equal(none->delay_options->len, 0);
  assert_false(otaux_prompt_has_choice(none, "delay-reboot"));
  assert_true(otaux_prompt_has_choice(none, "accept"));
  assert_true(otaux_prompt_has_choice(none, "cancel"));

  /* Other relative delays get minute or hour labels. */
  f->policy->delay_options_s[0] = 30 * 60;
  f->policy->delay_options_s[1] = 2 * HOUR;
  o->n_delays = 0;
  o->spec.deadline = 0;
  {
    g_autoptr(OtauxPrompt) p = otaux_prompt_build(o, f->policy, f->strings, morning);

    assert_string_equal(option_at(p, 0)->label, "In 30\u00a0minutes \u00b7 10:43");
    assert_string_equal(option_at(p, 1)->label, "In 2\u00a0hours \u00b7 12:13");
  }
}

static void test_install_operator_message_and_no_reboot(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) p = NULL;

  g_free(o->spec.message);
  o->spec.message = g_strdup("mxip_opr_100"); /* no catalog yet: "" */
  o->spec.needs_reboot = FALSE;
  o->spec.install_seconds = 0;
  p = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(p->message, "");
  assert_string_equal(p->body, "Installing takes a few minutes. You can keep using the device.");
}

/* The updater's install-message and instruction (fwupd's UpdateMessage and
 * DeviceRequest) reach the person as plain text in "message". */
static void test_updater_message_and_instruction(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) install = NULL;
  g_autoptr(OtauxPrompt) installing = NULL;
  g_autoptr(OtauxPrompt) asked = NULL;
  g_autoptr(OtauxPrompt) result = NULL;

  g_free(o->spec.install_message);
  o->spec.install_message = g_strdup("Keep the <b>dock</b> plugged in.");
  install = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(install->message, "Keep the <b>dock</b> plugged in.");
  assert_string_equal(install->message_markup, "Keep the &lt;b&gt;dock&lt;/b&gt; plugged in.");

  assert_true(otaux_offer_answer(o, f->policy, "accept", 0, T0, NULL));
  assert_true(otaux_offer_set_state(o, 60, 0, 0, T0, NULL));
  o->instruction = g_strdup("Unplug the device & plug it in again.");
  installing = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(installing->message, "Unplug the device & plug it in again.");
  assert_string_equal(installing->message_markup, "Unplug the device &amp; plug it in again.");
  g_clear_pointer(&o->instruction, g_free);
  asked = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(asked->message, "Keep the <b>dock</b> plugged in.");

  /* a result never repeats the install message: success nor failure */
  assert_true(otaux_offer_finish(o, 200, T0, NULL));
  result = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(result->kind, OTAUX_PROMPT_RESULT);
  assert_string_equal(result->message, "");
  assert_string_equal(result->message_markup, "");
  assert_null(strstr(result->body, "dock"));
  o->finish_reported = FALSE; /* as after a cancel: one more Finish is taken */
  assert_true(otaux_offer_finish(o, 410, T0, NULL));
  g_clear_pointer(&result, otaux_prompt_free);
  result = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(result->message, "");
  assert_null(strstr(result->body, "dock"));
}

/* FinishWithDetails' "message": under the result's own text, plain in
 * "body", escaped in "body-markup" (as a name is), never read as markup. */
static void test_finish_message(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 60, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) plain = NULL;
  g_autoptr(OtauxPrompt) worded = NULL;

  assert_true(otaux_offer_finish(o, 410, T0, NULL));
  plain = otaux_prompt_build(o, f->policy, f->strings, T0);
  o->finish_message = g_strdup("Compatible <b>mismatch</b> & acme-tablet");
  worded = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(worded->kind, OTAUX_PROMPT_RESULT);
  g_autofree char *body =
      g_strconcat(plain->body, "\nCompatible <b>mismatch</b> & acme-tablet", NULL);
  assert_string_equal(worded->body, body);
  g_autofree char *markup = g_strconcat(
      plain->body_markup, "\nCompatible &lt;b&gt;mismatch&lt;/b&gt; &amp; acme-tablet", NULL);
  assert_string_equal(worded->body_markup, markup);
  assert_string_equal(worded->title, plain->title);
}

static void test_forced(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_HIGH, T0);
  g_autoptr(OtauxPrompt) p = NULL;

  o->spec.forced = TRUE;
  p = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_FORCED);
  /* issue 18: the title says "Required update", the body "Save your work
   * before then", and "Restart now" is no suggestion */
  assert_string_equal(p->title, "Required update");
  assert_string_equal(p->body, "The device restarts at 22:18 to install Phone OS 2.0. Save your "
                               "work before then.");
  assert_int_equal(p->choices->len, 1);
  assert_choice(p, 0, "accept", "Restart now");
  assert_string_equal(p->suggested, "");
  assert_int_equal(p->deadline, T0 + 300);
  assert_string_equal(p->deadline_choice, "accept");
  assert_false(p->dismissible);
  assert_int_equal(p->delay_options->len, 0);

  /* Held by the battery (issue 18 item 3): the title and one sentence say
   * that the time holds only with the charger; no warning repeats it. */
  {
    OtauxSystemFacts low = { 0 };
    g_autoptr(OtauxPrompt) held = NULL;
    g_autoptr(OtauxPrompt) due = NULL;

    low.known = 1u << OTAUX_DEVICE_ON_BATTERY | 1u << OTAUX_DEVICE_BATTERY;
    low.on_battery = TRUE;
    low.battery_present = TRUE;
    low.battery_percent = 12;
    otaux_offer_see_device(o, &low, f->policy);
    held = otaux_prompt_build(o, f->policy, f->strings, T0);
    assert_int_equal(held->kind, OTAUX_PROMPT_FORCED);
    assert_string_equal(held->title, "Waiting for the charger");
    assert_string_equal(held->body, "The device restarts at 22:18 to install Phone OS, but only "
                                    "if the charger is plugged in.");
    assert_string_equal(held->warning, "");
    assert_int_equal(held->deadline, 0);
    assert_true(held->dismissible);
    /* past its time: what to do */
    due = otaux_prompt_build(o, f->policy, f->strings, T0 + 600);
    assert_string_equal(due->title, "Waiting for the charger");
    assert_string_equal(due->body,
                        "The battery is too low to install the update. Charge the device.");
    assert_string_equal(due->warning, "");
    otaux_offer_see_device(o, NULL, f->policy);
  }

  /* Where policy does not allow forcing, the person is asked as usual. */
  f->policy->allow_forced = FALSE;
  {
    g_autoptr(OtauxPrompt) asked = otaux_prompt_build(o, f->policy, f->strings, T0);

    assert_int_equal(asked->kind, OTAUX_PROMPT_INSTALL);
    assert_true(asked->dismissible);
  }
}

static void test_pending_and_installing(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) pending = NULL;
  g_autoptr(OtauxPrompt) installing = NULL;

  assert_true(otaux_offer_answer(o, f->policy, "accept", 0, T0, NULL));
  pending = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(pending->kind, OTAUX_PROMPT_PENDING);
  assert_string_equal(pending->title, "Installing soon");
  assert_int_equal(pending->choices->len, 0);

  assert_true(otaux_offer_set_state(o, 60, 0, 0, T0, NULL));
  installing = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(installing->kind, OTAUX_PROMPT_INSTALLING);
  assert_string_equal(installing->title, "Installing Phone OS 2.0");
  /* issue 18: each fact once, and what the person can do */
  assert_string_equal(installing->body,
                      "Installing takes about 5\u00a0minutes, then the device restarts by "
                      "itself. Save your work and keep the device turned on until then.");
  assert_string_equal(installing->warning, "");
  /* the warning says the device cannot be turned off: the body does not repeat it */
  o->device.shutdown_inhibited = TRUE;
  {
    g_autoptr(OtauxPrompt) held = otaux_prompt_build(o, f->policy, f->strings, T0);

    assert_string_equal(held->warning,
                        "The device cannot be turned off until the update is installed.");
    assert_string_equal(held->body, "Installing takes about 5\u00a0minutes, then the device "
                                    "restarts by itself. Save your work before then.");
  }
  /* asks-restart: the restart question comes after the install; nothing
   * restarts by itself (the RAUC bridge), with or without the inhibitor */
  o->spec.asks_restart = TRUE;
  for (int inhibited = 0; inhibited < 2; inhibited++) {
    g_autoptr(OtauxPrompt) asks = NULL;

    o->device.shutdown_inhibited = inhibited;
    asks = otaux_prompt_build(o, f->policy, f->strings, T0);
    assert_string_equal(
        asks->body, "Installing takes about 5\u00a0minutes. You will be asked when to restart.");
  }
  o->spec.asks_restart = FALSE;
  o->device.shutdown_inhibited = FALSE;
  assert_int_equal(installing->choices->len, 0);
  assert_int_equal(installing->progress, -1);
}

/* SetState 60 with bytes: the install's percentage, as "progress" and on a
 * line under the body; the updater's step as "step", apart from "message".
 * The download's bytes and the offered size are not the install's. */
static void test_installing_progress_and_step(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 30, OTAUX_PRIORITY_MEDIUM, T0);
  const char *body = "Installing takes about 5\u00a0minutes, then the device restarts by itself. "
                     "Save your work and keep the device turned on until then.";
  g_autoptr(OtauxPrompt) unknown = NULL;
  g_autoptr(OtauxPrompt) known = NULL;
  g_autoptr(OtauxPrompt) done = NULL;

  assert_true(otaux_offer_set_state(o, 40, 1000, 1000, T0, NULL));
  assert_true(otaux_offer_answer(o, f->policy, "accept", 0, T0, NULL));
  assert_true(otaux_offer_set_state(o, 60, 0, 0, T0, NULL));
  assert_true(o->bytes_done == 0 && o->bytes_total == 0);
  unknown = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(unknown->progress, -1);
  assert_string_equal(unknown->body, body);
  assert_string_equal(unknown->step, "");

  assert_true(otaux_offer_set_state(o, 60, 450, 1000, T0, NULL));
  o->step = g_strdup("Copying <image> to rootfs.1 & more");
  o->instruction = g_strdup("Keep the charger plugged in.");
  known = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(known->kind, OTAUX_PROMPT_INSTALLING);
  assert_int_equal(known->progress, 45);
  g_autofree char *with_percent = g_strconcat(body, "\n45% installed", NULL);
  assert_string_equal(known->body, with_percent);
  assert_true(g_str_has_suffix(known->body_markup, "\n45% installed"));
  assert_string_equal(known->step, "Copying <image> to rootfs.1 & more");
  assert_string_equal(known->message, "Keep the charger plugged in.");
  assert_false(otaux_prompt_equal(unknown, known));

  /* a missing bytes-total keeps the last one */
  assert_true(otaux_offer_set_state(o, 60, 1000, 0, T0, NULL));
  done = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(done->progress, 100);

  /* no step on a result */
  assert_true(otaux_offer_finish(o, 200, T0, NULL));
  g_clear_pointer(&done, otaux_prompt_free);
  done = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_string_equal(done->step, "");
  assert_int_equal(done->progress, -1);
}

/* The restart stage: restarting is loud and asks nothing; finishing (the
 * agent's start after it) is quiet (issue 16, item 1). */
static void test_restarting_and_finishing(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_LOW, T0);
  g_autoptr(OtauxPrompt) restarting = NULL;
  g_autoptr(OtauxPrompt) finishing = NULL;

  assert_true(otaux_offer_answer(o, f->policy, "accept", 0, T0, NULL));
  assert_true(otaux_offer_set_state(o, 60, 0, 0, T0, NULL));
  o->device.shutdown_inhibited = TRUE; /* held until the stage lets it go */
  assert_true(otaux_offer_set_stage(o, "restarting", T0, NULL));
  restarting = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(restarting->kind, OTAUX_PROMPT_INSTALLING);
  assert_string_equal(restarting->title, "Restarting to install Phone OS");
  assert_string_equal(restarting->body,
                      "The device restarts now to install Phone OS 2.0. Do not turn it off.");
  assert_string_equal(restarting->warning, "");
  assert_int_equal(restarting->urgency, OTAUX_URGENCY_CRITICAL);
  assert_int_equal(restarting->presentation, OTAUX_PRESENTATION_POPUP);
  assert_int_equal(restarting->choices->len, 0);

  assert_true(otaux_offer_restarted(o, T0 + 60));
  o->device.shutdown_inhibited = FALSE;
  finishing = otaux_prompt_build(o, f->policy, f->strings, T0 + 60);
  assert_int_equal(finishing->kind, OTAUX_PROMPT_INSTALLING);
  assert_string_equal(finishing->title, "Finishing Phone OS 2.0");
  assert_string_equal(finishing->body, "The device restarted to install Phone OS. The update is "
                                       "being finished; the result is shown here.");
  assert_int_equal(finishing->urgency, OTAUX_URGENCY_LOW);
  assert_int_equal(finishing->presentation, OTAUX_PRESENTATION_NOTIFICATION);
  assert_false(finishing->sound);
  assert_int_equal(finishing->choices->len, 0);
  assert_false(otaux_prompt_asks(finishing));
}

/* restart-only: the install question is a restart question (item 2). */
static void test_restart_question(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 50, OTAUX_PRIORITY_HIGH, T0);
  g_autoptr(OtauxPrompt) p = NULL;

  o->spec.restart_only = TRUE;
  p = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(p->title, "Restart to finish updating Phone OS");
  assert_string_equal(p->body, "Phone OS 2.0 is installed and takes effect when the device "
                               "restarts. Save your work first.");
  assert_int_equal(p->choices->len, 4);
  assert_choice(p, 0, "accept", "Restart now");
  assert_choice(p, 1, "tonight", "Restart tonight");
  assert_choice(p, 2, "delay-reboot", "Restart later");
  assert_choice(p, 3, "cancel", "Skip this update");
  assert_string_equal(p->suggested, "accept");
  assert_true(p->delay_max > T0);
  assert_true(p->delay_options->len > 0);
}

static void test_delayed_reminder_final_warning(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  gint64 at = T0 + 5 * HOUR + 46 * 60 + 40; /* 2023-11-15 04:00 UTC */
  g_autoptr(OtauxPrompt) delayed = NULL;
  g_autoptr(OtauxPrompt) reminder = NULL;
  g_autoptr(OtauxPrompt) final = NULL;

  assert_true(otaux_offer_answer(o, f->policy, "delay-reboot", at, T0, NULL));
  delayed = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(delayed->kind, OTAUX_PROMPT_DELAYED);
  assert_string_equal(delayed->title, "Restart scheduled");
  assert_string_equal(delayed->body, "The device restarts tomorrow at 04:00 to install Phone OS.");
  assert_int_equal(delayed->choices->len, 3);
  assert_choice(delayed, 0, "accept", "Restart now");
  assert_choice(delayed, 1, "delay-reboot", "Reschedule");
  assert_choice(delayed, 2, "cancel", "Skip this update");
  assert_int_equal(delayed->deadline, at);
  assert_string_equal(delayed->deadline_choice, "accept");
  assert_true(delayed->dismissible);
  assert_true(delayed->delay_max > at);

  /* Not a reminder until the tick gives one. */
  assert_true(otaux_offer_tick(o, f->policy, at - 4 * HOUR));
  reminder = otaux_prompt_build(o, f->policy, f->strings, at - 4 * HOUR);
  assert_int_equal(reminder->kind, OTAUX_PROMPT_REMINDER);
  assert_string_equal(reminder->title, "Restart coming up");
  assert_true(reminder->dismissible);
  assert_true(otaux_prompt_has_choice(reminder, "accept"));

  final = otaux_prompt_build(o, f->policy, f->strings, at - 30);
  assert_int_equal(final->kind, OTAUX_PROMPT_FINAL_WARNING);
  assert_string_equal(final->title, "Restarting in 30\u00a0seconds…");
  assert_false(final->dismissible);
  assert_int_equal(final->deadline, at);
  assert_true(otaux_prompt_has_choice(final, "accept"));
}

static void test_skipped_reminder_is_not_shown(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  gint64 at = T0 + 2 * HOUR;
  g_autoptr(OtauxPrompt) just_delayed = NULL;
  g_autoptr(OtauxPrompt) reminder = NULL;

  assert_true(otaux_offer_answer(o, f->policy, "delay-reboot", at, T0, NULL));
  just_delayed = otaux_prompt_build(o, f->policy, f->strings, T0 + 1);
  assert_int_equal(just_delayed->kind, OTAUX_PROMPT_DELAYED);
  assert_true(otaux_offer_tick(o, f->policy, at - HOUR));
  reminder = otaux_prompt_build(o, f->policy, f->strings, at - HOUR);
  assert_int_equal(reminder->kind, OTAUX_PROMPT_REMINDER);
}

static void test_scheduled_accept_is_pending(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) p = NULL;

  assert_true(otaux_offer_answer(o, f->policy, "delay-reboot", T0 + 100, T0, NULL));
  assert_true(otaux_offer_tick(o, f->policy, T0 + 100));
  p = otaux_prompt_build(o, f->policy, f->strings, T0 + 100);
  assert_int_equal(p->kind, OTAUX_PROMPT_PENDING);
  assert_int_equal(p->choices->len, 0);
}

static void test_results(void **state)
{
  Fixture *f = *state;
  static const struct {
    guint32 result;
    const char *title;
  } cases[] = {
    { 200, "Phone OS 2.0 is installed" },      { 250, "Phone OS 2.0 is installed" },
    { 410, "Phone OS 2.0 was not installed" }, { 502, "Phone OS 2.0 was not installed" },
    { 401, "Phone OS 2.0 was skipped" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(OtauxOffer) o = new_offer(f->policy, 60, OTAUX_PRIORITY_LOW, T0);
    g_autoptr(OtauxPrompt) p = NULL;
    g_autofree char *body = otaux_strings_result_text(f->strings, cases[i].result);

    assert_true(otaux_offer_finish(o, cases[i].result, T0, NULL));
    p = otaux_prompt_build(o, f->policy, f->strings, T0);
    assert_int_equal(p->kind, OTAUX_PROMPT_RESULT);
    assert_string_equal(p->title, cases[i].title);
    assert_string_equal(p->body, body);
    assert_int_equal(p->result, cases[i].result);
    assert_int_equal(p->choices->len, 0);
    assert_true(p->dismissible);
  }
}

/* Issue 18: prompts about a restart's time are loud enough at any
 * priority: the reminder at least normal, the final warning critical. */
static void test_restart_time_is_heard(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_LOW, T0);
  g_autoptr(OtauxPrompt) reminder = NULL;
  g_autoptr(OtauxPrompt) final = NULL;

  assert_int_equal(f->policy->priority[OTAUX_PRIORITY_LOW].urgency, OTAUX_URGENCY_LOW);
  o->phase = OTAUX_PHASE_DELAYED;
  o->decision = OTAUX_DECISION_DELAY_REBOOT;
  o->decided_in = OTAUX_PHASE_READY;
  o->ready_at = T0;
  o->reboot_at = T0 + 600;
  o->changed_at = T0 - 7 * 86400;
  o->reminder_index = 1; /* the first reminder was given */
  reminder = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(reminder->kind, OTAUX_PROMPT_REMINDER);
  assert_int_equal(reminder->urgency, OTAUX_URGENCY_NORMAL);
  o->reboot_at = T0 + 30;
  final = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(final->kind, OTAUX_PROMPT_FINAL_WARNING);
  assert_int_equal(final->urgency, OTAUX_URGENCY_CRITICAL);
}

/* Issue 18: an update that needs no restart never speaks of one: the
 * scheduled, reminder, final-warning, pending and forced prompts say
 * "install", and their "now" button is "Install now". */
static void test_no_reboot_never_says_restart(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) delayed = NULL;
  g_autoptr(OtauxPrompt) reminder = NULL;
  g_autoptr(OtauxPrompt) final = NULL;
  g_autoptr(OtauxPrompt) pending = NULL;
  g_autoptr(OtauxPrompt) forced = NULL;
  OtauxPrompt *all[5];

  o->spec.needs_reboot = FALSE;
  o->phase = OTAUX_PHASE_DELAYED;
  o->decision = OTAUX_DECISION_DELAY_REBOOT;
  o->decided_in = OTAUX_PHASE_READY;
  o->ready_at = T0;
  o->reboot_at = T0 + 2 * HOUR;
  o->changed_at = T0;
  delayed = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(delayed->kind, OTAUX_PROMPT_DELAYED);
  assert_string_equal(delayed->title, "Update scheduled");
  assert_false(delayed->needs_reboot); /* the pop-up's picker says "Install at …" */
  assert_string_equal(delayed->body, "Phone OS will be installed tomorrow at 00:13.");
  assert_choice(delayed, 0, "accept", "Install now");
  o->changed_at = T0 - 7 * 86400;
  o->reminder_index = 1;
  o->reboot_at = T0 + 600;
  reminder = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(reminder->kind, OTAUX_PROMPT_REMINDER);
  assert_string_equal(reminder->title, "Update coming up");
  o->reboot_at = T0 + 30;
  final = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(final->kind, OTAUX_PROMPT_FINAL_WARNING);
  assert_string_equal(final->title, "Installing in 30\u00a0seconds\u2026");
  o->phase = OTAUX_PHASE_READY;
  o->decision = OTAUX_DECISION_ACCEPT;
  pending = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(pending->kind, OTAUX_PROMPT_PENDING);
  o->decision = OTAUX_DECISION_NONE;
  o->reboot_at = 0;
  o->spec.forced = TRUE;
  forced = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(forced->kind, OTAUX_PROMPT_FORCED);
  all[0] = delayed, all[1] = reminder, all[2] = final, all[3] = pending, all[4] = forced;
  for (gsize i = 0; i < G_N_ELEMENTS(all); i++) {
    g_autofree char *title = g_utf8_strdown(all[i]->title, -1);
    g_autofree char *body = g_utf8_strdown(all[i]->body, -1);

    assert_null(strstr(title, "restart"));
    assert_null(strstr(body, "restart"));
    for (guint c = 0; c < all[i]->choices->len; c++)
      assert_null(strstr(choice_at(all[i], c)->label, "Restart"));
  }
}

/* asks-restart: the updater asks for the restart after the install, so no
 * prompt before that question says the device restarts by itself: the
 * install and pending bodies say the restart will be asked, the others
 * speak of the install alone. */
static void test_asks_restart_never_says_it_restarts(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_MEDIUM, T0);
  g_autoptr(OtauxPrompt) install = NULL;
  g_autoptr(OtauxPrompt) pending = NULL;
  g_autoptr(OtauxPrompt) delayed = NULL;
  g_autoptr(OtauxPrompt) final = NULL;

  o->spec.asks_restart = TRUE;
  install = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(install->kind, OTAUX_PROMPT_INSTALL);
  assert_false(install->needs_reboot); /* the picker says "Install at …" */
  assert_string_equal(install->body,
                      "Installing takes about 5\u00a0minutes. You will be asked when to restart.");
  assert_true(otaux_offer_answer(o, f->policy, "accept", 0, T0, NULL));
  pending = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(pending->kind, OTAUX_PROMPT_PENDING);
  assert_string_equal(pending->body,
                      "Phone OS will be installed in a moment. You will be asked when to restart.");
  o->phase = OTAUX_PHASE_DELAYED;
  o->decision = OTAUX_DECISION_DELAY_REBOOT;
  o->decided_in = OTAUX_PHASE_READY;
  o->reboot_at = T0 + 2 * HOUR;
  o->changed_at = T0;
  delayed = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(delayed->kind, OTAUX_PROMPT_DELAYED);
  assert_string_equal(delayed->body, "Phone OS will be installed tomorrow at 00:13.");
  o->reboot_at = T0 + 30;
  final = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(final->kind, OTAUX_PROMPT_FINAL_WARNING);
  assert_string_equal(final->title, "Installing in 30\u00a0seconds\u2026");
  assert_choice(final, 0, "accept", "Install now");
}

/* Issue 18: a result is calm, even at high priority, whose questions are
 * critical: a success (or failure) is news, not an alarm. */
static void test_result_never_critical(void **state)
{
  Fixture *f = *state;
  static const guint32 results[] = { 200, 250, 410 };

  assert_int_equal(f->policy->priority[OTAUX_PRIORITY_HIGH].urgency, OTAUX_URGENCY_CRITICAL);
  for (gsize i = 0; i < G_N_ELEMENTS(results); i++) {
    g_autoptr(OtauxOffer) o = new_offer(f->policy, 60, OTAUX_PRIORITY_HIGH, T0);
    g_autoptr(OtauxPrompt) p = NULL;

    assert_true(otaux_offer_finish(o, results[i], T0, NULL));
    p = otaux_prompt_build(o, f->policy, f->strings, T0);
    assert_int_equal(p->kind, OTAUX_PROMPT_RESULT);
    assert_int_equal(p->urgency, OTAUX_URGENCY_NORMAL);
  }
  assert_true(otaux_prompt_result_is_success(200) && otaux_prompt_result_is_success(299));
  assert_false(otaux_prompt_result_is_success(401) || otaux_prompt_result_is_success(300));
}

static void test_cancelled_by_person(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 10, OTAUX_PRIORITY_LOW, T0);
  g_autoptr(OtauxPrompt) p = NULL;

  assert_true(otaux_offer_answer(o, f->policy, "cancel", 0, T0, NULL));
  p = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(p->kind, OTAUX_PROMPT_RESULT);
  assert_string_equal(p->title, "Phone OS 2.0 was skipped");
  assert_non_null(strstr(p->body, "may be offered again later"));
  assert_int_equal(p->result, 401);
}

/* The prompt offers exactly the choices the offer accepts, in every state. */
static void test_choices_match_offer(void **state)
{
  Fixture *f = *state;
  g_autoptr(GPtrArray) offers = g_ptr_array_new_with_free_func((GDestroyNotify)otaux_offer_free);
  OtauxOffer *o;

  g_ptr_array_add(offers, new_offer(f->policy, 10, OTAUX_PRIORITY_LOW, T0));
  g_ptr_array_add(offers, new_offer(f->policy, 30, OTAUX_PRIORITY_LOW, T0));
  g_ptr_array_add(offers, new_offer(f->policy, 40, OTAUX_PRIORITY_LOW, T0));
  g_ptr_array_add(offers, new_offer(f->policy, 60, OTAUX_PRIORITY_LOW, T0));
  o = new_offer(f->policy, 40, OTAUX_PRIORITY_LOW, T0);
  assert_true(otaux_offer_answer(o, f->policy, "delay-reboot", T0 + HOUR, T0, NULL));
  g_ptr_array_add(offers, o);
  o = new_offer(f->policy, 40, OTAUX_PRIORITY_LOW, T0);
  assert_true(otaux_offer_answer(o, f->policy, "accept", 0, T0, NULL));
  g_ptr_array_add(offers, o);
  o = new_offer(f->policy, 40, OTAUX_PRIORITY_LOW, T0);
  o->spec.forced = TRUE;
  g_ptr_array_add(offers, o);

  for (guint i = 0; i < offers->len; i++) {
    const OtauxOffer *offer = g_ptr_array_index(offers, i);
    g_autoptr(OtauxPrompt) p = otaux_prompt_build(offer, f->policy, f->strings, T0);
    const char *const *allowed = otaux_offer_allowed_choices(offer, f->policy, T0);

    assert_int_equal(p->choices->len, g_strv_length((char **)allowed));
    for (guint c = 0; allowed[c] != NULL; c++) {
      assert_string_equal(choice_at(p, c)->id, allowed[c]);
      assert_true(otaux_prompt_has_choice(p, allowed[c]));
      assert_true(choice_at(p, c)->label[0] != '\0');
    }
    assert_false(otaux_prompt_has_choice(p, "reboot"));
    assert_false(otaux_prompt_has_choice(p, NULL));
  }
}

static void test_equal(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_LOW, T0);
  g_autoptr(OtauxPrompt) a = otaux_prompt_build(o, f->policy, f->strings, T0);
  g_autoptr(OtauxPrompt) b = otaux_prompt_build(o, f->policy, f->strings, T0);
  g_autoptr(OtauxPrompt) later = otaux_prompt_build(o, f->policy, f->strings, T0 + 60);
  OtauxChoice *c;

  assert_true(otaux_prompt_equal(a, b));
  assert_true(otaux_prompt_equal(a, a));
  assert_false(otaux_prompt_equal(a, NULL));
  assert_true(otaux_prompt_equal(NULL, NULL));
  /* The relative delay options moved with the clock. */
  assert_false(otaux_prompt_equal(a, later));

  c = g_ptr_array_index(b->choices, 0);
  g_free(c->label);
  c->label = g_strdup("Go");
  assert_false(otaux_prompt_equal(a, b));
  otaux_prompt_free(NULL);
}

static void test_none(void **state)
{
  Fixture *f = *state;
  OtauxOffer nothing = { .phase = OTAUX_PHASE_FINISHED };
  g_autoptr(OtauxPrompt) p = otaux_prompt_build(&nothing, f->policy, f->strings, T0);

  assert_int_equal(p->kind, OTAUX_PROMPT_NONE);
  assert_string_equal(otaux_prompt_kind_to_string(p->kind), "none");
  assert_string_equal(p->title, "");
  assert_int_equal(p->choices->len, 0);
  assert_string_equal(otaux_prompt_kind_to_string(OTAUX_PROMPT_FINAL_WARNING), "final-warning");
}

/* "Install tonight" (issue 18 item 1): the quiet waiting prompt, then the
 * morning question with one line per reason and "Try again tonight". */
static void test_install_tonight(void **state)
{
  Fixture *f = *state;
  g_autoptr(OtauxOffer) o = new_offer(f->policy, 40, OTAUX_PRIORITY_HIGH, T0);
  g_autoptr(OtauxPrompt) waiting = NULL;
  g_autoptr(OtauxPrompt) morning = NULL;
  g_autoptr(OtauxPrompt) both = NULL;
  g_autofree char *start = NULL;
  g_autofree char *body = NULL;
  gint64 end;

  assert_true(otaux_offer_answer(o, f->policy, "tonight", 0, T0, NULL));
  end = o->tonight_end;
  waiting = otaux_prompt_build(o, f->policy, f->strings, T0);
  assert_int_equal(waiting->kind, OTAUX_PROMPT_DELAYED);
  assert_string_equal(waiting->title, "Installing tonight");
  start = otaux_strings_format_clock(f->strings, o->tonight_start, "format.time");
  body = g_strdup_printf("Phone OS installs tonight from %s, once the device is charging and not "
                         "in use. Leave the charger plugged in.",
                         start);
  assert_string_equal(waiting->body, body);
  /* no countdown to a time: the device decides when */
  assert_int_equal(waiting->deadline, 0);
  assert_int_equal(waiting->urgency, OTAUX_URGENCY_LOW);
  assert_false(waiting->sound);
  assert_true(otaux_prompt_has_choice(waiting, "accept"));
  assert_false(otaux_prompt_has_choice(waiting, "tonight"));
  /* not even a final warning at the window's start */
  g_clear_pointer(&waiting, otaux_prompt_free);
  waiting = otaux_prompt_build(o, f->policy, f->strings, o->tonight_start);
  assert_int_equal(waiting->kind, OTAUX_PROMPT_DELAYED);

  /* the window passes: the charger was out */
  assert_true(otaux_offer_tick(o, f->policy, o->tonight_start + 60));
  assert_true(otaux_offer_tick(o, f->policy, end));
  o->later_until = 0; /* the morning has come */
  morning = otaux_prompt_build(o, f->policy, f->strings, end + 3 * HOUR);
  assert_int_equal(morning->kind, OTAUX_PROMPT_INSTALL);
  assert_string_equal(morning->title, "Not installed last night");
  assert_string_equal(morning->body,
                      "Couldn't install last night: the charger was not plugged in.\n"
                      "Couldn't install last night: the device was in use.");
  assert_int_equal(morning->choices->len, 3);
  assert_choice(morning, 0, "accept", "Install now");
  assert_choice(morning, 1, "tonight", "Try again tonight");
  assert_choice(morning, 2, "delay-reboot", "Install later");

  /* one line per reason */
  o->tonight_missed = OTAUX_TONIGHT_MISS_BLOCKED;
  both = otaux_prompt_build(o, f->policy, f->strings, end + 3 * HOUR);
  assert_string_equal(both->body,
                      "Couldn't install last night: another program did not allow a restart.");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_download, setup, teardown),
    cmocka_unit_test_setup_teardown(test_download_without_version_or_name, setup, teardown),
    cmocka_unit_test_setup_teardown(test_presentation_per_priority, setup, teardown),
    cmocka_unit_test_setup_teardown(test_charge_warning, setup, teardown),
    cmocka_unit_test_setup_teardown(test_wait_for_wifi, setup, teardown),
    cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
    cmocka_unit_test_setup_teardown(test_install, setup, teardown),
    cmocka_unit_test_setup_teardown(test_release_notes_once, setup, teardown),
    cmocka_unit_test_setup_teardown(test_install_delay_options_bounded, setup, teardown),
    cmocka_unit_test_setup_teardown(test_install_operator_message_and_no_reboot, setup, teardown),
    cmocka_unit_test_setup_teardown(test_updater_message_and_instruction, setup, teardown),
    cmocka_unit_test_setup_teardown(test_finish_message, setup, teardown),
    cmocka_unit_test_setup_teardown(test_forced, setup, teardown),
    cmocka_unit_test_setup_teardown(test_pending_and_installing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_installing_progress_and_step, setup, teardown),
    cmocka_unit_test_setup_teardown(test_delayed_reminder_final_warning, setup, teardown),
    cmocka_unit_test_setup_teardown(test_skipped_reminder_is_not_shown, setup, teardown),
    cmocka_unit_test_setup_teardown(test_scheduled_accept_is_pending, setup, teardown),
    cmocka_unit_test_setup_teardown(test_results, setup, teardown),
    cmocka_unit_test_setup_teardown(test_result_never_critical, setup, teardown),
    cmocka_unit_test_setup_teardown(test_restart_time_is_heard, setup, teardown),
    cmocka_unit_test_setup_teardown(test_no_reboot_never_says_restart, setup, teardown),
    cmocka_unit_test_setup_teardown(test_asks_restart_never_says_it_restarts, setup, teardown),
    cmocka_unit_test_setup_teardown(test_cancelled_by_person, setup, teardown),
    cmocka_unit_test_setup_teardown(test_choices_match_offer, setup, teardown),
    cmocka_unit_test_setup_teardown(test_restarting_and_finishing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_restart_question, setup, teardown),
    cmocka_unit_test_setup_teardown(test_install_tonight, setup, teardown),
    cmocka_unit_test_setup_teardown(test_equal, setup, teardown),
    cmocka_unit_test_setup_teardown(test_none, setup, teardown),
  };

  /* Local times in the expectations are UTC; set before GLib reads the zone. */
  setenv("TZ", "UTC", 1);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
