#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "escape.h"
#include "fs.h"
#include "hash.h"
#include "path.h"
#include "site.h"
#include "utf8.h"
#include "yaml.h"

/*
 * Marker values in by_src and by_path: a draft left out of the build, and
 * a page whose file could not be read (already reported), so that links
 * to them get the right message, or none.
 */
static char draft_marker, broken_marker;

/* A map value as a page: NULL for the markers. */
static struct page *
real(void *v)
{
	return v == &draft_marker || v == &broken_marker ? NULL : v;
}

struct page *
site_page(const struct site *s, const char *src)
{
	return real(map_gets(&s->by_src, src));
}

/*
 * While a thread renders a page's Markdown, the messages about that page
 * go to the page's own buffer, and join the site's list in page order
 * once every thread is done: the same site gives the same messages in
 * the same order however the pages fell to the threads.
 */
static _Thread_local struct buf *page_errors;

void
site_error(struct site *s, const char *fmt, ...)
{
	struct buf *dst = page_errors != NULL ? page_errors : &s->err;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(dst, fmt, ap);
	va_end(ap);
	buf_putc(dst, '\n');
	if (page_errors == NULL)
		s->nerr++;
}

/* Something that grows with every message: the count, or on a thread
 * that collects a page's messages, their length. */
static size_t
err_mark(const struct site *s)
{
	return page_errors != NULL ? page_errors->len : s->nerr;
}

/* Move messages a loader appended to a scratch buffer (one per line)
 * into the site's list. */
void
site_take_errors(struct site *s, struct buf *e)
{
	/* On a loading thread: into the page's own messages. */
	if (page_errors != NULL) {
		buf_addbuf(page_errors, e);
		if (e->len > 0 && e->ptr[e->len - 1] != '\n')
			buf_putc(page_errors, '\n');
		buf_reset(e);
		return;
	}
	size_t i;

	for (i = 0; i < e->len; i++)
		if (e->ptr[i] == '\n')
			s->nerr++;
	buf_addbuf(&s->err, e);
	if (e->len > 0 && e->ptr[e->len - 1] != '\n') {
		buf_putc(&s->err, '\n');
		s->nerr++;
	}
	buf_reset(e);
}

/* ---------------------------------------------------------------- *
 * Front matter
 * ---------------------------------------------------------------- */

static const char *const fm_keys[] = {
	"title", "description", "date", "weight", "draft", "menu", "access",
	"aliases", "tags", "expires", "layout",
};

static int
is_known_key(const char *key, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t row[32];

	if (la >= 31 || lb >= 31)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			tmp = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < tmp)
				tmp = row[j] + 1;
			if (row[j - 1] + 1 < tmp)
				tmp = row[j - 1] + 1;
			row[j] = tmp;
			prev = cur;
		}
	}
	return row[lb];
}

