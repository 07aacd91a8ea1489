#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "fs.h"
#include "watch.h"

/* Quiet time after the last change before rebuilding: editors save in
 * several steps (write a temporary file, rename it over the page). */
#define WATCH_SETTLE_MS	150

#define WATCH_EVENTS (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | \
    IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB)

struct watcher {
	int		 fd;
	char		*skip;		/* the output folder, never watched */
	char		**dirs;		/* watch descriptor -> folder */
	size_t		 ndirs;
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

static void
add_dir(struct watcher *w, const char *dir)
{
	struct buf sub = BUF_INIT, e = BUF_INIT;
	char **names = NULL, *real;
	long n, i;
	int wd;

	/* Absolute paths, so that events compare with the output's. */
	if ((real = realpath(dir, NULL)) == NULL)
		return;
	if (is_output(w, real) ||
	    (wd = inotify_add_watch(w->fd, real, WATCH_EVENTS | IN_ONLYDIR)) < 0) {
		free(real);
		return;
	}
	dir = real;
	if ((size_t)wd >= w->ndirs) {
		size_t old = w->ndirs;

		w->ndirs = (size_t)wd + 64;
		w->dirs = xreallocarray(w->dirs, w->ndirs, sizeof(char *));
		memset(w->dirs + old, 0, (w->ndirs - old) * sizeof(char *));
	}
	free(w->dirs[wd]);
	w->dirs[wd] = xstrdup(dir);
	n = fs_list(dir, &names, &e);
	for (i = 0; i < n; i++) {
		if (names[i][0] == '.')
			continue;
		buf_reset(&sub);
		buf_printf(&sub, "%s/%s", dir, names[i]);
		if (fs_is_dir(sub.ptr))
			add_dir(w, sub.ptr);
	}
	fs_list_free(names, n > 0 ? n : 0);
	buf_release(&sub);
	buf_release(&e);
	free(real);
}

/* Editors' scratch files are no change to the site. */
static int
ignored(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' || (n > 0 && name[n - 1] == '~') ||
	    strcmp(name, "4913") == 0 ||	/* vim's write test */
	    (n > 4 && strcmp(name + n - 4, ".swp") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".tmp") == 0);
}

/*
 * Read what inotify has; returns 1 when something of the site changed
 * (and names it in `what`), adding watches for new folders.
 */
static int
drain(struct watcher *w, struct buf *what)
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
			const char *dir;

			if (e->mask & IN_Q_OVERFLOW) {
				changed = 1;
				continue;
			}
			if (e->wd < 0 || (size_t)e->wd >= w->ndirs ||
			    (dir = w->dirs[e->wd]) == NULL || e->len == 0 ||
			    ignored(e->name))
				continue;
			buf_reset(&path);
			buf_printf(&path, "%s/%s", dir, e->name);
			if ((e->mask & (IN_CREATE | IN_MOVED_TO)) &&
			    (e->mask & IN_ISDIR))
				add_dir(w, path.ptr);
			if (is_output(w, path.ptr))
				continue;
			/* The last name wins: editors and sed write a
			 * temporary file, then rename it to the real one. */
			buf_reset(what);
			buf_addbuf(what, &path);
			changed = 1;
		}
	}
	buf_release(&path);
	return changed;
}

int
watch_run(struct build_opts *o)
{
	struct watcher w;
	struct buf what = BUF_INIT, themes = BUF_INIT, out = BUF_INIT;
	struct pollfd pfd;

	memset(&w, 0, sizeof(w));
	if ((w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1) {
		fprintf(stderr, "gen: watch: inotify: %s\n", strerror(errno));
		return 1;
	}
	o->live_reload = 1;
	o->list_written = 1;
	o->theme_found = &themes;
	build_run(o);

	/* Watch the site and the themes it may use; not the output, which
	 * may lie inside the site (public/), nor its staging folder. */
	real_out_path(o->out_dir, &out);
	w.skip = buf_detach(&out, NULL);
	add_dir(&w, o->site_dir);
	/* The theme the build found, wherever it lies (--theme-dir,
	 * KAKEHASHI_THEMES, beside the site, installed). */
	if (themes.len > 0)
		add_dir(&w, themes.ptr);
	printf("gen: watching %s%s%s for changes (Ctrl-C to stop)\n",
	    o->site_dir, themes.len ? " and " : "", themes.ptr);
	fflush(stdout);

	pfd.fd = w.fd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		if (!drain(&w, &what))
			continue;
		/* Let the editor finish saving. */
		while (poll(&pfd, 1, WATCH_SETTLE_MS) > 0)
			drain(&w, &what);
		printf("gen: %s changed; rebuilding\n", what.len ? what.ptr :
		    o->site_dir);
		fflush(stdout);
		/* Expiry follows the calendar while watching for days. */
		build_today(o->today);
		build_run(o);
		buf_reset(&what);
	}
	close(w.fd);
	free(w.skip);
	while (w.ndirs > 0)
		free(w.dirs[--w.ndirs]);
	free(w.dirs);
	buf_release(&what);
	buf_release(&themes);
	buf_release(&out);
	return 1;
}
