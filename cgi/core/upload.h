/*
 * upload: one file sent in a multipart/form-data body, received a chunk
 * at a time.
 *
 * A file is held in memory while it is small (up to `mem_max` bytes) and
 * moved to a temporary file as soon as it grows past that, so a large
 * upload never sits in memory whole.  The temporary file has no name: it
 * is opened with O_TMPFILE in the caller's directory, or, where the file
 * system cannot do that, made with mkostemp() and unlinked at once.  It
 * disappears when its descriptor is closed, by upload_free(), or when
 * the process ends, whatever happens.
 *
 * Past `size_max` bytes the upload keeps nothing: it drops what it held,
 * sets `too_large`, and only goes on counting `size`, so that the rest of
 * the form can still be parsed and the person told, next to the file
 * input, that the file is too large.
 *
 * The multipart parser makes uploads and hands them to a `struct pairs`,
 * which owns them; a handler reads one with upload_pread() and keeps it
 * (copies it to storage) before the pairs are released.
 */
#ifndef KK_UPLOAD_H
#define KK_UPLOAD_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "parse.h"

struct upload {
	char		*filename;	/* as sent, less any folders; UTF-8;
					 * "" when no file was chosen */
	char		*type;		/* Content-Type as sent, or "" */
	size_t		 size;		/* bytes sent, all of them */
	int		 too_large;	/* size > size_max: nothing kept */
	int		 fd;		/* the temporary file, or -1 */
	struct buf	 mem;		/* the bytes while fd is -1 */
	size_t		 mem_max;
	size_t		 size_max;
	char		*tmpdir;
};

/*
 * A new, empty upload that will hold up to `mem_max` bytes in memory and
 * keep up to `size_max` bytes at all, spooling to `tmpdir` (NULL: /tmp).
 * Name and type start empty; the caller sets them (owned, malloc'd).
 */
struct upload	*upload_new(size_t mem_max, size_t size_max,
		    const char *tmpdir);
/* Close the file, free everything; NULL is fine. */
void		 upload_free(struct upload *);

/*
 * Append n bytes.  PARSE_OK, or PARSE_IO when the temporary file cannot
 * be made or written (errno says why).  Going past size_max is not an
 * error here: see `too_large`.
 */
enum parse_err	 upload_write(struct upload *, const void *, size_t);

/*
 * The upload is complete: a temporary file is rewound to its start, so
 * that a caller may read() it as well as upload_pread() it.
 */
enum parse_err	 upload_finish(struct upload *);

/*
 * Copy up to len bytes from offset `off` of the kept bytes into buf.
 * Returns the count (0 at the end, and always for a `too_large` upload)
 * or -1 with errno set.
 */
ssize_t		 upload_pread(const struct upload *, void *buf, size_t len,
		    size_t off);

/* Append all the kept bytes to `out` (a file a handler reads whole,
 * bounded by its size_max).  0, or -1 with errno set and `out` as it
 * was. */
int		 upload_read_all(const struct upload *, struct buf *out);

#endif
