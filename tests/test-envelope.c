/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-envelope"

#include "sr-test-util.h"

#include <sodium.h>
#include <string.h>

#include "sr-envelope.h"
#include "sr-envelope-private.h"
#include "sr-error.h"
#include "sr-keys-private.h"

/* The layout of docs/FORMAT.md, written out again here so that the tests
 * check the code against the document rather than against itself. */
#define HEADER_BYTES(n) (61 + 80 * (gsize) (n))
#define STREAM_HEADER_OFFSET(n) (5 + 80 * (gsize) (n))
#define COMMITMENT_OFFSET(n) (29 + 80 * (gsize) (n))
#define CHUNK 65536
#define CHUNK_WIRE (CHUNK + 17)

/* An organisation whose only box key is box_sk. */
static SrOrgSecret *
secret_with_box_key (const guint8 box_sk[SR_BOX_KEY_BYTES])
{
  g_autoptr(GError) error = NULL;
  guint8 sign_pk[SR_SIGN_PK_BYTES], sign_sk[SR_SIGN_SK_BYTES];
  SrOrgSecret *secret;

  crypto_sign_keypair (sign_pk, sign_sk);
  secret = sr_org_secret_new_from_keys (sign_sk, (const guint8 (*)[SR_BOX_KEY_BYTES]) box_sk, 1, &error);
  g_assert_no_error (error);
  sodium_memzero (sign_sk, sizeof sign_sk);
  return secret;
}

static guint8 *
report_new (gsize len,
            guint seed)
{
  guint8 *report = g_malloc (MAX (len, 1));

  for (gsize i = 0; i < len; i++)
    report[i] = (guint8) (i * 31 + seed + (i >> 8));
  return report;
}

static GBytes *
seal_to (const guint8      *report,
         gsize              len,
         const SrOrgSecret *secret)
{
  g_autoptr(GError) error = NULL;
  guint8 recipient[1][SR_BOX_KEY_BYTES];
  GBytes *envelope;

  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  envelope = sr_envelope_seal (report, len, (const guint8 (*)[SR_BOX_KEY_BYTES]) recipient, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (envelope);
  return envelope;
}

static void
assert_opens_to (const guint8      *envelope,
                 gsize              len,
                 const SrOrgSecret *secret,
                 const guint8      *report,
                 gsize              report_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) plaintext = sr_envelope_open (envelope, len, secret, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plaintext);
  g_assert_cmpmem (plaintext->data, plaintext->len, report, report_len);

  g_assert_true (sr_envelope_verify (envelope, len, secret, &error));
  g_assert_no_error (error);
}

/* Refused with this code, one line of message, and nothing returned; and
 * sr_envelope_verify refuses it the same way. */
static void
assert_refused (const guint8      *envelope,
                gsize              len,
                const SrOrgSecret *secret,
                int                code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) verify_error = NULL;
  g_autoptr(SrSecret) plaintext = sr_envelope_open (envelope, len, secret, &error);

  g_assert_null (plaintext);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SR_ERROR);
  if (code >= 0)
    g_assert_cmpint (error->code, ==, code);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_null (strchr (error->message, '\n'));

  g_assert_false (sr_envelope_verify (envelope, len, secret, &verify_error));
  g_assert_error (verify_error, SR_ERROR, error->code);
  g_assert_cmpstr (verify_error->message, ==, error->message);
}

/* PADMÉ */

static void
test_padme (void)
{
  static const struct
  {
    gsize len;
    gsize padded;
  } table[] = {
    { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 }, { 5, 5 }, { 6, 6 }, { 7, 7 },
    { 8, 8 }, { 9, 10 }, { 10, 10 }, { 11, 12 }, { 12, 12 }, { 13, 14 }, { 15, 16 },
    { 16, 16 }, { 17, 18 }, { 19, 20 }, { 31, 32 }, { 33, 36 }, { 63, 64 }, { 65, 72 },
    { 100, 104 }, { 200, 208 }, { 201, 208 }, { 208, 208 }, { 209, 224 }, { 255, 256 },
    { 257, 272 }, { 1000, 1024 }, { 1025, 1088 }, { 65535, 65536 }, { 65536, 65536 },
    { 65537, 67584 }, { 204801, 208896 }, { 1000000, 1015808 },
  };
  gsize previous = 0;

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpuint (sr_padme (table[i].len), ==, table[i].padded);

  /* Never shorter, idempotent, monotonic, and at most 12 % longer. */
  for (gsize len = 0; len < 70000; len++)
    {
      gsize padded = sr_padme (len);

      g_assert_cmpuint (padded, >=, len);
      g_assert_cmpuint (padded, >=, previous);
      g_assert_cmpuint (sr_padme (padded), ==, padded);
      g_assert_cmpuint (padded * 100, <=, len * 112 + 100);
      previous = padded;
    }
}

