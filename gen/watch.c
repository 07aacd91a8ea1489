#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "fs.h"
#include "map.h"
#include "path.h"
#include "watch.h"

/* Quiet time after the last change before rebuilding: editors save in
 * several steps (write a temporary file, rename it over the page). */
#define WATCH_SETTLE_MS	150

/* How often a folder that went away (the site's, the theme's) is looked
 * for again, and the output looked at. */
#define WATCH_LOST_MS	500

#define WATCH_EVENTS (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | \
    IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

/* A folder watched: as many as the site and the theme have now, not as
 * many as were ever made (watch descriptors only grow). */
struct wdir {
	int		 wd;
	char		*path;		/* absolute */
};

/* The site's folder or the theme's: watched with everything under it. */
struct root {
	char		*given;		/* as the user or the build named it */
	char		*real;		/* its absolute path when watched */
	int		 lost;		/* gone: looked for every WATCH_LOST_MS */
};

/* The output as the last build left it.  One removed by hand (rm -rf
 * public/site) is built again once its folder is gone, not left missing
 * until the next change to the site; a folder still there (rm -rf not
 * done yet, or only some files removed) is left alone: a build refuses
 * to write into a folder without its marker. */
struct output {
	const char	*dir;		/* OUT */
	char		*marker;	/* OUT/.gen-output */
	int		 made;		/* the last build left its marker */
};

/* What changed in one round of events, by path: a name made and gone
 * again within the round (an editor's or sed's temporary file) is none. */
#define SEEN_MADE	1
#define SEEN_GONE	2

struct watcher {
	int		 fd;
	char		*skip;		/* the output folder, never watched */
	struct wdir	*v;
	size_t		 n, cap;
	struct root	 site, theme;
	int		 rescan;	/* events were lost: watch all anew */
	struct map	 seen;		/* path -> SEEN_* bits */
	char		*last;		/* the last path seen, a key of seen */
};

/* The output folder, or the folder a build stages into beside it. */
static int
is_output(const struct watcher *w, const char *path)
{
	size_t n;

	if (w->skip == NULL)
		return 0;
	n = strlen(w->skip);
	return strncmp(path, w->skip, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/' || strncmp(path + n, ".tmp-", 5) == 0);
}

static struct wdir *
find_wd(struct watcher *w, int wd)
{
	size_t i;

	/* Tens of folders, not thousands. */
	for (i = 0; i < w->n; i++)
		if (w->v[i].wd == wd)
			return &w->v[i];
	return NULL;
}

static void
forget(struct watcher *w, struct wdir *d)
{
	free(d->path);
	*d = w->v[--w->n];
}

/* Stop watching `dir` and every folder under it. */
static void
drop_tree(struct watcher *w, const char *dir)
{
	char *copy = xstrdup(dir);	/* it may be one of the paths */
	size_t i = 0;

	while (i < w->n) {
		if (path_within(w->v[i].path, copy)) {
			inotify_rm_watch(w->fd, w->v[i].wd);
			forget(w, &w->v[i]);
		} else
			i++;
	}
	free(copy);
}

/* Watch `dir` (absolute) and the folders under it. */
static void
add_dir(struct watcher *w, const char *dir)
{
	struct buf sub = BUF_INIT, e = BUF_INIT;
	struct stat st;
	struct wdir *d;
	char **names = NULL;
	long n, i;
	int wd;

	if (is_output(w, dir) || (wd = inotify_add_watch(w->fd, dir,
	    WATCH_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW)) < 0)
		return;
	/* A folder watched already (moved within the site) keeps its
	 * descriptor, under its new name. */
	if ((d = find_wd(w, wd)) != NULL)
		free(d->path);
	else {
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 32;
			w->v = xreallocarray(w->v, w->cap, sizeof(*w->v));
		}
		d = &w->v[w->n++];
		d->wd = wd;
	}
	d->path = xstrdup(dir);
	n = fs_list(dir, &names, &e);
	for (i = 0; i < n; i++) {
		if (fs_skipped_name(names[i]))
			continue;
		buf_reset(&sub);
		buf_printf(&sub, "%s/%s", dir, names[i]);
		/* Not through a link, which the build does not follow
		 * either (and which may lead round in circles). */
		if (lstat(sub.ptr, &st) == 0 && S_ISDIR(st.st_mode))
			add_dir(w, sub.ptr);
	}
	fs_list_free(names, n > 0 ? n : 0);
	buf_release(&sub);
	buf_release(&e);
}

