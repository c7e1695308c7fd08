/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-keys"

#include "sr-keys.h"
#include "sr-keys-private.h"

#include <sodium.h>
#include <string.h>

#include "sr-error.h"
#include "sr-wordlist.h"

typedef struct
{
  guint8 pk[SR_BOX_KEY_BYTES];
  guint8 sk[SR_BOX_KEY_BYTES];
} SrBoxKeyPair;

/* Lives in one sodium_malloc block: guard pages around it, locked in RAM
 * where the system allows, and read-only once built, so that a stray write
 * elsewhere cannot corrupt a key without crashing. */
struct _SrOrgSecret
{
  guint8       sign_sk[SR_SIGN_SK_BYTES];
  guint32      n_box_keys;
  SrBoxKeyPair box[SR_MAX_BOX_KEYS];
};

#define PUBLIC_HEADER "SafeReport organisation public key v1"
#define SECRET_HEADER "SafeReport organisation secret key v1"
#define FINGERPRINT_LABEL "SafeReport fingerprint v1"
#define FINGERPRINT_GROUPS 12
#define FINGERPRINT_WORDS 8

/* The org.key blob, docs/FORMAT.md. */
#define KEY_FILE_MAGIC "SRK\x01"
#define KEY_FILE_MAGIC_BYTES 4
#define KEY_FILE_KDF_ARGON2ID13 0x01
#define KEY_FILE_OFFSET_KDF 4
#define KEY_FILE_OFFSET_OPSLIMIT 5
#define KEY_FILE_OFFSET_MEMLIMIT 13
#define KEY_FILE_OFFSET_SALT 21
#define KEY_FILE_OFFSET_NONCE 37
#define KEY_FILE_HEADER_BYTES 61
#define KEY_FILE_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define KEY_FILE_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY_FILE_LINE_CHARS 64

/* Secret payload: the signing key, the count, the box secret keys. */
#define PAYLOAD_FIXED_BYTES (SR_SIGN_SK_BYTES + 1)
#define PAYLOAD_BYTES(m) (PAYLOAD_FIXED_BYTES + (gsize) (m) * SR_BOX_KEY_BYTES)

