/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-inbox"

#include "sr-config.h"

#include "sr-inbox.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sr-ack.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-form.h"
#include "sr-fsutil.h"
#include "sr-qr-image.h"
#include "sr-qr.h"
#include "sr-report.h"

/* A single envelope or bundle larger than this is not something a kiosk
 * writes; refusing it keeps a hostile file from exhausting memory. */
#define IMPORT_MAX_FILE_SIZE ((gsize) 2 << 30)

/* SQLite stores at most a billion bytes in one value; an envelope is
 * refused well before that. */
#define IMPORT_MAX_ENVELOPE  ((gsize) 512 << 20)

/* Rows per transaction while importing: large enough that the fsync of a
 * commit is paid rarely, small enough that a failure loses little work. */
#define IMPORT_BATCH 1000

/* The export buffer is flushed to the file once it holds this much, and it
 * is sized so that it normally never reallocates: a reallocation would
 * leave a copy of plaintext behind in freed memory. */
#define EXPORT_FLUSH_AT   (256 * 1024)
#define EXPORT_BUF_SIZE   (1024 * 1024)

/* A photo or a text file of QR codes larger than this is not one. */
#define IMPORT_MAX_QR_FILE ((gsize) 256 << 20)

/* Version 2 added qr_parts; a version 1 inbox is upgraded when opened. */
#define SCHEMA_VERSION 2

/* 0x53524958, "SRIX", in SQLite's header, so that an inbox is told from
 * any other database (an outbox given as --db by mistake, say). Decimal,
 * because it is spelled into a PRAGMA. */
#define INBOX_APPLICATION_ID 1397901656

struct _SrInbox
{
  GObject       parent_instance;

  char         *db_path;
  sqlite3      *db;
  sqlite3_stmt *exists_stmt;
  sqlite3_stmt *insert_stmt;
  sqlite3_stmt *clear_parts_stmt;
};

/* What one import (one SrImportResult) gathers of QR codes across its
 * files. */
struct _SrImportQr
{
  SrQrAssembler *assembler;
  /* GBytes message id → whether the inbox already held that report when
   * the import first met one of its parts (then its parts are ignored). */
  GHashTable    *seen;
};

enum
{
  PROP_0,
  PROP_DB_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void sr_inbox_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrInbox, sr_inbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      sr_inbox_initable_iface_init))

void
sr_import_result_init (SrImportResult *result)
{
  g_return_if_fail (result != NULL);

  memset (result, 0, sizeof *result);
  result->problems = g_ptr_array_new_with_free_func (g_free);
}

void
sr_import_result_clear (SrImportResult *result)
{
  g_return_if_fail (result != NULL);

  g_clear_pointer (&result->problems, g_ptr_array_unref);
  if (result->qr != NULL)
    {
      sr_qr_assembler_free (result->qr->assembler);
      g_hash_table_unref (result->qr->seen);
      g_clear_pointer (&result->qr, g_free);
    }
  memset (result, 0, sizeof *result);
}

static SrImportQr *
import_result_get_qr (SrImportResult *result)
{
  if (result->qr == NULL)
    {
      result->qr = g_new0 (SrImportQr, 1);
      result->qr->assembler = sr_qr_assembler_new ();
      result->qr->seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                (GDestroyNotify) g_bytes_unref, NULL);
    }
  return result->qr;
}

static void
sr_inbox_incomplete_free (gpointer data)
{
  SrInboxIncomplete *incomplete = data;

  g_free (incomplete->message_id);
  g_free (incomplete->receipt);
  g_clear_pointer (&incomplete->missing, g_array_unref);
  g_free (incomplete);
}

static void
sr_inbox_entry_free (gpointer data)
{
  SrInboxEntry *entry = data;

  g_free (entry->receipt);
  g_free (entry);
}

/* One sentence for a database failure; a full disk gets its own code so
 * that callers can say so plainly. */
