/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-i18n"

#include "sr-config.h"

#include <fontconfig/fontconfig.h>
#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "sr-i18n.h"

typedef struct
{
  const char *code;
  const char *endonym;
  /* What gettext's LANGUAGE gets: the code, then a broader fallback. */
  const char *gettext_languages;
  gboolean    rtl;
} SrLanguageInfo;

/* Names in their own script, never flags: a flag names a state, and a
 * person may speak a language of a state they fled or that holds them. */
static const SrLanguageInfo languages[] = {
  { "en",    "English",            "en",          FALSE },
  { "th",    "ไทย",                "th",          FALSE },
  { "my",    "မြန်မာ",             "my",          FALSE },
  { "km",    "ខ្មែរ",               "km",          FALSE },
  { "lo",    "ລາວ",                "lo",          FALSE },
  { "vi",    "Tiếng Việt",         "vi",          FALSE },
  { "zh_CN", "简体中文",           "zh_CN",       FALSE },
  { "zh_TW", "繁體中文",           "zh_TW",       FALSE },
  { "id",    "Bahasa Indonesia",   "id",          FALSE },
  { "ms",    "Bahasa Melayu",      "ms",          FALSE },
  { "tl",    "Tagalog",            "tl:fil",      FALSE },
  { "bn",    "বাংলা",              "bn",          FALSE },
  { "hi",    "हिन्दी",             "hi",          FALSE },
  { "ne",    "नेपाली",             "ne",          FALSE },
  { "ur",    "اردو",               "ur",          TRUE  },
  { "am",    "አማርኛ",               "am",          FALSE },
  { "sw",    "Kiswahili",          "sw",          FALSE },
  { "ar",    "العربية",            "ar",          TRUE  },
  { "tr",    "Türkçe",             "tr",          FALSE },
  { "pt_BR", "Português (Brasil)", "pt_BR:pt",    FALSE },
  { "es",    "Español",            "es",          FALSE },
  { "fr",    "Français",           "fr",          FALSE },
  { "ru",    "Русский",            "ru",          FALSE },
  { "ko",    "한국어",             "ko",          FALSE },
  { "ja",    "日本語",             "ja",          FALSE },
};

static char *initial_language_env;
static char *current_language;
static char *system_language;

static void remember_system_language (void);

/* Noto Nastaliq Urdu's Bold file (Noto 20201225, Debian 12's
 * fonts-noto-core) declares the regular weight, so fontconfig hands it to
 * regular Urdu text, and every Urdu word is drawn bold. The app's own
 * fontconfig configuration is the system's plus a rule that leaves that
 * file out; bold Urdu is then the Regular face, emboldened. Called before
 * GTK makes its font map, which takes the configuration current then. */
static void
leave_out_mislabelled_fonts (void)
{
  static const char rule[] =
    "<?xml version=\"1.0\"?>"
    "<fontconfig><selectfont><rejectfont>"
    "<glob>*/NotoNastaliqUrdu-Bold.ttf</glob>"
    "</rejectfont></selectfont></fontconfig>";
  FcConfig *config = FcInitLoadConfig ();

  if (config == NULL)
    return;
  if (!FcConfigParseAndLoadFromMemory (config, (const FcChar8 *) rule, FcTrue)
      || !FcConfigBuildFonts (config) || !FcConfigSetCurrent (config))
    g_debug ("Could not leave the mislabelled Urdu Bold face out.");
  /* FcConfigSetCurrent holds its own reference. */
  FcConfigDestroy (config);
}

void
sr_i18n_init (void)
{
  const char *messages;
  const char *localedir;

  if (setlocale (LC_ALL, "") == NULL)
    g_debug ("The locale of the environment is not installed; using C.UTF-8.");

  /* gettext ignores LANGUAGE under the plain "C" locale, and the app
   * switches languages through LANGUAGE; C.UTF-8 behaves like C otherwise
   * and is always there on the systems SafeReport runs on. */
  messages = setlocale (LC_MESSAGES, NULL);
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    {
      if (setlocale (LC_ALL, "C.UTF-8") == NULL)
        g_debug ("C.UTF-8 is not installed; messages stay in English.");
    }

  /* The installed catalogues, or the ones in a build directory for a run
   * from the source tree (scripts/run, the tests). */
  localedir = g_getenv ("SAFEREPORT_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : SR_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  remember_system_language ();
  leave_out_mislabelled_fonts ();
  /* See apply (): from here on LANGUAGE is only replaced, never added or
   * removed. */
  if (g_getenv ("LANGUAGE") == NULL)
    setenv ("LANGUAGE", "", 1);
}

static const SrLanguageInfo *
lookup (const char *lang)
{
  if (lang == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i].code, lang))
      return &languages[i];

  return NULL;
}

