/*
 * admin: managing the accounts, for administrators (and, without the
 * right to change roles or import, operators), on the web and on the
 * command line.
 *
 *   GET  /app/admin/            the menu
 *   GET  /app/admin/accounts    list and search (?q= &role= &page=)
 *   GET  /app/admin/account     one account (?id=), its actions and events
 *   POST /app/admin/lock        lock or unlock (id, do=lock|unlock)
 *   POST /app/admin/reset       a new password, mailed (id)
 *   POST /app/admin/role        change the role (id, role); admins only
 *   GET  /app/admin/import      the form to upload the account list
 *   POST /app/admin/import      import it (import.h); admins only
 *   GET  /app/admin/audit       the audit log (?event= &subject= &page=)
 *
 * Command line (admin -s SITE -d DB -t THEMES -S SCHEMA COMMAND):
 *   migrate                      bring the database's schema up to date
 *   user add LOGIN ROLE NAME EMAIL [--mail]
 *                                a staff account; its password is printed
 *                                (or, with --mail, mailed)
 *   import FILE                  the account list (import.h)
 *   audit verify                 check the audit log's chain
 *
 * Nobody changes their own role or locks themselves out, and an operator
 * cannot touch an administrator's account.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "app.h"
#include "audit.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "escape.h"
#include "import.h"
#include "outbox.h"
#include "passwd.h"
#include "upload.h"

#define PER_PAGE	50

static void
actx_of(struct req *r, struct actx *x)
{
	x->db = r->db;
	x->conf = r->conf;
	x->now = r->now;
	x->actor = r->user->login;
	x->ip = r->ip;
}

/* "2026-04-01 09:05" in Japan's time; "" for 0. */
static json_t *
time_json(long long t)
{
	time_t jst = (time_t)(t + 9 * 3600);
	char b[32];
	struct tm tm;

	if (t == 0)
		return json_string("");
	gmtime_r(&jst, &tm);
	strftime(b, sizeof(b), "%Y-%m-%d %H:%M", &tm);
	return json_string(b);
}

static const char *const role_choices[] = {
	"admin", "operator", "moderator", "municipality", "prefecture", NULL
};

/* The roles as choices for a <select>, `cur` selected. */
static json_t *
roles_json(const char *cur)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < ROLE__MAX; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value",
		    role_name(i), "label", role_label(i), "selected",
		    cur != NULL && strcmp(cur, role_name(i)) == 0));
	return a;
}

/* ---------------------------------------------------------------- *
 * Menu and list
 * ---------------------------------------------------------------- */

static int
menu(struct req *r)
{
	json_t *d = json_pack("{s:I, s:I, s:I}",
	    "accounts", (json_int_t)db_int(r->db, 0, "SELECT count(*) FROM "
	    "account", NULL),
	    "locked", (json_int_t)db_int(r->db, 0, "SELECT count(*) FROM "
	    "account WHERE disabled != 0 OR locked_until > ?", "i", r->now),
	    "queued", (json_int_t)db_int(r->db, 0, "SELECT count(*) FROM "
	    "outbox WHERE state = 'queued'", NULL));

	return resp_page(r, 200, "admin", "アカウントの管理", d);
}

static const struct field_spec list_q[] = {
	{ .name = "q", .label = "検索する語", .type = FIELD_TEXT,
	  .max_len = 100 },
	{ .name = "role", .label = "種別", .type = FIELD_CHOICE,
	  .choices = role_choices },
	{ .name = "page", .label = "ページ", .type = FIELD_INT, .min = 1,
	  .max = 10000 },
};

/* Links to the other pages of a list: {num, url, current}. */
static json_t *
pages_json(const char *base, long long total, long long page)
{
	long long last = (total + PER_PAGE - 1) / PER_PAGE, i;
	json_t *a = json_array();
	struct buf u = BUF_INIT;

	for (i = 1; i <= last && last > 1; i++) {
		buf_reset(&u);
		buf_printf(&u, "%s%spage=%lld", base,
		    strchr(base, '?') != NULL ? "&" : "?", i);
		json_array_append_new(a, json_pack("{s:I, s:s, s:b}", "num",
		    (json_int_t)i, "url", u.ptr, "current", i == page));
	}
	buf_release(&u);
	return a;
}

