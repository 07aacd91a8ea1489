#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <mbedtls/sha256.h>

#include "buf.h"
#include "crypto.h"

int
crypto_random(void *p, size_t n)
{
	unsigned char *b = p;
	ssize_t got;

	while (n > 0) {
		if ((got = getrandom(b, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += got;
		n -= (size_t)got;
	}
	return 0;
}

int
crypto_token(char out[CRYPTO_TOKEN_LEN + 1])
{
	unsigned char raw[CRYPTO_TOKEN_BYTES];
	struct buf b = BUF_INIT;

	if (crypto_random(raw, sizeof(raw)) == -1)
		return -1;
	crypto_base64url(&b, raw, sizeof(raw));
	memcpy(out, b.ptr, CRYPTO_TOKEN_LEN + 1);
	crypto_wipe(raw, sizeof(raw));
	crypto_wipe(b.ptr, b.len);
	buf_release(&b);
	return 0;
}

void
crypto_sha256_hex(const void *p, size_t n, char out[CRYPTO_SHA256_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[32];
	size_t i;

	mbedtls_sha256_ret(p, n, h, 0);
	for (i = 0; i < sizeof(h); i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[CRYPTO_SHA256_HEX] = '\0';
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

int
crypto_streq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && crypto_equal(a, b, n);
}

static void
base64_with(struct buf *out, const unsigned char *p, size_t n,
    const char *alpha, int pad)
{
	size_t i;

	buf_grow(out, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		buf_putc(out, alpha[p[i] >> 2]);
		buf_putc(out, alpha[(p[i] & 3) << 4 | p[i + 1] >> 4]);
		buf_putc(out, alpha[(p[i + 1] & 15) << 2 | p[i + 2] >> 6]);
		buf_putc(out, alpha[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_putc(out, alpha[p[i] >> 2]);
		buf_putc(out, alpha[(p[i] & 3) << 4]);
		if (pad)
			BUF_PUTSL(out, "==");
	} else if (n - i == 2) {
		buf_putc(out, alpha[p[i] >> 2]);
		buf_putc(out, alpha[(p[i] & 3) << 4 | p[i + 1] >> 4]);
		buf_putc(out, alpha[(p[i + 1] & 15) << 2]);
		if (pad)
			buf_putc(out, '=');
	}
}

void
crypto_base64(struct buf *out, const void *p, size_t n)
{
	base64_with(out, p, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/", 1);
}

void
crypto_base64url(struct buf *out, const void *p, size_t n)
{
	base64_with(out, p, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_", 0);
}

void
crypto_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}
