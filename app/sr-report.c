/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-report"

#include "sr-report.h"

#include <sodium.h>
#include <string.h>
#include <zlib.h>

#include "sr-error.h"
#include "sr-image.h"

/* docs/FORMAT.md, "Report", is the normative description of every byte
 * here. In short: a version byte, a method byte, then the body (stored,
 * deflated, or deflated after a script-window transform):
 *
 *   str(form id) uvarint(form version) str(lang) uvarint(day) uvarint(n)
 *   n × ( str(question id) kind-byte value )   sorted bytewise by id
 *
 * Every buffer that holds answers is an SrSecret or is wiped before it is
 * freed, zlib's own state included (it gets allocators that wipe). */

#define MAX_ANSWERS     1000
#define MAX_LIST        100
#define MAX_LANG        35
#define MAX_UVARINT     10

/* The preset dictionary for raw deflate. It is part of the format and must
 * never change: a report compressed against it can only be read with it.
 * Its parts are described in docs/FORMAT.md; the later a part, the shorter
 * the distance to it and the cheaper a match, so the typical report comes
 * last. */
static const char dictionary[] =
  /* Common words of English narratives, each followed by a space. */
  "the and they were was my me we to of in for a at on with that not us our had "
  "have said from them their there after when then money passport phone job work "
  "company compound scam online people family friend agent broker border river "
  "night day hours police beat hit shock electric debt ticket salary promised paid "
  "pay Thailand Myanmar Cambodia Laos Philippines Bangkok escape still held "
  /* Other answers to yes/no questions. */
  "\x00\x06unsure\x00\x02no"
  /* Less common options. */
  "\x05" "abuse\x01\x06\x0fsexual_violence\x09locked_up\x07no_food\x04sold"
  "\x06ransom\x05other\x0drecruited_how\x01\x02\x0f" "friend_relative\x05other"
  /* Country answers. */
  "\x00\x02PH\x00\x02LA\x00\x02VN\x00\x02ID\x00\x02MY\x00\x02" "CN\x00\x02IN"
  "\x00\x02" "BD\x00\x02NP\x00\x02PK\x00\x02" "ET\x00\x02KE\x00\x02" "EG\x00\x02TR"
  "\x00\x02" "BR\x00\x02KH\x00\x02MM\x00\x02TH"
  /* Answers of family members and witnesses. */
  "\x04role\x00\x06" "family\x04role\x00\x07witness\x12held_country_other\x00\x02MM"
  "\x0clast_contact\x00\x05" "2025-\x0cransom_asked\x00\x03yes"
  "\x0f" "documents_taken\x00\x03yes"
  /* Languages. */
  "\x02" "en\x02th\x02my\x02km\x02lo\x02vi\x05zh_CN\x05zh_TW\x02id\x02ms\x02tl"
  "\x02" "bn\x02hi\x02ne\x02ur\x02" "am\x02sw\x02" "ar\x02tr\x05pt_BR\x02" "es"
  "\x02" "fr\x02ru\x02ko\x02ja"
  /* A typical report of the default form, in the order the codec writes it. */
  "\x07" "default\x01\x05" "abuse\x01\x04\x07" "beating\x0e" "electric_shock"
  "\x07threats\x0c" "forced_scams\x07" "consent\x03\x01\x0f" "current_country\x00"
  "\x02TH\x0d" "current_place\x00\x0a" "danger_now\x00\x02no\x0cheld_country\x00"
  "\x02MM\x0aheld_place\x00\x0eilo_conditions\x00\x03yes\x08ilo_debt\x00\x03yes"
  "\x0dilo_deception\x00\x03yes\x0dilo_documents\x00\x03yes\x0dilo_isolation\x00"
  "\x03yes\x0cilo_movement\x00\x03yes\x0cilo_overtime\x00\x03yes\x0bilo_threats\x00"
  "\x03yes\x0cilo_violence\x00\x03yes\x11ilo_vulnerability\x00\x03yes\x09ilo_wages"
  "\x00\x03yes\x09narrative\x00\x0cothers_count\x02\x0bothers_held\x00\x03yes"
  "\x0drecruited_how\x01\x03\x06job_ad\x0csocial_media\x06" "agency\x04role\x00"
  "\x08survivor\x0csafe_contact\x00";

const guint8 *
sr_report_dictionary (gsize *len)
{
  if (len != NULL)
    *len = sizeof dictionary - 1;
  return (const guint8 *) dictionary;
}

/* ---- zlib with wiping allocators --------------------------------------- */

/* zlib keeps a copy of what it compresses in its window and hash chains; a
 * header in front of each block records its size so that it can be wiped. */
#define Z_HEADER 16

static voidpf
z_alloc (voidpf opaque,
         uInt   items,
         uInt   size)
{
  gsize n = (gsize) items * size;
  guint8 *block = g_try_malloc (n + Z_HEADER);

  if (block == NULL)
    return Z_NULL;
  memcpy (block, &n, sizeof n);
  return block + Z_HEADER;
}

