/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The peer of SafeReport's start-up in bench-startup: the least a libadwaita
 * app can be, one AdwApplicationWindow holding a label, which quits after
 * its first frame exactly as SafeReport does under SR_BENCH_FIRST_FRAME
 * (ui/sr-application.c). It registers an application id too, so both pay
 * the same for the session bus.
 *
 * With SR_BENCH_PRINT_RENDERER set, it prints the GSK renderer its window
 * used ("renderer GskGLRenderer"), which bench-startup reports. */
#include <adwaita.h>

static void
on_first_frame (GdkFrameClock *clock,
                gpointer       user_data)
{
  GtkWindow *window = GTK_WINDOW (user_data);
  GskRenderer *renderer;

  g_signal_handlers_disconnect_by_func (clock, on_first_frame, user_data);
  if (g_getenv ("SR_BENCH_PRINT_RENDERER") != NULL)
    {
      renderer = gtk_native_get_renderer (GTK_NATIVE (window));
      g_print ("renderer %s\n", renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
    }
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
on_activate (GApplication *application,
             gpointer      user_data)
{
  GtkWidget *window;
  GdkFrameClock *clock;

  window = adw_application_window_new (GTK_APPLICATION (application));
  gtk_window_set_title (GTK_WINDOW (window), "Bare window");
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window),
                                      gtk_label_new ("Bare window"));
  gtk_window_present (GTK_WINDOW (window));

  if (g_getenv ("SR_BENCH_FIRST_FRAME") != NULL)
    {
      clock = gtk_widget_get_frame_clock (window);
      g_return_if_fail (clock != NULL);
      g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_frame), window);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  app = adw_application_new ("io.github.safereport.BenchBareWindow",
                             G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
