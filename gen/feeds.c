#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <mbedtls/sha256.h>

#include "buf.h"
#include "bytes.h"
#include "cache.h"
#include "escape.h"
#include "feeds.h"
#include "fs.h"
#include "jtext.h"
#include "map.h"
#include "md.h"
#include "out.h"
#include "path.h"
#include "site.h"
#include "utf8.h"
#include "yaml.h"

/* At most this many entries in the Atom feed. */
#define FEEDS_ATOM_MAX	20

void
feeds_register_data(struct site *s)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < s->ndatafiles; i++) {
		buf_reset(&b);
		/* "data/x.yaml" -> "data/x.json" */
		buf_add(&b, s->datafiles[i], strlen(s->datafiles[i]) - 5);
		BUF_PUTSL(&b, ".json");
		site_add_output(s, b.ptr);
	}
	buf_release(&b);
}

static int
put(struct out *out, const char *name, const struct buf *data,
    struct buf *err)
{
	return out_write(out, name, data->ptr, data->len, err);
}

/* Whether a page belongs in the public indexes: feed, sitemap, search. */
static int
public_page(const struct page *p)
{
	return !p->members && !p->notfound && !p->expired;
}

/*
 * A stable identifier for an entry when the site has no base URL: a
 * name-based UUID (version 8, RFC 9562) from SHA-256 of the site title
 * and the page's path, so that it does not change between builds.
 */
static void
put_uuid(struct buf *b, const char *title, const char *path)
{
	mbedtls_sha256_context ctx;
	unsigned char h[32];
	size_t i;

	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	mbedtls_sha256_update_ret(&ctx, (const unsigned char *)title,
	    strlen(title) + 1);
	mbedtls_sha256_update_ret(&ctx, (const unsigned char *)path,
	    strlen(path));
	mbedtls_sha256_finish_ret(&ctx, h);
	mbedtls_sha256_free(&ctx);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	BUF_PUTSL(b, "urn:uuid:");
	for (i = 0; i < 16; i++) {
		buf_printf(b, "%02x", h[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			buf_putc(b, '-');
	}
}

static void
put_id(struct buf *b, const struct site *s, const char *path)
{
	if (s->base_url != NULL) {
		esc_xml(b, s->base_url, strlen(s->base_url));
		esc_xml(b, path, strlen(path));
	} else
		put_uuid(b, s->title, path);
}

static void
xml_text(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s));
}

static int
write_atom(struct site *s, struct out *out, struct buf *err)
{
	struct buf b = BUF_INIT;
	const struct page *items[FEEDS_ATOM_MAX];
	struct buf u = BUF_INIT;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < s->news->nkids && n < FEEDS_ATOM_MAX; i++)
		if (s->news->kids[i]->news && public_page(s->news->kids[i]))
			items[n++] = s->news->kids[i];

	BUF_PUTSL(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	xml_text(&b, s->language);
	BUF_PUTSL(&b, "\">\n  <title>");
	xml_text(&b, s->title);
	BUF_PUTSL(&b, "</title>\n");
	if (s->description != NULL) {
		BUF_PUTSL(&b, "  <subtitle>");
		xml_text(&b, s->description);
		BUF_PUTSL(&b, "</subtitle>\n");
	}
	/* Links are relative to the feed, which sits at the root. */
	BUF_PUTSL(&b, "  <link rel=\"alternate\" type=\"text/html\" "
	    "href=\"index.html\"/>\n  <link rel=\"self\" "
	    "type=\"application/atom+xml\" href=\"feed.xml\"/>\n  <id>");
	put_id(&b, s, "feed.xml");
	BUF_PUTSL(&b, "</id>\n  <updated>");
	/* The newest item's date: the same input gives the same feed. */
	buf_printf(&b, "%sT00:00:00+09:00", n > 0 ? items[0]->date :
	    "2000-01-01");
	BUF_PUTSL(&b, "</updated>\n  <author><name>");
	xml_text(&b, s->copyright != NULL ? s->copyright : s->title);
	BUF_PUTSL(&b, "</name></author>\n");
	for (i = 0; i < n; i++) {
		const struct page *p = items[i];

		BUF_PUTSL(&b, "  <entry>\n    <title>");
		xml_text(&b, p->title);
		BUF_PUTSL(&b, "</title>\n    <link rel=\"alternate\" "
		    "type=\"text/html\" href=\"");
		buf_reset(&u);
		url_encode_path(&u, p->out, strlen(p->out));
		esc_xml(&b, u.ptr, u.len);
		BUF_PUTSL(&b, "\"/>\n    <id>");
		put_id(&b, s, p->out);
		buf_printf(&b, "</id>\n    <updated>%sT00:00:00+09:00</updated>\n",
		    p->date);
		if (p->description != NULL) {
			BUF_PUTSL(&b, "    <summary>");
			xml_text(&b, p->description);
			BUF_PUTSL(&b, "</summary>\n");
		}
		BUF_PUTSL(&b, "  </entry>\n");
	}
	BUF_PUTSL(&b, "</feed>\n");
	rc = put(out, "feed.xml", &b, err);
	buf_release(&b);
	buf_release(&u);
	return rc;
}

