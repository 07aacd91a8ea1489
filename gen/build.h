/*
 * build: `gen build` — load a site, render every page through the theme,
 * write the tree with its feed, sitemap, robots.txt, search index and
 * data files into a temporary folder, and put it in place of the old
 * output only when everything succeeded.
 */
#ifndef GEN_BUILD_H
#define GEN_BUILD_H

/*
 * Every tree gen writes holds this file: the manifest of the files the
 * last build wrote, with their hashes (see out.h), and the mark that
 * lets gen replace the folder (never, say, a home folder given to -o by
 * mistake).  Not part of the ZIP.
 */
#ifndef GEN_VERSION
#define GEN_VERSION "0.1.0"
#endif

#define BUILD_MARKER		".gen-output"
/* The layout's data for the pages of the FastCGI programs, which lie two
 * folders down (app/<program>/): cgi/core/view.h reads it. */
#define APP_DATA		".gen-app.json"
#define BUILD_MARKER_TEXT	"Written by gen build, which owns this " \
	"folder and updates it on every build; the files it wrote, with " \
	"their hashes:\n"

struct build_opts {
	const char	*site_dir;	/* content/<site> */
	const char	*out_dir;	/* NULL: public/<site> */
	const char	*theme_dir;	/* NULL: search the usual places */
	char		 today[11];	/* YYYY-MM-DD, for expiry */
	int		 drafts;
	int		 quiet;
	unsigned	 jobs;		/* threads; 0: one per core */
	int		 live_reload;	/* gen watch: pages reload themselves */
	int		 list_written;	/* name the files written */
	int		 last;		/* the process ends after this build: its
					   memory may be left to the system */
	struct buf	*theme_found;	/* when not NULL: gets the theme's folder */
};

/* The files of gen watch's live reload, at the output's root. */
#define LIVE_RELOAD_JS		"live-reload.js"
#define LIVE_RELOAD_JSON	"live-reload.json"

/* Returns the process exit status: 0, or 1 with messages on stderr. */
int	build_run(const struct build_opts *);

/*
 * For gen check: load the site as build_run() does up to its Markdown —
 * the site, its theme (layouts checked, the ids its templates write
 * reserved), and every file a build writes besides pages and assets
 * registered — so that links resolve as in a build.  Writes nothing.
 * Returns 0, or -1 with messages in s->err; site_release() it either way.
 */
struct site;
struct page;
/*
 * The ids each layout of the theme writes literally (id="..."), with
 * the partials and parents it includes, for telling the ids a page's
 * layout gives it from those of other layouts (an anchor to the home
 * page's "home-news-title" is broken on any other page).
 */
struct map;
struct theme_ids {
	struct map	*by_layout;	/* layout -> its ids (struct map *) */
};
/* `ids`, when not NULL, gets those of the layouts the pages use. */
int	build_load(struct site *s, const struct build_opts *,
	    struct theme_ids *ids);
/* The ids page p's layout writes, as a map from id to non-NULL. */
const struct map *theme_ids_of(const struct theme_ids *, const struct page *p);
void	theme_ids_release(struct theme_ids *);

/*
 * The time of the build in Japan (UTC+9), broken down: now, or
 * SOURCE_DATE_EPOCH when that is set (reproducible builds).  -1, with a
 * message on stderr, when SOURCE_DATE_EPOCH is not a number of seconds.
 */
struct tm;
int	build_time(struct tm *);

/* The absolute form of `path`, which need not exist yet: the real path
 * of its longest existing head, then the rest; nothing when the rest
 * holds "..". */
struct buf;
void	real_out_path(const char *path, struct buf *out);

/* Its date as YYYY-MM-DD.  0 or -1 (as above). */
int	build_today(char out[11]);

#endif
