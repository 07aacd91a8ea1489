/*
 * test_escape: lib/escape.c (the HTML and URL writers and the URL checks)
 * and lib/utf8.c (strict decoding, validation, encoding).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "test.h"
#include "utf8.h"

typedef void (*escfn)(struct buf *, const char *, size_t);

static void
check_esc(const char *desc, escfn fn, const char *in, size_t n,
    const char *want)
{
	struct buf b = BUF_INIT;

	BUF_PUTSL(&b, "<");	/* appends, never replaces */
	fn(&b, in, n);
	test_cond(desc, b.len > 0 && b.ptr[0] == '<' &&
	    b.ptr[b.len] == '\0');
	test_streq(desc, b.ptr + 1, want);
	buf_release(&b);
}

#define ESC(desc, fn, in, want) check_esc((desc), (fn), (in), \
	sizeof(in) - 1, (want))

static void
test_html(void)
{
	ESC("html: & < > \" '", esc_html, "a&b<c>d\"e'f",
	    "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	ESC("html: only specials", esc_html, "<>&\"'",
	    "&lt;&gt;&amp;&quot;&#39;");
	ESC("html: plain text untouched", esc_html, "plain text 123",
	    "plain text 123");
	ESC("html: UTF-8 untouched", esc_html,
	    "\xe6\x97\xa5\xe6\x9c\xac & \xf0\x9f\x98\x80",
	    "\xe6\x97\xa5\xe6\x9c\xac &amp; \xf0\x9f\x98\x80");
	ESC("html: entity is escaped again", esc_html, "&amp;", "&amp;amp;");
	ESC("html: empty", esc_html, "", "");
	ESC("html: attribute breakout", esc_html,
	    "\" onmouseover=\"alert(1)",
	    "&quot; onmouseover=&quot;alert(1)");
	ESC("xml: same table", esc_xml, "]]><x a='1'>",
	    "]]&gt;&lt;x a=&#39;1&#39;&gt;");
	/* Length is honoured, not the NUL. */
	check_esc("html: length bounds the input", esc_html, "a<b", 2, "a&lt;");
}

static void
test_href(void)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	char in[3];
	int c, bad = 0;

	ESC("href: a path and query kept", esc_href,
	    "../a/b%20c/index.html?x=1#top", "../a/b%20c/index.html?x=1#top");
	ESC("href: & and ' as entities", esc_href, "?a=1&b='2'",
	    "?a=1&amp;b=&#39;2&#39;");
	ESC("href: what a URL cannot hold, %-encoded", esc_href,
	    "a b\"c<d>e\\f^g`h{i|j}k\x7f", "a%20b%22c%3Cd%3Ee%5Cf%5Eg%60h%7Bi"
	    "%7Cj%7Dk%7F");
	ESC("href: UTF-8 kept", esc_href, "/\xe6\x97\xa5\xe6\x9c\xac",
	    "/\xe6\x97\xa5\xe6\x9c\xac");
	ESC("href: at both ends", esc_href, " x ", "%20x%20");
	/* Every byte between two others, against the rule itself. */
	for (c = 0; c < 256; c++) {
		in[0] = 'a';
		in[1] = (char)c;
		in[2] = 'b';
		buf_reset(&got);
		buf_reset(&want);
		esc_href(&got, in, 3);
		buf_putc(&want, 'a');
		if (c <= ' ' || c == 0x7f || (c != 0 &&
		    strchr("\"<>\\^`{|}", c) != NULL))
			buf_printf(&want, "%%%02X", c);
		else if (c == '&')
			buf_puts(&want, "&amp;");
		else if (c == '\'')
			buf_puts(&want, "&#39;");
		else
			buf_putc(&want, (char)c);
		buf_putc(&want, 'b');
		if (got.len != want.len || memcmp(got.ptr, want.ptr,
		    got.len) != 0)
			bad++;
	}
	test_cond("href: each of the 256 bytes", bad == 0);
	buf_release(&got);
	buf_release(&want);
}

