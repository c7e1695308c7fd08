/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-envelope.h"
#include "sr-keys.h"

G_BEGIN_DECLS

/* An acknowledgement (.sra, docs/FORMAT.md): envelope ids the organisation
 * received, signed with its signing key. */
typedef struct _SrAck SrAck;

/* Makes the .sra bytes for n_ids ids (0 is allowed), dated today. */
GBytes       *sr_ack_create     (const guint8     (*ids)[SR_ENVELOPE_ID_BYTES],
                                 guint              n_ids,
                                 const SrOrgSecret *secret,
                                 GError           **error);
/* Verifies against the pinned signing key. A foreign or forged
 * acknowledgement is SR_ERROR_NOT_SIGNED and says which. */
SrAck        *sr_ack_new_from_data (const guint8   *data,
                                 gsize              len,
                                 const guint8       pinned_sign_pk[SR_SIGN_PK_BYTES],
                                 GError           **error);
void          sr_ack_free       (SrAck             *ack);
guint         sr_ack_get_n_ids  (SrAck             *ack);
const guint8 *sr_ack_get_id     (SrAck             *ack,
                                 guint              index);
/* The day the organisation made it (days since 1970-01-01). */
guint32       sr_ack_get_day    (SrAck             *ack);
const guint8 *sr_ack_get_signer (SrAck             *ack);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAck, sr_ack_free)

G_END_DECLS
