/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sr-test-util.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "sr-error.h"
#include "sr-outbox.h"
#include "sr-profile.h"
#include "sr-sign.h"

/* A small form of its own, so that most tests do not depend on the
 * default form. */
#define MINI_FORM \
  "{\"id\": \"mini\", \"version\": 2, \"languages\": [\"en\"], \"questions\": [" \
  "{\"id\": \"role\", \"kind\": \"single_choice\", \"required\": true, \"label\": {\"en\": \"Who?\"}," \
  " \"options\": [{\"id\": \"survivor\", \"label\": {\"en\": \"Me\"}}]}]}"

/* ---- Helpers ------------------------------------------------------------ */

static char *
recipient_b64 (const SrOrgSecret *secret)
{
  return sr_key_to_base64 (sr_org_secret_get_box_pk (secret, 0), SR_BOX_KEY_BYTES);
}

/* A payload with the required fields and extra (JSON members, or "") after
 * them. */
static char *
payload (const SrOrgSecret *secret,
         const char        *name,
         gint64             serial,
         const char        *extra)
{
  g_autofree char *box = recipient_b64 (secret);

  return g_strdup_printf ("{\"name\": \"%s\", \"serial\": %" G_GINT64_FORMAT ", "
                          "\"recipients\": [\"%s\"], \"form\": " MINI_FORM "%s%s}",
                          name, serial, box, *extra != '\0' ? ", " : "", extra);
}

/* Builds the outer JSON by hand, so that tests can sign anything, however
 * wrong, and choose each field. */
static GBytes *
wrap (const guint8  signer[32],
      const guint8 *payload_bytes,
      gsize         payload_len,
      const guint8  signature[64])
{
  g_autofree char *signer_b64 = g_base64_encode (signer, 32);
  g_autofree char *payload_b64 = g_base64_encode (payload_bytes, payload_len);
  g_autofree char *sig_b64 = g_base64_encode (signature, 64);
  char *text = g_strdup_printf ("{\"safereport\": \"profile\", \"version\": 1, \"signer\": \"%s\", "
                                "\"payload\": \"%s\", \"signature\": \"%s\"}",
                                signer_b64, payload_b64, sig_b64);

  return g_bytes_new_take (text, strlen (text));
}

static GBytes *
sign_raw (const SrOrgSecret *secret,
          const char        *text)
{
  guint8 sig[64];

  sr_sign (SR_SIGN_CONTEXT_PROFILE, (const guint8 *) text, strlen (text),
           sr_org_secret_get_sign_sk (secret), sig);
  return wrap (sr_org_secret_get_sign_pk (secret), (const guint8 *) text, strlen (text), sig);
}

