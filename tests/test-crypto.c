/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-crypto"

#include "sr-test-util.h"

#include <sodium.h>
#include <string.h>

#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-keys.h"
#include "sr-keys-private.h"
#include "sr-sign.h"
#include "sr-wordlist.h"

#define PASSPHRASE "correct horse battery staple"

static GBytes *
read_vector_file (const char *name)
{
  g_autofree char *relative = g_build_filename ("vectors", name, NULL);
  g_autofree char *path = sr_test_data_path (relative);

  return sr_test_read (path);
}

static SrSecret *
passphrase_new (const char *text)
{
  return sr_secret_new_from ((const guint8 *) text, strlen (text));
}

static void
assert_same_secret (const SrOrgSecret *a,
                    const SrOrgSecret *b)
{
  g_assert_cmpmem (sr_org_secret_get_sign_sk (a), SR_SIGN_SK_BYTES,
                   sr_org_secret_get_sign_sk (b), SR_SIGN_SK_BYTES);
  g_assert_cmpuint (sr_org_secret_get_n_box_keys (a), ==, sr_org_secret_get_n_box_keys (b));
  for (guint i = 0; i < sr_org_secret_get_n_box_keys (a); i++)
    {
      g_assert_cmpmem (sr_org_secret_get_box_sk (a, i), SR_BOX_KEY_BYTES,
                       sr_org_secret_get_box_sk (b, i), SR_BOX_KEY_BYTES);
      g_assert_cmpmem (sr_org_secret_get_box_pk (a, i), SR_BOX_KEY_BYTES,
                       sr_org_secret_get_box_pk (b, i), SR_BOX_KEY_BYTES);
    }
}

/* The org.key text as its blob, and back, with GLib's own base64 so that
 * the test does not lean on the code under test. */
static guint8 *
key_file_blob (GBytes *file,
               gsize  *len)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  char *body = strchr (text, '\n');

  g_assert_nonnull (body);
  return g_base64_decode (body + 1, len);
}

static GBytes *
key_file_from_blob (const guint8 *blob,
                    gsize         len)
{
  g_autofree char *base64 = g_base64_encode (blob, len);
  GString *text = g_string_new ("SafeReport organisation secret key v1\n");

  for (gsize at = 0; at < strlen (base64); at += 64)
    {
      g_string_append_len (text, base64 + at, MIN (64, strlen (base64) - at));
      g_string_append_c (text, '\n');
    }
  return g_string_free_to_bytes (text);
}

static SrOrgSecret *
unseal_bytes (GBytes     *file,
              const char *passphrase,
              GError    **error)
{
  g_autoptr(SrSecret) pass = passphrase_new (passphrase);

  return sr_org_secret_unseal (g_bytes_get_data (file, NULL), g_bytes_get_size (file),
                               pass, error);
}

/* Wordlist */

static guint
edit_distance (const char *a,
               const char *b)
{
  guint la = strlen (a), lb = strlen (b);
  guint row[16];

  g_assert_cmpuint (lb, <, G_N_ELEMENTS (row));
  for (guint j = 0; j <= lb; j++)
    row[j] = j;
  for (guint i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (guint j = 1; j <= lb; j++)
        {
          guint above = row[j];

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1),
                        diagonal + (a[i - 1] != b[j - 1]));
          diagonal = above;
        }
    }
  return row[lb];
}

static void
test_wordlist (void)
{
  for (guint i = 0; i < SR_WORDLIST_LEN; i++)
    {
      const char *word = sr_wordlist[i];
      gsize len;

      g_assert_nonnull (word);
      len = strlen (word);

      g_assert_cmpuint (len, >=, 4);
      g_assert_cmpuint (len, <=, 7);
      for (gsize j = 0; j < len; j++)
        g_assert_true (word[j] >= 'a' && word[j] <= 'z');
      /* Sorted and distinct; no word one typo or one misheard letter away
       * from another. */
      if (i > 0)
        g_assert_cmpint (strcmp (sr_wordlist[i - 1], word), <, 0);
      for (guint k = 0; k < i; k++)
        if (edit_distance (sr_wordlist[k], word) < 2)
          g_error ("“%s” and “%s” differ by one letter", sr_wordlist[k], word);
    }
}

/* Keys */

