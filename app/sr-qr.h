/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-error.h"

G_BEGIN_DECLS

/* QR transport, text level: a sealed envelope cut into parts and put back
 * together. Every byte is specified in docs/FORMAT.md ("QR transport").
 *
 * A part is the text of one QR code: "SR1" followed by the base45 of a
 * 14-byte header (message id, index, count, checksum) and a chunk of the
 * envelope. The text uses only QR alphanumeric characters, so any scanner
 * app keeps it intact. The part text is also the unit to store: an inbox
 * keeps the texts of incomplete messages (sr_qr_assembler_get_pending_texts)
 * and feeds them back in (sr_qr_assembler_add) at the next import.
 *
 * Images (PNG, PDF sheet, scanning photos) live in sr-qr-image.h.
 *
 * Typical use on the kiosk side:
 *
 *   g_auto(GStrv) parts = sr_qr_split (envelope, 0, &error);
 *
 * and on the organisation side:
 *
 *   g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
 *   for (each stored or scanned text)
 *     if (!sr_qr_assembler_add (assembler, text, -1, NULL, &error))
 *       count it as rejected, say error->message, g_clear_error (&error);
 *   while ((envelope = sr_qr_assembler_pop_envelope (assembler)) != NULL)
 *     import envelope;
 *   store sr_qr_assembler_get_pending_texts (assembler) for next time;
 */

#define SR_QR_PREFIX                "SR1"
#define SR_QR_PREFIX_LEN            3
#define SR_QR_MESSAGE_ID_BYTES      8
#define SR_QR_HEADER_BYTES          14
#define SR_QR_MAX_PARTS             255

/* The largest symbol version parts may use, by default and at the
 * extremes. Version 25 is 117 × 117 modules: a phone reads it from a
 * screen or an A4 sheet without trouble. */
#define SR_QR_VERSION_CAP_DEFAULT   25
#define SR_QR_VERSION_CAP_MIN       5
#define SR_QR_VERSION_CAP_MAX       40

/* Capacity planning, for EC level M and alphanumeric mode. */

/* How many alphanumeric characters a symbol of this version (1..40)
 * holds at EC level M; 0 for a version out of range. */
guint      sr_qr_text_capacity       (guint          version);
/* The smallest version (1..40) holding n_chars alphanumeric characters
 * at EC level M, or 0 when not even version 40 does. */
guint      sr_qr_version_for_text    (gsize          n_chars);
/* The most envelope bytes one part carries under this version cap
 * (0 means SR_QR_VERSION_CAP_DEFAULT); 0 for a cap out of 5..40. */
gsize      sr_qr_chunk_max           (guint          version_cap);
/* How many parts an envelope of len bytes becomes under this cap, or 0
 * when it needs more than SR_QR_MAX_PARTS (or len is 0). */
guint      sr_qr_count_parts         (gsize          len,
                                      guint          version_cap);

/* Cuts an envelope into the fewest parts that fit version_cap (0 means
 * SR_QR_VERSION_CAP_DEFAULT), of near-equal size. Returns the part texts,
 * NULL-terminated, in order. Errors: SR_ERROR_INVALID (cap out of 5..40,
 * empty envelope), SR_ERROR_NO_SPACE (more than 255 parts needed). */
GStrv      sr_qr_split               (GBytes        *envelope,
                                      guint          version_cap,
                                      GError       **error);

/* One parsed part. */
typedef struct
{
  guint8  message_id[SR_QR_MESSAGE_ID_BYTES];  /* first 8 bytes of the envelope id */
  guint   index;                               /* 0-based, < count */
  guint   count;                               /* 1..255 */
  GBytes *chunk;                               /* this part's envelope bytes */
  char   *text;                                /* the canonical part text */
} SrQrPart;

