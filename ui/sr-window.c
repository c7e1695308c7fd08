/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-window"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-admin-page.h"
#include "sr-application.h"
#include "sr-help-page.h"
#include "sr-i18n.h"
#include "sr-question-page.h"
#include "sr-receipt-page.h"
#include "sr-review-page.h"
#include "sr-secret.h"
#include "sr-section-page.h"
#include "sr-send-page.h"
#include "sr-welcome-page.h"
#include "sr-window-private.h"

G_DEFINE_FINAL_TYPE (SrWindow, sr_window, ADW_TYPE_APPLICATION_WINDOW)

G_DEFINE_ENUM_TYPE (SrWindowMode, sr_window_mode,
                    G_DEFINE_ENUM_VALUE (SR_WINDOW_DESKTOP, "desktop"),
                    G_DEFINE_ENUM_VALUE (SR_WINDOW_KIOSK, "kiosk"),
                    G_DEFINE_ENUM_VALUE (SR_WINDOW_OPERATOR, "operator"))

enum {
  PROP_0,
  PROP_OUTBOX,
  PROP_MODE,
  PROP_PAGE,
  PROP_LARGE_TEXT,
  PROP_HIGH_CONTRAST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define NO_QUESTION G_MAXUINT

static void show_page (SrWindow *self,
                       SrPage    page,
                       guint     question);

/* Questions */

static SrQuestion *
question_at (SrWindow *self,
             guint     index)
{
  return sr_form_get_question (self->form, index);
}

/* Whether question index gets its own screen, given the answers so far.
 * Consent is asked on the send page, next to the button it unlocks. */
static gboolean
is_asked (SrWindow *self,
          guint     index)
{
  SrQuestion *question = question_at (self, index);

  if (sr_question_get_kind (question) == SR_QUESTION_CONSENT)
    return FALSE;

  return self->answers != NULL && sr_question_is_shown (question, self->answers);
}

static guint
next_asked (SrWindow *self,
            guint     from)
{
  guint n = sr_form_get_n_questions (self->form);

  for (guint i = from; i < n; i++)
    if (is_asked (self, i))
      return i;

  return NO_QUESTION;
}

static guint
previous_asked (SrWindow *self,
                guint     before)
{
  for (guint i = before; i > 0; i--)
    if (is_asked (self, i - 1))
      return i - 1;

  return NO_QUESTION;
}

/* The language the answers are recorded in: the person's, when the form
 * has it; otherwise the labels they read were the English ones. */
static const char *
answers_language (SrWindow   *self,
                  const char *lang)
{
  const char *const *languages;

  if (sr_form_has_language (self->form, lang))
    return lang;
  if (sr_form_has_language (self->form, "en"))
    return "en";

  languages = sr_form_get_languages (self->form);
  return languages != NULL && languages[0] != NULL ? languages[0] : lang;
}

/* Pages */

static void
remove_page (SrWindow   *self,
             GtkWidget **slot)
{
  if (*slot == NULL)
    return;

  gtk_stack_remove (self->stack, *slot);
  *slot = NULL;
}

/* Empties every control that holds an answer and lets go of the answers;
 * the pages are then removed. */
static void
wipe_pages (SrWindow *self)
{
  for (guint i = 0; i < self->question_pages->len; i++)
    {
      GtkWidget *page = g_ptr_array_index (self->question_pages, i);

      if (page != NULL)
        sr_question_page_wipe (SR_QUESTION_PAGE (page));
    }

  if (self->review_page != NULL)
    sr_review_page_wipe (SR_REVIEW_PAGE (self->review_page));
  if (self->send_page != NULL)
    sr_send_page_detach (SR_SEND_PAGE (self->send_page));
  if (self->receipt_page != NULL)
    sr_receipt_page_wipe (SR_RECEIPT_PAGE (self->receipt_page));
}

static void
remove_pages (SrWindow *self)
{
  for (guint i = 0; i < self->question_pages->len; i++)
    {
      GtkWidget *page = g_ptr_array_index (self->question_pages, i);

      /* In operator mode they live in the section pages. */
      if (page != NULL && gtk_widget_get_parent (page) == GTK_WIDGET (self->stack))
        gtk_stack_remove (self->stack, page);
    }
  g_ptr_array_set_size (self->question_pages, 0);

  for (guint i = 0; i < self->section_pages->len; i++)
    gtk_stack_remove (self->stack, g_ptr_array_index (self->section_pages, i));
  g_ptr_array_set_size (self->section_pages, 0);

  remove_page (self, &self->welcome_page);
  remove_page (self, &self->review_page);
  remove_page (self, &self->send_page);
  remove_page (self, &self->receipt_page);
  remove_page (self, &self->help_page);
}

static void
update_sections (SrWindow *self)
{
  for (guint i = 0; i < self->section_pages->len; i++)
    sr_section_page_update (g_ptr_array_index (self->section_pages, i), self->answers);
}

static void
on_question_changed (SrQuestionPage *page,
                     SrWindow       *self)
{
  sr_window_note_activity (self);
  /* An answer may show or hide questions further on. */
  if (self->operator_mode)
    update_sections (self);
  /* "Skip" becomes "Next" once there is an answer, and the progress may
   * change when an answer shows or hides later questions. */
  show_page (self, self->page, self->question);
}

/* Operator mode: sections */

static guint
section_of (SrWindow *self,
            guint     question)
{
  GtkWidget *page = question < self->question_pages->len
                    ? g_ptr_array_index (self->question_pages, question) : NULL;

  for (guint i = 0; page != NULL && i < self->section_pages->len; i++)
    if (sr_section_page_contains (g_ptr_array_index (self->section_pages, i), SR_QUESTION_PAGE (page)))
      return i;

  return NO_QUESTION;
}

static gboolean
section_is_asked (SrWindow *self,
                  guint     section)
{
  guint n = sr_form_get_n_questions (self->form);

  for (guint i = 0; i < n; i++)
    if (is_asked (self, i) && section_of (self, i) == section)
      return TRUE;

  return FALSE;
}

static guint
next_section (SrWindow *self,
              guint     from)
{
  for (guint i = from; i < self->section_pages->len; i++)
    if (section_is_asked (self, i))
      return i;

  return NO_QUESTION;
}

static guint
previous_section (SrWindow *self,
                  guint     before)
{
  for (guint i = before; i > 0; i--)
    if (section_is_asked (self, i - 1))
      return i - 1;

  return NO_QUESTION;
}

/* The sections of the default form, named for the operator. A form of an
 * organisation's own with other sections shows "Part 2 of 5" alone. */
static const char *
section_title (const char *section)
{
  static const struct
  {
    const char *id;
    const char *title;
  } titles[] = {
    { "start", N_("About the report") },
    { "where", N_("Where") },
    { "how", N_("How it started") },
    { "treatment", N_("What happened") },
    { "story", N_("In their own words") },
    { "contact", N_("Staying in touch") },
    { "rights", N_("Their rights") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (section, titles[i].id) == 0)
      return _(titles[i].title);

  return NULL;
}

static void
on_section_done (SrSectionPage *page,
                 SrWindow      *self)
{
  /* Enter on the last answer: one more Enter goes to the next part. */
  gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
}

static void
on_review_edit (SrReviewPage *page,
                const char   *id,
                SrWindow     *self)
{
  guint n = sr_form_get_n_questions (self->form);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (sr_question_get_id (question_at (self, i)), id))
      {
        self->from_review = TRUE;
        if (self->operator_mode)
          {
            guint section = section_of (self, i);

            if (section == NO_QUESTION)
              return;
            show_page (self, SR_PAGE_SECTION, section);
            sr_section_page_focus (g_ptr_array_index (self->section_pages, section),
                                   g_ptr_array_index (self->question_pages, i));
          }
        else
          {
            show_page (self, SR_PAGE_QUESTION, i);
          }
        return;
      }
}

static void on_send (SrSendPage *page,
                     SrWindow   *self);

/* Builds every page in the language in use, from the answers. Run when
 * the language changes (the answers stay) and after a wipe. */
static void
build_pages (SrWindow *self)
{
  const char *organisation = sr_profile_get_name (self->profile);
  guint n = sr_form_get_n_questions (self->form);
  const char *section_name = NULL;
  GtkWidget *section_page = NULL;

  wipe_pages (self);
  remove_pages (self);

  self->welcome_page = sr_welcome_page_new (organisation, sr_profile_get_contact (self->profile));
  gtk_stack_add_named (self->stack, self->welcome_page, "welcome");

  for (guint i = 0; i < n; i++)
    {
      SrQuestion *question = question_at (self, i);
      GtkWidget *page = NULL;

      if (sr_question_get_kind (question) != SR_QUESTION_CONSENT && self->answers != NULL)
        {
          g_autofree char *name = g_strconcat ("question-", sr_question_get_id (question), NULL);

          page = sr_question_page_new (question, self->answers, self->lang);
          g_signal_connect (page, "changed", G_CALLBACK (on_question_changed), self);

          if (self->operator_mode)
            {
              /* Questions of a section, in a row in the form, share a page. */
              const char *section = sr_question_get_section (question);

              if (section_name == NULL || g_strcmp0 (section, section_name) != 0)
                {
                  g_autofree char *stack_name = g_strdup_printf ("section-%u", self->section_pages->len);

                  section_page = sr_section_page_new (section_title (section));
                  g_signal_connect (section_page, "done", G_CALLBACK (on_section_done), self);
                  gtk_stack_add_named (self->stack, section_page, stack_name);
                  g_ptr_array_add (self->section_pages, section_page);
                  section_name = section;
                }
              sr_section_page_append (SR_SECTION_PAGE (section_page), SR_QUESTION_PAGE (page));
            }
          else
            {
              gtk_stack_add_named (self->stack, page, name);
            }
        }
      g_ptr_array_add (self->question_pages, page);
    }
  update_sections (self);

  self->review_page = sr_review_page_new ();
  /* Photos come from files, and a kiosk offers no files to choose from. */
  if (!self->kiosk)
    sr_review_page_enable_attachments (SR_REVIEW_PAGE (self->review_page));
  g_signal_connect (self->review_page, "edit", G_CALLBACK (on_review_edit), self);
  gtk_stack_add_named (self->stack, self->review_page, "review");

  if (self->answers != NULL)
    {
      self->send_page = sr_send_page_new (self->form, self->answers, self->lang, organisation);
      g_signal_connect (self->send_page, "send", G_CALLBACK (on_send), self);
      gtk_stack_add_named (self->stack, self->send_page, "send");
    }

  if (self->receipt != NULL)
    {
      self->receipt_page = sr_receipt_page_new (self->receipt, organisation, self->envelope,
                                                !self->kiosk, !self->receipt_has_photos);
      gtk_stack_add_named (self->stack, self->receipt_page, "receipt");
    }

  self->help_page = sr_help_page_new (sr_profile_get_help (self->profile), self->lang);
  gtk_stack_add_named (self->stack, self->help_page, "help");
}

/* The window carries a class naming its language ("lang-ur"), for what
 * style.css must do per language: Urdu is written in Nastaliq, which the
 * fonts that cover Arabic script by default do not draw. */
static void
update_language_class (SrWindow *self)
{
  g_auto(GStrv) classes = gtk_widget_get_css_classes (GTK_WIDGET (self));
  g_autofree char *wanted = NULL;

  if (self->lang != NULL)
    wanted = g_strdelimit (g_strconcat ("lang-", self->lang, NULL), "_", '-');

  for (guint i = 0; classes[i] != NULL; i++)
    if (g_str_has_prefix (classes[i], "lang-") && g_strcmp0 (classes[i], wanted) != 0)
      gtk_widget_remove_css_class (GTK_WIDGET (self), classes[i]);
  if (wanted != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), wanted);
}

