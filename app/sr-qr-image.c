/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-qr-image"

#include "sr-qr-image.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <zbar.h>

#include "sr-base45.h"
#include "sr-envelope.h"

/* Images larger than this are refused (PNG) or decoded at a reduced scale
 * (JPEG): a QR code in a photo never needs more, and it bounds memory. */
#define MAX_PIXELS         (100u * 1000u * 1000u)
#define JPEG_TARGET_PIXELS (24u * 1000u * 1000u)
#define MAX_FILE_SIZE      (256u * 1024u * 1024u)

/* A4 in PostScript points. */
#define PAGE_WIDTH   595.276
#define PAGE_HEIGHT  841.890
#define PAGE_MARGIN  56.0

void
sr_qr_symbol_free (SrQrSymbol *symbol)
{
  if (symbol == NULL)
    return;
  g_free (symbol->modules);
  g_free (symbol);
}

static void
qrinput_free (QRinput *input)
{
  QRinput_free (input);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRinput, qrinput_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

SrQrSymbol *
sr_qr_symbol_encode (const char *text,
                     GError    **error)
{
  g_autoptr(QRinput) input = NULL;
  g_autoptr(QRcode) code = NULL;
  SrQrSymbol *symbol;
  gsize len;
  guint planned;
  gsize i;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (text);
  if (len == 0 || strspn (text, SR_BASE45_ALPHABET) != len)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "A QR code can only be made of a text of digits, capital letters "
                   "and \" $%%*+-./:\".");
      return NULL;
    }
  planned = sr_qr_version_for_text (len);
  if (planned == 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The text is too long for a single QR code.");
      return NULL;
    }

  /* The whole text goes in one alphanumeric segment, stated explicitly
   * rather than left to libqrencode's mode guessing, so that the symbol's
   * version is exactly the one the capacity table predicts. */
  input = QRinput_new2 (0, QR_ECLEVEL_M);
  if (input == NULL ||
      QRinput_append (input, QR_MODE_AN, (int) len, (const unsigned char *) text) != 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FAILED,
                   "The QR code could not be made: %s.", g_strerror (errno));
      return NULL;
    }
  code = QRcode_encodeInput (input);
  if (code == NULL)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FAILED,
                   "The QR code could not be made: %s.", g_strerror (errno));
      return NULL;
    }
  if ((guint) code->version != planned)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FAILED,
                   "The QR code came out as version %d instead of version %u.",
                   code->version, planned);
      return NULL;
    }

  symbol = g_new0 (SrQrSymbol, 1);
  symbol->version = (guint) code->version;
  symbol->width = (guint) code->width;
  symbol->modules = g_malloc ((gsize) symbol->width * symbol->width);
  for (i = 0; i < (gsize) symbol->width * symbol->width; i++)
    symbol->modules[i] = code->data[i] & 1;

  return symbol;
}

static GBytes *
render_symbol (const SrQrSymbol *symbol,
               guint             module_px,
               SrQrPixelFormat   format,
               guint            *size_out)
{
  guint bpp = format == SR_QR_PIXELS_RGBA8 ? 4 : 1;
  guint size = (symbol->width + 2 * SR_QR_QUIET_ZONE) * module_px;
  gsize stride = (gsize) size * bpp;
  guint8 *pixels = g_malloc (stride * size);
  guint y;

  memset (pixels, 0xff, stride * size);
  for (y = 0; y < symbol->width; y++)
    {
      guint x;

      for (x = 0; x < symbol->width; x++)
        {
          gsize top = (gsize) (y + SR_QR_QUIET_ZONE) * module_px;
          gsize left = (gsize) (x + SR_QR_QUIET_ZONE) * module_px;
          guint dy;

          if (!symbol->modules[(gsize) y * symbol->width + x])
            continue;
          for (dy = 0; dy < module_px; dy++)
            {
              guint8 *row = pixels + (top + dy) * stride + left * bpp;

              if (bpp == 1)
                memset (row, 0x00, module_px);
              else
                {
                  guint dx;

                  for (dx = 0; dx < module_px; dx++)
                    {
                      row[4 * dx + 0] = 0;
                      row[4 * dx + 1] = 0;
                      row[4 * dx + 2] = 0;
                    }
                }
            }
        }
    }

  *size_out = size;
  return g_bytes_new_take (pixels, stride * size);
}

