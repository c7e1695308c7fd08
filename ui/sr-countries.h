/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The countries a person can choose from: ISO 3166-1 alpha-2 codes with
 * their English names, from the app's resources. */
typedef struct
{
  const char *code;
  const char *english;
} SrCountry;

const SrCountry *sr_countries_get     (guint      *n_countries);
/* The English name for a code, or NULL. */
const char      *sr_countries_lookup  (const char *code);
/* The name in the language in use, or the code itself when unknown. */
const char      *sr_countries_display_name (const char *code);

G_END_DECLS
