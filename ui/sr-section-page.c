/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-section-page"

#include "sr-config.h"

#include "sr-section-page.h"

struct _SrSectionPage
{
  AdwBin     parent_instance;

  GtkWidget *scrolled;
  GtkWidget *box;
  GPtrArray *pages;   /* SrQuestionPage, in form order; owned by the box */
};

G_DEFINE_FINAL_TYPE (SrSectionPage, sr_section_page, ADW_TYPE_BIN)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
scroll_to (SrSectionPage *self,
           GtkWidget     *widget)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled));
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->scrolled));
  double x = 0, y = 0;

  /* The question's title, not only its field, comes into view. */
  if (gtk_widget_translate_coordinates (widget, content, 0, 0, &x, &y))
    gtk_adjustment_clamp_page (adjustment, y, y + gtk_widget_get_height (widget));
}

static gboolean
focusable (SrQuestionPage *page)
{
  return gtk_widget_get_visible (GTK_WIDGET (page)) && sr_question_page_takes_focus (page);
}

static void
on_question_done (SrQuestionPage *page,
                  SrSectionPage  *self)
{
  guint index;

  if (!g_ptr_array_find (self->pages, page, &index))
    return;

  for (guint i = index + 1; i < self->pages->len; i++)
    {
      SrQuestionPage *next = g_ptr_array_index (self->pages, i);

      if (focusable (next))
        {
          sr_section_page_focus (self, next);
          return;
        }
    }

  g_signal_emit (self, signals[DONE], 0);
}

static void
sr_section_page_finalize (GObject *object)
{
  SrSectionPage *self = SR_SECTION_PAGE (object);

  g_clear_pointer (&self->pages, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_section_page_parent_class)->finalize (object);
}

static void
sr_section_page_class_init (SrSectionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_section_page_finalize;

  /**
   * SrSectionPage::done:
   *
   * Enter was pressed on the last question of the section.
   */
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
sr_section_page_init (SrSectionPage *self)
{
  GtkWidget *viewport = gtk_viewport_new (NULL, NULL);
  GtkWidget *clamp = adw_clamp_new ();

  self->pages = g_ptr_array_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class (self->box, "sr-page");
  gtk_widget_add_css_class (self->box, "section-page");

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 860);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->box);
  /* Natural heights: every question at its full size, one after the
   * other, and the page scrolls. */
  gtk_scrollable_set_vscroll_policy (GTK_SCROLLABLE (viewport), GTK_SCROLL_NATURAL);
  gtk_viewport_set_child (GTK_VIEWPORT (viewport), clamp);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), viewport);
  adw_bin_set_child (ADW_BIN (self), self->scrolled);
}

GtkWidget *
sr_section_page_new (const char *title)
{
  SrSectionPage *self = g_object_new (SR_TYPE_SECTION_PAGE, NULL);

  if (title != NULL)
    {
      GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                       "label", title,
                                       "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING,
                                       NULL);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "title-1");
      gtk_box_append (GTK_BOX (self->box), label);
    }

  return GTK_WIDGET (self);
}

void
sr_section_page_append (SrSectionPage  *self,
                        SrQuestionPage *page)
{
  g_return_if_fail (SR_IS_SECTION_PAGE (self));
  g_return_if_fail (SR_IS_QUESTION_PAGE (page));

  sr_question_page_set_compact (page);
  g_signal_connect (page, "done", G_CALLBACK (on_question_done), self);
  g_ptr_array_add (self->pages, page);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (page));
}

guint
sr_section_page_update (SrSectionPage *self,
                        SrAnswers     *answers)
{
  guint shown = 0;

  g_return_val_if_fail (SR_IS_SECTION_PAGE (self), 0);

  for (guint i = 0; i < self->pages->len; i++)
    {
      SrQuestionPage *page = g_ptr_array_index (self->pages, i);
      gboolean visible = answers != NULL
                         && sr_question_is_shown (sr_question_page_get_question (page), answers);

      gtk_widget_set_visible (GTK_WIDGET (page), visible);
      if (visible)
        shown++;
    }

  return shown;
}

void
sr_section_page_focus (SrSectionPage  *self,
                       SrQuestionPage *page)
{
  g_return_if_fail (SR_IS_SECTION_PAGE (self));

  if (page == NULL)
    for (guint i = 0; i < self->pages->len && page == NULL; i++)
      if (focusable (g_ptr_array_index (self->pages, i)))
        page = g_ptr_array_index (self->pages, i);

  if (page == NULL)
    return;

  sr_question_page_focus (page);
  scroll_to (self, GTK_WIDGET (page));
}

gboolean
sr_section_page_contains (SrSectionPage  *self,
                          SrQuestionPage *page)
{
  g_return_val_if_fail (SR_IS_SECTION_PAGE (self), FALSE);

  return g_ptr_array_find (self->pages, page, NULL);
}
