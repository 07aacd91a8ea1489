/*
 * test_cache: the cache's fields as written and read back (gen/cache.c):
 * numbers of every length, eight digits taken at a time or one by one,
 * and what is not a number, or too large for one.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
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

int
main(void)
{
	static const long long some[] = {
		0, 1, 9, 10, 99, 1234567, 12345678, 123456789, 9999999999999999,
		1000000000000000000, 1796189991693420286, INT64_MAX, -1,
		-12345678901234567, INT64_MIN + 1,
	};
	long long v, p10;
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
	    read_num("18446744073709551616;", &v) == -1);
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
	return test_done();
}
