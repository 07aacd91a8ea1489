/*
 * test_ptext: lib/ptext.c, plain text written as HTML (escaped, line
 * breaks, links to URLs) and as Markdown that renders as the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "md.h"
#include "ptext.h"
#include "test.h"

static void
html_is(const char *desc, const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	ptext_html(&b, in, strlen(in));
	test_streq(desc, b.ptr, want);
	buf_release(&b);
}

static void
url_is(const char *desc, const char *in, size_t want)
{
	size_t got = ptext_url_len(0, in, strlen(in));

	test_cond(desc, got == want);
	if (got != want)
		fprintf(stderr, "  got %zu, want %zu for \"%s\"\n", got, want,
		    in);
}

static void
test_urls(void)
{
	url_is("url: plain", "https://example.jp/a", 20);
	url_is("url: http", "http://example.jp", 17);
	url_is("url: any case", "HTTPS://EXAMPLE.JP", 18);
	url_is("url: ends at a space", "https://example.jp/a b", 20);
	url_is("url: ends at Japanese text",
	    "https://example.jp/\xe3\x82\x92\xe5\x8f\x82\xe7\x85\xa7", 19);
	url_is("url: a full stop is the sentence's", "https://example.jp/a.", 20);
	url_is("url: so are ,:;!?'*_~", "https://example.jp/a,:;!?'*_~", 20);
	url_is("url: a dot inside stays", "https://example.jp/a.html", 25);
	url_is("url: query and fragment", "https://example.jp/?a=1&b=2#x", 29);
	url_is("url: balanced parentheses stay",
	    "https://ja.wikipedia.org/wiki/A_(B)", 35);
	url_is("url: an unbalanced one goes", "https://example.jp/a)", 20);
	url_is("url: brackets too", "https://example.jp/a]", 20);
	url_is("url: ends at <", "https://example.jp/<script>", 19);
	url_is("url: ends at a quote", "https://example.jp/\"onmouseover=x", 19);
	url_is("url: ends at a backtick", "https://example.jp/`x", 19);
	url_is("url: no host", "https://", 0);
	url_is("url: no host but punctuation", "https://.", 0);
	url_is("url: not javascript:", "javascript:alert(1)", 0);
	url_is("url: not ftp", "ftp://example.jp", 0);
	url_is("url: not a word's end", "xhttps://example.jp", 0);
	test_cond("url: not after a letter",
	    ptext_url_len('x', "https://example.jp", 18) == 0);
	test_cond("url: after punctuation",
	    ptext_url_len('(', "https://example.jp", 18) == 18);
}

static void
test_html(void)
{
	html_is("html: plain text", "abc", "abc");
	html_is("html: empty", "", "");
	html_is("html: Japanese kept", "\xe5\xb0\x8f\xe3\x83\x8d\xe3\x82\xbf",
	    "\xe5\xb0\x8f\xe3\x83\x8d\xe3\x82\xbf");
	html_is("html: specials escaped", "<b>&\"'",
	    "&lt;b&gt;&amp;&quot;&#39;");
	html_is("html: a script tag is text",
	    "<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	html_is("html: an event handler is text",
	    "<img src=x onerror=alert(1)>",
	    "&lt;img src=x onerror=alert(1)&gt;");
	html_is("html: javascript: is no link", "javascript:alert(1)",
	    "javascript:alert(1)");
	html_is("html: line breaks", "a\nb\r\nc\rd",
	    "a<br>\nb<br>\nc<br>\nd");
	html_is("html: blank lines kept", "a\n\nb", "a<br>\n<br>\nb");
	html_is("html: a URL is a link",
	    "see https://example.jp/a?x=1&y=2.",
	    "see <a href=\"https://example.jp/a?x=1&amp;y=2\" "
	    "rel=\"nofollow noopener noreferrer\">https://example.jp/a?x=1"
	    "&amp;y=2</a>.");
	html_is("html: a URL before Japanese",
	    "https://example.jp/\xe3\x82\x92",
	    "<a href=\"https://example.jp/\" rel=\"nofollow noopener "
	    "noreferrer\">https://example.jp/</a>\xe3\x82\x92");
	html_is("html: a quote cannot leave the href",
	    "https://x.jp/'onmouseover='alert(1)",
	    "<a href=\"https://x.jp/&#39;onmouseover=&#39;alert(1)\" "
	    "rel=\"nofollow noopener noreferrer\">https://x.jp/&#39;"
	    "onmouseover=&#39;alert(1)</a>");
	html_is("html: two URLs",
	    "http://a.jp http://b.jp",
	    "<a href=\"http://a.jp\" rel=\"nofollow noopener noreferrer\">"
	    "http://a.jp</a> <a href=\"http://b.jp\" rel=\"nofollow noopener "
	    "noreferrer\">http://b.jp</a>");
	html_is("html: a URL in a tag is cut at <",
	    "<a href=\"https://x.jp\">",
	    "&lt;a href=&quot;<a href=\"https://x.jp\" rel=\"nofollow noopener "
	    "noreferrer\">https://x.jp</a>&quot;&gt;");
	html_is("html: broken UTF-8 becomes U+FFFD", "a\xff\xfe" "b\xe3\x81",
	    "a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
	html_is("html: an overlong form is broken too", "\xc0\xbc",
	    "\xef\xbf\xbd\xef\xbf\xbd");
	html_is("html: controls left out, TAB kept", "a\x01\x1b[0m\tb\x7f",
	    "a[0m\tb");
	html_is("html: C1 controls left out", "a\xc2\x85" "b", "ab");
	{
		struct buf b = BUF_INIT;

		ptext_html(&b, "a\0<b", 4);
		test_streq("html: a NUL is left out, length honoured", b.ptr,
		    "a&lt;b");
		buf_release(&b);
	}
	{
		/* Linear: a long line of "http://" does not blow up. */
		struct buf in = BUF_INIT, out = BUF_INIT;
		int i;

		for (i = 0; i < 20000; i++)
			BUF_PUTSL(&in, "http:// ");
		ptext_html(&out, in.ptr, in.len);
		test_cond("html: 20,000 bare schemes, no link", out.len == in.len &&
		    strstr(out.ptr, "<a") == NULL);
		buf_reset(&in);
		buf_reset(&out);
		for (i = 0; i < 20000; i++)
			BUF_PUTSL(&in, "http://a");
		ptext_html(&out, in.ptr, in.len);
		test_cond("html: one long URL of many schemes is one link",
		    strncmp(out.ptr, "<a href=", 8) == 0 &&
		    strstr(out.ptr + 8, "<a") == NULL);
		buf_release(&in);
		buf_release(&out);
	}
}

