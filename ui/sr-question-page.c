/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-question-page"

#include "sr-config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sr-countries.h"
#include "sr-i18n.h"
#include "sr-question-page.h"
#include "sr-secret.h"

/* How many years back the date question reaches. */
#define DATE_YEARS 50

struct _SrQuestionPage
{
  AdwBin         parent_instance;

  GtkScrolledWindow *scrolled_window;
  GtkLabel      *title_label;
  GtkLabel      *help_label;
  GtkBox        *editor_box;
  GtkButton     *clear_button;

  SrQuestion    *question;
  SrAnswers     *answers;   /* not owned; NULL once detached */
  char          *lang;

  /* Set while the page changes its own controls, so that their signals do
   * not write back into the answers. */
  gboolean       updating;

  /* The controls, by kind. */
  GPtrArray     *choices;   /* GtkToggleButton or GtkCheckButton, data "sr-value" */
  GtkEntry      *entry;
  GtkTextBuffer *buffer;
  GtkWidget     *text_view;
  GtkLabel      *counter_label;
  GtkSpinButton *spin;
  GtkDropDown   *day;
  GtkDropDown   *month;
  GtkDropDown   *year;
  GtkSearchEntry *search;
  GtkListBox    *countries;
  GtkLabel      *chosen_label;
  char          *search_key;
};

G_DEFINE_FINAL_TYPE (SrQuestionPage, sr_question_page, ADW_TYPE_BIN)

enum {
  CHANGED,
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
sr_question_yes_no_label (const char *value)
{
  if (g_strcmp0 (value, "yes") == 0)
    return _("Yes");
  if (g_strcmp0 (value, "no") == 0)
    return _("No");
  if (g_strcmp0 (value, "unsure") == 0)
    return _("I am not sure");

  return value;
}

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
update_clear_button (SrQuestionPage *self)
{
  gboolean answered = self->answers != NULL
                      && sr_answers_has (self->answers, sr_question_get_id (self->question));

  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), answered);
}

static void
emit_changed (SrQuestionPage *self)
{
  update_clear_button (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
writable (SrQuestionPage *self)
{
  return !self->updating && self->answers != NULL;
}

/* Choices: single choice, yes/no, multiple choice, consent */

static void
on_single_toggled (GtkToggleButton *button,
                   SrQuestionPage  *self)
{
  if (!writable (self) || !gtk_toggle_button_get_active (button))
    return;

  sr_answers_set_text (self->answers, sr_question_get_id (self->question),
                       g_object_get_data (G_OBJECT (button), "sr-value"));
  emit_changed (self);
}

static void
on_multiple_toggled (GtkCheckButton *button,
                     SrQuestionPage *self)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

  if (!writable (self))
    return;

  for (guint i = 0; i < self->choices->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->choices, i);

      if (gtk_check_button_get_active (check))
        g_ptr_array_add (values, g_object_get_data (G_OBJECT (check), "sr-value"));
    }
  g_ptr_array_add (values, NULL);

  if (values->len > 1)
    sr_answers_set_list (self->answers, sr_question_get_id (self->question),
                         (const char *const *) values->pdata);
  else
    sr_answers_unset (self->answers, sr_question_get_id (self->question));

  emit_changed (self);
}

static void
on_consent_toggled (GtkCheckButton *button,
                    SrQuestionPage *self)
{
  if (!writable (self))
    return;

  if (gtk_check_button_get_active (button))
    sr_answers_set_bool (self->answers, sr_question_get_id (self->question), TRUE);
  else
    sr_answers_unset (self->answers, sr_question_get_id (self->question));

  emit_changed (self);
}

static GtkWidget *
make_choice_button (SrQuestionPage *self,
                    const char     *value,
                    const char     *label_text,
                    GtkToggleButton *group)
{
  GtkWidget *label = gtk_label_new (label_text);
  GtkWidget *button = gtk_toggle_button_new ();

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "choice");
  set_accessible_label (button, label_text);
  g_object_set_data_full (G_OBJECT (button), "sr-value", g_strdup (value), g_free);
  gtk_widget_set_name (button, value);

  if (group != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);

  g_signal_connect (button, "toggled", G_CALLBACK (on_single_toggled), self);
  g_ptr_array_add (self->choices, button);

  return button;
}

static void
build_single_choice (SrQuestionPage *self)
{
  guint n = sr_question_get_n_options (self->question);
  GtkToggleButton *group = NULL;

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = make_choice_button (self,
                                              sr_question_get_option_id (self->question, i),
                                              sr_question_get_option_label (self->question, i, self->lang),
                                              group);

      if (group == NULL)
        group = GTK_TOGGLE_BUTTON (button);
      gtk_box_append (self->editor_box, button);
    }
}

