/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-answers.h"
#include "sr-secret.h"

G_BEGIN_DECLS

/* The report codec (docs/FORMAT.md "Report"): compact, deterministic,
 * compressed. day is days since 1970-01-01 (UTC): the only time it holds.
 * The encoder tries every method and keeps the smallest result. It checks
 * the shape of the answers (ids, UTF-8, sizes: SR_ERROR_INVALID), not
 * their content: validate them against the form first. The decoder is
 * strict: a body that is not the one canonical encoding of some answers is
 * refused with SR_ERROR_FORMAT, as is anything after it; the answers it
 * returns are still to be validated against the form. Attachments
 * (sr_answers_add_attachment) are carried as they are, after the answers. */
SrSecret  *sr_report_encode (SrAnswers     *answers,
                             guint32        day,
                             GError       **error);
SrAnswers *sr_report_decode (const guint8  *data,
                             gsize          len,
                             guint32       *day,
                             GError       **error);

#define SR_REPORT_VERSION   1
/* The codec version of a report with attachments: a version-1 report of
 * the answers, then the attachments (docs/FORMAT.md, "Attachments"). A
 * report without attachments is always version 1. */
#define SR_REPORT_VERSION_ATTACHMENTS  2
/* The largest body a report may hold, and the most its answers may unpack
 * to: a guard against decompression bombs. */
#define SR_REPORT_MAX_BODY  (1024 * 1024)

/* How the body after the two header bytes is stored (docs/FORMAT.md). */
typedef enum
{
  SR_REPORT_STORED = 0,   /* the body as it is */
  SR_REPORT_DEFLATE = 1,  /* raw deflate with the preset dictionary */
  SR_REPORT_WINDOW = 2,   /* script window, then raw deflate with the dictionary */
} SrReportMethod;

/* Encodes with the given method, not the smallest: for tests and test
 * vectors. SR_REPORT_WINDOW needs a non-ASCII character to choose a window
 * from; without one it fails with SR_ERROR_INVALID. */
SrSecret  *sr_report_encode_method (SrAnswers      *answers,
                                    guint32         day,
                                    SrReportMethod  method,
                                    GError        **error);

/* The preset deflate dictionary, part of the format (docs/FORMAT.md). */
const guint8 *sr_report_dictionary (gsize *len);

/* Today, as the codec counts days. */
guint32    sr_report_today  (void);
/* "YYYY-MM-DD" for a day number. */
char      *sr_report_day_to_string (guint32 day);

G_END_DECLS
