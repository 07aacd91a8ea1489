/*
 * A topic's approved posts taken out of the program: as CSV for a
 * spreadsheet (UTF-8 with a byte-order mark, every text cell quoted and
 * neutralised against formulas: csvout.h), as a page in the site's
 * layout that can be published or printed, and as a Markdown page for
 * gen (front matter with access: members; the text escaped so that it
 * renders as typed: ptext.h), which an editor puts in the site's
 * content to publish it with the rest.
 *
 * The page and the Markdown name each post's municipality and
 * department but not its e-mail address: they are made to be published
 * beyond the board.  The CSV, for the agency's own work, has the
 * address where the topic shows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "buf.h"
#include "csvout.h"
#include "db.h"
#include "ptext.h"

#define EXPORT_SQL "SELECT p.id, p.created, p.prefecture, p.org, " \
	"p.department, p.poster_name, p.email, p.body FROM board_post p " \
	"WHERE p.topic_id = ? AND p.state = 'approved' ORDER BY p.created, p.id"

static int
load(struct req *r, struct topic *t)
{
	int rc;

	if (r->qs.nerrors > 0 || board_num(&r->qs, "id") == 0) {
		memset(t, 0, sizeof(*t));
		resp_error(r, 404, "そのトピックはありません。");
		return 0;
	}
	if ((rc = topic_load(r, board_num(&r->qs, "id"), t)) <= 0) {
		topic_release(t);
		if (rc == 0)
			resp_error(r, 404, "そのトピックはありません。");
		return rc;
	}
	return 1;
}

static void
audit_export(struct req *r, const struct topic *t, const char *format)
{
	struct buf s = BUF_INIT;

	buf_printf(&s, "topic:%lld", t->id);
	/* An export is read-only; its record is worth a transaction. */
	if (db_begin(r->db) == 0) {
		if (board_audit(r, "board_export", s.ptr, format) == 0)
			(void)db_commit(r->db);
		else
			db_rollback(r->db);
	}
	buf_release(&s);
}

static int
csv(struct req *r, const struct topic *t)
{
	int show = strcmp(t->email_mode, "hidden") != 0;
	struct buf b = BUF_INIT, name = BUF_INIT, tm = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	st = db_query(r->db, EXPORT_SQL, "i", t->id);
	if (st == NULL)
		return -1;
	csvout_bom(&b);
	csvout_str(&b, "投稿番号");
	csvout_str(&b, "投稿日時");
	csvout_str(&b, "都道府県");
	csvout_str(&b, "団体名");
	csvout_str(&b, "部署名");
	csvout_str(&b, "お名前");
	csvout_str(&b, "メールアドレス");
	csvout_str(&b, "本文");
	csvout_end(&b);
	while (sqlite3_step(st) == SQLITE_ROW) {
		csvout_int(&b, sqlite3_column_int64(st, 0));
		buf_reset(&tm);
		board_time_buf(&tm, sqlite3_column_int64(st, 1));
		csvout_str(&b, tm.ptr);
		csvout_str(&b, db_text(st, 2));
		csvout_str(&b, db_text(st, 3));
		csvout_str(&b, db_text(st, 4));
		csvout_str(&b, db_text(st, 5));
		csvout_str(&b, show ? db_text(st, 6) : "");
		csvout_str(&b, db_text(st, 7));
		csvout_end(&b);
	}
	sqlite3_finalize(st);
	audit_export(r, t, "csv");
	buf_printf(&name, "小ネタ_トピック%lld.csv", t->id);
	rc = resp_file(r, "text/csv; charset=utf-8", name.ptr, b.ptr, b.len);
	buf_release(&b);
	buf_release(&name);
	buf_release(&tm);
	return rc;
}

/* A YAML double-quoted scalar (the text holds no control character:
 * the fields are single lines). */
static void
yaml_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* Text of one line (a heading, a date) in Markdown, without the line
 * end ptext_markdown() adds. */
static void
md_line(struct buf *b, const char *s)
{
	size_t start = b->len;

	ptext_markdown(b, s, strlen(s));
	if (b->len > start && b->ptr[b->len - 1] == '\n')
		buf_truncate(b, b->len - 1);
}