static void
z_free (voidpf opaque,
        voidpf address)
{
  guint8 *block = (guint8 *) address - Z_HEADER;
  gsize n;

  memcpy (&n, block, sizeof n);
  sodium_memzero (address, n);
  g_free (block);
}

static SrSecret *
deflate_body (const SrSecret  *body,
              GError         **error)
{
  z_stream zs = { 0, };
  g_autoptr(SrSecret) out = NULL;
  gsize bound;
  int ret;

  zs.zalloc = z_alloc;
  zs.zfree = z_free;
  if (deflateInit2 (&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
      deflateSetDictionary (&zs, (const Bytef *) dictionary, sizeof dictionary - 1) != Z_OK)
    {
      deflateEnd (&zs);
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED, "Cannot start the compressor.");
      return NULL;
    }

  /* deflateBound is exact for a stream without a dictionary; the margin
   * covers anything the dictionary could add to the block headers. */
  bound = deflateBound (&zs, (uLong) body->len) + 64;
  out = sr_secret_new (bound);
  zs.next_in = body->data;
  zs.avail_in = (uInt) body->len;
  zs.next_out = out->data;
  zs.avail_out = (uInt) bound;
  ret = deflate (&zs, Z_FINISH);
  sr_secret_truncate (out, zs.total_out);
  deflateEnd (&zs);
  if (ret != Z_STREAM_END)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED, "Compressing the report failed.");
      return NULL;
    }

  return g_steal_pointer (&out);
}

static gboolean
format_error (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT, message);
  return FALSE;
}

/* A heap buffer wiped before it is freed. Inflating uses it rather than an
 * SrSecret: an inbox decodes thousands of reports in a row, and guarded
 * pages cost several system calls each. */
typedef struct
{
  guint8 *data;
  gsize   len;
  gsize   capacity;
} WipedBuffer;

static void
wiped_buffer_free (WipedBuffer *buffer)
{
  if (buffer == NULL)
    return;

  sodium_memzero (buffer->data, buffer->capacity);
  g_free (buffer->data);
  g_free (buffer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WipedBuffer, wiped_buffer_free)

/* Inflates a raw deflate stream that must end exactly at the end of data,
 * into at most SR_REPORT_MAX_BODY bytes. */
static WipedBuffer *
inflate_body (const guint8  *data,
              gsize          len,
              GError       **error)
{
  z_stream zs = { 0, };
  g_autoptr(WipedBuffer) out = g_new0 (WipedBuffer, 1);
  int ret;

  zs.zalloc = z_alloc;
  zs.zfree = z_free;
  if (inflateInit2 (&zs, -15) != Z_OK ||
      inflateSetDictionary (&zs, (const Bytef *) dictionary, sizeof dictionary - 1) != Z_OK)
    {
      inflateEnd (&zs);
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED, "Cannot start the decompressor.");
      return NULL;
    }

  /* Start at a size that holds most reports in one go and grow by copying
   * into a fresh buffer (the old one is wiped), one byte past the limit so
   * that a bomb is noticed. */
  out->capacity = CLAMP (len * 4, 4096, SR_REPORT_MAX_BODY + 1);
  out->data = g_malloc (out->capacity);
  zs.next_in = (Bytef *) data;
  zs.avail_in = (uInt) len;

  for (;;)
    {
      zs.next_out = out->data + zs.total_out;
      zs.avail_out = (uInt) (out->capacity - zs.total_out);
      ret = inflate (&zs, Z_NO_FLUSH);

      if (ret == Z_STREAM_END)
        break;
      if ((ret == Z_OK || ret == Z_BUF_ERROR) && zs.avail_out == 0)
        {
          guint8 *bigger;
          gsize capacity;

          if (out->capacity > SR_REPORT_MAX_BODY)
            {
              inflateEnd (&zs);
              format_error (error, "The report unpacks to more than 1 MiB, so it is refused.");
              return NULL;
            }
          capacity = MIN (out->capacity * 4, SR_REPORT_MAX_BODY + 1);
          bigger = g_malloc (capacity);
          memcpy (bigger, out->data, zs.total_out);
          sodium_memzero (out->data, out->capacity);
          g_free (out->data);
          out->data = bigger;
          out->capacity = capacity;
          continue;
        }

      inflateEnd (&zs);
      if (ret == Z_OK || ret == Z_BUF_ERROR)
        format_error (error, "The report's compressed data ends too early.");
      else
        format_error (error, "The report's compressed data is damaged.");
      return NULL;
    }

  out->len = zs.total_out;
  ret = (int) zs.avail_in;
  inflateEnd (&zs);

  if (out->len > SR_REPORT_MAX_BODY)
    {
      format_error (error, "The report unpacks to more than 1 MiB, so it is refused.");
      return NULL;
    }
  if (ret != 0)
    {
      format_error (error, "The report has bytes after its compressed data.");
      return NULL;
    }

  return g_steal_pointer (&out);
}

