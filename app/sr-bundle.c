/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-bundle"

#include "sr-bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sr-fsutil.h"

/* docs/FORMAT.md, "Bundle", and its "Kiosk storage" section. */
#define BUNDLE_MAGIC         "SRB\x01"
#define MANIFEST_MAGIC       "SRM\x01"
#define STANZA_BYTES         (32 + crypto_box_SEALBYTES)
#define COMMIT_BYTES         32
#define KEY_BYTES            32
#define AEAD_TAG_BYTES       crypto_aead_xchacha20poly1305_ietf_ABYTES
#define MANIFEST_HEAD_BYTES  20
#define MANIFEST_ENTRY_BYTES (4 + SR_ENVELOPE_ID_BYTES)
/* The largest record count whose manifest length fits its 4-byte field. */
#define MAX_RECORDS          ((G_MAXUINT32 - MANIFEST_HEAD_BYTES - AEAD_TAG_BYTES) / MANIFEST_ENTRY_BYTES)
#define CHUNK_BYTES          (64 * 1024)

#define COMMIT_LABEL   "SafeReport bundle v1 commit"
#define STREAM_LABEL   "SafeReport bundle v1 stream"
#define MANIFEST_LABEL "SafeReport bundle v1 manifest"

G_STATIC_ASSERT (STANZA_BYTES == 80);
G_STATIC_ASSERT (AEAD_TAG_BYTES == 16);

/* The three keys of a bundle, side by side in one guarded buffer. */
enum { BUNDLE_KEY = 0, STREAM_KEY = 32, MANIFEST_KEY = 64, KEYS_BYTES = 96 };

static const guint8 zero_nonce[24] = { 0 };

static inline guint64
header_bytes (guint n_stanzas)
{
  return 5 + (guint64) STANZA_BYTES * n_stanzas;
}

/* Where the body starts: after the header and the commitment. */
static inline guint64
body_start (guint n_stanzas)
{
  return header_bytes (n_stanzas) + COMMIT_BYTES;
}

static inline guint64
manifest_bytes (guint64 n_records)
{
  return MANIFEST_HEAD_BYTES + MANIFEST_ENTRY_BYTES * n_records;
}

static void
put_le32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_le64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static guint32
get_le32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_le64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static guint32
today (void)
{
  return (guint32) (g_get_real_time () / G_USEC_PER_SEC / (24 * 60 * 60));
}

/* Fills in the stream and manifest keys from the bundle key. */
static void
derive_keys (SrSecret *keys)
{
  crypto_generichash (keys->data + STREAM_KEY, KEY_BYTES,
                      (const guint8 *) STREAM_LABEL, strlen (STREAM_LABEL),
                      keys->data + BUNDLE_KEY, KEY_BYTES);
  crypto_generichash (keys->data + MANIFEST_KEY, KEY_BYTES,
                      (const guint8 *) MANIFEST_LABEL, strlen (MANIFEST_LABEL),
                      keys->data + BUNDLE_KEY, KEY_BYTES);
}

static void
compute_commitment (const SrSecret *keys,
                    const guint8   *header,
                    gsize           header_len,
                    guint8          out[COMMIT_BYTES])
{
  crypto_generichash_state state;

  crypto_generichash_init (&state, keys->data + BUNDLE_KEY, KEY_BYTES, COMMIT_BYTES);
  crypto_generichash_update (&state, (const guint8 *) COMMIT_LABEL, strlen (COMMIT_LABEL));
  crypto_generichash_update (&state, header, header_len);
  crypto_generichash_final (&state, out, COMMIT_BYTES);
  sodium_memzero (&state, sizeof state);
}

/* XORs buf with the body keystream, buf starting at body byte offset.
 * libsodium counts the keystream in 64-byte blocks, so a start inside a
 * block is handled on a copy of that one block first. */
