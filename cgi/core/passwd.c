#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "buf.h"
#include "crypto.h"
#include "jtext.h"
#include "map.h"
#include "passwd.h"
#include "utf8.h"

#define SALT_LEN	16
#define HASH_LEN	32

static struct map common = MAP_INIT;
static int common_state;	/* 0 not loaded, 1 loaded, -1 failed */

int
passwd_hash(const char *pw, char out[PASSWD_HASH_MAX])
{
	unsigned char salt[SALT_LEN];
	int rc;

	if (crypto_random(salt, sizeof(salt)) == -1) {
		fprintf(stderr, "passwd: no random bytes: %s\n",
		    strerror(errno));
		return -1;
	}
	rc = argon2id_hash_encoded(PASSWD_T_COST, PASSWD_M_COST, PASSWD_LANES,
	    pw, strlen(pw), salt, sizeof(salt), HASH_LEN, out,
	    PASSWD_HASH_MAX);
	if (rc != ARGON2_OK) {
		fprintf(stderr, "passwd: argon2id: %s\n",
		    argon2_error_message(rc));
		return -1;
	}
	return 0;
}

int
passwd_verify(const char *hash, const char *pw)
{
	int rc;

	if (strncmp(hash, "$argon2id$", 10) != 0)
		return -1;
	rc = argon2id_verify(hash, pw, strlen(pw));
	if (rc == ARGON2_OK)
		return 1;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return 0;
	return -1;
}

void
passwd_dummy(const char *pw)
{
	static char dummy[PASSWD_HASH_MAX];

	if (dummy[0] == '\0' && passwd_hash("kakehashi-dummy-password",
	    dummy) == -1)
		return;
	(void)passwd_verify(dummy, pw);
}

/* Lower case and ASCII width, as the list is compared. */
static void
fold(struct buf *out, const char *s, size_t n)
{
	jtext_fold(out, s, n, JTEXT_FULLASCII | JTEXT_CASE);
}

int
passwd_init(void)
{
	struct buf text = BUF_INIT, w = BUF_INIT;
	char *line, *save = NULL;

	if (common_state != 0)
		return common_state == 1 ? 0 : -1;
	if (buf_read_file(&text, PASSWD_LIST) == -1) {
		fprintf(stderr, "passwd: cannot read the list of common "
		    "passwords %s: %s\n", PASSWD_LIST, strerror(errno));
		common_state = -1;
		return -1;
	}
	for (line = strtok_r(text.ptr, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		if (strncmp(line, "#!comment:", 10) == 0 || *line == '\0')
			continue;
		buf_reset(&w);
		fold(&w, line, strlen(line));
		map_add(&common, w.ptr, w.len, (void *)1, NULL);
	}
	buf_release(&text);
	buf_release(&w);
	common_state = 1;
	return 0;
}

/* 1 when `s` is `id` with at most 4 characters added around it, as in
 * "011002abcd" or "Sapporo-011002": the ID with a little decoration. */
static int
near_id(const char *s, size_t n, const char *id)
{
	size_t m = strlen(id);
	const char *hit;

	if (m < 4 || (hit = strstr(s, id)) == NULL)
		return 0;
	return utf8_len(s, (size_t)(hit - s)) +
	    utf8_len(hit + m, n - (size_t)(hit - s) - m) <= 4;
}

/* 1 when s[0..n) is in the common list. */
static int
common_has(const char *s, size_t n)
{
	return n > 0 && map_get(&common, s, n) != NULL;
}

static int
is_decoration(int c)
{
	return (c >= '0' && c <= '9') || (c >= 0x21 && c <= 0x2f) ||
	    (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
	    (c >= 0x7b && c <= 0x7e) || c == ' ';
}

/*
 * Whether the folded password f[0..n) is a common one: in the list; a
 * word of the list with digits or symbols put before or after it
 * ("password1234!"); a word of the list said again and again
 * ("qwertyqwerty"); or a run of a keyboard row, the alphabet or the
 * digits ("1234567890123", "asdfghjklzxc").  The list is of short
 * passwords, so that the length rule alone would let most of it
 * through once decorated.
 */
static int
is_common(const char *f, size_t n)
{
	static const char *const runs[] = {
		"01234567890123456789012345678901234567890",
		"09876543210987654321098765432109876543210",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		"zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihgfedcba",
		"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
		"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
		"qwertyuiop[]asdfghjkl;'zxcvbnm,./",
	};
	size_t a = 0, b = n, w, i;

	if (common_has(f, n))
		return 1;
	while (a < b && is_decoration((unsigned char)f[a]))
		a++;
	while (b > a && is_decoration((unsigned char)f[b - 1]))
		b--;
	if ((a > 0 || b < n) && common_has(f + a, b - a))
		return 1;
	for (w = 1; w <= n / 2; w++) {
		if (n % w != 0)
			continue;
		for (i = w; i < n && memcmp(f + i, f, w) == 0; i += w)
			;
		if (i >= n && (common_has(f, w) || w == 1))
			return 1;
	}
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		if (memmem(runs[i], strlen(runs[i]), f, n) != NULL)
			return 1;
	return 0;
}

const char *
passwd_check(const char *pw, const char *login)
{
	struct buf f = BUF_INIT, id = BUF_INIT;
	size_t n = strlen(pw), chars;
	const char *msg = NULL;
	uint32_t cp, first = 0;
	size_t i, k;
	int same = 1;

	if (!utf8_valid(pw, n, NULL))
		return "パスワードに使用できない文字が含まれています。";
	chars = utf8_len(pw, n);
	if (chars < PASSWD_MIN_CHARS)
		return "パスワードは12文字以上にしてください。";
	if (chars > PASSWD_MAX_CHARS)
		return "パスワードは128文字以内にしてください。";
	for (i = 0; i < n; i += k) {
		k = utf8_decode(pw + i, n - i, &cp);
		if (i == 0)
			first = cp;
		else if (cp != first)
			same = 0;
	}
	if (same)
		return "同じ文字を繰り返しただけのパスワードは使用できません。";
	if (passwd_init() == -1)
		return "パスワードを確認できませんでした。"
		    "時間をおいて、もう一度お試しください。";
	fold(&f, pw, n);
	if (is_common(f.ptr, f.len))
		msg = "よく使われていて推測されやすいパスワードです"
		    "（よく使われるものに数字や記号を足したもの、"
		    "キーボードの並びも含みます）。別のパスワードにしてください。";
	else if (login != NULL) {
		fold(&id, login, strlen(login));
		if (near_id(f.ptr, f.len, id.ptr))
			msg = "IDを含むパスワードは使用できません。";
	}
	buf_release(&f);
	buf_release(&id);
	return msg;
}

int
passwd_generate(char out[PASSWD_INITIAL_LEN + 1])
{
	static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	    "abcdefghijkmnopqrstuvwxyz23456789";
	unsigned char r[64];
	size_t i, j = 0, used = 0;
	const size_t na = sizeof(alpha) - 1;
	/* Rejection sampling: bytes past the last whole multiple of the
	 * alphabet's size are skipped, so each letter is equally likely. */
	const unsigned limit = 256 - 256 % na;

	while (j < PASSWD_INITIAL_LEN) {
		if (used == 0 || used == sizeof(r)) {
			if (crypto_random(r, sizeof(r)) == -1)
				return -1;
			used = 0;
		}
		i = r[used++];
		if (i >= limit)
			continue;
		if (j % 5 == 4)
			out[j++] = '-';
		out[j++] = alpha[i % na];
	}
	out[PASSWD_INITIAL_LEN] = '\0';
	crypto_wipe(r, sizeof(r));
	return 0;
}
