/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-keys.h"

G_BEGIN_DECLS

/* g_test_init plus sr_init; aborts if the library cannot start. */
void         sr_test_init             (int    *argc,
                                       char ***argv);
/* A fresh temporary directory under TMPDIR, removed by sr_test_rmdir. */
char        *sr_test_mkdtemp          (void);
void         sr_test_rmdir            (const char *path);
/* A file under tests/data. */
char        *sr_test_data_path        (const char *name);
/* Reads a whole file or fails the test. */
GBytes      *sr_test_read             (const char *path);
/* Whether needle occurs anywhere in any file below dir (recursively). */
gboolean     sr_test_tree_contains    (const char   *dir,
                                       const guint8 *needle,
                                       gsize         len);

G_END_DECLS
