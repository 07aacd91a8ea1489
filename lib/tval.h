/*
 * tval: the values templates read (lib/tmpl.h), made in an arena.
 *
 * A value is null, false, true, an integer, a real, a string, an array or
 * an object, as in JSON, and holds its items by value: making one is a
 * few stores into an arena and freeing them all is one call.  Strings are
 * not copied unless asked (tv_strcopy): a string value points at bytes
 * that must outlive it.  Objects keep their keys in the order they were
 * added and are searched from the front; keys are not copied either, and
 * are meant to be literals.
 *
 * Arrays and objects may grow while they are being made (tv_push,
 * tv_add); once a value is read (rendered, pinned or copied into
 * another) it must not change.  A copy of an array or object (a struct
 * assignment) shares its items: two copies are the same value, which a
 * memo recognises by the items' address (tmpl_memo_pin_tv).
 */
#ifndef KK_TVAL_H
#define KK_TVAL_H

#include <stddef.h>

#include <jansson.h>

enum tv_kind {
	TV_NULL = 0,
	TV_FALSE,
	TV_TRUE,
	TV_INT,
	TV_REAL,
	TV_STR,
	TV_ARR,
	TV_OBJ
};

struct tkv;

struct tval {
	enum tv_kind	 kind;
	size_t		 n;	/* bytes of a string, items of an array or object */
	size_t		 cap;	/* items there is room for */
	union {
		const char	*s;
		struct tval	*a;
		struct tkv	*o;
		long long	 i;
		double		 r;
	} u;
};

struct tkv {
	const char	*key;
	size_t		 klen;
	struct tval	 v;
};

/* Chunks of memory handed out in order and given back all at once. */
struct tarena {
	struct tchunk	*head;	/* the chunk being filled, then older ones */
	size_t		 used;	/* bytes taken from head */
};

#define TARENA_INIT	{ NULL, 0 }

void	 tarena_init(struct tarena *);
/* Give back everything but the first chunk, which is kept for reuse. */
void	 tarena_reset(struct tarena *);
void	 tarena_release(struct tarena *);
void	*tarena_alloc(struct tarena *, size_t);

struct tval	tv_null(void);
struct tval	tv_bool(int);
struct tval	tv_int(long long);
struct tval	tv_real(double);
/* A string of the n bytes at s (not copied); tv_str takes a C string,
 * NULL reading as "". */
struct tval	tv_strn(const char *s, size_t n);
struct tval	tv_str(const char *s);
/* The same, the bytes copied into the arena. */
struct tval	tv_strcopy(struct tarena *, const char *s, size_t n);
/* An empty array or object with room for cap items (more may follow). */
struct tval	tv_arr(struct tarena *, size_t cap);
struct tval	tv_obj(struct tarena *, size_t cap);

/* Append v to array a; nothing when a is NULL or not an array (nor, for
 * the three below, when o is not an object). */
void		tv_push(struct tarena *, struct tval *a, struct tval v);
/* Add key (a NUL-terminated string that outlives o) to object o without
 * looking for it first; tv_set replaces the key's value when o has it. */
void		tv_add(struct tarena *, struct tval *o, const char *key,
		    struct tval v);
void		tv_set(struct tarena *, struct tval *o, const char *key,
		    struct tval v);
/* Remove key from o, keeping the others' order. */
void		tv_del(struct tval *o, const char *key);
/* The value of the first klen bytes of key in o, or NULL (also when o is
 * not an object). */
const struct tval *tv_get(const struct tval *o, const char *key,
		    size_t klen);
/* The same for a value being made, by a NUL-terminated key. */
struct tval	*tv_at(struct tval *o, const char *key);

/* A JSON value of the same content, object keys in order. */
json_t		*tv_to_json(const struct tval *);

#endif
