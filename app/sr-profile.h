/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sr-form.h"
#include "sr-keys.h"

G_BEGIN_DECLS

/* A profile (.srp, docs/FORMAT.md): JSON signed by the organisation. Its
 * payload names the organisation, the recipient box keys, the form, the
 * help directory and kiosk settings. */
typedef struct _SrProfile SrProfile;

#define SR_PROFILE_MAX_BYTES (1024 * 1024)

/* Signs payload (a JSON object, see docs/FORMAT.md) into .srp file bytes.
 * The payload is checked first by the same rules a kiosk applies, so that
 * a profile no kiosk would accept is never signed (SR_ERROR_INVALID). */
GBytes       *sr_profile_sign              (const char        *payload_json,
                                            gsize              len,
                                            const SrOrgSecret *secret,
                                            GError           **error);
/* Parses a .srp file and verifies its signature against the signing key it
 * names. Pinning is the caller's business (see sr_outbox_provision). */
SrProfile    *sr_profile_new_from_data     (const guint8      *data,
                                            gsize              len,
                                            GError           **error);
SrProfile    *sr_profile_ref               (SrProfile         *profile);
void          sr_profile_unref             (SrProfile         *profile);

GBytes       *sr_profile_get_bytes         (SrProfile         *profile);
const guint8 *sr_profile_get_signer        (SrProfile         *profile);
const char   *sr_profile_get_name          (SrProfile         *profile);
const char   *sr_profile_get_contact       (SrProfile         *profile);
gint64        sr_profile_get_serial        (SrProfile         *profile);
gboolean      sr_profile_is_demo           (SrProfile         *profile);
guint         sr_profile_get_n_recipients  (SrProfile         *profile);
const guint8 (*sr_profile_get_recipients   (SrProfile         *profile))[SR_BOX_KEY_BYTES];
/* The getters return data the profile owns (transfer none). */
/* The profile's own form, or the default form when it carries none. */
SrForm       *sr_profile_get_form          (SrProfile         *profile);
/* Seconds of inactivity before the app wipes the form. */
guint         sr_profile_get_idle_timeout  (SrProfile         *profile);
/* The help directory: a JSON array (may be empty, never NULL). */
JsonArray    *sr_profile_get_help          (SrProfile         *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrProfile, sr_profile_unref)

G_END_DECLS
