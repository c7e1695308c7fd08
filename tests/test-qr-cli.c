/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-qr-cli"

/* QR codes end to end, through the built programs ($SR_CLI and $SR_INBOX):
 * the kiosk writes a report as PNG files (safereport-cli qr), the
 * organisation imports the photos or a text file of the scanned codes
 * (safereport-inbox import), in any order, in any number of files and
 * calls, among damaged and foreign codes. Unlocking org.key costs about a
 * second (Argon2id), so the key, the profile and the kiosk are made once. */

#include "sr-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sr-qr-image.h"
#include "sr-qr.h"
#include "sr-test-util.h"

#define PASSPHRASE "correct horse battery staple"

static struct
{
  const char *cli;
  const char *inbox;
  char       *dir;
  char       *key;
  char       *passphrase_file;
  char       *profile;
  char       *kiosk;
  char       *answers_short;   /* a typical report: one QR code */
  char       *answers_long;    /* a 3,000-byte narrative: several */
  char       *answers_other;
} org;

/* ------------------------------------------------------------------------
 * Running the programs
 * --------------------------------------------------------------------- */

static SrTestResult
run_argv (const char *const *argv)
{
  return sr_test_spawn (argv, NULL, NULL, NULL);
}

static char *
path_in (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
assert_mode (const char *path,
             guint       mode)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GBytes) bytes = sr_test_read (from);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (to, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                       &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * The steps
 * --------------------------------------------------------------------- */

static char *
submit (const char *answers)
{
  g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "submit", answers, NULL);

  sr_test_assert_ok (&result);
  g_assert_cmpuint (strlen (result.out), ==, 12);
  return g_strndup (result.out, 11);
}

/* safereport-cli qr: the files it says it wrote, which must be
 * part-01.png … in order, each private to the user. */
static GPtrArray *
write_qr (const char *receipt,
          const char *dir,
          const char *max_version)
{
  g_auto(SrTestResult) result = { 0 };
  g_auto(GStrv) printed = NULL;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  if (max_version != NULL)
    result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt, "--out-dir", dir,
                  "--max-version", max_version, NULL);
  else
    result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt, "--out-dir", dir, NULL);
  sr_test_assert_ok (&result);

  g_assert_true (g_str_has_suffix (result.out, "\n"));
  printed = g_strsplit (result.out, "\n", -1);
  for (guint i = 0; printed[i] != NULL && printed[i][0] != '\0'; i++)
    {
      g_autofree char *name = g_strdup_printf ("part-%02u.png", i + 1);
      char *path = path_in (dir, name);

      g_assert_cmpstr (printed[i], ==, path);
      assert_mode (path, 0600);
      g_ptr_array_add (files, path);
    }
  g_assert_cmpuint (files->len, >=, 1);
  return files;
}

/* safereport-inbox import FILE…, as argv. */
static SrTestResult
import_files (const char        *db,
              const char *const *files)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) org.inbox);
  g_ptr_array_add (argv, "import");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (char *) db);
  g_ptr_array_add (argv, "--key");
  g_ptr_array_add (argv, org.key);
  g_ptr_array_add (argv, "--passphrase-file");
  g_ptr_array_add (argv, org.passphrase_file);
  for (guint i = 0; files[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) files[i]);
  g_ptr_array_add (argv, NULL);

  return run_argv ((const char *const *) argv->pdata);
}

static void
assert_summary (const SrTestResult *result,
                guint               imported,
                guint               duplicates,
                guint               rejected,
                guint               read,
                guint               waiting)
{
  g_autofree char *expected = g_strdup_printf ("imported %u, duplicates %u, rejected %u\n"
                                               "qr parts: %u read, %u waiting for more\n",
                                               imported, duplicates, rejected, read, waiting);

  g_assert_cmpstr (result->out, ==, expected);
  g_assert_cmpint (result->status, ==, rejected > 0 ? 1 : 0);
  if (rejected == 0)
    g_assert_cmpstr (result->err, ==, "");
}

