/*
 * mailer: sends the mail of the outbox (cgi/core/outbox.h) through the
 * SMTP server of site.yaml's `mail` settings, with libcurl.
 *
 *   mailer -s SITE -d DB -t THEMES -S SCHEMA run    keep sending, every
 *                                                   mail.poll, until TERM
 *   mailer ... once                                 send what is due, exit
 *
 * A mail is marked sent only after the server has taken it (250 to the
 * end of DATA), in its own transaction; its body is then dropped (it may
 * hold an initial password or a private message) and its headers kept
 * as the record of what went to whom and when.  A server that is down, slow or
 * answers 4xx leaves the mail queued for another try after mail.retry,
 * doubling each time up to mail.retry_max.  While the server is away
 * (no answer, or 421) the other mails wait too; a 4xx to one mail (its
 * recipient's mailbox busy) holds up that mail alone.  A 5xx answer to
 * the mail (the address refused) or a mail still unsent mail.give_up
 * after it was queued marks it failed, with the server's answer, for the
 * administrators to see.  Nothing is deleted.  One mailer runs per
 * database (a lock on DB.mailer-lock), so no mail goes out twice from
 * two mailers.
 *
 * TLS: mail.tls starttls requires STARTTLS (libcurl refuses to go on in
 * clear); smtps:// speaks TLS from the start; none is for a server on
 * this host only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "app.h"
#include "buf.h"
#include "conf.h"
#include "db.h"

#define BATCH		100	/* mails looked at per round */

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

struct src {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct src *s = arg;
	size_t n = size * nitems;

	if (n > s->left)
		n = s->left;
	memcpy(buf, s->p, n);
	s->p += n;
	s->left -= n;
	return n;
}

struct mailer {
	const struct conf	*conf;
	sqlite3			*db;
	CURL			*curl;
	char			*password;	/* SMTP AUTH, or NULL */
	long long		 down_until;	/* server failing: wait */
	long long		 wait;		/* the current wait */
};

enum result {
	SENT,
	RETRY,		/* this mail later: the server put it off */
	AWAY,		/* every mail later: the server is not there */
	FAILED
};

/* One mail.  *why gets the server's or libcurl's message. */
static enum result
send_one(struct mailer *m, const char *rcpt, const void *msg, size_t len,
    struct buf *why)
{
	const struct conf *c = m->conf;
	struct curl_slist *to = NULL;
	struct buf addr = BUF_INIT, from = BUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct src s = { msg, len };
	long code = 0;
	CURLcode rc;

