/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-outbox"

#include "sr-outbox.h"

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
#include "sr-fsutil.h"
#include "sr-pin.h"
#include "sr-report.h"

/* docs/FORMAT.md, "Kiosk storage" → "Outbox", describes the schema and the states. */
#define DB_NAME          "outbox.db"
#define SCHEMA_VERSION   1
#define STATE_PENDING    0
#define STATE_EXPORTED   1
#define BUSY_TIMEOUT_MS  5000
/* Sealing again after a receipt collision: 50-bit receipts make one
 * vanishingly rare, two in a row impossible in practice. */
#define SUBMIT_ATTEMPTS  4

#define META_PROFILE      "profile"
#define META_SIGNER       "signer"
#define META_SERIAL       "serial"
#define META_ACKNOWLEDGED "acknowledged"
#define META_PIN_HASH     "admin-pin"
#define META_PIN_FAILURES "admin-pin-failures"
#define META_PIN_LAST     "admin-pin-last-failure"

struct _SrOutbox
{
  GObject    parent_instance;

  char      *data_dir;
  char      *db_path;
  sqlite3   *db;
  /* The last profile parsed, kept while the stored bytes are the same. */
  SrProfile *profile;
  /* The app seals in a worker thread while the admin area may count or
   * export: public calls run one at a time, each with its own
   * transactions on the one connection. Recursive, because some calls
   * make others (submit gets the profile). */
  GRecMutex  lock;
};

static void sr_outbox_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrOutbox, sr_outbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      sr_outbox_initable_iface_init))

enum
{
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* ---- SQLite helpers ----------------------------------------------------- */

/* One sentence for a database failure. A full disk or a file-size limit is
 * SR_ERROR_NO_SPACE, so the keeper knows what to do. */
static void
set_db_error (SrOutbox    *self,
              GError     **error,
              const char  *doing)
{
  int code = sqlite3_errcode (self->db);
  int errsv = sqlite3_system_errno (self->db);
  SrError sr_code = SR_ERROR_IO;

  if (code == SQLITE_FULL ||
      (code == SQLITE_IOERR && sr_error_code_from_errno (errsv) == SR_ERROR_NO_SPACE))
    sr_code = SR_ERROR_NO_SPACE;

  g_set_error (error, SR_ERROR, sr_code,
               "The outbox in %s could not %s: %s.",
               self->data_dir, doing, sqlite3_errmsg (self->db));
}

static sqlite3_stmt *
prepare (SrOutbox    *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, "prepare a query");
      return NULL;
    }

  return stmt;
}

static gboolean
exec (SrOutbox    *self,
      const char  *sql,
      const char  *doing,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, doing);
      return FALSE;
    }

  return TRUE;
}

static gboolean
begin_write (SrOutbox  *self,
             GError   **error)
{
  /* IMMEDIATE takes the write lock now, so that a second process (the app
   * and the command line at once) waits here rather than failing later. */
  return exec (self, "BEGIN IMMEDIATE", "start a transaction", error);
}

static gboolean
commit (SrOutbox  *self,
        GError   **error)
{
  if (!exec (self, "COMMIT", "save its changes", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static void
rollback (SrOutbox *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A meta value as bytes; NULL with no error when the key is absent. */
static GBytes *
meta_get_blob (SrOutbox    *self,
               const char  *key,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT value FROM meta WHERE key = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_DONE)
    set_db_error (self, error, "read its settings");

  return NULL;
}

static gboolean
meta_get_int (SrOutbox    *self,
              const char  *key,
              gint64      *value,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT value FROM meta WHERE key = ?1", error);
  int rc;

  *value = 0;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "read its settings");
      return FALSE;
    }

  return TRUE;
}

static gboolean
meta_set_blob (SrOutbox      *self,
               const char    *key,
               const guint8  *data,
               gsize          len,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (stmt, 2, data, len, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, "save its settings");
      return FALSE;
    }

  return TRUE;
}

static gboolean
meta_set_int (SrOutbox    *self,
              const char  *key,
              gint64       value,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, "save its settings");
      return FALSE;
    }

  return TRUE;
}

