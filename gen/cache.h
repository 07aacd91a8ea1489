/*
 * cache: what a build remembers of each page for the next build into the
 * same output, kept there as CACHE_FILE beside the manifest, with what
 * the builds since the one that wrote it changed of it as CACHE_CHANGES
 * (and, like the manifest, never part of the ZIP).
 *
 * For each page: the source file's identity (inode, size, modification
 * and change times), a hash of its bytes, its front matter as parsed,
 * the key of everything its output files were made from (see build.c),
 * a section's order of its pages (site.c), the names of its output
 * files and where its search-index entry is: which
 * part of the index (feeds.c), at which offset and of what length.  The
 * entry itself is in that file of the output, not here: the index is
 * most of the bytes of both, and a one-page rebuild reads only the part
 * that changes.  A page whose
 * file is as recorded is not read again; one whose key is unchanged, and
 * whose files the manifest lists as written, is not rendered again.
 * For each folder of the site: its identity and its entries, so that a
 * rebuild does not read a folder whose entries cannot have changed (a
 * name added, removed or renamed changes the folder's times).
 *
 * The file is gen's own; anything in it that does not parse, or comes
 * from another version of gen, makes the pages' records unusable and the
 * build starts from the sources (never a wrong page).  The folders'
 * records, which come first, are kept when a page's record is bad: each
 * is used only if its folder is as it says.
 */
#ifndef GEN_CACHE_H
#define GEN_CACHE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "map.h"

#define CACHE_FILE	".gen-cache"
/* What later builds changed of it, until one writes it again whole. */
#define CACHE_CHANGES	".gen-cache-changes"

/* A source file's identity: equal identities mean the same bytes, but
 * for a file changed in the same instant as it was recorded (see
 * cache_stat_fresh). */
struct cache_stat {
	uint64_t	ino;
	uint64_t	size;
	int64_t		mtime;	/* nanoseconds since 1970 */
	int64_t		ctime;
};

/* One page's record, pointing into the loaded file. */
struct cache_rec {
	const char	*src;		/* its source, not NUL-ended */
	size_t		 srclen;
	struct cache_stat st;
	uint64_t	 srchash;	/* hash64 of the source file */
	uint64_t	 key;		/* what its outputs were made from */
	const char	*fm;		/* front matter, as site.c wrote it */
	size_t		 fmlen;
	const char	*outs;		/* its output files, each NUL-ended */
	size_t		 outslen;
	const char	*part;		/* its search entry's part, or NULL */
	size_t		 partlen;
	uint64_t	 soff;		/* the entry's offset in the part */
	uint64_t	 slen;		/* and length; 0 for none */
	uint64_t	 orderhash;	/* a section's: what its order was
					   made from (site.c), or 0 */
	const char	*order;		/* and the order: for each of its
					   pages, its place among them as
					   found (a native uint32_t) */
	size_t		 orderlen;
	const char	*raw;		/* the whole record, newline and all */
	size_t		 rawlen;
};

/* A folder's record: its identity, and its entries as the last build
 * read them, sorted by name: for each, the type readdir() gave (one
 * byte, d_type), the name and a NUL.  A walk that finds the folder as
 * recorded takes its entries from here instead of reading it. */
struct cache_dir {
	char		*path;		/* "" or "news/" */
	struct cache_stat st;
	char		*ents;		/* copied from the file: kept when a
					   bad record further on makes the
					   rest of the cache unusable */
	size_t		 entslen;
	int		 changed;	/* from the changes, not the file */
};

struct cache {
	char		*file;		/* while cache_load_start() reads it */
	char		*changes_file;	/* and its changes, or NULL */
	uint64_t	 id;
	pthread_t	 loader;
	int		 loading;
	const char	*text;		/* the file, mapped */
	size_t		 len;
	int64_t		 start;		/* when the build that wrote it began */
	char		*changes;	/* its changes, read, or NULL */
	size_t		 changeslen;
	struct cache_rec *v;		/* the file's records, in its order,
					   each the changes' where they have
					   one of its source; then those the
					   changes add */
	size_t		 n;
	size_t		 nbase;		/* of them, the file's */
	size_t		 vcap;		/* v's room, when mapped; else 0 */
	/* "news/a.md" -> record index + 1, made by the first lookup that
	 * needs it (cache_get): a build that finds its pages where the last
	 * one did never does. */
	pthread_mutex_t	 map_lock;
	int		 mapped;	/* under map_lock */
	struct map	 by_src;
	/* The folders' records, the first of the file: read, and told to
	 * the walk (cache_get_dir), before the pages' records are. */
	struct cache_dir *dirs;
	size_t		 ndirs;
	pthread_mutex_t	 dir_lock;
	pthread_cond_t	 dir_cond;
	int		 dirs_read;	/* under dir_lock */
};

