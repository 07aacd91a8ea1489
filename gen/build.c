#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "build.h"
#include "buf.h"
#include "cache.h"
#include "escape.h"
#include "feeds.h"
#include "fs.h"
#include "hash.h"
#include "map.h"
#include "out.h"
#include "path.h"
#include "site.h"
#include "tmpl.h"
#include "tval.h"

#ifndef GEN_DATADIR
#define GEN_DATADIR "/usr/local/share/kakehashi"
#endif

struct theme {
	char		*dir;		/* themes/<name> */
	char		**assets;	/* "css/style.css", under assets/ */
	size_t		 nassets;
	struct tmpl_set	*set;
	uint64_t	 hash;		/* of its layouts and partials */
};

/* What a rendering thread works with: shared, read-only state and its
 * own error messages. */
struct ctx {
	struct site	*site;
	struct theme	*theme;
	struct out	*out;
	const struct tval *site_data;	/* shared by every page */
	struct buf	 err;
	int		 failed;
	size_t		*next;		/* the next batch to take */
	unsigned	 stripes;	/* how the batches cut the pages */
	size_t		*done;		/* pages done, for the progress line */
	size_t		*kept;		/* pages not rendered: unchanged */
	struct out_keeps keeps;		/* this thread's kept files */
	struct buf	*page_err;	/* the Markdown's messages, per page */
	pthread_mutex_t	*lock;		/* guards next and done */
	int		 progress;	/* show progress on stderr */
	int		 live_reload;	/* gen watch: pages reload themselves */
	struct map	*menus;		/* this thread's common menus */
	struct tmpl_memo *memo;		/* this thread's partials, or NULL */
	struct buf	 html;		/* a page being rendered (kept grown) */
	struct buf	 tmp;		/* a URL being made (kept grown) */
	struct tarena	 page;		/* the data of the file being written */
	struct tarena	 keep;		/* the menus its neighbours share */
	uint64_t	 site_key;	/* what every page is made from */
	struct page	*cur;		/* the page being written */
	struct search_plan *search;	/* the search index's parts */
};

/* ---------------------------------------------------------------- *
 * Theme
 * ---------------------------------------------------------------- */

static int
theme_loader(void *arg, const char *name, struct buf *src, struct buf *label,
    struct buf *err)
{
	static const char *const dirs[] = { "layouts", "partials" };
	struct theme *t = arg;
	size_t i;

	/* A template name is a file name in the theme, never a path. */
	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
		return 1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		buf_reset(label);
		buf_printf(label, "%s/%s/%s.mustache", t->dir, dirs[i], name);
		if (buf_read_file(src, label->ptr) == 0)
			return 0;
		if (errno != ENOENT) {
			buf_printf(err, "%s: cannot read: %s\n", label->ptr,
			    strerror(errno));
			return -1;
		}
	}
	return 1;
}

static void
theme_walk(struct theme *t, const char *dir, const char *rel)
{
	struct buf full = BUF_INIT, sub = BUF_INIT, e = BUF_INIT;
	char **names = NULL;
	long n, i;

	buf_printf(&full, "%s/%s", dir, rel);
	n = fs_list(full.ptr, &names, &e);
	for (i = 0; i < n; i++) {
		if (fs_skipped_name(names[i]))
			continue;
		buf_reset(&sub);
		buf_printf(&sub, "%s%s", rel, names[i]);
		buf_reset(&full);
		buf_printf(&full, "%s/%s", dir, sub.ptr);
		if (fs_is_dir(full.ptr)) {
			buf_putc(&sub, '/');
			theme_walk(t, dir, sub.ptr);
			continue;
		}
		t->assets = xreallocarray(t->assets, t->nassets + 1,
		    sizeof(char *));
		t->assets[t->nassets++] = xstrdup(sub.ptr);
	}
	fs_list_free(names, n);
	buf_release(&full);
	buf_release(&sub);
	buf_release(&e);
}

/* Find the theme: --theme-dir, then beside the site, then in the
 * repository layout (content/<site> next to themes/), then installed. */
static int
theme_open(struct theme *t, const struct build_opts *o, struct site *s)
{
	struct buf d = BUF_INIT, a = BUF_INIT;
	const char *env = getenv("KAKEHASHI_THEMES");
	const char *bases[5];
	size_t i, nb = 0;
	char *tried = NULL;

	memset(t, 0, sizeof(*t));
	if (o->theme_dir != NULL)
		bases[nb++] = o->theme_dir;
	if (env != NULL && *env != '\0')
		bases[nb++] = env;
	buf_printf(&a, "%s/themes", s->dir);
	bases[nb++] = a.ptr;
	tried = xmalloc(strlen(s->dir) + 16);
	sprintf(tried, "%s/../../themes", s->dir);
	bases[nb++] = tried;
	bases[nb++] = GEN_DATADIR "/themes";
	for (i = 0; i < nb; i++) {
		buf_reset(&d);
		buf_printf(&d, "%s/%s", bases[i], s->theme);
		if (fs_is_dir(d.ptr))
			break;
	}
	if (i == nb) {
		buf_reset(&d);
		for (i = 0; i < nb; i++)
			buf_printf(&d, "%s%s", i ? ", " : "", bases[i]);
		site_error(s, "%s/site.yaml: theme '%s' not found in any of %s "
		    "(use --theme-dir DIR)", s->dir, s->theme, d.ptr);
		free(tried);
		buf_release(&a);
		buf_release(&d);
		return -1;
	}
	free(tried);
	buf_release(&a);
	t->dir = buf_detach(&d, NULL);
	buf_printf(&d, "%s/assets", t->dir);
	if (fs_is_dir(d.ptr))
		theme_walk(t, d.ptr, "");
	buf_release(&d);
	t->set = tmpl_set_new(theme_loader, t);
	tmpl_set_strict(t->set, 1);
	return 0;
}

/* Each id a template's text writes literally (id="main"), to fn. */
static void
each_id(const char *text, void (*fn)(void *, const char *, size_t),
    void *arg)
{
	const char *p, *q;

	for (p = text; (p = strstr(p, " id=\"")) != NULL; p = q) {
		p += 5;
		q = p + strcspn(p, "\"{");
		if (*q == '"' && q > p)
			fn(arg, p, (size_t)(q - p));
	}
}

static void
reserve_id(void *arg, const char *id, size_t n)
{
	site_reserve_id(arg, id, n);
}

/* Ids the theme's templates write literally (id="main"), which headings
 * must not take; and the hash of the templates, read on the way. */
static void
theme_ids(struct theme *t, struct site *s)
{
	static const char *const dirs[] = { "layouts", "partials" };
	struct buf dir = BUF_INIT, f = BUF_INIT, text = BUF_INIT, e = BUF_INIT;
	char **names = NULL;
	size_t d;
	long n, i;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		buf_reset(&dir);
		buf_printf(&dir, "%s/%s", t->dir, dirs[d]);
		if ((n = fs_list(dir.ptr, &names, &e)) < 0)
			continue;
		for (i = 0; i < n; i++) {
			if (fs_skipped_name(names[i]))
				continue;
			buf_reset(&f);
			buf_reset(&text);
			buf_printf(&f, "%s/%s", dir.ptr, names[i]);
			if (buf_read_file(&text, f.ptr) == -1)
				continue;
			/* Every template, by its name in the theme, in the
			 * key of every page: not by its path, which changes
			 * with the way the theme was named (relative or not). */
			t->hash = hash_cstr(dirs[d], t->hash);
			t->hash = hash_cstr(names[i], t->hash);
			t->hash = hash64(text.ptr, text.len, t->hash);
			each_id(text.ptr, reserve_id, s);
		}
		fs_list_free(names, n);
	}
	buf_release(&dir);
	buf_release(&f);
	buf_release(&text);
	buf_release(&e);
}

static void
theme_close(struct theme *t)
{
	size_t i;

	for (i = 0; i < t->nassets; i++)
		free(t->assets[i]);
	free(t->assets);
	tmpl_set_free(t->set);
	free(t->dir);
}

/* ---------------------------------------------------------------- *
 * Template data
 * ---------------------------------------------------------------- */

int
build_time(struct tm *tm)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long v;
	char *end;
	time_t t;

	if (sde != NULL && *sde != '\0') {
		errno = 0;
		v = strtoll(sde, &end, 10);
		/* Up to the year 9999, so that dates keep four digits. */
		if (errno != 0 || *end != '\0' || v < 0 || v > 253402300799LL) {
			fprintf(stderr, "gen: SOURCE_DATE_EPOCH '%s' is not a "
			    "number of seconds since 1970\n", sde);
			return -1;
		}
		t = (time_t)v;
	} else
		t = time(NULL);
	t += 9 * 3600;		/* Japan Standard Time, no DST */
	if (gmtime_r(&t, tm) == NULL)
		return -1;
	return 0;
}