const char *
sr_i18n_get_endonym (const char *lang)
{
  const SrLanguageInfo *info = lookup (lang);

  return info != NULL ? info->endonym : lang;
}

gboolean
sr_i18n_is_rtl (const char *lang)
{
  const SrLanguageInfo *info = lookup (lang);

  return info != NULL && info->rtl;
}

static void
remember_system_language (void)
{
  const char * const *names;

  if (system_language != NULL)
    return;

  initial_language_env = g_strdup (g_getenv ("LANGUAGE"));
  names = g_get_language_names ();

  /* Names come most specific first ("pt_BR.UTF-8", "pt_BR", "pt", "C"). */
  for (guint i = 0; names[i] != NULL && system_language == NULL; i++)
    {
      g_autofree char *plain = g_strdup (names[i]);
      char *dot = strpbrk (plain, ".@");

      if (dot != NULL)
        *dot = '\0';
      if (lookup (plain) != NULL)
        system_language = g_strdup (plain);
    }

  if (system_language == NULL)
    system_language = g_strdup ("en");
}

const char *
sr_i18n_get_system_language (void)
{
  remember_system_language ();
  return system_language;
}

const char *
sr_i18n_get_language (void)
{
  if (current_language == NULL)
    return sr_i18n_get_system_language ();

  return current_language;
}

static void
apply (const char *lang,
       const char *language_env)
{
  /* gettext reads LANGUAGE on every lookup, so setting it switches the
   * catalogue at once for every string looked up from now on (our own,
   * and GTK's). The environment is not thread-safe in general, so this is
   * done with care: sr_i18n_init () makes sure LANGUAGE exists before any
   * thread starts, and from then on it is only ever replaced, never
   * removed. glibc's setenv() replaces an existing variable by swapping one
   * pointer in place (old strings are kept), so a getenv() in another
   * thread sees the old value or the new one, never freed memory. GLib's
   * g_setenv() would say the same as a warning, so libc is called. An
   * empty LANGUAGE means "unset" to gettext. LANGUAGE is ignored under the
   * plain "C" locale, which is why sr_i18n_init () moves to C.UTF-8. */
  setenv ("LANGUAGE", language_env != NULL ? language_env : "", 1);

  /* textdomain() bumps gettext's catalogue counter, dropping translations
   * it has cached for the previous language. */
  textdomain (GETTEXT_PACKAGE);

  g_free (current_language);
  current_language = g_strdup (lang);

  gtk_widget_set_default_direction (sr_i18n_is_rtl (lang) ? GTK_TEXT_DIR_RTL
                                                          : GTK_TEXT_DIR_LTR);
}

/* The digit zero of each language whose default numbering system in CLDR
 * is not Latin; the other nine follow it in Unicode. */
static const struct
{
  const char *lang;
  gunichar    zero;
} native_digits[] = {
  { "ar", 0x0660 },   /* Arabic-Indic ٠ */
  { "my", 0x1040 },   /* Myanmar ၀ */
  { "bn", 0x09E6 },   /* Bengali ০ */
  { "ne", 0x0966 },   /* Devanagari ० */
};

char *
sr_i18n_localize_digits (const char *text)
{
  gunichar zero = 0;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (native_digits); i++)
    if (g_strcmp0 (native_digits[i].lang, current_language) == 0)
      zero = native_digits[i].zero;
  if (zero == 0)
    return g_strdup (text);

  out = g_string_sized_new (strlen (text) * 3);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_unichar (out, zero + (gunichar) (*p - '0'));
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The languages whose readers count years from another epoch than the
 * Gregorian calendar's, and what that adds to a Gregorian year. CLDR's
 * calendar preference for Thailand is "buddhist gregorian": Thai readers
 * count in the Buddhist era (BE). Only the number moves; the era's name
 * ("พ.ศ.") is the catalogue's, in its date pattern, and every year the app
 * stores stays Gregorian. Every other language keeps the Gregorian year. */
