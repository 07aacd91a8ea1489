#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <mbedtls/sha256.h>

#include "buf.h"
#include "escape.h"
#include "feeds.h"
#include "fs.h"
#include "out.h"
#include "path.h"
#include "site.h"
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

/* Cut text to at most max bytes on a character boundary, spaces folded. */
static json_t *
search_text(const struct buf *t, size_t max)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *j;
	int space = 0;

	for (i = 0; i < t->len && b.len < max; i++) {
		unsigned char c = (unsigned char)t->ptr[i];

		if (c == '\n' || c == '\t' || c == ' ' || c == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, c);
	}
	/* Do not end inside a UTF-8 sequence. */
	while (b.len > 0 && i < t->len &&
	    ((unsigned char)t->ptr[i] & 0xc0) == 0x80) {
		buf_truncate(&b, b.len - 1);
		i--;
	}
	while (b.len > 0 && ((unsigned char)b.ptr[b.len - 1] & 0xc0) == 0xc0)
		buf_truncate(&b, b.len - 1);
	j = json_stringn(b.ptr, b.len);
	buf_release(&b);
	return j;
}

static int
write_search(struct site *s, struct out *out, struct buf *err)
{
	json_t *pages = json_array();
	struct buf b = BUF_INIT;
	char *js;
	size_t i;
	int rc;

	for (i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];

		if (!public_page(p))
			continue;
		json_array_append_new(pages, json_pack("{s:s, s:s, s:s, s:s, s:o}",
		    "t", p->title, "u", p->out,
		    "d", p->description ? p->description : "",
		    "date", p->date ? p->date : "",
		    "x", search_text(&p->doc.text, FEEDS_SEARCH_TEXT_MAX)));
	}
	js = json_dumps(pages, JSON_COMPACT | JSON_ENSURE_ASCII);
	BUF_PUTSL(&b, "/* Search index: public pages only. */\n"
	    "window.KAKEHASHI_SEARCH = ");
	buf_puts(&b, js);
	BUF_PUTSL(&b, ";\n");
	free(js);
	json_decref(pages);
	rc = put(out, "search-index.js", &b, err);
	buf_release(&b);
	return rc;
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
feeds_write(struct site *s, struct out *out, struct buf *err)
{
	int rc = 0;

	if (s->news != NULL && write_atom(s, out, err) == -1)
		rc = -1;
	if (s->base_url != NULL && write_sitemap(s, out, err) == -1)
		rc = -1;
	if (write_robots(s, out, err) == -1)
		rc = -1;
	if (write_search(s, out, err) == -1)
		rc = -1;
	if (write_data(s, out, err) == -1)
		rc = -1;
	return rc;
}
