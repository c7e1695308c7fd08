/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui"

#include "sr-config.h"

#include <fontconfig/fontconfig.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "sr-ack.h"
#include "sr-admin-page.h"
#include "sr-application.h"
#include "sr-attachments.h"
#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-i18n.h"
#include "sr-keyboard.h"
#include "sr-keys.h"
#include "sr-outbox.h"
#include "sr-profile.h"
#include "sr-qr-image.h"
#include "sr-qr.h"
#include "sr-question-page.h"
#include "sr-receipt-page.h"
#include "sr-review-page.h"
#include "sr-section-page.h"
#include "sr-report.h"
#include "sr-test-ui.h"
#include "sr-test-util.h"
#include "sr-window.h"

/* The survivor's app, driven the way a person drives it: buttons are
 * found on screen and clicked, text is typed into the fields shown. The
 * report that comes out is opened with the organisation's key and compared
 * with what was typed. With SR_SCREENSHOT_DIR set, every page is saved as
 * a PNG there, in the language SR_SCREENSHOT_LANG (default English). */

#define NARRATIVE "They said it was a job in a shop. They took my passport at the border " \
                  "and made me work on a computer sixteen hours a day. ငါ အိမ်ပြန်ချင်တယ်။"
#define PLACE     "Near the river, a compound with blue roofs"
#define WAIT_SECONDS 30

/* What the app says, in the language in use (English unless the
 * screenshots ask for another). */
#define T_(text) g_dgettext (GETTEXT_PACKAGE, text)

typedef struct
{
  char        *dir;
  SrOrgSecret *secret;
  SrOutbox    *outbox;
  SrWindow    *window;
} Fixture;

/* Helpers: the main loop (the rest is in sr-test-ui.c) */

typedef gboolean (*WindowCondition) (SrWindow *window);

typedef struct
{
  WindowCondition  condition;
  SrWindow        *window;
} WindowWait;

static gboolean
window_condition_holds (gconstpointer data)
{
  const WindowWait *wait = data;

  return wait->condition (wait->window);
}

static void
wait_for (SrWindow        *window,
          WindowCondition  condition,
          const char      *what)
{
  WindowWait wait = { condition, window };

  if (!wait_until (window_condition_holds, &wait, WAIT_SECONDS))
    g_error ("Gave up waiting for %s", what);
}

static void
wait_for_draw (SrWindow *window)
{
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  pump ();
}

/* Helpers: finding what is on screen */

static gboolean
match_css_class (GtkWidget     *widget,
                 gconstpointer  data)
{
  return gtk_widget_has_css_class (widget, data);
}

static GtkWidget *
find_by_name (SrWindow   *window,
              const char *name)
{
  return find (GTK_WIDGET (window), match_name, name);
}

/* Collects every widget of a type below root, shown or not. */
static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (out, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, out);
}

static const char *
test_lang (void)
{
  const char *lang = g_getenv ("SR_SCREENSHOT_LANG");

  return lang != NULL && *lang != '\0' ? lang : "en";
}

/* Renders the window to dir/LANG-NAME.png, as GNOME Console's tests do:
 * a paintable of the widget, snapshotted, rendered by the window's own
 * renderer to a texture. */
static void
screenshot (SrWindow   *window,
            const char *name)
{
  const char *dir = g_getenv ("SR_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;

  wait_for_draw (window);
  g_mkdir_with_parents (dir, 0755);

  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("%s-%s.png", sr_window_get_language (window), name);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

/* Scrolls every scrolled window on screen to its end, so that a
 * screenshot shows what is below the fold. */
static void
scroll_to_end (SrWindow *window)
{
  g_autoptr(GPtrArray) scrolled = g_ptr_array_new ();

  wait_for_draw (window);
  collect (GTK_WIDGET (window), GTK_TYPE_SCROLLED_WINDOW, scrolled);
  for (guint i = 0; i < scrolled->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (scrolled, i);
      GtkAdjustment *adjustment;

      if (!gtk_widget_get_mapped (widget))
        continue;
      adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    }
  pump ();
}

/* Scrolls the page so that widget is at the top of the view. */
static void
scroll_to_widget (SrWindow  *window,
                  GtkWidget *widget)
{
  GtkWidget *scrolled;
  GtkWidget *content;
  GtkAdjustment *adjustment;
  double x = 0, y = 0;

  wait_for_draw (window);
  scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_translate_coordinates (widget, content, 0, 0, &x, &y));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, y - 12);
  pump ();
}

/* Fixture: an outbox provisioned with a profile signed by a key made for
 * the test, and a window on it. */

static GBytes *
make_profile (SrOrgSecret *secret,
              gboolean     demo)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *box = NULL;
  g_autofree char *json = NULL;
  SrOrgPublic pub;
  GBytes *bytes;

  sr_org_secret_get_public (secret, &pub);
  box = sr_key_to_base64 (pub.box, sizeof pub.box);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Test Organisation");
  json_builder_set_member_name (builder, "serial");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "recipients");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, box);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "contact");
  json_builder_add_string_value (builder, "+66 2 000 0000");
  if (demo)
    {
      json_builder_set_member_name (builder, "demo");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_set_member_name (builder, "help");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "en");
  json_builder_add_string_value (builder, "Anti-trafficking hotline");
  json_builder_set_member_name (builder, "th");
  json_builder_add_string_value (builder, "สายด่วนต่อต้านการค้ามนุษย์");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, "1300");
  json_builder_set_member_name (builder, "hours");
  json_builder_add_string_value (builder, "Every day, day and night");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);

  bytes = sr_profile_sign (json, strlen (json), secret, &error);
  g_assert_no_error (error);
  return bytes;
}

static SrOutbox *
make_outbox (const char  *dir,
             SrOrgSecret *secret,
             gboolean     demo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) profile = NULL;
  SrOutbox *outbox = sr_outbox_new (dir, &error);
  gsize len;
  const guint8 *data;

  g_assert_no_error (error);
  if (secret == NULL)
    return outbox;

  profile = make_profile (secret, demo);
  data = g_bytes_get_data (profile, &len);
  g_assert_true (sr_outbox_provision (outbox, data, len, NULL, &error));
  g_assert_no_error (error);

  return outbox;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = sr_test_mkdtemp ();
  fixture->secret = sr_org_secret_generate ();
  fixture->outbox = make_outbox (fixture->dir, fixture->secret, data != NULL);
  fixture->window = sr_window_new (NULL, fixture->outbox, SR_WINDOW_DESKTOP);

  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_for_draw (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  pump ();
  g_clear_object (&fixture->outbox);
  g_clear_pointer (&fixture->secret, sr_org_secret_free);
  sr_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  sr_i18n_reset_language ();
}

/* Steps a person takes */

static void
choose_option (SrWindow   *window,
               const char *option)
{
  GtkWidget *button = find (GTK_WIDGET (current_question_page (window)), match_name, option);

  g_assert_true (GTK_IS_TOGGLE_BUTTON (button));
  click (button);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
}

static GtkTextBuffer *
narrative_buffer (SrWindow *window)
{
  GtkWidget *view = find (GTK_WIDGET (current_question_page (window)),
                          match_type, GSIZE_TO_POINTER (GTK_TYPE_TEXT_VIEW));

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter begin, end;

  gtk_text_buffer_get_bounds (buffer, &begin, &end);
  return gtk_text_buffer_get_text (buffer, &begin, &end, FALSE);
}

static gboolean
is_receipt (SrWindow *window)
{
  return sr_window_get_page (window) == SR_PAGE_RECEIPT;
}

static gboolean
is_language (SrWindow *window)
{
  return sr_window_get_page (window) == SR_PAGE_LANGUAGE;
}

static gboolean
left_current_place (SrWindow *window)
{
  return sr_window_get_page (window) != SR_PAGE_QUESTION
         || !g_str_equal (current_question_id (window), "current_place");
}

static gboolean
idle_warning_shows (SrWindow *window)
{
  return sr_window_get_idle_warning_visible (window);
}

/* Review, consent, seal: returns the receipt. */
static char *
review_and_seal (SrWindow *window)
{
  GtkWidget *consent;

  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  screenshot (window, "review");
  click_action (window, "win.next");

  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_SEND);
  /* Nothing is sealed before consent. */
  g_assert_false (gtk_widget_is_sensitive (find_by_name (window, "seal")));
  consent = find_by_name (window, "consent");
  g_assert_true (GTK_IS_CHECK_BUTTON (consent));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (consent), TRUE);
  pump ();
  screenshot (window, "send");

  click (find_by_name (window, "seal"));
  wait_for (window, is_receipt, "the receipt");
  screenshot (window, "receipt");

  return g_strdup (sr_window_get_receipt (window));
}

/* Opens the envelope behind receipt with the organisation's key. */
static SrAnswers *
open_report (Fixture    *fixture,
             const char *receipt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(SrSecret) plain = NULL;
  SrAnswers *answers;
  guint32 day = 0;
  gsize len;
  const guint8 *data;

  envelope = sr_outbox_lookup (fixture->outbox, receipt, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (envelope, &len);
  plain = sr_envelope_open (data, len, fixture->secret, &error);
  g_assert_no_error (error);
  answers = sr_report_decode (plain->data, plain->len, &day, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (day, ==, sr_report_today ());

  return answers;
}

/* Tests */

static void
test_wizard (Fixture       *fixture,
             gconstpointer  data)
{
  SrWindow *window = fixture->window;
  const char *lang = test_lang ();
  g_autoptr(GHashTable) kinds_seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree char *receipt = NULL;
  g_autofree char *normalized = NULL;
  g_autoptr(SrAnswers) sent = NULL;
  g_autoptr(SrAnswers) expected = NULL;
  guint pending = 99, exported = 99, acknowledged = 99;

  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
  screenshot (window, "language");

  choose_language (window, lang);
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_WELCOME);
  screenshot (window, "welcome");

  click_action (window, "win.help");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_HELP);
  screenshot (window, "help");
  click_action (window, "win.back");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_WELCOME);

  click_action (window, "win.next");

  /* Answer the role and the story; skip everything else, looking at one
   * question of every kind on the way. */
  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    {
      SrQuestionPage *page = current_question_page (window);
      SrQuestion *question = sr_question_page_get_question (page);
      const char *id = sr_question_get_id (question);
      SrQuestionKind kind = sr_question_get_kind (question);

      if (g_str_equal (id, "role"))
        {
          choose_option (window, "survivor");
          screenshot (window, "question-role");
        }
      else if (g_str_equal (id, "narrative"))
        {
          gtk_text_buffer_set_text (narrative_buffer (window), NARRATIVE, -1);
          pump ();
          screenshot (window, "question-narrative");
        }
      else if (!g_hash_table_contains (kinds_seen, GINT_TO_POINTER (kind)))
        {
          g_autofree char *name = g_strdup_printf ("kind-%s", sr_question_kind_to_string (kind));

          screenshot (window, name);
        }
      g_hash_table_add (kinds_seen, GINT_TO_POINTER (kind));

      click_action (window, "win.next");
    }

  /* The survivor's questions were asked; the family's were not. */
  g_assert_true (sr_answers_has (sr_window_get_answers (window), "role"));

  receipt = review_and_seal (window);
  g_assert_nonnull (receipt);
  normalized = sr_receipt_normalize (receipt);
  g_assert_cmpstr (normalized, ==, receipt);

  sr_outbox_get_counts (fixture->outbox, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, 1);
  g_assert_cmpuint (exported, ==, 0);

  /* What the organisation reads is exactly what was entered. */
  sent = open_report (fixture, receipt);
  expected = sr_answers_new (sr_answers_get_form_id (sent), sr_answers_get_lang (sent));
  sr_answers_set_text (expected, "role", "survivor");
  sr_answers_set_text (expected, "narrative", NARRATIVE);
  sr_answers_set_bool (expected, "consent", TRUE);
  g_assert_cmpstr (sr_answers_get_text (sent, "narrative"), ==, NARRATIVE);
  g_assert_cmpstr (sr_answers_get_text (sent, "role"), ==, "survivor");
  g_assert_true (sr_answers_equal (sent, expected));

  /* The form was emptied as soon as it was sealed. */
  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 0);

  click_action (window, "win.finish");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
  g_assert_null (sr_window_get_receipt (window));
}

