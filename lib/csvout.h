/*
 * csvout: writing CSV for people who open it in a spreadsheet (RFC 4180
 * with CRLF record ends), safely.
 *
 * A file starts with csvout_bom(): the UTF-8 byte-order mark, without
 * which Excel in Japan reads UTF-8 as Shift_JIS.  A record is its cells
 * one by one (csvout_text(), csvout_int()) and then csvout_end().
 *
 * A text cell is always quoted, with each '"' doubled, so that commas
 * and line breaks stay inside it.  And a text cell that a spreadsheet
 * could take for a formula is neutralised (CSV injection): one starting
 * with = + - @, a TAB or a CR, or their full-width forms ＝ ＋ － ＠
 * (which Excel in Japan also reads as the start of a formula) gets a
 * single quote ' in front, so that it is shown as text, as typed.
 * Numbers the program writes itself go through csvout_int(), unquoted.
 */
#ifndef KK_CSVOUT_H
#define KK_CSVOUT_H

#include <stddef.h>

struct buf;

void	csvout_bom(struct buf *);
/* One text cell of s[0..n). */
void	csvout_text(struct buf *, const char *s, size_t n);
/* One text cell of a C string (NULL: an empty cell). */
void	csvout_str(struct buf *, const char *s);
void	csvout_int(struct buf *, long long);
/* End the record: CRLF. */
void	csvout_end(struct buf *);

/* 1 when a cell of s[0..n) would be neutralised. */
int	csvout_risky(const char *s, size_t n);

#endif