static int
write_sitemap(struct site *s, struct out *out, struct buf *err)
{
	struct buf b = BUF_INIT, u = BUF_INIT;
	size_t i;
	int rc;

	BUF_PUTSL(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];

		if (!public_page(p))
			continue;
		BUF_PUTSL(&b, "  <url><loc>");
		esc_xml(&b, s->base_url, strlen(s->base_url));
		/* A sitemap wants URIs: non-ASCII percent-encoded too. */
		buf_reset(&u);
		esc_url_path(&u, p->outdir, strlen(p->outdir));
		esc_xml(&b, u.ptr, u.len);
		BUF_PUTSL(&b, "</loc>");
		if (p->date != NULL)
			buf_printf(&b, "<lastmod>%s</lastmod>", p->date);
		BUF_PUTSL(&b, "</url>\n");
	}
	BUF_PUTSL(&b, "</urlset>\n");
	rc = put(out, "sitemap.xml", &b, err);
	buf_release(&b);
	buf_release(&u);
	return rc;
}

static int
write_robots(struct site *s, struct out *out, struct buf *err)
{
	struct buf b = BUF_INIT;
	const char *base = "/";
	int rc;

	/* The members area is no business of search engines; its path
	 * is under the site's own path on the server. */
	if (s->base_url != NULL) {
		const char *p = strstr(s->base_url, "://");

		p = p ? strchr(p + 3, '/') : NULL;
		base = p ? p : "/";
	}
	buf_printf(&b, "User-agent: *\nDisallow: %smembers/\n", base);
	if (s->base_url != NULL)
		buf_printf(&b, "\nSitemap: %ssitemap.xml\n", s->base_url);
	rc = put(out, "robots.txt", &b, err);
	buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------------ *
 * The search index
 * ------------------------------------------------------------------ */

/*
 * search-index.js is a classic script, so that search works from file://
 * (where fetch() is refused), assigning one object that names the parts
 * of the index, in site order:
 *
 *	window.KAKEHASHI_SEARCH = {"version":2,
 *	"fields":["title","url","description","date","text"],"parts":[
 *	"search-index/r1.js","search-index/f-guidelines.js",…]};
 *
 * Each part, also a classic script, holds the public pages of one run of
 * pages in site order under one top-level folder ("f-" and its name, or
 * "fN-" for the run's Nth part when the folder has more than
 * SEARCH_PART_PAGES pages) or at the root ("r" and the run's number
 * among those at the root):
 *
 *	(window.KAKEHASHI_SEARCH_PARTS || (window.KAKEHASHI_SEARCH_PARTS =
 *	{}))["search-index/f-guidelines.js"] = [
 *	["サポートプラン作成の指針","guidelines/support-plan/index.html","…","","…"],
 *	…];
 *
 * The parts keep a one-page rebuild from writing the index of the whole
 * site (15 MB of 10,000 pages): only the part with the page changes, at
 * most SEARCH_PART_PAGES entries (about 175 KB of the benchmark's
 * pages); and the entries after the page's in its part are all that
 * move, so only their cache records change.  The
 * cache says where in which part each page's entry is, not the entry:
 * a part whose pages were all kept, their entries where they were, is
 * kept as it is; another is made from the entries of the pages rendered
 * and, for the kept ones, from the last build's parts (read only if the
 * manifest vouches for their bytes; else those pages' text is rendered
 * again).
 *
 * One array per public page, one page a line: its title,
 * its URL relative to the site's root, its description (or ""), its date
 * (YYYY-MM-DD or ""), and its plain text cut at FEEDS_SEARCH_TEXT_MAX
 * bytes.  Strings are UTF-8 as they are (not \u escapes, which would
 * double the size of Japanese text).  In title, description and text,
 * runs of white space are one space and half-width katakana is
 * full-width (jtext.h, JTEXT_HALFKANA: ｶﾞ -> ガ), the one folding that
 * changes the number of characters; the theme's script does the rest of
 * JTEXT_SEARCH itself, one character for one, so a match found in its
 * folded copy marks the same characters in the text it shows.
 *
 * The index holds the text rather than a map of character bigrams to
 * pages: the results show and mark the words matched in context, which a
 * map cannot give, and the script matches exact runs of characters, not
 * bigrams that may lie apart.  Measured on 10,000 generated pages of
 * ~1.5 KB of Markdown: 15.5 MB (3.2 MB as nginx sends it, gzipped),
 * where a bigram map with titles and descriptions would be ~6.7 MB and
 * the old array of objects with \u escapes was 30.7 MB.
 */

/* '"', '\' or a control byte, escaped for a JavaScript string. */
static void
js_string_byte(struct buf *b, unsigned char c)
{
	if (c == '"' || c == '\\') {
		buf_putc(b, '\\');
		buf_putc(b, (char)c);
	} else
		buf_printf(b, "\\u%04x", c);
}

/* Whether s[0..n) starts with U+2028 or U+2029, which end lines in
 * older JavaScript engines. */
static int
is_line_sep(const unsigned char *s, size_t n)
{
	return n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0xa8 || s[2] == 0xa9);
}

