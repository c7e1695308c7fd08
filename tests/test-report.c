/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

#include <sodium.h>
#include <string.h>
#include <zlib.h>

#include "sr-answers.h"
#include "sr-error.h"
#include "sr-form.h"
#include "sr-report.h"

/* Every report codec rule in docs/FORMAT.md ("Report") has a test here:
 * round trips in many scripts, determinism, the test vectors, the strict
 * decoder against hand-made bodies, every truncation and every single-byte
 * corruption, and the decompression bomb guard. */

#define DAY 20175 /* 2025-03-28 */

static const char *const sample_names[] = { "en", "th", "my", "km", "ar", "zh_CN", "am", NULL };

static SrForm *
default_form (void)
{
  g_autoptr(GError) error = NULL;
  SrForm *form = sr_form_load_default (&error);

  g_assert_no_error (error);
  return form;
}

static SrAnswers *
load_sample (const char *name)
{
  g_autofree char *file = g_strdup_printf ("answers/%s.json", name);
  g_autofree char *path = sr_test_data_path (file);
  g_autoptr(GBytes) bytes = sr_test_read (path);
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  SrAnswers *answers = sr_answers_new_from_json (data, (gssize) len, &error);

  g_assert_no_error (error);
  return answers;
}

static SrAnswers *
decode_ok (const SrSecret *encoded,
           guint32         expected_day)
{
  g_autoptr(GError) error = NULL;
  guint32 day = 0;
  SrAnswers *answers = sr_report_decode (encoded->data, encoded->len, &day, &error);

  g_assert_no_error (error);
  g_assert_nonnull (answers);
  g_assert_cmpuint (day, ==, expected_day);
  return answers;
}

/* Encodes with every method and the automatic choice, decodes each, and
 * checks the answers and the bytes come back exactly. Returns the size the
 * encoder chose. */
static gsize
round_trip (SrAnswers *answers,
            guint32    day)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) best = sr_report_encode (answers, day, &error);
  g_autoptr(SrAnswers) back = NULL;
  g_autoptr(SrSecret) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (best->data[0], ==, 1);
  back = decode_ok (best, day);
  g_assert_true (sr_answers_equal (answers, back));
  g_assert_cmpuint (sr_answers_get_form_version (back), ==, sr_answers_get_form_version (answers));

  /* Decoding then encoding gives the same bytes again. */
  again = sr_report_encode (back, day, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (best->data, best->len, again->data, again->len);

  for (SrReportMethod method = SR_REPORT_STORED; method <= SR_REPORT_WINDOW; method++)
    {
      g_autoptr(SrSecret) encoded = sr_report_encode_method (answers, day, method, &error);
      g_autoptr(SrAnswers) decoded = NULL;

      if (encoded == NULL)
        {
          /* Only the window method can be unavailable: all ASCII. */
          g_assert_cmpint (method, ==, SR_REPORT_WINDOW);
          g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
          g_clear_error (&error);
          continue;
        }
      g_assert_cmpuint (encoded->data[1], ==, method);
      /* The automatic choice is never larger than any method. */
      g_assert_cmpuint (best->len, <=, encoded->len);
      decoded = decode_ok (encoded, day);
      g_assert_true (sr_answers_equal (answers, decoded));
      if (method == SR_REPORT_STORED)
        {
          g_autoptr(SrSecret) stored_again = sr_report_encode_method (decoded, day, method, &error);

          g_assert_no_error (error);
          g_assert_cmpmem (encoded->data, encoded->len, stored_again->data, stored_again->len);
        }
    }

  return best->len;
}

static void
test_samples (void)
{
  g_autoptr(SrForm) form = default_form ();

  for (guint i = 0; sample_names[i] != NULL; i++)
    {
      g_autoptr(SrAnswers) answers = load_sample (sample_names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrAnswers) back = NULL;
      g_autoptr(SrSecret) encoded = NULL;
      char *json = sr_answers_to_json (answers, FALSE);
      gsize json_len = strlen (json);
      gsize stored, deflated, windowed = 0;
      gsize size;

      sr_wipe_string_free (json);
      g_assert_true (sr_answers_validate (answers, form, &error));
      size = round_trip (answers, DAY);

      /* The decoded answers still validate against the form. */
      encoded = sr_report_encode (answers, DAY, &error);
      back = decode_ok (encoded, DAY);
      g_assert_true (sr_answers_validate (back, form, &error));
      g_assert_no_error (error);

      {
        g_autoptr(SrSecret) s = sr_report_encode_method (answers, DAY, SR_REPORT_STORED, NULL);
        g_autoptr(SrSecret) d = sr_report_encode_method (answers, DAY, SR_REPORT_DEFLATE, NULL);
        g_autoptr(SrSecret) w = sr_report_encode_method (answers, DAY, SR_REPORT_WINDOW, NULL);

        stored = s->len;
        deflated = d->len;
        if (w != NULL)
          windowed = w->len;
      }
      g_test_message ("%-5s narrative %4" G_GSIZE_FORMAT " bytes; JSON %4" G_GSIZE_FORMAT
                      ", stored %4" G_GSIZE_FORMAT ", deflate %3" G_GSIZE_FORMAT
                      ", window %3" G_GSIZE_FORMAT " -> report %3" G_GSIZE_FORMAT " bytes (method %u)",
                      sample_names[i], strlen (sr_answers_get_text (answers, "narrative")),
                      json_len, stored, deflated, windowed, size, encoded->data[1]);

      /* A typical report must fit one QR code (about 800 bytes) next to
       * about 160 bytes of envelope. */
      g_assert_cmpuint (size, <=, 640);
      g_assert_cmpuint (size, <, json_len / 2);
    }
}

/* The realistic reports the QR budget is set by: about 600 bytes of
 * narrative in Burmese, Thai and English. */
static void
test_sizes (void)
{
  const char *names[] = { "my", "th", "en" };
  gsize limits[] = { 300, 320, 420 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SrAnswers) answers = load_sample (names[i]);
      g_autoptr(SrSecret) encoded = NULL;
      g_autoptr(SrAnswers) narrative_only = sr_answers_new ("default", names[i]);
      g_autoptr(SrSecret) small = NULL;
      const char *narrative = sr_answers_get_text (answers, "narrative");

      sr_answers_set_form_version (answers, 1);
      encoded = sr_report_encode (answers, DAY, NULL);
      sr_answers_set_form_version (narrative_only, 1);
      sr_answers_set_text (narrative_only, "role", "survivor");
      sr_answers_set_text (narrative_only, "narrative", narrative);
      sr_answers_set_bool (narrative_only, "consent", TRUE);
      small = sr_report_encode (narrative_only, DAY, NULL);

      g_test_message ("%s: %" G_GSIZE_FORMAT "-byte narrative (%ld characters): full report %"
                      G_GSIZE_FORMAT " bytes (method %u), role + narrative + consent %"
                      G_GSIZE_FORMAT " bytes (method %u)",
                      names[i], strlen (narrative), g_utf8_strlen (narrative, -1), encoded->len,
                      encoded->data[1], small->len, small->data[1]);
      g_assert_cmpuint (strlen (narrative), >=, 550);
      g_assert_cmpuint (encoded->len, <=, limits[i]);
      g_assert_cmpuint (small->len, <, encoded->len);
    }
}

