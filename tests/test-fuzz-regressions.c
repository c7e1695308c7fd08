/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test"

#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "sr-answers.h"
#include "sr-error.h"
#include "sr-form.h"
#include "sr-fuzz.h"
#include "sr-profile.h"
#include "sr-test-util.h"

/* Every input that ever broke a parser under the fuzzer is kept in
 * tests/fuzz/regressions/<target>/ and fed, in the normal build, to the
 * same entry point the fuzz program uses (tests/fuzz/sr-fuzz.c), so a fix
 * that comes undone fails here without clang or a fuzzer. The seed corpora
 * go through the same entry points: each seed is a valid file, so the
 * entry points' round-trip checks run on real data too. */

static const char *
fuzz_dir (void)
{
  const char *dir = g_getenv ("SR_FUZZ_DIR");

  g_assert_nonnull (dir);
  return dir;
}

/* Feeds every file below dir/<target>/ to that target; returns how many.
 * A directory named after no target is a mistake: its inputs would never
 * run. */
static guint
feed_tree (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (root, 0, &error);
  const char *target_name;
  guint n = 0;

  g_assert_no_error (error);
  while ((target_name = g_dir_read_name (dir)) != NULL)
    {
      const SrFuzzTarget *target = sr_fuzz_target_lookup (target_name);
      g_autofree char *target_path = g_build_filename (root, target_name, NULL);
      g_autoptr(GDir) inputs = NULL;
      const char *input;

      if (!g_file_test (target_path, G_FILE_TEST_IS_DIR))
        continue;
      if (target == NULL)
        g_error ("%s names no fuzz target", target_path);

      inputs = g_dir_open (target_path, 0, &error);
      g_assert_no_error (error);
      while ((input = g_dir_read_name (inputs)) != NULL)
        {
          g_autofree char *path = g_build_filename (target_path, input, NULL);
          g_autoptr(GBytes) bytes = sr_test_read (path);

          const guint8 *data = g_bytes_get_data (bytes, NULL);

          /* As libFuzzer does, never pass NULL, even for no bytes. */
          g_test_message ("%s: %s", target_name, input);
          target->func (data != NULL ? data : (const guint8 *) "", g_bytes_get_size (bytes));
          n++;
        }
    }

  return n;
}

static void
test_regressions (void)
{
  g_autofree char *root = g_build_filename (fuzz_dir (), "regressions", NULL);
  guint n = feed_tree (root);

  g_test_message ("%u inputs that once broke a parser", n);
  g_assert_cmpuint (n, >, 0);
}

static void
test_corpus (void)
{
  g_autofree char *root = g_build_filename (fuzz_dir (), "corpus", NULL);
  guint n;

  /* Every target has seeds. */
  for (guint i = 0; sr_fuzz_targets[i].name != NULL; i++)
    {
      g_autofree char *path = g_build_filename (root, sr_fuzz_targets[i].name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        g_error ("The fuzz target %s has no seed corpus", sr_fuzz_targets[i].name);
    }

  n = feed_tree (root);
  g_test_message ("%u seeds", n);
  g_assert_cmpuint (n, >=, 11);
}

/* Each input with an empty, a one-byte and a cut-short version: the edges
 * where length checks go wrong. */
static void
test_edges (void)
{
  static const guint8 bytes[] = { 'S', 'R', 'E', 0x01, 0x01, 0x00 };

  for (guint i = 0; sr_fuzz_targets[i].name != NULL; i++)
    for (gsize len = 0; len <= sizeof bytes; len++)
      sr_fuzz_targets[i].func (bytes, len);
}

/* sr_init switches core dumps off for good: a crash must never write keys,
 * passphrases or a report to disk. */
static void
test_core_dumps_off (void)
{
  struct rlimit limit = { 1, 1 };

  /* sr_test_init has run sr_init. */
  g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
  g_assert_cmpuint (limit.rlim_cur, ==, 0);
  g_assert_cmpuint (limit.rlim_max, ==, 0);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);

  /* The hard limit is 0 too, so nothing in the process can raise it
   * again without privileges. Privileged test runs (root in a container)
   * can, so only check the soft limit there. */
  limit.rlim_cur = 1;
  limit.rlim_max = 1;
  if (geteuid () != 0)
    g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), !=, 0);

  /* Calling sr_init again keeps them off. */
  g_assert_true (sr_init (NULL));
  g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
  g_assert_cmpuint (limit.rlim_cur, ==, 0);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
}

/* sr_json_parse_strict takes RFC 8259 and nothing else; JsonParser alone
 * takes GScanner's extensions. */
