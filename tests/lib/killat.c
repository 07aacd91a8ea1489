/*
 * A test shim, preloaded (LD_PRELOAD): the process is killed (SIGKILL,
 * which nothing can catch or clean up after) just before the Nth call of
 * one of the calls that change files, as `kill -9` or the OOM killer
 * would stop gen in the middle of a build (not a power cut: what it had
 * written stays in the page cache).
 *
 *   KILL_AT=write:3    killed before the third write(), counted over
 *                      every thread; also rename, renameat2, unlink,
 *                      rmdir, mkdir, open (with O_CREAT)
 *   KILL_COUNT=FILE    at exit, append "CALL COUNT" lines to FILE: how
 *                      many of each the run made (to know how far N goes)
 *   FULL_AT=N          no kill: from the Nth write() on, every write()
 *                      fails with ENOSPC, as on a disk that fills up
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { C_WRITE, C_RENAME, C_RENAMEAT2, C_UNLINK, C_RMDIR, C_MKDIR, C_OPEN,
    C_N };

static const char *const names[C_N] = {
	"write", "rename", "renameat2", "unlink", "rmdir", "mkdir", "open",
};

static atomic_long counts[C_N];
static int target = -1;		/* the call asked for, or -1 */
static long at;			/* and which of them */
static long full_at;		/* FULL_AT, or 0 */

static ssize_t	(*real_write)(int, const void *, size_t);
static int	(*real_rename)(const char *, const char *);
static int	(*real_renameat2)(int, const char *, int, const char *,
		    unsigned);
static int	(*real_unlink)(const char *);
static int	(*real_rmdir)(const char *);
static int	(*real_mkdir)(const char *, mode_t);
static int	(*real_open)(const char *, int, ...);

/* Before main(): the real calls, and what KILL_AT asks. */
__attribute__((constructor)) static void
setup(void)
{
	const char *k = getenv("KILL_AT"), *colon;
	int i;

	*(void **)&real_write = dlsym(RTLD_NEXT, "write");
	*(void **)&real_rename = dlsym(RTLD_NEXT, "rename");
	*(void **)&real_renameat2 = dlsym(RTLD_NEXT, "renameat2");
	*(void **)&real_unlink = dlsym(RTLD_NEXT, "unlink");
	*(void **)&real_rmdir = dlsym(RTLD_NEXT, "rmdir");
	*(void **)&real_mkdir = dlsym(RTLD_NEXT, "mkdir");
	*(void **)&real_open = dlsym(RTLD_NEXT, "open");
	if (getenv("FULL_AT") != NULL)
		full_at = atol(getenv("FULL_AT"));
	if (k == NULL || (colon = strchr(k, ':')) == NULL)
		return;
	for (i = 0; i < C_N; i++)
		if (strlen(names[i]) == (size_t)(colon - k) &&
		    strncmp(k, names[i], (size_t)(colon - k)) == 0) {
			target = i;
			at = atol(colon + 1);
		}
}

/* A real call, when a library's constructor makes it before setup(). */
#define REAL(fn)							\
	do {								\
		if (real_##fn == NULL)					\
			*(void **)&real_##fn = dlsym(RTLD_NEXT, #fn);	\
	} while (0)

/* Count one call of c; the process dies here if it is the one asked. */
static void
count(int c)
{
	long n = atomic_fetch_add(&counts[c], 1) + 1;

	if (c == target && n == at)
		kill(getpid(), SIGKILL);
}

__attribute__((destructor)) static void
report(void)
{
	const char *f = getenv("KILL_COUNT");
	FILE *fp;
	int i;

	if (f == NULL || *f == '\0' || (fp = fopen(f, "a")) == NULL)
		return;
	for (i = 0; i < C_N; i++)
		fprintf(fp, "%s %ld\n", names[i], atomic_load(&counts[i]));
	fclose(fp);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	/* Files, not the program's messages. */
	if (fd > 2) {
		count(C_WRITE);
		if (full_at > 0 && atomic_load(&counts[C_WRITE]) >= full_at) {
			errno = ENOSPC;
			return -1;
		}
	}
	REAL(write);
	return real_write(fd, buf, n);
}

int
rename(const char *from, const char *to)
{
	count(C_RENAME);
	REAL(rename);
	return real_rename(from, to);
}

int
renameat2(int fd1, const char *from, int fd2, const char *to, unsigned f)
{
	count(C_RENAMEAT2);
	REAL(renameat2);
	return real_renameat2(fd1, from, fd2, to, f);
}

int
unlink(const char *path)
{
	count(C_UNLINK);
	REAL(unlink);
	return real_unlink(path);
}

int
rmdir(const char *path)
{
	count(C_RMDIR);
	REAL(rmdir);
	return real_rmdir(path);
}

int
mkdir(const char *path, mode_t mode)
{
	count(C_MKDIR);
	REAL(mkdir);
	return real_mkdir(path, mode);
}

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
		count(C_OPEN);
	}
	REAL(open);
	return real_open(path, flags, mode);
}
