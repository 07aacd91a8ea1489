/*
 * test_cache: the cache's fields as written and read back (gen/cache.c):
 * numbers of every length, eight digits taken at a time or one by one,
 * and what is not a number, or too large for one; folders' records
 * written and read back, their times left out when racy, and malformed
 * ones refused; pages' records with a section's order, read back, copied
 * from the last cache when unchanged, and malformed orders refused; the
 * changes of a cache written, read back over it, carried on by the next
 * build, and not used when of another file or malformed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "cache.h"
#include "test.h"

/* Write v, read it back: 1 when the same and the record is used up. */
static int
round_trip(long long v)
{
	struct buf b = BUF_INIT;
	struct cache_reader r;
	long long got = 0;
	int ok;

	cache_put_num(&b, v);
	cache_reader_init(&r, b.ptr, b.len);
	ok = cache_get_num(&r, &got) == 0 && got == v &&
	    cache_reader_done(&r);
	buf_release(&b);
	return ok;
}

/* Read a number from `text`: 0 with *v, or -1. */
static int
read_num(const char *text, long long *v)
{
	struct cache_reader r;

	cache_reader_init(&r, text, strlen(text));
	return cache_get_num(&r, v);
}

/* Read an unsigned number (a hash) from `text`: 0 with *v, or -1. */
static int
read_u64(const char *text, uint64_t *v)
{
	struct cache_reader r;

	cache_reader_init(&r, text, strlen(text));
	return cache_get_digits(&r, ';', v);
}

/* Load the bytes b as a cache file of gen 0 (a file in memory). */
static int
load_bytes(struct cache *c, const char *p, size_t len)
{
	char path[64];
	int fd, rc = -1;

	if ((fd = memfd_create("test-cache", MFD_CLOEXEC)) == -1)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (write(fd, p, len) == (ssize_t)len)
		rc = cache_load(c, path, NULL, 0);
	else
		memset(c, 0, sizeof(*c));
	close(fd);
	return rc;
}

/* A record written by hand, its length by sizeof: records hold NULs. */
struct rec {
	const char	*p;
	size_t		 n;
};
#define REC(s)	{ s, sizeof(s) - 1 }

/* Load `head` followed by record r as a cache file (load_bytes). */
static int
load_record(struct cache *c, const char *head, const struct rec *r)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_puts(&b, head);
	buf_add(&b, r->p, r->n);
	rc = load_bytes(c, b.ptr, b.len);
	buf_release(&b);
	return rc;
}

/* A cache of two folders and no page, written as build.c writes it, to
 * fd, for a build started at `start`. */
static void
write_dirs(int fd, int64_t start, const struct cache_stat *root,
    const struct cache_stat *news)
{
	static const char re[] = "\010_index.md\0\004news\0";
	static const char ne[] = "\010a.md\0\000odd\0";
	struct cache_writer w;

	cache_writer_begin(&w, fd, 0, start, 0);
	cache_writer_dir(&w, start, "", root, re, sizeof(re) - 1);
	cache_writer_dir(&w, start, "news/", news, ne, sizeof(ne) - 1);
	(void)cache_writer_end(&w);
}

