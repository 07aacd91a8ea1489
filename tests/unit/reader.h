/*
 * reader.h: a read callback (cgi/core/parse.h) over a string, for the
 * tests of the body parsers: it hands the bytes out in pieces of a fixed
 * size, of sizes from a seeded generator, or cut once at a given offset,
 * and can fail once a given number of bytes has gone.
 */
#ifndef KK_TEST_READER_H
#define KK_TEST_READER_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

struct reader {
	const char	*s;
	size_t		 n;
	size_t		 pos;
	size_t		 chunk;		/* bytes a read at most; 0: any */
	uint32_t	 seed;		/* not 0: random sizes, 1..chunk */
	size_t		 cut;		/* not 0: the first read ends here */
	size_t		 fail_at;	/* not 0: fail once pos reaches it */
	size_t		 calls;
};

static inline struct reader
reader_of(const char *s, size_t n, size_t chunk, uint32_t seed)
{
	struct reader r;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.n = n;
	r.chunk = chunk;
	r.seed = seed;
	return r;
}

static inline ssize_t
reader_read(void *arg, void *buf, size_t len)
{
	struct reader *r = arg;
	size_t k = r->n - r->pos;

	r->calls++;
	if (r->fail_at != 0 && r->pos >= r->fail_at) {
		errno = EIO;
		return -1;
	}
	if (k > len)
		k = len;
	if (r->chunk != 0 && k > r->chunk)
		k = r->chunk;
	if (r->seed != 0 && k > 1) {
		/* xorshift32 */
		r->seed ^= r->seed << 13;
		r->seed ^= r->seed >> 17;
		r->seed ^= r->seed << 5;
		k = 1 + r->seed % k;
	}
	if (r->cut != 0 && r->pos < r->cut && r->pos + k > r->cut)
		k = r->cut - r->pos;
	memcpy(buf, r->s + r->pos, k);
	r->pos += k;
	return (ssize_t)k;
}

#endif
