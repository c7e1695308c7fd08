/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-image"

#include "sr-test-util.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <zlib.h>

#include "sr-error.h"
#include "sr-image.h"

/* The attachment sanitizer (app/sr-image.h): metadata never survives,
 * orientation is applied, every input format comes out right, sizes are
 * bounded, every damaged input is refused quietly. Inputs are made here
 * with libjpeg and libpng, so that each test states what is in them. */

/* Four quadrants: red top left, green top right, blue bottom left,
 * white bottom right. Where red and green end up tells every
 * orientation apart. */
typedef enum
{
  RED,
  GREEN,
  BLUE,
  WHITE,
  OTHER,
} Colour;

static const guint8 quadrant_rgb[4][3] = {
  { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 },
};

static guint8 *
quadrants_rgb (guint width,
               guint height)
{
  guint8 *pixels = g_malloc ((gsize) width * height * 3);
  guint y;

  for (y = 0; y < height; y++)
    {
      guint x;

      for (x = 0; x < width; x++)
        {
          guint q = (y >= height / 2 ? 2 : 0) + (x >= width / 2 ? 1 : 0);

          memcpy (pixels + ((gsize) y * width + x) * 3, quadrant_rgb[q], 3);
        }
    }
  return pixels;
}

static Colour
classify (const guint8 *px)
{
  guint q;

  for (q = 0; q < 4; q++)
    if (ABS ((int) px[0] - quadrant_rgb[q][0]) < 50 &&
        ABS ((int) px[1] - quadrant_rgb[q][1]) < 50 &&
        ABS ((int) px[2] - quadrant_rgb[q][2]) < 50)
      return (Colour) q;
  return OTHER;
}

/* The colour at the centre of a quadrant: 0 top left, 1 top right,
 * 2 bottom left, 3 bottom right. */
static Colour
quadrant_colour (const guint8 *pixels,
                 guint         width,
                 guint         height,
                 guint         channels,
                 guint         quadrant)
{
  guint x = (quadrant & 1) ? width * 3 / 4 : width / 4;
  guint y = (quadrant & 2) ? height * 3 / 4 : height / 4;

  return classify (pixels + ((gsize) y * width + x) * channels);
}

/* JPEG, written and read with libjpeg. */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
} TestJpegError;

static void
test_jpeg_error_exit (j_common_ptr cinfo)
{
  longjmp (((TestJpegError *) cinfo->err)->jump, 1);
}

static void
test_jpeg_quiet (j_common_ptr cinfo)
{
  (void) cinfo;
}

typedef struct
{
  guint8       marker;
  const guint8 *data;
  gsize         len;
} Marker;

typedef enum
{
  JPEG_RGB,
  JPEG_GRAY,
  JPEG_CMYK_ADOBE,  /* inverted CMYK with an Adobe marker, as Photoshop writes */
  JPEG_YCCK,
  JPEG_CMYK_PLAIN,  /* plain CMYK, no Adobe marker */
} JpegKind;

typedef struct
{
  JpegKind              kind;
  gboolean              progressive;
  int                   quality;
  const Marker         *markers;
  guint                 n_markers;
  const jpeg_scan_info *scans;
  int                   n_scans;
} JpegSpec;

/* pixels: RGB, whatever the kind; converted here. */
static GBytes *
make_jpeg (const guint8   *pixels,
           guint           width,
           guint           height,
           const JpegSpec *spec)
{
  struct jpeg_compress_struct cinfo;
  TestJpegError jerr;
  unsigned char *out = NULL;
  unsigned long out_len = 0;
  g_autofree guint8 *row = g_malloc ((gsize) width * 4);
  GBytes *bytes;
  guint i;

  memset (&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error (&jerr.pub);
  jerr.pub.error_exit = test_jpeg_error_exit;
  if (setjmp (jerr.jump) != 0)
    g_error ("libjpeg could not write the test image");
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &out_len);
  cinfo.image_width = width;
  cinfo.image_height = height;
  switch (spec->kind)
    {
    case JPEG_GRAY:
      cinfo.input_components = 1;
      cinfo.in_color_space = JCS_GRAYSCALE;
      break;
    case JPEG_CMYK_ADOBE:
    case JPEG_YCCK:
    case JPEG_CMYK_PLAIN:
      cinfo.input_components = 4;
      cinfo.in_color_space = JCS_CMYK;
      break;
    case JPEG_RGB:
    default:
      cinfo.input_components = 3;
      cinfo.in_color_space = JCS_RGB;
      break;
    }
  jpeg_set_defaults (&cinfo);
  if (spec->kind == JPEG_YCCK)
    jpeg_set_colorspace (&cinfo, JCS_YCCK);
  if (spec->kind == JPEG_CMYK_PLAIN)
    cinfo.write_Adobe_marker = FALSE;
  jpeg_set_quality (&cinfo, spec->quality != 0 ? spec->quality : 95, TRUE);
  if (spec->progressive)
    jpeg_simple_progression (&cinfo);
  if (spec->scans != NULL)
    {
      cinfo.scan_info = spec->scans;
      cinfo.num_scans = spec->n_scans;
    }
  jpeg_start_compress (&cinfo, TRUE);
  for (i = 0; i < spec->n_markers; i++)
    jpeg_write_marker (&cinfo, spec->markers[i].marker, spec->markers[i].data,
                       (unsigned int) spec->markers[i].len);

  while (cinfo.next_scanline < height)
    {
      const guint8 *src = pixels + (gsize) cinfo.next_scanline * width * 3;
      JSAMPROW rows[1] = { row };
      guint x;

      for (x = 0; x < width; x++)
        {
          const guint8 *p = src + 3 * x;

          switch (spec->kind)
            {
            case JPEG_GRAY:
              row[x] = (guint8) ((p[0] * 299 + p[1] * 587 + p[2] * 114 + 500) / 1000);
              break;
            case JPEG_CMYK_ADOBE:
            case JPEG_YCCK:
              /* Inverted: 255 means no ink. K is 0 ink throughout. */
              row[4 * x] = p[0];
              row[4 * x + 1] = p[1];
              row[4 * x + 2] = p[2];
              row[4 * x + 3] = 255;
              break;
            case JPEG_CMYK_PLAIN:
              row[4 * x] = 255 - p[0];
              row[4 * x + 1] = 255 - p[1];
              row[4 * x + 2] = 255 - p[2];
              row[4 * x + 3] = 0;
              break;
            case JPEG_RGB:
            default:
              memcpy (row + 3 * x, p, 3);
              break;
            }
        }
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);

  bytes = g_bytes_new (out, out_len);
  free (out);
  return bytes;
}

static GBytes *
make_jpeg_simple (const guint8 *pixels,
                  guint         width,
                  guint         height)
{
  JpegSpec spec = { .kind = JPEG_RGB };

  return make_jpeg (pixels, width, height, &spec);
}

/* Decodes a result to RGB, failing the test if it does not decode
 * cleanly. */
