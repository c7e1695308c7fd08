/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-admin-page"

#include "sr-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-admin-page.h"
#include "sr-file-dialogs.h"
#include "sr-fsutil.h"
#include "sr-keys.h"
#include "sr-pin.h"
#include "sr-profile.h"
#include "sr-secret.h"

/* An acknowledgement names envelope ids, 32 bytes each: this is room for
 * millions, far beyond any kiosk. */
#define ACK_MAX_BYTES (256 * 1024 * 1024)

struct _SrAdminPage
{
  AdwBin          parent_instance;

  GtkStack       *stack;
  GtkPasswordEntry *new_pin_entry;
  GtkPasswordEntry *repeat_pin_entry;
  GtkLabel       *set_pin_error;
  GtkButton      *set_pin_button;
  GtkPasswordEntry *pin_entry;
  GtkLabel       *unlock_error;
  GtkButton      *unlock_button;
  GtkLabel       *pending_label;
  GtkLabel       *exported_label;
  GtkLabel       *acknowledged_label;
  GtkButton      *export_button;
  GtkButton      *ack_button;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  AdwActionRow   *profile_row;
  GtkLabel       *fingerprint_digits_label;
  GtkLabel       *fingerprint_words_label;
  GtkButton      *provision_button;
  GtkButton      *change_pin_button;
  GtkLabel       *new_profile_label;
  GtkLabel       *new_digits_label;
  GtkLabel       *new_words_label;
  GtkLabel       *provision_warning;
  GtkLabel       *provision_error;
  GtkButton      *provision_cancel_button;
  GtkButton      *provision_confirm_button;
  GtkPasswordEntry *old_pin_entry;
  GtkPasswordEntry *changed_pin_entry;
  GtkPasswordEntry *changed_repeat_entry;
  GtkLabel       *change_pin_error;
  GtkButton      *change_pin_cancel_button;
  GtkButton      *change_pin_confirm_button;

  SrOutbox       *outbox;
  GCancellable   *cancellable;   /* cancelled when the area closes: late results are dropped */
  GtkNativeDialog *dialog;
  GBytes         *new_profile;   /* loaded, waiting for the keeper to compare */
  SrAdminView     view;
  gboolean        busy;
  gboolean        provisioned;
};

G_DEFINE_FINAL_TYPE (SrAdminPage, sr_admin_page, ADW_TYPE_BIN)

