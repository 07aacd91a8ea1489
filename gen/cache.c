#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "cache.h"
#include "hash.h"
#include "map.h"

/*
 * The file: a first line naming the format and gen's version, then
 * "id NNN;" (which build of gen wrote it: a cache is only read by the
 * same program), "start NNN;", "pages NNN;" (how many "R" records
 * follow the folders'), one record per folder, each "D" and its
 * fields, then a newline, and one record per page, each "R" and its
 * fields, then a newline.  A string field is "LEN:BYTES" and a NUL ("~"
 * for none), so that the mapped file's strings are C strings where they
 * are; a number is "DECIMAL;".  The records are:
 *
 *	D path ino size mtime ctime ents
 *	R src ino size mtime ctime srchash key fm outs part soff slen
 *	  orderhash order
 *
 * A rebuild that changes a few pages' records does not write the file
 * again (megabytes for thousands of pages) but the changes, beside it
 * (CACHE_CHANGES): a first line, then "id NNN;", "base NNN;" and "size
 * NNN;" (the start and the size of the file they change), "adds NNN;"
 * (how many pages' records they add),
 * then the folders' records that replace the file's of the same path or
 * add to them, then the pages' records, each one "X" and the index of
 * the file's record it replaces, a number, then a record as above (of
 * the same source), or a record alone, which adds a page.  Each rebuild
 * writes them anew, from the file's records, until they would be a
 * quarter of its size (or a quarter of its pages are gone): then it
 * writes the file again, whole, and the changes go.  Changes that are
 * there but do not read back, or are of another file, make the pages'
 * records unusable, as a bad record of the file does: the build that
 * wrote them wrote pages the file alone does not tell of.
 */
#define CACHE_HEAD	"gen-cache 6 " GEN_VERSION "\n"
#define CHANGES_HEAD	"gen-cache-changes 6 " GEN_VERSION "\n"

/* No page's record is shorter than this: the shortest ("R1:x", a NUL,
 * nine one-digit numbers, two empty strings, two nones and a newline)
 * takes 32 bytes. */
#define CACHE_REC_MIN	16

/* Within this many nanoseconds of the build's start, a file's times do
 * not vouch for its bytes. */
#define CACHE_RACY_NS	2000000000LL

/* Numbers without printf, two digits at a time: a cache holds tens of
 * thousands, most of them hashes and times of 19 or 20 digits. */
static void
put_digits(struct buf *b, uint64_t v, char end)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324"
	    "25262728293031323334353637383940414243444546474849"
	    "50515253545556575859606162636465666768697071727374"
	    "75767778798081828384858687888990919293949596979899";
	char d[24];
	size_t i = sizeof(d), k;

	d[--i] = end;
	for (; v >= 100; v /= 100) {
		k = (size_t)(v % 100) * 2;
		d[--i] = pairs[k + 1];
		d[--i] = pairs[k];
	}
	if (v >= 10) {
		d[--i] = pairs[v * 2 + 1];
		d[--i] = pairs[v * 2];
	} else
		d[--i] = (char)('0' + v);
	buf_add(b, d + i, sizeof(d) - i);
}

void
cache_put_num(struct buf *b, long long v)
{
	if (v < 0) {
		buf_putc(b, '-');
		put_digits(b, (uint64_t)0 - (uint64_t)v, ';');
	} else
		put_digits(b, (uint64_t)v, ';');
}

static void
put_u64(struct buf *b, uint64_t v)
{
	put_digits(b, v, ';');
}

void
cache_put_strn(struct buf *b, const char *s, size_t len)
{
	put_digits(b, len, ':');
	buf_add(b, s, len);
	buf_putc(b, '\0');
}

void
cache_put_str(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_putc(b, '~');
	else
		cache_put_strn(b, s, strlen(s));
}

static int
get_u64(struct cache_reader *r, uint64_t *out)
{
	return cache_get_digits(r, ';', out);
}

static int
get_stat(struct cache_reader *r, struct cache_stat *st)
{
	long long mt, ct;

	if (get_u64(r, &st->ino) == -1 || get_u64(r, &st->size) == -1 ||
	    cache_get_num(r, &mt) == -1 || cache_get_num(r, &ct) == -1)
		return -1;
	st->mtime = mt;
	st->ctime = ct;
	return 0;
}

