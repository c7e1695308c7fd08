/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-outbox.h"

G_BEGIN_DECLS

/* The app: options --kiosk, --operator and --data-dir, the outbox, and
 * one window, which loads the profile. */
#define SR_TYPE_APPLICATION (sr_application_get_type ())
G_DECLARE_FINAL_TYPE (SrApplication, sr_application, SR, APPLICATION, AdwApplication)

SrApplication *sr_application_new          (void);

/* The profile the app may take reports with. On a desktop an outbox with
 * none is provisioned with the bundled demo profile; a kiosk refuses to
 * run without a real one (SR_ERROR_NOT_PROVISIONED), and refuses the demo
 * profile too (SR_ERROR_INVALID). */
SrProfile     *sr_application_load_profile (SrOutbox  *outbox,
                                            gboolean   kiosk,
                                            GError   **error);

G_END_DECLS
