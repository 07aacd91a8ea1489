#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fields.h"
#include "jtext.h"
#include "map.h"
#include "pairs.h"
#include "parse.h"
#include "upload.h"
#include "utf8.h"

/*
 * The messages.  Each names the field by its label in 「」 and says what
 * to do, in the polite form of public-sector forms.  Those a person
 * cannot cause by typing (a duplicate, a forged value) ask for the page
 * to be loaded again.
 */
#define MSG_REQUIRED_INPUT	"「%s」を入力してください。"
#define MSG_REQUIRED_CHOICE	"「%s」を選んでください。"
#define MSG_REQUIRED_CHECK	"「%s」にチェックを入れてください。"
#define MSG_REQUIRED_FILE	"「%s」のファイルを選んでください。"
#define MSG_TOO_LONG		"「%s」は%s文字以内で入力してください。"
#define MSG_TOO_SHORT		"「%s」は%s文字以上で入力してください。"
#define MSG_CHARS		"「%s」に使用できない文字が含まれています。"
#define MSG_NEWLINE		"「%s」には改行を入れられません。"
#define MSG_AGAIN \
	"ページを読み込み直してから、もう一度送信してください。"
#define MSG_DUPLICATE		"「%s」が重複して送信されました。" MSG_AGAIN
#define MSG_BAD_VALUE		"「%s」の送信内容が正しくありません。" MSG_AGAIN
#define MSG_UNKNOWN \
	"このフォームにない項目が送信されました。" MSG_AGAIN
#define MSG_INT			"「%s」は数字（整数）で入力してください。"
#define MSG_INT_DIGITS		"「%s」は18桁以内の数で入力してください。"
#define MSG_INT_RANGE		"「%s」は%lldから%lldまでの数を入力してください。"
#define MSG_INT_MIN		"「%s」は%lld以上の数を入力してください。"
#define MSG_INT_MAX		"「%s」は%lld以下の数を入力してください。"
#define MSG_EMAIL \
	"「%s」の形式が正しくありません。" \
	"name@example.jp のように入力してください。"
#define MSG_DATE \
	"「%s」は、2025-04-01 のように正しい日付を入力してください。"
#define MSG_DATE_RANGE		"「%s」は%sから%sまでの日付を入力してください。"
#define MSG_DATE_MIN		"「%s」は%s以降の日付を入力してください。"
#define MSG_DATE_MAX		"「%s」は%s以前の日付を入力してください。"
#define MSG_CHOICE		"「%s」は選択肢の中から選んでください。"
#define MSG_FILE_SIZE		"「%s」は%s以下のファイルを選んでください。"
#define MSG_FILE_LARGE		"「%s」のファイルが大きすぎます。"
#define MSG_FILE_EMPTY \
	"「%s」のファイルが空です。中身のあるファイルを選んでください。"
#define MSG_FILE_TYPE		"「%s」は%s形式のファイルを選んでください。"

/* Local-part of an address: RFC 5321 allows 64 bytes. */
#define EMAIL_LOCAL_MAX	64
/* A label of a domain name: RFC 1035 allows 63 bytes. */
#define EMAIL_LABEL_MAX	63

/* ------------------------------------------------------------------ */
/* Writing messages                                                    */
/* ------------------------------------------------------------------ */

static const char *
label(const struct field *f)
{
	return f->spec->label != NULL ? f->spec->label : f->spec->name;
}

/* The first problem of a field is its message; later ones are dropped,
 * as the person fixes one thing at a time. */
