/* otauxctl-preview-session: Xvfb, dbus-daemon, dunst and the agent of
 * `otauxctl preview`, all private to one run. Every wait is on an event (a
 * line on a pipe, a bus name, a stable screen) with a bound. */
#include "config.h"
#include "otauxctl-preview-session.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#define START_TIMEOUT_MS        30000
#define CAPTURE_TIMEOUT_MS      4000
#define CAPTURE_NEWS_TIMEOUT_MS 10000

struct _PreviewSession {
  char *tmp;
  char *shots;
  GPtrArray *procs; /* GSubprocess*, in start order */
  char **env;       /* the children's environment */
  char *display;
  char *address;
  GDBusConnection *bus;
  GDBusConnection *monitor;
  GMutex lock;
  GPtrArray *notifies; /* GVariant*: Notify arguments, under lock */
  GBytes *previous;    /* the last picture taken */
  GSubprocess *agent;  /* in procs */
  char **agent_argv;   /* to start it again (the device's restart) */
  char *agent_log;
};

/* clang-format would turn the quark name into a subtraction. */
// clang-format off
G_DEFINE_QUARK(otaux-preview-error-quark, preview_error)
// clang-format on

GDBusConnection *preview_session_bus(PreviewSession *session)
{
  return session->bus;
}

const char *preview_session_shots(PreviewSession *session)
{
  return session->shots;
}

typedef struct {
  gboolean timed_out;
} Deadline;

static gboolean on_deadline(gpointer data)
{
  ((Deadline *)data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean on_tick(gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Ctrl-C or SIGTERM: the current wait fails, and the session is torn down as usual. */
static gboolean interrupted;

static gboolean on_interrupt(gpointer data)
{
  interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean wait_until(PreviewPredicate pred, gpointer data, guint timeout_ms,
                           gboolean interruptible, const char *what, GError **error)
{
  Deadline deadline = { FALSE };
  guint timer = g_timeout_add(timeout_ms, on_deadline, &deadline);
  /* Some conditions (files, the screen) have no event of their own: look again every 50 ms. */
  guint tick = g_timeout_add(50, on_tick, NULL);
  gboolean ok;

  while (!(ok = pred(data)) && !deadline.timed_out && !(interruptible && interrupted))
    g_main_context_iteration(NULL, TRUE);
  if (!deadline.timed_out)
    g_source_remove(timer);
  g_source_remove(tick);
  if (!ok && interruptible && interrupted)
    g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "interrupted");
  else if (!ok)
    g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_TIMED_OUT,
                "timed out after %u s waiting for %s", timeout_ms / 1000, what);
  return ok;
}

gboolean preview_session_wait(PreviewSession *session, PreviewPredicate pred, gpointer data,
                              guint timeout_ms, const char *what, GError **error)
{
  return wait_until(pred, data, timeout_ms, TRUE, what, error);
}

/* One line a child writes on the pipe @fd (Xvfb -displayfd, dbus-daemon
 * --print-address), within the start bound. */
static char *read_line(int fd, const char *what, GError **error)
{
  g_autoptr(GString) line = g_string_new(NULL);
  gint64 end = g_get_monotonic_time() + START_TIMEOUT_MS * (gint64)1000;

  for (;;) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    gint64 left = (end - g_get_monotonic_time()) / 1000;
    char buf[256];
    ssize_t n;
    char *nl;

    if (left <= 0 || poll(&p, 1, (int)left) == 0) {
      g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_TIMED_OUT, "%s did not start", what);
      return NULL;
    }
    n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "%s exited at start", what);
      return NULL;
    }
    g_string_append_len(line, buf, n);
    if ((nl = strchr(line->str, '\n')) != NULL) {
      *nl = '\0';
      return g_strdup(line->str);
    }
  }
}

/* A preview interrupted (Ctrl-C) takes its X server, bus, dunst and agent with it. */
static void die_with_parent(gpointer data)
{
  prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts @argv with the session's environment; with @out_fd, the child's
 * fd 3 is the write end of a pipe whose read end is returned there. */
static GSubprocess *spawn(PreviewSession *s, const char *const *argv, const char *log, int *out_fd,
                          GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
      log != NULL ? G_SUBPROCESS_FLAGS_NONE
                  : G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  GSubprocess *proc;
  int fds[2];

  g_subprocess_launcher_set_environ(launcher, s->env);
  g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
  if (log != NULL) {
    g_subprocess_launcher_set_stdout_file_path(launcher, log);
    g_subprocess_launcher_set_stderr_file_path(launcher, log);
  }
  if (out_fd != NULL) {
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, error))
      return NULL;
    *out_fd = fds[0];
    g_subprocess_launcher_take_fd(launcher, fds[1], 3);
  }
  proc = g_subprocess_launcher_spawnv(launcher, argv, error);
  if (proc == NULL) {
    if (out_fd != NULL) {
      close(*out_fd);
      *out_fd = -1;
    }
    if (error != NULL && *error != NULL && (*error)->domain == G_SPAWN_ERROR &&
        (*error)->code == G_SPAWN_ERROR_NOENT) {
      g_autofree char *msg = g_strdup_printf("%s is not installed", argv[0]);
      g_clear_error(error);
      g_set_error_literal(error, PREVIEW_ERROR, PREVIEW_ERROR_MISSING, msg);
    }
    return NULL;
  }
  g_ptr_array_add(s->procs, proc);
  return proc;
}

