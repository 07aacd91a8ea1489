#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "buf.h"
#include "escape.h"
#include "md.h"
#include "utf8.h"

/* Nesting of accordion blocks; deeper is an error, not a stack overflow. */
#define MD_MAX_ACCORDION_DEPTH	16

#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | \
    MD_FLAG_TASKLISTS | MD_FLAG_PERMISSIVEURLAUTOLINKS | \
    MD_FLAG_PERMISSIVEWWWAUTOLINKS)

struct rend {
	struct md_doc	*doc;
	struct buf	*out;		/* doc->html, or hhtml in a heading */
	const char	*src;		/* the body as parsed, for line numbers */
	size_t		 len;
	size_t		 first_line;
	const char	*file;
	md_resolver	 resolve;
	void		*arg;
	struct buf	*err;
	int		 rc;
	unsigned	 image_nesting;
	unsigned	 hlevel;	/* in a heading when non-zero */
	struct buf	 hhtml;		/* heading markup */
	struct buf	 htext;		/* heading text */
	struct buf	 scratch;
	int		 softbr;	/* a soft break waits for the next text */
	uint32_t	 last_cp;	/* last character of text written */
	size_t		 pos;		/* last source offset seen */
	size_t		*lines;		/* offsets of line starts in src */
	size_t		*lineno;	/* the file line each stands for */
	size_t		 nlines;
	size_t		 lines_cap;
	unsigned	 ntables;
	json_t		*toc_h2;	/* the h2 entry that h3s go under */
};

/* ---------------------------------------------------------------- *
 * Small helpers
 * ---------------------------------------------------------------- */

static size_t
line_at(const struct rend *r, size_t off)
{
	size_t lo = 0, hi = r->nlines;

	/* The last line start <= off. */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (r->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return r->lineno[lo];
}

/* Note the source position of text md4c hands us, when it points into
 * the source (it does for most text; not for decoded or made-up text). */
static void
note_pos(struct rend *r, const char *p)
{
	if (p >= r->src && p < r->src + r->len)
		r->pos = (size_t)(p - r->src);
}

/* East Asian wide characters: a line break between two of them is not a
 * space in Japanese text. */
static int
is_wide(uint32_t c)
{
	return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
	    (c >= 0xff00 && c <= 0xffef) || (c >= 0x20000 && c <= 0x3ffff);
}

static uint32_t
last_char(const char *s, size_t n)
{
	size_t i = n;
	uint32_t cp = 0;

	while (i > 0 && n - i < 4) {
		i--;
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			break;
	}
	if (n > 0 && utf8_decode(s + i, n - i, &cp) == n - i)
		return cp;
	return 0;
}

static void
flush_softbr(struct rend *r, const char *next, size_t n)
{
	uint32_t cp = 0;

	if (!r->softbr)
		return;
	r->softbr = 0;
	if (next != NULL && utf8_decode(next, n, &cp) > 0 &&
	    is_wide(cp) && is_wide(r->last_cp))
		return;
	buf_putc(r->out, '\n');
	buf_putc(r->hlevel ? &r->htext : &r->doc->text, ' ');
}

/* Decode one entity ("&amp;", "&#12354;", "&#x3042;") into out; an
 * unknown named entity is kept as written. */
static void
put_entity(struct buf *out, const char *s, size_t n)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {
		{ "&amp;", "&" },
		{ "&lt;", "<" },
		{ "&gt;", ">" },
		{ "&quot;", "\"" },
		{ "&apos;", "'" },
		{ "&nbsp;", "\xc2\xa0" },
		{ "&copy;", "\xc2\xa9" },
		{ "&reg;", "\xc2\xae" },
		{ "&hellip;", "\xe2\x80\xa6" },
		{ "&mdash;", "\xe2\x80\x94" },
		{ "&ndash;", "\xe2\x80\x93" },
	};
	char u[4];
	size_t i, k;
	uint32_t cp = 0;

	if (n > 3 && s[1] == '#') {
		int hex = s[2] == 'x' || s[2] == 'X';

		for (i = hex ? 3 : 2; i + 1 < n && cp <= 0x10ffff; i++)
			cp = cp * (hex ? 16 : 10) +
			    (uint32_t)(s[i] <= '9' ? s[i] - '0' :
			    (s[i] | 0x20) - 'a' + 10);
		if (cp == 0 || (k = utf8_encode(cp, u)) == 0)
			buf_puts(out, "\xef\xbf\xbd");
		else
			buf_add(out, u, k);
		return;
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strlen(named[i].name) == n &&
		    memcmp(named[i].name, s, n) == 0) {
			buf_puts(out, named[i].text);
			return;
		}
	buf_add(out, s, n);
}

