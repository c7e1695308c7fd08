/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-data"

#include "sr-config.h"

#include "sr-data.h"

char *
sr_data_path (const char *relative)
{
  const char *env = g_getenv ("SAFEREPORT_DATADIR");
  g_autofree char *installed = NULL;

  g_return_val_if_fail (relative != NULL, NULL);

  if (env != NULL && *env != '\0')
    return g_build_filename (env, relative, NULL);

  installed = g_build_filename (SR_PKGDATADIR, relative, NULL);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&installed);

  return g_build_filename (SR_SOURCE_DATADIR, relative, NULL);
}
