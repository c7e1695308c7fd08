/* SPDX-License-Identifier: GPL-3.0-or-later */

/* An LD_PRELOAD shim that makes one write, fsync or rename fail, so that a
 * test can walk every point where a tool touches the disk and check that
 * each failure is reported once and loses nothing.
 *
 *   SR_FAULT_OP=write|fsync|rename  the kind of call to fail
 *   SR_FAULT_AT=N                   fail the N-th such call (from 1); only
 *                                   that one, the later ones succeed
 *   SR_FAULT_DIR=DIR                count only calls on files below DIR
 *                                   (without it: calls on regular files)
 *   SR_FAULT_COUNT_FILE=PATH        at exit, write "write N\nfsync N\n
 *                                   rename N\n": the calls seen, so the
 *                                   test knows how many points there are
 *
 * "write" is write, pwrite, pwrite64 and writev; "fsync" is fsync and
 * fdatasync; "rename" is rename, renameat and renameat2. These are the
 * calls the tools make through the dynamic linker: SQLite's unix VFS takes
 * pwrite64 and fdatasync from libc when it is loaded, so it finds these
 * first; GLib writes with write and fsync. A failed write says ENOSPC (a
 * full disk), a failed fsync or rename EIO (a failing disk). Writes to
 * pipes and terminals (what the tool prints) never count. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* pwrite and pwrite64 are defined apart below; with 64-bit offsets the
 * headers would rename the first to the second. */
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

enum
{
  OP_WRITE,
  OP_FSYNC,
  OP_RENAME,
  N_OPS
};

static const char *const op_names[N_OPS] = { "write", "fsync", "rename" };
static const int op_errno[N_OPS] = { ENOSPC, EIO, EIO };

static int fault_op = -1;
static long fault_at;
static const char *fault_dir;
static size_t fault_dir_len;
static const char *count_file;
static long counts[N_OPS];