static void
test_quick_exit (Fixture       *fixture,
                 gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autoptr(GtkEntryBuffer) entry_buffer = NULL;
  g_autoptr(GtkTextBuffer) text_buffer = NULL;
  g_autoptr(GPtrArray) editables = g_ptr_array_new ();
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  GtkWidget *entry;
  gboolean escape = FALSE, ctrl_q = FALSE;

  start (window, "en");
  skip_to (window, "role");
  choose_option (window, "survivor");
  click_action (window, "win.next");

  skip_to (window, "current_place");
  entry = find (GTK_WIDGET (current_question_page (window)), match_type,
                GSIZE_TO_POINTER (GTK_TYPE_ENTRY));
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_has_focus (gtk_widget_get_first_child (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), PLACE);
  entry_buffer = g_object_ref (gtk_entry_get_buffer (GTK_ENTRY (entry)));
  /* Enter moves on. */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry)), "activate");
  wait_for (window, left_current_place, "Enter to move on");

  skip_to (window, "narrative");
  text_buffer = g_object_ref (narrative_buffer (window));
  gtk_text_buffer_set_text (text_buffer, NARRATIVE, -1);
  pump ();
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "current_place"), ==, PLACE);
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "narrative"), ==, NARRATIVE);
  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 3);

  /* Something copied to the clipboard goes too. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), NARRATIVE);
  g_assert_true (gdk_clipboard_is_local (gtk_widget_get_clipboard (GTK_WIDGET (window))));

  click_action (window, "win.quick-exit");

  /* Back at the neutral start, and nothing left anywhere. */
  g_assert_null (gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (window))));
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 0);
  g_assert_cmpstr (gtk_entry_buffer_get_text (entry_buffer), ==, "");
  g_assert_cmpint (gtk_text_buffer_get_char_count (text_buffer), ==, 0);
  /* No undo history brings the text back. */
  g_assert_false (gtk_text_buffer_get_can_undo (text_buffer));

  collect (GTK_WIDGET (window), GTK_TYPE_EDITABLE, editables);
  for (guint i = 0; i < editables->len; i++)
    g_assert_cmpstr (gtk_editable_get_text (g_ptr_array_index (editables, i)), ==, "");
  collect (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW, views);
  for (guint i = 0; i < views->len; i++)
    g_assert_cmpint (gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (g_ptr_array_index (views, i))), ==, 0);
  g_assert_null (find_by_type (GTK_WIDGET (window), SR_TYPE_QUESTION_PAGE));

  /* The keys: Escape and Ctrl+Q both lead to the same action. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
          continue;

        for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
          {
            g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
            GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
            g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

            if (!GTK_IS_NAMED_ACTION (action)
                || g_strcmp0 (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "win.quick-exit") != 0)
              continue;

            escape = escape || strstr (trigger, "Escape") != NULL;
            ctrl_q = ctrl_q || strstr (trigger, "<Control>q") != NULL;
            g_assert_cmpint (gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller)),
                             ==, GTK_PHASE_CAPTURE);
          }
      }
  }
  g_assert_true (escape);
  g_assert_true (ctrl_q);

  /* Nothing was sealed. */
  {
    guint pending = 99, exported = 99, acknowledged = 99;

    sr_outbox_get_counts (fixture->outbox, &pending, &exported, &acknowledged);
    g_assert_cmpuint (pending, ==, 0);
  }
}

/* Whether a font family of that name is installed. */
static gboolean
have_font_family (GtkWidget  *widget,
                  const char *name)
{
  PangoFontMap *map = pango_context_get_font_map (gtk_widget_get_pango_context (widget));
  g_autofree PangoFontFamily **families = NULL;
  int n = 0;

  pango_font_map_list_families (map, &families, &n);
  for (int i = 0; i < n; i++)
    if (g_str_equal (pango_font_family_get_name (families[i]), name))
      return TRUE;
  return FALSE;
}

/* How many of the mapped labels under root draw some of their text in a
 * font whose family name contains family, out of how many labels with
 * text (returned in n_labels). */
static guint
count_labels_in_font (GtkWidget  *root,
                      const char *family,
                      guint      *n_labels)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint in_font = 0;

  *n_labels = 0;
  collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      PangoLayoutIter *iter;
      gboolean found = FALSE;

      if (!gtk_widget_get_mapped (GTK_WIDGET (label)) || *gtk_label_get_text (label) == '\0')
        continue;
      (*n_labels)++;
      iter = pango_layout_get_iter (gtk_label_get_layout (label));
      do
        {
          PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
          PangoFontDescription *description;

          if (run == NULL || run->item->analysis.font == NULL)
            continue;
          description = pango_font_describe (run->item->analysis.font);
          if (strstr (pango_font_description_get_family (description), family) != NULL)
            found = TRUE;
          pango_font_description_free (description);
        }
      while (!found && pango_layout_iter_next_run (iter));
      pango_layout_iter_free (iter);
      in_font += found;
    }
  return in_font;
}

/* Whether the progress label writes its numbers with the ten digits that
 * start at zero, and only those. */
static gboolean
has_digit_from (SrWindow *window,
                gunichar  zero)
{
  const char *text = gtk_label_get_text (GTK_LABEL (find_by_name (window, "progress")));
  gboolean found = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c))
        {
          if (c < zero || c > zero + 9)
            return FALSE;
          found = TRUE;
        }
    }
  return found;
}

static void
test_language_switch (Fixture       *fixture,
                      gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autofree char *text = NULL;
  GtkWidget *survivor;

  start (window, "en");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_LTR);
  skip_to (window, "role");
  choose_option (window, "survivor");
  click_action (window, "win.next");
  skip_to (window, "narrative");
  gtk_text_buffer_set_text (narrative_buffer (window), NARRATIVE, -1);
  pump ();

  /* Mid-form, to Thai: the same question comes back, with the answers. */
  click_action (window, "win.language");
  choose_language (window, "th");
  g_assert_cmpstr (current_question_id (window), ==, "narrative");
  text = buffer_text (narrative_buffer (window));
  g_assert_cmpstr (text, ==, NARRATIVE);
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "role"), ==, "survivor");

  /* Thai counts in 0-9, as Thai screens do. */
  g_assert_true (has_digit_from (window, '0'));

  /* Burmese counts in its own digits. */
  click_action (window, "win.language");
  choose_language (window, "my");
  g_assert_true (has_digit_from (window, 0x1040));
  g_assert_false (has_digit_from (window, '0'));

  /* To Arabic: the layout mirrors, and the count is in Arabic-Indic digits. */
  click_action (window, "win.language");
  choose_language (window, "ar");
  g_assert_true (has_digit_from (window, 0x0660));
  g_assert_cmpint (gtk_widget_get_default_direction (), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (current_question_page (window))), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpstr (current_question_id (window), ==, "narrative");
  screenshot (window, "rtl-narrative");

  /* Back to the role: the choice made in English still shows. */
  click_action (window, "win.back");
  skip_to (window, "narrative");
  while (!g_str_equal (current_question_id (window), "role"))
    click_action (window, "win.back");
  survivor = find (GTK_WIDGET (current_question_page (window)), match_name, "survivor");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (survivor)));

  /* Urdu mirrors too, and is written in Nastaliq; English does neither. */
  click_action (window, "win.language");
  choose_language (window, "ur");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_RTL);
  if (have_font_family (GTK_WIDGET (window), "Noto Nastaliq Urdu"))
    {
      guint n_labels = 0;
      guint nastaliq = count_labels_in_font (GTK_WIDGET (current_question_page (window)),
                                             "Nastaliq", &n_labels);

      g_assert_cmpuint (n_labels, >, 0);
      g_assert_cmpuint (nastaliq, ==, n_labels);
      screenshot (window, "urdu-nastaliq");
    }
  else
    g_test_message ("Noto Nastaliq Urdu is not installed: the Urdu face is not checked");
  click_action (window, "win.language");
  choose_language (window, "en");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_LTR);
  g_assert_true (has_digit_from (window, '0'));
  {
    guint n_labels = 0;

    g_assert_cmpuint (count_labels_in_font (GTK_WIDGET (current_question_page (window)),
                                            "Nastaliq", &n_labels), ==, 0);
    g_assert_cmpuint (n_labels, >, 0);
  }
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "narrative"), ==, NARRATIVE);
  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 2);
}

/* Whether a screen reader has a name to say for widget. */
static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL)
      || gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;

  /* Buttons are named by the text they show. */
  if (GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget))
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL
          && *gtk_button_get_label (GTK_BUTTON (widget)) != '\0')
        return TRUE;
      if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL)
        return TRUE;

      collect (widget, GTK_TYPE_LABEL, labels);
      for (guint i = 0; i < labels->len; i++)
        if (*gtk_label_get_text (g_ptr_array_index (labels, i)) != '\0')
          return TRUE;
    }

  return FALSE;
}

/* Checks every control on screen; returns how many. */
static guint
check_accessible_names (GtkWidget  *root,
                        const char *where)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (root))
    return 0;

  /* GTK's own window buttons are GTK's business. */
  if (GTK_IS_WINDOW_CONTROLS (root))
    return 0;

  if (GTK_IS_BUTTON (root) || GTK_IS_CHECK_BUTTON (root) || GTK_IS_ENTRY (root)
      || GTK_IS_TEXT_VIEW (root) || GTK_IS_SPIN_BUTTON (root) || GTK_IS_DROP_DOWN (root)
      || GTK_IS_SEARCH_ENTRY (root) || GTK_IS_LIST_BOX (root) || GTK_IS_PASSWORD_ENTRY (root))
    {
      if (!has_accessible_name (root))
        g_error ("A %s on the %s page has no accessible name", G_OBJECT_TYPE_NAME (root), where);
      n++;

      /* Composite controls name their own insides. */
      if (!GTK_IS_LIST_BOX (root))
        return n;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += check_accessible_names (child, where);

  return n;
}

static void
test_accessible (Fixture       *fixture,
                 gconstpointer  data)
{
  SrWindow *window = fixture->window;
  GtkWidget *quick_exit;

  g_assert_cmpuint (check_accessible_names (GTK_WIDGET (window), "language"), >=, 25);
  start (window, "en");

  quick_exit = find (GTK_WIDGET (window), match_action, "win.quick-exit");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (quick_exit),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Quick exit: erase everything and start again");

  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    {
      const char *id = current_question_id (window);

      g_assert_cmpuint (check_accessible_names (GTK_WIDGET (window), id), >=, 3);
      /* Every question is reached with the role that shows the most. */
      if (g_str_equal (id, "role"))
        choose_option (window, "survivor");
      if (g_str_equal (id, "others_held"))
        choose_option (window, "yes");
      click_action (window, "win.next");
    }

  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  g_assert_cmpuint (check_accessible_names (GTK_WIDGET (window), "review"), >=, 4);
  click_action (window, "win.next");
  g_assert_cmpuint (check_accessible_names (GTK_WIDGET (window), "send"), >=, 3);
  click_action (window, "win.help");
  g_assert_cmpuint (check_accessible_names (GTK_WIDGET (window), "help"), >=, 2);
}

static void
test_show_if (Fixture       *fixture,
              gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autofree char *receipt = NULL;
  g_autoptr(SrAnswers) sent = NULL;

  start (window, "en");
  skip_to (window, "role");
  choose_option (window, "survivor");
  click_action (window, "win.next");
  skip_to (window, "ilo_deception");
  choose_option (window, "yes");

  /* Back to the role, now a family member: the survivor's questions go,
   * and so does the answer given to one of them. */
  while (!g_str_equal (current_question_id (window), "role"))
    click_action (window, "win.back");
  choose_option (window, "family");
  click_action (window, "win.next");

  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    {
      g_assert_false (g_str_has_prefix (current_question_id (window), "ilo_"));
      click_action (window, "win.next");
    }

  receipt = review_and_seal (window);
  sent = open_report (fixture, receipt);
  g_assert_cmpstr (sr_answers_get_text (sent, "role"), ==, "family");
  g_assert_false (sr_answers_has (sent, "ilo_deception"));
}

static void
test_review_edit (Fixture       *fixture,
                  gconstpointer  data)
{
  SrWindow *window = fixture->window;
  GtkWidget *edit;

  start (window, "en");
  skip_to (window, "role");
  choose_option (window, "witness");
  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    click_action (window, "win.next");

  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  edit = find (GTK_WIDGET (window), match_name, "role");
  g_assert_true (GTK_IS_BUTTON (edit));
  click (edit);
  g_assert_cmpstr (current_question_id (window), ==, "role");
  choose_option (window, "family");
  /* Done goes straight back to the review. */
  click_action (window, "win.next");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "role"), ==, "family");
}

static gboolean
sealing_done (SrWindow *window)
{
  return !sr_window_get_sealing (window);
}