enum {
  LEAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *view_names[] = {
  [SR_ADMIN_VIEW_SET_PIN] = "set-pin",
  [SR_ADMIN_VIEW_UNLOCK] = "unlock",
  [SR_ADMIN_VIEW_MAIN] = "main",
  [SR_ADMIN_VIEW_PROVISION] = "provision",
  [SR_ADMIN_VIEW_CHANGE_PIN] = "change-pin",
};

/* Messages */

static void
set_message (GtkLabel   *label,
             const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
set_status (SrAdminPage *self,
            const char  *message,
            gboolean     failed)
{
  set_message (self->status_label, message);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* The outbox's own messages are plain English sentences; the keeper may
 * read another language, so the ones a keeper meets are said again here,
 * in theirs. Anything else is passed on as it is. */
static char *
pin_error_message (const GError *error,
                   guint         wait)
{
  if (g_error_matches (error, SR_ERROR, SR_ERROR_BAD_PASSPHRASE))
    return g_strdup (_("That PIN is not right."));
  if (g_error_matches (error, SR_ERROR, SR_ERROR_LOCKED))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Too many wrong PINs. Try again in %u second.",
                                         "Too many wrong PINs. Try again in %u seconds.",
                                         wait),
                            wait);
  if (g_error_matches (error, SR_ERROR, SR_ERROR_INVALID))
    return g_strdup (_("A PIN has 4 to 64 characters."));

  return g_strdup (error->message);
}

static char *
ack_error_message (const GError *error)
{
  if (g_error_matches (error, SR_ERROR, SR_ERROR_NOT_SIGNED))
    return g_strdup (_("This acknowledgement was not signed by the organisation this kiosk trusts. Nothing was deleted."));
  if (error->domain == SR_ERROR
      && (error->code == SR_ERROR_FORMAT || error->code == SR_ERROR_TRUNCATED
          || error->code == SR_ERROR_TAMPERED))
    return g_strdup (_("This file is not an acknowledgement, or it is damaged. Nothing was deleted."));
  if (g_error_matches (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED))
    return g_strdup (_("This kiosk has no profile yet, so it cannot check an acknowledgement."));

  return g_strdup (error->message);
}

static char *
export_error_message (const GError *error)
{
  if (g_error_matches (error, SR_ERROR, SR_ERROR_NO_SPACE))
    return g_strdup (_("The USB stick is full. Nothing was marked as exported."));

  return g_strdup (error->message);
}

static char *
profile_error_message (const GError *error)
{
  if (g_error_matches (error, SR_ERROR, SR_ERROR_NOT_SIGNED))
    return g_strdup (_("This profile was signed by another organisation, not the one this kiosk trusts. Nothing was changed."));
  if (g_error_matches (error, SR_ERROR, SR_ERROR_STALE))
    return g_strdup (_("This profile is older than the one this kiosk already has. Nothing was changed."));
  if (error->domain == SR_ERROR
      && (error->code == SR_ERROR_FORMAT || error->code == SR_ERROR_TRUNCATED
          || error->code == SR_ERROR_TAMPERED || error->code == SR_ERROR_INVALID))
    return g_strdup (_("This file is not a valid SafeReport profile, or it was changed after it was signed."));

  return g_strdup (error->message);
}

/* Views */

static void
clear_entry (GtkPasswordEntry *entry)
{
  /* The entry keeps its text in GTK's secure memory and wipes it when it
   * is replaced. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
clear_pin_entries (SrAdminPage *self)
{
  clear_entry (self->new_pin_entry);
  clear_entry (self->repeat_pin_entry);
  clear_entry (self->pin_entry);
  clear_entry (self->old_pin_entry);
  clear_entry (self->changed_pin_entry);
  clear_entry (self->changed_repeat_entry);
}

static void
update_counts (SrAdminPage *self)
{
  guint pending = 0, exported = 0, acknowledged = 0;
  char number[16];

  sr_outbox_get_counts (self->outbox, &pending, &exported, &acknowledged);
  g_snprintf (number, sizeof number, "%u", pending);
  gtk_label_set_text (self->pending_label, number);
  g_snprintf (number, sizeof number, "%u", exported);
  gtk_label_set_text (self->exported_label, number);
  g_snprintf (number, sizeof number, "%u", acknowledged);
  gtk_label_set_text (self->acknowledged_label, number);

  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button),
                            !self->busy && pending + exported > 0);
}

static void
update_profile (SrAdminPage *self)
{
  g_autoptr(SrProfile) profile = sr_outbox_get_profile (self->outbox, NULL);

  if (profile == NULL)
    {
      adw_action_row_set_subtitle (self->profile_row, _("None yet: this kiosk cannot take reports."));
      gtk_label_set_text (self->fingerprint_digits_label, "—");
      gtk_label_set_text (self->fingerprint_words_label, "");
      return;
    }

  if (sr_profile_is_demo (profile))
    {
      /* Translators: %s is the organisation named in the demo profile. */
      g_autofree char *name = g_strdup_printf (_("%s (the demo profile, whose key is public)"),
                                               sr_profile_get_name (profile));

      adw_action_row_set_subtitle (self->profile_row, name);
    }
  else
    {
      adw_action_row_set_subtitle (self->profile_row, sr_profile_get_name (profile));
    }

  {
    g_autofree char *digits = sr_fingerprint_digits (sr_profile_get_signer (profile));
    g_autofree char *words = sr_fingerprint_words (sr_profile_get_signer (profile));

    gtk_label_set_text (self->fingerprint_digits_label, digits);
    gtk_label_set_text (self->fingerprint_words_label, words);
  }
}

static GtkWidget *
view_default_button (SrAdminPage *self,
                     SrAdminView  view)
{
  switch (view)
    {
    case SR_ADMIN_VIEW_SET_PIN:
      return GTK_WIDGET (self->set_pin_button);
    case SR_ADMIN_VIEW_UNLOCK:
      return GTK_WIDGET (self->unlock_button);
    case SR_ADMIN_VIEW_CHANGE_PIN:
      return GTK_WIDGET (self->change_pin_confirm_button);
    case SR_ADMIN_VIEW_MAIN:
    case SR_ADMIN_VIEW_PROVISION:
    default:
      return NULL;
    }
}

