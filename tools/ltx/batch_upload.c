/* tools/ltx/batch_upload.c — each local file of `ltx batch` uploaded once per run: the ltx://
 * URI of a file is kept by device, inode, size and modification time, so entries naming the
 * same file (by any path, a hard link included) share one upload, as lib/batch_media.c does
 * for ltx_batch_add(). A file changed since its upload is uploaded again. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batch.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct uploaded {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    char *uri; /* NULL: a free slot */
};

static size_t slot_of(const struct stat *st, size_t cap)
{
    uint64_t h = (uint64_t)st->st_ino * 0x9e3779b97f4a7c15u ^ (uint64_t)st->st_dev;

    h ^= h >> 29;
    return (size_t)(h & (cap - 1));
}

static int same(const struct uploaded *u, const struct stat *st)
{
    return u->dev == st->st_dev && u->ino == st->st_ino && u->size == st->st_size &&
           u->mtime.tv_sec == st->st_mtim.tv_sec && u->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The slot of the file st describes: its entry, or the free slot where it would go. */
static struct uploaded *lookup(struct uploaded *table, size_t cap, const struct stat *st)
{
    for (size_t i = slot_of(st, cap);; i = (i + 1) & (cap - 1))
        if (!table[i].uri || same(&table[i], st))
            return &table[i];
}

const char *uploaded_find(const struct batch *b, const struct stat *st)
{
    return b->uploaded_cap ? lookup(b->uploaded, b->uploaded_cap, st)->uri : NULL;
}

static int grow(struct batch *b)
{
    size_t cap = b->uploaded_cap ? b->uploaded_cap * 2 : 16;
    struct uploaded *table = calloc(cap, sizeof(*table));

    if (!table)
        return -1;
    for (size_t i = 0; i < b->uploaded_cap; i++) {
        struct uploaded *old = &b->uploaded[i];
        struct stat st;
        size_t j;

        if (!old->uri)
            continue;
        memset(&st, 0, sizeof(st)); /* the hash reads the device and inode only */
        st.st_dev = old->dev;
        st.st_ino = old->ino;
        for (j = slot_of(&st, cap); table[j].uri; j = (j + 1) & (cap - 1))
            ;
        table[j] = *old;
    }
    free(b->uploaded);
    b->uploaded = table;
    b->uploaded_cap = cap;
    return 0;
}

/* gcc 12's -fanalyzer loses the copy once it is stored in the table, which uploaded_free()
 * frees: a false "leak" report, silenced here only. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
void uploaded_add(struct batch *b, const struct stat *st, const char *uri)
{
    struct uploaded *u;
    char *copy;

    if ((b->n_uploaded + 1) * 2 > b->uploaded_cap && grow(b) != 0)
        return; /* short of memory: the file is uploaded again when named again */
    u = lookup(b->uploaded, b->uploaded_cap, st);
    if (u->uri || !(copy = strdup(uri)))
        return;
    u->dev = st->st_dev;
    u->ino = st->st_ino;
    u->size = st->st_size;
    u->mtime = st->st_mtim;
    u->uri = copy;
    b->n_uploaded++;
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic pop
#endif

void uploaded_free(struct batch *b)
{
    for (size_t i = 0; i < b->uploaded_cap; i++)
        free(b->uploaded[i].uri);
    free(b->uploaded);
    b->uploaded = NULL;
    b->uploaded_cap = b->n_uploaded = 0;
}
