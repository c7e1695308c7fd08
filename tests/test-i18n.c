/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-test-i18n"

/* The app's translations, as a person using them would need them:
 *   - every language SafeReport offers has a catalogue, complete, with no
 *     fuzzy entry, `msgfmt --check` clean and with the plural rule of its
 *     language;
 *   - a catalogue that no native speaker has reviewed says so in its header;
 *   - POTFILES names every source file with translatable strings, and the
 *     committed template is what xgettext makes of them today;
 *   - the desktop file and the metainfo carry every language after the build;
 *   - every translated string and every form label draws with the fonts the
 *     project installs, with no missing glyph, and no single word is wider
 *     than the narrowest screen the app supports.
 *
 * Environment (set by tests/meson.build): SR_SOURCE_ROOT, SR_BUILD_ROOT,
 * SR_APP_ID, SR_MSGFMT, SR_XGETTEXT. */

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "sr-test-util.h"

/* The narrowest page the app supports, in pixels, and its base font (GTK's
 * default size, 11 pt at 96 dpi). A label wraps to fit, but a word that
 * cannot be broken makes the whole window wider than the screen. */
#define PAGE_WIDTH_PX 360
#define BASE_FONT     "Sans 11"

#define DRAFT_NOTE \
  "# DRAFT: machine-drafted, not reviewed by a native speaker. Needs native " \
  "review before use with survivors (docs/TRANSLATING.md)."
#define DRAFT_TEAM "none (draft)"

typedef struct
{
  const char *code;
  const char *plural_forms;
  /* The Noto family the project installs for the language's script. */
  const char *font;
} Language;

/* Every language of DESIGN.md but English, the source. The plural rules are
 * those of CLDR as gettext writes them. */
static const Language languages[] = {
  { "th",    "nplurals=1; plural=0;", "Noto Sans Thai" },
  { "my",    "nplurals=1; plural=0;", "Noto Sans Myanmar" },
  { "km",    "nplurals=1; plural=0;", "Noto Sans Khmer" },
  { "lo",    "nplurals=1; plural=0;", "Noto Sans Lao" },
  { "vi",    "nplurals=1; plural=0;", "Noto Sans" },
  { "zh_CN", "nplurals=1; plural=0;", "Noto Sans CJK SC" },
  { "zh_TW", "nplurals=1; plural=0;", "Noto Sans CJK TC" },
  { "id",    "nplurals=1; plural=0;", "Noto Sans" },
  { "ms",    "nplurals=1; plural=0;", "Noto Sans" },
  { "tl",    "nplurals=2; plural=(n > 1);", "Noto Sans" },
  { "bn",    "nplurals=2; plural=(n != 1);", "Noto Sans Bengali" },
  { "hi",    "nplurals=2; plural=(n != 1);", "Noto Sans Devanagari" },
  { "ne",    "nplurals=2; plural=(n != 1);", "Noto Sans Devanagari" },
  { "ur",    "nplurals=2; plural=(n != 1);", "Noto Nastaliq Urdu" },
  { "am",    "nplurals=2; plural=(n > 1);", "Noto Sans Ethiopic" },
  { "sw",    "nplurals=2; plural=(n != 1);", "Noto Sans" },
  { "ar",    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);", "Noto Sans Arabic" },
  { "tr",    "nplurals=2; plural=(n != 1);", "Noto Sans" },
  { "pt_BR", "nplurals=2; plural=(n > 1);", "Noto Sans" },
  { "es",    "nplurals=2; plural=(n != 1);", "Noto Sans" },
  { "fr",    "nplurals=2; plural=(n > 1);", "Noto Sans" },
  { "ru",    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);", "Noto Sans" },
  { "ko",    "nplurals=1; plural=0;", "Noto Sans CJK KR" },
  { "ja",    "nplurals=1; plural=0;", "Noto Sans CJK JP" },
};

/* The arguments of meson's 'glib' gettext preset (i18n/meson.build), so
 * that the template made here is the one `safereport-pot` makes. */
static const char * const xgettext_args[] = {
  "--from-code=UTF-8",
  "--add-comments",
  "--keyword=_",
  "--keyword=N_",
  "--keyword=C_:1c,2",
  "--keyword=NC_:1c,2",
  "--keyword=g_dcgettext:2",
  "--keyword=g_dngettext:2,3",
  "--keyword=g_dpgettext2:2c,3",
  "--flag=N_:1:pass-c-format",
  "--flag=C_:2:pass-c-format",
  "--flag=NC_:2:pass-c-format",
  "--flag=g_dngettext:2:pass-c-format",
  "--flag=g_strdup_printf:1:c-format",
  "--flag=g_string_printf:2:c-format",
  "--flag=g_string_append_printf:2:c-format",
  "--flag=g_error_new:3:c-format",
  "--flag=g_set_error:4:c-format",
  "--flag=g_markup_printf_escaped:1:c-format",
  "--flag=g_log:3:c-format",
  "--flag=g_print:1:c-format",
  "--flag=g_printerr:1:c-format",
  "--flag=g_printf:1:c-format",
  "--flag=g_fprintf:2:c-format",
  "--flag=g_sprintf:2:c-format",
  "--flag=g_snprintf:3:c-format",
  "-k_",
};

/* ------------------------------------------------------------ PO files */

typedef struct
{
  char      *ctxt;
  char      *id;
  char      *id_plural;
  GPtrArray *strs;       /* msgstr, or msgstr[0..n] */
  gboolean   fuzzy;
} PoEntry;