static GBytes *
sign (const SrOrgSecret *secret,
      const char        *text)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = sr_profile_sign (text, strlen (text), secret, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static SrProfile *
load (GBytes   *bytes,
      GError  **error)
{
  return sr_profile_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_round_trip (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) second = sr_org_secret_generate ();
  g_autofree char *box1 = recipient_b64 (secret);
  g_autofree char *box2 = recipient_b64 (second);
  g_autofree char *text = g_strdup_printf (
    "{\"name\": \"Ação Contra o Tráfico\", \"serial\": 7, \"recipients\": [\"%s\", \"%s\"],"
    " \"contact\": \"Hotline 1300\", \"demo\": false, \"form\": " MINI_FORM ","
    " \"help\": [{\"name\": \"Hotline\", \"phone\": \"1300\"},"
    "            {\"name\": {\"en\": \"Office\", \"th\": \"สำนักงาน\"}, \"hours\": \"9-17\", \"note\": \"walk in\"}],"
    " \"kiosk\": {\"idle_timeout\": 300}}", box1, box2);
  g_autoptr(GBytes) bytes = sign (secret, text);
  g_autoptr(SrProfile) profile = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guchar *decoded = NULL;
  JsonObject *outer;
  gsize decoded_len;

  /* The outer JSON is exactly the five fields of FORMAT.md, and its
   * payload is the text given, byte for byte. */
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes), &error));
  outer = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (outer), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (outer, "safereport"), ==, "profile");
  g_assert_cmpint (json_object_get_int_member (outer, "version"), ==, 1);
  decoded = g_base64_decode (json_object_get_string_member (outer, "payload"), &decoded_len);
  g_assert_cmpmem (decoded, decoded_len, text, strlen (text));

  profile = load (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);

  g_assert_true (g_bytes_equal (sr_profile_get_bytes (profile), bytes));
  g_assert_cmpmem (sr_profile_get_signer (profile), 32, sr_org_secret_get_sign_pk (secret), 32);
  g_assert_cmpstr (sr_profile_get_name (profile), ==, "Ação Contra o Tráfico");
  g_assert_cmpstr (sr_profile_get_contact (profile), ==, "Hotline 1300");
  g_assert_cmpint (sr_profile_get_serial (profile), ==, 7);
  g_assert_false (sr_profile_is_demo (profile));
  g_assert_cmpuint (sr_profile_get_n_recipients (profile), ==, 2);
  g_assert_cmpmem (sr_profile_get_recipients (profile)[0], 32, sr_org_secret_get_box_pk (secret, 0), 32);
  g_assert_cmpmem (sr_profile_get_recipients (profile)[1], 32, sr_org_secret_get_box_pk (second, 0), 32);
  g_assert_cmpstr (sr_form_get_id (sr_profile_get_form (profile)), ==, "mini");
  g_assert_cmpuint (sr_form_get_version (sr_profile_get_form (profile)), ==, 2);
  g_assert_cmpuint (sr_profile_get_idle_timeout (profile), ==, 300);
  g_assert_cmpuint (json_array_get_length (sr_profile_get_help (profile)), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sr_profile_get_help (profile), 0), "phone"),
                   ==, "1300");

  /* A reference outlives the loader's. */
  {
    SrProfile *ref = sr_profile_ref (profile);

    g_clear_pointer (&profile, sr_profile_unref);
    g_assert_cmpstr (sr_profile_get_name (ref), ==, "Ação Contra o Tráfico");
    sr_profile_unref (ref);
  }
}

static void
test_defaults (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *box = recipient_b64 (secret);
  g_autofree char *text = g_strdup_printf ("{\"name\": \"Org\", \"serial\": 1, \"recipients\": [\"%s\"]}", box);
  g_autoptr(GBytes) bytes = sign (secret, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = load (bytes, &error);

  g_assert_no_error (error);
  g_assert_null (sr_profile_get_contact (profile));
  g_assert_false (sr_profile_is_demo (profile));
  g_assert_cmpuint (sr_profile_get_idle_timeout (profile), ==, 120);
  g_assert_nonnull (sr_profile_get_help (profile));
  g_assert_cmpuint (json_array_get_length (sr_profile_get_help (profile)), ==, 0);
  /* No form of its own: the default form. */
  g_assert_nonnull (sr_profile_get_form (profile));
  g_assert_cmpstr (sr_form_get_id (sr_profile_get_form (profile)), ==, "default");
}

static void
test_edges_accepted (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *long_name = g_strnfill (200, 'x');
  g_autoptr(GString) sixteen = g_string_new ("[");
  char *texts[5] = { NULL };

  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(SrOrgSecret) r = sr_org_secret_generate ();
      g_autofree char *box = recipient_b64 (r);

      g_string_append_printf (sixteen, "%s\"%s\"", i > 0 ? ", " : "", box);
    }
  g_string_append (sixteen, "]");

  texts[0] = payload (secret, long_name, 1, "\"kiosk\": {\"idle_timeout\": 30}");
  texts[1] = payload (secret, "Org", G_GINT64_CONSTANT (999999999999999999), "\"kiosk\": {\"idle_timeout\": 3600}");
  texts[2] = g_strdup_printf ("{\"name\": \"Org\", \"serial\": 1, \"recipients\": %s, \"form\": " MINI_FORM "}",
                              sixteen->str);
  texts[3] = payload (secret, "Org", 1, "\"demo\": true, \"help\": [], \"kiosk\": {}");
  texts[4] = payload (secret, "Org", 1, "\"contact\": \"\"");

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GBytes) bytes = sign (secret, texts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrProfile) profile = load (bytes, &error);

      g_assert_no_error (error);
      g_assert_nonnull (profile);
      if (i == 0)
        g_assert_cmpuint (sr_profile_get_idle_timeout (profile), ==, 30);
      if (i == 2)
        g_assert_cmpuint (sr_profile_get_n_recipients (profile), ==, 16);
      if (i == 3)
        g_assert_true (sr_profile_is_demo (profile));
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_free (texts[i]);
}

