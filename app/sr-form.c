/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-form"

#include "sr-form.h"

#include <sodium.h>
#include <string.h>

#include "sr-answers.h"
#include "sr-data.h"
#include "sr-error.h"

/* docs/FORMS.md describes the format this file loads. The loader is strict:
 * a form comes from a signed profile, but a mistake in it would show a
 * survivor a broken question, so every rule is checked before anything is
 * shown, and every error names the question it is about. */

#define SR_FORM_MAX_BYTES       (1024 * 1024)
#define SR_FORM_MAX_QUESTIONS   200
#define SR_FORM_MAX_OPTIONS     100
#define SR_FORM_MAX_SHOW_IF     100
#define SR_FORM_MAX_ID          40
#define SR_FORM_MAX_LABEL       1000
#define SR_FORM_MAX_HELP        4000
#define SR_FORM_MAX_TEXT_LENGTH 20000
#define SR_FORM_SHORT_DEFAULT   200
#define SR_FORM_LONG_DEFAULT    5000

typedef struct
{
  char       *id;
  GHashTable *label;
} SrOption;

struct _SrQuestion
{
  char           *id;
  SrQuestionKind  kind;
  char           *section;
  gboolean        required;
  guint           max_length;
  GHashTable     *label;   /* language → text */
  GHashTable     *help;    /* language → text, or NULL */
  GPtrArray      *options; /* SrOption */
  /* Borrowed: an earlier question of the same form, which owns both. */
  SrQuestion     *show_if;
  GStrv           show_if_values;
};

struct _SrForm
{
  gatomicrefcount  ref_count;
  char            *id;
  guint            version;
  GStrv            languages;
  GPtrArray       *questions; /* SrQuestion, in the order they are asked */
  GHashTable      *by_id;     /* borrowed id → SrQuestion */
};

static const char *const languages_all[] = {
  "en", "th", "my", "km", "lo", "vi", "zh_CN", "zh_TW", "id", "ms", "tl", "bn", "hi",
  "ne", "ur", "am", "sw", "ar", "tr", "pt_BR", "es", "fr", "ru", "ko", "ja", NULL
};

static const char *const kind_names[] = {
  [SR_QUESTION_SINGLE_CHOICE] = "single_choice",
  [SR_QUESTION_MULTIPLE_CHOICE] = "multiple_choice",
  [SR_QUESTION_SHORT_TEXT] = "short_text",
  [SR_QUESTION_LONG_TEXT] = "long_text",
  [SR_QUESTION_DATE] = "date",
  [SR_QUESTION_COUNTRY] = "country",
  [SR_QUESTION_NUMBER] = "number",
  [SR_QUESTION_YES_NO] = "yes_no",
  [SR_QUESTION_CONSENT] = "consent",
  [SR_QUESTION_INFO] = "info",
};

static const char *const yes_no_values[] = { "yes", "no", "unsure", NULL };

/* ---- Strict JSON ------------------------------------------------------- */

typedef struct
{
  GHashTable *sizes; /* JsonObject → number of members seen so far */
  gboolean    duplicate;
} StrictState;

static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *member_name,
                  gpointer    user_data)
{
  StrictState *state = user_data;
  guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (state->sizes, object));

  /* JsonParser replaces a repeated member silently. The signal comes after
   * the member is stored, so an object that did not grow got a duplicate. */
  if (json_object_get_size (object) <= seen)
    state->duplicate = TRUE;
  g_hash_table_insert (state->sizes, object, GUINT_TO_POINTER (json_object_get_size (object)));
}

/* RFC 8259, checked on the raw text before JsonParser sees it. JsonParser
 * rides on GScanner, which also takes "$1F" and "0x1F" as hex, "01" as
 * octal, ".5" and "1." as numbers, single-quoted strings, C comments,
 * control characters and unknown escapes inside strings, and a second
 * value after the first; and it recurses without a limit, so that a deep
 * enough nesting overflows the stack. A flipped bit in a signed file must
 * never turn into another value that still parses, and a crafted file must
 * not crash the reader, so anything outside the grammar is refused here.
 * The scanner also refuses what JsonParser accepts but gets wrong: an
 * escaped NUL (it cuts the string there) and integers that do not fit 64
 * bits (it wraps them). Nothing is built here. */

#define JSON_MAX_DEPTH 64

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  guint       depth;
  GError    **error;
} JsonScan;

static gboolean scan_value (JsonScan *scan);

/* Fails the scan with a message naming where, once: the first problem is
 * the one a person should fix. */
static gboolean
scan_fail (JsonScan   *scan,
           const char *what)
{
  guint line = 1, column = 1;

  for (const char *q = scan->start; q < scan->p && q < scan->end; q++)
    {
      if (*q == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) *q & 0xc0) != 0x80)
        column++;
    }

  g_set_error (scan->error, SR_ERROR, SR_ERROR_FORMAT,
               "This is not valid JSON: %s at line %u, column %u.", what, line, column);
  return FALSE;
}

