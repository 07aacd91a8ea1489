/*
 * The board's pages: the list of topics, one topic with its posts and
 * its form, and the administrators' pages for topics and settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "buf.h"
#include "db.h"

#define POSTS_PER_PAGE	50

/* ---------------------------------------------------------------- *
 * The board
 * ---------------------------------------------------------------- */

int
board_index(struct req *r)
{
	json_t *open = json_array(), *upcoming = json_array();
	json_t *closed = json_array(), *d;
	int mod = r->user->role == ROLE_ADMIN ||
	    r->user->role == ROLE_MODERATOR;
	sqlite3_stmt *st;
	long long pending;

	st = db_query(r->db, "SELECT " TOPIC_COLS ", (SELECT count(*) FROM "
	    "board_post p WHERE p.topic_id = t.id AND " VISIBLE_SQL "), "
	    "(SELECT count(*) FROM board_post p WHERE p.topic_id = t.id AND "
	    "p.state = 'pending') FROM board_topic t WHERE t.state != 'draft' "
	    "ORDER BY t.created DESC, t.id DESC", NULL);
	if (st == NULL)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct topic t;
		json_t *j;

		topic_read(r, st, 0, &t);
		j = topic_json(r, &t);
		json_object_set_new(j, "posts",
		    json_integer(sqlite3_column_int64(st, 10)));
		json_object_set_new(j, "pending", board_count(mod ?
		    sqlite3_column_int64(st, 11) : 0));
		if (t.open_now)
			json_array_append_new(open, j);
		else if (json_is_true(json_object_get(j, "upcoming")))
			json_array_append_new(upcoming, j);
		else
			json_array_append_new(closed, j);
		topic_release(&t);
	}
	sqlite3_finalize(st);
	pending = mod ? db_int(r->db, 0, "SELECT count(*) FROM board_post "
	    "WHERE state = 'pending'", NULL) : 0;
	d = json_pack("{s:b, s:b, s:b, s:o, s:o, s:o, s:b, s:o, s:o}",
	    "has_open", json_array_size(open) > 0,
	    "has_upcoming", json_array_size(upcoming) > 0,
	    "has_closed", json_array_size(closed) > 0,
	    "open_topics", open, "upcoming_topics", upcoming,
	    "closed_topics", closed,
	    "can_post", (BOARD_POSTERS & ROLE_BIT(r->user->role)) != 0,
	    "pending_total", board_count(pending),
	    "breadcrumbs", board_crumbs(r, NULL, NULL, BOARD_TITLE));
	return board_page(r, 200, "board", BOARD_TITLE, d);
fail:
	json_decref(open);
	json_decref(upcoming);
	json_decref(closed);
	return -1;
}

/* ---------------------------------------------------------------- *
 * One topic
 * ---------------------------------------------------------------- */

