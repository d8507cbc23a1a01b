/* Every text of every language, filled in as the prompts fill them
 * (agent/otaux-render.c), read by rules a reviewer would apply. Runs with
 * the locales compiled into the build tree (LOCPATH, make-locales.py) and
 * the built translations (OTAUX_LOCALEDIR); a missing locale fails. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "otaux-render.h"

typedef struct {
  const char *language; /* LANGUAGE */
  const char *locale;   /* setlocale() */
} Lang;

static const Lang langs[] = {
  { "en", "en_US.UTF-8" }, { "de", "de_DE.UTF-8" }, { "fr", "fr_FR.UTF-8" },
  { "es", "es_ES.UTF-8" }, { "ar", "ar_EG.UTF-8" },
};

/* 2026-03-10 10:00 UTC (the tests run with TZ=UTC), a Tuesday. */
#define NOW G_GINT64_CONSTANT(1773136800)

static gboolean is_digit_at(const char *p)
{
  gunichar c = g_utf8_get_char(p);

  return g_unichar_isdigit(c);
}

/* "22:00", "١٠:٠٢": a time of day is not a quantity with a unit. */
static char *strip_times(const char *text)
{
  GString *out = g_string_new(NULL);

  for (const char *p = text; *p != '\0';) {
    if (is_digit_at(p)) {
      const char *q = p;
      gboolean colon = FALSE;

      while (*q != '\0' && (is_digit_at(q) || *q == ':')) {
        colon |= *q == ':';
        q = g_utf8_next_char(q);
      }
      g_string_append(out, colon ? "T" : "");
      if (!colon)
        g_string_append_len(out, p, q - p);
      p = q;
    } else {
      g_string_append_len(out, p, g_utf8_next_char(p) - p);
      p = g_utf8_next_char(p);
    }
  }
  return g_string_free(out, FALSE);
}

static gboolean sentence_start(const char *text, const char *at)
{
  const char *before = at;

  if (before - text >= 3 && memcmp(before - 3, "\u200F", 3) == 0)
    before -= 3;
  if (before == text)
    return TRUE;
  return before - text >= 2 && before[-1] == ' ' && strchr(".!?", before[-2]) != NULL;
}

static void check_one(GString *bad, const OtauxRendered *r, const char *fallback,
                      const char *capital)
{
  g_autoptr(GRegex) placeholder = g_regex_new("\\{[a-zA-Z0-9_.-]+\\}", 0, 0, NULL);
  g_autoptr(GRegex) gap = g_regex_new("^[a-z-]+(\\.[a-z0-9-]+)+$", 0, 0, NULL);
  g_autoptr(GRegex) unit =
      g_regex_new("[0-9\\x{0660}-\\x{0669}] (\\pL|%|٪)", G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GString) no_version = g_string_new(r->text);
  g_autofree char *no_times = NULL;
  const char *t = r->text;

  if (t[0] == '\0' && !g_str_has_suffix(r->where, "/warning"))
    g_string_append_printf(bad, "%s: empty\n", r->where);
  if (strstr(t, "  ") != NULL || t[0] == ' ' || (t[0] != '\0' && t[strlen(t) - 1] == ' '))
    g_string_append_printf(bad, "%s: a doubled or stray space: «%s»\n", r->where, t);
  if (g_regex_match(placeholder, t, 0, NULL))
    g_string_append_printf(bad, "%s: a placeholder left: «%s»\n", r->where, t);
  if (g_regex_match(gap, t, 0, NULL))
    g_string_append_printf(bad, "%s: a missing text shows its id: «%s»\n", r->where, t);

  /* the fallback name: lower case in mid-sentence, capitalised at a start
   * (on its own, text/name.fallback, it is the value as written) */
  if (!g_str_equal(fallback, capital) && !g_str_equal(r->where, "text/name.fallback")) {
    for (const char *p = strstr(t, capital); p != NULL; p = strstr(p + 1, capital))
      if (!sentence_start(t, p))
        g_string_append_printf(bad, "%s: a capitalised fallback name in mid-sentence: «%s»\n",
                               r->where, t);
    for (const char *p = strstr(t, fallback); p != NULL; p = strstr(p + 1, fallback))
      if (sentence_start(t, p))
        g_string_append_printf(bad, "%s: a sentence starts in lower case: «%s»\n", r->where, t);
  }

  /* a button on a 360 px phone: short (the prompter's Pango test checks the real fit; the
   * French and Spanish "Skip this update", "Ignorer cette mise à jour", take 25) */
  if (strstr(r->where, "/choice.") != NULL && g_utf8_strlen(t, -1) > 25)
    g_string_append_printf(bad, "%s: a button label over 25 characters: «%s»\n", r->where, t);

  /* a number and its unit never part at a line break (the version is no quantity) */
  g_string_replace(no_version, "2.1.0", "V", 0);
  no_times = strip_times(no_version->str);
  if (g_regex_match(unit, no_times, 0, NULL))
    g_string_append_printf(bad, "%s: a breakable space between a number and its unit: «%s»\n",
                           r->where, t);
}

