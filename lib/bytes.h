/*
 * bytes: tests of eight bytes at a time, in a 64-bit word, for loops
 * that skip over text needing nothing (escaping, folding).  Each says
 * whether any byte of the word matches, exactly; not which one, which
 * the caller finds byte by byte.
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

#endif