/* "accounts?q=..&role=.." with the values percent-encoded. */
static void
list_url(struct buf *b, const char *path, const char *k1, const char *v1,
    const char *k2, const char *v2)
{
	buf_puts(b, path);
	if (v1 != NULL && *v1 != '\0') {
		buf_printf(b, "?%s=", k1);
		esc_url(b, v1, strlen(v1));
	}
	if (v2 != NULL && *v2 != '\0') {
		buf_printf(b, "%c%s=", strchr(b->ptr, '?') ? '&' : '?', k2);
		esc_url(b, v2, strlen(v2));
	}
}

static int
accounts(struct req *r)
{
	const char *q = fields_text(&r->qs, "q"), *role;
	const struct field *pf = fields_get(&r->qs, "page");
	long long page = pf != NULL && pf->n > 0 && pf->error == NULL ?
	    pf->v[0].num : 1, total;
	struct buf like = BUF_INIT, base = BUF_INIT;
	json_t *d, *list = json_array();
	sqlite3_stmt *st;
	const char *p;
	int rc;

	if (r->qs.nerrors > 0)
		return resp_error(r, 400, "検索の条件が正しくありません。");
	role = fields_text(&r->qs, "role");
	if (q == NULL)
		q = "";
	/* LIKE with the user's % and _ taken literally. */
	buf_putc(&like, '%');
	for (p = q; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&like, '\\');
		buf_putc(&like, *p);
	}
	buf_putc(&like, '%');
	total = db_int(r->db, 0, "SELECT count(*) FROM account WHERE (login "
	    "LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 "
	    "ESCAPE '\\' OR prefecture LIKE ?1 ESCAPE '\\') AND (?2 = '' OR "
	    "role = ?2)", "ss", like.ptr, role);
	st = db_query(r->db, "SELECT id, login, name, role, prefecture, email, "
	    "last_login_at, disabled, locked_until FROM account WHERE (login "
	    "LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 "
	    "ESCAPE '\\' OR prefecture LIKE ?1 ESCAPE '\\') AND (?2 = '' OR "
	    "role = ?2) ORDER BY role = 'municipality', role = 'prefecture', "
	    "login LIMIT ?3 OFFSET ?4", "ssii", like.ptr, role,
	    (long long)PER_PAGE, (page - 1) * PER_PAGE);
	buf_release(&like);
	if (st == NULL || total < 0) {
		sqlite3_finalize(st);
		json_decref(list);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int ro = role_parse(db_text(st, 3));

		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, "
		    "s:s, s:s, s:o, s:b, s:b}",
		    "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "login", db_text(st, 1), "name", db_text(st, 2),
		    "role_label", role_label(ro < 0 ? ROLE__MAX : (enum role)ro),
		    "prefecture", db_text(st, 4), "email", db_text(st, 5),
		    "last_login", time_json(sqlite3_column_int64(st, 6)),
		    "disabled", sqlite3_column_int(st, 7) != 0,
		    "locked", sqlite3_column_int64(st, 8) > r->now));
	}
	sqlite3_finalize(st);
	list_url(&base, "accounts", "q", q, "role", role);
	d = json_pack("{s:b, s:b, s:o, s:I, s:s, s:o, s:o, s:b}",
	    "has_accounts", json_array_size(list) > 0,
	    "has_pages", total > PER_PAGE, "accounts", list,
	    "total", (json_int_t)total, "q", q, "roles", roles_json(role),
	    "pages", pages_json(base.ptr, total, page), "searched",
	    *q != '\0' || *role != '\0');
	buf_release(&base);
	rc = resp_page(r, 200, "admin-accounts", "アカウントの一覧", d);
	return rc;
}

/* ---------------------------------------------------------------- *
 * One account
 * ---------------------------------------------------------------- */

static const struct field_spec id_q[] = {
	{ .name = "id", .label = "アカウント", .type = FIELD_INT,
	  .flags = FIELD_REQUIRED, .min = 1, .max = 1000000000 },
	{ .name = "done", .label = "結果", .type = FIELD_CHOICE,
	  .choices = (const char *const[]){ "locked", "unlocked", "reset",
	  "role", NULL } },
};

