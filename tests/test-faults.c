/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-faults"

/* Faults, one at a time, in the real command-line tools:
 *
 * - every write, fsync and rename that submit, export, import, ack and
 *   apply-ack make is failed in turn (the LD_PRELOAD shim in
 *   tests/faults/sr-faults.c); each failure must give one line on stderr
 *   that names the problem, or be absorbed with the command succeeding,
 *   and lose nothing: a run without the fault then completes;
 * - import and apply-ack killed with SIGKILL at random moments;
 * - an outbox and an inbox locked by another program;
 * - an outbox and an inbox whose file is damaged.
 *
 * The kill loops of submit and export, and a full disk, are in
 * test-durability.c. */

#include "sr-config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sr-ack.h"
#include "sr-answers.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-inbox.h"
#include "sr-outbox.h"
#include "sr-profile.h"
#include "sr-report.h"
#include "sr-test-util.h"

#define PASSPHRASE "a passphrase for the fault tests"

/* The inbox's commands unlock org.key (Argon2id, most of a second) on
 * every run: their points are sampled evenly, down to this many per kind
 * of call, and the run after each fault is made in this process with the
 * key already open (the same library calls as the tool's). All points of
 * the kiosk's commands are walked, each followed by a run of the tool. */
#define MAX_SLOW_POINTS 10

#define IMPORT_KILLS 8
#define IMPORT_KILL_REPORTS 2500
#define ACK_KILLS 20
#define ACK_KILL_REPORTS 1200

enum
{
  OP_WRITE,
  OP_FSYNC,
  OP_RENAME,
  N_OPS
};

static const char *const op_names[N_OPS] = { "write", "fsync", "rename" };

static struct
{
  const char  *cli;
  const char  *inbox;
  const char  *shim;
  char        *dir;
  char        *key;
  char        *pass;
  char        *profile;
  SrOrgSecret *secret;
  GPtrArray   *answers_files;
} ctx;

static SrTestResult
run_env (const char *const *argv,
         char              **envp)
{
  return sr_test_spawn (argv, envp, NULL, NULL);
}

static SrTestResult
run_argv (GStrv argv)
{
  return run_env ((const char *const *) argv, NULL);
}

static void
assert_ok (const SrTestResult *result)
{
  if (result->status != 0 || result->err[0] != '\0')
    g_error ("exit %d: %s", result->status, result->err);
}

/* Exit status 1 and exactly one line, "safereport-…: …", that says what
 * went wrong. */
static void
assert_one_line_error (const SrTestResult *result)
{
  const char *newline = strchr (result->err, '\n');

  if (result->status != 1)
    g_error ("exit %d, not 1: %s", result->status, result->err);
  g_assert_true (g_str_has_prefix (result->err, "safereport-"));
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline, ==, "\n");
}

/* The line names the cause: a full disk or a failing one. */
static void
assert_names_io_problem (const SrTestResult *result)
{
  static const char *const words[] = {
    "space", "full", "I/O error", "Input/output error",
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (result->err, words[i]) != NULL)
      return;
  g_error ("the error does not say what failed: %s", result->err);
}

static char *
path_in (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n;
}

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  g_assert_cmpint (g_mkdir (to, 0700), ==, 0);
  dir = g_dir_open (from, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *source = path_in (from, name);
      g_autofree char *target = path_in (to, name);

      if (g_file_test (source, G_FILE_TEST_IS_DIR))
        copy_tree (source, target);
      else
        {
          g_autoptr(GBytes) data = sr_test_read (source);

          g_file_set_contents_full (target, g_bytes_get_data (data, NULL),
                                    (gssize) g_bytes_get_size (data),
                                    G_FILE_SET_CONTENTS_NONE, 0600, &error);
          g_assert_no_error (error);
        }
    }
}

static void
assert_db_integrity (const char *db_path)
{
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

/* ---- Outbox and inbox, seen from outside -------------------------------- */

static void
outbox_counts (const char *kiosk,
               guint      *pending,
               guint      *exported,
               guint      *acknowledged)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = NULL;
  g_autofree char *db = path_in (kiosk, "outbox.db");

  assert_db_integrity (db);
  outbox = sr_outbox_new (kiosk, &error);
  g_assert_no_error (error);
  sr_outbox_count (outbox, pending, exported, acknowledged, &error);
  g_assert_no_error (error);
}

static void
assert_receipts_kept (const char *kiosk,
                      GPtrArray  *receipts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = sr_outbox_new (kiosk, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < receipts->len; i++)
    {
      g_autoptr(GBytes) envelope = sr_outbox_lookup (outbox, receipts->pdata[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (envelope);
    }
}

/* The reports in the inbox, each checked to open: none is half there. */
static guint
inbox_count_and_open (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  assert_db_integrity (db);
  inbox = sr_inbox_new (db, &error);
  g_assert_no_error (error);
  entries = sr_inbox_list (inbox, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      SrInboxEntry *entry = entries->pdata[i];
      g_autoptr(SrAnswers) answers = NULL;
      guint32 day;

      answers = sr_inbox_open_report (inbox, entry->receipt, ctx.secret, &day, &error);
      g_assert_no_error (error);
      g_assert_nonnull (answers);
    }
  g_assert_cmpuint (sr_inbox_get_n_reports (inbox, NULL), ==, entries->len);
  return entries->len;
}

/* Nothing in dir but the names given (temporary files of an aborted
 * write must be gone, or at least not look like the real thing). */
static void
assert_no_strays (const char *dir,
                  const char *suffix,
                  const char *keep)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_strcmp0 (name, keep) != 0 && g_str_has_suffix (name, suffix))
      g_error ("%s was left in %s", name, dir);
}

/* ---- Building the starting points --------------------------------------- */

static GStrv
strv_of (const char *first,
         ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *arg;
  va_list args;

  g_strv_builder_add (builder, first);
  va_start (args, first);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, arg);
  va_end (args);
  return g_strv_builder_end (builder);
}

static void
cli_ok (GStrv argv)
{
  g_auto(SrTestResult) result = run_argv (argv);

  assert_ok (&result);
  g_strfreev (argv);
}

