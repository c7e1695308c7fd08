/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The receipt code, large, and what to do with it. Emits "done" when the
 * person is finished. */
#define SR_TYPE_RECEIPT_PAGE (sr_receipt_page_get_type ())
G_DECLARE_FINAL_TYPE (SrReceiptPage, sr_receipt_page, SR, RECEIPT_PAGE, AdwBin)

GtkWidget  *sr_receipt_page_new         (const char    *receipt,
                                         const char    *organisation);
const char *sr_receipt_page_get_receipt (SrReceiptPage *self);
/* Takes the code off the screen. */
void        sr_receipt_page_wipe        (SrReceiptPage *self);

G_END_DECLS