static gboolean
set_db_error (SrInbox     *self,
              int          rc,
              const char  *what,
              GError     **error)
{
  int code = (rc == SQLITE_FULL) ? SR_ERROR_NO_SPACE : SR_ERROR_IO;

  g_set_error (error, SR_ERROR, code, "Could not %s the inbox database (%s).",
               what, self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
exec_sql (SrInbox     *self,
          const char  *sql,
          const char  *what,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (self, rc, what, error);
  return TRUE;
}

static gboolean
prepare (SrInbox       *self,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (self, rc, "read", error);
  return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
query_int (SrInbox     *self,
           const char  *sql,
           gint64      *out,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!prepare (self, sql, &stmt, error))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return set_db_error (self, rc, "read", error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* The QR codes of reports not yet complete, as their part texts: they are
 * the envelope's bytes in base45, so nothing here is readable without the
 * key (docs/format-inbox.md). */
#define QR_PARTS_SCHEMA \
  "CREATE TABLE IF NOT EXISTS qr_parts (" \
  "  message_id BLOB NOT NULL," \
  "  idx INTEGER NOT NULL," \
  "  count INTEGER NOT NULL," \
  "  text TEXT NOT NULL," \
  "  PRIMARY KEY (message_id, idx));"

static gboolean
sr_inbox_initable_init (GInitable     *initable,
                        GCancellable  *cancellable,
                        GError       **error)
{
  SrInbox *self = SR_INBOX (initable);
  gint64 app_id = 0, version = 0, n_objects = 0;
  gboolean fresh;
  int fd;
  int rc;

  g_return_val_if_fail (self->db_path != NULL, FALSE);

  /* Create the file ourselves so it is private from its first byte;
   * SQLite gives its WAL and shared-memory files the same mode. */
  fd = g_open (self->db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (self->db_path);

      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not open the inbox %s: %s.",
                   display, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  rc = sqlite3_open_v2 (self->db_path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    return set_db_error (self, rc, "open", error);

  sqlite3_busy_timeout (self->db, 10000);
  sqlite3_extended_result_codes (self->db, 0);

  /* Look before changing anything: a --db that names some other database
   * must be left as it was. */
  if (!query_int (self, "PRAGMA application_id", &app_id, NULL) ||
      !query_int (self, "PRAGMA user_version", &version, NULL) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, NULL))
    {
      g_autofree char *display = g_filename_display_name (self->db_path);

      if (sqlite3_errcode (self->db) == SQLITE_NOTADB)
        g_set_error (error, SR_ERROR, SR_ERROR_FORMAT, "%s is not a SafeReport inbox.", display);
      else
        set_db_error (self, sqlite3_errcode (self->db), "read", error);
      return FALSE;
    }

  fresh = (app_id == 0 && version == 0 && n_objects == 0);
  if (!fresh && (app_id != INBOX_APPLICATION_ID || version < 1))
    {
      g_autofree char *display = g_filename_display_name (self->db_path);

      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT, "%s is not a SafeReport inbox.", display);
      return FALSE;
    }
  if (!fresh && version > SCHEMA_VERSION)
    {
      g_autofree char *display = g_filename_display_name (self->db_path);

      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The inbox %s was made by a newer SafeReport.", display);
      return FALSE;
    }

  /* WAL with synchronous=FULL: a committed import survives a power cut.
   * secure_delete overwrites what is deleted, temp_store keeps SQLite's
   * scratch data off the disk. */
  if (!exec_sql (self, "PRAGMA journal_mode=WAL", "set up", error) ||
      !exec_sql (self,
                 "PRAGMA synchronous=FULL;"
                 "PRAGMA secure_delete=ON;"
                 "PRAGMA temp_store=MEMORY;",
                 "set up", error))
    return FALSE;

  if (fresh &&
      !exec_sql (self,
                 "BEGIN IMMEDIATE;"
                 "CREATE TABLE IF NOT EXISTS envelopes ("
                 "  id BLOB PRIMARY KEY NOT NULL,"
                 "  receipt TEXT NOT NULL,"
                 "  day INTEGER NOT NULL,"
                 "  data BLOB NOT NULL);"
                 "CREATE INDEX IF NOT EXISTS envelopes_receipt ON envelopes (receipt);"
                 QR_PARTS_SCHEMA
                 "PRAGMA application_id=" G_STRINGIFY (INBOX_APPLICATION_ID) ";"
                 "PRAGMA user_version=" G_STRINGIFY (SCHEMA_VERSION) ";"
                 "COMMIT;",
                 "create", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  /* Version 1 lacked the table of QR parts; adding it changes nothing
   * else. Another program upgrading at the same moment is harmless: the
   * table is only created if missing. */
  if (!fresh && version < SCHEMA_VERSION &&
      !exec_sql (self,
                 "BEGIN IMMEDIATE;"
                 QR_PARTS_SCHEMA
                 "PRAGMA user_version=" G_STRINGIFY (SCHEMA_VERSION) ";"
                 "COMMIT;",
                 "upgrade", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return prepare (self, "SELECT 1 FROM envelopes WHERE id = ?", &self->exists_stmt, error) &&
         prepare (self, "INSERT OR IGNORE INTO envelopes (id, receipt, day, data) VALUES (?, ?, ?, ?)",
                  &self->insert_stmt, error) &&
         prepare (self, "DELETE FROM qr_parts WHERE message_id = ?",
                  &self->clear_parts_stmt, error);
}

static void
sr_inbox_initable_iface_init (GInitableIface *iface)
{
  iface->init = sr_inbox_initable_init;
}

static void
sr_inbox_finalize (GObject *object)
{
  SrInbox *self = SR_INBOX (object);

  g_clear_pointer (&self->exists_stmt, sqlite3_finalize);
  g_clear_pointer (&self->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&self->clear_parts_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (sr_inbox_parent_class)->finalize (object);
}

static void
sr_inbox_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SrInbox *self = SR_INBOX (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_inbox_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  SrInbox *self = SR_INBOX (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_free (self->db_path);
      self->db_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_inbox_class_init (SrInboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_inbox_finalize;
  object_class->get_property = sr_inbox_get_property;
  object_class->set_property = sr_inbox_set_property;

  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_inbox_init (SrInbox *self)
{
}

SrInbox *
sr_inbox_new (const char  *db_path,
              GError     **error)
{
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (SR_TYPE_INBOX, NULL, error, "db-path", db_path, NULL);
}

const char *
sr_inbox_get_db_path (SrInbox *self)
{
  g_return_val_if_fail (SR_IS_INBOX (self), NULL);

  return self->db_path;
}

/* ------------------------------------------------------------------------
 * Import
 * --------------------------------------------------------------------- */

typedef struct
{
  SrInbox           *self;
  const SrOrgSecret *secret;
  SrImportResult    *result;
  const char        *display;     /* the file, as a person reads its name */
  guint32            today;
  gboolean           in_transaction;
  guint              batch_rows;
  /* Counted while a transaction is open and added to the result only once
   * it commits, so that a failed commit cannot inflate the counts. */
  guint              batch_imported;
  guint              batch_duplicates;
} ImportJob;

static void
reject (ImportJob  *job,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
reject (ImportJob  *job,
        const char *format,
        ...)
{
  va_list args;
  g_autofree char *reason = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  job->result->rejected++;
  g_ptr_array_add (job->result->problems, g_strdup_printf ("%s: %s", job->display, reason));
}

static gboolean
job_begin (ImportJob  *job,
           GError    **error)
{
  if (job->in_transaction)
    return TRUE;
  if (!exec_sql (job->self, "BEGIN IMMEDIATE", "write to", error))
    return FALSE;
  job->in_transaction = TRUE;
  job->batch_rows = 0;
  return TRUE;
}

static gboolean
job_commit (ImportJob  *job,
            GError    **error)
{
  if (!job->in_transaction)
    return TRUE;
  job->in_transaction = FALSE;
  if (!exec_sql (job->self, "COMMIT", "write to", error))
    {
      sqlite3_exec (job->self->db, "ROLLBACK", NULL, NULL, NULL);
      job->batch_imported = job->batch_duplicates = 0;
      return FALSE;
    }
  job->result->imported += job->batch_imported;
  job->result->duplicates += job->batch_duplicates;
  job->batch_imported = job->batch_duplicates = 0;
  return TRUE;
}

static void
job_abort (ImportJob *job)
{
  if (!job->in_transaction)
    return;
  job->in_transaction = FALSE;
  sqlite3_exec (job->self->db, "ROLLBACK", NULL, NULL, NULL);
  job->batch_imported = job->batch_duplicates = 0;
}

/* Whether the inbox already holds id. The id is a hash of every byte, and
 * only envelopes that opened are stored, so a known id is the same
 * authentic envelope: there is no need to pay for opening it again. */
static gboolean
is_known (ImportJob     *job,
          const guint8   id[SR_ENVELOPE_ID_BYTES],
          gboolean      *known,
          GError       **error)
{
  SrInbox *self = job->self;
  int rc;

  sqlite3_bind_blob (self->exists_stmt, 1, id, SR_ENVELOPE_ID_BYTES, SQLITE_STATIC);
  rc = sqlite3_step (self->exists_stmt);
  sqlite3_reset (self->exists_stmt);
  sqlite3_clear_bindings (self->exists_stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_db_error (self, rc, "read", error);

  *known = (rc == SQLITE_ROW);
  return TRUE;
}

/* Stores an envelope that has proven to open under the organisation's
 * keys. FALSE only when the database fails. */
static gboolean
store_envelope (ImportJob     *job,
                const guint8   id[SR_ENVELOPE_ID_BYTES],
                const guint8  *data,
                gsize          len,
                GError       **error)
{
  SrInbox *self = job->self;
  g_autofree char *receipt = sr_receipt_from_id (id);
  int rc;

  if (!job_begin (job, error))
    return FALSE;

  sqlite3_bind_blob (self->insert_stmt, 1, id, SR_ENVELOPE_ID_BYTES, SQLITE_STATIC);
  sqlite3_bind_text (self->insert_stmt, 2, receipt, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->insert_stmt, 3, job->today);
  sqlite3_bind_blob64 (self->insert_stmt, 4, data, len, SQLITE_STATIC);
  rc = sqlite3_step (self->insert_stmt);
  sqlite3_reset (self->insert_stmt);
  sqlite3_clear_bindings (self->insert_stmt);
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "write to", error);

  /* The same envelope twice in one file: the second adds nothing. */
  if (sqlite3_changes (self->db) > 0)
    {
      job->batch_imported++;

      /* QR codes of this report kept from an earlier import are of no use
       * any more, however the report came in at last. */
      sqlite3_bind_blob (self->clear_parts_stmt, 1, id, SR_QR_MESSAGE_ID_BYTES, SQLITE_STATIC);
      rc = sqlite3_step (self->clear_parts_stmt);
      sqlite3_reset (self->clear_parts_stmt);
      sqlite3_clear_bindings (self->clear_parts_stmt);
      if (rc != SQLITE_DONE)
        return set_db_error (self, rc, "write to", error);
    }
  else
    job->batch_duplicates++;
  job->batch_rows++;

  if (job->batch_rows >= IMPORT_BATCH)
    return job_commit (job, error);
  return TRUE;
}

/* Opening an envelope (an X25519 operation, then the payload) is nearly
 * all the cost of an import, and envelopes open independently of one
 * another: a batch of them is shared out among the processor's cores.
 * The database is only touched by the calling thread. */
#define VERIFY_BATCH        256
#define VERIFY_MAX_THREADS  8

typedef struct
{
  const SrOrgSecret *secret;
  GBytes           **records;
  GError           **errors;
  guint              n;
  gint               next;       /* atomic: the next record to take */
} VerifyBatch;

static gpointer
verify_worker (gpointer data)
{
  VerifyBatch *batch = data;

  for (;;)
    {
      guint i = (guint) g_atomic_int_add (&batch->next, 1);
      const guint8 *bytes;
      gsize len;

      if (i >= batch->n)
        break;
      bytes = g_bytes_get_data (batch->records[i], &len);
      sr_envelope_verify (bytes, len, batch->secret, &batch->errors[i]);
    }

  return NULL;
}

/* A batch of records in flight: read from the bundle, verified on every
 * core, then stored. */
typedef struct
{
  VerifyBatch  verify;
  GBytes      *records[VERIFY_BATCH];
  GError      *errors[VERIFY_BATCH];
  guint        indices[VERIFY_BATCH];
  GThread     *threads[VERIFY_MAX_THREADS];
  guint        n_threads;
} Batch;

/* Starts verifying in helper threads; the caller joins in later with
 * verify_batch_finish, after doing its own work meanwhile. */
static void
verify_batch_start (Batch *batch)
{
  guint n_threads = MIN (g_get_num_processors (), VERIFY_MAX_THREADS);

  /* A thread is worth starting for a few dozen envelopes, not for one. */
  batch->n_threads = MIN (n_threads, batch->verify.n / 32 + 1);
  for (guint t = 1; t < batch->n_threads; t++)
    batch->threads[t] = g_thread_try_new ("sr-verify", verify_worker, &batch->verify, NULL);
}

static void
verify_batch_finish (Batch *batch)
{
  verify_worker (&batch->verify);
  for (guint t = 1; t < batch->n_threads; t++)
    g_clear_pointer (&batch->threads[t], g_thread_join);
}

/* Reads records [start, end) into batch, setting aside what is damaged or
 * already in the inbox. FALSE only when the database fails. */
static gboolean
read_batch (ImportJob       *job,
            SrBundleReader  *reader,
            guint            start,
            guint            end,
            Batch           *batch,
            GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  batch->verify = (VerifyBatch) { job->secret, batch->records, batch->errors, 0, 0 };
  for (guint i = start; i < end; i++)
    {
      const guint8 *id = sr_bundle_reader_get_id (reader, i);
      GBytes *record;
      gboolean known = FALSE;

      record = sr_bundle_reader_get_record (reader, i, &local_error);
      if (record == NULL)
        {
          reject (job, "record %u: %s", i + 1, local_error->message);
          g_clear_error (&local_error);
          continue;
        }
      if (g_bytes_get_size (record) > IMPORT_MAX_ENVELOPE)
        {
          reject (job, "record %u: This envelope is too large to store.", i + 1);
          g_bytes_unref (record);
          continue;
        }
      if (!is_known (job, id, &known, error))
        {
          g_bytes_unref (record);
          return FALSE;
        }
      if (known)
        {
          job->result->duplicates++;
          g_bytes_unref (record);
          continue;
        }

      batch->indices[batch->verify.n] = i;
      batch->records[batch->verify.n] = record;
      batch->errors[batch->verify.n] = NULL;
      batch->verify.n++;
    }

  return TRUE;
}

/* Stores, in bundle order, what proved authentic, and releases the batch.
 * After a failure (ok FALSE) it only releases. */
static gboolean
store_batch (ImportJob       *job,
             SrBundleReader  *reader,
             Batch           *batch,
             gboolean         ok,
             GError         **error)
{
  for (guint c = 0; c < batch->verify.n; c++)
    {
      if (ok && batch->errors[c] != NULL)
        reject (job, "record %u: %s", batch->indices[c] + 1, batch->errors[c]->message);
      else if (ok)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (batch->records[c], &len);

          /* The reader checked the record against the id its
           * authenticated manifest names: no need to hash it again. */
          ok = store_envelope (job, sr_bundle_reader_get_id (reader, batch->indices[c]),
                               data, len, error);
        }
      g_clear_error (&batch->errors[c]);
      g_bytes_unref (batch->records[c]);
    }
  batch->verify.n = 0;

  return ok;
}

static gboolean
import_bundle (ImportJob       *job,
               const char      *path,
               SrProgressFunc   progress,
               gpointer         progress_data,
               GError         **error)
{
  g_autoptr(SrBundleReader) reader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree Batch *batches = g_new0 (Batch, 2);
  Batch *current = &batches[0], *next = &batches[1];
  gboolean ok = TRUE;
  guint n_records;

  reader = sr_bundle_reader_new (path, job->secret, &local_error);
  if (reader == NULL)
    {
      reject (job, "%s", local_error->message);
      return TRUE;
    }

  n_records = sr_bundle_reader_get_n_records (reader);
  if (progress != NULL)
    progress (0, n_records, progress_data);

  /* A pipeline: while helper threads verify one batch, this thread stores
   * the one before it and reads the one after it, then helps verify. The
   * database is only touched by this thread, and a batch is stored before
   * the next is read, so a record repeated in the bundle is found known. */
  ok = read_batch (job, reader, 0, MIN (n_records, VERIFY_BATCH), current, error);
  for (guint start = 0; ok && start < n_records; start += VERIFY_BATCH)
    {
      guint end = MIN (n_records, start + VERIFY_BATCH);
      Batch *swap;

      verify_batch_start (current);
      ok = store_batch (job, reader, next, ok, error);
      if (ok && progress != NULL && start > 0)
        progress (start, n_records, progress_data);
      if (ok)
        ok = read_batch (job, reader, end, MIN (n_records, end + VERIFY_BATCH), next, error);
      verify_batch_finish (current);

      swap = current;
      current = next;
      next = swap;
    }
  ok = store_batch (job, reader, next, ok, error);

  /* After a failure, whatever was read but not stored is released. */
  store_batch (job, reader, current, FALSE, NULL);
  if (!ok)
    return FALSE;
  if (progress != NULL)
    progress (n_records, n_records, progress_data);

  if (!job_commit (job, error))
    return FALSE;

  if (!sr_bundle_reader_check_tail (reader, &local_error))
    reject (job, "%s", local_error->message);

  return TRUE;
}

/* Imports one envelope held in memory: checked, looked up, opened, stored.
 * what, when not NULL, says where it came from in a rejection. FALSE only
 * when the database fails. */
static gboolean
import_envelope_bytes (ImportJob     *job,
                       const guint8  *data,
                       gsize          len,
                       const char    *what,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  guint8 id[SR_ENVELOPE_ID_BYTES];
  gboolean known = FALSE;

  if (!sr_envelope_check (data, len, &local_error))
    goto rejected;
  if (len > IMPORT_MAX_ENVELOPE)
    {
      g_set_error_literal (&local_error, SR_ERROR, SR_ERROR_NO_SPACE,
                           "This envelope is too large to store.");
      goto rejected;
    }

  sr_envelope_id (data, len, id);
  if (!is_known (job, id, &known, error))
    return FALSE;

  if (known)
    job->result->duplicates++;
  else if (!sr_envelope_verify (data, len, job->secret, &local_error))
    goto rejected;
  else if (!store_envelope (job, id, data, len, error))
    return FALSE;

  return TRUE;

rejected:
  if (what != NULL)
    reject (job, "%s: %s", what, local_error->message);
  else
    reject (job, "%s", local_error->message);
  return TRUE;
}

static gboolean
import_lone_envelope (ImportJob       *job,
                      const char      *path,
                      SrProgressFunc   progress,
                      gpointer         progress_data,
                      GError         **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize len;

  bytes = sr_read_file (path, IMPORT_MAX_FILE_SIZE, &local_error);
  if (bytes == NULL)
    {
      reject (job, "%s", local_error->message);
      return TRUE;
    }
  data = g_bytes_get_data (bytes, &len);

  if (progress != NULL)
    progress (0, 1, progress_data);

  if (!import_envelope_bytes (job, data, len, NULL, error) ||
      !job_commit (job, error))
    return FALSE;

  if (progress != NULL)
    progress (1, 1, progress_data);

  return TRUE;
}

/* ------------------------------------------------------------------------
 * QR codes
 * --------------------------------------------------------------------- */

/* Whether the inbox holds the report a QR message id names: an envelope
 * whose id starts with it. Ids are all 32 bytes, so the range between the
 * prefix followed by 00… and by ff… is exactly those, found in the primary
 * key's index. */
static gboolean
message_is_held (ImportJob     *job,
                 const guint8   message_id[SR_QR_MESSAGE_ID_BYTES],
                 gboolean      *held,
                 GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint8 low[SR_ENVELOPE_ID_BYTES];
  guint8 high[SR_ENVELOPE_ID_BYTES];
  int rc;

  memset (low, 0x00, sizeof low);
  memset (high, 0xff, sizeof high);
  memcpy (low, message_id, SR_QR_MESSAGE_ID_BYTES);
  memcpy (high, message_id, SR_QR_MESSAGE_ID_BYTES);

  if (!prepare (job->self, "SELECT 1 FROM envelopes WHERE id BETWEEN ? AND ? LIMIT 1",
                &stmt, error))
    return FALSE;
  sqlite3_bind_blob (stmt, 1, low, sizeof low, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, high, sizeof high, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_db_error (job->self, rc, "read", error);

  *held = (rc == SQLITE_ROW);
  return TRUE;
}

/* Feeds the parts an earlier import kept of this message to the
 * assembler. A stored part that no longer fits (it cannot, unless the
 * database was edited) is left out, and the message is marked touched so
 * that what is stored is rewritten from what the assembler holds. */
static gboolean
load_stored_parts (ImportJob     *job,
                   SrImportQr    *qr,
                   GBytes        *key,
                   GHashTable    *touched,
                   GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!prepare (job->self, "SELECT text FROM qr_parts WHERE message_id = ? ORDER BY idx",
                &stmt, error))
    return FALSE;
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (key, NULL), SR_QR_MESSAGE_ID_BYTES,
                     SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);
      SrQrPartStatus status = SR_QR_PART_ADDED;

      if (text == NULL ||
          !sr_qr_assembler_add (qr->assembler, text, -1, &status, NULL) ||
          status == SR_QR_PART_COMPLETED)
        g_hash_table_add (touched, g_bytes_ref (key));
    }
  if (rc != SQLITE_DONE)
    return set_db_error (job->self, rc, "read", error);

  return TRUE;
}

/* Makes the stored parts of every message this file touched what the
 * assembler now holds of it: nothing for a message completed or dropped,
 * its parts for one still incomplete. */
static gboolean
store_pending_parts (ImportJob   *job,
                     SrImportQr  *qr,
                     GHashTable  *touched,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  SrInbox *self = job->self;
  GHashTableIter iter;
  gpointer key;
  int rc;

  if (g_hash_table_size (touched) == 0)
    return TRUE;

  if (!job_begin (job, error))
    return FALSE;

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sqlite3_bind_blob (self->clear_parts_stmt, 1, g_bytes_get_data (key, NULL),
                         SR_QR_MESSAGE_ID_BYTES, SQLITE_STATIC);
      rc = sqlite3_step (self->clear_parts_stmt);
      sqlite3_reset (self->clear_parts_stmt);
      sqlite3_clear_bindings (self->clear_parts_stmt);
      if (rc != SQLITE_DONE)
        return set_db_error (self, rc, "write to", error);
    }

  if (!prepare (self, "INSERT OR REPLACE INTO qr_parts (message_id, idx, count, text) "
                      "VALUES (?, ?, ?, ?)", &insert, error))
    return FALSE;

  pending = sr_qr_assembler_get_pending_texts (qr->assembler);
  for (guint i = 0; i < pending->len; i++)
    {
      g_autoptr(SrQrPart) part = sr_qr_part_parse (pending->pdata[i], -1, NULL);
      g_autoptr(GBytes) part_key = NULL;

      /* The assembler only holds parts that parsed. */
      g_assert (part != NULL);
      part_key = g_bytes_new (part->message_id, SR_QR_MESSAGE_ID_BYTES);
      if (!g_hash_table_contains (touched, part_key))
        continue;

      sqlite3_bind_blob (insert, 1, part->message_id, SR_QR_MESSAGE_ID_BYTES, SQLITE_STATIC);
      sqlite3_bind_int (insert, 2, (int) part->index);
      sqlite3_bind_int (insert, 3, (int) part->count);
      sqlite3_bind_text (insert, 4, part->text, -1, SQLITE_STATIC);
      rc = sqlite3_step (insert);
      sqlite3_reset (insert);
      sqlite3_clear_bindings (insert);
      if (rc != SQLITE_DONE)
        return set_db_error (self, rc, "write to", error);
    }

  return TRUE;
}

/* Imports the part texts read from one photo or text file. Parts are
 * gathered in the result's assembler, seeded with what earlier imports
 * kept; every report they complete is imported as an envelope, and what
 * stays incomplete is stored for the next import, in the same transaction. */
static gboolean
import_qr_texts (ImportJob   *job,
                 GPtrArray   *texts,
                 GError     **error)
{
  SrImportQr *qr = import_result_get_qr (job->result);
  g_autoptr(GHashTable) touched = NULL;
  GBytes *envelope;

  touched = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                   (GDestroyNotify) g_bytes_unref, NULL);

  for (guint i = 0; i < texts->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(SrQrPart) part = NULL;
      g_autoptr(GBytes) key = NULL;
      SrQrPartStatus status = SR_QR_PART_ADDED;
      gpointer held = NULL;

      part = sr_qr_part_parse (texts->pdata[i], -1, &local_error);
      if (part == NULL)
        {
          reject (job, "code %u: %s", i + 1, local_error->message);
          continue;
        }

      /* The first part of a message met in this import decides whether
       * the inbox holds its report already; the others follow suit. */
      key = g_bytes_new (part->message_id, SR_QR_MESSAGE_ID_BYTES);
      if (!g_hash_table_lookup_extended (qr->seen, key, NULL, &held))
        {
          gboolean is_held = FALSE;

          if (!message_is_held (job, part->message_id, &is_held, error))
            return FALSE;
          held = GINT_TO_POINTER (is_held);
          g_hash_table_insert (qr->seen, g_bytes_ref (key), held);
          if (is_held)
            {
              /* Counted once, as a report; and any of its parts kept from
               * before are dropped. */
              job->result->duplicates++;
              g_hash_table_add (touched, g_bytes_ref (key));
            }
          else if (!load_stored_parts (job, qr, key, touched, error))
            return FALSE;
        }
      if (GPOINTER_TO_INT (held))
        {
          job->result->qr_parts_read++;
          continue;
        }

      if (!sr_qr_assembler_add (qr->assembler, part->text, -1, &status, &local_error))
        {
          reject (job, "code %u: %s", i + 1, local_error->message);
          /* A report that did not fit together was dropped whole. */
          g_hash_table_add (touched, g_bytes_ref (key));
          continue;
        }
      job->result->qr_parts_read++;
      if (status != SR_QR_PART_DUPLICATE)
        g_hash_table_add (touched, g_bytes_ref (key));
    }

  while ((envelope = sr_qr_assembler_pop_envelope (qr->assembler)) != NULL)
    {
      g_autofree char *what = NULL;
      g_autofree char *hex = NULL;
      const guint8 *data;
      gsize len;
      gboolean ok;

      data = g_bytes_get_data (envelope, &len);
      {
        guint8 id[SR_ENVELOPE_ID_BYTES];

        sr_envelope_id (data, len, id);
        hex = sr_qr_message_id_to_hex (id);
      }
      what = g_strdup_printf ("QR codes of report %s", hex);
      ok = import_envelope_bytes (job, data, len, what, error);
      g_bytes_unref (envelope);
      if (!ok)
        return FALSE;
    }

  return store_pending_parts (job, qr, touched, error) &&
         job_commit (job, error);
}

/* Whether a text file holds at least one line that starts like a QR part:
 * a text without any is some other file, not a scanner app's export. */
static gboolean
text_has_part_line (const guint8 *data,
                    gsize         len)
{
  const char *text = (const char *) data;
  const char *end = text + len;
  const char *p = text;

  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (text, (gssize) len, NULL))
    return FALSE;
  if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      const char *stop = eol != NULL ? eol : end;

      while (p < stop && g_ascii_isspace (*p))
        p++;
      if ((gsize) (stop - p) >= SR_QR_PREFIX_LEN &&
          memcmp (p, SR_QR_PREFIX, SR_QR_PREFIX_LEN) == 0)
        return TRUE;
      p = eol != NULL ? eol + 1 : end;
    }
  return FALSE;
}

static gboolean
import_qr_file (ImportJob       *job,
                const char      *path,
                gboolean         image,
                SrProgressFunc   progress,
                gpointer         progress_data,
                GError         **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  const guint8 *data;
  gint64 waiting = 0;
  gsize len;

  bytes = sr_read_file (path, IMPORT_MAX_QR_FILE, &local_error);
  if (bytes == NULL)
    {
      /* No text file of scanned codes is that large: it is something
       * else, which says more than its size would. */
      if (!image && g_error_matches (local_error, SR_ERROR, SR_ERROR_FORMAT))
        reject (job, "This is not a SafeReport file.");
      else
        reject (job, "%s", local_error->message);
      return TRUE;
    }
  data = g_bytes_get_data (bytes, &len);

  if (!image && !text_has_part_line (data, len))
    {
      reject (job, "This is not a SafeReport file.");
      return TRUE;
    }

  if (progress != NULL)
    progress (0, 1, progress_data);

  job->result->qr_files++;
  texts = sr_qr_read_data (data, len, &local_error);
  if (texts == NULL)
    reject (job, "%s", local_error->message);
  else if (!import_qr_texts (job, texts, error))
    return FALSE;

  /* What the inbox holds after this file, from this import or earlier
   * ones: the figure after the last file is the one a person sees. */
  if (!query_int (job->self, "SELECT count(*) FROM qr_parts", &waiting, error))
    return FALSE;
  job->result->qr_parts_waiting = (guint) waiting;

  if (progress != NULL)
    progress (1, 1, progress_data);

  return TRUE;
}

gboolean
sr_inbox_import_file (SrInbox            *self,
                      const char         *path,
                      const SrOrgSecret  *secret,
                      SrImportResult     *result,
                      SrProgressFunc      progress,
                      gpointer            progress_data,
                      GError            **error)
{
  g_autofree char *display = NULL;
  ImportJob job = { 0 };
  guint8 magic[4] = { 0 };
  gboolean ok;
  ssize_t n;
  int fd;

  g_return_val_if_fail (SR_IS_INBOX (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (result != NULL && result->problems != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (path);
  job.self = self;
  job.secret = secret;
  job.result = result;
  job.display = display;
  job.today = sr_report_today ();

  /* Files are told apart by their first bytes, never by the file name:
   * the keeper may have named the file anything, and a phone names its
   * photos as it likes. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      reject (&job, "%s.", g_strerror (errno));
      return TRUE;
    }
  do
    n = read (fd, magic, sizeof magic);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;

      close (fd);
      reject (&job, "%s.", g_strerror (saved));
      return TRUE;
    }
  close (fd);

  if (n >= 3 && memcmp (magic, "SRB", 3) == 0)
    ok = import_bundle (&job, path, progress, progress_data, error);
  else if (n >= 3 && memcmp (magic, "SRE", 3) == 0)
    ok = import_lone_envelope (&job, path, progress, progress_data, error);
  else if ((n >= 4 && memcmp (magic, "\x89PNG", 4) == 0) ||
           (n >= 3 && memcmp (magic, "\xff\xd8\xff", 3) == 0))
    ok = import_qr_file (&job, path, TRUE, progress, progress_data, error);
  else if (n > 0)
    ok = import_qr_file (&job, path, FALSE, progress, progress_data, error);
  else
    {
      reject (&job, "This is not a SafeReport file.");
      ok = TRUE;
    }

  if (!ok)
    job_abort (&job);

  return ok;
}

GPtrArray *
sr_inbox_list_incomplete (SrInbox  *self,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) found = NULL;
  SrInboxIncomplete *current = NULL;
  guint8 current_id[SR_QR_MESSAGE_ID_BYTES] = { 0 };
  gboolean *present = NULL;
  int rc;

  g_return_val_if_fail (SR_IS_INBOX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!prepare (self, "SELECT message_id, idx, count FROM qr_parts ORDER BY message_id, idx",
                &stmt, error))
    return NULL;

  found = g_ptr_array_new_with_free_func (sr_inbox_incomplete_free);
  for (;;)
    {
      const guint8 *id = NULL;
      gint64 idx = 0;

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (sqlite3_column_bytes (stmt, 0) != SR_QR_MESSAGE_ID_BYTES)
            continue;
          id = sqlite3_column_blob (stmt, 0);
          idx = sqlite3_column_int64 (stmt, 1);
        }

      /* A new message, or the end: settle the one before. */
      if (current != NULL && (id == NULL || memcmp (id, current_id, sizeof current_id) != 0))
        {
          current->missing = g_array_new (FALSE, FALSE, sizeof (guint));
          for (guint i = 0; i < current->count; i++)
            if (!present[i])
              g_array_append_val (current->missing, i);
          current->received = current->count - current->missing->len;
          g_ptr_array_add (found, current);
          current = NULL;
          g_clear_pointer (&present, g_free);
        }
      if (id == NULL)
        break;

      if (current == NULL)
        {
          gint64 count = sqlite3_column_int64 (stmt, 2);
          guint8 envelope_id[SR_ENVELOPE_ID_BYTES] = { 0 };

          current = g_new0 (SrInboxIncomplete, 1);
          memcpy (current_id, id, sizeof current_id);
          current->message_id = sr_qr_message_id_to_hex (current_id);
          /* The receipt is the first 50 bits of the envelope id (FORMAT.md),
           * all within the message id: a person can match an incomplete
           * report with the receipt a survivor was given. */
          memcpy (envelope_id, id, SR_QR_MESSAGE_ID_BYTES);
          current->receipt = sr_receipt_from_id (envelope_id);
          current->count = (guint) CLAMP (count, 1, SR_QR_MAX_PARTS);
          present = g_new0 (gboolean, current->count);
        }
      if (idx >= 0 && idx < current->count)
        present[idx] = TRUE;
    }
  g_free (present);
  if (rc != SQLITE_DONE)
    {
      g_clear_pointer (&current, sr_inbox_incomplete_free);
      set_db_error (self, rc, "read", error);
      return NULL;
    }

  return g_steal_pointer (&found);
}

/* ------------------------------------------------------------------------
 * Reading
 * --------------------------------------------------------------------- */

GPtrArray *
sr_inbox_list (SrInbox  *self,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (SR_IS_INBOX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!prepare (self, "SELECT receipt, day, length(data) FROM envelopes ORDER BY rowid",
                &stmt, error))
    return NULL;

  entries = g_ptr_array_new_with_free_func (sr_inbox_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SrInboxEntry *entry = g_new0 (SrInboxEntry, 1);

      entry->receipt = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      entry->day = (guint32) sqlite3_column_int64 (stmt, 1);
      entry->size = (gsize) sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "read", error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

guint
sr_inbox_get_n_reports (SrInbox  *self,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SR_IS_INBOX (self), 0);

  if (!prepare (self, "SELECT count(*) FROM envelopes", &stmt, error))
    return 0;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, sqlite3_errcode (self->db), "read", error);
      return 0;
    }
  return (guint) sqlite3_column_int64 (stmt, 0);
}

/* Opens one stored envelope and decodes the report inside; the plaintext
 * is wiped as soon as it is decoded. */
static SrAnswers *
open_stored (const guint8       *data,
             gsize               len,
             const char         *receipt,
             const SrOrgSecret  *secret,
             guint32            *day,
             GError            **error)
{
  g_autoptr(SrSecret) plaintext = NULL;
  g_autoptr(GError) local_error = NULL;
  SrAnswers *answers;

  plaintext = sr_envelope_open (data, len, secret, &local_error);
  if (plaintext == NULL)
    {
      g_set_error (error, SR_ERROR, local_error->code,
                   "Report %s could not be opened: %s", receipt, local_error->message);
      return NULL;
    }

  answers = sr_report_decode (plaintext->data, plaintext->len, day, &local_error);
  if (answers == NULL)
    {
      g_set_error (error, SR_ERROR, local_error->code,
                   "Report %s could not be read: %s", receipt, local_error->message);
      return NULL;
    }

  return answers;
}

SrAnswers *
sr_inbox_open_report (SrInbox            *self,
                      const char         *receipt,
                      const SrOrgSecret  *secret,
                      guint32            *day,
                      GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *canonical = NULL;
  SrAnswers *answers;
  int rc;

  g_return_val_if_fail (SR_IS_INBOX (self), NULL);
  g_return_val_if_fail (receipt != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  canonical = sr_receipt_normalize (receipt);
  if (canonical == NULL)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "“%s” is not a receipt code.", receipt);
      return NULL;
    }

  if (!prepare (self, "SELECT data FROM envelopes WHERE receipt = ? ORDER BY rowid", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, canonical, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
                   "There is no report with receipt %s in this inbox.", canonical);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, "read", error);
      return NULL;
    }

  answers = open_stored (sqlite3_column_blob (stmt, 0),
                         (gsize) sqlite3_column_bytes (stmt, 0),
                         canonical, secret, day, error);
  if (answers == NULL)
    return NULL;

  /* Receipts are 50 bits of a 256-bit id: two reports sharing one is very
   * unlikely, but then showing either would be a guess. */
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      sr_answers_free (answers);
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "More than one report has receipt %s; export the inbox to read them.",
                   canonical);
      return NULL;
    }

  return answers;
}

/* ------------------------------------------------------------------------
 * Export
 * --------------------------------------------------------------------- */

typedef struct
{
  int         fd;
  GString    *buf;
  const char *what;
} ExportSink;

static gboolean
sink_flush (ExportSink  *sink,
            GError     **error)
{
  gboolean ok = sr_write_all (sink->fd, (const guint8 *) sink->buf->str, sink->buf->len,
                              sink->what, error);

  sodium_memzero (sink->buf->str, sink->buf->len);
  g_string_truncate (sink->buf, 0);
  return ok;
}

static void
csv_field (GString    *buf,
           const char *value,
           gboolean    guard_formula)
{
  gboolean quote;

  if (value == NULL)
    value = "";

  /* A cell that starts like a formula would run in a spreadsheet when an
   * officer opens the export; whoever filed the report chose its text, so
   * such a cell gets a leading apostrophe (OWASP's CSV injection advice). */
  if (guard_formula && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL)
    {
      g_autofree char *guarded = g_strconcat ("'", value, NULL);

      csv_field (buf, guarded, FALSE);
      sodium_memzero (guarded, strlen (guarded));
      return;
    }

  quote = strpbrk (value, ",\"\r\n") != NULL;
  if (!quote)
    {
      g_string_append (buf, value);
      return;
    }

  g_string_append_c (buf, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (buf, '"');
      g_string_append_c (buf, *p);
    }
  g_string_append_c (buf, '"');
}

static void
json_string (GString    *buf,
             const char *value)
{
  g_string_append_c (buf, '"');
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (buf, "\\\""); break;
        case '\\': g_string_append (buf, "\\\\"); break;
        case '\n': g_string_append (buf, "\\n"); break;
        case '\r': g_string_append (buf, "\\r"); break;
        case '\t': g_string_append (buf, "\\t"); break;
        case '\b': g_string_append (buf, "\\b"); break;
        case '\f': g_string_append (buf, "\\f"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (buf, "\\u%04x", *p);
          else
            g_string_append_c (buf, (char) *p);
        }
    }
  g_string_append_c (buf, '"');
}

/* One answer as a JSON value, by its kind. */
static void
json_answer (GString    *buf,
             SrAnswers  *answers,
             const char *id)
{
  switch (sr_answers_get_kind (answers, id))
    {
    case SR_VALUE_TEXT:
      json_string (buf, sr_answers_get_text (answers, id));
      break;

    case SR_VALUE_LIST:
      {
        const char *const *values = sr_answers_get_list (answers, id);

        g_string_append_c (buf, '[');
        for (guint i = 0; values != NULL && values[i] != NULL; i++)
          {
            if (i > 0)
              g_string_append (buf, ", ");
            json_string (buf, values[i]);
          }
        g_string_append_c (buf, ']');
      }
      break;

    case SR_VALUE_NUMBER:
      g_string_append_printf (buf, "%" G_GINT64_FORMAT, sr_answers_get_number (answers, id));
      break;

    case SR_VALUE_BOOL:
      g_string_append (buf, sr_answers_get_bool (answers, id) ? "true" : "false");
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The answers as a JSON object, keys sorted; with skip_form, only those to
 * questions that form lacks. Returns how many were written. */
static guint
json_answers_object (GString    *buf,
                     SrAnswers  *answers,
                     SrForm     *skip_form)
{
  g_autofree const char **ids = NULL;
  guint n_ids = 0;
  guint written = 0;

  ids = sr_answers_get_ids (answers, &n_ids);
  g_string_append_c (buf, '{');
  for (guint i = 0; i < n_ids; i++)
    {
      if (skip_form != NULL && sr_form_lookup (skip_form, ids[i]) != NULL)
        continue;
      if (written++ > 0)
        g_string_append (buf, ", ");
      json_string (buf, ids[i]);
      g_string_append (buf, ": ");
      json_answer (buf, answers, ids[i]);
    }
  g_string_append_c (buf, '}');

  return written;
}

/* One answer as a CSV cell. */
static void
csv_answer (GString    *buf,
            SrAnswers  *answers,
            const char *id)
{
  if (!sr_answers_has (answers, id))
    return;

  switch (sr_answers_get_kind (answers, id))
    {
    case SR_VALUE_TEXT:
      csv_field (buf, sr_answers_get_text (answers, id), TRUE);
      break;

    case SR_VALUE_LIST:
      {
        const char *const *values = sr_answers_get_list (answers, id);
        g_autofree char *joined = g_strjoinv ("; ", (char **) values);

        csv_field (buf, joined, TRUE);
        sodium_memzero (joined, strlen (joined));
      }
      break;

    case SR_VALUE_NUMBER:
      g_string_append_printf (buf, "%" G_GINT64_FORMAT, sr_answers_get_number (answers, id));
      break;

    case SR_VALUE_BOOL:
      g_string_append (buf, sr_answers_get_bool (answers, id) ? "yes" : "no");
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
form_question_has_answer (SrQuestion *question)
{
  return sr_question_get_kind (question) != SR_QUESTION_INFO;
}

char *
sr_inbox_answers_to_json (SrAnswers *answers)
{
  GString *buf;
  g_autofree const char **ids = NULL;
  guint n_ids = 0;
  char *text;

  g_return_val_if_fail (answers != NULL, NULL);

  buf = g_string_sized_new (64 * 1024);
  g_string_append (buf, "{\n  \"form\": ");
  json_string (buf, sr_answers_get_form_id (answers));
  g_string_append (buf, ",\n  \"lang\": ");
  json_string (buf, sr_answers_get_lang (answers));
  g_string_append (buf, ",\n  \"answers\": {");

  ids = sr_answers_get_ids (answers, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      g_string_append (buf, i == 0 ? "\n    " : ",\n    ");
      json_string (buf, ids[i]);
      g_string_append (buf, ": ");
      json_answer (buf, answers, ids[i]);
    }
  g_string_append (buf, n_ids > 0 ? "\n  }\n}\n" : "}\n}\n");

  /* A copy of exactly the right size, so that the caller's wipe covers
   * it all; the working buffer is wiped here. */
  text = g_strndup (buf->str, buf->len);
  sodium_memzero (buf->str, buf->allocated_len);
  g_string_free (buf, TRUE);
  return text;
}

static void
csv_header (GString *buf,
            SrForm  *form)
{
  g_string_append (buf, "receipt,day,form,lang");
  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);

      if (!form_question_has_answer (question))
        continue;
      g_string_append_c (buf, ',');
      csv_field (buf, sr_question_get_id (question), TRUE);
    }
  g_string_append (buf, ",other,attachments\r\n");
}

char *
sr_inbox_attachments_dir (const char *path)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  char *dot;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';

  return g_strdup_printf ("%s%s%s-attachments", g_str_equal (dir, ".") ? "" : dir,
                          g_str_equal (dir, ".") ? "" : G_DIR_SEPARATOR_S, base);
}

char *
sr_inbox_attachment_name (const char *receipt,
                          guint       index,
                          const char *media_type)
{
  return g_strdup_printf ("%s-%u.%s", receipt, index + 1, sr_attachment_extension (media_type));
}

int
sr_inbox_save_attachments (SrAnswers   *answers,
                           const char  *receipt,
                           const char  *dir,
                           GError     **error)
{
  guint n;

  g_return_val_if_fail (answers != NULL, -1);
  g_return_val_if_fail (receipt != NULL, -1);
  g_return_val_if_fail (dir != NULL, -1);

  n = sr_answers_get_n_attachments (answers);
  if (n > 0 && !sr_ensure_private_dir (dir, error))
    return -1;

  for (guint i = 0; i < n; i++)
    {
      const char *media_type = NULL;
      const SrSecret *data = sr_answers_get_attachment (answers, i, &media_type);
      g_autofree char *name = sr_inbox_attachment_name (receipt, i, media_type);
      g_autofree char *file = g_build_filename (dir, name, NULL);

      if (!sr_write_file_atomic (file, data->data, data->len, error))
        return -1;
    }

  return (int) n;
}

/* The attachments' file names, separated by spaces, into buf. */
static void
append_attachment_names (GString    *buf,
                         SrAnswers  *answers,
                         const char *receipt,
                         gboolean    json)
{
  guint n = sr_answers_get_n_attachments (answers);

  if (json)
    g_string_append_c (buf, '[');
  for (guint i = 0; i < n; i++)
    {
      const char *media_type = NULL;
      g_autofree char *name = NULL;

      sr_answers_get_attachment (answers, i, &media_type);
      name = sr_inbox_attachment_name (receipt, i, media_type);
      if (i > 0)
        g_string_append (buf, json ? ", " : " ");
      if (json)
        json_string (buf, name);
      else
        g_string_append (buf, name);
    }
  if (json)
    g_string_append_c (buf, ']');
}

/* other is scratch space the caller keeps (and wipes) for the whole
 * export, so that no plaintext is left in a buffer freed along the way. */
static void
csv_row (GString    *buf,
         GString    *other,
         SrForm     *form,
         const char *receipt,
         const char *day,
         SrAnswers  *answers)
{

  csv_field (buf, receipt, FALSE);
  g_string_append_c (buf, ',');
  csv_field (buf, day, FALSE);
  g_string_append_c (buf, ',');
  csv_field (buf, sr_answers_get_form_id (answers), TRUE);
  g_string_append_c (buf, ',');
  csv_field (buf, sr_answers_get_lang (answers), TRUE);

  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);

      if (!form_question_has_answer (question))
        continue;
      g_string_append_c (buf, ',');
      csv_answer (buf, answers, sr_question_get_id (question));
    }

  /* Answers to questions the default form lacks (an organisation's own
   * form) are kept, as JSON, rather than dropped. */
  g_string_append_c (buf, ',');
  g_string_truncate (other, 0);
  if (json_answers_object (other, answers, form) > 0)
    csv_field (buf, other->str, TRUE);
  sodium_memzero (other->str, other->len);

  /* File names made of the receipt: nothing a CSV reader could take for a
   * formula, and no character that needs quoting. */
  g_string_append_c (buf, ',');
  append_attachment_names (buf, answers, receipt, FALSE);

  g_string_append (buf, "\r\n");
}

static void
json_row (GString    *buf,
          guint       index,
          const char *receipt,
          const char *day,
          SrAnswers  *answers)
{
  g_string_append (buf, index == 0 ? "\n  {" : ",\n  {");
  g_string_append (buf, "\"receipt\": ");
  json_string (buf, receipt);
  g_string_append (buf, ", \"day\": ");
  json_string (buf, day);
  g_string_append (buf, ", \"form\": ");
  json_string (buf, sr_answers_get_form_id (answers));
  g_string_append (buf, ", \"lang\": ");
  json_string (buf, sr_answers_get_lang (answers));
  g_string_append (buf, ", \"answers\": ");
  json_answers_object (buf, answers, NULL);
  g_string_append (buf, ", \"attachments\": ");
  append_attachment_names (buf, answers, receipt, TRUE);
  g_string_append_c (buf, '}');
}

static void
wipe_string_free (GString *string)
{
  sodium_memzero (string->str, string->allocated_len);
  g_string_free (string, TRUE);
}

gboolean
sr_inbox_export (SrInbox            *self,
                 const SrOrgSecret  *secret,
                 SrExportFormat      format,
                 const char         *path,
                 guint              *n_exported,
                 guint              *n_attachments,
                 SrProgressFunc      progress,
                 gpointer            progress_data,
                 GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(SrForm) form = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *display = NULL;
  g_autofree char *attachments_dir = NULL;
  ExportSink sink = { -1, NULL, NULL };
  GString *other = NULL;
  guint64 total;
  guint count = 0;
  guint attached = 0;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (SR_IS_INBOX (self), FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (format == SR_EXPORT_CSV || format == SR_EXPORT_JSON, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (format == SR_EXPORT_CSV)
    {
      form = sr_form_load_default (error);
      if (form == NULL)
        return FALSE;
    }

  {
    GError *count_error = NULL;

    total = sr_inbox_get_n_reports (self, &count_error);
    if (count_error != NULL)
      {
        g_propagate_error (error, count_error);
        return FALSE;
      }
  }

  /* A read transaction gives one consistent view of the inbox even if an
   * import runs at the same time. */
  if (!exec_sql (self, "BEGIN", "read", error))
    return FALSE;
  if (!prepare (self, "SELECT receipt, data FROM envelopes ORDER BY rowid", &stmt, error))
    goto out;

  display = g_filename_display_name (path);
  attachments_dir = sr_inbox_attachments_dir (path);
  tmp_path = g_strconcat (path, ".tmp-XXXXXX", NULL);
  sink.fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (sink.fd < 0)
    {
      int saved = errno;

      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not create %s: %s.",
                   display, g_strerror (saved));
      g_clear_pointer (&tmp_path, g_free);
      goto out;
    }
  sink.buf = g_string_sized_new (EXPORT_BUF_SIZE);
  sink.what = display;
  other = g_string_sized_new (EXPORT_FLUSH_AT);

  if (form != NULL)
    csv_header (sink.buf, form);
  else
    g_string_append_c (sink.buf, '[');

  if (progress != NULL)
    progress (0, total, progress_data);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *receipt = (const char *) sqlite3_column_text (stmt, 0);
      const guint8 *data = sqlite3_column_blob (stmt, 1);
      gsize len = (gsize) sqlite3_column_bytes (stmt, 1);
      g_autoptr(SrAnswers) answers = NULL;
      g_autofree char *day_text = NULL;
      guint32 day = 0;

      answers = open_stored (data, len, receipt, secret, &day, error);
      if (answers == NULL)
        goto out;
      day_text = sr_report_day_to_string (day);

      /* Before the row that names them: a file the export lists is there. */
      {
        int saved = sr_inbox_save_attachments (answers, receipt, attachments_dir, error);

        if (saved < 0)
          goto out;
        attached += (guint) saved;
      }

      if (form != NULL)
        csv_row (sink.buf, other, form, receipt, day_text, answers);
      else
        json_row (sink.buf, count, receipt, day_text, answers);
      count++;

      if (sink.buf->len >= EXPORT_FLUSH_AT && !sink_flush (&sink, error))
        goto out;

      if (progress != NULL)
        progress (count, total, progress_data);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "read", error);
      goto out;
    }

  if (form == NULL)
    g_string_append (sink.buf, count > 0 ? "\n]\n" : "]\n");

  if (!sink_flush (&sink, error) ||
      !sr_fsync (sink.fd, display, error))
    goto out;

  if (close (sink.fd) != 0)
    {
      int saved = errno;

      sink.fd = -1;
      g_set_error (error, SR_ERROR, saved == ENOSPC ? SR_ERROR_NO_SPACE : SR_ERROR_IO,
                   "Could not write %s: %s.", display, g_strerror (saved));
      goto out;
    }
  sink.fd = -1;

  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not write %s: %s.",
                   display, g_strerror (saved));
      goto out;
    }
  g_clear_pointer (&tmp_path, g_free);

  if (!sr_fsync_parent_dir (path, error))
    goto out;

  if (n_exported != NULL)
    *n_exported = count;
  if (n_attachments != NULL)
    *n_attachments = attached;
  ok = TRUE;

