/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-inbox-cli"

/* safereport-inbox: the organisation's side. Makes and rotates keys, signs
 * profiles, imports sealed reports, reads and exports them, and writes the
 * acknowledgements kiosks purge by. */

#include "sr-config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "sr-cli-common.h"
#include "sr-envelope.h"
#include "sr-form.h"
#include "sr-fsutil.h"
#include "sr-inbox.h"
#include "sr-profile.h"
#include "sr-report.h"

#define TEMPLATE_MAX (1024 * 1024)

static char *opt_key;
static char *opt_passphrase_file;

#define KEY_ENTRIES \
  { "key", 'k', 0, G_OPTION_ARG_FILENAME, &opt_key, \
    "The organisation's secret key file (org.key)", "FILE" }, \
  { "passphrase-file", 'p', 0, G_OPTION_ARG_FILENAME, &opt_passphrase_file, \
    "Read the passphrase from FILE instead of the terminal", "FILE" }

static void
wipe_gstring (GString *string)
{
  if (string == NULL)
    return;
  sodium_memzero (string->str, string->allocated_len);
  g_string_free (string, TRUE);
}

static SrOrgSecret *
unlock (GError **error)
{
  if (!sr_cli_require (opt_key, "--key", error))
    return NULL;
  return sr_cli_unlock_key (opt_key, opt_passphrase_file, error);
}

/* Every command but import reads an inbox that must already be there: a
 * mistyped --db should say so, not show an empty new inbox. */
static SrInbox *
open_existing_inbox (const char  *db,
                     GError     **error)
{
  if (!sr_cli_require (db, "--db", error))
    return NULL;
  if (!g_file_test (db, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (db);

      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND, "There is no inbox at %s.", display);
      return NULL;
    }
  return sr_inbox_new (db, error);
}

static void
print_fingerprint (const guint8 sign_pk[SR_SIGN_PK_BYTES])
{
  g_autofree char *digits = sr_fingerprint_digits (sign_pk);
  g_autofree char *words = sr_fingerprint_words (sign_pk);

  sr_cli_print ("fingerprint: %s\nwords: %s\n", digits, words);
}

/* Fails if dir already holds org.key or org.pub: checking both before
 * writing either means a refusal leaves nothing half done. */
static gboolean
refuse_existing_keys (const char  *dir,
                      GError     **error)
{
  static const char *const names[] = { "org.key", "org.pub" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_autofree char *display = g_filename_display_name (path);

          g_set_error (error, SR_ERROR, SR_ERROR_IO,
                       "%s already exists; SafeReport never replaces a key file.", display);
          return FALSE;
        }
    }
  return TRUE;
}