typedef struct
{
  GPtrArray *entries;    /* PoEntry, the header first when there is one */
  char      *header_comments;
} PoFile;

static void
po_entry_free (PoEntry *entry)
{
  g_free (entry->ctxt);
  g_free (entry->id);
  g_free (entry->id_plural);
  g_ptr_array_unref (entry->strs);
  g_free (entry);
}

static void
po_file_free (PoFile *po)
{
  g_ptr_array_unref (po->entries);
  g_free (po->header_comments);
  g_free (po);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoFile, po_file_free)

static char *
source_path (const char *first,
             ...)
{
  const char *root = g_getenv ("SR_SOURCE_ROOT");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list ap;

  g_assert_nonnull (root);
  g_ptr_array_add (parts, (gpointer) root);
  va_start (ap, first);
  for (part = first; part != NULL; part = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (ap);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("Could not read %s: %s", path, error->message);
  if (!g_utf8_validate (text, -1, NULL))
    g_error ("%s is not UTF-8", path);

  return text;
}

/* The text of a quoted PO string, or NULL if line is not one. */
static char *
po_unquote (const char *line)
{
  const char *start = strchr (line, '"');
  const char *end = strrchr (line, '"');
  g_autofree char *inner = NULL;

  if (start == NULL || end == NULL || end == start)
    return NULL;
  inner = g_strndup (start + 1, end - start - 1);

  /* PO strings use C's escapes, which g_strcompress undoes. */
  return g_strcompress (inner);
}

/* Reads the PO files gettext's tools write: one keyword per line, strings
 * continued on following lines, entries apart by blank lines; obsolete
 * entries (#~) are left out. */
static PoFile *
po_parse (const char *path)
{
  g_autofree char *text = read_text (path);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  PoFile *po = g_new0 (PoFile, 1);
  g_autoptr(GString) header_comments = g_string_new (NULL);
  PoEntry *entry = NULL;
  char **target = NULL;
  gboolean fuzzy = FALSE;

  po->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) po_entry_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (*line == '\0' || g_str_has_prefix (line, "#~"))
        {
          if (*line == '\0' && entry != NULL)
            {
              g_ptr_array_add (po->entries, entry);
              entry = NULL;
              target = NULL;
            }
          continue;
        }

      if (*line == '#')
        {
          if (entry != NULL)
            {
              g_ptr_array_add (po->entries, entry);
              entry = NULL;
              target = NULL;
            }
          if (g_str_has_prefix (line, "#,") && strstr (line, "fuzzy") != NULL)
            fuzzy = TRUE;
          if (po->entries->len == 0)
            g_string_append_printf (header_comments, "%s\n", line);
          continue;
        }

      if (*line == '"')
        {
          g_autofree char *more = po_unquote (line);
          char *joined;

          if (target == NULL || more == NULL)
            g_error ("%s:%u: a string continues nothing", path, i + 1);
          joined = g_strconcat (*target, more, NULL);
          g_free (*target);
          *target = joined;
          continue;
        }

      if (entry == NULL)
        {
          entry = g_new0 (PoEntry, 1);
          entry->strs = g_ptr_array_new_with_free_func (g_free);
          entry->fuzzy = fuzzy;
          fuzzy = FALSE;
        }

      if (g_str_has_prefix (line, "msgctxt "))
        target = &entry->ctxt;
      else if (g_str_has_prefix (line, "msgid_plural "))
        target = &entry->id_plural;
      else if (g_str_has_prefix (line, "msgid "))
        target = &entry->id;
      else if (g_str_has_prefix (line, "msgstr"))
        {
          g_ptr_array_add (entry->strs, NULL);
          target = (char **) &entry->strs->pdata[entry->strs->len - 1];
        }
      else
        g_error ("%s:%u: cannot read “%s”", path, i + 1, line);

      g_free (*target);
      *target = po_unquote (line);
      if (*target == NULL)
        g_error ("%s:%u: a keyword without a string", path, i + 1);
    }

  if (entry != NULL)
    g_ptr_array_add (po->entries, entry);

  po->header_comments = g_string_free (g_steal_pointer (&header_comments), FALSE);
  return po;
}

static const PoEntry *
po_header (PoFile *po)
{
  if (po->entries->len > 0)
    {
      const PoEntry *first = g_ptr_array_index (po->entries, 0);

      if (first->ctxt == NULL && *first->id == '\0')
        return first;
    }
  return NULL;
}