static const char *
done_message(const char *done)
{
	static const struct {
		const char *code, *text;
	} msgs[] = {
		{ "posted", "投稿を受け付けました。管理者が確認して承認すると、"
		  "ほかの団体にも表示されます。" },
		{ "posted-shown", "投稿しました。ほかの団体にも表示されています"
		  "（管理者が後から確認します）。" },
		{ "contacted", "メッセージを投稿者に送りました。返信は、入力した"
		  "メールアドレスに届きます。" },
		{ "saved", "トピックを保存しました。" },
		{ "opened", "トピックの受付を始めました。" },
		{ "closed", "トピックの受付を終えました。" },
		{ "drafted", "トピックを下書きに戻しました。" },
	};
	size_t i;

	for (i = 0; done != NULL && i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (strcmp(done, msgs[i].code) == 0)
			return msgs[i].text;
	return NULL;
}

/* The topic's page; `form` (taken, may be NULL) is the form as sent,
 * `message` an error above it. */
int
topic_render(struct req *r, const struct topic *t, int status, json_t *form,
    const char *message)
{
	long long page = board_num(&r->qs, "page"), total, pending;
	const char *done = fields_text(&r->qs, "done");
	json_t *d = topic_json(r, t), *posts = json_array(), *pages;
	int poster = (BOARD_POSTERS & ROLE_BIT(r->user->role)) != 0;
	int mod = r->user->role == ROLE_ADMIN ||
	    r->user->role == ROLE_MODERATOR;
	sqlite3_stmt *st;
	struct buf u = BUF_INIT;
	long long i, last;

	if (page == 0 || status != 200)
		page = 1;
	/* The posts others may see, and this account's own that they may
	 * not (waiting, rejected), newest first. */
	total = db_int(r->db, 0, "SELECT count(*) FROM board_post p WHERE "
	    "p.topic_id = ?1 AND (" VISIBLE_SQL " OR (p.account_id = ?2 AND "
	    "p.state != 'withdrawn'))", "ii", t->id, r->user->id);
	st = db_query(r->db, "SELECT " POST_COLS " FROM board_post p WHERE "
	    "p.topic_id = ?1 AND (" VISIBLE_SQL " OR (p.account_id = ?2 AND "
	    "p.state != 'withdrawn')) ORDER BY p.created DESC, p.id DESC "
	    "LIMIT ?3 OFFSET ?4", "iiii", t->id, r->user->id,
	    (long long)POSTS_PER_PAGE, (page - 1) * POSTS_PER_PAGE);
	if (st == NULL || total < 0) {
		sqlite3_finalize(st);
		json_decref(d);
		json_decref(posts);
		json_decref(form);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(posts, board_post_json(r, st, 0,
		    t->email_mode));
	sqlite3_finalize(st);
	pending = mod ? db_int(r->db, 0, "SELECT count(*) FROM board_post "
	    "WHERE topic_id = ? AND state = 'pending'", "i", t->id) : 0;
	pages = json_array();
	last = (total + POSTS_PER_PAGE - 1) / POSTS_PER_PAGE;
	for (i = 1; last > 1 && i <= last; i++) {
		buf_reset(&u);
		buf_printf(&u, "topic?id=%lld&page=%lld", t->id, i);
		json_array_append_new(pages, json_pack("{s:I, s:s, s:b}",
		    "num", (json_int_t)i, "url", u.ptr, "current", i == page));
	}
	buf_release(&u);
	if (form == NULL)
		form = json_object();
	json_object_set_new(d, "form", form);
	if (json_object_get(form, "f") == NULL && poster &&
	    strcmp(t->email_mode, "required") == 0)
		/* The account's address to start with: it may be changed. */
		json_object_set_new(form, "f", json_pack("{s:{s:s}}", "email",
		    "value", r->user->email));
	json_object_set_new(d, "posts", posts);
	json_object_set_new(d, "has_posts", json_boolean(total > 0));
	json_object_set_new(d, "total", json_integer(total));
	json_object_set_new(d, "pages", pages);
	json_object_set_new(d, "has_pages", json_boolean(last > 1));
	json_object_set_new(d, "can_post", json_boolean(poster && t->open_now));
	json_object_set_new(d, "is_poster", json_boolean(poster));
	json_object_set_new(d, "topic_pending", board_count(pending));
	json_object_set_new(d, "org", board_org_json(NULL, r->user->name));
	if (message != NULL)
		json_object_set_new(d, "message", json_string(message));
	if (status == 200 && done_message(done) != NULL)
		json_object_set_new(d, "done_message",
		    json_string(done_message(done)));
	json_object_set_new(d, "breadcrumbs", board_crumbs(r, NULL, NULL,
	    t->title));
	return board_page(r, status, "board-topic", t->title, d);
}

int
topic_page(struct req *r)
{
	struct topic t;
	int rc;

	if (r->qs.nerrors > 0 || board_num(&r->qs, "id") == 0)
		return resp_error(r, 404, "そのトピックはありません。");
	if ((rc = topic_load(r, board_num(&r->qs, "id"), &t)) <= 0) {
		topic_release(&t);
		return rc == 0 ? resp_error(r, 404, "そのトピックはありません。")
		    : -1;
	}
	if (!topic_visible_to(&t, r->user))
		rc = resp_error(r, 404, "そのトピックはありません。");
	else
		rc = topic_render(r, &t, 200, NULL, NULL);
	topic_release(&t);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Topics, for administrators
 * ---------------------------------------------------------------- */

int
topics_admin(struct req *r)
{
	const char *done = fields_text(&r->qs, "done");
	json_t *list = json_array(), *d;
	sqlite3_stmt *st;

	st = db_query(r->db, "SELECT " TOPIC_COLS ", (SELECT count(*) FROM "
	    "board_post p WHERE p.topic_id = t.id AND " VISIBLE_SQL "), "
	    "(SELECT count(*) FROM board_post p WHERE p.topic_id = t.id AND "
	    "p.state = 'pending'), (SELECT count(*) FROM board_post p WHERE "
	    "p.topic_id = t.id) FROM board_topic t ORDER BY t.created DESC, "
	    "t.id DESC", NULL);
	if (st == NULL) {
		json_decref(list);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct topic t;
		json_t *j;

		topic_read(r, st, 0, &t);
		j = topic_json(r, &t);
		json_object_set_new(j, "posts",
		    json_integer(sqlite3_column_int64(st, 10)));
		json_object_set_new(j, "pending",
		    board_count(sqlite3_column_int64(st, 11)));
		json_object_set_new(j, "all_posts",
		    json_integer(sqlite3_column_int64(st, 12)));
		json_array_append_new(list, j);
		topic_release(&t);
	}
	sqlite3_finalize(st);
	d = json_pack("{s:o, s:b, s:o}", "topics", list, "has_topics",
	    json_array_size(list) > 0, "breadcrumbs", board_crumbs(r, NULL,
	    NULL, "トピックの管理"));
	if (done_message(done) != NULL)
		json_object_set_new(d, "done_message",
		    json_string(done_message(done)));
	return board_page(r, 200, "board-topics", "トピックの管理", d);
}

/* The choices of the topic form, `cur` selected. */
static json_t *
choices_json(const char *const *values, const char *const *labels,
    const char *cur)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; values[i] != NULL; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value",
		    values[i], "label", labels[i], "checked",
		    cur != NULL && strcmp(cur, values[i]) == 0));
	return a;
}

