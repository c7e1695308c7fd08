/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-cli"

#include "sr-config.h"

#include "sr-cli-common.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "sr-data.h"
#include "sr-fsutil.h"

/* A passphrase longer than this is a mistake (the wrong file), not a
 * passphrase. */
#define PASSPHRASE_MAX      4096
#define KEY_FILE_MAX        (1024 * 1024)
#define PUBLIC_FILE_MAX     (64 * 1024)

static char *program_name;

void
sr_cli_init (const char *prgname)
{
  g_autoptr(GError) error = NULL;

  program_name = g_strdup (prgname);
  g_set_prgname (prgname);

  /* A write past RLIMIT_FSIZE would otherwise kill the process before it
   * can say what happened; ignored, the write fails with EFBIG and the
   * error reaches the person as "no space". */
  signal (SIGXFSZ, SIG_IGN);

  if (!sr_init (&error))
    exit (sr_cli_fail (error));
}

/* ------------------------------------------------------------------------
 * Output
 * --------------------------------------------------------------------- */

void
sr_cli_print_raw (const char *text,
                  gsize       len)
{
  fwrite (text, 1, len, stdout);
  fflush (stdout);
}

void
sr_cli_print (const char *format,
              ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  sr_cli_print_raw (text, strlen (text));
}

void
sr_cli_warn (const char *message)
{
  g_autofree char *line = g_strdup (message != NULL ? message : "Unknown error.");

  /* The convention is one line per problem, so a message never spans two. */
  g_strdelimit (line, "\r\n", ' ');
  g_strchomp (line);
  fflush (stdout);
  fprintf (stderr, "%s: %s\n", program_name != NULL ? program_name : g_get_prgname (), line);
  fflush (stderr);
}

int
sr_cli_fail (const GError *error)
{
  sr_cli_warn (error != NULL ? error->message : NULL);
  return 1;
}

int
sr_cli_failf (const char *format,
              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  sr_cli_warn (message);
  return 1;
}

gboolean
sr_cli_require (const void  *option,
                const char  *name,
                GError     **error)
{
  if (option != NULL)
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s is required.", name);
  return FALSE;
}

/* ------------------------------------------------------------------------
 * Commands
 * --------------------------------------------------------------------- */

GOptionContext *
sr_cli_context_new (const char         *command,
                    const char         *parameters,
                    const char         *summary,
                    const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);
  g_autofree char *prgname = g_strdup_printf ("%s %s", program_name, command);

  /* Usage then reads "safereport-inbox import [OPTION…] FILE…". */
  g_set_prgname (prgname);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);

  return context;
}

gboolean
sr_cli_parse (GOptionContext   *context,
              int              *argc,
              char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      sr_cli_fail (error);
      return FALSE;
    }
  return TRUE;
}

int
sr_cli_dispatch (int                  argc,
                 char               **argv,
                 const char          *summary,
                 const GOptionEntry  *global_entries,
                 const SrCliCommand  *commands)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GString) description = g_string_new ("Commands:\n");
  g_autoptr(GError) error = NULL;
  gsize width = 0;

  if (argc == 2 && g_strcmp0 (argv[1], "--version") == 0)
    {
      g_autofree char *data_dir = sr_data_path ("");

      /* Where the default form and the demo profile are read from: an
         installed tool reads them where it was installed. */
      sr_cli_print ("%s %s\ndata: %s\n", program_name, SR_VERSION, data_dir);
      return 0;
    }

  for (const SrCliCommand *c = commands; c->name != NULL; c++)
    width = MAX (width, strlen (c->name));
  for (const SrCliCommand *c = commands; c->name != NULL; c++)
    g_string_append_printf (description, "  %-*s  %s\n", (int) width, c->name, c->summary);
  g_string_append_printf (description,
                          "\nRun “%s COMMAND --help” for the options of a command.\n",
                          program_name);

  context = g_option_context_new ("COMMAND [ARGUMENT…]");
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description->str);
  /* Options after the command name belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  if (global_entries != NULL)
    g_option_context_add_main_entries (context, global_entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return sr_cli_fail (error);

  if (argc < 2)
    return sr_cli_failf ("No command given; run “%s --help” to see the commands.",
                         program_name);

  for (const SrCliCommand *c = commands; c->name != NULL; c++)
    if (g_strcmp0 (c->name, argv[1]) == 0)
      return c->run (argc - 1, argv + 1);

  return sr_cli_failf ("Unknown command “%s”; run “%s --help” to see the commands.",
                       argv[1], program_name);
}

/* ------------------------------------------------------------------------
 * Passphrases and keys
 * --------------------------------------------------------------------- */