/* The array of records, room for n: filled in at once (xmap), as it is
 * a table of thousands written once each. */
static void
recs_alloc(struct cache *c, size_t n)
{
	c->vcap = n;
	if (KK_SANITIZED || (c->v = xmap(n * sizeof(*c->v))) == NULL) {
		c->v = xcalloc(n, sizeof(*c->v));
		c->vcap = 0;	/* not mapped */
	}
}

static void
recs_free(struct cache *c)
{
	if (c->vcap > 0)
		xunmap(c->v, c->vcap * sizeof(*c->v));
	else
		free(c->v);
	c->v = NULL;
	c->vcap = 0;
}

/* The walk may now look at the folders' records: all of them, or none
 * when the file has no usable ones. */
static void
dirs_done(struct cache *c)
{
	pthread_mutex_lock(&c->dir_lock);
	c->dirs_read = 1;
	pthread_cond_broadcast(&c->dir_cond);
	pthread_mutex_unlock(&c->dir_lock);
}

static void
dirs_free(struct cache *c)
{
	size_t i;

	for (i = 0; i < c->ndirs; i++) {
		free(c->dirs[i].path);
		free(c->dirs[i].ents);
	}
	free(c->dirs);
	c->dirs = NULL;
	c->ndirs = 0;
}

/* Entries as cache_dir has them: each a type byte, a name of at least
 * one byte without '/', and a NUL; the names in strcmp() order, none
 * twice, as fs_dir_read() gives them. */
static int
valid_ents(const char *e, size_t len)
{
	const char *end = e + len, *nul, *prev = NULL;

	while (e < end) {
		if (end - e < 3 || (nul = memchr(e + 1, '\0',
		    (size_t)(end - e - 1))) == NULL || nul == e + 1 ||
		    memchr(e + 1, '/', (size_t)(nul - e - 1)) != NULL ||
		    (prev != NULL && strcmp(prev, e + 1) >= 0))
			return 0;
		prev = e + 1;
		e = nul + 1;
	}
	return 1;
}

/* The "D" records at r, copied into c->dirs; -1 when one is malformed.
 * Those of the changes (`changed`) replace the file's of the same path,
 * or are added. */
static int
parse_dirs(struct cache *c, struct cache_reader *r, int changed)
{
	size_t cap = c->ndirs, i;

	while (r->p < r->end && *r->p == 'D') {
		struct cache_dir d;
		const char *path, *ents;
		size_t plen, elen;

		r->p++;
		if (cache_get_span(r, &path, &plen) == -1 || path == NULL ||
		    (plen > 0 && path[plen - 1] != '/') ||
		    get_stat(r, &d.st) == -1 ||
		    cache_get_bytes(r, &ents, &elen) == -1 || ents == NULL ||
		    r->p == r->end || *r->p++ != '\n' ||
		    !valid_ents(ents, elen))
			return -1;
		if (c->ndirs == cap) {
			cap = cap ? cap * 2 : 16;
			c->dirs = xreallocarray(c->dirs, cap, sizeof(*c->dirs));
		}
		d.path = xstrndup(path, plen);
		d.ents = xmalloc(elen + 1);
		memcpy(d.ents, ents, elen);
		d.ents[elen] = '\0';
		d.entslen = elen;
		d.changed = changed;
		/* A site has tens of folders, not thousands. */
		for (i = 0; changed && i < c->ndirs; i++)
			if (strcmp(c->dirs[i].path, d.path) == 0)
				break;
		if (changed && i < c->ndirs) {
			free(c->dirs[i].path);
			free(c->dirs[i].ents);
			c->dirs[i] = d;
		} else
			c->dirs[c->ndirs++] = d;
	}
	return 0;
}

