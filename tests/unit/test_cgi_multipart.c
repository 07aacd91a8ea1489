/*
 * test_cgi_multipart: cgi/core/multipart.c and cgi/core/upload.c: the
 * boundary of a Content-Type, bodies cut into reads of every size and at
 * every offset, files spooled to unnamed temporary files past the memory
 * threshold, every limit, malformed bodies, and that a failure leaves
 * neither pairs nor open files behind.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "multipart.h"
#include "pairs.h"
#include "parse.h"
#include "reader.h"
#include "test.h"
#include "upload.h"

static char tmpdir[] = "/tmp/kk-test-multipart-XXXXXX";

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static size_t
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n++;
	closedir(d);
	return n;
}

static size_t
dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return (size_t)-1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* All the kept bytes of an upload, through upload_pread(). */
static void
upload_bytes(struct buf *out, const struct upload *u)
{
	char chunk[4096];
	size_t off = 0;
	ssize_t r;

	while ((r = upload_pread(u, chunk, sizeof(chunk), off)) > 0) {
		buf_add(out, chunk, (size_t)r);
		off += (size_t)r;
	}
	if (r < 0)
		BUF_PUTSL(out, "<read error>");
}

/* The pairs as text: "name=value|" for text, and for a file
 * "name@filename[type]#size(mem|file|dropped):bytes|". */
static void
dump(struct buf *out, const struct pairs *p)
{
	const struct upload *u;
	size_t i;

	buf_reset(out);
	for (i = 0; i < p->n; i++) {
		buf_add(out, p->v[i].name, p->v[i].namelen);
		if ((u = p->v[i].file) == NULL) {
			buf_putc(out, '=');
			buf_add(out, p->v[i].val, p->v[i].vallen);
		} else {
			buf_printf(out, "@%s[%s]#%zu(%s):", u->filename,
			    u->type, u->size, u->too_large ? "dropped" :
			    u->fd != -1 ? "file" : "mem");
			upload_bytes(out, u);
		}
		buf_putc(out, '|');
	}
}

static void
text_part(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"%s\"\r\n\r\n%s\r\n", name, value);
}

static void
file_part(struct buf *b, const char *name, const char *filename,
    const char *type, const char *data, size_t n)
{
	buf_printf(b, "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"; "
	    "filename=\"%s\"\r\n", name, filename);
	if (type != NULL)
		buf_printf(b, "Content-Type: %s\r\n", type);
	BUF_PUTSL(b, "\r\n");
	buf_add(b, data, n);
	BUF_PUTSL(b, "\r\n");
}

static void
close_body(struct buf *b)
{
	BUF_PUTSL(b, "--XyZ--\r\n");
}

/* Parse with boundary XyZ, reads cut as the reader says. */
static enum parse_err
run_reader(struct pairs *p, struct reader *r,
    const struct multipart_limits *lim, struct buf *msg)
{
	return multipart_read(p, "XyZ", 3, reader_read, r, lim, msg);
}

static enum parse_err
run(struct pairs *p, const char *body, size_t n,
    const struct multipart_limits *lim, size_t chunk, uint32_t seed)
{
	struct reader r = reader_of(body, n, chunk, seed);

	return run_reader(p, &r, lim, NULL);
}

static enum parse_err
runs(struct pairs *p, const char *body,
    const struct multipart_limits *lim)
{
	return run(p, body, strlen(body), lim, 0, 0);
}

/* Limits with small files spooled to the test's directory. */
static struct multipart_limits
small(void)
{
	struct multipart_limits l;

	memset(&l, 0, sizeof(l));
	l.tmpdir = tmpdir;
	return l;
}

/* ------------------------------------------------------------------ */
/* Content-Type                                                        */
/* ------------------------------------------------------------------ */

static void
boundary_ok(const char *desc, const char *ct, const char *want)
{
	struct buf b = BUF_INIT;

	test_cond(desc, multipart_boundary(ct, strlen(ct), &b) == 0);
	test_streq(desc, b.ptr, want);
	buf_release(&b);
}

static void
boundary_bad(const char *desc, const char *ct)
{
	struct buf b = BUF_INIT;

	BUF_PUTSL(&b, "old");
	test_cond(desc, multipart_boundary(ct, strlen(ct), &b) == -1 &&
	    b.len == 0);
	buf_release(&b);
}

