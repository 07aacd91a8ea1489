/*
 * test_buf: lib/buf.c, the growable buffer: the NUL invariant through
 * every operation, growth, detaching, printf, files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "test.h"

/* The invariants of buf.h hold. */
static int
sane(const struct buf *b)
{
	if (b->ptr == NULL || b->ptr[b->len] != '\0')
		return 0;
	if (b->cap == 0)
		return b->ptr == buf_empty && b->len == 0;
	return b->len < b->cap;
}

static void
test_init(void)
{
	struct buf a = BUF_INIT, b;

	test_cond("init: static initializer", sane(&a) && a.len == 0 &&
	    a.ptr[0] == '\0');
	buf_init(&b);
	test_cond("init: buf_init", sane(&b) && b.ptr == buf_empty);
	buf_release(&b);
	test_cond("init: release of empty", sane(&b));
	buf_reset(&a);
	test_cond("init: reset of empty", sane(&a));
	buf_truncate(&a, 0);
	test_cond("init: truncate of empty", sane(&a));
	test_cond("init: buf_eq empty", buf_eq(&a, "") && !buf_eq(&a, "x"));
}

static void
test_add(void)
{
	struct buf b = BUF_INIT;
	size_t i, cap;
	int ok = 1;

	buf_add(&b, "abc", 0);
	test_cond("add: zero bytes keeps the shared empty", b.cap == 0 &&
	    sane(&b));
	buf_add(&b, "abc", 3);
	test_cond("add: bytes", sane(&b) && buf_eq(&b, "abc"));
	buf_puts(&b, "def");
	buf_putc(&b, 'g');
	test_streq("add: puts and putc", b.ptr, "abcdefg");
	test_cond("add: sane", sane(&b));
	BUF_PUTSL(&b, "<li>");
	test_cond("add: BUF_PUTSL counts the literal", b.len == 11 &&
	    buf_eq(&b, "abcdefg<li>"));

	/* Embedded NULs: len is authoritative. */
	buf_reset(&b);
	buf_add(&b, "a\0b", 3);
	test_cond("add: embedded NUL", b.len == 3 && memcmp(b.ptr, "a\0b",
	    4) == 0 && !buf_eq(&b, "a"));
	buf_putc(&b, '\0');
	test_cond("add: putc NUL", b.len == 4 && sane(&b));

	/* Growth: one byte at a time across many doublings. */
	buf_reset(&b);
	cap = b.cap;
	for (i = 0; i < 100000; i++) {
		buf_putc(&b, 'a' + (int)(i % 26));
		if (!sane(&b) || b.len != i + 1)
			ok = 0;
	}
	test_cond("grow: NUL invariant at every step", ok);
	for (i = 0; i < b.len; i++)
		if (b.ptr[i] != 'a' + (int)(i % 26))
			ok = 0;
	test_cond("grow: contents kept", ok);
	test_cond("grow: capacity grew", b.cap > cap && b.cap >= 100001);

	/* buf_grow reserves without changing contents. */
	cap = b.cap;
	buf_grow(&b, 0);
	test_cond("grow: zero is a no-op", b.cap == cap && sane(&b));
	buf_grow(&b, 1000000);
	test_cond("grow: reserve", b.cap >= b.len + 1000001 &&
	    b.len == 100000 && sane(&b));
	buf_release(&b);
	test_cond("release: empty again", sane(&b) && b.cap == 0);

	/* From empty, buf_grow leaves a NUL-terminated empty string. */
	buf_grow(&b, 10);
	test_cond("grow: from empty", sane(&b) && b.len == 0 && b.cap >= 11);
	buf_release(&b);
}

static void
test_addbuf(void)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int i;

	BUF_PUTSL(&a, "one");
	BUF_PUTSL(&b, "two");
	buf_addbuf(&a, &b);
	test_streq("addbuf: appends", a.ptr, "onetwo");
	buf_addbuf(&a, &(struct buf)BUF_INIT);
	test_streq("addbuf: empty other", a.ptr, "onetwo");

	/* Appending a buffer to itself must survive its storage moving. */
	buf_reset(&a);
	BUF_PUTSL(&a, "0123456789abcdef");
	for (i = 0; i < 8; i++)
		buf_addbuf(&a, &a);
	test_cond("addbuf: self, doubling", a.len == 16 * 256 && sane(&a) &&
	    memcmp(a.ptr + a.len - 16, "0123456789abcdef", 16) == 0);
	buf_release(&a);
	buf_release(&b);
}