static void
build_yes_no (SrQuestionPage *self)
{
  static const char *values[] = { "yes", "no", "unsure" };
  GtkToggleButton *group = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      GtkWidget *button = make_choice_button (self, values[i],
                                              sr_question_yes_no_label (values[i]),
                                              group);

      if (group == NULL)
        group = GTK_TOGGLE_BUTTON (button);
      gtk_box_append (self->editor_box, button);
    }
}

static GtkWidget *
make_check_button (SrQuestionPage *self,
                   const char     *value,
                   const char     *label_text)
{
  GtkWidget *label = gtk_label_new (label_text);
  GtkWidget *check = gtk_check_button_new ();

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* Without it the label takes its narrowest width and wraps every word. */
  gtk_widget_set_hexpand (label, TRUE);
  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), label);
  gtk_widget_add_css_class (check, "choice");
  set_accessible_label (check, label_text);
  g_object_set_data_full (G_OBJECT (check), "sr-value", g_strdup (value), g_free);
  gtk_widget_set_name (check, value);
  g_ptr_array_add (self->choices, check);

  return check;
}

static void
build_multiple_choice (SrQuestionPage *self)
{
  guint n = sr_question_get_n_options (self->question);

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *check = make_check_button (self,
                                            sr_question_get_option_id (self->question, i),
                                            sr_question_get_option_label (self->question, i, self->lang));

      g_signal_connect (check, "toggled", G_CALLBACK (on_multiple_toggled), self);
      gtk_box_append (self->editor_box, check);
    }
}

static void
build_consent (SrQuestionPage *self)
{
  GtkWidget *check = make_check_button (self, "true", _("Yes, I agree"));

  g_signal_connect (check, "toggled", G_CALLBACK (on_consent_toggled), self);
  gtk_box_append (self->editor_box, check);
}

/* Text */

/* Input methods keep what is typed to learn from it; the private hint asks
 * them not to. */
#define PRIVATE_HINTS (GTK_INPUT_HINT_PRIVATE | GTK_INPUT_HINT_NO_SPELLCHECK)

static void
on_entry_changed (GtkEditable    *editable,
                  SrQuestionPage *self)
{
  const char *text = gtk_editable_get_text (editable);

  if (!writable (self))
    return;

  if (text == NULL || *text == '\0')
    sr_answers_unset (self->answers, sr_question_get_id (self->question));
  else
    sr_answers_set_text (self->answers, sr_question_get_id (self->question), text);

  emit_changed (self);
}

static void
build_short_text (SrQuestionPage *self)
{
  g_autoptr(GtkEntryBuffer) buffer = gtk_password_entry_buffer_new ();
  GtkWidget *entry = gtk_entry_new_with_buffer (buffer);
  guint max = sr_question_get_max_length (self->question);

  /* The password buffer is used for what it stores, not to hide it: GTK
   * keeps its text in locked memory, never swapped to disk, and wipes it
   * when it is replaced or freed. The text shows as usual. */
  self->entry = GTK_ENTRY (entry);
  if (max > 0)
    gtk_entry_set_max_length (self->entry, (int) max);
  gtk_entry_set_activates_default (self->entry, TRUE);
  gtk_entry_set_input_hints (self->entry, PRIVATE_HINTS);
  /* An undo history would keep a copy of what was typed after quick exit
   * clears it, and Ctrl+Z would bring it back. */
  gtk_editable_set_enable_undo (GTK_EDITABLE (entry), FALSE);
  set_accessible_label (entry, sr_question_get_label (self->question, self->lang));
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), self);
  gtk_box_append (self->editor_box, entry);
}

static void
update_counter (SrQuestionPage *self,
                glong           n_chars)
{
  guint max = sr_question_get_max_length (self->question);

  /* Numbers only distract until the limit is near. */
  if (max > 0 && n_chars * 5 >= (glong) max * 4)
    {
      /* Translators: characters typed, then the limit: "3600 / 4000". */
      g_autofree char *text = g_strdup_printf (_("%ld / %u"), n_chars, max);

      gtk_label_set_text (self->counter_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->counter_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->counter_label), FALSE);
    }
}

