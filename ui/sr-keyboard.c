/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-keyboard"

#include "sr-config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <xkbcommon/xkbcommon.h>

#include "sr-i18n.h"
#include "sr-keyboard.h"

/* Four rows of character keys, as on a hardware keyboard, by XKB keycode:
 * the digits row (and the yen key of Japanese keyboards), Q to ], A to '
 * and the key beside it (backslash on US keys; Thai ฃ, Khmer ឮ, Japanese
 * む), Z to / and the key after it (Japanese ろ). A key with nothing on
 * it in a layout is not shown. */
#define N_ROWS   4
#define MAX_KEYS 13

static const guint xkb_keycodes[N_ROWS][MAX_KEYS] = {
  { 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 132 },
  { 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35 },
  { 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 51 },
  { 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 97 },
};

typedef enum
{
  KEY_NONE,
  KEY_CHAR,     /* types ch */
  KEY_DEAD,     /* ch is a combining accent put on the next letter */
  KEY_VOICING,  /* ch is a kana voicing mark joined to the kana before it */
  KEY_HANGUL,   /* ch is a jamo, composed into a syllable */
  KEY_FIDEL,    /* ch is a consonant; its vowel forms are offered next */
  KEY_FORM,     /* ch is a vowel form of the consonant before the cursor */
} KeyKind;

typedef struct
{
  KeyKind  kind;
  gunichar ch;
} Key;

typedef struct
{
  const char *language;  /* without its region: "pt" for pt_BR */
  const char *layout;    /* XKB layout, or "fidel", "hangul" */
  const char *variant;
  /* Shown on the key that brings these keys back from the Latin ones;
   * NULL where the layout has Latin letters already. Not translated: it is
   * the script itself. */
  const char *switch_label;
} Layout;

/* The languages of LINGUAS whose keys are not the US ones. Each layout
 * is the one its country's keyboards carry (xkeyboard-config), except
 * where that types nothing useful alone: Ethiopic needs Compose, Korean
 * and Japanese an input method. */
static const Layout layouts[] = {
  { "am", "fidel",  NULL,   "ሀለሐ" },
  { "ar", "ara",    NULL,   "أبت" },
  { "bn", "bd",     NULL,   "অআক" },
  { "es", "es",     NULL,   NULL },
  { "fr", "fr",     NULL,   NULL },
  { "hi", "in",     NULL,   "अआक" },
  { "ja", "jp",     "kana", "あいう" },
  { "km", "kh",     NULL,   "កខគ" },
  { "ko", "hangul", NULL,   "한글" },
  { "lo", "la",     NULL,   "ກຂຄ" },
  { "my", "mm",     NULL,   "ကခဂ" },
  { "ne", "np",     NULL,   "अआक" },
  { "pt", "br",     NULL,   NULL },
  { "ru", "ru",     NULL,   "АБВ" },
  { "th", "th",     NULL,   "กขค" },
  { "tr", "tr",     NULL,   NULL },
  { "ur", "pk",     NULL,   "ابپ" },
  { "vi", "vn",     NULL,   NULL },
};

static const Layout latin_layout = { "en", "us", NULL, NULL };

/* The Amharic consonants in fidel order, each the first of its eight
 * forms (ä u i a e ə o wa) in Unicode. */
static const char *const fidel_rows[N_ROWS] = {
  "1234567890።፣",
  "ሀለሐመሠረሰሸቀበቨተ",
  "ቸኀነኘአከኸወዐዘዠ",
  "የደጀገጠጨጰጸፀፈ",
};

/* Two-set (dubeolsik), the Korean standard: consonants on the left hand,
 * vowels on the right. */