static void
test_url(void)
{
	ESC("url: unreserved kept", esc_url,
	    "AZaz09-._~", "AZaz09-._~");
	ESC("url: reserved encoded", esc_url, "a b&c/d?e=f#g:h@i+j%",
	    "a%20b%26c%2Fd%3Fe%3Df%23g%3Ah%40i%2Bj%25");
	ESC("url: quotes and angle brackets", esc_url, "\"'<>",
	    "%22%27%3C%3E");
	ESC("url: UTF-8 bytes, upper-case hex", esc_url, "\xe6\x97\xa5",
	    "%E6%97%A5");
	ESC("url: controls and DEL", esc_url, "\t\n\x7f", "%09%0A%7F");
	ESC("url: high bytes", esc_url, "\x80\xff", "%80%FF");
	check_esc("url: NUL", esc_url, "a\0b", 3, "a%00b");
	ESC("url_path: keeps slashes", esc_url_path, "a b/c d/\xe6\x97\xa5",
	    "a%20b/c%20d/%E6%97%A5");
	ESC("url_path: other reserved", esc_url_path, "a?b#c:d",
	    "a%3Fb%23c%3Ad");
	ESC("url_path: dot segments stay visible", esc_url_path, "../x",
	    "../x");
}

#define SAFE(s)		url_is_safe((s), sizeof(s) - 1)
#define EXTERNAL(s)	url_is_external((s), sizeof(s) - 1)

static void
test_url_safe(void)
{
	test_cond("safe: http", SAFE("http://example.jp/"));
	test_cond("safe: HTTPS upper case", SAFE("HTTPS://example.jp/"));
	test_cond("safe: mailto", SAFE("mailto:info@example.lg.jp"));
	test_cond("safe: MailTo mixed case", SAFE("MailTo:a@b"));
	test_cond("safe: tel", SAFE("tel:+81-3-0000-0000"));
	test_cond("safe: bare scheme", SAFE("https:"));

	test_cond("unsafe: javascript:", !SAFE("javascript:alert(1)"));
	test_cond("unsafe: \" JaVaScRiPt:\"", !SAFE(" JaVaScRiPt:alert(1)"));
	test_cond("unsafe: java<TAB>script:", !SAFE("java\tscript:alert(1)"));
	test_cond("unsafe: java<LF>script:", !SAFE("java\nscript:alert(1)"));
	test_cond("unsafe: jav<CR>ascript:", !SAFE("jav\rascript:alert(1)"));
	test_cond("unsafe: leading controls", !SAFE("\x01\x1f javascript:x"));
	test_cond("unsafe: data:", !SAFE("data:text/html,<script>"));
	test_cond("unsafe: DATA: upper case", !SAFE("DATA:text/html,x"));
	test_cond("unsafe: vbscript:", !SAFE("vbscript:msgbox(1)"));
	test_cond("unsafe: file:", !SAFE("file:///etc/passwd"));
	test_cond("unsafe: ftp: not on the list", !SAFE("ftp://example.jp/"));
	test_cond("unsafe: one-letter scheme", !SAFE("a:b"));
	test_cond("unsafe: long scheme", !SAFE("javascriptx:alert(1)"));
	test_cond("unsafe: httpx:", !SAFE("httpx://example.jp"));
	test_cond("unsafe: http with a tab is http", SAFE("ht\ttp://x"));

	test_cond("relative: file name", SAFE("page.html"));
	test_cond("relative: long file name", SAFE("introduction.html"));
	test_cond("relative: long name with a query",
	    SAFE("application-forms.html?x=a:b"));
	test_cond("relative: parent", SAFE("../news/2024/a.html"));
	test_cond("relative: absolute path", SAFE("/about/access.html"));
	test_cond("relative: query", SAFE("?page=2"));
	test_cond("relative: fragment", SAFE("#main"));
	test_cond("relative: a/b:c", SAFE("a/b:c"));
	test_cond("relative: a?b:c", SAFE("a?b:c"));
	test_cond("relative: a#b:c", SAFE("a#b:c"));
	test_cond("relative: empty", SAFE(""));
	test_cond("relative: only spaces", SAFE("   "));
	test_cond("relative: scheme-relative", SAFE("//example.jp/"));
	test_cond("relative: colon entity is not a colon",
	    SAFE("javascript&#58;alert(1)"));
	test_cond("relative: Japanese file name",
	    SAFE("\xe6\xa1\x88\xe5\x86\x85.html"));

	test_cond("external: http", EXTERNAL("http://example.jp"));
	test_cond("external: scheme-relative", EXTERNAL("//example.jp"));
	test_cond("external: backslashes read as slashes",
	    EXTERNAL("/\\example.jp") && EXTERNAL("\\\\example.jp"));
	test_cond("external: mailto", EXTERNAL("mailto:a@b"));
	test_cond("external: javascript", EXTERNAL("javascript:x"));
	test_cond("external: a+b-c.d scheme", EXTERNAL("a+b-c.d:x"));
	test_cond("not external: relative", !EXTERNAL("page.html"));
	test_cond("not external: absolute path", !EXTERNAL("/about/"));
	test_cond("not external: a/b:c", !EXTERNAL("a/b:c"));
	test_cond("not external: digit first", !EXTERNAL("1a:b"));
	test_cond("not external: fragment", !EXTERNAL("#top"));
	test_cond("not external: empty", !EXTERNAL(""));
	test_cond("not external: single slash", !EXTERNAL("/"));
	test_cond("not external: no colon", !EXTERNAL("abc"));
}

