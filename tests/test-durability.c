/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-durability"

/* Nothing lost, nothing leaked: the kiosk tool killed at random moments, a
 * full disk, plaintext looked for on disk, sockets looked for in a trace,
 * and the modes of every private file. */

#include "sr-config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sr-answers.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-inbox.h"
#include "sr-outbox.h"
#include "sr-profile.h"
#include "sr-report.h"
#include "sr-test-util.h"

#define SUBMIT_KILLS 30
#define EXPORT_KILLS 20

static struct
{
  const char  *cli;
  const char  *inbox;
  char        *dir;
  char        *profile;
  SrOrgSecret *secret;
  GPtrArray   *answers_files;
} ctx;

static void
limit_file_size (gpointer data)
{
  struct rlimit limit;

  limit.rlim_cur = limit.rlim_max = (rlim_t) GPOINTER_TO_SIZE (data);
  setrlimit (RLIMIT_FSIZE, &limit);
}

/* Runs argv; with fsize_limit, in a child whose RLIMIT_FSIZE is set between
 * fork and exec (a full disk, as far as the program can tell). */
static SrTestResult
run_full (const char *const *argv,
          char             **envp,
          gsize              fsize_limit)
{
  return sr_test_spawn (argv, envp, fsize_limit > 0 ? limit_file_size : NULL,
                        GSIZE_TO_POINTER (fsize_limit));
}

static void
assert_ok (const SrTestResult *result)
{
  if (result->status != 0)
    g_error ("exit %d: %s", result->status, result->err);
}

static void
assert_one_line_error (const SrTestResult *result)
{
  const char *newline = strchr (result->err, '\n');

  g_assert_cmpint (result->status, ==, 1);
  g_assert_true (g_str_has_prefix (result->err, "safereport-"));
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline, ==, "\n");
}

static void
assert_mode (const char *path,
             guint       mode)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  if ((st.st_mode & 0777) != mode)
    g_error ("%s has mode %o, not %o", path, st.st_mode & 0777, mode);
}

static char *
path_in (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static char *
new_kiosk (const char *dir)
{
  char *data_dir = path_in (dir, "kiosk");
  g_auto(SrTestResult) result = sr_test_run (ctx.cli, "--data-dir", data_dir, "provision", ctx.profile, NULL);

  assert_ok (&result);
  return data_dir;
}

static void
assert_integrity (const char *data_dir)
{
  g_autofree char *db_path = path_in (data_dir, "outbox.db");
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
get_counts (const char *data_dir,
            guint      *pending,
            guint      *exported,
            guint      *acknowledged)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = sr_outbox_new (data_dir, &error);

  g_assert_no_error (error);
  sr_outbox_get_counts (outbox, pending, exported, acknowledged);
}

/* Starts argv, waits ms milliseconds and kills it with SIGKILL. Returns
 * what it had printed on stdout. */
static char *
run_and_kill (const char *const *argv,
              guint              ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  GInputStream *stream;
  guint8 buf[4096];
  gssize n;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_usleep (ms * 1000);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  /* The process is gone; what it wrote is still in the pipe. */
  stream = g_subprocess_get_stdout_pipe (process);
  while ((n = g_input_stream_read (stream, buf, sizeof buf, NULL, &error)) > 0)
    g_byte_array_append (out, buf, (guint) n);
  g_assert_no_error (error);
  g_byte_array_append (out, (const guint8 *) "", 1);

  return (char *) g_byte_array_free (g_steal_pointer (&out), FALSE);
}

/* ------------------------------------------------------------------------ */

static void
test_kill_submit (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = new_kiosk (dir);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GPtrArray) printed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  guint pending, exported, acknowledged;

  g_ptr_array_add (argv, (char *) ctx.cli);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, data_dir);
  g_ptr_array_add (argv, "submit");
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < ctx.answers_files->len; i++)
      g_ptr_array_add (argv, ctx.answers_files->pdata[i]);
  g_ptr_array_add (argv, NULL);

  for (guint k = 0; k < SUBMIT_KILLS; k++)
    {
      g_autofree char *out = run_and_kill ((const char *const *) argv->pdata,
                                           (guint) g_test_rand_int_range (0, 31));
      g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

      /* Only whole lines count: a receipt is printed with its newline in
       * one write, after its envelope is committed. */
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        {
          g_autofree char *canonical = sr_receipt_normalize (lines[i]);

          g_assert_cmpstr (canonical, ==, lines[i]);
          g_ptr_array_add (printed, g_strdup (lines[i]));
        }
    }
  g_test_message ("%u receipts printed before the kills", printed->len);

  assert_integrity (data_dir);

  /* Every receipt a person was shown is in the outbox. */
  outbox = sr_outbox_new (data_dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < printed->len; i++)
    {
      g_autoptr(GBytes) envelope = sr_outbox_lookup (outbox, printed->pdata[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (envelope);
    }
  sr_outbox_get_counts (outbox, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, >=, printed->len);
  g_assert_cmpuint (exported + acknowledged, ==, 0);
  g_clear_object (&outbox);

  /* And the outbox still works. */
  {
    const char *one[] = { ctx.cli, "--data-dir", data_dir, "submit", ctx.answers_files->pdata[0], NULL };
    g_auto(SrTestResult) result = run_full (one, NULL, 0);

    assert_ok (&result);
  }
  assert_integrity (data_dir);

  sr_test_rmdir (dir);
}

/* Nothing else in dir may look like a bundle: temporary files carry a
 * name that does not end in .srb. */
static void
assert_only_bundle (const char *dir,
                    const char *bundle_name)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_strcmp0 (name, bundle_name) != 0)
      {
        g_test_message ("left in the export directory: %s", name);
        g_assert_false (g_str_has_suffix (name, ".srb"));
      }
}

