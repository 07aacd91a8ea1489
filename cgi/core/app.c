#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "buf.h"
#include "cookie.h"
#include "crypto.h"
#include "db.h"
#include "escape.h"
#include "multipart.h"
#include "parse.h"
#include "passwd.h"
#include "urlencoded.h"
#include "view.h"

#define SESSION_COOKIE	"__Host-kk_session"
#define PRESESSION_COOKIE "__Host-kk_csrf"
/* A session's last use is written at most this often (seconds): the
 * idle time-out is counted to within it, and most requests write
 * nothing. */
#define SEEN_GRANULARITY 60
#define DEFAULT_MAX_BODY (64 * 1024)

/* The security headers of every answer; nginx sends the same (its
 * template, scripts/nginx.conf.in, says so) and hides these copies. */
static const char security_headers[] =
    "Content-Security-Policy: default-src 'self'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: same-origin\r\n"
    "Cache-Control: no-store\r\n";

struct route_specs {
	struct field_spec	*body;	/* the route's fields and csrf */
	size_t			 nbody;
};

struct app {
	const struct program	*prog;
	struct conf		 conf;
	sqlite3			*db;
	struct view		*view;
	struct route_specs	*specs;	/* one per route */
	char			*tmpdir;
};

/* ---------------------------------------------------------------- *
 * Roles
 * ---------------------------------------------------------------- */

static const struct {
	const char	*name;
	const char	*label;
} roles[ROLE__MAX] = {
	{ "admin", "管理者" },			/* ROLE_ADMIN */
	{ "operator", "運用事業者" },		/* ROLE_OPERATOR */
	{ "moderator", "モデレーター" },	/* ROLE_MODERATOR */
	{ "municipality", "市区町村" },		/* ROLE_MUNICIPALITY */
	{ "prefecture", "都道府県" },		/* ROLE_PREFECTURE */
};

const char *
role_name(enum role r)
{
	return r < ROLE__MAX ? roles[r].name : "";
}

const char *
role_label(enum role r)
{
	return r < ROLE__MAX ? roles[r].label : "";
}

int
role_parse(const char *s)
{
	int i;

	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, roles[i].name) == 0)
			return i;
	return -1;
}

sqlite3 *
app_db(struct app *a)
{
	return a->db;
}

const struct conf *
app_conf(struct app *a)
{
	return &a->conf;
}

