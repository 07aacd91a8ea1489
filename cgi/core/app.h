/*
 * app: what makes a FastCGI program of the portal: its start, the
 * request loop, routing, the signed-in account, CSRF, and the answer.
 *
 * A program is a table of routes and app_main():
 *
 *     static const struct route routes[] = {
 *         { "login", .get = login_form, .post = login_post,
 *           .fields = login_fields, .nfields = NFIELDS(login_fields) },
 *         ...
 *     };
 *     static const struct program prog = { "auth", routes, NROUTES };
 *     int main(int argc, char **argv) { return app_main(&prog, argc, argv); }
 *
 * started by spawn-fcgi (or systemd) with the socket on descriptor 0:
 *
 *     auth -s SITE_DIR [-c LOCAL.yaml] -d DATABASE -o PUBLIC_DIR
 *          -t THEMES_DIR -S SCHEMA_DIR [-l LOG]
 *
 * SITE_DIR holds site.yaml (conf.h); PUBLIC_DIR is gen's output, whose
 * .gen-app.json gives the pages their menus (view.h); messages go to
 * stderr, or to the file LOG (spawn-fcgi gives stderr to /dev/null).  A program with a
 * `cli` runs it instead when further arguments follow the options.
 *
 * For each request app.c, in order: takes the route from the last part
 * of the path (/app/auth/login -> "login"; /app/auth/ -> ""); answers
 * 405 to a method the route has no handler for; parses the query string
 * and the body (urlencoded or, with ROUTE_MULTIPART, multipart) and
 * checks them against the route's tables (fields.h), the body's with the
 * CSRF field added; finds the session (sess.h); sends a visitor who is
 * not signed in to the sign-in page, and answers 403 to an account whose
 * role the route does not list; checks, on every POST, the Origin (or
 * Referer) and the CSRF token, answering 403; sends an administrator
 * whose password is older than app.admin_password_max_age to the
 * password page; then calls the handler.  Every answer carries the
 * security headers and Cache-Control: no-store; errors are Japanese
 * pages in the site's layout with the right status.
 */
#ifndef KK_APP_H
#define KK_APP_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#include "buf.h"
#include "conf.h"
#include "fields.h"
#include "pairs.h"

enum role {
	ROLE_ADMIN,		/* the agency: everything */
	ROLE_OPERATOR,		/* the contractor running the site */
	ROLE_MODERATOR,		/* approves posts */
	ROLE_MUNICIPALITY,	/* a municipality's shared account */
	ROLE_PREFECTURE,	/* a prefecture's shared account */
	ROLE__MAX
};

#define ROLE_BIT(r)	(1u << (r))
#define ROLES_ANY	((1u << ROLE__MAX) - 1)	/* any signed-in account */
#define ROLES_STAFF	(ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_OPERATOR))

/* "admin" ... and back; -1 for a name that is no role. */
const char	*role_name(enum role);
int		 role_parse(const char *);
/* The role in Japanese, for pages: 管理者, 運用事業者, ... */
const char	*role_label(enum role);

struct account {
	long long	 id;
	char		*login;
	char		*name;
	enum role	 role;
	char		*email;
	long long	 pw_changed;
	long long	 prev_login_at;	/* 0: none */
	char		*prev_login_ip;
};

struct session {
	long long	 id;		/* 0: not signed in */
	long long	 created;
	char		 csrf[64];
};

struct app;

#define METHOD_GET	1
#define METHOD_POST	2

struct req {
	struct app		*app;
	sqlite3			*db;
	const struct conf	*conf;
	long long		 now;
	int			 method;	/* METHOD_GET (also HEAD), _POST */
	int			 head;		/* HEAD: no body in the answer */
	const char		*action;	/* the route's name */
	const char		*uri;		/* the request's path and query */
	const char		*ip;
	struct pairs		 query;
	struct pairs		 body;
	struct pairs		 cookies;
	struct fields		 qs;		/* the query, checked */
	struct fields		 form;		/* a POST body, checked */
	struct account		*user;		/* signed in, or NULL */
	struct session		 sess;

