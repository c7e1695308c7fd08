/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up to first frame, and memory, of the SafeReport app against a bare
 * libadwaita window (bench-bare-window) on the same display.
 *
 *   bench-startup [--runs N] SAFEREPORT BARE_WINDOW
 *
 * Both programs run with SR_BENCH_FIRST_FRAME set, which makes them quit
 * right after their window's first frame; each run's figure is the wall time
 * from fork to exit and the child's peak RSS (wait4). One warm-up run each
 * comes first, then N runs each (default 10), alternating which goes first
 * so that drift on the machine falls on both. SafeReport runs in desktop
 * mode on the demo profile (SAFEREPORT_DATADIR must point at data/) with a
 * fresh outbox in a temporary directory, which the warm-up provisions: the
 * measured runs are the start of an app already set up.
 *
 * A program that does not exit within 30 s, or exits other than with 0,
 * stops the bench with a message and exit status 1. Figures, never
 * assertions: bench/run prints them as ratios. */
#include "sr-config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#define TIMEOUT_SECONDS 30

typedef struct
{
  const char  *name;
  char       **argv;
  double      *ms;
  double      *rss_kib;
} Program;

static void
on_alarm (int signum)
{
  /* Only here to interrupt wait4 (). */
}

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Each child's stderr, kept to show when it fails: a bare X server without
 * a session bus has GTK warn on every start, which is noise otherwise. */
static char *stderr_path;

static void G_GNUC_NORETURN
fail_with_output (void)
{
  g_autofree char *output = NULL;

  if (g_file_get_contents (stderr_path, &output, NULL, NULL) && *output != '\0')
    g_printerr ("bench-startup: its error output was:\n%s", output);
  exit (1);
}

/* Runs argv once with envp; its wall time in ms and peak RSS in KiB. With
 * output_fd >= 0 the child's stdout goes there, else to /dev/null. Exits
 * the bench if the program fails or hangs. */
