/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

#include <string.h>

#include "sr-answers.h"
#include "sr-error.h"
#include "sr-form.h"
#include "sr-secret.h"

/* The samples other suites use too; each answers the default form. */
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
  g_assert_nonnull (answers);
  return answers;
}

/* A valid survivor's answers to the default form, to break one rule at a
 * time. */
static SrAnswers *
base_answers (void)
{
  SrAnswers *answers = sr_answers_new ("default", "en");

  sr_answers_set_text (answers, "role", "survivor");
  sr_answers_set_bool (answers, "consent", TRUE);
  return answers;
}

static void
test_samples (void)
{
  g_autoptr(SrForm) form = default_form ();

  for (guint i = 0; sample_names[i] != NULL; i++)
    {
      g_autoptr(SrAnswers) answers = load_sample (sample_names[i]);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (sr_answers_get_form_id (answers), ==, "default");
      g_assert_cmpstr (sr_answers_get_lang (answers), ==, sample_names[i]);
      g_assert_true (sr_answers_has (answers, "role"));
      g_assert_true (sr_answers_has (answers, "narrative"));
      g_assert_cmpuint (sr_answers_get_n (answers), >=, 5);
      g_assert_cmpuint (sr_answers_get_form_version (answers), ==, 0);
      sr_answers_validate (answers, form, &error);
      g_assert_no_error (error);
      /* Validation binds the answers to the form's version. */
      g_assert_cmpuint (sr_answers_get_form_version (answers), ==, 1);
    }
}