GBytes *
sr_qr_render (const char      *text,
              guint            module_px,
              SrQrPixelFormat  format,
              guint           *size,
              GError         **error)
{
  g_autoptr(SrQrSymbol) symbol = NULL;
  guint dummy;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_px <= SR_QR_MODULE_PX_MAX, NULL);
  g_return_val_if_fail (format == SR_QR_PIXELS_GRAY8 || format == SR_QR_PIXELS_RGBA8, NULL);

  symbol = sr_qr_symbol_encode (text, error);
  if (symbol == NULL)
    return NULL;
  return render_symbol (symbol, module_px != 0 ? module_px : SR_QR_MODULE_PX_DEFAULT,
                        format, size != NULL ? size : &dummy);
}

/* Writes a whole file the safe way: a temporary name, fsync, rename,
 * owner-only permissions, since it carries a report. */
static gboolean
write_file (const char   *path,
            const guint8 *data,
            gsize         len,
            GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, (const char *) data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, SR_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC)
                   ? SR_ERROR_NO_SPACE : SR_ERROR_IO,
                   "Could not write %s: %s.", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static GBytes *
encode_png (const guint8 *gray,
            guint         size,
            GError      **error)
{
  png_image image;
  png_alloc_size_t len = 0;
  g_autofree guint8 *out = NULL;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = size;
  image.height = size;
  image.format = PNG_FORMAT_GRAY;

  /* The first call only measures. */
  if (!png_image_write_to_memory (&image, NULL, &len, 0, gray, (png_int_32) size, NULL))
    goto fail;
  out = g_malloc (len);
  if (!png_image_write_to_memory (&image, out, &len, 0, gray, (png_int_32) size, NULL))
    goto fail;

  return g_bytes_new_take (g_steal_pointer (&out), len);

fail:
  g_set_error (error, SR_ERROR, SR_ERROR_FAILED,
               "The PNG image could not be made: %s.", image.message);
  png_image_free (&image);
  return NULL;
}

gboolean
sr_qr_write_png (const char  *text,
                 const char  *path,
                 guint        module_px,
                 GError     **error)
{
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GBytes) png = NULL;
  guint size = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pixels = sr_qr_render (text, module_px, SR_QR_PIXELS_GRAY8, &size, error);
  if (pixels == NULL)
    return FALSE;
  png = encode_png (g_bytes_get_data (pixels, NULL), size, error);
  if (png == NULL)
    return FALSE;
  return write_file (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error);
}

gboolean
sr_qr_write_pngs (GBytes      *envelope,
                  const char  *dir,
                  guint        version_cap,
                  guint       *n_parts,
                  GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  guint i;
  int digits;

  g_return_val_if_fail (envelope != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parts = sr_qr_split (envelope, version_cap, error);
  if (parts == NULL)
    return FALSE;
  n = g_strv_length (parts);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not create the folder %s: %s.",
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* Two digits at least, more when needed, so the names sort in order. */
  digits = n >= 100 ? 3 : 2;
  for (i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("part-%0*u.png", digits, i + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!sr_qr_write_png (parts[i], path, SR_QR_MODULE_PX_DEFAULT, error))
        return FALSE;
    }

  if (n_parts != NULL)
    *n_parts = n;
  return TRUE;
}

static cairo_status_t
pdf_write_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
show_centered (cairo_t    *cr,
               const char *text,
               double      baseline)
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr, (PAGE_WIDTH - extents.width) / 2 - extents.x_bearing, baseline);
  cairo_show_text (cr, text);
}

