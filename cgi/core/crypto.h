/*
 * crypto: the small pieces of cryptography the programs share: random
 * bytes from the kernel, SHA-256 (mbedTLS), comparison in constant time,
 * and base64 in its two alphabets.
 *
 * Random bytes come from getrandom(2), the kernel's CSPRNG, which blocks
 * only until it is seeded at boot.  Tokens are 256 bits written in
 * base64url without padding: 43 characters, safe in a cookie, a URL and
 * a form field as they are.
 */
#ifndef KK_CRYPTO_H
#define KK_CRYPTO_H

#include <stddef.h>

struct buf;

#define CRYPTO_TOKEN_BYTES	32	/* 256 bits */
#define CRYPTO_TOKEN_LEN	43	/* base64url of 32 bytes, no padding */
#define CRYPTO_SHA256_HEX	64

/* Fill p[0..n) with random bytes.  0, or -1 (errno set) when the kernel
 * cannot give them, which callers treat as a server error. */
int	 crypto_random(void *p, size_t n);

/* A new random token, NUL-terminated, into out[CRYPTO_TOKEN_LEN + 1]. */
int	 crypto_token(char out[CRYPTO_TOKEN_LEN + 1]);

/* SHA-256 of p[0..n) as 64 lower-case hex digits and a NUL. */
void	 crypto_sha256_hex(const void *p, size_t n,
	    char out[CRYPTO_SHA256_HEX + 1]);

/* 1 when a[0..n) equals b[0..n), in time that depends on n alone. */
int	 crypto_equal(const void *a, const void *b, size_t n);

/* 1 when the two strings are equal: lengths are compared openly (they
 * are not secret here: tokens have one length), bytes in constant time. */
int	 crypto_streq(const char *a, const char *b);

/* Append base64 (RFC 4648 section 4, with padding) of p[0..n). */
void	 crypto_base64(struct buf *, const void *p, size_t n);
/* Append base64url (section 5) without padding. */
void	 crypto_base64url(struct buf *, const void *p, size_t n);

/* Wipe a secret so the compiler cannot drop the stores. */
void	 crypto_wipe(void *p, size_t n);

#endif
