/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-bench"

/* Import throughput against the raw X25519 cost, submit latency against one
 * fsync, and envelope size. Peers (age) are run by bench/run on the same
 * data; this program prints machine-readable lines "key value" that the
 * script turns into ratios. */

#include "sr-config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "sr-answers.h"
#include "sr-bundle.h"
#include "sr-data.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-fsutil.h"
#include "sr-inbox.h"
#include "sr-outbox.h"
#include "sr-profile.h"
#include "sr-report.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

typedef struct
{
  GPtrArray *envelopes;
  guint      next;
} Source;

static GBytes *
next_envelope (gpointer   user_data,
               GError   **error)
{
  Source *source = user_data;

  return g_bytes_ref (g_ptr_array_index (source->envelopes, source->next++));
}

static SrAnswers *
load_answers (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  SrAnswers *answers;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  answers = sr_answers_new_from_json (contents, len, &error);
  if (answers == NULL)
    g_error ("%s: %s", path, error->message);
  return answers;
}

/* Raw crypto_box_seal_open of n messages the size of a file key: the floor
 * under any import, since every envelope costs one X25519. The inbox
 * verifies on every core, so the floor uses as many threads: the ratio then
 * measures what the format, dedup and SQLite add, not the core count. */
typedef struct
{
  const guint8 *sealed;
  const guint8 *pk;
  const guint8 *sk;
  guint         first;
  guint         last;
} RawSlice;

static gpointer
raw_open_slice (gpointer data)
{
  RawSlice *slice = data;
  guint8 out[32];

  for (guint i = slice->first; i < slice->last; i++)
    if (crypto_box_seal_open (out, slice->sealed + (gsize) i * (32 + crypto_box_SEALBYTES),
                              32 + crypto_box_SEALBYTES, slice->pk, slice->sk) != 0)
      g_error ("raw open failed");
  return NULL;
}