static void
test_boundary(void)
{
	char ct[128];

	boundary_ok("Chromium's", "multipart/form-data; "
	    "boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	    "----WebKitFormBoundary7MA4YWxkTrZu0gW");
	boundary_ok("Firefox's", "multipart/form-data; boundary=-----------"
	    "----------------41184676334",
	    "---------------------------41184676334");
	boundary_ok("quoted", "multipart/form-data; boundary=\"a b:c\"",
	    "a b:c");
	boundary_ok("quoted with an escape",
	    "multipart/form-data; boundary=\"a\\(b\"", "a(b");
	boundary_bad("quoted '\"' is no bchar",
	    "multipart/form-data; boundary=\"a\\\"b\"");
	boundary_ok("case of type and name", "Multipart/Form-Data; "
	    "BOUNDARY=xyz", "xyz");
	boundary_ok("other parameters first", "multipart/form-data; "
	    "charset=utf-8; boundary=xyz", "xyz");
	boundary_ok("spaces", "  multipart/form-data ;  boundary=xyz  ",
	    "xyz");
	boundary_ok("empty parameters", "multipart/form-data;; boundary=xyz;",
	    "xyz");
	boundary_ok("unquoted '='", "multipart/form-data; boundary=a=b",
	    "a=b");
	boundary_ok("every bchar", "multipart/form-data; "
	    "boundary=\"09azAZ'()+_,-./:=? x\"", "09azAZ'()+_,-./:=? x");
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%.70s",
	    "0123456789012345678901234567890123456789012345678901234567890"
	    "123456789");
	boundary_ok("70 characters", ct, ct + 30);
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%.71s",
	    "0123456789012345678901234567890123456789012345678901234567890"
	    "1234567890");
	boundary_bad("71 characters", ct);
	boundary_bad("no boundary", "multipart/form-data");
	boundary_bad("no boundary, other parameter",
	    "multipart/form-data; charset=utf-8");
	boundary_bad("empty boundary", "multipart/form-data; boundary=");
	boundary_bad("empty quoted boundary",
	    "multipart/form-data; boundary=\"\"");
	boundary_bad("two boundaries",
	    "multipart/form-data; boundary=a; boundary=b");
	boundary_bad("multipart/mixed", "multipart/mixed; boundary=xyz");
	boundary_bad("urlencoded",
	    "application/x-www-form-urlencoded; boundary=xyz");
	boundary_bad("prefix of the type",
	    "multipart/form-dataX; boundary=xyz");
	boundary_bad("unterminated quote",
	    "multipart/form-data; boundary=\"xyz");
	boundary_bad("character outside bchars",
	    "multipart/form-data; boundary=\"a@b\"");
	boundary_bad("ends with a space",
	    "multipart/form-data; boundary=\"ab \"");
	boundary_bad("junk after the type", "multipart/form-data junk");
	boundary_bad("parameter without a value",
	    "multipart/form-data; boundary");
	boundary_bad("empty", "");
}

/* ------------------------------------------------------------------ */
/* Bodies                                                              */
/* ------------------------------------------------------------------ */

/* A form as a browser sends it. */
static void
sample(struct buf *b)
{
	static const char pdf[] = "%PDF-1.4\n\0\x01\xff\r\n--Xy\r\n-\r\n";

	BUF_PUTSL(b, "preamble to skip\r\n");
	text_part(b, "name", "山田 花子");
	text_part(b, "msg", "一行目\r\n二行目\r\n\r\n");
	text_part(b, "empty", "");
	file_part(b, "doc", "報告書.pdf", "application/pdf", pdf,
	    sizeof(pdf) - 1);
	file_part(b, "none", "", "application/octet-stream", "", 0);
	text_part(b, "near", "x\r\n--XyY\r\n--X\r\n-");
	close_body(b);
	BUF_PUTSL(b, "epilogue, not read\r\n");
}

static const char sample_want[] =
	"name=山田 花子|"
	"msg=一行目\r\n二行目\r\n\r\n|"
	"empty=|"
	"doc@報告書.pdf[application/pdf]#23(mem):"
	"%PDF-1.4\n\0\x01\xff\r\n--Xy\r\n-\r\n|"
	"none@[application/octet-stream]#0(mem):|"
	"near=x\r\n--XyY\r\n--X\r\n-|";

static void
test_basic(void)
{
	struct pairs p = PAIRS_INIT;
	struct buf body = BUF_INIT, got = BUF_INIT;
	const struct pair *e;

	sample(&body);
	test_cond("sample: parses", run(&p, body.ptr, body.len, NULL, 0, 0) ==
	    PARSE_OK);
	dump(&got, &p);
	test_cond("sample: pairs", got.len == sizeof(sample_want) - 1 &&
	    memcmp(got.ptr, sample_want, got.len) == 0);
	if (got.len != sizeof(sample_want) - 1 ||
	    memcmp(got.ptr, sample_want, got.len) != 0)
		fprintf(stderr, "  got: %s\n", got.ptr);
	e = pairs_get(&p, "doc");
	test_cond("sample: a file's value is \"\"", e != NULL &&
	    e->file != NULL && e->vallen == 0 && e->val[0] == '\0');
	e = pairs_get(&p, "name");
	test_cond("sample: a text has no file", e != NULL && e->file == NULL);
	pairs_release(&p);
	buf_release(&body);
	buf_release(&got);
}

/* The same pairs, however the body is cut. */
static void
test_chunks(void)
{
	struct pairs p = PAIRS_INIT;
	struct buf body = BUF_INIT, got = BUF_INIT;
	struct reader r;
	size_t chunk, cut;
	uint32_t seed;
	int ok;

#define SAME() (got.len == sizeof(sample_want) - 1 && \
	memcmp(got.ptr, sample_want, got.len) == 0)

	sample(&body);
	for (chunk = 1, ok = 1; chunk <= body.len + 1; chunk++) {
		if (run(&p, body.ptr, body.len, NULL, chunk, 0) != PARSE_OK)
			ok = 0;
		dump(&got, &p);
		if (!SAME())
			ok = 0;
		pairs_release(&p);
	}
	test_cond("every read size from 1 byte to the whole body", ok);
	for (cut = 1, ok = 1; cut < body.len; cut++) {
		r = reader_of(body.ptr, body.len, 0, 0);
		r.cut = cut;
		if (run_reader(&p, &r, NULL, NULL) != PARSE_OK)
			ok = 0;
		dump(&got, &p);
		if (!SAME())
			ok = 0;
		pairs_release(&p);
	}
	test_cond("two reads cut at every offset", ok);
	for (seed = 1, ok = 1; seed <= 500; seed++) {
		if (run(&p, body.ptr, body.len, NULL, 1 + seed % 97, seed) !=
		    PARSE_OK)
			ok = 0;
		dump(&got, &p);
		if (!SAME())
			ok = 0;
		pairs_release(&p);
	}
	test_cond("reads of random sizes", ok);
	/* Spooling every file changes only where the bytes are. */
	{
		struct multipart_limits l = small();
		const char *at;

		l.mem_threshold = 1;
		r = reader_of(body.ptr, body.len, 1, 0);
		test_cond("1-byte reads, files spooled",
		    run_reader(&p, &r, &l, NULL) == PARSE_OK);
		dump(&got, &p);
		at = strstr(got.ptr, "#23(file):");
		test_cond("1-byte reads, files spooled: in a file",
		    at != NULL && memcmp(at + 10, "%PDF-1.4\n\0\x01\xff\r\n",
		    14) == 0);
		pairs_release(&p);
	}