struct target {
	long long	 id;
	char		*login;
	char		*name;
	int		 role;
};

static void
target_release(struct target *t)
{
	free(t->login);
	free(t->name);
}

/* The account `id`: 1 found, 0 not, -1 error. */
static int
load_target(struct req *r, long long id, struct target *t)
{
	sqlite3_stmt *st = db_query(r->db, "SELECT login, name, role FROM "
	    "account WHERE id = ?", "i", id);
	int rc;

	memset(t, 0, sizeof(*t));
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->id = id;
		t->login = xstrdup(db_text(st, 0));
		t->name = xstrdup(db_text(st, 1));
		t->role = role_parse(db_text(st, 2));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static long long
field_num(const struct fields *fs, const char *name)
{
	const struct field *f = fields_get(fs, name);

	return f != NULL && f->n > 0 && f->error == NULL ? f->v[0].num : 0;
}

static int
account_page(struct req *r)
{
	long long id = field_num(&r->qs, "id");
	const char *done = fields_text(&r->qs, "done");
	json_t *d, *events = json_array();
	sqlite3_stmt *st;
	int ro, self, protect;

	if (r->qs.nerrors > 0 || id == 0)
		return resp_error(r, 404, "そのアカウントはありません。");
	st = db_query(r->db, "SELECT login, name, role, lgcode, prefecture, "
	    "email, created, pw_changed, last_login_at, last_login_ip, "
	    "failures, locked_until, disabled FROM account WHERE id = ?", "i",
	    id);
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return resp_error(r, 404, "そのアカウントはありません。");
	}
	ro = role_parse(db_text(st, 2));
	self = strcmp(db_text(st, 0), r->user->login) == 0;
	protect = ro == ROLE_ADMIN && r->user->role != ROLE_ADMIN;
	d = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, "
	    "s:s, s:I, s:b, s:o, s:b, s:b, s:b, s:b, s:o}",
	    "id", (json_int_t)id, "login", db_text(st, 0),
	    "name", db_text(st, 1),
	    "role_label", role_label(ro < 0 ? ROLE__MAX : (enum role)ro),
	    "lgcode", db_text(st, 3), "prefecture", db_text(st, 4),
	    "email", db_text(st, 5),
	    "created", time_json(sqlite3_column_int64(st, 6)),
	    "pw_changed", time_json(sqlite3_column_int64(st, 7)),
	    "last_login", time_json(sqlite3_column_int64(st, 8)),
	    "last_login_ip", db_text(st, 9),
	    "failures", (json_int_t)sqlite3_column_int64(st, 10),
	    "locked", sqlite3_column_int64(st, 11) > r->now,
	    "locked_until", time_json(sqlite3_column_int64(st, 11)),
	    "disabled", sqlite3_column_int(st, 12) != 0,
	    "can_act", !self && !protect,
	    "can_reset", !protect,
	    "can_role", !self && r->user->role == ROLE_ADMIN,
	    "roles", roles_json(db_text(st, 2)));
	sqlite3_finalize(st);
	if (done != NULL && *done != '\0')
		json_object_set_new(d, "done_message", json_string(
		    strcmp(done, "locked") == 0 ? "アカウントを停止しました。" :
		    strcmp(done, "unlocked") == 0 ?
		    "アカウントの停止とロックを解除しました。" :
		    strcmp(done, "reset") == 0 ? "新しいパスワードを登録の"
		    "メールアドレスに送りました（送信待ちに入りました）。" :
		    "種別を変更しました。"));
	st = db_query(r->db, "SELECT at, event, actor, ip, detail FROM audit "
	    "WHERE subject = (SELECT login FROM account WHERE id = ?) ORDER BY "
	    "id DESC LIMIT 20", "i", id);
	if (st == NULL) {
		json_decref(d);
		json_decref(events);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(events, json_pack("{s:o, s:s, s:s, s:s, "
		    "s:s}", "at", time_json(sqlite3_column_int64(st, 0)),
		    "event", db_text(st, 1), "actor", db_text(st, 2),
		    "ip", db_text(st, 3), "detail", db_text(st, 4)));
	sqlite3_finalize(st);
	json_object_set_new(d, "has_events", json_boolean(
	    json_array_size(events) > 0));
	json_object_set_new(d, "events", events);
	return resp_page(r, 200, "admin-account", json_string_value(
	    json_object_get(d, "name")), d);
}