static void
test_dirs(void)
{
	const int64_t s = 1796000000000000000LL;	/* the build's start */
	struct cache_stat old = { 7, 60, s - 5000000000LL, s - 4000000000LL };
	struct cache_stat racy = { 8, 80, s - 5000000000LL, s - 1000000000LL };
	struct cache c;
	const struct cache_dir *d;
	char *text;
	size_t len;
	int fd;

	fd = memfd_create("test-dirs", MFD_CLOEXEC);
	write_dirs(fd, s, &old, &racy);
	len = (size_t)lseek(fd, 0, SEEK_END);
	text = calloc(1, len + 1);
	test_cond("folders' records written",
	    pread(fd, text, len, 0) == (ssize_t)len);
	close(fd);

	test_cond("a cache of folders' records loads",
	    load_bytes(&c, text, len) == 0 && c.ndirs == 2 && c.n == 0);
	d = cache_get_dir(&c, "", 0);
	test_cond("the site's folder: its identity as written",
	    d != NULL && d->st.ino == 7 && d->st.size == 60 &&
	    d->st.mtime == old.mtime && d->st.ctime == old.ctime);
	{
		static const char want[] = "\010_index.md\0\004news\0";

		test_cond("and its entries, type bytes and names",
		    d != NULL && d->entslen == sizeof(want) - 1 &&
		    memcmp(d->ents, want, sizeof(want) - 1) == 0);
	}
	d = cache_get_dir(&c, "news/", 0);
	test_cond("a folder found when the hint misses", d == &c.dirs[1]);
	test_cond("a type byte of 0 (unknown) is kept",
	    d != NULL && d->entslen == 11 && d->ents[6] == '\0' &&
	    strcmp(d->ents + 7, "odd") == 0);
	test_cond("a folder changed within two seconds: no times",
	    d != NULL && d->st.ino == 8 && d->st.mtime == 0 &&
	    d->st.ctime == 0);
	test_cond("a folder not recorded: NULL",
	    cache_get_dir(&c, "news", 1) == NULL &&
	    cache_get_dir(&c, "other/", 5) == NULL);
	cache_release(&c);

	/* Each malformed in one way. */
	{
		static const struct rec bad[] = {
			/* a path not ending in '/' */
			REC("D4:news\0001;2;3;4;6:\010a.md\0\0\n"),
			/* an empty name */
			REC("D0:\0001;2;3;4;2:\010\0\0\n"),
			/* a name with '/' */
			REC("D0:\0001;2;3;4;5:\010a/b\0\0\n"),
			/* entries not ending with a NUL */
			REC("D0:\0001;2;3;4;3:\010ab\0\n"),
			/* no newline */
			REC("D0:\0001;2;3;4;4:\010ab\0\0"),
			/* no entries field */
			REC("D0:\0001;2;3;4;~\n"),
			/* names out of order */
			REC("D0:\0001;2;3;4;6:\010b\0\010a\0\0\n"),
			/* a name twice */
			REC("D0:\0001;2;3;4;6:\010a\0\004a\0\0\n"),
		};
		static const struct rec good =
		    REC("D0:\0001;2;3;4;4:\010ab\0\0\n");
		const char *head = "gen-cache 6 " GEN_VERSION
		    "\nid 0;start 5;pages 0;";
		size_t i;
		int refused = 1;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			refused &= load_record(&c, head, &bad[i]) == -1 &&
			    c.ndirs == 0;
			cache_release(&c);
		}
		/* The same with a good record: loads, so the others were
		 * refused for what is wrong with them. */
		test_cond("a well-formed folder's record loads",
		    load_record(&c, head, &good) == 0 && c.ndirs == 1);
		cache_release(&c);
		test_cond("malformed folders' records: refused", refused);
	}
	free(text);
}

/* Pages "f0.md"... after the two of write_pages(), as a cache of many
 * pages has them (changes of a few pages are small beside them). */
#define FILLERS	40

static void
put_filler(size_t i, struct cache_fields *f, char *src, size_t size)
{
	static const struct cache_stat st = { 9, 90, 1, 1 };

	memset(f, 0, sizeof(*f));
	snprintf(src, size, "f%zu.md", i);
	f->src = src;
	f->st = &st;
	f->key = 5;
	f->fm = "";
	f->outs = "";
}

/* The records of the two pages of write_pages(): f[0], the section
 * "_index.md" with the order of its three pages (the third, the first,
 * the second), made from `orderhash`; f[1], "a.md" with none, of key
 * `akey`. */
static void
two_pages(struct cache_fields f[2], uint64_t orderhash, uint64_t akey)
{
	static const uint32_t order[] = { 2, 0, 1 };
	/* Nine seconds before the first build's start: not racy. */
	static const struct cache_stat st = { 9, 90,
	    1796000000000000000LL - 9000000000LL,
	    1796000000000000000LL - 9000000000LL };

	memset(f, 0, 2 * sizeof(*f));
	f[0].src = "_index.md";
	f[0].st = &st;
	f[0].srchash = 11;
	f[0].key = 12;
	f[0].fm = "";
	f[0].outs = "index.html";
	f[0].outslen = 11;
	f[0].orderhash = orderhash;
	f[0].order = (const char *)order;
	f[0].orderlen = sizeof(order);
	f[1] = f[0];
	f[1].src = "a.md";
	f[1].key = akey;
	f[1].outs = "a/index.html";
	f[1].outslen = 13;
	f[1].orderhash = 0;
	f[1].order = NULL;
	f[1].orderlen = 0;
}

