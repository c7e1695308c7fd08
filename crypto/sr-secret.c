/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-secret"

#include "sr-secret.h"

#include <sodium.h>
#include <string.h>

SrSecret *
sr_secret_new (gsize len)
{
  SrSecret *secret = g_new0 (SrSecret, 1);

  /* sodium_malloc (0) is allowed, but a one-byte allocation keeps data
   * non-NULL for callers that pass it on. */
  secret->data = sodium_malloc (MAX (len, 1));
  if (secret->data == NULL)
    g_error ("Out of guarded memory (%" G_GSIZE_FORMAT " bytes)", len);
  secret->len = len;
  sodium_memzero (secret->data, MAX (len, 1));

  return secret;
}

SrSecret *
sr_secret_new_from (const guint8 *data,
                    gsize         len)
{
  SrSecret *secret = sr_secret_new (len);

  if (len > 0)
    memcpy (secret->data, data, len);

  return secret;
}

void
sr_secret_truncate (SrSecret *secret,
                    gsize     len)
{
  g_return_if_fail (secret != NULL);
  g_return_if_fail (len <= secret->len);

  sodium_memzero (secret->data + len, secret->len - len);
  secret->len = len;
}

void
sr_secret_free (SrSecret *secret)
{
  if (secret == NULL)
    return;

  /* sodium_free wipes the whole allocation before unmapping it. */
  sodium_free (secret->data);
  g_free (secret);
}

void
sr_wipe_string_free (char *str)
{
  if (str == NULL)
    return;

  sodium_memzero (str, strlen (str));
  g_free (str);
}

void
sr_wipe_byte_array_free (GByteArray *array)
{
  if (array == NULL)
    return;

  /* The array may have grown and left old copies behind in freed memory;
   * callers that hold plaintext pre-size it so that it never reallocates. */
  sodium_memzero (array->data, array->len);
  g_byte_array_unref (array);
}