static const char *const hangul_rows[2][N_ROWS] = {
  { "1234567890-=", "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ[]", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ;'", "ㅋㅌㅊㅍㅠㅜㅡ,.?" },
  { "!@#$%^&*()_+", "ㅃㅉㄸㄲㅆㅛㅕㅑㅒㅖ{}", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ:\"", "ㅋㅌㅊㅍㅠㅜㅡ<>/" },
};

/* XKB's dead keys and the combining accents they stand for, with the
 * accent alone (a dead key, then Space). */
static const struct
{
  xkb_keysym_t keysym;
  gunichar     combining;
  gunichar     spacing;
} dead_keys[] = {
  { XKB_KEY_dead_grave,       0x0300, 0x0060 },
  { XKB_KEY_dead_acute,       0x0301, 0x00B4 },
  { XKB_KEY_dead_circumflex,  0x0302, 0x005E },
  { XKB_KEY_dead_tilde,       0x0303, 0x007E },
  { XKB_KEY_dead_macron,      0x0304, 0x00AF },
  { XKB_KEY_dead_breve,       0x0306, 0x02D8 },
  { XKB_KEY_dead_abovedot,    0x0307, 0x02D9 },
  { XKB_KEY_dead_diaeresis,   0x0308, 0x00A8 },
  { XKB_KEY_dead_abovering,   0x030A, 0x02DA },
  { XKB_KEY_dead_doubleacute, 0x030B, 0x02DD },
  { XKB_KEY_dead_caron,       0x030C, 0x02C7 },
  { XKB_KEY_dead_cedilla,     0x0327, 0x00B8 },
  { XKB_KEY_dead_ogonek,      0x0328, 0x02DB },
};

/* Hangul jamo (compatibility block) and their places in a syllable:
 * U+AC00 + (initial * 21 + vowel) * 28 + final. */
static const char initials[] = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
static const char finals[] = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ";
#define HANGUL_FIRST_VOWEL 0x314F  /* ㅏ; the 21 vowels follow in syllable order */
#define HANGUL_LAST_VOWEL  0x3163  /* ㅣ */
#define HANGUL_MAX_JAMO    5       /* initial, two vowels, two finals */

/* Pairs that make one jamo: two vowels, or two finals. */
static const char *const jamo_pairs[] = {
  "ㅗㅏㅘ", "ㅗㅐㅙ", "ㅗㅣㅚ", "ㅜㅓㅝ", "ㅜㅔㅞ", "ㅜㅣㅟ", "ㅡㅣㅢ",
  "ㄱㅅㄳ", "ㄴㅈㄵ", "ㄴㅎㄶ", "ㄹㄱㄺ", "ㄹㅁㄻ", "ㄹㅂㄼ", "ㄹㅅㄽ",
  "ㄹㅌㄾ", "ㄹㅍㄿ", "ㄹㅎㅀ", "ㅂㅅㅄ",
};

struct _SrKeyboard
{
  AdwBin         parent_instance;

  GtkWidget     *forms;      /* the vowel forms of the last fidel consonant */
  GtkWidget     *keys;       /* GtkGrid of the character keys */
  GtkWidget     *key_buttons[N_ROWS][MAX_KEYS];
  GtkWidget     *form_buttons[8];
  GtkWidget     *shift;
  GtkWidget     *switch_key;
  GtkWidget     *space;
  GtkWidget     *backspace;

  char          *language;
  const Layout  *layout;     /* the language's own */
  gboolean       latin;      /* showing the Latin keys instead */
  gboolean       shifted;
  Key            rows[2][N_ROWS][MAX_KEYS];

  GtkWidget     *target;     /* weak */

  /* What one key leaves for the next */
  gunichar       dead;                     /* combining accent, or 0 */
  gunichar       fidel;                    /* consonant whose forms are shown, or 0 */
  gunichar       jamo[HANGUL_MAX_JAMO];    /* the syllable being composed */
  guint          n_jamo;
  gunichar       composed;                 /* how it was written, just before the cursor */
};

G_DEFINE_FINAL_TYPE (SrKeyboard, sr_keyboard, ADW_TYPE_BIN)

/* ---- Layouts ----------------------------------------------------------- */

static const Layout *
find_layout (const char *language)
{
  g_autofree char *base = g_strdup (language != NULL ? language : "en");
  char *region = strchr (base, '_');

  if (region != NULL)
    *region = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    if (strcmp (layouts[i].language, base) == 0)
      return &layouts[i];
  return &latin_layout;
}

static const Layout *
shown_layout (SrKeyboard *self)
{
  return self->latin ? &latin_layout : self->layout;
}

static gunichar
utf8_char_at (const char *text,
              guint       index)
{
  const char *p = text;

  for (guint i = 0; i < index && *p != '\0'; i++)
    p = g_utf8_next_char (p);
  return *p != '\0' ? g_utf8_get_char (p) : 0;
}

static gboolean
is_jamo (gunichar ch)
{
  return ch >= 0x3131 && ch <= HANGUL_LAST_VOWEL;
}

static void
fill_from_strings (SrKeyboard        *self,
                   const char *const  rows[N_ROWS],
                   guint              level)
{
  for (guint r = 0; r < N_ROWS; r++)
    {
      guint n = (guint) g_utf8_strlen (rows[r], -1);

      for (guint k = 0; k < MAX_KEYS; k++)
        {
          Key *key = &self->rows[level][r][k];
          gunichar ch = k < n ? utf8_char_at (rows[r], k) : 0;

          key->ch = ch;
          if (ch == 0)
            key->kind = KEY_NONE;
          else if (is_jamo (ch))
            key->kind = KEY_HANGUL;
          else if (ch >= 0x1200 && ch <= 0x137F && g_unichar_isalpha (ch))
            key->kind = KEY_FIDEL;
          else
            key->kind = KEY_CHAR;
        }
    }
}

static void
key_from_keysym (Key          *key,
                 xkb_keysym_t  keysym,
                 gboolean      kana)
{
  gunichar ch = xkb_keysym_to_utf32 (keysym);

  key->kind = KEY_NONE;
  key->ch = 0;

  for (guint i = 0; i < G_N_ELEMENTS (dead_keys); i++)
    if (dead_keys[i].keysym == keysym)
      {
        key->kind = KEY_DEAD;
        key->ch = dead_keys[i].combining;
        return;
      }

  if (ch == 0 || g_unichar_iscntrl (ch) || !g_unichar_isdefined (ch))
    return;

  if (kana)
    {
      /* Japanese is written in hiragana; katakana is for loanwords. */
      if (ch >= 0x30A1 && ch <= 0x30F6)
        ch -= 0x60;
      if (ch == 0x309B || ch == 0x309C)
        {
          key->kind = KEY_VOICING;
          key->ch = ch == 0x309B ? 0x3099 : 0x309A;
          return;
        }
    }

  key->kind = KEY_CHAR;
  key->ch = ch;
}

static gboolean
fill_from_xkb (SrKeyboard   *self,
               const Layout *layout)
{
  struct xkb_context *context = xkb_context_new (XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
  struct xkb_rule_names names = { .layout = layout->layout, .variant = layout->variant };
  struct xkb_keymap *keymap = NULL;
  gboolean kana = g_strcmp0 (layout->variant, "kana") == 0;

  if (context != NULL)
    keymap = xkb_keymap_new_from_names (context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
  if (keymap == NULL)
    {
      g_clear_pointer (&context, xkb_context_unref);
      return FALSE;
    }

  for (guint level = 0; level < 2; level++)
    for (guint r = 0; r < N_ROWS; r++)
      for (guint k = 0; k < MAX_KEYS; k++)
        {
          Key *key = &self->rows[level][r][k];
          const xkb_keysym_t *syms = NULL;
          int n = 0;

          key->kind = KEY_NONE;
          key->ch = 0;
          if (xkb_keycodes[r][k] != 0)
            n = xkb_keymap_key_get_syms_by_level (keymap, xkb_keycodes[r][k], 0, level, &syms);
          if (n == 1)
            key_from_keysym (key, syms[0], kana);
        }

  xkb_keymap_unref (keymap);
  xkb_context_unref (context);
  return TRUE;
}

static void
load_layout (SrKeyboard *self)
{
  const Layout *layout = shown_layout (self);

  if (strcmp (layout->layout, "fidel") == 0)
    {
      fill_from_strings (self, fidel_rows, 0);
      fill_from_strings (self, fidel_rows, 1);
    }
  else if (strcmp (layout->layout, "hangul") == 0)
    {
      fill_from_strings (self, hangul_rows[0], 0);
      fill_from_strings (self, hangul_rows[1], 1);
    }
  else if (!fill_from_xkb (self, layout))
    {
      /* Without the XKB data (not expected: GTK needs it) the Latin
       * letters at least. */
      static const char *const us[2][N_ROWS] = {
        { "1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./" },
        { "!@#$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:\"", "ZXCVBNM<>?" },
      };

      g_warning ("The keyboard layout %s could not be read; showing Latin letters.",
                 layout->layout);
      fill_from_strings (self, us[0], 0);
      fill_from_strings (self, us[1], 1);
    }
}

/* ---- Typing into the target ------------------------------------------- */

static gboolean
target_writable (SrKeyboard *self)
{
  if (self->target == NULL || !gtk_widget_is_sensitive (self->target))
    return FALSE;
  if (GTK_IS_EDITABLE (self->target))
    return gtk_editable_get_editable (GTK_EDITABLE (self->target));
  if (GTK_IS_TEXT_VIEW (self->target))
    return gtk_text_view_get_editable (GTK_TEXT_VIEW (self->target));
  return FALSE;
}

static gboolean
delete_selection (SrKeyboard *self)
{
  if (GTK_IS_EDITABLE (self->target))
    {
      GtkEditable *editable = GTK_EDITABLE (self->target);
      int start, end;

      if (!gtk_editable_get_selection_bounds (editable, &start, &end))
        return FALSE;
      gtk_editable_delete_selection (editable);
      return TRUE;
    }

  return gtk_text_buffer_delete_selection (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->target)),
                                           TRUE, TRUE);
}

static void
insert_text (SrKeyboard *self,
             const char *text)
{
  delete_selection (self);

  if (GTK_IS_EDITABLE (self->target))
    {
      GtkEditable *editable = GTK_EDITABLE (self->target);
      int position = gtk_editable_get_position (editable);

      gtk_editable_insert_text (editable, text, -1, &position);
      gtk_editable_set_position (editable, position);
    }
  else
    {
      GtkTextView *view = GTK_TEXT_VIEW (self->target);
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

      gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
      gtk_text_view_scroll_mark_onscreen (view, gtk_text_buffer_get_insert (buffer));
    }
}

static void
insert_char (SrKeyboard *self,
             gunichar    ch)
{
  char text[8] = { 0 };

  g_unichar_to_utf8 (ch, text);
  insert_text (self, text);
}

/* The character just before the cursor, read in place: the text may be a
 * secret buffer, and is not copied. */
static gunichar
char_before_cursor (SrKeyboard *self)
{
  if (GTK_IS_EDITABLE (self->target))
    {
      GtkEditable *editable = GTK_EDITABLE (self->target);
      int position = gtk_editable_get_position (editable);
      const char *text = gtk_editable_get_text (editable);

      if (position <= 0 || text == NULL)
        return 0;
      return g_utf8_get_char (g_utf8_offset_to_pointer (text, position - 1));
    }
  else
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->target));
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
      if (!gtk_text_iter_backward_char (&iter))
        return 0;
      return gtk_text_iter_get_char (&iter);
    }
}