/* show --json gives back exactly the answers file that was submitted. */
static void
assert_shows (const char *db,
              const char *receipt,
              const char *answers_path)
{
  g_auto(SrTestResult) result = sr_test_run (org.inbox, "show", "--db", db, "--key", org.key,
                               "--passphrase-file", org.passphrase_file, "--json",
                               receipt, NULL);
  g_autoptr(JsonParser) shown = json_parser_new ();
  g_autoptr(JsonParser) given = json_parser_new ();
  g_autoptr(GError) error = NULL;

  sr_test_assert_ok (&result);
  json_parser_load_from_data (shown, result.out, -1, &error);
  g_assert_no_error (error);
  json_parser_load_from_file (given, answers_path, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (json_parser_get_root (shown), json_parser_get_root (given)));
}

/* The lines of list that are not receipts. */
static GPtrArray *
list_incomplete (const char *db)
{
  g_auto(SrTestResult) result = sr_test_run (org.inbox, "list", "--db", db, NULL);
  g_auto(GStrv) all = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  sr_test_assert_ok (&result);
  all = g_strsplit (result.out, "\n", -1);
  for (guint i = 0; all[i] != NULL; i++)
    if (g_str_has_prefix (all[i], "incomplete "))
      g_ptr_array_add (found, g_strdup (all[i]));
  return found;
}

/* The message id of the report behind a PNG, read back with the library. */
static char *
message_hex_of (const char *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = sr_qr_read_file (png, &error);
  g_autoptr(SrQrPart) part = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (texts->len, ==, 1);
  part = sr_qr_part_parse (texts->pdata[0], -1, &error);
  g_assert_no_error (error);
  return sr_qr_message_id_to_hex (part->message_id);
}

static GPtrArray *
part_texts_of (GPtrArray *pngs)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < pngs->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) read = sr_qr_read_file (pngs->pdata[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (read->len, ==, 1);
      g_ptr_array_add (texts, g_strdup (read->pdata[0]));
    }
  return texts;
}

/* ------------------------------------------------------------------------
 * Tests
 * --------------------------------------------------------------------- */

/* submit → qr → import the PNGs → show --json is the answers submitted. */
static void
test_round_trip (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *receipt = submit (org.answers_short);
  g_autoptr(GPtrArray) pngs = write_qr (receipt, codes, NULL);

  /* A typical report fits one code at the default version cap. */
  g_assert_cmpuint (pngs->len, ==, 1);
  g_ptr_array_add (pngs, NULL);
  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) pngs->pdata);

    assert_summary (&result, 1, 0, 0, 1, 0);
  }
  assert_shows (db, receipt, org.answers_short);

  /* Again: a duplicate report, not an error. */
  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) pngs->pdata);

    assert_summary (&result, 0, 1, 0, 1, 0);
  }

  /* The summary has no QR line when no QR code was given. */
  {
    g_autofree char *bundle = path_in (dir, "usb.srb");
    const char *files[] = { bundle, NULL };
    g_auto(SrTestResult) exported = sr_test_run (org.cli, "--data-dir", org.kiosk, "export", "--out",
                                   bundle, NULL);
    g_auto(SrTestResult) result = { 0 };

    sr_test_assert_ok (&exported);
    result = import_files (db, files);
    sr_test_assert_ok (&result);
    g_assert_true (g_str_has_prefix (result.out, "imported "));
    g_assert_null (strstr (result.out, "qr parts"));
  }

  sr_test_rmdir (dir);
}

/* A 3,000-byte narrative makes several codes; half of them in one import,
 * the rest in another: in between, list says which are missing. */
