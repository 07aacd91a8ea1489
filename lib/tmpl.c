/*
 * tmpl: Mustache templates (see tmpl.h).
 *
 * A template is parsed in four passes over its own copy of the source:
 *
 *  1. lex: split the source into text and tag tokens, following set-
 *     delimiter tags as they come;
 *  2. standalone: decide which tags stand alone on their line (and so
 *     take the line's indentation and newline away with them);
 *  3. build: turn the tokens into a tree, cutting the text around
 *     standalone tags and marking every line start with a K_INDENT node;
 *  4. dedent: strip the common indentation of standalone blocks.
 *
 * Indentation of partials, parents and blocks is applied at render time:
 * each K_INDENT node emits the indentation current at that point, so one
 * parsed template serves every place it is included from.  The tree is
 * never written after parsing, which is what makes concurrent rendering
 * safe.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "escape.h"
#include "hash.h"
#include "tmpl.h"
#include "tval.h"

enum kind {
	K_TEXT,		/* literal text */
	K_INDENT,	/* a line start: the current indentation goes here */
	K_VAR,		/* {{name}}: escaped */
	K_RAW,		/* {{{name}}} or {{&name}}: not escaped */
	K_SECTION,	/* {{#name}} */
	K_INVERTED,	/* {{^name}} */
	K_PARTIAL,	/* {{>name}} */
	K_PARENT,	/* {{<name}} */
	K_BLOCK,	/* {{$name}} */
	K_CLOSE,	/* {{/name}} (tokens only) */
	K_COMMENT,	/* {{! text}} (tokens only) */
	K_DELIM,	/* {{=<% %>=}} (tokens only) */
	K__MAX
};

/* What a kind is called in messages. */
static const char *const kind_names[K__MAX] = {
	"text",			/* K_TEXT */
	"line start",		/* K_INDENT */
	"variable",		/* K_VAR */
	"variable",		/* K_RAW */
	"section",		/* K_SECTION */
	"inverted section",	/* K_INVERTED */
	"partial",		/* K_PARTIAL */
	"parent",		/* K_PARENT */
	"block",		/* K_BLOCK */
	"closing tag",		/* K_CLOSE */
	"comment",		/* K_COMMENT */
	"set-delimiter tag",	/* K_DELIM */
};

/*
 * A token: text, or a tag from its opening to its closing delimiter.
 * Pass 2 sets the standalone fields: cut_before drops [ls, start), the
 * tag's indentation; cut_after drops [end, le), the rest of its line
 * with the newline; standalone makes the indentation apply to what a
 * partial, parent or block renders; atbol says [ls, start) is the
 * indentation of a line.
 */
struct tok {
	enum kind	 kind;
	size_t		 start, end;
	size_t		 name, namelen;	/* trimmed tag content */
	enum kind	 closes;	/* K_CLOSE: kind of the open tag */
	unsigned	 cut_before:1;
	unsigned	 cut_after:1;
	unsigned	 standalone:1;
	unsigned	 atbol:1;
	size_t		 ls, le;
};

/*
 * A node of the tree.  `ind` is the whitespace before a standalone tag
 * that starts its line (NULL otherwise); `intr` the intrinsic
 * indentation of a block; `cbol` says a block's content starts a line.
 */
struct node {
	enum kind	 kind;
	unsigned	 standalone;
	size_t		 off;	/* tag offset in the source */
	const char	*text;		/* K_TEXT */
	size_t		 len;
	char		*name;		/* tags */
	const char	*ind;
	size_t		 indlen;
	const char	*intr;
	size_t		 intrlen;
	unsigned	 cbol;
	struct node	*kids;
	size_t		 nkids;
};

struct tmpl {
	char		*src;	/* own copy; nodes point into it */
	size_t		 len;
	char		*label;
	struct node	*kids;
	size_t		 nkids;
};

/* A growable list of nodes: the children of a container being built. */
struct nlist {
	struct node	*v;
	size_t		 n, cap;
};

struct parser {
	const char	*src;
	size_t		 len;
	const char	*label;
	struct buf	*err;
	struct tok	*toks;
	size_t		 ntoks, cap;
};

/* ---------------------------------------------------------------- */
/* Messages                                                         */
/* ---------------------------------------------------------------- */

static void
pos_of(const char *s, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = *col = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			++*line;
			*col = 1;
		} else
			++*col;
	}
}

static void verrat(struct buf *, const char *, const char *, size_t,
    const char *, va_list) __attribute__((format(printf, 5, 0)));

static void
verrat(struct buf *err, const char *label, const char *src, size_t off,
    const char *fmt, va_list ap)
{
	size_t line, col;

	if (err == NULL)
		return;
	pos_of(src, off, &line, &col);
	buf_printf(err, "%s:%zu:%zu: ", label, line, col);
	buf_vprintf(err, fmt, ap);
}

static int perr(struct parser *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* A syntax error at byte `off`; returns -1 for the caller to pass on. */
static int
perr(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrat(p->err, p->label, p->src, off, fmt, ap);
	va_end(ap);
	return -1;
}

static int rerr(struct buf *, const struct tmpl *, const struct node *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

/* A render error at node `k` of template `t`. */
static int
rerr(struct buf *err, const struct tmpl *t, const struct node *k,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrat(err, t->label, t->src, k->off, fmt, ap);
	va_end(ap);
	return -1;
}

/* Copy (s, n) for a message, control characters replaced by '?'. */
static char *
quote(const char *s, size_t n)
{
	char *q = xstrndup(s, n);
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)q[i] < ' ' || q[i] == 0x7f)
			q[i] = '?';
	return q;
}