static void
stream_xor (guint8         *buf,
            gsize           len,
            guint64         offset,
            const SrSecret *keys)
{
  const guint8 *key = keys->data + STREAM_KEY;
  guint skip = offset % 64;

  if (len == 0)
    return;

  if (skip != 0)
    {
      guint8 block[64] = { 0 };
      gsize n = MIN (len, 64 - (gsize) skip);

      memcpy (block + skip, buf, n);
      crypto_stream_xchacha20_xor_ic (block, block, sizeof block, zero_nonce,
                                      offset / 64, key);
      memcpy (buf, block + skip, n);
      sodium_memzero (block, sizeof block);

      buf += n;
      len -= n;
      offset += n;
    }

  if (len > 0)
    crypto_stream_xchacha20_xor_ic (buf, buf, len, zero_nonce, offset / 64, key);
}

/* ---- Writing ---------------------------------------------------------- */

/* Collects body bytes and writes them encrypted, a chunk at a time, so that
 * the writer never holds more than one record and one chunk. */
typedef struct
{
  int             fd;
  const SrSecret *keys;
  guint64         flushed;   /* body offset of buf[0] */
  gsize           used;
  guint8          buf[CHUNK_BYTES];
} BodyWriter;

static gboolean
body_flush (BodyWriter  *w,
            GError     **error)
{
  if (w->used == 0)
    return TRUE;

  stream_xor (w->buf, w->used, w->flushed, w->keys);
  if (!sr_write_all (w->fd, w->buf, w->used, "the bundle", error))
    return FALSE;

  w->flushed += w->used;
  w->used = 0;
  return TRUE;
}

/* Appends len bytes of data, or of zeros when data is NULL. */
static gboolean
body_append (BodyWriter    *w,
             const guint8  *data,
             guint64        len,
             GError       **error)
{
  while (len > 0)
    {
      gsize n = (gsize) MIN (len, (guint64) (CHUNK_BYTES - w->used));

      if (data != NULL)
        {
          memcpy (w->buf + w->used, data, n);
          data += n;
        }
      else
        {
          memset (w->buf + w->used, 0, n);
        }
      w->used += n;
      len -= n;

      if (w->used == CHUNK_BYTES && !body_flush (w, error))
        return FALSE;
    }

  return TRUE;
}

static void
body_writer_free (BodyWriter *w)
{
  sodium_memzero (w, sizeof *w);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BodyWriter, body_writer_free)

