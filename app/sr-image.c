/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-image"

#include "sr-image.h"

#include <png.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

#define JPEG_QUALITY    88
/* Real photos have at most a dozen or so scans; each one costs a pass
 * over the whole coefficient buffer, so thousands of tiny scans would be
 * a cheap way to make the kiosk spin. */
#define JPEG_MAX_SCANS  500

static const char damaged_message[] = "The image is damaged and cannot be read.";

static void
set_damaged (GError **error)
{
  g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID, damaged_message);
}

static void
set_out_of_memory (GError **error)
{
  g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                       "There is not enough memory to process this image.");
}

/* Checks the size a header claims, before anything is decoded. */
static gboolean
check_dimensions (guint64   width,
                  guint64   height,
                  GError  **error)
{
  if (width == 0 || height == 0)
    {
      set_damaged (error);
      return FALSE;
    }
  if (width > SR_IMAGE_MAX_PIXELS || height > SR_IMAGE_MAX_PIXELS ||
      width * height > SR_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The image has too many pixels (%" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT
                   "); at most %u million can be attached.",
                   width, height, (guint) (SR_IMAGE_MAX_PIXELS / 1000000));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_jpeg (const guint8 *data,
         gsize         len)
{
  return len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
}

static gboolean
is_png (const guint8 *data,
        gsize         len)
{
  return len >= 8 && png_sig_cmp ((png_const_bytep) data, 0, 8) == 0;
}

gboolean
sr_image_check_type (const char   *media_type,
                     const guint8 *data,
                     gsize         len)
{
  if (media_type == NULL || (data == NULL && len > 0))
    return FALSE;
  if (g_strcmp0 (media_type, "image/jpeg") == 0)
    return is_jpeg (data, len);
  if (g_strcmp0 (media_type, "image/png") == 0)
    return is_png (data, len);
  return FALSE;
}

/* Pixel buffers: tightly packed rows of 3 (RGB) or 4 (RGBA) bytes per
 * pixel, wiped before they are freed. */

typedef struct
{
  guint   width;
  guint   height;
  guint   channels;
  gsize   stride;
  gsize   size;     /* of the allocation, which dropping alpha leaves as it is */
  guint8 *pixels;
} Image;

static void
image_free (Image *image)
{
  if (image == NULL)
    return;
  if (image->pixels != NULL)
    sodium_memzero (image->pixels, image->size);
  g_free (image->pixels);
  g_free (image);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Image, image_free)

/* NULL when memory runs out: a large image must fail cleanly, not abort. */
static Image *
image_new (guint width,
           guint height,
           guint channels)
{
  Image *image = g_new0 (Image, 1);

  g_assert (width > 0 && height > 0 && (guint64) width * height <= SR_IMAGE_MAX_PIXELS);
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->stride = (gsize) width * channels;
  image->size = image->stride * height;
  image->pixels = g_try_malloc (image->size);
  if (image->pixels == NULL)
    {
      g_free (image);
      return NULL;
    }
  return image;
}

static void
wipe_free (gpointer data,
           gsize    size)
{
  if (data == NULL)
    return;
  sodium_memzero (data, size);
  g_free (data);
}

/* The size that fits within max × max, keeping the aspect ratio. */
static void
fit_size (guint  width,
          guint  height,
          guint  max,
          guint *fit_width,
          guint *fit_height)
{
  if (width <= max && height <= max)
    {
      *fit_width = width;
      *fit_height = height;
    }
  else if (width >= height)
    {
      *fit_width = max;
      *fit_height = (guint) MAX (((guint64) height * max + width / 2) / width, 1);
    }
  else
    {
      *fit_height = max;
      *fit_width = (guint) MAX (((guint64) width * max + height / 2) / height, 1);
    }
}

/* Scaling down with an area-weighted box filter, fed one source row at a
 * time so that a decoder never has to hold the full-size image. Each
 * output pixel is the exact average of the source area it covers, in
 * integers (deterministic), with colours weighted by alpha so that fully
 * transparent pixels lend no colour to their neighbours. Intermediate
 * values are kept at 255 times the sample value. */

typedef struct
{
  guint    src_width;
  guint    src_height;
  guint    channels;
  gboolean identity;
  gsize    row_values; /* samples in an output row */
  guint    src_y;
  guint    dst_y;
  guint64  row_end;   /* where the current output row ends, in source rows × dst_height */
  guint32 *hrow;      /* one source row scaled horizontally */
  guint64 *acc;       /* the output row being summed */
  Image   *out;
} Scaler;

static void
scaler_free (Scaler *scaler)
{
  if (scaler == NULL)
    return;
  wipe_free (scaler->hrow, scaler->row_values * sizeof (guint32));
  wipe_free (scaler->acc, scaler->row_values * sizeof (guint64));
  image_free (scaler->out);
  g_free (scaler);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scaler, scaler_free)

static Scaler *
scaler_new (guint src_width,
            guint src_height,
            guint dst_width,
            guint dst_height,
            guint channels)
{
  g_autoptr(Scaler) scaler = g_new0 (Scaler, 1);
  gsize n = (gsize) dst_width * channels;

  g_assert (dst_width <= src_width && dst_height <= src_height);
  scaler->src_width = src_width;
  scaler->src_height = src_height;
  scaler->channels = channels;
  scaler->row_values = n;
  scaler->identity = src_width == dst_width && src_height == dst_height;
  scaler->row_end = src_height;
  scaler->out = image_new (dst_width, dst_height, channels);
  if (scaler->out == NULL)
    return NULL;
  if (!scaler->identity)
    {
      scaler->hrow = g_try_new0 (guint32, n);
      scaler->acc = g_try_new0 (guint64, n);
      if (scaler->hrow == NULL || scaler->acc == NULL)
        return NULL;
    }
  return g_steal_pointer (&scaler);
}

static void
scaler_hscale (Scaler       *scaler,
               const guint8 *row)
{
  guint c = scaler->channels;
  guint src_width = scaler->src_width;
  guint dst_width = scaler->out->width;
  gboolean alpha = c == 4;
  guint64 sum[4] = { 0, 0, 0, 0 };
  guint64 dst_end = src_width;
  guint x = 0;
  guint i;

  for (i = 0; i < src_width; i++)
    {
      const guint8 *px = row + (gsize) i * c;
      guint64 start = (guint64) i * dst_width;
      guint64 end = start + dst_width;
      guint32 value[4];
      guint k;

      for (k = 0; k < c; k++)
        value[k] = alpha ? (k < 3 ? (guint32) px[k] * px[3] : (guint32) px[3] * 255)
                         : (guint32) px[k] * 255;

      /* A source pixel straddles at most two output pixels. */
      while (start < end)
        {
          guint64 stop = MIN (end, dst_end);
          guint64 weight = stop - start;

          for (k = 0; k < c; k++)
            sum[k] += value[k] * weight;
          start = stop;
          if (stop == dst_end)
            {
              g_assert (x < dst_width);
              for (k = 0; k < c; k++)
                {
                  scaler->hrow[(gsize) x * c + k] = (guint32) ((sum[k] + src_width / 2) / src_width);
                  sum[k] = 0;
                }
              x++;
              dst_end += src_width;
            }
        }
    }
}

static void
scaler_emit (Scaler *scaler)
{
  Image *out = scaler->out;
  guint8 *dst = out->pixels + (gsize) scaler->dst_y * out->stride;
  guint64 total = (guint64) scaler->src_height * 255;
  guint c = scaler->channels;
  guint x;

  g_assert (scaler->dst_y < out->height);
  for (x = 0; x < out->width; x++)
    {
      const guint64 *a = scaler->acc + (gsize) x * c;
      guint8 *px = dst + (gsize) x * c;
      guint k;

      if (c == 4)
        {
          px[3] = (guint8) ((a[3] + total / 2) / total);
          for (k = 0; k < 3; k++)
            px[k] = px[3] == 0 ? 0 : (guint8) MIN ((a[k] * 255 + a[3] / 2) / a[3], 255);
        }
      else
        {
          for (k = 0; k < c; k++)
            px[k] = (guint8) ((a[k] + total / 2) / total);
        }
    }
  memset (scaler->acc, 0, scaler->row_values * sizeof (guint64));
  scaler->dst_y++;
}

static void
scaler_push (Scaler       *scaler,
             const guint8 *row)
{
  guint dst_height = scaler->out->height;
  gsize n = scaler->row_values;
  guint64 start;
  guint64 end;

  g_assert (scaler->src_y < scaler->src_height);
  if (scaler->identity)
    {
      memcpy (scaler->out->pixels + (gsize) scaler->src_y * scaler->out->stride, row, n);
      scaler->src_y++;
      return;
    }

  scaler_hscale (scaler, row);
  start = (guint64) scaler->src_y * dst_height;
  end = start + dst_height;
  while (start < end)
    {
      guint64 stop = MIN (end, scaler->row_end);
      guint64 weight = stop - start;
      gsize i;

      for (i = 0; i < n; i++)
        scaler->acc[i] += scaler->hrow[i] * weight;
      start = stop;
      if (stop == scaler->row_end)
        {
          scaler_emit (scaler);
          scaler->row_end += scaler->src_height;
        }
    }
  scaler->src_y++;
}

/* The scaled image, once every source row went in. */
static Image *
scaler_finish (Scaler *scaler)
{
  g_assert (scaler->src_y == scaler->src_height);
  g_assert (scaler->identity || scaler->dst_y == scaler->out->height);
  return g_steal_pointer (&scaler->out);
}

/* NULL when memory runs out. */
static Image *
image_scale (const Image *image,
             guint        width,
             guint        height)
{
  g_autoptr(Scaler) scaler = NULL;
  guint y;

  scaler = scaler_new (image->width, image->height, width, height, image->channels);
  if (scaler == NULL)
    return NULL;
  for (y = 0; y < image->height; y++)
    scaler_push (scaler, image->pixels + (gsize) y * image->stride);
  return scaler_finish (scaler);
}

/* Turns the image as EXIF orientation 2..8 says, so that it shows as the
 * camera meant without the tag. NULL when memory runs out. */
static Image *
image_orient (const Image *image,
              guint        orientation)
{
  gboolean swap = orientation >= 5;
  guint w = image->width;
  guint h = image->height;
  guint c = image->channels;
  Image *out = image_new (swap ? h : w, swap ? w : h, c);
  guint y;

  if (out == NULL)
    return NULL;
  for (y = 0; y < out->height; y++)
    {
      guint8 *dst = out->pixels + (gsize) y * out->stride;
      guint x;

      for (x = 0; x < out->width; x++)
        {
          guint sx, sy;

          switch (orientation)
            {
            case 2:  sx = w - 1 - x; sy = y;         break;  /* mirrored */
            case 3:  sx = w - 1 - x; sy = h - 1 - y; break;  /* upside down */
            case 4:  sx = x;         sy = h - 1 - y; break;  /* mirrored upside down */
            case 5:  sx = y;         sy = x;         break;  /* transposed */
            case 6:  sx = y;         sy = h - 1 - x; break;  /* turned a quarter clockwise */
            case 7:  sx = w - 1 - y; sy = h - 1 - x; break;  /* transversed */
            case 8:  sx = w - 1 - y; sy = x;         break;  /* a quarter anticlockwise */
            default: sx = x;         sy = y;         break;
            }
          memcpy (dst + (gsize) x * c, image->pixels + (gsize) sy * image->stride + (gsize) sx * c, c);
        }
    }
  return out;
}

static gboolean
image_is_opaque (const Image *image)
{
  gsize i;

  if (image->channels != 4)
    return TRUE;
  for (i = 3; i < image->size; i += 4)
    if (image->pixels[i] != 255)
      return FALSE;
  return TRUE;
}

/* RGBA to RGB in place: either dropping alpha (opaque images) or putting
 * the pixels on white (for JPEG, which has no alpha). */
static void
image_remove_alpha (Image    *image,
                    gboolean  onto_white)
{
  gsize n = (gsize) image->width * image->height;
  gsize i;

  if (image->channels != 4)
    return;
  for (i = 0; i < n; i++)
    {
      const guint8 *src = image->pixels + 4 * i;
      guint8 *dst = image->pixels + 3 * i;
      guint a = src[3];
      guint8 rgb[3];
      guint k;

      for (k = 0; k < 3; k++)
        rgb[k] = onto_white ? (guint8) ((src[k] * a + 255 * (255 - a) + 127) / 255) : src[k];
      memcpy (dst, rgb, 3);
    }
  /* What lay beyond the packed pixels is wiped now, not only at free. */
  sodium_memzero (image->pixels + 3 * n, n);
  image->channels = 3;
  image->stride = (gsize) image->width * 3;
}

/* EXIF: only the orientation is read, with every offset checked against
 * the block, since the block is as untrusted as the rest of the file. */

static guint
read16 (const guint8 *p,
        gboolean      little)
{
  return little ? (guint) p[0] | (guint) p[1] << 8 : (guint) p[0] << 8 | (guint) p[1];
}

static guint32
read32 (const guint8 *p,
        gboolean      little)
{
  return little ? (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24
                : (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | (guint32) p[3];
}

/* The orientation tag of a TIFF structure's first IFD; 1 (as stored)
 * when it is missing or anything about it is wrong. */
static guint
tiff_orientation (const guint8 *tiff,
                  gsize         len)
{
  gboolean little;
  guint32 ifd;
  guint count;
  guint i;

  if (len < 8)
    return 1;
  if (tiff[0] == 'I' && tiff[1] == 'I')
    little = TRUE;
  else if (tiff[0] == 'M' && tiff[1] == 'M')
    little = FALSE;
  else
    return 1;
  if (read16 (tiff + 2, little) != 42)
    return 1;
  ifd = read32 (tiff + 4, little);
  if (ifd < 8 || ifd > len - 2)
    return 1;
  count = read16 (tiff + ifd, little);
  if ((gsize) count * 12 > len - ifd - 2)
    return 1;

  for (i = 0; i < count; i++)
    {
      const guint8 *entry = tiff + ifd + 2 + (gsize) i * 12;
      guint value;

      if (read16 (entry, little) != 0x0112)
        continue;
      /* One SHORT, stored in the first two bytes of the value field. */
      if (read16 (entry + 2, little) != 3 || read32 (entry + 4, little) != 1)
        return 1;
      value = read16 (entry + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  return 1;
}

typedef struct
{
  guint width;       /* of the first SOF segment; 0 if none was found */
  guint height;
  guint orientation; /* of the first APP1 Exif segment; 1 if none */
} JpegHeader;

/* Walks the segments before the first SOS. Anything it does not
 * understand ends the walk; libjpeg then judges the file. */
static void
jpeg_scan_header (const guint8 *data,
                  gsize         len,
                  JpegHeader   *header)
{
  gboolean have_sof = FALSE;
  gboolean have_exif = FALSE;
  gsize pos = 2;

  header->width = 0;
  header->height = 0;
  header->orientation = 1;

  while (pos < len && data[pos] == 0xff)
    {
      const guint8 *payload;
      guint marker;
      gsize size;

      while (pos < len && data[pos] == 0xff)
        pos++;
      if (pos >= len)
        return;
      marker = data[pos++];
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        continue;
      if (marker == 0x00 || marker == 0xd9 || marker == 0xda || len - pos < 2)
        return;
      size = (gsize) data[pos] << 8 | data[pos + 1];
      if (size < 2 || size > len - pos)
        return;
      payload = data + pos + 2;
      size -= 2;

      /* SOF0..SOF15, which leave out DHT (C4), JPG (C8) and DAC (CC). */
      if (!have_sof && marker >= 0xc0 && marker <= 0xcf &&
          marker != 0xc4 && marker != 0xc8 && marker != 0xcc && size >= 6)
        {
          header->height = (guint) payload[1] << 8 | payload[2];
          header->width = (guint) payload[3] << 8 | payload[4];
          have_sof = TRUE;
        }
      else if (!have_exif && marker == 0xe1 && size >= 6 && memcmp (payload, "Exif\0\0", 6) == 0)
        {
          header->orientation = tiff_orientation (payload + 6, size - 6);
          have_exif = TRUE;
        }
      pos += size + 2;
    }
}

/* libjpeg, made quiet and strict. */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  gboolean              out_of_memory;
} JpegError;

G_GNUC_NORETURN static void
jpeg_error_exit (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  if (err->pub.msg_code == JERR_OUT_OF_MEMORY)
    err->out_of_memory = TRUE;
  longjmp (err->jump, 1);
}

static void
jpeg_emit_message (j_common_ptr cinfo,
                   int          msg_level)
{
  JpegError *err = (JpegError *) cinfo->err;

  if (msg_level >= 0)
    return;
  /* These warnings mean pixels are missing: libjpeg would go on and fill
   * them with grey. Other warnings (extraneous bytes before a marker,
   * unusual JFIF versions) are common in photos and harmless. */
  switch (err->pub.msg_code)
    {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_MUST_RESYNC:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
      longjmp (err->jump, 1);
    default:
      err->pub.num_warnings++;
      break;
    }
}

static void
jpeg_output_message (j_common_ptr cinfo)
{
  /* Nothing goes to stderr. */
  (void) cinfo;
}

static void
jpeg_error_init (JpegError *err)
{
  jpeg_std_error (&err->pub);
  err->pub.error_exit = jpeg_error_exit;
  err->pub.emit_message = jpeg_emit_message;
  err->pub.output_message = jpeg_output_message;
}

static void
jpeg_progress (j_common_ptr cinfo)
{
  if (cinfo->is_decompressor &&
      ((j_decompress_ptr) cinfo)->input_scan_number > JPEG_MAX_SCANS)
    longjmp (((JpegError *) cinfo->err)->jump, 1);
}

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  JpegError                     jerr;
  struct jpeg_progress_mgr      progress;
  gboolean                      created;
  guint8                       *row;
  gsize                         row_size;
  Scaler                       *scaler;
} JpegReader;

static void
jpeg_reader_free (JpegReader *reader)
{
  if (reader->created)
    jpeg_destroy_decompress (&reader->cinfo);
  wipe_free (reader->row, reader->row_size);
  scaler_free (reader->scaler);
  g_free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JpegReader, jpeg_reader_free)

/* CMYK to RGB, in place: inverted (255 is no ink) when an Adobe marker
 * says Adobe wrote it, YCCK included once libjpeg has turned it into
 * CMYK; plain otherwise. */
static void
cmyk_to_rgb (guint8   *row,
             guint     width,
             gboolean  inverted)
{
  guint x;

  for (x = 0; x < width; x++)
    {
      guint c = row[4 * x], m = row[4 * x + 1], y = row[4 * x + 2], k = row[4 * x + 3];

      if (!inverted)
        {
          c = 255 - c;
          m = 255 - m;
          y = 255 - y;
          k = 255 - k;
        }
      row[3 * x] = (guint8) ((c * k + 127) / 255);
      row[3 * x + 1] = (guint8) ((m * k + 127) / 255);
      row[3 * x + 2] = (guint8) ((y * k + 127) / 255);
    }
}

/* Everything between setjmp and its return, so that no local variable of
 * the function holding the jmp_buf changes after setjmp. */
static Image *
jpeg_decode (JpegReader   *reader,
             const guint8 *data,
             gsize         len,
             GError      **error)
{
  j_decompress_ptr cinfo = &reader->cinfo;
  gboolean cmyk;
  guint denom = 1;
  guint longest;
  guint width, height;

  jpeg_create_decompress (cinfo);
  reader->created = TRUE;
  reader->progress.progress_monitor = jpeg_progress;
  cinfo->progress = &reader->progress;
  jpeg_mem_src (cinfo, data, (unsigned long) len);
  if (jpeg_read_header (cinfo, TRUE) != JPEG_HEADER_OK)
    {
      set_damaged (error);
      return NULL;
    }
  if (!check_dimensions (cinfo->image_width, cinfo->image_height, error))
    return NULL;

  cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
  cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  cinfo->dct_method = JDCT_ISLOW;

  /* Scaling by a power of two inside the decoder is nearly free; it stops
   * where the image would become smaller than the target. */
  longest = MAX (cinfo->image_width, cinfo->image_height);
  while (denom < 8 && (longest + 2 * denom - 1) / (2 * denom) >= SR_IMAGE_MAX_SIDE)
    denom *= 2;
  cinfo->scale_num = 1;
  cinfo->scale_denom = denom;

  if (!jpeg_start_decompress (cinfo))
    {
      set_damaged (error);
      return NULL;
    }
  if (cinfo->output_components != (cmyk ? 4 : 3))
    {
      set_damaged (error);
      return NULL;
    }
  if (!check_dimensions (cinfo->output_width, cinfo->output_height, error))
    return NULL;

  fit_size (cinfo->output_width, cinfo->output_height, SR_IMAGE_MAX_SIDE, &width, &height);
  reader->scaler = scaler_new (cinfo->output_width, cinfo->output_height, width, height, 3);
  reader->row_size = (gsize) cinfo->output_width * cinfo->output_components;
  reader->row = g_try_malloc (reader->row_size);
  if (reader->scaler == NULL || reader->row == NULL)
    {
      set_out_of_memory (error);
      return NULL;
    }

  while (cinfo->output_scanline < cinfo->output_height)
    {
      JSAMPROW row = reader->row;

      if (jpeg_read_scanlines (cinfo, &row, 1) != 1)
        {
          set_damaged (error);
          return NULL;
        }
      if (cmyk)
        cmyk_to_rgb (reader->row, cinfo->output_width, cinfo->saw_Adobe_marker);
      scaler_push (reader->scaler, reader->row);
    }
  /* Reads on to EOI: a file cut after its last scan is refused too. */
  if (!jpeg_finish_decompress (cinfo))
    {
      set_damaged (error);
      return NULL;
    }
  return scaler_finish (reader->scaler);
}

static Image *
load_jpeg (const guint8 *data,
           gsize         len,
           GError      **error)
{
  g_autoptr(JpegReader) reader = g_new0 (JpegReader, 1);
  g_autoptr(Image) image = NULL;
  JpegHeader header;

  /* The size is checked before libjpeg sees the file. */
  jpeg_scan_header (data, len, &header);
  if (header.width != 0 && header.height != 0 &&
      !check_dimensions (header.width, header.height, error))
    return NULL;

  reader->cinfo.err = &reader->jerr.pub;
  jpeg_error_init (&reader->jerr);
  if (setjmp (reader->jerr.jump) != 0)
    {
      if (reader->jerr.out_of_memory)
        set_out_of_memory (error);
      else
        set_damaged (error);
      return NULL;
    }
  image = jpeg_decode (reader, data, len, error);
  if (image == NULL)
    return NULL;

  if (header.orientation != 1)
    {
      Image *turned = image_orient (image, header.orientation);

      if (turned == NULL)
        {
          set_out_of_memory (error);
          return NULL;
        }
      image_free (image);
      image = turned;
    }
  return g_steal_pointer (&image);
}

/* libpng, made quiet, strict, and wiping its own memory: its row buffers
 * and zlib's window hold pixels too. */

#define PNG_BLOCK_HEADER 16  /* keeps malloc's alignment */

G_STATIC_ASSERT (sizeof (gsize) <= PNG_BLOCK_HEADER);

typedef struct
{
  gboolean out_of_memory;
  gboolean overflow;
} PngState;

static png_voidp
png_wipe_malloc (png_structp       png,
                 png_alloc_size_t  size)
{
  guint8 *block;

  if (size > G_MAXSIZE - PNG_BLOCK_HEADER ||
      (block = g_try_malloc (size + PNG_BLOCK_HEADER)) == NULL)
    {
      PngState *state = png_get_mem_ptr (png);

      if (state != NULL)
        state->out_of_memory = TRUE;
      return NULL;
    }
  memcpy (block, &size, sizeof (gsize));
  return block + PNG_BLOCK_HEADER;
}

static void
png_wipe_free (png_structp png,
               png_voidp   ptr)
{
  guint8 *block;
  gsize size;

  (void) png;
  if (ptr == NULL)
    return;
  block = (guint8 *) ptr - PNG_BLOCK_HEADER;
  memcpy (&size, block, sizeof (gsize));
  wipe_free (block, size + PNG_BLOCK_HEADER);
}

G_GNUC_NORETURN static void
png_error_quietly (png_structp      png,
                   png_const_charp  message)
{
  (void) message;
  png_longjmp (png, 1);
}

static void
png_warning_quietly (png_structp      png,
                     png_const_charp  message)
{
  (void) png;
  (void) message;
}

typedef struct
{
  PngState      state;
  png_structp   png;
  png_infop     info;
  const guint8 *data;
  gsize         len;
  gsize         pos;
  guint8       *row;
  gsize         row_size;
  Image        *full;    /* interlaced images only */
  png_bytep    *rows;
  Scaler       *scaler;
} PngReader;

static void
png_reader_free (PngReader *reader)
{
  if (reader->png != NULL)
    png_destroy_read_struct (&reader->png, reader->info != NULL ? &reader->info : NULL, NULL);
  wipe_free (reader->row, reader->row_size);
  image_free (reader->full);
  g_free (reader->rows);
  scaler_free (reader->scaler);
  g_free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PngReader, png_reader_free)

static void
png_read_memory (png_structp png,
                 png_bytep   out,
                 png_size_t  size)
{
  PngReader *reader = png_get_io_ptr (png);

  if (size > reader->len - reader->pos)
    png_error (png, "Read past the end of the data");
  memcpy (out, reader->data + reader->pos, size);
  reader->pos += size;
}

static Image *
png_decode (PngReader *reader,
            GError   **error)
{
  png_structp png = reader->png;
  png_infop info = reader->info;
  png_uint_32 src_width, src_height;
  int bit_depth, color_type, interlace;
  guint channels;
  guint width, height;
  guint y;

  png_set_read_fn (png, reader, png_read_memory);
  /* Every ancillary chunk but tRNS is skipped without being parsed. */
  png_set_keep_unknown_chunks (png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
  /* The limit that matters is ours, checked below. */
  png_set_user_limits (png, 0x7fffffff, 0x7fffffff);
  png_read_info (png, info);

  if (!png_get_IHDR (png, info, &src_width, &src_height, &bit_depth, &color_type,
                     &interlace, NULL, NULL))
    {
      set_damaged (error);
      return NULL;
    }
  if (!check_dimensions (src_width, src_height, error))
    return NULL;

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  if (bit_depth == 16)
    png_set_scale_16 (png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb (png);
  if (interlace != PNG_INTERLACE_NONE)
    (void) png_set_interlace_handling (png);
  png_read_update_info (png, info);

  channels = png_get_channels (png, info);
  if ((channels != 3 && channels != 4) || png_get_bit_depth (png, info) != 8 ||
      png_get_rowbytes (png, info) != (gsize) src_width * channels)
    {
      set_damaged (error);
      return NULL;
    }

  fit_size (src_width, src_height, SR_IMAGE_MAX_SIDE, &width, &height);
  reader->scaler = scaler_new (src_width, src_height, width, height, channels);
  if (reader->scaler == NULL)
    {
      set_out_of_memory (error);
      return NULL;
    }

  if (interlace == PNG_INTERLACE_NONE)
    {
      reader->row_size = (gsize) src_width * channels;
      reader->row = g_try_malloc (reader->row_size);
      if (reader->row == NULL)
        {
          set_out_of_memory (error);
          return NULL;
        }
      for (y = 0; y < src_height; y++)
        {
          png_read_row (png, reader->row, NULL);
          scaler_push (reader->scaler, reader->row);
        }
    }
  else
    {
      /* Adam7 fills the image in seven passes: it has to be whole. */
      reader->full = image_new (src_width, src_height, channels);
      reader->rows = g_try_new (png_bytep, src_height);
      if (reader->full == NULL || reader->rows == NULL)
        {
          set_out_of_memory (error);
          return NULL;
        }
      for (y = 0; y < src_height; y++)
        reader->rows[y] = reader->full->pixels + (gsize) y * reader->full->stride;
      png_read_image (png, reader->rows);
      for (y = 0; y < src_height; y++)
        scaler_push (reader->scaler, reader->rows[y]);
    }
  /* Reads on to IEND, checking each chunk's CRC: a file cut after its
   * image data is refused too. */
  png_read_end (png, NULL);
  return scaler_finish (reader->scaler);
}

static Image *
load_png (const guint8 *data,
          gsize         len,
          GError      **error)
{
  g_autoptr(PngReader) reader = g_new0 (PngReader, 1);

  /* The size is checked before libpng sees the file. */
  if (len >= 24 && memcmp (data + 12, "IHDR", 4) == 0 &&
      !check_dimensions (read32 (data + 16, FALSE), read32 (data + 20, FALSE), error))
    return NULL;

  reader->data = data;
  reader->len = len;
  reader->png = png_create_read_struct_2 (PNG_LIBPNG_VER_STRING, reader,
                                          png_error_quietly, png_warning_quietly,
                                          &reader->state, png_wipe_malloc, png_wipe_free);
  if (reader->png != NULL)
    reader->info = png_create_info_struct (reader->png);
  if (reader->png == NULL || reader->info == NULL)
    {
      set_out_of_memory (error);
      return NULL;
    }
  if (setjmp (png_jmpbuf (reader->png)) != 0)
    {
      if (reader->state.out_of_memory)
        set_out_of_memory (error);
      else
        set_damaged (error);
      return NULL;
    }
  return png_decode (reader, error);
}

/* Encoding, straight into guarded memory of SR_IMAGE_MAX_OUTPUT + 1
 * bytes: filling it means the result is too large, and the encoder stops
 * there rather than finishing a file that would be thrown away. */

typedef enum
{
  ENCODE_OK,
  ENCODE_TOO_LARGE,
  ENCODE_FAILED,
} EncodeResult;

typedef struct
{
  struct jpeg_destination_mgr pub;
  SrSecret                   *buffer;
  gsize                       len;
  gboolean                    overflow;
} JpegDest;

typedef struct
{
  struct jpeg_compress_struct cinfo;
  JpegError                   jerr;
  JpegDest                    dest;
  gboolean                    created;
} JpegWriter;

static void
jpeg_writer_free (JpegWriter *writer)
{
  if (writer->created)
    jpeg_destroy_compress (&writer->cinfo);
  g_free (writer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JpegWriter, jpeg_writer_free)

static void
jpeg_dest_init (j_compress_ptr cinfo)
{
  JpegDest *dest = (JpegDest *) cinfo->dest;

  dest->pub.next_output_byte = dest->buffer->data;
  dest->pub.free_in_buffer = dest->buffer->len;
}

G_GNUC_NORETURN static boolean
jpeg_dest_full (j_compress_ptr cinfo)
{
  JpegDest *dest = (JpegDest *) cinfo->dest;

  dest->overflow = TRUE;
  longjmp (((JpegError *) cinfo->err)->jump, 1);
}

static void
jpeg_dest_term (j_compress_ptr cinfo)
{
  JpegDest *dest = (JpegDest *) cinfo->dest;

  dest->len = dest->buffer->len - dest->pub.free_in_buffer;
}

static void
jpeg_encode (JpegWriter *writer,
             Image      *image,
             gboolean    full_chroma)
{
  j_compress_ptr cinfo = &writer->cinfo;
  guint y;

  jpeg_create_compress (cinfo);
  writer->created = TRUE;
  writer->dest.pub.init_destination = jpeg_dest_init;
  writer->dest.pub.empty_output_buffer = jpeg_dest_full;
  writer->dest.pub.term_destination = jpeg_dest_term;
  cinfo->dest = &writer->dest.pub;

  cinfo->image_width = image->width;
  cinfo->image_height = image->height;
  cinfo->input_components = 3;
  cinfo->in_color_space = JCS_RGB;
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, JPEG_QUALITY, TRUE);
  cinfo->dct_method = JDCT_ISLOW;
  /* Huffman tables optimised for the image would take a second pass over
   * a full-image buffer of coefficients that libjpeg frees unwiped. */
  cinfo->optimize_coding = FALSE;
  if (full_chroma)
    {
      cinfo->comp_info[0].h_samp_factor = 1;
      cinfo->comp_info[0].v_samp_factor = 1;
    }

  jpeg_start_compress (cinfo, TRUE);
  for (y = 0; y < image->height; y++)
    {
      JSAMPROW row = image->pixels + (gsize) y * image->stride;

      (void) jpeg_write_scanlines (cinfo, &row, 1);
    }
  jpeg_finish_compress (cinfo);
}

static EncodeResult
encode_jpeg (Image     *image,
             gboolean   full_chroma,
             SrSecret  *buffer,
             gsize     *len,
             GError   **error)
{
  g_autoptr(JpegWriter) writer = g_new0 (JpegWriter, 1);

  g_assert (image->channels == 3);
  writer->dest.buffer = buffer;
  writer->cinfo.err = &writer->jerr.pub;
  jpeg_error_init (&writer->jerr);
  if (setjmp (writer->jerr.jump) != 0)
    {
      if (writer->dest.overflow)
        return ENCODE_TOO_LARGE;
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED, "The image could not be encoded again.");
      return ENCODE_FAILED;
    }
  jpeg_encode (writer, image, full_chroma);
  *len = writer->dest.len;
  return *len < buffer->len ? ENCODE_OK : ENCODE_TOO_LARGE;
}

typedef struct
{
  PngState    state;
  png_structp png;
  png_infop   info;
  SrSecret   *buffer;
  gsize       len;
} PngWriter;

static void
png_writer_free (PngWriter *writer)
{
  if (writer->png != NULL)
    png_destroy_write_struct (&writer->png, writer->info != NULL ? &writer->info : NULL);
  g_free (writer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PngWriter, png_writer_free)

static void
png_write_memory (png_structp png,
                  png_bytep   data,
                  png_size_t  size)
{
  PngWriter *writer = png_get_io_ptr (png);

  if (size >= writer->buffer->len - writer->len)
    {
      writer->state.overflow = TRUE;
      png_error (png, "The result is too large");
    }
  memcpy (writer->buffer->data + writer->len, data, size);
  writer->len += size;
}

static void
png_flush_memory (png_structp png)
{
  (void) png;
}

static void
png_encode (PngWriter *writer,
            Image     *image)
{
  guint y;

  png_set_write_fn (writer->png, writer, png_write_memory, png_flush_memory);
  /* IHDR and nothing else before IDAT: no text, time, gamma or colour
   * profile is ever set, so none is written. */
  png_set_IHDR (writer->png, writer->info, image->width, image->height, 8,
                image->channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (writer->png, writer->info);
  for (y = 0; y < image->height; y++)
    png_write_row (writer->png, image->pixels + (gsize) y * image->stride);
  png_write_end (writer->png, NULL);
}

static EncodeResult
encode_png (Image     *image,
            SrSecret  *buffer,
            gsize     *len,
            GError   **error)
{
  g_autoptr(PngWriter) writer = g_new0 (PngWriter, 1);

  writer->buffer = buffer;
  writer->png = png_create_write_struct_2 (PNG_LIBPNG_VER_STRING, writer,
                                           png_error_quietly, png_warning_quietly,
                                           &writer->state, png_wipe_malloc, png_wipe_free);
  if (writer->png != NULL)
    writer->info = png_create_info_struct (writer->png);
  if (writer->png == NULL || writer->info == NULL)
    {
      set_out_of_memory (error);
      return ENCODE_FAILED;
    }
  if (setjmp (png_jmpbuf (writer->png)) != 0)
    {
      if (writer->state.overflow)
        return ENCODE_TOO_LARGE;
      if (writer->state.out_of_memory)
        set_out_of_memory (error);
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED, "The image could not be encoded again.");
      return ENCODE_FAILED;
    }
  png_encode (writer, image);
  *len = writer->len;
  return ENCODE_OK;
}

/* Encodes base as PNG (from a PNG) or JPEG, then, while the result is too
 * large, a PNG as JPEG and the image at 3/4 of the last size. */
static SrSecret *
encode_fitting (Image        *base,
                gboolean      as_png,
                const char  **media_type,
                guint        *width,
                guint        *height,
                GError      **error)
{
  g_autoptr(SrSecret) buffer = sr_secret_new (SR_IMAGE_MAX_OUTPUT + 1);
  g_autoptr(Image) scaled = NULL;
  gboolean from_png = as_png;
  Image *current = base;
  gsize len = 0;

  if (image_is_opaque (base))
    image_remove_alpha (base, FALSE);

  for (;;)
    {
      EncodeResult result;
      guint next_width, next_height;

      if (as_png)
        result = encode_png (current, buffer, &len, error);
      else
        result = encode_jpeg (current, from_png, buffer, &len, error);
      if (result == ENCODE_FAILED)
        return NULL;
      if (result == ENCODE_OK)
        break;

      if (as_png)
        {
          /* The same size as JPEG first: for a photo saved as PNG, that
           * alone makes it small enough. */
          as_png = FALSE;
          image_remove_alpha (base, TRUE);
          continue;
        }

      next_width = current->width * 3 / 4;
      next_height = current->height * 3 / 4;
      if (next_width == 0 || next_height == 0)
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                               "The image could not be made small enough to attach.");
          return NULL;
        }
      g_clear_pointer (&scaled, image_free);
      scaled = image_scale (base, next_width, next_height);
      if (scaled == NULL)
        {
          set_out_of_memory (error);
          return NULL;
        }
      current = scaled;
    }

  if (media_type != NULL)
    *media_type = as_png ? "image/png" : "image/jpeg";
  if (width != NULL)
    *width = current->width;
  if (height != NULL)
    *height = current->height;
  return sr_secret_new_from (buffer->data, len);
}

SrSecret *
sr_image_sanitize (const guint8  *data,
                   gsize          len,
                   const char   **media_type,
                   guint         *width,
                   guint         *height,
                   GError       **error)
{
  g_autoptr(Image) image = NULL;
  gboolean png;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Before a single byte is looked at, so that a caller may check a size
   * without handing over the data. */
  if (len > SR_IMAGE_MAX_INPUT)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The image is larger than %u MB, the most that can be attached.",
                   (guint) (SR_IMAGE_MAX_INPUT / (1024 * 1024)));
      return NULL;
    }

  if (is_jpeg (data, len))
    png = FALSE;
  else if (is_png (data, len))
    png = TRUE;
  else
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "This file is not a JPEG or PNG image.");
      return NULL;
    }

  image = png ? load_png (data, len, error) : load_jpeg (data, len, error);
  if (image == NULL)
    return NULL;
  return encode_fitting (image, png, media_type, width, height, error);
}