static GtkWidget *
view_first_field (SrAdminPage *self,
                  SrAdminView  view)
{
  switch (view)
    {
    case SR_ADMIN_VIEW_SET_PIN:
      return GTK_WIDGET (self->new_pin_entry);
    case SR_ADMIN_VIEW_UNLOCK:
      return GTK_WIDGET (self->pin_entry);
    case SR_ADMIN_VIEW_CHANGE_PIN:
      return GTK_WIDGET (self->old_pin_entry);
    case SR_ADMIN_VIEW_MAIN:
      return GTK_WIDGET (self->export_button);
    case SR_ADMIN_VIEW_PROVISION:
      return GTK_WIDGET (self->provision_cancel_button);
    default:
      return NULL;
    }
}

static void
show_view (SrAdminPage *self,
           SrAdminView  view)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus;

  self->view = view;
  gtk_stack_set_visible_child_name (self->stack, view_names[view]);

  if (view == SR_ADMIN_VIEW_MAIN)
    {
      update_counts (self);
      update_profile (self);
    }

  /* Enter in the last field presses the view's button. */
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), view_default_button (self, view));

  focus = view_first_field (self, view);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static void
set_busy (SrAdminPage *self,
          gboolean     busy)
{
  self->busy = busy;

  gtk_widget_set_sensitive (GTK_WIDGET (self->set_pin_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_pin_confirm_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ack_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->provision_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_pin_button), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin.leave", !busy);
  if (self->view == SR_ADMIN_VIEW_MAIN)
    update_counts (self);
}

/* PINs. Checking and hashing take a second or so (Argon2id): a thread. */

typedef enum
{
  PIN_SET,
  PIN_CHECK,
  PIN_CHANGE,
} PinJobKind;

typedef struct
{
  PinJobKind  kind;
  SrOutbox   *outbox;
  SrSecret   *pin;       /* the PIN to check, or to set */
  SrSecret   *new_pin;   /* PIN_CHANGE: the one to set */
  guint       wait;
} PinJob;

static void
pin_job_free (gpointer data)
{
  PinJob *job = data;

  g_clear_object (&job->outbox);
  g_clear_pointer (&job->pin, sr_secret_free);
  g_clear_pointer (&job->new_pin, sr_secret_free);
  g_free (job);
}

static void
pin_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PinJob *job = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (job->kind)
    {
    case PIN_SET:
      ok = sr_outbox_set_admin_pin (job->outbox, job->pin, &error);
      break;
    case PIN_CHECK:
      ok = sr_outbox_check_admin_pin (job->outbox, job->pin, &job->wait, &error);
      break;
    case PIN_CHANGE:
      ok = sr_outbox_check_admin_pin (job->outbox, job->pin, &job->wait, &error)
           && sr_outbox_set_admin_pin (job->outbox, job->new_pin, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_pin_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrAdminPage *self = SR_ADMIN_PAGE (source);
  PinJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_task_had_error (G_TASK (result)) || g_cancellable_is_cancelled (self->cancellable))
    {
      g_task_propagate_boolean (G_TASK (result), &error);
      if (g_cancellable_is_cancelled (self->cancellable))
        return;
    }

  set_busy (self, FALSE);

  if (error != NULL)
    {
      message = pin_error_message (error, job->wait);
      switch (job->kind)
        {
        case PIN_SET:
          set_message (self->set_pin_error, message);
          gtk_widget_grab_focus (GTK_WIDGET (self->new_pin_entry));
          break;
        case PIN_CHECK:
          set_message (self->unlock_error, message);
          gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
          break;
        case PIN_CHANGE:
          set_message (self->change_pin_error, message);
          gtk_widget_grab_focus (GTK_WIDGET (self->old_pin_entry));
          break;
        default:
          break;
        }
      return;
    }

  switch (job->kind)
    {
    case PIN_SET:
      set_status (self, _("The PIN is set. Keep it where visitors cannot see it."), FALSE);
      break;
    case PIN_CHANGE:
      set_status (self, _("The PIN was changed."), FALSE);
      break;
    case PIN_CHECK:
    default:
      set_status (self, NULL, FALSE);
      break;
    }
  show_view (self, SR_ADMIN_VIEW_MAIN);
}

/* Takes the PIN out of an entry into guarded memory, and empties the
 * entry. */
static SrSecret *
take_pin (GtkPasswordEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  SrSecret *pin = sr_secret_new_from ((const guint8 *) text, strlen (text));

  clear_entry (entry);
  return pin;
}

static gboolean
pin_length_ok (GtkPasswordEntry *entry)
{
  glong n = g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);

  return n >= SR_PIN_MIN_CHARS && n <= SR_PIN_MAX_CHARS;
}

