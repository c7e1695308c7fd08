/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <linux/capability.h>
#include <signal.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sr-ack.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-outbox.h"
#include "sr-report.h"

/* ---- Fixture ------------------------------------------------------------ */

typedef struct
{
  char        *root;       /* everything of this test lives below it */
  char        *data_dir;
  char        *tmp_dir;    /* TMPDIR while the test runs */
  char        *out_dir;
  char        *old_tmpdir;
  SrOrgSecret *secret;
  SrOutbox    *outbox;
} Fixture;

static GBytes *
make_profile (const SrOrgSecret *secret,
              gint64             serial)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *box = sr_key_to_base64 (sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  g_autofree char *text = g_strdup_printf ("{\"name\": \"Test Org\", \"serial\": %" G_GINT64_FORMAT ", "
                                           "\"recipients\": [\"%s\"]}", serial, box);
  GBytes *bytes = sr_profile_sign (text, strlen (text), secret, &error);

  g_assert_no_error (error);
  return bytes;
}

static void
provision (Fixture *fixture)
{
  g_autoptr(GBytes) profile = make_profile (fixture->secret, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  g_assert_true (sr_outbox_provision (fixture->outbox, g_bytes_get_data (profile, NULL),
                                      g_bytes_get_size (profile), &fingerprint, &error));
  g_assert_no_error (error);
  g_assert_nonnull (fingerprint);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->root = sr_test_mkdtemp ();
  fixture->data_dir = g_build_filename (fixture->root, "data", NULL);
  fixture->tmp_dir = g_build_filename (fixture->root, "tmp", NULL);
  fixture->out_dir = g_build_filename (fixture->root, "usb", NULL);
  g_assert_cmpint (g_mkdir (fixture->tmp_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fixture->out_dir, 0700), ==, 0);

  /* Anything that would spill to a temporary file lands where the test
   * can search it. */
  fixture->old_tmpdir = g_strdup (g_getenv ("TMPDIR"));
  g_setenv ("TMPDIR", fixture->tmp_dir, TRUE);

  fixture->secret = sr_org_secret_generate ();
  fixture->outbox = sr_outbox_new (fixture->data_dir, &error);
  g_assert_no_error (error);

  if (GPOINTER_TO_INT (data))
    provision (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->outbox);
  g_clear_pointer (&fixture->secret, sr_org_secret_free);
  if (fixture->old_tmpdir != NULL)
    g_setenv ("TMPDIR", fixture->old_tmpdir, TRUE);
  else
    g_unsetenv ("TMPDIR");
  sr_test_rmdir (fixture->root);
  g_free (fixture->root);
  g_free (fixture->data_dir);
  g_free (fixture->tmp_dir);
  g_free (fixture->out_dir);
  g_free (fixture->old_tmpdir);
}

/* Answers to the form that the form accepts: role and narrative given,
 * then a plain answer to every other required question that is shown. */
static SrAnswers *
make_answers (SrForm     *form,
              const char *narrative)
{
  SrAnswers *answers = sr_answers_new (sr_form_get_id (form), "en");

  sr_answers_set_text (answers, "role", "survivor");
  sr_answers_set_text (answers, "narrative", narrative);

  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      SrQuestion *q = sr_form_get_question (form, i);
      const char *id = sr_question_get_id (q);

      if (sr_answers_has (answers, id) || !sr_question_get_required (q) ||
          !sr_question_is_shown (q, answers))
        continue;

      switch (sr_question_get_kind (q))
        {
        case SR_QUESTION_SINGLE_CHOICE:
          sr_answers_set_text (answers, id, sr_question_get_option_id (q, 0));
          break;
        case SR_QUESTION_MULTIPLE_CHOICE:
          {
            const char *values[] = { sr_question_get_option_id (q, 0), NULL };

            sr_answers_set_list (answers, id, values);
          }
          break;
        case SR_QUESTION_SHORT_TEXT:
        case SR_QUESTION_LONG_TEXT:
          sr_answers_set_text (answers, id, "x");
          break;
        case SR_QUESTION_DATE:
          sr_answers_set_text (answers, id, "2024-01-01");
          break;
        case SR_QUESTION_COUNTRY:
          sr_answers_set_text (answers, id, "TH");
          break;
        case SR_QUESTION_NUMBER:
          sr_answers_set_number (answers, id, 1);
          break;
        case SR_QUESTION_YES_NO:
          sr_answers_set_text (answers, id, "yes");
          break;
        case SR_QUESTION_CONSENT:
          sr_answers_set_bool (answers, id, TRUE);
          break;
        case SR_QUESTION_INFO:
        default:
          break;
        }
    }

  return answers;
}