gboolean
sr_bundle_write (int                fd,
                 const guint8     (*recipients)[SR_BOX_KEY_BYTES],
                 guint              n_recipients,
                 guint              n_records,
                 const guint8     (*ids)[SR_ENVELOPE_ID_BYTES],
                 const guint32     *lengths,
                 SrBundleNextFunc   next,
                 gpointer           user_data,
                 SrProgressFunc     progress,
                 gpointer           progress_data,
                 guint8             bundle_key[32],
                 GError           **error)
{
  g_autoptr(SrSecret) keys = NULL;
  g_autoptr(BodyWriter) w = NULL;
  g_autofree guint8 *header = NULL;
  g_autofree guint8 *manifest = NULL;
  g_autofree guint8 *manifest_ct = NULL;
  guint64 hlen, mlen, records_len = 0, unpadded, total;
  guint8 len_field[4];
  gboolean ok;

  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (recipients != NULL, FALSE);
  g_return_val_if_fail (n_records == 0 || (ids != NULL && lengths != NULL && next != NULL), FALSE);

  if (n_recipients < 1 || n_recipients > SR_ENVELOPE_MAX_RECIPIENTS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "A bundle needs 1 to %u recipients, not %u.",
                   SR_ENVELOPE_MAX_RECIPIENTS, n_recipients);
      return FALSE;
    }
  if (n_records > MAX_RECORDS)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "Too many reports for one bundle.");
      return FALSE;
    }

  for (guint i = 0; i < n_records; i++)
    records_len += lengths[i];

  hlen = header_bytes (n_recipients);
  mlen = manifest_bytes (n_records);
  unpadded = body_start (n_recipients) + 4 + mlen + AEAD_TAG_BYTES + records_len;
  total = sr_padme (unpadded);
  g_assert (total >= unpadded);

  keys = sr_secret_new (KEYS_BYTES);
  randombytes_buf (keys->data + BUNDLE_KEY, KEY_BYTES);
  derive_keys (keys);

  /* The clear part: magic, stanza count, stanzas and the commitment. */
  header = g_malloc (body_start (n_recipients));
  memcpy (header, BUNDLE_MAGIC, 4);
  header[4] = (guint8) n_recipients;
  for (guint i = 0; i < n_recipients; i++)
    if (crypto_box_seal (header + 5 + (gsize) STANZA_BYTES * i,
                         keys->data + BUNDLE_KEY, KEY_BYTES, recipients[i]) != 0)
      {
        g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                     "Recipient %u's key cannot be used to seal a bundle.", i + 1);
        return FALSE;
      }
  compute_commitment (keys, header, hlen, header + hlen);

  /* The manifest, sealed with the header and commitment as additional data
   * so that it belongs to this header only. */
  manifest = g_malloc (mlen);
  memcpy (manifest, MANIFEST_MAGIC, 4);
  put_le32 (manifest + 4, n_records);
  put_le32 (manifest + 8, today ());
  put_le64 (manifest + 12, total);
  for (guint i = 0; i < n_records; i++)
    {
      guint8 *entry = manifest + MANIFEST_HEAD_BYTES + (gsize) MANIFEST_ENTRY_BYTES * i;

      put_le32 (entry, lengths[i]);
      memcpy (entry + 4, ids[i], SR_ENVELOPE_ID_BYTES);
    }

  manifest_ct = g_malloc (mlen + AEAD_TAG_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (manifest_ct, NULL, manifest, mlen,
                                              header, body_start (n_recipients),
                                              NULL, zero_nonce,
                                              keys->data + MANIFEST_KEY);
  sodium_memzero (manifest, mlen);

  if (!sr_write_all (fd, header, body_start (n_recipients), "the bundle", error))
    return FALSE;

  w = g_new0 (BodyWriter, 1);
  w->fd = fd;
  w->keys = keys;

  put_le32 (len_field, (guint32) (mlen + AEAD_TAG_BYTES));
  if (!body_append (w, len_field, 4, error) ||
      !body_append (w, manifest_ct, mlen + AEAD_TAG_BYTES, error))
    return FALSE;

  for (guint i = 0; i < n_records; i++)
    {
      g_autoptr(GBytes) record = NULL;
      guint8 id[SR_ENVELOPE_ID_BYTES];
      const guint8 *data;
      gsize len;

      record = next (user_data, error);
      if (record == NULL)
        return FALSE;

      /* A record that differs from its manifest entry would make a bundle
       * the organisation cannot use; catch it here, not at the other end. */
      data = g_bytes_get_data (record, &len);
      sr_envelope_id (data, len, id);
      if (len != lengths[i] || sodium_memcmp (id, ids[i], SR_ENVELOPE_ID_BYTES) != 0)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_FAILED,
                       "Report %u changed while the bundle was being written.", i + 1);
          return FALSE;
        }

      if (!body_append (w, data, len, error))
        return FALSE;

      if (progress != NULL)
        progress (i + 1, n_records, progress_data);
    }

  /* The padding: encrypted zeros, indistinguishable from the rest. */
  ok = body_append (w, NULL, total - unpadded, error) && body_flush (w, error);
  if (!ok)
    return FALSE;

  g_assert (body_start (n_recipients) + w->flushed == total);

  if (bundle_key != NULL)
    memcpy (bundle_key, keys->data + BUNDLE_KEY, KEY_BYTES);

  return TRUE;
}

/* ---- Reading ---------------------------------------------------------- */

struct _SrBundleReader
{
  int        fd;           /* -1 when reading from bytes */
  GBytes    *bytes;
  guint64    file_len;

  guint      n_stanzas;
  guint64    body_start;
  SrSecret  *keys;

  guint      n_records;
  guint32    day;
  guint64    total_len;
  guint64    unpadded;
  guint32   *lengths;
  guint64   *offsets;      /* body offsets */
  guint8   (*ids)[SR_ENVELOPE_ID_BYTES];
};