static void
test_scripts (void)
{
  const char *texts[] = {
    "Plain ASCII, with \"quotes\", \\ and\ttabs\nand lines.",
    "Café, naïve, Ñandú, Þórr, straße, Łódź, İstanbul, Việt Nam",
    "ฉันถูกหลอกไปทำงานที่เมียวดี ทุกวันต้องทำงาน ๑๖ ชั่วโมง",
    "ကျွန်တော့်ကို မြဝတီမှာ ချုပ်ထားတယ်။ ၁၅ နာရီ အလုပ်လုပ်ရတယ်။",
    "ខ្ញុំត្រូវបានគេបោកប្រាស់ ហើយជាប់នៅក្រុងព្រះសីហនុ។",
    "ابني محتجز في ميانمار. طلبوا فدية ٥٠٠٠ دولار.",
    "میرا بھائی کمبوڈیا میں پھنسا ہوا ہے۔",
    "他们把我们关在园区里，每天工作十六个小时。",
    "我們被關在園區裡。",
    "ወንድሜ በማያንማር ታስሯል። ፓስፖርቱን ወሰዱት።",
    "Тут много людей из России. 🙏🙏 😢 🆘 👨‍👩‍👧",
    "𝄞 𐍈 𠜎 outside the basic plane",
    "Mixed: ฉัน + ကျွန်တော် + 中文 + عربى + ኢትዮጵያ + 😀",
    "한국어 문장입니다. 日本語の文章です。",
    "नेपाली र हिन्दी पाठ। বাংলা লেখা।",
    "x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
      const char *const list[] = { texts[i], "beating", "", NULL };

      sr_answers_set_form_version (answers, 1);
      sr_answers_set_text (answers, "narrative", texts[i]);
      sr_answers_set_text (answers, "held_place", texts[(i + 1) % G_N_ELEMENTS (texts)]);
      sr_answers_set_list (answers, "abuse", list);
      sr_answers_set_number (answers, "others_count", -(gint64) i * 1000003);
      sr_answers_set_bool (answers, "consent", i % 2);
      round_trip (answers, i * 1000);
    }
}

static void
test_values (void)
{
  const gint64 numbers[] = { 0, 1, -1, 63, -64, 64, 127, 128, 1000000, G_MAXINT64, G_MININT64,
                             G_MAXINT32, (gint64) G_MININT32 - 1 };
  const guint32 days[] = { 0, 1, 127, 128, 16383, 16384, 20175, G_MAXUINT32 };
  const guint versions[] = { 0, 1, 127, 128, G_MAXUINT32 };
  const char *const empty[] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
      g_autoptr(SrSecret) encoded = NULL;
      g_autoptr(SrAnswers) back = NULL;

      sr_answers_set_number (answers, "n", numbers[i]);
      encoded = sr_report_encode (answers, DAY, NULL);
      back = decode_ok (encoded, DAY);
      g_assert_cmpint (sr_answers_get_number (back, "n"), ==, numbers[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    for (guint j = 0; j < G_N_ELEMENTS (versions); j++)
      {
        g_autoptr(SrAnswers) answers = sr_answers_new ("f", "zh_TW");

        sr_answers_set_form_version (answers, versions[j]);
        round_trip (answers, days[i]);
      }

  /* An empty list, an empty string and false are answers too. */
  {
    g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");

    sr_answers_set_list (answers, "a", empty);
    sr_answers_set_text (answers, "b", "");
    sr_answers_set_bool (answers, "c", FALSE);
    round_trip (answers, DAY);
  }

  /* The longest ids. */
  {
    g_autoptr(SrAnswers) answers = sr_answers_new ("abcdefghijabcdefghijabcdefghijabcdefghij", "pt_BR");

    sr_answers_set_text (answers, "abcdefghijabcdefghijabcdefghijabcdefghij", "z");
    round_trip (answers, DAY);
  }
}

static void
test_determinism (void)
{
  g_autoptr(SrAnswers) a = load_sample ("my");
  g_autoptr(SrAnswers) b = sr_answers_new ("default", "my");
  g_autofree const char **ids = NULL;
  guint n;

  /* The same answers set in the opposite order encode identically. */
  ids = sr_answers_get_ids (a, &n);
  for (guint i = n; i-- > 0;)
    switch (sr_answers_get_kind (a, ids[i]))
      {
      case SR_VALUE_TEXT:
        sr_answers_set_text (b, ids[i], sr_answers_get_text (a, ids[i]));
        break;
      case SR_VALUE_LIST:
        sr_answers_set_list (b, ids[i], sr_answers_get_list (a, ids[i]));
        break;
      case SR_VALUE_NUMBER:
        sr_answers_set_number (b, ids[i], sr_answers_get_number (a, ids[i]));
        break;
      case SR_VALUE_BOOL:
      default:
        sr_answers_set_bool (b, ids[i], sr_answers_get_bool (a, ids[i]));
        break;
      }

  for (SrReportMethod method = SR_REPORT_STORED; method <= SR_REPORT_WINDOW; method++)
    {
      g_autoptr(SrSecret) x = sr_report_encode_method (a, DAY, method, NULL);
      g_autoptr(SrSecret) y = sr_report_encode_method (a, DAY, method, NULL);
      g_autoptr(SrSecret) z = sr_report_encode_method (b, DAY, method, NULL);

      g_assert_cmpmem (x->data, x->len, y->data, y->len);
      g_assert_cmpmem (x->data, x->len, z->data, z->len);
    }

  /* The day is the only thing that changes with time. */
  {
    g_autoptr(SrSecret) x = sr_report_encode_method (a, DAY, SR_REPORT_STORED, NULL);
    g_autoptr(SrSecret) y = sr_report_encode_method (a, DAY + 1, SR_REPORT_STORED, NULL);

    g_assert_cmpuint (x->len, ==, y->len);
    g_assert_true (memcmp (x->data, y->data, x->len) != 0);
  }
}

/* ---- Test vectors (docs/FORMAT.md ("Report")) ------------------------------ */

static SrAnswers *
vector_answers (void)
{
  SrAnswers *answers = sr_answers_new ("default", "my");
  const char *const recruited[] = { "job_ad", "agency", NULL };

  sr_answers_set_form_version (answers, 1);
  sr_answers_set_text (answers, "role", "survivor");
  sr_answers_set_text (answers, "narrative", "ပတ်စပို့ သိမ်းထားတယ်။");
  sr_answers_set_text (answers, "held_country", "MM");
  sr_answers_set_list (answers, "recruited_how", recruited);
  sr_answers_set_number (answers, "others_count", 40);
  sr_answers_set_bool (answers, "consent", TRUE);

  return answers;
}

static const char vector_stored[] =
  /* version 1, method 0 (stored) */
  "0100"
  /* form "default", version 1, lang "my", day 20175, 6 answers */
  "0764656661756c7401026d79cf9d0106"
  /* "consent": BOOL true */
  "07636f6e73656e740301"
  /* "held_country": TEXT "MM" */
  "0c68656c645f636f756e74727900024d4d"
  /* "narrative": TEXT, 61 bytes of Burmese */
  "096e6172726174697665003de18095e18090e180bae18085e18095e180ade180afe180b7"
  "20e1809ee180ade18099e180bae180b8e18091e180ace180b8e18090e1809ae180bae181"
  "8b"
  /* "others_count": NUMBER 40 (zigzag 80) */
  "0c6f74686572735f636f756e740250"
  /* "recruited_how": LIST ["job_ad", "agency"] */
  "0d7265637275697465645f686f770102066a6f625f6164066167656e6379"
  /* "role": TEXT "survivor" */
  "04726f6c6500087375727669766f72";

static GBytes *
unhex (const char *hex)
{
  gsize len = strlen (hex);
  guint8 *data = g_malloc (len / 2);

  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      data[i] = (guint8) (hi << 4 | lo);
    }

  return g_bytes_new_take (data, len / 2);
}

static char *
hex (const guint8 *data,
     gsize         len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static void
test_dictionary (void)
{
  gsize len;
  const guint8 *dictionary = sr_report_dictionary (&len);
  guint8 hash[32];
  g_autofree char *digest = NULL;
  g_autoptr(SrForm) form = default_form ();

  crypto_generichash (hash, sizeof hash, dictionary, len, NULL, 0);
  digest = hex (hash, sizeof hash);
  g_test_message ("dictionary: %" G_GSIZE_FORMAT " bytes, BLAKE2b-256 %s", len, digest);
  /* Frozen: changing one byte makes every deflated report unreadable. */
  g_assert_cmpuint (len, ==, 1223);
  g_assert_cmpstr (digest, ==, "c3a64cc6aaea4f3e9a06e7859bcefd2d6930d769901485d1b4e35d72329081e8");

  /* It was made from the default form: each question that takes an answer
   * appears in it as the codec writes its id. */
  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      SrQuestion *question = sr_form_get_question (form, i);
      const char *id = sr_question_get_id (question);
      guint8 needle[64];

      if (sr_question_get_kind (question) == SR_QUESTION_INFO)
        continue;
      needle[0] = (guint8) strlen (id);
      memcpy (needle + 1, id, strlen (id));
      g_assert_nonnull (memmem (dictionary, len, needle, strlen (id) + 1));
    }
}

static void
test_vectors (void)
{
  g_autoptr(SrAnswers) answers = vector_answers ();
  g_autoptr(GBytes) expected = unhex (vector_stored);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) stored = sr_report_encode_method (answers, DAY, SR_REPORT_STORED, &error);
  g_autofree char *got = hex (stored->data, stored->len);

  g_assert_no_error (error);
  g_test_message ("stored: %s", got);
  g_assert_cmpmem (stored->data, stored->len, g_bytes_get_data (expected, NULL),
                   g_bytes_get_size (expected));

  for (SrReportMethod method = SR_REPORT_DEFLATE; method <= SR_REPORT_WINDOW; method++)
    {
      g_autoptr(SrSecret) encoded = sr_report_encode_method (answers, DAY, method, &error);
      g_autofree char *text = hex (encoded->data, encoded->len);
      g_autoptr(SrAnswers) back = decode_ok (encoded, DAY);

      g_test_message ("method %u: %s", method, text);
      g_assert_true (sr_answers_equal (answers, back));
    }
}

