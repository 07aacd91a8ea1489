/*
 * board: the 「小ネタ」 board of the members area, with its moderation,
 * and the feedback box.
 *
 * Any signed-in account reads the board; municipalities and
 * prefectures post; moderators and administrators moderate;
 * administrators set the topics and the settings; administrators and
 * operators (the contractor) read the feedback box and the counts.
 *
 *   GET  /app/board/               the open topics, then the closed
 *   GET  /app/board/topic          one topic (?id=): its posts, the form
 *   POST /app/board/post           post to a topic
 *   GET  /app/board/mine           this account's posts and their state
 *   POST /app/board/withdraw       withdraw one of them (id)
 *   GET  /app/board/contact        the form that writes to a poster (?id=)
 *   POST /app/board/contact        relay the message by mail
 *   GET  /app/board/queue          posts waiting, oldest first
 *   GET  /app/board/review         one post, its decisions (?id=)
 *   POST /app/board/approve        approve (id)
 *   POST /app/board/reject         reject with a reason, mailed (id, reason)
 *   POST /app/board/edit           edit, then approve (id, body, note)
 *   POST /app/board/hide           hide a shown post (id, reason)
 *   GET  /app/board/topics         the topics, drafts too (administrators)
 *   GET  /app/board/topic-edit     a topic's form (?id=; none: a new one)
 *   POST /app/board/topic-edit     save it
 *   POST /app/board/topic-state    open, close, back to draft (id, do)
 *   GET  /app/board/settings       moderation mode, posts an hour
 *   POST /app/board/settings
 *   GET  /app/board/export         a topic's approved posts (?id=
 *                                  &format=csv|md)
 *   GET  /app/board/publish        the same as a page to publish (?id=)
 *   GET  /app/board/stats          counts by topic and month (?format=csv)
 *   GET  /app/board/feedback       the feedback box's form
 *   POST /app/board/feedback       send an opinion
 *   GET  /app/board/feedback-list  the opinions (?state= &page=)
 *   GET  /app/board/feedback-item  one (?id=)
 *   POST /app/board/feedback-state mark handled or not (id, do)
 *   POST /app/board/feedback-reply reply by mail (id, body)
 *   GET  /app/board/feedback-export all of them as CSV
 *
 * Command line (board -s SITE -d DB -t THEMES -S SCHEMA COMMAND):
 *   digest     mail moderators and administrators the list of posts
 *              waiting, when there are any; at most once a day (Japan's
 *              date), however often it runs: for cron.
 *
 * Every change is one transaction with its audit event and its mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "board.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "escape.h"
#include "ptext.h"
#include "utf8.h"

/* ---------------------------------------------------------------- *
 * Shared helpers
 * ---------------------------------------------------------------- */

