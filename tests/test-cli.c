/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-cli"

/* The command-line contract of DESIGN.md, end to end, through the built
 * programs ($SR_CLI and $SR_INBOX). Unlocking org.key costs about a second
 * (Argon2id), so the organisation's key and profile are made once. */

#include "sr-config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sr-ack.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-keys.h"
#include "sr-profile.h"
#include "sr-report.h"
#include "sr-test-util.h"

#define PASSPHRASE "correct horse battery staple"

static struct
{
  const char  *cli;
  const char  *inbox;
  char        *dir;            /* everything below is in here */
  char        *org_dir;
  char        *key;
  char        *pub;
  char        *passphrase_file;
  char        *wrong_passphrase_file;
  char        *profile;
  SrOrgSecret *secret;         /* the same key, unsealed in this process */
  GPtrArray   *answers_files;
} org;

/* ------------------------------------------------------------------------
 * Running the programs
 * --------------------------------------------------------------------- */

static SrTestResult
run_argv (const char *const *argv)
{
  return sr_test_spawn (argv, NULL, NULL, NULL);
}

static char **
lines (const char *text)
{
  g_autofree char *trimmed = g_strdup (text);

  g_assert_true (text[0] == '\0' || g_str_has_suffix (text, "\n"));
  if (g_str_has_suffix (trimmed, "\n"))
    trimmed[strlen (trimmed) - 1] = '\0';
  if (trimmed[0] == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (trimmed, "\n", -1);
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

/* The value of "key: value" in org.pub. */
static char *
pub_field (const char *key)
{
  g_autoptr(GBytes) bytes = sr_test_read (org.pub);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) all = g_strsplit (text, "\n", -1);
  g_autofree char *prefix = g_strconcat (key, ": ", NULL);

  for (guint i = 0; all[i] != NULL; i++)
    if (g_str_has_prefix (all[i], prefix))
      return g_strdup (all[i] + strlen (prefix));
  g_error ("org.pub has no “%s” line", key);
}

static char *
new_kiosk (const char *dir)
{
  g_auto(SrTestResult) result = { 0 };
  char *data_dir = path_in (dir, "kiosk");

  result = sr_test_run (org.cli, "--data-dir", data_dir, "provision", org.profile, NULL);
  sr_test_assert_ok (&result);
  return data_dir;
}

static void
assert_status (const char *data_dir,
               const char *expected)
{
  g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "status", NULL);
  g_autofree char *line = g_strconcat (expected, "\n", NULL);

  sr_test_assert_ok (&result);
  g_assert_cmpstr (result.out, ==, line);
}

static GStrv
submit_all (const char *data_dir)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(SrTestResult) result = { 0 };
  GStrv receipts;

  g_ptr_array_add (argv, (char *) org.cli);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, "submit");
  for (guint i = 0; i < org.answers_files->len; i++)
    g_ptr_array_add (argv, org.answers_files->pdata[i]);
  g_ptr_array_add (argv, NULL);

  result = run_argv ((const char *const *) argv->pdata);
  sr_test_assert_ok (&result);
  receipts = lines (result.out);
  g_assert_cmpuint (g_strv_length (receipts), ==, org.answers_files->len);
  return receipts;
}

/* ------------------------------------------------------------------------
 * Tests
 * --------------------------------------------------------------------- */

