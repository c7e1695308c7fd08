/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-keyboard"

#include "sr-config.h"

#include <adwaita.h>
#include <string.h>

#include "sr-i18n.h"
#include "sr-keyboard.h"
#include "sr-test-ui.h"

/* The on-screen keyboard, tapped key by key as a person would: what lands
 * in the text field is compared with what the person meant to write. */

typedef struct
{
  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *view;
  SrKeyboard *keyboard;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GtkEntryBuffer) buffer = gtk_password_entry_buffer_new ();

  fixture->window = gtk_window_new ();
  fixture->entry = gtk_entry_new_with_buffer (buffer);
  fixture->view = gtk_text_view_new ();
  fixture->keyboard = SR_KEYBOARD (sr_keyboard_new ());
  gtk_box_append (GTK_BOX (box), fixture->entry);
  gtk_box_append (GTK_BOX (box), fixture->view);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->keyboard));
  gtk_window_set_child (GTK_WINDOW (fixture->window), box);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_widget_grab_focus (fixture->entry);
  sr_keyboard_set_target (fixture->keyboard, fixture->entry);
  pump ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  pump ();
}

static const char *
entry_text (Fixture *fixture)
{
  return gtk_editable_get_text (GTK_EDITABLE (fixture->entry));
}

static char *
view_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Taps the key that types ch, pressing Shift or the switch key first if
 * that is where ch is, as a person looking for it would. */
static void
tap_char (SrKeyboard *keyboard,
          gunichar    ch)
{
  char text[8] = { 0 };
  GtkWidget *key;

  g_unichar_to_utf8 (ch, text);
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      key = sr_keyboard_find_key (keyboard, text);
      if (key != NULL)
        {
          tap (key);
          return;
        }
      /* Shift; then the other keys; then the other keys shifted. */
      if (attempt == 1)
        {
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (sr_keyboard_find_key (keyboard, "shift")),
                                        FALSE);
          if (sr_keyboard_find_key (keyboard, "switch") == NULL)
            break;
          tap_key (keyboard, "switch");
        }
      else
        {
          tap_key (keyboard, "shift");
        }
    }
  g_error ("No key types U+%04X (%s) on the %s keys", ch, text, sr_keyboard_get_layout (keyboard));
}

static void
tap_chars (SrKeyboard *keyboard,
           const char *chars)
{
  for (const char *p = chars; *p != '\0'; p = g_utf8_next_char (p))
    tap_char (keyboard, g_utf8_get_char (p));
}

/* ---- Every language ---------------------------------------------------- */

/* A greeting (or a word) in each language, and the keys that write it:
 * the same characters, except where keys compose (accents, kana voicing,
 * fidel forms, Hangul jamo). */
static const struct
{
  const char *language;
  const char *layout;
  const char *keys;
  const char *expected;
} words[] = {
  { "en",    "us",     "Hello",          "Hello" },
  { "th",    "th",     "สวัสดี",          "สวัสดี" },
  { "my",    "mm",     "မင်္ဂလာပါ",        "မင်္ဂလာပါ" },
  { "km",    "kh",     "សួស្តី",           "សួស្តី" },
  { "lo",    "la",     "ສະບາຍດີ",         "ສະບາຍດີ" },
  /* The tone mark composes with the vowel before it: NFC. */
  { "vi",    "vn",     "Viê\xcc\xa3t",  "Việt" },
  /* Chinese is typed as pinyin: no candidate list without an input
   * method. */
  { "zh_CN", "us",     "nihao",          "nihao" },
  { "zh_TW", "us",     "nihao",          "nihao" },
  { "id",    "us",     "Tolong",         "Tolong" },
  { "ms",    "us",     "Tolong",         "Tolong" },
  { "tl",    "us",     "Tulong",         "Tulong" },
  { "bn",    "bd",     "নমস্কার",         "নমস্কার" },
  { "hi",    "in",     "नमस्ते",          "नमस्ते" },
  { "ne",    "np",     "नमस्ते",          "नमस्ते" },
  { "ur",    "pk",     "سلام",           "سلام" },
  /* ሰ, then ለ and its fourth form ላ, then መ and its sixth form ም. */
  { "am",    "fidel",  "ሰለላመም",         "ሰላም" },
  { "sw",    "us",     "Msaada",         "Msaada" },
  { "ar",    "ara",    "مرحبا",          "مرحبا" },
  { "tr",    "tr",     "ışık",           "ışık" },
  /* A dead tilde, then a. */
  { "pt_BR", "br",     "aç\xcc\x83" "ao", "ação" },
  { "es",    "es",     "niño",           "niño" },
  { "fr",    "fr",     "élève",          "élève" },
  { "ru",    "ru",     "Привет",         "Привет" },
  /* Jamo, composed into syllables. */
  { "ko",    "hangul", "ㅎㅏㄴㄱㅡㄹ",      "한글" },
  /* か and the voicing mark make が; katakana keys type hiragana. */
  { "ja",    "jp",     "か\xe3\x82\x99っこう", "がっこう" },
};