	/* The answer. */
	int			 status;
	struct buf		 headers;	/* "Name: value\r\n" lines */
	struct buf		 out;		/* the body */
	const char		*ctype;
};

typedef int (*handler_fn)(struct req *);

#define ROUTE_MULTIPART	0x1u	/* the body is multipart/form-data */
#define ROUTE_NO_CSRF	0x2u	/* a POST without a form (none yet) */
#define ROUTE_NO_SESSION 0x4u	/* do not look at the session at all */
#define ROUTE_PW_EXPIRED 0x8u	/* open to an admin whose password is too
				   old (the password page, sign-out) */
#define ROUTE_LOGIN_REDIRECT 0x10u /* send a visitor not signed in to the
				   sign-in page (else 401/403 page) */

struct route {
	const char		*action;
	handler_fn		 get;	/* GET and HEAD */
	handler_fn		 post;
	unsigned		 roles;	/* 0: anyone; else ROLE_BITs */
	unsigned		 flags;
	const struct field_spec	*fields;  /* the POST body */
	size_t			 nfields;
	const struct field_spec	*qfields; /* the query string */
	size_t			 nqfields;
	size_t			 max_body; /* 0: 64 KiB */
};

#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))

struct program {
	const char		*name;
	const struct route	*routes;
	size_t			 nroutes;
	/* The command line (admin tool): called with the arguments after
	 * the options when there are any; returns the exit status. */
	int			(*cli)(struct app *, int argc, char **argv);
};

int		 app_main(const struct program *, int argc, char **argv);

/* What a command-line tool needs of the app. */
sqlite3		*app_db(struct app *);
const struct conf *app_conf(struct app *);

/* ---------------------------------------------------------------- *
 * Answers
 * ---------------------------------------------------------------- */

/* Add a header line.  The value must hold no CR or LF (asserted). */
void	 resp_header(struct req *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Render template `cgi/<name>` of the theme into the site's layout with
 * `data` (taken: the call owns it) and `title` (the page's h1 and
 * <title>).  The data gets the layout's keys (view.h), `csrf` and
 * `user` added.  0, or -1 on a template error (logged). */
int	 resp_page(struct req *, int status, const char *name,
	    const char *title, json_t *data);

/* 303 See Other to `location`, a path relative to this page ("login",
 * "../auth/") or absolute from the host ("/members/"). */
int	 resp_redirect(struct req *, const char *location);

/* An error page with the status and a sentence in Japanese. */
int	 resp_error(struct req *, int status, const char *message);

/* A plain answer: no page, no body (e.g. 204, 401 for auth_request). */
int	 resp_status(struct req *, int status);

/* A download: `body` as it is, with its type and a file name (UTF-8,
 * sent as RFC 6266 filename*). */
int	 resp_file(struct req *, const char *ctype, const char *filename,
	    const void *body, size_t len);

/* ---------------------------------------------------------------- *
 * Sessions
 * ---------------------------------------------------------------- */

/* Begin a session for the account (a new token; any session this
 * browser had is ended): sets the cookie and req->sess/req->user.  0 or
 * -1.  Call inside the sign-in transaction. */
int	 app_sign_in(struct req *, long long account_id);
/* End this session (cookie cleared). */
int	 app_sign_out(struct req *);
/* End every session of the account, except this request's own when
 * `keep_this` (after a password change, the one who changed it stays). */
int	 app_end_sessions(struct req *, long long account_id, int keep_this);

/* The CSRF token the forms of this page must carry (field "csrf"). */
const char *app_csrf(struct req *);

/* A copy of s for a log line: control characters made '?'. */
char	*app_log_text(const char *s);

#endif

/* ---------------------------------------------------------------- *
 * Forms
 * ---------------------------------------------------------------- */

/*
 * The checked form as template data, to show it again:
 *   { "f": { "<name>": { "value": "...", "error": "..." }, ... },
 *     "errors": [ { "id": "<name>", "error": "..." }, ... ],
 *     "has_errors": bool, "form_error": "..." }
 * Values are as typed (never a password's: fields named in `secret`,
 * a NULL-terminated list, keep no value).
 */
json_t	*app_form_json(const struct fields *, const char *const *secret);