static void
test_keygen (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autoptr(GBytes) key_before = sr_test_read (org.key);
  g_autoptr(GBytes) pub_before = sr_test_read (org.pub);
  g_autoptr(GBytes) key_after = NULL;
  g_autoptr(GBytes) pub_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = path_in (dir, "no-such-file");
  SrOrgPublic pub;

  /* What the shared set-up made: both files, the key private. */
  assert_mode (org.key, 0600);
  g_assert_true (sr_org_public_from_text (g_bytes_get_data (pub_before, NULL),
                                          g_bytes_get_size (pub_before), &pub, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (pub.sign, SR_SIGN_PK_BYTES, sr_org_secret_get_sign_pk (org.secret), SR_SIGN_PK_BYTES);
  g_assert_cmpmem (pub.box, SR_BOX_KEY_BYTES, sr_org_secret_get_box_pk (org.secret, 0), SR_BOX_KEY_BYTES);

  /* It never replaces a key. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "keygen", "--out-dir", org.org_dir,
                                 "--passphrase-file", org.passphrase_file, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
    g_assert_nonnull (strstr (result.err, "org.key"));
  }
  key_after = sr_test_read (org.key);
  pub_after = sr_test_read (org.pub);
  g_assert_true (g_bytes_equal (key_before, key_after));
  g_assert_true (g_bytes_equal (pub_before, pub_after));

  /* Nor half of one: an existing org.pub alone also stops it. */
  {
    g_autofree char *lone = path_in (dir, "org.pub");
    g_autofree char *lone_key = path_in (dir, "org.key");
    g_auto(SrTestResult) result = { 0 };

    g_file_set_contents (lone, "x", 1, NULL);
    result = sr_test_run (org.inbox, "keygen", "--out-dir", dir,
                  "--passphrase-file", org.passphrase_file, NULL);
    sr_test_assert_one_line_error (&result, "safereport-inbox");
    g_assert_false (g_file_test (lone_key, G_FILE_TEST_EXISTS));
    g_unlink (lone);
  }

  /* A passphrase file that is not there. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "keygen", "--out-dir", dir,
                                 "--passphrase-file", missing, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }

  /* No passphrase file and no terminal: a clear refusal, not a hang. */
  {
    g_auto(SrTestResult) result = { 0 };
    const char *argv[] = { "setsid", org.inbox, "keygen", "--out-dir", dir, NULL };
    g_autofree char *setsid = g_find_program_in_path ("setsid");

    if (setsid != NULL)
      {
        argv[0] = setsid;
        result = run_argv (argv);
        g_assert_cmpint (result.status, ==, 1);
        g_assert_nonnull (strstr (result.err, "safereport-inbox: "));
      }
  }

  sr_test_rmdir (dir);
}

static gboolean
json_answers_equal (JsonObject *a,
                    JsonObject *b)
{
  g_autoptr(GList) members = json_object_get_members (a);

  if (json_object_get_size (a) != json_object_get_size (b))
    return FALSE;
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (!json_object_has_member (b, l->data))
        return FALSE;
      if (!json_node_equal (json_object_get_member (a, l->data),
                            json_object_get_member (b, l->data)))
        {
          g_test_message ("answer “%s” differs", (const char *) l->data);
          return FALSE;
        }
    }
  return TRUE;
}

static JsonObject *
parse_object (const char *text,
              gssize      len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, len, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_round_trip (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = path_in (dir, "kiosk");
  g_autofree char *bundle = path_in (dir, "usb.srb");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *csv = path_in (dir, "reports.csv");
  g_autofree char *json = path_in (dir, "reports.json");
  g_autofree char *ack = path_in (dir, "ack.sra");
  g_autofree char *today = sr_report_day_to_string (sr_report_today ());
  g_autofree char *expected = NULL;
  g_auto(GStrv) receipts = NULL;
  g_auto(GStrv) listed = NULL;
  guint n = org.answers_files->len;

  /* provision prints the pinned fingerprint, digits then words, exactly
   * as org.pub gives them. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "provision", org.profile, NULL);
    g_autofree char *digits = pub_field ("fingerprint");
    g_autofree char *words = pub_field ("words");

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("%s\n%s\n", digits, words);
    g_assert_cmpstr (result.out, ==, expected);
    g_clear_pointer (&expected, g_free);
  }
  assert_status (data_dir, "pending 0, exported 0, acknowledged 0");
  assert_mode (data_dir, 0700);

  /* submit: one receipt a line, each canonical and distinct. */
  receipts = submit_all (data_dir);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *canonical = sr_receipt_normalize (receipts[i]);

      g_assert_cmpstr (canonical, ==, receipts[i]);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (receipts[i], !=, receipts[j]);
    }
  expected = g_strdup_printf ("pending %u, exported 0, acknowledged 0", n);
  assert_status (data_dir, expected);
  g_clear_pointer (&expected, g_free);

  /* export */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "export", "--out", bundle, NULL);

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("exported %u\n", n);
    g_assert_cmpstr (result.out, ==, expected);
    g_clear_pointer (&expected, g_free);
  }
  expected = g_strdup_printf ("pending 0, exported %u, acknowledged 0", n);
  assert_status (data_dir, expected);
  g_clear_pointer (&expected, g_free);

  /* import, twice: the second time everything is a duplicate. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "import", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file, bundle, NULL);

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("imported %u, duplicates 0, rejected 0\n", n);
    g_assert_cmpstr (result.out, ==, expected);
    g_clear_pointer (&expected, g_free);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "import", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file, bundle, NULL);

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("imported 0, duplicates %u, rejected 0\n", n);
    g_assert_cmpstr (result.out, ==, expected);
    g_clear_pointer (&expected, g_free);
  }
  assert_mode (db, 0600);

  /* list: RECEIPT<TAB>YYYY-MM-DD<TAB>SIZE, every receipt once. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "list", "--db", db, NULL);

    sr_test_assert_ok (&result);
    listed = lines (result.out);
    g_assert_cmpuint (g_strv_length (listed), ==, n);
    for (guint i = 0; i < n; i++)
      {
        g_auto(GStrv) fields = g_strsplit (listed[i], "\t", -1);
        guint64 size = 0;

        g_assert_cmpuint (g_strv_length (fields), ==, 3);
        g_assert_true (g_strv_contains ((const char *const *) receipts, fields[0]));
        g_assert_cmpstr (fields[1], ==, today);
        g_assert_true (g_ascii_string_to_unsigned (fields[2], 10, 100, G_MAXUINT32, &size, NULL));
      }
  }

  /* show --json gives back exactly what was submitted. */
  for (guint i = 0; i < n; i++)
    {
      g_auto(SrTestResult) result = sr_test_run (org.inbox, "show", "--db", db, "--key", org.key,
                                   "--passphrase-file", org.passphrase_file, "--json",
                                   receipts[i], NULL);
      g_autoptr(GBytes) input = sr_test_read (org.answers_files->pdata[i]);
      g_autoptr(JsonObject) want = parse_object (g_bytes_get_data (input, NULL),
                                                 (gssize) g_bytes_get_size (input));
      g_autoptr(JsonObject) got = NULL;

      sr_test_assert_ok (&result);
      got = parse_object (result.out, -1);
      g_assert_cmpuint (json_object_get_size (got), ==, 3);
      g_assert_cmpstr (json_object_get_string_member (got, "form"), ==,
                       json_object_get_string_member (want, "form"));
      g_assert_cmpstr (json_object_get_string_member (got, "lang"), ==,
                       json_object_get_string_member (want, "lang"));
      g_assert_true (json_answers_equal (json_object_get_object_member (got, "answers"),
                                         json_object_get_object_member (want, "answers")));
    }

  /* show, readable: English labels and the day filed; any way a person
   * types the receipt. */
  {
    g_autofree char *typed = g_ascii_strdown (receipts[0], -1);
    g_auto(SrTestResult) result = { 0 };
    g_autofree char *filed = g_strdup_printf ("Filed:    %s\n", today);

    g_strdelimit (typed, "-", ' ');
    result = sr_test_run (org.inbox, "show", "--db", db, "--key", org.key,
                  "--passphrase-file", org.passphrase_file, typed, NULL);
    sr_test_assert_ok (&result);
    g_assert_nonnull (strstr (result.out, receipts[0]));
    g_assert_nonnull (strstr (result.out, filed));
    g_assert_nonnull (strstr (result.out, "Who is this report about?"));
    g_assert_null (strstr (result.out, "\"answers\""));
  }

  /* export csv and json */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "export", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file,
                                 "--format", "csv", "--out", csv, NULL);
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) rows = NULL;

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("exported %u\n", n);
    g_assert_cmpstr (result.out, ==, expected);
    g_clear_pointer (&expected, g_free);
    assert_mode (csv, 0600);

    bytes = sr_test_read (csv);
    text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_assert_true (g_str_has_prefix (text, "receipt,day,form,lang,"));
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *row_start = g_strdup_printf ("\r\n%s,%s,default,", receipts[i], today);

        g_assert_nonnull (strstr (text, row_start));
      }
    rows = g_strsplit (text, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (rows), >=, n + 2);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "export", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file,
                                 "--format", "json", "--out", json, NULL);
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonArray *array;

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("exported %u\n", n);
    g_assert_cmpstr (result.out, ==, expected);
    g_clear_pointer (&expected, g_free);
    assert_mode (json, 0600);

    json_parser_load_from_file (parser, json, &error);
    g_assert_no_error (error);
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (array), ==, n);
    for (guint i = 0; i < n; i++)
      {
        JsonObject *object = json_array_get_object_element (array, i);
        g_autoptr(GBytes) input = NULL;
        g_autoptr(JsonObject) want = NULL;
        guint k;

        for (k = 0; k < n; k++)
          if (g_str_equal (receipts[k], json_object_get_string_member (object, "receipt")))
            break;
        g_assert_cmpuint (k, <, n);
        input = sr_test_read (org.answers_files->pdata[k]);
        want = parse_object (g_bytes_get_data (input, NULL), (gssize) g_bytes_get_size (input));
        g_assert_cmpstr (json_object_get_string_member (object, "day"), ==, today);
        g_assert_cmpstr (json_object_get_string_member (object, "lang"), ==,
                         json_object_get_string_member (want, "lang"));
        g_assert_true (json_answers_equal (json_object_get_object_member (object, "answers"),
                                           json_object_get_object_member (want, "answers")));
      }
  }

  /* ack, then apply-ack on the kiosk: everything purged. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "ack", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file, "--out", ack, NULL);

    sr_test_assert_ok (&result);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "apply-ack", ack, NULL);

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("purged %u\n", n);
    g_assert_cmpstr (result.out, ==, expected);
    g_clear_pointer (&expected, g_free);
  }
  expected = g_strdup_printf ("pending 0, exported 0, acknowledged %u", n);
  assert_status (data_dir, expected);
  g_clear_pointer (&expected, g_free);

  /* Applying it again purges nothing more. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "apply-ack", ack, NULL);

    sr_test_assert_ok (&result);
    g_assert_cmpstr (result.out, ==, "purged 0\n");
  }

  sr_test_rmdir (dir);
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
test_bad_answers (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = new_kiosk (dir);
  g_autofree char *unknown = path_in (dir, "unknown.json");
  g_autofree char *option = path_in (dir, "option.json");
  g_autofree char *broken = path_in (dir, "broken.json");
  g_autofree char *good = path_in (dir, "good.json");
  g_autofree char *unprovisioned = path_in (dir, "empty-kiosk");

  write_text (good, "{\"form\": \"default\", \"lang\": \"en\", \"answers\": "
                    "{\"role\": \"witness\", \"consent\": true}}");
  write_text (unknown, "{\"form\": \"default\", \"lang\": \"en\", \"answers\": "
                       "{\"role\": \"survivor\", \"consent\": true, \"shoe_size\": \"42\"}}");
  write_text (option, "{\"form\": \"default\", \"lang\": \"km\", \"answers\": "
                      "{\"role\": \"astronaut\", \"consent\": true}}");
  write_text (broken, "{\"form\": \"default\", \"lang\": ");

  /* An unknown question, named. A good file before it is not sealed
   * either: the batch is checked whole first. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit", good, unknown, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "shoe_size"));
    g_assert_cmpstr (result.out, ==, "");
  }
  /* An option the question does not have, named by its question. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit", option, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "role"));
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit", broken, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "broken.json"));
  }
  assert_status (data_dir, "pending 0, exported 0, acknowledged 0");

  /* A kiosk without a profile seals nothing. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", unprovisioned, "submit", good, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  /* And a mistyped data directory is not made into a new, empty kiosk. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", unprovisioned, "status", NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_false (g_file_test (unprovisioned, G_FILE_TEST_EXISTS));
  }

  /* And the good one alone goes through. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit", good, NULL);

    sr_test_assert_ok (&result);
  }
  assert_status (data_dir, "pending 1, exported 0, acknowledged 0");

  sr_test_rmdir (dir);
}

static void
test_bad_provision (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = new_kiosk (dir);
  g_autofree char *foreign = path_in (dir, "foreign.srp");
  g_autofree char *forged = path_in (dir, "forged.srp");
  g_autofree char *wrong_fp = path_in (dir, "kiosk2");
  g_autoptr(SrOrgSecret) stranger = sr_org_secret_generate ();
  g_autoptr(GBytes) foreign_bytes = NULL;
  g_autoptr(GBytes) ours = sr_test_read (org.profile);
  g_autoptr(GError) error = NULL;
  g_autofree char *box = sr_key_to_base64 (sr_org_secret_get_box_pk (stranger, 0), SR_BOX_KEY_BYTES);
  g_autofree char *payload = g_strdup_printf ("{\"name\": \"Test organisation\", \"serial\": "
                                              "9999999999, \"recipients\": [\"%s\"]}", box);
  g_autofree char *text = NULL;
  char *at;

  /* A profile signed by another key: refused, the pin holds. */
  foreign_bytes = sr_profile_sign (payload, strlen (payload), stranger, &error);
  g_assert_no_error (error);
  g_file_set_contents (foreign, g_bytes_get_data (foreign_bytes, NULL),
                       (gssize) g_bytes_get_size (foreign_bytes), &error);
  g_assert_no_error (error);
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "provision", foreign, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }

  /* Our own profile with one character of its payload changed. */
  text = g_strndup (g_bytes_get_data (ours, NULL), g_bytes_get_size (ours));
  at = strstr (text, "\"payload\"");
  g_assert_nonnull (at);
  at = strchr (at + 10, '"') + 5;
  *at = (*at == 'A') ? 'B' : 'A';
  write_text (forged, text);
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "provision", forged, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }

  /* The kiosk still seals to us: what it holds is our profile. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "provision", org.profile, NULL);

    sr_test_assert_ok (&result);
  }

  /* With --fingerprint, a first profile whose key differs is not pinned. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", wrong_fp, "provision",
                                 "--fingerprint", "00000 00000", org.profile, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  {
    g_autofree char *digits = pub_field ("fingerprint");
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", wrong_fp, "provision",
                                 "--fingerprint", digits, org.profile, NULL);

    sr_test_assert_ok (&result);
  }

  sr_test_rmdir (dir);
}

static void
test_bad_ack (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = new_kiosk (dir);
  g_autofree char *bundle = path_in (dir, "usb.srb");
  g_autofree char *foreign = path_in (dir, "foreign.sra");
  g_autofree char *forged = path_in (dir, "forged.sra");
  g_autofree char *empty = path_in (dir, "empty.sra");
  g_autoptr(SrOrgSecret) stranger = sr_org_secret_generate ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) ids = g_byte_array_new ();
  g_autoptr(GBytes) foreign_ack = NULL;
  g_autoptr(GBytes) real_ack = NULL;
  g_autofree guint8 *copy = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) receipts = submit_all (data_dir);
  guint n = g_strv_length (receipts);
  gsize len;

  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "export", "--out", bundle, NULL);

    sr_test_assert_ok (&result);
  }

  /* The ids of what the kiosk holds, from the bundle it wrote. */
  {
    g_autoptr(SrBundleReader) reader = sr_bundle_reader_new (bundle, org.secret, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < sr_bundle_reader_get_n_records (reader); i++)
      g_byte_array_append (ids, sr_bundle_reader_get_id (reader, i), SR_ENVELOPE_ID_BYTES);
  }
  g_assert_cmpuint (ids->len, ==, n * SR_ENVELOPE_ID_BYTES);

  /* Signed by another organisation. */
  foreign_ack = sr_ack_create ((const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids->data, n, stranger, &error);
  g_assert_no_error (error);
  g_file_set_contents (foreign, g_bytes_get_data (foreign_ack, NULL),
                       (gssize) g_bytes_get_size (foreign_ack), &error);
  g_assert_no_error (error);

  /* Ours, with one bit of the signature flipped. */
  real_ack = sr_ack_create ((const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids->data, n, org.secret, &error);
  g_assert_no_error (error);
  copy = g_memdup2 (g_bytes_get_data (real_ack, &len), g_bytes_get_size (real_ack));
  copy[len - 1] ^= 0x01;
  g_file_set_contents (forged, (const char *) copy, (gssize) len, &error);
  g_assert_no_error (error);
  write_text (empty, "");

  expected = g_strdup_printf ("pending 0, exported %u, acknowledged 0", n);
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "apply-ack", foreign, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  assert_status (data_dir, expected);
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "apply-ack", forged, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  assert_status (data_dir, expected);
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "apply-ack", empty, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  assert_status (data_dir, expected);

  /* The genuine one purges them all. */
  g_file_set_contents (forged, g_bytes_get_data (real_ack, NULL), (gssize) len, &error);
  g_assert_no_error (error);
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "apply-ack", forged, NULL);
    g_autofree char *purged = g_strdup_printf ("purged %u\n", n);

    sr_test_assert_ok (&result);
    g_assert_cmpstr (result.out, ==, purged);
  }

  sr_test_rmdir (dir);
}