/* A header field's value ("Language"), or NULL. */
static char *
po_header_field (PoFile     *po,
                 const char *name)
{
  const PoEntry *header = po_header (po);
  g_auto(GStrv) fields = NULL;
  g_autofree char *prefix = g_strconcat (name, ": ", NULL);

  if (header == NULL || header->strs->len == 0)
    return NULL;

  fields = g_strsplit (g_ptr_array_index (header->strs, 0), "\n", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    if (g_str_has_prefix (fields[i], prefix))
      return g_strdup (fields[i] + strlen (prefix));

  return NULL;
}

/* What tells one message from another: context, msgid and plural. */
static char *
po_entry_key (const PoEntry *entry)
{
  return g_strdup_printf ("%s%s%s%s%s",
                          entry->ctxt != NULL ? entry->ctxt : "",
                          entry->ctxt != NULL ? "\004" : "",
                          entry->id,
                          entry->id_plural != NULL ? "\001" : "",
                          entry->id_plural != NULL ? entry->id_plural : "");
}

/* A readable form of a key for messages. */
static char *
key_for_humans (const char *key)
{
  g_autoptr(GString) s = g_string_new (key);

  g_string_replace (s, "\004", " | ", 0);
  g_string_replace (s, "\001", " / ", 0);
  g_string_replace (s, "\n", "\\n", 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The keys of every message but the header. */
static GHashTable *
po_keys (PoFile *po)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = po_header (po) != NULL ? 1 : 0; i < po->entries->len; i++)
    g_hash_table_add (keys, po_entry_key (g_ptr_array_index (po->entries, i)));

  return keys;
}

static PoFile *
load_po (const char *lang)
{
  g_autofree char *name = g_strconcat (lang, ".po", NULL);
  g_autofree char *path = source_path ("i18n", name, NULL);

  return po_parse (path);
}

static PoFile *
load_template (void)
{
  g_autofree char *path = source_path ("i18n", "safereport.pot", NULL);

  return po_parse (path);
}

/* ------------------------------------------------------------- helpers */

/* Lines of a list file (LINGUAS, POTFILES) that are not blank or comments,
 * split at white space. */
static GPtrArray *
read_list (const char *name)
{
  g_autofree char *path = source_path ("i18n", name, NULL);
  g_autofree char *text = read_text (path);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;

      g_strstrip (lines[i]);
      if (*lines[i] == '\0' || *lines[i] == '#')
        continue;
      words = g_strsplit_set (lines[i], " \t", -1);
      for (guint j = 0; words[j] != NULL; j++)
        if (*words[j] != '\0')
          g_ptr_array_add (items, g_strdup (words[j]));
    }

  return items;
}

static gboolean
list_contains (GPtrArray  *list,
               const char *item)
{
  return g_ptr_array_find_with_equal_func (list, item, g_str_equal, NULL);
}

/* Runs argv with LC_ALL=C (so tools speak English), failing the test if it
 * cannot start. */
static int
run (const char * const *argv,
     char              **out,
     char              **err)
{
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
  g_autoptr(GError) error = NULL;
  int status = 0;

  env = g_environ_unsetenv (env, "LANGUAGE");
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                     out, err, &status, &error))
    g_error ("Could not run %s: %s", argv[0], error->message);

  return status;
}

static const char *
tool (const char *variable)
{
  const char *path = g_getenv (variable);

  g_assert_nonnull (path);
  return path;
}

/* Runs xgettext with the preset on the files listed in files_from (or the
 * single file), relative to the source root, into output. */
static gboolean
run_xgettext (const char  *files_from,
              const char  *file,
              const char  *output,
              char       **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *root = source_path (NULL);
  g_autofree char *out = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) tool ("SR_XGETTEXT"));
  g_ptr_array_add (argv, (gpointer) "--package-name=safereport");
  g_ptr_array_add (argv, (gpointer) "--force-po");
  g_ptr_array_add (argv, (gpointer) "-D");
  g_ptr_array_add (argv, root);
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, (gpointer) output);
  for (guint i = 0; i < G_N_ELEMENTS (xgettext_args); i++)
    g_ptr_array_add (argv, (gpointer) xgettext_args[i]);
  if (files_from != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "-f");
      g_ptr_array_add (argv, (gpointer) files_from);
    }
  if (file != NULL)
    g_ptr_array_add (argv, (gpointer) file);
  g_ptr_array_add (argv, NULL);

  status = run ((const char * const *) argv->pdata, &out, err);
  return g_spawn_check_wait_status (status, NULL);
}

/* Fails the test with a message, and goes on so that one run shows every
 * problem. */
G_GNUC_PRINTF (1, 2)
static void
problem (const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);

  g_test_message ("%s", message);
  g_test_fail ();
}

/* ------------------------------------------------------------ LINGUAS */

static void
test_linguas (void)
{
  g_autoptr(GPtrArray) linguas = read_list ("LINGUAS");
  g_autofree char *dir_path = source_path ("i18n", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_cmpuint (linguas->len, ==, G_N_ELEMENTS (languages));
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autofree char *po = g_strconcat (languages[i].code, ".po", NULL);
      g_autofree char *path = source_path ("i18n", po, NULL);

      if (!list_contains (linguas, languages[i].code))
        problem ("LINGUAS lacks %s", languages[i].code);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        problem ("%s has no catalogue (i18n/%s)", languages[i].code, po);
    }

  /* A catalogue LINGUAS does not name would never be built or installed. */
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".po"))
      {
        g_autofree char *lang = g_strndup (name, strlen (name) - 3);

        if (!list_contains (linguas, lang))
          problem ("i18n/%s is not in LINGUAS", name);
      }
}

/* ------------------------------------------------------------ POTFILES */

/* Whether a source file looks as if it had translatable strings: a call of
 * _(), N_(), C_(), NC_() or GLib's domain functions, or a translatable
 * property in a .ui file. */
static gboolean
looks_translatable (const char *text)
{
  /* The tests run in one thread: a plain static is enough. */
  static GRegex *pattern;

  if (pattern == NULL)
    pattern = g_regex_new ("(^|[^A-Za-z0-9_])(N|C|NC)?_\\s*\\("
                           "|\\bg_d(c|n|pc?)gettext2?\\s*\\("
                           "|translatable\\s*=\\s*\"(yes|true|1)\"",
                           G_REGEX_OPTIMIZE, 0, NULL);

  return g_regex_match (pattern, text, 0, NULL);
}

/* Whether xgettext finds at least one message in a file (path relative to
 * the source root): a pattern in a comment alone is no string. */