static char *
submit (Fixture    *fixture,
        const char *narrative)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = sr_outbox_get_profile (fixture->outbox, &error);
  g_autoptr(SrAnswers) answers = NULL;
  char *receipt;

  g_assert_no_error (error);
  answers = make_answers (sr_profile_get_form (profile), narrative);
  receipt = sr_outbox_submit (fixture->outbox, answers, &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt);

  return receipt;
}

static void
assert_counts (Fixture *fixture,
               guint    pending,
               guint    exported,
               guint    acknowledged)
{
  guint p = G_MAXUINT, e = G_MAXUINT, a = G_MAXUINT;

  sr_outbox_get_counts (fixture->outbox, &p, &e, &a);
  g_assert_cmpuint (p, ==, pending);
  g_assert_cmpuint (e, ==, exported);
  g_assert_cmpuint (a, ==, acknowledged);
}

static void
receipt_id (Fixture    *fixture,
            const char *receipt,
            guint8      id[SR_ENVELOPE_ID_BYTES])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) envelope = sr_outbox_lookup (fixture->outbox, receipt, &error);

  g_assert_no_error (error);
  sr_envelope_id (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), id);
}

static GBytes *
make_ack (const SrOrgSecret *secret,
          const guint8     (*ids)[SR_ENVELOPE_ID_BYTES],
          guint              n)
{
  g_autoptr(GError) error = NULL;
  GBytes *ack = sr_ack_create (ids, n, secret, &error);

  g_assert_no_error (error);
  return ack;
}

