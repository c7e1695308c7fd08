/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-fuzz"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sr-fuzz.h"

/* One libFuzzer program per target: meson builds this file once for each,
 * with SR_FUZZ_TARGET naming it. */

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const SrFuzzTarget *target;

/* GLib stops a program on a fatal message with SIGTRAP, which libFuzzer
 * does not catch, so the input that did it would be lost. Aborting makes
 * it a crash libFuzzer saves. Debug and info messages are dropped: the
 * parsers log every refusal at debug level. */
static void
log_handler (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        user_data)
{
  if ((level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                G_LOG_LEVEL_WARNING)) != 0)
    {
      fprintf (stderr, "%s: %s\n", domain != NULL ? domain : "", message);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  sr_fuzz_init ();
  g_log_set_default_handler (log_handler, NULL);
  target = sr_fuzz_target_lookup (SR_FUZZ_TARGET);
  if (target == NULL)
    g_error ("No fuzz target is called %s.", SR_FUZZ_TARGET);
  /* Made up front so that the keys are not counted as a leak of the first
   * input. */
  (void) sr_fuzz_secret ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  target->func (data, size);
  return 0;
}