static gboolean
has_messages (const char *relative,
              const char *tmp_dir)
{
  g_autofree char *pot = g_build_filename (tmp_dir, "one.pot", NULL);
  g_autofree char *err = NULL;
  g_autoptr(PoFile) po = NULL;
  g_autoptr(GHashTable) keys = NULL;

  if (!run_xgettext (NULL, relative, pot, &err))
    g_error ("xgettext failed on %s: %s", relative, err);
  po = po_parse (pot);
  keys = po_keys (po);
  g_unlink (pot);

  return g_hash_table_size (keys) > 0;
}

static gboolean
needs_potfiles (const char *relative,
                const char *tmp_dir)
{
  g_autofree char *path = source_path (relative, NULL);
  g_autofree char *text = read_text (path);

  return looks_translatable (text) && has_messages (relative, tmp_dir);
}

/* Adds every .c, .h and .ui file below dir (relative to the source root). */
static void
collect_sources (const char *relative,
                 GPtrArray  *files)
{
  g_autofree char *path = source_path (relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (relative, name, NULL);
      g_autofree char *child_path = source_path (child, NULL);

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        collect_sources (child, files);
      else if (g_str_has_suffix (name, ".c") || g_str_has_suffix (name, ".h")
               || g_str_has_suffix (name, ".ui"))
        g_ptr_array_add (files, g_steal_pointer (&child));
    }
}

/* The scan itself must find strings where there are some, and none where
 * there are none, or a missing file could go unnoticed. */
static void
test_potfiles_scan (void)
{
  g_autofree char *tmp = sr_test_mkdtemp ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PoFile) po = NULL;
  g_autoptr(GHashTable) keys = NULL;
  static const struct
  {
    const char *name;
    const char *text;
    gboolean    expected;
  } cases[] = {
    { "a.c", "static void f (void) { g_print (\"%s\", _(\"Hello\")); }\n", TRUE },
    { "b.c", "static const char *s = N_(\"Later\");\n", TRUE },
    { "c.c", "static const char *s = C_(\"month\", \"May\");\n", TRUE },
    { "d.c", "char *s = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, \"%u day\", \"%u days\", n), n);\n", TRUE },
    { "e.ui", "<interface><object class=\"GtkLabel\"><property name=\"label\" translatable=\"yes\">Hi</property></object></interface>\n", TRUE },
    { "f.c", "/* Words go through _() elsewhere. */\nstatic void g_autoptr_(void) { g_autoptr(GError) e = NULL; }\n", FALSE },
    { "g.ui", "<interface><object class=\"GtkLabel\"><property name=\"label\">Hi</property></object></interface>\n", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (tmp, cases[i].name, NULL);
      g_autofree char *pot = g_build_filename (tmp, "case.pot", NULL);
      g_autofree char *err = NULL;
      gboolean found;

      g_file_set_contents (path, cases[i].text, -1, &error);
      g_assert_no_error (error);
      found = looks_translatable (cases[i].text);
      if (found)
        {
          g_assert_true (run_xgettext (NULL, path, pot, &err));
          g_clear_pointer (&po, po_file_free);
          g_clear_pointer (&keys, g_hash_table_unref);
          po = po_parse (pot);
          keys = po_keys (po);
          found = g_hash_table_size (keys) > 0;
        }
      if (found != cases[i].expected)
        problem ("The scan %s strings in %s", found ? "finds" : "misses", cases[i].name);
    }

  sr_test_rmdir (tmp);
}

static void
test_potfiles (void)
{
  g_autoptr(GPtrArray) potfiles = read_list ("POTFILES");
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tmp = sr_test_mkdtemp ();
  g_autofree char *app_id = NULL;
  g_autoptr(GString) missing = g_string_new (NULL);
  guint with_strings = 0;

  /* xgettext stops at a listed file that is gone. */
  for (guint i = 0; i < potfiles->len; i++)
    {
      g_autofree char *path = source_path (g_ptr_array_index (potfiles, i), NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        problem ("POTFILES names %s, which does not exist", (char *) g_ptr_array_index (potfiles, i));
    }

  app_id = g_strdup (g_getenv ("SR_APP_ID"));
  g_assert_nonnull (app_id);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strconcat ("data/", app_id,
                                           i == 0 ? ".desktop.in" : ".metainfo.xml.in", NULL);

      if (!list_contains (potfiles, name))
        g_string_append_printf (missing, " %s", name);
    }

  collect_sources ("ui", sources);
  collect_sources ("app", sources);
  collect_sources ("crypto", sources);
  g_assert_cmpuint (sources->len, >, 0);

  for (guint i = 0; i < sources->len; i++)
    {
      const char *relative = g_ptr_array_index (sources, i);

      if (!needs_potfiles (relative, tmp))
        continue;
      with_strings++;
      if (!list_contains (potfiles, relative))
        g_string_append_printf (missing, " %s", relative);
    }

  sr_test_rmdir (tmp);

  /* The app has words of its own; finding none means the scan is broken. */
  g_assert_cmpuint (with_strings, >, 0);
  if (missing->len > 0)
    problem ("Files with translatable strings missing from i18n/POTFILES:%s", missing->str);
}

/* ------------------------------------------------------------ template */