/* A cache of two pages (two_pages()), and `fillers` more. */
static size_t
write_pages(int fd, const struct cache_rec *old, int64_t start,
    uint64_t orderhash, size_t fillers)
{
	struct cache_writer w;
	struct cache_fields f[2], ff;
	char src[32];
	size_t i;
	off_t end;

	two_pages(f, orderhash, 12);
	cache_writer_begin(&w, fd, 0, start, 2 + fillers);
	cache_writer_put(&w, old, start, &f[0]);
	cache_writer_put(&w, old != NULL ? old + 1 : NULL, start, &f[1]);
	for (i = 0; i < fillers; i++) {
		put_filler(i, &ff, src, sizeof(src));
		cache_writer_put(&w, NULL, start, &ff);
	}
	(void)cache_writer_end(&w);
	end = lseek(fd, 0, SEEK_END);
	return end > 0 ? (size_t)end : 0;
}

/* The bytes of file descriptor fd, NUL-ended, in *len. */
static char *
fd_bytes(int fd, size_t *len)
{
	char *text;

	*len = (size_t)lseek(fd, 0, SEEK_END);
	text = calloc(1, *len + 1);
	if (pread(fd, text, *len, 0) != (ssize_t)*len)
		*len = 0;
	return text;
}

static void
test_orders(void)
{
	const int64_t s = 1796000000000000000LL;
	static const uint32_t want[] = { 2, 0, 1 };
	struct cache c, again;
	const struct cache_rec *r;
	char *text, *copy;
	size_t len, clen;
	int fd;

	fd = memfd_create("test-orders", MFD_CLOEXEC);
	(void)write_pages(fd, NULL, s, 77, 0);
	text = fd_bytes(fd, &len);
	close(fd);
	test_cond("pages' records with an order load",
	    load_bytes(&c, text, len) == 0 && c.n == 2);
	r = cache_get(&c, "_index.md", 0);
	test_cond("a section's order reads back as written",
	    r != NULL && r->orderhash == 77 &&
	    r->orderlen == sizeof(want) &&
	    memcmp(r->order, want, sizeof(want)) == 0);
	r = cache_get(&c, "a.md", 1);
	test_cond("a page with no order: none",
	    r != NULL && r->orderhash == 0 && r->order == NULL &&
	    r->orderlen == 0);

	/* The same records again, from the last cache: the same bytes;
	 * a new order's hash makes the section's record anew. */
	fd = memfd_create("test-orders-again", MFD_CLOEXEC);
	(void)write_pages(fd, c.v, s + 1000000000LL, 77, 0);
	copy = fd_bytes(fd, &clen);
	close(fd);
	/* The records, after the heads (whose start differs). */
	{
		const char *a = strstr(text, "pages "),
		    *b = strstr(copy, "pages ");

		test_cond("unchanged records: copied as they were",
		    a != NULL && b != NULL &&
		    len - (size_t)(a - text) == clen - (size_t)(b - copy) &&
		    memcmp(a, b, len - (size_t)(a - text)) == 0);
	}
	free(copy);
	fd = memfd_create("test-orders-new", MFD_CLOEXEC);
	(void)write_pages(fd, c.v, s + 1000000000LL, 78, 0);
	copy = fd_bytes(fd, &clen);
	close(fd);
	test_cond("an order made from other pages: written anew",
	    load_bytes(&again, copy, clen) == 0 &&
	    (r = cache_get(&again, "_index.md", 0)) != NULL &&
	    r->orderhash == 78 && r->orderlen == sizeof(want));
	cache_release(&again);
	free(copy);
	cache_release(&c);
	free(text);

	/* Malformed orders: a length not of whole places, an order with
	 * no hash. */
	{
		static const struct rec bad[] = {
			REC("R1:x\0001;2;3;4;5;6;0:\0000:\000~7;0;9;3:abc\000\n"),
			REC("R1:x\0001;2;3;4;5;6;0:\0000:\000~7;0;0;4:abcd\000\n"),
		};
		static const struct rec good =
		    REC("R1:x\0001;2;3;4;5;6;0:\0000:\000~7;0;9;4:abcd\000\n");
		const char *head = "gen-cache 6 " GEN_VERSION
		    "\nid 0;start 5;pages 1;";
		size_t i;
		int refused = 1;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			refused &= load_record(&c, head, &bad[i]) == -1 &&
			    c.n == 0;
			cache_release(&c);
		}
		test_cond("a well-formed order loads",
		    load_record(&c, head, &good) == 0 && c.n == 1 &&
		    c.v[0].orderlen == 4);
		cache_release(&c);
		test_cond("malformed orders: refused", refused);
	}
}