/* One character, the k bytes at s, as js_string() writes it. */
static void
js_char(struct buf *b, const unsigned char *s, size_t k)
{
	if (k == 1 && (s[0] < 0x20 || s[0] == '"' || s[0] == '\\'))
		js_string_byte(b, s[0]);
	else if (k == 3 && is_line_sep(s, k))
		buf_printf(b, "\\u%04x", 0x2028 + (s[2] & 1));
	else
		buf_add(b, (const char *)s, k);
}

/* A JavaScript string literal (which JSON also reads): quotes, '\',
 * controls, and U+2028/U+2029. */
static void
js_string(struct buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, k, start = 0;

	buf_grow(b, n + 2);
	buf_putc(b, '"');
	for (i = 0; i < n; i += k) {
		k = is_line_sep(s + i, n - i) ? 3 : 1;
		if (k == 1 && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
			continue;
		buf_add(b, str + start, i - start);
		js_char(b, s + i, k);
		start = i + k;
	}
	buf_add(b, str + start, n - start);
	buf_putc(b, '"');
}

/*
 * A search field as it is written: text folded and spaced (see
 * search_field), counted before escaping.
 */
struct sfield {
	struct buf	*out;
	size_t		 len;		/* bytes of text so far */
	size_t		 max;
	int		 space;		/* white space since the last character */
	int		 full;		/* the next character did not fit */
};

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* Add s[0..n), whole characters, to a field: white space as one space
 * before the next character, escaped as js_string() does, as far as the
 * field has room. */
static void
sfield_put_chars(struct sfield *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n) {
		if (is_ws(s[i])) {
			f->space = f->len > 0;
			i++;
			continue;
		}
		k = utf8_char_len(str + i, n - i);
		if (f->len + (size_t)f->space + k > f->max) {
			f->full = 1;
			break;
		}
		if (f->space) {
			buf_putc(f->out, ' ');
			f->len++;
			f->space = 0;
		}
		js_char(f->out, s + i, k);
		f->len += k;
		i += k;
	}
}