int
build_today(char out[11])
{
	struct tm tm;

	if (build_time(&tm) == -1 || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		return -1;
	return 0;
}

/* "2026-04-01" as "2026年4月1日" (the date was checked when read). */
static struct tval
date_ja(struct tarena *a, const char *d)
{
	char b[64];
	int n;

	if (d == NULL)
		return tv_strn("", 0);
	n = snprintf(b, sizeof(b), "%.4s年%d月%d日", d, atoi(d + 5), atoi(d + 8));
	return tv_strcopy(a, b, n > 0 && (size_t)n < sizeof(b) ? (size_t)n : 0);
}

/* The URL of `to` from folder `from_dir`, in arena a. */
static struct tval
rel(struct ctx *c, struct tarena *a, const char *from_dir, const char *to)
{
	buf_reset(&c->tmp);
	path_relative_url(&c->tmp, from_dir, to);
	return tv_strcopy(a, c->tmp.ptr, c->tmp.len);
}

static struct tval
root_prefix(struct ctx *c, struct tarena *a, const char *dir)
{
	buf_reset(&c->tmp);
	path_to_root(&c->tmp, dir);
	return tv_strcopy(a, c->tmp.ptr, c->tmp.len);
}

static int
is_within(const struct page *p, const struct page *sec)
{
	for (; p != NULL; p = p->parent)
		if (p == sec)
			return 1;
	return 0;
}

/* One menu entry and its children, for a page in folder `dir`. */
static struct tval
entry_data(struct ctx *c, struct tarena *a, const struct menu_entry *e,
    const char *dir, const struct page *cur)
{
	struct tval o = tv_obj(a, 7), kids = tv_arr(a, e->nkids);
	char ids[32];
	int n;
	size_t i;

	n = snprintf(ids, sizeof(ids), "menu-%u", e->id);
	tv_add(a, &o, "id", tv_strcopy(a, ids, (size_t)n));
	tv_add(a, &o, "title", tv_str(e->title));
	tv_add(a, &o, "url", e->page != NULL ? rel(c, a, dir, e->page->out) :
	    tv_str(e->url));
	tv_add(a, &o, "current", tv_bool(e->page != NULL && e->page == cur));
	tv_add(a, &o, "active", tv_bool(e->page != NULL &&
	    is_within(cur, e->page) && e->page->kind != PAGE_HOME));
	tv_add(a, &o, "has_children", tv_bool(e->nkids > 0));
	for (i = 0; i < e->nkids; i++)
		tv_push(a, &kids, entry_data(c, a, &e->kids[i], dir, cur));
	tv_add(a, &o, "children", kids);
	return o;
}

/* Whether an entry reads differently for page `cur` in `dir` than for
 * its neighbours: it is the page or holds it, or it leads into the
 * page's own folder (where the relative URL differs). */
static int
entry_touches(const struct menu_entry *e, const char *dir, size_t dlen,
    const struct page *cur)
{
	size_t i;

	if (e->page != NULL && (e->page == cur || is_within(cur, e->page) ||
	    strncmp(e->page->out, dir, dlen) == 0))
		return 1;
	for (i = 0; i < e->nkids; i++)
		if (entry_touches(&e->kids[i], dir, dlen, cur))
			return 1;
	return 0;
}

/* i in decimal and a colon. */
static void
put_index(struct buf *b, size_t i)
{
	char d[24];
	size_t n = sizeof(d);

	d[--n] = ':';
	do
		d[--n] = (char)('0' + i % 10);
	while ((i /= 10) > 0);
	buf_add(b, d + n, sizeof(d) - n);
}

/*
 * How entry e reads for page `cur` in `dir`, as a string: for e and
 * each entry under it, whether it is the page and whether it holds it.
 * -1 when one of them leads into `dir` (its URL is then the page's
 * own).  Two pages of one folder parent with the same string see the
 * entry alike.
 */
static int
entry_sig(const struct menu_entry *e, const char *dir, size_t dlen,
    const struct page *cur, struct buf *sig)
{
	size_t i;

	if (e->page != NULL && strncmp(e->page->out, dir, dlen) == 0)
		return -1;
	buf_putc(sig, (char)('0' + (e->page != NULL && e->page == cur) +
	    2 * (e->page != NULL && is_within(cur, e->page) &&
	    e->page->kind != PAGE_HOME)));
	for (i = 0; i < e->nkids; i++)
		if (entry_sig(&e->kids[i], dir, dlen, cur, sig) == -1)
			return -1;
	return 0;
}

/*
 * A menu for page `cur` in folder `dir`.  Menus are the same for all
 * pages whose folders share a parent, but for the entries the page
 * touches: each thread keeps those common menus, made once, and a page
 * takes them but for the entries it touches, which it makes afresh.
 * The menu a page ends with is kept too, under the way its touched
 * entries read (entry_sig), so that its neighbours that read the same
 * share it; both are made in the thread's lasting arena and pinned in
 * its memo, so the menu partial knows them by address.  Anything else
 * is made in arena a.
 */
static struct tval
menu_data(struct ctx *c, struct tarena *a, const struct menu_entry *v,
    size_t n, const char *dir, const struct page *cur)
{
	struct buf key = BUF_INIT, fake = BUF_INIT, mine = BUF_INIT;
	struct tval m, *common, *kept;
	size_t i, dlen = strlen(dir);
	int shared = 1;

	if (*dir == '\0' || c->menus == NULL) {
		m = tv_arr(a, n);
		for (i = 0; i < n; i++)
			tv_push(a, &m, entry_data(c, a, &v[i], dir, cur));
		return m;
	}
	/* "sec/p1/" -> "sec/": its neighbours' common parent. */
	buf_puts(&key, dir);
	path_up(&key);
	buf_putc(&key, v == c->site->menu ? 'M' : 'F');
	if ((common = map_get(c->menus, key.ptr, key.len)) == NULL) {
		/* A folder no page has, beside the page's: the URLs its
		 * neighbours share. */
		buf_add(&fake, key.ptr, key.len - 1);
		BUF_PUTSL(&fake, "\001/");
		common = tarena_alloc(&c->keep, sizeof(*common));
		*common = tv_arr(&c->keep, n);
		for (i = 0; i < n; i++)
			tv_push(&c->keep, common, entry_data(c, &c->keep,
			    &v[i], fake.ptr, NULL));
		map_put(c->menus, key.ptr, key.len, common);
		tmpl_memo_pin_tv(c->memo, common);
	}
	buf_addbuf(&mine, &key);
	buf_putc(&mine, '\002');
	for (i = 0; i < n && shared; i++)
		if (entry_touches(&v[i], dir, dlen, cur)) {
			put_index(&mine, i);
			shared = entry_sig(&v[i], dir, dlen, cur, &mine) == 0;
		}
	if (shared && (kept = map_get(c->menus, mine.ptr, mine.len)) != NULL) {
		m = *kept;
		goto out;
	}
	if (shared)
		a = &c->keep;
	m = tv_arr(a, n);
	for (i = 0; i < n; i++) {
		if (entry_touches(&v[i], dir, dlen, cur))
			tv_push(a, &m, entry_data(c, a, &v[i], dir, cur));
		else
			tv_push(a, &m, common->u.a[i]);
	}
	if (shared) {
		kept = tarena_alloc(&c->keep, sizeof(*kept));
		*kept = m;
		map_put(c->menus, mine.ptr, mine.len, kept);
		tmpl_memo_pin_tv(c->memo, kept);
	}
out:
	buf_release(&key);
	buf_release(&fake);
	buf_release(&mine);
	return m;
}

static struct tval
item_data(struct ctx *c, struct tarena *a, const struct page *p,
    const char *dir)
{
	struct tval o = tv_obj(a, 5);

	tv_add(a, &o, "title", tv_str(p->title));
	tv_add(a, &o, "url", rel(c, a, dir, p->out));
	tv_add(a, &o, "date", tv_str(p->date));
	tv_add(a, &o, "date_ja", date_ja(a, p->date));
	tv_add(a, &o, "description", tv_str(p->description));
	return o;
}

/* Whether item p shows in a list on page `on`: not expired, and no
 * members page on a public one (not even its title). */
static int
listed(const struct page *p, const struct page *on)
{
	return !p->expired && (!p->members || on->members);
}

/* One entry of a table of contents: a heading's id and text. */
static struct tval
toc_entry(struct tarena *a, const struct md_doc *doc,
    const struct md_heading *h)
{
	struct tval e = tv_obj(a, 4);

	tv_add(a, &e, "id", tv_strn(doc->htext.ptr + h->id, h->idlen));
	tv_add(a, &e, "text", tv_strn(doc->htext.ptr + h->text, h->textlen));
	return e;
}

/* The table of contents: the h2s, each with the h3s after it; an h3
 * before the first h2 stands alone. */
static struct tval
toc_data(struct tarena *a, const struct md_doc *doc)
{
	struct tval toc = tv_arr(a, doc->nheadings), h2 = tv_null(), kids;
	const struct md_heading *h;
	size_t i;

	kids = tv_null();
	for (i = 0; i <= doc->nheadings; i++) {
		h = i < doc->nheadings ? &doc->headings[i] : NULL;
		if (h != NULL && h->level == 3 && h2.kind == TV_OBJ) {
			tv_push(a, &kids, toc_entry(a, doc, h));
			continue;
		}
		if (h2.kind == TV_OBJ) {
			tv_add(a, &h2, "children", kids);
			tv_add(a, &h2, "has_children", tv_bool(kids.n > 0));
			tv_push(a, &toc, h2);
			h2 = tv_null();
		}
		if (h == NULL)
			break;
		if (h->level == 2) {
			h2 = toc_entry(a, doc, h);
			kids = tv_arr(a, 0);
			continue;
		}
		kids = toc_entry(a, doc, h);
		tv_add(a, &kids, "children", tv_arr(a, 0));
		tv_add(a, &kids, "has_children", tv_bool(0));
		tv_push(a, &toc, kids);
	}
	return toc;
}

/* The data for one output file of page p, written in folder `dir`, with
 * the HTML `content` (`len` bytes) as its body, in arena a; `content`
 * and the page must outlive it. */
static struct tval
page_data(struct ctx *c, struct tarena *a, const struct page *p,
    const char *dir, const char *content, size_t len)
{
	struct site *s = c->site;
	struct tval d = tv_obj(a, 16), pg = tv_obj(a, 16), tags, crumbs;
	const struct page *q;
	size_t i, k, depth;
	int toc;

	tv_add(a, &d, "site", *c->site_data);
	tv_add(a, &d, "root", root_prefix(c, a, dir));
	tv_add(a, &d, "home_url", rel(c, a, dir, "index.html"));
	tv_add(a, &d, "feed_url", s->news != NULL ?
	    rel(c, a, dir, "feed.xml") : tv_strn("", 0));
	tv_add(a, &d, "news_url", s->news != NULL ?
	    rel(c, a, dir, s->news->out) : tv_strn("", 0));

	tv_add(a, &pg, "title", tv_str(p->title));
	tv_add(a, &pg, "description", tv_str(p->description));
	tv_add(a, &pg, "date", tv_str(p->date));
	tv_add(a, &pg, "date_ja", date_ja(a, p->date));
	tv_add(a, &pg, "content", tv_strn(content, len));
	/* A table of contents helps from two headings on. */
	toc = p->doc != NULL && p->doc->nheadings >= 2;
	tv_add(a, &pg, "toc", toc ? toc_data(a, p->doc) : tv_arr(a, 0));
	tv_add(a, &pg, "has_toc", tv_bool(toc));
	tags = tv_arr(a, p->ntags);
	for (i = 0; i < p->ntags; i++) {
		struct tval t = tv_obj(a, 1);

		tv_add(a, &t, "name", tv_str(p->tags[i]));
		tv_push(a, &tags, t);
	}
	tv_add(a, &pg, "tags", tags);
	tv_add(a, &pg, "has_tags", tv_bool(p->ntags > 0));
	tv_add(a, &pg, "kind", tv_str(p->notfound ? "404" :
	    p->kind == PAGE_HOME ? "home" : p->kind == PAGE_SECTION ?
	    "section" : "page"));
	tv_add(a, &pg, "is_home", tv_bool(p->kind == PAGE_HOME));
	tv_add(a, &pg, "is_section", tv_bool(p->kind == PAGE_SECTION));
	tv_add(a, &pg, "is_members", tv_bool(p->members));
	tv_add(a, &pg, "url", rel(c, a, dir, p->out));
	tv_add(a, &d, "page", pg);

	tv_add(a, &d, "menu", menu_data(c, a, s->menu, s->nmenu, dir, p));
	tv_add(a, &d, "footer_menu", menu_data(c, a, s->footer, s->nfooter,
	    dir, p));
	tv_add(a, &d, "has_menu", tv_bool(s->nmenu > 0));
	tv_add(a, &d, "has_footer_menu", tv_bool(s->nfooter > 0));

	/* Breadcrumbs from the home page down. */
	for (depth = 0, q = p; q != NULL; q = q->parent)
		depth++;
	crumbs = tv_arr(a, depth);
	for (k = depth; k > 0; k--) {
		struct tval o = tv_obj(a, 3);

		for (i = 1, q = p; i < k; i++)
			q = q->parent;
		tv_add(a, &o, "title", tv_str(q->title));
		tv_add(a, &o, "url", rel(c, a, dir, q->out));
		tv_add(a, &o, "current", tv_bool(q == p));
		tv_push(a, &crumbs, o);
	}
	tv_add(a, &d, "breadcrumbs", crumbs);

	if (p == s->home && s->news != NULL) {
		struct tval news = tv_arr(a, 5);
		size_t n = 0;

		for (i = 0; i < s->news->nkids && n < 5; i++) {
			if (!s->news->kids[i]->news ||
			    !listed(s->news->kids[i], p))
				continue;
			tv_push(a, &news, item_data(c, a, s->news->kids[i],
			    dir));
			n++;
		}
		tv_add(a, &d, "has_news", tv_bool(n > 0));
		tv_add(a, &d, "news", news);
	}
	return d;
}

/* ---------------------------------------------------------------- *
 * Keys: what a page's output files are made from
 * ---------------------------------------------------------------- */

static uint64_t
hash_num(long long v, uint64_t h)
{
	return hash_pair(h, (uint64_t)v);
}

static uint64_t
menu_hash(const struct menu_entry *v, size_t n, uint64_t h)
{
	size_t i;

	h = hash_num((long long)n, h);
	for (i = 0; i < n; i++) {
		h = hash_num(v[i].id, h);
		h = hash_cstr(v[i].title, h);
		h = hash_cstr(v[i].url, h);
		h = hash_cstr(v[i].page != NULL ? v[i].page->out : NULL, h);
		h = menu_hash(v[i].kids, v[i].nkids, h);
	}
	return h;
}

/*
 * What every page is made from: this gen, the theme's templates,
 * site.yaml's bytes, the menus as built (their titles come from pages),
 * the ids headings may not take, what links resolve to, and the build's
 * switches.
 */
static uint64_t
site_key(const struct ctx *c, const struct build_opts *o)
{
	const struct site *s = c->site;
	uint64_t h = hash_cstr(GEN_VERSION, c->theme->hash);
	size_t i;

	h = hash_num((long long)s->config_hash, h);
	h = hash_num((long long)site_link_digest(s), h);
	h = menu_hash(s->menu, s->nmenu, h);
	h = menu_hash(s->footer, s->nfooter, h);
	for (i = 0; i < s->nreserved; i++)
		h = hash_cstr(s->reserved[i], h);
	h = hash_cstr(s->news != NULL ? s->news->out : NULL, h);
	h = hash_num(o->live_reload, h);
	return hash_num(s->drafts, h);
}

/* An item of a list as item_json() shows it, and whether it shows: its
 * title, date and description as the page's listhash. */
static uint64_t
item_hash(const struct page *p, const struct page *on, uint64_t h)
{
	h = hash_num(listed(p, on), h);
	h = hash_num(p->news, h);
	h = hash_num((long long)p->outhash, h);
	return hash_num((long long)p->listhash, h);
}

/*
 * What a page's files are made from (page_json, write_section,
 * write_alias): the site's key, its own file, its place and access, the
 * titles of its breadcrumbs, the items of its list and, on the home
 * page, those of the news.  Equal keys: the same bytes.
 */
static uint64_t
page_key(const struct ctx *c, const struct page *p)
{
	const struct site *s = c->site;
	const struct page *a;
	uint64_t h = hash_num((long long)p->srchash, c->site_key);
	size_t i;

	h = hash_num((long long)p->outhash, h);
	h = hash_num(p->kind, h);
	h = hash_num(p->members, h);
	h = hash_num(p->expired, h);
	h = hash_num(p->news, h);
	h = hash_num(p->notfound, h);
	for (a = p->parent; a != NULL; a = a->parent) {
		h = hash_cstr(a->title, h);
		h = hash_num((long long)a->outhash, h);
	}
	if (p->kind != PAGE_REGULAR)
		for (i = 0; i < p->nkids; i++)
			h = item_hash(p->kids[i], p, h);
	if (p == s->home && s->news != NULL)
		for (i = 0; i < s->news->nkids; i++)
			h = item_hash(s->news->kids[i], p, h);
	return h;
}

/* ---------------------------------------------------------------- *
 * Writing
 * ---------------------------------------------------------------- */

static void
fail(struct ctx *c)
{
	/* One message a line, whoever wrote it; the thread's messages go
	 * to the site when the threads are done. */
	if (c->err.len > 0 && c->err.ptr[c->err.len - 1] != '\n')
		buf_putc(&c->err, '\n');
	c->failed = 1;
}

/* A thread's messages, into the site's list. */
static void
take_thread_errors(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->err.len; i++)
		if (c->err.ptr[i] == '\n')
			c->site->nerr++;
	buf_addbuf(&c->site->err, &c->err);
	buf_reset(&c->err);
}

