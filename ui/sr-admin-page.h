/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sr-outbox.h"

G_BEGIN_DECLS

/* What the admin area shows. */
typedef enum
{
  SR_ADMIN_VIEW_SET_PIN,     /* first entry: no PIN yet */
  SR_ADMIN_VIEW_UNLOCK,      /* the PIN, every later entry */
  SR_ADMIN_VIEW_MAIN,        /* counts, export, acknowledgements, profile */
  SR_ADMIN_VIEW_PROVISION,   /* a new profile's fingerprint, to compare */
  SR_ADMIN_VIEW_CHANGE_PIN,
} SrAdminView;

/* The kiosk keeper's admin area, behind a PIN (Argon2id, rate limited by
 * the outbox). Export to USB, apply an acknowledgement, provision a profile
 * after comparing its fingerprint, change the PIN. It never shows a
 * report's contents; the outbox holds only sealed ones. Emits "leave"
 * when the keeper is done; the window then locks it again. */
#define SR_TYPE_ADMIN_PAGE (sr_admin_page_get_type ())
G_DECLARE_FINAL_TYPE (SrAdminPage, sr_admin_page, SR, ADMIN_PAGE, AdwBin)

GtkWidget   *sr_admin_page_new          (SrOutbox    *outbox);
SrAdminView  sr_admin_page_get_view     (SrAdminPage *self);
/* Whether a PIN check, an export or an acknowledgement is running. */
gboolean     sr_admin_page_get_busy     (SrAdminPage *self);
/* The last result or error on the main view ("Exported 3 reports."), or
 * NULL. */
const char  *sr_admin_page_get_status   (SrAdminPage *self);
/* Whether a profile was provisioned since the area was opened. */
gboolean     sr_admin_page_get_provisioned (SrAdminPage *self);

/* What the buttons do once the file dialog has chosen: the dialogs only
 * produce the GFile. Each runs in a thread where it may take long; watch
 * sr_admin_page_get_busy. */
void         sr_admin_page_export_to    (SrAdminPage *self,
                                         GFile       *file);
void         sr_admin_page_apply_ack_from (SrAdminPage *self,
                                         GFile       *file);
/* Loads a profile and shows its name and fingerprint for comparison; the
 * keeper then confirms or cancels. */
void         sr_admin_page_open_profile (SrAdminPage *self,
                                         GFile       *file);

G_END_DECLS
