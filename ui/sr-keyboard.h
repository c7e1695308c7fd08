/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* An on-screen keyboard inside the app, for touch kiosks: cage offers no
 * protocol a system keyboard could use, and no system keyboard has layouts
 * for Burmese or Khmer. Its keys are read from the XKB layout of the
 * chosen language (libxkbcommon and the xkeyboard-config data GTK itself
 * needs), except for Amharic (a fidel keyboard: a consonant, then its
 * vowel forms), Korean (two-set jamo, composed into syllables) and
 * Japanese (kana, written as hiragana). A key types into the text field
 * set as the target without taking the focus from it. The keyboard keeps
 * nothing of what was typed but the syllable being composed, which
 * sr_keyboard_reset forgets. */
#define SR_TYPE_KEYBOARD (sr_keyboard_get_type ())
G_DECLARE_FINAL_TYPE (SrKeyboard, sr_keyboard, SR, KEYBOARD, AdwBin)

GtkWidget  *sr_keyboard_new            (void);
/* A language code of the app ("my", "zh_CN"…); unknown ones get the
 * English (US) keys. Shows the language's own keys. */
void        sr_keyboard_set_language   (SrKeyboard *self,
                                        const char *language);
/* The XKB layout (or "fidel", "hangul") the keyboard shows now. */
const char *sr_keyboard_get_layout     (SrKeyboard *self);
/* A GtkEditable (GtkText, GtkEntry…) or a GtkTextView, or NULL; not
 * owned. Changing it ends a syllable being composed. */
void        sr_keyboard_set_target     (SrKeyboard *self,
                                        GtkWidget  *target);
GtkWidget  *sr_keyboard_get_target     (SrKeyboard *self);
/* Back to the language's own keys, unshifted, nothing being composed. */
void        sr_keyboard_reset          (SrKeyboard *self);

/* The key that types or does @label (as shown on it), or NULL. The
 * control keys are named "shift", "switch", "space" and "backspace".
 * For tests and for the screenshot gallery. */
GtkWidget  *sr_keyboard_find_key       (SrKeyboard *self,
                                        const char *label);
/* Every key's label (characters as typed, without the dotted circle a
 * mark is shown on), in order. Free with g_strfreev. */
char      **sr_keyboard_list_keys      (SrKeyboard *self);

G_END_DECLS
