/*
 * map: a string-keyed hash map (open addressing, hash64), for the lookups
 * that must stay linear in the number of pages: source paths, output
 * paths, heading ids.
 *
 * Keys are copied into the map; values are caller-owned pointers.
 * map_release() frees the keys and the table, not the values.  A map
 * marked with map_borrow_keys() while empty keeps the caller's keys
 * instead, which must then outlive it: for maps of tens of thousands of
 * keys that are in memory anyway (a file read whole, an array's paths).
 */
#ifndef KK_MAP_H
#define KK_MAP_H

#include <stddef.h>

struct map_slot {
	char	*key;	/* NULL when empty */
	size_t	 klen;
	size_t	 hash;
	void	*val;
};

struct map {
	struct map_slot	*slots;
	size_t		 cap;	/* power of two, or 0 */
	size_t		 count;
	int		 borrowed;	/* keys are the caller's */
	int		 mapped;	/* slots from mmap(), not malloc() */
};

#define MAP_INIT { NULL, 0, 0, 0, 0 }

void	 map_release(struct map *);
/* Insert or replace; returns the previous value or NULL. */
void	*map_put(struct map *, const char *key, size_t klen, void *val);
/* Insert only when absent: returns 0 when inserted, -1 when the key was
 * there already (and *old, when not NULL, is its value). */
int	 map_add(struct map *, const char *key, size_t klen, void *val,
	    void **old);
void	*map_get(const struct map *, const char *key, size_t klen);
/* The same, and the key as the map keeps it in *stored (NULL if absent). */
void	*map_get_key(const struct map *, const char *key, size_t klen,
	    const char **stored);
/* Make room for n more keys at once, rather than by doubling as they
 * come (each time rehashing all): for maps whose size is known. */
void	 map_reserve(struct map *, size_t n);
/* From now on keep the keys given, not copies (see above). */
void	 map_borrow_keys(struct map *);
/* NUL-terminated key conveniences. */
void	*map_gets(const struct map *, const char *key);

#endif