static void
test_keys_generate (void)
{
  g_autoptr(SrOrgSecret) a = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) b = sr_org_secret_generate ();
  guint8 pk[SR_BOX_KEY_BYTES];
  guint8 sign_pk[SR_SIGN_PK_BYTES];
  SrOrgPublic pub;

  g_assert_cmpuint (sr_org_secret_get_n_box_keys (a), ==, 1);
  g_assert_cmpint (crypto_scalarmult_base (pk, sr_org_secret_get_box_sk (a, 0)), ==, 0);
  g_assert_cmpmem (pk, sizeof pk, sr_org_secret_get_box_pk (a, 0), SR_BOX_KEY_BYTES);
  crypto_sign_ed25519_sk_to_pk (sign_pk, sr_org_secret_get_sign_sk (a));
  g_assert_cmpmem (sign_pk, sizeof sign_pk, sr_org_secret_get_sign_pk (a), SR_SIGN_PK_BYTES);

  sr_org_secret_get_public (a, &pub);
  g_assert_cmpmem (pub.box, sizeof pub.box, sr_org_secret_get_box_pk (a, 0), SR_BOX_KEY_BYTES);
  g_assert_cmpmem (pub.sign, sizeof pub.sign, sign_pk, sizeof sign_pk);

  g_assert_false (memcmp (sr_org_secret_get_box_sk (a, 0), sr_org_secret_get_box_sk (b, 0),
                          SR_BOX_KEY_BYTES) == 0);
  g_assert_false (memcmp (sr_org_secret_get_sign_sk (a), sr_org_secret_get_sign_sk (b),
                          SR_SIGN_SK_BYTES) == 0);
}