static void field_error(struct fields *, struct field *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
field_error(struct fields *fs, struct field *f, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (f->error != NULL)
		return;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	f->error = buf_detach(&b, NULL);
	fs->nerrors++;
}

/* A count with thousands separators: 10000 -> "10,000". */
static const char *
count_str(char out[32], unsigned long long n)
{
	char tmp[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(tmp, sizeof(tmp), "%llu", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return out;
}

/* A size in bytes as people say it: 10MB, 500KB, 100 バイト. */
static const char *
size_str(char out[64], unsigned long long n)
{
	char c[32];

	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, 64, "%sMB", count_str(c, n / (1024 * 1024)));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, 64, "%sKB", count_str(c, n / 1024));
	else
		snprintf(out, 64, "%sバイト", count_str(c, n));
	return out;
}

/* YYYYMMDD as a Japanese date: 20250401 -> 2025年4月1日. */
static const char *
date_str(char out[96], long long ymd)
{
	snprintf(out, 96, "%lld年%lld月%lld日", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	return out;
}

/* ------------------------------------------------------------------ */
/* Rules of the types                                                  */
/* ------------------------------------------------------------------ */

/* Empty, or only spaces, TABs, line breaks and U+3000. */
static int
blank(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n')
			i++;
		else if (n - i >= 3 && memcmp(s + i, "\xe3\x80\x80", 3) == 0)
			i += 3;
		else
			return 0;
	}
	return 1;
}

/* Into out: CRLF and a lone CR become LF. */
static void
norm_lines(struct buf *out, const char *s, size_t n)
{
	size_t i;

	buf_grow(out, n);
	for (i = 0; i < n; i++) {
		if (s[i] != '\r')
			buf_putc(out, s[i]);
		else {
			buf_putc(out, '\n');
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		}
	}
}

/* Into out: full-width ASCII folded, spaces and TABs at the ends
 * dropped. */
static void
norm_ascii(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, e;

	jtext_fold(out, s, n, JTEXT_FULLASCII);
	e = out->len;
	while (i < e && (out->ptr[i] == ' ' || out->ptr[i] == '\t'))
		i++;
	while (e > i && (out->ptr[e - 1] == ' ' || out->ptr[e - 1] == '\t'))
		e--;
	memmove(out->ptr, out->ptr + i, e - i);
	buf_truncate(out, e - i);
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * The HTML standard's "valid e-mail address" (what <input type=email>
 * accepts), which unlike RFC 5322 takes the dots Japanese mobile
 * carriers once allowed ("taro..x.@docomo.ne.jp"), with two more rules
 * for mail that must reach the Internet: a local part of at most 64
 * bytes, and a domain of two labels or more.
 */
static int
email_ok(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t i, lab = 0, labels = 1;

	if (at == NULL || at == s || (size_t)(at - s) > EMAIL_LOCAL_MAX)
		return 0;
	for (i = 0; s + i < at; i++)
		if (!is_alnum(s[i]) && (s[i] == '\0' ||
		    strchr(".!#$%&'*+/=?^_`{|}~-", s[i]) == NULL))
			return 0;
	for (i = (size_t)(at - s) + 1; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			if (i < n)
				labels++;
			lab = 0;
			continue;
		}
		if (!is_alnum(s[i]) && s[i] != '-')
			return 0;
		if (lab == 0 && s[i] == '-')
			return 0;
		if (++lab > EMAIL_LABEL_MAX)
			return 0;
	}
	return labels >= 2;
}

/* A run of 1..max digits at s[*i]: its value, or -1. */
static long long
digits(const char *s, size_t n, size_t *i, size_t max)
{
	long long v = 0;
	size_t k = 0;

	while (*i < n && is_digit(s[*i]) && k < max) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k > 0 ? v : -1;
}

