/*
 * test_cgi_fields: cgi/core/fields.c, the check of a form against its
 * table: each type, normalisation, lengths in characters, unknown and
 * repeated fields, files, and the Japanese messages word for word.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fields.h"
#include "multipart.h"
#include "pairs.h"
#include "parse.h"
#include "reader.h"
#include "test.h"
#include "upload.h"
#include "urlencoded.h"

static const char *const kinds[] = { "相談", "申請", "その他", NULL };
static const char *const topics[] = { "子育て", "健康", "仕事", NULL };
static const char *const docs[] = { ".pdf", ".jpg", NULL };

/* A contact form. */
static const struct field_spec form[] = {
	{ .name = "name", .label = "お名前", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max_len = 20 },
	{ .name = "email", .label = "メールアドレス", .type = FIELD_EMAIL,
	  .flags = FIELD_REQUIRED },
	{ .name = "age", .label = "年齢", .type = FIELD_INT, .min = 0,
	  .max = 150 },
	{ .name = "day", .label = "希望日", .type = FIELD_DATE },
	{ .name = "kind", .label = "ご用件", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED, .choices = kinds },
	{ .name = "topic", .label = "関心のある分野", .type = FIELD_CHOICE,
	  .flags = FIELD_REPEAT, .choices = topics },
	{ .name = "body", .label = "お問い合わせ内容",
	  .type = FIELD_MULTILINE, .flags = FIELD_REQUIRED, .min_len = 5,
	  .max_len = 100 },
	{ .name = "agree", .label = "個人情報の取扱いに同意する",
	  .type = FIELD_BOOL, .flags = FIELD_REQUIRED },
	{ .name = "news", .label = "お知らせを受け取る", .type = FIELD_BOOL },
	{ .name = "file", .label = "添付ファイル", .type = FIELD_FILE,
	  .max = 1024 * 1024, .choices = docs },
};
#define NFORM (sizeof(form) / sizeof(form[0]))

/* Pairs from a urlencoded string. */
static void
from(struct pairs *p, const char *s)
{
	pairs_release(p);
	if (urlencoded_parse(p, s, strlen(s), NULL, NULL) != PARSE_OK)
		abort();
}

/* The valid form, with `extra` appended. */
static void
valid(struct pairs *p, const char *extra)
{
	struct buf b = BUF_INIT;

	BUF_PUTSL(&b, "name=%E5%B1%B1%E7%94%B0+%E8%8A%B1%E5%AD%90"
	    "&email=hanako%40example.jp&age=34&day=2025-04-01"
	    "&kind=%E7%9B%B8%E8%AB%87&topic=%E5%AD%90%E8%82%B2%E3%81%A6"
	    "&topic=%E4%BB%95%E4%BA%8B&body=%E3%81%AF%E3%81%98%E3%82%81"
	    "%E3%81%BE%E3%81%97%E3%81%A6%E3%80%82&agree=on");
	buf_puts(&b, extra);
	from(p, b.ptr);
	buf_release(&b);
}

/* The message of one field after validating the pairs against the
 * contact form, or "(none)". */
static const char *
message_of(struct fields *fs, const struct pairs *p, const char *name)
{
	const struct field *f;

	fields_validate(fs, form, NFORM, p);
	f = fields_get(fs, name);
	return f != NULL && f->error != NULL ? f->error : "(none)";
}

/* Validate a one-field table against one urlencoded string. */
static int
one(struct fields *fs, const struct field_spec *spec, const char *in)
{
	struct pairs p = PAIRS_INIT;
	int rc;

	from(&p, in);
	rc = fields_validate(fs, spec, 1, &p);
	pairs_release(&p);
	return rc;
}

/* The message of a one-field table, or "(none)". */
static const char *
one_msg(struct fields *fs, const struct field_spec *spec, const char *in)
{
	one(fs, spec, in);
	return fs->n == 1 && fs->f[0].error != NULL ? fs->f[0].error :
	    "(none)";
}