void
sr_bundle_reader_free (SrBundleReader *reader)
{
  if (reader == NULL)
    return;

  if (reader->fd >= 0)
    close (reader->fd);
  g_clear_pointer (&reader->bytes, g_bytes_unref);
  g_clear_pointer (&reader->keys, sr_secret_free);
  g_free (reader->lengths);
  g_free (reader->offsets);
  g_free (reader->ids);
  g_free (reader);
}

/* Reads len bytes at a file offset. Bytes past the end of the file are
 * SR_ERROR_TRUNCATED with the message given. */
static gboolean
reader_read (SrBundleReader  *reader,
             guint8          *buf,
             gsize            len,
             guint64          offset,
             const char      *truncated_message,
             GError         **error)
{
  if (offset > reader->file_len || len > reader->file_len - offset)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED, truncated_message);
      return FALSE;
    }

  if (reader->bytes != NULL)
    {
      memcpy (buf, (const guint8 *) g_bytes_get_data (reader->bytes, NULL) + offset, len);
      return TRUE;
    }

  if (!sr_pread_all (reader->fd, buf, len, offset, "the bundle", error))
    {
      /* The file shrank under us: that is a cut-short bundle too. */
      if (error != NULL && *error != NULL && (*error)->code == SR_ERROR_TRUNCATED)
        {
          g_clear_error (error);
          g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED, truncated_message);
        }
      return FALSE;
    }

  return TRUE;
}

/* Opens the header and the manifest, with the organisation's keys or,
 * for a bundle just written, with its own key. */