/* Deflate streams made once and written into docs/FORMAT.md ("Report"); any
 * zlib must read them the same way. */
static const char vector_deflate[] =
  "010183c72730999c9fcbc88688228c0047729cedc386a90f1b263c6cd8f5b0a115cc5efb"
  "b061fdc386ed0a0f1be6813933c1723b1e364c7cd8b006cc00aa9e05126cec46f55a007a"
  "0e847a05bbeb01";
static const char vector_window[] =
  "0102852083c72730999c9fcbc88688228c0047729ce884eead0d1356acdaa43073c594ad"
  "9b7b966fee9ebaf518aa9303d07316d489d85d0500";

static void
test_vectors_decode (void)
{
  const char *vectors[] = { vector_deflate, vector_window };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GBytes) bytes = unhex (vectors[i]);
      g_autoptr(SrAnswers) expected = vector_answers ();
      g_autoptr(GError) error = NULL;
      guint32 day = 0;
      g_autoptr(SrAnswers) answers = sr_report_decode (g_bytes_get_data (bytes, NULL),
                                                       g_bytes_get_size (bytes), &day, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (day, ==, DAY);
      g_assert_true (sr_answers_equal (expected, answers));
      g_assert_cmpuint (sr_answers_get_form_version (answers), ==, 1);
    }
}

/* ---- The strict decoder ------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *hex;
  const char *needle;
} StrictCase;

/* Hand-made reports, each breaking one rule. The valid base is
 * 01 00 | 01"f" 01 02"en" 05 01 | 01"a" 00 01"x". */
