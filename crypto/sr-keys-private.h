/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-keys.h"

G_BEGIN_DECLS

#define SR_KEY_FILE_SALT_BYTES   16
#define SR_KEY_FILE_NONCE_BYTES  24

/* Builds an organisation secret from known keys: the Ed25519 secret key
 * (seed || public key) and n_box_keys X25519 secret keys, the current one
 * first. The public halves are derived and checked. For the key file reader
 * and for test vectors. */
SrOrgSecret *sr_org_secret_new_from_keys   (const guint8   sign_sk[SR_SIGN_SK_BYTES],
                                            const guint8 (*box_sks)[SR_BOX_KEY_BYTES],
                                            guint          n_box_keys,
                                            GError       **error);

/* sr_org_secret_seal with every input given: the Argon2id limits, the salt
 * and the nonce. sr_org_secret_seal calls it with the MODERATE limits and
 * fresh random bytes; tests call it to reproduce a committed vector or to
 * write a file with limits a reader must refuse. */
GBytes      *sr_org_secret_seal_with_params (const SrOrgSecret *secret,
                                             const SrSecret    *passphrase,
                                             guint64            opslimit,
                                             guint64            memlimit,
                                             const guint8       salt[SR_KEY_FILE_SALT_BYTES],
                                             const guint8       nonce[SR_KEY_FILE_NONCE_BYTES],
                                             GError           **error);

G_END_DECLS
