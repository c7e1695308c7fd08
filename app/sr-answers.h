/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sr-form.h"

G_BEGIN_DECLS

/* The answers to one form, in memory only. Every string they hold is wiped
 * when it is replaced, unset or freed. */
typedef enum
{
  SR_VALUE_TEXT,     /* single choice (option id), texts, date "YYYY-MM-DD", country "TH", yes/no "yes"|"no"|"unsure" */
  SR_VALUE_LIST,     /* multiple choice: option ids */
  SR_VALUE_NUMBER,   /* number */
  SR_VALUE_BOOL,     /* consent */
} SrValueKind;

SrAnswers          *sr_answers_new             (const char  *form_id,
                                                const char  *lang);
/* Parses the answers JSON of DESIGN.md: {"form": ..., "lang": ..., "answers": {...}}.
 * Checks its shape only; sr_answers_validate checks it against a form. */
SrAnswers          *sr_answers_new_from_json   (const char  *data,
                                                gssize       len,
                                                GError     **error);
void                sr_answers_free            (SrAnswers   *answers);
/* Wipes every value, keeps form and language. */
void                sr_answers_clear           (SrAnswers   *answers);

const char         *sr_answers_get_form_id     (SrAnswers   *answers);
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

/* One clear error naming the question: unknown id, invalid option, wrong
 * type, over-long text, an answer to a question not asked (show_if), a
 * missing required answer, a language the form lacks. SR_ERROR_INVALID. */
gboolean            sr_answers_validate        (SrAnswers   *answers,
                                                SrForm      *form,
                                                GError     **error);

/* Back to the answers JSON, keys sorted; the caller wipes it
 * (sr_wipe_string_free). */
char               *sr_answers_to_json         (SrAnswers   *answers,
                                                gboolean     pretty);
gboolean            sr_answers_equal           (SrAnswers   *a,
                                                SrAnswers   *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAnswers, sr_answers_free)

G_END_DECLS