static guint8 *
read_jpeg (const guint8 *data,
           gsize         len,
           guint        *width,
           guint        *height)
{
  struct jpeg_decompress_struct cinfo;
  TestJpegError jerr;
  guint8 *pixels;

  memset (&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error (&jerr.pub);
  jerr.pub.error_exit = test_jpeg_error_exit;
  jerr.pub.output_message = test_jpeg_quiet;
  if (setjmp (jerr.jump) != 0)
    g_error ("The result does not decode as JPEG");
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress (&cinfo);
  g_assert_cmpint (cinfo.output_components, ==, 3);
  /* Zeroed, though every row is written, for the static analyzer. */
  pixels = g_malloc0 ((gsize) cinfo.output_width * cinfo.output_height * 3);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = pixels + (gsize) cinfo.output_scanline * cinfo.output_width * 3;

      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_decompress (&cinfo);
  g_assert_cmpint (jerr.pub.num_warnings, ==, 0);
  *width = cinfo.output_width;
  *height = cinfo.output_height;
  jpeg_destroy_decompress (&cinfo);
  return pixels;
}

/* The markers of a JPEG up to its first SOS, checking the structure. */
static GArray *
jpeg_markers (const guint8 *data,
              gsize         len)
{
  GArray *markers = g_array_new (FALSE, FALSE, sizeof (guint8));
  gsize pos = 2;

  g_assert_cmpuint (len, >=, 4);
  g_assert_cmpuint (data[0], ==, 0xff);
  g_assert_cmpuint (data[1], ==, 0xd8);
  for (;;)
    {
      guint8 marker;
      gsize size;

      g_assert_cmpuint (pos + 4, <=, len);
      g_assert_cmpuint (data[pos], ==, 0xff);
      marker = data[pos + 1];
      g_array_append_val (markers, marker);
      size = (gsize) data[pos + 2] << 8 | data[pos + 3];
      g_assert_cmpuint (size, >=, 2);
      if (marker == 0xda)
        break;
      pos += 2 + size;
    }
  g_assert_cmpuint (data[len - 2], ==, 0xff);
  g_assert_cmpuint (data[len - 1], ==, 0xd9);
  return markers;
}

/* A TIFF structure as EXIF carries it: IFD0 with Make, Orientation and a
 * GPS IFD pointer; the GPS IFD with a latitude and a processing method
 * holding gps_marker. */

static void
put16 (GByteArray *out,
       gboolean    little,
       guint       value)
{
  guint8 b[2];

  b[little ? 0 : 1] = (guint8) (value & 0xff);
  b[little ? 1 : 0] = (guint8) (value >> 8);
  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out,
       gboolean    little,
       guint32     value)
{
  guint8 b[4];
  guint i;

  for (i = 0; i < 4; i++)
    b[little ? i : 3 - i] = (guint8) (value >> (8 * i));
  g_byte_array_append (out, b, 4);
}

static void
put_entry (GByteArray *out,
           gboolean    little,
           guint       tag,
           guint       type,
           guint32     count,
           guint32     value)
{
  put16 (out, little, tag);
  put16 (out, little, type);
  put32 (out, little, count);
  if (type == 3 && count == 1)
    {
      put16 (out, little, value);
      put16 (out, little, 0);
    }
  else
    put32 (out, little, value);
}

#define GPS_MARKER   "SECRET-GPS-51.5074N"
#define MAKE_MARKER  "SECRET-PHONE-SN-0042"
#define COM_MARKER   "SECRET-COMMENT-ANNA"
#define EXIF_IFD0    8
#define EXIF_MAKE    50   /* IFD0: 2 + 3 × 12 + 4 bytes */
#define EXIF_GPS     72
#define EXIF_RATIONAL 114 /* GPS IFD: 2 + 3 × 12 + 4 bytes */
#define EXIF_METHOD  138

static GByteArray *
make_tiff (gboolean little,
           guint    orientation)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 zero[8] = { 0 };
  guint i;

  g_byte_array_append (out, (const guint8 *) (little ? "II" : "MM"), 2);
  put16 (out, little, 42);
  put32 (out, little, EXIF_IFD0);
  put16 (out, little, 3);
  put_entry (out, little, 0x010f, 2, sizeof MAKE_MARKER, EXIF_MAKE);
  put_entry (out, little, 0x0112, 3, 1, orientation);
  put_entry (out, little, 0x8825, 4, 1, EXIF_GPS);
  put32 (out, little, 0);
  g_assert_cmpuint (out->len, ==, EXIF_MAKE);
  g_byte_array_append (out, (const guint8 *) MAKE_MARKER, sizeof MAKE_MARKER);
  g_byte_array_append (out, zero, EXIF_GPS - out->len);
  put16 (out, little, 3);
  put_entry (out, little, 0x0001, 2, 2, little ? 'N' : (guint32) 'N' << 24);
  put_entry (out, little, 0x0002, 5, 3, EXIF_RATIONAL);
  put_entry (out, little, 0x001b, 7, sizeof GPS_MARKER - 1, EXIF_METHOD);
  put32 (out, little, 0);
  g_assert_cmpuint (out->len, ==, EXIF_RATIONAL);
  for (i = 0; i < 3; i++)
    {
      put32 (out, little, i == 0 ? 51 : i == 1 ? 30 : 2664);
      put32 (out, little, i == 2 ? 100 : 1);
    }
  g_assert_cmpuint (out->len, ==, EXIF_METHOD);
  g_byte_array_append (out, (const guint8 *) GPS_MARKER, sizeof GPS_MARKER - 1);
  return out;
}

/* The APP1 payload: "Exif\0\0" and the TIFF structure. */
static GBytes *
make_exif (const GByteArray *tiff)
{
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (out, tiff->data, tiff->len);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
make_exif_jpeg (const guint8 *pixels,
                guint         width,
                guint         height,
                GBytes       *exif,
                gboolean      with_comment)
{
  Marker markers[2] = {
    { JPEG_APP0 + 1, g_bytes_get_data (exif, NULL), g_bytes_get_size (exif) },
    { JPEG_COM, (const guint8 *) COM_MARKER, sizeof COM_MARKER - 1 },
  };
  JpegSpec spec = { .kind = JPEG_RGB, .markers = markers, .n_markers = with_comment ? 2 : 1 };

  return make_jpeg (pixels, width, height, &spec);
}

/* PNG, written with libpng's full API so that any chunk can go in. */

typedef struct
{
  guint            width;
  guint            height;
  int              color_type;
  int              bit_depth;
  gboolean         interlace;
  const guint8    *rows;     /* packed as the file stores them */
  gsize            stride;
  const png_color *palette;
  int              n_palette;
  const guint8    *trans;
  int              n_trans;
  const png_color_16 *trans_color;  /* tRNS of grey and RGB images: one transparent colour */
  gboolean         metadata;
  int              level;    /* zlib level; 0 means the default */
} PngSpec;

#define TEXT_MARKER  "SECRET-PNG-TEXT-HOME"
#define ZTXT_MARKER  "SECRET-PNG-ZTXT-PHONE"
#define ITXT_MARKER  "SECRET-PNG-ITXT-NAME"
#define LATE_MARKER  "SECRET-PNG-LATE-TEXT"

static void
test_png_write (png_structp png,
                png_bytep   data,
                png_size_t  len)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) len);
}

static void
test_png_flush (png_structp png)
{
  (void) png;
}