static void
test_two_imports (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *small = path_in (dir, "small");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *receipt = submit (org.answers_long);
  g_autoptr(GPtrArray) pngs = write_qr (receipt, codes, NULL);
  g_autoptr(GPtrArray) many = write_qr (receipt, small, "10");
  g_autoptr(GPtrArray) first = g_ptr_array_new ();
  g_autoptr(GPtrArray) second = g_ptr_array_new ();
  g_autoptr(GPtrArray) incomplete = NULL;
  g_autofree char *hex = message_hex_of (many->pdata[0]);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *expected = NULL;
  guint n = many->len;

  g_assert_cmpuint (pngs->len, >=, 2);
  g_assert_cmpuint (n, >, pngs->len);
  g_assert_cmpuint (n, >=, 4);

  /* Parts 1, 3, 5, … first; the rest, last first, later. */
  for (guint i = 0; i < n; i += 2)
    g_ptr_array_add (first, many->pdata[i]);
  g_ptr_array_add (first, NULL);
  for (guint i = n; i-- > 0;)
    if (i % 2 == 1)
      g_ptr_array_add (second, many->pdata[i]);
  g_ptr_array_add (second, NULL);

  /* Numbered from 1, as on the codes. */
  for (guint i = 1; i < n; i += 2)
    g_string_append_printf (missing, missing->len == 0 ? "%u" : ",%u", i + 1);

  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) first->pdata);

    assert_summary (&result, 0, 0, 0, first->len - 1, first->len - 1);
  }
  incomplete = list_incomplete (db);
  g_assert_cmpuint (incomplete->len, ==, 1);
  expected = g_strdup_printf ("incomplete %s parts %u/%u missing %s receipt %s", hex,
                              first->len - 1, n, missing->str, receipt);
  g_assert_cmpstr (incomplete->pdata[0], ==, expected);
  g_clear_pointer (&incomplete, g_ptr_array_unref);

  /* Not there yet. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "show", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file, "--json",
                                 receipt, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }

  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) second->pdata);

    assert_summary (&result, 1, 0, 0, second->len - 1, 0);
  }
  incomplete = list_incomplete (db);
  g_assert_cmpuint (incomplete->len, ==, 0);
  assert_shows (db, receipt, org.answers_long);

  sr_test_rmdir (dir);
}

/* The codes in any order, some twice, one under a phone's name for it. */
static void
test_shuffled_duplicated (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *renamed = path_in (dir, "IMG_20250314_101502.PNG");
  g_autofree char *receipt = submit (org.answers_long);
  g_autoptr(GPtrArray) pngs = write_qr (receipt, codes, "12");
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20250314);
  guint n = pngs->len;

  g_assert_cmpuint (n, >=, 3);
  copy_file (pngs->pdata[1], renamed);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (files, pngs->pdata[i]);
  g_ptr_array_add (files, pngs->pdata[0]);
  g_ptr_array_add (files, pngs->pdata[n - 1]);
  g_ptr_array_add (files, renamed);
  for (guint i = files->len - 1; i > 0; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1);
      gpointer t = files->pdata[i];

      files->pdata[i] = files->pdata[j];
      files->pdata[j] = t;
    }
  g_ptr_array_add (files, NULL);

  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) files->pdata);

    assert_summary (&result, 1, 0, 0, n + 3, 0);
  }
  assert_shows (db, receipt, org.answers_long);

  sr_test_rmdir (dir);
}

/* The codes of two reports mixed in one call. */
static void
test_two_reports (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes_a = path_in (dir, "a");
  g_autofree char *codes_b = path_in (dir, "b");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *receipt_a = submit (org.answers_long);
  g_autofree char *receipt_b = submit (org.answers_other);
  g_autoptr(GPtrArray) a = write_qr (receipt_a, codes_a, "10");
  g_autoptr(GPtrArray) b = write_qr (receipt_b, codes_b, "8");
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  g_assert_cmpuint (a->len, >=, 2);
  g_assert_cmpuint (b->len, >=, 2);
  for (guint i = 0; i < MAX (a->len, b->len); i++)
    {
      if (i < b->len)
        g_ptr_array_add (files, b->pdata[b->len - 1 - i]);
      if (i < a->len)
        g_ptr_array_add (files, a->pdata[i]);
    }
  g_ptr_array_add (files, NULL);

  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) files->pdata);

    assert_summary (&result, 2, 0, 0, a->len + b->len, 0);
  }
  assert_shows (db, receipt_a, org.answers_long);
  assert_shows (db, receipt_b, org.answers_other);

  sr_test_rmdir (dir);
}

/* A scanner app's export: one part a line, CRLF, a byte-order mark, blank
 * lines and blanks around the texts. */
static void
test_text_file (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *scans = path_in (dir, "scans.txt");
  g_autofree char *receipt = submit (org.answers_long);
  g_autoptr(GPtrArray) pngs = write_qr (receipt, codes, "10");
  g_autoptr(GPtrArray) texts = part_texts_of (pngs);
  g_autoptr(GString) file = g_string_new ("\xef\xbb\xbf\r\n");

  for (guint i = texts->len; i-- > 0;)
    g_string_append_printf (file, "%s%s\r\n\r\n", i % 2 ? "  " : "", (char *) texts->pdata[i]);
  g_string_append (file, "\t\r\n");
  write_text (scans, file->str);

  {
    const char *files[] = { scans, NULL };
    g_auto(SrTestResult) result = import_files (db, files);

    assert_summary (&result, 1, 0, 0, texts->len, 0);
  }
  assert_shows (db, receipt, org.answers_long);

  sr_test_rmdir (dir);
}

