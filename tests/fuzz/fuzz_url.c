/*
 * libFuzzer target: the URL helpers of lib/escape.c that gen check runs
 * on the links editors write.  url_idna_host() either appends nothing
 * (and fails) or appends ASCII without spaces or controls; percent-decoding
 * and the safety and outside checks take any bytes.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "escape.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char *s = (const char *)data;
	struct buf b = BUF_INIT;
	size_t i;

	BUF_PUTSL(&b, "x");
	if (url_idna_host(&b, s, n) == -1)
		assert(b.len == 1);
	else
		for (i = 1; i < b.len; i++)
			assert((unsigned char)b.ptr[i] < 0x80 &&
			    (unsigned char)b.ptr[i] > ' ');
	buf_reset(&b);
	(void)url_decode(&b, s, n);
	(void)url_is_safe(s, n);
	(void)url_is_external(s, n);
	buf_release(&b);
	return 0;
}