static void
test_every_language (Fixture       *fixture,
                     gconstpointer  data)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *contents = NULL;
  const char *root = g_getenv ("SR_SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root != NULL ? root : ".", "i18n", "LINGUAS", NULL);

  /* Every language the app speaks has a word here. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) linguas = NULL;

      if (*lines[l] == '#')
        continue;
      linguas = g_strsplit_set (lines[l], " \t", -1);
      for (guint i = 0; linguas[i] != NULL; i++)
        {
          gboolean found = FALSE;

          if (*linguas[i] == '\0')
            continue;
          for (guint w = 0; w < G_N_ELEMENTS (words); w++)
            found = found || strcmp (words[w].language, linguas[i]) == 0;
          if (!found)
            g_error ("No word for %s", linguas[i]);
        }
    }

  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    {
      g_test_message ("%s", words[w].language);
      gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "");
      sr_keyboard_set_language (fixture->keyboard, words[w].language);
      g_assert_cmpstr (sr_keyboard_get_layout (fixture->keyboard), ==, words[w].layout);
      tap_chars (fixture->keyboard, words[w].keys);
      g_assert_cmpstr (entry_text (fixture), ==, words[w].expected);
    }
}

/* How many dotted circles a layout draws: glyphs that are U+25CC in the
 * font of their run, whether the text had one or the shaper added it. */
static guint
count_dotted_circles (PangoLayout *layout)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  guint n = 0;

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
      hb_codepoint_t circle;

      if (run == NULL
          || !hb_font_get_nominal_glyph (pango_font_get_hb_font (run->item->analysis.font),
                                         0x25CC, &circle))
        continue;
      for (int g = 0; g < run->glyphs->num_glyphs; g++)
        if (run->glyphs->glyphs[g].glyph == circle)
          n++;
    }
  while (pango_layout_iter_next_run (iter));

  pango_layout_iter_free (iter);
  return n;
}

/* Every key of every language is drawn with the fonts the project
 * installs, and none takes the focus from the text field. */