static void
draw_symbol (cairo_t          *cr,
             const SrQrSymbol *symbol,
             double            x,
             double            y,
             double            side)
{
  cairo_surface_t *image;
  cairo_pattern_t *pattern;
  guint full = symbol->width + 2 * SR_QR_QUIET_ZONE;
  guint8 *data;
  int stride;
  guint row;

  /* One pixel per module, scaled up without smoothing: sharp modules at
   * any printer resolution, and a small file. */
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) full, (int) full);
  cairo_surface_flush (image);
  data = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (row = 0; row < full; row++)
    {
      guint32 *line = (guint32 *) (gpointer) (data + (gsize) row * stride);
      guint col;

      for (col = 0; col < full; col++)
        {
          gboolean dark = FALSE;

          if (row >= SR_QR_QUIET_ZONE && row < SR_QR_QUIET_ZONE + symbol->width &&
              col >= SR_QR_QUIET_ZONE && col < SR_QR_QUIET_ZONE + symbol->width)
            dark = symbol->modules[(gsize) (row - SR_QR_QUIET_ZONE) * symbol->width +
                                   (col - SR_QR_QUIET_ZONE)] != 0;
          line[col] = dark ? 0x000000 : 0xffffff;
        }
    }
  cairo_surface_mark_dirty (image);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, side / full, side / full);
  cairo_set_source_surface (cr, image, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, full, full);
  cairo_fill (cr);
  cairo_restore (cr);

  cairo_surface_destroy (image);
}

gboolean
sr_qr_write_pdf (GBytes      *envelope,
                 const char  *path,
                 guint        version_cap,
                 guint       *n_parts,
                 GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GByteArray) pdf = NULL;
  g_autofree char *receipt = NULL;
  guint8 id[SR_ENVELOPE_ID_BYTES];
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint n;
  guint i;

  g_return_val_if_fail (envelope != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parts = sr_qr_split (envelope, version_cap, error);
  if (parts == NULL)
    return FALSE;
  n = g_strv_length (parts);

  sr_envelope_id (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), id);
  receipt = sr_receipt_from_id (id);

  pdf = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (pdf_write_cb, pdf, PAGE_WIDTH, PAGE_HEIGHT);
  cr = cairo_create (surface);

  for (i = 0; i < n; i++)
    {
      g_autoptr(SrQrSymbol) symbol = NULL;
      /* Digits and a slash read the same in every script, where "of" would
       * need a language. */
      g_autofree char *label = g_strdup_printf ("%u / %u", i + 1, n);
      double label_size = 48.0;
      double receipt_size = 34.0;
      double top = PAGE_MARGIN + label_size + 24.0;
      double bottom = PAGE_HEIGHT - PAGE_MARGIN - receipt_size - 24.0;
      double side = MIN (PAGE_WIDTH - 2 * PAGE_MARGIN, bottom - top);

      symbol = sr_qr_symbol_encode (parts[i], error);
      if (symbol == NULL)
        {
          cairo_destroy (cr);
          cairo_surface_destroy (surface);
          return FALSE;
        }

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);

      cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, label_size);
      show_centered (cr, label, PAGE_MARGIN + label_size);

      draw_symbol (cr, symbol, (PAGE_WIDTH - side) / 2, top + (bottom - top - side) / 2, side);

      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_select_font_face (cr, "monospace", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, receipt_size);
      show_centered (cr, receipt, PAGE_HEIGHT - PAGE_MARGIN);

      cairo_show_page (cr);
    }

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FAILED, "The PDF could not be made: %s.",
                   cairo_status_to_string (status));
      return FALSE;
    }

  if (!write_file (path, pdf->data, pdf->len, error))
    return FALSE;
  if (n_parts != NULL)
    *n_parts = n;
  return TRUE;
}

/* Reading images. */

static gboolean
is_png (const guint8 *data,
        gsize         len)
{
  return len >= 8 && png_sig_cmp ((png_const_bytep) data, 0, 8) == 0;
}

static gboolean
is_jpeg (const guint8 *data,
         gsize         len)
{
  return len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
}

