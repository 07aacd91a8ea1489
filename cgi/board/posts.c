/*
 * Posting: a municipality's or prefecture's post to an open topic, the
 * account's own posts, withdrawing one, and the form that relays a
 * message to a poster whose address is not shown.
 *
 * Who posted is the signed-in account, never the form: its name and
 * prefecture are copied into the post, and a form with any field but
 * the ones below (a municipality's name, another account's id) is
 * refused as a whole.  Posts and relayed messages are limited per
 * account to board_setting.posts_per_hour each in any hour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "board.h"
#include "buf.h"
#include "db.h"
#include "outbox.h"

#define RATE_WINDOW	3600	/* seconds */

/* What is counted for the rate limit: posts, and relayed messages. */
enum rate { RATE_POSTS, RATE_CONTACTS };

static const struct {
	const char	*count;
	const char	*nth;	/* the created time of the n-th newest */
} rate_sql[] = {
	{ "SELECT count(*) FROM board_post WHERE account_id = ? AND "
	  "created > ?",
	  "SELECT created FROM board_post WHERE account_id = ? AND "
	  "created > ? ORDER BY created DESC LIMIT 1 OFFSET ?" },
	{ "SELECT count(*) FROM board_contact WHERE account_id = ? AND "
	  "created > ?",
	  "SELECT created FROM board_contact WHERE account_id = ? AND "
	  "created > ? ORDER BY created DESC LIMIT 1 OFFSET ?" },
};

/* When the account may send again: the oldest of its `limit` latest
 * rows in the window, plus the window; 0 when it may now, -1. */
static long long
rate_until(struct req *r, enum rate what, long long limit)
{
	long long n, oldest;

	n = db_int(r->db, 0, rate_sql[what].count, "ii", r->user->id,
	    r->now - RATE_WINDOW);
	if (n < 0)
		return -1;
	if (n < limit)
		return 0;
	oldest = db_int(r->db, r->now, rate_sql[what].nth, "iii", r->user->id,
	    r->now - RATE_WINDOW, limit - 1);
	return oldest < 0 ? -1 : oldest + RATE_WINDOW;
}