/* "unknown key 'x'", with a suggestion when one is close. */
static void
unknown_key(struct site *s, const char *file, const struct ynode *k,
    const char *const *known, size_t nknown)
{
	size_t i, best = 3, bi = 0;

	for (i = 0; i < nknown; i++) {
		size_t d = edit_distance(k->str, known[i]);

		if (d < best) {
			best = d;
			bi = i;
		}
	}
	if (best <= 2)
		site_error(s, "%s:%zu: unknown key '%s' (did you mean '%s'?)",
		    file, k->line, k->str, known[bi]);
	else
		site_error(s, "%s:%zu: unknown key '%s'", file, k->line,
		    k->str);
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* 1 when s is a real calendar date written YYYY-MM-DD. */
static int
valid_date(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	if (s[10] != '\0')
		return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* A scalar's text, or an error naming the key. */
static char *
fm_string(struct site *s, const char *file, const char *key,
    const struct ynode *v)
{
	if (v->kind != YNODE_SCALAR) {
		site_error(s, "%s:%zu: '%s' must be a single value, not a %s",
		    file, v->line, key,
		    v->kind == YNODE_SEQ ? "list" : "mapping");
		return NULL;
	}
	return xstrndup(v->str, v->len);
}

static char *
fm_date(struct site *s, const char *file, const char *key,
    const struct ynode *v)
{
	char *d = fm_string(s, file, key, v);

	if (d != NULL && !valid_date(d)) {
		site_error(s, "%s:%zu: %s '%s' is not a date written "
		    "YYYY-MM-DD (for example 2026-04-01)", file, v->line, key, d);
		free(d);
		return NULL;
	}
	return d;
}

static int
fm_list(struct site *s, const char *file, const char *key,
    const struct ynode *v, char ***out, size_t *n)
{
	size_t i;

	if (v->kind == YNODE_SCALAR) {
		/* A single value stands for a list of one. */
		*out = xmalloc(sizeof(char *));
		(*out)[0] = xstrndup(v->str, v->len);
		*n = 1;
		return 0;
	}
	if (v->kind != YNODE_SEQ) {
		site_error(s, "%s:%zu: '%s' must be a list", file, v->line, key);
		return -1;
	}
	*out = xcalloc(v->n, sizeof(char *));
	*n = 0;
	for (i = 0; i < v->n; i++) {
		char *e = fm_string(s, file, key, v->items[i]);

		if (e == NULL)
			return -1;
		(*out)[(*n)++] = e;
	}
	return 0;
}

static int
valid_layout(const char *l)
{
	if (*l == '\0')
		return 0;
	for (; *l != '\0'; l++)
		if (!isalnum((unsigned char)*l) && *l != '-' && *l != '_')
			return 0;
	return 1;
}

/* Read the keys of a page's front matter; -1 when any was wrong. */
static int
front_matter(struct site *s, struct page *p, const struct ynode *fm)
{
	struct buf e = BUF_INIT;
	size_t i, nerr = err_mark(s);
	const char *f = p->file;

	for (i = 0; i < fm->n; i++) {
		const struct ynode *k = fm->keys[i], *v = fm->items[i];
		const char *key = k->str;

		/* "key:" with nothing after it, or "~": as if not written. */
		if (ynode_is_null(v) && v->kind == YNODE_SCALAR &&
		    is_known_key(key, fm_keys, sizeof(fm_keys) / sizeof(fm_keys[0])))
			continue;
		if (strcmp(key, "title") == 0)
			p->title = fm_string(s, f, key, v);
		else if (strcmp(key, "description") == 0)
			p->description = fm_string(s, f, key, v);
		else if (strcmp(key, "date") == 0)
			p->date = fm_date(s, f, key, v);
		else if (strcmp(key, "expires") == 0)
			p->expires = fm_date(s, f, key, v);
		else if (strcmp(key, "layout") == 0) {
			p->layout_line = v->line;
			p->layout = fm_string(s, f, key, v);
			if (p->layout != NULL && !valid_layout(p->layout))
				site_error(s, "%s:%zu: layout '%s' must be a "
				    "template name (letters, digits, - and _)",
				    f, v->line, p->layout);
		} else if (strcmp(key, "weight") == 0) {
			if (ynode_int(v, f, key, &p->weight, &e) == 0)
				p->has_weight = 1;
		} else if (strcmp(key, "draft") == 0)
			ynode_bool(v, f, key, &p->draft, &e);
		else if (strcmp(key, "menu") == 0) {
			int on;

			if (v->kind == YNODE_SCALAR && v->plain &&
			    ynode_bool(v, f, key, &on, NULL) == 0)
				p->menu = on ? xstrdup("main") : NULL;
			else if ((p->menu = fm_string(s, f, key, v)) != NULL &&
			    strcmp(p->menu, "main") != 0 &&
			    strcmp(p->menu, "footer") != 0)
				site_error(s, "%s:%zu: unknown menu '%s' (menus "
				    "are 'main' and 'footer')", f, v->line,
				    p->menu);
		} else if (strcmp(key, "access") == 0) {
			char *a = fm_string(s, f, key, v);

			if (a != NULL && strcmp(a, "members") == 0)
				p->members = 1;
			else if (a != NULL && strcmp(a, "public") != 0)
				site_error(s, "%s:%zu: access '%s' must be "
				    "'public' or 'members'", f, v->line, a);
			p->access_set = 1;
			free(a);
		} else if (strcmp(key, "aliases") == 0) {
			p->aliases_line = v->line;
			fm_list(s, f, key, v, &p->aliases, &p->naliases);
		} else if (strcmp(key, "tags") == 0)
			fm_list(s, f, key, v, &p->tags, &p->ntags);
		else
			unknown_key(s, f, k, fm_keys,
			    sizeof(fm_keys) / sizeof(fm_keys[0]));
	}
	site_take_errors(s, &e);
	buf_release(&e);
	if (err_mark(s) == nerr && (p->title == NULL || p->title[0] == '\0'))
		site_error(s, "%s:1: missing 'title' in the front matter", f);
	return err_mark(s) == nerr ? 0 : -1;
}

/* Length of the line at s[0..n), excluding its end ("\n" or "\r\n"). */
static size_t
linelen(const char *s, size_t n, size_t *next)
{
	const char *nl = memchr(s, '\n', n);
	size_t k = nl ? (size_t)(nl - s) : n;

	*next = nl ? k + 1 : n;
	if (k > 0 && s[k - 1] == '\r')
		k--;
	return k;
}

static int
is_fence(const char *s, size_t k, int closing)
{
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	return k == 3 && (memcmp(s, "---", 3) == 0 ||
	    (closing && memcmp(s, "...", 3) == 0));
}

/*
 * The front matter as the cache keeps it (cache.h's fields), written
 * when the file is read and read back instead of the file by the next
 * build.  `members` is the page's own access, before inheritance.
 */
static void
fm_record(struct page *p)
{
	struct buf *b = &p->fmrec;
	size_t i;

	buf_reset(b);
	cache_put_str(b, p->title);
	cache_put_str(b, p->description);
	cache_put_str(b, p->date);
	cache_put_str(b, p->expires);
	cache_put_str(b, p->layout);
	cache_put_str(b, p->menu);
	cache_put_num(b, (long long)p->layout_line);
	cache_put_num(b, p->weight);
	cache_put_num(b, p->has_weight);
	cache_put_num(b, p->draft);
	cache_put_num(b, p->members);
	cache_put_num(b, p->access_set);
	cache_put_num(b, (long long)p->aliases_line);
	cache_put_num(b, (long long)p->body_off);
	cache_put_num(b, (long long)p->body_line);
	cache_put_num(b, (long long)p->naliases);
	for (i = 0; i < p->naliases; i++)
		cache_put_str(b, p->aliases[i]);
	cache_put_num(b, (long long)p->ntags);
	for (i = 0; i < p->ntags; i++)
		cache_put_str(b, p->tags[i]);
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The front matter's fields back to nothing. */
static void
fm_clear(struct page *p)
{
	if (p->fm_borrowed) {
		/* The strings are the cache's (fm_restore). */
		free(p->fm_block);
		p->fm_block = NULL;
		p->fm_borrowed = 0;
	} else {
		free(p->title);
		free(p->description);
		free(p->date);
		free(p->expires);
		free(p->layout);
		free(p->menu);
		free_list(p->aliases, p->naliases);
		free_list(p->tags, p->ntags);
	}
	p->title = p->description = p->date = p->expires = p->layout =
	    p->menu = NULL;
	p->aliases = p->tags = NULL;
	p->naliases = p->ntags = 0;
}

/* The front matter from the last build's record; -1 when it does not
 * read back (the file is then read as if there were no cache).  Its
 * strings are the record's own, which are C strings where they are in
 * the mapped cache (it outlives the site): only the lists of aliases and
 * tags take an allocation (fm_block), and only when there are some. */
static int
fm_restore(struct page *p, const struct cache_rec *rec, size_t filesize)
{
	struct cache_reader r, lists;
	long long ll, w, hw, dr, mem, as, al, bo, bl, k[2];
	char **fields[6], **v[2];
	size_t n[2], i, j;
	const char *str;
	size_t len;

	cache_reader_init(&r, rec->fm, rec->fmlen);
	fields[0] = &p->title;
	fields[1] = &p->description;
	fields[2] = &p->date;
	fields[3] = &p->expires;
	fields[4] = &p->layout;
	fields[5] = &p->menu;
	for (i = 0; i < 6; i++) {
		if (cache_get_span(&r, &str, &len) == -1)
			goto bad;
		*fields[i] = (char *)str;
	}
	if (cache_get_num(&r, &ll) == -1 || cache_get_num(&r, &w) == -1 ||
	    cache_get_num(&r, &hw) == -1 || cache_get_num(&r, &dr) == -1 ||
	    cache_get_num(&r, &mem) == -1 || cache_get_num(&r, &as) == -1 ||
	    cache_get_num(&r, &al) == -1 || cache_get_num(&r, &bo) == -1 ||
	    cache_get_num(&r, &bl) == -1)
		goto bad;
	/* The lists, each its length then its strings: counted first, then
	 * taken into one block, each NULL-ended as fm_list makes them. */
	lists = r;
	for (j = 0; j < 2; j++) {
		/* Each string takes at least three bytes of the record. */
		if (cache_get_num(&r, &k[j]) == -1 || k[j] < 0 ||
		    k[j] > (r.end - r.p) / 3)
			goto bad;
		for (i = 0; i < (size_t)k[j]; i++)
			if (cache_get_span(&r, &str, &len) == -1 ||
			    str == NULL)
				goto bad;
		n[j] = (size_t)k[j];
	}
	if (!cache_reader_done(&r) || p->title == NULL || ll < 0 || al < 0 ||
	    bl < 0 || bo < 0 || (uint64_t)bo > filesize)
		goto bad;
	if (n[0] + n[1] > 0) {
		p->fm_block = xmalloc((n[0] + 1 + n[1] + 1) * sizeof(char *));
		v[0] = (char **)(void *)p->fm_block;
		v[1] = v[0] + n[0] + 1;
		for (j = 0; j < 2; j++) {
			cache_get_num(&lists, &k[j]);
			for (i = 0; i < n[j]; i++) {
				cache_get_span(&lists, &str, &len);
				v[j][i] = (char *)str;
			}
			v[j][n[j]] = NULL;
		}
		/* As the front matter gives them: none is no list. */
		p->aliases = n[0] > 0 ? v[0] : NULL;
		p->tags = n[1] > 0 ? v[1] : NULL;
	}
	p->naliases = n[0];
	p->ntags = n[1];
	p->fm_borrowed = 1;
	p->layout_line = (size_t)ll;
	p->weight = w;
	p->has_weight = hw != 0;
	p->draft = dr != 0;
	p->members = mem != 0;
	p->access_set = as != 0;
	p->aliases_line = (size_t)al;
	p->body_off = (size_t)bo;
	p->body_line = (size_t)bl;
	/* The record as it is for the next cache (page_fmrec): not copied. */
	buf_reset(&p->fmrec);
	p->fm_cached = 1;
	return 0;
bad:
	for (i = 0; i < 6; i++)
		*fields[i] = NULL;
	return -1;
}

static int
same_stat(const struct cache_stat *a, const struct cache_stat *b)
{
	/* A time of 0: recorded as not to be trusted (cache_put). */
	return a->mtime != 0 && a->ino == b->ino && a->size == b->size &&
	    a->mtime == b->mtime && a->ctime == b->ctime;
}

/* Read a page's file and its front matter. */
static int
load_page(struct site *s, struct page *p)
{
	struct buf e = BUF_INIT;
	struct ynode *fm = NULL;
	size_t bad, off, next, k, line = 1, fm_start;
	const char *t;
	int rc = -1;

	if (p->st.size > SITE_MAX_PAGE_BYTES) {
		site_error(s, "%s: file is larger than %u MiB", p->file,
		    SITE_MAX_PAGE_BYTES >> 20);
		return -1;
	}
	/* In its folder when the walk kept that open (look_at), and sized
	 * by what it saw there. */
	if ((p->dirfd != -1 ? buf_read_file_at(&p->text, p->dirfd, p->src +
	    strlen(p->srcdir), (size_t)p->st.size) :
	    buf_read_file(&p->text, p->file)) == -1) {
		site_error(s, "%s: cannot read: %s", p->file, strerror(errno));
		return -1;
	}
	p->srchash = hash64(p->text.ptr, p->text.len, 0);
	t = p->text.ptr;
	if (!utf8_valid(t, p->text.len, &bad)) {
		for (k = 0; k < bad; k++)
			line += t[k] == '\n';
		site_error(s, "%s:%zu: not valid UTF-8 (save the file as "
		    "UTF-8; byte %zu)", p->file, line, bad + 1);
		return -1;
	}
	off = p->text.len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	k = linelen(t + off, p->text.len - off, &next);
	if (!is_fence(t + off, k, 0)) {
		site_error(s, "%s:1: missing front matter: start the file "
		    "with a line '---', then 'title: ...', then '---'", p->file);
		return -1;
	}
	off += next;
	fm_start = off;
	line = 2;
	for (;;) {
		if (off >= p->text.len) {
			site_error(s, "%s:1: front matter is not closed: end it "
			    "with a line '---'", p->file);
			return -1;
		}
		k = linelen(t + off, p->text.len - off, &next);
		if (is_fence(t + off, k, 1))
			break;
		off += next;
		line++;
	}
	if (off - fm_start > SITE_MAX_FM_BYTES) {
		site_error(s, "%s:2: front matter is larger than %u KiB",
		    p->file, SITE_MAX_FM_BYTES >> 10);
		return -1;
	}
	fm = yaml_load(t + fm_start, off - fm_start, p->file, 2, &e);
	if (fm == NULL) {
		site_take_errors(s, &e);
		goto out;
	}
	if (fm->kind != YNODE_MAP) {
		site_error(s, "%s:2: front matter must be keys and values "
		    "('title: ...')", p->file);
		goto out;
	}
	p->body_off = off + next;
	p->body_line = line + 1;
	if ((rc = front_matter(s, p, fm)) == 0)
		fm_record(p);
out:
	ynode_free(fm);
	buf_release(&e);
	return rc;
}

/* ---------------------------------------------------------------- *
 * site.yaml
 * ---------------------------------------------------------------- */

static const char *const site_keys[] = {
	"title", "description", "language", "theme", "pattern", "base_url",
	"copyright", "news", "per_page", "menus", "app", "mail",
};

static int
load_config(struct site *s, struct ynode **rootp)
{
	struct buf path = BUF_INIT, text = BUF_INIT, e = BUF_INIT;
	struct ynode *root = NULL;
	size_t i;
	int rc = -1;

	buf_printf(&path, "%s/site.yaml", s->dir);
	if (buf_read_file(&text, path.ptr) == -1) {
		site_error(s, "%s: cannot read: %s", path.ptr, strerror(errno));
		goto out;
	}
	s->config_hash = hash64(text.ptr, text.len, 0);
	if ((root = yaml_load(text.ptr, text.len, path.ptr, 1, &e)) == NULL) {
		site_take_errors(s, &e);
		goto out;
	}
	if (root->kind != YNODE_MAP) {
		site_error(s, "%s:1: site.yaml must be keys and values", path.ptr);
		goto out;
	}
	s->language = xstrdup("ja");
	s->theme = xstrdup("default");
	s->pattern = xstrdup("top");
	s->per_page = 10;
	for (i = 0; i < root->n; i++) {
		const struct ynode *k = root->keys[i], *v = root->items[i];
		const char *key = k->str;
		char **dst = NULL;

		if (strcmp(key, "menus") == 0) {
			if (v->kind != YNODE_MAP && !ynode_is_null(v))
				site_error(s, "%s:%zu: 'menus' must map menu "
				    "names to lists", path.ptr, v->line);
			continue;
		}
		/* The programs' settings (cgi/core/conf.h), checked by
		 * them when they start. */
		if (strcmp(key, "app") == 0 || strcmp(key, "mail") == 0) {
			if (v->kind != YNODE_MAP && !ynode_is_null(v))
				site_error(s, "%s:%zu: '%s' must be keys and "
				    "values", path.ptr, v->line, key);
			continue;
		}
		if (ynode_is_null(v) && v->kind == YNODE_SCALAR &&
		    is_known_key(key, site_keys,
		    sizeof(site_keys) / sizeof(site_keys[0])))
			continue;	/* as if not written: keep the default */
		if (strcmp(key, "per_page") == 0) {
			if (ynode_int(v, path.ptr, key, &s->per_page, &e) == 0 &&
			    (s->per_page < 1 || s->per_page > 1000))
				site_error(s, "%s:%zu: per_page must be between "
				    "1 and 1000", path.ptr, v->line);
			continue;
		}
		if (strcmp(key, "title") == 0)
			dst = &s->title;
		else if (strcmp(key, "description") == 0)
			dst = &s->description;
		else if (strcmp(key, "language") == 0)
			dst = &s->language;
		else if (strcmp(key, "theme") == 0)
			dst = &s->theme;
		else if (strcmp(key, "pattern") == 0)
			dst = &s->pattern;
		else if (strcmp(key, "base_url") == 0)
			dst = &s->base_url;
		else if (strcmp(key, "copyright") == 0)
			dst = &s->copyright;
		else if (strcmp(key, "news") == 0)
			dst = &s->news_dir;
		else {
			unknown_key(s, path.ptr, k, site_keys,
			    sizeof(site_keys) / sizeof(site_keys[0]));
			continue;
		}
		free(*dst);
		*dst = fm_string(s, path.ptr, key, v);
		if (*dst == NULL)
			continue;
		if (dst == &s->pattern && strcmp(s->pattern, "top") != 0 &&
		    strcmp(s->pattern, "side") != 0)
			site_error(s, "%s:%zu: pattern '%s' must be 'top' (top "
			    "navigation) or 'side' (side navigation)", path.ptr,
			    v->line, s->pattern);
		if (dst == &s->theme && !valid_layout(s->theme))
			site_error(s, "%s:%zu: theme '%s' must be a folder name",
			    path.ptr, v->line, s->theme);
		if (dst == &s->base_url) {
			if (strncmp(s->base_url, "https://", 8) != 0 &&
			    strncmp(s->base_url, "http://", 7) != 0)
				site_error(s, "%s:%zu: base_url '%s' must start "
				    "with https:// or http://", path.ptr,
				    v->line, s->base_url);
			else if (!str_endswith(s->base_url, "/")) {
				char *b = xmalloc(strlen(s->base_url) + 2);

				sprintf(b, "%s/", s->base_url);
				free(s->base_url);
				s->base_url = b;
			}
		}
		if (dst == &s->news_dir) {
			struct buf n = BUF_INIT;

			if (path_normalize(&n, s->news_dir, strlen(s->news_dir)) ||
			    n.len == 0) {
				site_error(s, "%s:%zu: news '%s' must name a "
				    "folder of the site", path.ptr, v->line,
				    s->news_dir);
			} else {
				if (n.ptr[n.len - 1] != '/')
					buf_putc(&n, '/');
				free(s->news_dir);
				s->news_dir = buf_detach(&n, NULL);
			}
			buf_release(&n);
		}
	}
	site_take_errors(s, &e);
	if (s->title == NULL || s->title[0] == '\0')
		site_error(s, "%s:1: missing 'title'", path.ptr);
	rc = s->nerr ? -1 : 0;
out:
	*rootp = root;
	buf_release(&path);
	buf_release(&text);
	buf_release(&e);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Walking the content folder
 * ---------------------------------------------------------------- */

static void
add_output(struct site *s, const char *out, const char *who)
{
	void *old = NULL;

	if (map_add(&s->outputs, out, strlen(out), (void *)who, &old) == -1)
		site_error(s, "%s: writes '%s', which %s also writes", who, out,
		    (const char *)old);
}

void
site_add_output(struct site *s, const char *out)
{
	size_t n = s->outputs.count;
	char *k = xstrdup(out);

	/* The map keeps the names it is given (site_load): this one the
	 * site's own. */
	add_output(s, k, "gen");
	if (s->outputs.count == n) {
		free(k);
		return;
	}
	s->gen_outputs = xreallocarray(s->gen_outputs, s->ngen_outputs + 1,
	    sizeof(*s->gen_outputs));
	s->gen_outputs[s->ngen_outputs++] = k;
}

static void
page_free(struct page *p)
{
	/* src, srcdir and path are in file (queue_page). */
	free(p->outdir);	/* out is in it (build_tree) */
	free(p->file);
	free(p->kids);
	if (p->order_own)
		free((char *)p->order);
	fm_clear(p);
	buf_release(&p->text);
	buf_release(&p->load_errs);
	buf_release(&p->search);
	buf_release(&p->fmrec);
	buf_release(&p->outs);
	page_doc_release(p);
	/* The struct itself is the site's (page_new). */
}

/*
 * Pages are allocated a slab at a time, mapped with their memory filled
 * in at once, and go with the site: a site of ten thousand pages
 * otherwise takes a page fault for every few of them as the walk finds
 * them.  The slabs grow from 64 KiB (a hundred pages: a small site's
 * build does not zero megabytes it never uses) to 2 MiB.
 */
#define SITE_SLAB_FIRST	((size_t)64 << 10)
#define SITE_SLAB_MAX	((size_t)2 << 20)

/* The size of slab i: 64, 128, 256 and 512 KiB, then 2 MiB. */
static size_t
slab_bytes(size_t i)
{
	return i < 4 ? SITE_SLAB_FIRST << i : SITE_SLAB_MAX;
}

static struct page *
page_new(struct site *s)
{
	struct page *v;

	if (s->slab_left == 0) {
		if (KK_SANITIZED) {
			/* Each page its own block, so that ASan sees its
			 * edges. */
			v = xcalloc(1, sizeof(*v));
			s->slab_left = 1;
		} else {
			if ((v = xmap(slab_bytes(s->nslabs))) == NULL) {
				/* As xmalloc() does. */
				fputs("fatal: out of memory\n", stderr);
				abort();
			}
			s->slab_left = slab_bytes(s->nslabs) / sizeof(*v);
		}
		s->slabs = xreallocarray(s->slabs, s->nslabs + 1,
		    sizeof(*s->slabs));
		s->slabs[s->nslabs++] = v;
		s->slab_next = v;
	}
	s->slab_left--;
	return s->slab_next++;	/* zeroed */
}

static void
to_cache_stat(struct cache_stat *cs, const struct stat *st)
{
	cs->ino = (uint64_t)st->st_ino;
	cs->size = (uint64_t)st->st_size;
	cs->mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 +
	    st->st_mtim.tv_nsec;
	cs->ctime = (int64_t)st->st_ctim.tv_sec * 1000000000 +
	    st->st_ctim.tv_nsec;
}

/*
 * Reading the pages the walk finds, on every core: while the walk goes on
 * when nothing else needs the cores then (no last build's cache being
 * read), else once it is done.  The walk hands each page over under the
 * lock; the readers take a few at a time, in the walk's order.
 */
struct load_job {
	struct site	*site;
	size_t		 next;		/* the next of site->pending to read */
	int		 walking;	/* the walk may hand over more */
	int		 waiting;	/* readers waiting for it to */
	pthread_mutex_t	 lock;
	pthread_cond_t	 more;
	pthread_t	*tid;
	unsigned	 started;	/* readers, the walking thread among
					   them */
};

#define LOAD_BATCH	8

static void
load_queue(struct site *s, struct page *p)
{
	struct load_job *job = s->loading;

	if (job != NULL)
		pthread_mutex_lock(&job->lock);
	if (s->npending == s->pending_cap) {
		s->pending_cap = s->pending_cap ? s->pending_cap * 2 : 64;
		s->pending = xreallocarray(s->pending, s->pending_cap,
		    sizeof(*s->pending));
	}
	s->pending[s->npending++] = p;
	if (job != NULL) {
		if (job->waiting > 0)
			pthread_cond_signal(&job->more);
		pthread_mutex_unlock(&job->lock);
	}
}

/* A page found by the walk, to be read with the others (load_pages);
 * `st` NULL when the loading thread is to look at the file. */
static void
queue_page(struct site *s, const char *rel, const char *dir, const char *name,
    const struct stat *st, int dirfd)
{
	struct page *p = page_new(s);
	size_t dl = strlen(s->dir), rl = strlen(rel), sl = strlen(dir);
	size_t nl = strlen(name), pl;
	int index = strcmp(name, "index.md") == 0, section;
	char *q;

	p->dirfd = dirfd;
	if (st != NULL)
		to_cache_stat(&p->st, st);
	else
		p->need_stat = 1;
	section = strcmp(name, "_index.md") == 0;
	p->kind = section ? (dir[0] == '\0' ? PAGE_HOME : PAGE_SECTION) :
	    PAGE_REGULAR;
	/* "a/b.md" is the page "a/b/"; "a/index.md" and "a/_index.md" are
	 * "a/". */
	pl = section || index ? sl : sl + nl - 3 + 1;
	/* The file's path, its name in the site, its folder and its path
	 * as a page: one allocation (page_free). */
	p->file = q = xmalloc(dl + 1 + rl + 1 + sl + 1 + pl + 1);
	memcpy(q, s->dir, dl);
	q[dl] = '/';
	memcpy(q + dl + 1, rel, rl + 1);
	p->src = q + dl + 1;
	q += dl + 1 + rl + 1;
	p->srcdir = memcpy(q, dir, sl + 1);
	q += sl + 1;
	p->path = memcpy(q, dir, sl);
	if (!section && !index) {
		memcpy(q + sl, name, nl - 3);
		q[pl - 1] = '/';
	}
	q[pl] = '\0';
	buf_init(&p->text);
	buf_init(&p->load_errs);
	buf_init(&p->search);
	buf_init(&p->fmrec);
	buf_init(&p->outs);
	load_queue(s, p);
}

/* A page read (or not: `loaded` is 0), into the site's maps and list. */
static void
add_page(struct site *s, struct page *p, int loaded)
{
	void *old, *marker = NULL;

	if (!loaded)
		marker = &broken_marker;
	else if (p->draft && !s->drafts)
		marker = &draft_marker;
	if (marker != NULL) {
		map_put(&s->by_src, p->src, strlen(p->src), marker);
		if (map_get(&s->by_path, p->path, strlen(p->path)) == NULL)
			map_put(&s->by_path, p->path, strlen(p->path), marker);
		/* Its names stay, as the maps' keys; the rest goes. */
		buf_release(&p->text);
		page_doc_release(p);
		s->dropped = xreallocarray(s->dropped, s->ndropped + 1,
		    sizeof(*s->dropped));
		s->dropped[s->ndropped++] = p;
		return;
	}
	map_put(&s->by_src, p->src, strlen(p->src), p);
	if (map_add(&s->by_path, p->path, strlen(p->path), p, &old) == -1) {
		if (real(old) != NULL)
			site_error(s, "%s: is the same page as %s (both make "
			    "'/%s')", p->file, ((struct page *)old)->file,
			    p->path);
		else
			map_put(&s->by_path, p->path, strlen(p->path), p);
	}
	if (s->npages == s->pages_cap) {
		s->pages_cap = s->pages_cap ? s->pages_cap * 2 : 64;
		s->pages = xreallocarray(s->pages, s->pages_cap,
		    sizeof(*s->pages));
	}
	s->pages[s->npages++] = p;
}

/* The page's file as the walk would have seen it, if it did not look. */
static int
look_at(struct site *s, struct page *p)
{
	struct stat st;

	if (!p->need_stat)
		return 0;
	/* In its folder, not from the root: a lookup of one name. */
	if ((p->dirfd != -1 ? fstatat(p->dirfd, p->src + strlen(p->srcdir),
	    &st, AT_SYMLINK_NOFOLLOW) :
	    lstat(p->file, &st)) == -1) {
		site_error(s, "%s: %s", p->file, strerror(errno));
		return -1;
	}
	/* Changed since readdir(): as the walk says of such files. */
	if (!S_ISREG(st.st_mode)) {
		site_error(s, "%s: is %s", p->file, S_ISLNK(st.st_mode) ?
		    "a symbolic link, which gen does not follow (put the file "
		    "itself in the site)" : "not a file");
		return -1;
	}
	to_cache_stat(&p->st, &st);
	p->need_stat = 0;
	return 0;
}

/* A page the last build recorded, its file unchanged: its front matter
 * from the record, the file not read.  1 when so. */
static int
load_cached(struct site *s, struct page *p, size_t i)
{
	/* The walk finds the pages in the order the last build did. */
	if (s->cache == NULL ||
	    (p->rec = cache_get(s->cache, p->src, i)) == NULL)
		return 0;
	if (!same_stat(&p->rec->st, &p->st) ||
	    fm_restore(p, p->rec, p->st.size) == -1)
		return 0;
	p->srchash = p->rec->srchash;
	p->from_cache = 1;
	return 1;
}

int
site_read_page(struct site *s, struct page *p, struct buf *err)
{
	(void)s;
	if (!p->from_cache)
		return 0;
	if (buf_read_file(&p->text, p->file) == -1) {
		buf_printf(err, "%s: cannot read: %s\n", p->file,
		    strerror(errno));
		return -1;
	}
	if (hash64(p->text.ptr, p->text.len, 0) != p->srchash ||
	    p->body_off > p->text.len) {
		buf_printf(err, "%s: changed while gen was building; run gen "
		    "build again\n", p->file);
		return -1;
	}
	p->from_cache = 0;
	return 0;
}

static void *
load_worker(void *arg)
{
	struct load_job *job = arg;
	struct site *s = job->site;
	struct page *batch[LOAD_BATCH];
	size_t i, n, first;

	pthread_mutex_lock(&job->lock);
	for (;;) {
		while (job->next >= s->npending && job->walking) {
			job->waiting++;
			pthread_cond_wait(&job->more, &job->lock);
			job->waiting--;
		}
		if (job->next >= s->npending)
			break;
		first = job->next;
		for (n = 0; n < LOAD_BATCH && job->next < s->npending; n++)
			batch[n] = s->pending[job->next++];
		pthread_mutex_unlock(&job->lock);
		for (i = 0; i < n; i++) {
			struct page *p = batch[i];

			page_errors = &p->load_errs;
			p->load_ok = look_at(s, p) == 0 &&
			    (load_cached(s, p, first + i) ||
			    load_page(s, p) == 0);
			page_errors = NULL;
			/* Here, where its strings were just read, not where
			 * each list of thousands goes through them. */
			if (p->load_ok) {
				p->listhash = hash_cstr(p->description,
				    hash_cstr(p->date, hash_cstr(p->title, 0)));
				p->sorthash = hash_cstr(p->src, hash_pair(
				    hash_pair(p->listhash,
				    (uint64_t)p->has_weight),
				    (uint64_t)p->weight));
			}
		}
		pthread_mutex_lock(&job->lock);
	}
	pthread_mutex_unlock(&job->lock);
	return NULL;
}

/* The readers started, on every core but this one's: `walking` while the
 * walk is still to hand them pages. */
static void
load_start(struct site *s, struct load_job *job, int walking)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t, jobs = n > 1 ? (unsigned)n : 1;

	job->site = s;
	job->next = 0;
	job->walking = walking;
	job->waiting = 0;
	pthread_mutex_init(&job->lock, NULL);
	pthread_cond_init(&job->more, NULL);
	job->tid = xcalloc(jobs, sizeof(*job->tid));
	job->started = 1;
	for (t = 1; t < jobs; t++) {
		if (pthread_create(&job->tid[t], NULL, load_worker, job) != 0)
			break;	/* fewer readers; the work still gets done */
		job->started++;
	}
	s->loading = walking ? job : NULL;
}

/*
 * Every page the walk found read and parsed, this thread reading too once
 * the walk is done; then added in the walk's order, with their messages,
 * so that the result does not depend on the threads.
 */
static void
load_pages(struct site *s, struct load_job *job)
{
	unsigned t;
	size_t i;

	pthread_mutex_lock(&job->lock);
	job->walking = 0;
	pthread_cond_broadcast(&job->more);
	pthread_mutex_unlock(&job->lock);
	s->loading = NULL;
	load_worker(job);
	for (t = 1; t < job->started; t++)
		pthread_join(job->tid[t], NULL);
	map_reserve(&s->by_src, s->npending);
	map_reserve(&s->by_path, s->npending);
	if (s->pages_cap < s->npending) {
		s->pages_cap = s->npending;
		s->pages = xreallocarray(s->pages, s->pages_cap,
		    sizeof(*s->pages));
	}
	for (i = 0; i < s->nwalk_fds; i++)
		close(s->walk_fds[i]);
	free(s->walk_fds);
	s->walk_fds = NULL;
	s->nwalk_fds = 0;
	for (i = 0; i < s->npending; i++) {
		struct page *p = s->pending[i];

		site_take_errors(s, &p->load_errs);
		buf_release(&p->load_errs);
		p->dirfd = -1;
		add_page(s, p, p->load_ok);
	}
	free(s->pending);
	s->pending = NULL;
	s->npending = s->pending_cap = 0;
	free(job->tid);
	pthread_mutex_destroy(&job->lock);
	pthread_cond_destroy(&job->more);
}

/* The hash a page or file keeps of its output's name (outhash), which
 * digests and keys take instead of the name. */
static uint64_t
out_hash(const char *out)
{
	return hash64(out, strlen(out), 0);
}

static void
add_asset(struct site *s, const char *rel)
{
	struct asset *a;

	if (s->nassets == s->assets_cap) {
		s->assets_cap = s->assets_cap ? s->assets_cap * 2 : 64;
		s->assets = xreallocarray(s->assets, s->assets_cap,
		    sizeof(*s->assets));
	}
	a = &s->assets[s->nassets++];
	a->src = xstrdup(rel);
	a->out = xstrdup(rel);
	a->outhash = out_hash(a->out);
	a->file = NULL;
}

/* Record folder `rel` for the next build's cache: with the last cache's
 * entries `cd`, or those just read (d). */
static void
keep_dir(struct site *s, const char *rel, const struct stat *st,
    const struct cache_dir *cd, const struct fs_dir *d)
{
	struct site_dir *sd;
	struct buf e = BUF_INIT;
	size_t i;

	if (s->ndirs == s->dirs_cap) {
		s->dirs_cap = s->dirs_cap ? s->dirs_cap * 2 : 16;
		s->dirs = xreallocarray(s->dirs, s->dirs_cap,
		    sizeof(*s->dirs));
	}
	sd = &s->dirs[s->ndirs++];
	sd->path = xstrdup(rel);
	to_cache_stat(&sd->st, st);
	if (cd != NULL) {
		sd->ents = cd->ents;
		sd->entslen = cd->entslen;
		sd->own = NULL;
		return;
	}
	for (i = 0; i < d->n; i++) {
		buf_putc(&e, (char)d->types[i]);
		buf_add(&e, d->names[i], strlen(d->names[i]) + 1);
	}
	sd->ents = sd->own = buf_detach(&e, &sd->entslen);
}

/*
 * The entries of folder `rel` (whose identity is st) from the last
 * build's cache into d, when it has them and the folder is as it was:
 * 1, and the folder is recorded for the next build.  Its entries, as
 * fs_dir_read() gives them, point into the cache.
 */
static int
read_dir_cached(struct site *s, const char *rel, const struct stat *st,
    struct fs_dir *d)
{
	const struct cache_dir *cd = cache_get_dir(s->cache, rel, s->ndirs);
	struct cache_stat now;
	const char *e, *end;
	size_t n = 0;

	to_cache_stat(&now, st);
	if (cd == NULL || !same_stat(&cd->st, &now))
		return 0;
	end = cd->ents + cd->entslen;
	for (e = cd->ents; e < end; e += strlen(e + 1) + 2)
		n++;
	memset(d, 0, sizeof(*d));
	d->names = xcalloc(n + 1, sizeof(*d->names));
	d->types = xcalloc(n + 1, 1);
	for (e = cd->ents; e < end; e += strlen(e + 1) + 2) {
		d->types[d->n] = (unsigned char)e[0];
		d->names[d->n++] = (char *)e + 1;
	}
	keep_dir(s, rel, st, cd, NULL);
	return 1;
}

static int
walk(struct site *s, const char *rel, int depth)
{
	struct buf full = BUF_INIT, sub = BUF_INIT;
	struct stat st;
	struct fs_dir d;
	size_t i;
	int rc = 0, dfd, pages = 0, keepfd, rec;

	if (depth > SITE_MAX_DEPTH) {
		site_error(s, "%s/%s: folders nested deeper than %d", s->dir,
		    rel, SITE_MAX_DEPTH);
		return -1;
	}
	buf_printf(&full, "%s/%s", s->dir, rel);
	/* Each name looked up in its folder, not from the root: a site of
	 * thousands of pages is thousands of lookups. */
	if ((dfd = open(full.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		site_error(s, "%s: cannot open directory: %s", full.ptr,
		    strerror(errno));
		buf_release(&full);
		return -1;
	}
	/* The folder as the last build listed it, if it cannot have
	 * changed since; its identity, for the next build. */
	rec = s->cache != NULL && fstat(dfd, &st) == 0;
	if (!rec || !read_dir_cached(s, rel, &st, &d)) {
		if (fs_dir_read(dfd, full.ptr, &d, &s->err) == -1) {
			s->nerr++;
			close(dfd);
			buf_release(&full);
			return -1;
		}
		if (rec)
			keep_dir(s, rel, &st, NULL, &d);
	}
	/* Kept open for the loading threads to look at its pages in, as
	 * long as that leaves descriptors enough for the rest. */
	keepfd = s->nwalk_fds < SITE_WALK_FDS;
	for (i = 0; i < d.n; i++) {
		const char *name = d.names[i];

		if (fs_skipped_name(name))
			continue;	/* editors' and VCS files */
		/* Not content: settings, page templates, themes and the
		 * default output of a build run inside the site folder. */
		if (depth == 0 && (strcmp(name, "site.yaml") == 0 ||
		    strcmp(name, "archetypes") == 0 ||
		    strcmp(name, "themes") == 0 ||
		    strcmp(name, "public") == 0))
			continue;
		buf_reset(&sub);
		buf_puts(&sub, rel);
		buf_puts(&sub, name);
		/* A page's file is looked at (stat) on the loading threads,
		 * all at once: here its name, and the kind readdir() gave,
		 * are enough. */
		if (d.types[i] == DT_REG && str_endswith(name, ".md")) {
			queue_page(s, sub.ptr, rel, name, NULL,
			    keepfd ? dfd : -1);
			pages++;
			continue;
		}
		if (d.types[i] == DT_REG) {
			add_asset(s, sub.ptr);
			continue;
		}
		buf_reset(&full);
		buf_puts(&full, s->dir);
		buf_putc(&full, '/');
		buf_addbuf(&full, &sub);
		/* Only what is really inside the folder: a link could bring
		 * in any file of the machine, or loop. */
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			site_error(s, "%s: %s", full.ptr, strerror(errno));
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			site_error(s, "%s: is a symbolic link, which gen does not "
			    "follow (put the file itself in the site)", full.ptr);
			continue;
		}
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			site_error(s, "%s: is neither a file nor a folder",
			    full.ptr);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth == 0 && strcmp(name, "data") == 0) {
				char **dn = NULL;
				long dnn = fs_list(full.ptr, &dn, &s->err), j;

				for (j = 0; j < dnn; j++) {
					if (!str_endswith(dn[j], ".yaml") ||
					    fs_skipped_name(dn[j]))
						continue;
					s->datafiles = xreallocarray(s->datafiles,
					    s->ndatafiles + 1, sizeof(char *));
					buf_reset(&full);
					buf_printf(&full, "data/%s", dn[j]);
					s->datafiles[s->ndatafiles++] =
					    xstrdup(full.ptr);
				}
				if (dnn < 0)
					s->nerr++;
				fs_list_free(dn, dnn);
				continue;
			}
			buf_putc(&sub, '/');
			if (walk(s, sub.ptr, depth + 1) == -1)
				rc = -1;
		} else if (str_endswith(name, ".md"))
			queue_page(s, sub.ptr, rel, name, &st, -1);
		else
			add_asset(s, sub.ptr);
	}
	if (keepfd && pages > 0) {
		s->walk_fds = xreallocarray(s->walk_fds, s->nwalk_fds + 1,
		    sizeof(*s->walk_fds));
		s->walk_fds[s->nwalk_fds++] = dfd;
	} else
		close(dfd);
	fs_dir_free(&d);
	buf_release(&full);
	buf_release(&sub);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Tree, access, outputs, sorting
 * ---------------------------------------------------------------- */

/*
 * The nearest page whose own folder is `dir` ("a/b/") or encloses it:
 * with `sections`, only sections and the home page count; otherwise any
 * page ("x/" is the folder of x/_index.md, x/index.md and x.md).
 */
static struct page *
nearest(struct site *s, const char *dir, int sections)
{
	struct buf d = BUF_INIT;
	struct page *p;

	buf_puts(&d, dir);
	for (;; path_up(&d)) {
		p = real(map_get(&s->by_path, d.ptr, d.len));
		if ((p != NULL && (!sections || p->kind != PAGE_REGULAR)) ||
		    d.len == 0)
			break;
	}
	buf_release(&d);
	return p != NULL && (!sections || p->kind != PAGE_REGULAR) ? p : NULL;
}

static int
members_of(struct page *p)
{
	/* The folder members/ is the area the server guards, all of it:
	 * a page there is never public, whatever it says. */
	if (strncmp(p->path, "members/", 8) == 0)
		return p->members = 1;
	if (p->access_set || p->parent == NULL)
		return p->members;
	return p->members = members_of(p->parent);
}

static int
cmp_weight(const struct page *a, const struct page *b)
{
	int c;

	/* Pages with a weight first, lower first; then by title. */
	if (a->has_weight != b->has_weight)
		return a->has_weight ? -1 : 1;
	if (a->has_weight && a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	if ((c = strcmp(a->title, b->title)) != 0)
		return c;
	return strcmp(a->src, b->src);
}

static int
cmp_news(const void *x, const void *y)
{
	const struct page *a = *(struct page *const *)x;
	const struct page *b = *(struct page *const *)y;
	int c;

	/* Newest first; sections (no date) after the items. */
	if ((a->date == NULL) != (b->date == NULL))
		return a->date == NULL ? 1 : -1;
	if (a->date != NULL && (c = strcmp(b->date, a->date)) != 0)
		return c;
	return cmp_weight(a, b);
}

/*
 * A page's place in its section's order as numbers, which compared word
 * by word order pages as cmp_news() or cmp_weight() does: the date (news
 * only), the weight (if any page of the section has one) and the first
 * bytes of the title; when they are all equal, the title and then the
 * source decide, copied side by side for the section.  Sorting a section
 * of thousands compares each page with a dozen others: this way in a few
 * arrays, not in pages and titles all over memory, and with no call for
 * each comparison.
 */
#define SORT_TITLE_WORDS 6	/* the title's first 48 bytes */
#define SORT_WORDS	(4 + SORT_TITLE_WORDS)

struct sort_key {
	uint64_t	 w[SORT_WORDS];
	size_t		 names;	/* the title and the source, each NUL-ended,
				   in the section's copy */
	struct page	*p;
};

/* Up to 8 bytes of s (of length len) from `off`, 0 past its end, the
 * first the most significant: ordered as strcmp() orders them. */
static uint64_t
prefix_word(const char *s, size_t len, size_t off)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		w = w << 8 | (off + i < len ? (unsigned char)s[off + i] : 0);
	return w;
}

/* What a section's keys hold: the date (news), the weight (when a page
 * of the section has one) and the title's first bytes. */
struct sort_plan {
	int		 news, weights;
	size_t		 nw;	/* words used */
};

/* The key of page p, its names copied into `names`; 0, or -1 when its
 * date does not fit the words (dates are ten bytes; then the section is
 * sorted with cmp_news()). */
static int
sort_key_of(struct sort_key *k, struct page *p, const struct sort_plan *sp,
    struct buf *names)
{
	size_t dl = sp->news && p->date != NULL ? strlen(p->date) : 0;
	size_t tl = strlen(p->title), i, w = 0;

	k->p = p;
	k->names = names->len;
	buf_add(names, p->title, tl + 1);
	buf_add(names, p->src, strlen(p->src) + 1);
	if (sp->news) {
		/* Newest first; no date after every date (whose first
		 * byte is not 0, nor then its first word all ones). */
		k->w[w++] = dl > 0 ? ~prefix_word(p->date, dl, 0) : UINT64_MAX;
		k->w[w++] = dl > 0 ? ~prefix_word(p->date, dl, 8) : UINT64_MAX;
	}
	if (sp->weights) {
		/* Weighted first, lower first (the sign bit flipped:
		 * unsigned order is then signed order). */
		k->w[w++] = !p->has_weight;
		k->w[w++] = p->has_weight ?
		    (uint64_t)p->weight ^ (UINT64_C(1) << 63) : 0;
	}
	for (i = 0; w < sp->nw; i++)
		k->w[w++] = prefix_word(p->title, tl, i * 8);
	return dl >= 16 ? -1 : 0;
}

static int
cmp_sort_key(const struct sort_key *a, const struct sort_key *b,
    size_t nw, const char *names)
{
	const char *x = names + a->names, *y = names + b->names;
	size_t i;
	int c;

	for (i = 0; i < nw; i++)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	if ((c = strcmp(x, y)) != 0)
		return c;
	return strcmp(x + strlen(x) + 1, y + strlen(y) + 1);
}

/* Sort v[0..n) by cmp_sort_key(), with tmp as room for n: merges of
 * runs sorted by insertion. */
static void
sort_keys(const struct sort_key **v, const struct sort_key **tmp, size_t n,
    size_t nw, const char *names)
{
	const struct sort_key **from = v, **to = tmp, **t, *x;
	size_t run = 8, i, j, k, lo, mid, hi;

	for (lo = 0; lo < n; lo += run) {
		hi = lo + run < n ? lo + run : n;
		for (i = lo + 1; i < hi; i++) {
			x = v[i];
			for (j = i; j > lo &&
			    cmp_sort_key(v[j - 1], x, nw, names) > 0; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	}
	for (; run < n; run *= 2) {
		for (lo = 0; lo < n; lo += 2 * run) {
			mid = lo + run < n ? lo + run : n;
			hi = lo + 2 * run < n ? lo + 2 * run : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				to[k] = j >= hi || (i < mid &&
				    cmp_sort_key(from[i], from[j], nw, names) <= 0) ?
				    from[i++] : from[j++];
		}
		t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

static int
cmp_news_key(const void *x, const void *y)
{
	const struct sort_key *a = *(const struct sort_key *const *)x;
	const struct sort_key *b = *(const struct sort_key *const *)y;

	return cmp_news(&a->p, &b->p);
}

/* What sorting section sec reads of its pages, in the order found: their
 * sorthash (load_worker), and whether it is the news section.  Never 0,
 * which records no order. */
static uint64_t
order_hash(const struct page *sec, int news)
{
	uint64_t h = hash_pair((uint64_t)news, (uint64_t)sec->nkids);
	size_t i;

	for (i = 0; i < sec->nkids; i++)
		h = hash_pair(h, sec->kids[i]->sorthash);
	return h != 0 ? h : 1;
}

/*
 * The order the last build recorded for section sec, when it was made
 * from what sorting would read now (hash h): its pages put in it, 1; else
 * 0.  Each place must be given once, or the record is not used.  was:
 * room for nkids pointers; seen: nkids bytes of 0, left so.
 */
static int
order_from_cache(struct page *sec, uint64_t h, struct page **was,
    unsigned char *seen)
{
	const struct cache_rec *r = sec->rec;
	size_t i, n = sec->nkids;
	uint32_t k;
	int ok = 1;

	if (r == NULL || r->orderhash != h || r->orderlen != n * sizeof(k))
		return 0;
	memcpy(was, sec->kids, n * sizeof(*was));
	for (i = 0; i < n && ok; i++) {
		memcpy(&k, r->order + i * sizeof(k), sizeof(k));
		if (k >= n || seen[k])
			ok = 0;
		else {
			seen[k] = 1;
			sec->kids[i] = was[k];
		}
	}
	memset(seen, 0, n);
	if (!ok) {
		memcpy(sec->kids, was, n * sizeof(*was));
		return 0;
	}
	sec->orderhash = h;
	sec->order = r->order;
	return 1;
}

/*
 * What sorting the sections takes, for the largest of them (`most`
 * pages): was and seen as order_from_cache() has them; the keys, two
 * arrays of pointers to them and the names, made only when a section is
 * sorted at all (a rebuild seldom sorts one: for a section of thousands
 * they are a hundred kilobytes of memory new to the process).
 */
struct sort_room {
	size_t		 most;
	struct page	**was;
	unsigned char	*seen;
	struct sort_key	*keys;
	const struct sort_key **v;
	struct buf	 names;
};

/*
 * A section's pages in its order: cmp_news() for the news, else
 * cmp_weight(); as the last build had them when sorting would read the
 * same of them (a rebuild sorts nothing but the sections whose pages
 * changed in what sorting reads), else sorted, and that order kept for
 * the next build.
 */
static void
sort_kids(struct page *sec, int news, struct sort_room *room)
{
	struct sort_plan sp = { news, 0, SORT_TITLE_WORDS };
	size_t i, n = sec->nkids;
	uint64_t h = order_hash(sec, news);
	struct sort_key *keys;
	const struct sort_key **v;
	struct buf *names = &room->names;
	uint32_t *own;
	int whole = 1;

	if (order_from_cache(sec, h, room->was, room->seen))
		return;
	if (room->keys == NULL) {
		room->keys = xreallocarray(NULL, room->most + 1,
		    sizeof(*room->keys));
		room->v = xreallocarray(NULL, 2 * (room->most + 1),
		    sizeof(*room->v));
	}
	keys = room->keys;
	v = room->v;
	for (i = 0; i < n && !sp.weights; i++)
		sp.weights = sec->kids[i]->has_weight;
	sp.nw += (news ? 2 : 0) + (sp.weights ? 2 : 0);
	buf_reset(names);
	for (i = 0; i < n; i++) {
		if (sort_key_of(&keys[i], sec->kids[i], &sp, names) == -1)
			whole = 0;
		v[i] = &keys[i];
	}
	if (whole)
		sort_keys(v, v + n, n, sp.nw, names->ptr);
	else
		qsort(v, n, sizeof(*v), cmp_news_key);
	own = n <= UINT32_MAX ? xreallocarray(NULL, n, sizeof(*own)) : NULL;
	for (i = 0; i < n; i++) {
		if (own != NULL)
			own[i] = (uint32_t)(v[i] - keys);
		sec->kids[i] = v[i]->p;
	}
	if (own != NULL) {
		sec->orderhash = h;
		sec->order = (const char *)own;
		sec->order_own = 1;
	}
}

static void
build_tree(struct site *s)
{
	struct page *last = NULL;
	struct sort_room room = { .names = BUF_INIT };
	size_t i, most = 0;

	s->home = real(map_gets(&s->by_path, ""));
	if (s->home == NULL || s->home->kind != PAGE_HOME) {
		/* A home page with errors has been reported already. */
		if (map_gets(&s->by_path, "") != &broken_marker)
			site_error(s, "%s/_index.md: missing: every site needs "
			    "a home page", s->dir);
		s->home = NULL;
		return;
	}
	for (i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i], *par;
		struct buf d = BUF_INIT;

		if (p->kind == PAGE_HOME)
			continue;
		/* A section's parent encloses its folder; a page's parent
		 * is the section of its own folder, the same as the page
		 * before's when that was in the same folder (pages are in
		 * path order, a folder's thousands together). */
		if (p->kind == PAGE_SECTION) {
			buf_puts(&d, p->path);
			path_up(&d);
			par = nearest(s, d.ptr, 1);
		} else if (last != NULL && last->kind == PAGE_REGULAR &&
		    strcmp(last->srcdir, p->srcdir) == 0)
			par = last->parent;
		else
			par = nearest(s, p->srcdir, 1);
		buf_release(&d);
		last = p;
		p->parent = par;
		/* content/<site>/404.md is the not-found page: no list
		 * shows it. */
		if (strcmp(p->src, "404.md") == 0) {
			p->notfound = 1;
			continue;
		}
		/* Doubled at each power of two: sections of thousands. */
		if ((par->nkids & (par->nkids - 1)) == 0)
			par->kids = xreallocarray(par->kids, par->nkids ?
			    par->nkids * 2 : 1, sizeof(*par->kids));
		par->kids[par->nkids++] = p;
	}
	if (s->news_dir != NULL) {
		s->news = real(map_gets(&s->by_path, s->news_dir));
		if (s->news != NULL && s->news->kind != PAGE_SECTION)
			s->news = NULL;
		if (s->news == NULL &&
		    map_gets(&s->by_path, s->news_dir) != &broken_marker) {
			site_error(s, "%s/site.yaml: news: '%s' is not a section "
			    "(it needs %s/%s_index.md)", s->dir, s->news_dir,
			    s->dir, s->news_dir);
		}
	}
	map_reserve(&s->outputs, s->npages + s->nassets);
	map_reserve(&s->by_asset, s->nassets);
	for (i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];
		const char *prefix;
		size_t pl, dl;

		members_of(p);
		if (s->news != NULL && p->parent == s->news &&
		    p->kind == PAGE_REGULAR) {
			p->news = 1;
			if (p->date == NULL)
				site_error(s, "%s:1: news items need a 'date' "
				    "(YYYY-MM-DD)", p->file);
		}
		p->expired = p->expires != NULL &&
		    strcmp(p->expires, s->today) < 0;
		if (p->notfound) {
			/* One allocation (page_free): "" and "404.html". */
			p->outdir = xmalloc(1 + sizeof("404.html"));
			p->outdir[0] = '\0';
			p->out = memcpy(p->outdir + 1, "404.html",
			    sizeof("404.html"));
			p->outhash = out_hash(p->out);
			add_output(s, p->out, p->file);
			continue;
		}
		prefix = p->members && strncmp(p->path, "members/", 8) != 0 ?
		    "members/" : "";
		/* outdir and out ("a/" and "a/index.html"): one allocation
		 * (page_free). */
		pl = strlen(prefix);
		dl = pl + strlen(p->path);
		p->outdir = xmalloc(dl + 1 + dl + sizeof("index.html"));
		memcpy(p->outdir, prefix, pl);
		memcpy(p->outdir + pl, p->path, dl - pl + 1);
		p->out = p->outdir + dl + 1;
		memcpy(p->out, p->outdir, dl);
		memcpy(p->out + dl, "index.html", sizeof("index.html"));
		p->outhash = out_hash(p->out);
		add_output(s, p->out, p->file);
	}
	for (i = 0; i < s->nassets; i++) {
		struct asset *a = &s->assets[i];
		struct buf f = BUF_INIT;
		struct page *owner;

		/* A file beside members pages is for members too. */
		path_dirname(&f, a->src);
		owner = nearest(s, f.ptr, 0);
		buf_reset(&f);
		if (owner != NULL && owner->members &&
		    strncmp(a->src, "members/", 8) != 0) {
			free(a->out);
			buf_printf(&f, "members/%s", a->src);
			a->out = buf_detach(&f, NULL);
			a->outhash = out_hash(a->out);
		}
		buf_printf(&f, "%s/%s", s->dir, a->src);
		a->file = buf_detach(&f, NULL);
		map_put(&s->by_asset, a->src, strlen(a->src), a);
		add_output(s, a->out, a->file);
	}
	for (i = 0; i < s->npages; i++)
		if (s->pages[i]->nkids > most)
			most = s->pages[i]->nkids;
	room.most = most;
	room.was = xreallocarray(NULL, most + 1, sizeof(*room.was));
	room.seen = xcalloc(most + 1, 1);
	for (i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];

		if (p->nkids > 1)
			sort_kids(p, p == s->news, &room);
	}
	free(room.keys);
	free(room.v);
	free(room.was);
	free(room.seen);
	buf_release(&room.names);
}

/* ---------------------------------------------------------------- *
 * Menus
 * ---------------------------------------------------------------- */

static struct page *
page_by_link(struct site *s, const char *link)
{
	struct buf n = BUF_INIT;
	struct page *p = NULL;
	const char *l = link[0] == '/' ? link + 1 : link;

	if (path_normalize(&n, l, strlen(l)) == 0) {
		if (str_endswith(n.ptr, ".md"))
			p = map_get(&s->by_src, n.ptr, n.len);
		else {
			if (n.len > 0 && n.ptr[n.len - 1] != '/')
				buf_putc(&n, '/');
			p = map_get(&s->by_path, n.ptr, n.len);
		}
	}
	buf_release(&n);
	return real(p);
}

static void
menu_add(struct menu_entry **v, size_t *n, struct menu_entry e)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = e;
}

/* Entries listed in site.yaml under menus.NAME. */
static void
menu_from_config(struct site *s, const struct ynode *menus, const char *name,
    struct menu_entry **v, size_t *n)
{
	const struct ynode *list = ynode_get(menus, name);
	char file[4096];
	size_t i;

	snprintf(file, sizeof(file), "%s/site.yaml", s->dir);
	if (list == NULL || ynode_is_null(list))
		return;
	if (list->kind != YNODE_SEQ) {
		site_error(s, "%s:%zu: menus.%s must be a list", file,
		    list->line, name);
		return;
	}
	for (i = 0; i < list->n; i++) {
		const struct ynode *it = list->items[i], *pg, *url, *title;
		struct menu_entry e;

		memset(&e, 0, sizeof(e));
		pg = it->kind == YNODE_SCALAR ? it : ynode_get(it, "page");
		url = ynode_get(it, "url");
		title = ynode_get(it, "title");
		if (pg != NULL && pg->kind == YNODE_SCALAR) {
			if ((e.page = page_by_link(s, pg->str)) == NULL) {
				site_error(s, "%s:%zu: menu page '%s' does not "
				    "exist", file, pg->line, pg->str);
				continue;
			}
		} else if (url != NULL && url->kind == YNODE_SCALAR &&
		    title != NULL && title->kind == YNODE_SCALAR) {
			e.url = xstrdup(url->str);
		} else {
			site_error(s, "%s:%zu: a menu entry needs 'page: /path/'"
			    " or both 'url' and 'title' as text", file, it->line);
			continue;
		}
		if (title != NULL && title->kind == YNODE_SCALAR)
			e.title = xstrdup(title->str);
		else
			e.title = xstrdup(e.page->title);
		e.weight = (long long)i;
		menu_add(v, n, e);
	}
}

static int
cmp_menu(const void *x, const void *y)
{
	const struct menu_entry *a = x, *b = y;

	return cmp_weight(a->page, b->page);
}

static void
build_menus(struct site *s, const struct ynode *menus)
{
	size_t i, j, first;
	unsigned id = 0;

	if (menus != NULL) {
		for (i = 0; i < menus->n; i++)
			if (strcmp(menus->keys[i]->str, "main") != 0 &&
			    strcmp(menus->keys[i]->str, "footer") != 0)
				site_error(s, "%s/site.yaml:%zu: unknown menu "
				    "'%s' (menus are 'main' and 'footer')",
				    s->dir, menus->keys[i]->line,
				    menus->keys[i]->str);
		menu_from_config(s, menus, "main", &s->menu, &s->nmenu);
		menu_from_config(s, menus, "footer", &s->footer, &s->nfooter);
	}

	/* Front matter "menu: main": top level unless an enclosing section
	 * is in the menu too, then under the outermost such section. */
	first = s->nmenu;
	for (i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i], *a;
		int nested = 0;

		if (p->menu == NULL || strcmp(p->menu, "main") != 0)
			continue;
		for (a = p->parent; a != NULL; a = a->parent)
			if (a->menu != NULL && strcmp(a->menu, "main") == 0)
				nested = 1;
		if (!nested)
			menu_add(&s->menu, &s->nmenu, (struct menu_entry){
			    .title = xstrdup(p->title), .page = p });
	}
	if (s->nmenu - first > 1)
		qsort(s->menu + first, s->nmenu - first, sizeof(*s->menu),
		    cmp_menu);
	for (i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i], *a, *top = NULL;

		if (p->menu == NULL || strcmp(p->menu, "main") != 0)
			continue;
		for (a = p->parent; a != NULL; a = a->parent)
			if (a->menu != NULL && strcmp(a->menu, "main") == 0)
				top = a;
		if (top == NULL)
			continue;
		for (j = 0; j < s->nmenu; j++)
			if (s->menu[j].page == top)
				menu_add(&s->menu[j].kids, &s->menu[j].nkids,
				    (struct menu_entry){
				    .title = xstrdup(p->title), .page = p });
	}
	for (j = 0; j < s->nmenu; j++)
		if (s->menu[j].nkids > 1)
			qsort(s->menu[j].kids, s->menu[j].nkids,
			    sizeof(*s->menu[j].kids), cmp_menu);
	for (i = 0; i < s->npages; i++)
		if (s->pages[i]->menu != NULL &&
		    strcmp(s->pages[i]->menu, "footer") == 0)
			menu_add(&s->footer, &s->nfooter, (struct menu_entry){
			    .title = xstrdup(s->pages[i]->title),
			    .page = s->pages[i] });
	/* Ids in the order the menus are written. */
	for (i = 0; i < s->nmenu; i++) {
		s->menu[i].id = ++id;
		for (j = 0; j < s->menu[i].nkids; j++)
			s->menu[i].kids[j].id = ++id;
	}
	for (i = 0; i < s->nfooter; i++)
		s->footer[i].id = ++id;
}

/* ---------------------------------------------------------------- *
 * Entry points
 * ---------------------------------------------------------------- */

char *
site_name(const char *dir)
{
	size_t n = strlen(dir);
	char *d, *name, *real;
	const char *slash;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	d = xstrndup(dir, n);
	slash = strrchr(d, '/');
	name = xstrdup(slash ? slash + 1 : d);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		real = realpath(d, NULL);
		free(name);
		slash = real ? strrchr(real, '/') : NULL;
		name = xstrdup(slash && slash[1] ? slash + 1 : "site");
		free(real);
	}
	free(d);
	return name;
}