static GBytes *
load_png (const guint8 *data,
          gsize         len,
          guint        *width,
          guint        *height,
          GError      **error)
{
  png_image image;
  png_color background = { 255, 255, 255 };
  g_autofree guint8 *pixels = NULL;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory (&image, data, len))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The PNG image cannot be read: %s.", image.message);
      png_image_free (&image);
      return NULL;
    }
  if (image.width == 0 || image.height == 0 ||
      (guint64) image.width * image.height > MAX_PIXELS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NO_SPACE,
                   "The PNG image is too large to scan: %u × %u pixels.",
                   image.width, image.height);
      png_image_free (&image);
      return NULL;
    }

  /* Gray without alpha: a transparent background becomes white, as it
   * would look on paper. */
  image.format = PNG_FORMAT_GRAY;
  pixels = g_malloc (PNG_IMAGE_SIZE (image));
  if (!png_image_finish_read (&image, &background, pixels, 0, NULL))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The PNG image is damaged: %s.", image.message);
      png_image_free (&image);
      return NULL;
    }

  *width = image.width;
  *height = image.height;
  return g_bytes_new_take (g_steal_pointer (&pixels), (gsize) image.width * image.height);
}

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_error_exit (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
jpeg_output_message (j_common_ptr cinfo)
{
  /* libjpeg prints warnings about slightly broken files on stderr;
   * photos often are slightly broken, and the scan still works. */
  char message[JMSG_LENGTH_MAX];

  cinfo->err->format_message (cinfo, message);
  g_debug ("JPEG: %s", message);
}

static GBytes *
load_jpeg (const guint8 *data,
           gsize         len,
           guint        *width,
           guint        *height,
           GError      **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegError jerr;
  guint8 *volatile pixels = NULL;
  gsize stride;

  memset (&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error (&jerr.pub);
  jerr.pub.error_exit = jpeg_error_exit;
  jerr.pub.output_message = jpeg_output_message;
  jerr.message[0] = '\0';

  if (setjmp (jerr.jump) != 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The JPEG image cannot be read: %s.", jerr.message);
      jpeg_destroy_decompress (&cinfo);
      g_free (pixels);
      return NULL;
    }

  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, len);
  jpeg_read_header (&cinfo, TRUE);

  /* A QR code needs nowhere near a modern camera's resolution; scaling
   * down inside the decoder is cheap and bounds memory. */
  cinfo.scale_num = 1;
  cinfo.scale_denom = 1;
  while (cinfo.scale_denom < 8 &&
         (guint64) (cinfo.image_width / cinfo.scale_denom) *
         (cinfo.image_height / cinfo.scale_denom) > JPEG_TARGET_PIXELS)
    cinfo.scale_denom *= 2;
  cinfo.out_color_space = JCS_GRAYSCALE;

  jpeg_start_decompress (&cinfo);
  if (cinfo.output_components != 1)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The JPEG image cannot be read: its colours cannot be turned into gray.");
      jpeg_destroy_decompress (&cinfo);
      return NULL;
    }
  if (cinfo.output_width == 0 || cinfo.output_height == 0 ||
      (guint64) cinfo.output_width * cinfo.output_height > MAX_PIXELS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NO_SPACE,
                   "The JPEG image is too large to scan: %u × %u pixels.",
                   cinfo.output_width, cinfo.output_height);
      jpeg_destroy_decompress (&cinfo);
      return NULL;
    }

  stride = cinfo.output_width;
  pixels = g_malloc (stride * cinfo.output_height);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = pixels + (gsize) cinfo.output_scanline * stride;

      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_decompress (&cinfo);

  *width = cinfo.output_width;
  *height = cinfo.output_height;
  jpeg_destroy_decompress (&cinfo);
  return g_bytes_new_take (pixels, stride * *height);
}

