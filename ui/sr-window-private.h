/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sr-keyboard.h"
#include "sr-language-page.h"
#include "sr-profile.h"
#include "sr-window.h"

G_BEGIN_DECLS

/* Shared by sr-window.c (pages, navigation, sealing) and
 * sr-window-safety.c (quick exit, idle wipe). */
struct _SrWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwHeaderBar      *header_bar;
  AdwWindowTitle    *window_title;
  GtkButton         *language_button;
  AdwButtonContent  *language_content;
  GtkButton         *help_button;
  AdwButtonContent  *help_content;
  GtkButton         *quick_exit_button;
  AdwButtonContent  *quick_exit_content;
  GtkMenuButton     *menu_button;
  GtkWidget         *demo_banner;
  GtkLabel          *demo_label;
  GtkStack          *stack;
  AdwStatusPage     *problem_page;
  GtkLabel          *problem_detail;
  GtkWidget         *idle_warning;
  GtkLabel          *idle_title;
  GtkLabel          *idle_label;
  GtkLabel          *idle_countdown_label;
  GtkButton         *idle_continue_button;
  GtkWidget         *nav_bar;
  GtkButton         *back_button;
  GtkWidget         *progress_box;
  GtkLabel          *progress_label;
  GtkProgressBar    *progress_bar;
  GtkButton         *next_button;
  GtkRevealer       *keyboard_revealer;
  SrKeyboard        *keyboard;    /* made when first turned on */

  /* What the window works on */
  SrOutbox          *outbox;
  SrProfile         *profile;
  SrForm            *form;
  SrAnswers         *answers;    /* NULL while sealing: the sealing task owns them */
  char              *lang;
  SrWindowMode       mode;
  gboolean           kiosk;      /* mode == SR_WINDOW_KIOSK */
  gboolean           operator_mode; /* mode == SR_WINDOW_OPERATOR */

  gboolean           on_screen_keyboard;

  /* How the window looks; reset with the form */
  gboolean           large_text;
  gboolean           high_contrast;

  /* Pages, rebuilt whenever the language changes or the form is wiped */
  GtkWidget         *language_page;
  GtkWidget         *welcome_page;
  GtkWidget         *review_page;
  GtkWidget         *send_page;
  GtkWidget         *receipt_page;
  GtkWidget         *help_page;
  GtkWidget         *admin_page;       /* only while the admin area is open */
  GPtrArray         *question_pages;   /* by question index; NULL where not asked one by one */
  GPtrArray         *section_pages;    /* operator mode: SrSectionPage, in form order */

  /* Navigation */
  SrPage             page;
  guint              question;           /* index into the form on SR_PAGE_QUESTION, into
                                          * section_pages on SR_PAGE_SECTION */
  SrPage             return_page;        /* where Help and Language go back to */
  guint              return_question;
  gboolean           from_review;        /* Next on a question returns to the review */
  gboolean           choosing_again;     /* the language page was opened mid-form */

  /* Sealing */
  gboolean           sealing;
  guint              generation;         /* bumped by every wipe; a late result is dropped */
  char              *receipt;
  GBytes            *envelope;           /* the sealed report behind the receipt */
  gboolean           receipt_has_photos; /* it then leaves only as a file */

  /* Idle wipe */
  guint              idle_timeout;
  guint              idle_countdown;
  guint              idle_left;
  gint64             last_activity;
  guint              idle_source;
};

/* sr-window.c */
void sr_window_reset          (SrWindow *self);
void sr_window_retranslate    (SrWindow *self);
/* Loads the outbox's profile and form, or shows why it cannot. */
gboolean sr_window_load_profile (SrWindow *self);

/* sr-window-safety.c */
void sr_window_safety_init    (SrWindow *self);
void sr_window_safety_dispose (SrWindow *self);
void sr_window_safety_class_init (GtkWidgetClass *widget_class);
void sr_window_note_activity  (SrWindow *self);
void sr_window_hide_idle_warning (SrWindow *self);

G_END_DECLS