static void
write_out(struct ctx *c, const char *rel_path, const char *data, size_t len)
{
	if (out_write(c->out, rel_path, data, len, &c->err) == -1)
		fail(c);
	/* The page's files, for the cache. */
	if (c->cur != NULL)
		buf_add(&c->cur->outs, rel_path, strlen(rel_path) + 1);
}

/*
 * For gen watch: the script that reloads the page after a rebuild, put
 * before </body> of every page (never in a normal build).
 */
static void
add_live_reload(struct buf *html, const char *out)
{
	struct buf tag = BUF_INIT, rest = BUF_INIT;
	const char *end = NULL, *p;

	for (p = html->ptr; (p = strstr(p, "</body>")) != NULL; p++)
		end = p;
	if (end == NULL)
		return;
	BUF_PUTSL(&tag, "<script src=\"");
	path_to_root(&tag, out);
	BUF_PUTSL(&tag, LIVE_RELOAD_JS "\" defer></script>\n");
	buf_puts(&rest, end);
	buf_truncate(html, (size_t)(end - html->ptr));
	buf_addbuf(html, &tag);
	buf_addbuf(html, &rest);
	buf_release(&tag);
	buf_release(&rest);
}

static void
render_to(struct ctx *c, const char *layout, const struct tval *data,
    const char *out, const char *who)
{
	struct buf *html = &c->html;
	const struct tmpl *t;

	buf_reset(html);
	if ((t = tmpl_set_get(c->theme->set, layout, &c->err)) == NULL) {
		if (c->err.len == 0)
			buf_printf(&c->err, "%s: layout '%s' not found in %s/"
			    "layouts\n", who, layout, c->theme->dir);
		fail(c);
	} else if (tmpl_render_tv(t, c->theme->set, data, c->memo, html,
	    &c->err) == -1)
		fail(c);
	else {
		if (c->live_reload)
			add_live_reload(html, out);
		write_out(c, out, html->ptr, html->len);
	}
}

