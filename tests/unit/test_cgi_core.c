/*
 * test_cgi_core: the parts of cgi/core below the request loop: base64
 * and tokens, SHA-256, settings' durations, the password rule and
 * argon2id, mail composition, migrations, and the audit chain with its
 * tamper checks, on a real SQLite file.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "outbox.h"
#include "passwd.h"
#include "test.h"

static void
test_crypto(void)
{
	static const struct { const char *in, *b64, *url; } v[] = {
		{ "", "", "" },
		{ "f", "Zg==", "Zg" },
		{ "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" },
		{ "foob", "Zm9vYg==", "Zm9vYg" },
		{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
		{ "\xfb\xff", "+/8=", "-_8" },
	};
	char tok[CRYPTO_TOKEN_LEN + 1], tok2[CRYPTO_TOKEN_LEN + 1];
	char hex[CRYPTO_SHA256_HEX + 1];
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		buf_reset(&b);
		crypto_base64(&b, v[i].in, strlen(v[i].in));
		test_streq("base64 (RFC 4648 vectors)", b.ptr, v[i].b64);
		buf_reset(&b);
		crypto_base64url(&b, v[i].in, strlen(v[i].in));
		test_streq("base64url without padding", b.ptr, v[i].url);
	}
	buf_release(&b);
	crypto_sha256_hex("abc", 3, hex);
	test_streq("SHA-256 of abc", hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	test_cond("a token", crypto_token(tok) == 0 &&
	    strlen(tok) == CRYPTO_TOKEN_LEN &&
	    strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == CRYPTO_TOKEN_LEN);
	test_cond("two tokens differ", crypto_token(tok2) == 0 &&
	    strcmp(tok, tok2) != 0);
	test_cond("streq: equal", crypto_streq("abc", "abc"));
	test_cond("streq: differs", !crypto_streq("abc", "abd"));
	test_cond("streq: lengths", !crypto_streq("abc", "abcd") &&
	    !crypto_streq("", "a"));
}

static void
test_durations(void)
{
	test_cond("90 is seconds", conf_duration("90") == 90);
	test_cond("15m", conf_duration("15m") == 900);
	test_cond("12h", conf_duration("12h") == 43200);
	test_cond("180d", conf_duration("180d") == 180 * 86400);
	test_cond("3s", conf_duration("3s") == 3);
	test_cond("no number", conf_duration("m") == -1);
	test_cond("a unit twice", conf_duration("5mm") == -1);
	test_cond("a space", conf_duration("5 m") == -1);
	test_cond("empty", conf_duration("") == -1);
	test_cond("too large", conf_duration("99999999999999999d") == -1);
}

static void
test_passwords(void)
{
	char hash[PASSWD_HASH_MAX], pw[PASSWD_INITIAL_LEN + 1];
	char big[300];
	size_t i;

	test_cond("the common-password list loads", passwd_init() == 0);
	test_cond("11 characters are too few",
	    passwd_check("abcdefghijk", "011002") != NULL);
	test_cond("12 are enough", passwd_check("kjw8-qpz3-mv", "011002") == NULL);
	test_cond("12 Japanese characters are enough",
	    passwd_check("こども家庭センターの合言葉", "011002") == NULL);
	test_cond("spaces are characters too",
	    passwd_check("correct horse battery", "011002") == NULL);
	memset(big, 'a', sizeof(big));
	for (i = 0; i < 129; i++)
		big[i] = (char)('a' + i % 26);
	big[129] = '\0';
	test_cond("129 are too many", passwd_check(big, "x") != NULL &&
	    strstr(passwd_check(big, "x"), "128") != NULL);
	big[128] = '\0';
	test_cond("128 are allowed", passwd_check(big, "x") == NULL);
	test_cond("a common password of 12 or more is refused",
	    passwd_check("password1234", "x") != NULL);
	test_cond("whatever its case and width",
	    passwd_check("ＰａｓｓＷｏｒｄ１２３４", "x") != NULL);
	test_cond("with symbols before and after",
	    passwd_check("!!monkey2024!!", "x") != NULL);
	test_cond("a common word said again and again",
	    passwd_check("qwertyqwertyqwerty", "x") != NULL);
	test_cond("a run of digits", passwd_check("1234567890123", "x") != NULL);
	test_cond("a run backwards", passwd_check("987654321098", "x") != NULL);
	test_cond("a keyboard row", passwd_check("asdfghjklzxc", "x") != NULL);
	test_cond("a common word inside a longer phrase is fine",
	    passwd_check("my dragon sleeps at noon", "x") == NULL);
	test_cond("one character repeated",
	    passwd_check("aaaaaaaaaaaaaa", "x") != NULL);
	test_cond("the ID with a little around it",
	    passwd_check("011002sapporo", "011002") == NULL);
	test_cond("the ID with up to 4 around it is refused",
	    passwd_check("x011002abc", "011002") != NULL);
	test_cond("not UTF-8", passwd_check("abcdefghijk\xff", "x") != NULL);
	test_cond("an initial password", passwd_generate(pw) == 0 &&
	    strlen(pw) == PASSWD_INITIAL_LEN && pw[4] == '-' && pw[9] == '-' &&
	    pw[14] == '-' && strpbrk(pw, "0O1lI") == NULL);
	test_cond("passes the rule", passwd_check(pw, "011002") == NULL);
	test_cond("hash", passwd_hash(pw, hash) == 0 &&
	    strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
	test_cond("verify: right", passwd_verify(hash, pw) == 1);
	test_cond("verify: wrong", passwd_verify(hash, "nope") == 0);
	test_cond("verify: not argon2id", passwd_verify("$2y$10$abc", pw) == -1);
}

static void
test_mail(void)
{
	struct conf c;
	struct buf m = BUF_INIT;
	const char *p;

	memset(&c, 0, sizeof(c));
	c.mail_from = "noreply@example.go.jp";
	c.mail_from_name = "こども家庭センター ポータルサイト";
	outbox_compose(&m, &c, 1796000000, "011002@example.lg.jp",
	    "【ポータル】会員ページのIDとパスワードのお知らせ（長い件名が折り返される"
	    "ことを確かめるための文）", "一行目\n二行目\n", "1.abc");
	test_cond("From: with an encoded name", strncmp(m.ptr,
	    "From: =?UTF-8?B?", 16) == 0 &&
	    strstr(m.ptr, "<noreply@example.go.jp>\r\n") != NULL);
	test_cond("To: one address", strstr(m.ptr,
	    "\r\nTo: <011002@example.lg.jp>\r\n") != NULL);
	test_cond("no Cc or Bcc", strstr(m.ptr, "\r\nCc:") == NULL &&
	    strstr(m.ptr, "\r\nBcc:") == NULL);
	test_cond("a long subject is folded into words",
	    strstr(m.ptr, "?=\r\n =?UTF-8?B?") != NULL);
	test_cond("Date in Japan's time", strstr(m.ptr,
	    "\r\nDate: ") != NULL && strstr(m.ptr, " +0900\r\n") != NULL);
	test_cond("Message-ID at the sender's domain",
	    strstr(m.ptr, "Message-ID: <1.abc@example.go.jp>\r\n") != NULL);
	test_cond("UTF-8 text in base64", strstr(m.ptr,
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n") != NULL);
	/* 一行目\r\n二行目\r\n */
	test_cond("the body's lines end CRLF, encoded",
	    strstr(m.ptr, "\r\n\r\n5LiA6KGM55uuDQrkuozooYznm64NCg==\r\n") !=
	    NULL);
	for (p = m.ptr; (p = strchr(p, '\n')) != NULL; p++)
		if (p[-1] != '\r')
			break;
	test_cond("every line ends CRLF", p == NULL);
	buf_release(&m);
	test_cond("address ok", outbox_addr_ok("a.b+c@example.lg.jp"));
	test_cond("no second address", !outbox_addr_ok("a@b.jp,c@d.jp"));
	test_cond("no header injection", !outbox_addr_ok("a@b.jp\r\nBcc: x@y"));
	test_cond("no spaces or brackets", !outbox_addr_ok("a b@c.jp") &&
	    !outbox_addr_ok("<a@b.jp>"));
	test_cond("one @", !outbox_addr_ok("a@b@c") && !outbox_addr_ok("abc"));
}