/* A provisioned kiosk in root/kiosk, and the folders root/usb, root/org. */
static void
new_layout (const char *root)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *usb = path_in (root, "usb");
  g_autofree char *org = path_in (root, "org");

  cli_ok (strv_of (ctx.cli, "--data-dir", kiosk, "provision", ctx.profile, NULL));
  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (org, 0700), ==, 0);
}

/* Submits n answers files (cycling through the demo answers); adds the
 * receipts printed to receipts when given. */
static void
submit_n (const char *root,
          guint       n,
          GPtrArray  *receipts)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(SrTestResult) result = { 0 };
  g_auto(GStrv) lines = NULL;

  g_ptr_array_add (argv, (char *) ctx.cli);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, kiosk);
  g_ptr_array_add (argv, "submit");
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (argv, ctx.answers_files->pdata[i % ctx.answers_files->len]);
  g_ptr_array_add (argv, NULL);

  result = run_env ((const char *const *) argv->pdata, NULL);
  assert_ok (&result);
  lines = g_strsplit (result.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  for (guint i = 0; receipts != NULL && i < n; i++)
    g_ptr_array_add (receipts, g_strdup (lines[i]));
}

/* Quick to make in bulk: straight into the outbox, as the app would. */
static void
fill_outbox (const char *kiosk,
             guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = sr_outbox_new (kiosk, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
      g_autofree char *receipt = NULL;
      g_autofree char *narrative = g_strdup_printf ("Report %u of a batch made to be cut short.", i);

      sr_answers_set_text (answers, "role", "witness");
      sr_answers_set_text (answers, "narrative", narrative);
      sr_answers_set_bool (answers, "consent", TRUE);
      receipt = sr_outbox_submit (outbox, answers, &error);
      g_assert_no_error (error);
    }
}

static void
export_to (const char *root,
           const char *name)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *bundle = g_build_filename (root, "usb", name, NULL);

  cli_ok (strv_of (ctx.cli, "--data-dir", kiosk, "export", "--out", bundle, NULL));
}

static void
import_into (const char *root,
             const char *name)
{
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_autofree char *bundle = g_build_filename (root, "usb", name, NULL);

  cli_ok (strv_of (ctx.inbox, "import", "--db", db, "--key", ctx.key,
                   "--passphrase-file", ctx.pass, bundle, NULL));
}

static void
make_ack (const char *root,
          const char *name)
{
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_autofree char *ack = g_build_filename (root, "org", name, NULL);

  cli_ok (strv_of (ctx.inbox, "ack", "--db", db, "--key", ctx.key,
                   "--passphrase-file", ctx.pass, "--out", ack, NULL));
}

/* ---- Walking the fault points -------------------------------------------- */

typedef struct Scenario Scenario;

struct Scenario
{
  const char *name;
  /* The starting point, made once and copied for every run. */
  void      (*prepare) (Scenario   *scenario,
                        const char *root);
  /* The command under test, run in a copy of the starting point. */
  GStrv     (*command) (const char *root);
  /* After a run with a fault: what must hold, whether it failed or not. */
  void      (*check)   (Scenario     *scenario,
                        const char   *root,
                        const SrTestResult *result);
  /* The same command run again without a fault: it completes and the
   * totals are those of a run that never failed. */
  void      (*rerun)   (Scenario   *scenario,
                        const char *root);
  gboolean    slow;

  /* What the starting point holds. */
  guint       n_before;
  guint       n_new;
  GPtrArray  *receipts;
  /* Left by check for rerun. */
  guint       n_after;
};

static void
read_counts (const char *path,
             guint       counts[N_OPS])
{
  g_autoptr(GBytes) data = sr_test_read (path);
  g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint op = 0; op < N_OPS; op++)
    {
      g_autofree char *prefix = g_strconcat (op_names[op], " ", NULL);

      g_assert_nonnull (lines[op]);
      g_assert_true (g_str_has_prefix (lines[op], prefix));
      counts[op] = (guint) g_ascii_strtoull (lines[op] + strlen (prefix), NULL, 10);
    }
}

static char **
fault_environ (const char *root,
               const char *count_file,
               int         op,
               guint       at)
{
  char **envp = g_get_environ ();
  g_autofree char *at_text = g_strdup_printf ("%u", at);

  envp = g_environ_setenv (envp, "LD_PRELOAD", ctx.shim, TRUE);
  envp = g_environ_setenv (envp, "SR_FAULT_DIR", root, TRUE);
  envp = g_environ_setenv (envp, "SR_FAULT_COUNT_FILE", count_file, TRUE);
  if (op >= 0)
    {
      envp = g_environ_setenv (envp, "SR_FAULT_OP", op_names[op], TRUE);
      envp = g_environ_setenv (envp, "SR_FAULT_AT", at_text, TRUE);
    }
  return envp;
}

/* A fresh copy of the starting point at work (a real path: the shim
 * compares what /proc says, where symbolic links are resolved). */
static char *
reset_work (const char *template,
            const char *work)
{
  char real[PATH_MAX];

  sr_test_rmdir (work);
  copy_tree (template, work);
  g_assert_nonnull (realpath (work, real));
  return g_strdup (real);
}

