/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-profile"

#include "sr-profile.h"

#include <sodium.h>
#include <string.h>

#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-sign.h"

/* docs/FORMAT.md, "Profile", and its "Kiosk storage" section for the rules the
 * kiosk enforces on the payload. */
#define NAME_MAX_CHARS      200
#define CONTACT_MAX_CHARS   2000
#define HELP_MAX_ENTRIES    200
#define HELP_MAX_CHARS      2000
#define IDLE_TIMEOUT_MIN    30
#define IDLE_TIMEOUT_MAX    3600
#define IDLE_TIMEOUT_DEFAULT 120

struct _SrProfile
{
  gatomicrefcount ref_count;

  GBytes   *bytes;
  guint8    signer[SR_SIGN_PK_BYTES];

  char     *name;
  char     *contact;
  gint64    serial;
  gboolean  demo;
  guint     n_recipients;
  guint8    recipients[SR_ENVELOPE_MAX_RECIPIENTS][SR_BOX_KEY_BYTES];
  SrForm   *form;
  JsonArray *help;
  guint     idle_timeout;
};

static void
sr_profile_free (SrProfile *self)
{
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->contact, g_free);
  g_clear_pointer (&self->form, sr_form_unref);
  g_clear_pointer (&self->help, json_array_unref);
  g_free (self);
}

/* Frees a profile that was never shared, for the parsing paths. */
typedef SrProfile SrProfileFree;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrProfileFree, sr_profile_free)

SrProfile *
sr_profile_ref (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  g_atomic_ref_count_inc (&profile->ref_count);
  return profile;
}

void
sr_profile_unref (SrProfile *profile)
{
  g_return_if_fail (profile != NULL);

  if (g_atomic_ref_count_dec (&profile->ref_count))
    sr_profile_free (profile);
}

/* JSON helpers: json-glib accepts any node type for any getter and hands
 * back zero, so every member is checked for the type it must have. */

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_boolean (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return TRUE;
    }

  return FALSE;
}

/* Base64 as FORMAT.md writes it: the standard alphabet, padded, nothing
 * else. g_base64_decode skips stray characters, so the text must encode
 * back to itself. */
static guint8 *
strict_base64_decode (const char *text,
                      gsize      *out_len)
{
  g_autofree guint8 *data = NULL;
  g_autofree char *again = NULL;
  gsize len = 0;

  if (*text == '\0')
    {
      *out_len = 0;
      return g_malloc0 (1);
    }

  data = g_base64_decode (text, &len);
  again = g_base64_encode (data, len);
  if (strcmp (again, text) != 0)
    return NULL;

  *out_len = len;
  return g_steal_pointer (&data);
}

/* A help field: a string, or an object of translations (language code to
 * string). */
static gboolean
check_help_text (JsonNode    *node,
                 guint        index,
                 const char  *field,
                 GError     **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *lang;
  JsonNode *value;
  guint n = 0;

  if (node_is_string (node))
    {
      if (g_utf8_strlen (json_node_get_string (node), -1) > HELP_MAX_CHARS)
        goto too_long;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto wrong_type;

  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &lang, &value))
    {
      if (*lang == '\0' || !node_is_string (value))
        goto wrong_type;
      if (g_utf8_strlen (json_node_get_string (value), -1) > HELP_MAX_CHARS)
        goto too_long;
      n++;
    }
  if (n == 0)
    goto wrong_type;

  return TRUE;

wrong_type:
  g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
               "Help entry %u of the profile: \"%s\" must be text or an object of translations.",
               index + 1, field);
  return FALSE;

too_long:
  g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
               "Help entry %u of the profile: \"%s\" is longer than %u characters.",
               index + 1, field, HELP_MAX_CHARS);
  return FALSE;
}

