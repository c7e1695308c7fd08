/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-answers"

#include "sr-answers.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "sr-error.h"
#include "sr-image.h"
#include "sr-secret.h"

/* Answers are what a survivor wrote: the most sensitive data SafeReport
 * holds. They live in memory only, every string is wiped when it goes, and
 * no error message ever repeats free text a person typed (it could end up
 * on a terminal or in a log); only values that look like ids are quoted. */

#define SR_ANSWERS_MAX_BYTES  (1024 * 1024)
#define SR_ANSWERS_MAX_COUNT  1000
#define SR_ANSWERS_MAX_LIST   100
#define SR_NUMBER_MAX         1000000

/* What the sanitizer makes always fits an attachment. */
G_STATIC_ASSERT (SR_IMAGE_MAX_OUTPUT <= SR_ATTACHMENT_MAX_BYTES);

typedef struct
{
  SrValueKind  kind;
  char        *text;
  char       **list;
  gint64       number;
  gboolean     boolean;
} SrValue;

struct _SrAnswers
{
  char       *form_id;
  char       *lang;
  guint       form_version;
  GHashTable *values; /* question id → SrValue */
  GPtrArray  *attachments; /* of Attachment */
};

static const char *const countries[] = {
  "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT",
  "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI",
  "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
  "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
  "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
  "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
  "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
  "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
  "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
  "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
  "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
  "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
  "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
  "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
  "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
  "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
  "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
  "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
  "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
  "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
  "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", NULL
};

const char *const *
sr_countries_all (void)
{
  return countries;
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
sr_country_is_known (const char *code)
{
  if (code == NULL)
    return FALSE;

  return bsearch (&code, countries, G_N_ELEMENTS (countries) - 1, sizeof countries[0],
                  compare_strings) != NULL;
}

/* ---- Values ------------------------------------------------------------ */

static void
value_free (SrValue *value)
{
  if (value == NULL)
    return;

  sr_wipe_string_free (value->text);
  if (value->list != NULL)
    {
      for (guint i = 0; value->list[i] != NULL; i++)
        sr_wipe_string_free (value->list[i]);
      g_free (value->list);
    }
  sodium_memzero (value, sizeof *value);
  g_free (value);
}

typedef struct
{
  const char *media_type; /* static: one of the two types below */
  SrSecret   *data;
} Attachment;

static void
attachment_free (Attachment *attachment)
{
  if (attachment == NULL)
    return;

  sr_secret_free (attachment->data);
  g_free (attachment);
}

static SrValue *
lookup (SrAnswers  *answers,
        const char *id)
{
  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (answers->values, id);
}

static void
store (SrAnswers  *answers,
       const char *id,
       SrValue    *value)
{
  /* Replacing frees (and so wipes) the old value and the new key copy. */
  g_hash_table_replace (answers->values, g_strdup (id), value);
}

SrAnswers *
sr_answers_new (const char *form_id,
                const char *lang)
{
  SrAnswers *answers;

  g_return_val_if_fail (form_id != NULL, NULL);
  g_return_val_if_fail (lang != NULL, NULL);

  answers = g_new0 (SrAnswers, 1);
  answers->form_id = g_strdup (form_id);
  answers->lang = g_strdup (lang);
  answers->values = g_hash_table_new_full (g_str_hash, g_str_equal,
                                           (GDestroyNotify) sr_wipe_string_free,
                                           (GDestroyNotify) value_free);
  answers->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);

  return answers;
}

void
sr_answers_free (SrAnswers *answers)
{
  if (answers == NULL)
    return;

  g_clear_pointer (&answers->values, g_hash_table_unref);
  g_clear_pointer (&answers->attachments, g_ptr_array_unref);
  sr_wipe_string_free (answers->form_id);
  sr_wipe_string_free (answers->lang);
  g_free (answers);
}

void
sr_answers_clear (SrAnswers *answers)
{
  g_return_if_fail (answers != NULL);

  g_hash_table_remove_all (answers->values);
  g_ptr_array_set_size (answers->attachments, 0);
}