static void
test_keys_render (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    for (guint level = 0; level < 4; level++)
      {
        g_auto(GStrv) keys = NULL;
        guint n = 0;

        sr_keyboard_set_language (fixture->keyboard, words[w].language);
        if (level & 2)
          {
            if (sr_keyboard_find_key (fixture->keyboard, "switch") == NULL)
              continue;
            tap_key (fixture->keyboard, "switch");
          }
        if (level & 1)
          {
            if (!gtk_widget_get_sensitive (sr_keyboard_find_key (fixture->keyboard, "shift")))
              continue;
            tap_key (fixture->keyboard, "shift");
          }

        keys = sr_keyboard_list_keys (fixture->keyboard);
        for (guint k = 0; keys[k] != NULL; k++)
          {
            GtkWidget *key = sr_keyboard_find_key (fixture->keyboard, keys[k]);
            /* The glyph's label is the last child of the key's face. */
            GtkWidget *label = gtk_widget_get_last_child (gtk_button_get_child (GTK_BUTTON (key)));
            g_autoptr(PangoLayout) layout = NULL;

            g_assert_cmpint (g_utf8_strlen (keys[k], -1), ==, 1);
            g_assert_true (g_unichar_isdefined (g_utf8_get_char (keys[k])));
            g_assert_false (gtk_widget_get_focusable (key));
            layout = gtk_widget_create_pango_layout (label, gtk_label_get_label (GTK_LABEL (label)));
            pango_layout_set_attributes (layout, gtk_label_get_attributes (GTK_LABEL (label)));
            if (pango_layout_get_unknown_glyphs_count (layout) != 0)
              g_error ("The %s key \"%s\" has a glyph missing", words[w].language, keys[k]);
            /* A mark sits on one dotted circle, not on two. */
            if (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (label)), "\xe2\x97\x8c")
                && count_dotted_circles (layout) != 1)
              g_error ("The %s key \"%s\" shows %u dotted circles", words[w].language, keys[k],
                       count_dotted_circles (layout));
            n++;
          }
        /* A whole keyboard: four rows; shifted, some keys may type
         * nothing (small kana only, in Japanese). */
        g_test_message ("%s, level %u: %u keys", words[w].language, level, n);
        g_assert_cmpuint (n, >=, (level & 1) ? 12 : 30);

        /* Back to the language's own keys, unshifted. */
        sr_keyboard_reset (fixture->keyboard);
      }

  g_assert_true (gtk_widget_has_focus (gtk_widget_get_first_child (fixture->entry)));
}

/* The keyboard fits the narrowest window the app allows (sr-window.ui's
 * width-request), in every language and on both levels. */
#define NARROWEST_WINDOW_PX 360

static void
test_fits_narrowest_window (Fixture       *fixture,
                            gconstpointer  data)
{
  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    for (guint level = 0; level < 2; level++)
      {
        int minimum = 0;

        sr_keyboard_set_language (fixture->keyboard, words[w].language);
        if (level == 1 && gtk_widget_get_sensitive (sr_keyboard_find_key (fixture->keyboard, "shift")))
          tap_key (fixture->keyboard, "shift");
        gtk_widget_measure (GTK_WIDGET (fixture->keyboard), GTK_ORIENTATION_HORIZONTAL, -1,
                            &minimum, NULL, NULL, NULL);
        g_test_message ("%s, level %u: %d px", words[w].language, level, minimum);
        if (minimum > NARROWEST_WINDOW_PX)
          g_error ("The %s keyboard needs %d px, wider than the narrowest window (%d px)",
                   words[w].language, minimum, NARROWEST_WINDOW_PX);
        sr_keyboard_reset (fixture->keyboard);
      }
}

/* ---- Composing --------------------------------------------------------- */

static void
test_dead_keys (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *tilde;

  sr_keyboard_set_language (fixture->keyboard, "pt_BR");
  tilde = sr_keyboard_find_key (fixture->keyboard, "\xcc\x83");
  g_assert_nonnull (tilde);

  /* Waiting for its letter, it is shown as such, and types nothing. */
  tap (tilde);
  g_assert_true (gtk_widget_has_css_class (sr_keyboard_find_key (fixture->keyboard, "\xcc\x83"),
                                           "latched"));
  g_assert_cmpstr (entry_text (fixture), ==, "");
  /* Space types the accent alone. */
  tap_key (fixture->keyboard, "space");
  g_assert_cmpstr (entry_text (fixture), ==, "~");
  g_assert_false (gtk_widget_has_css_class (sr_keyboard_find_key (fixture->keyboard, "\xcc\x83"),
                                            "latched"));
  /* Twice too. */
  tap (sr_keyboard_find_key (fixture->keyboard, "\xcc\x83"));
  tap (sr_keyboard_find_key (fixture->keyboard, "\xcc\x83"));
  g_assert_cmpstr (entry_text (fixture), ==, "~~");
  /* A letter it does not go on gets it as a combining mark. */
  tap (sr_keyboard_find_key (fixture->keyboard, "\xcc\x83"));
  tap_char (fixture->keyboard, 'x');
  g_assert_cmpstr (entry_text (fixture), ==, "~~x\xcc\x83");
  /* Backspace takes back the accent only. */
  tap (sr_keyboard_find_key (fixture->keyboard, "\xcc\x83"));
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "~~x\xcc\x83");
  tap_char (fixture->keyboard, 'n');
  g_assert_cmpstr (entry_text (fixture), ==, "~~x\xcc\x83n");
  /* Shifted: Ã. */
  tap (sr_keyboard_find_key (fixture->keyboard, "\xcc\x83"));
  tap_key (fixture->keyboard, "shift");
  tap (sr_keyboard_find_key (fixture->keyboard, "A"));
  g_assert_cmpstr (entry_text (fixture), ==, "~~x\xcc\x83n\xc3\x83");
}