/* One page's record at r, its "R" and all, into e; -1 when malformed. */
static int
parse_rec(struct cache_reader *r, struct cache_rec *e)
{
	e->raw = r->p;
	if (r->p == r->end || *r->p++ != 'R')
		return -1;
	if (cache_get_bytes(r, &e->src, &e->srclen) == -1 ||
	    e->src == NULL ||
	    get_stat(r, &e->st) == -1 ||
	    get_u64(r, &e->srchash) == -1 ||
	    get_u64(r, &e->key) == -1 ||
	    cache_get_bytes(r, &e->fm, &e->fmlen) == -1 || e->fm == NULL ||
	    cache_get_bytes(r, &e->outs, &e->outslen) == -1 ||
	    cache_get_bytes(r, &e->part, &e->partlen) == -1 ||
	    get_u64(r, &e->soff) == -1 ||
	    get_u64(r, &e->slen) == -1 ||
	    get_u64(r, &e->orderhash) == -1 ||
	    cache_get_bytes(r, &e->order, &e->orderlen) == -1 ||
	    r->p == r->end || *r->p++ != '\n')
		return -1;
	/* An order is of whole places, and made from something. */
	if (e->orderlen % sizeof(uint32_t) != 0 ||
	    (e->orderlen > 0 && e->orderhash == 0))
		return -1;
	e->rawlen = (size_t)(r->p - e->raw);
	/* An entry is somewhere, and a part's name holds no NUL. */
	if ((e->part == NULL && e->slen != 0) || (e->part != NULL &&
	    memchr(e->part, '\0', e->partlen) != NULL))
		return -1;
	/* The names of the outputs each end with a NUL. */
	if (e->outslen > 0 && e->outs[e->outslen - 1] != '\0')
		return -1;
	return 0;
}

/* "NAME NNN;" at r into *v; -1 when not so. */
static int
get_field(struct cache_reader *r, const char *name, uint64_t *v)
{
	size_t n = strlen(name);

	if ((size_t)(r->end - r->p) < n + 1 || memcmp(r->p, name, n) != 0 ||
	    r->p[n] != ' ')
		return -1;
	r->p += n + 1;
	return get_u64(r, v);
}

/*
 * The head of the changes of c's file (read into c->changes), r then at
 * their folders' records, and how many pages' records they add: 0, or
 * -1 when they are not of this gen, or of another file.
 */
static int
changes_head(struct cache *c, uint64_t id, struct cache_reader *r,
    uint64_t *adds)
{
	uint64_t fid, base, size;
	size_t hl = strlen(CHANGES_HEAD);

	if (c->changes == NULL || c->changeslen < hl ||
	    memcmp(c->changes, CHANGES_HEAD, hl) != 0)
		return -1;
	cache_reader_init(r, c->changes + hl, c->changeslen - hl);
	if (get_field(r, "id", &fid) == -1 || fid != id ||
	    get_field(r, "base", &base) == -1 ||
	    base != (uint64_t)c->start ||
	    get_field(r, "size", &size) == -1 || size != c->len ||
	    get_field(r, "adds", adds) == -1 ||
	    *adds > (uint64_t)(r->end - r->p) / CACHE_REC_MIN)
		return -1;
	return 0;
}

/* The changes' pages' records at r, over the file's or added; -1 when
 * one is malformed, or replaces a record of another source. */
static int
parse_changes(struct cache *c, struct cache_reader *r, size_t cap)
{
	while (r->p < r->end) {
		struct cache_rec e;
		uint64_t at = UINT64_MAX;

		if (*r->p == 'X') {
			r->p++;
			if (get_u64(r, &at) == -1 || at >= c->nbase)
				return -1;
		}
		if (parse_rec(r, &e) == -1)
			return -1;
		if (at != UINT64_MAX) {
			if (c->v[at].srclen != e.srclen ||
			    memcmp(c->v[at].src, e.src, e.srclen) != 0)
				return -1;
			c->v[at] = e;
		} else if (c->n == cap)
			return -1;
		else
			c->v[c->n++] = e;
	}
	/* As many added as they said. */
	return c->n == cap ? 0 : -1;
}

