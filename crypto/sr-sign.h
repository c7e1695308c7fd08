/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-keys.h"

G_BEGIN_DECLS

#define SR_SIGNATURE_BYTES 64

/* Ed25519 over a domain-separated message: context || 0x00 || message, so
 * a signature made for one kind of file never verifies as another kind. */
void     sr_sign        (const char   *context,
                         const guint8 *message,
                         gsize         len,
                         const guint8  sign_sk[SR_SIGN_SK_BYTES],
                         guint8        signature[SR_SIGNATURE_BYTES]);
gboolean sr_sign_verify (const char   *context,
                         const guint8 *message,
                         gsize         len,
                         const guint8  signature[SR_SIGNATURE_BYTES],
                         const guint8  sign_pk[SR_SIGN_PK_BYTES]);

#define SR_SIGN_CONTEXT_PROFILE "SafeReport profile v1"
#define SR_SIGN_CONTEXT_ACK     "SafeReport acknowledgement v1"

G_END_DECLS