int
site_load(struct site *s, const char *dir, int drafts, const char *today,
    struct cache *cache)
{
	struct ynode *config = NULL;
	struct load_job job;
	size_t n;
	int pipelined;

	memset(s, 0, sizeof(*s));
	buf_init(&s->err);
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	s->dir = xstrndup(dir, n);
	s->name = site_name(dir);
	s->cache = cache;
	/* Names of pages' and assets' files, which live as long as the
	 * site, and gen's own (site_add_output). */
	map_borrow_keys(&s->outputs);
	/* Sources and paths of pages, which live as long as the site. */
	map_borrow_keys(&s->by_src);
	map_borrow_keys(&s->by_path);
	s->drafts = drafts;
	snprintf(s->today, sizeof(s->today), "%s", today);

	if (load_config(s, &config) == -1)
		goto out;
	/* Pages read as they are found, unless the other cores are busy
	 * reading the last build's cache, which reading pages needs. */
	pipelined = s->cache == NULL || !cache_loading(s->cache);
	if (pipelined)
		load_start(s, &job, 1);
	walk(s, "", 0);
	/* Loaded meanwhile (build.c). */
	if (s->cache != NULL)
		cache_wait(s->cache);
	if (!pipelined)
		load_start(s, &job, 0);
	load_pages(s, &job);
	build_tree(s);
	if (s->home != NULL)
		build_menus(s, ynode_get(config, "menus"));
out:
	ynode_free(config);
	return s->nerr ? -1 : 0;
}