static const StrictCase strict_cases[] = {
  { "empty", "", "too short" },
  { "one-byte", "01", "too short" },
  { "version-0", "0000016601026" "56e050101610001" "78", "codec version 0" },
  { "version-3", "030001660102656e0501016100017" "8", "codec version 3" },
  { "method-3", "0103", "compression method 3" },
  { "method-255", "01ff016601026" "56e05010161000178", "compression method 255" },
  { "trailing-byte", "0100016601026" "56e0501016100017800", "after its last answer" },
  { "truncated-value", "0100016601026" "56e05010161000278", "runs past its end" },
  { "truncated-kind", "0100016601026" "56e050101" "61", "claims more answers" },
  { "truncated-text", "0100016601026" "56e050101" "6100", "ends in the middle" },
  { "count-too-big", "0100016601026" "56e0502016100017" "8", "claims more answers" },
  { "count-huge", "0100016601026" "56e05ffffffff0f", "too large" },
  { "unsorted", "0100016601026" "56e05020162000178016100017" "8", "increasing" },
  { "duplicate", "0100016601026" "56e05020161000178016100017" "8", "increasing" },
  { "prefix-order", "0100016601026" "56e0502026162000178016100017" "8", "increasing" },
  { "bad-id-upper", "0100016601026" "56e05010141000178", "question id" },
  { "bad-id-empty", "0100016601026" "56e050100000178", "question id" },
  { "bad-form-id", "0100014601026" "56e0501016100017" "8", "form id" },
  { "empty-form-id", "01000001026" "56e0501016100017" "8", "form id" },
  { "bad-lang", "0100016601022" "06e0501016100017" "8", "language" },
  { "empty-lang", "01000166010005010161000178", "language" },
  { "unknown-kind", "0100016601026" "56e05010161040178", "kind" },
  { "bool-2", "0100016601026" "56e050101610302", "0 or 1" },
  { "invalid-utf8", "0100016601026" "56e0501016100" "01ff", "UTF-8" },
  { "nul-in-text", "0100016601026" "56e05010161000261" "00", "UTF-8" },
  { "surrogate", "0100016601026" "56e0501016100" "03eda080", "UTF-8" },
  { "overlong-utf8", "0100016601026" "56e0501016100" "02c0af", "UTF-8" },
  { "varint-padded", "0100016601026" "56e8500010161000178", "more bytes than it needs" },
  { "varint-padded-zero", "010001660102656e0580000161000178", "more bytes than it needs" },
  { "varint-11-bytes", "0100016601026" "56e0501016102ffffffffffffffffffff01", "64 bits" },
  { "varint-overflow", "0100016601026" "56e0501016102ffffffffffffffffff02", "64 bits" },
  { "day-too-big", "0100016601026" "56e808080801001016100017" "8", "too large" },
  { "version-too-big", "010001668080808010026" "56e05010161000178", "too large" },
  { "list-too-long", "0100016601026" "56e050101610165", "too large" },
  { "list-past-end", "0100016601026" "56e050101610102017" "8", "ends in the middle" },
  { "deflate-garbage", "0101ffffffff", "damaged" },
  { "deflate-empty", "0101", "ends too early" },
  { "window-too-low", "01027f", "script window" },
  { "window-surrogates", "0102" "80b003", "script window" },
  { "window-too-high", "0102" "81ff43", "script window" },
  { "window-truncated", "010280", "ends in the middle" },
};

static void
test_strict (gconstpointer data)
{
  const StrictCase *c = data;
  g_autoptr(GBytes) bytes = unhex (c->hex);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnswers) answers = sr_report_decode (g_bytes_get_data (bytes, NULL),
                                                   g_bytes_get_size (bytes), NULL, &error);

  g_assert_null (answers);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_test_message ("%s: %s", c->name, error->message);
  g_assert_nonnull (strstr (error->message, c->needle));
  g_assert_true (g_str_has_suffix (error->message, "."));
}

/* The base of the strict cases decodes: the cases fail for their one
 * change, not for something else. */
static void
test_strict_base (void)
{
  g_autoptr(GBytes) bytes = unhex ("0100016601026" "56e050101610001" "78");
  g_autoptr(GError) error = NULL;
  guint32 day = 0;
  g_autoptr(SrAnswers) answers = sr_report_decode (g_bytes_get_data (bytes, NULL),
                                                   g_bytes_get_size (bytes), &day, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (day, ==, 5);
  g_assert_cmpstr (sr_answers_get_form_id (answers), ==, "f");
  g_assert_cmpuint (sr_answers_get_form_version (answers), ==, 1);
  g_assert_cmpstr (sr_answers_get_lang (answers), ==, "en");
  g_assert_cmpstr (sr_answers_get_text (answers, "a"), ==, "x");
}

/* Compresses raw body bytes as method 1 would, to test what the decoder
 * does with bodies and streams the encoder would never make. */
static GBytes *
deflate_raw (const guint8 *body,
             gsize         len,
             gboolean      with_dictionary,
             const guint8 *tail,
             gsize         tail_len)
{
  z_stream zs = { 0, };
  gsize dict_len;
  const guint8 *dictionary = sr_report_dictionary (&dict_len);
  gsize bound;
  guint8 *out;

  g_assert_cmpint (deflateInit2 (&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  if (with_dictionary)
    g_assert_cmpint (deflateSetDictionary (&zs, dictionary, (uInt) dict_len), ==, Z_OK);
  bound = deflateBound (&zs, len) + 64;
  out = g_malloc (2 + bound + tail_len);
  out[0] = 1;
  out[1] = 1;
  zs.next_in = (Bytef *) body;
  zs.avail_in = (uInt) len;
  zs.next_out = out + 2;
  zs.avail_out = (uInt) bound;
  g_assert_cmpint (deflate (&zs, Z_FINISH), ==, Z_STREAM_END);
  if (tail_len > 0)
    memcpy (out + 2 + zs.total_out, tail, tail_len);
  len = 2 + zs.total_out + tail_len;
  deflateEnd (&zs);

  return g_bytes_new_take (out, len);
}

static void
test_deflate_strict (void)
{
  g_autoptr(GBytes) body = unhex ("016601026" "56e050101610001" "78");
  g_autoptr(GError) error = NULL;
  const guint8 extra = 0;
  SrAnswers *answers;

  {
    g_autoptr(GBytes) good = deflate_raw (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                          TRUE, NULL, 0);

    answers = sr_report_decode (g_bytes_get_data (good, NULL), g_bytes_get_size (good), NULL, &error);
    g_assert_no_error (error);
    sr_answers_free (answers);
  }

  /* A byte after the end of the deflate stream. */
  {
    g_autoptr(GBytes) tail = deflate_raw (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                          TRUE, &extra, 1);

    answers = sr_report_decode (g_bytes_get_data (tail, NULL), g_bytes_get_size (tail), NULL, &error);
    g_assert_null (answers);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "after its compressed data"));
    g_clear_error (&error);
  }

  /* A body compressed without the dictionary still inflates (it makes no
   * reference into it): the dictionary is a help, not a check. A body with
   * a trailing byte inside the stream is refused like a stored one. */
  {
    g_autoptr(GBytes) nodict = deflate_raw (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                            FALSE, NULL, 0);
    g_autoptr(GBytes) longer = unhex ("016601026" "56e05010161000178" "00");
    g_autoptr(GBytes) bad = deflate_raw (g_bytes_get_data (longer, NULL), g_bytes_get_size (longer),
                                         TRUE, NULL, 0);

    answers = sr_report_decode (g_bytes_get_data (nodict, NULL), g_bytes_get_size (nodict), NULL,
                                &error);
    g_assert_no_error (error);
    sr_answers_free (answers);

    answers = sr_report_decode (g_bytes_get_data (bad, NULL), g_bytes_get_size (bad), NULL, &error);
    g_assert_null (answers);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_clear_error (&error);
  }
}

/* Method 2: the one spelling of each character. */
static void
test_window_strict (void)
{
  struct
  {
    const char *hex;
    const char *text; /* NULL: must fail */
  } cases[] = {
    /* Window U+1000. "က" (U+1000) is 0x80; "ဿ"? U+103F is 0xBF. */
    { "8020" "0380bfff", "\xe1\x80\x80\xe1\x80\xbf\xe1\x81\xbf" },
    /* ASCII is itself. */
    { "8020" "03616263", "abc" },
    /* A character outside the window is escaped as its UTF-8. */
    { "8020" "0400e0b880", "\xe0\xb8\x80" },
    { "8020" "0500f09f9980", "\xf0\x9f\x99\x80" },
    /* Escaping a character the window holds: a second spelling. */
    { "8020" "0400e18080", NULL },
    /* Escaping ASCII. */
    { "8020" "020041", NULL },
    /* An escape cut short, at the end and in the middle. */
    { "8020" "0200e0", NULL },
    { "8020" "0300e0b8", NULL },
    { "8020" "0100", NULL },
    /* An escaped invalid sequence: a surrogate, an overlong form. */
    { "8020" "0400eda080", NULL },
    { "8020" "0300c0af", NULL },
    /* A continuation byte where a lead byte belongs. */
    { "8020" "030080bf", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body_hex = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GBytes) deflated = NULL;
      g_autoptr(GByteArray) report = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(SrAnswers) answers = NULL;
      const guint8 *window = (const guint8 *) "\x01\x02\x80\x20";

      /* form "f", version 1, lang "en", day 5, one answer "a" = text */
      body_hex = g_strconcat ("016601026" "56e05010161" "00", cases[i].hex + 4, NULL);
      body = unhex (body_hex);
      deflated = deflate_raw (g_bytes_get_data (body, NULL), g_bytes_get_size (body), TRUE, NULL, 0);
      g_byte_array_append (report, window, 4);
      g_byte_array_append (report, (const guint8 *) g_bytes_get_data (deflated, NULL) + 2,
                           g_bytes_get_size (deflated) - 2);

      answers = sr_report_decode (report->data, report->len, NULL, &error);
      if (cases[i].text != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (sr_answers_get_text (answers, "a"), ==, cases[i].text);
        }
      else
        {
          g_assert_null (answers);
          g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
        }
    }
}

/* ---- Attachments: codec version 2 ------------------------------------- */

/* Bytes that start as a JPEG or a PNG does: all the codec checks. The rest
 * is a pattern, so that a byte moved or dropped shows. */
static SrSecret *
fake_image (const char *media_type,
            gsize       len)
{
  static const guint8 jpeg[] = { 0xFF, 0xD8, 0xFF };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  gboolean is_png = g_str_equal (media_type, "image/png");
  gsize magic = is_png ? sizeof png : sizeof jpeg;
  SrSecret *image = sr_secret_new (len);

  g_assert_cmpuint (len, >=, magic);
  memcpy (image->data, is_png ? png : jpeg, magic);
  for (gsize i = magic; i < len; i++)
    image->data[i] = (guint8) (i * 7 + len);
  return image;
}

static SrAnswers *
answers_with_images (const char *sample)
{
  SrAnswers *answers = load_sample (sample);
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_answers_add_attachment (answers, "image/jpeg",
                                            fake_image ("image/jpeg", 70000), &error));
  g_assert_no_error (error);
  g_assert_true (sr_answers_add_attachment (answers, "image/png",
                                            fake_image ("image/png", 300), &error));
  g_assert_no_error (error);
  return answers;
}