/* Another app's QR code among ours: rejected with its reason, exit 1, and
 * the report still imported. */
static void
test_foreign_code (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *foreign = path_in (dir, "wifi.png");
  g_autofree char *qrencode = g_find_program_in_path ("qrencode");
  g_autofree char *receipt = submit (org.answers_short);
  g_autoptr(GPtrArray) pngs = write_qr (receipt, codes, "5");
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_autofree char *problem = NULL;

  if (qrencode != NULL)
    {
      g_auto(SrTestResult) made = sr_test_run (qrencode, "-o", foreign, "-s", "6",
                                 "WIFI:T:WPA;S:Guest;P:letmein;;", NULL);

      sr_test_assert_ok (&made);
    }
  else
    {
      /* Without the tool, an alphanumeric code that is not a part. */
      g_autoptr(GError) error = NULL;

      sr_qr_write_png ("HTTPS://EXAMPLE.ORG/JOBS", foreign, 6, &error);
      g_assert_no_error (error);
    }

  g_ptr_array_add (files, pngs->pdata[0]);
  g_ptr_array_add (files, foreign);
  for (guint i = 1; i < pngs->len; i++)
    g_ptr_array_add (files, pngs->pdata[i]);
  g_ptr_array_add (files, NULL);

  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) files->pdata);

    assert_summary (&result, 1, 0, 1, pngs->len, 0);
    problem = g_strdup_printf ("safereport-inbox: %s: code 1: This QR code is not part of a "
                               "SafeReport report.\n", foreign);
    g_assert_cmpstr (result.err, ==, problem);
  }
  assert_shows (db, receipt, org.answers_short);

  sr_test_rmdir (dir);
}

/* Photos as a phone takes them: turned, blurred, JPEG at quality 50. */
static void
test_degraded_jpeg (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *convert = g_find_program_in_path ("convert");
  g_autofree char *receipt = NULL;
  g_autoptr(GPtrArray) pngs = NULL;
  g_autoptr(GPtrArray) jpegs = g_ptr_array_new_with_free_func (g_free);

  if (convert == NULL)
    {
      g_test_skip ("ImageMagick's convert is not installed");
      sr_test_rmdir (dir);
      return;
    }

  receipt = submit (org.answers_long);
  pngs = write_qr (receipt, codes, NULL);
  for (guint i = 0; i < pngs->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i + 1);
      char *jpeg = path_in (dir, name);
      g_auto(SrTestResult) made = sr_test_run (convert, pngs->pdata[i], "-background", "white",
                                 "-rotate", "7", "-blur", "0x1.2", "-quality", "50",
                                 jpeg, NULL);

      sr_test_assert_ok (&made);
      g_ptr_array_add (jpegs, jpeg);
    }
  g_ptr_array_add (jpegs, NULL);

  {
    g_auto(SrTestResult) result = import_files (db, (const char *const *) jpegs->pdata);

    assert_summary (&result, 1, 0, 0, pngs->len, 0);
  }
  assert_shows (db, receipt, org.answers_long);

  sr_test_rmdir (dir);
}

/* A part text with one character changed is rejected; the report waits
 * for the genuine code, and takes it in the next import. */
