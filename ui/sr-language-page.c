/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-language-page"

#include "sr-config.h"

#include "sr-form.h"
#include "sr-i18n.h"
#include "sr-language-page.h"

struct _SrLanguagePage
{
  AdwBin      parent_instance;

  GtkFlowBox *flow_box;
};

G_DEFINE_FINAL_TYPE (SrLanguagePage, sr_language_page, ADW_TYPE_BIN)

enum {
  LANGUAGE_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_language_clicked (GtkButton      *button,
                     SrLanguagePage *self)
{
  const char *lang = g_object_get_data (G_OBJECT (button), "sr-lang");

  g_signal_emit (self, signals[LANGUAGE_CHOSEN], 0, lang);
}

static GtkWidget *
make_language_button (SrLanguagePage *self,
                      const char     *lang)
{
  const char *endonym = sr_i18n_get_endonym (lang);
  g_autofree char *pango_lang = g_strdelimit (g_ascii_strdown (lang, -1), "_", '-');
  PangoAttrList *attrs = pango_attr_list_new ();
  GtkWidget *label;
  GtkWidget *button;

  /* Tagging the label with its language lets the font machinery pick the
   * right glyph forms: Chinese, Japanese and Korean share code points but
   * not shapes. */
  pango_attr_list_insert (attrs, pango_attr_language_new (pango_language_from_string (pango_lang)));
  label = gtk_label_new (endonym);
  gtk_label_set_attributes (GTK_LABEL (label), attrs);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  pango_attr_list_unref (attrs);

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "language");
  gtk_widget_set_direction (label, sr_i18n_is_rtl (lang) ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, endonym,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "sr-lang", g_strdup (lang), g_free);
  gtk_widget_set_name (button, lang);
  g_signal_connect (button, "clicked", G_CALLBACK (on_language_clicked), self);

  return button;
}

static void
sr_language_page_class_init (SrLanguagePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * SrLanguagePage::language-chosen:
   * @lang: the code of the language chosen
   */
  signals[LANGUAGE_CHOSEN] =
    g_signal_new ("language-chosen",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-language-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrLanguagePage, flow_box);
}

static void
sr_language_page_init (SrLanguagePage *self)
{
  const char *const *all = sr_languages_all ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; all != NULL && all[i] != NULL; i++)
    {
      GtkWidget *button = make_language_button (self, all[i]);
      GtkWidget *child;

      gtk_flow_box_append (self->flow_box, button);

      /* The button takes the focus; the flow box's own child would only
       * add a second, silent tab stop in front of each. */
      child = gtk_widget_get_parent (button);
      gtk_widget_set_focusable (child, FALSE);
    }
}

GtkWidget *
sr_language_page_new (void)
{
  return g_object_new (SR_TYPE_LANGUAGE_PAGE, NULL);
}
