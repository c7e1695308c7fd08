/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-fsutil.h"

/* ---- Helpers ------------------------------------------------------------ */

typedef struct
{
  GPtrArray *records;
  guint      next;
} Source;

static GBytes *
source_next (gpointer   user_data,
             GError   **error)
{
  Source *source = user_data;

  g_assert_cmpuint (source->next, <, source->records->len);
  return g_bytes_ref (g_ptr_array_index (source->records, source->next++));
}

/* n envelopes of plaintexts of plain_len random bytes, sealed to secret. */
static GPtrArray *
make_envelopes (const SrOrgSecret *secret,
                guint              n,
                gsize              plain_len)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree guint8 *plain = g_malloc (MAX (plain_len, 1));
  guint8 recipient[1][SR_BOX_KEY_BYTES];

  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      GBytes *envelope;

      randombytes_buf (plain, plain_len);
      envelope = sr_envelope_seal (plain, plain_len,
                                   (const guint8 (*)[SR_BOX_KEY_BYTES]) recipient, 1, &error);
      g_assert_no_error (error);
      g_ptr_array_add (records, envelope);
    }

  return records;
}

typedef struct
{
  char   *dir;
  char   *path;
  GBytes *data;
  guint8  key[32];
  guint8 (*ids)[SR_ENVELOPE_ID_BYTES];
  guint32 *lengths;
  guint    n;
} Written;

static void
written_free (Written *w)
{
  if (w->dir != NULL)
    sr_test_rmdir (w->dir);
  g_free (w->dir);
  g_free (w->path);
  g_clear_pointer (&w->data, g_bytes_unref);
  g_free (w->ids);
  g_free (w->lengths);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Written, written_free)

