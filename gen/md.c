#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/*
 * The lint's light scan of raw HTML (see md.h): where it is in the text
 * md4c hands over as HTML, chunk after chunk.  Tags, comments and the
 * bodies of <script> and <style> can span chunks and lines.  Every buffer
 * it fills holds part of the page, so the page's own limit
 * (SITE_MAX_PAGE_BYTES) bounds them.
 */
enum hscan {
	HS_TEXT,		/* between tags */
	HS_TAG,			/* from '<' to the '>' that ends the tag */
	HS_COMMENT,		/* <!-- ... --> */
	HS_RAWTEXT,		/* the body of <script> or <style> */
};

/* Attributes of one tag the scan looks at; more are skipped. */
#define MD_LINT_MAX_ATTRS	64

/* Quoted subjects (URLs, ids) in messages are cut to this many bytes. */
#define MD_LINT_MAX_SUBJECT	80

struct lint {
	md_linter	 fn;		/* NULL: not linting */
	void		*arg;
	struct buf	 msg;
	struct buf	 q1, q2;	/* quoted subjects of a message */
	struct buf	 tmp;
	struct map	 idline;	/* ids given on the page -> their line */
	unsigned	 level;		/* the last heading's; 0: only the title */
	size_t		 hline;		/* the line of the heading being read */
	int		 link_open;	/* in a Markdown link */
	int		 link_text;	/* which has text */
	size_t		 link_line;
	struct buf	 link_url;
	int		 alt_text;	/* the image being read has alt text */
	size_t		 img_line;
	struct buf	 img_url;
	/* raw HTML */
	enum hscan	 hs;
	size_t		 line;		/* the line the scan is at */
	struct buf	 tag;		/* the tag being read, from its '<' */
	size_t		 tag_line;
	char		 quote;		/* in a quoted attribute value */
	int		 after_eq;	/* the last non-space was '=' */
	unsigned	 dashes;	/* '-' just seen, in a comment */
	struct buf	 raw;		/* the body of <script> or <style> */
	size_t		 raw_line;
	int		 raw_css;	/* ... and it is CSS */
	const char	*raw_end;	/* "</script" or "</style" */
	int		 a_open;	/* in a raw <a> */
	int		 a_text;	/* which has text or a label */
	size_t		 a_line;
	struct buf	 a_href;
};

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
	char		 tail[4];	/* the last bytes of text written, */
	unsigned	 ntail;		/* decoded at a soft break only */
	size_t		 pos;		/* last source offset seen */
	size_t		*lines;		/* offsets of line starts in src */
	size_t		*lineno;	/* the file line each stands for */
	size_t		 nlines;	/* 0: src is the body as it is */
	size_t		 lines_cap;
	size_t		 at_off;	/* there, lines counted up to at_off: */
	size_t		 at_line;	/* the line of src[at_off] */
	size_t		 counted;	/* bytes gone over to count them */
	unsigned	 ntables;
	struct lint	 lt;		/* gen check's, when doc->lint is set */
};

static void	lint_html(struct rend *, const char *, size_t);
static void	lint_text(struct rend *, MD_TEXTTYPE, const char *, size_t);
static void	lint_url(struct rend *, int, size_t, const char *, size_t,
		    const char *, size_t);
static void	lint_link_end(struct rend *);
static void	lint_img_end(struct rend *);
static void	lint_heading_id(struct rend *, unsigned, const struct buf *,
		    const char *, size_t);
static void	lint_block_end(struct rend *);

/* ---------------------------------------------------------------- *
 * Small helpers
 * ---------------------------------------------------------------- */

static void	note_line(struct rend *, size_t, size_t);

/* The table of line starts of a body parsed as it is. */
static void
note_lines(struct rend *r)
{
	const char *p = r->src, *nl, *end = r->src + r->len;
	size_t line = r->first_line;

	for (; p < end; p = nl + 1, line++) {
		note_line(r, (size_t)(p - r->src), line);
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
	}
}

static size_t
line_at(struct rend *r, size_t off)
{
	size_t lo = 0, hi = r->nlines;
	const char *p, *end;

	if (hi == 0 && r->counted > 2 * r->len + 4096) {
		/* Asked about far apart offsets, back and forth (a link's
		 * URL, then its text; a definition md4c reads where a page
		 * does not): the table after all. */
		note_lines(r);
		hi = r->nlines;
	}
	if (hi == 0) {
		/* The body as it is: its newlines counted when asked,
		 * between the last offset asked about and this one, which
		 * are most often near: no table of every line for the few
		 * links and headings most pages ask about. */
		if (off > r->len)
			off = r->len;
		r->counted += off > r->at_off ? off - r->at_off :
		    r->at_off - off;
		if (off >= r->at_off) {
			p = r->src + r->at_off;
			end = r->src + off;
			for (; (p = memchr(p, '\n', (size_t)(end - p))) !=
			    NULL; p++)
				r->at_line++;
		} else {
			p = r->src + off;
			end = r->src + r->at_off;
			for (; (p = memchr(p, '\n', (size_t)(end - p))) !=
			    NULL; p++)
				r->at_line--;
		}
		r->at_off = off;
		return r->at_line;
	}
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
	    is_wide(cp) && is_wide(last_char(r->tail, r->ntail)))
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
	buf_putc(r->out, ' ');
	buf_puts(r->out, name);
	BUF_PUTSL(r->out, "=\"");
	esc_html(r->out, r->scratch.ptr, r->scratch.len);
	buf_putc(r->out, '"');
}

