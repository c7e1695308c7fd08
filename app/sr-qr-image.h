/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-error.h"
#include "sr-qr.h"

G_BEGIN_DECLS

/* QR transport, image level: part texts (sr-qr.h) as QR symbols, PNG
 * files, pixel buffers and a printable PDF sheet; and back, from photos
 * and text files to part texts. Symbols are EC level M, alphanumeric mode,
 * with a quiet zone of 4 modules (docs/FORMAT.md ("QR transport")). */

#define SR_QR_QUIET_ZONE         4    /* modules of white around a symbol */
#define SR_QR_MODULE_PX_DEFAULT  8    /* pixels per module in PNG files */
#define SR_QR_MODULE_PX_MAX      64

/* One QR symbol: width × width modules, row by row, 1 for dark, 0 for
 * light, without the quiet zone. */
typedef struct
{
  guint   version;  /* 1..40 */
  guint   width;    /* 17 + 4 × version */
  guint8 *modules;
} SrQrSymbol;

/* Encodes a text of QR alphanumeric characters (a part text) at EC level M
 * in alphanumeric mode, in the smallest version that holds it. Errors:
 * SR_ERROR_INVALID (empty, a character outside the alphanumeric set, or
 * too long for version 40). */
SrQrSymbol *sr_qr_symbol_encode  (const char       *text,
                                  GError          **error);
void        sr_qr_symbol_free    (SrQrSymbol       *symbol);

typedef enum
{
  SR_QR_PIXELS_GRAY8,  /* 1 byte per pixel: 0 dark, 255 light */
  SR_QR_PIXELS_RGBA8,  /* 4 bytes per pixel, R G B A, opaque */
} SrQrPixelFormat;

/* Renders a part text as a square image with its quiet zone, module_px
 * pixels per module (0 for SR_QR_MODULE_PX_DEFAULT, at most
 * SR_QR_MODULE_PX_MAX). size gets the side in pixels; rows are tightly
 * packed (stride = size × bytes per pixel). For GTK, RGBA8 wraps as a
 * GdkMemoryTexture of format GDK_MEMORY_R8G8B8A8. Errors as
 * sr_qr_symbol_encode. */
GBytes     *sr_qr_render         (const char       *text,
                                  guint             module_px,
                                  SrQrPixelFormat   format,
                                  guint            *size,
                                  GError          **error);

/* Writes one part text as an 8-bit gray PNG (created 0600, written to a
 * temporary name and renamed). */
gboolean    sr_qr_write_png      (const char       *text,
                                  const char       *path,
                                  guint             module_px,
                                  GError          **error);

/* Splits an envelope (sr_qr_split; version_cap 0 for the default) and
 * writes each part as dir/part-01.png, dir/part-02.png, … (three digits
 * from 100 parts on), at SR_QR_MODULE_PX_DEFAULT. dir is created (0700)
 * when missing; files of earlier runs with other names are left alone, so
 * give an empty directory. n_parts, when not NULL, gets the count. */
gboolean    sr_qr_write_pngs     (GBytes           *envelope,
                                  const char       *dir,
                                  guint             version_cap,
                                  guint            *n_parts,
                                  GError          **error);

/* Writes a printable PDF (A4, created 0600): one page per part, the code
 * large, labelled "1 / 3" and so on, and the receipt code at the foot of
 * each page. Nothing else is written on it, and the PDF's metadata name
 * neither SafeReport nor the organisation, so a sheet found on someone
 * does not say what it is. */
gboolean    sr_qr_write_pdf      (GBytes           *envelope,
                                  const char       *path,
                                  guint             version_cap,
                                  guint            *n_parts,
                                  GError          **error);

/* Loads a PNG or JPEG image (told apart by content) as 8-bit gray, width ×
 * height bytes, tightly packed. Very large JPEG photos are decoded at a
 * reduced scale. Errors: SR_ERROR_FORMAT (not a PNG or JPEG, or a broken
 * one), SR_ERROR_NO_SPACE (too many pixels). */
GBytes     *sr_qr_load_gray      (const guint8     *data,
                                  gsize             len,
                                  guint            *width,
                                  guint            *height,
                                  GError          **error);

/* Finds every QR code in an 8-bit gray image (a photo may show several)
 * and returns their texts, each once, as a GPtrArray of char *. The texts
 * are the raw bytes of the codes, not checked here: feed them to
 * sr_qr_assembler_add, which rejects foreign ones. Errors:
 * SR_ERROR_NOT_FOUND (no QR code could be read). */
GPtrArray  *sr_qr_scan_gray      (const guint8     *pixels,
                                  guint             width,
                                  guint             height,
                                  gsize             stride,
                                  GError          **error);

/* The part texts in a file's contents: a PNG or JPEG image is scanned for
 * QR codes; a text file gives one part per line (a leading byte order
 * mark, whitespace around each line and blank lines are dropped).
 * Errors: those of the functions above, SR_ERROR_NOT_FOUND (an empty
 * file), SR_ERROR_FORMAT (neither an image nor text). */
GPtrArray  *sr_qr_read_data      (const guint8     *data,
                                  gsize             len,
                                  GError          **error);
/* The same for a file on disk (at most 256 MiB, else SR_ERROR_NO_SPACE);
 * SR_ERROR_NOT_FOUND when it does not exist, SR_ERROR_IO when it cannot be
 * read. */
GPtrArray  *sr_qr_read_file      (const char       *path,
                                  GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrQrSymbol, sr_qr_symbol_free)

G_END_DECLS
