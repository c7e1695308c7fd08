/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

#include <sodium.h>
#include <string.h>

#include "sr-ack.h"
#include "sr-error.h"
#include "sr-sign.h"

#define HEADER_LEN 44

static guint32
today (void)
{
  return (guint32) (g_get_real_time () / G_USEC_PER_SEC / 86400);
}

static GBytes *
make_ack (const SrOrgSecret  *secret,
          guint               n_ids,
          guint8            (**ids_out)[SR_ENVELOPE_ID_BYTES])
{
  g_autoptr(GError) error = NULL;
  guint8 (*ids)[SR_ENVELOPE_ID_BYTES] = g_malloc ((gsize) MAX (n_ids, 1) * SR_ENVELOPE_ID_BYTES);
  GBytes *ack;

  randombytes_buf (ids, (gsize) n_ids * SR_ENVELOPE_ID_BYTES);
  ack = sr_ack_create ((const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids, n_ids, secret, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ack);

  if (ids_out != NULL)
    *ids_out = ids;
  else
    g_free (ids);

  return ack;
}

static void
test_round_trip (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  const guint counts[] = { 0, 1, 3, 500 };

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 (*ids)[SR_ENVELOPE_ID_BYTES] = NULL;
      g_autoptr(GBytes) data = make_ack (secret, counts[c], &ids);
      g_autoptr(SrAck) ack = NULL;
      gsize len;
      const guint8 *bytes = g_bytes_get_data (data, &len);

      /* The exact layout of FORMAT.md. */
      g_assert_cmpuint (len, ==, HEADER_LEN + 32 * counts[c] + 64);
      g_assert_cmpmem (bytes, 4, "SRA\x01", 4);
      g_assert_cmpmem (bytes + 4, 32, sr_org_secret_get_sign_pk (secret), 32);
      g_assert_cmpuint (bytes[40] | bytes[41] << 8 | bytes[42] << 16 | (guint32) bytes[43] << 24,
                        ==, counts[c]);
      g_assert_true (sr_sign_verify (SR_SIGN_CONTEXT_ACK, bytes, len - 64, bytes + len - 64,
                                     sr_org_secret_get_sign_pk (secret)));

      ack = sr_ack_new_from_data (bytes, len, sr_org_secret_get_sign_pk (secret), &error);
      g_assert_no_error (error);
      g_assert_nonnull (ack);
      g_assert_cmpuint (sr_ack_get_n_ids (ack), ==, counts[c]);
      for (guint i = 0; i < counts[c]; i++)
        g_assert_cmpmem (sr_ack_get_id (ack, i), 32, ids[i], 32);
      g_assert_cmpmem (sr_ack_get_signer (ack), 32, sr_org_secret_get_sign_pk (secret), 32);
      g_assert_cmpuint (sr_ack_get_day (ack), >=, today () - 1);
      g_assert_cmpuint (sr_ack_get_day (ack), <=, today () + 1);
    }
}

/* Every single flipped bit of a small acknowledgement is refused, with the
 * reason that fits where the bit is. */
static void
test_flipped_bits (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) data = make_ack (secret, 2, NULL);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  g_autofree guint8 *copy = g_memdup2 (bytes, len);

  for (gsize bit = 0; bit < len * 8; bit++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrAck) ack = NULL;
      gsize pos = bit / 8;

      copy[pos] ^= 1 << (bit % 8);
      ack = sr_ack_new_from_data (copy, len, sr_org_secret_get_sign_pk (secret), &error);
      copy[pos] ^= 1 << (bit % 8);

      g_assert_null (ack);
      g_assert_nonnull (error);
      g_assert_true (error->domain == SR_ERROR);

      if (pos < 4)
        g_assert_cmpint (error->code, ==, SR_ERROR_FORMAT);
      else if (pos < 36)
        {
          g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
          g_assert_nonnull (strstr (error->message, "another organisation"));
        }
      else if (pos >= 40 && pos < 44)
        g_assert_true (error->code == SR_ERROR_TRUNCATED || error->code == SR_ERROR_FORMAT);
      else
        {
          g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
          g_assert_nonnull (strstr (error->message, "does not verify"));
        }
    }

  /* The copy is intact again: it still loads. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SrAck) ack = sr_ack_new_from_data (copy, len, sr_org_secret_get_sign_pk (secret), &error);

    g_assert_no_error (error);
    g_assert_nonnull (ack);
  }
}

static void
test_foreign_key (void)
{
  g_autoptr(SrOrgSecret) ours = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) theirs = sr_org_secret_generate ();
  g_autoptr(GBytes) data = make_ack (theirs, 3, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAck) ack = NULL;
  g_autofree char *their_fingerprint = sr_fingerprint_digits (sr_org_secret_get_sign_pk (theirs));
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  ack = sr_ack_new_from_data (bytes, len, sr_org_secret_get_sign_pk (ours), &error);
  g_assert_null (ack);
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
  g_assert_nonnull (strstr (error->message, "another organisation"));
  g_assert_nonnull (strstr (error->message, their_fingerprint));
}

/* Someone who copies the pinned key into the signer field still cannot
 * sign; and a signature made for a profile never passes for an ack. */