G_STATIC_ASSERT (SR_KEY_FILE_SALT_BYTES == crypto_pwhash_SALTBYTES);
G_STATIC_ASSERT (SR_KEY_FILE_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
G_STATIC_ASSERT (KEY_FILE_OFFSET_NONCE + SR_KEY_FILE_NONCE_BYTES == KEY_FILE_HEADER_BYTES);
G_STATIC_ASSERT (SR_MAX_BOX_KEYS <= 255);

static void
store64_le (guint8  *out,
            guint64  value)
{
  for (guint i = 0; i < 8; i++)
    out[i] = (guint8) (value >> (8 * i));
}

static guint64
load64_le (const guint8 *in)
{
  guint64 value = 0;

  for (guint i = 0; i < 8; i++)
    value |= (guint64) in[i] << (8 * i);
  return value;
}

static SrOrgSecret *
org_secret_alloc (void)
{
  SrOrgSecret *secret = sodium_malloc (sizeof (SrOrgSecret));

  if (secret == NULL)
    g_error ("Out of guarded memory for the organisation keys");
  sodium_memzero (secret, sizeof (SrOrgSecret));
  return secret;
}

static SrOrgSecret *
org_secret_seal_memory (SrOrgSecret *secret)
{
  sodium_mprotect_readonly (secret);
  return secret;
}

SrOrgSecret *
sr_org_secret_generate (void)
{
  SrOrgSecret *secret = org_secret_alloc ();
  guint8 sign_pk[SR_SIGN_PK_BYTES];

  crypto_sign_keypair (sign_pk, secret->sign_sk);
  crypto_box_keypair (secret->box[0].pk, secret->box[0].sk);
  secret->n_box_keys = 1;

  return org_secret_seal_memory (secret);
}

SrOrgSecret *
sr_org_secret_new_from_keys (const guint8   sign_sk[SR_SIGN_SK_BYTES],
                             const guint8 (*box_sks)[SR_BOX_KEY_BYTES],
                             guint          n_box_keys,
                             GError       **error)
{
  SrOrgSecret *secret;
  guint8 derived_pk[SR_SIGN_PK_BYTES];
  guint8 derived_sk[SR_SIGN_SK_BYTES];
  gboolean sign_ok;

  g_return_val_if_fail (sign_sk != NULL, NULL);
  g_return_val_if_fail (box_sks != NULL, NULL);

  if (n_box_keys < 1 || n_box_keys > SR_MAX_BOX_KEYS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "An organisation holds between 1 and %d box keys.",
                   SR_MAX_BOX_KEYS);
      return NULL;
    }

  /* The second half of an Ed25519 secret key repeats the public key; a
   * mismatch would make every signature fail to verify, so catch it now. */
  crypto_sign_seed_keypair (derived_pk, derived_sk, sign_sk);
  sign_ok = sodium_memcmp (derived_pk, sign_sk + crypto_sign_SEEDBYTES,
                           SR_SIGN_PK_BYTES) == 0;
  sodium_memzero (derived_sk, sizeof derived_sk);
  if (!sign_ok)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The signing key in the key file is damaged.");
      return NULL;
    }

  secret = org_secret_alloc ();
  memcpy (secret->sign_sk, sign_sk, SR_SIGN_SK_BYTES);
  for (guint i = 0; i < n_box_keys; i++)
    {
      memcpy (secret->box[i].sk, box_sks[i], SR_BOX_KEY_BYTES);
      if (crypto_scalarmult_base (secret->box[i].pk, secret->box[i].sk) != 0)
        {
          sodium_free (secret);
          g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                               "A box key in the key file is damaged.");
          return NULL;
        }
    }
  secret->n_box_keys = n_box_keys;

  return org_secret_seal_memory (secret);
}

SrOrgSecret *
sr_org_secret_rotate (const SrOrgSecret  *secret,
                      GError            **error)
{
  SrOrgSecret *rotated;

  g_return_val_if_fail (secret != NULL, NULL);

  if (secret->n_box_keys >= SR_MAX_BOX_KEYS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The organisation already holds %d box keys, the most a key file can hold.",
                   SR_MAX_BOX_KEYS);
      return NULL;
    }

  rotated = org_secret_alloc ();
  memcpy (rotated->sign_sk, secret->sign_sk, SR_SIGN_SK_BYTES);
  crypto_box_keypair (rotated->box[0].pk, rotated->box[0].sk);
  memcpy (&rotated->box[1], &secret->box[0],
          secret->n_box_keys * sizeof (SrBoxKeyPair));
  rotated->n_box_keys = secret->n_box_keys + 1;

  return org_secret_seal_memory (rotated);
}

void
sr_org_secret_free (SrOrgSecret *secret)
{
  /* sodium_free makes the block writable again, wipes it and unmaps it. */
  if (secret != NULL)
    sodium_free (secret);
}

void
sr_org_secret_get_public (const SrOrgSecret *secret,
                          SrOrgPublic       *out)
{
  g_return_if_fail (secret != NULL);
  g_return_if_fail (out != NULL);

  memcpy (out->box, secret->box[0].pk, SR_BOX_KEY_BYTES);
  memcpy (out->sign, sr_org_secret_get_sign_pk (secret), SR_SIGN_PK_BYTES);
}

guint
sr_org_secret_get_n_box_keys (const SrOrgSecret *secret)
{
  g_return_val_if_fail (secret != NULL, 0);

  return secret->n_box_keys;
}

const guint8 *
sr_org_secret_get_box_pk (const SrOrgSecret *secret,
                          guint              index)
{
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (index < secret->n_box_keys, NULL);

  return secret->box[index].pk;
}