static void
delete_before_cursor (SrKeyboard *self)
{
  if (GTK_IS_EDITABLE (self->target))
    {
      GtkEditable *editable = GTK_EDITABLE (self->target);
      int position = gtk_editable_get_position (editable);

      if (position > 0)
        gtk_editable_delete_text (editable, position - 1, position);
    }
  else
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->target));
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_mark (buffer, &end, gtk_text_buffer_get_insert (buffer));
      start = end;
      if (gtk_text_iter_backward_char (&start))
        gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
    }
}

/* ---- Hangul ------------------------------------------------------------ */

static int
jamo_index (const char *list,
            gunichar    ch)
{
  int i = 0;

  for (const char *p = list; *p != '\0'; p = g_utf8_next_char (p), i++)
    if (g_utf8_get_char (p) == ch)
      return i;
  return -1;
}

static gboolean
is_vowel (gunichar ch)
{
  return ch >= HANGUL_FIRST_VOWEL && ch <= HANGUL_LAST_VOWEL;
}

static gunichar
jamo_pair (gunichar first,
           gunichar second)
{
  for (guint i = 0; i < G_N_ELEMENTS (jamo_pairs); i++)
    if (utf8_char_at (jamo_pairs[i], 0) == first && utf8_char_at (jamo_pairs[i], 1) == second)
      return utf8_char_at (jamo_pairs[i], 2);
  return 0;
}