/* An md4c attribute as plain text (entities decoded). */
static void
attr_text(struct buf *out, const MD_ATTRIBUTE *a)
{
	unsigned i;

	for (i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];

		if (a->substr_types[i] == MD_TEXT_ENTITY)
			put_entity(out, s, n);
		else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
			buf_puts(out, "\xef\xbf\xbd");
		else
			buf_add(out, s, n);
	}
}

/* Write an md4c attribute as ` name="value"`, escaped; nothing when it
 * is empty. */
static void
put_attr(struct rend *r, const char *name, const MD_ATTRIBUTE *a)
{
	if (a->size == 0)
		return;
	buf_reset(&r->scratch);
	attr_text(&r->scratch, a);
	buf_printf(r->out, " %s=\"", name);
	esc_html(r->out, r->scratch.ptr, r->scratch.len);
	buf_putc(r->out, '"');
}

/* Resolve a link or image URL through the caller and write it as an
 * attribute value. */
static void
put_url(struct rend *r, const MD_ATTRIBUTE *a)
{
	struct buf url = BUF_INIT;
	size_t line;

	buf_reset(&r->scratch);
	attr_text(&r->scratch, a);
	if (a->text >= r->src && a->text < r->src + r->len)
		note_pos(r, a->text);
	else {
		/* md4c made the URL up (escapes, entities, a reference):
		 * the link's "](" or "][" after the last text seen. */
		const char *q = r->src + r->pos, *end = r->src + r->len;

		for (; q + 1 < end; q++)
			if (q[0] == ']' && (q[1] == '(' || q[1] == '[')) {
				r->pos = (size_t)(q - r->src);
				break;
			}
	}
	line = line_at(r, r->pos);
	if (r->resolve(r->arg, r->scratch.ptr, r->scratch.len, line, &url) < 0)
		r->rc = -1;
	esc_href(r->out, url.ptr, url.len);
	buf_release(&url);
}

/* ---------------------------------------------------------------- *
 * Headings
 * ---------------------------------------------------------------- */

void
md_slug(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, k, start = out->len;
	int dash = 0;
	uint32_t c;
	char u[4];

	while (i < n) {
		if ((k = utf8_decode(s + i, n - i, &c)) == 0) {
			i++;
			continue;
		}
		i += k;
		/* Full-width ASCII letters and digits read as ASCII. */
		if ((c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
		    (c >= 0xff41 && c <= 0xff5a))
			c -= 0xfee0;
		if (c < 0x80) {
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    c == '_') {
				/* keep */
			} else if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			else {
				if (c == ' ' || c == '-' || c == '\t' || c == '\n')
					dash = 1;
				continue;	/* other ASCII punctuation */
			}
		} else if (c == 0x3000 || c == 0x30fb) {
			dash = 1;		/* ideographic space, middle dot */
			continue;
		} else if ((c >= 0x3001 && c <= 0x303f) ||
		    (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
		    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
		    (c >= 0x2000 && c <= 0x206f) || c == 0xa0)
			continue;		/* Japanese and general punctuation */
		if (dash && out->len > start)
			buf_putc(out, '-');
		dash = 0;
		buf_add(out, u, utf8_encode(c, u));
	}
	if (out->len == start)
		BUF_PUTSL(out, "section");
}

/* A unique id for the page from `want`, reserved in the doc. */
static void
unique_id(struct md_doc *doc, struct buf *id)
{
	size_t base = id->len;
	uintptr_t n;
	char *key;

	if (map_get(&doc->ids, id->ptr, id->len) != NULL) {
		/* Go on from the last suffix this text was given, so that
		 * many equal headings stay linear. */
		key = xstrndup(id->ptr, base);
		n = (uintptr_t)map_get(&doc->idnext, key, base);
		if (n == 0)
			n = 1;
		do {
			buf_truncate(id, base);
			buf_printf(id, "-%lu", (unsigned long)++n);
		} while (map_get(&doc->ids, id->ptr, id->len) != NULL);
		map_put(&doc->idnext, key, base, (void *)n);
		free(key);
	}
	map_put(&doc->ids, id->ptr, id->len, doc);
}

/* A heading's trailing "{#name}": its length in `s`, or 0. */
static size_t
custom_id(const char *s, size_t n, const char **name, size_t *namelen)
{
	size_t i, end = n;

	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (end < 4 || s[end - 1] != '}')
		return 0;
	for (i = end - 1; i > 0 && s[i - 1] != '{'; i--) {
		unsigned char c = (unsigned char)s[i - 1];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '#'))
			return 0;
	}
	if (i == 0 || i + 1 >= end - 1 || s[i] != '#')
		return 0;
	*name = s + i + 1;
	*namelen = end - 1 - (i + 1);
	if (*namelen == 0 || memchr(*name, '#', *namelen) != NULL)
		return 0;
	/* From the '{' (and spaces before it) to the end. */
	i--;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	return n - i;
}

