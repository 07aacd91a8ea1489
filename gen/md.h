/*
 * md: Markdown to HTML for gen, on md4c's parser with a renderer of our
 * own so that links can be rewritten and headings given ids.
 *
 * Beyond CommonMark (md4c with tables, strikethrough, task lists and
 * permissive autolinks), the renderer adds:
 *  - ids on h2-h6: ASCII letters and digits lowercased, full-width ones
 *    folded to ASCII, spaces and hyphens joined into '-', punctuation
 *    (ASCII and Japanese) dropped, other characters (kana, kanji) kept;
 *    repeats get "-2", "-3"; a trailing "{#name}" sets the id.
 *  - a table of contents of the h2 and h3 headings;
 *  - accordion blocks: a line ":::details TITLE" opens one and a line
 *    ":::" closes it, rendered as <details class="accordion">; they nest;
 *  - tables inside a scrollable, focusable region;
 *  - no spurious space where a soft line break falls between two
 *    Japanese characters;
 *  - every link and image URL passed through the caller's resolver.
 *
 * Content is trusted: raw HTML is passed through.
 */
#ifndef GEN_MD_H
#define GEN_MD_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "map.h"

/*
 * Resolve one link or image URL as written in the source (at file line
 * `line`) and append the URL to use to out.  Return 0, or -1 when the
 * URL is broken (having reported it); rendering goes on either way so
 * that all broken links are reported at once.
 */
typedef int (*md_resolver)(void *arg, const char *url, size_t len,
    size_t line, struct buf *out);

/*
 * Lint: what `gen check` learns from rendering a page, besides its HTML.
 * A doc may carry a linter (md_doc_set_linter); md_render() then calls it
 * for each problem it sees, and for the links and ids that can only be
 * checked once every page is rendered, each with the file line it comes
 * from.  Without a linter, rendering is exactly the same and costs
 * nothing more.  Raw HTML is read by a light scan of its tags (no full
 * parse): ids, headings, <a>, <img>, <script>, <link>, <style>, style
 * attributes and the like.
 */
enum md_lint {
	MD_LINT_LINK,		/* a link (not a problem in itself) */
	MD_LINT_ID,		/* an id written in raw HTML (idem) */
	MD_LINT_ALT,		/* an image without alt text */
	MD_LINT_HEADING,	/* a heading level skipped, or an h1 */
	MD_LINT_LINK_TEXT,	/* a link without text */
	MD_LINT_DUP_ID,		/* an id given twice on the page */
	MD_LINT_ASSET,		/* an image, script, style or font from outside */
	MD_LINT__MAX
};

struct md_lint_item {
	enum md_lint	 kind;
	size_t		 line;	/* line of the file */
	/* The message, one line, no "FILE:LINE: " (problems); the URL as
	 * written, entities decoded (MD_LINT_LINK); the id (MD_LINT_ID). */
	const char	*text;
	size_t		 len;
	/* MD_LINT_LINK: the URL the resolver gave, or NULL when the link is
	 * raw HTML (which is not resolved) or the resolver failed. */
	const char	*resolved;
	size_t		 rlen;
	int		 raw;	/* MD_LINT_LINK: written in raw HTML */
};

/* The linter's arg is the one given to md_doc_set_linter(); the item's
 * strings live only for the call. */
typedef void (*md_linter)(void *arg, const struct md_lint_item *);

/* An h2 or h3, for the table of contents: its id and text are at those
 * offsets in the document's htext. */
struct md_heading {
	unsigned	 level;
	size_t		 id, idlen;
	size_t		 text, textlen;
};

struct md_doc {
	struct buf	 html;	/* the rendered body */
	struct buf	 text;	/* plain text, for the search index */
	struct md_heading *headings; /* the h2 and h3, in order */
	size_t		 nheadings, headings_cap;
	struct buf	 htext;	/* their ids and texts, each ending in NUL */
	struct map	 ids;	/* ids used on the page */
	struct map	 idnext; /* heading text -> last suffix given */
	const struct map *reserved; /* ids shared by every page, or NULL */
	md_linter	 lint;	/* NULL: no linting */
	void		*lint_arg;
};

void	md_doc_init(struct md_doc *);
void	md_doc_release(struct md_doc *);

/*
 * Reserve an id (one the layout uses, like "main") so that no heading
 * takes it.
 */
void	md_doc_reserve_id(struct md_doc *, const char *);

/*
 * Reserve a whole set of ids at once, shared by every page (the theme's):
 * the doc only points at the map, which must outlive it.
 */
void	md_doc_set_reserved(struct md_doc *, const struct map *);

/* 1 when the page has the id: a heading's or a reserved one. */
int	md_doc_has_id(const struct md_doc *, const char *, size_t);
/* 1 when one of the page's headings has the id. */
int	md_doc_heading_id(const struct md_doc *, const char *, size_t);

/* Have md_render() report to `fn` (see above); NULL turns it off. */
void	md_doc_set_linter(struct md_doc *, md_linter fn, void *arg);

/*
 * Render `len` bytes of Markdown whose first line is line `first_line` of
 * `file`.  Returns 0, or -1 when a link failed to resolve or the source
 * is malformed (an unclosed accordion), with "FILE:LINE: message" lines
 * appended to err for the latter.
 */
int	md_render(struct md_doc *, const char *src, size_t len,
	    const char *file, size_t first_line, md_resolver, void *arg,
	    struct buf *err);

/* Append the id form of heading text (see above) to out. */
void	md_slug(struct buf *out, const char *text, size_t len);

#endif
