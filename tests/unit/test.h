/*
 * test.h: a tiny TAP-style harness for the C unit tests.
 *
 * Each check prints "ok N - what" or "not ok N - what" (with the file
 * and line of a failure on stderr); test_done() prints the plan and
 * returns the exit status.  tests/run.sh counts the lines.
 */
#ifndef KK_TEST_H
#define KK_TEST_H

#include <stdio.h>
#include <string.h>

static int test_n, test_failed;

#define test_cond(desc, cond) do {					\
	test_n++;							\
	if (cond)							\
		printf("ok %d - %s\n", test_n, (desc));			\
	else {								\
		test_failed++;						\
		printf("not ok %d - %s\n", test_n, (desc));		\
		fprintf(stderr, "%s:%d: failed: %s\n",			\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

/* Compare two strings, showing both on failure. */
#define test_streq(desc, got, want) do {				\
	const char *test_g_ = (got), *test_w_ = (want);			\
	int test_ok_ = test_g_ != NULL && strcmp(test_g_, test_w_) == 0; \
	test_cond((desc), test_ok_);					\
	if (!test_ok_)							\
		fprintf(stderr, "  got:  \"%s\"\n  want: \"%s\"\n",	\
		    test_g_ ? test_g_ : "(null)", test_w_);		\
} while (0)

static inline int
test_done(void)
{
	printf("1..%d\n", test_n);
	return test_failed ? 1 : 0;
}

#endif