static void test_language(void **state)
{
  const Lang *lang = *state;
  g_autoptr(OtauxStrings) strings = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GString) bad = g_string_new(NULL);
  g_autofree char *fallback = NULL;
  g_autofree char *capital = NULL;
  const char *set;
  guint n_english = 0;

  g_setenv("LANGUAGE", lang->language, TRUE);
  set = setlocale(LC_ALL, lang->locale);
  if (set == NULL)
    fail_msg("the locale %s is missing (LOCPATH=%s): install the Debian package \"locales\"",
             lang->locale, g_getenv("LOCPATH"));
  strings = otaux_strings_new_builtin();
  fallback = otaux_strings_format(strings, "name.fallback", NULL);
  {
    gunichar first = g_unichar_totitle(g_utf8_get_char(fallback));
    GString *c = g_string_new(NULL);

    g_string_append_unichar(c, first);
    g_string_append(c, g_utf8_next_char(fallback));
    capital = g_string_free(c, FALSE);
  }
  /* written as it stands in mid-sentence; the code capitalises a start */
  if (g_unichar_isupper(g_utf8_get_char(fallback)))
    g_string_append_printf(bad, "name.fallback is capitalised: «%s»\n", fallback);
  /* the translation is really in use */
  if (!g_str_equal(lang->language, "en"))
    assert_string_not_equal(fallback, "the firmware update");

  all = otaux_render_all(strings, NOW);
  assert_true(all->len > 500);
  for (guint i = 0; i < all->len; i++) {
    const OtauxRendered *r = all->pdata[i];

    check_one(bad, r, fallback, capital);
    if (g_str_equal(lang->language, "en") &&
        (strstr(r->text, "reboot") || strstr(r->text, "Reboot")))
      g_string_append_printf(bad, "%s: \"reboot\" where the texts say \"restart\": «%s»\n",
                             r->where, r->text);
    n_english += strstr(r->text, "Contoso") == NULL && strstr(r->text, "the update") != NULL;
  }
  if (!g_str_equal(lang->language, "en"))
    assert_int_equal(n_english, 0);
  if (bad->len > 0)
    fail_msg("%s:\n%s", lang->language, bad->str);
  setlocale(LC_ALL, "C.UTF-8");
}

static gboolean has_line(GPtrArray *all, const char *prefix, const char *suffix)
{
  for (guint i = 0; i < all->len; i++) {
    const OtauxRendered *r = all->pdata[i];

    if (g_str_has_prefix(r->where, prefix) && g_str_has_suffix(r->where, suffix) &&
        r->text[0] != '\0')
      return TRUE;
  }
  return FALSE;
}

/* Issue 18: the rendering shows every text: each built-in id on its own,
 * the pop-up's own words, and in their prompts the ones a walk through the
 * phases used to miss. */
