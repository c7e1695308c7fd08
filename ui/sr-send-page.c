/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-send-page"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-send-page.h"

struct _SrSendPage
{
  AdwBin     parent_instance;

  GtkLabel  *receiver_label;
  GtkLabel  *next_label;
  GtkBox    *consent_box;
  GtkLabel  *error_label;
  GtkButton *send_button;
  GtkSpinner *spinner;
  GtkLabel  *busy_label;

  SrAnswers *answers;   /* not owned; NULL once detached */
  /* GtkCheckButton, data "sr-question": the question id, or none for the
   * page's own consent when the form asks for none. */
  GPtrArray *checks;
  gboolean   busy;
};

G_DEFINE_FINAL_TYPE (SrSendPage, sr_send_page, ADW_TYPE_BIN)

enum {
  SEND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
consent_given (SrSendPage *self)
{
  for (guint i = 0; i < self->checks->len; i++)
    if (!gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      return FALSE;

  return TRUE;
}

static void
update_button (SrSendPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            !self->busy && self->answers != NULL && consent_given (self));
}

static void
on_check_toggled (GtkCheckButton *check,
                  SrSendPage     *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "sr-question");

  if (self->answers != NULL && id != NULL)
    {
      if (gtk_check_button_get_active (check))
        sr_answers_set_bool (self->answers, id, TRUE);
      else
        sr_answers_unset (self->answers, id);
    }

  sr_send_page_set_error (self, NULL);
  update_button (self);
}

static void
on_send_clicked (GtkButton  *button,
                 SrSendPage *self)
{
  if (self->busy || self->answers == NULL || !consent_given (self))
    return;

  g_signal_emit (self, signals[SEND], 0);
}

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
add_consent (SrSendPage *self,
             const char *id,
             const char *question,
             const char *help,
             const char *agree)
{
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *check_label = make_label (agree, "body-text");

  if (question != NULL)
    gtk_box_append (self->consent_box, make_label (question, "heading"));
  if (help != NULL && *help != '\0')
    gtk_box_append (self->consent_box, make_label (help, "body-text"));

  gtk_widget_set_hexpand (check_label, TRUE);
  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), check_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  question != NULL ? question : agree,
                                  -1);
  if (id != NULL)
    {
      g_object_set_data_full (G_OBJECT (check), "sr-question", g_strdup (id), g_free);
      gtk_widget_set_name (check, id);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   sr_answers_has (self->answers, id)
                                   && sr_answers_get_bool (self->answers, id));
    }
  else
    {
      gtk_widget_set_name (check, "consent");
    }

  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);
  g_ptr_array_add (self->checks, check);
  gtk_box_append (self->consent_box, check);
}

static void
sr_send_page_finalize (GObject *object)
{
  SrSendPage *self = SR_SEND_PAGE (object);

  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_send_page_parent_class)->finalize (object);
}

static void
sr_send_page_class_init (SrSendPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sr_send_page_finalize;

  /**
   * SrSendPage::send:
   *
   * Consent is given and the person pressed "Seal and send".
   */
  signals[SEND] =
    g_signal_new ("send",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-send-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrSendPage, receiver_label);
  gtk_widget_class_bind_template_child (widget_class, SrSendPage, next_label);
  gtk_widget_class_bind_template_child (widget_class, SrSendPage, consent_box);
  gtk_widget_class_bind_template_child (widget_class, SrSendPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SrSendPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, SrSendPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SrSendPage, busy_label);
}

static void
sr_send_page_init (SrSendPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->checks = g_ptr_array_new ();
  g_signal_connect (self->send_button, "clicked", G_CALLBACK (on_send_clicked), self);
}

GtkWidget *
sr_send_page_new (SrForm     *form,
                  SrAnswers  *answers,
                  const char *lang,
                  const char *organisation)
{
  SrSendPage *self;
  g_autofree char *receiver = NULL;
  g_autofree char *next = NULL;
  guint n;

  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (answers != NULL, NULL);

  self = g_object_new (SR_TYPE_SEND_PAGE, NULL);
  self->answers = answers;

  /* Translators: %s is the name of the organisation that receives reports. */
  receiver = g_strdup_printf (_("Your report goes to %s. It is locked on this device, and only they can open it."),
                              organisation);
  /* Translators: %s is the name of the organisation that receives reports. */
  next = g_strdup_printf (_("What happens next: someone at %s reads it and decides how they can help. You get a receipt code. With it, they can find your report; it does not show your name."),
                          organisation);
  gtk_label_set_text (self->receiver_label, receiver);
  gtk_label_set_text (self->next_label, next);

  n = sr_form_get_n_questions (form);
  for (guint i = 0; i < n; i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);

      if (sr_question_get_kind (question) != SR_QUESTION_CONSENT)
        continue;

      add_consent (self, sr_question_get_id (question),
                   sr_question_get_label (question, lang),
                   sr_question_get_help (question, lang),
                   _("Yes, I agree"));
    }

  /* A form without a consent question still gets one: nothing is sealed
   * without a clear "yes". */
  if (self->checks->len == 0)
    add_consent (self, NULL, NULL, NULL, _("I agree to send this report"));

  update_button (self);

  return GTK_WIDGET (self);
}

void
sr_send_page_set_busy (SrSendPage *self,
                       gboolean    busy)
{
  g_return_if_fail (SR_IS_SEND_PAGE (self));

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_label), busy);
  for (guint i = 0; i < self->checks->len; i++)
    gtk_widget_set_sensitive (g_ptr_array_index (self->checks, i), !busy);
  update_button (self);
}

void
sr_send_page_set_error (SrSendPage *self,
                        const char *message)
{
  g_return_if_fail (SR_IS_SEND_PAGE (self));

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
sr_send_page_detach (SrSendPage *self)
{
  g_return_if_fail (SR_IS_SEND_PAGE (self));

  self->answers = NULL;
  update_button (self);
}