/* ---------------------------------------------------------------- */
/* Pass 1: tokens                                                   */
/* ---------------------------------------------------------------- */

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct tok *
tok_push(struct parser *p, enum kind kind, size_t start, size_t end)
{
	struct tok *t;

	if (p->ntoks == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->toks = xreallocarray(p->toks, p->cap, sizeof(*p->toks));
	}
	t = &p->toks[p->ntoks++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->start = start;
	t->end = end;
	t->closes = K__MAX;
	return t;
}

static const char *
find(const struct parser *p, size_t from, const char *needle, size_t n)
{
	if (from > p->len)
		return NULL;
	return memmem(p->src + from, p->len - from, needle, n);
}

/*
 * The first closing delimiter at or after `from` that comes right after
 * the byte `c` (itself at or after `from`): the end of {{{x}}} and of
 * {{=a b=}}.
 */
static const char *
find_after(const struct parser *p, size_t from, int c, const char *cd,
    size_t cdlen)
{
	const char *hit = find(p, from, cd, cdlen);

	while (hit != NULL && !((size_t)(hit - p->src) > from && hit[-1] == c))
		hit = find(p, (size_t)(hit - p->src) + 1, cd, cdlen);
	return hit;
}

/* Check a tag's name; data names must be "." or dot-separated keys. */
static int
check_name(struct parser *p, const struct tok *t)
{
	const char *n = p->src + t->name;
	size_t i, len = t->namelen;
	char *q;
	int bad = 0;

	if (len == 0)
		return perr(p, t->start, "empty %s", kind_names[t->kind]);
	for (i = 0; i < len; i++)
		if ((unsigned char)n[i] <= ' ' || n[i] == 0x7f)
			bad = 1;
	if (!bad && (t->kind == K_VAR || t->kind == K_RAW ||
	    t->kind == K_SECTION || t->kind == K_INVERTED) &&
	    !(len == 1 && n[0] == '.'))
		bad = n[0] == '.' || n[len - 1] == '.' ||
		    memmem(n, len, "..", 2) != NULL;
	if (!bad)
		return 0;
	q = quote(n, len);
	perr(p, t->start, "invalid name '%s' in %s", q, kind_names[t->kind]);
	free(q);
	return -1;
}

/* {{=<% %>=}}: two delimiters without whitespace or '='. */
static int
set_delims(struct parser *p, const struct tok *t, const char **od,
    size_t *odlen, const char **cd, size_t *cdlen)
{
	const char *c = p->src + t->name;
	size_t n = t->namelen, alen = 0, b, blen = 0;

	while (alen < n && !is_space(c[alen]))
		alen++;
	b = alen;
	while (b < n && is_space(c[b]))
		b++;
	while (b + blen < n && !is_space(c[b + blen]))
		blen++;
	if (alen == 0 || blen == 0 || b + blen != n ||
	    memchr(c, '=', alen) != NULL || memchr(c + b, '=', blen) != NULL)
		return perr(p, t->start, "bad set-delimiter tag");
	*od = c;
	*odlen = alen;
	*cd = c + b;
	*cdlen = blen;
	return 0;
}

static int
lex(struct parser *p)
{
	const char *s = p->src, *od = "{{", *cd = "}}", *hit;
	size_t odlen = 2, cdlen = 2, pos = 0, start, q, cs, ce, end;
	enum kind kind;
	struct tok *t;

	while (pos < p->len) {
		if ((hit = find(p, pos, od, odlen)) == NULL) {
			tok_push(p, K_TEXT, pos, p->len);
			break;
		}
		start = (size_t)(hit - s);
		if (start > pos)
			tok_push(p, K_TEXT, pos, start);
		q = start + odlen;
		kind = K_VAR;
		cs = q;
		if (q < p->len) {
			switch (s[q]) {
			case '=': kind = K_DELIM; break;
			case '{': kind = K_RAW; break;
			case '&': kind = K_RAW; break;
			case '#': kind = K_SECTION; break;
			case '^': kind = K_INVERTED; break;
			case '/': kind = K_CLOSE; break;
			case '!': kind = K_COMMENT; break;
			case '>': kind = K_PARTIAL; break;
			case '<': kind = K_PARENT; break;
			case '$': kind = K_BLOCK; break;
			default: break;
			}
			if (kind != K_VAR)
				cs = q + 1;
		}
		if (kind == K_DELIM || (kind == K_RAW && s[q] == '{')) {
			hit = find_after(p, cs, kind == K_DELIM ? '=' : '}',
			    cd, cdlen);
			if (hit == NULL)
				goto unclosed;
			ce = (size_t)(hit - s) - 1;
		} else {
			if ((hit = find(p, cs, cd, cdlen)) == NULL)
				goto unclosed;
			ce = (size_t)(hit - s);
		}
		end = (size_t)(hit - s) + cdlen;
		while (cs < ce && is_space(s[cs]))
			cs++;
		while (ce > cs && is_space(s[ce - 1]))
			ce--;
		t = tok_push(p, kind, start, end);
		t->name = cs;
		t->namelen = ce - cs;
		if (kind == K_DELIM) {
			if (set_delims(p, t, &od, &odlen, &cd, &cdlen) == -1)
				return -1;
		} else if (kind != K_COMMENT && check_name(p, t) == -1)
			return -1;
		pos = end;
	}
	return 0;
unclosed:
	return perr(p, start, "unclosed tag: no '%.*s' after '%.*s'",
	    (int)cdlen, cd, (int)odlen, od);
}

/* ---------------------------------------------------------------- */
/* Pass 2: standalone tags                                          */
/* ---------------------------------------------------------------- */

/* Only spaces and tabs between the line start and `start`. */
static int
ws_before(const struct parser *p, size_t start, size_t *ls)
{
	size_t i = start;

	while (i > 0 && (p->src[i - 1] == ' ' || p->src[i - 1] == '\t'))
		i--;
	if (i > 0 && p->src[i - 1] != '\n')
		return 0;
	*ls = i;
	return 1;
}

/* Only spaces and tabs from `end` to the newline or the end. */
static int
ws_after(const struct parser *p, size_t end, size_t *le)
{
	size_t i = end;

	while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t'))
		i++;
	if (i == p->len)
		*le = i;
	else if (p->src[i] == '\n')
		*le = i + 1;
	else if (p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n')
		*le = i + 2;
	else
		return 0;
	return 1;
}

static int
can_stand(enum kind k)
{
	return k != K_TEXT && k != K_VAR && k != K_RAW;
}

static int
same_name(const struct parser *p, const struct tok *a, const struct tok *b)
{
	return a->namelen == b->namelen &&
	    memcmp(p->src + a->name, p->src + b->name, a->namelen) == 0;
}

/*
 * A tag alone on its line, between whitespace, is standalone: the line's
 * indentation and newline go with it.  Inheritance adds pairs that count
 * as one tag when they touch (the spec's "Standalone parent" and
 * "Standalone block"):
 *
 *   {{<p}}{{/p}}	the parent stands alone;
 *   {{$b}}{{/b}}	the indentation goes, the newline stays (an empty
 *			block leaves its line);
 *   {{<p}}{{$b}}	both stand alone: the block starts on the next line;
 *   {{/b}}{{/p}}	the line goes.
 */
static void
mark_standalone(struct parser *p)
{
	enum kind open[TMPL_MAX_NEST];
	size_t i, depth = 0, ls, le;
	struct tok *t, *n;

	for (i = 0; i < p->ntoks; i++) {
		t = &p->toks[i];
		switch (t->kind) {
		case K_SECTION:
		case K_INVERTED:
		case K_PARENT:
		case K_BLOCK:
			if (depth < TMPL_MAX_NEST)
				open[depth] = t->kind;
			depth++;
			break;
		case K_CLOSE:
			if (depth > 0 && depth <= TMPL_MAX_NEST)
				t->closes = open[depth - 1];
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
	}

	for (i = 0; i < p->ntoks; i++) {
		t = &p->toks[i];
		if (!can_stand(t->kind) || !ws_before(p, t->start, &ls))
			continue;
		if (ws_after(p, t->end, &le)) {
			t->cut_before = t->cut_after = 1;
			t->standalone = t->atbol = 1;
			t->ls = ls;
			t->le = le;
			continue;
		}
		if (i + 1 == p->ntoks)
			continue;
		n = &p->toks[i + 1];
		if (n->kind == K_TEXT || n->start != t->end ||
		    !ws_after(p, n->end, &le))
			continue;
		if (t->kind == K_PARENT && n->kind == K_CLOSE &&
		    same_name(p, t, n)) {
			t->cut_before = t->standalone = t->atbol = 1;
			n->cut_after = 1;
		} else if (t->kind == K_BLOCK && n->kind == K_CLOSE &&
		    same_name(p, t, n)) {
			t->cut_before = t->standalone = t->atbol = 1;
		} else if (t->kind == K_PARENT && n->kind == K_BLOCK) {
			t->cut_before = t->standalone = t->atbol = 1;
			n->cut_after = n->standalone = 1;
		} else if (t->kind == K_CLOSE && t->closes == K_BLOCK &&
		    n->kind == K_CLOSE && n->closes == K_PARENT) {
			t->cut_before = 1;
			n->cut_after = 1;
		} else
			continue;
		t->ls = ls;
		n->le = le;
		i++;
	}
}

/* ---------------------------------------------------------------- */
/* Pass 3: the tree                                                 */
/* ---------------------------------------------------------------- */

static void
nodes_free(struct node *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		nodes_free(v[i].kids, v[i].nkids);
	}
	free(v);
}

static struct node *
nlist_push(struct nlist *l, enum kind kind, size_t off)
{
	struct node *k;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	k = &l->v[l->n++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->off = off;
	return k;
}

static int
at_bol(const struct parser *p, size_t off)
{
	return off == 0 || p->src[off - 1] == '\n';
}

static int
empty_line(const struct parser *p, size_t off)
{
	return p->src[off] == '\n' || (p->src[off] == '\r' &&
	    off + 1 < p->len && p->src[off + 1] == '\n');
}

/* Text [s, e) as one node per line, each non-empty line after a mark. */
static void
add_text(const struct parser *p, struct nlist *l, size_t s, size_t e)
{
	const char *nl;
	size_t q;
	struct node *k;

	while (s < e) {
		if (at_bol(p, s) && !empty_line(p, s))
			nlist_push(l, K_INDENT, s);
		nl = memchr(p->src + s, '\n', e - s);
		q = nl != NULL ? (size_t)(nl - p->src) + 1 : e;
		k = nlist_push(l, K_TEXT, s);
		k->text = p->src + s;
		k->len = q - s;
		s = q;
	}
}

static struct node *
add_tag(const struct parser *p, struct nlist *l, const struct tok *t)
{
	struct node *k = nlist_push(l, t->kind, t->start);

	k->name = xstrndup(p->src + t->name, t->namelen);
	k->standalone = t->standalone;
	if (t->atbol) {
		k->ind = p->src + t->ls;
		k->indlen = t->start - t->ls;
	}
	return k;
}

static int
build(struct parser *p, struct node **kidsp, size_t *nkidsp)
{
	struct nlist stack[TMPL_MAX_NEST + 1];
	size_t open[TMPL_MAX_NEST + 1];
	size_t i, depth = 0, s, e, line, col;
	const struct tok *t, *o;
	struct node *k;
	char *q;
	int rc = -1;

	memset(stack, 0, sizeof(stack));
	for (i = 0; i < p->ntoks; i++) {
		t = &p->toks[i];
		if (t->kind == K_TEXT) {
			s = t->start;
			e = t->end;
			if (i > 0 && p->toks[i - 1].cut_after &&
			    p->toks[i - 1].le > s)
				s = p->toks[i - 1].le;
			if (i + 1 < p->ntoks && p->toks[i + 1].cut_before &&
			    p->toks[i + 1].ls < e)
				e = p->toks[i + 1].ls;
			add_text(p, &stack[depth], s, e < s ? s : e);
			continue;
		}
		if (!t->cut_before && at_bol(p, t->start))
			nlist_push(&stack[depth], K_INDENT, t->start);
		switch (t->kind) {
		case K_VAR:
		case K_RAW:
		case K_PARTIAL:
			add_tag(p, &stack[depth], t);
			break;
		case K_SECTION:
		case K_INVERTED:
		case K_PARENT:
		case K_BLOCK:
			if (depth == TMPL_MAX_NEST) {
				perr(p, t->start, "sections nested deeper "
				    "than %d", TMPL_MAX_NEST);
				goto out;
			}
			open[++depth] = i;
			break;
		case K_CLOSE:
			if (depth == 0) {
				q = quote(p->src + t->name, t->namelen);
				perr(p, t->start, "closing tag '%s' without "
				    "an open section", q);
				free(q);
				goto out;
			}
			o = &p->toks[open[depth]];
			if (!same_name(p, o, t)) {
				pos_of(p->src, o->start, &line, &col);
				q = quote(p->src + t->name, t->namelen);
				perr(p, t->start, "closing tag '%s' does not "
				    "match open %s '%.*s' at %zu:%zu", q,
				    kind_names[o->kind], (int)o->namelen,
				    p->src + o->name, line, col);
				free(q);
				goto out;
			}
			k = add_tag(p, &stack[depth - 1], o);
			k->cbol = at_bol(p, o->cut_after ? o->le : o->end);
			k->kids = stack[depth].v;
			k->nkids = stack[depth].n;
			memset(&stack[depth], 0, sizeof(stack[depth]));
			depth--;
			break;
		default:
			break;
		}
	}
	if (depth > 0) {
		o = &p->toks[open[depth]];
		perr(p, o->start, "unclosed %s '%.*s'", kind_names[o->kind],
		    (int)o->namelen, p->src + o->name);
		goto out;
	}
	*kidsp = stack[0].v;
	*nkidsp = stack[0].n;
	memset(&stack[0], 0, sizeof(stack[0]));
	rc = 0;
out:
	for (i = 0; i <= depth; i++)
		nodes_free(stack[i].v, stack[i].n);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Pass 4: block indentation                                        */
/* ---------------------------------------------------------------- */

/*
 * "Block indentation is removed at the site of definition and added at
 * the site of expansion": a standalone block loses the indentation its
 * lines have in common, which becomes its intrinsic indentation (used at
 * the site when the tag itself is not indented).  Blank lines do not
 * count.  Outer blocks go first, so nested ones measure what is left.
 */

static void
common(const char **pfx, size_t *plen, int *have, const char *s, size_t n)
{
	size_t i;

	if (!*have) {
		*pfx = s;
		*plen = n;
		*have = 1;
		return;
	}
	for (i = 0; i < *plen && i < n && (*pfx)[i] == s[i]; i++)
		continue;
	*plen = i;
}

static size_t
lead_ws(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static void
measure(const struct node *v, size_t n, const char **pfx, size_t *plen,
    int *have)
{
	const struct node *k, *t;
	size_t i, w;

	for (i = 0; i < n; i++) {
		k = &v[i];
		if (k->kind == K_INDENT && i + 1 < n) {
			if (v[i + 1].kind != K_TEXT) {
				common(pfx, plen, have, "", 0);
				continue;
			}
			/* Blank lines, and a last line of blanks, do
			 * not count. */
			t = &v[i + 1];
			w = lead_ws(t->text, t->len);
			if (w == t->len ? i + 2 < n :
			    t->text[w] != '\n' && t->text[w] != '\r')
				common(pfx, plen, have, t->text, w);
		} else if (k->ind != NULL)
			common(pfx, plen, have, k->ind, k->indlen);
		measure(k->kids, k->nkids, pfx, plen, have);
	}
}

static void
strip(struct node *v, size_t n, size_t cut)
{
	struct node *k;
	size_t i, w;

	for (i = 0; i < n; i++) {
		k = &v[i];
		if (k->kind == K_INDENT && i + 1 < n &&
		    v[i + 1].kind == K_TEXT) {
			w = lead_ws(v[i + 1].text, v[i + 1].len);
			w = w < cut ? w : cut;
			v[i + 1].text += w;
			v[i + 1].len -= w;
		} else if (k->ind != NULL) {
			w = k->indlen < cut ? k->indlen : cut;
			k->ind += w;
			k->indlen -= w;
		}
		strip(k->kids, k->nkids, cut);
	}
}

static void
dedent(struct node *v, size_t n)
{
	const char *pfx = NULL;
	size_t i, plen = 0;
	int have;

	for (i = 0; i < n; i++) {
		if (v[i].kind == K_BLOCK && v[i].standalone) {
			have = 0;
			measure(v[i].kids, v[i].nkids, &pfx, &plen, &have);
			if (have && plen > 0) {
				v[i].intr = pfx;
				v[i].intrlen = plen;
				strip(v[i].kids, v[i].nkids, plen);
			}
		}
		dedent(v[i].kids, v[i].nkids);
	}
}

/* ---------------------------------------------------------------- */
/* Parsing                                                          */
/* ---------------------------------------------------------------- */

struct tmpl *
tmpl_parse(const char *src, size_t len, const char *label, struct buf *err)
{
	struct parser p;
	struct tmpl *t;

	t = xcalloc(1, sizeof(*t));
	t->src = xstrndup(src, len);
	t->len = len;
	t->label = xstrdup(label != NULL ? label : "template");
	memset(&p, 0, sizeof(p));
	p.src = t->src;
	p.len = len;
	p.label = t->label;
	p.err = err;
	if (lex(&p) == -1)
		goto fail;
	mark_standalone(&p);
	if (build(&p, &t->kids, &t->nkids) == -1)
		goto fail;
	dedent(t->kids, t->nkids);
	free(p.toks);
	return t;
fail:
	free(p.toks);
	tmpl_free(t);
	return NULL;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	nodes_free(t->kids, t->nkids);
	free(t->src);
	free(t->label);
	free(t);
}

/* ---------------------------------------------------------------- */
/* Sets                                                             */
/* ---------------------------------------------------------------- */

struct entry {
	char		*name;
	struct tmpl	*t;	/* NULL: the loader has no such name */
	struct entry	*next;
};

struct tmpl_set {
	tmpl_loader	 loader;
	void		*arg;
	int		 strict;
	pthread_mutex_t	 lock;	/* guards everything below */
	struct entry	**tab;
	size_t		 size;	/* buckets, a power of two */
	size_t		 count;
	struct tmpl	**old;	/* replaced: a render may hold them */
	size_t		 nold;
};

static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct entry *
set_find(const struct tmpl_set *set, const char *name)
{
	struct entry *e;

	for (e = set->tab[hash(name) & (set->size - 1)]; e; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static void
set_insert(struct tmpl_set *set, const char *name, struct tmpl *t)
{
	struct entry **tab, *e, *next;
	size_t i, h;

	if (set->count >= set->size) {
		tab = xcalloc(set->size * 2, sizeof(*tab));
		for (i = 0; i < set->size; i++)
			for (e = set->tab[i]; e; e = next) {
				next = e->next;
				h = hash(e->name) & (set->size * 2 - 1);
				e->next = tab[h];
				tab[h] = e;
			}
		free(set->tab);
		set->tab = tab;
		set->size *= 2;
	}
	e = xmalloc(sizeof(*e));
	e->name = xstrdup(name);
	e->t = t;
	h = hash(name) & (set->size - 1);
	e->next = set->tab[h];
	set->tab[h] = e;
	set->count++;
}

struct tmpl_set *
tmpl_set_new(tmpl_loader loader, void *arg)
{
	struct tmpl_set *set = xcalloc(1, sizeof(*set));

	if (pthread_mutex_init(&set->lock, NULL) != 0) {
		fputs("fatal: pthread_mutex_init\n", stderr);
		abort();
	}
	set->loader = loader;
	set->arg = arg;
	set->size = 16;
	set->tab = xcalloc(set->size, sizeof(*set->tab));
	return set;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	struct entry *e, *next;
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->size; i++)
		for (e = set->tab[i]; e; e = next) {
			next = e->next;
			tmpl_free(e->t);
			free(e->name);
			free(e);
		}
	for (i = 0; i < set->nold; i++)
		tmpl_free(set->old[i]);
	free(set->old);
	free(set->tab);
	pthread_mutex_destroy(&set->lock);
	free(set);
}

void
tmpl_set_strict(struct tmpl_set *set, int on)
{
	pthread_mutex_lock(&set->lock);
	set->strict = on != 0;
	pthread_mutex_unlock(&set->lock);
}

int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
    size_t len, const char *label, struct buf *err)
{
	struct tmpl *t;
	struct entry *e;

	if ((t = tmpl_parse(src, len, label != NULL ? label : name,
	    err)) == NULL)
		return -1;
	pthread_mutex_lock(&set->lock);
	if ((e = set_find(set, name)) != NULL) {
		if (e->t != NULL) {
			set->old = xreallocarray(set->old, set->nold + 1,
			    sizeof(*set->old));
			set->old[set->nold++] = e->t;
		}
		e->t = t;
	} else
		set_insert(set, name, t);
	pthread_mutex_unlock(&set->lock);
	return 0;
}

/*
 * The template `name`: 0 with *tp set, 1 when there is none (no
 * message), -1 on a loader or syntax error (message in err).  *strictp
 * receives the set's strictness.  The loader runs under the lock, so it
 * runs once per name.
 */
static int
set_lookup(struct tmpl_set *set, const char *name, const struct tmpl **tp,
    int *strictp, struct buf *err)
{
	struct buf src = BUF_INIT, label = BUF_INIT;
	struct entry *e;
	struct tmpl *t;
	int rc;

	pthread_mutex_lock(&set->lock);
	*strictp = set->strict;
	if ((e = set_find(set, name)) != NULL) {
		*tp = e->t;
		rc = e->t != NULL ? 0 : 1;
		goto out;
	}
	rc = set->loader != NULL ?
	    set->loader(set->arg, name, &src, &label, err) : 1;
	rc = rc < 0 ? -1 : rc > 0 ? 1 : 0;
	if (rc == 1)
		set_insert(set, name, NULL);
	if (rc != 0)
		goto out;
	t = tmpl_parse(src.ptr, src.len, label.len ? label.ptr : name, err);
	if (t == NULL) {
		rc = -1;
		goto out;
	}
	set_insert(set, name, t);
	*tp = t;
out:
	pthread_mutex_unlock(&set->lock);
	buf_release(&src);
	buf_release(&label);
	return rc;
}

const struct tmpl *
tmpl_set_get(struct tmpl_set *set, const char *name, struct buf *err)
{
	const struct tmpl *t = NULL;
	char *q;
	int strict, rc;

	if ((rc = set_lookup(set, name, &t, &strict, err)) == 0)
		return t;
	if (rc == 1 && err != NULL) {
		q = quote(name, strlen(name));
		buf_printf(err, "template '%s' not found", q);
		free(q);
	}
	return NULL;
}

const char *
tmpl_source(const struct tmpl *t, size_t *len)
{
	*len = t->len;
	return t->src;
}

static void
includes(const struct node *v, size_t n, void (*fn)(void *, const char *),
    void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].kind == K_PARTIAL || v[i].kind == K_PARENT)
			fn(arg, v[i].name);
		includes(v[i].kids, v[i].nkids, fn, arg);
	}
}

void
tmpl_includes(const struct tmpl *t, void (*fn)(void *, const char *),
    void *arg)
{
	includes(t->kids, t->nkids, fn, arg);
}

/* ---------------------------------------------------------------- */
/* Rendering                                                        */
/* ---------------------------------------------------------------- */

/* The context stack, innermost first, on the C stack. */
struct ctx {
	const struct tval	*v;
	const struct ctx	*up;
};

/* The parents being expanded, innermost first: their blocks override. */
struct frame {
	const struct tmpl	*t;
	const struct node	*parent;
	const struct frame	*up;
};

struct render {
	struct tmpl_set	*set;
	struct buf	*out;
	struct buf	*err;
	size_t		 mark;	/* out->len before rendering */
	size_t		 steps;	/* nodes visited */
	size_t		 checked; /* out->len at the last node visited */
	int		 depth;	/* partials, parents, overrides */
	struct tmpl_memo *memo;	/* NULL: render every partial */
};

static int render_nodes(struct render *, const struct tmpl *,
    const struct node *, size_t, const struct ctx *, const struct frame *,
    const char *, size_t);

/* The length of the first part of a dotted name (names are short). */
static size_t
name_part(const char *name)
{
	size_t n;

	for (n = 0; name[n] != '\0' && name[n] != '.'; n++)
		;
	return n;
}

/* Look a name up: the first key in the innermost context that has it,
 * the rest of a dotted name inside that value only. */
static const struct tval *
lookup(const struct ctx *c, const char *name)
{
	const struct tval *v = NULL;
	size_t n;

	if (name[0] == '.' && name[1] == '\0')
		return c->v;
	n = name_part(name);
	for (; c != NULL; c = c->up)
		if ((v = tv_get(c->v, name, n)) != NULL)
			break;
	while (v != NULL && name[n] == '.') {
		name += n + 1;
		n = name_part(name);
		v = tv_get(v, name, n);
	}
	return v;
}

static int
truthy(const struct tval *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TV_NULL:
	case TV_FALSE:
		return 0;
	case TV_ARR:
	case TV_STR:
		return v->n > 0;
	default:
		return 1;
	}
}

/*
 * The fewest significant digits that read back as the same double, laid
 * out as JavaScript does: plain for exponents -7..20 (1.21, 100, 0.001),
 * else with an exponent (1e+300).
 */
static void
put_real(struct buf *out, double d)
{
	char tmp[64];
	const char *e;
	int prec, exp, dec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
	exp = (e = strchr(tmp, 'e')) != NULL ? atoi(e + 1) : 0;
	if (exp >= -7 && exp < 21) {
		dec = prec - 1 - exp;
		snprintf(tmp, sizeof(tmp), "%.*f", dec > 0 ? dec : 0, d);
	}
	buf_puts(out, tmp);
}

static void
put_value(struct buf *out, const struct tval *v, int escape)
{
	switch (v->kind) {
	case TV_STR:
		if (escape)
			esc_html(out, v->u.s, v->n);
		else
			buf_add(out, v->u.s, v->n);
		break;
	case TV_INT:
		buf_printf(out, "%lld", v->u.i);
		break;
	case TV_REAL:
		put_real(out, v->u.r);
		break;
	case TV_TRUE:
		BUF_PUTSL(out, "true");
		break;
	case TV_FALSE:
		BUF_PUTSL(out, "false");
		break;
	default:
		/* null, objects and arrays interpolate as nothing */
		break;
	}
}

/* ---------------------------------------------------------------- */
/* Memo: partials rendered once per distinct data                   */
/* ---------------------------------------------------------------- */

/*
 * What a partial's output can depend on: every name in it and in the
 * partials it includes, dotted names whole.  Each resolves, at the point
 * of inclusion, to a value or to nothing; sections inside the partial
 * push only values reached from those names, and a name looked up inside
 * them that none of them has resolves as it did at the inclusion, so
 * equal values give equal output (a partial that includes itself reads
 * no other names for it).  A partial with a block or parent (which a
 * caller may override) or with "." (which may be the caller's current
 * item) is never memoised.
 */
struct minfo {
	const struct tmpl *t;
	int		 ok;		/* may be memoised */
	char		**names;
	size_t		 nnames;
	size_t		 tries, hits;
};

/* A 128-bit digest: two 64-bit hashes with different seeds. */
struct h128 {
	uint64_t	 a, b;
};

/*
 * A partial's output, with what its render counted towards the limits:
 * the nodes it visited, and the output it had made when it visited its
 * last one.  A copy counts the same, so that a render fails or succeeds
 * alike with and without the memo.
 */
struct mres {
	struct h128	 key;
	char		*out;		/* NULL: empty slot */
	size_t		 len;
	size_t		 steps;
	size_t		 checked;
};

/*
 * A pinned value, known by the address of its items (which its copies
 * share), with its digest; or a JSON value pinned through
 * tmpl_memo_pin(), known by its own address, with what it was made into.
 */
struct mpin {
	const void	*k;		/* NULL: empty slot */
	struct h128	 h;
	const struct tval *tv;		/* JSON pins: the value made of it */
};

struct ptab {
	struct mpin	*v;
	size_t		 n, cap;
};

struct tmpl_memo {
	struct minfo	**info;		/* each its own: renders keep them */
	size_t		 ninfo;
	struct mres	*res;		/* open addressing, power of two */
	size_t		 nres, capres;
	struct ptab	 pins;		/* by their items' address */
	struct ptab	 jpins;		/* JSON pins, by theirs */
	struct tarena	 arena;		/* what JSON pins were made into */
	struct buf	 ser;		/* scratch for keys */
	size_t		 bytes, max_bytes;
};

#define SEED_A	0x243f6a8885a308d3ULL	/* digits of pi */
#define SEED_B	0x13198a2e03707344ULL

static struct h128
digest(const struct buf *b)
{
	struct h128 h;

	h.a = hash64(b->ptr, b->len, SEED_A);
	h.b = hash64(b->ptr, b->len, SEED_B);
	return h;
}

static size_t
ptr_slot(const void *k, size_t cap)
{
	uint64_t x = (uint64_t)(uintptr_t)k;

	return (size_t)(hash64(&x, sizeof(x), 0) & (cap - 1));
}

static const struct mpin *
ptab_find(const struct ptab *t, const void *k)
{
	size_t i;

	if (t->cap == 0 || k == NULL)
		return NULL;
	for (i = ptr_slot(k, t->cap);; i = (i + 1) & (t->cap - 1)) {
		if (t->v[i].k == k)
			return &t->v[i];
		if (t->v[i].k == NULL)
			return NULL;
	}
}

static void
ptab_insert(struct ptab *t, const struct mpin *p)
{
	struct mpin *old = t->v;
	size_t i, ocap = t->cap;

	if ((t->n + 1) * 2 > t->cap) {
		t->cap = ocap ? ocap * 2 : 64;
		t->v = xcalloc(t->cap, sizeof(*t->v));
		t->n = 0;	/* counted again as they go back in */
		for (i = 0; i < ocap; i++)
			if (old[i].k != NULL)
				ptab_insert(t, &old[i]);
		free(old);
	}
	for (i = ptr_slot(p->k, t->cap); t->v[i].k != NULL;
	    i = (i + 1) & (t->cap - 1))
		if (t->v[i].k == p->k)
			return;
	t->v[i] = *p;
	t->n++;
}

/* What a pinned array or object is known by: its items. */
static const void *
pin_key(const struct tval *v)
{
	if (v->kind == TV_ARR)
		return v->u.a;
	if (v->kind == TV_OBJ)
		return v->u.o;
	return NULL;
}

static const struct h128 *
pin_find(const struct tmpl_memo *m, const struct tval *v)
{
	const struct mpin *p = ptab_find(&m->pins, pin_key(v));

	return p != NULL ? &p->h : NULL;
}

static void
put_size(struct buf *b, size_t n)
{
	buf_add(b, (const char *)&n, sizeof(n));
}

/*
 * A value's content, laid out so that different contents never read
 * the same: a type letter, lengths before strings and lists.  A pinned
 * array or object is its digest.  v is NULL for a name that resolves
 * to nothing.
 */
static void
ser_value(const struct tmpl_memo *m, struct buf *b, const struct tval *v)
{
	const struct h128 *pin;
	size_t i;

	if (v == NULL) {
		buf_putc(b, 'N');
		return;
	}
	if ((pin = pin_find(m, v)) != NULL) {
		buf_putc(b, 'P');
		buf_add(b, (const char *)pin, sizeof(*pin));
		return;
	}
	switch (v->kind) {
	case TV_STR:
		buf_putc(b, 's');
		put_size(b, v->n);
		buf_add(b, v->u.s, v->n);
		break;
	case TV_INT:
		buf_putc(b, 'i');
		buf_add(b, (const char *)&v->u.i, sizeof(v->u.i));
		break;
	case TV_REAL:
		buf_putc(b, 'r');
		buf_add(b, (const char *)&v->u.r, sizeof(v->u.r));
		break;
	case TV_TRUE:
		buf_putc(b, 't');
		break;
	case TV_FALSE:
		buf_putc(b, 'f');
		break;
	case TV_ARR:
		buf_putc(b, 'a');
		put_size(b, v->n);
		for (i = 0; i < v->n; i++)
			ser_value(m, b, &v->u.a[i]);
		break;
	case TV_OBJ:
		buf_putc(b, 'o');
		put_size(b, v->n);
		for (i = 0; i < v->n; i++) {
			put_size(b, v->u.o[i].klen);
			buf_add(b, v->u.o[i].key, v->u.o[i].klen);
			ser_value(m, b, &v->u.o[i].v);
		}
		break;
	default:
		buf_putc(b, 'z');
		break;
	}
}

struct tmpl_memo *
tmpl_memo_new(size_t max_bytes)
{
	struct tmpl_memo *m = xcalloc(1, sizeof(*m));

	m->max_bytes = max_bytes;
	tarena_init(&m->arena);
	buf_init(&m->ser);
	return m;
}

void
tmpl_memo_free(struct tmpl_memo *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->ninfo; i++) {
		for (j = 0; j < m->info[i]->nnames; j++)
			free(m->info[i]->names[j]);
		free(m->info[i]->names);
		free(m->info[i]);
	}
	free(m->info);
	for (i = 0; i < m->capres; i++)
		free(m->res[i].out);
	free(m->res);
	free(m->pins.v);
	for (i = 0; i < m->jpins.cap; i++)
		if (m->jpins.v[i].k != NULL)
			json_decref((json_t *)m->jpins.v[i].k);
	free(m->jpins.v);
	tarena_release(&m->arena);
	buf_release(&m->ser);
	free(m);
}