static const char *const email_values[] = { "required", "optional",
    "hidden", NULL };
static const char *const email_labels[] = {
	"必須：投稿者はメールアドレスを入力し、投稿に表示されます",
	"任意：入力したときだけ投稿に表示されます",
	"表示しない：問い合わせはサイトの中継フォームから届きます",
};
static const char *const mod_values[] = { "pre", "post", NULL };
static const char *const mod_labels[] = {
	"事前承認：管理者が承認した投稿だけを表示します",
	"事後確認：投稿はすぐに表示し、管理者が後から確認します",
};

static int
topic_form_page(struct req *r, int status, long long id, json_t *form,
    const char *email_mode, const char *moderation)
{
	const char *title = id != 0 ? "トピックの編集" : "新しいトピック";
	json_t *d = form;

	json_object_set_new(d, "id", json_integer(id));
	json_object_set_new(d, "is_new", json_boolean(id == 0));
	json_object_set_new(d, "email_modes", choices_json(email_values,
	    email_labels, email_mode));
	json_object_set_new(d, "moderations", choices_json(mod_values,
	    mod_labels, moderation));
	json_object_set_new(d, "min_chars", json_integer(POST_MIN_CHARS));
	json_object_set_new(d, "max_max_chars", json_integer(POST_MAX_CHARS));
	json_object_set_new(d, "breadcrumbs", board_crumbs(r, "トピックの管理",
	    "topics", title));
	return board_page(r, status, "board-topic-edit", title, d);
}

