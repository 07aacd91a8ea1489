#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fs.h"
#include "path.h"

int
fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
fs_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
fs_skipped_name(const char *name)
{
	size_t n = strlen(name);

	return n == 0 || name[0] == '.' || name[n - 1] == '~' ||
	    (n > 1 && name[0] == '#' && name[n - 1] == '#') ||
	    strcmp(name, "4913") == 0 || str_endswith(name, ".swp") ||
	    str_endswith(name, ".swx") || str_endswith(name, ".tmp");
}

int
fs_mkdirs(const char *path, struct buf *err)
{
	struct buf p = BUF_INIT;
	size_t i;
	int rc = -1;

	buf_puts(&p, path);
	for (i = 1; i <= p.len; i++) {
		if (i < p.len && p.ptr[i] != '/')
			continue;
		p.ptr[i] = '\0';
		if (mkdir(p.ptr, 0755) == -1 && errno != EEXIST) {
			buf_printf(err, "%s: cannot create directory: %s\n",
			    p.ptr, strerror(errno));
			goto out;
		}
		if (i < p.len)
			p.ptr[i] = '/';
	}
	rc = 0;
out:
	buf_release(&p);
	return rc;
}

/* Create folder `p` (modified in place, restored) and whichever of its
 * parents are missing: up from the deepest that exists, so a tree of many
 * folders costs one mkdir for each and no stat. */