static void
scan_space (JsonScan *scan)
{
  while (scan->p < scan->end &&
         (*scan->p == ' ' || *scan->p == '\t' || *scan->p == '\n' || *scan->p == '\r'))
    scan->p++;
}

static gboolean
scan_literal (JsonScan   *scan,
              const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (scan->end - scan->p) < n || memcmp (scan->p, word, n) != 0)
    return scan_fail (scan, "a word that is not true, false or null");
  scan->p += n;
  return TRUE;
}

static gsize
scan_digits (JsonScan *scan)
{
  const char *from = scan->p;

  while (scan->p < scan->end && g_ascii_isdigit (*scan->p))
    scan->p++;
  return (gsize) (scan->p - from);
}

/* -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?, and nothing that
 * could continue a number right after it. */
static gboolean
scan_number (JsonScan *scan)
{
  const char *number = scan->p;
  gsize digits = 0, n;

  if (scan->p < scan->end && *scan->p == '-')
    scan->p++;
  if (scan->p < scan->end && *scan->p == '0')
    {
      scan->p++;
      digits = 1;
    }
  else if ((digits = scan_digits (scan)) == 0)
    goto bad;
  if (scan->p < scan->end && *scan->p == '.')
    {
      scan->p++;
      if ((n = scan_digits (scan)) == 0)
        goto bad;
      digits += n;
    }
  if (scan->p < scan->end && (*scan->p == 'e' || *scan->p == 'E'))
    {
      scan->p++;
      if (scan->p < scan->end && (*scan->p == '+' || *scan->p == '-'))
        scan->p++;
      if ((n = scan_digits (scan)) == 0)
        goto bad;
      digits += n;
    }
  /* "01", "0x1F", "1.2.3", "1e5e5": the number goes on where JSON's
   * grammar has ended it. */
  if (scan->p < scan->end &&
      (g_ascii_isalnum (*scan->p) || *scan->p == '.' || *scan->p == '+' ||
       *scan->p == '-' || *scan->p == '$' || *scan->p == '_'))
    goto bad;

  /* 18 digits always fit a signed 64-bit integer. */
  if (digits > 18)
    {
      g_set_error_literal (scan->error, SR_ERROR, SR_ERROR_FORMAT,
                           "The JSON holds a number too large to be exact.");
      return FALSE;
    }
  return TRUE;

bad:
  scan->p = number;
  return scan_fail (scan, "a number written in a way JSON does not allow");
}

/* Reads the four hex digits of the \u escape at scan->p (which stays
 * where it is). */
static gboolean
scan_unicode_escape (JsonScan *scan,
                     gunichar *unit)
{
  *unit = 0;
  if (scan->end - scan->p < 6)
    return scan_fail (scan, "a \\u escape without four hex digits");
  for (guint i = 2; i < 6; i++)
    {
      if (!g_ascii_isxdigit (scan->p[i]))
        return scan_fail (scan, "a \\u escape without four hex digits");
      *unit = (*unit << 4) | (gunichar) g_ascii_xdigit_value (scan->p[i]);
    }
  return TRUE;
}

static gboolean
scan_string (JsonScan *scan)
{
  if (scan->p >= scan->end || *scan->p != '"')
    return scan_fail (scan, "something other than a string in double quotes");
  scan->p++;

  while (scan->p < scan->end)
    {
      guchar c = (guchar) *scan->p;

      if (c == '"')
        {
          scan->p++;
          return TRUE;
        }
      if (c < 0x20)
        return scan_fail (scan, "a control character inside a string");
      if (c != '\\')
        {
          scan->p++;
          continue;
        }

      if (scan->end - scan->p < 2)
        break;
      c = (guchar) scan->p[1];
      if (c == 'u')
        {
          gunichar unit;

          if (!scan_unicode_escape (scan, &unit))
            return FALSE;
          if (unit == 0)
            {
              g_set_error_literal (scan->error, SR_ERROR, SR_ERROR_FORMAT,
                                   "The JSON holds a NUL character, which SafeReport does not accept.");
              return FALSE;
            }
          /* JsonParser turns a lone surrogate into bytes that are not
           * UTF-8, which nothing downstream expects. A high surrogate must
           * come with a low one, and a low one never comes alone. */
          if (unit >= 0xdc00 && unit <= 0xdfff)
            return scan_fail (scan, "half of a character escaped on its own");
          if (unit >= 0xd800 && unit <= 0xdbff)
            {
              const char *high = scan->p;

              scan->p += 6;
              if (scan->end - scan->p < 2 || scan->p[0] != '\\' || scan->p[1] != 'u' ||
                  !scan_unicode_escape (scan, &unit) || unit < 0xdc00 || unit > 0xdfff)
                {
                  g_clear_error (scan->error);
                  scan->p = high;
                  return scan_fail (scan, "half of a character escaped on its own");
                }
            }
          scan->p += 6;
        }
      else if (c != '\0' && strchr ("\"\\/bfnrt", c) != NULL)
        scan->p += 2;
      else
        return scan_fail (scan, "an escape JSON does not have");
    }

  scan->p = scan->end;
  return scan_fail (scan, "a string that does not end");
}

