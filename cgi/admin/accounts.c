#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "audit.h"
#include "buf.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "passwd.h"

int
account_mail_password(const struct actx *x, const char *to, const char *name,
    const char *login, const char *pw, int is_reset)
{
	struct buf subj = BUF_INIT, body = BUF_INIT;
	int rc;

	buf_printf(&subj, "【%s】%s", x->conf->title, is_reset ?
	    "会員ページのパスワードを再発行しました" :
	    "会員ページのIDとパスワードのお知らせ");
	buf_printf(&body, "%s ご担当者様\n\n", name);
	if (is_reset)
		buf_printf(&body, "%sの会員ページのパスワードを再発行しました"
		    "。\nこれまでのパスワードは使えなくなりました。\n\n",
		    x->conf->title);
	else
		buf_printf(&body, "%sの会員ページをご利用いただくための\n"
		    "IDとパスワードをお知らせします。\n\n", x->conf->title);
	buf_printf(&body,
	    "  ID:         %s\n"
	    "  パスワード: %s\n"
	    "  ログイン:   %sapp/auth/login\n\n"
	    "このIDとパスワードは、貴団体の職員の皆さまで共用していただく"
	    "ものです。\n団体の外の方には知らせないでください。\n"
	    "ログインしたあと「パスワードの変更」から変更できます。\n\n"
	    "このメールに心当たりのない場合は、運用窓口にお知らせください。\n"
	    "このメールは送信専用のアドレスからお送りしています。\n",
	    login, pw, x->conf->url);
	rc = outbox_add(x->db, x->conf, x->now, is_reset ? "password_reset" :
	    "account_issued", to, subj.ptr, body.ptr);
	crypto_wipe(body.ptr, body.len);
	buf_release(&subj);
	buf_release(&body);
	return rc;
}

long long
account_issue(const struct actx *x, const struct new_account *a,
    const char *pw, const char *pw_hash, int mail)
{
	long long id;
	char detail[96];

	if (db_exec(x->db, "INSERT INTO account (login, name, role, lgcode, "
	    "prefecture, email, pw_hash, pw_changed, created, updated) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "sssssssiii", a->login,
	    a->name, role_name(a->role), a->lgcode, a->prefecture, a->email,
	    pw_hash, x->now, x->now, x->now) != 1)
		return -1;
	id = sqlite3_last_insert_rowid(x->db);
	snprintf(detail, sizeof(detail), "role %s%s", role_name(a->role),
	    mail ? ", password mailed" : "");
	if (audit_add(x->db, x->now, "account_issued", x->actor, a->login,
	    x->ip, detail) == -1)
		return -1;
	if (mail && account_mail_password(x, a->email, a->name, a->login, pw,
	    0) == -1)
		return -1;
	return id;
}

int
account_reset_password(const struct actx *x, long long id)
{
	char pw[PASSWD_INITIAL_LEN + 1], hash[PASSWD_HASH_MAX];
	char *login = NULL, *name = NULL, *email = NULL;
	sqlite3_stmt *st;
	int rc = -1;

	st = db_query(x->db, "SELECT login, name, email FROM account WHERE "
	    "id = ?", "i", id);
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		login = xstrdup(db_text(st, 0));
		name = xstrdup(db_text(st, 1));
		email = xstrdup(db_text(st, 2));
	}
	sqlite3_finalize(st);
	if (login == NULL)
		goto out;
	if (passwd_generate(pw) == -1 || passwd_hash(pw, hash) == -1)
		goto out;
	if (db_exec(x->db, "UPDATE account SET pw_hash = ?, pw_changed = ?, "
	    "failures = 0, locked_until = 0, updated = ? WHERE id = ?", "siii",
	    hash, x->now, x->now, id) != 1 ||
	    db_exec(x->db, "DELETE FROM session WHERE account_id = ?", "i",
	    id) < 0 ||
	    audit_add(x->db, x->now, "password_reset", x->actor, login, x->ip,
	    "new password mailed") == -1 ||
	    account_mail_password(x, email, name, login, pw, 1) == -1)
		goto out;
	rc = 0;
out:
	crypto_wipe(pw, sizeof(pw));
	crypto_wipe(hash, sizeof(hash));
	free(login);
	free(name);
	free(email);
	return rc;
}
