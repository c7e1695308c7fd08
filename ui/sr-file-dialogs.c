/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-file-dialogs"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-file-dialogs.h"

typedef struct
{
  SrFileChosenFunc func;
  gpointer         user_data;
  gboolean         done;
} Pending;

static void
on_response (GtkNativeDialog *dialog,
             int              response,
             gpointer         user_data)
{
  Pending *pending = user_data;
  g_autoptr(GFile) file = NULL;

  if (pending->done)
    return;
  pending->done = TRUE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  if (file != NULL)
    sr_file_dialog_forget (file);

  if (pending->func != NULL)
    pending->func (file, pending->user_data);

  /* The reference taken when the dialog was shown. */
  g_object_unref (dialog);
}

static GtkNativeDialog *
show (GtkWidget            *parent,
      const char           *title,
      GtkFileChooserAction  action,
      const char           *accept,
      SrFileChosenFunc      func,
      gpointer              user_data)
{
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  GtkFileChooserNative *chooser;
  Pending *pending;

  chooser = gtk_file_chooser_native_new (title,
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         action, accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  pending = g_new0 (Pending, 1);
  pending->func = func;
  pending->user_data = user_data;
  g_object_set_data_full (G_OBJECT (chooser), "sr-pending", pending, g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (on_response), pending);

  return GTK_NATIVE_DIALOG (chooser);
}

GtkNativeDialog *
sr_file_dialog_save (GtkWidget        *parent,
                     const char       *title,
                     const char       *suggested_name,
                     SrFileChosenFunc  func,
                     gpointer          user_data)
{
  GtkNativeDialog *dialog = show (parent, title, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                  func, user_data);

  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);
  gtk_native_dialog_show (dialog);

  return dialog;
}

GtkNativeDialog *
sr_file_dialog_open (GtkWidget        *parent,
                     const char       *title,
                     const char       *filter_name,
                     const char       *pattern,
                     SrFileChosenFunc  func,
                     gpointer          user_data)
{
  GtkNativeDialog *dialog = show (parent, title, GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                  func, user_data);

  if (pattern != NULL)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
      g_auto(GStrv) patterns = g_strsplit (pattern, ";", -1);

      gtk_file_filter_set_name (filter, filter_name);
      for (guint i = 0; patterns[i] != NULL; i++)
        gtk_file_filter_add_pattern (filter, patterns[i]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
      gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (dialog), filter);
    }
  gtk_native_dialog_show (dialog);

  return dialog;
}

GtkNativeDialog *
sr_file_dialog_folder (GtkWidget        *parent,
                       const char       *title,
                       SrFileChosenFunc  func,
                       gpointer          user_data)
{
  GtkNativeDialog *dialog = show (parent, title, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                  _("_Select"), func, user_data);

  gtk_native_dialog_show (dialog);

  return dialog;
}

void
sr_file_dialog_cancel (GtkNativeDialog *dialog)
{
  Pending *pending;

  g_return_if_fail (GTK_IS_NATIVE_DIALOG (dialog));

  pending = g_object_get_data (G_OBJECT (dialog), "sr-pending");
  g_return_if_fail (pending != NULL);

  /* Destroying may or may not report a response; either way the caller
   * hears nothing, and the reference is dropped once. */
  g_object_ref (dialog);
  pending->func = NULL;
  gtk_native_dialog_destroy (dialog);
  if (!pending->done)
    {
      pending->done = TRUE;
      g_object_unref (dialog);
    }
  g_object_unref (dialog);
}

void
sr_file_dialog_forget (GFile *file)
{
  g_autofree char *uri = NULL;

  g_return_if_fail (G_IS_FILE (file));

  uri = g_file_get_uri (file);
  /* Not there is the usual answer (the portal's dialog runs elsewhere);
   * nothing to report either way. */
  gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, NULL);
}