static Written *
write_bundle (GPtrArray          *records,
              const guint8      (*recipients)[SR_BOX_KEY_BYTES],
              guint               n_recipients)
{
  g_autoptr(GError) error = NULL;
  Written *w = g_new0 (Written, 1);
  Source source = { records, 0 };
  int fd;

  w->dir = sr_test_mkdtemp ();
  w->path = g_build_filename (w->dir, "out.srb", NULL);
  w->n = records->len;
  w->ids = g_malloc ((gsize) MAX (w->n, 1) * SR_ENVELOPE_ID_BYTES);
  w->lengths = g_new (guint32, MAX (w->n, 1));
  for (guint i = 0; i < w->n; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (records, i), &len);

      sr_envelope_id (data, len, w->ids[i]);
      w->lengths[i] = len;
    }

  fd = sr_open_private (w->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (sr_bundle_write (fd, recipients, n_recipients, w->n,
                                  (const guint8 (*)[SR_ENVELOPE_ID_BYTES]) w->ids, w->lengths,
                                  source_next, &source, NULL, NULL, w->key, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (source.next, ==, w->n);
  close (fd);

  w->data = sr_test_read (w->path);
  return w;
}

static Written *
write_bundle_to (const SrOrgSecret *secret,
                 GPtrArray         *records)
{
  guint8 recipient[1][SR_BOX_KEY_BYTES];

  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  return write_bundle (records, (const guint8 (*)[SR_BOX_KEY_BYTES]) recipient, 1);
}

static guint64
records_sum (Written *w)
{
  guint64 sum = 0;

  for (guint i = 0; i < w->n; i++)
    sum += w->lengths[i];
  return sum;
}

/* Where the manifest ends, for n_stanzas and k records (FORMAT.md). */
static gsize
manifest_end (guint n_stanzas,
              guint k)
{
  return 5 + 80 * n_stanzas + 32 + 4 + (20 + 36 * k) + 16;
}

static guint32
le32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

/* Decodes a bundle the way FORMAT.md describes it, independently of the
 * reader: one keystream over the whole body from counter 0. */
static void
check_against_spec (Written    *w,
                    GPtrArray  *records,
                    guint       n_stanzas)
{
  gsize len;
  const guint8 *file = g_bytes_get_data (w->data, &len);
  gsize hlen = 5 + 80 * n_stanzas;
  gsize start = hlen + 32;
  g_autofree guint8 *body = g_memdup2 (file + start, len - start);
  g_autofree guint8 *manifest = NULL;
  guint8 stream_key[32], manifest_key[32], commitment[32];
  static const guint8 nonce[24] = { 0 };
  crypto_generichash_state state;
  guint32 mlen;
  gsize pos;

  g_assert_cmpmem (file, 4, "SRB\x01", 4);
  g_assert_cmpuint (file[4], ==, n_stanzas);

  crypto_generichash_init (&state, w->key, 32, 32);
  crypto_generichash_update (&state, (const guint8 *) "SafeReport bundle v1 commit", 27);
  crypto_generichash_update (&state, file, hlen);
  crypto_generichash_final (&state, commitment, 32);
  g_assert_cmpmem (file + hlen, 32, commitment, 32);

  crypto_generichash (stream_key, 32, (const guint8 *) "SafeReport bundle v1 stream", 27, w->key, 32);
  crypto_generichash (manifest_key, 32, (const guint8 *) "SafeReport bundle v1 manifest", 29, w->key, 32);
  crypto_stream_xchacha20_xor (body, body, len - start, nonce, stream_key);

  mlen = le32 (body);
  g_assert_cmpuint (mlen, ==, 20 + 36 * w->n + 16);
  manifest = g_malloc (mlen);
  g_assert_cmpint (crypto_aead_xchacha20poly1305_ietf_decrypt (manifest, NULL, NULL, body + 4, mlen,
                                                               file, start, nonce, manifest_key), ==, 0);
  g_assert_cmpmem (manifest, 4, "SRM\x01", 4);
  g_assert_cmpuint (le32 (manifest + 4), ==, w->n);
  g_assert_cmpuint (le32 (manifest + 8), >, 19000);   /* a day after 2022 */
  g_assert_cmpuint (le32 (manifest + 12) | (guint64) le32 (manifest + 16) << 32, ==, len);
  g_assert_cmpuint (len, ==, sr_padme (start + 4 + mlen + records_sum (w)));

  pos = 4 + mlen;
  for (guint i = 0; i < w->n; i++)
    {
      gsize rlen;
      const guint8 *record = g_bytes_get_data (g_ptr_array_index (records, i), &rlen);

      g_assert_cmpuint (le32 (manifest + 20 + 36 * i), ==, rlen);
      g_assert_cmpmem (manifest + 24 + 36 * i, 32, w->ids[i], 32);
      g_assert_cmpmem (body + pos, rlen, record, rlen);
      pos += rlen;
    }
  for (; pos < len - start; pos++)
    g_assert_cmpuint (body[pos], ==, 0);
}

/* Reads every record of a bundle in memory; returns how many failed, and
 * sets *tail_ok. */
static guint
read_all (GBytes            *data,
          const SrOrgSecret *secret,
          guint             *n_records,
          gboolean          *tail_ok,
          guint             *first_bad)
{
  g_autoptr(SrBundleReader) reader = NULL;
  guint bad = 0;

  reader = sr_bundle_reader_new_from_bytes (data, secret, NULL);
  g_assert_nonnull (reader);

  *n_records = sr_bundle_reader_get_n_records (reader);
  *first_bad = G_MAXUINT;
  for (guint i = 0; i < *n_records; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) record = sr_bundle_reader_get_record (reader, i, &error);

      if (record == NULL)
        {
          g_assert_true (error->code == SR_ERROR_TAMPERED || error->code == SR_ERROR_TRUNCATED);
          if (bad == 0)
            *first_bad = i;
          bad++;
        }
    }
  *tail_ok = sr_bundle_reader_check_tail (reader, NULL);

  return bad;
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_round_trip (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  const guint counts[] = { 0, 1, 3, 1000 };

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      g_autoptr(GPtrArray) records = make_envelopes (secret, counts[c], 1 + c * 37);
      g_autoptr(Written) w = write_bundle_to (secret, records);
      g_autoptr(SrBundleReader) reader = NULL;
      g_autoptr(SrBundleReader) from_bytes = NULL;
      g_autoptr(GError) error = NULL;

      check_against_spec (w, records, 1);

      g_assert_true (sr_bundle_verify_written (w->path, w->key, w->n,
                                               (const guint8 (*)[SR_ENVELOPE_ID_BYTES]) w->ids, &error));
      g_assert_no_error (error);

      reader = sr_bundle_reader_new (w->path, secret, &error);
      g_assert_no_error (error);
      from_bytes = sr_bundle_reader_new_from_bytes (w->data, secret, &error);
      g_assert_no_error (error);

      g_assert_cmpuint (sr_bundle_reader_get_n_records (reader), ==, counts[c]);
      g_assert_cmpuint (sr_bundle_reader_get_n_records (from_bytes), ==, counts[c]);
      for (guint i = 0; i < counts[c]; i++)
        {
          g_autoptr(GBytes) a = sr_bundle_reader_get_record (reader, i, &error);
          g_autoptr(GBytes) b = NULL;

          g_assert_no_error (error);
          b = sr_bundle_reader_get_record (from_bytes, i, &error);
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (a, g_ptr_array_index (records, i)));
          g_assert_true (g_bytes_equal (b, g_ptr_array_index (records, i)));
          g_assert_cmpmem (sr_bundle_reader_get_id (reader, i), 32, w->ids[i], 32);
        }
      g_assert_true (sr_bundle_reader_check_tail (reader, &error));
      g_assert_no_error (error);
      g_assert_true (sr_bundle_reader_check_tail (from_bytes, &error));
      g_assert_no_error (error);

      /* Out of range is an error, not a crash. */
      g_assert_null (sr_bundle_reader_get_record (reader, counts[c], &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_NOT_FOUND);
    }
}

/* Each recipient opens the bundle, and so does a retired key. */
static void
test_recipients (void)
{
  g_autoptr(SrOrgSecret) a = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) b = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) c = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) a_rotated = NULL;
  g_autoptr(GPtrArray) records = make_envelopes (a, 2, 50);
  g_autoptr(Written) w = NULL;
  g_autoptr(GError) error = NULL;
  guint8 recipients[2][SR_BOX_KEY_BYTES];
  SrOrgSecret *openers[3];

  memcpy (recipients[0], sr_org_secret_get_box_pk (a, 0), 32);
  memcpy (recipients[1], sr_org_secret_get_box_pk (b, 0), 32);
  w = write_bundle (records, (const guint8 (*)[SR_BOX_KEY_BYTES]) recipients, 2);
  check_against_spec (w, records, 2);

  a_rotated = sr_org_secret_rotate (a, &error);
  g_assert_no_error (error);
  openers[0] = a;
  openers[1] = b;
  openers[2] = a_rotated;
  for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
    {
      g_autoptr(SrBundleReader) reader = sr_bundle_reader_new (w->path, openers[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (sr_bundle_reader_get_n_records (reader), ==, 2);
    }

  {
    g_autoptr(SrBundleReader) reader = sr_bundle_reader_new (w->path, c, &error);

    g_assert_null (reader);
    g_assert_error (error, SR_ERROR, SR_ERROR_WRONG_KEY);
  }
}

static void
test_wrong_key (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) other = sr_org_secret_generate ();
  g_autoptr(GPtrArray) records = make_envelopes (secret, 3, 10);
  g_autoptr(Written) w = write_bundle_to (secret, records);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrBundleReader) reader = sr_bundle_reader_new (w->path, other, &error);

  g_assert_null (reader);
  g_assert_error (error, SR_ERROR, SR_ERROR_WRONG_KEY);
}