static gboolean
scan_container (JsonScan *scan,
                char      close,
                gboolean  members)
{
  if (++scan->depth > JSON_MAX_DEPTH)
    return scan_fail (scan, "arrays and objects nested too deeply");
  scan->p++;
  scan_space (scan);
  if (scan->p < scan->end && *scan->p == close)
    {
      scan->p++;
      scan->depth--;
      return TRUE;
    }

  for (;;)
    {
      if (members)
        {
          if (!scan_string (scan))
            return FALSE;
          scan_space (scan);
          if (scan->p >= scan->end || *scan->p != ':')
            return scan_fail (scan, "a key without a colon after it");
          scan->p++;
          scan_space (scan);
        }
      if (!scan_value (scan))
        return FALSE;
      scan_space (scan);
      if (scan->p < scan->end && *scan->p == ',')
        {
          scan->p++;
          scan_space (scan);
          continue;
        }
      if (scan->p >= scan->end || *scan->p != close)
        return scan_fail (scan, members ? "an object that does not end with a closing brace"
                                        : "an array that does not end with a closing bracket");
      scan->p++;
      scan->depth--;
      return TRUE;
    }
}

static gboolean
scan_value (JsonScan *scan)
{
  if (scan->p >= scan->end)
    return scan_fail (scan, "a value missing");

  switch (*scan->p)
    {
    case '{':
      return scan_container (scan, '}', TRUE);
    case '[':
      return scan_container (scan, ']', FALSE);
    case '"':
      return scan_string (scan);
    case 't':
      return scan_literal (scan, "true");
    case 'f':
      return scan_literal (scan, "false");
    case 'n':
      return scan_literal (scan, "null");
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
    case '.': case '+': case '$':
      return scan_number (scan);
    default:
      return scan_fail (scan, "a character that cannot start a value");
    }
}

static gboolean
scan_raw_json (const char *data,
               gsize       len,
               GError    **error)
{
  JsonScan scan = { data, data, data + len, 0, error };

  scan_space (&scan);
  if (scan.p == scan.end)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT, "The JSON is empty.");
      return FALSE;
    }
  if (!scan_value (&scan))
    return FALSE;
  scan_space (&scan);
  if (scan.p != scan.end)
    return scan_fail (&scan, "more text after the end");
  return TRUE;
}

JsonNode *
sr_json_parse_strict (const char *data,
                      gssize      len,
                      GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GHashTable) sizes = NULL;
  g_autoptr(GError) local_error = NULL;
  StrictState state = { 0, };
  gsize length;
  gulong handler;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  length = len < 0 ? strlen (data) : (gsize) len;
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The JSON holds a NUL byte, which SafeReport does not accept.");
      return NULL;
    }
  if (!scan_raw_json (data, length, error))
    return NULL;

  sizes = g_hash_table_new (NULL, NULL);
  state.sizes = sizes;
  parser = json_parser_new_immutable ();
  handler = g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &state);
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT, "This is not valid JSON: %s.",
                   local_error->message);
      return NULL;
    }
  g_signal_handler_disconnect (parser, handler);

  if (state.duplicate)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "The JSON has an object with the same key twice.");
      sr_json_node_wipe_free (json_parser_steal_root (parser));
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT, "The JSON is empty.");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

static void
wipe_node (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;
        const char *name;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          wipe_node (member);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          wipe_node (json_array_get_element (array, i));
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          /* The string belongs to the node, which is about to be freed; the
           * API only hands it out as const. */
          char *str = (char *) json_node_get_string (node);

          if (str != NULL)
            sodium_memzero (str, strlen (str));
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

void
sr_json_node_wipe_free (JsonNode *node)
{
  if (node == NULL)
    return;

  wipe_node (node);
  json_node_unref (node);
}

/* ---- Small checks ------------------------------------------------------ */

static gboolean
id_is_valid (const char *id,
             gboolean    allow_dash)
{
  gsize n = 0;

  if (id == NULL)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++, n++)
    {
      if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
            (allow_dash && *p == '-')))
        return FALSE;
      if (n >= SR_FORM_MAX_ID)
        return FALSE;
    }

  return n > 0;
}

/* Whether a name from the input is short and plain enough to repeat in an
 * error message without garbling the line. */
