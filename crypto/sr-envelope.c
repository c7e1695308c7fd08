/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-envelope"

#include "sr-envelope.h"
#include "sr-envelope-private.h"

#include <sodium.h>
#include <string.h>

#include "sr-error.h"

/* The layout of docs/FORMAT.md, "Envelope". */
#define MAGIC "SRE\x01"
#define MAGIC_BYTES 4
#define OFFSET_COUNT 4
#define OFFSET_STANZAS 5
#define FILE_KEY_BYTES 32
#define STANZA_BYTES (crypto_box_SEALBYTES + FILE_KEY_BYTES)
#define STREAM_HEADER_BYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define COMMITMENT_BYTES 32
#define HASH_BYTES 32
#define CHUNK_BYTES 65536
#define CHUNK_OVERHEAD crypto_secretstream_xchacha20poly1305_ABYTES
#define CHUNK_WIRE_BYTES (CHUNK_BYTES + CHUNK_OVERHEAD)
#define PADDING_MARK 0x80

#define OFFSET_STREAM_HEADER(n) (OFFSET_STANZAS + (gsize) (n) * STANZA_BYTES)
#define OFFSET_COMMITMENT(n) (OFFSET_STREAM_HEADER (n) + STREAM_HEADER_BYTES)
#define OFFSET_PAYLOAD(n) (OFFSET_COMMITMENT (n) + COMMITMENT_BYTES)

#define COMMIT_LABEL "SafeReport envelope v1 commit"
#define PAYLOAD_LABEL "SafeReport envelope v1 payload"

/* Far beyond any report with attachments, and small enough that no size
 * computed from it can overflow. */
#define MAX_PLAINTEXT_BYTES ((gsize) 1 << 30)

G_STATIC_ASSERT (STANZA_BYTES == 80);
G_STATIC_ASSERT (OFFSET_PAYLOAD (1) == 61 + 80);
G_STATIC_ASSERT (crypto_box_PUBLICKEYBYTES == SR_BOX_KEY_BYTES);
G_STATIC_ASSERT (crypto_secretstream_xchacha20poly1305_KEYBYTES == 32);
G_STATIC_ASSERT (SR_ENVELOPE_ID_BYTES == HASH_BYTES);

#define MESSAGE_TRUNCATED "The envelope ends early: the file is incomplete."
#define MESSAGE_TAMPERED "The envelope was altered or damaged after it was sealed."

static const char receipt_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

gsize
sr_padme (gsize len)
{
  guint e, s, z;
  gsize mask;

  g_return_val_if_fail (len <= G_MAXSIZE / 2, 0);

  if (len < 2)
    return len;

  e = g_bit_storage (len) - 1;   /* floor (log2 len) */
  s = g_bit_storage (e);         /* floor (log2 e) + 1 */
  z = e > s ? e - s : 0;   /* e >= s always; said for the analyzer */
  mask = ((gsize) 1 << z) - 1;

  return (len + mask) & ~mask;
}

/* commitment = BLAKE2b-256(key=file_key, label || H) */
static void
compute_commitment (const guint8  file_key[FILE_KEY_BYTES],
                    const guint8 *header,
                    gsize         header_len,
                    guint8        out[COMMITMENT_BYTES])
{
  crypto_generichash_state state;

  crypto_generichash_init (&state, file_key, FILE_KEY_BYTES, COMMITMENT_BYTES);
  crypto_generichash_update (&state, (const guint8 *) COMMIT_LABEL,
                             strlen (COMMIT_LABEL));
  crypto_generichash_update (&state, header, header_len);
  crypto_generichash_final (&state, out, COMMITMENT_BYTES);
  /* A keyed BLAKE2b state holds the key in its first block. */
  sodium_memzero (&state, sizeof state);
}

static void
derive_payload_key (const guint8 file_key[FILE_KEY_BYTES],
                    guint8       out[crypto_secretstream_xchacha20poly1305_KEYBYTES])
{
  crypto_generichash (out, crypto_secretstream_xchacha20poly1305_KEYBYTES,
                      (const guint8 *) PAYLOAD_LABEL, strlen (PAYLOAD_LABEL),
                      file_key, FILE_KEY_BYTES);
}

/* Exactly what crypto_box_seal does, except that the ephemeral secret key
 * comes from the caller's random function: epk || box(m, nonce, pk, esk),
 * nonce = BLAKE2b-192(epk || pk). crypto_box_seal_open opens it. */