static guint
apply_ack (Fixture *fixture,
           GBytes  *ack)
{
  g_autoptr(GError) error = NULL;
  guint purged = G_MAXUINT;

  g_assert_true (sr_outbox_apply_ack (fixture->outbox, g_bytes_get_data (ack, NULL),
                                      g_bytes_get_size (ack), &purged, &error));
  g_assert_no_error (error);
  return purged;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static guint
export (Fixture    *fixture,
        const char *path)
{
  g_autoptr(GError) error = NULL;
  guint n = G_MAXUINT;

  g_assert_true (sr_outbox_export (fixture->outbox, path, &n, NULL, NULL, &error));
  g_assert_no_error (error);
  return n;
}

static void
progress_count (guint64  done,
                guint64  total,
                gpointer user_data)
{
  guint64 *last = user_data;

  g_assert_cmpuint (done, >, *last);
  g_assert_cmpuint (done, <=, total);
  *last = done;
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_not_provisioned (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GBytes) ack = make_ack (fixture->secret, NULL, 0);
  g_autofree char *path = g_build_filename (fixture->out_dir, "x.srb", NULL);
  char *receipt;
  guint n = G_MAXUINT;

  receipt = sr_outbox_submit (fixture->outbox, answers, &error);
  g_assert_null (receipt);
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED);
  g_assert_cmpstr (error->message, ==, "This kiosk has no profile yet; provision one first.");

  g_assert_false (sr_outbox_apply_ack (fixture->outbox, g_bytes_get_data (ack, NULL),
                                       g_bytes_get_size (ack), NULL, &error2));
  g_assert_error (error2, SR_ERROR, SR_ERROR_NOT_PROVISIONED);

  /* Nothing to export is not a failure, and writes nothing. */
  g_assert_true (sr_outbox_export (fixture->outbox, path, &n, NULL, NULL, NULL));
  g_assert_cmpuint (n, ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_counts (fixture, 0, 0, 0);
}

static void
test_full_cycle (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) receipts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = g_build_filename (fixture->out_dir, "stick.srb", NULL);
  g_autofree char *empty_path = g_build_filename (fixture->out_dir, "empty.srb", NULL);
  g_autoptr(GError) error = NULL;
  guint8 ids[5][SR_ENVELOPE_ID_BYTES];
  guint64 last = 0;
  guint n;

  assert_counts (fixture, 0, 0, 0);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *narrative = g_strdup_printf ("Report number %u.", i);

      g_ptr_array_add (receipts, submit (fixture, narrative));
    }
  assert_counts (fixture, 3, 0, 0);

  /* Each receipt finds its envelope, however it is typed; the envelope
   * opens with the organisation's key to the answers given. */
  for (guint i = 0; i < 3; i++)
    {
      const char *receipt = g_ptr_array_index (receipts, i);
      g_autofree char *lower = g_ascii_strdown (receipt, -1);
      g_autofree char *expected = g_strdup_printf ("Report number %u.", i);
      g_autoptr(GBytes) envelope = sr_outbox_lookup (fixture->outbox, receipt, &error);
      g_autoptr(GBytes) again = NULL;
      g_autoptr(SrSecret) plain = NULL;
      g_autoptr(SrAnswers) answers = NULL;
      g_autofree char *from_id = NULL;
      guint32 day = 0;

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (receipt), ==, 11);
      g_assert_cmpint ((guchar) receipt[5], ==, '-');
      g_strdelimit (lower, "-", ' ');
      again = sr_outbox_lookup (fixture->outbox, lower, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (envelope, again));

      sr_envelope_id (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), ids[i]);
      from_id = sr_receipt_from_id (ids[i]);
      g_assert_cmpstr (from_id, ==, receipt);

      plain = sr_envelope_open (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                                fixture->secret, &error);
      g_assert_no_error (error);
      answers = sr_report_decode (plain->data, plain->len, &day, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sr_answers_get_text (answers, "narrative"), ==, expected);
      g_assert_cmpuint (day, ==, sr_report_today ());
    }
  g_assert_cmpstr (g_ptr_array_index (receipts, 0), !=, g_ptr_array_index (receipts, 1));

  {
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;

    g_assert_null (sr_outbox_lookup (fixture->outbox, "00000-00000", &e1));
    g_assert_error (e1, SR_ERROR, SR_ERROR_NOT_FOUND);
    g_assert_null (sr_outbox_lookup (fixture->outbox, "not a receipt", &e2));
    g_assert_error (e2, SR_ERROR, SR_ERROR_INVALID);
  }

  /* Export: every envelope, in a bundle the organisation opens. */
  g_assert_true (sr_outbox_export (fixture->outbox, path, &n, progress_count, &last, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (last, ==, 3);
  g_assert_cmpuint (count_files (fixture->out_dir), ==, 1);
  assert_counts (fixture, 0, 3, 0);
  {
    g_autoptr(SrBundleReader) reader = sr_bundle_reader_new (path, fixture->secret, &error);
    struct stat st;

    g_assert_no_error (error);
    g_assert_cmpuint (sr_bundle_reader_get_n_records (reader), ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(GBytes) record = sr_bundle_reader_get_record (reader, i, &error);
        g_autoptr(GBytes) envelope = sr_outbox_lookup (fixture->outbox, g_ptr_array_index (receipts, i), NULL);

        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (record, envelope));
      }
    g_assert_true (sr_bundle_reader_check_tail (reader, &error));
    g_assert_no_error (error);
    g_assert_cmpint (stat (path, &st), ==, 0);
    g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  }

  /* A new report; the next export carries all four, until acknowledged. */
  g_ptr_array_add (receipts, submit (fixture, "A fourth one."));
  receipt_id (fixture, g_ptr_array_index (receipts, 3), ids[3]);
  assert_counts (fixture, 1, 3, 0);
  g_assert_cmpuint (export (fixture, path), ==, 4);
  assert_counts (fixture, 0, 4, 0);

  /* Acknowledge two: they are gone, the others stay. */
  {
    g_autoptr(GBytes) ack = make_ack (fixture->secret, (const guint8 (*)[32]) ids, 2);

    g_assert_cmpuint (apply_ack (fixture, ack), ==, 2);
    assert_counts (fixture, 0, 2, 2);
    for (guint i = 0; i < 4; i++)
      {
        g_autoptr(GError) e = NULL;
        g_autoptr(GBytes) envelope = sr_outbox_lookup (fixture->outbox, g_ptr_array_index (receipts, i), &e);

        if (i < 2)
          {
            g_assert_null (envelope);
            g_assert_error (e, SR_ERROR, SR_ERROR_NOT_FOUND);
          }
        else
          g_assert_no_error (e);
      }

    /* The same acknowledgement again purges nothing and counts nothing. */
    g_assert_cmpuint (apply_ack (fixture, ack), ==, 0);
    assert_counts (fixture, 0, 2, 2);
  }

  /* The rest, plus an id this kiosk never had. */
  randombytes_buf (ids[4], 32);
  {
    g_autoptr(GBytes) ack = make_ack (fixture->secret, (const guint8 (*)[32]) ids + 2, 3);

    g_assert_cmpuint (apply_ack (fixture, ack), ==, 2);
    assert_counts (fixture, 0, 0, 4);
  }

  /* Nothing left to export: no file. */
  g_assert_cmpuint (export (fixture, empty_path), ==, 0);
  g_assert_false (g_file_test (empty_path, G_FILE_TEST_EXISTS));

  /* The acknowledged count survives a reopening. */
  g_clear_object (&fixture->outbox);
  fixture->outbox = sr_outbox_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  assert_counts (fixture, 0, 0, 4);
}

static void
test_invalid_answers (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SrProfile) profile = sr_outbox_get_profile (fixture->outbox, NULL);
  g_autoptr(SrAnswers) answers = make_answers (sr_profile_get_form (profile), "text");
  g_autoptr(GError) error = NULL;
  char *receipt;

  sr_answers_set_text (answers, "no_such_question", "x");
  receipt = sr_outbox_submit (fixture->outbox, answers, &error);
  g_assert_null (receipt);
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  assert_counts (fixture, 0, 0, 0);
}

/* An acknowledgement naming envelopes that are not here purges nothing
 * and leaves the others alone. */
