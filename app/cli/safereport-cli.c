/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-kiosk-cli"

/* safereport-cli: the kiosk's side, without a screen. Provisions the
 * organisation's profile, seals answers into the outbox, exports bundles
 * and applies acknowledgements. It holds public keys only. */

#include "sr-config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sr-answers.h"
#include "sr-cli-common.h"
#include "sr-fsutil.h"
#include "sr-image.h"
#include "sr-outbox.h"
#include "sr-profile.h"
#include "sr-qr-image.h"
#include "sr-qr.h"

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

/* Reads each image, re-encodes it so that only its pixels are left
 * (sr_image_sanitize) and attaches it; the file's bytes are wiped. */
static gboolean
attach_files (SrAnswers          *answers,
              const char *const  *paths,
              GError            **error)
{
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *display = g_filename_display_name (paths[i]);
      g_autoptr(SrSecret) file = NULL;
      g_autoptr(GError) local_error = NULL;
      SrSecret *clean;
      const char *media_type = NULL;

      file = sr_cli_read_secret_file (paths[i], SR_IMAGE_MAX_INPUT, "image", error);
      if (file == NULL)
        return FALSE;
      clean = sr_image_sanitize (file->data, file->len, &media_type, NULL, NULL, &local_error);
      if (clean == NULL || !sr_answers_add_attachment (answers, media_type, clean, &local_error))
        {
          g_set_error (error, SR_ERROR, local_error->code, "%s: %s", display, local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

static int
cmd_submit (int    argc,
            char **argv)
{
  g_auto(GStrv) attach = NULL;
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attach,
      "Attach a JPEG or PNG image, re-encoded without its metadata (repeat for more; one "
      "answers file only)", "IMAGE" },
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
                                "file is checked against the form before any is sealed. A report "
                                "with --attach leaves only in an export, never as QR codes.",
                                entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc < 2)
    return sr_cli_failf ("Give at least one answers file.");
  if (attach != NULL && argc != 2)
    return sr_cli_failf ("Attachments go with one answers file at a time.");

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
  if (!attach_files (all->pdata[0], (const char *const *) attach, &error))
    return sr_cli_fail (error);

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

/* Refuses a folder that holds QR codes of an earlier run: part-01.png and
 * so on. Writing over them could leave part-03.png of one report next to
 * part-01.png of another, and deleting them could destroy the only copy of
 * a report already acknowledged; so the person chooses. Other files do not
 * matter. A folder that does not exist yet is fine (it is made). */
static gboolean
check_out_dir (const char  *dir,
               GError     **error)
{
  g_autofree char *display = g_filename_display_name (dir);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_IO, "%s is not a folder.", display);
      return FALSE;
    }

  listing = g_dir_open (dir, 0, &local_error);
  if (listing == NULL)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not read the folder %s: %s.",
                   display, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);

      if (g_str_has_prefix (lower, "part-") && g_str_has_suffix (lower, ".png"))
        {
          g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                       "%s already holds QR codes (%s and perhaps more); give an empty "
                       "folder, or move them away first.", display, name);
          return FALSE;
        }
    }

  /* Said now, in words, rather than as the failure of a temporary file
   * halfway through the parts. */
  if (g_access (dir, W_OK | X_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, SR_ERROR, SR_ERROR_IO, "Cannot write into the folder %s: %s.",
                   display, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

static int
cmd_qr (int    argc,
        char **argv)
{
  g_autofree char *out_dir = NULL;
  g_autofree char *pdf = NULL;
  gint max_version = SR_QR_VERSION_CAP_DEFAULT;
  const GOptionEntry entries[] = {
    DATA_DIR_ENTRY,
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write part-01.png, part-02.png, … into DIR (made if missing; must not hold parts "
      "of an earlier run)", "DIR" },
    { "pdf", 'P', 0, G_OPTION_ARG_FILENAME, &pdf,
      "Also write a printable A4 sheet, one code a page, to FILE (must not exist)", "FILE" },
    { "max-version", 'm', 0, G_OPTION_ARG_INT, &max_version,
      "The largest QR code version to use, 5 to 40 (default 25): lower makes smaller "
      "codes, and more of them", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutbox) outbox = NULL;
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint n_parts = 0;

  context = sr_cli_context_new ("qr", "RECEIPT",
                                "Writes one sealed report, still in the outbox, as QR codes to "
                                "photograph or print: PNG files into a folder, and optionally a "
                                "printable PDF sheet. The codes carry the sealed report only; "
                                "give them all to the organisation, in any order. Prints the "
                                "files written, one a line.", entries);
  if (!sr_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return sr_cli_failf (argc < 2 ? "Give the receipt code of the report." :
                                    "Give only one receipt code.");
  if (out_dir == NULL && pdf == NULL)
    return sr_cli_failf ("--out-dir is required (or --pdf, or both).");
  if (max_version < SR_QR_VERSION_CAP_MIN || max_version > SR_QR_VERSION_CAP_MAX)
    return sr_cli_failf ("--max-version must be between %d and %d.",
                         SR_QR_VERSION_CAP_MIN, SR_QR_VERSION_CAP_MAX);

  outbox = open_outbox (FALSE, &error);
  if (outbox == NULL)
    return sr_cli_fail (error);
  envelope = sr_outbox_lookup (outbox, argv[1], &error);
  if (envelope == NULL)
    return sr_cli_fail (error);

  /* Everything that can be refused is checked before anything is
   * written. */
  if (sr_qr_count_parts (g_bytes_get_size (envelope), (guint) max_version) == 0)
    return sr_cli_failf ("This report is too large for QR codes at version %d; try a higher "
                         "--max-version, or export it to a USB stick.", max_version);
  if (out_dir != NULL && !check_out_dir (out_dir, &error))
    return sr_cli_fail (error);
  if (pdf != NULL && g_file_test (pdf, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (pdf);

      return sr_cli_failf ("%s already exists; give a new file name.", display);
    }

  if (out_dir != NULL)
    {
      int digits;

      if (!sr_qr_write_pngs (envelope, out_dir, (guint) max_version, &n_parts, &error))
        return sr_cli_fail (error);
      digits = n_parts >= 100 ? 3 : 2;
      for (guint i = 0; i < n_parts; i++)
        {
          g_autofree char *name = g_strdup_printf ("part-%0*u.png", digits, i + 1);
          g_autofree char *path = g_build_filename (out_dir, name, NULL);
          g_autofree char *display = g_filename_display_name (path);

          g_string_append_printf (out, "%s\n", display);
        }
    }
  if (pdf != NULL)
    {
      g_autofree char *display = g_filename_display_name (pdf);

      if (!sr_qr_write_pdf (envelope, pdf, (guint) max_version, &n_parts, &error))
        return sr_cli_fail (error);
      g_string_append_printf (out, "%s\n", display);
    }

  sr_cli_print_raw (out->str, out->len);
  return 0;
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

  if (!sr_outbox_count (outbox, &pending, &exported, &acknowledged, &error))
    return sr_cli_fail (error);
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

  status = sr_cli_dispatch (argc, argv,
                            "The kiosk's side of SafeReport, without a screen: seals reports "
                            "to the organisation and carries them out as bundles.",
                            entries, commands);

  g_clear_pointer (&opt_data_dir, g_free);
  return status;
}