static const char *
layout_of(const struct page *p)
{
	if (p->layout != NULL)
		return p->layout;
	if (p->notfound)
		return "404";
	switch (p->kind) {
	case PAGE_HOME:
		return "home";
	case PAGE_SECTION:
		return "section";
	default:
		return "page";
	}
}

/* A section's list, paginated in the news section. */
static void
write_section(struct ctx *c, struct page *p)
{
	struct site *s = c->site;
	struct tarena *a = &c->page;
	struct page **items = NULL;
	size_t n = 0, i, per, npages, k;

	items = xcalloc(p->nkids + 1, sizeof(*items));
	for (i = 0; i < p->nkids; i++)
		if (listed(p->kids[i], p))
			items[n++] = p->kids[i];
	per = p == s->news ? (size_t)s->per_page : (n ? n : 1);
	npages = n ? (n + per - 1) / per : 1;
	for (k = 1; k <= npages; k++) {
		struct buf dir = BUF_INIT, out = BUF_INIT;
		struct tval d, list = tv_arr(a, per);

		if (k == 1)
			buf_puts(&dir, p->outdir);
		else
			buf_printf(&dir, "%spage/%zu/", p->outdir, k);
		buf_printf(&out, "%sindex.html", dir.ptr);
		/* Only the first page shows the section's own text: its
		 * links were made relative to that page. */
		d = page_data(c, a, p, dir.ptr, k == 1 ? p->doc->html.ptr : "",
		    k == 1 ? p->doc->html.len : 0);
		for (i = (k - 1) * per; i < n && i < k * per; i++)
			tv_push(a, &list, item_data(c, a, items[i], dir.ptr));
		tv_add(a, &d, "has_list", tv_bool(list.n > 0));
		tv_add(a, &d, "list", list);
		if (npages > 1) {
			struct tval pg = tv_obj(a, 5), pages = tv_arr(a, npages);
			size_t j;

			for (j = 1; j <= npages; j++) {
				struct buf t = BUF_INIT;
				struct tval o = tv_obj(a, 3), url;

				if (j == 1)
					buf_puts(&t, p->out);
				else
					buf_printf(&t, "%spage/%zu/index.html",
					    p->outdir, j);
				url = rel(c, a, dir.ptr, t.ptr);
				tv_add(a, &o, "num", tv_int((long long)j));
				tv_add(a, &o, "url", url);
				tv_add(a, &o, "current", tv_bool(j == k));
				tv_push(a, &pages, o);
				if (j == k - 1)
					tv_add(a, &pg, "prev_url", url);
				if (j == k + 1)
					tv_add(a, &pg, "next_url", url);
				buf_release(&t);
			}
			tv_add(a, &pg, "current", tv_int((long long)k));
			tv_add(a, &pg, "total", tv_int((long long)npages));
			tv_add(a, &pg, "pages", pages);
			tv_add(a, &d, "pagination", pg);
			if (k > 1) {
				/* "お知らせ（2ページ目）" in the title. */
				struct buf t = BUF_INIT;

				buf_printf(&t, "%s（%zuページ目）", p->title, k);
				tv_set(a, tv_at(&d, "page"), "title",
				    tv_strcopy(a, t.ptr, t.len));
				buf_release(&t);
			}
		}
		render_to(c, layout_of(p), &d, out.ptr, p->file);
		tarena_reset(a);
		buf_release(&dir);
		buf_release(&out);
	}
	free(items);
}

/* The extra output files of a section's later list pages. */
static void
register_pages(struct site *s)
{
	size_t i, n = 0, k;

	if (s->news == NULL)
		return;
	for (i = 0; i < s->news->nkids; i++)
		n += listed(s->news->kids[i], s->news);
	for (k = 2; (k - 1) * (size_t)s->per_page < n; k++) {
		struct buf b = BUF_INIT;

		buf_printf(&b, "%spage/%zu/index.html", s->news->outdir, k);
		site_add_output(s, b.ptr);
		buf_release(&b);
	}
}

/* The body of the not-found page gen writes when the site has no 404.md. */
#define NOT_FOUND_HTML	"<p>お探しのページは移動または削除されたか、" \
	"アドレスが間違っている可能性があります。</p>\n" \
	"<p>メニューから目的のページをお探しください。</p>\n"

static void
write_404(struct ctx *c)
{
	struct site *s = c->site;
	struct page p;
	struct tval d;

	if (site_page(s, "404.md") != NULL)
		return;		/* the editors wrote one */
	memset(&p, 0, sizeof(p));
	p.title = "ページが見つかりません";
	p.description = "お探しのページは見つかりませんでした。";
	p.file = "404.html";
	p.out = "404.html";
	p.outdir = "";
	p.src = "404.md";
	p.kind = PAGE_REGULAR;
	p.notfound = 1;
	d = page_data(c, &c->page, &p, "", NOT_FOUND_HTML,
	    sizeof(NOT_FOUND_HTML) - 1);
	render_to(c, "404", &d, "404.html", "404.html");
	tarena_reset(&c->page);
}

/*
 * The layout's data for the programs' pages (APP_DATA): what every page
 * gets but its own title, content and breadcrumbs, for a page in
 * app/<program>/; and the home page's title for their breadcrumbs.
 */
