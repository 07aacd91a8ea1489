#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "upload.h"

struct upload *
upload_new(size_t mem_max, size_t size_max, const char *tmpdir)
{
	struct upload *u = xcalloc(1, sizeof(*u));

	u->filename = xstrdup("");
	u->type = xstrdup("");
	u->fd = -1;
	buf_init(&u->mem);
	u->mem_max = mem_max;
	u->size_max = size_max;
	u->tmpdir = xstrdup(tmpdir != NULL ? tmpdir : "/tmp");
	return u;
}

void
upload_free(struct upload *u)
{
	if (u == NULL)
		return;
	if (u->fd != -1)
		close(u->fd);
	buf_release(&u->mem);
	free(u->filename);
	free(u->type);
	free(u->tmpdir);
	free(u);
}

/* An open temporary file in dir that no other process can find. */
static int
tmpfile_open(const char *dir)
{
	struct buf path = BUF_INIT;
	int fd, serr;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd != -1)
		return fd;
	/* Not every file system has O_TMPFILE (and a kernel without it
	 * may answer EISDIR). */
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -1;
	buf_printf(&path, "%s/kk-upload-XXXXXX", dir);
	fd = mkostemp(path.ptr, O_CLOEXEC);
	if (fd != -1 && unlink(path.ptr) == -1) {
		serr = errno;
		close(fd);
		fd = -1;
		errno = serr;
	}
	buf_release(&path);
	return fd;
}

/* Drop what is kept: the upload is too large. */
static void
upload_drop(struct upload *u)
{
	u->too_large = 1;
	buf_release(&u->mem);
	if (u->fd != -1) {
		close(u->fd);
		u->fd = -1;
	}
}

enum parse_err
upload_write(struct upload *u, const void *p, size_t n)
{
	if (n > SIZE_MAX - u->size)
		u->size = SIZE_MAX;
	else
		u->size += n;
	if (u->too_large)
		return PARSE_OK;
	if (u->size > u->size_max) {
		upload_drop(u);
		return PARSE_OK;
	}
	if (u->fd == -1 && u->size <= u->mem_max) {
		buf_add(&u->mem, p, n);
		return PARSE_OK;
	}
	if (u->fd == -1) {
		/* Past the memory threshold: move to a file. */
		if ((u->fd = tmpfile_open(u->tmpdir)) == -1)
			return PARSE_IO;
		if (fd_write_all(u->fd, u->mem.ptr, u->mem.len) == -1)
			return PARSE_IO;
		buf_release(&u->mem);
	}
	if (fd_write_all(u->fd, p, n) == -1)
		return PARSE_IO;
	return PARSE_OK;
}

enum parse_err
upload_finish(struct upload *u)
{
	if (u->fd != -1 && lseek(u->fd, 0, SEEK_SET) == -1)
		return PARSE_IO;
	return PARSE_OK;
}

ssize_t
upload_pread(const struct upload *u, void *buf, size_t len, size_t off)
{
	ssize_t r;

	if (u->too_large)
		return 0;
	if (u->fd == -1) {
		if (off >= u->mem.len)
			return 0;
		if (len > u->mem.len - off)
			len = u->mem.len - off;
		if (len > SSIZE_MAX)
			len = SSIZE_MAX;
		memcpy(buf, u->mem.ptr + off, len);
		return (ssize_t)len;
	}
	if (off > (size_t)INT64_MAX) {
		errno = EINVAL;
		return -1;
	}
	do
		r = pread(u->fd, buf, len, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r;
}

int
upload_read_all(const struct upload *u, struct buf *out)
{
	size_t start = out->len, off = 0;
	ssize_t n;

	for (;;) {
		buf_grow(out, 64 * 1024);
		n = upload_pread(u, out->ptr + out->len, out->cap - out->len - 1,
		    off);
		if (n < 0) {
			buf_truncate(out, start);
			return -1;
		}
		if (n == 0)
			return 0;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		off += (size_t)n;
	}
}