/* Read `file`, written by the build of gen `id` (cache_id), with its
 * changes from file `changes` when there are (none, or changes of
 * another file, are no changes); 0, or -1 when there is no file (or
 * `file` is NULL) or it cannot be used, or its changes are malformed:
 * the cache then has no page's record, but may have the folders'
 * records (each is checked against its folder before use), and is
 * released as any other. */
int	cache_load(struct cache *, const char *file, const char *changes,
	    uint64_t id);
void	cache_release(struct cache *);
/* cache_load() on a thread of its own, so that the build goes on with
 * what does not need the cache meanwhile (the walk of the site); nothing
 * else may touch the cache before cache_wait() returns. */
void	cache_load_start(struct cache *, const char *file,
	    const char *changes, uint64_t id);
void	cache_wait(struct cache *);
/* 1 from cache_load_start() to cache_wait(), on the thread that called
 * them: the page records are not to be looked at yet. */
int	cache_loading(const struct cache *);
/* The record of source `src`, or NULL.  `hint`: the index it is likely
 * to have (records are in the order of the last build's pages), looked
 * at before the map. */
const struct cache_rec *cache_get(struct cache *, const char *src,
	    size_t hint);

/* The record of folder `path` ("" for the site's, else ending in '/'),
 * or NULL; waits for the loader to have read the folders' records, not
 * the rest.  `hint`: the index it is likely to have (records are in the
 * order of the last build's walk). */
const struct cache_dir *cache_get_dir(struct cache *, const char *path,
	    size_t hint);

/* Which build of gen this is: a hash of the running program's build ID
 * (which the linker makes from its bytes), or of its file when it has
 * none, so that a cache is never read by a gen that might make other
 * pages of the same record. */
uint64_t cache_id(void);

/* Start a new cache file in b, for a build that started at `start`
 * (nanoseconds since 1970), of `npages` pages' records. */
void	cache_begin(struct buf *b, uint64_t id, int64_t start,
	    size_t npages);
/* What a page's record says (struct cache_rec): `part` may be NULL,
 * `order` NULL with orderlen 0. */
struct cache_fields {
	const char	*src;
	const struct cache_stat *st;
	uint64_t	 srchash;
	uint64_t	 key;
	const char	*fm;
	size_t		 fmlen;
	const char	*outs;
	size_t		 outslen;
	const char	*part;
	uint64_t	 soff;
	uint64_t	 slen;
	uint64_t	 orderhash;
	const char	*order;
	size_t		 orderlen;
};

/* Append one page's record.  A file modified within two seconds of the
 * build's start is recorded without its times, so that the next build
 * reads it again: it may have changed again within the same tick of the
 * file system's clock. */
void	cache_put(struct buf *b, int64_t start, const struct cache_fields *);

/*
 * A new cache written to `fd` record by record, page by page: a record
 * the last cache holds as it is to be (most of a rebuild's) is written
 * from the last cache's mapping, those of pages in a row with one write,
 * not formatted or copied again.
 */
struct cache_writer {
	int		 fd;
	int		 failed;
	struct buf	 b;		/* new records, not written yet */
	const char	*run;		/* old records, not written yet */
	size_t		 runlen;
};

void	cache_writer_begin(struct cache_writer *, int fd, uint64_t id,
	    int64_t start, size_t npages);
/* A folder's record (see struct cache_dir), before any page's; its times
 * left out, as a page's are, when it changed within two seconds of the
 * build's start. */
void	cache_writer_dir(struct cache_writer *, int64_t start,
	    const char *path, const struct cache_stat *, const char *ents,
	    size_t entslen);
/* cache_put() of a page whose record in the last cache is `old`, or
 * NULL. */
void	cache_writer_put(struct cache_writer *, const struct cache_rec *old,
	    int64_t start, const struct cache_fields *);
/* 0, or -1 when a write failed. */
int	cache_writer_end(struct cache_writer *);

/*
 * The changes of a loaded cache (see cache.c) that make it this build's:
 * each folder's and each page's record given, in the order of the walk
 * and of the pages, with the index it had (`hint`) or its record in the
 * cache (`old`, NULL for a new page); those the cache's file holds as
 * they are to be are left out.
 */