static gsize
expected_size (gsize report_len,
               guint n)
{
  gsize padded = sr_padme (report_len + 1);

  return HEADER_BYTES (n) + padded + 17 * ((padded + CHUNK - 1) / CHUNK);
}

static void
test_length_hidden (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  /* 201 + 1 and 207 + 1 both pad to 208; 208 + 1 pads to 224. */
  const gsize lengths[] = { 201, 207, 208, 0, 65535, 65536 };
  gsize sizes[G_N_ELEMENTS (lengths)];

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree guint8 *report = report_new (lengths[i], i);
      g_autoptr(GBytes) envelope = seal_to (report, lengths[i], secret);

      sizes[i] = g_bytes_get_size (envelope);
      g_assert_cmpuint (sizes[i], ==, expected_size (lengths[i], 1));
      assert_opens_to (g_bytes_get_data (envelope, NULL), sizes[i], secret, report, lengths[i]);
    }
  g_assert_cmpuint (sizes[0], ==, sizes[1]);
  g_assert_cmpuint (sizes[2], >, sizes[1]);
  /* An empty report still has one byte of padding in one chunk. */
  g_assert_cmpuint (sizes[3], ==, HEADER_BYTES (1) + 1 + 17);
  /* P of exactly 65 536 bytes is one full FINAL chunk, not two. */
  g_assert_cmpuint (sizes[4], ==, HEADER_BYTES (1) + CHUNK + 17);
  g_assert_cmpuint (sizes[5], ==, HEADER_BYTES (1) + 67584 + 2 * 17);
}

/* Round trips */