static gboolean
is_quotable (const char *name)
{
  gsize n = 0;

  for (const char *p = name; *p != '\0'; p++, n++)
    if (n >= SR_FORM_MAX_ID || !(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;

  return n > 0;
}

gboolean
sr_form_id_is_valid (const char *id)
{
  return id_is_valid (id, FALSE);
}

const char *const *
sr_languages_all (void)
{
  return languages_all;
}

gboolean
sr_language_is_known (const char *lang)
{
  if (lang == NULL)
    return FALSE;

  return g_strv_contains (languages_all, lang);
}

const char *
sr_question_kind_to_string (SrQuestionKind kind)
{
  g_return_val_if_fail (kind <= SR_QUESTION_INFO, NULL);

  return kind_names[kind];
}

static gboolean
kind_from_string (const char     *name,
                  SrQuestionKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (kind_names[i], name) == 0)
      {
        *kind = (SrQuestionKind) i;
        return TRUE;
      }

  return FALSE;
}

static gboolean
kind_has_options (SrQuestionKind kind)
{
  return kind == SR_QUESTION_SINGLE_CHOICE || kind == SR_QUESTION_MULTIPLE_CHOICE;
}

static gboolean
kind_is_text (SrQuestionKind kind)
{
  return kind == SR_QUESTION_SHORT_TEXT || kind == SR_QUESTION_LONG_TEXT;
}

/* A label or help text: printable, at most max characters. */
static gboolean
text_is_clean (const char *text,
               guint       max)
{
  guint n = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f))
        return FALSE;
    }

  return n > 0 && n <= max;
}

/* "Question "x": " or "Question 3: " for one without a usable id. */
static char *
question_name (const char *id,
               guint       index)
{
  if (id_is_valid (id, FALSE))
    return g_strdup_printf ("Question \"%s\"", id);
  return g_strdup_printf ("Question %u", index + 1);
}

G_GNUC_PRINTF (3, 4)
static void
set_invalid (GError     **error,
             const char  *who,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (who != NULL)
    g_set_error (error, SR_ERROR, SR_ERROR_INVALID, "%s: %s", who, message);
  else
    g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID, message);
}

static gboolean
check_keys (JsonObject        *object,
            const char *const *allowed,
            const char        *who,
            const char        *what,
            GError           **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_strv_contains (allowed, name))
      {
        if (is_quotable (name))
          set_invalid (error, who, "%s has an unknown key \"%s\".", what, name);
        else
          set_invalid (error, who, "%s has an unknown key.", what);
        return FALSE;
      }

  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* ---- Questions --------------------------------------------------------- */

static void
option_free (SrOption *option)
{
  g_free (option->id);
  g_clear_pointer (&option->label, g_hash_table_unref);
  g_free (option);
}

static void
question_free (SrQuestion *question)
{
  g_free (question->id);
  g_free (question->section);
  g_clear_pointer (&question->label, g_hash_table_unref);
  g_clear_pointer (&question->help, g_hash_table_unref);
  g_clear_pointer (&question->options, g_ptr_array_unref);
  g_strfreev (question->show_if_values);
  g_free (question);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrQuestion, question_free)

/* A translated text: {"en": "...", "my": "..."}. It must have English and
 * every language the form lists, and only languages SafeReport knows. */
static GHashTable *
parse_translations (JsonNode          *node,
                    const char *const *languages,
                    guint              max,
                    const char        *who,
                    const char        *what,
                    GError           **error)
{
  g_autoptr(GHashTable) table = NULL;
  JsonObjectIter iter;
  const char *lang;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, who, "its %s must be an object of translations, like {\"en\": \"...\"}.",
                   what);
      return NULL;
    }

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &lang, &member))
    {
      const char *text;

      if (!sr_language_is_known (lang))
        {
          if (is_quotable (lang))
            set_invalid (error, who, "its %s has a translation into \"%s\", a language SafeReport does not know.",
                         what, lang);
          else
            set_invalid (error, who, "its %s has a translation into a language SafeReport does not know.",
                         what);
          return NULL;
        }
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          set_invalid (error, who, "its %s in \"%s\" must be a string.", what, lang);
          return NULL;
        }
      text = json_node_get_string (member);
      if (!text_is_clean (text, max))
        {
          set_invalid (error, who,
                       "its %s in \"%s\" must be 1 to %u characters of printable text.",
                       what, lang, max);
          return NULL;
        }
      g_hash_table_insert (table, g_strdup (lang), g_strdup (text));
    }

  if (!g_hash_table_contains (table, "en"))
    {
      set_invalid (error, who, "its %s has no English (\"en\") text.", what);
      return NULL;
    }
  for (guint i = 0; languages[i] != NULL; i++)
    if (!g_hash_table_contains (table, languages[i]))
      {
        set_invalid (error, who, "its %s has no \"%s\" text, but the form lists that language.",
                     what, languages[i]);
        return NULL;
      }

  return g_steal_pointer (&table);
}

