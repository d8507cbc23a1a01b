/* The client side of bench/answer-latency: one libdbus connection, no main
 * loop, so that a Ping and an Answer cost the client exactly the same (the
 * same send, the same blocking read, the same pop), and what differs between
 * them is the agent's work. Both are timed from just before the send until
 * the message that ends them is popped: Ping -> its reply, Answer -> the
 * offer's Decided signal (its reply must come too, untimed: the agent sends
 * it last).
 *
 * Reads commands from stdin, one a line, and answers each with one line:
 *   ping            -> microseconds of one Peer.Ping round trip
 *   cycle N         -> "OFFER ANSWER": microseconds of an Agent1.Offer round
 *                      trip (offer "answer-N") and of Answer("accept") ->
 *                      Decided; then withdraws the offer (untimed), so the
 *                      registry and the folder stay the same size
 * Usage: answer-client (the session bus of $DBUS_SESSION_BUS_ADDRESS) */
#include <dbus/dbus.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AGENT_NAME "org.otaux.Agent"
#define AGENT_PATH "/org/otaux/Agent"
#define TIMEOUT_MS 10000

static DBusConnection *conn;

static double now_us(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
  fprintf(stderr, "answer-client: %s\n", what);
  exit(1);
}

/* Sends @msg and reads until its reply is popped and, when @decided_path is
 * given, that offer's Decided too. Returns the microseconds from the send
 * to the pop of the reply (no @decided_path) or of Decided. */
static double round_trip(DBusMessage *msg, const char *decided_path, DBusMessage **reply_out)
{
  dbus_uint32_t serial = 0;
  double t0;
  double t_reply = 0;
  double t_decided = 0;
  double deadline;

  t0 = now_us();
  if (!dbus_connection_send(conn, msg, &serial))
    die("out of memory");
  dbus_connection_flush(conn);
  deadline = t0 + TIMEOUT_MS * 1e3;
  while (t_reply == 0 || (decided_path != NULL && t_decided == 0)) {
    DBusMessage *in = dbus_connection_pop_message(conn);

    if (in == NULL) {
      if (now_us() > deadline)
        die("timed out");
      if (!dbus_connection_read_write(conn, TIMEOUT_MS))
        die("disconnected");
      continue;
    }
    if (dbus_message_get_reply_serial(in) == serial) {
      t_reply = now_us();
      if (dbus_message_get_type(in) == DBUS_MESSAGE_TYPE_ERROR)
        die(dbus_message_get_error_name(in));
      if (reply_out != NULL)
        *reply_out = dbus_message_ref(in);
    } else if (decided_path != NULL && dbus_message_is_signal(in, "org.otaux.Offer1", "Decided") &&
               strcmp(dbus_message_get_path(in), decided_path) == 0) {
      t_decided = now_us();
    }
    dbus_message_unref(in);
  }
  dbus_message_unref(msg);
  return (decided_path != NULL ? t_decided : t_reply) - t0;
}

static void dict_entry(DBusMessageIter *dict, const char *key, int type, const void *value)
{
  DBusMessageIter entry;
  DBusMessageIter variant;
  const char sig[2] = { (char)type, '\0' };

  dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &key);
  dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, sig, &variant);
  dbus_message_iter_append_basic(&variant, type, value);
  dbus_message_iter_close_container(&entry, &variant);
  dbus_message_iter_close_container(dict, &entry);
}

static double ping(void)
{
  DBusMessage *msg =
      dbus_message_new_method_call(AGENT_NAME, AGENT_PATH, "org.freedesktop.DBus.Peer", "Ping");

  return round_trip(msg, NULL, NULL);
}

static void cycle(long n)
{
  DBusMessage *msg;
  DBusMessage *reply = NULL;
  DBusMessageIter it;
  DBusMessageIter dict;
  char id[64];
  char version[64];
  const char *s;
  const char *path = NULL;
  char *offer_path;
  dbus_uint64_t size = 50000000;
  double offer_us;
  double answer_us;

  snprintf(id, sizeof id, "answer-%ld", n);
  snprintf(version, sizeof version, "1.%ld", n);
  msg = dbus_message_new_method_call(AGENT_NAME, AGENT_PATH, "org.otaux.Agent1", "Offer");
  dbus_message_iter_init_append(msg, &it);
  dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
  s = id;
  dict_entry(&dict, "id", DBUS_TYPE_STRING, &s);
  s = "Firmware";
  dict_entry(&dict, "name", DBUS_TYPE_STRING, &s);
  s = version;
  dict_entry(&dict, "version", DBUS_TYPE_STRING, &s);
  s = "medium";
  dict_entry(&dict, "priority", DBUS_TYPE_STRING, &s);
  dict_entry(&dict, "size", DBUS_TYPE_UINT64, &size);
  dbus_message_iter_close_container(&it, &dict);
  offer_us = round_trip(msg, NULL, &reply);
  if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID))
    die("Offer: no path in the reply");
  offer_path = strdup(path);
  dbus_message_unref(reply);

  msg = dbus_message_new_method_call(AGENT_NAME, offer_path, "org.otaux.Offer1", "Answer");
  dbus_message_iter_init_append(msg, &it);
  s = "accept";
  dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &s);
  dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
  dbus_message_iter_close_container(&it, &dict);
  answer_us = round_trip(msg, offer_path, NULL);

  msg = dbus_message_new_method_call(AGENT_NAME, offer_path, "org.otaux.Offer1", "Withdraw");
  round_trip(msg, NULL, NULL);
  free(offer_path);
  printf("%.1f %.1f\n", offer_us, answer_us);
}

int main(void)
{
  DBusError err;
  char line[128];

  dbus_error_init(&err);
  conn = dbus_bus_get_private(DBUS_BUS_SESSION, &err);
  if (conn == NULL)
    die(err.message);
  dbus_bus_add_match(conn, "type='signal',interface='org.otaux.Offer1',member='Decided'", &err);
  if (dbus_error_is_set(&err))
    die(err.message);
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (strcmp(line, "ping\n") == 0)
      printf("%.1f\n", ping());
    else if (strncmp(line, "cycle ", 6) == 0)
      cycle(strtol(line + 6, NULL, 10));
    else
      die("unknown command");
  }
  dbus_connection_close(conn);
  dbus_connection_unref(conn);
  return 0;
}
