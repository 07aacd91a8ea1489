/*
 * fs: the file-system operations gen needs, each reporting failures as
 * "PATH: reason" in an error buffer.
 */
#ifndef GEN_FS_H
#define GEN_FS_H

#include <stddef.h>

struct buf;

/* Create a directory and its parents (mode 0755).  0 or -1. */
int	fs_mkdirs(const char *path, struct buf *err);
/* Create the parent directories of a file's path.  0 or -1 (errno as
 * the call that failed left it). */
int	fs_mkdirs_for(const char *path, struct buf *err);
/* Write a whole file, creating its parent directories.  0 or -1 (errno
 * as the call that failed left it). */
int	fs_write(const char *path, const void *data, size_t len,
	    struct buf *err);
/* Copy a regular file.  0 or -1. */
int	fs_copy(const char *from, const char *to, struct buf *err);
/* Remove a tree (like rm -rf); a missing path is not an error. */
int	fs_remove_tree(const char *path, struct buf *err);
/*
 * What runs of gen cut short left beside `path`: "PATH.tmp-PID" (a
 * build's staging folder, a ZIP being written) and, with `suffixed`,
 * "PATH.tmp-PID.ANYTHING" too (the file libzip writes a ZIP into), each
 * removed when no process has that PID any more.
 */
void	fs_remove_dead(const char *path, int suffixed);
/* 1 when path is a directory / regular file. */
int	fs_is_dir(const char *path);
/*
 * 1 for a name gen passes over in a site or a theme, and gen watch with
 * it: hidden (".git", ".name.swp"), an editor's backup or scratch file
 * ("name~", "#name#", "name.swp", vim's write test "4913") or a
 * temporary file ("name.tmp").  None of them is ever published.
 */
int	fs_skipped_name(const char *name);
int	fs_is_file(const char *path);

/*
 * List the entries of a directory (not "." or ".."), sorted by name
 * (bytewise), so that everything built from them is deterministic.
 * Returns the count and stores a malloc'd array of malloc'd names in
 * *names, or -1.  Free with fs_list_free().
 */
long	fs_list(const char *dir, char ***names, struct buf *err);
void	fs_list_free(char **names, long n);

/* The same for the folder open as `fd` (which it reads to the end), in
 * one allocation, and each entry's type as the kernel tells it (DT_REG,
 * DT_DIR, DT_LNK...; DT_UNKNOWN where the file system does not say): for
 * walks over thousands of names.  `dir` names it in messages.  0 or -1;
 * free with fs_dir_free(). */
struct fs_dir {
	char		**names;
	unsigned char	*types;
	size_t		 n;
	char		*block;		/* what the kernel gave, names in it */
};

int	fs_dir_read(int fd, const char *dir, struct fs_dir *, struct buf *err);
void	fs_dir_free(struct fs_dir *);

/*
 * Put `tmp` in the place of `dst` in one step: when dst exists, the two
 * are exchanged atomically (renameat2 RENAME_EXCHANGE) and the old tree,
 * now at tmp, is removed; otherwise tmp is renamed to dst.
 */
int	fs_swap_into(const char *tmp, const char *dst, struct buf *err);

/*
 * Put file `tmp` in the place of file `dst`, which exists, in one step:
 * exchanged with it, the old file (now at tmp) then removed, where the
 * file system can exchange; else renamed over it.  Not renamed over it
 * where it need not be: ext4 then writes the new file out to disk there
 * and then (auto_da_alloc), and a write into it soon after waits for
 * that.  0, or -1 with errno set.
 */
int	fs_replace_file(const char *tmp, const char *dst);

#endif