static gboolean
parse_options (SrQuestion        *question,
               JsonNode          *node,
               const char *const *languages,
               const char        *who,
               GError           **error)
{
  static const char *const option_keys[] = { "id", "label", NULL };
  JsonArray *array;
  guint n;

  if (!kind_has_options (question->kind))
    {
      if (node != NULL)
        {
          set_invalid (error, who, "a %s question cannot have options.",
                       kind_names[question->kind]);
          return FALSE;
        }
      return TRUE;
    }

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_invalid (error, who, "a choice question needs an \"options\" array.");
      return FALSE;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 1 || n > SR_FORM_MAX_OPTIONS)
    {
      set_invalid (error, who, "a choice question needs 1 to %u options.", SR_FORM_MAX_OPTIONS);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *what = NULL;
      JsonObject *object;
      const char *id;
      SrOption *option;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_invalid (error, who, "option %u must be an object with \"id\" and \"label\".", i + 1);
          return FALSE;
        }
      object = json_node_get_object (element);
      id = get_string_member (object, "id");
      if (!id_is_valid (id, FALSE))
        {
          set_invalid (error, who,
                       "option %u needs an \"id\" of 1 to 40 characters of a-z, 0-9 and _.", i + 1);
          return FALSE;
        }
      if (!check_keys (object, option_keys, who, "an option", error))
        return FALSE;
      if (sr_question_has_option (question, id))
        {
          set_invalid (error, who, "the option \"%s\" appears twice.", id);
          return FALSE;
        }

      option = g_new0 (SrOption, 1);
      option->id = g_strdup (id);
      g_ptr_array_add (question->options, option);
      what = g_strdup_printf ("option \"%s\" label", id);
      option->label = parse_translations (json_object_get_member (object, "label"), languages,
                                          SR_FORM_MAX_LABEL, who, what, error);
      if (option->label == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
value_shows (SrQuestion *controller,
             const char *value)
{
  if (controller->kind == SR_QUESTION_YES_NO)
    return g_strv_contains (yes_no_values, value);
  return sr_question_has_option (controller, value);
}

static gboolean
parse_show_if (SrForm      *form,
               SrQuestion  *question,
               JsonNode    *node,
               const char  *who,
               GError     **error)
{
  static const char *const show_if_keys[] = { "question", "equals", "in", NULL };
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  JsonObject *object;
  JsonNode *equals, *in;
  SrQuestion *controller;
  const char *ref;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, who, "its \"show_if\" must be an object.");
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!check_keys (object, show_if_keys, who, "its \"show_if\"", error))
    return FALSE;

  ref = get_string_member (object, "question");
  controller = ref != NULL ? g_hash_table_lookup (form->by_id, ref) : NULL;
  if (controller == NULL)
    {
      set_invalid (error, who, "its \"show_if\" must name an earlier question.");
      return FALSE;
    }
  if (controller->kind != SR_QUESTION_SINGLE_CHOICE &&
      controller->kind != SR_QUESTION_MULTIPLE_CHOICE &&
      controller->kind != SR_QUESTION_YES_NO)
    {
      set_invalid (error, who,
                   "its \"show_if\" refers to \"%s\", which is not a choice or yes/no question.",
                   controller->id);
      return FALSE;
    }

  equals = json_object_get_member (object, "equals");
  in = json_object_get_member (object, "in");
  if ((equals == NULL) == (in == NULL))
    {
      set_invalid (error, who, "its \"show_if\" needs exactly one of \"equals\" and \"in\".");
      return FALSE;
    }

  if (equals != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (equals) || json_node_get_value_type (equals) != G_TYPE_STRING)
        {
          set_invalid (error, who, "its \"show_if\" \"equals\" must be a string.");
          return FALSE;
        }
      g_ptr_array_add (values, g_strdup (json_node_get_string (equals)));
    }
  else
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (in) || json_array_get_length (json_node_get_array (in)) == 0 ||
          json_array_get_length (json_node_get_array (in)) > SR_FORM_MAX_SHOW_IF)
        {
          set_invalid (error, who, "its \"show_if\" \"in\" must be a list of 1 to %u values.",
                       SR_FORM_MAX_SHOW_IF);
          return FALSE;
        }
      array = json_node_get_array (in);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            {
              set_invalid (error, who, "its \"show_if\" \"in\" must hold only strings.");
              return FALSE;
            }
          g_ptr_array_add (values, g_strdup (json_node_get_string (element)));
        }
    }

  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);

      if (!value_shows (controller, value))
        {
          if (id_is_valid (value, FALSE))
            set_invalid (error, who,
                         "its \"show_if\" value \"%s\" is not an answer \"%s\" can have.",
                         value, controller->id);
          else
            set_invalid (error, who,
                         "its \"show_if\" has a value that \"%s\" cannot have.", controller->id);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (value, g_ptr_array_index (values, j)))
          {
            set_invalid (error, who, "its \"show_if\" lists \"%s\" twice.", value);
            return FALSE;
          }
    }

  g_ptr_array_add (values, NULL);
  question->show_if = controller;
  question->show_if_values = (GStrv) g_ptr_array_steal (values, NULL);
  return TRUE;
}