static void
on_buffer_changed (GtkTextBuffer  *buffer,
                   SrQuestionPage *self)
{
  GtkTextIter start, end;
  guint max = sr_question_get_max_length (self->question);
  char *text;
  glong n_chars;

  if (!writable (self))
    return;

  n_chars = gtk_text_buffer_get_char_count (buffer);
  if (max > 0 && n_chars > (glong) max)
    {
      /* Deleting emits "changed" again, which stores the shortened text. */
      gtk_text_buffer_get_iter_at_offset (buffer, &start, (int) max);
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_delete (buffer, &start, &end);
      return;
    }

  update_counter (self, n_chars);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (*text == '\0')
    sr_answers_unset (self->answers, sr_question_get_id (self->question));
  else
    sr_answers_set_text (self->answers, sr_question_get_id (self->question), text);
  /* Our copy of the text is wiped; GTK's own copies are beyond reach. */
  sr_wipe_string_free (text);

  emit_changed (self);
}

static void
build_long_text (SrQuestionPage *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  GtkWidget *counter = gtk_label_new (NULL);

  self->text_view = view;
  self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_enable_undo (self->buffer, FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  /* Tab moves on to the next control, so the form works from a keyboard
   * alone. */
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_input_hints (GTK_TEXT_VIEW (view), PRIVATE_HINTS);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
  set_accessible_label (view, sr_question_get_label (self->question, self->lang));

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 220);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_add_css_class (scrolled, "long-text");
  gtk_widget_add_css_class (scrolled, "view");

  self->counter_label = GTK_LABEL (counter);
  gtk_label_set_xalign (self->counter_label, 1);
  gtk_widget_add_css_class (counter, "dim-label");
  gtk_widget_set_visible (counter, FALSE);

  g_signal_connect (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  gtk_box_append (self->editor_box, scrolled);
  gtk_box_append (self->editor_box, counter);
}

/* Number */

static void
on_spin_changed (GtkEditable    *editable,
                 SrQuestionPage *self)
{
  const char *text = gtk_editable_get_text (editable);
  gint64 value;

  if (!writable (self))
    return;

  if (text == NULL || *text == '\0')
    sr_answers_unset (self->answers, sr_question_get_id (self->question));
  else if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT32, &value, NULL))
    sr_answers_set_number (self->answers, sr_question_get_id (self->question), value);
  else
    return;

  emit_changed (self);
}

static void
build_number (SrQuestionPage *self)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, 999999, 1);
  GtkEditable *delegate;

  self->spin = GTK_SPIN_BUTTON (spin);
  gtk_spin_button_set_numeric (self->spin, TRUE);
  gtk_spin_button_set_digits (self->spin, 0);
  gtk_widget_set_halign (spin, GTK_ALIGN_START);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 8);
  gtk_editable_set_enable_undo (GTK_EDITABLE (spin), FALSE);
  set_accessible_label (spin, sr_question_get_label (self->question, self->lang));
  /* No number until the person gives one. */
  gtk_editable_set_text (GTK_EDITABLE (spin), "");
  g_signal_connect (spin, "changed", G_CALLBACK (on_spin_changed), self);
  /* Enter moves on, as it does in a text field. GTK 4.8's spin button has
   * no such setting of its own; the text field inside it does. */
  delegate = gtk_editable_get_delegate (GTK_EDITABLE (spin));
  if (GTK_IS_TEXT (delegate))
    gtk_text_set_activates_default (GTK_TEXT (delegate), TRUE);
  gtk_box_append (self->editor_box, spin);
}

/* Date: day, month and year as three lists, each starting with "not
 * chosen", so a half-remembered date never turns into a wrong one. */

static guint
current_year (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return (guint) g_date_time_get_year (now);
}

static void
on_date_changed (GtkDropDown    *drop_down,
                 GParamSpec     *pspec,
                 SrQuestionPage *self)
{
  guint day = gtk_drop_down_get_selected (self->day);
  guint month = gtk_drop_down_get_selected (self->month);
  guint year_index = gtk_drop_down_get_selected (self->year);
  const char *id = sr_question_get_id (self->question);

  if (!writable (self))
    return;

  if (day == 0 || month == 0 || year_index == 0 || day == GTK_INVALID_LIST_POSITION
      || month == GTK_INVALID_LIST_POSITION || year_index == GTK_INVALID_LIST_POSITION)
    {
      sr_answers_unset (self->answers, id);
    }
  else
    {
      /* The year list counts back from this year; its labels may be in
       * another era (sr_i18n_display_year ()), its positions never are,
       * so the answer is Gregorian in every language. */
      guint year = current_year () - (year_index - 1);

      if (g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
        {
          g_autofree char *text = g_strdup_printf ("%04u-%02u-%02u", year, month, day);

          sr_answers_set_text (self->answers, id, text);
        }
      else
        {
          sr_answers_unset (self->answers, id);
        }
    }

  emit_changed (self);
}

static GtkDropDown *
make_date_part (SrQuestionPage *self,
                GtkBox         *row,
                const char     *caption,
                const char *const *items)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (caption);
  GtkWidget *drop_down = gtk_drop_down_new_from_strings (items);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  set_accessible_label (drop_down, caption);
  g_signal_connect (drop_down, "notify::selected", G_CALLBACK (on_date_changed), self);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), drop_down);
  gtk_box_append (row, box);

  return GTK_DROP_DOWN (drop_down);
}

