/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-review-page"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-attachments.h"
#include "sr-countries.h"
#include "sr-i18n.h"
#include "sr-question-page.h"
#include "sr-review-page.h"
#include "sr-secret.h"

struct _SrReviewPage
{
  AdwBin      parent_instance;

  GtkListBox *list_box;
  GtkBox     *content;
  /* Desktop mode only: photos and screenshots. */
  GtkWidget  *attachments;
  /* The labels showing answers, to empty them on quick exit. */
  GPtrArray  *answer_labels;
};

G_DEFINE_FINAL_TYPE (SrReviewPage, sr_review_page, ADW_TYPE_BIN)

enum {
  EDIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
option_label (SrQuestion *question,
              const char *option_id,
              const char *lang)
{
  guint n = sr_question_get_n_options (question);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (sr_question_get_option_id (question, i), option_id) == 0)
      return sr_question_get_option_label (question, i, lang);

  return option_id;
}

char *
sr_review_format_answer (SrQuestion *question,
                         SrAnswers  *answers,
                         const char *lang)
{
  const char *id = sr_question_get_id (question);

  if (!sr_answers_has (answers, id))
    return NULL;

  switch (sr_question_get_kind (question))
    {
    case SR_QUESTION_SINGLE_CHOICE:
      return g_strdup (option_label (question, sr_answers_get_text (answers, id), lang));

    case SR_QUESTION_MULTIPLE_CHOICE:
      {
        const char *const *values = sr_answers_get_list (answers, id);
        g_autoptr(GString) text = g_string_new (NULL);

        for (guint i = 0; values != NULL && values[i] != NULL; i++)
          {
            if (i > 0)
              /* Translators: between the options chosen in a list. */
              g_string_append (text, _(", "));
            g_string_append (text, option_label (question, values[i], lang));
          }
        return g_string_free (g_steal_pointer (&text), FALSE);
      }

    case SR_QUESTION_YES_NO:
      return g_strdup (sr_question_yes_no_label (sr_answers_get_text (answers, id)));

    case SR_QUESTION_COUNTRY:
      return g_strdup (sr_countries_display_name (sr_answers_get_text (answers, id)));

    case SR_QUESTION_NUMBER:
      {
        g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   sr_answers_get_number (answers, id));

        return sr_i18n_localize_digits (number);
      }

    case SR_QUESTION_CONSENT:
      return g_strdup (sr_answers_get_bool (answers, id) ? _("Yes") : _("No"));

    case SR_QUESTION_DATE:
      {
        const char *text = sr_answers_get_text (answers, id);
        char *date = sr_i18n_format_answer_date (text);

        /* Anything but a date of the calendar is shown as it was given. */
        return date != NULL ? date : g_strdup (text);
      }

    case SR_QUESTION_SHORT_TEXT:
    case SR_QUESTION_LONG_TEXT:
    case SR_QUESTION_INFO:
    default:
      return g_strdup (sr_answers_get_text (answers, id));
    }
}

static void
on_edit_clicked (GtkButton    *button,
                 SrReviewPage *self)
{
  g_signal_emit (self, signals[EDIT], 0, g_object_get_data (G_OBJECT (button), "sr-question"));
}

