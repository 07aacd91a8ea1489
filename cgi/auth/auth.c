/*
 * auth: signing in and out, the account's own page, changing the
 * password, and the check nginx's auth_request makes before it serves a
 * members page.
 *
 *   GET  /app/auth/login      the sign-in form (?next=/members/...)
 *   POST /app/auth/login      sign in: ID and password
 *   POST /app/auth/logout     sign out (this session ends everywhere)
 *   GET  /app/auth/           the account: previous sign-in, links
 *   GET  /app/auth/password   the form to change the password
 *   POST /app/auth/password   change it (every other session ends)
 *   GET  /app/auth/check      204 with a valid session, 401 without
 *
 * Failed sign-ins are counted per account; app.lockout_after of them in
 * a row lock it for app.lockout_time.  Every sign-in, failure, lock,
 * release, sign-out and password change goes to the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "escape.h"
#include "passwd.h"

#define WRONG_ID_OR_PASSWORD \
	"IDまたはパスワードが正しくありません。" \
	"入力した内容を確かめてください。"

/* "2026年4月1日 9時05分" in Japan's time; "" for 0. */
static void
time_ja(struct buf *b, long long t)
{
	time_t jst = (time_t)(t + 9 * 3600);
	struct tm tm;

	if (t == 0)
		return;
	gmtime_r(&jst, &tm);
	buf_printf(b, "%d年%d月%d日 %d時%02d分", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* A place to go after signing in: a path on this host, nothing that a
 * browser could read as another host ("//x", "/\x") or a scheme. */
static int
next_ok(const char *n)
{
	const char *p;

	if (n == NULL || n[0] != '/' || n[1] == '/' || n[1] == '\\' ||
	    strlen(n) > 1024)
		return 0;
	for (p = n; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '\\')
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- *
 * Sign-in
 * ---------------------------------------------------------------- */

static const struct field_spec next_q[] = {
	{ .name = "next", .label = "移動先", .type = FIELD_TEXT,
	  .max_len = 1024 },
};

static const struct field_spec login_fields[] = {
	{ .name = "login", .label = "ID", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = 64 },
	{ .name = "password", .label = "パスワード", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = PASSWD_MAX_CHARS },
	{ .name = "next", .label = "移動先", .type = FIELD_TEXT,
	  .max_len = 1024 },
};

static const char *const secret_login[] = { "password", NULL };

static int
login_page(struct req *r, int status, const char *next, json_t *form,
    const char *message)
{
	json_t *d = form != NULL ? form : json_object();

	if (next_ok(next))
		json_object_set_new(d, "next", json_string(next));
	if (message != NULL)
		json_object_set_new(d, "message", json_string(message));
	return resp_page(r, status, "login", "ログイン", d);
}

static int
login_form(struct req *r)
{
	const char *next = fields_text(&r->qs, "next");

	if (r->user != NULL) {
		struct buf to = BUF_INIT;
		int rc;

		/* Signed in already: straight on. */
		if (next_ok(next))
			buf_puts(&to, next);
		else
			buf_puts(&to, "./");
		rc = resp_redirect(r, to.ptr);
		buf_release(&to);
		return rc;
	}
	return login_page(r, 200, next, NULL, NULL);
}

struct acct_row {
	long long	 id;
	char		*hash;
	long long	 failures;
	long long	 locked_until;
	int		 disabled;
};

static int
find_account(struct req *r, const char *login, struct acct_row *a)
{
	sqlite3_stmt *st;
	int rc;

	memset(a, 0, sizeof(*a));
	st = db_query(r->db, "SELECT id, pw_hash, failures, locked_until, "
	    "disabled FROM account WHERE login = ?", "s", login);
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a->id = sqlite3_column_int64(st, 0);
		a->hash = xstrdup(db_text(st, 1));
		a->failures = sqlite3_column_int64(st, 2);
		a->locked_until = sqlite3_column_int64(st, 3);
		a->disabled = sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
login_post(struct req *r)
{
	const char *login = fields_text(&r->form, "login");
	const char *pw = fields_text(&r->form, "password");
	const char *next = fields_text(&r->form, "next");
	struct buf msg = BUF_INIT, to = BUF_INIT;
	struct acct_row a;
	int found, ok = 0, rc = -1;
	char *logged;

	if (r->form.nerrors > 0)
		return login_page(r, 422, next, app_form_json(&r->form,
		    secret_login), NULL);
	if ((found = find_account(r, login, &a)) == -1)
		return -1;
	/* The password's work is done before the write lock is taken. */
	if (found && !a.disabled && a.locked_until <= r->now)
		ok = passwd_verify(a.hash, pw) == 1;
	else if (!found)
		passwd_dummy(pw);
	logged = app_log_text(login);
	if (db_begin(r->db) == -1)
		goto out;
	if (!found) {
		if (audit_add(r->db, r->now, "login_failed", "", logged, r->ip,
		    "unknown ID") == -1)
			goto out;
		buf_puts(&msg, WRONG_ID_OR_PASSWORD);
	} else if (a.disabled) {
		if (audit_add(r->db, r->now, "login_refused", "", logged,
		    r->ip, "account locked by an administrator") == -1)
			goto out;
		buf_puts(&msg, "このアカウントは利用が停止されています。"
		    "管理者にお問い合わせください。");
	} else if (a.locked_until > r->now) {
		if (audit_add(r->db, r->now, "login_refused", "", logged,
		    r->ip, "account locked after failed sign-ins") == -1)
			goto out;
		buf_puts(&msg, "ログインに続けて失敗したため、"
		    "このアカウントは一時的にロックされています。");
		time_ja(&msg, a.locked_until);
		buf_puts(&msg, "を過ぎてから、もう一度お試しください。");
	} else {
		if (a.locked_until != 0) {
			/* The lock has run out: say so before this try. */
			if (audit_add(r->db, r->now, "unlock", "", logged,
			    r->ip, "lock expired") == -1 ||
			    db_exec(r->db, "UPDATE account SET locked_until = 0, "
			    "failures = 0 WHERE id = ?", "i", a.id) < 0)
				goto out;
			a.failures = 0;
		}
		if (ok) {
			if (db_exec(r->db, "UPDATE account SET failures = 0, "
			    "prev_login_at = last_login_at, prev_login_ip = "
			    "last_login_ip, last_login_at = ?, last_login_ip = "
			    "? WHERE id = ?", "isi", r->now, r->ip, a.id) != 1 ||
			    app_sign_in(r, a.id) == -1 ||
			    audit_add(r->db, r->now, "login", logged, logged,
			    r->ip, "") == -1)
				goto out;
		} else {
			long long fails = a.failures + 1;
			long long until = fails >= r->conf->lockout_after ?
			    r->now + r->conf->lockout_time : 0;

			if (db_exec(r->db, "UPDATE account SET failures = ?, "
			    "locked_until = ? WHERE id = ?", "iii", fails, until,
			    a.id) != 1 ||
			    audit_add(r->db, r->now, "login_failed", "", logged,
			    r->ip, "wrong password") == -1)
				goto out;
			if (until != 0) {
				char d[64];

				snprintf(d, sizeof(d), "%lld failures in a row",
				    fails);
				if (audit_add(r->db, r->now, "lockout", "",
				    logged, r->ip, d) == -1)
					goto out;
				buf_puts(&msg, "ログインに続けて失敗したため、"
				    "このアカウントを一時的にロックしました。");
				time_ja(&msg, until);
				buf_puts(&msg, "を過ぎてから、もう一度お試し"
				    "ください。");
			} else
				buf_puts(&msg, WRONG_ID_OR_PASSWORD);
		}
	}
	if (db_commit(r->db) == -1)
		goto out;
	if (ok) {
		buf_puts(&to, "./");
		if (next_ok(next)) {
			BUF_PUTSL(&to, "?next=");
			esc_url(&to, next, strlen(next));
		}
		rc = resp_redirect(r, to.ptr);
	} else {
		json_t *d = app_form_json(&r->form, secret_login);

		/* 403 for an account that may not sign in now, whatever
		 * the password; 401 for a wrong ID or password. */
		rc = login_page(r, found && (a.disabled ||
		    a.locked_until > r->now) ? 403 : 401, next, d, msg.ptr);
	}
out:
	free(logged);
	free(a.hash);
	buf_release(&msg);
	buf_release(&to);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Sign-out, the account page, the check
 * ---------------------------------------------------------------- */

static int
logout_post(struct req *r)
{
	char *who = app_log_text(r->user->login);
	int rc = -1;

	if (db_begin(r->db) == -1)
		goto out;
	if (audit_add(r->db, r->now, "logout", who, who, r->ip, "") == -1 ||
	    app_sign_out(r) == -1 || db_commit(r->db) == -1)
		goto out;
	rc = resp_page(r, 200, "logout", "ログアウトしました", NULL);
out:
	free(who);
	return rc;
}

static int
account_page(struct req *r)
{
	const char *next = fields_text(&r->qs, "next");
	struct buf when = BUF_INIT;
	const struct account *u = r->user;
	long long age = r->now - u->pw_changed;
	json_t *d;

	time_ja(&when, u->prev_login_at);
	d = json_pack("{s:s, s:s, s:b}", "prev_login_at", when.ptr,
	    "prev_login_ip", u->prev_login_ip != NULL ? u->prev_login_ip : "",
	    "first_login", u->prev_login_at == 0);
	buf_release(&when);
	if (next_ok(next))
		json_object_set_new(d, "next", json_string(next));
	if (u->role == ROLE_ADMIN) {
		long long left = r->conf->admin_pw_max_age - age;

		json_object_set_new(d, "max_age_days",
		    json_integer(r->conf->admin_pw_max_age / 86400));
		if (left < 14 * 86400)
			json_object_set_new(d, "password_days_left",
			    json_integer(left > 0 ? (left + 86399) / 86400 :
			    0));
	}
	return resp_page(r, 200, "account", "アカウント", d);
}

static int
check(struct req *r)
{
	return resp_status(r, r->user != NULL ? 204 : 401);
}

/* ---------------------------------------------------------------- *
 * Password
 * ---------------------------------------------------------------- */

static const struct field_spec expired_q[] = {
	{ .name = "expired", .label = "期限切れ", .type = FIELD_BOOL },
};

static const struct field_spec password_fields[] = {
	{ .name = "current", .label = "現在のパスワード", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = PASSWD_MAX_CHARS },
	{ .name = "new", .label = "新しいパスワード", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = 1000 },
	{ .name = "confirm", .label = "新しいパスワード（確認）",
	  .type = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 1000 },
};

static const char *const secret_pw[] = { "current", "new", "confirm", NULL };

static int
password_page(struct req *r, int status, json_t *d)
{
	if (d == NULL)
		d = json_object();
	if (r->user->role == ROLE_ADMIN && r->now - r->user->pw_changed >
	    r->conf->admin_pw_max_age)
		json_object_set_new(d, "expired", json_true());
	json_object_set_new(d, "max_age_days",
	    json_integer(r->conf->admin_pw_max_age / 86400));
	json_object_set_new(d, "min", json_integer(PASSWD_MIN_CHARS));
	json_object_set_new(d, "max", json_integer(PASSWD_MAX_CHARS));
	return resp_page(r, status, "password", "パスワードの変更", d);
}

static int
password_form(struct req *r)
{
	return password_page(r, 200, NULL);
}

/* Put `msg` on field `name` of the form data, and in its error list. */
static void
field_error(json_t *d, const char *name, const char *msg)
{
	json_t *f = json_object_get(json_object_get(d, "f"), name);

	json_object_set_new(f, "error", json_string(msg));
	json_array_append_new(json_object_get(d, "errors"), json_pack(
	    "{s:s, s:s}", "id", name, "error", msg));
	json_object_set_new(d, "has_errors", json_true());
}

static int
password_post(struct req *r)
{
	const char *cur = fields_text(&r->form, "current");
	const char *pw = fields_text(&r->form, "new");
	const char *again = fields_text(&r->form, "confirm");
	char hash[PASSWD_HASH_MAX], *who;
	const char *bad;
	json_t *d;
	sqlite3_stmt *st;
	char *stored = NULL;
	int rc = -1;

	d = app_form_json(&r->form, secret_pw);
	if (r->form.nerrors > 0)
		return password_page(r, 422, d);
	st = db_query(r->db, "SELECT pw_hash FROM account WHERE id = ?", "i",
	    r->user->id);
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		json_decref(d);
		return -1;
	}
	stored = xstrdup(db_text(st, 0));
	sqlite3_finalize(st);
	if (passwd_verify(stored, cur) != 1) {
		free(stored);
		field_error(d, "current", "現在のパスワードが正しくありません。");
		return password_page(r, 422, d);
	}
	if ((bad = passwd_check(pw, r->user->login)) != NULL) {
		free(stored);
		field_error(d, "new", bad);
		return password_page(r, 422, d);
	}
	if (strcmp(pw, again) != 0) {
		free(stored);
		field_error(d, "confirm", "確認のために入力したパスワードが、"
		    "新しいパスワードと一致しません。");
		return password_page(r, 422, d);
	}
	if (passwd_verify(stored, pw) == 1) {
		free(stored);
		field_error(d, "new", "新しいパスワードが現在のパスワードと"
		    "同じです。別のパスワードにしてください。");
		return password_page(r, 422, d);
	}
	free(stored);
	json_decref(d);
	if (passwd_hash(pw, hash) == -1)
		return -1;
	who = app_log_text(r->user->login);
	if (db_begin(r->db) == -1)
		goto out;
	/* Every session of the account ends, this one included; this
	 * browser goes on in a new one. */
	if (db_exec(r->db, "UPDATE account SET pw_hash = ?, pw_changed = ?, "
	    "updated = ? WHERE id = ?", "siii", hash, r->now, r->now,
	    r->user->id) != 1 ||
	    app_end_sessions(r, r->user->id, 0) == -1 ||
	    app_sign_in(r, r->user->id) == -1 ||
	    audit_add(r->db, r->now, "password_changed", who, who, r->ip,
	    "by the account") == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	r->user->pw_changed = r->now;
	rc = resp_page(r, 200, "password-done", "パスワードを変更しました",
	    NULL);
out:
	crypto_wipe(hash, sizeof(hash));
	free(who);
	return rc;
}

static const struct route routes[] = {
	{ "login", .get = login_form, .post = login_post,
	  .fields = login_fields, .nfields = NFIELDS(login_fields),
	  .qfields = next_q, .nqfields = NFIELDS(next_q),
	  .max_body = 8 * 1024 },
	{ "logout", .post = logout_post, .roles = ROLES_ANY,
	  .flags = ROUTE_PW_EXPIRED, .max_body = 1024 },
	{ "", .get = account_page, .roles = ROLES_ANY,
	  .qfields = next_q, .nqfields = NFIELDS(next_q) },
	{ "password", .get = password_form, .post = password_post,
	  .roles = ROLES_ANY, .flags = ROUTE_PW_EXPIRED,
	  .fields = password_fields, .nfields = NFIELDS(password_fields),
	  .qfields = expired_q, .nqfields = NFIELDS(expired_q),
	  .max_body = 16 * 1024 },
	{ "check", .get = check, .flags = ROUTE_PW_EXPIRED },
};

static const struct program prog = {
	"auth", routes, NFIELDS(routes), NULL
};

int
main(int argc, char **argv)
{
	return app_main(&prog, argc, argv);
}
