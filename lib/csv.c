#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "utf8.h"

static void
record_free(struct csv_record *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
}

void
csv_release(struct csv *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		record_free(&c->r[i]);
	free(c->r);
	c->r = NULL;
	c->n = 0;
}

int
csv_parse(struct csv *c, const char *s, size_t len, struct buf *err)
{
	struct csv_record cur = { 0, NULL, 0 };
	struct buf field = BUF_INIT;
	size_t i = 0, line = 1, cap = 0, fcap = 0;
	int blank;

	c->r = NULL;
	c->n = 0;
	while (i < len) {
		/* One record. */
		cur.line = line;
		cur.f = NULL;
		cur.n = 0;
		fcap = 0;
		blank = 1;
		for (;;) {
			/* One field. */
			buf_reset(&field);
			if (i < len && s[i] == '"') {
				blank = 0;
				i++;
				for (;;) {
					if (i >= len) {
						buf_printf(err, "%zu行目: 引用符"
						    "（\"）で始まる項目が閉じられて"
						    "いません。", cur.line);
						goto fail;
					}
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							buf_putc(&field, '"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (s[i] == '\n' || (s[i] == '\r' &&
					    (i + 1 >= len || s[i + 1] != '\n')))
						line++;
					buf_putc(&field, s[i++]);
				}
				if (i < len && s[i] != ',' && s[i] != '\r' &&
				    s[i] != '\n') {
					buf_printf(err, "%zu行目: 引用符（\"）で"
					    "囲んだ項目のあとに文字があります。",
					    line);
					goto fail;
				}
			} else {
				while (i < len && s[i] != ',' && s[i] != '\r' &&
				    s[i] != '\n') {
					if (s[i] == '"') {
						buf_printf(err, "%zu行目: 引用符"
						    "（\"）で囲んでいない項目の中に"
						    "引用符があります。", line);
						goto fail;
					}
					buf_putc(&field, s[i++]);
				}
				if (field.len > 0)
					blank = 0;
			}
			if (field.len > CSV_MAX_FIELD) {
				buf_printf(err, "%zu行目: 項目が長すぎます（%d"
				    "バイトまで）。", line, CSV_MAX_FIELD);
				goto fail;
			}
			if (cur.n == CSV_MAX_FIELDS) {
				buf_printf(err, "%zu行目: 項目が多すぎます（%d"
				    "個まで）。", cur.line, CSV_MAX_FIELDS);
				goto fail;
			}
			if (cur.n == fcap) {
				fcap = fcap ? fcap * 2 : 8;
				cur.f = xreallocarray(cur.f, fcap,
				    sizeof(*cur.f));
			}
			cur.f[cur.n++] = xstrndup(field.ptr, field.len);
			if (i < len && s[i] == ',') {
				i++;
				blank = 0;
				continue;
			}
			break;
		}
		/* The record's end. */
		if (i < len && s[i] == '\r')
			i++;
		if (i < len && s[i] == '\n')
			i++;
		line++;
		if (blank) {
			record_free(&cur);
			continue;
		}
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->r = xreallocarray(c->r, cap, sizeof(*c->r));
		}
		c->r[c->n++] = cur;
	}
	buf_release(&field);
	return 0;
fail:
	record_free(&cur);
	buf_release(&field);
	csv_release(c);
	return -1;
}

/* The line of byte offset `off`. */
static size_t
line_of(const char *s, size_t off)
{
	size_t line = 1, i;

	for (i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

int
csv_to_utf8(const char *s, size_t len, struct buf *out, const char **enc,
    struct buf *err)
{
	char *in, *o;
	size_t inleft, outleft, bad, start = out->len;
	iconv_t cd;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		if (!utf8_valid(s + 3, len - 3, &bad)) {
			buf_printf(err, "%zu行目: UTF-8 として読めない文字が"
			    "あります。", line_of(s + 3, bad));
			return -1;
		}
		buf_add(out, s + 3, len - 3);
		if (enc != NULL)
			*enc = "UTF-8 (BOM)";
		return 0;
	}
	if (utf8_valid(s, len, NULL)) {
		buf_add(out, s, len);
		if (enc != NULL)
			*enc = "UTF-8";
		return 0;
	}
	if ((cd = iconv_open("UTF-8", "CP932")) == (iconv_t)-1) {
		buf_puts(err, "Shift_JIS の文字を読み込む準備ができません"
		    "でした。");
		return -1;
	}
	in = (char *)s;
	inleft = len;
	while (inleft > 0) {
		buf_grow(out, inleft * 3 / 2 + 16);
		o = out->ptr + out->len;
		outleft = out->cap - out->len - 1;
		if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 &&
		    errno != E2BIG) {
			iconv_close(cd);
			buf_truncate(out, start);
			buf_printf(err, "%zu行目: UTF-8 としても Shift_JIS と"
			    "しても読めない文字があります。ファイルの文字コード"
			    "を確かめてください。", line_of(s, (size_t)(in - s)));
			return -1;
		}
		out->len = (size_t)(o - out->ptr);
		out->ptr[out->len] = '\0';
	}
	iconv_close(cd);
	if (enc != NULL)
		*enc = "Shift_JIS";
	return 0;
}