/* Writes org.key and org.pub into dir, refusing to replace either. */
static gboolean
write_key_pair (const char         *dir,
                const SrOrgSecret  *secret,
                const SrSecret     *passphrase,
                const char         *name,
                GError            **error)
{
  g_autofree char *key_path = g_build_filename (dir, "org.key", NULL);
  g_autofree char *pub_path = g_build_filename (dir, "org.pub", NULL);
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *pub_text = NULL;
  SrOrgPublic pub;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not create the directory %s: %s.",
                   display, g_strerror (errno));
      return FALSE;
    }

  /* Checked again here, though callers check first, in case the files
   * appeared while the passphrase was typed. */
  if (!refuse_existing_keys (dir, error))
    return FALSE;

  sealed = sr_org_secret_seal (secret, passphrase, error);
  if (sealed == NULL)
    return FALSE;
  sr_org_secret_get_public (secret, &pub);
  pub_text = sr_org_public_to_text (&pub, name);

  if (!sr_cli_write_new_file (key_path, g_bytes_get_data (sealed, NULL),
                              g_bytes_get_size (sealed), 0600, error))
    return FALSE;
  if (!sr_cli_write_new_file (pub_path, (const guint8 *) pub_text, strlen (pub_text),
                              0644, error))
    {
      /* A key nobody has the public half of yet is of no use: take it back
       * so the command can simply be run again. */
      g_unlink (key_path);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------
 * keygen
 * --------------------------------------------------------------------- */

static int
cmd_keygen (int    argc,
            char **argv)
{
  g_autofree char *out_dir = NULL;
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write org.key and org.pub into DIR", "DIR" },
    { "passphrase-file", 'p', 0, G_OPTION_ARG_FILENAME, &opt_passphrase_file,
      "Read the new passphrase from FILE instead of the terminal", "FILE" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name,
      "The organisation's name, written into org.pub", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) passphrase = NULL;
  g_autoptr(SrOrgSecret) secret = NULL;

  context = sr_cli_context_new ("keygen", NULL,
                                "Makes the organisation's keys: org.key, sealed under a "
                                "passphrase, and org.pub, to hand out.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);
  if (!sr_cli_require (out_dir, "--out-dir", &error) ||
      !refuse_existing_keys (out_dir, &error))
    return sr_cli_fail (error);

  passphrase = sr_cli_read_passphrase (opt_passphrase_file, TRUE, &error);
  if (passphrase == NULL)
    return sr_cli_fail (error);

  secret = sr_org_secret_generate ();
  if (!write_key_pair (out_dir, secret, passphrase, name, &error))
    return sr_cli_fail (error);

  print_fingerprint (sr_org_secret_get_sign_pk (secret));
  return 0;
}

/* ------------------------------------------------------------------------
 * rotate
 * --------------------------------------------------------------------- */

static int
cmd_rotate (int    argc,
            char **argv)
{
  g_autofree char *out_dir = NULL;
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    KEY_ENTRIES,
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write the new org.key and org.pub into DIR", "DIR" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name,
      "The organisation's name, written into org.pub", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(SrSecret) passphrase = NULL;
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(SrOrgSecret) rotated = NULL;
  guint n;

  context = sr_cli_context_new ("rotate", NULL,
                                "Makes a new box key for new reports. The old box keys are "
                                "kept, retired, so old reports still open; the signing key "
                                "stays, so kiosks keep trusting the organisation. Sign a new "
                                "profile with the new key afterwards.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);
  if (!sr_cli_require (opt_key, "--key", &error) ||
      !sr_cli_require (out_dir, "--out-dir", &error) ||
      !refuse_existing_keys (out_dir, &error))
    return sr_cli_fail (error);

  sealed = sr_read_file (opt_key, 1024 * 1024, &error);
  if (sealed == NULL)
    return sr_cli_fail (error);
  passphrase = sr_cli_read_passphrase (opt_passphrase_file, FALSE, &error);
  if (passphrase == NULL)
    return sr_cli_fail (error);
  secret = sr_org_secret_unseal (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                                 passphrase, &error);
  if (secret == NULL)
    return sr_cli_fail (error);

  rotated = sr_org_secret_rotate (secret, &error);
  if (rotated == NULL)
    return sr_cli_fail (error);

  if (!write_key_pair (out_dir, rotated, passphrase, name, &error))
    return sr_cli_fail (error);

  n = sr_org_secret_get_n_box_keys (rotated);
  sr_cli_print ("box keys: %u (1 current, %u retired)\n", n, n - 1);
  return 0;
}

/* ------------------------------------------------------------------------
 * profile
 * --------------------------------------------------------------------- */

static JsonObject *
read_template (const char  *path,
               GError     **error)
{
  static const char *const allowed[] = {
    "name", "contact", "form", "help", "kiosk", "serial", "demo", NULL
  };
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *root;

  bytes = sr_read_file (path, TEMPLATE_MAX, error);
  if (bytes == NULL)
    return NULL;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), &local_error))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID, "%s is not valid JSON: %s",
                   display, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "%s must hold a JSON object.", display);
      return NULL;
    }

  members = json_object_get_members (json_node_get_object (root));
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                     "%s: unknown key “%s” (allowed: name, contact, form, help, kiosk, "
                     "serial, demo; recipients come from --recipient).",
                     display, (const char *) l->data);
        return NULL;
      }

  return json_object_ref (json_node_get_object (root));
}

