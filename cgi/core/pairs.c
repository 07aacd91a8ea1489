#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pairs.h"
#include "upload.h"

void
pairs_init(struct pairs *p)
{
	p->v = NULL;
	p->n = p->cap = 0;
}

void
pairs_truncate(struct pairs *p, size_t n)
{
	while (p->n > n) {
		p->n--;
		free(p->v[p->n].name);
		free(p->v[p->n].val);
		upload_free(p->v[p->n].file);
	}
}

void
pairs_release(struct pairs *p)
{
	pairs_truncate(p, 0);
	free(p->v);
	pairs_init(p);
}

struct pair *
pairs_take(struct pairs *p, char *name, size_t namelen, char *val,
    size_t vallen, struct upload *file)
{
	struct pair *e;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	e = &p->v[p->n++];
	e->name = name;
	e->namelen = namelen;
	e->val = val;
	e->vallen = vallen;
	e->file = file;
	return e;
}

struct pair *
pairs_add(struct pairs *p, const char *name, size_t namelen,
    const char *val, size_t vallen)
{
	return pairs_take(p, xstrndup(name, namelen), namelen,
	    xstrndup(val, vallen), vallen, NULL);
}

const struct pair *
pairs_next(const struct pairs *p, const char *name, size_t *from)
{
	size_t len = strlen(name), i;

	for (i = *from; i < p->n; i++)
		if (p->v[i].namelen == len &&
		    memcmp(p->v[i].name, name, len) == 0) {
			*from = i + 1;
			return &p->v[i];
		}
	*from = p->n;
	return NULL;
}

const struct pair *
pairs_get(const struct pairs *p, const char *name)
{
	size_t from = 0;

	return pairs_next(p, name, &from);
}

const char *
pairs_value(const struct pairs *p, const char *name)
{
	const struct pair *e = pairs_get(p, name);

	return e != NULL ? e->val : NULL;
}

size_t
pairs_count(const struct pairs *p, const char *name)
{
	size_t from = 0, n = 0;

	while (pairs_next(p, name, &from) != NULL)
		n++;
	return n;
}