static void
test_valid(void)
{
	struct fields fs = FIELDS_INIT;
	struct pairs p = PAIRS_INIT;
	const struct field *f;

	valid(&p, "");
	test_cond("valid form passes", fields_validate(&fs, form, NFORM,
	    &p) == 0 && fs.nerrors == 0 && fs.error == NULL);
	test_cond("one result per spec, in order", fs.n == NFORM &&
	    fs.f[0].spec == &form[0] && fs.f[NFORM - 1].spec ==
	    &form[NFORM - 1]);
	test_streq("text", fields_text(&fs, "name"), "山田 花子");
	test_streq("email", fields_text(&fs, "email"), "hanako@example.jp");
	f = fields_get(&fs, "age");
	test_cond("integer", f != NULL && f->n == 1 && f->v[0].num == 34 &&
	    strcmp(f->v[0].text, "34") == 0);
	f = fields_get(&fs, "day");
	test_cond("date as YYYYMMDD", f != NULL && f->n == 1 &&
	    f->v[0].num == 20250401);
	f = fields_get(&fs, "kind");
	test_cond("choice as its index", f != NULL && f->n == 1 &&
	    f->v[0].num == 0);
	f = fields_get(&fs, "topic");
	test_cond("repeated choice, in order", f != NULL && f->n == 2 &&
	    f->v[0].num == 0 && f->v[1].num == 2 &&
	    strcmp(f->v[1].text, "仕事") == 0);
	f = fields_get(&fs, "agree");
	test_cond("checkbox on", f != NULL && f->n == 1 && f->v[0].num == 1);
	f = fields_get(&fs, "news");
	test_cond("checkbox not sent: no value", f != NULL && f->n == 0 &&
	    f->error == NULL);
	test_streq("absent optional field reads as \"\"",
	    fields_text(&fs, "news"), "");
	test_cond("a name not in the table", fields_get(&fs, "nope") ==
	    NULL && fields_text(&fs, "nope") == NULL);

	/* Validating again replaces the result. */
	from(&p, "");
	test_cond("again: empty form fails", fields_validate(&fs, form, NFORM,
	    &p) == -1);
	test_cond("again: five required fields missing", fs.nerrors == 5);
	test_cond("again: nothing is read from a field with an error",
	    fields_text(&fs, "name") == NULL &&
	    fields_text(&fs, "age") != NULL);
	fields_release(&fs);
	fields_release(&fs);
	test_cond("release twice is fine", fs.n == 0 && fs.f == NULL);
	pairs_release(&p);
}

static void
test_required(void)
{
	struct fields fs = FIELDS_INIT;
	struct pairs p = PAIRS_INIT;

	from(&p, "");
	fields_validate(&fs, form, NFORM, &p);
	test_streq("missing text", fields_get(&fs, "name")->error,
	    "「お名前」を入力してください。");
	test_streq("missing email", fields_get(&fs, "email")->error,
	    "「メールアドレス」を入力してください。");
	test_streq("missing choice", fields_get(&fs, "kind")->error,
	    "「ご用件」を選んでください。");
	test_streq("missing multiline", fields_get(&fs, "body")->error,
	    "「お問い合わせ内容」を入力してください。");
	test_streq("unchecked required checkbox",
	    fields_get(&fs, "agree")->error,
	    "「個人情報の取扱いに同意する」にチェックを入れてください。");
	test_cond("optional fields have no error",
	    fields_get(&fs, "age")->error == NULL &&
	    fields_get(&fs, "news")->error == NULL &&
	    fields_get(&fs, "file")->error == NULL);

	valid(&p, "&name=");
	test_streq("a second value, though blank, is a duplicate",
	    message_of(&fs, &p, "name"),
	    "「お名前」が重複して送信されました。ページを読み込み直してから、"
	    "もう一度送信してください。");
	from(&p, "name=+%E3%80%80%09+&email=a%40b.jp&kind=%E7%9B%B8%E8%AB%87"
	    "&body=12345&agree=on");
	test_streq("spaces, TAB and U+3000 only are missing",
	    message_of(&fs, &p, "name"), "「お名前」を入力してください。");
	from(&p, "name=x&email=a%40b.jp&kind=&body=12345&agree=on");
	test_streq("empty choice (\"選択してください\") is missing",
	    message_of(&fs, &p, "kind"), "「ご用件」を選んでください。");
	from(&p, "name=x&email=a%40b.jp&kind=%E7%9B%B8%E8%AB%87"
	    "&body=%0D%0A%0D%0A&agree=on");
	test_streq("only line breaks are missing",
	    message_of(&fs, &p, "body"),
	    "「お問い合わせ内容」を入力してください。");
	from(&p, "name=x&email=a%40b.jp&kind=%E7%9B%B8%E8%AB%87&body=12345"
	    "&agree=on&age=&day=+");
	test_cond("blank optional fields: no value, no error",
	    fields_validate(&fs, form, NFORM, &p) == 0 &&
	    fields_get(&fs, "age")->n == 0 && fields_get(&fs, "day")->n == 0);
	fields_release(&fs);
	pairs_release(&p);
}