static int
parse(struct cache *c, uint64_t id)
{
	uint64_t fid, cap, adds = 0;
	struct cache_reader r, ch;
	long long start;
	int changes;

	if (c->len < strlen(CACHE_HEAD) ||
	    memcmp(c->text, CACHE_HEAD, strlen(CACHE_HEAD)) != 0)
		return -1;
	cache_reader_init(&r, c->text + strlen(CACHE_HEAD),
	    c->len - strlen(CACHE_HEAD));
	if (get_field(&r, "id", &fid) == -1 || fid != id)
		return -1;
	if (r.end - r.p < 6 || memcmp(r.p, "start ", 6) != 0)
		return -1;
	r.p += 6;
	if (cache_get_num(&r, &start) == -1)
		return -1;
	c->start = start;
	/* Room for the records at once (no pass over the file to count
	 * them); a count the rest of the file cannot hold is refused
	 * before anything is allocated for it. */
	if (get_field(&r, "pages", &cap) == -1 ||
	    cap > (uint64_t)(r.end - r.p) / CACHE_REC_MIN)
		return -1;
	/* The folders first, the changes' over the file's: the walk of
	 * the site waits for them. */
	if (parse_dirs(c, &r, 0) == -1) {
		dirs_free(c);
		return -1;
	}
	changes = c->changes != NULL;
	if (changes && (changes_head(c, id, &ch, &adds) == -1 ||
	    parse_dirs(c, &ch, 1) == -1))
		return -1;
	dirs_done(c);
	recs_alloc(c, (size_t)(cap + adds) + 1);
	while (r.p < r.end) {
		if (c->n == cap || parse_rec(&r, &c->v[c->n]) == -1)
			return -1;
		c->n++;
	}
	/* As many as the file said. */
	if (c->n != cap)
		return -1;
	c->nbase = c->n;
	return changes ? parse_changes(c, &ch, (size_t)(cap + adds)) : 0;
}

/* Load `file`, and its changes from file `changes` if there are any
 * (NULL: none), into c, whose fields of the file are empty. */
static int
load_file(struct cache *c, const char *file, const char *changes,
    uint64_t id)
{
	struct buf b = BUF_INIT;
	struct stat st;
	void *m;
	int fd, unreadable = 0;

	if (file == NULL || (fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* Mapped, not read: most of it is only looked at, or copied once
	 * into the next cache. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ,
	    MAP_PRIVATE | MAP_POPULATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return -1;
	}
	close(fd);
	c->text = m;
	c->len = (size_t)st.st_size;
	/* Read, not mapped: a few records, most of the time.  None there
	 * is none; any other failure makes the cache unusable. */
	if (changes != NULL && buf_read_file(&b, changes) == 0)
		c->changes = buf_detach(&b, &c->changeslen);
	else if (changes != NULL && errno != ENOENT)
		unreadable = 1;
	buf_release(&b);
	if (unreadable || parse(c, id) == -1) {
		munmap(m, c->len);
		recs_free(c);
		free(c->changes);
		c->changes = NULL;
		c->text = NULL;
		c->len = c->n = c->nbase = c->changeslen = 0;
		c->v = NULL;
		return -1;
	}
	return 0;
}

/* The same, and the folders' records told to be read, whatever came of
 * it (a bad page record leaves the folders' records, each of which is
 * checked against its folder before it is used). */
static int
load(struct cache *c, const char *file, const char *changes, uint64_t id)
{
	int rc = load_file(c, file, changes, id);

	dirs_done(c);
	return rc;
}

/* An empty cache, before it is loaded. */
static void
cache_init(struct cache *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->map_lock, NULL);
	pthread_mutex_init(&c->dir_lock, NULL);
	pthread_cond_init(&c->dir_cond, NULL);
}

int
cache_load(struct cache *c, const char *file, const char *changes,
    uint64_t id)
{
	cache_init(c);
	return load(c, file, changes, id);
}

static void *
loader(void *arg)
{
	struct cache *c = arg;

	load(c, c->file, c->changes_file, c->id);
	return NULL;
}

void
cache_load_start(struct cache *c, const char *file, const char *changes,
    uint64_t id)
{
	cache_init(c);
	c->file = xstrdup(file);
	c->changes_file = changes != NULL ? xstrdup(changes) : NULL;
	c->id = id;
	if (pthread_create(&c->loader, NULL, loader, c) == 0)
		c->loading = 1;
	else
		load(c, c->file, c->changes_file, c->id);
}