static void
test_seal_error (Fixture       *fixture,
                 gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autoptr(SrProfile) profile = sr_outbox_get_profile (fixture->outbox, NULL);
  GtkWidget *error_label;
  guint pending = 99, exported = 99, acknowledged = 99;

  /* Who the report is about is the one answer the form needs: without it
   * sealing fails, says why, and hands the answers back untouched. */
  start (window, "en");
  skip_to (window, "narrative");
  gtk_text_buffer_set_text (narrative_buffer (window), NARRATIVE, -1);
  pump ();
  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    click_action (window, "win.next");
  click_action (window, "win.next");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_by_name (window, "consent")), TRUE);
  pump ();
  click (find_by_name (window, "seal"));
  wait_for (window, sealing_done, "sealing to fail");

  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_SEND);
  error_label = find (GTK_WIDGET (window), match_css_class, "error");
  g_assert_true (GTK_IS_LABEL (error_label));
  /* The question is named in words, not by its id. */
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)),
                            sr_question_get_label (sr_form_lookup (sr_profile_get_form (profile), "role"), "en")));
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "narrative"), ==, NARRATIVE);
  g_assert_true (sr_answers_get_bool (sr_window_get_answers (window), "consent"));
  screenshot (window, "seal-error");

  sr_outbox_get_counts (fixture->outbox, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, 0);

  /* The story is still there to go back to. */
  click_action (window, "win.back");
  click_action (window, "win.back");
  while (!g_str_equal (current_question_id (window), "narrative"))
    click_action (window, "win.back");
  {
    g_autofree char *text = buffer_text (narrative_buffer (window));

    g_assert_cmpstr (text, ==, NARRATIVE);
  }
}

/* A story long enough, and random enough that it does not compress, to
 * need several QR codes: Burmese letters (three bytes each in UTF-8) drawn
 * at random. */
static char *
long_story (guint n_chars)
{
  GString *story = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (4242);

  for (guint i = 0; i < n_chars; i++)
    g_string_append_unichar (story, 0x1000 + g_rand_int_range (rand, 0, 0x21));
  g_rand_free (rand);

  return g_string_free (story, FALSE);
}

/* Fills the role and the story, skips the rest, seals: returns the
 * receipt. */
static void
fill_report (SrWindow   *window,
             const char *story)
{
  start (window, test_lang ());
  skip_to (window, "role");
  choose_option (window, "survivor");
  click_action (window, "win.next");
  skip_to (window, "narrative");
  gtk_text_buffer_set_text (narrative_buffer (window), story, -1);
  pump ();
  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    click_action (window, "win.next");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
}

static char *
file_report (SrWindow   *window,
             const char *story)
{
  fill_report (window, story);
  return review_and_seal (window);
}

/* The on-screen keyboard (safereport --on-screen-keyboard), tapped as on
 * a touch kiosk: it follows the text field that has the focus, types in
 * the language chosen, and what it types is the answer. */

static gboolean
keyboard_shown (SrWindow *window)
{
  GtkWidget *keyboard = sr_window_get_keyboard (window);
  GtkWidget *revealer = gtk_widget_get_parent (keyboard);

  return gtk_widget_get_visible (revealer) && gtk_revealer_get_reveal_child (GTK_REVEALER (revealer))
         && gtk_widget_get_mapped (keyboard);
}

static void
test_on_screen_keyboard (Fixture       *fixture,
                         gconstpointer  data)
{
  SrWindow *window = fixture->window;
  SrKeyboard *keyboard;
  /* Burmese, or the language of the screenshots. */
  const char *lang = g_str_equal (test_lang (), "en") ? "my" : test_lang ();
  g_auto(GStrv) keys = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *story = NULL;
  g_autofree char *added = NULL;
  GtkWidget *entry, *view;
  GtkWidget *focus;

  start (window, lang);
  skip_to (window, "role");
  choose_option (window, "survivor");
  click_action (window, "win.next");
  skip_to (window, "current_place");
  entry = find (GTK_WIDGET (current_question_page (window)), match_type,
                GSIZE_TO_POINTER (GTK_TYPE_ENTRY));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (gtk_widget_is_ancestor (focus, entry));

  /* Off unless the kiosk asks for it: not even made. */
  g_assert_false (sr_window_get_on_screen_keyboard (window));
  g_assert_null (sr_window_get_keyboard (window));

  sr_window_set_on_screen_keyboard (window, TRUE);
  keyboard = SR_KEYBOARD (sr_window_get_keyboard (window));
  g_assert_nonnull (keyboard);
  wait_for_draw (window);
  g_assert_true (keyboard_shown (window));
  g_assert_true (sr_keyboard_get_target (keyboard) == focus);
  if (g_str_equal (lang, "my"))
    g_assert_cmpstr (sr_keyboard_get_layout (keyboard), ==, "mm");

  /* Two keys, whatever the language. */
  keys = sr_keyboard_list_keys (keyboard);
  g_assert_cmpuint (g_strv_length (keys), >=, 15);
  tap_key (keyboard, keys[12]);
  tap_key (keyboard, keys[13]);
  typed = g_strconcat (keys[12], keys[13], NULL);
  story = g_strconcat (keys[12], " ", NULL);
  added = g_strconcat (keys[12], keys[13], keys[14], NULL);
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "current_place"), ==, typed);
  /* The focus stayed in the field. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == focus);
  screenshot (window, "keyboard");

  /* Focus on a button: the keyboard goes, and types nowhere. */
  gtk_widget_grab_focus (find_by_name (window, "next"));
  pump ();
  g_assert_false (keyboard_shown (window));
  g_assert_null (sr_keyboard_get_target (keyboard));
  gtk_widget_grab_focus (entry);
  pump ();
  g_assert_true (keyboard_shown (window));

  /* The story too. */
  click_action (window, "win.next");
  skip_to (window, "narrative");
  view = find (GTK_WIDGET (current_question_page (window)), match_type,
               GSIZE_TO_POINTER (GTK_TYPE_TEXT_VIEW));
  gtk_widget_grab_focus (view);
  pump ();
  g_assert_true (sr_keyboard_get_target (keyboard) == view);
  tap_key (keyboard, keys[12]);
  tap_key (keyboard, "space");
  tap_key (keyboard, keys[13]);
  tap_key (keyboard, "backspace");
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "narrative"), ==, story);

  /* Back to an answer: a key adds to it, never replaces it. */
  while (!g_str_equal (current_question_id (window), "current_place"))
    click_action (window, "win.back");
  g_assert_true (sr_keyboard_get_target (keyboard) == gtk_root_get_focus (GTK_ROOT (window)));
  tap_key (keyboard, keys[14]);
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "current_place"), ==, added);

  /* Another language: its keys. */
  click_action (window, "win.language");
  choose_language (window, "th");
  g_assert_cmpstr (sr_keyboard_get_layout (keyboard), ==, "th");

  /* Quick exit: the keyboard has nowhere to type and is gone. */
  click_action (window, "win.quick-exit");
  pump ();
  g_assert_null (sr_keyboard_get_target (keyboard));
  g_assert_false (keyboard_shown (window));
  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 0);
}

static void
on_app_activated (GApplication *app,
                  gpointer      user_data)
{
  int *shown = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (SR_IS_WINDOW (window));
  *shown = sr_window_get_on_screen_keyboard (SR_WINDOW (window));
  gtk_window_destroy (window);
  g_application_quit (app);
}

/* safereport --on-screen-keyboard turns the keyboard on, and nothing else
 * does. */
static void
test_on_screen_keyboard_option (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();

  for (guint with = 0; with < 2; with++)
    {
      g_autoptr(SrApplication) app = sr_application_new ();
      const char *argv[] = { "safereport", "--data-dir", dir, with ? "--on-screen-keyboard" : NULL, NULL };
      int shown = -1;

      /* Not registered on the session bus, which a test may not have. */
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_signal_connect_after (app, "activate", G_CALLBACK (on_app_activated), &shown);
      g_assert_cmpint (g_application_run (G_APPLICATION (app), with ? 4 : 3, (char **) argv), ==, 0);
      g_assert_cmpint (shown, ==, (int) with);
    }

  sr_test_rmdir (dir);
}

/* Reads back the QR code a texture shows, as a phone would. */
static char *
scan_texture (GdkTexture *texture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *argb = g_malloc ((gsize) width * height * 4);
  g_autofree guint8 *gray = g_malloc ((gsize) width * height);

  /* Downloads as Cairo's ARGB32: any colour channel of black or white
   * is its gray. */
  gdk_texture_download (texture, argb, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    gray[i] = argb[i * 4 + 1];

  texts = sr_qr_scan_gray (gray, width, height, width, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (texts->len, ==, 1);

  return g_strdup (g_ptr_array_index (texts, 0));
}

static SrReceiptPage *
receipt_page (SrWindow *window)
{
  GtkWidget *page = find_by_type (GTK_WIDGET (window), SR_TYPE_RECEIPT_PAGE);

  g_assert_true (SR_IS_RECEIPT_PAGE (page));
  return SR_RECEIPT_PAGE (page);
}

/* Urdu is drawn in the Regular Nastaliq face: Debian's Bold file says it
 * is regular, and without the app's rule (sr_i18n_init) fontconfig gives
 * it to every Urdu word. */
static void
test_urdu_face (void)
{
  const int weights[] = { FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD };

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    {
      FcPattern *pattern = FcPatternCreate ();
      FcPattern *match;
      FcResult result = FcResultNoMatch;
      FcChar8 *file = NULL;
      FcChar8 *family = NULL;

      FcPatternAddString (pattern, FC_FAMILY, (const FcChar8 *) "Noto Nastaliq Urdu");
      FcPatternAddString (pattern, FC_LANG, (const FcChar8 *) "ur");
      FcPatternAddInteger (pattern, FC_WEIGHT, weights[i]);
      FcConfigSubstitute (NULL, pattern, FcMatchPattern);
      FcDefaultSubstitute (pattern);
      match = FcFontMatch (NULL, pattern, &result);
      g_assert_nonnull (match);
      g_assert_cmpint (FcPatternGetString (match, FC_FILE, 0, &file), ==, FcResultMatch);
      g_assert_cmpint (FcPatternGetString (match, FC_FAMILY, 0, &family), ==, FcResultMatch);
      g_test_message ("weight %d: %s", weights[i], (const char *) file);
      g_assert_cmpstr ((const char *) family, ==, "Noto Nastaliq Urdu");
      g_assert_true (g_str_has_suffix ((const char *) file, "NotoNastaliqUrdu-Regular.ttf"));
      FcPatternDestroy (match);
      FcPatternDestroy (pattern);
    }
}

/* Photos (desktop mode) */

#define PHOTO_SECRET "SECRET-GPS-16.7967N-96.1500E"

/* Every photos section in the window, shown or not. */
static guint
count_attachments_widgets (SrWindow *window)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  collect (GTK_WIDGET (window), SR_TYPE_ATTACHMENTS, all);
  return all->len;
}

static void
wait_for_photo (SrAttachments *attachments)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (sr_attachments_get_busy (attachments))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting for a photo to be prepared");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  pump ();
}

static guint
count_photo_rows (SrAttachments *attachments)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (GTK_WIDGET (attachments), ADW_TYPE_ACTION_ROW, rows);
  return rows->len;
}

