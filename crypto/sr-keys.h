/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-secret.h"

G_BEGIN_DECLS

#define SR_BOX_KEY_BYTES   32   /* X25519 public or secret key */
#define SR_SIGN_PK_BYTES   32   /* Ed25519 public key */
#define SR_SIGN_SK_BYTES   64   /* Ed25519 secret key (seed || public key) */
#define SR_MAX_BOX_KEYS    64   /* current key plus retired ones */

/* What the organisation hands out: the key reports are sealed to and the
 * key its profiles and acknowledgements are signed with. */
typedef struct
{
  guint8 box[SR_BOX_KEY_BYTES];
  guint8 sign[SR_SIGN_PK_BYTES];
} SrOrgPublic;

/* The organisation's secret keys, in guarded memory. Box key 0 is the
 * current one; the others are retired keys kept to open older reports.
 * The signing key does not rotate: kiosks pin it. */
typedef struct _SrOrgSecret SrOrgSecret;

SrOrgSecret  *sr_org_secret_generate      (void);
/* Adds a fresh box key as the current one and keeps every older key. */
SrOrgSecret  *sr_org_secret_rotate        (const SrOrgSecret *secret,
                                           GError           **error);
void          sr_org_secret_free          (SrOrgSecret       *secret);
void          sr_org_secret_get_public    (const SrOrgSecret *secret,
                                           SrOrgPublic       *out);
guint         sr_org_secret_get_n_box_keys (const SrOrgSecret *secret);
const guint8 *sr_org_secret_get_box_pk    (const SrOrgSecret *secret,
                                           guint              index);
const guint8 *sr_org_secret_get_box_sk    (const SrOrgSecret *secret,
                                           guint              index);
const guint8 *sr_org_secret_get_sign_pk   (const SrOrgSecret *secret);
const guint8 *sr_org_secret_get_sign_sk   (const SrOrgSecret *secret);

/* org.key: the secret keys sealed under a passphrase with Argon2id at no
 * less than the MODERATE limits. */
GBytes       *sr_org_secret_seal          (const SrOrgSecret *secret,
                                           const SrSecret    *passphrase,
                                           GError           **error);
SrOrgSecret  *sr_org_secret_unseal        (const guint8      *data,
                                           gsize              len,
                                           const SrSecret    *passphrase,
                                           GError           **error);

/* org.pub: text a person can compare. name may be NULL. */
char         *sr_org_public_to_text       (const SrOrgPublic *pub,
                                           const char        *name);
gboolean      sr_org_public_from_text     (const char        *text,
                                           gsize              len,
                                           SrOrgPublic       *out,
                                           GError           **error);

/* Fingerprint of a signing key: what a kiosk keeper compares before the key
 * is pinned. Digits: twelve groups of five ("01234 56789 ..."). Words: eight
 * words from a fixed list of 256, separated by single spaces. */
char         *sr_fingerprint_digits       (const guint8       sign_pk[SR_SIGN_PK_BYTES]);
char         *sr_fingerprint_words        (const guint8       sign_pk[SR_SIGN_PK_BYTES]);

/* Base64 (standard alphabet, padded) of 32 bytes and back. */
char         *sr_key_to_base64            (const guint8      *key,
                                           gsize              len);
gboolean      sr_key_from_base64          (const char        *text,
                                           guint8            *out,
                                           gsize              len,
                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrOrgSecret, sr_org_secret_free)

G_END_DECLS