static void
test_unknown_and_repeats(void)
{
	struct fields fs = FIELDS_INIT;
	struct pairs p = PAIRS_INIT;
	const struct field *f;

	valid(&p, "&admin=1&role=x");
	test_cond("unknown field fails the form",
	    fields_validate(&fs, form, NFORM, &p) == -1);
	test_streq("unknown field: one message for the form", fs.error,
	    "このフォームにない項目が送信されました。"
	    "ページを読み込み直してから、もう一度送信してください。");
	test_cond("unknown field: counted once", fs.nerrors == 1);
	test_cond("unknown field: no field is read",
	    fields_text(&fs, "name") == NULL);
	test_cond("unknown field: values kept for showing the form",
	    strcmp(fields_get(&fs, "name")->v[0].text, "山田 花子") == 0);

	valid(&p, "&email=other%40example.jp");
	test_streq("duplicate refused", message_of(&fs, &p, "email"),
	    "「メールアドレス」が重複して送信されました。"
	    "ページを読み込み直してから、もう一度送信してください。");
	f = fields_get(&fs, "email");
	test_cond("duplicate: the first value is kept", f->n == 1 &&
	    strcmp(f->v[0].text, "hanako@example.jp") == 0);
	valid(&p, "&agree=on");
	test_cond("duplicate checkbox refused",
	    fields_validate(&fs, form, NFORM, &p) == -1 &&
	    fields_get(&fs, "agree")->error != NULL);
	valid(&p, "&topic=%E5%81%A5%E5%BA%B7");
	test_cond("FIELD_REPEAT takes a third value",
	    fields_validate(&fs, form, NFORM, &p) == 0 &&
	    fields_get(&fs, "topic")->n == 3);
	valid(&p, "&topic=%E9%81%8A%E3%81%B3");
	test_streq("a bad repeat value", message_of(&fs, &p, "topic"),
	    "「関心のある分野」は選択肢の中から選んでください。");
	fields_release(&fs);
	pairs_release(&p);
}

static void
test_text(void)
{
	static const struct field_spec name[] = { { .name = "n",
	    .label = "お名前", .type = FIELD_TEXT, .max_len = 5,
	    .min_len = 2 } };
	static const struct field_spec dflt[] = { { .name = "n",
	    .label = "件名", .type = FIELD_TEXT } };
	static const struct field_spec memo[] = { { .name = "m",
	    .label = "ご意見", .type = FIELD_MULTILINE, .max_len = 6 } };
	static const struct field_spec dfltm[] = { { .name = "m",
	    .label = "ご意見", .type = FIELD_MULTILINE } };
	struct fields fs = FIELDS_INIT;
	struct pairs p = PAIRS_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	/* Characters, not bytes: five kanji are fifteen bytes. */
	test_cond("5 kanji in 5 characters",
	    one(&fs, name, "n=%E6%97%A5%E6%9C%AC%E8%AA%9E%E6%96%87%E5%AD%97") ==
	    0);
	test_streq("6 kanji are too long", one_msg(&fs, name,
	    "n=%E6%97%A5%E6%9C%AC%E8%AA%9E%E6%96%87%E5%AD%97%E5%88%97"),
	    "「お名前」は5文字以内で入力してください。");
	test_cond("4-byte characters count one each",
	    one(&fs, name, "n=%F0%A0%AE%B7%F0%A0%AE%B7%F0%A0%AE%B7%F0%A0%AE%B7"
	    "%F0%A0%AE%B7") == 0);
	test_streq("too short", one_msg(&fs, name, "n=a"),
	    "「お名前」は2文字以上で入力してください。");
	test_cond("spaces kept as typed", one(&fs, name, "n=+ab+") == 0 &&
	    strcmp(fields_text(&fs, "n"), " ab ") == 0);
	test_cond("TAB allowed in a line", one(&fs, name, "n=a%09b") == 0);
	test_streq("line break refused in a line", one_msg(&fs, name,
	    "n=a%0Ab"), "「お名前」には改行を入れられません。");
	test_streq("CR refused in a line", one_msg(&fs, name, "n=a%0Db"),
	    "「お名前」には改行を入れられません。");
	test_cond("full-width text not folded",
	    one(&fs, name, "n=%EF%BC%A1%EF%BC%A2") == 0 &&
	    strcmp(fields_text(&fs, "n"), "ＡＢ") == 0);
	test_cond("half-width kana not folded",
	    one(&fs, name, "n=%EF%BD%B6%EF%BE%9E") == 0 &&
	    strcmp(fields_text(&fs, "n"), "ｶﾞ") == 0);

	for (i = 0; i < FIELD_TEXT_MAXLEN; i++)
		BUF_PUTSL(&b, "%E3%81%82");
	{
		struct buf in = BUF_INIT;

		BUF_PUTSL(&in, "n=");
		buf_addbuf(&in, &b);
		test_cond("default text max_len: 200 characters",
		    one(&fs, dflt, in.ptr) == 0);
		BUF_PUTSL(&in, "a");
		test_streq("default text max_len: 201", one_msg(&fs, dflt,
		    in.ptr), "「件名」は200文字以内で入力してください。");
		buf_release(&in);
	}

	/* Multiline: CRLF and CR become LF, then the length is counted. */
	test_cond("CRLF becomes LF", one(&fs, memo, "m=a%0D%0Ab%0D%0Ac") ==
	    0 && strcmp(fields_text(&fs, "m"), "a\nb\nc") == 0);
	test_cond("lone CR becomes LF", one(&fs, memo, "m=a%0Db%0A%0Dc") ==
	    0 && strcmp(fields_text(&fs, "m"), "a\nb\n\nc") == 0);
	test_cond("CRLF counts one character: 6 with three breaks",
	    one(&fs, memo, "m=a%0D%0Ab%0D%0Ac%0D%0A") == 0);
	test_streq("7 characters", one_msg(&fs, memo,
	    "m=a%0D%0Ab%0D%0Ac%0D%0Ad"),
	    "「ご意見」は6文字以内で入力してください。");
	test_cond("leading and trailing white space kept",
	    one(&fs, memo, "m=%0D%0A++x++") == 0 &&
	    strcmp(fields_text(&fs, "m"), "\n  x  ") == 0);
	buf_reset(&b);
	BUF_PUTSL(&b, "m=");
	for (i = 0; i < 10000; i++)
		BUF_PUTSL(&b, "a");
	test_streq("default multiline max_len, with a separator",
	    one_msg(&fs, dfltm, b.ptr),
	    "「ご意見」は2,000文字以内で入力してください。");

	/* Characters that are not text. */
	pairs_add(&p, "n", 1, "\x8e\x52\x93\x63", 4);	/* 山田 in Shift_JIS */
	test_cond("Shift_JIS refused", fields_validate(&fs, name, 1, &p) ==
	    -1);
	test_streq("Shift_JIS: message", fs.f[0].error,
	    "「お名前」に使用できない文字が含まれています。");
	test_cond("Shift_JIS: the bytes are not kept", fs.f[0].n == 0);
	pairs_release(&p);
	pairs_add(&p, "m", 1, "a\0b", 3);
	test_streq("NUL refused", (fields_validate(&fs, memo, 1, &p),
	    fs.f[0].error), "「ご意見」に使用できない文字が含まれています。");
	pairs_release(&p);
	pairs_add(&p, "m", 1, "a\x1b[0m", 5);
	test_cond("ESC refused", fields_validate(&fs, memo, 1, &p) == -1);
	pairs_release(&p);
	pairs_add(&p, "m", 1, "\xed\xa0\x80", 3);
	test_cond("surrogate refused", fields_validate(&fs, memo, 1, &p) ==
	    -1);
	pairs_release(&p);
	fields_release(&fs);
	buf_release(&b);
}