char *
app_log_text(const char *s)
{
	char *c = xstrdup(s != NULL ? s : ""), *p;

	for (p = c; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

/* ---------------------------------------------------------------- *
 * Answers
 * ---------------------------------------------------------------- */

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

void
resp_header(struct req *r, const char *name, const char *fmt, ...)
{
	size_t start = r->headers.len;
	va_list ap;

	buf_printf(&r->headers, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(&r->headers, fmt, ap);
	va_end(ap);
	assert(strpbrk(r->headers.ptr + start, "\r\n") == NULL);
	BUF_PUTSL(&r->headers, "\r\n");
}

static json_t *
user_json(const struct req *r)
{
	const struct account *u = r->user;

	if (u == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b}",
	    "login", u->login, "name", u->name, "role", role_name(u->role),
	    "role_label", role_label(u->role),
	    "is_admin", u->role == ROLE_ADMIN,
	    "is_staff", u->role == ROLE_ADMIN || u->role == ROLE_OPERATOR,
	    "is_moderator", u->role == ROLE_ADMIN ||
	    u->role == ROLE_MODERATOR);
}

/* How many folders below app/<program>/ the address the browser asked
 * for lies (REQUEST_URI as sent, for the browser resolves relative URLs
 * against it): 0 for a route; more for an unknown address such as
 * /app/auth/password/ or /app/auth/a/b, answered with the error page. */
static int
levels_below(const struct req *r)
{
	const char *u = r->uri != NULL ? r->uri : "", *p, *end;
	size_t len = strcspn(u, "?#");
	struct buf pre = BUF_INIT;
	int n = 0;

	buf_printf(&pre, "/app/%s/", r->app->prog->name);
	if ((p = memmem(u, len, pre.ptr, pre.len)) != NULL)
		for (p += pre.len, end = u + len; p < end; p++)
			n += *p == '/';
	buf_release(&pre);
	return n;
}

int
resp_page(struct req *r, int status, const char *name, const char *title,
    json_t *data)
{
	struct buf err = BUF_INIT;
	int rc;

	if (data == NULL)
		data = json_object();
	json_object_set_new(data, "csrf", json_string(app_csrf(r)));
	json_object_set_new(data, "user", user_json(r));
	json_object_set_new(data, "signed_in", json_boolean(r->user != NULL));
	buf_reset(&r->out);
	rc = view_render(r->app->view, name, title, levels_below(r), data,
	    &r->out, &err);
	json_decref(data);
	if (rc == -1) {
		fprintf(stderr, "%s: page %s: %s\n", r->app->prog->name, name,
		    err.ptr);
		buf_release(&err);
		buf_reset(&r->out);
		return -1;
	}
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	return 0;
}

int
resp_redirect(struct req *r, const char *location)
{
	buf_reset(&r->out);
	resp_header(r, "Location", "%s", location);
	r->status = 303;
	r->ctype = NULL;
	return 0;
}

int
resp_status(struct req *r, int status)
{
	buf_reset(&r->out);
	r->status = status;
	r->ctype = NULL;
	return 0;
}

int
resp_error(struct req *r, int status, const char *message)
{
	const char *title;

	switch (status) {
	case 400: case 413: case 415: case 422:
		title = "送信内容を受け付けられませんでした"; break;
	case 401: title = "ログインが必要です"; break;
	case 403: title = "このページを利用する権限がありません"; break;
	case 404: title = "ページが見つかりません"; break;
	case 405: title = "この操作はできません"; break;
	case 409: title = "操作が重なりました"; break;
	case 429: title = "しばらくお待ちください"; break;
	default: title = "エラーが発生しました"; break;
	}
	if (resp_page(r, status, "error", title, json_pack("{s:s, s:i}",
	    "message", message, "status", status)) == 0)
		return 0;
	/* The theme failed too: plain text, still in Japanese. */
	buf_reset(&r->out);
	buf_printf(&r->out, "%s\n%s\n", title, message);
	r->status = status;
	r->ctype = "text/plain; charset=utf-8";
	return 0;
}

int
resp_file(struct req *r, const char *ctype, const char *filename,
    const void *body, size_t len)
{
	struct buf enc = BUF_INIT;

	esc_url(&enc, filename, strlen(filename));
	resp_header(r, "Content-Disposition",
	    "attachment; filename=\"download\"; filename*=UTF-8''%s", enc.ptr);
	buf_release(&enc);
	buf_reset(&r->out);
	buf_add(&r->out, body, len);
	r->status = 200;
	r->ctype = ctype;
	return 0;
}

static void
send_answer(struct req *r, FCGX_Stream *out)
{
	struct buf h = BUF_INIT;

	buf_printf(&h, "Status: %d %s\r\n", r->status, reason(r->status));
	if (r->ctype != NULL)
		buf_printf(&h, "Content-Type: %s\r\n", r->ctype);
	buf_puts(&h, security_headers);
	buf_addbuf(&h, &r->headers);
	if (r->status != 204 && r->status != 303 && r->ctype != NULL)
		buf_printf(&h, "Content-Length: %zu\r\n", r->out.len);
	BUF_PUTSL(&h, "\r\n");
	FCGX_PutStr(h.ptr, (int)h.len, out);
	if (!r->head && r->out.len > 0)
		FCGX_PutStr(r->out.ptr, (int)r->out.len, out);
	buf_release(&h);
}

/* ---------------------------------------------------------------- *
 * Sessions
 * ---------------------------------------------------------------- */

static void
account_free(struct account *a)
{
	if (a == NULL)
		return;
	free(a->login);
	free(a->name);
	free(a->email);
	free(a->prev_login_ip);
	free(a);
}

static void
set_cookie(struct req *r, const char *name, const char *value)
{
	/* __Host-: Secure, Path=/, no Domain.  No Max-Age: the cookie ends
	 * with the browser; the server ends the session sooner. */
	if (value != NULL)
		resp_header(r, "Set-Cookie", "%s=%s; Path=/; Secure; HttpOnly; "
		    "SameSite=Lax", name, value);
	else
		resp_header(r, "Set-Cookie", "%s=; Path=/; Secure; HttpOnly; "
		    "SameSite=Lax; Max-Age=0", name);
}

/* The session of the request's cookie, if valid: sets r->user and
 * r->sess.  A session past its time is deleted. */
static int
load_session(struct req *r)
{
	const char *tok = cookie_get(&r->cookies, SESSION_COOKIE);
	const struct conf *c = r->conf;
	char h[CRYPTO_SHA256_HEX + 1];
	long long sid, created, seen;
	sqlite3_stmt *st;
	int rc, dead;

	if (tok == NULL || strlen(tok) != CRYPTO_TOKEN_LEN)
		return 0;
	crypto_sha256_hex(tok, strlen(tok), h);
	st = db_query(r->db, "SELECT s.id, s.created, s.seen, s.csrf, a.id, "
	    "a.login, a.name, a.role, a.email, a.pw_changed, a.prev_login_at, "
	    "a.prev_login_ip, a.disabled FROM session s JOIN account a ON "
	    "a.id = s.account_id WHERE s.token_hash = ?", "s", h);
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			set_cookie(r, SESSION_COOKIE, NULL);
			return 0;
		}
		return -1;
	}
	sid = sqlite3_column_int64(st, 0);
	created = sqlite3_column_int64(st, 1);
	seen = sqlite3_column_int64(st, 2);
	dead = r->now - seen > c->session_idle ||
	    r->now - created > c->session_max ||
	    sqlite3_column_int64(st, 12) != 0 ||
	    role_parse(db_text(st, 7)) < 0;
	if (!dead) {
		struct account *a = xcalloc(1, sizeof(*a));

		a->id = sqlite3_column_int64(st, 4);
		a->login = xstrdup(db_text(st, 5));
		a->name = xstrdup(db_text(st, 6));
		a->role = (enum role)role_parse(db_text(st, 7));
		a->email = xstrdup(db_text(st, 8));
		a->pw_changed = sqlite3_column_int64(st, 9);
		a->prev_login_at = sqlite3_column_int64(st, 10);
		a->prev_login_ip = xstrdup(db_text(st, 11));
		r->user = a;
		r->sess.id = sid;
		r->sess.created = created;
		snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s",
		    db_text(st, 3));
	}
	sqlite3_finalize(st);
	if (dead) {
		set_cookie(r, SESSION_COOKIE, NULL);
		return db_exec(r->db, "DELETE FROM session WHERE id = ?", "i",
		    sid) < 0 ? -1 : 0;
	}
	if (r->now - seen >= SEEN_GRANULARITY &&
	    db_exec(r->db, "UPDATE session SET seen = ? WHERE id = ?", "ii",
	    r->now, sid) < 0)
		return -1;
	return 0;
}

