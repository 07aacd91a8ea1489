#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "buf.h"
#include "fs.h"
#include "archive.h"
#include "build.h"
#include "cache.h"
#include "dl.h"

/*
 * libzip is loaded when a ZIP is made, not when gen starts: with the
 * libraries it brings (libcrypto among them) it would add about a
 * millisecond to every build, which never uses it.
 */
#define ARCHIVE_LIBZIP	"libzip.so.4"

static struct {
	int		 (*close)(zip_t *);
	zip_int64_t	 (*dir_add)(zip_t *, const char *, zip_flags_t);
	void		 (*discard)(zip_t *);
	void		 (*error_fini)(zip_error_t *);
	void		 (*error_init_with_code)(zip_error_t *, int);
	const char	*(*error_strerror)(zip_error_t *);
	zip_int64_t	 (*file_add)(zip_t *, const char *, zip_source_t *,
			    zip_flags_t);
	int		 (*file_set_dostime)(zip_t *, zip_uint64_t,
			    zip_uint16_t, zip_uint16_t, zip_flags_t);
	int		 (*file_set_external_attributes)(zip_t *, zip_uint64_t,
			    zip_flags_t, zip_uint8_t, zip_uint32_t);
	zip_t		*(*open)(const char *, int, int *);
	int		 (*set_file_compression)(zip_t *, zip_uint64_t,
			    zip_int32_t, zip_uint32_t);
	zip_source_t	*(*source_file)(zip_t *, const char *, zip_uint64_t,
			    zip_int64_t);
	void		 (*source_free)(zip_source_t *);
	const char	*(*strerror)(zip_t *);
} zl;

#define ZIP_FN(f)	{ #f, (void **)&zl.f }

static const struct dl_fn zip_fns[] = {
	ZIP_FN(close), ZIP_FN(dir_add), ZIP_FN(discard), ZIP_FN(error_fini),
	ZIP_FN(error_init_with_code), ZIP_FN(error_strerror), ZIP_FN(file_add),
	ZIP_FN(file_set_dostime), ZIP_FN(file_set_external_attributes),
	ZIP_FN(set_file_compression), ZIP_FN(source_file),
	ZIP_FN(source_free), ZIP_FN(strerror),
	ZIP_FN(open),	/* last: it says all are there */
};

/* 0, or -1 when libzip cannot be loaded (said on stderr). */
static int
zip_load(void)
{
	struct buf err = BUF_INIT;
	int rc = 0;

	if (zl.open == NULL && (rc = dl_bind(ARCHIVE_LIBZIP, "zip_", zip_fns,
	    sizeof(zip_fns) / sizeof(zip_fns[0]), &err)) == -1)
		fprintf(stderr, "gen: %s\n", err.ptr);
	buf_release(&err);
	return rc;
}

struct zctx {
	zip_t		*za;
	const char	*tree;
	zip_uint16_t	 dtime, ddate;	/* MS-DOS time and date */
	size_t		 files;
	struct buf	 err;
};

