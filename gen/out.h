/*
 * out: writing a build's output tree.
 *
 * Every file goes through out_write(), which hashes it.  The folder's
 * manifest (the file BUILD_MARKER, also the mark that gen wrote the
 * folder) lists each output file with its hash; out_commit() writes the
 * new one.
 *
 * A first build, or one into a folder without a manifest, writes a new
 * tree beside the output and swaps it in as a whole.  A later build
 * stages only the files whose bytes changed, and on commit moves them
 * into place and removes the files the build no longer makes: unchanged
 * files are not touched (their times stay, caches stay valid).  Either
 * way nothing in the output changes before out_commit(), so a build that
 * fails leaves the previous output as it was.
 *
 * out_write() may be called from several threads at once.
 */
#ifndef GEN_OUT_H
#define GEN_OUT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct out;

/* The first few files written, by name, for gen watch to show. */
#define OUT_NAMES	8

struct out_stats {
	size_t	written;	/* files new or changed */
	size_t	unchanged;	/* files left as they were */
	size_t	removed;	/* files of the last build no longer made */
	char	*names[OUT_NAMES]; /* the first files written; free with
				    out_stats_release() */
	int	partial;	/* out_commit() failed half-way: the output
				   is partly new (the next build finishes) */
};

void	out_stats_release(struct out_stats *);

/* Start a build whose tree is to end up in folder `dir`: the last
 * build's manifest there is read on a thread of its own meanwhile, so
 * that the build goes on with the site.  Then out_open(), or out_abort()
 * if the build goes no further. */
struct out	*out_start(const char *dir);
/* Start writing the tree.  0, or -1 on error (message in err; `out` is
 * freed). */
int		 out_open(struct out *, struct buf *err);
/* Write one file, `rel` from the tree's root.  0 or -1 (message in err,
 * which is the caller's: one per thread). */
int		 out_write(struct out *, const char *rel, const void *data,
		    size_t len, struct buf *err);
/* Keep file `rel` as the last build wrote it, without its bytes (a page
 * that did not change).  0, or -1 when the last build did not write it,
 * did not finish writing it, or it is gone: then write it. */
int		 out_keep(struct out *, const char *rel);
/*
 * Files one thread keeps, handed over together: the output's lock is
 * taken once for a batch, not once for each of thousands of files.
 * Zeroed to start; flushed before the output is digested or committed,
 * then released.
 */
struct out_keeps {
	const char	**path;
	size_t		 *old;		/* each one's place in the manifest */
	size_t		  n, cap;
	size_t		  near;		/* the place after the last one */
};

#define OUT_KEEP_BATCH	256

/* out_keep() of every file of `outs` (`len` bytes of names, each
 * NUL-ended) into k: 0, or -1, keeping none, when one of them cannot
 * be kept. */
int		 out_keep_files(struct out *, struct out_keeps *,
		    const char *outs, size_t len);
void		 out_keeps_flush(struct out *, struct out_keeps *);
void		 out_keeps_release(struct out_keeps *);
/* out_keep(), when the file is also `size` bytes long. */
int		 out_keep_size(struct out *, const char *rel, uint64_t size);
/* The bytes of file `rel` as the last build wrote it, into b (reset):
 * 0, or -1 when it did not write it or the file is not as written. */
int		 out_read_kept(struct out *, const char *rel, struct buf *b);
/* A file of gen's own (the cache), to be put beside the manifest when
 * the build commits, in place of the last build's; not a file of the
 * site, not in the manifest.  Returns a descriptor to write it with (the
 * caller closes it), or -1: then, as when it is not written whole (see
 * out_private_later()), the last build's is removed on commit, since it
 * would describe another tree.  Of the last build's other files of
 * gen's own (when not NULL), `with` is one the new file goes with: kept,
 * but removed as well when the new file is not written whole; `drop`
 * one that goes on commit.  May be called on the thread that writes the
 * file, before out_private_later()'s done() returns. */
int		 out_private(struct out *, const char *name, const char *with,
		    const char *drop);
/* 1 when the build changes the last one's output file by file (that
 * output is kept, with its private files); 0 when it makes a new tree. */
int		 out_incremental(const struct out *);
/* The file of out_private() is being written, on another thread or not:
 * done(arg), called once before out_commit() puts it in place (after
 * the tree's files) or out_abort() removes it, waits for it and says
 * whether it was written whole (0) or not (-1, and it is left out). */
void		 out_private_later(struct out *, int (*done)(void *),
		    void *arg);
/* How many files out_write() did not try, after one it could not
 * write (and reported). */
size_t		 out_skipped(struct out *);
/* A digest of every file written so far (paths and bytes). */
uint64_t	 out_digest(struct out *);
/* Put the new tree in place.  0 or -1; in both cases `out` is freed. */
int		 out_commit(struct out *, struct out_stats *, struct buf *err);
/* Forget everything written; the output stays as it was. */
void		 out_abort(struct out *);

#endif
