/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-welcome-page"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-welcome-page.h"

struct _SrWelcomePage
{
  AdwBin    parent_instance;

  GtkLabel *receiver_label;
  GtkLabel *sealed_label;
  GtkLabel *contact_label;
};

G_DEFINE_FINAL_TYPE (SrWelcomePage, sr_welcome_page, ADW_TYPE_BIN)

static void
sr_welcome_page_class_init (SrWelcomePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWelcomePage, receiver_label);
  gtk_widget_class_bind_template_child (widget_class, SrWelcomePage, sealed_label);
  gtk_widget_class_bind_template_child (widget_class, SrWelcomePage, contact_label);
}

static void
sr_welcome_page_init (SrWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sr_welcome_page_new (const char *organisation,
                     const char *contact)
{
  SrWelcomePage *self = g_object_new (SR_TYPE_WELCOME_PAGE, NULL);
  g_autofree char *receiver = NULL;
  g_autofree char *sealed = NULL;

  g_return_val_if_fail (organisation != NULL, NULL);

  /* Translators: %s is the name of the organisation that receives reports. */
  receiver = g_strdup_printf (_("Here you can tell %s what happened to you, or to someone you know."),
                              organisation);
  /* Translators: %s is the name of the organisation that receives reports. */
  sealed = g_strdup_printf (_("Your report is locked on this device before it leaves. Only %s can open it."),
                            organisation);
  gtk_label_set_text (self->receiver_label, receiver);
  gtk_label_set_text (self->sealed_label, sealed);

  if (contact != NULL && *contact != '\0')
    {
      /* Translators: %s is how to reach the organisation (a phone number, an address). */
      g_autofree char *text = g_strdup_printf (_("To reach them: %s"), contact);

      gtk_label_set_text (self->contact_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->contact_label), TRUE);
    }

  return GTK_WIDGET (self);
}
