/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-fsutil"

#include "sr-fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

SrError
sr_error_code_from_errno (int errsv)
{
  switch (errsv)
    {
    case ENOSPC:
    case EFBIG:
#ifdef EDQUOT
    case EDQUOT:
#endif
      return SR_ERROR_NO_SPACE;
    case ENOENT:
      return SR_ERROR_NOT_FOUND;
    default:
      return SR_ERROR_IO;
    }
}

/* Writing fails for lack of space, or for some other reason. */
static SrError
io_code (int errsv)
{
  return sr_error_code_from_errno (errsv) == SR_ERROR_NO_SPACE ?
         SR_ERROR_NO_SPACE : SR_ERROR_IO;
}

/* One sentence for a failed write: a full disk reads differently from a
 * broken one, because the keeper can do something about it. */
static void
set_write_error (GError     **error,
                 int          errsv,
                 const char  *what)
{
  SrError code = sr_error_code_from_errno (errsv);

  if (code == SR_ERROR_NOT_FOUND)
    code = SR_ERROR_IO;

  if (code == SR_ERROR_NO_SPACE)
    g_set_error (error, SR_ERROR, code,
                 "There is not enough space to write %s (%s).",
                 what, g_strerror (errsv));
  else
    g_set_error (error, SR_ERROR, code,
                 "Could not write %s: %s.", what, g_strerror (errsv));
}

gboolean
sr_write_all (int            fd,
              const guint8  *data,
              gsize          len,
              const char    *what,
              GError       **error)
{
  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (len > 0)
    {
      /* Linux writes at most about 2 GiB at once; ask for less. */
      gssize n = write (fd, data, MIN (len, (gsize) 1 << 30));

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          set_write_error (error, errsv, what);
          return FALSE;
        }
      if (n == 0)
        {
          /* A regular file only returns 0 when nothing fits any more. */
          set_write_error (error, ENOSPC, what);
          return FALSE;
        }

      data += n;
      len -= n;
    }

  return TRUE;
}

gboolean
sr_pread_all (int            fd,
              guint8        *data,
              gsize          len,
              guint64        offset,
              const char    *what,
              GError       **error)
{
  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (len > 0)
    {
      gssize n = pread (fd, data, MIN (len, (gsize) 1 << 30), (off_t) offset);

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          g_set_error (error, SR_ERROR, SR_ERROR_IO,
                       "Could not read %s: %s.", what, g_strerror (errsv));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
                       "Could not read %s: the file ends early.", what);
          return FALSE;
        }

      data += n;
      len -= n;
      offset += n;
    }

  return TRUE;
}

gboolean
sr_fsync (int          fd,
          const char  *what,
          GError     **error)
{
  g_return_val_if_fail (fd >= 0, FALSE);

  while (fsync (fd) != 0)
    {
      int errsv = errno;

      if (errsv == EINTR)
        continue;
      /* A full disk can show up only here, with delayed allocation. */
      set_write_error (error, errsv, what);
      return FALSE;
    }

  return TRUE;
}

gboolean
sr_fsync_parent_dir (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  dir = g_path_get_dirname (path);
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, SR_ERROR, SR_ERROR_IO,
                   "Could not open the folder %s: %s.", dir, g_strerror (errsv));
      return FALSE;
    }

  while (fsync (fd) != 0)
    {
      int errsv = errno;

      if (errsv == EINTR)
        continue;
      /* Some file systems cannot sync a directory and say so; the rename
       * is then as durable as they can make it. */
      if (errsv == EINVAL || errsv == ENOTSUP)
        break;
      close (fd);
      g_set_error (error, SR_ERROR, io_code (errsv),
                   "Could not save the folder %s to disk: %s.", dir, g_strerror (errsv));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static void
set_open_error (GError     **error,
                int          errsv,
                const char  *path)
{
  SrError code = sr_error_code_from_errno (errsv);

  if (errsv == EEXIST)
    g_set_error (error, SR_ERROR, SR_ERROR_IO,
                 "Could not create %s: a file of that name is already there.", path);
  else if (code == SR_ERROR_NO_SPACE)
    g_set_error (error, SR_ERROR, code,
                 "There is not enough space to create %s (%s).", path, g_strerror (errsv));
  else
    g_set_error (error, SR_ERROR, code,
                 "Could not create %s: %s.", path, g_strerror (errsv));
}

int
sr_open_private (const char  *path,
                 gboolean     exclusive,
                 GError     **error)
{
  int flags = O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  flags |= exclusive ? O_EXCL : O_TRUNC;

  do
    fd = open (path, flags, 0600);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      set_open_error (error, errno, path);
      return -1;
    }

  /* The mode given to open only counts for a new file, and the umask may
   * have widened nothing but narrowed it; an old file may be wider. */
  if (fchmod (fd, 0600) != 0)
    {
      int errsv = errno;

      close (fd);
      g_set_error (error, SR_ERROR, SR_ERROR_IO,
                   "Could not make %s private: %s.", path, g_strerror (errsv));
      return -1;
    }

  return fd;
}