static void
test_template (void)
{
  g_autofree char *tmp = sr_test_mkdtemp ();
  g_autofree char *fresh_path = g_build_filename (tmp, "fresh.pot", NULL);
  g_autofree char *potfiles = source_path ("i18n", "POTFILES", NULL);
  g_autofree char *potfiles_copy = g_build_filename (tmp, "POTFILES", NULL);
  g_autofree char *err = NULL;
  g_autofree char *list = read_text (potfiles);
  g_autoptr(GPtrArray) items = read_list ("POTFILES");
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoFile) committed = load_template ();
  g_autoptr(PoFile) fresh = NULL;
  g_autoptr(GHashTable) old_keys = po_keys (committed);
  g_autoptr(GHashTable) new_keys = NULL;
  g_autoptr(GString) diff = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key;

  /* xgettext's -f takes one name a line, comments not allowed everywhere. */
  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (plain, "%s\n", (char *) g_ptr_array_index (items, i));
  g_file_set_contents (potfiles_copy, plain->str, -1, &error);
  g_assert_no_error (error);

  if (!run_xgettext (potfiles_copy, NULL, fresh_path, &err))
    g_error ("xgettext failed: %s", err);
  fresh = po_parse (fresh_path);
  new_keys = po_keys (fresh);
  sr_test_rmdir (tmp);

  g_hash_table_iter_init (&iter, new_keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (old_keys, key))
      {
        g_autofree char *human = key_for_humans (key);
        g_string_append_printf (diff, "\n  new in the sources: “%s”", human);
      }
  g_hash_table_iter_init (&iter, old_keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (new_keys, key))
      {
        g_autofree char *human = key_for_humans (key);
        g_string_append_printf (diff, "\n  gone from the sources: “%s”", human);
      }

  g_assert_cmpuint (g_hash_table_size (old_keys), >, 0);
  if (diff->len > 0)
    problem ("i18n/safereport.pot is stale; run `meson compile -C _build safereport-pot` "
             "and `safereport-update-po`:%s", diff->str);
}

/* ---------------------------------------------------------- catalogues */

/* msgfmt's verdict: checks clean, and every message translated. */
static void
check_msgfmt (const char *lang,
              guint       expected)
{
  g_autofree char *name = g_strconcat (lang, ".po", NULL);
  g_autofree char *path = source_path ("i18n", name, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *want = NULL;
  const char *argv[] = { tool ("SR_MSGFMT"), "--check", "--statistics", "-o", "/dev/null", path, NULL };
  int status;

  status = run (argv, &out, &err);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      problem ("msgfmt --check fails on i18n/%s:\n%s", name, err);
      return;
    }

  /* The statistics are the only thing msgfmt may say: any warning, any
   * fuzzy or untranslated message, fails. */
  g_strstrip (err);
  want = g_strdup_printf ("%u translated message%s.", expected, expected == 1 ? "" : "s");
  if (!g_str_equal (err, want))
    problem ("msgfmt --check --statistics on i18n/%s says “%s”, not “%s”", name, err, want);
}

static void
test_catalogues (void)
{
  g_autoptr(PoFile) template = load_template ();
  g_autoptr(GHashTable) template_keys = po_keys (template);

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      const char *lang = languages[l].code;
      g_autoptr(PoFile) po = load_po (lang);
      g_autoptr(GHashTable) keys = po_keys (po);
      g_autofree char *language = po_header_field (po, "Language");
      g_autofree char *plural_forms = po_header_field (po, "Plural-Forms");
      g_autofree char *charset = po_header_field (po, "Content-Type");
      guint nplurals = 0;
      guint untranslated = 0;
      const char *first_untranslated = NULL;
      GHashTableIter iter;
      gpointer key;

      if (g_strcmp0 (language, lang) != 0)
        problem ("i18n/%s.po says Language: %s", lang, language);
      if (g_strcmp0 (charset, "text/plain; charset=UTF-8") != 0)
        problem ("i18n/%s.po is not UTF-8: %s", lang, charset);
      if (g_strcmp0 (plural_forms, languages[l].plural_forms) != 0)
        problem ("i18n/%s.po has Plural-Forms: %s; %s needs %s", lang, plural_forms, lang,
                 languages[l].plural_forms);
      nplurals = (guint) g_ascii_strtoull (languages[l].plural_forms + strlen ("nplurals="), NULL, 10);

      /* Every message of the template, and nothing else. */
      g_hash_table_iter_init (&iter, template_keys);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (keys, key))
          {
            g_autofree char *human = key_for_humans (key);
            problem ("i18n/%s.po lacks “%s”: run safereport-update-po", lang, human);
          }
      g_hash_table_iter_init (&iter, keys);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (template_keys, key))
          {
            g_autofree char *human = key_for_humans (key);
            problem ("i18n/%s.po has “%s”, which the template does not: run safereport-update-po",
                     lang, human);
          }

      /* msgfmt skips a fuzzy header, and with it the plural rule. */
      if (po_header (po) == NULL || ((PoEntry *) po_header (po))->fuzzy)
        problem ("i18n/%s.po has no header, or a fuzzy one", lang);

      for (guint i = 1; i < po->entries->len; i++)
        {
          const PoEntry *entry = g_ptr_array_index (po->entries, i);
          guint n = entry->id_plural != NULL ? nplurals : 1;

          if (entry->fuzzy)
            problem ("i18n/%s.po: “%s” is fuzzy", lang, entry->id);
          if (entry->strs->len != n)
            problem ("i18n/%s.po: “%s” has %u translations, not %u", lang, entry->id,
                     entry->strs->len, n);
          for (guint j = 0; j < entry->strs->len; j++)
            if (*(char *) g_ptr_array_index (entry->strs, j) == '\0')
              {
                /* One line a language is enough to see where work is left. */
                if (untranslated++ == 0)
                  first_untranslated = entry->id;
                break;
              }
        }
      if (untranslated > 0)
        problem ("i18n/%s.po: %u messages are not translated, the first “%s”",
                 lang, untranslated, first_untranslated);

      check_msgfmt (lang, g_hash_table_size (template_keys));
    }
}

