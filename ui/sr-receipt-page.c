/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-receipt-page"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-file-dialogs.h"
#include "sr-qr-image.h"
#include "sr-qr.h"
#include "sr-receipt-page.h"

/* The side of a QR code on screen, in pixels, give or take a module: large
 * enough for any phone to read from a step away, small enough to fit the
 * page beside its explanation. */
#define QR_SCREEN_PX 480
/* At least this many pixels per module, whatever the version. */
#define QR_MIN_MODULE_PX 3

struct _SrReceiptPage
{
  AdwBin      parent_instance;

  GtkLabel   *sent_label;
  GtkLabel   *code_label;
  GtkWidget  *qr_box;
  GtkLabel   *qr_help_label;
  AdwClamp   *qr_clamp;
  GtkPicture *qr_picture;
  GtkWidget  *parts_box;
  GtkButton  *previous_button;
  GtkLabel   *part_label;
  GtkButton  *next_button;
  GtkLabel   *qr_error_label;
  GtkWidget  *save_box;
  GtkButton  *save_file_button;
  GtkButton  *save_images_button;
  GtkButton  *print_button;
  GtkLabel   *save_status_label;

  char       *receipt;
  char       *organisation;
  GBytes     *envelope;   /* sealed: nothing here is readable without the organisation's key */
  GStrv       parts;
  guint       n_parts;
  guint       part;
  GPtrArray  *textures;   /* by part, made when first shown */

  GtkNativeDialog   *dialog;     /* the file dialog open now, if any */
  GtkPrintOperation *printing;   /* the print job in progress, if any */
};

G_DEFINE_FINAL_TYPE (SrReceiptPage, sr_receipt_page, ADW_TYPE_BIN)

/* QR codes on screen */

static GdkTexture *
render_part (const char  *text,
             GError     **error)
{
  g_autoptr(SrQrSymbol) symbol = NULL;
  g_autoptr(GBytes) pixels = NULL;
  guint modules, module_px, size = 0;

  symbol = sr_qr_symbol_encode (text, error);
  if (symbol == NULL)
    return NULL;

  /* Whole pixels per module keep every edge sharp; the picture shows them
   * at this size, not stretched. */
  modules = symbol->width + 2 * SR_QR_QUIET_ZONE;
  module_px = CLAMP ((QR_SCREEN_PX + modules / 2) / modules, QR_MIN_MODULE_PX, SR_QR_MODULE_PX_MAX);

  pixels = sr_qr_render (text, module_px, SR_QR_PIXELS_RGBA8, &size, error);
  if (pixels == NULL)
    return NULL;

  return gdk_memory_texture_new ((int) size, (int) size, GDK_MEMORY_R8G8B8A8,
                                 pixels, (gsize) size * 4);
}

static void
show_part (SrReceiptPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *position = NULL;
  g_autofree char *description = NULL;
  GdkTexture *texture;

  if (self->parts == NULL || self->part >= self->n_parts)
    {
      gtk_picture_set_paintable (self->qr_picture, NULL);
      return;
    }

  texture = g_ptr_array_index (self->textures, self->part);
  if (texture == NULL)
    {
      texture = render_part (self->parts[self->part], &error);
      if (texture == NULL)
        {
          /* A code that cannot be drawn is no reason to worry the person:
           * the report is safe in the outbox either way. */
          g_warning ("Could not draw QR part %u: %s", self->part + 1, error->message);
          gtk_label_set_text (self->qr_error_label,
                              _("The code cannot be shown here. Your report is safe on this device all the same."));
          gtk_widget_set_visible (GTK_WIDGET (self->qr_error_label), TRUE);
          gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), FALSE);
          return;
        }
      g_ptr_array_index (self->textures, self->part) = texture;
    }

  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
  adw_clamp_set_maximum_size (self->qr_clamp, gdk_texture_get_width (texture));
  adw_clamp_set_tightening_threshold (self->qr_clamp, gdk_texture_get_width (texture));

  /* Translators: which QR code shows, of how many: "1 / 3". */
  position = g_strdup_printf (C_("qr part", "%u / %u"), self->part + 1, self->n_parts);
  gtk_label_set_text (self->part_label, position);

  if (self->n_parts > 1)
    /* Translators: what a screen reader says for the QR code image. */
    description = g_strdup_printf (_("QR code %u of %u of your sealed report"),
                                   self->part + 1, self->n_parts);
  else
    description = g_strdup (_("QR code of your sealed report"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->qr_picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);

  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), self->part > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->part + 1 < self->n_parts);
}