static void
run_pin_job (SrAdminPage *self,
             PinJob      *job)
{
  g_autoptr(GTask) task = NULL;

  job->outbox = g_object_ref (self->outbox);
  set_busy (self, TRUE);

  task = g_task_new (self, self->cancellable, on_pin_done, NULL);
  g_task_set_source_tag (task, run_pin_job);
  g_task_set_task_data (task, job, pin_job_free);
  g_task_run_in_thread (task, pin_in_thread);
}

static void
on_set_pin_clicked (GtkButton   *button,
                    SrAdminPage *self)
{
  PinJob *job;

  if (self->busy)
    return;

  if (!pin_length_ok (self->new_pin_entry))
    {
      set_message (self->set_pin_error, _("A PIN has 4 to 64 characters."));
      gtk_widget_grab_focus (GTK_WIDGET (self->new_pin_entry));
      return;
    }
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->new_pin_entry)),
                 gtk_editable_get_text (GTK_EDITABLE (self->repeat_pin_entry))) != 0)
    {
      set_message (self->set_pin_error, _("The two PINs are not the same. Type them again."));
      clear_entry (self->repeat_pin_entry);
      gtk_widget_grab_focus (GTK_WIDGET (self->repeat_pin_entry));
      return;
    }

  set_message (self->set_pin_error, NULL);
  job = g_new0 (PinJob, 1);
  job->kind = PIN_SET;
  job->pin = take_pin (self->new_pin_entry);
  clear_entry (self->repeat_pin_entry);
  run_pin_job (self, job);
}

static void
on_unlock_clicked (GtkButton   *button,
                   SrAdminPage *self)
{
  PinJob *job;

  if (self->busy)
    return;

  if (*gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)) == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }

  set_message (self->unlock_error, NULL);
  job = g_new0 (PinJob, 1);
  job->kind = PIN_CHECK;
  job->pin = take_pin (self->pin_entry);
  run_pin_job (self, job);
}

static void
on_change_pin_clicked (GtkButton   *button,
                       SrAdminPage *self)
{
  set_message (self->change_pin_error, NULL);
  clear_pin_entries (self);
  show_view (self, SR_ADMIN_VIEW_CHANGE_PIN);
}

static void
on_change_pin_cancel_clicked (GtkButton   *button,
                              SrAdminPage *self)
{
  clear_pin_entries (self);
  show_view (self, SR_ADMIN_VIEW_MAIN);
}

static void
on_change_pin_confirm_clicked (GtkButton   *button,
                               SrAdminPage *self)
{
  PinJob *job;

  if (self->busy)
    return;

  if (*gtk_editable_get_text (GTK_EDITABLE (self->old_pin_entry)) == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->old_pin_entry));
      return;
    }
  if (!pin_length_ok (self->changed_pin_entry))
    {
      set_message (self->change_pin_error, _("A PIN has 4 to 64 characters."));
      gtk_widget_grab_focus (GTK_WIDGET (self->changed_pin_entry));
      return;
    }
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->changed_pin_entry)),
                 gtk_editable_get_text (GTK_EDITABLE (self->changed_repeat_entry))) != 0)
    {
      set_message (self->change_pin_error, _("The two new PINs are not the same. Type them again."));
      clear_entry (self->changed_repeat_entry);
      gtk_widget_grab_focus (GTK_WIDGET (self->changed_repeat_entry));
      return;
    }

  set_message (self->change_pin_error, NULL);
  job = g_new0 (PinJob, 1);
  job->kind = PIN_CHANGE;
  job->pin = take_pin (self->old_pin_entry);
  job->new_pin = take_pin (self->changed_pin_entry);
  clear_entry (self->changed_repeat_entry);
  run_pin_job (self, job);
}

/* Files */

/* The whole of a small file, refusing more than max_len bytes. */
static GBytes *
read_file (GFile         *file,
           gsize          max_len,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (path != NULL)
    return sr_read_file (path, max_len, error);

  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return NULL;
  if (len > max_len)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_NO_SPACE, _("This file is too large."));
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

/* Closing the app while an export or an acknowledgement is being written
 * must not end the process half-way: the app is held until it is done. */
