/*
 * dl: a library loaded when a command needs it, not when gen starts
 * (libcurl for gen check --external, libzip for gen zip): linked, they
 * and what they bring would be loaded by every build.
 */
#ifndef GEN_DL_H
#define GEN_DL_H

#include <stddef.h>

#include "buf.h"

/* A function to take from the library: its name after the prefix, and
 * the address of the function pointer to set, as (void **)&f. */
struct dl_fn {
	const char	*name;
	void		**slot;
};

/*
 * Load `soname` and set each fns[i].slot to its function `prefix` +
 * fns[i].name: 0, or -1 with a message in err, when the library or one
 * of them is missing, and then no slot is set.  The slots are set in
 * order: the last one set says that all are.
 */
int	dl_bind(const char *soname, const char *prefix,
	    const struct dl_fn *fns, size_t n, struct buf *err);

#endif