/* ---- Opening ------------------------------------------------------------ */

/* The pragma answers with a row; WAL must really be on, not silently
 * refused (e.g. on a file system without shared memory). */
static gboolean
set_wal (SrOutbox  *self,
         GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA journal_mode = WAL", error);

  if (stmt == NULL)
    return FALSE;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, "switch on its write-ahead log");
      return FALSE;
    }
  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_IO,
                   "The outbox in %s cannot keep a write-ahead log on this file system.",
                   self->data_dir);
      return FALSE;
    }

  return TRUE;
}

static gboolean
create_schema (SrOutbox  *self,
               GError   **error)
{
  static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta ("
    "  key   TEXT PRIMARY KEY,"
    "  value BLOB"
    ");"
    "CREATE TABLE IF NOT EXISTS envelopes ("
    "  id      BLOB PRIMARY KEY CHECK (length (id) = 32),"
    "  receipt TEXT NOT NULL UNIQUE,"
    "  state   INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1)),"
    "  day     INTEGER NOT NULL,"
    "  data    BLOB NOT NULL"
    ");";
  g_autofree char *set_version = NULL;
  gint64 version = 0;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!begin_write (self, error))
    return FALSE;

  stmt = prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL)
    goto failed;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The outbox in %s was made by a newer version of SafeReport.",
                   self->data_dir);
      goto failed;
    }

  /* Only a new database is written to here: opening an existing outbox
   * must not need a single byte of space (a full disk still exports). */
  if (version < SCHEMA_VERSION)
    {
      set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);
      if (!exec (self, schema, "create its tables", error) ||
          !exec (self, set_version, "create its tables", error))
        goto failed;
    }

  return commit (self, error);

failed:
  rollback (self);
  return FALSE;
}

/* The database and its companions hold only sealed envelopes, but which
 * envelopes are there is itself private. */
static gboolean
make_files_private (SrOutbox  *self,
                    GError   **error)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (self->db_path, suffixes[i], NULL);
      struct stat st;

      if (lstat (path, &st) != 0)
        continue;
      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, SR_ERROR, SR_ERROR_IO,
                       "%s is not a regular file.", path);
          return FALSE;
        }
      if ((st.st_mode & 07777) != 0600 && chmod (path, 0600) != 0)
        {
          int errsv = errno;

          g_set_error (error, SR_ERROR, SR_ERROR_IO,
                       "Could not make %s private: %s.", path, g_strerror (errsv));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
open_database (SrOutbox  *self,
               GError   **error)
{
  int rc;

  rc = sqlite3_open_v2 (self->db_path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_ERROR, rc == SQLITE_FULL ? SR_ERROR_NO_SPACE : SR_ERROR_IO,
                   "Could not open the outbox in %s: %s.", self->data_dir,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* synchronous=FULL: a commit is on disk when it returns, so a receipt
   * shown is a report kept. secure_delete: a purged envelope is
   * overwritten, not left in free pages. temp_store=MEMORY: sorting and
   * temporary tables never go to TMPDIR. */
  return set_wal (self, error) &&
         exec (self,
               "PRAGMA synchronous = FULL;"
               "PRAGMA secure_delete = ON;"
               "PRAGMA temp_store = MEMORY;"
               "PRAGMA foreign_keys = ON;",
               "set itself up", error) &&
         create_schema (self, error);
}

static gboolean
sr_outbox_initable_init (GInitable     *initable,
                         GCancellable  *cancellable,
                         GError       **error)
{
  SrOutbox *self = SR_OUTBOX (initable);
  mode_t old_umask;
  gboolean ok;

  if (self->data_dir == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                           "No data folder was given for the outbox.");
      return FALSE;
    }

  if (!sr_ensure_private_dir (self->data_dir, error))
    return FALSE;

  self->db_path = g_build_filename (self->data_dir, DB_NAME, NULL);

  /* SQLite creates the database, its log and its shared-memory file with
   * the mode 0644 less the umask; a private umask makes them 0600 from
   * their first byte. umask is per process, which is why it is restored
   * at once. */
  old_umask = umask (077);
  ok = open_database (self, error);
  umask (old_umask);

  return ok && make_files_private (self, error);
}

static void
sr_outbox_initable_iface_init (GInitableIface *iface)
{
  iface->init = sr_outbox_initable_init;
}

static void
sr_outbox_finalize (GObject *object)
{
  SrOutbox *self = SR_OUTBOX (object);

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->profile, sr_profile_unref);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->db_path, g_free);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sr_outbox_parent_class)->finalize (object);
}