static void
test_tampered_part (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *scans = path_in (dir, "scans.txt");
  g_autofree char *receipt = submit (org.answers_long);
  g_autoptr(GPtrArray) pngs = write_qr (receipt, codes, "10");
  g_autoptr(GPtrArray) texts = part_texts_of (pngs);
  g_autofree char *hex = message_hex_of (pngs->pdata[0]);
  g_autoptr(GString) file = g_string_new (NULL);
  g_autoptr(GPtrArray) incomplete = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *problem = NULL;
  char *tampered;
  guint n = texts->len;

  g_assert_cmpuint (n, >=, 3);
  tampered = texts->pdata[1];
  tampered[strlen (tampered) / 2] = tampered[strlen (tampered) / 2] == '7' ? '8' : '7';
  for (guint i = 0; i < n; i++)
    g_string_append_printf (file, "%s\n", (char *) texts->pdata[i]);
  write_text (scans, file->str);

  {
    const char *files[] = { scans, NULL };
    g_auto(SrTestResult) result = import_files (db, files);

    assert_summary (&result, 0, 0, 1, n - 1, n - 1);
    problem = g_strdup_printf ("safereport-inbox: %s: code 2: This QR code is damaged", scans);
    g_assert_true (g_str_has_prefix (result.err, problem));
    g_assert_cmpuint (strlen (strchr (result.err, '\n')), ==, 1);
  }
  incomplete = list_incomplete (db);
  g_assert_cmpuint (incomplete->len, ==, 1);
  expected = g_strdup_printf ("incomplete %s parts %u/%u missing 2 receipt %s", hex, n - 1, n,
                              receipt);
  g_assert_cmpstr (incomplete->pdata[0], ==, expected);

  {
    const char *files[] = { pngs->pdata[1], NULL };
    g_auto(SrTestResult) result = import_files (db, files);

    assert_summary (&result, 1, 0, 0, 1, 0);
  }
  assert_shows (db, receipt, org.answers_long);

  sr_test_rmdir (dir);
}

/* What qr refuses, each with one clear line, writing nothing. */
static void
test_qr_errors (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *codes = path_in (dir, "codes");
  g_autofree char *earlier = path_in (dir, "earlier");
  g_autofree char *earlier_part = path_in (earlier, "part-01.png");
  g_autofree char *notes = path_in (earlier, "notes.txt");
  g_autofree char *plain_file = path_in (dir, "a-file");
  g_autofree char *under_file = path_in (plain_file, "codes");
  g_autofree char *pdf = path_in (dir, "sheet.pdf");
  g_autofree char *receipt = submit (org.answers_short);

  /* Unknown receipt, and not a receipt at all. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", "ABCDE-FGHJK",
                                 "--out-dir", codes, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "ABCDE-FGHJK"));
    g_assert_false (g_file_test (codes, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", "hello",
                                 "--out-dir", codes, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_false (g_file_test (codes, G_FILE_TEST_EXISTS));
  }

  /* A folder holding codes of an earlier run is refused and left as it
   * was; other files in a folder do not matter. */
  g_assert_cmpint (g_mkdir (earlier, 0700), ==, 0);
  write_text (notes, "notes");
  {
    g_autoptr(GPtrArray) pngs = write_qr (receipt, earlier, NULL);
    g_autoptr(GBytes) before = sr_test_read (earlier_part);
    g_autoptr(GBytes) after = NULL;
    g_autoptr(GDir) listing = NULL;
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt,
                                 "--out-dir", earlier, "--max-version", "5", NULL);
    guint n_files = 0;

    /* At version 5 the report would be several codes, so a part-02.png
     * would show that something was written. */
    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "part-01.png"));
    after = sr_test_read (earlier_part);
    g_assert_true (g_bytes_equal (before, after));
    listing = g_dir_open (earlier, 0, NULL);
    while (g_dir_read_name (listing) != NULL)
      n_files++;
    g_assert_cmpuint (n_files, ==, pngs->len + 1);
  }

  /* A folder that cannot be made or written. */
  write_text (plain_file, "a file, not a folder");
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt,
                                 "--out-dir", under_file, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt,
                                 "--out-dir", plain_file, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "not a folder"));
  }
  if (geteuid () != 0)
    {
      g_autofree char *locked = path_in (dir, "locked");
      g_auto(SrTestResult) result = { 0 };

      g_assert_cmpint (g_mkdir (locked, 0500), ==, 0);
      result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt, "--out-dir", locked, NULL);
      sr_test_assert_one_line_error (&result, "safereport-cli");
      g_assert_nonnull (strstr (result.err, "Cannot write"));
      g_chmod (locked, 0700);
    }

  /* Versions out of range, and nothing to write to. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt,
                                 "--out-dir", codes, "--max-version", "4", NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "--max-version"));
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt,
                                 "--out-dir", codes, "--max-version", "41", NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "--out-dir"));
  }
  g_assert_false (g_file_test (codes, G_FILE_TEST_EXISTS));

  /* The printable sheet: written once, never over a file. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt,
                                 "--pdf", pdf, NULL);
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *line = g_strconcat (pdf, "\n", NULL);

    sr_test_assert_ok (&result);
    g_assert_cmpstr (result.out, ==, line);
    bytes = sr_test_read (pdf);
    g_assert_true (g_str_has_prefix (g_bytes_get_data (bytes, NULL), "%PDF-"));
    assert_mode (pdf, 0600);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "qr", receipt,
                                 "--pdf", pdf, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "already exists"));
  }

  sr_test_rmdir (dir);
}

/* --help says what the commands do with QR codes. */
static void
test_help (void)
{
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "qr", "--help", NULL);

    sr_test_assert_ok (&result);
    g_assert_nonnull (strstr (result.out, "--out-dir"));
    g_assert_nonnull (strstr (result.out, "--max-version"));
    g_assert_nonnull (strstr (result.out, "--pdf"));
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "import", "--help", NULL);

    sr_test_assert_ok (&result);
    g_assert_nonnull (strstr (result.out, "qr parts: N read, N waiting for more"));
    g_assert_nonnull (strstr (result.out, "JPEG"));
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "list", "--help", NULL);

    sr_test_assert_ok (&result);
    g_assert_nonnull (strstr (result.out, "incomplete"));
  }
}

