/*
 * view: the programs' pages, in the site's own layout.
 *
 * A program's page is a Mustache template `cgi/<name>.mustache` of the
 * site's theme that extends the theme's `base` layout, as gen's layouts
 * do ({{<base}}{{$main}}...{{/main}}{{/base}}), so that it has the same
 * header, menus and footer as the static pages.  Templates are looked up
 * as gen does, cgi/ first: `{{> header}}` is partials/header.mustache,
 * `{{<base}}` layouts/base.mustache; each is parsed once.
 *
 * The layout's data (the site, its menus, the URLs of the home page and
 * of the assets) is gen's: `gen build` writes it into the output as
 * .gen-app.json, computed for a page two folders deep (app/<program>/),
 * where every program's page is.  The view reads it when it starts and
 * again whenever gen has rewritten it; without it (a site not built
 * yet) pages still render, with the site's title and no menus.
 *
 * view_render() adds to the handler's data what it leaves out: the
 * layout's keys, `page` ({title, kind: "app"}), and `breadcrumbs` (the
 * home page, then this page).
 */
#ifndef KK_VIEW_H
#define KK_VIEW_H

#include <jansson.h>

struct buf;
struct view;

/* themes_dir/theme is the theme; public_dir gen's output (may be NULL).
 * NULL when the theme has no layouts (message in err). */
struct view	*view_new(const char *themes_dir, const char *theme,
		    const char *public_dir, const char *site_title,
		    struct buf *err);
void		 view_free(struct view *);

/* Render cgi/<name> with `data` (borrowed; keys are added to it) and
 * append the HTML to `out`.  `below` is how many folders below
 * app/<program>/ the page's address lies: 0 for every route's page, more
 * for an error page at an address such as app/auth/password/ (a slash
 * too many), for which the layout's relative URLs ("root", "url",
 * "..._url") get "../" that many times in front so that they still
 * lead where they should.  0, or -1 with a message in err. */
int		 view_render(struct view *, const char *name,
		    const char *title, int below, json_t *data,
		    struct buf *out, struct buf *err);

#endif
