/*
 * tmpl: Mustache templates.
 *
 * Implements the Mustache specification (github.com/mustache/spec):
 * interpolation (escaped with esc_html() by default, raw with {{{x}}} or
 * {{&x}}), sections, inverted sections, comments, partials with standalone
 * indentation, set delimiters, and the inheritance module ({{<parent}},
 * {{$block}}).  Lambdas and dynamic names are not supported.
 *
 * Data is a tree of values (lib/tval.h), made in an arena by the caller
 * (tmpl_render_tv), or a jansson json_t tree, which is read into such
 * values first (tmpl_render).  Falsey values for sections are false,
 * null, an empty array and an empty string; everything else is truthy.
 * Numbers interpolate in their shortest form (85, 1.21).
 *
 * Templates are parsed once into an opaque `struct tmpl`; rendering never
 * modifies a parsed template, so one template may be rendered from many
 * threads at once.
 *
 * Named templates (partials and parents) come from a `struct tmpl_set`,
 * which asks its loader for the source of a name the first time it is
 * used and keeps the parsed result.  tmpl_set_get() is thread-safe.
 * A set is lenient by default, as the spec asks (a missing partial
 * renders as nothing); tmpl_set_strict() makes a missing partial or
 * parent an error naming it and where it was referenced.
 *
 * Errors are appended to `err` as "FILE:LINE:COL: message", where FILE is
 * the label given at parse time (or by the loader) and LINE/COL are
 * 1-based, COL counting bytes.  `err` may be NULL.
 *
 * Indentation: a standalone partial or parent indents each line of what
 * it includes by the whitespace before its tag; a standalone block loses
 * the indentation its lines share where it is defined and takes that of
 * the block tag where it is expanded.  Empty lines are not indented.
 */
#ifndef KK_TMPL_H
#define KK_TMPL_H

#include <jansson.h>

#include "tval.h"

struct buf;
struct tmpl;
struct tmpl_memo;
struct tmpl_set;

/*
 * Limits.  Rendering recurses once per open section and once per
 * partial, parent or block override it expands, so both are bounded to
 * keep the stack small.  A partial that includes itself is fine as long
 * as the data ends the recursion within TMPL_MAX_DEPTH levels.
 */
#define TMPL_MAX_NEST	64	/* sections, parents, blocks open at once */
#define TMPL_MAX_DEPTH	64	/* partials, parents, overrides nested */

/*
 * Sections over arrays multiply: {{#a}}{{#a}}...{{/a}}{{/a}} repeats the
 * inside |a|^n times, so one render is also bounded in work and size.
 * Real pages stay far below both.  Past TMPL_MAX_NEST is a syntax error,
 * past any of the others a render error.
 */
#define TMPL_MAX_STEPS	(1 << 24)	/* nodes visited per render */
#define TMPL_MAX_OUTPUT	(64 << 20)	/* bytes appended per render */

/*
 * A loader appends the source of template `name` to `src` and may set
 * `label` (used in error messages; defaults to the name).  It returns 0
 * when found, 1 when there is no such template, -1 on another error
 * (having appended a message to `err`, which may be NULL).  `name` is the
 * tag's content as written: a loader that maps names to files must
 * refuse "..", absolute paths and the like.  The loader runs with the
 * set's lock held (so once per name) and must not call into the set.
 * A name the loader does not have is remembered as missing.
 */
typedef int (*tmpl_loader)(void *arg, const char *name, struct buf *src,
    struct buf *label, struct buf *err);

/* Parse `src`.  Returns NULL on a syntax error, with a message in err. */
struct tmpl	*tmpl_parse(const char *src, size_t len, const char *label,
		    struct buf *err);
void		 tmpl_free(struct tmpl *);

/* A set; with a NULL loader it holds only what tmpl_set_add() puts in. */
struct tmpl_set	*tmpl_set_new(tmpl_loader, void *arg);
void		 tmpl_set_free(struct tmpl_set *);
void		 tmpl_set_strict(struct tmpl_set *, int);
/* Add a template to the set under `name` from a string, replacing any
 * earlier one; returns 0, or -1 on a syntax error (message in err).
 * `label` may be NULL for the name.  A replaced template stays allocated
 * until the set is freed, so renders in progress may go on using it. */
int		 tmpl_set_add(struct tmpl_set *, const char *name,
		    const char *src, size_t len, const char *label,
		    struct buf *err);
/* The template named `name`, loading and parsing it on first use.
 * NULL when missing or invalid (message in err).  The set owns it. */
const struct tmpl *tmpl_set_get(struct tmpl_set *, const char *name,
		    struct buf *err);
/* Its source as parsed, and the name of each partial ({{> name}}) and
 * parent ({{< name}}) it includes, to fn, in order: what a theme's
 * layout brings into a page. */
const char	*tmpl_source(const struct tmpl *, size_t *len);
void		 tmpl_includes(const struct tmpl *,
		    void (*fn)(void *arg, const char *name), void *arg);

/*
 * Render `t` with `data` as the top of the context stack, appending to
 * `out`.  Partials and parents are looked up in `set` (which may be NULL
 * when the template uses none).  Returns 0, or -1 with a message in err
 * (a missing partial in a strict set, a partial or parent that fails to
 * load or parse, nesting past TMPL_MAX_DEPTH, more work or output than
 * TMPL_MAX_STEPS or TMPL_MAX_OUTPUT); `out` is then left as it was.
 * Strings interpolate as they are (escaped or not), integers in decimal,
 * reals in the shortest form that reads back the same, true and false
 * as words; null, objects and arrays as nothing.  Section names
 * and variables may be dotted ("a.b.c") or "." for the current item.
 */
int	tmpl_render(const struct tmpl *t, struct tmpl_set *set, json_t *data,
	    struct buf *out, struct buf *err);
/* The same from values; `data` NULL reads as null. */
int	tmpl_render_tv(const struct tmpl *t, struct tmpl_set *set,
	    const struct tval *data, struct tmpl_memo *memo, struct buf *out,
	    struct buf *err);

/*
 * A memo: partials rendered once for each distinct data they read and
 * copied thereafter, for one thread rendering many pages with the same
 * set.  A partial's output depends only on the values its names resolve
 * to where it is included (and its indentation); the memo keys it by a
 * 128-bit digest of those values' content, so a changed value is never
 * served stale.  Partials with blocks, parents or "." are always
 * rendered, and so is one whose outputs rarely repeat (after a few
 * dozen tries).  Outputs are kept up to max_bytes in all.
 *
 * tmpl_memo_pin_tv() lets the memo know a value (and every array and
 * object inside it) by the address of its items, which its copies
 * share, and digests it once; the value must not change, nor its items
 * be freed, while the memo lives.  tmpl_memo_pin() does the same for
 * JSON data given to tmpl_render_memo(): it takes a reference and keeps
 * the value it made of it, which renders use wherever that JSON value
 * appears.  A memo is not thread-safe and must not outlive the set it
 * renders with.
 */
struct tmpl_memo;

struct tmpl_memo *tmpl_memo_new(size_t max_bytes);
void		 tmpl_memo_free(struct tmpl_memo *);
void		 tmpl_memo_pin(struct tmpl_memo *, json_t *);
void		 tmpl_memo_pin_tv(struct tmpl_memo *, const struct tval *);
/* How many partials the memo has copied instead of rendering. */
size_t		 tmpl_memo_hits(const struct tmpl_memo *);
/* tmpl_render() with a memo (which may be NULL). */
int		 tmpl_render_memo(const struct tmpl *t, struct tmpl_set *set,
		    json_t *data, struct tmpl_memo *memo, struct buf *out,
		    struct buf *err);

#endif