const char *
sr_answers_get_form_id (SrAnswers *answers)
{
  g_return_val_if_fail (answers != NULL, NULL);

  return answers->form_id;
}

guint
sr_answers_get_form_version (SrAnswers *answers)
{
  g_return_val_if_fail (answers != NULL, 0);

  return answers->form_version;
}

void
sr_answers_set_form_version (SrAnswers *answers,
                             guint      version)
{
  g_return_if_fail (answers != NULL);

  answers->form_version = version;
}

const char *
sr_answers_get_lang (SrAnswers *answers)
{
  g_return_val_if_fail (answers != NULL, NULL);

  return answers->lang;
}

void
sr_answers_set_lang (SrAnswers  *answers,
                     const char *lang)
{
  g_return_if_fail (answers != NULL);
  g_return_if_fail (lang != NULL);

  /* The language a person chose says something about them too. */
  sr_wipe_string_free (answers->lang);
  answers->lang = g_strdup (lang);
}

void
sr_answers_set_text (SrAnswers  *answers,
                     const char *id,
                     const char *text)
{
  SrValue *value;

  g_return_if_fail (answers != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (text != NULL);

  value = g_new0 (SrValue, 1);
  value->kind = SR_VALUE_TEXT;
  value->text = g_strdup (text);
  store (answers, id, value);
}

void
sr_answers_set_list (SrAnswers         *answers,
                     const char        *id,
                     const char *const *values)
{
  SrValue *value;
  guint n;

  g_return_if_fail (answers != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (values != NULL);

  n = g_strv_length ((GStrv) values);
  value = g_new0 (SrValue, 1);
  value->kind = SR_VALUE_LIST;
  value->list = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    value->list[i] = g_strdup (values[i]);
  store (answers, id, value);
}

void
sr_answers_set_number (SrAnswers  *answers,
                       const char *id,
                       gint64      number)
{
  SrValue *value;

  g_return_if_fail (answers != NULL);
  g_return_if_fail (id != NULL);

  value = g_new0 (SrValue, 1);
  value->kind = SR_VALUE_NUMBER;
  value->number = number;
  store (answers, id, value);
}

void
sr_answers_set_bool (SrAnswers  *answers,
                     const char *id,
                     gboolean    boolean)
{
  SrValue *value;

  g_return_if_fail (answers != NULL);
  g_return_if_fail (id != NULL);

  value = g_new0 (SrValue, 1);
  value->kind = SR_VALUE_BOOL;
  value->boolean = boolean ? TRUE : FALSE;
  store (answers, id, value);
}

void
sr_answers_unset (SrAnswers  *answers,
                  const char *id)
{
  g_return_if_fail (answers != NULL);
  g_return_if_fail (id != NULL);

  g_hash_table_remove (answers->values, id);
}

gboolean
sr_answers_has (SrAnswers  *answers,
                const char *id)
{
  g_return_val_if_fail (answers != NULL, FALSE);

  return lookup (answers, id) != NULL;
}

SrValueKind
sr_answers_get_kind (SrAnswers  *answers,
                     const char *id)
{
  SrValue *value;

  g_return_val_if_fail (answers != NULL, SR_VALUE_TEXT);

  value = lookup (answers, id);
  g_return_val_if_fail (value != NULL, SR_VALUE_TEXT);

  return value->kind;
}

const char *
sr_answers_get_text (SrAnswers  *answers,
                     const char *id)
{
  SrValue *value;

  g_return_val_if_fail (answers != NULL, NULL);

  value = lookup (answers, id);
  return value != NULL && value->kind == SR_VALUE_TEXT ? value->text : NULL;
}

const char *const *
sr_answers_get_list (SrAnswers  *answers,
                     const char *id)
{
  SrValue *value;

  g_return_val_if_fail (answers != NULL, NULL);

  value = lookup (answers, id);
  return value != NULL && value->kind == SR_VALUE_LIST ? (const char *const *) value->list : NULL;
}

gint64
sr_answers_get_number (SrAnswers  *answers,
                       const char *id)
{
  SrValue *value;

  g_return_val_if_fail (answers != NULL, 0);

  value = lookup (answers, id);
  return value != NULL && value->kind == SR_VALUE_NUMBER ? value->number : 0;
}

gboolean
sr_answers_get_bool (SrAnswers  *answers,
                     const char *id)
{
  SrValue *value;

  g_return_val_if_fail (answers != NULL, FALSE);

  value = lookup (answers, id);
  return value != NULL && value->kind == SR_VALUE_BOOL ? value->boolean : FALSE;
}

const char **
sr_answers_get_ids (SrAnswers *answers,
                    guint     *n_ids)
{
  const char **ids;
  guint n;

  g_return_val_if_fail (answers != NULL, NULL);

  ids = (const char **) g_hash_table_get_keys_as_array (answers->values, &n);
  /* strcmp compares as unsigned char: bytewise order, as the codec needs. */
  qsort (ids, n, sizeof ids[0], compare_strings);
  if (n_ids != NULL)
    *n_ids = n;

  return ids;
}

guint
sr_answers_get_n (SrAnswers *answers)
{
  g_return_val_if_fail (answers != NULL, 0);

  return g_hash_table_size (answers->values);
}

gboolean
sr_answers_equal (SrAnswers *a,
                  SrAnswers *b)
{
  GHashTableIter iter;
  gpointer key, item;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (!g_str_equal (a->form_id, b->form_id) || !g_str_equal (a->lang, b->lang) ||
      g_hash_table_size (a->values) != g_hash_table_size (b->values) ||
      a->attachments->len != b->attachments->len)
    return FALSE;

  for (guint i = 0; i < a->attachments->len; i++)
    {
      const Attachment *x = g_ptr_array_index (a->attachments, i);
      const Attachment *y = g_ptr_array_index (b->attachments, i);

      if (!g_str_equal (x->media_type, y->media_type) || x->data->len != y->data->len ||
          sodium_memcmp (x->data->data, y->data->data, x->data->len) != 0)
        return FALSE;
    }

  g_hash_table_iter_init (&iter, a->values);
  while (g_hash_table_iter_next (&iter, &key, &item))
    {
      SrValue *x = item;
      SrValue *y = lookup (b, key);

      if (y == NULL || x->kind != y->kind)
        return FALSE;

      switch (x->kind)
        {
        case SR_VALUE_TEXT:
          if (!g_str_equal (x->text, y->text))
            return FALSE;
          break;

        case SR_VALUE_LIST:
          if (!g_strv_equal ((const char *const *) x->list, (const char *const *) y->list))
            return FALSE;
          break;

        case SR_VALUE_NUMBER:
          if (x->number != y->number)
            return FALSE;
          break;

        case SR_VALUE_BOOL:
          if (x->boolean != y->boolean)
            return FALSE;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

/* ---- Attachments ------------------------------------------------------- */

static const char *
known_media_type (const char *media_type)
{
  static const char *const types[] = { "image/jpeg", "image/png" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (media_type, types[i]) == 0)
      return types[i];
  return NULL;
}

const char *
sr_attachment_extension (const char *media_type)
{
  return g_strcmp0 (media_type, "image/png") == 0 ? "png" : "jpg";
}

gboolean
sr_answers_add_attachment (SrAnswers   *answers,
                           const char  *media_type,
                           SrSecret    *data,
                           GError     **error)
{
  g_autoptr(SrSecret) owned = data;
  const char *type;
  Attachment *attachment;

  g_return_val_if_fail (answers != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  type = known_media_type (media_type);
  if (type == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "An attachment must be a JPEG or PNG image.");
      return FALSE;
    }
  if (owned->len == 0 || owned->len > SR_ATTACHMENT_MAX_BYTES)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "An attachment must hold between 1 byte and %u MiB.",
                   (guint) (SR_ATTACHMENT_MAX_BYTES >> 20));
      return FALSE;
    }
  if (!sr_image_check_type (type, owned->data, owned->len))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "An attachment said to be %s is not one.", type);
      return FALSE;
    }
  if (answers->attachments->len >= SR_ATTACHMENTS_MAX)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "A report holds at most %u attachments.", SR_ATTACHMENTS_MAX);
      return FALSE;
    }

  attachment = g_new0 (Attachment, 1);
  attachment->media_type = type;
  attachment->data = g_steal_pointer (&owned);
  g_ptr_array_add (answers->attachments, attachment);
  return TRUE;
}