/* ---------------------------------------------------------------- *
 * Actions on one account
 * ---------------------------------------------------------------- */

static const struct field_spec lock_fields[] = {
	{ .name = "id", .label = "アカウント", .type = FIELD_INT,
	  .flags = FIELD_REQUIRED, .min = 1, .max = 1000000000 },
	{ .name = "do", .label = "操作", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED,
	  .choices = (const char *const[]){ "lock", "unlock", NULL } },
};

static const struct field_spec reset_fields[] = {
	{ .name = "id", .label = "アカウント", .type = FIELD_INT,
	  .flags = FIELD_REQUIRED, .min = 1, .max = 1000000000 },
};

static const struct field_spec role_fields[] = {
	{ .name = "id", .label = "アカウント", .type = FIELD_INT,
	  .flags = FIELD_REQUIRED, .min = 1, .max = 1000000000 },
	{ .name = "role", .label = "種別", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED, .choices = role_choices },
};

/* The target of an action, after the checks every action shares; 1 to
 * go on, 0 when an answer is made. */
static int
action_target(struct req *r, struct target *t, int self_ok)
{
	int rc;

	memset(t, 0, sizeof(*t));
	if (r->form.nerrors > 0) {
		resp_error(r, 400, "操作の内容が正しくありません。"
		    "ページを読み込み直してください。");
		return 0;
	}
	if ((rc = load_target(r, field_num(&r->form, "id"), t)) <= 0) {
		if (rc == 0)
			resp_error(r, 404, "そのアカウントはありません。");
		return rc;
	}
	if (!self_ok && strcmp(t->login, r->user->login) == 0) {
		resp_error(r, 403, "自分のアカウントには、この操作はできません。");
		target_release(t);
		return 0;
	}
	if (t->role == ROLE_ADMIN && r->user->role != ROLE_ADMIN) {
		resp_error(r, 403, "管理者のアカウントは、管理者だけが操作"
		    "できます。");
		target_release(t);
		return 0;
	}
	return 1;
}

static int
back_to(struct req *r, long long id, const char *done)
{
	char to[96];

	snprintf(to, sizeof(to), "account?id=%lld&done=%s", id, done);
	return resp_redirect(r, to);
}