GBytes *
sr_qr_load_gray (const guint8 *data,
                 gsize         len,
                 guint        *width,
                 guint        *height,
                 GError      **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (width != NULL && height != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (is_png (data, len))
    return load_png (data, len, width, height, error);
  if (is_jpeg (data, len))
    return load_jpeg (data, len, width, height, error);

  g_set_error (error, SR_ERROR, SR_ERROR_FORMAT, "This is neither a PNG nor a JPEG image.");
  return NULL;
}

/* Scans one tightly packed gray image, adding new texts to found. */
static void
scan_once (zbar_image_scanner_t *scanner,
           const guint8         *pixels,
           guint                 width,
           guint                 height,
           GHashTable           *seen,
           GPtrArray            *found)
{
  zbar_image_t *image = zbar_image_create ();
  const zbar_symbol_t *symbol;

  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  /* No cleanup handler: the pixels stay ours, zbar only reads them. */
  zbar_image_set_data (image, pixels, (unsigned long) width * height, NULL);

  if (zbar_scan_image (scanner, image) > 0)
    {
      for (symbol = zbar_image_first_symbol (image); symbol != NULL;
           symbol = zbar_symbol_next (symbol))
        {
          const char *bytes = zbar_symbol_get_data (symbol);
          guint n = zbar_symbol_get_data_length (symbol);
          char *text;
          guint i;

          if (zbar_symbol_get_type (symbol) != ZBAR_QRCODE || bytes == NULL)
            continue;

          /* A NUL byte cannot occur in a part; keep such a foreign code
           * visible (so that it is reported, not silently lost) without
           * letting the NUL cut the string short. */
          text = g_malloc (n + 1);
          for (i = 0; i < n; i++)
            text[i] = bytes[i] != '\0' ? bytes[i] : '?';
          text[n] = '\0';

          if (g_hash_table_contains (seen, text))
            {
              g_free (text);
              continue;
            }
          g_hash_table_add (seen, text);
          g_ptr_array_add (found, g_strdup (text));
        }
    }

  zbar_image_destroy (image);
}

/* Halves an image with a 2 × 2 box filter. */
static guint8 *
halve (const guint8 *pixels,
       guint         width,
       guint         height,
       guint        *out_width,
       guint        *out_height)
{
  guint w = width / 2;
  guint h = height / 2;
  guint8 *out = g_malloc ((gsize) w * h);
  guint y;

  for (y = 0; y < h; y++)
    {
      const guint8 *a = pixels + (gsize) (2 * y) * width;
      const guint8 *b = a + width;
      guint x;

      for (x = 0; x < w; x++)
        out[(gsize) y * w + x] = (guint8) ((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) / 4);
    }

  *out_width = w;
  *out_height = h;
  return out;
}

/* A 3 × 3 box filter at full size: takes the edge off sensor noise and
 * JPEG blocks without losing modules the way halving can. */
static guint8 *
smooth (const guint8 *pixels,
        guint         width,
        guint         height)
{
  guint8 *out = g_malloc ((gsize) width * height);
  guint y;

  for (y = 0; y < height; y++)
    {
      guint y0 = y > 0 ? y - 1 : y;
      guint y1 = y + 1 < height ? y + 1 : y;
      guint x;

      for (x = 0; x < width; x++)
        {
          guint x0 = x > 0 ? x - 1 : x;
          guint x1 = x + 1 < width ? x + 1 : x;
          guint sum = 0;
          guint yy, xx;

          for (yy = y0; yy <= y1; yy++)
            for (xx = x0; xx <= x1; xx++)
              sum += pixels[(gsize) yy * width + xx];
          out[(gsize) y * width + x] = (guint8) (sum / ((y1 - y0 + 1) * (x1 - x0 + 1)));
        }
    }
  return out;
}

/* Black and white at the threshold that best separates the image's two
 * populations of gray (Otsu's method): a grey, low-contrast or unevenly
 * noisy photo becomes a clean one. */
static guint8 *
binarize (const guint8 *pixels,
          guint         width,
          guint         height)
{
  gsize n = (gsize) width * height;
  guint64 histogram[256] = { 0 };
  guint64 total_sum = 0, below_sum = 0, below = 0;
  double best = -1.0;
  guint threshold = 128;
  guint8 *out;
  gsize i;
  guint t;

  for (i = 0; i < n; i++)
    histogram[pixels[i]]++;
  for (t = 0; t < 256; t++)
    total_sum += (guint64) t * histogram[t];

  for (t = 0; t < 256; t++)
    {
      guint64 above;
      double mean_below, mean_above, between;

      below += histogram[t];
      below_sum += (guint64) t * histogram[t];
      above = n - below;
      if (below == 0 || above == 0)
        continue;
      mean_below = (double) below_sum / (double) below;
      mean_above = (double) (total_sum - below_sum) / (double) above;
      between = (double) below * (double) above * (mean_below - mean_above) * (mean_below - mean_above);
      if (between > best)
        {
          best = between;
          threshold = t;
        }
    }

  out = g_malloc (n);
  for (i = 0; i < n; i++)
    out[i] = pixels[i] > threshold ? 255 : 0;
  return out;
}

GPtrArray *
sr_qr_scan_gray (const guint8 *pixels,
                 guint         width,
                 guint         height,
                 gsize         stride,
                 GError      **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree guint8 *packed = NULL;
  const guint8 *image = pixels;
  zbar_image_scanner_t *scanner;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (stride >= width, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0 || (guint64) width * height > MAX_PIXELS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NO_SPACE,
                   "The image is too large to scan: %u × %u pixels.", width, height);
      return NULL;
    }

  /* zbar wants rows without padding. */
  if (stride != width)
    {
      guint y;

      packed = g_malloc ((gsize) width * height);
      for (y = 0; y < height; y++)
        memcpy (packed + (gsize) y * width, pixels + (gsize) y * stride, width);
      image = packed;
    }

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  /* Hand back the bytes as they are in the symbol, with no guessing of a
   * character set; parts are ASCII anyway. Older zbar lacks the option,
   * which is harmless for the same reason. */
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);

  found = g_ptr_array_new_with_free_func (g_free);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  scan_once (scanner, image, width, height, seen, found);

  /* Only when nothing could be read, the image is cleaned up as a
   * phone's scanner would and tried again, cheapest first: smoothed,
   * then black and white, then both. */
  if (found->len == 0)
    {
      g_autofree guint8 *smoothed = smooth (image, width, height);

      scan_once (scanner, smoothed, width, height, seen, found);
      if (found->len == 0)
        {
          g_autofree guint8 *bw = binarize (image, width, height);

          scan_once (scanner, bw, width, height, seen, found);
        }
      if (found->len == 0)
        {
          g_autofree guint8 *bw = binarize (smoothed, width, height);

          scan_once (scanner, bw, width, height, seen, found);
        }
    }

  /* Large, slightly blurred or noisy photos often read better at half
   * the size, where the noise averages out. */
  if (found->len == 0 && width >= 200 && height >= 200)
    {
      g_autofree guint8 *small = NULL;
      guint w, h;

      small = halve (image, width, height, &w, &h);
      scan_once (scanner, small, w, h, seen, found);
    }

  zbar_image_scanner_destroy (scanner);

  if (found->len == 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND, "No QR code could be read in this image.");
      return NULL;
    }
  return g_steal_pointer (&found);
}