static void
on_language_chosen (SrLanguagePage *page,
                    const char     *lang,
                    SrWindow       *self)
{
  sr_window_note_activity (self);

  g_free (self->lang);
  self->lang = g_strdup (lang);
  sr_i18n_set_language (lang);
  update_language_class (self);
  if (self->answers != NULL)
    sr_answers_set_lang (self->answers, answers_language (self, lang));

  build_pages (self);
  sr_window_retranslate (self);

  if (self->choosing_again)
    {
      self->choosing_again = FALSE;
      show_page (self, self->return_page, self->return_question);
    }
  else if (self->operator_mode)
    {
      /* The operator knows the welcome by heart; the caller hears it. */
      guint first = next_section (self, 0);

      if (first != NO_QUESTION)
        show_page (self, SR_PAGE_SECTION, first);
      else
        show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
    }
  else
    {
      show_page (self, SR_PAGE_WELCOME, NO_QUESTION);
    }
}

/* The language page is made afresh each time it is shown, so that its
 * title is in the language of the moment; never from inside its own
 * signal handler. */
static void
build_language_page (SrWindow *self)
{
  remove_page (self, &self->language_page);
  self->language_page = sr_language_page_new ();
  g_signal_connect (self->language_page, "language-chosen", G_CALLBACK (on_language_chosen), self);
  gtk_stack_add_named (self->stack, self->language_page, "language");
}