static void
test_forged (void)
{
  g_autoptr(SrOrgSecret) ours = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) forger = sr_org_secret_generate ();
  g_autoptr(GBytes) data = make_ack (forger, 1, NULL);
  gsize len;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (data, &len), g_bytes_get_size (data));
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(SrAck) ack = NULL;

  memcpy (copy + 4, sr_org_secret_get_sign_pk (ours), 32);
  sr_sign (SR_SIGN_CONTEXT_ACK, copy, len - 64, sr_org_secret_get_sign_sk (forger), copy + len - 64);
  ack = sr_ack_new_from_data (copy, len, sr_org_secret_get_sign_pk (ours), &error);
  g_assert_null (ack);
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
  g_assert_nonnull (strstr (error->message, "forged or altered"));

  /* Right key, wrong context. */
  sr_sign (SR_SIGN_CONTEXT_PROFILE, copy, len - 64, sr_org_secret_get_sign_sk (ours), copy + len - 64);
  ack = sr_ack_new_from_data (copy, len, sr_org_secret_get_sign_pk (ours), &error2);
  g_assert_null (ack);
  g_assert_error (error2, SR_ERROR, SR_ERROR_NOT_SIGNED);

  /* Right key, right context: accepted, which shows the two refusals above
   * were about the signature and nothing else. */
  sr_sign (SR_SIGN_CONTEXT_ACK, copy, len - 64, sr_org_secret_get_sign_sk (ours), copy + len - 64);
  ack = sr_ack_new_from_data (copy, len, sr_org_secret_get_sign_pk (ours), NULL);
  g_assert_nonnull (ack);
  g_clear_pointer (&ack, sr_ack_free);
}

static void
test_truncated (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) data = make_ack (secret, 3, NULL);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *copy = g_memdup2 (bytes, MAX (cut, 1));
      SrAck *ack = sr_ack_new_from_data (copy, cut, sr_org_secret_get_sign_pk (secret), &error);

      g_assert_null (ack);
      g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
    }

  /* Dropping one id and fixing k does not help either: the signature
   * covers the count. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *copy = g_malloc (len - 32);
    SrAck *ack;

    memcpy (copy, bytes, HEADER_LEN + 64);
    memcpy (copy + HEADER_LEN + 64, bytes + HEADER_LEN + 96, len - HEADER_LEN - 96);
    copy[40] = 2;
    ack = sr_ack_new_from_data (copy, len - 32, sr_org_secret_get_sign_pk (secret), &error);
    g_assert_null (ack);
    g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
  }
}

static void
test_appended (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) data = make_ack (secret, 2, NULL);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  const gsize extra[] = { 1, 31, 32, 64 };

  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *copy = g_malloc0 (len + extra[i]);
      SrAck *ack;

      memcpy (copy, bytes, len);
      ack = sr_ack_new_from_data (copy, len + extra[i], sr_org_secret_get_sign_pk (secret), &error);
      g_assert_null (ack);
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    }
}

static void
test_not_an_ack (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  guint8 junk[200];
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  SrAck *ack;

  randombytes_buf (junk, sizeof junk);
  junk[0] = 'X';
  ack = sr_ack_new_from_data (junk, sizeof junk, sr_org_secret_get_sign_pk (secret), &error);
  g_assert_null (ack);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);

  /* A later version is named as such. */
  memcpy (junk, "SRA\x02", 4);
  ack = sr_ack_new_from_data (junk, sizeof junk, sr_org_secret_get_sign_pk (secret), &error2);
  g_assert_null (ack);
  g_assert_error (error2, SR_ERROR, SR_ERROR_FORMAT);
  g_assert_nonnull (strstr (error2->message, "version 2"));
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/ack/round-trip", test_round_trip);
  g_test_add_func ("/sr/ack/flipped-bits", test_flipped_bits);
  g_test_add_func ("/sr/ack/foreign-key", test_foreign_key);
  g_test_add_func ("/sr/ack/forged", test_forged);
  g_test_add_func ("/sr/ack/truncated", test_truncated);
  g_test_add_func ("/sr/ack/appended", test_appended);
  g_test_add_func ("/sr/ack/not-an-ack", test_not_an_ack);

  return g_test_run ();
}