/* Whether one of the eight bytes in w ends a run of sfield_put(). */
static uint64_t
plain8(uint64_t w)
{
	return bytes_below(w, 0x21) | bytes_has(w, '"') | bytes_has(w, '\\') |
	    bytes_has(w, 0xe2);
}

/*
 * The same, when all of s[0..n) fits (white space never takes more room
 * than it had): no character needs counting, and the bytes that need
 * nothing (not white space, a control, '"', '\\', nor the lead byte E2
 * of U+2028 and U+2029) go in runs.
 */
static void
sfield_put(struct sfield *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, j;
	uint64_t m;

	if (f->len + 1 + n > f->max) {
		sfield_put_chars(f, str, n);
		return;
	}
	while (i < n) {
		for (j = i; j + 8 <= n; j += 8)
			if ((m = plain8(bytes_load(s + j))) != 0) {
				j += bytes_skip(m);
				break;
			}
		for (; j < n && s[j] > 0x20 && s[j] != '"' &&
		    s[j] != '\\' && s[j] != 0xe2; j++)
			;
		if (j == i && is_ws(s[i])) {
			f->space = f->len > 0;
			i++;
			continue;
		}
		if (f->space) {
			buf_putc(f->out, ' ');
			f->len++;
			f->space = 0;
		}
		if (j > i)
			buf_add(f->out, str + i, j - i);
		else {
			/* The character that ended the run. */
			j = i + (is_line_sep(s + i, n - i) ? 3 : 1);
			js_char(f->out, s + i, j - i);
		}
		f->len += j - i;
		i = j;
	}
}

/*
 * Append s[0..n) to b as a JavaScript string, with half-width katakana
 * made full-width, each run of white space one space, none at either
 * end, and at most max bytes of text (before escaping), ending on a
 * character boundary.  One pass: the text is folded, spaced and escaped
 * as it is read.
 */
static void
search_field(struct buf *b, const char *s, size_t n, size_t max)
{
	struct sfield f = { b, 0, max, 0, 0 };
	size_t i = 0, k, len;
	char u[4];

	/* Not cut before: runs of white space, one byte each once
	 * collapsed, may be most of a text, and a cut in the source could
	 * split a character.  The field stops at a whole character once
	 * full, its work bounded by the page's size. */
	buf_putc(b, '"');
	while (i < n && !f.full) {
		k = jtext_fold_span(s + i, n - i, JTEXT_HALFKANA);
		sfield_put(&f, s + i, k);
		if ((i += k) < n && !f.full) {
			i += jtext_fold1(s + i, n - i, JTEXT_HALFKANA, u, &len);
			sfield_put(&f, u, len);
		}
	}
	buf_putc(b, '"');
}