static void
free_menu(struct menu_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].url);
		free_menu(v[i].kids, v[i].nkids);
	}
	free(v);
}

void
site_release(struct site *s)
{
	size_t i;

	for (i = 0; i < s->npages; i++)
		page_free(s->pages[i]);
	free(s->pages);
	for (i = 0; i < s->ndropped; i++)
		page_free(s->dropped[i]);
	free(s->dropped);
	for (i = 0; i < s->nslabs; i++)
		if (KK_SANITIZED)
			free(s->slabs[i]);
		else
			xunmap(s->slabs[i], slab_bytes(i));
	free(s->slabs);
	for (i = 0; i < s->ndirs; i++) {
		free(s->dirs[i].path);
		free(s->dirs[i].own);
	}
	free(s->dirs);
	for (i = 0; i < s->nassets; i++) {
		free(s->assets[i].src);
		free(s->assets[i].out);
		free(s->assets[i].file);
	}
	free(s->assets);
	for (i = 0; i < s->ndatafiles; i++)
		free(s->datafiles[i]);
	free(s->datafiles);
	for (i = 0; i < s->nsearch_parts; i++)
		free(s->search_parts[i]);
	free(s->search_parts);
	for (i = 0; i < s->ngen_outputs; i++)
		free(s->gen_outputs[i]);
	free(s->gen_outputs);
	free_menu(s->menu, s->nmenu);
	free_menu(s->footer, s->nfooter);
	for (i = 0; i < s->nreserved; i++)
		free(s->reserved[i]);
	free(s->reserved);
	map_release(&s->reserved_ids);
	map_release(&s->by_src);
	map_release(&s->by_path);
	map_release(&s->by_asset);
	map_release(&s->outputs);
	free(s->dir);
	free(s->name);
	free(s->title);
	free(s->description);
	free(s->language);
	free(s->theme);
	free(s->pattern);
	free(s->base_url);
	free(s->copyright);
	free(s->news_dir);
	buf_release(&s->err);
}

