/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-keys.h"

G_BEGIN_DECLS

/* A bundle (.srb, docs/FORMAT.md) carries many envelopes on a USB stick and
 * shows nothing but its padded size. */

/* Hands the writer the next envelope, in the order of the ids given. */
typedef GBytes *(*SrBundleNextFunc) (gpointer   user_data,
                                     GError   **error);

/* Writes a bundle to fd (already open, positioned at 0). ids and lengths
 * describe the n_records envelopes next() will hand over, in order. On
 * success, bundle_key (if not NULL) receives the bundle's file key so the
 * writer can read the file back with sr_bundle_verify_written. */
gboolean  sr_bundle_write          (int                fd,
                                    const guint8     (*recipients)[SR_BOX_KEY_BYTES],
                                    guint              n_recipients,
                                    guint              n_records,
                                    const guint8     (*ids)[SR_ENVELOPE_ID_BYTES],
                                    const guint32     *lengths,
                                    SrBundleNextFunc   next,
                                    gpointer           user_data,
                                    SrProgressFunc     progress,
                                    gpointer           progress_data,
                                    guint8             bundle_key[32],
                                    GError           **error);

/* Reads back a bundle just written, with the key the writer kept, from a
 * fresh descriptor after asking the kernel to drop its cached pages: the
 * header, the manifest, every record's id, the padding and the length must
 * all be as written. A failure is SR_ERROR_IO. */
gboolean  sr_bundle_verify_written (const char        *path,
                                    const guint8       bundle_key[32],
                                    guint              n_records,
                                    const guint8     (*ids)[SR_ENVELOPE_ID_BYTES],
                                    GError           **error);

typedef struct _SrBundleReader SrBundleReader;

/* Opens a bundle with the organisation's keys and checks its manifest. An
 * unreadable manifest fails the whole bundle (one error). */
SrBundleReader *sr_bundle_reader_new  (const char        *path,
                                       const SrOrgSecret *secret,
                                       GError           **error);
/* The same, for a bundle already in memory (a fuzz target, a test). */
SrBundleReader *sr_bundle_reader_new_from_bytes (GBytes            *data,
                                                 const SrOrgSecret *secret,
                                                 GError           **error);
guint     sr_bundle_reader_get_n_records (SrBundleReader *reader);
/* The day the bundle was written (days since 1970-01-01). */
guint32   sr_bundle_reader_get_day    (SrBundleReader   *reader);
/* The id the manifest names for record index (authentic once the reader
 * is open): an importer can skip a record it already holds. */
const guint8 *sr_bundle_reader_get_id (SrBundleReader   *reader,
                                       guint             index);
/* Record index's envelope bytes, checked against its id in the manifest.
 * A corrupt or missing record is an error for that record only. */
GBytes   *sr_bundle_reader_get_record (SrBundleReader   *reader,
                                       guint             index,
                                       GError          **error);
/* Checks what follows the records: padding that was altered, or bytes
 * appended, are SR_ERROR_TAMPERED. */
gboolean  sr_bundle_reader_check_tail (SrBundleReader   *reader,
                                       GError          **error);
void      sr_bundle_reader_free      (SrBundleReader   *reader);

/* Whether data starts like a bundle (TRUE) rather than an envelope or
 * anything else (FALSE). Any version counts, so that the reader can say
 * which version it cannot read. */
gboolean  sr_bundle_sniff           (const guint8 *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrBundleReader, sr_bundle_reader_free)

G_END_DECLS