guint
sr_answers_get_n_attachments (SrAnswers *answers)
{
  g_return_val_if_fail (answers != NULL, 0);

  return answers->attachments->len;
}

const SrSecret *
sr_answers_get_attachment (SrAnswers   *answers,
                           guint        index,
                           const char **media_type)
{
  const Attachment *attachment;

  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (index < answers->attachments->len, NULL);

  attachment = g_ptr_array_index (answers->attachments, index);
  if (media_type != NULL)
    *media_type = attachment->media_type;
  return attachment->data;
}

void
sr_answers_remove_attachment (SrAnswers *answers,
                              guint      index)
{
  g_return_if_fail (answers != NULL);
  g_return_if_fail (index < answers->attachments->len);

  g_ptr_array_remove_index (answers->attachments, index);
}

/* ---- Answers JSON in ----------------------------------------------------- */

/* Whether an input string is safe to repeat in an error message: it looks
 * like an id or a code, never like free text. */
static gboolean
is_quotable (const char *value)
{
  gsize n = 0;

  for (const char *p = value; *p != '\0'; p++, n++)
    if (n >= 40 || !(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;

  return n > 0;
}

static SrValue *
value_from_node (JsonNode   *node,
                 const char *id,
                 GError    **error)
{
  SrValue *value;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      value = g_new0 (SrValue, 1);
      if (type == G_TYPE_STRING)
        {
          value->kind = SR_VALUE_TEXT;
          value->text = g_strdup (json_node_get_string (node));
          return value;
        }
      if (type == G_TYPE_INT64)
        {
          value->kind = SR_VALUE_NUMBER;
          value->number = json_node_get_int (node);
          return value;
        }
      if (type == G_TYPE_BOOLEAN)
        {
          value->kind = SR_VALUE_BOOL;
          value->boolean = json_node_get_boolean (node);
          return value;
        }
      g_free (value);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (n > SR_ANSWERS_MAX_LIST)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "Question \"%s\": a list may hold at most %u options.", id,
                       SR_ANSWERS_MAX_LIST);
          return NULL;
        }

      value = g_new0 (SrValue, 1);
      value->kind = SR_VALUE_LIST;
      value->list = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            {
              value_free (value);
              g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                           "Question \"%s\": a list answer may hold only option ids (strings).",
                           id);
              return NULL;
            }
          value->list[i] = g_strdup (json_node_get_string (element));
        }
      return value;
    }

  g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
               "Question \"%s\": an answer must be a string, a list of strings, a whole number, "
               "true or false.", id);
  return NULL;
}

