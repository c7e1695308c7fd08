/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-input-method"

#include "sr-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
/* Not part of gtk.h in GTK 4.8: the name of the input methods' extension
 * point. */
#include <gtk/gtkimmodule.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sr-error.h"
#include "sr-i18n.h"
#include "sr-outbox.h"
#include "sr-question-page.h"
#include "sr-test-ui.h"
#include "sr-test-util.h"
#include "sr-window.h"

/* The text questions typed into through an input method, as Burmese,
 * Khmer, Thai and Chinese are typed: the short text (an entry) and the
 * story (a text view). Part 1 drives an engine of the test's own step by
 * step: what is being composed (preedit) never reaches the field's text or
 * the answers, what is committed does, the engine reads and deletes the
 * text before the cursor, and leaving the question, "Clear answer" and
 * quick exit end what it was composing. Part 2 does the same with ibus,
 * its m17n engines and real key presses, when they are installed. */

#define WAIT_SECONDS 10

/* An input method of the test's own, on GTK's extension point, which the
 * test drives as an engine would: text being composed (preedit), text
 * committed, and the text around the cursor read and deleted. */

#define SR_TYPE_TEST_IM (sr_test_im_get_type ())
G_DECLARE_FINAL_TYPE (SrTestIm, sr_test_im, SR, TEST_IM, GtkIMContext)

struct _SrTestIm
{
  GtkIMContext parent_instance;

  char        *preedit;
  GtkWidget   *client;   /* weak */
  guint        n_focus_out;
  guint        n_reset;
};

G_DEFINE_FINAL_TYPE (SrTestIm, sr_test_im, GTK_TYPE_IM_CONTEXT)

/* The context that has the focus now. */
static SrTestIm *focused_im;
/* What an engine does with the text being composed when it is reset or
 * loses the focus: most drop it; some (Korean, ibus's "commit" preedit
 * mode) commit it. */
static gboolean commit_on_reset;

static void
sr_test_im_get_preedit_string (GtkIMContext   *context,
                               char          **str,
                               PangoAttrList **attrs,
                               int            *cursor_pos)
{
  SrTestIm *self = SR_TEST_IM (context);
  const char *text = self->preedit != NULL ? self->preedit : "";

  if (str != NULL)
    *str = g_strdup (text);
  if (attrs != NULL)
    {
      *attrs = pango_attr_list_new ();
      if (*text != '\0')
        {
          PangoAttribute *underline = pango_attr_underline_new (PANGO_UNDERLINE_SINGLE);

          underline->start_index = 0;
          underline->end_index = strlen (text);
          pango_attr_list_insert (*attrs, underline);
        }
    }
  if (cursor_pos != NULL)
    *cursor_pos = (int) g_utf8_strlen (text, -1);
}

/* Ends the text being composed: committed, or dropped. */
static void
finish_preedit (SrTestIm *self,
                gboolean  commit)
{
  g_autofree char *text = g_steal_pointer (&self->preedit);

  if (text == NULL)
    return;

  g_signal_emit_by_name (self, "preedit-changed");
  g_signal_emit_by_name (self, "preedit-end");
  if (commit)
    g_signal_emit_by_name (self, "commit", text);
}

static void
sr_test_im_set_client_widget (GtkIMContext *context,
                              GtkWidget    *widget)
{
  SrTestIm *self = SR_TEST_IM (context);

  g_set_weak_pointer (&self->client, widget);
}

static void
sr_test_im_focus_in (GtkIMContext *context)
{
  SrTestIm *self = SR_TEST_IM (context);

  g_set_weak_pointer (&focused_im, self);
}

static void
sr_test_im_focus_out (GtkIMContext *context)
{
  SrTestIm *self = SR_TEST_IM (context);

  self->n_focus_out++;
  if (focused_im == self)
    g_clear_weak_pointer (&focused_im);
  finish_preedit (self, commit_on_reset);
}

static void
sr_test_im_reset (GtkIMContext *context)
{
  SrTestIm *self = SR_TEST_IM (context);

  self->n_reset++;
  finish_preedit (self, commit_on_reset);
}

static void
sr_test_im_finalize (GObject *object)
{
  SrTestIm *self = SR_TEST_IM (object);

  g_free (self->preedit);
  g_clear_weak_pointer (&self->client);

  G_OBJECT_CLASS (sr_test_im_parent_class)->finalize (object);
}

static void
sr_test_im_class_init (SrTestImClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkIMContextClass *im_class = GTK_IM_CONTEXT_CLASS (klass);

  object_class->finalize = sr_test_im_finalize;
  im_class->set_client_widget = sr_test_im_set_client_widget;
  im_class->get_preedit_string = sr_test_im_get_preedit_string;
  im_class->focus_in = sr_test_im_focus_in;
  im_class->focus_out = sr_test_im_focus_out;
  im_class->reset = sr_test_im_reset;
}

static void
sr_test_im_init (SrTestIm *self)
{
}

/* Driving the engine */

static void
im_preedit (SrTestIm   *self,
            const char *text)
{
  if (self->preedit == NULL)
    g_signal_emit_by_name (self, "preedit-start");
  g_free (self->preedit);
  self->preedit = g_strdup (text);
  g_signal_emit_by_name (self, "preedit-changed");
}

static void
im_commit (SrTestIm   *self,
           const char *text)
{
  finish_preedit (self, FALSE);
  g_signal_emit_by_name (self, "commit", text);
}

/* The text before the cursor, as an engine asks for it; NULL if the
 * field does not give it. */
static char *
im_text_before_cursor (SrTestIm *self)
{
  g_autofree char *text = NULL;
  int cursor = -1, anchor = -1;

  if (!gtk_im_context_get_surrounding_with_selection (GTK_IM_CONTEXT (self), &text, &cursor, &anchor))
    return NULL;
  /* Nothing is selected while typing. */
  g_assert_cmpint (cursor, ==, anchor);
  g_assert_cmpint (cursor, >=, 0);
  g_assert_cmpint (cursor, <=, (int) strlen (text));

  return g_strndup (text, cursor);
}

static gboolean
im_focused_on (gconstpointer data)
{
  return focused_im != NULL && focused_im->client == data;
}

/* A text field of a question page: the widget that takes the text (the
 * GtkText inside an entry, or the text view), what it holds, and the
 * text it shows as being composed. */

typedef struct
{
  GtkWidget *widget;
  char      *preedit;   /* the last text being composed it was told of */
} Field;

static void
on_preedit_changed (GtkWidget  *widget,
                    const char *preedit,
                    Field      *field)
{
  g_free (field->preedit);
  field->preedit = g_strdup (preedit);
}

static void
field_init (Field     *field,
            GtkWidget *page)
{
  GtkWidget *entry = find_by_type (page, GTK_TYPE_ENTRY);

  if (entry != NULL)
    field->widget = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (entry)));
  else
    field->widget = find_by_type (page, GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (field->widget);
  g_object_ref (field->widget);
  field->preedit = NULL;
  g_signal_connect (field->widget, "preedit-changed", G_CALLBACK (on_preedit_changed), field);
}