static gboolean
add_recipient (JsonArray    *recipients,
               GPtrArray    *seen,
               const guint8  box[SR_BOX_KEY_BYTES])
{
  g_autofree char *text = sr_key_to_base64 (box, SR_BOX_KEY_BYTES);

  for (guint i = 0; i < seen->len; i++)
    if (g_str_equal (seen->pdata[i], text))
      return FALSE;
  g_ptr_array_add (seen, g_strdup (text));
  json_array_add_string_element (recipients, text);
  return TRUE;
}

static int
cmd_profile (int    argc,
             char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *template_path = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) recipient_files = NULL;
  const GOptionEntry entries[] = {
    KEY_ENTRIES,
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name,
      "The organisation's name, as kiosks show it", "NAME" },
    { "recipient", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &recipient_files,
      "Also seal reports to the org.pub in FILE (repeatable)", "FILE" },
    { "in", 'i', 0, G_OPTION_ARG_FILENAME, &template_path,
      "Take contact, form, help, kiosk, serial and demo from TEMPLATE.json", "TEMPLATE" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "Write the signed profile to FILE (.srp)", "FILE" },
    { NULL }
  };
  static const char *const copied[] = { "contact", "demo", "form", "help", "kiosk", NULL };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(JsonObject) template = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GBytes) signed_profile = NULL;
  g_autoptr(SrProfile) check = NULL;
  g_autofree char *payload_text = NULL;
  JsonArray *recipients;
  gint64 serial;
  gsize len;

  context = sr_cli_context_new ("profile", NULL,
                                "Signs a profile (.srp) for kiosks: the organisation's name, "
                                "the keys reports are sealed to, and optionally its own form, "
                                "help directory and kiosk settings.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);
  if (!sr_cli_require (out, "--out", &error))
    return sr_cli_fail (error);

  if (template_path != NULL)
    {
      template = read_template (template_path, &error);
      if (template == NULL)
        return sr_cli_fail (error);
    }
  else
    template = json_object_new ();

  if (name == NULL && json_object_has_member (template, "name"))
    {
      JsonNode *node = json_object_get_member (template, "name");

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        name = g_strdup (json_node_get_string (node));
    }
  if (name == NULL)
    return sr_cli_failf ("--name is required.");

  /* The serial only has to grow from one profile to the next; the time of
   * signing does that without anyone keeping count. */
  serial = (gint64) time (NULL);
  if (json_object_has_member (template, "serial"))
    {
      JsonNode *node = json_object_get_member (template, "serial");

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 1)
        return sr_cli_failf ("The template's serial must be a whole number of 1 or more.");
      serial = json_node_get_int (node);
    }

  secret = unlock (&error);
  if (secret == NULL)
    return sr_cli_fail (error);

  payload = json_object_new ();
  json_object_set_string_member (payload, "name", name);
  json_object_set_int_member (payload, "serial", serial);

  /* The organisation's own current box key always comes first: a profile
   * that sealed reports only to others would lock the organisation out. */
  recipients = json_array_new ();
  seen = g_ptr_array_new_with_free_func (g_free);
  add_recipient (recipients, seen, sr_org_secret_get_box_pk (secret, 0));
  for (guint i = 0; recipient_files != NULL && recipient_files[i] != NULL; i++)
    {
      SrOrgPublic pub;

      if (!sr_cli_read_public (recipient_files[i], &pub, &error))
        return sr_cli_fail (error);
      add_recipient (recipients, seen, pub.box);
    }
  if (seen->len > SR_ENVELOPE_MAX_RECIPIENTS)
    return sr_cli_failf ("A profile has at most %d recipients; %u were given.",
                         SR_ENVELOPE_MAX_RECIPIENTS, seen->len);
  json_object_set_array_member (payload, "recipients", recipients);

  for (guint i = 0; copied[i] != NULL; i++)
    if (json_object_has_member (template, copied[i]))
      json_object_set_member (payload, copied[i],
                              json_node_copy (json_object_get_member (template, copied[i])));

  root = json_node_init_object (json_node_alloc (), payload);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  payload_text = json_generator_to_data (generator, &len);

  signed_profile = sr_profile_sign (payload_text, len, secret, &error);
  if (signed_profile == NULL)
    return sr_cli_fail (error);

  /* Read it back as a kiosk would, so a profile kiosks would refuse is
   * never handed out. */
  check = sr_profile_new_from_data (g_bytes_get_data (signed_profile, NULL),
                                    g_bytes_get_size (signed_profile), &error);
  if (check == NULL)
    return sr_cli_fail (error);

  if (!sr_write_file_atomic (out, g_bytes_get_data (signed_profile, NULL),
                             g_bytes_get_size (signed_profile), &error))
    return sr_cli_fail (error);
  /* A profile is public: it is meant to be copied to kiosks. */
  g_chmod (out, 0644);

  sr_cli_print ("serial %" G_GINT64_FORMAT ", %u recipient%s\n",
                serial, seen->len, seen->len == 1 ? "" : "s");
  print_fingerprint (sr_org_secret_get_sign_pk (secret));
  return 0;
}