typedef struct {
  PreviewSession *s;
  const char *name;
  GSubprocess *proc;
} OwnerWait;

static gboolean has_owner_or_exited(gpointer data)
{
  OwnerWait *w = data;
  g_autoptr(GVariant) reply = NULL;
  gboolean has = FALSE;

  if (g_subprocess_get_identifier(w->proc) == NULL) /* exited */
    return TRUE;
  reply = g_dbus_connection_call_sync(w->s->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus", "NameHasOwner",
                                      g_variant_new("(s)", w->name), G_VARIANT_TYPE("(b)"),
                                      G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (reply != NULL)
    g_variant_get(reply, "(b)", &has);
  return has;
}

static gboolean wait_owner(PreviewSession *s, GSubprocess *proc, const char *name, const char *what,
                           GError **error)
{
  OwnerWait w = { s, name, proc };
  g_autofree char *desc = g_strdup_printf("%s on the bus (%s)", what, name);

  if (!preview_session_wait(s, has_owner_or_exited, &w, START_TIMEOUT_MS, desc, error))
    return FALSE;
  if (g_subprocess_get_identifier(proc) == NULL) {
    g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "%s exited at start", what);
    return FALSE;
  }
  return TRUE;
}

/* The monitor sees copies of every Notify call; it must never answer them. */
static GDBusMessage *on_monitored(GDBusConnection *connection, GDBusMessage *message,
                                  gboolean incoming, gpointer data)
{
  PreviewSession *s = data;

  if (!incoming || g_dbus_message_get_message_type(message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    return message;
  if (g_strcmp0(g_dbus_message_get_member(message), "Notify") == 0 &&
      g_strcmp0(g_dbus_message_get_interface(message), "org.freedesktop.Notifications") == 0 &&
      g_dbus_message_get_body(message) != NULL) {
    g_mutex_lock(&s->lock);
    g_ptr_array_add(s->notifies, g_variant_ref(g_dbus_message_get_body(message)));
    g_mutex_unlock(&s->lock);
  }
  g_object_unref(message);
  return NULL;
}

static gboolean start_monitor(PreviewSession *s, GError **error)
{
  const char *rules[] = { "type='method_call',interface='org.freedesktop.Notifications'", NULL };
  g_autoptr(GVariant) reply = NULL;

  s->monitor =
      g_dbus_connection_new_for_address_sync(s->address,
                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                             NULL, NULL, error);
  if (s->monitor == NULL)
    return FALSE;
  g_dbus_connection_set_exit_on_close(s->monitor, FALSE);
  g_dbus_connection_add_filter(s->monitor, on_monitored, s, NULL);
  reply = g_dbus_connection_call_sync(s->monitor, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                                      g_variant_new("(^asu)", rules, 0u), NULL,
                                      G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
  return reply != NULL;
}

static const char BUS_CONFIG[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>session</type>\n"
    "  <listen>unix:dir=%s</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
    "    <allow eavesdrop=\"true\"/>\n"
    "    <allow own=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n";

static gboolean start_x(PreviewSession *s, GError **error)
{
  g_autofree char *screen = g_strdup_printf("%dx%dx24", PREVIEW_WIDTH, PREVIEW_HEIGHT);
  /* -displayfd: Xvfb picks a free display number and tells us. */
  const char *argv[] = {
    "Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp", NULL
  };
  g_autofree char *number = NULL;
  int fd = -1;

  if (spawn(s, argv, NULL, &fd, error) == NULL)
    return FALSE;
  number = read_line(fd, "Xvfb", error);
  close(fd);
  if (number == NULL)
    return FALSE;
  s->display = g_strdup_printf(":%s", g_strstrip(number));
  s->env = g_environ_setenv(s->env, "DISPLAY", s->display, TRUE);
  return TRUE;
}

static gboolean start_bus(PreviewSession *s, GError **error)
{
  g_autofree char *conf = g_build_filename(s->tmp, "bus.conf", NULL);
  g_autofree char *text = g_markup_printf_escaped(BUS_CONFIG, s->tmp);
  g_autofree char *conf_arg = g_strdup_printf("--config-file=%s", conf);
  const char *argv[] = { "dbus-daemon", conf_arg, "--nofork", "--print-address=3", NULL };
  int fd = -1;

  if (!g_file_set_contents(conf, text, -1, error))
    return FALSE;
  if (spawn(s, argv, NULL, &fd, error) == NULL)
    return FALSE;
  s->address = read_line(fd, "dbus-daemon", error);
  close(fd);
  if (s->address == NULL)
    return FALSE;
  s->env = g_environ_setenv(s->env, "DBUS_SESSION_BUS_ADDRESS", s->address, TRUE);
  s->bus =
      g_dbus_connection_new_for_address_sync(s->address,
                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                             NULL, NULL, error);
  if (s->bus == NULL)
    return FALSE;
  g_dbus_connection_set_exit_on_close(s->bus, FALSE);
  return start_monitor(s, error);
}

static void set_gui_env(PreviewSession *s, const PreviewSessionConfig *config)
{
  g_autofree char *prompter_args =
      g_strdup_printf("--geometry %dx%d --idle-timeout 600 --screenshot-dir '%s'", PREVIEW_WIDTH,
                      PREVIEW_HEIGHT, s->shots);

  s->env = g_environ_unsetenv(s->env, "WAYLAND_DISPLAY");
  s->env = g_environ_unsetenv(s->env, "DBUS_SYSTEM_BUS_ADDRESS");
  s->env = g_environ_setenv(s->env, "GDK_BACKEND", "x11", TRUE);
  s->env = g_environ_setenv(s->env, "GSK_RENDERER", "cairo", TRUE);
  s->env = g_environ_setenv(s->env, "GSETTINGS_BACKEND", "memory", TRUE);
  s->env = g_environ_setenv(s->env, "NO_AT_BRIDGE", "1", TRUE);
  s->env = g_environ_setenv(s->env, "GTK_A11Y", "none", TRUE);
  s->env = g_environ_setenv(s->env, "OTAUX_PROMPTER", config->prompter, TRUE);
  s->env = g_environ_setenv(s->env, "OTAUX_PROMPTER_ARGS", prompter_args, TRUE);
  for (gsize i = 0; config->locale_env != NULL && config->locale_env[i] != NULL; i++) {
    g_auto(GStrv) kv = g_strsplit(config->locale_env[i], "=", 2);
    if (kv[0] != NULL && kv[1] != NULL)
      s->env = g_environ_setenv(s->env, kv[0], kv[1], TRUE);
  }
}

static gboolean start_agent(PreviewSession *s, const PreviewSessionConfig *config, GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *state = g_build_filename(s->tmp, "state", NULL);
  GSubprocess *proc;

  g_ptr_array_add(argv, g_strdup(config->agent));
  g_ptr_array_add(argv, g_strdup("--test-clock"));
  g_ptr_array_add(argv, g_strconcat("--state-dir=", state, NULL));
  for (gsize i = 0; config->policy_dirs[i] != NULL; i++)
    g_ptr_array_add(argv, g_strconcat("--policy-dir=", config->policy_dirs[i], NULL));
  for (gsize i = 0; config->strings_dirs[i] != NULL; i++)
    g_ptr_array_add(argv, g_strconcat("--strings-dir=", config->strings_dirs[i], NULL));
  g_ptr_array_add(argv, NULL);
  s->agent_argv = g_strdupv((char **)argv->pdata);
  s->agent_log = g_strdup(config->log);
  proc = spawn(s, (const char *const *)argv->pdata, config->log, NULL, error);
  s->agent = proc;
  return proc != NULL && wait_owner(s, proc, "org.otaux.Agent", "otaux-agent", error);
}

PreviewSession *preview_session_start(const PreviewSessionConfig *config, GError **error)
{
  g_autoptr(PreviewSession) s = g_new0(PreviewSession, 1);
  const char *dunst_argv[] = { "dunst", "-config", config->dunstrc, NULL };
  GSubprocess *dunst;

  g_mutex_init(&s->lock);
  g_unix_signal_add(SIGINT, on_interrupt, NULL);
  g_unix_signal_add(SIGTERM, on_interrupt, NULL);
  s->procs = g_ptr_array_new_with_free_func(g_object_unref);
  s->notifies = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
  s->env = g_get_environ();
  s->tmp = g_dir_make_tmp("otaux-preview-XXXXXX", error);
  if (s->tmp == NULL)
    return NULL;
  s->shots = g_build_filename(s->tmp, "prompter", NULL);
  if (g_mkdir(s->shots, 0700) != 0) {
    g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "cannot create %s: %s", s->shots,
                g_strerror(errno));
    return NULL;
  }
  set_gui_env(s, config);
  if (!start_x(s, error) || !start_bus(s, error))
    return NULL;
  dunst = spawn(s, dunst_argv, NULL, NULL, error);
  if (dunst == NULL || !wait_owner(s, dunst, "org.freedesktop.Notifications", "dunst", error) ||
      !start_agent(s, config, error))
    return NULL;
  return g_steal_pointer(&s);
}

static void on_exited(GObject *source, GAsyncResult *result, gpointer data)
{
  gboolean *done = data;
  (void)g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
  *done = TRUE;
}

static gboolean is_true(gpointer data)
{
  return *(gboolean *)data;
}

static void stop(PreviewSession *s, GSubprocess *proc)
{
  gboolean done = FALSE;

  g_subprocess_send_signal(proc, SIGTERM);
  g_subprocess_wait_async(proc, NULL, on_exited, &done);
  if (!wait_until(is_true, &done, 5000, FALSE, "a child to exit", NULL)) {
    g_subprocess_force_exit(proc);
    while (!done)
      g_main_context_iteration(NULL, TRUE);
  }
}

gboolean preview_session_restart_agent(PreviewSession *s, GError **error)
{
  GSubprocess *proc;

  if (s->agent != NULL) {
    stop(s, s->agent);
    g_ptr_array_remove(s->procs, s->agent);
    s->agent = NULL;
  }
  proc = spawn(s, (const char *const *)s->agent_argv, s->agent_log, NULL, error);
  s->agent = proc;
  return proc != NULL && wait_owner(s, proc, "org.otaux.Agent", "otaux-agent", error);
}

void preview_session_remove_tree(const char *path)
{
  g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
    g_autofree char *child = g_build_filename(path, name, NULL);
    if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
      preview_session_remove_tree(child);
    else
      g_unlink(child);
  }
  g_rmdir(path);
}

void preview_session_free(PreviewSession *s)
{
  if (s == NULL)
    return;
  /* The agent first: it closes its notifications and the prompter. */
  for (guint i = s->procs->len; i > 0; i--)
    stop(s, s->procs->pdata[i - 1]);
  if (s->monitor != NULL)
    g_dbus_connection_close_sync(s->monitor, NULL, NULL);
  if (s->bus != NULL)
    g_dbus_connection_close_sync(s->bus, NULL, NULL);
  g_clear_object(&s->monitor);
  g_clear_object(&s->bus);
  g_ptr_array_unref(s->procs);
  g_ptr_array_unref(s->notifies);
  g_clear_pointer(&s->previous, g_bytes_unref);
  g_mutex_clear(&s->lock);
  if (s->tmp != NULL)
    preview_session_remove_tree(s->tmp);
  g_free(s->tmp);
  g_free(s->shots);
  g_strfreev(s->env);
  g_strfreev(s->agent_argv);
  g_free(s->agent_log);
  g_free(s->display);
  g_free(s->address);
  g_free(s);
}

guint preview_session_n_notifies(PreviewSession *s)
{
  guint n;

  g_mutex_lock(&s->lock);
  n = s->notifies->len;
  g_mutex_unlock(&s->lock);
  return n;
}

GVariant *preview_session_get_notify(PreviewSession *s, guint i)
{
  GVariant *v = NULL;

  g_mutex_lock(&s->lock);
  if (i < s->notifies->len)
    v = g_variant_ref(s->notifies->pdata[i]);
  g_mutex_unlock(&s->lock);
  return v;
}

/* The screen as PPM bytes (no time stamps, unlike PNG, so equal screens are equal bytes). */
static GBytes *grab(PreviewSession *s, GError **error)
{
  const char *argv[] = { "import", "-display", s->display, "-window", "root", "ppm:-", NULL };
  g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  GBytes *out = NULL;

  g_subprocess_launcher_set_environ(launcher, s->env);
  proc = g_subprocess_launcher_spawnv(launcher, argv, error);
  if (proc == NULL || !g_subprocess_communicate(proc, NULL, NULL, &out, NULL, error))
    return NULL;
  if (!g_subprocess_get_successful(proc) || out == NULL || g_bytes_get_size(out) == 0) {
    g_clear_pointer(&out, g_bytes_unref);
    g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "import could not read the screen");
  }
  return out;
}

gboolean preview_session_xdotool(PreviewSession *s, const char *const *args, GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;

  g_autofree char *found = g_find_program_in_path("xdotool");

  if (found == NULL) {
    g_set_error_literal(error, PREVIEW_ERROR, PREVIEW_ERROR_MISSING,
                        "xdotool is not installed (Debian package xdotool)");
    return FALSE;
  }
  g_ptr_array_add(argv, (gpointer) "xdotool");
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add(argv, (gpointer)args[i]);
  g_ptr_array_add(argv, NULL);
  g_subprocess_launcher_set_environ(launcher, s->env);
  proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, error);
  if (proc == NULL || !g_subprocess_wait(proc, NULL, error))
    return FALSE;
  if (!g_subprocess_get_successful(proc)) {
    g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "xdotool %s failed", args[0]);
    return FALSE;
  }
  return TRUE;
}