static gboolean
seal_stanza (guint8        out[STANZA_BYTES],
             const guint8  file_key[FILE_KEY_BYTES],
             const guint8  recipient[SR_BOX_KEY_BYTES],
             SrRandomFunc  random,
             gpointer      user_data)
{
  crypto_generichash_state state;
  guint8 esk[crypto_box_SECRETKEYBYTES];
  guint8 nonce[crypto_box_NONCEBYTES];
  gboolean ok;

  random (esk, sizeof esk, user_data);
  ok = crypto_scalarmult_base (out, esk) == 0;
  if (ok)
    {
      crypto_generichash_init (&state, NULL, 0, sizeof nonce);
      crypto_generichash_update (&state, out, crypto_box_PUBLICKEYBYTES);
      crypto_generichash_update (&state, recipient, SR_BOX_KEY_BYTES);
      crypto_generichash_final (&state, nonce, sizeof nonce);
      /* Fails when the recipient key is a low-order point. */
      ok = crypto_box_easy (out + crypto_box_PUBLICKEYBYTES, file_key,
                            FILE_KEY_BYTES, nonce, recipient, esk) == 0;
    }
  sodium_memzero (esk, sizeof esk);

  return ok;
}

static void
random_bytes (guint8   *buf,
              gsize     len,
              gpointer  user_data)
{
  randombytes_buf (buf, len);
}

GBytes *
sr_envelope_seal_with_random (const guint8   *plaintext,
                              gsize           len,
                              const guint8  (*recipients)[SR_BOX_KEY_BYTES],
                              guint           n_recipients,
                              SrRandomFunc    random,
                              gpointer        user_data,
                              GError        **error)
{
  crypto_secretstream_xchacha20poly1305_state stream;
  g_autofree guint8 *scratch = NULL;
  g_autofree guint8 *out = NULL;
  guint8 file_key[FILE_KEY_BYTES];
  guint8 payload_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  guint8 header_hash[HASH_BYTES];
  gsize padded, n_chunks, header_len, total, at, scratch_len = 0;
  guint8 *stream_header, *wire;

  g_return_val_if_fail (plaintext != NULL || len == 0, NULL);
  g_return_val_if_fail (recipients != NULL || n_recipients == 0, NULL);
  g_return_val_if_fail (random != NULL, NULL);

  if (n_recipients < 1 || n_recipients > SR_ENVELOPE_MAX_RECIPIENTS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "A report is sealed to between 1 and %d recipients.",
                   SR_ENVELOPE_MAX_RECIPIENTS);
      return NULL;
    }
  if (len > MAX_PLAINTEXT_BYTES)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The report is too large to seal.");
      return NULL;
    }

  /* P = R || 0x80 || zeros, |P| = padme(|R| + 1), never empty; it is cut
   * into full chunks and a last one of 1 to CHUNK_BYTES bytes. */
  padded = sr_padme (len + 1);
  n_chunks = (padded + CHUNK_BYTES - 1) / CHUNK_BYTES;
  header_len = OFFSET_PAYLOAD (n_recipients);
  total = header_len + padded + n_chunks * CHUNK_OVERHEAD;

  out = g_malloc (total);
  memcpy (out, MAGIC, MAGIC_BYTES);
  out[OFFSET_COUNT] = (guint8) n_recipients;

  random (file_key, sizeof file_key, user_data);
  for (guint i = 0; i < n_recipients; i++)
    {
      if (!seal_stanza (out + OFFSET_STANZAS + i * STANZA_BYTES, file_key,
                        recipients[i], random, user_data))
        {
          sodium_memzero (file_key, sizeof file_key);
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "Recipient key %u is not a usable public key.", i + 1);
          return NULL;
        }
    }

  stream_header = out + OFFSET_STREAM_HEADER (n_recipients);
  random (stream_header, STREAM_HEADER_BYTES, user_data);
  compute_commitment (file_key, out, OFFSET_COMMITMENT (n_recipients),
                      out + OFFSET_COMMITMENT (n_recipients));
  crypto_generichash (header_hash, sizeof header_hash, out, header_len, NULL, 0);
  derive_payload_key (file_key, payload_key);
  sodium_memzero (file_key, sizeof file_key);

  /* init_push would draw the header from randombytes itself; init_pull
   * derives the very same state from a header we chose, which is what lets
   * the randomness come from the caller. */
  crypto_secretstream_xchacha20poly1305_init_pull (&stream, stream_header,
                                                   payload_key);
  sodium_memzero (payload_key, sizeof payload_key);

  /* Chunks that lie wholly inside the report are pushed straight from the
   * caller's buffer; only those that reach into the padding are assembled
   * in a scratch buffer, wiped before it is freed. (A guarded allocation
   * would cost more than the rest of the seal.) */
  wire = out + header_len;
  for (at = 0; at < padded; at += CHUNK_BYTES)
    {
      gsize chunk_len = MIN (CHUNK_BYTES, padded - at);
      gboolean last = at + chunk_len == padded;
      const guint8 *source;

      if (at + chunk_len <= len)
        source = plaintext + at;
      else
        {
          gsize from_report = at < len ? len - at : 0;

          if (scratch == NULL)
            {
              scratch_len = chunk_len;
              scratch = g_malloc (scratch_len);
            }
          g_assert (chunk_len <= scratch_len);
          if (from_report > 0)
            memcpy (scratch, plaintext + at, from_report);
          memset (scratch + from_report, 0, chunk_len - from_report);
          if (at <= len)
            scratch[len - at] = PADDING_MARK;
          source = scratch;
        }

      crypto_secretstream_xchacha20poly1305_push (&stream, wire, NULL,
                                                  source, chunk_len,
                                                  header_hash, sizeof header_hash,
                                                  last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                       : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
      wire += chunk_len + CHUNK_OVERHEAD;
    }
  sodium_memzero (&stream, sizeof stream);
  if (scratch != NULL)
    sodium_memzero (scratch, scratch_len);
  g_assert (wire == out + total);

  return g_bytes_new_take (g_steal_pointer (&out), total);
}