static void
build_date (SrQuestionPage *self)
{
  const char *month_names[] = {
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
  };
  g_autoptr(GStrvBuilder) days = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) months = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) years = g_strv_builder_new ();
  g_auto(GStrv) day_items = NULL;
  g_auto(GStrv) month_items = NULL;
  g_auto(GStrv) year_items = NULL;
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  guint this_year = current_year ();
  guint order[3];

  /* Translators: shown in a date list when no day, month or year is chosen. */
  g_strv_builder_add (days, _("—"));
  g_strv_builder_add (months, _("—"));
  g_strv_builder_add (years, _("—"));
  for (guint d = 1; d <= 31; d++)
    {
      char number[16];

      g_autofree char *shown = NULL;

      g_snprintf (number, sizeof number, "%u", d);
      shown = sr_i18n_localize_digits (number);
      g_strv_builder_add (days, shown);
    }
  for (guint m = 0; m < G_N_ELEMENTS (month_names); m++)
    g_strv_builder_add (months, _(month_names[m]));
  for (guint y = 0; y < DATE_YEARS; y++)
    {
      char number[16];

      g_autofree char *shown = NULL;

      /* As the language counts years: 2568 for 2025 in Thai. */
      g_snprintf (number, sizeof number, "%u", sr_i18n_display_year (this_year - y));
      shown = sr_i18n_localize_digits (number);
      g_strv_builder_add (years, shown);
    }

  day_items = g_strv_builder_end (days);
  month_items = g_strv_builder_end (months);
  year_items = g_strv_builder_end (years);

  /* In the order the language writes a date, so that the lists read as
   * one; keyboard focus follows the same order. A right-to-left language
   * gets the row mirrored by GTK. */
  sr_i18n_date_order (order);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    switch (order[i])
      {
      case 0:
        self->day = make_date_part (self, GTK_BOX (row), _("Day"), (const char *const *) day_items);
        break;
      case 1:
        self->month = make_date_part (self, GTK_BOX (row), _("Month"),
                                      (const char *const *) month_items);
        break;
      case 2:
      default:
        self->year = make_date_part (self, GTK_BOX (row), _("Year"), (const char *const *) year_items);
        break;
      }
  gtk_box_append (self->editor_box, row);
}

/* Country: a search field over a list of names in the person's language. */

static char *
search_key (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized != NULL ? normalized : text, -1);
}

/* The countries where people are most often held, or first reach help
 * (CONTEXT.md), at the top of the list so most people need not search. */
static const char *common_countries[] = {
  "MM", "KH", "LA", "TH", "PH", "MY", "VN", "CN", "ID",
};

static gboolean
searching (SrQuestionPage *self)
{
  return self->search_key != NULL && *self->search_key != '\0';
}

static gboolean
country_filter (GtkListBoxRow *row,
                gpointer       user_data)
{
  SrQuestionPage *self = user_data;
  const char *haystack = g_object_get_data (G_OBJECT (row), "sr-search");

  if (!searching (self))
    return TRUE;

  /* The short list would only repeat what the search finds. */
  if (g_object_get_data (G_OBJECT (row), "sr-common") != NULL)
    return FALSE;

  return strstr (haystack, self->search_key) != NULL;
}

static void
country_header (GtkListBoxRow *row,
                GtkListBoxRow *before,
                gpointer       user_data)
{
  SrQuestionPage *self = user_data;
  gboolean common = g_object_get_data (G_OBJECT (row), "sr-common") != NULL;
  gboolean after_common = before != NULL && g_object_get_data (G_OBJECT (before), "sr-common") != NULL;
  const char *title = NULL;
  GtkWidget *header;

  if (!searching (self))
    {
      if (before == NULL && common)
        title = _("Often chosen");
      else if (!common && (before == NULL || after_common))
        title = _("All countries");
    }

  if (title == NULL)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_list_box_row_set_header (row, header);
}

static void
update_chosen_label (SrQuestionPage *self,
                     const char     *code)
{
  if (code != NULL)
    {
      /* Translators: %s is the name of the country the person chose. */
      g_autofree char *text = g_strdup_printf (_("Chosen: %s"), sr_countries_display_name (code));

      gtk_label_set_text (self->chosen_label, text);
    }
  else
    {
      gtk_label_set_text (self->chosen_label, _("No country chosen"));
    }
}