#define REAL(name) \
  static __typeof__ (name) *real_##name; \
  if (real_##name == NULL) \
    real_##name = (__typeof__ (name) *) dlsym (RTLD_NEXT, #name)

__attribute__ ((constructor)) static void
faults_init (void)
{
  const char *op = getenv ("SR_FAULT_OP");
  const char *at = getenv ("SR_FAULT_AT");

  for (int i = 0; op != NULL && i < N_OPS; i++)
    if (strcmp (op, op_names[i]) == 0)
      fault_op = i;
  fault_at = at != NULL ? strtol (at, NULL, 10) : 0;
  fault_dir = getenv ("SR_FAULT_DIR");
  if (fault_dir != NULL && fault_dir[0] != '\0')
    {
      fault_dir_len = strlen (fault_dir);
      while (fault_dir_len > 1 && fault_dir[fault_dir_len - 1] == '/')
        fault_dir_len--;
    }
  else
    fault_dir = NULL;
  count_file = getenv ("SR_FAULT_COUNT_FILE");
}

__attribute__ ((destructor)) static void
faults_fini (void)
{
  char text[128];
  int fd, len;
  REAL (write);

  if (count_file == NULL)
    return;

  len = snprintf (text, sizeof text, "write %ld\nfsync %ld\nrename %ld\n",
                  __atomic_load_n (&counts[OP_WRITE], __ATOMIC_SEQ_CST),
                  __atomic_load_n (&counts[OP_FSYNC], __ATOMIC_SEQ_CST),
                  __atomic_load_n (&counts[OP_RENAME], __ATOMIC_SEQ_CST));
  fd = open (count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (real_write (fd, text, (size_t) len) != len)
    unlink (count_file);
  close (fd);
}

static int
below_fault_dir (const char *path)
{
  return strncmp (path, fault_dir, fault_dir_len) == 0 &&
         (path[fault_dir_len] == '/' || path[fault_dir_len] == '\0');
}

static int
fd_counts (int fd)
{
  char link[64], path[PATH_MAX];
  ssize_t len;
  struct stat st;

  if (fault_dir == NULL)
    return fstat (fd, &st) == 0 && (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode));

  if (snprintf (link, sizeof link, "/proc/self/fd/%d", fd) < 0)
    return 0;
  len = readlink (link, path, sizeof path - 1);
  if (len <= 0)
    return 0;
  path[len] = '\0';
  return below_fault_dir (path);
}

static int
path_counts (int         dirfd,
             const char *path)
{
  char full[2 * PATH_MAX], base[PATH_MAX];

  if (fault_dir == NULL || path[0] == '/')
    return fault_dir == NULL || below_fault_dir (path);

  if (dirfd == AT_FDCWD)
    {
      if (getcwd (base, sizeof base) == NULL)
        return 0;
    }
  else
    {
      char link[64];
      ssize_t len;

      if (snprintf (link, sizeof link, "/proc/self/fd/%d", dirfd) < 0)
        return 0;
      len = readlink (link, base, sizeof base - 1);
      if (len <= 0)
        return 0;
      base[len] = '\0';
    }
  if (snprintf (full, sizeof full, "%s/%s", base, path) >= (int) sizeof full)
    return 0;
  return below_fault_dir (full);
}

/* Counts one call; nonzero (errno set) when it is the one to fail. */
static int
inject (int op,
        int counted)
{
  long n;

  if (!counted)
    return 0;

  n = __atomic_add_fetch (&counts[op], 1, __ATOMIC_SEQ_CST);
  if (op != fault_op || n != fault_at)
    return 0;

  errno = op_errno[op];
  return 1;
}

ssize_t
write (int         fd,
       const void *buf,
       size_t      count)
{
  REAL (write);

  if (inject (OP_WRITE, fd_counts (fd)))
    return -1;
  return real_write (fd, buf, count);
}

ssize_t
pwrite (int         fd,
        const void *buf,
        size_t      count,
        off_t       offset)
{
  REAL (pwrite);

  if (inject (OP_WRITE, fd_counts (fd)))
    return -1;
  return real_pwrite (fd, buf, count, offset);
}

ssize_t
pwrite64 (int         fd,
          const void *buf,
          size_t      count,
          off64_t     offset)
{
  REAL (pwrite64);

  if (inject (OP_WRITE, fd_counts (fd)))
    return -1;
  return real_pwrite64 (fd, buf, count, offset);
}

ssize_t
writev (int                 fd,
        const struct iovec *iov,
        int                 iovcnt)
{
  REAL (writev);

  if (inject (OP_WRITE, fd_counts (fd)))
    return -1;
  return real_writev (fd, iov, iovcnt);
}

int
fsync (int fd)
{
  REAL (fsync);

  if (inject (OP_FSYNC, fd_counts (fd)))
    return -1;
  return real_fsync (fd);
}

int
fdatasync (int fd)
{
  REAL (fdatasync);

  if (inject (OP_FSYNC, fd_counts (fd)))
    return -1;
  return real_fdatasync (fd);
}

int
rename (const char *oldpath,
        const char *newpath)
{
  REAL (rename);

  if (inject (OP_RENAME, path_counts (AT_FDCWD, newpath)))
    return -1;
  return real_rename (oldpath, newpath);
}

int
renameat (int         olddirfd,
          const char *oldpath,
          int         newdirfd,
          const char *newpath)
{
  REAL (renameat);

  if (inject (OP_RENAME, path_counts (newdirfd, newpath)))
    return -1;
  return real_renameat (olddirfd, oldpath, newdirfd, newpath);
}

int
renameat2 (int          olddirfd,
           const char  *oldpath,
           int          newdirfd,
           const char  *newpath,
           unsigned int flags)
{
  REAL (renameat2);

  if (inject (OP_RENAME, path_counts (newdirfd, newpath)))
    return -1;
  return real_renameat2 (olddirfd, oldpath, newdirfd, newpath, flags);
}