/* A flipped byte in the payload, the signature or the signer: refused as
 * not signed. */
static void
test_tampered_fields (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *text = payload (secret, "Org", 1, "");
  gsize len = strlen (text);
  g_autofree guint8 *copy = (guint8 *) g_strdup (text);
  guint8 sig[64];
  guint8 signer[32];

  sr_sign (SR_SIGN_CONTEXT_PROFILE, (const guint8 *) text, len, sr_org_secret_get_sign_sk (secret), sig);
  memcpy (signer, sr_org_secret_get_sign_pk (secret), 32);

  for (gsize i = 0; i < len; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      copy[i] ^= 0x01;
      bytes = wrap (signer, copy, len, sig);
      copy[i] ^= 0x01;
      g_assert_null (load (bytes, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
    }

  for (gsize i = 0; i < 64 * 8; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      sig[i / 8] ^= 1 << (i % 8);
      bytes = wrap (signer, copy, len, sig);
      sig[i / 8] ^= 1 << (i % 8);
      g_assert_null (load (bytes, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
      g_assert_nonnull (strstr (error->message, "forged or altered"));
    }

  for (gsize i = 0; i < 32 * 8; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      signer[i / 8] ^= 1 << (i % 8);
      bytes = wrap (signer, copy, len, sig);
      signer[i / 8] ^= 1 << (i % 8);
      g_assert_null (load (bytes, &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
    }

  /* Untouched, the same pieces load: the refusals were the flips. */
  {
    g_autoptr(GBytes) bytes = wrap (signer, copy, len, sig);
    g_autoptr(GError) error = NULL;
    g_autoptr(SrProfile) profile = load (bytes, &error);

    g_assert_no_error (error);
    g_assert_nonnull (profile);
  }
}

/* Every flipped bit anywhere in a signed file is refused, whatever the
 * JSON around it makes of it. */
static void
test_flipped_file_bits (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *text = payload (secret, "Org", 1, "");
  g_autoptr(GBytes) bytes = sign (secret, text);
  gsize len;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));

  for (gsize bit = 0; bit < len * 8; bit++)
    {
      g_autoptr(GError) error = NULL;
      SrProfile *profile;

      copy[bit / 8] ^= 1 << (bit % 8);
      profile = sr_profile_new_from_data (copy, len, &error);
      copy[bit / 8] ^= 1 << (bit % 8);

      if (profile != NULL)
        g_error ("A profile with bit %" G_GSIZE_FORMAT " (byte '%c') flipped was accepted",
                 bit, copy[bit / 8]);
      g_assert_true (error->code == SR_ERROR_FORMAT || error->code == SR_ERROR_NOT_SIGNED);
    }
}

static void
test_wrong_context (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *text = payload (secret, "Org", 1, "");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint8 sig[64];

  sr_sign (SR_SIGN_CONTEXT_ACK, (const guint8 *) text, strlen (text), sr_org_secret_get_sign_sk (secret), sig);
  bytes = wrap (sr_org_secret_get_sign_pk (secret), (const guint8 *) text, strlen (text), sig);
  g_assert_null (load (bytes, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
}

typedef struct
{
  const char *extra_or_payload;   /* members after the required ones, or a whole payload */
  gboolean    whole;
  const char *reason;             /* a piece of the message */
} BadCase;

/* Payloads signed correctly but breaking a rule: refused as invalid, with
 * the reason named; and sr_profile_sign refuses to sign them. */
static void
test_bad_fields (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *box = recipient_b64 (secret);
  g_autofree char *long_name = g_strnfill (201, 'x');
  g_autoptr(GString) seventeen = g_string_new ("[");
  g_autofree char *dup_recipients = g_strdup_printf ("[\"%s\", \"%s\"]", box, box);
  g_autofree char *short_key = NULL;
  guint8 key31[31] = { 1 };
  const BadCase cases[] = {
    { "\"serial\": 1, \"recipients\": [\"@BOX@\"]}", TRUE, "does not name the organisation" },
    { "\"name\": \"\", \"serial\": 1, \"recipients\": [\"@BOX@\"]}", TRUE, "organisation name" },
    { "\"name\": \"   \", \"serial\": 1, \"recipients\": [\"@BOX@\"]}", TRUE, "organisation name" },
    { "\"name\": \"@LONG@\", \"serial\": 1, \"recipients\": [\"@BOX@\"]}", TRUE, "organisation name" },
    { "\"name\": 5, \"serial\": 1, \"recipients\": [\"@BOX@\"]}", TRUE, "organisation name" },
    { "\"name\": \"a\\u0007b\", \"serial\": 1, \"recipients\": [\"@BOX@\"]}", TRUE, "organisation name" },
    { "\"name\": \"Org\", \"recipients\": [\"@BOX@\"]}", TRUE, "no serial" },
    { "\"name\": \"Org\", \"serial\": 0, \"recipients\": [\"@BOX@\"]}", TRUE, "serial" },
    { "\"name\": \"Org\", \"serial\": -4, \"recipients\": [\"@BOX@\"]}", TRUE, "serial" },
    { "\"name\": \"Org\", \"serial\": \"3\", \"recipients\": [\"@BOX@\"]}", TRUE, "serial" },
    { "\"name\": \"Org\", \"serial\": 1.5, \"recipients\": [\"@BOX@\"]}", TRUE, "serial" },
    { "\"name\": \"Org\", \"serial\": 1}", TRUE, "no recipients" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": []}", TRUE, "no recipients" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": \"@BOX@\"}", TRUE, "recipients" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": @SEVENTEEN@}", TRUE, "at most 16" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": [\"abc\"]}", TRUE, "Recipient 1" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": [\"@SHORT@\"]}", TRUE, "Recipient 1" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": [\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"]}", TRUE, "Recipient 1" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": [\"@BOX@\", 4]}", TRUE, "Recipient 2" },
    { "\"name\": \"Org\", \"serial\": 1, \"recipients\": @DUP@}", TRUE, "repeats" },
    { "\"contact\": 5", FALSE, "contact" },
    { "\"demo\": \"yes\"", FALSE, "demo" },
    { "\"help\": {}", FALSE, "help" },
    { "\"help\": [\"Hotline\"]", FALSE, "Help entry 1" },
    { "\"help\": [{\"phone\": \"1300\"}]", FALSE, "no \"name\"" },
    { "\"help\": [{\"name\": \"A\"}, {\"name\": \"B\", \"fax\": \"1\"}]", FALSE, "Help entry 2 of the profile has an unknown field \"fax\"" },
    { "\"help\": [{\"name\": 5}]", FALSE, "must be text" },
    { "\"help\": [{\"name\": {}}]", FALSE, "must be text" },
    { "\"help\": [{\"name\": {\"en\": 5}}]", FALSE, "must be text" },
    { "\"kiosk\": []", FALSE, "kiosk" },
    { "\"kiosk\": {\"idle_timeout\": 29}", FALSE, "idle_timeout" },
    { "\"kiosk\": {\"idle_timeout\": 3601}", FALSE, "idle_timeout" },
    { "\"kiosk\": {\"idle_timeout\": \"60\"}", FALSE, "idle_timeout" },
    { "\"kiosk\": {\"idle_timout\": 60}", FALSE, "unknown field \"idle_timout\"" },
    { "\"colour\": \"red\"", FALSE, "unknown field \"colour\"" },
    { "\"name\": \"Again\"", FALSE, "same key twice" },
    { "[1, 2]", TRUE, "not a JSON object" },
    { "{\"name\": ", TRUE, "JSON" },
  };

  for (guint i = 0; i < 17; i++)
    {
      g_autoptr(SrOrgSecret) r = sr_org_secret_generate ();
      g_autofree char *b = recipient_b64 (r);

      g_string_append_printf (seventeen, "%s\"%s\"", i > 0 ? ", " : "", b);
    }
  g_string_append (seventeen, "]");
  short_key = g_base64_encode (key31, sizeof key31);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) sign_error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) signed_bytes = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GString) s = NULL;

      if (cases[i].whole)
        text = cases[i].extra_or_payload[0] == '[' || cases[i].extra_or_payload[0] == '{'
               ? g_strdup (cases[i].extra_or_payload)
               : g_strconcat ("{", cases[i].extra_or_payload, NULL);
      else
        text = payload (secret, "Org", 1, cases[i].extra_or_payload);

      s = g_string_new (text);
      g_string_replace (s, "@BOX@", box, 0);
      g_string_replace (s, "@LONG@", long_name, 0);
      g_string_replace (s, "@SEVENTEEN@", seventeen->str, 0);
      g_string_replace (s, "@SHORT@", short_key, 0);
      g_string_replace (s, "@DUP@", dup_recipients, 0);

      bytes = sign_raw (secret, s->str);
      g_assert_null (load (bytes, &error));
      if (error->code != SR_ERROR_INVALID || strstr (error->message, cases[i].reason) == NULL)
        g_error ("Case %u (%s): expected an invalid profile naming \"%s\", got: %s",
                 i, s->str, cases[i].reason, error->message);

      signed_bytes = sr_profile_sign (s->str, s->len, secret, &sign_error);
      g_assert_null (signed_bytes);
      g_assert_error (sign_error, SR_ERROR, SR_ERROR_INVALID);
      g_assert_cmpstr (sign_error->message, ==, error->message);
    }

  /* A broken form of its own is named as the profile's form. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *text = g_strdup_printf ("{\"name\": \"Org\", \"serial\": 1, \"recipients\": [\"%s\"], "
                                             "\"form\": {\"id\": \"x\"}}", box);
    g_autoptr(GBytes) bytes = sign_raw (secret, text);

    g_assert_null (load (bytes, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (error->message, "In the profile's form: "));
  }
}

/* The outer JSON is refused as malformed before any signature check. */
static void
test_bad_outer (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *text = payload (secret, "Org", 1, "");
  g_autoptr(GBytes) good = sign (secret, text);
  g_autofree char *good_text = g_strndup (g_bytes_get_data (good, NULL), g_bytes_get_size (good));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *signer = NULL;
  g_autofree char *payload_b64 = NULL;
  g_autofree char *sig = NULL;
  g_autofree char *sig63 = NULL;
  g_autofree char *noncanonical = NULL;
  g_autofree guint8 *huge = NULL;
  JsonObject *outer;
  guchar raw_sig[64];
  gsize sig_len;
  g_autofree guchar *decoded_sig = NULL;
  const char *bad[10];

  g_assert_true (json_parser_load_from_data (parser, good_text, -1, NULL));
  outer = json_node_get_object (json_parser_get_root (parser));
  signer = g_strdup (json_object_get_string_member (outer, "signer"));
  payload_b64 = g_strdup (json_object_get_string_member (outer, "payload"));
  sig = g_strdup (json_object_get_string_member (outer, "signature"));
  decoded_sig = g_base64_decode (sig, &sig_len);
  memcpy (raw_sig, decoded_sig, 64);
  sig63 = g_base64_encode (raw_sig, 63);
  /* The same signature bytes with a stray character g_base64_decode would
   * skip. */
  noncanonical = g_strdup_printf ("%.20s*%s", sig, sig + 20);

#define OUTER(safereport, version, s, p, g, more) \
  g_strdup_printf ("{\"safereport\": %s, \"version\": %s, \"signer\": \"%s\", \"payload\": \"%s\", \"signature\": \"%s\"%s}", \
                   safereport, version, s, p, g, more)
  bad[0] = "not json";
  bad[1] = "[]";
  bad[2] = OUTER ("\"ack\"", "1", signer, payload_b64, sig, "");
  bad[3] = OUTER ("\"profile\"", "2", signer, payload_b64, sig, "");
  bad[4] = OUTER ("\"profile\"", "\"1\"", signer, payload_b64, sig, "");
  bad[5] = OUTER ("\"profile\"", "1", signer, payload_b64, sig63, "");
  bad[6] = OUTER ("\"profile\"", "1", signer, payload_b64, noncanonical, "");
  bad[7] = OUTER ("\"profile\"", "1", signer, payload_b64, sig, ", \"extra\": 1");
  bad[8] = OUTER ("\"profile\"", "1", "abc", payload_b64, sig, "");
  bad[9] = g_strdup_printf ("{\"safereport\": \"profile\", \"version\": 1, \"signer\": \"%s\", \"payload\": \"%s\"}",
                            signer, payload_b64);
#undef OUTER

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (sr_profile_new_from_data ((const guint8 *) bad[i], strlen (bad[i]), &error));
      g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);
      if (i == 3)
        g_assert_nonnull (strstr (error->message, "version 2"));
      if (i >= 2)
        g_free ((char *) bad[i]);
    }

  /* More than 1 MiB, even if it were otherwise fine. */
  {
    g_autoptr(GError) error = NULL;
    gsize len = g_bytes_get_size (good);

    huge = g_malloc (SR_PROFILE_MAX_BYTES + 1);
    memset (huge, ' ', SR_PROFILE_MAX_BYTES + 1);
    memcpy (huge, good_text, len);
    g_assert_null (sr_profile_new_from_data (huge, SR_PROFILE_MAX_BYTES + 1, &error));
    g_assert_error (error, SR_ERROR, SR_ERROR_FORMAT);

    /* Exactly 1 MiB is allowed. */
    {
      g_autoptr(GError) error2 = NULL;
      g_autoptr(SrProfile) profile = sr_profile_new_from_data (huge, SR_PROFILE_MAX_BYTES, &error2);

      g_assert_no_error (error2);
      g_assert_nonnull (profile);
    }
  }
}

