#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "audit.h"
#include "buf.h"
#include "db.h"

static const char zero_hash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void
put_field(struct buf *b, const char *s)
{
	buf_printf(b, "%zu:", strlen(s));
	buf_puts(b, s);
	buf_putc(b, '\n');
}

/* The hash of row `id` with these fields after `prev`. */
static void
row_hash(const char *prev, long long id, long long at, const char *event,
    const char *actor, const char *subject, const char *ip,
    const char *detail, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct buf b = BUF_INIT;
	unsigned char h[32];
	size_t i;

	put_field(&b, prev);
	buf_printf(&b, "%lld\n%lld\n", id, at);
	put_field(&b, event);
	put_field(&b, actor);
	put_field(&b, subject);
	put_field(&b, ip);
	put_field(&b, detail);
	mbedtls_sha256_ret((const unsigned char *)b.ptr, b.len, h, 0);
	buf_release(&b);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[64] = '\0';
}

/* A copy of s with control characters made spaces. */
static char *
clean(const char *s)
{
	char *c = xstrdup(s != NULL ? s : ""), *p;

	for (p = c; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

int
audit_add(sqlite3 *db, long long at, const char *event, const char *actor,
    const char *subject, const char *ip, const char *detail)
{
	char *f[5], prev[65], hash[65];
	long long id = 0;
	sqlite3_stmt *st;
	int rc = -1, i;

	f[0] = clean(actor);
	f[1] = clean(subject);
	f[2] = clean(ip);
	f[3] = clean(detail);
	f[4] = clean(event);
	memcpy(prev, zero_hash, sizeof(prev));
	st = db_query(db, "SELECT last_id, hash FROM audit_head", NULL);
	if (st == NULL)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		snprintf(prev, sizeof(prev), "%s", db_text(st, 1));
	}
	sqlite3_finalize(st);
	id++;
	row_hash(prev, id, at, f[4], f[0], f[1], f[2], f[3], hash);
	if (db_exec(db, "INSERT INTO audit (id, at, event, actor, subject, "
	    "ip, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "iisssssss", id, at, f[4], f[0], f[1], f[2], f[3], prev,
	    hash) != 1)
		goto out;
	if (db_exec(db, "INSERT INTO audit_head (one, last_id, hash) "
	    "VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET "
	    "last_id = excluded.last_id, hash = excluded.hash", "is", id,
	    hash) != 1)
		goto out;
	rc = 0;
out:
	for (i = 0; i < 5; i++)
		free(f[i]);
	return rc;
}

long long
audit_verify(sqlite3 *db, struct buf *msg)
{
	char prev[65], hash[65];
	long long want = 1, head_id = 0, n = -1;
	sqlite3_stmt *st;
	int rc;

	memcpy(prev, zero_hash, sizeof(prev));
	st = db_query(db, "SELECT id, at, event, actor, subject, ip, detail, "
	    "prev, hash FROM audit ORDER BY id", NULL);
	if (st == NULL) {
		buf_puts(msg, "cannot read the audit table");
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		if (id != want) {
			if (want == 1)
				buf_printf(msg, "row 1 is missing (the log "
				    "starts at row %lld)", id);
			else
				buf_printf(msg, "row %lld is missing (row "
				    "%lld follows row %lld): deleted", want,
				    id, want - 1);
			goto out;
		}
		if (strcmp(db_text(st, 7), prev) != 0) {
			buf_printf(msg, "row %lld: its link to row %lld does "
			    "not match (row %lld was edited or replaced)", id,
			    id - 1, id - 1);
			goto out;
		}
		row_hash(prev, id, sqlite3_column_int64(st, 1),
		    db_text(st, 2), db_text(st, 3), db_text(st, 4),
		    db_text(st, 5), db_text(st, 6), hash);
		if (strcmp(hash, db_text(st, 8)) != 0) {
			buf_printf(msg, "row %lld: its contents do not match "
			    "its hash (edited)", id);
			goto out;
		}
		memcpy(prev, hash, sizeof(prev));
		want++;
	}
	if (rc != SQLITE_DONE) {
		buf_printf(msg, "cannot read the audit table: %s",
		    sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_finalize(st);
	st = db_query(db, "SELECT last_id, hash FROM audit_head", NULL);
	if (st == NULL) {
		buf_puts(msg, "cannot read the audit head");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		head_id = sqlite3_column_int64(st, 0);
		if (head_id != want - 1) {
			buf_printf(msg, "the log ends at row %lld but row "
			    "%lld was written: rows %lld to %lld deleted",
			    want - 1, head_id, want, head_id);
			goto out;
		}
		if (strcmp(db_text(st, 1), prev) != 0) {
			buf_printf(msg, "row %lld: does not match the last "
			    "hash written (edited or replaced)", head_id);
			goto out;
		}
	} else if (want != 1) {
		buf_puts(msg, "the record of the last row is missing");
		goto out;
	}
	n = want - 1;
out:
	sqlite3_finalize(st);
	return n;
}