/* The frame around the pages */

void
sr_window_retranslate (SrWindow *self)
{
  sr_i18n_apply_to_widget (GTK_WIDGET (self));

  adw_button_content_set_label (self->language_content, sr_i18n_get_endonym (self->lang));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->language_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Change language"),
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->language_button), _("Change language"));

  adw_button_content_set_label (self->help_content, _("_Help"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->help_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Help and contacts"),
                                  -1);

  adw_button_content_set_label (self->quick_exit_content, _("_Quick exit"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->quick_exit_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Quick exit: erase everything and start again"),
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->quick_exit_button),
                               _("Erase everything at once and start again (Esc)"));

  gtk_label_set_text (self->demo_label,
                      _("Demonstration only. Anyone with the public demo key can read reports made here. Do not enter real information."));

  gtk_label_set_text (self->idle_title, _("Are you still there?"));
  gtk_label_set_text (self->idle_label,
                      _("For your safety, everything you entered will be erased soon."));
  gtk_button_set_label (self->idle_continue_button, _("_Continue"));

  gtk_button_set_label (self->back_button, _("_Back"));
  if (self->keyboard != NULL)
    sr_keyboard_set_language (self->keyboard, self->lang);

  {
    g_autoptr(GMenu) menu = g_menu_new ();
    g_autoptr(GMenu) view = g_menu_new ();

    g_menu_append (view, _("_Larger text"), "win.large-text");
    g_menu_append (view, _("_Stronger contrast"), "win.high-contrast");
    g_menu_append_section (menu, NULL, G_MENU_MODEL (view));
    /* On a kiosk the admin area is reached only by its shortcut, so that
     * visitors are not invited to try PINs. */
    if (!self->kiosk)
      {
        g_autoptr(GMenu) admin = g_menu_new ();

        g_menu_append (admin, _("_Admin area"), "win.admin");
        g_menu_append_section (menu, NULL, G_MENU_MODEL (admin));
      }
    {
      g_autoptr(GMenu) about = g_menu_new ();

      g_menu_append (about, _("_About SafeReport"), "win.about");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (about));
    }
    gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), _("Text size, contrast and more"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main menu"),
                                    -1);
  }
}

