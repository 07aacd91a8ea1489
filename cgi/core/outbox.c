#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "utf8.h"

int
outbox_addr_ok(const char *a)
{
	const char *at = strchr(a, '@'), *p;

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') ||
	    strlen(a) > 254)
		return 0;
	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' ||
		    *p == '>' || *p == ',' || *p == '"' || *p == '\\' ||
		    *p == '(' || *p == ')' || *p == ';' || *p == ':')
			return 0;
	return 1;
}

/* 1 when `s` needs no encoding in a header: printable ASCII only. */
static int
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * RFC 2047 encoded words for header text: "=?UTF-8?B?...?=", each at
 * most 75 characters, cut between characters (never inside one), joined
 * by CRLF and a space (folding).  `used` is how much of the first line
 * the header's name took.
 */
static void
encode_words(struct buf *out, const char *s, size_t used)
{
	size_t n = strlen(s), i = 0, k, start;
	uint32_t cp;
	/* 75 less "=?UTF-8?B?" and "?=" leaves 63 characters of base64:
	 * 45 bytes of text make 60. */
	const size_t chunk = 45;

	if (plain_ascii(s) && n + used < 78) {
		buf_puts(out, s);
		return;
	}
	while (i < n) {
		start = i;
		while (i < n) {
			k = utf8_decode(s + i, n - i, &cp);
			if (k == 0)
				k = 1;
			if (i + k - start > chunk)
				break;
			i += k;
		}
		if (start != 0)
			BUF_PUTSL(out, "\r\n ");
		BUF_PUTSL(out, "=?UTF-8?B?");
		crypto_base64(out, s + start, i - start);
		BUF_PUTSL(out, "?=");
	}
}

static void
date_jst(struct buf *out, long long now)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)(now + 9 * 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	buf_printf(out, "%s, %d %s %d %02d:%02d:%02d +0900", wd[tm.tm_wday],
	    tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

void
outbox_compose(struct buf *out, const struct conf *c, long long now,
    const char *to, const char *subject, const char *body, const char *msgid)
{
	struct buf text = BUF_INIT, b64 = BUF_INIT;
	const char *domain = strchr(c->mail_from, '@'), *p;
	size_t i;

	BUF_PUTSL(out, "From: ");
	if (c->mail_from_name[0] != '\0') {
		encode_words(out, c->mail_from_name, 6);
		buf_putc(out, ' ');
	}
	buf_printf(out, "<%s>\r\nTo: <%s>\r\nSubject: ", c->mail_from, to);
	encode_words(out, subject, 9);
	BUF_PUTSL(out, "\r\nDate: ");
	date_jst(out, now);
	buf_printf(out, "\r\nMessage-ID: <%s@%s>\r\n", msgid,
	    domain != NULL ? domain + 1 : "localhost");
	BUF_PUTSL(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	/* The text with CRLF line ends, then base64 in lines of 76. */
	for (p = body; *p != '\0'; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			buf_putc(&text, '\r');
		buf_putc(&text, *p);
	}
	crypto_base64(&b64, text.ptr, text.len);
	for (i = 0; i < b64.len; i += 76) {
		buf_add(out, b64.ptr + i, b64.len - i < 76 ? b64.len - i : 76);
		BUF_PUTSL(out, "\r\n");
	}
	buf_release(&text);
	buf_release(&b64);
}

/* Text for a header: UTF-8, no control character. */
static int
header_text_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n > max || !utf8_valid(s, n, NULL))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int
outbox_add(sqlite3 *db, const struct conf *c, long long now,
    const char *kind, const char *to, const char *subject, const char *body)
{
	struct buf msg = BUF_INIT, id = BUF_INIT;
	unsigned char r[12];
	int rc = -1;

	if (!outbox_addr_ok(to)) {
		fprintf(stderr, "outbox: refused address for a %s mail\n",
		    kind);
		return -1;
	}
	if (!header_text_ok(subject, OUTBOX_MAX_SUBJECT) ||
	    strlen(body) > OUTBOX_MAX_BODY ||
	    !utf8_valid(body, strlen(body), NULL)) {
		fprintf(stderr, "outbox: refused text for a %s mail\n", kind);
		return -1;
	}
	if (crypto_random(r, sizeof(r)) == -1)
		return -1;
	buf_printf(&id, "%lld.", now);
	crypto_base64url(&id, r, sizeof(r));
	outbox_compose(&msg, c, now, to, subject, body, id.ptr);
	if (db_exec(db, "INSERT INTO outbox (created, rcpt, kind, message, "
	    "next_try) VALUES (?, ?, ?, ?, ?)", "issbi", now, to, kind,
	    msg.ptr, msg.len, now) == 1)
		rc = 0;
	buf_release(&msg);
	buf_release(&id);
	return rc;
}