static SrQuestion *
parse_question (SrForm      *form,
                JsonNode    *node,
                guint        index,
                GError     **error)
{
  static const char *const question_keys[] = {
    "id", "kind", "section", "required", "max_length", "label", "help", "options", "show_if", NULL
  };
  g_autoptr(SrQuestion) question = NULL;
  g_autofree char *who = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *id;
  const char *section;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID, "Question %u must be an object.", index + 1);
      return NULL;
    }
  object = json_node_get_object (node);
  id = get_string_member (object, "id");
  who = question_name (id, index);
  if (!id_is_valid (id, FALSE))
    {
      set_invalid (error, who, "it needs an \"id\" of 1 to 40 characters of a-z, 0-9 and _.");
      return NULL;
    }
  if (g_hash_table_contains (form->by_id, id))
    {
      set_invalid (error, who, "another question before it has the same id.");
      return NULL;
    }
  if (!check_keys (object, question_keys, who, "it", error))
    return NULL;

  question = g_new0 (SrQuestion, 1);
  question->id = g_strdup (id);
  question->options = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);

  if (!kind_from_string (get_string_member (object, "kind"), &question->kind))
    {
      set_invalid (error, who,
                   "its \"kind\" must be one of single_choice, multiple_choice, short_text, "
                   "long_text, date, country, number, yes_no, consent and info.");
      return NULL;
    }

  member = json_object_get_member (object, "section");
  section = get_string_member (object, "section");
  if (member != NULL && !id_is_valid (section, TRUE))
    {
      set_invalid (error, who, "its \"section\" must be 1 to 40 characters of a-z, 0-9, _ and -.");
      return NULL;
    }
  question->section = g_strdup (section != NULL ? section : "main");

  member = json_object_get_member (object, "required");
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          set_invalid (error, who, "its \"required\" must be true or false.");
          return NULL;
        }
      question->required = json_node_get_boolean (member);
      if (question->required && question->kind == SR_QUESTION_INFO)
        {
          set_invalid (error, who, "an info question takes no answer, so it cannot be required.");
          return NULL;
        }
    }

  member = json_object_get_member (object, "max_length");
  if (member != NULL)
    {
      gint64 max;

      if (!kind_is_text (question->kind))
        {
          set_invalid (error, who, "only text questions have a \"max_length\".");
          return NULL;
        }
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
        {
          set_invalid (error, who, "its \"max_length\" must be a whole number.");
          return NULL;
        }
      max = json_node_get_int (member);
      if (max < 1 || max > SR_FORM_MAX_TEXT_LENGTH)
        {
          set_invalid (error, who, "its \"max_length\" must be between 1 and %u.",
                       SR_FORM_MAX_TEXT_LENGTH);
          return NULL;
        }
      question->max_length = (guint) max;
    }
  else if (question->kind == SR_QUESTION_SHORT_TEXT)
    question->max_length = SR_FORM_SHORT_DEFAULT;
  else if (question->kind == SR_QUESTION_LONG_TEXT)
    question->max_length = SR_FORM_LONG_DEFAULT;

  question->label = parse_translations (json_object_get_member (object, "label"),
                                        (const char *const *) form->languages,
                                        SR_FORM_MAX_LABEL, who, "label", error);
  if (question->label == NULL)
    return NULL;

  member = json_object_get_member (object, "help");
  if (member != NULL)
    {
      question->help = parse_translations (member, (const char *const *) form->languages,
                                           SR_FORM_MAX_HELP, who, "help", error);
      if (question->help == NULL)
        return NULL;
    }

  if (!parse_options (question, json_object_get_member (object, "options"),
                      (const char *const *) form->languages, who, error))
    return NULL;

  if (!parse_show_if (form, question, json_object_get_member (object, "show_if"), who, error))
    return NULL;

  return g_steal_pointer (&question);
}

/* ---- Forms ------------------------------------------------------------- */