int
app_sign_in(struct req *r, long long account_id)
{
	char tok[CRYPTO_TOKEN_LEN + 1], csrf[CRYPTO_TOKEN_LEN + 1];
	char h[CRYPTO_SHA256_HEX + 1];

	/* Whatever session this browser had ends: a new token at every
	 * sign-in, so a token planted before it is worth nothing. */
	if (r->sess.id != 0 && db_exec(r->db, "DELETE FROM session WHERE "
	    "id = ?", "i", r->sess.id) < 0)
		return -1;
	if (crypto_token(tok) == -1 || crypto_token(csrf) == -1)
		return -1;
	crypto_sha256_hex(tok, strlen(tok), h);
	if (db_exec(r->db, "INSERT INTO session (token_hash, account_id, "
	    "csrf, created, seen, ip) VALUES (?, ?, ?, ?, ?, ?)", "sisiis", h,
	    account_id, csrf, r->now, r->now, r->ip) != 1)
		return -1;
	r->sess.id = sqlite3_last_insert_rowid(r->db);
	r->sess.created = r->now;
	snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s", csrf);
	set_cookie(r, SESSION_COOKIE, tok);
	set_cookie(r, PRESESSION_COOKIE, NULL);
	crypto_wipe(tok, sizeof(tok));
	return 0;
}

