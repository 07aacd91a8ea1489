/*
 * parse: what the request parsers (urlencoded, cookie, multipart) share:
 * the read callback a body comes through, the ways parsing can fail, and
 * the rule for the text a name or a value may hold.
 *
 * Every parser returns an `enum parse_err`.  The caller turns it into an
 * HTTP status with parse_err_status(), logs parse_err_str() (with the
 * parser's own message, when it wrote one), and shows the person who
 * sent the form parse_err_message(), which is Japanese.
 *
 * A parser that fails leaves its output as it was before the call:
 * nothing is ever half-parsed.
 */
#ifndef KK_PARSE_H
#define KK_PARSE_H

#include <stddef.h>
#include <sys/types.h>

struct buf;

/*
 * A body is read through a callback, as read(2) does: it stores up to
 * `len` bytes at `buf` and returns how many (at least 1), 0 at the end of
 * the body, or -1 on an error.  It may return fewer bytes than asked for
 * at any time; the parsers do not care how the body is cut.  With
 * libfcgi it is a wrapper of FCGX_GetStr(); in tests it hands out a
 * string a few bytes at a time.
 */
typedef ssize_t (*parse_read_fn)(void *arg, void *buf, size_t len);

enum parse_err {
	PARSE_OK = 0,
	PARSE_MALFORMED,	/* syntax: a bad %XX, no closing boundary */
	PARSE_ENCODING,		/* not UTF-8, or a control character */
	PARSE_TOO_LARGE,	/* the whole input is over its limit */
	PARSE_TOO_MANY,		/* more fields, parts or header lines */
	PARSE_TOO_LONG,		/* one name, value or header line too long */
	PARSE_IO,		/* the read callback or a temporary file */
	PARSE__MAX
};

/* The HTTP status to answer with: 400, 413 or 500 (200 for PARSE_OK). */
int		 parse_err_status(enum parse_err);
/* A short English description for the log: "malformed input". */
const char	*parse_err_str(enum parse_err);
/* A sentence in Japanese for the page that answers the request. */
const char	*parse_err_message(enum parse_err);

/*
 * The text rule.  A name is valid UTF-8 with no control character
 * (U+0000-U+001F, U+007F).  A value is valid UTF-8 with no control
 * character but TAB, LF and CR, which a <textarea> sends.  Both return 1
 * when the text keeps the rule.  Neither looks at length.
 */
int		 parse_name_ok(const char *, size_t);
int		 parse_value_ok(const char *, size_t);

/*
 * Append s[0..n) to a log message, in single quotes, safe for a log
 * line: control characters, quotes, backslashes and bytes that are not
 * UTF-8 are written \xHH, and text past 64 bytes is cut and marked "...".
 */
void		 parse_quote(struct buf *, const char *, size_t);

#endif