static void
test_int(void)
{
	static const struct field_spec age[] = { { .name = "a",
	    .label = "年齢", .type = FIELD_INT, .min = 0, .max = 150 } };
	static const struct field_spec any[] = { { .name = "a",
	    .label = "件数", .type = FIELD_INT } };
	static const struct field_spec low[] = { { .name = "a",
	    .label = "人数", .type = FIELD_INT, .min = 1,
	    .max = LLONG_MAX } };
	static const struct field_spec high[] = { { .name = "a",
	    .label = "気温", .type = FIELD_INT, .min = LLONG_MIN,
	    .max = 40 } };
	struct fields fs = FIELDS_INIT;

	test_cond("0", one(&fs, age, "a=0") == 0 &&
	    fs.f[0].v[0].num == 0);
	test_cond("150", one(&fs, age, "a=150") == 0 &&
	    fs.f[0].v[0].num == 150);
	test_cond("leading zeros", one(&fs, age, "a=007") == 0 &&
	    fs.f[0].v[0].num == 7);
	test_cond("full-width digits", one(&fs, age, "a=%EF%BC%93%EF%BC%94") ==
	    0 && fs.f[0].v[0].num == 34 &&
	    strcmp(fs.f[0].v[0].text, "34") == 0);
	test_cond("spaces and U+3000 around dropped",
	    one(&fs, age, "a=+%E3%80%8034%09") == 0 && fs.f[0].v[0].num == 34);
	test_streq("151", one_msg(&fs, age, "a=151"),
	    "「年齢」は0から150までの数を入力してください。");
	test_streq("-1", one_msg(&fs, age, "a=-1"),
	    "「年齢」は0から150までの数を入力してください。");
	test_streq("not a number", one_msg(&fs, age, "a=abc"),
	    "「年齢」は数字（整数）で入力してください。");
	test_streq("decimal", one_msg(&fs, age, "a=1.5"),
	    "「年齢」は数字（整数）で入力してください。");
	test_streq("thousands separator", one_msg(&fs, age, "a=1%2C000"),
	    "「年齢」は数字（整数）で入力してください。");
	test_streq("plus sign", one_msg(&fs, age, "a=%2B1"),
	    "「年齢」は数字（整数）で入力してください。");
	test_streq("lone minus", one_msg(&fs, age, "a=-"),
	    "「年齢」は数字（整数）で入力してください。");
	test_streq("space inside", one_msg(&fs, age, "a=1+2"),
	    "「年齢」は数字（整数）で入力してください。");
	test_streq("19 digits in a range", one_msg(&fs, age,
	    "a=1000000000000000000"),
	    "「年齢」は0から150までの数を入力してください。");
	test_cond("18 digits, no range", one(&fs, any,
	    "a=-999999999999999999") == 0 &&
	    fs.f[0].v[0].num == -999999999999999999LL);
	test_streq("19 digits, no range", one_msg(&fs, any,
	    "a=9999999999999999999"),
	    "「件数」は18桁以内の数で入力してください。");
	test_streq("open above", one_msg(&fs, low, "a=0"),
	    "「人数」は1以上の数を入力してください。");
	test_cond("open above: large", one(&fs, low, "a=123456789012") == 0);
	test_streq("open below", one_msg(&fs, high, "a=41"),
	    "「気温」は40以下の数を入力してください。");
	test_cond("open below: negative", one(&fs, high, "a=-30") == 0 &&
	    fs.f[0].v[0].num == -30);
	fields_release(&fs);
}