/* ---- The script window ------------------------------------------------- */

/* Method 2 stores a string's characters in [window, window + 128) as one
 * byte 0x80 + (c - window), ASCII as itself, and any other character as
 * 0x00 followed by its UTF-8 bytes (0x00 is free: a string holds no NUL).
 * For scripts of three UTF-8 bytes per character (Burmese, Thai, Khmer…)
 * this shrinks text to about a third before deflate sees it. */

static gboolean
window_is_valid (guint64 window)
{
  return window >= 0x80 && window <= 0x10FF80 &&
         (window + 0x7F < 0xD800 || window > 0xDFFF);
}

static gboolean
in_window (gunichar c,
           guint32  window)
{
  return c >= window && c < window + 0x80;
}

/* The window that covers the most non-ASCII characters of every string in
 * the answers; the lowest such start on a tie. 0 when all is ASCII. */
static int
compare_unichar (gconstpointer a,
                 gconstpointer b)
{
  gunichar x = *(const gunichar *) a, y = *(const gunichar *) b;

  return x < y ? -1 : x > y;
}

static void
collect_chars (GArray     *chars,
               const char *str)
{
  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x80)
        g_array_append_val (chars, c);
    }
}

static guint32
choose_window (SrAnswers *answers)
{
  g_autoptr(GArray) chars = g_array_new (FALSE, FALSE, sizeof (gunichar));
  g_autofree const char **ids = NULL;
  guint32 best = 0;
  guint best_count = 0;
  guint n, end = 0;

  ids = sr_answers_get_ids (answers, &n);
  collect_chars (chars, sr_answers_get_lang (answers));
  for (guint i = 0; i < n; i++)
    {
      if (sr_answers_get_kind (answers, ids[i]) == SR_VALUE_TEXT)
        collect_chars (chars, sr_answers_get_text (answers, ids[i]));
      else if (sr_answers_get_kind (answers, ids[i]) == SR_VALUE_LIST)
        {
          const char *const *list = sr_answers_get_list (answers, ids[i]);

          for (guint j = 0; list[j] != NULL; j++)
            collect_chars (chars, list[j]);
        }
    }
  g_array_sort (chars, compare_unichar);

  /* A sliding window over the sorted characters: for each start, count
   * how many fall within 128 code points of it. */
  for (guint start = 0; start < chars->len; start++)
    {
      gunichar c = g_array_index (chars, gunichar, start);

      if (start > 0 && g_array_index (chars, gunichar, start - 1) == c)
        continue;
      if (end < start)
        end = start;
      while (end < chars->len && g_array_index (chars, gunichar, end) < c + 0x80)
        end++;
      if (window_is_valid (c) && end - start > best_count)
        {
          best = c;
          best_count = end - start;
        }
    }

  /* The characters are plaintext too. */
  if (chars->len > 0)
    sodium_memzero (chars->data, chars->len * sizeof (gunichar));

  return best;
}

/* ---- Writing ----------------------------------------------------------- */

/* Like the JSON writer in sr-answers.c, the body writer runs twice: once
 * to count, once into a secret of the exact size. */
typedef struct
{
  guint8  *buf;
  gsize    len;
  guint32  window;
} Writer;

static void
put_bytes (Writer       *w,
           const guint8 *bytes,
           gsize         n)
{
  if (w->buf != NULL && n > 0)
    memcpy (w->buf + w->len, bytes, n);
  w->len += n;
}

static void
put_byte (Writer *w,
          guint8  byte)
{
  put_bytes (w, &byte, 1);
}

static gsize
uvarint_encode (guint64  value,
                guint8  *out)
{
  gsize n = 0;

  do
    {
      guint8 byte = value & 0x7F;

      value >>= 7;
      out[n++] = byte | (value != 0 ? 0x80 : 0);
    }
  while (value != 0);

  return n;
}

static void
put_uvarint (Writer  *w,
             guint64  value)
{
  guint8 bytes[MAX_UVARINT];

  put_bytes (w, bytes, uvarint_encode (value, bytes));
}

static gsize
window_length (const char *str,
               guint32     window)
{
  gsize n = 0;

  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 || in_window (c, window))
        n += 1;
      else
        n += 1 + (gsize) g_unichar_to_utf8 (c, NULL);
    }

  return n;
}

static void
put_str (Writer     *w,
         const char *str)
{
  if (w->window == 0)
    {
      gsize n = strlen (str);

      put_uvarint (w, n);
      put_bytes (w, (const guint8 *) str, n);
      return;
    }

  put_uvarint (w, window_length (str, w->window));
  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80)
        put_byte (w, (guint8) c);
      else if (in_window (c, w->window))
        put_byte (w, (guint8) (0x80 + (c - w->window)));
      else
        {
          guint8 utf8[6];

          put_byte (w, 0x00);
          put_bytes (w, utf8, (gsize) g_unichar_to_utf8 (c, (char *) utf8));
        }
    }
}