static GFile *
write_temp (const char *dir,
            const char *name,
            GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static void
test_attachments (Fixture       *fixture,
                  gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autoptr(GBytes) photo_bytes = sr_test_make_photo (900, 600, 6, PHOTO_SECRET);
  g_autoptr(GBytes) not_photo_bytes = g_bytes_new_static ("names and numbers\n", 18);
  g_autoptr(GFile) photo = write_temp (fixture->dir, "photo.jpg", photo_bytes);
  g_autoptr(GFile) not_photo = write_temp (fixture->dir, "list.png", not_photo_bytes);
  g_autoptr(SrAttachments) attachments = NULL;
  g_autoptr(SrAnswers) sent = NULL;
  g_autofree char *receipt = NULL;
  GtkWidget *error_label;
  const char *media_type = NULL;
  const SrSecret *image;

  start (window, "en");
  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    click_action (window, "win.next");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  g_assert_cmpuint (count_attachments_widgets (window), ==, 1);
  attachments = g_object_ref (SR_ATTACHMENTS (find_by_type (GTK_WIDGET (window), SR_TYPE_ATTACHMENTS)));

  /* Something that is no image: one clear sentence, nothing attached. */
  sr_attachments_add_file (attachments, not_photo);
  wait_for_photo (attachments);
  error_label = find (GTK_WIDGET (attachments), match_css_class, "error");
  g_assert_nonnull (error_label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), !=, "");
  g_assert_cmpuint (sr_answers_get_n_attachments (sr_window_get_answers (window)), ==, 0);
  g_assert_cmpuint (count_photo_rows (attachments), ==, 0);

  /* Two photos, one removed again. */
  sr_attachments_add_file (attachments, photo);
  wait_for_photo (attachments);
  g_assert_null (find (GTK_WIDGET (attachments), match_css_class, "error"));
  sr_attachments_add_file (attachments, photo);
  wait_for_photo (attachments);
  g_assert_cmpuint (sr_answers_get_n_attachments (sr_window_get_answers (window)), ==, 2);
  g_assert_cmpuint (count_photo_rows (attachments), ==, 2);
  scroll_to_widget (window, GTK_WIDGET (attachments));
  screenshot (window, "review-photos");
  {
    GtkWidget *remove = NULL;
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

    collect (GTK_WIDGET (attachments), GTK_TYPE_BUTTON, buttons);
    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[i]), "Remove photo 2") == 0)
        remove = buttons->pdata[i];
    click (remove);
  }
  g_assert_cmpuint (sr_answers_get_n_attachments (sr_window_get_answers (window)), ==, 1);
  g_assert_cmpuint (count_photo_rows (attachments), ==, 1);

  /* A person who goes back to a question while a photo is prepared finds
   * it on the review page when they return. */
  sr_attachments_add_file (attachments, photo);
  click_action (window, "win.back");
  g_assert_cmpint (sr_window_get_page (window), !=, SR_PAGE_REVIEW);
  click_action (window, "win.next");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  wait_for_photo (attachments);
  g_assert_cmpuint (sr_answers_get_n_attachments (sr_window_get_answers (window)), ==, 2);
  g_assert_cmpuint (count_photo_rows (attachments), ==, 2);
  sr_answers_remove_attachment (sr_window_get_answers (window), 1);

  /* Quick exit while a photo is still being prepared: the photos go with
   * the answers, and the late one is attached to nothing. */
  sr_attachments_add_file (attachments, photo);
  sr_window_quick_exit (window);
  wait_for_photo (attachments);
  g_assert_cmpuint (count_photo_rows (attachments), ==, 0);
  g_assert_true (sr_window_get_answers (window) == NULL
                 || sr_answers_get_n_attachments (sr_window_get_answers (window)) == 0);
  g_clear_object (&attachments);

  /* Sealed with a photo: the organisation gets the picture, re-encoded,
   * without its position. */
  fill_report (window, NARRATIVE);
  attachments = g_object_ref (SR_ATTACHMENTS (find_by_type (GTK_WIDGET (window), SR_TYPE_ATTACHMENTS)));
  sr_attachments_add_file (attachments, photo);
  wait_for_photo (attachments);
  receipt = review_and_seal (window);
  g_assert_nonnull (receipt);

  sent = open_report (fixture, receipt);
  g_assert_cmpuint (sr_answers_get_n_attachments (sent), ==, 1);
  image = sr_answers_get_attachment (sent, 0, &media_type);
  g_assert_cmpstr (media_type, ==, "image/jpeg");
  g_assert_cmpmem (image->data, 3, "\xFF\xD8\xFF", 3);
  g_assert_null (memmem (image->data, image->len, PHOTO_SECRET, strlen (PHOTO_SECRET)));
  g_assert_null (memmem (image->data, image->len, "Exif", 4));

  /* Too large for QR codes: the receipt offers the file, not codes. */
  g_assert_null (sr_receipt_page_get_texture (receipt_page (window)));
  g_assert_nonnull (find_by_name (window, "save-file"));
}

static void
test_receipt_qr (Fixture       *fixture,
                 gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autofree char *story = long_story (3000);
  g_autofree char *receipt = NULL;
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GBytes) assembled = NULL;
  g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SrReceiptPage) page = NULL;
  guint n;

  receipt = file_report (window, story);
  envelope = sr_outbox_lookup (fixture->outbox, receipt, &error);
  g_assert_no_error (error);

  page = g_object_ref (receipt_page (window));
  n = sr_receipt_page_get_n_parts (page);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (n, ==, sr_qr_count_parts (g_bytes_get_size (envelope), 0));
  g_assert_true (gtk_widget_get_mapped (find_by_name (window, "qr")));

  /* One code at a time, "1 / n", each read back as a phone would; back
   * at the start, "previous" is off, and "next" at the end. */
  g_assert_false (gtk_widget_get_sensitive (find_by_name (window, "qr-previous")));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = g_strdup_printf (g_dpgettext2 (GETTEXT_PACKAGE, "qr part", "%u / %u"), i + 1, n);
      g_autofree char *text = NULL;
      SrQrPartStatus status;

      if (i > 0)
        click (find_by_name (window, "qr-next"));
      g_assert_cmpuint (sr_receipt_page_get_part (page), ==, i);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find_by_name (window, "qr-part"))), ==, expected);
      if (i == 0)
        {
          scroll_to_widget (window, find_by_name (window, "qr"));
          screenshot (window, "receipt-qr");
        }

      text = scan_texture (sr_receipt_page_get_texture (page));
      g_assert_true (sr_qr_assembler_add (assembler, text, -1, &status, &error));
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, i + 1 < n ? SR_QR_PART_ADDED : SR_QR_PART_COMPLETED);
    }
  g_assert_false (gtk_widget_get_sensitive (find_by_name (window, "qr-next")));
  click (find_by_name (window, "qr-previous"));
  g_assert_cmpuint (sr_receipt_page_get_part (page), ==, n - 2);

  assembled = sr_qr_assembler_pop_envelope (assembler);
  g_assert_nonnull (assembled);
  g_assert_true (g_bytes_equal (assembled, envelope));

  /* The way out takes the codes off the screen. */
  click_action (window, "win.quick-exit");
  g_assert_null (find_by_type (GTK_WIDGET (window), SR_TYPE_RECEIPT_PAGE));
  g_assert_null (sr_receipt_page_get_texture (page));
}

static void
test_receipt_save (Fixture       *fixture,
                   gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autofree char *receipt = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *sre = g_build_filename (out, "backup.sre", NULL);
  g_autofree char *images = g_build_filename (out, "images", NULL);
  g_autofree char *part = g_build_filename (images, "part-01.png", NULL);
  g_autofree char *pdf = g_build_filename (out, "codes.pdf", NULL);
  g_autoptr(GFile) sre_file = g_file_new_for_path (sre);
  g_autoptr(GFile) images_dir = g_file_new_for_path (images);
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) pdf_bytes = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  SrReceiptPage *page;
  GStatBuf st;
  guint n = 0, pages = 0;
  const char *at;

  receipt = file_report (window, NARRATIVE);
  envelope = sr_outbox_lookup (fixture->outbox, receipt, &error);
  g_assert_no_error (error);
  page = receipt_page (window);
  g_assert_cmpuint (sr_receipt_page_get_n_parts (page), ==, 1);
  scroll_to_end (window);
  screenshot (window, "receipt-save");

  /* A desktop offers the file, the images and the printout. */
  g_assert_nonnull (find_by_name (window, "save-file"));
  g_assert_nonnull (find_by_name (window, "save-images"));
  g_assert_nonnull (find_by_name (window, "print"));
  g_assert_cmpint (g_mkdir_with_parents (out, 0700), ==, 0);

  /* The file is the sealed report, byte for byte, private to its owner. */
  g_assert_true (sr_receipt_page_save_file (page, sre_file, &error));
  g_assert_no_error (error);
  saved = sr_test_read (sre);
  g_assert_true (g_bytes_equal (saved, envelope));
  g_assert_cmpint (g_stat (sre, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The images read back as the report's one part. */
  g_assert_true (sr_receipt_page_save_images (page, images_dir, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  texts = sr_qr_read_file (part, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (texts->len, ==, 1);
  {
    g_autoptr(SrQrAssembler) assembler = sr_qr_assembler_new ();
    g_autoptr(GBytes) assembled = NULL;

    g_assert_true (sr_qr_assembler_add (assembler, g_ptr_array_index (texts, 0), -1, NULL, &error));
    assembled = sr_qr_assembler_pop_envelope (assembler);
    g_assert_true (g_bytes_equal (assembled, envelope));
  }

  /* Printing to a PDF gives one page per code. */
  operation = sr_receipt_page_new_print_operation (page);
  gtk_print_operation_set_export_filename (operation, pdf);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error),
                   ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  pdf_bytes = sr_test_read (pdf);
  g_assert_cmpuint (g_bytes_get_size (pdf_bytes), >, 1000);
  g_assert_cmpmem (g_bytes_get_data (pdf_bytes, NULL), 5, "%PDF-", 5);
  at = g_bytes_get_data (pdf_bytes, NULL);
  for (const char *end = at + g_bytes_get_size (pdf_bytes);
       (at = memmem (at, end - at, "/Type /Page", 11)) != NULL && at + 12 < end;
       at++)
    if (at[11] != 's')
      pages++;
  g_assert_cmpuint (pages, ==, 1);
}

static void
test_receipt_kiosk (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOutbox) outbox = make_outbox (dir, secret, FALSE);
  g_autofree char *receipt = NULL;
  SrWindow *window;

  /* A kiosk shows the code to photograph, and nothing to save: the
   * sealed report stays for the keeper to carry out. */
  window = sr_window_new (NULL, outbox, SR_WINDOW_KIOSK);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (window);
  receipt = file_report (window, NARRATIVE);
  g_assert_nonnull (receipt);
  g_assert_nonnull (sr_receipt_page_get_texture (receipt_page (window)));
  g_assert_true (gtk_widget_get_mapped (find_by_name (window, "qr")));
  g_assert_null (find_by_name (window, "save-file"));
  g_assert_null (find_by_name (window, "save-images"));
  g_assert_null (find_by_name (window, "print"));
  /* Photos come from files: a kiosk has none to offer. */
  g_assert_cmpuint (count_attachments_widgets (window), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
  sr_test_rmdir (dir);
  sr_i18n_reset_language ();
}

/* The admin area */

#define PIN "2468"
#define NEW_PIN "1357 9"

static SrAdminPage *
admin_page (SrWindow *window)
{
  GtkWidget *page = find_by_type (GTK_WIDGET (window), SR_TYPE_ADMIN_PAGE);

  g_assert_true (SR_IS_ADMIN_PAGE (page));
  return SR_ADMIN_PAGE (page);
}

static gboolean
admin_idle (SrWindow *window)
{
  GtkWidget *page = find_by_type (GTK_WIDGET (window), SR_TYPE_ADMIN_PAGE);

  return page == NULL || !sr_admin_page_get_busy (SR_ADMIN_PAGE (page));
}

static void
type_into (SrWindow   *window,
           const char *name,
           const char *text)
{
  GtkWidget *entry = find_by_name (window, name);

  g_assert_true (GTK_IS_EDITABLE (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
click_name (SrWindow   *window,
            const char *name)
{
  click (find_by_name (window, name));
}

static const char *
label_text (SrWindow   *window,
            const char *name)
{
  GtkWidget *label = find_by_name (window, name);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The keeper's key combination, as the window knows it. */
static gboolean
has_shortcut (SrWindow   *window,
              const char *trigger_text,
              const char *action_name)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (GTK_IS_NAMED_ACTION (action)
              && g_strcmp0 (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), action_name) == 0
              && strstr (trigger, trigger_text) != NULL)
            return TRUE;
        }
    }

  return FALSE;
}

/* Whether the main menu offers an action. */
static gboolean
menu_has_action (SrWindow   *window,
                 const char *action_name)
{
  GtkWidget *button = find (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (GTK_TYPE_MENU_BUTTON));
  GMenuModel *menu;

  g_assert_nonnull (button);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *action = NULL;

          if (g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_ACTION, "s", &action)
              && g_str_equal (action, action_name))
            return TRUE;
        }
    }

  return FALSE;
}

