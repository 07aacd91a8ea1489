#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "escape.h"
#include "ptext.h"
#include "utf8.h"

/* U+FFFD REPLACEMENT CHARACTER, for bytes that are not UTF-8. */
#define REPLACEMENT	"\xef\xbf\xbd"

static int
is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* A character a URL runs on: printable ASCII but a few that are never
 * part of one as people write them. */
static int
is_url_char(int c)
{
	return c > ' ' && c < 0x7f && strchr("<>\"`{}|\\^", c) == NULL;
}

/* Punctuation at a URL's end that belongs to the sentence. */
static int
is_trailing(int c)
{
	return strchr(".,:;!?'*_~", c) != NULL;
}

static size_t
scheme_len(const char *s, size_t n)
{
	if (n >= 7 && strncasecmp(s, "http://", 7) == 0)
		return 7;
	if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
		return 8;
	return 0;
}

size_t
ptext_url_len(int prev, const char *s, size_t n)
{
	size_t k, end, i;
	long paren = 0, bracket = 0;

	if (is_alnum(prev) || (k = scheme_len(s, n)) == 0 || k >= n ||
	    !is_alnum((unsigned char)s[k]))
		return 0;
	for (end = k; end < n && is_url_char((unsigned char)s[end]); end++)
		;
	/* Balance of brackets inside, for the ones at the end. */
	for (i = k; i < end; i++) {
		if (s[i] == '(')
			paren++;
		else if (s[i] == ')')
			paren--;
		else if (s[i] == '[')
			bracket++;
		else if (s[i] == ']')
			bracket--;
	}
	while (end > k + 1) {
		int c = (unsigned char)s[end - 1];

		if (is_trailing(c))
			end--;
		else if (c == ')' && paren < 0) {
			paren++;
			end--;
		} else if (c == ']' && bracket < 0) {
			bracket++;
			end--;
		} else
			break;
	}
	return end;
}

/*
 * The walk both writers share: calls `text` for each run of ordinary
 * text (valid UTF-8, no control character but TAB), `url` for each URL,
 * and `brk` for each line break.
 */
struct sink {
	void	(*text)(struct sink *, const char *, size_t);
	void	(*url)(struct sink *, const char *, size_t);
	void	(*brk)(struct sink *);
	struct buf *out;
	int	 bol;		/* at the start of a line */
	int	 blank;		/* line breaks since the last text */
	int	 any;		/* text written at all */
};

static void
walk(struct sink *k, const char *s, size_t n)
{
	size_t i = 0, run = 0, len, u;
	uint32_t cp;
	int prev = 0;

#define FLUSH() do {							\
	if (i > run)							\
		k->text(k, s + run, i - run);				\
} while (0)
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == 'h' || c == 'H') {
			if ((u = ptext_url_len(prev, s + i, n - i)) > 0) {
				FLUSH();
				k->url(k, s + i, u);
				i += u;
				run = i;
				prev = (unsigned char)s[i - 1];
				continue;
			}
		}
		if (c == '\r' || c == '\n') {
			FLUSH();
			k->brk(k);
			i += c == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
			run = i;
			prev = '\n';
			continue;
		}
		if (c < 0x80) {
			if ((c < ' ' && c != '\t') || c == 0x7f) {
				FLUSH();
				run = ++i;
			} else
				i++;
			prev = c;
			continue;
		}
		if ((len = utf8_decode(s + i, n - i, &cp)) == 0) {
			FLUSH();
			k->text(k, REPLACEMENT, sizeof(REPLACEMENT) - 1);
			run = ++i;
		} else if (cp >= 0x80 && cp < 0xa0) {
			/* C1 controls. */
			FLUSH();
			run = (i += len);
		} else
			i += len;
		prev = 0x80;
	}
	FLUSH();
#undef FLUSH
}

/* ---------------------------------------------------------------- *
 * HTML
 * ---------------------------------------------------------------- */

static void
html_text(struct sink *k, const char *s, size_t n)
{
	esc_html(k->out, s, n);
}

static void
html_url(struct sink *k, const char *s, size_t n)
{
	BUF_PUTSL(k->out, "<a href=\"");
	esc_href(k->out, s, n);
	BUF_PUTSL(k->out, "\" rel=\"nofollow noopener noreferrer\">");
	esc_html(k->out, s, n);
	BUF_PUTSL(k->out, "</a>");
}

static void
html_brk(struct sink *k)
{
	BUF_PUTSL(k->out, "<br>\n");
}

void
ptext_html(struct buf *out, const char *s, size_t n)
{
	struct sink k = { html_text, html_url, html_brk, out, 1, 0, 0 };

	walk(&k, s, n);
}

/* ---------------------------------------------------------------- *
 * Markdown
 * ---------------------------------------------------------------- */

/* Before text on a line: the line break(s) held back until now. */
static void
md_begin(struct sink *k)
{
	if (k->any && k->blank == 1)
		BUF_PUTSL(k->out, "\\\n");	/* a hard break */
	else if (k->any && k->blank > 1)
		BUF_PUTSL(k->out, "\n\n");	/* a new paragraph */
	k->blank = 0;
	k->any = 1;
}

static void
md_text(struct sink *k, const char *s, size_t n)
{
	size_t i = 0;

	if (k->bol) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return;
		md_begin(k);
		k->bol = 0;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Every ASCII punctuation character may be escaped in
		 * CommonMark, and escaped is never syntax. */
		if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
		    (c >= '[' && c <= '`') || (c >= '{' && c <= '~'))
			buf_putc(k->out, '\\');
		buf_putc(k->out, c);
	}
}

static void
md_url(struct sink *k, const char *s, size_t n)
{
	if (k->bol) {
		md_begin(k);
		k->bol = 0;
	}
	/* An autolink holds no space, < or >, which a URL here never has. */
	buf_putc(k->out, '<');
	buf_add(k->out, s, n);
	buf_putc(k->out, '>');
}

static void
md_brk(struct sink *k)
{
	k->blank++;
	k->bol = 1;
}

void
ptext_markdown(struct buf *out, const char *s, size_t n)
{
	struct sink k = { md_text, md_url, md_brk, out, 1, 0, 0 };

	walk(&k, s, n);
	if (k.any)
		buf_putc(out, '\n');
}
