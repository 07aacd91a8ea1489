/*
 * test_csv: lib/csv.c (records, quotes, line numbers, malformed input,
 * UTF-8 with and without BOM, Shift_JIS) and lib/lgcode.c (check digits,
 * prefectures).
 */
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "lgcode.h"
#include "test.h"

static const char *
dump(const struct csv *c)
{
	static struct buf b = BUF_INIT;
	size_t i, k;

	buf_reset(&b);
	for (i = 0; i < c->n; i++) {
		buf_printf(&b, "%s%zu:", i ? "|" : "", c->r[i].line);
		for (k = 0; k < c->r[i].n; k++)
			buf_printf(&b, "%s[%s]", k ? "," : "", c->r[i].f[k]);
	}
	return b.ptr;
}

static void
parses(const char *desc, const char *in, const char *want)
{
	struct csv c;
	struct buf err = BUF_INIT;

	test_cond(desc, csv_parse(&c, in, strlen(in), &err) == 0);
	test_streq(desc, dump(&c), want);
	csv_release(&c);
	buf_release(&err);
}

static void
fails(const char *desc, const char *in, const char *msg)
{
	struct csv c;
	struct buf err = BUF_INIT;

	test_cond(desc, csv_parse(&c, in, strlen(in), &err) == -1);
	test_cond(desc, strstr(err.ptr, msg) != NULL);
	if (strstr(err.ptr, msg) == NULL)
		fprintf(stderr, "  message: %s\n", err.ptr);
	test_cond("a failed parse holds nothing", c.n == 0 && c.r == NULL);
	buf_release(&err);
}