static void
round_trip (guint n_recipients)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_org_secret_free);
  g_autoptr(SrOrgSecret) stranger = sr_org_secret_generate ();
  guint8 recipients[SR_ENVELOPE_MAX_RECIPIENTS][SR_BOX_KEY_BYTES];
  g_autofree guint8 *report = report_new (300 + n_recipients, n_recipients);
  g_autoptr(GBytes) envelope = NULL;
  const guint8 *data;
  gsize len;

  for (guint i = 0; i < n_recipients; i++)
    {
      SrOrgSecret *secret = sr_org_secret_generate ();

      memcpy (recipients[i], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
      g_ptr_array_add (secrets, secret);
    }

  envelope = sr_envelope_seal (report, 300 + n_recipients,
                               (const guint8 (*)[SR_BOX_KEY_BYTES]) recipients,
                               n_recipients, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (envelope, &len);
  g_assert_cmpuint (len, ==, expected_size (300 + n_recipients, n_recipients));
  g_assert_cmpmem (data, 4, "SRE\x01", 4);
  g_assert_cmpuint (data[4], ==, n_recipients);
  g_assert_true (sr_envelope_check (data, len, &error));
  g_assert_no_error (error);

  /* Every recipient opens it; the stanza for recipient i opens with
   * crypto_box_seal_open and i's key alone, as docs/FORMAT.md says. */
  for (guint i = 0; i < n_recipients; i++)
    {
      SrOrgSecret *secret = g_ptr_array_index (secrets, i);
      guint8 file_key[32];

      assert_opens_to (data, len, secret, report, 300 + n_recipients);
      g_assert_cmpint (crypto_box_seal_open (file_key, data + 5 + 80 * i, 80,
                                             sr_org_secret_get_box_pk (secret, 0),
                                             sr_org_secret_get_box_sk (secret, 0)), ==, 0);
      if (n_recipients > 1)
        g_assert_cmpint (crypto_box_seal_open (file_key, data + 5 + 80 * ((i + 1) % n_recipients), 80,
                                               sr_org_secret_get_box_pk (secret, 0),
                                               sr_org_secret_get_box_sk (secret, 0)), !=, 0);
      sodium_memzero (file_key, sizeof file_key);
    }

  assert_refused (data, len, stranger, SR_ERROR_WRONG_KEY);
}

static void
test_round_trip_1 (void)
{
  round_trip (1);
}

static void
test_round_trip_2 (void)
{
  round_trip (2);
}

static void
test_round_trip_16 (void)
{
  round_trip (16);
}

static void
test_recipients_refused (void)
{
  g_autoptr(GError) error = NULL;
  guint8 recipients[17][SR_BOX_KEY_BYTES];
  guint8 sk[SR_BOX_KEY_BYTES];
  const guint8 report[] = "a report";

  for (guint i = 0; i < 17; i++)
    crypto_box_keypair (recipients[i], sk);

  g_assert_null (sr_envelope_seal (report, sizeof report, (const guint8 (*)[SR_BOX_KEY_BYTES]) recipients, 0, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sr_envelope_seal (report, sizeof report, (const guint8 (*)[SR_BOX_KEY_BYTES]) recipients, 17, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  /* A low-order point would let anyone compute the shared secret. */
  memset (recipients[1], 0, SR_BOX_KEY_BYTES);
  g_assert_null (sr_envelope_seal (report, sizeof report, (const guint8 (*)[SR_BOX_KEY_BYTES]) recipients, 2, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  sodium_memzero (sk, sizeof sk);
}

static void
test_rotation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) old = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) rotated = NULL;
  g_autofree guint8 *report = report_new (500, 7);
  g_autoptr(GBytes) before = seal_to (report, 500, old);
  g_autoptr(GBytes) after = NULL;

  rotated = sr_org_secret_rotate (old, &error);
  g_assert_no_error (error);
  after = seal_to (report, 500, rotated);

  /* The retired key still opens what was sealed to it; the old key set
   * cannot open what was sealed to the new current key. */
  assert_opens_to (g_bytes_get_data (before, NULL), g_bytes_get_size (before), rotated, report, 500);
  assert_opens_to (g_bytes_get_data (after, NULL), g_bytes_get_size (after), rotated, report, 500);
  assert_refused (g_bytes_get_data (after, NULL), g_bytes_get_size (after), old, SR_ERROR_WRONG_KEY);
}

static void
test_wrong_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) other = sr_org_secret_generate ();
  g_autoptr(GBytes) envelope = seal_to ((const guint8 *) "hello", 5, secret);
  g_autoptr(SrSecret) plaintext = NULL;

  plaintext = sr_envelope_open (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                                other, &error);
  g_assert_null (plaintext);
  g_assert_error (error, SR_ERROR, SR_ERROR_WRONG_KEY);
}

/* Damage */

static void
test_bit_flips (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree guint8 *report = report_new (200, 3);
  g_autoptr(GBytes) envelope = seal_to (report, 200, secret);
  gsize len = g_bytes_get_size (envelope);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (envelope, NULL), len);

  g_assert_cmpuint (len, ==, HEADER_BYTES (1) + 208 + 17);
  assert_opens_to (copy, len, secret, report, 200);

  for (gsize bit = 0; bit < 8 * len; bit++)
    {
      gsize at = bit / 8;
      int code;

      /* What each region's damage must read as (docs/FORMAT.md). */
      if (at < 4)
        code = SR_ERROR_FORMAT;
      else if (at == 4)
        code = -1;   /* another count: format, truncated or tampered */
      else if (at < STREAM_HEADER_OFFSET (1))
        code = SR_ERROR_WRONG_KEY;
      else
        code = SR_ERROR_TAMPERED;

      copy[at] ^= 1 << (bit % 8);
      assert_refused (copy, len, secret, code);
      copy[at] ^= 1 << (bit % 8);
    }

  assert_opens_to (copy, len, secret, report, 200);
}

static void
test_truncation (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree guint8 *report = report_new (200, 4);
  g_autoptr(GBytes) envelope = seal_to (report, 200, secret);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (envelope, &len);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      /* A fresh allocation of exactly cut bytes, so that a read past the
       * end is caught by the allocator checks. */
      g_autofree guint8 *prefix = g_memdup2 (data, cut);

      if (cut < HEADER_BYTES (1) + 17)
        {
          assert_refused (prefix, cut, secret, SR_ERROR_TRUNCATED);
          g_assert_false (sr_envelope_check (prefix, cut, &error));
          g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
        }
      else
        {
          /* A cut inside the one chunk leaves a chunk that no longer
           * authenticates. */
          assert_refused (prefix, cut, secret, SR_ERROR_TAMPERED);
        }
    }
}

