/*
 * The feedback box (seed 004, 第3-1(2)⑤): any signed-in account sends
 * an opinion on the site; only administrators and operators read them
 * (the routes allow no other role: 403 before any item is looked up),
 * mark them handled, reply by mail to the contact address given, and
 * take them all out as CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "buf.h"
#include "csvout.h"
#include "db.h"
#include "outbox.h"

#define PER_PAGE	50

static const struct {
	const char	*value;
	const char	*label;
} categories[] = {
	{ "design", "見やすさ・使いやすさ" },
	{ "content", "掲載している情報" },
	{ "feature", "機能の要望" },
	{ "trouble", "不具合・表示の問題" },
	{ "other", "その他" },
};
#define NCATEGORIES	(sizeof(categories) / sizeof(categories[0]))

static const char *
category_label(const char *v)
{
	size_t i;

	for (i = 0; i < NCATEGORIES; i++)
		if (strcmp(categories[i].value, v) == 0)
			return categories[i].label;
	return v;
}

static json_t *
categories_json(const char *cur)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < NCATEGORIES; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value",
		    categories[i].value, "label", categories[i].label, "checked",
		    cur != NULL && strcmp(cur, categories[i].value) == 0));
	return a;
}

/* ---------------------------------------------------------------- *
 * Sending
 * ---------------------------------------------------------------- */

static int
form_page(struct req *r, int status, json_t *form, const char *cat)
{
	json_t *d = form;
	const char *done = fields_text(&r->qs, "done");

	json_object_set_new(d, "categories", categories_json(cat));
	json_object_set_new(d, "org", json_string(r->user->name));
	if (status == 200 && done != NULL && strcmp(done, "sent") == 0)
		json_object_set_new(d, "done_message", json_string("ご意見を"
		    "お送りいただき、ありがとうございました。今後のサイトの"
		    "改善に役立てます。"));
	json_object_set_new(d, "breadcrumbs", board_crumbs(r, NULL, NULL,
	    "意見箱"));
	return board_page(r, status, "feedback", "意見箱", d);
}

int
feedback_form(struct req *r)
{
	return form_page(r, 200, json_object(), NULL);
}

int
feedback_post(struct req *r)
{
	const char *cat = fields_text(&r->form, "category");
	const char *body = fields_text(&r->form, "body");
	const char *name = fields_text(&r->form, "contact_name");
	const char *email = fields_text(&r->form, "contact_email");
	struct buf s = BUF_INIT;
	int rc = -1;

	if (r->form.nerrors > 0)
		return form_page(r, 422, app_form_json(&r->form, NULL), cat);
	if (db_begin(r->db) == -1)
		return -1;
	if (db_exec(r->db, "INSERT INTO feedback (account_id, org, category, "
	    "body, contact_name, contact_email, created) SELECT id, name, ?, ?, "
	    "?, ?, ? FROM account WHERE id = ?", "ssssii", cat, body, name,
	    email, r->now, r->user->id) != 1)
		goto out;
	buf_printf(&s, "feedback:%lld", (long long)sqlite3_last_insert_rowid(
	    r->db));
	if (board_audit(r, "feedback_sent", s.ptr, cat) == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	rc = resp_redirect(r, "feedback?done=sent");
out:
	buf_release(&s);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Reading, for administrators and operators
 * ---------------------------------------------------------------- */

#define ITEM_COLS "f.id, f.org, f.category, f.body, f.contact_name, " \
	"f.contact_email, f.state, f.created, f.handled_at, f.handled_by"

static json_t *
item_json(sqlite3_stmt *st)
{
	const char *state = db_text(st, 6);

	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:b, "
	    "s:o, s:o, s:s, s:b}",
	    "id", (json_int_t)sqlite3_column_int64(st, 0),
	    "org", db_text(st, 1), "category", db_text(st, 2),
	    "category_label", category_label(db_text(st, 2)),
	    "body_html", board_html(db_text(st, 3)),
	    "contact_name", db_text(st, 4), "contact_email", db_text(st, 5),
	    "state", state, "handled", strcmp(state, "handled") == 0,
	    "created", board_time(sqlite3_column_int64(st, 7)),
	    "handled_at", board_time(sqlite3_column_int64(st, 8)),
	    "handled_by", db_text(st, 9),
	    "has_contact", *db_text(st, 5) != '\0');
}

int
feedback_list(struct req *r)
{
	const char *state = fields_text(&r->qs, "state");
	long long page = board_num(&r->qs, "page"), total, last, i;
	json_t *list = json_array(), *pages = json_array(), *d, *tabs;
	struct buf u = BUF_INIT;
	sqlite3_stmt *st;

	if (r->qs.nerrors > 0) {
		json_decref(list);
		json_decref(pages);
		return resp_error(r, 400, "ページのアドレスが正しくありません。");
	}
	if (state == NULL || *state == '\0')
		state = "new";
	if (page == 0)
		page = 1;
	total = db_int(r->db, 0, "SELECT count(*) FROM feedback WHERE ?1 = "
	    "'all' OR state = ?1", "s", state);
	st = db_query(r->db, "SELECT " ITEM_COLS " FROM feedback f WHERE ?1 = "
	    "'all' OR f.state = ?1 ORDER BY f.created DESC, f.id DESC LIMIT ?2 "
	    "OFFSET ?3", "sii", state, (long long)PER_PAGE,
	    (page - 1) * PER_PAGE);
	if (st == NULL || total < 0) {
		sqlite3_finalize(st);
		json_decref(list);
		json_decref(pages);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(list, item_json(st));
	sqlite3_finalize(st);
	last = (total + PER_PAGE - 1) / PER_PAGE;
	for (i = 1; last > 1 && i <= last; i++) {
		buf_reset(&u);
		buf_printf(&u, "feedback-list?state=%s&page=%lld", state, i);
		json_array_append_new(pages, json_pack("{s:I, s:s, s:b}", "num",
		    (json_int_t)i, "url", u.ptr, "current", i == page));
	}
	buf_release(&u);
	tabs = json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}, {s:s, s:s, s:b}]",
	    "url", "feedback-list?state=new", "title", "未対応",
	    "current", strcmp(state, "new") == 0,
	    "url", "feedback-list?state=handled", "title", "対応済み",
	    "current", strcmp(state, "handled") == 0,
	    "url", "feedback-list?state=all", "title", "すべて",
	    "current", strcmp(state, "all") == 0);
	d = json_pack("{s:o, s:b, s:I, s:o, s:b, s:o, s:I, s:o}", "items",
	    list, "has_items", json_array_size(list) > 0,
	    "total", (json_int_t)total, "pages", pages, "has_pages", last > 1,
	    "tabs", tabs, "new_count", (json_int_t)db_int(r->db, 0,
	    "SELECT count(*) FROM feedback WHERE state = 'new'", NULL),
	    "breadcrumbs", board_crumbs(r, NULL, NULL, "意見箱に届いたご意見"));
	return board_page(r, 200, "feedback-list", "意見箱に届いたご意見", d);
}

