/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-bench-qr"

/* Wire size as QR codes: how many symbols of which version each report of
 * a corpus becomes, and how many characters the part texts take, against
 * the same answers sealed with age and written in base45. bench/run runs
 * age and feeds its output back in; this program prints machine-readable
 * lines that the script turns into medians and ratios:
 *
 *   qr FILE ENVELOPE_BYTES N_SYMBOLS MAX_VERSION TEXT_CHARS VERSIONS
 *   peer FILE BYTES BASE45_CHARS N_SYMBOLS MAX_VERSION
 *
 * VERSIONS lists the version of every symbol, comma-separated. A peer's
 * base45 text is cut into the fewest near-equal pieces that fit the same
 * version cap, with no header at all: the most favourable count for it. */

#include "sr-config.h"

#include <string.h>

#include "sr-answers.h"
#include "sr-base45.h"
#include "sr-envelope.h"
#include "sr-error.h"
#include "sr-form.h"
#include "sr-qr.h"
#include "sr-report.h"

static SrAnswers *
load_answers (const char *path,
              SrForm     *form)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  SrAnswers *answers;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  answers = sr_answers_new_from_json (contents, len, &error);
  if (answers == NULL)
    g_error ("%s: %s", path, error->message);
  /* What the kiosk would refuse is not a report worth measuring. */
  if (!sr_answers_validate (answers, form, &error))
    g_error ("%s: %s", path, error->message);
  return answers;
}

/* Seals each answers file as a kiosk does (one recipient) and splits the
 * envelope into parts under the cap. */
static void
bench_parts (guint   cap,
             int     n_files,
             char  **files)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrForm) form = sr_form_load_default (&error);
  guint8 recipient[1][SR_BOX_KEY_BYTES];

  g_assert_no_error (error);
  memcpy (recipient[0], sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);

  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(SrAnswers) answers = load_answers (files[i], form);
      g_autoptr(SrSecret) plain = sr_report_encode (answers, sr_report_today (), &error);
      g_autoptr(GBytes) envelope = NULL;
      g_autoptr(GString) versions = g_string_new (NULL);
      g_auto(GStrv) parts = NULL;
      gsize chars = 0;
      guint max_version = 0;
      guint n;

      g_assert_no_error (error);
      envelope = sr_envelope_seal (plain->data, plain->len,
                                   (const guint8 (*)[SR_BOX_KEY_BYTES]) recipient, 1, &error);
      g_assert_no_error (error);
      parts = sr_qr_split (envelope, cap, &error);
      if (parts == NULL)
        g_error ("%s: %s", files[i], error->message);

      n = g_strv_length (parts);
      for (guint p = 0; p < n; p++)
        {
          gsize len = strlen (parts[p]);
          guint version = sr_qr_version_for_text (len);

          g_assert_cmpuint (version, >=, 1);
          g_assert_cmpuint (version, <=, cap);
          chars += len;
          max_version = MAX (max_version, version);
          g_string_append_printf (versions, p == 0 ? "%u" : ",%u", version);
        }

      g_print ("qr %s %" G_GSIZE_FORMAT " %u %u %" G_GSIZE_FORMAT " %s\n", files[i],
               g_bytes_get_size (envelope), n, max_version, chars, versions->str);
    }
}

/* A peer's ciphertext (age's output, say) written in base45, in as few
 * symbols under the cap as its length allows. */
static void
bench_peer (guint   cap,
            int     n_files,
            char  **files)
{
  gsize capacity = sr_qr_text_capacity (cap);

  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *text = NULL;
      gsize len = 0;
      gsize chars;
      gsize n;

      if (!g_file_get_contents (files[i], &contents, &len, &error))
        g_error ("%s", error->message);
      text = sr_base45_encode ((const guint8 *) contents, len);
      chars = strlen (text);
      g_assert_cmpuint (chars, ==, sr_base45_encoded_len (len));

      n = (chars + capacity - 1) / capacity;
      g_print ("peer %s %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %u\n",
               files[i], len, chars, n, sr_qr_version_for_text ((chars + n - 1) / n));
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  guint cap = SR_QR_VERSION_CAP_DEFAULT;
  int first = 2;

  if (!sr_init (&error))
    g_error ("%s", error->message);

  if (argc >= 4 && g_str_equal (argv[2], "--cap"))
    {
      cap = (guint) g_ascii_strtoull (argv[3], NULL, 10);
      if (cap < SR_QR_VERSION_CAP_MIN || cap > SR_QR_VERSION_CAP_MAX)
        g_error ("the cap must be between %d and %d", SR_QR_VERSION_CAP_MIN,
                 SR_QR_VERSION_CAP_MAX);
      first = 4;
    }

  if (argc > first && g_str_equal (argv[1], "parts"))
    {
      bench_parts (cap, argc - first, argv + first);
      return 0;
    }
  if (argc > first && g_str_equal (argv[1], "peer"))
    {
      bench_peer (cap, argc - first, argv + first);
      return 0;
    }

  g_printerr ("usage: %s parts [--cap N] ANSWERS.json...\n"
              "       %s peer [--cap N] CIPHERTEXT...\n", argv[0], argv[0]);
  return 2;
}
