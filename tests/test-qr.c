/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-qr"

#include "sr-test-util.h"

#include <glib/gstdio.h>
#include <png.h>
#include <qrencode.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "sr-base45.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-keys.h"
#include "sr-qr-image.h"
#include "sr-qr.h"
#include "sr-answers.h"
#include "sr-data.h"
#include "sr-report.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

/* Helpers. */

static GBytes *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  if (len > 0)
    randombytes_buf (data, len);
  return g_bytes_new_take (data, len);
}

static GBytes *
seal_random (const SrOrgSecret *secret,
             gsize              plaintext_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plaintext = random_bytes (plaintext_len);
  SrOrgPublic pub;
  GBytes *envelope;

  sr_org_secret_get_public (secret, &pub);
  envelope = sr_envelope_seal (g_bytes_get_data (plaintext, NULL), plaintext_len,
                               (const guint8 (*)[SR_BOX_KEY_BYTES]) &pub.box, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (envelope);
  return envelope;
}

static void
assert_opens (GBytes            *envelope,
              const SrOrgSecret *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) plaintext = NULL;

  plaintext = sr_envelope_open (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                                secret, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plaintext);
}

/* Feeds texts to a fresh assembler; every one must be accepted and exactly
 * one envelope must come out. */
static GBytes *
assemble (GPtrArray *texts)
{
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  GBytes *envelope;
  guint i;

  for (i = 0; i < texts->len; i++)
    {
      g_autoptr(GError) error = NULL;

      sr_qr_assembler_add (assembler, texts->pdata[i], -1, NULL, &error);
      g_assert_no_error (error);
    }
  envelope = sr_qr_assembler_pop_envelope (assembler);
  g_assert_nonnull (envelope);
  g_assert_null (sr_qr_assembler_pop_envelope (assembler));
  return envelope;
}

/* Builds a part text with any header and chunk and a correct checksum:
 * what a forger could make. */
static char *
forge_part (const guint8 *message_id,
            guint         index,
            guint         count,
            const guint8 *chunk,
            gsize         chunk_len)
{
  g_autofree guint8 *decoded = g_malloc (SR_QR_HEADER_BYTES + chunk_len);
  g_autofree char *b45 = NULL;
  crypto_generichash_state state;
  guint8 hash[32];

  memcpy (decoded, message_id, SR_QR_MESSAGE_ID_BYTES);
  decoded[8] = (guint8) index;
  decoded[9] = (guint8) count;
  if (chunk_len > 0)
    memcpy (decoded + SR_QR_HEADER_BYTES, chunk, chunk_len);
  crypto_generichash_init (&state, NULL, 0, sizeof hash);
  crypto_generichash_update (&state, decoded, 10);
  crypto_generichash_update (&state, decoded + SR_QR_HEADER_BYTES, chunk_len);
  crypto_generichash_final (&state, hash, sizeof hash);
  memcpy (decoded + 10, hash, 4);

  b45 = sr_base45_encode (decoded, SR_QR_HEADER_BYTES + chunk_len);
  return g_strconcat (SR_QR_PREFIX, b45, NULL);
}

static GPtrArray *
read_texts (const char *path)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *texts = sr_qr_read_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (texts);
  return texts;
}

static GPtrArray *
strv_to_array (GStrv strv)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; strv[i] != NULL; i++)
    g_ptr_array_add (array, g_strdup (strv[i]));
  return array;
}

static void
shuffle (GPtrArray *array)
{
  guint i;

  for (i = array->len; i > 1; i--)
    {
      guint j = randombytes_uniform (i);
      gpointer tmp = array->pdata[i - 1];

      array->pdata[i - 1] = array->pdata[j];
      array->pdata[j] = tmp;
    }
}

/* base45 */

