/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-qr"

#include "sr-qr.h"

#include <sodium.h>
#include <string.h>

#include "sr-base45.h"
#include "sr-envelope.h"

/* Offsets inside the decoded bytes of a part. */
#define OFFSET_INDEX     8
#define OFFSET_COUNT     9
#define OFFSET_CHECKSUM  10
#define CHECKSUM_BYTES   4

/* Data codewords of a QR symbol at EC level M, versions 1..40 (ISO/IEC
 * 18004:2015, table 7). The alphanumeric capacity follows from them. */
static const guint16 data_codewords_m[41] = {
  0,
  16, 28, 44, 64, 86, 108, 124, 154, 182, 216,
  254, 290, 334, 365, 415, 453, 507, 563, 627, 669,
  714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373,
  1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334,
};

guint
sr_qr_text_capacity (guint version)
{
  guint count_bits;
  guint bits;

  if (version < 1 || version > 40)
    return 0;

  /* The character count indicator of alphanumeric mode grows with the
   * version; the mode indicator takes 4 bits. Two characters take 11
   * bits, a last single one 6. */
  count_bits = version <= 9 ? 9 : version <= 26 ? 11 : 13;
  bits = data_codewords_m[version] * 8u - 4u - count_bits;
  return (bits / 11) * 2 + (bits % 11 >= 6 ? 1 : 0);
}

guint
sr_qr_version_for_text (gsize n_chars)
{
  guint version;

  for (version = 1; version <= 40; version++)
    if (n_chars <= sr_qr_text_capacity (version))
      return version;
  return 0;
}

gsize
sr_qr_chunk_max (guint version_cap)
{
  gsize chars;
  gsize bytes;

  if (version_cap == 0)
    version_cap = SR_QR_VERSION_CAP_DEFAULT;
  if (version_cap < SR_QR_VERSION_CAP_MIN || version_cap > SR_QR_VERSION_CAP_MAX)
    return 0;

  chars = sr_qr_text_capacity (version_cap) - SR_QR_PREFIX_LEN;
  bytes = (chars / 3) * 2 + (chars % 3 == 2 ? 1 : 0);
  return bytes - SR_QR_HEADER_BYTES;
}

guint
sr_qr_count_parts (gsize len,
                   guint version_cap)
{
  gsize chunk_max = sr_qr_chunk_max (version_cap);
  gsize n;

  if (chunk_max == 0 || len == 0)
    return 0;
  n = (len + chunk_max - 1) / chunk_max;
  return n <= SR_QR_MAX_PARTS ? (guint) n : 0;
}

/* checksum = the first 4 bytes of BLAKE2b-256 over every decoded byte of
 * the part but the checksum itself: message id, index, count, chunk. */
static void
part_checksum (const guint8 *head,
               const guint8 *chunk,
               gsize         chunk_len,
               guint8        out[CHECKSUM_BYTES])
{
  crypto_generichash_state state;
  guint8 hash[32];

  crypto_generichash_init (&state, NULL, 0, sizeof hash);
  crypto_generichash_update (&state, head, OFFSET_CHECKSUM);
  crypto_generichash_update (&state, chunk, chunk_len);
  crypto_generichash_final (&state, hash, sizeof hash);
  memcpy (out, hash, CHECKSUM_BYTES);
}

static char *
part_text (const guint8 *decoded,
           gsize         len)
{
  g_autofree char *b45 = sr_base45_encode (decoded, len);

  return g_strconcat (SR_QR_PREFIX, b45, NULL);
}

