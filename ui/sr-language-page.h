/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The neutral start screen: every language named in its own script. Emits
 * "language-chosen" with the language code. */
#define SR_TYPE_LANGUAGE_PAGE (sr_language_page_get_type ())
G_DECLARE_FINAL_TYPE (SrLanguagePage, sr_language_page, SR, LANGUAGE_PAGE, AdwBin)

GtkWidget *sr_language_page_new (void);

G_END_DECLS
