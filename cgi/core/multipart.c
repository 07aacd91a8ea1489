#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "escape.h"
#include "multipart.h"
#include "pairs.h"
#include "parse.h"
#include "upload.h"

/* Bytes read from the callback at most at once. */
#define READ_CHUNK	16384

/* ------------------------------------------------------------------ */
/* Header values: "type; name=value; name="value""                     */
/* ------------------------------------------------------------------ */

struct hval {
	const char	*s;
	size_t		 n;
	size_t		 i;
};

static int
is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* The separators of RFC 2045 (tspecials): a backslash before one of
 * them in a quoted value is an escape. */
static int
is_tspecial(unsigned char c)
{
	return c != '\0' && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static void
skip_ows(struct hval *h)
{
	while (h->i < h->n && (h->s[h->i] == ' ' || h->s[h->i] == '\t'))
		h->i++;
}

/* A token (with '/' as well when `slash`): its length, 0 if none. */
static size_t
hval_token(struct hval *h, const char **t, int slash)
{
	size_t start;

	skip_ows(h);
	start = h->i;
	while (h->i < h->n && (is_tchar((unsigned char)h->s[h->i]) ||
	    (slash && h->s[h->i] == '/')))
		h->i++;
	*t = h->s + start;
	return h->i - start;
}

/*
 * The next parameter: 1 with its name and its value in `val`, 0 at the
 * end, -1 on a syntax error.  Empty parameters (";;", a trailing ';')
 * are passed over.  An unquoted value is taken leniently: any run of
 * bytes but white space, ';' and '"' (clients send "boundary=a=b").
 */
static int
hval_param(struct hval *h, const char **name, size_t *nlen,
    struct buf *val)
{
	unsigned char c;

	buf_reset(val);
	for (;;) {
		skip_ows(h);
		if (h->i == h->n)
			return 0;
		if (h->s[h->i] != ';')
			return -1;
		h->i++;
		skip_ows(h);
		if (h->i < h->n && h->s[h->i] != ';')
			break;
	}
	if ((*nlen = hval_token(h, name, 0)) == 0)
		return -1;
	skip_ows(h);
	if (h->i == h->n || h->s[h->i] != '=')
		return -1;
	h->i++;
	skip_ows(h);
	if (h->i < h->n && h->s[h->i] == '"') {
		for (h->i++; h->i < h->n; h->i++) {
			c = (unsigned char)h->s[h->i];
			if (c == '"') {
				h->i++;
				return 1;
			}
			if (c == '\\' && h->i + 1 < h->n &&
			    is_tspecial((unsigned char)h->s[h->i + 1]))
				c = (unsigned char)h->s[++h->i];
			buf_putc(val, c);
		}
		return -1;	/* no closing quote */
	}
	while (h->i < h->n) {
		c = (unsigned char)h->s[h->i];
		if (c <= ' ' || c == ';' || c == '"' || c == 0x7f)
			break;
		buf_putc(val, c);
		h->i++;
	}
	return val->len > 0 ? 1 : -1;
}

static int
is_bchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

int
multipart_boundary(const char *ctype, size_t n, struct buf *out)
{
	struct hval h = { ctype, n, 0 };
	struct buf val = BUF_INIT;
	const char *t;
	size_t tlen, i;
	int r, found = 0, rc = -1;

	buf_reset(out);
	tlen = hval_token(&h, &t, 1);
	if (tlen != 19 || strncasecmp(t, "multipart/form-data", 19) != 0)
		goto out;
	while ((r = hval_param(&h, &t, &tlen, &val)) == 1) {
		if (tlen != 8 || strncasecmp(t, "boundary", 8) != 0)
			continue;
		if (found++)
			goto out;
		buf_reset(out);
		buf_addbuf(out, &val);
	}
	if (r == -1 || !found || out->len == 0 ||
	    out->len > MULTIPART_MAX_BOUNDARY || out->ptr[out->len - 1] == ' ')
		goto out;
	for (i = 0; i < out->len; i++)
		if (!is_bchar((unsigned char)out->ptr[i]))
			goto out;
	rc = 0;
out:
	if (rc == -1)
		buf_reset(out);
	buf_release(&val);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The parser                                                          */
/* ------------------------------------------------------------------ */

enum mp_state {
	MP_PREAMBLE,	/* before the first delimiter: skipped */
	MP_DELIM,	/* after a delimiter: "--", or padding and CRLF */
	MP_HEADERS,	/* a part's header lines */
	MP_BODY,	/* a part's content, up to the next delimiter */
	MP_DONE		/* the closing delimiter was read */
};

struct mp {
	struct multipart_limits	 lim;
	struct pairs		*out;
	struct buf		*msg;
	enum mp_state		 st;
	/* "\r\n--" and the boundary */
	char			 delim[4 + MULTIPART_MAX_BOUNDARY];
	size_t			 dlen;
	/* The window: bytes read and not yet used are w[pos..len);
	 * w[pos..pos + scanned) are known to hold no line end (in
	 * MP_HEADERS) or to be padding (in MP_DELIM). */
	char			*w;
	size_t			 cap;
	size_t			 pos;
	size_t			 len;
	size_t			 scanned;
	size_t			 total;		/* bytes read */
	size_t			 nparts;
	/* The part being read. */
	size_t			 nheaders;
	int			 have_cd;
	struct buf		 name;
	struct buf		 text;
	struct buf		 filename;
	struct buf		 ctype;
	int			 is_file;
	int			 have_fn, have_fnstar;
	struct upload		*up;
};

static void
limits(struct multipart_limits *l, const struct multipart_limits *in)
{
	if (in != NULL)
		*l = *in;
	else
		memset(l, 0, sizeof(*l));
	if (l->max_body == 0)
		l->max_body = MULTIPART_MAX_BODY;
	if (l->max_parts == 0)
		l->max_parts = MULTIPART_MAX_PARTS;
	if (l->max_file == 0)
		l->max_file = MULTIPART_MAX_FILE;
	if (l->max_text == 0)
		l->max_text = MULTIPART_MAX_TEXT;
	if (l->max_name == 0)
		l->max_name = MULTIPART_MAX_NAME;
	if (l->max_header_line == 0)
		l->max_header_line = MULTIPART_MAX_HEADER_LINE;
	if (l->max_headers == 0)
		l->max_headers = MULTIPART_MAX_HEADERS;
	if (l->mem_threshold == 0)
		l->mem_threshold = MULTIPART_MEM_THRESHOLD;
}

/* Start a log message about the current part: "multipart part 2 'a': ". */
static struct buf *
say(struct mp *m)
{
	if (m->msg == NULL)
		return NULL;
	if (m->nparts == 0) {
		BUF_PUTSL(m->msg, "multipart body: ");
		return m->msg;
	}
	buf_printf(m->msg, "multipart part %zu", m->nparts);
	if (m->name.len > 0) {
		buf_putc(m->msg, ' ');
		parse_quote(m->msg, m->name.ptr, m->name.len);
	}
	BUF_PUTSL(m->msg, ": ");
	return m->msg;
}

static enum parse_err
fail(struct mp *m, enum parse_err rc, const char *what)
{
	struct buf *b;

	if ((b = say(m)) != NULL)
		buf_puts(b, what);
	return rc;
}

static void
part_reset(struct mp *m)
{
	m->nheaders = 0;
	m->have_cd = m->is_file = m->have_fn = m->have_fnstar = 0;
	buf_reset(&m->name);
	buf_reset(&m->text);
	buf_reset(&m->filename);
	buf_reset(&m->ctype);
	upload_free(m->up);
	m->up = NULL;
}

/* filename*=UTF-8'lang'%XX...: -1 when it does not parse, 0 when it is
 * in another charset (and ignored), 1 when `out` holds it. */
static int
ext_value(struct buf *out, const char *v, size_t n)
{
	const char *q1, *q2;

	if ((q1 = memchr(v, '\'', n)) == NULL ||
	    (q2 = memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - v))) == NULL)
		return -1;
	if (q1 - v != 5 || strncasecmp(v, "utf-8", 5) != 0)
		return 0;
	buf_reset(out);
	if (url_decode(out, q2 + 1, n - (size_t)(q2 + 1 - v)) == -1)
		return -1;
	return 1;
}