static void
update_chrome (SrWindow *self)
{
  SrPage page = self->page;
  gboolean wizard = page != SR_PAGE_PROBLEM && page != SR_PAGE_LANGUAGE && page != SR_PAGE_ADMIN;
  gboolean nav = (wizard && page != SR_PAGE_RECEIPT)
                 || (page == SR_PAGE_LANGUAGE && self->choosing_again);
  const char *next_label = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->language_button), wizard && page != SR_PAGE_RECEIPT);
  gtk_widget_set_visible (GTK_WIDGET (self->help_button), wizard && page != SR_PAGE_HELP);
  gtk_widget_set_visible (self->nav_bar, nav);
  /* The progress box stays, empty, to keep Next at the far end. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), page == SR_PAGE_QUESTION || page == SR_PAGE_SECTION);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), page == SR_PAGE_QUESTION || page == SR_PAGE_SECTION);

  switch (page)
    {
    case SR_PAGE_WELCOME:
      next_label = _("_Start");
      break;

    case SR_PAGE_QUESTION:
      {
        SrQuestion *question = question_at (self, self->question);
        guint n = sr_form_get_n_questions (self->form);
        guint position = 0;
        guint total = 0;
        g_autofree char *progress = NULL;
        g_autofree char *progress_text = NULL;

        if (sr_question_get_kind (question) == SR_QUESTION_INFO
            || (self->answers != NULL && sr_answers_has (self->answers, sr_question_get_id (question))))
          next_label = self->from_review ? _("_Done") : _("_Next");
        else
          next_label = _("_Skip");

        for (guint i = 0; i < n; i++)
          if (is_asked (self, i))
            {
              total++;
              if (i <= self->question)
                position = total;
            }

        /* Translators: progress through the form, "Question 3 of 20". */
        progress = g_strdup_printf (_("Question %u of %u"), position, total);
        progress_text = sr_i18n_localize_digits (progress);
        gtk_label_set_text (self->progress_label, progress_text);
        gtk_progress_bar_set_fraction (self->progress_bar,
                                       total > 0 ? (double) position / total : 0.0);
      }
      break;

    case SR_PAGE_SECTION:
      {
        guint position = 0;
        guint total = 0;
        g_autofree char *progress = NULL;
        g_autofree char *progress_text = NULL;

        next_label = self->from_review ? _("_Done") : _("_Next");
        for (guint i = 0; i < self->section_pages->len; i++)
          if (section_is_asked (self, i))
            {
              total++;
              if (i <= self->question)
                position = total;
            }

        /* Translators: progress through the form in operator mode, where
         * each page holds a part of it: "Part 2 of 7". */
        progress = g_strdup_printf (_("Part %u of %u"), position, total);
        progress_text = sr_i18n_localize_digits (progress);
        gtk_label_set_text (self->progress_label, progress_text);
        gtk_progress_bar_set_fraction (self->progress_bar,
                                       total > 0 ? (double) position / total : 0.0);
      }
      break;

    case SR_PAGE_REVIEW:
      next_label = _("_Continue");
      break;

    case SR_PAGE_PROBLEM:
    case SR_PAGE_LANGUAGE:
    case SR_PAGE_SEND:
    case SR_PAGE_RECEIPT:
    case SR_PAGE_HELP:
    case SR_PAGE_ADMIN:
    default:
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->next_button), next_label != NULL);
  if (next_label != NULL)
    {
      gtk_button_set_label (self->next_button, next_label);
      /* Enter in a text field moves on. GTK forgets the default widget
       * whenever it is hidden, so it is set again each time it shows. */
      gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->next_button));
    }

  /* While the report is being sealed nothing may change it; only quick
   * exit stays. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", nav && !self->sealing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next", next_label != NULL && !self->sealing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.language", wizard && !self->sealing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.help", wizard && !self->sealing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.finish", page == SR_PAGE_RECEIPT);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.admin",
                                 self->outbox != NULL && !self->sealing && page != SR_PAGE_ADMIN);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.review",
                                 self->operator_mode && page == SR_PAGE_SECTION && !self->sealing);
}

static GtkWidget *
page_widget (SrWindow *self,
             SrPage    page,
             guint     question)
{
  switch (page)
    {
    case SR_PAGE_LANGUAGE:
      return self->language_page;
    case SR_PAGE_WELCOME:
      return self->welcome_page;
    case SR_PAGE_QUESTION:
      return question < self->question_pages->len
             ? g_ptr_array_index (self->question_pages, question) : NULL;
    case SR_PAGE_REVIEW:
      return self->review_page;
    case SR_PAGE_SEND:
      return self->send_page;
    case SR_PAGE_RECEIPT:
      return self->receipt_page;
    case SR_PAGE_HELP:
      return self->help_page;
    case SR_PAGE_ADMIN:
      return self->admin_page;
    case SR_PAGE_SECTION:
      return question < self->section_pages->len
             ? g_ptr_array_index (self->section_pages, question) : NULL;
    case SR_PAGE_PROBLEM:
    default:
      return GTK_WIDGET (self->problem_page);
    }
}

static void
show_page (SrWindow *self,
           SrPage    page,
           guint     question)
{
  gboolean moved = page != self->page
                   || ((page == SR_PAGE_QUESTION || page == SR_PAGE_SECTION) && question != self->question);
  GtkWidget *widget;

  if (page == SR_PAGE_LANGUAGE && moved)
    build_language_page (self);
  if (page == SR_PAGE_REVIEW && moved && self->answers != NULL)
    sr_review_page_update (SR_REVIEW_PAGE (self->review_page), self->form, self->answers, self->lang);

  widget = page_widget (self, page, question);
  g_return_if_fail (widget != NULL);
  sr_i18n_apply_to_widget (widget);

  self->page = page;
  self->question = page == SR_PAGE_QUESTION || page == SR_PAGE_SECTION ? question : NO_QUESTION;
  gtk_stack_set_visible_child (self->stack, widget);
  update_chrome (self);

  if (moved)
    {
      if (page == SR_PAGE_QUESTION)
        sr_question_page_focus (SR_QUESTION_PAGE (widget));
      else if (page == SR_PAGE_SECTION)
        sr_section_page_focus (SR_SECTION_PAGE (widget), NULL);
      else if (page == SR_PAGE_WELCOME || page == SR_PAGE_REVIEW)
        gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
      else
        gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);

      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
    }
}

/* Text copied from the form stays on the clipboard, where any program can
 * read it, until something else is copied: drop what we put there. */
static void
forget_clipboards (SrWindow *self)
{
  GdkClipboard *clipboards[] = {
    gtk_widget_get_clipboard (GTK_WIDGET (self)),
    gtk_widget_get_primary_clipboard (GTK_WIDGET (self)),
  };

  for (guint i = 0; i < G_N_ELEMENTS (clipboards); i++)
    if (gdk_clipboard_is_local (clipboards[i]))
      gdk_clipboard_set_content (clipboards[i], NULL);
}

/* The admin area */

static void
close_admin (SrWindow *self)
{
  if (self->admin_page == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->admin_page, self);
  remove_page (self, &self->admin_page);
}

static gboolean
leave_admin (gpointer user_data)
{
  g_autoptr(SrWindow) self = g_weak_ref_get (user_data);

  if (self == NULL || self->admin_page == NULL)
    return G_SOURCE_REMOVE;

  /* The keeper may have provisioned a profile: a kiosk that refused to run
   * may take reports now, or the form may have changed. */
  sr_window_load_profile (self);
  sr_window_reset (self);

  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
on_admin_leave (SrAdminPage *page,
                SrWindow    *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  /* Not from inside the page's own signal: the page goes with it. */
  g_weak_ref_init (ref, self);
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, leave_admin, ref, weak_ref_free);
}

void
sr_window_open_admin (SrWindow *self)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  if (self->outbox == NULL || self->sealing || self->admin_page != NULL)
    return;

  /* Whatever a visitor had started is wiped first: the keeper never sees
   * it, and it is not left waiting behind the admin area. */
  sr_window_reset (self);

  self->admin_page = sr_admin_page_new (self->outbox);
  g_signal_connect (self->admin_page, "leave", G_CALLBACK (on_admin_leave), self);
  gtk_stack_add_named (self->stack, self->admin_page, "admin");
  show_page (self, SR_PAGE_ADMIN, NO_QUESTION);
}

/* The profile */

/* Why there is no wizard, for the person who can change that. */
static void
show_load_problem (SrWindow     *self,
                   const GError *error)
{
  const char *data_dir = sr_outbox_get_data_dir (self->outbox);
  g_autofree char *quoted = g_shell_quote (data_dir);
  g_autofree char *command = g_strdup_printf ("safereport-cli --data-dir %s provision PROFILE.srp", quoted);

  if (self->kiosk && g_error_matches (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED))
    sr_window_show_problem (self,
                            _("This kiosk is not set up yet"),
                            _("It needs the organisation’s signed profile before it can take reports. The person who looks after this kiosk can provision it from the admin area (Ctrl+Alt+A), or with this command, and then compare the fingerprint with the one the organisation gave them:"),
                            command);
  else if (self->kiosk && g_error_matches (error, SR_ERROR, SR_ERROR_INVALID))
    sr_window_show_problem (self,
                            _("This kiosk has only the demo profile"),
                            _("Reports made with the demo profile can be read by anyone, so a kiosk does not take them. The person who looks after this kiosk can provision the organisation’s signed profile from the admin area (Ctrl+Alt+A), or with this command:"),
                            command);
  else
    sr_window_show_problem (self, _("SafeReport cannot take reports here"), error->message, NULL);
}