static void
test_keys_rotate (void)
{
  g_autoptr(GError) error = NULL;
  SrOrgSecret *secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) first = NULL;
  SrOrgSecret *rotated;
  guint8 first_pk[SR_BOX_KEY_BYTES];
  SrOrgPublic pub;

  memcpy (first_pk, sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  rotated = sr_org_secret_rotate (secret, &error);
  g_assert_no_error (error);
  first = secret;

  /* The new key comes first, the old one stays, the signing key is pinned
   * by kiosks and never changes. */
  g_assert_cmpuint (sr_org_secret_get_n_box_keys (rotated), ==, 2);
  g_assert_cmpmem (sr_org_secret_get_box_pk (rotated, 1), SR_BOX_KEY_BYTES, first_pk, SR_BOX_KEY_BYTES);
  g_assert_cmpmem (sr_org_secret_get_box_sk (rotated, 1), SR_BOX_KEY_BYTES,
                   sr_org_secret_get_box_sk (first, 0), SR_BOX_KEY_BYTES);
  g_assert_false (memcmp (sr_org_secret_get_box_pk (rotated, 0), first_pk, SR_BOX_KEY_BYTES) == 0);
  g_assert_cmpmem (sr_org_secret_get_sign_sk (rotated), SR_SIGN_SK_BYTES,
                   sr_org_secret_get_sign_sk (first), SR_SIGN_SK_BYTES);
  sr_org_secret_get_public (rotated, &pub);
  g_assert_cmpmem (pub.box, sizeof pub.box, sr_org_secret_get_box_pk (rotated, 0), SR_BOX_KEY_BYTES);

  /* Up to SR_MAX_BOX_KEYS, then a clear refusal. */
  while (sr_org_secret_get_n_box_keys (rotated) < SR_MAX_BOX_KEYS)
    {
      SrOrgSecret *next = sr_org_secret_rotate (rotated, &error);

      g_assert_no_error (error);
      sr_org_secret_free (rotated);
      rotated = next;
    }
  g_assert_cmpmem (sr_org_secret_get_box_pk (rotated, SR_MAX_BOX_KEYS - 1), SR_BOX_KEY_BYTES,
                   first_pk, SR_BOX_KEY_BYTES);
  g_assert_null (sr_org_secret_rotate (rotated, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  sr_org_secret_free (rotated);
}

static void
test_keys_from_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) copy = NULL;
  guint8 sign_sk[SR_SIGN_SK_BYTES];
  guint8 box_sk[1][SR_BOX_KEY_BYTES];

  memcpy (sign_sk, sr_org_secret_get_sign_sk (secret), sizeof sign_sk);
  memcpy (box_sk[0], sr_org_secret_get_box_sk (secret, 0), SR_BOX_KEY_BYTES);
  copy = sr_org_secret_new_from_keys (sign_sk, (const guint8 (*)[SR_BOX_KEY_BYTES]) box_sk, 1, &error);
  g_assert_no_error (error);
  assert_same_secret (secret, copy);

  g_assert_null (sr_org_secret_new_from_keys (sign_sk, (const guint8 (*)[SR_BOX_KEY_BYTES]) box_sk, 0, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  /* A secret key whose public half does not belong to its seed. */
  sign_sk[SR_SIGN_SK_BYTES - 1] ^= 0x01;
  g_assert_null (sr_org_secret_new_from_keys (sign_sk, (const guint8 (*)[SR_BOX_KEY_BYTES]) box_sk, 1, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  sodium_memzero (sign_sk, sizeof sign_sk);
  sodium_memzero (box_sk, sizeof box_sk);
}

/* Base64 */

static void
test_base64 (void)
{
  g_autoptr(GError) error = NULL;
  guint8 key[32], back[32], untouched[32];
  g_autofree char *text = NULL;
  const char *refused[] = {
    "",
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",      /* unpadded */
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",    /* 31 bytes */
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==", /* 34 bytes */
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",  /* trailing junk */
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh_=",    /* URL alphabet */
    "not base64 at all",
  };

  for (guint i = 0; i < sizeof key; i++)
    key[i] = i;
  text = sr_key_to_base64 (key, sizeof key);
  g_assert_cmpstr (text, ==, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  g_assert_true (sr_key_from_base64 (text, back, sizeof back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, sizeof back, key, sizeof key);

  memset (untouched, 0xa5, sizeof untouched);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      memcpy (back, untouched, sizeof back);
      g_assert_false (sr_key_from_base64 (refused[i], back, sizeof back, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      g_clear_error (&error);
      g_assert_cmpmem (back, sizeof back, untouched, sizeof untouched);
    }
}

/* Fingerprints */

static void
test_fingerprint_vector (void)
{
  g_autoptr(GHashTable) vector = sr_test_vector_load ("fingerprint.hex");
  guint8 seed[crypto_sign_SEEDBYTES], pk[SR_SIGN_PK_BYTES], sk[SR_SIGN_SK_BYTES];
  guint8 expected_pk[SR_SIGN_PK_BYTES];
  g_autofree char *digits = NULL;
  g_autofree char *words = NULL;

  sr_test_vector_fixed (vector, "sign_seed", seed, sizeof seed);
  sr_test_vector_fixed (vector, "sign_pk", expected_pk, sizeof expected_pk);
  crypto_sign_seed_keypair (pk, sk, seed);
  g_assert_cmpmem (pk, sizeof pk, expected_pk, sizeof expected_pk);

  digits = sr_fingerprint_digits (pk);
  words = sr_fingerprint_words (pk);
  g_assert_cmpstr (digits, ==, sr_test_vector_text (vector, "digits"));
  g_assert_cmpstr (words, ==, sr_test_vector_text (vector, "words"));
  sodium_memzero (sk, sizeof sk);
}

static void
test_fingerprint_shape (void)
{
  guint8 pk[SR_SIGN_PK_BYTES] = { 0 };
  g_autofree char *digits = sr_fingerprint_digits (pk);
  g_autofree char *words = sr_fingerprint_words (pk);
  g_auto(GStrv) groups = g_strsplit (digits, " ", -1);
  g_auto(GStrv) list = g_strsplit (words, " ", -1);

  g_assert_cmpuint (g_strv_length (groups), ==, 12);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (groups[i]), ==, 5);
      for (guint j = 0; j < 5; j++)
        g_assert_true (g_ascii_isdigit (groups[i][j]));
    }
  g_assert_cmpuint (g_strv_length (list), ==, 8);

  /* Any change to the key changes both forms. */
  for (guint bit = 0; bit < 8 * sizeof pk; bit++)
    {
      g_autofree char *other_digits = NULL;
      g_autofree char *other_words = NULL;

      pk[bit / 8] ^= 1 << (bit % 8);
      other_digits = sr_fingerprint_digits (pk);
      other_words = sr_fingerprint_words (pk);
      pk[bit / 8] ^= 1 << (bit % 8);
      g_assert_cmpstr (other_digits, !=, digits);
      g_assert_cmpstr (other_words, !=, words);
    }
}

/* Signatures */

static void
test_sign_vector (void)
{
  g_autoptr(GHashTable) vector = sr_test_vector_load ("signature.hex");
  g_autoptr(GBytes) message = sr_test_vector_bytes (vector, "message");
  guint8 seed[crypto_sign_SEEDBYTES], pk[SR_SIGN_PK_BYTES], sk[SR_SIGN_SK_BYTES];
  guint8 expected[SR_SIGNATURE_BYTES], signature[SR_SIGNATURE_BYTES];
  const char *context = sr_test_vector_text (vector, "context");

  g_assert_cmpstr (context, ==, SR_SIGN_CONTEXT_PROFILE);
  sr_test_vector_fixed (vector, "sign_seed", seed, sizeof seed);
  sr_test_vector_fixed (vector, "signature", expected, sizeof expected);
  crypto_sign_seed_keypair (pk, sk, seed);

  /* Decode: the committed signature verifies; encode: the same bytes. */
  g_assert_true (sr_sign_verify (context, g_bytes_get_data (message, NULL),
                                 g_bytes_get_size (message), expected, pk));
  g_assert_false (sr_sign_verify (SR_SIGN_CONTEXT_ACK, g_bytes_get_data (message, NULL),
                                  g_bytes_get_size (message), expected, pk));
  sr_sign (context, g_bytes_get_data (message, NULL), g_bytes_get_size (message), sk, signature);
  g_assert_cmpmem (signature, sizeof signature, expected, sizeof expected);
  sodium_memzero (sk, sizeof sk);
}

static void
test_sign_refused (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) other = sr_org_secret_generate ();
  const guint8 *pk = sr_org_secret_get_sign_pk (secret);
  guint8 message[48];
  guint8 signature[SR_SIGNATURE_BYTES];
  guint8 raw[SR_SIGNATURE_BYTES];
  g_autofree guint8 *framed = NULL;
  gsize context_len = strlen (SR_SIGN_CONTEXT_ACK);

  for (guint i = 0; i < sizeof message; i++)
    message[i] = (guint8) (i * 7);
  sr_sign (SR_SIGN_CONTEXT_ACK, message, sizeof message, sr_org_secret_get_sign_sk (secret), signature);
  g_assert_true (sr_sign_verify (SR_SIGN_CONTEXT_ACK, message, sizeof message, signature, pk));

  /* The signed bytes are exactly context || 0x00 || message. */
  framed = g_malloc (context_len + 1 + sizeof message);
  memcpy (framed, SR_SIGN_CONTEXT_ACK, context_len);
  framed[context_len] = 0x00;
  memcpy (framed + context_len + 1, message, sizeof message);
  crypto_sign_detached (raw, NULL, framed, context_len + 1 + sizeof message,
                        sr_org_secret_get_sign_sk (secret));
  g_assert_cmpmem (raw, sizeof raw, signature, sizeof signature);

  g_assert_false (sr_sign_verify (SR_SIGN_CONTEXT_PROFILE, message, sizeof message, signature, pk));
  g_assert_false (sr_sign_verify (SR_SIGN_CONTEXT_ACK, message, sizeof message, signature,
                                  sr_org_secret_get_sign_pk (other)));
  g_assert_false (sr_sign_verify (SR_SIGN_CONTEXT_ACK, message, sizeof message - 1, signature, pk));
  /* Without the 0x00 separator, moving the context's last character into
   * the message would give the same signed text. */
  {
    guint8 shifted[1 + sizeof message];

    shifted[0] = '1';
    memcpy (shifted + 1, message, sizeof message);
    g_assert_false (sr_sign_verify ("SafeReport acknowledgement v", shifted, sizeof shifted,
                                    signature, pk));
  }

  for (guint bit = 0; bit < 8 * sizeof signature; bit++)
    {
      signature[bit / 8] ^= 1 << (bit % 8);
      g_assert_false (sr_sign_verify (SR_SIGN_CONTEXT_ACK, message, sizeof message, signature, pk));
      signature[bit / 8] ^= 1 << (bit % 8);
    }
  for (guint bit = 0; bit < 8 * sizeof message; bit++)
    {
      message[bit / 8] ^= 1 << (bit % 8);
      g_assert_false (sr_sign_verify (SR_SIGN_CONTEXT_ACK, message, sizeof message, signature, pk));
      message[bit / 8] ^= 1 << (bit % 8);
    }
  g_assert_true (sr_sign_verify (SR_SIGN_CONTEXT_ACK, message, sizeof message, signature, pk));

  /* An empty message is still a message. */
  sr_sign (SR_SIGN_CONTEXT_PROFILE, NULL, 0, sr_org_secret_get_sign_sk (secret), signature);
  g_assert_true (sr_sign_verify (SR_SIGN_CONTEXT_PROFILE, NULL, 0, signature, pk));
  g_assert_false (sr_sign_verify (SR_SIGN_CONTEXT_ACK, NULL, 0, signature, pk));
}

/* org.pub */

static void
test_pub_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  SrOrgPublic pub, back;
  const char *names[] = { NULL, "", "Example Organisation", "Línea\nsegunda\r" };

  sr_org_secret_get_public (secret, &pub);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *text = sr_org_public_to_text (&pub, names[i]);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      guint n_lines = g_strv_length (lines);

      g_assert_true (g_str_has_prefix (text, "SafeReport organisation public key v1\n"));
      g_assert_true (g_str_has_suffix (text, "\n"));
      /* Header, name if any, box, sign, fingerprint, words, and the empty
       * string after the final LF: a name never spills onto a second line. */
      g_assert_cmpuint (n_lines, ==, (names[i] != NULL && names[i][0] != '\0') ? 7 : 6);

      memset (&back, 0, sizeof back);
      g_assert_true (sr_org_public_from_text (text, strlen (text), &back, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (&back, sizeof back, &pub, sizeof pub);
    }
}

static void
test_pub_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) vector = sr_test_vector_load ("org-key.hex");
  g_autoptr(GBytes) file = read_vector_file ("org.pub");
  g_autofree char *text = NULL;
  SrOrgPublic expected, pub;

  sr_test_vector_fixed (vector, "box_1_pk", expected.box, sizeof expected.box);
  sr_test_vector_fixed (vector, "sign_pk", expected.sign, sizeof expected.sign);

  g_assert_true (sr_org_public_from_text (g_bytes_get_data (file, NULL), g_bytes_get_size (file),
                                          &pub, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&pub, sizeof pub, &expected, sizeof expected);

  text = sr_org_public_to_text (&expected, "Example Organisation");
  g_assert_cmpmem (text, strlen (text), g_bytes_get_data (file, NULL), g_bytes_get_size (file));
}

static void
test_pub_refused (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) other = sr_org_secret_generate ();
  const guint8 *sign_pk = sr_org_secret_get_sign_pk (secret);
  g_autofree char *box = sr_key_to_base64 (sr_org_secret_get_box_pk (secret, 0), 32);
  g_autofree char *sign = sr_key_to_base64 (sign_pk, 32);
  g_autofree char *digits = sr_fingerprint_digits (sign_pk);
  g_autofree char *words = sr_fingerprint_words (sign_pk);
  g_autofree char *tabbed_digits = g_strdelimit (g_strdup (digits), " ", '\t');
  g_autofree char *upper_words = g_ascii_strup (words, -1);
  g_autofree char *other_digits = sr_fingerprint_digits (sr_org_secret_get_sign_pk (other));
  g_autofree char *other_words = sr_fingerprint_words (sr_org_secret_get_sign_pk (other));
  SrOrgPublic pub;
  struct
  {
    char *text;
    int   code;   /* -1: accepted */
  } cases[] = {
    /* Accepted: comments, unknown keys, blank lines, CR LF, no fingerprint,
     * spacing and case in the fingerprint and words. */
    { g_strdup_printf ("SafeReport organisation public key v1\n# note\nbox: %s\n\ncolour: blue\nsign: %s\n", box, sign), -1 },
    { g_strdup_printf ("SafeReport organisation public key v1\r\nbox: %s\r\nsign: %s\r\n", box, sign), -1 },
    { g_strdup_printf ("SafeReport organisation public key v1\nsign:%s\nbox:   %s", sign, box), -1 },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nsign: %s\nfingerprint: %s\nwords:  %s\n", box, sign, tabbed_digits, upper_words), -1 },
    /* Refused. */
    { g_strdup (""), SR_ERROR_FORMAT },
    { g_strdup_printf ("SafeReport organisation public key v2\nbox: %s\nsign: %s\n", box, sign), SR_ERROR_FORMAT },
    { g_strdup_printf ("\nSafeReport organisation public key v1\nbox: %s\nsign: %s\n", box, sign), SR_ERROR_FORMAT },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\n", box), SR_ERROR_FORMAT },
    { g_strdup_printf ("SafeReport organisation public key v1\nsign: %s\n", sign), SR_ERROR_FORMAT },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nbox: %s\nsign: %s\n", box, box, sign), SR_ERROR_FORMAT },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nsign: %.43s\n", box, sign), SR_ERROR_FORMAT },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nsign %s\n", box, sign), SR_ERROR_FORMAT },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nsign: %s\nfingerprint: %s\n", box, sign, other_digits), SR_ERROR_INVALID },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nsign: %s\nwords: %s\n", box, sign, other_words), SR_ERROR_INVALID },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nsign: %s\nfingerprint: %.65s\n", box, sign, digits), SR_ERROR_INVALID },
    { g_strdup_printf ("SafeReport organisation public key v1\nbox: %s\nsign: %s\nname: \xff\n", box, sign), SR_ERROR_FORMAT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      memset (&pub, 0, sizeof pub);
      ok = sr_org_public_from_text (cases[i].text, strlen (cases[i].text), &pub, &error);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpmem (pub.box, 32, sr_org_secret_get_box_pk (secret, 0), 32);
          g_assert_cmpmem (pub.sign, 32, sign_pk, 32);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, SR_ERROR, cases[i].code);
          g_assert_null (strchr (error->message, '\n'));
        }
      g_free (cases[i].text);
    }
}