/* ------------------------------------------------------------------------
 * import
 * --------------------------------------------------------------------- */

static int
cmd_import (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "The inbox database (made if missing)", "DB" },
    KEY_ENTRIES,
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  SrImportResult result;
  int status;

  context = sr_cli_context_new ("import", "FILE…",
                                "Imports bundles (.srb), envelopes (.sre), photos of QR codes "
                                "(PNG, JPEG) and text files of scanned QR codes (one a line), "
                                "told apart by content. Each report is opened to prove it is "
                                "authentic, then stored sealed; one already there counts as a "
                                "duplicate.\n\n"
                                "The QR codes of one report may come in any order, in any "
                                "files, over several imports: the inbox keeps those of a "
                                "report still incomplete (see list) until the rest arrive.\n\n"
                                "Prints “imported N, duplicates N, rejected N”, counting "
                                "reports; a QR code that cannot be used (from another app, "
                                "damaged, altered) counts as rejected too. When QR codes were "
                                "given, a second line “qr parts: N read, N waiting for more” "
                                "counts the codes read and those the inbox holds for reports "
                                "still incomplete. Each problem is a line on stderr; the exit "
                                "status is 1 when anything was rejected.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (!sr_cli_require (db, "--db", &error))
    return sr_cli_fail (error);
  if (files == NULL || files[0] == NULL)
    return sr_cli_failf ("No files to import.");

  secret = unlock (&error);
  if (secret == NULL)
    return sr_cli_fail (error);
  inbox = sr_inbox_new (db, &error);
  if (inbox == NULL)
    return sr_cli_fail (error);

  sr_import_result_init (&result);
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (files[i]);
      g_autofree char *label = g_filename_display_name (base);
      g_autoptr(SrCliProgress) progress = sr_cli_progress_new (label);

      if (!sr_inbox_import_file (inbox, files[i], secret, &result,
                                 sr_cli_progress_update, progress, &error))
        {
          sr_import_result_clear (&result);
          return sr_cli_fail (error);
        }
    }

  sr_cli_print ("imported %u, duplicates %u, rejected %u\n",
                result.imported, result.duplicates, result.rejected);
  if (result.qr_files > 0)
    sr_cli_print ("qr parts: %u read, %u waiting for more\n",
                  result.qr_parts_read, result.qr_parts_waiting);
  for (guint i = 0; i < result.problems->len; i++)
    sr_cli_warn (result.problems->pdata[i]);

  status = result.rejected > 0 ? 1 : 0;
  sr_import_result_clear (&result);
  return status;
}

/* ------------------------------------------------------------------------
 * list
 * --------------------------------------------------------------------- */