static void
test_accessors (void)
{
  g_autoptr(SrAnswers) answers = sr_answers_new ("default", "my");
  const char *const list[] = { "job_ad", "agency", NULL };
  g_autofree const char **ids = NULL;
  guint n = 99;

  g_assert_cmpuint (sr_answers_get_n (answers), ==, 0);
  ids = sr_answers_get_ids (answers, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (ids[0]);
  g_clear_pointer (&ids, g_free);

  sr_answers_set_text (answers, "role", "survivor");
  sr_answers_set_list (answers, "recruited_how", list);
  sr_answers_set_number (answers, "others_count", 12);
  sr_answers_set_bool (answers, "consent", 7);
  sr_answers_set_text (answers, "Zed", "upper case sorts first");
  sr_answers_set_text (answers, "_x", "underscore sorts between");

  g_assert_cmpuint (sr_answers_get_n (answers), ==, 6);
  g_assert_cmpint (sr_answers_get_kind (answers, "recruited_how"), ==, SR_VALUE_LIST);
  g_assert_cmpint (sr_answers_get_kind (answers, "others_count"), ==, SR_VALUE_NUMBER);
  g_assert_cmpint (sr_answers_get_kind (answers, "consent"), ==, SR_VALUE_BOOL);
  g_assert_cmpint (sr_answers_get_kind (answers, "role"), ==, SR_VALUE_TEXT);
  g_assert_cmpstr (sr_answers_get_text (answers, "role"), ==, "survivor");
  g_assert_true (g_strv_equal (sr_answers_get_list (answers, "recruited_how"), list));
  g_assert_cmpint (sr_answers_get_number (answers, "others_count"), ==, 12);
  g_assert_true (sr_answers_get_bool (answers, "consent") == TRUE);

  /* A getter of the wrong kind gives nothing rather than a wrong value. */
  g_assert_null (sr_answers_get_text (answers, "others_count"));
  g_assert_null (sr_answers_get_list (answers, "role"));
  g_assert_cmpint (sr_answers_get_number (answers, "role"), ==, 0);
  g_assert_false (sr_answers_get_bool (answers, "role"));
  g_assert_null (sr_answers_get_text (answers, "missing"));

  ids = sr_answers_get_ids (answers, &n);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpstr (ids[0], ==, "Zed");
  g_assert_cmpstr (ids[1], ==, "_x");
  g_assert_cmpstr (ids[2], ==, "consent");
  g_assert_cmpstr (ids[3], ==, "others_count");
  g_assert_cmpstr (ids[4], ==, "recruited_how");
  g_assert_cmpstr (ids[5], ==, "role");
  g_assert_null (ids[6]);

  /* Replacing changes the kind. */
  sr_answers_set_text (answers, "others_count", "many");
  g_assert_cmpint (sr_answers_get_kind (answers, "others_count"), ==, SR_VALUE_TEXT);
  g_assert_cmpstr (sr_answers_get_text (answers, "others_count"), ==, "many");
  g_assert_cmpuint (sr_answers_get_n (answers), ==, 6);

  sr_answers_unset (answers, "others_count");
  sr_answers_unset (answers, "never_set");
  g_assert_false (sr_answers_has (answers, "others_count"));
  g_assert_cmpuint (sr_answers_get_n (answers), ==, 5);

  sr_answers_set_lang (answers, "th");
  g_assert_cmpstr (sr_answers_get_lang (answers), ==, "th");
  sr_answers_set_form_version (answers, 4);
  g_assert_cmpuint (sr_answers_get_form_version (answers), ==, 4);

  sr_answers_clear (answers);
  g_assert_cmpuint (sr_answers_get_n (answers), ==, 0);
  g_assert_false (sr_answers_has (answers, "role"));
  g_assert_cmpstr (sr_answers_get_form_id (answers), ==, "default");
  g_assert_cmpstr (sr_answers_get_lang (answers), ==, "th");
}

static void
test_json (void)
{
  const char *input =
    "{\"lang\": \"my\", \"form\": \"default\", \"answers\": {"
    "\"role\": \"survivor\", \"narrative\": \"ကျွန်တော် \\\"quoted\\\"\\nline\\ttab\\\\\","
    "\"abuse\": [\"sold\", \"beating\"], \"others_count\": 3, \"consent\": true}}";
  const char *compact =
    "{\"answers\":{\"abuse\":[\"sold\",\"beating\"],\"consent\":true,"
    "\"narrative\":\"ကျွန်တော် \\\"quoted\\\"\\nline\\ttab\\\\\",\"others_count\":3,"
    "\"role\":\"survivor\"},\"form\":\"default\",\"lang\":\"my\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnswers) answers = sr_answers_new_from_json (input, -1, &error);
  g_autoptr(SrAnswers) again = NULL;
  g_autoptr(SrAnswers) pretty_again = NULL;
  g_autoptr(SrAnswers) empty = NULL;
  char *json;
  char *pretty;

  g_assert_no_error (error);
  g_assert_cmpstr (sr_answers_get_text (answers, "narrative"), ==,
                   "ကျွန်တော် \"quoted\"\nline\ttab\\");

  json = sr_answers_to_json (answers, FALSE);
  g_assert_cmpstr (json, ==, compact);
  again = sr_answers_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (sr_answers_equal (answers, again));
  sr_wipe_string_free (json);

  pretty = sr_answers_to_json (answers, TRUE);
  g_test_message ("%s", pretty);
  g_assert_nonnull (strstr (pretty, "\n    \"abuse\": [\"sold\", \"beating\"],\n"));
  g_assert_true (g_str_has_prefix (pretty, "{\n  \"answers\": {\n"));
  g_assert_true (g_str_has_suffix (pretty, "\n  \"lang\": \"my\"\n}"));
  pretty_again = sr_answers_new_from_json (pretty, -1, &error);
  g_assert_no_error (error);
  g_assert_true (sr_answers_equal (answers, pretty_again));
  sr_wipe_string_free (pretty);

  /* The form version appears once known, and reads back. */
  sr_answers_set_form_version (answers, 1);
  json = sr_answers_to_json (answers, FALSE);
  g_assert_true (g_str_has_suffix (json, "\"form\":\"default\",\"form_version\":1,\"lang\":\"my\"}"));
  g_clear_pointer (&again, sr_answers_free);
  again = sr_answers_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_answers_get_form_version (again), ==, 1);
  sr_wipe_string_free (json);

  /* Control characters are escaped, so the output is always valid JSON. */
  sr_answers_set_text (answers, "narrative", "bell\a");
  json = sr_answers_to_json (answers, FALSE);
  g_assert_nonnull (strstr (json, "\"bell\\u0007\""));
  sr_wipe_string_free (json);

  empty = sr_answers_new ("default", "en");
  json = sr_answers_to_json (empty, FALSE);
  g_assert_cmpstr (json, ==, "{\"answers\":{},\"form\":\"default\",\"lang\":\"en\"}");
  sr_wipe_string_free (json);
  json = sr_answers_to_json (empty, TRUE);
  g_assert_cmpstr (json, ==, "{\n  \"answers\": {},\n  \"form\": \"default\",\n  \"lang\": \"en\"\n}");
  sr_wipe_string_free (json);
}

