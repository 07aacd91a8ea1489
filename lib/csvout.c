#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "csvout.h"

/*
 * A separator is written before every cell but the first of a record;
 * the buffer itself tells which: a cell is the first when the buffer is
 * empty or ends a record (LF) or the byte-order mark.
 */
static void
sep(struct buf *b)
{
	if (b->len == 0 || b->ptr[b->len - 1] == '\n' ||
	    (b->len == 3 && memcmp(b->ptr, "\xef\xbb\xbf", 3) == 0))
		return;
	buf_putc(b, ',');
}

void
csvout_bom(struct buf *b)
{
	BUF_PUTSL(b, "\xef\xbb\xbf");
}

int
csvout_risky(const char *s, size_t n)
{
	/* Full-width ＝ ＋ － ＠: U+FF1D, U+FF0B, U+FF0D, U+FF20. */
	static const char *const wide[] = {
		"\xef\xbc\x9d", "\xef\xbc\x8b", "\xef\xbc\x8d", "\xef\xbc\xa0"
	};
	size_t i;

	if (n == 0)
		return 0;
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		return 1;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (n >= 3 && memcmp(s, wide[i], 3) == 0)
			return 1;
	return 0;
}

void
csvout_text(struct buf *b, const char *s, size_t n)
{
	size_t i;

	sep(b);
	buf_putc(b, '"');
	if (csvout_risky(s, n))
		buf_putc(b, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

void
csvout_str(struct buf *b, const char *s)
{
	csvout_text(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

void
csvout_int(struct buf *b, long long v)
{
	sep(b);
	buf_printf(b, "%lld", v);
}

void
csvout_end(struct buf *b)
{
	BUF_PUTSL(b, "\r\n");
}
