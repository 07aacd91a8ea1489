/*
 * test_cgi_urlencoded: cgi/core/urlencoded.c (query strings and form
 * bodies), the pair list of cgi/core/pairs.c, and the error table and
 * text rule of cgi/core/parse.c.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pairs.h"
#include "parse.h"
#include "reader.h"
#include "test.h"
#include "urlencoded.h"

/* Parse a literal with the default limits. */
static enum parse_err
parse(struct pairs *p, const char *s)
{
	return urlencoded_parse(p, s, strlen(s), NULL, NULL);
}

/* The pairs as "name=value|name=value", to compare in one go. */
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
check(const char *desc, const char *in, const char *want)
{
	struct pairs p = PAIRS_INIT;
	enum parse_err rc = parse(&p, in);

	test_cond(desc, rc == PARSE_OK);
	test_streq(desc, dump(&p), want);
	pairs_release(&p);
}

/* A failure leaves pairs added before the call as they were. */
static void
check_err(const char *desc, const char *in, enum parse_err want)
{
	struct pairs p = PAIRS_INIT;
	enum parse_err rc;

	pairs_add(&p, "keep", 4, "me", 2);
	rc = parse(&p, in);
	test_cond(desc, rc == want);
	test_streq(desc, dump(&p), "keep=me");
	pairs_release(&p);
}

static void
test_basic(void)
{
	struct pairs p = PAIRS_INIT;
	const struct pair *e;
	size_t from = 0;

	check("two fields in order", "a=1&b=2", "a=1|b=2");
	check("empty input", "", "");
	check("plus is a space", "q=a+b+c", "q=a b c");
	check("escapes of either case", "x=%41%4a%4A%2b%25", "x=AJJ+%");
	check("escaped plus stays plus", "x=1%2B1", "x=1+1");
	check("escapes in the name", "%E5%90%8D%E5%89%8D=x",
	    "\xe5\x90\x8d\xe5\x89\x8d=x");
	check("Japanese value", "name=%E5%B1%B1%E7%94%B0+%E8%8A%B1%E5%AD%90",
	    "name=\xe5\xb1\xb1\xe7\x94\xb0 \xe8\x8a\xb1\xe5\xad\x90");
	check("raw UTF-8 is fine too", "name=\xe5\xb1\xb1", "name=\xe5\xb1\xb1");
	check("empty fields skipped", "&a=1&&b=2&", "a=1|b=2");
	check("only ampersands", "&&&", "");
	check("no '=' is an empty value", "print&a=1", "print=|a=1");
	check("empty value", "a=&b=", "a=|b=");
	check("'=' inside the value", "a=b=c", "a=b=c");
	check("';' is ordinary", "a=1;b=2", "a=1;b=2");
	check("repeats kept in order", "c=1&d=x&c=2&c=3", "c=1|d=x|c=2|c=3");
	check("TAB, CR, LF in a value", "m=a%09b%0D%0Ac%0A",
	    "m=a\tb\r\nc\n");
	check("4-byte UTF-8", "e=%F0%9F%98%80", "e=\xf0\x9f\x98\x80");

	test_cond("parse: repeats", parse(&p, "c=1&d=x&c=2&c=3") == PARSE_OK);
	test_streq("pairs_get: first wins", pairs_value(&p, "c"), "1");
	test_cond("pairs_get: absent", pairs_get(&p, "zz") == NULL &&
	    pairs_value(&p, "zz") == NULL);
	test_cond("pairs_count", pairs_count(&p, "c") == 3 &&
	    pairs_count(&p, "d") == 1 && pairs_count(&p, "e") == 0);
	e = pairs_next(&p, "c", &from);
	test_cond("pairs_next 1", e != NULL && strcmp(e->val, "1") == 0);
	e = pairs_next(&p, "c", &from);
	test_cond("pairs_next 2", e != NULL && strcmp(e->val, "2") == 0);
	e = pairs_next(&p, "c", &from);
	test_cond("pairs_next 3", e != NULL && strcmp(e->val, "3") == 0);
	test_cond("pairs_next end", pairs_next(&p, "c", &from) == NULL);
	test_cond("names and values NUL-terminated, no file",
	    p.v[0].name[p.v[0].namelen] == '\0' &&
	    p.v[0].val[p.v[0].vallen] == '\0' && p.v[0].file == NULL);
	test_cond("appends to what is there",
	    parse(&p, "z=9") == PARSE_OK && p.n == 5 &&
	    strcmp(p.v[4].name, "z") == 0);
	pairs_release(&p);
	test_cond("release leaves an empty list", p.n == 0 && p.v == NULL);
}

