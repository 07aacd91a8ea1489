/*
 * utf8: strict UTF-8 decoding and validation (RFC 3629): no overlong
 * forms, no surrogates, nothing above U+10FFFF.
 */
#ifndef KK_UTF8_H
#define KK_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode one code point from s[0..n).  Returns the number of bytes used
 * (1-4) and stores the code point, or returns 0 when the bytes are not
 * valid UTF-8 (or n is 0).
 */
size_t	utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Append the UTF-8 form of a code point (<= U+10FFFF, no surrogate) to
 * out, which must have room for 4 bytes.  Returns the byte count, or 0. */
size_t	utf8_encode(uint32_t cp, char out[4]);

/* 1 when all n bytes are valid UTF-8.  When not and `bad` is not NULL,
 * *bad is the offset of the first byte that does not decode. */
int	utf8_valid(const char *s, size_t n, size_t *bad);

/* The bytes of the character at s[0..n) (n > 0) by its lead byte, when
 * the continuation bytes are there; else 1.  Not a check: in text known
 * to be UTF-8 it steps from character to character without decoding,
 * and a stray byte counts one. */
size_t	utf8_char_len(const char *s, size_t n);
/* Number of code points in valid UTF-8 text (invalid bytes count one). */
size_t	utf8_len(const char *s, size_t n);

#endif
