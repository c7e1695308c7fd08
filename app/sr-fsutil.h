/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes all of data, retrying short writes; ENOSPC and EFBIG become
 * SR_ERROR_NO_SPACE, anything else SR_ERROR_IO, naming what. */
gboolean sr_write_all        (int            fd,
                              const guint8  *data,
                              gsize          len,
                              const char    *what,
                              GError       **error);
gboolean sr_fsync            (int            fd,
                              const char    *what,
                              GError       **error);
gboolean sr_fsync_parent_dir (const char    *path,
                              GError       **error);
/* Creates a private (0600) file; O_EXCL when exclusive. */
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
