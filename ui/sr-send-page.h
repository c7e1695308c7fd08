/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-answers.h"
#include "sr-form.h"

G_BEGIN_DECLS

/* Consent and "Seal and send": who receives the report, what happens next,
 * the right to stop. Emits "send" once consent is given and the button is
 * pressed. */
#define SR_TYPE_SEND_PAGE (sr_send_page_get_type ())
G_DECLARE_FINAL_TYPE (SrSendPage, sr_send_page, SR, SEND_PAGE, AdwBin)

/* The form's consent questions are asked here, and their answers written
 * to answers (kept alive by the caller until detached). */
GtkWidget *sr_send_page_new       (SrForm     *form,
                                   SrAnswers  *answers,
                                   const char *lang,
                                   const char *organisation);
/* While sealing: a spinner, and nothing to press twice. */
void       sr_send_page_set_busy  (SrSendPage *self,
                                   gboolean    busy);
/* One sentence saying why sending failed; NULL hides it. */
void       sr_send_page_set_error (SrSendPage *self,
                                   const char *message);
/* Stops writing to the answers; the page no longer touches them. */
void       sr_send_page_detach    (SrSendPage *self);

G_END_DECLS