static void
sr_outbox_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SrOutbox *self = SR_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_outbox_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SrOutbox *self = SR_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_free (self->data_dir);
      self->data_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_outbox_class_init (SrOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_outbox_finalize;
  object_class->get_property = sr_outbox_get_property;
  object_class->set_property = sr_outbox_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_outbox_init (SrOutbox *self)
{
  g_rec_mutex_init (&self->lock);
}

SrOutbox *
sr_outbox_new (const char  *data_dir,
               GError     **error)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_initable_new (SR_TYPE_OUTBOX, NULL, error,
                         "data-dir", data_dir,
                         NULL);
}

const char *
sr_outbox_get_data_dir (SrOutbox *self)
{
  g_return_val_if_fail (SR_IS_OUTBOX (self), NULL);

  return self->data_dir;
}

/* ---- Profile ------------------------------------------------------------ */

/* The pinned signing key; FALSE with no error when there is none yet. */
static gboolean
get_pinned (SrOutbox  *self,
            guint8     pinned[SR_SIGN_PK_BYTES],
            GError   **error)
{
  g_autoptr(GBytes) signer = meta_get_blob (self, META_SIGNER, error);

  if (signer == NULL)
    return FALSE;

  if (g_bytes_get_size (signer) != SR_SIGN_PK_BYTES)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "The outbox in %s is damaged: its pinned signing key is malformed.",
                   self->data_dir);
      return FALSE;
    }

  memcpy (pinned, g_bytes_get_data (signer, NULL), SR_SIGN_PK_BYTES);
  return TRUE;
}

char *
sr_outbox_get_fingerprint (SrOutbox  *self,
                           GError   **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  guint8 pinned[SR_SIGN_PK_BYTES];
  GError *local_error = NULL;

  g_return_val_if_fail (SR_IS_OUTBOX (self), NULL);

  locker = g_rec_mutex_locker_new (&self->lock);

  if (!get_pinned (self, pinned, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED,
                             "This kiosk has no profile yet; provision one first.");
      return NULL;
    }

  return sr_fingerprint_digits (pinned);
}

/* Whether the kiosk runs on a demo profile and profile is a real one. */
static gboolean
leaving_demo (SrOutbox  *self,
              SrProfile *profile)
{
  g_autoptr(SrProfile) current = NULL;

  if (sr_profile_is_demo (profile))
    return FALSE;

  current = sr_outbox_get_profile (self, NULL);
  return current != NULL && sr_profile_is_demo (current);
}