/* Content-Disposition: form-data; name="..."; filename="..." */
static enum parse_err
disposition(struct mp *m, const char *v, size_t n)
{
	struct hval h = { v, n, 0 };
	struct buf val = BUF_INIT;
	const char *t;
	size_t tlen;
	int r, have_name = 0;
	enum parse_err rc = PARSE_MALFORMED;

	if (m->have_cd++) {
		fail(m, rc, "Content-Disposition given twice");
		goto out;
	}
	tlen = hval_token(&h, &t, 0);
	if (tlen != 9 || strncasecmp(t, "form-data", 9) != 0) {
		fail(m, rc, "Content-Disposition is not form-data");
		goto out;
	}
	while ((r = hval_param(&h, &t, &tlen, &val)) == 1) {
		if (tlen == 4 && strncasecmp(t, "name", 4) == 0) {
			if (have_name++) {
				fail(m, rc, "name given twice");
				goto out;
			}
			buf_addbuf(&m->name, &val);
		} else if (tlen == 8 && strncasecmp(t, "filename", 8) == 0) {
			if (m->have_fn++) {
				fail(m, rc, "filename given twice");
				goto out;
			}
			m->is_file = 1;
			if (!m->have_fnstar)
				buf_addbuf(&m->filename, &val);
		} else if (tlen == 9 && strncasecmp(t, "filename*", 9) == 0) {
			if (m->have_fnstar) {
				fail(m, rc, "filename* given twice");
				goto out;
			}
			m->is_file = 1;
			switch (ext_value(&m->filename, val.ptr, val.len)) {
			case -1:
				fail(m, rc, "filename* does not parse");
				goto out;
			case 1:
				m->have_fnstar = 1;
				break;
			default:
				/* Another charset: filename, if any, holds. */
				break;
			}
		}
	}
	if (r == -1) {
		fail(m, rc, "Content-Disposition does not parse");
		goto out;
	}
	if (!have_name || m->name.len == 0) {
		fail(m, rc, "no name in Content-Disposition");
		goto out;
	}
	if (m->name.len > m->lim.max_name) {
		rc = fail(m, PARSE_TOO_LONG, "name too long");
		goto out;
	}
	if (!parse_name_ok(m->name.ptr, m->name.len)) {
		rc = fail(m, PARSE_ENCODING,
		    "name not UTF-8 or holding a control character");
		goto out;
	}
	if (!parse_name_ok(m->filename.ptr, m->filename.len)) {
		rc = fail(m, PARSE_ENCODING,
		    "filename not UTF-8 or holding a control character");
		goto out;
	}
	rc = PARSE_OK;
out:
	buf_release(&val);
	return rc;
}