/* ---------------------------------------------------------------- *
 * Links
 * ---------------------------------------------------------------- */


int
site_resolve(struct site *s, const struct page *p, const char *url,
    size_t len, size_t line, struct buf *out)
{
	struct buf dec = BUF_INIT, target = BUF_INIT, joined = BUF_INIT;
	const struct page *tp = NULL;
	const struct asset *as;
	const char *dest = NULL;
	size_t plen;
	int rc = -1;

	if (len == 0) {
		site_error(s, "%s:%zu: empty link", p->file, line);
		return -1;
	}
	if (url[0] == '#' || url[0] == '?' || url_is_external(url, len)) {
		buf_add(out, url, len);
		return 0;
	}
	for (plen = 0; plen < len && url[plen] != '?' && url[plen] != '#';
	    plen++)
		;
	/* Percent-decoding, so that "a%20b.pdf" finds "a b.pdf". */
	if (url_decode(&dec, url, plen) == -1) {
		site_error(s, "%s:%zu: link '%.*s' has a malformed %%-escape",
		    p->file, line, (int)len, url);
		goto out;
	}
	/* Site-root links from the root, others from the page's folder. */
	if (dec.ptr[0] == '/')
		buf_add(&joined, dec.ptr + 1, dec.len - 1);
	else {
		buf_puts(&joined, p->srcdir);
		buf_addbuf(&joined, &dec);
	}
	if (path_normalize(&target, joined.ptr, joined.len) == -1) {
		site_error(s, "%s:%zu: link '%.*s' leads outside the site",
		    p->file, line, (int)len, url);
		goto out;
	}

	if (str_endswith(target.ptr, ".md")) {
		tp = map_get(&s->by_src, target.ptr, target.len);
	} else if (target.len == 0 || target.ptr[target.len - 1] == '/') {
		tp = map_get(&s->by_path, target.ptr, target.len);
	} else if ((as = map_get(&s->by_asset, target.ptr, target.len)) != NULL) {
		dest = as->out;
	} else if (map_get(&s->outputs, target.ptr, target.len) != NULL) {
		dest = target.ptr;
	} else if (str_endswith(target.ptr, "/index.html") ||
	    strcmp(target.ptr, "index.html") == 0) {
		tp = map_get(&s->by_path, target.ptr, target.len - 10);
	} else {
		buf_putc(&target, '/');
		tp = map_get(&s->by_path, target.ptr, target.len);
		buf_truncate(&target, target.len - 1);
	}
	if (tp == (void *)&broken_marker) {
		/* The page has errors of its own, reported already. */
		rc = 0;
		goto out;
	}
	if (tp == (void *)&draft_marker) {
		site_error(s, "%s:%zu: link '%.*s' leads to a draft page, which "
		    "is not published (build with --drafts to preview it)",
		    p->file, line, (int)len, url);
		goto out;
	}
	if (tp != NULL)
		dest = tp->out;
	if (dest == NULL) {
		site_error(s, "%s:%zu: link '%.*s': no page or file '%s' in %s",
		    p->file, line, (int)len, url, target.len ? target.ptr : "/",
		    s->dir);
		goto out;
	}
	path_relative_url(out, p->outdir, dest);
	buf_add(out, url + plen, len - plen);
	rc = 0;
out:
	buf_release(&dec);
	buf_release(&target);
	buf_release(&joined);
	return rc;
}