static void test_every_text(void **state)
{
  g_autoptr(OtauxStrings) strings = NULL;

  g_setenv("LANGUAGE", "en", TRUE);
  assert_non_null(setlocale(LC_ALL, "en_US.UTF-8"));
  strings = otaux_strings_new_builtin();
  g_autoptr(GPtrArray) all = otaux_render_all(strings, NOW);
  g_autofree const char **ids = otaux_strings_builtin_ids();
  const char *const *words = otaux_strings_prompter_words();
  GString *missing = g_string_new(NULL);

  for (gsize i = 0; ids[i] != NULL; i++) {
    g_autofree char *where = g_strconcat("text/", ids[i], NULL);

    if (!has_line(all, where, where))
      g_string_append_printf(missing, "%s\n", where);
  }
  for (gsize i = 0; words[i] != NULL; i++) {
    g_autofree char *where = g_strconcat("prompter/", words[i], NULL);

    if (!has_line(all, where, where))
      g_string_append_printf(missing, "%s\n", where);
  }
  if (!has_line(all, "installing/", "/inhibited/warning"))
    g_string_append(missing, "installing.inhibited in an installing prompt\n");
  if (!has_line(all, "installing/", "/no-restart/body"))
    g_string_append(missing, "installing.body.no-reboot in an installing prompt\n");
  if (!has_line(all, "result/", "/451/body") || !has_line(all, "result/", "/452/body") ||
      !has_line(all, "result/", "/100/body"))
    g_string_append(missing, "results 451, 452 (client-vendor), 100 (unknown)\n");
  /* Install tonight (issue 18 item 1): the waiting screen and the morning question */
  if (!has_line(all, "install/", "/no-duration/choice.tonight") ||
      !has_line(all, "delayed/", "/tonight/title") ||
      !has_line(all, "install/", "/tonight-missed/body") ||
      !has_line(all, "install/", "/tonight-missed/choice.tonight"))
    g_string_append(missing, "install tonight: the choice, the waiting and morning screens\n");
  assert_true(g_strv_length((char **)words) >= 15);
  /* a day of the month has no leading zero: "Saturday 7 March", not "07" (issue 18) */
  {
    g_autoptr(GDateTime) seventh = g_date_time_new_utc(2026, 3, 7, 22, 0, 0);
    g_autofree char *date =
        otaux_strings_format_clock(strings, g_date_time_to_unix(seventh), "format.date");
    g_autofree char *date_time =
        otaux_strings_format_clock(strings, g_date_time_to_unix(seventh), "format.date-time");

    /* (the day and its month are held together by no-break spaces) */
    g_auto(GStrv) d = g_strsplit(date, "\u00a0", -1);
    g_auto(GStrv) dt = g_strsplit(date_time, "\u00a0", -1);
    g_autofree char *date_plain = g_strjoinv(" ", d);
    g_autofree char *date_time_plain = g_strjoinv(" ", dt);

    assert_string_equal(date_plain, "Saturday 7 March");
    assert_string_equal(date_time_plain, "Sat 7 Mar 22:00");
  }
  if (missing->len > 0)
    fail_msg("not rendered:\n%s", missing->str);
  g_string_free(missing, TRUE);
}

/* Issue 18 item 8: the review's word findings, each as the rendered line
 * that showed it, and what it reads now. "where" is the line's key;
 * "has" must be in the text (NULL: no check), "not" must not be. */
typedef struct {
  const char *language;
  const char *where;
  const char *has;
  const char * not ;
} Finding;