#undef SAME
	buf_release(&body);
	buf_release(&got);
}

/* Bytes that look like a body: every value, CRs, LFs, dashes and
 * beginnings of the delimiter. */
static void
noise(struct buf *b, size_t n, uint32_t x)
{
	static const char *bits[] = { "\r\n--XyY", "\r\n--X", "\r\n-",
	    "\r\r\n", "--XyZ", "\r\n--Xy" };
	size_t k;

	buf_grow(b, n);
	while (b->len < n) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		if (x % 64 == 0) {
			k = strlen(bits[x / 64 % 6]);
			if (k > n - b->len)
				k = n - b->len;
			buf_add(b, bits[x / 64 % 6], k);
		} else
			buf_putc(b, (int)(x >> 24));
	}
	/* But never the delimiter itself. */
	for (k = 0; k + 7 <= b->len; k++)
		if (memcmp(b->ptr + k, "\r\n--XyZ", 7) == 0)
			b->ptr[k + 6] = 'Q';
}

static void
test_spool(void)
{
	struct multipart_limits l = small();
	struct pairs p = PAIRS_INIT;
	struct buf data = BUF_INIT, body = BUF_INIT, got = BUF_INIT;
	const struct upload *u;
	struct stat st;
	struct reader r;
	char *all;
	ssize_t n;
	size_t fds = open_fds();

	noise(&data, 200000, 7);
	text_part(&body, "before", "a");
	file_part(&body, "big", "scan.tiff", "image/tiff", data.ptr,
	    data.len);
	text_part(&body, "after", "b");
	close_body(&body);

	test_cond("200 KB file: parses", run(&p, body.ptr, body.len, &l, 0,
	    0) == PARSE_OK && p.n == 3);
	u = p.n == 3 ? p.v[1].file : NULL;
	test_cond("200 KB file: is a file", u != NULL &&
	    strcmp(u->filename, "scan.tiff") == 0 &&
	    strcmp(u->type, "image/tiff") == 0 && u->size == 200000 &&
	    !u->too_large);
	test_cond("200 KB file: spooled past 64 KiB", u != NULL &&
	    u->fd != -1 && u->mem.len == 0);
	test_cond("200 KB file: the temporary file has no name", u != NULL &&
	    fstat(u->fd, &st) == 0 && st.st_nlink == 0 &&
	    st.st_size == 200000 && (st.st_mode & 077) == 0);
	test_cond("200 KB file: nothing left in the directory",
	    dir_entries(tmpdir) == 0);
	if (u != NULL) {
		upload_bytes(&got, u);
		test_cond("200 KB file: exactly the bytes (pread)",
		    got.len == data.len &&
		    memcmp(got.ptr, data.ptr, data.len) == 0);
		all = xmalloc(data.len + 1);
		n = read(u->fd, all, data.len + 1);
		test_cond("200 KB file: rewound, read() gives the bytes",
		    n == (ssize_t)data.len &&
		    memcmp(all, data.ptr, data.len) == 0);
		free(all);
	}
	test_cond("200 KB file: the fields around it",
	    strcmp(pairs_value(&p, "before"), "a") == 0 &&
	    strcmp(pairs_value(&p, "after"), "b") == 0);
	pairs_release(&p);
	test_cond("200 KB file: release closes the file", open_fds() == fds);

	r = reader_of(body.ptr, body.len, 1, 0);
	test_cond("200 KB file, 1-byte reads: parses",
	    run_reader(&p, &r, &l, NULL) == PARSE_OK && p.n == 3);
	buf_reset(&got);
	if (p.n == 3)
		upload_bytes(&got, p.v[1].file);
	test_cond("200 KB file, 1-byte reads: exactly the bytes",
	    p.n == 3 && p.v[1].file->fd != -1 && got.len == data.len &&
	    memcmp(got.ptr, data.ptr, data.len) == 0);
	pairs_release(&p);

	r = reader_of(body.ptr, body.len, 4000, 99);
	test_cond("200 KB file, random reads: parses",
	    run_reader(&p, &r, &l, NULL) == PARSE_OK && p.n == 3);
	buf_reset(&got);
	if (p.n == 3)
		upload_bytes(&got, p.v[1].file);
	test_cond("200 KB file, random reads: exactly the bytes",
	    p.n == 3 && got.len == data.len &&
	    memcmp(got.ptr, data.ptr, data.len) == 0);
	pairs_release(&p);
	test_cond("no descriptor left open", open_fds() == fds);

	/* The threshold, to the byte. */
	l.mem_threshold = 1000;
	buf_reset(&body);
	file_part(&body, "a", "a.bin", NULL, data.ptr, 1000);
	file_part(&body, "b", "b.bin", NULL, data.ptr, 1001);
	close_body(&body);
	test_cond("threshold: parses", run(&p, body.ptr, body.len, &l, 7, 0) ==
	    PARSE_OK && p.n == 2);
	test_cond("threshold: exactly is kept in memory", p.n == 2 &&
	    p.v[0].file->fd == -1 && p.v[0].file->mem.len == 1000 &&
	    memcmp(p.v[0].file->mem.ptr, data.ptr, 1000) == 0);
	buf_reset(&got);
	if (p.n == 2)
		upload_bytes(&got, p.v[1].file);
	test_cond("threshold: one over is spooled", p.n == 2 &&
	    p.v[1].file->fd != -1 && got.len == 1001 &&
	    memcmp(got.ptr, data.ptr, 1001) == 0);
	test_cond("threshold: no type is \"\"", p.n == 2 &&
	    strcmp(p.v[1].file->type, "") == 0);
	pairs_release(&p);

	/* A directory that cannot take the file. */
	l.tmpdir = "/nonexistent/kk";
	test_cond("no temporary directory: PARSE_IO",
	    run(&p, body.ptr, body.len, &l, 0, 0) == PARSE_IO && p.n == 0);
	pairs_release(&p);
	test_cond("no descriptor left open after failures",
	    open_fds() == fds);
	buf_release(&data);
	buf_release(&body);
	buf_release(&got);
}

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