out:
  if (sink.fd >= 0)
    close (sink.fd);
  if (tmp_path != NULL)
    g_unlink (tmp_path);
  if (sink.buf != NULL)
    wipe_string_free (sink.buf);
  if (other != NULL)
    wipe_string_free (other);
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  return ok;
}

/* ------------------------------------------------------------------------
 * Acknowledgement
 * --------------------------------------------------------------------- */

GBytes *
sr_inbox_make_ack (SrInbox            *self,
                   const SrOrgSecret  *secret,
                   guint              *n_ids,
                   GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GByteArray) ids = NULL;
  GBytes *ack;
  guint count;
  int rc;

  g_return_val_if_fail (SR_IS_INBOX (self), NULL);
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!prepare (self, "SELECT id FROM envelopes ORDER BY rowid", &stmt, error))
    return NULL;

  ids = g_byte_array_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_bytes (stmt, 0) != SR_ENVELOPE_ID_BYTES)
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_TAMPERED,
                               "The inbox database holds an id of the wrong size.");
          return NULL;
        }
      g_byte_array_append (ids, sqlite3_column_blob (stmt, 0), SR_ENVELOPE_ID_BYTES);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "read", error);
      return NULL;
    }

  count = ids->len / SR_ENVELOPE_ID_BYTES;
  if (count == 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_NOT_FOUND,
                           "The inbox is empty: there is nothing to acknowledge.");
      return NULL;
    }

  ack = sr_ack_create ((const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids->data, count, secret, error);
  if (ack != NULL && n_ids != NULL)
    *n_ids = count;

  return ack;
}