static void
test_attachments_round_trip (void)
{
  for (guint s = 0; sample_names[s] != NULL; s++)
    {
      g_autoptr(SrAnswers) answers = answers_with_images (sample_names[s]);
      g_autoptr(SrAnswers) plain = load_sample (sample_names[s]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrSecret) encoded = sr_report_encode (answers, DAY, &error);
      g_autoptr(SrSecret) again = sr_report_encode (answers, DAY, &error);
      g_autoptr(SrSecret) inner = sr_report_encode (plain, DAY, &error);
      g_autoptr(SrAnswers) decoded = NULL;
      gsize pos = 1;
      guint64 answers_len = 0;
      guint shift = 0;

      g_assert_no_error (error);
      g_assert_cmpuint (encoded->data[0], ==, SR_REPORT_VERSION_ATTACHMENTS);
      g_assert_cmpuint (inner->data[0], ==, SR_REPORT_VERSION);
      /* Deterministic, like version 1. */
      g_assert_cmpmem (encoded->data, encoded->len, again->data, again->len);

      /* L, then exactly the version-1 report of the same answers without
       * its version byte, then the count. */
      do
        answers_len |= (guint64) (encoded->data[pos] & 0x7F) << (7 * shift++);
      while (encoded->data[pos++] & 0x80);
      g_assert_cmpuint (answers_len, ==, inner->len - 1);
      g_assert_cmpmem (encoded->data + pos, answers_len, inner->data + 1, inner->len - 1);
      g_assert_cmpuint (encoded->data[pos + answers_len], ==, 2);
      /* The images are stored as they are: the report is no smaller than they. */
      g_assert_cmpuint (encoded->len, >, 70000 + 300 + inner->len);

      decoded = decode_ok (encoded, DAY);
      g_assert_cmpuint (sr_answers_get_n_attachments (decoded), ==, 2);
      g_assert_true (sr_answers_equal (decoded, answers));
      g_assert_false (sr_answers_equal (decoded, plain));

      /* The answers alone stay version 1, byte for byte. */
      sr_answers_remove_attachment (answers, 1);
      sr_answers_remove_attachment (answers, 0);
      g_clear_pointer (&again, sr_secret_free);
      again = sr_report_encode (answers, DAY, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (again->data, again->len, inner->data, inner->len);
    }
}

static void
test_attachments_add (void)
{
  g_autoptr(SrAnswers) answers = load_sample ("en");
  g_autoptr(GError) error = NULL;
  const char *media_type = NULL;
  static const guint8 gif[] = { 'G', 'I', 'F', '8', '9', 'a' };

  /* Unknown types, and bytes that are not what the type says. */
  g_assert_false (sr_answers_add_attachment (answers, "image/gif",
                                             sr_secret_new_from (gif, sizeof gif), &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sr_answers_add_attachment (answers, "image/png",
                                             fake_image ("image/jpeg", 100), &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sr_answers_add_attachment (answers, "image/jpeg", sr_secret_new (0), &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sr_answers_add_attachment (answers, "image/jpeg",
                                             fake_image ("image/jpeg", SR_ATTACHMENT_MAX_BYTES + 1),
                                             &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (sr_answers_get_n_attachments (answers), ==, 0);

  /* Up to the limit, in order, and not one more. */
  for (guint i = 0; i < SR_ATTACHMENTS_MAX; i++)
    {
      g_assert_true (sr_answers_add_attachment (answers, i % 2 ? "image/png" : "image/jpeg",
                                                fake_image (i % 2 ? "image/png" : "image/jpeg",
                                                            100 + i),
                                                &error));
      g_assert_no_error (error);
    }
  g_assert_false (sr_answers_add_attachment (answers, "image/jpeg",
                                             fake_image ("image/jpeg", 100), &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (sr_answers_get_n_attachments (answers), ==, SR_ATTACHMENTS_MAX);
  g_assert_cmpuint (sr_answers_get_attachment (answers, 3, &media_type)->len, ==, 103);
  g_assert_cmpstr (media_type, ==, "image/png");
  g_assert_cmpstr (sr_attachment_extension (media_type), ==, "png");

  sr_answers_remove_attachment (answers, 0);
  g_assert_cmpuint (sr_answers_get_attachment (answers, 0, NULL)->len, ==, 101);

  /* Clearing (quick exit) drops them with the answers. */
  sr_answers_clear (answers);
  g_assert_cmpuint (sr_answers_get_n_attachments (answers), ==, 0);
  g_assert_cmpuint (sr_answers_get_n (answers), ==, 0);
}

/* A version-2 report from its parts, each given as raw bytes, so that
 * every rule can be broken on its own. */
static GByteArray *
v2 (const SrSecret *inner,
    gint64          answers_len)
{
  GByteArray *out = g_byte_array_new ();
  guint8 byte = SR_REPORT_VERSION_ATTACHMENTS;
  guint64 len = answers_len < 0 ? inner->len - 1 : (guint64) answers_len;

  g_byte_array_append (out, &byte, 1);
  do
    {
      byte = (len & 0x7F) | (len > 0x7F ? 0x80 : 0);
      g_byte_array_append (out, &byte, 1);
      len >>= 7;
    }
  while (len != 0);
  g_byte_array_append (out, inner->data + 1, (guint) inner->len - 1);
  return out;
}

static void
append_uvarint (GByteArray *out,
                guint64     value)
{
  do
    {
      guint8 byte = (value & 0x7F) | (value > 0x7F ? 0x80 : 0);

      g_byte_array_append (out, &byte, 1);
      value >>= 7;
    }
  while (value != 0);
}

static void
append_image (GByteArray *out,
              const char *media_type,
              const char *declared_type,
              gsize       len,
              gint64      declared_len)
{
  g_autoptr(SrSecret) image = fake_image (media_type, len);

  append_uvarint (out, strlen (declared_type));
  g_byte_array_append (out, (const guint8 *) declared_type, (guint) strlen (declared_type));
  append_uvarint (out, declared_len < 0 ? len : (guint64) declared_len);
  g_byte_array_append (out, image->data, (guint) image->len);
}

static void
assert_refused (GByteArray *report,
                const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnswers) answers = sr_report_decode (report->data, report->len, NULL, &error);

  if (answers != NULL)
    g_error ("a report with %s was accepted", why);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_assert_null (strchr (error->message, '\n'));
  g_byte_array_unref (report);
}

static void
test_attachments_strict (void)
{
  g_autoptr(SrAnswers) plain = load_sample ("my");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSecret) inner = sr_report_encode (plain, DAY, &error);
  GByteArray *good;
  GByteArray *bad;

  g_assert_no_error (error);

  /* The base case decodes: the refusals below are each one rule broken. */
  good = v2 (inner, -1);
  append_uvarint (good, 1);
  append_image (good, "image/png", "image/png", 40, -1);
  {
    g_autoptr(SrAnswers) answers = sr_report_decode (good->data, good->len, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (sr_answers_get_n_attachments (answers), ==, 1);
  }

  /* Any cut is refused, never half-read. */
  for (guint cut = 0; cut < good->len; cut++)
    {
      bad = g_byte_array_new ();
      g_byte_array_append (bad, good->data, cut);
      assert_refused (bad, "a cut");
    }
  bad = g_byte_array_new ();
  g_byte_array_append (bad, good->data, good->len);
  g_byte_array_append (bad, (const guint8 *) "", 1);
  assert_refused (bad, "a byte after the last image");
  g_byte_array_unref (good);

  bad = v2 (inner, 0);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "image/png", 40, -1);
  assert_refused (bad, "an answers length of 0");

  bad = v2 (inner, 1 << 20);
  assert_refused (bad, "an answers length past the end");

  bad = v2 (inner, (gint64) inner->len - 2);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "image/png", 40, -1);
  assert_refused (bad, "answers one byte short");

  bad = v2 (inner, -1);
  append_uvarint (bad, 0);
  assert_refused (bad, "no attachment at all");

  bad = v2 (inner, -1);
  append_uvarint (bad, SR_ATTACHMENTS_MAX + 1);
  for (guint i = 0; i < SR_ATTACHMENTS_MAX + 1; i++)
    append_image (bad, "image/jpeg", "image/jpeg", 10, -1);
  assert_refused (bad, "too many attachments");

  bad = v2 (inner, -1);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "image/gif", 40, -1);
  assert_refused (bad, "an unknown media type");

  bad = v2 (inner, -1);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "image/jpeg", 40, -1);
  assert_refused (bad, "a PNG said to be a JPEG");

  bad = v2 (inner, -1);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "", 40, -1);
  assert_refused (bad, "an empty media type");

  bad = v2 (inner, -1);
  append_uvarint (bad, 1);
  append_uvarint (bad, 10);
  g_byte_array_append (bad, (const guint8 *) "image/png\0", 10);
  append_uvarint (bad, 8);
  g_byte_array_append (bad, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  assert_refused (bad, "a NUL in the media type");

  bad = v2 (inner, -1);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "image/png", 40, 0);
  assert_refused (bad, "a size of 0");

  bad = v2 (inner, -1);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "image/png", 40, (gint64) SR_ATTACHMENT_MAX_BYTES + 1);
  assert_refused (bad, "a size over the limit");

  bad = v2 (inner, -1);
  append_uvarint (bad, 1);
  append_image (bad, "image/png", "image/png", 40, 41);
  assert_refused (bad, "a size past the end");

  bad = v2 (inner, -1);
  append_uvarint (bad, 2);
  append_image (bad, "image/png", "image/png", 40, -1);
  assert_refused (bad, "one image fewer than counted");
}

/* ---- Truncation and corruption ---------------------------------------- */

static void
check_damaged (const guint8 *data,
               gsize         len,
               SrForm       *form,
               guint        *n_decoded)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnswers) answers = sr_report_decode (data, len, NULL, &error);

  if (answers == NULL)
    {
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      return;
    }

  /* What decodes is answers like any other: they validate or they fail
   * with a clear error, and they encode again. */
  (*n_decoded)++;
  if (!sr_answers_validate (answers, form, &error))
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  if (data[1] == SR_REPORT_STORED)
    {
      /* A stored body has one spelling: what decodes re-encodes to the
       * very same bytes. */
      guint32 day = 0;
      g_autoptr(SrAnswers) check = sr_report_decode (data, len, &day, NULL);
      g_autoptr(SrSecret) exact = sr_report_encode_method (check, day, SR_REPORT_STORED, &error);

      g_assert_no_error (error);
      g_assert_cmpmem (exact->data, exact->len, data, len);
    }
}