static int
item_page(struct req *r, long long id, int status, json_t *form)
{
	const char *done = fields_text(&r->qs, "done");
	json_t *d = NULL, *replies = json_array();
	sqlite3_stmt *st;
	int rc;

	st = db_query(r->db, "SELECT " ITEM_COLS " FROM feedback f WHERE f.id "
	    "= ?", "i", id);
	if (st == NULL)
		goto fail;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		d = item_json(st);
	sqlite3_finalize(st);
	if (d == NULL) {
		json_decref(replies);
		json_decref(form);
		return rc == SQLITE_DONE ? resp_error(r, 404,
		    "そのご意見はありません。") : -1;
	}
	st = db_query(r->db, "SELECT at, sent_by, body FROM feedback_reply "
	    "WHERE feedback_id = ? ORDER BY id", "i", id);
	if (st == NULL)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(replies, json_pack("{s:o, s:s, s:o}",
		    "at", board_time(sqlite3_column_int64(st, 0)),
		    "by", db_text(st, 1), "body_html",
		    board_html(db_text(st, 2))));
	sqlite3_finalize(st);
	json_object_set_new(d, "has_replies", json_boolean(
	    json_array_size(replies) > 0));
	json_object_set_new(d, "replies", replies);
	json_object_set_new(d, "form", form != NULL ? form : json_object());
	if (status == 200 && done != NULL)
		json_object_set_new(d, "done_message", json_string(
		    strcmp(done, "handled") == 0 ? "対応済みにしました。" :
		    strcmp(done, "new") == 0 ? "未対応に戻しました。" :
		    strcmp(done, "replied") == 0 ? "返信をメールで送りました"
		    "（送信待ちに入りました）。" : ""));
	json_object_set_new(d, "breadcrumbs", board_crumbs(r,
	    "意見箱に届いたご意見", "feedback-list", "ご意見"));
	return board_page(r, status, "feedback-item", "ご意見", d);
fail:
	json_decref(d);
	json_decref(replies);
	json_decref(form);
	return -1;
}

int
feedback_item(struct req *r)
{
	if (r->qs.nerrors > 0 || board_num(&r->qs, "id") == 0)
		return resp_error(r, 404, "そのご意見はありません。");
	return item_page(r, board_num(&r->qs, "id"), 200, NULL);
}

int
feedback_state_post(struct req *r)
{
	long long id = board_num(&r->form, "id");
	const char *what = fields_text(&r->form, "do");
	int handled, n, rc = -1;
	struct buf s = BUF_INIT;

	if (r->form.nerrors > 0)
		return resp_error(r, 400, "操作の内容が正しくありません。"
		    "ページを読み込み直してください。");
	handled = strcmp(what, "handled") == 0;
	if (db_begin(r->db) == -1)
		return -1;
	n = handled ? db_exec(r->db, "UPDATE feedback SET state = 'handled', "
	    "handled_at = ?, handled_by = ? WHERE id = ?", "isi", r->now,
	    r->user->login, id) : db_exec(r->db, "UPDATE feedback SET state = "
	    "'new', handled_at = NULL, handled_by = '' WHERE id = ?", "i", id);
	if (n == 0) {
		db_rollback(r->db);
		return resp_error(r, 404, "そのご意見はありません。");
	}
	buf_printf(&s, "feedback:%lld", id);
	if (n != 1 || board_audit(r, handled ? "feedback_handled" :
	    "feedback_reopened", s.ptr, "") == -1 || db_commit(r->db) == -1)
		goto out;
	buf_reset(&s);
	buf_printf(&s, "feedback-item?id=%lld&done=%s", id, what);
	rc = resp_redirect(r, s.ptr);
out:
	buf_release(&s);
	return rc;
}