static void
walk_faults (Scenario *scenario)
{
  g_autofree char *template = path_in (ctx.dir, "template");
  g_autofree char *work = path_in (ctx.dir, "work");
  g_autofree char *count_file = path_in (ctx.dir, "counts");
  guint counts[N_OPS], failed = 0, absorbed = 0, walked = 0;

  g_assert_cmpint (g_mkdir (template, 0700), ==, 0);
  new_layout (template);
  scenario->receipts = g_ptr_array_new_with_free_func (g_free);
  scenario->prepare (scenario, template);

  /* How many points there are: the command once, with nothing failed. */
  {
    g_autofree char *root = reset_work (template, work);
    g_auto(GStrv) argv = scenario->command (root);
    g_auto(GStrv) envp = fault_environ (root, count_file, -1, 0);
    g_auto(SrTestResult) result = run_env ((const char *const *) argv, envp);

    assert_ok (&result);
    read_counts (count_file, counts);
    g_test_message ("%s: %u writes, %u fsyncs, %u renames", scenario->name,
                    counts[OP_WRITE], counts[OP_FSYNC], counts[OP_RENAME]);
    /* The shim sees the tools' calls, SQLite's included. */
    g_assert_cmpuint (counts[OP_WRITE], >, 0);
    g_assert_cmpuint (counts[OP_FSYNC], >, 0);
  }

  for (int op = 0; op < N_OPS; op++)
    {
      guint step = 1;

      if (scenario->slow && counts[op] > MAX_SLOW_POINTS)
        {
          step = (counts[op] + MAX_SLOW_POINTS - 1) / MAX_SLOW_POINTS;
          g_test_message ("%s: every %u. of %u %s calls is failed", scenario->name,
                          step, counts[op], op_names[op]);
        }

      for (guint at = 1; at <= counts[op]; at += step)
        {
          g_autofree char *root = reset_work (template, work);
          g_auto(GStrv) argv = scenario->command (root);
          g_auto(GStrv) envp = fault_environ (root, count_file, op, at);
          g_auto(SrTestResult) result = { 0 };
          guint seen[N_OPS];

          g_test_message ("%s: %s %u of %u fails", scenario->name, op_names[op], at, counts[op]);
          g_unlink (count_file);
          result = run_env ((const char *const *) argv, envp);
          read_counts (count_file, seen);
          /* The fault was really injected. */
          g_assert_cmpuint (seen[op], >=, at);

          if (result.status == 0)
            {
              /* Absorbed (a failed fsync of a folder that SQLite
               * ignores, or a checkpoint at exit): then nothing may be
               * said, and the command must have done everything. */
              g_assert_cmpstr (result.err, ==, "");
              absorbed++;
            }
          else
            {
              assert_one_line_error (&result);
              assert_names_io_problem (&result);
              failed++;
            }
          scenario->check (scenario, root, &result);
          scenario->rerun (scenario, root);
          walked++;
        }
    }

  g_test_message ("%s: %u points, %u failed with a clear error, %u absorbed",
                  scenario->name, walked, failed, absorbed);
  /* The failures reached the command: most points must fail it. */
  g_assert_cmpuint (failed, >, 0);

  sr_test_rmdir (work);
  sr_test_rmdir (template);
  g_clear_pointer (&scenario->receipts, g_ptr_array_unref);
}

/* ---- submit ------------------------------------------------------------------- */

#define SUBMIT_NEW 3

static void
submit_prepare (Scenario   *scenario,
                const char *root)
{
  scenario->n_before = 2;
  submit_n (root, scenario->n_before, scenario->receipts);
}

static GStrv
submit_command (const char *root)
{
  g_autofree char *kiosk = path_in (root, "kiosk");

  return strv_of (ctx.cli, "--data-dir", kiosk, "submit",
                  ctx.answers_files->pdata[0], ctx.answers_files->pdata[1],
                  ctx.answers_files->pdata[2], NULL);
}

static guint
check_printed_receipts (const char *kiosk,
                        const char *out,
                        GPtrArray  *kept)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = count_lines (out);

  /* Whole lines only, each a receipt, each in the outbox. */
  g_assert_true (out[0] == '\0' || g_str_has_suffix (out, "\n"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *canonical = sr_receipt_normalize (lines[i]);

      g_assert_cmpstr (canonical, ==, lines[i]);
      g_ptr_array_add (kept, g_strdup (lines[i]));
    }
  assert_receipts_kept (kiosk, kept);
  return n;
}

static void
submit_check (Scenario           *scenario,
              const char         *root,
              const SrTestResult *result)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  guint printed, pending, exported, acknowledged;

  for (guint i = 0; i < scenario->receipts->len; i++)
    g_ptr_array_add (kept, g_strdup (scenario->receipts->pdata[i]));
  printed = check_printed_receipts (kiosk, result->out, kept);
  if (result->status == 0)
    g_assert_cmpuint (printed, ==, SUBMIT_NEW);
  else
    g_assert_cmpuint (printed, <, SUBMIT_NEW);

  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  g_assert_cmpuint (exported + acknowledged, ==, 0);
  /* Every receipt shown is a report kept. The report being stored when
   * the fault struck may be kept too (its commit was written, but its
   * fsync failed): an extra, never a loss. */
  g_assert_cmpuint (pending, >=, scenario->n_before + printed);
  g_assert_cmpuint (pending, <=, scenario->n_before + printed + (result->status != 0));
  if (pending > scenario->n_before + printed)
    g_test_message ("the report that failed was kept as well");
  scenario->n_after = pending;
}

static void
submit_rerun (Scenario   *scenario,
              const char *root)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_auto(GStrv) argv = submit_command (root);
  g_auto(SrTestResult) result = run_argv (argv);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  guint pending, exported, acknowledged;

  assert_ok (&result);
  for (guint i = 0; i < scenario->receipts->len; i++)
    g_ptr_array_add (kept, g_strdup (scenario->receipts->pdata[i]));
  g_assert_cmpuint (check_printed_receipts (kiosk, result.out, kept), ==, SUBMIT_NEW);
  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, scenario->n_after + SUBMIT_NEW);
}

static void
test_inject_submit (void)
{
  Scenario scenario = {
    "submit", submit_prepare, submit_command, submit_check, submit_rerun, FALSE,
  };

  walk_faults (&scenario);
}

/* ---- export ------------------------------------------------------------------- */

static void
export_prepare (Scenario   *scenario,
                const char *root)
{
  scenario->n_before = 6;
  submit_n (root, scenario->n_before, NULL);
}

static GStrv
export_command (const char *root)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *bundle = g_build_filename (root, "usb", "reports.srb", NULL);

  return strv_of (ctx.cli, "--data-dir", kiosk, "export", "--out", bundle, NULL);
}

