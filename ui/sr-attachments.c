/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-attachments"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-attachments.h"
#include "sr-error.h"
#include "sr-file-dialogs.h"
#include "sr-i18n.h"
#include "sr-image.h"
#include "sr-secret.h"

/* The file chooser's filter: what sr_image_sanitize reads. */
#define IMAGE_PATTERNS "*.jpg;*.jpeg;*.png;*.JPG;*.JPEG;*.PNG"

struct _SrAttachments
{
  AdwBin           parent_instance;

  GtkListBox      *list;
  GtkWidget       *add_button;
  GtkWidget       *spinner;
  GtkLabel        *status;
  GtkNativeDialog *dialog;

  SrAnswers       *answers;     /* not owned */
  guint            generation;  /* changes whenever the answers do */
  guint            busy;        /* images being prepared */
  gboolean         disposed;    /* its widgets are gone; a late image is only wiped */
};

G_DEFINE_FINAL_TYPE (SrAttachments, sr_attachments, ADW_TYPE_BIN)

/* ---- Showing ----------------------------------------------------------- */

static void on_remove_clicked (GtkButton     *button,
                               SrAttachments *self);

static char *
localized_number (guint n)
{
  char number[16];

  g_snprintf (number, sizeof number, "%u", n);
  return sr_i18n_localize_digits (number);
}

static GtkWidget *
make_row (SrAttachments *self,
          guint          index)
{
  const SrSecret *data = sr_answers_get_attachment (self->answers, index, NULL);
  g_autofree char *number = localized_number (index + 1);
  g_autofree char *size = g_format_size (data->len);
  g_autofree char *size_shown = sr_i18n_localize_digits (size);
  /* Translators: %s is a number: the first, second… photo of the report. */
  g_autofree char *title = g_strdup_printf (_("Photo %s"), number);
  /* Translators: %s is a number, as in "Photo %s". */
  g_autofree char *remove = g_strdup_printf (_("Remove photo %s"), number);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size_shown);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (button, 48, 48);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, remove);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove, -1);
  g_object_set_data (G_OBJECT (button), "sr-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
set_status (SrAttachments *self,
            const char    *text)
{
  gtk_label_set_text (self->status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status), text != NULL);
}

static void
refresh (SrAttachments *self)
{
  GtkWidget *child;
  guint n = self->answers != NULL ? sr_answers_get_n_attachments (self->answers) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->list, make_row (self, i));

  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
  gtk_widget_set_visible (self->spinner, self->busy > 0);
  gtk_widget_set_sensitive (self->add_button,
                            self->answers != NULL && self->busy == 0 && n < SR_ATTACHMENTS_MAX);
}

static void
on_remove_clicked (GtkButton     *button,
                   SrAttachments *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sr-index"));

  if (self->answers == NULL || index >= sr_answers_get_n_attachments (self->answers))
    return;

  sr_answers_remove_attachment (self->answers, index);
  set_status (self, NULL);
  refresh (self);
  gtk_widget_grab_focus (self->add_button);
}

/* ---- Adding ------------------------------------------------------------ */

typedef struct
{
  SrSecret   *image;       /* re-encoded */
  const char *media_type;  /* static */
} Prepared;

static void
prepared_free (Prepared *prepared)
{
  if (prepared == NULL)
    return;

  sr_secret_free (prepared->image);
  g_free (prepared);
}

/* Reads the whole file into guarded memory, refusing anything larger than
 * an image may be before it has been read. */
static SrSecret *
read_image_file (GFile         *file,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(SrSecret) data = NULL;
  guint8 extra;
  gsize got = 0;
  goffset size;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    return NULL;
  size = g_file_info_get_size (info);
  if (size <= 0 || (guint64) size > SR_IMAGE_MAX_INPUT)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The file is empty or larger than an image may be.");
      return NULL;
    }

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  data = sr_secret_new ((gsize) size);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), data->data, data->len, &got,
                                cancellable, error))
    return NULL;
  /* The file changed while it was read: take nothing half-read. */
  if (got != data->len
      || g_input_stream_read (G_INPUT_STREAM (stream), &extra, 1, cancellable, NULL) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_IO,
                           "The file changed while it was read.");
      return NULL;
    }

  return g_steal_pointer (&data);
}