/* ------------------------------------------------------------------ */

static size_t
dec(const char *s, size_t n, uint32_t *cp)
{
	*cp = 0xdeadbeef;
	return utf8_decode(s, n, cp);
}

#define DEC(s, cp)	dec((s), sizeof(s) - 1, (cp))

static void
test_utf8_decode(void)
{
	uint32_t cp;

	test_cond("decode: ASCII", DEC("A", &cp) == 1 && cp == 'A');
	test_cond("decode: NUL", dec("\0", 1, &cp) == 1 && cp == 0);
	test_cond("decode: 2 bytes", DEC("\xc3\xa9", &cp) == 2 &&
	    cp == 0xe9);
	test_cond("decode: 3 bytes", DEC("\xe6\x97\xa5", &cp) == 3 &&
	    cp == 0x65e5);
	test_cond("decode: 4-byte emoji", DEC("\xf0\x9f\x98\x80", &cp) == 4 &&
	    cp == 0x1f600);
	test_cond("decode: reads one code point", DEC("\xe6\x97\xa5x", &cp) ==
	    3 && cp == 0x65e5);
	test_cond("decode: boundaries", DEC("\xc2\x80", &cp) == 2 &&
	    cp == 0x80 && DEC("\xdf\xbf", &cp) == 2 && cp == 0x7ff &&
	    DEC("\xe0\xa0\x80", &cp) == 3 && cp == 0x800 &&
	    DEC("\xef\xbf\xbf", &cp) == 3 && cp == 0xffff &&
	    DEC("\xf0\x90\x80\x80", &cp) == 4 && cp == 0x10000 &&
	    DEC("\xf4\x8f\xbf\xbf", &cp) == 4 && cp == 0x10ffff);
	test_cond("decode: U+D7FF and U+E000", DEC("\xed\x9f\xbf", &cp) == 3 &&
	    cp == 0xd7ff && DEC("\xee\x80\x80", &cp) == 3 && cp == 0xe000);

	test_cond("overlong: C0 80 (NUL)", DEC("\xc0\x80", &cp) == 0);
	test_cond("overlong: C1 BF", DEC("\xc1\xbf", &cp) == 0);
	test_cond("overlong: E0 80 AF ('/')", DEC("\xe0\x80\xaf", &cp) == 0);
	test_cond("overlong: E0 9F BF", DEC("\xe0\x9f\xbf", &cp) == 0);
	test_cond("overlong: F0 80 80 AF", DEC("\xf0\x80\x80\xaf", &cp) == 0);
	test_cond("overlong: F0 8F BF BF", DEC("\xf0\x8f\xbf\xbf", &cp) == 0);
	test_cond("surrogate: U+D800", DEC("\xed\xa0\x80", &cp) == 0);
	test_cond("surrogate: U+DFFF", DEC("\xed\xbf\xbf", &cp) == 0);
	test_cond("surrogate: CESU pair",
	    DEC("\xed\xa0\xbd\xed\xb8\x80", &cp) == 0);
	test_cond("too big: U+110000", DEC("\xf4\x90\x80\x80", &cp) == 0);
	test_cond("too big: F5", DEC("\xf5\x80\x80\x80", &cp) == 0);
	test_cond("too big: F7 BF BF BF", DEC("\xf7\xbf\xbf\xbf", &cp) == 0);
	test_cond("invalid: FE and FF", DEC("\xfe", &cp) == 0 &&
	    DEC("\xff", &cp) == 0);
	test_cond("invalid: 5- and 6-byte forms",
	    DEC("\xf8\x88\x80\x80\x80", &cp) == 0 &&
	    DEC("\xfc\x84\x80\x80\x80\x80", &cp) == 0);
	test_cond("invalid: lone continuation", DEC("\x80", &cp) == 0 &&
	    DEC("\xbf", &cp) == 0);
	test_cond("truncated: 2 of 3", DEC("\xe6\x97", &cp) == 0);
	test_cond("truncated: 3 of 4", DEC("\xf0\x9f\x98", &cp) == 0);
	test_cond("truncated: lead only", DEC("\xc3", &cp) == 0);
	test_cond("truncated: n bounds the read",
	    dec("\xe6\x97\xa5", 2, &cp) == 0);
	test_cond("empty: n is 0", dec("x", 0, &cp) == 0);
	test_cond("bad continuation: ASCII inside",
	    DEC("\xe6\x41\xa5", &cp) == 0 && DEC("\xc3\x28", &cp) == 0);
	test_cond("bad continuation: lead inside",
	    DEC("\xf0\x9f\xc3\xa9", &cp) == 0);
}