GBytes *
sr_envelope_seal (const guint8   *plaintext,
                  gsize           len,
                  const guint8  (*recipients)[SR_BOX_KEY_BYTES],
                  guint           n_recipients,
                  GError        **error)
{
  return sr_envelope_seal_with_random (plaintext, len, recipients, n_recipients,
                                       random_bytes, NULL, error);
}

/* Everything that can be checked without a key. On success n is the
 * stanza count and the payload splits into whole chunks, the last of which
 * is at least a chunk's overhead long. */
static gboolean
check_structure (const guint8  *envelope,
                 gsize          len,
                 guint         *out_n,
                 GError       **error)
{
  gsize header_len, rest;
  guint n;

  if (len < MAGIC_BYTES - 1 || memcmp (envelope, MAGIC, MAGIC_BYTES - 1) != 0)
    {
      if (len < MAGIC_BYTES - 1 && (len == 0 || memcmp (envelope, MAGIC, len) == 0))
        g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                             MESSAGE_TRUNCATED);
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                             "This is not a SafeReport envelope.");
      return FALSE;
    }
  if (len < MAGIC_BYTES + 1)
    {
      if (len == MAGIC_BYTES && envelope[MAGIC_BYTES - 1] != MAGIC[MAGIC_BYTES - 1])
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                             "This envelope was made by a version of SafeReport this one does not know.");
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                             MESSAGE_TRUNCATED);
      return FALSE;
    }
  if (envelope[MAGIC_BYTES - 1] != MAGIC[MAGIC_BYTES - 1])
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This envelope was made by a version of SafeReport this one does not know.");
      return FALSE;
    }

  n = envelope[OFFSET_COUNT];
  if (n < 1 || n > SR_ENVELOPE_MAX_RECIPIENTS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The envelope is damaged: its recipient count is not between 1 and %d.",
                   SR_ENVELOPE_MAX_RECIPIENTS);
      return FALSE;
    }

  header_len = OFFSET_PAYLOAD (n);
  if (len < header_len + CHUNK_OVERHEAD)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED, MESSAGE_TRUNCATED);
      return FALSE;
    }

  /* Every chunk but the last is exactly CHUNK_WIRE_BYTES long, so a tail
   * shorter than one chunk's overhead is a chunk cut off. */
  rest = (len - header_len) % CHUNK_WIRE_BYTES;
  if (rest != 0 && rest < CHUNK_OVERHEAD)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED, MESSAGE_TRUNCATED);
      return FALSE;
    }

  *out_n = n;
  return TRUE;
}

gboolean
sr_envelope_check (const guint8  *envelope,
                   gsize          len,
                   GError       **error)
{
  guint n;

  g_return_val_if_fail (envelope != NULL || len == 0, FALSE);

  return check_structure (envelope, len, &n, error);
}

/* Trial decryption: every stanza against every key the organisation holds.
 * No stanza names its recipient, so there is nothing better to go on. */