static void
field_clear (Field *field)
{
  g_signal_handlers_disconnect_by_func (field->widget, on_preedit_changed, field);
  g_clear_object (&field->widget);
  g_clear_pointer (&field->preedit, g_free);
}

static char *
field_text (Field *field)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (GTK_IS_EDITABLE (field->widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->widget)));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* The field, and the answer, hold exactly text (no answer when empty). */
static void
assert_holds (Field      *field,
              SrAnswers  *answers,
              const char *id,
              const char *text)
{
  g_autofree char *shown = field_text (field);

  g_assert_cmpstr (shown, ==, text);
  if (*text == '\0')
    g_assert_false (sr_answers_has (answers, id));
  else
    g_assert_cmpstr (sr_answers_get_text (answers, id), ==, text);
}

/* Part 1: the test's own engine */

/* What an engine does, step by step:
 *   "p:TEXT"  shows TEXT as being composed (preedit);
 *   "c:TEXT"  commits TEXT;
 *   "s:TEXT"  reads the text before the cursor, which ends with TEXT;
 *   "d:N"     deletes the N characters before the cursor,
 * as m17n and the Thai engines do when they fix the order of what was
 * typed: they delete what they committed and commit it again. */
typedef struct
{
  const char *lang;
  const char *text;               /* what the steps leave */
  const char *steps[40];
} Typing;

static const Typing typings[] = {
  /* Burmese: the kinzi (င်္) is composed over three keys; the engine
   * commits the tall aa (ါ) after ပ in place of the round one it first
   * committed, as Burmese keyboards do. */
  { "my", "မင်္ဂလာပါ",
    { "p:မ", "c:မ", "p:င", "p:င်", "p:င်္", "c:င်္", "c:ဂ", "c:လ", "c:ာ", "c:ပ", "c:ာ",
      "s:ပာ", "d:1", "c:ါ", NULL } },
  /* Khmer: ស ួ ស then the coeng and ត as one cluster, and the vowel
   * ិ (e) made ី (ey) by the key after it, as km-yannis does. */
  { "km", "សួស្តី",
    { "p:ស", "c:ស", "p:ួ", "c:ួ", "c:ស", "p:្", "p:្ត", "c:្ត", "c:ិ",
      "s:ស្តិ", "d:1", "c:ី", NULL } },
  /* Thai: a second upper vowel replaces the first (th-kesmanee's WTT
   * "replace" rule), through the text around the cursor. */
  { "th", "สวัสดี",
    { "c:ส", "c:ว", "c:ั", "c:ส", "c:ด", "c:ิ", "s:สดิ", "d:1", "c:ี", NULL } },
  /* Chinese: pinyin composed, then the characters chosen. */
  { "zh_CN", "你好",
    { "p:n", "p:ni", "p:nih", "p:niha", "p:nihao", "p:你好", "c:你好", NULL } },
};

typedef struct
{
  const Typing *typing;
  const char   *question;  /* "current_place" (an entry) or "narrative" */
} TypingCase;

/* A window with one question page, the keyboard focus in its field. */
static GtkWidget *
show_page (GtkWidget *page)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 600, 500);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  sr_question_page_focus (SR_QUESTION_PAGE (page));
  gtk_test_widget_wait_for_draw (window);
  pump ();

  return window;
}

static void
run_steps (const Typing *typing,
           SrTestIm     *im,
           Field        *field,
           SrAnswers    *answers,
           const char   *id)
{
  g_autoptr(GString) committed = g_string_new ("");

  for (guint i = 0; typing->steps[i] != NULL; i++)
    {
      const char *step = typing->steps[i];
      const char *arg = step + 2;

      g_assert_true (strlen (step) >= 2 && step[1] == ':');
      switch (step[0])
        {
        case 'p':
          im_preedit (im, arg);
          pump ();
          /* The field shows it, and keeps it out of its text. */
          g_assert_cmpstr (field->preedit, ==, arg);
          break;

        case 'c':
          im_commit (im, arg);
          pump ();
          g_string_append (committed, arg);
          g_assert_true (field->preedit == NULL || *field->preedit == '\0');
          break;

        case 's':
          {
            g_autofree char *before = im_text_before_cursor (im);

            g_assert_nonnull (before);
            g_assert_cmpstr (before, ==, committed->str);
            g_assert_true (g_str_has_suffix (before, arg));
          }
          break;

        case 'd':
          {
            guint64 n = 0;
            const char *cut = committed->str + committed->len;

            g_assert_true (g_ascii_string_to_unsigned (arg, 10, 1, 8, &n, NULL));

            for (guint64 k = 0; k < n; k++)
              cut = g_utf8_prev_char (cut);
            g_assert_true (gtk_im_context_delete_surrounding (GTK_IM_CONTEXT (im), -(int) n, (int) n));
            pump ();
            g_string_truncate (committed, cut - committed->str);
          }
          break;

        default:
          g_assert_not_reached ();
        }

      /* Whatever is being composed, the field and the answer hold what
       * was committed, and only that. */
      assert_holds (field, answers, id, committed->str);
    }

  g_assert_cmpstr (committed->str, ==, typing->text);
}

static void
test_typing (gconstpointer data)
{
  const TypingCase *tc = data;
  const Typing *typing = tc->typing;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrForm) form = sr_form_load_default (&error);
  g_autoptr(SrAnswers) answers = NULL;
  g_autoptr(SrAnswers) expected = NULL;
  GtkWidget *page;
  GtkWidget *window;
  GtkInputHints hints = 0;
  Field field;

  g_assert_no_error (error);
  answers = sr_answers_new (sr_form_get_id (form), typing->lang);
  page = sr_question_page_new (sr_form_lookup (form, tc->question), answers, typing->lang);
  window = show_page (page);
  field_init (&field, page);

  /* The engine has the field's focus. */
  g_assert_true (wait_until (im_focused_on, field.widget, WAIT_SECONDS));
  /* It is asked not to learn from what is typed. */
  g_object_get (focused_im, "input-hints", &hints, NULL);
  g_assert_true (hints & GTK_INPUT_HINT_PRIVATE);

  run_steps (typing, focused_im, &field, answers, tc->question);

  /* The answers hold that one answer and nothing else: nothing of what
   * was only composed. */
  expected = sr_answers_new (sr_form_get_id (form), typing->lang);
  sr_answers_set_text (expected, tc->question, typing->text);
  g_assert_true (sr_answers_equal (answers, expected));

  field_clear (&field);
  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
}

/* "Clear answer" while something is being composed: the field and the
 * answer are empty, the engine composes nothing more, and what is typed
 * next is all there is. */
