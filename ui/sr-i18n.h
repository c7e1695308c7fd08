/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The language of the interface: gettext catalogues for the app's own words,
 * inline translations for the form, and the text direction. */

/* Sets up the locale and binds the app's catalogue; call first in main(). */
void        sr_i18n_init            (void);
/* The language's name in its own script ("ไทย" for "th"), or the code. */
const char *sr_i18n_get_endonym     (const char *lang);
gboolean    sr_i18n_is_rtl          (const char *lang);
/* text with its ASCII digits written in the digits of the language in use,
 * where that language's usual numbering is not 0-9 (Arabic, Burmese,
 * Bengali, Nepali). Only for numbers a person reads; never for receipt
 * codes, commands or anything typed back. */
char       *sr_i18n_localize_digits (const char *text);
/* A Gregorian year as the language in use counts it: the Buddhist era
 * (+543) for Thai, unchanged for every other language. Only for showing;
 * what is stored stays Gregorian. At most G_MAXUINT16, as a GDate's. */
guint       sr_i18n_display_year    (guint       gregorian_year);
/* A date in the language in use, as its catalogue writes one ("March 28,
 * 2025", "28 марта 2025 г.", "2025年3月28日", "28 มีนาคม พ.ศ. 2568"), in
 * its digits and with the year as sr_i18n_display_year () gives it. The
 * date is Gregorian, as the form stores it; the day must be in the
 * calendar. */
char       *sr_i18n_format_date     (guint       year,
                                     guint       month,
                                     guint       day);
/* The order the language writes a date in: order[i] is the part shown
 * i-th, 0 for the day, 1 the month, 2 the year. */
void        sr_i18n_date_order      (guint       order[3]);
/* The two above with a date pattern of the catalogue's form ("%2$s %1$s,
 * %3$s": %1$s the day, %2$s the month, %3$s the year) in place of the
 * catalogue's own. A pattern without each of the three exactly once, or
 * with any other '%', is not used: the source's English one is, and
 * sr_i18n_date_order_with () returns FALSE. Only the pattern is replaced:
 * the month, the digits and the year's era are still those of the
 * language in use, so the same pattern gives 2568 for 2025 while Thai is
 * in use and 2025 otherwise. */
char       *sr_i18n_format_date_with (const char *pattern,
                                      guint       year,
                                      guint       month,
                                      guint       day);
gboolean    sr_i18n_date_order_with (const char *pattern,
                                     guint       order[3]);
/* A date as the form stores it, "YYYY-MM-DD", split into numbers; FALSE
 * for anything else, a day that is not in the calendar included. */
gboolean    sr_i18n_parse_date      (const char *text,
                                     guint      *year,
                                     guint      *month,
                                     guint      *day);
/* A stored "YYYY-MM-DD" answer as sr_i18n_format_date () writes it, or
 * NULL when text is not such a date. */
char       *sr_i18n_format_answer_date (const char *text);
/* Switches gettext and the default text direction to lang. Widgets built
 * afterwards use it; callers rebuild what they show. */
void        sr_i18n_set_language    (const char *lang);
/* Back to the language the app started in. */
void        sr_i18n_reset_language  (void);
/* The language in use (a SafeReport code such as "zh_CN"). */
const char *sr_i18n_get_language    (void);
/* Whether the catalogue of the current language is a draft that no native
 * speaker has reviewed yet (its header says X-SafeReport-Status: draft).
 * English, the source, is never a draft. */
gboolean    sr_i18n_is_draft        (void);
/* The language the system asks for, if SafeReport has it, else "en". */
const char *sr_i18n_get_system_language (void);
/* A string that is either plain or an object of translations
 * ({"en": …, "th": …}), in lang, falling back to English, then to any. */
const char *sr_i18n_pick            (JsonNode   *node,
                                     const char *lang);
/* Tells Pango the language of every widget under root, so that it picks
 * the glyph forms of that language: Chinese, Japanese and Korean share
 * code points but not shapes or punctuation. GTK sets it once, from the
 * locale the app started in; call this on what is shown after a switch. */
void        sr_i18n_apply_to_widget (GtkWidget  *root);
/* A country's name in the language in use. */
const char *sr_i18n_country_name    (const char *english_name);

G_END_DECLS