static void
on_search_changed (GtkSearchEntry *entry,
                   SrQuestionPage *self)
{
  g_free (self->search_key);
  self->search_key = search_key (gtk_editable_get_text (GTK_EDITABLE (entry)));
  gtk_list_box_invalidate_filter (self->countries);
  gtk_list_box_invalidate_headers (self->countries);
}

static void
on_country_selected (GtkListBox     *list,
                     GtkListBoxRow  *row,
                     SrQuestionPage *self)
{
  const char *code;

  if (!writable (self) || row == NULL)
    return;

  code = g_object_get_data (G_OBJECT (row), "sr-value");
  sr_answers_set_text (self->answers, sr_question_get_id (self->question), code);
  update_chosen_label (self, code);
  emit_changed (self);
}

static void
on_search_activate (GtkSearchEntry *entry,
                    SrQuestionPage *self)
{
  /* Enter picks the first country the search still shows. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->countries));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child)
          && country_filter (GTK_LIST_BOX_ROW (child), self))
        {
          gtk_list_box_select_row (self->countries, GTK_LIST_BOX_ROW (child));
          return;
        }
    }
}

typedef struct
{
  const char *code;
  const char *name;
  char       *collate_key;
} CountryItem;

static int
compare_country_items (gconstpointer a,
                       gconstpointer b)
{
  const CountryItem *x = a;
  const CountryItem *y = b;

  return strcmp (x->collate_key, y->collate_key);
}

static void
append_country (SrQuestionPage *self,
                const char     *code,
                const char     *name,
                gboolean        common)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *haystack = g_strconcat (name, "\n", sr_countries_lookup (code), "\n", code, NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_name (row, code);
  g_object_set_data_full (G_OBJECT (row), "sr-value", g_strdup (code), g_free);
  g_object_set_data_full (G_OBJECT (row), "sr-search", search_key (haystack), g_free);
  if (common)
    g_object_set_data (G_OBJECT (row), "sr-common", GINT_TO_POINTER (TRUE));
  gtk_list_box_append (self->countries, row);
}

static void
build_country (SrQuestionPage *self)
{
  GtkWidget *search = gtk_search_entry_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *chosen = gtk_label_new (NULL);
  guint n = 0;
  const SrCountry *all = sr_countries_get (&n);
  g_autoptr(GArray) items = g_array_sized_new (FALSE, FALSE, sizeof (CountryItem), n);

  self->search = GTK_SEARCH_ENTRY (search);
  self->countries = GTK_LIST_BOX (list);
  self->chosen_label = GTK_LABEL (chosen);

  gtk_editable_set_enable_undo (GTK_EDITABLE (search), FALSE);
  set_accessible_label (search, _("Search for a country"));
  g_object_set (search, "placeholder-text", _("Search for a country"), NULL);
  g_signal_connect (search, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (search, "activate", G_CALLBACK (on_search_activate), self);

  for (guint i = 0; i < n; i++)
    {
      CountryItem item;

      item.code = all[i].code;
      item.name = sr_i18n_country_name (all[i].english);
      item.collate_key = g_utf8_collate_key (item.name, -1);
      g_array_append_val (items, item);
    }
  g_array_sort (items, compare_country_items);

  for (guint i = 0; i < G_N_ELEMENTS (common_countries); i++)
    append_country (self, common_countries[i], sr_countries_display_name (common_countries[i]), TRUE);

  for (guint i = 0; i < items->len; i++)
    {
      CountryItem *item = &g_array_index (items, CountryItem, i);

      append_country (self, item->code, item->name, FALSE);
      g_free (item->collate_key);
    }

  gtk_list_box_set_selection_mode (self->countries, GTK_SELECTION_SINGLE);
  gtk_list_box_set_filter_func (self->countries, country_filter, self, NULL);
  gtk_list_box_set_header_func (self->countries, country_header, self, NULL);
  gtk_widget_add_css_class (list, "countries");
  set_accessible_label (list, sr_question_get_label (self->question, self->lang));
  g_signal_connect (list, "row-selected", G_CALLBACK (on_country_selected), self);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 280);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_add_css_class (scrolled, "card");

  gtk_label_set_xalign (self->chosen_label, 0);
  gtk_label_set_wrap (self->chosen_label, TRUE);
  gtk_widget_add_css_class (chosen, "body-text");
  update_chosen_label (self, NULL);

  gtk_box_append (self->editor_box, search);
  gtk_box_append (self->editor_box, scrolled);
  gtk_box_append (self->editor_box, chosen);
}

/* Putting the stored answer into the controls */

static void
show_answer (SrQuestionPage *self)
{
  const char *id = sr_question_get_id (self->question);
  SrAnswers *answers = self->answers;

  if (answers == NULL || !sr_answers_has (answers, id))
    return;

  self->updating = TRUE;

  switch (sr_question_get_kind (self->question))
    {
    case SR_QUESTION_SINGLE_CHOICE:
    case SR_QUESTION_YES_NO:
      for (guint i = 0; i < self->choices->len; i++)
        {
          GtkToggleButton *button = g_ptr_array_index (self->choices, i);
          const char *value = g_object_get_data (G_OBJECT (button), "sr-value");

          if (g_strcmp0 (value, sr_answers_get_text (answers, id)) == 0)
            gtk_toggle_button_set_active (button, TRUE);
        }
      break;

    case SR_QUESTION_MULTIPLE_CHOICE:
      {
        const char *const *values = sr_answers_get_list (answers, id);

        for (guint i = 0; i < self->choices->len; i++)
          {
            GtkCheckButton *check = g_ptr_array_index (self->choices, i);
            const char *value = g_object_get_data (G_OBJECT (check), "sr-value");

            gtk_check_button_set_active (check, values != NULL && g_strv_contains (values, value));
          }
      }
      break;

    case SR_QUESTION_CONSENT:
      if (self->choices->len > 0)
        gtk_check_button_set_active (g_ptr_array_index (self->choices, 0),
                                     sr_answers_get_bool (answers, id));
      break;

    case SR_QUESTION_SHORT_TEXT:
      gtk_editable_set_text (GTK_EDITABLE (self->entry), sr_answers_get_text (answers, id));
      break;

    case SR_QUESTION_LONG_TEXT:
      gtk_text_buffer_set_text (self->buffer, sr_answers_get_text (answers, id), -1);
      update_counter (self, gtk_text_buffer_get_char_count (self->buffer));
      break;

    case SR_QUESTION_NUMBER:
      gtk_spin_button_set_value (self->spin, (double) sr_answers_get_number (answers, id));
      break;

    case SR_QUESTION_DATE:
      {
        const char *text = sr_answers_get_text (answers, id);
        guint year = 0, month = 0, day = 0;

        if (sr_i18n_parse_date (text, &year, &month, &day)
            && year <= current_year () && current_year () - year < DATE_YEARS)
          {
            gtk_drop_down_set_selected (self->day, day);
            gtk_drop_down_set_selected (self->month, month);
            gtk_drop_down_set_selected (self->year, current_year () - year + 1);
          }
      }
      break;

    case SR_QUESTION_COUNTRY:
      {
        const char *code = sr_answers_get_text (answers, id);

        for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->countries));
             child != NULL;
             child = gtk_widget_get_next_sibling (child))
          {
            if (GTK_IS_LIST_BOX_ROW (child)
                && g_strcmp0 (g_object_get_data (G_OBJECT (child), "sr-value"), code) == 0)
              {
                gtk_list_box_select_row (self->countries, GTK_LIST_BOX_ROW (child));
                break;
              }
          }
        update_chosen_label (self, code);
      }
      break;

    case SR_QUESTION_INFO:
    default:
      break;
    }

  self->updating = FALSE;
}

