/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The receipt code, large, and what to do with it; the sealed report as
 * QR codes to photograph, one part at a time; on a desktop, buttons that
 * save it as a file, save the codes as images, or print them. */
#define SR_TYPE_RECEIPT_PAGE (sr_receipt_page_get_type ())
G_DECLARE_FINAL_TYPE (SrReceiptPage, sr_receipt_page, SR, RECEIPT_PAGE, AdwBin)

/* envelope (the sealed report) may be NULL: then only the code shows.
 * can_save adds the desktop's file, image and print buttons. offer_qr is
 * FALSE for a report with photos, which leaves only as a file. */
GtkWidget         *sr_receipt_page_new          (const char    *receipt,
                                                 const char    *organisation,
                                                 GBytes        *envelope,
                                                 gboolean       can_save,
                                                 gboolean       offer_qr);
const char        *sr_receipt_page_get_receipt  (SrReceiptPage *self);

/* The QR parts: how many, which one shows (0-based), and its image. */
guint              sr_receipt_page_get_n_parts  (SrReceiptPage *self);
guint              sr_receipt_page_get_part     (SrReceiptPage *self);
void               sr_receipt_page_set_part     (SrReceiptPage *self,
                                                 guint          index);
GdkTexture        *sr_receipt_page_get_texture  (SrReceiptPage *self);

/* What the desktop's buttons do once the portal's dialog has given a
 * place: the dialogs only choose the GFile. */
gboolean           sr_receipt_page_save_file    (SrReceiptPage *self,
                                                 GFile         *file,
                                                 GError       **error);
gboolean           sr_receipt_page_save_images  (SrReceiptPage *self,
                                                 GFile         *folder,
                                                 guint         *n_files,
                                                 GError       **error);
/* A print operation with one page per QR part, each labelled "1 / 3" with
 * the receipt code under it. */
GtkPrintOperation *sr_receipt_page_new_print_operation (SrReceiptPage *self);

/* Takes the code and the QR codes off the screen, and closes any dialog
 * still open. */
void               sr_receipt_page_wipe         (SrReceiptPage *self);

G_END_DECLS