int
app_sign_out(struct req *r)
{
	if (r->sess.id != 0 && db_exec(r->db, "DELETE FROM session WHERE "
	    "id = ?", "i", r->sess.id) < 0)
		return -1;
	r->sess.id = 0;
	r->sess.csrf[0] = '\0';
	account_free(r->user);
	r->user = NULL;
	set_cookie(r, SESSION_COOKIE, NULL);
	return 0;
}

int
app_end_sessions(struct req *r, long long account_id, int keep_this)
{
	return db_exec(r->db, "DELETE FROM session WHERE account_id = ? AND "
	    "id != ?", "ii", account_id, keep_this ? r->sess.id : 0LL) < 0 ?
	    -1 : 0;
}

const char *
app_csrf(struct req *r)
{
	const char *c;
	char tok[CRYPTO_TOKEN_LEN + 1];

	if (r->sess.id != 0)
		return r->sess.csrf;
	if (r->sess.csrf[0] != '\0')
		return r->sess.csrf;
	/* Before sign-in, the token is a cookie's (double submit). */
	c = cookie_get(&r->cookies, PRESESSION_COOKIE);
	if (c != NULL && strlen(c) == CRYPTO_TOKEN_LEN) {
		snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s", c);
		return r->sess.csrf;
	}
	if (crypto_token(tok) == -1)
		return "";
	snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s", tok);
	set_cookie(r, PRESESSION_COOKIE, tok);
	return r->sess.csrf;
}

/* ---------------------------------------------------------------- *
 * Requests
 * ---------------------------------------------------------------- */

static const struct field_spec csrf_spec = {
	.name = "csrf", .label = "フォームの確認用の値", .type = FIELD_TEXT,
	.max_len = 64,
};

static const char *
param(FCGX_Request *f, const char *name)
{
	const char *v = FCGX_GetParam(name, f->envp);

	return v != NULL ? v : "";
}

static ssize_t
fcgi_read(void *arg, void *buf, size_t len)
{
	int n = FCGX_GetStr(buf, len > INT_MAX ? INT_MAX : (int)len, arg);

	return n < 0 ? -1 : n;
}

/* The route's name: what follows "/app/<program>/" in the path. */
static const char *
action_of(const char *path, const char *prog)
{
	struct buf pre = BUF_INIT;
	const char *p;

	buf_printf(&pre, "/app/%s/", prog);
	p = strstr(path, pre.ptr);
	if (p != NULL)
		p += pre.len;
	buf_release(&pre);
	return p;
}

/* 1 when the request comes from one of our own pages: its Origin, or
 * else its Referer, is this host's.  Neither sent: the token decides. */
static int
same_origin(FCGX_Request *f)
{
	const char *origin = param(f, "HTTP_ORIGIN");
	const char *ref = param(f, "HTTP_REFERER");
	const char *host = param(f, "HTTP_HOST");
	const char *scheme = *param(f, "HTTPS") != '\0' ? "https" : "http";
	struct buf want = BUF_INIT;
	int ok;

	buf_printf(&want, "%s://%s", scheme, host);
	if (*origin != '\0')
		ok = strcmp(origin, want.ptr) == 0;
	else if (*ref != '\0')
		ok = strncmp(ref, want.ptr, want.len) == 0 &&
		    ref[want.len] == '/';
	else
		ok = 1;
	buf_release(&want);
	return ok;
}

static enum parse_err
read_body(struct req *r, FCGX_Request *f, const struct route *rt,
    struct buf *msg)
{
	const char *ctype = param(f, "CONTENT_TYPE");
	size_t max = rt->max_body ? rt->max_body : DEFAULT_MAX_BODY;
	struct buf boundary = BUF_INIT;
	enum parse_err e;