GStrv
sr_qr_split (GBytes  *envelope,
             guint    version_cap,
             GError **error)
{
  g_autoptr(GPtrArray) texts = NULL;
  g_autofree guint8 *decoded = NULL;
  guint8 id[SR_ENVELOPE_ID_BYTES];
  const guint8 *data;
  gsize len;
  gsize chunk_max;
  gsize base;
  gsize extra;
  gsize offset = 0;
  guint n;
  guint i;

  g_return_val_if_fail (envelope != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (version_cap == 0)
    version_cap = SR_QR_VERSION_CAP_DEFAULT;
  if (version_cap < SR_QR_VERSION_CAP_MIN || version_cap > SR_QR_VERSION_CAP_MAX)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The largest QR code version must be between %d and %d, not %u.",
                   SR_QR_VERSION_CAP_MIN, SR_QR_VERSION_CAP_MAX, version_cap);
      return NULL;
    }

  data = g_bytes_get_data (envelope, &len);
  if (len == 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "There is nothing to put into QR codes: the envelope is empty.");
      return NULL;
    }

  n = sr_qr_count_parts (len, version_cap);
  if (n == 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NO_SPACE,
                   "The report is too large for QR codes: it would need more than %d of them.",
                   SR_QR_MAX_PARTS);
      return NULL;
    }

  chunk_max = sr_qr_chunk_max (version_cap);
  sr_envelope_id (data, len, id);

  /* The fewest parts, then sizes as equal as they can be: the first
   * len % n parts carry one byte more than the others. */
  base = len / n;
  extra = len % n;
  g_assert (base + (extra > 0 ? 1 : 0) <= chunk_max);

  decoded = g_malloc (SR_QR_HEADER_BYTES + chunk_max);
  texts = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < n; i++)
    {
      gsize size = base + (i < extra ? 1 : 0);

      memcpy (decoded, id, SR_QR_MESSAGE_ID_BYTES);
      decoded[OFFSET_INDEX] = (guint8) i;
      decoded[OFFSET_COUNT] = (guint8) n;
      memcpy (decoded + SR_QR_HEADER_BYTES, data + offset, size);
      part_checksum (decoded, data + offset, size, decoded + OFFSET_CHECKSUM);

      g_ptr_array_add (texts, part_text (decoded, SR_QR_HEADER_BYTES + size));
      offset += size;
    }
  g_assert (offset == len);

  g_ptr_array_set_free_func (texts, NULL);
  g_ptr_array_add (texts, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&texts), FALSE);
}

void
sr_qr_part_free (SrQrPart *part)
{
  if (part == NULL)
    return;
  g_clear_pointer (&part->chunk, g_bytes_unref);
  g_free (part->text);
  g_free (part);
}

char *
sr_qr_message_id_to_hex (const guint8 message_id[SR_QR_MESSAGE_ID_BYTES])
{
  char hex[SR_QR_MESSAGE_ID_BYTES * 2 + 1];
  guint i;

  g_return_val_if_fail (message_id != NULL, NULL);

  for (i = 0; i < SR_QR_MESSAGE_ID_BYTES; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", message_id[i]);
  return g_strdup (hex);
}

/* Parses text exactly as given, after the prefix has been checked. */
static SrQrPart *
parse_exact (const char *text,
             gsize       len,
             GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SrQrPart) part = NULL;
  const guint8 *decoded;
  gsize decoded_len;
  guint8 checksum[CHECKSUM_BYTES];

  bytes = sr_base45_decode (text + SR_QR_PREFIX_LEN, len - SR_QR_PREFIX_LEN, NULL);
  if (bytes == NULL)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_TAMPERED,
                   "This QR code is damaged: its text is not valid base45.");
      return NULL;
    }

  decoded = g_bytes_get_data (bytes, &decoded_len);
  if (decoded_len <= SR_QR_HEADER_BYTES)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_TAMPERED,
                   "This QR code is damaged: it is too short to hold a part of a report.");
      return NULL;
    }

  part_checksum (decoded, decoded + SR_QR_HEADER_BYTES, decoded_len - SR_QR_HEADER_BYTES,
                 checksum);
  if (memcmp (checksum, decoded + OFFSET_CHECKSUM, CHECKSUM_BYTES) != 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_TAMPERED,
                   "This QR code is damaged: its checksum does not match.");
      return NULL;
    }

  /* The checksum holds, so these fields are what the writer wrote: a bad
   * value here is a malformed part, not a misread one. */
  if (decoded[OFFSET_COUNT] == 0 || decoded[OFFSET_INDEX] >= decoded[OFFSET_COUNT])
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This QR code claims to be part %u of %u, which cannot be.",
                   decoded[OFFSET_INDEX] + 1u, (guint) decoded[OFFSET_COUNT]);
      return NULL;
    }

  part = g_new0 (SrQrPart, 1);
  memcpy (part->message_id, decoded, SR_QR_MESSAGE_ID_BYTES);
  part->index = decoded[OFFSET_INDEX];
  part->count = decoded[OFFSET_COUNT];
  part->chunk = g_bytes_new_from_bytes (bytes, SR_QR_HEADER_BYTES,
                                        decoded_len - SR_QR_HEADER_BYTES);
  part->text = part_text (decoded, decoded_len);

  return g_steal_pointer (&part);
}