static void
test_clear_answer (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrForm) form = sr_form_load_default (&error);
  g_autoptr(SrAnswers) answers = NULL;
  g_autoptr(SrTestIm) im = NULL;
  GtkWidget *page;
  GtkWidget *window;
  Field field;

  g_assert_no_error (error);
  commit_on_reset = data != NULL;
  answers = sr_answers_new (sr_form_get_id (form), "zh_CN");
  page = sr_question_page_new (sr_form_lookup (form, "current_place"), answers, "zh_CN");
  window = show_page (page);
  field_init (&field, page);
  g_assert_true (wait_until (im_focused_on, field.widget, WAIT_SECONDS));
  im = g_object_ref (focused_im);

  im_commit (im, "北京");
  im_preedit (im, "shanghai");
  pump ();
  assert_holds (&field, answers, "current_place", "北京");

  click (find_by_type (page, GTK_TYPE_BUTTON));
  assert_holds (&field, answers, "current_place", "");
  g_assert_null (im->preedit);
  g_assert_cmpstr (field.preedit, ==, "");

  /* The field has the focus again, and takes what comes next. */
  g_assert_true (wait_until (im_focused_on, field.widget, WAIT_SECONDS));
  im_commit (focused_im, "上海");
  pump ();
  assert_holds (&field, answers, "current_place", "上海");

  field_clear (&field);
  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
  commit_on_reset = FALSE;
}

/* Leaving a question, and quick exit, while something is being composed:
 * in the app's window, on the demo profile. */

typedef struct
{
  char     *dir;
  SrOutbox *outbox;
  SrWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  commit_on_reset = data != NULL;
  fixture->dir = sr_test_mkdtemp ();
  fixture->outbox = sr_outbox_new (fixture->dir, &error);
  g_assert_no_error (error);
  fixture->window = sr_window_new (NULL, fixture->outbox, SR_WINDOW_DESKTOP);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->window));
  pump ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  pump ();
  g_clear_object (&fixture->outbox);
  sr_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  sr_i18n_reset_language ();
  commit_on_reset = FALSE;
}

/* Skips questions until the one asked for shows, its field focused. */
static void
skip_to_field (SrWindow   *window,
               const char *id,
               Field      *field)
{
  skip_to (window, id);
  field_init (field, GTK_WIDGET (current_question_page (window)));
  g_assert_true (wait_until (im_focused_on, field->widget, WAIT_SECONDS));
}

/* Leaving a question: what was committed stays, what was being composed
 * is either dropped or, by an engine that commits it on reset, committed;
 * the field and the answer agree, and the engine composes nothing more. */
static void
test_leave (Fixture       *fixture,
            gconstpointer  data)
{
  SrWindow *window = fixture->window;
  const char *kept = commit_on_reset ? "서울" : "北京";
  g_autoptr(SrTestIm) im = NULL;
  char *json;
  Field field;

  start (window, commit_on_reset ? "ko" : "zh_CN");
  skip_to_field (window, "current_place", &field);
  im = g_object_ref (focused_im);

  if (commit_on_reset)
    {
      /* Hangul: the syllable being composed is committed when the
       * field loses the focus. */
      im_commit (im, "서");
      im_preedit (im, "울");
    }
  else
    {
      im_commit (im, "北京");
      im_preedit (im, "shanghai");
    }
  pump ();
  assert_holds (&field, sr_window_get_answers (window), "current_place",
                commit_on_reset ? "서" : "北京");

  click_action (window, "win.next");
  g_assert_cmpstr (current_question_id (window), !=, "current_place");

  /* The engine was told (reset, or the focus went), and composes nothing. */
  g_assert_cmpuint (im->n_reset + im->n_focus_out, >, 0);
  g_assert_null (im->preedit);
  g_assert_cmpstr (field.preedit, ==, "");
  assert_holds (&field, sr_window_get_answers (window), "current_place", kept);
  json = sr_answers_to_json (sr_window_get_answers (window), FALSE);
  g_assert_null (strstr (json, "shanghai"));
  sr_wipe_string_free (json);

  /* Back on the question, the field shows what was kept, and typing goes
   * on from there. */
  click_action (window, "win.back");
  g_assert_cmpstr (current_question_id (window), ==, "current_place");
  g_assert_true (wait_until (im_focused_on, field.widget, WAIT_SECONDS));
  /* (GTK selects a field's text when it takes the focus.) */
  gtk_editable_set_position (GTK_EDITABLE (field.widget), -1);
  {
    g_autofree char *before = im_text_before_cursor (focused_im);
    g_autofree char *more = g_strconcat (kept, "市", NULL);

    g_assert_cmpstr (before, ==, kept);
    im_commit (focused_im, "市");
    pump ();
    assert_holds (&field, sr_window_get_answers (window), "current_place", more);
  }

  field_clear (&field);
}

/* Quick exit while something is being composed, in the short text and in
 * the story: nothing of either is kept, in the answers or the fields, and
 * the engine composes nothing more. */
static void
test_quick_exit (Fixture       *fixture,
                 gconstpointer  data)
{
  SrWindow *window = fixture->window;
  g_autoptr(SrTestIm) entry_im = NULL;
  g_autoptr(SrTestIm) story_im = NULL;
  g_autoptr(GtkEntryBuffer) entry_buffer = NULL;
  g_autoptr(GtkTextBuffer) story_buffer = NULL;
  Field place, story;

  start (window, "km");
  skip_to_field (window, "current_place", &place);
  entry_im = g_object_ref (focused_im);
  entry_buffer = g_object_ref (gtk_text_get_buffer (GTK_TEXT (place.widget)));
  im_commit (entry_im, "ភ្នំពេញ");
  im_preedit (entry_im, "ស្");
  pump ();
  assert_holds (&place, sr_window_get_answers (window), "current_place", "ភ្នំពេញ");

  skip_to_field (window, "narrative", &story);
  story_im = g_object_ref (focused_im);
  story_buffer = g_object_ref (gtk_text_view_get_buffer (GTK_TEXT_VIEW (story.widget)));
  im_commit (story_im, "ខ្ញុំ");
  im_preedit (story_im, "ចង់");
  pump ();
  assert_holds (&story, sr_window_get_answers (window), "narrative", "ខ្ញុំ");
  g_assert_cmpstr (story.preedit, ==, "ចង់");

  click_action (window, "win.quick-exit");
  g_assert_cmpint (sr_window_get_page (window), ==, SR_PAGE_LANGUAGE);

  g_assert_cmpuint (sr_answers_get_n (sr_window_get_answers (window)), ==, 0);
  g_assert_cmpstr (gtk_entry_buffer_get_text (entry_buffer), ==, "");
  g_assert_cmpint (gtk_text_buffer_get_char_count (story_buffer), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (place.widget)), ==, "");
  /* The engines were told, and compose nothing more. */
  g_assert_cmpuint (story_im->n_reset + story_im->n_focus_out, >, 0);
  g_assert_null (story_im->preedit);
  g_assert_null (entry_im->preedit);
  g_assert_true (story.preedit == NULL || *story.preedit == '\0');

  field_clear (&place);
  field_clear (&story);
}