	if (rt->flags & ROUTE_MULTIPART) {
		struct multipart_limits lim = { .max_body = max,
		    .max_file = max, .tmpdir = r->app->tmpdir };

		if (multipart_boundary(ctype, strlen(ctype), &boundary) == -1) {
			buf_puts(msg, "not multipart/form-data");
			buf_release(&boundary);
			return PARSE_MALFORMED;
		}
		e = multipart_read(&r->body, boundary.ptr, boundary.len,
		    fcgi_read, f->in, &lim, msg);
		buf_release(&boundary);
		return e;
	} else {
		struct urlencoded_limits lim = { .max_bytes = max };

		if (*ctype != '\0' && strncasecmp(ctype,
		    "application/x-www-form-urlencoded", 33) != 0) {
			buf_puts(msg, "not application/x-www-form-urlencoded");
			return PARSE_MALFORMED;
		}
		return urlencoded_read(&r->body, fcgi_read, f->in, &lim, msg);
	}
}

/* Everything before the handler; 1 when an answer is already made. */
static int
prepare(struct req *r, FCGX_Request *f, const struct route *rt,
    const struct route_specs *sp)
{
	const char *q = param(f, "QUERY_STRING");
	const char *ck = param(f, "HTTP_COOKIE");
	struct buf msg = BUF_INIT, next = BUF_INIT;
	enum parse_err e;

	if ((e = urlencoded_parse(&r->query, q, strlen(q), NULL, &msg)) !=
	    PARSE_OK || cookie_parse(&r->cookies, ck, strlen(ck)) != PARSE_OK) {
		fprintf(stderr, "%s: %s: query or cookie: %s\n",
		    r->app->prog->name, r->action, msg.ptr);
		buf_release(&msg);
		resp_error(r, e != PARSE_OK ? parse_err_status(e) : 400,
		    e != PARSE_OK ? parse_err_message(e) :
		    parse_err_message(PARSE_TOO_LARGE));
		return 1;
	}
	if (fields_validate(&r->qs, rt->qfields, rt->nqfields, &r->query) ==
	    -1 && r->qs.error != NULL) {
		resp_error(r, 400, "ページのアドレスが正しくありません。"
		    "リンクをたどり直してください。");
		return 1;
	}
	if (!(rt->flags & ROUTE_NO_SESSION) && load_session(r) == -1)
		return -1;
	if (rt->roles != 0 && r->user == NULL) {
		if (r->method == METHOD_GET) {
			/* Back to this page after signing in. */
			BUF_PUTSL(&next, "../auth/login?next=");
			esc_url(&next, r->uri, strlen(r->uri));
			resp_redirect(r, next.ptr);
			buf_release(&next);
		} else
			resp_error(r, 403, "ログインの有効期限が切れました。"
			    "もう一度ログインしてから操作してください。");
		return 1;
	}
	if (rt->roles != 0 && !(rt->roles & ROLE_BIT(r->user->role))) {
		resp_error(r, 403, "このページは、お使いのアカウントでは"
		    "利用できません。");
		return 1;
	}
	if (r->method == METHOD_POST) {
		const char *tok;

		if ((e = read_body(r, f, rt, &msg)) != PARSE_OK) {
			char *m = app_log_text(msg.ptr);

			fprintf(stderr, "%s: %s: body: %s: %s\n",
			    r->app->prog->name, r->action, parse_err_str(e), m);
			free(m);
			buf_release(&msg);
			resp_error(r, parse_err_status(e), parse_err_message(e));
			return 1;
		}
		if (!(rt->flags & ROUTE_NO_CSRF)) {
			tok = pairs_value(&r->body, "csrf");
			if (!same_origin(f) || tok == NULL ||
			    !crypto_streq(tok, app_csrf(r))) {
				fprintf(stderr, "%s: %s: refused: no valid "
				    "CSRF token or another origin (from %s)\n",
				    r->app->prog->name, r->action, r->ip);
				resp_error(r, 403, "このフォームは有効期限が"
				    "切れているか、別のサイトから送信されました"
				    "。ページを読み込み直してから、もう一度"
				    "送信してください。");
				return 1;
			}
		}
		(void)fields_validate(&r->form, sp->body, sp->nbody, &r->body);
	}
	if (r->user != NULL && r->user->role == ROLE_ADMIN &&
	    r->now - r->user->pw_changed > r->conf->admin_pw_max_age &&
	    !(rt->flags & ROUTE_PW_EXPIRED)) {
		resp_redirect(r, "../auth/password?expired=1");
		return 1;
	}
	buf_release(&msg);
	return 0;
}