static void
heading_end(struct rend *r)
{
	struct buf id = BUF_INIT;
	const char *name;
	size_t cut, namelen, tl;
	unsigned level = r->hlevel;

	/* Trim the text, then look for a custom id. */
	tl = r->htext.len;
	while (tl > 0 && r->htext.ptr[tl - 1] == ' ')
		tl--;
	buf_truncate(&r->htext, tl);
	/* The markup (trimmed) must end with the same "{#name}" as the
	 * text: it is plain text at the end, not inside emphasis or code. */
	tl = r->hhtml.len;
	while (tl > 0 && r->hhtml.ptr[tl - 1] == ' ')
		tl--;
	if ((cut = custom_id(r->htext.ptr, r->htext.len, &name, &namelen)) > 0 &&
	    tl >= namelen + 3 && r->hhtml.ptr[tl - 1] == '}' &&
	    memcmp(r->hhtml.ptr + tl - namelen - 3, "{#", 2) == 0 &&
	    memcmp(r->hhtml.ptr + tl - namelen - 1, name, namelen) == 0) {
		buf_add(&id, name, namelen);
		buf_truncate(&r->htext, r->htext.len - cut);
		tl -= namelen + 3;
		while (tl > 0 && r->hhtml.ptr[tl - 1] == ' ')
			tl--;
		buf_truncate(&r->hhtml, tl);
	} else
		md_slug(&id, r->htext.ptr, r->htext.len);
	unique_id(r->doc, &id);

	r->out = &r->doc->html;
	buf_printf(r->out, "<h%u id=\"", level);
	esc_html(r->out, id.ptr, id.len);
	BUF_PUTSL(r->out, "\">");
	buf_addbuf(r->out, &r->hhtml);
	buf_printf(r->out, "</h%u>\n", level);

	if (level == 2 || level == 3) {
		json_t *e = json_pack("{s:s%, s:s%}", "id", id.ptr, id.len,
		    "text", r->htext.ptr, r->htext.len);

		if (level == 2 || r->toc_h2 == NULL) {
			json_object_set_new(e, "children", json_array());
			json_object_set_new(e, "has_children", json_false());
			json_array_append_new(r->doc->toc, e);
			r->toc_h2 = level == 2 ? e : NULL;
		} else {
			json_array_append_new(json_object_get(r->toc_h2,
			    "children"), e);
			json_object_set_new(r->toc_h2, "has_children",
			    json_true());
		}
		r->doc->nheadings++;
	}
	/* Heading text is searchable too. */
	buf_addbuf(&r->doc->text, &r->htext);
	buf_putc(&r->doc->text, '\n');
	r->hlevel = 0;
	buf_release(&id);
}

