#include <stdint.h>

#include "buf.h"
#include "parse.h"
#include "utf8.h"

/* One entry per enum parse_err, in its order. */
static const struct {
	int		 status;
	const char	*str;
	const char	*message;
} errs[PARSE__MAX] = {
	/* PARSE_OK */
	{ 200, "no error", "" },
	/* PARSE_MALFORMED */
	{ 400, "malformed input",
	  "送信された内容を読み取れませんでした。"
	  "ページを読み込み直してから、もう一度送信してください。" },
	/* PARSE_ENCODING */
	{ 400, "text not UTF-8 or holding a control character",
	  "送信された内容に、使用できない文字が含まれています。"
	  "入力した内容を確かめてから、もう一度送信してください。" },
	/* PARSE_TOO_LARGE */
	{ 413, "input over its size limit",
	  "送信された内容が大きすぎます。"
	  "添付ファイルを小さくするか、入力を短くしてから、"
	  "もう一度送信してください。" },
	/* PARSE_TOO_MANY */
	{ 413, "too many fields or parts",
	  "送信された項目の数が多すぎます。"
	  "ページを読み込み直してから、もう一度送信してください。" },
	/* PARSE_TOO_LONG */
	{ 413, "a name, value or header line over its limit",
	  "送信された項目のひとつが長すぎます。"
	  "入力を短くしてから、もう一度送信してください。" },
	/* PARSE_IO */
	{ 500, "read or temporary file error",
	  "サーバーで問題が起きたため、送信を受け付けられませんでした。"
	  "時間をおいて、もう一度お試しください。" },
};

int
parse_err_status(enum parse_err e)
{
	return (unsigned)e < PARSE__MAX ? errs[e].status : 500;
}

const char *
parse_err_str(enum parse_err e)
{
	return (unsigned)e < PARSE__MAX ? errs[e].str : "unknown error";
}

const char *
parse_err_message(enum parse_err e)
{
	return (unsigned)e < PARSE__MAX ? errs[e].message :
	    errs[PARSE_IO].message;
}

/* Valid UTF-8 with no C0 control nor DEL, but for the bytes in `allow`
 * (a bit per C0 control). */
static int
text_ok(const char *s, size_t n, uint32_t allow)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (u[i] < 0x20 && !(allow & (UINT32_C(1) << u[i])))
			return 0;
		if (u[i] == 0x7f)
			return 0;
	}
	return utf8_valid(s, n, NULL);
}

int
parse_name_ok(const char *s, size_t n)
{
	return text_ok(s, n, 0);
}

int
parse_value_ok(const char *s, size_t n)
{
	return text_ok(s, n, (UINT32_C(1) << '\t') | (UINT32_C(1) << '\n') |
	    (UINT32_C(1) << '\r'));
}

#define QUOTE_MAX	64	/* bytes of a quoted subject shown */

void
parse_quote(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, k, lim = n < QUOTE_MAX ? n : QUOTE_MAX;
	unsigned char c;
	uint32_t cp;

	buf_putc(out, '\'');
	while (i < lim) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
			buf_putc(out, c);
			i++;
			continue;
		}
		/* Whole UTF-8 characters past the C1 controls are kept. */
		if (c >= 0x80 && (k = utf8_decode(s + i, n - i, &cp)) != 0 &&
		    cp >= 0xa0 && i + k <= lim) {
			buf_add(out, s + i, k);
			i += k;
			continue;
		}
		buf_printf(out, "\\x%02x", c);
		i++;
	}
	buf_putc(out, '\'');
	if (n > lim)
		BUF_PUTSL(out, "...");
}