static double
bench_raw_seal_open (guint n,
                     guint n_threads)
{
  guint8 pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  guint8 msg[32];
  g_autofree guint8 *sealed = g_malloc ((gsize) n * (32 + crypto_box_SEALBYTES));
  g_autofree RawSlice *slices = g_new0 (RawSlice, n_threads);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  double start;

  crypto_box_keypair (pk, sk);
  randombytes_buf (msg, sizeof msg);
  for (guint i = 0; i < n; i++)
    crypto_box_seal (sealed + (gsize) i * (32 + crypto_box_SEALBYTES), msg, sizeof msg, pk);

  for (guint t = 0; t < n_threads; t++)
    slices[t] = (RawSlice) { sealed, pk, sk, n * t / n_threads, n * (t + 1) / n_threads };

  start = now ();
  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_new ("raw-open", raw_open_slice, &slices[t]);
  raw_open_slice (&slices[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
  return now () - start;
}

static void
bench_import (const char *workdir,
              guint       n,
              const char *answers_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) envelopes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree guint8 (*ids)[SR_ENVELOPE_ID_BYTES] = g_malloc ((gsize) n * SR_ENVELOPE_ID_BYTES);
  g_autofree guint32 *lengths = g_new (guint32, n);
  g_autofree char *bundle_path = g_build_filename (workdir, "bench.srb", NULL);
  g_autofree char *db_path = g_build_filename (workdir, "inbox.db", NULL);
  g_autofree char *sample_path = g_build_filename (answers_dir, "en.json", NULL);
  g_autoptr(SrAnswers) answers = load_answers (sample_path);
  g_autoptr(SrSecret) plain = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  SrImportResult result;
  guint8 recipient[1][SR_BOX_KEY_BYTES];
  guint8 bundle_key[32];
  Source source = { 0, };
  double start, elapsed_import, elapsed_raw;
  int fd;

  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  plain = sr_report_encode (answers, sr_report_today (), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      /* Vary one byte so that every envelope is distinct, as real ones are. */
      GBytes *env;
      gsize len;
      const guint8 *data;

      env = sr_envelope_seal (plain->data, plain->len, (const guint8 (*)[32]) recipient, 1, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (env, &len);
      sr_envelope_id (data, len, ids[i]);
      lengths[i] = len;
      g_ptr_array_add (envelopes, env);
    }

  source.envelopes = envelopes;
  fd = sr_open_private (bundle_path, TRUE, &error);
  g_assert_no_error (error);
  if (!sr_bundle_write (fd, (const guint8 (*)[32]) recipient, 1, n,
                        (const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids, lengths,
                        next_envelope, &source, NULL, NULL, bundle_key, &error))
    g_error ("%s", error->message);
  close (fd);

  inbox = sr_inbox_new (db_path, &error);
  g_assert_no_error (error);
  sr_import_result_init (&result);
  start = now ();
  if (!sr_inbox_import_file (inbox, bundle_path, secret, &result, NULL, NULL, &error))
    g_error ("%s", error->message);
  elapsed_import = now () - start;
  if (result.imported != n)
    g_error ("imported %u of %u", result.imported, n);
  sr_import_result_clear (&result);

  elapsed_raw = bench_raw_seal_open (n, g_get_num_processors ());

  g_print ("import_reports %u\n", n);
  g_print ("import_seconds %.6f\n", elapsed_import);
  g_print ("raw_seal_open_seconds %.6f\n", elapsed_raw);
  g_print ("threads %u\n", g_get_num_processors ());
  g_print ("envelope_bytes_en %" G_GSIZE_FORMAT "\n", (gsize) lengths[0]);
  sodium_memzero (bundle_key, sizeof bundle_key);
}

/* The one-off cost a command pays before importing: unlocking org.key
 * (Argon2id at the MODERATE limits), reported apart from the import. */
static void
bench_unlock (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sr_data_path ("demo/org.key");
  g_autoptr(GBytes) key = sr_read_file (path, 1 << 20, &error);
  g_autoptr(SrSecret) passphrase = sr_secret_new_from ((const guint8 *) "demo", 4);
  g_autoptr(SrOrgSecret) secret = NULL;
  double start;

  g_assert_no_error (error);
  start = now ();
  secret = sr_org_secret_unseal (g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                                 passphrase, &error);
  g_assert_no_error (error);
  g_print ("key_unlock_seconds %.6f\n", now () - start);
}

static void
bench_submit (const char *workdir,
              guint       n,
              const char *profile_path,
              const char *answers_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (workdir, "kiosk", NULL);
  g_autofree char *sync_path = g_build_filename (workdir, "fsync-probe", NULL);
  g_autofree char *sample_path = g_build_filename (answers_dir, "en.json", NULL);
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(GBytes) profile = sr_read_file (profile_path, 1 << 20, &error);
  g_autoptr(GArray) submit_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fsync_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *fingerprint = NULL;
  guint8 block[1024];
  int fd;

  g_assert_no_error (error);
  outbox = sr_outbox_new (data_dir, &error);
  g_assert_no_error (error);
  if (!sr_outbox_provision (outbox, g_bytes_get_data (profile, NULL), g_bytes_get_size (profile),
                            &fingerprint, &error))
    g_error ("%s", error->message);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrAnswers) answers = load_answers (sample_path);
      g_autofree char *receipt = NULL;
      double start = now (), elapsed;

      receipt = sr_outbox_submit (outbox, answers, &error);
      if (receipt == NULL)
        g_error ("%s", error->message);
      elapsed = now () - start;
      g_array_append_val (submit_times, elapsed);
    }

  /* One fsync on the same disk: append a 1 KiB block and fsync, as a
   * journal would. */
  randombytes_buf (block, sizeof block);
  fd = open (sync_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert (fd >= 0);
  for (guint i = 0; i < n; i++)
    {
      double start = now (), elapsed;

      if (write (fd, block, sizeof block) != sizeof block || fsync (fd) != 0)
        g_error ("fsync probe failed");
      elapsed = now () - start;
      g_array_append_val (fsync_times, elapsed);
    }
  close (fd);

  g_print ("submit_median_seconds %.6f\n", median (submit_times));
  g_print ("fsync_median_seconds %.6f\n", median (fsync_times));
}

/* The envelope size of each answers file, sealed to one recipient. */
static void
bench_sizes (int    n_files,
             char **files)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  guint8 recipient[1][SR_BOX_KEY_BYTES];

  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrAnswers) answers = load_answers (files[i]);
      g_autoptr(SrSecret) plain = sr_report_encode (answers, sr_report_today (), &error);
      g_autoptr(GBytes) env = NULL;

      g_assert_no_error (error);
      env = sr_envelope_seal (plain->data, plain->len, (const guint8 (*)[32]) recipient, 1, &error);
      g_assert_no_error (error);
      g_print ("size %s %" G_GSIZE_FORMAT "\n", files[i], g_bytes_get_size (env));
    }
}

/* Fills a provisioned kiosk with n reports, for the export memory figure. */
static void
bench_fill (const char *data_dir,
            guint       n,
            const char *answers_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = sr_outbox_new (data_dir, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrAnswers) answers = load_answers (answers_path);
      g_autofree char *receipt = sr_outbox_submit (outbox, answers, &error);

      if (receipt == NULL)
        g_error ("%s", error->message);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  if (!sr_init (&error))
    g_error ("%s", error->message);

  if (argc == 6 && g_str_equal (argv[1], "run"))
    {
      bench_import (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10), argv[5]);
      bench_unlock ();
      bench_submit (argv[2], 100, argv[4], argv[5]);
      return 0;
    }
  if (argc >= 3 && g_str_equal (argv[1], "sizes"))
    {
      bench_sizes (argc - 2, argv + 2);
      return 0;
    }
  if (argc == 5 && g_str_equal (argv[1], "fill"))
    {
      bench_fill (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10), argv[4]);
      return 0;
    }

  g_printerr ("usage: %s run WORKDIR N_REPORTS PROFILE.srp ANSWERS_DIR\n"
              "       %s sizes ANSWERS.json...\n"
              "       %s fill DATA_DIR N ANSWERS.json\n", argv[0], argv[0], argv[0]);
  return 2;
}