static void
test_malformed(void)
{
	check_err("lone %", "a=%", PARSE_MALFORMED);
	check_err("% and one digit", "a=%4", PARSE_MALFORMED);
	check_err("% and one digit, then more", "a=%4&b=1", PARSE_MALFORMED);
	check_err("% and non-hex", "a=%zz", PARSE_MALFORMED);
	check_err("% and half hex", "a=%G0", PARSE_MALFORMED);
	check_err("% in the name", "a%=1", PARSE_MALFORMED);
	check_err("bad escape in a later field", "a=1&b=2&c=%%",
	    PARSE_MALFORMED);
	check_err("empty name", "=x", PARSE_MALFORMED);
	check_err("empty name later", "a=1&=x", PARSE_MALFORMED);
	check_err("Shift_JIS, escaped (あ)", "a=%82%A0", PARSE_ENCODING);
	check_err("Shift_JIS, raw (日本)", "a=\x93\xfa\x96\x7b",
	    PARSE_ENCODING);
	check_err("Shift_JIS in the name", "%93%FA=1", PARSE_ENCODING);
	check_err("EUC-JP (あ)", "a=%A4%A2", PARSE_ENCODING);
	check_err("overlong '/'", "a=%C0%AF", PARSE_ENCODING);
	check_err("surrogate", "a=%ED%A0%80", PARSE_ENCODING);
	check_err("past U+10FFFF", "a=%F4%90%80%80", PARSE_ENCODING);
	check_err("truncated sequence", "a=%E3%81", PARSE_ENCODING);
	check_err("NUL in a value", "a=x%00y", PARSE_ENCODING);
	check_err("NUL in a name", "a%00b=1", PARSE_ENCODING);
	check_err("control in a value", "a=%01", PARSE_ENCODING);
	check_err("ESC in a value", "a=%1B[31m", PARSE_ENCODING);
	check_err("DEL in a value", "a=%7F", PARSE_ENCODING);
	check_err("TAB in a name", "a%09b=1", PARSE_ENCODING);
	check_err("LF in a name", "a%0Ab=1", PARSE_ENCODING);
	check_err("CR in a name", "a%0D=1", PARSE_ENCODING);
}