gboolean
sr_window_load_profile (SrWindow *self)
{
  g_autoptr(GError) error = NULL;
  SrProfile *profile;

  if (self->outbox == NULL)
    return FALSE;

  profile = sr_application_load_profile (self->outbox, self->kiosk, &error);

  g_clear_pointer (&self->form, sr_form_unref);
  g_clear_pointer (&self->profile, sr_profile_unref);
  self->profile = profile;

  if (profile == NULL)
    {
      gtk_widget_set_visible (self->demo_banner, FALSE);
      show_load_problem (self, error);
      return FALSE;
    }

  self->form = sr_form_ref (sr_profile_get_form (profile));
  self->idle_timeout = sr_profile_get_idle_timeout (profile);
  gtk_widget_set_visible (self->demo_banner, sr_profile_is_demo (profile));

  return TRUE;
}

/* Large text and high contrast */

/* One style sheet for the whole display, added while a window asks for
 * it: it redefines the theme's colours, which only a provider can. */
static GtkCssProvider *high_contrast_provider;
static guint high_contrast_users;

static void
apply_high_contrast (SrWindow *self,
                     gboolean  on)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));

  if (on)
    {
      if (high_contrast_users++ == 0)
        {
          if (high_contrast_provider == NULL)
            {
              high_contrast_provider = gtk_css_provider_new ();
              gtk_css_provider_load_from_resource (high_contrast_provider,
                                                   "/io/github/safereport/SafeReport/high-contrast.css");
            }
          gtk_style_context_add_provider_for_display (display,
                                                      GTK_STYLE_PROVIDER (high_contrast_provider),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
        }
      gtk_widget_add_css_class (GTK_WIDGET (self), "high-contrast");
    }
  else
    {
      g_assert (high_contrast_users > 0);
      if (--high_contrast_users == 0)
        gtk_style_context_remove_provider_for_display (display,
                                                       GTK_STYLE_PROVIDER (high_contrast_provider));
      gtk_widget_remove_css_class (GTK_WIDGET (self), "high-contrast");
    }
}

gboolean
sr_window_get_large_text (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);

  return self->large_text;
}

void
sr_window_set_large_text (SrWindow *self,
                          gboolean  large_text)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  large_text = !!large_text;
  if (self->large_text == large_text)
    return;

  self->large_text = large_text;
  if (large_text)
    gtk_widget_add_css_class (GTK_WIDGET (self), "large-text");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "large-text");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LARGE_TEXT]);
}

gboolean
sr_window_get_high_contrast (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);

  return self->high_contrast;
}

void
sr_window_set_high_contrast (SrWindow *self,
                             gboolean  high_contrast)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  high_contrast = !!high_contrast;
  if (self->high_contrast == high_contrast)
    return;

  self->high_contrast = high_contrast;
  apply_high_contrast (self, high_contrast);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGH_CONTRAST]);
}

/* Wipes the answers, every field and the receipt, closes the admin area,
 * and goes back to the neutral start screen in the language the app
 * started in, with the usual text size and colours. */
void
sr_window_reset (SrWindow *self)
{
  GtkStackTransitionType transition = gtk_stack_get_transition_type (self->stack);

  /* A result still on its way belongs to the form just wiped. */
  self->generation++;
  self->sealing = FALSE;
  self->from_review = FALSE;
  self->choosing_again = FALSE;

  sr_window_hide_idle_warning (self);
  close_admin (self);
  wipe_pages (self);
  forget_clipboards (self);

  if (self->answers != NULL)
    {
      sr_answers_clear (self->answers);
      g_clear_pointer (&self->answers, sr_answers_free);
    }
  g_clear_pointer (&self->receipt, sr_wipe_string_free);
  g_clear_pointer (&self->envelope, g_bytes_unref);
  self->receipt_has_photos = FALSE;

  /* How the last person liked the text says something about them too. */
  sr_window_set_large_text (self, FALSE);
  sr_window_set_high_contrast (self, FALSE);

  sr_i18n_reset_language ();
  g_free (self->lang);
  self->lang = g_strdup (sr_i18n_get_language ());
  update_language_class (self);
  sr_window_retranslate (self);
  /* Shift or the Latin keys left on say nothing, but a syllable being
   * composed is part of what was typed. */
  if (self->keyboard != NULL)
    sr_keyboard_reset (self->keyboard);

  /* No cross-fade: the old page must not linger on screen. */
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);

  if (self->profile == NULL)
    {
      remove_pages (self);
      self->page = SR_PAGE_PROBLEM;
      gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->problem_page));
      update_chrome (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
    }
  else
    {
      self->answers = sr_answers_new (sr_form_get_id (self->form), answers_language (self, self->lang));
      /* The language chooser is the only way on, and choosing builds the
       * pages in the language chosen: building them here as well would
       * only delay the first frame (docs/BENCHMARKS.md). */
      remove_pages (self);
      self->page = SR_PAGE_PROBLEM;
      show_page (self, SR_PAGE_LANGUAGE, NO_QUESTION);
    }

  gtk_stack_set_transition_type (self->stack, transition);
}

/* Sealing runs in a thread: the answers move into the job, and the window
 * gets them back only if sealing fails. */

typedef struct
{
  SrOutbox  *outbox;
  SrAnswers *answers;
  GBytes    *envelope;   /* what was sealed, for the QR codes */
} SealJob;

static void
seal_job_free (gpointer data)
{
  SealJob *job = data;

  g_clear_object (&job->outbox);
  g_clear_pointer (&job->answers, sr_answers_free);
  g_clear_pointer (&job->envelope, g_bytes_unref);
  g_free (job);
}