static void
test_extension (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree guint8 *report = report_new (200, 5);
  g_autoptr(GBytes) envelope = seal_to (report, 200, secret);
  gsize len = g_bytes_get_size (envelope);
  g_autofree guint8 *longer = g_malloc0 (len + CHUNK_WIRE);

  memcpy (longer, g_bytes_get_data (envelope, NULL), len);
  for (guint extra = 1; extra <= 17; extra++)
    assert_refused (longer, len + extra, secret, SR_ERROR_TAMPERED);

  /* The envelope's own last chunk again behind it. */
  memcpy (longer + len, longer + HEADER_BYTES (1), len - HEADER_BYTES (1));
  assert_refused (longer, len + len - HEADER_BYTES (1), secret, SR_ERROR_TAMPERED);
}

static void
test_chunks (void)
{
  const gsize report_len = 200 * 1024;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree guint8 *report = report_new (report_len, 6);
  g_autoptr(GBytes) envelope = seal_to (report, report_len, secret);
  gsize len = g_bytes_get_size (envelope);
  const guint8 *data = g_bytes_get_data (envelope, NULL);
  const guint8 *chunk[4];
  gsize header = HEADER_BYTES (1), last_len;
  g_autofree guint8 *work = g_malloc (len + CHUNK_WIRE);

  /* P = padme(204 801) = 208 896 bytes: three full chunks and 12 288. */
  g_assert_cmpuint (len, ==, header + 208896 + 4 * 17);
  assert_opens_to (data, len, secret, report, report_len);
  for (guint i = 0; i < 4; i++)
    chunk[i] = data + header + i * CHUNK_WIRE;
  last_len = len - header - 3 * CHUNK_WIRE;
  g_assert_cmpuint (last_len, ==, 12288 + 17);

#define ASSEMBLE(...) \
  G_STMT_START { \
    const guint8 *parts_[] = { __VA_ARGS__ }; \
    gsize at_ = header; \
    memcpy (work, data, header); \
    for (guint p_ = 0; p_ < G_N_ELEMENTS (parts_); p_++) \
      { \
        gsize part_len_ = parts_[p_] == chunk[3] ? last_len : CHUNK_WIRE; \
        memcpy (work + at_, parts_[p_], part_len_); \
        at_ += part_len_; \
      } \
    work_len = at_; \
  } G_STMT_END

  {
    gsize work_len = 0;

    ASSEMBLE (chunk[0], chunk[1], chunk[2], chunk[3]);
    assert_opens_to (work, work_len, secret, report, report_len);

    /* Reordered, dropped or repeated chunks. */
    ASSEMBLE (chunk[1], chunk[0], chunk[2], chunk[3]);
    assert_refused (work, work_len, secret, SR_ERROR_TAMPERED);
    ASSEMBLE (chunk[0], chunk[2], chunk[1], chunk[3]);
    assert_refused (work, work_len, secret, SR_ERROR_TAMPERED);
    ASSEMBLE (chunk[0], chunk[2], chunk[3]);
    assert_refused (work, work_len, secret, SR_ERROR_TAMPERED);
    ASSEMBLE (chunk[0], chunk[0], chunk[1], chunk[2], chunk[3]);
    assert_refused (work, work_len, secret, SR_ERROR_TAMPERED);
    ASSEMBLE (chunk[0], chunk[1], chunk[3]);
    assert_refused (work, work_len, secret, SR_ERROR_TAMPERED);
    ASSEMBLE (chunk[0], chunk[1], chunk[2], chunk[3], chunk[3]);
    assert_refused (work, work_len, secret, SR_ERROR_TAMPERED);

    /* Cut at a chunk boundary: every chunk left is sound, but no FINAL. */
    ASSEMBLE (chunk[0], chunk[1], chunk[2]);
    assert_refused (work, work_len, secret, SR_ERROR_TRUNCATED);
    ASSEMBLE (chunk[0]);
    assert_refused (work, work_len, secret, SR_ERROR_TRUNCATED);

    /* Cut a few bytes into a chunk: too short to be one. */
    ASSEMBLE (chunk[0], chunk[1]);
    memcpy (work + work_len, chunk[2], 16);
    assert_refused (work, work_len + 16, secret, SR_ERROR_TRUNCATED);
    assert_refused (work, work_len + 17, secret, SR_ERROR_TAMPERED);
    assert_refused (work, work_len - 1, secret, SR_ERROR_TAMPERED);

    /* A flipped bit in the third chunk. */
    ASSEMBLE (chunk[0], chunk[1], chunk[2], chunk[3]);
    work[header + 2 * CHUNK_WIRE + 1000] ^= 0x04;
    assert_refused (work, work_len, secret, SR_ERROR_TAMPERED);
  }
#undef ASSEMBLE
}

