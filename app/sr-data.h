/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A file of SafeReport's own data (default form, demo profile), e.g.
 * "forms/default.json": from $SAFEREPORT_DATADIR if set, else where meson
 * installed it, else the source tree (a run from the build directory). */
char *sr_data_path (const char *relative);

G_END_DECLS