static SrAnswers *
answers_from_node (JsonNode  *root,
                   GError   **error)
{
  static const char *const keys[] = { "form", "form_version", "lang", "answers", NULL };
  g_autoptr(SrAnswers) answers = NULL;
  JsonObject *object, *values;
  JsonObjectIter iter;
  JsonNode *member;
  const char *name;
  const char *form_id, *lang;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "Answers must be a JSON object with \"form\", \"lang\" and \"answers\".");
      return NULL;
    }
  object = json_node_get_object (root);

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_strv_contains (keys, name))
      {
        if (is_quotable (name))
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "The answers have an unknown key \"%s\".", name);
        else
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The answers have an unknown key.");
        return NULL;
      }

  member = json_object_get_member (object, "form");
  form_id = member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
            json_node_get_value_type (member) == G_TYPE_STRING ? json_node_get_string (member) : NULL;
  if (form_id == NULL || *form_id == '\0')
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The answers need a \"form\": the id of the form they answer.");
      return NULL;
    }

  member = json_object_get_member (object, "lang");
  lang = member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
         json_node_get_value_type (member) == G_TYPE_STRING ? json_node_get_string (member) : NULL;
  if (lang == NULL || *lang == '\0')
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The answers need a \"lang\": the language they were given in.");
      return NULL;
    }

  answers = sr_answers_new (form_id, lang);

  member = json_object_get_member (object, "form_version");
  if (member != NULL)
    {
      gint64 version;

      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64 ||
          (version = json_node_get_int (member)) < 1 || version > G_MAXUINT32)
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The answers' \"form_version\" must be a whole number of at least 1.");
          return NULL;
        }
      answers->form_version = (guint) version;
    }

  member = json_object_get_member (object, "answers");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The answers need an \"answers\" object, keyed by question id.");
      return NULL;
    }
  values = json_node_get_object (member);
  if (json_object_get_size (values) > SR_ANSWERS_MAX_COUNT)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "There may be at most %u answers.", SR_ANSWERS_MAX_COUNT);
      return NULL;
    }

  json_object_iter_init (&iter, values);
  while (json_object_iter_next (&iter, &name, &member))
    {
      SrValue *value;

      if (!sr_form_id_is_valid (name))
        {
          if (is_quotable (name))
            g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                         "Question \"%s\": that is not a valid question id.", name);
          else
            g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                                 "An answer is keyed by something that is not a question id.");
          return NULL;
        }
      value = value_from_node (member, name, error);
      if (value == NULL)
        return NULL;
      store (answers, name, value);
    }

  return g_steal_pointer (&answers);
}