/* ---------------------------------------------------------------- *
 * md4c callbacks
 * ---------------------------------------------------------------- */

static const char *
align_class(MD_ALIGN a)
{
	switch (a) {
	case MD_ALIGN_LEFT:
		return " class=\"align-left\"";
	case MD_ALIGN_CENTER:
		return " class=\"align-center\"";
	case MD_ALIGN_RIGHT:
		return " class=\"align-right\"";
	default:
		return "";
	}
}

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct rend *r = ud;
	struct buf *o;

	if (r->softbr)
		flush_softbr(r, NULL, 0);
	o = r->out;
	switch (type) {
	case MD_BLOCK_DOC:
		break;
	case MD_BLOCK_QUOTE:
		BUF_PUTSL(o, "<blockquote>\n");
		break;
	case MD_BLOCK_UL:
		BUF_PUTSL(o, "<ul>\n");
		break;
	case MD_BLOCK_OL: {
		const MD_BLOCK_OL_DETAIL *d = detail;

		if (d->start == 1)
			BUF_PUTSL(o, "<ol>\n");
		else
			buf_printf(o, "<ol start=\"%u\">\n", d->start);
		break;
	}
	case MD_BLOCK_LI: {
		const MD_BLOCK_LI_DETAIL *d = detail;

		if (!d->is_task) {
			BUF_PUTSL(o, "<li>");
			break;
		}
		if (d->task_mark == 'x' || d->task_mark == 'X')
			BUF_PUTSL(o, "<li class=\"task done\"><span class=\"task-mark\" role=\"img\" aria-label=\"完了\">\xe2\x98\x91</span> ");
		else
			BUF_PUTSL(o, "<li class=\"task\"><span class=\"task-mark\" role=\"img\" aria-label=\"未完了\">\xe2\x98\x90</span> ");
		break;
	}
	case MD_BLOCK_HR:
		BUF_PUTSL(o, "<hr>\n");
		break;
	case MD_BLOCK_H: {
		const MD_BLOCK_H_DETAIL *d = detail;

		r->hlevel = d->level;
		buf_reset(&r->hhtml);
		buf_reset(&r->htext);
		r->out = &r->hhtml;
		break;
	}
	case MD_BLOCK_CODE: {
		const MD_BLOCK_CODE_DETAIL *d = detail;

		BUF_PUTSL(o, "<pre><code");
		if (d->lang.size > 0) {
			buf_reset(&r->scratch);
			attr_text(&r->scratch, &d->lang);
			BUF_PUTSL(o, " class=\"language-");
			esc_html(o, r->scratch.ptr, r->scratch.len);
			buf_putc(o, '"');
		}
		buf_putc(o, '>');
		break;
	}
	case MD_BLOCK_HTML:
		break;
	case MD_BLOCK_P:
		BUF_PUTSL(o, "<p>");
		break;
	case MD_BLOCK_TABLE:
		/* A wide table scrolls by itself at narrow widths; the region
		 * is focusable so that keyboard users can scroll it. */
		buf_printf(o, "<div class=\"table-wrap\" role=\"region\" "
		    "tabindex=\"0\" aria-label=\"表%u\">\n<table>\n",
		    ++r->ntables);
		break;
	case MD_BLOCK_THEAD:
		BUF_PUTSL(o, "<thead>\n");
		break;
	case MD_BLOCK_TBODY:
		BUF_PUTSL(o, "<tbody>\n");
		break;
	case MD_BLOCK_TR:
		BUF_PUTSL(o, "<tr>");
		break;
	case MD_BLOCK_TH:
		buf_printf(o, "<th%s>",
		    align_class(((MD_BLOCK_TD_DETAIL *)detail)->align));
		break;
	case MD_BLOCK_TD:
		buf_printf(o, "<td%s>",
		    align_class(((MD_BLOCK_TD_DETAIL *)detail)->align));
		break;
	}
	return 0;
}

