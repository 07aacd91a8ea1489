#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tval.h"
#include "test.h"

/* v as compact JSON, for comparing. */
static char *
dump(const struct tval *v)
{
	json_t *j = tv_to_json(v);
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(j);
	return s;
}

static void
test_arena(void)
{
	struct tarena a = TARENA_INIT;
	unsigned char *p, *q, *big;
	size_t i;
	int bad = 0;

	p = tarena_alloc(&a, 1);
	q = tarena_alloc(&a, 3);
	test_cond("allocations are aligned", ((uintptr_t)p %
	    alignof(max_align_t)) == 0 && ((uintptr_t)q %
	    alignof(max_align_t)) == 0);
	test_cond("... and do not overlap", q >= p + 1);
	/* Past one chunk, and one bigger than a chunk: all writable, none
	 * overlapping the ones before (AddressSanitizer watches). */
	big = tarena_alloc(&a, 1 << 20);
	memset(big, 0xab, 1 << 20);
	for (i = 0; i < 5000; i++) {
		p = tarena_alloc(&a, 40);
		memset(p, (int)(i & 0xff), 40);
	}
	for (i = 0; i < (1 << 20); i++)
		bad += big[i] != 0xab;
	test_cond("a big block keeps its bytes while small ones follow",
	    bad == 0);
	tarena_reset(&a);
	p = tarena_alloc(&a, 16);
	memset(p, 0, 16);
	test_cond("an arena is usable after a reset", p != NULL);
	tarena_release(&a);
	tarena_release(&a);	/* twice is harmless */
}

static void
test_values(void)
{
	struct tarena a = TARENA_INIT;
	struct tval o, arr, inner;
	const struct tval *got;
	char buf[8] = "abc";
	char *s;
	int i;

	o = tv_obj(&a, 1);
	tv_add(&a, &o, "s", tv_str("x"));
	tv_add(&a, &o, "n", tv_int(-42));
	tv_add(&a, &o, "r", tv_real(1.5));
	tv_add(&a, &o, "t", tv_bool(1));
	tv_add(&a, &o, "f", tv_bool(0));
	tv_add(&a, &o, "z", tv_null());
	tv_add(&a, &o, "e", tv_str(NULL));
	arr = tv_arr(&a, 0);
	for (i = 0; i < 100; i++)
		tv_push(&a, &arr, tv_int(i));
	tv_add(&a, &o, "a", arr);
	s = dump(&o);
	test_cond("objects grow and keep their order", strncmp(s,
	    "{\"s\":\"x\",\"n\":-42,\"r\":1.5,\"t\":true,\"f\":false,"
	    "\"z\":null,\"e\":\"\",\"a\":[0,1,2,", 50) == 0);
	free(s);
	test_cond("an array grows past its room", arr.n == 100 &&
	    arr.u.a[99].kind == TV_INT && arr.u.a[99].u.i == 99);

	got = tv_get(&o, "nope", 1);
	test_cond("a key's first bytes name it", got != NULL &&
	    got->kind == TV_INT && got->u.i == -42);
	test_cond("a missing key", tv_get(&o, "q", 1) == NULL);
	test_cond("not an object", tv_get(&arr, "s", 1) == NULL &&
	    tv_get(NULL, "s", 1) == NULL);

	tv_set(&a, &o, "s", tv_str("y"));
	tv_set(&a, &o, "new", tv_strcopy(&a, buf, 3));
	buf[0] = 'X';	/* a copy does not follow its source */
	tv_del(&o, "n");
	tv_del(&o, "absent");
	inner = tv_obj(&a, 0);
	tv_add(&a, &inner, "k", tv_strn("kv", 1));
	tv_set(&a, tv_at(&o, "z"), "never", tv_null());	/* not an object */
	tv_push(&a, tv_at(&o, "z"), tv_null());
	tv_set(&a, tv_at(&o, "absent"), "never", tv_null());
	*tv_at(&o, "z") = inner;
	s = dump(&o);
	test_streq("set replaces, adds at the end; del keeps the order", s,
	    "{\"s\":\"y\",\"r\":1.5,\"t\":true,\"f\":false,\"z\":{\"k\":"
	    "\"k\"},\"e\":\"\",\"a\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,"
	    "17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,"
	    "38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,"
	    "59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,"
	    "80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99],"
	    "\"new\":\"abc\"}");
	free(s);
	test_cond("tv_at of a missing key", tv_at(&o, "n") == NULL);
	tarena_release(&a);
}

int
main(void)
{
	test_arena();
	test_values();
	return test_done();
}
