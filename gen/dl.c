#include <dlfcn.h>
#include <stdlib.h>

#include "buf.h"
#include "dl.h"

int
dl_bind(const char *soname, const char *prefix, const struct dl_fn *fns,
    size_t n, struct buf *err)
{
	struct buf sym = BUF_INIT;
	void *h, **got = xcalloc(n + 1, sizeof(*got));
	size_t i;
	int rc = -1;

	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		buf_printf(err, "cannot load %s: %s", soname, dlerror());
		goto out;
	}
	for (i = 0; i < n; i++) {
		buf_reset(&sym);
		buf_puts(&sym, prefix);
		buf_puts(&sym, fns[i].name);
		if ((got[i] = dlsym(h, sym.ptr)) == NULL) {
			buf_printf(err, "%s: %s", soname, dlerror());
			dlclose(h);
			goto out;
		}
	}
	/* POSIX's way of storing what dlsym() gives into a function
	 * pointer: through a void ** to it. */
	for (i = 0; i < n; i++)
		*fns[i].slot = got[i];
	rc = 0;
out:
	free(got);
	buf_release(&sym);
	return rc;
}
