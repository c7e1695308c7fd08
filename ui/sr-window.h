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
} SrPage;

/* The survivor's wizard: language, welcome, one question per screen,
 * review, consent, seal, receipt; quick exit and the idle wipe on every
 * page. Answers live only in memory. */
#define SR_TYPE_WINDOW (sr_window_get_type ())
G_DECLARE_FINAL_TYPE (SrWindow, sr_window, SR, WINDOW, AdwApplicationWindow)

/* outbox must hold a profile, or the window shows a problem page; app may
 * be NULL (tests). */
SrWindow   *sr_window_new              (GtkApplication *app,
                                        SrOutbox       *outbox,
                                        gboolean        kiosk);
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

/* Wipes the answers and every field, and goes back to the start. */
void        sr_window_quick_exit       (SrWindow       *self);
/* Seconds of inactivity before the warning, and of the warning's
 * countdown before the wipe. The profile sets the first. */
void        sr_window_set_idle_timeout (SrWindow       *self,
                                        guint           idle_seconds,
                                        guint           countdown_seconds);
gboolean    sr_window_get_idle_warning_visible (SrWindow *self);

G_END_DECLS