static void
test_truncation (void)
{
  g_autoptr(SrForm) form = default_form ();
  g_autoptr(SrAnswers) answers = load_sample ("km");

  for (SrReportMethod method = SR_REPORT_STORED; method <= SR_REPORT_WINDOW; method++)
    {
      g_autoptr(SrSecret) encoded = sr_report_encode_method (answers, DAY, method, NULL);
      g_autoptr(GError) error = NULL;

      for (gsize i = 0; i < encoded->len; i++)
        {
          /* A copy of exactly the prefix, so that reading past it is
           * caught by the memory checkers. */
          g_autofree guint8 *prefix = g_memdup2 (encoded->data, i);
          SrAnswers *decoded = sr_report_decode (prefix, i, NULL, &error);

          g_assert_null (decoded);
          g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
          g_clear_error (&error);
        }

      /* And one byte more. */
      {
        g_autofree guint8 *longer = g_malloc0 (encoded->len + 1);
        SrAnswers *decoded;

        memcpy (longer, encoded->data, encoded->len);
        decoded = sr_report_decode (longer, encoded->len + 1, NULL, &error);
        g_assert_null (decoded);
        g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      }
    }
}

static void
test_corruption (void)
{
  g_autoptr(SrForm) form = default_form ();
  g_autoptr(SrAnswers) answers = load_sample ("my");

  for (SrReportMethod method = SR_REPORT_STORED; method <= SR_REPORT_WINDOW; method++)
    {
      g_autoptr(SrSecret) encoded = sr_report_encode_method (answers, DAY, method, NULL);
      g_autofree guint8 *copy = g_memdup2 (encoded->data, encoded->len);
      guint n_decoded = 0, n_tried = 0;

      /* Every other value at every position of the compressed forms and of
       * the stored header; every bit flip across the stored text, which
       * the framing cannot see and the UTF-8 check partly can. */
      for (gsize i = 0; i < encoded->len; i++)
        {
          gboolean all = method != SR_REPORT_STORED || i < 64;

          for (guint value = 0; value < 256; value++)
            {
              if (value == encoded->data[i])
                continue;
              if (!all && ((value ^ encoded->data[i]) & ((value ^ encoded->data[i]) - 1)) != 0)
                continue;
              copy[i] = (guint8) value;
              check_damaged (copy, encoded->len, form, &n_decoded);
              n_tried++;
            }
          copy[i] = encoded->data[i];
        }

      g_test_message ("method %u: %" G_GSIZE_FORMAT " bytes, %u corruptions, %u still decode",
                      method, encoded->len, n_tried, n_decoded);
      /* A stored body changes meaning, not shape, under most single-byte
       * changes inside text; the framing catches the rest. */
      g_assert_cmpuint (n_decoded, <, n_tried);
    }
}