static void
on_previous_clicked (GtkButton     *button,
                     SrReceiptPage *self)
{
  if (self->part > 0)
    sr_receipt_page_set_part (self, self->part - 1);
}

static void
on_next_clicked (GtkButton     *button,
                 SrReceiptPage *self)
{
  if (self->part + 1 < self->n_parts)
    sr_receipt_page_set_part (self, self->part + 1);
}

static void
set_up_qr (SrReceiptPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *help = NULL;

  self->parts = sr_qr_split (self->envelope, 0, &error);
  if (self->parts == NULL)
    {
      /* Too large for QR codes (an attachment, say): the code and the
       * file are the ways out. */
      g_debug ("No QR codes for this report: %s", error->message);
      return;
    }

  self->n_parts = g_strv_length (self->parts);
  self->textures = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_set_size (self->textures, self->n_parts);

  if (self->n_parts == 1)
    /* Translators: %s is the organisation. */
    help = g_strdup_printf (_("Photograph this code with a phone. It holds your report, locked so that only %s can open it. You can send them the photo when it is safe."),
                            self->organisation);
  else
    /* Translators: %u is how many codes (always more than one), %s the
     * organisation. */
    help = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Photograph all %u code with a phone, one after the other. Together they hold your report, locked so that only %s can open it. You can send them the photos when it is safe.",
                                         "Photograph all %u codes with a phone, one after the other. Together they hold your report, locked so that only %s can open it. You can send them the photos when it is safe.",
                                         self->n_parts),
                            self->n_parts, self->organisation);
  gtk_label_set_text (self->qr_help_label, help);

  gtk_widget_set_visible (self->parts_box, self->n_parts > 1);
  gtk_widget_set_visible (self->qr_box, TRUE);
  show_part (self);
}

/* Saving, desktop only */

static void
set_status (SrReceiptPage *self,
            const char    *message,
            gboolean       failed)
{
  gtk_label_set_text (self->save_status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->save_status_label), message != NULL);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->save_status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->save_status_label), "error");
}

static void
show_save_error (SrReceiptPage *self,
                 const char    *summary,
                 const GError  *error)
{
  g_autofree char *message = g_strdup_printf ("%s\n%s", summary, error->message);

  set_status (self, message, TRUE);
}

static void
on_file_chosen (GFile    *file,
                gpointer  user_data)
{
  SrReceiptPage *self = user_data;
  g_autoptr(GError) error = NULL;

  self->dialog = NULL;
  if (file == NULL)
    return;

  if (sr_receipt_page_save_file (self, file, &error))
    set_status (self, _("Saved. Keep the file safe until you can give it to the organisation."), FALSE);
  else
    show_save_error (self, _("The file could not be saved."), error);
}

static void
on_save_file_clicked (GtkButton     *button,
                      SrReceiptPage *self)
{
  set_status (self, NULL, FALSE);
  /* A dull name: whoever finds the file should not learn what it is. */
  self->dialog = sr_file_dialog_save (GTK_WIDGET (self), _("Save the Sealed Report"),
                                      "backup.sre", on_file_chosen, self);
}

static void
on_folder_chosen (GFile    *folder,
                  gpointer  user_data)
{
  SrReceiptPage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  self->dialog = NULL;
  if (folder == NULL)
    return;

  if (sr_receipt_page_save_images (self, folder, &n, &error))
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Saved %u image.", "Saved %u images.", n), n);

      set_status (self, message, FALSE);
    }
  else
    {
      show_save_error (self, _("The images could not be saved."), error);
    }
}

static void
on_save_images_clicked (GtkButton     *button,
                        SrReceiptPage *self)
{
  set_status (self, NULL, FALSE);
  self->dialog = sr_file_dialog_folder (GTK_WIDGET (self), _("Choose a Folder for the Images"),
                                        on_folder_chosen, self);
}

static void
on_print_done (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               SrReceiptPage           *self)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      if (error != NULL)
        show_save_error (self, _("The codes could not be printed."), error);
    }

  if (self->printing == operation)
    g_clear_object (&self->printing);
}

static void
on_print_clicked (GtkButton     *button,
                  SrReceiptPage *self)
{
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->printing != NULL)
    return;

  set_status (self, NULL, FALSE);
  self->printing = sr_receipt_page_new_print_operation (self);
  gtk_print_operation_set_allow_async (self->printing, TRUE);
  g_signal_connect_object (self->printing, "done", G_CALLBACK (on_print_done), self, 0);

  result = gtk_print_operation_run (self->printing, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      show_save_error (self, _("The codes could not be printed."), error);
      g_clear_object (&self->printing);
    }
}

