/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "sr-keyboard.h"
#include "sr-question-page.h"
#include "sr-window.h"

G_BEGIN_DECLS

/* Driving the app's widgets as a person would, for the tests that run
 * under a display. The names are short because the tests read as a list
 * of steps. */

/* Starting */

/* Whether there is a display to drive; without one, prints an empty TAP
 * plan that says why, for the program to return 0. The runner provides
 * one (xvfb-run). */
gboolean        have_display           (void);
/* GTK in test mode, the project's libraries, and what the app gets from
 * AdwApplication: its style sheet and icons. Animations are off, so that
 * pages switch at once and what is mapped is what is shown. */
void            ui_test_init           (int           *argc,
                                        char        ***argv);

/* The main loop */

/* Runs whatever is pending, so that what a step set off has happened
 * before the test looks. */
void            pump                   (void);

typedef gboolean (*Condition) (gconstpointer data);

/* Runs the main loop until condition (data) holds, for at most seconds;
 * returns whether it holds. The caller decides whether giving up fails
 * the test. */
gboolean        wait_until             (Condition      condition,
                                        gconstpointer  data,
                                        guint          seconds);

/* Finding what is on screen */

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

/* The first widget below root (root included) that match accepts, among
 * those mapped only: a test finds what a person could see. */
GtkWidget      *find                   (GtkWidget     *root,
                                        Match          match,
                                        gconstpointer  data);
/* data: the widget's name (gtk_widget_set_name, as the pages name what a
 * test looks for). */
gboolean        match_name             (GtkWidget     *widget,
                                        gconstpointer  data);
/* data: the detailed action name of an actionable widget, "win.next". */
gboolean        match_action           (GtkWidget     *widget,
                                        gconstpointer  data);
/* data: a GType, as GSIZE_TO_POINTER (type). */
gboolean        match_type             (GtkWidget     *widget,
                                        gconstpointer  data);
GtkWidget      *find_by_type           (GtkWidget     *root,
                                        GType          type);

/* Clicks a button that a person could click: shown and sensitive. */
void            click                  (GtkWidget     *button);
/* Clicks the button on screen that activates action. */
void            click_action           (SrWindow      *window,
                                        const char    *action);

/* The on-screen keyboard */

/* Taps a key that a person could tap: there and sensitive. */
void            tap                    (GtkWidget     *key);
/* Taps the key of keyboard named label (sr_keyboard_find_key); fails the
 * test if there is none, or if it would take the focus from the field. */
void            tap_key                (SrKeyboard    *keyboard,
                                        const char    *label);

/* The form */

/* The question page shown; fails the test if no question is shown. */
SrQuestionPage *current_question_page  (SrWindow      *window);
const char     *current_question_id    (SrWindow      *window);

/* Chooses lang on the language page. */
void            choose_language        (SrWindow      *window,
                                        const char    *lang);
/* Chooses lang and passes the welcome page: the first question shows. */
void            start                  (SrWindow      *window,
                                        const char    *lang);
/* Goes on with Next until question id shows; fails the test if another
 * page comes first, or after 200 questions. */
void            skip_to                (SrWindow      *window,
                                        const char    *id);

G_END_DECLS
