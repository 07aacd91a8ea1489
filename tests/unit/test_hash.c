/*
 * test_hash: lib/hash.c against a plain restatement of its algorithm
 * (the tail of 0 to 7 bytes read with memcpy into a zeroed word), for
 * every length up to 100 and every alignment: the hash of a file must
 * not depend on where its bytes sit in memory or on how the tail is read.
 */
#include <stdint.h>
#include <string.h>

#include "hash.h"
#include "test.h"

#define K1	0x9e3779b97f4a7c15ULL
#define K2	0xbb67ae8584caa73bULL

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
reference(const unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t a = seed ^ K1, b = seed ^ K2 ^ (uint64_t)n, w;
	size_t i;

	for (i = 0; i + 16 <= n; i += 16) {
		memcpy(&w, p + i, 8);
		a = rotl(a ^ (w * K1), 29) * K2;
		memcpy(&w, p + i + 8, 8);
		b = rotl(b ^ (w * K2), 31) * K1;
	}
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		a = rotl(a ^ (w * K1), 29) * K2;
	}
	w = 0;
	memcpy(&w, p + i, n - i);
	b ^= w * K1;
	return mix(a ^ rotl(b, 17) ^ (uint64_t)n);
}

int
main(void)
{
	unsigned char buf[128];
	uint64_t x = 88172645463325252ULL;
	size_t i, n, off;
	int same = 1;

	for (i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	for (off = 0; off < 8; off++)
		for (n = 0; n + off <= 108; n++)
			same &= hash64(buf + off, n, off * 7) ==
			    reference(buf + off, n, off * 7);
	test_cond("hash64 as its algorithm says, every length and alignment",
	    same);
	test_cond("a byte past the end does not count",
	    hash64("abcdefghij", 9, 0) == hash64("abcdefghiX", 9, 0));
	test_cond("every byte counts",
	    hash64("abcdefghij", 10, 0) != hash64("abcdefghiX", 10, 0) &&
	    hash64("abcdefghij", 10, 0) != hash64("Xbcdefghij", 10, 0));
	test_cond("the length counts", hash64("\0\0", 1, 0) !=
	    hash64("\0\0", 2, 0));
	test_cond("hash_pair keeps the order",
	    hash_pair(1, 2) != hash_pair(2, 1));
	return test_done();
}
