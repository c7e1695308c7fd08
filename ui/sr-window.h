/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-answers.h"
#include "sr-outbox.h"

G_BEGIN_DECLS

/* Where the person is in the wizard. */
typedef enum
{
  SR_PAGE_PROBLEM,    /* the app cannot take reports, and says why */
  SR_PAGE_LANGUAGE,   /* the neutral start screen */
  SR_PAGE_WELCOME,
  SR_PAGE_QUESTION,
  SR_PAGE_REVIEW,
  SR_PAGE_SEND,
  SR_PAGE_RECEIPT,
  SR_PAGE_HELP,
  SR_PAGE_ADMIN,      /* the keeper's admin area, behind a PIN */
  SR_PAGE_SECTION,    /* operator mode: every question of a section */
} SrPage;

/* Who the window is for. */
typedef enum
{
  SR_WINDOW_DESKTOP,   /* a person on their own computer */
  SR_WINDOW_KIOSK,     /* full screen, cannot be closed, no files */
  SR_WINDOW_OPERATOR,  /* a hotline operator filling the form for a caller */
} SrWindowMode;

#define SR_TYPE_WINDOW_MODE (sr_window_mode_get_type ())
GType sr_window_mode_get_type (void);

/* The survivor's wizard: language, welcome, one question per screen,
 * review, consent, seal, receipt; quick exit and the idle wipe on every
 * page. Answers live only in memory. */
#define SR_TYPE_WINDOW (sr_window_get_type ())
G_DECLARE_FINAL_TYPE (SrWindow, sr_window, SR, WINDOW, AdwApplicationWindow)

/* The window loads the outbox's profile (sr_application_load_profile):
 * without one it takes no reports and says why, and a kiosk's keeper can
 * still reach the admin area. With no outbox at all, call
 * sr_window_show_problem. app may be NULL (tests). */
SrWindow   *sr_window_new              (GtkApplication *app,
                                        SrOutbox       *outbox,
                                        SrWindowMode    mode);
/* Shows why reports cannot be taken here instead of the wizard. detail,
 * if not NULL, is shown in a box that can be selected and copied (a
 * command for the keeper). */
void        sr_window_show_problem     (SrWindow       *self,
                                        const char     *title,
                                        const char     *description,
                                        const char     *detail);

SrPage      sr_window_get_page         (SrWindow       *self);
const char *sr_window_get_language     (SrWindow       *self);
/* The answers being filled in; NULL while they are being sealed. */
SrAnswers  *sr_window_get_answers      (SrWindow       *self);
/* The receipt on screen, or NULL. */
const char *sr_window_get_receipt      (SrWindow       *self);
gboolean    sr_window_get_sealing      (SrWindow       *self);
SrWindowMode sr_window_get_mode        (SrWindow       *self);

/* A keyboard on screen (SrKeyboard) under the page, shown while a text
 * field has the focus, in the language chosen: for touch kiosks. Off by
 * default; safereport --on-screen-keyboard turns it on. */
void        sr_window_set_on_screen_keyboard (SrWindow *self,
                                              gboolean  enabled);
gboolean    sr_window_get_on_screen_keyboard (SrWindow *self);
/* The SrKeyboard, shown or not; NULL until the keyboard is first turned
 * on. */
GtkWidget  *sr_window_get_keyboard     (SrWindow       *self);

/* Wipes the form and opens the admin area (Ctrl+Alt+A, and the main menu
 * on a desktop); the keeper's PIN comes first. Does nothing without an
 * outbox or while a report is being sealed. */
void        sr_window_open_admin       (SrWindow       *self);
/* Shows the About window, which says when the translation in use is a
 * draft; returned for tests. */
GtkWindow  *sr_window_show_about      (SrWindow       *self);

/* Larger text (150 %) and a high-contrast style. Nothing about the person
 * is kept: both are switched off again by quick exit, the idle wipe and
 * Finish. */
gboolean    sr_window_get_large_text   (SrWindow       *self);
void        sr_window_set_large_text   (SrWindow       *self,
                                        gboolean        large_text);
gboolean    sr_window_get_high_contrast (SrWindow      *self);
void        sr_window_set_high_contrast (SrWindow      *self,
                                        gboolean        high_contrast);

/* Wipes the answers and every field, and goes back to the start. */
void        sr_window_quick_exit       (SrWindow       *self);
/* Seconds of inactivity before the warning, and of the warning's
 * countdown before the wipe. The profile sets the first. */
void        sr_window_set_idle_timeout (SrWindow       *self,
                                        guint           idle_seconds,
                                        guint           countdown_seconds);
gboolean    sr_window_get_idle_warning_visible (SrWindow *self);

G_END_DECLS
