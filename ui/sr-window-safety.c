/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-window"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-admin-page.h"
#include "sr-window-private.h"

/* Quick exit and the idle wipe: the two ways a form disappears before it
 * is sent, so that nobody finds what a person started to write. */

/* Seconds the idle warning counts down before the wipe: long enough to
 * read it and press Continue, short enough that a person who walked away
 * is not exposed for long. */
#define DEFAULT_IDLE_COUNTDOWN 30

static gboolean
has_something_to_wipe (SrWindow *self)
{
  switch (self->page)
    {
    case SR_PAGE_PROBLEM:
      return FALSE;
    case SR_PAGE_LANGUAGE:
      return self->choosing_again;
    case SR_PAGE_WELCOME:
    case SR_PAGE_QUESTION:
    case SR_PAGE_REVIEW:
    case SR_PAGE_SEND:
    case SR_PAGE_RECEIPT:
    case SR_PAGE_HELP:
    case SR_PAGE_ADMIN:     /* an open admin area locks itself */
    case SR_PAGE_SECTION:
    default:
      return TRUE;
    }
}

static void
update_countdown (SrWindow *self)
{
  g_autofree char *text =
    /* Translators: the time left before the form is erased. */
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Erasing in %u second", "Erasing in %u seconds",
                                  self->idle_left),
                     self->idle_left);

  gtk_label_set_text (self->idle_countdown_label, text);
}

static void
show_idle_warning (SrWindow *self)
{
  self->idle_left = MAX (self->idle_countdown, 1);
  update_countdown (self);

  /* Nothing behind the warning can be typed into while it shows. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  gtk_widget_set_sensitive (self->nav_bar, FALSE);
  gtk_widget_set_visible (self->idle_warning, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->idle_continue_button));
}

void
sr_window_hide_idle_warning (SrWindow *self)
{
  gtk_widget_set_visible (self->idle_warning, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  gtk_widget_set_sensitive (self->nav_bar, TRUE);
}

void
sr_window_note_activity (SrWindow *self)
{
  /* Once the warning shows, only "Continue" keeps the form: a nudge of
   * the mouse by someone passing by does not. */
  if (!gtk_widget_get_visible (self->idle_warning))
    self->last_activity = g_get_monotonic_time ();
}

static gboolean
idle_tick (gpointer user_data)
{
  SrWindow *self = user_data;
  gint64 now = g_get_monotonic_time ();

  /* Sealing takes a moment and the person is waiting for the receipt; an
   * export to a slow stick takes longer, and the keeper waits for it. */
  if (self->idle_timeout == 0 || self->sealing || !has_something_to_wipe (self)
      || (self->admin_page != NULL && sr_admin_page_get_busy (SR_ADMIN_PAGE (self->admin_page))))
    {
      self->last_activity = now;
      if (gtk_widget_get_visible (self->idle_warning))
        sr_window_hide_idle_warning (self);
      return G_SOURCE_CONTINUE;
    }

  if (!gtk_widget_get_visible (self->idle_warning))
    {
      if (now - self->last_activity >= (gint64) self->idle_timeout * G_USEC_PER_SEC)
        show_idle_warning (self);
      return G_SOURCE_CONTINUE;
    }

  if (self->idle_left > 1)
    {
      self->idle_left--;
      update_countdown (self);
      return G_SOURCE_CONTINUE;
    }

  sr_window_reset (self);
  self->last_activity = now;

  return G_SOURCE_CONTINUE;
}

static gboolean
on_event (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          SrWindow                 *self)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_SCROLL:
    case GDK_MOTION_NOTIFY:
      sr_window_note_activity (self);
      break;
    default:
      break;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
action_quick_exit (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  sr_window_quick_exit (SR_WINDOW (widget));
}

static void
action_continue (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);

  sr_window_hide_idle_warning (self);
  sr_window_note_activity (self);
  if (page != NULL)
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

void
sr_window_safety_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.quick-exit", NULL, action_quick_exit);
  gtk_widget_class_install_action (widget_class, "win.continue", NULL, action_continue);
}

void
sr_window_safety_init (SrWindow *self)
{
  GtkEventController *shortcuts;
  GtkEventController *activity;
  GtkShortcutTrigger *trigger;

  /* Quick exit answers to Escape and to Ctrl+Q. Escape is the one key a
   * frightened person finds without looking, and the one safety sites
   * teach for "leave now"; it is worth the rare accidental wipe, which
   * costs a form, never a person. Ctrl+Q is where GNOME users reach to
   * quit; here it does the same wipe instead, since a kiosk must not
   * close. The controller runs in the capture phase so that no control
   * can swallow the key first (a search field clears itself on Escape). */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  trigger = gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                         gtk_keyval_trigger_new (GDK_KEY_q, GDK_CONTROL_MASK));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (trigger,
                                                          gtk_named_action_new ("win.quick-exit")));
  /* The admin area: a shortcut a visitor does not stumble on, written
   * down for keepers in docs/KIOSK.md. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_a, GDK_CONTROL_MASK | GDK_ALT_MASK),
                                                          gtk_named_action_new ("win.admin")));
  /* Operator mode: Ctrl+Enter goes to the review, even from inside the
   * story, where Enter alone starts a new line. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                                                       gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                                                          gtk_named_action_new ("win.review")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  /* Any key, click, touch, scroll or movement counts as someone being
   * there. The events are only looked at, never consumed. */
  activity = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (activity, GTK_PHASE_CAPTURE);
  g_signal_connect (activity, "event", G_CALLBACK (on_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), activity);

  self->idle_countdown = DEFAULT_IDLE_COUNTDOWN;
  self->last_activity = g_get_monotonic_time ();
  self->idle_source = g_timeout_add_seconds (1, idle_tick, self);
}

void
sr_window_safety_dispose (SrWindow *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
}

void
sr_window_quick_exit (SrWindow *self)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  sr_window_reset (self);
}

void
sr_window_set_idle_timeout (SrWindow *self,
                            guint     idle_seconds,
                            guint     countdown_seconds)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  self->idle_timeout = idle_seconds;
  self->idle_countdown = countdown_seconds;
  self->last_activity = g_get_monotonic_time ();
}

gboolean
sr_window_get_idle_warning_visible (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);

  return gtk_widget_get_visible (self->idle_warning);
}