/* Emptying the controls, for "Clear answer" and for quick exit. GTK frees
 * the text it held when a buffer is set to ""; it does not overwrite it, and
 * its internals are out of our reach. What we can do is leave nothing on
 * screen, in the accessibility tree or in an undo history (switched off
 * above), and wipe our own copy in the answers. */
static void
empty_controls (SrQuestionPage *self)
{
  self->updating = TRUE;

  /* An input method may be composing text in a field (preedit: pinyin, a
   * Khmer cluster). A field that stops being editable tells it to stop
   * (GTK resets it and takes the focus from it): it drops that text, or
   * commits it into the field, which is emptied below. Otherwise the
   * field would go on showing it, and the engine composing it, after
   * "Clear answer" or quick exit. gtk_text_view_reset_im_context ()
   * alone left ibus's m17n engines composing (tests/test-input-method.c). */
  if (self->entry != NULL)
    {
      gtk_editable_set_editable (GTK_EDITABLE (self->entry), FALSE);
      gtk_editable_set_editable (GTK_EDITABLE (self->entry), TRUE);
    }
  if (self->text_view != NULL)
    {
      gtk_text_view_set_editable (GTK_TEXT_VIEW (self->text_view), FALSE);
      gtk_text_view_set_editable (GTK_TEXT_VIEW (self->text_view), TRUE);
    }

  for (guint i = 0; self->choices != NULL && i < self->choices->len; i++)
    {
      GtkWidget *choice = g_ptr_array_index (self->choices, i);

      if (GTK_IS_TOGGLE_BUTTON (choice))
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (choice), FALSE);
      else if (GTK_IS_CHECK_BUTTON (choice))
        gtk_check_button_set_active (GTK_CHECK_BUTTON (choice), FALSE);
    }

  if (self->entry != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  if (self->buffer != NULL)
    {
      gtk_text_buffer_set_text (self->buffer, "", 0);
      update_counter (self, 0);
    }
  if (self->spin != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->spin), "");
  if (self->day != NULL)
    {
      gtk_drop_down_set_selected (self->day, 0);
      gtk_drop_down_set_selected (self->month, 0);
      gtk_drop_down_set_selected (self->year, 0);
    }
  if (self->search != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search), "");
      g_clear_pointer (&self->search_key, g_free);
      gtk_list_box_unselect_all (self->countries);
      gtk_list_box_invalidate_filter (self->countries);
      gtk_list_box_invalidate_headers (self->countries);
      update_chosen_label (self, NULL);
    }

  self->updating = FALSE;
}