/* HTML's white space, in attribute values. */
static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Whether p, in the source, is the URL of a link reference definition
 * ("[name]: URL", the URL perhaps on the next line, perhaps in <>). */
static int
in_definition(const struct rend *r, const char *p)
{
	const char *s = r->src, *q = p, *ls;
	size_t k;

	while (q > s && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '<'))
		q--;
	if (q > s && q[-1] == '\n') {
		q--;
		if (q > s && q[-1] == '\r')
			q--;
		while (q > s && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
	}
	if (q - s < 3 || q[-1] != ':' || q[-2] != ']')
		return 0;
	for (ls = q; ls > s && ls[-1] != '\n'; ls--)
		;
	for (k = 0; k < 3 && ls[k] == ' '; k++)
		;
	return ls[k] == '[';
}

/* Resolve a link or image URL through the caller and write it as an
 * attribute value. */
static void
put_url(struct rend *r, const MD_ATTRIBUTE *a, int is_link)
{
	struct buf url = BUF_INIT;
	size_t line;
	int rc;

	buf_reset(&r->scratch);
	attr_text(&r->scratch, a);
	if (a->text >= r->src && a->text < r->src + r->len &&
	    in_definition(r, a->text)) {
		/* From a reference's definition, elsewhere in the page:
		 * the link is at the first '[' after the last text seen. */
		const char *q = memchr(r->src + r->pos, '[', r->len - r->pos);

		if (q != NULL)
			r->pos = (size_t)(q - r->src);
	} else if (a->text >= r->src && a->text < r->src + r->len)
		note_pos(r, a->text);
	else {
		/* md4c made the URL up (escapes, entities): the link's
		 * "](" or "][" after the last text seen. */
		const char *q = r->src + r->pos, *end = r->src + r->len;

		for (; q + 1 < end; q++)
			if (q[0] == ']' && (q[1] == '(' || q[1] == '[')) {
				r->pos = (size_t)(q - r->src);
				break;
			}
	}
	line = line_at(r, r->pos);
	if ((rc = r->resolve(r->arg, r->scratch.ptr, r->scratch.len, line,
	    &url)) < 0)
		r->rc = -1;
	if (r->lt.fn != NULL && r->hlevel && r->lt.hline == 0)
		r->lt.hline = line;
	if (r->lt.fn != NULL)
		lint_url(r, is_link, line, r->scratch.ptr, r->scratch.len,
		    rc < 0 ? NULL : url.ptr, url.len);
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

	if (md_doc_has_id(doc, id->ptr, id->len)) {
		/* Go on from the last suffix this text was given, so that
		 * many equal headings stay linear. */
		key = xstrndup(id->ptr, base);
		n = (uintptr_t)map_get(&doc->idnext, key, base);
		if (n == 0)
			n = 1;
		do {
			buf_truncate(id, base);
			buf_printf(id, "-%lu", (unsigned long)++n);
		} while (md_doc_has_id(doc, id->ptr, id->len));
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
	const char *name = NULL;
	size_t cut, namelen = 0, tl;
	unsigned level = r->hlevel;
	int custom = 0;

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
		custom = 1;
		buf_truncate(&r->htext, r->htext.len - cut);
		tl -= namelen + 3;
		while (tl > 0 && r->hhtml.ptr[tl - 1] == ' ')
			tl--;
		buf_truncate(&r->hhtml, tl);
	} else
		md_slug(&id, r->htext.ptr, r->htext.len);
	unique_id(r->doc, &id);
	if (r->lt.fn != NULL)
		lint_heading_id(r, level, &id, custom ? name : NULL,
		    custom ? namelen : 0);

	r->out = &r->doc->html;
	BUF_PUTSL(r->out, "<h");
	buf_putc(r->out, (char)('0' + level));
	BUF_PUTSL(r->out, " id=\"");
	esc_html(r->out, id.ptr, id.len);
	BUF_PUTSL(r->out, "\">");
	buf_addbuf(r->out, &r->hhtml);
	BUF_PUTSL(r->out, "</h");
	buf_putc(r->out, (char)('0' + level));
	BUF_PUTSL(r->out, ">\n");

	if (level == 2 || level == 3) {
		struct md_doc *d = r->doc;
		struct md_heading *h;

		if (d->nheadings == d->headings_cap) {
			d->headings_cap = d->headings_cap ? d->headings_cap * 2 :
			    8;
			d->headings = xreallocarray(d->headings,
			    d->headings_cap, sizeof(*d->headings));
		}
		/* UTF-8 already: the source was checked before parsing, md4c
		 * cuts text only at ASCII marks, and entities decode to
		 * valid characters or U+FFFD. */
		h = &d->headings[d->nheadings++];
		h->level = level;
		h->id = d->htext.len;
		h->idlen = id.len;
		buf_addbuf(&d->htext, &id);
		buf_putc(&d->htext, '\0');
		h->text = d->htext.len;
		h->textlen = r->htext.len;
		buf_addbuf(&d->htext, &r->htext);
		buf_putc(&d->htext, '\0');
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
		r->lt.hline = 0;
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
		BUF_PUTSL(o, "<th");
		buf_puts(o, align_class(((MD_BLOCK_TD_DETAIL *)detail)->align));
		buf_putc(o, '>');
		break;
	case MD_BLOCK_TD:
		BUF_PUTSL(o, "<td");
		buf_puts(o, align_class(((MD_BLOCK_TD_DETAIL *)detail)->align));
		buf_putc(o, '>');
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
	if (r->lt.fn != NULL)
		lint_block_end(r);
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
		put_url(r, &d->href, 1);
		buf_putc(o, '"');
		put_attr(r, "title", &d->title);
		buf_putc(o, '>');
		break;
	}
	case MD_SPAN_IMG: {
		const MD_SPAN_IMG_DETAIL *d = detail;

		BUF_PUTSL(o, "<img src=\"");
		put_url(r, &d->src, 0);
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
		if (r->lt.fn != NULL)
			lint_img_end(r);
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
		if (r->lt.fn != NULL)
			lint_link_end(r);
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
	if (r->lt.fn != NULL) {
		if (r->hlevel && r->lt.hline == 0)
			r->lt.hline = line_at(r, r->pos);
		if (type == MD_TEXT_HTML || r->lt.hs == HS_RAWTEXT)
			lint_html(r, s, n);
		else if (type != MD_TEXT_SOFTBR && type != MD_TEXT_BR)
			lint_text(r, type, s, n);
	}
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
		if (n >= sizeof(r->tail)) {
			memcpy(r->tail, s + n - sizeof(r->tail),
			    sizeof(r->tail));
			r->ntail = sizeof(r->tail);
		} else {
			if (n > 0)
				memcpy(r->tail, s, n);
			r->ntail = (unsigned)n;
		}
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * Lint (gen check)
 * ---------------------------------------------------------------- */

static void	lint_emit(struct rend *, enum md_lint, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static void
lint_emit(struct rend *r, enum md_lint kind, size_t line, const char *fmt,
    ...)
{
	struct md_lint_item it;
	va_list ap;

	buf_reset(&r->lt.msg);
	va_start(ap, fmt);
	buf_vprintf(&r->lt.msg, fmt, ap);
	va_end(ap);
	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.line = line;
	it.text = r->lt.msg.ptr;
	it.len = r->lt.msg.len;
	r->lt.fn(r->lt.arg, &it);
}

/* A subject for a message, in b: controls as spaces, cut at a
 * character boundary after MD_LINT_MAX_SUBJECT bytes. */
static const char *
subject(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t c;

	buf_reset(b);
	while (i < n) {
		if (b->len >= MD_LINT_MAX_SUBJECT) {
			BUF_PUTSL(b, "...");
			break;
		}
		if ((k = utf8_decode(s + i, n - i, &c)) == 0)
			k = 1;
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			buf_putc(b, ' ');
		else
			buf_add(b, s + i, k);
		i += k;
	}
	return b->ptr;
}

/* 1 when text holds more than white space (what a link's name needs). */
static int
has_ink(const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t c;

	while (i < n) {
		if ((k = utf8_decode(s + i, n - i, &c)) == 0)
			return 1;
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
		    c != 0xa0 && c != 0x3000)
			return 1;
		i += k;
	}
	return 0;
}

/* Text counts for the link and the image alt text it lies in. */
static void
ink(struct rend *r)
{
	r->lt.link_text = 1;
	r->lt.a_text = 1;
	if (r->image_nesting > 0)
		r->lt.alt_text = 1;
}

static void
lint_text(struct rend *r, MD_TEXTTYPE type, const char *s, size_t n)
{
	if (type == MD_TEXT_ENTITY) {
		buf_reset(&r->lt.tmp);
		put_entity(&r->lt.tmp, s, n);
		s = r->lt.tmp.ptr;
		n = r->lt.tmp.len;
	} else if (type == MD_TEXT_NULLCHAR)
		n = 0;
	if (has_ink(s, n))
		ink(r);
}

/* A URL the browser fetches from another host: "http://", "https://"
 * or "//" (scheme-relative). */
static int
is_remote(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	return (n >= 2 && (s[0] == '/' || s[0] == '\\') &&
	    (s[1] == '/' || s[1] == '\\')) ||
	    (n >= 7 && strncasecmp(s, "http://", 7) == 0) ||
	    (n >= 8 && strncasecmp(s, "https://", 8) == 0);
}

/* A heading's level: no level skipped, no h1 (the title is the page's). */
static void
lint_level(struct rend *r, unsigned level, size_t line)
{
	unsigned last = r->lt.level ? r->lt.level : 1;

	if (level == 1)
		lint_emit(r, MD_LINT_HEADING, line, "h1 in the body: the page "
		    "title is the page's h1, so start headings at ## (h2)");
	else if (level > last + 1)
		lint_emit(r, MD_LINT_HEADING, line, "h%u follows h%u, skipping "
		    "a level (make it h%u%s)", level, last, last + 1,
		    last == 1 ? ": the page title is the h1" : "");
	r->lt.level = level;
}

/* Where the ids of the page were given: a line, or the theme's. */
static size_t
id_line(struct rend *r, const char *id, size_t n)
{
	return (size_t)(uintptr_t)map_get(&r->lt.idline, id, n);
}

static void
lint_heading_id(struct rend *r, unsigned level, const struct buf *id,
    const char *want, size_t wantlen)
{
	size_t line = r->lt.hline ? r->lt.hline : line_at(r, r->pos), at;

	lint_level(r, level, line);
	if (want != NULL && (id->len != wantlen ||
	    memcmp(id->ptr, want, wantlen) != 0)) {
		/* "{#x}" asked for an id the page had already. */
		if ((at = id_line(r, want, wantlen)) != 0)
			lint_emit(r, MD_LINT_DUP_ID, line, "id '%s' is already "
			    "used on this page, at line %zu (this heading gets "
			    "'%s')", subject(&r->lt.q1, want, wantlen), at,
			    subject(&r->lt.q2, id->ptr, id->len));
		else
			lint_emit(r, MD_LINT_DUP_ID, line, "id '%s' is one the "
			    "theme uses on every page (this heading gets '%s')",
			    subject(&r->lt.q1, want, wantlen),
			    subject(&r->lt.q2, id->ptr, id->len));
	} else if ((at = id_line(r, id->ptr, id->len)) != 0)
		/* An id written in raw HTML before. */
		lint_emit(r, MD_LINT_DUP_ID, line, "heading id '%s' is already "
		    "used on this page, at line %zu", subject(&r->lt.q1,
		    id->ptr, id->len), at);
	if (id_line(r, id->ptr, id->len) == 0)
		map_put(&r->lt.idline, id->ptr, id->len, (void *)(uintptr_t)line);
}

/* An id written in raw HTML. */
static void
lint_raw_id(struct rend *r, const char *id, size_t n, size_t line)
{
	struct md_lint_item it;
	size_t at;

	if (n == 0)
		return;
	memset(&it, 0, sizeof(it));
	it.kind = MD_LINT_ID;
	it.line = line;
	it.text = id;
	it.len = n;
	r->lt.fn(r->lt.arg, &it);
	if ((at = id_line(r, id, n)) != 0)
		lint_emit(r, MD_LINT_DUP_ID, line, "id '%s' is already used on "
		    "this page, at line %zu", subject(&r->lt.q1, id, n), at);
	else if (md_doc_has_id(r->doc, id, n))
		lint_emit(r, MD_LINT_DUP_ID, line, "id '%s' is one the theme "
		    "uses on every page", subject(&r->lt.q1, id, n));
	else
		map_put(&r->lt.idline, id, n, (void *)(uintptr_t)line);
}

static void
lint_link(struct rend *r, size_t line, const char *url, size_t n,
    const char *resolved, size_t rlen, int raw)
{
	struct md_lint_item it;

	memset(&it, 0, sizeof(it));
	it.kind = MD_LINT_LINK;
	it.line = line;
	it.text = url;
	it.len = n;
	it.resolved = resolved;
	it.rlen = resolved != NULL ? rlen : 0;
	it.raw = raw;
	r->lt.fn(r->lt.arg, &it);
}

/* A Markdown link or image URL, as written and as resolved. */
static void
lint_url(struct rend *r, int is_link, size_t line, const char *url,
    size_t n, const char *resolved, size_t rlen)
{
	if (is_link) {
		lint_link(r, line, url, n, resolved, rlen, 0);
		r->lt.link_open = 1;
		r->lt.link_text = 0;
		r->lt.link_line = line;
		buf_reset(&r->lt.link_url);
		buf_add(&r->lt.link_url, url, n);
		return;
	}
	r->lt.alt_text = 0;
	r->lt.img_line = line;
	buf_reset(&r->lt.img_url);
	buf_add(&r->lt.img_url, url, n);
	if (is_remote(url, n))
		lint_emit(r, MD_LINT_ASSET, line, "image '%s' is loaded from "
		    "outside the site (put the file in the site)",
		    subject(&r->lt.q1, url, n));
}

static void
lint_link_end(struct rend *r)
{
	if (r->lt.link_open && !r->lt.link_text)
		lint_emit(r, MD_LINT_LINK_TEXT, r->lt.link_line, "link '%s' has "
		    "no text (write what it leads to between [ and ])",
		    subject(&r->lt.q1, r->lt.link_url.ptr, r->lt.link_url.len));
	r->lt.link_open = 0;
}

static void
lint_img_end(struct rend *r)
{
	if (!r->lt.alt_text)
		lint_emit(r, MD_LINT_ALT, r->lt.img_line, "image '%s' has no alt "
		    "text (describe it between ![ and ])",
		    subject(&r->lt.q1, r->lt.img_url.ptr, r->lt.img_url.len));
}

/* CSS (a <style> body or a style attribute) starting at `line`: url()
 * and @import that reach outside the site. */
static void
lint_css(struct rend *r, const char *s, size_t n, size_t line)
{
	size_t i, j, k;
	char q;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			line++;
			continue;
		}
		if (i + 4 <= n && strncasecmp(s + i, "url(", 4) == 0)
			j = i + 4;
		else if (i + 7 <= n && strncasecmp(s + i, "@import", 7) == 0)
			j = i + 7;
		else
			continue;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		q = j < n && (s[j] == '"' || s[j] == '\'') ? s[j++] : 0;
		for (k = j; k < n && (q ? s[k] != q : s[k] != ')' &&
		    s[k] != ' ' && s[k] != ';' && s[k] != '\n'); k++)
			;
		if (is_remote(s + j, k - j))
			lint_emit(r, MD_LINT_ASSET, line, "CSS loads '%s' from "
			    "outside the site (a style, font or image must be "
			    "in the site)", subject(&r->lt.q1, s + j, k - j));
		i = k > i ? k - 1 : i;
	}
}