static void
test_limits(void)
{
	struct multipart_limits l = small();
	struct pairs p = PAIRS_INIT;
	struct buf body = BUF_INIT, data = BUF_INIT, s = BUF_INIT;
	struct buf msg = BUF_INIT;
	size_t i, fds = open_fds();
	struct reader r;

	/* max_body: the body to its closing delimiter. */
	text_part(&body, "a", "1");
	close_body(&body);
	BUF_PUTSL(&body, "epilogue");
	l.max_body = body.len - 8;
	test_cond("max_body: ends exactly at the limit",
	    run(&p, body.ptr, body.len, &l, 0, 0) == PARSE_OK && p.n == 1);
	pairs_release(&p);
	l.max_body = body.len - 8 - 2;
	test_cond("max_body: closing \"--\" within, CRLF past",
	    run(&p, body.ptr, body.len, &l, 0, 0) == PARSE_OK && p.n == 1);
	pairs_release(&p);
	l.max_body = body.len - 8 - 3;
	test_cond("max_body: one byte short", run(&p, body.ptr, body.len,
	    &l, 0, 0) == PARSE_TOO_LARGE && p.n == 0);
	test_cond("max_body: one byte short, 1-byte reads",
	    run(&p, body.ptr, body.len, &l, 1, 0) == PARSE_TOO_LARGE &&
	    p.n == 0);
	noise(&data, 100000, 3);
	buf_reset(&body);
	file_part(&body, "f", "f", NULL, data.ptr, data.len);
	close_body(&body);
	l.max_body = 50000;
	r = reader_of(body.ptr, body.len, 0, 0);
	test_cond("max_body: a big body is not read past the limit",
	    run_reader(&p, &r, &l, &msg) == PARSE_TOO_LARGE &&
	    r.pos == 50001 && p.n == 0);
	test_cond("max_body: message", strstr(msg.ptr, "50000") != NULL);
	buf_reset(&msg);
	l = small();

	/* max_parts */
	l.max_parts = 3;
	buf_reset(&body);
	text_part(&body, "a", "1");
	file_part(&body, "b", "b.txt", NULL, "x", 1);
	text_part(&body, "c", "3");
	close_body(&body);
	test_cond("max_parts: exactly", run(&p, body.ptr, body.len, &l, 0,
	    0) == PARSE_OK && p.n == 3);
	pairs_release(&p);
	buf_truncate(&body, body.len - 9);
	text_part(&body, "d", "4");
	close_body(&body);
	test_cond("max_parts: one over", run(&p, body.ptr, body.len, &l, 0,
	    0) == PARSE_TOO_MANY && p.n == 0);
	l = small();
	buf_reset(&body);
	for (i = 0; i < MULTIPART_MAX_PARTS; i++)
		text_part(&body, "a", "1");
	close_body(&body);
	test_cond("max_parts: the default, exactly", runs(&p, body.ptr,
	    NULL) == PARSE_OK && p.n == MULTIPART_MAX_PARTS);
	pairs_release(&p);
	buf_truncate(&body, body.len - 9);
	text_part(&body, "a", "1");
	close_body(&body);
	test_cond("max_parts: the default, one over", runs(&p, body.ptr,
	    NULL) == PARSE_TOO_MANY && p.n == 0);

	/* max_file: past it the file is dropped, the form goes on. */
	l.max_file = 5000;
	l.mem_threshold = 1000;
	buf_reset(&body);
	file_part(&body, "ok", "ok.bin", NULL, data.ptr, 5000);
	file_part(&body, "big", "big.bin", NULL, data.ptr, 5001);
	file_part(&body, "huge", "huge.bin", NULL, data.ptr, data.len);
	text_part(&body, "after", "kept");
	close_body(&body);
	test_cond("max_file: parses", run(&p, body.ptr, body.len, &l, 333,
	    0) == PARSE_OK && p.n == 4);
	if (p.n == 4) {
		buf_reset(&s);
		upload_bytes(&s, p.v[0].file);
		test_cond("max_file: exactly is kept",
		    !p.v[0].file->too_large && s.len == 5000 &&
		    memcmp(s.ptr, data.ptr, 5000) == 0);
		test_cond("max_file: one over is dropped",
		    p.v[1].file->too_large && p.v[1].file->size == 5001 &&
		    p.v[1].file->fd == -1 && p.v[1].file->mem.len == 0);
		buf_reset(&s);
		upload_bytes(&s, p.v[1].file);
		test_cond("max_file: a dropped file reads as empty",
		    s.len == 0);
		test_cond("max_file: the size of a dropped file is counted",
		    p.v[2].file->too_large && p.v[2].file->size == data.len);
		test_cond("max_file: the rest of the form is kept",
		    strcmp(p.v[3].val, "kept") == 0);
	}
	pairs_release(&p);
	test_cond("max_file: dropped files closed", open_fds() == fds);
	l = small();

	/* max_text */
	l.max_text = 10;
	buf_reset(&body);
	text_part(&body, "a", "0123456789");
	close_body(&body);
	test_cond("max_text: exactly", run(&p, body.ptr, body.len, &l, 1, 0) ==
	    PARSE_OK && p.n == 1);
	pairs_release(&p);
	buf_reset(&body);
	text_part(&body, "a", "0123456789a");
	close_body(&body);
	test_cond("max_text: one over", run(&p, body.ptr, body.len, &l, 1,
	    0) == PARSE_TOO_LONG && p.n == 0);
	test_cond("max_text: one over, one read", run(&p, body.ptr, body.len,
	    &l, 0, 0) == PARSE_TOO_LONG && p.n == 0);
	l = small();

	/* max_name */
	l.max_name = 4;
	buf_reset(&body);
	text_part(&body, "abcd", "1");
	close_body(&body);
	test_cond("max_name: exactly", runs(&p, body.ptr, &l) == PARSE_OK &&
	    p.n == 1);
	pairs_release(&p);
	buf_reset(&body);
	text_part(&body, "abcde", "1");
	close_body(&body);
	test_cond("max_name: one over", runs(&p, body.ptr, &l) ==
	    PARSE_TOO_LONG && p.n == 0);
	l = small();

	/* max_header_line: the line without its CRLF. */
	l.max_header_line = 60;
	buf_reset(&s);
	BUF_PUTSL(&s, "X-Pad: ");
	while (s.len < 60)
		buf_putc(&s, 'p');
	buf_reset(&body);
	buf_printf(&body, "--XyZ\r\n%s\r\nContent-Disposition: form-data; "
	    "name=\"a\"\r\n\r\n1\r\n", s.ptr);
	close_body(&body);
	for (i = 0; i <= 3; i++) {
		test_cond("max_header_line: exactly",
		    run(&p, body.ptr, body.len, &l, i, 0) == PARSE_OK &&
		    p.n == 1);
		pairs_release(&p);
	}
	buf_putc(&s, 'p');
	buf_reset(&body);
	buf_printf(&body, "--XyZ\r\n%s\r\nContent-Disposition: form-data; "
	    "name=\"a\"\r\n\r\n1\r\n", s.ptr);
	close_body(&body);
	for (i = 0; i <= 3; i++) {
		test_cond("max_header_line: one over",
		    run(&p, body.ptr, body.len, &l, i, 0) == PARSE_TOO_LONG &&
		    p.n == 0);
	}
	buf_reset(&body);
	BUF_PUTSL(&body, "--XyZ\r\nX-Pad: ");
	for (i = 0; i < 100000; i++)
		buf_putc(&body, 'p');
	test_cond("max_header_line: an endless line stops early",
	    run(&p, body.ptr, body.len, &l, 1, 0) == PARSE_TOO_LONG);
	buf_reset(&body);
	BUF_PUTSL(&body, "--XyZ");
	for (i = 0; i < 100; i++)
		buf_putc(&body, ' ');
	BUF_PUTSL(&body, "\r\n");
	test_cond("max_header_line: endless padding",
	    run(&p, body.ptr, body.len, &l, 0, 0) == PARSE_TOO_LONG);
	l = small();

	/* max_headers */
	l.max_headers = 3;
	buf_reset(&body);
	BUF_PUTSL(&body, "--XyZ\r\nX-A: 1\r\nX-B: 2\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n");
	close_body(&body);
	test_cond("max_headers: exactly", runs(&p, body.ptr, &l) == PARSE_OK &&
	    p.n == 1);
	pairs_release(&p);
	buf_reset(&body);
	BUF_PUTSL(&body, "--XyZ\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n");
	close_body(&body);
	test_cond("max_headers: one over", runs(&p, body.ptr, &l) ==
	    PARSE_TOO_MANY && p.n == 0);

	test_cond("limits: no descriptor left open", open_fds() == fds);
	buf_release(&body);
	buf_release(&data);
	buf_release(&s);
	buf_release(&msg);
}