/* Part 2: ibus, a real input method, with its m17n and Thai engines.
 *
 * ibus-daemon runs on a D-Bus bus of its own, with a private session bus
 * and HOME, in a temporary directory; the app's side runs in a second
 * process of this program, started with GTK_IM_MODULE=ibus so that GTK
 * takes ibus from the start, and real key presses reach it from the X
 * server (xdotool, XTEST) as from a keyboard. Each engine types what the
 * m17n-db file it reads says its keys type. */

#define M17N_DIR          "/usr/share/m17n"
#define IBUS_COMPONENTS   "/usr/share/ibus/component"
/* How long a daemon is given to listen, and an engine to start. */
#define IBUS_WAIT_SECONDS 20
/* An engine's text reaches the field within milliseconds; this is only
 * how long a broken setup is given. */
#define IBUS_TYPE_SECONDS 5
/* The most one case may take (it takes a second or two), and all of them:
 * the test ends well within its time in tests/meson.build. */
#define IBUS_CLIENT_SECONDS 30
#define IBUS_SECONDS 75
/* Between two key presses: a fast typist's pace. */
#define KEY_DELAY_MS "80"

typedef struct
{
  const char *name;        /* in the test's messages, and SR_IBUS_CASE */
  const char *engine;      /* the ibus engine */
  const char *component;   /* the ibus component that brings it */
  const char *mim;         /* the m17n-db file its keys are read from, or NULL */
  const char *lang;
  const char *question;    /* "current_place" (an entry) or "narrative" */
  /* What is typed: key sequences of the .mim map, in order. */
  const char *keys[12];
  /* What the field then holds, when it is not simply the .mim's text for
   * those keys. */
  const char *expected;
  gboolean    optional;    /* tried, reported, never failed */
  /* Keys typed last, whose text the engine is still composing when the
   * person presses Quick exit. */
  const char *composing;
} IbusTyping;

static const IbusTyping ibus_typings[] = {
  /* u v a ; → က လ ေ း: "child". */
  { "my", "m17n:my:kbd", "m17n.xml", "my-kbd.mim", "my", "current_place",
    { "u", "v", "a", ";", NULL }, NULL, FALSE },
  /* s ua s / t ey → ស ួ ស ្ ត ី: "hello". Several keys make one
   * character (ua, ey): the engine composes them in preedit first. */
  { "km", "m17n:km:yannis", "m17n.xml", "km-yannis.mim", "km", "narrative",
    { "s", "ua", "s", "/", "t", "ey", NULL }, NULL, FALSE },
  /* l t [ k p f u → ສ ະ ບ າ ຍ ດ ີ: "hello". */
  { "lo", "m17n:lo:kbd", "m17n.xml", "lo-kbd.mim", "lo", "narrative",
    { "l", "t", "[", "k", "p", "f", "u", NULL }, NULL, FALSE },
  /* l ; y l f u → ส ว ั ส ด ี: "hello". */
  { "th", "m17n:th:kesmanee", "m17n.xml", "th-kesmanee.mim", "th", "current_place",
    { "l", ";", "y", "l", "f", "u", NULL }, NULL, FALSE },
  /* d h u → ก ้ ี, typed in the wrong order: the engine reads the text
   * before the cursor, deletes the tone mark it had committed and commits
   * the vowel and the tone mark in the order Thai writes them (WTT 2.0's
   * "reorder", th-kesmanee.mim). */
  { "th-reorder", "m17n:th:kesmanee", "m17n.xml", "th-kesmanee.mim", "th", "narrative",
    { "d", "h", "u", NULL }, "กี้", FALSE },
  /* s ua → ស ួ committed, then k → ក in preedit (k may yet become kh,
   * ខ); Quick exit then: nothing of it is kept, the engine is reset. */
  { "km-quick-exit", "m17n:km:yannis", "m17n.xml", "km-yannis.mim", "km", "current_place",
    { "s", "ua", NULL }, NULL, FALSE, "k" },
  /* The same with libthai, whose Kedmanee keyboard is the one
   * th-kesmanee.mim maps, and which fixes the order the same way. */
  { "th-libthai", "libthai", "libthai.xml", "th-kesmanee.mim", "th", "current_place",
    { "d", "h", "u", NULL }, "กี้", TRUE },
  /* Pinyin, then Space for the first candidate, with no panel to show
   * the candidates. */
  { "zh", "libpinyin", "libpinyin.xml", NULL, "zh_CN", "current_place",
    { "n", "i", "h", "a", "o", " ", NULL }, "你好", TRUE },
};

/* The text an m17n input method (a .mim file of m17n-db) types for keys,
 * from its map entry ("KEYS" "TEXT"), ("KEYS" ?C) or ("KEYS" 0xXXXX ...);
 * NULL when it has none. */
