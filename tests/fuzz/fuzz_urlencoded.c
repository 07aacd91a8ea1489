/*
 * libFuzzer target: cgi/core/urlencoded.c, and cgi/core/fields.c on what
 * it parses.  The input is parsed from memory and again through the read
 * callback in pieces of a size the input chooses; both must agree.  What
 * parses keeps the text rule, and encoded again (lib/escape esc_url)
 * parses to the same pairs.  A failure leaves the list as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "escape.h"
#include "fields.h"
#include "pairs.h"
#include "parse.h"
#include "urlencoded.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct rd {
	const char	*s;
	size_t		 n;
	size_t		 pos;
	size_t		 chunk;
};

static ssize_t
rd_read(void *arg, void *buf, size_t len)
{
	struct rd *r = arg;
	size_t k = r->n - r->pos;

	if (k > len)
		k = len;
	if (k > r->chunk)
		k = r->chunk;
	memcpy(buf, r->s + r->pos, k);
	r->pos += k;
	return (ssize_t)k;
}

static int
same(const struct pairs *a, const struct pairs *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i].namelen != b->v[i].namelen ||
		    a->v[i].vallen != b->v[i].vallen ||
		    memcmp(a->v[i].name, b->v[i].name, a->v[i].namelen) != 0 ||
		    memcmp(a->v[i].val, b->v[i].val, a->v[i].vallen) != 0)
			return 0;
	return 1;
}

static const char *const choices[] = { "a", "b", NULL };
static const struct field_spec table[] = {
	{ .name = "t", .label = "t", .type = FIELD_TEXT, .max_len = 8 },
	{ .name = "m", .label = "m", .type = FIELD_MULTILINE,
	  .flags = FIELD_REQUIRED },
	{ .name = "i", .label = "i", .type = FIELD_INT, .min = -5, .max = 5 },
	{ .name = "e", .label = "e", .type = FIELD_EMAIL },
	{ .name = "d", .label = "d", .type = FIELD_DATE },
	{ .name = "b", .label = "b", .type = FIELD_BOOL },
	{ .name = "c", .label = "c", .type = FIELD_CHOICE,
	  .flags = FIELD_REPEAT, .choices = choices },
	{ .name = "f", .label = "f", .type = FIELD_FILE },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct urlencoded_limits small = { 64, 4, 8, 16 };
	struct pairs p = PAIRS_INIT, q = PAIRS_INIT;
	struct fields fs = FIELDS_INIT;
	struct buf enc = BUF_INIT, msg = BUF_INIT;
	struct rd r = { s, size, 0, 1 + (size > 0 ? data[0] % 16 : 0) };
	enum parse_err rc, rc2;
	size_t i, k;

	rc = urlencoded_parse(&p, s, size, NULL, &msg);
	if (rc != PARSE_OK && (p.n != 0 || msg.len == 0))
		__builtin_trap();
	rc2 = urlencoded_read(&q, rd_read, &r, NULL, NULL);
	if (rc2 != rc || !same(&p, &q))
		__builtin_trap();
	pairs_release(&q);

	for (i = 0; i < p.n; i++) {
		if (p.v[i].namelen == 0 || p.v[i].file != NULL ||
		    p.v[i].name[p.v[i].namelen] != '\0' ||
		    p.v[i].val[p.v[i].vallen] != '\0' ||
		    !parse_name_ok(p.v[i].name, p.v[i].namelen) ||
		    !parse_value_ok(p.v[i].val, p.v[i].vallen))
			__builtin_trap();
		if (i > 0)
			buf_putc(&enc, '&');
		esc_url(&enc, p.v[i].name, p.v[i].namelen);
		buf_putc(&enc, '=');
		esc_url(&enc, p.v[i].val, p.v[i].vallen);
	}
	if (rc == PARSE_OK) {
		if (urlencoded_parse(&q, enc.ptr, enc.len, NULL, NULL) !=
		    PARSE_OK || !same(&p, &q))
			__builtin_trap();
		pairs_release(&q);
		/* The table's check: every message is a sentence. */
		fields_validate(&fs, table, sizeof(table) / sizeof(table[0]),
		    &p);
		for (k = 0; k < fs.n; k++)
			if (fs.f[k].error != NULL &&
			    strstr(fs.f[k].error, "。") == NULL)
				__builtin_trap();
		fields_release(&fs);
	}

	/* Small limits: the same or an error, never more. */
	rc2 = urlencoded_parse(&q, s, size, &small, NULL);
	if (rc2 == PARSE_OK && (rc != PARSE_OK || !same(&p, &q) || q.n > 4))
		__builtin_trap();
	pairs_release(&q);
	pairs_release(&p);
	buf_release(&enc);
	buf_release(&msg);
	return 0;
}
