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

/* Whether id is a valid question or option id: 1 to 40 characters of
 * a-z, 0-9 and "_" (docs/FORMS.md). */
gboolean          sr_form_id_is_valid         (const char  *id);

/* The question that decides whether question is shown, or NULL when it is
 * always shown; values holds the answers that show it. */
SrQuestion       *sr_question_get_show_if     (SrQuestion  *question,
                                               const char *const **values);

/* Parses JSON more strictly than JsonParser does on its own: refuses a
 * duplicate key in any object, an escaped NUL character (at which JsonParser
 * would silently cut the string) and integers too large for 64 bits (which it
 * would silently wrap). Errors are SR_ERROR_FORMAT. */
JsonNode         *sr_json_parse_strict        (const char  *data,
                                               gssize       len,
                                               GError     **error);
/* Overwrites every string value held in node (recursively) with zeros, so
 * that freeing it leaves no plaintext behind, then frees it. */
void              sr_json_node_wipe_free      (JsonNode    *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrForm, sr_form_unref)

G_END_DECLS
