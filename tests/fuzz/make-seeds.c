/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-fuzz"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "sr-ack.h"
#include "sr-answers.h"
#include "sr-base45.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-form.h"
#include "sr-fuzz.h"
#include "sr-keys-private.h"
#include "sr-profile.h"
#include "sr-qr.h"
#include "sr-report.h"

/* Writes the seed corpora of the fuzz targets: small valid inputs of each
 * kind, sealed to and signed with the fixed fuzz keys (sr_fuzz_secret), so
 * that the fuzzer starts from files that get past the cryptography and
 * mutates from there. tests/fuzz/run calls it when a target's corpus is
 * missing; the corpora under tests/fuzz/corpus/ were made with it.
 *
 *   make-seeds SOURCE_ROOT OUT_DIR
 */

static const char *source_root;
static const char *out_root;

static void
write_seed (const char   *target,
            const char   *name,
            const guint8 *data,
            gsize         len)
{
  g_autofree char *dir = g_build_filename (out_root, target, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (path, (const char *) data, (gssize) len, &error))
    g_error ("%s", error->message);
}

static void
write_seed_bytes (const char *target,
                  const char *name,
                  GBytes     *bytes)
{
  write_seed (target, name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static GBytes *
read_source (const char *relative)
{
  g_autofree char *path = g_build_filename (source_root, relative, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  return g_bytes_new_take (contents, len);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The answers files of tests/data/answers, in a stable order. */
static GPtrArray *
answers_files (void)
{
  g_autofree char *dir_path = g_build_filename (source_root, "tests", "data", "answers", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static SrAnswers *
small_answers (void)
{
  SrAnswers *answers = sr_answers_new ("default", "en");
  const char *abuse[] = { "threats", NULL };

  sr_answers_set_text (answers, "role", "family");
  sr_answers_set_text (answers, "narrative", "My brother went to work abroad and has not called since.");
  sr_answers_set_list (answers, "abuse", abuse);
  sr_answers_set_text (answers, "last_contact", "2024-02-29");
  sr_answers_set_text (answers, "held_country_other", "KH");
  sr_answers_set_text (answers, "others_held", "yes");
  sr_answers_set_number (answers, "others_count", 3);
  sr_answers_set_bool (answers, "consent", TRUE);
  return answers;
}

static GBytes *
seal_to (const guint8  *plaintext,
         gsize          len,
         guint          n_recipients)
{
  const SrOrgSecret *secret = sr_fuzz_secret ();
  guint8 recipients[3][SR_BOX_KEY_BYTES];
  g_autoptr(GError) error = NULL;
  GBytes *envelope;

  /* The current key, a retired one, and a stranger's. */
  memcpy (recipients[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  memcpy (recipients[1], sr_org_secret_get_box_pk (secret, 1), SR_BOX_KEY_BYTES);
  crypto_box_keypair (recipients[2], (guint8[crypto_box_SECRETKEYBYTES]) { 0 });

  envelope = sr_envelope_seal (plaintext, len, (const guint8 (*)[SR_BOX_KEY_BYTES]) recipients,
                               n_recipients, &error);
  g_assert_no_error (error);
  return envelope;
}

typedef struct
{
  GPtrArray *envelopes;
  guint      next;
} NextState;

static GBytes *
next_envelope (gpointer   user_data,
               GError   **error)
{
  NextState *state = user_data;

  return g_bytes_ref (state->envelopes->pdata[state->next++]);
}

static void
write_bundle (const char *name,
              GPtrArray  *envelopes)
{
  const SrOrgSecret *secret = sr_fuzz_secret ();
  g_autofree guint8 (*ids)[SR_ENVELOPE_ID_BYTES] = g_malloc0 ((gsize) MAX (envelopes->len, 1) * SR_ENVELOPE_ID_BYTES);
  g_autofree guint32 *lengths = g_new0 (guint32, MAX (envelopes->len, 1));
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  NextState state = { envelopes, 0 };
  guint8 key[32];
  int fd;

  for (guint i = 0; i < envelopes->len; i++)
    {
      sr_envelope_id (g_bytes_get_data (envelopes->pdata[i], NULL),
                      g_bytes_get_size (envelopes->pdata[i]), ids[i]);
      lengths[i] = (guint32) g_bytes_get_size (envelopes->pdata[i]);
    }

  fd = g_file_open_tmp ("sr-seed-XXXXXX.srb", &path, &error);
  g_assert_no_error (error);
  if (!sr_bundle_write (fd, (const guint8 (*)[SR_BOX_KEY_BYTES]) sr_org_secret_get_box_pk (secret, 0), 1,
                        envelopes->len, (const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids, lengths,
                        next_envelope, &state, NULL, NULL, key, &error))
    g_error ("%s", error->message);
  close (fd);
  {
    char *contents = NULL;
    gsize len = 0;

    if (!g_file_get_contents (path, &contents, &len, &error))
      g_error ("%s", error->message);
    bytes = g_bytes_new_take (contents, len);
  }
  g_unlink (path);
  sodium_memzero (key, sizeof key);
  write_seed_bytes ("bundle", name, bytes);
}

int
main (int    argc,
      char **argv)
{
  const SrOrgSecret *secret;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) envelopes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(SrAnswers) small = NULL;
  g_autoptr(SrForm) form = NULL;
  SrOrgPublic pub;

  if (argc != 3)
    {
      g_printerr ("Usage: %s SOURCE_ROOT OUT_DIR\n", argv[0]);
      return 2;
    }
  source_root = argv[1];
  out_root = argv[2];
  sr_fuzz_init ();
  secret = sr_fuzz_secret ();
  sr_org_secret_get_public (secret, &pub);
  form = sr_form_load_default (NULL);
  g_assert_nonnull (form);

  /* Answers, reports, envelopes: one of each per language file, kept
   * small by taking the smaller files. */
  names = answers_files ();
  small = small_answers ();
  for (guint i = 0; i <= names->len; i++)
    {
      g_autofree char *relative = NULL;
      g_autofree char *stem = NULL;
      g_autoptr(GBytes) json = NULL;
      g_autoptr(SrAnswers) answers = NULL;
      g_autoptr(GError) error = NULL;

      if (i < names->len)
        {
          relative = g_build_filename ("tests", "data", "answers", names->pdata[i], NULL);
          stem = g_strndup (names->pdata[i], strlen (names->pdata[i]) - strlen (".json"));
          json = read_source (relative);
          answers = sr_answers_new_from_json (g_bytes_get_data (json, NULL), (gssize) g_bytes_get_size (json), &error);
          g_assert_no_error (error);
        }
      else
        {
          char *text;

          stem = g_strdup ("small");
          answers = g_steal_pointer (&small);
          text = sr_answers_to_json (answers, TRUE);
          json = g_bytes_new (text, strlen (text));
          sr_wipe_string_free (text);
        }
      if (!sr_answers_validate (answers, form, &error))
        g_error ("%s: %s", stem, error->message);
      write_seed_bytes ("answers", stem, json);

      for (SrReportMethod m = SR_REPORT_STORED; m <= SR_REPORT_WINDOW; m++)
        {
          g_autofree char *name = g_strdup_printf ("%s-method%d", stem, m);
          g_autoptr(SrSecret) report = sr_report_encode_method (answers, 20000 + i, m, NULL);

          if (report == NULL)
            continue;
          write_seed ("report", name, report->data, report->len);
          if (m == SR_REPORT_DEFLATE)
            {
              GBytes *envelope = seal_to (report->data, report->len, 1 + i % 3);

              write_seed_bytes ("envelope", stem, envelope);
              g_ptr_array_add (envelopes, envelope);
            }
        }

      /* Codec version 2: the smallest answers with two images, which the
       * codec checks only by their first bytes. */
      if (i == names->len)
        {
          static const guint8 jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F' };
          static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13 };
          g_autoptr(SrSecret) report = NULL;

          g_assert_true (sr_answers_add_attachment (answers, "image/jpeg",
                                                    sr_secret_new_from (jpeg, sizeof jpeg), NULL));
          g_assert_true (sr_answers_add_attachment (answers, "image/png",
                                                    sr_secret_new_from (png, sizeof png), NULL));
          report = sr_report_encode (answers, 20000 + i, NULL);
          g_assert_nonnull (report);
          write_seed ("report", "small-attachments", report->data, report->len);
        }
    }

  /* Envelopes of odd sizes: empty, and one past the first chunk. */
  {
    g_autofree guint8 *big = g_malloc0 (70000);
    g_autoptr(GBytes) empty = seal_to (NULL, 0, 1);
    g_autoptr(GBytes) large = NULL;

    randombytes_buf (big, 70000);
    large = seal_to (big, 70000, 2);
    write_seed_bytes ("envelope", "empty", empty);
    write_seed_bytes ("envelope", "two-chunks", large);
  }

  /* Bundles of none, one and three envelopes. */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_autoptr(GPtrArray) three = g_ptr_array_new ();

    g_ptr_array_add (one, envelopes->pdata[0]);
    for (guint i = 0; i < 3; i++)
      g_ptr_array_add (three, envelopes->pdata[i]);
    write_bundle ("none", none);
    write_bundle ("one", one);
    write_bundle ("three", three);
  }

  /* Acknowledgements of none, one and three envelopes. */
  for (guint n = 0; n <= 3; n += (n == 0 ? 1 : 2))
    {
      g_autofree guint8 (*ids)[SR_ENVELOPE_ID_BYTES] = g_malloc0 ((gsize) MAX (n, 1) * SR_ENVELOPE_ID_BYTES);
      g_autofree char *name = g_strdup_printf ("ids-%u", n);
      g_autoptr(GBytes) ack = NULL;

      for (guint i = 0; i < n; i++)
        sr_envelope_id (g_bytes_get_data (envelopes->pdata[i], NULL),
                        g_bytes_get_size (envelopes->pdata[i]), ids[i]);
      ack = sr_ack_create ((const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids, n, secret, NULL);
      write_seed_bytes ("ack", name, ack);
    }

  /* QR parts: every part of one envelope, one per line; a single part;
   * the parts of two envelopes mixed. */
  {
    g_auto(GStrv) parts = sr_qr_split (envelopes->pdata[0], 5, NULL);
    g_auto(GStrv) others = sr_qr_split (envelopes->pdata[1], 10, NULL);
    g_autofree char *all = g_strjoinv ("\n", parts);
    g_autoptr(GString) mixed = g_string_new (NULL);

    write_seed ("qr", "all-parts", (const guint8 *) all, strlen (all));
    write_seed ("qr", "one-part", (const guint8 *) parts[0], strlen (parts[0]));
    for (guint i = 0; others[i] != NULL; i++)
      {
        g_string_append_printf (mixed, "%s\n", others[i]);
        if (i < g_strv_length (parts))
          g_string_append_printf (mixed, "  %s  \n", parts[i]);
      }
    write_seed ("qr", "mixed", (const guint8 *) mixed->str, mixed->len);
    write_seed ("qr", "receipt", (const guint8 *) "abcde fghjk", 11);

    /* base45: texts of a part and of a few short byte strings. */
    write_seed ("base45", "part", (const guint8 *) parts[0] + SR_QR_PREFIX_LEN,
                strlen (parts[0]) - SR_QR_PREFIX_LEN);
    write_seed ("base45", "rfc9285-ab", (const guint8 *) "BB8", 3);
    write_seed ("base45", "rfc9285-hello", (const guint8 *) "%69 VD92EX0", 11);
    write_seed ("base45", "rfc9285-ietf", (const guint8 *) "QED8WEX0", 8);
  }

  /* Forms: the default form and a small one with every kind. */
  {
    g_autoptr(GBytes) default_form = read_source ("data/forms/default.json");
    static const char small_form[] =
      "{\"id\": \"mini\", \"version\": 2, \"languages\": [\"en\", \"th\"], \"questions\": [\n"
      " {\"id\": \"role\", \"kind\": \"single_choice\", \"required\": true,\n"
      "  \"label\": {\"en\": \"Who?\", \"th\": \"ใคร\"},\n"
      "  \"options\": [{\"id\": \"a\", \"label\": {\"en\": \"A\", \"th\": \"ก\"}},\n"
      "               {\"id\": \"b\", \"label\": {\"en\": \"B\", \"th\": \"ข\"}}]},\n"
      " {\"id\": \"more\", \"kind\": \"long_text\", \"max_length\": 300, \"show_if\": {\"question\": \"role\", \"in\": [\"b\"]},\n"
      "  \"label\": {\"en\": \"More\", \"th\": \"เพิ่ม\"}, \"help\": {\"en\": \"Say more\", \"th\": \"บอก\"}},\n"
      " {\"id\": \"n\", \"kind\": \"number\", \"label\": {\"en\": \"N\", \"th\": \"น\"}},\n"
      " {\"id\": \"when\", \"kind\": \"date\", \"label\": {\"en\": \"When\", \"th\": \"เมื่อ\"}},\n"
      " {\"id\": \"where\", \"kind\": \"country\", \"label\": {\"en\": \"Where\", \"th\": \"ที่\"}},\n"
      " {\"id\": \"ok\", \"kind\": \"yes_no\", \"label\": {\"en\": \"OK?\", \"th\": \"ไหม\"}},\n"
      " {\"id\": \"note\", \"kind\": \"info\", \"section\": \"end\", \"label\": {\"en\": \"Note\", \"th\": \"โน้ต\"}},\n"
      " {\"id\": \"consent\", \"kind\": \"consent\", \"label\": {\"en\": \"Agree\", \"th\": \"ยอม\"}}]}\n";

    write_seed_bytes ("form", "default", default_form);
    write_seed ("form", "small", (const guint8 *) small_form, strlen (small_form));

    /* Profiles: as signed files, and as payloads (the profile target also
     * signs its input). */
    {
      g_autofree char *box = sr_key_to_base64 (pub.box, SR_BOX_KEY_BYTES);
      g_autoptr(GBytes) template = read_source ("data/demo/profile-template.json");
      g_autoptr(GString) full = g_string_new_len (g_bytes_get_data (template, NULL),
                                                  (gssize) g_bytes_get_size (template));
      g_autofree char *mini = g_strdup_printf ("{\"name\": \"Org\", \"serial\": 7, \"recipients\": [\"%s\"]}", box);
      g_autofree char *with_form = NULL;
      g_autoptr(GBytes) srp = NULL;
      g_autoptr(GError) error = NULL;

      g_autofree char *head = g_strdup_printf ("{\"name\": \"Demo organisation\", \"recipients\": [\"%s\"],", box);

      /* The template has no name and no recipients: the CLI adds them. */
      g_string_replace (full, "{", head, 1);
      with_form = g_strdup_printf ("{\"name\": \"Org\", \"serial\": 2, \"recipients\": [\"%s\"], \"form\": %s}",
                                   box, small_form);

      write_seed ("profile", "payload-mini", (const guint8 *) mini, strlen (mini));
      write_seed ("profile", "payload-template", (const guint8 *) full->str, full->len);
      write_seed ("profile", "payload-form", (const guint8 *) with_form, strlen (with_form));
      srp = sr_profile_sign (mini, strlen (mini), secret, &error);
      g_assert_no_error (error);
      write_seed_bytes ("profile", "signed-mini", srp);
      g_clear_pointer (&srp, g_bytes_unref);
      srp = sr_profile_sign (full->str, full->len, secret, &error);
      g_assert_no_error (error);
      write_seed_bytes ("profile", "signed-template", srp);
      g_clear_pointer (&srp, g_bytes_unref);
      srp = sr_profile_sign (with_form, strlen (with_form), secret, &error);
      g_assert_no_error (error);
      write_seed_bytes ("profile", "signed-form", srp);
    }
  }

  /* Key files: the public one with and without a name, and the secret
   * one sealed under the fuzz passphrase (with the stand-in KDF of
   * fuzz-kdf.c, which this program links too). */
  {
    g_autofree char *named = sr_org_public_to_text (&pub, "Fuzz organisation");
    g_autofree char *plain = sr_org_public_to_text (&pub, NULL);
    g_autoptr(GBytes) demo_pub = read_source ("data/demo/org.pub");
    g_autoptr(SrSecret) passphrase = sr_secret_new_from ((const guint8 *) SR_FUZZ_PASSPHRASE,
                                                         strlen (SR_FUZZ_PASSPHRASE));
    g_autoptr(SrOrgSecret) one_key = NULL;
    g_autoptr(GBytes) sealed = NULL;
    g_autoptr(GBytes) sealed_one = NULL;
    guint8 salt[SR_KEY_FILE_SALT_BYTES] = { 1, 2, 3 };
    guint8 nonce[SR_KEY_FILE_NONCE_BYTES] = { 4, 5, 6 };
    guint8 box_sk[1][SR_BOX_KEY_BYTES];

    write_seed ("org-pub", "named", (const guint8 *) named, strlen (named));
    write_seed ("org-pub", "plain", (const guint8 *) plain, strlen (plain));
    write_seed_bytes ("org-pub", "demo", demo_pub);

    sealed = sr_org_secret_seal_with_params (secret, passphrase, crypto_pwhash_OPSLIMIT_MODERATE,
                                             crypto_pwhash_MEMLIMIT_MODERATE, salt, nonce, NULL);
    write_seed_bytes ("org-key", "two-box-keys", sealed);

    memcpy (box_sk[0], sr_org_secret_get_box_sk (secret, 0), SR_BOX_KEY_BYTES);
    one_key = sr_org_secret_new_from_keys (sr_org_secret_get_sign_sk (secret),
                                           (const guint8 (*)[SR_BOX_KEY_BYTES]) box_sk, 1, NULL);
    sodium_memzero (box_sk, sizeof box_sk);
    sealed_one = sr_org_secret_seal_with_params (one_key, passphrase, crypto_pwhash_OPSLIMIT_SENSITIVE,
                                                 crypto_pwhash_MEMLIMIT_MODERATE, salt, nonce, NULL);
    write_seed_bytes ("org-key", "one-box-key", sealed_one);
  }

  return 0;
}