static void
open_admin (SrWindow *window)
{
  g_assert_true (has_shortcut (window, "<Control><Alt>a", "win.admin"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.admin", NULL));
  pump ();
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_ADMIN);
}

static void
unlock (SrWindow   *window,
        const char *pin)
{
  GtkWidget *entry;

  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_UNLOCK);
  entry = find_by_name (window, "pin");
  type_into (window, "pin", pin);
  click_name (window, "unlock");
  wait_for (window, admin_idle, "the PIN check");
  /* The PIN does not stay in the field. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

static void
leave_admin (SrWindow *window)
{
  click_name (window, "leave-admin");
  g_assert_null (find_by_type (GTK_WIDGET (window), SR_TYPE_ADMIN_PAGE));
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
}

static SrSecret *
secret_text (const char *text)
{
  return sr_secret_new_from ((const guint8 *) text, strlen (text));
}

static void
test_admin_pin (Fixture       *fixture,
                gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autoptr(SrSecret) new_pin = secret_text (NEW_PIN);
  g_autoptr(GError) error = NULL;
  const char *message;

  /* On a desktop the main menu leads there too. */
  g_assert_true (menu_has_action (window, "win.admin"));

  /* Whatever a visitor started is gone once the area opens. */
  start (window, "en");
  skip_to (window, "role");
  choose_option (window, "survivor");
  open_admin (window);
  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 0);
  g_assert_null (find_by_type (GTK_WIDGET (window), SR_TYPE_QUESTION_PAGE));

  /* First entry: a PIN is chosen, typed twice, 4 characters or more. */
  g_assert_false (sr_outbox_has_admin_pin (fixture->outbox));
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_SET_PIN);
  g_assert_cmpuint (check_accessible_names (GTK_WIDGET (window), "admin-set-pin"), >=, 5);
  screenshot (window, "admin-set-pin");
  type_into (window, "new-pin", "123");
  type_into (window, "repeat-pin", "123");
  click_name (window, "set-pin");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_SET_PIN);
  type_into (window, "new-pin", PIN);
  type_into (window, "repeat-pin", "2469");
  click_name (window, "set-pin");
  wait_for (window, admin_idle, "the PIN");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_SET_PIN);
  g_assert_false (sr_outbox_has_admin_pin (fixture->outbox));
  type_into (window, "new-pin", PIN);
  type_into (window, "repeat-pin", PIN);
  click_name (window, "set-pin");
  wait_for (window, admin_idle, "the PIN");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_MAIN);
  g_assert_true (sr_outbox_has_admin_pin (fixture->outbox));

  /* Changing it takes the current one. */
  click_name (window, "change-pin");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_CHANGE_PIN);
  type_into (window, "old-pin", "0000");
  type_into (window, "changed-pin", NEW_PIN);
  type_into (window, "changed-repeat", NEW_PIN);
  click_name (window, "change-pin-confirm");
  wait_for (window, admin_idle, "the PIN change");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_CHANGE_PIN);
  g_assert_cmpstr (label_text (window, "change-pin-error"), ==, T_("That PIN is not right."));
  type_into (window, "old-pin", PIN);
  type_into (window, "changed-pin", NEW_PIN);
  type_into (window, "changed-repeat", NEW_PIN);
  click_name (window, "change-pin-confirm");
  wait_for (window, admin_idle, "the PIN change");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_MAIN);
  g_assert_cmpstr (sr_admin_page_get_status (admin_page (window)), ==, T_("The PIN was changed."));
  g_assert_true (sr_outbox_check_admin_pin (fixture->outbox, new_pin, NULL, &error));
  g_assert_no_error (error);
  leave_admin (window);

  /* Later entries ask for it; a wrong one is told so and opens nothing. */
  open_admin (window);
  unlock (window, PIN);
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_UNLOCK);
  g_assert_cmpstr (label_text (window, "unlock-error"), ==, T_("That PIN is not right."));
  unlock (window, NEW_PIN);
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_MAIN);
  leave_admin (window);

  /* Three wrong PINs in a row, and the next try waits, even with the right
   * PIN. */
  open_admin (window);
  screenshot (window, "admin-unlock");
  for (guint i = 0; i < 3; i++)
    {
      unlock (window, "9999");
      g_assert_cmpstr (label_text (window, "unlock-error"), ==, T_("That PIN is not right."));
    }
  unlock (window, NEW_PIN);
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_UNLOCK);
  /* The wait is 30 s, less the time the test took since the last try. */
  message = label_text (window, "unlock-error");
  {
    gboolean found = FALSE;

    for (guint seconds = 1; seconds <= 30 && !found; seconds++)
      {
        g_autofree char *expected =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Too many wrong PINs. Try again in %u second.",
                                        "Too many wrong PINs. Try again in %u seconds.",
                                        seconds),
                           seconds);

        found = g_str_equal (message, expected);
      }
    if (!found)
      g_error ("Not the lock message: %s", message);
  }
  screenshot (window, "admin-locked");

  /* Quick exit locks the area too. */
  click_action (window, "win.quick-exit");
  g_assert_null (find_by_type (GTK_WIDGET (window), SR_TYPE_ADMIN_PAGE));
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
}

static void
submit_report (Fixture    *fixture,
               const char *narrative)
{
  g_autoptr(SrProfile) profile = sr_outbox_get_profile (fixture->outbox, NULL);
  g_autoptr(SrAnswers) answers = sr_answers_new (sr_form_get_id (sr_profile_get_form (profile)), "en");
  g_autoptr(GError) error = NULL;
  g_autofree char *receipt = NULL;

  sr_answers_set_text (answers, "role", "survivor");
  sr_answers_set_text (answers, "narrative", narrative);
  sr_answers_set_bool (answers, "consent", TRUE);
  receipt = sr_outbox_submit (fixture->outbox, answers, &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt);
}

static GBytes *
make_ack (SrOrgSecret *secret,
          GPtrArray   *envelopes)
{
  g_autofree guint8 (*ids)[SR_ENVELOPE_ID_BYTES] = g_malloc0 (SR_ENVELOPE_ID_BYTES * MAX (envelopes->len, 1));
  g_autoptr(GError) error = NULL;
  GBytes *ack;

  for (guint i = 0; i < envelopes->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (envelopes, i), &len);

      sr_envelope_id (data, len, ids[i]);
    }
  ack = sr_ack_create ((const guint8 (*)[SR_ENVELOPE_ID_BYTES]) ids, envelopes->len, secret, &error);
  g_assert_no_error (error);

  return ack;
}

static void
test_admin_export_ack (Fixture       *fixture,
                       gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autoptr(SrSecret) pin = secret_text (PIN);
  g_autoptr(SrOrgSecret) stranger = sr_org_secret_generate ();
  g_autofree char *usb = g_build_filename (fixture->dir, "usb", NULL);
  g_autofree char *bundle_path = g_build_filename (usb, "backup.srb", NULL);
  g_autoptr(GFile) bundle_file = g_file_new_for_path (bundle_path);
  g_autoptr(GPtrArray) envelopes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(SrBundleReader) reader = NULL;
  g_autoptr(GBytes) forged = NULL;
  g_autoptr(GBytes) ack = NULL;
  g_autoptr(GFile) forged_file = NULL;
  g_autoptr(GFile) ack_file = NULL;
  g_autoptr(GError) error = NULL;
  guint pending = 99, exported = 99, acknowledged = 99;

  g_assert_cmpint (g_mkdir_with_parents (usb, 0700), ==, 0);
  submit_report (fixture, NARRATIVE);
  submit_report (fixture, PLACE);
  g_assert_true (sr_outbox_set_admin_pin (fixture->outbox, pin, &error));
  g_assert_no_error (error);

  open_admin (window);
  unlock (window, PIN);
  g_assert_cmpstr (label_text (window, "pending"), ==, "2");
  g_assert_cmpstr (label_text (window, "exported"), ==, "0");
  g_assert_cmpuint (check_accessible_names (GTK_WIDGET (window), "admin"), >=, 6);
  /* The key the kiosk trusts, for the keeper to check at any time. */
  {
    g_autofree char *pinned = sr_outbox_get_fingerprint (fixture->outbox, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (label_text (window, "fingerprint-digits"), ==, pinned);
  }
  screenshot (window, "admin");

  /* Export: the same code the file dialog leads to. */
  sr_admin_page_export_to (admin_page (window), bundle_file);
  g_assert_true (sr_admin_page_get_busy (admin_page (window)));
  wait_for (window, admin_idle, "the export");
  {
    g_autofree char *expected =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "Exported %u report. Take the stick to the organisation, by hand or by someone you trust.",
                                    "Exported %u reports. Take the stick to the organisation, by hand or by someone you trust.",
                                    2),
                       2);

    g_assert_cmpstr (sr_admin_page_get_status (admin_page (window)), ==, expected);
  }
  g_assert_cmpstr (label_text (window, "pending"), ==, "0");
  g_assert_cmpstr (label_text (window, "exported"), ==, "2");
  sr_outbox_get_counts (fixture->outbox, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (exported, ==, 2);
  screenshot (window, "admin-exported");
  scroll_to_end (window);
  screenshot (window, "admin-profile");

  /* The organisation can open the bundle: both reports are in it. */
  reader = sr_bundle_reader_new (bundle_path, fixture->secret, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_bundle_reader_get_n_records (reader), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      GBytes *record = sr_bundle_reader_get_record (reader, i, &error);

      g_assert_no_error (error);
      g_ptr_array_add (envelopes, record);
    }

  /* An acknowledgement signed by someone else deletes nothing. */
  forged = make_ack (stranger, envelopes);
  forged_file = write_temp (usb, "forged.sra", forged);
  sr_admin_page_apply_ack_from (admin_page (window), forged_file);
  wait_for (window, admin_idle, "the forged acknowledgement");
  g_assert_cmpstr (sr_admin_page_get_status (admin_page (window)), ==,
                   T_("This acknowledgement was not signed by the organisation this kiosk trusts. Nothing was deleted."));
  g_assert_true (gtk_widget_has_css_class (find_by_name (window, "admin-status"), "error"));
  sr_outbox_get_counts (fixture->outbox, &pending, &exported, &acknowledged);
  g_assert_cmpuint (exported, ==, 2);
  g_assert_cmpuint (acknowledged, ==, 0);

  /* The organisation's own deletes both. */
  ack = make_ack (fixture->secret, envelopes);
  ack_file = write_temp (usb, "ack.sra", ack);
  sr_admin_page_apply_ack_from (admin_page (window), ack_file);
  wait_for (window, admin_idle, "the acknowledgement");
  {
    g_autofree char *expected =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "The organisation received %u report. It was deleted from this kiosk.",
                                    "The organisation received %u reports. They were deleted from this kiosk.",
                                    2),
                       2);

    g_assert_cmpstr (sr_admin_page_get_status (admin_page (window)), ==, expected);
  }
  g_assert_false (gtk_widget_has_css_class (find_by_name (window, "admin-status"), "error"));
  g_assert_cmpstr (label_text (window, "exported"), ==, "0");
  g_assert_cmpstr (label_text (window, "acknowledged"), ==, "2");
  sr_outbox_get_counts (fixture->outbox, &pending, &exported, &acknowledged);
  g_assert_cmpuint (pending + exported, ==, 0);
  g_assert_cmpuint (acknowledged, ==, 2);

  /* Nothing left to export. */
  g_assert_false (gtk_widget_get_sensitive (find_by_name (window, "export")));

  /* A keeper who walks away leaves the area locked behind them. */
  sr_window_set_idle_timeout (window, 1, 1);
  wait_for (window, is_language, "the idle lock");
  g_assert_null (find_by_type (GTK_WIDGET (window), SR_TYPE_ADMIN_PAGE));
}