void
feeds_search_entry(const struct page *p, struct buf *b)
{
	struct buf u = BUF_INIT;
	const char *d = p->description ? p->description : "";
	const char *date = p->date ? p->date : "";

	if (!public_page(p))
		return;
	/* Room for the fields as they most often are, escaping nothing. */
	buf_grow(b, strlen(p->title) + strlen(d) + strlen(p->out) + 32 +
	    (p->doc == NULL ? 0 : p->doc->text.len < FEEDS_SEARCH_TEXT_MAX ?
	    p->doc->text.len : FEEDS_SEARCH_TEXT_MAX));
	BUF_PUTSL(b, "\n[");
	search_field(b, p->title, strlen(p->title), SIZE_MAX);
	buf_putc(b, ',');
	url_encode_path(&u, p->out, strlen(p->out));
	js_string(b, u.ptr, u.len);
	buf_putc(b, ',');
	search_field(b, d, strlen(d), SIZE_MAX);
	buf_putc(b, ',');
	js_string(b, date, strlen(date));
	buf_putc(b, ',');
	/* No document: a page not rendered, whose text is not known. */
	search_field(b, p->doc != NULL ? p->doc->text.ptr : "",
	    p->doc != NULL ? p->doc->text.len : 0, FEEDS_SEARCH_TEXT_MAX);
	buf_putc(b, ']');
	buf_release(&u);
}

/*
 * Pages in one part of the search index at most: the part a one-page
 * rebuild rewrites, and the cache records whose offsets it moves, are
 * those of its run, not of its whole folder.  A browser loads all the
 * parts at once on the first search: 89 for the benchmark's 10,000
 * pages in 11 folders, most of them 175 KB.
 */
#define SEARCH_PART_PAGES	128

/* Whether sources a and b are under the same top-level folder, or both
 * at the root. */
static int
same_top(const char *a, const char *b)
{
	const char *sa = strchr(a, '/'), *sb = strchr(b, '/');

	if (sa == NULL || sb == NULL)
		return sa == sb;
	return sa - a == sb - b && memcmp(a, b, (size_t)(sa - a)) == 0;
}

/* Where the walk of the runs is: the runs at the root so far, and how
 * many runs the current folder has had. */
struct run_walk {
	size_t		 nroot;
	size_t		 nth;
};

/*
 * The run of at most SEARCH_PART_PAGES pages from s->pages[i] under one
 * top-level folder (or at the root): its part's name into `name` (reset),
 * and the index past its end.  Names are unique: "f-NAME.js" for a
 * folder's first run, "fN-NAME.js" for its Nth, "rN.js" at the root.
 */
static size_t
search_run(const struct site *s, size_t i, struct run_walk *w,
    struct buf *name)
{
	const char *src = s->pages[i]->src, *slash = strchr(src, '/');
	size_t end;
	int len = slash != NULL ? (int)(slash - src) : 0;

	buf_reset(name);
	if (slash == NULL)
		buf_printf(name, "search-index/r%zu.js", ++w->nroot);
	else {
		/* A folder's pages are in a row: its run before this one
		 * ends just before it. */
		w->nth = i > 0 && same_top(s->pages[i - 1]->src, src) ?
		    w->nth + 1 : 1;
		if (w->nth == 1)
			buf_printf(name, "search-index/f-%.*s.js", len, src);
		else
			buf_printf(name, "search-index/f%zu-%.*s.js", w->nth,
			    len, src);
	}
	end = s->npages - i > SEARCH_PART_PAGES ? i + SEARCH_PART_PAGES :
	    s->npages;
	for (i++; i < end && same_top(s->pages[i]->src, src); i++)
		;
	return i;
}

void
feeds_register_search(struct site *s)
{
	struct buf name = BUF_INIT;
	struct run_walk w = { 0 };
	size_t i, j, end;

	site_add_output(s, "search-index.js");
	for (i = 0; i < s->npages; i = end) {
		end = search_run(s, i, &w, &name);
		for (j = i; j < end && !public_page(s->pages[j]); j++)
			;
		if (j < end)
			site_add_output(s, name.ptr);
	}
	buf_release(&name);
}

/*
 * The entry of kept page p as the last build wrote it, from the part its
 * record names (read once, into `old`, and only if the manifest vouches
 * for its bytes); NULL when there is none to be had.
 */
