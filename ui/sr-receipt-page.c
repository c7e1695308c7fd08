/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-receipt-page"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-receipt-page.h"

struct _SrReceiptPage
{
  AdwBin    parent_instance;

  GtkLabel *sent_label;
  GtkLabel *code_label;
  char     *receipt;
};

G_DEFINE_FINAL_TYPE (SrReceiptPage, sr_receipt_page, ADW_TYPE_BIN)

static void
sr_receipt_page_finalize (GObject *object)
{
  SrReceiptPage *self = SR_RECEIPT_PAGE (object);

  g_free (self->receipt);

  G_OBJECT_CLASS (sr_receipt_page_parent_class)->finalize (object);
}

static void
sr_receipt_page_class_init (SrReceiptPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sr_receipt_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-receipt-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, sent_label);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, code_label);
}

static void
sr_receipt_page_init (SrReceiptPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sr_receipt_page_new (const char *receipt,
                     const char *organisation)
{
  SrReceiptPage *self;
  g_autofree char *sent = NULL;

  g_return_val_if_fail (receipt != NULL, NULL);

  self = g_object_new (SR_TYPE_RECEIPT_PAGE, NULL);
  self->receipt = g_strdup (receipt);

  /* Translators: %s is the name of the organisation that receives reports. */
  sent = g_strdup_printf (_("It is stored on this device, locked, until it is taken to %s."),
                          organisation);
  gtk_label_set_text (self->sent_label, sent);
  gtk_label_set_text (self->code_label, receipt);
  /* The code reads left to right in every language. */
  gtk_widget_set_direction (GTK_WIDGET (self->code_label), GTK_TEXT_DIR_LTR);

  return GTK_WIDGET (self);
}

const char *
sr_receipt_page_get_receipt (SrReceiptPage *self)
{
  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), NULL);

  return self->receipt;
}

void
sr_receipt_page_wipe (SrReceiptPage *self)
{
  g_return_if_fail (SR_IS_RECEIPT_PAGE (self));

  gtk_label_set_text (self->code_label, "");
  g_clear_pointer (&self->receipt, g_free);
}