static int
leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct rend *r = ud;
	struct buf *o;

	(void)detail;
	if (r->softbr)
		flush_softbr(r, NULL, 0);
	o = r->out;
	switch (type) {
	case MD_BLOCK_DOC:
		break;
	case MD_BLOCK_QUOTE:
		BUF_PUTSL(o, "</blockquote>\n");
		break;
	case MD_BLOCK_UL:
		BUF_PUTSL(o, "</ul>\n");
		break;
	case MD_BLOCK_OL:
		BUF_PUTSL(o, "</ol>\n");
		break;
	case MD_BLOCK_LI:
		BUF_PUTSL(o, "</li>\n");
		break;
	case MD_BLOCK_HR:
		break;
	case MD_BLOCK_H:
		heading_end(r);
		return 0;
	case MD_BLOCK_CODE:
		BUF_PUTSL(o, "</code></pre>\n");
		break;
	case MD_BLOCK_HTML:
		break;
	case MD_BLOCK_P:
		BUF_PUTSL(o, "</p>\n");
		break;
	case MD_BLOCK_TABLE:
		BUF_PUTSL(o, "</table>\n</div>\n");
		break;
	case MD_BLOCK_THEAD:
		BUF_PUTSL(o, "</thead>\n");
		break;
	case MD_BLOCK_TBODY:
		BUF_PUTSL(o, "</tbody>\n");
		break;
	case MD_BLOCK_TR:
		BUF_PUTSL(o, "</tr>\n");
		break;
	case MD_BLOCK_TH:
		BUF_PUTSL(o, "</th>");
		break;
	case MD_BLOCK_TD:
		BUF_PUTSL(o, "</td>");
		break;
	}
	/* Blocks separate words in the plain text. */
	buf_putc(&r->doc->text, '\n');
	return 0;
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct rend *r = ud;
	struct buf *o = r->out;

	if (r->image_nesting > 0) {
		/* Inside an image's alt text only text counts. */
		if (type == MD_SPAN_IMG)
			r->image_nesting++;
		return 0;
	}
	switch (type) {
	case MD_SPAN_EM:
		BUF_PUTSL(o, "<em>");
		break;
	case MD_SPAN_STRONG:
		BUF_PUTSL(o, "<strong>");
		break;
	case MD_SPAN_A: {
		const MD_SPAN_A_DETAIL *d = detail;

		BUF_PUTSL(o, "<a href=\"");
		put_url(r, &d->href);
		buf_putc(o, '"');
		put_attr(r, "title", &d->title);
		buf_putc(o, '>');
		break;
	}
	case MD_SPAN_IMG: {
		const MD_SPAN_IMG_DETAIL *d = detail;

		BUF_PUTSL(o, "<img src=\"");
		put_url(r, &d->src);
		BUF_PUTSL(o, "\" alt=\"");
		r->image_nesting = 1;
		break;
	}
	case MD_SPAN_CODE:
		BUF_PUTSL(o, "<code>");
		break;
	case MD_SPAN_DEL:
		BUF_PUTSL(o, "<del>");
		break;
	default:
		break;
	}
	return 0;
}

static int
leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct rend *r = ud;
	struct buf *o = r->out;

	if (r->image_nesting > 0) {
		if (type != MD_SPAN_IMG || --r->image_nesting > 0)
			return 0;
		{
			const MD_SPAN_IMG_DETAIL *d = detail;

			buf_putc(o, '"');
			put_attr(r, "title", &d->title);
			buf_putc(o, '>');
		}
		return 0;
	}
	switch (type) {
	case MD_SPAN_EM:
		BUF_PUTSL(o, "</em>");
		break;
	case MD_SPAN_STRONG:
		BUF_PUTSL(o, "</strong>");
		break;
	case MD_SPAN_A:
		BUF_PUTSL(o, "</a>");
		break;
	case MD_SPAN_CODE:
		BUF_PUTSL(o, "</code>");
		break;
	case MD_SPAN_DEL:
		BUF_PUTSL(o, "</del>");
		break;
	default:
		break;
	}
	return 0;
}