static void
handle(struct app *a, FCGX_Request *f)
{
	const struct program *p = a->prog;
	const char *method = param(f, "REQUEST_METHOD");
	const char *path = param(f, "DOCUMENT_URI");
	const struct route *rt = NULL;
	struct req r;
	handler_fn fn;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	r.app = a;
	r.db = a->db;
	r.conf = &a->conf;
	r.now = (long long)time(NULL);
	r.ip = param(f, "REMOTE_ADDR");
	r.uri = param(f, "REQUEST_URI");
	buf_init(&r.headers);
	buf_init(&r.out);
	pairs_init(&r.query);
	pairs_init(&r.body);
	pairs_init(&r.cookies);
	if (*path == '\0')
		path = param(f, "SCRIPT_NAME");
	r.action = action_of(path, p->name);
	if (strcmp(method, "POST") == 0)
		r.method = METHOD_POST;
	else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
		r.method = METHOD_GET;
		r.head = method[0] == 'H';
	}
	if (r.action != NULL)
		for (i = 0; i < p->nroutes; i++)
			if (strcmp(p->routes[i].action, r.action) == 0) {
				rt = &p->routes[i];
				break;
			}
	if (rt == NULL) {
		r.action = "?";
		resp_error(&r, 404, "お探しのページは見つかりませんでした。"
		    "アドレスを確かめてください。");
		goto send;
	}
	fn = r.method == METHOD_POST ? rt->post : r.method == METHOD_GET ?
	    rt->get : NULL;
	if (fn == NULL) {
		resp_header(&r, "Allow", "%s%s%s", rt->get ? "GET, HEAD" : "",
		    rt->get && rt->post ? ", " : "", rt->post ? "POST" : "");
		resp_error(&r, 405, "このページでは、その操作はできません。");
		goto send;
	}
	if ((rc = prepare(&r, f, rt, &a->specs[rt - p->routes])) == 0)
		rc = fn(&r);
	if (!sqlite3_get_autocommit(a->db)) {
		if (rc != -1)
			fprintf(stderr, "%s: %s: a transaction was left open\n",
			    p->name, r.action);
		db_rollback(a->db);
	}
	if (rc == -1) {
		fprintf(stderr, "%s: %s: failed (500)\n", p->name, r.action);
		buf_reset(&r.headers);
		resp_error(&r, 500, "サーバーで問題が起きたため、処理できません"
		    "でした。時間をおいて、もう一度お試しください。");
	}
send:
	send_answer(&r, f->out);
	fields_release(&r.qs);
	fields_release(&r.form);
	pairs_release(&r.query);
	pairs_release(&r.body);
	pairs_release(&r.cookies);
	account_free(r.user);
	buf_release(&r.headers);
	buf_release(&r.out);
}

/* ---------------------------------------------------------------- *
 * Start
 * ---------------------------------------------------------------- */

static void
usage(const char *name)
{
	fprintf(stderr, "usage: %s -s SITE_DIR -d DATABASE -t THEMES_DIR "
	    "-S SCHEMA_DIR [-o PUBLIC_DIR] [-c LOCAL.yaml] [-l LOG] "
	    "[command ...]\n", name);
}

static void
make_specs(struct app *a)
{
	const struct program *p = a->prog;
	size_t i, n;

	a->specs = xcalloc(p->nroutes, sizeof(*a->specs));
	for (i = 0; i < p->nroutes; i++) {
		n = p->routes[i].nfields;
		a->specs[i].body = xcalloc(n + 1, sizeof(struct field_spec));
		if (n > 0)
			memcpy(a->specs[i].body, p->routes[i].fields,
			    n * sizeof(struct field_spec));
		a->specs[i].body[n] = csrf_spec;
		a->specs[i].nbody = n + 1;
	}
}