static void
test_bad_inbox (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *junk = path_in (dir, "junk.srb");
  g_autofree char *missing_db = path_in (dir, "nothing.db");
  g_autofree char *out = path_in (dir, "p.srp");

  write_text (junk, "not a bundle at all");

  /* Wrong passphrase: one line, and no output file. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "profile", "--key", org.key,
                                 "--passphrase-file", org.wrong_passphrase_file,
                                 "--name", "X", "--out", out, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }

  /* An import with a rejection: the summary on stdout, the problem on
   * stderr (one line, naming the file), exit 1. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "import", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file, junk, NULL);

    g_assert_cmpint (result.status, ==, 1);
    g_assert_cmpstr (result.out, ==, "imported 0, duplicates 0, rejected 1\n");
    sr_test_assert_one_line_error (&result, "safereport-inbox");
    g_assert_nonnull (strstr (result.err, "junk.srb"));
  }

  /* Commands that read an inbox refuse one that is not there, before
   * asking for any key. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "list", "--db", missing_db, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
    g_assert_false (g_file_test (missing_db, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "show", "--db", db, "--key", org.key,
                                 "--passphrase-file", org.passphrase_file, "not-a-receipt!", NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "list", NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
    g_assert_nonnull (strstr (result.err, "--db"));
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "export", "--db", db, "--key", org.key,
                                 "--format", "xml", "--out", out, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "frobnicate", NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "list", "--no-such-option", NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "status", NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  {
    g_autofree char *part = path_in (dir, "part-01.png");
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", dir, "qr", "ABCDE-FGHJK",
                                 "--out-dir", dir, NULL);

    /* No such report: said before anything is written. */
    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "ABCDE-FGHJK"));
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  }

  sr_test_rmdir (dir);
}