/* Load cache text `base` with changes text `ch` (files in memory). */
static int
load_pair(struct cache *c, const char *base, size_t blen, const char *ch,
    size_t chlen)
{
	char bpath[64], cpath[64];
	int bfd, cfd, rc = -1;

	bfd = memfd_create("test-base", MFD_CLOEXEC);
	cfd = memfd_create("test-changes", MFD_CLOEXEC);
	snprintf(bpath, sizeof(bpath), "/proc/self/fd/%d", bfd);
	snprintf(cpath, sizeof(cpath), "/proc/self/fd/%d", cfd);
	if (bfd != -1 && cfd != -1 &&
	    write(bfd, base, blen) == (ssize_t)blen &&
	    write(cfd, ch, chlen) == (ssize_t)chlen)
		rc = cache_load(c, bpath, cpath, 0);
	else
		memset(c, 0, sizeof(*c));
	if (bfd != -1)
		close(bfd);
	if (cfd != -1)
		close(cfd);
	return rc;
}

/* The changes to cache c of a build started at `start`: its two pages,
 * "a.md" with key `akey`, and, when `added`, a third page "b.md". */
static char *
write_changes(struct cache *c, int64_t start, uint64_t akey, int added,
    size_t *len, int *fit)
{
	struct cache_changes ch;
	struct cache_fields f[2], ff;
	char *text, src[32];
	size_t i;
	int fd;

	two_pages(f, 77, akey);
	cache_changes_begin(&ch, c, start);
	cache_changes_put(&ch, cache_get(c, "_index.md", 0), &f[0]);
	cache_changes_put(&ch, cache_get(c, "a.md", 1), &f[1]);
	for (i = 0; i < FILLERS; i++) {
		put_filler(i, &ff, src, sizeof(src));
		cache_changes_put(&ch, cache_get(c, src, 2 + i), &ff);
	}
	if (added) {
		f[1].src = "b.md";
		f[1].outs = "b/index.html";
		cache_changes_put(&ch, cache_get(c, "b.md", 2 + FILLERS),
		    &f[1]);
	}
	*fit = cache_changes_fit(&ch);
	fd = memfd_create("test-changes-out", MFD_CLOEXEC);
	(void)cache_changes_write(&ch, fd, 0);
	cache_changes_release(&ch);
	text = fd_bytes(fd, len);
	close(fd);
	return text;
}

/* The changes text `ch` with its first `from` replaced by `to`. */
static char *
edited(const char *ch, size_t len, const char *from, const char *to,
    size_t *newlen)
{
	const char *at = memmem(ch, len, from, strlen(from));
	size_t fl = strlen(from), tl = strlen(to);
	char *out;

	if (at == NULL)
		return NULL;
	*newlen = len - fl + tl;
	out = calloc(1, *newlen + 1);
	memcpy(out, ch, (size_t)(at - ch));
	memcpy(out + (at - ch), to, tl);
	memcpy(out + (at - ch) + tl, at + fl, len - (size_t)(at - ch) - fl);
	return out;
}

/* 1 when cache text `text`, with changes `ch` whose first `from` is
 * made `to`, is refused, its records and all. */
static int
refused_edit(const char *text, size_t len, const char *ch, size_t chlen,
    const char *from, const char *to)
{
	struct cache c;
	size_t badlen;
	char *bad = edited(ch, chlen, from, to, &badlen);
	int refused = bad != NULL &&
	    load_pair(&c, text, len, bad, badlen) == -1 && c.n == 0;

	if (bad != NULL)
		cache_release(&c);
	free(bad);
	return refused;
}

/* A cache of n pages "p0.md"..., and its changes with page 0's key
 * changed and the pages from `from` on gone: 1 when they fit. */
