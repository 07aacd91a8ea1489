#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "build.h"
#include "check.h"
#include "dl.h"
#include "escape.h"
#include "map.h"
#include "md.h"
#include "path.h"
#include "site.h"

#define CHECK_DEFAULT_JOBS	8

/*
 * libcurl, loaded only when external links are to be checked: linked
 * in, it and the thirty libraries it needs are loaded (and, with -z now,
 * bound) by every run of gen, 6 ms of each build.
 */
#define CHECK_LIBCURL	"libcurl.so.4"

static struct {
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	CURLM		*(*multi_init)(void);
	CURLMcode	 (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode	 (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode	 (*multi_perform)(CURLM *, int *);
	CURLMsg		*(*multi_info_read)(CURLM *, int *);
	CURLMcode	 (*multi_poll)(CURLM *, struct curl_waitfd *,
			    unsigned int, int, int *);
	CURLMcode	 (*multi_cleanup)(CURLM *);
} cu;

#define CURL_FN(f)	{ #f, (void **)&cu.f }

static const struct dl_fn curl_fns[] = {
	CURL_FN(global_cleanup), CURL_FN(easy_init), CURL_FN(easy_setopt),
	CURL_FN(easy_getinfo), CURL_FN(easy_cleanup), CURL_FN(easy_strerror),
	CURL_FN(multi_init), CURL_FN(multi_add_handle),
	CURL_FN(multi_remove_handle), CURL_FN(multi_perform),
	CURL_FN(multi_info_read), CURL_FN(multi_poll), CURL_FN(multi_cleanup),
	CURL_FN(global_init),	/* last: it says all are there */
};

/* 0, or -1 when libcurl cannot be loaded (message in err). */
static int
curl_load(struct buf *err)
{
	if (cu.global_init != NULL)
		return 0;
	return dl_bind(CHECK_LIBCURL, "curl_", curl_fns,
	    sizeof(curl_fns) / sizeof(curl_fns[0]), err);
}
#define CHECK_DEFAULT_TIMEOUT	10	/* seconds */
#define CHECK_MAX_REDIRECTS	5
/* A 429 is asked again once, after its Retry-After (or this many seconds
 * when it gives none), if that is no longer than CHECK_MAX_WAIT. */
#define CHECK_RETRY_DEFAULT	2
#define CHECK_MAX_WAIT		30

enum check_kind {
	CK_ERROR,
	CK_LINK,
	CK_ANCHOR,
	CK_ALT,
	CK_HEADING,
	CK_LINK_TEXT,
	CK_DUP_ID,
	CK_ASSET,
	CK_DESCRIPTION,
	CK_EXTERNAL,
	CK__MAX
};

static const char *const kind_tag[CK__MAX] = {
	"error",		/* CK_ERROR: what stops a build */
	"link",			/* CK_LINK: to no page or file */
	"anchor",		/* CK_ANCHOR: to an id the page lacks */
	"alt",			/* CK_ALT: an image without alt text */
	"heading",		/* CK_HEADING: a level skipped, or an h1 */
	"link-text",		/* CK_LINK_TEXT: a link without text */
	"duplicate-id",		/* CK_DUP_ID: an id given twice */
	"outside-asset",	/* CK_ASSET: loaded from outside the site */
	"description",		/* CK_DESCRIPTION: none in the front matter */
	"external",		/* CK_EXTERNAL: an outside link fails */
};

/* md's lint kinds that are problems, as ours. */
static const enum check_kind from_md[MD_LINT__MAX] = {
	[MD_LINT_ALT] = CK_ALT,
	[MD_LINT_HEADING] = CK_HEADING,
	[MD_LINT_LINK_TEXT] = CK_LINK_TEXT,
	[MD_LINT_DUP_ID] = CK_DUP_ID,
	[MD_LINT_ASSET] = CK_ASSET,
};

struct finding {
	char		*file;
	size_t		 line;		/* 0: the file as a whole */
	enum check_kind	 kind;
	char		*msg;
	size_t		 seq;		/* order found: a stable sort */
};

struct findings {
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
};

/* A link on a page, as md's linter told it. */
struct link {
	size_t		 line;
	char		*url;		/* as written */
	char		*resolved;	/* NULL: raw HTML, or broken */
	int		 raw;
};

/* A page and what its rendering found: filled by the linter, which may
 * run on any thread, so each page keeps its own. */
struct cpage {
	struct page	*p;
	struct findings	 found;
	struct link	*links;
	size_t		 nlinks;
	struct map	 rawids;	/* ids written in raw HTML */
};

/* An outside URL, checked once however many places link to it. */
struct place {
	const char	*file;
	size_t		 line;
	const char	*written;	/* the link as written there */
};

struct ext {
	char		*url;		/* what is requested */
	struct place	*places;
	size_t		 nplaces;
	CURL		*h;
	int		 get;		/* on GET, after HEAD */
	long		 wait;		/* seconds a 429 asked to wait, or 0 */
	int		 retried;	/* asked again after a 429 */
	struct timespec	 due;		/* when, while waiting to */
	long		 status;	/* HTTP status, 0 if none */
	CURLcode	 res;
	char		 errbuf[CURL_ERROR_SIZE];
};

struct check {
	const struct check_opts *o;
	struct site	 site;
	struct cpage	*pages;
	struct map	 by_out;	/* page output path -> cpage */
	struct findings	 found;
	struct ext	*ext;
	size_t		 n_ext, ext_cap;
	struct map	 ext_by_url;	/* url -> index + 1 */
	struct theme_ids tids;		/* the ids each layout writes */
};

/* ---------------------------------------------------------------- *
 * Findings
 * ---------------------------------------------------------------- */

static void	add(struct findings *, const char *, size_t, enum check_kind,
		    const char *, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct findings *f, const char *file, size_t line, enum check_kind kind,
    const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = xreallocarray(f->v, f->cap, sizeof(*f->v));
	}
	f->v[f->n].file = xstrdup(file);
	f->v[f->n].line = line;
	f->v[f->n].kind = kind;
	f->v[f->n].msg = buf_detach(&m, NULL);
	f->v[f->n].seq = f->n;
	f->n++;
}

static void
findings_release(struct findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].file);
		free(f->v[i].msg);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* Move a page's findings into the run's. */
