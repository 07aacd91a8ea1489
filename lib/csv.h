/*
 * csv: reading CSV files as people and Excel write them (RFC 4180, and
 * what Excel does besides), and the text encodings they come in.
 *
 * csv_parse() splits text into records of fields: fields are separated
 * by commas, records end with CRLF, LF or CR; a field in double quotes
 * may hold commas, line breaks and "" for one quote.  Each record keeps
 * the line it starts on, for messages ("3行目").  A record that is only
 * an empty line is skipped (Excel leaves one at the end).  Malformed
 * input (a quote inside an unquoted field, text after a closing quote,
 * a quoted field that never closes) is an error naming the line.
 *
 * csv_to_utf8() turns the bytes of a file into UTF-8: a UTF-8 byte-order
 * mark is dropped; text that is valid UTF-8 is taken as it is; anything
 * else is read as Shift_JIS in Microsoft's form (CP932, what Excel in
 * Japan saves as "CSV"), through iconv.  Text that is neither is an
 * error naming the first line that is not.
 *
 * Limits: CSV_MAX_FIELDS fields a record, CSV_MAX_FIELD bytes a field.
 */
#ifndef KK_CSV_H
#define KK_CSV_H

#include <stddef.h>

struct buf;

#define CSV_MAX_FIELDS	64
#define CSV_MAX_FIELD	4096

struct csv_record {
	size_t	  line;		/* 1-based line where it starts */
	char	**f;		/* fields, NUL-terminated */
	size_t	  n;
};

struct csv {
	struct csv_record *r;
	size_t		   n;
};

/* 0, or -1 with a sentence in Japanese in err ("12行目: ..."). */
int	csv_parse(struct csv *, const char *s, size_t len, struct buf *err);
void	csv_release(struct csv *);

/* The text as UTF-8, appended to out; which encoding it was in goes to
 * *enc ("UTF-8", "UTF-8 (BOM)", "Shift_JIS") when not NULL.  0 or -1
 * with a sentence in Japanese in err. */
int	csv_to_utf8(const char *s, size_t len, struct buf *out,
	    const char **enc, struct buf *err);

#endif