void
cache_wait(struct cache *c)
{
	if (c->loading)
		pthread_join(c->loader, NULL);
	c->loading = 0;
}

int
cache_loading(const struct cache *c)
{
	return c->loading;
}

void
cache_release(struct cache *c)
{
	cache_wait(c);
	free(c->file);
	free(c->changes_file);
	free(c->changes);
	if (c->text != NULL)
		munmap((void *)c->text, c->len);
	recs_free(c);
	map_release(&c->by_src);
	dirs_free(c);
	pthread_mutex_destroy(&c->map_lock);
	pthread_mutex_destroy(&c->dir_lock);
	pthread_cond_destroy(&c->dir_cond);
	memset(c, 0, sizeof(*c));
}

/* The map of sources, made once, on whichever loading thread first
 * needs it; of two records of one source (never written so) the first. */
static void
make_map(struct cache *c)
{
	size_t i;

	pthread_mutex_lock(&c->map_lock);
	if (!c->mapped) {
		/* Keys in the mapped file, which lives as long as the map. */
		map_borrow_keys(&c->by_src);
		map_reserve(&c->by_src, c->n);
		for (i = 0; i < c->n; i++)
			(void)map_add(&c->by_src, c->v[i].src, c->v[i].srclen,
			    (void *)(uintptr_t)(i + 1), NULL);
		c->mapped = 1;
	}
	pthread_mutex_unlock(&c->map_lock);
}

const struct cache_rec *
cache_get(struct cache *c, const char *src, size_t hint)
{
	size_t len = strlen(src);
	uintptr_t i;

	if (hint < c->n && c->v[hint].srclen == len &&
	    memcmp(c->v[hint].src, src, len) == 0)
		return &c->v[hint];
	if (c->n == 0)
		return NULL;
	make_map(c);
	i = (uintptr_t)map_get(&c->by_src, src, len);
	return i != 0 ? &c->v[i - 1] : NULL;
}

const struct cache_dir *
cache_get_dir(struct cache *c, const char *path, size_t hint)
{
	size_t i;

	pthread_mutex_lock(&c->dir_lock);
	while (!c->dirs_read)
		pthread_cond_wait(&c->dir_cond, &c->dir_lock);
	pthread_mutex_unlock(&c->dir_lock);
	if (hint < c->ndirs && strcmp(c->dirs[hint].path, path) == 0)
		return &c->dirs[hint];
	/* A site has tens of folders, not thousands. */
	for (i = 0; i < c->ndirs; i++)
		if (strcmp(c->dirs[i].path, path) == 0)
			return &c->dirs[i];
	return NULL;
}

/* The linker's build ID of the program (a hash of its bytes), from its
 * notes as loaded: no need to read the file. */
struct build_id {
	const void	*id;
	size_t		 len;
};

static int
find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct build_id *b = arg;
	size_t i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;
		size_t align = ph->p_align == 8 ? 8 : 4;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *n = (const void *)p;
			const char *name = p + sizeof(*n), *desc;
			size_t nl = (n->n_namesz + align - 1) & ~(align - 1);
			size_t dl = (n->n_descsz + align - 1) & ~(align - 1);

			if (nl > (size_t)(end - name) ||
			    dl > (size_t)(end - name - nl))
				break;
			desc = name + nl;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0 && n->n_descsz >= 16) {
				b->id = desc;
				b->len = n->n_descsz;
				return 1;
			}
			p = desc + dl;
		}
	}
	return 1;	/* the program is the first object; only it */
}

uint64_t
cache_id(void)
{
	struct buf exe = BUF_INIT;
	struct build_id b = { NULL, 0 };
	uint64_t id = hash64(GEN_VERSION, strlen(GEN_VERSION), 0);

	dl_iterate_phdr(find_build_id, &b);
	if (b.id != NULL)
		return hash64(b.id, b.len, id);
	/* Linked without one: the file itself. */
	if (buf_read_file(&exe, "/proc/self/exe") == 0)
		id = hash64(exe.ptr, exe.len, id);
	buf_release(&exe);
	return id;
}

