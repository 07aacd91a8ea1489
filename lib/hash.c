#include <string.h>

#include "hash.h"

/* Two odd 64-bit constants (from the golden ratio and sqrt(3)). */
#define K1	0x9e3779b97f4a7c15ULL
#define K2	0xbb67ae8584caa73bULL

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

uint64_t
hash_pair(uint64_t a, uint64_t b)
{
	return mix(mix(a ^ K1) + b);
}

uint64_t
hash64(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t a = seed ^ K1, b = seed ^ K2 ^ (uint64_t)n, w;
	size_t i;

	/* Two lanes of 8 bytes at a time keep the multiplier busy. */
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
	/* The last 0 to 7 bytes, as memcpy() into a zeroed word would give
	 * them; on a little-endian machine, from the word that ends with
	 * them, shifted down: no copy of a variable length. */
	w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n - i > 0 && n >= 8) {
		memcpy(&w, p + n - 8, 8);
		w >>= 8 * (8 - (n - i));
	} else
#endif
		memcpy(&w, p + i, n - i);
	b ^= w * K1;
	return mix(a ^ rotl(b, 17) ^ (uint64_t)n);
}
