/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-fuzz"

#include "sr-fuzz.h"

#include <sodium.h>
#include <string.h>

#include "sr-ack.h"
#include "sr-answers.h"
#include "sr-base45.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-form.h"
#include "sr-image.h"
#include "sr-keys-private.h"
#include "sr-profile.h"
#include "sr-qr.h"
#include "sr-report.h"

/* What every parser must do with any input: return an error or a value,
 * never crash. Where a parser accepts an input, the targets also check
 * that what it made survives the way back (encode, then decode again) and
 * that every getter works on it, because a parser that accepts what its
 * own writer cannot reproduce is as wrong as one that crashes. Such a
 * disagreement aborts, so the fuzzer reports it like a crash. */

#define FUZZ_ASSERT(cond)                                                \
  G_STMT_START {                                                         \
    if (G_UNLIKELY (!(cond)))                                            \
      g_error ("%s:%d: fuzz property failed: %s", __FILE__, __LINE__, #cond); \
  } G_STMT_END

/* ---- Setup ------------------------------------------------------------ */

static SrOrgSecret *fuzz_secret;
static SrForm *default_form;

void
sr_fuzz_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_autoptr(GError) error = NULL;

      if (!sr_init (&error))
        g_error ("%s", error->message);
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      g_once_init_leave (&done, 1);
    }
}

/* Derives a key from a label, so that the keys are the same on every
 * machine and the seeds made with them stay valid. */
static void
fixed_bytes (const char *label,
             guint8      out[32])
{
  crypto_generichash (out, 32, (const guint8 *) label, strlen (label), NULL, 0);
}

const SrOrgSecret *
sr_fuzz_secret (void)
{
  if (fuzz_secret == NULL)
    {
      g_autoptr(GError) error = NULL;
      guint8 seed[crypto_sign_SEEDBYTES];
      guint8 sign_pk[crypto_sign_PUBLICKEYBYTES];
      guint8 sign_sk[crypto_sign_SECRETKEYBYTES];
      guint8 box_sks[2][SR_BOX_KEY_BYTES];

      sr_fuzz_init ();
      fixed_bytes ("SafeReport fuzz signing key", seed);
      crypto_sign_seed_keypair (sign_pk, sign_sk, seed);
      fixed_bytes ("SafeReport fuzz box key (current)", box_sks[0]);
      fixed_bytes ("SafeReport fuzz box key (retired)", box_sks[1]);
      fuzz_secret = sr_org_secret_new_from_keys (sign_sk, (const guint8 (*)[SR_BOX_KEY_BYTES]) box_sks,
                                                 2, &error);
      g_assert_no_error (error);
      sodium_memzero (sign_sk, sizeof sign_sk);
      sodium_memzero (box_sks, sizeof box_sks);
    }

  return fuzz_secret;
}

static SrForm *
fuzz_default_form (void)
{
  if (default_form == NULL)
    {
      g_autoptr(GError) error = NULL;

      default_form = sr_form_load_default (&error);
      g_assert_no_error (error);
    }

  return default_form;
}

/* ---- Shared checks ---------------------------------------------------- */

/* Reads everything a form offers, the way the app shows it. */
static void
walk_form (SrForm *form)
{
  const char *const *languages = sr_form_get_languages (form);
  g_autoptr(SrAnswers) empty = sr_answers_new (sr_form_get_id (form), "en");

  FUZZ_ASSERT (sr_form_get_id (form) != NULL);
  FUZZ_ASSERT (sr_form_has_language (form, "en"));
  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);
      const char *const *values = NULL;

      FUZZ_ASSERT (sr_form_lookup (form, sr_question_get_id (question)) == question);
      (void) sr_question_get_kind (question);
      (void) sr_question_get_required (question);
      (void) sr_question_get_max_length (question);
      (void) sr_question_get_section (question);
      (void) sr_question_get_show_if (question, &values);
      (void) sr_question_is_shown (question, empty);
      for (guint l = 0; languages[l] != NULL; l++)
        {
          FUZZ_ASSERT (sr_question_get_label (question, languages[l]) != NULL);
          (void) sr_question_get_help (question, languages[l]);
          for (guint o = 0; o < sr_question_get_n_options (question); o++)
            FUZZ_ASSERT (sr_question_get_option_label (question, o, languages[l]) != NULL);
        }
      for (guint o = 0; o < sr_question_get_n_options (question); o++)
        FUZZ_ASSERT (sr_question_has_option (question, sr_question_get_option_id (question, o)));
    }
}

