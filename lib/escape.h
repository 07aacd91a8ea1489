/*
 * escape: writers that escape text for one output context each.
 *
 * esc_html() is for HTML text and for attribute values in double or
 * single quotes: it escapes & < > " and ' so the same bytes are safe in
 * either place.  esc_xml() is the same for XML (feeds, sitemaps).
 * esc_url() percent-encodes everything but RFC 3986 unreserved
 * characters, for one component (a path segment, a query value);
 * esc_url_path() keeps '/' as well, for a relative path made of segments.
 *
 * All append to the buffer; none stores escaped text anywhere else.
 */
#ifndef KK_ESCAPE_H
#define KK_ESCAPE_H

#include <stddef.h>

struct buf;

void	esc_html(struct buf *, const char *, size_t);
void	esc_xml(struct buf *, const char *, size_t);
void	esc_url(struct buf *, const char *, size_t);
void	esc_url_path(struct buf *, const char *, size_t);

/*
 * esc_href() writes a URL that is already well-formed (it keeps '%', '/',
 * '?', '#', non-ASCII bytes) into a quoted attribute: it percent-encodes
 * spaces, controls and the characters a URL may not hold raw, and
 * HTML-escapes '&' and '\''.  The result is safe in quotes; it does not
 * judge the scheme (see url_is_safe()).
 */
void	esc_href(struct buf *, const char *, size_t);

/*
 * url_encode_path() turns a file path ("a b/100%.pdf") into the path of a
 * URL ("a%20b/100%25.pdf"): it percent-encodes what would end the path or
 * change its meaning ('%', '#', '?', spaces, controls, and characters a
 * URL may not hold raw) and keeps '/' and non-ASCII text as it is;
 * url_path_unsafe() says whether it encodes byte c.
 */
int	url_path_unsafe(unsigned char c);
void	url_encode_path(struct buf *, const char *, size_t);

/* Append s[0..n) with its %XX escapes decoded.  -1, appending nothing,
 * when an escape is malformed ("%", "%4", "%zz"). */
int	url_decode(struct buf *, const char *, size_t);

/*
 * A URL is "safe" for an href when it is relative or its scheme is one
 * of http, https, mailto or tel (case-insensitive).  Used wherever a URL
 * comes from input that is not trusted content.
 */
int	url_is_safe(const char *, size_t);

/* 1 when the URL has a scheme ("x:") or is scheme-relative ("//"). */
int	url_is_external(const char *, size_t);
/*
 * Append a URL's host (with any "user@" and ":port") with its labels that
 * are not ASCII in Punycode (RFC 3492), ASCII letters in lower case, as a
 * resolver wants them: "日本語.jp" is "xn--wgv71a119e.jp".  The
 * full-width dots of Japanese input (。．｡) part labels too.  0, or -1
 * (nothing appended, for the caller to percent-encode it) when it holds
 * a space or a control, bytes other than ASCII outside the name's labels
 * (in the user, the port or an IPv6 literal), bytes that are not UTF-8,
 * or a label that cannot be encoded.  All it appends is ASCII.  No other
 * IDNA mapping is made (the name is taken as NFC).
 */
int	url_idna_host(struct buf *, const char *host, size_t n);

#endif
