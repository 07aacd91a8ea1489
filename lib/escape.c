#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "bytes.h"
#include "escape.h"
#include "utf8.h"

/*
 * HTML/XML escapes.  The table covers every byte that can end a text run
 * or an attribute value: '&' starts references, '<' and '>' tags, and
 * both quote characters close attribute values.
 */
static const char *const html_esc[256] = {
	['&'] = "&amp;",	/* character references */
	['<'] = "&lt;",		/* tag open */
	['>'] = "&gt;",		/* tag close; also "]]>" in XML */
	['"'] = "&quot;",	/* double-quoted attribute end */
	['\''] = "&#39;",	/* single-quoted attribute end */
};

/* Whether one of the eight bytes in w is in html_esc. */
static uint64_t
html_special8(uint64_t w)
{
	return bytes_has(w, '&') | bytes_has(w, '<') | bytes_has(w, '>') |
	    bytes_has(w, '"') | bytes_has(w, '\'');
}

void
esc_html(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, end, start = 0;
	uint64_t m;
	const char *e;

	buf_grow(b, n);
	while (i < n) {
		/* Most text needs nothing: eight bytes at a time past it,
		 * then byte by byte through the eight that need something
		 * (or the last few), from the first that may. */
		for (; i + 8 <= n; i += 8)
			if ((m = html_special8(bytes_load(s + i))) != 0) {
				i += bytes_skip(m);
				break;
			}
		for (end = i + 8 < n ? i + 8 : n; i < end; i++) {
			if ((e = html_esc[(unsigned char)s[i]]) == NULL)
				continue;
			buf_add(b, s + start, i - start);
			buf_puts(b, e);
			start = i + 1;
		}
	}
	buf_add(b, s + start, n - start);
}

void
esc_xml(struct buf *b, const char *s, size_t n)
{
	esc_html(b, s, n);
}

/* ASCII only: isalnum() follows the locale and may accept bytes >= 0x80. */
static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* "%XX" for one byte. */
static void
put_pct(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	buf_putc(b, '%');
	buf_putc(b, hex[c >> 4]);
	buf_putc(b, hex[c & 15]);
}

static int
is_unreserved(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static void
esc_url_keep(struct buf *b, const char *s, size_t n, int keep_slash)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/')) {
			buf_putc(b, c);
			continue;
		}
		put_pct(b, c);
	}
}

void
esc_url(struct buf *b, const char *s, size_t n)
{
	esc_url_keep(b, s, n, 0);
}

void
esc_url_path(struct buf *b, const char *s, size_t n)
{
	esc_url_keep(b, s, n, 1);
}

