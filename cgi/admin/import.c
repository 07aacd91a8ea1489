#include <pthread.h>
#include <stdint.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "crypto.h"
#include "csv.h"
#include "db.h"
#include "fields.h"
#include "import.h"
#include "jtext.h"
#include "lgcode.h"
#include "map.h"
#include "pairs.h"
#include "passwd.h"

/* More rows than Japan has local governments, with room to spare. */
#define IMPORT_MAX_ROWS	5000

enum col { C_CODE, C_NAME, C_PREF, C_EMAIL, C__MAX };

static const char *const col_names[C__MAX][6] = {
	{ "団体コード", "地方公共団体コード", "全国地方公共団体コード",
	  "code", "lgcode", NULL },
	{ "団体名", "市区町村名", "名称", "name", "city", NULL },
	{ "都道府県", "都道府県名", "prefecture", "pref", NULL },
	{ "メールアドレス", "電子メール", "email", "e-mail", "mail", NULL },
};

static const struct field_spec row_spec[C__MAX] = {
	{ .name = "code", .label = "団体コード", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = 16 },
	{ .name = "name", .label = "団体名", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = 100 },
	{ .name = "prefecture", .label = "都道府県", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = 10 },
	{ .name = "email", .label = "メールアドレス", .type = FIELD_EMAIL,
	  .flags = FIELD_REQUIRED },
};

struct row {
	size_t	 line;
	char	 code[LGCODE_LEN + 1];
	char	*name;
	char	*pref;
	char	*email;
	/* For a new account: */
	int	 is_new;
	char	 pw[PASSWD_INITIAL_LEN + 1];
	char	 hash[PASSWD_HASH_MAX];
};

/* Spaces at both ends go: Excel keeps what was typed. */
static char *
trimmed(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	/* U+3000 at the ends too. */
	while (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) {
		s += 3;
		n -= 3;
	}
	while (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
		n -= 3;
	return xstrndup(s, n);
}

/* Which column each of a header row's names is; -1 when the row is not
 * a header (its first cell is a code). */
static int
header(const struct csv_record *r, int map[C__MAX], struct buf *err)
{
	size_t i, k;
	int c, found = 0;

	for (c = 0; c < C__MAX; c++)
		map[c] = -1;
	if (r->n > 0 && r->f[0][0] >= '0' && r->f[0][0] <= '9')
		return -1;
	for (i = 0; i < r->n; i++) {
		char *name = trimmed(r->f[i]);

		for (c = 0; c < C__MAX; c++)
			for (k = 0; col_names[c][k] != NULL; k++)
				if (strcasecmp(name, col_names[c][k]) == 0) {
					if (map[c] == -1)
						map[c] = (int)i;
					found++;
				}
		free(name);
	}
	for (c = 0; c < C__MAX; c++)
		if (map[c] == -1)
			buf_printf(err, "%zu行目: 見出しの行に「%s」の列が"
			    "ありません。\n", r->line, col_names[c][0]);
	return found > 0 ? 0 : -1;
}

static int
check_row(const struct csv_record *r, const int map[C__MAX], struct row *out,
    struct buf *err)
{
	struct pairs p = PAIRS_INIT;
	struct fields fs = FIELDS_INIT;
	struct buf code = BUF_INIT;
	const char *why;
	size_t i;
	int c, rc = -1;

	memset(out, 0, sizeof(*out));
	out->line = r->line;
	for (c = 0; c < C__MAX; c++) {
		char *v;

		if (map[c] < 0 || (size_t)map[c] >= r->n) {
			buf_printf(err, "%zu行目: 「%s」の列がありません（列の"
			    "数が足りません）。\n", r->line, row_spec[c].label);
			goto out;
		}
		v = trimmed(r->f[map[c]]);
		pairs_add(&p, row_spec[c].name, strlen(row_spec[c].name), v,
		    strlen(v));
		free(v);
	}
	if (fields_validate(&fs, row_spec, C__MAX, &p) == -1) {
		for (i = 0; i < fs.n; i++)
			if (fs.f[i].error != NULL)
				buf_printf(err, "%zu行目: %s\n", r->line,
				    fs.f[i].error);
		if (fs.error != NULL)
			buf_printf(err, "%zu行目: %s\n", r->line, fs.error);
		goto out;
	}
	jtext_fold(&code, fields_text(&fs, "code"),
	    strlen(fields_text(&fs, "code")), JTEXT_FULLASCII);
	if (lgcode_norm(code.ptr, out->code, &why) == -1) {
		buf_printf(err, "%zu行目: %s（「%s」）\n", r->line, why,
		    code.ptr);
		goto out;
	}
	if (strcmp(lgcode_prefecture(out->code),
	    fields_text(&fs, "prefecture")) != 0) {
		buf_printf(err, "%zu行目: 団体コード %s は%sのコードですが、"
		    "都道府県が「%s」になっています。\n", r->line, out->code,
		    lgcode_prefecture(out->code),
		    fields_text(&fs, "prefecture"));
		goto out;
	}
	out->name = xstrdup(fields_text(&fs, "name"));
	out->pref = xstrdup(fields_text(&fs, "prefecture"));
	out->email = xstrdup(fields_text(&fs, "email"));
	rc = 0;
out:
	fields_release(&fs);
	pairs_release(&p);
	buf_release(&code);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Passwords for the new accounts, on every core
 * ---------------------------------------------------------------- */

struct hash_job {
	struct row	*rows;
	size_t		 n;
	size_t		 next;
	int		 failed;
	pthread_mutex_t	 lock;
};

static void *
hash_worker(void *arg)
{
	struct hash_job *j = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		while (j->next < j->n && !j->rows[j->next].is_new)
			j->next++;
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->n)
			return NULL;
		if (passwd_generate(j->rows[i].pw) == -1 ||
		    passwd_hash(j->rows[i].pw, j->rows[i].hash) == -1) {
			pthread_mutex_lock(&j->lock);
			j->failed = 1;
			pthread_mutex_unlock(&j->lock);
		}
	}
}

