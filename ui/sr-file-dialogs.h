/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The file dialogs: GtkFileChooserNative, which goes through the portal
 * where there is one (Flatpak) and is GTK's own dialog otherwise. They do
 * nothing but choose a place; the caller gets a GFile (NULL when the
 * dialog was cancelled) and does the work, so that tests can call the
 * same code with a GFile of their own. */
typedef void (*SrFileChosenFunc) (GFile    *file,
                                  gpointer  user_data);

/* Each returns the dialog, already shown; it stays valid until func has
 * been called or sr_file_dialog_cancel. */
GtkNativeDialog *sr_file_dialog_save   (GtkWidget        *parent,
                                        const char       *title,
                                        const char       *suggested_name,
                                        SrFileChosenFunc  func,
                                        gpointer          user_data);
/* pattern: a glob such as "*.sra", or several separated by ";";
 * filter_name: what the dialog calls it. */
GtkNativeDialog *sr_file_dialog_open   (GtkWidget        *parent,
                                        const char       *title,
                                        const char       *filter_name,
                                        const char       *pattern,
                                        SrFileChosenFunc  func,
                                        gpointer          user_data);
GtkNativeDialog *sr_file_dialog_folder (GtkWidget        *parent,
                                        const char       *title,
                                        SrFileChosenFunc  func,
                                        gpointer          user_data);
/* Closes the dialog without calling its func. */
void             sr_file_dialog_cancel (GtkNativeDialog  *dialog);

/* GTK's own dialog adds what it chose to the recently used files, where
 * anyone at the computer can see that a report was saved: takes it out
 * again. */
void             sr_file_dialog_forget (GFile            *file);

G_END_DECLS