/* Length of the scheme (before ':'), or 0 when there is none. */
static size_t
scheme_len(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return i;
		if (!is_alnum(c) && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

int
url_is_external(const char *s, size_t n)
{
	/* Browsers read '\\' as '/' in http(s) URLs: "/\\host" is "//host". */
	if (n >= 2 && (s[0] == '/' || s[0] == '\\') &&
	    (s[1] == '/' || s[1] == '\\'))
		return 1;
	return scheme_len(s, n) > 0;
}

int
url_is_safe(const char *s, size_t n)
{
	static const char *const ok[] = { "http", "https", "mailto", "tel" };
	char scheme[8];
	size_t i, sl = 0;
	int toolong = 0;

	/*
	 * Browsers drop leading spaces and control characters and ignore tabs
	 * and newlines anywhere, so "java\tscript:" is javascript:.  Collect
	 * the part before the first of ":/?#" without them; a URL whose
	 * first delimiter is ':' has a scheme and must be on the list.
	 */
	while (n > 0 && (unsigned char)*s <= ' ') {
		s++;
		n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/' || c == '?' || c == '#')
			return 1;
		if (c == ':')
			break;
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		/* Longer than any allowed scheme; but without a ':' it is
		 * a relative path ("introduction.html"), so read on. */
		if (sl == sizeof(scheme))
			toolong = 1;
		else
			scheme[sl++] = (char)c;
	}
	if (i == n)
		return 1;
	if (toolong)
		return 0;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == sl && strncasecmp(scheme, ok[i], sl) == 0)
			return 1;
	return 0;
}

/* What esc_href() does with a byte: 0 keeps it, 1 writes it %-encoded
 * (controls, space, DEL, and what a URL may not hold as it is), 2 and 3
 * as the entities of '&' and '\''. */
static unsigned char
href_class(unsigned char c)
{
	if (c <= ' ' || c == 0x7f)
		return 1;
	switch (c) {
	case '"': case '<': case '>': case '\\': case '^': case '`': case '{':
	case '|': case '}':
		return 1;
	case '&':
		return 2;
	case '\'':
		return 3;
	default:
		return 0;
	}
}

void
esc_href(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	/* Bytes that stay are copied in runs. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i], k = href_class(c);

		if (k == 0)
			continue;
		buf_add(b, s + start, i - start);
		start = i + 1;
		if (k == 1)
			put_pct(b, c);
		else if (k == 2)
			BUF_PUTSL(b, "&amp;");
		else
			BUF_PUTSL(b, "&#39;");
	}
	buf_add(b, s + start, n - start);
}

/* A byte a URL path cannot hold as it is: controls, space, DEL and the
 * delimiters and unsafe characters of RFC 3986 and the WHATWG URL
 * standard (bytes from 0x80 up, UTF-8, stay). */
int
url_path_unsafe(unsigned char c)
{
	switch (c) {
	case '"': case '#': case '%': case '<': case '>': case '?': case '[':
	case '\\': case ']': case '^': case '`': case '{': case '|': case '}':
		return 1;
	default:
		return c <= ' ' || c == 0x7f;
	}
}

void
url_encode_path(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	/* Bytes that stay are copied in runs. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!url_path_unsafe(c))
			continue;
		buf_add(b, s + start, i - start);
		put_pct(b, c);
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

static int
unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
url_decode(struct buf *out, const char *s, size_t n)
{
	size_t start = out->len, i;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			buf_putc(out, s[i]);
			continue;
		}
		if (i + 2 >= n || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0) {
			buf_truncate(out, start);
			return -1;
		}
		buf_putc(out, unhex(s[i + 1]) * 16 + unhex(s[i + 2]));
		i += 2;
	}
	return 0;
}

/* RFC 3492's bias adaptation. */
static uint32_t
puny_adapt(uint32_t delta, uint32_t points, int first)
{
	uint32_t k = 0;

	delta = first ? delta / 700 : delta / 2;
	delta += delta / points;
	for (; delta > 35 * 26 / 2; k += 36)
		delta /= 35;
	return k + 36 * delta / (delta + 38);
}

static char
puny_digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* A label of n code points in Punycode (RFC 3492), "xn--" first; -1 on
 * overflow. */
static int
punycode(struct buf *out, const uint32_t *cp, size_t n)
{
	uint32_t next = 128, delta = 0, bias = 72, h, b = 0, m, q, k, t;
	size_t i;

	BUF_PUTSL(out, "xn--");
	for (i = 0; i < n; i++)
		if (cp[i] < 0x80) {
			buf_putc(out, (char)cp[i]);
			b++;
		}
	if (b > 0)
		buf_putc(out, '-');
	for (h = b; h < n; delta++, next++) {
		for (m = UINT32_MAX, i = 0; i < n; i++)
			if (cp[i] >= next && cp[i] < m)
				m = cp[i];
		if (m - next > (UINT32_MAX - delta) / (h + 1))
			return -1;
		delta += (m - next) * (h + 1);
		next = m;
		for (i = 0; i < n; i++) {
			if (cp[i] < next && ++delta == 0)
				return -1;
			if (cp[i] != next)
				continue;
			for (q = delta, k = 36;; k += 36) {
				t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
				if (q < t)
					break;
				buf_putc(out, puny_digit(t + (q - t) % (36 - t)));
				q = (q - t) / (36 - t);
			}
			buf_putc(out, puny_digit(q));
			bias = puny_adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
	}
	return 0;
}

/* Whether s[0..n) is all ASCII. */
static int
all_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* See escape.h. */
int
url_idna_host(struct buf *out, const char *h, size_t n)
{
	struct buf b = BUF_INIT;
	uint32_t *cps, c;
	const char *at = NULL, *end, *stop = h + n, *p;
	size_t j, k, ncp = 0;
	int rc = 0, ascii = 1;

	/* Bytes no host, user or port may hold as they are: left to the
	 * caller's percent-encoding. */
	for (p = h; p < stop; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return -1;
		if (*p == '@')
			at = p;
	}
	/* Only a name's labels may be other than ASCII: not a user, a
	 * port, nor an IPv6 literal. */
	if (at != NULL && !all_ascii(h, (size_t)(at - h)))
		return -1;
	if (at != NULL)
		h = at + 1;
	if (h < stop && *h == '[') {
		/* An IPv6 literal, as it is. */
		if (!all_ascii(h, (size_t)(stop - h)))
			return -1;
		buf_add(out, stop - n, n);
		return 0;
	}
	end = memchr(h, ':', (size_t)(stop - h));
	if (end == NULL)
		end = stop;
	else if (!all_ascii(end, (size_t)(stop - end)))
		return -1;
	buf_add(&b, stop - n, (size_t)(h - (stop - n)));
	cps = xreallocarray(NULL, (size_t)(end - h) + 1, sizeof(*cps));
	for (p = h; p <= end; p += k) {
		k = 1;
		c = '.';
		if (p < end && (k = utf8_decode(p, (size_t)(end - p), &c)) == 0) {
			rc = -1;
			break;
		}
		if (c == 0x3002 || c == 0xff0e || c == 0xff61)
			c = '.';
		if (p < end && c != '.') {
			if (c >= 'A' && c <= 'Z')
				c |= 0x20;
			ascii &= c < 0x80;
			cps[ncp++] = c;
			continue;
		}
		/* A label ends. */
		if (ascii)
			for (j = 0; j < ncp; j++)
				buf_putc(&b, (char)cps[j]);
		else if ((rc = punycode(&b, cps, ncp)) == -1)
			break;
		if (p < end)
			buf_putc(&b, '.');
		ncp = 0;
		ascii = 1;
		if (p >= end)
			break;
	}
	if (rc == 0) {
		buf_addbuf(out, &b);
		buf_add(out, end, (size_t)(stop - end));	/* the port */
	}
	free(cps);
	buf_release(&b);
	return rc;
}