static void
fill_outbox (const char *data_dir,
             guint       n,
             gsize       narrative_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = sr_outbox_new (data_dir, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
      g_autofree char *receipt = NULL;
      g_autofree char *narrative = g_malloc (narrative_len + 1);

      /* Random letters and spaces barely compress: the bundle is as large
       * as the text. */
      for (gsize j = 0; j < narrative_len; j++)
        narrative[j] = (j % 7 == 6) ? ' ' : (char) ('a' + g_test_rand_int_range (0, 26));
      narrative[narrative_len] = '\0';

      sr_answers_set_text (answers, "role", "witness");
      sr_answers_set_text (answers, "narrative", narrative);
      sr_answers_set_bool (answers, "consent", TRUE);
      receipt = sr_outbox_submit (outbox, answers, &error);
      g_assert_no_error (error);
    }
}

static void
test_kill_export (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = new_kiosk (dir);
  g_autofree char *usb = path_in (dir, "usb");
  g_autofree char *target = path_in (usb, "reports.srb");
  const char *argv[] = { ctx.cli, "--data-dir", data_dir, "export", "--out", target, NULL };
  guint n = 150, pending, exported, acknowledged;
  guint seen_bundle = 0;

  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  fill_outbox (data_dir, n, 1500);

  for (guint k = 0; k < EXPORT_KILLS; k++)
    {
      g_autofree char *out = run_and_kill (argv, (guint) g_test_rand_int_range (0, 31));

      assert_integrity (data_dir);
      get_counts (data_dir, &pending, &exported, &acknowledged);
      g_assert_cmpuint (pending + exported, ==, n);

      /* Envelopes are marked exported only after the bundle is in place. */
      if (exported > 0)
        g_assert_true (g_file_test (target, G_FILE_TEST_EXISTS));

      if (g_file_test (target, G_FILE_TEST_EXISTS))
        {
          sr_test_assert_complete_bundle (target, ctx.secret, n);
          seen_bundle++;
        }
      assert_only_bundle (usb, "reports.srb");
    }
  g_test_message ("a complete bundle was in place after %u of %u kills", seen_bundle, EXPORT_KILLS);

  /* An export left alone finishes, and the outbox agrees. */
  {
    g_auto(SrTestResult) result = run_full (argv, NULL, 0);
    g_autofree char *expected = g_strdup_printf ("exported %u\n", n);

    assert_ok (&result);
    g_assert_cmpstr (result.out, ==, expected);
  }
  sr_test_assert_complete_bundle (target, ctx.secret, n);
  get_counts (data_dir, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (exported, ==, n);

  sr_test_rmdir (dir);
}

static void
test_full_disk (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = new_kiosk (dir);
  g_autofree char *usb = path_in (dir, "usb");
  g_autofree char *target = path_in (usb, "reports.srb");
  const char *argv[] = { ctx.cli, "--data-dir", data_dir, "export", "--out", target, NULL };
  guint n = 200, pending, exported, acknowledged;

  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  fill_outbox (data_dir, n, 1500);

  /* 128 KiB: well below the bundle (about 200 × 1 KiB), above what SQLite
   * needs to read the outbox. */
  {
    g_auto(SrTestResult) result = run_full (argv, NULL, 128 * 1024);

    assert_one_line_error (&result);
    g_assert_cmpstr (result.out, ==, "");
  }

  get_counts (data_dir, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, n);
  g_assert_cmpuint (exported, ==, 0);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  assert_only_bundle (usb, "reports.srb");
  assert_integrity (data_dir);

  /* With room again, the same export goes through. */
  {
    g_auto(SrTestResult) result = run_full (argv, NULL, 0);

    assert_ok (&result);
  }
  sr_test_assert_complete_bundle (target, ctx.secret, n);

  sr_test_rmdir (dir);
}

/* A report's plaintext must not reach the disk: not the outbox, its WAL
 * or journal, not the bundle, not TMPDIR. */
static void
test_canary (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = path_in (dir, "kiosk");
  g_autofree char *tmp = path_in (dir, "tmp");
  g_autofree char *usb = path_in (dir, "usb");
  g_autofree char *bundle = path_in (usb, "reports.srb");
  g_autofree char *answers_dir = sr_test_mkdtemp ();
  g_autofree char *answers_path = path_in (answers_dir, "canary.json");
  g_autofree char *canary = NULL;
  g_autofree char *json = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  guint8 nonce[8];

  for (guint i = 0; i < sizeof nonce; i++)
    nonce[i] = (guint8) g_test_rand_int_range (0, 256);
  canary = g_strdup_printf ("CANARY-%02x%02x%02x%02x%02x%02x%02x%02x-the-compound-is-behind-the-hotel",
                            nonce[0], nonce[1], nonce[2], nonce[3],
                            nonce[4], nonce[5], nonce[6], nonce[7]);
  json = g_strdup_printf ("{\"form\": \"default\", \"lang\": \"en\", \"answers\": "
                          "{\"role\": \"survivor\", \"consent\": true, \"narrative\": \"%s\"}}",
                          canary);
  g_file_set_contents (answers_path, json, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir (tmp, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  envp = g_environ_setenv (envp, "TMPDIR", tmp, TRUE);

  {
    const char *argv[] = { ctx.cli, "--data-dir", data_dir, "provision", ctx.profile, NULL };
    g_auto(SrTestResult) result = run_full (argv, envp, 0);

    assert_ok (&result);
  }
  {
    const char *argv[] = { ctx.cli, "--data-dir", data_dir, "submit", answers_path, NULL };
    g_auto(SrTestResult) result = run_full (argv, envp, 0);

    assert_ok (&result);
  }
  {
    const char *argv[] = { ctx.cli, "--data-dir", data_dir, "export", "--out", bundle, NULL };
    g_auto(SrTestResult) result = run_full (argv, envp, 0);

    assert_ok (&result);
  }

  g_assert_false (sr_test_tree_contains (data_dir, (const guint8 *) canary, strlen (canary)));
  g_assert_false (sr_test_tree_contains (tmp, (const guint8 *) canary, strlen (canary)));
  g_assert_false (sr_test_tree_contains (usb, (const guint8 *) canary, strlen (canary)));
  /* Not even part of it. */
  g_assert_false (sr_test_tree_contains (data_dir, (const guint8 *) canary, 15));

  /* The search can find it: the answers file holds it, and the sealed
   * report opens to it. */
  g_assert_true (sr_test_tree_contains (answers_dir, (const guint8 *) canary, strlen (canary)));
  {
    g_autoptr(SrBundleReader) reader = sr_bundle_reader_new (bundle, ctx.secret, &error);
    g_autoptr(GBytes) record = NULL;
    g_autoptr(SrSecret) plaintext = NULL;
    g_autoptr(SrAnswers) answers = NULL;
    guint32 day;

    g_assert_no_error (error);
    record = sr_bundle_reader_get_record (reader, 0, &error);
    g_assert_no_error (error);
    plaintext = sr_envelope_open (g_bytes_get_data (record, NULL), g_bytes_get_size (record),
                                  ctx.secret, &error);
    g_assert_no_error (error);
    answers = sr_report_decode (plaintext->data, plaintext->len, &day, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sr_answers_get_text (answers, "narrative"), ==, canary);
  }

  sr_test_rmdir (dir);
  sr_test_rmdir (answers_dir);
}

/* The whole round trip, every step optionally under strace; then no
 * network socket may have been asked for, and every private file must be
 * private. */
static void
round_trip (gboolean use_strace)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *org_dir = path_in (dir, "org");
  g_autofree char *key = path_in (org_dir, "org.key");
  g_autofree char *pass = path_in (dir, "passphrase");
  g_autofree char *profile = path_in (dir, "org.srp");
  g_autofree char *data_dir = path_in (dir, "kiosk");
  g_autofree char *bundle = path_in (dir, "reports.srb");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *csv = path_in (dir, "reports.csv");
  g_autofree char *json = path_in (dir, "reports.json");
  g_autofree char *ack = path_in (dir, "ack.sra");
  g_autofree char *trace = path_in (dir, "trace");
  g_autofree char *strace = use_strace ? g_find_program_in_path ("strace") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_auto(GStrv) envp = g_get_environ ();

  /* LeakSanitizer stops the world with ptrace, which it cannot do under
   * strace: in a sanitizer build, leave leak checks to the other tests. */
  if (strace != NULL)
    {
      const char *asan = g_environ_getenv (envp, "ASAN_OPTIONS");
      g_autofree char *options = g_strconcat (asan != NULL ? asan : "",
                                              asan != NULL ? ":" : "",
                                              "detect_leaks=0", NULL);

      envp = g_environ_setenv (envp, "ASAN_OPTIONS", options, TRUE);
    }

  g_file_set_contents_full (pass, "a passphrase for the trace\n", -1,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

#define STEP(...) \
  do { \
    const char *step_argv[] = { __VA_ARGS__, NULL }; \
    g_ptr_array_add (steps, g_strdupv ((char **) step_argv)); \
  } while (0)

  STEP (ctx.inbox, "keygen", "--out-dir", org_dir, "--passphrase-file", pass);
  STEP (ctx.inbox, "profile", "--key", key, "--passphrase-file", pass, "--name", "Trace", "--out", profile);
  STEP (ctx.cli, "--data-dir", data_dir, "provision", profile);
  STEP (ctx.cli, "--data-dir", data_dir, "submit", ctx.answers_files->pdata[0], ctx.answers_files->pdata[1]);
  STEP (ctx.cli, "--data-dir", data_dir, "status");
  STEP (ctx.cli, "--data-dir", data_dir, "export", "--out", bundle);
  STEP (ctx.inbox, "import", "--db", db, "--key", key, "--passphrase-file", pass, bundle);
  STEP (ctx.inbox, "list", "--db", db);
  STEP (ctx.inbox, "export", "--db", db, "--key", key, "--passphrase-file", pass, "--format", "csv", "--out", csv);
  STEP (ctx.inbox, "export", "--db", db, "--key", key, "--passphrase-file", pass, "--format", "json", "--out", json);
  STEP (ctx.inbox, "ack", "--db", db, "--key", key, "--passphrase-file", pass, "--out", ack);
  STEP (ctx.cli, "--data-dir", data_dir, "apply-ack", ack);

#undef STEP

  for (guint i = 0; i < steps->len; i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      char **step = steps->pdata[i];
      g_auto(SrTestResult) result = { 0 };

      if (strace != NULL)
        {
          g_ptr_array_add (argv, strace);
          g_ptr_array_add (argv, "-f");
          g_ptr_array_add (argv, "-qq");
          g_ptr_array_add (argv, "-e");
          g_ptr_array_add (argv, "trace=socket,connect");
          g_ptr_array_add (argv, "-o");
          g_ptr_array_add (argv, trace);
          g_ptr_array_add (argv, "--");
        }
      for (guint j = 0; step[j] != NULL; j++)
        g_ptr_array_add (argv, step[j]);
      g_ptr_array_add (argv, NULL);

      result = run_full ((const char *const *) argv->pdata, envp, 0);
      if (strace != NULL && result.status != 0 && strstr (result.err, "strace:") != NULL)
        {
          /* ptrace may be forbidden where the tests run. */
          g_test_skip ("strace cannot trace here");
          sr_test_rmdir (dir);
          return;
        }
      assert_ok (&result);

      if (strace != NULL)
        {
          g_autoptr(GBytes) log = sr_test_read (trace);
          g_autofree char *text = g_strndup (g_bytes_get_data (log, NULL), g_bytes_get_size (log));

          if (strstr (text, "AF_INET") != NULL || strstr (text, "AF_INET6") != NULL)
            g_error ("%s opened a network socket:\n%s", step[1], text);
          g_unlink (trace);
        }
    }

  /* Keys, outbox, inbox and exports are all private. */
  assert_mode (key, 0600);
  assert_mode (data_dir, 0700);
  {
    g_autoptr(GDir) handle = g_dir_open (data_dir, 0, NULL);
    const char *name;
    guint n_db = 0;

    g_assert_nonnull (handle);
    while ((name = g_dir_read_name (handle)) != NULL)
      if (g_str_has_prefix (name, "outbox.db"))
        {
          g_autofree char *path = path_in (data_dir, name);

          assert_mode (path, 0600);
          n_db++;
        }
    g_assert_cmpuint (n_db, >=, 1);
  }
  assert_mode (db, 0600);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);

    if (g_file_test (wal, G_FILE_TEST_EXISTS))
      assert_mode (wal, 0600);
  }
  assert_mode (csv, 0600);
  assert_mode (json, 0600);
  assert_mode (bundle, 0600);

  sr_test_rmdir (dir);
}

static void
test_no_network (void)
{
  g_autofree char *strace = g_find_program_in_path ("strace");

  if (strace == NULL)
    {
      g_test_skip ("strace is not installed");
      return;
    }
  round_trip (TRUE);
}

static void
test_private_files (void)
{
  round_trip (FALSE);
}

/* ------------------------------------------------------------------------ */

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) profile = NULL;
  g_autofree char *box = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *answers_dir = sr_test_data_path ("answers");
  g_autofree char *demo_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  ctx.cli = g_getenv ("SR_CLI");
  ctx.inbox = g_getenv ("SR_INBOX");
  g_assert_nonnull (ctx.cli);
  g_assert_nonnull (ctx.inbox);

  ctx.dir = sr_test_mkdtemp ();
  ctx.secret = sr_org_secret_generate ();
  box = sr_key_to_base64 (sr_org_secret_get_box_pk (ctx.secret, 0), SR_BOX_KEY_BYTES);
  payload = g_strdup_printf ("{\"name\": \"Durability\", \"serial\": 1, \"recipients\": [\"%s\"]}", box);
  profile = sr_profile_sign (payload, strlen (payload), ctx.secret, &error);
  g_assert_no_error (error);
  ctx.profile = path_in (ctx.dir, "org.srp");
  g_file_set_contents (ctx.profile, g_bytes_get_data (profile, NULL),
                       (gssize) g_bytes_get_size (profile), &error);
  g_assert_no_error (error);

  if (!g_file_test (answers_dir, G_FILE_TEST_IS_DIR))
    {
      demo_dir = g_build_filename (g_getenv ("SAFEREPORT_DATADIR"), "demo", "answers", NULL);
      g_free (answers_dir);
      answers_dir = g_steal_pointer (&demo_dir);
    }
  ctx.answers_files = g_ptr_array_new_with_free_func (g_free);
  dir = g_dir_open (answers_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (ctx.answers_files, path_in (answers_dir, name));
  g_ptr_array_sort (ctx.answers_files, compare_names);
  g_assert_cmpuint (ctx.answers_files->len, >=, 2);
}

int
main (int    argc,
      char **argv)
{
  int status;

  sr_test_init (&argc, &argv);
  set_up ();

  g_test_add_func ("/sr/durability/kill-submit", test_kill_submit);
  g_test_add_func ("/sr/durability/kill-export", test_kill_export);
  g_test_add_func ("/sr/durability/full-disk", test_full_disk);
  g_test_add_func ("/sr/durability/canary", test_canary);
  g_test_add_func ("/sr/durability/no-network", test_no_network);
  g_test_add_func ("/sr/durability/private-files", test_private_files);

  status = g_test_run ();

  sr_org_secret_free (ctx.secret);
  g_ptr_array_unref (ctx.answers_files);
  sr_test_rmdir (ctx.dir);
  return status;
}
