#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "fs.h"
#include "new.h"
#include "path.h"
#include "tmpl.h"

static const char builtin[] =
"---\n"
"title: \"{{title}}\"\n"
"description: \n"
"date: {{date}}\n"
"draft: true\n"
"---\n"
"\n"
"## {{title}}\n";

/* A page name editors can link to: letters, digits, '-', '_'. */
static int
valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '-' || s[0] == '_')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

int
new_page(const char *site_dir, const char *path, const char *today,
    int quiet)
{
	struct buf norm = BUF_INIT, file = BUF_INIT, sec = BUF_INIT,
	    src = BUF_INIT, label = BUF_INIT, text = BUF_INIT, err = BUF_INIT;
	const char *slash, *name, *p;
	struct tmpl *t = NULL;
	json_t *data = NULL;
	size_t top;
	int fd, rc = 1;

	/* "news/2026-04-01-notice" or with ".md"; every segment a name. */
	if (path_normalize(&norm, path, strlen(path)) == -1 || norm.len == 0 ||
	    norm.ptr[norm.len - 1] == '/') {
		fprintf(stderr, "gen: new: '%s' must be SECTION/NAME, a page "
		    "inside the site\n", path);
		goto out;
	}
	if (norm.len > 3 && strcmp(norm.ptr + norm.len - 3, ".md") == 0)
		buf_truncate(&norm, norm.len - 3);
	for (p = norm.ptr; *p != '\0'; p += strcspn(p, "/") + (p[strcspn(p, "/")] == '/'))
		if (!valid_name(p, strcspn(p, "/"))) {
			fprintf(stderr, "gen: new: '%s': use letters, digits, "
			    "'-' and '_' in page and folder names\n", path);
			goto out;
		}
	slash = strrchr(norm.ptr, '/');
	name = slash ? slash + 1 : norm.ptr;
	if (strcmp(name, "_index") == 0 || strcmp(name, "index") == 0) {
		fprintf(stderr, "gen: new: '%s': a section's own page is made "
		    "by hand (SECTION/_index.md)\n", path);
		goto out;
	}
	/* Not where a section or a page bundle already makes that page. */
	buf_printf(&file, "%s/%s/_index.md", site_dir, norm.ptr);
	buf_printf(&src, "%s/%s/index.md", site_dir, norm.ptr);
	if (fs_is_file(file.ptr) || fs_is_file(src.ptr)) {
		fprintf(stderr, "gen: new: '%s' is already a page (%s)\n", path,
		    fs_is_file(file.ptr) ? file.ptr : src.ptr);
		goto out;
	}
	buf_reset(&file);
	buf_reset(&src);
	if (slash != NULL)
		buf_add(&sec, norm.ptr, (size_t)(slash - norm.ptr));
	buf_printf(&file, "%s/%s/_index.md", site_dir, sec.len ? sec.ptr : ".");
	if (sec.len > 0 && !fs_is_file(file.ptr)) {
		fprintf(stderr, "gen: new: no section '%s' (%s is missing)\n",
		    sec.ptr, file.ptr);
		goto out;
	}

	/* The archetype of the top section, or the default one. */
	top = strcspn(norm.ptr, "/");
	buf_printf(&label, "%s/archetypes/%.*s.md", site_dir, (int)top,
	    norm.ptr);
	if (slash == NULL || buf_read_file(&src, label.ptr) == -1) {
		buf_reset(&label);
		buf_printf(&label, "%s/archetypes/default.md", site_dir);
		if (buf_read_file(&src, label.ptr) == -1) {
			buf_reset(&label);
			buf_puts(&label, "(built-in archetype)");
			buf_puts(&src, builtin);
		}
	}
	if ((t = tmpl_parse(src.ptr, src.len, label.ptr, &err)) == NULL) {
		fprintf(stderr, "gen: new: %s\n", err.ptr);
		goto out;
	}
	data = json_pack("{s:s, s:s, s:s%, s:s}", "title", name, "date", today,
	    "section", sec.ptr, sec.len, "name", name);
	if (tmpl_render(t, NULL, data, &text, &err) == -1) {
		fprintf(stderr, "gen: new: %s\n", err.ptr);
		goto out;
	}

	buf_reset(&file);
	buf_printf(&file, "%s/%s.md", site_dir, norm.ptr);
	/* Never over an editor's page. */
	if ((fd = open(file.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "gen: new: %s: %s\n", file.ptr,
		    errno == EEXIST ? "already exists" : strerror(errno));
		goto out;
	}
	if ((write(fd, text.ptr, text.len) != (ssize_t)text.len) |
	    (close(fd) == -1)) {
		fprintf(stderr, "gen: new: %s: %s\n", file.ptr, strerror(errno));
		unlink(file.ptr);
		goto out;
	}
	if (!quiet)
		printf("%s\n", file.ptr);
	rc = 0;
out:
	tmpl_free(t);
	json_decref(data);
	buf_release(&norm);
	buf_release(&file);
	buf_release(&sec);
	buf_release(&src);
	buf_release(&label);
	buf_release(&text);
	buf_release(&err);
	return rc;
}