/* Marks join the letter before them where Unicode composes the two
 * (NFC), so that what a case worker searches for is found. */
static void
test_marks_compose (Fixture       *fixture,
                    gconstpointer  data)
{
  /* Burmese ဥ + ီ is ဦ. */
  sr_keyboard_set_language (fixture->keyboard, "my");
  tap_chars (fixture->keyboard, "ဥ\xe1\x80\xae");
  g_assert_cmpstr (entry_text (fixture), ==, "ဦ");
  /* Bengali ে + া is ো. */
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "");
  sr_keyboard_set_language (fixture->keyboard, "bn");
  tap_chars (fixture->keyboard, "ক\xe0\xa7\x87\xe0\xa6\xbe");
  g_assert_cmpstr (entry_text (fixture), ==, "কো");
  /* Thai marks have no composed form: they stay as typed. */
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "");
  sr_keyboard_set_language (fixture->keyboard, "th");
  tap_chars (fixture->keyboard, "กั");
  g_assert_cmpstr (entry_text (fixture), ==, "กั");
}

static void
test_hangul (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct
  {
    const char *jamo;
    const char *expected;
  } cases[] = {
    { "ㄱ", "ㄱ" },
    { "ㅏ", "ㅏ" },
    { "ㄱㅏ", "가" },
    { "ㄱㅏㅂ", "갑" },
    /* Two finals make one. */
    { "ㄱㅏㅂㅅ", "값" },
    /* A vowel takes the last final for the next syllable. */
    { "ㄱㅏㅂㅏ", "가바" },
    { "ㄱㅏㅂㅅㅏ", "갑사" },
    /* Two vowels make one. */
    { "ㄱㅗㅏ", "과" },
    { "ㅇㅡㅣ", "의" },
    { "ㅗㅏ", "ㅘ" },
    /* No pair: a new syllable. */
    { "ㄱㅏㄱㄱ", "각ㄱ" },
    { "ㄱㄱ", "ㄱㄱ" },
    { "ㄱㅏㅏ", "가ㅏ" },
    /* ㄸ is never a final. */
    { "ㄱㅏㄸ", "가ㄸ" },
    { "ㄷㅐㅎㅏㄴㅁㅣㄴㄱㅜㄱ", "대한민국" },
    { "ㄷㅗㅇㅜㅁ", "도움" },
  };

  sr_keyboard_set_language (fixture->keyboard, "ko");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "");
      sr_keyboard_reset (fixture->keyboard);
      tap_chars (fixture->keyboard, cases[i].jamo);
      g_assert_cmpstr (entry_text (fixture), ==, cases[i].expected);
    }

  /* Backspace takes back one jamo at a time, then the letters before. */
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "");
  sr_keyboard_reset (fixture->keyboard);
  tap_chars (fixture->keyboard, "ㅎㅏㄴㄱㅡㄹ");
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "한그");
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "한ㄱ");
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "한");
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "");

  /* The cursor moved away: the syllable there is not touched. */
  tap_chars (fixture->keyboard, "ㄱㅏ");
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "가 ");
  gtk_editable_set_position (GTK_EDITABLE (fixture->entry), -1);
  tap_chars (fixture->keyboard, "ㅇ");
  g_assert_cmpstr (entry_text (fixture), ==, "가 ㅇ");

  /* Reset forgets the syllable being composed. */
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "");
  tap_chars (fixture->keyboard, "ㅎㅏ");
  sr_keyboard_reset (fixture->keyboard);
  tap_chars (fixture->keyboard, "ㄴ");
  g_assert_cmpstr (entry_text (fixture), ==, "하ㄴ");
}

