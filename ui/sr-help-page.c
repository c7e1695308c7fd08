/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-help-page"

#include "sr-config.h"

#include <glib/gi18n.h>

#include "sr-help-page.h"
#include "sr-i18n.h"

struct _SrHelpPage
{
  AdwBin    parent_instance;

  GtkLabel *empty_label;
  GtkBox   *entries_box;
};

G_DEFINE_FINAL_TYPE (SrHelpPage, sr_help_page, ADW_TYPE_BIN)

static void
add_line (GtkBox     *box,
          JsonObject *entry,
          const char *member,
          const char *lang,
          const char *css_class)
{
  const char *text;
  GtkWidget *label;

  if (!json_object_has_member (entry, member))
    return;

  text = sr_i18n_pick (json_object_get_member (entry, member), lang);
  if (text == NULL || *text == '\0')
    return;

  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* Not selectable: on X11 a selection is offered to every other
   * program. */
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
}

static void
sr_help_page_class_init (SrHelpPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/safereport/SafeReport/sr-help-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrHelpPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SrHelpPage, entries_box);
}

static void
sr_help_page_init (SrHelpPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sr_help_page_new (JsonArray  *help,
                  const char *lang)
{
  SrHelpPage *self = g_object_new (SR_TYPE_HELP_PAGE, NULL);
  guint n = help != NULL ? json_array_get_length (help) : 0;
  guint shown = 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (help, i);
      JsonObject *entry;
      GtkWidget *card;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      entry = json_node_get_object (node);
      card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "sr-page");

      add_line (GTK_BOX (card), entry, "name", lang, "title-3");
      add_line (GTK_BOX (card), entry, "phone", lang, "title-4");
      add_line (GTK_BOX (card), entry, "address", lang, "body-text");
      add_line (GTK_BOX (card), entry, "hours", lang, "dim-label");
      add_line (GTK_BOX (card), entry, "note", lang, "body-text");

      if (gtk_widget_get_first_child (card) == NULL)
        {
          g_object_ref_sink (card);
          g_object_unref (card);
          continue;
        }

      gtk_box_append (self->entries_box, card);
      shown++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), shown == 0);

  return GTK_WIDGET (self);
}