static void
take(struct findings *to, struct findings *from)
{
	size_t i;

	for (i = 0; i < from->n; i++) {
		if (to->n == to->cap) {
			to->cap = to->cap ? to->cap * 2 : 16;
			to->v = xreallocarray(to->v, to->cap, sizeof(*to->v));
		}
		to->v[to->n] = from->v[i];
		to->v[to->n].seq = to->n;
		to->n++;
	}
	free(from->v);
	memset(from, 0, sizeof(*from));
}

static int
cmp_finding(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	int c;

	if ((c = strcmp(a->file, b->file)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A subject quoted in a message, one line. */
static void
put_clean(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, fp);
}

/*
 * The build's own messages ("FILE:LINE: message", "FILE:LINE:COL:
 * message" from templates, "FILE: message"), one per line, as findings:
 * links the resolver refused are "link", the rest "error".
 */
static void
take_site_errors(struct findings *f, const struct buf *err)
{
	const char *p = err->ptr, *end = err->ptr + err->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q, *msg = p, *d;
		const char *col = NULL;
		size_t line = 0, flen = 0, collen = 0;
		enum check_kind kind = CK_ERROR;
		char *file;

		/* The first ":DIGITS:" ends the file name. */
		for (q = p; q < le; q++) {
			if (*q != ':')
				continue;
			for (d = q + 1; d < le && *d >= '0' && *d <= '9'; d++)
				;
			if (d > q + 1 && d < le && *d == ':') {
				flen = (size_t)(q - p);
				line = strtoul(q + 1, NULL, 10);
				msg = d + 1;
				break;
			}
		}
		if (flen == 0) {
			for (q = p; q + 1 < le && !(q[0] == ':' && q[1] == ' ');
			    q++)
				;
			if (q + 1 < le) {
				flen = (size_t)(q - p);
				msg = q + 1;
			}
		}
		while (msg < le && *msg == ' ')
			msg++;
		/* A template's "COL: " after the line. */
		for (d = msg; d < le && *d >= '0' && *d <= '9'; d++)
			;
		if (line > 0 && d > msg && d + 1 < le && d[0] == ':' &&
		    d[1] == ' ') {
			col = msg;
			collen = (size_t)(d - msg);
			msg = d + 2;
		}
		if ((size_t)(le - msg) >= 6 && (strncmp(msg, "link '", 6) == 0 ||
		    strncmp(msg, "empty link", 10) == 0))
			kind = CK_LINK;
		if (le > p) {
			file = xstrndup(p, flen);
			if (col != NULL)
				add(f, file, line, kind, "%.*s (column %.*s)",
				    (int)(le - msg), msg, (int)collen, col);
			else
				add(f, file, line, kind, "%.*s",
				    (int)(le - msg), msg);
			free(file);
		}
		p = nl ? nl + 1 : end;
	}
}

/* ---------------------------------------------------------------- *
 * Linting pages
 * ---------------------------------------------------------------- */

static void
on_lint(void *arg, const struct md_lint_item *it)
{
	struct cpage *cp = arg;
	struct link *l;

	switch (it->kind) {
	case MD_LINT_LINK:
		cp->links = xreallocarray(cp->links, cp->nlinks + 1,
		    sizeof(*cp->links));
		l = &cp->links[cp->nlinks++];
		l->line = it->line;
		l->url = xstrndup(it->text, it->len);
		l->resolved = it->resolved != NULL ?
		    xstrndup(it->resolved, it->rlen) : NULL;
		l->raw = it->raw;
		break;
	case MD_LINT_ID:
		map_put(&cp->rawids, it->text, it->len, cp);
		break;
	default:
		if (it->kind < MD_LINT__MAX && from_md[it->kind] != CK_ERROR)
			add(&cp->found, cp->p->file, it->line,
			    from_md[it->kind], "%.*s", (int)it->len, it->text);
		break;
	}
}


/*
 * The output file a relative URL leads to from folder `dir` ("a/b/"),
 * in out ("x/index.html" for a folder).  -1 when it has a malformed
 * %-escape, -2 when it climbs out of the site.
 */
static int
target_of(struct buf *out, const char *dir, const char *url, size_t n)
{
	struct buf dec = BUF_INIT, joined = BUF_INIT;
	int rc = -1;

	buf_reset(out);
	if (url_decode(&dec, url, n) == -1)
		goto done;
	if (dec.len > 0 && dec.ptr[0] == '/')
		buf_add(&joined, dec.ptr + 1, dec.len - 1);
	else {
		buf_puts(&joined, dir);
		buf_addbuf(&joined, &dec);
	}
	if (path_normalize(out, joined.ptr, joined.len) == -1) {
		rc = -2;
		goto done;
	}
	if (out->len == 0 || out->ptr[out->len - 1] == '/')
		BUF_PUTSL(out, "index.html");
	rc = 0;
done:
	buf_release(&dec);
	buf_release(&joined);
	return rc;
}

/* Whether page `to` has id `id`: one of its headings', one its HTML
 * gives, or one its layout writes. */
static int
has_id_as(struct check *c, const struct cpage *to, const char *id, size_t n)
{
	const struct md_doc *doc = to->p->doc;

	/* A page not rendered has no document, nor its headings' ids. */
	return (doc != NULL && md_doc_heading_id(doc, id, n)) ||
	    map_get(&to->rawids, id, n) != NULL ||
	    map_get(theme_ids_of(&c->tids, to->p), id, n) != NULL;
}

/* Whether page `to` has the id named by fragment `frag` (as written,
 * percent-encoded or not); an empty fragment is the top of the page. */
static int
has_id(struct check *c, const struct cpage *to, const char *frag, size_t n)
{
	struct buf id = BUF_INIT;
	int yes;

	if (n == 0)
		return 1;
	if (url_decode(&id, frag, n) == -1) {
		buf_reset(&id);
		buf_add(&id, frag, n);
	}
	yes = has_id_as(c, to, id.ptr, id.len) || has_id_as(c, to, frag, n);
	buf_release(&id);
	return yes;
}

static void
check_anchor(struct check *c, struct cpage *from, const struct link *l,
    const struct cpage *to, const char *frag, size_t n)
{
	if (has_id(c, to, frag, n))
		return;
	if (to == from)
		add(&from->found, from->p->file, l->line, CK_ANCHOR,
		    "link '%s': no id '%.*s' on this page", l->url, (int)n,
		    frag);
	else
		add(&from->found, from->p->file, l->line, CK_ANCHOR,
		    "link '%s': no id '%.*s' on %s", l->url, (int)n, frag,
		    to->p->file);
}

static void	external_add(struct check *, const struct cpage *,
		    const struct link *);

/* One link, once every page is rendered. */
static void
check_link(struct check *c, struct cpage *cp, const struct link *l)
{
	struct site *s = &c->site;
	const char *u = l->raw ? l->url : l->resolved, *hash;
	struct buf t = BUF_INIT;
	struct cpage *to;
	size_t n, plen;
	int rc;

	if (u == NULL)
		return;		/* broken: the build said so */
	n = strlen(u);
	if (url_is_external(l->url, strlen(l->url))) {
		if (c->o->external)
			external_add(c, cp, l);
		return;
	}
	hash = memchr(u, '#', n);
	for (plen = 0; plen < n && u[plen] != '?' && u[plen] != '#'; plen++)
		;
	if (plen == 0) {
		/* "#id" (or "?x"): this page. */
		if (hash != NULL)
			check_anchor(c, cp, l, cp, hash + 1,
			    n - (size_t)(hash + 1 - u));
		return;
	}
	if (l->raw && u[0] == '/') {
		add(&cp->found, cp->p->file, l->line, CK_LINK, "link '%s' "
		    "starts at the server's root, which breaks under a "
		    "sub-path and from disk (write it as a Markdown link, "
		    "which gen makes relative)", l->url);
		return;
	}
	if ((rc = target_of(&t, cp->p->outdir, u, plen)) < 0) {
		if (l->raw)
			add(&cp->found, cp->p->file, l->line, CK_LINK, "link "
			    "'%s' %s", l->url, rc == -1 ? "has a malformed "
			    "%-escape" : "leads outside the site");
		goto done;
	}
	if (l->raw && map_get(&s->outputs, t.ptr, t.len) == NULL) {
		/* "x" for the folder x/ */
		BUF_PUTSL(&t, "/index.html");
		if (map_get(&s->outputs, t.ptr, t.len) == NULL) {
			buf_truncate(&t, t.len - 11);
			add(&cp->found, cp->p->file, l->line, CK_LINK, "link "
			    "'%s' in HTML: no page or file '%s' in the built "
			    "site (gen rewrites only Markdown links: from "
			    "HTML, a link starts at the page's folder '%s')",
			    l->url, t.ptr, cp->p->outdir);
			goto done;
		}
	}
	if (hash != NULL &&
	    (to = map_get(&c->by_out, t.ptr, t.len)) != NULL)
		check_anchor(c, cp, l, to, hash + 1,
		    n - (size_t)(hash + 1 - u));
done:
	buf_release(&t);
}

/* ---------------------------------------------------------------- *
 * Outside links (--external)
 * ---------------------------------------------------------------- */

static void
external_add(struct check *c, const struct cpage *cp, const struct link *l)
{
	struct buf url = BUF_INIT;
	const char *u = l->url, *host, *hostend;
	struct ext *e;
	uintptr_t k;
	size_t i;

	while (*u == ' ' || *u == '\t')
		u++;
	if (u[0] == '/' || u[0] == '\\')
		BUF_PUTSL(&url, "https:");	/* scheme-relative */
	else if (strncasecmp(u, "http://", 7) != 0 &&
	    strncasecmp(u, "https://", 8) != 0)
		return;		/* mailto:, tel: ... */
	/* Without its fragment, and percent-encoded where a request line
	 * may not hold the bytes raw (spaces, controls, non-ASCII), but
	 * for a host name in Japanese (IDN), which goes in its xn-- form. */
	/* "//" (url_is_external() said so) or "http(s)://". */
	host = url.len > 0 ? u + 2 : strstr(u, "://") + 3;
	hostend = host + strcspn(host, "/?#\\");
	for (i = 0; u[i] != '\0' && u[i] != '#'; i++) {
		unsigned char ch = (unsigned char)u[i];

		if (u + i == host && hostend > host && url_idna_host(&url,
		    host, (size_t)(hostend - host)) == 0) {
			i = (size_t)(hostend - u) - 1;
			continue;
		}
		if (ch <= ' ' || ch >= 0x7f || ch == '"' || ch == '<' ||
		    ch == '>' || ch == '\\' || ch == '^' || ch == '`' ||
		    ch == '{' || ch == '|' || ch == '}')
			buf_printf(&url, "%%%02X", ch);
		else
			buf_putc(&url, ch);
	}
	k = (uintptr_t)map_get(&c->ext_by_url, url.ptr, url.len);
	if (k == 0) {
		if (c->n_ext == c->ext_cap) {
			c->ext_cap = c->ext_cap ? c->ext_cap * 2 : 16;
			c->ext = xreallocarray(c->ext, c->ext_cap,
			    sizeof(*c->ext));
		}
		e = &c->ext[c->n_ext++];
		memset(e, 0, sizeof(*e));
		e->url = xstrdup(url.ptr);
		k = c->n_ext;
		map_put(&c->ext_by_url, url.ptr, url.len, (void *)k);
	}
	e = &c->ext[k - 1];
	e->places = xreallocarray(e->places, e->nplaces + 1,
	    sizeof(*e->places));
	e->places[e->nplaces].file = cp->p->file;
	e->places[e->nplaces].line = l->line;
	e->places[e->nplaces].written = l->url;
	e->nplaces++;
	buf_release(&url);
}

/* GET bodies are not needed: stop at the first byte (the status is
 * known by then). */
static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)size;
	(void)n;
	(void)arg;
	return 0;
}

