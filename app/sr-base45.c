/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-base45"

#include "sr-base45.h"

#include <string.h>

#include "sr-error.h"

static int
base45_value (char c)
{
  /* A table would be faster, but this runs over a few kilobytes at most
   * and strchr cannot be fooled by bytes above 127. */
  const char *p;

  if (c == '\0')
    return -1;
  p = strchr (SR_BASE45_ALPHABET, c);
  return p != NULL ? (int) (p - SR_BASE45_ALPHABET) : -1;
}

gsize
sr_base45_encoded_len (gsize len)
{
  return (len / 2) * 3 + (len % 2) * 2;
}

gsize
sr_base45_decoded_len (gsize len)
{
  if (len % 3 == 1)
    return G_MAXSIZE;
  return (len / 3) * 2 + (len % 3 == 2 ? 1 : 0);
}

char *
sr_base45_encode (const guint8 *data,
                  gsize         len)
{
  char *out;
  char *p;
  gsize i;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  out = g_malloc (sr_base45_encoded_len (len) + 1);
  p = out;
  for (i = 0; i + 1 < len; i += 2)
    {
      guint n = data[i] * 256u + data[i + 1];

      *p++ = SR_BASE45_ALPHABET[n % 45];
      *p++ = SR_BASE45_ALPHABET[(n / 45) % 45];
      *p++ = SR_BASE45_ALPHABET[n / (45 * 45)];
    }
  if (i < len)
    {
      guint n = data[i];

      *p++ = SR_BASE45_ALPHABET[n % 45];
      *p++ = SR_BASE45_ALPHABET[n / 45];
    }
  *p = '\0';

  return out;
}

GBytes *
sr_base45_decode (const char *text,
                  gssize      len,
                  GError    **error)
{
  g_autoptr(GByteArray) out = NULL;
  gsize n_chars;
  gsize i;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  n_chars = len < 0 ? strlen (text) : (gsize) len;
  if (n_chars % 3 == 1)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The text is not valid base45: it ends with a single character.");
      return NULL;
    }

  out = g_byte_array_sized_new (sr_base45_decoded_len (n_chars));
  for (i = 0; i < n_chars; i += 3)
    {
      gsize group = MIN (3, n_chars - i);
      guint n = 0;
      guint weight = 1;
      gsize j;

      for (j = 0; j < group; j++)
        {
          int v = base45_value (text[i + j]);

          if (v < 0)
            {
              g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The text is not valid base45: character %" G_GSIZE_FORMAT
                           " is not in the alphabet.", i + j + 1);
              return NULL;
            }
          n += (guint) v * weight;
          weight *= 45;
        }

      if (group == 3)
        {
          guint8 pair[2];

          if (n > 0xffff)
            {
              g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The text is not valid base45: characters %" G_GSIZE_FORMAT
                           " to %" G_GSIZE_FORMAT " stand for no pair of bytes.",
                           i + 1, i + 3);
              return NULL;
            }
          pair[0] = (guint8) (n >> 8);
          pair[1] = (guint8) (n & 0xff);
          g_byte_array_append (out, pair, 2);
        }
      else
        {
          guint8 byte;

          if (n > 0xff)
            {
              g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The text is not valid base45: its last two characters "
                           "stand for no byte.");
              return NULL;
            }
          byte = (guint8) n;
          g_byte_array_append (out, &byte, 1);
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