static void
hold_app (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_application_hold (app);
}

static void
release_app (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_application_release (app);
}

/* Export: in a thread, with its progress passed back to the bar. */

typedef struct
{
  SrOutbox *outbox;
  GFile    *file;
  guint     n_exported;
  /* Progress, written by the thread, read by the main loop. */
  gint      done_permille;
  GWeakRef  page;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->outbox);
  g_clear_object (&job->file);
  g_weak_ref_clear (&job->page);
  g_free (job);
}

typedef struct
{
  GWeakRef page;
  double   fraction;
} ProgressUpdate;

static gboolean
show_progress (gpointer data)
{
  ProgressUpdate *update = data;
  g_autoptr(SrAdminPage) self = g_weak_ref_get (&update->page);

  if (self != NULL && self->busy)
    gtk_progress_bar_set_fraction (self->progress_bar, update->fraction);

  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  g_weak_ref_clear (&update->page);
  g_free (update);
}

static void
on_export_progress (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  ExportJob *job = user_data;
  gint permille = total > 0 ? (gint) (MIN (done, total) * 1000 / total) : 0;
  g_autoptr(GObject) page = NULL;
  ProgressUpdate *update;

  /* A step of a thousandth is as fine as a bar shows. */
  if (permille == g_atomic_int_get (&job->done_permille))
    return;
  g_atomic_int_set (&job->done_permille, permille);

  page = g_weak_ref_get (&job->page);
  if (page == NULL)
    return;

  update = g_new0 (ProgressUpdate, 1);
  g_weak_ref_init (&update->page, page);
  update->fraction = permille / 1000.0;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_progress, update, progress_update_free);
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autofree char *path = g_file_get_path (job->file);
  GError *error = NULL;

  if (path == NULL)
    {
      g_task_return_new_error (task, SR_ERROR, SR_ERROR_IO, "%s",
                               _("Choose a place on this computer or on a USB stick plugged into it."));
      return;
    }

  if (sr_outbox_export (job->outbox, path, &job->n_exported, on_export_progress, job, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_export_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SrAdminPage *self = SR_ADMIN_PAGE (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  release_app ();
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  set_busy (self, FALSE);

  if (!ok)
    {
      message = export_error_message (error);
      set_status (self, message, TRUE);
      return;
    }

  if (job->n_exported == 0)
    message = g_strdup (_("There was nothing to export. No file was written."));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Exported %u report. Take the stick to the organisation, by hand or by someone you trust.",
                                            "Exported %u reports. Take the stick to the organisation, by hand or by someone you trust.",
                                            job->n_exported),
                               job->n_exported);
  set_status (self, message, FALSE);
  update_counts (self);
}

void
sr_admin_page_export_to (SrAdminPage *self,
                         GFile       *file)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (SR_IS_ADMIN_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!self->busy);

  job = g_new0 (ExportJob, 1);
  job->outbox = g_object_ref (self->outbox);
  job->file = g_object_ref (file);
  job->done_permille = -1;
  g_weak_ref_init (&job->page, self);

  set_status (self, _("Exporting…"), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  set_busy (self, TRUE);

  hold_app ();
  task = g_task_new (self, self->cancellable, on_export_done, NULL);
  g_task_set_source_tag (task, sr_admin_page_export_to);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_in_thread);
}

static void
on_export_chosen (GFile    *file,
                  gpointer  user_data)
{
  SrAdminPage *self = user_data;

  self->dialog = NULL;
  if (file != NULL && !self->busy)
    sr_admin_page_export_to (self, file);
}

static char *
export_file_name (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  /* A dull name, as the kiosk guide asks: the file says nothing of what it
   * holds, and neither should its name. */
  return g_date_time_format (now, "backup-%Y-%m-%d.srb");
}

static void
on_export_clicked (GtkButton   *button,
                   SrAdminPage *self)
{
  g_autofree char *name = export_file_name ();

  if (self->busy || self->dialog != NULL)
    return;

  self->dialog = sr_file_dialog_save (GTK_WIDGET (self), _("Export Sealed Reports"), name,
                                      on_export_chosen, self);
}

/* Acknowledgements: read and applied in a thread (a large one deletes
 * many rows). */

typedef struct
{
  SrOutbox *outbox;
  GFile    *file;
  guint     n_purged;
} AckJob;