static void
test_ack_unknown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *r1 = submit (fixture, "one");
  g_autofree char *r2 = submit (fixture, "two");
  guint8 ids[2][32];
  g_autoptr(GBytes) ack = NULL;

  randombytes_buf (ids, sizeof ids);
  ack = make_ack (fixture->secret, (const guint8 (*)[32]) ids, 2);
  g_assert_cmpuint (apply_ack (fixture, ack), ==, 0);
  assert_counts (fixture, 2, 0, 0);
  {
    g_autoptr(GBytes) e1 = sr_outbox_lookup (fixture->outbox, r1, NULL);
    g_autoptr(GBytes) e2 = sr_outbox_lookup (fixture->outbox, r2, NULL);

    g_assert_nonnull (e1);
    g_assert_nonnull (e2);
  }
}

/* Forged, foreign or malformed acknowledgements delete nothing. */
static void
test_ack_refused (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *r1 = submit (fixture, "one");
  g_autoptr(SrOrgSecret) other = sr_org_secret_generate ();
  g_autoptr(GBytes) foreign = NULL;
  g_autoptr(GBytes) genuine = NULL;
  guint8 id[1][32];
  gsize len;
  g_autofree guint8 *copy = NULL;

  receipt_id (fixture, r1, id[0]);
  foreign = make_ack (other, (const guint8 (*)[32]) id, 1);
  genuine = make_ack (fixture->secret, (const guint8 (*)[32]) id, 1);

  {
    g_autoptr(GError) error = NULL;
    guint purged = 7;

    g_assert_false (sr_outbox_apply_ack (fixture->outbox, g_bytes_get_data (foreign, NULL),
                                         g_bytes_get_size (foreign), &purged, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
    g_assert_nonnull (strstr (error->message, "another organisation"));
    g_assert_cmpuint (purged, ==, 0);
  }

  copy = g_memdup2 (g_bytes_get_data (genuine, &len), g_bytes_get_size (genuine));
  for (gsize bit = 0; bit < len * 8; bit++)
    {
      g_autoptr(GError) error = NULL;

      copy[bit / 8] ^= 1 << (bit % 8);
      g_assert_false (sr_outbox_apply_ack (fixture->outbox, copy, len, NULL, &error));
      copy[bit / 8] ^= 1 << (bit % 8);
      g_assert_nonnull (error);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (sr_outbox_apply_ack (fixture->outbox, copy, len - 1, NULL, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
  }
  assert_counts (fixture, 1, 0, 0);

  /* The genuine one, unaltered, works: the refusals were not an accident. */
  g_assert_cmpuint (apply_ack (fixture, genuine), ==, 1);
  assert_counts (fixture, 0, 0, 1);
}

static void
assert_mode (const char *path,
             guint       mode)
{
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, mode);
}

static void
test_permissions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = sr_test_mkdtemp ();
  g_autofree char *data_dir = g_build_filename (root, "a", "b", NULL);
  g_autofree char *parent = g_build_filename (root, "a", NULL);
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(GBytes) profile = make_profile (secret, 1);
  g_autofree char *db = g_build_filename (data_dir, "outbox.db", NULL);
  g_autofree char *wal = g_build_filename (data_dir, "outbox.db-wal", NULL);
  g_autofree char *shm = g_build_filename (data_dir, "outbox.db-shm", NULL);
  mode_t old_umask = umask (0);

  /* A world-readable folder made earlier is made private. */
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0777), ==, 0);
  assert_mode (data_dir, 0777);

  outbox = sr_outbox_new (data_dir, &error);
  umask (old_umask);
  g_assert_no_error (error);
  g_assert_true (sr_outbox_provision (outbox, g_bytes_get_data (profile, NULL),
                                      g_bytes_get_size (profile), NULL, &error));
  g_assert_no_error (error);

  assert_mode (data_dir, 0700);
  assert_mode (db, 0600);
  assert_mode (wal, 0600);
  assert_mode (shm, 0600);

  /* A folder it creates itself is private from the start, parents too. */
  g_clear_object (&outbox);
  sr_test_rmdir (root);
  outbox = sr_outbox_new (data_dir, &error);
  g_assert_no_error (error);
  assert_mode (parent, 0700);
  assert_mode (data_dir, 0700);
  assert_mode (db, 0600);

  g_clear_object (&outbox);
  sr_test_rmdir (root);
}

/* The plaintext of a report never reaches the disk: not the database, its
 * log, the exported bundle, nor TMPDIR. */