static gboolean
reader_open (SrBundleReader     *reader,
             const SrOrgSecret  *secret,
             const guint8       *bundle_key,
             GError            **error)
{
  static const char cut_short[] = "This bundle is cut short.";
  g_autofree guint8 *header = NULL;
  g_autofree guint8 *manifest = NULL;
  guint8 start[5];
  guint8 commitment[COMMIT_BYTES];
  guint8 len_field[4];
  guint64 hlen, manifest_len, mlen, offset, sum;
  gboolean opened = FALSE;

  /* Magic, version and stanza count. */
  if (reader->file_len < sizeof start)
    {
      gsize have = (gsize) reader->file_len;

      if (have > 0 && !reader_read (reader, start, have, 0, cut_short, error))
        return FALSE;
      if (memcmp (start, BUNDLE_MAGIC, MIN (have, 4)) == 0)
        g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED, cut_short);
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                             "This file is not a SafeReport bundle.");
      return FALSE;
    }

  if (!reader_read (reader, start, sizeof start, 0, cut_short, error))
    return FALSE;
  if (memcmp (start, BUNDLE_MAGIC, 3) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This file is not a SafeReport bundle.");
      return FALSE;
    }
  if (start[3] != (guint8) BUNDLE_MAGIC[3])
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This bundle has version %u, which this version of SafeReport cannot read.",
                   start[3]);
      return FALSE;
    }
  if (start[4] < 1 || start[4] > SR_ENVELOPE_MAX_RECIPIENTS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This bundle claims %u recipients; a bundle has 1 to %u.",
                   start[4], SR_ENVELOPE_MAX_RECIPIENTS);
      return FALSE;
    }

  reader->n_stanzas = start[4];
  reader->body_start = body_start (reader->n_stanzas);
  hlen = header_bytes (reader->n_stanzas);

  header = g_malloc (reader->body_start);
  if (!reader_read (reader, header, reader->body_start, 0, cut_short, error))
    return FALSE;

  reader->keys = sr_secret_new (KEYS_BYTES);
  if (bundle_key != NULL)
    {
      memcpy (reader->keys->data + BUNDLE_KEY, bundle_key, KEY_BYTES);
      opened = TRUE;
    }
  else
    {
      guint n_keys = sr_org_secret_get_n_box_keys (secret);

      /* No stanza says whom it is for; each key tries each stanza. */
      for (guint k = 0; k < n_keys && !opened; k++)
        for (guint s = 0; s < reader->n_stanzas && !opened; s++)
          opened = crypto_box_seal_open (reader->keys->data + BUNDLE_KEY,
                                         header + 5 + (gsize) STANZA_BYTES * s,
                                         STANZA_BYTES,
                                         sr_org_secret_get_box_pk (secret, k),
                                         sr_org_secret_get_box_sk (secret, k)) == 0;
    }
  if (!opened)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_WRONG_KEY,
                           "None of your keys opens this bundle: it was sealed to another organisation.");
      return FALSE;
    }

  derive_keys (reader->keys);
  compute_commitment (reader->keys, header, hlen, commitment);
  if (sodium_memcmp (commitment, header + hlen, COMMIT_BYTES) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TAMPERED,
                           "This bundle was altered: its header does not match its key.");
      return FALSE;
    }

  /* The manifest's length is encrypted like the rest of the body; it is
   * authenticated only with the manifest, so a wrong length shows up as a
   * manifest that does not verify. */
  if (!reader_read (reader, len_field, 4, reader->body_start, cut_short, error))
    return FALSE;
  stream_xor (len_field, 4, 0, reader->keys);
  manifest_len = get_le32 (len_field);

  if (manifest_len < MANIFEST_HEAD_BYTES + AEAD_TAG_BYTES ||
      (manifest_len - MANIFEST_HEAD_BYTES - AEAD_TAG_BYTES) % MANIFEST_ENTRY_BYTES != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TAMPERED,
                           "This bundle was altered: its list of reports is damaged.");
      return FALSE;
    }

  /* Checked before allocating: anyone can make a bundle for the
   * organisation's public key and claim any length. */
  if (reader->body_start + 4 + manifest_len > reader->file_len)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                           "This bundle is cut short: its list of reports is incomplete.");
      return FALSE;
    }
  manifest = g_malloc (manifest_len);
  if (!reader_read (reader, manifest, manifest_len, reader->body_start + 4,
                    "This bundle is cut short: its list of reports is incomplete.", error))
    return FALSE;
  stream_xor (manifest, manifest_len, 4, reader->keys);

  mlen = manifest_len - AEAD_TAG_BYTES;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (manifest, NULL, NULL,
                                                  manifest, manifest_len,
                                                  header, reader->body_start,
                                                  zero_nonce,
                                                  reader->keys->data + MANIFEST_KEY) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TAMPERED,
                           "This bundle was altered: its list of reports does not verify.");
      return FALSE;
    }

  /* From here on the manifest is authentic: whatever is wrong with it was
   * written that way. */
  if (memcmp (manifest, MANIFEST_MAGIC, 4) != 0 ||
      get_le32 (manifest + 4) != (mlen - MANIFEST_HEAD_BYTES) / MANIFEST_ENTRY_BYTES)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This bundle's list of reports is malformed.");
      return FALSE;
    }

  reader->n_records = get_le32 (manifest + 4);
  reader->day = get_le32 (manifest + 8);
  reader->total_len = get_le64 (manifest + 12);
  reader->lengths = g_new (guint32, MAX (reader->n_records, 1));
  reader->offsets = g_new (guint64, MAX (reader->n_records, 1));
  reader->ids = g_malloc ((gsize) MAX (reader->n_records, 1) * SR_ENVELOPE_ID_BYTES);

  offset = 4 + manifest_len;
  sum = 0;
  for (guint i = 0; i < reader->n_records; i++)
    {
      const guint8 *entry = manifest + MANIFEST_HEAD_BYTES + (gsize) MANIFEST_ENTRY_BYTES * i;

      reader->lengths[i] = get_le32 (entry);
      memcpy (reader->ids[i], entry + 4, SR_ENVELOPE_ID_BYTES);
      reader->offsets[i] = offset + sum;
      sum += reader->lengths[i];
    }

  reader->unpadded = reader->body_start + 4 + manifest_len + sum;
  if (reader->total_len != sr_padme (reader->unpadded))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This bundle's list of reports does not match its size.");
      return FALSE;
    }

  return TRUE;
}