/* Every flipped bit: in the header or manifest the whole bundle is
 * refused; in a record only that record; in the padding only the tail. */
static void
test_flipped_bits (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) records = make_envelopes (secret, 3, 12);
  g_autoptr(Written) w = write_bundle_to (secret, records);
  gsize len;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (w->data, &len), g_bytes_get_size (w->data));
  gsize mend = manifest_end (1, 3);
  gsize unpadded = mend + records_sum (w);
  gsize record_end[3];

  g_assert_cmpuint (len, >, unpadded);   /* there is padding to test */
  record_end[0] = mend + w->lengths[0];
  record_end[1] = record_end[0] + w->lengths[1];
  record_end[2] = record_end[1] + w->lengths[2];
  g_assert_cmpuint (record_end[2], ==, unpadded);

  for (gsize bit = 0; bit < len * 8; bit++)
    {
      g_autoptr(GBytes) flipped = NULL;
      gsize pos = bit / 8;

      copy[pos] ^= 1 << (bit % 8);
      flipped = g_bytes_new (copy, len);
      copy[pos] ^= 1 << (bit % 8);

      if (pos < mend)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(SrBundleReader) reader = sr_bundle_reader_new_from_bytes (flipped, secret, &error);

          g_assert_null (reader);
          g_assert_nonnull (error);
        }
      else
        {
          guint n, first_bad;
          gboolean tail_ok;
          guint bad = read_all (flipped, secret, &n, &tail_ok, &first_bad);

          g_assert_cmpuint (n, ==, 3);
          if (pos < unpadded)
            {
              guint which = pos < record_end[0] ? 0 : pos < record_end[1] ? 1 : 2;

              g_assert_cmpuint (bad, ==, 1);
              g_assert_cmpuint (first_bad, ==, which);
              g_assert_true (tail_ok);
            }
          else
            {
              g_assert_cmpuint (bad, ==, 0);
              g_assert_false (tail_ok);
            }
        }
    }

  /* The message names the record, counting from 1. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) flipped = NULL;
    g_autoptr(SrBundleReader) reader = NULL;
    g_autoptr(GBytes) record = NULL;

    copy[record_end[0] + 3] ^= 0x40;
    flipped = g_bytes_new (copy, len);
    copy[record_end[0] + 3] ^= 0x40;
    reader = sr_bundle_reader_new_from_bytes (flipped, secret, &error);
    g_assert_no_error (error);
    record = sr_bundle_reader_get_record (reader, 1, &error);
    g_assert_null (record);
    g_assert_error (error, SR_ERROR, SR_ERROR_TAMPERED);
    g_assert_cmpstr (error->message, ==, "Record 2 of this bundle is damaged.");
  }
}

static void
test_truncated (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) records = make_envelopes (secret, 3, 12);
  g_autoptr(Written) w = write_bundle_to (secret, records);
  gsize len;
  const guint8 *data = g_bytes_get_data (w->data, &len);
  gsize mend = manifest_end (1, 3);
  gsize unpadded = mend + records_sum (w);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GBytes) cut_data = g_bytes_new (data, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrBundleReader) reader = sr_bundle_reader_new_from_bytes (cut_data, secret, &error);

      if (cut < mend)
        {
          g_assert_null (reader);
          /* Only the magic tells a stump from another file. */
          g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
          continue;
        }

      g_assert_no_error (error);
      {
        guint n, first_bad, bad;
        gboolean tail_ok;
        gsize end = mend;

        bad = read_all (cut_data, secret, &n, &tail_ok, &first_bad);
        g_assert_cmpuint (n, ==, 3);
        g_assert_false (tail_ok);

        /* Records wholly before the cut still read. */
        for (guint i = 0; i < 3; i++)
          {
            end += w->lengths[i];
            if (end > cut)
              {
                g_assert_cmpuint (first_bad, ==, i);
                g_assert_cmpuint (bad, ==, 3 - i);
                break;
              }
          }
        if (cut >= unpadded)
          g_assert_cmpuint (bad, ==, 0);
      }
    }

  /* The same through a file, at a few lengths. */
  for (gsize cut = 0; cut < len; cut += len / 7)
    {
      g_autofree char *path = g_build_filename (w->dir, "cut.srb", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrBundleReader) reader = NULL;

      g_assert_true (g_file_set_contents (path, (const char *) data, cut, NULL));
      reader = sr_bundle_reader_new (path, secret, &error);
      if (cut < mend)
        {
          g_assert_null (reader);
          g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_false (sr_bundle_reader_check_tail (reader, &error));
          g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
        }
    }
}