static void
write_app_data(struct ctx *c)
{
	static const char dir[] = "app/_/";
	struct tarena *a = &c->page;
	struct page p;
	struct tval d;
	json_t *j;
	char *text;

	memset(&p, 0, sizeof(p));
	p.title = "";
	p.file = APP_DATA;
	p.out = "app/_/index.html";
	p.outdir = (char *)dir;
	p.src = "";
	p.kind = PAGE_REGULAR;
	d = page_data(c, a, &p, dir, "", 0);
	tv_del(&d, "page");
	tv_del(&d, "breadcrumbs");
	tv_add(a, &d, "home_title", tv_str(c->site->home != NULL ?
	    c->site->home->title : "ホーム"));
	tv_add(a, &d, "members_url", rel(c, a, dir, "members/index.html"));
	j = tv_to_json(&d);
	if ((text = json_dumps(j, JSON_INDENT(1))) != NULL) {
		write_out(c, APP_DATA, text, strlen(text));
		free(text);
	}
	json_decref(j);
	tarena_reset(a);
}

/* An alias: a small page that sends the browser on to the page. */
static void
write_alias(struct ctx *c, const struct page *p, const char *out)
{
	struct buf html = BUF_INIT, dir = BUF_INIT, to = BUF_INIT;

	path_dirname(&dir, out);
	path_relative_url(&to, dir.ptr, p->out);
	BUF_PUTSL(&html, "<!DOCTYPE html>\n<html lang=\"");
	esc_html(&html, c->site->language, strlen(c->site->language));
	BUF_PUTSL(&html, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	esc_html(&html, p->title, strlen(p->title));
	BUF_PUTSL(&html, "</title>\n<meta name=\"robots\" content=\"noindex\">\n"
	    "<meta http-equiv=\"refresh\" content=\"0; url=");
	esc_href(&html, to.ptr, to.len);
	BUF_PUTSL(&html, "\">\n<link rel=\"canonical\" href=\"");
	esc_href(&html, to.ptr, to.len);
	BUF_PUTSL(&html, "\">\n</head>\n<body>\n<main>\n<h1>");
	esc_html(&html, p->title, strlen(p->title));
	BUF_PUTSL(&html, "</h1>\n<p>このページは移動しました。<a href=\"");
	esc_href(&html, to.ptr, to.len);
	BUF_PUTSL(&html, "\">");
	esc_html(&html, p->title, strlen(p->title));
	BUF_PUTSL(&html, "</a>へお進みください。</p>\n</main>\n</body>\n</html>\n");
	write_out(c, out, html.ptr, html.len);
	buf_release(&html);
	buf_release(&dir);
	buf_release(&to);
}

/* Alias output paths: "/old/page/" -> "old/page/index.html"; under
 * members/ for a members page (the alias page bears its title). */
static int
alias_out(const struct page *p, size_t i, struct buf *out)
{
	const char *a = p->aliases[i];

	if (*a == '/')
		a++;
	if (p->members && strncmp(a, "members/", 8) != 0)
		BUF_PUTSL(out, "members/");
	if (path_normalize(out, a, strlen(a)) == -1 || out->len == 0)
		return -1;
	if (out->ptr[out->len - 1] == '/')
		BUF_PUTSL(out, "index.html");
	else if (!str_endswith(out->ptr, ".html"))
		BUF_PUTSL(out, "/index.html");
	return 0;
}

static void
register_aliases(struct site *s)
{
	size_t i, j;

	for (i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];

		for (j = 0; j < p->naliases; j++) {
			struct buf b = BUF_INIT;

			if (alias_out(p, j, &b) == -1)
				site_error(s, "%s:%zu: alias '%s' must be a path "
				    "inside the site", p->file, p->aliases_line,
				    p->aliases[j]);
			else if (map_get(&s->outputs, b.ptr, b.len) != NULL)
				site_error(s, "%s:%zu: alias '%s' is already a "
				    "page or file of the site", p->file,
				    p->aliases_line, p->aliases[j]);
			else
				site_add_output(s, b.ptr);
			buf_release(&b);
		}
	}
}

static void
copy_file(struct ctx *c, const char *from, const char *to)
{
	struct buf data = BUF_INIT;

	if (buf_read_file(&data, from) == -1) {
		buf_printf(&c->err, "%s: cannot read: %s\n", from,
		    strerror(errno));
		fail(c);
	} else
		write_out(c, to, data.ptr, data.len);
	buf_release(&data);
}

static void
copy_assets(struct ctx *c)
{
	struct site *s = c->site;
	struct buf to = BUF_INIT, from = BUF_INIT;
	size_t i;

	for (i = 0; i < s->nassets; i++)
		copy_file(c, s->assets[i].file, s->assets[i].out);
	for (i = 0; i < c->theme->nassets; i++) {
		buf_reset(&to);
		buf_reset(&from);
		buf_printf(&from, "%s/assets/%s", c->theme->dir,
		    c->theme->assets[i]);
		buf_printf(&to, "assets/%s", c->theme->assets[i]);
		copy_file(c, from.ptr, to.ptr);
	}
	buf_release(&to);
	buf_release(&from);
}

/*
 * gen watch's reloading: a script that asks for live-reload.json every
 * second and reloads the page when its id changes; the id is a digest
 * of everything else this build wrote.
 */
static void
write_live_reload(struct ctx *c)
{
	static const char js[] =
	    "/* Written by gen watch: reloads the page after a rebuild. */\n"
	    "(function () {\n"
	    "\t'use strict';\n"
	    "\tvar url = new URL('" LIVE_RELOAD_JSON "', document.currentScript.src).href;\n"
	    "\tvar last = null;\n"
	    "\tfunction poll() {\n"
	    "\t\tfetch(url, { cache: 'no-store' }).then(function (r) {\n"
	    "\t\t\treturn r.ok ? r.json() : null;\n"
	    "\t\t}).then(function (j) {\n"
	    "\t\t\tif (j && last !== null && j.id !== last)\n"
	    "\t\t\t\tlocation.reload();\n"
	    "\t\t\tif (j)\n"
	    "\t\t\t\tlast = j.id;\n"
	    "\t\t}).catch(function () {}).then(function () {\n"
	    "\t\t\tsetTimeout(poll, 1000);\n"
	    "\t\t});\n"
	    "\t}\n"
	    "\tpoll();\n"
	    "})();\n";
	struct buf b = BUF_INIT;

	write_out(c, LIVE_RELOAD_JS, js, sizeof(js) - 1);
	buf_printf(&b, "{\"id\": \"%016llx\"}\n",
	    (unsigned long long)out_digest(c->out));
	write_out(c, LIVE_RELOAD_JSON, b.ptr, b.len);
	buf_release(&b);
}

/* One page's output files: the page (or a section's list pages) and its
 * aliases. */
static void
write_page(struct ctx *c, struct page *p)
{
	struct buf b = BUF_INIT;
	size_t j;

	if (p->kind != PAGE_REGULAR)
		write_section(c, p);
	else {
		struct tval d = page_data(c, &c->page, p, p->outdir,
		    p->doc->html.ptr, p->doc->html.len);

		render_to(c, layout_of(p), &d, p->out, p->file);
		tarena_reset(&c->page);
	}
	for (j = 0; j < p->naliases; j++) {
		buf_reset(&b);
		alias_out(p, j, &b);
		write_alias(c, p, b.ptr);
	}
	buf_release(&b);
}

/*
 * A page made from what the last build made it from (its key) keeps the
 * files that build wrote, if they are all there as written, and its
 * search entry: it is neither read nor rendered.  1 when so.
 */
static int
keep_page(struct ctx *c, struct page *p)
{
	const struct cache_rec *r = p->rec;

	p->key = page_key(c, p);
	if (r == NULL || r->key != p->key || r->srchash != p->srchash)
		return 0;
	/* All or none: a page not kept writes all of its files. */
	if (out_keep_files(c->out, &c->keeps, r->outs, r->outslen) == -1)
		return 0;
	p->kept = 1;
	return 1;
}

/*
 * Pages a rendering thread takes at a time: most pages of a rebuild are
 * kept, which takes a few microseconds, and the threads would otherwise
 * spend as much time passing the lock between them.
 */
#define RENDER_BATCH	16

