/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-ack"

#include "sr-ack.h"

#include <sodium.h>
#include <string.h>

#include "sr-error.h"
#include "sr-sign.h"

/* docs/FORMAT.md, "Acknowledgement". */
#define ACK_MAGIC        "SRA\x01"
#define ACK_MAGIC_LEN    4
#define ACK_HEADER_LEN   (4 + SR_SIGN_PK_BYTES + 4 + 4)

struct _SrAck
{
  guint8   signer[SR_SIGN_PK_BYTES];
  guint32  day;
  guint    n_ids;
  guint8 (*ids)[SR_ENVELOPE_ID_BYTES];
};

static guint32
today (void)
{
  return (guint32) (g_get_real_time () / G_USEC_PER_SEC / (24 * 60 * 60));
}

GBytes *
sr_ack_create (const guint8     (*ids)[SR_ENVELOPE_ID_BYTES],
               guint              n_ids,
               const SrOrgSecret *secret,
               GError           **error)
{
  guint64 body_len = ACK_HEADER_LEN + (guint64) n_ids * SR_ENVELOPE_ID_BYTES;
  guint8 *data;
  guint32 le;

  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  if (body_len + SR_SIGNATURE_BYTES > G_MAXSIZE)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "Too many reports to acknowledge at once.");
      return NULL;
    }

  data = g_malloc (body_len + SR_SIGNATURE_BYTES);
  memcpy (data, ACK_MAGIC, ACK_MAGIC_LEN);
  memcpy (data + 4, sr_org_secret_get_sign_pk (secret), SR_SIGN_PK_BYTES);
  le = GUINT32_TO_LE (today ());
  memcpy (data + 36, &le, 4);
  le = GUINT32_TO_LE (n_ids);
  memcpy (data + 40, &le, 4);
  if (n_ids > 0)
    memcpy (data + ACK_HEADER_LEN, ids, (gsize) n_ids * SR_ENVELOPE_ID_BYTES);

  sr_sign (SR_SIGN_CONTEXT_ACK, data, body_len,
           sr_org_secret_get_sign_sk (secret), data + body_len);

  return g_bytes_new_take (data, body_len + SR_SIGNATURE_BYTES);
}

SrAck *
sr_ack_new_from_data (const guint8  *data,
                      gsize          len,
                      const guint8   pinned_sign_pk[SR_SIGN_PK_BYTES],
                      GError       **error)
{
  g_autofree char *theirs = NULL;
  SrAck *ack;
  guint64 expected;
  guint32 k;
  guint32 le;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (pinned_sign_pk != NULL, NULL);

  if (len < ACK_MAGIC_LEN)
    {
      if (len == 0 || memcmp (data, ACK_MAGIC, len) == 0)
        g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                             "This acknowledgement is cut short.");
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                             "This file is not a SafeReport acknowledgement.");
      return NULL;
    }
  if (memcmp (data, ACK_MAGIC, 3) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This file is not a SafeReport acknowledgement.");
      return NULL;
    }
  if (data[3] != ACK_MAGIC[3])
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This acknowledgement has version %u, which this version of SafeReport cannot read.",
                   data[3]);
      return NULL;
    }
  if (len < ACK_HEADER_LEN + SR_SIGNATURE_BYTES)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                           "This acknowledgement is cut short.");
      return NULL;
    }

  memcpy (&le, data + 40, 4);
  k = GUINT32_FROM_LE (le);
  expected = ACK_HEADER_LEN + (guint64) k * SR_ENVELOPE_ID_BYTES + SR_SIGNATURE_BYTES;
  if (len < expected)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_TRUNCATED,
                           "This acknowledgement is cut short.");
      return NULL;
    }
  if (len > expected)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This acknowledgement has extra bytes at its end.");
      return NULL;
    }

  /* The signer is named in the file only so that a refusal can say whose
   * it is; trust comes from the pinned key alone. */
  if (sodium_memcmp (data + 4, pinned_sign_pk, SR_SIGN_PK_BYTES) != 0)
    {
      theirs = sr_fingerprint_digits (data + 4);
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED,
                   "This acknowledgement was signed by another organisation (fingerprint %s), not the one this kiosk trusts.",
                   theirs);
      return NULL;
    }

  if (!sr_sign_verify (SR_SIGN_CONTEXT_ACK, data, len - SR_SIGNATURE_BYTES,
                       data + len - SR_SIGNATURE_BYTES, pinned_sign_pk))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_NOT_SIGNED,
                           "This acknowledgement's signature does not verify: it was forged or altered.");
      return NULL;
    }

  ack = g_new0 (SrAck, 1);
  memcpy (ack->signer, data + 4, SR_SIGN_PK_BYTES);
  memcpy (&le, data + 36, 4);
  ack->day = GUINT32_FROM_LE (le);
  ack->n_ids = k;
  ack->ids = g_memdup2 (data + ACK_HEADER_LEN, (gsize) k * SR_ENVELOPE_ID_BYTES);

  return ack;
}

void
sr_ack_free (SrAck *ack)
{
  if (ack == NULL)
    return;

  g_free (ack->ids);
  g_free (ack);
}

guint
sr_ack_get_n_ids (SrAck *ack)
{
  g_return_val_if_fail (ack != NULL, 0);

  return ack->n_ids;
}

const guint8 *
sr_ack_get_id (SrAck *ack,
               guint  index)
{
  g_return_val_if_fail (ack != NULL, NULL);
  g_return_val_if_fail (index < ack->n_ids, NULL);

  return ack->ids[index];
}

guint32
sr_ack_get_day (SrAck *ack)
{
  g_return_val_if_fail (ack != NULL, 0);

  return ack->day;
}

const guint8 *
sr_ack_get_signer (SrAck *ack)
{
  g_return_val_if_fail (ack != NULL, NULL);

  return ack->signer;
}
