/*
 * outbox: mail to send, kept in the database until it is sent.
 *
 * outbox_add() writes one mail, to one recipient, into table `outbox`
 * inside the caller's transaction: the mail exists exactly when the
 * change that causes it (an account issued, a post rejected) was
 * committed.  The mailer program (cgi/mailer) sends it later and keeps
 * trying while the SMTP server is away.  A notice to many people is one
 * mail each, so that no recipient sees another's address.
 *
 * The message is complete as stored: RFC 5322 headers with CRLF line
 * ends, the subject and the sender's name as RFC 2047 encoded words, a
 * text/plain UTF-8 body in base64 (Japanese text survives every relay
 * as it is), a Date in Japan's time and a unique Message-ID, so that a
 * copy delivered twice can be recognised.
 */
#ifndef KK_OUTBOX_H
#define KK_OUTBOX_H

#include <sqlite3.h>

struct buf;
struct conf;

/* The most a subject or a body may hold, in bytes. */
#define OUTBOX_MAX_SUBJECT	512
#define OUTBOX_MAX_BODY		(64 * 1024)

/* Queue a mail of kind `kind` (a word naming why it is sent) to address
 * `to`.  0, or -1 (logged) when the address or the text cannot go in a
 * mail (control characters, too long) or the database fails. */
int	outbox_add(sqlite3 *, const struct conf *, long long now,
	    const char *kind, const char *to, const char *subject,
	    const char *body);

/* The message as outbox_add() stores it, appended to `out`; `msgid` is
 * the part of the Message-ID before the '@'. */
void	outbox_compose(struct buf *out, const struct conf *, long long now,
	    const char *to, const char *subject, const char *body,
	    const char *msgid);

/* 1 when `addr` is an address outbox_add() takes: one local@domain, no
 * spaces, controls, quotes, angle brackets or commas (nothing that could
 * add a header or a second recipient). */
int	outbox_addr_ok(const char *addr);

#endif
