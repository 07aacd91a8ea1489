/*
 * libFuzzer target: lib/csv.c on any file, as an uploaded account list
 * is read: the bytes to UTF-8 (BOM, UTF-8, or CP932), then records.
 * What comes out is UTF-8; every record has at least one field and at
 * most CSV_MAX_FIELDS, each at most CSV_MAX_FIELD bytes; lines only go
 * forward; a failure holds nothing and says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct csv c;
	size_t i, k, line = 0;

	if (csv_to_utf8((const char *)data, size, &text, NULL, &err) == -1) {
		if (err.len == 0 || text.len != 0)
			__builtin_trap();
		goto out;
	}
	if (!utf8_valid(text.ptr, text.len, NULL))
		__builtin_trap();
	if (csv_parse(&c, text.ptr, text.len, &err) == -1) {
		if (err.len == 0 || c.n != 0 || c.r != NULL)
			__builtin_trap();
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		if (c.r[i].n == 0 || c.r[i].n > CSV_MAX_FIELDS ||
		    c.r[i].line <= line)
			__builtin_trap();
		line = c.r[i].line;
		for (k = 0; k < c.r[i].n; k++)
			if (strlen(c.r[i].f[k]) > CSV_MAX_FIELD)
				__builtin_trap();
	}
	csv_release(&c);
out:
	buf_release(&text);
	buf_release(&err);
	return 0;
}
