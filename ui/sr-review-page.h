/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-answers.h"
#include "sr-form.h"

G_BEGIN_DECLS

/* Every question asked, with its answer or "Skipped", each with an Edit
 * button. Emits "edit" with the question id. */
#define SR_TYPE_REVIEW_PAGE (sr_review_page_get_type ())
G_DECLARE_FINAL_TYPE (SrReviewPage, sr_review_page, SR, REVIEW_PAGE, AdwBin)

GtkWidget *sr_review_page_new    (void);
/* Lists the questions asked, given the answers, in lang. */
void       sr_review_page_update (SrReviewPage *self,
                                  SrForm       *form,
                                  SrAnswers    *answers,
                                  const char   *lang);
/* Desktop mode: adds the photos section (sr-attachments.h) under the
 * answers. It shows the answers given to sr_review_page_update. */
void       sr_review_page_enable_attachments (SrReviewPage *self);
/* The photos section, or NULL when not enabled. */
GtkWidget *sr_review_page_get_attachments (SrReviewPage *self);
/* Removes every answer (and photo) from the screen. */
void       sr_review_page_wipe   (SrReviewPage *self);

/* An answer as a person reads it: option labels, country names, "Yes". */
char      *sr_review_format_answer (SrQuestion *question,
                                    SrAnswers  *answers,
                                    const char *lang);

G_END_DECLS