	buf_printf(&addr, "<%s>", rcpt);
	buf_printf(&from, "<%s>", c->mail_from);
	to = curl_slist_append(NULL, addr.ptr);
	curl_easy_reset(m->curl);
	curl_easy_setopt(m->curl, CURLOPT_URL, c->smtp_url);
	curl_easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(m->curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(m->curl, CURLOPT_MAIL_FROM, from.ptr);
	curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(m->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(m->curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(m->curl, CURLOPT_READDATA, &s);
	curl_easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(m->curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(m->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(m->curl, CURLOPT_USE_SSL, c->smtp_tls ==
	    CONF_TLS_NONE ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	if (c->smtp_ca_file != NULL)
		curl_easy_setopt(m->curl, CURLOPT_CAINFO, c->smtp_ca_file);
	if (c->smtp_user != NULL) {
		curl_easy_setopt(m->curl, CURLOPT_USERNAME, c->smtp_user);
		if (m->password != NULL)
			curl_easy_setopt(m->curl, CURLOPT_PASSWORD, m->password);
	}
	rc = curl_easy_perform(m->curl);
	curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(to);
	buf_release(&addr);
	buf_release(&from);
	if (rc == CURLE_OK)
		return SENT;
	buf_printf(why, "%s%s%s", curl_easy_strerror(rc),
	    errbuf[0] != '\0' ? ": " : "", errbuf);
	if (code >= 500 && code < 600) {
		buf_printf(why, " (%ld)", code);
		return FAILED;
	}
	/* A 4xx is about this mail; no answer, or 421 (closing), is the
	 * server's trouble. */
	return code >= 400 && code != 421 ? RETRY : AWAY;
}

/* Send what is due, up to BATCH mails.  Returns how many were tried,
 * or -1 on a database error. */
static long long
round_once(struct mailer *m)
{
	const struct conf *c = m->conf;
	long long now = (long long)time(NULL), tried = 0;
	sqlite3_stmt *st;
	struct buf why = BUF_INIT;
	int rc;

	if (now < m->down_until)
		return 0;
	st = db_query(m->db, "SELECT id, rcpt, message, attempts, created FROM "
	    "outbox WHERE state = 'queued' AND next_try <= ? ORDER BY id "
	    "LIMIT ?", "ii", now, (long long)BATCH);
	if (st == NULL)
		return -1;
	while (!stopping && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		long long tries = sqlite3_column_int64(st, 3) + 1;
		long long created = sqlite3_column_int64(st, 4);
		enum result res;

		tried++;
		buf_reset(&why);
		res = send_one(m, db_text(st, 1), sqlite3_column_blob(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2), &why);
		now = (long long)time(NULL);
		if (res != SENT && res != FAILED &&
		    now - created > c->mail_give_up)
			res = FAILED;
		if (res == SENT) {
			/* Sent, the body goes: it may hold an initial
			 * password or a private message.  The headers stay,
			 * a record of what went to whom and when. */
			const char *msg = sqlite3_column_blob(st, 2);
			size_t mlen = (size_t)sqlite3_column_bytes(st, 2);
			const char *end = msg != NULL ?
			    memmem(msg, mlen, "\r\n\r\n", 4) : NULL;
			size_t keep = end != NULL ? (size_t)(end - msg) + 4 : 0;

			if (db_exec(m->db, "UPDATE outbox SET state = 'sent', "
			    "sent_at = ?, attempts = ?, last_error = '', "
			    "message = ? WHERE id = ? AND state = 'queued'",
			    "iibi", now, tries, msg != NULL ? msg : "", keep,
			    id) < 0)
				break;
			fprintf(stderr, "mailer: mail %lld sent\n", id);
			m->wait = 0;
		} else if (res == FAILED) {
			if (db_exec(m->db, "UPDATE outbox SET state = 'failed', "
			    "attempts = ?, last_error = ? WHERE id = ?", "isi",
			    tries, why.ptr, id) < 0)
				break;
			fprintf(stderr, "mailer: mail %lld failed for good: "
			    "%s\n", id, why.ptr);
		} else {
			long long wait = c->mail_retry, k;

			for (k = 1; k < tries && wait < c->mail_retry_max; k++)
				wait *= 2;
			if (wait > c->mail_retry_max)
				wait = c->mail_retry_max;
			if (db_exec(m->db, "UPDATE outbox SET attempts = ?, "
			    "next_try = ?, last_error = ? WHERE id = ?",
			    "iisi", tries, now + wait, why.ptr, id) < 0)
				break;
			fprintf(stderr, "mailer: mail %lld not sent (try %lld, "
			    "again in %llds): %s\n", id, tries, wait, why.ptr);
			if (res == RETRY)
				continue;
			/* The server is away: the other mails wait too
			 * rather than each meeting the same error. */
			m->wait = m->wait == 0 ? c->mail_retry :
			    m->wait * 2 > c->mail_retry_max ?
			    c->mail_retry_max : m->wait * 2;
			m->down_until = now + m->wait;
			break;
		}
	}
	sqlite3_finalize(st);
	buf_release(&why);
	return tried;
}

static char *
read_password(const char *path)
{
	struct buf b = BUF_INIT;
	char *nl;

	if (buf_read_file(&b, path) == -1) {
		fprintf(stderr, "mailer: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((nl = strpbrk(b.ptr, "\r\n")) != NULL)
		buf_truncate(&b, (size_t)(nl - b.ptr));
	return buf_detach(&b, NULL);
}

/* Sleep `secs`, waking early on TERM. */
static void
nap(long long secs)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	long long i;

	for (i = 0; i < secs * 10 && !stopping; i++)
		nanosleep(&ts, NULL);
}

static int
cli(struct app *a, int argc, char **argv)
{
	struct mailer m;
	struct buf lockpath = BUF_INIT;
	const char *dbfile;
	int forever, lockfd, rc = 1;

	if (argc != 1 || (strcmp(argv[0], "run") != 0 &&
	    strcmp(argv[0], "once") != 0)) {
		fprintf(stderr, "usage: mailer ... run | once\n");
		return 2;
	}
	forever = strcmp(argv[0], "run") == 0;
	memset(&m, 0, sizeof(m));
	m.conf = app_conf(a);
	m.db = app_db(a);
	dbfile = sqlite3_db_filename(m.db, "main");
	buf_printf(&lockpath, "%s.mailer-lock", dbfile);
	lockfd = open(lockpath.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd == -1 || flock(lockfd, LOCK_EX | LOCK_NB) == -1) {
		fprintf(stderr, "mailer: %s: %s\n", lockpath.ptr, lockfd == -1 ?
		    strerror(errno) : "another mailer is running for this "
		    "database");
		buf_release(&lockpath);
		if (lockfd != -1)
			close(lockfd);
		return 1;
	}
	buf_release(&lockpath);
	if (m.conf->smtp_password_file != NULL &&
	    (m.password = read_password(m.conf->smtp_password_file)) == NULL)
		goto out;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (m.curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "mailer: libcurl did not start\n");
		goto out;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);
	if (forever)
		fprintf(stderr, "mailer: sending through %s every %llds "
		    "(pid %ld)\n", m.conf->smtp_url, m.conf->mail_poll,
		    (long)getpid());
	for (;;) {
		long long n = round_once(&m);

		if (n < 0)
			fprintf(stderr, "mailer: the outbox could not be read; "
			    "trying again\n");
		if (stopping || (!forever && n < BATCH))
			break;
		/* A full batch: more may be due at once. */
		if (n < BATCH)
			nap(m.conf->mail_poll);
	}
	rc = 0;
out:
	curl_easy_cleanup(m.curl);
	curl_global_cleanup();
	if (m.password != NULL) {
		explicit_bzero(m.password, strlen(m.password));
		free(m.password);
	}
	close(lockfd);
	return rc;
}

static const struct program prog = { "mailer", NULL, 0, cli };

int
main(int argc, char **argv)
{
	return app_main(&prog, argc, argv);
}