static void
ack_job_free (gpointer data)
{
  AckJob *job = data;

  g_clear_object (&job->outbox);
  g_clear_object (&job->file);
  g_free (job);
}

static void
ack_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AckJob *job = task_data;
  g_autoptr(GBytes) data = NULL;
  GError *error = NULL;

  data = read_file (job->file, ACK_MAX_BYTES, cancellable, &error);
  if (data == NULL
      || !sr_outbox_apply_ack (job->outbox, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                               &job->n_purged, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_ack_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrAdminPage *self = SR_ADMIN_PAGE (source);
  AckJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  release_app ();
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  set_busy (self, FALSE);

  if (!ok)
    {
      message = ack_error_message (error);
      set_status (self, message, TRUE);
      return;
    }

  if (job->n_purged == 0)
    message = g_strdup (_("The acknowledgement is genuine, but none of the reports it names are still on this kiosk. Nothing was deleted."));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "The organisation received %u report. It was deleted from this kiosk.",
                                            "The organisation received %u reports. They were deleted from this kiosk.",
                                            job->n_purged),
                               job->n_purged);
  set_status (self, message, FALSE);
  update_counts (self);
}

void
sr_admin_page_apply_ack_from (SrAdminPage *self,
                              GFile       *file)
{
  g_autoptr(GTask) task = NULL;
  AckJob *job;

  g_return_if_fail (SR_IS_ADMIN_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!self->busy);

  job = g_new0 (AckJob, 1);
  job->outbox = g_object_ref (self->outbox);
  job->file = g_object_ref (file);

  set_status (self, _("Checking the acknowledgement…"), FALSE);
  set_busy (self, TRUE);

  hold_app ();
  task = g_task_new (self, self->cancellable, on_ack_done, NULL);
  g_task_set_source_tag (task, sr_admin_page_apply_ack_from);
  g_task_set_task_data (task, job, ack_job_free);
  g_task_run_in_thread (task, ack_in_thread);
}

static void
on_ack_chosen (GFile    *file,
               gpointer  user_data)
{
  SrAdminPage *self = user_data;

  self->dialog = NULL;
  if (file != NULL && !self->busy)
    sr_admin_page_apply_ack_from (self, file);
}

static void
on_ack_clicked (GtkButton   *button,
                SrAdminPage *self)
{
  if (self->busy || self->dialog != NULL)
    return;

  self->dialog = sr_file_dialog_open (GTK_WIDGET (self), _("Apply an Acknowledgement"),
                                      _("Acknowledgements (.sra)"), "*.sra",
                                      on_ack_chosen, self);
}

/* Profiles: small, read at once; shown, compared, then provisioned. */

void
sr_admin_page_open_profile (SrAdminPage *self,
                            GFile       *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(SrProfile) profile = NULL;
  g_autoptr(SrProfile) current = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *words = NULL;
  g_autofree char *name = NULL;
  g_autofree char *pinned = NULL;
  g_autofree char *message = NULL;
  const char *warning = NULL;

  g_return_if_fail (SR_IS_ADMIN_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_clear_pointer (&self->new_profile, g_bytes_unref);

  data = read_file (file, SR_PROFILE_MAX_BYTES, NULL, &error);
  if (data != NULL)
    profile = sr_profile_new_from_data (g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error);
  if (profile == NULL)
    {
      message = profile_error_message (error);
      set_status (self, message, TRUE);
      show_view (self, SR_ADMIN_VIEW_MAIN);
      return;
    }

  self->new_profile = g_steal_pointer (&data);
  digits = sr_fingerprint_digits (sr_profile_get_signer (profile));
  words = sr_fingerprint_words (sr_profile_get_signer (profile));

  /* Translators: %s is the organisation a profile names. */
  name = g_strdup_printf (_("This profile is for “%s”. It is signed by the key with this fingerprint:"),
                          sr_profile_get_name (profile));
  gtk_label_set_text (self->new_profile_label, name);
  gtk_label_set_text (self->new_digits_label, digits);
  gtk_label_set_text (self->new_words_label, words);

  /* Say up front what the outbox would refuse, or what is worth a second
   * look; the outbox has the last word either way. */
  current = sr_outbox_get_profile (self->outbox, NULL);
  pinned = sr_outbox_get_fingerprint (self->outbox, NULL);
  if (sr_profile_is_demo (profile))
    warning = _("This is the demo profile. Its key is public: anyone could read reports made with it. A kiosk does not take reports with it.");
  else if (current != NULL && !sr_profile_is_demo (current) && pinned != NULL
           && g_strcmp0 (pinned, digits) != 0)
    warning = _("This profile is signed by another organisation than the one this kiosk trusts. It will be refused.");
  else if (current != NULL && !sr_profile_is_demo (current))
    warning = _("The fingerprint is the one this kiosk already trusts: this profile replaces the current one.");
  set_message (self->provision_warning, warning);
  set_message (self->provision_error, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->provision_confirm_button), TRUE);

  show_view (self, SR_ADMIN_VIEW_PROVISION);
}