static void
test_appended (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) records = make_envelopes (secret, 3, 12);
  g_autoptr(Written) w = write_bundle_to (secret, records);
  gsize len;
  const guint8 *data = g_bytes_get_data (w->data, &len);
  g_autofree guint8 *longer = g_malloc0 (len + 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SrBundleReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  guint n, first_bad;
  gboolean tail_ok;

  memcpy (longer, data, len);
  bytes = g_bytes_new (longer, len + 1);
  g_assert_cmpuint (read_all (bytes, secret, &n, &tail_ok, &first_bad), ==, 0);
  g_assert_cmpuint (n, ==, 3);
  g_assert_false (tail_ok);

  reader = sr_bundle_reader_new_from_bytes (bytes, secret, &error);
  g_assert_no_error (error);
  g_assert_false (sr_bundle_reader_check_tail (reader, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_TAMPERED);
}

/* A bundle shows nothing but its padded length: two bundles of the same
 * number of same-size records are the same length and share no structure;
 * no record is visible in the clear. */
static void
test_no_clear_structure (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) records = make_envelopes (secret, 3, 40);
  g_autoptr(GPtrArray) others = make_envelopes (secret, 3, 40);
  g_autoptr(Written) a = write_bundle_to (secret, records);
  g_autoptr(Written) b = write_bundle_to (secret, others);
  g_autoptr(Written) again = write_bundle_to (secret, records);
  Written *pairs[2][2] = { { a, b }, { a, again } };

  for (guint p = 0; p < G_N_ELEMENTS (pairs); p++)
    {
      gsize len_x, len_y, same = 0;
      const guint8 *x = g_bytes_get_data (pairs[p][0]->data, &len_x);
      const guint8 *y = g_bytes_get_data (pairs[p][1]->data, &len_y);

      g_assert_cmpuint (len_x, ==, len_y);
      /* Past magic, version and stanza count, bytes agree only by chance
       * (1 in 256 each). */
      g_assert_cmpmem (x, 5, y, 5);
      for (gsize i = 5; i < len_x; i++)
        same += x[i] == y[i];
      g_assert_cmpuint (same, <, 5 + len_x / 256 * 4);
    }

  /* No piece of any envelope, nor its magic, shows through. */
  for (guint i = 0; i < records->len; i++)
    {
      gsize rlen, len;
      const guint8 *record = g_bytes_get_data (g_ptr_array_index (records, i), &rlen);
      const guint8 *data = g_bytes_get_data (a->data, &len);

      for (gsize off = 0; off + 16 <= rlen; off += 16)
        g_assert_null (memmem (data, len, record + off, 16));
      g_assert_null (memmem (data, len, a->ids[i], 8));
    }
  {
    gsize len;
    const guint8 *data = g_bytes_get_data (a->data, &len);

    g_assert_null (memmem (data, len, "SRE\x01", 4));
    g_assert_null (memmem (data, len, "SRM\x01", 4));
  }
}

