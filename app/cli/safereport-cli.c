/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-kiosk-cli"

/* safereport-cli: the kiosk's side, without a screen. Provisions the
 * organisation's profile, seals answers into the outbox, exports bundles
 * and applies acknowledgements. It holds public keys only. */

#include "sr-config.h"

#include <string.h>

#include "sr-answers.h"
#include "sr-cli-common.h"
#include "sr-fsutil.h"
#include "sr-outbox.h"
#include "sr-profile.h"

#define PROFILE_MAX  (2 * 1024 * 1024)
#define ANSWERS_MAX  (16 * 1024 * 1024)
#define ACK_MAX      (256 * 1024 * 1024)

static char *opt_data_dir;

#define DATA_DIR_ENTRY \
  { "data-dir", 'D', 0, G_OPTION_ARG_FILENAME, &opt_data_dir, \
    "The kiosk's data directory (holds outbox.db)", "DIR" }

/* Only provisioning makes a new data directory: any other command given a
 * mistyped one should say so, not report on an empty new kiosk. */
static SrOutbox *
open_outbox (gboolean   create,
             GError   **error)
{
  if (opt_data_dir == NULL)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "--data-dir is required.");
      return NULL;
    }
  if (!create && !g_file_test (opt_data_dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (opt_data_dir);

      g_set_error (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED,
                   "There is no kiosk in %s; provision a profile first.", display);
      return NULL;
    }
  return sr_outbox_new (opt_data_dir, error);
}