static void
on_clear_clicked (GtkButton      *button,
                  SrQuestionPage *self)
{
  if (self->answers == NULL)
    return;

  empty_controls (self);
  sr_answers_unset (self->answers, sr_question_get_id (self->question));
  emit_changed (self);

  sr_question_page_focus (self);
}

static void
sr_question_page_dispose (GObject *object)
{
  SrQuestionPage *self = SR_QUESTION_PAGE (object);

  sr_question_page_detach (self);

  G_OBJECT_CLASS (sr_question_page_parent_class)->dispose (object);
}

static void
sr_question_page_finalize (GObject *object)
{
  SrQuestionPage *self = SR_QUESTION_PAGE (object);

  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_pointer (&self->search_key, g_free);
  g_free (self->lang);

  G_OBJECT_CLASS (sr_question_page_parent_class)->finalize (object);
}

static void
sr_question_page_class_init (SrQuestionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_question_page_dispose;
  object_class->finalize = sr_question_page_finalize;

  /**
   * SrQuestionPage::changed:
   *
   * The answer changed (set, replaced or removed).
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * SrQuestionPage::done:
   *
   * In compact mode, the person pressed Enter on the answer: time to move
   * to the next question.
   */
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-question-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrQuestionPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SrQuestionPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, SrQuestionPage, help_label);
  gtk_widget_class_bind_template_child (widget_class, SrQuestionPage, editor_box);
  gtk_widget_class_bind_template_child (widget_class, SrQuestionPage, clear_button);
}

static void
sr_question_page_init (SrQuestionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->choices = g_ptr_array_new ();
  g_signal_connect (self->clear_button, "clicked", G_CALLBACK (on_clear_clicked), self);
}

GtkWidget *
sr_question_page_new (SrQuestion *question,
                      SrAnswers  *answers,
                      const char *lang)
{
  SrQuestionPage *self;
  const char *help;

  g_return_val_if_fail (question != NULL, NULL);
  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (lang != NULL, NULL);

  self = g_object_new (SR_TYPE_QUESTION_PAGE, NULL);
  self->question = question;
  self->answers = answers;
  self->lang = g_strdup (lang);

  gtk_widget_set_name (GTK_WIDGET (self), sr_question_get_id (question));
  gtk_label_set_text (self->title_label, sr_question_get_label (question, lang));

  help = sr_question_get_help (question, lang);
  if (help != NULL && *help != '\0')
    {
      gtk_label_set_text (self->help_label, help);
      gtk_widget_set_visible (GTK_WIDGET (self->help_label), TRUE);
    }

  switch (sr_question_get_kind (question))
    {
    case SR_QUESTION_SINGLE_CHOICE:
      build_single_choice (self);
      break;
    case SR_QUESTION_MULTIPLE_CHOICE:
      build_multiple_choice (self);
      break;
    case SR_QUESTION_SHORT_TEXT:
      build_short_text (self);
      break;
    case SR_QUESTION_LONG_TEXT:
      build_long_text (self);
      break;
    case SR_QUESTION_DATE:
      build_date (self);
      break;
    case SR_QUESTION_COUNTRY:
      build_country (self);
      break;
    case SR_QUESTION_NUMBER:
      build_number (self);
      break;
    case SR_QUESTION_YES_NO:
      build_yes_no (self);
      break;
    case SR_QUESTION_CONSENT:
      build_consent (self);
      break;
    case SR_QUESTION_INFO:
    default:
      /* Text only: there is nothing to answer or clear. */
      gtk_widget_set_visible (GTK_WIDGET (self->clear_button), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->editor_box), FALSE);
      break;
    }

  show_answer (self);
  update_clear_button (self);

  return GTK_WIDGET (self);
}