static void
test_limits(void)
{
	struct urlencoded_limits lim = { 0, 0, 0, 0 };
	struct pairs p = PAIRS_INIT;
	struct buf in = BUF_INIT, msg = BUF_INIT;
	size_t i;

	/* max_bytes: counts the encoded input. */
	lim.max_bytes = 7;
	test_cond("max_bytes: exactly", urlencoded_parse(&p, "a=1&b=2", 7,
	    &lim, NULL) == PARSE_OK && p.n == 2);
	pairs_release(&p);
	test_cond("max_bytes: one over", urlencoded_parse(&p, "a=1&b=22", 8,
	    &lim, &msg) == PARSE_TOO_LARGE && p.n == 0);
	test_cond("max_bytes: message", strstr(msg.ptr, "8 bytes") != NULL);
	buf_reset(&msg);

	/* max_fields: empty fields do not count. */
	memset(&lim, 0, sizeof(lim));
	lim.max_fields = 3;
	test_cond("max_fields: exactly", urlencoded_parse(&p, "a&&b&c&", 7,
	    &lim, NULL) == PARSE_OK && p.n == 3);
	pairs_release(&p);
	test_cond("max_fields: one over", urlencoded_parse(&p, "a&b&c&d", 7,
	    &lim, NULL) == PARSE_TOO_MANY && p.n == 0);

	/* max_name and max_value count decoded bytes. */
	memset(&lim, 0, sizeof(lim));
	lim.max_name = 3;
	lim.max_value = 3;
	test_cond("max_name: exactly (decoded)", urlencoded_parse(&p,
	    "%E3%81%82=%41%42%43", 19, &lim, NULL) == PARSE_OK && p.n == 1);
	pairs_release(&p);
	test_cond("max_name: one over", urlencoded_parse(&p, "abcd=1", 6,
	    &lim, &msg) == PARSE_TOO_LONG && p.n == 0);
	test_cond("max_name: message quotes the name",
	    strstr(msg.ptr, "'abcd'") != NULL);
	buf_reset(&msg);
	test_cond("max_value: one over", urlencoded_parse(&p, "a=a+b+", 6,
	    &lim, NULL) == PARSE_TOO_LONG && p.n == 0);

	/* The defaults. */
	for (i = 0; i < URLENCODED_MAX_FIELDS; i++)
		buf_printf(&in, "f%zu=%zu&", i, i);
	test_cond("default max_fields: exactly",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) == PARSE_OK &&
	    p.n == URLENCODED_MAX_FIELDS);
	pairs_release(&p);
	BUF_PUTSL(&in, "x=1");
	test_cond("default max_fields: one over",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) ==
	    PARSE_TOO_MANY && p.n == 0);
	buf_reset(&in);
	BUF_PUTSL(&in, "v=");
	while (in.len < URLENCODED_MAX_BYTES)
		buf_putc(&in, 'x');
	test_cond("default max_bytes and max_value: exactly",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) ==
	    (URLENCODED_MAX_BYTES - 2 > URLENCODED_MAX_VALUE ?
	    PARSE_TOO_LONG : PARSE_OK));
	pairs_release(&p);
	buf_putc(&in, 'x');
	test_cond("default max_bytes: one over",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) ==
	    PARSE_TOO_LARGE);
	buf_reset(&in);
	BUF_PUTSL(&in, "v=");
	for (i = 0; i < URLENCODED_MAX_VALUE; i++)
		buf_putc(&in, 'x');
	test_cond("default max_value: exactly",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) == PARSE_OK &&
	    p.n == 1 && p.v[0].vallen == URLENCODED_MAX_VALUE);
	pairs_release(&p);
	buf_putc(&in, 'x');
	test_cond("default max_value: one over",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) ==
	    PARSE_TOO_LONG);
	buf_reset(&in);
	BUF_PUTSL(&in, "n");
	for (i = 1; i < URLENCODED_MAX_NAME; i++)
		buf_putc(&in, 'x');
	test_cond("default max_name: exactly",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) == PARSE_OK);
	pairs_release(&p);
	buf_putc(&in, 'x');
	test_cond("default max_name: one over",
	    urlencoded_parse(&p, in.ptr, in.len, NULL, NULL) ==
	    PARSE_TOO_LONG);
	buf_release(&in);
	buf_release(&msg);
}

static void
test_read(void)
{
	const char *body = "name=%E5%B1%B1%E7%94%B0&mail=a%40example.jp"
	    "&msg=line1%0D%0Aline2&x=";
	const char *want = "name=\xe5\xb1\xb1\xe7\x94\xb0|mail=a@example.jp"
	    "|msg=line1\r\nline2|x=";
	struct urlencoded_limits lim = { 0, 0, 0, 0 };
	struct pairs p = PAIRS_INIT;
	struct reader r;
	struct buf big = BUF_INIT, msg = BUF_INIT;
	size_t n = strlen(body), chunk;
	uint32_t seed;
	int ok = 1;

	for (chunk = 1; chunk <= n + 1; chunk++) {
		r = reader_of(body, n, chunk, 0);
		if (urlencoded_read(&p, reader_read, &r, NULL, NULL) !=
		    PARSE_OK || strcmp(dump(&p), want) != 0)
			ok = 0;
		pairs_release(&p);
	}
	test_cond("read: every chunk size gives the same pairs", ok);
	for (seed = 1, ok = 1; seed <= 200; seed++) {
		r = reader_of(body, n, 16, seed);
		if (urlencoded_read(&p, reader_read, &r, NULL, NULL) !=
		    PARSE_OK || strcmp(dump(&p), want) != 0)
			ok = 0;
		pairs_release(&p);
	}
	test_cond("read: random chunk sizes give the same pairs", ok);

	r = reader_of("", 0, 0, 0);
	test_cond("read: empty body", urlencoded_read(&p, reader_read, &r,
	    NULL, NULL) == PARSE_OK && p.n == 0);

	lim.max_bytes = n;
	r = reader_of(body, n, 5, 0);
	test_cond("read: max_bytes exactly", urlencoded_read(&p, reader_read,
	    &r, &lim, NULL) == PARSE_OK && p.n == 4);
	pairs_release(&p);
	lim.max_bytes = n - 1;
	r = reader_of(body, n, 5, 0);
	test_cond("read: max_bytes one over", urlencoded_read(&p,
	    reader_read, &r, &lim, NULL) == PARSE_TOO_LARGE && p.n == 0);

	/* A huge body is not read past the limit. */
	while (big.len < 4 * 1024 * 1024)
		BUF_PUTSL(&big, "aaaaaaaaaaaaaaa=");
	lim.max_bytes = 1000;
	r = reader_of(big.ptr, big.len, 0, 0);
	test_cond("read: stops at max_bytes + 1", urlencoded_read(&p,
	    reader_read, &r, &lim, NULL) == PARSE_TOO_LARGE &&
	    r.pos == 1001);
	r = reader_of(big.ptr, big.len, 0, 0);
	test_cond("read: default limit", urlencoded_read(&p, reader_read, &r,
	    NULL, NULL) == PARSE_TOO_LARGE &&
	    r.pos == URLENCODED_MAX_BYTES + 1);
	buf_release(&big);

	pairs_add(&p, "keep", 4, "me", 2);
	r = reader_of(body, n, 3, 0);
	r.fail_at = 10;
	test_cond("read: an error of the callback is PARSE_IO",
	    urlencoded_read(&p, reader_read, &r, NULL, &msg) == PARSE_IO);
	test_streq("read: pairs as they were", dump(&p), "keep=me");
	test_cond("read: message", strstr(msg.ptr, "failed") != NULL);
	r = reader_of("a=%", 3, 1, 0);
	test_cond("read: malformed body", urlencoded_read(&p, reader_read,
	    &r, NULL, NULL) == PARSE_MALFORMED && p.n == 1);
	pairs_release(&p);
	buf_release(&msg);
}

