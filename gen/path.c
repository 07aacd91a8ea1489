#include <string.h>

#include "buf.h"
#include "escape.h"
#include "path.h"

int
path_normalize(struct buf *out, const char *p, size_t n)
{
	size_t start = out->len, i = 0, seg, k;
	int trailing = n > 0 && p[n - 1] == '/';

	while (i < n) {
		while (i < n && p[i] == '/')
			i++;
		seg = i;
		while (i < n && p[i] != '/')
			i++;
		k = i - seg;
		if (k == 0 || (k == 1 && p[seg] == '.'))
			continue;
		if (k == 2 && p[seg] == '.' && p[seg + 1] == '.') {
			char *slash;

			if (out->len == start)
				return -1;
			/* Drop the last segment written. */
			out->ptr[out->len - 1] = '\0';
			slash = strrchr(out->ptr + start, '/');
			buf_truncate(out, slash ? (size_t)(slash - out->ptr) + 1 :
			    start);
			continue;
		}
		buf_add(out, p + seg, k);
		buf_putc(out, '/');
	}
	/* Segments were written with a slash after each; keep the last
	 * one only when the input had it (or when it named "." or ".."). */
	if (out->len > start && !trailing) {
		size_t last = n;

		while (last > 0 && p[last - 1] != '/')
			last--;
		if (!(n - last == 1 && p[last] == '.') &&
		    !(n - last == 2 && p[last] == '.' && p[last + 1] == '.'))
			buf_truncate(out, out->len - 1);
	}
	return 0;
}

void
path_relative(struct buf *out, const char *from, const char *to)
{
	size_t common = 0, i, start = out->len;

	/* Longest common prefix that ends at a '/' in both. */
	for (i = 0; from[i] != '\0' && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	for (i = common; from[i] != '\0'; i++)
		if (from[i] == '/')
			BUF_PUTSL(out, "../");
	buf_puts(out, to + common);
	/* The directory itself: name it so file:// works. */
	if (out->len == start || out->ptr[out->len - 1] == '/')
		BUF_PUTSL(out, "index.html");
}

void
path_dirname(struct buf *out, const char *p)
{
	const char *slash = strrchr(p, '/');

	if (slash != NULL)
		buf_add(out, p, (size_t)(slash - p) + 1);
}

int
path_within(const char *in, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(in, dir, n) == 0 && (in[n] == '\0' || in[n] == '/');
}

int
str_endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

void
path_relative_url(struct buf *out, const char *from_dir, const char *to)
{
	struct buf rel = BUF_INIT;
	size_t start = out->len, i;

	/* Most paths need no encoding: made in place, and only copied to
	 * be encoded when a byte needs it. */
	path_relative(out, from_dir, to);
	for (i = start; i < out->len; i++)
		if (url_path_unsafe((unsigned char)out->ptr[i]))
			break;
	if (i == out->len)
		return;
	buf_add(&rel, out->ptr + start, out->len - start);
	buf_truncate(out, start);
	url_encode_path(out, rel.ptr, rel.len);
	buf_release(&rel);
}

void
path_up(struct buf *d)
{
	if (d->len == 0)
		return;
	buf_truncate(d, d->len - 1);
	while (d->len > 0 && d->ptr[d->len - 1] != '/')
		buf_truncate(d, d->len - 1);
}

void
path_to_root(struct buf *out, const char *dir)
{
	for (; *dir != '\0'; dir++)
		if (*dir == '/')
			BUF_PUTSL(out, "../");
}