typedef struct {
  PreviewSession *s;
  gboolean news; /* something new is to be on screen */
  GBytes *last;
  GError *error;
} Stable;

/* One colour all over (PPM: the pixels follow three header lines). */
static gboolean uniform(GBytes *ppm)
{
  gsize len = 0;
  const guchar *d = g_bytes_get_data(ppm, &len);
  gsize i = 0;

  for (int lines = 0; i < len && lines < 3; i++)
    if (d[i] == '\n')
      lines++;
  for (gsize j = i + 3; j < len; j++)
    if (d[j] != d[i + (j - i) % 3])
      return FALSE;
  return TRUE;
}

static gboolean screen_stable(gpointer data)
{
  Stable *st = data;
  g_autoptr(GBytes) now = grab(st->s, &st->error);
  gboolean same;

  if (now == NULL)
    return TRUE;
  same = st->last != NULL && g_bytes_equal(st->last, now);
  g_clear_pointer(&st->last, g_bytes_unref);
  st->last = g_steal_pointer(&now);
  if (!same)
    return FALSE;
  /* Still, but maybe still the screen before: dunst and GTK draw a while after the call. */
  return !st->news || (!uniform(st->last) &&
                       (st->s->previous == NULL || !g_bytes_equal(st->s->previous, st->last)));
}