static int
ext_start(CURLM *m, struct ext *e, unsigned timeout, int get)
{
	if (e->h == NULL && (e->h = cu.easy_init()) == NULL)
		return -1;
	e->get = get;
	e->errbuf[0] = '\0';
	cu.easy_setopt(e->h, CURLOPT_URL, e->url);
	cu.easy_setopt(e->h, CURLOPT_PRIVATE, e);
	cu.easy_setopt(e->h, CURLOPT_ERRORBUFFER, e->errbuf);
	cu.easy_setopt(e->h, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(e->h, CURLOPT_FOLLOWLOCATION, 1L);
	cu.easy_setopt(e->h, CURLOPT_MAXREDIRS, (long)CHECK_MAX_REDIRECTS);
	cu.easy_setopt(e->h, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(e->h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(e->h, CURLOPT_TIMEOUT, (long)timeout);
	cu.easy_setopt(e->h, CURLOPT_USERAGENT, "gen-check (Kakehashi)");
	cu.easy_setopt(e->h, CURLOPT_WRITEFUNCTION, discard);
	if (get) {
		cu.easy_setopt(e->h, CURLOPT_NOBODY, 0L);
		cu.easy_setopt(e->h, CURLOPT_HTTPGET, 1L);
	} else
		cu.easy_setopt(e->h, CURLOPT_NOBODY, 1L);
	return cu.multi_add_handle(m, e->h) == CURLM_OK ? 0 : -1;
}

/* ext_start(), or the URL marked as failed to start and let go. */
static int
ext_begin(CURLM *m, struct ext *e, unsigned timeout, int get)
{
	if (ext_start(m, e, timeout, get) == 0)
		return 0;
	e->res = CURLE_FAILED_INIT;
	cu.easy_cleanup(e->h);
	e->h = NULL;
	return -1;
}

/* Milliseconds from now until t (negative once past). */
static long long
ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(t->tv_sec - now.tv_sec) * 1000 +
	    (t->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * Whether to ask again, later, a server that answered 429 (too many
 * requests): once, after the Retry-After it gave (or a short pause when
 * none), unless it asks for longer than gen check waits.  Sets e->due.
 */
static int
retry_later(struct ext *e, CURL *h)
{
	curl_off_t after = 0;

	if (e->retried)
		return 0;
	if (cu.easy_getinfo(h, CURLINFO_RETRY_AFTER, &after) != CURLE_OK ||
	    after <= 0)
		after = CHECK_RETRY_DEFAULT;
	e->wait = after > LONG_MAX ? LONG_MAX : (long)after;
	if (after > CHECK_MAX_WAIT)
		return 0;
	e->retried = 1;
	clock_gettime(CLOCK_MONOTONIC, &e->due);
	e->due.tv_sec += (time_t)after;
	return 1;
}

/*
 * Check every outside URL: HEAD, then GET when HEAD fails (but for a
 * time-out) or is refused (405, 403, 501); a 429 asked again once after
 * the time it asks for (retry_later()); at most `jobs` at once, each
 * within `timeout` s.
 */
static void
external_run(struct check *c, unsigned jobs, unsigned timeout)
{
	CURLM *m;
	struct ext **waiting;
	size_t next = 0, running = 0, nwaiting = 0, i;

	if (c->n_ext == 0)
		return;
	if ((m = cu.multi_init()) == NULL) {
		add(&c->found, "", 0, CK_ERROR, "cannot start libcurl");
		return;
	}
	waiting = xcalloc(c->n_ext, sizeof(*waiting));
	for (;;) {
		CURLMsg *msg;
		long long wait = 1000, until;
		int still, left;

		/* Those asked to wait first, when their time has come;
		 * then new ones. */
		for (i = 0; i < nwaiting && running < jobs; ) {
			struct ext *e = waiting[i];

			if ((until = ms_until(&e->due)) > 0) {
				if (until < wait)
					wait = until;
				i++;
				continue;
			}
			waiting[i] = waiting[--nwaiting];
			if (ext_begin(m, e, timeout, e->get) == 0)
				running++;
		}
		while (running < jobs && next < c->n_ext) {
			if (ext_begin(m, &c->ext[next++], timeout, 0) == 0)
				running++;
		}
		if (running == 0 && nwaiting == 0)
			break;
		cu.multi_perform(m, &still);
		while ((msg = cu.multi_info_read(m, &left)) != NULL) {
			struct ext *e = NULL;
			CURLcode res = msg->data.result;
			long status = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			cu.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&e);
			cu.easy_getinfo(msg->easy_handle,
			    CURLINFO_RESPONSE_CODE, &status);
			cu.multi_remove_handle(m, msg->easy_handle);
			/* The body aborted by discard(): the answer is in. */
			if (res == CURLE_WRITE_ERROR && status > 0)
				res = CURLE_OK;
			/* A time-out is no refusal of HEAD: trying GET would
			 * only wait as long again.  Any other failure may be
			 * the server's with HEAD alone (405, 403, 501, and
			 * some answer 404 or 400 to HEAD for a page that is
			 * there): GET says.  But not to a server that asks
			 * for fewer requests (429): that one is asked the
			 * same again, later. */
			if (!e->get && res != CURLE_OPERATION_TIMEDOUT &&
			    (res != CURLE_OK || (status >= 400 &&
			    status != 429)) &&
			    ext_start(m, e, timeout, 1) == 0)
				continue;
			running--;
			if (res == CURLE_OK && status == 429 &&
			    retry_later(e, msg->easy_handle)) {
				waiting[nwaiting++] = e;
				continue;
			}
			e->res = res;
			e->status = status;
			cu.easy_cleanup(e->h);
			e->h = NULL;
		}
		if (running > 0)
			cu.multi_poll(m, NULL, 0, (int)wait, NULL);
		else if (nwaiting > 0 && wait > 0)
			/* Nothing under way: sleep until the first is due. */
			nanosleep(&(struct timespec){ (time_t)(wait / 1000),
			    (long)(wait % 1000) * 1000000 }, NULL);
	}
	free(waiting);
	cu.multi_cleanup(m);
}

/* What an error status says, for the common ones. */
static const char *
status_note(long status)
{
	switch (status) {
	case 400:
		return " (bad request)";
	case 401:
		return " (sign-in required)";
	case 403:
		return " (forbidden)";
	case 404:
		return " (not found)";
	case 410:
		return " (gone for good)";
	case 500:
		return " (server error)";
	case 502:
	case 504:
		return " (the server's gateway failed)";
	case 503:
		return " (service unavailable: down or busy for now)";
	default:
		return "";
	}
}

static void
external_report(struct check *c)
{
	size_t i, j;

	for (i = 0; i < c->n_ext; i++) {
		struct ext *e = &c->ext[i];
		struct buf why = BUF_INIT;

		if (e->res == CURLE_OK && e->status < 400)
			continue;
		if (e->res != CURLE_OK)
			buf_puts(&why, e->errbuf[0] != '\0' ? e->errbuf :
			    cu.easy_strerror(e->res));
		else if (e->status == 429) {
			buf_puts(&why, "HTTP 429 (too many requests: the "
			    "server turned the check away for now, so the link "
			    "may be fine; ");
			if (e->retried)
				buf_printf(&why, "asked again %ld s later, it "
				    "did so again; ", e->wait);
			else if (e->wait > CHECK_MAX_WAIT)
				buf_printf(&why, "it asks to wait %ld s, longer "
				    "than gen check waits; ", e->wait);
			buf_puts(&why, "check again later, or with a lower "
			    "--jobs-external)");
		} else
			buf_printf(&why, "HTTP %ld%s", e->status,
			    status_note(e->status));
		while (why.len > 0 && why.ptr[why.len - 1] == '\n')
			buf_truncate(&why, why.len - 1);
		for (j = 0; j < e->nplaces; j++)
			add(&c->found, e->places[j].file, e->places[j].line,
			    CK_EXTERNAL, "link '%s': %s", e->places[j].written,
			    why.ptr);
		buf_release(&why);
	}
}

/* ---------------------------------------------------------------- *
 * The run
 * ---------------------------------------------------------------- */

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static void
report(struct check *c)
{
	struct findings *f = &c->found;
	size_t i, nfiles = 0, count[CK__MAX];
	const char *sep = "";

	memset(count, 0, sizeof(count));
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
	for (i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		if (i == 0 || strcmp(x->file, f->v[i - 1].file) != 0)
			nfiles++;
		count[x->kind]++;
		put_clean(stdout, x->file[0] != '\0' ? x->file : "gen");
		if (x->line > 0)
			printf(":%zu", x->line);
		printf(": %s: ", kind_tag[x->kind]);
		put_clean(stdout, x->msg);
		putchar('\n');
	}
	if (f->n == 0) {
		printf("gen check: no problems in %zu pages\n",
		    c->site.npages);
		return;
	}
	printf("gen check: %zu problem%s in %zu file%s (", f->n,
	    f->n == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s");
	for (i = 0; i < CK__MAX; i++)
		if (count[i] > 0) {
			printf("%s%s %zu", sep, kind_tag[i], count[i]);
			sep = ", ";
		}
	printf(")\n");
}

int
check_run(const struct check_opts *o)
{
	struct check c;
	struct build_opts bo;
	struct buf cerr = BUF_INIT;
	struct site *s = &c.site;
	size_t i, j;
	int rc;

	memset(&c, 0, sizeof(c));
	c.o = o;
	memset(&bo, 0, sizeof(bo));
	bo.site_dir = o->site_dir;
	bo.theme_dir = o->theme_dir;
	snprintf(bo.today, sizeof(bo.today), "%s", o->today);
	bo.drafts = o->drafts;
	bo.quiet = 1;

	build_load(s, &bo, &c.tids);
	if (s->home != NULL) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		/* The linter keeps each page's findings apart: any number
		 * of threads may render. */
		s->jobs = ncpu > 0 ? (unsigned)ncpu : 1;
		c.pages = xcalloc(s->npages + 1, sizeof(*c.pages));
		for (i = 0; i < s->npages; i++) {
			c.pages[i].p = s->pages[i];
			md_doc_set_linter(page_doc(s->pages[i]), on_lint,
			    &c.pages[i]);
			map_put(&c.by_out, s->pages[i]->out,
			    strlen(s->pages[i]->out), &c.pages[i]);
		}
		site_render_markdown(s);
	}
	take_site_errors(&c.found, &s->err);

	for (i = 0; c.pages != NULL && i < s->npages; i++) {
		struct cpage *cp = &c.pages[i];

		if (blank(cp->p->description))
			add(&cp->found, cp->p->file, 1, CK_DESCRIPTION,
			    "no 'description' in the front matter (one "
			    "sentence, shown in lists, search results and "
			    "<meta name=\"description\">)");
		for (j = 0; j < cp->nlinks; j++)
			check_link(&c, cp, &cp->links[j]);
	}
	if (o->external && c.n_ext > 0 && curl_load(&cerr) == -1)
		add(&c.found, "", 0, CK_ERROR, "%s", cerr.ptr);
	else if (o->external && c.n_ext > 0) {
		cu.global_init(CURL_GLOBAL_DEFAULT);
		external_run(&c, o->jobs ? o->jobs : CHECK_DEFAULT_JOBS,
		    o->timeout ? o->timeout : CHECK_DEFAULT_TIMEOUT);
		external_report(&c);
		cu.global_cleanup();
	}
	buf_release(&cerr);
	for (i = 0; c.pages != NULL && i < s->npages; i++)
		take(&c.found, &c.pages[i].found);

	report(&c);
	rc = c.found.n > 0 ? 1 : 0;

	for (i = 0; c.pages != NULL && i < s->npages; i++) {
		struct cpage *cp = &c.pages[i];

		if (cp->p->doc != NULL)
			md_doc_set_linter(cp->p->doc, NULL, NULL);
		for (j = 0; j < cp->nlinks; j++) {
			free(cp->links[j].url);
			free(cp->links[j].resolved);
		}
		free(cp->links);
		map_release(&cp->rawids);
		findings_release(&cp->found);
	}
	free(c.pages);
	for (i = 0; i < c.n_ext; i++) {
		free(c.ext[i].url);
		free(c.ext[i].places);
	}
	free(c.ext);
	map_release(&c.ext_by_url);
	map_release(&c.by_out);
	theme_ids_release(&c.tids);
	findings_release(&c.found);
	site_release(s);
	return rc;
}