/* Printing: one page per part, the code as large as the page allows,
 * drawn module by module so that it stays sharp at any printer's
 * resolution. Nothing on the sheet says what it is. */

static void
draw_text (GtkPrintContext *context,
           const char      *text,
           double           font_points,
           double           center_x,
           double           top)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  g_autoptr(PangoLayout) layout = gtk_print_context_create_pango_layout (context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Monospace Bold");
  int width, height;

  pango_font_description_set_size (font, (int) (font_points * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);

  cairo_move_to (cr, center_x - width / 2.0, top);
  pango_cairo_show_layout (cr, layout);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           user_data)
{
  const char *const *parts = g_object_get_data (G_OBJECT (operation), "sr-parts");
  const char *receipt = g_object_get_data (G_OBJECT (operation), "sr-receipt");
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  guint n_parts = parts != NULL ? g_strv_length ((char **) parts) : 0;
  g_autoptr(SrQrSymbol) symbol = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *position = NULL;
  double side, module, left, top, line;
  guint modules;

  if (page_nr < 0 || (guint) page_nr >= n_parts)
    return;

  symbol = sr_qr_symbol_encode (parts[page_nr], &error);
  if (symbol == NULL)
    {
      g_warning ("Could not draw QR part %d: %s", page_nr + 1, error->message);
      return;
    }

  /* Points, in the print context's units (it is set up in points). */
  line = 18.0;
  modules = symbol->width + 2 * SR_QR_QUIET_ZONE;
  side = MIN (width, height - 6 * line);
  module = side / modules;
  left = (width - side) / 2;
  top = 2 * line;

  /* Translators: which QR code a printed page holds, of how many: "1 / 3". */
  position = g_strdup_printf (C_("qr part", "%u / %u"), page_nr + 1, n_parts);
  draw_text (context, position, 16, width / 2, 0);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, left, top, side, side);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint y = 0; y < symbol->width; y++)
    for (guint x = 0; x < symbol->width; x++)
      if (symbol->modules[y * symbol->width + x])
        cairo_rectangle (cr,
                         left + (x + SR_QR_QUIET_ZONE) * module,
                         top + (y + SR_QR_QUIET_ZONE) * module,
                         module, module);
  cairo_fill (cr);

  if (receipt != NULL)
    draw_text (context, receipt, 20, width / 2, top + side + line);
}

/* GObject */

static void
sr_receipt_page_dispose (GObject *object)
{
  SrReceiptPage *self = SR_RECEIPT_PAGE (object);

  sr_receipt_page_wipe (self);

  G_OBJECT_CLASS (sr_receipt_page_parent_class)->dispose (object);
}

static void
sr_receipt_page_finalize (GObject *object)
{
  SrReceiptPage *self = SR_RECEIPT_PAGE (object);

  g_free (self->receipt);
  g_free (self->organisation);

  G_OBJECT_CLASS (sr_receipt_page_parent_class)->finalize (object);
}

static void
sr_receipt_page_class_init (SrReceiptPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_receipt_page_dispose;
  object_class->finalize = sr_receipt_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-receipt-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, sent_label);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, qr_box);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, qr_help_label);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, qr_clamp);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, parts_box);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, previous_button);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, part_label);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, qr_error_label);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, save_box);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, save_file_button);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, save_images_button);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, SrReceiptPage, save_status_label);
}

static void
sr_receipt_page_init (SrReceiptPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self->previous_button, "clicked", G_CALLBACK (on_previous_clicked), self);
  g_signal_connect (self->next_button, "clicked", G_CALLBACK (on_next_clicked), self);
  g_signal_connect (self->save_file_button, "clicked", G_CALLBACK (on_save_file_clicked), self);
  g_signal_connect (self->save_images_button, "clicked", G_CALLBACK (on_save_images_clicked), self);
  g_signal_connect (self->print_button, "clicked", G_CALLBACK (on_print_clicked), self);
}