static void
test_no_plaintext (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SrProfile) profile = sr_outbox_get_profile (fixture->outbox, NULL);
  g_autofree char *path = g_build_filename (fixture->out_dir, "stick.srb", NULL);
  g_autofree char *probe = g_build_filename (fixture->tmp_dir, "probe", NULL);
  guint8 nonce[12];
  g_autofree char *hex = NULL;
  g_autofree char *canary = NULL;
  g_autoptr(SrAnswers) answers = NULL;
  g_autoptr(SrSecret) encoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *receipt = NULL;
  gsize window;

  randombytes_buf (nonce, sizeof nonce);
  hex = g_malloc (sizeof nonce * 2 + 1);
  sodium_bin2hex (hex, sizeof nonce * 2 + 1, nonce, sizeof nonce);
  canary = g_strdup_printf ("CANARY-%s They took our passports at the compound.", hex);

  answers = make_answers (sr_profile_get_form (profile), canary);
  receipt = sr_outbox_submit (fixture->outbox, answers, &error);
  g_assert_no_error (error);

  /* The encoded report, as it is before sealing: deterministic, so the
   * same bytes the outbox sealed. */
  encoded = sr_report_encode (answers, sr_report_today (), &error);
  g_assert_no_error (error);
  window = MIN (encoded->len, 24);

  g_assert_cmpuint (export (fixture, path), ==, 1);

  /* While the database is open (with its log and shared memory) and after
   * it is closed. */
  for (guint round = 0; round < 2; round++)
    {
      g_assert_false (sr_test_tree_contains (fixture->root, (const guint8 *) canary, strlen (canary)));
      g_assert_false (sr_test_tree_contains (fixture->root, (const guint8 *) hex, strlen (hex)));
      for (gsize off = 0; off + window <= encoded->len; off += window)
        g_assert_false (sr_test_tree_contains (fixture->root, encoded->data + off, window));
      g_clear_object (&fixture->outbox);
    }

  /* The search would have found it: a positive control. */
  g_assert_true (g_file_set_contents (probe, hex, -1, NULL));
  g_assert_true (sr_test_tree_contains (fixture->root, (const guint8 *) hex, strlen (hex)));
}

/* Deleted means gone: after an acknowledgement neither the envelope, nor
 * its id, nor its receipt is left anywhere in the data folder. */
static void
test_purge_leaves_nothing (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *receipt = submit (fixture, "to be purged");
  g_autofree char *kept = submit (fixture, "to be kept");
  g_autoptr(GBytes) envelope = sr_outbox_lookup (fixture->outbox, receipt, NULL);
  g_autoptr(GBytes) ack = NULL;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (envelope, &len);
  guint8 id[1][32];

  sr_envelope_id (bytes, len, id[0]);
  g_assert_true (sr_test_tree_contains (fixture->data_dir, bytes + 5, 32));
  g_assert_true (sr_test_tree_contains (fixture->data_dir, (const guint8 *) receipt, strlen (receipt)));

  ack = make_ack (fixture->secret, (const guint8 (*)[32]) id, 1);
  g_assert_cmpuint (apply_ack (fixture, ack), ==, 1);

  for (gsize off = 0; off + 32 <= len; off += 32)
    g_assert_false (sr_test_tree_contains (fixture->data_dir, bytes + off, 32));
  g_assert_false (sr_test_tree_contains (fixture->data_dir, id[0], 32));
  g_assert_false (sr_test_tree_contains (fixture->data_dir, (const guint8 *) receipt, strlen (receipt)));
  g_assert_true (sr_test_tree_contains (fixture->data_dir, (const guint8 *) kept, strlen (kept)));
}

/* Export to a folder that does not exist: an error, nothing marked,
 * nothing left. */
static void
test_export_missing_dir (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->out_dir, "gone", "x.srb", NULL);
  g_autoptr(GError) error = NULL;
  guint n = 5;

  g_free (submit (fixture, "one"));

  g_assert_false (sr_outbox_export (fixture->outbox, path, &n, NULL, NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_IO);
  g_assert_cmpuint (n, ==, 0);
  assert_counts (fixture, 1, 0, 0);
  g_assert_cmpuint (count_files (fixture->out_dir), ==, 0);
}

/* A temp file left by an export that was killed is removed by the next
 * export to the same path; files of any other shape stay. */
static void
test_export_removes_stale_parts (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->out_dir, "x.srb", NULL);
  g_autofree char *stale = g_build_filename (fixture->out_dir, "x.srb.part-Ab12Cd", NULL);
  g_autofree char *other = g_build_filename (fixture->out_dir, "y.srb.part-Ab12Cd", NULL);
  g_autofree char *longer = g_build_filename (fixture->out_dir, "x.srb.part-Ab12Cd7", NULL);
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_free (submit (fixture, "one"));
  g_assert_true (g_file_set_contents (stale, "half", -1, NULL));
  g_assert_true (g_file_set_contents (other, "keep", -1, NULL));
  g_assert_true (g_file_set_contents (longer, "keep", -1, NULL));

  g_assert_true (sr_outbox_export (fixture->outbox, path, &n, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (longer, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fixture->out_dir), ==, 3);
}

/* Root ignores file modes; dropping every capability makes the child obey
 * them like anyone else. */