static char *
mim_text (const char *contents,
          const char *keys)
{
  g_autoptr(GString) needle = g_string_new ("(\"");
  g_autoptr(GString) text = g_string_new (NULL);
  const char *p;

  for (p = keys; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (needle, '\\');
      g_string_append_c (needle, *p);
    }
  g_string_append_c (needle, '"');

  for (p = strstr (contents, needle->str); p != NULL; p = strstr (p + 1, needle->str))
    if (g_ascii_isspace (p[needle->len]))
      break;
  if (p == NULL)
    return NULL;

  p += needle->len;
  for (;;)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (*p == ')')
        break;
      if (*p == '"')
        {
          for (p++; *p != '"' && *p != '\0'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (text, *p);
            }
          if (*p == '\0')
            return NULL;
          p++;
        }
      else if (*p == '?' && (guchar) p[1] > ' ')
        {
          /* A character literal: ?ສ */
          g_string_append_unichar (text, g_utf8_get_char (p + 1));
          p = g_utf8_next_char (p + 1);
        }
      else if (p[0] == '0' && p[1] == 'x')
        {
          char *end;
          guint64 c = g_ascii_strtoull (p + 2, &end, 16);

          if (end == p + 2 || !g_unichar_validate ((gunichar) c))
            return NULL;
          g_string_append_unichar (text, (gunichar) c);
          p = end;
        }
      else
        {
          return NULL;
        }
    }

  if (text->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
compare_unichars (gconstpointer a,
                  gconstpointer b)
{
  gunichar x = *(const gunichar *) a, y = *(const gunichar *) b;

  return x < y ? -1 : x > y;
}

/* Whether a and b hold the same characters, in any order. */
static gboolean
same_characters (const char *a,
                 const char *b)
{
  glong n_a = 0, n_b = 0;
  g_autofree gunichar *x = g_utf8_to_ucs4_fast (a, -1, &n_a);
  g_autofree gunichar *y = g_utf8_to_ucs4_fast (b, -1, &n_b);

  if (n_a != n_b)
    return FALSE;
  qsort (x, n_a, sizeof *x, compare_unichars);
  qsort (y, n_b, sizeof *y, compare_unichars);

  return memcmp (x, y, n_a * sizeof *x) == 0;
}

/* What the keys of a case type, read from its .mim file; NULL with a
 * reason when the file is missing or does not map them. */
static char *
ibus_typing_expected (const IbusTyping  *typing,
                      char             **preedit,
                      char             **reason)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (typing->mim == NULL)
    return g_strdup (typing->expected);

  path = g_build_filename (M17N_DIR, typing->mim, NULL);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      *reason = g_strdup_printf ("%s is missing (m17n-db)", path);
      return NULL;
    }
  for (guint i = 0; typing->keys[i] != NULL; i++)
    {
      g_autofree char *typed = mim_text (contents, typing->keys[i]);

      if (typed == NULL)
        {
          *reason = g_strdup_printf ("%s maps no key \"%s\"", path, typing->keys[i]);
          return NULL;
        }
      g_string_append (text, typed);
    }

  if (typing->composing != NULL)
    {
      *preedit = mim_text (contents, typing->composing);
      if (*preedit == NULL)
        {
          *reason = g_strdup_printf ("%s maps no key \"%s\"", path, typing->composing);
          return NULL;
        }
    }

  /* A case where the engine fixes the order of what was typed says what
   * it leaves: the same characters. */
  if (typing->expected != NULL)
    {
      g_assert_true (same_characters (text->str, typing->expected));
      return g_strdup (typing->expected);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The keys of a case as X key names, for xdotool. */
static void
add_key_names (GStrvBuilder *names,
               const char   *keys)
{
  for (const char *p = keys; *p != '\0'; p++)
    {
      const char *name = gdk_keyval_name (gdk_unicode_to_keyval ((guchar) *p));

      g_assert_nonnull (name);
      g_strv_builder_add (names, name);
    }
}

static char **
ibus_typing_key_names (const IbusTyping *typing)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; typing->keys[i] != NULL; i++)
    add_key_names (names, typing->keys[i]);
  if (typing->composing != NULL)
    add_key_names (names, typing->composing);

  return g_strv_builder_end (names);
}

static const IbusTyping *
ibus_typing_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (ibus_typings); i++)
    if (g_strcmp0 (ibus_typings[i].name, name) == 0)
      return &ibus_typings[i];

  return NULL;
}

/* The app's side, in its own process (SR_IBUS_CASE names the case): the
 * question's field focused, the keys pressed, and the field and the
 * answer hold what the engine typed. */

typedef struct
{
  Field      *field;
  const char *text;
  const char *preedit;
} Expected;

static gboolean
field_shows (gconstpointer data)
{
  const Expected *expected = data;
  g_autofree char *text = field_text (expected->field);
  const char *preedit = expected->field->preedit != NULL ? expected->field->preedit : "";

  return g_strcmp0 (text, expected->text) == 0 && g_strcmp0 (preedit, expected->preedit) == 0;
}

static void
assert_field_shows (const Expected *expected)
{
  g_autofree char *text = field_text (expected->field);

  g_assert_cmpstr (text, ==, expected->text);
  g_assert_cmpstr (expected->field->preedit != NULL ? expected->field->preedit : "", ==, expected->preedit);
}

static gboolean
window_focused (gconstpointer data)
{
  GtkWidget *widget = GTK_WIDGET (data);
  GtkRoot *root = gtk_widget_get_root (widget);

  return root != NULL && gtk_window_is_active (GTK_WINDOW (root))
         && gtk_widget_has_focus (widget);
}

static void
on_xdotool_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
never (gconstpointer data)
{
  return FALSE;
}

/* Watches, each time the engine composes, that the answer holds what the
 * field holds: what was committed, nothing of what is composed. */
typedef struct
{
  Field      *field;
  SrAnswers  *answers;
  const char *id;
  guint       n_composed;
  guint       n_leaks;
} Watch;

static void
on_composing (GtkWidget  *widget,
              const char *preedit,
              Watch      *watch)
{
  g_autofree char *text = field_text (watch->field);
  const char *answer = sr_answers_get_text (watch->answers, watch->id);

  if (*preedit == '\0')
    return;
  watch->n_composed++;
  if (g_strcmp0 (answer != NULL ? answer : "", text) != 0)
    {
      g_test_message ("While \"%s\" was composed, the answer was \"%s\"", preedit, answer);
      watch->n_leaks++;
    }
}