static const char *
old_entry(struct out *out, struct map *old, const struct cache_rec *r)
{
	struct buf *b = map_get(old, r->part, r->partlen);
	const char *e;

	if (b == NULL) {
		char *name = xstrndup(r->part, r->partlen);

		b = xmalloc(sizeof(*b));
		buf_init(b);
		if (out_read_kept(out, name, b) == -1)
			buf_reset(b);	/* then no entry is found in it */
		map_put(old, r->part, r->partlen, b);
		free(name);
	}
	if (r->soff > b->len || r->slen > b->len - r->soff || r->slen < 3)
		return NULL;
	/* An entry, as feeds_search_entry() makes them: "\n[...]". */
	e = b->ptr + r->soff;
	if (e[0] != '\n' || e[1] != '[' || e[r->slen - 1] != ']')
		return NULL;
	return e;
}

/* The entry of kept page p made anew, when the last build's is not to be
 * had: its Markdown read and rendered here. */
static int
fresh_entry(struct site *s, struct page *p, struct buf *e, struct buf *err)
{
	int rc = 0;

	/* A kept page's file is not held: never read, or read and let go
	 * (build.c); read, and checked against its hash, here. */
	p->from_cache = 1;
	if (site_read_page(s, p, err) == -1 ||
	    site_render_page(s, p, err) == -1)
		rc = -1;
	else
		feeds_search_entry(p, e);
	buf_release(&p->text);
	if (p->doc != NULL) {
		buf_release(&p->doc->html);
		buf_release(&p->doc->text);
	}
	return rc;
}

/*
 * Whether the run of pages [i, end) would give the bytes of its part as
 * the last build wrote them: every page kept, their entries where the
 * records say, one after the other, and the file as long as that.  Then
 * the part is kept without being read.
 */
static int
run_kept(struct site *s, struct out *out, size_t i, size_t end,
    const struct buf *name, size_t hdr, size_t *n)
{
	size_t j, at = hdr;

	*n = 0;
	for (j = i; j < end; j++) {
		const struct page *p = s->pages[j];
		const struct cache_rec *r = p->rec;

		if (!p->kept)
			return 0;
		if (r->slen == 0)
			continue;
		if (r->part == NULL || r->partlen != name->len ||
		    memcmp(r->part, name->ptr, name->len) != 0 ||
		    r->soff != at + (*n > 0))
			return 0;
		at = r->soff + r->slen;
		++*n;
	}
	return *n == 0 || out_keep_size(out, name->ptr, at + 3) == 0;
}

/*
 * The search index as it is written: one part per run of pages under a
 * top-level folder (search_run), each written as soon as the last of its
 * pages is done, by whichever rendering thread did it, and the index of
 * parts at the end.
 */
struct search_run {
	size_t		 i, end;	/* its pages */
	char		*name;		/* "search-index/f-news.js" */
	atomic_size_t	 left;		/* its pages not done yet */
	int		 written;	/* by feeds_search_write_run() */
	char		*part;		/* the name its pages' entries give:
					   the site's once finished; NULL
					   when the run has no part */
};

struct search_plan {
	struct search_run *runs;
	size_t		 nruns;
	size_t		*run_of;	/* page index -> run */
};

struct search_plan *
feeds_search_plan(const struct site *s)
{
	struct search_plan *sp = xcalloc(1, sizeof(*sp));
	struct buf name = BUF_INIT;
	struct run_walk w = { 0 };
	size_t i, j, end;

	sp->run_of = xcalloc(s->npages + 1, sizeof(*sp->run_of));
	for (i = 0; i < s->npages; i = end) {
		struct search_run *r;

		end = search_run(s, i, &w, &name);
		sp->runs = xreallocarray(sp->runs, sp->nruns + 1,
		    sizeof(*sp->runs));
		r = &sp->runs[sp->nruns];
		memset(r, 0, sizeof(*r));
		r->i = i;
		r->end = end;
		r->name = xstrdup(name.ptr);
		atomic_init(&r->left, end - i);
		for (j = i; j < end; j++)
			sp->run_of[j] = sp->nruns;
		sp->nruns++;
	}
	buf_release(&name);
	return sp;
}