static void
test_json_strict (void)
{
  static const char *const bad[] = {
    "[$1F]", "[0x1F]", "[01]", "[-01]", "[00]", "[0b1]", "[1.]", "[.5]", "[+1]",
    "[-]", "[1e]", "[1e+]", "[0.e1]", "[1.2.3]", "[1e5e5]", "[1_000]",
    "[Infinity]", "[NaN]", "['a']", "[1 /* note */]", "[1] // note",
    "[\"a\tb\"]", "[\"a\nb\"]", "[\"\x01\"]", "[\"\\q\"]", "[\"\\x41\"]", "[\"\\u00\"]",
    "[\"\\u00g0\"]", "[\"abc", "[1] [2]", "[1]x", "{}{}", "[1,]", "{\"a\": 1,}",
    "{a: 1}", "{\"a\" 1}", "[tru]", "[True]", "[nul]", "[1 2]", "\xef\xbb\xbf[1]",
    "[\v1]", "[\f1]", "", "   ", "[", "]", "{\"a\"}",
    /* Lone surrogates: JsonParser makes bytes of them that are not UTF-8. */
    "[\"\\ud800x\"]", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]",
    "[\"\\ud800\\ud800\"]", "[\"\\udfff\\ud800\"]", "[\"\\ud800\\",
  };
  static const char *const good[] = {
    "[0]", "[-0]", "[1.5e+3]", "[1E5]", "[0.5]", "[-0.25e-2]", "[10]",
    "[\"\\u00e9\\n\\t\\\"\\\\\\/\\b\\f\\r\"]", "{\"a\": [true, false, null]}",
    " \t\r\n{\"a\" : {\"b\" : [ ]}} \n", "\"text\"", "17",
    "[\"\\ud83d\\ude00\"]", "[\"\\uDBFF\\uDFFF\"]", "[\"\\ufffe\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node = sr_json_parse_strict (bad[i], -1, &error);

      if (node != NULL)
        g_error ("Not JSON, but accepted: %s", bad[i]);
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      g_assert_true (g_str_has_suffix (error->message, "."));
      g_assert_null (strchr (error->message, '\n'));
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node = sr_json_parse_strict (good[i], -1, &error);

      if (node == NULL)
        g_error ("JSON, but refused: %s (%s)", good[i], error->message);
      json_node_unref (node);
    }
}

/* JsonParser recurses once per level: a crafted file of a few hundred
 * kilobytes of brackets used to overflow the stack. 64 levels are allowed,
 * far more than any form, profile or answers file needs. */
static void
test_json_depth (void)
{
  static const char *const opens[] = { "[", "{\"a\":" };
  static const char *const closes[] = { "]", "}" };

  for (guint kind = 0; kind < G_N_ELEMENTS (opens); kind++)
    {
      const guint depths[] = { 64, 65, 1000000 };

      for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
        {
          g_autoptr(GString) text = g_string_new (NULL);
          g_autoptr(GError) error = NULL;
          JsonNode *node;

          for (guint i = 0; i < depths[d]; i++)
            g_string_append (text, opens[kind]);
          g_string_append (text, "1");
          for (guint i = 0; i < depths[d]; i++)
            g_string_append (text, closes[kind]);

          node = sr_json_parse_strict (text->str, (gssize) text->len, &error);
          if (depths[d] <= 64)
            {
              g_assert_no_error (error);
              json_node_unref (node);
            }
          else
            {
              g_assert_null (node);
              g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
              g_assert_nonnull (strstr (error->message, "nested"));
            }
        }

      /* Unclosed, as a fuzzer would send it. */
      {
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(GError) error = NULL;

        for (guint i = 0; i < 1000000; i++)
          g_string_append (text, opens[kind]);
        g_assert_null (sr_json_parse_strict (text->str, (gssize) text->len, &error));
        g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      }
    }
}

/* The strict reader is what every JSON of SafeReport goes through: the
 * answers a kiosk seals and the forms it shows. */
static void
test_json_callers (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sr_answers_new_from_json ("{\"form\": \"default\", \"lang\": \"en\", "
                                           "\"answers\": {\"others_count\": 0x1F}}", -1, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_clear_error (&error);

  g_assert_null (sr_answers_new_from_json ("{\"form\": \"default\", \"lang\": \"en\", "
                                           "\"answers\": {\"others_count\": 012}}", -1, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_clear_error (&error);

  g_assert_null (sr_form_new_from_data ("{\"id\": \"f\", \"version\": $1, \"languages\": [\"en\"], "
                                        "\"questions\": []}", -1, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "number"));
}

int
main (int   argc,
      char *argv[])
{
  sr_test_init (&argc, &argv);
  sr_fuzz_init ();

  g_test_add_func ("/sr/fuzz/core-dumps-off", test_core_dumps_off);
  g_test_add_func ("/sr/fuzz/json-strict", test_json_strict);
  g_test_add_func ("/sr/fuzz/json-depth", test_json_depth);
  g_test_add_func ("/sr/fuzz/json-callers", test_json_callers);
  g_test_add_func ("/sr/fuzz/edges", test_edges);
  g_test_add_func ("/sr/fuzz/corpus", test_corpus);
  g_test_add_func ("/sr/fuzz/regressions", test_regressions);

  return g_test_run ();
}
