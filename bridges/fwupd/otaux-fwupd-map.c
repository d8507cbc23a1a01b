/* The mapping tables of docs/fwupd.md ("What maps to what"). */
#include "otaux-fwupd-map.h"

#include <string.h>

GQuark otaux_fwupd_error_quark(void)
{
  return g_quark_from_static_string("otaux-fwupd-error-quark");
}

const char *otaux_fwupd_priority_from_urgency(FwupdReleaseUrgency urgency)
{
  switch (urgency) {
    case FWUPD_RELEASE_URGENCY_LOW:
      return "low";
    case FWUPD_RELEASE_URGENCY_HIGH:
    case FWUPD_RELEASE_URGENCY_CRITICAL:
      return "high";
    case FWUPD_RELEASE_URGENCY_MEDIUM:
    case FWUPD_RELEASE_URGENCY_UNKNOWN:
    default:
      return "medium";
  }
}

/* One row per error; the first row that matches wins. */
typedef OtauxFwupdErrorRow ErrorRow;

#define ANY -1
#define DL  OTAUX_FWUPD_STAGE_DOWNLOAD
#define IN  OTAUX_FWUPD_STAGE_INSTALL

static const ErrorRow error_rows[] = {
  /* what the person can fix */
  { "fwupd", FWUPD_ERROR_AC_POWER_REQUIRED, ANY, OTAUX_FWUPD_RESULT_AC_POWER },
  { "fwupd", FWUPD_ERROR_BATTERY_LEVEL_TOO_LOW, ANY, OTAUX_FWUPD_RESULT_BATTERY },
  { "gio", G_IO_ERROR_NO_SPACE, DL, 501 },
  { "gio", G_IO_ERROR_NO_SPACE, IN, 502 },
  /* the package */
  { "fwupd", FWUPD_ERROR_INVALID_FILE, ANY, 402 },
  { "bridge", 402, ANY, 402 }, /* checksum mismatch */
  { "fwupd", FWUPD_ERROR_SIGNATURE_INVALID, ANY, 404 },
  { "bridge", 404, ANY, 404 }, /* no checksum to verify with */
  { "fwupd", FWUPD_ERROR_VERSION_NEWER, ANY, 405 },
  { "fwupd", FWUPD_ERROR_VERSION_SAME, ANY, 405 },
  { "fwupd", FWUPD_ERROR_NOTHING_TO_DO, ANY, 405 },
  { "fwupd", FWUPD_ERROR_NOT_SUPPORTED, ANY, 408 },
  /* the download */
  { "fwupd", FWUPD_ERROR_NOT_REACHABLE, DL, 503 },
  { "fwupd", FWUPD_ERROR_TIMED_OUT, DL, 407 },
  { "gio", G_IO_ERROR_TIMED_OUT, DL, 407 },
  { "gio", G_IO_ERROR_NOT_FOUND, DL, 411 },
  { "gio", G_IO_ERROR_INVALID_FILENAME, DL, 411 },
  { "bridge", 411, ANY, 411 }, /* no usable location */
  { "gio", G_IO_ERROR_HOST_NOT_FOUND, DL, 503 },
  { "gio", G_IO_ERROR_NETWORK_UNREACHABLE, DL, 503 },
  { "gio", G_IO_ERROR_CONNECTION_REFUSED, DL, 412 },
  { "fwupd", FWUPD_ERROR_READ, DL, 503 },
  { "fwupd", FWUPD_ERROR_AUTH_FAILED, DL, 406 },
  { "fwupd", FWUPD_ERROR_PERMISSION_DENIED, DL, 406 },
  { "fwupd", -1, DL, 503 },
  { "gio", -1, DL, 503 },
  /* the install */
  { "fwupd", FWUPD_ERROR_AUTH_FAILED, IN, 400 },
  { "fwupd", FWUPD_ERROR_AUTH_EXPIRED, IN, 400 },
  { "fwupd", FWUPD_ERROR_PERMISSION_DENIED, IN, 400 },
  { "fwupd", FWUPD_ERROR_BUSY, IN, 409 },
  { "fwupd", FWUPD_ERROR_ALREADY_PENDING, IN, 409 },
  { "fwupd", FWUPD_ERROR_NOT_FOUND, IN, 410 },
  { "fwupd", FWUPD_ERROR_NEEDS_USER_ACTION, IN, 410 },
  { "fwupd", FWUPD_ERROR_WRITE, IN, 410 },
  { "fwupd", FWUPD_ERROR_READ, IN, 410 },
  { "fwupd", FWUPD_ERROR_TIMED_OUT, IN, 410 },
  { "fwupd", FWUPD_ERROR_BROKEN_SYSTEM, IN, 410 },
  { "fwupd", FWUPD_ERROR_INTERNAL, IN, 410 },
  /* fwupd went away during the install (killed, crashed, restarted) */
  { "dbus", -1, IN, 410 },
  { "gio", G_IO_ERROR_CLOSED, IN, 410 },
  { "bridge", 410, ANY, 410 },
};

const OtauxFwupdErrorRow *otaux_fwupd_error_rows(gsize *n_rows)
{
  *n_rows = G_N_ELEMENTS(error_rows);
  return error_rows;
}

static const char *domain_name(GQuark domain)
{
  if (domain == FWUPD_ERROR)
    return "fwupd";
  if (domain == G_IO_ERROR)
    return "gio";
  if (domain == G_DBUS_ERROR)
    return "dbus";
  if (domain == OTAUX_FWUPD_ERROR)
    return "bridge";
  return "";
}

