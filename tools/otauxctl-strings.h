/* otauxctl-strings: the string-catalog side of otauxctl (docs/strings.md). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The name of the root element of an XML file ("catalog", "policy"...), or
 * NULL (with @error) when it cannot be read or has no element. Reads only
 * the start of the file; for `otauxctl check` to pick the checker:
 * "catalog" -> otauxctl_check_catalog(), else the policy checker. */
char *otauxctl_file_root_element(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Checks one string catalog strictly, as the agent loads it, and prints
 * every problem as "file:line: message" on stderr. Returns TRUE when the
 * file is clean. @n_problems (may be NULL): the number of problems, or -1
 * when the file cannot be read at all (otauxctl check exits 2 then). */
gboolean otauxctl_check_catalog(const char *path, int *n_problems);

/* otauxctl strings [--strings-dir DIR]... [--locale LL] [--render] [ID...]:
 * the effective texts (after the catalogs, for the locale) and where each
 * comes from, after the folders read; --render: every text filled in. argv[0] is the command name.
 * Exit 0; 1 when a catalog was skipped (its problems go to stderr); 2 on usage errors. */
int otauxctl_cmd_strings(int argc, char **argv);

/* "de" -> "de_DE.UTF-8", "pt_BR" -> "pt_BR.UTF-8": a locale glibc may have. */
char *otauxctl_locale_full_name(const char *locale);
/* Switches the process to @locale: LANGUAGE for gettext, and setlocale()
 * to its full name for dates and numbers. FALSE when that locale is not
 * installed (then C.UTF-8). @used (may be NULL): the locale in force. */
gboolean otauxctl_use_locale(const char *locale, char **used);

G_END_DECLS