static void
export_check (Scenario           *scenario,
              const char         *root,
              const SrTestResult *result)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *usb = path_in (root, "usb");
  g_autofree char *bundle = path_in (usb, "reports.srb");
  guint n = scenario->n_before, pending, exported, acknowledged;

  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending + exported, ==, n);
  g_assert_cmpuint (acknowledged, ==, 0);
  /* All or nothing, and only for a bundle that is really there. */
  g_assert_true (exported == 0 || exported == n);
  if (exported > 0)
    g_assert_true (g_file_test (bundle, G_FILE_TEST_EXISTS));
  /* Whatever carries the bundle's name is whole. */
  if (g_file_test (bundle, G_FILE_TEST_EXISTS))
    sr_test_assert_complete_bundle (bundle, ctx.secret, n);
  /* And the temporary file of a failed export is gone. */
  assert_no_strays (usb, "", "reports.srb");

  if (result->status == 0)
    {
      g_autofree char *expected = g_strdup_printf ("exported %u\n", n);

      g_assert_cmpstr (result->out, ==, expected);
      g_assert_cmpuint (exported, ==, n);
    }
  else
    g_assert_cmpstr (result->out, ==, "");
}

static void
export_rerun (Scenario   *scenario,
              const char *root)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *bundle = g_build_filename (root, "usb", "reports.srb", NULL);
  g_autofree char *expected = g_strdup_printf ("exported %u\n", scenario->n_before);
  g_auto(GStrv) argv = export_command (root);
  g_auto(SrTestResult) result = run_argv (argv);
  guint pending, exported, acknowledged;

  assert_ok (&result);
  g_assert_cmpstr (result.out, ==, expected);
  sr_test_assert_complete_bundle (bundle, ctx.secret, scenario->n_before);
  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (exported, ==, scenario->n_before);
}

static void
test_inject_export (void)
{
  Scenario scenario = {
    "export", export_prepare, export_command, export_check, export_rerun, FALSE,
  };

  walk_faults (&scenario);
}

/* ---- import ------------------------------------------------------------------- */

/* An inbox that holds n_before reports, and a bundle with those and
 * n_new more. */
static void
import_prepare (Scenario   *scenario,
                const char *root)
{
  g_autofree char *first = g_build_filename (root, "usb", "first.srb", NULL);

  if (scenario->n_before > 0)
    {
      submit_n (root, scenario->n_before, NULL);
      export_to (root, "first.srb");
      import_into (root, "first.srb");
      g_unlink (first);
    }
  submit_n (root, scenario->n_new, NULL);
  export_to (root, "reports.srb");
}

static GStrv
import_command (const char *root)
{
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_autofree char *bundle = g_build_filename (root, "usb", "reports.srb", NULL);

  return strv_of (ctx.inbox, "import", "--db", db, "--key", ctx.key,
                  "--passphrase-file", ctx.pass, bundle, NULL);
}

static void
import_check (Scenario           *scenario,
              const char         *root,
              const SrTestResult *result)
{
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  guint n;

  /* A fault while a new inbox was being made may leave no inbox. */
  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpuint (scenario->n_before, ==, 0);
      g_assert_cmpint (result->status, !=, 0);
      scenario->n_after = 0;
      return;
    }

  /* A report is in, whole and opening, or not in at all. */
  n = inbox_count_and_open (db);
  g_assert_cmpuint (n, >=, scenario->n_before);
  g_assert_cmpuint (n, <=, scenario->n_before + scenario->n_new);
  if (result->status == 0)
    {
      g_autofree char *expected = g_strdup_printf ("imported %u, duplicates %u, rejected 0\n",
                                                   scenario->n_new, scenario->n_before);

      g_assert_cmpstr (result->out, ==, expected);
      g_assert_cmpuint (n, ==, scenario->n_before + scenario->n_new);
    }
  else
    g_assert_cmpstr (result->out, ==, "");
  scenario->n_after = n;
}

static void
import_rerun (Scenario   *scenario,
              const char *root)
{
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_autofree char *bundle = g_build_filename (root, "usb", "reports.srb", NULL);
  guint total = scenario->n_before + scenario->n_new;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrInbox) inbox = sr_inbox_new (db, &error);
  SrImportResult result;

  g_assert_no_error (error);
  sr_import_result_init (&result);
  g_assert_true (sr_inbox_import_file (inbox, bundle, ctx.secret, &result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.imported, ==, total - scenario->n_after);
  g_assert_cmpuint (result.duplicates, ==, scenario->n_after);
  g_assert_cmpuint (result.rejected, ==, 0);
  sr_import_result_clear (&result);
  g_clear_object (&inbox);

  g_assert_cmpuint (inbox_count_and_open (db), ==, total);
}

static void
test_inject_import (void)
{
  Scenario scenario = {
    "import", import_prepare, import_command, import_check, import_rerun, TRUE,
  };

  scenario.n_before = 3;
  scenario.n_new = 3;
  walk_faults (&scenario);
}

static void
test_inject_import_new_inbox (void)
{
  Scenario scenario = {
    "import into a new inbox", import_prepare, import_command, import_check, import_rerun, TRUE,
  };

  scenario.n_before = 0;
  scenario.n_new = 4;
  walk_faults (&scenario);
}

/* ---- ack (the organisation writes an acknowledgement) ---------------------- */

static void
ack_prepare (Scenario   *scenario,
             const char *root)
{
  scenario->n_before = 3;
  submit_n (root, scenario->n_before, NULL);
  export_to (root, "reports.srb");
  import_into (root, "reports.srb");
}

static GStrv
ack_command (const char *root)
{
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_autofree char *ack = g_build_filename (root, "org", "ack.sra", NULL);

  return strv_of (ctx.inbox, "ack", "--db", db, "--key", ctx.key,
                  "--passphrase-file", ctx.pass, "--out", ack, NULL);
}

static void
assert_ack_file (const char *path,
                 guint       n_ids)
{
  g_autoptr(GBytes) data = sr_test_read (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAck) ack = sr_ack_new_from_data (g_bytes_get_data (data, NULL),
                                               g_bytes_get_size (data),
                                               sr_org_secret_get_sign_pk (ctx.secret), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sr_ack_get_n_ids (ack), ==, n_ids);
}