GtkWidget *
sr_receipt_page_new (const char *receipt,
                     const char *organisation,
                     GBytes     *envelope,
                     gboolean    can_save,
                     gboolean    offer_qr)
{
  SrReceiptPage *self;
  g_autofree char *sent = NULL;

  g_return_val_if_fail (receipt != NULL, NULL);
  g_return_val_if_fail (organisation != NULL, NULL);

  self = g_object_new (SR_TYPE_RECEIPT_PAGE, NULL);
  self->receipt = g_strdup (receipt);
  self->organisation = g_strdup (organisation);

  /* Translators: %s is the name of the organisation that receives reports. */
  sent = g_strdup_printf (_("It is stored on this device, locked, until it is taken to %s."),
                          organisation);
  gtk_label_set_text (self->sent_label, sent);
  gtk_label_set_text (self->code_label, receipt);
  /* The code reads left to right in every language. */
  gtk_widget_set_direction (GTK_WIDGET (self->code_label), GTK_TEXT_DIR_LTR);

  if (envelope != NULL)
    {
      self->envelope = g_bytes_ref (envelope);
      if (offer_qr)
        set_up_qr (self);
      gtk_widget_set_visible (self->save_box, can_save);
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_images_button), self->parts != NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), self->parts != NULL);
    }

  return GTK_WIDGET (self);
}

const char *
sr_receipt_page_get_receipt (SrReceiptPage *self)
{
  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), NULL);

  return self->receipt;
}

guint
sr_receipt_page_get_n_parts (SrReceiptPage *self)
{
  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), 0);

  return self->n_parts;
}

guint
sr_receipt_page_get_part (SrReceiptPage *self)
{
  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), 0);

  return self->part;
}

void
sr_receipt_page_set_part (SrReceiptPage *self,
                          guint          index)
{
  g_return_if_fail (SR_IS_RECEIPT_PAGE (self));
  g_return_if_fail (index < self->n_parts);

  self->part = index;
  show_part (self);
}

GdkTexture *
sr_receipt_page_get_texture (SrReceiptPage *self)
{
  GdkPaintable *paintable;

  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), NULL);

  paintable = gtk_picture_get_paintable (self->qr_picture);
  return GDK_IS_TEXTURE (paintable) ? GDK_TEXTURE (paintable) : NULL;
}

gboolean
sr_receipt_page_save_file (SrReceiptPage  *self,
                           GFile          *file,
                           GError        **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->envelope == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There is no sealed report to save."));
      return FALSE;
    }

  data = g_bytes_get_data (self->envelope, &len);
  /* Private to the person (0600), and written to a temporary name first,
   * so that a full disk never leaves half a report under the real name. */
  return g_file_replace_contents (file, (const char *) data, len, NULL, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, NULL, error);
}

gboolean
sr_receipt_page_save_images (SrReceiptPage  *self,
                             GFile          *folder,
                             guint          *n_files,
                             GError        **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  if (self->envelope == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There is no sealed report to save."));
      return FALSE;
    }

  path = g_file_get_path (folder);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Choose a folder on this computer."));
      return FALSE;
    }

  return sr_qr_write_pngs (self->envelope, path, 0, n_files, error);
}

GtkPrintOperation *
sr_receipt_page_new_print_operation (SrReceiptPage *self)
{
  GtkPrintOperation *operation;

  g_return_val_if_fail (SR_IS_RECEIPT_PAGE (self), NULL);

  operation = gtk_print_operation_new ();
  /* The print queue shows the job's name to anyone who looks: a dull one,
   * not the app's. */
  gtk_print_operation_set_job_name (operation, "document");
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_n_pages (operation, MAX (self->n_parts, 1));
  /* The operation keeps its own copy: the page may be wiped while the
   * printer works. */
  g_object_set_data_full (G_OBJECT (operation), "sr-parts", g_strdupv (self->parts),
                          (GDestroyNotify) g_strfreev);
  g_object_set_data_full (G_OBJECT (operation), "sr-receipt", g_strdup (self->receipt), g_free);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), NULL);

  return operation;
}

void
sr_receipt_page_wipe (SrReceiptPage *self)
{
  g_return_if_fail (SR_IS_RECEIPT_PAGE (self));

  if (self->dialog != NULL)
    {
      GtkNativeDialog *dialog = g_steal_pointer (&self->dialog);

      sr_file_dialog_cancel (dialog);
    }
  if (self->printing != NULL)
    {
      gtk_print_operation_cancel (self->printing);
      g_clear_object (&self->printing);
    }

  gtk_label_set_text (self->code_label, "");
  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_widget_set_visible (self->qr_box, FALSE);
  gtk_widget_set_visible (self->save_box, FALSE);
  g_clear_pointer (&self->receipt, g_free);
  g_clear_pointer (&self->parts, g_strfreev);
  g_clear_pointer (&self->textures, g_ptr_array_unref);
  g_clear_pointer (&self->envelope, g_bytes_unref);
  self->n_parts = 0;
  self->part = 0;
}