static void
seal_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SealJob *job = task_data;
  GError *error = NULL;
  char *receipt = sr_outbox_submit (job->outbox, job->answers, &error);

  if (receipt != NULL)
    {
      g_autoptr(GError) lookup_error = NULL;

      /* The report is committed; not finding it again only costs the QR
       * codes, never the receipt. */
      job->envelope = sr_outbox_lookup (job->outbox, receipt, &lookup_error);
      if (job->envelope == NULL)
        g_warning ("Sealed, but could not read the report back: %s", lookup_error->message);
      g_task_return_pointer (task, receipt, g_free);
    }
  else
    g_task_return_error (task, error);
}

static void
on_sealed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SrWindow *self = SR_WINDOW (source);
  guint generation = GPOINTER_TO_UINT (user_data);
  SealJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *receipt = g_task_propagate_pointer (G_TASK (result), &error);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app != NULL)
    g_application_release (G_APPLICATION (app));

  /* Quick exit or the idle wipe came first: the person has gone, and the
   * result is not shown to whoever stands there now. */
  if (generation != self->generation)
    return;

  self->sealing = FALSE;

  if (receipt != NULL)
    {
      /* The answers go with the job (wiped when it is freed); the form is
       * emptied, and only the receipt stays on screen. */
      self->receipt = g_steal_pointer (&receipt);
      self->envelope = g_steal_pointer (&job->envelope);
      /* Photos make a report far too large for QR codes: it leaves as a
       * file only. */
      self->receipt_has_photos = sr_answers_get_n_attachments (job->answers) > 0;
      self->answers = sr_answers_new (sr_form_get_id (self->form),
                                      answers_language (self, self->lang));
      build_pages (self);
      show_page (self, SR_PAGE_RECEIPT, NO_QUESTION);
    }
  else
    {
      g_debug ("Sealing failed: %s", error->message);
      self->answers = g_steal_pointer (&job->answers);
      build_pages (self);
      show_page (self, SR_PAGE_SEND, NO_QUESTION);
      sr_send_page_set_error (SR_SEND_PAGE (self->send_page), error->message);
    }
}

static void
on_send (SrSendPage *page,
         SrWindow   *self)
{
  g_autoptr(GTask) task = NULL;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  SealJob *job;

  if (self->sealing || self->answers == NULL || self->outbox == NULL)
    return;

  /* Answers to questions no longer asked (a show_if that changed after
   * they were given) are not part of the report. */
  sr_answers_prune (self->answers, self->form);

  /* The form may need an answer or two (who the report is about). Say
   * which, in the person's words, rather than let sealing refuse with a
   * question id. */
  for (guint i = 0; i < sr_form_get_n_questions (self->form); i++)
    {
      SrQuestion *question = question_at (self, i);

      if (is_asked (self, i) && sr_question_get_required (question)
          && !sr_answers_has (self->answers, sr_question_get_id (question)))
        {
          /* Translators: %s is a question of the form. */
          g_autofree char *message = g_strdup_printf (_("Before sending, please answer this question: “%s”. Go back to change your answers."),
                                                      sr_question_get_label (question, self->lang));

          sr_send_page_set_error (page, message);
          return;
        }
    }

  /* From here the pages must not touch the answers: the thread reads
   * them. */
  for (guint i = 0; i < self->question_pages->len; i++)
    {
      GtkWidget *question_page = g_ptr_array_index (self->question_pages, i);

      if (question_page != NULL)
        sr_question_page_detach (SR_QUESTION_PAGE (question_page));
    }
  sr_send_page_set_error (page, NULL);
  sr_send_page_set_busy (page, TRUE);
  sr_send_page_detach (page);

  job = g_new0 (SealJob, 1);
  job->outbox = g_object_ref (self->outbox);
  job->answers = g_steal_pointer (&self->answers);
  self->sealing = TRUE;
  update_chrome (self);

  /* Closing the window while sealing must not end the process before the
   * envelope is committed. */
  if (app != NULL)
    g_application_hold (G_APPLICATION (app));

  task = g_task_new (self, NULL, on_sealed, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, on_send);
  g_task_set_task_data (task, job, seal_job_free);
  g_task_run_in_thread (task, seal_in_thread);
}

/* Actions */

static void
action_next (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  guint next;

  switch (self->page)
    {
    case SR_PAGE_WELCOME:
      next = next_asked (self, 0);
      if (next != NO_QUESTION)
        show_page (self, SR_PAGE_QUESTION, next);
      else
        show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
      break;

    case SR_PAGE_QUESTION:
      next = self->from_review ? NO_QUESTION : next_asked (self, self->question + 1);
      self->from_review = FALSE;
      if (next != NO_QUESTION)
        show_page (self, SR_PAGE_QUESTION, next);
      else
        show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
      break;

    case SR_PAGE_SECTION:
      next = self->from_review ? NO_QUESTION : next_section (self, self->question + 1);
      self->from_review = FALSE;
      if (next != NO_QUESTION)
        show_page (self, SR_PAGE_SECTION, next);
      else
        show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
      break;

    case SR_PAGE_REVIEW:
      show_page (self, SR_PAGE_SEND, NO_QUESTION);
      break;

    case SR_PAGE_PROBLEM:
    case SR_PAGE_LANGUAGE:
    case SR_PAGE_SEND:
    case SR_PAGE_RECEIPT:
    case SR_PAGE_HELP:
    case SR_PAGE_ADMIN:
    default:
      break;
    }
}