static void
test_fidel (Fixture       *fixture,
            gconstpointer  data)
{
  g_auto(GStrv) keys = NULL;

  sr_keyboard_set_language (fixture->keyboard, "am");
  /* No forms before a consonant. */
  g_assert_null (sr_keyboard_find_key (fixture->keyboard, "ሉ"));
  g_assert_false (gtk_widget_get_sensitive (sr_keyboard_find_key (fixture->keyboard, "shift")));

  tap_key (fixture->keyboard, "ለ");
  g_assert_cmpstr (entry_text (fixture), ==, "ለ");
  /* Its eight forms come first, in order. */
  keys = sr_keyboard_list_keys (fixture->keyboard);
  for (guint i = 0; i < 8; i++)
    {
      char form[8] = { 0 };

      g_unichar_to_utf8 (0x1208 + i, form);
      g_assert_cmpstr (keys[i], ==, form);
    }
  /* A form replaces the consonant, and another form that one. */
  tap_key (fixture->keyboard, "ሉ");
  g_assert_cmpstr (entry_text (fixture), ==, "ሉ");
  tap_key (fixture->keyboard, "ሊ");
  g_assert_cmpstr (entry_text (fixture), ==, "ሊ");
  /* Space ends the syllable; the forms go. */
  tap_key (fixture->keyboard, "space");
  g_assert_null (sr_keyboard_find_key (fixture->keyboard, "ሉ"));
  g_assert_cmpstr (entry_text (fixture), ==, "ሊ ");
  /* Ethiopic punctuation. */
  tap_key (fixture->keyboard, "።");
  g_assert_cmpstr (entry_text (fixture), ==, "ሊ ።");
}

/* ---- Keys that do not type -------------------------------------------- */

static void
test_shift_and_switch (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *shift = sr_keyboard_find_key (fixture->keyboard, "shift");

  sr_keyboard_set_language (fixture->keyboard, "ru");
  /* Shift lasts one letter. */
  tap (shift);
  tap_key (fixture->keyboard, "П");
  tap_key (fixture->keyboard, "р");
  g_assert_cmpstr (entry_text (fixture), ==, "Пр");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (shift)));
  g_assert_null (sr_keyboard_find_key (fixture->keyboard, "П"));
  /* Pressed twice it is off. */
  tap (shift);
  tap (shift);
  g_assert_nonnull (sr_keyboard_find_key (fixture->keyboard, "п"));

  /* The switch key brings Latin letters (and digits), and back. */
  g_assert_null (sr_keyboard_find_key (fixture->keyboard, "a"));
  tap_key (fixture->keyboard, "switch");
  g_assert_cmpstr (sr_keyboard_get_layout (fixture->keyboard), ==, "us");
  tap_chars (fixture->keyboard, "a1");
  g_assert_cmpstr (entry_text (fixture), ==, "Пр" "a1");
  tap_key (fixture->keyboard, "switch");
  g_assert_cmpstr (sr_keyboard_get_layout (fixture->keyboard), ==, "ru");

  /* Languages written in Latin letters have no switch key. */
  sr_keyboard_set_language (fixture->keyboard, "sw");
  g_assert_null (sr_keyboard_find_key (fixture->keyboard, "switch"));
  /* Space names the language. */
  sr_keyboard_set_language (fixture->keyboard, "my");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (sr_keyboard_find_key (fixture->keyboard, "space"))),
                   ==, sr_i18n_get_endonym ("my"));
  /* A new language shows its own keys, whatever was shown before. */
  tap_key (fixture->keyboard, "switch");
  sr_keyboard_set_language (fixture->keyboard, "km");
  g_assert_cmpstr (sr_keyboard_get_layout (fixture->keyboard), ==, "kh");
  /* Unknown languages get the US keys. */
  sr_keyboard_set_language (fixture->keyboard, "xx");
  g_assert_cmpstr (sr_keyboard_get_layout (fixture->keyboard), ==, "us");
}

/* ---- Where the letters go --------------------------------------------- */

