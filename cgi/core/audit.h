/*
 * audit: the tamper-evident log of security events.
 *
 * Each event is a row of table `audit` (schema/001_core.sql) numbered
 * from 1 without gaps, whose `hash` is the SHA-256 of the previous row's
 * hash and of this row's fields, each written with its length so that
 * no two rows encode alike:
 *
 *     hash(n) = SHA-256( hash(n-1) | n | at | event | actor | subject
 *                        | ip | detail )            hash(0) = 64 zeros
 *
 * Table `audit_head` holds the last number and hash.  Editing a row
 * breaks its hash; deleting one leaves a gap or breaks the next row's
 * link; deleting rows at the end disagrees with the head.  (Someone who
 * can rewrite the whole file can rewrite the chain too: copies of the
 * head kept elsewhere, in backups or mails, catch that.)
 *
 * audit_add() must run inside the caller's transaction (db_begin()), so
 * that the event and the change it records commit together.
 *
 * Event names are short words: login, login_failed, lockout, unlock,
 * logout, password_changed, account_issued, role_changed, ...
 */
#ifndef KK_AUDIT_H
#define KK_AUDIT_H

#include <sqlite3.h>

struct buf;

/* Append one event.  `actor` is the login of who did it ("" for the
 * system), `subject` what it concerns (another account's login, a post
 * number), `detail` free text; any may be NULL for "".  Control
 * characters in them are replaced by spaces: the log is for reading.
 * Returns 0 or -1 (logged to stderr). */
int	audit_add(sqlite3 *, long long at, const char *event,
	    const char *actor, const char *subject, const char *ip,
	    const char *detail);

/* Check the whole chain.  Returns the number of rows checked when it is
 * whole, or -1 with a sentence in `msg` naming the first broken link
 * ("row 17: its contents do not match its hash (edited)"). */
long long audit_verify(sqlite3 *, struct buf *msg);

#endif
