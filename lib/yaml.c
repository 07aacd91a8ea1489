/*
 * yaml.c: a ynode tree from libyaml's event parser, or for the simplest
 * documents (most front matter) read directly, with the same result.
 *
 * The tree is built in one pass over the events with an explicit stack of
 * open collections (at most YAML_MAX_DEPTH), so no input can make this
 * code recurse deeper than the depth limit.  Every node is attached to
 * its parent as soon as it exists: on any error, freeing the root frees
 * everything.
 */
#include <assert.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>	/* libyaml; ours is "yaml.h" (found by -iquote) */

#include "buf.h"
#include "utf8.h"
#include "yaml.h"

/* ------------------------------------------------------------------ */
/* Positions                                                           */
/* ------------------------------------------------------------------ */

/*
 * libyaml's marks count code points from the start of the input, and
 * lines by YAML's rules (which include U+0085, U+2028 and U+2029); our
 * messages want the line an editor shows and the column in bytes.  A pass
 * over the input records where every POS_STEP-th code point starts, so a
 * mark converts by walking at most POS_STEP code points from there.
 */
#define POS_STEP	256

struct pos {
	size_t	 bi;		/* byte offset */
	size_t	 line;		/* 0-based editor line */
	size_t	 lstart;	/* byte offset where that line starts */
};

struct posmap {
	const unsigned char	*s;
	size_t			 n;
	struct pos		*cp;	/* cp[k]: code point k * POS_STEP */
	size_t			 ncp;
	size_t			 last_ci; /* the last conversion, since */
	struct pos		 last;	/* marks mostly move forward */
};

/* Step over the code point at p->bi, which is valid UTF-8: its length
 * is told by its first byte. */
static void
pos_step(const struct posmap *pm, struct pos *p)
{
	const unsigned char *s = pm->s;
	unsigned char b = s[p->bi];
	size_t k = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;

	if (s[p->bi] == '\n' ||
	    (s[p->bi] == '\r' && (p->bi + 1 == pm->n || s[p->bi + 1] != '\n'))) {
		p->line++;
		p->lstart = p->bi + 1;
	}
	p->bi += k;
}

/*
 * Check that the input is UTF-8 and record the checkpoints.  Returns 0,
 * or -1 with *bad at the first byte that does not decode.
 */
static int
posmap_init(struct posmap *pm, const char *s, size_t n, struct pos *bad)
{
	struct pos p = { 0, 0, 0 };
	size_t ci = 0, cap = n / POS_STEP + 1, off;

	pm->s = (const unsigned char *)s;
	pm->n = n;
	pm->cp = xreallocarray(NULL, cap, sizeof(pm->cp[0]));
	pm->ncp = 0;
	if (!utf8_valid(s, n, &off)) {
		while (p.bi < off)
			pos_step(pm, &p);
		*bad = p;
		return -1;
	}
	while (p.bi < n) {
		if (ci % POS_STEP == 0) {
			assert(pm->ncp < cap);
			pm->cp[pm->ncp++] = p;
		}
		pos_step(pm, &p);
		ci++;
	}
	if (pm->ncp == 0 || ci % POS_STEP == 0) {
		assert(pm->ncp < cap);
		pm->cp[pm->ncp++] = p;
	}
	return 0;
}

static void
posmap_free(struct posmap *pm)
{
	free(pm->cp);
	pm->cp = NULL;
	pm->ncp = 0;
}

/* Position of the code point with index ci (libyaml's mark.index). */
static struct pos
pos_of_char(struct posmap *pm, size_t ci)
{
	size_t k = ci / POS_STEP, steps;
	struct pos p;

	if (pm->ncp == 0) {
		p.bi = p.line = p.lstart = 0;
		return p;
	}
	if (k >= pm->ncp)
		k = pm->ncp - 1;
	p = pm->cp[k];
	steps = ci - k * POS_STEP;
	if (ci >= pm->last_ci && ci - pm->last_ci < steps) {
		p = pm->last;
		steps = ci - pm->last_ci;
	}
	while (steps-- > 0 && p.bi < pm->n)
		pos_step(pm, &p);
	pm->last_ci = ci;
	pm->last = p;
	return p;
}