static int
text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *ud)
{
	struct rend *r = ud;
	struct buf *o = r->out;
	note_pos(r, s);
	if (type == MD_TEXT_SOFTBR) {
		if (r->image_nesting > 0)
			buf_putc(o, ' ');
		else
			r->softbr = 1;
		return 0;
	}
	if (r->softbr)
		flush_softbr(r, s, n);
	switch (type) {
	case MD_TEXT_NULLCHAR:
		buf_puts(o, "\xef\xbf\xbd");
		break;
	case MD_TEXT_BR:
		if (r->image_nesting > 0)
			buf_putc(o, ' ');
		else
			BUF_PUTSL(o, "<br>\n");
		buf_putc(&r->doc->text, '\n');
		break;
	case MD_TEXT_HTML:
		buf_add(o, s, n);
		break;
	case MD_TEXT_ENTITY:
		/* Keep the reference in markup (valid HTML); decode it for
		 * the plain text. */
		buf_add(o, s, n);
		put_entity(r->hlevel ? &r->htext : &r->doc->text, s, n);
		break;
	default:	/* NORMAL, CODE, LATEXMATH */
		esc_html(o, s, n);
		if (r->hlevel)
			buf_add(&r->htext, s, n);
		else
			buf_add(&r->doc->text, s, n);
		r->last_cp = last_char(s, n);
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * Accordion blocks and the entry point
 * ---------------------------------------------------------------- */

/* Length of the line at s (up to and excluding '\n'). */
static size_t
line_len(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));

	return nl ? (size_t)(nl - s) : (size_t)(end - s);
}

/*
 * The fence a line opens or closes ("```", "~~~~"...): its char and
 * length, or 0.  As in CommonMark, a backtick fence's info string holds
 * no backtick (so "```x``` is code" is a line of text, not a fence).
 */
static size_t
fence_of(const char *s, size_t n, char *ch)
{
	size_t i = 0, k;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	for (k = i; k < n && s[k] == s[i]; k++)
		;
	if (k - i < 3)
		return 0;
	if (s[i] == '`' && memchr(s + k, '`', n - k) != NULL)
		return 0;
	*ch = s[i];
	return k - i;
}

enum acc { ACC_NONE, ACC_OPEN, ACC_CLOSE };

/* Whether a line opens (":::details TITLE") or closes (":::") an
 * accordion; for an opener, the title. */
static enum acc
acc_of(const char *s, size_t n, const char **title, size_t *tlen)
{
	size_t i;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n < 3 || memcmp(s, ":::", 3) != 0)
		return ACC_NONE;
	for (i = 3; i < n && s[i] == ' '; i++)
		;
	if (i == n)
		return ACC_CLOSE;
	if (n - i < 7 || memcmp(s + i, "details", 7) != 0 ||
	    (n - i > 7 && s[i + 7] != ' '))
		return ACC_NONE;
	for (i += 7; i < n && s[i] == ' '; i++)
		;
	*title = s + i;
	*tlen = n - i;
	return ACC_OPEN;
}

/* Append one line of the rewritten source and the source line it
 * stands for. */
static void
emit_line(struct rend *r, struct buf *x, const char *s, size_t n,
    size_t line)
{
	if (r->nlines == r->lines_cap) {
		r->lines_cap = r->lines_cap ? r->lines_cap * 2 : 256;
		r->lines = xreallocarray(r->lines, r->lines_cap,
		    sizeof(*r->lines));
		r->lineno = xreallocarray(r->lineno, r->lines_cap,
		    sizeof(*r->lineno));
	}
	r->lines[r->nlines] = x->len;
	r->lineno[r->nlines++] = line;
	buf_add(x, s, n);
	buf_putc(x, '\n');
}

/*
 * Rewrite the accordion lines as HTML blocks, one source line for one
 * line (plus a blank line after each, which ends the HTML block so that
 * what follows is Markdown again), so that the whole body is parsed as
 * one document: link reference definitions reach into accordions, and
 * every line keeps its number.  Fenced code is left alone.
 */
static void
rewrite_accordions(struct rend *r, const char *src, size_t len,
    struct buf *x)
{
	const char *p, *end = src + len, *title;
	size_t n, tlen, flen = 0, line = r->first_line, depth = 0;
	size_t open[MD_MAX_ACCORDION_DEPTH];
	struct buf h = BUF_INIT;
	char fch = 0, c;

