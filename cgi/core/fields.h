/*
 * fields: the fields a route accepts, and the check of what was sent
 * against them.
 *
 * A route declares a table of `struct field_spec`, one per input of its
 * form, and passes the parsed pairs (urlencoded.h, multipart.h) to
 * fields_validate().  Every pair must belong to the table, every field
 * of the table must be well-formed, and the result holds, per field, the
 * normalised values and, when something is wrong, one message in
 * Japanese for the person filling in the form, naming the field by its
 * label, to show next to the input:
 *
 *     「メールアドレス」は254文字以内で入力してください。
 *
 * A handler reads only fields that passed (fields_text() returns NULL
 * for any other); the values of a field with an error are kept, so that
 * the form can be shown again as it was filled in (escaped at output).
 *
 * What is checked, in order, for each pair:
 *
 *   - its name is in the table (else one message for the whole form, in
 *     `error`: a stale page or a forged request, not a typing mistake);
 *   - it is not a second value of a field without FIELD_REPEAT;
 *   - it is a file for FIELD_FILE and text for the others;
 *   - its text keeps the rule of parse.h: UTF-8 (Shift_JIS and other
 *     encodings are refused), no control character but TAB, LF and CR;
 *     FIELD_TEXT, a single line, takes no CR or LF either;
 *   - it is normalised (below); a value that is then blank (empty, or
 *     only spaces, TABs, line breaks and U+3000) counts as not sent;
 *   - its type's own rule and the spec's limits.
 * Then a FIELD_REQUIRED field with no value is reported as missing.
 *
 * Normalisation, the only changes made to what was typed:
 *
 *   FIELD_MULTILINE      CRLF and a lone CR become LF (what a browser
 *                        counts for a <textarea>'s maxlength).
 *   FIELD_INT, FIELD_EMAIL, FIELD_DATE
 *                        full-width ASCII becomes ASCII and U+3000 a space
 *                        (jtext JTEXT_FULLASCII: ２０２５－０４－０１),
 *                        then spaces and TABs at both ends are dropped:
 *                        these fields demand a form, and the width or a
 *                        stray space of an IME is no mistake of meaning.
 *   FIELD_DATE           "2025/4/1" and "2025-4-1" are written
 *                        "2025-04-01".
 * Nothing else is trimmed or changed: FIELD_TEXT and FIELD_MULTILINE
 * keep their spaces, and no field is folded to other kana or case.
 *
 * Lengths are in characters (Unicode code points) of the normalised
 * text, not bytes.  A browser's maxlength counts UTF-16 units, so it
 * never lets through more than this allows.
 */
#ifndef KK_FIELDS_H
#define KK_FIELDS_H

#include <stddef.h>

struct pairs;
struct upload;

enum field_type {
	FIELD_TEXT,		/* one line: <input type="text"> */
	FIELD_MULTILINE,	/* <textarea> */
	FIELD_INT,		/* -?[0-9]{1,18}, between min and max */
	FIELD_EMAIL,		/* an address mail can be sent to */
	FIELD_DATE,		/* YYYY-MM-DD, a day of the calendar */
	FIELD_BOOL,		/* a checkbox: "on" (or "1") when checked */
	FIELD_CHOICE,		/* one of `choices`: radio buttons, <select> */
	FIELD_FILE,		/* <input type="file"> */
	FIELD__MAX
};

#define FIELD_REQUIRED	0x1u	/* must be sent, not blank (or checked) */
#define FIELD_REPEAT	0x2u	/* may be sent more than once */

/* Defaults for a max_len left 0, in characters. */
#define FIELD_TEXT_MAXLEN	200
#define FIELD_MULTILINE_MAXLEN	2000
#define FIELD_EMAIL_MAXLEN	254	/* RFC 5321's longest path, less <> */
/* Digits of a FIELD_INT: any such number fits a long long. */
#define FIELD_INT_DIGITS	18

/*
 * One input of a form.  Usually written with designated initializers:
 *
 *     { .name = "email", .label = "メールアドレス", .type = FIELD_EMAIL,
 *       .flags = FIELD_REQUIRED },
 *
 * min_len and max_len bound FIELD_TEXT, FIELD_MULTILINE and FIELD_EMAIL
 * in characters (max_len 0: the defaults above; an email is never
 * longer than 254).  min and max bound a FIELD_INT (both 0: any number
 * of at most 18 digits; LLONG_MIN or LLONG_MAX leaves a side open), a
 * FIELD_DATE as numbers YYYYMMDD (20250401; both 0: any day), and max
 * the bytes of a FIELD_FILE (0: only the multipart limit).  `choices`,
 * a NULL-terminated list, holds the values a FIELD_CHOICE may take, and
 * for a FIELD_FILE the endings its filename may have (".pdf"; compared
 * without case), or is NULL for any.
 */
struct field_spec {
	const char		*name;	/* the name attribute of the input */
	const char		*label;	/* its label, in the messages */
	enum field_type		 type;
	unsigned		 flags;
	size_t			 min_len;
	size_t			 max_len;
	long long		 min;
	long long		 max;
	const char *const	*choices;
};

struct field_value {
	char			*text;	/* normalised, NUL-terminated */
	size_t			 len;	/* bytes */
	/* FIELD_INT: the number; FIELD_DATE: YYYYMMDD; FIELD_CHOICE: the
	 * index in choices; FIELD_BOOL: 1. */
	long long		 num;
	const struct upload	*file;	/* FIELD_FILE, owned by the pairs */
};

struct field {
	const struct field_spec	*spec;
	struct field_value	*v;	/* the values sent, not blank */
	size_t			 n;	/* 0, 1, or more with FIELD_REPEAT */
	char			*error;	/* the first problem, or NULL */
};

struct fields {
	struct field		*f;	/* one per spec, in the table's order */
	size_t			 n;
	char			*error;	/* about the whole form, or NULL */
	size_t			 nerrors; /* fields with an error, + error */
};

#define FIELDS_INIT { NULL, 0, NULL, 0 }

/*
 * Check the pairs against the table spec[0..nspec) (names unique).
 * Returns 0 when every field passed, -1 otherwise.  `fs` is emptied
 * first; the result refers to the table and to the uploads of the pairs,
 * which must outlive it.
 */
int			 fields_validate(struct fields *fs,
			    const struct field_spec *spec, size_t nspec,
			    const struct pairs *);
void			 fields_release(struct fields *);

/* The field of that name, or NULL when the table has none. */
const struct field	*fields_get(const struct fields *, const char *name);

/*
 * The text of the field's first value when the field passed ("" when it
 * passed without a value); NULL when it has an error, when the form as
 * a whole was refused (`error`), or when the table has no such field.
 */
const char		*fields_text(const struct fields *, const char *name);

#endif
