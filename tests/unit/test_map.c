/*
 * test_map: lib/map.c against a plain array searched from end to end,
 * through every growth of the table (from 8 slots past 2^16, where the
 * tables are mapped rather than allocated), with keys that share long
 * prefixes, keys that are prefixes of one another, the empty key and
 * keys with NUL bytes; reserve() ahead of the keys and borrowed keys.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "test.h"

#define NKEYS	40000

struct ref {
	char	*key;
	size_t	 klen;
	void	*val;
};

static struct ref refs[NKEYS];

/* Key i: paths like the site's, some of them prefixes of others. */
static size_t
make_key(char *out, size_t i)
{
	switch (i % 4) {
	case 0:
		return (size_t)sprintf(out, "guide/p%05zu.md", i);
	case 1:
		return (size_t)sprintf(out, "guide/p%05zu", i - 1);
	case 2:
		return (size_t)sprintf(out, "news/%zu/index.html", i);
	default:
		/* A NUL inside: the length, not strlen, ends the key. */
		return (size_t)sprintf(out, "n%zu", i) + 1 +
		    (size_t)sprintf(out + strlen(out) + 1, "%zu", i % 7);
	}
}

static void *
ref_get(size_t n, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (refs[i].klen == klen && memcmp(refs[i].key, key, klen) == 0)
			return refs[i].val;
	return NULL;
}

/* Every key in refs[0..n) is found with its value, and a few that are
 * not there are not. */
static int
agrees(const struct map *m, size_t n)
{
	char k[64];
	size_t i, len;

	if (m->count != n)
		return 0;
	for (i = 0; i < n; i++)
		if (map_get(m, refs[i].key, refs[i].klen) != refs[i].val)
			return 0;
	for (i = n; i < n + 4 && i < NKEYS; i++) {
		len = make_key(k, i);
		if (map_get(m, k, len) != ref_get(n, k, len))
			return 0;
	}
	return map_get(m, "guide/p", 7) == NULL &&
	    map_get(m, "guide/p00000.mdx", 16) == NULL;
}

int
main(void)
{
	struct map m = MAP_INIT, r = MAP_INIT, b = MAP_INIT;
	char k[64];
	size_t i, next = 8;
	int ok = 1, grew = 1, order = 1;
	void *old;

	for (i = 0; i < NKEYS; i++) {
		refs[i].klen = make_key(k, i);
		refs[i].key = malloc(refs[i].klen);
		memcpy(refs[i].key, k, refs[i].klen);
		refs[i].val = (void *)(uintptr_t)(i + 1);
	}

	test_cond("an empty map finds nothing", map_get(&m, "a", 1) == NULL &&
	    map_gets(&m, "") == NULL);
	/* Each key added while checking the whole map at every size up to
	 * 600 and then at every power of two and either side of it, where
	 * the table grows. */
	for (i = 0; i < NKEYS; i++) {
		if (map_add(&m, refs[i].key, refs[i].klen, refs[i].val, NULL)
		    != 0)
			ok = 0;
		if (i + 1 < 600 || i + 2 == next || i + 1 == next ||
		    i == next) {
			ok &= agrees(&m, i + 1);
			if (i == next)
				next *= 2;
		}
		grew &= m.count * 4 <= m.cap * 3;
	}
	test_cond("every key found with its value, at every size", ok);
	test_cond("the table grows before it is three quarters full", grew);
	test_cond("all keys there at the end", agrees(&m, NKEYS));

	test_cond("map_add keeps the first value and says so",
	    map_add(&m, refs[5].key, refs[5].klen, (void *)1, &old) == -1 &&
	    old == refs[5].val && map_get(&m, refs[5].key, refs[5].klen) ==
	    refs[5].val && m.count == NKEYS);
	test_cond("map_put replaces and returns the old value",
	    map_put(&m, refs[6].key, refs[6].klen, (void *)3) == refs[6].val &&
	    map_get(&m, refs[6].key, refs[6].klen) == (void *)3 &&
	    m.count == NKEYS);
	test_cond("map_put of a new key returns NULL",
	    map_put(&m, "", 0, (void *)9) == NULL && map_get(&m, "", 0) ==
	    (void *)9 && m.count == NKEYS + 1);
	map_release(&m);
	test_cond("a released map is empty", m.count == 0 && m.cap == 0 &&
	    map_get(&m, refs[0].key, refs[0].klen) == NULL);

	/* Reserved ahead: no growth as the keys come, same answers. */
	map_reserve(&r, NKEYS);
	next = r.cap;
	for (i = 0; i < NKEYS; i++)
		(void)map_add(&r, refs[i].key, refs[i].klen, refs[i].val,
		    NULL);
	test_cond("map_reserve makes room for all the keys at once",
	    r.cap == next && r.count * 4 <= r.cap * 3);
	test_cond("a reserved map finds every key", agrees(&r, NKEYS));
	map_reserve(&r, 0);
	test_cond("map_reserve of nothing more changes nothing",
	    r.cap == next);
	map_release(&r);

	/* Borrowed keys: the map keeps the caller's pointers. */
	map_borrow_keys(&b);
	for (i = 0; i < 1000; i++)
		(void)map_add(&b, refs[i].key, refs[i].klen, refs[i].val,
		    NULL);
	for (i = 0; i < 1000; i++) {
		const char *stored;

		order &= map_get_key(&b, refs[i].key, refs[i].klen, &stored) ==
		    refs[i].val && stored == refs[i].key;
	}
	test_cond("a map of borrowed keys keeps the caller's keys", order);
	map_release(&b);

	for (i = 0; i < NKEYS; i++)
		free(refs[i].key);
	return test_done();
}
