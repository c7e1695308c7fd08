/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test"

#include "sr-test-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <string.h>
#include <sys/wait.h>

#include <sodium.h>

#include "sr-bundle.h"
#include "sr-envelope.h"
#include "sr-error.h"

void
sr_test_init (int    *argc,
              char ***argv)
{
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);
  if (!sr_init (&error))
    g_error ("%s", error->message);
}

char *
sr_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sr-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
sr_test_rmdir (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
              !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            sr_test_rmdir (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

char *
sr_test_data_path (const char *name)
{
  const char *dir = g_getenv ("SR_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

GBytes *
sr_test_read (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

gboolean
sr_test_tree_contains (const char   *path,
                       const guint8 *needle,
                       gsize         len)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize size = 0;

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (sr_test_tree_contains (child, needle, len))
            return TRUE;
          continue;
        }
      if (!g_file_get_contents (child, &contents, &size, NULL))
        continue;
      if (size >= len && memmem (contents, size, needle, len) != NULL)
        return TRUE;
    }

  return FALSE;
}

void
sr_test_result_clear (SrTestResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

SrTestResult
sr_test_spawn (const char *const    *argv,
               char                **envp,
               GSpawnChildSetupFunc  setup,
               gpointer              setup_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = g_strjoinv (" ", (char **) argv);
  SrTestResult result = { 0 };
  int wait_status = 0;

  g_test_message ("$ %s", joined);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, setup, setup_data,
                &result.out, &result.err, &wait_status, &error);
  g_assert_no_error (error);
  result.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (result.out[0] != '\0')
    g_test_message ("stdout: %s", result.out);
  if (result.err[0] != '\0')
    g_test_message ("stderr: %s", result.err);
  return result;
}

SrTestResult
sr_test_run (const char *program,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) program);
  va_start (args, program);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return sr_test_spawn ((const char *const *) argv->pdata, NULL, NULL, NULL);
}

void
sr_test_assert_complete_bundle (const char        *path,
                                const SrOrgSecret *secret,
                                guint              n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrBundleReader) reader = sr_bundle_reader_new (path, secret, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sr_bundle_reader_get_n_records (reader), ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_autoptr(GBytes) record = sr_bundle_reader_get_record (reader, i, &error);
      g_autoptr(SrSecret) plaintext = NULL;

      g_assert_no_error (error);
      plaintext = sr_envelope_open (g_bytes_get_data (record, NULL), g_bytes_get_size (record),
                                    secret, &error);
      g_assert_no_error (error);
    }
  g_assert_true (sr_bundle_reader_check_tail (reader, &error));
  g_assert_no_error (error);
}

/* Test vectors: "name = value" lines, '#' comments (tests/data/vectors). */
GHashTable *
sr_test_vector_load (const char *name)
{
  g_autofree char *relative = g_build_filename ("vectors", name, NULL);
  g_autofree char *path = sr_test_data_path (relative);
  g_autoptr(GBytes) bytes = sr_test_read (path);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL),
                                     g_bytes_get_size (bytes));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *vector = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      eq = strstr (lines[i], " = ");
      g_assert_nonnull (eq);
      g_hash_table_insert (vector, g_strndup (lines[i], eq - lines[i]),
                           g_strdup (eq + 3));
    }
  return vector;
}

const char *
sr_test_vector_text (GHashTable *vector,
                     const char *key)
{
  const char *value = g_hash_table_lookup (vector, key);

  if (value == NULL)
    g_error ("test vector has no %s", key);
  return value;
}

GBytes *
sr_test_vector_bytes (GHashTable *vector,
                      const char *key)
{
  const char *hex = sr_test_vector_text (vector, key);
  gsize max = strlen (hex) / 2, len = 0;
  guint8 *bin = g_malloc (MAX (max, 1));

  g_assert_cmpint (sodium_hex2bin (bin, max, hex, strlen (hex), NULL, &len, NULL), ==, 0);
  g_assert_cmpuint (len, ==, max);
  return g_bytes_new_take (bin, len);
}

