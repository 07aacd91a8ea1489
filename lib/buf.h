/*
 * buf: the one growable byte buffer used for all string building.
 *
 * A `struct buf` always holds a NUL-terminated string: `b->ptr` is never
 * NULL (an empty buffer points at a shared empty string until it first
 * grows), and `b->ptr[b->len] == '\0'` at all times, so the contents can
 * be passed to functions that want a C string.  Bytes may include NULs;
 * `len` is authoritative.
 *
 * Initialise with BUF_INIT or buf_init(); release with buf_release(),
 * which frees the storage and leaves an empty, reusable buffer.
 * Ownership of the storage leaves the buffer only through buf_detach().
 *
 * Growth is overflow-checked.  Allocation failure aborts the process
 * with a message: callers that must survive it (FastCGI handlers) bound
 * their inputs before building strings from them.
 */
#ifndef KK_BUF_H
#define KK_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * KK_SANITIZED is 1 under AddressSanitizer: code that would rather map
 * memory in large blocks, or leave it to the system at exit, allocates
 * and frees each piece instead, so that every overflow and leak shows.
 */
#if defined(__SANITIZE_ADDRESS__)
#define KK_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KK_SANITIZED	1
#endif
#endif
#ifndef KK_SANITIZED
#define KK_SANITIZED	0
#endif

struct buf {
	char	*ptr;	/* never NULL; NUL-terminated */
	size_t	 len;	/* bytes in use, excluding the terminating NUL */
	size_t	 cap;	/* bytes allocated; 0 while ptr is the shared "" */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

/* Append a string literal without counting its length by hand. */
#define BUF_PUTSL(b, s) buf_add((b), (s), sizeof(s) - 1)

void	 buf_init(struct buf *);
void	 buf_release(struct buf *);
/* Make room for at least `extra` more bytes (plus the NUL). */
static inline void buf_grow(struct buf *, size_t extra);
/* Set the length to `len` (<= current len) keeping the NUL invariant. */
void	 buf_truncate(struct buf *, size_t len);
void	 buf_reset(struct buf *);
/* Give the caller the malloc'd string (NUL-terminated); the buffer is
 * left empty.  `*lenp` receives the length when not NULL. */
char	*buf_detach(struct buf *, size_t *lenp);

static inline void buf_add(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
static inline void buf_putc(struct buf *, int);
void	 buf_addbuf(struct buf *, const struct buf *);
void	 buf_printf(struct buf *, const char *, ...)
		__attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
		__attribute__((format(printf, 2, 0)));

/* Read a whole file into the buffer (appending).  Returns 0 or -1 with
 * errno set; on failure the buffer holds what it held before. */
int	 buf_read_file(struct buf *, const char *path);
/* The same, path taken from folder dirfd (or AT_FDCWD), for a regular
 * file whose size was just seen to be `size` (0: not known): what it
 * holds is read whatever its size has become. */
int	 buf_read_file_at(struct buf *, int dirfd, const char *path,
	    size_t size);
/* Write all n bytes of p to fd, through short writes and EINTR.  0, or
 * -1 with errno set. */
int	 fd_write_all(int fd, const void *p, size_t n);

/* Compare buffer contents with a C string: 1 if equal. */
int	 buf_eq(const struct buf *, const char *);

/* Checked allocation helpers for the rest of the code: abort on OOM. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

/*
 * Zeroed memory for a large table or block of structs, mapped and filled
 * in at once, so that using it takes no page fault: a rebuild of a large
 * site would otherwise fault thousands of times, a microsecond each.
 * NULL when the system has no memory to map; free with xunmap() and the
 * same size.
 */
void	*xmap(size_t);
void	 xunmap(void *, size_t);

/* The out-of-line parts of buf_grow() and buf_add(), which grow. */
void	 buf_grow_more(struct buf *, size_t extra);
void	 buf_add_grow(struct buf *, const void *, size_t);

static inline void
buf_grow(struct buf *b, size_t extra)
{
	/* len + extra + 1 <= cap, without the sum. */
	if (extra >= b->cap - b->len)
		buf_grow_more(b, extra);
}

/* Bytes: inline, as markup is written a few bytes at a time and a
 * literal's length is then known to the compiler. */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	/* Room for n bytes and the NUL (cap - len cannot wrap: len < cap,
	 * or both are 0, when an empty n goes the slow way too). */
	if (n >= b->cap - b->len) {
		buf_add_grow(b, p, n);
		return;
	}
	if (n == 0)
		return;
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

/* One byte: inline, as markup is written a byte at a time. */
static inline void
buf_putc(struct buf *b, int c)
{
	if (b->cap - b->len <= 1)
		buf_grow(b, 1);
	b->ptr[b->len++] = (char)c;
	b->ptr[b->len] = '\0';
}

#endif