int
feeds_search_done(struct search_plan *sp, size_t i, size_t *run)
{
	size_t k;

	if (sp == NULL || sp->nruns == 0)
		return 0;
	k = sp->run_of[i];
	/* The last page of the run: the others' entries, made on other
	 * threads, are seen from here on (acquire), this one's by them
	 * (release). */
	if (atomic_fetch_sub_explicit(&sp->runs[k].left, 1,
	    memory_order_acq_rel) != 1)
		return 0;
	*run = k;
	return 1;
}

int
feeds_search_write_run(struct site *s, struct out *out,
    struct search_plan *sp, size_t k, struct buf *page_err, struct buf *err)
{
	struct search_run *run = &sp->runs[k];
	struct buf b = BUF_INIT, e = BUF_INIT, u = BUF_INIT, name = BUF_INIT;
	struct map old = MAP_INIT;
	size_t j, n, hdr, room, nent = 0;
	int rc = 0, same;

	run->written = 1;
	buf_puts(&name, run->name);
	url_encode_path(&u, name.ptr, name.len);
	BUF_PUTSL(&b, "(window.KAKEHASHI_SEARCH_PARTS || "
	    "(window.KAKEHASHI_SEARCH_PARTS = {}))[");
	js_string(&b, u.ptr, u.len);
	BUF_PUTSL(&b, "] = [");
	hdr = b.len;
	same = run_kept(s, out, run->i, run->end, &name, hdr, &n);
	if (same && n == 0)
		goto done;
	run->part = xstrdup(name.ptr);
	/* Room for the part at once, as long as the last build's entries
	 * and this one's (a part is a hundred kilobytes and more, which
	 * growing would copy several times over). */
	for (j = run->i, room = 0; !same && j < run->end; j++) {
		const struct page *p = s->pages[j];

		room += (p->kept ? p->rec->slen : p->search.len) + 1;
	}
	buf_grow(&b, room + 4);
	for (j = run->i; j < run->end; j++) {
		struct page *p = s->pages[j];
		const struct cache_rec *r = p->rec;
		const char *entry = NULL;
		size_t len = 0;

		if (same) {
			/* Where the last build put it. */
			if (r->slen == 0)
				continue;
			p->search_part = run->part;
			p->search_off = r->soff;
			p->search_len = r->slen;
			continue;
		}
		if (!p->kept) {
			entry = p->search.ptr;
			len = p->search.len;
			if (len == 0) {
				/* Not rendered: made here. */
				buf_reset(&e);
				feeds_search_entry(p, &e);
				entry = e.ptr;
				len = e.len;
			}
		} else if (r->slen > 0 &&
		    (entry = old_entry(out, &old, r)) != NULL)
			len = r->slen;
		else if (r->slen > 0) {
			buf_reset(&e);
			if (fresh_entry(s, p, &e, page_err != NULL ?
			    &page_err[j] : err) == -1)
				rc = -1;
			entry = e.ptr;
			len = e.len;
		}
		if (len == 0)
			continue;
		if (nent++ > 0)
			buf_putc(&b, ',');
		p->search_part = run->part;
		p->search_off = b.len;
		p->search_len = len;
		buf_add(&b, entry, len);
	}
	if (!same) {
		if (nent == 0) {
			/* Nothing public after all. */
			free(run->part);
			run->part = NULL;
			goto done;
		}
		BUF_PUTSL(&b, "];\n");
		if (put(out, name.ptr, &b, err) == -1)
			rc = -1;
	}
done:
	/* The entries are in the part now. */
	for (j = run->i; j < run->end; j++)
		buf_release(&s->pages[j]->search);
	for (j = 0; j < old.cap; j++)
		if (old.slots[j].key != NULL) {
			buf_release(old.slots[j].val);
			free(old.slots[j].val);
		}
	map_release(&old);
	buf_release(&b);
	buf_release(&e);
	buf_release(&u);
	buf_release(&name);
	return rc;
}