gboolean
sr_write_file_atomic (const char    *path,
                      const guint8  *data,
                      gsize          len,
                      GError       **error)
{
  g_autofree char *tmp = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  /* The temporary file lives next to the target so that the rename stays
   * on one file system and is atomic. g_mkstemp_full opens with O_EXCL. */
  tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_open_error (error, errno, path);
      return FALSE;
    }

  if (!sr_write_all (fd, data, len, path, error) ||
      !sr_fsync (fd, path, error))
    {
      close (fd);
      g_unlink (tmp);
      return FALSE;
    }

  if (close (fd) != 0)
    {
      int errsv = errno;

      g_unlink (tmp);
      set_write_error (error, errsv, path);
      return FALSE;
    }

  if (rename (tmp, path) != 0)
    {
      int errsv = errno;

      g_unlink (tmp);
      g_set_error (error, SR_ERROR, io_code (errsv),
                   "Could not save %s: %s.", path, g_strerror (errsv));
      return FALSE;
    }

  return sr_fsync_parent_dir (path, error);
}

gboolean
sr_ensure_private_dir (const char  *path,
                       GError     **error)
{
  struct stat st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, SR_ERROR, io_code (errsv),
                   "Could not create the folder %s: %s.", path, g_strerror (errsv));
      return FALSE;
    }

  if (stat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, SR_ERROR, SR_ERROR_IO,
                   "%s is not a folder.", path);
      return FALSE;
    }

  /* A folder that already existed may be open to others. */
  if ((st.st_mode & 07777) != 0700 && chmod (path, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, SR_ERROR, SR_ERROR_IO,
                   "Could not make the folder %s private: %s.", path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

GBytes *
sr_read_file (const char  *path,
              gsize        max_len,
              GError     **error)
{
  struct stat st;
  guint8 *data;
  gsize len = 0;
  gsize cap;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  do
    fd = open (path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, SR_ERROR,
                   errsv == ENOENT ? SR_ERROR_NOT_FOUND : SR_ERROR_IO,
                   "Could not open %s: %s.", path, g_strerror (errsv));
      return NULL;
    }

  if (fstat (fd, &st) != 0 || S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, SR_ERROR, SR_ERROR_IO,
                   "Could not read %s: it is not a file.", path);
      return NULL;
    }

  if (S_ISREG (st.st_mode) && (guint64) st.st_size > max_len)
    {
      close (fd);
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "%s is too large (more than %" G_GSIZE_FORMAT " bytes).",
                   path, max_len);
      return NULL;
    }

  /* Read until end of file rather than trusting the size: a pipe or a
   * growing file has none, and one byte more than allowed is enough to
   * refuse it. */
  cap = S_ISREG (st.st_mode) ? (gsize) st.st_size + 1 : 4096;
  cap = MIN (cap, max_len + 1);
  cap = MAX (cap, 1);
  data = g_malloc (cap);

  for (;;)
    {
      gssize n;

      if (len == cap)
        {
          if (cap > max_len)
            break;
          cap = MIN (cap * 2, max_len + 1);
          data = g_realloc (data, cap);
        }

      n = read (fd, data + len, cap - len);
      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          close (fd);
          g_free (data);
          g_set_error (error, SR_ERROR, SR_ERROR_IO,
                       "Could not read %s: %s.", path, g_strerror (errsv));
          return NULL;
        }
      if (n == 0)
        break;
      len += n;
    }

  close (fd);

  if (len > max_len)
    {
      g_free (data);
      g_set_error (error, SR_ERROR, SR_ERROR_FORMAT,
                   "%s is too large (more than %" G_GSIZE_FORMAT " bytes).",
                   path, max_len);
      return NULL;
    }

  return g_bytes_new_take (data, len);
}