static void
ack_check (Scenario           *scenario,
           const char         *root,
           const SrTestResult *result)
{
  g_autofree char *org = path_in (root, "org");
  g_autofree char *ack = path_in (org, "ack.sra");
  g_autofree char *db = path_in (org, "inbox.db");
  g_autofree char *expected = g_strdup_printf ("acknowledged %u\n", scenario->n_before);

  /* An acknowledgement under its name is whole and signed; the inbox
   * keeps every report. */
  if (g_file_test (ack, G_FILE_TEST_EXISTS))
    assert_ack_file (ack, scenario->n_before);
  g_assert_cmpuint (inbox_count_and_open (db), ==, scenario->n_before);
  /* No temporary file is left behind. */
  {
    g_autoptr(GDir) handle = g_dir_open (org, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (handle)) != NULL)
      if (strstr (name, "ack.sra") != NULL && g_strcmp0 (name, "ack.sra") != 0)
        g_error ("%s was left behind", name);
  }
  if (result->status == 0)
    {
      g_assert_cmpstr (result->out, ==, expected);
      g_assert_true (g_file_test (ack, G_FILE_TEST_EXISTS));
    }
  else
    g_assert_cmpstr (result->out, ==, "");
}

static void
ack_rerun (Scenario   *scenario,
           const char *root)
{
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrInbox) inbox = sr_inbox_new (db, &error);
  g_autoptr(GBytes) ack = NULL;
  guint n = 0;

  g_assert_no_error (error);
  ack = sr_inbox_make_ack (inbox, ctx.secret, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, scenario->n_before);
}

static void
test_inject_ack (void)
{
  Scenario scenario = {
    "ack", ack_prepare, ack_command, ack_check, ack_rerun, TRUE,
  };

  walk_faults (&scenario);
}

/* ---- apply-ack ----------------------------------------------------------------- */

/* n_before reports exported, delivered and acknowledged; n_new more
 * submitted since, which the acknowledgement does not name. */
static void
apply_ack_prepare (Scenario   *scenario,
                   const char *root)
{
  scenario->n_before = 5;
  scenario->n_new = 2;
  submit_n (root, scenario->n_before, NULL);
  export_to (root, "reports.srb");
  import_into (root, "reports.srb");
  make_ack (root, "ack.sra");
  submit_n (root, scenario->n_new, NULL);
}

static GStrv
apply_ack_command (const char *root)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *ack = g_build_filename (root, "org", "ack.sra", NULL);

  return strv_of (ctx.cli, "--data-dir", kiosk, "apply-ack", ack, NULL);
}

static void
apply_ack_check (Scenario           *scenario,
                 const char         *root,
                 const SrTestResult *result)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  guint pending, exported, acknowledged;

  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  /* Reports not named stay; the named ones go all at once, and the count
   * of acknowledged ones goes up with them. */
  g_assert_cmpuint (pending, ==, scenario->n_new);
  g_assert_cmpuint (exported + acknowledged, ==, scenario->n_before);
  g_assert_true (acknowledged == 0 || acknowledged == scenario->n_before);
  if (result->status == 0)
    {
      g_autofree char *expected = g_strdup_printf ("purged %u\n", scenario->n_before);

      g_assert_cmpstr (result->out, ==, expected);
      g_assert_cmpuint (acknowledged, ==, scenario->n_before);
    }
  else
    g_assert_cmpstr (result->out, ==, "");
  scenario->n_after = acknowledged;
}

static void
apply_ack_rerun (Scenario   *scenario,
                 const char *root)
{
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *expected = g_strdup_printf ("purged %u\n",
                                               scenario->n_before - scenario->n_after);
  g_auto(GStrv) argv = apply_ack_command (root);
  g_auto(SrTestResult) result = run_argv (argv);
  guint pending, exported, acknowledged;

  assert_ok (&result);
  g_assert_cmpstr (result.out, ==, expected);
  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, scenario->n_new);
  g_assert_cmpuint (exported, ==, 0);
  g_assert_cmpuint (acknowledged, ==, scenario->n_before);
}

static void
test_inject_apply_ack (void)
{
  Scenario scenario = {
    "apply-ack", apply_ack_prepare, apply_ack_command, apply_ack_check, apply_ack_rerun, FALSE,
  };

  walk_faults (&scenario);
}

/* ---- kill -9 --------------------------------------------------------------------- */

/* Starts argv, waits ms milliseconds and kills it with SIGKILL. */
static void
run_and_kill (const char *const *argv,
              guint              ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_usleep (ms * 1000);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
}

static guint
time_ms (const char *const *argv)
{
  gint64 start = g_get_monotonic_time ();
  g_auto(SrTestResult) result = run_env (argv, NULL);

  assert_ok (&result);
  return (guint) ((g_get_monotonic_time () - start) / 1000);
}

static guint
inbox_n_reports (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  guint n;

  assert_db_integrity (db);
  inbox = sr_inbox_new (db, &error);
  g_assert_no_error (error);
  n = sr_inbox_get_n_reports (inbox, &error);
  g_assert_no_error (error);
  return n;
}

/* Whether process pid has path open: then the inbox tool is past
 * unlocking its key, the slow part that would otherwise swallow most of
 * the kills. */