static void
test_email(void)
{
	static const struct field_spec mail[] = { { .name = "e",
	    .label = "メールアドレス", .type = FIELD_EMAIL } };
	static const char *good[] = {
		"hanako@example.jp",
		"taro.yamada+form@mail.city.example.lg.jp",
		"taro..x.@docomo.ne.jp",	/* carriers once allowed it */
		".dot@ezweb.ne.jp",
		"a!#$%&'*/=?^_`{|}~-@x-y.example",
		"x@a1.b2",
		NULL
	};
	static const char *badv[] = {
		"hanako", "@example.jp", "hanako@", "a@b", "a@@b.jp",
		"a@b@c.jp", "a b@c.jp", "a@-b.jp", "a@b-.jp", "a@b..jp",
		"a@.b.jp", "a@b.jp.", "a@b_c.jp", "(a)@b.jp", "a@b.jp>",
		"\"a\"@b.jp", NULL
	};
	struct fields fs = FIELDS_INIT;
	struct pairs p = PAIRS_INIT;
	struct buf in = BUF_INIT;
	size_t i;
	int ok;

	for (i = 0, ok = 1; good[i] != NULL; i++) {
		pairs_release(&p);
		pairs_add(&p, "e", 1, good[i], strlen(good[i]));
		if (fields_validate(&fs, mail, 1, &p) != 0 ||
		    strcmp(fields_text(&fs, "e"), good[i]) != 0) {
			ok = 0;
			fprintf(stderr, "  refused: %s\n", good[i]);
		}
	}
	test_cond("good addresses pass", ok);
	for (i = 0, ok = 1; badv[i] != NULL; i++) {
		pairs_release(&p);
		pairs_add(&p, "e", 1, badv[i], strlen(badv[i]));
		if (fields_validate(&fs, mail, 1, &p) != -1 ||
		    strcmp(fs.f[0].error, "「メールアドレス」の形式が"
		    "正しくありません。name@example.jp のように入力して"
		    "ください。") != 0) {
			ok = 0;
			fprintf(stderr, "  passed: %s\n", badv[i]);
		}
	}
	test_cond("bad addresses refused with the message", ok);
	test_cond("full-width address folded", one(&fs, mail,
	    "e=%EF%BD%88%EF%BD%81%EF%BD%8E%EF%BC%A0%EF%BD%85%EF%BC%8E"
	    "%EF%BD%8A%EF%BD%90") == 0 &&
	    strcmp(fields_text(&fs, "e"), "han@e.jp") == 0);
	test_cond("spaces around dropped", one(&fs, mail,
	    "e=++a%40b.jp%E3%80%80") == 0 &&
	    strcmp(fields_text(&fs, "e"), "a@b.jp") == 0);
	test_cond("case kept", one(&fs, mail, "e=Taro%40Example.JP") == 0 &&
	    strcmp(fields_text(&fs, "e"), "Taro@Example.JP") == 0);
	test_streq("Japanese domain refused",
	    one_msg(&fs, mail, "e=a%40%E4%BE%8B.jp"),
	    "「メールアドレス」の形式が正しくありません。"
	    "name@example.jp のように入力してください。");

	/* Lengths: 64 bytes of local part, 63 of a label, 254 in all. */
	buf_reset(&in);
	BUF_PUTSL(&in, "e=");
	for (i = 0; i < 64; i++)
		buf_putc(&in, 'a');
	BUF_PUTSL(&in, "%40b.jp");
	test_cond("local part of 64", one(&fs, mail, in.ptr) == 0);
	buf_reset(&in);
	BUF_PUTSL(&in, "e=");
	for (i = 0; i < 65; i++)
		buf_putc(&in, 'a');
	BUF_PUTSL(&in, "%40b.jp");
	test_cond("local part of 65", one(&fs, mail, in.ptr) == -1);
	buf_reset(&in);
	BUF_PUTSL(&in, "e=a%40");
	for (i = 0; i < 63; i++)
		buf_putc(&in, 'b');
	BUF_PUTSL(&in, ".jp");
	test_cond("label of 63", one(&fs, mail, in.ptr) == 0);
	buf_reset(&in);
	BUF_PUTSL(&in, "e=a%40");
	for (i = 0; i < 64; i++)
		buf_putc(&in, 'b');
	BUF_PUTSL(&in, ".jp");
	test_cond("label of 64", one(&fs, mail, in.ptr) == -1);
	buf_reset(&in);
	BUF_PUTSL(&in, "e=a%40");
	for (i = 0; i < 50; i++)
		BUF_PUTSL(&in, "bcd.");
	BUF_PUTSL(&in, "example.j");	/* 2 + 200 + 9 = 211 */
	while (in.len - 4 < 254)
		BUF_PUTSL(&in, "p");
	test_cond("254 characters", one(&fs, mail, in.ptr) == 0);
	BUF_PUTSL(&in, "p");
	test_streq("255 characters", one_msg(&fs, mail, in.ptr),
	    "「メールアドレス」は254文字以内で入力してください。");
	pairs_release(&p);
	buf_release(&in);
	fields_release(&fs);
}