/* ---- Sizes and bombs ---------------------------------------------------- */

static void
test_bomb (void)
{
  g_autoptr(GError) error = NULL;
  gsize big = SR_REPORT_MAX_BODY + 1;
  g_autofree guint8 *body = g_malloc0 (2 * SR_REPORT_MAX_BODY);
  SrAnswers *answers;

  /* Two MiB of zeros deflate to about two KiB. */
  {
    g_autoptr(GBytes) bomb = deflate_raw (body, 2 * SR_REPORT_MAX_BODY, TRUE, NULL, 0);

    g_test_message ("a bomb of %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (bomb));
    g_assert_cmpuint (g_bytes_get_size (bomb), <, 4096);
    answers = sr_report_decode (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb), NULL,
                                &error);
    g_assert_null (answers);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "1 MiB"));
    g_clear_error (&error);
  }

  /* One byte over the limit is refused, whatever its content. */
  {
    g_autoptr(GBytes) over = deflate_raw (body, big, TRUE, NULL, 0);

    answers = sr_report_decode (g_bytes_get_data (over, NULL), g_bytes_get_size (over), NULL,
                                &error);
    g_assert_null (answers);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "1 MiB"));
    g_clear_error (&error);
  }

  /* The same for a stored body. */
  {
    g_autofree guint8 *stored = g_malloc0 (big + 2);

    stored[0] = 1;
    answers = sr_report_decode (stored, big + 2, NULL, &error);
    g_assert_null (answers);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "1 MiB"));
    g_clear_error (&error);
  }

  /* Method 2 with a window above U+FFFF turns each byte into four: a body
   * under the limit that would unpack to more than 1 MiB is refused too. */
  {
    gsize n = 200 * 1024;
    g_autoptr(GByteArray) inner = g_byte_array_new ();
    guint8 header[] = { 0x01, 0x66, 0x01, 0x02, 0x65, 0x6e, 0x05, 0x04 };
    guint8 length[4];
    g_autoptr(GBytes) packed = NULL;
    g_autoptr(GByteArray) report = g_byte_array_new ();
    /* Window U+1F600 as a uvarint. */
    const guint8 window[] = { 0x01, 0x02, 0x80, 0xec, 0x07 };
    g_autofree guint8 *text = g_malloc (n);

    memset (text, 0x80, n);
    g_byte_array_append (inner, header, sizeof header);
    for (guint i = 0; i < 4; i++)
      {
        guint8 id[] = { 0x01, (guint8) ('a' + i), 0x00 };
        gsize m;

        g_byte_array_append (inner, id, sizeof id);
        m = 0;
        for (guint64 v = n; ; v >>= 7)
          {
            length[m++] = (v & 0x7f) | (v >= 0x80 ? 0x80 : 0);
            if (v < 0x80)
              break;
          }
        g_byte_array_append (inner, length, m);
        g_byte_array_append (inner, text, n);
      }
    g_assert_cmpuint (inner->len, <=, SR_REPORT_MAX_BODY);
    packed = deflate_raw (inner->data, inner->len, TRUE, NULL, 0);
    g_byte_array_append (report, window, sizeof window);
    g_byte_array_append (report, (const guint8 *) g_bytes_get_data (packed, NULL) + 2,
                         g_bytes_get_size (packed) - 2);

    answers = sr_report_decode (report->data, report->len, NULL, &error);
    g_assert_null (answers);
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "1 MiB"));
    g_clear_error (&error);
  }
}

