/*
 * test_csvout: lib/csvout.c, CSV for spreadsheets: quoting, records,
 * the byte-order mark, and cells neutralised against formula injection.
 */
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "csvout.h"
#include "test.h"

static void
cell_is(const char *desc, const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	csvout_str(&b, in);
	test_streq(desc, b.ptr, want);
	buf_release(&b);
}

int
main(void)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	struct csv c;

	cell_is("plain text is quoted", "abc", "\"abc\"");
	cell_is("empty", "", "\"\"");
	cell_is("NULL is empty", NULL, "\"\"");
	cell_is("a quote is doubled", "a\"b", "\"a\"\"b\"");
	cell_is("a comma and a line break stay inside", "a,b\nc",
	    "\"a,b\nc\"");
	cell_is("= neutralised", "=1+1", "\"'=1+1\"");
	cell_is("+ neutralised", "+81 3", "\"'+81 3\"");
	cell_is("- neutralised", "-2+3", "\"'-2+3\"");
	cell_is("@ neutralised", "@SUM(A1)", "\"'@SUM(A1)\"");
	cell_is("TAB neutralised", "\t=1", "\"'\t=1\"");
	cell_is("CR neutralised", "\r=1", "\"'\r=1\"");
	cell_is("HYPERLINK neutralised",
	    "=HYPERLINK(\"http://x\",\"y\")",
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	cell_is("DDE neutralised", "=cmd|' /C calc'!A0",
	    "\"'=cmd|' /C calc'!A0\"");
	cell_is("full-width = neutralised", "\xef\xbc\x9d" "1",
	    "\"'\xef\xbc\x9d" "1\"");
	cell_is("full-width + neutralised", "\xef\xbc\x8b" "1",
	    "\"'\xef\xbc\x8b" "1\"");
	cell_is("full-width - neutralised", "\xef\xbc\x8d" "1",
	    "\"'\xef\xbc\x8d" "1\"");
	cell_is("full-width @ neutralised", "\xef\xbc\xa0" "a",
	    "\"'\xef\xbc\xa0" "a\"");
	cell_is("= later in the text is left", "a=1", "\"a=1\"");
	cell_is("a space first is left", " =1", "\" =1\"");
	cell_is("Japanese left", "\xe6\x9c\xad\xe5\xb9\x8c\xe5\xb8\x82",
	    "\"\xe6\x9c\xad\xe5\xb9\x8c\xe5\xb8\x82\"");
	test_cond("risky: empty is not", !csvout_risky("", 0));
	test_cond("risky: a NUL is not", !csvout_risky("\0", 1));

	csvout_bom(&b);
	csvout_str(&b, "id");
	csvout_str(&b, "text");
	csvout_end(&b);
	csvout_int(&b, 1);
	csvout_str(&b, "=1,\"2\"\n3");
	csvout_end(&b);
	csvout_int(&b, -2);
	csvout_str(&b, "");
	csvout_end(&b);
	test_streq("records: separators, CRLF, the BOM once", b.ptr,
	    "\xef\xbb\xbf\"id\",\"text\"\r\n1,\"'=1,\"\"2\"\"\n3\"\r\n"
	    "-2,\"\"\r\n");
	/* Read back by the project's own reader, as a spreadsheet would. */
	test_cond("read back: parses", csv_parse(&c, b.ptr + 3, b.len - 3,
	    &err) == 0);
	test_cond("read back: three records of two", c.n == 3 &&
	    c.r[0].n == 2 && c.r[1].n == 2 && c.r[2].n == 2);
	if (c.n == 3) {
		test_streq("read back: the text cell as written, with its '",
		    c.r[1].f[1], "'=1,\"2\"\n3");
		test_streq("read back: a number", c.r[2].f[0], "-2");
	}
	csv_release(&c);
	buf_release(&err);
	buf_release(&b);
	return test_done();
}