/* ---- Provisioning --------------------------------------------------------- */

static SrOutbox *
new_outbox (char **dir)
{
  g_autoptr(GError) error = NULL;
  SrOutbox *outbox;

  *dir = sr_test_mkdtemp ();
  outbox = sr_outbox_new (*dir, &error);
  g_assert_no_error (error);
  return outbox;
}

static void
provision_ok (SrOutbox *outbox,
              GBytes   *bytes,
              char    **fingerprint)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_outbox_provision (outbox, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      fingerprint, &error));
  g_assert_no_error (error);
}

static gint64
current_serial (SrOutbox *outbox)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = sr_outbox_get_profile (outbox, &error);

  g_assert_no_error (error);
  return sr_profile_get_serial (profile);
}

static void
test_provision_pins (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *dir = NULL;
  g_autoptr(SrOutbox) outbox = new_outbox (&dir);
  g_autofree char *text = payload (secret, "Org", 3, "");
  g_autoptr(GBytes) bytes = sign (secret, text);
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = sr_fingerprint_digits (sr_org_secret_get_sign_pk (secret));
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) none = NULL;

  none = sr_outbox_get_profile (outbox, &error);
  g_assert_null (none);
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED);
  g_clear_error (&error);
  g_assert_null (sr_outbox_get_fingerprint (outbox, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_PROVISIONED);
  g_clear_error (&error);

  provision_ok (outbox, bytes, &fingerprint);
  g_assert_cmpstr (fingerprint, ==, expected);
  g_assert_cmpint (current_serial (outbox), ==, 3);

  /* The pin and the profile survive a reopening. */
  g_clear_object (&outbox);
  outbox = sr_outbox_new (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (current_serial (outbox), ==, 3);
  {
    g_autofree char *again = sr_outbox_get_fingerprint (outbox, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (again, ==, expected);
  }

  g_clear_object (&outbox);
  sr_test_rmdir (dir);
}

/* A profile signed by any other key changes nothing, names both
 * fingerprints, and the old profile stays active. */
static void
test_provision_foreign (void)
{
  g_autoptr(SrOrgSecret) ours = sr_org_secret_generate ();
  g_autoptr(SrOrgSecret) theirs = sr_org_secret_generate ();
  g_autofree char *dir = NULL;
  g_autoptr(SrOutbox) outbox = new_outbox (&dir);
  g_autofree char *our_text = payload (ours, "Ours", 1, "");
  g_autofree char *their_text = payload (theirs, "Theirs", 99, "");
  g_autoptr(GBytes) our_bytes = sign (ours, our_text);
  g_autoptr(GBytes) their_bytes = sign (theirs, their_text);
  g_autofree char *our_fp = sr_fingerprint_digits (sr_org_secret_get_sign_pk (ours));
  g_autofree char *their_fp = sr_fingerprint_digits (sr_org_secret_get_sign_pk (theirs));
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = NULL;
  char *fingerprint = NULL;

  provision_ok (outbox, our_bytes, NULL);

  g_assert_false (sr_outbox_provision (outbox, g_bytes_get_data (their_bytes, NULL),
                                       g_bytes_get_size (their_bytes), &fingerprint, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_SIGNED);
  g_assert_nonnull (strstr (error->message, our_fp));
  g_assert_nonnull (strstr (error->message, their_fp));
  g_assert_null (fingerprint);

  profile = sr_outbox_get_profile (outbox, NULL);
  g_assert_cmpstr (sr_profile_get_name (profile), ==, "Ours");
  g_clear_pointer (&profile, sr_profile_unref);

  /* Also after reopening: the refusal wrote nothing. */
  g_clear_object (&outbox);
  outbox = sr_outbox_new (dir, NULL);
  profile = sr_outbox_get_profile (outbox, NULL);
  g_assert_cmpstr (sr_profile_get_name (profile), ==, "Ours");
  {
    g_autofree char *fp = sr_outbox_get_fingerprint (outbox, NULL);

    g_assert_cmpstr (fp, ==, our_fp);
  }

  g_clear_object (&outbox);
  sr_test_rmdir (dir);
}

static void
test_provision_serial (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *dir = NULL;
  g_autoptr(SrOutbox) outbox = new_outbox (&dir);
  g_autofree char *t5 = payload (secret, "Five", 5, "");
  g_autofree char *t4 = payload (secret, "Four", 4, "");
  g_autofree char *t5b = payload (secret, "Five again", 5, "");
  g_autofree char *t9 = payload (secret, "Nine", 9, "");
  g_autoptr(GBytes) b5 = sign (secret, t5);
  g_autoptr(GBytes) b4 = sign (secret, t4);
  g_autoptr(GBytes) b5b = sign (secret, t5b);
  g_autoptr(GBytes) b9 = sign (secret, t9);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProfile) profile = NULL;

  provision_ok (outbox, b5, NULL);

  g_assert_false (sr_outbox_provision (outbox, g_bytes_get_data (b4, NULL), g_bytes_get_size (b4),
                                       NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_STALE);
  g_assert_nonnull (strstr (error->message, "serial 4"));
  g_assert_nonnull (strstr (error->message, "serial 5"));
  profile = sr_outbox_get_profile (outbox, NULL);
  g_assert_cmpstr (sr_profile_get_name (profile), ==, "Five");
  g_clear_pointer (&profile, sr_profile_unref);

  /* The same serial may be provisioned again; a higher one replaces it. */
  provision_ok (outbox, b5b, NULL);
  profile = sr_outbox_get_profile (outbox, NULL);
  g_assert_cmpstr (sr_profile_get_name (profile), ==, "Five again");
  g_clear_pointer (&profile, sr_profile_unref);

  provision_ok (outbox, b9, NULL);
  g_assert_cmpint (current_serial (outbox), ==, 9);

  /* Once at 9, 5 is stale too. */
  g_clear_error (&error);
  g_assert_false (sr_outbox_provision (outbox, g_bytes_get_data (b5, NULL), g_bytes_get_size (b5),
                                       NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_STALE);
  g_assert_cmpint (current_serial (outbox), ==, 9);

  g_clear_object (&outbox);
  sr_test_rmdir (dir);
}

/* A broken or forged file at provisioning changes nothing either. */
static void
test_provision_invalid (void)
{
  g_autoptr(SrOrgSecret) secret = sr_org_secret_generate ();
  g_autofree char *dir = NULL;
  g_autoptr(SrOutbox) outbox = new_outbox (&dir);
  g_autofree char *text = payload (secret, "Org", 2, "");
  g_autoptr(GBytes) bytes = sign (secret, text);
  g_autofree char *bad_text = payload (secret, "Org", 3, "\"kiosk\": {\"idle_timeout\": 1}");
  g_autoptr(GBytes) bad = sign_raw (secret, bad_text);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  gsize len;
  g_autofree guint8 *forged = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));

  /* Nothing pinned by a refused first attempt. */
  g_assert_false (sr_outbox_provision (outbox, g_bytes_get_data (bad, NULL), g_bytes_get_size (bad),
                                       NULL, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_INVALID);
  g_assert_null (sr_outbox_get_fingerprint (outbox, NULL));

  provision_ok (outbox, bytes, NULL);

  /* Flip a character inside the base64 payload. */
  {
    char *p = strstr ((char *) forged, "\"payload\"");

    g_assert_nonnull (p);
    p = strchr (p + 10, '"') + 5;
    *p = *p == 'A' ? 'B' : 'A';
  }
  g_assert_false (sr_outbox_provision (outbox, forged, len, NULL, &error2));
  g_assert_error (error2, SR_ERROR, SR_ERROR_NOT_SIGNED);
  g_assert_cmpint (current_serial (outbox), ==, 2);

  g_clear_object (&outbox);
  sr_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/profile/round-trip", test_round_trip);
  g_test_add_func ("/sr/profile/defaults", test_defaults);
  g_test_add_func ("/sr/profile/edges-accepted", test_edges_accepted);
  g_test_add_func ("/sr/profile/tampered-fields", test_tampered_fields);
  g_test_add_func ("/sr/profile/flipped-file-bits", test_flipped_file_bits);
  g_test_add_func ("/sr/profile/wrong-context", test_wrong_context);
  g_test_add_func ("/sr/profile/bad-fields", test_bad_fields);
  g_test_add_func ("/sr/profile/bad-outer", test_bad_outer);
  g_test_add_func ("/sr/profile/provision-pins", test_provision_pins);
  g_test_add_func ("/sr/profile/provision-foreign", test_provision_foreign);
  g_test_add_func ("/sr/profile/provision-serial", test_provision_serial);
  g_test_add_func ("/sr/profile/provision-invalid", test_provision_invalid);

  return g_test_run ();
}