/* Every sample survives a trip through JSON and back. */
static void
test_json_samples (void)
{
  for (guint i = 0; sample_names[i] != NULL; i++)
    {
      g_autoptr(SrAnswers) answers = load_sample (sample_names[i]);
      g_autoptr(SrAnswers) again = NULL;
      g_autoptr(GError) error = NULL;
      char *json = sr_answers_to_json (answers, i % 2 == 0);
      char *json2;

      again = sr_answers_new_from_json (json, -1, &error);
      g_assert_no_error (error);
      g_assert_true (sr_answers_equal (answers, again));
      json2 = sr_answers_to_json (again, i % 2 == 0);
      g_assert_cmpstr (json, ==, json2);
      /* UTF-8 stays as it is, not \u escapes. */
      g_assert_null (strstr (json, "\\u"));
      sr_wipe_string_free (json);
      sr_wipe_string_free (json2);
    }
}

static void
test_equal (void)
{
  g_autoptr(SrAnswers) a = base_answers ();
  g_autoptr(SrAnswers) b = base_answers ();
  g_autoptr(SrAnswers) other_form = sr_answers_new ("other", "en");
  const char *const ab[] = { "a", "b", NULL };
  const char *const ba[] = { "b", "a", NULL };
  const char *const abc[] = { "a", "b", "c", NULL };

  g_assert_true (sr_answers_equal (a, b));
  sr_answers_set_form_version (a, 1);
  g_assert_true (sr_answers_equal (a, b));

  sr_answers_set_lang (b, "th");
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_set_lang (b, "en");
  g_assert_true (sr_answers_equal (a, b));

  g_assert_false (sr_answers_equal (a, other_form));

  sr_answers_set_text (b, "role", "survivor ");
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_set_text (b, "role", "survivor");

  sr_answers_set_bool (b, "consent", FALSE);
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_set_bool (b, "consent", TRUE);

  sr_answers_set_number (a, "n", 1);
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_set_number (b, "n", 2);
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_set_number (b, "n", 1);
  g_assert_true (sr_answers_equal (a, b));

  sr_answers_set_list (a, "l", ab);
  sr_answers_set_list (b, "l", ba);
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_set_list (b, "l", abc);
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_set_list (b, "l", ab);
  g_assert_true (sr_answers_equal (a, b));

  /* Same value, different kind. */
  sr_answers_set_text (a, "k", "1");
  sr_answers_set_number (b, "k", 1);
  g_assert_false (sr_answers_equal (a, b));
  sr_answers_unset (b, "k");
  g_assert_false (sr_answers_equal (a, b));
  g_assert_false (sr_answers_equal (b, a));
}

/* One rule broken at a time: the answers a case starts from are valid
 * (base_answers), the case changes one thing. */
typedef void (*Breaker) (SrAnswers *answers);

typedef struct
{
  const char *name;
  Breaker     breaker;
  const char *message; /* the whole message, or NULL */
  const char *needle;  /* a part of it */
} InvalidCase;

