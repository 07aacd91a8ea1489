/*
 * cookie: the Cookie request header (RFC 6265, section 4.2):
 * "name=value; name2=value2".
 *
 * The header is split at ';'.  In each piece, spaces and TABs around the
 * name and the value are dropped, and a value in double quotes loses the
 * quotes (their content is kept as it is: there are no escapes).  Nothing
 * is percent-decoded: a program that puts %XX in its cookies decodes
 * them itself.
 *
 * The header is sent by the browser, but its content may come from
 * anyone who can set a cookie on the domain, so junk is skipped, not
 * refused: a piece with no '=', a name that is not an RFC 7230 token, or
 * a value holding anything but printable ASCII (0x20-0x7e less '"' and
 * '\\', once unquoted) is left out and the rest is kept.  Only the
 * limits below fail the header, as a whole (PARSE_TOO_LARGE,
 * PARSE_TOO_MANY), leaving `out` as it was.
 *
 * When a name comes more than once (two paths, or a cookie set on a
 * parent domain), the browser sends the more specific one first, so
 * cookie_get() returns the first.  A "__Host-" or "__Secure-" prefix is
 * part of the name like any other: "__Host-sid" is looked up as such.
 */
#ifndef KK_COOKIE_H
#define KK_COOKIE_H

#include <stddef.h>

#include "parse.h"

struct pairs;

/* nginx refuses a header line past 8 KiB by default
 * (large_client_header_buffers); a browser keeps about 50 cookies a
 * domain. */
#define COOKIE_MAX_BYTES	8192
#define COOKIE_MAX_COUNT	64

/* Append the cookies of the header hdr[0..n) to `out`, in order. */
enum parse_err	 cookie_parse(struct pairs *out, const char *hdr, size_t n);

/* The value of the first cookie with this name, or NULL. */
const char	*cookie_get(const struct pairs *, const char *name);

#endif