void
board_today(long long now, char out[11])
{
	time_t t = (time_t)(now + 9 * 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
board_time_buf(struct buf *b, long long t)
{
	time_t jst = (time_t)(t + 9 * 3600);
	char s[32];
	struct tm tm;

	if (t == 0)
		return;
	gmtime_r(&jst, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M", &tm);
	buf_puts(b, s);
}

json_t *
board_time(long long t)
{
	struct buf b = BUF_INIT;
	json_t *j;

	board_time_buf(&b, t);
	j = json_string(b.ptr);
	buf_release(&b);
	return j;
}

void
board_duration(struct buf *b, long long s)
{
	long long d, h, m;

	if (s < 0)
		s = 0;
	d = s / 86400;
	h = s % 86400 / 3600;
	m = s % 3600 / 60;
	if (d > 0)
		buf_printf(b, "%lld日%lld時間", d, h);
	else if (h > 0)
		buf_printf(b, "%lld時間%lld分", h, m);
	else
		buf_printf(b, "%lld分", m);
}

json_t *
board_duration_json(long long s)
{
	struct buf b = BUF_INIT;
	json_t *j;

	board_duration(&b, s);
	j = json_string(b.ptr);
	buf_release(&b);
	return j;
}

json_t *
board_html(const char *text)
{
	struct buf b = BUF_INIT;
	json_t *j;

	ptext_html(&b, text, strlen(text));
	j = json_string(b.ptr);
	buf_release(&b);
	return j != NULL ? j : json_string("");
}

void
board_org(struct buf *b, const char *pref, const char *org)
{
	/* A prefecture's own account: its name is the prefecture's. */
	if (pref != NULL && *pref != '\0' && strcmp(pref, org) != 0) {
		buf_puts(b, pref);
		buf_putc(b, ' ');
	}
	buf_puts(b, org);
}

json_t *
board_org_json(const char *pref, const char *org)
{
	struct buf b = BUF_INIT;
	json_t *j;

	board_org(&b, pref, org);
	j = json_string(b.ptr);
	buf_release(&b);
	return j;
}

int
board_page(struct req *r, int status, const char *name, const char *title,
    json_t *data)
{
	if (data == NULL)
		data = json_object();
	json_object_set_new(data, "can_post_any", json_boolean(r->user != NULL
	    && (BOARD_POSTERS & ROLE_BIT(r->user->role)) != 0));
	return resp_page(r, status, name, title, data);
}

void
board_form_error(json_t *form, const char *field, const char *message)
{
	json_t *f = json_object_get(form, "f"), *errs;

	if (f == NULL)
		json_object_set_new(form, "f", f = json_object());
	if (json_object_get(f, field) == NULL)
		json_object_set_new(f, field, json_pack("{s:s}", "value", ""));
	json_object_set_new(json_object_get(f, field), "error",
	    json_string(message));
	if ((errs = json_object_get(form, "errors")) == NULL)
		json_object_set_new(form, "errors", errs = json_array());
	json_array_append_new(errs, json_pack("{s:s, s:s}", "id", field,
	    "error", message));
	json_object_set_new(form, "has_errors", json_true());
}

json_t *
board_count(long long n)
{
	return n > 0 ? json_integer(n) : json_false();
}

long long
board_num(const struct fields *fs, const char *name)
{
	const struct field *f = fields_get(fs, name);

	return f != NULL && f->n > 0 && f->error == NULL ? f->v[0].num : 0;
}

json_t *
board_crumbs(struct req *r, const char *mid, const char *mid_url,
    const char *title)
{
	/* view.c adds breadcrumbs only when a page has none; these go
	 * through the members area, which every board page belongs to.
	 * The home page is titled as the site is. */
	json_t *a = json_array();

	json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "title",
	    r->conf->title, "url", "../../index.html", "current", 0));
	json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "title",
	    "会員専用ページ", "url", "../../members/index.html", "current", 0));
	if (strcmp(title, BOARD_TITLE) != 0)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "title",
		    BOARD_TITLE, "url", "./", "current", 0));
	if (mid != NULL)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "title",
		    mid, "url", mid_url, "current", 0));
	json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "title", title,
	    "url", "", "current", 1));
	return a;
}

size_t
board_chars(const char *s)
{
	return utf8_len(s, strlen(s));
}

int
board_audit(struct req *r, const char *event, const char *subject,
    const char *detail)
{
	return audit_add(r->db, r->now, event, r->user != NULL ?
	    r->user->login : "", subject, r->ip, detail);
}

void
board_url(struct buf *b, const struct req *r, const char *path)
{
	buf_puts(b, r->conf->url);
	buf_puts(b, path);
}

void
board_subject(struct buf *b, const struct conf *c, const char *text)
{
	buf_printf(b, "【%s】%s", c->title, text);
}

