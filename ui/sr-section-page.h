/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-answers.h"
#include "sr-question-page.h"

G_BEGIN_DECLS

/* Operator mode: every question of one section of the form on one page
 * that scrolls, for a hotline operator taking a report by phone. Enter on
 * an answer moves to the next question; after the last, the page emits
 * "done" and the window takes the focus to its Next button. */
#define SR_TYPE_SECTION_PAGE (sr_section_page_get_type ())
G_DECLARE_FINAL_TYPE (SrSectionPage, sr_section_page, SR, SECTION_PAGE, AdwBin)

/* title may be NULL when the section has no name to show. */
GtkWidget *sr_section_page_new          (const char     *title);
/* Adds a question page (made compact here); the section page owns it. */
void       sr_section_page_append       (SrSectionPage  *self,
                                         SrQuestionPage *page);
/* Shows the questions the answers ask for (show_if), hides the others.
 * Returns how many are shown. */
guint      sr_section_page_update       (SrSectionPage  *self,
                                         SrAnswers      *answers);
/* Focus on the first question shown, or on the given one (NULL for the
 * first), scrolled into view. */
void       sr_section_page_focus        (SrSectionPage  *self,
                                         SrQuestionPage *page);
gboolean   sr_section_page_contains     (SrSectionPage  *self,
                                         SrQuestionPage *page);

G_END_DECLS