SrAnswers *
sr_answers_new_from_json (const char  *data,
                          gssize       len,
                          GError     **error)
{
  JsonNode *root;
  SrAnswers *answers;
  gsize length;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = len < 0 ? strlen (data) : (gsize) len;
  if (length > SR_ANSWERS_MAX_BYTES)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "An answers file may be at most 1 MiB long.");
      return NULL;
    }

  root = sr_json_parse_strict (data, (gssize) length, error);
  if (root == NULL)
    return NULL;

  answers = answers_from_node (root, error);
  /* The parser's copies of the answers are plaintext too. */
  sr_json_node_wipe_free (root);

  return answers;
}

/* ---- Answers JSON out ---------------------------------------------------- */

/* The writer runs twice: once with buf NULL to count, once to write into a
 * buffer of the exact size, so that the plaintext is never reallocated and
 * left behind in freed memory. */
typedef struct
{
  char  *buf;
  gsize  len;
} Out;

static void
out_bytes (Out        *out,
           const char *bytes,
           gsize       n)
{
  if (out->buf != NULL)
    memcpy (out->buf + out->len, bytes, n);
  out->len += n;
}

static void
out_literal (Out        *out,
             const char *str)
{
  out_bytes (out, str, strlen (str));
}

static void
out_string (Out        *out,
            const char *str)
{
  out_bytes (out, "\"", 1);
  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      char escape[8];

      switch (*p)
        {
        case '"':
          out_literal (out, "\\\"");
          break;
        case '\\':
          out_literal (out, "\\\\");
          break;
        case '\n':
          out_literal (out, "\\n");
          break;
        case '\t':
          out_literal (out, "\\t");
          break;
        case '\r':
          out_literal (out, "\\r");
          break;
        case '\b':
          out_literal (out, "\\b");
          break;
        case '\f':
          out_literal (out, "\\f");
          break;
        default:
          if (*p < 0x20)
            {
              g_snprintf (escape, sizeof escape, "\\u%04x", *p);
              out_literal (out, escape);
            }
          else
            out_bytes (out, (const char *) p, 1);
        }
    }
  out_bytes (out, "\"", 1);
}

static void
out_newline (Out      *out,
             gboolean  pretty,
             guint     depth)
{
  if (!pretty)
    return;

  out_bytes (out, "\n", 1);
  for (guint i = 0; i < depth; i++)
    out_bytes (out, "  ", 2);
}

static void
out_key (Out        *out,
         gboolean    pretty,
         const char *key)
{
  out_string (out, key);
  out_literal (out, pretty ? ": " : ":");
}

