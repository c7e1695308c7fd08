/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

#include <string.h>

#include "sr-answers.h"
#include "sr-error.h"
#include "sr-form.h"

/* A small form that exercises every kind and both forms of show_if. */
static const char good_form[] =
  "{\"id\": \"test\", \"version\": 3, \"languages\": [\"en\", \"th\"], \"questions\": ["
  " {\"id\": \"intro\", \"kind\": \"info\", \"label\": {\"en\": \"Hello\", \"th\": \"สวัสดี\"}},"
  " {\"id\": \"role\", \"kind\": \"single_choice\", \"section\": \"about-you\", \"required\": true,"
  "  \"label\": {\"en\": \"Who?\", \"th\": \"ใคร\", \"my\": \"ဘယ်သူ\"},"
  "  \"help\": {\"en\": \"Pick one.\", \"th\": \"เลือก\"},"
  "  \"options\": [{\"id\": \"survivor\", \"label\": {\"en\": \"Me\", \"th\": \"ฉัน\"}},"
  "              {\"id\": \"family\", \"label\": {\"en\": \"Family\", \"th\": \"ครอบครัว\"}}]},"
  " {\"id\": \"ways\", \"kind\": \"multiple_choice\", \"label\": {\"en\": \"How?\", \"th\": \"อย่างไร\"},"
  "  \"options\": [{\"id\": \"a\", \"label\": {\"en\": \"A\", \"th\": \"A\"}},"
  "              {\"id\": \"b\", \"label\": {\"en\": \"B\", \"th\": \"B\"}}]},"
  " {\"id\": \"held\", \"kind\": \"yes_no\", \"label\": {\"en\": \"Held?\", \"th\": \"?\"},"
  "  \"show_if\": {\"question\": \"role\", \"equals\": \"survivor\"}},"
  " {\"id\": \"count\", \"kind\": \"number\", \"label\": {\"en\": \"How many?\", \"th\": \"?\"},"
  "  \"show_if\": {\"question\": \"held\", \"in\": [\"yes\", \"unsure\"]}},"
  " {\"id\": \"by_b\", \"kind\": \"date\", \"label\": {\"en\": \"When?\", \"th\": \"?\"},"
  "  \"show_if\": {\"question\": \"ways\", \"equals\": \"b\"}},"
  " {\"id\": \"short\", \"kind\": \"short_text\", \"label\": {\"en\": \"S\", \"th\": \"S\"}},"
  " {\"id\": \"long\", \"kind\": \"long_text\", \"max_length\": 10, \"label\": {\"en\": \"L\", \"th\": \"L\"}},"
  " {\"id\": \"where\", \"kind\": \"country\", \"label\": {\"en\": \"Where?\", \"th\": \"?\"}},"
  " {\"id\": \"ok\", \"kind\": \"consent\", \"required\": true, \"label\": {\"en\": \"OK?\", \"th\": \"?\"}}"
  "]}";