/* A catalogue that no native speaker has reviewed says so, in the words of
 * docs/TRANSLATING.md. X-SafeReport-Status turns "reviewed" when one has. */
static void
test_draft_note (void)
{
  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      const char *lang = languages[l].code;
      g_autoptr(PoFile) po = load_po (lang);
      g_autofree char *status = po_header_field (po, "X-SafeReport-Status");
      g_autofree char *team = po_header_field (po, "Language-Team");
      gboolean noted = strstr (po->header_comments, DRAFT_NOTE "\n") != NULL;

      if (g_strcmp0 (status, "reviewed") == 0)
        {
          /* A reviewed catalogue names its team and drops the warning. */
          if (noted || g_strcmp0 (team, DRAFT_TEAM) == 0)
            problem ("i18n/%s.po is marked reviewed but still says it is a draft", lang);
          continue;
        }

      if (g_strcmp0 (status, "draft") != 0)
        problem ("i18n/%s.po: X-SafeReport-Status is “%s”, not draft or reviewed", lang, status);
      if (!noted)
        problem ("i18n/%s.po is a draft without the DRAFT note in its header", lang);
      if (g_strcmp0 (team, DRAFT_TEAM) != 0)
        problem ("i18n/%s.po is a draft but its Language-Team is “%s”", lang, team);
    }
}

/* The desktop file and the metainfo, as the build merged them. */
static void
test_merged (void)
{
  const char *build = g_getenv ("SR_BUILD_ROOT");
  const char *app_id = g_getenv ("SR_APP_ID");
  g_autofree char *desktop_name = g_strconcat (app_id, ".desktop", NULL);
  g_autofree char *metainfo_name = g_strconcat (app_id, ".metainfo.xml", NULL);
  g_autofree char *desktop_path = g_build_filename (build, "data", desktop_name, NULL);
  g_autofree char *metainfo_path = g_build_filename (build, "data", metainfo_name, NULL);
  g_autofree char *desktop = read_text (desktop_path);
  g_autofree char *metainfo = read_text (metainfo_path);

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      const char *lang = languages[l].code;
      g_autofree char *comment = g_strdup_printf ("\nComment[%s]=", lang);
      g_autofree char *keywords = g_strdup_printf ("\nKeywords[%s]=", lang);
      g_autofree char *summary = g_strdup_printf ("<summary xml:lang=\"%s\">", lang);
      g_autofree char *paragraph = g_strdup_printf ("<p xml:lang=\"%s\">", lang);

      if (strstr (desktop, comment) == NULL || strstr (desktop, keywords) == NULL)
        problem ("The built desktop file has no %s comment or keywords", lang);
      if (strstr (metainfo, summary) == NULL || strstr (metainfo, paragraph) == NULL)
        problem ("The built metainfo has no %s summary or description", lang);
    }
}

/* ----------------------------------------------------------- rendering */

typedef struct
{
  PangoFontMap *font_map;
  PangoContext *context;
  guint         checked;
  guint         failures;
} Renderer;

static void
renderer_init (Renderer *r)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (BASE_FONT);

  r->font_map = pango_cairo_font_map_new ();
  r->context = pango_font_map_create_context (r->font_map);
  pango_cairo_context_set_resolution (r->context, 96.0);
  pango_context_set_font_description (r->context, font);
  r->checked = 0;
  r->failures = 0;
}

static void
renderer_clear (Renderer *r)
{
  g_clear_object (&r->context);
  g_clear_object (&r->font_map);
}

/* Takes GTK's mnemonic marks out, as a label shows the text: "_Next" is
 * "Next", "__" is "_". */
static char *
strip_mnemonic (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        {
          g_string_append_c (s, '_');
          p++;
        }
      else if (*p != '_')
        g_string_append_c (s, *p);
    }

  return g_string_free (s, FALSE);
}

static void
report (Renderer   *r,
        const char *lang,
        const char *where,
        const char *text,
        const char *problem)
{
  g_autoptr(GString) shown = g_string_new (text);

  /* One TAP line a problem: the text as it is, but on one line. */
  g_string_replace (shown, "\n", "\\n", 0);
  g_test_message ("%s (%s): %s: “%s”", lang, where, problem, shown->str);
  r->failures++;
}

/* Draws one paragraph in the base font, or in family if not NULL; reports
 * missing glyphs and words wider than the page. */
