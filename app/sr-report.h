/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-answers.h"
#include "sr-secret.h"

G_BEGIN_DECLS

/* The report codec (docs/FORMAT.md "Report"): compact, deterministic,
 * compressed. day is days since 1970-01-01 (UTC): the only time it holds. */
SrSecret  *sr_report_encode (SrAnswers     *answers,
                             guint32        day,
                             GError       **error);
SrAnswers *sr_report_decode (const guint8  *data,
                             gsize          len,
                             guint32       *day,
                             GError       **error);

/* Today, as the codec counts days. */
guint32    sr_report_today  (void);
/* "YYYY-MM-DD" for a day number. */
char      *sr_report_day_to_string (guint32 day);

G_END_DECLS