/* What the writer is handed must be what its manifest promised. */
static void
test_mismatched_record (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) records = make_envelopes (secret, 2, 12);
  g_autoptr(GPtrArray) swapped = g_ptr_array_new ();
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "x.srb", NULL);
  g_autoptr(GError) error = NULL;
  guint8 ids[2][SR_ENVELOPE_ID_BYTES];
  guint32 lengths[2];
  guint8 recipient[1][32];
  Source source = { swapped, 0 };
  int fd;

  for (guint i = 0; i < 2; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (records, i), &len);

      sr_envelope_id (d, len, ids[i]);
      lengths[i] = len;
    }
  g_ptr_array_add (swapped, g_ptr_array_index (records, 1));
  g_ptr_array_add (swapped, g_ptr_array_index (records, 0));
  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), 32);

  fd = sr_open_private (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (sr_bundle_write (fd, (const guint8 (*)[32]) recipient, 1, 2,
                                   (const guint8 (*)[32]) ids, lengths,
                                   source_next, &source, NULL, NULL, NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FAILED);
  close (fd);
  sr_test_rmdir (dir);
}

/* sr_bundle_verify_written notices a file that differs from what was
 * written, wherever it differs. */
static void
test_verify_written (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) records = make_envelopes (secret, 3, 30);
  g_autoptr(Written) w = write_bundle_to (secret, records);
  gsize len;
  const guint8 *data = g_bytes_get_data (w->data, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);
  const gsize positions[] = { 0, 4, 100, manifest_end (1, 3) - 1, manifest_end (1, 3) + 5, len - 1 };
  guint8 other_key[32];

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(GError) error = NULL;

      copy[positions[i]] ^= 0x01;
      g_assert_true (g_file_set_contents (w->path, (const char *) copy, len, NULL));
      copy[positions[i]] ^= 0x01;
      g_assert_false (sr_bundle_verify_written (w->path, w->key, 3,
                                                (const guint8 (*)[32]) w->ids, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_IO);
    }

  g_assert_true (g_file_set_contents (w->path, (const char *) data, len, NULL));
  g_assert_true (sr_bundle_verify_written (w->path, w->key, 3, (const guint8 (*)[32]) w->ids, NULL));

  /* Fewer records, other ids, another key, a shorter or longer file. */
  g_assert_false (sr_bundle_verify_written (w->path, w->key, 2, (const guint8 (*)[32]) w->ids, NULL));
  g_assert_false (sr_bundle_verify_written (w->path, w->key, 2, (const guint8 (*)[32]) w->ids + 1, NULL));
  randombytes_buf (other_key, sizeof other_key);
  g_assert_false (sr_bundle_verify_written (w->path, other_key, 3, (const guint8 (*)[32]) w->ids, NULL));
  g_assert_true (g_file_set_contents (w->path, (const char *) data, len - 1, NULL));
  g_assert_false (sr_bundle_verify_written (w->path, w->key, 3, (const guint8 (*)[32]) w->ids, NULL));
  copy = g_realloc (copy, len + 1);
  copy[len] = 0;
  g_assert_true (g_file_set_contents (w->path, (const char *) copy, len + 1, NULL));
  g_assert_false (sr_bundle_verify_written (w->path, w->key, 3, (const guint8 (*)[32]) w->ids, NULL));
}