SrSecret *
sr_cli_read_secret_file (const char  *path,
                         gsize        max_len,
                         const char  *what,
                         GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(SrSecret) secret = NULL;
  struct stat st;
  gsize len = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, SR_ERROR, saved == ENOENT ? SR_ERROR_NOT_FOUND : SR_ERROR_IO,
                   "Could not read the %s %s: %s.", what, display, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The %s %s is not a regular file.", what, display);
      return NULL;
    }
  if ((guint64) st.st_size > max_len)
    {
      close (fd);
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The %s %s is too large.", what, display);
      return NULL;
    }

  /* Read straight into guarded memory: no copy lands in an ordinary
   * buffer. One byte more than the size notices a file that grew. */
  secret = sr_secret_new ((gsize) st.st_size + 1);
  while (len < secret->len)
    {
      ssize_t n = read (fd, secret->data + len, secret->len - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not read the %s %s: %s.",
                       what, display, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  close (fd);

  if (len > (gsize) st.st_size)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The %s %s changed while it was read.", what, display);
      return NULL;
    }
  sr_secret_truncate (secret, len);

  return g_steal_pointer (&secret);
}

static SrSecret *
read_passphrase_file (const char  *path,
                      GError     **error)
{
  g_autoptr(SrSecret) secret = NULL;
  gsize len;

  secret = sr_cli_read_secret_file (path, PASSPHRASE_MAX, "passphrase file", error);
  if (secret == NULL)
    return NULL;

  /* Editors end a file with a newline; it is not part of the passphrase. */
  len = secret->len;
  if (len > 0 && secret->data[len - 1] == '\n')
    {
      len--;
      if (len > 0 && secret->data[len - 1] == '\r')
        len--;
    }
  sr_secret_truncate (secret, len);

  if (len == 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The passphrase file %s is empty.", display);
      return NULL;
    }

  return g_steal_pointer (&secret);
}

static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_echo_off;

/* An interrupt while echo is off must not leave the terminal silent. */
static void
restore_tty_on_signal (int signum)
{
  if (tty_echo_off)
    tcsetattr (tty_fd, TCSAFLUSH, &tty_saved);
  signal (signum, SIG_DFL);
  raise (signum);
}

static SrSecret *
prompt_tty (int          fd,
            const char  *prompt,
            GError     **error)
{
  g_autoptr(SrSecret) secret = sr_secret_new (PASSPHRASE_MAX);
  struct termios quiet;
  void (*old_int) (int);
  void (*old_term) (int);
  gsize len = 0;
  gboolean too_long = FALSE;
  gboolean ended = FALSE;

  if (tcgetattr (fd, &tty_saved) != 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_IO,
                           "Could not use the terminal to ask for the passphrase.");
      return NULL;
    }

  tty_fd = fd;
  old_int = signal (SIGINT, restore_tty_on_signal);
  old_term = signal (SIGTERM, restore_tty_on_signal);

  quiet = tty_saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ICANON;
  tty_echo_off = 1;
  tcsetattr (fd, TCSAFLUSH, &quiet);

  if (write (fd, prompt, strlen (prompt)) < 0)
    {
      /* The prompt is a courtesy; reading still works without it. */
    }

  while (!ended)
    {
      guint8 c;
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || c == '\n')
        {
          ended = TRUE;
          break;
        }
      if (len < secret->len)
        secret->data[len++] = c;
      else
        too_long = TRUE;
      sodium_memzero (&c, sizeof c);
    }

  tcsetattr (fd, TCSAFLUSH, &tty_saved);
  tty_echo_off = 0;
  signal (SIGINT, old_int);
  signal (SIGTERM, old_term);
  if (write (fd, "\n", 1) < 0)
    {
      /* Only cosmetic: the cursor stays on the prompt's line. */
    }

  if (len > 0 && secret->data[len - 1] == '\r')
    len--;
  sr_secret_truncate (secret, len);

  if (too_long)
    {
      g_set_error (error, SR_ERROR, SR_ERROR_INVALID,
                   "The passphrase is longer than %d bytes.", PASSPHRASE_MAX);
      return NULL;
    }
  if (len == 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID, "The passphrase is empty.");
      return NULL;
    }

  return g_steal_pointer (&secret);
}