static SrBundleReader *
reader_new_fd (int                 fd,
               const char         *path,
               const SrOrgSecret  *secret,
               const guint8       *bundle_key,
               GError            **error)
{
  g_autoptr(SrBundleReader) reader = g_new0 (SrBundleReader, 1);
  struct stat st;

  reader->fd = fd;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_IO,
                   "Could not read %s: it is not a file.", path);
      return NULL;
    }
  reader->file_len = st.st_size;

  if (!reader_open (reader, secret, bundle_key, error))
    return NULL;

  return g_steal_pointer (&reader);
}

static int
open_for_reading (const char  *path,
                  GError     **error)
{
  int fd;

  do
    fd = open (path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, SR_ERROR,
                   errsv == ENOENT ? SR_ERROR_NOT_FOUND : SR_ERROR_IO,
                   "Could not open %s: %s.", path, g_strerror (errsv));
    }

  return fd;
}

SrBundleReader *
sr_bundle_reader_new (const char         *path,
                      const SrOrgSecret  *secret,
                      GError            **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  fd = open_for_reading (path, error);
  if (fd < 0)
    return NULL;

  return reader_new_fd (fd, path, secret, NULL, error);
}

SrBundleReader *
sr_bundle_reader_new_from_bytes (GBytes             *data,
                                 const SrOrgSecret  *secret,
                                 GError            **error)
{
  g_autoptr(SrBundleReader) reader = g_new0 (SrBundleReader, 1);

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  reader->fd = -1;
  reader->bytes = g_bytes_ref (data);
  reader->file_len = g_bytes_get_size (data);

  if (!reader_open (reader, secret, NULL, error))
    return NULL;

  return g_steal_pointer (&reader);
}

guint
sr_bundle_reader_get_n_records (SrBundleReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->n_records;
}

guint32
sr_bundle_reader_get_day (SrBundleReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->day;
}

const guint8 *
sr_bundle_reader_get_id (SrBundleReader *reader,
                         guint           index)
{
  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (index < reader->n_records, NULL);

  return reader->ids[index];
}

/* Decrypts record index chunk by chunk, hashing as it goes, into out when
 * given; checks its id. */
static gboolean
read_record (SrBundleReader  *reader,
             guint            index,
             guint8          *out,
             GError         **error)
{
  g_autofree char *cut_short = NULL;
  g_autofree guint8 *chunk = NULL;
  crypto_generichash_state state;
  guint8 id[SR_ENVELOPE_ID_BYTES];
  guint64 offset = reader->offsets[index];
  guint64 left = reader->lengths[index];

  cut_short = g_strdup_printf ("Record %u of this bundle is cut short.", index + 1);
  if (reader->body_start + offset + left > reader->file_len)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED, cut_short);
      return FALSE;
    }

  if (out == NULL)
    chunk = g_malloc (CHUNK_BYTES);

  crypto_generichash_init (&state, NULL, 0, SR_ENVELOPE_ID_BYTES);
  while (left > 0)
    {
      gsize n = (gsize) MIN (left, (guint64) CHUNK_BYTES);
      guint8 *buf = out != NULL ? out : chunk;

      if (!reader_read (reader, buf, n, reader->body_start + offset, cut_short, error))
        return FALSE;
      stream_xor (buf, n, offset, reader->keys);
      crypto_generichash_update (&state, buf, n);

      if (out != NULL)
        out += n;
      offset += n;
      left -= n;
    }
  crypto_generichash_final (&state, id, sizeof id);

  if (sodium_memcmp (id, reader->ids[index], SR_ENVELOPE_ID_BYTES) != 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_TAMPERED,
                   "Record %u of this bundle is damaged.", index + 1);
      return FALSE;
    }

  return TRUE;
}