static gboolean
parse_help (SrProfile  *self,
            JsonNode   *node,
            GError    **error)
{
  static const char *const fields[] = { "name", "phone", "address", "hours", "note", NULL };
  JsonArray *array;
  guint n;

  if (node == NULL)
    {
      self->help = json_array_new ();
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile's \"help\" must be a list of entries.");
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > HELP_MAX_ENTRIES)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The profile's help directory has more than %u entries.",
                   HELP_MAX_ENTRIES);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *entry = json_array_get_element (array, i);
      JsonObjectIter iter;
      JsonObject *object;
      const char *key;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "Help entry %u of the profile is not an object.", i + 1);
          return FALSE;
        }

      object = json_node_get_object (entry);
      if (!json_object_has_member (object, "name"))
        {
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "Help entry %u of the profile has no \"name\".", i + 1);
          return FALSE;
        }

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &key, &value))
        {
          if (!g_strv_contains (fields, key))
            {
              g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                           "Help entry %u of the profile has an unknown field \"%s\".",
                           i + 1, key);
              return FALSE;
            }
          if (!check_help_text (value, i, key, error))
            return FALSE;
        }
    }

  self->help = json_array_ref (array);
  return TRUE;
}

static gboolean
parse_kiosk (SrProfile  *self,
             JsonNode   *node,
             GError    **error)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  self->idle_timeout = IDLE_TIMEOUT_DEFAULT;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile's \"kiosk\" settings must be an object.");
      return FALSE;
    }

  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (g_strcmp0 (key, "idle_timeout") == 0)
        {
          gint64 seconds;

          if (!node_is_integer (value) ||
              (seconds = json_node_get_int (value)) < IDLE_TIMEOUT_MIN ||
              seconds > IDLE_TIMEOUT_MAX)
            {
              g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile's kiosk \"idle_timeout\" must be a whole number of seconds from %u to %u.",
                           IDLE_TIMEOUT_MIN, IDLE_TIMEOUT_MAX);
              return FALSE;
            }
          self->idle_timeout = (guint) seconds;
        }
      else
        {
          /* A misspelt setting would otherwise fall back to its default
           * without anyone noticing. */
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "The profile's kiosk settings have an unknown field \"%s\".", key);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
parse_recipients (SrProfile  *self,
                  JsonNode   *node,
                  GError    **error)
{
  static const guint8 zero[SR_BOX_KEY_BYTES] = { 0 };
  JsonArray *array;
  guint n;

  if (node == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile names no recipients.");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile's \"recipients\" must be a list of public keys.");
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile names no recipients.");
      return FALSE;
    }
  if (n > SR_ENVELOPE_MAX_RECIPIENTS)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The profile names %u recipients; at most %u are allowed.",
                   n, SR_ENVELOPE_MAX_RECIPIENTS);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!node_is_string (element) ||
          !sr_key_from_base64 (json_node_get_string (element),
                               self->recipients[i], SR_BOX_KEY_BYTES, NULL) ||
          memcmp (self->recipients[i], zero, SR_BOX_KEY_BYTES) == 0)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "Recipient %u of the profile is not a valid public key.", i + 1);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        if (memcmp (self->recipients[i], self->recipients[j], SR_BOX_KEY_BYTES) == 0)
          {
            g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                         "Recipient %u of the profile repeats recipient %u.", i + 1, j + 1);
            return FALSE;
          }
    }

  self->n_recipients = n;
  return TRUE;
}