static int
changes_fit(size_t n, size_t from)
{
	const int64_t s = 1796000000000000000LL;
	static const struct cache_stat st = { 9, 90, 1, 1 };
	struct cache_fields f = { .st = &st, .fm = "", .outs = "" };
	struct cache_writer w;
	struct cache_changes ch;
	struct cache c;
	char src[32], *text;
	size_t len, i;
	int fd, fit = -1;

	fd = memfd_create("test-many", MFD_CLOEXEC);
	cache_writer_begin(&w, fd, 0, s, n);
	for (i = 0; i < n; i++) {
		snprintf(src, sizeof(src), "p%zu.md", i);
		f.src = src;
		cache_writer_put(&w, NULL, s, &f);
	}
	(void)cache_writer_end(&w);
	text = fd_bytes(fd, &len);
	close(fd);
	if (load_bytes(&c, text, len) == 0) {
		cache_changes_begin(&ch, &c, s + 1);
		for (i = 0; i < from; i++) {
			snprintf(src, sizeof(src), "p%zu.md", i);
			f.src = src;
			f.key = i == 0;
			cache_changes_put(&ch, cache_get(&c, src, i), &f);
		}
		fit = cache_changes_fit(&ch);
		cache_changes_release(&ch);
	}
	cache_release(&c);
	free(text);
	return fit;
}

static void
test_changes(void)
{
	const int64_t s = 1796000000000000000LL;
	struct cache c, c2, c3;
	const struct cache_rec *r;
	char *text, *ch, *ch2;
	size_t len, chlen, ch2len;
	int fd, fit;

	fd = memfd_create("test-base", MFD_CLOEXEC);
	(void)write_pages(fd, NULL, s, 77, FILLERS);
	text = fd_bytes(fd, &len);
	close(fd);
	test_cond("changes: the cache they change loads",
	    load_bytes(&c, text, len) == 0 && c.n == 2 + FILLERS &&
	    c.nbase == 2 + FILLERS && cache_can_change(&c));
	ch = write_changes(&c, s + 1000000000LL, 99, 1, &chlen, &fit);
	test_cond("changes: a page changed and one added make two records",
	    ch != NULL && memmem(ch, chlen, "adds 1;", 7) != NULL &&
	    memmem(ch, chlen, "X1;R4:a.md", 10) != NULL &&
	    memmem(ch, chlen, "R9:_index.md", 12) == NULL);
	test_cond("changes: and are small enough to stand for a new file",
	    fit);
	cache_release(&c);

	test_cond("changes: read over the file",
	    load_pair(&c2, text, len, ch, chlen) == 0 &&
	    c2.n == 3 + FILLERS && c2.nbase == 2 + FILLERS);
	r = cache_get(&c2, "a.md", 1);
	test_cond("changes: the changed page's record is theirs",
	    r == &c2.v[1] && r->key == 99 && r->outslen == 13);
	r = cache_get(&c2, "b.md", 2 + FILLERS);
	test_cond("changes: the added page's record follows the file's",
	    r == &c2.v[2 + FILLERS] && r->key == 99 &&
	    strcmp(r->outs, "b/index.html") == 0);
	r = cache_get(&c2, "_index.md", 0);
	test_cond("changes: an unchanged page's record is the file's",
	    r != NULL && r->key == 12 && r->orderhash == 77 &&
	    r->raw >= c2.text && r->raw < c2.text + c2.len);

	/* The next build changes nothing: its changes are the same. */
	ch2 = write_changes(&c2, s + 2000000000LL, 99, 1, &ch2len, &fit);
	test_cond("changes: carried on by the next build as they were",
	    ch2 != NULL && ch2len == chlen && memcmp(ch, ch2, chlen) == 0);
	free(ch2);
	/* The added page gone again: no record added. */
	ch2 = write_changes(&c2, s + 2000000000LL, 99, 0, &ch2len, &fit);
	test_cond("changes: a page gone is not carried on",
	    ch2 != NULL && memmem(ch2, ch2len, "adds 0;", 7) != NULL &&
	    memmem(ch2, ch2len, "R4:b.md", 7) == NULL &&
	    memmem(ch2, ch2len, "X1;R4:a.md", 10) != NULL);
	free(ch2);
	cache_release(&c2);

	/* Of another file, or not changes at all: the build that wrote
	 * them wrote pages the file does not tell of. */
	test_cond("changes of another file: refused, and the file with them",
	    refused_edit(text, len, ch, chlen, "base 1796", "base 1797"));
	test_cond("changes that are not: refused",
	    load_pair(&c3, text, len, "garbage\n", 8) == -1);
	cache_release(&c3);
	test_cond("empty changes: refused",
	    load_pair(&c3, text, len, "", 0) == -1);
	cache_release(&c3);
	/* Malformed: not used, and neither is the file's records. */
	test_cond("changes of a record past the file's: refused",
	    refused_edit(text, len, ch, chlen, "X1;", "X99;"));
	test_cond("changes of a record of another source: refused",
	    refused_edit(text, len, ch, chlen, "X1;", "X0;"));
	test_cond("changes adding fewer records than they say: refused",
	    refused_edit(text, len, ch, chlen, "adds 1;", "adds 2;"));
	test_cond("changes cut short: refused",
	    load_pair(&c3, text, len, ch, chlen - 3) == -1);
	test_cond("changes of one page of a hundred: they fit",
	    changes_fit(100, 100) == 1);
	test_cond("and with a quarter of the pages gone",
	    changes_fit(100, 75) == 1);
	test_cond("but not with more than a quarter gone",
	    changes_fit(100, 74) == 0);
	cache_release(&c3);
	free(ch);
	free(text);
}