static void
test_ibus_client (void)
{
  const IbusTyping *typing = ibus_typing_lookup (g_getenv ("SR_IBUS_CASE"));
  const char *preedit = g_getenv ("SR_IBUS_PREEDIT");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrForm) form = sr_form_load_default (&error);
  g_autoptr(SrAnswers) answers = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) xdotool = NULL;
  gboolean done = FALSE;
  GtkWidget *page;
  GtkWidget *window;
  Field field;
  Expected expected;
  Watch watch = { &field, NULL, NULL, 0, 0 };

  if (typing == NULL || g_getenv ("SR_IBUS_EXPECTED") == NULL)
    g_error ("SR_IBUS_CASE and SR_IBUS_EXPECTED name no case of ibus_typings");
  g_assert_no_error (error);

  answers = sr_answers_new (sr_form_get_id (form), typing->lang);
  page = sr_question_page_new (sr_form_lookup (form, typing->question), answers, typing->lang);
  window = show_page (page);
  field_init (&field, page);
  watch.answers = answers;
  watch.id = typing->question;
  g_signal_connect_after (field.widget, "preedit-changed", G_CALLBACK (on_composing), &watch);
  g_assert_true (wait_until (window_focused, field.widget, WAIT_SECONDS));

  /* Real key presses, through the X server, to the window that has the
   * focus, a person's typing speed apart. The app's main loop runs
   * meanwhile, as it does while a person types: engines that read the
   * text before the cursor (th-kesmanee) read it between two keys. */
  keys = ibus_typing_key_names (typing);
  g_ptr_array_add (argv, (char *) "xdotool");
  g_ptr_array_add (argv, (char *) "key");
  g_ptr_array_add (argv, (char *) "--delay");
  g_ptr_array_add (argv, (char *) KEY_DELAY_MS);
  for (guint i = 0; keys[i] != NULL; i++)
    g_ptr_array_add (argv, keys[i]);
  g_ptr_array_add (argv, NULL);
  {
    g_autofree char *joined = g_strjoinv (" ", (char **) argv->pdata);

    g_test_message ("$ %s", joined);
  }
  xdotool = g_subprocess_newv ((const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (xdotool, NULL, on_xdotool_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_successful (xdotool));

  expected.field = &field;
  expected.text = g_getenv ("SR_IBUS_EXPECTED");
  expected.preedit = preedit != NULL ? preedit : "";
  wait_until (field_shows, &expected, IBUS_TYPE_SECONDS);
  assert_field_shows (&expected);
  assert_holds (&field, answers, typing->question, expected.text);
  g_test_message ("The engine composed %u times", watch.n_composed);
  g_assert_cmpuint (watch.n_leaks, ==, 0);

  if (typing->composing != NULL)
    {
      /* Quick exit empties every page this way (sr_window_reset). */
      g_signal_handlers_disconnect_by_func (field.widget, on_composing, &watch);
      sr_question_page_wipe (SR_QUESTION_PAGE (page));
      expected.text = "";
      expected.preedit = "";
      wait_until (field_shows, &expected, IBUS_TYPE_SECONDS);
      assert_field_shows (&expected);
      /* Whatever the engine still sends has nowhere to go. */
      wait_until (never, NULL, 1);
      assert_field_shows (&expected);
      /* The answers, which the page let go of, keep what was committed
       * before it, and nothing of what was being composed. */
      g_assert_cmpstr (sr_answers_get_text (answers, typing->question), ==, g_getenv ("SR_IBUS_EXPECTED"));
    }

  g_signal_handlers_disconnect_by_func (field.widget, on_composing, &watch);
  field_clear (&field);
  gtk_window_destroy (GTK_WINDOW (window));
  pump ();

  if (typing->composing != NULL)
    {
      g_autoptr(SrAnswers) next_answers = sr_answers_new (sr_form_get_id (form), typing->lang);

      /* The next person's field, in a new window, gets nothing of it
       * either. */
      page = sr_question_page_new (sr_form_lookup (form, typing->question), next_answers, typing->lang);
      window = show_page (page);
      field_init (&field, page);
      g_assert_true (wait_until (window_focused, field.widget, WAIT_SECONDS));
      wait_until (never, NULL, 1);
      assert_field_shows (&expected);
      g_assert_cmpuint (sr_answers_get_n (next_answers), ==, 0);
      field_clear (&field);
      gtk_window_destroy (GTK_WINDOW (window));
      pump ();
    }
}

/* The test's side: the daemons, and one app process per case. */

typedef struct
{
  char         *dir;
  char        **env;       /* for the daemons and the app */
  char         *log;       /* what the daemons print */
  GSubprocess  *dbus;
  GSubprocess  *ibus;
  GDBusConnection *connection;   /* to ibus-daemon */
} Ibus;

/* What is missing for the ibus part, or NULL. */
static char *
ibus_missing (void)
{
  static const char *programs[] = { "ibus-daemon", "dbus-daemon", "xdotool" };
  GIOExtensionPoint *point = g_io_extension_point_lookup (GTK_IM_MODULE_EXTENSION_POINT_NAME);
  GdkDisplay *display = gdk_display_get_default ();
  const char *wm;

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *path = g_find_program_in_path (programs[i]);

      if (path == NULL)
        return g_strdup_printf ("%s is not installed", programs[i]);
    }
  if (g_io_extension_point_get_extension_by_name (point, "ibus") == NULL)
    return g_strdup ("GTK 4 has no ibus input method module (ibus-gtk4)");

  /* xdotool types into whatever window has the focus: only on an X
   * server of the test's own (Xvfb, no window manager), never into a
   * person's desktop. */
  if (!GDK_IS_X11_DISPLAY (display))
    return g_strdup ("the display is no X11 one (xdotool needs X11: run under xvfb-run)");
  wm = gdk_x11_screen_get_window_manager_name (gdk_x11_display_get_screen (display));
  if (g_strcmp0 (wm, "unknown") != 0)
    return g_strdup_printf ("the X display has a window manager (%s), so it is no test server: "
                            "xdotool could type into another window (run under xvfb-run)", wm);

  return NULL;
}

/* Kills what a daemon started too (its process group), and waits. */
static void
ibus_stop_process (GSubprocess **process)
{
  const char *id;

  if (*process == NULL)
    return;

  id = g_subprocess_get_identifier (*process);
  if (id != NULL)
    {
      pid_t pid = (pid_t) g_ascii_strtoll (id, NULL, 10);
      gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

      kill (-pid, SIGTERM);
      /* GLib collects it in a thread of its own. */
      while (g_subprocess_get_identifier (*process) != NULL
             && g_get_monotonic_time () < deadline)
        g_usleep (10000);
      /* Whatever of the group did not go. */
      kill (-pid, SIGKILL);
    }
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

static void
ibus_stop (Ibus *ibus)
{
  g_autofree char *log = NULL;

  if (ibus->connection != NULL)
    g_dbus_connection_close_sync (ibus->connection, NULL, NULL);
  g_clear_object (&ibus->connection);
  ibus_stop_process (&ibus->ibus);
  ibus_stop_process (&ibus->dbus);

  /* Engines whose daemon went are adopted by this process (see
   * ibus_start): collect them. */
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;

  if (ibus->log != NULL && g_file_get_contents (ibus->log, &log, NULL, NULL) && *log != '\0')
    g_test_message ("ibus-daemon and dbus-daemon said:\n%s", log);

  if (ibus->dir != NULL)
    sr_test_rmdir (ibus->dir);
  g_clear_pointer (&ibus->dir, g_free);
  g_clear_pointer (&ibus->log, g_free);
  g_clear_pointer (&ibus->env, g_strfreev);
}

static void
daemon_setup (gpointer user_data)
{
  /* Its own process group, so that it goes with everything it started;
   * and it goes if this process dies. */
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
ibus_spawn (Ibus               *ibus,
            const char *const  *argv,
            GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree char *joined = g_strjoinv (" ", (char **) argv);

  g_test_message ("$ %s", joined);
  g_subprocess_launcher_set_environ (launcher, ibus->env);
  g_subprocess_launcher_set_stdout_file_path (launcher, ibus->log);
  g_subprocess_launcher_set_child_setup (launcher, daemon_setup, NULL, NULL);

  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

/* A D-Bus connection to address, tried until the daemon listens. */
static GDBusConnection *
connect_when_ready (const char  *address,
                    GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + IBUS_WAIT_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      GDBusConnection *connection =
        g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &local_error);

      if (connection != NULL)
        return connection;
      if (g_get_monotonic_time () > deadline)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Nothing listened on %s after %d s: ", address, IBUS_WAIT_SECONDS);
          return NULL;
        }
      g_usleep (50000);
    }
}