struct cache_changes {
	struct cache	*old;
	int64_t		 start;
	struct buf	 b;		/* the records */
	size_t		 adds;		/* pages' records added */
	size_t		 matched;	/* pages whose record is the file's
					   (as it was, or changed) */
};

/* 1 when `c` was loaded from a file that changes can be written for. */
int	cache_can_change(const struct cache *c);
void	cache_changes_begin(struct cache_changes *, struct cache *old,
	    int64_t start);
void	cache_changes_dir(struct cache_changes *, const char *path,
	    const struct cache_stat *, const char *ents, size_t entslen,
	    size_t hint);
void	cache_changes_put(struct cache_changes *, const struct cache_rec *old,
	    const struct cache_fields *);
/* 1 when the changes are small enough to stand for a new file: a
 * quarter of its size at most, and a quarter at most of its pages'
 * records no longer any page's. */
int	cache_changes_fit(const struct cache_changes *);
/* The changes, into fd, for the build of gen `id`: 0, or -1 when a
 * write failed. */
int	cache_changes_write(struct cache_changes *, int fd, uint64_t id);
void	cache_changes_release(struct cache_changes *);

/* The fields of a record: strings that may be NULL, and numbers. */
void	cache_put_str(struct buf *, const char *s);
void	cache_put_strn(struct buf *, const char *s, size_t len);
void	cache_put_num(struct buf *, long long v);

/* Reading them back from a record, in the same order; on malformed
 * input each returns -1 (and keeps returning -1). */
struct cache_reader {
	const char	*p, *end;
	int		 bad;
};

/*
 * The reader, inline: a rebuild reads hundreds of thousands of fields,
 * most of them a digit or two long, and a call for each costs more than
 * reading it.
 */
static inline void
cache_reader_init(struct cache_reader *r, const char *p, size_t len)
{
	r->p = p;
	r->end = p + len;
	r->bad = 0;
}

/* 1 when the whole record was read and nothing was malformed. */
static inline int
cache_reader_done(const struct cache_reader *r)
{
	return !r->bad && r->p == r->end;
}

/* Digits up to `stop`, as an unsigned number; -1 when malformed. */
static inline int
cache_get_digits(struct cache_reader *r, char stop, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = r->p;

	if (r->bad || p == r->end || *p < '0' || *p > '9')
		goto bad;
	for (; p < r->end && *p >= '0' && *p <= '9'; p++) {
		if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 &&
		    (uint64_t)(*p - '0') > UINT64_MAX % 10))
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == r->end || *p != stop)
		goto bad;
	r->p = p + 1;
	*out = v;
	return 0;
bad:
	r->bad = 1;
	return -1;
}

static inline int
cache_get_num(struct cache_reader *r, long long *out)
{
	uint64_t v;
	int neg = 0;

	if (!r->bad && r->p < r->end && *r->p == '-') {
		neg = 1;
		r->p++;
	}
	if (cache_get_digits(r, ';', &v) == -1)
		return -1;
	if (v > (uint64_t)INT64_MAX) {
		r->bad = 1;
		return -1;
	}
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

/* A string field where it is in the record, its bytes followed by a NUL
 * (*s NULL when NULL was written); the bytes may hold NULs. */
static inline int
cache_get_bytes(struct cache_reader *r, const char **s, size_t *len)
{
	uint64_t n;

	if (r->bad || r->p == r->end)
		goto bad;
	if (*r->p == '~') {
		r->p++;
		*s = NULL;
		*len = 0;
		return 0;
	}
	/* The bytes, and the NUL after them. */
	if (cache_get_digits(r, ':', &n) == -1 ||
	    n >= (uint64_t)(r->end - r->p) || r->p[n] != '\0')
		goto bad;
	*s = r->p;
	*len = (size_t)n;
	r->p += n + 1;
	return 0;
bad:
	r->bad = 1;
	return -1;
}

/* A string where it is in the record, which holds no NUL and is followed
 * by one, a C string (*s NULL when NULL was written). */
static inline int
cache_get_span(struct cache_reader *r, const char **s, size_t *len)
{
	if (cache_get_bytes(r, s, len) == -1)
		return -1;
	if (*s != NULL && memchr(*s, '\0', *len) != NULL) {
		r->bad = 1;
		return -1;
	}
	return 0;
}

#endif