static char *
digits_only (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------
 * provision
 * --------------------------------------------------------------------- */

static int
cmd_provision (int    argc,
               char **argv)
{
  g_autofree char *expected = NULL;
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { "fingerprint", 'f', 0, G_OPTION_ARG_STRING, &expected,
      "Refuse the profile unless its signing key has this fingerprint (digits)", "DIGITS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(SrProfile) profile = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *words = NULL;

  context = sr_cli_context_new ("provision", "PROFILE.srp",
                                "Installs the organisation's signed profile. The first profile "
                                "pins its signing key: compare the fingerprint printed with the "
                                "one the organisation gave you. Later profiles must be signed by "
                                "the same key and have a serial no lower than the current one.",
                                entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return sr_cli_failf (argc < 2 ? "Give the profile file (.srp)." : "Give only one profile file.");

  data = sr_read_file (argv[1], PROFILE_MAX, &error);
  if (data == NULL)
    return sr_cli_fail (error);

  if (expected != NULL)
    {
      g_autofree char *want = digits_only (expected);
      g_autofree char *have = NULL;
      g_autofree char *have_digits = NULL;

      profile = sr_profile_new_from_data (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                          &error);
      if (profile == NULL)
        return sr_cli_fail (error);
      have = sr_fingerprint_digits (sr_profile_get_signer (profile));
      have_digits = digits_only (have);
      if (!g_str_equal (want, have_digits))
        return sr_cli_failf ("The profile's fingerprint is %s, not the one expected; nothing "
                             "was changed.", have);
      g_clear_pointer (&profile, sr_profile_unref);
    }

  outbox = open_outbox (TRUE, &error);
  if (outbox == NULL)
    return sr_cli_fail (error);

  if (!sr_outbox_provision (outbox, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                            &fingerprint, &error))
    return sr_cli_fail (error);

  profile = sr_outbox_get_profile (outbox, &error);
  if (profile == NULL)
    return sr_cli_fail (error);
  words = sr_fingerprint_words (sr_profile_get_signer (profile));

  sr_cli_print ("%s\n%s\n", fingerprint, words);
  return 0;
}

/* ------------------------------------------------------------------------
 * submit
 * --------------------------------------------------------------------- */

static int
cmd_submit (int    argc,
            char **argv)
{
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(SrProfile) profile = NULL;
  SrForm *form;
  g_autoptr(GPtrArray) all = NULL;

  context = sr_cli_context_new ("submit", "ANSWERS.json…",
                                "Seals each answers file to the organisation and keeps it in the "
                                "outbox; prints one receipt code per file, a line each. Every "
                                "file is checked against the form before any is sealed.",
                                entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc < 2)
    return sr_cli_failf ("Give at least one answers file.");

  outbox = open_outbox (FALSE, &error);
  if (outbox == NULL)
    return sr_cli_fail (error);
  profile = sr_outbox_get_profile (outbox, &error);
  if (profile == NULL)
    return sr_cli_fail (error);
  form = sr_profile_get_form (profile);   /* owned by the profile */

  /* Check all first: a batch with a mistake in it seals nothing, so it can
   * be corrected and run again without doubles. */
  all = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_answers_free);
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *display = g_filename_display_name (argv[i]);
      g_autoptr(SrSecret) text = NULL;
      g_autoptr(GError) local_error = NULL;
      SrAnswers *answers;

      text = sr_cli_read_secret_file (argv[i], ANSWERS_MAX, "answers file", &error);
      if (text == NULL)
        return sr_cli_fail (error);

      answers = sr_answers_new_from_json ((const char *) text->data, (gssize) text->len,
                                          &local_error);
      if (answers == NULL)
        return sr_cli_failf ("%s: %s", display, local_error->message);
      g_ptr_array_add (all, answers);

      if (!sr_answers_validate (answers, form, &local_error))
        return sr_cli_failf ("%s: %s", display, local_error->message);
    }

  for (guint i = 0; i < all->len; i++)
    {
      g_autofree char *receipt = NULL;
      g_autoptr(GError) local_error = NULL;

      receipt = sr_outbox_submit (outbox, all->pdata[i], &local_error);
      if (receipt == NULL)
        {
          g_autofree char *display = g_filename_display_name (argv[i + 1]);

          return sr_cli_failf ("%s: %s", display, local_error->message);
        }
      /* Printed, and flushed, only once the envelope is durable. */
      sr_cli_print ("%s\n", receipt);
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
  g_autofree char *out = NULL;
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the bundle to FILE (.srb)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(SrCliProgress) progress = NULL;
  guint n = 0;

  context = sr_cli_context_new ("export", NULL,
                                "Writes every report not yet acknowledged into one sealed bundle, "
                                "for a USB stick. The bundle is read back and checked before the "
                                "reports count as exported; they stay until acknowledged.",
                                entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);
  if (!sr_cli_require (out, "--out", &error))
    return sr_cli_fail (error);

  outbox = open_outbox (FALSE, &error);
  if (outbox == NULL)
    return sr_cli_fail (error);

  progress = sr_cli_progress_new ("Exporting");
  if (!sr_outbox_export (outbox, out, &n, sr_cli_progress_update, progress, &error))
    return sr_cli_fail (error);
  g_clear_pointer (&progress, sr_cli_progress_free);

  sr_cli_print ("exported %u\n", n);
  return 0;
}

/* ------------------------------------------------------------------------
 * qr
 * --------------------------------------------------------------------- */

static int
cmd_qr (int    argc,
        char **argv)
{
  g_autofree char *out_dir = NULL;
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write part-01.png, part-02.png, … into DIR", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;

  context = sr_cli_context_new ("qr", "RECEIPT",
                                "Writes one sealed report as QR codes to photograph or print.",
                                entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;

  return sr_cli_failf ("QR output is not available yet.");
}

/* ------------------------------------------------------------------------
 * apply-ack
 * --------------------------------------------------------------------- */

static int
cmd_apply_ack (int    argc,
               char **argv)
{
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(SrOutbox) outbox = NULL;
  guint n = 0;

  context = sr_cli_context_new ("apply-ack", "ACK.sra",
                                "Deletes the reports an acknowledgement names, once its signature "
                                "is checked against the pinned key. Anything else is left alone.",
                                entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return sr_cli_failf (argc < 2 ? "Give the acknowledgement file (.sra)."
                                  : "Give only one acknowledgement file.");

  data = sr_read_file (argv[1], ACK_MAX, &error);
  if (data == NULL)
    return sr_cli_fail (error);

  outbox = open_outbox (FALSE, &error);
  if (outbox == NULL)
    return sr_cli_fail (error);

  if (!sr_outbox_apply_ack (outbox, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                            &n, &error))
    return sr_cli_fail (error);

  sr_cli_print ("purged %u\n", n);
  return 0;
}

/* ------------------------------------------------------------------------
 * status
 * --------------------------------------------------------------------- */

static int
cmd_status (int    argc,
            char **argv)
{
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = NULL;
  guint pending = 0, exported = 0, acknowledged = 0;

  context = sr_cli_context_new ("status", NULL,
                                "Counts the reports: pending (not yet exported), exported (not "
                                "yet acknowledged) and acknowledged (purged).", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1)
    return sr_cli_failf ("Unexpected argument “%s”.", argv[1]);

  outbox = open_outbox (FALSE, &error);
  if (outbox == NULL)
    return sr_cli_fail (error);

  sr_outbox_get_counts (outbox, &pending, &exported, &acknowledged);
  sr_cli_print ("pending %u, exported %u, acknowledged %u\n", pending, exported, acknowledged);
  return 0;
}

static const SrCliCommand commands[] = {
  { "provision", "Install the organisation's signed profile (.srp)", cmd_provision },
  { "submit",    "Seal answers files into the outbox", cmd_submit },
  { "export",    "Write the outbox to a bundle (.srb) for a USB stick", cmd_export },
  { "qr",        "Write one sealed report as QR codes", cmd_qr },
  { "apply-ack", "Delete what an acknowledgement (.sra) names", cmd_apply_ack },
  { "status",    "Count pending, exported and acknowledged reports", cmd_status },
  { NULL }
};

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { NULL }
  };
  int status;

  sr_cli_init ("safereport-cli");

  if (argc == 2 && g_strcmp0 (argv[1], "--version") == 0)
    {
      sr_cli_print ("safereport-cli %s\n", SR_VERSION);
      return 0;
    }

  status = sr_cli_dispatch (argc, argv,
                            "The kiosk's side of SafeReport, without a screen: seals reports "
                            "to the organisation and carries them out as bundles.",
                            entries, commands);

  g_clear_pointer (&opt_data_dir, g_free);
  return status;
}
