/*
 * check: `gen check` — everything a build can warn about, in one run,
 * without writing anything.  The site is loaded and its Markdown rendered
 * exactly as by gen build (build_load(), site_render_markdown() with its
 * resolver), with md's linter on every page (see md.h).  Reported, each as
 * "FILE:LINE: KIND: message", sorted by file and line:
 *
 *   error          what stops a build (front matter, site.yaml, layouts...)
 *   link           a link to no page or file
 *   anchor         a link to an id the page it leads to does not have
 *   alt            an image without alt text
 *   heading        a heading level skipped, or an h1 in the body
 *   link-text      a link without text
 *   duplicate-id   an id given twice on a page
 *   outside-asset  a script, style, font or image loaded from outside
 *   description    a page without a description
 *   external       (--external) an outside link that does not answer
 *
 * then a summary line.
 */
#ifndef GEN_CHECK_H
#define GEN_CHECK_H

/* Bounds on --jobs-external and --timeout. */
#define CHECK_MAX_JOBS		64
#define CHECK_MAX_TIMEOUT	300	/* seconds */

struct check_opts {
	const char	*site_dir;	/* content/<site> */
	const char	*theme_dir;	/* NULL: search the usual places */
	const char	*today;		/* YYYY-MM-DD, for expiry */
	int		 drafts;	/* check pages marked draft too */
	int		 external;	/* check outside links over the network */
	unsigned	 jobs;		/* requests at once; 0: 8 */
	unsigned	 timeout;	/* seconds a request may take; 0: 10 */
};

/*
 * Check the site and print the report on stdout.  Returns the process
 * exit status: 0 when nothing was found, 1 when anything was.
 */
int	check_run(const struct check_opts *);

#endif