const guint8 *
sr_org_secret_get_box_sk (const SrOrgSecret *secret,
                          guint              index)
{
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (index < secret->n_box_keys, NULL);

  return secret->box[index].sk;
}

const guint8 *
sr_org_secret_get_sign_pk (const SrOrgSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);

  return secret->sign_sk + crypto_sign_SEEDBYTES;
}

const guint8 *
sr_org_secret_get_sign_sk (const SrOrgSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);

  return secret->sign_sk;
}

/* org.key */

GBytes *
sr_org_secret_seal_with_params (const SrOrgSecret *secret,
                                const SrSecret    *passphrase,
                                guint64            opslimit,
                                guint64            memlimit,
                                const guint8       salt[SR_KEY_FILE_SALT_BYTES],
                                const guint8       nonce[SR_KEY_FILE_NONCE_BYTES],
                                GError           **error)
{
  g_autoptr(SrSecret) payload = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree char *base64 = NULL;
  GString *text;
  guint8 key[KEY_FILE_KEY_BYTES];
  gsize blob_len, base64_len;
  int rc;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (opslimit >= crypto_pwhash_OPSLIMIT_MIN &&
                        opslimit <= crypto_pwhash_OPSLIMIT_MAX, NULL);
  g_return_val_if_fail (memlimit >= crypto_pwhash_MEMLIMIT_MIN &&
                        memlimit <= crypto_pwhash_MEMLIMIT_MAX, NULL);

  payload = sr_secret_new (PAYLOAD_BYTES (secret->n_box_keys));
  memcpy (payload->data, secret->sign_sk, SR_SIGN_SK_BYTES);
  payload->data[SR_SIGN_SK_BYTES] = (guint8) secret->n_box_keys;
  for (guint i = 0; i < secret->n_box_keys; i++)
    memcpy (payload->data + PAYLOAD_BYTES (i), secret->box[i].sk,
            SR_BOX_KEY_BYTES);

  blob_len = KEY_FILE_HEADER_BYTES + payload->len + KEY_FILE_TAG_BYTES;
  blob = g_malloc (blob_len);
  memcpy (blob, KEY_FILE_MAGIC, KEY_FILE_MAGIC_BYTES);
  blob[KEY_FILE_OFFSET_KDF] = KEY_FILE_KDF_ARGON2ID13;
  store64_le (blob + KEY_FILE_OFFSET_OPSLIMIT, opslimit);
  store64_le (blob + KEY_FILE_OFFSET_MEMLIMIT, memlimit);
  memcpy (blob + KEY_FILE_OFFSET_SALT, salt, SR_KEY_FILE_SALT_BYTES);
  memcpy (blob + KEY_FILE_OFFSET_NONCE, nonce, SR_KEY_FILE_NONCE_BYTES);

  if (crypto_pwhash (key, sizeof key, (const char *) passphrase->data,
                     passphrase->len, salt, opslimit, (size_t) memlimit,
                     crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      sodium_memzero (key, sizeof key);
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                           "There is not enough memory to protect the key file with the passphrase.");
      return NULL;
    }

  rc = crypto_aead_xchacha20poly1305_ietf_encrypt (blob + KEY_FILE_HEADER_BYTES,
                                                   NULL,
                                                   payload->data, payload->len,
                                                   blob, KEY_FILE_HEADER_BYTES,
                                                   NULL, nonce, key);
  sodium_memzero (key, sizeof key);
  g_assert (rc == 0);

  base64_len = sodium_base64_ENCODED_LEN (blob_len, sodium_base64_VARIANT_ORIGINAL);
  base64 = g_malloc (base64_len);
  sodium_bin2base64 (base64, base64_len, blob, blob_len,
                     sodium_base64_VARIANT_ORIGINAL);

  text = g_string_sized_new (sizeof SECRET_HEADER + base64_len
                             + base64_len / KEY_FILE_LINE_CHARS + 2);
  g_string_append (text, SECRET_HEADER "\n");
  for (gsize at = 0, total = strlen (base64); at < total; at += KEY_FILE_LINE_CHARS)
    {
      g_string_append_len (text, base64 + at, MIN (KEY_FILE_LINE_CHARS, total - at));
      g_string_append_c (text, '\n');
    }

  return g_string_free_to_bytes (text);
}

