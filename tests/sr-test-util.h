/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-keys.h"

G_BEGIN_DECLS

/* What a program run to its end left: its exit status (-1 when a signal
 * ended it, so that an abort is never taken for a clear error) and all it
 * printed. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} SrTestResult;

void         sr_test_result_clear     (SrTestResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SrTestResult, sr_test_result_clear)

/* Runs argv to its end, with envp (NULL: the test's own environment) and
 * setup called in the child between fork and exec; logs the command, and
 * what it printed, as test messages. */
SrTestResult sr_test_spawn            (const char *const    *argv,
                                       char                **envp,
                                       GSpawnChildSetupFunc  setup,
                                       gpointer              setup_data);
/* Fails the test unless the bundle at path is whole: its manifest opens
 * with secret, it holds n_expected records that all open, and nothing
 * follows them. */
void         sr_test_assert_complete_bundle (const char        *path,
                                             const SrOrgSecret *secret,
                                             guint              n_expected);
/* Test vectors (tests/data/vectors/NAME): "key = value" lines, '#'
 * comments. Values are text, or hex for _bytes and _fixed (exactly len
 * bytes); a missing key fails the test. */
GHashTable  *sr_test_vector_load      (const char *name);
const char  *sr_test_vector_text      (GHashTable *vector,
                                       const char *key);
GBytes      *sr_test_vector_bytes     (GHashTable *vector,
                                       const char *key);
void         sr_test_vector_fixed     (GHashTable *vector,
                                       const char *key,
                                       guint8     *out,
                                       gsize       len);
/* The program succeeded and printed nothing on stderr. */
void         sr_test_assert_ok        (const SrTestResult *result);
/* The contract for a failure: exit 1 and one line "PROGRAM: message". */
void         sr_test_assert_one_line_error (const SrTestResult *result,
                                            const char         *program);
/* sr_test_spawn (program, arguments…) in the test's own environment. */
SrTestResult sr_test_run              (const char *program,
                                       ...) G_GNUC_NULL_TERMINATED;

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

/* A photo as a phone writes one: a width × height JPEG (each pixel's
 * colour a function of its place) with an APP1 Exif block holding GPS
 * tags and an orientation, and a COM segment; secret is written, as
 * ASCII, into the GPS block and the comment, so that a test can look for
 * it in whatever the photo became. */
GBytes      *sr_test_make_photo       (guint       width,
                                       guint       height,
                                       guint       orientation,
                                       const char *secret);

G_END_DECLS