static void
test_parse(void)
{
	parses("plain fields", "a,b,c\n1,2,3\n", "1:[a],[b],[c]|2:[1],[2],[3]");
	parses("CRLF and no final line break", "a,b\r\nc,d",
	    "1:[a],[b]|2:[c],[d]");
	parses("a lone CR ends a record", "a\rb\r", "1:[a]|2:[b]");
	parses("empty fields are kept", ",x,\n", "1:[],[x],[]");
	parses("blank lines are skipped", "a\n\n\r\nb\n", "1:[a]|4:[b]");
	parses("quotes, doubled quotes, commas inside",
	    "\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "1:[a,b],[say \"hi\"],[]");
	parses("a line break inside quotes; the next record's line counts it",
	    "\"one\ntwo\",x\ny\n", "1:[one\ntwo],[x]|3:[y]");
	parses("Japanese text", "札幌市,北海道\n", "1:[札幌市],[北海道]");
	fails("a quote that never closes names the line it opens on",
	    "x\na,\"bc\nd\n", "2行目");
	fails("text after a closing quote", "\"a\"b,c\n", "1行目");
	fails("a quote inside an unquoted field", "x\nab\"c\n", "2行目");
	{
		struct buf big = BUF_INIT, err = BUF_INIT;
		struct csv c;
		int i;

		for (i = 0; i <= CSV_MAX_FIELD; i++)
			buf_putc(&big, 'x');
		test_cond("a field over the limit fails",
		    csv_parse(&c, big.ptr, big.len, &err) == -1);
		buf_reset(&big);
		for (i = 0; i <= CSV_MAX_FIELDS; i++)
			buf_puts(&big, "a,");
		buf_reset(&err);
		test_cond("too many fields fail",
		    csv_parse(&c, big.ptr, big.len, &err) == -1);
		buf_release(&big);
		buf_release(&err);
	}
}

static void
test_encodings(void)
{
	struct buf out = BUF_INIT, err = BUF_INIT, sj = BUF_INIT;
	const char *utf8 = "団体コード,団体名\n011002,札幌市\n";
	const char *enc = NULL;
	char *in, *o;
	size_t inl, outl;
	iconv_t cd;

	test_cond("UTF-8 is taken as it is",
	    csv_to_utf8(utf8, strlen(utf8), &out, &enc, &err) == 0);
	test_streq("UTF-8 unchanged", out.ptr, utf8);
	test_streq("UTF-8 named", enc, "UTF-8");
	buf_reset(&out);
	buf_puts(&sj, "\xef\xbb\xbf");
	buf_puts(&sj, utf8);
	test_cond("a BOM is dropped",
	    csv_to_utf8(sj.ptr, sj.len, &out, &enc, &err) == 0);
	test_streq("the text after the BOM", out.ptr, utf8);
	test_streq("BOM named", enc, "UTF-8 (BOM)");

	/* The same text in CP932, as Excel saves it. */
	buf_reset(&sj);
	buf_grow(&sj, 256);
	cd = iconv_open("CP932", "UTF-8");
	in = (char *)utf8;
	inl = strlen(utf8);
	o = sj.ptr;
	outl = sj.cap - 1;
	test_cond("the test can make Shift_JIS",
	    iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
	iconv_close(cd);
	sj.len = (size_t)(o - sj.ptr);
	buf_reset(&out);
	test_cond("Shift_JIS is read",
	    csv_to_utf8(sj.ptr, sj.len, &out, &enc, &err) == 0);
	test_streq("Shift_JIS becomes UTF-8", out.ptr, utf8);
	test_streq("Shift_JIS named", enc, "Shift_JIS");
	/* ～ (U+FF5E), which CP932 has and plain Shift_JIS writes otherwise. */
	buf_reset(&out);
	test_cond("CP932's own characters",
	    csv_to_utf8("\x81\x60\n", 3, &out, NULL, &err) == 0 &&
	    strcmp(out.ptr, "\xef\xbd\x9e\n") == 0);
	buf_reset(&out);
	buf_reset(&err);
	test_cond("bytes neither UTF-8 nor Shift_JIS fail",
	    csv_to_utf8("ok\n\x82\xff\n", 6, &out, NULL, &err) == -1);
	test_cond("naming the line", strstr(err.ptr, "2行目") != NULL);
	test_cond("and leave the output as it was", out.len == 0);
	buf_reset(&err);
	test_cond("broken UTF-8 after a BOM fails",
	    csv_to_utf8("\xef\xbb\xbf" "a\n\xe3\x81\n", 8, &out, NULL,
	    &err) == -1 && strstr(err.ptr, "2行目") != NULL);
	buf_release(&out);
	buf_release(&err);
	buf_release(&sj);
}

static void
test_lgcode(void)
{
	char out[LGCODE_LEN + 1];
	const char *why;

	test_cond("札幌市 011002",
	    lgcode_norm("011002", out, &why) == 0 && strcmp(out, "011002") == 0);
	test_cond("北海道 from five digits gets its check digit",
	    lgcode_norm("01000", out, &why) == 0 && strcmp(out, "010006") == 0);
	test_cond("千代田区 131016",
	    lgcode_norm("131016", out, &why) == 0);
	test_cond("那覇市 472018", lgcode_norm("472018", out, &why) == 0);
	/* Remainder 0 and 1: check digits 1 and 0. */
	test_cond("a sum divisible by 11 gives 1",
	    lgcode_check_digit("01117") == (11 - (5 + 4 + 3 + 14) % 11) % 10);
	test_cond("wrong check digit", lgcode_norm("011003", out, &why) == -1 &&
	    strstr(why, "検査数字") != NULL);
	test_cond("letters", lgcode_norm("01100a", out, &why) == -1);
	test_cond("four digits", lgcode_norm("0110", out, &why) == -1);
	test_cond("prefecture 48", lgcode_norm("48000", out, &why) == -1);
	test_cond("prefecture 00", lgcode_norm("00000", out, &why) == -1);
	test_streq("01 is 北海道", lgcode_prefecture("011002"), "北海道");
	test_streq("13 is 東京都", lgcode_prefecture("131016"), "東京都");
	test_streq("47 is 沖縄県", lgcode_prefecture("472018"), "沖縄県");
	test_cond("010006 is a prefecture", lgcode_is_prefecture("010006"));
	test_cond("011002 is not", !lgcode_is_prefecture("011002"));
}

int
main(void)
{
	test_parse();
	test_encodings();
	test_lgcode();
	return test_done();
}