/* Parses and checks one part text (len -1 when NUL-terminated). ASCII
 * whitespace before and after the text is ignored: scanner apps and
 * editors add or trim it, and a valid part never starts or ends with it
 * (a base45 text cannot end in a space; see docs/FORMAT.md ("QR transport")). The
 * returned part's text is canonical: exactly what sr_qr_split made.
 * Errors, each with one sentence a person can read:
 *   SR_ERROR_FORMAT    not a SafeReport part at all (no "SR1" prefix, far
 *                      too long), or a well-formed part naming an index
 *                      not below its count, or a count of 0;
 *   SR_ERROR_TAMPERED  damaged: not valid base45, too short for a header
 *                      and a chunk, or the checksum does not match. */
SrQrPart  *sr_qr_part_parse          (const char    *text,
                                      gssize         len,
                                      GError       **error);
void       sr_qr_part_free           (SrQrPart      *part);

/* The message id as 16 lower-case hex digits: a handy key for storing the
 * parts of one message together. */
char      *sr_qr_message_id_to_hex   (const guint8   message_id[SR_QR_MESSAGE_ID_BYTES]);

/* Collects parts of any number of messages, in any order, repeated and
 * mixed with junk, and hands out each envelope once all its parts are in. */
typedef struct _SrQrAssembler SrQrAssembler;

typedef enum
{
  SR_QR_PART_ADDED,      /* a new part; its message still misses others */
  SR_QR_PART_DUPLICATE,  /* this part, or its whole message, was already in */
  SR_QR_PART_COMPLETED,  /* the last missing part: an envelope awaits in pop */
} SrQrPartStatus;

/* What is known of a message still missing parts. */
typedef struct
{
  guint8 message_id[SR_QR_MESSAGE_ID_BYTES];
  guint  count;     /* parts the message has */
  guint  received;  /* parts at hand, < count */
} SrQrProgress;

SrQrAssembler *sr_qr_assembler_new          (void);
void           sr_qr_assembler_free         (SrQrAssembler *self);

/* Adds one part text (scanned, typed, or stored earlier). status, when not
 * NULL, says what the part did. Returns FALSE for a rejected part, with
 * the errors of sr_qr_part_parse and:
 *   SR_ERROR_TAMPERED  the part disagrees with earlier parts of its message
 *                      (another count, or other bytes at the same index);
 *                      or it completes the message but the joined envelope
 *                      does not hash to the message id. In that last case
 *                      every part of the message is dropped, so that the
 *                      genuine parts, fed again, can still complete it.
 * A rejected part changes nothing else: the assembler is never left in a
 * broken state. */
gboolean       sr_qr_assembler_add          (SrQrAssembler  *self,
                                             const char     *text,
                                             gssize          len,
                                             SrQrPartStatus *status,
                                             GError        **error);

/* The next envelope completed by sr_qr_assembler_add, oldest first, or
 * NULL when there is none. The envelope's id starts with its message id;
 * it still has to be opened (sr_envelope_open) to be trusted. */
GBytes        *sr_qr_assembler_pop_envelope (SrQrAssembler  *self);

/* The canonical texts of every part of every message still incomplete,
 * by message and then index (a GPtrArray of char *, owning them): what an
 * inbox stores to resume later. */
GPtrArray     *sr_qr_assembler_get_pending_texts (SrQrAssembler *self);

/* Every message still incomplete (a GArray of SrQrProgress). */
GArray        *sr_qr_assembler_get_incomplete (SrQrAssembler *self);

/* The 0-based indices (a GArray of guint, ascending) still missing for a
 * message, or NULL when the assembler holds no incomplete message with
 * this id. */
GArray        *sr_qr_assembler_get_missing  (SrQrAssembler  *self,
                                             const guint8    message_id[SR_QR_MESSAGE_ID_BYTES]);

/* Drops what is held of a message and forgets that it was completed: for a
 * caller that knows better (for example, an inbox that already holds the
 * envelope, or gave up on a broken message). */
void           sr_qr_assembler_forget       (SrQrAssembler  *self,
                                             const guint8    message_id[SR_QR_MESSAGE_ID_BYTES]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrQrPart, sr_qr_part_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrQrAssembler, sr_qr_assembler_free)

G_END_DECLS