static int
lock_post(struct req *r)
{
	const char *what = fields_text(&r->form, "do");
	struct target t;
	int rc, lock;

	if ((rc = action_target(r, &t, 0)) <= 0)
		return rc;
	lock = strcmp(what, "lock") == 0;
	rc = -1;
	if (db_begin(r->db) == -1)
		goto out;
	if (db_exec(r->db, lock ? "UPDATE account SET disabled = 1, updated = "
	    "?1 WHERE id = ?2" : "UPDATE account SET disabled = 0, failures = "
	    "0, locked_until = 0, updated = ?1 WHERE id = ?2", "ii", r->now,
	    t.id) != 1 ||
	    (lock && db_exec(r->db, "DELETE FROM session WHERE account_id = ?",
	    "i", t.id) < 0) ||
	    audit_add(r->db, r->now, lock ? "account_locked" :
	    "account_unlocked", r->user->login, t.login, r->ip,
	    lock ? "by an administrator; sessions ended" :
	    "by an administrator") == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	rc = back_to(r, t.id, lock ? "locked" : "unlocked");
out:
	target_release(&t);
	return rc;
}

static int
reset_post(struct req *r)
{
	struct actx x;
	struct target t;
	int rc;

	if ((rc = action_target(r, &t, 1)) <= 0)
		return rc;
	actx_of(r, &x);
	rc = -1;
	if (db_begin(r->db) == -1)
		goto out;
	if (account_reset_password(&x, t.id) == -1 || db_commit(r->db) == -1)
		goto out;
	rc = back_to(r, t.id, "reset");
out:
	target_release(&t);
	return rc;
}

static int
role_post(struct req *r)
{
	const char *role = fields_text(&r->form, "role");
	struct target t;
	char detail[64];
	int rc;

	if ((rc = action_target(r, &t, 0)) <= 0)
		return rc;
	rc = -1;
	snprintf(detail, sizeof(detail), "%s -> %s", role_name(t.role < 0 ?
	    ROLE__MAX : (enum role)t.role), role);
	if (db_begin(r->db) == -1)
		goto out;
	/* The session of an account whose role changes ends: its rights
	 * are read at sign-in's next request anyway, but a page open in
	 * the old role should not go on. */
	if (db_exec(r->db, "UPDATE account SET role = ?, updated = ? WHERE "
	    "id = ?", "sii", role, r->now, t.id) != 1 ||
	    db_exec(r->db, "DELETE FROM session WHERE account_id = ?", "i",
	    t.id) < 0 ||
	    audit_add(r->db, r->now, "role_changed", r->user->login, t.login,
	    r->ip, detail) == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	rc = back_to(r, t.id, "role");
out:
	target_release(&t);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Import
 * ---------------------------------------------------------------- */

#define IMPORT_MAX_BYTES	(4 * 1024 * 1024)

static const struct field_spec import_fields[] = {
	{ .name = "file", .label = "アカウントの一覧（CSVファイル）",
	  .type = FIELD_FILE, .flags = FIELD_REQUIRED,
	  .max = IMPORT_MAX_BYTES,
	  .choices = (const char *const[]){ ".csv", ".txt", NULL } },
};

static int
import_form(struct req *r)
{
	return resp_page(r, 200, "admin-import", "アカウントの一覧の取り込み",
	    NULL);
}

static int
import_post(struct req *r)
{
	const struct field *f = fields_get(&r->form, "file");
	struct buf data = BUF_INIT, err = BUF_INIT;
	struct import_result res;
	struct actx x;
	json_t *d;
	int rc;

	if (r->form.nerrors > 0 || f == NULL || f->n == 0)
		return resp_page(r, 422, "admin-import",
		    "アカウントの一覧の取り込み", app_form_json(&r->form, NULL));
	if (upload_read_all(f->v[0].file, &data) == -1) {
		buf_release(&data);
		return -1;
	}
	actx_of(r, &x);
	rc = import_accounts(&x, data.ptr, data.len, &res, &err);
	buf_release(&data);
	if (rc == -1) {
		json_t *lines = json_array();
		char *save = NULL, *l;

		for (l = strtok_r(err.ptr, "\n", &save); l != NULL;
		    l = strtok_r(NULL, "\n", &save))
			json_array_append_new(lines, json_string(l));
		buf_release(&err);
		return resp_page(r, 422, "admin-import",
		    "アカウントの一覧の取り込み", json_pack("{s:b, s:o}",
		    "has_import_errors", 1, "import_errors", lines));
	}
	buf_release(&err);
	d = json_pack("{s:I, s:I, s:I, s:I, s:s}", "rows", (json_int_t)res.rows,
	    "created", (json_int_t)res.created,
	    "updated", (json_int_t)res.updated,
	    "unchanged", (json_int_t)res.unchanged, "encoding", res.encoding);
	return resp_page(r, 200, "admin-imported", "取り込みが終わりました", d);
}

/* ---------------------------------------------------------------- *
 * Audit log
 * ---------------------------------------------------------------- */

static const struct field_spec audit_q[] = {
	{ .name = "event", .label = "種類", .type = FIELD_TEXT,
	  .max_len = 40 },
	{ .name = "subject", .label = "対象", .type = FIELD_TEXT,
	  .max_len = 64 },
	{ .name = "page", .label = "ページ", .type = FIELD_INT, .min = 1,
	  .max = 100000 },
};

static int
audit_page(struct req *r)
{
	const char *ev = fields_text(&r->qs, "event");
	const char *subj = fields_text(&r->qs, "subject");
	long long page = field_num(&r->qs, "page"), total, n;
	struct buf msg = BUF_INIT, base = BUF_INIT;
	json_t *rows = json_array(), *d;
	sqlite3_stmt *st;

	if (r->qs.nerrors > 0) {
		json_decref(rows);
		return resp_error(r, 400, "検索の条件が正しくありません。");
	}
	if (page == 0)
		page = 1;
	n = audit_verify(r->db, &msg);
	total = db_int(r->db, 0, "SELECT count(*) FROM audit WHERE (?1 = '' OR "
	    "event = ?1) AND (?2 = '' OR subject = ?2)", "ss", ev, subj);
	st = db_query(r->db, "SELECT id, at, event, actor, subject, ip, detail "
	    "FROM audit WHERE (?1 = '' OR event = ?1) AND (?2 = '' OR subject "
	    "= ?2) ORDER BY id DESC LIMIT ?3 OFFSET ?4", "ssii", ev, subj,
	    (long long)PER_PAGE, (page - 1) * PER_PAGE);
	if (st == NULL || total < 0) {
		sqlite3_finalize(st);
		json_decref(rows);
		buf_release(&msg);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(rows, json_pack("{s:I, s:o, s:s, s:s, s:s, "
		    "s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "at", time_json(sqlite3_column_int64(st, 1)),
		    "event", db_text(st, 2), "actor", db_text(st, 3),
		    "subject", db_text(st, 4), "ip", db_text(st, 5),
		    "detail", db_text(st, 6)));
	sqlite3_finalize(st);
	list_url(&base, "audit", "event", ev, "subject", subj);
	d = json_pack("{s:b, s:b, s:o, s:I, s:s, s:s, s:b, s:I, s:s, s:o}",
	    "has_rows", json_array_size(rows) > 0,
	    "has_pages", total > PER_PAGE, "rows", rows,
	    "total", (json_int_t)total, "event", ev, "subject", subj,
	    "chain_ok", n >= 0, "chain_rows", (json_int_t)(n >= 0 ? n : 0),
	    "chain_error", msg.ptr, "pages", pages_json(base.ptr, total, page));
	buf_release(&msg);
	buf_release(&base);
	return resp_page(r, 200, "admin-audit", "監査ログ", d);
}

/* ---------------------------------------------------------------- *
 * Command line
 * ---------------------------------------------------------------- */

static int
cli_user_add(struct app *a, int argc, char **argv)
{
	char pw[PASSWD_INITIAL_LEN + 1], hash[PASSWD_HASH_MAX];
	struct actx x = { app_db(a), app_conf(a), (long long)time(NULL), "",
	    "" };
	struct new_account na;
	int role, mail = argc >= 5 && strcmp(argv[4], "--mail") == 0;

	if (argc < 4 || argc > 5 || (argc == 5 && !mail)) {
		fprintf(stderr, "usage: admin ... user add LOGIN ROLE NAME EMAIL "
		    "[--mail]\n");
		return 2;
	}
	if ((role = role_parse(argv[1])) < 0) {
		fprintf(stderr, "admin: role '%s' must be one of admin, "
		    "operator, moderator, municipality, prefecture\n", argv[1]);
		return 2;
	}
	if (argv[0][0] == '\0' || strlen(argv[0]) > 64 ||
	    strpbrk(argv[0], " \t\r\n") != NULL) {
		fprintf(stderr, "admin: login '%s' must be 1-64 characters "
		    "without spaces\n", argv[0]);
		return 2;
	}
	if (!outbox_addr_ok(argv[3])) {
		fprintf(stderr, "admin: '%s' is not an e-mail address\n",
		    argv[3]);
		return 2;
	}
	if (db_int(x.db, 0, "SELECT count(*) FROM account WHERE login = ?",
	    "s", argv[0]) != 0) {
		fprintf(stderr, "admin: there is an account '%s' already\n",
		    argv[0]);
		return 1;
	}
	memset(&na, 0, sizeof(na));
	na.login = argv[0];
	na.role = (enum role)role;
	na.name = argv[2];
	na.prefecture = "";
	na.email = argv[3];
	if (passwd_generate(pw) == -1 || passwd_hash(pw, hash) == -1)
		return 1;
	if (db_begin(x.db) == -1 || account_issue(&x, &na, pw, hash, mail) == -1 ||
	    db_commit(x.db) == -1) {
		db_rollback(x.db);
		fprintf(stderr, "admin: the account could not be created\n");
		return 1;
	}
	if (mail)
		printf("%s: created; its password goes to %s\n", argv[0],
		    argv[3]);
	else
		printf("%s: created; password: %s\n", argv[0], pw);
	crypto_wipe(pw, sizeof(pw));
	return 0;
}

static int
cli_import(struct app *a, const char *path)
{
	struct buf data = BUF_INIT, err = BUF_INIT;
	struct actx x = { app_db(a), app_conf(a), (long long)time(NULL), "",
	    "" };
	struct import_result res;
	int rc;

	if (buf_read_file(&data, path) == -1) {
		fprintf(stderr, "admin: %s: %s\n", path, strerror(errno));
		return 1;
	}
	rc = import_accounts(&x, data.ptr, data.len, &res, &err);
	buf_release(&data);
	if (rc == -1) {
		fprintf(stderr, "%s: nothing imported:\n%s", path, err.ptr);
		buf_release(&err);
		return 1;
	}
	buf_release(&err);
	printf("%s (%s): %zu rows: %zu created, %zu updated, %zu unchanged\n",
	    path, res.encoding, res.rows, res.created, res.updated,
	    res.unchanged);
	return 0;
}

static int
cli(struct app *a, int argc, char **argv)
{
	struct buf msg = BUF_INIT;
	long long n;

	if (strcmp(argv[0], "migrate") == 0 && argc == 1)
		return 0;	/* app_main() opened (and migrated) it */
	if (strcmp(argv[0], "user") == 0 && argc >= 2 &&
	    strcmp(argv[1], "add") == 0)
		return cli_user_add(a, argc - 2, argv + 2);
	if (strcmp(argv[0], "import") == 0 && argc == 2)
		return cli_import(a, argv[1]);
	if (strcmp(argv[0], "audit") == 0 && argc == 2 &&
	    strcmp(argv[1], "verify") == 0) {
		if ((n = audit_verify(app_db(a), &msg)) < 0) {
			printf("audit: broken: %s\n", msg.ptr);
			buf_release(&msg);
			return 1;
		}
		printf("audit: %lld rows, the chain is whole\n", n);
		return 0;
	}
	fprintf(stderr, "usage: admin ... migrate | user add LOGIN ROLE NAME "
	    "EMAIL [--mail] | import FILE | audit verify\n");
	return 2;
}

static const struct route routes[] = {
	{ "", .get = menu, .roles = ROLES_STAFF },
	{ "accounts", .get = accounts, .roles = ROLES_STAFF,
	  .qfields = list_q, .nqfields = NFIELDS(list_q) },
	{ "account", .get = account_page, .roles = ROLES_STAFF,
	  .qfields = id_q, .nqfields = NFIELDS(id_q) },
	{ "lock", .post = lock_post, .roles = ROLES_STAFF,
	  .fields = lock_fields, .nfields = NFIELDS(lock_fields) },
	{ "reset", .post = reset_post, .roles = ROLES_STAFF,
	  .fields = reset_fields, .nfields = NFIELDS(reset_fields) },
	{ "role", .post = role_post, .roles = ROLE_BIT(ROLE_ADMIN),
	  .fields = role_fields, .nfields = NFIELDS(role_fields) },
	{ "import", .get = import_form, .post = import_post,
	  .roles = ROLE_BIT(ROLE_ADMIN), .flags = ROUTE_MULTIPART,
	  .fields = import_fields, .nfields = NFIELDS(import_fields),
	  .max_body = IMPORT_MAX_BYTES + 64 * 1024 },
	{ "audit", .get = audit_page, .roles = ROLES_STAFF,
	  .qfields = audit_q, .nqfields = NFIELDS(audit_q) },
};

static const struct program prog = {
	"admin", routes, NFIELDS(routes), cli
};

int
main(int argc, char **argv)
{
	return app_main(&prog, argc, argv);
}