static void
test_date(void)
{
	static const struct field_spec day[] = { { .name = "d",
	    .label = "希望日", .type = FIELD_DATE } };
	static const struct field_spec year[] = { { .name = "d",
	    .label = "希望日", .type = FIELD_DATE, .min = 20250401,
	    .max = 20260331 } };
	static const struct field_spec after[] = { { .name = "d",
	    .label = "出産予定日", .type = FIELD_DATE, .min = 20250101,
	    .max = LLONG_MAX } };
	static const struct field_spec before[] = { { .name = "d",
	    .label = "生年月日", .type = FIELD_DATE, .min = LLONG_MIN,
	    .max = 20251231 } };
	static const char *badv[] = { "2025-02-29", "1900-02-29",
	    "2025-13-01", "2025-00-10", "2025-04-31", "2025-04-00",
	    "25-04-01", "02025-04-01", "2025-04-01x", "2025-4/1",
	    "2025.04.01", "2025-001-01", "0000-01-01", "令和7年4月1日",
	    "2025-04-", "2025--01", "20250401", NULL };
	struct fields fs = FIELDS_INIT;
	size_t i;
	int ok;

	test_cond("2025-04-01", one(&fs, day, "d=2025-04-01") == 0 &&
	    fs.f[0].v[0].num == 20250401 &&
	    strcmp(fields_text(&fs, "d"), "2025-04-01") == 0);
	test_cond("2025/4/1 written 2025-04-01", one(&fs, day, "d=2025/4/1") ==
	    0 && strcmp(fields_text(&fs, "d"), "2025-04-01") == 0);
	test_cond("2025-4-1", one(&fs, day, "d=2025-4-1") == 0 &&
	    fs.f[0].v[0].num == 20250401);
	test_cond("full-width ２０２５－０４－０１",
	    one(&fs, day, "d=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95%EF%BC%8D"
	    "%EF%BC%90%EF%BC%94%EF%BC%8D%EF%BC%90%EF%BC%91") == 0 &&
	    strcmp(fields_text(&fs, "d"), "2025-04-01") == 0);
	test_cond("leap day 2024", one(&fs, day, "d=2024-02-29") == 0);
	test_cond("leap day 2000", one(&fs, day, "d=2000-02-29") == 0);
	test_cond("12-31", one(&fs, day, "d=9999-12-31") == 0 &&
	    fs.f[0].v[0].num == 99991231);
	for (i = 0, ok = 1; badv[i] != NULL; i++) {
		struct pairs p = PAIRS_INIT;

		pairs_add(&p, "d", 1, badv[i], strlen(badv[i]));
		if (fields_validate(&fs, day, 1, &p) != -1 ||
		    strcmp(fs.f[0].error, "「希望日」は、2025-04-01 のように"
		    "正しい日付を入力してください。") != 0) {
			ok = 0;
			fprintf(stderr, "  passed: %s\n", badv[i]);
		}
		pairs_release(&p);
	}
	test_cond("days not of the calendar refused with the message", ok);
	test_cond("range: first day", one(&fs, year, "d=2025-04-01") == 0);
	test_cond("range: last day", one(&fs, year, "d=2026-03-31") == 0);
	test_streq("range: before", one_msg(&fs, year, "d=2025-03-31"),
	    "「希望日」は2025年4月1日から2026年3月31日までの日付を"
	    "入力してください。");
	test_streq("range: after", one_msg(&fs, year, "d=2026-04-01"),
	    "「希望日」は2025年4月1日から2026年3月31日までの日付を"
	    "入力してください。");
	test_streq("open after", one_msg(&fs, after, "d=2024-12-31"),
	    "「出産予定日」は2025年1月1日以降の日付を入力してください。");
	test_streq("open before", one_msg(&fs, before, "d=2026-01-01"),
	    "「生年月日」は2025年12月31日以前の日付を入力してください。");
	fields_release(&fs);
}