static void
test_targets (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *text = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view));
  GtkTextIter iter;
  GtkWidget *other;

  sr_keyboard_set_language (fixture->keyboard, "th");

  /* At the cursor, not at the end. */
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "กค");
  gtk_editable_set_position (GTK_EDITABLE (fixture->entry), 1);
  tap_key (fixture->keyboard, "ข");
  g_assert_cmpstr (entry_text (fixture), ==, "กขค");
  /* A selection is replaced. */
  gtk_editable_select_region (GTK_EDITABLE (fixture->entry), 0, 2);
  tap_key (fixture->keyboard, "ง");
  g_assert_cmpstr (entry_text (fixture), ==, "งค");
  /* Backspace deletes the selection, else one character. */
  gtk_editable_select_region (GTK_EDITABLE (fixture->entry), 1, 2);
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "ง");
  tap_key (fixture->keyboard, "backspace");
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "");

  /* A text view the same. */
  sr_keyboard_set_target (fixture->keyboard, fixture->view);
  gtk_text_buffer_set_text (buffer, "กค", -1);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 1);
  gtk_text_buffer_place_cursor (buffer, &iter);
  tap_key (fixture->keyboard, "ข");
  tap_key (fixture->keyboard, "space");
  text = view_text (fixture);
  g_assert_cmpstr (text, ==, "กข ค");
  g_clear_pointer (&text, g_free);
  tap_key (fixture->keyboard, "backspace");
  text = view_text (fixture);
  g_assert_cmpstr (text, ==, "กขค");
  g_clear_pointer (&text, g_free);
  g_assert_cmpstr (entry_text (fixture), ==, "");

  /* A field that cannot be changed is not. */
  gtk_text_view_set_editable (GTK_TEXT_VIEW (fixture->view), FALSE);
  tap_key (fixture->keyboard, "ข");
  text = view_text (fixture);
  g_assert_cmpstr (text, ==, "กขค");
  g_clear_pointer (&text, g_free);

  /* Nowhere to type: nothing happens. */
  sr_keyboard_set_target (fixture->keyboard, NULL);
  tap_key (fixture->keyboard, "ข");
  tap_key (fixture->keyboard, "backspace");
  g_assert_cmpstr (entry_text (fixture), ==, "");

  /* A field that goes away is forgotten. */
  other = gtk_entry_new ();
  g_object_ref_sink (other);
  sr_keyboard_set_target (fixture->keyboard, other);
  g_assert_true (sr_keyboard_get_target (fixture->keyboard) == other);
  g_object_unref (other);
  g_assert_null (sr_keyboard_get_target (fixture->keyboard));
  tap_key (fixture->keyboard, "ข");
}

int
main (int   argc,
      char *argv[])
{
  if (!have_display ())
    return 0;
  /* With the app's style sheet: the keys' sizes are in it. */
  ui_test_init (&argc, &argv);

  g_test_add ("/sr/keyboard/every-language", Fixture, NULL, fixture_set_up, test_every_language, fixture_tear_down);
  g_test_add ("/sr/keyboard/keys-render", Fixture, NULL, fixture_set_up, test_keys_render, fixture_tear_down);
  g_test_add ("/sr/keyboard/fits-narrowest-window", Fixture, NULL, fixture_set_up, test_fits_narrowest_window, fixture_tear_down);
  g_test_add ("/sr/keyboard/dead-keys", Fixture, NULL, fixture_set_up, test_dead_keys, fixture_tear_down);
  g_test_add ("/sr/keyboard/marks-compose", Fixture, NULL, fixture_set_up, test_marks_compose, fixture_tear_down);
  g_test_add ("/sr/keyboard/hangul", Fixture, NULL, fixture_set_up, test_hangul, fixture_tear_down);
  g_test_add ("/sr/keyboard/fidel", Fixture, NULL, fixture_set_up, test_fidel, fixture_tear_down);
  g_test_add ("/sr/keyboard/shift-and-switch", Fixture, NULL, fixture_set_up, test_shift_and_switch, fixture_tear_down);
  g_test_add ("/sr/keyboard/targets", Fixture, NULL, fixture_set_up, test_targets, fixture_tear_down);

  return g_test_run ();
}
