/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-keys.h"

G_BEGIN_DECLS

/* The entry points of the fuzz targets. Each takes one input of any bytes
 * and must neither crash, leak, hang nor trip a sanitizer, whatever the
 * input. They are shared by the libFuzzer programs (tests/fuzz/) and by the
 * regression test of the normal build, which feeds them every input that
 * once broke them (tests/fuzz/regressions/<target>/). */
typedef void (*SrFuzzFunc) (const guint8 *data,
                            gsize         len);

typedef struct
{
  const char *name;
  SrFuzzFunc  func;
} SrFuzzTarget;

/* Every target, NULL-terminated. */
extern const SrFuzzTarget sr_fuzz_targets[];

const SrFuzzTarget *sr_fuzz_target_lookup (const char *name);

/* Starts the library once (sr_init) and makes GLib criticals and warnings
 * fatal, so that a broken precondition inside a parser counts as a crash. */
void               sr_fuzz_init           (void);

/* The organisation keys every target opens and verifies with: fixed, so
 * that committed seeds stay valid (tests/fuzz/make-seeds writes them). */
const SrOrgSecret *sr_fuzz_secret         (void);
/* The passphrase the seed key files are sealed under. */
#define SR_FUZZ_PASSPHRASE "correct horse battery staple"

G_END_DECLS