/* Encodes answers every way the codec can and decodes each result: the
 * same answers and day must come back. */
static void
report_round_trip (SrAnswers *answers,
                   guint32    day)
{
  static const SrReportMethod methods[] = { SR_REPORT_STORED, SR_REPORT_DEFLATE, SR_REPORT_WINDOW };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrSecret) encoded = sr_report_encode_method (answers, day, methods[m], &error);
      g_autoptr(SrAnswers) again = NULL;
      guint32 day_again = 0;

      /* Only the window method may refuse: it needs a non-ASCII character. */
      if (encoded == NULL)
        {
          FUZZ_ASSERT (methods[m] == SR_REPORT_WINDOW);
          continue;
        }
      again = sr_report_decode (encoded->data, encoded->len, &day_again, &error);
      if (again == NULL)
        g_error ("a report encoded with method %u does not decode: %s", methods[m], error->message);
      FUZZ_ASSERT (day_again == day);
      FUZZ_ASSERT (sr_answers_equal (answers, again));
    }
}

/* The answers JSON of answers, read back, must be the same answers. The
 * JSON holds no attachments: they are added back before comparing. */
static void
json_round_trip (SrAnswers *answers)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnswers) again = NULL;
  char *json = sr_answers_to_json (answers, FALSE);

  again = sr_answers_new_from_json (json, -1, &error);
  sr_wipe_string_free (json);
  if (again == NULL)
    g_error ("answers written as JSON do not read back: %s", error->message);
  for (guint i = 0; i < sr_answers_get_n_attachments (answers); i++)
    {
      const char *media_type = NULL;
      const SrSecret *image = sr_answers_get_attachment (answers, i, &media_type);

      FUZZ_ASSERT (sr_answers_add_attachment (again, media_type,
                                              sr_secret_new_from (image->data, image->len), NULL));
    }
  FUZZ_ASSERT (sr_answers_equal (answers, again));
}

/* ---- Targets ---------------------------------------------------------- */

static void
fuzz_report_bytes (const guint8 *data,
                   gsize         len)
{
  g_autoptr(SrAnswers) answers = NULL;
  g_autoptr(GError) error = NULL;
  guint32 day = 0;

  answers = sr_report_decode (data, len, &day, &error);
  if (answers == NULL)
    {
      FUZZ_ASSERT (error != NULL && error->domain == SR_ERROR);
      return;
    }

  /* A stored body is the one canonical encoding of its answers. */
  if (data[1] == SR_REPORT_STORED)
    {
      g_autoptr(SrSecret) again = sr_report_encode_method (answers, day, SR_REPORT_STORED, &error);

      g_assert_no_error (error);
      FUZZ_ASSERT (again->len == len && memcmp (again->data, data, len) == 0);
    }
  report_round_trip (answers, day);
  json_round_trip (answers);
  (void) sr_answers_validate (answers, fuzz_default_form (), NULL);
}

static void
fuzz_envelope (const guint8 *data,
               gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) plaintext = NULL;
  guint8 id[SR_ENVELOPE_ID_BYTES];
  g_autofree char *receipt = NULL;
  g_autofree char *normalized = NULL;
  gboolean checked, verified;

  checked = sr_envelope_check (data, len, NULL);
  verified = sr_envelope_verify (data, len, sr_fuzz_secret (), NULL);
  plaintext = sr_envelope_open (data, len, sr_fuzz_secret (), &error);

  /* The three agree: what opens passes the cheaper checks. */
  FUZZ_ASSERT ((plaintext != NULL) == verified);
  FUZZ_ASSERT (plaintext == NULL || checked);
  FUZZ_ASSERT (plaintext != NULL || error != NULL);

  sr_envelope_id (data, len, id);
  receipt = sr_receipt_from_id (id);
  normalized = sr_receipt_normalize (receipt);
  FUZZ_ASSERT (g_strcmp0 (normalized, receipt) == 0);

  /* What an envelope holds goes on to the report codec, as in the inbox. */
  if (plaintext != NULL)
    fuzz_report_bytes (plaintext->data, plaintext->len);
}