struct attr {
	char		 name[24];	/* lowercase; "" when too long */
	const char	*val;		/* NULL: no value */
	size_t		 vlen;
	size_t		 line;
};

static const struct attr *
attr_get(const struct attr *a, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return &a[i];
	return NULL;
}

/* An attribute's value, entities decoded, in out. */
static void
attr_value(struct buf *out, const struct attr *a)
{
	size_t i, k;

	buf_reset(out);
	for (i = 0; i < a->vlen; i++) {
		if (a->val[i] == '&') {
			for (k = i + 1; k < a->vlen && k - i < 32 &&
			    (a->val[k] == '#' || (a->val[k] >= '0' &&
			    a->val[k] <= '9') || ((a->val[k] | 0x20) >= 'a' &&
			    (a->val[k] | 0x20) <= 'z')); k++)
				;
			if (k < a->vlen && a->val[k] == ';' && k > i + 1) {
				put_entity(out, a->val + i, k + 1 - i);
				i = k;
				continue;
			}
		}
		buf_putc(out, a->val[i]);
	}
}

/* 1 when a word of the space-separated list `v` is one of `words`. */
static int
has_word(const char *v, const char *const *words)
{
	const char *p = v;
	size_t n, i;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		for (n = 0; p[n] != '\0' && p[n] != ' ' && p[n] != '\t' &&
		    p[n] != '\n'; n++)
			;
		for (i = 0; n > 0 && words[i] != NULL; i++)
			if (strlen(words[i]) == n &&
			    strncasecmp(p, words[i], n) == 0)
				return 1;
		p += n;
	}
	return 0;
}