static void
write_body (Writer    *w,
            SrAnswers *answers,
            guint32    day)
{
  g_autofree const char **ids = NULL;
  guint n;

  ids = sr_answers_get_ids (answers, &n);

  put_str (w, sr_answers_get_form_id (answers));
  put_uvarint (w, sr_answers_get_form_version (answers));
  put_str (w, sr_answers_get_lang (answers));
  put_uvarint (w, day);
  put_uvarint (w, n);

  for (guint i = 0; i < n; i++)
    {
      SrValueKind kind = sr_answers_get_kind (answers, ids[i]);

      put_str (w, ids[i]);
      put_byte (w, (guint8) kind);
      switch (kind)
        {
        case SR_VALUE_TEXT:
          put_str (w, sr_answers_get_text (answers, ids[i]));
          break;

        case SR_VALUE_LIST:
          {
            const char *const *list = sr_answers_get_list (answers, ids[i]);

            put_uvarint (w, g_strv_length ((GStrv) list));
            for (guint j = 0; list[j] != NULL; j++)
              put_str (w, list[j]);
          }
          break;

        case SR_VALUE_NUMBER:
          {
            gint64 number = sr_answers_get_number (answers, ids[i]);

            /* Zigzag: 0, -1, 1, -2 … become 0, 1, 2, 3 … */
            put_uvarint (w, ((guint64) number << 1) ^ (number < 0 ? G_MAXUINT64 : 0));
          }
          break;

        case SR_VALUE_BOOL:
          put_byte (w, sr_answers_get_bool (answers, ids[i]) ? 1 : 0);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

static SrSecret *
build_body (SrAnswers  *answers,
            guint32     day,
            guint32     window,
            GError    **error)
{
  Writer w = { NULL, 0, window };
  SrSecret *body;
  gsize size;

  write_body (&w, answers, day);
  size = w.len;
  if (size > SR_REPORT_MAX_BODY)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The report cannot be encoded: it is larger than 1 MiB.");
      return NULL;
    }

  body = sr_secret_new (size);
  w.buf = body->data;
  w.len = 0;
  write_body (&w, answers, day);
  g_assert (w.len == size);

  return body;
}

static gboolean
check_string (const char  *str,
              gsize        max,
              const char  *what,
              GError     **error)
{
  if (!g_utf8_validate (str, -1, NULL) || strlen (str) > max)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The report cannot be encoded: %s is not valid UTF-8 text of at most %"
                   G_GSIZE_FORMAT " bytes.", what, max);
      return FALSE;
    }
  return TRUE;
}

/* Language codes are short ASCII, like "zh_CN"; anything else would be a
 * place to hide text outside the answers. */
static gboolean
lang_is_plain (const char *lang)
{
  if (*lang == '\0')
    return FALSE;
  for (const char *p = lang; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;
  return TRUE;
}

/* What the decoder would refuse, the encoder refuses first, so that every
 * report it writes can be read back. */
static gboolean
check_encodable (SrAnswers  *answers,
                 GError    **error)
{
  g_autofree const char **ids = NULL;
  const char *lang = sr_answers_get_lang (answers);
  guint n;

  if (!sr_form_id_is_valid (sr_answers_get_form_id (answers)))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The report cannot be encoded: its form id is not valid.");
      return FALSE;
    }
  if (!lang_is_plain (lang) || strlen (lang) > MAX_LANG)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The report cannot be encoded: its language is not valid.");
      return FALSE;
    }

  ids = sr_answers_get_ids (answers, &n);
  if (n > MAX_ANSWERS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The report cannot be encoded: it has more than %u answers.", MAX_ANSWERS);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *what = NULL;

      if (!sr_form_id_is_valid (ids[i]))
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The report cannot be encoded: an answer's question id is not valid.");
          return FALSE;
        }
      what = g_strdup_printf ("the answer to \"%s\"", ids[i]);

      if (sr_answers_get_kind (answers, ids[i]) == SR_VALUE_TEXT)
        {
          if (!check_string (sr_answers_get_text (answers, ids[i]), SR_REPORT_MAX_BODY, what,
                             error))
            return FALSE;
        }
      else if (sr_answers_get_kind (answers, ids[i]) == SR_VALUE_LIST)
        {
          const char *const *list = sr_answers_get_list (answers, ids[i]);
          guint len = g_strv_length ((GStrv) list);

          if (len > MAX_LIST)
            {
              g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                           "The report cannot be encoded: %s has more than %u items.", what,
                           MAX_LIST);
              return FALSE;
            }
          for (guint j = 0; j < len; j++)
            if (!check_string (list[j], SR_REPORT_MAX_BODY, what, error))
              return FALSE;
        }
    }

  return TRUE;
}