static gboolean
drop_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];

  memset (caps, 0, sizeof caps);
  return syscall (SYS_capset, &header, caps) == 0;
}

/* The file-size limit in the child: more than the outbox would write to
 * mark a bundle's worth of reports, less than the bundle. */
#define SIZE_LIMIT (128 * 1024)

typedef enum
{
  LIMIT_READ_ONLY,
  LIMIT_FILE_SIZE,
} Limit;

/* Runs one export in a child under a limit and returns the error code it
 * got (or -1 for success). The database is closed around the fork so that
 * no SQLite connection crosses it. */
static int
export_in_child (Fixture    *fixture,
                 const char *path,
                 Limit       limit)
{
  int status = 0;
  pid_t pid;

  g_clear_object (&fixture->outbox);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      SrOutbox *outbox = sr_outbox_new (fixture->data_dir, NULL);
      guint pending = 0;
      guint n = 99;

      if (outbox == NULL)
        _exit (100);
      /* Open the log and shared memory before the limit, as a running
       * kiosk already has them. */
      sr_outbox_get_counts (outbox, &pending, NULL, NULL);
      if (pending == 0)
        _exit (101);

      if (limit == LIMIT_READ_ONLY)
        {
          if (!drop_capabilities ())
            _exit (102);
        }
      else
        {
          struct rlimit small = { SIZE_LIMIT, RLIM_INFINITY };

          signal (SIGXFSZ, SIG_IGN);
          if (setrlimit (RLIMIT_FSIZE, &small) != 0)
            _exit (103);
        }

      if (sr_outbox_export (outbox, path, &n, NULL, NULL, &error))
        _exit (104);
      if (n != 0)
        _exit (105);
      _exit (error->code);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));

  fixture->outbox = sr_outbox_new (fixture->data_dir, NULL);
  g_assert_nonnull (fixture->outbox);

  return WEXITSTATUS (status);
}

static void
test_export_read_only (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->out_dir, "x.srb", NULL);
  int code;

  g_free (submit (fixture, "one"));
  g_free (submit (fixture, "two"));

  g_assert_cmpint (g_chmod (fixture->out_dir, 0500), ==, 0);
  code = export_in_child (fixture, path, LIMIT_READ_ONLY);
  g_assert_cmpint (g_chmod (fixture->out_dir, 0700), ==, 0);

  g_assert_cmpint (code, ==, SR_ERROR_IO);
  assert_counts (fixture, 2, 0, 0);
  g_assert_cmpuint (count_files (fixture->out_dir), ==, 0);

  /* Writable again: the same export succeeds. */
  g_assert_cmpuint (export (fixture, path), ==, 2);
  assert_counts (fixture, 0, 2, 0);
}

/* A narrative of n random CJK characters: it compresses poorly, so each
 * envelope is large and its row spills into overflow pages, which marking
 * it exported does not rewrite. */
static char *
random_cjk (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_unichar (text, 0x4E00 + randombytes_uniform (0x5000));
  return g_string_free (text, FALSE);
}

static void
test_export_file_size_limit (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->out_dir, "x.srb", NULL);
  int code;
  struct stat st;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *narrative = random_cjk (5000);

      g_free (submit (fixture, narrative));
    }

  /* The limit leaves room for the outbox to write what it would write if
   * it marked anything, but not for the bundle. */
  code = export_in_child (fixture, path, LIMIT_FILE_SIZE);
  g_assert_cmpint (code, ==, SR_ERROR_NO_SPACE);
  assert_counts (fixture, 30, 0, 0);
  g_assert_cmpuint (count_files (fixture->out_dir), ==, 0);

  /* An earlier bundle of the same name is left as it was. */
  g_assert_true (g_file_set_contents (path, "earlier", -1, NULL));
  code = export_in_child (fixture, path, LIMIT_FILE_SIZE);
  g_assert_cmpint (code, ==, SR_ERROR_NO_SPACE);
  assert_counts (fixture, 30, 0, 0);
  g_assert_cmpuint (count_files (fixture->out_dir), ==, 1);
  {
    g_autoptr(GBytes) contents = sr_test_read (path);

    g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents), "earlier", 7);
  }

  /* Without the limit it works, and the bundle is indeed over it. */
  g_assert_cmpuint (export (fixture, path), ==, 30);
  assert_counts (fixture, 0, 30, 0);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, SIZE_LIMIT);
}

/* Several connections (the app and the command line) see each other's
 * work: a profile provisioned through one is used by the other. */
static void
test_two_connections (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) other = sr_outbox_new (fixture->data_dir, &error);
  g_autoptr(GBytes) newer = make_profile (fixture->secret, 2);
  g_autoptr(SrProfile) seen = NULL;
  g_autofree char *receipt = NULL;

  g_assert_no_error (error);
  receipt = submit (fixture, "from the first");
  {
    g_autoptr(GBytes) envelope = sr_outbox_lookup (other, receipt, &error);

    g_assert_no_error (error);
    g_assert_nonnull (envelope);
  }

  g_assert_true (sr_outbox_provision (other, g_bytes_get_data (newer, NULL),
                                      g_bytes_get_size (newer), NULL, &error));
  g_assert_no_error (error);
  seen = sr_outbox_get_profile (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_profile_get_serial (seen), ==, 2);
}

