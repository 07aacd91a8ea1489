#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "yaml.h"

long long
conf_duration(const char *s)
{
	long long v = 0, unit;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > LLONG_MAX / 10 / 86400)
			return -1;
		v = v * 10 + (*p - '0');
	}
	switch (*p) {
	case '\0': case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	if (*p != '\0' && p[1] != '\0')
		return -1;
	return v * unit;
}

struct key {
	const char	*name;
	enum { K_STR, K_DUR, K_INT, K_TLS } type;
	size_t		 off;
};

#define OFF(f) offsetof(struct conf, f)

static const struct key app_keys[] = {
	{ "url", K_STR, OFF(url) },
	{ "session_idle", K_DUR, OFF(session_idle) },
	{ "session_max", K_DUR, OFF(session_max) },
	{ "lockout_after", K_INT, OFF(lockout_after) },
	{ "lockout_time", K_DUR, OFF(lockout_time) },
	{ "admin_password_max_age", K_DUR, OFF(admin_pw_max_age) },
	{ NULL, K_STR, 0 }
};

static const struct key mail_keys[] = {
	{ "from", K_STR, OFF(mail_from) },
	{ "from_name", K_STR, OFF(mail_from_name) },
	{ "smtp", K_STR, OFF(smtp_url) },
	{ "tls", K_TLS, OFF(smtp_tls) },
	{ "user", K_STR, OFF(smtp_user) },
	{ "password_file", K_STR, OFF(smtp_password_file) },
	{ "ca_file", K_STR, OFF(smtp_ca_file) },
	{ "retry", K_DUR, OFF(mail_retry) },
	{ "retry_max", K_DUR, OFF(mail_retry_max) },
	{ "give_up", K_DUR, OFF(mail_give_up) },
	{ "poll", K_DUR, OFF(mail_poll) },
	{ NULL, K_STR, 0 }
};

static int
set_key(struct conf *c, const struct key *k, const struct ynode *v,
    const char *file, const char *section, struct buf *err)
{
	char *base = (char *)c + k->off;
	long long n;

	if (v->kind != YNODE_SCALAR) {
		buf_printf(err, "%s:%zu: %s.%s must be a single value\n", file,
		    v->line, section, k->name);
		return -1;
	}
	switch (k->type) {
	case K_STR:
		free(*(char **)base);
		*(char **)base = xstrdup(v->str);
		return 0;
	case K_DUR:
		if ((n = conf_duration(v->str)) <= 0) {
			buf_printf(err, "%s:%zu: %s.%s '%s' must be a duration "
			    "such as 90s, 15m, 12h or 180d\n", file, v->line,
			    section, k->name, v->str);
			return -1;
		}
		*(long long *)base = n;
		return 0;
	case K_INT:
		if (ynode_int(v, file, k->name, &n, err) == -1)
			return -1;
		if (n < 1 || n > 1000) {
			buf_printf(err, "%s:%zu: %s.%s must be between 1 and "
			    "1000\n", file, v->line, section, k->name);
			return -1;
		}
		*(long long *)base = n;
		return 0;
	case K_TLS:
		if (strcmp(v->str, "starttls") == 0)
			*(enum conf_tls *)base = CONF_TLS_STARTTLS;
		else if (strcmp(v->str, "smtps") == 0)
			*(enum conf_tls *)base = CONF_TLS_SMTPS;
		else if (strcmp(v->str, "none") == 0)
			*(enum conf_tls *)base = CONF_TLS_NONE;
		else {
			buf_printf(err, "%s:%zu: mail.tls '%s' must be "
			    "starttls, smtps or none\n", file, v->line, v->str);
			return -1;
		}
		return 0;
	}
	return -1;
}

static int
load_section(struct conf *c, const struct ynode *map, const struct key *keys,
    const char *file, const char *section, struct buf *err)
{
	size_t i;
	int rc = 0;

	if (map == NULL || ynode_is_null(map))
		return 0;
	if (map->kind != YNODE_MAP) {
		buf_printf(err, "%s:%zu: '%s' must be keys and values\n", file,
		    map->line, section);
		return -1;
	}
	for (i = 0; i < map->n; i++) {
		const struct key *k;

		for (k = keys; k->name != NULL; k++)
			if (strcmp(k->name, map->keys[i]->str) == 0)
				break;
		if (k->name == NULL) {
			buf_printf(err, "%s:%zu: unknown key '%s.%s'\n", file,
			    map->keys[i]->line, section, map->keys[i]->str);
			rc = -1;
			continue;
		}
		if (set_key(c, k, map->items[i], file, section, err) == -1)
			rc = -1;
	}
	return rc;
}

