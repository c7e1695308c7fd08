/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-ui"

#include "sr-config.h"

#include <adwaita.h>

#include "sr-error.h"
#include "sr-i18n.h"
#include "sr-test-ui.h"

/* Starting */

gboolean
have_display (void)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return TRUE;

  g_print ("1..0 # SKIP no display\n");
  return FALSE;
}

void
ui_test_init (int    *argc,
              char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_test_init (argc, argv, NULL);
  if (!sr_init (&error))
    g_error ("%s", error->message);
  sr_i18n_init ();
  adw_init ();

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/safereport/SafeReport/icons");
  gtk_css_provider_load_from_resource (css, "/io/github/safereport/SafeReport/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/* The main loop */

void
pump (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
wait_until (Condition      condition,
            gconstpointer  data,
            guint          seconds)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add_seconds (seconds, on_timeout, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (source);
  pump ();

  return condition (data);
}

/* Finding what is on screen */

GtkWidget *
find (GtkWidget     *root,
      Match          match,
      gconstpointer  data)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;

  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

gboolean
match_name (GtkWidget     *widget,
            gconstpointer  data)
{
  return g_strcmp0 (gtk_widget_get_name (widget), data) == 0;
}

gboolean
match_action (GtkWidget     *widget,
              gconstpointer  data)
{
  return GTK_IS_ACTIONABLE (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0;
}

gboolean
match_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  return find (root, match_type, GSIZE_TO_POINTER (type));
}

void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  g_signal_emit_by_name (button, "clicked");
  pump ();
}

void
click_action (SrWindow   *window,
              const char *action)
{
  click (find (GTK_WIDGET (window), match_action, action));
}

/* The on-screen keyboard */

void
tap (GtkWidget *key)
{
  g_assert_nonnull (key);
  g_assert_true (gtk_widget_get_sensitive (key));
  g_signal_emit_by_name (key, "clicked");
  pump ();
}

void
tap_key (SrKeyboard *keyboard,
         const char *label)
{
  GtkWidget *key = sr_keyboard_find_key (keyboard, label);

  if (key == NULL)
    g_error ("No key %s on the %s keys", label, sr_keyboard_get_layout (keyboard));
  g_assert_false (gtk_widget_get_focusable (key));
  tap (key);
}

/* The form */

SrQuestionPage *
current_question_page (SrWindow *window)
{
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_QUESTION);

  return SR_QUESTION_PAGE (find_by_type (GTK_WIDGET (window), SR_TYPE_QUESTION_PAGE));
}

const char *
current_question_id (SrWindow *window)
{
  return sr_question_get_id (sr_question_page_get_question (current_question_page (window)));
}

void
choose_language (SrWindow   *window,
                 const char *lang)
{
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
  click (find (GTK_WIDGET (window), match_name, lang));
  g_assert_cmpstr (sr_window_get_language (window), ==, lang);
}

void
start (SrWindow   *window,
       const char *lang)
{
  choose_language (window, lang);
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_WELCOME);
  click_action (window, "win.next");
}

void
skip_to (SrWindow   *window,
         const char *id)
{
  for (guint steps = 0; steps < 200; steps++)
    {
      g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_QUESTION);
      if (g_str_equal (current_question_id (window), id))
        return;
      click_action (window, "win.next");
    }

  g_error ("Question %s never came", id);
}