/* Watch a root as it is now: 0, or -1 when it is not there (lost). */
static int
watch_root(struct watcher *w, struct root *r)
{
	free(r->real);
	if ((r->real = realpath(r->given, NULL)) == NULL || !fs_is_dir(r->real)) {
		free(r->real);
		r->real = NULL;
		r->lost = 1;
		return -1;
	}
	r->lost = 0;
	add_dir(w, r->real);
	return 0;
}

/* The theme's folder inside the site's is watched with the site. */
static int
theme_apart(const struct watcher *w)
{
	return w->theme.real != NULL &&
	    (w->site.real == NULL || !path_within(w->theme.real, w->site.real));
}

/* The theme's folder no longer watched; the site's, which may lie in it
 * (a theme's example site), still is. */
static void
drop_theme(struct watcher *w)
{
	drop_tree(w, w->theme.real);
	if (w->site.real != NULL && !w->site.lost &&
	    path_within(w->site.real, w->theme.real))
		add_dir(w, w->site.real);
}

/* The theme the last build found, watched instead of the one before
 * (site.yaml may have named another, or the first build found none). */
static void
follow_theme(struct watcher *w, const struct buf *found)
{
	char *real;

	if (found->len == 0 || (real = realpath(found->ptr, NULL)) == NULL)
		return;
	if (w->theme.real != NULL && strcmp(real, w->theme.real) == 0 &&
	    !w->theme.lost) {
		free(real);
		return;
	}
	free(real);
	if (theme_apart(w))
		drop_theme(w);
	free(w->theme.given);
	w->theme.given = xstrdup(found->ptr);
	watch_root(w, &w->theme);
}

/* The folder a root's watch was on went away (deleted, moved). */
static void
root_gone(struct watcher *w, struct root *r)
{
	if (r == &w->theme && theme_apart(w))
		drop_theme(w);
	else if (r == &w->site && w->site.real != NULL)
		drop_tree(w, w->site.real);
	r->lost = 1;
}

/* The way to show an absolute path: under the site's folder as the
 * user named it, else as it is. */
static void
show_path(const struct watcher *w, const char *path, struct buf *b)
{
	const struct root *r = NULL;

	if (w->site.real != NULL && path_within(path, w->site.real))
		r = &w->site;
	else if (w->theme.real != NULL && path_within(path, w->theme.real))
		r = &w->theme;
	if (r == NULL) {
		buf_puts(b, path);
		return;
	}
	buf_puts(b, r->given);
	while (b->len > 1 && b->ptr[b->len - 1] == '/')
		buf_truncate(b, b->len - 1);
	buf_puts(b, path + strlen(r->real));
}

static void
note(struct watcher *w, const char *path, int bits)
{
	const char *key;
	uintptr_t old = (uintptr_t)map_get_key(&w->seen, path, strlen(path),
	    &key);

	if (key == NULL) {
		map_put(&w->seen, path, strlen(path), (void *)(uintptr_t)bits);
		map_get_key(&w->seen, path, strlen(path), &key);
	} else {
		/* Made again after it went: a change, whatever came before. */
		if (bits & SEEN_MADE)
			old &= ~(uintptr_t)SEEN_GONE;
		map_put(&w->seen, path, strlen(path),
		    (void *)(old | (uintptr_t)bits));
	}
	w->last = (char *)key;
}