/* Pin v and every array or object inside it, innermost first.  An
 * empty one is not pinned: it has no items to be known by. */
static void
pin_tree(struct tmpl_memo *m, const struct tval *v)
{
	struct mpin p;
	size_t i;

	if ((p.k = pin_key(v)) == NULL || ptab_find(&m->pins, p.k) != NULL)
		return;
	if (v->kind == TV_ARR)
		for (i = 0; i < v->n; i++)
			pin_tree(m, &v->u.a[i]);
	else
		for (i = 0; i < v->n; i++)
			pin_tree(m, &v->u.o[i].v);
	buf_reset(&m->ser);
	ser_value(m, &m->ser, v);
	p.h = digest(&m->ser);
	p.tv = NULL;
	ptab_insert(&m->pins, &p);
}

void
tmpl_memo_pin_tv(struct tmpl_memo *m, const struct tval *v)
{
	if (m != NULL && v != NULL)
		pin_tree(m, v);
}

/*
 * JSON data as values, in arena a: a JSON array or object pinned in memo
 * m (which may be NULL) as the value it was made into then, so that the
 * memo knows it.
 */
static struct tval
from_json(struct tarena *a, const struct tmpl_memo *m, const json_t *j)
{
	const struct mpin *pin;
	struct tval v;
	const char *key;
	json_t *x;
	size_t i;

	if (m != NULL && (pin = ptab_find(&m->jpins, j)) != NULL)
		return *pin->tv;
	switch (json_typeof(j)) {
	case JSON_STRING:
		return tv_strn(json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		return tv_int((long long)json_integer_value(j));
	case JSON_REAL:
		return tv_real(json_real_value(j));
	case JSON_TRUE:
		return tv_bool(1);
	case JSON_FALSE:
		return tv_bool(0);
	case JSON_ARRAY:
		v = tv_arr(a, json_array_size(j));
		json_array_foreach(j, i, x)
			tv_push(a, &v, from_json(a, m, x));
		return v;
	case JSON_OBJECT:
		v = tv_obj(a, json_object_size(j));
		json_object_foreach((json_t *)j, key, x)
			tv_add(a, &v, key, from_json(a, m, x));
		return v;
	default:
		return tv_null();
	}
}

/* A JSON value and every array or object in it, pinned as the values
 * they are made into, which the memo keeps. */
static void
pin_json(struct tmpl_memo *m, json_t *j)
{
	struct tval *tv;
	struct mpin p;
	const char *key;
	json_t *x;
	size_t i;

	if ((!json_is_array(j) && !json_is_object(j)) ||
	    ptab_find(&m->jpins, j) != NULL)
		return;
	if (json_is_array(j))
		json_array_foreach(j, i, x)
			pin_json(m, x);
	else
		json_object_foreach(j, key, x)
			pin_json(m, x);
	tv = tarena_alloc(&m->arena, sizeof(*tv));
	*tv = from_json(&m->arena, m, j);
	pin_tree(m, tv);
	p.k = json_incref(j);
	p.tv = tv;
	memset(&p.h, 0, sizeof(p.h));
	ptab_insert(&m->jpins, &p);
}

void
tmpl_memo_pin(struct tmpl_memo *m, json_t *v)
{
	if (m != NULL && v != NULL)
		pin_json(m, v);
}

size_t
tmpl_memo_hits(const struct tmpl_memo *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->ninfo; i++)
		n += m->info[i]->hits;
	return n;
}

