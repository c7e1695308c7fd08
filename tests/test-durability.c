/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);
  return g_test_run ();
}