const char *
page_fmrec(const struct page *p, size_t *len)
{
	*len = p->fm_cached ? p->rec->fmlen : p->fmrec.len;
	return p->fm_cached ? p->rec->fm : p->fmrec.ptr;
}

struct md_doc *
page_doc(struct page *p)
{
	if (p->doc == NULL) {
		p->doc = xmalloc(sizeof(*p->doc));
		md_doc_init(p->doc);
	}
	return p->doc;
}

void
page_doc_release(struct page *p)
{
	if (p->doc == NULL)
		return;
	md_doc_release(p->doc);
	free(p->doc);
	p->doc = NULL;
}

const char *
page_outs(const struct page *p, size_t *len)
{
	*len = p->kept ? p->rec->outslen : p->outs.len;
	return p->kept ? p->rec->outs : p->outs.ptr;
}

enum digest_of { DIGEST_PAGES, DIGEST_ASSETS, DIGEST_KEYS };

/* Every key of a map with where it leads, summed: order-free.  A key is
 * taken by the hash the map keeps of it, and where it leads by the hash
 * of that output's name, kept with it: nothing is read again, as the
 * maps hold tens of thousands of keys, all over the heap. */
static uint64_t
map_digest(const struct map *m, uint64_t seed, enum digest_of what)
{
	uint64_t d = 0, draft = hash64("draft", 5, 1),
	    broken = hash64("broken", 6, 1), none = hash64("", 0, 0), to;
	size_t i;

	for (i = 0; i < m->cap; i++) {
		const struct map_slot *sl = &m->slots[i];

		if (sl->key == NULL)
			continue;
		if (sl->val == &draft_marker)
			to = draft;
		else if (sl->val == &broken_marker)
			to = broken;
		else if (what == DIGEST_PAGES)
			to = ((const struct page *)sl->val)->outhash;
		else if (what == DIGEST_ASSETS)
			to = ((const struct asset *)sl->val)->outhash;
		else
			to = none;
		d += hash_pair(hash_pair(sl->hash, seed + sl->klen), to);
	}
	return d;
}

