/*
 * path: pure string operations on '/'-separated relative paths, as used
 * inside a site: source paths ("news/a.md"), output paths
 * ("news/a/index.html") and directories with a trailing slash
 * ("news/a/", or "" for the root).
 */
#ifndef GEN_PATH_H
#define GEN_PATH_H

#include <stddef.h>

struct buf;

/*
 * Append the normal form of `p` (relative to the root) to out: "." and
 * empty segments dropped, ".." resolved.  A trailing slash is kept.
 * Returns -1 when ".." climbs above the root.
 */
int	path_normalize(struct buf *out, const char *p, size_t n);

/*
 * Append to out the relative reference that leads from the directory
 * `from_dir` ("" or ending in '/') to the file or directory `to`.
 * Both are normalised paths from the same root.
 */
void	path_relative(struct buf *out, const char *from_dir, const char *to);

/* The same as a URL: each segment percent-encoded where a file name
 * holds what a URL path may not ('%', '#', '?', spaces...). */
void	path_relative_url(struct buf *out, const char *from_dir,
	    const char *to);

/* Drop the last segment of a folder path: "a/b/" -> "a/", "a/" -> "". */
void	path_up(struct buf *dir);

/* Append the prefix that leads from folder `dir` ("a/b/") up to the root
 * ("../../"; "" for the root itself). */
void	path_to_root(struct buf *out, const char *dir);

/* Append the directory part of `p` with its trailing slash ("" if none). */
void	path_dirname(struct buf *out, const char *p);

/* 1 when path `in` is `dir` or lies inside it (both absolute, without
 * "." or ".." segments). */
int	path_within(const char *in, const char *dir);

/* 1 when `s` ends with `suffix`. */
int	str_endswith(const char *s, const char *suffix);

#endif