GBytes *
sr_bundle_reader_get_record (SrBundleReader  *reader,
                             guint            index,
                             GError         **error)
{
  g_autofree guint8 *data = NULL;
  gsize len;

  g_return_val_if_fail (reader != NULL, NULL);

  if (index >= reader->n_records)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
                   "This bundle has no record %u.", index + 1);
      return NULL;
    }

  len = reader->lengths[index];
  if (reader->body_start + reader->offsets[index] + len > reader->file_len)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
                   "Record %u of this bundle is cut short.", index + 1);
      return NULL;
    }

  data = g_malloc (MAX (len, 1));
  if (!read_record (reader, index, data, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&data), len);
}

gboolean
sr_bundle_reader_check_tail (SrBundleReader  *reader,
                             GError         **error)
{
  g_autofree guint8 *chunk = NULL;
  guint64 offset = reader->unpadded;
  guint64 end;

  g_return_val_if_fail (reader != NULL, FALSE);

  /* Check what padding there is, then whether there is all of it. */
  chunk = g_malloc (CHUNK_BYTES);
  end = MIN (reader->total_len, reader->file_len);
  while (offset < end)
    {
      gsize n = (gsize) MIN (end - offset, (guint64) CHUNK_BYTES);
      guint8 acc = 0;

      if (!reader_read (reader, chunk, n, offset,
                        "This bundle is cut short: its padding is incomplete.", error))
        return FALSE;
      stream_xor (chunk, n, offset - reader->body_start, reader->keys);
      for (gsize i = 0; i < n; i++)
        acc |= chunk[i];
      if (acc != 0)
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_TAMPERED,
                               "This bundle's padding was altered.");
          return FALSE;
        }
      offset += n;
    }

  if (reader->file_len < reader->total_len)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                           "This bundle is cut short: its padding is incomplete.");
      return FALSE;
    }
  if (reader->file_len > reader->total_len)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TAMPERED,
                           "This bundle has bytes added after its end.");
      return FALSE;
    }

  return TRUE;
}

gboolean
sr_bundle_verify_written (const char     *path,
                          const guint8    bundle_key[32],
                          guint           n_records,
                          const guint8  (*ids)[SR_ENVELOPE_ID_BYTES],
                          GError        **error)
{
  g_autoptr(SrBundleReader) reader = NULL;
  g_autoptr(GError) local_error = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (bundle_key != NULL, FALSE);
  g_return_val_if_fail (n_records == 0 || ids != NULL, FALSE);

  fd = open_for_reading (path, error);
  if (fd < 0)
    return FALSE;

  /* The writer fsynced the file, so its cached pages are clean; dropping
   * them makes the reads below come from the device, which is the point of
   * reading back. The kernel may keep some; it is advice. */
  posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);

  reader = reader_new_fd (fd, path, NULL, bundle_key, &local_error);
  if (reader == NULL)
    goto failed;

  if (reader->n_records != n_records)
    {
      g_set_error (&local_error, SR_ERROR, SR_ERROR_TAMPERED,
                   "It holds %u reports instead of %u.", reader->n_records, n_records);
      goto failed;
    }

  for (guint i = 0; i < n_records; i++)
    {
      if (sodium_memcmp (reader->ids[i], ids[i], SR_ENVELOPE_ID_BYTES) != 0)
        {
          g_set_error (&local_error, SR_ERROR, SR_ERROR_TAMPERED,
                       "Its list of reports differs at report %u.", i + 1);
          goto failed;
        }
      if (!read_record (reader, i, NULL, &local_error))
        goto failed;
    }

  if (!sr_bundle_reader_check_tail (reader, &local_error))
    goto failed;

  posix_fadvise (reader->fd, 0, 0, POSIX_FADV_DONTNEED);
  return TRUE;

failed:
  /* Whatever the reader says, the file on the device is not what was
   * written: the medium is faulty, full, or was pulled out. */
  g_set_error (error, SR_ERROR, SR_ERROR_IO,
               "The bundle written to %s does not read back correctly, so it cannot be trusted: %s",
               path, local_error->message);
  return FALSE;
}

gboolean
sr_bundle_sniff (const guint8 *data,
                 gsize         len)
{
  return data != NULL && len >= 3 && memcmp (data, BUNDLE_MAGIC, 3) == 0;
}
