#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

/* Shared storage of every empty buffer; never written but for its NUL. */
char buf_empty[1];

static void
die_oom(void)
{
	fputs("fatal: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die_oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		die_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		die_oom();
	return q;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz != 0 && n > SIZE_MAX / sz)
		die_oom();
	return xrealloc(p, n * sz);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
buf_init(struct buf *b)
{
	b->ptr = buf_empty;
	b->len = b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b);
}

void
buf_grow_more(struct buf *b, size_t extra)
{
	size_t need, ncap;

	if (extra > SIZE_MAX - b->len - 1)
		die_oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			ncap = need;
			break;
		}
		ncap *= 2;
	}
	if (b->cap == 0) {
		b->ptr = xmalloc(ncap);
		b->ptr[0] = '\0';
	} else
		b->ptr = xrealloc(b->ptr, ncap);
	b->cap = ncap;
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

void
buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char *p;

	if (lenp != NULL)
		*lenp = b->len;
	if (b->cap == 0)
		p = xstrdup("");
	else
		p = b->ptr;
	buf_init(b);
	return p;
}

void
buf_add_grow(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_grow(b, n);
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addbuf(struct buf *b, const struct buf *o)
{
	size_t n = o->len;

	/* Grow first: o may be b itself, whose storage growth moves. */
	buf_grow(b, n);
	buf_add(b, o->ptr, n);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		die_oom();
	if (b->cap == 0 || (size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
		if (n < 0)
			die_oom();
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

int
buf_read_file(struct buf *b, const char *path)
{
	return buf_read_file_at(b, AT_FDCWD, path, 0);
}

int
buf_read_file_at(struct buf *b, int dirfd, const char *path, size_t size)
{
	size_t start = b->len, want = size;
	struct stat st;
	ssize_t n;
	int fd, serr;

	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* One byte more than the file, so that reading meets its end
	 * without growing. */
	if (want == 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0)
		want = (size_t)st.st_size;
	/* An empty buffer gets just that room (the file, its NUL and the
	 * byte that meets the end), not the next power of two: a site's
	 * pages stay in memory from loading to rendering, and rounded up
	 * they would take a third more. */
	if (want > 0 && b->cap == 0 && want < SIZE_MAX - 2) {
		b->ptr = xmalloc(want + 2);
		b->ptr[0] = '\0';
		b->cap = want + 2;
	} else if (want > 0)
		buf_grow(b, want + 1);
	for (;;) {
		/* The size was known: grow only if the file grew meanwhile
		 * (or was not a regular file), so that a buffer read from a
		 * small file stays small. */
		if (b->cap - b->len <= 1)
			buf_grow(b, 8192);
		n = read(fd, b->ptr + b->len, b->cap - b->len - 1);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			serr = errno;
			close(fd);
			buf_truncate(b, start);
			errno = serr;
			return -1;
		}
		b->len += (size_t)n;
		b->ptr[b->len] = '\0';
		/* A regular file read short of what was asked is at its end
		 * (Linux does not cut such reads short otherwise): no read
		 * more just to be told so. */
		if (want > 0 && (size_t)n == want && b->len - start == want &&
		    b->cap - b->len > 1)
			break;
	}
	close(fd);
	return 0;
}

int
buf_eq(const struct buf *b, const char *s)
{
	size_t n = strlen(s);

	return n == b->len && memcmp(b->ptr, s, n) == 0;
}

int
fd_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The size xmap() maps for n bytes: whole pages. */
static size_t
map_size(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) & ~(page - 1);
}

/*
 * In 4 KiB pages, not huge ones.  On this project's machines (VMs whose
 * free memory the host takes back) a huge page is often new to the host,
 * and filling one in then costs ten times what it costs when it is not:
 * with huge pages, a one-page rebuild of 10,000 pages took 6 to 10 ms
 * more CPU after other programs had used and freed memory, and 2 ms less
 * when none had; a full build took about the same either way.
 */
void *
xmap(size_t n)
{
	void *p = mmap(NULL, map_size(n), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p != MAP_FAILED ? p : NULL;
}

void
xunmap(void *p, size_t n)
{
	if (p != NULL)
		munmap(p, map_size(n));
}