static void
test_padding_spans_chunks (void)
{
  /* 4 MiB + 1 pads to a multiple of 128 KiB: the mark opens chunk 64 and
   * chunk 65 holds nothing but padding. */
  const gsize report_len = 4 * 1024 * 1024;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree guint8 *report = report_new (report_len, 8);
  g_autoptr(GBytes) envelope = NULL;

  g_assert_cmpuint (sr_padme (report_len + 1), ==, report_len + 2 * CHUNK);
  envelope = seal_to (report, report_len, secret);
  g_assert_cmpuint (g_bytes_get_size (envelope), ==, HEADER_BYTES (1) + report_len + 2 * CHUNK + 66 * 17);
  assert_opens_to (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                   secret, report, report_len);
}

/* Envelopes written here by hand from docs/FORMAT.md, with libsodium
 * directly: the code must open a conforming one, and must refuse one whose
 * contents are authentic but break the rules. */

typedef enum
{
  HAND_OK,
  HAND_NO_MARK,
  HAND_EXTRA_ZEROS,
  HAND_ALL_MESSAGE,
  HAND_EARLY_FINAL,
  HAND_PUSH_TAG,
  HAND_BAD_COMMITMENT,
  HAND_WRONG_AD,
} HandFlaw;

static GBytes *
hand_made (const guint8 *padded,
           gsize         padded_len,
           gsize         chunk_len,
           const guint8  recipient[SR_BOX_KEY_BYTES],
           HandFlaw      flaw)
{
  crypto_secretstream_xchacha20poly1305_state state;
  crypto_generichash_state hash;
  guint8 file_key[32], payload_key[32], header_hash[32];
  GByteArray *out = g_byte_array_new ();
  guint8 stanza[80], stream_header[24], commitment[32];
  const char *commit_label = "SafeReport envelope v1 commit";
  const char *payload_label = "SafeReport envelope v1 payload";

  randombytes_buf (file_key, sizeof file_key);
  g_byte_array_append (out, (const guint8 *) "SRE\x01\x01", 5);
  g_assert_cmpint (crypto_box_seal (stanza, file_key, 32, recipient), ==, 0);
  g_byte_array_append (out, stanza, sizeof stanza);
  crypto_generichash (payload_key, 32, (const guint8 *) payload_label, strlen (payload_label),
                      file_key, 32);
  crypto_secretstream_xchacha20poly1305_init_push (&state, stream_header, payload_key);
  g_byte_array_append (out, stream_header, sizeof stream_header);

  crypto_generichash_init (&hash, file_key, 32, 32);
  if (flaw != HAND_BAD_COMMITMENT)
    crypto_generichash_update (&hash, (const guint8 *) commit_label, strlen (commit_label));
  crypto_generichash_update (&hash, out->data, out->len);
  crypto_generichash_final (&hash, commitment, 32);
  g_byte_array_append (out, commitment, sizeof commitment);
  crypto_generichash (header_hash, 32, out->data, out->len, NULL, 0);
  if (flaw == HAND_WRONG_AD)
    header_hash[0] ^= 1;

  for (gsize at = 0; at < padded_len || at == 0; at += chunk_len)
    {
      gsize this_len = MIN (chunk_len, padded_len - at);
      gboolean last = at + this_len >= padded_len;
      guint8 tag = last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                        : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      guint8 *c = g_malloc (this_len + 17);

      if (flaw == HAND_ALL_MESSAGE)
        tag = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      else if (flaw == HAND_EARLY_FINAL)
        tag = crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      else if (flaw == HAND_PUSH_TAG && last)
        tag = crypto_secretstream_xchacha20poly1305_TAG_PUSH;
      crypto_secretstream_xchacha20poly1305_push (&state, c, NULL, padded + at, this_len,
                                                  header_hash, 32, tag);
      g_byte_array_append (out, c, this_len + 17);
      g_free (c);
      if (padded_len == 0)
        break;
    }

  return g_byte_array_free_to_bytes (out);
}

