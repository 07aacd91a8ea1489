/*
 * A test shim, preloaded (LD_PRELOAD): getdents64() fails with EIO on a
 * folder whose path begins with $FAIL_GETDENTS_UNDER, as a folder that
 * cannot be read would; every other folder is read.  A build that reads
 * none of the site's folders (its cache lists their entries) goes
 * through; one that reads any of them fails, and says which.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t
getdents64(int fd, void *buf, size_t n)
{
	static ssize_t (*real)(int, void *, size_t);
	const char *under = getenv("FAIL_GETDENTS_UNDER");
	char link[64], path[PATH_MAX];
	ssize_t len;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "getdents64");
	if (under != NULL && *under != '\0') {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, path, sizeof(path) - 1);
		if (len > 0) {
			path[len] = '\0';
			if (strncmp(path, under, strlen(under)) == 0) {
				errno = EIO;
				return -1;
			}
		}
	}
	return real(fd, buf, n);
}