static SrSecret *
frame (SrReportMethod  method,
       guint32         window,
       const SrSecret *payload)
{
  guint8 header[2 + MAX_UVARINT] = { SR_REPORT_VERSION, (guint8) method };
  gsize header_len = 2;
  SrSecret *out;

  if (method == SR_REPORT_WINDOW)
    header_len += uvarint_encode (window, header + 2);

  out = sr_secret_new (header_len + payload->len);
  memcpy (out->data, header, header_len);
  if (payload->len > 0)
    memcpy (out->data + header_len, payload->data, payload->len);

  return out;
}

static SrSecret *
encode_method (SrAnswers       *answers,
               guint32          day,
               SrReportMethod   method,
               const SrSecret  *plain_body,
               GError         **error)
{
  g_autoptr(SrSecret) body = NULL;
  g_autoptr(SrSecret) packed = NULL;
  guint32 window = 0;

  switch (method)
    {
    case SR_REPORT_STORED:
      return frame (method, 0, plain_body);

    case SR_REPORT_DEFLATE:
      packed = deflate_body (plain_body, error);
      return packed != NULL ? frame (method, 0, packed) : NULL;

    case SR_REPORT_WINDOW:
      window = choose_window (answers);
      if (window == 0)
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The report has no character for a script window.");
          return NULL;
        }
      body = build_body (answers, day, window, error);
      if (body == NULL)
        return NULL;
      packed = deflate_body (body, error);
      return packed != NULL ? frame (method, window, packed) : NULL;

    default:
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID, "There is no report method %u.",
                   (guint) method);
      return NULL;
    }
}

static SrSecret *
plain_body_for (SrAnswers  *answers,
                guint32     day,
                GError    **error)
{
  if (!check_encodable (answers, error))
    return NULL;

  return build_body (answers, day, 0, error);
}

/* A report with attachments (version 2): the version-1 report of the
 * answers from its method byte on, with its length in front, then the
 * attachments as they are (they are JPEG or PNG: deflate would gain
 * nothing). Takes answers_report. */
static SrSecret *
add_attachments (SrAnswers *answers,
                 SrSecret  *answers_report)
{
  g_autoptr(SrSecret) inner = answers_report;
  guint n = sr_answers_get_n_attachments (answers);
  Writer w = { 0, };
  SrSecret *out = NULL;

  if (n == 0)
    return g_steal_pointer (&inner);

  /* Counted once, then written: the Writer's two passes. */
  for (int pass = 0; pass < 2; pass++)
    {
      put_byte (&w, SR_REPORT_VERSION_ATTACHMENTS);
      put_uvarint (&w, inner->len - 1);
      put_bytes (&w, inner->data + 1, inner->len - 1);
      put_uvarint (&w, n);
      for (guint i = 0; i < n; i++)
        {
          const char *media_type = NULL;
          const SrSecret *data = sr_answers_get_attachment (answers, i, &media_type);

          put_uvarint (&w, strlen (media_type));
          put_bytes (&w, (const guint8 *) media_type, strlen (media_type));
          put_uvarint (&w, data->len);
          put_bytes (&w, data->data, data->len);
        }
      if (pass == 0)
        {
          out = sr_secret_new (w.len);
          w.buf = out->data;
          w.len = 0;
        }
    }

  g_assert (w.len == out->len);
  return out;
}

SrSecret *
sr_report_encode_method (SrAnswers       *answers,
                         guint32          day,
                         SrReportMethod   method,
                         GError         **error)
{
  g_autoptr(SrSecret) body = NULL;
  SrSecret *report;

  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  body = plain_body_for (answers, day, error);
  if (body == NULL)
    return NULL;

  report = encode_method (answers, day, method, body, error);
  return report != NULL ? add_attachments (answers, report) : NULL;
}

SrSecret *
sr_report_encode (SrAnswers  *answers,
                  guint32     day,
                  GError    **error)
{
  g_autoptr(SrSecret) body = NULL;
  g_autoptr(SrSecret) best = NULL;

  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  body = plain_body_for (answers, day, error);
  if (body == NULL)
    return NULL;

  /* The smallest wins; on a tie, the simpler method. The choice depends on
   * the answers alone, so encoding is deterministic. */
  for (SrReportMethod method = SR_REPORT_STORED; method <= SR_REPORT_WINDOW; method++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(SrSecret) candidate = NULL;

      if (method == SR_REPORT_WINDOW && choose_window (answers) == 0)
        continue;

      candidate = encode_method (answers, day, method, body, &local_error);
      /* The window can make a body longer (every escaped character costs a
       * byte): past the limit, that method is simply not a candidate. */
      if (candidate == NULL && method == SR_REPORT_WINDOW)
        continue;
      if (candidate == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (best == NULL || candidate->len < best->len)
        {
          g_clear_pointer (&best, sr_secret_free);
          best = g_steal_pointer (&candidate);
        }
    }

  return add_attachments (answers, g_steal_pointer (&best));
}

/* ---- Reading ----------------------------------------------------------- */

/* A decoded string: wiped, not just freed, when it goes out of scope. */
typedef char WipedString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WipedString, sr_wipe_string_free)

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
  guint32       window;
  gsize         budget;  /* bytes of decoded text still allowed */
} Reader;

