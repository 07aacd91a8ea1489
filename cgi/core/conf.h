/*
 * conf: the programs' settings, from the site's site.yaml (the keys
 * `app` and `mail`, which gen passes over) and, optionally, a second
 * file of the same shape whose values win (an operator's local file:
 * other ports, a test's SMTP server).  Secrets are not written in
 * either: the SMTP password comes from the file named by mail.password_file.
 *
 *   title: サイト名                 the site's title (site.yaml's own key)
 *   theme: default                  (site.yaml's own key)
 *   app:
 *     url: https://portal.example.go.jp/   the address in mails
 *     session_idle: 30m             a session ends after this long unused
 *     session_max: 12h              and this long after sign-in, in any case
 *     lockout_after: 5              failed sign-ins in a row that lock
 *     lockout_time: 15m             how long the lock lasts
 *     admin_password_max_age: 180d  admins must change theirs after this
 *     login_path: app/auth/login    (relative to the site's root)
 *   mail:
 *     from: noreply@example.go.jp   envelope and From: address
 *     from_name: サイト名           From: display name (default: title)
 *     smtp: smtp://127.0.0.1:25     or smtps://host:465
 *     tls: starttls                 starttls (required), none (only for
 *                                   a server on this host), or smtps
 *     user: name                    optional SMTP AUTH user
 *     password_file: /etc/...       its password, first line of the file
 *     ca_file: /etc/...             certificates to trust for the server's
 *                                   (default: the system's)
 *     retry: 1m                     first wait after a failed send; it
 *                                   doubles each time, up to retry_max
 *     retry_max: 1h
 *     give_up: 3d                   a mail still unsent this long after
 *                                   it was queued is marked failed
 *     poll: 5s                      how often the mailer looks for mail
 *
 * Durations are a whole number followed by s, m, h or d.
 */
#ifndef KK_CONF_H
#define KK_CONF_H

struct buf;

enum conf_tls {
	CONF_TLS_STARTTLS,	/* STARTTLS, required */
	CONF_TLS_SMTPS,		/* TLS from the first byte */
	CONF_TLS_NONE,		/* plain: only to a server on loopback */
};

struct conf {
	char		*title;
	char		*theme;
	char		*url;		/* ends with '/' */
	long long	 session_idle;	/* seconds */
	long long	 session_max;
	long long	 lockout_after;	/* failures */
	long long	 lockout_time;
	long long	 admin_pw_max_age;
	char		*mail_from;
	char		*mail_from_name;
	char		*smtp_url;
	enum conf_tls	 smtp_tls;
	char		*smtp_user;
	char		*smtp_password_file;
	char		*smtp_ca_file;
	long long	 mail_retry;
	long long	 mail_retry_max;
	long long	 mail_give_up;
	long long	 mail_poll;
};

/* Read site_dir/site.yaml and then `local` (may be NULL).  0, or -1 with
 * "FILE:LINE: message" lines in err. */
int	conf_load(struct conf *, const char *site_dir, const char *local,
	    struct buf *err);
void	conf_release(struct conf *);

/* "90" "15m" "12h" "180d" -> seconds; -1 when malformed. */
long long conf_duration(const char *);

#endif