GBytes *
sr_org_secret_seal (const SrOrgSecret *secret,
                    const SrSecret    *passphrase,
                    GError           **error)
{
  guint8 salt[SR_KEY_FILE_SALT_BYTES];
  guint8 nonce[SR_KEY_FILE_NONCE_BYTES];

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);

  randombytes_buf (salt, sizeof salt);
  randombytes_buf (nonce, sizeof nonce);

  return sr_org_secret_seal_with_params (secret, passphrase,
                                         crypto_pwhash_OPSLIMIT_MODERATE,
                                         crypto_pwhash_MEMLIMIT_MODERATE,
                                         salt, nonce, error);
}

static gboolean
is_base64_text (const char *text,
                gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (!g_ascii_isalnum (c) && c != '+' && c != '/' && c != '=' &&
          !g_ascii_isspace (c))
        return FALSE;
    }
  return TRUE;
}

/* Strips the first line and decodes the base64 lines after it. */
static guint8 *
key_file_decode (const guint8  *data,
                 gsize          len,
                 gsize         *out_len,
                 GError       **error)
{
  const gsize header_len = strlen (SECRET_HEADER);
  const char *body;
  gsize body_len, max_len, blob_len = 0;
  g_autofree guint8 *blob = NULL;

  if (len < header_len + 1)
    {
      if (len > 0 && memcmp (data, SECRET_HEADER "\n", len) == 0)
        g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                             "The key file ends early: it is incomplete.");
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                             "This is not a SafeReport organisation secret key file.");
      return NULL;
    }

  /* A key file that went through a Windows editor may end its lines with
   * CR LF; the base64 decoder skips the CRs, the header check allows one. */
  body = (const char *) data + header_len;
  if (memcmp (data, SECRET_HEADER, header_len) != 0 ||
      (body[0] != '\n' && !(body[0] == '\r' && len > header_len + 1 && body[1] == '\n')))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This is not a SafeReport organisation secret key file.");
      return NULL;
    }
  body += body[0] == '\r' ? 2 : 1;
  body_len = len - (gsize) (body - (const char *) data);

  max_len = body_len / 4 * 3 + 3;
  blob = g_malloc (max_len);
  if (sodium_base642bin (blob, max_len, body, body_len, " \t\r\n", &blob_len,
                         NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
    {
      /* Text that is all base64 but does not decode was cut short; anything
       * else is damage or a different file. */
      if (is_base64_text (body, body_len))
        g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                             "The key file ends early: it is incomplete.");
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                             "The key file is damaged.");
      return NULL;
    }

  *out_len = blob_len;
  return g_steal_pointer (&blob);
}