/* "投稿は1時間に10件までです。..." */
static void
rate_message(struct buf *b, const char *what, long long limit,
    long long until)
{
	time_t t = (time_t)(until + 9 * 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	buf_printf(b, "%sは1時間に%lld件までです。%d時%02d分を過ぎてから、"
	    "もう一度送信してください（入力した内容はそのまま残っています）。",
	    what, limit, tm.tm_hour, tm.tm_min);
}

/* ---------------------------------------------------------------- *
 * Posting
 * ---------------------------------------------------------------- */

int
post_post(struct req *r)
{
	long long tid = board_num(&r->form, "topic"), pph, until, id;
	const char *body = fields_text(&r->form, "body");
	const char *name = fields_text(&r->form, "poster_name");
	const char *dept = fields_text(&r->form, "department");
	const char *email = fields_text(&r->form, "email");
	struct buf msg = BUF_INIT, s = BUF_INIT;
	struct topic t;
	char mod[8], n[24];
	json_t *form;
	int rc;

	if (tid == 0 || (rc = topic_load(r, tid, &t)) == 0) {
		topic_release(&t);
		return resp_error(r, 404, "そのトピックはありません。");
	}
	if (rc == -1) {
		topic_release(&t);
		return -1;
	}
	if (!topic_visible_to(&t, r->user)) {
		topic_release(&t);
		return resp_error(r, 404, "そのトピックはありません。");
	}
	if (!t.open_now) {
		rc = topic_render(r, &t, 409, app_form_json(&r->form, NULL),
		    "このトピックは今は投稿を受け付けていません。");
		goto out;
	}
	form = app_form_json(&r->form, NULL);
	if (body != NULL && board_chars(body) > (size_t)t.max_chars) {
		snprintf(n, sizeof(n), "%lld", t.max_chars);
		buf_printf(&msg, "「本文」は%s文字以内で入力してください"
		    "（今は%zu文字です）。", n, board_chars(body));
		board_form_error(form, "body", msg.ptr);
	}
	if (email != NULL && *email == '\0' &&
	    strcmp(t.email_mode, "required") == 0)
		board_form_error(form, "email", "「メールアドレス」を入力して"
		    "ください。このトピックでは、問い合わせ先として投稿に表示"
		    "されます。");
	if (r->form.nerrors > 0 || msg.len > 0 ||
	    json_is_true(json_object_get(form, "has_errors"))) {
		rc = topic_render(r, &t, 422, form, NULL);
		goto out;
	}
	/* Not asked for in this topic: not kept either. */
	if (strcmp(t.email_mode, "hidden") == 0)
		email = "";
	rc = -1;
	if (db_begin(r->db) == -1 || board_settings(r, mod, &pph) == -1) {
		json_decref(form);
		goto out;
	}
	if ((until = rate_until(r, RATE_POSTS, pph)) != 0) {
		db_rollback(r->db);
		if (until < 0) {
			json_decref(form);
			goto out;
		}
		rate_message(&msg, "投稿", pph, until);
		rc = topic_render(r, &t, 429, form, msg.ptr);
		goto out;
	}
	json_decref(form);
	if (db_exec(r->db, "INSERT INTO board_post (topic_id, account_id, org, "
	    "prefecture, poster_name, department, email, body, premod, created) "
	    "SELECT ?, id, name, prefecture, ?, ?, ?, ?, ?, ? FROM account "
	    "WHERE id = ?", "issssiii", t.id, name, dept, email, body,
	    (long long)(strcmp(t.moderation, "pre") == 0), r->now,
	    r->user->id) != 1)
		goto out;
	id = sqlite3_last_insert_rowid(r->db);
	buf_printf(&s, "post:%lld", id);
	buf_printf(&msg, "topic:%lld, %s-moderation", t.id, t.moderation);
	if (board_audit(r, "board_post", s.ptr, msg.ptr) == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	buf_reset(&s);
	buf_printf(&s, "topic?id=%lld&done=%s", t.id,
	    strcmp(t.moderation, "pre") == 0 ? "posted" : "posted-shown");
	rc = resp_redirect(r, s.ptr);
out:
	buf_release(&msg);
	buf_release(&s);
	topic_release(&t);
	return rc;
}

/* ---------------------------------------------------------------- *
 * One's own posts
 * ---------------------------------------------------------------- */

int
mine_page(struct req *r)
{
	const char *done = fields_text(&r->qs, "done");
	json_t *list = json_array(), *d;
	sqlite3_stmt *st;

	st = db_query(r->db, "SELECT " POST_COLS ", t.id, t.title, "
	    "t.email_mode FROM board_post p JOIN board_topic t ON t.id = "
	    "p.topic_id WHERE p.account_id = ? ORDER BY p.created DESC, p.id "
	    "DESC LIMIT 500", "i", r->user->id);
	if (st == NULL) {
		json_decref(list);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *j = board_post_json(r, st, 0,
		    db_text(st, POST_NCOLS + 2));

		json_object_set_new(j, "topic_title",
		    json_string(db_text(st, POST_NCOLS + 1)));
		json_array_append_new(list, j);
	}
	sqlite3_finalize(st);
	d = json_pack("{s:o, s:b, s:o}", "posts", list, "has_posts",
	    json_array_size(list) > 0, "breadcrumbs", board_crumbs(r, NULL,
	    NULL, "自分の団体の投稿"));
	if (done != NULL && strcmp(done, "withdrawn") == 0)
		json_object_set_new(d, "done_message",
		    json_string("投稿を取り下げました。"));
	return board_page(r, 200, "board-mine", "自分の団体の投稿", d);
}

int
withdraw_post(struct req *r)
{
	long long id = board_num(&r->form, "id");
	struct buf s = BUF_INIT;
	int n, rc = -1;

	if (r->form.nerrors > 0)
		return resp_error(r, 400, "操作の内容が正しくありません。"
		    "ページを読み込み直してください。");
	if (db_begin(r->db) == -1)
		return -1;
	n = db_exec(r->db, "UPDATE board_post SET state = 'withdrawn', "
	    "withdrawn_at = ? WHERE id = ? AND account_id = ? AND state IN "
	    "('pending', 'approved')", "iii", r->now, id, r->user->id);
	if (n == 0) {
		long long mine = db_int(r->db, 0, "SELECT count(*) FROM "
		    "board_post WHERE id = ? AND account_id = ?", "ii", id,
		    r->user->id);

		db_rollback(r->db);
		if (mine < 0)
			return -1;
		return mine == 0 ? resp_error(r, 404, "その投稿はありません。") :
		    resp_error(r, 409, "この投稿は、もう取り下げることができません"
		    "（取り下げ済みか、掲載されなかった投稿です）。");
	}
	buf_printf(&s, "post:%lld", id);
	if (n != 1 || board_audit(r, "board_withdraw", s.ptr, "") == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	rc = resp_redirect(r, "mine?done=withdrawn");
out:
	buf_release(&s);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Writing to a poster
 * ---------------------------------------------------------------- */

struct target {
	long long	 post_id;
	long long	 topic_id;
	long long	 account_id;
	char		*topic_title;
	json_t		*post;
};

static void
target_release(struct target *x)
{
	free(x->topic_title);
	json_decref(x->post);
	memset(x, 0, sizeof(*x));
}

/* A post this account may write to: shown to others, in a topic it may
 * see, not its own.  1, 0 (an answer is made), -1. */
static int
load_target(struct req *r, long long id, struct target *x)
{
	sqlite3_stmt *st;
	int rc, ok = 0;

	memset(x, 0, sizeof(*x));
	st = db_query(r->db, "SELECT " POST_COLS ", t.title, t.email_mode, "
	    "t.state FROM board_post p JOIN board_topic t ON t.id = p.topic_id "
	    "WHERE p.id = ? AND " VISIBLE_SQL, "i", id);
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (strcmp(db_text(st, POST_NCOLS + 2), "draft") != 0 ||
	    r->user->role == ROLE_ADMIN)) {
		x->post_id = id;
		x->topic_id = sqlite3_column_int64(st, 1);
		x->account_id = sqlite3_column_int64(st, 2);
		x->topic_title = xstrdup(db_text(st, POST_NCOLS));
		x->post = board_post_json(r, st, 0,
		    db_text(st, POST_NCOLS + 1));
		ok = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (!ok) {
		resp_error(r, 404, "その投稿はありません。");
		return 0;
	}
	if (x->account_id == r->user->id) {
		resp_error(r, 400, "自分の団体の投稿には問い合わせできません。");
		target_release(x);
		return 0;
	}
	return 1;
}

static int
contact_page(struct req *r, int status, struct target *x, json_t *form,
    const char *message)
{
	struct buf u = BUF_INIT;
	json_t *d = form;
	int rc;

	buf_printf(&u, "topic?id=%lld", x->topic_id);
	json_object_set_new(d, "post", json_incref(x->post));
	json_object_set_new(d, "topic_title", json_string(x->topic_title));
	json_object_set_new(d, "topic_url", json_string(u.ptr));
	json_object_set_new(d, "org", json_string(r->user->name));
	if (message != NULL)
		json_object_set_new(d, "message", json_string(message));
	json_object_set_new(d, "breadcrumbs", board_crumbs(r, x->topic_title,
	    u.ptr, "投稿者への問い合わせ"));
	rc = board_page(r, status, "board-contact", "投稿者への問い合わせ", d);
	buf_release(&u);
	return rc;
}

int
contact_form(struct req *r)
{
	struct target x;
	int rc;

	if (r->qs.nerrors > 0 || board_num(&r->qs, "id") == 0)
		return resp_error(r, 404, "その投稿はありません。");
	if ((rc = load_target(r, board_num(&r->qs, "id"), &x)) <= 0)
		return rc;
	rc = contact_page(r, 200, &x, json_pack("{s:{s:{s:s}}}", "f",
	    "reply_email", "value", r->user->email), NULL);
	target_release(&x);
	return rc;
}

int
contact_post(struct req *r)
{
	const char *name = fields_text(&r->form, "name");
	const char *reply = fields_text(&r->form, "reply_email");
	const char *text = fields_text(&r->form, "message");
	struct buf to = BUF_INIT, subj = BUF_INIT, body = BUF_INIT;
	struct buf s = BUF_INIT;
	long long pph, until;
	struct target x;
	char mod[8];
	int rc;

	if (board_num(&r->form, "id") == 0)
		return resp_error(r, 404, "その投稿はありません。");
	if ((rc = load_target(r, board_num(&r->form, "id"), &x)) <= 0)
		return rc;
	if (r->form.nerrors > 0) {
		rc = contact_page(r, 422, &x, app_form_json(&r->form, NULL),
		    NULL);
		goto out;
	}
	rc = -1;
	if (db_begin(r->db) == -1 || board_settings(r, mod, &pph) == -1)
		goto out;
	if ((until = rate_until(r, RATE_CONTACTS, pph)) != 0) {
		db_rollback(r->db);
		if (until < 0)
			goto out;
		rate_message(&s, "問い合わせ", pph, until);
		rc = contact_page(r, 429, &x, app_form_json(&r->form, NULL),
		    s.ptr);
		goto out;
	}
	if (board_author_addr(r, x.post_id, &to) == -1)
		goto out;
	board_subject(&subj, r->conf, "「小ネタ」スペースの投稿へのお問い合わせ");
	buf_printf(&body, "%s 御中\n\n", json_string_value(json_object_get(
	    x.post, "org")));
	buf_printf(&body, "「小ネタ」スペースに投稿いただいた内容について、"
	    "%s%s%s%s からお問い合わせがありました。\n", r->user->name,
	    *name != '\0' ? "（" : "", name, *name != '\0' ? "）" : "");
	buf_printf(&body, "このメールに返信しても相手には届きません。お返事は"
	    "次のアドレスにお送りください。\n\n返信先：%s\n\n", reply);
	buf_printf(&body, "---- お問い合わせの内容 ----\n%s\n\n", text);
	buf_printf(&body, "---- あなたの投稿（トピック「%s」、%s） ----\n%s\n\n",
	    x.topic_title, json_string_value(json_object_get(x.post,
	    "created")), json_string_value(json_object_get(x.post, "body")));
	buf_printf(&body, "-- \n%s\n", r->conf->title);
	buf_printf(&s, "app/board/topic?id=%lld", x.topic_id);
	board_url(&body, r, s.ptr);
	buf_putc(&body, '\n');
	buf_reset(&s);
	buf_printf(&s, "post:%lld", x.post_id);
	if (db_exec(r->db, "INSERT INTO board_contact (post_id, account_id, "
	    "created) VALUES (?, ?, ?)", "iii", x.post_id, r->user->id,
	    r->now) != 1 ||
	    outbox_add(r->db, r->conf, r->now, "board_contact", to.ptr,
	    subj.ptr, body.ptr) == -1 ||
	    board_audit(r, "board_contact", s.ptr, "relayed by mail") == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	buf_reset(&s);
	buf_printf(&s, "topic?id=%lld&done=contacted", x.topic_id);
	rc = resp_redirect(r, s.ptr);
out:
	buf_release(&to);
	buf_release(&subj);
	buf_release(&body);
	buf_release(&s);
	target_release(&x);
	return rc;
}