static void
prepare_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(SrSecret) raw = NULL;
  g_autoptr(GError) error = NULL;
  Prepared *prepared;

  raw = read_image_file (file, cancellable, &error);
  if (raw == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  prepared = g_new0 (Prepared, 1);
  prepared->image = sr_image_sanitize (raw->data, raw->len, &prepared->media_type,
                                       NULL, NULL, &error);
  if (prepared->image == NULL)
    {
      prepared_free (prepared);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, prepared, (GDestroyNotify) prepared_free);
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrAttachments *self = SR_ATTACHMENTS (source);
  guint generation = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  Prepared *prepared;

  prepared = g_task_propagate_pointer (G_TASK (result), &error);
  self->busy--;
  if (self->disposed)
    {
      prepared_free (prepared);
      return;
    }

  /* The answers this image was meant for are gone (quick exit, reset):
   * it is wiped, never attached to anything else. */
  if (generation != self->generation || self->answers == NULL)
    {
      prepared_free (prepared);
      refresh (self);
      return;
    }

  if (prepared == NULL)
    {
      g_autofree char *message = NULL;
      g_autofree char *shown = NULL;

      g_debug ("An image could not be attached: %s", error->message);
      /* Translators: %u is a size in megabytes. */
      message = g_strdup_printf (_("This file cannot be added. Choose a photo or screenshot in JPEG or PNG, of at most %u MB."),
                                 (guint) (SR_IMAGE_MAX_INPUT >> 20));
      shown = sr_i18n_localize_digits (message);
      set_status (self, shown);
      refresh (self);
      return;
    }

  if (!sr_answers_add_attachment (self->answers, prepared->media_type,
                                  g_steal_pointer (&prepared->image), &error))
    {
      g_autofree char *message = NULL;
      g_autofree char *shown = NULL;

      g_debug ("An image could not be attached: %s", error->message);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "A report can hold %u photo at most.",
                                              "A report can hold %u photos at most.",
                                              SR_ATTACHMENTS_MAX),
                                 SR_ATTACHMENTS_MAX);
      shown = sr_i18n_localize_digits (message);
      set_status (self, shown);
    }
  else
    {
      set_status (self, NULL);
    }
  prepared_free (prepared);
  refresh (self);
}

void
sr_attachments_add_file (SrAttachments *self,
                         GFile         *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_ATTACHMENTS (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->answers == NULL)
    return;

  self->busy++;
  set_status (self, NULL);
  refresh (self);

  task = g_task_new (self, NULL, on_prepared, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, sr_attachments_add_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, prepare_in_thread);
}

static void
on_file_chosen (GFile    *file,
                gpointer  user_data)
{
  SrAttachments *self = user_data;

  self->dialog = NULL;
  if (file == NULL)
    return;

  sr_file_dialog_forget (file);
  sr_attachments_add_file (self, file);
}

static void
on_add_clicked (GtkButton     *button,
                SrAttachments *self)
{
  if (self->dialog != NULL || self->answers == NULL)
    return;

  self->dialog = sr_file_dialog_open (GTK_WIDGET (self), _("Choose a Photo"),
                                      _("Photos and screenshots"), IMAGE_PATTERNS,
                                      on_file_chosen, self);
}

/* ---- The widget -------------------------------------------------------- */

void
sr_attachments_set_answers (SrAttachments *self,
                            SrAnswers     *answers)
{
  g_return_if_fail (SR_IS_ATTACHMENTS (self));

  /* The review page shows the same answers again after an edit: a photo
   * still being prepared for them is kept. Other answers (or none, after
   * a quick exit, which always comes first) drop it. */
  if (answers != self->answers)
    self->generation++;
  self->answers = answers;
  if (answers == NULL && self->dialog != NULL)
    g_clear_pointer (&self->dialog, sr_file_dialog_cancel);
  set_status (self, NULL);
  refresh (self);
}

gboolean
sr_attachments_get_busy (SrAttachments *self)
{
  g_return_val_if_fail (SR_IS_ATTACHMENTS (self), FALSE);

  return self->busy > 0;
}

GtkWidget *
sr_attachments_new (void)
{
  return g_object_new (SR_TYPE_ATTACHMENTS, NULL);
}

static void
sr_attachments_dispose (GObject *object)
{
  SrAttachments *self = SR_ATTACHMENTS (object);

  self->disposed = TRUE;
  self->generation++;
  self->answers = NULL;
  g_clear_pointer (&self->dialog, sr_file_dialog_cancel);

  G_OBJECT_CLASS (sr_attachments_parent_class)->dispose (object);
}

static void
sr_attachments_class_init (SrAttachmentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_attachments_dispose;
}

static void
sr_attachments_init (SrAttachments *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *content = adw_button_content_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Photos"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("You can add photos or screenshots, for example of messages or of a place. Anything hidden in them, such as where and when a photo was taken, is removed first. A report with photos can be saved as a file, but it is too large for QR codes."));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Photos"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->list));

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Add a Photo…"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  self->add_button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (self->add_button), content);
  gtk_widget_set_size_request (self->add_button, -1, 48);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add a photo"), -1);
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (on_add_clicked), self);

  self->spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Preparing the photo"), -1);

  gtk_widget_set_margin_top (footer, 12);
  gtk_box_append (GTK_BOX (footer), self->add_button);
  gtk_box_append (GTK_BOX (footer), self->spinner);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), footer);

  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->status), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->status));

  adw_bin_set_child (ADW_BIN (self), group);
  set_status (self, NULL);
  refresh (self);
}