/* ------------------------------------------------------------------------
 * Shared set-up
 * --------------------------------------------------------------------- */

static void
set_up (void)
{
  g_autofree char *org_dir = NULL;
  g_autofree char *long_dir = sr_test_data_path ("answers-long");
  g_autofree char *short_dir = sr_test_data_path ("answers");

  org.cli = g_getenv ("SR_CLI");
  org.inbox = g_getenv ("SR_INBOX");
  g_assert_nonnull (org.cli);
  g_assert_nonnull (org.inbox);

  org.dir = sr_test_mkdtemp ();
  org_dir = path_in (org.dir, "org");
  org.key = path_in (org_dir, "org.key");
  org.passphrase_file = path_in (org.dir, "passphrase");
  org.profile = path_in (org.dir, "org.srp");
  org.kiosk = path_in (org.dir, "kiosk");
  org.answers_short = path_in (short_dir, "en.json");
  org.answers_long = path_in (long_dir, "th.json");
  org.answers_other = path_in (long_dir, "ar.json");
  write_text (org.passphrase_file, PASSPHRASE "\n");

  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "keygen", "--out-dir", org_dir,
                                 "--passphrase-file", org.passphrase_file, NULL);

    sr_test_assert_ok (&result);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "profile", "--key", org.key,
                                 "--passphrase-file", org.passphrase_file,
                                 "--name", "Test organisation", "--out", org.profile, NULL);

    sr_test_assert_ok (&result);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", org.kiosk, "provision", org.profile,
                                 NULL);

    sr_test_assert_ok (&result);
  }

  /* The long narrative is what the corpus says it is. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *answers;

    json_parser_load_from_file (parser, org.answers_long, &error);
    g_assert_no_error (error);
    answers = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                             "answers");
    g_assert_cmpuint (strlen (json_object_get_string_member (answers, "narrative")), >=, 2800);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  sr_test_init (&argc, &argv);
  set_up ();

  g_test_add_func ("/sr/qr-cli/round-trip", test_round_trip);
  g_test_add_func ("/sr/qr-cli/two-imports", test_two_imports);
  g_test_add_func ("/sr/qr-cli/shuffled-duplicated", test_shuffled_duplicated);
  g_test_add_func ("/sr/qr-cli/two-reports", test_two_reports);
  g_test_add_func ("/sr/qr-cli/text-file", test_text_file);
  g_test_add_func ("/sr/qr-cli/foreign-code", test_foreign_code);
  g_test_add_func ("/sr/qr-cli/degraded-jpeg", test_degraded_jpeg);
  g_test_add_func ("/sr/qr-cli/tampered-part", test_tampered_part);
  g_test_add_func ("/sr/qr-cli/qr-errors", test_qr_errors);
  g_test_add_func ("/sr/qr-cli/help", test_help);

  status = g_test_run ();

  sr_test_rmdir (org.dir);
  g_free (org.dir);
  g_free (org.key);
  g_free (org.passphrase_file);
  g_free (org.profile);
  g_free (org.kiosk);
  g_free (org.answers_short);
  g_free (org.answers_long);
  g_free (org.answers_other);
  return status;
}
