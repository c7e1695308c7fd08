/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-answers.h"

G_BEGIN_DECLS

/* Photos and screenshots for a report, in desktop mode only: a list of the
 * images attached to the answers, each with a button to remove it, and a
 * button that opens the file chooser (the portal in Flatpak). An image is
 * read and re-encoded (sr_image_sanitize: no EXIF, no GPS) off the main
 * thread; only the result is attached, and the file's bytes are wiped. */
#define SR_TYPE_ATTACHMENTS (sr_attachments_get_type ())
G_DECLARE_FINAL_TYPE (SrAttachments, sr_attachments, SR, ATTACHMENTS, AdwBin)

GtkWidget *sr_attachments_new         (void);
/* The answers whose attachments are shown and changed; not owned. Set NULL
 * before the answers are freed: an image still being prepared is then
 * dropped (and wiped) when it is ready. */
void       sr_attachments_set_answers (SrAttachments *self,
                                       SrAnswers     *answers);
/* Reads, re-encodes and attaches an image: what the file chooser does
 * with the file chosen, and what tests call. */
void       sr_attachments_add_file    (SrAttachments *self,
                                       GFile         *file);
/* Whether an image is being prepared. */
gboolean   sr_attachments_get_busy    (SrAttachments *self);

G_END_DECLS