static void
test_hand_made (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  const guint8 *pk = sr_org_secret_get_box_pk (secret, 0);
  g_autofree guint8 *report = report_new (CHUNK + 100, 9);
  gsize padded_len = sr_padme (CHUNK + 101);
  g_autofree guint8 *padded = g_malloc0 (padded_len + 16);
  struct
  {
    HandFlaw flaw;
    gsize    padded_len;
    int      code;
  } cases[] = {
    { HAND_OK, padded_len, -1 },
    { HAND_NO_MARK, padded_len, SR_ERROR_FORMAT },
    { HAND_EXTRA_ZEROS, padded_len + 16, SR_ERROR_FORMAT },
    { HAND_ALL_MESSAGE, padded_len, SR_ERROR_TRUNCATED },
    { HAND_EARLY_FINAL, padded_len, SR_ERROR_TAMPERED },
    { HAND_PUSH_TAG, padded_len, SR_ERROR_FORMAT },
    { HAND_BAD_COMMITMENT, padded_len, SR_ERROR_TAMPERED },
    { HAND_WRONG_AD, padded_len, SR_ERROR_TAMPERED },
  };

  memcpy (padded, report, CHUNK + 100);
  padded[CHUNK + 100] = 0x80;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) envelope = NULL;

      padded[CHUNK + 100] = cases[i].flaw == HAND_NO_MARK ? 0x00 : 0x80;
      envelope = hand_made (padded, cases[i].padded_len, CHUNK, pk, cases[i].flaw);
      if (cases[i].code < 0)
        assert_opens_to (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                         secret, report, CHUNK + 100);
      else
        assert_refused (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                        secret, cases[i].code);
    }

  /* An empty P (no padding mark at all) is not a SafeReport plaintext. */
  {
    g_autoptr(GBytes) empty = hand_made (padded, 0, CHUNK, pk, HAND_OK);

    g_assert_cmpuint (g_bytes_get_size (empty), ==, HEADER_BYTES (1) + 17);
    assert_refused (g_bytes_get_data (empty, NULL), g_bytes_get_size (empty), secret,
                    SR_ERROR_FORMAT);
  }
}

/* Structure */

static void
test_check (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) envelope = seal_to ((const guint8 *) "report", 6, secret);
  gsize len = g_bytes_get_size (envelope);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (envelope, NULL), len);
  const struct
  {
    gsize  at;
    guint8 value;
    int    code;
  } cases[] = {
    { 0, 'X', SR_ERROR_FORMAT },
    { 3, 0x02, SR_ERROR_FORMAT },
    { 3, 0x00, SR_ERROR_FORMAT },
    { 4, 0, SR_ERROR_FORMAT },
    { 4, 17, SR_ERROR_FORMAT },
    { 4, 255, SR_ERROR_FORMAT },
    { 4, 2, SR_ERROR_TRUNCATED },
  };

  g_assert_true (sr_envelope_check (copy, len, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint8 saved = copy[cases[i].at];

      copy[cases[i].at] = cases[i].value;
      g_assert_false (sr_envelope_check (copy, len, &error));
      g_assert_error (error, SR_ERROR, cases[i].code);
      assert_refused (copy, len, secret, cases[i].code);
      copy[cases[i].at] = saved;
    }
  g_assert_true (sr_envelope_check (copy, len, NULL));

  /* Not an envelope at all. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (sr_envelope_check ((const guint8 *) "SRB\x01\x01", 5, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  }
}

/* Ids and receipts */

static void
test_id (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) a = seal_to ((const guint8 *) "same", 4, secret);
  g_autoptr(GBytes) b = seal_to ((const guint8 *) "same", 4, secret);
  guint8 id_a[SR_ENVELOPE_ID_BYTES], id_b[SR_ENVELOPE_ID_BYTES], hash[32];

  sr_envelope_id (g_bytes_get_data (a, NULL), g_bytes_get_size (a), id_a);
  sr_envelope_id (g_bytes_get_data (b, NULL), g_bytes_get_size (b), id_b);
  crypto_generichash (hash, sizeof hash, g_bytes_get_data (a, NULL), g_bytes_get_size (a), NULL, 0);
  g_assert_cmpmem (id_a, sizeof id_a, hash, sizeof hash);
  /* Fresh randomness per envelope: the same report never seals twice the
   * same way. */
  g_assert_false (memcmp (id_a, id_b, sizeof id_a) == 0);
  g_assert_false (g_bytes_equal (a, b));
}

