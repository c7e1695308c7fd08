/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_WORDLIST_LEN 256

/* The words a fingerprint is read out in: one per byte value. Each is a
 * common English word of four to seven lowercase ASCII letters; no two of
 * them differ by a single letter or sound alike, so a word misheard over a
 * phone line does not turn into another word of the list. */
extern const char *const sr_wordlist[SR_WORDLIST_LEN];

G_END_DECLS
