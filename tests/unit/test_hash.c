/*
 * test_hash: lib/hash.c against a plain restatement of its algorithm
 * (every word read byte by byte, the 128-bit product made of 32-bit
 * halves), for every length up to 300 and every alignment: the hash of a
 * file must not depend on where its bytes sit in memory, on how its words
 * are read or on the machine's multiplier.
 */
#include <stdint.h>
#include <string.h>

#include "hash.h"
#include "test.h"
#include "utf8.h"

#define K1	0x9e3779b97f4a7c15ULL
#define K2	0xbb67ae8584caa73bULL
#define K3	0x243f6a8885a308d3ULL
#define K4	0x452821e638d01377ULL

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

/* The product's halves folded, by long multiplication in base 2^32. */
static uint64_t
fold(uint64_t a, uint64_t b)
{
	uint64_t d[4] = { 0, 0, 0, 0 }, x[2], y[2], t;
	int i, j, k;

	x[0] = a & 0xffffffffu;
	x[1] = a >> 32;
	y[0] = b & 0xffffffffu;
	y[1] = b >> 32;
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			t = x[i] * y[j];
			for (k = i + j; t != 0; k++) {
				t += d[k];
				d[k] = t & 0xffffffffu;
				t >>= 32;
			}
		}
	return (d[0] | d[1] << 32) ^ (d[2] | d[3] << 32);
}

/* n (at most 8) bytes at p, the first the lowest. */
static uint64_t
le(const unsigned char *p, size_t n)
{
	uint64_t w = 0;

	while (n-- > 0)
		w = (w << 8) | p[n];
	return w;
}

static uint64_t
reference(const unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t a = seed ^ K1, b = seed ^ K2, c = seed ^ K3,
	    d = seed ^ K4 ^ n, x, y;
	size_t i;

	if (n <= 16) {
		if (n >= 8) {
			x = le(p, 8);
			y = le(p + n - 8, 8);
		} else if (n >= 4) {
			x = le(p, 4);
			y = le(p + n - 4, 4);
		} else if (n > 0) {
			x = p[0] | (uint64_t)p[n / 2] << 8 |
			    (uint64_t)p[n - 1] << 16;
			y = 0;
		} else
			x = y = 0;
		return mix(fold(a ^ x, b ^ y ^ n));
	}
	for (i = 0; n - i > 64; i += 64) {
		a = fold(a ^ le(p + i, 8), le(p + i + 8, 8) ^ K1);
		b = fold(b ^ le(p + i + 16, 8), le(p + i + 24, 8) ^ K2);
		c = fold(c ^ le(p + i + 32, 8), le(p + i + 40, 8) ^ K3);
		d = fold(d ^ le(p + i + 48, 8), le(p + i + 56, 8) ^ K4);
	}
	for (; n - i > 16; i += 16)
		a = fold(a ^ le(p + i, 8), le(p + i + 8, 8) ^ K1);
	b = fold(b ^ le(p + n - 16, 8), le(p + n - 8, 8) ^ K2);
	return mix(a ^ rotl(b, 16) ^ rotl(c, 32) ^ rotl(d, 48));
}

int
main(void)
{
	static const uint64_t ks[] = { K1, K2, K3, K4 };
	unsigned char buf[320], zero[256], kb[8];
	uint64_t x = 88172645463325252ULL, h, seen[257];
	size_t i, j, n, off, bit;
	int same = 1, all = 1, lens = 1, text = 1;

	for (i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	for (off = 0; off < 8; off++)
		for (n = 0; n + off <= 300; n++)
			same &= hash64(buf + off, n, off * 7) ==
			    reference(buf + off, n, off * 7);
	test_cond("hash64 as its algorithm says, every length and alignment",
	    same);
	/* Each of the 8 bits of each byte, in inputs of every length to
	 * 200: the lanes, the 16-byte pieces and the overlapping last read
	 * all count every byte. */
	for (n = 1; n <= 200 && all; n++) {
		h = hash64(buf, n, 0);
		for (i = 0; i < n && all; i++)
			for (bit = 0; bit < 8; bit++) {
				buf[i] ^= (unsigned char)(1u << bit);
				all &= hash64(buf, n, 0) != h;
				buf[i] ^= (unsigned char)(1u << bit);
			}
	}
	test_cond("every bit of every byte counts, every length to 200", all);
	test_cond("a byte past the end does not count",
	    hash64("abcdefghij", 9, 0) == hash64("abcdefghiX", 9, 0) &&
	    hash64("abc", 2, 0) == hash64("abX", 2, 0));
	memset(zero, 0, sizeof(zero));
	for (n = 0; n <= 256; n++) {
		seen[n] = hash64(zero, n, 0);
		for (j = 0; j < n; j++)
			lens &= seen[j] != seen[n];
	}
	test_cond("the length counts: zeros of every length to 256 differ",
	    lens);
	test_cond("the seed counts", hash64(buf, 100, 1) != hash64(buf, 100, 2)
	    && hash64(buf, 10, 1) != hash64(buf, 10, 2));
	/* A multiplier (word ^ K) is 0 only for the word K: never text. */
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 8; j++)
			kb[j] = (unsigned char)(ks[i] >> (8 * j));
		text &= !utf8_valid((const char *)kb, 8, NULL);
	}
	test_cond("no constant, as bytes, is UTF-8 text", text);
	test_cond("hash_pair keeps the order",
	    hash_pair(1, 2) != hash_pair(2, 1));
	return test_done();
}
