/*
 * passwd: passwords.
 *
 * Stored as argon2id (libargon2) PHC strings, with parameters at
 * OWASP's minimum for argon2id or above: 19 MiB of memory, 2 passes, one
 * lane, a 16-byte random salt and a 32-byte hash.  passwd_verify() reads
 * the parameters from the stored string, so raising them later keeps
 * old hashes valid.
 *
 * The rule for a new password (passwd_check()): 12 to 128 characters,
 * any characters at all (spaces and Japanese included); not one of the
 * common passwords of PASSWD_LIST (John the Ripper's list, Debian's
 * john-data package), compared without case or width (ＰＡＳＳ… is
 * pass…), nor one of them with digits or symbols before or after it
 * (password1234!), nor one of them repeated (qwertyqwerty), nor a run
 * of the digits, the alphabet or a keyboard row (1234567890123); not the
 * account's own ID, nor the ID with a few characters around it; not one
 * character repeated.
 */
#ifndef KK_PASSWD_H
#define KK_PASSWD_H

#include <stddef.h>

#define PASSWD_MIN_CHARS	12
#define PASSWD_MAX_CHARS	128
#define PASSWD_HASH_MAX		128	/* the PHC string, with its NUL */
/* An initial password: 4 groups of 4 from a 57-letter alphabet with no
 * look-alikes (0/O, 1/l/I): about 93 bits. */
#define PASSWD_INITIAL_LEN	19

#define PASSWD_T_COST		2
#define PASSWD_M_COST		19456	/* KiB */
#define PASSWD_LANES		1

#ifndef PASSWD_LIST
#define PASSWD_LIST	"/usr/share/john/password.lst"
#endif

/* Hash `pw` with a new salt into out.  0, or -1 on an error of the
 * library or of the random source (logged). */
int		 passwd_hash(const char *pw, char out[PASSWD_HASH_MAX]);

/* 1 when `pw` matches the stored hash, 0 when not, -1 when the stored
 * string is not an argon2id hash. */
int		 passwd_verify(const char *hash, const char *pw);

/* The same work as a verification, for an ID that has no account, so
 * that the answer takes as long either way. */
void		 passwd_dummy(const char *pw);

/* NULL when `pw` may be set for the account `login`; otherwise a
 * sentence in Japanese saying why not, for the form. */
const char	*passwd_check(const char *pw, const char *login);

/* A new random initial password, NUL-terminated. */
int		 passwd_generate(char out[PASSWD_INITIAL_LEN + 1]);

/* Load the common-password list now rather than at the first check
 * (a program calls it at start, before it serves).  0, or -1 when the
 * file cannot be read (logged): the check then refuses every password,
 * failing closed. */
int		 passwd_init(void);

#endif