void
sr_test_vector_fixed (GHashTable *vector,
                      const char *key,
                      guint8     *out,
                      gsize       len)
{
  g_autoptr(GBytes) bytes = sr_test_vector_bytes (vector, key);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, len);
  memcpy (out, g_bytes_get_data (bytes, NULL), len);
}

void
sr_test_assert_ok (const SrTestResult *result)
{
  if (result->status != 0)
    g_error ("exit %d: %s", result->status, result->err);
  g_assert_cmpstr (result->err, ==, "");
}

void
sr_test_assert_one_line_error (const SrTestResult *result,
                               const char         *program)
{
  g_autofree char *prefix = g_strdup_printf ("%s: ", program);
  const char *newline;

  g_assert_cmpint (result->status, ==, 1);
  g_assert_true (g_str_has_prefix (result->err, prefix));
  newline = strchr (result->err, '\n');
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline, ==, "\n");
  g_assert_cmpuint (strlen (result->err), >, strlen (prefix) + 5);
}

/* ---- Photos ------------------------------------------------------------ */

static void
put16 (GByteArray *out,
       guint       value)
{
  guint8 bytes[2] = { value >> 8, value & 0xFF };

  g_byte_array_append (out, bytes, 2);
}

static void
put32 (GByteArray *out,
       guint32     value)
{
  guint8 bytes[4] = { value >> 24, (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF };

  g_byte_array_append (out, bytes, 4);
}

/* "Exif\0\0", then a big-endian TIFF: IFD0 with the orientation and a
 * pointer to a GPS IFD whose GPSAreaInformation-like ASCII entry holds the
 * secret, as a phone's position would be held. */
static GByteArray *
exif_block (guint       orientation,
            const char *secret)
{
  GByteArray *out = g_byte_array_new ();
  guint32 secret_len = (guint32) strlen (secret) + 1;
  const guint32 ifd0 = 8;
  const guint32 gps_ifd = ifd0 + 2 + 2 * 12 + 4;
  const guint32 gps_data = gps_ifd + 2 + 2 * 12 + 4;

  g_byte_array_append (out, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (out, (const guint8 *) "MM\0*", 4);
  put32 (out, ifd0);

  put16 (out, 2);
  put16 (out, 0x0112); put16 (out, 3); put32 (out, 1); put16 (out, orientation); put16 (out, 0);
  put16 (out, 0x8825); put16 (out, 4); put32 (out, 1); put32 (out, gps_ifd);
  put32 (out, 0);

  put16 (out, 2);
  put16 (out, 0x0001); put16 (out, 2); put32 (out, 2);
  g_byte_array_append (out, (const guint8 *) "N\0\0\0", 4);
  put16 (out, 0x001C); put16 (out, 2); put32 (out, secret_len); put32 (out, gps_data);
  put32 (out, 0);

  g_byte_array_append (out, (const guint8 *) secret, secret_len);
  return out;
}

GBytes *
sr_test_make_photo (guint       width,
                    guint       height,
                    guint       orientation,
                    const char *secret)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  g_autofree guint8 *row = g_malloc ((gsize) width * 3);
  g_autoptr(GByteArray) exif = exif_block (orientation, secret);
  GBytes *photo;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 90, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  jpeg_write_marker (&cinfo, JPEG_APP0 + 1, exif->data, exif->len);
  jpeg_write_marker (&cinfo, JPEG_COM, (const JOCTET *) secret, (unsigned int) strlen (secret));
  for (guint y = 0; y < height; y++)
    {
      JSAMPROW rows[1] = { row };

      for (guint x = 0; x < width; x++)
        {
          row[3 * x] = (guint8) (x * 255 / MAX (width - 1, 1));
          row[3 * x + 1] = (guint8) (y * 255 / MAX (height - 1, 1));
          row[3 * x + 2] = 128;
        }
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);

  photo = g_bytes_new (buffer, size);
  free (buffer);
  return photo;
}
