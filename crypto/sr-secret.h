/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A buffer for secrets and plaintext: allocated with sodium_malloc (guard
 * pages, locked where the system allows), wiped and released by
 * sr_secret_free. Use it for passphrases, file keys and report plaintext. */
typedef struct
{
  guint8 *data;
  gsize   len;
} SrSecret;

SrSecret *sr_secret_new        (gsize          len);
SrSecret *sr_secret_new_from   (const guint8  *data,
                                gsize          len);
/* Shrinks the visible length (the allocation stays); len must not grow. */
void      sr_secret_truncate   (SrSecret      *secret,
                                gsize          len);
void      sr_secret_free       (SrSecret      *secret);

/* Wipes and frees a NUL-terminated string the caller owns. NULL is fine. */
void      sr_wipe_string_free  (char          *str);
/* Wipes and frees a GByteArray. NULL is fine. */
void      sr_wipe_byte_array_free (GByteArray *array);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSecret, sr_secret_free)

G_END_DECLS