/*
 * Every 2- and 3-byte sequence: exactly the canonical encodings decode,
 * and each decodes to the code point that encodes back to it.
 */
static void
test_utf8_exhaustive(void)
{
	unsigned a, b, c;
	size_t n2 = 0, n3 = 0, bad = 0;
	unsigned char s[3];
	char out[4];
	uint32_t cp;

	for (a = 0x80; a < 0x100; a++)
		for (b = 0; b < 0x100; b++) {
			s[0] = (unsigned char)a;
			s[1] = (unsigned char)b;
			if (utf8_decode((char *)s, 2, &cp) != 2)
				continue;
			n2++;
			if (utf8_encode(cp, out) != 2 || memcmp(out, s, 2) != 0)
				bad++;
		}
	test_cond("exhaustive: 1920 two-byte sequences", n2 == 0x800 - 0x80 &&
	    bad == 0);
	for (a = 0xe0; a < 0xf0; a++)
		for (b = 0x80; b < 0xc0; b++)
			for (c = 0; c < 0x100; c++) {
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				s[2] = (unsigned char)c;
				if (utf8_decode((char *)s, 3, &cp) != 3)
					continue;
				n3++;
				if (utf8_encode(cp, out) != 3 ||
				    memcmp(out, s, 3) != 0)
					bad++;
			}
	/* U+0800..U+FFFF less the 2048 surrogates. */
	test_cond("exhaustive: 61440 three-byte sequences",
	    n3 == 0x10000 - 0x800 - 0x800 && bad == 0);
}

static void
test_utf8_encode(void)
{
	uint32_t c, back;
	size_t k, bad = 0, want;
	char out[4];

	for (c = 0; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		want = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		k = utf8_encode(c, out);
		if (k != want || utf8_decode(out, k, &back) != k || back != c)
			bad++;
	}
	test_cond("encode: round trip of every scalar value", bad == 0);
	bad = 0;
	for (c = 0xd800; c <= 0xdfff; c++)
		if (utf8_encode(c, out) != 0)
			bad++;
	test_cond("encode: surrogates refused", bad == 0);
	test_cond("encode: above U+10FFFF refused",
	    utf8_encode(0x110000, out) == 0 &&
	    utf8_encode(0xffffffff, out) == 0);
	test_cond("encode: emoji bytes", utf8_encode(0x1f600, out) == 4 &&
	    memcmp(out, "\xf0\x9f\x98\x80", 4) == 0);
}

#define VALID(s, bad)	utf8_valid((s), sizeof(s) - 1, (bad))
#define LEN(s)		utf8_len((s), sizeof(s) - 1)