void
cache_begin(struct buf *b, uint64_t id, int64_t start, size_t npages)
{
	buf_puts(b, CACHE_HEAD);
	buf_puts(b, "id ");
	put_u64(b, id);
	buf_puts(b, "start ");
	cache_put_num(b, start);
	buf_puts(b, "pages ");
	put_u64(b, npages);
}

/* Bytes equal, where a and b (NULL for none) may be the same. */
static int
same_span(const char *a, size_t alen, const char *b, size_t blen)
{
	if (a == NULL || b == NULL)
		return a == b;
	return alen == blen && (a == b || memcmp(a, b, alen) == 0);
}

static int
is_racy(const struct cache_stat *st, int64_t start)
{
	return st->mtime >= start - CACHE_RACY_NS ||
	    st->ctime >= start - CACHE_RACY_NS;
}

/* A file's or folder's identity as get_stat() reads it, its times left
 * out (0) when it changed within two seconds of the build's start. */
static void
put_stat(struct buf *b, const struct cache_stat *st, int64_t start)
{
	int racy = is_racy(st, start);

	put_u64(b, st->ino);
	put_u64(b, st->size);
	cache_put_num(b, racy ? 0 : st->mtime);
	cache_put_num(b, racy ? 0 : st->ctime);
}

/* The identity put_stat() would write for st is `old`, as read back.
 * The times of an old record are earlier than the start of the build
 * that wrote it, less two seconds, or 0: never racy now. */
static int
same_stat_written(const struct cache_stat *old, const struct cache_stat *st,
    int64_t start)
{
	return !is_racy(st, start) && old->mtime != 0 &&
	    old->ino == st->ino && old->size == st->size &&
	    old->mtime == st->mtime && old->ctime == st->ctime;
}

/* The record cache_put() would write is `old`, byte for byte. */
static int
same_record(const struct cache_rec *old, int64_t start,
    const struct cache_fields *f)
{
	return old != NULL && same_stat_written(&old->st, f->st, start) &&
	    old->srchash == f->srchash && old->key == f->key &&
	    old->soff == f->soff && old->slen == f->slen &&
	    old->orderhash == f->orderhash &&
	    same_span(old->src, old->srclen, f->src, strlen(f->src)) &&
	    same_span(old->fm, old->fmlen, f->fm, f->fmlen) &&
	    same_span(old->outs, old->outslen, f->outs, f->outslen) &&
	    same_span(old->part, old->partlen, f->part,
	    f->part != NULL ? strlen(f->part) : 0) &&
	    same_span(old->order, old->orderlen, f->order, f->orderlen);
}

void
cache_put(struct buf *b, int64_t start, const struct cache_fields *f)
{
	buf_putc(b, 'R');
	cache_put_str(b, f->src);
	put_stat(b, f->st, start);
	put_u64(b, f->srchash);
	put_u64(b, f->key);
	cache_put_strn(b, f->fm, f->fmlen);
	cache_put_strn(b, f->outs, f->outslen);
	cache_put_str(b, f->part);
	put_u64(b, f->soff);
	put_u64(b, f->slen);
	put_u64(b, f->orderhash);
	if (f->order != NULL)
		cache_put_strn(b, f->order, f->orderlen);
	else
		buf_putc(b, '~');
	buf_putc(b, '\n');
}

/* What is pending goes out: the old bytes, or the new ones. */
static void
writer_flush(struct cache_writer *w)
{
	if (w->runlen > 0 && !w->failed &&
	    fd_write_all(w->fd, w->run, w->runlen) == -1)
		w->failed = 1;
	w->runlen = 0;
	if (w->b.len > 0 && !w->failed &&
	    fd_write_all(w->fd, w->b.ptr, w->b.len) == -1)
		w->failed = 1;
	buf_reset(&w->b);
}

void
cache_writer_begin(struct cache_writer *w, int fd, uint64_t id,
    int64_t start, size_t npages)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	buf_init(&w->b);
	cache_begin(&w->b, id, start, npages);
}

static void
put_dir(struct buf *b, int64_t start, const char *path,
    const struct cache_stat *st, const char *ents, size_t entslen)
{
	buf_putc(b, 'D');
	cache_put_str(b, path);
	put_stat(b, st, start);
	cache_put_strn(b, ents, entslen);
	buf_putc(b, '\n');
}

