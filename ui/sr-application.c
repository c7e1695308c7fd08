/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-application"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-application.h"
#include "sr-data.h"
#include "sr-error.h"
#include "sr-fsutil.h"
#include "sr-window.h"

/* A profile file is at most 1 MiB (docs/FORMAT.md). */
#define MAX_PROFILE_BYTES (1024 * 1024)

struct _SrApplication
{
  AdwApplication  parent_instance;

  SrWindowMode    mode;
  gboolean        on_screen_keyboard;
  char           *data_dir;
  SrWindow       *window;
};

G_DEFINE_FINAL_TYPE (SrApplication, sr_application, ADW_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "kiosk", 'k', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Run as a kiosk: full screen, cannot be closed, refuses the demo profile"), NULL },
  { "operator", 'o', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Operator mode, for a hotline taking a report by phone: a section of the form per page, fast from the keyboard"), NULL },
  { "on-screen-keyboard", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show a keyboard on the screen, in the language chosen, for touch screens without a keyboard"), NULL },
  { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the outbox in DIR"), N_("DIR") },
  { NULL }
};

static gboolean
provision_demo (SrOutbox  *outbox,
                GError   **error)
{
  g_autofree char *path = sr_data_path ("demo/demo.srp");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const guint8 *data;

  bytes = sr_read_file (path, MAX_PROFILE_BYTES, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
                   /* Translators: %s is a file name. */
                   _("The demo profile that comes with SafeReport is missing (%s)."), path);
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &len);
  return sr_outbox_provision (outbox, data, len, NULL, error);
}

SrProfile *
sr_application_load_profile (SrOutbox  *outbox,
                             gboolean   kiosk,
                             GError   **error)
{
  g_autoptr(SrProfile) profile = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SR_IS_OUTBOX (outbox), NULL);

  profile = sr_outbox_get_profile (outbox, &local_error);
  if (profile == NULL)
    {
      /* A desktop without a profile runs on the demo one, which says so
       * on every page; a kiosk waits for its keeper. */
      if (kiosk || !g_error_matches (local_error, SR_ERROR, SR_ERROR_NOT_PROVISIONED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (!provision_demo (outbox, error))
        return NULL;

      profile = sr_outbox_get_profile (outbox, error);
      if (profile == NULL)
        return NULL;
    }

  if (kiosk && sr_profile_is_demo (profile))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           _("This kiosk has only the demo profile, and anyone can read reports made with it."));
      return NULL;
    }

  return g_steal_pointer (&profile);
}

/* SR_BENCH_FIRST_FRAME: when set (to anything), the app quits as soon as
 * its window has painted its first frame, so bench/bench-startup can time
 * start-up to first frame from outside, as the wall time of the process.
 * It changes nothing else: no output, no other behaviour. */
static void
on_bench_first_frame (GdkFrameClock *clock,
                      gpointer       user_data)
{
  GApplication *application = G_APPLICATION (user_data);

  g_signal_handlers_disconnect_by_func (clock, on_bench_first_frame, user_data);
  g_application_quit (application);
}

static void
bench_quit_after_first_frame (SrApplication *self)
{
  GdkFrameClock *clock;

  /* gtk_window_present () has realized the window, so it has its clock. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->window));
  g_return_if_fail (clock != NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_bench_first_frame), self);
}

static void
sr_application_activate (GApplication *application)
{
  SrApplication *self = SR_APPLICATION (application);
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;

  if (self->window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }

  /* The window loads the profile itself, and loads it again when the
   * keeper provisions one from the admin area. */
  outbox = sr_outbox_new (self->data_dir, &error);
  self->window = sr_window_new (GTK_APPLICATION (self), outbox, self->mode);
  sr_window_set_on_screen_keyboard (self->window, self->on_screen_keyboard);
  g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  if (outbox == NULL)
    sr_window_show_problem (self->window, _("SafeReport cannot take reports here"),
                            error->message, NULL);

  gtk_window_present (GTK_WINDOW (self->window));

  if (g_getenv ("SR_BENCH_FIRST_FRAME") != NULL)
    bench_quit_after_first_frame (self);
}

static int
sr_application_handle_local_options (GApplication *application,
                                     GVariantDict *dict)
{
  SrApplication *self = SR_APPLICATION (application);
  const char *data_dir = NULL;
  gboolean kiosk = FALSE, operator_mode = FALSE;

  g_variant_dict_lookup (dict, "kiosk", "b", &kiosk);
  g_variant_dict_lookup (dict, "operator", "b", &operator_mode);
  g_variant_dict_lookup (dict, "on-screen-keyboard", "b", &self->on_screen_keyboard);
  if (kiosk && operator_mode)
    {
      g_printerr ("%s\n", _("--operator is for a hotline’s desktop; a kiosk is for the people reporting. Choose one."));
      return 1;
    }
  self->mode = kiosk ? SR_WINDOW_KIOSK : operator_mode ? SR_WINDOW_OPERATOR : SR_WINDOW_DESKTOP;
  if (g_variant_dict_lookup (dict, "data-dir", "^&ay", &data_dir))
    {
      g_free (self->data_dir);
      self->data_dir = g_canonicalize_filename (data_dir, NULL);
    }

  return -1;
}

static void
sr_application_dispose (GObject *object)
{
  SrApplication *self = SR_APPLICATION (object);

  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;

  G_OBJECT_CLASS (sr_application_parent_class)->dispose (object);
}

static void
sr_application_finalize (GObject *object)
{
  SrApplication *self = SR_APPLICATION (object);

  g_free (self->data_dir);

  G_OBJECT_CLASS (sr_application_parent_class)->finalize (object);
}

static void
sr_application_class_init (SrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sr_application_dispose;
  object_class->finalize = sr_application_finalize;
  app_class->activate = sr_application_activate;
  app_class->handle_local_options = sr_application_handle_local_options;
}

static void
sr_application_init (SrApplication *self)
{
  self->data_dir = g_build_filename (g_get_user_data_dir (), "safereport", NULL);

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Report what happened to you, safely and offline."));
}

SrApplication *
sr_application_new (void)
{
  return g_object_new (SR_TYPE_APPLICATION,
                       "application-id", SR_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/safereport/SafeReport",
                       NULL);
}
