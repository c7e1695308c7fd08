/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-form.h"
#include "sr-secret.h"

G_BEGIN_DECLS

/* The answers to one form, in memory only. Every string they hold is wiped
 * when it is replaced, unset or freed. The kinds' numbers are the kind
 * bytes of the report format (docs/FORMAT.md, "Report"): never renumber
 * them. */
typedef enum
{
  SR_VALUE_TEXT = 0,   /* single choice (option id), texts, date "YYYY-MM-DD", country "TH", yes/no "yes"|"no"|"unsure" */
  SR_VALUE_LIST = 1,   /* multiple choice: option ids */
  SR_VALUE_NUMBER = 2, /* number */
  SR_VALUE_BOOL = 3,   /* consent */
} SrValueKind;

SrAnswers          *sr_answers_new             (const char  *form_id,
                                                const char  *lang);
/* Parses the answers JSON of DESIGN.md: {"form": ..., "lang": ..., "answers": {...}}.
 * Checks its shape only; sr_answers_validate checks it against a form. */
SrAnswers          *sr_answers_new_from_json   (const char  *data,
                                                gssize       len,
                                                GError     **error);
void                sr_answers_free            (SrAnswers   *answers);
/* Wipes every value and attachment, keeps form and language. */
void                sr_answers_clear           (SrAnswers   *answers);

const char         *sr_answers_get_form_id     (SrAnswers   *answers);
/* The version of the form the answers were given to; 0 while unknown. The
 * answers JSON may carry it as "form_version"; sr_answers_validate sets it
 * to the form's version when it is still 0, and the report codec keeps it. */
guint               sr_answers_get_form_version (SrAnswers  *answers);
void                sr_answers_set_form_version (SrAnswers  *answers,
                                                guint        version);
const char         *sr_answers_get_lang        (SrAnswers   *answers);
void                sr_answers_set_lang        (SrAnswers   *answers,
                                                const char  *lang);

void                sr_answers_set_text        (SrAnswers   *answers,
                                                const char  *id,
                                                const char  *text);
void                sr_answers_set_list        (SrAnswers   *answers,
                                                const char  *id,
                                                const char *const *values);
void                sr_answers_set_number      (SrAnswers   *answers,
                                                const char  *id,
                                                gint64       value);
void                sr_answers_set_bool        (SrAnswers   *answers,
                                                const char  *id,
                                                gboolean     value);
void                sr_answers_unset           (SrAnswers   *answers,
                                                const char  *id);

gboolean            sr_answers_has             (SrAnswers   *answers,
                                                const char  *id);
SrValueKind         sr_answers_get_kind        (SrAnswers   *answers,
                                                const char  *id);
const char         *sr_answers_get_text        (SrAnswers   *answers,
                                                const char  *id);
const char *const  *sr_answers_get_list        (SrAnswers   *answers,
                                                const char  *id);
gint64              sr_answers_get_number      (SrAnswers   *answers,
                                                const char  *id);
gboolean            sr_answers_get_bool        (SrAnswers   *answers,
                                                const char  *id);
/* Question ids answered, sorted bytewise. Free the array only (g_free). */
const char        **sr_answers_get_ids         (SrAnswers   *answers,
                                                guint       *n_ids);
guint               sr_answers_get_n           (SrAnswers   *answers);

/* Attachments: photos and screenshots, already re-encoded by sr_image_sanitize
 * (sr-image.h) so that nothing but their pixels is left. Desktop mode only;
 * they travel in the report (codec version 2, docs/FORMAT.md) and so leave
 * only as a file, never as QR codes. Each is held in guarded memory and
 * wiped with the answers (sr_answers_clear, sr_answers_free). */
#define SR_ATTACHMENTS_MAX       5
#define SR_ATTACHMENT_MAX_BYTES  ((gsize) 4 * 1024 * 1024)

/* Takes data (transfer full, also on failure). SR_ERROR_INVALID when the
 * media type is not "image/jpeg" or "image/png", the bytes do not start as
 * that type does, data is empty or over SR_ATTACHMENT_MAX_BYTES, or the
 * answers already hold SR_ATTACHMENTS_MAX. */
gboolean            sr_answers_add_attachment  (SrAnswers   *answers,
                                                const char  *media_type,
                                                SrSecret    *data,
                                                GError     **error);
guint               sr_answers_get_n_attachments (SrAnswers *answers);
/* The index-th attachment, in the order they were added; *media_type (if
 * not NULL) gets its media type. Owned by the answers. */
const SrSecret     *sr_answers_get_attachment  (SrAnswers   *answers,
                                                guint        index,
                                                const char **media_type);
/* Removes (and wipes) the index-th attachment; the later ones move up. */
void                sr_answers_remove_attachment (SrAnswers *answers,
                                                guint        index);
/* The file name extension for a media type of an attachment: "jpg" or "png". */
const char         *sr_attachment_extension    (const char  *media_type);

/* One clear error naming the question: unknown id, invalid option, wrong
 * type, over-long text, an answer to a question not asked (show_if), a
 * missing required answer, consent refused, a language SafeReport does not
 * know, another form or form version. SR_ERROR_INVALID. The rules are in
 * docs/FORMS.md. Binds answers without a form version to the form's. */
gboolean            sr_answers_validate        (SrAnswers   *answers,
                                                SrForm      *form,
                                                GError     **error);

/* Drops the answers to questions the form no longer asks, given the other
 * answers (show_if), e.g. after a person changed an earlier answer.
 * Returns how many were dropped; their values are wiped. */
guint               sr_answers_prune           (SrAnswers   *answers,
                                                SrForm      *form);

/* Back to the answers JSON, keys sorted, with "form_version" when known;
 * the caller wipes it (sr_wipe_string_free). */
char               *sr_answers_to_json         (SrAnswers   *answers,
                                                gboolean     pretty);
/* Same form id, language, values and attachments, compared exactly (the
 * order of a list and of the attachments counts). The form version is not compared: answers read from JSON
 * without one equal the same answers after a round trip through a report. */
gboolean            sr_answers_equal           (SrAnswers   *a,
                                                SrAnswers   *b);

/* Every ISO 3166-1 alpha-2 code, sorted, uppercase, as a country answer
 * takes them. */
const char *const  *sr_countries_all           (void);
gboolean            sr_country_is_known        (const char  *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAnswers, sr_answers_free)

G_END_DECLS