static sqlite3 *
open_db(const char *path)
{
	struct buf err = BUF_INIT;
	sqlite3 *db = db_open(path, "schema", &err);

	if (db == NULL)
		fprintf(stderr, "db_open: %s\n", err.ptr);
	buf_release(&err);
	return db;
}

static void
test_db_and_audit(void)
{
	char dir[] = "/tmp/kk-test-XXXXXX", path[64];
	struct buf msg = BUF_INIT;
	sqlite3 *db;
	int i;

	test_cond("a temporary folder", mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	db = open_db(path);
	test_cond("a new database is migrated", db != NULL &&
	    db_version(db) >= 1);
	test_cond("WAL", db_int(db, 0, "SELECT count(*) FROM "
	    "pragma_journal_mode WHERE journal_mode = 'wal'", NULL) == 1);
	test_cond("foreign keys on", db_int(db, 0, "PRAGMA foreign_keys",
	    NULL) == 1);
	test_cond("synchronous FULL", db_int(db, 0, "PRAGMA synchronous",
	    NULL) == 2);
	test_cond("an empty log is whole", audit_verify(db, &msg) == 0);
	for (i = 0; i < 5; i++) {
		char d[16];

		snprintf(d, sizeof(d), "n=%d\n", i);
		test_cond("an event", db_begin(db) == 0 &&
		    audit_add(db, 1796000000 + i, "login", "011002", "011002",
		    "127.0.0.1", d) == 0 && db_commit(db) == 0);
	}
	test_cond("control characters are made spaces", db_int(db, 0,
	    "SELECT count(*) FROM audit WHERE detail LIKE 'n=_ '", NULL) == 5);
	test_cond("the chain is whole", audit_verify(db, &msg) == 5);
	db_close(db);
	db = open_db(path);
	test_cond("opening again applies nothing twice", db != NULL &&
	    audit_verify(db, &msg) == 5);

	db_exec(db, "UPDATE audit SET detail = 'edited' WHERE id = 3", NULL);
	buf_reset(&msg);
	test_cond("an edited row is found", audit_verify(db, &msg) == -1 &&
	    strstr(msg.ptr, "row 3") != NULL);
	db_exec(db, "UPDATE audit SET detail = 'n=2 ' WHERE id = 3", NULL);
	test_cond("and whole again when undone", audit_verify(db, &msg) == 5);
	db_exec(db, "DELETE FROM audit WHERE id = 2", NULL);
	buf_reset(&msg);
	test_cond("a deleted row is found", audit_verify(db, &msg) == -1 &&
	    strstr(msg.ptr, "row 2 is missing") != NULL);
	db_close(db);

	/* A fresh file: the last rows deleted. */
	snprintf(path, sizeof(path), "%s/t2.db", dir);
	db = open_db(path);
	for (i = 0; i < 3; i++)
		audit_add(db, 1796000000 + i, "logout", "a", "a", "", "");
	db_exec(db, "DELETE FROM audit WHERE id = 3", NULL);
	buf_reset(&msg);
	test_cond("rows deleted at the end are found",
	    audit_verify(db, &msg) == -1 && strstr(msg.ptr, "row 3") != NULL);
	db_exec(db, "DELETE FROM audit", NULL);
	buf_reset(&msg);
	test_cond("all rows deleted is found", audit_verify(db, &msg) == -1);
	db_close(db);

	/* Migrations: two files of one number are refused. */
	{
		char sd[96], f[128];
		struct buf err = BUF_INIT;
		FILE *fp;

		snprintf(sd, sizeof(sd), "%s/schema", dir);
		test_cond("a schema folder", mkdir(sd, 0700) == 0);
		snprintf(f, sizeof(f), "%s/001_a.sql", sd);
		fp = fopen(f, "w");
		fputs("CREATE TABLE a (x);", fp);
		fclose(fp);
		snprintf(f, sizeof(f), "%s/002_b.sql", sd);
		fp = fopen(f, "w");
		fputs("CREATE TABLE b (x); SELECT nonsense(;", fp);
		fclose(fp);
		snprintf(path, sizeof(path), "%s/t3.db", dir);
		test_cond("a failing migration fails the open",
		    db_open(path, sd, &err) == NULL &&
		    strstr(err.ptr, "002_b.sql") != NULL);
		db = db_open(path, NULL, &err);
		test_cond("and leaves the earlier ones applied, itself not",
		    db != NULL && db_version(db) == 1 && db_int(db, 0,
		    "SELECT count(*) FROM sqlite_master WHERE name = 'b'",
		    NULL) == 0);
		db_close(db);
		snprintf(f, sizeof(f), "%s/002_c.sql", sd);
		fp = fopen(f, "w");
		fputs("SELECT 1;", fp);
		fclose(fp);
		buf_reset(&err);
		test_cond("two migrations of one number are refused",
		    db_open(path, sd, &err) == NULL &&
		    strstr(err.ptr, "two migrations numbered 002") != NULL);
		buf_release(&err);
	}
	buf_release(&msg);
	{
		char cmd[96];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		test_cond("cleaned up", system(cmd) == 0);
	}
}

int
main(void)
{
	test_crypto();
	test_durations();
	test_passwords();
	test_mail();
	test_db_and_audit();
	return test_done();
}
