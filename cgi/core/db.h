/*
 * db: the site's SQLite database.
 *
 * db_open() opens (creating) the file with the settings every program
 * relies on: WAL journal, synchronous=FULL (a transaction that returned
 * is on disk), foreign keys enforced, and a busy timeout so that two
 * processes writing at once wait for each other instead of failing.  It
 * then brings the schema up to date: the files schema/NNN_name.sql are
 * applied in the order of NNN, each in its own transaction together with
 * `PRAGMA user_version = NNN`, so that a file is applied once and a
 * failed one leaves the database as it was.  Programs starting together
 * take turns (BEGIN IMMEDIATE) and apply nothing twice.
 *
 * SQL goes only through prepared statements with bound parameters.  The
 * helpers below take the parameters after a format string with one
 * letter per parameter:
 *
 *   's'  const char *, bound as TEXT (NULL binds NULL)
 *   'i'  long long, bound as INTEGER
 *   'b'  const void *, size_t: a BLOB
 *
 * Failures are logged to stderr with the statement's text and SQLite's
 * message; callers answer 500 and keep serving.
 */
#ifndef KK_DB_H
#define KK_DB_H

#include <sqlite3.h>

struct buf;

/* Milliseconds a writer waits for another's lock before SQLITE_BUSY. */
#define DB_BUSY_MS	10000

/* Open `path` and apply the migrations of `schema_dir` not yet applied.
 * NULL on failure, with a message in err. */
sqlite3		*db_open(const char *path, const char *schema_dir,
		    struct buf *err);
void		 db_close(sqlite3 *);

/* The highest migration applied (PRAGMA user_version). */
int		 db_version(sqlite3 *);

/* Prepare `sql` and bind the parameters; NULL on failure (logged).  The
 * caller steps it and calls sqlite3_finalize(). */
sqlite3_stmt	*db_query(sqlite3 *, const char *sql, const char *fmt, ...);

/* Prepare, bind, and step to the end.  Returns the number of rows
 * changed, or -1 on failure (logged). */
int		 db_exec(sqlite3 *, const char *sql, const char *fmt, ...);

/* One row, one integer: the first column of the first row, or `dflt`
 * when there is no row.  -1 on failure is indistinguishable from a
 * value; use it for counts and ids. */
long long	 db_int(sqlite3 *, long long dflt, const char *sql,
		    const char *fmt, ...);

/* Transactions.  db_begin() takes the write lock at once (BEGIN
 * IMMEDIATE), so a transaction that reads then writes cannot fail half
 * way for another writer.  Each returns 0 or -1 (logged). */
int		 db_begin(sqlite3 *);
int		 db_commit(sqlite3 *);
void		 db_rollback(sqlite3 *);

/* A column as a C string ("" for NULL), valid until the next step. */
const char	*db_text(sqlite3_stmt *, int col);

#endif