static GBytes *
make_png (const PngSpec *spec)
{
  g_autoptr(GByteArray) tiff = make_tiff (TRUE, 6);
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  png_infop end_info = png_create_info_struct (png);
  guint y;

  g_assert_nonnull (png);
  if (setjmp (png_jmpbuf (png)) != 0)
    g_error ("libpng could not write the test image");
  png_set_write_fn (png, out, test_png_write, test_png_flush);
  if (spec->level != 0)
    png_set_compression_level (png, spec->level);
  png_set_IHDR (png, info, spec->width, spec->height, spec->bit_depth, spec->color_type,
                spec->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (spec->palette != NULL)
    png_set_PLTE (png, info, spec->palette, spec->n_palette);
  if (spec->trans != NULL || spec->trans_color != NULL)
    png_set_tRNS (png, info, spec->trans, spec->n_trans, spec->trans_color);
  if (spec->metadata)
    {
      png_text text[3];
      png_time when = { 2024, 5, 17, 21, 14, 3 };
      png_text late;

      memset (text, 0, sizeof text);
      text[0].compression = PNG_TEXT_COMPRESSION_NONE;
      text[0].key = (char *) "Comment";
      text[0].text = (char *) TEXT_MARKER;
      text[1].compression = PNG_TEXT_COMPRESSION_zTXt;
      text[1].key = (char *) "Description";
      text[1].text = (char *) ZTXT_MARKER;
      text[2].compression = PNG_ITXT_COMPRESSION_NONE;
      text[2].key = (char *) "Author";
      text[2].text = (char *) ITXT_MARKER;
      text[2].lang = (char *) "en";
      png_set_text (png, info, text, 3);
      png_set_eXIf_1 (png, info, tiff->len, tiff->data);
      png_set_tIME (png, info, &when);
      png_set_pHYs (png, info, 3780, 3780, PNG_RESOLUTION_METER);
      png_set_gAMA (png, info, 1.0 / 2.2);

      memset (&late, 0, sizeof late);
      late.compression = PNG_TEXT_COMPRESSION_NONE;
      late.key = (char *) "Source";
      late.text = (char *) LATE_MARKER;
      png_set_text (png, end_info, &late, 1);
    }
  png_write_info (png, info);
  {
    int passes = png_set_interlace_handling (png);
    int pass;

    for (pass = 0; pass < passes; pass++)
      for (y = 0; y < spec->height; y++)
        png_write_row (png, spec->rows + (gsize) y * spec->stride);
  }
  png_write_end (png, end_info);
  png_destroy_info_struct (png, &end_info);
  png_destroy_write_struct (&png, &info);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
make_png_rgb (const guint8 *pixels,
              guint         width,
              guint         height)
{
  PngSpec spec = {
    .width = width, .height = height, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8,
    .rows = pixels, .stride = (gsize) width * 3,
  };

  return make_png (&spec);
}

/* Decodes a result to 8-bit RGB or RGBA as its IHDR says. */
static guint8 *
read_png (const guint8 *data,
          gsize         len,
          guint        *width,
          guint        *height,
          guint        *channels)
{
  png_image image;
  guint8 *pixels;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  g_assert_true (png_image_begin_read_from_memory (&image, data, len));
  g_assert_true (image.format == PNG_FORMAT_RGB || image.format == PNG_FORMAT_RGBA);
  pixels = g_malloc (PNG_IMAGE_SIZE (image));
  g_assert_true (png_image_finish_read (&image, NULL, pixels, 0, NULL));
  *width = image.width;
  *height = image.height;
  *channels = PNG_IMAGE_PIXEL_CHANNELS (image.format);
  return pixels;
}

/* The chunk types of a PNG, checking every length and CRC. */
static GPtrArray *
png_chunks (const guint8 *data,
            gsize         len)
{
  GPtrArray *chunks = g_ptr_array_new_with_free_func (g_free);
  gsize pos = 8;

  g_assert_cmpuint (len, >=, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  while (pos < len)
    {
      guint32 size, crc;

      g_assert_cmpuint (len - pos, >=, 12);
      size = (guint32) data[pos] << 24 | (guint32) data[pos + 1] << 16 |
             (guint32) data[pos + 2] << 8 | data[pos + 3];
      g_assert_cmpuint (size, <=, len - pos - 12);
      crc = (guint32) data[pos + 8 + size] << 24 | (guint32) data[pos + 9 + size] << 16 |
            (guint32) data[pos + 10 + size] << 8 | data[pos + 11 + size];
      g_assert_cmpuint (crc, ==, crc32 (0, data + pos + 4, size + 4));
      g_ptr_array_add (chunks, g_strndup ((const char *) data + pos + 4, 4));
      pos += 12 + size;
    }
  g_assert_cmpstr (g_ptr_array_index (chunks, chunks->len - 1), ==, "IEND");
  return chunks;
}

static gboolean
has_chunk (GPtrArray  *chunks,
           const char *name)
{
  guint i;

  for (i = 0; i < chunks->len; i++)
    if (strcmp (g_ptr_array_index (chunks, i), name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
contains (const guint8 *data,
          gsize         len,
          const char   *needle)
{
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

/* Sanitizing. */

typedef struct
{
  SrSecret   *out;
  const char *media_type;
  guint       width;
  guint       height;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, sr_secret_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static Result
sanitize_ok (GBytes *input)
{
  g_autoptr(GError) error = NULL;
  Result result = { NULL, NULL, 0, 0 };

  result.out = sr_image_sanitize (g_bytes_get_data (input, NULL), g_bytes_get_size (input),
                                  &result.media_type, &result.width, &result.height, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result.out);
  g_assert_cmpuint (result.out->len, <=, SR_IMAGE_MAX_OUTPUT);
  g_assert_true (sr_image_check_type (result.media_type, result.out->data, result.out->len));
  g_assert_cmpuint (result.width, >=, 1);
  g_assert_cmpuint (result.height, >=, 1);
  g_assert_cmpuint (MAX (result.width, result.height), <=, SR_IMAGE_MAX_SIDE);
  return result;
}

/* A JPEG result: decodes cleanly to the size reported, is baseline, and
 * holds no segment but those libjpeg writes for JFIF. */
static guint8 *
check_jpeg_result (const Result *result)
{
  g_autoptr(GArray) markers = NULL;
  guint8 *pixels;
  guint width, height;
  guint i;

  g_assert_cmpstr (result->media_type, ==, "image/jpeg");
  markers = jpeg_markers (result->out->data, result->out->len);
  g_assert_cmpuint (g_array_index (markers, guint8, 0), ==, 0xe0);
  g_assert_cmpmem (result->out->data + 6, 5, "JFIF\0", 5);
  for (i = 0; i < markers->len; i++)
    {
      guint8 m = g_array_index (markers, guint8, i);

      if (i > 0)
        g_assert_false (m >= 0xe0 && m <= 0xef);  /* no APPn but JFIF's */
      g_assert_cmpuint (m, !=, 0xfe);             /* no COM */
      g_assert_cmpuint (m, !=, 0xc2);             /* not progressive */
      g_assert_true (m == 0xe0 || m == 0xdb || m == 0xc0 || m == 0xc4 || m == 0xda);
    }
  pixels = read_jpeg (result->out->data, result->out->len, &width, &height);
  g_assert_cmpuint (width, ==, result->width);
  g_assert_cmpuint (height, ==, result->height);
  return pixels;
}

/* A PNG result: IHDR, IDAT and IEND only, 8 bits, RGB or RGBA. */
static guint8 *
check_png_result (const Result *result,
                  guint        *channels)
{
  g_autoptr(GPtrArray) chunks = NULL;
  guint8 *pixels;
  guint width, height;
  guint i;

  g_assert_cmpstr (result->media_type, ==, "image/png");
  chunks = png_chunks (result->out->data, result->out->len);
  g_assert_cmpstr (g_ptr_array_index (chunks, 0), ==, "IHDR");
  for (i = 0; i < chunks->len; i++)
    {
      const char *name = g_ptr_array_index (chunks, i);

      if (strcmp (name, "IHDR") != 0 && strcmp (name, "IDAT") != 0 && strcmp (name, "IEND") != 0)
        g_error ("The result holds a %s chunk", name);
    }
  g_assert_cmpuint (result->out->data[24], ==, 8);  /* bit depth */
  pixels = read_png (result->out->data, result->out->len, &width, &height, channels);
  g_assert_cmpuint (result->out->data[25], ==, *channels == 4 ? 6 : 2);
  g_assert_cmpuint (width, ==, result->width);
  g_assert_cmpuint (height, ==, result->height);
  return pixels;
}

/* Refusals. */

static void
assert_refused (const guint8 *data,
                gsize         len,
                const char   *message)
{
  g_autoptr(GError) error = NULL;
  const char *media_type = "untouched";
  guint width = 7;
  SrSecret *out;

  out = sr_image_sanitize (data, len, &media_type, &width, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  /* One sentence for a person. */
  g_assert_true (g_str_has_suffix (error->message, "."));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strstr (error->message, "JPEG data"));
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpstr (media_type, ==, "untouched");
  g_assert_cmpuint (width, ==, 7);
}

#define NOT_AN_IMAGE "This file is not a JPEG or PNG image."
#define DAMAGED      "The image is damaged and cannot be read."

/* Tests. */

static void
test_jpeg_metadata (void)
{
  g_autofree guint8 *pixels = quadrants_rgb (64, 32);
  g_autoptr(GByteArray) tiff = make_tiff (FALSE, 6);
  g_autoptr(GBytes) exif = make_exif (tiff);
  g_autoptr(GBytes) input = make_exif_jpeg (pixels, 64, 32, exif, TRUE);
  g_auto(Result) result = { NULL };
  g_autofree guint8 *out = NULL;
  const guint8 *in = g_bytes_get_data (input, NULL);
  gsize in_len = g_bytes_get_size (input);

  /* The input does carry what must go. */
  g_assert_true (contains (in, in_len, "Exif"));
  g_assert_true (contains (in, in_len, GPS_MARKER));
  g_assert_true (contains (in, in_len, MAKE_MARKER));
  g_assert_true (contains (in, in_len, COM_MARKER));

  result = sanitize_ok (input);
  out = check_jpeg_result (&result);
  g_assert_false (contains (result.out->data, result.out->len, "Exif"));
  g_assert_false (contains (result.out->data, result.out->len, GPS_MARKER));
  g_assert_false (contains (result.out->data, result.out->len, MAKE_MARKER));
  g_assert_false (contains (result.out->data, result.out->len, COM_MARKER));
  g_assert_false (contains (result.out->data, result.out->len, "SECRET"));

  /* Orientation 6: turned a quarter clockwise, so the top left (red)
   * lands top right and the top right (green) bottom right. */
  g_assert_cmpuint (result.width, ==, 32);
  g_assert_cmpuint (result.height, ==, 64);
  g_assert_cmpint (quadrant_colour (out, 32, 64, 3, 1), ==, RED);
  g_assert_cmpint (quadrant_colour (out, 32, 64, 3, 3), ==, GREEN);
  g_assert_cmpint (quadrant_colour (out, 32, 64, 3, 0), ==, BLUE);
  g_assert_cmpint (quadrant_colour (out, 32, 64, 3, 2), ==, WHITE);
}

static void
test_jpeg_orientations (void)
{
  /* Where red (top left) and green (top right) of a landscape image are
   * shown, for each EXIF orientation. */
  static const struct
  {
    guint orientation;
    guint red;
    guint green;
  } table[] = {
    { 1, 0, 1 }, { 2, 1, 0 }, { 3, 3, 2 }, { 4, 2, 3 },
    { 5, 0, 2 }, { 6, 1, 3 }, { 7, 3, 1 }, { 8, 2, 0 },
  };
  g_autofree guint8 *pixels = quadrants_rgb (64, 32);
  guint i;
  int order;

  for (order = 0; order < 2; order++)
    for (i = 0; i < G_N_ELEMENTS (table); i++)
      {
        g_autoptr(GByteArray) tiff = make_tiff (order == 0, table[i].orientation);
        g_autoptr(GBytes) exif = make_exif (tiff);
        g_autoptr(GBytes) input = make_exif_jpeg (pixels, 64, 32, exif, FALSE);
        g_auto(Result) result = { NULL };
        g_autofree guint8 *out = NULL;
        gboolean swapped = table[i].orientation >= 5;

        g_test_message ("orientation %u, %s", table[i].orientation, order == 0 ? "II" : "MM");
        result = sanitize_ok (input);
        out = check_jpeg_result (&result);
        g_assert_cmpuint (result.width, ==, swapped ? 32 : 64);
        g_assert_cmpuint (result.height, ==, swapped ? 64 : 32);
        g_assert_cmpint (quadrant_colour (out, result.width, result.height, 3, table[i].red), ==, RED);
        g_assert_cmpint (quadrant_colour (out, result.width, result.height, 3, table[i].green), ==, GREEN);
      }
}

/* Overwrites a 16- or 32-bit field of a TIFF structure. */
static void
poke (GByteArray *tiff,
      gsize       offset,
      guint       size,
      guint32     value)
{
  gboolean little = tiff->data[0] == 'I';
  guint i;

  g_assert_cmpuint (offset + size, <=, tiff->len);
  for (i = 0; i < size; i++)
    tiff->data[offset + (little ? i : size - 1 - i)] = (guint8) (value >> (8 * i));
}

static void
test_jpeg_bad_exif (void)
{
  g_autofree guint8 *pixels = quadrants_rgb (64, 32);
  /* The orientation entry is IFD0's second: tag at 8 + 2 + 12. */
  const gsize entry = EXIF_IFD0 + 2 + 12;
  guint variant;

  for (variant = 0; variant < 10; variant++)
    {
      g_autoptr(GByteArray) tiff = make_tiff (variant % 2 == 0, 6);
      g_autoptr(GBytes) exif = NULL;
      g_autoptr(GBytes) input = NULL;
      g_auto(Result) result = { NULL };
      g_autofree guint8 *out = NULL;

      switch (variant)
        {
        case 0: poke (tiff, 4, 4, 0xfffffff0); break;           /* IFD0 beyond the block */
        case 1: poke (tiff, EXIF_IFD0, 2, 0xffff); break;       /* more entries than fit */
        case 2: poke (tiff, entry + 2, 2, 4); break;            /* a LONG, not a SHORT */
        case 3: poke (tiff, entry + 8, 2, 9); break;            /* no such orientation */
        case 4: g_byte_array_set_size (tiff, 20); break;        /* cut inside IFD0 */
        case 5: tiff->data[1] = tiff->data[0] == 'I' ? 'M' : 'I'; break; /* "MI" */
        case 6: poke (tiff, 2, 2, 43); break;                   /* BigTIFF's magic */
        case 7: poke (tiff, entry + 4, 4, 2); break;            /* two values */
        case 8: poke (tiff, 4, 4, tiff->len - 1); break;        /* IFD0 at the last byte */
        case 9: poke (tiff, entry + 8, 2, 0); break;            /* orientation 0 */
        default: g_assert_not_reached ();
        }
      g_test_message ("bad EXIF variant %u", variant);
      exif = make_exif (tiff);
      input = make_exif_jpeg (pixels, 64, 32, exif, FALSE);
      result = sanitize_ok (input);
      out = check_jpeg_result (&result);
      /* Ignored: shown as stored. */
      g_assert_cmpuint (result.width, ==, 64);
      g_assert_cmpuint (result.height, ==, 32);
      g_assert_cmpint (quadrant_colour (out, 64, 32, 3, 0), ==, RED);
      g_assert_cmpint (quadrant_colour (out, 64, 32, 3, 1), ==, GREEN);
    }

  /* The first Exif block counts, a later one is not looked at. */
  {
    g_autoptr(GByteArray) first = make_tiff (TRUE, 3);
    g_autoptr(GByteArray) second = make_tiff (TRUE, 6);
    g_autoptr(GBytes) exif1 = make_exif (first);
    g_autoptr(GBytes) exif2 = make_exif (second);
    Marker markers[2] = {
      { JPEG_APP0 + 1, g_bytes_get_data (exif1, NULL), g_bytes_get_size (exif1) },
      { JPEG_APP0 + 1, g_bytes_get_data (exif2, NULL), g_bytes_get_size (exif2) },
    };
    JpegSpec spec = { .kind = JPEG_RGB, .markers = markers, .n_markers = 2 };
    g_autoptr(GBytes) input = make_jpeg (pixels, 64, 32, &spec);
    g_auto(Result) result = sanitize_ok (input);
    g_autofree guint8 *out = check_jpeg_result (&result);

    g_assert_cmpuint (result.width, ==, 64);
    g_assert_cmpint (quadrant_colour (out, 64, 32, 3, 3), ==, RED);
  }
}

static void
test_png_metadata (void)
{
  g_autofree guint8 *pixels = quadrants_rgb (40, 30);
  PngSpec spec = {
    .width = 40, .height = 30, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8,
    .rows = pixels, .stride = 40 * 3, .metadata = TRUE,
  };
  g_autoptr(GBytes) input = make_png (&spec);
  g_autoptr(GPtrArray) in_chunks = NULL;
  g_auto(Result) result = { NULL };
  g_autofree guint8 *out = NULL;
  const guint8 *in = g_bytes_get_data (input, NULL);
  gsize in_len = g_bytes_get_size (input);
  const char *ancillary[] = { "tEXt", "zTXt", "iTXt", "eXIf", "tIME", "pHYs", "gAMA" };
  guint channels;
  guint i;

  in_chunks = png_chunks (in, in_len);
  for (i = 0; i < G_N_ELEMENTS (ancillary); i++)
    g_assert_true (has_chunk (in_chunks, ancillary[i]));
  g_assert_true (contains (in, in_len, TEXT_MARKER));
  g_assert_true (contains (in, in_len, ITXT_MARKER));
  g_assert_true (contains (in, in_len, GPS_MARKER));
  g_assert_true (contains (in, in_len, LATE_MARKER));

  result = sanitize_ok (input);
  out = check_png_result (&result, &channels);
  g_assert_false (contains (result.out->data, result.out->len, "SECRET"));
  g_assert_false (contains (result.out->data, result.out->len, "Exif"));
  /* The eXIf orientation is not applied; opaque pixels come out as RGB,
   * unchanged. */
  g_assert_cmpuint (channels, ==, 3);
  g_assert_cmpuint (result.width, ==, 40);
  g_assert_cmpuint (result.height, ==, 30);
  g_assert_cmpmem (out, 40 * 30 * 3, pixels, 40 * 30 * 3);
}

static void
test_png_alpha (void)
{
  const guint w = 20, h = 10;
  g_autofree guint8 *rgba = g_malloc (w * h * 4);
  g_autofree guint8 *out = NULL;
  guint channels;
  guint i;

  for (i = 0; i < w * h; i++)
    {
      rgba[4 * i] = (guint8) (i * 7);
      rgba[4 * i + 1] = (guint8) (i * 13);
      rgba[4 * i + 2] = (guint8) (i * 29);
      rgba[4 * i + 3] = 255;
    }

  /* Opaque RGBA: the alpha channel is dropped. */
  {
    PngSpec spec = {
      .width = w, .height = h, .color_type = PNG_COLOR_TYPE_RGB_ALPHA, .bit_depth = 8,
      .rows = rgba, .stride = w * 4,
    };
    g_autoptr(GBytes) input = make_png (&spec);
    g_auto(Result) result = sanitize_ok (input);

    out = check_png_result (&result, &channels);
    g_assert_cmpuint (channels, ==, 3);
    for (i = 0; i < w * h; i++)
      g_assert_cmpmem (out + 3 * i, 3, rgba + 4 * i, 3);
    g_clear_pointer (&out, g_free);
  }

  /* One translucent pixel: alpha is kept, exactly. */
  rgba[4 * 57 + 3] = 128;
  rgba[4 * 3 + 3] = 0;
  {
    PngSpec spec = {
      .width = w, .height = h, .color_type = PNG_COLOR_TYPE_RGB_ALPHA, .bit_depth = 8,
      .rows = rgba, .stride = w * 4,
    };
    g_autoptr(GBytes) input = make_png (&spec);
    g_auto(Result) result = sanitize_ok (input);

    out = check_png_result (&result, &channels);
    g_assert_cmpuint (channels, ==, 4);
    g_assert_cmpmem (out, w * h * 4, rgba, w * h * 4);
  }
}

static void
test_png_formats (void)
{
  const guint w = 16, h = 8;
  guint8 rows[16 * 8 * 8];
  guint8 gray[16 * 8];
  g_autofree guint8 *out = NULL;
  guint channels;
  guint i, y;

  /* Grey ramps from 0 to 255. */
  for (i = 0; i < w * h; i++)
    gray[i] = (guint8) (i * 255 / (w * h - 1));

  /* 16 bits per sample, RGB: scaled to 8 bits. */
  for (i = 0; i < w * h * 3; i++)
    {
      guint16 v = (guint16) MIN (gray[i / 3] * 257 + (i % 3) * 60, 65535);

      rows[2 * i] = (guint8) (v >> 8);
      rows[2 * i + 1] = (guint8) (v & 0xff);
    }
  {
    PngSpec spec = {
      .width = w, .height = h, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 16,
      .rows = rows, .stride = w * 6,
    };
    g_autoptr(GBytes) input = make_png (&spec);
    g_auto(Result) result = sanitize_ok (input);

    out = check_png_result (&result, &channels);
    g_assert_cmpuint (channels, ==, 3);
    for (i = 0; i < w * h * 3; i++)
      {
        guint v = (guint) rows[2 * i] << 8 | rows[2 * i + 1];

        g_assert_cmpint (ABS ((int) out[i] - (int) ((v * 255 + 32767) / 65535)), <=, 1);
      }
    g_clear_pointer (&out, g_free);
  }

  /* 16-bit grey with alpha. */
  for (i = 0; i < w * h; i++)
    {
      guint16 v = (guint16) (gray[i] * 257);
      guint16 a = (guint16) (i % 5 == 0 ? 0x8000 : 0xffff);

      rows[4 * i] = (guint8) (v >> 8);
      rows[4 * i + 1] = (guint8) v;
      rows[4 * i + 2] = (guint8) (a >> 8);
      rows[4 * i + 3] = (guint8) a;
    }
  {
    PngSpec spec = {
      .width = w, .height = h, .color_type = PNG_COLOR_TYPE_GRAY_ALPHA, .bit_depth = 16,
      .rows = rows, .stride = w * 4,
    };
    g_autoptr(GBytes) input = make_png (&spec);
    g_auto(Result) result = sanitize_ok (input);

    out = check_png_result (&result, &channels);
    g_assert_cmpuint (channels, ==, 4);
    for (i = 0; i < w * h; i++)
      {
        g_assert_cmpuint (out[4 * i], ==, gray[i]);
        g_assert_cmpuint (out[4 * i + 1], ==, gray[i]);
        g_assert_cmpuint (out[4 * i + 2], ==, gray[i]);
        g_assert_cmpuint (out[4 * i + 3], ==, i % 5 == 0 ? 128 : 255);
      }
    g_clear_pointer (&out, g_free);
  }

  /* Grey at 1, 2, 4 and 8 bits: expanded to the full range, as RGB. */
  {
    static const int depths[] = { 1, 2, 4, 8 };
    guint d;

    for (d = 0; d < G_N_ELEMENTS (depths); d++)
      {
        int depth = depths[d];
        guint levels = (1u << depth) - 1;
        gsize stride = (w * (guint) depth + 7) / 8;
        g_autoptr(GBytes) input = NULL;
        g_auto(Result) result = { NULL };

        memset (rows, 0, sizeof rows);
        for (y = 0; y < h; y++)
          for (i = 0; i < w; i++)
            {
              guint v = (i + y) % (levels + 1);
              guint bit = i * (guint) depth;

              rows[y * stride + bit / 8] |= (guint8) (v << (8 - depth - bit % 8));
            }
        {
          PngSpec spec = {
            .width = w, .height = h, .color_type = PNG_COLOR_TYPE_GRAY, .bit_depth = depth,
            .rows = rows, .stride = stride,
          };

          input = make_png (&spec);
        }
        g_test_message ("grey, %d bits", depth);
        result = sanitize_ok (input);
        out = check_png_result (&result, &channels);
        g_assert_cmpuint (channels, ==, 3);
        for (y = 0; y < h; y++)
          for (i = 0; i < w; i++)
            {
              guint expected = ((i + y) % (levels + 1)) * 255 / levels;
              const guint8 *px = out + (y * w + i) * 3;

              g_assert_cmpuint (px[0], ==, expected);
              g_assert_cmpuint (px[1], ==, expected);
              g_assert_cmpuint (px[2], ==, expected);
            }
        g_clear_pointer (&out, g_free);
      }
  }

  /* A 4-bit palette, with and without tRNS. */
  {
    static const png_color palette[4] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 10, 20, 30 } };
    static const guint8 trans[2] = { 255, 0 };
    gsize stride = w / 2;
    int with_trns;

    for (y = 0; y < h; y++)
      for (i = 0; i < stride; i++)
        rows[y * stride + i] = (guint8) ((((2 * i + y) % 4) << 4) | ((2 * i + 1 + y) % 4));

    for (with_trns = 0; with_trns < 2; with_trns++)
      {
        PngSpec spec = {
          .width = w, .height = h, .color_type = PNG_COLOR_TYPE_PALETTE, .bit_depth = 4,
          .rows = rows, .stride = stride, .palette = palette, .n_palette = 4,
          .trans = with_trns ? trans : NULL, .n_trans = 2,
        };
        g_autoptr(GBytes) input = make_png (&spec);
        g_auto(Result) result = sanitize_ok (input);

        out = check_png_result (&result, &channels);
        g_assert_cmpuint (channels, ==, with_trns ? 4 : 3);
        for (y = 0; y < h; y++)
          for (i = 0; i < w; i++)
            {
              guint index = (i + y) % 4;
              const guint8 *px = out + (y * w + i) * channels;

              if (with_trns && index == 1)
                {
                  /* Fully transparent: only alpha matters. */
                  g_assert_cmpuint (px[3], ==, 0);
                  continue;
                }
              g_assert_cmpuint (px[0], ==, palette[index].red);
              g_assert_cmpuint (px[1], ==, palette[index].green);
              g_assert_cmpuint (px[2], ==, palette[index].blue);
              if (with_trns)
                g_assert_cmpuint (px[3], ==, 255);
            }
        g_clear_pointer (&out, g_free);
      }
  }

  /* tRNS naming one transparent colour, in RGB and in grey. */
  {
    g_autofree guint8 *pixels = quadrants_rgb (w, h);
    png_color_16 key = { 0, 0, 255, 0, 0 };  /* green */
    png_color_16 gray_key = { 0, 0, 0, 0, 200 };
    PngSpec spec = {
      .width = w, .height = h, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8,
      .rows = pixels, .stride = w * 3, .trans_color = &key,
    };
    g_autoptr(GBytes) input = make_png (&spec);
    g_autoptr(GBytes) gray_input = NULL;
    g_auto(Result) result = sanitize_ok (input);
    g_auto(Result) gray_result = { NULL };

    out = check_png_result (&result, &channels);
    g_assert_cmpuint (channels, ==, 4);
    for (i = 0; i < w * h; i++)
      {
        gboolean green = memcmp (pixels + 3 * i, quadrant_rgb[GREEN], 3) == 0;

        g_assert_cmpuint (out[4 * i + 3], ==, green ? 0 : 255);
        if (!green)
          g_assert_cmpmem (out + 4 * i, 3, pixels + 3 * i, 3);
      }
    g_clear_pointer (&out, g_free);

    for (i = 0; i < w * h; i++)
      gray[i] = i % 3 == 0 ? 200 : (guint8) i;
    spec.color_type = PNG_COLOR_TYPE_GRAY;
    spec.rows = gray;
    spec.stride = w;
    spec.trans_color = &gray_key;
    gray_input = make_png (&spec);
    gray_result = sanitize_ok (gray_input);
    out = check_png_result (&gray_result, &channels);
    g_assert_cmpuint (channels, ==, 4);
    for (i = 0; i < w * h; i++)
      {
        g_assert_cmpuint (out[4 * i + 3], ==, gray[i] == 200 ? 0 : 255);
        if (gray[i] != 200)
          g_assert_cmpuint (out[4 * i + 1], ==, gray[i]);
      }
    g_clear_pointer (&out, g_free);
  }

  /* Adam7 interlacing, RGB. */
  {
    g_autofree guint8 *pixels = quadrants_rgb (33, 17);
    PngSpec spec = {
      .width = 33, .height = 17, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8,
      .interlace = TRUE, .rows = pixels, .stride = 33 * 3, .metadata = TRUE,
    };
    g_autoptr(GBytes) input = make_png (&spec);
    g_auto(Result) result = sanitize_ok (input);

    g_assert_cmpuint (((const guint8 *) g_bytes_get_data (input, NULL))[28], ==, 1);
    out = check_png_result (&result, &channels);
    g_assert_cmpuint (channels, ==, 3);
    g_assert_cmpmem (out, 33 * 17 * 3, pixels, 33 * 17 * 3);
    g_assert_false (contains (result.out->data, result.out->len, "SECRET"));
  }
}

static void
test_jpeg_formats (void)
{
  static const struct
  {
    const char *name;
    JpegKind    kind;
    gboolean    progressive;
  } table[] = {
    { "baseline RGB", JPEG_RGB, FALSE },
    { "progressive RGB", JPEG_RGB, TRUE },
    { "grey", JPEG_GRAY, FALSE },
    { "progressive grey", JPEG_GRAY, TRUE },
    { "CMYK, Adobe", JPEG_CMYK_ADOBE, FALSE },
    { "YCCK", JPEG_YCCK, FALSE },
    { "CMYK, plain", JPEG_CMYK_PLAIN, FALSE },
    { "progressive CMYK", JPEG_CMYK_ADOBE, TRUE },
  };
  g_autofree guint8 *pixels = quadrants_rgb (48, 32);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (table); i++)
    {
      JpegSpec spec = { .kind = table[i].kind, .progressive = table[i].progressive };
      g_autoptr(GBytes) input = make_jpeg (pixels, 48, 32, &spec);
      g_auto(Result) result = { NULL };
      g_autofree guint8 *out = NULL;
      guint q;

      g_test_message ("%s", table[i].name);
      result = sanitize_ok (input);
      out = check_jpeg_result (&result);
      g_assert_cmpuint (result.width, ==, 48);
      g_assert_cmpuint (result.height, ==, 32);
      for (q = 0; q < 4; q++)
        {
          guint x = (q & 1) ? 36 : 12;
          guint y = (q & 2) ? 24 : 8;
          const guint8 *px = out + (y * 48 + x) * 3;

          if (table[i].kind == JPEG_GRAY)
            {
              /* Grey comes out as RGB with three equal channels. */
              const guint8 *c = quadrant_rgb[q];
              int expected = (c[0] * 299 + c[1] * 587 + c[2] * 114 + 500) / 1000;

              g_assert_cmpint (ABS ((int) px[0] - expected), <=, 6);
              g_assert_cmpint (ABS ((int) px[0] - (int) px[1]), <=, 1);
              g_assert_cmpint (ABS ((int) px[0] - (int) px[2]), <=, 1);
            }
          else
            g_assert_cmpint (classify (px), ==, (Colour) q);
        }
    }
}

/* A progressive JPEG with one DC scan and successive-approximation scans
 * of each AC coefficient alone: 1 + 63 × (refinements + 1) scans. */
static GBytes *
make_many_scans_jpeg (guint refinements)
{
  g_autofree guint8 *pixels = quadrants_rgb (16, 16);
  g_autofree jpeg_scan_info *scans = g_new0 (jpeg_scan_info, 1 + 63 * (refinements + 1));
  int n = 0;
  int k;
  guint r;

  scans[n].comps_in_scan = 1;
  n++;
  for (k = 1; k <= 63; k++)
    for (r = 0; r <= refinements; r++)
      {
        scans[n].comps_in_scan = 1;
        scans[n].Ss = k;
        scans[n].Se = k;
        scans[n].Ah = r == 0 ? 0 : (int) (refinements - r + 1);
        scans[n].Al = (int) (refinements - r);
        n++;
      }
  {
    JpegSpec spec = { .kind = JPEG_GRAY, .scans = scans, .n_scans = n };

    return make_jpeg (pixels, 16, 16, &spec);
  }
}

static void
test_jpeg_scan_limit (void)
{
  /* 379 scans: read. */
  {
    g_autoptr(GBytes) input = make_many_scans_jpeg (5);
    g_auto(Result) result = sanitize_ok (input);
    g_autofree guint8 *out = check_jpeg_result (&result);

    g_assert_cmpuint (result.width, ==, 16);
    g_assert_cmpint (ABS ((int) out[(4 * 16 + 4) * 3] - 76), <=, 8);
  }
  /* 694 scans: refused. */
  {
    g_autoptr(GBytes) input = make_many_scans_jpeg (10);

    assert_refused (g_bytes_get_data (input, NULL), g_bytes_get_size (input), DAMAGED);
  }
}

/* Checks the area filter: the mean colour of each half is kept, and a
 * pattern finer than a pixel of the result averages out. */
static void
test_scale_down (void)
{
  /* 5000 × 300 PNG: longest side 2560, the other 300 × 2560 / 5000. */
  {
    const guint w = 5000, h = 300;
    g_autofree guint8 *pixels = g_malloc ((gsize) w * h * 3);
    g_autoptr(GBytes) input = NULL;
    g_auto(Result) result = { NULL };
    g_autofree guint8 *out = NULL;
    guint64 sum_in = 0, sum_out = 0;
    guint channels;
    gsize i;

    /* The left half black and white columns one pixel wide, the right
     * half a colour gradient. */
    for (i = 0; i < (gsize) w * h; i++)
      {
        guint x = (guint) (i % w);
        guint8 *px = pixels + 3 * i;

        if (x < w / 2)
          memset (px, x % 2 == 0 ? 0 : 255, 3);
        else
          {
            px[0] = (guint8) (x * 255 / w);
            px[1] = (guint8) ((i / w) * 255 / h);
            px[2] = 90;
          }
        sum_in += px[0] + px[1] + px[2];
      }
    input = make_png_rgb (pixels, w, h);
    result = sanitize_ok (input);
    out = check_png_result (&result, &channels);
    g_assert_cmpuint (result.width, ==, SR_IMAGE_MAX_SIDE);
    g_assert_cmpint (ABS ((int) result.height * (int) w - (int) h * SR_IMAGE_MAX_SIDE), <=, (int) w);
    for (i = 0; i < (gsize) result.width * result.height * 3; i++)
      sum_out += out[i];
    /* The mean brightness is kept within a step. */
    g_assert_cmpfloat (ABS ((double) sum_in / ((double) w * h * 3) -
                            (double) sum_out / ((double) result.width * result.height * 3)), <, 1.0);
    /* Columns of black and white, each about half a pixel of the result
     * (5000 / 2560 source pixels make one), come out grey: between
     * 255 × 0.95 / 1.95 and 255 / 1.95. Picking pixels would give black
     * or white. */
    for (i = 10; i < result.width / 2 - 10; i += 97)
      {
        const guint8 *px = out + (gsize) (result.height / 2 * result.width + i) * 3;

        g_assert_cmpint (px[0], >=, 124);
        g_assert_cmpint (px[0], <=, 131);
      }
  }

  /* A tall JPEG with orientation 8, 400 × 6000: scaled inside the decoder
   * by 2, then to 2560; then turned to lie on its side. */
  {
    const guint w = 400, h = 6000;
    g_autofree guint8 *pixels = quadrants_rgb (w, h);
    g_autoptr(GByteArray) tiff = make_tiff (TRUE, 8);
    g_autoptr(GBytes) exif = make_exif (tiff);
    g_autoptr(GBytes) input = make_exif_jpeg (pixels, w, h, exif, FALSE);
    g_auto(Result) result = sanitize_ok (input);
    g_autofree guint8 *out = check_jpeg_result (&result);

    g_assert_cmpuint (result.width, ==, SR_IMAGE_MAX_SIDE);
    g_assert_cmpint (ABS ((int) result.height * (int) h - (int) w * SR_IMAGE_MAX_SIDE), <=, (int) h);
    /* Orientation 8: red (top left) lands bottom left. */
    g_assert_cmpint (quadrant_colour (out, result.width, result.height, 3, 2), ==, RED);
    g_assert_cmpint (quadrant_colour (out, result.width, result.height, 3, 0), ==, GREEN);
  }

  /* Opaque red next to fully transparent blue: the blue lends no colour,
   * whether colours were averaged without alpha (purple) or alpha was
   * divided out of colours never weighted by it (magenta). */
  {
    const guint w = 5120, h = 4;
    g_autofree guint8 *rgba = g_malloc0 ((gsize) w * h * 4);
    PngSpec spec = {
      .width = w, .height = h, .color_type = PNG_COLOR_TYPE_RGB_ALPHA, .bit_depth = 8,
      .rows = rgba, .stride = (gsize) w * 4,
    };
    g_autoptr(GBytes) input = NULL;
    g_auto(Result) result = { NULL };
    g_autofree guint8 *out = NULL;
    guint channels;
    gsize i;

    for (i = 0; i < (gsize) w * h; i++)
      memcpy (rgba + 4 * i, i % 2 == 0 ? "\xff\x00\x00\xff" : "\x00\x00\xff\x00", 4);
    input = make_png (&spec);
    result = sanitize_ok (input);
    out = check_png_result (&result, &channels);
    g_assert_cmpuint (channels, ==, 4);
    g_assert_cmpuint (result.width, ==, 2560);
    g_assert_cmpuint (result.height, ==, 2);
    for (i = 0; i < 2560 * 2; i++)
      {
        g_assert_cmpuint (out[4 * i], ==, 255);
        g_assert_cmpuint (out[4 * i + 1], ==, 0);
        g_assert_cmpuint (out[4 * i + 2], ==, 0);
        g_assert_cmpint (ABS ((int) out[4 * i + 3] - 128), <=, 1);
      }
  }
}

/* Noise does not compress: the result must still fit. */
static void
test_output_limit (void)
{
  const guint side = 2400;
  g_autofree guint8 *pixels = g_malloc ((gsize) side * side * 3);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240517);
  gsize i;

  for (i = 0; i < (gsize) side * side * 3; i++)
    pixels[i] = (guint8) g_rand_int (rand);

  /* A PNG: too large as PNG (it stays over 17 MB), so JPEG, then smaller. */
  {
    PngSpec spec = {
      .width = side, .height = side, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8,
      .rows = pixels, .stride = (gsize) side * 3, .level = 1,
    };
    g_autoptr(GBytes) input = make_png (&spec);
    g_auto(Result) result = { NULL };
    g_autofree guint8 *out = NULL;

    g_assert_cmpuint (g_bytes_get_size (input), >, SR_IMAGE_MAX_OUTPUT);
    result = sanitize_ok (input);
    out = check_jpeg_result (&result);
    g_assert_cmpuint (result.out->len, <=, SR_IMAGE_MAX_OUTPUT);
    g_test_message ("noise PNG: %u × %u JPEG of %" G_GSIZE_FORMAT " bytes",
                    result.width, result.height, result.out->len);
    g_assert_cmpuint (result.width, ==, result.height);
    g_assert_cmpuint (result.width, <, side);
  }

  /* A translucent PNG: as JPEG, its transparent left quarter is white. */
  {
    const guint w = 2000, h = 1600;
    g_autofree guint8 *rgba = g_malloc ((gsize) w * h * 4);
    PngSpec spec = {
      .width = w, .height = h, .color_type = PNG_COLOR_TYPE_RGB_ALPHA, .bit_depth = 8,
      .rows = rgba, .stride = (gsize) w * 4, .level = 1,
    };
    g_autoptr(GBytes) input = NULL;
    g_auto(Result) result = { NULL };
    g_autofree guint8 *out = NULL;
    guint64 dark = 0;
    guint x, y;

    for (i = 0; i < (gsize) w * h; i++)
      {
        memcpy (rgba + 4 * i, pixels + 3 * i, 3);
        rgba[4 * i + 3] = i % w < w / 4 ? 0 : 255;
      }
    input = make_png (&spec);
    result = sanitize_ok (input);
    out = check_jpeg_result (&result);
    g_assert_cmpuint (result.width, <, w);
    for (y = 0; y < result.height; y++)
      for (x = 0; x < result.width; x++)
        {
          const guint8 *px = out + ((gsize) y * result.width + x) * 3;

          if (x < result.width / 4 - 8)
            {
              g_assert_cmpuint (px[0], >=, 240);
              g_assert_cmpuint (px[1], >=, 240);
              g_assert_cmpuint (px[2], >=, 240);
            }
          else if (x > result.width / 4 + 8)
            dark += px[0] < 128;
        }
    /* The opaque part is still noise: about half its pixels dark. */
    g_assert_cmpuint (dark, >, (guint64) result.width * result.height / 4);
  }

  /* A JPEG: smaller and smaller until it fits; each step is 3/4. */
  {
    JpegSpec spec = { .kind = JPEG_RGB, .quality = 100 };
    g_autoptr(GBytes) input = make_jpeg (pixels, side, side, &spec);
    g_auto(Result) result = { NULL };
    g_autofree guint8 *out = NULL;
    guint w = side, h = side;

    g_assert_cmpuint (g_bytes_get_size (input), >, SR_IMAGE_MAX_OUTPUT);
    result = sanitize_ok (input);
    out = check_jpeg_result (&result);
    g_test_message ("noise JPEG: %u × %u JPEG of %" G_GSIZE_FORMAT " bytes",
                    result.width, result.height, result.out->len);
    g_assert_cmpuint (result.width, <, side);
    while (w > result.width)
      {
        w = w * 3 / 4;
        h = h * 3 / 4;
      }
    g_assert_cmpuint (result.width, ==, w);
    g_assert_cmpuint (result.height, ==, h);
  }
}

/* Inputs to refuse, each with the message it gets (NULL: any). */
typedef struct
{
  const char *name;
  GBytes     *data;
  const char *message;
} Refusal;

static void
refusal_free (gpointer data)
{
  Refusal *refusal = data;

  g_bytes_unref (refusal->data);
  g_free (refusal);
}

static void
add_refusal (GPtrArray  *list,
             const char *name,
             GBytes     *data,
             const char *message)
{
  Refusal *refusal = g_new0 (Refusal, 1);

  refusal->name = name;
  refusal->data = data;
  refusal->message = message;
  g_ptr_array_add (list, refusal);
}

static void
set_be32 (guint8  *p,
          guint32  v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

/* Recomputes the CRC of the chunk at pos. */
static void
fix_crc (guint8 *data,
         gsize   pos)
{
  guint32 size = (guint32) data[pos] << 24 | (guint32) data[pos + 1] << 16 |
                 (guint32) data[pos + 2] << 8 | data[pos + 3];

  set_be32 (data + pos + 8 + size, (guint32) crc32 (0, data + pos + 4, size + 4));
}

static GBytes *
cut (GBytes *bytes,
     gsize   len)
{
  g_assert_cmpuint (len, <=, g_bytes_get_size (bytes));
  return g_bytes_new_from_bytes (bytes, 0, len);
}

static GPtrArray *
make_refusals (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (refusal_free);
  g_autofree guint8 *pixels = quadrants_rgb (64, 48);
  g_autoptr(GBytes) jpeg = make_jpeg_simple (pixels, 64, 48);
  g_autoptr(GBytes) png = make_png_rgb (pixels, 64, 48);
  JpegSpec progressive_spec = { .kind = JPEG_RGB, .progressive = TRUE };
  g_autoptr(GBytes) progressive = make_jpeg (pixels, 64, 48, &progressive_spec);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gsize jpeg_len = g_bytes_get_size (jpeg);
  gsize png_len = g_bytes_get_size (png);
  guint8 random[512];
  guint i;

  add_refusal (list, "empty", g_bytes_new_static ("", 0), NOT_AN_IMAGE);
  for (i = 0; i < sizeof random; i++)
    random[i] = (guint8) g_rand_int (rand);
  random[0] = 0x42;
  add_refusal (list, "random bytes", g_bytes_new (random, sizeof random), NOT_AN_IMAGE);
  add_refusal (list, "GIF", g_bytes_new_static ("GIF89a\x10\x00\x10\x00\x80\x00\x00", 13), NOT_AN_IMAGE);
  add_refusal (list, "BMP", g_bytes_new_static ("BM\x36\x00\x00\x00\x00\x00", 8), NOT_AN_IMAGE);
  add_refusal (list, "two bytes of JPEG", g_bytes_new_static ("\xff\xd8", 2), NOT_AN_IMAGE);
  add_refusal (list, "seven bytes of PNG", g_bytes_new_static ("\x89PNG\r\n\x1a", 7), NOT_AN_IMAGE);
  add_refusal (list, "text", g_bytes_new_static ("Hello, this is text.\n", 21), NOT_AN_IMAGE);

  /* JPEG signature, random rest. */
  memcpy (random, "\xff\xd8\xff", 3);
  add_refusal (list, "JPEG signature and noise", g_bytes_new (random, sizeof random), DAMAGED);
  /* PNG signature, random rest. */
  memcpy (random, "\x89PNG\r\n\x1a\n", 8);
  add_refusal (list, "PNG signature and noise", g_bytes_new (random, sizeof random), DAMAGED);

  /* Truncated JPEGs: in the headers, in the scan, just before EOI. */
  add_refusal (list, "JPEG cut at 3 bytes", cut (jpeg, 3), DAMAGED);
  add_refusal (list, "JPEG cut at 20 bytes", cut (jpeg, 20), DAMAGED);
  add_refusal (list, "JPEG cut at 200 bytes", cut (jpeg, 200), DAMAGED);
  add_refusal (list, "JPEG cut in the middle", cut (jpeg, jpeg_len / 2), DAMAGED);
  add_refusal (list, "JPEG cut 40 bytes early", cut (jpeg, jpeg_len - 40), DAMAGED);
  add_refusal (list, "JPEG without EOI", cut (jpeg, jpeg_len - 2), DAMAGED);
  add_refusal (list, "JPEG without the D9 of EOI", cut (jpeg, jpeg_len - 1), DAMAGED);
  add_refusal (list, "progressive JPEG cut in the middle",
               cut (progressive, g_bytes_get_size (progressive) / 2), DAMAGED);
  add_refusal (list, "progressive JPEG without EOI",
               cut (progressive, g_bytes_get_size (progressive) - 2), DAMAGED);

  /* Truncated PNGs. */
  add_refusal (list, "PNG cut at 8 bytes", cut (png, 8), DAMAGED);
  add_refusal (list, "PNG cut inside IHDR", cut (png, 20), DAMAGED);
  add_refusal (list, "PNG cut after IHDR", cut (png, 33), DAMAGED);
  add_refusal (list, "PNG cut in the middle", cut (png, png_len / 2), DAMAGED);
  add_refusal (list, "PNG without IEND", cut (png, png_len - 12), DAMAGED);
  add_refusal (list, "PNG cut inside IEND", cut (png, png_len - 3), DAMAGED);

  /* A PNG whose image data no longer matches its CRC, and one whose
   * IHDR does not. */
  {
    guint8 *copy = g_memdup2 (g_bytes_get_data (png, NULL), png_len);

    copy[33 + 8 + 10] ^= 0x01;  /* inside the first IDAT */
    add_refusal (list, "PNG with a bad IDAT CRC", g_bytes_new_take (copy, png_len), DAMAGED);
    copy = g_memdup2 (g_bytes_get_data (png, NULL), png_len);
    copy[29] ^= 0x80;           /* IHDR's CRC */
    add_refusal (list, "PNG with a bad IHDR CRC", g_bytes_new_take (copy, png_len), DAMAGED);
    /* Damaged compressed data with a correct CRC. */
    copy = g_memdup2 (g_bytes_get_data (png, NULL), png_len);
    memset (copy + 33 + 8 + 2, 0xee, 16);
    fix_crc (copy, 33);
    add_refusal (list, "PNG with bad zlib data", g_bytes_new_take (copy, png_len), DAMAGED);
  }

  /* Headers that claim a huge image, followed by nothing: refused for the
   * size, before any decoding. */
  {
    guint8 header[33];

    memcpy (header, g_bytes_get_data (png, NULL), 33);
    set_be32 (header + 16, 100000);
    set_be32 (header + 20, 100000);
    fix_crc (header, 8);
    add_refusal (list, "PNG of 100000 × 100000", g_bytes_new (header, 33),
                 "The image has too many pixels (100000 × 100000); at most 80 million can be attached.");
    set_be32 (header + 16, 80001);
    set_be32 (header + 20, 1000);
    fix_crc (header, 8);
    add_refusal (list, "PNG of 80001 × 1000", g_bytes_new (header, 33), NULL);
    set_be32 (header + 16, 0);
    fix_crc (header, 8);
    add_refusal (list, "PNG of 0 × 1000", g_bytes_new (header, 33), DAMAGED);
  }
  {
    /* SOI, then SOF0 of 65000 × 65000, three components. */
    static const guint8 sof[] = {
      0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0xfd, 0xe8, 0xfd, 0xe8, 0x03,
      0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
    };
    guint8 *copy = g_memdup2 (sof, sizeof sof);

    add_refusal (list, "JPEG of 65000 × 65000", g_bytes_new_static (sof, sizeof sof),
                 "The image has too many pixels (65000 × 65000); at most 80 million can be attached.");
    copy[7] = 0;
    copy[8] = 0;
    add_refusal (list, "JPEG of 65000 × 0", g_bytes_new_take (copy, sizeof sof), DAMAGED);
  }
  /* The same header in front of a real JPEG's tables: libjpeg would
   * start on it. */
  {
    GByteArray *big = g_byte_array_new ();
    const guint8 *j = g_bytes_get_data (jpeg, NULL);
    g_autoptr(GArray) markers = jpeg_markers (j, jpeg_len);
    gsize pos = 2;

    g_byte_array_append (big, j, jpeg_len);
    /* Find SOF0 and make it claim 9000 × 9000 = 81 million pixels. */
    while (big->data[pos + 1] != 0xc0)
      pos += 2 + ((gsize) big->data[pos + 2] << 8 | big->data[pos + 3]);
    big->data[pos + 5] = 0x23;
    big->data[pos + 6] = 0x28;
    big->data[pos + 7] = 0x23;
    big->data[pos + 8] = 0x28;
    g_assert_cmpuint (markers->len, >, 3);
    add_refusal (list, "JPEG of 9000 × 9000", g_byte_array_free_to_bytes (big),
                 "The image has too many pixels (9000 × 9000); at most 80 million can be attached.");
  }
  return list;
}

static void
test_refusals (void)
{
  g_autoptr(GPtrArray) list = make_refusals ();
  guint8 tiny[16] = { 0xff, 0xd8, 0xff, 0xe0 };
  guint i;

  for (i = 0; i < list->len; i++)
    {
      Refusal *refusal = g_ptr_array_index (list, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (refusal->data, &len);

      g_test_message ("refusal: %s", refusal->name);
      assert_refused (data, len, refusal->message);
    }

  /* Over the input limit: refused on the length alone, before the data
   * is read (only 16 bytes are really there). */
  assert_refused (tiny, SR_IMAGE_MAX_INPUT + 1,
                  "The image is larger than 40 MB, the most that can be attached.");
  assert_refused (NULL, 0, NOT_AN_IMAGE);
  /* No error location is fine too. */
  g_assert_null (sr_image_sanitize (tiny, sizeof tiny, NULL, NULL, NULL, NULL));
}

/* libjpeg and libpng print warnings and errors on stderr unless told
 * not to; nothing may reach the kiosk's logs or terminal. */
static void
test_refusals_quiet (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GPtrArray) list = make_refusals ();
      g_autofree guint8 *pixels = quadrants_rgb (64, 48);
      g_autoptr(GBytes) jpeg = make_jpeg_simple (pixels, 64, 48);
      PngSpec spec = {
        .width = 64, .height = 48, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8,
        .rows = pixels, .stride = 64 * 3, .metadata = TRUE,
      };
      g_autoptr(GBytes) png = make_png (&spec);
      gsize jpeg_len = g_bytes_get_size (jpeg);
      gsize png_len = g_bytes_get_size (png);
      guint i;

      for (i = 0; i < list->len; i++)
        {
          Refusal *refusal = g_ptr_array_index (list, i);
          g_autoptr(GError) error = NULL;
          gsize len;
          const guint8 *data = g_bytes_get_data (refusal->data, &len);

          g_assert_null (sr_image_sanitize (data, len, NULL, NULL, NULL, &error));
          g_assert_nonnull (error);
        }

      /* Files that make the libraries warn but are accepted: stray bytes
       * between two segments (libjpeg), a bad CRC on an ancillary chunk
       * (libpng). */
      {
        const guint8 *j = g_bytes_get_data (jpeg, NULL);
        gsize app0_end = 4 + ((gsize) j[4] << 8 | j[5]);
        g_autoptr(GByteArray) stray = g_byte_array_new ();
        g_autoptr(GBytes) stray_bytes = NULL;
        g_auto(Result) result = { NULL };

        g_assert_cmpuint (j[3], ==, 0xe0);
        g_byte_array_append (stray, j, (guint) app0_end);
        g_byte_array_append (stray, (const guint8 *) "\x12\x34\x56", 3);
        g_byte_array_append (stray, j + app0_end, (guint) (jpeg_len - app0_end));
        stray_bytes = g_bytes_new (stray->data, stray->len);
        result = sanitize_ok (stray_bytes);
      }
      {
        guint8 *copy = g_memdup2 (g_bytes_get_data (png, NULL), png_len);
        g_autoptr(GBytes) bad = NULL;
        g_auto(Result) result = { NULL };
        guint8 *text = memmem (copy, png_len, "tEXt", 4);

        g_assert_nonnull (text);
        text[6] ^= 0x20;  /* inside the keyword: the CRC no longer matches */
        bad = g_bytes_new_take (copy, png_len);
        result = sanitize_ok (bad);
      }
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static void
test_check_type (void)
{
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0 };
  static const guint8 not_png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, 0x0d, 0 };

  g_assert_true (sr_image_check_type ("image/jpeg", jpeg, sizeof jpeg));
  g_assert_true (sr_image_check_type ("image/jpeg", jpeg, 3));
  g_assert_true (sr_image_check_type ("image/png", png, sizeof png));
  g_assert_true (sr_image_check_type ("image/png", png, 8));

  g_assert_false (sr_image_check_type ("image/jpeg", jpeg, 2));
  g_assert_false (sr_image_check_type ("image/png", png, 7));
  g_assert_false (sr_image_check_type ("image/png", jpeg, sizeof jpeg));
  g_assert_false (sr_image_check_type ("image/jpeg", png, sizeof png));
  g_assert_false (sr_image_check_type ("image/png", not_png, sizeof not_png));
  g_assert_false (sr_image_check_type ("image/gif", png, sizeof png));
  g_assert_false (sr_image_check_type ("image/JPEG", jpeg, sizeof jpeg));
  g_assert_false (sr_image_check_type ("image/jpg", jpeg, sizeof jpeg));
  g_assert_false (sr_image_check_type ("", jpeg, sizeof jpeg));
  g_assert_false (sr_image_check_type (NULL, jpeg, sizeof jpeg));
  g_assert_false (sr_image_check_type ("image/jpeg", NULL, 0));
  g_assert_false (sr_image_check_type ("image/png", NULL, 0));
}

static void
assert_same_twice (GBytes *input)
{
  g_auto(Result) first = sanitize_ok (input);
  g_auto(Result) second = sanitize_ok (input);

  g_assert_cmpstr (first.media_type, ==, second.media_type);
  g_assert_cmpmem (first.out->data, first.out->len, second.out->data, second.out->len);
}

static void
test_deterministic (void)
{
  g_autofree guint8 *pixels = quadrants_rgb (3000, 200);
  g_autoptr(GByteArray) tiff = make_tiff (TRUE, 7);
  g_autoptr(GBytes) exif = make_exif (tiff);
  g_autoptr(GBytes) jpeg = make_exif_jpeg (pixels, 3000, 200, exif, TRUE);
  g_autoptr(GBytes) png = make_png_rgb (pixels, 3000, 200);
  JpegSpec spec = { .kind = JPEG_CMYK_ADOBE, .progressive = TRUE };
  g_autoptr(GBytes) cmyk = make_jpeg (pixels, 300, 20, &spec);

  assert_same_twice (jpeg);
  assert_same_twice (png);
  assert_same_twice (cmyk);
}

/* Damaged copies of good files: every one either comes out as a valid,
 * bounded image or is refused with a clean error. */
static void
test_mutations (void)
{
  g_autofree guint8 *pixels = quadrants_rgb (40, 24);
  g_autoptr(GByteArray) tiff = make_tiff (FALSE, 6);
  g_autoptr(GBytes) exif = make_exif (tiff);
  JpegSpec progressive_spec = { .kind = JPEG_RGB, .progressive = TRUE };
  JpegSpec cmyk_spec = { .kind = JPEG_YCCK };
  PngSpec png_spec = {
    .width = 40, .height = 24, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8,
    .rows = pixels, .stride = 40 * 3, .metadata = TRUE,
  };
  PngSpec interlaced_spec = png_spec;
  GBytes *bases[5];
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  guint refused = 0, accepted = 0;
  guint b, round;

  interlaced_spec.interlace = TRUE;
  bases[0] = make_exif_jpeg (pixels, 40, 24, exif, TRUE);
  bases[1] = make_jpeg (pixels, 40, 24, &progressive_spec);
  bases[2] = make_jpeg (pixels, 40, 24, &cmyk_spec);
  bases[3] = make_png (&png_spec);
  bases[4] = make_png (&interlaced_spec);

  for (b = 0; b < G_N_ELEMENTS (bases); b++)
    {
      gsize len;
      const guint8 *base = g_bytes_get_data (bases[b], &len);
      gboolean is_png = base[0] == 0x89;

      for (round = 0; round < 120; round++)
        {
          g_autofree guint8 *copy = g_memdup2 (base, len);
          g_autoptr(GError) error = NULL;
          const char *media_type = NULL;
          guint width = 0, height = 0;
          gsize copy_len = len;
          SrSecret *out;
          guint n = 1 + g_rand_int_range (rand, 0, 4);
          guint k;

          for (k = 0; k < n; k++)
            {
              /* Past the signature, so that the decoders see it. */
              gsize at = (gsize) g_rand_int_range (rand, is_png ? 8 : 2, (gint32) len);

              switch (g_rand_int_range (rand, 0, 3))
                {
                case 0: copy[at] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8)); break;
                case 1: copy[at] = (guint8) g_rand_int (rand); break;
                default: copy[at] = (guint8) (g_rand_boolean (rand) ? 0xff : 0x00); break;
                }
            }
          if (g_rand_int_range (rand, 0, 8) == 0)
            copy_len = (gsize) g_rand_int_range (rand, 1, (gint32) len);
          /* Half of the PNGs get their CRCs fixed, so that libpng parses
           * the damaged content instead of stopping at the checksum. */
          if (is_png && round % 2 == 0)
            {
              gsize pos = 8;

              while (pos + 12 <= copy_len)
                {
                  guint32 size = (guint32) copy[pos] << 24 | (guint32) copy[pos + 1] << 16 |
                                 (guint32) copy[pos + 2] << 8 | copy[pos + 3];

                  if (size > copy_len - pos - 12)
                    break;
                  fix_crc (copy, pos);
                  pos += 12 + size;
                }
            }

          out = sr_image_sanitize (copy, copy_len, &media_type, &width, &height, &error);
          if (out != NULL)
            {
              g_assert_no_error (error);
              g_assert_cmpuint (out->len, <=, SR_IMAGE_MAX_OUTPUT);
              g_assert_true (sr_image_check_type (media_type, out->data, out->len));
              g_assert_cmpuint (width, >=, 1);
              g_assert_cmpuint (height, >=, 1);
              g_assert_false (contains (out->data, out->len, "SECRET"));
              sr_secret_free (out);
              accepted++;
            }
          else
            {
              g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
              refused++;
            }
        }
    }
  g_test_message ("mutations: %u accepted, %u refused", accepted, refused);
  g_assert_cmpuint (accepted, >, 0);
  g_assert_cmpuint (refused, >, 0);
  for (b = 0; b < G_N_ELEMENTS (bases); b++)
    g_bytes_unref (bases[b]);
}

int
main (int    argc,
      char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/image/jpeg/metadata", test_jpeg_metadata);
  g_test_add_func ("/sr/image/jpeg/orientations", test_jpeg_orientations);
  g_test_add_func ("/sr/image/jpeg/bad-exif", test_jpeg_bad_exif);
  g_test_add_func ("/sr/image/jpeg/formats", test_jpeg_formats);
  g_test_add_func ("/sr/image/jpeg/scan-limit", test_jpeg_scan_limit);
  g_test_add_func ("/sr/image/png/metadata", test_png_metadata);
  g_test_add_func ("/sr/image/png/alpha", test_png_alpha);
  g_test_add_func ("/sr/image/png/formats", test_png_formats);
  g_test_add_func ("/sr/image/scale-down", test_scale_down);
  g_test_add_func ("/sr/image/output-limit", test_output_limit);
  g_test_add_func ("/sr/image/refusals", test_refusals);
  g_test_add_func ("/sr/image/refusals-quiet", test_refusals_quiet);
  g_test_add_func ("/sr/image/check-type", test_check_type);
  g_test_add_func ("/sr/image/deterministic", test_deterministic);
  g_test_add_func ("/sr/image/mutations", test_mutations);

  return g_test_run ();
}