gboolean
sr_outbox_provision (SrOutbox      *self,
                     const guint8  *data,
                     gsize          len,
                     char         **fingerprint,
                     GError       **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(SrProfile) profile = NULL;
  guint8 pinned[SR_SIGN_PK_BYTES];
  GError *local_error = NULL;
  const guint8 *signer;
  gboolean has_pin;

  g_return_val_if_fail (SR_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  locker = g_rec_mutex_locker_new (&self->lock);

  profile = sr_profile_new_from_data (data, len, error);
  if (profile == NULL)
    return FALSE;
  signer = sr_profile_get_signer (profile);

  if (!begin_write (self, error))
    return FALSE;

  has_pin = get_pinned (self, pinned, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      goto failed;
    }

  if (!has_pin || leaving_demo (self, profile))
    {
      /* The first profile pins its key. The demo key is public, so its pin
       * protects nothing: the first real profile takes its place. */
      if (!meta_set_blob (self, META_SIGNER, signer, SR_SIGN_PK_BYTES, error))
        goto failed;
    }
  else
    {
      gint64 current = 0;

      /* Only the organisation this kiosk already trusts may replace its
       * profile: anyone can sign a profile with a key of their own. */
      if (sodium_memcmp (pinned, signer, SR_SIGN_PK_BYTES) != 0)
        {
          g_autofree char *theirs = sr_fingerprint_digits (signer);
          g_autofree char *ours = sr_fingerprint_digits (pinned);

          g_set_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED,
                       "This profile was signed by another organisation (fingerprint %s), "
                       "not the one this kiosk trusts (fingerprint %s); nothing was changed.",
                       theirs, ours);
          goto failed;
        }

      /* An older profile may list a recipient key that has since been
       * given up; going back would seal reports to it. */
      if (!meta_get_int (self, META_SERIAL, &current, error))
        goto failed;
      if (sr_profile_get_serial (profile) < current)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_STALE,
                       "This profile (serial %" G_GINT64_FORMAT ") is older than the one "
                       "already provisioned (serial %" G_GINT64_FORMAT "); nothing was changed.",
                       sr_profile_get_serial (profile), current);
          goto failed;
        }
    }

  if (!meta_set_blob (self, META_PROFILE, data, len, error) ||
      !meta_set_int (self, META_SERIAL, sr_profile_get_serial (profile), error) ||
      !commit (self, error))
    goto failed;

  g_clear_pointer (&self->profile, sr_profile_unref);
  self->profile = g_steal_pointer (&profile);

  if (fingerprint != NULL)
    *fingerprint = sr_fingerprint_digits (signer);

  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

SrProfile *
sr_outbox_get_profile (SrOutbox  *self,
                       GError   **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(GBytes) stored = NULL;
  GError *local_error = NULL;
  SrProfile *profile;

  g_return_val_if_fail (SR_IS_OUTBOX (self), NULL);

  locker = g_rec_mutex_locker_new (&self->lock);

  /* Read the stored bytes each time: another process (the app or the
   * command line) may have provisioned a newer profile meanwhile. */
  stored = meta_get_blob (self, META_PROFILE, &local_error);
  if (stored == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED,
                             "This kiosk has no profile yet; provision one first.");
      return NULL;
    }

  if (self->profile != NULL &&
      g_bytes_equal (stored, sr_profile_get_bytes (self->profile)))
    return sr_profile_ref (self->profile);

  profile = sr_profile_new_from_data (g_bytes_get_data (stored, NULL),
                                      g_bytes_get_size (stored), error);
  if (profile == NULL)
    {
      g_prefix_error (error, "The stored profile cannot be used: ");
      return NULL;
    }

  g_clear_pointer (&self->profile, sr_profile_unref);
  self->profile = profile;

  return sr_profile_ref (profile);
}

/* ---- Submitting ----------------------------------------------------------- */

/* Inserts one envelope. FALSE with *collision set when its id or receipt
 * is already taken, which only a new seal can cure. */