static void
check_paragraph (Renderer   *r,
                 const char *lang,
                 const char *family,
                 const char *where,
                 const char *text)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (r->context);
  PangoLanguage *language = pango_language_from_string (lang);
  PangoAttrList *attrs = pango_attr_list_new ();
  const PangoLogAttr *log_attrs;
  PangoLayoutLine *line;
  int n_attrs;
  int n_chars;
  int start = 0;
  int unknown;

  if (*text == '\0')
    return;

  pango_attr_list_insert (attrs, pango_attr_language_new (language));
  if (family != NULL)
    pango_attr_list_insert (attrs, pango_attr_family_new (family));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, -1);

  unknown = pango_layout_get_unknown_glyphs_count (layout);
  if (unknown > 0)
    {
      g_autofree char *problem = g_strdup_printf ("%d glyphs missing in %s", unknown,
                                                  family != NULL ? family : BASE_FONT);
      report (r, lang, where, text, problem);
    }

  /* Unwrapped, one paragraph is one line; the log attributes say where a
   * line may break, so the text between two such places is one word. */
  line = pango_layout_get_line_readonly (layout, 0);
  log_attrs = pango_layout_get_log_attrs_readonly (layout, &n_attrs);
  n_chars = n_attrs - 1;
  for (int i = 1; i <= n_chars; i++)
    {
      int end;
      int width = 0;
      int *ranges = NULL;
      int n_ranges = 0;
      const char *start_p;
      const char *end_p;

      if (i < n_chars && !log_attrs[i].is_line_break)
        continue;

      /* Spaces at the end of a line hang past the edge. */
      end = i;
      while (end > start && log_attrs[end - 1].is_white)
        end--;
      if (end > start)
        {
          start_p = g_utf8_offset_to_pointer (text, start);
          end_p = g_utf8_offset_to_pointer (text, end);
          pango_layout_line_get_x_ranges (line, start_p - text, end_p - text, &ranges, &n_ranges);
          for (int k = 0; k < n_ranges; k++)
            width += ranges[2 * k + 1] - ranges[2 * k];
          g_free (ranges);

          if (PANGO_PIXELS (width) > PAGE_WIDTH_PX)
            {
              g_autofree char *word = g_strndup (start_p, end_p - start_p);
              g_autofree char *problem = g_strdup_printf ("in %s, a word %d px wide does not fit %d px: “%s” in",
                                                          family != NULL ? family : BASE_FONT,
                                                          PANGO_PIXELS (width), PAGE_WIDTH_PX, word);
              report (r, lang, where, text, problem);
            }
        }
      start = i;
    }

  r->checked++;
}

/* The Noto family for a language, or NULL for English and codes the app
 * does not know. */
static const char *
language_font (const char *lang)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i].code, lang))
      return languages[i].font;

  return NULL;
}

static void
check_text (Renderer   *r,
            const char *lang,
            const char *where,
            const char *text,
            gboolean    mnemonic)
{
  g_autofree char *shown = mnemonic ? strip_mnemonic (text) : g_strdup (text);
  g_auto(GStrv) paragraphs = g_strsplit (shown, "\n", -1);
  const char *family = language_font (lang);

  /* As GTK draws it today (its base font, the rest found by language), and
   * in the Noto font the project installs for the script, which a
   * stylesheet may choose (Urdu readers expect Nastaliq). */
  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      check_paragraph (r, lang, NULL, where, paragraphs[i]);
      if (family != NULL)
        check_paragraph (r, lang, family, where, paragraphs[i]);
    }
}

/* Whether a source string carries a mnemonic ("_Next", "C_lear"). */
static gboolean
has_mnemonic (const char *id)
{
  for (const char *p = strchr (id, '_'); p != NULL; p = strchr (p + 2, '_'))
    if (p[1] != '\0' && p[1] != '_' && !g_ascii_isspace (p[1]))
      return TRUE;
  return FALSE;
}

/* A desktop file's keyword list ("report;form;"): shown one keyword at a
 * time, never as one line. */
static gboolean
is_keyword_list (const char *id)
{
  return g_str_has_suffix (id, ";") && strchr (id, ' ') == NULL;
}

static void
test_render_catalogues (void)
{
  Renderer r;

  renderer_init (&r);

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      const char *lang = languages[l].code;
      g_autoptr(PoFile) po = load_po (lang);

      for (guint i = 1; i < po->entries->len; i++)
        {
          const PoEntry *entry = g_ptr_array_index (po->entries, i);
          gboolean mnemonic = has_mnemonic (entry->id);

          for (guint j = 0; j < entry->strs->len; j++)
            {
              const char *text = g_ptr_array_index (entry->strs, j);

              if (is_keyword_list (entry->id))
                {
                  g_auto(GStrv) words = g_strsplit (text, ";", -1);

                  for (guint k = 0; words[k] != NULL; k++)
                    check_text (&r, lang, entry->id, words[k], FALSE);
                }
              else
                check_text (&r, lang, entry->id, text, mnemonic);
            }
        }
    }

  g_test_message ("%u paragraphs drawn", r.checked);
  g_assert_cmpuint (r.checked, >, 0);
  if (r.failures > 0)
    g_test_fail_printf ("%u translated strings do not draw well (see the messages above)", r.failures);

  renderer_clear (&r);
}

/* A member of the form that is an object of translations: {"en": …}. */
static gboolean
is_translations (JsonNode *node)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "en"))
    return FALSE;

  members = json_object_get_members (object);
  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *value = json_object_get_member (object, m->data);

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return FALSE;
    }
  return TRUE;
}

