/*
 * test_cgi_cookie: cgi/core/cookie.c, the Cookie header: pairs, quotes,
 * white space, junk skipped, first match wins, the limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cookie.h"
#include "pairs.h"
#include "parse.h"
#include "test.h"

static const char *
dump(const struct pairs *p)
{
	static struct buf b = BUF_INIT;
	size_t i;

	buf_reset(&b);
	for (i = 0; i < p->n; i++) {
		if (i > 0)
			buf_putc(&b, '|');
		buf_add(&b, p->v[i].name, p->v[i].namelen);
		buf_putc(&b, '=');
		buf_add(&b, p->v[i].val, p->v[i].vallen);
	}
	return b.ptr;
}

static void
check(const char *desc, const char *hdr, const char *want)
{
	struct pairs p = PAIRS_INIT;

	test_cond(desc, cookie_parse(&p, hdr, strlen(hdr)) == PARSE_OK);
	test_streq(desc, dump(&p), want);
	pairs_release(&p);
}

static void
test_parse(void)
{
	check("one", "sid=abc", "sid=abc");
	check("two", "sid=abc; csrf=x1", "sid=abc|csrf=x1");
	check("no space after ';'", "a=1;b=2", "a=1|b=2");
	check("spaces and TABs around", "  a = 1 ;\tb\t=\t2\t; ",
	    "a=1|b=2");
	check("empty header", "", "");
	check("only separators", ";;; ; ", "");
	check("empty value", "a=; b=", "a=|b=");
	check("quoted value", "a=\"x1\"", "a=x1");
	check("quoted empty value", "a=\"\"", "a=");
	check("quoted value with a space", "a=\"x y\"", "a=x y");
	check("space inside a value", "a=x y", "a=x y");
	check("'=' inside a value", "a=b=c==", "a=b=c==");
	check("base64url value", "sid=AbC-_09xyZ", "sid=AbC-_09xyZ");
	check("comma in a value", "a=1,2", "a=1,2");
	check("order kept, repeats kept", "a=1; b=2; a=3", "a=1|b=2|a=3");
}

static void
test_junk(void)
{
	check("piece with no '=' skipped", "junk; a=1; more junk", "a=1");
	check("empty name skipped", "=1; a=2", "a=2");
	check("space in the name skipped", "a b=1; c=2", "c=2");
	check("separator in the name skipped", "a(b=1; a@b=2; c=3", "c=3");
	check("lone quote skipped", "a=\"; b=2", "b=2");
	check("unbalanced quote skipped", "a=\"x; b=\"y\"z\"; c=3", "c=3");
	check("backslash skipped", "a=x\\y; c=3", "c=3");
	check("control character skipped", "a=x\x01y; c=3", "c=3");
	{
		struct pairs p = PAIRS_INIT;

		test_cond("NUL in a value skipped, rest kept",
		    cookie_parse(&p, "a=x\0y; c=3", 10) == PARSE_OK);
		test_streq("NUL in a value skipped, rest kept", dump(&p),
		    "c=3");
		pairs_release(&p);
	}
	check("DEL skipped", "a=\x7f; c=3", "c=3");
	check("UTF-8 value skipped", "a=\xe3\x81\x82; c=3", "c=3");
	check("Shift_JIS value skipped", "a=\x82\xa0; c=3", "c=3");
	check("Shift_JIS name skipped", "\x82\xa0=1; c=3", "c=3");
	check("CR LF skipped", "a=1\r\n; c=3", "c=3");
	check("token characters in names", "a!#$%&'*+-.^_`|~z=1",
	    "a!#$%&'*+-.^_`|~z=1");
}

static void
test_lookup(void)
{
	struct pairs p = PAIRS_INIT;
	const char *h = "__Host-sid=host; sid=plain; sid=parent; "
	    "__Secure-x=s; SID=upper";

	test_cond("parse", cookie_parse(&p, h, strlen(h)) == PARSE_OK);
	test_streq("first match wins", cookie_get(&p, "sid"), "plain");
	test_streq("__Host- is part of the name",
	    cookie_get(&p, "__Host-sid"), "host");
	test_streq("__Secure- is part of the name",
	    cookie_get(&p, "__Secure-x"), "s");
	test_streq("names are case-sensitive", cookie_get(&p, "SID"),
	    "upper");
	test_cond("absent", cookie_get(&p, "x") == NULL &&
	    cookie_get(&p, "host") == NULL && cookie_get(&p, "") == NULL);
	pairs_release(&p);
}

static void
test_limits(void)
{
	struct pairs p = PAIRS_INIT;
	struct buf h = BUF_INIT;
	size_t i;

	for (i = 0; i < COOKIE_MAX_COUNT; i++)
		buf_printf(&h, "c%zu=%zu; ", i, i);
	test_cond("count: exactly", cookie_parse(&p, h.ptr, h.len) ==
	    PARSE_OK && p.n == COOKIE_MAX_COUNT);
	pairs_release(&p);
	pairs_add(&p, "keep", 4, "me", 2);
	BUF_PUTSL(&h, "last=1");
	test_cond("count: one over", cookie_parse(&p, h.ptr, h.len) ==
	    PARSE_TOO_MANY);
	test_streq("count: pairs as they were", dump(&p), "keep=me");
	pairs_release(&p);
	buf_reset(&h);
	for (i = 0; i < COOKIE_MAX_COUNT * 4; i++)
		BUF_PUTSL(&h, "junk; ");
	BUF_PUTSL(&h, "a=1");
	test_cond("junk does not count", cookie_parse(&p, h.ptr, h.len) ==
	    PARSE_OK && p.n == 1);
	pairs_release(&p);

	buf_reset(&h);
	BUF_PUTSL(&h, "a=");
	while (h.len < COOKIE_MAX_BYTES)
		buf_putc(&h, 'x');
	test_cond("bytes: exactly", cookie_parse(&p, h.ptr, h.len) ==
	    PARSE_OK && p.n == 1 && p.v[0].vallen == COOKIE_MAX_BYTES - 2);
	pairs_release(&p);
	buf_putc(&h, 'x');
	test_cond("bytes: one over", cookie_parse(&p, h.ptr, h.len) ==
	    PARSE_TOO_LARGE && p.n == 0);
	buf_release(&h);
}

/* Random junk never crashes, and what is kept keeps the rules. */
static void
test_random(void)
{
	static const char alphabet[] = "ab=; \t\"\\,\x01\x7f\x82\xe3=;";
	struct pairs p = PAIRS_INIT;
	char hdr[64];
	uint32_t x = 12345;
	size_t i, k, n;
	int ok = 1;

	for (i = 0; i < 20000; i++) {
		n = i % sizeof(hdr);
		for (k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			hdr[k] = alphabet[x % (sizeof(alphabet) - 1)];
		}
		if (cookie_parse(&p, hdr, n) != PARSE_OK)
			ok = 0;
		for (k = 0; k < p.n; k++)
			if (p.v[k].namelen == 0 ||
			    strpbrk(p.v[k].name, "= ;\t\"") != NULL ||
			    strpbrk(p.v[k].val, ";\t\"\\\x01\x7f\x82\xe3") !=
			    NULL)
				ok = 0;
		pairs_release(&p);
	}
	test_cond("random headers: no failure, rules kept", ok);
}

int
main(void)
{
	test_parse();
	test_junk();
	test_lookup();
	test_limits();
	test_random();
	return test_done();
}