static int
load_file(struct conf *c, const char *path, int site, struct buf *err)
{
	struct buf text = BUF_INIT;
	struct ynode *root = NULL;
	const struct ynode *v;
	int rc = -1;

	if (buf_read_file(&text, path) == -1) {
		buf_printf(err, "%s: cannot read: %s\n", path, strerror(errno));
		goto out;
	}
	if ((root = yaml_load(text.ptr, text.len, path, 1, err)) == NULL)
		goto out;
	if (root->kind != YNODE_MAP) {
		buf_printf(err, "%s:1: must be keys and values\n", path);
		goto out;
	}
	if (site) {
		if ((v = ynode_get(root, "title")) != NULL &&
		    v->kind == YNODE_SCALAR) {
			free(c->title);
			c->title = xstrdup(v->str);
		}
		if ((v = ynode_get(root, "theme")) != NULL &&
		    v->kind == YNODE_SCALAR) {
			free(c->theme);
			c->theme = xstrdup(v->str);
		}
		if (c->url == NULL && (v = ynode_get(root, "base_url")) !=
		    NULL && v->kind == YNODE_SCALAR)
			c->url = xstrdup(v->str);
	}
	rc = 0;
	if (load_section(c, ynode_get(root, "app"), app_keys, path, "app",
	    err) == -1)
		rc = -1;
	if (load_section(c, ynode_get(root, "mail"), mail_keys, path, "mail",
	    err) == -1)
		rc = -1;
out:
	ynode_free(root);
	buf_release(&text);
	return rc;
}

int
conf_load(struct conf *c, const char *site_dir, const char *local,
    struct buf *err)
{
	struct buf path = BUF_INIT;
	int rc;

	memset(c, 0, sizeof(*c));
	c->session_idle = 30 * 60;
	c->session_max = 12 * 3600;
	c->lockout_after = 5;
	c->lockout_time = 15 * 60;
	c->admin_pw_max_age = 180 * 86400;
	c->smtp_tls = CONF_TLS_STARTTLS;
	c->mail_retry = 60;
	c->mail_retry_max = 3600;
	c->mail_give_up = 3 * 86400;
	c->mail_poll = 5;
	buf_printf(&path, "%s/site.yaml", site_dir);
	rc = load_file(c, path.ptr, 1, err);
	buf_release(&path);
	if (rc == 0 && local != NULL)
		rc = load_file(c, local, 0, err);
	if (rc == 0 && c->title == NULL) {
		buf_printf(err, "%s/site.yaml: no title\n", site_dir);
		rc = -1;
	}
	if (c->theme == NULL)
		c->theme = xstrdup("default");
	if (c->url == NULL)
		c->url = xstrdup("https://localhost/");
	if (c->url[0] == '\0' || c->url[strlen(c->url) - 1] != '/') {
		size_t n = strlen(c->url);

		c->url = xrealloc(c->url, n + 2);
		memcpy(c->url + n, "/", 2);
	}
	if (c->mail_from == NULL)
		c->mail_from = xstrdup("noreply@localhost");
	if (c->mail_from_name == NULL)
		c->mail_from_name = xstrdup(c->title != NULL ? c->title : "");
	if (c->smtp_url == NULL)
		c->smtp_url = xstrdup("smtp://127.0.0.1:25");
	if (strncmp(c->smtp_url, "smtps://", 8) == 0)
		c->smtp_tls = CONF_TLS_SMTPS;
	return rc;
}

void
conf_release(struct conf *c)
{
	free(c->title);
	free(c->theme);
	free(c->url);
	free(c->mail_from);
	free(c->mail_from_name);
	free(c->smtp_url);
	free(c->smtp_user);
	free(c->smtp_password_file);
	free(c->smtp_ca_file);
	memset(c, 0, sizeof(*c));
}
