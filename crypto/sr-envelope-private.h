/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-keys.h"

G_BEGIN_DECLS

/* Fills buf with len random bytes. */
typedef void (*SrRandomFunc) (guint8   *buf,
                              gsize     len,
                              gpointer  user_data);

/* sr_envelope_seal with the randomness supplied by the caller, so that a
 * test vector can be reproduced byte for byte. The bytes are drawn in this
 * order: the file key (32), then for each recipient in turn the ephemeral
 * X25519 secret key of its stanza (32), then the secretstream header (24).
 * sr_envelope_seal passes libsodium's randombytes_buf. */
GBytes *sr_envelope_seal_with_random (const guint8   *plaintext,
                                      gsize           len,
                                      const guint8  (*recipients)[SR_BOX_KEY_BYTES],
                                      guint           n_recipients,
                                      SrRandomFunc    random,
                                      gpointer        user_data,
                                      GError        **error);

G_END_DECLS