static void
on_profile_chosen (GFile    *file,
                   gpointer  user_data)
{
  SrAdminPage *self = user_data;

  self->dialog = NULL;
  if (file != NULL && !self->busy)
    sr_admin_page_open_profile (self, file);
}

static void
on_provision_clicked (GtkButton   *button,
                      SrAdminPage *self)
{
  if (self->busy || self->dialog != NULL)
    return;

  set_status (self, NULL, FALSE);
  self->dialog = sr_file_dialog_open (GTK_WIDGET (self), _("Provision a Profile"),
                                      _("Profiles (.srp)"), "*.srp",
                                      on_profile_chosen, self);
}

static void
on_provision_cancel_clicked (GtkButton   *button,
                             SrAdminPage *self)
{
  g_clear_pointer (&self->new_profile, g_bytes_unref);
  set_status (self, _("Nothing was changed."), FALSE);
  show_view (self, SR_ADMIN_VIEW_MAIN);
}

static void
on_provision_confirm_clicked (GtkButton   *button,
                              SrAdminPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = NULL;
  g_autofree char *message = NULL;

  if (self->new_profile == NULL)
    return;

  if (!sr_outbox_provision (self->outbox, g_bytes_get_data (self->new_profile, NULL),
                            g_bytes_get_size (self->new_profile), NULL, &error))
    {
      message = profile_error_message (error);
      set_message (self->provision_error, message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->provision_confirm_button), FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->provision_cancel_button));
      return;
    }

  g_clear_pointer (&self->new_profile, g_bytes_unref);
  self->provisioned = TRUE;
  profile = sr_outbox_get_profile (self->outbox, NULL);
  /* Translators: %s is the organisation the new profile names. */
  message = g_strdup_printf (_("The profile of “%s” is now in use. Its key is pinned: only profiles and acknowledgements signed by it are accepted from now on."),
                             profile != NULL ? sr_profile_get_name (profile) : "");
  set_status (self, message, FALSE);
  show_view (self, SR_ADMIN_VIEW_MAIN);
}

/* Leaving */

static void
action_leave (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SrAdminPage *self = SR_ADMIN_PAGE (widget);

  if (self->busy)
    return;

  g_signal_emit (self, signals[LEAVE], 0);
}

/* GObject */

static void
sr_admin_page_unroot (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  /* GTK 4.8 does not forget a default widget that leaves the window with
   * its page, and trips over it later. */
  if (GTK_IS_WINDOW (root))
    {
      GtkWidget *default_widget = gtk_window_get_default_widget (GTK_WINDOW (root));

      if (default_widget != NULL && gtk_widget_is_ancestor (default_widget, widget))
        gtk_window_set_default_widget (GTK_WINDOW (root), NULL);
    }

  GTK_WIDGET_CLASS (sr_admin_page_parent_class)->unroot (widget);
}

static void
sr_admin_page_dispose (GObject *object)
{
  SrAdminPage *self = SR_ADMIN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    sr_file_dialog_cancel (g_steal_pointer (&self->dialog));
  if (self->stack != NULL)
    clear_pin_entries (self);

  G_OBJECT_CLASS (sr_admin_page_parent_class)->dispose (object);
}

static void
sr_admin_page_finalize (GObject *object)
{
  SrAdminPage *self = SR_ADMIN_PAGE (object);

  g_clear_pointer (&self->new_profile, g_bytes_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->outbox);

  G_OBJECT_CLASS (sr_admin_page_parent_class)->finalize (object);
}