static void
test_truncate(void)
{
	struct buf b = BUF_INIT;

	BUF_PUTSL(&b, "hello world");
	buf_truncate(&b, 5);
	test_cond("truncate: shorter", sane(&b) && buf_eq(&b, "hello"));
	buf_truncate(&b, 50);
	test_cond("truncate: longer is a no-op", sane(&b) &&
	    buf_eq(&b, "hello"));
	buf_truncate(&b, 0);
	test_cond("truncate: to zero", sane(&b) && b.len == 0 &&
	    b.cap > 0);
	BUF_PUTSL(&b, "again");
	buf_reset(&b);
	test_cond("reset: keeps storage", sane(&b) && b.len == 0 &&
	    b.cap > 0);
	buf_release(&b);
}

static void
test_detach(void)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *s;

	s = buf_detach(&b, &len);
	test_cond("detach: empty gives an owned empty string", s != NULL &&
	    s != buf_empty && s[0] == '\0' && len == 0 && sane(&b));
	free(s);

	BUF_PUTSL(&b, "kakehashi");
	s = buf_detach(&b, &len);
	test_cond("detach: contents and length", strcmp(s, "kakehashi") == 0 &&
	    len == 9);
	test_cond("detach: buffer left empty", sane(&b) && b.len == 0 &&
	    b.cap == 0);
	BUF_PUTSL(&b, "reuse");
	test_cond("detach: buffer reusable", buf_eq(&b, "reuse") &&
	    b.ptr != s);
	free(s);
	s = buf_detach(&b, NULL);
	test_streq("detach: NULL lenp", s, "reuse");
	free(s);
}

static void
test_printf(void)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	char big[5000];
	int i;

	buf_printf(&b, "%d-%s", 42, "x");
	test_cond("printf: into an empty buffer", sane(&b) &&
	    buf_eq(&b, "42-x"));
	buf_printf(&b, "%s", "");
	test_cond("printf: empty output", sane(&b) && buf_eq(&b, "42-x"));
	buf_printf(&b, "/%05.1f/%c", 3.14159, 'z');
	test_streq("printf: appends", b.ptr, "42-x/003.1/z");

	/* Longer than the free space, and longer than the first growth. */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_reset(&b);
	BUF_PUTSL(&b, "[");
	buf_printf(&b, "%s|%s", big, big);
	BUF_PUTSL(&want, "[");
	buf_add(&want, big, sizeof(big) - 1);
	buf_putc(&want, '|');
	buf_add(&want, big, sizeof(big) - 1);
	test_cond("printf: long string", sane(&b) && b.len == want.len &&
	    memcmp(b.ptr, want.ptr, b.len) == 0);

	/* Output that exactly fills the free space, then one byte more. */
	for (i = 0; i < 200; i++) {
		struct buf t = BUF_INIT;
		size_t room;

		BUF_PUTSL(&t, "ab");
		room = t.cap - t.len - 1;
		buf_printf(&t, "%.*s", (int)room + (i % 3) - 1, big);
		if (!sane(&t) || t.len != 2 + room + (size_t)(i % 3) - 1)
			break;
		buf_release(&t);
	}
	test_cond("printf: at the capacity boundary", i == 200);

	/* A buffer of exactly its capacity's worth of text. */
	buf_release(&b);
	buf_grow(&b, 10);
	while (b.len + 1 < b.cap)
		buf_putc(&b, 'x');
	buf_printf(&b, "%d", 7);
	test_cond("printf: into a full buffer", sane(&b) &&
	    b.ptr[b.len - 1] == '7');

	buf_release(&b);
	buf_release(&want);
}