/* org.key */

static void
test_key_file_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) vector = sr_test_vector_load ("org-key.hex");
  g_autoptr(GBytes) file = read_vector_file ("org.key");
  g_autoptr(GBytes) passphrase_bytes = sr_test_vector_bytes (vector, "passphrase");
  g_autoptr(SrSecret) passphrase = sr_secret_new_from (g_bytes_get_data (passphrase_bytes, NULL),
                                                       g_bytes_get_size (passphrase_bytes));
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(GBytes) again = NULL;
  guint8 seed[32], pk[32], sk[64], box_seed[32], box_sk[32], box_pk[32];
  guint8 salt[SR_KEY_FILE_SALT_BYTES], nonce[SR_KEY_FILE_NONCE_BYTES];

  g_assert_cmpmem (passphrase->data, passphrase->len, PASSPHRASE, strlen (PASSPHRASE));

  /* Decode: the committed file opens to keys derived from the seeds. */
  secret = sr_org_secret_unseal (g_bytes_get_data (file, NULL), g_bytes_get_size (file),
                                 passphrase, &error);
  g_assert_no_error (error);
  g_assert_nonnull (secret);

  sr_test_vector_fixed (vector, "sign_seed", seed, sizeof seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  g_assert_cmpmem (sr_org_secret_get_sign_sk (secret), SR_SIGN_SK_BYTES, sk, sizeof sk);
  g_assert_cmpuint (sr_org_secret_get_n_box_keys (secret), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *seed_name = g_strdup_printf ("box_%u_seed", i + 1);
      g_autofree char *sk_name = g_strdup_printf ("box_%u_sk", i + 1);
      guint8 expected_sk[32];

      sr_test_vector_fixed (vector, seed_name, box_seed, sizeof box_seed);
      sr_test_vector_fixed (vector, sk_name, expected_sk, sizeof expected_sk);
      crypto_box_seed_keypair (box_pk, box_sk, box_seed);
      g_assert_cmpmem (box_sk, sizeof box_sk, expected_sk, sizeof expected_sk);
      g_assert_cmpmem (sr_org_secret_get_box_sk (secret, i), 32, box_sk, sizeof box_sk);
      g_assert_cmpmem (sr_org_secret_get_box_pk (secret, i), 32, box_pk, sizeof box_pk);
    }

  /* Its retired key is recipient 1 of the envelope vector. */
  {
    g_autoptr(GHashTable) envelope_vector = sr_test_vector_load ("envelope.hex");
    g_autoptr(GBytes) envelope = sr_test_vector_bytes (envelope_vector, "envelope");
    g_autoptr(GBytes) report = sr_test_vector_bytes (envelope_vector, "report");
    g_autoptr(SrSecret) plaintext = sr_envelope_open (g_bytes_get_data (envelope, NULL),
                                                      g_bytes_get_size (envelope),
                                                      secret, &error);

    g_assert_no_error (error);
    g_assert_cmpmem (plaintext->data, plaintext->len,
                     g_bytes_get_data (report, NULL), g_bytes_get_size (report));
  }

  /* Encode: the same keys, salt and nonce give the same bytes. */
  sr_test_vector_fixed (vector, "salt", salt, sizeof salt);
  sr_test_vector_fixed (vector, "nonce", nonce, sizeof nonce);
  g_assert_cmpuint (g_ascii_strtoull (sr_test_vector_text (vector, "opslimit"), NULL, 10), ==,
                    crypto_pwhash_OPSLIMIT_MODERATE);
  g_assert_cmpuint (g_ascii_strtoull (sr_test_vector_text (vector, "memlimit"), NULL, 10), ==,
                    crypto_pwhash_MEMLIMIT_MODERATE);
  again = sr_org_secret_seal_with_params (secret, passphrase,
                                          crypto_pwhash_OPSLIMIT_MODERATE,
                                          crypto_pwhash_MEMLIMIT_MODERATE,
                                          salt, nonce, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (again, file));

  /* The wrong passphrase, with the exact sentence the CLI prints. */
  {
    g_autoptr(SrOrgSecret) none = unseal_bytes (file, "correct horse battery stable", &error);

    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_BAD_PASSPHRASE);
    g_assert_cmpstr (error->message, ==, "The passphrase does not open this key file.");
  }

  sodium_memzero (sk, sizeof sk);
  sodium_memzero (box_sk, sizeof box_sk);
}