static int
has_name(const struct minfo *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->nnames; i++)
		if (strcmp(in->names[i], name) == 0)
			return 1;
	return 0;
}

/* The partials a gathering has been through: each is read once, so
 * that partials including each other, or one another many times, cost
 * what their sizes add up to. */
struct seen {
	const struct tmpl	**v;
	size_t			  n;
};

static int
seen_add(struct seen *sn, const struct tmpl *t)
{
	size_t i;

	for (i = 0; i < sn->n; i++)
		if (sn->v[i] == t)
			return 0;
	sn->v = xreallocarray(sn->v, sn->n + 1, sizeof(*sn->v));
	sn->v[sn->n++] = t;
	return 1;
}

/* Gather the names of nodes v into `in`; 0, or -1 when not memoisable. */
static int
gather(struct tmpl_set *set, struct minfo *in, struct seen *sn,
    const struct node *v, size_t n, int depth)
{
	const struct tmpl *it;
	size_t i;
	int strict;

	for (i = 0; i < n; i++) {
		switch (v[i].kind) {
		case K_PARENT:
		case K_BLOCK:
			return -1;
		case K_PARTIAL:
			if (depth >= TMPL_MAX_DEPTH || set == NULL ||
			    set_lookup(set, v[i].name, &it, &strict,
			    NULL) != 0)
				return -1;
			if (seen_add(sn, it) && gather(set, in, sn, it->kids,
			    it->nkids, depth + 1) == -1)
				return -1;
			break;
		case K_VAR:
		case K_RAW:
		case K_SECTION:
		case K_INVERTED:
			if (v[i].name[0] == '.')
				return -1;
			if (!has_name(in, v[i].name)) {
				in->names = xreallocarray(in->names,
				    in->nnames + 1, sizeof(*in->names));
				in->names[in->nnames++] = xstrdup(v[i].name);
			}
			if (gather(set, in, sn, v[i].kids, v[i].nkids,
			    depth) == -1)
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

static struct minfo *
memo_info(struct tmpl_memo *m, struct tmpl_set *set, const struct tmpl *t)
{
	struct seen sn = { NULL, 0 };
	struct minfo *in;
	size_t i;

	for (i = 0; i < m->ninfo; i++)
		if (m->info[i]->t == t)
			return m->info[i];
	m->info = xreallocarray(m->info, m->ninfo + 1, sizeof(*m->info));
	in = m->info[m->ninfo++] = xcalloc(1, sizeof(*in));
	in->t = t;
	seen_add(&sn, t);
	in->ok = gather(set, in, &sn, t->kids, t->nkids, 0) == 0;
	free(sn.v);
	return in;
}

static struct mres *
res_find(const struct tmpl_memo *m, struct h128 key)
{
	size_t i;

	for (i = (size_t)key.a & (m->capres - 1);;
	    i = (i + 1) & (m->capres - 1))
		if (m->res[i].out == NULL || (m->res[i].key.a == key.a &&
		    m->res[i].key.b == key.b))
			return &m->res[i];
}

static void
res_insert(struct tmpl_memo *m, struct h128 key, const char *out, size_t len,
    size_t steps, size_t checked)
{
	struct mres *old = m->res, *s;
	size_t i, ocap = m->capres;

	if (m->bytes + len > m->max_bytes)
		return;
	if ((m->nres + 1) * 2 > m->capres) {
		m->capres = ocap ? ocap * 2 : 64;
		m->res = xcalloc(m->capres, sizeof(*m->res));
		for (i = 0; i < ocap; i++)
			if (old[i].out != NULL)
				*res_find(m, old[i].key) = old[i];
		free(old);
	}
	s = res_find(m, key);
	if (s->out != NULL)
		return;
	s->key = key;
	/* One byte more, so that an empty output is not an empty slot. */
	s->out = xmalloc(len + 1);
	memcpy(s->out, out, len);
	s->len = len;
	s->steps = steps;
	s->checked = checked;
	m->nres++;
	m->bytes += len + 1;
}

/* A partial is given up after this many tries when fewer than a
 * quarter of them found their output already made. */
#define MEMO_PROBE	64

/*
 * The memo's key for partial `it` included at context c with
 * indentation ind: 0 with *key set, -1 when it is not memoised.
 */
static int
memo_key(struct render *r, const struct tmpl *it, const struct ctx *c,
    const char *ind, size_t indlen, struct minfo **inp, struct h128 *key)
{
	struct minfo *in = memo_info(r->memo, r->set, it);
	struct buf *b = &r->memo->ser;
	uintptr_t id = (uintptr_t)it;
	size_t i;

	*inp = in;
	if (!in->ok)
		return -1;
	if (in->tries >= MEMO_PROBE && in->hits * 4 < in->tries) {
		in->ok = 0;
		return -1;
	}
	in->tries++;
	buf_reset(b);
	buf_add(b, (const char *)&id, sizeof(id));
	put_size(b, indlen);
	buf_add(b, ind, indlen);
	for (i = 0; i < in->nnames; i++)
		ser_value(r->memo, b, lookup(c, in->names[i]));
	*key = digest(b);
	return 0;
}

/* Render a partial or parent: the named template with its indentation. */
static int
render_include(struct render *r, const struct tmpl *t, const struct node *k,
    const struct ctx *c, const struct frame *f, const char *ind,
    size_t indlen)
{
	struct buf nind = BUF_INIT;
	const struct tmpl *it = NULL;
	struct minfo *in;
	struct mres *hit;
	struct h128 key;
	struct frame nf;
	size_t start, steps;
	int rc, strict = 0;

	rc = r->set != NULL ?
	    set_lookup(r->set, k->name, &it, &strict, r->err) : 1;
	if (rc == -1)
		return -1;
	if (rc == 1)
		return strict ? rerr(r->err, t, k, "%s '%s' not found",
		    kind_names[k->kind], k->name) : 0;
	if (r->depth >= TMPL_MAX_DEPTH)
		return rerr(r->err, t, k, "%s '%s' nested deeper than %d "
		    "levels", kind_names[k->kind], k->name, TMPL_MAX_DEPTH);
	if (k->standalone && k->indlen > 0) {
		buf_add(&nind, ind, indlen);
		buf_add(&nind, k->ind, k->indlen);
		ind = nind.ptr;
		indlen = nind.len;
	}
	if (k->kind == K_PARENT) {
		nf.t = t;
		nf.parent = k;
		nf.up = f;
		f = &nf;
	}
	if (k->kind == K_PARTIAL && r->memo != NULL &&
	    memo_key(r, it, c, ind, indlen, &in, &key) == 0) {
		start = r->out->len;
		if (r->memo->capres > 0 &&
		    (hit = res_find(r->memo, key))->out != NULL) {
			in->hits++;
			buf_release(&nind);
			if (r->steps + hit->steps > TMPL_MAX_STEPS)
				return rerr(r->err, t, k, "rendering takes "
				    "more than %d steps", TMPL_MAX_STEPS);
			if (start - r->mark + hit->checked > TMPL_MAX_OUTPUT)
				return rerr(r->err, t, k, "output larger "
				    "than %d bytes", TMPL_MAX_OUTPUT);
			r->steps += hit->steps;
			r->checked = start + hit->checked;
			buf_add(r->out, hit->out, hit->len);
			return 0;
		}
		steps = r->steps;
		r->depth++;
		rc = render_nodes(r, it, it->kids, it->nkids, c, f, ind,
		    indlen);
		r->depth--;
		if (rc == 0)
			res_insert(r->memo, key, r->out->ptr + start,
			    r->out->len - start, r->steps - steps,
			    r->checked - start);
		buf_release(&nind);
		return rc;
	}
	r->depth++;
	rc = render_nodes(r, it, it->kids, it->nkids, c, f, ind, indlen);
	r->depth--;
	buf_release(&nind);
	return rc;
}

/*
 * Render a block: the outermost override of its name among the parents
 * being expanded, else its own content.  A standalone block indents
 * every line of what it renders, the first included.
 */
static int
render_block(struct render *r, const struct tmpl *t, const struct node *k,
    const struct ctx *c, const struct frame *f, const char *ind,
    size_t indlen)
{
	struct buf nind = BUF_INIT;
	const struct tmpl *bt = t;
	const struct node *b = k, *first;
	const struct frame *fr;
	size_t i;
	int rc;

	for (fr = f; fr != NULL; fr = fr->up)
		for (i = 0; i < fr->parent->nkids; i++)
			if (fr->parent->kids[i].kind == K_BLOCK &&
			    strcmp(fr->parent->kids[i].name, k->name) == 0) {
				bt = fr->t;
				b = &fr->parent->kids[i];
			}
	if (b != k && r->depth >= TMPL_MAX_DEPTH)
		return rerr(r->err, t, k, "block '%s' nested deeper than %d "
		    "levels", k->name, TMPL_MAX_DEPTH);
	if (k->standalone) {
		buf_add(&nind, ind, indlen);
		if (k->indlen > 0)
			buf_add(&nind, k->ind, k->indlen);
		else
			buf_add(&nind, k->intr, k->intrlen);
		ind = nind.ptr;
		indlen = nind.len;
		/* Content that starts mid-line has no mark for its first
		 * line; it goes on a line of its own all the same. */
		first = b->nkids > 0 ? &b->kids[0] : NULL;
		if (!b->cbol && first != NULL &&
		    !(first->kind == K_TEXT && first->len > 0 &&
		    (first->text[0] == '\n' || first->text[0] == '\r')))
			buf_add(r->out, ind, indlen);
	}
	if (b != k)
		r->depth++;
	rc = render_nodes(r, bt, b->kids, b->nkids, c, f, ind, indlen);
	if (b != k)
		r->depth--;
	buf_release(&nind);
	return rc;
}

static int
render_nodes(struct render *r, const struct tmpl *t, const struct node *v,
    size_t n, const struct ctx *c, const struct frame *f, const char *ind,
    size_t indlen)
{
	const struct tval *val;
	const struct node *k;
	struct ctx nc;
	size_t i, j;

	for (i = 0; i < n; i++) {
		k = &v[i];
		if (++r->steps > TMPL_MAX_STEPS)
			return rerr(r->err, t, k, "rendering takes more than "
			    "%d steps", TMPL_MAX_STEPS);
		r->checked = r->out->len;
		if (r->out->len - r->mark > TMPL_MAX_OUTPUT)
			return rerr(r->err, t, k, "output larger than %d "
			    "bytes", TMPL_MAX_OUTPUT);
		switch (k->kind) {
		case K_TEXT:
			buf_add(r->out, k->text, k->len);
			break;
		case K_INDENT:
			buf_add(r->out, ind, indlen);
			break;
		case K_VAR:
		case K_RAW:
			if ((val = lookup(c, k->name)) != NULL)
				put_value(r->out, val, k->kind == K_VAR);
			break;
		case K_SECTION:
			val = lookup(c, k->name);
			if (!truthy(val))
				break;
			nc.up = c;
			if (val->kind != TV_ARR) {
				nc.v = val;
				if (render_nodes(r, t, k->kids, k->nkids, &nc,
				    f, ind, indlen) == -1)
					return -1;
				break;
			}
			for (j = 0; j < val->n; j++) {
				nc.v = &val->u.a[j];
				if (render_nodes(r, t, k->kids, k->nkids, &nc,
				    f, ind, indlen) == -1)
					return -1;
			}
			break;
		case K_INVERTED:
			if (!truthy(lookup(c, k->name)) &&
			    render_nodes(r, t, k->kids, k->nkids, c, f, ind,
			    indlen) == -1)
				return -1;
			break;
		case K_PARTIAL:
		case K_PARENT:
			if (render_include(r, t, k, c, f, ind, indlen) == -1)
				return -1;
			break;
		case K_BLOCK:
			if (render_block(r, t, k, c, f, ind, indlen) == -1)
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

int
tmpl_render(const struct tmpl *t, struct tmpl_set *set, json_t *data,
    struct buf *out, struct buf *err)
{
	return tmpl_render_memo(t, set, data, NULL, out, err);
}

int
tmpl_render_memo(const struct tmpl *t, struct tmpl_set *set, json_t *data,
    struct tmpl_memo *memo, struct buf *out, struct buf *err)
{
	struct tarena a = TARENA_INIT;
	struct tval v = tv_null();
	int rc;

	if (data != NULL)
		v = from_json(&a, memo, data);
	rc = tmpl_render_tv(t, set, &v, memo, out, err);
	tarena_release(&a);
	return rc;
}

int
tmpl_render_tv(const struct tmpl *t, struct tmpl_set *set,
    const struct tval *data, struct tmpl_memo *memo, struct buf *out,
    struct buf *err)
{
	static const struct tval null = { TV_NULL, 0, 0, { NULL } };
	struct render r;
	struct ctx top;

	r.memo = memo;
	r.set = set;
	r.out = out;
	r.err = err;
	r.mark = out->len;
	r.steps = 0;
	r.checked = out->len;
	r.depth = 0;
	top.v = data != NULL ? data : &null;
	top.up = NULL;
	if (render_nodes(&r, t, t->kids, t->nkids, &top, NULL, "", 0) == -1) {
		buf_truncate(out, r.mark);
		return -1;
	}
	return 0;
}
