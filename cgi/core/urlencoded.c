#include <string.h>

#include "buf.h"
#include "pairs.h"
#include "parse.h"
#include "urlencoded.h"

static void
limits(struct urlencoded_limits *l, const struct urlencoded_limits *in)
{
	if (in != NULL)
		*l = *in;
	else
		memset(l, 0, sizeof(*l));
	if (l->max_bytes == 0)
		l->max_bytes = URLENCODED_MAX_BYTES;
	if (l->max_fields == 0)
		l->max_fields = URLENCODED_MAX_FIELDS;
	if (l->max_name == 0)
		l->max_name = URLENCODED_MAX_NAME;
	if (l->max_value == 0)
		l->max_value = URLENCODED_MAX_VALUE;
}

static int
unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into out (emptied first): '+' is a space, %XX a byte.
 * -1 on a malformed escape. */
static int
decode(struct buf *out, const char *s, size_t n)
{
	size_t i;
	int hi, lo;

	buf_reset(out);
	buf_grow(out, n);	/* decoding never lengthens */
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			out->ptr[out->len++] = ' ';
		else if (s[i] != '%')
			out->ptr[out->len++] = s[i];
		else {
			if (n - i < 3 || (hi = unhex(s[i + 1])) < 0 ||
			    (lo = unhex(s[i + 2])) < 0)
				return -1;
			out->ptr[out->len++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	out->ptr[out->len] = '\0';
	return 0;
}

/* Append "what: 'field'" to the log message. */
static void
say(struct buf *msg, const char *what, const char *field, size_t n)
{
	if (msg == NULL)
		return;
	buf_puts(msg, what);
	BUF_PUTSL(msg, ": ");
	parse_quote(msg, field, n);
}

enum parse_err
urlencoded_parse(struct pairs *out, const char *s, size_t n,
    const struct urlencoded_limits *in, struct buf *msg)
{
	struct urlencoded_limits lim;
	struct buf name = BUF_INIT, val = BUF_INIT;
	const char *p, *end = s + n, *amp, *eq;
	size_t start = out->n, fields = 0, nlen;
	enum parse_err rc = PARSE_OK;

	limits(&lim, in);
	if (n > lim.max_bytes) {
		if (msg != NULL)
			buf_printf(msg, "urlencoded input of %zu bytes, over "
			    "the limit of %zu", n, lim.max_bytes);
		return PARSE_TOO_LARGE;
	}
	for (p = s; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p)
			continue;
		if (++fields > lim.max_fields) {
			if (msg != NULL)
				buf_printf(msg, "more than %zu urlencoded "
				    "fields", lim.max_fields);
			rc = PARSE_TOO_MANY;
			goto out;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		nlen = (size_t)(eq - p);
		if (nlen == 0) {
			say(msg, "urlencoded field with no name", p,
			    (size_t)(amp - p));
			rc = PARSE_MALFORMED;
			goto out;
		}
		if (decode(&name, p, nlen) == -1 ||
		    (eq < amp && decode(&val, eq + 1,
		    (size_t)(amp - eq - 1)) == -1)) {
			say(msg, "malformed %-escape in urlencoded field", p,
			    (size_t)(amp - p));
			rc = PARSE_MALFORMED;
			goto out;
		}
		if (eq == amp)
			buf_reset(&val);
		if (name.len > lim.max_name || val.len > lim.max_value) {
			say(msg, name.len > lim.max_name ?
			    "urlencoded name too long" :
			    "urlencoded value too long", name.ptr, name.len);
			rc = PARSE_TOO_LONG;
			goto out;
		}
		if (!parse_name_ok(name.ptr, name.len) ||
		    !parse_value_ok(val.ptr, val.len)) {
			say(msg, "urlencoded field not UTF-8 or holding a "
			    "control character", name.ptr, name.len);
			rc = PARSE_ENCODING;
			goto out;
		}
		pairs_add(out, name.ptr, name.len, val.ptr, val.len);
	}
out:
	if (rc != PARSE_OK)
		pairs_truncate(out, start);
	buf_release(&name);
	buf_release(&val);
	return rc;
}

enum parse_err
urlencoded_read(struct pairs *out, parse_read_fn rd, void *arg,
    const struct urlencoded_limits *in, struct buf *msg)
{
	struct urlencoded_limits lim;
	struct buf body = BUF_INIT;
	enum parse_err rc;
	size_t want;
	ssize_t r;

	limits(&lim, in);
	for (;;) {
		/* Never more than max_bytes + 1: enough to know it is over. */
		if (body.len > lim.max_bytes) {
			if (msg != NULL)
				buf_printf(msg, "urlencoded body over the "
				    "limit of %zu bytes", lim.max_bytes);
			rc = PARSE_TOO_LARGE;
			goto out;
		}
		want = 16384;
		if (lim.max_bytes - body.len < want)
			want = lim.max_bytes - body.len + 1;
		buf_grow(&body, want);
		r = rd(arg, body.ptr + body.len, want);
		if (r == 0)
			break;
		if (r < 0 || (size_t)r > want) {
			if (msg != NULL)
				BUF_PUTSL(msg, "reading the urlencoded body "
				    "failed");
			rc = PARSE_IO;
			goto out;
		}
		body.len += (size_t)r;
		body.ptr[body.len] = '\0';
	}
	rc = urlencoded_parse(out, body.ptr, body.len, &lim, msg);
out:
	buf_release(&body);
	return rc;
}