/*
 * The pages of batch b, [*lo, *hi), which is empty for a batch past the
 * end of a shorter last stripe; 0 once every batch is taken.  The pages
 * are cut into as many stripes as there are threads, and the batches
 * taken in turn come from the stripes in turn: so the threads work in
 * different sections at the same time, and do not queue for the same
 * folder's lock when they create their pages' folders in it.
 */
static int
batch_pages(size_t npages, unsigned stripes, size_t b, size_t *lo,
    size_t *hi)
{
	size_t len = (npages + stripes - 1) / stripes;
	size_t per = (len + RENDER_BATCH - 1) / RENDER_BATCH;
	size_t start = (b % stripes) * len + (b / stripes) * RENDER_BATCH;
	size_t end = (b % stripes + 1) * len;

	if (b / stripes >= per)
		return 0;
	if (end > npages)
		end = npages;
	*lo = start < end ? start : end;
	*hi = start + RENDER_BATCH < end ? start + RENDER_BATCH : end;
	return 1;
}

/* A rendering thread: takes pages a batch at a time until none is left. */
static void *
render_pages(void *arg)
{
	struct ctx *c = arg;
	struct site *s = c->site;
	struct page *p;
	size_t i = 0, end = 0, b, done, kept = 0, n = 0, run;

	for (;; i++) {
		while (i >= end) {
			pthread_mutex_lock(c->lock);
			*c->kept += kept;
			done = *c->done += n;
			b = (*c->next)++;
			pthread_mutex_unlock(c->lock);
			kept = n = 0;
			/* A line that rewrites itself, now and then. */
			if (c->progress && done > 0)
				fprintf(stderr, "\rgen: %zu/%zu pages", done,
				    s->npages);
			if (!batch_pages(s->npages, c->stripes, b, &i, &end))
				goto out;
		}
		/* Markdown, then the page, then the memory back: a page's
		 * source and body are not needed once it is written. */
		p = s->pages[i];
		c->cur = p;
		if (keep_page(c, p))
			kept++;
		else if (site_read_page(s, p, &c->page_err[i]) == -1 ||
		    site_render_page(s, p, &c->page_err[i]) == -1)
			c->failed = 1;
		else {
			write_page(c, p);
			feeds_search_entry(p, &p->search);
		}
		c->cur = NULL;
		buf_release(&p->text);
		/* Its body, text, table of contents and heading ids: a build
		 * reads them only while writing the page (gen check keeps
		 * them, for links to anchors). */
		page_doc_release(p);
		/* The last page of its part of the search index: the part is
		 * written now, while the other threads go on. */
		if (feeds_search_done(c->search, i, &run) &&
		    feeds_search_write_run(s, c->out, c->search, run,
		    c->page_err, &c->err) == -1)
			fail(c);
		n++;
	}
out:
	out_keeps_flush(c->out, &c->keeps);
	out_keeps_release(&c->keeps);
	return NULL;
}

static void
menus_free(struct map *m)
{
	map_release(m);	/* the menus are in the thread's arena */
	free(m);
}

/* Render every page on `jobs` threads (this one among them). */
static int
render_all(struct ctx *proto, unsigned jobs, size_t *kept)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct ctx *w = xcalloc(jobs, sizeof(*w));
	pthread_t *tid = xcalloc(jobs, sizeof(*tid));
	size_t next = 0, done = 0, k;
	struct buf *page_err = xcalloc(proto->site->npages + 1,
	    sizeof(*page_err));
	unsigned i, started = 1;
	int failed = 0;

	for (i = 0; i < jobs; i++) {
		w[i] = *proto;
		w[i].menus = xcalloc(1, sizeof(struct map));
		/* Partials are rendered once per distinct data (the menus
		 * above all), up to 16 MiB of them per thread. */
		w[i].memo = tmpl_memo_new(16 << 20);
		buf_init(&w[i].html);
		buf_init(&w[i].tmp);
		tarena_init(&w[i].page);
		tarena_init(&w[i].keep);
		tmpl_memo_pin_tv(w[i].memo, w[i].site_data);
		buf_init(&w[i].err);
		w[i].next = &next;
		w[i].stripes = jobs;
		w[i].done = &done;
		w[i].kept = kept;
		w[i].page_err = page_err;
		w[i].lock = &lock;
	}
	for (i = 1; i < jobs; i++) {
		if (pthread_create(&tid[i], NULL, render_pages, &w[i]) != 0)
			break;	/* fewer threads; the work still gets done */
		started++;
	}
	render_pages(&w[0]);
	for (i = 1; i < started; i++)
		pthread_join(tid[i], NULL);
	if (proto->progress)
		fputs("\r\033[K", stderr);
	/* The pages' messages in page order, whichever thread met them. */
	for (k = 0; k < proto->site->npages; k++) {
		site_take_errors(proto->site, &page_err[k]);
		buf_release(&page_err[k]);
	}
	free(page_err);
	for (i = 0; i < jobs; i++) {
		failed |= w[i].failed;
		take_thread_errors(&w[i]);
		buf_release(&w[i].err);
		menus_free(w[i].menus);
		tmpl_memo_free(w[i].memo);
		buf_release(&w[i].html);
		buf_release(&w[i].tmp);
		tarena_release(&w[i].page);
		tarena_release(&w[i].keep);
	}
	free(w);
	free(tid);
	pthread_mutex_destroy(&lock);
	return failed ? -1 : 0;
}

/*
 * The absolute form of `path`, which need not exist: the real path of its
 * longest existing head, then the rest.  Empty when that rest holds "..".
 */
void
real_out_path(const char *path, struct buf *out)
{
	struct buf head = BUF_INIT;
	const char *rest = "";
	char *real = NULL;

	buf_puts(&head, path);
	while ((real = realpath(head.ptr, NULL)) == NULL) {
		char *slash = strrchr(head.ptr, '/');

		if (slash == NULL) {
			rest = path;
			real = realpath(".", NULL);
			break;
		}
		rest = path + (slash - head.ptr) + 1;
		buf_truncate(&head, slash == head.ptr ? 1 : (size_t)(slash - head.ptr));
	}
	if (real != NULL && strstr(rest, "..") == NULL) {
		buf_puts(out, real);
		if (*rest != '\0') {
			if (strcmp(real, "/") != 0)
				buf_putc(out, '/');
			buf_puts(out, rest);
		}
	}
	free(real);
	buf_release(&head);
}

/*
 * The output folder is replaced as a whole, so it must be gen's own: not
 * the site, the theme or the current folder, nor one holding them, nor a
 * folder inside the site (which the next build would read as content),
 * and, if it exists, one that an earlier build wrote (it has the marker).
 */
static int
check_output(struct site *s, const struct theme *t, const char *out)
{
	struct buf full = BUF_INIT, marker = BUF_INIT, pub = BUF_INIT;
	char *site = realpath(s->dir, NULL), *theme = realpath(t->dir, NULL);
	char *cwd = realpath(".", NULL), **names = NULL;
	long n = 0;
	int rc = -1;

	/* The output and its parents may not exist yet: resolve the
	 * longest part that does and append the rest. */
	real_out_path(out, &full);
	if (site == NULL || theme == NULL || cwd == NULL || full.len == 0) {
		site_error(s, "%s: cannot create the output here", out);
		goto done;
	}
	buf_printf(&pub, "%s/public", site);
	if (path_within(site, full.ptr) || path_within(theme, full.ptr) ||
	    path_within(cwd, full.ptr)) {
		site_error(s, "%s: the output folder would hold the site, the "
		    "theme or the current folder, and gen replaces it as a "
		    "whole: choose another with -o", out);
		goto done;
	}
	if (path_within(full.ptr, theme)) {
		site_error(s, "%s: the output folder is inside the theme, whose "
		    "assets are copied into every build; choose another with -o",
		    out);
		goto done;
	}
	if (path_within(full.ptr, site) && !path_within(full.ptr, pub.ptr)) {
		site_error(s, "%s: the output folder is inside the site folder, "
		    "whose files are all content; use %s/public/... or a folder "
		    "outside it", out, s->dir);
		goto done;
	}
	if (fs_is_dir(out)) {
		buf_printf(&marker, "%s/%s", out, BUILD_MARKER);
		n = fs_list(out, &names, &s->err);
		if (n > 0 && !fs_is_file(marker.ptr)) {
			site_error(s, "%s: exists and was not written by gen build "
			    "(no %s in it); remove it or choose another folder "
			    "with -o", out, BUILD_MARKER);
			goto done;
		}
	} else if (fs_is_file(out)) {
		site_error(s, "%s: is a file, not a folder", out);
		goto done;
	}
	rc = 0;
done:
	fs_list_free(names, n > 0 ? n : 0);
	free(site);
	free(theme);
	free(cwd);
	buf_release(&full);
	buf_release(&marker);
	buf_release(&pub);
	return rc;
}