static gboolean
open_file_key (const guint8      *envelope,
               guint              n,
               const SrOrgSecret *secret,
               guint8             file_key[FILE_KEY_BYTES])
{
  guint n_keys = sr_org_secret_get_n_box_keys (secret);

  for (guint s = 0; s < n; s++)
    {
      const guint8 *stanza = envelope + OFFSET_STANZAS + (gsize) s * STANZA_BYTES;

      for (guint k = 0; k < n_keys; k++)
        {
          if (crypto_box_seal_open (file_key, stanza, STANZA_BYTES,
                                    sr_org_secret_get_box_pk (secret, k),
                                    sr_org_secret_get_box_sk (secret, k)) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

static gboolean
fail (GError     **error,
      int          code,
      const char  *message)
{
  g_set_error_literal (error, SR_ERROR, code, message);
  return FALSE;
}

/* Opens and authenticates every byte. With plaintext NULL the report is
 * decrypted chunk by chunk into a scratch buffer, checked and wiped: an
 * import needs to know that an envelope opens, not what it says, and a
 * guarded allocation per envelope would cost more than the X25519 itself. */
static gboolean
envelope_open (const guint8       *envelope,
               gsize               len,
               const SrOrgSecret  *secret,
               SrSecret          **plaintext,
               GError            **error)
{
  crypto_secretstream_xchacha20poly1305_state stream;
  g_autoptr(SrSecret) output = NULL;
  g_autofree guint8 *scratch = NULL;
  guint8 file_key[FILE_KEY_BYTES];
  guint8 payload_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  guint8 commitment[COMMITMENT_BYTES];
  guint8 header_hash[HASH_BYTES];
  gsize header_len, payload_len, padded_len, remaining, n_chunks, at;
  gsize mark_at = 0, scratch_len = 0;
  guint8 mark = 0x00;
  const guint8 *wire;
  gboolean committed, ok = TRUE;
  guint n;

  if (!check_structure (envelope, len, &n, error))
    return FALSE;

  if (!open_file_key (envelope, n, secret, file_key))
    return fail (error, SR_ERROR_WRONG_KEY,
                 "None of the organisation's keys opens this envelope.");

  /* The commitment binds the header to this one file key before anything
   * is decrypted: Poly1305 alone would let a forged header open under a
   * second key. */
  compute_commitment (file_key, envelope, OFFSET_COMMITMENT (n), commitment);
  committed = sodium_memcmp (commitment, envelope + OFFSET_COMMITMENT (n),
                             COMMITMENT_BYTES) == 0;
  if (committed)
    derive_payload_key (file_key, payload_key);
  sodium_memzero (file_key, sizeof file_key);
  if (!committed)
    return fail (error, SR_ERROR_TAMPERED, MESSAGE_TAMPERED);

  header_len = OFFSET_PAYLOAD (n);
  crypto_generichash (header_hash, sizeof header_hash, envelope, header_len, NULL, 0);
  crypto_secretstream_xchacha20poly1305_init_pull (&stream,
                                                   envelope + OFFSET_STREAM_HEADER (n),
                                                   payload_key);
  sodium_memzero (payload_key, sizeof payload_key);

  /* check_structure made sure that the payload splits into full chunks
   * and a last one at least CHUNK_OVERHEAD long. The report goes into one
   * guarded buffer of its final size, each chunk decrypted in place behind
   * the one before, so it is never copied. */
  payload_len = len - header_len;
  n_chunks = (payload_len + CHUNK_WIRE_BYTES - 1) / CHUNK_WIRE_BYTES;
  padded_len = payload_len - n_chunks * CHUNK_OVERHEAD;
  if (plaintext != NULL)
    output = sr_secret_new (padded_len);
  else
    {
      scratch_len = MAX (1, MIN (padded_len, CHUNK_BYTES));
      scratch = g_malloc (scratch_len);
    }

  wire = envelope + header_len;
  remaining = payload_len;
  at = 0;
  for (gsize i = 0; ok && i < n_chunks; i++)
    {
      gsize wire_len = MIN (CHUNK_WIRE_BYTES, remaining);
      guint8 *chunk = output != NULL ? output->data + at : scratch;
      unsigned long long chunk_len = 0;
      unsigned char tag = 0;

      if (crypto_secretstream_xchacha20poly1305_pull (&stream, chunk, &chunk_len, &tag,
                                                      wire, wire_len,
                                                      header_hash, sizeof header_hash) != 0)
        ok = fail (error, SR_ERROR_TAMPERED, MESSAGE_TAMPERED);
      else if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL && i + 1 < n_chunks)
        ok = fail (error, SR_ERROR_TAMPERED, MESSAGE_TAMPERED);
      else if (tag == crypto_secretstream_xchacha20poly1305_TAG_MESSAGE && i + 1 == n_chunks)
        ok = fail (error, SR_ERROR_TRUNCATED, MESSAGE_TRUNCATED);
      else if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
               tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
        ok = fail (error, SR_ERROR_FORMAT,
                   "The envelope holds a kind of chunk SafeReport does not write.");
      else
        {
          /* Remember the last byte that is not zero: where the padding
           * mark must be once every chunk is in. */
          for (gsize j = chunk_len; j > 0; j--)
            {
              if (chunk[j - 1] != 0x00)
                {
                  mark_at = at + j - 1;
                  mark = chunk[j - 1];
                  break;
                }
            }
        }

      wire += wire_len;
      remaining -= wire_len;
      at += chunk_len;
    }
  sodium_memzero (&stream, sizeof stream);
  if (scratch != NULL)
    sodium_memzero (scratch, scratch_len);
  if (!ok)
    return FALSE;
  g_assert (at == padded_len);

  /* P = R || 0x80 || zeros, and |P| = padme(|R| + 1) exactly: any other
   * padding was not written by SafeReport. */
  if (mark != PADDING_MARK || sr_padme (mark_at + 1) != padded_len)
    return fail (error, SR_ERROR_FORMAT,
                 "The report inside the envelope is not padded the way SafeReport pads it.");

  if (plaintext != NULL)
    {
      sr_secret_truncate (output, mark_at);
      *plaintext = g_steal_pointer (&output);
    }
  return TRUE;
}

SrSecret *
sr_envelope_open (const guint8       *envelope,
                  gsize               len,
                  const SrOrgSecret  *secret,
                  GError            **error)
{
  SrSecret *plaintext = NULL;

  g_return_val_if_fail (envelope != NULL || len == 0, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  if (!envelope_open (envelope, len, secret, &plaintext, error))
    return NULL;
  return plaintext;
}

gboolean
sr_envelope_verify (const guint8       *envelope,
                    gsize               len,
                    const SrOrgSecret  *secret,
                    GError            **error)
{
  g_return_val_if_fail (envelope != NULL || len == 0, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);

  return envelope_open (envelope, len, secret, NULL, error);
}

void
sr_envelope_id (const guint8 *envelope,
                gsize         len,
                guint8        id[SR_ENVELOPE_ID_BYTES])
{
  g_return_if_fail (envelope != NULL || len == 0);
  g_return_if_fail (id != NULL);

  crypto_generichash (id, SR_ENVELOPE_ID_BYTES, envelope, len, NULL, 0);
}

static char *
format_receipt (const char chars[SR_RECEIPT_CHARS])
{
  char *receipt = g_malloc (SR_RECEIPT_CHARS + 2);

  memcpy (receipt, chars, 5);
  receipt[5] = '-';
  memcpy (receipt + 6, chars + 5, 5);
  receipt[SR_RECEIPT_CHARS + 1] = '\0';
  return receipt;
}

char *
sr_receipt_from_id (const guint8 id[SR_ENVELOPE_ID_BYTES])
{
  char chars[SR_RECEIPT_CHARS];
  guint64 bits = 0;

  g_return_val_if_fail (id != NULL, NULL);

  /* The first 56 bits, big-endian, then the top 50 of them. */
  for (guint i = 0; i < 7; i++)
    bits = (bits << 8) | id[i];
  bits >>= 6;

  for (guint i = 0; i < SR_RECEIPT_CHARS; i++)
    chars[i] = receipt_alphabet[(bits >> (5 * (SR_RECEIPT_CHARS - 1 - i))) & 0x1f];

  return format_receipt (chars);
}

char *
sr_receipt_normalize (const char *text)
{
  char chars[SR_RECEIPT_CHARS];
  guint n = 0;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || g_ascii_isspace (c))
        continue;
      /* Crockford's reading: letters that look like digits are those digits. */
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      if (strchr (receipt_alphabet, c) == NULL || n == SR_RECEIPT_CHARS)
        return NULL;
      chars[n++] = c;
    }

  if (n != SR_RECEIPT_CHARS)
    return NULL;
  return format_receipt (chars);
}
