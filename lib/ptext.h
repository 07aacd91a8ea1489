/*
 * ptext: plain text that someone typed into a form (a post on the
 * board, an opinion), written out for a page or for a Markdown file.
 *
 * The text is stored as it was typed and turned into markup only here,
 * at output.  Nothing of it is ever markup: every character is escaped,
 * and the only things made of it are line breaks and links to the
 * http:// and https:// URLs it holds.
 *
 * A URL starts with "http://" or "https://" (any case) that does not
 * follow a letter or digit, followed by a letter or digit, and runs
 * while the characters are printable ASCII other than < > " ` { } | \ ^
 * (so it ends at a space, a line break or any Japanese character:
 * "https://example.jp/を参照" links "https://example.jp/").  Then, as
 * GitHub does, punctuation at its end that more likely ends the
 * sentence (. , : ; ! ? ' * _ ~) is left out, and so is a ")" or "]"
 * that closes nothing opened inside the URL.
 *
 * Bytes that are not UTF-8 become U+FFFD, and control characters but
 * TAB and line breaks are left out: the callers' input was checked
 * already (cgi/core/parse.h), but what is written stays well-formed
 * whatever comes in.  CRLF and a lone CR count as one line break.
 * Work is linear in the length of the text.
 */
#ifndef KK_PTEXT_H
#define KK_PTEXT_H

#include <stddef.h>

struct buf;

/*
 * Append s[0..n) as HTML text: escaped (escape.h's table), each line
 * break "<br>\n", each URL
 *     <a href="URL" rel="nofollow noopener noreferrer">URL</a>
 * The result goes inside an element (<p>, <div>) of the caller's.
 */
void	ptext_html(struct buf *, const char *s, size_t n);

/*
 * Append s[0..n) as CommonMark that renders as the same text: every
 * ASCII punctuation character backslash-escaped (so no emphasis, link,
 * heading, list, table, HTML or entity can come of it), spaces and TABs
 * at the start of a line left out (they would make a code block), a line
 * break within a paragraph a hard break (a backslash at the end of the
 * line), one or more blank lines one paragraph break, and each URL an
 * autolink <URL>.
 */
void	ptext_markdown(struct buf *, const char *s, size_t n);

/*
 * The length of the URL starting at s[0..n), 0 when none starts there
 * (the rule above; `prev` is the byte before s, or 0 at the start).
 */
size_t	ptext_url_len(int prev, const char *s, size_t n);

#endif