SrOrgSecret *
sr_org_secret_unseal (const guint8    *data,
                      gsize            len,
                      const SrSecret  *passphrase,
                      GError         **error)
{
  g_autofree guint8 *blob = NULL;
  g_autoptr(SrSecret) payload = NULL;
  guint8 key[KEY_FILE_KEY_BYTES];
  guint64 opslimit, memlimit;
  gsize blob_len = 0, ct_len, pt_len, n_box_keys;
  int rc;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);

  blob = key_file_decode (data, len, &blob_len, error);
  if (blob == NULL)
    return NULL;

  if (blob_len < KEY_FILE_MAGIC_BYTES - 1 ||
      memcmp (blob, KEY_FILE_MAGIC, KEY_FILE_MAGIC_BYTES - 1) != 0)
    {
      if (memcmp (blob, KEY_FILE_MAGIC, MIN (blob_len, KEY_FILE_MAGIC_BYTES - 1)) == 0)
        g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                             "The key file ends early: it is incomplete.");
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                             "The key file is damaged.");
      return NULL;
    }
  if (blob_len < KEY_FILE_HEADER_BYTES)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                           "The key file ends early: it is incomplete.");
      return NULL;
    }
  if (blob[KEY_FILE_MAGIC_BYTES - 1] != KEY_FILE_MAGIC[KEY_FILE_MAGIC_BYTES - 1])
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This key file was written by a version of SafeReport this one does not know.");
      return NULL;
    }
  if (blob[KEY_FILE_OFFSET_KDF] != KEY_FILE_KDF_ARGON2ID13)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The key file is protected with a passphrase method SafeReport does not know.");
      return NULL;
    }

  /* Checked before any work: a file with low limits is one an attacker
   * weakened to guess the passphrase faster; one with huge limits would
   * make the reader spend minutes and gigabytes. */
  opslimit = load64_le (blob + KEY_FILE_OFFSET_OPSLIMIT);
  memlimit = load64_le (blob + KEY_FILE_OFFSET_MEMLIMIT);
  if (opslimit < crypto_pwhash_OPSLIMIT_MODERATE ||
      memlimit < crypto_pwhash_MEMLIMIT_MODERATE)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The key file is protected more weakly than SafeReport allows, so it may have been tampered with.");
      return NULL;
    }
  if (opslimit > 4 * (guint64) crypto_pwhash_OPSLIMIT_SENSITIVE ||
      memlimit > 4 * (guint64) crypto_pwhash_MEMLIMIT_SENSITIVE ||
      (guint64) (size_t) memlimit != memlimit)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The key file asks for more passphrase work than SafeReport allows.");
      return NULL;
    }

  ct_len = blob_len - KEY_FILE_HEADER_BYTES;
  if (ct_len < KEY_FILE_TAG_BYTES + PAYLOAD_BYTES (1))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                           "The key file ends early: it is incomplete.");
      return NULL;
    }
  pt_len = ct_len - KEY_FILE_TAG_BYTES;
  n_box_keys = (pt_len - PAYLOAD_FIXED_BYTES) / SR_BOX_KEY_BYTES;
  if (pt_len != PAYLOAD_BYTES (n_box_keys) || n_box_keys > SR_MAX_BOX_KEYS)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The key file is damaged.");
      return NULL;
    }

  if (crypto_pwhash (key, sizeof key, (const char *) passphrase->data,
                     passphrase->len, blob + KEY_FILE_OFFSET_SALT, opslimit,
                     (size_t) memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      sodium_memzero (key, sizeof key);
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                           "There is not enough memory to check the passphrase.");
      return NULL;
    }

  payload = sr_secret_new (pt_len);
  rc = crypto_aead_xchacha20poly1305_ietf_decrypt (payload->data, NULL, NULL,
                                                   blob + KEY_FILE_HEADER_BYTES,
                                                   ct_len,
                                                   blob, KEY_FILE_HEADER_BYTES,
                                                   blob + KEY_FILE_OFFSET_NONCE,
                                                   key);
  sodium_memzero (key, sizeof key);
  if (rc != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_BAD_PASSPHRASE,
                           "The passphrase does not open this key file.");
      return NULL;
    }

  if (payload->data[SR_SIGN_SK_BYTES] != n_box_keys)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The key file is damaged.");
      return NULL;
    }

  return sr_org_secret_new_from_keys (payload->data,
                                      (const guint8 (*)[SR_BOX_KEY_BYTES]) (payload->data + PAYLOAD_FIXED_BYTES),
                                      (guint) n_box_keys, error);
}

/* Fingerprints */