static int
cmd_list (int    argc,
          char **argv)
{
  g_autofree char *db = NULL;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "The inbox database", "DB" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  g_autoptr(GPtrArray) entries_found = NULL;
  g_autoptr(GPtrArray) incomplete = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  context = sr_cli_context_new ("list", NULL,
                                "Lists the reports in the inbox, one a line: receipt, day "
                                "imported, size in bytes. Then the reports of which only some "
                                "QR codes were imported, one a line: “incomplete ID parts "
                                "2/3 missing 3 receipt ABCDE-FGHJK”, the parts numbered from "
                                "1 as on the codes. "
                                "No key is needed.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);

  inbox = open_existing_inbox (db, &error);
  if (inbox == NULL)
    return sr_cli_fail (error);
  entries_found = sr_inbox_list (inbox, &error);
  if (entries_found == NULL)
    return sr_cli_fail (error);
  incomplete = sr_inbox_list_incomplete (inbox, &error);
  if (incomplete == NULL)
    return sr_cli_fail (error);

  for (guint i = 0; i < entries_found->len; i++)
    {
      SrInboxEntry *entry = entries_found->pdata[i];
      g_autofree char *day = sr_report_day_to_string (entry->day);

      g_string_append_printf (out, "%s\t%s\t%" G_GSIZE_FORMAT "\n", entry->receipt, day, entry->size);
    }
  for (guint i = 0; i < incomplete->len; i++)
    {
      SrInboxIncomplete *message = incomplete->pdata[i];

      g_string_append_printf (out, "incomplete %s parts %u/%u missing ",
                              message->message_id, message->received, message->count);
      for (guint j = 0; j < message->missing->len; j++)
        g_string_append_printf (out, j == 0 ? "%u" : ",%u",
                                g_array_index (message->missing, guint, j) + 1);
      g_string_append_printf (out, " receipt %s\n", message->receipt);
    }
  sr_cli_print_raw (out->str, out->len);
  return 0;
}

/* ------------------------------------------------------------------------
 * show
 * --------------------------------------------------------------------- */

static void
append_indented (GString    *out,
                 const char *text)
{
  g_string_append (out, "  ");
  for (const char *p = text; *p != '\0'; p++)
    {
      g_string_append_c (out, *p);
      if (*p == '\n' && p[1] != '\0')
        g_string_append (out, "  ");
    }
  g_string_append_c (out, '\n');
}

static const char *
option_label (SrQuestion *question,
              const char *option_id)
{
  if (question == NULL)
    return option_id;
  for (guint i = 0; i < sr_question_get_n_options (question); i++)
    if (g_strcmp0 (sr_question_get_option_id (question, i), option_id) == 0)
      return sr_question_get_option_label (question, i, "en");
  return option_id;
}

/* One answer, in words: option labels rather than ids where the form has
 * them. */
static void
append_answer (GString    *out,
               SrAnswers  *answers,
               SrQuestion *question,
               const char *id)
{
  g_string_append (out, question != NULL ? sr_question_get_label (question, "en") : id);
  g_string_append_c (out, '\n');

  switch (sr_answers_get_kind (answers, id))
    {
    case SR_VALUE_TEXT:
      {
        const char *text = sr_answers_get_text (answers, id);
        SrQuestionKind kind = question != NULL ? sr_question_get_kind (question)
                                               : SR_QUESTION_SHORT_TEXT;

        if (kind == SR_QUESTION_SINGLE_CHOICE)
          text = option_label (question, text);
        append_indented (out, text);
      }
      break;

    case SR_VALUE_LIST:
      {
        const char *const *values = sr_answers_get_list (answers, id);

        for (guint i = 0; values != NULL && values[i] != NULL; i++)
          {
            g_string_append (out, "  - ");
            g_string_append (out, option_label (question, values[i]));
            g_string_append_c (out, '\n');
          }
      }
      break;

    case SR_VALUE_NUMBER:
      g_string_append_printf (out, "  %" G_GINT64_FORMAT "\n", sr_answers_get_number (answers, id));
      break;

    case SR_VALUE_BOOL:
      g_string_append (out, sr_answers_get_bool (answers, id) ? "  yes\n" : "  no\n");
      break;

    default:
      g_assert_not_reached ();
    }
  g_string_append_c (out, '\n');
}

static GString *
format_readable (const char *receipt,
                 guint32     day,
                 SrAnswers  *answers,
                 SrForm     *form)
{
  GString *out = g_string_sized_new (64 * 1024);
  g_autofree char *day_text = sr_report_day_to_string (day);
  g_autofree const char **ids = NULL;
  guint n_ids = 0;

  g_string_append_printf (out, "Receipt:  %s\nFiled:    %s\nForm:     %s\nLanguage: %s\n",
                          receipt, day_text, sr_answers_get_form_id (answers),
                          sr_answers_get_lang (answers));
  for (guint i = 0; i < sr_answers_get_n_attachments (answers); i++)
    {
      const char *media_type = NULL;
      const SrSecret *data = sr_answers_get_attachment (answers, i, &media_type);
      g_autofree char *name = sr_inbox_attachment_name (receipt, i, media_type);
      g_autofree char *size = g_format_size (data->len);

      g_string_append_printf (out, "%s %s (%s, %s)\n", i == 0 ? "Attached:" : "         ",
                              name, media_type, size);
    }
  g_string_append_c (out, '\n');

  /* The form's order first, as the person answered; then anything the
   * default form does not know (an organisation's own questions). */
  if (form != NULL)
    for (guint i = 0; i < sr_form_get_n_questions (form); i++)
      {
        SrQuestion *question = sr_form_get_question (form, i);
        const char *id = sr_question_get_id (question);

        if (sr_answers_has (answers, id))
          append_answer (out, answers, question, id);
      }

  ids = sr_answers_get_ids (answers, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    if (form == NULL || sr_form_lookup (form, ids[i]) == NULL)
      append_answer (out, answers, NULL, ids[i]);

  if (n_ids == 0)
    g_string_append (out, "(no answers)\n");
  else if (g_str_has_suffix (out->str, "\n\n"))
    g_string_truncate (out, out->len - 1);

  return out;
}

static int
cmd_show (int    argc,
          char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *save_dir = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "The inbox database", "DB" },
    KEY_ENTRIES,
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      "Print the answers JSON (the shape safereport-cli submit reads)", NULL },
    { "save-attachments", 0, 0, G_OPTION_ARG_FILENAME, &save_dir,
      "Also write the report's attached images into DIR", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  g_autoptr(SrAnswers) answers = NULL;
  g_autofree char *receipt = NULL;
  guint32 day = 0;

  context = sr_cli_context_new ("show", "RECEIPT",
                                "Opens one report and prints it: readable, with the English "
                                "question labels, or as JSON.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return sr_cli_failf (argc < 2 ? "Give one receipt code." : "Give only one receipt code.");

  inbox = open_existing_inbox (db, &error);
  if (inbox == NULL)
    return sr_cli_fail (error);

  receipt = sr_receipt_normalize (argv[1]);
  if (receipt == NULL)
    return sr_cli_failf ("“%s” is not a receipt code.", argv[1]);

  secret = unlock (&error);
  if (secret == NULL)
    return sr_cli_fail (error);

  answers = sr_inbox_open_report (inbox, receipt, secret, &day, &error);
  if (answers == NULL)
    return sr_cli_fail (error);
  if (save_dir != NULL && sr_inbox_save_attachments (answers, receipt, save_dir, &error) < 0)
    return sr_cli_fail (error);

  if (json)
    {
      char *text = sr_inbox_answers_to_json (answers);

      sr_cli_print_raw (text, strlen (text));
      sr_wipe_string_free (text);
    }
  else
    {
      g_autoptr(SrForm) form = sr_form_load_default (NULL);
      GString *out = format_readable (receipt, day, answers, form);

      sr_cli_print_raw (out->str, out->len);
      wipe_gstring (out);
    }

  return 0;
}

/* ------------------------------------------------------------------------
 * export
 * --------------------------------------------------------------------- */

static int
cmd_export (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *out = NULL;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "The inbox database", "DB" },
    KEY_ENTRIES,
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "csv or json", "FORMAT" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the reports to FILE", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  g_autoptr(SrCliProgress) progress = NULL;
  SrExportFormat format;
  guint n = 0;
  guint n_attached = 0;

  context = sr_cli_context_new ("export", NULL,
                                "Opens every report and writes them, readable, to one CSV or "
                                "JSON file (private to you: mode 0600). Photos attached to "
                                "reports go, a file each, into a folder named after FILE "
                                "(cases.csv: cases-attachments). Keep them as safe as the key.",
                                entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);
  if (!sr_cli_require (format_name, "--format", &error) ||
      !sr_cli_require (out, "--out", &error))
    return sr_cli_fail (error);

  if (g_ascii_strcasecmp (format_name, "csv") == 0)
    format = SR_EXPORT_CSV;
  else if (g_ascii_strcasecmp (format_name, "json") == 0)
    format = SR_EXPORT_JSON;
  else
    return sr_cli_failf ("Unknown format “%s”; use csv or json.", format_name);

  inbox = open_existing_inbox (db, &error);
  if (inbox == NULL)
    return sr_cli_fail (error);
  secret = unlock (&error);
  if (secret == NULL)
    return sr_cli_fail (error);

  progress = sr_cli_progress_new ("Exporting");
  if (!sr_inbox_export (inbox, secret, format, out, &n, &n_attached,
                        sr_cli_progress_update, progress, &error))
    return sr_cli_fail (error);
  g_clear_pointer (&progress, sr_cli_progress_free);

  sr_cli_print ("exported %u\n", n);
  if (n_attached > 0)
    {
      g_autofree char *dir = sr_inbox_attachments_dir (out);
      g_autofree char *dir_display = g_filename_display_name (dir);

      sr_cli_print ("attachments %u in %s\n", n_attached, dir_display);
    }
  return 0;
}

/* ------------------------------------------------------------------------
 * ack
 * --------------------------------------------------------------------- */

static int
cmd_ack (int    argc,
         char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *out = NULL;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db, "The inbox database", "DB" },
    KEY_ENTRIES,
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the acknowledgement to FILE (.sra)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = NULL;
  g_autoptr(SrInbox) inbox = NULL;
  g_autoptr(GBytes) ack = NULL;
  guint n = 0;

  context = sr_cli_context_new ("ack", NULL,
                                "Writes a signed acknowledgement of every report in the inbox. "
                                "A kiosk that applies it deletes exactly those reports.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);
  if (!sr_cli_require (out, "--out", &error))
    return sr_cli_fail (error);

  inbox = open_existing_inbox (db, &error);
  if (inbox == NULL)
    return sr_cli_fail (error);
  secret = unlock (&error);
  if (secret == NULL)
    return sr_cli_fail (error);

  ack = sr_inbox_make_ack (inbox, secret, &n, &error);
  if (ack == NULL)
    return sr_cli_fail (error);
  if (!sr_write_file_atomic (out, g_bytes_get_data (ack, NULL), g_bytes_get_size (ack), &error))
    return sr_cli_fail (error);

  sr_cli_print ("acknowledged %u\n", n);
  return 0;
}

static const SrCliCommand commands[] = {
  { "keygen",  "Make the organisation's keys (org.key, org.pub)", cmd_keygen },
  { "rotate",  "Add a new box key; old ones stay to open old reports", cmd_rotate },
  { "profile", "Sign a profile (.srp) for kiosks", cmd_profile },
  { "import",  "Import bundles, envelopes and QR codes (photos, text)", cmd_import },
  { "list",    "List the reports in the inbox", cmd_list },
  { "show",    "Open and print one report", cmd_show },
  { "export",  "Write every report to a CSV or JSON file", cmd_export },
  { "ack",     "Write a signed acknowledgement (.sra)", cmd_ack },
  { NULL }
};

int
main (int    argc,
      char **argv)
{
  int status;

  sr_cli_init ("safereport-inbox");

  status = sr_cli_dispatch (argc, argv,
                            "The organisation's side of SafeReport: keys, profiles, and the "
                            "inbox of sealed reports.",
                            NULL, commands);

  g_clear_pointer (&opt_key, g_free);
  g_clear_pointer (&opt_passphrase_file, g_free);
  return status;
}