/* The sample answers in every script: each is sealed, opens back to the
 * same answers, and its narrative is nowhere on disk in the clear. */
static void
test_sample_answers (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *dir = sr_test_data_path ("answers");
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *path = g_build_filename (fixture->out_dir, "stick.srb", NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    {
      g_test_skip ("No sample answers in tests/data/answers");
      return;
    }

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) json = NULL;
      g_autoptr(SrAnswers) answers = NULL;
      g_autoptr(SrAnswers) back = NULL;
      g_autoptr(GBytes) envelope = NULL;
      g_autoptr(SrSecret) plain = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *receipt = NULL;
      const char *narrative;

      if (!g_str_has_suffix (name, ".json"))
        continue;

      json = sr_test_read (file);
      answers = sr_answers_new_from_json (g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);
      g_assert_no_error (error);
      receipt = sr_outbox_submit (fixture->outbox, answers, &error);
      g_assert_no_error (error);

      envelope = sr_outbox_lookup (fixture->outbox, receipt, &error);
      g_assert_no_error (error);
      plain = sr_envelope_open (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                                fixture->secret, &error);
      g_assert_no_error (error);
      back = sr_report_decode (plain->data, plain->len, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (sr_answers_equal (answers, back));

      g_assert_cmpuint (export (fixture, path), >, n);
      narrative = sr_answers_get_text (answers, "narrative");
      g_assert_nonnull (narrative);
      g_assert_false (sr_test_tree_contains (fixture->root, (const guint8 *) narrative,
                                             MIN (strlen (narrative), 48)));
      n++;
    }

  g_assert_cmpuint (n, >, 0);
  assert_counts (fixture, 0, n, 0);
}

#define N_THREADS 4
#define PER_THREAD 10

static gpointer
submit_thread (gpointer data)
{
  Fixture *fixture = data;

  for (guint i = 0; i < PER_THREAD; i++)
    g_free (submit (fixture, "from a worker thread"));

  return NULL;
}

/* The app seals in a worker thread while its admin area counts: one
 * outbox shared by threads works, and loses nothing. */
static void
test_threads (Fixture       *fixture,
              gconstpointer  data)
{
  GThread *threads[N_THREADS];
  guint pending = 0;

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("submit", submit_thread, fixture);
  while (pending < N_THREADS * PER_THREAD)
    {
      guint exported = 1;

      sr_outbox_get_counts (fixture->outbox, &pending, &exported, NULL);
      g_assert_cmpuint (exported, ==, 0);
      g_assert_cmpuint (pending, <=, N_THREADS * PER_THREAD);
      g_usleep (1000);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  assert_counts (fixture, N_THREADS * PER_THREAD, 0, 0);
}

/* Many reports export in one bundle that reads back whole. */
static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->out_dir, "many.srb", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrBundleReader) reader = NULL;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *narrative = g_strdup_printf ("Report %u", i);

      g_free (submit (fixture, narrative));
    }
  g_assert_cmpuint (export (fixture, path), ==, 200);

  reader = sr_bundle_reader_new (path, fixture->secret, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_bundle_reader_get_n_records (reader), ==, 200);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GBytes) record = sr_bundle_reader_get_record (reader, i, &error);

      g_assert_no_error (error);
      g_assert_nonnull (record);
    }
}

static GBytes *
make_demo_profile (const SrOrgSecret *secret)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *box = sr_key_to_base64 (sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  g_autofree char *text = g_strdup_printf ("{\"name\": \"Demo\", \"serial\": 5, \"demo\": true, "
                                           "\"recipients\": [\"%s\"]}", box);
  GBytes *bytes = sr_profile_sign (text, strlen (text), secret, &error);

  g_assert_no_error (error);
  return bytes;
}

/* A kiosk on the demo profile takes the first real profile, whoever signed
 * it, and pins that key; after that, neither the demo profile nor another
 * key replaces it. */