static gboolean
has_open (const char *pid,
          const char *path)
{
  g_autofree char *fd_dir = g_build_filename ("/proc", pid, "fd", NULL);
  g_autoptr(GDir) dir = g_dir_open (fd_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (fd_dir, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (g_strcmp0 (target, path) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Whether process pid has not exited yet (a zombie has). */
static gboolean
is_running (const char *pid)
{
  g_autofree char *stat_path = g_build_filename ("/proc", pid, "stat", NULL);
  g_autofree char *stat = NULL;
  const char *state;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return FALSE;
  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}

/* Starts the import, waits until it has opened the inbox, then ms
 * milliseconds more, and kills it (if it is still there). Returns how
 * long it ran after opening the inbox. */
static guint
import_and_kill (const char *const *argv,
                 const char        *db,
                 guint              ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  const char *pid;
  gint64 opened, deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  pid = g_subprocess_get_identifier (process);
  while (pid != NULL && is_running (pid) && !has_open (pid, db))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (500);
    }
  opened = g_get_monotonic_time ();
  if (ms != G_MAXUINT)
    {
      g_usleep (ms * 1000);
      g_subprocess_force_exit (process);
    }
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  return (guint) ((g_get_monotonic_time () - opened) / 1000);
}

static void
remove_db (const char *db)
{
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
}

static void
test_kill_import (void)
{
  g_autofree char *root = path_in (ctx.dir, "kill-import");
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *org = path_in (root, "org");
  g_autofree char *db = NULL;
  g_autofree char *bundle = g_build_filename (root, "usb", "reports.srb", NULL);
  char real[PATH_MAX];
  guint n = IMPORT_KILL_REPORTS, window, before = 0, partial = 0, restarts = 0;

  g_assert_cmpint (g_mkdir (root, 0700), ==, 0);
  new_layout (root);
  fill_outbox (kiosk, n);
  export_to (root, "reports.srb");
  /* As /proc names it. */
  g_assert_nonnull (realpath (org, real));
  db = path_in (real, "inbox.db");

  {
    const char *argv[] = { ctx.inbox, "import", "--db", db, "--key", ctx.key,
                           "--passphrase-file", ctx.pass, bundle, NULL };

    /* How long the import runs once the key is unlocked. */
    window = import_and_kill (argv, db, G_MAXUINT);
    g_assert_cmpuint (inbox_n_reports (db), ==, n);
    remove_db (db);
    g_test_message ("importing %u reports takes %u ms after the key is unlocked", n, window);

    for (guint k = 0; k < IMPORT_KILLS; k++)
      {
        guint now;

        import_and_kill (argv, db, (guint) g_test_rand_int_range (0, (gint32) window + 1));
        if (!g_file_test (db, G_FILE_TEST_EXISTS))
          continue;

        /* What was committed stays; nothing is there twice or in part. */
        now = inbox_n_reports (db);
        g_assert_cmpuint (now, >=, before);
        g_assert_cmpuint (now, <=, n);
        if (now > before && now < n)
          partial++;
        before = now;

        /* Once all are in, the next kills would find nothing to cut
         * short: start again from an empty inbox (not after the last). */
        if (now == n && k + 1 < IMPORT_KILLS)
          {
            remove_db (db);
            before = 0;
            restarts++;
          }
      }
    g_test_message ("%u of %u reports were in after the kills; %u kills left part of them, "
                    "%u came after the end", before, n, partial, restarts);

    /* Importing again brings in the rest, and the ones already in are
     * duplicates. */
    {
      g_auto(SrTestResult) result = run_env (argv, NULL);
      g_autofree char *expected = g_strdup_printf ("imported %u, duplicates %u, rejected 0\n",
                                                   n - before, before);

      assert_ok (&result);
      g_assert_cmpstr (result.out, ==, expected);
    }
    g_assert_cmpuint (inbox_n_reports (db), ==, n);
  }

  sr_test_rmdir (root);
}

static void
test_kill_apply_ack (void)
{
  g_autofree char *template = path_in (ctx.dir, "kill-ack-template");
  g_autofree char *work = path_in (ctx.dir, "kill-ack");
  g_autofree char *kiosk = path_in (work, "kiosk");
  g_autofree char *ack = g_build_filename (work, "org", "ack.sra", NULL);
  const char *argv[] = { ctx.cli, "--data-dir", kiosk, "apply-ack", ack, NULL };
  guint n = ACK_KILL_REPORTS, n_new = 3, full_ms, applied = 0;

  {
    g_autofree char *template_kiosk = path_in (template, "kiosk");

    g_assert_cmpint (g_mkdir (template, 0700), ==, 0);
    new_layout (template);
    fill_outbox (template_kiosk, n);
    export_to (template, "reports.srb");
    import_into (template, "reports.srb");
    make_ack (template, "ack.sra");
    submit_n (template, n_new, NULL);
  }

  g_free (reset_work (template, work));
  full_ms = time_ms (argv);
  g_test_message ("applying an acknowledgement of %u reports takes %u ms", n, full_ms);

  for (guint k = 0; k < ACK_KILLS; k++)
    {
      guint pending, exported, acknowledged;

      g_free (reset_work (template, work));
      run_and_kill (argv, (guint) g_test_rand_int_range (0, (gint32) full_ms + 10));

      /* All the named reports are gone and counted, or none. */
      outbox_counts (kiosk, &pending, &exported, &acknowledged);
      g_assert_cmpuint (pending, ==, n_new);
      g_assert_true ((exported == n && acknowledged == 0) ||
                     (exported == 0 && acknowledged == n));
      applied += acknowledged == n;

      /* Applying it again finishes the job and counts nothing twice. */
      {
        g_auto(SrTestResult) result = run_env (argv, NULL);
        g_autofree char *expected = g_strdup_printf ("purged %u\n", acknowledged == n ? 0 : n);

        assert_ok (&result);
        g_assert_cmpstr (result.out, ==, expected);
      }
      outbox_counts (kiosk, &pending, &exported, &acknowledged);
      g_assert_cmpuint (pending, ==, n_new);
      g_assert_cmpuint (exported, ==, 0);
      g_assert_cmpuint (acknowledged, ==, n);
    }
  g_test_message ("the acknowledgement was in before %u of %u kills", applied, ACK_KILLS);

  sr_test_rmdir (work);
  sr_test_rmdir (template);
}

/* ---- Locked databases ---------------------------------------------------------- */

/* Another program holds the write lock: SQLite's own way of saying a
 * database is busy. */
static sqlite3 *
lock_database (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  return db;
}

static void
unlock_database (sqlite3 *db)
{
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Runs argv while the database stays locked until release_ms after the
 * start (G_MAXUINT: throughout). */
static SrTestResult
run_while_locked (const char *const *argv,
                  const char        *db_path,
                  guint              release_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  sqlite3 *db = lock_database (db_path);
  SrTestResult result = { 0 };

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  if (release_ms != G_MAXUINT)
    {
      g_usleep (release_ms * 1000);
      unlock_database (db);
      db = NULL;
    }
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (db != NULL)
    unlock_database (db);

  result.status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  result.out = g_strndup (g_bytes_get_size (out) > 0 ? g_bytes_get_data (out, NULL) : "",
                          g_bytes_get_size (out));
  result.err = g_strndup (g_bytes_get_size (err) > 0 ? g_bytes_get_data (err, NULL) : "",
                          g_bytes_get_size (err));
  if (result.err[0] != '\0')
    g_test_message ("stderr: %s", result.err);
  return result;
}

static void
test_locked_outbox (void)
{
  g_autofree char *root = path_in (ctx.dir, "locked-outbox");
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *db = path_in (kiosk, "outbox.db");
  g_auto(GStrv) argv = NULL;
  guint pending, exported, acknowledged;

  g_assert_cmpint (g_mkdir (root, 0700), ==, 0);
  new_layout (root);
  submit_n (root, 2, NULL);
  argv = submit_command (root);

  /* Locked throughout: the outbox waits (its busy timeout), then says so
   * in one line, and keeps what it had. */
  {
    g_auto(SrTestResult) result = run_while_locked ((const char *const *) argv, db, G_MAXUINT);

    assert_one_line_error (&result);
    g_assert_nonnull (strstr (result.err, "locked"));
    g_assert_cmpstr (result.out, ==, "");
  }
  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, 2);

  /* Locked for a moment: the submit waits and goes through. */
  {
    g_auto(SrTestResult) result = run_while_locked ((const char *const *) argv, db, 1000);

    assert_ok (&result);
    g_assert_cmpuint (count_lines (result.out), ==, SUBMIT_NEW);
  }
  outbox_counts (kiosk, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, 2 + SUBMIT_NEW);

  sr_test_rmdir (root);
}

static void
test_locked_inbox (void)
{
  g_autofree char *root = path_in (ctx.dir, "locked-inbox");
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_auto(GStrv) argv = NULL;

  g_assert_cmpint (g_mkdir (root, 0700), ==, 0);
  new_layout (root);
  submit_n (root, 2, NULL);
  export_to (root, "first.srb");
  import_into (root, "first.srb");
  submit_n (root, 2, NULL);
  export_to (root, "reports.srb");
  argv = import_command (root);

  {
    g_auto(SrTestResult) result = run_while_locked ((const char *const *) argv, db, G_MAXUINT);

    assert_one_line_error (&result);
    g_assert_nonnull (strstr (result.err, "locked"));
    g_assert_cmpstr (result.out, ==, "");
  }
  g_assert_cmpuint (inbox_count_and_open (db), ==, 2);

  /* Released while the key is unlocked or soon after: the import waits. */
  {
    g_auto(SrTestResult) result = run_while_locked ((const char *const *) argv, db, 2500);

    assert_ok (&result);
    g_assert_cmpstr (result.out, ==, "imported 2, duplicates 2, rejected 0\n");
  }
  g_assert_cmpuint (inbox_count_and_open (db), ==, 4);

  sr_test_rmdir (root);
}

/* ---- Damaged files --------------------------------------------------------------- */

static void
overwrite_random (const char *path,
                  goffset     offset,
                  gsize       len)
{
  g_autoptr(GBytes) old = sr_test_read (path);
  g_autoptr(GError) error = NULL;
  guint8 *data = g_memdup2 (g_bytes_get_data (old, NULL), g_bytes_get_size (old));

  g_assert_cmpuint (offset + len, <=, g_bytes_get_size (old));
  for (gsize i = 0; i < len; i++)
    data[offset + i] = (guint8) g_test_rand_int_range (0, 256);
  g_file_set_contents_full (path, (const char *) data, (gssize) g_bytes_get_size (old),
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  g_free (data);
}

/* The page (4096 bytes, SQLite's default) that holds the middle row of
 * query: a page of the table itself, so that reading every row meets it. */
static goffset
middle_row_page (const char *db_path,
                 const char *query)
{
  g_autoptr(GBytes) file = sr_test_read (db_path);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *row;
  const guint8 *at;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (rows, g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_cmpuint (rows->len, >, 2);
  row = rows->pdata[rows->len / 2];
  at = memmem (g_bytes_get_data (file, NULL), g_bytes_get_size (file),
               g_bytes_get_data (row, NULL), MIN (g_bytes_get_size (row), 64));
  g_assert_nonnull (at);
  return ((at - (const guint8 *) g_bytes_get_data (file, NULL)) / 4096) * 4096;
}

/* Each command fails with one clear line, and leaves the damaged file as
 * it is: nothing is replaced or "repaired" behind anyone's back. */
static void
assert_refused (GStrv       argv,
                const char *db_path)
{
  g_autoptr(GBytes) before = sr_test_read (db_path);
  g_auto(SrTestResult) result = run_argv (argv);
  g_autoptr(GBytes) after = sr_test_read (db_path);

  assert_one_line_error (&result);
  /* The line says the file is damaged, in SQLite's words or ours. */
  if (strstr (result.err, "not a database") == NULL &&
      strstr (result.err, "malformed") == NULL &&
      strstr (result.err, "not a SafeReport inbox") == NULL)
    g_error ("the error does not say the file is damaged: %s", result.err);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_true (g_bytes_equal (before, after));
  g_strfreev (argv);
}

static void
damaged_outbox (gboolean header)
{
  g_autofree char *root = path_in (ctx.dir, "damaged-outbox");
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *db = path_in (kiosk, "outbox.db");
  g_autofree char *usb = path_in (root, "usb");
  g_autofree char *bundle = path_in (usb, "reports.srb");

  g_assert_cmpint (g_mkdir (root, 0700), ==, 0);
  new_layout (root);
  fill_outbox (kiosk, 60);
  assert_db_integrity (db);

  if (header)
    overwrite_random (db, 0, 100);
  else
    overwrite_random (db, middle_row_page (db, "SELECT data FROM envelopes ORDER BY rowid"), 4096);

  /* status and export read every report: both meet the damage. */
  assert_refused (strv_of (ctx.cli, "--data-dir", kiosk, "status", NULL), db);
  assert_refused (strv_of (ctx.cli, "--data-dir", kiosk, "export", "--out", bundle, NULL), db);
  g_assert_false (g_file_test (bundle, G_FILE_TEST_EXISTS));
  assert_no_strays (usb, "", NULL);
  if (header)
    {
      g_auto(GStrv) argv = submit_command (root);

      assert_refused (g_strdupv (argv), db);
    }

  sr_test_rmdir (root);
}

static void
test_damaged_outbox_header (void)
{
  damaged_outbox (TRUE);
}

static void
test_damaged_outbox_page (void)
{
  damaged_outbox (FALSE);
}

static void
damaged_inbox (gboolean header)
{
  g_autofree char *root = path_in (ctx.dir, "damaged-inbox");
  g_autofree char *kiosk = path_in (root, "kiosk");
  g_autofree char *db = g_build_filename (root, "org", "inbox.db", NULL);
  g_autofree char *csv = g_build_filename (root, "org", "reports.csv", NULL);

  g_assert_cmpint (g_mkdir (root, 0700), ==, 0);
  new_layout (root);
  fill_outbox (kiosk, 60);
  export_to (root, "reports.srb");
  import_into (root, "reports.srb");
  assert_db_integrity (db);

  if (header)
    overwrite_random (db, 0, 100);
  else
    overwrite_random (db, middle_row_page (db, "SELECT data FROM envelopes ORDER BY rowid"), 4096);

  assert_refused (strv_of (ctx.inbox, "list", "--db", db, NULL), db);
  assert_refused (strv_of (ctx.inbox, "export", "--db", db, "--key", ctx.key,
                           "--passphrase-file", ctx.pass, "--format", "csv", "--out", csv, NULL),
                  db);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
  if (header)
    {
      g_auto(GStrv) argv = import_command (root);

      assert_refused (g_strdupv (argv), db);
    }

  sr_test_rmdir (root);
}

static void
test_damaged_inbox_header (void)
{
  damaged_inbox (TRUE);
}

static void
test_damaged_inbox_page (void)
{
  damaged_inbox (FALSE);
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
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(SrSecret) passphrase = NULL;
  g_autofree char *box = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *answers_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  ctx.cli = g_getenv ("SR_CLI");
  ctx.inbox = g_getenv ("SR_INBOX");
  ctx.shim = g_getenv ("SR_FAULTS_SHIM");
  g_assert_nonnull (ctx.cli);
  g_assert_nonnull (ctx.inbox);
  g_assert_nonnull (ctx.shim);

  ctx.dir = sr_test_mkdtemp ();
  ctx.secret = sr_org_secret_generate ();

  /* org.key, as keygen would write it, for the inbox's commands. */
  passphrase = sr_secret_new (strlen (PASSPHRASE));
  memcpy (passphrase->data, PASSPHRASE, passphrase->len);
  sealed = sr_org_secret_seal (ctx.secret, passphrase, &error);
  g_assert_no_error (error);
  ctx.key = path_in (ctx.dir, "org.key");
  g_file_set_contents_full (ctx.key, g_bytes_get_data (sealed, NULL),
                            (gssize) g_bytes_get_size (sealed),
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  ctx.pass = path_in (ctx.dir, "passphrase");
  g_file_set_contents_full (ctx.pass, PASSPHRASE "\n", -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  box = sr_key_to_base64 (sr_org_secret_get_box_pk (ctx.secret, 0), SR_BOX_KEY_BYTES);
  payload = g_strdup_printf ("{\"name\": \"Faults\", \"serial\": 1, \"recipients\": [\"%s\"]}", box);
  profile = sr_profile_sign (payload, strlen (payload), ctx.secret, &error);
  g_assert_no_error (error);
  ctx.profile = path_in (ctx.dir, "org.srp");
  g_file_set_contents (ctx.profile, g_bytes_get_data (profile, NULL),
                       (gssize) g_bytes_get_size (profile), &error);
  g_assert_no_error (error);

  answers_dir = g_build_filename (g_getenv ("SAFEREPORT_DATADIR"), "demo", "answers", NULL);
  ctx.answers_files = g_ptr_array_new_with_free_func (g_free);
  dir = g_dir_open (answers_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (ctx.answers_files, path_in (answers_dir, name));
  g_ptr_array_sort (ctx.answers_files, compare_names);
  g_assert_cmpuint (ctx.answers_files->len, >=, 3);
}

int
main (int    argc,
      char **argv)
{
  int status;

  sr_test_init (&argc, &argv);
  set_up ();

  g_test_add_func ("/sr/faults/inject/submit", test_inject_submit);
  g_test_add_func ("/sr/faults/inject/export", test_inject_export);
  g_test_add_func ("/sr/faults/inject/import", test_inject_import);
  g_test_add_func ("/sr/faults/inject/import-new-inbox", test_inject_import_new_inbox);
  g_test_add_func ("/sr/faults/inject/ack", test_inject_ack);
  g_test_add_func ("/sr/faults/inject/apply-ack", test_inject_apply_ack);
  g_test_add_func ("/sr/faults/kill/import", test_kill_import);
  g_test_add_func ("/sr/faults/kill/apply-ack", test_kill_apply_ack);
  g_test_add_func ("/sr/faults/locked/outbox", test_locked_outbox);
  g_test_add_func ("/sr/faults/locked/inbox", test_locked_inbox);
  g_test_add_func ("/sr/faults/damaged/outbox-header", test_damaged_outbox_header);
  g_test_add_func ("/sr/faults/damaged/outbox-page", test_damaged_outbox_page);
  g_test_add_func ("/sr/faults/damaged/inbox-header", test_damaged_inbox_header);
  g_test_add_func ("/sr/faults/damaged/inbox-page", test_damaged_inbox_page);

  status = g_test_run ();

  sr_org_secret_free (ctx.secret);
  g_ptr_array_unref (ctx.answers_files);
  g_free (ctx.key);
  g_free (ctx.pass);
  g_free (ctx.profile);
  sr_test_rmdir (ctx.dir);
  g_free (ctx.dir);
  return status;
}