/* A photo goes in with its GPS position and comes out, in the inbox's
 * export, as an image with the same pixels' worth of picture and nothing
 * else: no EXIF, no comment, not the secret anywhere, on the kiosk or in
 * the organisation's files. */
static void
test_attachments (void)
{
  const char *secret = "SECRET-GPS-13.7563N-100.5018E";
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *data_dir = new_kiosk (dir);
  g_autofree char *photo = path_in (dir, "photo.jpg");
  g_autofree char *not_image = path_in (dir, "notes.jpg");
  g_autofree char *bundle = path_in (dir, "usb.srb");
  g_autofree char *db = path_in (dir, "inbox.db");
  g_autofree char *csv = path_in (dir, "cases.csv");
  g_autofree char *attachments = path_in (dir, "cases-attachments");
  g_autofree char *shown = path_in (dir, "shown");
  g_autofree char *receipt = NULL;
  g_autofree char *name = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GBytes) original = sr_test_make_photo (640, 480, 1, secret);
  g_autoptr(GError) error = NULL;
  const char *answers = org.answers_files->pdata[0];
  const char *answers2 = org.answers_files->pdata[1];

  g_file_set_contents (photo, g_bytes_get_data (original, NULL),
                       (gssize) g_bytes_get_size (original), &error);
  g_assert_no_error (error);
  g_file_set_contents (not_image, "not a photo at all\n", -1, &error);
  g_assert_no_error (error);

  /* Refused, with one line and nothing sealed: a file that is no image,
   * a missing file, attachments with two answers files. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit",
                                               "--attach", not_image, answers, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
    g_assert_nonnull (strstr (result.err, "notes.jpg"));
  }
  {
    g_autofree char *missing = path_in (dir, "missing.jpg");
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit",
                                               "--attach", missing, answers, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit",
                                               "--attach", photo, answers, answers2, NULL);

    sr_test_assert_one_line_error (&result, "safereport-cli");
  }
  assert_status (data_dir, "pending 0, exported 0, acknowledged 0");

  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "submit",
                                               "--attach", photo, "--attach", photo, answers,
                                               NULL);
    g_auto(GStrv) out = NULL;

    sr_test_assert_ok (&result);
    out = lines (result.out);
    g_assert_cmpuint (g_strv_length (out), ==, 1);
    receipt = g_strdup (out[0]);
  }
  /* The kiosk holds ciphertext only: neither the secret nor the photo. */
  g_assert_false (sr_test_tree_contains (data_dir, (const guint8 *) secret, strlen (secret)));
  g_assert_false (sr_test_tree_contains (data_dir, (const guint8 *) "Exif", 4));

  {
    g_auto(SrTestResult) result = sr_test_run (org.cli, "--data-dir", data_dir, "export",
                                               "--out", bundle, NULL);

    sr_test_assert_ok (&result);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "import", "--db", db, "--key", org.key,
                                               "--passphrase-file", org.passphrase_file, bundle,
                                               NULL);

    sr_test_assert_ok (&result);
    g_assert_cmpstr (result.out, ==, "imported 1, duplicates 0, rejected 0\n");
  }

  /* show lists them, and writes them only when asked. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "show", "--db", db, "--key", org.key,
                                               "--passphrase-file", org.passphrase_file,
                                               "--save-attachments", shown, receipt, NULL);
    g_autofree char *line1 = g_strdup_printf ("Attached: %s-1.jpg (image/jpeg, ", receipt);
    g_autofree char *line2 = g_strdup_printf ("          %s-2.jpg (image/jpeg, ", receipt);

    sr_test_assert_ok (&result);
    g_assert_nonnull (strstr (result.out, line1));
    g_assert_nonnull (strstr (result.out, line2));
  }

  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "export", "--db", db, "--key", org.key,
                                               "--passphrase-file", org.passphrase_file,
                                               "--format", "csv", "--out", csv, NULL);

    sr_test_assert_ok (&result);
    expected = g_strdup_printf ("exported 1\nattachments 2 in %s\n", attachments);
    g_assert_cmpstr (result.out, ==, expected);
  }
  assert_mode (attachments, 0700);

  name = g_strdup_printf ("%s-1.jpg %s-2.jpg\r\n", receipt, receipt);
  {
    g_autoptr(GBytes) table = sr_test_read (csv);
    g_autofree char *text = g_strndup (g_bytes_get_data (table, NULL), g_bytes_get_size (table));

    g_assert_true (g_str_has_suffix (text, name));
  }

  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *file_name = g_strdup_printf ("%s-%u.jpg", receipt, i);
      g_autofree char *path = path_in (attachments, file_name);
      g_autofree char *shown_path = path_in (shown, file_name);
      g_autoptr(GBytes) image = sr_test_read (path);
      g_autoptr(GBytes) image_shown = sr_test_read (shown_path);
      const guint8 *data = g_bytes_get_data (image, NULL);
      gsize len = g_bytes_get_size (image);

      assert_mode (path, 0600);
      g_assert_true (g_bytes_equal (image, image_shown));
      g_assert_cmpuint (len, >, 1000);
      g_assert_cmpmem (data, 3, "\xFF\xD8\xFF", 3);
      g_assert_null (memmem (data, len, secret, strlen (secret)));
      g_assert_null (memmem (data, len, "Exif", 4));
      /* The same picture, re-encoded: not the same bytes. */
      g_assert_false (g_bytes_equal (image, original));
    }
  /* Nor anywhere else the organisation keeps it. */
  g_assert_false (sr_test_tree_contains (attachments, (const guint8 *) secret, strlen (secret)));
  g_assert_false (sr_test_tree_contains (shown, (const guint8 *) secret, strlen (secret)));
  {
    g_autoptr(GBytes) table = sr_test_read (csv);
    g_autoptr(GBytes) inbox = sr_test_read (db);

    g_assert_null (memmem (g_bytes_get_data (table, NULL), g_bytes_get_size (table),
                           secret, strlen (secret)));
    g_assert_null (memmem (g_bytes_get_data (inbox, NULL), g_bytes_get_size (inbox),
                           secret, strlen (secret)));
  }
}