static gboolean
get_byte (Reader  *r,
          guint8  *byte,
          GError **error)
{
  if (r->pos >= r->len)
    return format_error (error, "The report ends in the middle of a field.");
  *byte = r->data[r->pos++];
  return TRUE;
}

/* LEB128, canonical: no more bytes than the value needs, no more than 64
 * bits. A second spelling of the same number would break determinism. */
static gboolean
read_uvarint (const guint8  *data,
              gsize          len,
              gsize         *pos,
              guint64       *value,
              GError       **error)
{
  guint64 result = 0;

  for (guint i = 0; i < MAX_UVARINT; i++)
    {
      guint8 byte;

      if (*pos >= len)
        return format_error (error, "The report ends in the middle of a field.");
      byte = data[(*pos)++];
      if (i == MAX_UVARINT - 1 && byte > 1)
        return format_error (error, "The report holds a number too large for 64 bits.");
      result |= (guint64) (byte & 0x7F) << (7 * i);
      if ((byte & 0x80) == 0)
        {
          if (byte == 0 && i > 0)
            return format_error (error,
                                 "The report holds a number written with more bytes than it needs.");
          *value = result;
          return TRUE;
        }
    }

  return format_error (error, "The report holds a number too large for 64 bits.");
}

static gboolean
get_uvarint (Reader   *r,
             guint64   max,
             guint64  *value,
             GError  **error)
{
  if (!read_uvarint (r->data, r->len, &r->pos, value, error))
    return FALSE;
  if (*value > max)
    return format_error (error, "The report holds a number too large for its field.");
  return TRUE;
}

/* Reverses the script window into UTF-8. out has room for 4 bytes per
 * input byte, the most one byte can become. */
static gboolean
unwindow (const guint8  *in,
          gsize          len,
          guint32        window,
          char          *out,
          gsize         *out_len,
          GError       **error)
{
  gsize o = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint8 byte = in[i];

      if (byte >= 0x80)
        o += (gsize) g_unichar_to_utf8 (window + (byte - 0x80), out + o);
      else if (byte != 0x00)
        out[o++] = (char) byte;
      else
        {
          gsize n;
          gunichar c;

          if (i + 1 >= len)
            return format_error (error, "The report holds a wrongly escaped character.");
          n = in[i + 1] >= 0xF0 ? 4 : in[i + 1] >= 0xE0 ? 3 : 2;
          if (i + 1 + n > len || !g_utf8_validate ((const char *) in + i + 1, (gssize) n, NULL))
            return format_error (error, "The report holds a wrongly escaped character.");
          c = g_utf8_get_char ((const char *) in + i + 1);
          /* Only characters the window cannot hold may be escaped, and only
           * as one whole UTF-8 sequence: one spelling per string. */
          if (c < 0x80 || in_window (c, window) || (gsize) g_unichar_to_utf8 (c, NULL) != n)
            return format_error (error, "The report holds a wrongly escaped character.");
          memcpy (out + o, in + i + 1, n);
          o += n;
          i += n;
        }
    }

  *out_len = o;
  return TRUE;
}

/* A string as a fresh NUL-terminated copy the caller wipes. */
static char *
get_str (Reader    *r,
         gsize      max,
         GError   **error)
{
  g_autofree char *out = NULL;
  guint64 len;
  gsize out_len = 0;

  if (!get_uvarint (r, G_MAXUINT64, &len, error))
    return NULL;
  if (len > r->len - r->pos)
    {
      format_error (error, "The report has a length that runs past its end.");
      return NULL;
    }

  if (r->window == 0)
    {
      out = g_malloc ((gsize) len + 1);
      memcpy (out, r->data + r->pos, (gsize) len);
      out_len = (gsize) len;
    }
  else
    {
      out = g_malloc ((gsize) len * 4 + 1);
      if (!unwindow (r->data + r->pos, (gsize) len, r->window, out, &out_len, error))
        {
          sodium_memzero (out, (gsize) len * 4 + 1);
          return NULL;
        }
    }
  r->pos += (gsize) len;
  out[out_len] = '\0';

  /* g_utf8_validate with a length refuses a NUL inside it. */
  if (out_len > max || out_len > r->budget || !g_utf8_validate (out, (gssize) out_len, NULL))
    {
      sodium_memzero (out, out_len);
      if (out_len > r->budget)
        format_error (error, "The report unpacks to more than 1 MiB, so it is refused.");
      else
        format_error (error, "The report holds text that is not valid UTF-8 or too long.");
      return NULL;
    }
  r->budget -= out_len;

  return g_steal_pointer (&out);
}