/* One header line, without its CRLF. */
static enum parse_err
header(struct mp *m, const char *line, size_t n)
{
	const unsigned char *u = (const unsigned char *)line;
	size_t i, nlen, vs, ve;

	for (i = 0; i < n; i++)
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
			return fail(m, PARSE_MALFORMED,
			    "control character in a header line");
	for (nlen = 0; nlen < n && is_tchar(u[nlen]); nlen++)
		;
	if (nlen == 0 || nlen == n || line[nlen] != ':')
		return fail(m, PARSE_MALFORMED, "header line does not parse");
	vs = nlen + 1;
	ve = n;
	while (vs < ve && (line[vs] == ' ' || line[vs] == '\t'))
		vs++;
	while (ve > vs && (line[ve - 1] == ' ' || line[ve - 1] == '\t'))
		ve--;
	if (nlen == 19 && strncasecmp(line, "content-disposition", 19) == 0)
		return disposition(m, line + vs, ve - vs);
	if (nlen == 12 && strncasecmp(line, "content-type", 12) == 0) {
		for (i = vs; i < ve; i++)
			if (u[i] >= 0x80)
				return fail(m, PARSE_ENCODING,
				    "Content-Type not ASCII");
		buf_reset(&m->ctype);
		buf_add(&m->ctype, line + vs, ve - vs);
	}
	return PARSE_OK;
}

/* The blank line after a part's headers. */
static enum parse_err
headers_done(struct mp *m)
{
	const char *base;
	size_t i;

	if (!m->have_cd)
		return fail(m, PARSE_MALFORMED, "no Content-Disposition");
	if (!m->is_file)
		return PARSE_OK;
	/* Only the last component of a path is the file's name. */
	base = m->filename.ptr;
	for (i = 0; i < m->filename.len; i++)
		if (m->filename.ptr[i] == '/' || m->filename.ptr[i] == '\\')
			base = m->filename.ptr + i + 1;
	m->up = upload_new(m->lim.mem_threshold, m->lim.max_file,
	    m->lim.tmpdir);
	free(m->up->filename);
	m->up->filename = xstrndup(base,
	    m->filename.len - (size_t)(base - m->filename.ptr));
	free(m->up->type);
	m->up->type = xstrndup(m->ctype.ptr, m->ctype.len);
	return PARSE_OK;
}

static enum parse_err
part_data(struct mp *m, const char *p, size_t n)
{
	if (n == 0)
		return PARSE_OK;
	if (m->up != NULL) {
		if (upload_write(m->up, p, n) != PARSE_OK)
			return fail(m, PARSE_IO,
			    "writing the temporary file failed");
		return PARSE_OK;
	}
	if (n > m->lim.max_text - m->text.len) {
		if (m->msg != NULL)
			buf_printf(say(m), "text over %zu bytes",
			    m->lim.max_text);
		return PARSE_TOO_LONG;
	}
	buf_add(&m->text, p, n);
	return PARSE_OK;
}