static int
hash_all(struct row *rows, size_t n)
{
	struct hash_job j = { rows, n, 0, 0, PTHREAD_MUTEX_INITIALIZER };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t t[16];
	int k, started = 0;

	if (cores < 1)
		cores = 1;
	if (cores > 16)
		cores = 16;
	for (k = 1; k < cores; k++)
		if (pthread_create(&t[started], NULL, hash_worker, &j) == 0)
			started++;
	hash_worker(&j);
	for (k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	pthread_mutex_destroy(&j.lock);
	return j.failed ? -1 : 0;
}

/* ---------------------------------------------------------------- *
 * The import
 * ---------------------------------------------------------------- */

/* Compare a row with its account: 1 when it differs (the new values go
 * to the account), 0 when the same, -1 on error. */
static int
update_row(const struct actx *x, long long id, const struct row *w,
    const char *name, const char *pref, const char *email)
{
	struct buf d = BUF_INIT;
	int rc = -1;

	if (strcmp(name, w->name) == 0 && strcmp(pref, w->pref) == 0 &&
	    strcmp(email, w->email) == 0)
		return 0;
	if (strcmp(name, w->name) != 0)
		buf_printf(&d, "name '%s' -> '%s'; ", name, w->name);
	if (strcmp(pref, w->pref) != 0)
		buf_printf(&d, "prefecture '%s' -> '%s'; ", pref, w->pref);
	if (strcmp(email, w->email) != 0)
		buf_puts(&d, "e-mail address changed; ");
	buf_truncate(&d, d.len - 2);
	if (db_exec(x->db, "UPDATE account SET name = ?, prefecture = ?, "
	    "email = ?, updated = ? WHERE id = ?", "sssii", w->name, w->pref,
	    w->email, x->now, id) == 1 &&
	    audit_add(x->db, x->now, "account_updated", x->actor, w->code,
	    x->ip, d.ptr) == 0)
		rc = 1;
	buf_release(&d);
	return rc;
}

int
import_accounts(const struct actx *x, const char *data, size_t len,
    struct import_result *res, struct buf *err)
{
	struct buf text = BUF_INIT;
	struct csv csv = { NULL, 0 };
	struct map seen = MAP_INIT;
	struct row *rows = NULL;
	size_t i, first = 0, n = 0, errors = 0;
	int map[C__MAX] = { C_CODE, C_NAME, C_PREF, C_EMAIL }, rc = -1;
	sqlite3_stmt *st = NULL;

	memset(res, 0, sizeof(*res));
	if (csv_to_utf8(data, len, &text, &res->encoding, err) == -1 ||
	    csv_parse(&csv, text.ptr, text.len, err) == -1) {
		buf_putc(err, '\n');
		goto out;
	}
	if (csv.n == 0) {
		buf_puts(err, "ファイルに行がありません。\n");
		goto out;
	}
	if (header(&csv.r[0], map, err) == 0) {
		if (err->len > 0)
			goto out;
		first = 1;
	} else {
		map[C_CODE] = C_CODE;
		map[C_NAME] = C_NAME;
		map[C_PREF] = C_PREF;
		map[C_EMAIL] = C_EMAIL;
	}
	if (csv.n - first > IMPORT_MAX_ROWS) {
		buf_printf(err, "行が多すぎます（%d行まで）。\n",
		    IMPORT_MAX_ROWS);
		goto out;
	}
	rows = xcalloc(csv.n, sizeof(*rows));
	for (i = first; i < csv.n; i++) {
		struct row *w = &rows[n];
		void *prev;

		if (check_row(&csv.r[i], map, w, err) == -1) {
			errors++;
			continue;
		}
		if (map_add(&seen, w->code, strlen(w->code),
		    (void *)(uintptr_t)w->line, &prev) == -1) {
			buf_printf(err, "%zu行目: 団体コード %s は%zu行目にも"
			    "あります。\n", w->line, w->code,
			    (size_t)(uintptr_t)prev);
			errors++;
		}
		n++;
	}
	if (errors > 0 || n == 0) {
		if (n == 0 && errors == 0)
			buf_puts(err, "ファイルに団体の行がありません。\n");
		goto out;
	}
	res->rows = n;

	/* Which rows are new.  (Read again under the lock below: a
	 * second import at the same time waits for the first.) */
	for (i = 0; i < n; i++) {
		long long id = db_int(x->db, 0, "SELECT id FROM account "
		    "WHERE lgcode = ?", "s", rows[i].code);

		if (id < 0)
			goto out;
		rows[i].is_new = id == 0;
	}
	if (hash_all(rows, n) == -1) {
		buf_puts(err, "パスワードを作成できませんでした。\n");
		goto out;
	}
	if (db_begin(x->db) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		struct row *w = &rows[i];
		struct new_account a = { w->code, lgcode_is_prefecture(w->code) ?
		    ROLE_PREFECTURE : ROLE_MUNICIPALITY, w->name, w->code,
		    w->pref, w->email };
		int d;

		st = db_query(x->db, "SELECT id, name, prefecture, email FROM "
		    "account WHERE lgcode = ?", "s", w->code);
		if (st == NULL)
			goto rollback;
		if (sqlite3_step(st) == SQLITE_ROW) {
			d = update_row(x, sqlite3_column_int64(st, 0), w,
			    db_text(st, 1), db_text(st, 2), db_text(st, 3));
			if (d < 0)
				goto rollback;
			if (d)
				res->updated++;
			else
				res->unchanged++;
		} else if (!w->is_new) {
			/* Deleted since it was looked at: not this
			 * import's to recreate without a password. */
			buf_printf(err, "%zu行目: 団体コード %s のアカウントが"
			    "取り込み中に削除されました。もう一度取り込んで"
			    "ください。\n", w->line, w->code);
			goto rollback;
		} else {
			if (db_int(x->db, 0, "SELECT count(*) FROM account "
			    "WHERE login = ?", "s", w->code) != 0) {
				buf_printf(err, "%zu行目: ID %s は別のアカウント"
				    "が使っています。\n", w->line, w->code);
				goto rollback;
			}
			if (account_issue(x, &a, w->pw, w->hash, 1) == -1)
				goto rollback;
			res->created++;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	{
		char detail[128];

		snprintf(detail, sizeof(detail), "%zu rows: %zu created, %zu "
		    "updated, %zu unchanged", n, res->created, res->updated,
		    res->unchanged);
		if (audit_add(x->db, x->now, "accounts_imported", x->actor, "",
		    x->ip, detail) == -1)
			goto rollback;
	}
	if (db_commit(x->db) == -1)
		goto out;
	rc = 0;
	goto out;
rollback:
	sqlite3_finalize(st);
	db_rollback(x->db);
out:
	if (rows != NULL)
		for (i = 0; i < n; i++) {
			crypto_wipe(rows[i].pw, sizeof(rows[i].pw));
			free(rows[i].name);
			free(rows[i].pref);
			free(rows[i].email);
		}
	free(rows);
	map_release(&seen);
	csv_release(&csv);
	buf_release(&text);
	return rc;
}
