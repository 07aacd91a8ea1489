/*
 * site: a content folder loaded into memory — site.yaml, every page with
 * its front matter, the section tree, the assets to copy — and the
 * lookups that resolve an editor's link to the file it names.
 */
#ifndef GEN_SITE_H
#define GEN_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cache.h"
#include "map.h"
#include "md.h"

struct ynode;

/* Named limits on editor input. */
#define SITE_MAX_PAGE_BYTES	(8u << 20)	/* one Markdown file */
#define SITE_MAX_FM_BYTES	(64u << 10)	/* its front matter */
#define SITE_MAX_DEPTH		32		/* folder nesting */
/* Folders of a site kept open while its pages are looked at: well under
 * the usual limit of 1,024 descriptors. */
#define SITE_WALK_FDS		256

enum page_kind {
	PAGE_HOME,
	PAGE_SECTION,	/* a folder's _index.md */
	PAGE_REGULAR,
};

struct page {
	char		*src;	 /* "news/a.md", from the site folder (the
				    end of file) */
	char		*srcdir; /* "news/" */
	char		*path;	 /* "news/a/": how editors name it */
	char		*out;	 /* "news/a/index.html" (members/ first if so) */
	uint64_t	 outhash; /* hash64 of out */
	char		*outdir; /* "news/a/" */
	char		*file;	 /* "content/center/news/a.md", for messages;
				    src, srcdir and path are in the same
				    allocation */
	enum page_kind	 kind;
	struct page	*parent; /* enclosing section; NULL for home */
	struct page	**kids;	 /* a section's pages and sections, sorted */
	size_t		 nkids;
	/* How they were sorted, for the next build (site.c): a hash of
	 * their sorthash in the order found (0 when not sorted), and for
	 * each its place in that order (uint32_t, native), in rec or in
	 * memory of the page's own. */
	uint64_t	 orderhash;
	const char	*order;
	int		 order_own;

	/* Front matter. */
	char		*title;
	char		*description;
	char		*date;	 /* YYYY-MM-DD or NULL */
	char		*expires;
	char		*layout;
	size_t		 layout_line;
	char		*menu;	 /* menu name or NULL */
	long long	 weight;
	int		 has_weight;
	int		 draft;
	int		 members;	/* access: members (set or inherited) */
	int		 access_set;	/* access given in this file */
	char		**aliases;
	size_t		 naliases;
	size_t		 aliases_line;
	char		**tags;
	size_t		 ntags;

	struct buf	 text;	 /* the whole file */
	struct buf	 load_errs; /* its messages from reading, until the
				    site takes them in page order */
	int		 load_ok; /* read (or from the cache) and parsed */
	size_t		 body_off;
	size_t		 body_line;

	/* What the next build needs to know this page again (cache.h). */
	struct cache_stat st;	 /* the file's identity */
	int		 need_stat; /* st not known yet */
	int		 dirfd;	 /* while loading: its folder, or -1 */
	uint64_t	 srchash; /* hash64 of the file's bytes */
	uint64_t	 listhash; /* of its title, date and description: what
				    a list shows of it (build.c) */
	uint64_t	 sorthash; /* of what ordering a list reads of it:
				    listhash, weight, source */
	struct buf	 fmrec;	 /* its front matter, as the cache keeps it */
	int		 fm_cached; /* that is rec's (page_fmrec) */
	int		 fm_borrowed; /* the fields' strings are rec's */
	char		*fm_block; /* then the lists of aliases and tags, in
				    one allocation, or NULL */
	const struct cache_rec *rec; /* the last build's record, or NULL */
	int		 from_cache; /* front matter from rec; file not read */
	uint64_t	 key;	 /* what its output files are made from */
	struct buf	 outs;	 /* the files it wrote, each NUL-ended */
	int		 kept;	 /* not rendered: its files, and its search
				    entry, are the ones rec names */

	int		 notfound; /* 404.md: written as 404.html */
	int		 news;	 /* a dated item of the news section */
	int		 expired;
	struct md_doc	*doc;	 /* rendered body, or NULL: made by
				    site_render_page() (page_doc()), for
				    the few pages a rebuild renders */
	struct buf	 search; /* its search-index entry, from rendering to
				    the writing of its part (feeds.c) */
	/* Where this build's index has that entry (feeds.c), for the next
	 * build: the part's name (the site's), offset and length. */
	const char	*search_part;
	size_t		 search_off;
	size_t		 search_len;
};

/* A folder as the walk found it, for the next build's cache. */
struct site_dir {
	char		*path;	/* "" or "news/" */
	struct cache_stat st;
	const char	*ents;	/* as struct cache_dir has them: the last
				   cache's, or `own` */
	size_t		 entslen;
	char		*own;
};

struct asset {
	char	*src;	/* "about/images/a.svg" */
	char	*out;	/* the same path in the output */
	uint64_t outhash; /* hash64 of out */
	char	*file;	/* "content/center/about/images/a.svg" */
};

struct menu_entry {
	unsigned	 id;	/* "menu-ID": unique in the page, main then footer */
	char		*title;
	char		*url;	/* outside URL, or NULL for a page */
	struct page	*page;
	long long	 weight;
	struct menu_entry *kids;
	size_t		 nkids;
};

