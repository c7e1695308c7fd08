/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-secret.h"

G_BEGIN_DECLS

#define SR_PIN_HASH_BYTES 128   /* crypto_pwhash_STRBYTES */
#define SR_PIN_MIN_CHARS  4
#define SR_PIN_MAX_CHARS  64

/* The kiosk admin PIN as an Argon2id string hash (libsodium's
 * crypto_pwhash_str, MODERATE limits). SR_ERROR_INVALID if the PIN is too
 * short or too long. */
char     *sr_pin_hash   (const SrSecret *pin,
                         GError        **error);
/* Whether pin matches hash; FALSE also for a malformed hash. */
gboolean  sr_pin_verify (const char     *hash,
                         const SrSecret *pin);

G_END_DECLS