SrQuestion *
sr_question_page_get_question (SrQuestionPage *self)
{
  g_return_val_if_fail (SR_IS_QUESTION_PAGE (self), NULL);

  return self->question;
}

void
sr_question_page_focus (SrQuestionPage *self)
{
  GtkWidget *target = NULL;

  g_return_if_fail (SR_IS_QUESTION_PAGE (self));

  if (self->entry != NULL)
    target = GTK_WIDGET (self->entry);
  else if (self->text_view != NULL)
    target = self->text_view;
  else if (self->spin != NULL)
    target = GTK_WIDGET (self->spin);
  else if (self->day != NULL)
    target = GTK_WIDGET (self->day);
  else if (self->search != NULL)
    target = GTK_WIDGET (self->search);
  else if (self->choices->len > 0)
    target = g_ptr_array_index (self->choices, 0);

  if (target != NULL && target == GTK_WIDGET (self->entry))
    {
      /* GTK selects an entry's text when it takes the focus, and the next
       * key, or key of the on-screen keyboard, would replace the answer a
       * person came back to. The cursor goes after it instead. */
      gtk_entry_grab_focus_without_selecting (self->entry);
      gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
    }
  else if (target != NULL)
    {
      gtk_widget_grab_focus (target);
    }
}

void
sr_question_page_detach (SrQuestionPage *self)
{
  g_return_if_fail (SR_IS_QUESTION_PAGE (self));

  self->answers = NULL;
}

void
sr_question_page_wipe (SrQuestionPage *self)
{
  g_return_if_fail (SR_IS_QUESTION_PAGE (self));

  sr_question_page_detach (self);
  empty_controls (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), FALSE);
}

static void
emit_done (SrQuestionPage *self)
{
  g_signal_emit (self, signals[DONE], 0);
}

static void
on_choice_activated (GtkButton      *button,
                     SrQuestionPage *self)
{
  /* Enter or Space chose this answer (a click does not come here). */
  emit_done (self);
}

void
sr_question_page_set_compact (SrQuestionPage *self)
{
  g_return_if_fail (SR_IS_QUESTION_PAGE (self));

  /* One of several on a page that scrolls as a whole. */
  gtk_scrolled_window_set_policy (self->scrolled_window, GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  gtk_widget_add_css_class (GTK_WIDGET (self), "compact");

  /* Enter moves on to the next question, not to the next page. */
  if (self->entry != NULL)
    {
      gtk_entry_set_activates_default (self->entry, FALSE);
      g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (emit_done), self);
    }
  if (self->spin != NULL)
    {
      GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (self->spin));

      /* GTK 4.8's spin button has no "activate" of its own; its text
       * field does. */
      if (GTK_IS_TEXT (delegate))
        {
          gtk_text_set_activates_default (GTK_TEXT (delegate), FALSE);
          g_signal_connect_swapped (delegate, "activate", G_CALLBACK (emit_done), self);
        }
    }
  if (self->search != NULL)
    g_signal_connect_data (self->search, "activate", G_CALLBACK (emit_done), self,
                           NULL, G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  switch (sr_question_get_kind (self->question))
    {
    case SR_QUESTION_SINGLE_CHOICE:
    case SR_QUESTION_YES_NO:
      for (guint i = 0; i < self->choices->len; i++)
        g_signal_connect_after (g_ptr_array_index (self->choices, i), "activate",
                                G_CALLBACK (on_choice_activated), self);
      break;
    case SR_QUESTION_MULTIPLE_CHOICE:
    case SR_QUESTION_SHORT_TEXT:
    case SR_QUESTION_LONG_TEXT:
    case SR_QUESTION_DATE:
    case SR_QUESTION_COUNTRY:
    case SR_QUESTION_NUMBER:
    case SR_QUESTION_CONSENT:
    case SR_QUESTION_INFO:
    default:
      /* Several answers, a story with lines of its own, or lists that open
       * on Enter: Tab moves on. */
      break;
    }
}

gboolean
sr_question_page_takes_focus (SrQuestionPage *self)
{
  g_return_val_if_fail (SR_IS_QUESTION_PAGE (self), FALSE);

  return sr_question_get_kind (self->question) != SR_QUESTION_INFO;
}