static const struct
{
  const char *lang;
  guint       offset;
} year_eras[] = {
  { "th", 543 },   /* Buddhist era: 2025 is BE 2568 */
};

guint
sr_i18n_display_year (guint gregorian_year)
{
  const char *lang = sr_i18n_get_language ();

  g_return_val_if_fail (gregorian_year <= G_MAXUINT16, gregorian_year);

  for (guint i = 0; i < G_N_ELEMENTS (year_eras); i++)
    if (g_str_equal (year_eras[i].lang, lang))
      return gregorian_year + year_eras[i].offset;

  return gregorian_year;
}

/* Dates. Translators own them: the month names as they stand inside a
 * date, and one pattern that places the day, the month and the year. */

/* The months as they stand inside a date; the month list of the date
 * question has the standalone names. */
static const char *const date_months[] = {
  /* Translators: a month as it stands inside a full date (see the date
   * pattern "%2$s %1$s, %3$s"): in the case the date needs (Russian
   * "марта"), with its counter (Chinese "3月"), in lowercase if your
   * language writes it so. The same for the eleven that follow. */
  NC_("month in a date", "January"),
  NC_("month in a date", "February"),
  NC_("month in a date", "March"),
  NC_("month in a date", "April"),
  NC_("month in a date", "May"),
  NC_("month in a date", "June"),
  NC_("month in a date", "July"),
  NC_("month in a date", "August"),
  NC_("month in a date", "September"),
  NC_("month in a date", "October"),
  NC_("month in a date", "November"),
  NC_("month in a date", "December"),
};

/* Translators: a full date, e.g. on the review page. %1$s is the day, %2$s
 * the month (as translated with context "month in a date"), %3$s the year.
 * Reorder them and add words as your language writes a date; the date
 * question lists day, month and year in the order they take here. */
static const char *const date_pattern_source = N_("%2$s %1$s, %3$s");

/* Where each of the three placeholders of pattern stands: order[i] is the
 * part (0 day, 1 month, 2 year) written i-th. FALSE unless the pattern is
 * valid UTF-8 holding each of %1$s, %2$s and %3$s exactly once and no
 * other '%' at all: a catalogue is data, and what it says is substituted
 * here, never handed to printf. */
static gboolean
parse_date_pattern (const char *pattern,
                    guint       order[3])
{
  gboolean seen[3] = { FALSE, FALSE, FALSE };
  guint n = 0;

  if (pattern == NULL || !g_utf8_validate (pattern, -1, NULL))
    return FALSE;

  for (const char *p = strchr (pattern, '%'); p != NULL; p = strchr (p + 4, '%'))
    {
      guint part;

      if (p[1] < '1' || p[1] > '3' || p[2] != '$' || p[3] != 's')
        return FALSE;
      part = (guint) (p[1] - '1');
      if (seen[part] || n == 3)
        return FALSE;
      seen[part] = TRUE;
      order[n++] = part;
    }

  return n == 3;
}

/* pattern if it parses, else the source's; order as parse_date_pattern ()
 * says. */
static const char *
usable_date_pattern (const char *pattern,
                     guint       order[3])
{
  if (parse_date_pattern (pattern, order))
    return pattern;

  /* Not quoted: it may not even be UTF-8. */
  g_debug ("A date pattern for %s is not usable; using the source's.", sr_i18n_get_language ());
  if (!parse_date_pattern (date_pattern_source, order))
    g_assert_not_reached ();
  return date_pattern_source;
}

