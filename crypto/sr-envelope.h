/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-keys.h"
#include "sr-secret.h"

G_BEGIN_DECLS

#define SR_ENVELOPE_ID_BYTES        32
#define SR_ENVELOPE_MAX_RECIPIENTS  16
#define SR_RECEIPT_CHARS            10   /* without the dash */

/* An envelope (.sre) seals one report to one or more recipients' box keys.
 * See docs/FORMAT.md for every byte. The plaintext is padded (PADMÉ)
 * inside the seal; the caller passes the unpadded report bytes. */
GBytes   *sr_envelope_seal     (const guint8   *plaintext,
                                gsize           len,
                                const guint8  (*recipients)[SR_BOX_KEY_BYTES],
                                guint           n_recipients,
                                GError        **error);

/* Opens with any of the secret's box keys (current or retired). Errors:
 * SR_ERROR_FORMAT, SR_ERROR_TRUNCATED, SR_ERROR_WRONG_KEY, SR_ERROR_TAMPERED. */
SrSecret *sr_envelope_open     (const guint8   *envelope,
                                gsize           len,
                                const SrOrgSecret *secret,
                                GError        **error);

/* Everything sr_envelope_open checks, with the same errors, but the
 * report is wiped as it is decrypted and nothing is returned: for an
 * import, which must know that an envelope is sealed to the organisation
 * and intact, and is much faster without a guarded buffer per envelope. */
gboolean  sr_envelope_verify   (const guint8   *envelope,
                                gsize           len,
                                const SrOrgSecret *secret,
                                GError        **error);

/* Cheap structural check, no key needed: magic, version, sizes. */
gboolean  sr_envelope_check    (const guint8   *envelope,
                                gsize           len,
                                GError        **error);

/* Content address: BLAKE2b-256 of the whole envelope. */
void      sr_envelope_id       (const guint8   *envelope,
                                gsize           len,
                                guint8          id[SR_ENVELOPE_ID_BYTES]);

/* Receipt code: the first 50 bits of the id in Crockford base32, grouped
 * as "ABCDE-FGHJK". */
char     *sr_receipt_from_id   (const guint8    id[SR_ENVELOPE_ID_BYTES]);
/* Accepts what a person types or reads aloud: any case, spaces or dashes,
 * O for 0, I and L for 1. Returns the canonical "ABCDE-FGHJK" or NULL. */
char     *sr_receipt_normalize (const char     *text);

/* PADMÉ: the padded length for len bytes (Nikitin et al., 2019). */
gsize     sr_padme             (gsize           len);

G_END_DECLS