static void
test_admin_provision (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autoptr(SrOrgSecret) demo_secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) org_secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) stranger = sr_org_secret_generate ();
  g_autoptr(SrOutbox) outbox = make_outbox (dir, demo_secret, TRUE);
  g_autoptr(SrSecret) pin = secret_text (PIN);
  g_autoptr(GBytes) org_profile = make_profile (org_secret, FALSE);
  g_autoptr(GBytes) foreign_profile = make_profile (stranger, FALSE);
  g_autoptr(GFile) org_file = write_temp (dir, "org.srp", org_profile);
  g_autoptr(GFile) foreign_file = write_temp (dir, "other.srp", foreign_profile);
  g_autoptr(SrProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *words = NULL;
  g_autofree char *pinned = NULL;
  SrOrgPublic pub;
  SrWindow *window;

  sr_org_secret_get_public (org_secret, &pub);
  digits = sr_fingerprint_digits (pub.sign);
  words = sr_fingerprint_words (pub.sign);
  g_assert_true (sr_outbox_set_admin_pin (outbox, pin, &error));
  g_assert_no_error (error);

  /* A kiosk on the demo profile refuses to take reports... */
  window = sr_window_new (NULL, outbox, SR_WINDOW_KIOSK);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (window);
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_PROBLEM);
  g_assert_null (find (GTK_WIDGET (window), match_action, "win.next"));
  /* Its admin area is not offered on screen, only by its shortcut. */
  g_assert_false (menu_has_action (window, "win.admin"));
  g_assert_true (menu_has_action (window, "win.large-text"));
  screenshot (window, "kiosk-demo");

  /* ...until its keeper provisions the organisation's profile, after
   * comparing the fingerprint shown with the one given to them. */
  open_admin (window);
  unlock (window, PIN);
  sr_admin_page_open_profile (admin_page (window), org_file);
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_PROVISION);
  g_assert_cmpstr (label_text (window, "new-digits"), ==, digits);
  g_assert_cmpstr (label_text (window, "new-words"), ==, words);
  g_assert_nonnull (strstr (label_text (window, "new-profile"), "Test Organisation"));
  screenshot (window, "admin-provision");
  click_name (window, "provision-confirm");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_MAIN);
  g_assert_true (sr_admin_page_get_provisioned (admin_page (window)));
  pinned = sr_outbox_get_fingerprint (outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pinned, ==, digits);

  /* Another organisation's profile is refused, and said to be. */
  sr_admin_page_open_profile (admin_page (window), foreign_file);
  g_assert_true (gtk_widget_get_mapped (find_by_name (window, "provision-warning")));
  click_name (window, "provision-confirm");
  g_assert_cmpint (sr_admin_page_get_view (admin_page (window)), ==, SR_ADMIN_VIEW_PROVISION);
  g_assert_cmpstr (label_text (window, "provision-error"), ==,
                   T_("This profile was signed by another organisation, not the one this kiosk trusts. Nothing was changed."));
  click_name (window, "provision-cancel");
  g_clear_pointer (&pinned, g_free);
  pinned = sr_outbox_get_fingerprint (outbox, &error);
  g_assert_cmpstr (pinned, ==, digits);

  /* Leaving, the kiosk takes reports: no refusal, no demo banner. */
  click_name (window, "leave-admin");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
  g_assert_null (find (GTK_WIDGET (window), match_css_class, "demo-banner"));
  profile = sr_application_load_profile (outbox, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (sr_profile_is_demo (profile));
  start (window, test_lang ());
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_QUESTION);

  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
  sr_test_rmdir (dir);
  sr_i18n_reset_language ();
}

/* Larger text and stronger contrast */

static int
natural_height (GtkWidget *widget)
{
  int natural = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, -1, NULL, &natural, NULL, NULL);
  return natural;
}

static void
label_color (GtkWidget *label,
             GdkRGBA   *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (label), color);
}

static void
test_view_switches (Fixture       *fixture,
                    gconstpointer  data)
{
  SrWindow *window = fixture->window;
  GtkWidget *title = find (GTK_WIDGET (window), match_css_class, "title-1");
  GtkWidget *large = find_by_name (window, "large-text");
  int normal_height = natural_height (title);
  GdkRGBA normal_color, color;

  /* The switches are on the first screen, before any language. */
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
  g_assert_true (GTK_IS_TOGGLE_BUTTON (large));
  g_assert_true (GTK_IS_TOGGLE_BUTTON (find_by_name (window, "high-contrast")));
  label_color (title, &normal_color);
  g_assert_cmpfloat (normal_color.alpha, <, 0.95);

  /* Larger text: half as large again. */
  click (large);
  g_assert_true (sr_window_get_large_text (window));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (large)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "large-text"));
  wait_for_draw (window);
  g_assert_cmpint (natural_height (title) * 10, >=, normal_height * 13);
  screenshot (window, "large-text");

  /* Stronger contrast, here from the main menu's action mid-form: text
   * in full black. */
  start (window, test_lang ());
  skip_to (window, "role");
  g_assert_true (sr_window_get_large_text (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.high-contrast", NULL));
  pump ();
  g_assert_true (sr_window_get_high_contrast (window));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
  wait_for_draw (window);
  label_color (find (GTK_WIDGET (current_question_page (window)), match_css_class, "question-title"), &color);
  g_assert_cmpfloat (color.red, ==, 0);
  g_assert_cmpfloat (color.green, ==, 0);
  g_assert_cmpfloat (color.blue, ==, 0);
  g_assert_cmpfloat (color.alpha, ==, 1);
  choose_option (window, "survivor");
  screenshot (window, "high-contrast");

  /* Nothing about the last person stays: quick exit switches both off. */
  click_action (window, "win.quick-exit");
  g_assert_false (sr_window_get_large_text (window));
  g_assert_false (sr_window_get_high_contrast (window));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "large-text"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
  wait_for_draw (window);
  title = find (GTK_WIDGET (window), match_css_class, "title-1");
  g_assert_cmpint (natural_height (title), ==, normal_height);
  label_color (title, &color);
  g_assert_true (gdk_rgba_equal (&color, &normal_color));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_by_name (window, "large-text"))));
}

/* Operator mode */

static gboolean
focus_within (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = GTK_IS_WINDOW (root) ? gtk_window_get_focus (GTK_WINDOW (root)) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static SrQuestionPage *
question_page_named (SrWindow   *window,
                     const char *id)
{
  GtkWidget *page = find (GTK_WIDGET (window), match_name, id);

  g_assert_true (SR_IS_QUESTION_PAGE (page));
  return SR_QUESTION_PAGE (page);
}

static void
assert_part (SrWindow *window,
             guint     part,
             guint     parts)
{
  g_autofree char *expected = g_strdup_printf (T_("Part %u of %u"), part, parts);

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find_by_name (window, "progress"))), ==, expected);
}

/* A button pressed from the keyboard acts a moment later, as it shows
 * itself pressed. */
static gboolean
role_answered (SrWindow *window)
{
  return sr_answers_has (sr_window_get_answers (window), "role");
}

static gboolean
danger_answered (SrWindow *window)
{
  return sr_answers_has (sr_window_get_answers (window), "danger_now");
}

static void
test_operator (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOutbox) outbox = make_outbox (dir, secret, FALSE);
  g_autoptr(SrAnswers) sent = NULL;
  g_autofree char *receipt = NULL;
  Fixture fixture = { dir, secret, outbox, NULL };
  SrWindow *window;
  GtkWidget *survivor;
  GtkWidget *entry;
  SrQuestionPage *place;

  window = sr_window_new (NULL, outbox, SR_WINDOW_OPERATOR);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (window);

  /* Straight from the language to the first part of the form: all its
   * questions on one page, the first one's answer in focus. */
  choose_language (window, test_lang ());
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_SECTION);
  g_assert_true (SR_IS_SECTION_PAGE (find_by_type (GTK_WIDGET (window), SR_TYPE_SECTION_PAGE)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (question_page_named (window, "role"))));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (question_page_named (window, "danger_now"))));
  survivor = find (GTK_WIDGET (question_page_named (window, "role")), match_name, "survivor");
  g_assert_true (gtk_widget_has_focus (survivor));
  assert_part (window, 1, 7);

  /* From the keyboard: Enter on an answer chooses it and moves to the
   * next question. */
  g_signal_emit_by_name (survivor, "activate");
  wait_for (window, role_answered, "Enter to choose");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (survivor)));
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "role"), ==, "survivor");
  g_assert_true (focus_within (GTK_WIDGET (question_page_named (window, "danger_now"))));
  screenshot (window, "operator");

  /* Enter on the last question of the part leads to Next, and Next to the
   * next part. */
  g_signal_emit_by_name (find (GTK_WIDGET (question_page_named (window, "danger_now")), match_name, "no"),
                         "activate");
  wait_for (window, danger_answered, "Enter to choose");
  g_assert_true (gtk_widget_has_focus (find_by_name (window, "next")));
  click_action (window, "win.next");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_SECTION);
  assert_part (window, 2, 7);

  /* A text field: Enter moves on to the next question, not the next
   * page. */
  place = question_page_named (window, "current_place");
  entry = find (GTK_WIDGET (place), match_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY));
  gtk_widget_grab_focus (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), PLACE);
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry)), "activate");
  pump ();
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_SECTION);
  g_assert_false (focus_within (GTK_WIDGET (place)));
  g_assert_true (focus_within (GTK_WIDGET (question_page_named (window, "held_country"))));
  screenshot (window, "operator-where");

  /* Ctrl+Enter: to the review, then the same sealing as everywhere. */
  g_assert_true (has_shortcut (window, "<Control>Return", "win.review"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.review", NULL));
  pump ();
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  receipt = review_and_seal (window);
  g_assert_nonnull (receipt);

  sent = open_report (&fixture, receipt);
  g_assert_cmpstr (sr_answers_get_text (sent, "role"), ==, "survivor");
  g_assert_cmpstr (sr_answers_get_text (sent, "danger_now"), ==, "no");
  g_assert_cmpstr (sr_answers_get_text (sent, "current_place"), ==, PLACE);
  g_assert_cmpuint (sr_answers_get_n (sent), ==, 4);

  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
  sr_test_rmdir (dir);
  sr_i18n_reset_language ();
}

static void
test_idle (Fixture       *fixture,
           gconstpointer  data)
{
  SrWindow *window = fixture->window;

  start (window, test_lang ());
  skip_to (window, "role");
  choose_option (window, "survivor");

  /* Continue keeps the form. */
  sr_window_set_idle_timeout (window, 1, 30);
  wait_for (window, idle_warning_shows, "the idle warning");
  screenshot (window, "idle-warning");
  click_action (window, "win.continue");
  g_assert_false (sr_window_get_idle_warning_visible (window));
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_QUESTION);
  g_assert_cmpstr (sr_answers_get_text (sr_window_get_answers (window), "role"), ==, "survivor");

  /* Nobody there: the form is wiped. */
  sr_window_set_idle_timeout (window, 1, 1);
  wait_for (window, is_language, "the idle wipe");
  g_assert_false (sr_window_get_idle_warning_visible (window));
  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 0);
  g_assert_null (find_by_type (GTK_WIDGET (window), SR_TYPE_QUESTION_PAGE));
}

static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = NULL;
  SrWindow *window = fixture->window;

  /* The desktop runs on a demo profile and says so on every page. */
  profile = sr_application_load_profile (fixture->outbox, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (sr_profile_is_demo (profile));
  g_assert_nonnull (find (GTK_WIDGET (window), match_css_class, "demo-banner"));
  start (window, test_lang ());
  g_assert_nonnull (find (GTK_WIDGET (window), match_css_class, "demo-banner"));
  screenshot (window, "demo");

  /* A kiosk refuses it. */
  g_clear_pointer (&profile, sr_profile_unref);
  profile = sr_application_load_profile (fixture->outbox, TRUE, &error);
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_assert_null (profile);
}

static void
test_real_profile (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = NULL;

  /* No banner on a real profile, and a kiosk takes it. */
  g_assert_null (find (GTK_WIDGET (fixture->window), match_css_class, "demo-banner"));
  profile = sr_application_load_profile (fixture->outbox, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (sr_profile_is_demo (profile));
}

static void
test_kiosk (void)
{
  g_autofree char *dir = sr_test_mkdtemp ();
  g_autofree char *empty_dir = g_build_filename (dir, "empty", NULL);
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOutbox) outbox = make_outbox (dir, secret, FALSE);
  g_autoptr(SrOutbox) empty = make_outbox (empty_dir, NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = NULL;
  SrWindow *window;

  /* A kiosk with no profile does not fall back to the demo one. */
  profile = sr_application_load_profile (empty, TRUE, &error);
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED);
  g_assert_null (profile);

  /* It cannot be closed from the screen. */
  window = sr_window_new (NULL, outbox, SR_WINDOW_KIOSK);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (window);
  g_assert_false (gtk_window_get_deletable (GTK_WINDOW (window)));
  gtk_window_close (GTK_WINDOW (window));
  pump ();
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);

  gtk_window_destroy (GTK_WINDOW (window));
  pump ();

  /* Without a profile the keeper is told what to do, and nothing else
   * shows. */
  window = sr_window_new (NULL, NULL, SR_WINDOW_KIOSK);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  sr_window_show_problem (window, "This kiosk is not set up yet",
                          "It needs the organisation’s signed profile before it can take reports.",
                          "safereport-cli --data-dir /var/lib/safereport provision PROFILE.srp");
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (window);
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_PROBLEM);
  g_assert_null (find (GTK_WIDGET (window), match_action, "win.next"));
  g_assert_nonnull (find (GTK_WIDGET (window), match_action, "win.quick-exit"));
  screenshot (window, "kiosk-problem");
  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
  g_assert_null (window);

  sr_test_rmdir (dir);
}