gboolean preview_session_capture(PreviewSession *s, const char *png, gboolean news,
                                 const char *caption, GError **error)
{
  Stable st = { s, news, NULL, NULL };
  g_autofree char *target = g_strconcat("png:", png, NULL);
  g_autofree char *escaped = caption != NULL ? g_markup_escape_text(caption, -1) : NULL;
  g_autofree char *text = escaped != NULL ? g_strconcat("pango:", escaped, NULL) : NULL;
  g_autofree char *width = g_strdup_printf("%dx", PREVIEW_WIDTH - 16);
  /* A caption (what dunst does not draw: the buttons) goes over the foot of
   * the screen, through Pango so that every script is shaped. */
  const char *plain_argv[] = { "convert", "ppm:-", "-strip", target, NULL };
  const char *caption_argv[] = { "convert",     "ppm:-",    "(",     "-size",     width,
                                 "-background", "#202020",  "-fill", "white",     text,
                                 ")",           "-gravity", "South", "-geometry", "+0+8",
                                 "-composite",  "-strip",   target,  NULL };
  const char *const *argv = text != NULL ? caption_argv : plain_argv;
  g_autoptr(GSubprocess) proc = NULL;
  gboolean ok;

  if (interrupted) {
    g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "interrupted");
    return FALSE;
  }
  /* Stable: two grabs in a row are equal, and show something new when
   * something is due. A count-down never stands still, and a prompt may
   * look like the one before: after the bound, the last grab. */
  ok = preview_session_wait(s, screen_stable, &st,
                            news ? CAPTURE_NEWS_TIMEOUT_MS : CAPTURE_TIMEOUT_MS, "a still screen",
                            NULL);
  if (st.error != NULL) {
    g_propagate_error(error, st.error);
    ok = FALSE;
  } else {
    ok = st.last != NULL;
    if (!ok)
      g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "cannot read the screen");
  }
  if (ok) {
    g_clear_pointer(&s->previous, g_bytes_unref);
    s->previous = g_bytes_ref(st.last);
  }
  if (ok) {
    proc = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDIN_PIPE, error);
    ok = proc != NULL && g_subprocess_communicate(proc, st.last, NULL, NULL, NULL, error);
    if (ok && !g_subprocess_get_successful(proc)) {
      g_set_error(error, PREVIEW_ERROR, PREVIEW_ERROR_FAILED, "convert could not write %s", png);
      ok = FALSE;
    }
  }
  g_clear_pointer(&st.last, g_bytes_unref);
  return ok;
}