static void
fuzz_bundle (const guint8 *data,
             gsize         len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);
  g_autoptr(SrBundleReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  FUZZ_ASSERT (!sr_bundle_sniff (data, len) || len >= 3);
  reader = sr_bundle_reader_new_from_bytes (bytes, sr_fuzz_secret (), &error);
  if (reader == NULL)
    {
      FUZZ_ASSERT (error != NULL);
      return;
    }

  n = sr_bundle_reader_get_n_records (reader);
  (void) sr_bundle_reader_get_day (reader);
  /* A crafted manifest may claim millions of records; reading a few is
   * enough to exercise the code. */
  for (guint i = 0; i < MIN (n, 64); i++)
    {
      g_autoptr(GBytes) record = NULL;
      g_autoptr(GError) record_error = NULL;
      guint8 id[SR_ENVELOPE_ID_BYTES];

      FUZZ_ASSERT (sr_bundle_reader_get_id (reader, i) != NULL);
      record = sr_bundle_reader_get_record (reader, i, &record_error);
      if (record == NULL)
        continue;
      /* A record that reads is the envelope its id names. */
      sr_envelope_id (g_bytes_get_data (record, NULL), g_bytes_get_size (record), id);
      FUZZ_ASSERT (memcmp (id, sr_bundle_reader_get_id (reader, i), sizeof id) == 0);
      fuzz_envelope (g_bytes_get_data (record, NULL), g_bytes_get_size (record));
    }
  (void) sr_bundle_reader_get_record (reader, n, NULL);
  (void) sr_bundle_reader_check_tail (reader, NULL);
}

static void
fuzz_ack (const guint8 *data,
          gsize         len)
{
  SrOrgPublic pub;
  g_autoptr(SrAck) ack = NULL;
  g_autoptr(GError) error = NULL;

  sr_org_secret_get_public (sr_fuzz_secret (), &pub);
  ack = sr_ack_new_from_data (data, len, pub.sign, &error);
  if (ack == NULL)
    {
      FUZZ_ASSERT (error != NULL);
      return;
    }

  FUZZ_ASSERT (memcmp (sr_ack_get_signer (ack), pub.sign, SR_SIGN_PK_BYTES) == 0);
  (void) sr_ack_get_day (ack);
  for (guint i = 0; i < sr_ack_get_n_ids (ack); i++)
    FUZZ_ASSERT (sr_ack_get_id (ack, i) != NULL);
}

static void
walk_profile (SrProfile *profile)
{
  const guint8 (*recipients)[SR_BOX_KEY_BYTES];
  JsonArray *help;

  FUZZ_ASSERT (sr_profile_get_bytes (profile) != NULL);
  FUZZ_ASSERT (sr_profile_get_signer (profile) != NULL);
  FUZZ_ASSERT (sr_profile_get_name (profile) != NULL);
  (void) sr_profile_get_contact (profile);
  FUZZ_ASSERT (sr_profile_get_serial (profile) >= 1);
  (void) sr_profile_is_demo (profile);
  (void) sr_profile_get_idle_timeout (profile);
  recipients = sr_profile_get_recipients (profile);
  FUZZ_ASSERT (sr_profile_get_n_recipients (profile) >= 1 && recipients != NULL);
  help = sr_profile_get_help (profile);
  FUZZ_ASSERT (help != NULL);
  walk_form (sr_profile_get_form (profile));
}