static void
test_not_a_bundle (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) envelopes = make_envelopes (secret, 1, 10);
  GBytes *envelope = g_ptr_array_index (envelopes, 0);
  guint8 later[200] = "SRB\x02\x01";
  guint8 zero_stanzas[200] = "SRB\x01\x00";
  g_autoptr(GBytes) later_bytes = g_bytes_new (later, sizeof later);
  g_autoptr(GBytes) zero_bytes = g_bytes_new (zero_stanzas, sizeof zero_stanzas);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;
  g_autoptr(GError) error4 = NULL;
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *missing = g_build_filename (dir, "missing.srb", NULL);

  g_assert_false (sr_bundle_sniff (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope)));
  g_assert_true (sr_bundle_sniff (later, sizeof later));
  g_assert_false (sr_bundle_sniff ((const guint8 *) "SR", 2));

  g_assert_null (sr_bundle_reader_new_from_bytes (envelope, secret, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_assert_null (sr_bundle_reader_new_from_bytes (later_bytes, secret, &error2));
  g_assert_error (error2, SR_ERROR, SR_ERROR_FORMAT);
  g_assert_nonnull (strstr (error2->message, "version 2"));
  g_assert_null (sr_bundle_reader_new_from_bytes (zero_bytes, secret, &error3));
  g_assert_error (error3, SR_ERROR, SR_ERROR_FORMAT);
  g_assert_null (sr_bundle_reader_new (missing, secret, &error4));
  g_assert_error (error4, SR_ERROR, SR_ERROR_NOT_FOUND);
  sr_test_rmdir (dir);
}

/* ---- Streaming ---------------------------------------------------------- */

#define BIG_RECORDS     2000
#define BIG_RECORD_LEN  (48 * 1024 + 17)

typedef struct
{
  guint next;
} BigSource;

/* Record i: BIG_RECORD_LEN bytes of keystream under a key made from i, so
 * that it can be made again instead of kept. */
static GBytes *
big_record (guint i)
{
  guint8 key[32] = { 0 };
  static const guint8 nonce[24] = { 0 };
  guint8 *data = g_malloc0 (BIG_RECORD_LEN);

  memcpy (key, &i, sizeof i);
  crypto_stream_xchacha20_xor (data, data, BIG_RECORD_LEN, nonce, key);
  return g_bytes_new_take (data, BIG_RECORD_LEN);
}

static GBytes *
big_next (gpointer   user_data,
          GError   **error)
{
  BigSource *source = user_data;

  return big_record (source->next++);
}

static glong
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/* A bundle of about 100 MB is written and verified while the process
 * grows by far less than that: the writer and the read-back stream. */
static void
test_streaming (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "big.srb", NULL);
  g_autofree guint8 (*ids)[SR_ENVELOPE_ID_BYTES] = g_malloc ((gsize) BIG_RECORDS * SR_ENVELOPE_ID_BYTES);
  g_autofree guint32 *lengths = g_new (guint32, BIG_RECORDS);
  g_autoptr(GError) error = NULL;
  guint8 recipient[1][32];
  BigSource source = { 0 };
  guint8 key[32];
  glong before;
  int fd;

  for (guint i = 0; i < BIG_RECORDS; i++)
    {
      g_autoptr(GBytes) record = big_record (i);

      sr_envelope_id (g_bytes_get_data (record, NULL), BIG_RECORD_LEN, ids[i]);
      lengths[i] = BIG_RECORD_LEN;
    }
  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), 32);

  before = peak_rss_kib ();
  fd = sr_open_private (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (sr_bundle_write (fd, (const guint8 (*)[32]) recipient, 1, BIG_RECORDS,
                                  (const guint8 (*)[32]) ids, lengths, big_next, &source,
                                  NULL, NULL, key, &error));
  g_assert_no_error (error);
  g_assert_true (sr_fsync (fd, path, &error));
  close (fd);
  g_assert_true (sr_bundle_verify_written (path, key, BIG_RECORDS,
                                           (const guint8 (*)[32]) ids, &error));
  g_assert_no_error (error);

  /* About 100 MB went through; the peak may grow by a few MiB at most.
   * AddressSanitizer keeps freed memory in quarantine, so there the peak
   * says nothing about the writer. */
#if defined(__SANITIZE_ADDRESS__)
  g_test_message ("Peak RSS grew by %ld KiB (not checked under AddressSanitizer)",
                  peak_rss_kib () - before);
#else
  g_assert_cmpint (peak_rss_kib () - before, <, 24 * 1024);
#endif

  sr_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/bundle/round-trip", test_round_trip);
  g_test_add_func ("/sr/bundle/recipients", test_recipients);
  g_test_add_func ("/sr/bundle/wrong-key", test_wrong_key);
  g_test_add_func ("/sr/bundle/flipped-bits", test_flipped_bits);
  g_test_add_func ("/sr/bundle/truncated", test_truncated);
  g_test_add_func ("/sr/bundle/appended", test_appended);
  g_test_add_func ("/sr/bundle/no-clear-structure", test_no_clear_structure);
  g_test_add_func ("/sr/bundle/mismatched-record", test_mismatched_record);
  g_test_add_func ("/sr/bundle/verify-written", test_verify_written);
  g_test_add_func ("/sr/bundle/not-a-bundle", test_not_a_bundle);
  g_test_add_func ("/sr/bundle/streaming", test_streaming);

  return g_test_run ();
}