static void
write_answers (Out       *out,
               SrAnswers *answers,
               gboolean   pretty)
{
  g_autofree const char **ids = NULL;
  char number[32];
  guint n;

  ids = sr_answers_get_ids (answers, &n);

  out_literal (out, "{");
  out_newline (out, pretty, 1);
  out_key (out, pretty, "answers");
  out_literal (out, "{");
  for (guint i = 0; i < n; i++)
    {
      SrValue *value = lookup (answers, ids[i]);

      if (i > 0)
        out_literal (out, ",");
      out_newline (out, pretty, 2);
      out_key (out, pretty, ids[i]);
      switch (value->kind)
        {
        case SR_VALUE_TEXT:
          out_string (out, value->text);
          break;

        case SR_VALUE_LIST:
          out_literal (out, "[");
          for (guint j = 0; value->list[j] != NULL; j++)
            {
              if (j > 0)
                out_literal (out, pretty ? ", " : ",");
              out_string (out, value->list[j]);
            }
          out_literal (out, "]");
          break;

        case SR_VALUE_NUMBER:
          g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, value->number);
          out_literal (out, number);
          break;

        case SR_VALUE_BOOL:
          out_literal (out, value->boolean ? "true" : "false");
          break;

        default:
          g_assert_not_reached ();
        }
    }
  if (n > 0)
    out_newline (out, pretty, 1);
  out_literal (out, "},");

  out_newline (out, pretty, 1);
  out_key (out, pretty, "form");
  out_string (out, answers->form_id);
  out_literal (out, ",");

  if (answers->form_version != 0)
    {
      out_newline (out, pretty, 1);
      out_key (out, pretty, "form_version");
      g_snprintf (number, sizeof number, "%u", answers->form_version);
      out_literal (out, number);
      out_literal (out, ",");
    }

  out_newline (out, pretty, 1);
  out_key (out, pretty, "lang");
  out_string (out, answers->lang);
  out_newline (out, pretty, 0);
  out_literal (out, "}");
}

char *
sr_answers_to_json (SrAnswers *answers,
                    gboolean   pretty)
{
  Out out = { NULL, 0 };
  gsize size;

  g_return_val_if_fail (answers != NULL, NULL);

  write_answers (&out, answers, pretty);
  size = out.len;

  out.buf = g_malloc (size + 1);
  out.len = 0;
  write_answers (&out, answers, pretty);
  g_assert (out.len == size);
  out.buf[size] = '\0';

  return out.buf;
}

/* ---- Validation ---------------------------------------------------------- */

G_GNUC_PRINTF (3, 4)
static gboolean
fail (GError     **error,
      const char  *id,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, SR_ERROR, SR_ERROR_INVALID, "Question \"%s\"%s", id, message);
  return FALSE;
}

static gboolean
check_text (const char  *id,
            const char  *text,
            guint        max_length,
            GError     **error)
{
  guint n = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, id, ": the answer is not valid UTF-8 text.");
  if (*text == '\0')
    return fail (error, id, ": the answer is empty; leave the question out instead.");

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      /* Line breaks and tabs are how people write; any other control
       * character is either a mistake or an attempt to garble a display. */
      if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f))
        return fail (error, id, ": the answer holds a control character.");
    }

  if (n > max_length)
    return fail (error, id, ": the answer is %u characters long; at most %u are allowed.", n,
                 max_length);

  return TRUE;
}