/* The index of the parts, once they are all written (any run not
 * written yet is written here); the parts' names go to the site. */
static int
write_search(struct site *s, struct out *out, struct search_plan *sp,
    struct buf *err)
{
	struct buf idx = BUF_INIT, u = BUF_INIT;
	size_t k, nparts = 0;
	int rc = 0;

	BUF_PUTSL(&idx, "/* Kakehashi search index: public pages only "
	    "(gen/feeds.c describes it). */\n"
	    "window.KAKEHASHI_SEARCH = {\"version\":2,"
	    "\"fields\":[\"title\",\"url\",\"description\",\"date\",\"text\"],"
	    "\"parts\":[");
	for (k = 0; k < sp->nruns; k++) {
		struct search_run *run = &sp->runs[k];

		if (!run->written &&
		    feeds_search_write_run(s, out, sp, k, NULL, err) == -1)
			rc = -1;
		if (run->part == NULL)
			continue;
		s->search_parts = xreallocarray(s->search_parts,
		    s->nsearch_parts + 1, sizeof(*s->search_parts));
		s->search_parts[s->nsearch_parts++] = run->part;
		run->part = NULL;
		buf_reset(&u);
		url_encode_path(&u, run->name, strlen(run->name));
		if (nparts++ > 0)
			buf_putc(&idx, ',');
		BUF_PUTSL(&idx, "\n");
		js_string(&idx, u.ptr, u.len);
	}
	BUF_PUTSL(&idx, "]};\n");
	if (put(out, "search-index.js", &idx, err) == -1)
		rc = -1;
	buf_release(&idx);
	buf_release(&u);
	return rc;
}

void
feeds_search_plan_free(struct search_plan *sp)
{
	size_t k;

	if (sp == NULL)
		return;
	for (k = 0; k < sp->nruns; k++) {
		free(sp->runs[k].name);
		free(sp->runs[k].part);
	}
	free(sp->runs);
	free(sp->run_of);
	free(sp);
}

static int
write_data(struct site *s, struct out *out, struct buf *err)
{
	struct buf src = BUF_INIT, file = BUF_INIT, name = BUF_INIT,
	    b = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < s->ndatafiles; i++) {
		struct ynode *y;
		json_t *j;
		char *txt;

		buf_reset(&src);
		buf_reset(&file);
		buf_reset(&name);
		buf_reset(&b);
		buf_printf(&file, "%s/%s", s->dir, s->datafiles[i]);
		if (buf_read_file(&src, file.ptr) == -1) {
			buf_printf(err, "%s: cannot read\n", file.ptr);
			rc = -1;
			continue;
		}
		if ((y = yaml_load(src.ptr, src.len, file.ptr, 1, err)) == NULL) {
			rc = -1;
			continue;
		}
		j = ynode_to_json(y);
		txt = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		    JSON_ENCODE_ANY);
		buf_puts(&b, txt);
		buf_putc(&b, '\n');
		buf_add(&name, s->datafiles[i], strlen(s->datafiles[i]) - 5);
		BUF_PUTSL(&name, ".json");
		if (put(out, name.ptr, &b, err) == -1)
			rc = -1;
		free(txt);
		json_decref(j);
		ynode_free(y);
	}
	buf_release(&src);
	buf_release(&file);
	buf_release(&name);
	buf_release(&b);
	return rc;
}

int
feeds_write(struct site *s, struct out *out, struct search_plan *sp,
    struct buf *err)
{
	int rc = 0;

	if (s->news != NULL && write_atom(s, out, err) == -1)
		rc = -1;
	if (s->base_url != NULL && write_sitemap(s, out, err) == -1)
		rc = -1;
	if (write_robots(s, out, err) == -1)
		rc = -1;
	if (write_search(s, out, sp, err) == -1)
		rc = -1;
	if (write_data(s, out, err) == -1)
		rc = -1;
	return rc;
}