static void
walk_form (Renderer   *r,
           JsonNode   *node,
           const char *where,
           GHashTable *langs)
{
  if (is_translations (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *m = members; m != NULL; m = m->next)
        {
          g_hash_table_add (langs, g_strdup (m->data));
          check_text (r, m->data, where, json_object_get_string_member (object, m->data), FALSE);
        }
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      const char *id = json_object_get_string_member_with_default (object, "id", NULL);

      for (GList *m = members; m != NULL; m = m->next)
        {
          g_autofree char *child = g_strdup_printf ("%s%s%s.%s", where,
                                                    id != NULL ? "." : "",
                                                    id != NULL ? id : "",
                                                    (char *) m->data);
          walk_form (r, json_object_get_member (object, m->data), child, langs);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        walk_form (r, json_array_get_element (array, i), where, langs);
    }
}

static void
test_render_form (void)
{
  g_autofree char *path = source_path ("data", "forms", "default.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) langs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  Renderer r;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  renderer_init (&r);
  walk_form (&r, json_parser_get_root (parser), "form", langs);

  g_test_message ("%u paragraphs drawn in %u languages", r.checked, g_hash_table_size (langs));
  g_assert_true (g_hash_table_contains (langs, "en"));
  g_assert_cmpuint (r.checked, >, 0);
  if (r.failures > 0)
    g_test_fail_printf ("%u form labels do not draw well (see the messages above)", r.failures);

  renderer_clear (&r);
}

/* Every language's Noto family is installed: asked for by name, Pango
 * gets that very family, not a fallback. A missing one means a font
 * package is missing from scripts/install-deps. */
static void
test_fonts (void)
{
  Renderer r;

  renderer_init (&r);
  for (guint l = 0; l < G_N_ELEMENTS (languages) + 1; l++)
    {
      /* The last round asks for a family nobody has, and must see it fall
       * back: otherwise this check could not fail. */
      gboolean real = l < G_N_ELEMENTS (languages);
      const char *family = real ? languages[l].font : "No Such Font Family";
      g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (BASE_FONT);
      g_autoptr(PangoFont) font = NULL;
      g_autoptr(PangoFontDescription) got = NULL;
      const char *got_family;

      pango_font_description_set_family (desc, family);
      font = pango_font_map_load_font (r.font_map, r.context, desc);
      g_assert_nonnull (font);
      got = pango_font_describe (font);
      got_family = pango_font_description_get_family (got);

      if (real && g_ascii_strcasecmp (got_family, family) != 0)
        problem ("%s needs the font %s, which is not installed (Pango chose %s): "
                 "add its package to scripts/install-deps", languages[l].code, family, got_family);
      if (!real)
        g_assert_cmpstr (got_family, !=, family);
    }
  renderer_clear (&r);
}

/* The checks themselves: a script with no font, and a word too long for any
 * screen, must both be caught. */
static void
test_render_self_check (void)
{
  Renderer r;
  g_autoptr(GString) long_word = g_string_new (NULL);

  renderer_init (&r);

  check_text (&r, "en", "self-check", "Report what happened to you.", FALSE);
  g_assert_cmpuint (r.failures, ==, 0);

  /* Private Use Area code points have no glyph in any font installed. */
  check_text (&r, "en", "self-check", "\xee\x80\x80\xee\x80\x81", FALSE);
  g_assert_cmpuint (r.failures, ==, 1);

  for (guint i = 0; i < 60; i++)
    g_string_append (long_word, "m");
  check_text (&r, "en", "self-check", long_word->str, FALSE);
  g_assert_cmpuint (r.failures, ==, 2);

  /* The same letters in words of ten wrap, and pass. */
  for (guint i = 10; i < long_word->len; i += 11)
    g_string_insert_c (long_word, i, ' ');
  check_text (&r, "en", "self-check", long_word->str, FALSE);
  g_assert_cmpuint (r.failures, ==, 2);

  /* Thai has no spaces between words, and still breaks between them. */
  check_text (&r, "th", "self-check",
              "รายงานสิ่งที่เกิดขึ้นกับคุณอย่างปลอดภัยและออฟไลน์ทุกคำถามข้ามได้และไม่ต้องบอกชื่อของคุณ",
              FALSE);
  g_assert_cmpuint (r.failures, ==, 2);

  /* Khmer, Lao and Burmese have no spaces between words and Pango has no
   * dictionary for them: a long sentence is one word unless the
   * translation marks the breaks with ZERO WIDTH SPACE. */
  check_text (&r, "km", "self-check",
              "អ្វីៗទាំងអស់ដែលអ្នកបានបញ្ចូលនឹងត្រូវបានលុបក្នុងពេលឆាប់ៗដើម្បីសុវត្ថិភាពរបស់អ្នក",
              FALSE);
  /* Once in the base font, once in Noto Sans Khmer. */
  g_assert_cmpuint (r.failures, ==, 4);
  check_text (&r, "km", "self-check",
              "អ្វីៗ\u200bទាំង\u200bអស់\u200bដែល\u200bអ្នក\u200bបាន\u200bបញ្ចូល\u200bនឹង\u200bត្រូវ\u200bបាន"
              "\u200bលុប\u200bក្នុង\u200bពេល\u200bឆាប់ៗ\u200bដើម្បី\u200bសុវត្ថិភាព\u200bរបស់\u200bអ្នក",
              FALSE);
  g_assert_cmpuint (r.failures, ==, 4);

  renderer_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  /* Messages quote the translations: print them as they are. */
  (void) setlocale (LC_ALL, "C.UTF-8");
  sr_test_init (&argc, &argv);

  g_test_add_func ("/sr/i18n/linguas", test_linguas);
  g_test_add_func ("/sr/i18n/potfiles-scan", test_potfiles_scan);
  g_test_add_func ("/sr/i18n/potfiles", test_potfiles);
  g_test_add_func ("/sr/i18n/template", test_template);
  g_test_add_func ("/sr/i18n/catalogues", test_catalogues);
  g_test_add_func ("/sr/i18n/draft-note", test_draft_note);
  g_test_add_func ("/sr/i18n/merged", test_merged);
  g_test_add_func ("/sr/i18n/fonts", test_fonts);
  g_test_add_func ("/sr/i18n/render-self-check", test_render_self_check);
  g_test_add_func ("/sr/i18n/render-catalogues", test_render_catalogues);
  g_test_add_func ("/sr/i18n/render-form", test_render_form);

  return g_test_run ();
}