static GPtrArray *
read_text_lines (const guint8 *data,
                 gsize         len,
                 GError      **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char *text = (const char *) data;
  const char *end = text + len;
  const char *p;

  if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    text += 3;

  for (p = text; p < end;)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      const char *line_end = eol != NULL ? eol : end;
      const char *start = p;
      const char *stop = line_end;

      while (start < stop && g_ascii_isspace (*start))
        start++;
      /* A part never ends in whitespace: not even a space, though space
       * is a base45 character (see sr_qr_part_parse). */
      while (stop > start && g_ascii_isspace (stop[-1]))
        stop--;
      /* What is left of a blank line is empty. */
      if (start < stop)
        g_ptr_array_add (lines, g_strndup (start, (gsize) (stop - start)));

      p = eol != NULL ? eol + 1 : end;
    }

  if (lines->len == 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND, "The text file holds no QR code texts.");
      return NULL;
    }
  return g_steal_pointer (&lines);
}

GPtrArray *
sr_qr_read_data (const guint8 *data,
                 gsize         len,
                 GError      **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (is_png (data, len) || is_jpeg (data, len))
    {
      g_autoptr(GBytes) gray = NULL;
      guint width = 0;
      guint height = 0;

      gray = sr_qr_load_gray (data, len, &width, &height, error);
      if (gray == NULL)
        return NULL;
      return sr_qr_scan_gray (g_bytes_get_data (gray, NULL), width, height, width, error);
    }

  if (len == 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND, "The file is empty.");
      return NULL;
    }

  if (memchr (data, '\0', len) == NULL && g_utf8_validate ((const char *) data, (gssize) len, NULL))
    return read_text_lines (data, len, error);

  g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
               "This file is neither a PNG or JPEG image nor a text file of QR codes.");
  return NULL;
}

GPtrArray *
sr_qr_read_file (const char  *path,
                 GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, SR_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? SR_ERROR_NOT_FOUND : SR_ERROR_IO,
                   "Could not read %s: %s.", path, local_error->message);
      return NULL;
    }
  if (g_mapped_file_get_length (file) > MAX_FILE_SIZE)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NO_SPACE, "%s is too large to hold QR codes.", path);
      return NULL;
    }

  return sr_qr_read_data ((const guint8 *) g_mapped_file_get_contents (file),
                          g_mapped_file_get_length (file), error);
}
