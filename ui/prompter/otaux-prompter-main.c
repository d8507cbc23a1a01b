/* otaux-prompter's main: options, language, the bus, the loop.
 *
 * Test hooks: --geometry WxH, --screenshot-dir DIR (otaux-prompter-shot.c). */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "otaux-prompter.h"

/* Right-to-left languages get the mirrored layout. Our own catalog says so
 * (as GTK's does), so it follows the language of our texts even when
 * GTK's translations are not installed; otherwise GTK's choice stays. */
static void set_text_direction(void)
{
  /* TRANSLATORS: the text direction of your language. Translate as
   * "default:RTL" for a language written right to left (Arabic, Hebrew,
   * Persian...); otherwise keep "default:LTR". Do not translate the words. */
  if (strcmp(_("default:LTR"), "default:RTL") == 0)
    gtk_widget_set_default_direction(GTK_TEXT_DIR_RTL);
}

/* SIGTERM and SIGINT end the loop, so the question on screen gets its
 * Hidden signal before the prompter goes. */
static gboolean on_quit_signal(gpointer user_data)
{
  OtauxPrompter *self = user_data;
  g_debug("signal: exiting");
  g_main_loop_quit(self->loop);
  return G_SOURCE_CONTINUE;
}

/* A small dialog draws fast enough with cairo, and probing OpenGL at
 * display open (EGL, then GLX, each loading Mesa and LLVM) was half the
 * cold start of a pop-up: about 60 of 120 ms under Xvfb (issue 18 item 10).
 * With GL and Vulkan off, GSK picks its cairo renderer. GDK reads
 * GDK_DEBUG once, in gtk_init: it is unset again after, so that a browser
 * opened from a link does not inherit it. A GDK_DEBUG, or a GSK_RENDERER other
 * than cairo, set by the person or a test is kept. */
static gboolean prefer_cairo(void)
{
  const char *renderer = g_getenv("GSK_RENDERER");

  if (g_getenv("GDK_DEBUG") != NULL || (renderer != NULL && strcmp(renderer, "cairo") != 0))
    return FALSE;
  g_setenv("GDK_DEBUG", "gl-disable,vulkan-disable", TRUE);
  return TRUE;
}

static gboolean parse_geometry(const char *geometry, int *w, int *h)
{
  return sscanf(geometry, "%dx%d", w, h) == 2 && *w >= 100 && *h >= 100 && *w <= 10000 &&
         *h <= 10000;
}

int main(int argc, char **argv)
{
  OtauxPrompter prompter = { 0 };
  OtauxPrompter *self = &prompter;
  int idle_timeout = 10;
  guint sig_term, sig_int;
  gboolean set_debug;
  g_autofree char *geometry = NULL;
  g_autofree char *shot_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  GOptionEntry entries[] = {
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      "Exit after SECONDS with nothing to show (default 10)", "SECONDS" },
    { "geometry", 0, 0, G_OPTION_ARG_STRING, &geometry, "Window size (default 360x640)", "WxH" },
    { "screenshot-dir", 0, 0, G_OPTION_ARG_FILENAME, &shot_dir,
      "Save a PNG of every prompt drawn (and its button geometry) into DIR", "DIR" },
    { NULL },
  };

  setlocale(LC_ALL, "");
  /* Our chrome in the person's language: the "otaux" domain, from
   * $OTAUX_LOCALEDIR (tests: BUILD/po) or the installed locale dir. */
  otaux_strings_init_gettext();
  textdomain(GETTEXT_PACKAGE);
  ctx = g_option_context_new("- the otaux firmware update pop-up");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    g_printerr("otaux-prompter: %s\n", error->message);
    return 2;
  }
  self->idle_timeout_s = (guint)MAX(idle_timeout, 0);
  self->geom_w = 360;
  self->geom_h = 640;
  if (geometry != NULL && !parse_geometry(geometry, &self->geom_w, &self->geom_h)) {
    g_printerr("otaux-prompter: bad --geometry %s (want WxH)\n", geometry);
    return 2;
  }
  if (shot_dir != NULL && g_mkdir_with_parents(shot_dir, 0755) != 0) {
    g_printerr("otaux-prompter: cannot create %s\n", shot_dir);
    return 2;
  }
  self->shot.dir = g_steal_pointer(&shot_dir);

  set_debug = prefer_cairo();
  if (!gtk_init_check()) {
    g_printerr("otaux-prompter: cannot open the display\n");
    otaux_prompter_shot_clear(self);
    return 1;
  }
  if (set_debug)
    g_unsetenv("GDK_DEBUG");
  set_text_direction();
  self->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
  if (self->bus == NULL) {
    g_printerr("otaux-prompter: %s\n", error->message);
    otaux_prompter_shot_clear(self);
    return 1;
  }
  g_dbus_connection_set_exit_on_close(self->bus, FALSE);
  self->strings = otaux_strings_new_builtin();
  self->loop = g_main_loop_new(NULL, FALSE);
  otaux_prompter_window_build(self);
  otaux_prompter_client_start(self);
  /* Until the agent shows up, there is nothing to show: the idle timer runs. */
  otaux_prompter_window_arm_idle(self, self->idle_timeout_s);

  sig_term = g_unix_signal_add(SIGTERM, on_quit_signal, self);
  sig_int = g_unix_signal_add(SIGINT, on_quit_signal, self);
  g_main_loop_run(self->loop);
  g_source_remove(sig_term);
  g_source_remove(sig_int);

  otaux_prompter_client_stop(self); /* Hidden for what is on screen */
  g_clear_handle_id(&self->idle_id, g_source_remove);
  otaux_prompter_window_destroy(self);
  g_dbus_connection_flush_sync(self->bus, NULL, NULL);
  g_object_unref(self->bus);
  g_main_loop_unref(self->loop);
  otaux_strings_free(self->strings);
  otaux_prompter_shot_clear(self);
  return self->exit_code;
}