static void
fingerprint_hash (const guint8 sign_pk[SR_SIGN_PK_BYTES],
                  guint8       out[crypto_generichash_BYTES_MAX])
{
  crypto_generichash_state state;

  crypto_generichash_init (&state, NULL, 0, crypto_generichash_BYTES_MAX);
  crypto_generichash_update (&state, (const guint8 *) FINGERPRINT_LABEL,
                             strlen (FINGERPRINT_LABEL));
  crypto_generichash_update (&state, sign_pk, SR_SIGN_PK_BYTES);
  crypto_generichash_final (&state, out, crypto_generichash_BYTES_MAX);
}

char *
sr_fingerprint_digits (const guint8 sign_pk[SR_SIGN_PK_BYTES])
{
  guint8 hash[crypto_generichash_BYTES_MAX];
  GString *text = g_string_sized_new (FINGERPRINT_GROUPS * 6);

  g_return_val_if_fail (sign_pk != NULL, NULL);

  fingerprint_hash (sign_pk, hash);
  for (guint i = 0; i < FINGERPRINT_GROUPS; i++)
    {
      guint64 value = 0;

      for (guint j = 0; j < 5; j++)
        value = (value << 8) | hash[5 * i + j];
      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, "%05u", (guint) (value % 100000));
    }

  return g_string_free (text, FALSE);
}

char *
sr_fingerprint_words (const guint8 sign_pk[SR_SIGN_PK_BYTES])
{
  guint8 hash[crypto_generichash_BYTES_MAX];
  GString *text = g_string_sized_new (FINGERPRINT_WORDS * 8);

  g_return_val_if_fail (sign_pk != NULL, NULL);

  fingerprint_hash (sign_pk, hash);
  for (guint i = 0; i < FINGERPRINT_WORDS; i++)
    {
      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, sr_wordlist[hash[i]]);
    }

  return g_string_free (text, FALSE);
}

/* Base64 */

char *
sr_key_to_base64 (const guint8 *key,
                  gsize         len)
{
  gsize size;
  char *text;

  g_return_val_if_fail (key != NULL || len == 0, NULL);

  size = sodium_base64_ENCODED_LEN (len, sodium_base64_VARIANT_ORIGINAL);
  text = g_malloc (size);
  return sodium_bin2base64 (text, size, key, len, sodium_base64_VARIANT_ORIGINAL);
}

gboolean
sr_key_from_base64 (const char  *text,
                    guint8      *out,
                    gsize        len,
                    GError     **error)
{
  guint8 *buffer;
  gsize decoded = 0;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  /* Decode into a scratch buffer one byte longer than wanted, so that text
   * holding more bytes than expected is caught rather than cut, and so that
   * out is left untouched when the text is refused. */
  buffer = g_malloc (len + 1);
  ok = sodium_base642bin (buffer, len + 1, text, strlen (text), NULL, &decoded,
                          NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
       decoded == len;
  if (ok)
    memcpy (out, buffer, len);
  sodium_memzero (buffer, len + 1);
  g_free (buffer);

  if (!ok)
    g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                 "This is not a valid key: it must be %" G_GSIZE_FORMAT " bytes written in base64.",
                 len);
  return ok;
}

/* org.pub */

char *
sr_org_public_to_text (const SrOrgPublic *pub,
                       const char        *name)
{
  g_autofree char *box = NULL;
  g_autofree char *sign = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *words = NULL;
  GString *text = g_string_new (PUBLIC_HEADER "\n");

  g_return_val_if_fail (pub != NULL, NULL);

  if (name != NULL && name[0] != '\0')
    {
      /* One line per field: a line break in the name would start a field
       * of its own, so it becomes a space. */
      g_autofree char *line = g_strdup (name);

      g_strdelimit (line, "\r\n", ' ');
      g_string_append_printf (text, "name: %s\n", line);
    }

  box = sr_key_to_base64 (pub->box, SR_BOX_KEY_BYTES);
  sign = sr_key_to_base64 (pub->sign, SR_SIGN_PK_BYTES);
  digits = sr_fingerprint_digits (pub->sign);
  words = sr_fingerprint_words (pub->sign);
  g_string_append_printf (text, "box: %s\n", box);
  g_string_append_printf (text, "sign: %s\n", sign);
  g_string_append_printf (text, "fingerprint: %s\n", digits);
  g_string_append_printf (text, "words: %s\n", words);

  return g_string_free (text, FALSE);
}

