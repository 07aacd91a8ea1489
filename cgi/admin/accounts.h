/*
 * accounts: issuing accounts and their passwords, for the admin pages,
 * the account import and the command line alike.  Every function here
 * runs inside the caller's transaction and writes its audit event and
 * its mail in it.
 */
#ifndef KK_ACCOUNTS_H
#define KK_ACCOUNTS_H

#include <sqlite3.h>

#include "app.h"

struct conf;

/* Who acts, and when: the same for every change of one request. */
struct actx {
	sqlite3			*db;
	const struct conf	*conf;
	long long		 now;
	const char		*actor;	/* login of who acts; "" for the system */
	const char		*ip;
};

struct new_account {
	const char	*login;
	enum role	 role;
	const char	*name;
	const char	*lgcode;	/* NULL for staff accounts */
	const char	*prefecture;
	const char	*email;
};

/*
 * Create the account with the password `pw`, whose hash the caller made
 * (hashing is slow: the import hashes on every core before it takes the
 * lock).  With `mail`, the ID and password are mailed to the account's
 * address.  Returns the new id, or -1.
 */
long long	 account_issue(const struct actx *, const struct new_account *,
		    const char *pw, const char *pw_hash, int mail);

/* A new password for account `id`, mailed to its address; its sessions
 * end and a lock is lifted.  0 or -1. */
int		 account_reset_password(const struct actx *, long long id);

/* The mail that gives an account its ID and password, queued. */
int		 account_mail_password(const struct actx *, const char *to,
		    const char *name, const char *login, const char *pw,
		    int is_reset);

#endif