/* How the jamo typed so far are written: a syllable once there is an
 * initial and a vowel, else the jamo alone. */
static gunichar
hangul_render (const gunichar *jamo,
               guint           n)
{
  gunichar vowel, final = 0;
  int initial, tail = 0;
  guint i = 1;

  if (n == 0)
    return 0;
  initial = is_vowel (jamo[0]) ? -1 : jamo_index (initials, jamo[0]);
  if (initial < 0 || n == 1 || !is_vowel (jamo[1]))
    {
      /* A vowel (or vowels) alone, or a consonant alone. */
      if (n >= 2 && is_vowel (jamo[0]) && is_vowel (jamo[1]))
        return jamo_pair (jamo[0], jamo[1]);
      return jamo[0];
    }

  vowel = jamo[i++];
  if (i < n && is_vowel (jamo[i]))
    vowel = jamo_pair (vowel, jamo[i++]);
  if (i < n)
    {
      final = jamo[i++];
      if (i < n)
        final = jamo_pair (final, jamo[i]);
      tail = jamo_index (finals, final) + 1;
    }
  g_assert (vowel != 0 && tail >= 0);

  return 0xAC00 + ((gunichar) initial * 21 + (vowel - HANGUL_FIRST_VOWEL)) * 28 + (gunichar) tail;
}

/* Whether ch can follow the jamo of the syllable being composed. */
static gboolean
hangul_accepts (const gunichar *jamo,
                guint           n,
                gunichar        ch)
{
  gboolean has_initial = n > 0 && !is_vowel (jamo[0]);
  guint vowels = 0, tails = 0;

  for (guint i = has_initial ? 1 : 0; i < n; i++)
    {
      if (is_vowel (jamo[i]))
        vowels++;
      else
        tails++;
    }

  if (n == 0)
    return TRUE;
  if (is_vowel (ch))
    {
      if (tails > 0)
        return FALSE;
      if (vowels == 0)
        return has_initial;
      return vowels == 1 && jamo_pair (jamo[n - 1], ch) != 0;
    }
  if (vowels == 0 || !has_initial)
    return FALSE;
  if (tails == 0)
    return jamo_index (finals, ch) >= 0;
  return tails == 1 && jamo_pair (jamo[n - 1], ch) != 0;
}

static void
hangul_rewrite (SrKeyboard *self)
{
  delete_before_cursor (self);
  self->composed = hangul_render (self->jamo, self->n_jamo);
  insert_char (self, self->composed);
}

static void
hangul_end (SrKeyboard *self)
{
  memset (self->jamo, 0, sizeof self->jamo);
  self->n_jamo = 0;
  self->composed = 0;
}

static void
hangul_type (SrKeyboard *self,
             gunichar    ch)
{
  /* The syllable is composed only while it is still there, just before
   * the cursor: a tap elsewhere in the text starts afresh. */
  if (self->n_jamo > 0 && char_before_cursor (self) != self->composed)
    hangul_end (self);

  if (self->n_jamo > 0 && self->n_jamo < HANGUL_MAX_JAMO
      && hangul_accepts (self->jamo, self->n_jamo, ch))
    {
      self->jamo[self->n_jamo++] = ch;
      hangul_rewrite (self);
      return;
    }

  if (self->n_jamo > 0 && is_vowel (ch) && !is_vowel (self->jamo[self->n_jamo - 1]))
    {
      /* 갑 + ㅏ = 가바: the last final opens the next syllable. */
      gunichar moved = self->jamo[--self->n_jamo];

      /* A pair of finals gives up only its second. */
      hangul_rewrite (self);
      hangul_end (self);
      self->jamo[self->n_jamo++] = moved;
      self->jamo[self->n_jamo++] = ch;
      self->composed = hangul_render (self->jamo, self->n_jamo);
      insert_char (self, self->composed);
      return;
    }

  hangul_end (self);
  self->jamo[self->n_jamo++] = ch;
  self->composed = ch;
  insert_char (self, ch);
}

