#include <string.h>

#include "hash.h"

/*
 * Four odd 64-bit constants (from the golden ratio, sqrt(3) and pi).  As
 * bytes of memory, low byte first, none of them is UTF-8: a word of text
 * is never one of them, so a multiplier (word ^ K) of text is never 0.
 */
#define K1	0x9e3779b97f4a7c15ULL
#define K2	0xbb67ae8584caa73bULL
#define K3	0x243f6a8885a308d3ULL
#define K4	0x452821e638d01377ULL

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* The 64-bit finaliser of SplitMix64: every input bit reaches every
 * output bit. */
static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The 128-bit product of a and b, its halves folded together: one
 * multiplication takes in 16 bytes. */
static uint64_t
fold(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t al = a & 0xffffffffu, ah = a >> 32;
	uint64_t bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
	uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	return lo ^ hi;
#endif
}

/* Bytes p[0..7] as a little-endian word. */
static uint64_t
word(const unsigned char *p)
{
	uint64_t w;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&w, p, 8);
#else
	int i;

	for (w = 0, i = 7; i >= 0; i--)
		w = (w << 8) | p[i];
#endif
	return w;
}

static uint64_t
half(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24;
}

uint64_t
hash_pair(uint64_t a, uint64_t b)
{
	return mix(mix(a ^ K1) + b);
}

uint64_t
hash_cstr(const char *str, uint64_t h)
{
	if (str == NULL)
		return hash64("\001", 1, h);
	return hash64(str, strlen(str) + 1, h);
}

/*
 * Sixteen bytes to a multiplication: the state and one word times the
 * next word and a constant.  Four lanes of 64 bytes keep the multiplier
 * busy on files; what is left, 1 to 64 bytes, goes 16 at a time, the last
 * 16 being the input's last (read again where they overlap).  Inputs of
 * up to 16 bytes, the keys of maps, take one multiplication: their first
 * and last 8 (or 4) bytes, which overlap when shorter, or for 1 to 3
 * bytes the first, middle and last.  The length is in every hash.
 */
uint64_t
hash64(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t a = seed ^ K1, b = seed ^ K2, c, d, x, y;
	size_t i = 0;

	if (n <= 16) {
		if (n >= 8) {
			x = word(p);
			y = word(p + n - 8);
		} else if (n >= 4) {
			x = half(p);
			y = half(p + n - 4);
		} else if (n > 0) {
			x = (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 |
			    (uint64_t)p[n - 1] << 16;
			y = 0;
		} else
			x = y = 0;
		return mix(fold(a ^ x, b ^ y ^ (uint64_t)n));
	}
	c = seed ^ K3;
	d = seed ^ K4 ^ (uint64_t)n;
	for (; n - i > 64; i += 64) {
		a = fold(a ^ word(p + i), word(p + i + 8) ^ K1);
		b = fold(b ^ word(p + i + 16), word(p + i + 24) ^ K2);
		c = fold(c ^ word(p + i + 32), word(p + i + 40) ^ K3);
		d = fold(d ^ word(p + i + 48), word(p + i + 56) ^ K4);
	}
	for (; n - i > 16; i += 16)
		a = fold(a ^ word(p + i), word(p + i + 8) ^ K1);
	b = fold(b ^ word(p + n - 16), word(p + n - 8) ^ K2);
	return mix(a ^ rotl(b, 16) ^ rotl(c, 32) ^ rotl(d, 48));
}