static gboolean
read_value (Reader     *r,
            SrAnswers  *answers,
            const char *id,
            GError    **error)
{
  guint8 kind = 0;

  if (!get_byte (r, &kind, error))
    return FALSE;

  switch (kind)
    {
    case SR_VALUE_TEXT:
      {
        g_autoptr(WipedString) text = get_str (r, SR_REPORT_MAX_BODY, error);

        if (text == NULL)
          return FALSE;
        sr_answers_set_text (answers, id, text);
      }
      return TRUE;

    case SR_VALUE_LIST:
      {
        g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_wipe_string_free);
        guint64 n;

        if (!get_uvarint (r, MAX_LIST, &n, error))
          return FALSE;
        for (guint64 i = 0; i < n; i++)
          {
            char *item = get_str (r, SR_REPORT_MAX_BODY, error);

            if (item == NULL)
              return FALSE;
            g_ptr_array_add (items, item);
          }
        g_ptr_array_add (items, NULL);
        sr_answers_set_list (answers, id, (const char *const *) items->pdata);
      }
      return TRUE;

    case SR_VALUE_NUMBER:
      {
        guint64 zigzag;

        if (!get_uvarint (r, G_MAXUINT64, &zigzag, error))
          return FALSE;
        sr_answers_set_number (answers, id, (gint64) (zigzag >> 1) ^ -(gint64) (zigzag & 1));
      }
      return TRUE;

    case SR_VALUE_BOOL:
      {
        guint8 byte = 0;

        if (!get_byte (r, &byte, error))
          return FALSE;
        if (byte > 1)
          return format_error (error, "The report holds a true/false value other than 0 or 1.");
        sr_answers_set_bool (answers, id, byte == 1);
      }
      return TRUE;

    default:
      return format_error (error, "The report holds an answer of a kind this version does not know.");
    }
}

static SrAnswers *
read_body (Reader   *r,
           guint32  *day,
           GError  **error)
{
  g_autoptr(SrAnswers) answers = NULL;
  g_autofree char *form_id = NULL;
  g_autoptr(WipedString) lang = NULL;
  g_autofree char *previous = NULL;
  guint64 version, day_number, n;

  form_id = get_str (r, 40, error);
  if (form_id == NULL)
    return NULL;
  if (!sr_form_id_is_valid (form_id))
    {
      format_error (error, "The report names a form id that is not valid.");
      return NULL;
    }
  if (!get_uvarint (r, G_MAXUINT32, &version, error))
    return NULL;
  lang = get_str (r, MAX_LANG, error);
  if (lang == NULL)
    return NULL;
  if (!lang_is_plain (lang))
    {
      format_error (error, "The report names a language code that is not valid.");
      return NULL;
    }
  if (!get_uvarint (r, G_MAXUINT32, &day_number, error))
    return NULL;
  /* Each answer takes at least three bytes, which bounds a forged count
   * before anything is allocated for it. */
  if (!get_uvarint (r, MAX_ANSWERS, &n, error))
    return NULL;
  if (n > (r->len - r->pos) / 3)
    {
      format_error (error, "The report claims more answers than it holds.");
      return NULL;
    }

  answers = sr_answers_new (form_id, lang);
  sr_answers_set_form_version (answers, (guint) version);

  for (guint64 i = 0; i < n; i++)
    {
      char *id = get_str (r, 40, error);

      if (id == NULL)
        return NULL;
      if (!sr_form_id_is_valid (id))
        {
          g_free (id);
          format_error (error, "The report holds an answer whose question id is not valid.");
          return NULL;
        }
      if (previous != NULL && strcmp (previous, id) >= 0)
        {
          g_free (id);
          format_error (error, "The report's answers are not in strictly increasing id order.");
          return NULL;
        }
      g_free (previous);
      previous = id;

      if (!read_value (r, answers, id, error))
        return NULL;
    }

  if (r->pos != r->len)
    {
      format_error (error, "The report has bytes after its last answer.");
      return NULL;
    }

  if (day != NULL)
    *day = (guint32) day_number;
  return g_steal_pointer (&answers);
}