static void break_unknown (SrAnswers *a) { sr_answers_set_text (a, "favourite_colour", "blue"); }
static void break_option (SrAnswers *a) { sr_answers_set_text (a, "role", "pilot"); }
static void break_option_text (SrAnswers *a) { sr_answers_set_text (a, "role", "I was held, it was awful"); }
static void break_role_list (SrAnswers *a) { const char *const v[] = { "survivor", NULL }; sr_answers_set_list (a, "role", v); }
static void break_multi_option (SrAnswers *a) { const char *const v[] = { "job_ad", "telepathy", NULL }; sr_answers_set_list (a, "recruited_how", v); }
static void break_multi_dup (SrAnswers *a) { const char *const v[] = { "job_ad", "agency", "job_ad", NULL }; sr_answers_set_list (a, "recruited_how", v); }
static void break_multi_empty (SrAnswers *a) { const char *const v[] = { NULL }; sr_answers_set_list (a, "recruited_how", v); }
static void break_multi_text (SrAnswers *a) { sr_answers_set_text (a, "recruited_how", "job_ad"); }
static void break_text_number (SrAnswers *a) { sr_answers_set_number (a, "narrative", 5); }
static void break_text_empty (SrAnswers *a) { sr_answers_set_text (a, "narrative", ""); }
static void break_text_control (SrAnswers *a) { sr_answers_set_text (a, "narrative", "one\rtwo"); }
static void break_text_c1 (SrAnswers *a) { sr_answers_set_text (a, "narrative", "one\xc2\x85two"); }
static void break_text_utf8 (SrAnswers *a) { sr_answers_set_text (a, "narrative", "bad \xe1\x80 end"); }
static void break_text_overlong (SrAnswers *a) { sr_answers_set_text (a, "narrative", "\xc0\xaf"); }
static void
break_text_long (SrAnswers *a)
{
  /* 201 Thai characters: 603 bytes, one character too many for 200. */
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 201; i++)
    g_string_append (text, "ก");
  sr_answers_set_text (a, "current_place", text->str);
}
static void break_info (SrAnswers *a) { sr_answers_set_text (a, "rights", "read"); }
static void break_info_bool (SrAnswers *a) { sr_answers_set_bool (a, "intro", TRUE); }
static void break_hidden (SrAnswers *a) { sr_answers_set_text (a, "ransom_asked", "yes"); }
static void break_hidden_chain (SrAnswers *a) { sr_answers_set_number (a, "others_count", 4); sr_answers_set_text (a, "others_held", "no"); }
static void break_missing_role (SrAnswers *a) { sr_answers_unset (a, "role"); }
static void break_missing_consent (SrAnswers *a) { sr_answers_unset (a, "consent"); }
static void break_consent_false (SrAnswers *a) { sr_answers_set_bool (a, "consent", FALSE); }
static void break_consent_text (SrAnswers *a) { sr_answers_set_text (a, "consent", "yes"); }
static void break_lang (SrAnswers *a) { sr_answers_set_lang (a, "klingon"); }
static void break_lang_case (SrAnswers *a) { sr_answers_set_lang (a, "zh_cn"); }
static void break_date_shape (SrAnswers *a) { sr_answers_set_text (a, "role", "family"); sr_answers_set_text (a, "last_contact", "14/03/2025"); }
static void break_date_invalid (SrAnswers *a) { sr_answers_set_text (a, "role", "family"); sr_answers_set_text (a, "last_contact", "2025-02-29"); }
static void break_date_month (SrAnswers *a) { sr_answers_set_text (a, "role", "family"); sr_answers_set_text (a, "last_contact", "2025-13-01"); }
static void break_date_old (SrAnswers *a) { sr_answers_set_text (a, "role", "family"); sr_answers_set_text (a, "last_contact", "1899-12-31"); }
static void break_date_future (SrAnswers *a) { sr_answers_set_text (a, "role", "family"); sr_answers_set_text (a, "last_contact", "2999-01-01"); }
static void
break_date_day_after_tomorrow (SrAnswers *a)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);
  g_autofree char *text = g_date_time_format (later, "%Y-%m-%d");

  sr_answers_set_text (a, "role", "family");
  sr_answers_set_text (a, "last_contact", text);
}
static void break_country_lower (SrAnswers *a) { sr_answers_set_text (a, "current_country", "th"); }
static void break_country_unknown (SrAnswers *a) { sr_answers_set_text (a, "current_country", "XX"); }
static void break_country_alpha3 (SrAnswers *a) { sr_answers_set_text (a, "current_country", "THA"); }
static void break_country_list (SrAnswers *a) { const char *const v[] = { "TH", NULL }; sr_answers_set_list (a, "current_country", v); }
static void break_number_negative (SrAnswers *a) { sr_answers_set_text (a, "others_held", "yes"); sr_answers_set_number (a, "others_count", -1); }
static void break_number_big (SrAnswers *a) { sr_answers_set_text (a, "others_held", "yes"); sr_answers_set_number (a, "others_count", 1000001); }
static void break_number_text (SrAnswers *a) { sr_answers_set_text (a, "others_held", "yes"); sr_answers_set_text (a, "others_count", "12"); }
static void break_yes_no (SrAnswers *a) { sr_answers_set_text (a, "danger_now", "maybe"); }
static void break_yes_no_case (SrAnswers *a) { sr_answers_set_text (a, "danger_now", "Yes"); }
static void break_yes_no_bool (SrAnswers *a) { sr_answers_set_bool (a, "danger_now", TRUE); }
static void break_form (SrAnswers *a) { sr_answers_set_form_version (a, 0); }
static void break_version (SrAnswers *a) { sr_answers_set_form_version (a, 2); }