/* Two ways in: the input as a .srp file, which must carry a valid
 * signature before its payload is read; and the input as a payload, which
 * sr_profile_sign checks by the very rules a kiosk applies before it signs,
 * so the payload rules are fuzzed without forging signatures. What it signs
 * must then load. */
static void
fuzz_profile (const guint8 *data,
              gsize         len)
{
  g_autoptr(SrProfile) profile = NULL;
  g_autoptr(SrProfile) signed_profile = NULL;
  g_autoptr(GBytes) srp = NULL;
  g_autoptr(GError) error = NULL;

  profile = sr_profile_new_from_data (data, len, NULL);
  if (profile != NULL)
    walk_profile (profile);

  srp = sr_profile_sign (len > 0 ? (const char *) data : "", len, sr_fuzz_secret (), &error);
  if (srp == NULL)
    {
      FUZZ_ASSERT (error != NULL);
      return;
    }
  signed_profile = sr_profile_new_from_data (g_bytes_get_data (srp, NULL),
                                             g_bytes_get_size (srp), &error);
  if (signed_profile == NULL)
    g_error ("a signed profile does not load: %s", error->message);
  walk_profile (signed_profile);
}

static void
fuzz_form (const guint8 *data,
           gsize         len)
{
  g_autoptr(SrForm) form = NULL;
  g_autoptr(GError) error = NULL;

  form = sr_form_new_from_data ((const char *) data, (gssize) len, &error);
  if (form == NULL)
    {
      FUZZ_ASSERT (error != NULL);
      return;
    }
  walk_form (form);
}

static void
fuzz_answers (const guint8 *data,
              gsize         len)
{
  g_autoptr(SrAnswers) answers = NULL;
  g_autoptr(GError) error = NULL;

  answers = sr_answers_new_from_json ((const char *) data, (gssize) len, &error);
  if (answers == NULL)
    {
      FUZZ_ASSERT (error != NULL);
      return;
    }

  json_round_trip (answers);
  if (sr_answers_validate (answers, fuzz_default_form (), NULL))
    {
      /* Valid answers are what a kiosk seals: they must encode. */
      g_autoptr(SrSecret) encoded = sr_report_encode (answers, 20000, &error);

      if (encoded == NULL)
        g_error ("valid answers do not encode: %s", error->message);
      report_round_trip (answers, 20000);
    }
}

static void
fuzz_report (const guint8 *data,
             gsize         len)
{
  fuzz_report_bytes (data, len);
}

/* A photo a person chose: whatever it holds, the result is a JPEG or PNG
 * within the limits, which the sanitizer reads again as it wrote it. */
static void
fuzz_image (const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) clean = NULL;
  g_autoptr(SrSecret) again = NULL;
  const char *media_type = NULL;
  const char *media_type_again = NULL;
  guint width = 0, height = 0, width_again = 0, height_again = 0;

  clean = sr_image_sanitize (data, len, &media_type, &width, &height, &error);
  if (clean == NULL)
    {
      FUZZ_ASSERT (error != NULL && error->domain == SR_ERROR);
      return;
    }
  FUZZ_ASSERT (sr_image_check_type (media_type, clean->data, clean->len));
  FUZZ_ASSERT (clean->len <= SR_IMAGE_MAX_OUTPUT);
  FUZZ_ASSERT (width >= 1 && width <= SR_IMAGE_MAX_SIDE);
  FUZZ_ASSERT (height >= 1 && height <= SR_IMAGE_MAX_SIDE);

  again = sr_image_sanitize (clean->data, clean->len, &media_type_again, &width_again,
                             &height_again, &error);
  if (again == NULL)
    g_error ("a sanitized image does not read back: %s", error->message);
  FUZZ_ASSERT (width_again == width && height_again == height);
}

/* Restores a part's checksum, so that the assembler sees headers (index,
 * count, message id) the fuzzer chose, not only parts that fail at the
 * checksum. */