/* The About window says when the translation in use is a draft, in that
 * language; English, the source, says nothing of the kind. */
static void
test_about_draft (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *sentence = "This translation is a draft. It has not yet been reviewed by a native speaker.";
  SrWindow *window = fixture->window;
  GtkWindow *about;
  const char *comments;

  start (window, "en");
  about = sr_window_show_about (window);
  comments = adw_about_window_get_comments (ADW_ABOUT_WINDOW (about));
  g_assert_true (comments == NULL || strstr (comments, "draft") == NULL);
  gtk_window_destroy (about);

  click_action (window, "win.language");
  choose_language (window, "th");
  about = sr_window_show_about (window);
  comments = adw_about_window_get_comments (ADW_ABOUT_WINDOW (about));
  g_assert_nonnull (comments);
  g_assert_cmpstr (comments, !=, "");
  g_assert_cmpstr (comments, !=, sentence);
  g_assert_cmpstr (comments, ==, g_dgettext ("safereport", sentence));
  gtk_window_destroy (about);
}

/* Dates as the language writes them. The expected strings are the spec:
 * CLDR's long date of each language (Gregorian), in its digits; Thai's
 * is in the Buddhist era, with the era's name (see test_date_era). */

typedef struct
{
  const char *lang;
  const char *date;      /* 2025-03-28 */
  const char *first;     /* 2024-12-01, one digit of day */
  guint       order[3];  /* 0 day, 1 month, 2 year */
} DateCase;

static const DateCase date_cases[] = {
  { "en",    "March 28, 2025",   "December 1, 2024",   { 1, 0, 2 } },
  { "ru",    "28 марта 2025 г.", "1 декабря 2024 г.",  { 0, 1, 2 } },
  { "zh_CN", "2025年3月28日",    "2024年12月1日",      { 2, 1, 0 } },
  { "ja",    "2025年3月28日",    "2024年12月1日",      { 2, 1, 0 } },
  { "ko",    "2025년 3월 28일",  "2024년 12월 1일",    { 2, 1, 0 } },
  { "ar",    "٢٨ مارس ٢٠٢٥",     "١ ديسمبر ٢٠٢٤",      { 0, 1, 2 } },
  { "my",    "၂၀၂၅၊ မတ် ၂၈",     "၂၀၂၄၊ ဒီဇင်ဘာ ၁",     { 2, 1, 0 } },
  { "vi",    "28 tháng 3, 2025", "1 tháng 12, 2024",   { 0, 1, 2 } },
  { "tl",    "Marso 28, 2025",   "Disyembre 1, 2024",  { 1, 0, 2 } },
  { "pt_BR", "28 de março de 2025", "1 de dezembro de 2024", { 0, 1, 2 } },
  { "th",    "28 มีนาคม พ.ศ. 2568", "1 ธันวาคม พ.ศ. 2567", { 0, 1, 2 } },
};

static void
assert_order (const guint order[3],
              const guint expected[3])
{
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (order[i], ==, expected[i]);
}

static void
test_date_format (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (date_cases); c++)
    {
      const DateCase *expected = &date_cases[c];
      g_autofree char *date = NULL;
      g_autofree char *first = NULL;
      guint order[3] = { 9, 9, 9 };

      sr_i18n_set_language (expected->lang);
      date = sr_i18n_format_date (2025, 3, 28);
      first = sr_i18n_format_date (2024, 12, 1);
      g_assert_cmpstr (date, ==, expected->date);
      g_assert_cmpstr (first, ==, expected->first);
      sr_i18n_date_order (order);
      assert_order (order, expected->order);
    }
  sr_i18n_reset_language ();
}

static void
test_date_pattern (void)
{
  /* Each breaks the rule: the three placeholders once each, and no other
   * '%'. printf would read the last ones as more arguments, or a write. */
  static const char *const bad[] = {
    "", "28 March 2025", "%s", "%1$s %1$s", "%1$s %2$s", "%1$s %1$s %3$s", "%4$s", "%n",
    "%1$s %2$s %3$s %n", "%1$s %2$s %3$s %1$s", "%0$s %1$s %2$s %3$s",
    "%1$s %2$s %3$d", "%1$s %2$s %3$", "%1$s %2$s %3$s%", "%1$s %2$s %3$s %%",
    "%1$s %2$s %3$ls", "%1$s %2$s %3$*s", "%1$s %2$s %3$.2s", "%2$s %1$s, %3$s %4$s",
    "\xff %1$s %2$s %3$s",
  };
  static const struct
  {
    const char *pattern;
    const char *date;
    guint       order[3];
  } good[] = {
    { "%2$s %1$s, %3$s",      "March 28, 2025",           { 1, 0, 2 } },
    { "%3$s年%2$s%1$s日",     "2025年March28日",          { 2, 1, 0 } },
    { "%1$s/%2$s/%3$s",       "28/March/2025",            { 0, 1, 2 } },
    { "Le %1$s (%2$s) %3$s!", "Le 28 (March) 2025!",      { 0, 1, 2 } },
    { "%3$s%1$s%2$s",         "202528March",              { 2, 0, 1 } },
    { "%2$s%3$s %1$s",        "March2025 28",             { 1, 2, 0 } },
  };

  sr_i18n_set_language ("en");
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *date = sr_i18n_format_date_with (good[i].pattern, 2025, 3, 28);
      guint order[3] = { 9, 9, 9 };

      g_assert_cmpstr (date, ==, good[i].date);
      g_assert_true (sr_i18n_date_order_with (good[i].pattern, order));
      assert_order (order, good[i].order);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *date = sr_i18n_format_date_with (bad[i], 2025, 3, 28);
      guint order[3] = { 9, 9, 9 };

      g_test_message ("pattern “%s”", bad[i]);
      g_assert_cmpstr (date, ==, "March 28, 2025");
      g_assert_false (sr_i18n_date_order_with (bad[i], order));
      assert_order (order, date_cases[0].order);
    }
  {
    g_autofree char *date = sr_i18n_format_date_with (NULL, 2025, 3, 28);
    guint order[3] = { 9, 9, 9 };

    g_assert_cmpstr (date, ==, "March 28, 2025");
    g_assert_false (sr_i18n_date_order_with (NULL, order));
    assert_order (order, date_cases[0].order);
  }

  /* A broken pattern in another language falls back to the English
   * order, still with that language's month and digits. */
  sr_i18n_set_language ("ar");
  {
    g_autofree char *date = sr_i18n_format_date_with ("%1$s %1$s", 2025, 3, 28);

    g_assert_cmpstr (date, ==, "مارس ٢٨, ٢٠٢٥");
  }

  /* A day that is not in the calendar is a programming error. */
  g_test_expect_message ("sr-i18n", G_LOG_LEVEL_CRITICAL, "*g_date_valid_dmy*");
  g_assert_null (sr_i18n_format_date (2025, 2, 29));
  g_test_assert_expected_messages ();
  g_test_expect_message ("sr-i18n", G_LOG_LEVEL_CRITICAL, "*g_date_valid_dmy*");
  g_assert_null (sr_i18n_format_date_with ("%1$s %2$s %3$s", 2025, 13, 1));
  g_test_assert_expected_messages ();
  sr_i18n_reset_language ();
}

/* Thai readers count years in the Buddhist era, 543 years ahead of the
 * Gregorian count (CLDR's calendar preference for Thailand); what is
 * stored stays Gregorian, and every other language keeps that year. */
static void
test_date_era (void)
{
  static const struct
  {
    const char *lang;
    guint       year;  /* 2025 as the language counts it */
    const char *with;  /* 2025-03-28 with the pattern "%1$s/%2$s/%3$s" */
  } cases[] = {
    { "th", 2568, "28/มีนาคม/2568" },
    { "en", 2025, "28/March/2025" },
    { "my", 2025, "၂၈/မတ်/၂၀၂၅" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *with = NULL;

      sr_i18n_set_language (cases[c].lang);
      g_assert_cmpuint (sr_i18n_display_year (2025), ==, cases[c].year);
      g_assert_cmpuint (sr_i18n_display_year (1976), ==, cases[c].year - 49);
      /* The era is the language's, whatever the pattern. */
      with = sr_i18n_format_date_with ("%1$s/%2$s/%3$s", 2025, 3, 28);
      g_assert_cmpstr (with, ==, cases[c].with);
    }

  /* The review's date, from the stored answer: the Buddhist year, never
   * the Gregorian one. */
  sr_i18n_set_language ("th");
  {
    g_autofree char *date = sr_i18n_format_answer_date ("2025-03-28");

    g_assert_cmpstr (date, ==, "28 มีนาคม พ.ศ. 2568");
    g_assert_nonnull (strstr (date, "2568"));
    g_assert_null (strstr (date, "2025"));
  }
  sr_i18n_reset_language ();
}

static void
test_date_parse (void)
{
  static const char *const bad[] = {
    "", "2025", "2025-3-28", "2025-03-8", "25-03-28", "2025/03/28", "28-03-2025",
    "2025-03-28 ", " 2025-03-28", "2025-03-28T00:00", "+025-03-28", "2025-+3-28",
    "2025-02-29", "2024-02-30", "2025-04-31", "2025-13-01", "2025-00-10", "2025-03-00",
    "2025-03-32", "0000-01-01", "２０２５-03-28", "2025-03-2\xff",
  };
  guint year = 1, month = 1, day = 1;

  g_assert_true (sr_i18n_parse_date ("2025-03-28", &year, &month, &day));
  g_assert_cmpuint (year, ==, 2025);
  g_assert_cmpuint (month, ==, 3);
  g_assert_cmpuint (day, ==, 28);
  g_assert_true (sr_i18n_parse_date ("2024-02-29", &year, &month, &day));
  g_assert_cmpuint (year, ==, 2024);
  g_assert_cmpuint (month, ==, 2);
  g_assert_cmpuint (day, ==, 29);
  g_assert_true (sr_i18n_parse_date ("1900-12-31", &year, &month, &day));
  g_assert_cmpuint (year, ==, 1900);
  g_assert_cmpuint (month, ==, 12);
  g_assert_cmpuint (day, ==, 31);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      year = month = day = 7;
      g_test_message ("date “%s”", bad[i]);
      g_assert_false (sr_i18n_parse_date (bad[i], &year, &month, &day));
      /* Nothing is half-written. */
      g_assert_cmpuint (year, ==, 7);
      g_assert_cmpuint (month, ==, 7);
      g_assert_cmpuint (day, ==, 7);
      g_assert_null (sr_i18n_format_answer_date (bad[i]));
    }
  g_assert_false (sr_i18n_parse_date (NULL, &year, &month, &day));
  g_assert_null (sr_i18n_format_answer_date (NULL));
}

/* The date question's three lists, in the order they are laid out: each
 * is told by its length (a blank, then 31 days, 12 months or the years). */
static void
date_lists (SrQuestionPage *page,
            guint           parts[3],
            GtkDropDown    *lists[3])
{
  g_autoptr(GPtrArray) drop_downs = g_ptr_array_new ();

  collect (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN, drop_downs);
  g_assert_cmpuint (drop_downs->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      GtkDropDown *list = g_ptr_array_index (drop_downs, i);
      guint n = g_list_model_get_n_items (gtk_drop_down_get_model (list));

      g_assert_true (n == 32 || n == 13 || n > 32);
      parts[i] = n == 32 ? 0 : n == 13 ? 1 : 2;
      lists[i] = list;
    }
}

/* The text of a date list's item. */
static const char *
list_item (GtkDropDown *list,
           guint        position)
{
  return gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (list)), position);
}

