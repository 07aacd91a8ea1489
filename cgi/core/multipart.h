/*
 * multipart: multipart/form-data bodies (RFC 7578), read as a stream.
 *
 * multipart_boundary() finds the boundary in the request's Content-Type
 * header; multipart_read() then reads the body through a callback, in
 * pieces of any size, and appends one pair per part to `out`, in order:
 *
 *   - a part without a filename parameter is a text field: its value is
 *     held in memory (up to max_text bytes) and must keep the text rule
 *     of parse.h, as a urlencoded value must;
 *   - a part with one, even filename="" (a file input left empty), is a
 *     file: the pair's value is "" and its `file` an upload (upload.h)
 *     holding the filename, the Content-Type and the bytes, in memory up
 *     to mem_threshold and in an unnamed temporary file in tmpdir past
 *     it.  A file over max_file keeps nothing and is marked too_large,
 *     and parsing goes on, so that fields.h can say so next to the input
 *     while the rest of the form is kept.
 *
 * The parts' headers:
 *   - Content-Disposition: form-data with a name (required, a name by
 *     the rule of parse.h, at most max_name bytes), and for a file a
 *     filename.  filename*=UTF-8''%XX... (RFC 5987) is read too and wins
 *     over filename; another charset is ignored.  Folders are taken off
 *     the filename (all up to the last '/' or '\\'), which must be UTF-8
 *     with no control character.  In quoted values a backslash escapes
 *     the character after it only when that is a separator such as '"'
 *     or '\\' (so a path sent by old browsers, "C:\dir\a.txt", survives);
 *     %22, which browsers send for '"', is left as it is.
 *   - Content-Type: kept for files as sent (printable ASCII).
 *   - anything else (Content-Transfer-Encoding included, which RFC 7578
 *     deprecates) is ignored.
 *
 * Lines end with CRLF; a bare CR or LF, header folding, a missing name
 * or Content-Disposition, a delimiter followed by anything but "--" or
 * white space and CRLF, and a body that ends before the closing
 * delimiter are PARSE_MALFORMED.  The preamble before the first
 * delimiter is skipped; the epilogue after the last is not read.
 *
 * Work and memory are linear in the body: the parser holds one window
 * of about 16 KiB plus two header lines, and the text and small files of
 * the parts.  A body cut into 1-byte reads parses the same as one read.
 *
 * On failure `out` is as it was (uploads made so far are freed, their
 * temporary files closed), and when `msg` is not NULL an English
 * sentence for the log is appended to it, naming the part at fault.
 */
#ifndef KK_MULTIPART_H
#define KK_MULTIPART_H

#include <stddef.h>

#include "parse.h"

struct buf;
struct pairs;

/* RFC 2046, 5.1.1: 1 to 70 characters. */
#define MULTIPART_MAX_BOUNDARY	70

/*
 * Limits.  A limit left 0 takes its default.  max_text should be more
 * than four times the longest max_len of the route's fields (UTF-8 is up
 * to four bytes a character), so that a text over its length is told by
 * fields.h, next to its input, rather than failing the whole form.
 */
struct multipart_limits {
	size_t		 max_body;	/* bytes read in all */
	size_t		 max_parts;	/* parts, text and file */
	size_t		 max_file;	/* bytes of one file kept */
	size_t		 max_text;	/* bytes of one text field */
	size_t		 max_name;	/* bytes of one part's name */
	size_t		 max_header_line; /* bytes of a header line, less CRLF */
	size_t		 max_headers;	/* header lines of one part */
	size_t		 mem_threshold;	/* bytes of a file held in memory */
	const char	*tmpdir;	/* where files are spooled; NULL: /tmp */
};

#define MULTIPART_MAX_BODY	(32 * 1024 * 1024)
#define MULTIPART_MAX_PARTS	256
#define MULTIPART_MAX_FILE	(10 * 1024 * 1024)
#define MULTIPART_MAX_TEXT	(256 * 1024)
#define MULTIPART_MAX_NAME	256
#define MULTIPART_MAX_HEADER_LINE 2048	/* a 255-byte filename, twice */
#define MULTIPART_MAX_HEADERS	16	/* browsers send two */
#define MULTIPART_MEM_THRESHOLD	(64 * 1024)

/*
 * From a Content-Type header value ctype[0..n), such as
 * `multipart/form-data; boundary="----x"`, put the boundary into `out`
 * (emptied first).  Returns 0, or -1 when the type is not
 * multipart/form-data (in any case), the parameters do not parse, or
 * the boundary is missing, given twice, or not 1-70 of the characters
 * RFC 2046 allows.
 */
int		multipart_boundary(const char *ctype, size_t n,
		    struct buf *out);

/* Read the body to its closing delimiter through `rd` and parse it;
 * `lim` may be NULL for the defaults. */
enum parse_err	multipart_read(struct pairs *out, const char *boundary,
		    size_t blen, parse_read_fn rd, void *arg,
		    const struct multipart_limits *lim, struct buf *msg);

#endif