static gboolean
ibus_start (Ibus    *ibus,
            GError **error)
{
  static const char *subdirs[] = { "home", "config", "cache", "data", "runtime" };
  static const char *memconf[] = { "/usr/libexec/ibus-memconf", "/usr/lib/ibus/ibus-memconf" };
  g_autofree char *bus = NULL;
  g_autofree char *ibus_address = NULL;
  g_autofree char *config = g_strdup ("--config=disable");
  g_autofree char *address_arg = NULL;
  g_autoptr(GDBusConnection) session = NULL;

  ibus->dir = sr_test_mkdtemp ();
  ibus->log = g_build_filename (ibus->dir, "daemons.log", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (ibus->dir, subdirs[i], NULL);

      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    }

  bus = g_strdup_printf ("unix:path=%s/bus", ibus->dir);
  ibus_address = g_strdup_printf ("unix:path=%s/ibus", ibus->dir);

  /* Nothing of the person's own session: home, settings, session bus. */
  ibus->env = g_get_environ ();
  {
    static const struct { const char *variable; const char *subdir; } dirs[] = {
      { "HOME", "home" },
      { "XDG_CONFIG_HOME", "config" },
      { "XDG_CACHE_HOME", "cache" },
      { "XDG_DATA_HOME", "data" },
      { "XDG_RUNTIME_DIR", "runtime" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
      {
        g_autofree char *path = g_build_filename (ibus->dir, dirs[i].subdir, NULL);

        ibus->env = g_environ_setenv (ibus->env, dirs[i].variable, path, TRUE);
      }
  }
  ibus->env = g_environ_setenv (ibus->env, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  ibus->env = g_environ_setenv (ibus->env, "IBUS_ADDRESS", ibus_address, TRUE);
  ibus->env = g_environ_setenv (ibus->env, "GSETTINGS_BACKEND", "memory", TRUE);
  /* The daemons warn about what they cannot do here (no panel); that is
   * no failure of theirs. */
  ibus->env = g_environ_unsetenv (ibus->env, "G_DEBUG");
  ibus->env = g_environ_unsetenv (ibus->env, "G_MESSAGES_DEBUG");

  /* Engines are started by ibus-daemon; when it goes, they are adopted by
   * this process rather than by init, and collected in ibus_stop. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);

  {
    g_autofree char *address = g_strdup_printf ("--address=%s", bus);
    const char *argv[] = { "dbus-daemon", "--session", "--nofork", "--nopidfile", address, NULL };

    ibus->dbus = ibus_spawn (ibus, argv, error);
    if (ibus->dbus == NULL)
      return FALSE;
  }
  session = connect_when_ready (bus, error);
  if (session == NULL)
    return FALSE;

  /* libpinyin wants a configuration service; m17n and libthai do not. */
  for (guint i = 0; i < G_N_ELEMENTS (memconf); i++)
    if (g_file_test (memconf[i], G_FILE_TEST_IS_EXECUTABLE))
      {
        g_free (config);
        config = g_strdup_printf ("--config=%s", memconf[i]);
        break;
      }
  address_arg = g_strdup_printf ("--address=%s", ibus_address);
  {
    const char *argv[] = { "ibus-daemon", "--panel=disable", "--emoji-extension=disable",
                           config, address_arg, NULL };

    ibus->ibus = ibus_spawn (ibus, argv, error);
    if (ibus->ibus == NULL)
      return FALSE;
  }
  ibus->connection = connect_when_ready (ibus_address, error);

  return ibus->connection != NULL;
}

/* Makes engine the one ibus uses, as `ibus engine` does (whose exit
 * status cannot be trusted: it is 1 for every m17n engine, whose keyboard
 * layout is "default", after it set the engine). */
static gboolean
ibus_set_engine (Ibus        *ibus,
                 const char  *engine,
                 GError     **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) desc = NULL;
  g_autoptr(GVariant) value = NULL;
  const char *name = NULL;

  reply = g_dbus_connection_call_sync (ibus->connection, "org.freedesktop.IBus",
                                       "/org/freedesktop/IBus", "org.freedesktop.IBus",
                                       "SetGlobalEngine", g_variant_new ("(s)", engine),
                                       NULL, G_DBUS_CALL_FLAGS_NONE,
                                       IBUS_WAIT_SECONDS * 1000, NULL, error);
  if (reply == NULL)
    return FALSE;
  g_clear_pointer (&reply, g_variant_unref);

  /* The engine in use now: an IBusEngineDesc, (sa{sv}ssss...). */
  reply = g_dbus_connection_call_sync (ibus->connection, "org.freedesktop.IBus",
                                       "/org/freedesktop/IBus", "org.freedesktop.DBus.Properties",
                                       "Get", g_variant_new ("(ss)", "org.freedesktop.IBus", "GlobalEngine"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                                       IBUS_WAIT_SECONDS * 1000, NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(v)", &value);
  desc = g_variant_get_variant (value);
  if (g_variant_is_of_type (desc, G_VARIANT_TYPE_TUPLE) && g_variant_n_children (desc) > 2)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (desc, 2);

      if (g_variant_is_of_type (child, G_VARIANT_TYPE_STRING))
        name = g_variant_get_string (child, NULL);
    }
  if (g_strcmp0 (name, engine) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "ibus uses %s, not %s", name != NULL ? name : "no engine", engine);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  char     *output;
  gboolean  done;
} ClientRun;

static void
on_client_output (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ClientRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->output, NULL, &error))
    run->output = g_strdup_printf ("(its output could not be read: %s)", error->message);
  run->done = TRUE;
}

static gboolean
client_done (gconstpointer data)
{
  const ClientRun *run = data;

  return run->done;
}

/* Runs the app's side of a case in a process of its own, for at most
 * seconds; returns whether it passed, with what it printed as test
 * messages. */
static gboolean
ibus_run_client (Ibus              *ibus,
                 const IbusTyping  *typing,
                 const char        *expected,
                 const char        *preedit,
                 guint              seconds,
                 char             **failure)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_strdupv (ibus->env);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, "-p", "/sr/input-method/ibus-client", NULL };
  ClientRun run = { NULL, FALSE };
  gboolean expired;
  gboolean passed;

  g_assert_nonnull (self);
  /* GTK takes ibus from the start, on X11 (xdotool's keys come through
   * the X server). */
  env = g_environ_setenv (env, "GTK_IM_MODULE", "ibus", TRUE);
  env = g_environ_setenv (env, "GDK_BACKEND", "x11", TRUE);
  env = g_environ_setenv (env, "SR_IBUS_CASE", typing->name, TRUE);
  env = g_environ_setenv (env, "SR_IBUS_EXPECTED", expected, TRUE);
  if (preedit != NULL)
    env = g_environ_setenv (env, "SR_IBUS_PREEDIT", preedit, TRUE);
  /* As strict as the test itself (tests/meson.build). */
  env = g_environ_setenv (env, "G_DEBUG", "gc-friendly,fatal-warnings", TRUE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_child_setup (launcher, daemon_setup, NULL, NULL);

  client = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (client == NULL)
    {
      *failure = g_strdup_printf ("%s: %s", typing->name, error->message);
      return FALSE;
    }
  g_subprocess_communicate_utf8_async (client, NULL, NULL, on_client_output, &run);
  expired = !wait_until (client_done, &run, seconds);
  if (expired)
    g_subprocess_force_exit (client);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (client, NULL, NULL);

  g_test_message ("%s (%s), the app's side:\n%s", typing->name, typing->engine, run.output);
  g_free (run.output);
  passed = !expired && g_subprocess_get_successful (client);
  if (expired)
    *failure = g_strdup_printf ("%s: the app's side did not finish in %u s", typing->name, seconds);
  else if (!passed)
    *failure = g_strdup_printf ("%s: the app's side failed", typing->name);

  return passed;
}