static void
test_base45_vectors (void)
{
  /* RFC 9285, section 4.3 and 4.4. */
  static const struct { const char *bytes; const char *text; } vectors[] = {
    { "AB", "BB8" },
    { "Hello!!", "%69 VD92EX0" },
    { "base-45", "UJCLQE7W581" },
    { "ietf!", "QED8WEX0" },
    { "", "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = NULL;
      g_autofree char *encoded = NULL;
      gsize len = strlen (vectors[i].bytes);

      encoded = sr_base45_encode ((const guint8 *) vectors[i].bytes, len);
      g_assert_cmpstr (encoded, ==, vectors[i].text);
      g_assert_cmpuint (sr_base45_encoded_len (len), ==, strlen (vectors[i].text));

      decoded = sr_base45_decode (vectors[i].text, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                       vectors[i].bytes, len);
      g_assert_cmpuint (sr_base45_decoded_len (strlen (vectors[i].text)), ==, len);
    }

  /* The extremes of a group. */
  {
    g_autoptr(GBytes) max = sr_base45_decode ("FGW", 3, NULL);
    g_autoptr(GBytes) max_byte = sr_base45_decode ("U5", 2, NULL);

    g_assert_nonnull (max);
    g_assert_cmpmem (g_bytes_get_data (max, NULL), 2, "\xff\xff", 2);
    g_assert_nonnull (max_byte);
    g_assert_cmpmem (g_bytes_get_data (max_byte, NULL), 1, "\xff", 1);
  }
}

static void
test_base45_roundtrip (void)
{
  gsize len;

  for (len = 0; len < 300; len++)
    {
      g_autoptr(GBytes) data = random_bytes (len);
      g_autoptr(GBytes) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = sr_base45_encode (g_bytes_get_data (data, NULL), len);

      g_assert_cmpuint (strlen (text), ==, sr_base45_encoded_len (len));
      g_assert_cmpuint (strspn (text, SR_BASE45_ALPHABET), ==, strlen (text));
      back = sr_base45_decode (text, -1, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (data, back));
    }
}

static void
test_base45_strict (void)
{
  static const char *bad[] = {
    "A",            /* dangling single character */
    "BB8A",
    "GGW",          /* 65536 */
    ":::",          /* 91124 */
    "BB8:::",
    "V5",           /* 256 */
    "::",           /* 2024 */
    "bb8",          /* lower case */
    "BB#",
    "BB8\xc3\xa9",
    "\xff\xff\xff",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) out = sr_base45_decode (bad[i], -1, &error);

      g_assert_null (out);
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    }

  /* An embedded NUL is a character outside the alphabet, not an end. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) out = sr_base45_decode ("BB\0", 3, &error);

    g_assert_null (out);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  }
}

/* Every pair and every group of three characters: exactly the values a
 * pair or a byte can have decode, the encoding of what decodes is the
 * text itself (so no two texts decode alike), and no valid group ends
 * with a space, which is why part texts can be trimmed. */
static void
test_base45_exhaustive (void)
{
  const char *alphabet = SR_BASE45_ALPHABET;
  guint valid3 = 0;
  guint valid2 = 0;
  guint a, b, c;

  for (a = 0; a < 45; a++)
    for (b = 0; b < 45; b++)
      {
        char two[3] = { alphabet[a], alphabet[b], '\0' };
        g_autoptr(GBytes) out2 = sr_base45_decode (two, 2, NULL);

        if (out2 != NULL)
          {
            g_autofree char *again = sr_base45_encode (g_bytes_get_data (out2, NULL), 1);

            g_assert_cmpuint (a + 45 * b, <=, 255);
            g_assert_cmpstr (again, ==, two);
            g_assert_cmpint ((guchar) two[1], !=, ' ');
            valid2++;
          }
        else
          g_assert_cmpuint (a + 45 * b, >, 255);

        for (c = 0; c < 45; c++)
          {
            char three[4] = { alphabet[a], alphabet[b], alphabet[c], '\0' };
            g_autoptr(GBytes) out3 = sr_base45_decode (three, 3, NULL);

            if (out3 != NULL)
              {
                g_autofree char *again = sr_base45_encode (g_bytes_get_data (out3, NULL), 2);

                g_assert_cmpstr (again, ==, three);
                g_assert_cmpint ((guchar) three[2], !=, ' ');
                valid3++;
              }
            else
              g_assert_cmpuint (a + 45 * b + 2025 * c, >, 65535);
          }
      }

  g_assert_cmpuint (valid2, ==, 256);
  g_assert_cmpuint (valid3, ==, 65536);
}

/* Capacity and splitting. */

static char *
an_text (gsize len)
{
  char *text = g_malloc (len + 1);
  gsize i;

  for (i = 0; i < len; i++)
    text[i] = SR_BASE45_ALPHABET[randombytes_uniform (45)];
  text[len] = '\0';
  return text;
}

/* The capacity table agrees with libqrencode symbol by symbol: a text of
 * exactly the capacity of version v comes out as version v, one more
 * character as v + 1. Byte mode holds far fewer characters than
 * alphanumeric mode (997 against 1451 at version 25), so this also proves
 * that the symbols use alphanumeric mode. */
static void
test_capacity (void)
{
  guint v;

  g_assert_cmpuint (sr_qr_text_capacity (1), ==, 20);
  g_assert_cmpuint (sr_qr_text_capacity (10), ==, 311);
  g_assert_cmpuint (sr_qr_text_capacity (25), ==, 1451);
  g_assert_cmpuint (sr_qr_text_capacity (40), ==, 3391);
  g_assert_cmpuint (sr_qr_text_capacity (0), ==, 0);
  g_assert_cmpuint (sr_qr_text_capacity (41), ==, 0);

  for (v = 1; v <= 40; v++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrQrSymbol) full = NULL;
      g_autoptr(QRcode) byte_mode = NULL;
      g_autofree char *text = an_text (sr_qr_text_capacity (v));

      full = sr_qr_symbol_encode (text, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (full->version, ==, v);
      g_assert_cmpuint (full->width, ==, 17 + 4 * v);
      g_assert_cmpuint (sr_qr_version_for_text (strlen (text)), ==, v);

      /* The same text forced into byte mode needs a larger symbol, or
       * does not fit at all. */
      byte_mode = QRcode_encodeData ((int) strlen (text), (const unsigned char *) text, 0,
                                     QR_ECLEVEL_M);
      g_assert_true (byte_mode == NULL || byte_mode->version > (int) v);

      if (v < 40)
        {
          g_autoptr(SrQrSymbol) over = NULL;
          g_autofree char *longer = an_text (sr_qr_text_capacity (v) + 1);

          over = sr_qr_symbol_encode (longer, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (over->version, ==, v + 1);
        }
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *too_long = an_text (sr_qr_text_capacity (40) + 1);
    g_autoptr(SrQrSymbol) none = sr_qr_symbol_encode (too_long, &error);

    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
    g_assert_cmpuint (sr_qr_version_for_text (strlen (too_long)), ==, 0);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SrQrSymbol) none = sr_qr_symbol_encode ("https://example.org", &error);

    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  }
}

/* Under every cap, a part carrying chunk_max bytes uses exactly the cap
 * version, and one byte more would not fit: the chunk size is the largest
 * possible. */
static void
test_split_chunk_max (void)
{
  guint cap;

  g_assert_cmpuint (sr_qr_chunk_max (4), ==, 0);
  g_assert_cmpuint (sr_qr_chunk_max (41), ==, 0);
  g_assert_cmpuint (sr_qr_chunk_max (0), ==, sr_qr_chunk_max (SR_QR_VERSION_CAP_DEFAULT));

  for (cap = SR_QR_VERSION_CAP_MIN; cap <= SR_QR_VERSION_CAP_MAX; cap++)
    {
      g_autoptr(GError) error = NULL;
      gsize chunk_max = sr_qr_chunk_max (cap);
      g_autoptr(GBytes) envelope = random_bytes (chunk_max);
      g_auto(GStrv) parts = sr_qr_split (envelope, cap, &error);
      g_autoptr(SrQrSymbol) symbol = NULL;
      gsize one_more = SR_QR_PREFIX_LEN + sr_base45_encoded_len (SR_QR_HEADER_BYTES + chunk_max + 1);

      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (parts), ==, 1);
      symbol = sr_qr_symbol_encode (parts[0], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (symbol->version, ==, cap);
      g_assert_cmpuint (one_more, >, sr_qr_text_capacity (cap));

      g_assert_cmpuint (sr_qr_count_parts (chunk_max, cap), ==, 1);
      g_assert_cmpuint (sr_qr_count_parts (chunk_max + 1, cap), ==, 2);
      g_assert_cmpuint (sr_qr_count_parts (chunk_max * 255, cap), ==, 255);
      g_assert_cmpuint (sr_qr_count_parts (chunk_max * 255 + 1, cap), ==, 0);
    }
}

/* The sizes the design cares about: how many symbols of which version. */
static void
test_split_sizes (void)
{
  static const gsize sizes[] = { 300, 600, 900, 1500, 3000 };
  static const guint expected_parts[] = { 1, 1, 1, 2, 4 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) envelope = random_bytes (sizes[i]);
      g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
      g_autoptr(GString) versions = g_string_new (NULL);
      gsize total = 0;
      gsize smallest = G_MAXSIZE;
      gsize largest = 0;
      guint n;
      guint j;

      g_assert_no_error (error);
      n = g_strv_length (parts);
      g_assert_cmpuint (n, ==, expected_parts[i]);
      g_assert_cmpuint (n, ==, sr_qr_count_parts (sizes[i], 0));

      for (j = 0; j < n; j++)
        {
          g_autoptr(SrQrSymbol) symbol = sr_qr_symbol_encode (parts[j], &error);
          g_autoptr(SrQrPart) part = sr_qr_part_parse (parts[j], -1, &error);
          gsize size;

          g_assert_no_error (error);
          g_assert_cmpuint (symbol->version, <=, SR_QR_VERSION_CAP_DEFAULT);
          g_assert_cmpuint (part->index, ==, j);
          g_assert_cmpuint (part->count, ==, n);
          size = g_bytes_get_size (part->chunk);
          total += size;
          smallest = MIN (smallest, size);
          largest = MAX (largest, size);
          g_string_append_printf (versions, "%s%u", j > 0 ? ", " : "", symbol->version);
        }
      g_assert_cmpuint (total, ==, sizes[i]);
      g_assert_cmpuint (largest - smallest, <=, 1);

      g_test_message ("envelope of %" G_GSIZE_FORMAT " bytes: %u QR code%s at EC M, "
                      "version%s %s (cap %d)", sizes[i], n, n > 1 ? "s" : "",
                      n > 1 ? "s" : "", versions->str, SR_QR_VERSION_CAP_DEFAULT);
    }
}

