/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-secret"

#include "sr-secret.h"

#include <sodium.h>
#include <string.h>

/* A guarded allocation (sodium_malloc: guard pages, locked in RAM) costs
 * several system calls, which on some machines take longer than an fsync.
 * Plaintext buffers come and go with every report, so released buffers of
 * a few size classes are kept for reuse: still guarded and locked, wiped
 * when released. A buffer is handed out so that the caller's bytes end
 * where the allocation ends, right before the guard page, so an overflow
 * still faults as it would with an allocation of the exact size. */
#define POOL_CLASSES   5
#define POOL_PER_CLASS 8

static const gsize class_sizes[POOL_CLASSES] = { 256, 1024, 4096, 16384, 65536 };

typedef struct
{
  SrSecret  pub;     /* what the caller sees; first, so the two convert */
  guint8   *base;    /* the sodium_malloc allocation */
  gsize     size;    /* its size */
  int       klass;   /* its pool class, or -1 for an exact allocation */
} SecretBlock;

static GMutex pool_lock;
static guint8 *pool[POOL_CLASSES][POOL_PER_CLASS];
static guint pool_count[POOL_CLASSES];

static int
class_for (gsize len)
{
  for (int i = 0; i < POOL_CLASSES; i++)
    if (len <= class_sizes[i])
      return i;
  return -1;
}

SrSecret *
sr_secret_new (gsize len)
{
  SecretBlock *block = g_new0 (SecretBlock, 1);
  int klass = class_for (MAX (len, 1));

  block->klass = klass;
  block->size = klass >= 0 ? class_sizes[klass] : MAX (len, 1);

  if (klass >= 0)
    {
      g_mutex_lock (&pool_lock);
      if (pool_count[klass] > 0)
        block->base = pool[klass][--pool_count[klass]];
      g_mutex_unlock (&pool_lock);
    }

  if (block->base == NULL)
    {
      /* sodium_malloc (0) is allowed, but a one-byte allocation keeps data
       * non-NULL for callers that pass it on. */
      block->base = sodium_malloc (block->size);
      if (block->base == NULL)
        g_error ("Out of guarded memory (%" G_GSIZE_FORMAT " bytes)", len);
      sodium_memzero (block->base, block->size);
    }

  block->pub.data = block->base + block->size - MAX (len, 1);
  block->pub.len = len;

  return &block->pub;
}

SrSecret *
sr_secret_new_from (const guint8 *data,
                    gsize         len)
{
  SrSecret *secret = sr_secret_new (len);

  if (len > 0)
    memcpy (secret->data, data, len);

  return secret;
}

void
sr_secret_truncate (SrSecret *secret,
                    gsize     len)
{
  g_return_if_fail (secret != NULL);
  g_return_if_fail (len <= secret->len);

  sodium_memzero (secret->data + len, secret->len - len);
  secret->len = len;
}

void
sr_secret_free (SrSecret *secret)
{
  SecretBlock *block = (SecretBlock *) secret;
  gboolean kept = FALSE;

  if (secret == NULL)
    return;

  /* Every byte of the allocation, not only the caller's, is wiped: a
   * truncated secret may have held more. */
  if (block->klass >= 0)
    {
      sodium_memzero (block->base, block->size);
      g_mutex_lock (&pool_lock);
      if (pool_count[block->klass] < POOL_PER_CLASS)
        {
          pool[block->klass][pool_count[block->klass]++] = block->base;
          kept = TRUE;
        }
      g_mutex_unlock (&pool_lock);
    }

  /* sodium_free wipes the whole allocation before unmapping it. */
  if (!kept)
    sodium_free (block->base);
  g_free (block);
}

void
sr_wipe_string_free (char *str)
{
  if (str == NULL)
    return;

  sodium_memzero (str, strlen (str));
  g_free (str);
}

void
sr_wipe_byte_array_free (GByteArray *array)
{
  if (array == NULL)
    return;

  /* The array may have grown and left old copies behind in freed memory;
   * callers that hold plaintext pre-size it so that it never reallocates. */
  sodium_memzero (array->data, array->len);
  g_byte_array_unref (array);
}