static GtkWidget *
make_row (SrReviewPage *self,
          SrQuestion   *question,
          SrAnswers    *answers,
          const char   *lang)
{
  const char *label_text = sr_question_get_label (question, lang);
  char *answer = sr_review_format_answer (question, answers, lang);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *question_label = gtk_label_new (label_text);
  GtkWidget *answer_label = gtk_label_new (answer != NULL ? answer
                                            : sr_question_get_required (question) ? _("Not answered yet: this answer is needed")
                                            : _("Skipped"));
  GtkWidget *edit = gtk_button_new_with_mnemonic (_("_Edit"));
  /* Translators: what a screen reader says for the Edit button next to an
   * answer; %s is the question. */
  g_autofree char *edit_name = g_strdup_printf (_("Edit: %s"), label_text);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_wrap (GTK_LABEL (question_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (question_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (question_label), 0);
  gtk_widget_add_css_class (question_label, "review-question");

  gtk_label_set_wrap (GTK_LABEL (answer_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (answer_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (answer_label), 0);
  /* A long story shows its start; the whole is one Edit away. */
  gtk_label_set_lines (GTK_LABEL (answer_label), 4);
  gtk_label_set_ellipsize (GTK_LABEL (answer_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (answer_label, "review-answer");
  if (answer == NULL && sr_question_get_required (question))
    gtk_widget_add_css_class (answer_label, "error");
  else if (answer == NULL)
    gtk_widget_add_css_class (answer_label, "dim-label");
  g_ptr_array_add (self->answer_labels, answer_label);

  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), question_label);
  gtk_box_append (GTK_BOX (texts), answer_label);

  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (edit),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, edit_name,
                                  -1);
  g_object_set_data_full (G_OBJECT (edit), "sr-question",
                          g_strdup (sr_question_get_id (question)), g_free);
  gtk_widget_set_name (edit, sr_question_get_id (question));
  g_signal_connect (edit, "clicked", G_CALLBACK (on_edit_clicked), self);

  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), edit);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* GTK keeps its own copy of the label text; ours is wiped. */
  sr_wipe_string_free (answer);

  return row;
}

/* Empties the labels that showed answers, before they are dropped. */
static void
wipe_labels (SrReviewPage *self)
{
  for (guint i = 0; i < self->answer_labels->len; i++)
    gtk_label_set_text (g_ptr_array_index (self->answer_labels, i), "");
  g_ptr_array_set_size (self->answer_labels, 0);
}

static void
remove_rows (SrReviewPage *self)
{
  GtkWidget *child;

  wipe_labels (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
}

void
sr_review_page_update (SrReviewPage *self,
                       SrForm       *form,
                       SrAnswers    *answers,
                       const char   *lang)
{
  guint n;

  g_return_if_fail (SR_IS_REVIEW_PAGE (self));

  remove_rows (self);

  n = sr_form_get_n_questions (form);
  for (guint i = 0; i < n; i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);
      SrQuestionKind kind = sr_question_get_kind (question);

      /* Information is not a question; consent is given on the next page. */
      if (kind == SR_QUESTION_INFO || kind == SR_QUESTION_CONSENT)
        continue;
      if (!sr_question_is_shown (question, answers))
        continue;

      gtk_list_box_append (self->list_box, make_row (self, question, answers, lang));
    }

  if (self->attachments != NULL)
    sr_attachments_set_answers (SR_ATTACHMENTS (self->attachments), answers);
}

void
sr_review_page_enable_attachments (SrReviewPage *self)
{
  g_return_if_fail (SR_IS_REVIEW_PAGE (self));

  if (self->attachments != NULL)
    return;
  self->attachments = sr_attachments_new ();
  gtk_box_append (self->content, self->attachments);
}

GtkWidget *
sr_review_page_get_attachments (SrReviewPage *self)
{
  g_return_val_if_fail (SR_IS_REVIEW_PAGE (self), NULL);

  return self->attachments;
}

void
sr_review_page_wipe (SrReviewPage *self)
{
  g_return_if_fail (SR_IS_REVIEW_PAGE (self));

  wipe_labels (self);
  if (self->attachments != NULL)
    sr_attachments_set_answers (SR_ATTACHMENTS (self->attachments), NULL);
}

static void
sr_review_page_finalize (GObject *object)
{
  SrReviewPage *self = SR_REVIEW_PAGE (object);

  g_clear_pointer (&self->answer_labels, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_review_page_parent_class)->finalize (object);
}

static void
sr_review_page_class_init (SrReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sr_review_page_finalize;

  /**
   * SrReviewPage::edit:
   * @id: the id of the question to change
   */
  signals[EDIT] =
    g_signal_new ("edit",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrReviewPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, SrReviewPage, content);
}

static void
sr_review_page_init (SrReviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->answer_labels = g_ptr_array_new ();
}

GtkWidget *
sr_review_page_new (void)
{
  return g_object_new (SR_TYPE_REVIEW_PAGE, NULL);
}
