/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-error.h"
#include "sr-keys.h"
#include "sr-secret.h"

G_BEGIN_DECLS

/* What both command-line tools share: start-up, subcommand dispatch, the
 * one-line error convention, passphrases, key files and a progress bar. */

typedef int (*SrCliRunFunc) (int    argc,
                             char **argv);

typedef struct
{
  const char   *name;
  const char   *summary;
  SrCliRunFunc  run;
} SrCliCommand;

/* Starts the library (sr_init) and makes a full disk an error rather than
 * a signal (SIGXFSZ is ignored). Exits with the usual one line on failure. */
void         sr_cli_init               (const char         *prgname);

/* Parses the options before the command name (global_entries may be NULL),
 * then runs the command with argv starting at its name. --help lists the
 * commands. Returns the exit status. */
int          sr_cli_dispatch           (int                 argc,
                                        char              **argv,
                                        const char         *summary,
                                        const GOptionEntry *global_entries,
                                        const SrCliCommand *commands);

/* Builds the option context of one command ("PROGRAM COMMAND ARGS"). */
GOptionContext *sr_cli_context_new     (const char         *command,
                                        const char         *parameters,
                                        const char         *summary,
                                        const GOptionEntry *entries);
/* g_option_context_parse that reports a failure the usual way. */
gboolean     sr_cli_parse              (GOptionContext     *context,
                                        int                *argc,
                                        char             ***argv);

/* Prints "PROGRAM: MESSAGE" on stderr as one line and returns 1. */
int          sr_cli_fail               (const GError       *error);
int          sr_cli_failf              (const char         *format,
                                        ...) G_GNUC_PRINTF (1, 2);
/* The same line without returning a status: for import problems. */
void         sr_cli_warn               (const char         *message);

/* Fails unless option is set: "--NAME is required." */
gboolean     sr_cli_require            (const void         *option,
                                        const char         *name,
                                        GError            **error);

/* Writes UTF-8 text to stdout as it is, whatever the locale, and flushes
 * it: a line printed is a line the caller can rely on. */
void         sr_cli_print              (const char         *format,
                                        ...) G_GNUC_PRINTF (1, 2);
void         sr_cli_print_raw          (const char         *text,
                                        gsize               len);

/* A passphrase from file (one trailing newline stripped) or, when file is
 * NULL, from the terminal with echo off; confirm asks twice. */
SrSecret    *sr_cli_read_passphrase    (const char         *file,
                                        gboolean            confirm,
                                        GError            **error);
/* Reads a whole file straight into guarded memory (answers, which are
 * plaintext). what names the kind of file in errors. */
SrSecret    *sr_cli_read_secret_file   (const char         *path,
                                        gsize               max_len,
                                        const char         *what,
                                        GError            **error);
/* Reads org.key and unseals it with the passphrase. */
SrOrgSecret *sr_cli_unlock_key         (const char         *key_path,
                                        const char         *passphrase_file,
                                        GError            **error);
/* Reads and parses an org.pub file. */
gboolean     sr_cli_read_public        (const char         *path,
                                        SrOrgPublic        *out,
                                        GError            **error);

/* Creates path (0600 unless mode says otherwise), refusing to replace an
 * existing file; the data is synced to disk. */
gboolean     sr_cli_write_new_file     (const char         *path,
                                        const guint8       *data,
                                        gsize               len,
                                        int                 mode,
                                        GError            **error);

/* A progress bar on stderr, drawn only when stderr is a terminal. */
typedef struct _SrCliProgress SrCliProgress;

SrCliProgress *sr_cli_progress_new     (const char         *label);
/* An SrProgressFunc; user_data is the SrCliProgress. */
void         sr_cli_progress_update    (guint64             done,
                                        guint64             total,
                                        gpointer            user_data);
/* Clears the bar and frees it. */
void         sr_cli_progress_free      (SrCliProgress      *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrCliProgress, sr_cli_progress_free)

G_END_DECLS