/* Where a date list shows text, or GTK_INVALID_LIST_POSITION. */
static guint
list_find (GtkDropDown *list,
           const char  *text)
{
  guint n = g_list_model_get_n_items (gtk_drop_down_get_model (list));

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (list_item (list, i), text) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

/* The date question's year list. */
static GtkDropDown *
year_list (SrQuestionPage *page)
{
  GtkDropDown *lists[3];
  guint parts[3];

  date_lists (page, parts, lists);
  for (guint i = 0; i < 3; i++)
    if (parts[i] == 2)
      return lists[i];
  g_assert_not_reached ();
}

/* Whether widget is focus, or holds it. */
static gboolean
has_focus_within (GtkWidget *widget,
                  GtkWidget *focus)
{
  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
test_date_question (Fixture       *fixture,
                    gconstpointer  data)
{
  static const struct
  {
    const char *lang;
    guint       order[3];
    const char *date;
    const char *year;  /* 2025 as the year list shows it */
    guint       era;   /* what the language adds to a Gregorian year */
  } cases[] = {
    { "en",    { 1, 0, 2 }, "March 28, 2025",      "2025", 0 },
    { "zh_CN", { 2, 1, 0 }, "2025年3月28日",       "2025", 0 },
    { "ru",    { 0, 1, 2 }, "28 марта 2025 г.",    "2025", 0 },
    { "ar",    { 0, 1, 2 }, "٢٨ مارس ٢٠٢٥",        "٢٠٢٥", 0 },
    { "my",    { 2, 1, 0 }, "၂၀၂၅၊ မတ် ၂၈",        "၂၀၂၅", 0 },
    { "th",    { 0, 1, 2 }, "28 มีนาคม พ.ศ. 2568", "2568", 543 },
  };
  const char *captions[] = { "Day", "Month", "Year" };
  SrWindow *window = fixture->window;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint this_year = (guint) g_date_time_get_year (now);

  /* The year list reaches back from this year; 2025 must be in it. */
  g_assert_cmpuint (this_year, >=, 2025);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      SrQuestionPage *page;
      SrAnswers *answers;
      GtkDropDown *lists[3];
      guint parts[3];
      GtkWidget *edit;
      GtkWidget *answer;
      guint year = GTK_INVALID_LIST_POSITION;
      g_autofree char *shown = NULL;
      g_autofree char *bad = NULL;

      if (c > 0)
        {
          gtk_window_destroy (GTK_WINDOW (window));
          pump ();
          window = fixture->window = sr_window_new (NULL, fixture->outbox, SR_WINDOW_DESKTOP);
          gtk_window_present (GTK_WINDOW (window));
          wait_for_draw (window);
        }
      start (window, cases[c].lang);
      skip_to (window, "role");
      choose_option (window, "family");
      click_action (window, "win.next");
      skip_to (window, "last_contact");
      page = current_question_page (window);

      /* The lists and their captions, in the order of the language's date. */
      date_lists (page, parts, lists);
      assert_order (parts, cases[c].order);
      for (guint i = 0; i < 3; i++)
        {
          GtkWidget *caption = gtk_widget_get_prev_sibling (GTK_WIDGET (lists[i]));

          g_assert_true (GTK_IS_LABEL (caption));
          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (caption)), ==, T_(captions[parts[i]]));
        }
      /* Right to left, the row is mirrored: the first list is rightmost. */
      {
        double first = 0, last = 0, y = 0;

        wait_for_draw (window);
        g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (lists[0]), GTK_WIDGET (window),
                                                         0, 0, &first, &y));
        g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (lists[2]), GTK_WIDGET (window),
                                                         0, 0, &last, &y));
        if (sr_i18n_is_rtl (cases[c].lang))
          g_assert_cmpfloat (first, >, last);
        else
          g_assert_cmpfloat (first, <, last);
      }
      /* Tab goes from one list to the next in the same order. */
      gtk_widget_grab_focus (GTK_WIDGET (lists[0]));
      g_assert_true (has_focus_within (GTK_WIDGET (lists[0]), gtk_window_get_focus (GTK_WINDOW (window))));
      for (guint i = 1; i < 3; i++)
        {
          g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
          g_assert_true (has_focus_within (GTK_WIDGET (lists[i]),
                                           gtk_window_get_focus (GTK_WINDOW (window))));
        }

      /* The years count back from this one, as the language counts them. */
      for (guint i = 0; i < 3; i++)
        if (parts[i] == 2)
          {
            g_autofree char *number = g_strdup_printf ("%u", this_year + cases[c].era);
            g_autofree char *first = sr_i18n_localize_digits (number);

            g_assert_cmpstr (list_item (lists[i], 0), ==, T_("—"));
            g_assert_cmpstr (list_item (lists[i], 1), ==, first);
            year = list_find (lists[i], cases[c].year);
          }
      g_assert_cmpuint (year, ==, this_year - 2025 + 1);

      /* 28 March 2025, chosen in the lists whatever their order. */
      for (guint i = 0; i < 3; i++)
        gtk_drop_down_set_selected (lists[i], parts[i] == 0 ? 28 : parts[i] == 1 ? 3 : year);
      pump ();
      answers = sr_window_get_answers (window);
      g_assert_cmpstr (sr_answers_get_text (answers, "last_contact"), ==, "2025-03-28");
      screenshot (window, "date-question");

      /* The review shows it as the language writes a date. */
      shown = sr_review_format_answer (sr_question_page_get_question (page), answers, cases[c].lang);
      g_assert_cmpstr (shown, ==, cases[c].date);
      while (sr_window_get_page (window) == SR_PAGE_QUESTION)
        click_action (window, "win.next");
      g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
      edit = find_by_name (window, "last_contact");
      g_assert_nonnull (edit);
      answer = gtk_widget_get_last_child (gtk_widget_get_prev_sibling (edit));
      g_assert_true (GTK_IS_LABEL (answer));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (answer)), ==, cases[c].date);
      scroll_to_widget (window, edit);
      screenshot (window, "date-review");

      /* An answer that is no date of the calendar is shown as it is. */
      sr_answers_set_text (answers, "last_contact", "2025-02-30");
      bad = sr_review_format_answer (sr_question_page_get_question (page), answers, cases[c].lang);
      g_assert_cmpstr (bad, ==, "2025-02-30");
      g_clear_pointer (&bad, g_free);
      sr_answers_set_text (answers, "last_contact", "spring 2025");
      bad = sr_review_format_answer (sr_question_page_get_question (page), answers, cases[c].lang);
      g_assert_cmpstr (bad, ==, "spring 2025");
    }
}

/* The date question's stored answer. */
static const char *
stored_date (SrWindow *window)
{
  return sr_answers_get_text (sr_window_get_answers (window), "last_contact");
}

/* The answer of the date question is Gregorian whatever era its year list
 * shows, and comes back into the lists in each language. */
static void
test_date_era_question (Fixture       *fixture,
                        gconstpointer  data)
{
  SrWindow *window = fixture->window;
  GtkDropDown *lists[3];
  guint parts[3];
  GtkDropDown *years;
  GtkWidget *edit;
  GtkWidget *answer;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint this_year = (guint) g_date_time_get_year (now);
  g_autofree char *first = g_strdup_printf ("%u", this_year + 543);

  g_assert_cmpuint (this_year, >=, 2025);

  /* 28 March 2025, chosen in English. */
  start (window, "en");
  skip_to (window, "role");
  choose_option (window, "family");
  click_action (window, "win.next");
  skip_to (window, "last_contact");
  date_lists (current_question_page (window), parts, lists);
  for (guint i = 0; i < 3; i++)
    {
      guint position = parts[i] == 0 ? 28 : parts[i] == 1 ? 3 : list_find (lists[i], "2025");

      gtk_drop_down_set_selected (lists[i], position);
    }
  pump ();
  g_assert_cmpstr (stored_date (window), ==, "2025-03-28");

  /* In Thai, the question is built again from the answer: the Buddhist
   * year is chosen. */
  click_action (window, "win.language");
  choose_language (window, "th");
  g_assert_cmpstr (current_question_id (window), ==, "last_contact");
  years = year_list (current_question_page (window));
  g_assert_cmpstr (list_item (years, 1), ==, first);
  g_assert_cmpstr (list_item (years, gtk_drop_down_get_selected (years)), ==, "2568");
  g_assert_cmpstr (stored_date (window), ==, "2025-03-28");

  /* Choosing a Buddhist year stores the Gregorian one. */
  gtk_drop_down_set_selected (years, list_find (years, "2567"));
  pump ();
  g_assert_cmpstr (stored_date (window), ==, "2024-03-28");

  /* Burmese shows the same answer in the Gregorian year. */
  click_action (window, "win.language");
  choose_language (window, "my");
  g_assert_cmpstr (current_question_id (window), ==, "last_contact");
  years = year_list (current_question_page (window));
  g_assert_cmpstr (list_item (years, gtk_drop_down_get_selected (years)), ==, "၂၀၂၄");
  g_assert_cmpuint (list_find (years, "၂၅၆၇"), ==, GTK_INVALID_LIST_POSITION);

  /* Back in Thai, the review writes it in the Buddhist era. */
  click_action (window, "win.language");
  choose_language (window, "th");
  years = year_list (current_question_page (window));
  g_assert_cmpstr (list_item (years, gtk_drop_down_get_selected (years)), ==, "2567");
  while (sr_window_get_page (window) == SR_PAGE_QUESTION)
    click_action (window, "win.next");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_REVIEW);
  edit = find_by_name (window, "last_contact");
  g_assert_nonnull (edit);
  answer = gtk_widget_get_last_child (gtk_widget_get_prev_sibling (edit));
  g_assert_true (GTK_IS_LABEL (answer));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (answer)), ==, "28 มีนาคม พ.ศ. 2567");
  g_assert_cmpstr (stored_date (window), ==, "2024-03-28");
}

int
main (int   argc,
      char *argv[])
{
  if (!have_display ())
    return 0;
  ui_test_init (&argc, &argv);

  g_test_add ("/sr/ui/wizard", Fixture, NULL, fixture_set_up, test_wizard, fixture_tear_down);
  g_test_add ("/sr/ui/quick-exit", Fixture, NULL, fixture_set_up, test_quick_exit, fixture_tear_down);
  g_test_add ("/sr/ui/language-switch", Fixture, NULL, fixture_set_up, test_language_switch, fixture_tear_down);
  g_test_add ("/sr/ui/accessible", Fixture, NULL, fixture_set_up, test_accessible, fixture_tear_down);
  g_test_add ("/sr/ui/show-if", Fixture, NULL, fixture_set_up, test_show_if, fixture_tear_down);
  g_test_add ("/sr/ui/review-edit", Fixture, NULL, fixture_set_up, test_review_edit, fixture_tear_down);
  g_test_add ("/sr/ui/seal-error", Fixture, NULL, fixture_set_up, test_seal_error, fixture_tear_down);
  g_test_add ("/sr/ui/receipt-qr", Fixture, NULL, fixture_set_up, test_receipt_qr, fixture_tear_down);
  g_test_add ("/sr/ui/receipt-save", Fixture, NULL, fixture_set_up, test_receipt_save, fixture_tear_down);
  g_test_add_func ("/sr/ui/receipt-kiosk", test_receipt_kiosk);
  g_test_add_func ("/sr/ui/urdu-face", test_urdu_face);
  g_test_add ("/sr/ui/attachments", Fixture, NULL, fixture_set_up, test_attachments, fixture_tear_down);
  g_test_add ("/sr/ui/on-screen-keyboard", Fixture, NULL, fixture_set_up, test_on_screen_keyboard,
              fixture_tear_down);
  g_test_add_func ("/sr/ui/on-screen-keyboard-option", test_on_screen_keyboard_option);
  g_test_add ("/sr/ui/admin-pin", Fixture, NULL, fixture_set_up, test_admin_pin, fixture_tear_down);
  g_test_add ("/sr/ui/admin-export-ack", Fixture, NULL, fixture_set_up, test_admin_export_ack, fixture_tear_down);
  g_test_add_func ("/sr/ui/admin-provision", test_admin_provision);
  g_test_add ("/sr/ui/view-switches", Fixture, NULL, fixture_set_up, test_view_switches, fixture_tear_down);
  g_test_add_func ("/sr/ui/operator", test_operator);
  g_test_add ("/sr/ui/idle", Fixture, NULL, fixture_set_up, test_idle, fixture_tear_down);
  g_test_add ("/sr/ui/demo", Fixture, "demo", fixture_set_up, test_demo, fixture_tear_down);
  g_test_add ("/sr/ui/real-profile", Fixture, NULL, fixture_set_up, test_real_profile, fixture_tear_down);
  g_test_add ("/sr/ui/about-draft", Fixture, NULL, fixture_set_up, test_about_draft, fixture_tear_down);
  g_test_add_func ("/sr/ui/kiosk", test_kiosk);
  g_test_add_func ("/sr/ui/date-format", test_date_format);
  g_test_add_func ("/sr/ui/date-pattern", test_date_pattern);
  g_test_add_func ("/sr/ui/date-era", test_date_era);
  g_test_add_func ("/sr/ui/date-parse", test_date_parse);
  g_test_add ("/sr/ui/date-question", Fixture, NULL, fixture_set_up, test_date_question, fixture_tear_down);
  g_test_add ("/sr/ui/date-era-question", Fixture, NULL, fixture_set_up, test_date_era_question,
              fixture_tear_down);

  return g_test_run ();
}
