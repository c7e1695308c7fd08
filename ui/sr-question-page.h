/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-answers.h"
#include "sr-form.h"

G_BEGIN_DECLS

/* One question on one screen, with the control its kind calls for. Every
 * change goes straight into the answers; emits "changed" after it. */
#define SR_TYPE_QUESTION_PAGE (sr_question_page_get_type ())
G_DECLARE_FINAL_TYPE (SrQuestionPage, sr_question_page, SR, QUESTION_PAGE, AdwBin)

/* question belongs to a form the caller keeps alive; answers too, until
 * sr_question_page_detach or sr_question_page_wipe. */
GtkWidget  *sr_question_page_new          (SrQuestion     *question,
                                           SrAnswers      *answers,
                                           const char     *lang);
SrQuestion *sr_question_page_get_question (SrQuestionPage *self);
/* Moves the keyboard focus to the control that takes the answer. */
void        sr_question_page_focus        (SrQuestionPage *self);
/* Stops writing to the answers; the page no longer touches them. */
void        sr_question_page_detach       (SrQuestionPage *self);
/* Detaches, then empties every text buffer and choice on the page. */
void        sr_question_page_wipe         (SrQuestionPage *self);

/* For operator mode: the page becomes one of several on a scrolling page,
 * and Enter in a field, or on a choice, emits "done" instead of going to
 * the next page. Call once, after sr_question_page_new. */
void        sr_question_page_set_compact  (SrQuestionPage *self);
/* Whether the page has a control to answer with (info pages have none). */
gboolean    sr_question_page_takes_focus  (SrQuestionPage *self);

/* The text a yes/no answer shows, in the language in use. */
const char *sr_question_yes_no_label      (const char     *value);

G_END_DECLS
