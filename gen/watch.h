/*
 * watch: `gen watch` — build, then rebuild whenever a file of the site
 * or its theme changes (inotify), printing what was written and how long
 * it took.  Pages get a small script that reloads them in the browser
 * after each rebuild (see build.h, LIVE_RELOAD_JS).
 */
#ifndef GEN_WATCH_H
#define GEN_WATCH_H

struct build_opts;

/* Runs until killed; returns an exit status only when it cannot start. */
int	watch_run(struct build_opts *);

#endif