static void
action_back (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  guint previous;

  switch (self->page)
    {
    case SR_PAGE_WELCOME:
      self->choosing_again = TRUE;
      self->return_page = SR_PAGE_WELCOME;
      self->return_question = NO_QUESTION;
      show_page (self, SR_PAGE_LANGUAGE, NO_QUESTION);
      break;

    case SR_PAGE_QUESTION:
      previous = self->from_review ? NO_QUESTION : previous_asked (self, self->question);
      if (self->from_review)
        {
          self->from_review = FALSE;
          show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
        }
      else if (previous != NO_QUESTION)
        show_page (self, SR_PAGE_QUESTION, previous);
      else
        show_page (self, SR_PAGE_WELCOME, NO_QUESTION);
      break;

    case SR_PAGE_SECTION:
      previous = self->from_review ? NO_QUESTION : previous_section (self, self->question);
      if (self->from_review)
        {
          self->from_review = FALSE;
          show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
        }
      else if (previous != NO_QUESTION)
        {
          show_page (self, SR_PAGE_SECTION, previous);
        }
      else
        {
          self->choosing_again = TRUE;
          self->return_page = SR_PAGE_SECTION;
          self->return_question = self->question;
          show_page (self, SR_PAGE_LANGUAGE, NO_QUESTION);
        }
      break;

    case SR_PAGE_REVIEW:
      if (self->operator_mode)
        {
          previous = previous_section (self, self->section_pages->len);
          if (previous != NO_QUESTION)
            show_page (self, SR_PAGE_SECTION, previous);
          break;
        }
      previous = previous_asked (self, sr_form_get_n_questions (self->form));
      if (previous != NO_QUESTION)
        show_page (self, SR_PAGE_QUESTION, previous);
      else
        show_page (self, SR_PAGE_WELCOME, NO_QUESTION);
      break;

    case SR_PAGE_SEND:
      show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
      break;

    case SR_PAGE_HELP:
      show_page (self, self->return_page, self->return_question);
      break;

    case SR_PAGE_LANGUAGE:
      if (self->choosing_again)
        {
          self->choosing_again = FALSE;
          show_page (self, self->return_page, self->return_question);
        }
      break;

    case SR_PAGE_PROBLEM:
    case SR_PAGE_RECEIPT:
    case SR_PAGE_ADMIN:
    default:
      break;
    }
}

static void
action_help (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  if (self->page == SR_PAGE_HELP || self->page == SR_PAGE_PROBLEM)
    return;

  self->return_page = self->page;
  self->return_question = self->question;
  show_page (self, SR_PAGE_HELP, NO_QUESTION);
}

static void
action_language (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  if (self->page == SR_PAGE_LANGUAGE || self->page == SR_PAGE_PROBLEM)
    return;

  /* Help is a side trip; coming back from the language lands where the
   * side trip started. */
  if (self->page != SR_PAGE_HELP)
    {
      self->return_page = self->page;
      self->return_question = self->question;
    }
  self->choosing_again = TRUE;
  show_page (self, SR_PAGE_LANGUAGE, NO_QUESTION);
}

static void
action_finish (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sr_window_reset (SR_WINDOW (widget));
}

static void
action_review (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  /* Operator mode, Ctrl+Enter: straight to the review, from anywhere in
   * the form. */
  if (!self->operator_mode || self->page != SR_PAGE_SECTION)
    return;

  self->from_review = FALSE;
  show_page (self, SR_PAGE_REVIEW, NO_QUESTION);
}

static void
action_admin (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sr_window_open_admin (SR_WINDOW (widget));
}

GtkWindow *
sr_window_show_about (SrWindow *self)
{
  AdwAboutWindow *about;

  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  adw_about_window_set_application_name (about, "SafeReport");
  adw_about_window_set_application_icon (about, SR_APP_ID);
  adw_about_window_set_version (about, SR_VERSION);
  adw_about_window_set_developer_name (about, "SafeReport developers");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  /* Translations drafted without a native speaker's review say so, so
   * that nobody mistakes them for reviewed ones. */
  if (sr_i18n_is_draft ())
    adw_about_window_set_comments (about,
                                   _("This translation is a draft. It has not yet been reviewed by a native speaker."));
  gtk_window_present (GTK_WINDOW (about));

  return GTK_WINDOW (about);
}

static void
action_about (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sr_window_show_about (SR_WINDOW (widget));
}

/* GObject */

static gboolean
sr_window_close_request (GtkWindow *window)
{
  SrWindow *self = SR_WINDOW (window);

  /* A kiosk cannot be closed from the screen. */
  if (self->kiosk)
    return TRUE;

  /* Nothing is kept: the form is wiped as the window goes. */
  sr_window_reset (self);

  return GTK_WINDOW_CLASS (sr_window_parent_class)->close_request (window);
}

static void
sr_window_constructed (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);

  G_OBJECT_CLASS (sr_window_parent_class)->constructed (object);

  self->kiosk = self->mode == SR_WINDOW_KIOSK;
  self->operator_mode = self->mode == SR_WINDOW_OPERATOR;

  if (self->kiosk)
    {
      gtk_window_set_deletable (GTK_WINDOW (self), FALSE);
      gtk_window_fullscreen (GTK_WINDOW (self));
      adw_header_bar_set_show_end_title_buttons (self->header_bar, FALSE);
      adw_header_bar_set_show_start_title_buttons (self->header_bar, FALSE);
    }

  self->lang = g_strdup (sr_i18n_get_language ());
  update_language_class (self);
  sr_window_retranslate (self);
  update_chrome (self);

  if (self->outbox == NULL)
    return;

  sr_window_load_profile (self);
  sr_window_reset (self);
}

static void
sr_window_dispose (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);

  sr_window_safety_dispose (self);

  close_admin (self);
  if (self->question_pages != NULL)
    wipe_pages (self);
  if (self->high_contrast)
    {
      self->high_contrast = FALSE;
      apply_high_contrast (self, FALSE);
    }

  G_OBJECT_CLASS (sr_window_parent_class)->dispose (object);
}

static void
sr_window_finalize (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);

  if (self->answers != NULL)
    sr_answers_clear (self->answers);
  g_clear_pointer (&self->answers, sr_answers_free);
  g_clear_pointer (&self->receipt, sr_wipe_string_free);
  g_clear_pointer (&self->envelope, g_bytes_unref);
  g_clear_pointer (&self->question_pages, g_ptr_array_unref);
  g_clear_pointer (&self->section_pages, g_ptr_array_unref);
  g_clear_pointer (&self->form, sr_form_unref);
  g_clear_pointer (&self->profile, sr_profile_unref);
  g_clear_object (&self->outbox);
  g_free (self->lang);

  G_OBJECT_CLASS (sr_window_parent_class)->finalize (object);
}