int
board_author_addr(struct req *r, long long post_id, struct buf *out)
{
	sqlite3_stmt *st = db_query(r->db, "SELECT CASE WHEN p.email != '' "
	    "THEN p.email ELSE a.email END FROM board_post p JOIN account a ON "
	    "a.id = p.account_id WHERE p.id = ?", "i", post_id);
	int rc = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW && *db_text(st, 0) != '\0') {
		buf_puts(out, db_text(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
board_settings(struct req *r, char moderation[8], long long *pph)
{
	sqlite3_stmt *st = db_query(r->db, "SELECT moderation, posts_per_hour "
	    "FROM board_setting WHERE one = 1", NULL);
	int rc = -1;

	snprintf(moderation, 8, "pre");
	*pph = 10;
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(moderation, 8, "%s", db_text(st, 0));
		*pph = sqlite3_column_int64(st, 1);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Topics
 * ---------------------------------------------------------------- */

void
topic_release(struct topic *t)
{
	free(t->title);
	free(t->description);
	free(t->opens_on);
	free(t->closes_on);
	free(t->state);
	free(t->email_mode);
	free(t->moderation);
	memset(t, 0, sizeof(*t));
}

void
topic_read(struct req *r, sqlite3_stmt *st, int c, struct topic *t)
{
	char today[11];

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, c);
	t->title = xstrdup(db_text(st, c + 1));
	t->description = xstrdup(db_text(st, c + 2));
	t->opens_on = xstrdup(db_text(st, c + 3));
	t->closes_on = xstrdup(db_text(st, c + 4));
	t->state = xstrdup(db_text(st, c + 5));
	t->email_mode = xstrdup(db_text(st, c + 6));
	t->moderation = xstrdup(db_text(st, c + 7));
	t->max_chars = sqlite3_column_int64(st, c + 8);
	t->created = sqlite3_column_int64(st, c + 9);
	board_today(r->now, today);
	t->open_now = strcmp(t->state, "open") == 0 &&
	    (*t->opens_on == '\0' || strcmp(t->opens_on, today) <= 0) &&
	    (*t->closes_on == '\0' || strcmp(today, t->closes_on) <= 0);
}

int
topic_load(struct req *r, long long id, struct topic *t)
{
	sqlite3_stmt *st;
	int rc;

	memset(t, 0, sizeof(*t));
	st = db_query(r->db, "SELECT " TOPIC_COLS " FROM board_topic t "
	    "WHERE t.id = ?", "i", id);
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		topic_read(r, st, 0, t);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
topic_visible_to(const struct topic *t, const struct account *u)
{
	return strcmp(t->state, "draft") != 0 || u->role == ROLE_ADMIN;
}

/* "2026年4月1日" from "2026-04-01". */
static void
date_ja(struct buf *b, const char *d)
{
	int y, m, day;

	if (sscanf(d, "%d-%d-%d", &y, &m, &day) == 3)
		buf_printf(b, "%d年%d月%d日", y, m, day);
}

json_t *
topic_json(struct req *r, const struct topic *t)
{
	struct buf period = BUF_INIT;
	const char *label;
	char today[11];
	int before, after;
	json_t *j;

	board_today(r->now, today);
	before = *t->opens_on != '\0' && strcmp(today, t->opens_on) < 0;
	after = *t->closes_on != '\0' && strcmp(today, t->closes_on) > 0;
	if (strcmp(t->state, "draft") == 0)
		label = "下書き（管理者のみに表示）";
	else if (strcmp(t->state, "closed") == 0 || after)
		label = "受付終了";
	else if (before)
		label = "受付開始前";
	else
		label = "受付中";
	if (*t->opens_on != '\0' || *t->closes_on != '\0') {
		date_ja(&period, t->opens_on);
		BUF_PUTSL(&period, "～");
		date_ja(&period, t->closes_on);
	}
	j = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:b, "
	    "s:b, s:b, s:b, s:s, s:b, s:b, s:I, s:s, s:s, s:b, s:b}",
	    "id", (json_int_t)t->id, "title", t->title,
	    "description", t->description,
	    "description_html", board_html(t->description),
	    "opens_on", t->opens_on, "closes_on", t->closes_on,
	    "period", period.ptr, "state", t->state,
	    "is_draft", strcmp(t->state, "draft") == 0,
	    "is_closed", strcmp(t->state, "closed") == 0,
	    "is_open_state", strcmp(t->state, "open") == 0,
	    "open_now", t->open_now, "upcoming", before &&
	    strcmp(t->state, "open") == 0, "state_label", label,
	    "email_required", strcmp(t->email_mode, "required") == 0,
	    "email_optional", strcmp(t->email_mode, "optional") == 0,
	    "max_chars", (json_int_t)t->max_chars,
	    "email_mode", t->email_mode, "moderation", t->moderation,
	    "is_pre", strcmp(t->moderation, "pre") == 0,
	    "email_hidden", strcmp(t->email_mode, "hidden") == 0);
	json_object_set_new(j, "email_label", json_string(
	    strcmp(t->email_mode, "required") == 0 ? "必須（投稿に表示）" :
	    strcmp(t->email_mode, "optional") == 0 ? "任意（入力すると投稿に表示）" :
	    "表示しない（問い合わせは中継フォームから）"));
	json_object_set_new(j, "moderation_label", json_string(
	    strcmp(t->moderation, "pre") == 0 ?
	    "事前承認（承認後に掲載）" : "事後確認（すぐに掲載し、後から確認）"));
	buf_release(&period);
	return j;
}

/* ---------------------------------------------------------------- *
 * Posts
 * ---------------------------------------------------------------- */

static const char *
state_label(const char *state, int premod, int own)
{
	if (strcmp(state, "pending") == 0)
		return premod ? "承認待ち（ほかの団体には表示されていません）" :
		    own ? "掲載中（管理者の確認待ち）" : "掲載中（確認待ち）";
	if (strcmp(state, "approved") == 0)
		return "掲載中";
	if (strcmp(state, "rejected") == 0)
		return "掲載しませんでした";
	if (strcmp(state, "hidden") == 0)
		return "非表示になりました";
	if (strcmp(state, "withdrawn") == 0)
		return "取り下げました";
	return state;
}

json_t *
board_post_json(struct req *r, sqlite3_stmt *st, int c,
    const char *email_mode)
{
	const char *state = db_text(st, c + 9), *email = db_text(st, c + 7);
	const char *name = db_text(st, c + 5), *dept = db_text(st, c + 6);
	const char *reason = db_text(st, c + 14);
	int premod = sqlite3_column_int(st, c + 10);
	int own = r->user != NULL &&
	    sqlite3_column_int64(st, c + 2) == r->user->id;
	int show_email = strcmp(email_mode, "hidden") != 0 && *email != '\0';
	long long created = sqlite3_column_int64(st, c + 11);
	long long mod_at = sqlite3_column_int64(st, c + 12);
	int visible = strcmp(state, "approved") == 0 ||
	    (strcmp(state, "pending") == 0 && !premod);
	json_t *j;

	j = json_pack("{s:I, s:I, s:o, s:s, s:s, s:b, s:s, s:b, s:o, s:o, "
	    "s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:b, "
	    "s:o, s:s, s:b, s:o, s:b, s:b}",
	    "id", (json_int_t)sqlite3_column_int64(st, c),
	    "topic_id", (json_int_t)sqlite3_column_int64(st, c + 1),
	    "org", board_org_json(db_text(st, c + 4), db_text(st, c + 3)),
	    "poster_name", name, "department", dept,
	    "has_byline", *name != '\0' || *dept != '\0',
	    "email", show_email ? email : "", "show_email", show_email,
	    "created", board_time(created),
	    "body_html", board_html(db_text(st, c + 8)),
	    "body", db_text(st, c + 8), "state", state,
	    "state_label", state_label(state, premod, own),
	    "is_pending", strcmp(state, "pending") == 0,
	    "is_approved", strcmp(state, "approved") == 0,
	    "is_rejected", strcmp(state, "rejected") == 0,
	    "is_hidden", strcmp(state, "hidden") == 0,
	    "is_withdrawn", strcmp(state, "withdrawn") == 0,
	    "visible", visible, "premod", premod,
	    "reason", reason, "has_reason", *reason != '\0',
	    "moderated_at", board_time(mod_at),
	    "moderated_by", db_text(st, c + 13),
	    "edited", sqlite3_column_int(st, c + 15) != 0,
	    "waiting", board_duration_json(r->now - created),
	    "is_own", own,
	    "can_contact", visible && !own && !show_email);
	if (show_email) {
		/* The local part percent-encoded: an address may hold '?' or
		 * '&', which a mailto: URL would read as headers. */
		struct buf m = BUF_INIT;
		const char *at = strrchr(email, '@');

		BUF_PUTSL(&m, "mailto:");
		if (at != NULL) {
			esc_url(&m, email, (size_t)(at - email));
			buf_puts(&m, at);
		}
		json_object_set_new(j, "mailto", json_string(m.ptr));
		buf_release(&m);
	}
	json_object_set_new(j, "hidden_at",
	    board_time(sqlite3_column_int64(st, c + 16)));
	json_object_set_new(j, "hidden_by", json_string(db_text(st, c + 17)));
	json_object_set_new(j, "approved_once", json_boolean(
	    strcmp(db_text(st, c + 18), "approved") == 0));
	json_object_set_new(j, "can_withdraw", json_boolean(own &&
	    (strcmp(state, "pending") == 0 || strcmp(state, "approved") == 0)));
	return j;
}

/* ---------------------------------------------------------------- *
 * Routes and their fields
 * ---------------------------------------------------------------- */

static const char *const email_modes[] = { "required", "optional", "hidden",
    NULL };
static const char *const moderations[] = { "pre", "post", NULL };
static const char *const categories[] = { "design", "content", "feature",
    "trouble", "other", NULL };

/* The query of every page: which item, what was just done, a format. */
static const struct field_spec q_fields[] = {
	{ .name = "id", .label = "番号", .type = FIELD_INT, .min = 1,
	  .max = 1000000000000LL },
	{ .name = "done", .label = "結果", .type = FIELD_TEXT, .max_len = 32 },
	{ .name = "format", .label = "形式", .type = FIELD_CHOICE,
	  .choices = (const char *const[]){ "csv", "md", NULL } },
	{ .name = "state", .label = "状態", .type = FIELD_CHOICE,
	  .choices = (const char *const[]){ "new", "handled", "all", NULL } },
	{ .name = "page", .label = "ページ", .type = FIELD_INT, .min = 1,
	  .max = 100000 },
};

#define ID_FIELD { .name = "id", .label = "番号", .type = FIELD_INT, \
	.flags = FIELD_REQUIRED, .min = 1, .max = 1000000000000LL }

static const struct field_spec post_fields[] = {
	{ .name = "topic", .label = "トピック", .type = FIELD_INT,
	  .flags = FIELD_REQUIRED, .min = 1, .max = 1000000000000LL },
	{ .name = "body", .label = "本文", .type = FIELD_MULTILINE,
	  .flags = FIELD_REQUIRED, .max_len = POST_MAX_CHARS },
	{ .name = "poster_name", .label = "お名前", .type = FIELD_TEXT,
	  .max_len = NAME_MAX_CHARS },
	{ .name = "department", .label = "部署名", .type = FIELD_TEXT,
	  .max_len = DEPT_MAX_CHARS },
	{ .name = "email", .label = "メールアドレス", .type = FIELD_EMAIL },
};

static const struct field_spec id_fields[] = { ID_FIELD };

static const struct field_spec contact_fields[] = {
	ID_FIELD,
	{ .name = "name", .label = "お名前", .type = FIELD_TEXT,
	  .max_len = NAME_MAX_CHARS },
	{ .name = "reply_email", .label = "返信先のメールアドレス",
	  .type = FIELD_EMAIL, .flags = FIELD_REQUIRED },
	{ .name = "message", .label = "お問い合わせの内容",
	  .type = FIELD_MULTILINE, .flags = FIELD_REQUIRED,
	  .max_len = MESSAGE_MAX_CHARS },
};

static const struct field_spec reason_fields[] = {
	ID_FIELD,
	{ .name = "reason", .label = "理由", .type = FIELD_MULTILINE,
	  .flags = FIELD_REQUIRED, .max_len = REASON_MAX_CHARS },
};

static const struct field_spec edit_fields[] = {
	ID_FIELD,
	{ .name = "body", .label = "本文", .type = FIELD_MULTILINE,
	  .flags = FIELD_REQUIRED, .max_len = POST_MAX_CHARS },
	{ .name = "note", .label = "投稿者へのお知らせ", .type = FIELD_MULTILINE,
	  .max_len = REASON_MAX_CHARS },
};

static const struct field_spec topic_fields[] = {
	{ .name = "id", .label = "番号", .type = FIELD_INT, .min = 1,
	  .max = 1000000000000LL },
	{ .name = "title", .label = "トピック", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = TOPIC_TITLE_MAX },
	{ .name = "description", .label = "説明", .type = FIELD_MULTILINE,
	  .max_len = TOPIC_DESC_MAX },
	{ .name = "opens_on", .label = "受付開始日", .type = FIELD_DATE },
	{ .name = "closes_on", .label = "受付終了日", .type = FIELD_DATE },
	{ .name = "email_mode", .label = "メールアドレス", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED, .choices = email_modes },
	{ .name = "max_chars", .label = "本文の文字数の上限", .type = FIELD_INT,
	  .flags = FIELD_REQUIRED, .min = POST_MIN_CHARS,
	  .max = POST_MAX_CHARS },
	{ .name = "moderation", .label = "掲載の方式", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED, .choices = moderations },
};

static const struct field_spec topic_state_fields[] = {
	ID_FIELD,
	{ .name = "do", .label = "操作", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED,
	  .choices = (const char *const[]){ "open", "close", "draft", NULL } },
};

static const struct field_spec settings_fields[] = {
	{ .name = "moderation", .label = "新しいトピックの掲載の方式",
	  .type = FIELD_CHOICE, .flags = FIELD_REQUIRED,
	  .choices = moderations },
	{ .name = "apply_open", .label = "受付中のトピックにも適用する",
	  .type = FIELD_BOOL },
	{ .name = "posts_per_hour", .label = "1時間に投稿できる件数",
	  .type = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 1000 },
};

static const struct field_spec feedback_fields[] = {
	{ .name = "category", .label = "ご意見の種類", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED, .choices = categories },
	{ .name = "body", .label = "ご意見", .type = FIELD_MULTILINE,
	  .flags = FIELD_REQUIRED, .max_len = 2000 },
	{ .name = "contact_name", .label = "お名前", .type = FIELD_TEXT,
	  .max_len = NAME_MAX_CHARS },
	{ .name = "contact_email", .label = "連絡先のメールアドレス",
	  .type = FIELD_EMAIL },
};

static const struct field_spec feedback_state_fields[] = {
	ID_FIELD,
	{ .name = "do", .label = "操作", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED,
	  .choices = (const char *const[]){ "handled", "new", NULL } },
};

static const struct field_spec feedback_reply_fields[] = {
	ID_FIELD,
	{ .name = "body", .label = "返信の本文", .type = FIELD_MULTILINE,
	  .flags = FIELD_REQUIRED, .max_len = 2000 },
};

#define Q	.qfields = q_fields, .nqfields = NFIELDS(q_fields)
#define F(t)	.fields = (t), .nfields = NFIELDS(t)

static const struct route routes[] = {
	{ "", .get = board_index, .roles = ROLES_ANY, Q },
	{ "topic", .get = topic_page, .roles = ROLES_ANY, Q },
	{ "post", .post = post_post, .roles = BOARD_POSTERS, F(post_fields) },
	{ "mine", .get = mine_page, .roles = BOARD_POSTERS, Q },
	{ "withdraw", .post = withdraw_post, .roles = BOARD_POSTERS,
	  F(id_fields) },
	{ "contact", .get = contact_form, .post = contact_post,
	  .roles = ROLES_ANY, Q, F(contact_fields) },
	{ "queue", .get = queue_page, .roles = BOARD_MODERATORS, Q },
	{ "review", .get = review_page, .roles = BOARD_MODERATORS, Q },
	{ "approve", .post = approve_post, .roles = BOARD_MODERATORS,
	  F(id_fields) },
	{ "reject", .post = reject_post, .roles = BOARD_MODERATORS,
	  F(reason_fields) },
	{ "edit", .post = edit_post, .roles = BOARD_MODERATORS,
	  F(edit_fields) },
	{ "hide", .post = hide_post, .roles = BOARD_MODERATORS,
	  F(reason_fields) },
	{ "topics", .get = topics_admin, .roles = BOARD_ADMINS, Q },
	{ "topic-edit", .get = topic_edit_form, .post = topic_edit_post,
	  .roles = BOARD_ADMINS, Q, F(topic_fields) },
	{ "topic-state", .post = topic_state_post, .roles = BOARD_ADMINS,
	  F(topic_state_fields) },
	{ "settings", .get = settings_form, .post = settings_post,
	  .roles = BOARD_ADMINS, Q, F(settings_fields) },
	{ "export", .get = export_topic, .roles = BOARD_EXPORTERS, Q },
	{ "publish", .get = publish_page, .roles = BOARD_EXPORTERS, Q },
	{ "stats", .get = stats_page, .roles = BOARD_STAFF, Q },
	{ "feedback", .get = feedback_form, .post = feedback_post,
	  .roles = ROLES_ANY, Q, F(feedback_fields) },
	{ "feedback-list", .get = feedback_list, .roles = BOARD_STAFF, Q },
	{ "feedback-item", .get = feedback_item, .roles = BOARD_STAFF, Q },
	{ "feedback-state", .post = feedback_state_post, .roles = BOARD_STAFF,
	  F(feedback_state_fields) },
	{ "feedback-reply", .post = feedback_reply_post, .roles = BOARD_STAFF,
	  F(feedback_reply_fields) },
	{ "feedback-export", .get = feedback_export, .roles = BOARD_STAFF, Q },
};

static int
cli(struct app *a, int argc, char **argv)
{
	if (strcmp(argv[0], "digest") == 0 && argc == 1)
		return board_digest(a, argc, argv);
	fprintf(stderr, "usage: board ... digest\n");
	return 2;
}

static const struct program prog = {
	"board", routes, NFIELDS(routes), cli
};

int
main(int argc, char **argv)
{
	return app_main(&prog, argc, argv);
}