/* The delimiter after a part's content: the pair is made. */
static enum parse_err
part_end(struct mp *m)
{
	char *name, *val;
	size_t nlen, vlen;

	if (m->up != NULL) {
		if (upload_finish(m->up) != PARSE_OK)
			return fail(m, PARSE_IO,
			    "rewinding the temporary file failed");
		name = buf_detach(&m->name, &nlen);
		pairs_take(m->out, name, nlen, xstrdup(""), 0, m->up);
		m->up = NULL;
		return PARSE_OK;
	}
	if (!parse_value_ok(m->text.ptr, m->text.len))
		return fail(m, PARSE_ENCODING,
		    "text not UTF-8 or holding a control character");
	name = buf_detach(&m->name, &nlen);
	val = buf_detach(&m->text, &vlen);
	pairs_take(m->out, name, nlen, val, vlen, NULL);
	return PARSE_OK;
}

/*
 * Use what the window holds, as far as it goes: returns PARSE_OK when
 * more input is needed (or the closing delimiter was read), or an error.
 */
static enum parse_err
step(struct mp *m)
{
	const char *p, *nl;
	size_t avail, i, keep;
	enum parse_err rc;

	for (;;) {
		avail = m->len - m->pos;
		switch (m->st) {
		case MP_PREAMBLE:
		case MP_BODY:
			/* memmem() is linear (two-way); only the last dlen - 1
			 * bytes, which may begin a delimiter, are seen again
			 * after the next read. */
			p = memmem(m->w + m->pos, avail, m->delim, m->dlen);
			if (p == NULL) {
				keep = avail < m->dlen ? avail : m->dlen - 1;
				if (m->st == MP_BODY && (rc = part_data(m,
				    m->w + m->pos, avail - keep)) != PARSE_OK)
					return rc;
				m->pos += avail - keep;
				return PARSE_OK;
			}
			i = (size_t)(p - (m->w + m->pos));
			if (m->st == MP_BODY) {
				if ((rc = part_data(m, m->w + m->pos, i)) !=
				    PARSE_OK || (rc = part_end(m)) != PARSE_OK)
					return rc;
			}
			m->pos += i + m->dlen;
			m->st = MP_DELIM;
			m->scanned = 0;
			break;
		case MP_DELIM:
			if (avail < 2)
				return PARSE_OK;
			if (m->w[m->pos] == '-' && m->w[m->pos + 1] == '-') {
				m->st = MP_DONE;
				return PARSE_OK;
			}
			/* Transport padding (RFC 2046), then CRLF; what was
			 * seen to be padding is not looked at again. */
			for (i = m->pos + m->scanned; i < m->len &&
			    (m->w[i] == ' ' || m->w[i] == '\t'); i++)
				;
			m->scanned = i - m->pos;
			if (m->scanned > m->lim.max_header_line)
				return fail(m, PARSE_TOO_LONG,
				    "padding after the delimiter too long");
			if (m->len - i < 2)
				return PARSE_OK;
			if (m->w[i] != '\r' || m->w[i + 1] != '\n')
				return fail(m, PARSE_MALFORMED,
				    "delimiter not followed by CRLF");
			m->pos = i + 2;
			part_reset(m);
			if (++m->nparts > m->lim.max_parts) {
				if (m->msg != NULL)
					buf_printf(m->msg, "more than %zu "
					    "multipart parts",
					    m->lim.max_parts);
				return PARSE_TOO_MANY;
			}
			m->st = MP_HEADERS;
			m->scanned = 0;
			break;
		case MP_HEADERS:
			nl = memchr(m->w + m->pos + m->scanned, '\n',
			    avail - m->scanned);
			if (nl == NULL) {
				m->scanned = avail;
				/* The line, its CR, and no LF yet. */
				if (avail > m->lim.max_header_line + 1)
					goto long_line;
				return PARSE_OK;
			}
			/* The length first, as when no LF has come yet: the
			 * outcome must not depend on how reads were cut. */
			i = (size_t)(nl - (m->w + m->pos));
			if (i > m->lim.max_header_line + 1)
				goto long_line;
			if (i == 0 || m->w[m->pos + i - 1] != '\r')
				return fail(m, PARSE_MALFORMED,
				    "header line not ended by CRLF");
			p = m->w + m->pos;
			m->pos += i + 1;
			m->scanned = 0;
			if (i == 1) {
				if ((rc = headers_done(m)) != PARSE_OK)
					return rc;
				m->st = MP_BODY;
				break;
			}
			if (p[0] == ' ' || p[0] == '\t')
				return fail(m, PARSE_MALFORMED,
				    "folded header line");
			if (++m->nheaders > m->lim.max_headers) {
				if (m->msg != NULL)
					buf_printf(say(m), "more than %zu "
					    "header lines",
					    m->lim.max_headers);
				return PARSE_TOO_MANY;
			}
			if ((rc = header(m, p, i - 1)) != PARSE_OK)
				return rc;
			break;
		case MP_DONE:
			return PARSE_OK;
		}
	}
long_line:
	if (m->msg != NULL)
		buf_printf(say(m), "header line over %zu bytes",
		    m->lim.max_header_line);
	return PARSE_TOO_LONG;
}