static gboolean
check_date (const char  *id,
            const char  *text,
            GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) latest = NULL;
  int year, month, day;
  gboolean shaped = strlen (text) == 10 && text[4] == '-' && text[7] == '-';

  for (guint i = 0; shaped && i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      shaped = FALSE;

  if (!shaped)
    return fail (error, id, ": the answer must be a date written YYYY-MM-DD.");

  year = atoi (text);
  month = atoi (text + 5);
  day = atoi (text + 8);
  if (year < 1900 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return fail (error, id, ": %s is not a valid date.", text);

  /* Somewhere on Earth it is already tomorrow (UTC+14), and a kiosk knows
   * the day only roughly, so the latest accepted date is tomorrow in UTC. */
  now = g_date_time_new_now_utc ();
  latest = g_date_time_add_days (now, 1);
  if (year * 10000 + month * 100 + day >
      g_date_time_get_year (latest) * 10000 + g_date_time_get_month (latest) * 100 +
      g_date_time_get_day_of_month (latest))
    return fail (error, id, ": the date %s is in the future.", text);

  return TRUE;
}

static gboolean
check_option (SrQuestion  *question,
              const char  *option,
              GError     **error)
{
  const char *id = sr_question_get_id (question);

  if (sr_question_has_option (question, option))
    return TRUE;
  if (is_quotable (option))
    return fail (error, id, ": \"%s\" is not one of its options.", option);
  return fail (error, id, ": the answer is not one of its options.");
}

static const char *
expected_type (SrQuestionKind kind)
{
  switch (kind)
    {
    case SR_QUESTION_SINGLE_CHOICE:
      return "one option id (a string)";
    case SR_QUESTION_MULTIPLE_CHOICE:
      return "a list of option ids";
    case SR_QUESTION_SHORT_TEXT:
    case SR_QUESTION_LONG_TEXT:
      return "text (a string)";
    case SR_QUESTION_DATE:
      return "a date (a string YYYY-MM-DD)";
    case SR_QUESTION_COUNTRY:
      return "a country code (a string like \"TH\")";
    case SR_QUESTION_NUMBER:
      return "a whole number";
    case SR_QUESTION_YES_NO:
      return "\"yes\", \"no\" or \"unsure\"";
    case SR_QUESTION_CONSENT:
      return "true or false";
    case SR_QUESTION_INFO:
    default:
      return "no answer";
    }
}

static SrValueKind
value_kind_for (SrQuestionKind kind)
{
  switch (kind)
    {
    case SR_QUESTION_MULTIPLE_CHOICE:
      return SR_VALUE_LIST;
    case SR_QUESTION_NUMBER:
      return SR_VALUE_NUMBER;
    case SR_QUESTION_CONSENT:
      return SR_VALUE_BOOL;
    case SR_QUESTION_SINGLE_CHOICE:
    case SR_QUESTION_SHORT_TEXT:
    case SR_QUESTION_LONG_TEXT:
    case SR_QUESTION_DATE:
    case SR_QUESTION_COUNTRY:
    case SR_QUESTION_YES_NO:
    case SR_QUESTION_INFO:
    default:
      return SR_VALUE_TEXT;
    }
}

static gboolean
check_value (SrQuestion  *question,
             SrValue     *value,
             GError     **error)
{
  const char *id = sr_question_get_id (question);
  SrQuestionKind kind = sr_question_get_kind (question);

  if (value->kind != value_kind_for (kind))
    return fail (error, id, " takes %s.", expected_type (kind));

  switch (kind)
    {
    case SR_QUESTION_SINGLE_CHOICE:
      return check_option (question, value->text, error);

    case SR_QUESTION_MULTIPLE_CHOICE:
      if (value->list[0] == NULL)
        return fail (error, id, ": no option is chosen; leave the question out instead.");
      for (guint i = 0; value->list[i] != NULL; i++)
        {
          if (!check_option (question, value->list[i], error))
            return FALSE;
          for (guint j = 0; j < i; j++)
            if (g_str_equal (value->list[i], value->list[j]))
              return fail (error, id, ": \"%s\" is chosen twice.", value->list[i]);
        }
      return TRUE;

    case SR_QUESTION_SHORT_TEXT:
    case SR_QUESTION_LONG_TEXT:
      return check_text (id, value->text, sr_question_get_max_length (question), error);

    case SR_QUESTION_DATE:
      return check_date (id, value->text, error);

    case SR_QUESTION_COUNTRY:
      if (sr_country_is_known (value->text))
        return TRUE;
      if (is_quotable (value->text))
        return fail (error, id, ": \"%s\" is not an ISO 3166-1 country code like \"TH\".",
                     value->text);
      return fail (error, id, ": the answer is not an ISO 3166-1 country code like \"TH\".");

    case SR_QUESTION_NUMBER:
      if (value->number < 0 || value->number > SR_NUMBER_MAX)
        return fail (error, id, ": the number must be between 0 and %d.", SR_NUMBER_MAX);
      return TRUE;

    case SR_QUESTION_YES_NO:
      if (g_str_equal (value->text, "yes") || g_str_equal (value->text, "no") ||
          g_str_equal (value->text, "unsure"))
        return TRUE;
      return fail (error, id, ": the answer must be \"yes\", \"no\" or \"unsure\".");

    case SR_QUESTION_CONSENT:
      if (!value->boolean)
        return fail (error, id, ": the report can only be sent with consent.");
      return TRUE;

    case SR_QUESTION_INFO:
    default:
      g_assert_not_reached ();
    }
}

guint
sr_answers_prune (SrAnswers *answers,
                  SrForm    *form)
{
  g_autoptr(GPtrArray) hidden = g_ptr_array_new ();

  g_return_val_if_fail (answers != NULL, 0);
  g_return_val_if_fail (form != NULL, 0);

  /* sr_question_is_shown follows show_if through hidden controllers, so
   * one pass decides every question; the ids are collected first because
   * unsetting changes what the checks read. */
  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);

      if (sr_answers_has (answers, sr_question_get_id (question)) &&
          !sr_question_is_shown (question, answers))
        g_ptr_array_add (hidden, (gpointer) sr_question_get_id (question));
    }

  for (guint i = 0; i < hidden->len; i++)
    sr_answers_unset (answers, g_ptr_array_index (hidden, i));

  return hidden->len;
}