int
topic_edit_form(struct req *r)
{
	long long id = board_num(&r->qs, "id");
	char mod[8], n[24];
	long long pph;
	struct topic t;
	json_t *f;
	int rc;

	if (r->qs.nerrors > 0)
		return resp_error(r, 404, "そのトピックはありません。");
	if (id == 0) {
		if (board_settings(r, mod, &pph) == -1)
			return -1;
		f = json_pack("{s:{s:{s:s}, s:{s:s}}}", "f", "title", "value",
		    "", "max_chars", "value", "400");
		return topic_form_page(r, 200, 0, f, "optional", mod);
	}
	if ((rc = topic_load(r, id, &t)) <= 0) {
		topic_release(&t);
		return rc == 0 ? resp_error(r, 404, "そのトピックはありません。")
		    : -1;
	}
	snprintf(n, sizeof(n), "%lld", t.max_chars);
	f = json_pack("{s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}",
	    "f", "title", "value", t.title, "description", "value",
	    t.description, "opens_on", "value", t.opens_on, "closes_on",
	    "value", t.closes_on, "max_chars", "value", n);
	rc = topic_form_page(r, 200, id, f, t.email_mode, t.moderation);
	topic_release(&t);
	return rc;
}

int
topic_edit_post(struct req *r)
{
	long long id = board_num(&r->form, "id"), max;
	const char *title = fields_text(&r->form, "title");
	const char *desc = fields_text(&r->form, "description");
	const char *opens = fields_text(&r->form, "opens_on");
	const char *closes = fields_text(&r->form, "closes_on");
	const char *email = fields_text(&r->form, "email_mode");
	const char *mod = fields_text(&r->form, "moderation");
	struct buf subj = BUF_INIT;
	json_t *form;
	int rc = -1;

	if (r->form.nerrors == 0 && *opens != '\0' && *closes != '\0' &&
	    strcmp(opens, closes) > 0) {
		form = app_form_json(&r->form, NULL);
		board_form_error(form, "closes_on", "「受付終了日」は「受付開始日」"
		    "以降の日付を入力してください。");
		return topic_form_page(r, 422, id, form, email, mod);
	}
	if (r->form.nerrors > 0)
		return topic_form_page(r, 422, id, app_form_json(&r->form,
		    NULL), email, mod);
	max = board_num(&r->form, "max_chars");
	if (db_begin(r->db) == -1)
		return -1;
	if (id != 0) {
		int n = db_exec(r->db, "UPDATE board_topic SET title = ?, "
		    "description = ?, opens_on = ?, closes_on = ?, email_mode "
		    "= ?, max_chars = ?, moderation = ?, updated = ? WHERE id = "
		    "?", "sssssisii", title, desc, opens, closes, email, max,
		    mod, r->now, id);

		if (n == 0) {
			db_rollback(r->db);
			return resp_error(r, 404, "そのトピックはありません。");
		}
		if (n != 1)
			goto out;
	} else {
		if (db_exec(r->db, "INSERT INTO board_topic (title, "
		    "description, opens_on, closes_on, email_mode, max_chars, "
		    "moderation, created, created_by, updated) VALUES (?, ?, ?, "
		    "?, ?, ?, ?, ?, ?, ?)", "sssssisisi", title, desc, opens,
		    closes, email, max, mod, r->now, r->user->login,
		    r->now) != 1)
			goto out;
		id = sqlite3_last_insert_rowid(r->db);
	}
	buf_printf(&subj, "topic:%lld", id);
	{
		struct buf det = BUF_INIT;

		buf_printf(&det, "email %s, max %lld, moderation %s", email, max,
		    mod);
		rc = board_audit(r, board_num(&r->form, "id") != 0 ?
		    "board_topic_updated" : "board_topic_created", subj.ptr,
		    det.ptr);
		buf_release(&det);
	}
	if (rc == -1 || db_commit(r->db) == -1) {
		rc = -1;
		goto out;
	}
	buf_reset(&subj);
	buf_printf(&subj, "topics?done=saved");
	rc = resp_redirect(r, subj.ptr);
out:
	buf_release(&subj);
	return rc;
}