static void
test_receipt (void)
{
  guint8 id[SR_ENVELOPE_ID_BYTES] = { 0 };
  g_autofree char *zeros = NULL;
  g_autofree char *ones = NULL;
  const struct
  {
    const char *typed;
    const char *canonical;
  } inputs[] = {
    { "X4R8T-5BD9Y", "X4R8T-5BD9Y" },
    { "x4r8t5bd9y", "X4R8T-5BD9Y" },
    { " x4r8t 5bd9y\n", "X4R8T-5BD9Y" },
    { "X-4-R-8-T-5-B-D-9-Y", "X4R8T-5BD9Y" },
    { "oOiIl-L0000", "00111-10000" },
    { "abcde-fghjk", "ABCDE-FGHJK" },
    { "mnpqr-stvwx", "MNPQR-STVWX" },
    { "", NULL },
    { "X4R8T-5BD9", NULL },
    { "X4R8T-5BD9YY", NULL },
    { "X4R8T-5BD9U", NULL },   /* U is not in the alphabet */
    { "X4R8T_5BD9Y", NULL },
    { "X4R8T-5BD9Ý", NULL },
  };

  zeros = sr_receipt_from_id (id);
  g_assert_cmpstr (zeros, ==, "00000-00000");
  memset (id, 0xff, sizeof id);
  ones = sr_receipt_from_id (id);
  g_assert_cmpstr (ones, ==, "ZZZZZ-ZZZZZ");

  /* Exactly the first 50 bits count, most significant bit of byte 0
   * first, five bits per character. */
  for (guint bit = 0; bit < 64; bit++)
    {
      g_autofree char *receipt = NULL;
      char expected[12] = "00000-00000";

      memset (id, 0, sizeof id);
      id[bit / 8] = 0x80 >> (bit % 8);
      receipt = sr_receipt_from_id (id);
      if (bit < 50)
        {
          guint position = bit / 5;

          expected[position < 5 ? position : position + 1] =
            "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[16 >> (bit % 5)];
        }
      g_assert_cmpstr (receipt, ==, expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *canonical = sr_receipt_normalize (inputs[i].typed);

      g_assert_cmpstr (canonical, ==, inputs[i].canonical);
    }

  /* Both directions on random ids: what is printed reads back unchanged,
   * in any case. */
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *receipt = NULL;
      g_autofree char *lower = NULL;
      g_autofree char *back = NULL;

      randombytes_buf (id, sizeof id);
      receipt = sr_receipt_from_id (id);
      g_assert_cmpuint (strlen (receipt), ==, 11);
      g_assert_cmpint ((guchar) receipt[5], ==, '-');
      lower = g_ascii_strdown (receipt, -1);
      back = sr_receipt_normalize (lower);
      g_assert_cmpstr (back, ==, receipt);
    }
}

/* The committed vector */

typedef struct
{
  const guint8 *bytes;
  gsize         len;
  gsize         used;
} FixedRandom;

static void
fixed_random (guint8   *buf,
              gsize     len,
              gpointer  user_data)
{
  FixedRandom *random = user_data;

  g_assert_cmpuint (random->used + len, <=, random->len);
  memcpy (buf, random->bytes + random->used, len);
  random->used += len;
}

