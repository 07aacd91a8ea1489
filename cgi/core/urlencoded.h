/*
 * urlencoded: query strings and application/x-www-form-urlencoded bodies.
 *
 * The input is split at '&' into fields and each field at its first '='
 * into name and value; in both, '+' becomes a space and %XX the byte it
 * names (hex digits of either case).  As in the WHATWG URL standard, an
 * empty field ("a=1&&b=2", a trailing '&') is skipped and a field with
 * no '=' is a name with an empty value ("?print").  ';' is an ordinary
 * character.
 *
 * Refused, failing the whole input:
 *   - a '%' not followed by two hex digits (PARSE_MALFORMED);
 *   - an empty name ("=x") (PARSE_MALFORMED): no browser sends one;
 *   - a decoded name or value that breaks the text rule of parse.h: not
 *     UTF-8 (Shift_JIS, say), or holding a control character, which in
 *     a value means anything below U+0020 but TAB, LF and CR, and DEL
 *     (PARSE_ENCODING);
 *   - input, field count, name or value over the limits below
 *     (PARSE_TOO_LARGE, PARSE_TOO_MANY, PARSE_TOO_LONG).
 * Nothing is trimmed or otherwise changed: that is for fields.h.
 *
 * On success the pairs are appended to `out` in their order; on failure
 * `out` is as it was, and when `msg` is not NULL an English sentence for
 * the log is appended to it, quoting the field at fault.
 */
#ifndef KK_URLENCODED_H
#define KK_URLENCODED_H

#include <stddef.h>

#include "parse.h"

struct buf;
struct pairs;

/*
 * Limits.  A limit left 0 takes its default.  The defaults suit a form
 * of a few dozen inputs with a long <textarea>: 10,000 characters of
 * Japanese are 30,000 bytes of UTF-8 and 90,000 once percent-encoded.
 */
struct urlencoded_limits {
	size_t	max_bytes;	/* the whole input, encoded */
	size_t	max_fields;	/* pairs, counting every repeat */
	size_t	max_name;	/* bytes of one decoded name */
	size_t	max_value;	/* bytes of one decoded value */
};

#define URLENCODED_MAX_BYTES	(1024 * 1024)
#define URLENCODED_MAX_FIELDS	512
#define URLENCODED_MAX_NAME	256
#define URLENCODED_MAX_VALUE	(256 * 1024)

/* Parse s[0..n); `lim` may be NULL for the defaults. */
enum parse_err	urlencoded_parse(struct pairs *out, const char *s, size_t n,
		    const struct urlencoded_limits *lim, struct buf *msg);

/* Read a body to its end through `rd` (never more than max_bytes + 1
 * bytes) and parse it. */
enum parse_err	urlencoded_read(struct pairs *out, parse_read_fn rd,
		    void *arg, const struct urlencoded_limits *lim,
		    struct buf *msg);

#endif