int
app_main(const struct program *p, int argc, char **argv)
{
	const char *site = NULL, *local = NULL, *dbpath = NULL;
	const char *public = NULL, *themes = NULL, *schema = NULL;
	const char *logfile = NULL;
	struct buf err = BUF_INIT;
	struct app a;
	FCGX_Request f;
	size_t i;
	int c, rc = 1;

	memset(&a, 0, sizeof(a));
	a.prog = p;
	/* "+": the options end at the command, so that its own arguments
	 * (user add ... --mail, a file named -x.csv) are left to it;
	 * glibc's getopt would otherwise take them for the program's. */
	while ((c = getopt(argc, argv, "+s:c:d:o:t:S:l:")) != -1) {
		switch (c) {
		case 'l': logfile = optarg; break;
		case 's': site = optarg; break;
		case 'c': local = optarg; break;
		case 'd': dbpath = optarg; break;
		case 'o': public = optarg; break;
		case 't': themes = optarg; break;
		case 'S': schema = optarg; break;
		default: usage(p->name); return 2;
		}
	}
	if (site == NULL || dbpath == NULL || themes == NULL || schema == NULL) {
		usage(p->name);
		return 2;
	}
	/* spawn-fcgi gives its children /dev/null for stderr: the log is
	 * named instead. */
	if (logfile != NULL) {
		int fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0640);

		if (fd == -1 || dup2(fd, STDERR_FILENO) == -1) {
			fprintf(stderr, "%s: %s: %s\n", p->name, logfile,
			    strerror(errno));
			return 1;
		}
		close(fd);
	}
	if (conf_load(&a.conf, site, local, &err) == -1) {
		fprintf(stderr, "%s: %s", p->name, err.ptr);
		goto out;
	}
	if ((a.db = db_open(dbpath, schema, &err)) == NULL) {
		fprintf(stderr, "%s: %s\n", p->name, err.ptr);
		goto out;
	}
	if ((a.view = view_new(themes, a.conf.theme, public, a.conf.title,
	    &err)) == NULL) {
		fprintf(stderr, "%s: %s\n", p->name, err.ptr);
		goto out;
	}
	a.tmpdir = xstrdup(getenv("TMPDIR") != NULL ? getenv("TMPDIR") :
	    "/tmp");
	make_specs(&a);
	if (optind < argc) {
		if (p->cli == NULL) {
			usage(p->name);
			rc = 2;
			goto out;
		}
		rc = p->cli(&a, argc - optind, argv + optind);
		goto out;
	}
	if (FCGX_IsCGI()) {
		fprintf(stderr, "%s: descriptor 0 is not a FastCGI socket; "
		    "start it with spawn-fcgi\n", p->name);
		rc = 2;
		goto out;
	}
	(void)passwd_init();
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&f, 0, 0) != 0) {
		fprintf(stderr, "%s: cannot start FastCGI\n", p->name);
		goto out;
	}
	fprintf(stderr, "%s: serving (pid %ld)\n", p->name, (long)getpid());
	while (FCGX_Accept_r(&f) >= 0) {
		handle(&a, &f);
		FCGX_Finish_r(&f);
	}
	rc = 0;
out:
	if (a.specs != NULL)
		for (i = 0; i < p->nroutes; i++)
			free(a.specs[i].body);
	free(a.specs);
	free(a.tmpdir);
	view_free(a.view);
	db_close(a.db);
	conf_release(&a.conf);
	buf_release(&err);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Forms
 * ---------------------------------------------------------------- */

json_t *
app_form_json(const struct fields *fs, const char *const *secret)
{
	json_t *f = json_object(), *errs = json_array();
	const char *const *s;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct field *fd = &fs->f[i];
		const char *name = fd->spec->name;
		int hide = 0;
		json_t *o;

		if (strcmp(name, "csrf") == 0)
			continue;
		for (s = secret; s != NULL && *s != NULL; s++)
			hide |= strcmp(*s, name) == 0;
		o = json_pack("{s:s}", "value", hide || fd->n == 0 ? "" :
		    fd->v[0].text);
		if (fd->error != NULL) {
			json_object_set_new(o, "error",
			    json_string(fd->error));
			json_array_append_new(errs, json_pack("{s:s, s:s}",
			    "id", name, "error", fd->error));
		}
		json_object_set_new(f, name, o);
	}
	return json_pack("{s:o, s:o, s:b, s:s?}", "f", f, "errors", errs,
	    "has_errors", fs->nerrors > 0, "form_error", fs->error);
}