static const InvalidCase invalid_cases[] = {
  { "unknown-id", break_unknown, "Question \"favourite_colour\" is not in this form.", NULL },
  { "option", break_option, "Question \"role\": \"pilot\" is not one of its options.", NULL },
  { "option-free-text", break_option_text, "Question \"role\": the answer is not one of its options.", NULL },
  { "single-as-list", break_role_list, NULL, "Question \"role\" takes one option id" },
  { "multi-option", break_multi_option, "Question \"recruited_how\": \"telepathy\" is not one of its options.", NULL },
  { "multi-duplicate", break_multi_dup, "Question \"recruited_how\": \"job_ad\" is chosen twice.", NULL },
  { "multi-empty", break_multi_empty, NULL, "Question \"recruited_how\": no option" },
  { "multi-as-text", break_multi_text, NULL, "Question \"recruited_how\" takes a list" },
  { "text-as-number", break_text_number, NULL, "Question \"narrative\" takes text" },
  { "text-empty", break_text_empty, NULL, "Question \"narrative\": the answer is empty" },
  { "text-control", break_text_control, NULL, "Question \"narrative\": the answer holds a control character" },
  { "text-c1-control", break_text_c1, NULL, "Question \"narrative\": the answer holds a control character" },
  { "text-bad-utf8", break_text_utf8, NULL, "Question \"narrative\": the answer is not valid UTF-8" },
  { "text-overlong-utf8", break_text_overlong, NULL, "Question \"narrative\": the answer is not valid UTF-8" },
  { "text-too-long", break_text_long, "Question \"current_place\": the answer is 201 characters long; at most 100 are allowed.", NULL },
  { "info", break_info, NULL, "Question \"rights\" only gives information" },
  { "info-bool", break_info_bool, NULL, "Question \"intro\" only gives information" },
  { "hidden", break_hidden, NULL, "Question \"ransom_asked\" is not asked" },
  { "hidden-chain", break_hidden_chain, NULL, "Question \"others_count\" is not asked" },
  { "missing-role", break_missing_role, "Question \"role\" needs an answer.", NULL },
  { "missing-consent", break_missing_consent, "Question \"consent\" needs an answer.", NULL },
  { "consent-false", break_consent_false, NULL, "Question \"consent\": the report can only be sent with consent" },
  { "consent-text", break_consent_text, NULL, "Question \"consent\" takes true or false" },
  { "lang", break_lang, "The language \"klingon\" is not one SafeReport knows.", NULL },
  { "lang-case", break_lang_case, NULL, "\"zh_cn\"" },
  { "date-shape", break_date_shape, NULL, "Question \"last_contact\": the answer must be a date" },
  { "date-invalid", break_date_invalid, "Question \"last_contact\": 2025-02-29 is not a valid date.", NULL },
  { "date-month", break_date_month, NULL, "Question \"last_contact\": 2025-13-01 is not a valid date" },
  { "date-old", break_date_old, NULL, "Question \"last_contact\": 1899-12-31 is not a valid date" },
  { "date-future", break_date_future, "Question \"last_contact\": the date 2999-01-01 is in the future.", NULL },
  { "date-day-after-tomorrow", break_date_day_after_tomorrow, NULL, "is in the future" },
  { "country-lower", break_country_lower, NULL, "Question \"current_country\": \"th\" is not an ISO 3166-1" },
  { "country-unknown", break_country_unknown, NULL, "Question \"current_country\": \"XX\" is not an ISO 3166-1" },
  { "country-alpha3", break_country_alpha3, NULL, "Question \"current_country\": \"THA\"" },
  { "country-list", break_country_list, NULL, "Question \"current_country\" takes a country code" },
  { "number-negative", break_number_negative, NULL, "Question \"others_count\": the number must be between 0 and 1000000" },
  { "number-big", break_number_big, NULL, "Question \"others_count\": the number must be between 0 and 1000000" },
  { "number-text", break_number_text, NULL, "Question \"others_count\" takes a whole number" },
  { "yes-no", break_yes_no, NULL, "Question \"danger_now\": the answer must be \"yes\", \"no\" or \"unsure\"" },
  { "yes-no-case", break_yes_no_case, NULL, "Question \"danger_now\": the answer must be" },
  { "yes-no-bool", break_yes_no_bool, NULL, "Question \"danger_now\" takes \"yes\"" },
  { "form-version", break_version, "These answers are for version 2 of the form \"default\", which is now version 1.", NULL },
  { "form-version-unset", break_form, NULL, NULL },
};