/* utf8_valid as utf8_decode alone reads it: 1, or 0 with *bad. */
static int
valid_by_decode(const char *s, size_t n, size_t *bad)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
			*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

/*
 * utf8_valid takes runs of ASCII and of three-byte characters by fast
 * paths (8 and 16 bytes at a time): on strings made of pieces that meet
 * their edges (ASCII, kana and kanji, the leads E0 and ED with their
 * limits, four-byte characters, stray and cut bytes), it must say what
 * utf8_decode says.  With `one`, the string is made of common pieces
 * (kana, kanji, ASCII) but for one piece of any kind at any place, so
 * that long runs reach every lane before and after it.
 */
static int
valid_agrees(size_t len, int one)
{
	static const char *const pieces[] = {
		"a", "abcdefgh", "\xe3\x81\x82", "\xe6\x97\xa5", "\xef\xbd\xb1",
		"\xe0\xa0\x80", "\xe0\x80\x80", "\xed\x9f\xbf", "\xed\xa0\x80",
		"\xee\x80\x80", "\xf0\x9f\x98\x80", "\xc3\xa9", "\x80", "\xe3\x81",
		"\xff", "\xc0\xaf", "\xf4\x90\x80\x80", "\xec\xbf\xbf",
		"\xe1\x80\x80", "\xe3\x81\xc2", "\xe3\xc1\x82", "\xe3\x81\x82\x82",
	};
	static const char *const common[] = {
		"\xe3\x81\x82", "\xe6\x97\xa5", "\xef\xbd\xb1", "abcdefghijklmnop",
	};
	size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	size_t ncommon = sizeof(common) / sizeof(common[0]);
	char s[256];
	size_t n, k, b1, b2, round, pick, at = 0;
	unsigned x = 12345;
	int v1, v2;
	const char *piece;

	for (round = 0; round < 20000; round++) {
		n = 0;
		if (one) {
			x = x * 1103515245u + 12345u;
			at = (x >> 16) % len;
		}
		while (n < len) {
			x = x * 1103515245u + 12345u;
			pick = (x >> 16) % (one ? ncommon : npieces);
			piece = !one ? pieces[pick] : n >= at ?
			    pieces[(x >> 8) % npieces] : common[pick];
			if (one && n >= at)
				at = SIZE_MAX;
			k = strlen(piece);
			memcpy(s + n, piece, k);
			n += k;
		}
		/* Cut anywhere, so that sequences end early too. */
		n -= (x >> 8) % 5;
		b1 = b2 = 0;
		v1 = utf8_valid(s, n, &b1);
		v2 = valid_by_decode(s, n, &b2);
		if (v1 != v2 || (!v1 && b1 != b2))
			return 0;
	}
	return 1;
}

static void
test_utf8_valid(void)
{
	size_t bad;

	bad = 99;
	test_cond("valid: ASCII and Japanese", VALID("abc \xe6\x97\xa5"
	    "\xe6\x9c\xac \xf0\x9f\x98\x80", &bad) && bad == 99);
	test_cond("valid: empty", utf8_valid("", 0, &bad));
	test_cond("valid: NUL bytes", utf8_valid("a\0b", 3, NULL));
	test_cond("valid: bad offset of a bad continuation",
	    !VALID("ab\xc3\x28", &bad) && bad == 2);
	test_cond("valid: bad offset after multibyte",
	    !VALID("\xe6\x97\xa5\xed\xa0\x80", &bad) && bad == 3);
	test_cond("valid: bad offset of a truncated end",
	    !VALID("abc\xe6\x97", &bad) && bad == 3);
	test_cond("valid: bad offset of an overlong",
	    !VALID("x\xc0\xaf", &bad) && bad == 1);
	test_cond("valid: bad offset of a stray continuation",
	    !VALID("\xe6\x97\xa5\x80", &bad) && bad == 3);
	test_cond("valid: bad offset at 0", !VALID("\xff", &bad) && bad == 0);
	test_cond("valid: NULL bad", !VALID("\xff", NULL));
	test_cond("valid: n bounds the read", utf8_valid("a\xff", 1, &bad));
	test_cond("valid: agrees with utf8_decode on random bytes",
	    valid_agrees(40, 0));
	test_cond("valid: and on long runs of kana, kanji and ASCII with one "
	    "piece of any kind among them", valid_agrees(200, 1));

	test_cond("len: ASCII", LEN("hello") == 5);
	test_cond("len: Japanese", LEN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e")
	    == 3);
	test_cond("len: emoji", LEN("a\xf0\x9f\x98\x80" "b") == 3);
	test_cond("len: empty", utf8_len("", 0) == 0);
	test_cond("len: invalid bytes count one", LEN("a\xff" "b") == 3);
	test_cond("len: truncated sequence counts per byte",
	    LEN("\xe6\x97") == 2);
	test_cond("len: surrogate counts per byte", LEN("\xed\xa0\x80") == 3);
}

