/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-error"

#include "sr-error.h"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>

G_DEFINE_QUARK (sr-error-quark, sr_error)

gboolean
sr_init (GError **error)
{
  struct rlimit no_core = { 0, 0 };

  /* A core dump would write keys, passphrases and plaintext to disk. */
  if (setrlimit (RLIMIT_CORE, &no_core) != 0 ||
      prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                           "Could not switch off core dumps");
      return FALSE;
    }

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FAILED,
                           "Could not start the cryptography library");
      return FALSE;
    }

  return TRUE;
}