/* ------------------------------------------------------------------ */
/* Details of the format                                               */
/* ------------------------------------------------------------------ */

/* A one-part body with these headers and content parses to `want`. */
static void
part_is(const char *desc, const char *headers, const char *content,
    const char *want)
{
	struct pairs p = PAIRS_INIT;
	struct buf body = BUF_INIT, got = BUF_INIT;
	struct multipart_limits l = small();

	buf_printf(&body, "--XyZ\r\n%s\r\n%s\r\n--XyZ--", headers, content);
	test_cond(desc, run(&p, body.ptr, body.len, &l, 0, 0) == PARSE_OK);
	dump(&got, &p);
	test_streq(desc, got.ptr, want);
	pairs_release(&p);
	buf_release(&body);
	buf_release(&got);
}

#define CD "Content-Disposition: form-data; "

static void
test_details(void)
{
	part_is("name unquoted", CD "name=a\r\n", "1", "a=1|");
	part_is("header names and form-data in any case",
	    "content-DISPOSITION: FORM-DATA; NAME=\"a\"\r\n", "1", "a=1|");
	part_is("white space around ':' value and ';'",
	    "Content-Disposition:\t form-data ;name = \"a\" ; \r\n", "1",
	    "a=1|");
	part_is("Japanese name", CD "name=\"お名前\"\r\n", "山田", "お名前=山田|");
	part_is("escaped quote in a name", CD "name=\"a\\\"b\"\r\n", "1",
	    "a\"b=1|");
	part_is("escaped backslash in a name", CD "name=\"a\\\\b\"\r\n", "1",
	    "a\\b=1|");
	part_is("%22 is left as it is", CD "name=\"a%22b\"\r\n", "1",
	    "a%22b=1|");
	part_is("';' inside quotes", CD "name=\"a;b\"\r\n", "1", "a;b=1|");
	part_is("unknown parameters ignored",
	    CD "x-extra=1; name=\"a\"; size=3\r\n", "1", "a=1|");
	part_is("Content-Type of a text part ignored",
	    CD "name=\"a\"\r\nContent-Type: text/plain; charset=UTF-8\r\n",
	    "1", "a=1|");
	part_is("other headers ignored",
	    CD "name=\"a\"\r\nContent-Transfer-Encoding: base64\r\n"
	    "X-Y: z\r\n", "MQ==", "a=MQ==|");
	part_is("empty header value", "X-Empty:\r\n" CD "name=\"a\"\r\n", "1",
	    "a=1|");
	part_is("text with TAB, CR, LF", CD "name=\"a\"\r\n", "\tx\r\ny\rz\n",
	    "a=\tx\r\ny\rz\n|");
	part_is("empty text", CD "name=\"a\"\r\n", "", "a=|");
	part_is("Content-Type of a file, trimmed",
	    CD "name=\"f\"; filename=\"a.csv\"\r\nContent-Type:  text/csv ; "
	    "charset=Shift_JIS \r\n", "x,y",
	    "f@a.csv[text/csv ; charset=Shift_JIS]#3(mem):x,y|");
	part_is("a file's bytes are not checked as text",
	    CD "name=\"f\"; filename=\"a.txt\"\r\n", "\x82\xa0\x01",
	    "f@a.txt[]#3(mem):\x82\xa0\x01|");
	part_is("Windows path stripped",
	    CD "name=\"f\"; filename=\"C:\\Users\\taro\\報告.pdf\"\r\n", "x",
	    "f@報告.pdf[]#1(mem):x|");
	part_is("relative path stripped",
	    CD "name=\"f\"; filename=\"../../etc/passwd\"\r\n", "x",
	    "f@passwd[]#1(mem):x|");
	part_is("folder only", CD "name=\"f\"; filename=\"dir/\"\r\n", "x",
	    "f@[]#1(mem):x|");
	part_is("empty file input", CD "name=\"f\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n", "",
	    "f@[application/octet-stream]#0(mem):|");
	part_is("filename* wins",
	    CD "name=\"f\"; filename=\"fallback.txt\"; "
	    "filename*=UTF-8''%E5%A0%B1%E5%91%8A.txt\r\n", "x",
	    "f@報告.txt[]#1(mem):x|");
	part_is("filename* wins, given first",
	    CD "name=\"f\"; filename*=utf-8'ja'%E5%A0%B1.txt; "
	    "filename=\"fallback.txt\"\r\n", "x",
	    "f@報.txt[]#1(mem):x|");
	part_is("filename* in another charset ignored",
	    CD "name=\"f\"; filename=\"fallback.txt\"; "
	    "filename*=ISO-8859-1''%E9t%E9.txt\r\n", "x",
	    "f@fallback.txt[]#1(mem):x|");
	part_is("filename* alone makes a file",
	    CD "name=\"f\"; filename*=UTF-8''a%20b.txt\r\n", "x",
	    "f@a b.txt[]#1(mem):x|");
	{
		struct pairs p = PAIRS_INIT;

		test_cond("transport padding after a delimiter",
		    runs(&p, "--XyZ \t \r\n" CD "name=\"a\"\r\n\r\n1\r\n"
		    "--XyZ\t\r\n" CD "name=\"b\"\r\n\r\n2\r\n--XyZ--",
		    NULL) == PARSE_OK && p.n == 2);
		pairs_release(&p);
		test_cond("no preamble, no epilogue, no final CRLF",
		    runs(&p, "--XyZ\r\n" CD "name=\"a\"\r\n\r\n1\r\n--XyZ--",
		    NULL) == PARSE_OK && p.n == 1);
		pairs_release(&p);
		test_cond("a preamble ending in CRLF",
		    runs(&p, "\r\n\r\n--XyZ\r\n" CD "name=\"a\"\r\n\r\n1\r\n"
		    "--XyZ--", NULL) == PARSE_OK && p.n == 1);
		pairs_release(&p);
		test_cond("no parts at all", runs(&p, "--XyZ--\r\n", NULL) ==
		    PARSE_OK && p.n == 0);
		test_cond("the boundary inside a preamble line is no "
		    "delimiter", runs(&p, "x--XyZ\r\n--XyZ\r\n" CD
		    "name=\"a\"\r\n\r\n1\r\n--XyZ--", NULL) == PARSE_OK &&
		    p.n == 1);
		pairs_release(&p);
		test_cond("repeated names kept in order",
		    runs(&p, "--XyZ\r\n" CD "name=\"c\"\r\n\r\n1\r\n"
		    "--XyZ\r\n" CD "name=\"c\"\r\n\r\n2\r\n--XyZ--", NULL) ==
		    PARSE_OK && p.n == 2 && strcmp(p.v[1].val, "2") == 0);
		pairs_release(&p);
	}
	{
		/* A 70-character boundary, as long as RFC 2046 allows. */
		static const char b70[] = "0123456789012345678901234567890"
		    "123456789012345678901234567890123456789";
		struct pairs p = PAIRS_INIT;
		struct buf body = BUF_INIT;
		struct reader r;

		buf_printf(&body, "--%s\r\n" CD "name=\"a\"\r\n\r\nx\r\n--%s--",
		    b70, b70);
		r = reader_of(body.ptr, body.len, 1, 0);
		test_cond("70-character boundary, 1-byte reads",
		    multipart_read(&p, b70, 70, reader_read, &r, NULL, NULL) ==
		    PARSE_OK && p.n == 1 && strcmp(p.v[0].val, "x") == 0);
		pairs_release(&p);
		r = reader_of(body.ptr, body.len, 1, 0);
		test_cond("71-character boundary refused",
		    multipart_read(&p, "x0123456789012345678901234567890"
		    "123456789012345678901234567890123456789", 71,
		    reader_read, &r, NULL, NULL) == PARSE_MALFORMED);
		test_cond("empty boundary refused",
		    multipart_read(&p, "", 0, reader_read, &r, NULL, NULL) ==
		    PARSE_MALFORMED);
		buf_release(&body);
	}
}