static void
test_url_decode(void)
{
	struct buf b = BUF_INIT;

	test_cond("decode: escapes", url_decode(&b, "a%20b%2Fc", 9) == 0 &&
	    strcmp(b.ptr, "a b/c") == 0);
	buf_reset(&b);
	test_cond("decode: UTF-8 escapes", url_decode(&b, "%E6%97%A5", 9) == 0 &&
	    strcmp(b.ptr, "\xe6\x97\xa5") == 0);
	buf_reset(&b);
	BUF_PUTSL(&b, "keep");
	test_cond("decode: a lone % fails and appends nothing",
	    url_decode(&b, "x%", 2) == -1 && strcmp(b.ptr, "keep") == 0);
	test_cond("decode: a short escape fails", url_decode(&b, "%4", 2) == -1);
	test_cond("decode: a bad digit fails", url_decode(&b, "%zz", 3) == -1);
	test_cond("decode: n bounds the read", url_decode(&b, "%41%", 3) == 0 &&
	    strcmp(b.ptr, "keepA") == 0);
	buf_release(&b);
}

static void
check_host(const char *desc, const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	int rc;

	BUF_PUTSL(&b, "<");
	rc = url_idna_host(&b, in, strlen(in));
	if (want == NULL) {
		test_cond(desc, rc == -1 && strcmp(b.ptr, "<") == 0);
	} else {
		test_cond(desc, rc == 0);
		test_streq(desc, b.ptr + 1, want);
	}
	buf_release(&b);
}

static void
test_idna_host(void)
{
	check_host("idna: ASCII as it is, lower case", "Example.JP",
	    "example.jp");
	check_host("idna: a Japanese label", "日本語.jp", "xn--wgv71a119e.jp");
	/* RFC 3492 7.1 (L), its ASCII in lower case as in a host name. */
	check_host("idna: RFC 3492's 3年B組金八先生", "3年B組金八先生.jp",
	    "xn--3b-ww4c5e180e575a65lsy2b.jp");
	check_host("idna: katakana", "ドメイン名例.jp",
	    "xn--eckwd4c7cu47r2wf.jp");
	check_host("idna: full-width dots part labels", "日本語。jp",
	    "xn--wgv71a119e.jp");
	check_host("idna: U+FF0E and U+FF61 too", "日本語．例｡jp",
	    "xn--wgv71a119e.xn--fsq.jp");
	check_host("idna: user and port kept", "user@日本語.jp:8080",
	    "user@xn--wgv71a119e.jp:8080");
	check_host("idna: an IPv6 literal as it is", "[::1]:80", "[::1]:80");
	check_host("idna: not UTF-8 fails, appends nothing", "a\xff.jp",
	    NULL);
	check_host("idna: empty", "", "");
	check_host("idna: a space is left to percent-encoding", "exa mple.com",
	    NULL);
	check_host("idna: a user not in ASCII too", "ユーザー@x.jp", NULL);
	check_host("idna: a port not in ASCII too", "例.jp:８０", NULL);
	check_host("idna: an IPv6 literal not in ASCII too", "[日本::1]", NULL);
	check_host("idna: a user with nothing after", "user@", "user@");
}

int
main(void)
{
	test_idna_host();
	test_url_decode();
	test_html();
	test_href();
	test_url();
	test_url_safe();
	test_utf8_decode();
	test_utf8_exhaustive();
	test_utf8_encode();
	test_utf8_valid();
	return test_done();
}
