#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"

static void
db_log(sqlite3 *db, const char *what, const char *sql)
{
	fprintf(stderr, "db: %s: %s (in: %.200s)\n", what, sqlite3_errmsg(db),
	    sql != NULL ? sql : "");
}

static int
bind_args(sqlite3 *db, sqlite3_stmt *st, const char *sql, const char *fmt,
    va_list ap)
{
	int i, rc = SQLITE_OK;

	for (i = 1; fmt != NULL && *fmt != '\0' && rc == SQLITE_OK; fmt++, i++) {
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			rc = s == NULL ? sqlite3_bind_null(st, i) :
			    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
			break;
		}
		case 'i':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, long long));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			rc = sqlite3_bind_blob64(st, i, p, n, SQLITE_TRANSIENT);
			break;
		}
		default:
			fprintf(stderr, "db: bad format letter '%c'\n", *fmt);
			return -1;
		}
	}
	if (rc != SQLITE_OK) {
		db_log(db, "bind", sql);
		return -1;
	}
	return 0;
}

static sqlite3_stmt *
vquery(sqlite3 *db, const char *sql, const char *fmt, va_list ap)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_log(db, "prepare", sql);
		return NULL;
	}
	if (bind_args(db, st, sql, fmt, ap) == -1) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *
db_query(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = vquery(db, sql, fmt, ap);
	va_end(ap);
	return st;
}

int
db_exec(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	st = vquery(db, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		db_log(db, "step", sql);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return sqlite3_changes(db);
}

long long
db_int(sqlite3 *db, long long dflt, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	long long v = dflt;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	st = vquery(db, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		db_log(db, "step", sql);
		v = -1;
	}
	sqlite3_finalize(st);
	return v;
}

const char *
db_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s != NULL ? (const char *)s : "";
}

static int
exec_plain(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "db: %s: %s\n", sql, msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
db_begin(sqlite3 *db)
{
	return exec_plain(db, "BEGIN IMMEDIATE");
}

int
db_commit(sqlite3 *db)
{
	if (exec_plain(db, "COMMIT") == -1) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
db_version(sqlite3 *db)
{
	return (int)db_int(db, 0, "PRAGMA user_version", NULL);
}

/* ---------------------------------------------------------------- *
 * Migrations
 * ---------------------------------------------------------------- */

struct migration {
	int	 num;
	char	*name;
};

static int
cmp_migration(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->num > y->num) - (x->num < y->num);
}

/* The files NNN_*.sql of `dir`, sorted; -1 on error (message in err),
 * including two files with one number. */
static int
list_migrations(const char *dir, struct migration **out, size_t *n,
    struct buf *err)
{
	struct migration *v = NULL;
	size_t len, cap = 0, i;
	struct dirent *de;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		buf_printf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		const char *s = de->d_name;

		len = strlen(s);
		if (len < 9 || s[0] < '0' || s[0] > '9' || s[1] < '0' ||
		    s[1] > '9' || s[2] < '0' || s[2] > '9' || s[3] != '_' ||
		    strcmp(s + len - 4, ".sql") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[*n].num = (s[0] - '0') * 100 + (s[1] - '0') * 10 + s[2] - '0';
		v[*n].name = xstrdup(s);
		(*n)++;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_migration);
	for (i = 1; i < *n; i++)
		if (v[i].num == v[i - 1].num) {
			buf_printf(err, "%s: two migrations numbered %03d: "
			    "%s and %s", dir, v[i].num, v[i - 1].name,
			    v[i].name);
			for (i = 0; i < *n; i++)
				free(v[i].name);
			free(v);
			return -1;
		}
	*out = v;
	return 0;
}

static int
migrate(sqlite3 *db, const char *dir, struct buf *err)
{
	struct migration *v = NULL;
	struct buf path = BUF_INIT, sql = BUF_INIT;
	size_t n, i;
	int rc = -1;

	if (list_migrations(dir, &v, &n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		char *msg = NULL, pragma[64];

		if (db_begin(db) == -1) {
			buf_printf(err, "cannot lock the database: %s",
			    sqlite3_errmsg(db));
			goto out;
		}
		/* Read inside the lock: another program may have just
		 * applied it. */
		if (v[i].num <= db_version(db)) {
			db_rollback(db);
			continue;
		}
		buf_reset(&path);
		buf_reset(&sql);
		buf_printf(&path, "%s/%s", dir, v[i].name);
		if (buf_read_file(&sql, path.ptr) == -1) {
			buf_printf(err, "%s: %s", path.ptr, strerror(errno));
			db_rollback(db);
			goto out;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    v[i].num);
		if (sqlite3_exec(db, sql.ptr, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, pragma, NULL, NULL, &msg) != SQLITE_OK) {
			buf_printf(err, "%s: %s", path.ptr,
			    msg != NULL ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			db_rollback(db);
			goto out;
		}
		if (db_commit(db) == -1) {
			buf_printf(err, "%s: commit failed", path.ptr);
			goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	buf_release(&path);
	buf_release(&sql);
	return rc;
}

sqlite3 *
db_open(const char *path, const char *schema_dir, struct buf *err)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		buf_printf(err, "%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	if (exec_plain(db, "PRAGMA journal_mode = WAL") == -1 ||
	    exec_plain(db, "PRAGMA synchronous = FULL") == -1 ||
	    exec_plain(db, "PRAGMA foreign_keys = ON") == -1) {
		buf_printf(err, "%s: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	if (schema_dir != NULL && migrate(db, schema_dir, err) == -1)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

void
db_close(sqlite3 *db)
{
	sqlite3_close(db);
}