/* Checks every field of the payload and fills self. */
static gboolean
parse_payload (SrProfile     *self,
               const guint8  *payload,
               gsize          len,
               GError       **error)
{
  static const char *const known[] = {
    "name", "serial", "recipients", "contact", "demo", "form", "help", "kiosk", NULL
  };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  JsonObject *object;
  const char *key;
  JsonNode *value;
  JsonNode *node;

  /* Strict (RFC 8259 and no more; no duplicate keys, no escaped NUL, no
   * wrapped integers), so that every reader of the payload sees the same
   * thing. */
  if (!g_utf8_validate_len ((const char *) payload, len, NULL))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile's contents are not UTF-8 text.");
      return FALSE;
    }
  root = sr_json_parse_strict ((const char *) payload, len, &local_error);
  if (root == NULL)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "In the profile's contents: %s", local_error->message);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile's contents are not a JSON object.");
      return FALSE;
    }
  object = json_node_get_object (root);

  /* A misspelt field would otherwise be dropped without anyone noticing. */
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &value))
    if (!g_strv_contains (known, key))
      {
        g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                     "The profile has an unknown field \"%s\".", key);
        return FALSE;
      }

  node = json_object_get_member (object, "name");
  if (node == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile does not name the organisation.");
      return FALSE;
    }
  if (!node_is_string (node) ||
      g_utf8_strlen (json_node_get_string (node), -1) < 1 ||
      g_utf8_strlen (json_node_get_string (node), -1) > NAME_MAX_CHARS ||
      has_control_chars (json_node_get_string (node)) ||
      is_blank (json_node_get_string (node)))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The profile's organisation name must be text of 1 to %u characters.",
                   NAME_MAX_CHARS);
      return FALSE;
    }
  self->name = g_strdup (json_node_get_string (node));

  node = json_object_get_member (object, "serial");
  if (node == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile has no serial number.");
      return FALSE;
    }
  if (!node_is_integer (node) || json_node_get_int (node) < 1)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "The profile's serial number must be a whole number of at least 1.");
      return FALSE;
    }
  self->serial = json_node_get_int (node);

  if (!parse_recipients (self, json_object_get_member (object, "recipients"), error))
    return FALSE;

  node = json_object_get_member (object, "contact");
  if (node != NULL)
    {
      if (!node_is_string (node) ||
          g_utf8_strlen (json_node_get_string (node), -1) > CONTACT_MAX_CHARS)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "The profile's contact must be text of at most %u characters.",
                       CONTACT_MAX_CHARS);
          return FALSE;
        }
      self->contact = g_strdup (json_node_get_string (node));
    }

  node = json_object_get_member (object, "demo");
  if (node != NULL)
    {
      if (!node_is_boolean (node))
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The profile's \"demo\" must be true or false.");
          return FALSE;
        }
      self->demo = json_node_get_boolean (node);
    }

  node = json_object_get_member (object, "form");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The profile's \"form\" must be a form object.");
          return FALSE;
        }
      self->form = sr_form_new_from_node (node, error);
      if (self->form == NULL)
        {
          g_prefix_error (error, "In the profile's form: ");
          return FALSE;
        }
    }
  else
    {
      self->form = sr_form_load_default (error);
      if (self->form == NULL)
        return FALSE;
    }

  if (!parse_help (self, json_object_get_member (object, "help"), error))
    return FALSE;

  if (!parse_kiosk (self, json_object_get_member (object, "kiosk"), error))
    return FALSE;

  return TRUE;
}

GBytes *
sr_profile_sign (const char         *payload_json,
                 gsize               len,
                 const SrOrgSecret  *secret,
                 GError            **error)
{
  g_autoptr(SrProfileFree) check = g_new0 (SrProfile, 1);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *signer = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *signature = NULL;
  guint8 sig[SR_SIGNATURE_BYTES];
  GString *out;

  g_return_val_if_fail (payload_json != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  /* Sign only what a kiosk will accept, so that a mistake shows up at the
   * organisation rather than at a border post. */
  if (!parse_payload (check, (const guint8 *) payload_json, len, error))
    return NULL;

  if (len > SR_PROFILE_MAX_BYTES)
    goto too_large;

  sr_sign (SR_SIGN_CONTEXT_PROFILE, (const guint8 *) payload_json, len,
           sr_org_secret_get_sign_sk (secret), sig);

  signer = sr_key_to_base64 (sr_org_secret_get_sign_pk (secret), SR_SIGN_PK_BYTES);
  payload = g_base64_encode ((const guint8 *) payload_json, len);
  signature = g_base64_encode (sig, sizeof sig);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "safereport");
  json_builder_add_string_value (builder, "profile");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "signer");
  json_builder_add_string_value (builder, signer);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_string_value (builder, payload);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  out = g_string_new (NULL);
  json_generator_to_gstring (generator, out);
  g_string_append_c (out, '\n');

  if (out->len > SR_PROFILE_MAX_BYTES)
    {
      g_string_free (out, TRUE);
      goto too_large;
    }

  return g_string_free_to_bytes (out);

too_large:
  g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                       "The profile would be larger than 1 MiB, the most a profile may be.");
  return NULL;
}

