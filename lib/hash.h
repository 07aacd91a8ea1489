/*
 * hash: a fast 64-bit hash of bytes, for telling whether a file changed
 * between two builds.  Not cryptographic: it guards against accidents,
 * not against someone crafting collisions (use mbedTLS's SHA-256 there).
 */
#ifndef KK_HASH_H
#define KK_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t	hash64(const void *, size_t, uint64_t seed);
/* Two hashes (or numbers) as one, in that order. */
uint64_t	hash_pair(uint64_t, uint64_t);
/* A C string into hash h: NULL and "" differ, and the NUL ends one
 * string and starts the next. */
uint64_t	hash_cstr(const char *, uint64_t h);

#endif