/* Collapses runs of spaces and tabs, to one space or to nothing, so that
 * a fingerprint or word list compares equal however it was spaced. */
static char *
squeeze (const char *text,
         gboolean    keep_single_spaces)
{
  g_auto(GStrv) parts = g_strsplit_set (text, " \t", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      if (keep_single_spaces && out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, parts[i]);
    }
  return g_string_free (out, FALSE);
}

gboolean
sr_org_public_from_text (const char   *text,
                         gsize         len,
                         SrOrgPublic  *out,
                         GError      **error)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *words = NULL;
  SrOrgPublic pub = { { 0 } };
  gboolean have_box = FALSE, have_sign = FALSE;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The public key file is not valid UTF-8 text.");
      return FALSE;
    }

  copy = g_strndup (text != NULL ? text : "", len);
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize line_len = strlen (lines[i]);

      if (line_len > 0 && lines[i][line_len - 1] == '\r')
        lines[i][line_len - 1] = '\0';
    }

  if (g_strcmp0 (lines[0], PUBLIC_HEADER) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This is not a SafeReport organisation public key file.");
      return FALSE;
    }

  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *colon, *value;

      if (line[0] == '\0' || line[0] == '#')
        continue;

      colon = strchr (line, ':');
      if (colon == NULL)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                       "Line %u of the public key file is not a “key: value” line.",
                       i + 1);
          return FALSE;
        }
      *colon = '\0';
      g_strstrip (line);
      value = g_strstrip (colon + 1);

      if (g_str_equal (line, "box") || g_str_equal (line, "sign"))
        {
          gboolean is_box = g_str_equal (line, "box");
          gboolean *seen = is_box ? &have_box : &have_sign;

          if (*seen)
            {
              g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The public key file names its %s key twice.",
                           is_box ? "box" : "signing");
              return FALSE;
            }
          if (!sr_key_from_base64 (value, is_box ? pub.box : pub.sign,
                                   is_box ? SR_BOX_KEY_BYTES : SR_SIGN_PK_BYTES,
                                   NULL))
            {
              g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The %s key in the public key file is not valid.",
                           is_box ? "box" : "signing");
              return FALSE;
            }
          *seen = TRUE;
        }
      else if (g_str_equal (line, "fingerprint") || g_str_equal (line, "words"))
        {
          char **slot = g_str_equal (line, "words") ? &words : &fingerprint;

          if (*slot != NULL)
            {
              g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The public key file gives its %s twice.",
                           slot == &words ? "words" : "fingerprint");
              return FALSE;
            }
          *slot = g_strdup (value);
        }
      /* Unknown keys, name among them, are for people and later versions. */
    }

  if (!have_box || !have_sign)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The public key file has no %s key.",
                   have_box ? "signing" : "box");
      return FALSE;
    }

  if (fingerprint != NULL)
    {
      g_autofree char *expected = sr_fingerprint_digits (pub.sign);
      g_autofree char *expected_squeezed = squeeze (expected, FALSE);
      g_autofree char *given_squeezed = squeeze (fingerprint, FALSE);

      if (!g_str_equal (expected_squeezed, given_squeezed))
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The fingerprint in the public key file does not match its signing key.");
          return FALSE;
        }
    }
  if (words != NULL)
    {
      g_autofree char *expected = sr_fingerprint_words (pub.sign);
      g_autofree char *given_squeezed = squeeze (words, TRUE);
      g_autofree char *given_folded = g_ascii_strdown (given_squeezed, -1);

      if (!g_str_equal (expected, given_folded))
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The words in the public key file do not match its signing key.");
          return FALSE;
        }
    }

  *out = pub;
  return TRUE;
}