void
cache_writer_dir(struct cache_writer *w, int64_t start, const char *path,
    const struct cache_stat *st, const char *ents, size_t entslen)
{
	put_dir(&w->b, start, path, st, ents, entslen);
}

void
cache_writer_put(struct cache_writer *w, const struct cache_rec *old,
    int64_t start, const struct cache_fields *f)
{
	if (same_record(old, start, f)) {
		/* Records of pages in a row are in a row in the old file. */
		if (w->runlen > 0 && w->run + w->runlen == old->raw) {
			w->runlen += old->rawlen;
			return;
		}
		writer_flush(w);
		w->run = old->raw;
		w->runlen = old->rawlen;
		return;
	}
	if (w->runlen > 0)
		writer_flush(w);
	cache_put(&w->b, start, f);
	if (w->b.len >= (1u << 20))
		writer_flush(w);
}

int
cache_writer_end(struct cache_writer *w)
{
	writer_flush(w);
	buf_release(&w->b);
	return w->failed ? -1 : 0;
}

int
cache_can_change(const struct cache *c)
{
	return c->text != NULL && c->nbase > 0;
}

void
cache_changes_begin(struct cache_changes *w, struct cache *old,
    int64_t start)
{
	memset(w, 0, sizeof(*w));
	w->old = old;
	w->start = start;
	buf_init(&w->b);
}

/* The record of the file itself, not of its changes. */
static int
in_file(const struct cache *c, const struct cache_rec *r)
{
	return r->raw >= c->text && r->raw < c->text + c->len;
}

void
cache_changes_dir(struct cache_changes *w, const char *path,
    const struct cache_stat *st, const char *ents, size_t entslen,
    size_t hint)
{
	const struct cache_dir *d = cache_get_dir(w->old, path, hint);

	/* As the file has it, and as put_dir() would write it. */
	if (d != NULL && !d->changed &&
	    same_stat_written(&d->st, st, w->start) &&
	    same_span(d->ents, d->entslen, ents, entslen))
		return;
	put_dir(&w->b, w->start, path, st, ents, entslen);
}

void
cache_changes_put(struct cache_changes *w, const struct cache_rec *old,
    const struct cache_fields *f)
{
	const struct cache *c = w->old;
	size_t at = old != NULL ? (size_t)(old - c->v) : SIZE_MAX;
	int same;

	/* Too many already: the file is written whole. */
	if (w->b.len > c->len / 4)
		return;
	same = same_record(old, w->start, f);
	if (at < c->nbase)
		w->matched++;
	if (same && in_file(c, old))
		return;
	if (at < c->nbase) {
		buf_putc(&w->b, 'X');
		put_u64(&w->b, at);
	} else
		w->adds++;
	/* One of the last changes, as it was; else as it is now. */
	if (same)
		buf_add(&w->b, old->raw, old->rawlen);
	else
		cache_put(&w->b, w->start, f);
}

int
cache_changes_fit(const struct cache_changes *w)
{
	const struct cache *c = w->old;

	/* (Past the size, the pages were not all counted.) */
	return w->b.len <= c->len / 4 &&
	    c->nbase - w->matched <= c->nbase / 4;
}

int
cache_changes_write(struct cache_changes *w, int fd, uint64_t id)
{
	const struct cache *c = w->old;
	struct buf h = BUF_INIT;
	int rc = 0;

	buf_puts(&h, CHANGES_HEAD);
	buf_puts(&h, "id ");
	put_u64(&h, id);
	buf_puts(&h, "base ");
	put_u64(&h, (uint64_t)c->start);
	buf_puts(&h, "size ");
	put_u64(&h, c->len);
	buf_puts(&h, "adds ");
	put_u64(&h, w->adds);
	if (fd_write_all(fd, h.ptr, h.len) == -1 ||
	    fd_write_all(fd, w->b.ptr, w->b.len) == -1)
		rc = -1;
	buf_release(&h);
	return rc;
}

void
cache_changes_release(struct cache_changes *w)
{
	buf_release(&w->b);
}