static void
test_bool_choice(void)
{
	static const struct field_spec agree[] = { { .name = "c",
	    .label = "同意する", .type = FIELD_BOOL } };
	static const struct field_spec kind[] = { { .name = "k",
	    .label = "ご用件", .type = FIELD_CHOICE, .choices = kinds } };
	struct fields fs = FIELDS_INIT;

	test_cond("checkbox \"on\"", one(&fs, agree, "c=on") == 0 &&
	    fs.f[0].v[0].num == 1);
	test_cond("checkbox \"1\"", one(&fs, agree, "c=1") == 0 &&
	    fs.f[0].v[0].num == 1);
	test_streq("checkbox \"yes\"", one_msg(&fs, agree, "c=yes"),
	    "「同意する」の送信内容が正しくありません。"
	    "ページを読み込み直してから、もう一度送信してください。");
	test_cond("checkbox \"ON\" refused", one(&fs, agree, "c=ON") == -1);
	test_cond("choice: the third", one(&fs, kind,
	    "k=%E3%81%9D%E3%81%AE%E4%BB%96") == 0 && fs.f[0].v[0].num == 2);
	test_streq("choice: not in the list", one_msg(&fs, kind, "k=x"),
	    "「ご用件」は選択肢の中から選んでください。");
	test_streq("choice: not trimmed", one_msg(&fs, kind,
	    "k=%E7%9B%B8%E8%AB%87+"),
	    "「ご用件」は選択肢の中から選んでください。");
	fields_release(&fs);
}

/* A pair holding an upload of n bytes. */
static void
add_file(struct pairs *p, const char *name, const char *filename,
    size_t n, int too_large)
{
	struct upload *u = upload_new(64, 1 << 20, NULL);
	size_t i;

	free(u->filename);
	u->filename = xstrdup(filename);
	for (i = 0; i < n; i++)
		upload_write(u, "x", 1);
	if (too_large) {
		u->too_large = 1;
		buf_release(&u->mem);
	}
	upload_finish(u);
	pairs_take(p, xstrdup(name), strlen(name), xstrdup(""), 0, u);
}

static void
test_file(void)
{
	static const struct field_spec att[] = { { .name = "f",
	    .label = "添付ファイル", .type = FIELD_FILE, .max = 1000,
	    .choices = docs } };
	static const struct field_spec req[] = { { .name = "f",
	    .label = "申請書", .type = FIELD_FILE, .flags = FIELD_REQUIRED } };
	static const struct field_spec big[] = { { .name = "f",
	    .label = "写真", .type = FIELD_FILE, .max = 3 * 1024 * 1024 } };
	static const struct field_spec txt[] = { { .name = "f",
	    .label = "備考", .type = FIELD_TEXT } };
	struct fields fs = FIELDS_INIT;
	struct pairs p = PAIRS_INIT;

	add_file(&p, "f", "申請書.pdf", 100, 0);
	test_cond("a PDF", fields_validate(&fs, att, 1, &p) == 0 &&
	    fs.f[0].n == 1 && fs.f[0].v[0].file == p.v[0].file &&
	    strcmp(fs.f[0].v[0].text, "申請書.pdf") == 0);
	pairs_release(&p);
	add_file(&p, "f", "PHOTO.JPG", 1000, 0);
	test_cond("ending in any case, size exactly max",
	    fields_validate(&fs, att, 1, &p) == 0);
	pairs_release(&p);
	add_file(&p, "f", "a.pdf", 1001, 0);
	test_streq("one byte over max", (fields_validate(&fs, att, 1, &p),
	    fs.f[0].error), "「添付ファイル」は1,000バイト以下のファイルを"
	    "選んでください。");
	pairs_release(&p);
	add_file(&p, "f", "a.jpg", 10, 1);
	test_streq("dropped by the parser, max in MB",
	    (fields_validate(&fs, big, 1, &p), fs.f[0].error),
	    "「写真」は3MB以下のファイルを選んでください。");
	pairs_release(&p);
	add_file(&p, "f", "a.jpg", 10, 1);
	test_streq("dropped by the parser, no max",
	    (fields_validate(&fs, req, 1, &p), fs.f[0].error),
	    "「申請書」のファイルが大きすぎます。");
	pairs_release(&p);
	add_file(&p, "f", "a.exe", 10, 0);
	test_streq("wrong type", (fields_validate(&fs, att, 1, &p),
	    fs.f[0].error), "「添付ファイル」はPDF・JPG形式のファイルを"
	    "選んでください。");
	pairs_release(&p);
	add_file(&p, "f", "pdf", 10, 0);
	test_cond("a name that is only the ending's letters",
	    fields_validate(&fs, att, 1, &p) == -1);
	pairs_release(&p);
	add_file(&p, "f", "a.pdf", 0, 0);
	test_streq("empty file", (fields_validate(&fs, att, 1, &p),
	    fs.f[0].error), "「添付ファイル」のファイルが空です。"
	    "中身のあるファイルを選んでください。");
	pairs_release(&p);
	add_file(&p, "f", "", 0, 0);
	test_cond("no file chosen, optional: no value",
	    fields_validate(&fs, att, 1, &p) == 0 && fs.f[0].n == 0);
	test_streq("no file chosen, required",
	    (fields_validate(&fs, req, 1, &p), fs.f[0].error),
	    "「申請書」のファイルを選んでください。");
	pairs_release(&p);
	pairs_add(&p, "f", 1, "a.pdf", 5);
	test_streq("text sent for a file", (fields_validate(&fs, att, 1, &p),
	    fs.f[0].error), "「添付ファイル」の送信内容が正しくありません。"
	    "ページを読み込み直してから、もう一度送信してください。");
	pairs_release(&p);
	add_file(&p, "f", "a.txt", 3, 0);
	test_streq("file sent for a text", (fields_validate(&fs, txt, 1, &p),
	    fs.f[0].error), "「備考」の送信内容が正しくありません。"
	    "ページを読み込み直してから、もう一度送信してください。");
	pairs_release(&p);
	add_file(&p, "f", "a.pdf", 3, 0);
	add_file(&p, "f", "b.pdf", 3, 0);
	test_cond("two files for one input", fields_validate(&fs, att, 1,
	    &p) == -1 && fs.f[0].n == 1);
	pairs_release(&p);
	fields_release(&fs);
}