/* The answers of a version-1 report, from its method byte on (data[0]). */
static SrAnswers *
decode_answers (const guint8  *data,
                gsize          len,
                guint32       *day,
                GError       **error)
{
  g_autoptr(WipedBuffer) inflated = NULL;
  Reader r = { 0, };
  gsize pos = 1;

  if (len < 1)
    {
      format_error (error, "This is too short to be a SafeReport report.");
      return NULL;
    }

  switch (data[0])
    {
    case SR_REPORT_STORED:
      if (len - 1 > SR_REPORT_MAX_BODY)
        {
          format_error (error, "The report is larger than 1 MiB, so it is refused.");
          return NULL;
        }
      r.data = data + 1;
      r.len = len - 1;
      break;

    case SR_REPORT_WINDOW:
      {
        guint64 window;

        if (!read_uvarint (data, len, &pos, &window, error))
          return NULL;
        if (!window_is_valid (window))
          {
            format_error (error, "The report's script window is not a valid range of characters.");
            return NULL;
          }
        r.window = (guint32) window;
      }
      G_GNUC_FALLTHROUGH;

    case SR_REPORT_DEFLATE:
      inflated = inflate_body (data + pos, len - pos, error);
      if (inflated == NULL)
        return NULL;
      r.data = inflated->data;
      r.len = inflated->len;
      break;

    default:
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This report uses compression method %u, which this version of SafeReport "
                   "cannot read.", data[0]);
      return NULL;
    }

  r.budget = SR_REPORT_MAX_BODY;
  return read_body (&r, day, error);
}

/* The attachments after the answers of a version-2 report, up to the last
 * byte: a count of 1..SR_ATTACHMENTS_MAX (a report without attachments is
 * version 1, so that every report has one spelling), then for each a media
 * type and its bytes, which must start as that type does. */
static gboolean
decode_attachments (const guint8  *data,
                    gsize          len,
                    gsize          pos,
                    SrAnswers     *answers,
                    GError       **error)
{
  guint64 n;

  if (!read_uvarint (data, len, &pos, &n, error))
    return FALSE;
  if (n < 1 || n > SR_ATTACHMENTS_MAX)
    return format_error (error, "The report's number of attachments is out of range.");

  for (guint64 i = 0; i < n; i++)
    {
      g_autofree char *media_type = NULL;
      g_autoptr(GError) local_error = NULL;
      guint64 type_len, size;

      if (!read_uvarint (data, len, &pos, &type_len, error))
        return FALSE;
      if (type_len < 1 || type_len > 40 || type_len > len - pos)
        return format_error (error, "An attachment's media type is malformed.");
      media_type = g_strndup ((const char *) data + pos, (gsize) type_len);
      pos += (gsize) type_len;
      if (strlen (media_type) != type_len
          || (!g_str_equal (media_type, "image/jpeg") && !g_str_equal (media_type, "image/png")))
        return format_error (error, "An attachment is neither a JPEG nor a PNG image.");

      if (!read_uvarint (data, len, &pos, &size, error))
        return FALSE;
      if (size < 1 || size > SR_ATTACHMENT_MAX_BYTES)
        return format_error (error, "An attachment's size is out of range.");
      if (size > len - pos)
        return format_error (error, "The report ends in the middle of an attachment.");
      if (!sr_answers_add_attachment (answers, media_type,
                                      sr_secret_new_from (data + pos, (gsize) size),
                                      &local_error))
        return format_error (error, "An attachment does not hold the image its media type names.");
      pos += (gsize) size;
    }

  if (pos != len)
    return format_error (error, "The report has bytes after its last attachment.");
  return TRUE;
}

SrAnswers *
sr_report_decode (const guint8  *data,
                  gsize          len,
                  guint32       *day,
                  GError       **error)
{
  g_autoptr(SrAnswers) answers = NULL;
  guint64 answers_len;
  gsize pos = 1;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 2)
    {
      format_error (error, "This is too short to be a SafeReport report.");
      return NULL;
    }
  if (data[0] == SR_REPORT_VERSION)
    return decode_answers (data + 1, len - 1, day, error);
  if (data[0] != SR_REPORT_VERSION_ATTACHMENTS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This report uses codec version %u, which this version of SafeReport cannot read.",
                   data[0]);
      return NULL;
    }

  if (!read_uvarint (data, len, &pos, &answers_len, error))
    return NULL;
  if (answers_len < 1 || answers_len > len - pos)
    {
      format_error (error, "The length of the report's answers is out of range.");
      return NULL;
    }
  answers = decode_answers (data + pos, (gsize) answers_len, day, error);
  if (answers == NULL)
    return NULL;
  if (!decode_attachments (data, len, pos + (gsize) answers_len, answers, error))
    return NULL;

  return g_steal_pointer (&answers);
}

/* ---- Days -------------------------------------------------------------- */

guint32
sr_report_today (void)
{
  gint64 now = g_get_real_time ();

  if (now < 0)
    return 0;
  return (guint32) (now / G_USEC_PER_SEC / 86400);
}

char *
sr_report_day_to_string (guint32 day)
{
  /* Days to a proleptic Gregorian civil date (H. Hinnant's algorithm),
   * valid for every 32-bit day number, unlike GDate's range. */
  gint64 z = (gint64) day + 719468;
  gint64 era = z / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  gint64 d = doy - (153 * mp + 2) / 5 + 1;
  gint64 m = mp < 10 ? mp + 3 : mp - 9;
  gint64 y = yoe + era * 400 + (m <= 2);

  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02" G_GINT64_FORMAT "-%02" G_GINT64_FORMAT,
                          y, m, d);
}