/* Position of byte offset off (libyaml's reader errors count bytes). */
static struct pos
pos_of_byte(const struct posmap *pm, size_t off)
{
	size_t lo = 0, hi = pm->ncp, mid;
	struct pos p;

	if (pm->ncp == 0) {
		p.bi = p.line = p.lstart = 0;
		return p;
	}
	/* The last checkpoint at or before off. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (pm->cp[mid].bi <= off)
			lo = mid;
		else
			hi = mid;
	}
	p = pm->cp[lo];
	while (p.bi < off && p.bi < pm->n) {
		struct pos q = p;

		pos_step(pm, &q);
		if (q.bi > off)
			break;
		p = q;
	}
	return p;
}

/* ------------------------------------------------------------------ */
/* A small string-keyed hash table                                     */
/* ------------------------------------------------------------------ */

/*
 * Open addressing over (ptr, len) keys that the caller keeps alive; used
 * for the keys of each open mapping and for anchor names, so that
 * neither a mapping of many keys nor many aliases costs quadratic time.
 */
struct hent {
	const char	*s;
	size_t		 n;
	size_t		 val;	/* 0: empty slot */
};

struct htab {
	struct hent	*e;
	size_t		 cap;	/* a power of two, or 0 */
	size_t		 used;
};

static size_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static struct hent *
htab_slot(const struct htab *t, const char *s, size_t n)
{
	size_t i = hash_bytes(s, n) & (t->cap - 1);

	while (t->e[i].val != 0 &&
	    (t->e[i].n != n || memcmp(t->e[i].s, s, n) != 0))
		i = (i + 1) & (t->cap - 1);
	return &t->e[i];
}

static size_t
htab_get(const struct htab *t, const char *s, size_t n)
{
	if (t->cap == 0)
		return 0;
	return htab_slot(t, s, n)->val;
}

/* Map (s, n) to val (not 0), replacing an earlier value. */
static void
htab_set(struct htab *t, const char *s, size_t n, size_t val)
{
	struct htab nt;
	struct hent *e;
	size_t i;

	assert(val != 0);
	if ((t->used + 1) * 2 > t->cap) {
		nt.cap = t->cap ? t->cap * 2 : 16;
		nt.used = t->used;
		nt.e = xcalloc(nt.cap, sizeof(nt.e[0]));
		for (i = 0; i < t->cap; i++)
			if (t->e[i].val != 0)
				*htab_slot(&nt, t->e[i].s, t->e[i].n) = t->e[i];
		free(t->e);
		*t = nt;
	}
	e = htab_slot(t, s, n);
	if (e->val == 0)
		t->used++;
	e->s = s;
	e->n = n;
	e->val = val;
}

static void
htab_free(struct htab *t)
{
	free(t->e);
	t->e = NULL;
	t->cap = t->used = 0;
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

void
ynode_free(struct ynode *y)
{
	size_t i;

	if (y == NULL)
		return;
	for (i = 0; i < y->n; i++) {
		if (y->keys != NULL)
			ynode_free(y->keys[i]);
		if (y->items != NULL)
			ynode_free(y->items[i]);
	}
	free(y->keys);
	free(y->items);
	free(y->str);
	free(y);
}

/*
 * Make room for item y->n.  Collections being built grow by doubling;
 * the capacity is implied by n (4, then the next power of two).
 */
static void
ynode_reserve(struct ynode *y)
{
	size_t cap;

	if (y->n == 0)
		cap = 4;
	else if (y->n >= 4 && (y->n & (y->n - 1)) == 0)
		cap = y->n * 2;
	else
		return;
	y->items = xreallocarray(y->items, cap, sizeof(y->items[0]));
	if (y->kind == YNODE_MAP)
		y->keys = xreallocarray(y->keys, cap, sizeof(y->keys[0]));
}

/* A deep copy; the caller has checked the budgets. */
static struct ynode *
ynode_copy(const struct ynode *y)
{
	struct ynode *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->kind = y->kind;
	c->line = y->line;
	c->col = y->col;
	c->len = y->len;
	c->plain = y->plain;
	c->n = y->n;
	if (y->str != NULL)
		c->str = xstrndup(y->str, y->len);
	if (y->n > 0) {
		c->items = xcalloc(y->n, sizeof(c->items[0]));
		if (y->kind == YNODE_MAP)
			c->keys = xcalloc(y->n, sizeof(c->keys[0]));
	}
	for (i = 0; i < y->n; i++) {
		c->items[i] = ynode_copy(y->items[i]);
		if (c->keys != NULL)
			c->keys[i] = ynode_copy(y->keys[i]);
	}
	return c;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

struct anchor {
	char		*name;
	struct ynode	*node;		/* owned by the tree */
	int		 done;		/* node complete: aliases may copy it */
	size_t		 nodes;		/* nodes in the subtree */
	size_t		 bytes;		/* scalar bytes in the subtree */
	size_t		 height;	/* collection levels in the subtree */
};

/* An open sequence or mapping. */
struct frame {
	struct ynode	*node;
	size_t		 anchor;	/* index + 1 in ctx.anchors, or 0 */
	size_t		 nodes0;	/* ctx.nodes before this node */
	size_t		 bytes0;	/* ctx.bytes before this node */
	size_t		 height;	/* greatest height of a child */
	int		 want_value;	/* mapping: a key was read */
	struct htab	 keys;		/* mapping: key text -> index + 1 */
};

struct ctx {
	const char	*file;
	size_t		 first_line;
	struct buf	*err;
	struct posmap	 pm;
	struct ynode	*root;
	struct frame	 stack[YAML_MAX_DEPTH];
	size_t		 depth;
	struct anchor	*anchors;
	size_t		 nanchors;
	size_t		 anchors_cap;
	struct htab	 names;		/* anchor name -> index + 1 */
	size_t		 nodes;		/* nodes in the tree */
	size_t		 bytes;		/* scalar bytes in the tree */
	size_t		 copied;	/* scalar bytes copied for aliases */
	int		 docs;
};

static void	errat(struct ctx *, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static void
errat(struct ctx *c, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	if (c->err == NULL)
		return;
	buf_printf(c->err, "%s:%zu:%zu: ", c->file, line, col);
	va_start(ap, fmt);
	buf_vprintf(c->err, fmt, ap);
	va_end(ap);
}

static size_t
pos_line(const struct ctx *c, struct pos p)
{
	return c->first_line + p.line;
}

static size_t
pos_col(struct pos p)
{
	return p.bi - p.lstart + 1;
}

/*
 * Append text from the document for a message: at most 60 bytes (cut at
 * a character boundary), control characters shown as '?'.
 */
static void
put_excerpt(struct buf *b, const char *s, size_t n)
{
	size_t i, k, max = 60;
	uint32_t cp;

	for (i = 0; i < n; i += k) {
		if (i >= max) {
			BUF_PUTSL(b, "...");
			return;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			k = 1;
			buf_putc(b, '?');
		} else if (cp < 0x20 || cp == 0x7f)
			buf_putc(b, '?');
		else
			buf_add(b, s + i, k);
	}
}

/* A message that quotes document text (a key, an anchor name). */
static void
errat_text(struct ctx *c, size_t line, size_t col, const char *before,
    const char *s, size_t n, const char *after)
{
	if (c->err == NULL)
		return;
	errat(c, line, col, "%s", before);
	put_excerpt(c->err, s, n);
	buf_puts(c->err, after);
}

static struct ynode *
node_new(struct ctx *c, enum ynode_kind kind, const yaml_mark_t *m)
{
	struct pos p = pos_of_char(&c->pm, m->index);
	struct ynode *y;

	if (c->nodes >= YAML_MAX_NODES) {
		errat(c, pos_line(c, p), pos_col(p),
		    "document has more than %d nodes", YAML_MAX_NODES);
		return NULL;
	}
	c->nodes++;
	y = xcalloc(1, sizeof(*y));
	y->kind = kind;
	y->line = pos_line(c, p);
	y->col = pos_col(p);
	return y;
}

static const char *
kind_name(enum ynode_kind k)
{
	return k == YNODE_MAP ? "mapping" : k == YNODE_SEQ ? "sequence" :
	    "scalar";
}

/*
 * Attach y to the open collection (or make it the root).  Takes y: on
 * failure (a non-scalar or duplicate key) y is freed.
 */
static int
attach(struct ctx *c, struct ynode *y)
{
	struct frame *f;
	struct ynode *p;
	size_t dup;

	if (c->depth == 0) {
		assert(c->root == NULL);
		c->root = y;
		return 0;
	}
	f = &c->stack[c->depth - 1];
	p = f->node;
	if (p->kind == YNODE_SEQ) {
		ynode_reserve(p);
		p->items[p->n++] = y;
		return 0;
	}
	if (f->want_value) {
		assert(p->n > 0 && p->items[p->n - 1] == NULL);
		p->items[p->n - 1] = y;
		f->want_value = 0;
		return 0;
	}
	if (y->kind != YNODE_SCALAR) {
		errat(c, y->line, y->col,
		    "mapping key is a %s; keys must be scalars",
		    kind_name(y->kind));
		ynode_free(y);
		return -1;
	}
	if ((dup = htab_get(&f->keys, y->str, y->len)) != 0) {
		errat_text(c, y->line, y->col, "duplicate key '", y->str,
		    y->len, "'");
		if (c->err != NULL)
			buf_printf(c->err, " (first at line %zu)",
			    p->keys[dup - 1]->line);
		ynode_free(y);
		return -1;
	}
	ynode_reserve(p);
	p->keys[p->n] = y;
	p->items[p->n] = NULL;
	p->n++;
	htab_set(&f->keys, y->str, y->len, p->n);
	f->want_value = 1;
	return 0;
}

static void
note_height(struct ctx *c, size_t h)
{
	struct frame *f;

	if (c->depth == 0)
		return;
	f = &c->stack[c->depth - 1];
	if (h > f->height)
		f->height = h;
}

/* Record an anchor for y (complete unless it is a collection just
 * opened); returns its index + 1. */
static size_t
anchor_add(struct ctx *c, const yaml_char_t *name, struct ynode *y,
    int done)
{
	struct anchor *a;

	if (c->nanchors == c->anchors_cap) {
		c->anchors_cap = c->anchors_cap ? c->anchors_cap * 2 : 16;
		c->anchors = xreallocarray(c->anchors, c->anchors_cap,
		    sizeof(c->anchors[0]));
	}
	a = &c->anchors[c->nanchors++];
	a->name = xstrdup((const char *)name);
	a->node = y;
	a->done = done;
	a->nodes = 1;
	a->bytes = y->len;
	a->height = 0;
	htab_set(&c->names, a->name, strlen(a->name), c->nanchors);
	return c->nanchors;
}

/* 1 when a scalar's tag asks for a string (!!str, or the bare "!"). */
static int
tag_is_str(const yaml_char_t *tag)
{
	return tag != NULL && (strcmp((const char *)tag, "!") == 0 ||
	    strcmp((const char *)tag, YAML_STR_TAG) == 0);
}

static int
on_scalar(struct ctx *c, const yaml_event_t *ev)
{
	struct ynode *y;

	if ((y = node_new(c, YNODE_SCALAR, &ev->start_mark)) == NULL)
		return -1;
	y->len = ev->data.scalar.length;
	y->str = xstrndup((const char *)ev->data.scalar.value, y->len);
	y->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !tag_is_str(ev->data.scalar.tag);
	c->bytes += y->len;
	if (attach(c, y) == -1)
		return -1;
	if (ev->data.scalar.anchor != NULL)
		anchor_add(c, ev->data.scalar.anchor, y, 1);
	return 0;
}

static int
on_start(struct ctx *c, const yaml_event_t *ev, enum ynode_kind kind)
{
	const yaml_char_t *anchor;
	struct frame *f;
	struct ynode *y;
	struct pos p;
	size_t nodes0 = c->nodes, bytes0 = c->bytes;

	if (c->depth >= YAML_MAX_DEPTH) {
		p = pos_of_char(&c->pm, ev->start_mark.index);
		errat(c, pos_line(c, p), pos_col(p),
		    "nesting deeper than %d levels", YAML_MAX_DEPTH);
		return -1;
	}
	if ((y = node_new(c, kind, &ev->start_mark)) == NULL)
		return -1;
	if (attach(c, y) == -1)
		return -1;
	anchor = kind == YNODE_MAP ? ev->data.mapping_start.anchor :
	    ev->data.sequence_start.anchor;
	f = &c->stack[c->depth++];
	memset(f, 0, sizeof(*f));
	f->node = y;
	f->nodes0 = nodes0;
	f->bytes0 = bytes0;
	if (anchor != NULL)
		f->anchor = anchor_add(c, anchor, y, 0);
	return 0;
}

static void
on_end(struct ctx *c)
{
	struct frame *f;
	struct anchor *a;
	size_t h;

	assert(c->depth > 0);
	f = &c->stack[--c->depth];
	assert(!f->want_value);
	h = f->height + 1;
	if (f->anchor != 0) {
		a = &c->anchors[f->anchor - 1];
		a->done = 1;
		a->nodes = c->nodes - f->nodes0;
		a->bytes = c->bytes - f->bytes0;
		a->height = h;
	}
	htab_free(&f->keys);
	note_height(c, h);
}

static int
on_alias(struct ctx *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t nlen = strlen(name), i, line, col;
	struct anchor *a;
	struct ynode *y;
	struct pos p;

	p = pos_of_char(&c->pm, ev->start_mark.index);
	line = pos_line(c, p);
	col = pos_col(p);
	if ((i = htab_get(&c->names, name, nlen)) == 0) {
		errat_text(c, line, col, "alias '*", name, nlen,
		    "' refers to no anchor before it");
		return -1;
	}
	a = &c->anchors[i - 1];
	if (!a->done) {
		errat_text(c, line, col, "alias '*", name, nlen,
		    "' is inside the node it refers to");
		return -1;
	}
	if (a->nodes > YAML_MAX_NODES - c->nodes) {
		errat_text(c, line, col, "alias '*", name, nlen, "'");
		if (c->err != NULL)
			buf_printf(c->err, " expands the document past %d "
			    "nodes", YAML_MAX_NODES);
		return -1;
	}
	if (a->bytes > YAML_MAX_ALIAS_BYTES - c->copied) {
		errat_text(c, line, col, "alias '*", name, nlen, "'");
		if (c->err != NULL)
			buf_printf(c->err, " expands past %u bytes of copied "
			    "text", YAML_MAX_ALIAS_BYTES);
		return -1;
	}
	if (a->height > YAML_MAX_DEPTH - c->depth) {
		errat_text(c, line, col, "alias '*", name, nlen, "'");
		if (c->err != NULL)
			buf_printf(c->err, " nests deeper than %d levels",
			    YAML_MAX_DEPTH);
		return -1;
	}
	y = ynode_copy(a->node);
	y->line = line;
	y->col = col;
	c->nodes += a->nodes;
	c->bytes += a->bytes;
	c->copied += a->bytes;
	if (attach(c, y) == -1)
		return -1;
	note_height(c, a->height);
	return 0;
}

/* A message for libyaml's error, at the problem's position. */
static void
libyaml_error(struct ctx *c, const yaml_parser_t *yp)
{
	const char *problem = yp->problem ? yp->problem : "syntax error";
	struct pos p, q;

	switch (yp->error) {
	case YAML_MEMORY_ERROR:
		p = pos_of_char(&c->pm, yp->mark.index);
		errat(c, pos_line(c, p), pos_col(p), "out of memory");
		return;
	case YAML_READER_ERROR:
		/* Reader errors count bytes, not characters. */
		p = pos_of_byte(&c->pm, yp->problem_offset);
		errat(c, pos_line(c, p), pos_col(p), "%s", problem);
		if (c->err != NULL && yp->problem_value != -1)
			buf_printf(c->err, " (U+%04X)",
			    (unsigned)yp->problem_value);
		return;
	default:
		break;
	}
	p = pos_of_char(&c->pm, yp->problem_mark.index);
	errat(c, pos_line(c, p), pos_col(p), "%s", problem);
	if (c->err == NULL)
		return;
	if (yp->context != NULL) {
		q = pos_of_char(&c->pm, yp->context_mark.index);
		if (q.bi == p.bi)
			buf_printf(c->err, " (%s)", yp->context);
		else
			buf_printf(c->err, " (%s at line %zu, column %zu)",
			    yp->context, pos_line(c, q), pos_col(q));
	}
	/* libyaml's message for a tab where indentation is expected does
	 * not say "tab"; the editor needs to know. */
	if (p.bi < c->pm.n && c->pm.s[p.bi] == '\t' &&
	    strstr(problem, "tab") == NULL)
		BUF_PUTSL(c->err, "; a tab cannot indent YAML, use spaces");
}

/* ------------------------------------------------------------------ */
/* The common case, read directly                                      */
/* ------------------------------------------------------------------ */

/*
 * Nearly every document gen reads is front matter of a few lines: a
 * mapping of plain keys at the left margin to one-line values, each a
 * plain scalar, a quoted one without escapes, or a flow sequence of
 * those.  libyaml takes tens of thousands of instructions over such a
 * document; this reads it in one pass and gives the very tree the events
 * give, positions included.  At the first thing outside that shape (a
 * tab, an indented line, a comment after a value, an escape, a key twice,
 * any character YAML treats specially) it gives up, and the document goes
 * through libyaml, which also words any error.  The unit tests and
 * fuzz_yaml check that both ways give the same tree.
 */
#define FAST_MAX_KEYS	32
#define FAST_MAX_KEY	256	/* bytes; libyaml's simple keys stop at 1024 */
#define FAST_MAX_ITEMS	64	/* in a sequence */

struct fast {
	const unsigned char	*s;
	size_t			 n;
	size_t			 i;	/* the next byte */
	size_t			 line;	/* file line of byte i */
	size_t			 lstart; /* where that line starts */
};

/*
 * 1 when every character is one the reader takes as it is: printable
 * ASCII, LF, or a character from U+00A0 up other than those YAML gives a
 * meaning (the line and paragraph separators, the byte-order mark) or
 * refuses (U+FFFE, U+FFFF).  The input is valid UTF-8.
 */
static int
fast_chars_ok(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char b = s[i];

		if (b >= 0x20 && b < 0x7f)
			continue;
		if (b == '\n')
			continue;
		if (b < 0x80)
			return 0;	/* a control character, tab or CR */
		if (b == 0xc2 && s[i + 1] < 0xa0)
			return 0;	/* C1 controls, U+0085 among them */
		if (b == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
			return 0;
		if (b == 0xef && ((s[i + 1] == 0xbb && s[i + 2] == 0xbf) ||
		    (s[i + 1] == 0xbf && s[i + 2] >= 0xbe)))
			return 0;
		i += b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
	}
	return 1;
}

static struct ynode *
fast_node(struct fast *f, enum ynode_kind kind, size_t at)
{
	struct ynode *y = xcalloc(1, sizeof(*y));

	y->kind = kind;
	y->line = f->line;
	y->col = at - f->lstart + 1;
	return y;
}

static struct ynode *
fast_scalar(struct fast *f, size_t at, size_t from, size_t to, int plain)
{
	struct ynode *y = fast_node(f, YNODE_SCALAR, at);

	y->len = to - from;
	y->str = xstrndup((const char *)f->s + from, y->len);
	y->plain = plain;
	return y;
}

static void
fast_spaces(struct fast *f)
{
	while (f->i < f->n && f->s[f->i] == ' ')
		f->i++;
}

/* At the end of a line (or of the input) after spaces; steps past it. */
static int
fast_eol(struct fast *f)
{
	fast_spaces(f);
	if (f->i == f->n)
		return 1;
	if (f->s[f->i] != '\n')
		return 0;
	f->i++;
	f->line++;
	f->lstart = f->i;
	return 1;
}

/* A character that may not start a plain scalar (YAML's indicators). */
static int
fast_indicator(unsigned char c)
{
	return c == ' ' || strchr("-?:,[]{}#&*!|>'\"%@`", c) != NULL;
}

/* A quoted scalar on one line, with no escape: NULL if it is not. */
static struct ynode *
fast_quoted(struct fast *f)
{
	unsigned char q = f->s[f->i];
	size_t at = f->i, j;

	for (j = at + 1; j < f->n && f->s[j] != q; j++)
		if (f->s[j] == '\n' || f->s[j] == '\\')
			return NULL;
	/* Unclosed, or '' (a single quote, in single quotes). */
	if (j == f->n || (j + 1 < f->n && f->s[j + 1] == q))
		return NULL;
	f->i = j + 1;
	return fast_scalar(f, at, at + 1, j, 0);
}

/*
 * A plain scalar running to the end of the line, or in a flow sequence
 * to the next ',' or ']'.  Anything that would end it early or mean
 * something (": ", " #", a flow indicator in a sequence) is a refusal.
 */
static struct ynode *
fast_plain(struct fast *f, int flow)
{
	size_t at = f->i, j, end;
	unsigned char c;

	if (at == f->n || f->s[at] == '\n' || fast_indicator(f->s[at]))
		return NULL;
	for (j = at; j < f->n && f->s[j] != '\n'; j++) {
		c = f->s[j];
		if (flow && (c == ',' || c == ']'))
			break;
		if (c == '#' && f->s[j - 1] == ' ')
			return NULL;
		if (c == ':' && (j + 1 == f->n || f->s[j + 1] == ' ' ||
		    f->s[j + 1] == '\n'))
			return NULL;
		if (flow && strchr("[]{}:#'\"", c) != NULL)
			return NULL;
	}
	for (end = j; f->s[end - 1] == ' '; end--)
		;
	f->i = j;
	return fast_scalar(f, at, at, end, 1);
}

/* A flow sequence on one line: "[a, b]" or "[]". */
static struct ynode *
fast_seq(struct fast *f)
{
	struct ynode *seq = fast_node(f, YNODE_SEQ, f->i), *y;
	struct ynode *v[FAST_MAX_ITEMS];
	size_t n = 0, k;

	f->i++;
	fast_spaces(f);
	if (f->i < f->n && f->s[f->i] == ']') {
		f->i++;
		return seq;
	}
	for (;;) {
		if (f->i == f->n || n == FAST_MAX_ITEMS)
			goto fail;
		y = f->s[f->i] == '"' || f->s[f->i] == '\'' ? fast_quoted(f) :
		    fast_plain(f, 1);
		if (y == NULL)
			goto fail;
		v[n++] = y;
		fast_spaces(f);
		if (f->i < f->n && f->s[f->i] == ']')
			break;
		if (f->i == f->n || f->s[f->i] != ',')
			goto fail;
		f->i++;
		fast_spaces(f);
	}
	f->i++;
	seq->n = n;
	seq->items = xreallocarray(NULL, n, sizeof(seq->items[0]));
	memcpy(seq->items, v, n * sizeof(v[0]));
	return seq;
fail:
	for (k = 0; k < n; k++)
		ynode_free(v[k]);
	ynode_free(seq);
	return NULL;
}

/* The value after "key:", the spaces after the colon skipped. */
static struct ynode *
fast_value(struct fast *f, size_t colon)
{
	unsigned char c;

	if (f->i == f->n || f->s[f->i] == '\n')
		return fast_scalar(f, colon + 1, 0, 0, 1);	/* empty */
	c = f->s[f->i];
	if (c == '"' || c == '\'')
		return fast_quoted(f);
	if (c == '[')
		return fast_seq(f);
	return fast_plain(f, 0);
}

static int
fast_key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* The tree of a document of the simple shape, or NULL. */
static struct ynode *
fast_load(const char *src, size_t len, size_t first_line)
{
	struct fast f = { (const unsigned char *)src, len, 0, first_line, 0 };
	struct ynode *keys[FAST_MAX_KEYS], *vals[FAST_MAX_KEYS];
	struct ynode *map = NULL, *k, *v;
	size_t n = 0, i, at, colon;

	if (len == 0 || !utf8_valid(src, len, NULL) ||
	    !fast_chars_ok(f.s, len))
		return NULL;
	while (f.i < f.n) {
		/* Blank lines, and comments from the margin. */
		if (f.s[f.i] == '#')
			while (f.i < f.n && f.s[f.i] != '\n')
				f.i++;
		if (f.i == f.n)
			break;
		if (f.s[f.i] == ' ' || f.s[f.i] == '\n') {
			if (!fast_eol(&f))
				goto fail;
			continue;
		}
		at = f.i;
		if (f.s[at] == '-' || n == FAST_MAX_KEYS)
			goto fail;
		while (f.i < f.n && f.i - at <= FAST_MAX_KEY &&
		    fast_key_char(f.s[f.i]))
			f.i++;
		colon = f.i;
		if (colon == at || colon - at > FAST_MAX_KEY || colon == f.n ||
		    f.s[colon] != ':' || (colon + 1 < f.n &&
		    f.s[colon + 1] != ' ' && f.s[colon + 1] != '\n'))
			goto fail;
		for (i = 0; i < n; i++)
			if (keys[i]->len == colon - at &&
			    memcmp(keys[i]->str, f.s + at, colon - at) == 0)
				goto fail;	/* libyaml words it */
		if (map == NULL)
			map = fast_node(&f, YNODE_MAP, at);
		k = fast_scalar(&f, at, at, colon, 1);
		f.i = colon + 1;
		fast_spaces(&f);
		if ((v = fast_value(&f, colon)) == NULL) {
			ynode_free(k);
			goto fail;
		}
		keys[n] = k;
		vals[n++] = v;
		if (!fast_eol(&f))
			goto fail;
	}
	if (map == NULL)
		return NULL;
	map->n = n;
	map->keys = xreallocarray(NULL, n, sizeof(map->keys[0]));
	map->items = xreallocarray(NULL, n, sizeof(map->items[0]));
	memcpy(map->keys, keys, n * sizeof(keys[0]));
	memcpy(map->items, vals, n * sizeof(vals[0]));
	return map;
fail:
	for (i = 0; i < n; i++) {
		ynode_free(keys[i]);
		ynode_free(vals[i]);
	}
	ynode_free(map);
	return NULL;
}

/* yaml_load(), directly when `direct` and the document allows. */
static struct ynode *
load(const char *src, size_t len, const char *file, size_t first_line,
    struct buf *err, int direct)
{
	struct ctx c;
	yaml_parser_t yp;
	yaml_event_t ev;
	struct ynode *root = NULL, *y;
	struct pos p;
	int parser = 0, done = 0, rc = -1;
	size_t i, errlen = err != NULL ? err->len : 0;

	memset(&c, 0, sizeof(c));
	c.file = file != NULL ? file : "<input>";
	c.first_line = first_line > 0 ? first_line : 1;
	c.err = err;
	if (src == NULL)
		len = 0;
	/* libyaml is told the input is UTF-8, so it would read a byte-order
	 * mark as a character in column 1 and misjudge indentation. */
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0) {
		src += 3;
		len -= 3;
	}
	if (direct && (root = fast_load(src, len, c.first_line)) != NULL)
		return root;
	if (posmap_init(&c.pm, src, len, &p) == -1) {
		errat(&c, pos_line(&c, p), pos_col(p),
		    "invalid UTF-8 (byte 0x%02X); the file must be UTF-8",
		    (unsigned char)src[p.bi]);
		goto out;
	}
	if (!yaml_parser_initialize(&yp)) {
		errat(&c, c.first_line, 1, "out of memory");
		goto out;
	}
	parser = 1;
	yaml_parser_set_encoding(&yp, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&yp, (const unsigned char *)(len ? src :
	    ""), len);

	while (!done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			libyaml_error(&c, &yp);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++c.docs > 1) {
				p = pos_of_char(&c.pm, ev.start_mark.index);
				errat(&c, pos_line(&c, p), pos_col(p),
				    "more than one document; only one is "
				    "allowed");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SCALAR_EVENT:
			if (on_scalar(&c, &ev) == -1) {
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (on_start(&c, &ev,
			    ev.type == YAML_MAPPING_START_EVENT ?
			    YNODE_MAP : YNODE_SEQ) == -1) {
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(&c);
			break;
		case YAML_ALIAS_EVENT:
			if (on_alias(&c, &ev) == -1) {
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	assert(c.depth == 0);

	/* No document, or one with no content: an empty mapping. */
	y = c.root;
	if (y == NULL || (y->kind == YNODE_SCALAR && y->plain && y->len == 0)) {
		c.root = xcalloc(1, sizeof(*c.root));
		c.root->kind = YNODE_MAP;
		c.root->line = y != NULL ? y->line : c.first_line;
		c.root->col = y != NULL ? y->col : 1;
		ynode_free(y);
	}
	root = c.root;
	c.root = NULL;
	rc = 0;
out:
	if (parser)
		yaml_parser_delete(&yp);
	for (i = 0; i < c.depth; i++)
		htab_free(&c.stack[i].keys);
	for (i = 0; i < c.nanchors; i++)
		free(c.anchors[i].name);
	free(c.anchors);
	htab_free(&c.names);
	posmap_free(&c.pm);
	ynode_free(c.root);
	if (rc == -1 && err != NULL && err->len > errlen)
		buf_putc(err, '\n');
	return rc == 0 ? root : NULL;
}

struct ynode *
yaml_load(const char *src, size_t len, const char *file, size_t first_line,
    struct buf *err)
{
	return load(src, len, file, first_line, err, 1);
}

struct ynode *
yaml_load_libyaml(const char *src, size_t len, const char *file,
    size_t first_line, struct buf *err)
{
	return load(src, len, file, first_line, err, 0);
}

int
ynode_equal(const struct ynode *a, const struct ynode *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->col != b->col ||
	    a->len != b->len || a->plain != b->plain || a->n != b->n ||
	    (a->str == NULL) != (b->str == NULL) ||
	    (a->str != NULL && memcmp(a->str, b->str, a->len + 1) != 0))
		return 0;
	for (i = 0; i < a->n; i++)
		if ((a->keys != NULL && !ynode_equal(a->keys[i], b->keys[i])) ||
		    !ynode_equal(a->items[i], b->items[i]))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

static int
text_is(const struct ynode *y, const char *s)
{
	size_t n = strlen(s);

	return y->len == n && memcmp(y->str, s, n) == 0;
}

static int
text_is_any(const struct ynode *y, const char *a, const char *b,
    const char *c)
{
	return text_is(y, a) || text_is(y, b) || text_is(y, c);
}

const struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || key == NULL || map->kind != YNODE_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (text_is(map->keys[i], key))
			return map->items[i];
	return NULL;
}

int
ynode_is_null(const struct ynode *y)
{
	if (y == NULL)
		return 1;
	return y->kind == YNODE_SCALAR && y->plain && (y->len == 0 ||
	    text_is(y, "~") || text_is_any(y, "null", "Null", "NULL"));
}

/* The YAML 1.2 core schema's booleans: 1, 0, or -1 for anything else. */
static int
core_bool(const struct ynode *y)
{
	if (y->kind != YNODE_SCALAR || !y->plain)
		return -1;
	if (text_is_any(y, "true", "True", "TRUE"))
		return 1;
	if (text_is_any(y, "false", "False", "FALSE"))
		return 0;
	return -1;
}

static int
digit_val(int ch, unsigned base)
{
	int d;

	if (ch >= '0' && ch <= '9')
		d = ch - '0';
	else if (ch >= 'a' && ch <= 'f')
		d = ch - 'a' + 10;
	else if (ch >= 'A' && ch <= 'F')
		d = ch - 'A' + 10;
	else
		return -1;
	return (unsigned)d < base ? d : -1;
}

/*
 * The core schema's integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ (or
 * only the first when decimal_only).  Returns 0 with *out set, 1 for an
 * integer out of range, -1 for text that is not an integer.
 */
static int
core_int(const char *s, size_t n, int decimal_only, long long *out)
{
	unsigned long long v = 0, lim = (unsigned long long)LLONG_MAX;
	unsigned base = 10;
	size_t i = 0;
	int neg = 0, d, over = 0;

	if (!decimal_only && n > 2 && s[0] == '0' && (s[1] == 'o' ||
	    s[1] == 'x')) {
		base = s[1] == 'o' ? 8 : 16;
		i = 2;
	} else if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;
	if (neg)
		lim++;		/* -LLONG_MAX - 1 */
	for (; i < n; i++) {
		if ((d = digit_val((unsigned char)s[i], base)) == -1)
			return -1;
		if (over || v > (lim - (unsigned)d) / base)
			over = 1;
		else
			v = v * base + (unsigned)d;
	}
	if (over)
		return 1;
	if (neg)
		*out = v == lim ? LLONG_MIN : -(long long)v;
	else
		*out = (long long)v;
	return 0;
}

/* The core schema's floats: 1 when s is one (*out set), else 0. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void
c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

static int
core_float(const char *s, size_t n, double *out)
{
	size_t i = 0, d0;
	const char *p;

	if (n > 0 && (s[0] == '-' || s[0] == '+'))
		i = 1;
	p = s + i;
	if (n - i == 4 && (memcmp(p, ".inf", 4) == 0 ||
	    memcmp(p, ".Inf", 4) == 0 || memcmp(p, ".INF", 4) == 0)) {
		*out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
		return 1;
	}
	if (n == 4 && (memcmp(s, ".nan", 4) == 0 ||
	    memcmp(s, ".NaN", 4) == 0 || memcmp(s, ".NAN", 4) == 0)) {
		*out = NAN;
		return 1;
	}
	/* ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
	d0 = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < n && s[i] == '.') {
		size_t f0 = ++i;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (f0 - 1 == d0 && i == f0)
			return 0;	/* "." alone */
	} else if (i == d0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e0;

		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		e0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e0)
			return 0;
	}
	if (i != n)
		return 0;
	/* strtod() follows LC_NUMERIC, which a caller may have changed. */
	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale != (locale_t)0)
		*out = strtod_l(s, NULL, c_locale);
	else
		*out = strtod(s, NULL);
	return 1;
}

static json_t *
scalar_json(const struct ynode *y)
{
	long long ll;
	double d;
	int b;

	if (!y->plain)
		return json_stringn(y->str, y->len);
	if (ynode_is_null(y))
		return json_null();
	if ((b = core_bool(y)) != -1)
		return json_boolean(b);
	switch (core_int(y->str, y->len, 0, &ll)) {
	case 0:
		return json_integer(ll);
	case 1:
		return json_stringn(y->str, y->len);
	default:
		break;
	}
	if (memchr(y->str, '\0', y->len) == NULL &&
	    core_float(y->str, y->len, &d))
		return isfinite(d) ? json_real(d) : json_null();
	return json_stringn(y->str, y->len);
}

json_t *
ynode_to_json(const struct ynode *y)
{
	json_t *j, *v;
	size_t i;

	if (y == NULL)
		return json_null();
	switch (y->kind) {
	case YNODE_SCALAR:
		return scalar_json(y);
	case YNODE_SEQ:
		if ((j = json_array()) == NULL)
			return NULL;
		for (i = 0; i < y->n; i++) {
			if ((v = ynode_to_json(y->items[i])) == NULL ||
			    json_array_append_new(j, v) == -1) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	case YNODE_MAP:
		if ((j = json_object()) == NULL)
			return NULL;
		for (i = 0; i < y->n; i++) {
			/* setn_new takes v even when it fails. */
			if ((v = ynode_to_json(y->items[i])) == NULL ||
			    json_object_setn_new(j, y->keys[i]->str,
			    y->keys[i]->len, v) == -1) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Typed readers                                                       */
/* ------------------------------------------------------------------ */

/* "FILE:LINE:COL: 'key' must be WHAT" plus what was found. */
static void
type_error(const struct ynode *y, const char *file, const char *key,
    const char *what, struct buf *err)
{
	if (err == NULL)
		return;
	if (file == NULL)
		file = "<input>";
	if (key == NULL)
		key = "value";
	if (y == NULL) {
		buf_printf(err, "%s: missing '%s' (%s)\n", file, key, what);
		return;
	}
	buf_printf(err, "%s:%zu:%zu: '%s' must be %s", file, y->line, y->col,
	    key, what);
	if (y->kind != YNODE_SCALAR)
		buf_printf(err, ", not a %s", kind_name(y->kind));
	else {
		BUF_PUTSL(err, ", not ");
		if (!y->plain)
			BUF_PUTSL(err, "the quoted text ");
		buf_putc(err, '\'');
		put_excerpt(err, y->str, y->len);
		buf_putc(err, '\'');
	}
	buf_putc(err, '\n');
}

int
ynode_bool(const struct ynode *y, const char *file, const char *key,
    int *out, struct buf *err)
{
	int b;

	if (y == NULL || (b = core_bool(y)) == -1) {
		type_error(y, file, key, "true or false", err);
		return -1;
	}
	if (out != NULL)
		*out = b;
	return 0;
}

int
ynode_int(const struct ynode *y, const char *file, const char *key,
    long long *out, struct buf *err)
{
	long long v;
	int rc;

	if (y == NULL || y->kind != YNODE_SCALAR || !y->plain ||
	    (rc = core_int(y->str, y->len, 1, &v)) == -1) {
		type_error(y, file, key, "a decimal integer", err);
		return -1;
	}
	if (rc == 1) {
		type_error(y, file, key, "an integer in range", err);
		return -1;
	}
	if (out != NULL)
		*out = v;
	return 0;
}