struct site {
	char		*dir;	/* the site folder, no trailing slash */
	char		*name;	/* its last component: "center" */
	char		*title;
	char		*description;
	char		*language;
	char		*theme;
	char		*pattern; /* "top" or "side" */
	char		*base_url; /* with a trailing slash, or NULL */
	char		*copyright;
	char		*news_dir; /* "news/" or NULL */
	long long	 per_page;
	char		 today[11]; /* YYYY-MM-DD, for expiry */
	int		 drafts;
	unsigned	 jobs;	/* threads for rendering Markdown; 0: one */

	struct page	**pages; /* sorted by source path */
	size_t		 npages;
	size_t		 pages_cap;
	struct page	**slabs;	/* where the pages are (site.c) */
	size_t		 nslabs;
	struct page	*slab_next;
	size_t		 slab_left;
	struct page	**dropped; /* drafts and broken pages: only their
				    names are kept, as keys of by_src and
				    by_path */
	size_t		 ndropped;
	struct page	**pending; /* found by the walk, not read yet */
	size_t		 npending;
	size_t		 pending_cap;
	struct load_job	*loading; /* reading them as the walk finds them,
				    or NULL (site.c) */
	int		*walk_fds; /* their folders, open until they are */
	size_t		 nwalk_fds;
	struct site_dir	*dirs;	 /* the folders walked (with a cache) */
	size_t		 ndirs;
	size_t		 dirs_cap;
	struct page	*home;
	struct page	*news;	/* the news section, or NULL */
	struct asset	*assets;
	size_t		 nassets;
	size_t		 assets_cap;
	struct cache	*cache;	/* the last build's, or NULL */
	uint64_t	 config_hash; /* of site.yaml's bytes */
	char		**datafiles; /* "data/x.yaml" */
	size_t		 ndatafiles;
	char		**gen_outputs; /* site_add_output()'s names */
	size_t		 ngen_outputs;
	char		**search_parts; /* the search index's, as written */
	size_t		 nsearch_parts;

	struct menu_entry *menu;	/* main menu */
	size_t		 nmenu;
	struct menu_entry *footer;
	size_t		 nfooter;

	struct map	 by_src;	/* "news/a.md" -> page */
	struct map	 by_path;	/* "news/a/" -> page */
	struct map	 by_asset;	/* "about/x.svg" -> asset */
	struct map	 outputs;	/* every output file -> non-NULL */

	char		**reserved;	/* ids headings may not take */
	size_t		 nreserved;
	struct map	 reserved_ids;

	struct buf	 err;		/* messages, one per line */
	size_t		 nerr;
};

/*
 * Load the site in folder `dir`: site.yaml, pages, assets, data files.
 * `drafts` includes pages marked draft.  `today` (YYYY-MM-DD) decides
 * which items have expired.  With `cache` (the last build's, or NULL), a
 * page whose file is as the cache recorded it is not read: its front
 * matter comes from the cache (from_cache), and site_read_page() reads
 * the file when its body is needed.  Returns 0, or -1 with messages in
 * site->err.
 */
int	site_load(struct site *, const char *dir, int drafts,
	    const char *today, struct cache *cache);

/* The folder name gen gives a site in `dir` ("center"), as a new string. */
char	*site_name(const char *dir);

/* Read the file of a page loaded from the cache (nothing for the others).
 * 0, or -1 with a message in err (the file is gone, or changed since
 * the build began). */
int	site_read_page(struct site *, struct page *, struct buf *err);
void	site_release(struct site *);

/* The page made from source file `src` ("news/a.md"), or NULL. */
struct page *site_page(const struct site *, const char *src);

/* Record that the output file `out` will exist (generated files). */
void	site_add_output(struct site *, const char *out);

/*
 * Resolve a URL written in page `p` at `line` (see md_resolver) and
 * append the relative URL to out.  Outside URLs and in-page anchors are
 * kept as written.  On a broken link, reports "FILE:LINE: message" in
 * site->err and returns -1.
 */
int	site_resolve(struct site *, const struct page *p, const char *url,
	    size_t len, size_t line, struct buf *out);

/* Move the messages in `e` (one a line) into the site's list. */
void	site_take_errors(struct site *, struct buf *e);

/* Reserve the menu's ids, once, before rendering pages' Markdown. */
void	site_prepare_markdown(struct site *);

/* Render one page's Markdown (links resolved), its messages appended to
 * err; -1 when there were any.  Safe on several threads at once for
 * different pages, after site_prepare_markdown(). */
int	site_render_page(struct site *, struct page *, struct buf *err);

/* The page's Markdown document, made empty first if it has none yet. */
struct md_doc *page_doc(struct page *);
/* Its document let go, if it has one. */
void	page_doc_release(struct page *);

/* The names of a page's files (each NUL-ended): made by this build, or
 * the last build's when the page was kept. */
const char *page_outs(const struct page *, size_t *len);
/* Its front matter as the cache keeps it: read from its file, or the
 * last build's record of it. */
const char *page_fmrec(const struct page *, size_t *len);

/* A digest of everything a link can resolve to: every source, page path,
 * asset and output file, and where each leads.  Equal digests: every link
 * resolves as before. */
uint64_t site_link_digest(const struct site *);

/* Keep headings from taking `id` (one the theme writes). */
void	site_reserve_id(struct site *, const char *id, size_t len);

/* Render every page's Markdown (links resolved).  0 or -1.  Reserves
 * the menu's ids and those given to site_reserve_id() first. */
int	site_render_markdown(struct site *);

/* printf-like: add a message line to site->err. */
void	site_error(struct site *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
