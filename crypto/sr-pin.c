/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-pin"

#include "sr-pin.h"

#include <sodium.h>
#include <string.h>

#include "sr-error.h"

G_STATIC_ASSERT (SR_PIN_HASH_BYTES == crypto_pwhash_STRBYTES);

char *
sr_pin_hash (const SrSecret  *pin,
             GError         **error)
{
  char hash[crypto_pwhash_STRBYTES];
  glong chars;

  g_return_val_if_fail (pin != NULL, NULL);

  chars = g_utf8_validate ((const char *) pin->data, pin->len, NULL)
          ? g_utf8_strlen ((const char *) pin->data, pin->len)
          : -1;
  if (chars < SR_PIN_MIN_CHARS || chars > SR_PIN_MAX_CHARS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "A PIN has %d to %d characters.", SR_PIN_MIN_CHARS, SR_PIN_MAX_CHARS);
      return NULL;
    }

  /* A short PIN is weak against someone who copies the database; the
   * memory-hard hash with MODERATE limits makes each guess cost about a
   * second and 256 MiB. Online guessing is rate-limited by the outbox. */
  if (crypto_pwhash_str (hash, (const char *) pin->data, pin->len,
                         crypto_pwhash_OPSLIMIT_MODERATE,
                         crypto_pwhash_MEMLIMIT_MODERATE) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                           "Not enough memory to protect the PIN.");
      return NULL;
    }

  return g_strdup (hash);
}

gboolean
sr_pin_verify (const char     *hash,
               const SrSecret *pin)
{
  g_return_val_if_fail (pin != NULL, FALSE);

  if (hash == NULL || memchr (hash, '\0', crypto_pwhash_STRBYTES) == NULL)
    return FALSE;

  return crypto_pwhash_str_verify (hash, (const char *) pin->data, pin->len) == 0;
}