static void
test_help (void)
{
  static const char *const inbox_commands[] = {
    "keygen", "rotate", "profile", "import", "list", "show", "export", "ack", NULL
  };
  static const char *const cli_commands[] = {
    "provision", "submit", "export", "qr", "apply-ack", "status", NULL
  };

  for (guint t = 0; t < 2; t++)
    {
      const char *program = t == 0 ? org.inbox : org.cli;
      const char *const *commands = t == 0 ? inbox_commands : cli_commands;
      g_auto(SrTestResult) top = sr_test_run (program, "--help", NULL);

      sr_test_assert_ok (&top);
      g_assert_nonnull (strstr (top.out, "Usage"));
      for (guint i = 0; commands[i] != NULL; i++)
        {
          g_autofree char *listed = g_strdup_printf ("\n  %s ", commands[i]);
          g_auto(SrTestResult) result = sr_test_run (program, commands[i], "--help", NULL);

          g_assert_nonnull (strstr (top.out, listed));
          sr_test_assert_ok (&result);
          g_assert_nonnull (strstr (result.out, "Usage"));
          g_assert_nonnull (strstr (result.out, commands[i]));
        }
    }
}

/* rotate: a new box key in front, the old one kept; the signing key and so
 * the fingerprint stay. */
static void
test_rotate (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *new_key = path_in (dir, "org.key");
  g_autofree char *new_pub = path_in (dir, "org.pub");
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) pub_text = NULL;
  g_autoptr(SrSecret) passphrase = sr_secret_new_from ((const guint8 *) PASSPHRASE, strlen (PASSPHRASE));
  g_autoptr(SrOrgSecret) rotated = NULL;
  g_autoptr(GError) error = NULL;
  SrOrgPublic pub;

  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "rotate", "--key", org.key,
                                 "--passphrase-file", org.passphrase_file,
                                 "--out-dir", dir, NULL);

    sr_test_assert_ok (&result);
  }
  assert_mode (new_key, 0600);

  sealed = sr_test_read (new_key);
  rotated = sr_org_secret_unseal (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                                  passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_org_secret_get_n_box_keys (rotated), ==,
                    sr_org_secret_get_n_box_keys (org.secret) + 1);
  g_assert_cmpmem (sr_org_secret_get_box_pk (rotated, 1), SR_BOX_KEY_BYTES,
                   sr_org_secret_get_box_pk (org.secret, 0), SR_BOX_KEY_BYTES);
  g_assert_cmpmem (sr_org_secret_get_sign_pk (rotated), SR_SIGN_PK_BYTES,
                   sr_org_secret_get_sign_pk (org.secret), SR_SIGN_PK_BYTES);

  pub_text = sr_test_read (new_pub);
  g_assert_true (sr_org_public_from_text (g_bytes_get_data (pub_text, NULL),
                                          g_bytes_get_size (pub_text), &pub, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (pub.box, SR_BOX_KEY_BYTES, sr_org_secret_get_box_pk (rotated, 0), SR_BOX_KEY_BYTES);

  /* Never over an existing key. */
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "rotate", "--key", org.key,
                                 "--passphrase-file", org.passphrase_file,
                                 "--out-dir", dir, NULL);

    sr_test_assert_one_line_error (&result, "safereport-inbox");
  }

  sr_test_rmdir (dir);
}