static int
is_change(uintptr_t bits)
{
	return (bits & (SEEN_MADE | SEEN_GONE)) != (SEEN_MADE | SEEN_GONE);
}

/* What the round saw, in a line: the last path changed, and how many
 * more; empty when nothing of the site did. */
static void
changes(struct watcher *w, struct buf *b)
{
	const char *last = NULL;
	size_t i, n = 0;

	for (i = 0; i < w->seen.cap; i++) {
		const struct map_slot *sl = &w->seen.slots[i];

		if (sl->key != NULL && is_change((uintptr_t)sl->val))
			n++;
	}
	if (w->last != NULL &&
	    is_change((uintptr_t)map_gets(&w->seen, w->last)))
		last = w->last;
	else
		for (i = 0; i < w->seen.cap && last == NULL; i++)
			if (w->seen.slots[i].key != NULL &&
			    is_change((uintptr_t)w->seen.slots[i].val))
				last = w->seen.slots[i].key;
	if (last == NULL)
		return;
	show_path(w, last, b);
	if (n > 1)
		buf_printf(b, " and %zu more", n - 1);
}

static void
round_reset(struct watcher *w)
{
	map_release(&w->seen);
	w->last = NULL;
}

/*
 * Read what inotify has; returns 1 when something of the site or the
 * theme may have changed (and notes it), watching new folders, letting
 * go of those gone.
 */
static int
drain(struct watcher *w)
{
	char ev[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	struct buf path = BUF_INIT;
	ssize_t n;
	char *p;
	int changed = 0;

	while ((n = read(w->fd, ev, sizeof(ev))) > 0) {
		for (p = ev; p < ev + n;
		    p += sizeof(struct inotify_event) +
		    ((struct inotify_event *)p)->len) {
			const struct inotify_event *e = (void *)p;
			struct wdir *d;

			if (e->mask & IN_Q_OVERFLOW) {
				/* Folders made meanwhile are not watched. */
				w->rescan = changed = 1;
				continue;
			}
			if ((d = find_wd(w, e->wd)) == NULL)
				continue;
			if (e->mask & IN_IGNORED) {
				forget(w, d);
				continue;
			}
			if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				/* Under a root, the event in its parent
				 * says so; a root's own is the only one. */
				struct root *r = NULL;

				if (w->site.real != NULL &&
				    strcmp(d->path, w->site.real) == 0)
					r = &w->site;
				else if (w->theme.real != NULL &&
				    strcmp(d->path, w->theme.real) == 0)
					r = &w->theme;
				if (r != NULL) {
					note(w, r->real, SEEN_GONE);
					root_gone(w, r);
					changed = 1;
				}
				continue;
			}
			if (e->len == 0 || fs_skipped_name(e->name))
				continue;
			buf_reset(&path);
			buf_printf(&path, "%s/%s", d->path, e->name);
			if (is_output(w, path.ptr))
				continue;
			if (e->mask & IN_ISDIR) {
				if (e->mask & IN_MOVED_FROM)
					drop_tree(w, path.ptr);
				if (e->mask & (IN_CREATE | IN_MOVED_TO))
					add_dir(w, path.ptr);
			}
			note(w, path.ptr, (e->mask & (IN_CREATE |
			    IN_MOVED_TO) ? SEEN_MADE : 0) | (e->mask &
			    (IN_DELETE | IN_MOVED_FROM) ? SEEN_GONE : 0));
			changed = 1;
		}
	}
	buf_release(&path);
	return changed;
}

/* After lost events: every watch dropped, and the roots watched anew,
 * on a new inotify instance (removing the watches one by one would queue
 * an event for each, enough to overflow again on a large site). */
static void
rewatch(struct watcher *w)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd != -1) {
		close(w->fd);
		w->fd = fd;
	}
	while (w->n > 0) {
		if (fd == -1)
			inotify_rm_watch(w->fd, w->v[w->n - 1].wd);
		forget(w, &w->v[w->n - 1]);
	}
	watch_root(w, &w->site);
	if (w->theme.given != NULL)
		watch_root(w, &w->theme);
	w->rescan = 0;
}

