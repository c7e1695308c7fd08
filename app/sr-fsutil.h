/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-error.h"

G_BEGIN_DECLS

/* File helpers that never lose data silently. Programs that write with them
 * must ignore SIGXFSZ (signal (SIGXFSZ, SIG_IGN)): then a write past
 * RLIMIT_FSIZE fails with EFBIG, which becomes SR_ERROR_NO_SPACE, instead of
 * killing the process half-way through a file. */

/* The error code for an errno: ENOSPC, EFBIG and EDQUOT are
 * SR_ERROR_NO_SPACE, ENOENT is SR_ERROR_NOT_FOUND, the rest SR_ERROR_IO. */
SrError  sr_error_code_from_errno (int        errsv);

/* Writes all of data, retrying short writes; ENOSPC and EFBIG become
 * SR_ERROR_NO_SPACE, anything else SR_ERROR_IO, naming what. */
gboolean sr_write_all        (int            fd,
                              const guint8  *data,
                              gsize          len,
                              const char    *what,
                              GError       **error);
/* Reads exactly len bytes at offset; a file that ends first is
 * SR_ERROR_TRUNCATED. */
gboolean sr_pread_all        (int            fd,
                              guint8        *data,
                              gsize          len,
                              guint64        offset,
                              const char    *what,
                              GError       **error);
gboolean sr_fsync            (int            fd,
                              const char    *what,
                              GError       **error);
gboolean sr_fsync_parent_dir (const char    *path,
                              GError       **error);
/* Creates a private (0600) file; O_EXCL when exclusive. The file is open
 * for reading and writing, and truncated when it already existed. */
int      sr_open_private     (const char    *path,
                              gboolean       exclusive,
                              GError       **error);
/* Writes to "path.tmp-XXXXXX" (0600), fsyncs, renames over path, fsyncs
 * the directory. Nothing is left behind on failure. */
gboolean sr_write_file_atomic (const char   *path,
                              const guint8  *data,
                              gsize          len,
                              GError       **error);
/* Makes a directory (and parents) private to the user: 0700. */
gboolean sr_ensure_private_dir (const char  *path,
                              GError       **error);
/* Reads a whole file, refusing more than max_len bytes. */
GBytes  *sr_read_file        (const char    *path,
                              gsize          max_len,
                              GError       **error);

G_END_DECLS
