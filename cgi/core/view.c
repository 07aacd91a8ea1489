#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "tmpl.h"
#include "view.h"

struct view {
	char		*theme_dir;
	char		*data_path;	/* public_dir/.gen-app.json or NULL */
	char		*site_title;
	struct tmpl_set	*set;
	json_t		*layout;	/* the layout's data */
	struct timespec	 mtime;		/* of data_path when read */
	off_t		 size;
};

/* A template name is a word, or cgi/word: nothing that leaves the
 * theme. */
static int
valid_name(const char *name)
{
	const char *p = name;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '/'))
			return 0;
	return strstr(name, "//") == NULL && name[0] != '/';
}

static int
loader(void *arg, const char *name, struct buf *src, struct buf *label,
    struct buf *err)
{
	static const char *const dirs[] = { "cgi", "partials", "layouts" };
	struct view *v = arg;
	struct buf path = BUF_INIT;
	size_t i;

	if (!valid_name(name))
		return 1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		buf_reset(&path);
		/* "cgi/login" names its folder itself. */
		if (strncmp(name, "cgi/", 4) == 0)
			buf_printf(&path, "%s/%s.mustache", v->theme_dir, name);
		else
			buf_printf(&path, "%s/%s/%s.mustache", v->theme_dir,
			    dirs[i], name);
		if (buf_read_file(src, path.ptr) == 0) {
			buf_puts(label, path.ptr);
			buf_release(&path);
			return 0;
		}
		if (errno != ENOENT) {
			buf_printf(err, "%s: %s", path.ptr, strerror(errno));
			buf_release(&path);
			return -1;
		}
		if (strncmp(name, "cgi/", 4) == 0)
			break;
	}
	buf_release(&path);
	return 1;
}

/* The layout's data when gen has not written it. */
static json_t *
bare_layout(const struct view *v)
{
	return json_pack("{s:{s:s, s:s, s:s, s:b}, s:s, s:s, s:[], s:b, "
	    "s:[], s:b}",
	    "site", "title", v->site_title, "language", "ja",
	    "pattern", "top", "pattern_side", 0,
	    "root", "../../", "home_url", "../../index.html",
	    "menu", "has_menu", 0, "footer_menu", "has_footer_menu", 0);
}

/* Read .gen-app.json again when gen has written it since. */
static void
refresh(struct view *v)
{
	json_error_t je;
	struct stat st;
	json_t *j;

	if (v->data_path == NULL || stat(v->data_path, &st) == -1) {
		if (v->layout == NULL)
			v->layout = bare_layout(v);
		return;
	}
	if (v->layout != NULL && st.st_size == v->size &&
	    st.st_mtim.tv_sec == v->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == v->mtime.tv_nsec)
		return;
	if ((j = json_load_file(v->data_path, 0, &je)) == NULL ||
	    !json_is_object(j)) {
		fprintf(stderr, "view: %s:%d: %s\n", v->data_path, je.line,
		    je.text);
		json_decref(j);
		if (v->layout == NULL)
			v->layout = bare_layout(v);
		return;
	}
	json_decref(v->layout);
	v->layout = j;
	v->mtime = st.st_mtim;
	v->size = st.st_size;
}

struct view *
view_new(const char *themes_dir, const char *theme, const char *public_dir,
    const char *site_title, struct buf *err)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct buf b = BUF_INIT;
	struct stat st;

	buf_printf(&b, "%s/%s", themes_dir, theme);
	v->theme_dir = buf_detach(&b, NULL);
	buf_printf(&b, "%s/layouts/base.mustache", v->theme_dir);
	if (stat(b.ptr, &st) == -1) {
		buf_printf(err, "theme %s: no layouts/base.mustache: %s",
		    v->theme_dir, strerror(errno));
		buf_release(&b);
		view_free(v);
		return NULL;
	}
	buf_reset(&b);
	if (public_dir != NULL) {
		buf_printf(&b, "%s/.gen-app.json", public_dir);
		v->data_path = buf_detach(&b, NULL);
	}
	buf_release(&b);
	v->site_title = xstrdup(site_title);
	v->set = tmpl_set_new(loader, v);
	tmpl_set_strict(v->set, 1);
	refresh(v);
	return v;
}

void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	tmpl_set_free(v->set);
	json_decref(v->layout);
	free(v->theme_dir);
	free(v->data_path);
	free(v->site_title);
	free(v);
}

/* "root", "url" and "..._url" hold the layout's URLs. */
static int
url_key(const char *k)
{
	size_t n = strlen(k);

	return strcmp(k, "root") == 0 || strcmp(k, "url") == 0 ||
	    (n > 4 && strcmp(k + n - 4, "_url") == 0);
}

/* A path relative to the page: no scheme, not from the host's root,
 * not only a fragment. */
static int
relative_url(const char *s)
{
	size_t n = strcspn(s, ":/?#");

	return *s != '/' && *s != '#' && s[n] != ':';
}

/* A copy of `j` in which every relative URL (under a url_key) has
 * `pre` in front.  A new reference. */
static json_t *
lift(json_t *j, const char *pre, int is_url)
{
	struct buf b = BUF_INIT;
	const char *k;
	json_t *c, *e;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		c = json_object();
		json_object_foreach(j, k, e)
			json_object_set_new(c, k, lift(e, pre, url_key(k)));
		return c;
	case JSON_ARRAY:
		c = json_array();
		json_array_foreach(j, i, e)
			json_array_append_new(c, lift(e, pre, 0));
		return c;
	case JSON_STRING:
		if (!is_url || !relative_url(json_string_value(j)))
			return json_incref(j);
		buf_puts(&b, pre);
		buf_puts(&b, json_string_value(j));
		c = json_string(b.ptr);
		buf_release(&b);
		return c;
	default:
		return json_incref(j);
	}
}

int
view_render(struct view *v, const char *name, const char *title,
    int below, json_t *data, struct buf *out, struct buf *err)
{
	const struct tmpl *t;
	struct buf tn = BUF_INIT;
	const char *key;
	json_t *val, *layout;
	int i;

	refresh(v);
	if (below > 0) {
		for (i = 0; i < below; i++)
			BUF_PUTSL(&tn, "../");
		layout = lift(v->layout, tn.ptr, 0);
		buf_reset(&tn);
	} else
		layout = json_incref(v->layout);
	json_object_foreach(layout, key, val)
		if (json_object_get(data, key) == NULL)
			json_object_set(data, key, val);
	json_decref(layout);
	if (json_object_get(data, "page") == NULL)
		json_object_set_new(data, "page", json_pack("{s:s, s:s, s:s, "
		    "s:b, s:b}", "title", title, "kind", "app",
		    "description", "", "is_home", 0, "is_section", 0));
	if (json_object_get(data, "breadcrumbs") == NULL) {
		const char *home = json_string_value(json_object_get(v->layout,
		    "home_title"));
		const char *url = json_string_value(json_object_get(data,
		    "home_url"));

		json_object_set_new(data, "breadcrumbs", json_pack(
		    "[{s:s, s:s, s:b}, {s:s, s:s, s:b}]",
		    "title", home != NULL ? home : "ホーム",
		    "url", url != NULL ? url : "../../index.html", "current", 0,
		    "title", title, "url", "", "current", 1));
	}
	buf_printf(&tn, "cgi/%s", name);
	t = tmpl_set_get(v->set, tn.ptr, err);
	buf_release(&tn);
	if (t == NULL)
		return -1;
	return tmpl_render(t, v->set, data, out, err);
}
