/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The help directory from the profile: hotlines and offices, offline. */
#define SR_TYPE_HELP_PAGE (sr_help_page_get_type ())
G_DECLARE_FINAL_TYPE (SrHelpPage, sr_help_page, SR, HELP_PAGE, AdwBin)

/* help: the profile's help array (objects with name, phone, address,
 * hours, note; each a string or an object of translations). */
GtkWidget *sr_help_page_new (JsonArray  *help,
                             const char *lang);

G_END_DECLS
