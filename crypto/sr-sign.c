/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-sign"

#include "sr-sign.h"

#include <sodium.h>
#include <string.h>

G_STATIC_ASSERT (SR_SIGNATURE_BYTES == crypto_sign_BYTES);
G_STATIC_ASSERT (SR_SIGN_SK_BYTES == crypto_sign_SECRETKEYBYTES);
G_STATIC_ASSERT (SR_SIGN_PK_BYTES == crypto_sign_PUBLICKEYBYTES);

/* Pure Ed25519 reads the message twice (once for the nonce, once for the
 * challenge), and libsodium has no multi-part interface for it, so the
 * domain-separated message is assembled in one buffer. Signed files are
 * profiles and acknowledgements: public data of at most a few MiB. */
static guint8 *
build_message (const char   *context,
               const guint8 *message,
               gsize         len,
               gsize        *out_len)
{
  gsize context_len = strlen (context);
  guint8 *buffer;

  g_assert (len <= G_MAXSIZE - context_len - 1);

  *out_len = context_len + 1 + len;
  buffer = g_malloc (*out_len);
  memcpy (buffer, context, context_len);
  buffer[context_len] = 0x00;
  if (len > 0)
    memcpy (buffer + context_len + 1, message, len);
  return buffer;
}

void
sr_sign (const char   *context,
         const guint8 *message,
         gsize         len,
         const guint8  sign_sk[SR_SIGN_SK_BYTES],
         guint8        signature[SR_SIGNATURE_BYTES])
{
  g_autofree guint8 *buffer = NULL;
  gsize buffer_len = 0;

  g_return_if_fail (context != NULL);
  g_return_if_fail (message != NULL || len == 0);
  g_return_if_fail (sign_sk != NULL);
  g_return_if_fail (signature != NULL);

  buffer = build_message (context, message, len, &buffer_len);
  crypto_sign_detached (signature, NULL, buffer, buffer_len, sign_sk);
}

gboolean
sr_sign_verify (const char   *context,
                const guint8 *message,
                gsize         len,
                const guint8  signature[SR_SIGNATURE_BYTES],
                const guint8  sign_pk[SR_SIGN_PK_BYTES])
{
  g_autofree guint8 *buffer = NULL;
  gsize buffer_len = 0;

  g_return_val_if_fail (context != NULL, FALSE);
  g_return_val_if_fail (message != NULL || len == 0, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);
  g_return_val_if_fail (sign_pk != NULL, FALSE);

  buffer = build_message (context, message, len, &buffer_len);
  return crypto_sign_verify_detached (signature, buffer, buffer_len, sign_pk) == 0;
}