static gboolean
insert_envelope (SrOutbox      *self,
                 GBytes        *envelope,
                 const guint8   id[SR_ENVELOPE_ID_BYTES],
                 const char    *receipt,
                 guint32        day,
                 gboolean      *collision,
                 GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *collision = FALSE;

  if (!begin_write (self, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO envelopes (id, receipt, state, day, data) "
                  "VALUES (?1, ?2, 0, ?3, ?4)", error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_blob (stmt, 1, id, SR_ENVELOPE_ID_BYTES, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, receipt, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, day);
  sqlite3_bind_blob64 (stmt, 4, g_bytes_get_data (envelope, NULL),
                       g_bytes_get_size (envelope), SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        *collision = TRUE;
      set_db_error (self, error, "store the sealed report");
      goto failed;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  return commit (self, error);

failed:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

char *
sr_outbox_submit (SrOutbox   *self,
                  SrAnswers  *answers,
                  GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(SrProfile) profile = NULL;
  SrForm *form;

  g_return_val_if_fail (SR_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (answers != NULL, NULL);

  locker = g_rec_mutex_locker_new (&self->lock);

  profile = sr_outbox_get_profile (self, error);
  if (profile == NULL)
    return NULL;

  form = sr_profile_get_form (profile);
  if (!sr_answers_validate (answers, form, error))
    return NULL;

  for (guint attempt = 0; attempt < SUBMIT_ATTEMPTS; attempt++)
    {
      g_autoptr(GBytes) envelope = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *receipt = NULL;
      guint8 id[SR_ENVELOPE_ID_BYTES];
      guint32 day = sr_report_today ();
      gboolean collision = FALSE;
      SrSecret *report;

      /* The plaintext lives in guarded memory only between encoding and
       * sealing; nothing of it reaches the database. */
      report = sr_report_encode (answers, day, error);
      if (report == NULL)
        return NULL;
      envelope = sr_envelope_seal (report->data, report->len,
                                   sr_profile_get_recipients (profile),
                                   sr_profile_get_n_recipients (profile),
                                   error);
      sr_secret_free (report);
      if (envelope == NULL)
        return NULL;

      sr_envelope_id (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), id);
      receipt = sr_receipt_from_id (id);

      if (insert_envelope (self, envelope, id, receipt, day, &collision, &local_error))
        return g_steal_pointer (&receipt);

      if (!collision || attempt + 1 == SUBMIT_ATTEMPTS)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  g_assert_not_reached ();
}

GBytes *
sr_outbox_lookup (SrOutbox    *self,
                  const char  *receipt,
                  GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *normal = NULL;
  int rc;

  g_return_val_if_fail (SR_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (receipt != NULL, NULL);

  locker = g_rec_mutex_locker_new (&self->lock);

  normal = sr_receipt_normalize (receipt);
  if (normal == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "That is not a receipt code: it has ten letters and digits, like 7K3QX-M9T2B.");
      return NULL;
    }

  stmt = prepare (self, "SELECT data FROM envelopes WHERE receipt = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, normal, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "look up the receipt");
      return NULL;
    }

  g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
               "No report with receipt %s is in this kiosk's outbox.", normal);
  return NULL;
}

/* ---- Exporting ------------------------------------------------------------ */

typedef struct
{
  SrOutbox     *self;
  sqlite3_stmt *stmt;
} ExportSource;

static GBytes *
export_next (gpointer   user_data,
             GError   **error)
{
  ExportSource *source = user_data;

  if (sqlite3_step (source->stmt) != SQLITE_ROW)
    {
      set_db_error (source->self, error, "read a sealed report");
      return NULL;
    }

  return g_bytes_new (sqlite3_column_blob (source->stmt, 0),
                      sqlite3_column_bytes (source->stmt, 0));
}

/* Lists every envelope (ids and lengths only, small) in rowid order. */
static gboolean
list_envelopes (SrOutbox  *self,
                GArray    *ids,
                GArray    *lengths,
                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT id, length (data) FROM envelopes ORDER BY rowid", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      sqlite3_int64 len = sqlite3_column_int64 (stmt, 1);
      guint32 len32;

      if (sqlite3_column_bytes (stmt, 0) != SR_ENVELOPE_ID_BYTES ||
          len <= 0 || len > G_MAXUINT32)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                       "The outbox in %s holds a malformed entry.", self->data_dir);
          return FALSE;
        }

      len32 = (guint32) len;
      g_array_append_vals (ids, sqlite3_column_blob (stmt, 0), 1);
      g_array_append_val (lengths, len32);
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "list the sealed reports");
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_bundle (SrOutbox        *self,
              SrProfile       *profile,
              int              fd,
              GArray          *ids,
              GArray          *lengths,
              SrProgressFunc   progress,
              gpointer         progress_data,
              guint8           bundle_key[32],
              GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT data FROM envelopes ORDER BY rowid", error);
  ExportSource source = { self, stmt };

  if (stmt == NULL)
    return FALSE;

  return sr_bundle_write (fd,
                          sr_profile_get_recipients (profile),
                          sr_profile_get_n_recipients (profile),
                          ids->len,
                          (const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids->data,
                          (const guint32 *) lengths->data,
                          export_next, &source,
                          progress, progress_data,
                          bundle_key, error);
}

static gboolean
mark_exported (SrOutbox  *self,
               GArray    *ids,
               GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!begin_write (self, error))
    return FALSE;

  stmt = prepare (self, "UPDATE envelopes SET state = 1 WHERE id = ?1 AND state = 0", error);
  if (stmt == NULL)
    goto failed;

  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_blob (stmt, 1, &g_array_index (ids, guint8, (gsize) i * SR_ENVELOPE_ID_BYTES),
                         SR_ENVELOPE_ID_BYTES, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_db_error (self, error, "record the export");
          goto failed;
        }
      sqlite3_reset (stmt);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  return commit (self, error);

failed:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

/* An export killed half-way leaves its temp file behind ("PATH.part-XXXXXX",
 * never under the final name). The next export to the same path removes
 * them, so that a stick does not fill up with partial copies. Only names of
 * exactly that shape are touched. */
static void
remove_stale_parts (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".part-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = NULL;

      if (!g_str_has_prefix (name, prefix) || strlen (name) != strlen (prefix) + 6)
        continue;
      child = g_build_filename (dir_name, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_REGULAR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        g_unlink (child);
    }
}

gboolean
sr_outbox_export (SrOutbox        *self,
                  const char      *path,
                  guint           *n_exported,
                  SrProgressFunc   progress,
                  gpointer         progress_data,
                  GError         **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(SrProfile) profile = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) lengths = NULL;
  g_autofree char *tmp = NULL;
  guint8 bundle_key[32];
  gboolean written;
  int fd;

  g_return_val_if_fail (SR_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  locker = g_rec_mutex_locker_new (&self->lock);

  if (n_exported != NULL)
    *n_exported = 0;

  ids = g_array_new (FALSE, FALSE, SR_ENVELOPE_ID_BYTES);
  lengths = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* One read transaction around both queries: in WAL mode it is a
   * snapshot, so the list and the rows handed to the writer agree even if
   * a report is submitted meanwhile. */
  if (!exec (self, "BEGIN", "start reading", error))
    return FALSE;

  if (!list_envelopes (self, ids, lengths, error))
    goto failed_read;

  /* Nothing to carry: no file, so that an empty stick is not mistaken for
   * a delivery. */
  if (ids->len == 0)
    {
      rollback (self);
      return TRUE;
    }

  profile = sr_outbox_get_profile (self, error);
  if (profile == NULL)
    goto failed_read;

  remove_stale_parts (path);
  tmp = g_strconcat (path, ".part-XXXXXX", NULL);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_autofree char *dir = g_path_get_dirname (path);

      g_set_error (error, SR_ERROR,
                   sr_error_code_from_errno (errsv) == SR_ERROR_NO_SPACE ? SR_ERROR_NO_SPACE : SR_ERROR_IO,
                   "Could not create a file in %s: %s.", dir, g_strerror (errsv));
      goto failed_read;
    }

  written = write_bundle (self, profile, fd, ids, lengths,
                          progress, progress_data, bundle_key, error);
  rollback (self);

  if (!written || !sr_fsync (fd, path, error))
    {
      close (fd);
      goto failed_file;
    }
  if (close (fd) != 0)
    {
      int errsv = errno;

      g_set_error (error, SR_ERROR,
                   sr_error_code_from_errno (errsv) == SR_ERROR_NO_SPACE ? SR_ERROR_NO_SPACE : SR_ERROR_IO,
                   "Could not write %s: %s.", path, g_strerror (errsv));
      goto failed_file;
    }

  if (!sr_bundle_verify_written (tmp, bundle_key, ids->len,
                                 (const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids->data, error))
    goto failed_file;
  sodium_memzero (bundle_key, sizeof bundle_key);

  if (rename (tmp, path) != 0)
    {
      int errsv = errno;

      g_set_error (error, SR_ERROR,
                   sr_error_code_from_errno (errsv) == SR_ERROR_NO_SPACE ? SR_ERROR_NO_SPACE : SR_ERROR_IO,
                   "Could not save %s: %s.", path, g_strerror (errsv));
      goto failed_file;
    }

  /* Only a bundle whose name is durable counts as written. If this fails
   * the file may still be there; nothing is marked, so the next export
   * carries the same reports again, which the inbox takes as duplicates. */
  if (!sr_fsync_parent_dir (path, error))
    return FALSE;

  if (!mark_exported (self, ids, error))
    {
      g_prefix_error (error, "The bundle was written, but the outbox could not note it: ");
      return FALSE;
    }

  if (n_exported != NULL)
    *n_exported = ids->len;

  return TRUE;

failed_read:
  rollback (self);
  return FALSE;

failed_file:
  sodium_memzero (bundle_key, sizeof bundle_key);
  g_unlink (tmp);
  return FALSE;
}

/* ---- Acknowledgements ----------------------------------------------------- */

gboolean
sr_outbox_apply_ack (SrOutbox      *self,
                     const guint8  *data,
                     gsize          len,
                     guint         *n_purged,
                     GError       **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(SrAck) ack = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint8 pinned[SR_SIGN_PK_BYTES];
  GError *local_error = NULL;
  gint64 acknowledged = 0;
  guint purged = 0;

  g_return_val_if_fail (SR_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  locker = g_rec_mutex_locker_new (&self->lock);

  if (n_purged != NULL)
    *n_purged = 0;

  if (!get_pinned (self, pinned, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED,
                             "This kiosk has no profile yet; provision one first.");
      return FALSE;
    }

  ack = sr_ack_new_from_data (data, len, pinned, error);
  if (ack == NULL)
    return FALSE;

  if (!begin_write (self, error))
    return FALSE;

  /* The envelopes are deleted, not marked: a kept id would let whoever
   * seizes the kiosk confirm that a given receipt was filed here. */
  stmt = prepare (self, "DELETE FROM envelopes WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;

  for (guint i = 0; i < sr_ack_get_n_ids (ack); i++)
    {
      sqlite3_bind_blob (stmt, 1, sr_ack_get_id (ack, i), SR_ENVELOPE_ID_BYTES, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_db_error (self, error, "remove acknowledged reports");
          goto failed;
        }
      purged += sqlite3_changes (self->db);
      sqlite3_reset (stmt);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!meta_get_int (self, META_ACKNOWLEDGED, &acknowledged, error) ||
      !meta_set_int (self, META_ACKNOWLEDGED, acknowledged + purged, error) ||
      !commit (self, error))
    goto failed;

  /* secure_delete zeroes the freed pages, but the write-ahead log still
   * holds earlier copies of them until it is checkpointed and emptied. A
   * busy reader can delay this; the next purge tries again. */
  if (purged > 0)
    sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

  if (n_purged != NULL)
    *n_purged = purged;

  return TRUE;

failed:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

/* ---- Counts ----------------------------------------------------------------- */

/* ---- The admin PIN -------------------------------------------------------- */

gboolean
sr_outbox_has_admin_pin (SrOutbox *self)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(GBytes) hash = NULL;

  g_return_val_if_fail (SR_IS_OUTBOX (self), FALSE);

  locker = g_rec_mutex_locker_new (&self->lock);
  hash = meta_get_blob (self, META_PIN_HASH, NULL);
  return hash != NULL;
}

gboolean
sr_outbox_set_admin_pin (SrOutbox        *self,
                         const SrSecret  *pin,
                         GError         **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (SR_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (pin != NULL, FALSE);

  /* Hashing takes about a second; the outbox stays free meanwhile. */
  hash = sr_pin_hash (pin, error);
  if (hash == NULL)
    return FALSE;

  locker = g_rec_mutex_locker_new (&self->lock);
  if (!begin_write (self, error))
    return FALSE;
  if (!meta_set_blob (self, META_PIN_HASH, (const guint8 *) hash, strlen (hash), error) ||
      !meta_set_int (self, META_PIN_FAILURES, 0, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

/* Seconds to wait before the next try: none for the first three wrong PINs
 * in a row, then 30 s, doubling with every further one, at most an hour.
 * A clock set back never makes the wait longer than the delay itself. */
static guint
pin_wait (gint64 failures,
          gint64 last_failure,
          gint64 now)
{
  gint64 delay;

  if (failures < 3)
    return 0;

  delay = MIN ((gint64) 30 << MIN (failures - 3, 7), 3600);
  if (now < last_failure)
    return (guint) delay;
  return last_failure + delay > now ? (guint) (last_failure + delay - now) : 0;
}

gboolean
sr_outbox_check_admin_pin (SrOutbox        *self,
                           const SrSecret  *pin,
                           guint           *wait_seconds,
                           GError         **error)
{
  g_autoptr(GBytes) stored = NULL;
  g_autofree char *hash = NULL;
  GError *local_error = NULL;
  gint64 failures = 0, last = 0, now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean matches;
  guint wait;

  g_return_val_if_fail (SR_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (pin != NULL, FALSE);

  if (wait_seconds != NULL)
    *wait_seconds = 0;

  g_rec_mutex_lock (&self->lock);
  stored = meta_get_blob (self, META_PIN_HASH, &local_error);
  if (local_error == NULL)
    meta_get_int (self, META_PIN_FAILURES, &failures, &local_error);
  if (local_error == NULL)
    meta_get_int (self, META_PIN_LAST, &last, &local_error);
  g_rec_mutex_unlock (&self->lock);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (stored == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_NOT_FOUND, "No admin PIN is set yet.");
      return FALSE;
    }

  wait = pin_wait (failures, last, now);
  if (wait > 0)
    {
      if (wait_seconds != NULL)
        *wait_seconds = wait;
      g_set_error (error, SR_ERROR, SR_ERROR_LOCKED,
                   "Too many wrong PINs. Try again in %u seconds.", wait);
      return FALSE;
    }

  hash = g_strndup (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored));
  matches = sr_pin_verify (hash, pin);

  g_rec_mutex_lock (&self->lock);
  if (begin_write (self, &local_error))
    {
      gboolean saved = matches
                       ? meta_set_int (self, META_PIN_FAILURES, 0, &local_error)
                       : (meta_set_int (self, META_PIN_FAILURES, failures + 1, &local_error) &&
                          meta_set_int (self, META_PIN_LAST, now, &local_error));

      if (!saved || !commit (self, &local_error))
        rollback (self);
    }
  g_rec_mutex_unlock (&self->lock);

  /* A wrong PIN that could not be counted still opens nothing. */
  if (!matches)
    {
      g_clear_error (&local_error);
      g_set_error_literal (error, SR_ERROR, SR_ERROR_BAD_PASSPHRASE, "That PIN is not right.");
      return FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

gboolean
sr_outbox_count (SrOutbox  *self,
                 guint     *pending,
                 guint     *exported,
                 guint     *acknowledged,
                 GError   **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint counts[2] = { 0, 0 };
  gint64 acked = 0;
  int rc;

  g_return_val_if_fail (SR_IS_OUTBOX (self), FALSE);

  locker = g_rec_mutex_locker_new (&self->lock);

  if (pending != NULL)
    *pending = 0;
  if (exported != NULL)
    *exported = 0;
  if (acknowledged != NULL)
    *acknowledged = 0;

  stmt = prepare (self, "SELECT state, count (*) FROM envelopes GROUP BY state", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 state = sqlite3_column_int64 (stmt, 0);

      if (state == STATE_PENDING || state == STATE_EXPORTED)
        counts[state] = (guint) sqlite3_column_int64 (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "count its reports");
      return FALSE;
    }

  if (!meta_get_int (self, META_ACKNOWLEDGED, &acked, error))
    return FALSE;

  if (pending != NULL)
    *pending = counts[STATE_PENDING];
  if (exported != NULL)
    *exported = counts[STATE_EXPORTED];
  if (acknowledged != NULL)
    *acknowledged = (guint) CLAMP (acked, 0, G_MAXUINT);

  return TRUE;
}

void
sr_outbox_get_counts (SrOutbox *self,
                      guint    *pending,
                      guint    *exported,
                      guint    *acknowledged)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SR_IS_OUTBOX (self));

  if (!sr_outbox_count (self, pending, exported, acknowledged, &error))
    g_warning ("%s", error != NULL ? error->message : "The outbox could not be counted.");
}