static void
test_key_file_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) first = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) secret = sr_org_secret_rotate (first, &error);
  g_autoptr(SrSecret) passphrase = NULL;
  g_autoptr(SrOrgSecret) back = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize blob_len = 0;
  guint64 opslimit = 0, memlimit = 0;

  g_assert_no_error (error);

  /* No NUL at the end: a passphrase is bytes. */
  passphrase = sr_secret_new_from ((const guint8 *) "pass\0phrase", 11);
  file = sr_org_secret_seal (secret, passphrase, &error);
  g_assert_no_error (error);

  text = g_strndup (g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  g_assert_cmpuint (strlen (text), ==, g_bytes_get_size (file));
  g_assert_true (g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "SafeReport organisation secret key v1");
  for (guint i = 1; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      if (lines[i + 2] != NULL)
        g_assert_cmpuint (strlen (lines[i]), ==, 64);
      else
        g_assert_cmpuint (strlen (lines[i]), <=, 64);
    }

  /* Written at no less than the MODERATE limits, in the layout of
   * docs/FORMAT.md: magic, KDF, opslimit, memlimit, salt, nonce, sealed
   * payload of 64 + 1 + 2 × 32 bytes. */
  blob = key_file_blob (file, &blob_len);
  g_assert_cmpuint (blob_len, ==, 61 + 64 + 1 + 2 * 32 + 16);
  g_assert_cmpmem (blob, 5, "SRK\x01\x01", 5);
  for (guint i = 0; i < 8; i++)
    {
      opslimit |= (guint64) blob[5 + i] << (8 * i);
      memlimit |= (guint64) blob[13 + i] << (8 * i);
    }
  g_assert_cmpuint (opslimit, >=, crypto_pwhash_OPSLIMIT_MODERATE);
  g_assert_cmpuint (memlimit, >=, crypto_pwhash_MEMLIMIT_MODERATE);

  back = sr_org_secret_unseal (g_bytes_get_data (file, NULL), g_bytes_get_size (file),
                               passphrase, &error);
  g_assert_no_error (error);
  assert_same_secret (secret, back);
}