int
topic_state_post(struct req *r)
{
	long long id = board_num(&r->form, "id");
	const char *what = fields_text(&r->form, "do");
	const char *state, *done, *event;
	struct buf s = BUF_INIT;
	int n, rc = -1;

	if (r->form.nerrors > 0)
		return resp_error(r, 400, "操作の内容が正しくありません。"
		    "ページを読み込み直してください。");
	if (strcmp(what, "open") == 0)
		state = "open", done = "opened", event = "board_topic_opened";
	else if (strcmp(what, "close") == 0)
		state = "closed", done = "closed", event = "board_topic_closed";
	else
		state = "draft", done = "drafted", event = "board_topic_drafted";
	if (db_begin(r->db) == -1)
		return -1;
	n = db_exec(r->db, "UPDATE board_topic SET state = ?, updated = ? "
	    "WHERE id = ?", "sii", state, r->now, id);
	if (n == 0) {
		db_rollback(r->db);
		return resp_error(r, 404, "そのトピックはありません。");
	}
	buf_printf(&s, "topic:%lld", id);
	if (n != 1 || board_audit(r, event, s.ptr, "") == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	buf_reset(&s);
	buf_printf(&s, "topics?done=%s", done);
	rc = resp_redirect(r, s.ptr);
out:
	buf_release(&s);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Settings
 * ---------------------------------------------------------------- */

static int
settings_page(struct req *r, int status, json_t *form, const char *mod)
{
	json_t *d = form;
	long long open = db_int(r->db, 0, "SELECT count(*) FROM board_topic "
	    "WHERE state = 'open'", NULL);

	json_object_set_new(d, "moderations", choices_json(mod_values,
	    mod_labels, mod));
	json_object_set_new(d, "open_topics", json_integer(open));
	if (status == 200 && fields_text(&r->qs, "done") != NULL &&
	    strcmp(fields_text(&r->qs, "done"), "saved") == 0)
		json_object_set_new(d, "done_message",
		    json_string("設定を保存しました。"));
	json_object_set_new(d, "breadcrumbs", board_crumbs(r, NULL, NULL,
	    "掲示板の設定"));
	return board_page(r, status, "board-settings", "掲示板の設定", d);
}

int
settings_form(struct req *r)
{
	char mod[8], n[24];
	long long pph;

	if (board_settings(r, mod, &pph) == -1)
		return -1;
	snprintf(n, sizeof(n), "%lld", pph);
	return settings_page(r, 200, json_pack("{s:{s:{s:s}}}", "f",
	    "posts_per_hour", "value", n), mod);
}

int
settings_post(struct req *r)
{
	const char *mod = fields_text(&r->form, "moderation");
	int apply = board_num(&r->form, "apply_open") != 0;
	long long pph = board_num(&r->form, "posts_per_hour");
	struct buf det = BUF_INIT;
	int n = 0, rc = -1;

	if (r->form.nerrors > 0)
		return settings_page(r, 422, app_form_json(&r->form, NULL), mod);
	if (db_begin(r->db) == -1)
		return -1;
	if (db_exec(r->db, "UPDATE board_setting SET moderation = ?, "
	    "posts_per_hour = ?, updated = ?, updated_by = ? WHERE one = 1",
	    "siis", mod, pph, r->now, r->user->login) != 1)
		goto out;
	/* Switching the open topics: what is posted from now on follows
	 * the new mode; posts made before keep theirs (board_post.premod). */
	if (apply && (n = db_exec(r->db, "UPDATE board_topic SET moderation = "
	    "?, updated = ? WHERE state = 'open' AND moderation != ?", "sis",
	    mod, r->now, mod)) < 0)
		goto out;
	buf_printf(&det, "moderation %s, %lld posts an hour%s", mod, pph,
	    apply ? "; applied to the open topics" : "");
	if (apply)
		buf_printf(&det, " (%d changed)", n);
	if (board_audit(r, "board_settings", "board", det.ptr) == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	rc = resp_redirect(r, "settings?done=saved");
out:
	buf_release(&det);
	return rc;
}