/* ---- Keys -------------------------------------------------------------- */

static void rebuild_keys  (SrKeyboard *self);
static void rebuild_forms (SrKeyboard *self);

static void
end_composing (SrKeyboard *self)
{
  hangul_end (self);
  self->dead = 0;
}

static void
unshift (SrKeyboard *self)
{
  if (self->shifted)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->shift), FALSE);
}

static gunichar
spacing_accent (gunichar combining)
{
  for (guint i = 0; i < G_N_ELEMENTS (dead_keys); i++)
    if (dead_keys[i].combining == combining)
      return dead_keys[i].spacing;
  return combining;
}

static void
set_dead (SrKeyboard *self,
          gunichar    dead)
{
  self->dead = dead;
  rebuild_keys (self);
}

/* The one character a and b make in Unicode's composed form (NFC), or 0.
 * NFC rather than a single composition: ê and a dot below make ệ, whose
 * canonical parts are ẹ and a circumflex. */
static gunichar
compose_pair (gunichar a,
              gunichar b)
{
  char pair[16] = { 0 };
  g_autofree char *composed = NULL;
  int len;

  if (a == 0)
    return 0;
  len = g_unichar_to_utf8 (a, pair);
  g_unichar_to_utf8 (b, pair + len);
  composed = g_utf8_normalize (pair, -1, G_NORMALIZE_NFC);
  if (composed == NULL || g_utf8_strlen (composed, -1) != 1)
    return 0;
  return g_utf8_get_char (composed);
}

static gboolean
is_mark (gunichar ch)
{
  GUnicodeType type = g_unichar_type (ch);

  return type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK
         || type == G_UNICODE_ENCLOSING_MARK;
}

/* Types a mark, joined to the letter before it where Unicode has one
 * character for the two (Burmese ဥ and ီ are ဦ), so that the text is
 * stored as it would be searched for. */
static void
insert_mark (SrKeyboard *self,
             gunichar    mark)
{
  gunichar composed = compose_pair (char_before_cursor (self), mark);

  if (composed != 0)
    {
      delete_before_cursor (self);
      insert_char (self, composed);
    }
  else
    {
      insert_char (self, mark);
    }
}

static void
type_key (SrKeyboard *self,
          KeyKind     kind,
          gunichar    ch)
{
  gunichar before, composed;
  gboolean had_fidel = self->fidel != 0;

  if (!target_writable (self))
    return;

  if (kind != KEY_HANGUL)
    hangul_end (self);
  if (kind != KEY_FORM)
    self->fidel = 0;

  switch (kind)
    {
    case KEY_DEAD:
      if (self->dead == ch)
        {
          /* The same accent twice types it alone. */
          insert_char (self, spacing_accent (ch));
          set_dead (self, 0);
        }
      else
        {
          set_dead (self, ch);
        }
      return;

    case KEY_CHAR:
      if (self->dead != 0)
        {
          composed = compose_pair (ch, self->dead);
          if (composed != 0)
            {
              insert_char (self, composed);
            }
          else
            {
              insert_char (self, ch);
              insert_char (self, self->dead);
            }
          set_dead (self, 0);
        }
      else if (is_mark (ch))
        {
          insert_mark (self, ch);
        }
      else
        {
          insert_char (self, ch);
        }
      break;

    case KEY_VOICING:
      composed = compose_pair (char_before_cursor (self), ch);
      if (composed != 0)
        {
          delete_before_cursor (self);
          insert_char (self, composed);
        }
      else
        {
          /* Alone, the mark as it is written on its own. */
          insert_char (self, ch == 0x3099 ? 0x309B : 0x309C);
        }
      break;

    case KEY_HANGUL:
      hangul_type (self, ch);
      break;

    case KEY_FIDEL:
      insert_char (self, ch);
      self->fidel = ch;
      break;

    case KEY_FORM:
      before = char_before_cursor (self);
      if (self->fidel != 0 && before >= self->fidel && before < self->fidel + 8)
        delete_before_cursor (self);
      insert_char (self, ch);
      break;

    case KEY_NONE:
    default:
      g_assert_not_reached ();
    }

  if (had_fidel || self->fidel != 0)
    rebuild_forms (self);
  unshift (self);
}

static void
on_key_clicked (GtkButton  *button,
                SrKeyboard *self)
{
  KeyKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sr-key-kind"));
  gunichar ch = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sr-key-char"));

  type_key (self, kind, ch);
}