static SrForm *
load_good (void)
{
  g_autoptr(GError) error = NULL;
  SrForm *form = sr_form_new_from_data (good_form, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (form);
  return form;
}

static void
test_languages (void)
{
  const char *const *all = sr_languages_all ();
  const char *const expected[] = {
    "en", "th", "my", "km", "lo", "vi", "zh_CN", "zh_TW", "id", "ms", "tl", "bn", "hi",
    "ne", "ur", "am", "sw", "ar", "tr", "pt_BR", "es", "fr", "ru", "ko", "ja", NULL
  };

  g_assert_true (g_strv_equal (all, expected));
  g_assert_true (sr_language_is_known ("zh_TW"));
  g_assert_true (sr_language_is_known ("pt_BR"));
  g_assert_false (sr_language_is_known ("pt"));
  g_assert_false (sr_language_is_known ("EN"));
  g_assert_false (sr_language_is_known (""));
  g_assert_false (sr_language_is_known (NULL));

  g_assert_true (sr_form_id_is_valid ("ilo_debt"));
  g_assert_true (sr_form_id_is_valid ("a"));
  g_assert_true (sr_form_id_is_valid ("0123456789012345678901234567890123456789"));
  g_assert_false (sr_form_id_is_valid ("01234567890123456789012345678901234567890"));
  g_assert_false (sr_form_id_is_valid (""));
  g_assert_false (sr_form_id_is_valid ("Role"));
  g_assert_false (sr_form_id_is_valid ("about-you"));
  g_assert_false (sr_form_id_is_valid ("a b"));
  g_assert_false (sr_form_id_is_valid (NULL));
}

static void
test_good (void)
{
  g_autoptr(SrForm) form = load_good ();
  SrQuestion *role, *ways, *count, *shrt, *lng, *intro;
  const char *const *values = NULL;

  g_assert_cmpstr (sr_form_get_id (form), ==, "test");
  g_assert_cmpuint (sr_form_get_version (form), ==, 3);
  g_assert_cmpuint (sr_form_get_n_questions (form), ==, 10);
  g_assert_true (sr_form_has_language (form, "th"));
  g_assert_true (sr_form_has_language (form, "en"));
  /* A partial translation is allowed but the language is not listed. */
  g_assert_false (sr_form_has_language (form, "my"));
  g_assert_cmpstr (sr_form_get_languages (form)[1], ==, "th");

  intro = sr_form_get_question (form, 0);
  g_assert_cmpint (sr_question_get_kind (intro), ==, SR_QUESTION_INFO);
  g_assert_cmpstr (sr_question_get_section (intro), ==, "main");
  g_assert_null (sr_question_get_help (intro, "en"));

  role = sr_form_lookup (form, "role");
  g_assert_true (role == sr_form_get_question (form, 1));
  g_assert_cmpint (sr_question_get_kind (role), ==, SR_QUESTION_SINGLE_CHOICE);
  g_assert_true (sr_question_get_required (role));
  g_assert_cmpstr (sr_question_get_section (role), ==, "about-you");
  g_assert_cmpstr (sr_question_get_label (role, "th"), ==, "ใคร");
  g_assert_cmpstr (sr_question_get_label (role, "my"), ==, "ဘယ်သူ");
  /* Falls back to English. */
  g_assert_cmpstr (sr_question_get_label (role, "km"), ==, "Who?");
  g_assert_cmpstr (sr_question_get_label (role, NULL), ==, "Who?");
  g_assert_cmpstr (sr_question_get_help (role, "th"), ==, "เลือก");
  g_assert_cmpstr (sr_question_get_help (role, "vi"), ==, "Pick one.");
  g_assert_cmpuint (sr_question_get_n_options (role), ==, 2);
  g_assert_cmpstr (sr_question_get_option_id (role, 1), ==, "family");
  g_assert_cmpstr (sr_question_get_option_label (role, 1, "th"), ==, "ครอบครัว");
  g_assert_cmpstr (sr_question_get_option_label (role, 0, "ja"), ==, "Me");
  g_assert_true (sr_question_has_option (role, "survivor"));
  g_assert_false (sr_question_has_option (role, "witness"));
  g_assert_false (sr_question_has_option (role, NULL));
  g_assert_null (sr_question_get_show_if (role, &values));
  g_assert_null (values);

  ways = sr_form_lookup (form, "ways");
  g_assert_cmpint (sr_question_get_kind (ways), ==, SR_QUESTION_MULTIPLE_CHOICE);
  g_assert_false (sr_question_get_required (ways));
  g_assert_cmpuint (sr_question_get_max_length (ways), ==, 0);

  count = sr_form_lookup (form, "count");
  g_assert_true (sr_question_get_show_if (count, &values) == sr_form_lookup (form, "held"));
  g_assert_cmpuint (g_strv_length ((GStrv) values), ==, 2);
  g_assert_cmpstr (values[1], ==, "unsure");

  shrt = sr_form_lookup (form, "short");
  lng = sr_form_lookup (form, "long");
  g_assert_cmpuint (sr_question_get_max_length (shrt), ==, 200);
  g_assert_cmpuint (sr_question_get_max_length (lng), ==, 10);
  g_assert_cmpint (sr_question_get_kind (sr_form_lookup (form, "where")), ==, SR_QUESTION_COUNTRY);
  g_assert_cmpint (sr_question_get_kind (sr_form_lookup (form, "ok")), ==, SR_QUESTION_CONSENT);
  g_assert_cmpint (sr_question_get_kind (sr_form_lookup (form, "by_b")), ==, SR_QUESTION_DATE);
  g_assert_null (sr_form_lookup (form, "nothing"));
  g_assert_null (sr_form_lookup (form, NULL));

  g_assert_cmpstr (sr_question_kind_to_string (SR_QUESTION_YES_NO), ==, "yes_no");
  g_assert_cmpstr (sr_question_kind_to_string (SR_QUESTION_MULTIPLE_CHOICE), ==, "multiple_choice");

  /* Reference counting keeps questions alive with the form. */
  {
    SrForm *again = sr_form_ref (form);

    g_assert_true (again == form);
    sr_form_unref (again);
    g_assert_cmpstr (sr_question_get_id (role), ==, "role");
  }

  /* Long text defaults to 5000 characters. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SrForm) other = sr_form_new_from_data (
      "{\"id\": \"x\", \"version\": 1, \"languages\": [\"en\"], \"questions\": ["
      "{\"id\": \"n\", \"kind\": \"long_text\", \"label\": {\"en\": \"N\"}}]}", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (sr_question_get_max_length (sr_form_get_question (other, 0)), ==, 5000);
  }
}

static void
test_show_if (void)
{
  g_autoptr(SrForm) form = load_good ();
  g_autoptr(SrAnswers) answers = sr_answers_new ("test", "en");
  SrQuestion *held = sr_form_lookup (form, "held");
  SrQuestion *count = sr_form_lookup (form, "count");
  SrQuestion *by_b = sr_form_lookup (form, "by_b");
  SrQuestion *role = sr_form_lookup (form, "role");
  const char *const only_a[] = { "a", NULL };
  const char *const a_and_b[] = { "a", "b", NULL };

  g_assert_true (sr_question_is_shown (role, answers));
  g_assert_true (sr_question_is_shown (role, NULL));
  g_assert_false (sr_question_is_shown (held, answers));
  g_assert_false (sr_question_is_shown (held, NULL));

  sr_answers_set_text (answers, "role", "family");
  g_assert_false (sr_question_is_shown (held, answers));
  sr_answers_set_text (answers, "role", "survivor");
  g_assert_true (sr_question_is_shown (held, answers));

  g_assert_false (sr_question_is_shown (count, answers));
  sr_answers_set_text (answers, "held", "no");
  g_assert_false (sr_question_is_shown (count, answers));
  sr_answers_set_text (answers, "held", "unsure");
  g_assert_true (sr_question_is_shown (count, answers));
  sr_answers_set_text (answers, "held", "yes");
  g_assert_true (sr_question_is_shown (count, answers));

  /* Hiding the controller hides what depends on it, whatever it says. */
  sr_answers_set_text (answers, "role", "family");
  g_assert_false (sr_question_is_shown (count, answers));
  sr_answers_unset (answers, "role");
  g_assert_false (sr_question_is_shown (count, answers));

  /* A multiple choice controller shows when any chosen option matches. */
  g_assert_false (sr_question_is_shown (by_b, answers));
  sr_answers_set_list (answers, "ways", only_a);
  g_assert_false (sr_question_is_shown (by_b, answers));
  sr_answers_set_list (answers, "ways", a_and_b);
  g_assert_true (sr_question_is_shown (by_b, answers));

  /* An answer of the wrong kind never shows anything. */
  sr_answers_set_number (answers, "ways", 2);
  g_assert_false (sr_question_is_shown (by_b, answers));
}

static void
test_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrForm) form = sr_form_load_default (&error);
  const char *ilo[] = {
    "ilo_vulnerability", "ilo_deception", "ilo_movement", "ilo_isolation", "ilo_violence",
    "ilo_threats", "ilo_documents", "ilo_wages", "ilo_debt", "ilo_conditions", "ilo_overtime",
  };
  struct
  {
    const char     *id;
    SrQuestionKind  kind;
  } expected[] = {
    { "role", SR_QUESTION_SINGLE_CHOICE },
    { "narrative", SR_QUESTION_LONG_TEXT },
    { "current_country", SR_QUESTION_COUNTRY },
    { "current_place", SR_QUESTION_SHORT_TEXT },
    { "held_country", SR_QUESTION_COUNTRY },
    { "held_place", SR_QUESTION_SHORT_TEXT },
    { "recruited_how", SR_QUESTION_MULTIPLE_CHOICE },
    { "documents_taken", SR_QUESTION_YES_NO },
    { "abuse", SR_QUESTION_MULTIPLE_CHOICE },
    { "others_held", SR_QUESTION_YES_NO },
    { "others_count", SR_QUESTION_NUMBER },
    { "danger_now", SR_QUESTION_YES_NO },
    { "safe_contact", SR_QUESTION_SHORT_TEXT },
    { "contact_warning", SR_QUESTION_INFO },
    { "rights", SR_QUESTION_INFO },
    { "consent", SR_QUESTION_CONSENT },
  };
  const char *recruited[] = { "job_ad", "social_media", "friend_relative", "agency", "other" };
  SrQuestion *role, *question;
  guint n_required = 0;
  int warning_index = -1, contact_index = -1;

  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_cmpstr (sr_form_get_id (form), ==, "default");
  g_assert_cmpuint (sr_form_get_version (form), ==, 1);
  g_assert_true (sr_form_has_language (form, "en"));

  role = sr_form_lookup (form, "role");
  g_assert_nonnull (role);
  g_assert_cmpuint (sr_question_get_n_options (role), ==, 3);
  g_assert_cmpstr (sr_question_get_option_id (role, 0), ==, "survivor");
  g_assert_cmpstr (sr_question_get_option_id (role, 1), ==, "family");
  g_assert_cmpstr (sr_question_get_option_id (role, 2), ==, "witness");

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      question = sr_form_lookup (form, expected[i].id);
      g_assert_nonnull (question);
      g_assert_cmpint (sr_question_get_kind (question), ==, expected[i].kind);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ilo); i++)
    {
      question = sr_form_lookup (form, ilo[i]);
      g_assert_nonnull (question);
      g_assert_cmpint (sr_question_get_kind (question), ==, SR_QUESTION_YES_NO);
      g_assert_false (sr_question_get_required (question));
    }
  question = sr_form_lookup (form, "recruited_how");
  for (guint i = 0; i < G_N_ELEMENTS (recruited); i++)
    g_assert_true (sr_question_has_option (question, recruited[i]));

  g_assert_true (sr_question_get_show_if (sr_form_lookup (form, "others_count"), NULL) ==
                 sr_form_lookup (form, "others_held"));
  g_assert_nonnull (sr_question_get_help (sr_form_lookup (form, "danger_now"), "en"));
  g_assert_nonnull (sr_question_get_help (sr_form_lookup (form, "safe_contact"), "en"));
  g_assert_nonnull (sr_question_get_help (sr_form_lookup (form, "consent"), "en"));
  g_assert_cmpuint (sr_question_get_max_length (sr_form_lookup (form, "narrative")), ==, 5000);

  /* Only the role and consent are required; everything else is skippable,
   * and every question has an English label. */
  for (guint i = 0; i < sr_form_get_n_questions (form); i++)
    {
      question = sr_form_get_question (form, i);
      g_assert_nonnull (sr_question_get_label (question, "en"));
      if (sr_question_get_required (question))
        {
          n_required++;
          g_assert_true (g_str_equal (sr_question_get_id (question), "role") ||
                         g_str_equal (sr_question_get_id (question), "consent"));
        }
      if (g_str_equal (sr_question_get_id (question), "contact_warning"))
        warning_index = (int) i;
      if (g_str_equal (sr_question_get_id (question), "safe_contact"))
        contact_index = (int) i;
    }
  g_assert_cmpuint (n_required, ==, 2);
  g_assert_true (sr_question_get_required (sr_form_lookup (form, "consent")));
  /* The warning about watched phones comes right before the contact. */
  g_assert_cmpint (warning_index + 1, ==, contact_index);
  /* Consent is the last question. */
  g_assert_cmpstr (sr_question_get_id (sr_form_get_question (form, sr_form_get_n_questions (form) - 1)),
                   ==, "consent");
}