static gboolean
ibus_required (void)
{
  return g_strcmp0 (g_getenv ("SR_REQUIRE_IBUS"), "1") == 0;
}

/* A part that cannot run is skipped, and says why; where the suite says
 * it must run (SR_REQUIRE_IBUS=1), it fails instead. */
static void
skip_or_fail (const char *reason)
{
  if (ibus_required ())
    g_test_fail_printf ("SR_REQUIRE_IBUS=1, but %s", reason);
  else
    g_test_skip (reason);
}

/* What one case needs, found before the daemons start. */
typedef struct
{
  char *expected;  /* in the field once typed */
  char *preedit;   /* being composed then, or NULL */
  char *reason;    /* why it cannot run here, or NULL */
} IbusPlan;

static void
ibus_plan (const IbusTyping *typing,
           IbusPlan         *plan)
{
  g_autofree char *component = g_build_filename (IBUS_COMPONENTS, typing->component, NULL);

  if (!g_file_test (component, G_FILE_TEST_EXISTS))
    plan->reason = g_strdup_printf ("%s is not installed", component);
  else
    plan->expected = ibus_typing_expected (typing, &plan->preedit, &plan->reason);
}

static void
test_ibus (void)
{
  g_autofree char *missing = ibus_missing ();
  g_autoptr(GPtrArray) unavailable = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + IBUS_SECONDS * G_USEC_PER_SEC;
  IbusPlan plans[G_N_ELEMENTS (ibus_typings)] = { { NULL, NULL, NULL } };
  Ibus ibus = { 0 };

  if (missing != NULL)
    {
      skip_or_fail (missing);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (ibus_typings); i++)
    ibus_plan (&ibus_typings[i], &plans[i]);

  /* From here nothing fails the test until the daemons are stopped: they
   * must not outlive it. */
  if (!ibus_start (&ibus, &error))
    g_ptr_array_add (unavailable, g_strdup_printf ("ibus did not start: %s", error->message));

  for (guint i = 0; ibus.connection != NULL && i < G_N_ELEMENTS (ibus_typings); i++)
    {
      const IbusTyping *typing = &ibus_typings[i];
      IbusPlan *plan = &plans[i];
      gint64 left = (deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC;
      g_autofree char *failure = NULL;
      g_autoptr(GError) engine_error = NULL;

      if (left < IBUS_CLIENT_SECONDS)
        {
          /* Something is far too slow: that is a failure. */
          failure = g_strdup_printf ("%s: not run, the cases before it took all of %d s",
                                     typing->name, IBUS_SECONDS);
        }
      else if (plan->reason == NULL && !ibus_set_engine (&ibus, typing->engine, &engine_error))
        {
          plan->reason = g_strdup_printf ("the engine %s did not start: %s",
                                          typing->engine, engine_error->message);
        }

      if (failure == NULL && plan->reason != NULL)
        {
          g_test_message ("%s cannot run: %s", typing->name, plan->reason);
          if (!typing->optional)
            g_ptr_array_add (unavailable, g_strdup_printf ("%s: %s", typing->name, plan->reason));
          continue;
        }
      if (failure == NULL
          && ibus_run_client (&ibus, typing, plan->expected, plan->preedit,
                              IBUS_CLIENT_SECONDS, &failure))
        {
          g_test_message ("%s (%s): passed", typing->name, typing->engine);
          continue;
        }

      g_test_message ("%s (%s): %s%s", typing->name, typing->engine, failure,
                      typing->optional ? " (optional)" : "");
      if (!typing->optional)
        g_ptr_array_add (failures, g_steal_pointer (&failure));
    }

  ibus_stop (&ibus);
  for (guint i = 0; i < G_N_ELEMENTS (plans); i++)
    {
      g_free (plans[i].expected);
      g_free (plans[i].preedit);
      g_free (plans[i].reason);
    }

  /* What ran and failed is a failure; what could not run, a skip (or a
   * failure where the suite requires it). */
  if (failures->len > 0)
    g_test_fail_printf ("%s", (char *) g_ptr_array_index (failures, 0));
  else if (unavailable->len > 0)
    skip_or_fail (g_ptr_array_index (unavailable, 0));
}

int
main (int   argc,
      char *argv[])
{
  if (!have_display ())
    return 0;

  /* The app's side of an ibus case (test_ibus), started with
   * GTK_IM_MODULE=ibus. */
  if (g_getenv ("SR_IBUS_CASE") != NULL)
    {
      ui_test_init (&argc, &argv);
      g_test_add_func ("/sr/input-method/ibus-client", test_ibus_client);
      return g_test_run ();
    }

  /* The test's own input method, chosen before GTK starts; it joins the
   * extension point once GTK made it, before any field asks for one. */
  g_setenv ("GTK_IM_MODULE", "sr-test-im", TRUE);
  ui_test_init (&argc, &argv);
  g_io_extension_point_implement (GTK_IM_MODULE_EXTENSION_POINT_NAME,
                                  SR_TYPE_TEST_IM, "sr-test-im", 100);

  for (guint i = 0; i < G_N_ELEMENTS (typings); i++)
    {
      static const char *questions[] = { "current_place", "narrative" };

      for (guint q = 0; q < G_N_ELEMENTS (questions); q++)
        {
          TypingCase *tc = g_new0 (TypingCase, 1);
          g_autofree char *path = g_strdup_printf ("/sr/input-method/%s/%s",
                                                   q == 0 ? "entry" : "narrative",
                                                   typings[i].lang);

          tc->typing = &typings[i];
          tc->question = questions[q];
          g_test_add_data_func_full (path, tc, test_typing, g_free);
        }
    }
  g_test_add ("/sr/input-method/leave", Fixture, NULL,
              fixture_set_up, test_leave, fixture_tear_down);
  g_test_add ("/sr/input-method/leave-commit-on-reset", Fixture, "commit",
              fixture_set_up, test_leave, fixture_tear_down);
  g_test_add ("/sr/input-method/quick-exit", Fixture, NULL,
              fixture_set_up, test_quick_exit, fixture_tear_down);
  g_test_add ("/sr/input-method/quick-exit-commit-on-reset", Fixture, "commit",
              fixture_set_up, test_quick_exit, fixture_tear_down);
  g_test_add_data_func ("/sr/input-method/clear-answer", NULL, test_clear_answer);
  g_test_add_data_func ("/sr/input-method/clear-answer-commit-on-reset", "commit",
                        test_clear_answer);
  g_test_add_func ("/sr/input-method/ibus", test_ibus);

  return g_test_run ();
}