static void
test_demo_replaced (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SrOrgSecret) demo = sr_org_secret_generate ();
  g_autoptr(GBytes) demo_profile = make_demo_profile (demo);
  g_autoptr(GBytes) real_profile = make_profile (fixture->secret, 1);
  g_autoptr(SrOrgSecret) other = sr_org_secret_generate ();
  g_autoptr(GBytes) other_profile = make_profile (other, 9);
  g_autoptr(SrProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = sr_fingerprint_digits (sr_org_secret_get_sign_pk (fixture->secret));

  g_assert_true (sr_outbox_provision (fixture->outbox, g_bytes_get_data (demo_profile, NULL),
                                      g_bytes_get_size (demo_profile), NULL, &error));
  g_assert_no_error (error);

  /* Serial 1 is lower than the demo's 5: the demo's serial does not count. */
  g_assert_true (sr_outbox_provision (fixture->outbox, g_bytes_get_data (real_profile, NULL),
                                      g_bytes_get_size (real_profile), &fingerprint, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fingerprint, ==, expected);

  g_assert_false (sr_outbox_provision (fixture->outbox, g_bytes_get_data (demo_profile, NULL),
                                       g_bytes_get_size (demo_profile), NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
  g_clear_error (&error);
  g_assert_false (sr_outbox_provision (fixture->outbox, g_bytes_get_data (other_profile, NULL),
                                       g_bytes_get_size (other_profile), NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
  g_clear_error (&error);

  profile = sr_outbox_get_profile (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_false (sr_profile_is_demo (profile));
  g_assert_cmpmem (sr_profile_get_signer (profile), SR_SIGN_PK_BYTES,
                   sr_org_secret_get_sign_pk (fixture->secret), SR_SIGN_PK_BYTES);
}

static SrSecret *
pin (const char *text)
{
  return sr_secret_new_from ((const guint8 *) text, strlen (text));
}

/* The admin PIN: set, checked, wrong PINs counted, and after three of them
 * every try waits, also the right PIN and also after a restart. */
static void
test_admin_pin (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SrSecret) right = pin ("2468");
  g_autoptr(SrSecret) wrong = pin ("1357");
  g_autoptr(SrSecret) too_short = pin ("123");
  g_autoptr(GError) error = NULL;
  guint wait = 0;

  g_assert_false (sr_outbox_has_admin_pin (fixture->outbox));
  g_assert_false (sr_outbox_check_admin_pin (fixture->outbox, right, NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (sr_outbox_set_admin_pin (fixture->outbox, too_short, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sr_outbox_has_admin_pin (fixture->outbox));

  g_assert_true (sr_outbox_set_admin_pin (fixture->outbox, right, &error));
  g_assert_no_error (error);
  g_assert_true (sr_outbox_has_admin_pin (fixture->outbox));
  g_assert_true (sr_outbox_check_admin_pin (fixture->outbox, right, &wait, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (wait, ==, 0);

  /* The hash, not the PIN, is stored. */
  {
    g_autofree char *db = g_build_filename (fixture->data_dir, "outbox.db", NULL);
    g_autoptr(GBytes) contents = sr_test_read (db);

    g_assert_null (memmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents), "2468", 4));
    g_assert_true (sr_test_tree_contains (fixture->data_dir, (const guint8 *) "$argon2id$", 10));
  }

  for (guint i = 0; i < 3; i++)
    {
      g_assert_false (sr_outbox_check_admin_pin (fixture->outbox, wrong, &wait, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_BAD_PASSPHRASE);
      g_clear_error (&error);
    }

  g_assert_false (sr_outbox_check_admin_pin (fixture->outbox, right, &wait, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_cmpuint (wait, >, 0);
  g_assert_cmpuint (wait, <=, 30);

  g_clear_object (&fixture->outbox);
  fixture->outbox = sr_outbox_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_false (sr_outbox_check_admin_pin (fixture->outbox, right, &wait, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_LOCKED);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

#define ADD(path, provisioned, func) \
  g_test_add ("/sr/outbox/" path, Fixture, GINT_TO_POINTER (provisioned), \
              fixture_set_up, func, fixture_tear_down)

  ADD ("not-provisioned", FALSE, test_not_provisioned);
  ADD ("full-cycle", TRUE, test_full_cycle);
  ADD ("invalid-answers", TRUE, test_invalid_answers);
  ADD ("ack-unknown", TRUE, test_ack_unknown);
  ADD ("ack-refused", TRUE, test_ack_refused);
  g_test_add_func ("/sr/outbox/permissions", test_permissions);
  ADD ("no-plaintext", TRUE, test_no_plaintext);
  ADD ("purge-leaves-nothing", TRUE, test_purge_leaves_nothing);
  ADD ("export-missing-dir", TRUE, test_export_missing_dir);
  ADD ("export-read-only", TRUE, test_export_read_only);
  ADD ("export-removes-stale-parts", TRUE, test_export_removes_stale_parts);
  ADD ("export-file-size-limit", TRUE, test_export_file_size_limit);
  ADD ("two-connections", TRUE, test_two_connections);
  ADD ("sample-answers", TRUE, test_sample_answers);
  ADD ("threads", TRUE, test_threads);
  ADD ("many", TRUE, test_many);
  ADD ("demo-replaced", FALSE, test_demo_replaced);
  ADD ("admin-pin", TRUE, test_admin_pin);

#undef ADD

  return g_test_run ();
}