static void
test_split_errors (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) some = random_bytes (100);
  g_autoptr(GBytes) huge = random_bytes (sr_qr_chunk_max (5) * 255 + 1);
  g_autoptr(GBytes) just = random_bytes (sr_qr_chunk_max (5) * 255);
  g_auto(GStrv) ok = NULL;
  GError *error = NULL;

  g_assert_null (sr_qr_split (empty, 0, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (sr_qr_split (some, 4, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (sr_qr_split (some, 41, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (sr_qr_split (huge, 5, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_NO_SPACE);
  g_clear_error (&error);

  ok = sr_qr_split (just, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ok), ==, 255);
}

/* The vector of docs/FORMAT.md ("QR transport"), computed independently of this code. */
static void
test_split_vector (void)
{
  g_autofree char *path = sr_test_data_path ("qr/parts-100-cap5.txt");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GBytes) back = NULL;
  g_auto(GStrv) parts = NULL;
  guint8 data[100];
  guint i;

  for (i = 0; i < sizeof data; i++)
    data[i] = (guint8) i;
  envelope = g_bytes_new (data, sizeof data);

  expected = read_texts (path);
  g_assert_cmpuint (expected->len, ==, 2);
  parts = sr_qr_split (envelope, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  for (i = 0; i < 2; i++)
    g_assert_cmpstr (parts[i], ==, expected->pdata[i]);

  back = assemble (expected);
  g_assert_true (g_bytes_equal (back, envelope));
}

/* Parts back to envelopes. */

static void
test_assemble_orders (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) envelope = seal_random (secret, 3000);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  guint round;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parts), >=, 3);

  for (round = 0; round < 20; round++)
    {
      g_autoptr(GPtrArray) texts = strv_to_array (parts);
      g_autoptr(GBytes) back = NULL;
      guint n = texts->len;
      guint i;

      /* Duplicates of random parts, and everything shuffled. */
      for (i = 0; i < round % 5; i++)
        g_ptr_array_add (texts, g_strdup (texts->pdata[randombytes_uniform (n)]));
      shuffle (texts);

      back = assemble (texts);
      g_assert_true (g_bytes_equal (back, envelope));
    }

  {
    g_autoptr(GPtrArray) texts = strv_to_array (parts);
    g_autoptr(GBytes) back = assemble (texts);

    assert_opens (back, secret);
  }
}

static void
test_assemble_status (void)
{
  g_autoptr(GBytes) envelope = random_bytes (2000);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 10, &error);
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GBytes) back = NULL;
  SrQrPartStatus status;
  guint n = g_strv_length (parts);
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 2);

  for (i = 0; i < n; i++)
    {
      g_assert_true (sr_qr_assembler_add (assembler, parts[i], -1, &status, &error));
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, i + 1 < n ? SR_QR_PART_ADDED : SR_QR_PART_COMPLETED);
      if (i + 1 < n)
        {
          g_assert_true (sr_qr_assembler_add (assembler, parts[i], -1, &status, &error));
          g_assert_cmpint (status, ==, SR_QR_PART_DUPLICATE);
          g_assert_null (sr_qr_assembler_pop_envelope (assembler));
        }
    }

  back = sr_qr_assembler_pop_envelope (assembler);
  g_assert_true (g_bytes_equal (back, envelope));
  g_assert_null (sr_qr_assembler_pop_envelope (assembler));

  /* A part of a message already completed is a duplicate, and does not
   * start the message over. */
  g_assert_true (sr_qr_assembler_add (assembler, parts[0], -1, &status, &error));
  g_assert_cmpint (status, ==, SR_QR_PART_DUPLICATE);
  {
    g_autoptr(GPtrArray) pending = sr_qr_assembler_get_pending_texts (assembler);
    g_autoptr(GArray) incomplete = sr_qr_assembler_get_incomplete (assembler);

    g_assert_cmpuint (pending->len, ==, 0);
    g_assert_cmpuint (incomplete->len, ==, 0);
  }

  /* Unless the caller forgets it. */
  {
    g_autoptr(SrQrPart) part = sr_qr_part_parse (parts[0], -1, &error);

    g_assert_no_error (error);
    sr_qr_assembler_forget (assembler, part->message_id);
    g_assert_true (sr_qr_assembler_add (assembler, parts[0], -1, &status, &error));
    g_assert_cmpint (status, ==, SR_QR_PART_ADDED);
  }
}

static void
test_assemble_mixed (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) first = seal_random (secret, 2500);
  g_autoptr(GBytes) second = seal_random (secret, 1800);
  g_autoptr(GBytes) third = seal_random (secret, 400);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts1 = sr_qr_split (first, 0, &error);
  g_auto(GStrv) parts2 = sr_qr_split (second, 15, &error);
  g_auto(GStrv) parts3 = sr_qr_split (third, 0, &error);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *envelope;
  guint rejected = 0;
  guint i;

  g_assert_no_error (error);
  for (i = 0; parts1[i] != NULL; i++)
    g_ptr_array_add (texts, g_strdup (parts1[i]));
  for (i = 0; parts2[i] != NULL; i++)
    g_ptr_array_add (texts, g_strdup (parts2[i]));
  for (i = 0; parts3[i] != NULL; i++)
    g_ptr_array_add (texts, g_strdup (parts3[i]));
  g_ptr_array_add (texts, g_strdup ("https://example.org"));
  g_ptr_array_add (texts, g_strdup ("SR1"));
  g_ptr_array_add (texts, g_strdup ("SR1HELLO WORLD"));
  g_ptr_array_add (texts, g_strdup (""));
  g_ptr_array_add (texts, g_strdup (parts1[0]));
  shuffle (texts);

  for (i = 0; i < texts->len; i++)
    {
      g_autoptr(GError) part_error = NULL;

      if (!sr_qr_assembler_add (assembler, texts->pdata[i], -1, NULL, &part_error))
        {
          g_assert_true (part_error->domain == SR_ERROR);
          g_assert_true (part_error->code == SR_ERROR_FORMAT ||
                         part_error->code == SR_ERROR_TAMPERED);
          rejected++;
        }
      else
        g_assert_no_error (part_error);
    }
  g_assert_cmpuint (rejected, ==, 4);

  while ((envelope = sr_qr_assembler_pop_envelope (assembler)) != NULL)
    g_ptr_array_add (out, envelope);
  g_assert_cmpuint (out->len, ==, 3);
  for (i = 0; i < out->len; i++)
    {
      GBytes *e = out->pdata[i];

      g_assert_true (g_bytes_equal (e, first) || g_bytes_equal (e, second) ||
                     g_bytes_equal (e, third));
      assert_opens (e, secret);
    }
  g_assert_false (g_bytes_equal (out->pdata[0], out->pdata[1]));
  g_assert_false (g_bytes_equal (out->pdata[1], out->pdata[2]));
  g_assert_false (g_bytes_equal (out->pdata[0], out->pdata[2]));
}