	for (p = src; p < end; p += n + (p + n < end), line++) {
		n = line_len(p, end);
		if (flen > 0) {
			if (fence_of(p, n, &c) >= flen && c == fch)
				flen = 0;
		} else if ((flen = fence_of(p, n, &fch)) > 0) {
			/* a fence opens */
		} else switch (acc_of(p, n, &title, &tlen)) {
		case ACC_OPEN:
			if (depth == MD_MAX_ACCORDION_DEPTH) {
				buf_printf(r->err, "%s:%zu: accordions nested "
				    "deeper than %d\n", r->file, line,
				    MD_MAX_ACCORDION_DEPTH);
				r->rc = -1;
				break;
			}
			open[depth++] = line;
			buf_reset(&h);
			BUF_PUTSL(&h, "<details class=\"accordion\"><summary>");
			esc_html(&h, title, tlen);
			BUF_PUTSL(&h, "</summary><div class=\"accordion-body\">");
			emit_line(r, x, h.ptr, h.len, line);
			emit_line(r, x, "", 0, line);
			buf_add(&r->doc->text, title, tlen);
			buf_putc(&r->doc->text, '\n');
			continue;
		case ACC_CLOSE:
			if (depth == 0) {
				buf_printf(r->err, "%s:%zu: ':::' closes no "
				    "accordion (open one with ':::details "
				    "TITLE')\n", r->file, line);
				r->rc = -1;
				break;
			}
			depth--;
			emit_line(r, x, "</div></details>", 16, line);
			emit_line(r, x, "", 0, line);
			continue;
		case ACC_NONE:
			break;
		}
		emit_line(r, x, p, n, line);
	}
	while (depth > 0) {
		buf_printf(r->err, "%s:%zu: accordion ':::details' is not "
		    "closed (end it with a line ':::')\n", r->file,
		    open[--depth]);
		r->rc = -1;
	}
	buf_release(&h);
}

void
md_doc_init(struct md_doc *d)
{
	buf_init(&d->html);
	buf_init(&d->text);
	d->toc = json_array();
	d->nheadings = 0;
	memset(&d->ids, 0, sizeof(d->ids));
	memset(&d->idnext, 0, sizeof(d->idnext));
}

void
md_doc_release(struct md_doc *d)
{
	buf_release(&d->html);
	buf_release(&d->text);
	json_decref(d->toc);
	d->toc = NULL;
	map_release(&d->ids);
	map_release(&d->idnext);
}

void
md_doc_reserve_id(struct md_doc *d, const char *id)
{
	map_put(&d->ids, id, strlen(id), d);
}

int
md_render(struct md_doc *doc, const char *src, size_t len, const char *file,
    size_t first_line, md_resolver resolve, void *arg, struct buf *err)
{
	MD_PARSER p = {
		.abi_version = 0,
		.flags = MD_FLAGS,
		.enter_block = enter_block,
		.leave_block = leave_block,
		.enter_span = enter_span,
		.leave_span = leave_span,
		.text = text,
	};
	struct buf x = BUF_INIT;
	struct rend r;

	memset(&r, 0, sizeof(r));
	r.doc = doc;
	r.out = &doc->html;
	r.first_line = first_line;
	r.file = file;
	r.resolve = resolve;
	r.arg = arg;
	r.err = err;
	buf_init(&r.hhtml);
	buf_init(&r.htext);
	buf_init(&r.scratch);
	rewrite_accordions(&r, src, len, &x);
	if (r.nlines == 0)
		emit_line(&r, &x, "", 0, first_line);
	r.src = x.ptr;
	r.len = x.len;
	if (md_parse(x.ptr, (MD_SIZE)x.len, &p, &r) != 0) {
		buf_printf(err, "%s:%zu: cannot parse Markdown\n", file,
		    first_line);
		r.rc = -1;
	}
	if (r.softbr)
		flush_softbr(&r, NULL, 0);
	free(r.lines);
	free(r.lineno);
	buf_release(&x);
	buf_release(&r.hhtml);
	buf_release(&r.htext);
	buf_release(&r.scratch);
	return r.rc;
}