gboolean
sr_answers_validate (SrAnswers  *answers,
                     SrForm     *form,
                     GError    **error)
{
  g_autofree const char **ids = NULL;
  guint n;

  g_return_val_if_fail (answers != NULL, FALSE);
  g_return_val_if_fail (form != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sr_language_is_known (answers->lang))
    {
      if (is_quotable (answers->lang))
        g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                     "The language \"%s\" is not one SafeReport knows.", answers->lang);
      else
        g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                             "The answers' language is not one SafeReport knows.");
      return FALSE;
    }

  if (!g_str_equal (answers->form_id, sr_form_get_id (form)))
    {
      if (is_quotable (answers->form_id))
        g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                     "These answers are for the form \"%s\", not \"%s\".", answers->form_id,
                     sr_form_get_id (form));
      else
        g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                     "These answers are for another form than \"%s\".", sr_form_get_id (form));
      return FALSE;
    }

  if (answers->form_version != 0 && answers->form_version != sr_form_get_version (form))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "These answers are for version %u of the form \"%s\", which is now version %u.",
                   answers->form_version, sr_form_get_id (form), sr_form_get_version (form));
      return FALSE;
    }

  ids = sr_answers_get_ids (answers, &n);
  for (guint i = 0; i < n; i++)
    if (sr_form_lookup (form, ids[i]) == NULL)
      {
        if (is_quotable (ids[i]))
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "Question \"%s\" is not in this form.", ids[i]);
        else
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "An answer is for a question that is not in this form.");
        return FALSE;
      }

  /* In the order the form asks, so that the first problem reported is the
   * first one the person would meet; a question's show_if depends only on
   * earlier questions, which are checked by then. */
  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);
      const char *id = sr_question_get_id (question);
      SrValue *value = lookup (answers, id);
      gboolean shown = sr_question_is_shown (question, answers);

      if (value == NULL)
        {
          if (shown && sr_question_get_required (question))
            return fail (error, id, " needs an answer.");
          continue;
        }
      if (sr_question_get_kind (question) == SR_QUESTION_INFO)
        return fail (error, id, " only gives information and takes no answer.");
      if (!shown)
        return fail (error, id, " is not asked with these answers, so it cannot have one.");
      if (!check_value (question, value, error))
        return FALSE;
    }

  if (answers->form_version == 0)
    answers->form_version = sr_form_get_version (form);

  return TRUE;
}