/* From a browser's body to the fields a handler reads. */
static void
test_end_to_end(void)
{
	static const char body[] =
	    "------WebKitFormBoundaryQ1\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
	    "山田 花子\r\n"
	    "------WebKitFormBoundaryQ1\r\n"
	    "Content-Disposition: form-data; name=\"email\"\r\n\r\n"
	    "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ\r\n"
	    "------WebKitFormBoundaryQ1\r\n"
	    "Content-Disposition: form-data; name=\"kind\"\r\n\r\n"
	    "申請\r\n"
	    "------WebKitFormBoundaryQ1\r\n"
	    "Content-Disposition: form-data; name=\"body\"\r\n\r\n"
	    "一行目\r\n二行目\r\n"
	    "------WebKitFormBoundaryQ1\r\n"
	    "Content-Disposition: form-data; name=\"agree\"\r\n\r\n"
	    "on\r\n"
	    "------WebKitFormBoundaryQ1\r\n"
	    "Content-Disposition: form-data; name=\"file\"; "
	    "filename=\"計画書.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n\r\n"
	    "%PDF-1.7 ...\r\n"
	    "------WebKitFormBoundaryQ1--\r\n";
	static const char ct[] = "multipart/form-data; "
	    "boundary=----WebKitFormBoundaryQ1";
	struct fields fs = FIELDS_INIT;
	struct pairs p = PAIRS_INIT;
	struct buf b = BUF_INIT;
	struct reader r = reader_of(body, sizeof(body) - 1, 1, 0);
	const struct field *f;

	test_cond("end to end: boundary", multipart_boundary(ct,
	    sizeof(ct) - 1, &b) == 0);
	test_cond("end to end: body in 1-byte reads", multipart_read(&p,
	    b.ptr, b.len, reader_read, &r, NULL, NULL) == PARSE_OK);
	test_cond("end to end: valid", fields_validate(&fs, form, NFORM,
	    &p) == 0);
	test_streq("end to end: email folded", fields_text(&fs, "email"),
	    "hanako@example.jp");
	test_streq("end to end: body with LF", fields_text(&fs, "body"),
	    "一行目\n二行目");
	f = fields_get(&fs, "file");
	test_cond("end to end: the file", f != NULL && f->n == 1 &&
	    f->v[0].file->size == 12 &&
	    strcmp(f->v[0].file->type, "application/pdf") == 0);
	fields_release(&fs);
	pairs_release(&p);
	buf_release(&b);
}

int
main(void)
{
	test_valid();
	test_required();
	test_unknown_and_repeats();
	test_text();
	test_int();
	test_email();
	test_date();
	test_bool_choice();
	test_file();
	test_end_to_end();
	return test_done();
}