static void
run_once (const char  *name,
          char       **argv,
          char       **envp,
          int          output_fd,
          double      *ms,
          double      *rss_kib)
{
  struct rusage usage;
  double start;
  pid_t pid, got;
  int status;

  start = now_ms ();
  pid = fork ();
  if (pid < 0)
    {
      g_printerr ("bench-startup: cannot start %s: %s\n", name, g_strerror (errno));
      exit (1);
    }
  if (pid == 0)
    {
      int out = output_fd >= 0 ? output_fd : open ("/dev/null", O_WRONLY);
      int err = open (stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

      if (out < 0 || dup2 (out, STDOUT_FILENO) < 0
          || err < 0 || dup2 (err, STDERR_FILENO) < 0)
        _exit (126);
      execve (argv[0], argv, envp);
      _exit (127);
    }

  alarm (TIMEOUT_SECONDS);
  got = wait4 (pid, &status, 0, &usage);
  alarm (0);
  if (got < 0 && errno == EINTR)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      g_printerr ("bench-startup: %s did not paint its first frame and exit within %d s.\n",
                  name, TIMEOUT_SECONDS);
      fail_with_output ();
    }
  *ms = now_ms () - start;
  if (got < 0)
    {
      g_printerr ("bench-startup: cannot wait for %s: %s\n", name, g_strerror (errno));
      exit (1);
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    {
      g_printerr ("bench-startup: cannot run %s (%s).\n", name, argv[0]);
      exit (1);
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      if (WIFSIGNALED (status))
        g_printerr ("bench-startup: %s was killed by signal %d before it quit after its first frame.\n",
                    name, WTERMSIG (status));
      else
        g_printerr ("bench-startup: %s exited with status %d instead of quitting after its first frame.\n",
                    name, WEXITSTATUS (status));
      fail_with_output ();
    }
  *rss_kib = usage.ru_maxrss;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Sorts values in place. */
static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* The temporary outbox, removed however the bench ends. */
static char *tmp_dir;

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                flag,
              struct FTW        *ftw)
{
  return remove (path);
}

static void
remove_tmp_dir (void)
{
  if (tmp_dir != NULL)
    nftw (tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *outbox_dir = NULL;
  g_autofree char *demo_profile = NULL;
  g_autofree double *values = NULL;
  char renderer[256] = "unknown";
  const char *display;
  struct sigaction sa = { 0 };
  int runs = 10;
  int fds[2];
  double ms, rss;
  Program programs[2];
  GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Measured runs of each program (default 10)", "N" },
    { NULL }
  };

  context = g_option_context_new ("SAFEREPORT BARE_WINDOW");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-startup: %s\n", error->message);
      return 2;
    }
  if (argc != 3 || runs < 1)
    {
      g_printerr ("usage: bench-startup [--runs N] SAFEREPORT BARE_WINDOW\n");
      return 2;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("bench-startup: needs a display: set DISPLAY or WAYLAND_DISPLAY, or run it under xvfb-run -a.\n");
      return 2;
    }
  /* Without the demo profile the app would still paint a frame, of its
   * problem page, and the figures would be of the wrong thing. */
  demo_profile = g_build_filename (g_getenv ("SAFEREPORT_DATADIR") != NULL ? g_getenv ("SAFEREPORT_DATADIR") : "",
                                   "demo", "demo.srp", NULL);
  if (g_getenv ("SAFEREPORT_DATADIR") == NULL || !g_file_test (demo_profile, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("bench-startup: set SAFEREPORT_DATADIR to SafeReport's data/ directory, which holds demo/demo.srp.\n");
      return 2;
    }

  /* No SA_RESTART: the alarm must interrupt wait4 (). */
  sa.sa_handler = on_alarm;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGALRM, &sa, NULL);

  tmp_dir = g_dir_make_tmp ("sr-bench-startup-XXXXXX", &error);
  if (tmp_dir == NULL)
    {
      g_printerr ("bench-startup: %s\n", error->message);
      return 1;
    }
  if (atexit (remove_tmp_dir) != 0)
    g_printerr ("bench-startup: %s will be left behind\n", tmp_dir);
  outbox_dir = g_build_filename (tmp_dir, "outbox", NULL);
  stderr_path = g_build_filename (tmp_dir, "stderr.txt", NULL);

  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "SR_BENCH_FIRST_FRAME", "1", TRUE);

  values = g_new0 (double, 4 * runs);
  programs[0] = (Program) {
    "safereport",
    (char *[]) { argv[1], (char *) "--data-dir", outbox_dir, NULL },
    values, values + runs,
  };
  programs[1] = (Program) {
    "bare-gtk",
    (char *[]) { argv[2], NULL },
    values + 2 * runs, values + 3 * runs,
  };

  /* Warm-up, which also provisions the demo profile into the new outbox
   * and asks the bare window which renderer the display gave it. */
  run_once (programs[0].name, programs[0].argv, envp, -1, &ms, &rss);
  if (pipe (fds) < 0)
    {
      g_printerr ("bench-startup: %s\n", g_strerror (errno));
      return 1;
    }
  {
    g_auto(GStrv) renderer_envp = g_environ_setenv (g_strdupv (envp), "SR_BENCH_PRINT_RENDERER", "1", TRUE);
    ssize_t len;

    run_once (programs[1].name, programs[1].argv, renderer_envp, fds[1], &ms, &rss);
    close (fds[1]);
    len = read (fds[0], renderer, sizeof renderer - 1);
    close (fds[0]);
    renderer[len > 0 ? len : 0] = '\0';
    if (g_str_has_prefix (renderer, "renderer "))
      memmove (renderer, renderer + strlen ("renderer "), strlen (renderer) - strlen ("renderer ") + 1);
    g_strchomp (renderer);
  }

  for (int i = 0; i < runs; i++)
    for (int k = 0; k < 2; k++)
      {
        Program *p = &programs[(i + k) % 2];

        run_once (p->name, p->argv, envp, -1, &p->ms[i], &p->rss_kib[i]);
      }

  display = g_getenv ("WAYLAND_DISPLAY") != NULL ? "wayland" : "x11";
  g_print ("display %s %s; GSK_RENDERER %s; renderer %s; runs %d\n",
           display,
           g_getenv ("WAYLAND_DISPLAY") != NULL ? g_getenv ("WAYLAND_DISPLAY") : g_getenv ("DISPLAY"),
           g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "(unset)",
           renderer, runs);
  {
    double ms_med[2], rss_med[2], ms_min[2], ms_max[2];

    for (int k = 0; k < 2; k++)
      {
        ms_med[k] = median (programs[k].ms, runs);
        ms_min[k] = programs[k].ms[0];
        ms_max[k] = programs[k].ms[runs - 1];
        rss_med[k] = median (programs[k].rss_kib, runs) / 1024;
        g_print ("startup %-10s median_ms %.1f min_ms %.1f max_ms %.1f rss_mib %.1f\n",
                 programs[k].name, ms_med[k], ms_min[k], ms_max[k], rss_med[k]);
      }
    g_print ("startup %-10s median_ms %.2f rss_mib %.2f\n", "ratio",
             ms_med[0] / ms_med[1], rss_med[0] / rss_med[1]);
  }

  return 0;
}
