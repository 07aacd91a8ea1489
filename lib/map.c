#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "map.h"

/* Keys are hashed eight bytes at a time: maps of thousands of paths
 * hash tens of bytes for each lookup. */
static size_t
key_hash(const char *s, size_t n)
{
	return (size_t)hash64(s, n, 0);
}

/*
 * Tables of this many bytes or more are mapped with their pages filled
 * in at once: a map of tens of thousands of keys otherwise takes a page
 * fault for each 4 KiB of its table as it fills, most of a one-page
 * rebuild's time in maps.
 */
#define MAP_POPULATE_MIN	(256u << 10)

/* A new table's slots: most maps are small (a page's heading ids). */
#define MAP_MIN_CAP		8

static struct map_slot *
table_new(struct map *m, size_t cap)
{
	size_t n = cap * sizeof(struct map_slot);
	void *t;

	m->mapped = 0;
	if (!KK_SANITIZED && n >= MAP_POPULATE_MIN && (t = xmap(n)) != NULL) {
		m->mapped = 1;
		return t;	/* zeroed */
	}
	return xcalloc(cap, sizeof(struct map_slot));
}

static void
table_free(struct map_slot *t, size_t cap, int mapped)
{
	if (mapped)
		xunmap(t, cap * sizeof(*t));
	else
		free(t);
}

void
map_release(struct map *m)
{
	size_t i;

	for (i = 0; i < m->cap && !m->borrowed; i++)
		free(m->slots[i].key);
	table_free(m->slots, m->cap, m->mapped);
	m->slots = NULL;
	m->cap = m->count = 0;
	m->mapped = 0;
}

static struct map_slot *
find(const struct map *m, const char *key, size_t klen, size_t h)
{
	size_t i, mask = m->cap - 1;

	for (i = h & mask;; i = (i + 1) & mask) {
		struct map_slot *s = &m->slots[i];

		if (s->key == NULL)
			return s;
		if (s->hash == h && s->klen == klen &&
		    memcmp(s->key, key, klen) == 0)
			return s;
	}
}

static void
resize(struct map *m, size_t cap)
{
	struct map_slot *old = m->slots;
	size_t i, ocap = m->cap;
	int omapped = m->mapped;

	m->cap = cap;
	m->slots = table_new(m, cap);
	for (i = 0; i < ocap; i++) {
		if (old[i].key == NULL)
			continue;
		*find(m, old[i].key, old[i].klen, old[i].hash) = old[i];
	}
	table_free(old, ocap, omapped);
}

static void
grow(struct map *m)
{
	resize(m, m->cap ? m->cap * 2 : MAP_MIN_CAP);
}

void
map_borrow_keys(struct map *m)
{
	assert(m->count == 0);
	m->borrowed = 1;
}

void
map_reserve(struct map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : MAP_MIN_CAP;

	/* The load factor map_add() keeps, for n more keys. */
	n += m->count;
	while ((n + 1) * 4 > cap * 3) {
		if (cap > SIZE_MAX / 4 / sizeof(*m->slots))
			return;		/* then growing as it goes */
		cap *= 2;
	}
	if (cap > m->cap)
		resize(m, cap);
}

/* The slot of `key`, added with `val` when new (*added set). */
static struct map_slot *
add(struct map *m, const char *key, size_t klen, void *val, int *added)
{
	struct map_slot *s;
	size_t h = key_hash(key, klen);

	/* Keep the load factor at most 3/4: a table of ten thousand paths
	 * is then 512 KiB, not 1 MiB, which a one-page rebuild fills in
	 * (the kernel zeroes it) several times over; linear probing still
	 * finds a key in two or three probes on average at that load. */
	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, key, klen, h);
	if ((*added = s->key == NULL)) {
		s->key = m->borrowed ? (char *)key : xstrndup(key, klen);
		s->klen = klen;
		s->hash = h;
		s->val = val;
		m->count++;
	}
	return s;
}

int
map_add(struct map *m, const char *key, size_t klen, void *val, void **oldp)
{
	int added;
	struct map_slot *s = add(m, key, klen, val, &added);

	if (added)
		return 0;
	if (oldp != NULL)
		*oldp = s->val;
	return -1;
}

void *
map_put(struct map *m, const char *key, size_t klen, void *val)
{
	int added;
	struct map_slot *s = add(m, key, klen, val, &added);
	void *old;

	if (added)
		return NULL;
	old = s->val;
	s->val = val;
	return old;
}

void *
map_get(const struct map *m, const char *key, size_t klen)
{
	struct map_slot *s;

	if (m->cap == 0)
		return NULL;
	s = find(m, key, klen, key_hash(key, klen));
	return s->key != NULL ? s->val : NULL;
}

void *
map_get_key(const struct map *m, const char *key, size_t klen,
    const char **stored)
{
	struct map_slot *s;

	*stored = NULL;
	if (m->cap == 0)
		return NULL;
	s = find(m, key, klen, key_hash(key, klen));
	*stored = s->key;
	return s->key != NULL ? s->val : NULL;
}

void *
map_gets(const struct map *m, const char *key)
{
	return map_get(m, key, strlen(key));
}
