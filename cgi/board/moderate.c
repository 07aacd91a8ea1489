/*
 * Moderation: the queue of posts waiting, one post with what may be
 * done to it, the decisions, and the moderators' daily digest.
 *
 * A decision on a waiting post is one conditional UPDATE ... WHERE
 * state = 'pending' inside a write transaction: of two moderators who
 * act on one post at once, the second changes no row and is shown who
 * acted first and when (409).  Hiding a shown post is guarded the same
 * way.  The poster is mailed, through the outbox in the same
 * transaction, when a post is rejected, hidden, or edited before it is
 * approved; the text as posted is kept in board_post_history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "board.h"
#include "buf.h"
#include "db.h"
#include "outbox.h"

#define QUEUE_MAX	200	/* posts on the queue's page */
#define DIGEST_LIST	20	/* posts listed in a digest */

/* One post, as the decisions need it. */
struct mpost {
	long long	 id;
	long long	 topic_id;
	char		*topic_title;
	long long	 max_chars;
	char		*org;		/* with its prefecture */
	char		*body;
	char		*state;
	int		 premod;
	long long	 created;
	long long	 moderated_at;
	char		*moderated_by;	/* "name（login）" or "" */
	long long	 hidden_at;
	char		*hidden_by;
};

static void
mpost_release(struct mpost *p)
{
	free(p->topic_title);
	free(p->org);
	free(p->body);
	free(p->state);
	free(p->moderated_by);
	free(p->hidden_by);
	memset(p, 0, sizeof(*p));
}

/* "札幌市 モデレーター（mod1）": an account by its login. */
static char *
who(struct req *r, const char *login)
{
	sqlite3_stmt *st;
	struct buf b = BUF_INIT;

	if (*login == '\0')
		return xstrdup("");
	st = db_query(r->db, "SELECT name FROM account WHERE login = ?", "s",
	    login);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		buf_printf(&b, "%s（%s）", db_text(st, 0), login);
	else
		buf_puts(&b, login);
	sqlite3_finalize(st);
	return buf_detach(&b, NULL);
}

/* 1 found, 0 not, -1. */
static int
mpost_load(struct req *r, long long id, struct mpost *p)
{
	sqlite3_stmt *st;
	struct buf org = BUF_INIT;
	int rc;

	memset(p, 0, sizeof(*p));
	st = db_query(r->db, "SELECT p.topic_id, t.title, t.max_chars, p.org, "
	    "p.prefecture, p.body, p.state, p.premod, p.created, "
	    "p.moderated_at, p.moderated_by, p.hidden_at, p.hidden_by FROM "
	    "board_post p JOIN board_topic t ON t.id = p.topic_id WHERE p.id = "
	    "?", "i", id);
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->id = id;
		p->topic_id = sqlite3_column_int64(st, 0);
		p->topic_title = xstrdup(db_text(st, 1));
		p->max_chars = sqlite3_column_int64(st, 2);
		board_org(&org, db_text(st, 4), db_text(st, 3));
		p->org = buf_detach(&org, NULL);
		p->body = xstrdup(db_text(st, 5));
		p->state = xstrdup(db_text(st, 6));
		p->premod = sqlite3_column_int(st, 7);
		p->created = sqlite3_column_int64(st, 8);
		p->moderated_at = sqlite3_column_int64(st, 9);
		p->moderated_by = xstrdup(db_text(st, 10));
		p->hidden_at = sqlite3_column_int64(st, 11);
		p->hidden_by = xstrdup(db_text(st, 12));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW) {
		char *m = who(r, p->moderated_by), *h = who(r, p->hidden_by);

		free(p->moderated_by);
		free(p->hidden_by);
		p->moderated_by = m;
		p->hidden_by = h;
	}
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The answer to a moderator who came second: who acted, and when. */
static int
conflict(struct req *r, long long id)
{
	struct buf msg = BUF_INIT, u = BUF_INIT;
	struct mpost p;
	const char *what;
	int rc;

	db_rollback(r->db);
	if ((rc = mpost_load(r, id, &p)) <= 0) {
		mpost_release(&p);
		return rc == 0 ? resp_error(r, 404, "その投稿はありません。") : -1;
	}
	if (strcmp(p.state, "hidden") == 0) {
		buf_printf(&msg, "この投稿は、すでに%sさんが", p.hidden_by);
		board_time_buf(&msg, p.hidden_at);
		buf_puts(&msg, "に非表示にしました。");
	} else if (strcmp(p.state, "withdrawn") == 0) {
		buf_puts(&msg, "この投稿は、投稿した団体が取り下げました。");
	} else if (*p.moderated_by != '\0') {
		what = strcmp(p.state, "rejected") == 0 ? "掲載しないことに" :
		    "承認";
		buf_printf(&msg, "この投稿は、すでに%sさんが", p.moderated_by);
		board_time_buf(&msg, p.moderated_at);
		buf_printf(&msg, "に%sしました。", what);
	} else
		buf_puts(&msg, "この投稿は、今はその操作ができない状態です。");
	buf_printf(&u, "review?id=%lld", id);
	rc = board_page(r, 409, "board-message", "操作が重なりました",
	    json_pack("{s:s, s:b, s:[{s:s, s:s}, {s:s, s:s}], s:o}",
	    "message", msg.ptr, "is_error", 1, "links", "url", u.ptr, "title",
	    "この投稿の状態を見る", "url", "queue", "title", "承認待ちの一覧へ",
	    "breadcrumbs", board_crumbs(r, "承認待ちの投稿", "queue",
	    "操作が重なりました")));
	buf_release(&msg);
	buf_release(&u);
	mpost_release(&p);
	return rc;
}

