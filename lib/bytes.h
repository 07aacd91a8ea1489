/*
 * bytes: tests of eight bytes at a time, in a 64-bit word, for loops
 * that skip over text needing nothing (escaping, folding).  Each says
 * whether any byte of the word matches, exactly, by a mask of high bits;
 * of the bytes it marks, the first in memory on a little-endian machine
 * surely matches (a false mark only follows a true one), so that
 * bytes_skip() tells how many bytes to pass over before looking byte by
 * byte.  Masks may be or'ed, and stay so.
 */
#ifndef KK_BYTES_H
#define KK_BYTES_H

#include <stdint.h>
#include <string.h>

#define BYTES_ONES	0x0101010101010101ULL
#define BYTES_HIGHS	0x8080808080808080ULL

/* The eight bytes at p, in any alignment. */
static inline uint64_t
bytes_load(const void *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* Nonzero when a byte of w is below c, for c at most 128. */
static inline uint64_t
bytes_below(uint64_t w, unsigned char c)
{
	return (w - BYTES_ONES * c) & ~w & BYTES_HIGHS;
}

/* Nonzero when a byte of w is c. */
static inline uint64_t
bytes_has(uint64_t w, unsigned char c)
{
	return bytes_below(w ^ (BYTES_ONES * c), 1);
}

/* How many bytes of a word whose test gave mask m (not 0) surely do
 * not match: those before the first marked one, when the machine is
 * little-endian; none, to be looked at one by one, else. */
static inline size_t
bytes_skip(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(m) / 8;
#else
	(void)m;
	return 0;
#endif
}

/* Each byte of w that is c, as its high bit, and no other bit: unlike
 * bytes_has(), exact in every byte, so that two masks can be combined. */
static inline uint64_t
bytes_eq(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (BYTES_ONES * c), low = ~BYTES_HIGHS;

	return ~(((x & low) + low) | x) & BYTES_HIGHS;
}

#endif