SrSecret *
sr_cli_read_passphrase (const char  *file,
                        gboolean     confirm,
                        GError     **error)
{
  g_autoptr(SrSecret) first = NULL;
  g_autoptr(SrSecret) second = NULL;
  int fd;

  if (file != NULL)
    return read_passphrase_file (file, error);

  fd = g_open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                           "No passphrase: give --passphrase-file FILE or run this on a terminal.");
      return NULL;
    }

  first = prompt_tty (fd, confirm ? "New passphrase: " : "Passphrase: ", error);
  if (first != NULL && confirm)
    {
      second = prompt_tty (fd, "The same passphrase again: ", error);
      if (second != NULL &&
          (first->len != second->len ||
           sodium_memcmp (first->data, second->data, first->len) != 0))
        {
          g_set_error_literal (error, SR_ERROR, SR_ERROR_INVALID,
                               "The two passphrases differ.");
          g_clear_pointer (&first, sr_secret_free);
        }
      else if (second == NULL)
        g_clear_pointer (&first, sr_secret_free);
    }
  close (fd);

  return g_steal_pointer (&first);
}

SrOrgSecret *
sr_cli_unlock_key (const char  *key_path,
                   const char  *passphrase_file,
                   GError     **error)
{
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(SrSecret) passphrase = NULL;
  const guint8 *data;
  gsize len;

  sealed = sr_read_file (key_path, KEY_FILE_MAX, error);
  if (sealed == NULL)
    return NULL;

  passphrase = sr_cli_read_passphrase (passphrase_file, FALSE, error);
  if (passphrase == NULL)
    return NULL;

  data = g_bytes_get_data (sealed, &len);
  return sr_org_secret_unseal (data, len, passphrase, error);
}

gboolean
sr_cli_read_public (const char   *path,
                    SrOrgPublic  *out,
                    GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *text;
  gsize len;

  bytes = sr_read_file (path, PUBLIC_FILE_MAX, error);
  if (bytes == NULL)
    return FALSE;

  text = g_bytes_get_data (bytes, &len);
  if (!sr_org_public_from_text (text, len, out, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, SR_ERROR, local_error->code, "%s: %s", display, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_cli_write_new_file (const char    *path,
                       const guint8  *data,
                       gsize          len,
                       int            mode,
                       GError       **error)
{
  g_autofree char *display = g_filename_display_name (path);
  int fd;

  /* O_EXCL makes "never replace a key" a property of the open itself, not
   * of a check that could race with another program. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == EEXIST)
        g_set_error (error, SR_ERROR, SR_ERROR_IO,
                     "%s already exists; SafeReport never replaces it.", display);
      else
        g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not create %s: %s.",
                     display, g_strerror (saved));
      return FALSE;
    }

  if ((mode != 0600 && fchmod (fd, (mode_t) mode) != 0) ||
      !sr_write_all (fd, data, len, display, error) ||
      !sr_fsync (fd, display, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, SR_ERROR, SR_ERROR_IO, "Could not write %s.", display);
      close (fd);
      g_unlink (path);
      return FALSE;
    }
  close (fd);

  return sr_fsync_parent_dir (path, error);
}

/* ------------------------------------------------------------------------
 * Progress
 * --------------------------------------------------------------------- */

#define BAR_WIDTH 30

struct _SrCliProgress
{
  char    *label;
  gboolean tty;
  gboolean drawn;
  gint64   last_draw;
};

SrCliProgress *
sr_cli_progress_new (const char *label)
{
  SrCliProgress *progress = g_new0 (SrCliProgress, 1);

  progress->label = g_strdup (label);
  progress->tty = isatty (STDERR_FILENO);
  return progress;
}

void
sr_cli_progress_update (guint64  done,
                        guint64  total,
                        gpointer user_data)
{
  SrCliProgress *progress = user_data;
  gint64 now;
  char bar[BAR_WIDTH + 1];
  guint filled;

  if (progress == NULL || !progress->tty)
    return;

  /* Redraw at most ten times a second, and always at the end. */
  now = g_get_monotonic_time ();
  if (progress->drawn && done != total && now - progress->last_draw < G_USEC_PER_SEC / 10)
    return;
  progress->last_draw = now;
  progress->drawn = TRUE;

  if (total == 0)
    {
      fprintf (stderr, "\r%s %" G_GUINT64_FORMAT "\033[K", progress->label, done);
      fflush (stderr);
      return;
    }

  filled = (guint) (MIN (done, total) * BAR_WIDTH / total);
  memset (bar, '#', filled);
  memset (bar + filled, '-', BAR_WIDTH - filled);
  bar[BAR_WIDTH] = '\0';
  fprintf (stderr, "\r%s [%s] %3u%% %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\033[K",
           progress->label, bar, (guint) (MIN (done, total) * 100 / total), done, total);
  fflush (stderr);
}

void
sr_cli_progress_free (SrCliProgress *progress)
{
  if (progress == NULL)
    return;

  if (progress->drawn)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
  g_free (progress->label);
  g_free (progress);
}