static void
test_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(SrForm) form = default_form ();
  g_autoptr(SrAnswers) answers = base_answers ();
  g_autoptr(GError) error = NULL;

  /* The starting point is valid, so the break is what fails. */
  g_assert_true (sr_answers_validate (answers, form, &error));
  g_assert_no_error (error);

  c->breaker (answers);
  if (c->message == NULL && c->needle == NULL)
    {
      /* Unsetting the version is not an error: validation binds it again. */
      g_assert_true (sr_answers_validate (answers, form, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (sr_answers_get_form_version (answers), ==, 1);
      return;
    }

  g_assert_false (sr_answers_validate (answers, form, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_test_message ("%s: %s", c->name, error->message);
  if (c->message != NULL)
    g_assert_cmpstr (error->message, ==, c->message);
  if (c->needle != NULL)
    g_assert_nonnull (strstr (error->message, c->needle));
  g_assert_true (g_str_has_suffix (error->message, "."));
  /* Free text a person typed never shows up in an error. */
  g_assert_null (strstr (error->message, "awful"));
}

static void
test_valid_edges (void)
{
  g_autoptr(SrForm) form = default_form ();
  g_autoptr(SrAnswers) answers = base_answers ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *today_text = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *tomorrow_text = g_date_time_format (tomorrow, "%Y-%m-%d");
  const char *const all_recruited[] = { "other", "agency", "friend_relative", "social_media", "job_ad", NULL };

  /* Exactly 100 characters of a three-byte script, with a tab and a line
   * break, is within the limit of 100 characters. */
  for (guint i = 0; i < 98; i++)
    g_string_append (text, "ក");
  g_string_append (text, "\t\n");
  sr_answers_set_text (answers, "current_place", text->str);
  sr_answers_set_text (answers, "current_country", "MM");
  sr_answers_set_text (answers, "held_country", "KH");
  sr_answers_set_text (answers, "others_held", "yes");
  sr_answers_set_number (answers, "others_count", 0);
  sr_answers_set_list (answers, "recruited_how", all_recruited);
  sr_answers_set_text (answers, "danger_now", "unsure");
  sr_answers_set_text (answers, "narrative", "🙏 emoji and عربى and 中文 and ኢትዮጵያ");
  g_assert_true (sr_answers_validate (answers, form, &error));
  g_assert_no_error (error);

  sr_answers_set_number (answers, "others_count", 1000000);
  g_assert_true (sr_answers_validate (answers, form, &error));

  /* Family members get their own questions, and lose the survivor's. */
  sr_answers_clear (answers);
  sr_answers_set_bool (answers, "consent", TRUE);
  sr_answers_set_text (answers, "role", "family");
  sr_answers_set_text (answers, "last_contact", today_text);
  sr_answers_set_text (answers, "ransom_asked", "no");
  sr_answers_set_text (answers, "held_country_other", "LA");
  g_assert_true (sr_answers_validate (answers, form, &error));
  g_assert_no_error (error);
  sr_answers_set_text (answers, "last_contact", tomorrow_text);
  g_assert_true (sr_answers_validate (answers, form, &error));
  g_assert_no_error (error);
  sr_answers_set_text (answers, "last_contact", "2024-02-29");
  g_assert_true (sr_answers_validate (answers, form, &error));
  sr_answers_set_text (answers, "ilo_debt", "yes");
  g_assert_false (sr_answers_validate (answers, form, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  /* Answers for another form are refused. */
  {
    g_autoptr(SrAnswers) other = sr_answers_new ("other", "en");

    g_assert_false (sr_answers_validate (other, form, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "These answers are for the form \"other\", not \"default\".");
    g_clear_error (&error);
  }

  /* Every language SafeReport knows is accepted, even one the form has no
   * translation for yet: labels fall back to English. */
  for (const char *const *lang = sr_languages_all (); *lang != NULL; lang++)
    {
      g_autoptr(SrAnswers) in_lang = base_answers ();

      sr_answers_set_lang (in_lang, *lang);
      g_assert_true (sr_answers_validate (in_lang, form, &error));
      g_assert_no_error (error);
    }
}

static void
test_countries (void)
{
  const char *const *all = sr_countries_all ();
  const char *some[] = { "TH", "MM", "KH", "LA", "PH", "ET", "EG", "TR", "BR", "CN", "TW", "HK", "ZW", "AD" };
  const char *none[] = { "th", "XK", "UK", "EU", "T", "THA", "", "ZZ", "AA" };

  g_assert_cmpuint (g_strv_length ((GStrv) all), ==, 249);
  for (guint i = 1; all[i] != NULL; i++)
    g_assert_cmpint (strcmp (all[i - 1], all[i]), <, 0);
  for (guint i = 0; all[i] != NULL; i++)
    g_assert_true (sr_country_is_known (all[i]));
  for (guint i = 0; i < G_N_ELEMENTS (some); i++)
    g_assert_true (sr_country_is_known (some[i]));
  for (guint i = 0; i < G_N_ELEMENTS (none); i++)
    g_assert_false (sr_country_is_known (none[i]));
  g_assert_false (sr_country_is_known (NULL));
}

typedef struct
{
  const char *name;
  const char *json;
  int         code;
  const char *needle;
} JsonCase;

static const JsonCase json_cases[] = {
  { "not-json", "{\"form\": ", SR_ERROR_FORMAT, "JSON" },
  { "array", "[1, 2]", SR_ERROR_FORMAT, "object" },
  { "no-form", "{\"lang\": \"en\", \"answers\": {}}", SR_ERROR_INVALID, "\"form\"" },
  { "empty-form", "{\"form\": \"\", \"lang\": \"en\", \"answers\": {}}", SR_ERROR_INVALID, "\"form\"" },
  { "form-number", "{\"form\": 1, \"lang\": \"en\", \"answers\": {}}", SR_ERROR_INVALID, "\"form\"" },
  { "no-lang", "{\"form\": \"default\", \"answers\": {}}", SR_ERROR_INVALID, "\"lang\"" },
  { "no-answers", "{\"form\": \"default\", \"lang\": \"en\"}", SR_ERROR_INVALID, "\"answers\"" },
  { "answers-array", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": []}", SR_ERROR_INVALID, "\"answers\"" },
  { "unknown-key", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {}, \"name\": \"x\"}", SR_ERROR_INVALID, "\"name\"" },
  { "version-zero", "{\"form\": \"default\", \"form_version\": 0, \"lang\": \"en\", \"answers\": {}}", SR_ERROR_INVALID, "form_version" },
  { "version-text", "{\"form\": \"default\", \"form_version\": \"1\", \"lang\": \"en\", \"answers\": {}}", SR_ERROR_INVALID, "form_version" },
  { "null", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"role\": null}}", SR_ERROR_INVALID, "Question \"role\"" },
  { "float", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"others_count\": 1.5}}", SR_ERROR_INVALID, "Question \"others_count\"" },
  { "object", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"role\": {\"a\": 1}}}", SR_ERROR_INVALID, "Question \"role\"" },
  { "list-of-numbers", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"abuse\": [1]}}", SR_ERROR_INVALID, "Question \"abuse\"" },
  { "nested-list", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"abuse\": [[\"a\"]]}}", SR_ERROR_INVALID, "Question \"abuse\"" },
  { "bad-id", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"Role\": \"x\"}}", SR_ERROR_INVALID, "\"Role\"" },
  { "duplicate-answer", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"role\": \"survivor\", \"role\": \"family\"}}", SR_ERROR_FORMAT, "twice" },
  { "nul-escape", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"narrative\": \"a\\u0000b\"}}", SR_ERROR_FORMAT, "NUL" },
  { "huge-number", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"others_count\": 18446744073709551621}}", SR_ERROR_FORMAT, "number" },
  { "invalid-utf8", "{\"form\": \"default\", \"lang\": \"en\", \"answers\": {\"narrative\": \"\xe1\x80\"}}", SR_ERROR_FORMAT, "JSON" },
};

static void
test_json_bad (gconstpointer data)
{
  const JsonCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnswers) answers = sr_answers_new_from_json (c->json, -1, &error);

  g_assert_null (answers);
  g_assert_error (error, SR_ERROR, c->code);
  g_test_message ("%s: %s", c->name, error->message);
  g_assert_nonnull (strstr (error->message, c->needle));
}

/* Every prefix of a sample fails cleanly; a NUL byte inside is refused. */
static void
test_json_truncated (void)
{
  g_autofree char *path = sr_test_data_path ("answers/km.json");
  g_autoptr(GBytes) bytes = sr_test_read (path);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *copy = g_memdup2 (data, len);
  g_autoptr(GError) error = NULL;
  SrAnswers *answers;

  for (gsize i = 0; i < len; i++)
    {
      /* The file ends in a line break after the closing brace. */
      answers = sr_answers_new_from_json (data, (gssize) i, &error);
      if (i == len - 1)
        {
          g_assert_no_error (error);
          sr_answers_free (answers);
          continue;
        }
      g_assert_null (answers);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }

  copy[len / 2] = '\0';
  answers = sr_answers_new_from_json (copy, (gssize) len, &error);
  g_assert_null (answers);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
}

/* Changing an earlier answer drops the answers to the questions it hides,
 * and only those. */
static void
test_prune (void)
{
  g_autoptr(SrForm) form = default_form ();
  g_autoptr(SrAnswers) answers = sr_answers_new ("default", "en");
  g_autoptr(GError) error = NULL;

  sr_answers_set_text (answers, "role", "survivor");
  sr_answers_set_text (answers, "held_country", "MM");
  sr_answers_set_text (answers, "ilo_deception", "yes");
  sr_answers_set_text (answers, "narrative", "They said it was an office job.");
  sr_answers_set_bool (answers, "consent", TRUE);
  g_assert_true (sr_answers_validate (answers, form, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sr_answers_prune (answers, form), ==, 0);

  sr_answers_set_text (answers, "role", "family");
  g_assert_false (sr_answers_validate (answers, form, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpuint (sr_answers_prune (answers, form), ==, 2);
  g_assert_false (sr_answers_has (answers, "held_country"));
  g_assert_false (sr_answers_has (answers, "ilo_deception"));
  g_assert_cmpstr (sr_answers_get_text (answers, "narrative"), ==, "They said it was an office job.");
  g_assert_true (sr_answers_get_bool (answers, "consent"));
  g_assert_true (sr_answers_validate (answers, form, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/answers/samples", test_samples);
  g_test_add_func ("/sr/answers/prune", test_prune);
  g_test_add_func ("/sr/answers/accessors", test_accessors);
  g_test_add_func ("/sr/answers/json", test_json);
  g_test_add_func ("/sr/answers/json-samples", test_json_samples);
  g_test_add_func ("/sr/answers/json-truncated", test_json_truncated);
  g_test_add_func ("/sr/answers/equal", test_equal);
  g_test_add_func ("/sr/answers/valid-edges", test_valid_edges);
  g_test_add_func ("/sr/answers/countries", test_countries);
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sr/answers/invalid/%s", invalid_cases[i].name);

      g_test_add_data_func (path, &invalid_cases[i], test_invalid);
    }
  for (guint i = 0; i < G_N_ELEMENTS (json_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sr/answers/json-bad/%s", json_cases[i].name);

      g_test_add_data_func (path, &json_cases[i], test_json_bad);
    }

  return g_test_run ();
}