static gboolean
parse_languages (SrForm      *form,
                 JsonNode    *node,
                 GError     **error)
{
  g_autoptr(GPtrArray) languages = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_invalid (error, NULL, "The form needs a \"languages\" list.");
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *lang;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          set_invalid (error, NULL, "The form's \"languages\" must hold only strings.");
          return FALSE;
        }
      lang = json_node_get_string (element);
      if (!sr_language_is_known (lang))
        {
          set_invalid (error, NULL, "The form lists a language SafeReport does not know.");
          return FALSE;
        }
      for (guint j = 0; j < languages->len; j++)
        if (g_str_equal (lang, g_ptr_array_index (languages, j)))
          {
            set_invalid (error, NULL, "The form lists the language \"%s\" twice.", lang);
            return FALSE;
          }
      g_ptr_array_add (languages, g_strdup (lang));
    }

  if (!g_ptr_array_find_with_equal_func (languages, "en", g_str_equal, NULL))
    {
      set_invalid (error, NULL, "The form's \"languages\" must include English (\"en\").");
      return FALSE;
    }

  g_ptr_array_add (languages, NULL);
  form->languages = (GStrv) g_ptr_array_steal (languages, NULL);
  return TRUE;
}

static SrForm *
form_new (void)
{
  SrForm *form = g_new0 (SrForm, 1);

  g_atomic_ref_count_init (&form->ref_count);
  form->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
  form->by_id = g_hash_table_new (g_str_hash, g_str_equal);

  return form;
}

SrForm *
sr_form_new_from_node (JsonNode  *node,
                       GError   **error)
{
  static const char *const form_keys[] = { "id", "version", "languages", "questions", NULL };
  g_autoptr(SrForm) form = NULL;
  JsonObject *object;
  JsonNode *member;
  JsonArray *questions;
  const char *id;
  gint64 version;
  guint n;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, NULL, "A form must be a JSON object.");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!check_keys (object, form_keys, NULL, "The form", error))
    return NULL;

  form = form_new ();

  id = get_string_member (object, "id");
  if (!id_is_valid (id, FALSE))
    {
      set_invalid (error, NULL,
                   "The form needs an \"id\" of 1 to 40 characters of a-z, 0-9 and _.");
      return NULL;
    }
  form->id = g_strdup (id);

  member = json_object_get_member (object, "version");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64)
    {
      set_invalid (error, NULL, "The form needs a whole-number \"version\".");
      return NULL;
    }
  version = json_node_get_int (member);
  if (version < 1 || version > G_MAXUINT32)
    {
      set_invalid (error, NULL, "The form's \"version\" must be at least 1.");
      return NULL;
    }
  form->version = (guint) version;

  if (!parse_languages (form, json_object_get_member (object, "languages"), error))
    return NULL;

  member = json_object_get_member (object, "questions");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      set_invalid (error, NULL, "The form needs a \"questions\" list.");
      return NULL;
    }
  questions = json_node_get_array (member);
  n = json_array_get_length (questions);
  if (n < 1 || n > SR_FORM_MAX_QUESTIONS)
    {
      set_invalid (error, NULL, "The form must have 1 to %u questions.", SR_FORM_MAX_QUESTIONS);
      return NULL;
    }

  for (guint i = 0; i < n; i++)
    {
      SrQuestion *question = parse_question (form, json_array_get_element (questions, i), i,
                                             error);

      if (question == NULL)
        return NULL;
      g_ptr_array_add (form->questions, question);
      g_hash_table_insert (form->by_id, question->id, question);
    }

  return g_steal_pointer (&form);
}

SrForm *
sr_form_new_from_data (const char  *data,
                       gssize       len,
                       GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  gsize length;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = len < 0 ? strlen (data) : (gsize) len;
  if (length > SR_FORM_MAX_BYTES)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID, "A form may be at most %u bytes long.",
                   SR_FORM_MAX_BYTES);
      return NULL;
    }

  node = sr_json_parse_strict (data, (gssize) length, error);
  if (node == NULL)
    return NULL;

  return sr_form_new_from_node (node, error);
}

SrForm *
sr_form_load_default (GError **error)
{
  g_autofree char *path = sr_data_path ("forms/default.json");
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  SrForm *form;
  gsize len = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Cannot read the default form: %s",
                   local_error->message);
      return NULL;
    }

  form = sr_form_new_from_data (contents, (gssize) len, &local_error);
  if (form == NULL)
    {
      g_set_error (error, SR_ERROR, local_error->code, "The default form %s is broken: %s",
                   path, local_error->message);
      return NULL;
    }

  return form;
}

SrForm *
sr_form_ref (SrForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);

  g_atomic_ref_count_inc (&form->ref_count);
  return form;
}

void
sr_form_unref (SrForm *form)
{
  g_return_if_fail (form != NULL);

  if (!g_atomic_ref_count_dec (&form->ref_count))
    return;

  g_free (form->id);
  g_strfreev (form->languages);
  g_clear_pointer (&form->by_id, g_hash_table_unref);
  g_clear_pointer (&form->questions, g_ptr_array_unref);
  g_free (form);
}

const char *
sr_form_get_id (SrForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);

  return form->id;
}

guint
sr_form_get_version (SrForm *form)
{
  g_return_val_if_fail (form != NULL, 0);

  return form->version;
}

const char *const *
sr_form_get_languages (SrForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);

  return (const char *const *) form->languages;
}

