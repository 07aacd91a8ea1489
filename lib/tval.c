#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tval.h"

/* Most of a page's data fits in one chunk; a bigger request gets a chunk
 * of its own size. */
#define CHUNK	(64 << 10)
#define ALIGN	alignof(max_align_t)

struct tchunk {
	struct tchunk	*next;	/* older */
	size_t		 size;	/* bytes in data */
	alignas(max_align_t) unsigned char data[];
};

void
tarena_init(struct tarena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
tarena_reset(struct tarena *a)
{
	struct tchunk *c, *next;

	if (a->head == NULL)
		return;
	for (c = a->head->next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head->next = NULL;
	a->used = 0;
}

void
tarena_release(struct tarena *a)
{
	tarena_reset(a);
	free(a->head);
	a->head = NULL;
}

/* No request comes near this but by a count gone wrong: out of memory,
 * as xmalloc() says of what malloc() refuses. */
#define TOO_BIG	(SIZE_MAX / 4)

static void
too_big(void)
{
	fputs("fatal: out of memory\n", stderr);
	abort();
}

void *
tarena_alloc(struct tarena *a, size_t n)
{
	struct tchunk *c;
	size_t size;
	void *p;

	if (n > TOO_BIG)
		too_big();
	n = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	if (a->head == NULL || a->head->size - a->used < n) {
		size = n > CHUNK ? n : CHUNK;
		c = xmalloc(offsetof(struct tchunk, data) + size);
		c->size = size;
		/* A chunk made for one big request goes behind the one being
		 * filled, which goes on being filled. */
		if (n > CHUNK && a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	p = a->head->data + a->used;
	a->used += n;
	return p;
}

struct tval
tv_null(void)
{
	struct tval v = { TV_NULL, 0, 0, { NULL } };

	return v;
}

struct tval
tv_bool(int b)
{
	struct tval v = { b ? TV_TRUE : TV_FALSE, 0, 0, { NULL } };

	return v;
}

struct tval
tv_int(long long i)
{
	struct tval v = { TV_INT, 0, 0, { NULL } };

	v.u.i = i;
	return v;
}

struct tval
tv_real(double r)
{
	struct tval v = { TV_REAL, 0, 0, { NULL } };

	v.u.r = r;
	return v;
}

struct tval
tv_strn(const char *s, size_t n)
{
	struct tval v = { TV_STR, 0, 0, { NULL } };

	v.n = n;
	v.u.s = n > 0 ? s : "";
	return v;
}

struct tval
tv_str(const char *s)
{
	return s != NULL ? tv_strn(s, strlen(s)) : tv_strn("", 0);
}

struct tval
tv_strcopy(struct tarena *a, const char *s, size_t n)
{
	char *d;

	if (n == 0)
		return tv_strn("", 0);
	d = tarena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return tv_strn(d, n);
}

/* Room for cap items of `size` bytes, or NULL for none. */
static void *
items_alloc(struct tarena *a, size_t cap, size_t size)
{
	if (cap == 0)
		return NULL;
	if (cap > TOO_BIG / size)
		too_big();
	return tarena_alloc(a, cap * size);
}

/* An empty array or object with room for cap items. */
static struct tval
container(struct tarena *a, enum tv_kind kind, size_t cap)
{
	struct tval v = { kind, 0, cap, { NULL } };

	if (kind == TV_ARR)
		v.u.a = items_alloc(a, cap, sizeof(*v.u.a));
	else
		v.u.o = items_alloc(a, cap, sizeof(*v.u.o));
	return v;
}

struct tval
tv_arr(struct tarena *a, size_t cap)
{
	return container(a, TV_ARR, cap);
}

struct tval
tv_obj(struct tarena *a, size_t cap)
{
	return container(a, TV_OBJ, cap);
}

/* Room for one more item of `size` bytes in the items at *items. */
static void
make_room(struct tarena *a, struct tval *v, void **items, size_t size)
{
	size_t cap;
	void *n;

	if (v->n < v->cap)
		return;
	cap = v->cap > 0 ? v->cap * 2 : 4;
	n = items_alloc(a, cap, size);
	if (v->n > 0)
		memcpy(n, *items, v->n * size);
	*items = n;
	v->cap = cap;
}

void
tv_push(struct tarena *a, struct tval *arr, struct tval v)
{
	void *items;

	if (arr == NULL || arr->kind != TV_ARR)
		return;
	items = arr->u.a;
	make_room(a, arr, &items, sizeof(*arr->u.a));
	arr->u.a = items;
	arr->u.a[arr->n++] = v;
}

void
tv_add(struct tarena *a, struct tval *o, const char *key, struct tval v)
{
	struct tkv *kv;
	void *items;

	if (o == NULL || o->kind != TV_OBJ)
		return;
	items = o->u.o;
	make_room(a, o, &items, sizeof(*o->u.o));
	o->u.o = items;
	kv = &o->u.o[o->n++];
	kv->key = key;
	kv->klen = strlen(key);
	kv->v = v;
}

static struct tkv *
find(const struct tval *o, const char *key, size_t klen)
{
	size_t i;

	if (o == NULL || o->kind != TV_OBJ)
		return NULL;
	/* The first byte tells most keys apart without a call. */
	for (i = 0; i < o->n; i++)
		if (o->u.o[i].klen == klen && (klen == 0 ||
		    (o->u.o[i].key[0] == key[0] &&
		    memcmp(o->u.o[i].key, key, klen) == 0)))
			return &o->u.o[i];
	return NULL;
}

void
tv_set(struct tarena *a, struct tval *o, const char *key, struct tval v)
{
	struct tkv *kv = find(o, key, strlen(key));

	if (kv != NULL)
		kv->v = v;
	else
		tv_add(a, o, key, v);
}

void
tv_del(struct tval *o, const char *key)
{
	struct tkv *kv = find(o, key, strlen(key));
	size_t i;

	if (kv == NULL)
		return;
	i = (size_t)(kv - o->u.o);
	memmove(kv, kv + 1, (o->n - i - 1) * sizeof(*kv));
	o->n--;
}

const struct tval *
tv_get(const struct tval *o, const char *key, size_t klen)
{
	const struct tkv *kv = find(o, key, klen);

	return kv != NULL ? &kv->v : NULL;
}

struct tval *
tv_at(struct tval *o, const char *key)
{
	struct tkv *kv = find(o, key, strlen(key));

	return kv != NULL ? &kv->v : NULL;
}

json_t *
tv_to_json(const struct tval *v)
{
	json_t *j;
	size_t i;

	switch (v->kind) {
	case TV_FALSE:
		return json_false();
	case TV_TRUE:
		return json_true();
	case TV_INT:
		return json_integer((json_int_t)v->u.i);
	case TV_REAL:
		return json_real(v->u.r);
	case TV_STR:
		return json_stringn(v->u.s, v->n);
	case TV_ARR:
		j = json_array();
		for (i = 0; i < v->n; i++)
			json_array_append_new(j, tv_to_json(&v->u.a[i]));
		return j;
	case TV_OBJ:
		j = json_object();
		for (i = 0; i < v->n; i++)
			json_object_setn_new(j, v->u.o[i].key,
			    v->u.o[i].klen, tv_to_json(&v->u.o[i].v));
		return j;
	default:
		return json_null();
	}
}