/* Incomplete messages survive as part texts: stored, fed back in later. */
static void
test_assemble_pending (void)
{
  g_autoptr(GBytes) envelope = random_bytes (3300);
  g_autoptr(GBytes) other = random_bytes (2000);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  g_auto(GStrv) other_parts = sr_qr_split (other, 0, &error);
  g_autoptr(SrQrAssembler) first = sr_qr_assembler_new ();
  g_autoptr(SrQrAssembler) second = sr_qr_assembler_new ();
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GArray) missing = NULL;
  g_autoptr(GArray) incomplete = NULL;
  g_autoptr(SrQrPart) part0 = NULL;
  g_autoptr(SrQrPart) other0 = NULL;
  g_autoptr(GBytes) back = NULL;
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_cmpuint (g_strv_length (other_parts), ==, 3);
  part0 = sr_qr_part_parse (parts[0], -1, &error);
  other0 = sr_qr_part_parse (other_parts[0], -1, &error);
  g_assert_no_error (error);

  g_assert_true (sr_qr_assembler_add (first, parts[2], -1, NULL, &error));
  g_assert_true (sr_qr_assembler_add (first, parts[0], -1, NULL, &error));
  g_assert_true (sr_qr_assembler_add (first, other_parts[1], -1, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (sr_qr_assembler_pop_envelope (first));

  missing = sr_qr_assembler_get_missing (first, part0->message_id);
  g_assert_nonnull (missing);
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpuint (g_array_index (missing, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (missing, guint, 1), ==, 3);
  g_clear_pointer (&missing, g_array_unref);

  missing = sr_qr_assembler_get_missing (first, other0->message_id);
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpuint (g_array_index (missing, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (missing, guint, 1), ==, 2);
  g_clear_pointer (&missing, g_array_unref);

  {
    guint8 unknown[SR_QR_MESSAGE_ID_BYTES] = { 0 };

    g_assert_null (sr_qr_assembler_get_missing (first, unknown));
  }

  incomplete = sr_qr_assembler_get_incomplete (first);
  g_assert_cmpuint (incomplete->len, ==, 2);
  for (i = 0; i < incomplete->len; i++)
    {
      SrQrProgress *progress = &g_array_index (incomplete, SrQrProgress, i);

      if (memcmp (progress->message_id, part0->message_id, SR_QR_MESSAGE_ID_BYTES) == 0)
        {
          g_assert_cmpuint (progress->count, ==, 4);
          g_assert_cmpuint (progress->received, ==, 2);
        }
      else
        {
          g_assert_cmpmem (progress->message_id, SR_QR_MESSAGE_ID_BYTES,
                           other0->message_id, SR_QR_MESSAGE_ID_BYTES);
          g_assert_cmpuint (progress->count, ==, 3);
          g_assert_cmpuint (progress->received, ==, 1);
        }
    }

  /* What would be stored: exactly the texts that went in. */
  pending = sr_qr_assembler_get_pending_texts (first);
  g_assert_cmpuint (pending->len, ==, 3);
  for (i = 0; i < pending->len; i++)
    g_assert_true (g_str_equal (pending->pdata[i], parts[0]) ||
                   g_str_equal (pending->pdata[i], parts[2]) ||
                   g_str_equal (pending->pdata[i], other_parts[1]));

  /* The next import: the stored texts, then the new scans. */
  for (i = 0; i < pending->len; i++)
    g_assert_true (sr_qr_assembler_add (second, pending->pdata[i], -1, NULL, &error));
  g_assert_true (sr_qr_assembler_add (second, parts[3], -1, NULL, &error));
  g_assert_true (sr_qr_assembler_add (second, parts[1], -1, NULL, &error));
  g_assert_no_error (error);
  back = sr_qr_assembler_pop_envelope (second);
  g_assert_true (g_bytes_equal (back, envelope));

  g_clear_pointer (&pending, g_ptr_array_unref);
  pending = sr_qr_assembler_get_pending_texts (second);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (pending->pdata[0], ==, other_parts[1]);
  g_assert_null (sr_qr_assembler_get_missing (second, part0->message_id));

  {
    g_autofree char *hex = sr_qr_message_id_to_hex (part0->message_id);
    guint8 id[SR_ENVELOPE_ID_BYTES];
    g_autofree char *expected = NULL;

    sr_envelope_id (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), id);
    expected = g_strdup_printf ("%02x%02x%02x%02x%02x%02x%02x%02x", id[0], id[1], id[2], id[3],
                                id[4], id[5], id[6], id[7]);
    g_assert_cmpstr (hex, ==, expected);
  }
}

/* Parts that are well formed and carry a valid checksum, but lie. */
static void
test_assemble_forged (void)
{
  g_autoptr(GBytes) envelope = random_bytes (2500);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  g_autoptr(SrQrPart) part0 = NULL;
  g_autoptr(SrQrPart) part1 = NULL;
  guint n;

  g_assert_no_error (error);
  n = g_strv_length (parts);
  g_assert_cmpuint (n, ==, 3);
  part0 = sr_qr_part_parse (parts[0], -1, &error);
  part1 = sr_qr_part_parse (parts[1], -1, &error);
  g_assert_no_error (error);

  /* The forger's own checksum function must agree with the writer's. */
  {
    gsize size;
    const guint8 *chunk = g_bytes_get_data (part0->chunk, &size);
    g_autofree char *again = forge_part (part0->message_id, 0, n, chunk, size);

    g_assert_cmpstr (again, ==, parts[0]);
  }

  /* index ≥ count, and count 0. */
  {
    g_autofree char *beyond = forge_part (part0->message_id, 3, 3, (const guint8 *) "x", 1);
    g_autofree char *zero = forge_part (part0->message_id, 0, 0, (const guint8 *) "x", 1);
    g_autofree char *no_chunk = forge_part (part0->message_id, 0, 3, NULL, 0);

    g_assert_null (sr_qr_part_parse (beyond, -1, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_clear_error (&error);
    g_assert_null (sr_qr_part_parse (zero, -1, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_clear_error (&error);
    g_assert_null (sr_qr_part_parse (no_chunk, -1, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_TAMPERED);
    g_clear_error (&error);
  }

  /* A count that disagrees with earlier parts, and other bytes at an
   * index already held: both rejected, and the genuine parts still
   * complete the message. */
  {
    g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
    g_autofree char *other_count = NULL;
    g_autofree char *other_bytes = NULL;
    g_autoptr(GBytes) back = NULL;
    g_autoptr(GByteArray) changed = g_byte_array_new ();
    gsize size;
    const guint8 *chunk = g_bytes_get_data (part1->chunk, &size);

    g_byte_array_append (changed, chunk, size);
    changed->data[0] ^= 1;
    other_count = forge_part (part1->message_id, 1, 4, chunk, size);
    other_bytes = forge_part (part1->message_id, 1, 3, changed->data, changed->len);

    g_assert_true (sr_qr_assembler_add (assembler, parts[0], -1, NULL, &error));
    g_assert_true (sr_qr_assembler_add (assembler, parts[1], -1, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (sr_qr_assembler_add (assembler, other_count, -1, NULL, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_TAMPERED);
    g_clear_error (&error);
    g_assert_false (sr_qr_assembler_add (assembler, other_bytes, -1, NULL, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_TAMPERED);
    g_clear_error (&error);
    g_assert_true (sr_qr_assembler_add (assembler, parts[2], -1, NULL, &error));
    g_assert_no_error (error);
    back = sr_qr_assembler_pop_envelope (assembler);
    g_assert_true (g_bytes_equal (back, envelope));
  }

  /* A complete set whose bytes do not hash to its message id: rejected
   * when the last part comes in, and dropped, so that the genuine parts
   * can still complete the message afterwards. */
  {
    g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
    g_autoptr(GByteArray) changed = g_byte_array_new ();
    g_autofree char *fake = NULL;
    g_autoptr(GPtrArray) pending = NULL;
    g_autoptr(GBytes) back = NULL;
    gsize size;
    const guint8 *chunk = g_bytes_get_data (part1->chunk, &size);
    SrQrPartStatus status;

    g_byte_array_append (changed, chunk, size);
    changed->data[size - 1] ^= 0x80;
    fake = forge_part (part1->message_id, 1, 3, changed->data, changed->len);

    g_assert_true (sr_qr_assembler_add (assembler, parts[0], -1, NULL, &error));
    g_assert_true (sr_qr_assembler_add (assembler, fake, -1, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (sr_qr_assembler_add (assembler, parts[2], -1, NULL, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_TAMPERED);
    g_clear_error (&error);
    g_assert_null (sr_qr_assembler_pop_envelope (assembler));
    pending = sr_qr_assembler_get_pending_texts (assembler);
    g_assert_cmpuint (pending->len, ==, 0);

    g_assert_true (sr_qr_assembler_add (assembler, parts[2], -1, &status, &error));
    g_assert_true (sr_qr_assembler_add (assembler, parts[1], -1, &status, &error));
    g_assert_true (sr_qr_assembler_add (assembler, parts[0], -1, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, SR_QR_PART_COMPLETED);
    back = sr_qr_assembler_pop_envelope (assembler);
    g_assert_true (g_bytes_equal (back, envelope));
  }
}

/* Damage to a part text. */

/* Rejected, and the assembler is left as it was. */
static void
assert_rejected (SrQrAssembler *assembler,
                 const char    *text,
                 gsize          len)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sr_qr_assembler_add (assembler, text, (gssize) len, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SR_ERROR);
  g_assert_true (error->code == SR_ERROR_FORMAT || error->code == SR_ERROR_TAMPERED);
  g_assert_nonnull (error->message);
}

static void
test_corrupt_every_character (void)
{
  static const char extra[] = "a#\x7f\xff\n\t";
  g_autoptr(GBytes) envelope = random_bytes (700);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GPtrArray) pending = NULL;
  const char *text;
  g_autofree char *copy = NULL;
  gsize len;
  gsize pos;
  guint tried = 0;
  guint tampered = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parts), ==, 1);
  text = parts[0];
  len = strlen (text);
  copy = g_strdup (text);

  for (pos = 0; pos < len; pos++)
    {
      const char *c;

      /* Every other alphabet character, and a few that are not in it. */
      for (c = SR_BASE45_ALPHABET; *c != '\0'; c++)
        {
          g_autoptr(GError) part_error = NULL;
          g_autoptr(SrQrPart) part = NULL;

          if (*c == text[pos])
            continue;
          copy[pos] = *c;
          part = sr_qr_part_parse (copy, (gssize) len, &part_error);
          g_assert_null (part);
          g_assert_nonnull (part_error);
          if (pos < SR_QR_PREFIX_LEN)
            g_assert_error (part_error, SR_ERROR, SR_ERROR_FORMAT);
          else
            {
              g_assert_error (part_error, SR_ERROR, SR_ERROR_TAMPERED);
              tampered++;
            }
          tried++;
        }
      for (c = extra; *c != '\0'; c++)
        {
          copy[pos] = *c;
          /* A whitespace character at either end is trimmed: then the
           * text is short by one, which must fail as well. */
          assert_rejected (assembler, copy, len);
          tried++;
        }
      copy[pos] = '\0';
      assert_rejected (assembler, copy, len);
      copy[pos] = text[pos];
    }

  pending = sr_qr_assembler_get_pending_texts (assembler);
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_null (sr_qr_assembler_pop_envelope (assembler));
  g_test_message ("%u single-character changes of a %" G_GSIZE_FORMAT
                  "-character part rejected", tried, len);
  g_assert_cmpuint (tampered, >, 0);

  /* Unchanged, it still goes in. */
  g_assert_true (sr_qr_assembler_add (assembler, copy, -1, NULL, &error));
  g_assert_no_error (error);
}

static void
test_corrupt_truncate_extend (void)
{
  g_autoptr(GBytes) envelope = random_bytes (1200);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 10, &error);
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GPtrArray) pending = NULL;
  guint p;

  g_assert_no_error (error);
  for (p = 0; parts[p] != NULL; p++)
    {
      const char *text = parts[p];
      gsize len = strlen (text);
      gsize cut;
      const char *c;

      for (cut = 0; cut < len; cut++)
        assert_rejected (assembler, text, cut);

      for (c = SR_BASE45_ALPHABET; *c != '\0'; c++)
        {
          g_autofree char *longer = g_strdup_printf ("%s%c", text, *c);
          g_autofree char *longer2 = g_strdup_printf ("%s%c%c", text, *c, *c);

          if (*c == ' ')
            continue;
          assert_rejected (assembler, longer, strlen (longer));
          assert_rejected (assembler, longer2, strlen (longer2));
        }
    }

  pending = sr_qr_assembler_get_pending_texts (assembler);
  g_assert_cmpuint (pending->len, ==, 0);
}

/* Whitespace around a part, as scanner apps and editors leave it, is not
 * part of it; a valid part never ends in a space. */
static void
test_whitespace (void)
{
  guint round;

  for (round = 0; round < 200; round++)
    {
      g_autoptr(GBytes) envelope = random_bytes (20 + randombytes_uniform (200));
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) parts = sr_qr_split (envelope, 5, &error);
      guint i;

      g_assert_no_error (error);
      for (i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *padded = g_strdup_printf (" \t%s  \r\n", parts[i]);
          g_autoptr(SrQrPart) part = NULL;

          g_assert_false (g_str_has_suffix (parts[i], " "));
          part = sr_qr_part_parse (padded, -1, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (part->text, ==, parts[i]);
        }
    }
}

/* Images. */

static void
write_gray_png (const char   *path,
                const guint8 *pixels,
                guint         width,
                guint         height)
{
  png_image image;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_GRAY;
  g_assert_true (png_image_write_to_file (&image, path, 0, pixels, (png_int_32) width, NULL));
}

/* A QR code of any content, as another app would make it. */
static void
write_foreign_png (const char *path,
                   const char *content)
{
  g_autoptr(QRcode) code = QRcode_encodeString (content, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  guint module = 6;
  guint size;
  g_autofree guint8 *pixels = NULL;
  guint y;

  g_assert_nonnull (code);
  size = ((guint) code->width + 8) * module;
  pixels = g_malloc (size * size);
  memset (pixels, 0xff, size * size);
  for (y = 0; y < size; y++)
    {
      guint x;

      for (x = 0; x < size; x++)
        {
          int mx = (int) (x / module) - 4;
          int my = (int) (y / module) - 4;

          if (mx >= 0 && my >= 0 && mx < code->width && my < code->width &&
              (code->data[my * code->width + mx] & 1))
            pixels[y * size + x] = 0;
        }
    }
  write_gray_png (path, pixels, size, size);
}


static void
test_render (void)
{
  g_autoptr(GBytes) envelope = random_bytes (800);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  g_autoptr(SrQrSymbol) symbol = NULL;
  g_autoptr(GBytes) gray = NULL;
  g_autoptr(GBytes) rgba = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree guint8 *padded = NULL;
  const guint8 *g;
  const guint8 *c;
  guint size = 0;
  guint size2 = 0;
  gsize stride;
  guint i;

  g_assert_no_error (error);
  symbol = sr_qr_symbol_encode (parts[0], &error);
  g_assert_no_error (error);

  gray = sr_qr_render (parts[0], 3, SR_QR_PIXELS_GRAY8, &size, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, (symbol->width + 2 * SR_QR_QUIET_ZONE) * 3);
  g_assert_cmpuint (g_bytes_get_size (gray), ==, size * size);

  rgba = sr_qr_render (parts[0], 3, SR_QR_PIXELS_RGBA8, &size2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (size2, ==, size);
  g_assert_cmpuint (g_bytes_get_size (rgba), ==, 4 * size * size);

  /* Pixels follow modules, the quiet zone is white, both formats agree. */
  g = g_bytes_get_data (gray, NULL);
  c = g_bytes_get_data (rgba, NULL);
  for (i = 0; i < size * size; i++)
    {
      guint x = i % size / 3;
      guint y = i / size / 3;
      gboolean dark = FALSE;

      if (x >= SR_QR_QUIET_ZONE && y >= SR_QR_QUIET_ZONE &&
          x < SR_QR_QUIET_ZONE + symbol->width && y < SR_QR_QUIET_ZONE + symbol->width)
        dark = symbol->modules[(y - SR_QR_QUIET_ZONE) * symbol->width + x - SR_QR_QUIET_ZONE];
      g_assert_cmpuint (g[i], ==, dark ? 0 : 255);
      g_assert_cmpuint (c[4 * i], ==, g[i]);
      g_assert_cmpuint (c[4 * i + 1], ==, g[i]);
      g_assert_cmpuint (c[4 * i + 2], ==, g[i]);
      g_assert_cmpuint (c[4 * i + 3], ==, 255);
    }

  /* The gray buffer scans back, also with padded rows. */
  stride = size + 13;
  padded = g_malloc0 (stride * size);
  for (i = 0; i < size; i++)
    memcpy (padded + i * stride, g + (gsize) i * size, size);
  found = sr_qr_scan_gray (padded, size, size, stride, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (found->pdata[0], ==, parts[0]);
}

static void
test_write_pngs (void)
{
  g_autoptr(GBytes) envelope = random_bytes (2900);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *sub = g_build_filename (dir, "new", "folder", NULL);
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) back = NULL;
  guint n_parts = 0;
  guint i;

  g_assert_no_error (error);
  g_assert_true (sr_qr_write_pngs (envelope, sub, 0, &n_parts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_parts, ==, g_strv_length (parts));
  g_assert_cmpuint (n_parts, ==, 4);

  for (i = 0; i < n_parts; i++)
    {
      g_autofree char *name = g_strdup_printf ("part-%02u.png", i + 1);
      g_autofree char *path = g_build_filename (sub, name, NULL);
      g_autoptr(GPtrArray) found = NULL;
      GStatBuf st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
      found = read_texts (path);
      g_assert_cmpuint (found->len, ==, 1);
      /* Each file holds its part, in order. */
      g_assert_cmpstr (found->pdata[0], ==, parts[i]);
      g_ptr_array_add (texts, g_strdup (found->pdata[0]));
    }
  {
    g_autofree char *next = g_build_filename (sub, "part-05.png", NULL);

    g_assert_false (g_file_test (next, G_FILE_TEST_EXISTS));
  }

  back = assemble (texts);
  g_assert_true (g_bytes_equal (back, envelope));

  /* Three digits once there are a hundred parts. */
  {
    g_autoptr(GBytes) big = random_bytes (sr_qr_chunk_max (5) * 100);
    g_autofree char *dir2 = g_build_filename (dir, "many", NULL);
    g_autofree char *first = g_build_filename (dir2, "part-001.png", NULL);
    g_autofree char *last = g_build_filename (dir2, "part-100.png", NULL);

    g_assert_true (sr_qr_write_pngs (big, dir2, 5, &n_parts, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_parts, ==, 100);
    g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (last, G_FILE_TEST_EXISTS));
  }

  sr_test_rmdir (dir);
}

static void
test_read_text_file (void)
{
  g_autoptr(GBytes) envelope = random_bytes (2500);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "parts.txt", NULL);
  g_autofree char *content = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GBytes) back = NULL;
  guint rejected = 0;
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  content = g_strdup_printf ("\xef\xbb\xbf%s\r\n\r\n   %s  \r\nhttps://example.org\n\t\n%s", parts[2],
                             parts[0], parts[1]);
  g_assert_true (g_file_set_contents (path, content, -1, NULL));

  texts = read_texts (path);
  g_assert_cmpuint (texts->len, ==, 4);
  g_assert_cmpstr (texts->pdata[0], ==, parts[2]);
  g_assert_cmpstr (texts->pdata[1], ==, parts[0]);
  g_assert_cmpstr (texts->pdata[2], ==, "https://example.org");
  g_assert_cmpstr (texts->pdata[3], ==, parts[1]);

  for (i = 0; i < texts->len; i++)
    {
      g_autoptr(GError) part_error = NULL;

      if (!sr_qr_assembler_add (assembler, texts->pdata[i], -1, NULL, &part_error))
        {
          g_assert_error (part_error, SR_ERROR, SR_ERROR_FORMAT);
          rejected++;
        }
    }
  g_assert_cmpuint (rejected, ==, 1);
  back = sr_qr_assembler_pop_envelope (assembler);
  g_assert_true (g_bytes_equal (back, envelope));

  /* Neither image nor text; empty; missing. */
  {
    static const guint8 binary[] = { 0x00, 0x01, 0x02, 0xfe };
    g_autoptr(GPtrArray) none = NULL;

    none = sr_qr_read_data (binary, sizeof binary, &error);
    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_clear_error (&error);

    none = sr_qr_read_data ((const guint8 *) "\n \n", 3, &error);
    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_NOT_FOUND);
    g_clear_error (&error);

    g_assert_true (g_file_set_contents (path, "", 0, NULL));
    none = sr_qr_read_file (path, &error);
    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_NOT_FOUND);
    g_clear_error (&error);

    g_unlink (path);
    none = sr_qr_read_file (path, &error);
    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  sr_test_rmdir (dir);
}

/* Broken image files are refused with an error, never a crash. */
static void
test_broken_images (void)
{
  g_autoptr(GBytes) envelope = random_bytes (300);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *png_path = g_build_filename (dir, "part.png", NULL);
  g_autofree char *jpg_path = g_build_filename (dir, "part.jpg", NULL);
  g_autofree char *convert = g_find_program_in_path ("convert");
  g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
  const char *paths[2] = { png_path, jpg_path };
  guint k;

  g_assert_no_error (error);
  g_assert_true (sr_qr_write_png (parts[0], png_path, 4, &error));
  g_assert_no_error (error);
  if (convert != NULL)
    {
      const char *argv[] = { convert, png_path, "-quality", "80", jpg_path, NULL };
      int status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                   NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }

  for (k = 0; k < G_N_ELEMENTS (paths); k++)
    {
      g_autoptr(GBytes) file = NULL;
      const guint8 *data;
      gsize len;
      gsize cut;

      if (!g_file_test (paths[k], G_FILE_TEST_EXISTS))
        continue;
      file = sr_test_read (paths[k]);
      data = g_bytes_get_data (file, &len);

      {
        g_autoptr(GPtrArray) whole = sr_qr_read_data (data, len, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (whole->pdata[0], ==, parts[0]);
      }

      /* Truncated anywhere: refused or simply no code found. */
      for (cut = 0; cut < len; cut += 1 + len / 97)
        {
          g_autoptr(GPtrArray) texts = sr_qr_read_data (data, cut, &error);

          if (texts == NULL)
            {
              g_assert_nonnull (error);
              g_assert_true (error->domain == SR_ERROR);
              g_clear_error (&error);
            }
        }

      /* Bytes flipped in the header and the body. */
      for (cut = 0; cut < MIN (len, 400); cut += 7)
        {
          g_autofree guint8 *copy = g_memdup2 (data, len);
          g_autoptr(GPtrArray) texts = NULL;

          copy[cut] ^= 0x5a;
          texts = sr_qr_read_data (copy, len, &error);
          if (texts == NULL)
            {
              g_assert_true (error->domain == SR_ERROR);
              g_clear_error (&error);
            }
        }
    }

  sr_test_rmdir (dir);
}

/* Photos of the codes: render, degrade with ImageMagick as a camera or a
 * printer would, scan, reassemble, open. */

/* Corners pulled in unevenly: the sheet seen at an angle. ImageMagick
 * expands the escapes for each image's own size. */
static const char PERSPECTIVE[] =
  "0,0 %[fx:w*0.06],%[fx:h*0.03]  %w,0 %[fx:w*0.97],%[fx:h*0.08]  "
  "0,%h %[fx:w*0.02],%[fx:h*0.95]  %w,%h %[fx:w*0.9],%[fx:h*0.98]";

typedef struct
{
  const char *name;
  const char *ext;
  const char *args[24];
} Degradation;

static const Degradation degradations[] = {
  { "rotate", "png", { "-background", "white", "-rotate", "7", NULL } },
  { "resize", "png", { "-resize", "50%", NULL } },
  { "blur", "png", { "-blur", "0x1", NULL } },
  { "jpeg", "jpg", { "-quality", "50", NULL } },
  { "noise", "png", { "-attenuate", "0.4", "+noise", "Gaussian", "-colorspace", "Gray", NULL } },
  { "perspective", "png", { "-background", "white", "-virtual-pixel", "background",
                            "-distort", "Perspective", PERSPECTIVE, NULL } },
  { "everything", "jpg", { "-background", "white", "-virtual-pixel", "background",
                           "-distort", "Perspective", PERSPECTIVE, "-rotate", "7",
                           "-resize", "50%", "-attenuate", "0.5", "+noise", "Gaussian",
                           "-colorspace", "Gray", "-blur", "0x1", "-quality", "40", NULL } },
};

/* Runs convert on every input at once (one process per kind of damage
 * keeps the test fast); the outputs are out_pattern with the input's
 * position for %02d. */
static gboolean
run_convert (const char        *convert,
             GPtrArray         *inputs,
             const Degradation *degradation,
             const char        *out_pattern)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "MAGICK_THREAD_LIMIT", "1", TRUE);
  int status = 0;
  guint i;

  g_ptr_array_add (argv, (gpointer) convert);
  for (i = 0; i < inputs->len; i++)
    g_ptr_array_add (argv, inputs->pdata[i]);
  for (i = 0; degradation->args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) degradation->args[i]);
  g_ptr_array_add (argv, (gpointer) out_pattern);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, &err, &status, &error))
    {
      g_test_message ("convert did not run: %s", error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("convert failed: %s", err);
      return FALSE;
    }
  return TRUE;
}

/* Renders every envelope's parts as PNGs, damages them in every way of
 * degradations[], scans each damaged image with zbar, and reassembles each
 * kind of damage's heap of codes: every envelope must come out whole and
 * open. With answers (one per envelope), what it opens to must also equal
 * the answers that were sealed. Returns FALSE when convert cannot run. */
static gboolean
check_degraded (const char        *convert,
                GPtrArray         *envelopes,
                GPtrArray         *answers,
                const SrOrgSecret *secret)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = sr_test_mkdtemp ();
  guint scans = 0;

  for (guint e = 0; e < envelopes->len; e++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *sub = g_strdup_printf ("%s/%u", dir, e);
      guint n_parts = 0;

      g_assert_true (sr_qr_write_pngs (envelopes->pdata[e], sub, 0, &n_parts, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < n_parts; i++)
        g_ptr_array_add (inputs, g_strdup_printf ("%s/part-%02u.png", sub, i + 1));
      g_test_message ("envelope %u: %" G_GSIZE_FORMAT " bytes, %u QR code%s", e,
                      g_bytes_get_size (envelopes->pdata[e]), n_parts, n_parts > 1 ? "s" : "");
    }

  for (guint d = 0; d < G_N_ELEMENTS (degradations); d++)
    {
      g_autofree char *pattern = g_strdup_printf ("%s/%s-%%02d.%s", dir, degradations[d].name,
                                                  degradations[d].ext);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
      g_autofree gboolean *seen = g_new0 (gboolean, envelopes->len);
      guint completed = 0;

      if (!run_convert (convert, inputs, &degradations[d], pattern))
        {
          sr_test_rmdir (dir);
          return FALSE;
        }

      for (guint i = 0; i < inputs->len; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *out = g_strdup_printf ("%s/%s-%02u.%s", dir, degradations[d].name, i,
                                                  degradations[d].ext);
          g_autoptr(GPtrArray) found = sr_qr_read_file (out, &error);

          if (error != NULL)
            g_test_message ("%s, %s: %s", (const char *) inputs->pdata[i], degradations[d].name,
                            error->message);
          g_assert_no_error (error);
          g_assert_cmpuint (found->len, ==, 1);
          g_ptr_array_add (texts, g_strdup (found->pdata[0]));
          scans++;
        }

      /* All the photos of this kind of damage in a heap, as an inbox
       * would get them: every envelope comes out whole and opens. */
      shuffle (texts);
      for (guint i = 0; i < texts->len; i++)
        {
          g_autoptr(GError) error = NULL;

          sr_qr_assembler_add (assembler, texts->pdata[i], -1, NULL, &error);
          g_assert_no_error (error);
        }
      for (;;)
        {
          g_autoptr(GBytes) back = sr_qr_assembler_pop_envelope (assembler);
          g_autoptr(SrSecret) plaintext = NULL;
          g_autoptr(GError) error = NULL;
          guint e;

          if (back == NULL)
            break;
          for (e = 0; e < envelopes->len; e++)
            if (g_bytes_equal (back, envelopes->pdata[e]))
              break;
          g_assert_cmpuint (e, <, envelopes->len);
          g_assert_false (seen[e]);
          seen[e] = TRUE;

          plaintext = sr_envelope_open (g_bytes_get_data (back, NULL), g_bytes_get_size (back),
                                        secret, &error);
          g_assert_no_error (error);
          if (answers != NULL)
            {
              g_autoptr(SrAnswers) opened = sr_report_decode (plaintext->data, plaintext->len,
                                                              NULL, &error);

              g_assert_no_error (error);
              g_assert_true (sr_answers_equal (opened, answers->pdata[e]));
            }
          completed++;
        }
      g_assert_cmpuint (completed, ==, envelopes->len);
    }

  g_test_message ("%u degraded images (%u kinds of damage) scanned and reassembled", scans,
                  (guint) G_N_ELEMENTS (degradations));
  sr_test_rmdir (dir);
  return TRUE;
}

static void
test_degraded_photos (void)
{
  static const gsize plaintext_sizes[] = { 300, 3000 };
  g_autofree char *convert = g_find_program_in_path ("convert");
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) envelopes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  if (convert == NULL)
    {
      g_test_skip ("ImageMagick's convert is not installed");
      return;
    }

  for (guint s = 0; s < G_N_ELEMENTS (plaintext_sizes); s++)
    g_ptr_array_add (envelopes, seal_random (secret, plaintext_sizes[s]));

  if (!check_degraded (convert, envelopes, NULL, secret))
    g_test_skip ("ImageMagick's convert does not work here");
}

/* Every report of the corpus (tests/data/answers, tests/data/answers-long
 * and the demo reports), sealed as a kiosk seals it, survives every kind
 * of damage a photo of its codes may suffer, and opens to the answers
 * that were submitted. */
static void
test_degraded_corpus (void)
{
  const char *dirs[] = { "answers", "answers-long", NULL };
  g_autofree char *convert = g_find_program_in_path ("convert");
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GPtrArray) envelopes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_answers_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint8 recipient[1][SR_BOX_KEY_BYTES];
  guint multi_part = 0;

  if (convert == NULL)
    {
      g_test_skip ("ImageMagick's convert is not installed");
      return;
    }

  for (guint k = 0; dirs[k] != NULL; k++)
    {
      g_autofree char *dir_path = sr_test_data_path (dirs[k]);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".json"))
          g_ptr_array_add (paths, g_build_filename (dir_path, name, NULL));
    }
  {
    g_autofree char *demo_path = sr_data_path ("demo/answers");
    g_autoptr(GDir) dir = g_dir_open (demo_path, 0, NULL);
    const char *name;

    g_assert_nonnull (dir);
    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_suffix (name, ".json"))
        g_ptr_array_add (paths, g_build_filename (demo_path, name, NULL));
  }
  g_assert_cmpuint (paths->len, >=, 15);

  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(GBytes) json = sr_test_read (paths->pdata[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrSecret) report = NULL;
      SrAnswers *parsed;
      GBytes *envelope;

      parsed = sr_answers_new_from_json (g_bytes_get_data (json, NULL), g_bytes_get_size (json),
                                         &error);
      g_assert_no_error (error);
      report = sr_report_encode (parsed, sr_report_today (), &error);
      g_assert_no_error (error);
      envelope = sr_envelope_seal (report->data, report->len,
                                   (const guint8 (*)[SR_BOX_KEY_BYTES]) recipient, 1, &error);
      g_assert_no_error (error);
      if (sr_qr_count_parts (g_bytes_get_size (envelope), 0) > 1)
        multi_part++;
      g_ptr_array_add (answers, parsed);
      g_ptr_array_add (envelopes, envelope);
    }
  /* The long narratives make some reports take more than one code, so the
   * reassembly of parts is exercised too. */
  g_assert_cmpuint (multi_part, >=, 1);

  if (!check_degraded (convert, envelopes, answers, secret))
    g_test_skip ("ImageMagick's convert does not work here");
}

/* Several codes in one photo, among them a foreign one. */
static void
test_photo_with_several_codes (void)
{
  g_autofree char *convert = g_find_program_in_path ("convert");
  g_autoptr(GBytes) envelope = random_bytes (1600);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *foreign = NULL;
  g_autofree char *both = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GBytes) back = NULL;
  guint rejected = 0;
  guint i;
  int status = 0;

  if (convert == NULL)
    {
      g_test_skip ("ImageMagick's convert is not installed");
      return;
    }
  dir = sr_test_mkdtemp ();
  foreign = g_build_filename (dir, "foreign.png", NULL);
  both = g_build_filename (dir, "both.jpg", NULL);
  one = g_build_filename (dir, "part-01.png", NULL);
  two = g_build_filename (dir, "part-02.png", NULL);

  g_assert_true (sr_qr_write_pngs (envelope, dir, 0, NULL, &error));
  g_assert_no_error (error);
  write_foreign_png (foreign, "https://example.org");

  /* The foreign code on its own: read, then refused as not ours. */
  found = read_texts (foreign);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (found->pdata[0], ==, "https://example.org");
  g_assert_false (sr_qr_assembler_add (assembler, found->pdata[0], -1, NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_clear_error (&error);
  g_clear_pointer (&found, g_ptr_array_unref);

  {
    const char *argv[] = { convert, one, foreign, two, "-background", "white", "-gravity",
                           "center", "+append", "-rotate", "3", "-quality", "70", both, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  found = read_texts (both);
  g_assert_cmpuint (found->len, ==, 3);
  for (i = 0; i < found->len; i++)
    {
      g_autoptr(GError) part_error = NULL;

      if (!sr_qr_assembler_add (assembler, found->pdata[i], -1, NULL, &part_error))
        {
          g_assert_error (part_error, SR_ERROR, SR_ERROR_FORMAT);
          rejected++;
        }
    }
  g_assert_cmpuint (rejected, ==, 1);
  back = sr_qr_assembler_pop_envelope (assembler);
  g_assert_true (g_bytes_equal (back, envelope));

  /* An image with no code at all. */
  {
    g_autofree char *blank = g_build_filename (dir, "blank.png", NULL);
    g_autofree guint8 *white = g_malloc (300 * 200);
    g_autoptr(GPtrArray) none = NULL;

    memset (white, 0xff, 300 * 200);
    write_gray_png (blank, white, 300, 200);
    none = sr_qr_read_file (blank, &error);
    g_assert_null (none);
    g_assert_error (error, SR_ERROR, SR_ERROR_NOT_FOUND);
  }

  sr_test_rmdir (dir);
}

static char *
run_gs (const char  *gs,
        const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;
  guint i;

  g_ptr_array_add (argv, (gpointer) gs);
  g_ptr_array_add (argv, "-q");
  g_ptr_array_add (argv, "-dNOPAUSE");
  g_ptr_array_add (argv, "-dBATCH");
  g_ptr_array_add (argv, "-dSAFER");
  for (i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
test_pdf_sheet (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(GBytes) envelope = seal_random (secret, 2200);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "sheet.pdf", NULL);
  g_autofree char *gs = g_find_program_in_path ("gs");
  g_autofree char *receipt = NULL;
  g_autoptr(GBytes) pdf = NULL;
  guint8 id[SR_ENVELOPE_ID_BYTES];
  guint n_parts = 0;
  GStatBuf st;

  g_assert_true (sr_qr_write_pdf (envelope, path, 0, &n_parts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_parts, ==, sr_qr_count_parts (g_bytes_get_size (envelope), 0));
  g_assert_cmpuint (n_parts, ==, 3);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  pdf = sr_test_read (path);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (pdf, NULL), "%PDF-"));
  g_assert_null (memmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                         "SafeReport", strlen ("SafeReport")));

  sr_envelope_id (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), id);
  receipt = sr_receipt_from_id (id);

  if (gs == NULL)
    {
      g_test_skip ("Ghostscript is not installed: the sheet was written but not read back");
      sr_test_rmdir (dir);
      return;
    }

  /* The words on the sheet: the labels and the receipt, nothing else. */
  {
    g_autofree char *out_arg = g_strdup ("-sOutputFile=-");
    const char *args[] = { "-sDEVICE=txtwrite", out_arg, path, NULL };
    g_autofree char *text = run_gs (gs, args);
    g_autofree char *rest = NULL;
    g_auto(GStrv) words = NULL;
    guint i;

    g_assert_nonnull (strstr (text, "1 / 3"));
    g_assert_nonnull (strstr (text, "2 / 3"));
    g_assert_nonnull (strstr (text, "3 / 3"));
    g_assert_null (strstr (text, "of"));
    g_assert_nonnull (strstr (text, receipt));

    words = g_strsplit_set (g_strstrip (text), " \t\r\n\f", -1);
    for (i = 0; words[i] != NULL; i++)
      {
        const char *w = words[i];

        if (*w == '\0' || g_str_equal (w, "/") || g_str_equal (w, receipt) ||
            strspn (w, "0123456789") == strlen (w))
          continue;
        g_error ("unexpected word on the sheet: \"%s\"", w);
      }
  }

  /* Printed and photographed: every page scans, the parts join. */
  {
    g_autofree char *out_arg = g_strdup_printf ("-sOutputFile=%s/page-%%d.png", dir);
    const char *args[] = { "-sDEVICE=pnggray", "-r100", out_arg, path, NULL };
    g_autofree char *ignored = run_gs (gs, args);
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GBytes) back = NULL;
    guint i;

    for (i = 0; i < n_parts; i++)
      {
        g_autofree char *page = g_strdup_printf ("%s/page-%u.png", dir, i + 1);
        g_autoptr(GPtrArray) found = read_texts (page);
        g_autoptr(SrQrPart) part = NULL;

        g_assert_cmpuint (found->len, ==, 1);
        part = sr_qr_part_parse (found->pdata[0], -1, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (part->index, ==, i);
        g_ptr_array_add (texts, g_strdup (found->pdata[0]));
      }
    back = assemble (texts);
    g_assert_true (g_bytes_equal (back, envelope));
    assert_opens (back, secret);
  }

  sr_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/qr/base45/vectors", test_base45_vectors);
  g_test_add_func ("/sr/qr/base45/roundtrip", test_base45_roundtrip);
  g_test_add_func ("/sr/qr/base45/strict", test_base45_strict);
  g_test_add_func ("/sr/qr/base45/exhaustive", test_base45_exhaustive);
  g_test_add_func ("/sr/qr/capacity", test_capacity);
  g_test_add_func ("/sr/qr/split/chunk-max", test_split_chunk_max);
  g_test_add_func ("/sr/qr/split/sizes", test_split_sizes);
  g_test_add_func ("/sr/qr/split/errors", test_split_errors);
  g_test_add_func ("/sr/qr/split/vector", test_split_vector);
  g_test_add_func ("/sr/qr/assemble/orders", test_assemble_orders);
  g_test_add_func ("/sr/qr/assemble/status", test_assemble_status);
  g_test_add_func ("/sr/qr/assemble/mixed", test_assemble_mixed);
  g_test_add_func ("/sr/qr/assemble/pending", test_assemble_pending);
  g_test_add_func ("/sr/qr/assemble/forged", test_assemble_forged);
  g_test_add_func ("/sr/qr/corrupt/every-character", test_corrupt_every_character);
  g_test_add_func ("/sr/qr/corrupt/truncate-extend", test_corrupt_truncate_extend);
  g_test_add_func ("/sr/qr/whitespace", test_whitespace);
  g_test_add_func ("/sr/qr/image/render", test_render);
  g_test_add_func ("/sr/qr/image/write-pngs", test_write_pngs);
  g_test_add_func ("/sr/qr/image/broken", test_broken_images);
  g_test_add_func ("/sr/qr/image/text-file", test_read_text_file);
  g_test_add_func ("/sr/qr/image/several-codes", test_photo_with_several_codes);
  g_test_add_func ("/sr/qr/image/degraded", test_degraded_photos);
  g_test_add_func ("/sr/qr/image/degraded-corpus", test_degraded_corpus);
  g_test_add_func ("/sr/qr/image/pdf", test_pdf_sheet);

  return g_test_run ();
}