/* Every page's layout exists and parses: reported against the page. */
static void
check_layouts(struct site *s, struct theme *t)
{
	static char yes, no;
	struct buf path = BUF_INIT, e = BUF_INIT;
	struct map parsed = MAP_INIT, found = MAP_INIT;
	const char *last = NULL;	/* the last layout found, checked */
	size_t i;
	void *f;

	for (i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		const char *l = layout_of(p);

		/* The same as the page before's, found: most pages are. */
		if (l == last)
			continue;
		/* Each layout looked for once, however many pages use it. */
		if ((f = map_gets(&found, l)) == NULL || f == &no) {
			buf_reset(&path);
			buf_printf(&path, "%s/layouts/%s.mustache", t->dir, l);
		}
		if (f == NULL) {
			f = fs_is_file(path.ptr) ? &yes : &no;
			map_put(&found, l, strlen(l), f);
		}
		if (f == &no) {
			site_error(s, "%s:%zu: layout '%s' not found (no %s)",
			    p->file, p->layout ? p->layout_line : 1, l, path.ptr);
			continue;
		}
		/* A layout's own errors once, not once per page. */
		if (map_add(&parsed, l, strlen(l), t, NULL) == 0 &&
		    tmpl_set_get(t->set, l, &e) == NULL) {
			if (e.len > 0 && e.ptr[e.len - 1] == '\n')
				buf_truncate(&e, e.len - 1);
			site_error(s, "%s", e.ptr);
		}
		buf_reset(&e);
		last = l;
	}
	map_release(&parsed);
	map_release(&found);
	buf_release(&path);
	buf_release(&e);
}

static void
print_errors(struct site *s, int partial)
{
	fputs(s->err.ptr, stderr);
	fprintf(stderr, "gen: %zu error%s; %s\n", s->nerr,
	    s->nerr == 1 ? "" : "s", partial ? "the output was partly "
	    "updated, and the next build will finish it" :
	    "the output was not changed");
}

/*
 * What a build does before rendering: load the site and its theme
 * (layouts checked, the ids its templates write reserved) and register
 * every file the build writes besides pages and assets, so that links to
 * them resolve and clashes are found before anything is written.  The
 * theme is left open in *theme when it was found (*have_theme).
 */
static void
prepare(struct site *s, struct theme *theme, int *have_theme,
    const struct build_opts *o, struct cache *cache)
{
	struct buf b = BUF_INIT;
	size_t i;

	*have_theme = 0;
	/* Go on past errors as far as the site's shape allows, so that one
	 * run reports all of them. */
	site_load(s, o->site_dir, o->drafts, o->today, cache);
	if (s->home == NULL)
		return;
	if (theme_open(theme, o, s) == 0) {
		*have_theme = 1;
		if (o->theme_found != NULL) {
			buf_reset(o->theme_found);
			buf_puts(o->theme_found, theme->dir);
		}
		check_layouts(s, theme);
		theme_ids(theme, s);
		for (i = 0; i < theme->nassets; i++) {
			buf_reset(&b);
			buf_printf(&b, "assets/%s", theme->assets[i]);
			site_add_output(s, b.ptr);
		}
	}
	if (site_page(s, "404.md") == NULL)
		site_add_output(s, "404.html");
	site_add_output(s, "robots.txt");
	feeds_register_search(s);
	if (s->news != NULL)
		site_add_output(s, "feed.xml");
	if (s->base_url != NULL)
		site_add_output(s, "sitemap.xml");
	feeds_register_data(s);
	register_pages(s);
	register_aliases(s);
	buf_release(&b);
}

/* What gather_ids() puts together: the ids of a layout and of every
 * template it includes, each template once. */
struct gather {
	struct tmpl_set	*set;
	struct map	*ids;
	struct map	 seen;
};

static void
put_id(void *arg, const char *id, size_t n)
{
	struct gather *g = arg;

	map_put(g->ids, id, n, g->ids);
}

static void
gather_ids(void *arg, const char *name)
{
	struct gather *g = arg;
	struct buf e = BUF_INIT;
	const struct tmpl *t;
	size_t len;

	/* A template that cannot be had is the build's error, not here. */
	if (map_add(&g->seen, name, strlen(name), g, NULL) == 0 &&
	    (t = tmpl_set_get(g->set, name, &e)) != NULL) {
		each_id(tmpl_source(t, &len), put_id, g);
		tmpl_includes(t, gather_ids, g);
	}
	buf_release(&e);
}

/* The ids each layout the pages use writes, into ids. */
static void
layout_ids(struct theme *t, const struct site *s, struct theme_ids *ids)
{
	size_t i;

	ids->by_layout = xcalloc(1, sizeof(*ids->by_layout));
	for (i = 0; i < s->npages; i++) {
		const char *layout = layout_of(s->pages[i]);
		struct gather g = { t->set, NULL, MAP_INIT };

		if (map_gets(ids->by_layout, layout) != NULL)
			continue;
		g.ids = xcalloc(1, sizeof(*g.ids));
		gather_ids(&g, layout);
		map_release(&g.seen);
		map_put(ids->by_layout, layout, strlen(layout), g.ids);
	}
}

const struct map *
theme_ids_of(const struct theme_ids *ids, const struct page *p)
{
	static const struct map none = MAP_INIT;
	const struct map *m = ids->by_layout != NULL ?
	    map_gets(ids->by_layout, layout_of(p)) : NULL;

	return m != NULL ? m : &none;
}

void
theme_ids_release(struct theme_ids *ids)
{
	size_t i;

	if (ids->by_layout == NULL)
		return;
	for (i = 0; i < ids->by_layout->cap; i++)
		if (ids->by_layout->slots[i].key != NULL) {
			map_release(ids->by_layout->slots[i].val);
			free(ids->by_layout->slots[i].val);
		}
	map_release(ids->by_layout);
	free(ids->by_layout);
	ids->by_layout = NULL;
}

int
build_load(struct site *s, const struct build_opts *o, struct theme_ids *ids)
{
	struct theme theme;
	int have_theme;

	if (ids != NULL)
		memset(ids, 0, sizeof(*ids));
	prepare(s, &theme, &have_theme, o, NULL);
	if (have_theme && ids != NULL)
		layout_ids(&theme, s, ids);
	if (have_theme)
		theme_close(&theme);
	return s->home == NULL || s->nerr > 0 ? -1 : 0;
}

/* The cache of the last build into `out`, if gen wrote that folder. */
static void
open_cache(struct cache *cache, const char *out, uint64_t id)
{
	struct buf f = BUF_INIT, ch = BUF_INIT;

	buf_printf(&f, "%s/%s", out, BUILD_MARKER);
	if (fs_is_file(f.ptr)) {
		buf_reset(&f);
		buf_printf(&f, "%s/%s", out, CACHE_FILE);
		buf_printf(&ch, "%s/%s", out, CACHE_CHANGES);
		/* Read while the site is walked (site_load waits for it). */
		cache_load_start(cache, f.ptr, ch.ptr, id);
	} else
		cache_load(cache, NULL, NULL, id);
	buf_release(&f);
	buf_release(&ch);
}

/*
 * The next build's cache: every page's record, in page order, written as
 * it is made (it is as large as the search index), on a thread of its
 * own while the build writes its last files and commits the others (the
 * commit puts it in place last, out_private_later()).  When the pages'
 * records are most of them the last cache's file's, only the changes,
 * beside it (cache.c).  A cache that cannot be written is left out: the
 * next build reads every page.
 */
struct cache_save {
	struct site	*site;
	struct cache	*last;
	struct out	*out;
	uint64_t	 id;
	int64_t		 start;
	int		 rc;
	int		 threaded;
	pthread_t	 tid;
};

/* Page p's record as the cache is to have it. */
static void
page_fields(const struct page *p, struct cache_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->src = p->src;
	f->st = &p->st;
	f->srchash = p->srchash;
	f->key = p->key;
	f->part = p->search_part;
	f->soff = p->search_off;
	f->slen = p->search_len;
	f->orderhash = p->orderhash;
	f->order = p->order;
	f->orderlen = p->order != NULL ? p->nkids * sizeof(uint32_t) : 0;
	f->outs = page_outs(p, &f->outslen);
	f->fm = page_fmrec(p, &f->fmlen);
}