typedef struct
{
  const char *name;
  const char *questions; /* JSON of the questions array, or a whole form when form is set */
  gboolean    whole;
  int         code;
  const char *needle;    /* must occur in the message */
} BadCase;

#define Q_LABEL "\"label\": {\"en\": \"L\"}"
#define Q_OPTS  "\"options\": [{\"id\": \"a\", " Q_LABEL "}, {\"id\": \"b\", " Q_LABEL "}]"

static const BadCase bad_cases[] = {
  { "duplicate-id",
    "[{\"id\": \"q\", \"kind\": \"info\", " Q_LABEL "}, {\"id\": \"q\", \"kind\": \"info\", " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "id-uppercase",
    "[{\"id\": \"a\", \"kind\": \"info\", " Q_LABEL "}, {\"id\": \"Bad\", \"kind\": \"info\", " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question 2" },
  { "id-too-long",
    "[{\"id\": \"abcdefghijabcdefghijabcdefghijabcdefghijk\", \"kind\": \"info\", " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question 1" },
  { "id-missing", "[{\"kind\": \"info\", " Q_LABEL "}]", FALSE, SR_ERROR_INVALID, "Question 1" },
  { "not-object", "[\"q\"]", FALSE, SR_ERROR_INVALID, "Question 1" },
  { "unknown-kind", "[{\"id\": \"q\", \"kind\": \"essay\", " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "unknown-key", "[{\"id\": \"q\", \"kind\": \"info\", \"colour\": 1, " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "options-on-text", "[{\"id\": \"t\", \"kind\": \"short_text\", " Q_LABEL ", " Q_OPTS "}]",
    FALSE, SR_ERROR_INVALID, "Question \"t\"" },
  { "options-on-yes-no", "[{\"id\": \"y\", \"kind\": \"yes_no\", " Q_LABEL ", " Q_OPTS "}]",
    FALSE, SR_ERROR_INVALID, "Question \"y\"" },
  { "choice-without-options", "[{\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"c\"" },
  { "choice-empty-options", "[{\"id\": \"c\", \"kind\": \"multiple_choice\", \"options\": [], " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"c\"" },
  { "duplicate-option",
    "[{\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL ", \"options\": [{\"id\": \"a\", " Q_LABEL "}, {\"id\": \"a\", " Q_LABEL "}]}]",
    FALSE, SR_ERROR_INVALID, "Question \"c\"" },
  { "bad-option-id",
    "[{\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL ", \"options\": [{\"id\": \"A b\", " Q_LABEL "}]}]",
    FALSE, SR_ERROR_INVALID, "Question \"c\"" },
  { "option-without-label",
    "[{\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL ", \"options\": [{\"id\": \"a\"}]}]",
    FALSE, SR_ERROR_INVALID, "Question \"c\"" },
  { "option-unknown-key",
    "[{\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL ", \"options\": [{\"id\": \"a\", \"x\": 1, " Q_LABEL "}]}]",
    FALSE, SR_ERROR_INVALID, "Question \"c\"" },
  { "show-if-later",
    "[{\"id\": \"d\", \"kind\": \"short_text\", " Q_LABEL ", \"show_if\": {\"question\": \"c\", \"equals\": \"a\"}},"
    " {\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL ", " Q_OPTS "}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-self",
    "[{\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL ", " Q_OPTS ", \"show_if\": {\"question\": \"c\", \"equals\": \"a\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"c\"" },
  { "show-if-unknown",
    "[{\"id\": \"d\", \"kind\": \"short_text\", " Q_LABEL ", \"show_if\": {\"question\": \"zz\", \"equals\": \"a\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-text",
    "[{\"id\": \"t\", \"kind\": \"short_text\", " Q_LABEL "},"
    " {\"id\": \"d\", \"kind\": \"short_text\", " Q_LABEL ", \"show_if\": {\"question\": \"t\", \"equals\": \"a\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-bad-option",
    "[{\"id\": \"c\", \"kind\": \"single_choice\", " Q_LABEL ", " Q_OPTS "},"
    " {\"id\": \"d\", \"kind\": \"short_text\", " Q_LABEL ", \"show_if\": {\"question\": \"c\", \"equals\": \"z\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-bad-in",
    "[{\"id\": \"c\", \"kind\": \"multiple_choice\", " Q_LABEL ", " Q_OPTS "},"
    " {\"id\": \"d\", \"kind\": \"short_text\", " Q_LABEL ", \"show_if\": {\"question\": \"c\", \"in\": [\"a\", \"z\"]}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-empty-in",
    "[{\"id\": \"c\", \"kind\": \"multiple_choice\", " Q_LABEL ", " Q_OPTS "},"
    " {\"id\": \"d\", \"kind\": \"short_text\", " Q_LABEL ", \"show_if\": {\"question\": \"c\", \"in\": []}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-yes-no-value",
    "[{\"id\": \"y\", \"kind\": \"yes_no\", " Q_LABEL "},"
    " {\"id\": \"d\", \"kind\": \"number\", " Q_LABEL ", \"show_if\": {\"question\": \"y\", \"equals\": \"maybe\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-both",
    "[{\"id\": \"y\", \"kind\": \"yes_no\", " Q_LABEL "},"
    " {\"id\": \"d\", \"kind\": \"number\", " Q_LABEL ", \"show_if\": {\"question\": \"y\", \"equals\": \"yes\", \"in\": [\"no\"]}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-neither",
    "[{\"id\": \"y\", \"kind\": \"yes_no\", " Q_LABEL "},"
    " {\"id\": \"d\", \"kind\": \"number\", " Q_LABEL ", \"show_if\": {\"question\": \"y\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "show-if-unknown-key",
    "[{\"id\": \"y\", \"kind\": \"yes_no\", " Q_LABEL "},"
    " {\"id\": \"d\", \"kind\": \"number\", " Q_LABEL ", \"show_if\": {\"question\": \"y\", \"equals\": \"yes\", \"not\": true}}]",
    FALSE, SR_ERROR_INVALID, "Question \"d\"" },
  { "label-without-english", "[{\"id\": \"q\", \"kind\": \"info\", \"label\": {\"th\": \"x\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "label-missing", "[{\"id\": \"q\", \"kind\": \"info\"}]", FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "label-string", "[{\"id\": \"q\", \"kind\": \"info\", \"label\": \"x\"}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "label-unknown-language", "[{\"id\": \"q\", \"kind\": \"info\", \"label\": {\"en\": \"x\", \"xx\": \"y\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "label-empty", "[{\"id\": \"q\", \"kind\": \"info\", \"label\": {\"en\": \"\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "label-control", "[{\"id\": \"q\", \"kind\": \"info\", \"label\": {\"en\": \"a\\u0007b\"}}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "label-number", "[{\"id\": \"q\", \"kind\": \"info\", \"label\": {\"en\": 3}}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "help-not-object", "[{\"id\": \"q\", \"kind\": \"info\", " Q_LABEL ", \"help\": \"x\"}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "required-info", "[{\"id\": \"q\", \"kind\": \"info\", \"required\": true, " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "required-not-bool", "[{\"id\": \"q\", \"kind\": \"number\", \"required\": 1, " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "max-length-on-number", "[{\"id\": \"q\", \"kind\": \"number\", \"max_length\": 5, " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "max-length-zero", "[{\"id\": \"q\", \"kind\": \"short_text\", \"max_length\": 0, " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "max-length-huge", "[{\"id\": \"q\", \"kind\": \"long_text\", \"max_length\": 1000000, " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "max-length-string", "[{\"id\": \"q\", \"kind\": \"long_text\", \"max_length\": \"5\", " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  { "bad-section", "[{\"id\": \"q\", \"kind\": \"info\", \"section\": \"A B\", " Q_LABEL "}]",
    FALSE, SR_ERROR_INVALID, "Question \"q\"" },
  /* Errors about the form as a whole. */
  { "form-no-questions", "{\"id\": \"f\", \"version\": 1, \"languages\": [\"en\"], \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "questions" },
  { "form-bad-id", "{\"id\": \"F!\", \"version\": 1, \"languages\": [\"en\"], \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "id" },
  { "form-version-zero", "{\"id\": \"f\", \"version\": 0, \"languages\": [\"en\"], \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "version" },
  { "form-version-float", "{\"id\": \"f\", \"version\": 1.5, \"languages\": [\"en\"], \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "version" },
  { "form-no-english", "{\"id\": \"f\", \"version\": 1, \"languages\": [\"th\"], \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "English" },
  { "form-unknown-language", "{\"id\": \"f\", \"version\": 1, \"languages\": [\"en\", \"xx\"], \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "language" },
  { "form-language-twice", "{\"id\": \"f\", \"version\": 1, \"languages\": [\"en\", \"en\"], \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "twice" },
  { "form-unknown-key", "{\"id\": \"f\", \"version\": 1, \"languages\": [\"en\"], \"title\": 1, \"questions\": []}",
    TRUE, SR_ERROR_INVALID, "title" },
  { "form-array", "[]", TRUE, SR_ERROR_INVALID, "object" },
  { "form-missing-translation",
    "{\"id\": \"f\", \"version\": 1, \"languages\": [\"en\", \"th\"], \"questions\": [{\"id\": \"q\", \"kind\": \"info\", " Q_LABEL "}]}",
    TRUE, SR_ERROR_INVALID, "Question \"q\"" },
  /* JSON that JsonParser alone would accept and get wrong. */
  { "json-duplicate-key", "{\"id\": \"f\", \"id\": \"g\", \"version\": 1, \"languages\": [\"en\"], \"questions\": []}",
    TRUE, SR_ERROR_FORMAT, "same key twice" },
  { "json-nul", "{\"id\": \"f\\u0000\", \"version\": 1, \"languages\": [\"en\"], \"questions\": []}",
    TRUE, SR_ERROR_FORMAT, "NUL" },
  { "json-huge-number", "{\"id\": \"f\", \"version\": 18446744073709551617, \"languages\": [\"en\"], \"questions\": []}",
    TRUE, SR_ERROR_FORMAT, "number" },
  { "json-broken", "{\"id\": \"f\",", TRUE, SR_ERROR_FORMAT, "JSON" },
  { "json-empty", "", TRUE, SR_ERROR_FORMAT, "JSON" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(SrForm) form = NULL;

  if (bad->whole)
    json = g_strdup (bad->questions);
  else
    json = g_strdup_printf ("{\"id\": \"f\", \"version\": 1, \"languages\": [\"en\"], "
                            "\"questions\": %s}", bad->questions);

  form = sr_form_new_from_data (json, -1, &error);
  g_assert_null (form);
  g_assert_error (error, SR_ERROR, bad->code);
  g_test_message ("%s: %s", bad->name, error->message);
  g_assert_nonnull (strstr (error->message, bad->needle));
  /* One sentence, ready to print as it is. */
  g_assert_true (g_str_has_suffix (error->message, "."));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sr_json_parse_strict (good_form, -1, &error);
  g_autoptr(SrForm) form = NULL;
  g_autoptr(JsonNode) number = json_node_new (JSON_NODE_VALUE);

  g_assert_no_error (error);
  form = sr_form_new_from_node (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_form_get_n_questions (form), ==, 10);

  json_node_set_int (number, 3);
  g_assert_null (sr_form_new_from_node (number, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
}

static void
test_strict_json (void)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  /* An escaped backslash before "u0000" is text, not a NUL. */
  node = sr_json_parse_strict ("{\"a\": \"x\\\\u0000\", \"b\": 123456789012345678}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "a"), ==, "x\\u0000");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "b"), ==,
                   123456789012345678);
  sr_json_node_wipe_free (node);

  /* Duplicates are found in nested objects too. */
  node = sr_json_parse_strict ("{\"a\": [{\"b\": 1, \"c\": 2, \"b\": 3}]}", -1, &error);
  g_assert_null (node);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_clear_error (&error);

  /* The same key in two different objects is fine. */
  node = sr_json_parse_strict ("{\"a\": {\"b\": 1}, \"c\": {\"b\": 2}}", -1, &error);
  g_assert_no_error (error);
  sr_json_node_wipe_free (node);

  node = sr_json_parse_strict ("{\"a\": 1}\0{", 10, &error);
  g_assert_null (node);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_clear_error (&error);

  node = sr_json_parse_strict ("{\"a\": -9999999999999999999}", -1, &error);
  g_assert_null (node);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
  g_clear_error (&error);

  node = sr_json_parse_strict ("{\"a\": \"\xff\"}", -1, &error);
  g_assert_null (node);
  g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
}

/* Every prefix of a good form is refused cleanly, never crashes. */
static void
test_truncated (void)
{
  gsize len = strlen (good_form);

  for (gsize i = 0; i < len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrForm) form = sr_form_new_from_data (good_form, (gssize) i, &error);

      g_assert_null (form);
      g_assert_nonnull (error);
      g_assert_true (error->domain == SR_ERROR);
    }
}

/* The default form speaks every language SafeReport targets: each label
 * and option is there, and the ones every person meets are translated, not
 * copies of the English. */
static void
test_default_languages (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrForm) form = sr_form_load_default (&error);
  const char *const *all = sr_languages_all ();
  const char *const always_seen[] = { "intro", "role", "narrative", "consent", NULL };

  g_assert_no_error (error);
  for (guint l = 0; all[l] != NULL; l++)
    {
      g_assert_true (sr_form_has_language (form, all[l]));
      for (guint i = 0; i < sr_form_get_n_questions (form); i++)
        {
          SrQuestion *question = sr_form_get_question (form, i);
          const char *label = sr_question_get_label (question, all[l]);

          g_assert_nonnull (label);
          g_assert_cmpuint (strlen (label), >, 0);
          for (guint o = 0; o < sr_question_get_n_options (question); o++)
            g_assert_cmpuint (strlen (sr_question_get_option_label (question, o, all[l])), >, 0);
        }
      if (g_str_equal (all[l], "en"))
        continue;
      for (guint k = 0; always_seen[k] != NULL; k++)
        {
          SrQuestion *question = sr_form_lookup (form, always_seen[k]);

          g_assert_nonnull (question);
          g_assert_cmpstr (sr_question_get_label (question, all[l]), !=,
                           sr_question_get_label (question, "en"));
        }
    }
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/form/default-languages", test_default_languages);
  g_test_add_func ("/sr/form/languages", test_languages);
  g_test_add_func ("/sr/form/good", test_good);
  g_test_add_func ("/sr/form/show-if", test_show_if);
  g_test_add_func ("/sr/form/default", test_default);
  g_test_add_func ("/sr/form/node", test_node);
  g_test_add_func ("/sr/form/strict-json", test_strict_json);
  g_test_add_func ("/sr/form/truncated", test_truncated);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sr/form/bad/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }

  return g_test_run ();
}