SrQrPart *
sr_qr_part_parse (const char *text,
                  gssize      len,
                  GError    **error)
{
  gsize start = 0;
  gsize end;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  end = len < 0 ? strlen (text) : (gsize) len;

  /* Scanner apps and editors add or drop whitespace around a line. None
   * of it is ever part of a part: the text starts with "S", and a base45
   * text never ends in a space (the last character of a group of three is
   * at most "W", of a last pair at most "5"), so trimming is lossless. */
  while (start < end && g_ascii_isspace (text[start]))
    start++;
  while (end > start && g_ascii_isspace (text[end - 1]))
    end--;

  if (end - start < SR_QR_PREFIX_LEN ||
      memcmp (text + start, SR_QR_PREFIX, SR_QR_PREFIX_LEN) != 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This QR code is not part of a SafeReport report.");
      return NULL;
    }
  if (end - start > sr_qr_text_capacity (40))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This text is too long to be a QR code of a SafeReport report.");
      return NULL;
    }

  return parse_exact (text + start, end - start, error);
}

/* Assembly. */

typedef struct
{
  guint    count;
  guint    received;
  SrQrPart **parts;  /* count slots, NULL where missing */
} Message;

static void
message_free (Message *message)
{
  guint i;

  for (i = 0; i < message->count; i++)
    sr_qr_part_free (message->parts[i]);
  g_free (message->parts);
  g_free (message);
}

struct _SrQrAssembler
{
  GHashTable *messages;   /* GBytes message id → Message */
  GHashTable *completed;  /* GBytes message id, a set */
  GQueue      envelopes;  /* GBytes, oldest first */
};

SrQrAssembler *
sr_qr_assembler_new (void)
{
  SrQrAssembler *self = g_new0 (SrQrAssembler, 1);

  self->messages = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify) g_bytes_unref,
                                          (GDestroyNotify) message_free);
  self->completed = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                           (GDestroyNotify) g_bytes_unref, NULL);
  g_queue_init (&self->envelopes);
  return self;
}

void
sr_qr_assembler_free (SrQrAssembler *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->messages);
  g_hash_table_unref (self->completed);
  g_queue_clear_full (&self->envelopes, (GDestroyNotify) g_bytes_unref);
  g_free (self);
}

static GBytes *
message_key (const guint8 message_id[SR_QR_MESSAGE_ID_BYTES])
{
  return g_bytes_new (message_id, SR_QR_MESSAGE_ID_BYTES);
}

/* Joins the chunks of a message whose parts are all in, and checks that
 * the result hashes to the message id. */
static GBytes *
message_join (Message      *message,
              const guint8  message_id[SR_QR_MESSAGE_ID_BYTES],
              GError      **error)
{
  g_autoptr(GByteArray) envelope = g_byte_array_new ();
  guint8 id[SR_ENVELOPE_ID_BYTES];
  guint i;

  for (i = 0; i < message->count; i++)
    {
      gsize size;
      const guint8 *chunk = g_bytes_get_data (message->parts[i]->chunk, &size);

      g_byte_array_append (envelope, chunk, size);
    }

  sr_envelope_id (envelope->data, envelope->len, id);
  if (memcmp (id, message_id, SR_QR_MESSAGE_ID_BYTES) != 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_TAMPERED,
                   "The QR codes of this report do not fit together: one of them was "
                   "altered. Scan all of them again.");
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&envelope));
}