/* The Markdown as gen renders it, for comparison: links as written. */
static int
resolve(void *arg, const char *url, size_t len, size_t line,
    struct buf *out)
{
	(void)arg;
	(void)line;
	buf_add(out, url, len);
	return 0;
}

static void
md_is(const char *desc, const char *in, const char *want_md,
    const char *want_html)
{
	struct buf md = BUF_INIT, err = BUF_INIT;
	struct md_doc doc;

	ptext_markdown(&md, in, strlen(in));
	if (want_md != NULL)
		test_streq(desc, md.ptr, want_md);
	md_doc_init(&doc);
	test_cond(desc, md_render(&doc, md.ptr, md.len, "t.md", 1, resolve,
	    NULL, &err) == 0);
	test_streq(desc, doc.html.ptr, want_html);
	md_doc_release(&doc);
	buf_release(&md);
	buf_release(&err);
}

static void
test_markdown(void)
{
	md_is("md: plain", "abc", "abc\n", "<p>abc</p>\n");
	md_is("md: empty", "", "", "");
	md_is("md: punctuation escaped", "*a* _b_ `c` [d](e)",
	    "\\*a\\* \\_b\\_ \\`c\\` \\[d\\]\\(e\\)\n",
	    "<p>*a* _b_ `c` [d](e)</p>\n");
	md_is("md: HTML is text", "<script>alert(1)</script>", NULL,
	    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
	md_is("md: an event handler is text", "<img src=x onerror=alert(1)>",
	    NULL, "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
	md_is("md: an entity is text", "&lt;&#x3C;", NULL,
	    "<p>&amp;lt;&amp;#x3C;</p>\n");
	md_is("md: a heading is text", "# title", NULL, "<p># title</p>\n");
	md_is("md: a list is text", "1. one\n- two", NULL,
	    "<p>1. one<br>\n- two</p>\n");
	md_is("md: a table is text", "|a|b|\n|-|-|", NULL,
	    "<p>|a|b|<br>\n|-|-|</p>\n");
	md_is("md: indentation makes no code block", "    code", "code\n",
	    "<p>code</p>\n");
	md_is("md: a link is an autolink", "see https://example.jp/a.",
	    "see <https://example.jp/a>\\.\n",
	    "<p>see <a href=\"https://example.jp/a\">https://example.jp/a</a>."
	    "</p>\n");
	md_is("md: javascript: is no link", "[x](javascript:alert(1))", NULL,
	    "<p>[x](javascript:alert(1))</p>\n");
	md_is("md: line break and paragraph", "a\nb\n\n\n c", "a\\\nb\n\nc\n",
	    "<p>a<br>\nb</p>\n<p>c</p>\n");
	md_is("md: a setext underline is text", "a\n===", NULL,
	    "<p>a<br>\n===</p>\n");
	md_is("md: gen's :::details is text", ":::details x\n:::", NULL,
	    "<p>:::details x<br>\n:::</p>\n");
	md_is("md: leading blank lines dropped", "\n\n a", "a\n", "<p>a</p>\n");
	md_is("md: a trailing backslash is text", "a\\\nb", "a\\\\\\\nb\n",
	    "<p>a\\<br>\nb</p>\n");
}

int
main(void)
{
	test_urls();
	test_html();
	test_markdown();
	return test_done();
}