static GtkWidget *
make_key (SrKeyboard *self)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *face = gtk_label_new (NULL);

  /* A key asks for the room of a space, not of the glyph it shows: the
   * glyph is an overlay, which GtkOverlay does not measure. A wide
   * Burmese or Khmer letter then does not make every key, and so the
   * keyboard, wider than the narrowest window. The glyph's own label is
   * never narrowed (an ellipsizing label shapes a mark apart from the
   * dotted circle it sits on), only clipped at the key's edges where a
   * window is narrower than any kiosk's screen. */
  gtk_overlay_set_child (GTK_OVERLAY (overlay), gtk_label_new (" "));
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), face);
  gtk_overlay_set_clip_overlay (GTK_OVERLAY (overlay), face, TRUE);
  gtk_widget_set_halign (face, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (face, GTK_ALIGN_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), overlay);
  g_object_set_data (G_OBJECT (button), "sr-key-face", face);
  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_add_css_class (button, "sr-key");
  g_signal_connect (button, "clicked", G_CALLBACK (on_key_clicked), self);
  return button;
}

/* Keys are made once and relabelled: a key may change under the finger
 * that is pressing it (Shift lasts one letter). An empty place stays, so
 * that the keys keep their places between the two levels. */
static void
set_key (SrKeyboard *self,
         GtkWidget  *button,
         const Key  *key)
{
  char typed[8] = { 0 };
  char shown[16] = { 0 };
  int len;

  if (key->kind != KEY_NONE)
    g_unichar_to_utf8 (key->ch, typed);
  /* A mark alone would sit on nothing or on the key's edge: it is shown
   * on a dotted circle, as in every script's keyboard charts. */
  len = key->kind != KEY_NONE && key->kind != KEY_VOICING && is_mark (key->ch)
        ? g_unichar_to_utf8 (0x25CC, shown) : 0;
  memcpy (shown + len, typed, strlen (typed) + 1);
  /* The kana voicing marks are shown as they are printed on the keys. */
  if (key->kind == KEY_VOICING)
    shown[g_unichar_to_utf8 (key->ch == 0x3099 ? 0x309B : 0x309C, shown)] = '\0';
  if (key->ch == 0x200C || key->ch == 0x200D)
    g_strlcpy (shown, key->ch == 0x200C ? "ZWNJ" : "ZWJ", sizeof shown);

  gtk_label_set_label (GTK_LABEL (g_object_get_data (G_OBJECT (button), "sr-key-face")), shown);
  gtk_widget_set_sensitive (button, key->kind != KEY_NONE);
  if (key->kind == KEY_DEAD && key->ch == self->dead)
    gtk_widget_add_css_class (button, "latched");
  else
    gtk_widget_remove_css_class (button, "latched");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, typed, -1);

  g_object_set_data (G_OBJECT (button), "sr-key-kind", GUINT_TO_POINTER (key->kind));
  g_object_set_data (G_OBJECT (button), "sr-key-char", GUINT_TO_POINTER (key->ch));
  g_object_set_data_full (G_OBJECT (button), "sr-key-text", g_strdup (typed), g_free);
}

static void
rebuild_keys (SrKeyboard *self)
{
  guint level = self->shifted ? 1 : 0;

  for (guint r = 0; r < N_ROWS; r++)
    for (guint k = 0; k < MAX_KEYS; k++)
      {
        GtkWidget *button = self->key_buttons[r][k];

        gtk_widget_set_visible (button, self->rows[0][r][k].kind != KEY_NONE
                                        || self->rows[1][r][k].kind != KEY_NONE);
        set_key (self, button, &self->rows[level][r][k]);
      }
}

static void
rebuild_forms (SrKeyboard *self)
{
  gtk_widget_set_visible (self->forms, self->fidel != 0);
  for (guint i = 0; i < 8; i++)
    {
      Key key = { KEY_FORM, self->fidel + i };

      if (self->fidel == 0 || !g_unichar_isdefined (key.ch))
        key = (Key) { KEY_NONE, 0 };
      set_key (self, self->form_buttons[i], &key);
    }
}

static void
update_controls (SrKeyboard *self)
{
  const char *endonym = self->language != NULL ? sr_i18n_get_endonym (self->language) : NULL;
  gboolean fidel = strcmp (shown_layout (self)->layout, "fidel") == 0;

  gtk_widget_set_visible (self->switch_key, self->layout->switch_label != NULL);
  if (self->layout->switch_label != NULL)
    gtk_button_set_label (GTK_BUTTON (self->switch_key),
                          self->latin ? self->layout->switch_label : "ABC");
  /* The fidel keys have no second level. */
  gtk_widget_set_sensitive (self->shift, !fidel);
  gtk_button_set_label (GTK_BUTTON (self->space),
                        endonym != NULL ? endonym : "");
}

/* Every key's face is in the language of the keys shown. In it,
 * fontconfig gives the dotted circle and the mark on it one font (Noto
 * Sans Myanmar has both); otherwise the circle may come from the
 * interface's font, and the mark, alone in its own font, gets a second
 * circle from the shaper. */