static int
mkdirs_up(char *p)
{
	char *slash;
	int rc;

	if (mkdir(p, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || (slash = strrchr(p, '/')) == NULL || slash == p)
		return -1;
	*slash = '\0';
	rc = mkdirs_up(p);
	*slash = '/';
	if (rc == -1)
		return -1;
	return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int
fs_mkdirs_for(const char *path, struct buf *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc = 0, serr = 0;

	if (slash == NULL || slash == path)
		return 0;
	dir = xstrndup(path, (size_t)(slash - path));
	if (mkdirs_up(dir) == -1) {
		serr = errno;
		buf_printf(err, "%s: cannot create directory: %s\n", dir,
		    strerror(serr));
		rc = -1;
	}
	free(dir);
	if (rc == -1)
		errno = serr;
	return rc;
}

int
fs_write(const char *path, const void *data, size_t len, struct buf *err)
{
	const char *slash = strrchr(path, '/');
	int fd, serr;

	/* Open first: the folder is there for all but the first file of
	 * each.  But a page is a folder of its own holding index.html
	 * alone, whose folder is new in a new tree: made first, which
	 * spares an open that fails. */
	if (slash != NULL && strcmp(slash + 1, "index.html") == 0 &&
	    fs_mkdirs_for(path, err) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1 && errno == ENOENT) {
		if (fs_mkdirs_for(path, err) == -1)
			return -1;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd == -1)
		goto fail;
	if (fd_write_all(fd, data, len) == -1) {
		serr = errno;
		close(fd);
		errno = serr;
		goto fail;
	}
	if (close(fd) == -1)
		goto fail;
	return 0;
fail:
	serr = errno;
	buf_printf(err, "%s: cannot write: %s\n", path, strerror(serr));
	errno = serr;
	return -1;
}

int
fs_copy(const char *from, const char *to, struct buf *err)
{
	struct buf data = BUF_INIT;
	int rc;

	if (buf_read_file(&data, from) == -1) {
		buf_printf(err, "%s: cannot read: %s\n", from, strerror(errno));
		return -1;
	}
	rc = fs_write(to, data.ptr, data.len, err);
	buf_release(&data);
	return rc;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
fs_remove_tree(const char *path, struct buf *err)
{
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		buf_printf(err, "%s: cannot remove: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) == -1) {
		buf_printf(err, "%s: cannot remove: %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

void
fs_remove_dead(const char *path, int suffixed)
{
	struct buf parent = BUF_INIT, prefix = BUF_INIT, full = BUF_INIT,
	    e = BUF_INIT;
	const char *slash = strrchr(path, '/');
	char **names = NULL, *end;
	long n, i, pid;

	if (slash != NULL)
		buf_add(&parent, path, slash == path ? 1 :
		    (size_t)(slash - path));
	else
		buf_puts(&parent, ".");
	buf_printf(&prefix, "%s.tmp-", slash ? slash + 1 : path);
	n = fs_list(parent.ptr, &names, &e);
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], prefix.ptr, prefix.len) != 0)
			continue;
		pid = strtol(names[i] + prefix.len, &end, 10);
		if (end == names[i] + prefix.len || pid <= 0 ||
		    !(*end == '\0' || (suffixed && *end == '.')) ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		buf_reset(&full);
		buf_printf(&full, "%s/%s", parent.ptr, names[i]);
		fs_remove_tree(full.ptr, &e);
	}
	fs_list_free(names, n > 0 ? n : 0);
	buf_release(&parent);
	buf_release(&prefix);
	buf_release(&full);
	buf_release(&e);
}

static int
cmp_ents(const void *a, const void *b)
{
	return strcmp((*(struct dirent64 *const *)a)->d_name,
	    (*(struct dirent64 *const *)b)->d_name);
}

int
fs_dir_read(int fd, const char *dir, struct fs_dir *d, struct buf *err)
{
	struct dirent64 **ents;
	size_t len = 0, cap = 32768, off, i;
	ssize_t got;

	memset(d, 0, sizeof(*d));
	d->block = xmalloc(cap);
	for (;;) {
		/* Room for a whole record, whatever its name. */
		if (cap - len < sizeof(struct dirent64) + 256) {
			cap *= 2;
			d->block = xrealloc(d->block, cap);
		}
		if ((got = getdents64(fd, d->block + len, cap - len)) == -1) {
			buf_printf(err, "%s: cannot read directory: %s\n", dir,
			    strerror(errno));
			fs_dir_free(d);
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	for (off = 0; off < len; off += ((struct dirent64 *)
	    (d->block + off))->d_reclen)
		d->n++;
	ents = xcalloc(d->n + 1, sizeof(*ents));
	d->n = 0;
	for (off = 0; off < len; ) {
		struct dirent64 *de = (struct dirent64 *)(d->block + off);

		off += de->d_reclen;
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			ents[d->n++] = de;
	}
	qsort(ents, d->n, sizeof(*ents), cmp_ents);
	d->names = xcalloc(d->n + 1, sizeof(*d->names));
	d->types = xcalloc(d->n + 1, 1);
	for (i = 0; i < d->n; i++) {
		d->names[i] = ents[i]->d_name;
		d->types[i] = ents[i]->d_type;
	}
	free(ents);
	return 0;
}

void
fs_dir_free(struct fs_dir *d)
{
	free(d->names);
	free(d->types);
	free(d->block);
	memset(d, 0, sizeof(*d));
}

long
fs_list(const char *dir, char ***names, struct buf *err)
{
	struct fs_dir d;
	size_t i, n;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		buf_printf(err, "%s: cannot open directory: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	if (fs_dir_read(fd, dir, &d, err) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	n = d.n;
	*names = xcalloc(n + 1, sizeof(**names));
	for (i = 0; i < n; i++)
		(*names)[i] = xstrdup(d.names[i]);
	fs_dir_free(&d);
	return (long)n;
}


void
fs_list_free(char **names, long n)
{
	long i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
fs_replace_file(const char *tmp, const char *dst)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
		/* A file left at tmp is in the stage, removed with it. */
		(void)unlink(tmp);
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOENT)
		return -1;
	return rename(tmp, dst);
}

int
fs_swap_into(const char *tmp, const char *dst, struct buf *err)
{
	if (fs_is_dir(dst)) {
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
			/* The new tree is in place; the old one is left
			 * behind at tmp only if removing it fails. */
			if (fs_remove_tree(tmp, err) == -1)
				buf_printf(err, "%s: written, but its previous "
				    "version is left in %s\n", dst, tmp);
			return 0;
		}
		if (errno != EINVAL && errno != ENOSYS) {
			buf_printf(err, "%s: cannot replace: %s\n", dst,
			    strerror(errno));
			return -1;
		}
		/* A file system without exchange: replace in two steps. */
		if (fs_remove_tree(dst, err) == -1)
			return -1;
	}
	if (rename(tmp, dst) == -1) {
		buf_printf(err, "%s: cannot rename to %s: %s\n", tmp, dst,
		    strerror(errno));
		return -1;
	}
	return 0;
}
