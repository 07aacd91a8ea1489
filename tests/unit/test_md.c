/* gen/md: the Markdown renderer's own additions to CommonMark. */
#include "buf.h"
#include "md.h"
#include "test.h"

/* A resolver that maps "x.md" to "x/index.html" and fails on "bad". */
static int
resolver(void *arg, const char *url, size_t len, size_t line,
    struct buf *out)
{
	struct buf *log = arg;

	buf_printf(log, "%zu:%.*s;", line, (int)len, url);
	if (len == 3 && memcmp(url, "bad", 3) == 0)
		return -1;
	for (size_t i = 0; i + 3 <= len; i++)
		if (memcmp(url + i, ".md", 3) == 0) {
			buf_add(out, url, i);
			BUF_PUTSL(out, "/index.html");
			buf_add(out, url + i + 3, len - i - 3);
			return 0;
		}
	buf_add(out, url, len);
	return 0;
}

static struct md_doc doc;
static struct buf log_, err;

static int
render(const char *src, size_t first_line)
{
	md_doc_release(&doc);
	md_doc_init(&doc);
	buf_reset(&log_);
	buf_reset(&err);
	return md_render(&doc, src, strlen(src), "t.md", first_line, resolver,
	    &log_, &err);
}

static int
has(const char *needle)
{
	int yes = strstr(doc.html.ptr, needle) != NULL;

	if (!yes)
		fprintf(stderr, "  html: %s\n", doc.html.ptr);
	return yes;
}

static const char *
slug(const char *s)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	md_slug(&b, s, strlen(s));
	return b.ptr;
}

/*
 * Links whose reference definitions md4c reads at the end of the body (in
 * a block quote), so that the lines asked about go back and forth across
 * it: past a point the renderer makes its table of lines, and every
 * link's line stays right.
 */
static void
far_apart_lines(void)
{
	struct buf src = BUF_INIT, want = BUF_INIT;
	const char *p;
	size_t i, n = 300, bad = 0;

	for (i = 0; i < n; i++)
		buf_printf(&src, "[x][r%zu] [y](t%zu.md)\n", i, i);
	buf_putc(&src, '\n');
	for (i = 0; i < n; i++)
		buf_printf(&src, "> [r%zu]: u%zu.md\n", i, i);
	render(src.ptr, 1);
	for (i = 0; i < n; i++) {
		buf_reset(&want);
		buf_printf(&want, ";%zu:t%zu.md;", i + 1, i);
		p = strstr(log_.ptr, want.ptr + (i == 0));
		if (p == NULL)
			bad++;
	}
	test_cond("lines right when asked about far apart (table made)",
	    bad == 0);
	buf_release(&src);
	buf_release(&want);
}