uint64_t
site_link_digest(const struct site *s)
{
	return map_digest(&s->by_src, 1, DIGEST_PAGES) +
	    map_digest(&s->by_path, 2, DIGEST_PAGES) +
	    map_digest(&s->by_asset, 3, DIGEST_ASSETS) +
	    map_digest(&s->outputs, 4, DIGEST_KEYS);
}

void
site_reserve_id(struct site *s, const char *id, size_t len)
{
	if (map_add(&s->reserved_ids, id, len, s, NULL) == -1)
		return;
	s->reserved = xreallocarray(s->reserved, s->nreserved + 1,
	    sizeof(char *));
	s->reserved[s->nreserved++] = xstrndup(id, len);
}

static int
resolve_cb(void *arg, const char *url, size_t len, size_t line,
    struct buf *out)
{
	struct page **pp = arg;
	struct site *s = (struct site *)pp[1];

	return site_resolve(s, pp[0], url, len, line, out);
}

void
site_prepare_markdown(struct site *s)
{
	struct buf id = BUF_INIT;
	size_t i, nmenu = s->nmenu + s->nfooter;

	/* The ids a theme may make of the menu's entries: an entry's own
	 * id, menu-N, and submenu-menu-N (the default theme's sub-menus
	 * had them), N counting entries and their children. */
	for (i = 0; i < s->nmenu; i++)
		nmenu += s->menu[i].nkids;
	for (i = 1; i <= nmenu; i++) {
		buf_reset(&id);
		buf_printf(&id, "menu-%zu", i);
		site_reserve_id(s, id.ptr, id.len);
		buf_reset(&id);
		buf_printf(&id, "submenu-menu-%zu", i);
		site_reserve_id(s, id.ptr, id.len);
	}
	buf_release(&id);
}