/* Elements whose src (or data, or poster) the browser fetches. */
static int
fetches_src(const char *name)
{
	static const char *const tags[] = { "img", "script", "iframe",
	    "frame", "embed", "audio", "video", "source", "track", "input",
	    "object" };
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcmp(name, tags[i]) == 0)
			return 1;
	return 0;
}

/* One whole tag of raw HTML, in lt.tag from '<' to '>'. */
static void
lint_tag(struct rend *r)
{
	static const char *const fetched_rels[] = { "stylesheet", "icon",
	    "preload", "modulepreload", "prefetch", "manifest",
	    "apple-touch-icon", "mask-icon", NULL };
	static const char *const urlattrs[] = { "src", "data", "poster" };
	struct lint *l = &r->lt;
	const char *t = l->tag.ptr, *e = t + l->tag.len - 1, *p = t + 1;
	struct attr at[MD_LINT_MAX_ATTRS];
	const struct attr *a;
	char name[16];
	size_t na = 0, nn = 0, line = l->tag_line, i;
	int closing = 0;

	l->hs = HS_TEXT;
	if (*p == '/') {
		closing = 1;
		p++;
	}
	while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '-')) {
		if (nn + 1 < sizeof(name))
			name[nn++] = (char)(*p | 0x20);
		p++;
	}
	name[nn] = '\0';
	if (nn == 0)
		return;		/* <!DOCTYPE>, <?...?> */
	if (closing) {
		if (strcmp(name, "a") == 0 && l->a_open) {
			if (!l->a_text)
				lint_emit(r, MD_LINT_LINK_TEXT, l->a_line, "link "
				    "'%s' has no text (write what it leads to "
				    "between <a> and </a>)", subject(&l->q1,
				    l->a_href.ptr, l->a_href.len));
			l->a_open = 0;
		}
		return;
	}
	/* Attributes: name, name=value, name="value", name='value'. */
	for (;;) {
		const char *an;

		while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' ||
		    *p == '\r' || *p == '/')) {
			if (*p == '\n')
				line++;
			p++;
		}
		if (p >= e)
			break;
		for (an = p; p < e && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r' && *p != '=' && *p != '/'; p++)
			;
		if (p == an) {
			p++;
			continue;
		}
		if (na < MD_LINT_MAX_ATTRS) {
			at[na].name[0] = '\0';
			if ((size_t)(p - an) < sizeof(at[na].name)) {
				for (i = 0; an + i < p; i++)
					at[na].name[i] = (char)(an[i] >= 'A' &&
					    an[i] <= 'Z' ? an[i] | 0x20 : an[i]);
				at[na].name[i] = '\0';
			}
			at[na].val = NULL;
			at[na].vlen = 0;
			at[na].line = line;
		}
		while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < e && *p == '=') {
			const char *v;

			for (p++; p < e && (*p == ' ' || *p == '\t' ||
			    *p == '\n' || *p == '\r'); p++)
				if (*p == '\n')
					line++;
			if (p < e && (*p == '"' || *p == '\'')) {
				char q = *p++;

				for (v = p; p < e && *p != q; p++)
					if (*p == '\n')
						line++;
				if (na < MD_LINT_MAX_ATTRS) {
					at[na].val = v;
					at[na].vlen = (size_t)(p - v);
				}
				if (p < e)
					p++;
			} else {
				for (v = p; p < e && *p != ' ' && *p != '\t' &&
				    *p != '\n' && *p != '\r'; p++)
					;
				if (na < MD_LINT_MAX_ATTRS) {
					at[na].val = v;
					at[na].vlen = (size_t)(p - v);
				}
			}
		}
		if (na < MD_LINT_MAX_ATTRS)
			na++;
	}

	if ((a = attr_get(at, na, "id")) != NULL) {
		attr_value(&l->tmp, a);
		lint_raw_id(r, l->tmp.ptr, l->tmp.len, a->line);
	}
	if ((a = attr_get(at, na, "style")) != NULL)
		lint_css(r, a->val, a->vlen, a->line);
	if (nn == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6')
		lint_level(r, (unsigned)(name[1] - '0'), l->tag_line);
	if (strcmp(name, "a") == 0) {
		const struct attr *lab;

		l->a_open = 1;
		l->a_text = 0;
		l->a_line = l->tag_line;
		buf_reset(&l->a_href);
		if ((a = attr_get(at, na, "href")) != NULL) {
			attr_value(&l->a_href, a);
			lint_link(r, a->line, l->a_href.ptr, l->a_href.len,
			    NULL, 0, 1);
		}
		/* A label names the link as text would. */
		if (((lab = attr_get(at, na, "aria-label")) != NULL ||
		    (lab = attr_get(at, na, "aria-labelledby")) != NULL ||
		    (lab = attr_get(at, na, "title")) != NULL) &&
		    has_ink(lab->val, lab->vlen))
			l->a_text = 1;
	}
	if (strcmp(name, "img") == 0) {
		a = attr_get(at, na, "src");
		if (a != NULL)
			attr_value(&l->tmp, a);
		else
			buf_reset(&l->tmp);
		if (attr_get(at, na, "alt") == NULL)
			lint_emit(r, MD_LINT_ALT, l->tag_line, "image '%s' has "
			    "no alt attribute (describe it in alt=\"...\", or "
			    "write alt=\"\" if it only decorates)",
			    subject(&l->q1, l->tmp.ptr, l->tmp.len));
		else if (has_ink(attr_get(at, na, "alt")->val,
		    attr_get(at, na, "alt")->vlen))
			ink(r);
	}
	if ((strcmp(name, "img") == 0 || strcmp(name, "source") == 0) &&
	    (a = attr_get(at, na, "srcset")) != NULL) {
		/* Candidates, as HTML parses them: "URL 2x, URL 640w", each
		 * URL up to white space (a data: URL holds commas), less
		 * the commas it ends with. */
		const char *c, *end, *ce, *ue;

		attr_value(&l->tmp, a);
		c = l->tmp.ptr;
		end = c + l->tmp.len;
		while (c < end) {
			while (c < end && (is_space(*c) || *c == ','))
				c++;
			for (ce = c; ce < end && !is_space(*ce); ce++)
				;
			if (ce == c)
				break;
			for (ue = ce; ue > c && ue[-1] == ','; ue--)
				;
			if (ue > c && is_remote(c, (size_t)(ue - c)))
				lint_emit(r, MD_LINT_ASSET, a->line,
				    "<%s srcset> loads '%s' from outside "
				    "the site (put the file in the site)",
				    name, subject(&l->q1, c,
				    (size_t)(ue - c)));
			else if (ue > c)
				lint_link(r, a->line, c, (size_t)(ue - c),
				    NULL, 0, 1);
			/* Its descriptors, when it did not end with ','. */
			if (ue == ce)
				while (ce < end && *ce != ',')
					ce++;
			c = ce;
		}
	}
	if (fetches_src(name))
		for (i = 0; i < sizeof(urlattrs) / sizeof(urlattrs[0]); i++) {
			if ((a = attr_get(at, na, urlattrs[i])) == NULL)
				continue;
			attr_value(&l->tmp, a);
			if (is_remote(l->tmp.ptr, l->tmp.len))
				lint_emit(r, MD_LINT_ASSET, a->line, "<%s %s> "
				    "loads '%s' from outside the site (put the "
				    "file in the site)", name, urlattrs[i],
				    subject(&l->q1, l->tmp.ptr, l->tmp.len));
			else if (has_ink(l->tmp.ptr, l->tmp.len))
				/* A file of the site: it must be there. */
				lint_link(r, a->line, l->tmp.ptr, l->tmp.len,
				    NULL, 0, 1);
		}
	if (strcmp(name, "link") == 0 &&
	    (a = attr_get(at, na, "href")) != NULL) {
		const struct attr *rel = attr_get(at, na, "rel");
		struct buf rv = BUF_INIT;

		if (rel != NULL)
			attr_value(&rv, rel);
		attr_value(&l->tmp, a);
		if (rel != NULL && has_word(rv.ptr, fetched_rels) &&
		    is_remote(l->tmp.ptr, l->tmp.len))
			lint_emit(r, MD_LINT_ASSET, a->line, "<link rel=\"%s\"> "
			    "loads '%s' from outside the site (a style or font "
			    "must be in the site)", subject(&l->q2, rv.ptr,
			    rv.len), subject(&l->q1, l->tmp.ptr, l->tmp.len));
		buf_release(&rv);
	}
	/* What follows <script> and <style> is their body, up to the end
	 * tag, never markup. */
	if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) {
		l->hs = HS_RAWTEXT;
		l->raw_css = name[1] == 't';
		l->raw_end = l->raw_css ? "</style" : "</script";
		l->raw_line = line;
		buf_reset(&l->raw);
	}
}