static char *
fix_part_checksum (const char *line,
                   gsize       len)
{
  g_autoptr(GBytes) decoded = NULL;
  g_autofree guint8 *copy = NULL;
  g_autofree char *b45 = NULL;
  guint8 hash[32];
  crypto_generichash_state state;
  gsize n;

  if (len < SR_QR_PREFIX_LEN || memcmp (line, SR_QR_PREFIX, SR_QR_PREFIX_LEN) != 0)
    return NULL;
  decoded = sr_base45_decode (line + SR_QR_PREFIX_LEN, (gssize) (len - SR_QR_PREFIX_LEN), NULL);
  if (decoded == NULL || g_bytes_get_size (decoded) <= SR_QR_HEADER_BYTES)
    return NULL;

  copy = g_bytes_unref_to_data (g_steal_pointer (&decoded), &n);
  crypto_generichash_init (&state, NULL, 0, sizeof hash);
  crypto_generichash_update (&state, copy, 10);
  crypto_generichash_update (&state, copy + SR_QR_HEADER_BYTES, n - SR_QR_HEADER_BYTES);
  crypto_generichash_final (&state, hash, sizeof hash);
  memcpy (copy + 10, hash, 4);
  b45 = sr_base45_encode (copy, n);
  return g_strconcat (SR_QR_PREFIX, b45, NULL);
}

/* One part text per line, each fed to the parser and to one assembler, as
 * an inbox does with the lines of a text file or the codes of a photo. */
static void
fuzz_qr (const guint8 *data,
         gsize         len)
{
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GArray) incomplete = NULL;
  GBytes *envelope;
  gsize start = 0;

  while (start <= len)
    {
      const guint8 *nl = memchr (data + start, '\n', len - start);
      gsize end = nl != NULL ? (gsize) (nl - data) : len;
      const char *line = (const char *) data + start;
      gsize line_len = end - start;
      g_autoptr(SrQrPart) part = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *fixed = NULL;
      SrQrPartStatus status;

      part = sr_qr_part_parse (line, (gssize) line_len, &error);
      if (part != NULL)
        {
          g_autoptr(SrQrPart) again = sr_qr_part_parse (part->text, -1, NULL);

          /* The canonical text parses to the same part. */
          FUZZ_ASSERT (again != NULL && g_str_equal (again->text, part->text));
          FUZZ_ASSERT (part->index < part->count);
        }
      g_clear_error (&error);
      if (!sr_qr_assembler_add (assembler, line, (gssize) line_len, &status, &error))
        FUZZ_ASSERT (error != NULL);
      g_clear_error (&error);

      fixed = fix_part_checksum (line, line_len);
      if (fixed != NULL)
        {
          if (!sr_qr_assembler_add (assembler, fixed, -1, &status, &error))
            FUZZ_ASSERT (error != NULL);
          g_clear_error (&error);
        }

      if (nl == NULL)
        break;
      start = end + 1;
    }

  while ((envelope = sr_qr_assembler_pop_envelope (assembler)) != NULL)
    {
      g_auto(GStrv) parts = sr_qr_split (envelope, 0, NULL);

      (void) parts;
      g_bytes_unref (envelope);
    }

  pending = sr_qr_assembler_get_pending_texts (assembler);
  incomplete = sr_qr_assembler_get_incomplete (assembler);
  for (guint i = 0; i < incomplete->len; i++)
    {
      SrQrProgress *progress = &g_array_index (incomplete, SrQrProgress, i);
      g_autoptr(GArray) missing = sr_qr_assembler_get_missing (assembler, progress->message_id);

      FUZZ_ASSERT (missing != NULL && missing->len == progress->count - progress->received);
      sr_qr_assembler_forget (assembler, progress->message_id);
    }

  /* What the assembler kept to resume later is accepted again. */
  {
    g_autoptr(SrQrAssembler) resumed = sr_qr_assembler_new ();

    for (guint i = 0; i < pending->len; i++)
      FUZZ_ASSERT (sr_qr_assembler_add (resumed, pending->pdata[i], -1, NULL, NULL));
  }

  /* A receipt typed by a person goes through the same kind of reader. */
  if (len < 256 && memchr (data, '\0', len) == NULL)
    {
      g_autofree char *text = g_strndup ((const char *) data, len);
      g_autofree char *receipt = sr_receipt_normalize (text);

      if (receipt != NULL)
        {
          g_autofree char *again = sr_receipt_normalize (receipt);

          FUZZ_ASSERT (g_strcmp0 (again, receipt) == 0);
        }
    }
}