/* Mail the post's author, in the caller's transaction. */
static int
mail_author(struct req *r, const struct mpost *p, const char *subject,
    const char *intro, const char *label, const char *text,
    const char *posted)
{
	struct buf to = BUF_INIT, subj = BUF_INIT, body = BUF_INIT;
	int rc = -1;

	if (board_author_addr(r, p->id, &to) == -1) {
		fprintf(stderr, "board: post %lld: no address to mail\n", p->id);
		goto out;
	}
	board_subject(&subj, r->conf, subject);
	buf_printf(&body, "%s 御中\n\n「小ネタ」スペースのトピック「%s」に"
	    "投稿いただいた内容を、%s\n\n", p->org, p->topic_title, intro);
	if (text != NULL && *text != '\0')
		buf_printf(&body, "---- %s ----\n%s\n\n", label, text);
	buf_puts(&body, "---- 投稿の内容（");
	board_time_buf(&body, p->created);
	buf_printf(&body, "） ----\n%s\n\n", posted);
	buf_puts(&body, "自分の団体の投稿とその状態は、次のページで確認できます。\n");
	board_url(&body, r, "app/board/mine");
	buf_printf(&body, "\n\n-- \n%s\n", r->conf->title);
	rc = outbox_add(r->db, r->conf, r->now, "board_moderation", to.ptr,
	    subj.ptr, body.ptr);
out:
	buf_release(&to);
	buf_release(&subj);
	buf_release(&body);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Pages
 * ---------------------------------------------------------------- */

static const char *
done_message(const char *done)
{
	if (done == NULL)
		return NULL;
	if (strcmp(done, "approved") == 0)
		return "投稿を承認しました。";
	if (strcmp(done, "rejected") == 0)
		return "投稿を掲載しないことにし、投稿者に理由をメールで送りました。";
	if (strcmp(done, "edited") == 0)
		return "投稿を修正して承認し、投稿者にメールで知らせました。";
	if (strcmp(done, "hidden") == 0)
		return "投稿を非表示にし、投稿者に理由をメールで送りました。";
	return NULL;
}

int
queue_page(struct req *r)
{
	const char *done = fields_text(&r->qs, "done");
	json_t *list = json_array(), *d;
	sqlite3_stmt *st;
	long long total;

	total = db_int(r->db, 0, "SELECT count(*) FROM board_post WHERE state "
	    "= 'pending'", NULL);
	st = db_query(r->db, "SELECT " POST_COLS ", t.title, t.email_mode "
	    "FROM board_post p JOIN board_topic t ON t.id = p.topic_id WHERE "
	    "p.state = 'pending' ORDER BY p.created, p.id LIMIT ?", "i",
	    (long long)QUEUE_MAX);
	if (st == NULL || total < 0) {
		sqlite3_finalize(st);
		json_decref(list);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *j = board_post_json(r, st, 0,
		    db_text(st, POST_NCOLS + 1));

		json_object_set_new(j, "topic_title",
		    json_string(db_text(st, POST_NCOLS)));
		json_array_append_new(list, j);
	}
	sqlite3_finalize(st);
	d = json_pack("{s:o, s:b, s:I, s:b, s:o}", "posts", list,
	    "has_posts", json_array_size(list) > 0, "total", (json_int_t)total,
	    "more", total > QUEUE_MAX, "breadcrumbs", board_crumbs(r, NULL,
	    NULL, "承認待ちの投稿"));
	if (done_message(done) != NULL)
		json_object_set_new(d, "done_message",
		    json_string(done_message(done)));
	return board_page(r, 200, "board-queue", "承認待ちの投稿", d);
}

static int
review_render(struct req *r, long long id, int status, json_t *form)
{
	json_t *d, *hist = json_array(), *post = NULL;
	sqlite3_stmt *st;
	char *title = NULL;
	int rc = -1;

	st = db_query(r->db, "SELECT " POST_COLS ", t.title, t.email_mode, "
	    "t.max_chars FROM board_post p JOIN board_topic t ON t.id = "
	    "p.topic_id WHERE p.id = ?", "i", id);
	if (st == NULL)
		goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		post = board_post_json(r, st, 0, db_text(st, POST_NCOLS + 1));
		title = xstrdup(db_text(st, POST_NCOLS));
		json_object_set_new(post, "max_chars",
		    json_integer(sqlite3_column_int64(st, POST_NCOLS + 2)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? resp_error(r, 404,
		    "その投稿はありません。") : -1;
		goto out;
	}
	st = db_query(r->db, "SELECT body, edited_at, edited_by FROM "
	    "board_post_history WHERE post_id = ? ORDER BY id", "i", id);
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(hist, json_pack("{s:o, s:o, s:s}",
		    "body_html", board_html(db_text(st, 0)), "at",
		    board_time(sqlite3_column_int64(st, 1)), "by",
		    db_text(st, 2)));
	sqlite3_finalize(st);
	{
		char *m = who(r, json_string_value(json_object_get(post,
		    "moderated_by"))), *h = who(r, json_string_value(
		    json_object_get(post, "hidden_by")));

		json_object_set_new(post, "moderated_by", json_string(m));
		json_object_set_new(post, "hidden_by", json_string(h));
		free(m);
		free(h);
	}
	d = form != NULL ? form : json_object();
	form = NULL;
	if (json_object_get(d, "f") == NULL)
		json_object_set_new(d, "f", json_pack("{s:{s:O}}", "body",
		    "value", json_object_get(post, "body")));
	json_object_set_new(d, "post", post);
	post = NULL;
	json_object_set_new(d, "topic_title", json_string(title));
	json_object_set_new(d, "history", hist);
	hist = NULL;
	json_object_set_new(d, "has_history", json_boolean(
	    json_array_size(json_object_get(d, "history")) > 0));
	json_object_set_new(d, "breadcrumbs", board_crumbs(r, "承認待ちの投稿",
	    "queue", "投稿の確認"));
	rc = board_page(r, status, "board-review", "投稿の確認", d);
out:
	json_decref(form);
	json_decref(post);
	json_decref(hist);
	free(title);
	return rc;
}

int
review_page(struct req *r)
{
	if (r->qs.nerrors > 0 || board_num(&r->qs, "id") == 0)
		return resp_error(r, 404, "その投稿はありません。");
	return review_render(r, board_num(&r->qs, "id"), 200, NULL);
}

/* ---------------------------------------------------------------- *
 * Decisions
 * ---------------------------------------------------------------- */

/* The checks every decision starts with; 1 to go on. */
static int
decision_start(struct req *r, struct mpost *p, int *rc)
{
	long long id = board_num(&r->form, "id");

	memset(p, 0, sizeof(*p));
	if (id == 0) {
		*rc = resp_error(r, 400, "操作の内容が正しくありません。"
		    "ページを読み込み直してください。");
		return 0;
	}
	if (r->form.nerrors > 0) {
		*rc = review_render(r, id, 422, app_form_json(&r->form, NULL));
		return 0;
	}
	if (db_begin(r->db) == -1) {
		*rc = -1;
		return 0;
	}
	if ((*rc = mpost_load(r, id, p)) <= 0) {
		db_rollback(r->db);
		mpost_release(p);
		if (*rc == 0)
			*rc = resp_error(r, 404, "その投稿はありません。");
		return 0;
	}
	return 1;
}

static int
finish(struct req *r, struct mpost *p, const char *event,
    const char *detail, const char *done)
{
	struct buf s = BUF_INIT;
	int rc = -1;

	buf_printf(&s, "post:%lld", p->id);
	if (board_audit(r, event, s.ptr, detail) == 0 &&
	    db_commit(r->db) == 0) {
		buf_reset(&s);
		buf_printf(&s, "queue?done=%s", done);
		rc = resp_redirect(r, s.ptr);
	}
	buf_release(&s);
	mpost_release(p);
	return rc;
}

int
approve_post(struct req *r)
{
	struct mpost p;
	int rc, n;

	if (!decision_start(r, &p, &rc))
		return rc;
	n = db_exec(r->db, "UPDATE board_post SET state = 'approved', decision "
	    "= 'approved', moderated_at = ?, moderated_by = ? WHERE id = ? AND "
	    "state = 'pending'", "isi", r->now, r->user->login, p.id);
	if (n != 1) {
		mpost_release(&p);
		return n == 0 ? conflict(r, board_num(&r->form, "id")) : -1;
	}
	return finish(r, &p, "board_approve", "", "approved");
}

int
reject_post(struct req *r)
{
	const char *reason = fields_text(&r->form, "reason");
	struct mpost p;
	int rc, n;

	if (!decision_start(r, &p, &rc))
		return rc;
	n = db_exec(r->db, "UPDATE board_post SET state = 'rejected', decision "
	    "= 'rejected', moderated_at = ?, moderated_by = ?, reason = ? WHERE "
	    "id = ? AND state = 'pending'", "issi", r->now, r->user->login,
	    reason, p.id);
	if (n != 1) {
		mpost_release(&p);
		return n == 0 ? conflict(r, board_num(&r->form, "id")) : -1;
	}
	if (mail_author(r, &p, "「小ネタ」スペースへの投稿を掲載しませんでした",
	    "次の理由により掲載しませんでした。", "理由", reason, p.body) == -1) {
		mpost_release(&p);
		return -1;
	}
	return finish(r, &p, "board_reject", reason, "rejected");
}

int
edit_post(struct req *r)
{
	const char *body = fields_text(&r->form, "body");
	const char *note = fields_text(&r->form, "note");
	struct buf msg = BUF_INIT, intro = BUF_INIT;
	struct mpost p;
	int rc, n;

	if (!decision_start(r, &p, &rc))
		return rc;
	if (board_chars(body) > (size_t)p.max_chars) {
		json_t *form = app_form_json(&r->form, NULL);

		db_rollback(r->db);
		buf_printf(&msg, "「本文」は%lld文字以内で入力してください"
		    "（今は%zu文字です）。", p.max_chars, board_chars(body));
		board_form_error(form, "body", msg.ptr);
		buf_release(&msg);
		rc = review_render(r, p.id, 422, form);
		mpost_release(&p);
		return rc;
	}
	n = db_exec(r->db, "UPDATE board_post SET body = ?, edited = 1, state = "
	    "'approved', decision = 'approved', moderated_at = ?, moderated_by "
	    "= ? WHERE id = ? AND state = 'pending'", "sisi", body, r->now,
	    r->user->login, p.id);
	if (n != 1) {
		mpost_release(&p);
		return n == 0 ? conflict(r, board_num(&r->form, "id")) : -1;
	}
	buf_puts(&intro, "管理者が一部を修正して掲載しました。掲載した内容は"
	    "次のとおりです。\n\n---- 掲載した内容 ----\n");
	buf_puts(&intro, body);
	if (db_exec(r->db, "INSERT INTO board_post_history (post_id, body, "
	    "edited_at, edited_by) VALUES (?, ?, ?, ?)", "isis", p.id, p.body,
	    r->now, r->user->login) != 1 ||
	    mail_author(r, &p, "「小ネタ」スペースへの投稿を修正して掲載しました",
	    intro.ptr, "管理者からのお知らせ", note, p.body) == -1) {
		buf_release(&intro);
		mpost_release(&p);
		return -1;
	}
	buf_release(&intro);
	return finish(r, &p, "board_edit_approve", note, "edited");
}

int
hide_post(struct req *r)
{
	const char *reason = fields_text(&r->form, "reason");
	struct mpost p;
	int rc, n;

	if (!decision_start(r, &p, &rc))
		return rc;
	/* A post shown while it waited (post-moderation) that is hidden
	 * has been decided on: not approved. */
	n = db_exec(r->db, "UPDATE board_post SET state = 'hidden', hidden_at "
	    "= ?1, hidden_by = ?2, reason = ?3, decision = CASE WHEN decision "
	    "= '' THEN 'rejected' ELSE decision END, moderated_at = "
	    "coalesce(moderated_at, ?1), moderated_by = CASE WHEN moderated_by "
	    "= '' THEN ?2 ELSE moderated_by END WHERE id = ?4 AND (state = "
	    "'approved' OR (state = 'pending' AND premod = 0))", "issi", r->now,
	    r->user->login, reason, p.id);
	if (n != 1) {
		mpost_release(&p);
		return n == 0 ? conflict(r, board_num(&r->form, "id")) : -1;
	}
	if (mail_author(r, &p, "「小ネタ」スペースの投稿を非表示にしました",
	    "次の理由により非表示にしました。", "理由", reason, p.body) == -1) {
		mpost_release(&p);
		return -1;
	}
	return finish(r, &p, "board_hide", reason, "hidden");
}

/* ---------------------------------------------------------------- *
 * The daily digest
 * ---------------------------------------------------------------- */

int
board_digest(struct app *a, int argc, char **argv)
{
	sqlite3 *db = app_db(a);
	const struct conf *c = app_conf(a);
	long long now = (long long)time(NULL), pending, mails = 0;
	struct buf subj = BUF_INIT, body = BUF_INIT, det = BUF_INIT;
	sqlite3_stmt *st = NULL;
	char day[11];
	int rc = 1;

	(void)argc;
	(void)argv;
	board_today(now, day);
	if ((pending = db_int(db, 0, "SELECT count(*) FROM board_post WHERE "
	    "state = 'pending'", NULL)) < 0)
		return 1;
	if (pending == 0) {
		printf("digest: no posts waiting; nothing sent\n");
		return 0;
	}
	if (db_begin(db) == -1)
		return 1;
	if (db_int(db, 0, "SELECT count(*) FROM board_digest WHERE day = ?",
	    "s", day) != 0) {
		db_rollback(db);
		printf("digest: sent already today (%s); nothing sent\n", day);
		return 0;
	}
	pending = db_int(db, 0, "SELECT count(*) FROM board_post WHERE state = "
	    "'pending'", NULL);
	board_subject(&subj, c, "");
	buf_printf(&subj, "「小ネタ」スペースの承認待ちの投稿（%lld件）",
	    pending);
	buf_printf(&body, "「小ネタ」スペースに、承認を待っている投稿が%lld件"
	    "あります（%s 現在、古い順）。\n\n", pending, day);
	st = db_query(db, "SELECT t.title, p.org, p.prefecture, p.created FROM "
	    "board_post p JOIN board_topic t ON t.id = p.topic_id WHERE "
	    "p.state = 'pending' ORDER BY p.created, p.id LIMIT ?", "i",
	    (long long)DIGEST_LIST);
	if (st == NULL)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		BUF_PUTSL(&body, "・");
		board_org(&body, db_text(st, 2), db_text(st, 1));
		buf_printf(&body, "「%s」への投稿、待ち時間 ", db_text(st, 0));
		board_duration(&body, now - sqlite3_column_int64(st, 3));
		buf_putc(&body, '\n');
	}
	sqlite3_finalize(st);
	if (pending > DIGEST_LIST)
		buf_printf(&body, "ほか%lld件\n", pending - DIGEST_LIST);
	buf_printf(&body, "\n承認待ちの一覧：\n%sapp/board/queue\n\n-- \n%s\n"
	    "（このメールは、承認待ちの投稿がある日に1日1回送られます）\n",
	    c->url, c->title);
	st = db_query(db, "SELECT email FROM account WHERE role IN ('moderator', "
	    "'admin') AND disabled = 0 AND email != '' ORDER BY id", NULL);
	if (st == NULL)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (outbox_add(db, c, now, "board_digest", db_text(st, 0),
		    subj.ptr, body.ptr) == -1)
			goto out;
		mails++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (mails == 0) {
		fprintf(stderr, "digest: %lld posts waiting, but no moderator or "
		    "administrator account to mail\n", pending);
		goto out;
	}
	buf_printf(&det, "%lld posts waiting, %lld mails", pending, mails);
	if (db_exec(db, "INSERT INTO board_digest (day, sent_at, pending, mails) "
	    "VALUES (?, ?, ?, ?)", "siii", day, now, pending, mails) != 1 ||
	    audit_add(db, now, "board_digest", "", day, "", det.ptr) == -1 ||
	    db_commit(db) == -1)
		goto out;
	printf("digest: %lld posts waiting; %lld mails queued\n", pending,
	    mails);
	rc = 0;
out:
	sqlite3_finalize(st);
	db_rollback(db);
	buf_release(&subj);
	buf_release(&body);
	buf_release(&det);
	return rc;
}