static void
set_faces_language (SrKeyboard *self)
{
  PangoLanguage *language = pango_language_from_string (shown_layout (self)->language);
  PangoAttrList *attributes = pango_attr_list_new ();

  pango_attr_list_insert (attributes, pango_attr_language_new (language));
  for (guint r = 0; r < N_ROWS; r++)
    for (guint k = 0; k < MAX_KEYS; k++)
      gtk_label_set_attributes (g_object_get_data (G_OBJECT (self->key_buttons[r][k]), "sr-key-face"),
                                attributes);
  for (guint i = 0; i < G_N_ELEMENTS (self->form_buttons); i++)
    gtk_label_set_attributes (g_object_get_data (G_OBJECT (self->form_buttons[i]), "sr-key-face"),
                              attributes);
  pango_attr_list_unref (attributes);
}

static void
show_layout (SrKeyboard *self)
{
  end_composing (self);
  self->fidel = 0;
  load_layout (self);
  set_faces_language (self);
  rebuild_keys (self);
  rebuild_forms (self);
  update_controls (self);
}

static void
on_shift_toggled (GtkToggleButton *button,
                  SrKeyboard      *self)
{
  self->shifted = gtk_toggle_button_get_active (button);
  rebuild_keys (self);
}

static void
on_switch_clicked (GtkButton  *button,
                   SrKeyboard *self)
{
  self->latin = !self->latin;
  unshift (self);
  show_layout (self);
}

static void
on_space_clicked (GtkButton  *button,
                  SrKeyboard *self)
{
  gunichar dead = self->dead;

  if (!target_writable (self))
    return;
  hangul_end (self);
  if (dead != 0)
    {
      insert_char (self, spacing_accent (dead));
      set_dead (self, 0);
    }
  else
    {
      insert_text (self, " ");
    }
  if (self->fidel != 0)
    {
      self->fidel = 0;
      rebuild_forms (self);
    }
}

static void
on_backspace_clicked (GtkButton  *button,
                      SrKeyboard *self)
{
  if (!target_writable (self))
    return;

  if (self->dead != 0)
    {
      /* Only the accent waiting for its letter. */
      set_dead (self, 0);
      return;
    }

  if (self->n_jamo > 1 && char_before_cursor (self) == self->composed)
    {
      /* One jamo back, as a Korean input method does. */
      self->jamo[--self->n_jamo] = 0;
      hangul_rewrite (self);
      return;
    }

  hangul_end (self);
  if (!delete_selection (self))
    delete_before_cursor (self);
}

/* ---- Public ------------------------------------------------------------ */

GtkWidget *
sr_keyboard_new (void)
{
  return g_object_new (SR_TYPE_KEYBOARD, NULL);
}

void
sr_keyboard_set_language (SrKeyboard *self,
                          const char *language)
{
  g_return_if_fail (SR_IS_KEYBOARD (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  self->layout = find_layout (language);
  self->latin = FALSE;
  unshift (self);
  show_layout (self);
}

const char *
sr_keyboard_get_layout (SrKeyboard *self)
{
  g_return_val_if_fail (SR_IS_KEYBOARD (self), NULL);

  return shown_layout (self)->layout;
}

void
sr_keyboard_set_target (SrKeyboard *self,
                        GtkWidget  *target)
{
  g_return_if_fail (SR_IS_KEYBOARD (self));
  g_return_if_fail (target == NULL || GTK_IS_EDITABLE (target) || GTK_IS_TEXT_VIEW (target));

  if (self->target == target)
    return;
  g_set_weak_pointer (&self->target, target);
  end_composing (self);
  self->fidel = 0;
  rebuild_keys (self);
  rebuild_forms (self);
}

GtkWidget *
sr_keyboard_get_target (SrKeyboard *self)
{
  g_return_val_if_fail (SR_IS_KEYBOARD (self), NULL);

  return self->target;
}

void
sr_keyboard_reset (SrKeyboard *self)
{
  g_return_if_fail (SR_IS_KEYBOARD (self));

  self->latin = FALSE;
  unshift (self);
  show_layout (self);
}

/* The keys that type something now, in reading order: the vowel forms
 * first, then the rows. */
static GPtrArray *
character_keys (SrKeyboard *self)
{
  GPtrArray *keys = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (self->form_buttons); i++)
    if (gtk_widget_get_visible (self->forms) && gtk_widget_get_sensitive (self->form_buttons[i]))
      g_ptr_array_add (keys, self->form_buttons[i]);
  for (guint r = 0; r < N_ROWS; r++)
    for (guint k = 0; k < MAX_KEYS; k++)
      if (gtk_widget_get_visible (self->key_buttons[r][k])
          && gtk_widget_get_sensitive (self->key_buttons[r][k]))
        g_ptr_array_add (keys, self->key_buttons[r][k]);
  return keys;
}

GtkWidget *
sr_keyboard_find_key (SrKeyboard *self,
                      const char *label)
{
  g_autoptr(GPtrArray) keys = NULL;

  g_return_val_if_fail (SR_IS_KEYBOARD (self), NULL);
  g_return_val_if_fail (label != NULL, NULL);

  if (strcmp (label, "shift") == 0)
    return self->shift;
  if (strcmp (label, "switch") == 0)
    return gtk_widget_get_visible (self->switch_key) ? self->switch_key : NULL;
  if (strcmp (label, "space") == 0)
    return self->space;
  if (strcmp (label, "backspace") == 0)
    return self->backspace;

  keys = character_keys (self);
  for (guint i = 0; i < keys->len; i++)
    if (g_strcmp0 (g_object_get_data (keys->pdata[i], "sr-key-text"), label) == 0)
      return keys->pdata[i];
  return NULL;
}

char **
sr_keyboard_list_keys (SrKeyboard *self)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SR_IS_KEYBOARD (self), NULL);

  keys = character_keys (self);
  for (guint i = 0; i < keys->len; i++)
    g_strv_builder_add (builder, g_object_get_data (keys->pdata[i], "sr-key-text"));
  return g_strv_builder_end (builder);
}