static int
set_meta(struct zctx *z, zip_int64_t idx, int dir)
{
	zip_uint32_t mode = dir ? 0040755 : 0100644;

	if (zl.file_set_dostime(z->za, (zip_uint64_t)idx, z->dtime, z->ddate,
	    0) == -1 || zl.file_set_external_attributes(z->za,
	    (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX, mode << 16) == -1) {
		buf_printf(&z->err, "%s\n", zl.strerror(z->za));
		return -1;
	}
	return 0;
}

static int
add_tree(struct zctx *z, const char *rel)
{
	struct buf full = BUF_INIT, sub = BUF_INIT;
	char **names = NULL;
	long n, i;
	int rc = -1;

	buf_printf(&full, "%s/%s", z->tree, rel);
	if ((n = fs_list(full.ptr, &names, &z->err)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		zip_source_t *src;
		zip_int64_t idx;

		/* gen's own manifest and cache (and its changes), and the
		 * programs' data, are not part of the deliverable. */
		if (rel[0] == '\0' && (strcmp(names[i], BUILD_MARKER) == 0 ||
		    strcmp(names[i], CACHE_FILE) == 0 ||
		    strcmp(names[i], CACHE_CHANGES) == 0 ||
		    strcmp(names[i], APP_DATA) == 0))
			continue;
		buf_reset(&sub);
		buf_printf(&sub, "%s%s", rel, names[i]);
		buf_reset(&full);
		buf_printf(&full, "%s/%s", z->tree, sub.ptr);
		if (fs_is_dir(full.ptr)) {
			buf_putc(&sub, '/');
			if ((idx = zl.dir_add(z->za, sub.ptr,
			    ZIP_FL_ENC_UTF_8)) < 0) {
				buf_printf(&z->err, "%s: %s\n", full.ptr,
				    zl.strerror(z->za));
				goto out;
			}
			if (set_meta(z, idx, 1) == -1 ||
			    add_tree(z, sub.ptr) == -1)
				goto out;
			continue;
		}
		if (!fs_is_file(full.ptr))
			continue;
		if ((src = zl.source_file(z->za, full.ptr, 0, -1)) == NULL ||
		    (idx = zl.file_add(z->za, sub.ptr, src,
		    ZIP_FL_ENC_UTF_8)) < 0) {
			buf_printf(&z->err, "%s: %s\n", full.ptr,
			    zl.strerror(z->za));
			zl.source_free(src);
			goto out;
		}
		if (set_meta(z, idx, 0) == -1 ||
		    zl.set_file_compression(z->za, (zip_uint64_t)idx,
		    ZIP_CM_DEFLATE, 9) == -1)
			goto out;
		z->files++;
	}
	rc = 0;
out:
	fs_list_free(names, n > 0 ? n : 0);
	buf_release(&full);
	buf_release(&sub);
	return rc;
}

int
archive_zip(const char *tree, const char *zipfile, int quiet)
{
	struct zctx z;
	struct buf tmp = BUF_INIT;
	int zerr, rc = 1;

	memset(&z, 0, sizeof(z));
	buf_init(&z.err);
	z.tree = tree;
	/* 1980-01-01 00:00 in MS-DOS form, unless SOURCE_DATE_EPOCH sets
	 * the time (in Japan); MS-DOS dates end with 2107. */
	z.ddate = (0 << 9) | (1 << 5) | 1;
	z.dtime = 0;
	if (getenv("SOURCE_DATE_EPOCH") != NULL) {
		struct tm tm;

		if (build_time(&tm) == -1)
			return 2;
		if (tm.tm_year > 207) {
			tm.tm_year = 207;
			tm.tm_mon = 11;
			tm.tm_mday = 31;
			tm.tm_hour = 23;
			tm.tm_min = 59;
			tm.tm_sec = 58;
		}
		if (tm.tm_year >= 80) {
			z.ddate = (zip_uint16_t)(((tm.tm_year - 80) << 9) |
			    ((tm.tm_mon + 1) << 5) | tm.tm_mday);
			z.dtime = (zip_uint16_t)((tm.tm_hour << 11) |
			    (tm.tm_min << 5) | (tm.tm_sec / 2));
		}
	}
	if (!fs_is_dir(tree)) {
		fprintf(stderr, "gen: %s: no built site here (run gen build "
		    "first)\n", tree);
		return 1;
	}
	if (zip_load() == -1)
		goto out;
	/* What a gen zip killed before it was done left (libzip writes
	 * into a file of its own beside ours). */
	fs_remove_dead(zipfile, 1);
	buf_printf(&tmp, "%s.tmp-%ld", zipfile, (long)getpid());
	unlink(tmp.ptr);
	if ((z.za = zl.open(tmp.ptr, ZIP_CREATE | ZIP_EXCL, &zerr)) == NULL) {
		zip_error_t ze;

		zl.error_init_with_code(&ze, zerr);
		fprintf(stderr, "gen: %s: cannot create: %s\n", zipfile,
		    zl.error_strerror(&ze));
		zl.error_fini(&ze);
		goto out;
	}
	if (add_tree(&z, "") == -1) {
		zl.discard(z.za);
		fprintf(stderr, "gen: %s", z.err.ptr);
		goto out;
	}
	if (zl.close(z.za) == -1) {
		fprintf(stderr, "gen: %s: %s\n", zipfile, zl.strerror(z.za));
		zl.discard(z.za);
		unlink(tmp.ptr);
		goto out;
	}
	if (rename(tmp.ptr, zipfile) == -1) {
		fprintf(stderr, "gen: %s: %s\n", zipfile, strerror(errno));
		unlink(tmp.ptr);
		goto out;
	}
	if (!quiet)
		printf("gen: wrote %s (%zu files)\n", zipfile, z.files);
	rc = 0;
out:
	buf_release(&tmp);
	buf_release(&z.err);
	return rc;
}