char *
sr_i18n_format_date_with (const char *pattern,
                          guint       year,
                          guint       month,
                          guint       day)
{
  guint order[3];
  char day_text[16];
  char year_text[16];
  const char *parts[3];
  GString *text;
  g_autofree char *plain = NULL;

  g_return_val_if_fail (year <= G_MAXUINT16, NULL);
  g_return_val_if_fail (g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year),
                        NULL);

  pattern = usable_date_pattern (pattern, order);
  g_snprintf (day_text, sizeof day_text, "%u", day);
  /* The year as the language counts it; the pattern names the era. */
  g_snprintf (year_text, sizeof year_text, "%u", sr_i18n_display_year (year));
  parts[0] = day_text;
  parts[1] = g_dpgettext2 (GETTEXT_PACKAGE, "month in a date", date_months[month - 1]);
  parts[2] = year_text;

  /* The pattern parsed, so every '%' in it opens one of the three. */
  text = g_string_sized_new (strlen (pattern) + 32);
  for (const char *p = pattern; *p != '\0'; p++)
    {
      if (*p == '%')
        {
          g_string_append (text, parts[p[1] - '1']);
          p += 3;
        }
      else
        {
          g_string_append_c (text, *p);
        }
    }
  plain = g_string_free (text, FALSE);

  /* The month too: a catalogue may write it with digits ("3月"). */
  return sr_i18n_localize_digits (plain);
}

char *
sr_i18n_format_date (guint year,
                     guint month,
                     guint day)
{
  return sr_i18n_format_date_with (_(date_pattern_source), year, month, day);
}

gboolean
sr_i18n_date_order_with (const char *pattern,
                         guint       order[3])
{
  return usable_date_pattern (pattern, order) == pattern;
}

void
sr_i18n_date_order (guint order[3])
{
  usable_date_pattern (_(date_pattern_source), order);
}

gboolean
sr_i18n_parse_date (const char *text,
                    guint      *year,
                    guint      *month,
                    guint      *day)
{
  guint y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  /* Each number stops at the '-' after it. */
  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;

  *year = y;
  *month = m;
  *day = d;
  return TRUE;
}

char *
sr_i18n_format_answer_date (const char *text)
{
  guint year, month, day;

  if (!sr_i18n_parse_date (text, &year, &month, &day))
    return NULL;
  return sr_i18n_format_date (year, month, day);
}

gboolean
sr_i18n_is_draft (void)
{
  /* The empty msgid looks up the catalogue's header. Named, not written
   * out, so that xgettext does not take it for a message. */
  static const char header_msgid[] = "";
  const char *header = dgettext (GETTEXT_PACKAGE, header_msgid);

  if (header == NULL || *header == '\0')
    return FALSE;
  return strstr (header, "X-SafeReport-Status: reviewed") == NULL;
}

void
sr_i18n_set_language (const char *lang)
{
  const SrLanguageInfo *info;

  g_return_if_fail (lang != NULL);

  remember_system_language ();
  info = lookup (lang);
  apply (lang, info != NULL ? info->gettext_languages : lang);
}

void
sr_i18n_reset_language (void)
{
  remember_system_language ();
  apply (system_language, initial_language_env);
}

const char *
sr_i18n_pick (JsonNode   *node,
              const char *lang)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  if (lang != NULL && json_object_has_member (object, lang))
    return json_object_get_string_member_with_default (object, lang, NULL);
  if (json_object_has_member (object, "en"))
    return json_object_get_string_member_with_default (object, "en", NULL);

  members = json_object_get_members (object);
  if (members != NULL)
    return json_object_get_string_member_with_default (object, members->data, NULL);

  return NULL;
}

static void
apply_to_widget (GtkWidget     *widget,
                 PangoLanguage *language)
{
  /* Only what shows text has a context worth telling. */
  if (GTK_IS_LABEL (widget) || GTK_IS_TEXT (widget))
    {
      PangoContext *context = gtk_widget_get_pango_context (widget);

      if (pango_context_get_language (context) != language)
        {
          pango_context_set_language (context, language);
          gtk_widget_queue_resize (widget);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    apply_to_widget (child, language);
}

void
sr_i18n_apply_to_widget (GtkWidget *root)
{
  g_autofree char *code = NULL;

  g_return_if_fail (GTK_IS_WIDGET (root));

  /* Pango names languages as "zh-cn", not "zh_CN". */
  code = g_strdelimit (g_ascii_strdown (sr_i18n_get_language (), -1), "_", '-');
  apply_to_widget (root, pango_language_from_string (code));
}

const char *
sr_i18n_country_name (const char *english_name)
{
  /* iso-codes ships the names of every country in most languages; without
   * it the English name stands. */
  return dgettext ("iso_3166-1", english_name);
}