SrProfile *
sr_profile_new_from_data (const guint8  *data,
                          gsize          len,
                          GError       **error)
{
  static const char *const known[] = {
    "safereport", "version", "signer", "payload", "signature", NULL
  };
  g_autoptr(SrProfileFree) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree guint8 *payload = NULL;
  g_autofree guint8 *signature = NULL;
  gsize payload_len = 0;
  gsize signature_len = 0;
  JsonObjectIter iter;
  JsonObject *object;
  const char *key;
  JsonNode *value;
  JsonNode *node;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > SR_PROFILE_MAX_BYTES)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This profile is larger than 1 MiB, the most a profile may be.");
      return NULL;
    }

  if (len == 0 ||
      !g_utf8_validate_len ((const char *) data, len, NULL) ||
      (root = sr_json_parse_strict ((const char *) data, len, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    goto not_a_profile;

  object = json_node_get_object (root);
  node = json_object_get_member (object, "safereport");
  if (!node_is_string (node) || strcmp (json_node_get_string (node), "profile") != 0)
    goto not_a_profile;

  node = json_object_get_member (object, "version");
  if (!node_is_integer (node))
    goto not_a_profile;
  if (json_node_get_int (node) != 1)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "This profile has version %" G_GINT64_FORMAT ", which this version of SafeReport cannot read.",
                   json_node_get_int (node));
      return NULL;
    }

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &value))
    if (!g_strv_contains (known, key))
      {
        g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                     "This profile has an unknown field \"%s\".", key);
        return NULL;
      }

  self = g_new0 (SrProfile, 1);
  g_atomic_ref_count_init (&self->ref_count);

  node = json_object_get_member (object, "signer");
  if (!node_is_string (node) ||
      !sr_key_from_base64 (json_node_get_string (node), self->signer,
                           SR_SIGN_PK_BYTES, NULL))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This profile's signer is not a valid signing key.");
      return NULL;
    }

  node = json_object_get_member (object, "payload");
  if (!node_is_string (node) ||
      (payload = strict_base64_decode (json_node_get_string (node), &payload_len)) == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This profile's payload is not valid base64.");
      return NULL;
    }

  node = json_object_get_member (object, "signature");
  if (!node_is_string (node) ||
      (signature = strict_base64_decode (json_node_get_string (node), &signature_len)) == NULL ||
      signature_len != SR_SIGNATURE_BYTES)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                           "This profile's signature is missing or malformed.");
      return NULL;
    }

  /* Nothing of the payload is read before its signature verifies. */
  if (!sr_sign_verify (SR_SIGN_CONTEXT_PROFILE, payload, payload_len,
                       signature, self->signer))
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_NOT_SIGNED,
                           "This profile's signature does not verify: it was forged or altered.");
      return NULL;
    }

  if (!parse_payload (self, payload, payload_len, error))
    return NULL;

  self->bytes = g_bytes_new (data, len);
  return g_steal_pointer (&self);

not_a_profile:
  g_set_error_literal (error, SR_ERROR, SR_ERROR_FORMAT,
                       "This file is not a SafeReport profile.");
  return NULL;
}

GBytes *
sr_profile_get_bytes (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return profile->bytes;
}

const guint8 *
sr_profile_get_signer (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return profile->signer;
}

const char *
sr_profile_get_name (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return profile->name;
}

const char *
sr_profile_get_contact (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return profile->contact;
}

gint64
sr_profile_get_serial (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, 0);

  return profile->serial;
}

gboolean
sr_profile_is_demo (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, FALSE);

  return profile->demo;
}

guint
sr_profile_get_n_recipients (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, 0);

  return profile->n_recipients;
}

const guint8 (*sr_profile_get_recipients (SrProfile *profile))[SR_BOX_KEY_BYTES]
{
  g_return_val_if_fail (profile != NULL, NULL);

  return (const guint8 (*)[SR_BOX_KEY_BYTES]) profile->recipients;
}

SrForm *
sr_profile_get_form (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return profile->form;
}

guint
sr_profile_get_idle_timeout (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, IDLE_TIMEOUT_DEFAULT);

  return profile->idle_timeout;
}

JsonArray *
sr_profile_get_help (SrProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return profile->help;
}