static const Finding findings[] = {
  /* en: no "Try again later" where the person cannot retry */
  { "en", "result/named/409/body", "The update will be offered again later.", "Try again" },
  { "en", "result/named/406/body", "offered again later; if this keeps happening", "Try again" },
  { "en", "result/named/407/body", "offered again later; a stronger connection helps",
    "Try again" },
  { "en", "result/named/410/body", "Restart it; the update will be offered again later.",
    "try again" },
  { "en", "result/named/410/body", NULL, "not be installed" },
  { "en", "result/named/412/body", "offered again later", "Try again" },
  { "en", "result/named/452/body", "offered again later", "Try again" },
  { "en", "result/named/500/body", "offered again later", "Try again" },
  { "en", "result/named/503/body", "offered again later; download it on Wi-Fi", "Try again" },
  { "en", "result/named/550/body", "offered again later", "Try again" },
  { "en", "result/named/450/body", "the update will be offered again.", "try again" },
  { "en", "result/named/451/body", "the update will be offered again.", "try again" },
  { "en", "result/named/501/body", "the update will be offered again.", "try again" },
  { "en", "result/named/502/body", "the update will be offered again.", "try again" },
  { "en", "state/20", "The download failed. The update will be offered again later.", "Try again" },
  /* en: the forced pop-up */
  { "en", "forced/named/today/title", "Required update", NULL },
  { "en", "forced/named/today/body", "Save your work before then.", NULL },
  /* en: the forced restart held by the battery says one thing once */
  { "en", "forced/named/battery/title", "Waiting for the charger", "Required" },
  { "en", "forced/named/battery/body",
    "The device restarts at 22:00 to install Contoso Phone OS, but only if the charger is "
    "plugged in.",
    NULL },
  /* the picker's evening row is not "Install tonight" (the night window) */
  { "en", "install/named/no-duration/delay-option.2", "This evening at 22:00", "onight" },
  { "en", "install/named/no-duration/choice.tonight", "Install tonight", NULL },
  { "de", "install/named/no-duration/delay-option.2", "Heute Abend um 22:00", "Nacht" },
  { "fr", "install/named/no-duration/delay-option.2", "Ce soir à 22:00", "nuit" },
  { "es", "install/named/no-duration/delay-option.2", "Hoy a las 22:00", "noche" },
  { "ar", "install/named/no-duration/delay-option.2", "هذا المساء", "الليلة" },
  /* en: "Restart on Tuesday 17 March at 22:00 at the latest" repeated "at" */
  { "en", "popup/latest/next-week", "Restart by 22:00 on Tuesday\u00a017\u00a0March",
    "at the latest" },
  { "en", "popup/latest/tomorrow", "Restart by 07:00 tomorrow", "at the latest" },
  { "en", "popup/latest/today", "Restart by 22:00", " at " },
  /* en: the skipped title, and bodies that repeat their title */
  { "en", "result/named/401/title", "Contoso Phone OS 2.1.0 was skipped", "You skipped" },
  { "en", "result/named/401/body", "Your device is unchanged.", "You skipped" },
  { "en", "result/named/402/body", "The update package was damaged. Your device is unchanged.",
    "not installed" },
  { "en", "result/named/403/body", NULL, "not installed" },
  { "en", "result/named/404/body", NULL, "not installed" },
  /* en: the installing body */
  { "en", "installing/named/body",
    "Installing takes about 5\u00a0minutes, then the device restarts by itself.", NULL },
  /* the updater asks for the restart after the install: nothing restarts by itself */
  { "en", "installing/named/asks-restart/body",
    "Installing takes about 5\u00a0minutes. You will be asked when to restart.", "by itself" },
  { "de", "installing/named/asks-restart/body", "gefragt", "von selbst" },
  { "fr", "installing/named/asks-restart/body", "quand redémarrer", "de lui-même" },
  { "es", "installing/named/asks-restart/body", "cuándo reiniciar", "solo" },
  { "ar", "installing/named/asks-restart/body", "سيُطلب منك", "تلقائيًا" },
  /* a system offer's answer the system instance refused */
  { "en", "text/answer.refused", "Your answer was not accepted: this session is not the active one",
    NULL },
  { "de", "text/answer.refused", "Ihre Antwort wurde nicht angenommen: this session", NULL },
  { "fr", "text/answer.refused", "n’a pas été acceptée\u00a0: this session", NULL },
  { "es", "text/answer.refused", "Su respuesta no fue aceptada: this session", NULL },
  { "ar", "text/answer.refused", "لم تُقبل إجابتك", NULL },
  /* ... and no prompt before its restart question says the restart just happens */
  { "en", "pending/asks-restart/body",
    "Contoso Phone OS will be installed in a moment. You will be asked when to restart.",
    "will restart" },
  { "en", "install/asks-restart/no-duration/body",
    "Installing takes a few minutes. You will be asked when to restart.", "restarts the device" },
  { "en", "delayed/asks-restart/today/body", "Contoso Phone OS will be installed at 22:00.",
    "restarts" },
  { "en", "final-warning/asks-restart/in-30s/title", "Installing in 30", "Restarting" },
  { "en", "final-warning/asks-restart/in-30s/choice.accept", "Install now", "Restart" },
  { "en", "forced/asks-restart/today/body", "will be installed at 22:00", "restarts" },
  { "de", "pending/asks-restart/body", "gefragt", "startet dabei neu" },
  { "de", "install/asks-restart/5-minutes/body", "gefragt", "startet das Gerät neu" },
  { "fr", "pending/asks-restart/body", "quand redémarrer", NULL },
  { "fr", "install/asks-restart/5-minutes/body", "quand redémarrer", NULL },
  { "es", "pending/asks-restart/body", "cuándo reiniciar", NULL },
  { "es", "install/asks-restart/5-minutes/body", "cuándo reiniciar", NULL },
  { "ar", "pending/asks-restart/body", "سيُطلب منك", NULL },
  { "ar", "install/asks-restart/5-minutes/body", "سيُطلب منك", NULL },
  /* de */
  { "de", "installing/named/body", "Die Installation dauert etwa 5\u00a0Minuten, danach",
    "Das dauert" },
  { "de", "installing/named/inhibited/warning", "erst ausgeschaltet werden, wenn",
    "nicht ausgeschaltet werden, bis" },
  { "de", "result/named/406/body", "Ihren Dienstanbieter", "Mobilfunkanbieter" },
  { "de", "text/operator.name", "Ihren Dienstanbieter", "Mobilfunk" },
  { "de", "result/named/402/body", "wenn es das nächste Mal angeboten wird",
    "beim nächsten Angebot" },
  { "de", "progress/named/choice.cancel", "Download abbrechen", "stoppen" },
  { "de", "install/named/5-minutes/body",
    "Bei der Installation startet das Gerät neu. Das dauert etwa 5\u00a0Minuten.",
    "Die Installation dauert" },
  { "de", "state/160", "Das Update wird installiert, sobald der Akku geladen ist.",
    "wird gewartet" },
  { "de", "result/named/450/body", "Ladegerät angeschlossen", "am Strom" },
  /* fr */
  { "fr", "progress/named/choice.cancel", "Arrêter le téléchargement", NULL },
  { "fr", "download/named/roaming/choice.later", "Me le rappeler plus tard", "Rappeler plus" },
  { "fr", "download/named/roaming/choice.cancel", "Ignorer cette mise à jour", NULL },
  { "fr", "install/named/no-duration/choice.cancel", "Ignorer cette mise à jour", NULL },
  { "fr", "reminder/named/today/choice.cancel", "Ignorer cette mise à jour", NULL },
  { "fr", "reminder/named/today/title", "Le redémarrage approche", "prochain" },
  { "fr", "state/190", "La mise à jour reprend depuis le début.", "redémarre" },
  /* es */
  { "es", "download/named/roaming/choice.cancel", "Omitir esta actualización", NULL },
  { "es", "install/named/no-duration/choice.cancel", "Omitir esta actualización", NULL },
  { "es", "reminder/named/today/choice.cancel", "Omitir esta actualización", NULL },
  /* es: "a las 01:30" */
  { "es", "popup/restart-at/tomorrow-0130", "Reinicio mañana a la 01:30", "a las" },
  { "es", "popup/latest/tomorrow-0130", "mañana a la 01:30", "a las" },
  { "es", "popup/restart-at/tomorrow", "mañana a las 07:00", NULL },
  { "es", "reminder/named/today/title", "El reinicio se acerca", "próximo" },
  { "es", "install/named/5-minutes/body", "durante la instalación, que tarda", ". Tarda" },
  { "es", "installing/named/no-restart/body", "La instalación tarda", ". Tarda" },
  /* ar */
  { "ar", "text/delay.in-hours", "بعد", "خلال" },
  { "ar", "text/delay.in-minutes", "بعد", "خلال" },
  { "ar", "download/named/roaming/choice.later", "ذكّرني لاحقًا", "التذكير" },
  { "ar", "result/named/402/body", "لم يطرأ أي تغيير على جهازك", "لم يتغير الجهاز" },
};

