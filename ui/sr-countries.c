/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-countries"

#include "sr-config.h"

#include <gio/gio.h>
#include <string.h>

#include "sr-countries.h"
#include "sr-i18n.h"

static GArray *countries;
/* Holds the strings the array points into, for the life of the process. */
static GBytes *table;

static void
load (void)
{
  g_autoptr(GError) error = NULL;
  const guint8 *raw;
  char *copy;
  gsize len;
  char *line;

  if (countries != NULL)
    return;

  countries = g_array_new (FALSE, FALSE, sizeof (SrCountry));
  table = g_resources_lookup_data ("/io/github/safereport/SafeReport/countries.tsv",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (table == NULL)
    {
      g_critical ("The list of countries is missing from the app: %s", error->message);
      return;
    }

  /* The resource is parsed into one writable copy that lives as long as
   * the process; each entry points into it. */
  raw = g_bytes_get_data (table, &len);
  copy = g_malloc (len + 1);
  memcpy (copy, raw, len);
  copy[len] = '\0';
  g_bytes_unref (table);
  table = g_bytes_new_take (copy, len + 1);

  line = copy;
  while (line != NULL && *line != '\0')
    {
      char *end = strchr (line, '\n');
      char *tab;

      if (end != NULL)
        *end = '\0';

      tab = strchr (line, '\t');
      if (line[0] != '#' && tab != NULL)
        {
          SrCountry country;

          *tab = '\0';
          country.code = line;
          country.english = tab + 1;
          g_array_append_val (countries, country);
        }

      line = end != NULL ? end + 1 : NULL;
    }
}

const SrCountry *
sr_countries_get (guint *n_countries)
{
  load ();

  if (n_countries != NULL)
    *n_countries = countries->len;

  return (const SrCountry *) countries->data;
}

const char *
sr_countries_lookup (const char *code)
{
  load ();

  for (guint i = 0; code != NULL && i < countries->len; i++)
    {
      const SrCountry *country = &g_array_index (countries, SrCountry, i);

      if (g_str_equal (country->code, code))
        return country->english;
    }

  return NULL;
}

const char *
sr_countries_display_name (const char *code)
{
  const char *english = sr_countries_lookup (code);

  return english != NULL ? sr_i18n_country_name (english) : code;
}