static void
test_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) vector = sr_test_vector_load ("envelope.hex");
  g_autoptr(GBytes) report = sr_test_vector_bytes (vector, "report");
  g_autoptr(GBytes) expected = sr_test_vector_bytes (vector, "envelope");
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GByteArray) randomness = g_byte_array_new ();
  const char *draws[] = { "file_key", "ephemeral_1_sk", "ephemeral_2_sk", "stream_header" };
  guint8 recipients[2][SR_BOX_KEY_BYTES];
  guint8 id[SR_ENVELOPE_ID_BYTES], expected_id[SR_ENVELOPE_ID_BYTES];
  g_autofree char *receipt = NULL;
  FixedRandom random = { 0 };

  /* Decode: each recipient's key, derived from its seed, opens the
   * committed envelope; its id and receipt are those committed. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *seed_name = g_strdup_printf ("recipient_%u_seed", i + 1);
      g_autofree char *sk_name = g_strdup_printf ("recipient_%u_sk", i + 1);
      g_autofree char *pk_name = g_strdup_printf ("recipient_%u_pk", i + 1);
      g_autoptr(SrOrgSecret) secret = NULL;
      guint8 seed[32], sk[32], pk[32], expected_sk[32];

      sr_test_vector_fixed (vector, seed_name, seed, sizeof seed);
      sr_test_vector_fixed (vector, sk_name, expected_sk, sizeof expected_sk);
      sr_test_vector_fixed (vector, pk_name, recipients[i], SR_BOX_KEY_BYTES);
      crypto_box_seed_keypair (pk, sk, seed);
      g_assert_cmpmem (sk, sizeof sk, expected_sk, sizeof expected_sk);
      g_assert_cmpmem (pk, sizeof pk, recipients[i], sizeof pk);

      secret = secret_with_box_key (sk);
      assert_opens_to (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected), secret,
                       g_bytes_get_data (report, NULL), g_bytes_get_size (report));
      sodium_memzero (sk, sizeof sk);
    }

  sr_envelope_id (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected), id);
  sr_test_vector_fixed (vector, "id", expected_id, sizeof expected_id);
  g_assert_cmpmem (id, sizeof id, expected_id, sizeof expected_id);
  receipt = sr_receipt_from_id (id);
  g_assert_cmpstr (receipt, ==, sr_test_vector_text (vector, "receipt"));

  /* Encode: the same randomness gives the same bytes. */
  for (guint i = 0; i < G_N_ELEMENTS (draws); i++)
    {
      g_autoptr(GBytes) draw = sr_test_vector_bytes (vector, draws[i]);

      g_byte_array_append (randomness, g_bytes_get_data (draw, NULL), g_bytes_get_size (draw));
    }
  random.bytes = randomness->data;
  random.len = randomness->len;
  sealed = sr_envelope_seal_with_random (g_bytes_get_data (report, NULL), g_bytes_get_size (report),
                                         (const guint8 (*)[SR_BOX_KEY_BYTES]) recipients, 2,
                                         fixed_random, &random, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (random.used, ==, random.len);
  g_assert_cmpmem (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/envelope/padme", test_padme);
  g_test_add_func ("/sr/envelope/length-hidden", test_length_hidden);
  g_test_add_func ("/sr/envelope/round-trip/1", test_round_trip_1);
  g_test_add_func ("/sr/envelope/round-trip/2", test_round_trip_2);
  g_test_add_func ("/sr/envelope/round-trip/16", test_round_trip_16);
  g_test_add_func ("/sr/envelope/recipients-refused", test_recipients_refused);
  g_test_add_func ("/sr/envelope/rotation", test_rotation);
  g_test_add_func ("/sr/envelope/wrong-key", test_wrong_key);
  g_test_add_func ("/sr/envelope/bit-flips", test_bit_flips);
  g_test_add_func ("/sr/envelope/truncation", test_truncation);
  g_test_add_func ("/sr/envelope/extension", test_extension);
  g_test_add_func ("/sr/envelope/chunks", test_chunks);
  g_test_add_func ("/sr/envelope/padding-spans-chunks", test_padding_spans_chunks);
  g_test_add_func ("/sr/envelope/hand-made", test_hand_made);
  g_test_add_func ("/sr/envelope/check", test_check);
  g_test_add_func ("/sr/envelope/id", test_id);
  g_test_add_func ("/sr/envelope/receipt", test_receipt);
  g_test_add_func ("/sr/envelope/vector", test_vector);

  return g_test_run ();
}
