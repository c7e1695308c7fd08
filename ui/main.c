/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "safereport"

#include "sr-config.h"

#include <signal.h>

#include "sr-application.h"
#include "sr-error.h"
#include "sr-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SrApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  /* Before anything else: libsodium, and no core dumps that could put
   * answers on disk. */
  if (!sr_init (&error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* A write past the file size limit fails cleanly instead of killing the
   * app half-way through committing a report. */
  signal (SIGXFSZ, SIG_IGN);

  sr_i18n_init ();

  app = sr_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