/* Start reading a tag at '<'. */
static void
tag_start(struct lint *l)
{
	l->hs = HS_TAG;
	buf_reset(&l->tag);
	buf_putc(&l->tag, '<');
	l->tag_line = l->line;
	l->quote = 0;
	l->after_eq = 0;
}

/* The scan over a chunk of raw HTML (see enum hscan). */
static void
lint_html(struct rend *r, const char *s, size_t n)
{
	struct lint *l = &r->lt;
	size_t i, k;

	if (s >= r->src && s < r->src + r->len)
		l->line = line_at(r, (size_t)(s - r->src));
	for (i = 0; i < n; i++) {
		char c = s[i];

		switch (l->hs) {
		case HS_TEXT:
			if (c == '<')
				tag_start(l);
			else if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
				ink(r);
			break;
		case HS_TAG:
			if (l->tag.len == 1 && !((c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || c == '/' || c == '!' ||
			    c == '?')) {
				/* "a < b": not a tag. */
				l->hs = HS_TEXT;
				ink(r);
				i--;
				continue;
			}
			buf_putc(&l->tag, c);
			if (l->tag.len == 4 && memcmp(l->tag.ptr, "<!--", 4) == 0) {
				l->hs = HS_COMMENT;
				l->dashes = 0;
			} else if (l->quote != 0) {
				if (c == l->quote)
					l->quote = 0;
			} else if ((c == '"' || c == '\'') && l->after_eq)
				l->quote = c;
			else if (c == '>')
				lint_tag(r);
			if (c == '=')
				l->after_eq = 1;
			else if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
				l->after_eq = 0;
			break;
		case HS_COMMENT:
			if (c == '>' && l->dashes >= 2)
				l->hs = HS_TEXT;
			l->dashes = c == '-' ? l->dashes + 1 : 0;
			break;
		case HS_RAWTEXT:
			buf_putc(&l->raw, c);
			k = strlen(l->raw_end);
			if (l->raw.len >= k && strncasecmp(l->raw.ptr +
			    l->raw.len - k, l->raw_end, k) == 0) {
				if (l->raw_css)
					lint_css(r, l->raw.ptr, l->raw.len - k,
					    l->raw_line);
				tag_start(l);
				buf_add(&l->tag, l->raw_end + 1, k - 1);
			}
			break;
		}
		if (c == '\n')
			l->line++;
	}
}

/* A block ends: no tag, comment or script goes on into the next. */
static void
lint_block_end(struct rend *r)
{
	struct lint *l = &r->lt;

	if (l->hs == HS_RAWTEXT && l->raw_css)
		lint_css(r, l->raw.ptr, l->raw.len, l->raw_line);
	l->hs = HS_TEXT;
}

static void
lint_init(struct lint *l, const struct md_doc *doc)
{
	memset(l, 0, sizeof(*l));
	l->fn = doc->lint;
	l->arg = doc->lint_arg;
	buf_init(&l->msg);
	buf_init(&l->q1);
	buf_init(&l->q2);
	buf_init(&l->tmp);
	buf_init(&l->link_url);
	buf_init(&l->img_url);
	buf_init(&l->tag);
	buf_init(&l->raw);
	buf_init(&l->a_href);
}

static void
lint_release(struct lint *l)
{
	buf_release(&l->msg);
	buf_release(&l->q1);
	buf_release(&l->q2);
	buf_release(&l->tmp);
	buf_release(&l->link_url);
	buf_release(&l->img_url);
	buf_release(&l->tag);
	buf_release(&l->raw);
	buf_release(&l->a_href);
	map_release(&l->idline);
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

/* Note that the parsed text's line starting at `off` is source line
 * `line`. */
static void
note_line(struct rend *r, size_t off, size_t line)
{
	if (r->nlines == r->lines_cap) {
		r->lines_cap = r->lines_cap ? r->lines_cap * 2 : 256;
		r->lines = xreallocarray(r->lines, r->lines_cap,
		    sizeof(*r->lines));
		r->lineno = xreallocarray(r->lineno, r->lines_cap,
		    sizeof(*r->lineno));
	}
	r->lines[r->nlines] = off;
	r->lineno[r->nlines++] = line;
}

/* Append one line of the rewritten source and the source line it
 * stands for. */
static void
emit_line(struct rend *r, struct buf *x, const char *s, size_t n,
    size_t line)
{
	note_line(r, x->len, line);
	buf_add(x, s, n);
	buf_putc(x, '\n');
}

/*
 * A body with no line starting ":::" has no accordion, and one that
 * ends its last line reads the same rewritten: it is parsed as it is,
 * and line_at() counts its lines.  1 when so.
 */
static int
plain_source(const char *src, size_t len)
{
	const char *p, *end = src + len;

	if (len == 0 || src[len - 1] != '\n')
		return 0;
	/* From one ASCII colon to the next (Japanese text has its own
	 * colon): memmem() for "\n:::" stepped through every byte, a fiftieth
	 * of a full build's instructions. */
	for (p = src; (p = memchr(p, ':', (size_t)(end - p))) != NULL; p++)
		if ((p == src || p[-1] == '\n') && end - p >= 3 &&
		    p[1] == ':' && p[2] == ':')
			return 0;
	return 1;
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
	buf_init(&d->htext);
	d->headings = NULL;
	d->nheadings = d->headings_cap = 0;
	d->lint = NULL;
	d->lint_arg = NULL;
	d->reserved = NULL;
	memset(&d->ids, 0, sizeof(d->ids));
	memset(&d->idnext, 0, sizeof(d->idnext));
}

void
md_doc_release(struct md_doc *d)
{
	buf_release(&d->html);
	buf_release(&d->text);
	buf_release(&d->htext);
	free(d->headings);
	d->headings = NULL;
	d->nheadings = d->headings_cap = 0;
	map_release(&d->ids);
	map_release(&d->idnext);
}

void
md_doc_reserve_id(struct md_doc *d, const char *id)
{
	map_put(&d->ids, id, strlen(id), d);
}

void
md_doc_set_reserved(struct md_doc *d, const struct map *m)
{
	d->reserved = m;
}

int
md_doc_has_id(const struct md_doc *d, const char *id, size_t n)
{
	return map_get(&d->ids, id, n) != NULL ||
	    (d->reserved != NULL && map_get(d->reserved, id, n) != NULL);
}

int
md_doc_heading_id(const struct md_doc *d, const char *id, size_t n)
{
	return map_get(&d->ids, id, n) != NULL;
}

void
md_doc_set_linter(struct md_doc *d, md_linter fn, void *arg)
{
	d->lint = fn;
	d->lint_arg = arg;
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
	lint_init(&r.lt, doc);
	if (plain_source(src, len)) {
		r.src = src;
		r.len = len;
		r.at_line = first_line;
	} else {
		rewrite_accordions(&r, src, len, &x);
		if (r.nlines == 0)
			emit_line(&r, &x, "", 0, first_line);
		r.src = x.ptr;
		r.len = x.len;
	}
	/* Room at once for what most bodies make (HTML under twice the
	 * Markdown, text under it), not doubling from 64 bytes. */
	buf_grow(r.out, 2 * r.len);
	buf_grow(&doc->text, r.len);
	if (md_parse(r.src, (MD_SIZE)r.len, &p, &r) != 0) {
		buf_printf(err, "%s:%zu: cannot parse Markdown\n", file,
		    first_line);
		r.rc = -1;
	}
	if (r.softbr)
		flush_softbr(&r, NULL, 0);
	if (r.lt.fn != NULL)
		lint_block_end(&r);
	lint_release(&r.lt);
	free(r.lines);
	free(r.lineno);
	buf_release(&x);
	buf_release(&r.hhtml);
	buf_release(&r.htext);
	buf_release(&r.scratch);
	return r.rc;
}