static void
sr_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SrWindow *self = SR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_OUTBOX:
      g_value_set_object (value, self->outbox);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_PAGE:
      g_value_set_int (value, self->page);
      break;
    case PROP_LARGE_TEXT:
      g_value_set_boolean (value, self->large_text);
      break;
    case PROP_HIGH_CONTRAST:
      g_value_set_boolean (value, self->high_contrast);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SrWindow *self = SR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_OUTBOX:
      self->outbox = g_value_dup_object (value);
      break;
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;
    case PROP_LARGE_TEXT:
      sr_window_set_large_text (self, g_value_get_boolean (value));
      break;
    case PROP_HIGH_CONTRAST:
      sr_window_set_high_contrast (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_window_class_init (SrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = sr_window_constructed;
  object_class->dispose = sr_window_dispose;
  object_class->finalize = sr_window_finalize;
  object_class->get_property = sr_window_get_property;
  object_class->set_property = sr_window_set_property;
  window_class->close_request = sr_window_close_request;

  properties[PROP_OUTBOX] =
    g_param_spec_object ("outbox", NULL, NULL,
                         SR_TYPE_OUTBOX,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       SR_TYPE_WINDOW_MODE, SR_WINDOW_DESKTOP,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE] =
    g_param_spec_int ("page", NULL, NULL,
                      SR_PAGE_PROBLEM, SR_PAGE_SECTION, SR_PAGE_PROBLEM,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LARGE_TEXT] =
    g_param_spec_boolean ("large-text", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGH_CONTRAST] =
    g_param_spec_boolean ("high-contrast", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, language_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, language_content);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, help_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, help_content);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, quick_exit_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, quick_exit_content);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, problem_detail);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, idle_warning);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, idle_title);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, idle_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, idle_countdown_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, idle_continue_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, nav_bar);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, keyboard_revealer);

  gtk_widget_class_install_action (widget_class, "win.next", NULL, action_next);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, action_back);
  gtk_widget_class_install_action (widget_class, "win.help", NULL, action_help);
  gtk_widget_class_install_action (widget_class, "win.language", NULL, action_language);
  gtk_widget_class_install_action (widget_class, "win.finish", NULL, action_finish);
  gtk_widget_class_install_action (widget_class, "win.admin", NULL, action_admin);
  gtk_widget_class_install_action (widget_class, "win.about", NULL, action_about);
  gtk_widget_class_install_action (widget_class, "win.review", NULL, action_review);
  gtk_widget_class_install_property_action (widget_class, "win.large-text", "large-text");
  gtk_widget_class_install_property_action (widget_class, "win.high-contrast", "high-contrast");

  sr_window_safety_class_init (widget_class);
}

/* ---- On-screen keyboard ------------------------------------------------ */

static gboolean
is_text_field (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget))
    return gtk_editable_get_editable (GTK_EDITABLE (widget));
  if (GTK_IS_TEXT_VIEW (widget))
    return gtk_text_view_get_editable (GTK_TEXT_VIEW (widget));
  return FALSE;
}

/* The keyboard types into the text field that has the focus, and is
 * shown only while one has it: its keys never take the focus. */
static void
on_focus_widget (SrWindow   *self,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *target = self->on_screen_keyboard && focus != NULL && is_text_field (focus)
                      ? focus : NULL;

  if (self->keyboard != NULL)
    sr_keyboard_set_target (self->keyboard, target);
  gtk_revealer_set_reveal_child (self->keyboard_revealer, target != NULL);
}

void
sr_window_set_on_screen_keyboard (SrWindow *self,
                                  gboolean  enabled)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  self->on_screen_keyboard = !!enabled;
  /* Made only when asked for: reading a layout takes a few milliseconds
   * the start-up of every other window need not spend. */
  if (self->on_screen_keyboard && self->keyboard == NULL)
    {
      self->keyboard = SR_KEYBOARD (sr_keyboard_new ());
      sr_keyboard_set_language (self->keyboard, self->lang);
      gtk_revealer_set_child (self->keyboard_revealer, GTK_WIDGET (self->keyboard));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->keyboard_revealer), self->on_screen_keyboard);
  on_focus_widget (self, NULL, NULL);
}

gboolean
sr_window_get_on_screen_keyboard (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);

  return self->on_screen_keyboard;
}

GtkWidget *
sr_window_get_keyboard (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->keyboard);
}

static void
sr_window_init (SrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->question_pages = g_ptr_array_new ();
  self->section_pages = g_ptr_array_new ();
  self->page = SR_PAGE_PROBLEM;
  self->question = NO_QUESTION;
  self->return_page = SR_PAGE_WELCOME;
  self->return_question = NO_QUESTION;

  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (on_focus_widget), NULL);
  sr_window_safety_init (self);
}

SrWindow *
sr_window_new (GtkApplication *app,
               SrOutbox       *outbox,
               SrWindowMode    mode)
{
  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (outbox == NULL || SR_IS_OUTBOX (outbox), NULL);

  return g_object_new (SR_TYPE_WINDOW,
                       "application", app,
                       "outbox", outbox,
                       "mode", mode,
                       NULL);
}

void
sr_window_show_problem (SrWindow   *self,
                        const char *title,
                        const char *description,
                        const char *detail)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  adw_status_page_set_title (self->problem_page, title);
  adw_status_page_set_description (self->problem_page, description);
  gtk_label_set_text (self->problem_detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_detail), detail != NULL);

  self->page = SR_PAGE_PROBLEM;
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->problem_page));
  update_chrome (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

SrPage
sr_window_get_page (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), SR_PAGE_PROBLEM);

  return self->page;
}

const char *
sr_window_get_language (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->lang;
}

SrAnswers *
sr_window_get_answers (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->answers;
}

const char *
sr_window_get_receipt (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->page == SR_PAGE_RECEIPT ? self->receipt : NULL;
}

gboolean
sr_window_get_sealing (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);

  return self->sealing;
}

SrWindowMode
sr_window_get_mode (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), SR_WINDOW_DESKTOP);

  return self->mode;
}