static int
markdown(struct req *r, const struct topic *t)
{
	struct buf b = BUF_INIT, s = BUF_INIT, name = BUF_INIT;
	sqlite3_stmt *st;
	long long n;
	int rc;

	n = db_int(r->db, 0, "SELECT count(*) FROM board_post WHERE topic_id = "
	    "? AND state = 'approved'", "i", t->id);
	st = db_query(r->db, EXPORT_SQL, "i", t->id);
	if (st == NULL || n < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	buf_printf(&s, "「小ネタ」%s", t->title);
	BUF_PUTSL(&b, "---\ntitle: ");
	yaml_str(&b, s.ptr);
	buf_reset(&s);
	buf_printf(&s, "「小ネタ」スペースのトピック「%s」に寄せられた、各自治体の"
	    "取組（%lld件）です。", t->title, n);
	BUF_PUTSL(&b, "\ndescription: ");
	yaml_str(&b, s.ptr);
	BUF_PUTSL(&b, "\naccess: members\n---\n\n");
	if (*t->description != '\0') {
		ptext_markdown(&b, t->description, strlen(t->description));
		buf_putc(&b, '\n');
	}
	BUF_PUTSL(&b, "## 投稿\n\n");
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_reset(&s);
		board_org(&s, db_text(st, 2), db_text(st, 3));
		if (*db_text(st, 4) != '\0')
			buf_printf(&s, "（%s）", db_text(st, 4));
		BUF_PUTSL(&b, "### ");
		md_line(&b, s.ptr);
		BUF_PUTSL(&b, "\n\n");
		buf_reset(&s);
		BUF_PUTSL(&s, "投稿日時：");
		board_time_buf(&s, sqlite3_column_int64(st, 1));
		md_line(&b, s.ptr);
		BUF_PUTSL(&b, "\n\n");
		ptext_markdown(&b, db_text(st, 7), strlen(db_text(st, 7)));
		buf_putc(&b, '\n');
	}
	sqlite3_finalize(st);
	if (n == 0)
		BUF_PUTSL(&b, "承認された投稿はまだありません。\n");
	audit_export(r, t, "md");
	buf_printf(&name, "konata-%lld.md", t->id);
	rc = resp_file(r, "text/markdown; charset=utf-8", name.ptr, b.ptr,
	    b.len);
	buf_release(&b);
	buf_release(&s);
	buf_release(&name);
	return rc;
}

int
export_topic(struct req *r)
{
	const char *format = fields_text(&r->qs, "format");
	struct topic t;
	int rc;

	if ((rc = load(r, &t)) <= 0)
		return rc;
	if (format != NULL && strcmp(format, "md") == 0)
		rc = markdown(r, &t);
	else
		rc = csv(r, &t);
	topic_release(&t);
	return rc;
}

int
publish_page(struct req *r)
{
	json_t *d, *posts = json_array();
	struct buf org = BUF_INIT, u = BUF_INIT;
	sqlite3_stmt *st;
	struct topic t;
	int rc;

	if ((rc = load(r, &t)) <= 0) {
		json_decref(posts);
		return rc;
	}
	st = db_query(r->db, EXPORT_SQL, "i", t.id);
	if (st == NULL) {
		rc = -1;
		json_decref(posts);
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_reset(&org);
		board_org(&org, db_text(st, 2), db_text(st, 3));
		json_array_append_new(posts, json_pack("{s:I, s:o, s:s, s:s, "
		    "s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "created", board_time(sqlite3_column_int64(st, 1)),
		    "org", org.ptr, "department", db_text(st, 4),
		    "body_html", board_html(db_text(st, 7))));
	}
	sqlite3_finalize(st);
	d = topic_json(r, &t);
	json_object_set_new(d, "has_posts", json_boolean(
	    json_array_size(posts) > 0));
	json_object_set_new(d, "count", json_integer(
	    (json_int_t)json_array_size(posts)));
	json_object_set_new(d, "posts", posts);
	buf_printf(&u, "topic?id=%lld", t.id);
	json_object_set_new(d, "breadcrumbs", board_crumbs(r, t.title, u.ptr,
	    "掲載用のページ"));
	buf_reset(&u);
	buf_printf(&u, "「小ネタ」%s", t.title);
	rc = board_page(r, 200, "board-publish", u.ptr, d);
out:
	buf_release(&org);
	buf_release(&u);
	topic_release(&t);
	return rc;
}