int
main(void)
{
	md_doc_init(&doc);

	test_streq("ASCII slug", slug("Hello, World!"), "hello-world");
	test_streq("Japanese slug", slug("支援の流れ（概要）"), "支援の流れ概要");
	test_streq("full-width letters fold", slug("Ｑ＆Ａ　よくある質問"), "qa-よくある質問");
	test_streq("empty slug", slug("！？"), "section");

	render("## 概要\n\n## 概要\n\n### Sub Part\n", 1);
	test_cond("heading id from Japanese", has("<h2 id=\"概要\">概要</h2>"));
	test_cond("repeated heading gets -2", has("<h2 id=\"概要-2\">"));
	test_cond("h3 id", has("<h3 id=\"sub-part\">"));
	test_cond("two h2 and an h3 for the table of contents",
	    doc.nheadings == 3 && doc.headings[0].level == 2 &&
	    doc.headings[1].level == 2 && doc.headings[2].level == 3);
	test_streq("... the h3's id", doc.htext.ptr + doc.headings[2].id,
	    "sub-part");
	test_streq("... and its text", doc.htext.ptr + doc.headings[2].text,
	    "Sub Part");
	test_cond("... the second h2's id", doc.headings[1].idlen ==
	    strlen("概要-2") && memcmp(doc.htext.ptr + doc.headings[1].id,
	    "概要-2", doc.headings[1].idlen) == 0);

	md_doc_release(&doc);
	md_doc_init(&doc);
	md_doc_reserve_id(&doc, "main");
	buf_reset(&err);
	md_render(&doc, "## Main\n", 8, "t.md", 1, resolver, &log_, &err);
	test_cond("reserved id is not reused", has("<h2 id=\"main-2\">"));

	render("## 見出し {#custom-id}\n", 1);
	test_cond("custom id", has("<h2 id=\"custom-id\">見出し</h2>"));

	render("a\n\n[x](page.md#frag) and ![図](img/a.png \"t\")\n", 5);
	test_cond("md link rewritten", has("<a href=\"page/index.html#frag\">x</a>"));
	test_cond("image with alt and title",
	    has("<img src=\"img/a.png\" alt=\"図\" title=\"t\">"));
	test_cond("links resolved with their line", strstr(log_.ptr, "7:page.md#frag;") != NULL);

	test_cond("broken link fails the render", render("[x](bad)\n", 1) == -1);

	render("前の行\n次の行 and\nnext\n", 1);
	test_cond("no space between Japanese lines", has("前の行次の行 and\nnext"));

	render("intro\n\n:::details 質問です\n答え **太字**\n:::\n\nafter\n", 1);
	test_cond("accordion", has("<details class=\"accordion\"><summary>質問です</summary><div class=\"accordion-body\">\n<p>答え <strong>太字</strong></p>\n</div></details>"));
	test_cond("text after the accordion", has("<p>after</p>"));

	render(":::details 外\n:::details 内\nx\n:::\n:::\n", 1);
	test_cond("nested accordions", has("<summary>内</summary>"));

	render("10:30 から a:::b まで\n\n:::details 時刻\n9:00\n:::\n", 1);
	test_cond("colons inside a line are text", has("<p>10:30 から a:::b まで</p>"));
	test_cond("an accordion after them", has("<summary>時刻</summary>"));

	render("説明 a:::b\n", 1);
	test_cond("colons inside a line make no accordion",
	    has("<p>説明 a:::b</p>") && strstr(doc.html.ptr, "details") == NULL);

	render("```\n:::details not one\n```\n", 1);
	test_cond("accordion syntax inside code is code", has("<pre><code>:::details not one\n</code></pre>"));

	test_cond("unclosed accordion fails", render("x\n\n:::details 質問\n答え\n", 10) == -1);
	test_cond("with its line", strstr(err.ptr, "t.md:12: accordion") != NULL);
	test_cond("stray close fails", render("x\n:::\n", 1) == -1);

	render(":::details Q & A\n[ref][r]\n:::\n\n[r]: target.md\n", 1);
	test_cond("accordion title escaped", has("<summary>Q &amp; A</summary>"));
	test_cond("reference links reach into accordions", has("<a href=\"target/index.html\">ref</a>"));

	render(":::details 質問\n```x``` is code\n:::\n", 1);
	test_cond("inline code is not a fence", has("</div></details>") && err.len == 0);

	render("[a](bad)\n\n:::details x\n", 1);
	test_cond("links are checked even when an accordion is unclosed",
	    strstr(log_.ptr, "1:bad;") != NULL && strstr(err.ptr, "t.md:3: accordion") != NULL);

	render("line 1\n\n:::details x\ny\n:::\n\n[b](x\\_y.md)\n", 1);
	test_cond("copied URLs get their own line", strstr(log_.ptr, "7:x_y.md;") != NULL);

	render("[a](one.md)\n\ntext\n[b](two.md) [c](three.md)\n\n\n[d][r] a ::: b\n\n[r]: four.md\n", 3);
	test_cond("each link with its own line, counted on from the last",
	    strcmp(log_.ptr, "3:one.md;6:two.md;6:three.md;9:four.md;") == 0);

	render("[![a](i.png)\nmore](m1.md)\n\n[c](m2.md)\n", 5);
	test_cond("lines counted back as well as on (a link's URL, then its image)",
	    strcmp(log_.ptr, "6:m1.md;5:i.png;8:m2.md;") == 0);

	far_apart_lines();

	render("hello\nworld\n", 1);
	test_cond("soft breaks separate words in the plain text", strstr(doc.text.ptr, "hello world") != NULL);

	render("## a\n## a\n## a\n## a-2\n", 1);
	test_cond("repeats keep counting past taken ids", has("id=\"a-3\"") && has("id=\"a-2-2\""));

	render("## Title *{#x}*\n", 1);
	test_cond("a custom id must be plain text at the end", has("<h2 id=\"title-x\">Title <em>{#x}</em></h2>"));

	render("| a | b |\n|:-:|--:|\n| 1 | 2 |\n", 1);
	test_cond("table in a focusable region", has("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"表1\">"));
	test_cond("alignment as classes, not styles", has("<th class=\"align-center\">a</th><th class=\"align-right\">b</th>"));

	render("<div class=\"x\">raw</div>\n\n&copy; <b>&amp;</b>\n", 1);
	test_cond("raw HTML passes (trusted content)", has("<div class=\"x\">raw</div>"));
	test_cond("entities kept in markup", has("&copy;"));
	test_cond("entities decoded in text", strstr(doc.text.ptr, "\xc2\xa9") != NULL);

	render("- [x] done\n- [ ] todo\n", 1);
	test_cond("task list without unlabeled inputs", has("aria-label=\"完了\"") && strstr(doc.html.ptr, "<input") == NULL);

	render("[a](<sp ace.pdf>)\n", 1);
	test_cond("spaces in URLs are encoded", has("href=\"sp%20ace.pdf\""));

	md_doc_release(&doc);
	buf_release(&log_);
	buf_release(&err);
	return test_done();
}