static void
test_parse_common(void)
{
	struct buf b = BUF_INIT;
	int e, ok = 1;

	test_cond("status: OK 200", parse_err_status(PARSE_OK) == 200);
	test_cond("status: malformed 400",
	    parse_err_status(PARSE_MALFORMED) == 400 &&
	    parse_err_status(PARSE_ENCODING) == 400);
	test_cond("status: too large 413",
	    parse_err_status(PARSE_TOO_LARGE) == 413 &&
	    parse_err_status(PARSE_TOO_MANY) == 413 &&
	    parse_err_status(PARSE_TOO_LONG) == 413);
	test_cond("status: I/O 500", parse_err_status(PARSE_IO) == 500 &&
	    parse_err_status(PARSE__MAX) == 500);
	for (e = PARSE_MALFORMED; e < PARSE__MAX; e++)
		if (parse_err_str((enum parse_err)e)[0] == '\0' ||
		    strstr(parse_err_message((enum parse_err)e),
		    "ください。") == NULL)
			ok = 0;
	test_cond("every error has a log string and a Japanese message", ok);
	test_streq("message: too large",
	    parse_err_message(PARSE_TOO_LARGE),
	    "送信された内容が大きすぎます。添付ファイルを小さくするか、"
	    "入力を短くしてから、もう一度送信してください。");

	test_cond("name rule: Japanese", parse_name_ok("お名前", 9));
	test_cond("name rule: TAB refused", !parse_name_ok("a\tb", 3));
	test_cond("name rule: NUL refused", !parse_name_ok("a\0b", 3));
	test_cond("value rule: TAB CR LF", parse_value_ok("a\tb\r\nc", 6));
	test_cond("value rule: DEL refused", !parse_value_ok("a\x7f", 2));
	test_cond("value rule: VT refused", !parse_value_ok("a\vb", 3));
	test_cond("value rule: Shift_JIS refused",
	    !parse_value_ok("\x82\xa0", 2));
	test_cond("value rule: empty", parse_value_ok("", 0));

	parse_quote(&b, "a'b\\c\n\x82\xa0\xe3\x81\x82\xc2\x85", 13);
	test_streq("quote: controls, quotes and bad bytes escaped", b.ptr,
	    "'a\\x27b\\x5cc\\x0a\\x82\\xa0\xe3\x81\x82\\xc2\\x85'");
	buf_reset(&b);
	parse_quote(&b, "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789", 80);
	test_cond("quote: long text cut", b.len == 64 + 2 + 3 &&
	    strcmp(b.ptr + b.len - 4, "'...") == 0);
	buf_release(&b);
}

int
main(void)
{
	test_basic();
	test_malformed();
	test_limits();
	test_read();
	test_parse_common();
	return test_done();
}
