/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "sr-answers.h"
#include "sr-error.h"
#include "sr-keys.h"
#include "sr-qr.h"

G_BEGIN_DECLS

/* The organisation's inbox: a SQLite database of envelopes, kept sealed
 * and opened on demand. Ids are content addresses, so import is idempotent. */
#define SR_TYPE_INBOX (sr_inbox_get_type ())
G_DECLARE_FINAL_TYPE (SrInbox, sr_inbox, SR, INBOX, GObject)

typedef struct _SrImportQr SrImportQr;

/* What one import did, summed over the files given to it: a caller inits
 * one result, imports every file of the call into it, then clears it.
 * Reports (records) are counted in imported, duplicates and rejected;
 * so is every QR code that is rejected (docs/format-inbox.md). */
typedef struct
{
  guint       imported;
  guint       duplicates;
  guint       rejected;
  /* One line per rejection, naming the file and the reason. */
  GPtrArray  *problems;

  /* QR codes (photos, text files of scanned codes). The parts of a report
   * are gathered across every file of one import, and across imports: the
   * inbox keeps the parts of a report still incomplete until the rest
   * arrive. */
  guint       qr_files;          /* files that were read as QR codes */
  guint       qr_parts_read;     /* valid parts read, repeats included */
  guint       qr_parts_waiting;  /* parts held after the import, for reports still incomplete */

  /*< private >*/
  SrImportQr *qr;
} SrImportResult;

void        sr_import_result_init    (SrImportResult *result);
void        sr_import_result_clear   (SrImportResult *result);

typedef enum
{
  SR_EXPORT_CSV,
  SR_EXPORT_JSON,
} SrExportFormat;

SrInbox    *sr_inbox_new             (const char     *db_path,
                                      GError        **error);
const char *sr_inbox_get_db_path     (SrInbox        *self);
/* How many reports the inbox holds. */
guint       sr_inbox_get_n_reports   (SrInbox        *self,
                                      GError        **error);

/* Imports one file: a .srb bundle, a .sre envelope, a PNG or JPEG photo
 * of QR codes, or a text file of scanned QR code texts, one a line (told
 * apart by content, never by name). Every envelope is opened to prove it
 * is authentic before it is stored; what fails is counted as rejected and
 * the rest go on. QR parts join those of earlier files imported into the
 * same result, and those the inbox kept from earlier imports; a report is
 * imported once all its parts are in. FALSE only when the inbox itself
 * fails (database, disk). */
gboolean    sr_inbox_import_file     (SrInbox        *self,
                                      const char     *path,
                                      const SrOrgSecret *secret,
                                      SrImportResult *result,
                                      SrProgressFunc  progress,
                                      gpointer        progress_data,
                                      GError        **error);

typedef struct
{
  char    *receipt;
  guint32  day;         /* day it was imported */
  gsize    size;
} SrInboxEntry;

/* Receipts in import order. Free with g_ptr_array_unref. */
GPtrArray  *sr_inbox_list            (SrInbox        *self,
                                      GError        **error);

/* A report of which only some QR codes have been imported. */
typedef struct
{
  char   *message_id;  /* 16 hex digits: the start of the envelope id */
  char   *receipt;     /* the receipt code it will have, from the same bits; the
                        * parts are not authenticated before the envelope is whole */
  guint   count;       /* parts the report has */
  guint   received;    /* parts the inbox holds, < count */
  GArray *missing;     /* guint, the 0-based indices still missing, ascending */
} SrInboxIncomplete;

/* Reports still missing QR codes, by message id. Free with
 * g_ptr_array_unref. */
GPtrArray  *sr_inbox_list_incomplete (SrInbox        *self,
                                      GError        **error);

/* Opens the report behind a receipt. day gets the day it was filed. */
SrAnswers  *sr_inbox_open_report     (SrInbox        *self,
                                      const char     *receipt,
                                      const SrOrgSecret *secret,
                                      guint32        *day,
                                      GError        **error);

/* Streams every report, opened, to path (0600): CSV or JSON, written to a
 * temporary name and renamed into place once complete. CSV has one column
 * per question of the default form, then "other" (JSON of any answers the
 * default form lacks) and "attachments"; see docs/format-inbox.md. The
 * reports' attachments are written, each as its own file, into the folder
 * sr_inbox_attachments_dir (path) names (0700, made only when there is one);
 * n_attachments (may be NULL) gets how many. */
gboolean    sr_inbox_export          (SrInbox        *self,
                                      const SrOrgSecret *secret,
                                      SrExportFormat  format,
                                      const char     *path,
                                      guint          *n_exported,
                                      guint          *n_attachments,
                                      SrProgressFunc  progress,
                                      gpointer        progress_data,
                                      GError        **error);

/* The folder an export to path puts its attachments in: path without its
 * extension, then "-attachments" ("cases.csv" → "cases-attachments"). */
char       *sr_inbox_attachments_dir (const char     *path);
/* The file name of a report's index-th attachment (0-based):
 * "ABCDE-FGHJK-1.jpg". */
char       *sr_inbox_attachment_name (const char     *receipt,
                                      guint           index,
                                      const char     *media_type);
/* Writes a report's attachments into dir (made 0700 if missing), each file
 * 0600, written whole or not at all. Returns how many, or -1 on error. */
int         sr_inbox_save_attachments (SrAnswers     *answers,
                                      const char     *receipt,
                                      const char     *dir,
                                      GError        **error);

/* The answers JSON of DESIGN.md, exactly {"form", "lang", "answers"}
 * (answers keyed by question id, sorted), pretty-printed: what
 * safereport-cli submit reads. The caller wipes it (sr_wipe_string_free). */
char       *sr_inbox_answers_to_json (SrAnswers      *answers);

/* A signed acknowledgement of every envelope in the inbox. */
GBytes     *sr_inbox_make_ack        (SrInbox        *self,
                                      const SrOrgSecret *secret,
                                      guint          *n_ids,
                                      GError        **error);

G_END_DECLS
