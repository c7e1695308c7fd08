/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-error.h"
#include "sr-secret.h"

G_BEGIN_DECLS

/* Attachment images: decoded and encoded again, so that only their pixels
 * leave the device. A photo's metadata (EXIF GPS position, time, camera
 * model and serial numbers, PNG text chunks) can identify and locate the
 * person who took it; none of it is copied, because nothing is copied:
 * the result is made from the decoded pixels alone.
 *
 * Input, at most SR_IMAGE_MAX_INPUT bytes:
 * - JPEG, baseline or progressive, in grey, RGB, YCbCr, CMYK or YCCK
 *   (CMYK as Adobe writes it, inverted, when an Adobe marker is present).
 *   The EXIF orientation (APP1 "Exif\0\0", TIFF tag 0x0112, either byte
 *   order, values 1 to 8) is applied to the pixels, since the tag itself
 *   is dropped: a portrait photo stays portrait. A malformed EXIF block is
 *   ignored, never trusted beyond its bounds. Colour profiles are dropped
 *   as well; pixels are kept as stored.
 * - PNG of any bit depth and colour type, palette, tRNS transparency,
 *   16 bits per sample (scaled to 8), Adam7 interlacing. Every ancillary
 *   chunk but tRNS is skipped unread (its CRC only is checked), so text,
 *   eXIf, iCCP or gAMA never reach a parser. The eXIf orientation of a PNG
 *   is not applied.
 * The size in pixels is read from the header before any pixel is decoded
 * (JPEG: the first SOF segment; PNG: IHDR), so that a small file claiming
 * a huge image costs nothing: 0 or more than SR_IMAGE_MAX_PIXELS is
 * refused. A damaged or truncated file is refused as a whole, never
 * half-decoded: libjpeg's warnings about premature end of data, a marker
 * inside the entropy-coded data, lost synchronisation or bad Huffman or
 * arithmetic codes are errors here, as are PNG CRC errors in critical
 * chunks and a missing IEND. A progressive JPEG with more than 500 scans
 * is refused too (its decoding time grows with each scan). Neither
 * library ever prints to stderr.
 *
 * Processing: images whose longest side is over SR_IMAGE_MAX_SIDE are
 * scaled down to exactly that (a JPEG first by a power of two inside the
 * decoder, never below the target, then by an area-weighted box filter,
 * with alpha weighting the colours), which keeps thin text in screenshots
 * readable. Then the orientation is applied.
 *
 * Output, at most SR_IMAGE_MAX_OUTPUT bytes, in guarded memory:
 * - from a JPEG: a baseline JPEG, quality 88, standard Huffman tables
 *   (optimised ones would need a full-image coefficient buffer inside
 *   libjpeg), holding only the segments libjpeg writes itself (SOI, JFIF
 *   APP0, DQT, SOF0, DHT, SOS, EOI): no other APPn, no COM.
 * - from a PNG: an 8-bit RGB PNG, RGBA only when some pixel is not fully
 *   opaque, holding IHDR, IDAT and IEND and no other chunk.
 * A result over SR_IMAGE_MAX_OUTPUT is made again: a PNG as JPEG (alpha
 * flattened onto white, chroma not subsampled, since this is mostly text
 * in screenshots), then scaled to 3/4 of its width and height, again and
 * again (each time from the first result's pixels, so blur does not add
 * up), until it fits. The same input always gives the same bytes. Safe
 * to call from any thread: nothing is shared between calls.
 *
 * Memory: every pixel buffer of this module, every row and accumulator
 * of the scaler and libpng's own allocations (zlib's state included) are
 * wiped before they are freed; encoded output is written straight into
 * guarded memory (sodium_malloc). libjpeg's internal buffers (its
 * coefficient buffer for progressive images, upsampling and colour
 * conversion rows, the encoder's working memory) come from its own
 * allocator and are freed without being wiped: a copy of some of the
 * pixels may stay in freed heap memory until it is reused.
 *
 * Errors, each one sentence for the person attaching the file: the input
 * is not a JPEG or PNG, is over SR_IMAGE_MAX_INPUT (the limit is named in
 * MB), has too many pixels, or is damaged: SR_ERROR_INVALID. Not enough
 * memory for the pixels, or an encoder failure: SR_ERROR_FAILED. */

#define SR_IMAGE_MAX_INPUT   ((gsize) 40 * 1024 * 1024)  /* bytes of the file read */
#define SR_IMAGE_MAX_PIXELS  ((guint64) 80 * 1000 * 1000) /* width × height before decoding */
#define SR_IMAGE_MAX_SIDE    2560                          /* longest side of the result */
#define SR_IMAGE_MAX_OUTPUT  ((gsize) 3 * 1024 * 1024)    /* bytes of the result */

/* Returns the re-encoded image in guarded memory; *media_type gets a static string,
 * "image/jpeg" or "image/png"; *width and *height the result's size (each may be NULL). */
SrSecret *sr_image_sanitize (const guint8  *data,
                             gsize          len,
                             const char   **media_type,
                             guint         *width,
                             guint         *height,
                             GError       **error);

/* TRUE when data starts as media_type says ("image/jpeg": FF D8 FF; "image/png": the
 * 8-byte PNG signature) — the check the report codec and the inbox apply to attachments. */
gboolean  sr_image_check_type (const char   *media_type,
                               const guint8 *data,
                               gsize         len);

G_END_DECLS