static int
output_gone(const struct output *out)
{
	struct stat st;

	return lstat(out->dir, &st) == -1 && errno == ENOENT;
}

/* A root that went away and is back: 1 when one is. */
static int
found_again(struct watcher *w)
{
	int back = 0;

	if (w->site.lost && watch_root(w, &w->site) == 0)
		back = 1;
	if (w->theme.lost && w->theme.given != NULL &&
	    watch_root(w, &w->theme) == 0)
		back = 1;
	return back;
}

int
watch_run(struct build_opts *o)
{
	struct watcher w;
	struct buf what = BUF_INIT, themes = BUF_INIT, out = BUF_INIT;
	struct output made;
	struct pollfd pfd;
	int lost_told = 0;

	memset(&w, 0, sizeof(w));
	if ((w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1) {
		fprintf(stderr, "gen: watch: inotify: %s\n", strerror(errno));
		return 1;
	}
	o->live_reload = 1;
	o->list_written = 1;
	o->theme_found = &themes;
	build_run(o);
	made.dir = o->out_dir;
	buf_printf(&what, "%s/%s", o->out_dir, BUILD_MARKER);
	made.marker = buf_detach(&what, NULL);
	made.made = fs_is_file(made.marker);

	/* Watch the site and the theme it uses; not the output, which may
	 * lie inside the site (public/), nor its staging folder. */
	real_out_path(o->out_dir, &out);
	w.skip = buf_detach(&out, NULL);
	w.site.given = xstrdup(o->site_dir);
	watch_root(&w, &w.site);
	/* The theme the build found, wherever it lies (--theme-dir,
	 * KAKEHASHI_THEMES, beside the site, installed); followed when
	 * site.yaml names another. */
	follow_theme(&w, &themes);
	printf("gen: watching %s%s%s for changes (Ctrl-C to stop)\n",
	    o->site_dir, themes.len ? " and " : "", themes.ptr);
	fflush(stdout);

	pfd.fd = w.fd;
	pfd.events = POLLIN;
	for (;;) {
		int lost = w.site.lost || w.theme.lost, r, gone = 0;

		if (lost && !lost_told) {
			printf("gen: %s is gone; watching for it to come "
			    "back\n", w.site.lost ? w.site.given :
			    w.theme.given);
			fflush(stdout);
		}
		lost_told = lost;
		r = poll(&pfd, 1, lost || made.made ? WATCH_LOST_MS : -1);
		if (r < 0 && errno != EINTR)
			break;
		if (r == 0) {
			gone = !lost && made.made && output_gone(&made);
			if (!found_again(&w) && !gone)
				continue;
		} else if (!drain(&w))
			continue;
		/* Let the editor finish saving. */
		while (poll(&pfd, 1, WATCH_SETTLE_MS) > 0)
			drain(&w);
		if (w.rescan) {
			rewatch(&w);
			pfd.fd = w.fd;
		}
		buf_reset(&what);
		changes(&w, &what);
		round_reset(&w);
		if (what.len == 0 && gone)
			printf("gen: %s is gone; rebuilding\n", o->out_dir);
		else
			printf("gen: %s changed; rebuilding\n", what.len ?
			    what.ptr : o->site_dir);
		fflush(stdout);
		/* Expiry follows the calendar while watching for days. */
		build_today(o->today);
		build_run(o);
		made.made = fs_is_file(made.marker);
		follow_theme(&w, &themes);
	}
	close(w.fd);
	free(made.marker);
	free(w.skip);
	while (w.n > 0)
		forget(&w, &w.v[w.n - 1]);
	free(w.v);
	free(w.site.given);
	free(w.site.real);
	free(w.theme.given);
	free(w.theme.real);
	round_reset(&w);
	buf_release(&what);
	buf_release(&themes);
	buf_release(&out);
	return 1;
}
