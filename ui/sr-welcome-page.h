/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What this is, who receives it, that every question can be skipped and
 * how quick exit works. Emits "help" when the person asks for contacts. */
#define SR_TYPE_WELCOME_PAGE (sr_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (SrWelcomePage, sr_welcome_page, SR, WELCOME_PAGE, AdwBin)

GtkWidget *sr_welcome_page_new (const char *organisation,
                                const char *contact);

G_END_DECLS