static void
sr_admin_page_class_init (SrAdminPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_admin_page_dispose;
  object_class->finalize = sr_admin_page_finalize;
  widget_class->unroot = sr_admin_page_unroot;

  /**
   * SrAdminPage::leave:
   *
   * The keeper is done; the area is to be closed and locked.
   */
  signals[LEAVE] =
    g_signal_new ("leave",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "admin.leave", NULL, action_leave);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-admin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, new_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, repeat_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, set_pin_error);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, set_pin_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, unlock_error);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, exported_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, acknowledged_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, ack_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, profile_row);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, fingerprint_digits_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, fingerprint_words_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, provision_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, change_pin_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, new_profile_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, new_digits_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, new_words_label);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, provision_warning);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, provision_error);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, provision_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, provision_confirm_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, old_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, changed_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, changed_repeat_entry);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, change_pin_error);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, change_pin_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SrAdminPage, change_pin_confirm_button);
}

static void
sr_admin_page_init (SrAdminPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  g_signal_connect (self->set_pin_button, "clicked", G_CALLBACK (on_set_pin_clicked), self);
  g_signal_connect (self->unlock_button, "clicked", G_CALLBACK (on_unlock_clicked), self);
  g_signal_connect (self->export_button, "clicked", G_CALLBACK (on_export_clicked), self);
  g_signal_connect (self->ack_button, "clicked", G_CALLBACK (on_ack_clicked), self);
  g_signal_connect (self->provision_button, "clicked", G_CALLBACK (on_provision_clicked), self);
  g_signal_connect (self->change_pin_button, "clicked", G_CALLBACK (on_change_pin_clicked), self);
  g_signal_connect (self->provision_cancel_button, "clicked", G_CALLBACK (on_provision_cancel_clicked), self);
  g_signal_connect (self->provision_confirm_button, "clicked", G_CALLBACK (on_provision_confirm_clicked), self);
  g_signal_connect (self->change_pin_cancel_button, "clicked", G_CALLBACK (on_change_pin_cancel_clicked), self);
  g_signal_connect (self->change_pin_confirm_button, "clicked", G_CALLBACK (on_change_pin_confirm_clicked), self);

  /* Fingerprints read left to right in every language. */
  gtk_widget_set_direction (GTK_WIDGET (self->new_digits_label), GTK_TEXT_DIR_LTR);
  gtk_widget_set_direction (GTK_WIDGET (self->new_words_label), GTK_TEXT_DIR_LTR);
  gtk_widget_set_direction (GTK_WIDGET (self->fingerprint_digits_label), GTK_TEXT_DIR_LTR);
  gtk_widget_set_direction (GTK_WIDGET (self->fingerprint_words_label), GTK_TEXT_DIR_LTR);
}

static void
show_view_on_map (GtkWidget *widget,
                  gpointer   user_data)
{
  SrAdminPage *self = SR_ADMIN_PAGE (widget);

  show_view (self, self->view);
}

GtkWidget *
sr_admin_page_new (SrOutbox *outbox)
{
  SrAdminPage *self;

  g_return_val_if_fail (SR_IS_OUTBOX (outbox), NULL);

  self = g_object_new (SR_TYPE_ADMIN_PAGE, NULL);
  self->outbox = g_object_ref (outbox);
  self->view = sr_outbox_has_admin_pin (outbox) ? SR_ADMIN_VIEW_UNLOCK : SR_ADMIN_VIEW_SET_PIN;
  gtk_stack_set_visible_child_name (self->stack, view_names[self->view]);

  /* Focus and the default button need the window: set when shown. */
  g_signal_connect (self, "map", G_CALLBACK (show_view_on_map), NULL);

  return GTK_WIDGET (self);
}

SrAdminView
sr_admin_page_get_view (SrAdminPage *self)
{
  g_return_val_if_fail (SR_IS_ADMIN_PAGE (self), SR_ADMIN_VIEW_UNLOCK);

  return self->view;
}

gboolean
sr_admin_page_get_busy (SrAdminPage *self)
{
  g_return_val_if_fail (SR_IS_ADMIN_PAGE (self), FALSE);

  return self->busy;
}

const char *
sr_admin_page_get_status (SrAdminPage *self)
{
  g_return_val_if_fail (SR_IS_ADMIN_PAGE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->status_label))
         ? gtk_label_get_text (self->status_label) : NULL;
}

gboolean
sr_admin_page_get_provisioned (SrAdminPage *self)
{
  g_return_val_if_fail (SR_IS_ADMIN_PAGE (self), FALSE);

  return self->provisioned;
}