/* v, 0 <= v < 10^w, as w digits. */
static void
put_digits(char *out, long long v, size_t w)
{
	while (w-- > 0) {
		out[w] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * YYYY-MM-DD, or with '/', with one or two digits of month and day: the
 * day as YYYYMMDD when it is one of the calendar (proleptic Gregorian,
 * years 1 to 9999), else -1.  `out` receives it as YYYY-MM-DD.
 */
static long long
date_parse(const char *s, size_t n, char out[11])
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	long long y, m, d;
	size_t i = 0, start;
	char sep;

	if (n < 8 || n > 10)
		return -1;
	if ((y = digits(s, n, &i, 4)) < 1 || i != 4)
		return -1;
	sep = s[i++];
	if (sep != '-' && sep != '/')
		return -1;
	start = i;
	if ((m = digits(s, n, &i, 2)) < 1 || m > 12 || i - start == 0)
		return -1;
	if (i >= n || s[i++] != sep)
		return -1;
	if ((d = digits(s, n, &i, 2)) < 1 || i != n || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
	return y * 10000 + m * 100 + d;
}

/* "-?[0-9]+": 0 with the number, 1 when it has too many digits, -1 when
 * it is not a number. */
static int
int_parse(const char *s, size_t n, long long *out)
{
	size_t i = 0, start;
	long long v;

	if (n > 0 && s[0] == '-')
		i++;
	start = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == start || i != n)
		return -1;
	if (n - start > FIELD_INT_DIGITS)
		return 1;
	i = start;
	v = digits(s, n, &i, FIELD_INT_DIGITS);
	*out = s[0] == '-' ? -v : v;
	return 0;
}

/* The filename ends with one of the endings (ASCII case ignored). */
static int
ending_ok(const char *name, const char *const *ends)
{
	size_t n = strlen(name), k;

	for (; *ends != NULL; ends++) {
		k = strlen(*ends);
		if (k <= n && strcasecmp(name + n - k, *ends) == 0)
			return 1;
	}
	return 0;
}

/* The endings as a list for a message: ".pdf", ".docx" -> PDF・DOCX. */
static void
endings_str(struct buf *out, const char *const *ends)
{
	const char *e;

	for (; *ends != NULL; ends++) {
		if (out->len > 0)
			buf_puts(out, "・");
		for (e = *ends; *e == '.'; e++)
			;
		for (; *e != '\0'; e++)
			buf_putc(out, *e >= 'a' && *e <= 'z' ?
			    *e - 'a' + 'A' : *e);
	}
}

/* ------------------------------------------------------------------ */
/* Checking                                                            */
/* ------------------------------------------------------------------ */

static void
add_value(struct field *f, struct buf *text, long long num,
    const struct upload *file)
{
	struct field_value *v;

	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	v = &f->v[f->n++];
	v->text = buf_detach(text, &v->len);
	v->num = num;
	v->file = file;
}

static void
check_file(struct fields *fs, struct field *f, const struct upload *u)
{
	const struct field_spec *s = f->spec;
	struct buf t = BUF_INIT;
	char sz[64];

	if (u->filename[0] == '\0' && u->size == 0)
		return;		/* no file was chosen */
	buf_puts(&t, u->filename);
	if (u->too_large || (s->max > 0 &&
	    u->size > (unsigned long long)s->max)) {
		if (s->max > 0)
			field_error(fs, f, MSG_FILE_SIZE, label(f),
			    size_str(sz, (unsigned long long)s->max));
		else
			field_error(fs, f, MSG_FILE_LARGE, label(f));
	} else if (s->choices != NULL && !ending_ok(u->filename, s->choices)) {
		struct buf ends = BUF_INIT;

		endings_str(&ends, s->choices);
		field_error(fs, f, MSG_FILE_TYPE, label(f), ends.ptr);
		buf_release(&ends);
	} else if (u->size == 0)
		field_error(fs, f, MSG_FILE_EMPTY, label(f));
	add_value(f, &t, 0, u);
}

static void
check_value(struct fields *fs, struct field *f, const struct pair *p)
{
	const struct field_spec *s = f->spec;
	struct buf t = BUF_INIT;
	char c1[32], d1[96], d2[96], date[11];
	size_t max, chars, k;
	long long num = 0;
	int r;

	if ((s->type == FIELD_FILE) != (p->file != NULL)) {
		field_error(fs, f, MSG_BAD_VALUE, label(f));
		return;
	}
	if (s->type == FIELD_FILE) {
		check_file(fs, f, p->file);
		return;
	}
	if (!parse_value_ok(p->val, p->vallen)) {
		field_error(fs, f, MSG_CHARS, label(f));
		return;
	}
	switch (s->type) {
	case FIELD_MULTILINE:
		norm_lines(&t, p->val, p->vallen);
		break;
	case FIELD_INT:
	case FIELD_EMAIL:
	case FIELD_DATE:
		norm_ascii(&t, p->val, p->vallen);
		break;
	default:
		buf_add(&t, p->val, p->vallen);
		break;
	}
	if (blank(t.ptr, t.len)) {
		buf_release(&t);
		return;
	}
	chars = utf8_len(t.ptr, t.len);
	switch (s->type) {
	case FIELD_TEXT:
	case FIELD_MULTILINE:
		max = s->max_len ? s->max_len : s->type == FIELD_TEXT ?
		    FIELD_TEXT_MAXLEN : FIELD_MULTILINE_MAXLEN;
		if (s->type == FIELD_TEXT &&
		    (memchr(t.ptr, '\n', t.len) != NULL ||
		    memchr(t.ptr, '\r', t.len) != NULL))
			field_error(fs, f, MSG_NEWLINE, label(f));
		else if (chars > max)
			field_error(fs, f, MSG_TOO_LONG, label(f),
			    count_str(c1, max));
		else if (chars < s->min_len)
			field_error(fs, f, MSG_TOO_SHORT, label(f),
			    count_str(c1, s->min_len));
		break;
	case FIELD_EMAIL:
		max = s->max_len && s->max_len < FIELD_EMAIL_MAXLEN ?
		    s->max_len : FIELD_EMAIL_MAXLEN;
		if (chars > max)
			field_error(fs, f, MSG_TOO_LONG, label(f),
			    count_str(c1, max));
		else if (!email_ok(t.ptr, t.len))
			field_error(fs, f, MSG_EMAIL, label(f));
		else if (chars < s->min_len)
			field_error(fs, f, MSG_TOO_SHORT, label(f),
			    count_str(c1, s->min_len));
		break;
	case FIELD_INT:
		r = int_parse(t.ptr, t.len, &num);
		if (r == -1)
			field_error(fs, f, MSG_INT, label(f));
		else if (s->min == 0 && s->max == 0) {
			if (r == 1)
				field_error(fs, f, MSG_INT_DIGITS, label(f));
		} else if (r == 1 || num < s->min || num > s->max) {
			if (s->min == LLONG_MIN)
				field_error(fs, f, MSG_INT_MAX, label(f),
				    s->max);
			else if (s->max == LLONG_MAX)
				field_error(fs, f, MSG_INT_MIN, label(f),
				    s->min);
			else
				field_error(fs, f, MSG_INT_RANGE, label(f),
				    s->min, s->max);
		}
		break;
	case FIELD_DATE:
		if ((num = date_parse(t.ptr, t.len, date)) == -1) {
			field_error(fs, f, MSG_DATE, label(f));
			break;
		}
		buf_reset(&t);
		buf_puts(&t, date);
		if ((s->min == 0 && s->max == 0) ||
		    (num >= s->min && num <= s->max))
			break;
		if (s->min == LLONG_MIN)
			field_error(fs, f, MSG_DATE_MAX, label(f),
			    date_str(d2, s->max));
		else if (s->max == LLONG_MAX)
			field_error(fs, f, MSG_DATE_MIN, label(f),
			    date_str(d1, s->min));
		else
			field_error(fs, f, MSG_DATE_RANGE, label(f),
			    date_str(d1, s->min), date_str(d2, s->max));
		break;
	case FIELD_BOOL:
		if (buf_eq(&t, "on") || buf_eq(&t, "1"))
			num = 1;
		else
			field_error(fs, f, MSG_BAD_VALUE, label(f));
		break;
	case FIELD_CHOICE:
		assert(s->choices != NULL);
		for (k = 0; s->choices[k] != NULL; k++)
			if (buf_eq(&t, s->choices[k]))
				break;
		if (s->choices[k] == NULL)
			field_error(fs, f, MSG_CHOICE, label(f));
		num = (long long)k;
		break;
	case FIELD_FILE:
	case FIELD__MAX:
		break;
	}
	add_value(f, &t, num, NULL);
}

static void
check_missing(struct fields *fs, struct field *f)
{
	if (!(f->spec->flags & FIELD_REQUIRED) || f->n > 0 || f->error)
		return;
	switch (f->spec->type) {
	case FIELD_BOOL:
		field_error(fs, f, MSG_REQUIRED_CHECK, label(f));
		break;
	case FIELD_CHOICE:
		field_error(fs, f, MSG_REQUIRED_CHOICE, label(f));
		break;
	case FIELD_FILE:
		field_error(fs, f, MSG_REQUIRED_FILE, label(f));
		break;
	default:
		field_error(fs, f, MSG_REQUIRED_INPUT, label(f));
		break;
	}
}

int
fields_validate(struct fields *fs, const struct field_spec *spec,
    size_t nspec, const struct pairs *pairs)
{
	struct map names = MAP_INIT;
	struct field *f;
	size_t i, *sent;
	int dup;

	fields_release(fs);
	fs->f = xcalloc(nspec, sizeof(*fs->f));
	fs->n = nspec;
	sent = xcalloc(nspec, sizeof(*sent));
	for (i = 0; i < nspec; i++) {
		fs->f[i].spec = &spec[i];
		dup = map_add(&names, spec[i].name, strlen(spec[i].name),
		    &fs->f[i], NULL);
		assert(dup == 0);	/* a table names a field once */
		(void)dup;
	}
	for (i = 0; i < pairs->n; i++) {
		f = map_get(&names, pairs->v[i].name, pairs->v[i].namelen);
		if (f == NULL) {
			if (fs->error == NULL) {
				fs->error = xstrdup(MSG_UNKNOWN);
				fs->nerrors++;
			}
			continue;
		}
		if (sent[f - fs->f]++ > 0 &&
		    !(f->spec->flags & FIELD_REPEAT)) {
			field_error(fs, f, MSG_DUPLICATE, label(f));
			continue;
		}
		check_value(fs, f, &pairs->v[i]);
	}
	for (i = 0; i < nspec; i++)
		check_missing(fs, &fs->f[i]);
	free(sent);
	map_release(&names);
	return fs->nerrors > 0 ? -1 : 0;
}

void
fields_release(struct fields *fs)
{
	size_t i, k;

	for (i = 0; i < fs->n; i++) {
		for (k = 0; k < fs->f[i].n; k++)
			free(fs->f[i].v[k].text);
		free(fs->f[i].v);
		free(fs->f[i].error);
	}
	free(fs->f);
	free(fs->error);
	fs->f = NULL;
	fs->n = 0;
	fs->error = NULL;
	fs->nerrors = 0;
}

const struct field *
fields_get(const struct fields *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].spec->name, name) == 0)
			return &fs->f[i];
	return NULL;
}

const char *
fields_text(const struct fields *fs, const char *name)
{
	const struct field *f = fields_get(fs, name);

	if (f == NULL || f->error != NULL || fs->error != NULL)
		return NULL;
	return f->n > 0 ? f->v[0].text : "";
}