gboolean
sr_qr_assembler_add (SrQrAssembler  *self,
                     const char     *text,
                     gssize          len,
                     SrQrPartStatus *status,
                     GError        **error)
{
  g_autoptr(SrQrPart) part = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) envelope = NULL;
  Message *message;
  guint index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  part = sr_qr_part_parse (text, len, error);
  if (part == NULL)
    return FALSE;

  key = message_key (part->message_id);
  if (g_hash_table_contains (self->completed, key))
    {
      if (status != NULL)
        *status = SR_QR_PART_DUPLICATE;
      return TRUE;
    }

  message = g_hash_table_lookup (self->messages, key);
  if (message == NULL)
    {
      message = g_new0 (Message, 1);
      message->count = part->count;
      message->parts = g_new0 (SrQrPart *, part->count);
      g_hash_table_insert (self->messages, g_bytes_ref (key), message);
    }
  else if (message->count != part->count)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_TAMPERED,
                   "This QR code says its report has %u parts, but other codes of the "
                   "same report say %u.", part->count, message->count);
      return FALSE;
    }

  index = part->index;
  if (message->parts[index] != NULL)
    {
      if (!g_bytes_equal (message->parts[index]->chunk, part->chunk))
        {
          g_set_error (error, SR_ERROR, SR_ERROR_TAMPERED,
                       "This QR code differs from another copy of part %u of the same "
                       "report.", index + 1);
          return FALSE;
        }
      if (status != NULL)
        *status = SR_QR_PART_DUPLICATE;
      return TRUE;
    }

  message->parts[index] = g_steal_pointer (&part);
  message->received++;
  if (message->received < message->count)
    {
      if (status != NULL)
        *status = SR_QR_PART_ADDED;
      return TRUE;
    }

  envelope = message_join (message, g_bytes_get_data (key, NULL), error);
  /* Either way the parts are no longer needed: joined, or known not to
   * fit, in which case dropping them lets a fresh scan of the genuine
   * codes complete the message. */
  g_hash_table_remove (self->messages, key);
  if (envelope == NULL)
    return FALSE;

  g_hash_table_add (self->completed, g_steal_pointer (&key));
  g_queue_push_tail (&self->envelopes, g_steal_pointer (&envelope));
  if (status != NULL)
    *status = SR_QR_PART_COMPLETED;
  return TRUE;
}

GBytes *
sr_qr_assembler_pop_envelope (SrQrAssembler *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_queue_pop_head (&self->envelopes);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_bytes_compare (*(GBytes * const *) a, *(GBytes * const *) b);
}

/* The ids of incomplete messages in a stable order, so that callers get
 * the same listing for the same content. */
static GPtrArray *
sorted_message_keys (SrQrAssembler *self)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->messages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

GPtrArray *
sr_qr_assembler_get_pending_texts (SrQrAssembler *self)
{
  g_autoptr(GPtrArray) keys = NULL;
  GPtrArray *texts;
  guint i;

  g_return_val_if_fail (self != NULL, NULL);

  texts = g_ptr_array_new_with_free_func (g_free);
  keys = sorted_message_keys (self);
  for (i = 0; i < keys->len; i++)
    {
      Message *message = g_hash_table_lookup (self->messages, keys->pdata[i]);
      guint j;

      for (j = 0; j < message->count; j++)
        if (message->parts[j] != NULL)
          g_ptr_array_add (texts, g_strdup (message->parts[j]->text));
    }

  return texts;
}

GArray *
sr_qr_assembler_get_incomplete (SrQrAssembler *self)
{
  g_autoptr(GPtrArray) keys = NULL;
  GArray *out;
  guint i;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_array_new (FALSE, TRUE, sizeof (SrQrProgress));
  keys = sorted_message_keys (self);
  for (i = 0; i < keys->len; i++)
    {
      Message *message = g_hash_table_lookup (self->messages, keys->pdata[i]);
      SrQrProgress progress = { { 0 }, message->count, message->received };

      memcpy (progress.message_id, g_bytes_get_data (keys->pdata[i], NULL),
              SR_QR_MESSAGE_ID_BYTES);
      g_array_append_val (out, progress);
    }

  return out;
}

GArray *
sr_qr_assembler_get_missing (SrQrAssembler *self,
                             const guint8   message_id[SR_QR_MESSAGE_ID_BYTES])
{
  g_autoptr(GBytes) key = NULL;
  Message *message;
  GArray *missing;
  guint i;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (message_id != NULL, NULL);

  key = message_key (message_id);
  message = g_hash_table_lookup (self->messages, key);
  if (message == NULL)
    return NULL;

  missing = g_array_new (FALSE, FALSE, sizeof (guint));
  for (i = 0; i < message->count; i++)
    if (message->parts[i] == NULL)
      g_array_append_val (missing, i);
  return missing;
}

void
sr_qr_assembler_forget (SrQrAssembler *self,
                        const guint8   message_id[SR_QR_MESSAGE_ID_BYTES])
{
  g_autoptr(GBytes) key = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (message_id != NULL);

  key = message_key (message_id);
  g_hash_table_remove (self->messages, key);
  g_hash_table_remove (self->completed, key);
}
