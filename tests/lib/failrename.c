/*
 * A test shim, preloaded (LD_PRELOAD): rename() fails with EIO when the
 * name it moves to ends with $FAIL_RENAME, as a disk failing in the
 * middle of gen's commit would.  Every other rename goes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	const char *end = getenv("FAIL_RENAME");
	size_t n = strlen(to), m;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "rename");
	if (end != NULL && *end != '\0' && n >= (m = strlen(end)) &&
	    strcmp(to + n - m, end) == 0) {
		errno = EIO;
		return -1;
	}
	return real(from, to);
}