static void
test_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
  gsize near = SR_REPORT_MAX_BODY - 100;
  g_autofree char *text = g_malloc (near + 1);
  g_autoptr(SrSecret) encoded = NULL;
  g_autoptr(SrAnswers) back = NULL;

  /* Just under 1 MiB of body goes through, compressed or not. */
  for (gsize i = 0; i < near; i++)
    text[i] = (char) ('a' + (i * 7919 % 26));
  text[near] = '\0';
  sr_answers_set_text (answers, "narrative", text);
  encoded = sr_report_encode (answers, DAY, &error);
  g_assert_no_error (error);
  back = decode_ok (encoded, DAY);
  g_assert_true (sr_answers_equal (answers, back));
  g_clear_pointer (&encoded, sr_secret_free);
  encoded = sr_report_encode_method (answers, DAY, SR_REPORT_STORED, &error);
  g_assert_no_error (error);
  g_clear_pointer (&back, sr_answers_free);
  back = decode_ok (encoded, DAY);
  g_assert_true (sr_answers_equal (answers, back));
  g_clear_pointer (&encoded, sr_secret_free);

  /* Two-byte characters spread over many windows: the window method would
   * escape most of them and pass the limit, so it is left out, and the
   * report still encodes. */
  {
    g_autoptr(GString) spread = g_string_new (NULL);
    g_autoptr(SrAnswers) wide = sr_answers_new ("default", "en");

    for (guint i = 0; spread->len + 2 <= SR_REPORT_MAX_BODY - 200; i++)
      g_string_append_unichar (spread, 0x100 + (i * 37) % 0x600);
    sr_answers_set_text (wide, "narrative", spread->str);
    g_assert_null (sr_report_encode_method (wide, DAY, SR_REPORT_WINDOW, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
    g_clear_error (&error);
    encoded = sr_report_encode (wide, DAY, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (encoded->data[1], !=, SR_REPORT_WINDOW);
    g_clear_pointer (&back, sr_answers_free);
    back = decode_ok (encoded, DAY);
    g_assert_true (sr_answers_equal (wide, back));
    g_clear_pointer (&encoded, sr_secret_free);
  }

  /* Over it, the encoder refuses before writing anything. */
  sr_answers_set_text (answers, "other", text);
  encoded = sr_report_encode (answers, DAY, &error);
  g_assert_null (encoded);
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
}

static void
test_encode_invalid (void)
{
  struct
  {
    const char *form;
    const char *lang;
    const char *id;
    const char *text;
  } cases[] = {
    { "Default", "en", "role", "x" },
    { "", "en", "role", "x" },
    { "default", "", "role", "x" },
    { "default", "e\xffn", "role", "x" },
    { "default", "en", "Role", "x" },
    { "default", "en", "", "x" },
    { "default", "en", "role", "bad \xff utf-8" },
    { "default", "en", "role", "\xed\xa0\x80" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SrAnswers) answers = sr_answers_new (cases[i].form, cases[i].lang);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrSecret) encoded = NULL;

      sr_answers_set_text (answers, cases[i].id, cases[i].text);
      encoded = sr_report_encode (answers, DAY, &error);
      g_assert_null (encoded);
      g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
      g_test_message ("%s", error->message);
    }

  /* A list item that is not UTF-8, and too many list items. */
  {
    g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
    g_autoptr(GError) error = NULL;
    const char *const bad[] = { "ok", "\xc3", NULL };
    g_autoptr(GPtrArray) many = g_ptr_array_new ();

    sr_answers_set_list (answers, "abuse", bad);
    g_assert_null (sr_report_encode (answers, DAY, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
    g_clear_error (&error);

    for (guint i = 0; i < 101; i++)
      g_ptr_array_add (many, (gpointer) "a");
    g_ptr_array_add (many, NULL);
    sr_answers_set_list (answers, "abuse", (const char *const *) many->pdata);
    g_assert_null (sr_report_encode (answers, DAY, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
    g_clear_error (&error);

    /* The window method needs something outside ASCII. */
    sr_answers_set_text (answers, "abuse", "ascii");
    g_assert_null (sr_report_encode_method (answers, DAY, SR_REPORT_WINDOW, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  }
}

static void
test_days (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today_text = g_date_time_format (now, "%Y-%m-%d");
  guint32 today = sr_report_today ();
  g_autofree char *text = sr_report_day_to_string (today);
  struct
  {
    guint32     day;
    const char *text;
  } cases[] = {
    { 0, "1970-01-01" },
    { 1, "1970-01-02" },
    { 59, "1970-03-01" },
    { 11016, "2000-02-29" },
    { 11017, "2000-03-01" },
    { 19723, "2024-01-01" },
    { 20175, "2025-03-28" },
    { 2932896, "9999-12-31" },
    { G_MAXUINT32, "11761191-01-20" },
  };

  /* Midnight could pass between the two readings; allow it. */
  if (g_strcmp0 (text, today_text) != 0)
    {
      g_autoptr(GDateTime) later = g_date_time_new_now_utc ();
      g_autofree char *later_text = g_date_time_format (later, "%Y-%m-%d");
      g_autofree char *next = sr_report_day_to_string (today + 1);

      g_assert_cmpstr (next, ==, later_text);
    }
  g_assert_cmpuint (today, >, 19723);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = sr_report_day_to_string (cases[i].day);

      g_assert_cmpstr (got, ==, cases[i].text);
    }
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/report/samples", test_samples);
  g_test_add_func ("/sr/report/sizes", test_sizes);
  g_test_add_func ("/sr/report/scripts", test_scripts);
  g_test_add_func ("/sr/report/values", test_values);
  g_test_add_func ("/sr/report/determinism", test_determinism);
  g_test_add_func ("/sr/report/dictionary", test_dictionary);
  g_test_add_func ("/sr/report/vectors", test_vectors);
  g_test_add_func ("/sr/report/vectors-decode", test_vectors_decode);
  g_test_add_func ("/sr/report/strict-base", test_strict_base);
  for (guint i = 0; i < G_N_ELEMENTS (strict_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sr/report/strict/%s", strict_cases[i].name);

      g_test_add_data_func (path, &strict_cases[i], test_strict);
    }
  g_test_add_func ("/sr/report/deflate-strict", test_deflate_strict);
  g_test_add_func ("/sr/report/window-strict", test_window_strict);
  g_test_add_func ("/sr/report/truncation", test_truncation);
  g_test_add_func ("/sr/report/corruption", test_corruption);
  g_test_add_func ("/sr/report/bomb", test_bomb);
  g_test_add_func ("/sr/report/limits", test_limits);
  g_test_add_func ("/sr/report/encode-invalid", test_encode_invalid);
  g_test_add_func ("/sr/report/days", test_days);
  g_test_add_func ("/sr/report/attachments/round-trip", test_attachments_round_trip);
  g_test_add_func ("/sr/report/attachments/add", test_attachments_add);
  g_test_add_func ("/sr/report/attachments/strict", test_attachments_strict);

  return g_test_run ();
}