int
main(void)
{
	static const long long some[] = {
		0, 1, 9, 10, 99, 1234567, 12345678, 123456789, 9999999999999999,
		1000000000000000000, 1796189991693420286, INT64_MAX, -1,
		-12345678901234567, INT64_MIN + 1,
	};
	long long v, p10;
	uint64_t u;
	size_t i;
	int all = 1;

	for (i = 0; i < sizeof(some) / sizeof(some[0]); i++)
		all &= round_trip(some[i]);
	test_cond("numbers of every kind read back as written", all);
	/* Every length from one digit to nineteen, and numbers next to
	 * each power of ten, where eight-digit steps meet single ones. */
	all = 1;
	for (p10 = 1; p10 <= INT64_MAX / 10; p10 *= 10)
		all &= round_trip(p10) && round_trip(p10 - 1) &&
		    round_trip(p10 * 7 + 3) && round_trip(p10 * 10 - 1);
	test_cond("numbers of 1 to 19 digits read back", all);

	test_cond("a number followed by its end mark",
	    read_num("18446744073709551;", &v) == 0 && v == 18446744073709551LL);
	test_cond("too large for a signed number: refused",
	    read_num("9223372036854775808;", &v) == -1);
	test_cond("too large for 64 bits: refused",
	    read_num("18446744073709551616;", &v) == -1 &&
	    read_u64("18446744073709551616;", &u) == -1 &&
	    read_u64("18446744073709551620;", &u) == -1);
	test_cond("the largest 64-bit numbers (hashes) read back",
	    read_u64("18446744073709551615;", &u) == 0 && u == UINT64_MAX &&
	    read_u64("18446744073709551610;", &u) == 0 &&
	    u == UINT64_MAX - 5 &&
	    read_u64("18446744073709551609;", &u) == 0 &&
	    u == UINT64_MAX - 6);
	test_cond("twenty-one digits: refused",
	    read_num("123456789012345678901;", &v) == -1);
	test_cond("leading zeros are digits like others",
	    read_num("00000000000000000000042;", &v) == 0 && v == 42);
	test_cond("a letter among eight digits: refused",
	    read_num("1234a678;", &v) == -1);
	test_cond("a letter after eight digits: refused",
	    read_num("12345678x;", &v) == -1);
	test_cond("bytes just past '9' and before '0': refused",
	    read_num("1234567:;", &v) == -1 && read_num("123456/8;", &v) == -1);
	test_cond("a byte of 0xB9 among digits: refused",
	    read_num("1234\xb9" "678;", &v) == -1);
	test_cond("no end mark: refused", read_num("12345678", &v) == -1);
	test_cond("empty: refused", read_num(";", &v) == -1);
	test_dirs();
	test_orders();
	test_changes();
	return test_done();
}