static const char *rendered(GPtrArray *all, const char *where)
{
  for (guint i = 0; i < all->len; i++) {
    const OtauxRendered *r = all->pdata[i];

    if (g_str_equal(r->where, where))
      return r->text;
  }
  return NULL;
}

static void test_review_words(void **state)
{
  g_autoptr(GString) bad = g_string_new(NULL);

  (void)state;
  for (gsize l = 0; l < G_N_ELEMENTS(langs); l++) {
    g_autoptr(OtauxStrings) strings = NULL;
    g_autoptr(GPtrArray) all = NULL;

    g_setenv("LANGUAGE", langs[l].language, TRUE);
    assert_non_null(setlocale(LC_ALL, langs[l].locale));
    strings = otaux_strings_new_builtin();
    all = otaux_render_all(strings, NOW);
    for (gsize i = 0; i < G_N_ELEMENTS(findings); i++) {
      const Finding *f = &findings[i];
      const char *t;

      if (!g_str_equal(f->language, langs[l].language))
        continue;
      t = rendered(all, f->where);
      if (t == NULL)
        g_string_append_printf(bad, "%s %s: no such line\n", f->language, f->where);
      else if ((f->has != NULL && strstr(t, f->has) == NULL) ||
               (f->not != NULL && strstr(t, f->not ) != NULL))
        g_string_append_printf(bad, "%s %s: «%s» (want «%s», not «%s»)\n", f->language, f->where, t,
                               f->has ? f->has : "", f->not ? f->not : "");
    }
  }
  setlocale(LC_ALL, "C.UTF-8");
  if (bad->len > 0)
    fail_msg("review findings back:\n%s", bad->str);
}

int main(void)
{
  struct CMUnitTest tests[G_N_ELEMENTS(langs) + 2];

  otaux_strings_init_gettext();
  for (gsize i = 0; i < G_N_ELEMENTS(langs); i++) {
    struct CMUnitTest t = { langs[i].language, test_language, NULL, NULL, (void *)&langs[i] };

    tests[i] = t;
  }
  tests[G_N_ELEMENTS(langs)] =
      (struct CMUnitTest){ "every-text", test_every_text, NULL, NULL, NULL };
  tests[G_N_ELEMENTS(langs) + 1] =
      (struct CMUnitTest){ "review-words", test_review_words, NULL, NULL, NULL };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
