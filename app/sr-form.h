/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A form is data (docs/FORMS.md): questions with inline translations. */
typedef enum
{
  SR_QUESTION_SINGLE_CHOICE,
  SR_QUESTION_MULTIPLE_CHOICE,
  SR_QUESTION_SHORT_TEXT,
  SR_QUESTION_LONG_TEXT,
  SR_QUESTION_DATE,
  SR_QUESTION_COUNTRY,
  SR_QUESTION_NUMBER,
  SR_QUESTION_YES_NO,
  SR_QUESTION_CONSENT,
  SR_QUESTION_INFO,
} SrQuestionKind;

typedef struct _SrForm     SrForm;
typedef struct _SrQuestion SrQuestion;
typedef struct _SrAnswers  SrAnswers;

SrForm           *sr_form_new_from_data       (const char  *data,
                                               gssize       len,
                                               GError     **error);
SrForm           *sr_form_new_from_node       (JsonNode    *node,
                                               GError     **error);
/* The default form, data/forms/default.json, from where it is installed. */
SrForm           *sr_form_load_default        (GError     **error);
SrForm           *sr_form_ref                 (SrForm      *form);
void              sr_form_unref               (SrForm      *form);

const char       *sr_form_get_id              (SrForm      *form);
guint             sr_form_get_version         (SrForm      *form);
/* Language codes every label of the form is translated into. */
const char *const *sr_form_get_languages      (SrForm      *form);
gboolean          sr_form_has_language        (SrForm      *form,
                                               const char  *lang);
guint             sr_form_get_n_questions     (SrForm      *form);
SrQuestion       *sr_form_get_question        (SrForm      *form,
                                               guint        index);
SrQuestion       *sr_form_lookup              (SrForm      *form,
                                               const char  *id);

const char       *sr_question_get_id          (SrQuestion  *question);
SrQuestionKind    sr_question_get_kind        (SrQuestion  *question);
gboolean          sr_question_get_required    (SrQuestion  *question);
/* Maximum length of a text answer, in characters. */
guint             sr_question_get_max_length  (SrQuestion  *question);
const char       *sr_question_get_section     (SrQuestion  *question);
/* Label and help in lang, falling back to English; help may be NULL. */
const char       *sr_question_get_label       (SrQuestion  *question,
                                               const char  *lang);
const char       *sr_question_get_help        (SrQuestion  *question,
                                               const char  *lang);
guint             sr_question_get_n_options   (SrQuestion  *question);
const char       *sr_question_get_option_id   (SrQuestion  *question,
                                               guint        index);
const char       *sr_question_get_option_label (SrQuestion *question,
                                               guint        index,
                                               const char  *lang);
gboolean          sr_question_has_option      (SrQuestion  *question,
                                               const char  *option_id);
/* Whether the question is asked, given the answers so far (show_if). */
gboolean          sr_question_is_shown        (SrQuestion  *question,
                                               SrAnswers   *answers);

const char       *sr_question_kind_to_string  (SrQuestionKind kind);

/* Every language SafeReport targets, in the order the chooser shows them. */
const char *const *sr_languages_all           (void);
gboolean          sr_language_is_known        (const char  *lang);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrForm, sr_form_unref)

G_END_DECLS