enum parse_err
multipart_read(struct pairs *out, const char *boundary, size_t blen,
    parse_read_fn rd, void *arg, const struct multipart_limits *in,
    struct buf *msg)
{
	struct mp m;
	size_t start = out->n, want;
	enum parse_err rc;
	ssize_t r;
	int over = 0;

	memset(&m, 0, sizeof(m));
	limits(&m.lim, in);
	m.out = out;
	m.msg = msg;
	buf_init(&m.name);
	buf_init(&m.text);
	buf_init(&m.filename);
	buf_init(&m.ctype);
	if (blen == 0 || blen > MULTIPART_MAX_BOUNDARY) {
		if (msg != NULL)
			BUF_PUTSL(msg, "multipart boundary empty or over 70 "
			    "bytes");
		return PARSE_MALFORMED;
	}
	memcpy(m.delim, "\r\n--", 4);
	memcpy(m.delim + 4, boundary, blen);
	m.dlen = 4 + blen;
	/*
	 * Room for a read, and for what a state may keep unused: a header
	 * line and its CRLF, or a delimiter but one byte.  The window is
	 * compacted when less than a quarter of it is free, which then
	 * frees more than half of it: moves are linear overall.
	 */
	if (m.lim.max_header_line > SIZE_MAX / 4 - READ_CHUNK) {
		if (msg != NULL)
			BUF_PUTSL(msg, "multipart header line limit too big");
		return PARSE_TOO_LONG;
	}
	m.cap = READ_CHUNK + 2 * (m.lim.max_header_line + 2 + m.dlen);
	m.w = xmalloc(m.cap);
	/* The first delimiter may open the body, without the CRLF that
	 * begins every other: give it one. */
	memcpy(m.w, "\r\n", 2);
	m.len = 2;
	m.st = MP_PREAMBLE;
	for (;;) {
		if ((rc = step(&m)) != PARSE_OK)
			goto out;
		if (m.st == MP_DONE)
			break;
		if (over) {
			if (msg != NULL)
				buf_printf(msg, "multipart body over the limit "
				    "of %zu bytes", m.lim.max_body);
			rc = PARSE_TOO_LARGE;
			goto out;
		}
		if (m.pos == m.len)
			m.pos = m.len = 0;
		else if (m.cap - m.len < m.cap / 4) {
			memmove(m.w, m.w + m.pos, m.len - m.pos);
			m.len -= m.pos;
			m.pos = 0;
		}
		want = m.cap - m.len;
		if (want > READ_CHUNK)
			want = READ_CHUNK;
		/* Never more than max_body + 1 in all: enough to know. */
		if (m.lim.max_body - m.total < want)
			want = m.lim.max_body - m.total + 1;
		r = rd(arg, m.w + m.len, want);
		if (r < 0 || (size_t)r > want) {
			rc = fail(&m, PARSE_IO, "reading the body failed");
			goto out;
		}
		if (r == 0) {
			rc = fail(&m, PARSE_MALFORMED,
			    "body ends before the closing delimiter");
			goto out;
		}
		m.len += (size_t)r;
		m.total += (size_t)r;
		/* The byte past the limit is not parsed: the body is too
		 * large only if it does not end within the limit, however
		 * the reads were cut. */
		if (m.total > m.lim.max_body) {
			m.len -= m.total - m.lim.max_body;
			over = 1;
		}
	}
	rc = PARSE_OK;
out:
	if (rc != PARSE_OK)
		pairs_truncate(out, start);
	part_reset(&m);
	buf_release(&m.name);
	buf_release(&m.text);
	buf_release(&m.filename);
	buf_release(&m.ctype);
	free(m.w);
	return rc;
}