gboolean
sr_form_has_language (SrForm     *form,
                      const char *lang)
{
  g_return_val_if_fail (form != NULL, FALSE);

  return lang != NULL && g_strv_contains ((const char *const *) form->languages, lang);
}

guint
sr_form_get_n_questions (SrForm *form)
{
  g_return_val_if_fail (form != NULL, 0);

  return form->questions->len;
}

SrQuestion *
sr_form_get_question (SrForm *form,
                      guint   index)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (index < form->questions->len, NULL);

  return g_ptr_array_index (form->questions, index);
}

SrQuestion *
sr_form_lookup (SrForm     *form,
                const char *id)
{
  g_return_val_if_fail (form != NULL, NULL);

  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (form->by_id, id);
}

const char *
sr_question_get_id (SrQuestion *question)
{
  g_return_val_if_fail (question != NULL, NULL);

  return question->id;
}

SrQuestionKind
sr_question_get_kind (SrQuestion *question)
{
  g_return_val_if_fail (question != NULL, SR_QUESTION_INFO);

  return question->kind;
}

gboolean
sr_question_get_required (SrQuestion *question)
{
  g_return_val_if_fail (question != NULL, FALSE);

  return question->required;
}

guint
sr_question_get_max_length (SrQuestion *question)
{
  g_return_val_if_fail (question != NULL, 0);

  return question->max_length;
}

const char *
sr_question_get_section (SrQuestion *question)
{
  g_return_val_if_fail (question != NULL, NULL);

  return question->section;
}

static const char *
translate (GHashTable *table,
           const char *lang)
{
  const char *text = NULL;

  if (table == NULL)
    return NULL;
  if (lang != NULL)
    text = g_hash_table_lookup (table, lang);
  if (text == NULL)
    text = g_hash_table_lookup (table, "en");
  return text;
}

const char *
sr_question_get_label (SrQuestion *question,
                       const char *lang)
{
  g_return_val_if_fail (question != NULL, NULL);

  return translate (question->label, lang);
}

const char *
sr_question_get_help (SrQuestion *question,
                      const char *lang)
{
  g_return_val_if_fail (question != NULL, NULL);

  return translate (question->help, lang);
}

guint
sr_question_get_n_options (SrQuestion *question)
{
  g_return_val_if_fail (question != NULL, 0);

  return question->options->len;
}

const char *
sr_question_get_option_id (SrQuestion *question,
                           guint       index)
{
  g_return_val_if_fail (question != NULL, NULL);
  g_return_val_if_fail (index < question->options->len, NULL);

  return ((SrOption *) g_ptr_array_index (question->options, index))->id;
}

const char *
sr_question_get_option_label (SrQuestion *question,
                              guint       index,
                              const char *lang)
{
  g_return_val_if_fail (question != NULL, NULL);
  g_return_val_if_fail (index < question->options->len, NULL);

  return translate (((SrOption *) g_ptr_array_index (question->options, index))->label, lang);
}

gboolean
sr_question_has_option (SrQuestion *question,
                        const char *option_id)
{
  g_return_val_if_fail (question != NULL, FALSE);

  if (option_id == NULL)
    return FALSE;

  for (guint i = 0; i < question->options->len; i++)
    if (g_str_equal (((SrOption *) g_ptr_array_index (question->options, i))->id, option_id))
      return TRUE;

  return FALSE;
}

SrQuestion *
sr_question_get_show_if (SrQuestion         *question,
                         const char *const **values)
{
  g_return_val_if_fail (question != NULL, NULL);

  if (values != NULL)
    *values = (const char *const *) question->show_if_values;
  return question->show_if;
}

gboolean
sr_question_is_shown (SrQuestion *question,
                      SrAnswers  *answers)
{
  SrQuestion *controller;

  g_return_val_if_fail (question != NULL, FALSE);

  controller = question->show_if;
  if (controller == NULL)
    return TRUE;
  if (answers == NULL || !sr_answers_has (answers, controller->id))
    return FALSE;

  /* A question that depends on a hidden one is hidden too: its controller's
   * answer does not count while nobody is asked it. */
  if (!sr_question_is_shown (controller, answers))
    return FALSE;

  switch (sr_answers_get_kind (answers, controller->id))
    {
    case SR_VALUE_TEXT:
      return g_strv_contains ((const char *const *) question->show_if_values,
                              sr_answers_get_text (answers, controller->id));

    case SR_VALUE_LIST:
      {
        const char *const *chosen = sr_answers_get_list (answers, controller->id);

        for (guint i = 0; chosen[i] != NULL; i++)
          if (g_strv_contains ((const char *const *) question->show_if_values, chosen[i]))
            return TRUE;
        return FALSE;
      }

    case SR_VALUE_NUMBER:
    case SR_VALUE_BOOL:
    default:
      return FALSE;
    }
}
