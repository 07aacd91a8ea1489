/*
 * feeds: the files gen writes beside the pages: the Atom feed of news
 * items (feed.xml), sitemap.xml (when site.yaml has base_url),
 * robots.txt, the search index (search-index.js and its parts under
 * search-index/, loaded as scripts so that search works from file://)
 * and JSON copies of the YAML files in data/.
 *
 * Members pages appear in none of them.
 */
#ifndef GEN_FEEDS_H
#define GEN_FEEDS_H

struct buf;
struct out;
struct site;

/* Register data/NAME.json for every data/NAME.yaml. */
void	feeds_register_data(struct site *);

/* Register search-index.js and its parts (gen/feeds.c describes them),
 * once the pages are loaded. */
void	feeds_register_search(struct site *);

/*
 * The search index's parts, each written as soon as its pages are done:
 * feeds_search_plan() once the pages are loaded; feeds_search_done()
 * for each page index as its page is rendered or kept (thread-safe),
 * which is 1, with *run set, for the last page of a part, whose thread
 * then writes the part with feeds_search_write_run() (a page's entry is
 * then released; the messages of a page that has to be read again for
 * its entry go to page_err[its index], others to err).  feeds_write()
 * writes any part not written yet and the index of parts.
 */
struct search_plan;
struct search_plan *feeds_search_plan(const struct site *);
int	feeds_search_done(struct search_plan *, size_t page, size_t *run);
int	feeds_search_write_run(struct site *, struct out *,
	    struct search_plan *, size_t run, struct buf *page_err,
	    struct buf *err);
void	feeds_search_plan_free(struct search_plan *);

/* Write all of the above into the output.  0, or -1 with messages in
 * err. */
int	feeds_write(struct site *, struct out *, struct search_plan *,
	    struct buf *err);

/* A page's entry of the search index ("[title, url, ...]" after a
 * newline), appended to b; nothing for a page that is not public.
 * Thread-safe: the rendering threads make the entries as they go. */
struct page;
void	feeds_search_entry(const struct page *, struct buf *b);

/* The number of bytes of a page's text kept in the search index, white
 * space collapsed: about 5,000 characters of Japanese. */
#define FEEDS_SEARCH_TEXT_MAX	16384

#endif