/* The changes of the last cache, written as the cache: 1 when so, 0 when
 * they would not fit (the cache is then written whole), -1 when they
 * could not be written. */
static int
write_changes(struct cache_save *cs)
{
	const struct site *s = cs->site;
	struct cache_changes ch;
	struct cache_fields f;
	size_t i;
	int fd, rc = 0;

	if (!cache_can_change(cs->last) || !out_incremental(cs->out))
		return 0;
	cache_changes_begin(&ch, cs->last, cs->start);
	for (i = 0; i < s->ndirs; i++)
		cache_changes_dir(&ch, s->dirs[i].path, &s->dirs[i].st,
		    s->dirs[i].ents, s->dirs[i].entslen, i);
	for (i = 0; i < s->npages; i++) {
		page_fields(s->pages[i], &f);
		cache_changes_put(&ch, s->pages[i]->rec, &f);
	}
	if (cache_changes_fit(&ch)) {
		fd = out_private(cs->out, CACHE_CHANGES, CACHE_FILE, NULL);
		rc = fd != -1 && cache_changes_write(&ch, fd, cs->id) == 0 ?
		    1 : -1;
		if (fd != -1 && close(fd) == -1)
			rc = -1;
	}
	cache_changes_release(&ch);
	return rc;
}

static void *
write_cache(void *arg)
{
	struct cache_save *cs = arg;
	const struct site *s = cs->site;
	struct cache_writer w;
	struct cache_fields f;
	size_t i;
	int fd, changes = write_changes(cs);

	/* The changes alone, written or not. */
	if (changes != 0) {
		cs->rc = changes == 1 ? 0 : -1;
		return NULL;
	}
	if ((fd = out_private(cs->out, CACHE_FILE, NULL, CACHE_CHANGES)) ==
	    -1) {
		cs->rc = -1;
		return NULL;
	}
	cache_writer_begin(&w, fd, cs->id, cs->start, s->npages);
	for (i = 0; i < s->ndirs; i++)
		cache_writer_dir(&w, cs->start, s->dirs[i].path,
		    &s->dirs[i].st, s->dirs[i].ents, s->dirs[i].entslen);
	for (i = 0; i < s->npages && !w.failed; i++) {
		page_fields(s->pages[i], &f);
		cache_writer_put(&w, s->pages[i]->rec, cs->start, &f);
	}
	cs->rc = cache_writer_end(&w);
	if (close(fd) == -1)
		cs->rc = -1;
	return NULL;
}

/* out_private_later()'s wait: 0 when the cache was written whole. */
static int
cache_saved(void *arg)
{
	struct cache_save *cs = arg;

	if (cs->threaded)
		pthread_join(cs->tid, NULL);
	cs->threaded = 0;
	return cs->rc;
}

/* Start writing the cache, after the last one (`last`); the pages are
 * not to change from here. */
static void
save_cache(struct cache_save *cs, struct site *s, struct cache *last,
    struct out *o, uint64_t id, int64_t start)
{
	memset(cs, 0, sizeof(*cs));
	cs->site = s;
	cs->last = last;
	cs->out = o;
	cs->id = id;
	cs->start = start;
	out_private_later(o, cache_saved, cs);
	if (pthread_create(&cs->tid, NULL, write_cache, cs) == 0)
		cs->threaded = 1;
	else
		write_cache(cs);
}

int
build_run(const struct build_opts *o)
{
	struct site s;
	struct theme theme;
	struct ctx c;
	struct cache cache;
	struct cache_save cache_save;
	struct buf out = BUF_INIT, b = BUF_INIT;
	struct out *o_out = NULL;
	struct out_stats st = { 0 };
	struct timespec t0, t1, start;
	unsigned jobs = o->jobs;
	uint64_t id = cache_id();
	size_t i, kept = 0;
	int rc = 1, have_theme = 0, partial = 0, committed;
	struct tarena site_arena = TARENA_INIT;
	struct tval sj;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_REALTIME, &start);
	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 ? (unsigned)n : 1;
	}
	memset(&c, 0, sizeof(c));
	buf_init(&c.err);
	buf_init(&c.html);
	buf_init(&c.tmp);
	tarena_init(&c.page);
	/* The output folder first: the last build's cache is there. */
	if (o->out_dir != NULL)
		buf_puts(&out, o->out_dir);
	else {
		char *name = site_name(o->site_dir);

		buf_printf(&out, "public/%s", name);
		free(name);
	}
	while (out.len > 1 && out.ptr[out.len - 1] == '/')
		buf_truncate(&out, out.len - 1);
	open_cache(&cache, out.ptr, id);
	o_out = out_start(out.ptr);

	prepare(&s, &theme, &have_theme, o, &cache);
	if (s.home == NULL)
		goto out;
	site_prepare_markdown(&s);
	if (s.nerr > 0 || !have_theme)
		goto out;

	if (check_output(&s, &theme, out.ptr) == -1)
		goto out;
	if (out_open(o_out, &s.err) == -1) {
		o_out = NULL;
		s.nerr++;
		goto out;
	}

	c.site = &s;
	c.theme = &theme;
	c.out = o_out;
	c.progress = !o->quiet && isatty(STDERR_FILENO);
	c.live_reload = o->live_reload;
	c.site_key = site_key(&c, o);
	sj = tv_obj(&site_arena, 6);
	tv_add(&site_arena, &sj, "title", tv_str(s.title));
	tv_add(&site_arena, &sj, "language", tv_str(s.language));
	tv_add(&site_arena, &sj, "pattern", tv_str(s.pattern));
	tv_add(&site_arena, &sj, "pattern_side",
	    tv_bool(strcmp(s.pattern, "side") == 0));
	tv_add(&site_arena, &sj, "description", tv_str(s.description));
	tv_add(&site_arena, &sj, "copyright", tv_str(s.copyright));
	c.site_data = &sj;
	c.search = feeds_search_plan(&s);

	if (render_all(&c, jobs, &kept) == -1)
		c.failed = 1;
	/* The search index's parts first: the last of the pages' records
	 * (where their entries are), then the cache, meanwhile. */
	if (feeds_write(&s, o_out, c.search, &c.err) == -1)
		fail(&c);
	if (!c.failed)
		save_cache(&cache_save, &s, &cache, o_out, id,
		    (int64_t)start.tv_sec * 1000000000 + start.tv_nsec);
	write_404(&c);
	write_app_data(&c);
	copy_assets(&c);
	if (o->live_reload)
		write_live_reload(&c);
	take_thread_errors(&c);
	if (c.failed) {
		size_t skipped = out_skipped(o_out);

		if (skipped > 0)
			site_error(&s, "%s: %zu more file%s not written after "
			    "that", out.ptr, skipped, skipped == 1 ? "" : "s");
		out_abort(o_out);
		o_out = NULL;
		goto out;
	}
	committed = out_commit(o_out, &st, &s.err);
	o_out = NULL;
	if (committed == -1) {
		s.nerr++;
		partial = st.partial;
		goto out;
	}
	fputs(s.err.ptr, stderr);	/* what the commit left behind, if anything */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!o->quiet) {
		printf("gen: %zu pages, %zu rendered, %zu unchanged; %zu files "
		    "written, %zu unchanged, %zu removed, in %.2f s\n",
		    s.npages, s.npages - kept, kept, st.written,
		    st.unchanged, st.removed, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		/* gen watch shows what it rebuilt (the first few files). */
		for (i = 0; o->list_written && i < OUT_NAMES &&
		    st.names[i] != NULL; i++)
			printf("  %s\n", st.names[i]);
		if (o->list_written && st.names[0] != NULL &&
		    st.written > OUT_NAMES)
			printf("  ... and %zu more\n", st.written - OUT_NAMES);
		fflush(stdout);
	}
	out_stats_release(&st);
	rc = 0;
out:
	if (o_out != NULL)
		out_abort(o_out);	/* started, never opened */
	if (rc != 0)
		print_errors(&s, partial);
	if (have_theme)
		theme_close(&theme);
	/* Tens of thousands of small blocks: freeing them one by one takes
	 * longer than a small build.  Not under AddressSanitizer, whose leak
	 * check must see every block freed. */
	if (!o->last || KK_SANITIZED) {
		site_release(&s);
		cache_release(&cache);
	}
	feeds_search_plan_free(c.search);
	buf_release(&c.err);
	buf_release(&c.html);
	buf_release(&c.tmp);
	tarena_release(&c.page);
	tarena_release(&site_arena);
	buf_release(&out);
	buf_release(&b);
	return rc;
}

