/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Base45 (RFC 9285): bytes as text in the 45 characters of the QR code
 * alphanumeric mode, "0-9", "A-Z" and " $%*+-./:". Two bytes become three
 * characters, a last odd byte two. Used by the QR transport
 * (docs/FORMAT.md ("QR transport")). */

#define SR_BASE45_ALPHABET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

/* The number of characters base45 makes of len bytes. */
gsize    sr_base45_encoded_len (gsize          len);

/* The number of bytes a base45 text of len characters stands for, or
 * G_MAXSIZE when no text of that length is valid (len ≡ 1 mod 3). */
gsize    sr_base45_decoded_len (gsize          len);

/* Encodes len bytes; returns a NUL-terminated string. */
char    *sr_base45_encode      (const guint8  *data,
                                gsize          len);

/* Decodes strictly: any character outside the alphabet (lower case too),
 * a group of three worth more than 65535, a last pair worth more than 255
 * or a dangling single character is an error (SR_ERROR_FORMAT). Every
 * byte string has exactly one valid text, so a changed character never
 * decodes to the same bytes. len may be -1 for a NUL-terminated text. */
GBytes  *sr_base45_decode      (const char    *text,
                                gssize         len,
                                GError       **error);

G_END_DECLS
