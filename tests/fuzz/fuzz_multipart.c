/*
 * libFuzzer target: cgi/core/multipart.c and cgi/core/upload.c.
 *
 * The input's first line is a Content-Type header value, the rest a body.
 * When the header gives no boundary, "XyZ" is used, so that every body
 * is parsed.  The body is read whole, then in pieces of sizes the input
 * chooses with files spooled from their first bytes: both must give the
 * same result, byte for byte.  What parses keeps the text rule, a file's
 * kept bytes are its size, and neither a success nor a failure leaves a
 * descriptor open (once the pairs are released) or pairs behind.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "buf.h"
#include "fields.h"
#include "multipart.h"
#include "pairs.h"
#include "parse.h"
#include "upload.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct rd {
	const char	*s;
	size_t		 n;
	size_t		 pos;
	uint32_t	 x;	/* 0: whole reads */
};

static ssize_t
rd_read(void *arg, void *buf, size_t len)
{
	struct rd *r = arg;
	size_t k = r->n - r->pos;

	if (k > len)
		k = len;
	if (r->x != 0 && k > 1) {
		r->x ^= r->x << 13;
		r->x ^= r->x >> 17;
		r->x ^= r->x << 5;
		k = 1 + r->x % (k < 40 ? k : 40);
	}
	memcpy(buf, r->s + r->pos, k);
	r->pos += k;
	return (ssize_t)k;
}

/* Everything parsed, files' bytes included, as one string. */
static void
dump(struct buf *out, const struct pairs *p)
{
	const struct upload *u;
	char chunk[512];
	size_t i, off;
	ssize_t r;

	for (i = 0; i < p->n; i++) {
		buf_add(out, p->v[i].name, p->v[i].namelen + 1);
		buf_add(out, p->v[i].val, p->v[i].vallen + 1);
		if ((u = p->v[i].file) == NULL)
			continue;
		buf_printf(out, "%s|%s|%zu|%d|", u->filename, u->type, u->size,
		    u->too_large);
		off = 0;
		while ((r = upload_pread(u, chunk, sizeof(chunk), off)) > 0) {
			buf_add(out, chunk, (size_t)r);
			off += (size_t)r;
		}
		if (r < 0 || (!u->too_large && off != u->size) ||
		    (u->too_large && off != 0))
			__builtin_trap();
	}
}

static void
check(const struct pairs *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].namelen == 0 ||
		    !parse_name_ok(p->v[i].name, p->v[i].namelen) ||
		    !parse_value_ok(p->v[i].val, p->v[i].vallen))
			__builtin_trap();
		if (p->v[i].file != NULL && (p->v[i].vallen != 0 ||
		    !parse_name_ok(p->v[i].file->filename,
		    strlen(p->v[i].file->filename)) ||
		    strchr(p->v[i].file->filename, '/') != NULL ||
		    strchr(p->v[i].file->filename, '\\') != NULL))
			__builtin_trap();
	}
}

/*
 * The lowest free descriptor: it moves up when one leaks.  It is taken
 * afresh for each input, since libFuzzer itself opens descriptors between
 * inputs (the pipes to llvm-symbolizer when it first names a new function).
 */
static int
lowest_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd != -1)
		close(fd);
	return fd;
}

static const struct field_spec table[] = {
	{ .name = "a", .label = "a", .type = FIELD_TEXT },
	{ .name = "f", .label = "f", .type = FIELD_FILE, .max = 100,
	  .flags = FIELD_REQUIRED | FIELD_REPEAT },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int base = lowest_fd();
	const char *s = (const char *)data, *nl;
	struct multipart_limits lim;
	struct pairs p = PAIRS_INIT, q = PAIRS_INIT;
	struct fields fs = FIELDS_INIT;
	struct buf bnd = BUF_INIT, d1 = BUF_INIT, d2 = BUF_INIT;
	struct buf msg = BUF_INIT;
	struct rd r;
	size_t hlen;
	enum parse_err rc, rc2;
	uint32_t seed = 2166136261u;
	size_t i;

	nl = memchr(s, '\n', size);
	hlen = nl != NULL ? (size_t)(nl - s) : 0;
	if (multipart_boundary(s, hlen, &bnd) == -1) {
		if (bnd.len != 0)
			__builtin_trap();
		BUF_PUTSL(&bnd, "XyZ");
	}
	if (nl != NULL) {
		s = nl + 1;
		size -= hlen + 1;
	}
	for (i = 0; i < size; i++)
		seed = (seed ^ (uint8_t)s[i]) * 16777619u;

	memset(&lim, 0, sizeof(lim));
	lim.max_file = 200;
	lim.max_text = 300;
	lim.max_header_line = 200;
	lim.max_parts = 20;
	lim.max_body = 12000;
	lim.mem_threshold = 64;
	r = (struct rd){ s, size, 0, 0 };
	rc = multipart_read(&p, bnd.ptr, bnd.len, rd_read, &r, &lim, &msg);
	if (rc != PARSE_OK && (p.n != 0 || msg.len == 0))
		__builtin_trap();
	check(&p);
	dump(&d1, &p);

	lim.mem_threshold = 1;
	r = (struct rd){ s, size, 0, seed | 1 };
	rc2 = multipart_read(&q, bnd.ptr, bnd.len, rd_read, &r, &lim, NULL);
	if (rc2 != rc)
		__builtin_trap();
	dump(&d2, &q);
	if (d1.len != d2.len || memcmp(d1.ptr, d2.ptr, d1.len) != 0)
		__builtin_trap();

	if (rc == PARSE_OK) {
		fields_validate(&fs, table, 2, &p);
		fields_release(&fs);
	}
	pairs_release(&p);
	pairs_release(&q);
	if (lowest_fd() > base)
		__builtin_trap();
	buf_release(&bnd);
	buf_release(&d1);
	buf_release(&d2);
	buf_release(&msg);
	return 0;
}
