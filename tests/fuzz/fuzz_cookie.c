/*
 * libFuzzer target: cgi/core/cookie.c on any header.  What is kept has a
 * token for a name and printable ASCII for a value; a lookup finds the
 * first cookie of a name; a failure leaves the list as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cookie.h"
#include "pairs.h"
#include "parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pairs p = PAIRS_INIT;
	enum parse_err rc;
	const char *v;
	size_t i, k;

	pairs_add(&p, "pre", 3, "x", 1);
	rc = cookie_parse(&p, (const char *)data, size);
	if (rc != PARSE_OK && p.n != 1)
		__builtin_trap();
	if (p.n - 1 > COOKIE_MAX_COUNT)
		__builtin_trap();
	for (i = 1; i < p.n; i++) {
		if (p.v[i].namelen == 0 || p.v[i].file != NULL ||
		    strlen(p.v[i].name) != p.v[i].namelen ||
		    strlen(p.v[i].val) != p.v[i].vallen)
			__builtin_trap();
		for (k = 0; k < p.v[i].namelen; k++)
			if ((unsigned char)p.v[i].name[k] <= ' ' ||
			    (unsigned char)p.v[i].name[k] >= 0x7f ||
			    strchr("()<>@,;:\\\"/[]?={}", p.v[i].name[k]))
				__builtin_trap();
		for (k = 0; k < p.v[i].vallen; k++)
			if ((unsigned char)p.v[i].val[k] < ' ' ||
			    (unsigned char)p.v[i].val[k] >= 0x7f ||
			    p.v[i].val[k] == '"' || p.v[i].val[k] == '\\' ||
			    p.v[i].val[k] == ';')
				__builtin_trap();
		/* First match wins. */
		v = cookie_get(&p, p.v[i].name);
		for (k = 0; k < i; k++)
			if (strcmp(p.v[k].name, p.v[i].name) == 0)
				break;
		if (v != p.v[k].val)
			__builtin_trap();
	}
	pairs_release(&p);
	return 0;
}
