/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "sr-answers.h"
#include "sr-error.h"
#include "sr-profile.h"
#include "sr-secret.h"

G_BEGIN_DECLS

/* The kiosk's outbox: DATA_DIR/outbox.db (SQLite, WAL, synchronous=FULL,
 * secure_delete, 0600). It holds envelopes only, never plaintext, plus the
 * provisioned profile and its pinned signing key. Several processes may
 * open the same outbox, and several threads may share one SrOutbox (its
 * calls run one at a time). Programs that export must ignore SIGXFSZ (see
 * sr-fsutil.h). */
#define SR_TYPE_OUTBOX (sr_outbox_get_type ())
G_DECLARE_FINAL_TYPE (SrOutbox, sr_outbox, SR, OUTBOX, GObject)

SrOutbox   *sr_outbox_new            (const char     *data_dir,
                                      GError        **error);
const char *sr_outbox_get_data_dir   (SrOutbox       *self);

/* Verifies a .srp; on first provisioning pins its signing key, later only a
 * profile signed by the pinned key with a serial not lower than the current
 * one replaces it (SR_ERROR_NOT_SIGNED, SR_ERROR_STALE). The one exception:
 * while the kiosk runs on a demo profile (whose key is public), any real
 * profile replaces it and its key is pinned instead; a demo profile never
 * replaces a real one. fingerprint gets
 * the pinned key's fingerprint in digits. */
gboolean    sr_outbox_provision      (SrOutbox       *self,
                                      const guint8   *data,
                                      gsize           len,
                                      char          **fingerprint,
                                      GError        **error);
/* The pinned signing key's fingerprint in digits, or
 * SR_ERROR_NOT_PROVISIONED. */
char       *sr_outbox_get_fingerprint (SrOutbox      *self,
                                      GError        **error);
/* The provisioned profile (a new reference), or SR_ERROR_NOT_PROVISIONED. */
SrProfile  *sr_outbox_get_profile    (SrOutbox       *self,
                                      GError        **error);

/* Validates, encodes, seals to the profile's recipients and commits. The
 * receipt is returned only once the envelope is durable. */
char       *sr_outbox_submit         (SrOutbox       *self,
                                      SrAnswers      *answers,
                                      GError        **error);
/* The envelope behind a receipt still in the outbox. */
GBytes     *sr_outbox_lookup         (SrOutbox       *self,
                                      const char     *receipt,
                                      GError        **error);

/* Writes every envelope not yet acknowledged to path as a bundle: temp
 * name, fsync, read back and verify, rename; only then are the envelopes
 * marked exported. With nothing to export, no file is written and
 * n_exported is 0. On failure nothing is marked and no temporary file is
 * left (a bundle already renamed into place stays);
 * a full disk or a file-size limit is SR_ERROR_NO_SPACE. */
gboolean    sr_outbox_export         (SrOutbox       *self,
                                      const char     *path,
                                      guint          *n_exported,
                                      SrProgressFunc  progress,
                                      gpointer        progress_data,
                                      GError        **error);

/* Verifies an acknowledgement against the pinned key and deletes exactly
 * the envelopes it names that are still here (secure_delete); n_purged
 * gets how many. A forged or foreign acknowledgement deletes nothing. */
gboolean    sr_outbox_apply_ack      (SrOutbox       *self,
                                      const guint8   *data,
                                      gsize           len,
                                      guint          *n_purged,
                                      GError        **error);

/* The admin area's PIN, stored as an Argon2id hash (crypto_pwhash_str, at
 * least the MODERATE limits) in outbox.db. A PIN has 4 to 64 characters. */
gboolean    sr_outbox_has_admin_pin  (SrOutbox       *self);
gboolean    sr_outbox_set_admin_pin  (SrOutbox       *self,
                                      const SrSecret *pin,
                                      GError        **error);
/* SR_ERROR_BAD_PASSPHRASE for a wrong PIN. After three wrong PINs in a
 * row, every further try waits (30 s, doubling, at most an hour) and gets
 * SR_ERROR_LOCKED until then; the count survives a restart. *wait_seconds
 * (may be NULL) gets how long to wait when locked. */
gboolean    sr_outbox_check_admin_pin (SrOutbox      *self,
                                      const SrSecret *pin,
                                      guint          *wait_seconds,
                                      GError        **error);

/* The counts, or FALSE with error when the outbox cannot be read (a
 * damaged file, say): nobody should be told an outbox is empty when it
 * could not be counted. */
gboolean    sr_outbox_count          (SrOutbox       *self,
                                      guint          *pending,
                                      guint          *exported,
                                      guint          *acknowledged,
                                      GError        **error);
/* The same, with a failure logged as a warning and every count 0. */
void        sr_outbox_get_counts     (SrOutbox       *self,
                                      guint          *pending,
                                      guint          *exported,
                                      guint          *acknowledged);

G_END_DECLS