int
feedback_reply_post(struct req *r)
{
	long long id = board_num(&r->form, "id");
	const char *text = fields_text(&r->form, "body");
	struct buf subj = BUF_INIT, body = BUF_INIT, s = BUF_INIT;
	char *to = NULL, *orig = NULL, *name = NULL;
	sqlite3_stmt *st;
	int rc = -1;

	if (id == 0)
		return resp_error(r, 404, "そのご意見はありません。");
	st = db_query(r->db, "SELECT contact_email, body, contact_name FROM "
	    "feedback WHERE id = ?", "i", id);
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		to = xstrdup(db_text(st, 0));
		orig = xstrdup(db_text(st, 1));
		name = xstrdup(db_text(st, 2));
	}
	sqlite3_finalize(st);
	if (to == NULL)
		return resp_error(r, 404, "そのご意見はありません。");
	if (r->form.nerrors > 0) {
		rc = item_page(r, id, 422, app_form_json(&r->form, NULL));
		goto out;
	}
	if (*to == '\0') {
		rc = resp_error(r, 409, "このご意見には連絡先のメールアドレスが"
		    "ないため、返信できません。");
		goto out;
	}
	board_subject(&subj, r->conf, "意見箱へのご意見へのお返事");
	if (*name != '\0')
		buf_printf(&body, "%s 様\n\n", name);
	buf_printf(&body, "%s\n\n---- お送りいただいたご意見 ----\n%s\n\n-- \n"
	    "%s\n", text, orig, r->conf->title);
	if (db_begin(r->db) == -1)
		goto out;
	buf_printf(&s, "feedback:%lld", id);
	if (db_exec(r->db, "INSERT INTO feedback_reply (feedback_id, at, "
	    "sent_by, body) VALUES (?, ?, ?, ?)", "iiss", id, r->now,
	    r->user->login, text) != 1 ||
	    outbox_add(r->db, r->conf, r->now, "feedback_reply", to, subj.ptr,
	    body.ptr) == -1 ||
	    board_audit(r, "feedback_reply", s.ptr, "") == -1 ||
	    db_commit(r->db) == -1)
		goto out;
	buf_reset(&s);
	buf_printf(&s, "feedback-item?id=%lld&done=replied", id);
	rc = resp_redirect(r, s.ptr);
out:
	free(to);
	free(orig);
	free(name);
	buf_release(&subj);
	buf_release(&body);
	buf_release(&s);
	return rc;
}

int
feedback_export(struct req *r)
{
	struct buf b = BUF_INIT, tm = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	st = db_query(r->db, "SELECT " ITEM_COLS " FROM feedback f ORDER BY "
	    "f.created, f.id", NULL);
	if (st == NULL)
		return -1;
	csvout_bom(&b);
	csvout_str(&b, "番号");
	csvout_str(&b, "受付日時");
	csvout_str(&b, "団体名");
	csvout_str(&b, "種類");
	csvout_str(&b, "ご意見");
	csvout_str(&b, "お名前");
	csvout_str(&b, "連絡先");
	csvout_str(&b, "状態");
	csvout_str(&b, "対応日時");
	csvout_str(&b, "対応者");
	csvout_end(&b);
	while (sqlite3_step(st) == SQLITE_ROW) {
		csvout_int(&b, sqlite3_column_int64(st, 0));
		buf_reset(&tm);
		board_time_buf(&tm, sqlite3_column_int64(st, 7));
		csvout_str(&b, tm.ptr);
		csvout_str(&b, db_text(st, 1));
		csvout_str(&b, category_label(db_text(st, 2)));
		csvout_str(&b, db_text(st, 3));
		csvout_str(&b, db_text(st, 4));
		csvout_str(&b, db_text(st, 5));
		csvout_str(&b, strcmp(db_text(st, 6), "handled") == 0 ?
		    "対応済み" : "未対応");
		buf_reset(&tm);
		board_time_buf(&tm, sqlite3_column_int64(st, 8));
		csvout_str(&b, tm.ptr);
		csvout_str(&b, db_text(st, 9));
		csvout_end(&b);
	}
	sqlite3_finalize(st);
	if (db_begin(r->db) == 0) {
		if (board_audit(r, "feedback_export", "feedback", "csv") == 0)
			(void)db_commit(r->db);
		else
			db_rollback(r->db);
	}
	rc = resp_file(r, "text/csv; charset=utf-8", "意見箱.csv", b.ptr, b.len);
	buf_release(&b);
	buf_release(&tm);
	return rc;
}