int
site_render_page(struct site *s, struct page *p, struct buf *err)
{
	void *rarg[2] = { p, s };
	size_t len = err->len;

	/* Messages about this page go to err, from the renderer and from
	 * the link resolver alike. */
	page_errors = err;
	md_doc_set_reserved(page_doc(p), &s->reserved_ids);
	md_render(p->doc, p->text.ptr + p->body_off, p->text.len - p->body_off,
	    p->file, p->body_line, resolve_cb, rarg, err);
	page_errors = NULL;
	return err->len > len ? -1 : 0;
}

struct md_job {
	struct site	*site;
	struct buf	*errs;		/* one per page */
	size_t		 next;
	pthread_mutex_t	 lock;
};

static void *
md_worker(void *arg)
{
	struct md_job *job = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&job->lock);
		i = job->next++;
		pthread_mutex_unlock(&job->lock);
		if (i >= job->site->npages)
			break;
		site_render_page(job->site, job->site->pages[i], &job->errs[i]);
	}
	return NULL;
}

int
site_render_markdown(struct site *s)
{
	struct md_job job;
	size_t i, nerr = s->nerr;
	unsigned t, started = 1, jobs = s->jobs ? s->jobs : 1;
	pthread_t *tid;

	site_prepare_markdown(s);
	/* Pages on `jobs` threads, this one among them; the maps they read
	 * are not written meanwhile. */
	job.site = s;
	job.errs = xcalloc(s->npages + 1, sizeof(*job.errs));
	job.next = 0;
	pthread_mutex_init(&job.lock, NULL);
	tid = xcalloc(jobs, sizeof(*tid));
	for (t = 1; t < jobs; t++) {
		if (pthread_create(&tid[t], NULL, md_worker, &job) != 0)
			break;
		started++;
	}
	md_worker(&job);
	for (t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	for (i = 0; i < s->npages; i++) {
		site_take_errors(s, &job.errs[i]);
		buf_release(&job.errs[i]);
	}
	free(job.errs);
	free(tid);
	pthread_mutex_destroy(&job.lock);
	return s->nerr > nerr ? -1 : 0;
}