guint otaux_fwupd_result_from_error(const GError *error, OtauxFwupdStage stage)
{
  const char *domain;

  if (error == NULL)
    return 200;
  domain = domain_name(error->domain);
  /* A D-Bus error that fwupd's client library did not turn into FWUPD_ERROR
   * (e.g. NoReply when the daemon dies) reaches us as a G_IO_ERROR_DBUS_ERROR
   * or a G_DBUS_ERROR: both mean "fwupd went away". */
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_DBUS_ERROR)
    domain = "dbus";
  for (gsize i = 0; i < G_N_ELEMENTS(error_rows); i++) {
    const ErrorRow *row = &error_rows[i];
    if (strcmp(row->domain, domain) != 0)
      continue;
    if (row->code != -1 && row->code != error->code)
      continue;
    if (row->stage != ANY && row->stage != (int)stage)
      continue;
    return row->result;
  }
  /* 503 "network problem" for a download, 410 "not installed" (the install failed) otherwise */
  return stage == OTAUX_FWUPD_STAGE_DOWNLOAD ? 503 : 410;
}

/* AppStream description markup (p, ul, ol, li, em, code) → plain text:
 * paragraphs separated by a blank line, list items as "• " or "1. " lines. */
typedef struct {
  GString *out;
  int list_depth;
  gboolean ordered;
  int item;
  gboolean in_block;
} TextState;

static void block_break(TextState *st)
{
  while (st->out->len > 0 && st->out->str[st->out->len - 1] == ' ')
    g_string_truncate(st->out, st->out->len - 1);
  if (st->out->len == 0)
    return;
  if (!g_str_has_suffix(st->out->str, "\n\n")) {
    if (!g_str_has_suffix(st->out->str, "\n"))
      g_string_append_c(st->out, '\n');
    g_string_append_c(st->out, '\n');
  }
}

static void line_break(TextState *st)
{
  while (st->out->len > 0 && st->out->str[st->out->len - 1] == ' ')
    g_string_truncate(st->out, st->out->len - 1);
  if (st->out->len > 0 && !g_str_has_suffix(st->out->str, "\n"))
    g_string_append_c(st->out, '\n');
}

static void on_start(GMarkupParseContext *ctx, const char *element, const char **names,
                     const char **values, gpointer user_data, GError **error)
{
  TextState *st = user_data;

  if (strcmp(element, "p") == 0) {
    block_break(st);
    st->in_block = TRUE;
  } else if (strcmp(element, "ul") == 0 || strcmp(element, "ol") == 0) {
    block_break(st);
    st->list_depth++;
    st->ordered = element[0] == 'o';
    st->item = 0;
  } else if (strcmp(element, "li") == 0) {
    line_break(st);
    st->item++;
    if (st->ordered)
      g_string_append_printf(st->out, "%d. ", st->item);
    else
      g_string_append(st->out, "• ");
    st->in_block = TRUE;
  }
}

static void on_end(GMarkupParseContext *ctx, const char *element, gpointer user_data,
                   GError **error)
{
  TextState *st = user_data;

  if (strcmp(element, "p") == 0) {
    st->in_block = FALSE;
    block_break(st);
  } else if (strcmp(element, "li") == 0) {
    st->in_block = FALSE;
    line_break(st);
  } else if (strcmp(element, "ul") == 0 || strcmp(element, "ol") == 0) {
    st->list_depth--;
    block_break(st);
  }
}

static void on_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer user_data,
                    GError **error)
{
  TextState *st = user_data;
  gboolean space = FALSE;

  /* Whitespace is collapsed as in HTML; text between blocks is kept too. */
  for (gsize i = 0; i < len; i++) {
    if (g_ascii_isspace(text[i])) {
      space = TRUE;
      continue;
    }
    if (space && st->out->len > 0 && !g_str_has_suffix(st->out->str, "\n") &&
        !g_str_has_suffix(st->out->str, " "))
      g_string_append_c(st->out, ' ');
    space = FALSE;
    g_string_append_c(st->out, text[i]);
  }
  if (space && st->out->len > 0 && !g_str_has_suffix(st->out->str, "\n") &&
      !g_str_has_suffix(st->out->str, " "))
    g_string_append_c(st->out, ' ');
}

char *otaux_fwupd_markup_to_text(const char *markup)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  g_autoptr(GString) out = g_string_new(NULL);
  g_autofree char *wrapped = NULL;
  g_autoptr(GMarkupParseContext) ctx = NULL;
  TextState st = { out, 0, FALSE, 0, FALSE };

  if (markup == NULL || *markup == '\0')
    return g_strdup("");
  wrapped = g_strconcat("<d>", markup, "</d>", NULL);
  ctx = g_markup_parse_context_new(&parser, G_MARKUP_DEFAULT_FLAGS, &st, NULL);
  if (!g_markup_parse_context_parse(ctx, wrapped, -1, NULL) ||
      !g_markup_parse_context_end_parse(ctx, NULL))
    /* Not markup after all (fwupd passes some descriptions through as text). */
    return g_strstrip(g_strdup(markup));
  return g_strstrip(g_string_free(g_steal_pointer(&out), FALSE));
}

char *otaux_fwupd_offer_id(const char *device_id, const char *version)
{
  return g_strdup_printf("fwupd:%s:%s", device_id, version);
}

gboolean otaux_fwupd_needs_reboot(FwupdDevice *device)
{
  return fwupd_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_REBOOT) ||
         fwupd_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_SHUTDOWN);
}

GChecksumType otaux_fwupd_checksum_type(const char *hex)
{
  switch (strlen(hex)) {
    case 40:
      return G_CHECKSUM_SHA1;
    case 64:
      return G_CHECKSUM_SHA256;
    case 128:
      return G_CHECKSUM_SHA512;
    default:
      return (GChecksumType)-1;
  }
}