/* ------------------------------------------------------------------------
 * Shared set-up
 * --------------------------------------------------------------------- */

/* g_ptr_array_sort passes pointers to the elements. */
static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
find_answers (void)
{
  g_autofree char *tests_dir = sr_test_data_path ("answers");
  g_autofree char *demo_dir = NULL;
  const char *dir_path = tests_dir;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (!g_file_test (tests_dir, G_FILE_TEST_IS_DIR))
    {
      demo_dir = g_build_filename (g_getenv ("SAFEREPORT_DATADIR"), "demo", "answers", NULL);
      dir_path = demo_dir;
    }

  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  org.answers_files = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (org.answers_files, g_build_filename (dir_path, names->pdata[i], NULL));
  g_assert_cmpuint (org.answers_files->len, >=, 3);
}

static void
set_up_organisation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(SrSecret) passphrase = NULL;

  org.cli = g_getenv ("SR_CLI");
  org.inbox = g_getenv ("SR_INBOX");
  g_assert_nonnull (org.cli);
  g_assert_nonnull (org.inbox);

  org.dir = sr_test_mkdtemp ();
  org.org_dir = path_in (org.dir, "org");
  org.key = path_in (org.org_dir, "org.key");
  org.pub = path_in (org.org_dir, "org.pub");
  org.passphrase_file = path_in (org.dir, "passphrase");
  org.wrong_passphrase_file = path_in (org.dir, "wrong-passphrase");
  org.profile = path_in (org.dir, "org.srp");

  g_file_set_contents_full (org.passphrase_file, PASSPHRASE "\n", -1,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (org.wrong_passphrase_file, "correct horse battery stapler\n", -1,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "keygen", "--out-dir", org.org_dir,
                                 "--passphrase-file", org.passphrase_file,
                                 "--name", "Test organisation", NULL);

    sr_test_assert_ok (&result);
  }
  {
    g_auto(SrTestResult) result = sr_test_run (org.inbox, "profile", "--key", org.key,
                                 "--passphrase-file", org.passphrase_file,
                                 "--name", "Test organisation", "--out", org.profile, NULL);

    sr_test_assert_ok (&result);
  }

  /* The passphrase file's trailing newline is not part of the passphrase. */
  sealed = sr_test_read (org.key);
  passphrase = sr_secret_new_from ((const guint8 *) PASSPHRASE, strlen (PASSPHRASE));
  org.secret = sr_org_secret_unseal (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                                     passphrase, &error);
  g_assert_no_error (error);

  find_answers ();
}

int
main (int    argc,
      char **argv)
{
  int status;

  sr_test_init (&argc, &argv);
  set_up_organisation ();

  g_test_add_func ("/sr/cli/keygen", test_keygen);
  g_test_add_func ("/sr/cli/round-trip", test_round_trip);
  g_test_add_func ("/sr/cli/bad-answers", test_bad_answers);
  g_test_add_func ("/sr/cli/bad-provision", test_bad_provision);
  g_test_add_func ("/sr/cli/bad-ack", test_bad_ack);
  g_test_add_func ("/sr/cli/bad-inbox", test_bad_inbox);
  g_test_add_func ("/sr/cli/rotate", test_rotate);
  g_test_add_func ("/sr/cli/attachments", test_attachments);
  g_test_add_func ("/sr/cli/help", test_help);

  status = g_test_run ();

  sr_org_secret_free (org.secret);
  g_ptr_array_unref (org.answers_files);
  sr_test_rmdir (org.dir);
  return status;
}
