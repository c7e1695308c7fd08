/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui"

#include "sr-config.h"

#include <adwaita.h>
#include <string.h>

#include "sr-application.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-i18n.h"
#include "sr-keys.h"
#include "sr-outbox.h"
#include "sr-profile.h"
#include "sr-question-page.h"
#include "sr-report.h"
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

typedef struct
{
  char        *dir;
  SrOrgSecret *secret;
  SrOutbox    *outbox;
  SrWindow    *window;
} Fixture;

/* Helpers: the main loop */

static void
pump (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (SrWindow *window);

static void
wait_for (SrWindow  *window,
          Condition  condition,
          const char *what)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add_seconds (WAIT_SECONDS, on_timeout, &expired);

  while (!condition (window) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (expired)
    g_error ("Gave up waiting for %s", what);

  g_source_remove (source);
  pump ();
}

static void
wait_for_draw (SrWindow *window)
{
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  pump ();
}

/* Helpers: finding what is on screen */

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find (GtkWidget     *root,
      Match          match,
      gconstpointer  data)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;

  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
match_name (GtkWidget     *widget,
            gconstpointer  data)
{
  return g_strcmp0 (gtk_widget_get_name (widget), data) == 0;
}

static gboolean
match_action (GtkWidget     *widget,
              gconstpointer  data)
{
  return GTK_IS_ACTIONABLE (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0;
}

static gboolean
match_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

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

static GtkWidget *
find_by_type (SrWindow *window,
              GType     type)
{
  return find (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (type));
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

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  g_signal_emit_by_name (button, "clicked");
  pump ();
}

static void
click_action (SrWindow   *window,
              const char *action)
{
  click (find (GTK_WIDGET (window), match_action, action));
}

static SrQuestionPage *
current_question_page (SrWindow *window)
{
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_QUESTION);

  return SR_QUESTION_PAGE (find_by_type (window, SR_TYPE_QUESTION_PAGE));
}

static const char *
current_question_id (SrWindow *window)
{
  return sr_question_get_id (sr_question_page_get_question (current_question_page (window)));
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
  fixture->window = sr_window_new (NULL, fixture->outbox, FALSE);

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
choose_language (SrWindow   *window,
                 const char *lang)
{
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);
  click (find_by_name (window, lang));
  g_assert_cmpstr (sr_window_get_language (window), ==, lang);
}

static void
start (SrWindow   *window,
       const char *lang)
{
  choose_language (window, lang);
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_WELCOME);
  click_action (window, "win.next");
}

/* Skips questions until the one asked for shows. */
static void
skip_to (SrWindow   *window,
         const char *id)
{
  for (guint steps = 0; steps < 200; steps++)
    {
      g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_QUESTION);
      if (g_str_equal (current_question_id (window), id))
        return;
      click_action (window, "win.next");
    }

  g_error ("Question %s never came", id);
}

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
  g_assert_null (find_by_type (window, SR_TYPE_QUESTION_PAGE));

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

  /* To Arabic: the layout mirrors. */
  click_action (window, "win.language");
  choose_language (window, "ar");
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

  /* Urdu mirrors too; English does not. */
  click_action (window, "win.language");
  choose_language (window, "ur");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_RTL);
  click_action (window, "win.language");
  choose_language (window, "en");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_LTR);
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
      || GTK_IS_SEARCH_ENTRY (root) || GTK_IS_LIST_BOX (root))
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
  g_assert_null (find_by_type (window, SR_TYPE_QUESTION_PAGE));
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
  window = sr_window_new (NULL, outbox, TRUE);
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
  window = sr_window_new (NULL, NULL, TRUE);
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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  /* Without a display there is nothing to drive; the runner provides one
   * (xvfb-run). */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  if (!sr_init (&error))
    g_error ("%s", error->message);
  sr_i18n_init ();
  adw_init ();

  /* Pages switch at once, so what is mapped is what is shown. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* What the app gets from AdwApplication: its style sheet and icons. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/safereport/SafeReport/icons");
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/safereport/SafeReport/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add ("/sr/ui/wizard", Fixture, NULL, fixture_set_up, test_wizard, fixture_tear_down);
  g_test_add ("/sr/ui/quick-exit", Fixture, NULL, fixture_set_up, test_quick_exit, fixture_tear_down);
  g_test_add ("/sr/ui/language-switch", Fixture, NULL, fixture_set_up, test_language_switch, fixture_tear_down);
  g_test_add ("/sr/ui/accessible", Fixture, NULL, fixture_set_up, test_accessible, fixture_tear_down);
  g_test_add ("/sr/ui/show-if", Fixture, NULL, fixture_set_up, test_show_if, fixture_tear_down);
  g_test_add ("/sr/ui/review-edit", Fixture, NULL, fixture_set_up, test_review_edit, fixture_tear_down);
  g_test_add ("/sr/ui/idle", Fixture, NULL, fixture_set_up, test_idle, fixture_tear_down);
  g_test_add ("/sr/ui/demo", Fixture, "demo", fixture_set_up, test_demo, fixture_tear_down);
  g_test_add ("/sr/ui/real-profile", Fixture, NULL, fixture_set_up, test_real_profile, fixture_tear_down);
  g_test_add_func ("/sr/ui/kiosk", test_kiosk);

  return g_test_run ();
}