static void
test_key_file_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrSecret) passphrase = passphrase_new (PASSPHRASE);
  guint8 salt[SR_KEY_FILE_SALT_BYTES] = { 1 }, nonce[SR_KEY_FILE_NONCE_BYTES] = { 2 };
  g_autoptr(GBytes) weak = NULL;
  g_autofree guint8 *blob = NULL;
  gsize blob_len = 0;
  struct
  {
    guint64 opslimit;
    guint64 memlimit;
  } patched[] = {
    { crypto_pwhash_OPSLIMIT_MODERATE - 1, crypto_pwhash_MEMLIMIT_MODERATE },
    { crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE - 1 },
    { 0, 0 },
    { 4 * (guint64) crypto_pwhash_OPSLIMIT_SENSITIVE + 1, crypto_pwhash_MEMLIMIT_MODERATE },
    { crypto_pwhash_OPSLIMIT_MODERATE, 4 * (guint64) crypto_pwhash_MEMLIMIT_SENSITIVE + 1 },
    { G_MAXUINT64, G_MAXUINT64 },
  };

  /* A real file at the lowest limits libsodium allows: it would open, so
   * only the limit check can refuse it. */
  weak = sr_org_secret_seal_with_params (secret, passphrase,
                                         crypto_pwhash_OPSLIMIT_MIN,
                                         crypto_pwhash_MEMLIMIT_MIN,
                                         salt, nonce, &error);
  g_assert_no_error (error);
  g_assert_null (unseal_bytes (weak, PASSPHRASE, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_clear_error (&error);

  /* Limits out of range on either side are refused before any Argon2 work
   * (which at these values would take minutes or fail). */
  blob = key_file_blob (weak, &blob_len);
  for (guint i = 0; i < G_N_ELEMENTS (patched); i++)
    {
      g_autoptr(GBytes) file = NULL;

      for (guint b = 0; b < 8; b++)
        {
          blob[5 + b] = (guint8) (patched[i].opslimit >> (8 * b));
          blob[13 + b] = (guint8) (patched[i].memlimit >> (8 * b));
        }
      file = key_file_from_blob (blob, blob_len);
      g_assert_null (unseal_bytes (file, PASSPHRASE, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      g_clear_error (&error);
    }
}

static void
test_key_file_damaged (void)
{
  g_autoptr(GBytes) file = read_vector_file ("org.key");
  g_autofree guint8 *blob = NULL;
  const char *text = g_bytes_get_data (file, NULL);
  gsize len = g_bytes_get_size (file), blob_len = 0;
  guint n_passphrase_checks = 0;

  blob = key_file_blob (file, &blob_len);

  /* A flipped bit in the sealed payload, in the nonce and in the salt:
   * each one costs an Argon2 run, so one of each. */
  {
    const gsize offsets[] = { 61 + 70, 37 + 3, 21 + 5 };

    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) damaged = NULL;

        blob[offsets[i]] ^= 0x10;
        damaged = key_file_from_blob (blob, blob_len);
        blob[offsets[i]] ^= 0x10;
        g_assert_null (unseal_bytes (damaged, PASSPHRASE, &error));
        g_assert_error (error, SR_ERROR, SR_ERROR_BAD_PASSPHRASE);
      }
  }

  /* Every bit of the magic and the KDF byte: refused with no Argon2 run. */
  for (guint bit = 0; bit < 8 * 5; bit++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) damaged = NULL;

      blob[bit / 8] ^= 1 << (bit % 8);
      damaged = key_file_from_blob (blob, blob_len);
      blob[bit / 8] ^= 1 << (bit % 8);
      g_assert_null (unseal_bytes (damaged, PASSPHRASE, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    }

  /* Truncated anywhere (short of losing only the final line feed). Cuts
   * that leave a well-formed shorter file reach the passphrase check and
   * fail there; the others are refused as they are read. */
  for (gsize cut = 0; cut + 1 < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) truncated = g_bytes_new (text, cut);

      g_assert_null (unseal_bytes (truncated, PASSPHRASE, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == SR_ERROR);
      if (error->code == SR_ERROR_BAD_PASSPHRASE)
        n_passphrase_checks++;
      else if (error->code != SR_ERROR_TRUNCATED)
        g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      if (cut > 0 && cut < strlen ("SafeReport organisation secret key v1\n"))
        g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
    }
  g_assert_cmpuint (n_passphrase_checks, <=, 2);

  /* Not a key file at all, and garbage after the header. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) other = g_bytes_new_static ("SafeReport organisation public key v1\n", 38);
    g_autoptr(GBytes) garbage = g_bytes_new_static ("SafeReport organisation secret key v1\n%%%%\n", 43);

    g_assert_null (unseal_bytes (other, PASSPHRASE, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_clear_error (&error);
    g_assert_null (unseal_bytes (garbage, PASSPHRASE, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  }
}

/* Guarded buffers are reused, but what one secret held never shows in the
 * next one, whatever its size. */
static void
test_secret_reuse_wiped (void)
{
  const gsize sizes[] = { 1, 200, 256, 1000, 4000, 16000, 65536, 70000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      SrSecret *first = sr_secret_new (sizes[i]);
      SrSecret *second;

      memset (first->data, 0xA5, first->len);
      sr_secret_truncate (first, first->len / 2);
      sr_secret_free (first);

      for (guint round = 0; round < 3; round++)
        {
          second = sr_secret_new (sizes[i]);
          for (gsize j = 0; j < second->len; j++)
            g_assert_cmpuint (second->data[j], ==, 0);
          memset (second->data, 0x5A, second->len);
          sr_secret_free (second);
        }
    }
}

/* One byte past the end of a secret hits the guard page, also for a
 * buffer reused from the pool and smaller than its size class. */
static void
test_secret_overflow_faults (void)
{
  if (g_test_subprocess ())
    {
      SrSecret *warm = sr_secret_new (300);
      SrSecret *secret;

      sr_secret_free (warm);
      secret = sr_secret_new (300);
      secret->data[secret->len - 1] = 1;
      ((volatile guint8 *) secret->data)[secret->len] = 1;
      sr_secret_free (secret);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/crypto/secret-reuse-wiped", test_secret_reuse_wiped);
  g_test_add_func ("/sr/crypto/secret-overflow-faults", test_secret_overflow_faults);
  g_test_add_func ("/sr/crypto/wordlist", test_wordlist);
  g_test_add_func ("/sr/crypto/keys/generate", test_keys_generate);
  g_test_add_func ("/sr/crypto/keys/rotate", test_keys_rotate);
  g_test_add_func ("/sr/crypto/keys/from-keys", test_keys_from_keys);
  g_test_add_func ("/sr/crypto/base64", test_base64);
  g_test_add_func ("/sr/crypto/fingerprint/vector", test_fingerprint_vector);
  g_test_add_func ("/sr/crypto/fingerprint/shape", test_fingerprint_shape);
  g_test_add_func ("/sr/crypto/sign/vector", test_sign_vector);
  g_test_add_func ("/sr/crypto/sign/refused", test_sign_refused);
  g_test_add_func ("/sr/crypto/pub/round-trip", test_pub_round_trip);
  g_test_add_func ("/sr/crypto/pub/vector", test_pub_vector);
  g_test_add_func ("/sr/crypto/pub/refused", test_pub_refused);
  g_test_add_func ("/sr/crypto/key-file/vector", test_key_file_vector);
  g_test_add_func ("/sr/crypto/key-file/round-trip", test_key_file_round_trip);
  g_test_add_func ("/sr/crypto/key-file/limits", test_key_file_limits);
  g_test_add_func ("/sr/crypto/key-file/damaged", test_key_file_damaged);

  return g_test_run ();
}
