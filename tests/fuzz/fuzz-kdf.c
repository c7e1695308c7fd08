/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-fuzz"

#include <glib.h>
#include <sodium.h>

/* A stand-in for libsodium's crypto_pwhash, linked into the fuzz programs
 * and the fuzz regression test only. A symbol defined in the program comes
 * before the shared library's, so sr_org_secret_seal and
 * sr_org_secret_unseal call this one there.
 *
 * org.key is sealed with Argon2id at no less than 256 MiB: about a second
 * and a quarter of a gigabyte per input, which would starve a fuzzer of
 * executions and memory. The key file reader's own checks (header, KDF id,
 * the limits it refuses, the lengths) all run before the KDF, and the
 * decryption and payload checks after it; only the KDF is swapped for a
 * keyed BLAKE2b over the same inputs (passphrase, salt, limits, algorithm),
 * so a file sealed with it by tests/fuzz/make-seeds opens, and every byte
 * of the file still matters. Argon2id itself is libsodium's to test. */
int
crypto_pwhash (unsigned char * const       out,
               unsigned long long          outlen,
               const char * const          passwd,
               unsigned long long          passwdlen,
               const unsigned char * const salt,
               unsigned long long          opslimit,
               size_t                      memlimit,
               int                         alg)
{
  crypto_generichash_state state;
  guint64 params[3] = { GUINT64_TO_LE (opslimit), GUINT64_TO_LE ((guint64) memlimit),
                        GUINT64_TO_LE ((guint64) (gint64) alg) };

  if (outlen < crypto_generichash_BYTES_MIN || outlen > crypto_generichash_BYTES_MAX ||
      alg != crypto_pwhash_ALG_ARGON2ID13)
    return -1;

  crypto_generichash_init (&state, salt, crypto_pwhash_SALTBYTES, (size_t) outlen);
  crypto_generichash_update (&state, (const unsigned char *) params, sizeof params);
  crypto_generichash_update (&state, (const unsigned char *) passwd, passwdlen);
  crypto_generichash_final (&state, out, (size_t) outlen);
  sodium_memzero (&state, sizeof state);

  return 0;
}
