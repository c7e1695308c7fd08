/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_ERROR (sr_error_quark ())

/* Codes a caller can branch on. Every message that goes with them is one
 * plain sentence meant for the person at the terminal or the screen. */
typedef enum
{
  SR_ERROR_FAILED,           /* anything without a better code */
  SR_ERROR_FORMAT,           /* not a SafeReport file of this kind, or an unknown version */
  SR_ERROR_TRUNCATED,        /* ends early */
  SR_ERROR_TAMPERED,         /* authentication failed: altered, reordered or extended */
  SR_ERROR_WRONG_KEY,        /* none of the keys at hand opens it */
  SR_ERROR_BAD_PASSPHRASE,   /* the passphrase does not open the key file */
  SR_ERROR_NOT_SIGNED,       /* signature invalid, or made by a key other than the pinned one */
  SR_ERROR_STALE,            /* a profile older than the one already provisioned */
  SR_ERROR_INVALID,          /* content breaks the rules: answers, form, profile */
  SR_ERROR_NOT_FOUND,        /* no such receipt, file or record */
  SR_ERROR_NOT_PROVISIONED,  /* the kiosk has no profile yet */
  SR_ERROR_IO,               /* reading or writing failed */
  SR_ERROR_NO_SPACE,         /* the target is full or over its size limit */
  SR_ERROR_LOCKED,           /* too many wrong PINs: wait before trying again */
} SrError;

GQuark   sr_error_quark (void);

/* Called once by every program and test before anything else: starts
 * libsodium and switches off core dumps, so that secrets in memory never
 * land on disk in a crash. */
gboolean sr_init        (GError **error);

/* Reports how far a long job is; total may be 0 when unknown. */
typedef void (*SrProgressFunc) (guint64  done,
                                guint64  total,
                                gpointer user_data);

G_END_DECLS