/* ------------------------------------------------------------------ */
/* Malformed bodies                                                    */
/* ------------------------------------------------------------------ */

/* Fails with `want` at every read size tried, leaving the pairs and the
 * descriptors as they were. */
static void
bad(const char *desc, const char *body, size_t n, enum parse_err want)
{
	struct multipart_limits l = small();
	struct pairs p = PAIRS_INIT;
	size_t fds = open_fds(), chunk;
	int ok = 1;

	l.mem_threshold = 2;
	pairs_add(&p, "keep", 4, "me", 2);
	for (chunk = 0; chunk <= 4; chunk++)
		if (run(&p, body, n, &l, chunk, 0) != want || p.n != 1 ||
		    strcmp(p.v[0].name, "keep") != 0)
			ok = 0;
	test_cond(desc, ok && open_fds() == fds &&
	    dir_entries(tmpdir) == 0);
	pairs_release(&p);
}

#define BAD(desc, body, want) bad((desc), (body), sizeof(body) - 1, (want))
#define OK_PART "--XyZ\r\n" CD "name=\"ok\"\r\n\r\nfine\r\n" \
	"--XyZ\r\n" CD "name=\"f\"; filename=\"f\"\r\n\r\nfile data\r\n"

static void
test_malformed(void)
{
	struct pairs p = PAIRS_INIT;
	struct buf msg = BUF_INIT;

	BAD("empty body", "", PARSE_MALFORMED);
	BAD("no delimiter", "hello", PARSE_MALFORMED);
	BAD("only a preamble", "x\r\n--XyY\r\n", PARSE_MALFORMED);
	BAD("ends in the headers", OK_PART "--XyZ\r\n" CD "name=\"a\"\r\n",
	    PARSE_MALFORMED);
	BAD("ends in the content", OK_PART "--XyZ\r\n" CD "name=\"a\"\r\n\r\n"
	    "value", PARSE_MALFORMED);
	BAD("ends before the closing delimiter", OK_PART "--XyZ\r\n",
	    PARSE_MALFORMED);
	BAD("ends with half a closing delimiter", OK_PART "--XyZ-",
	    PARSE_MALFORMED);
	BAD("ends right after a delimiter", OK_PART "--XyZ",
	    PARSE_MALFORMED);
	BAD("boundary followed by junk", OK_PART "--XyZX\r\n",
	    PARSE_MALFORMED);
	BAD("boundary followed by a bare LF", "--XyZ\n" CD "name=\"a\"\r\n\r\n"
	    "1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("header line ended by a bare LF", "--XyZ\r\n" CD "name=\"a\"\n\n1"
	    "\r\n--XyZ--", PARSE_MALFORMED);
	BAD("CR inside a header line", "--XyZ\r\n" CD "name=\"a\r\"\r\n\r\n1"
	    "\r\n--XyZ--", PARSE_MALFORMED);
	BAD("control character in a header line", "--XyZ\r\n" CD
	    "name=\"a\x01\"\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("no Content-Disposition", "--XyZ\r\nContent-Type: text/plain\r\n"
	    "\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("no headers", "--XyZ\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("not form-data", "--XyZ\r\nContent-Disposition: attachment; "
	    "name=\"a\"\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("no name", "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n"
	    "--XyZ--", PARSE_MALFORMED);
	BAD("empty name", "--XyZ\r\n" CD "name=\"\"\r\n\r\n1\r\n--XyZ--",
	    PARSE_MALFORMED);
	BAD("name twice", "--XyZ\r\n" CD "name=\"a\"; name=\"b\"\r\n\r\n1\r\n"
	    "--XyZ--", PARSE_MALFORMED);
	BAD("filename twice", "--XyZ\r\n" CD "name=\"a\"; filename=\"b\"; "
	    "filename=\"c\"\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("Content-Disposition twice", "--XyZ\r\n" CD "name=\"a\"\r\n" CD
	    "name=\"a\"\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("unterminated quote", "--XyZ\r\n" CD "name=\"a\r\n\r\n1\r\n"
	    "--XyZ--", PARSE_MALFORMED);
	BAD("escaped closing quote", "--XyZ\r\n" CD "name=\"a\\\"\r\n\r\n1\r\n"
	    "--XyZ--", PARSE_MALFORMED);
	BAD("junk between parameters", "--XyZ\r\n" CD "name=\"a\" x\r\n\r\n1"
	    "\r\n--XyZ--", PARSE_MALFORMED);
	BAD("parameter without '='", "--XyZ\r\n" CD "name\r\n\r\n1\r\n"
	    "--XyZ--", PARSE_MALFORMED);
	BAD("header without ':'", "--XyZ\r\nJunk\r\n" CD "name=\"a\"\r\n\r\n1"
	    "\r\n--XyZ--", PARSE_MALFORMED);
	BAD("space before ':'", "--XyZ\r\nContent-Disposition : form-data; "
	    "name=\"a\"\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("folded header", "--XyZ\r\n" CD "name=\"a\"\r\n filename=\"b\"\r\n"
	    "\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("filename* without quotes inside", "--XyZ\r\n" CD "name=\"a\"; "
	    "filename*=UTF-8%E5\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("filename* with a bad escape", "--XyZ\r\n" CD "name=\"a\"; "
	    "filename*=UTF-8''%E\r\n\r\n1\r\n--XyZ--", PARSE_MALFORMED);
	BAD("the boundary's beginning inside content, then junk",
	    "--XyZ\r\n" CD "name=\"a\"\r\n\r\n1\r\n--XyZa\r\n--XyZ--",
	    PARSE_MALFORMED);

	BAD("Shift_JIS text (あいう)", "--XyZ\r\n" CD "name=\"a\"\r\n\r\n"
	    "\x82\xa0\x82\xa2\x82\xa4\r\n--XyZ--", PARSE_ENCODING);
	BAD("Shift_JIS text after good parts", OK_PART "--XyZ\r\n" CD
	    "name=\"a\"\r\n\r\n\x93\xfa\x96\x7b\r\n--XyZ--", PARSE_ENCODING);
	BAD("Shift_JIS name", "--XyZ\r\n" CD "name=\"\x96\xbc\"\r\n\r\n1\r\n"
	    "--XyZ--", PARSE_ENCODING);
	BAD("Shift_JIS filename", "--XyZ\r\n" CD "name=\"f\"; filename=\""
	    "\x95\xf1.pdf\"\r\n\r\n1\r\n--XyZ--", PARSE_ENCODING);
	BAD("filename* that decodes to Shift_JIS", "--XyZ\r\n" CD "name=\"f\"; "
	    "filename*=UTF-8''%95%F1.pdf\r\n\r\n1\r\n--XyZ--",
	    PARSE_ENCODING);
	BAD("filename* that decodes to a control", "--XyZ\r\n" CD "name=\"f\"; "
	    "filename*=UTF-8''a%0Ab.pdf\r\n\r\n1\r\n--XyZ--",
	    PARSE_ENCODING);
	BAD("TAB in a name", "--XyZ\r\n" CD "name=\"a\tb\"\r\n\r\n1\r\n--XyZ--",
	    PARSE_ENCODING);
	BAD("Content-Type not ASCII", "--XyZ\r\n" CD "name=\"f\"; "
	    "filename=\"a\"\r\nContent-Type: \xe3\x81\x82\r\n\r\n1\r\n--XyZ--",
	    PARSE_ENCODING);
	{
		static const char nul[] = "--XyZ\r\n" CD "name=\"a\"\r\n\r\n"
		    "a\0b\r\n--XyZ--";

		BAD("NUL in a text", nul, PARSE_ENCODING);
	}
	BAD("ESC in a text", "--XyZ\r\n" CD "name=\"a\"\r\n\r\n\x1b[0m\r\n"
	    "--XyZ--", PARSE_ENCODING);

	/* The log message names the part. */
	{
		struct reader r;
		static const char body[] = OK_PART "--XyZ\r\n" CD
		    "name=\"memo\"\r\n\r\n\x82\xa0\r\n--XyZ--";

		r = reader_of(body, sizeof(body) - 1, 0, 0);
		test_cond("message: the error",
		    run_reader(&p, &r, NULL, &msg) == PARSE_ENCODING);
		test_streq("message: part and name", msg.ptr,
		    "multipart part 3 'memo': text not UTF-8 or holding a "
		    "control character");
		buf_reset(&msg);
		r = reader_of("x", 1, 0, 0);
		run_reader(&p, &r, NULL, &msg);
		test_streq("message: before any part", msg.ptr,
		    "multipart body: body ends before the closing delimiter");
		pairs_release(&p);
	}
	buf_release(&msg);
}

static void
test_io(void)
{
	static const char body[] = OK_PART "--XyZ\r\n" CD "name=\"a\"\r\n\r\n"
	    "1\r\n--XyZ--";
	struct multipart_limits l = small();
	struct pairs p = PAIRS_INIT;
	struct reader r;
	size_t at, fds = open_fds();
	int ok = 1;

	l.mem_threshold = 2;
	for (at = 1; at < sizeof(body) - 1; at++) {
		r = reader_of(body, sizeof(body) - 1, 1, 0);
		r.fail_at = at;
		pairs_add(&p, "keep", 4, "me", 2);
		if (run_reader(&p, &r, &l, NULL) != PARSE_IO || p.n != 1)
			ok = 0;
		pairs_release(&p);
	}
	test_cond("a read error at any point: PARSE_IO, pairs as they were",
	    ok);
	test_cond("a read error: no descriptor left open, no file left",
	    open_fds() == fds && dir_entries(tmpdir) == 0);
}

/* The window is compacted, never grown: a long body of short parts in
 * small reads. */
static void
test_many_reads(void)
{
	struct pairs p = PAIRS_INIT;
	struct buf body = BUF_INIT;
	struct reader r;
	size_t i;

	for (i = 0; i < 200; i++)
		text_part(&body, "t", "0123456789abcdefghijklmnopqrstuvwxyz");
	close_body(&body);
	r = reader_of(body.ptr, body.len, 3, 0);
	test_cond("200 parts in 3-byte reads", run_reader(&p, &r, NULL,
	    NULL) == PARSE_OK && p.n == 200 &&
	    strcmp(p.v[199].val, "0123456789abcdefghijklmnopqrstuvwxyz") == 0);
	pairs_release(&p);
	buf_release(&body);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_boundary();
	test_basic();
	test_chunks();
	test_spool();
	test_limits();
	test_details();
	test_malformed();
	test_io();
	test_many_reads();
	rmdir(tmpdir);
	return test_done();
}