static void
test_read_file(void)
{
	struct buf b = BUF_INIT;
	const char *path = "/tmp/kk_test_buf.txt";
	FILE *f;
	int rc, i;

	BUF_PUTSL(&b, "keep");
	errno = 0;
	rc = buf_read_file(&b, "/nonexistent/kakehashi/missing.yaml");
	test_cond("read_file: missing file fails", rc == -1 &&
	    errno == ENOENT);
	test_cond("read_file: buffer unchanged", sane(&b) &&
	    buf_eq(&b, "keep"));

	errno = 0;
	rc = buf_read_file(&b, "/tmp");
	test_cond("read_file: directory fails", rc == -1 && errno == EISDIR &&
	    buf_eq(&b, "keep"));

	if ((f = fopen(path, "w")) == NULL) {
		test_cond("read_file: temp file", 0);
		buf_release(&b);
		return;
	}
	for (i = 0; i < 20000; i++)
		fprintf(f, "line %d\n", i);
	fputc('\0', f);
	fputs("tail", f);
	fclose(f);
	rc = buf_read_file(&b, path);
	test_cond("read_file: appends", rc == 0 && sane(&b) &&
	    strncmp(b.ptr, "keepline 0\n", 11) == 0);
	test_cond("read_file: whole file, NULs kept", b.len > 5 &&
	    memcmp(b.ptr + b.len - 5, "\0tail", 5) == 0);

	f = fopen(path, "w");
	if (f != NULL)
		fclose(f);
	buf_release(&b);
	rc = buf_read_file(&b, path);
	test_cond("read_file: empty file", rc == 0 && sane(&b) && b.len == 0);
	unlink(path);
	buf_release(&b);

	rc = buf_read_file(&b, "/dev/null");
	test_cond("read_file: not a regular file", rc == 0 && b.len == 0 &&
	    sane(&b));
	buf_release(&b);
}

/* buf_read_file_at() with the size a stat saw, right or out of date. */
static void
test_read_file_at(void)
{
	char path[] = "/tmp/kk_test_buf_at_XXXXXX";	/* for mkstemp() */
	const char *name;
	struct buf b = BUF_INIT;
	int fd, dfd, rc;
	size_t i;

	if ((fd = mkstemp(path)) == -1) {
		test_cond("read_file_at: temp file", 0);
		return;
	}
	if ((dfd = open("/tmp", O_RDONLY | O_DIRECTORY)) == -1) {
		test_cond("read_file_at: temp folder", 0);
		close(fd);
		unlink(path);
		return;
	}
	name = path + strlen("/tmp/");
	for (i = 0; i < 1500; i++)
		if (write(fd, i % 60 == 59 ? "\n" : "x", 1) != 1)
			break;
	close(fd);

	rc = buf_read_file_at(&b, dfd, name, 1500);
	test_cond("read_file_at: the size known", rc == 0 && sane(&b) &&
	    b.len == 1500 && b.ptr[59] == '\n' && b.ptr[1498] == 'x');
	test_cond("read_file_at: no more room than the file needs",
	    b.cap == 1502);
	buf_release(&b);

	rc = buf_read_file_at(&b, dfd, name, 1000);
	test_cond("read_file_at: the file grew since", rc == 0 && sane(&b) &&
	    b.len == 1500);
	buf_release(&b);

	rc = buf_read_file_at(&b, dfd, name, 4000);
	test_cond("read_file_at: the file shrank since", rc == 0 &&
	    sane(&b) && b.len == 1500);
	buf_release(&b);

	BUF_PUTSL(&b, "keep");
	rc = buf_read_file_at(&b, dfd, name, 1500);
	test_cond("read_file_at: appends", rc == 0 && sane(&b) &&
	    b.len == 1504 && strncmp(b.ptr, "keepx", 5) == 0);
	buf_release(&b);

	rc = buf_read_file_at(&b, dfd, name, 0);
	test_cond("read_file_at: the size not known", rc == 0 && sane(&b) &&
	    b.len == 1500);
	buf_release(&b);
	unlink(path);
	close(dfd);
}

static void
test_alloc(void)
{
	char *s = xstrndup("abcdef", 3), *t = xstrdup("");
	void *p = xmalloc(0), *q = xcalloc(0, 8), *r;

	test_streq("xstrndup", s, "abc");
	test_streq("xstrdup empty", t, "");
	test_cond("xmalloc(0) and xcalloc(0, n) give pointers", p != NULL &&
	    q != NULL);
	r = xreallocarray(NULL, 4, sizeof(int));
	((int *)r)[3] = 1;
	test_cond("xreallocarray", r != NULL);
	free(s);
	free(t);
	free(p);
	free(q);
	free(r);
}

int
main(void)
{
	test_init();
	test_add();
	test_addbuf();
	test_truncate();
	test_detach();
	test_printf();
	test_read_file();
	test_read_file_at();
	test_alloc();
	return test_done();
}
