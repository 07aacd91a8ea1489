/*
 * pairs: the fields of a request as an ordered list of (name, value)
 * pairs, as the query string, the body or the Cookie header sent them:
 * in their order, repeats kept.
 *
 * Names and values are copies, NUL-terminated, with their lengths.  The
 * parsers only add text that keeps the rule of parse.h (UTF-8, no
 * control characters), so neither holds a NUL.  A file part of a
 * multipart body is a pair whose `file` is its upload and whose value is
 * "".  The list owns everything in it: pairs_release() frees names,
 * values and uploads, closing their temporary files.
 *
 * Lookups are linear: the parsers bound the number of pairs.
 */
#ifndef KK_PAIRS_H
#define KK_PAIRS_H

#include <stddef.h>

struct upload;

struct pair {
	char		*name;
	size_t		 namelen;
	char		*val;
	size_t		 vallen;
	struct upload	*file;	/* a file part, or NULL */
};

struct pairs {
	struct pair	*v;
	size_t		 n;
	size_t		 cap;
};

#define PAIRS_INIT { NULL, 0, 0 }

void	 pairs_init(struct pairs *);
void	 pairs_release(struct pairs *);

/* Append a copy of the name and value.  Returns the new pair. */
struct pair	*pairs_add(struct pairs *, const char *name, size_t namelen,
		    const char *val, size_t vallen);
/* Append a pair that takes the malloc'd strings and the upload (which
 * may be NULL) as they are: the list now owns them. */
struct pair	*pairs_take(struct pairs *, char *name, size_t namelen,
		    char *val, size_t vallen, struct upload *);
/* Free the pairs from index n on: undoes what a failed parse added. */
void		 pairs_truncate(struct pairs *, size_t n);

/* The first pair with this name, or NULL. */
const struct pair *pairs_get(const struct pairs *, const char *name);
/* The first pair with this name at index >= *from, or NULL; *from is set
 * past it, so that a loop visits each repeat once. */
const struct pair *pairs_next(const struct pairs *, const char *name,
		    size_t *from);
/* The value of the first pair with this name, or NULL. */
const char	*pairs_value(const struct pairs *, const char *name);
/* How many pairs have this name. */
size_t		 pairs_count(const struct pairs *, const char *name);

#endif