static void
fuzz_base45 (const guint8 *data,
             gsize         len)
{
  g_autoptr(GBytes) decoded = NULL;
  g_autofree char *encoded = NULL;
  g_autoptr(GBytes) again = NULL;

  /* As text: a valid text is the one encoding of its bytes. */
  decoded = sr_base45_decode ((const char *) data, (gssize) len, NULL);
  if (decoded != NULL)
    {
      g_autofree char *back = sr_base45_encode (g_bytes_get_data (decoded, NULL),
                                                g_bytes_get_size (decoded));

      FUZZ_ASSERT (strlen (back) == len && memcmp (back, data, len) == 0);
      FUZZ_ASSERT (sr_base45_decoded_len (len) == g_bytes_get_size (decoded));
    }

  /* As bytes: they encode and decode back. */
  encoded = sr_base45_encode (data, len);
  FUZZ_ASSERT (strlen (encoded) == sr_base45_encoded_len (len));
  again = sr_base45_decode (encoded, -1, NULL);
  FUZZ_ASSERT (again != NULL && g_bytes_get_size (again) == len);
  FUZZ_ASSERT (len == 0 || memcmp (g_bytes_get_data (again, NULL), data, len) == 0);
}

static void
fuzz_org_pub (const guint8 *data,
              gsize         len)
{
  SrOrgPublic pub, again;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (!sr_org_public_from_text ((const char *) data, len, &pub, &error))
    {
      FUZZ_ASSERT (error != NULL);
      return;
    }

  text = sr_org_public_to_text (&pub, "Fuzz");
  if (!sr_org_public_from_text (text, strlen (text), &again, &error))
    g_error ("a public key file written back does not read: %s", error->message);
  FUZZ_ASSERT (memcmp (&pub, &again, sizeof pub) == 0);
}

/* org.key is sealed with Argon2id at 256 MiB or more, about a second per
 * try; see fuzz-kdf.c for how the fuzz programs make it cheap. */
static void
fuzz_org_key (const guint8 *data,
              gsize         len)
{
  g_autoptr(SrSecret) passphrase = sr_secret_new_from ((const guint8 *) SR_FUZZ_PASSPHRASE,
                                                       strlen (SR_FUZZ_PASSPHRASE));
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(GError) error = NULL;

  secret = sr_org_secret_unseal (data, len, passphrase, &error);
  if (secret == NULL)
    {
      FUZZ_ASSERT (error != NULL);
      return;
    }

  FUZZ_ASSERT (sr_org_secret_get_n_box_keys (secret) >= 1);
  for (guint i = 0; i < sr_org_secret_get_n_box_keys (secret); i++)
    FUZZ_ASSERT (sr_org_secret_get_box_pk (secret, i) != NULL);
}

const SrFuzzTarget sr_fuzz_targets[] = {
  { "envelope", fuzz_envelope },
  { "bundle", fuzz_bundle },
  { "ack", fuzz_ack },
  { "profile", fuzz_profile },
  { "form", fuzz_form },
  { "answers", fuzz_answers },
  { "report", fuzz_report },
  { "image", fuzz_image },
  { "qr", fuzz_qr },
  { "base45", fuzz_base45 },
  { "org-pub", fuzz_org_pub },
  { "org-key", fuzz_org_key },
  { NULL, NULL },
};

const SrFuzzTarget *
sr_fuzz_target_lookup (const char *name)
{
  for (guint i = 0; sr_fuzz_targets[i].name != NULL; i++)
    if (g_str_equal (sr_fuzz_targets[i].name, name))
      return &sr_fuzz_targets[i];
  return NULL;
}