static GtkWidget *
make_control (GtkWidget  *button,
              const char *css_class)
{
  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_add_css_class (button, "sr-key");
  gtk_widget_add_css_class (button, css_class);
  return button;
}

static void
sr_keyboard_dispose (GObject *object)
{
  SrKeyboard *self = SR_KEYBOARD (object);

  g_clear_weak_pointer (&self->target);
  end_composing (self);

  G_OBJECT_CLASS (sr_keyboard_parent_class)->dispose (object);
}

static void
sr_keyboard_finalize (GObject *object)
{
  SrKeyboard *self = SR_KEYBOARD (object);

  g_free (self->language);

  G_OBJECT_CLASS (sr_keyboard_parent_class)->finalize (object);
}

static void
sr_keyboard_class_init (SrKeyboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_keyboard_dispose;
  object_class->finalize = sr_keyboard_finalize;

  gtk_widget_class_set_css_name (widget_class, "keyboard");
}

static void
sr_keyboard_init (SrKeyboard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *controls = gtk_grid_new ();

  gtk_widget_add_css_class (GTK_WIDGET (self), "sr-keyboard");

  self->forms = gtk_grid_new ();
  self->keys = gtk_grid_new ();
  for (guint i = 0; i < 3; i++)
    {
      GtkGrid *grid = GTK_GRID (i == 0 ? self->forms : i == 1 ? self->keys : controls);

      gtk_grid_set_column_homogeneous (grid, TRUE);
      gtk_grid_set_row_homogeneous (grid, TRUE);
      gtk_grid_set_column_spacing (grid, 3);
      gtk_grid_set_row_spacing (grid, 6);
    }
  gtk_widget_add_css_class (self->forms, "sr-key-forms");
  for (guint i = 0; i < G_N_ELEMENTS (self->form_buttons); i++)
    {
      self->form_buttons[i] = make_key (self);
      gtk_grid_attach (GTK_GRID (self->forms), self->form_buttons[i], (int) i, 0, 1, 1);
    }
  /* Each key spans two columns, and each row starts half a key further
   * in, as on a hardware keyboard. */
  for (guint r = 0; r < N_ROWS; r++)
    for (guint k = 0; k < MAX_KEYS; k++)
      {
        self->key_buttons[r][k] = make_key (self);
        gtk_grid_attach (GTK_GRID (self->keys), self->key_buttons[r][k],
                         (int) (r + 2 * k), (int) r, 2, 1);
      }

  self->shift = make_control (gtk_toggle_button_new (), "sr-shift");
  gtk_button_set_icon_name (GTK_BUTTON (self->shift), "go-up-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->shift),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  /* Translators: a key of the on-screen keyboard. */
                                  _("Shift"), -1);
  g_signal_connect (self->shift, "toggled", G_CALLBACK (on_shift_toggled), self);

  self->switch_key = make_control (gtk_button_new (), "sr-switch");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->switch_key),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  /* Translators: what a key of the on-screen keyboard does. */
                                  _("Switches between this language’s letters and Latin letters"), -1);
  g_signal_connect (self->switch_key, "clicked", G_CALLBACK (on_switch_clicked), self);

  self->space = make_control (gtk_button_new (), "sr-space");
  /* Its face names the language; a screen reader says what it is. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->space),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  /* Translators: a key of the on-screen keyboard. */
                                  _("Space"), -1);
  g_signal_connect (self->space, "clicked", G_CALLBACK (on_space_clicked), self);

  self->backspace = make_control (gtk_button_new_from_icon_name ("edit-clear-symbolic"),
                                  "sr-backspace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->backspace),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  /* Translators: a key of the on-screen keyboard. */
                                  _("Delete the last letter"), -1);
  g_signal_connect (self->backspace, "clicked", G_CALLBACK (on_backspace_clicked), self);

  gtk_grid_attach (GTK_GRID (controls), self->shift, 0, 0, 2, 1);
  gtk_grid_attach (GTK_GRID (controls), self->switch_key, 2, 0, 2, 1);
  gtk_grid_attach (GTK_GRID (controls), self->space, 4, 0, 6, 1);
  gtk_grid_attach (GTK_GRID (controls), self->backspace, 10, 0, 2, 1);

  gtk_box_append (GTK_BOX (box), self->forms);
  gtk_box_append (GTK_BOX (box), self->keys);
  gtk_box_append (GTK_BOX (box), controls);
  adw_bin_set_child (ADW_BIN (self), box);

  self->layout = &latin_layout;
  show_layout (self);
}
