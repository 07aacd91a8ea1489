/*
 * fuzz_cache: libFuzzer target for gen/cache.c, the reader of the cache
 * a build leaves in its output for the next one.  Loads the input as a
 * cache file (of gen build id 0), with its changes from where the input
 * has a line "gen-cache-changes" on (so that the fuzzer, which finds the
 * line in the corpus, makes both), then reads every folder's entries,
 * every record's front matter field by field and every section's order
 * as site.c does: any crash, leak or sanitizer report is a bug.  A
 * damaged cache must only ever be refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static volatile uint64_t places;
	static const char mark[] = "gen-cache-changes";
	const uint8_t *ch = memmem(data, size, mark, sizeof(mark) - 1);
	size_t base = ch != NULL ? (size_t)(ch - data) : size;
	struct cache c;
	char path[64], cpath[64];
	size_t i;
	int fd, cfd;

	/* cache_load() maps a file: give it one in memory, and its changes
	 * another. */
	if ((fd = memfd_create("fuzz-cache", MFD_CLOEXEC)) == -1)
		return 0;
	if ((cfd = memfd_create("fuzz-changes", MFD_CLOEXEC)) == -1) {
		close(fd);
		return 0;
	}
	if (write(fd, data, base) != (ssize_t)base ||
	    write(cfd, data + base, size - base) != (ssize_t)(size - base)) {
		close(fd);
		close(cfd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(cpath, sizeof(cpath), "/proc/self/fd/%d", cfd);
	if (cache_load(&c, path, cpath, 0) == 0) {
		for (i = 0; i < c.ndirs; i++) {
			const struct cache_dir *d = &c.dirs[i];
			const char *e, *end = d->ents + d->entslen;

			const char *prev = NULL;

			/* As the walk reads them: a type byte, a name of
			 * at least one byte without '/', and its NUL; in
			 * order, none twice. */
			for (e = d->ents; e < end; e += strlen(e + 1) + 2) {
				if (e[1] == '\0' || strchr(e + 1, '/') != NULL ||
				    e + strlen(e + 1) + 2 > end ||
				    (prev != NULL && strcmp(prev, e + 1) >= 0))
					abort();
				prev = e + 1;
			}
			if (cache_get_dir(&c, d->path, i) != d ||
			    cache_get_dir(&c, d->path, c.ndirs) == NULL)
				abort();
		}
		for (i = 0; i < c.n; i++) {
			const struct cache_rec *r = &c.v[i];
			struct cache_reader rd;
			long long n;
			const char *s;
			size_t len;
			int k = 0;

			cache_reader_init(&rd, r->fm, r->fmlen);
			/* Strings and numbers by turns, as far as they read. */
			while (!rd.bad && rd.p < rd.end) {
				/* A string read is a C string of its
				 * length, where it is (site.c uses it so). */
				if (k++ % 2 == 0) {
					if (cache_get_span(&rd, &s, &len) == 0 &&
					    s != NULL && strlen(s) != len)
						abort();
				} else
					cache_get_num(&rd, &n);
			}
			(void)cache_reader_done(&rd);
			/* A section's order: whole places, each read as
			 * site.c reads them. */
			if (r->orderlen % sizeof(uint32_t) != 0 ||
			    (r->orderlen > 0 && r->orderhash == 0))
				abort();
			for (len = 0; len < r->orderlen;
			    len += sizeof(uint32_t)) {
				uint32_t k;

				memcpy(&k, r->order + len, sizeof(k));
				places += k;
			}
		}
	}
	/* Loaded or not, a cache is released: a file refused for a bad page
	 * record keeps its folders' records. */
	cache_release(&c);
	close(fd);
	close(cfd);
	return 0;
}
