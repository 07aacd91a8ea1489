/*
 * jtext: folding Japanese text so that spellings a reader takes for the
 * same word compare equal: for search (gen's search index, the theme's
 * search script) and for checking what people type into forms.
 *
 * jtext_fold() appends to `out` the UTF-8 text s[0..n) with the foldings
 * chosen in `flags` applied:
 *
 *   JTEXT_HALFKANA  half-width katakana and punctuation (U+FF61-U+FF9F)
 *                   become full-width, and a kana followed by a voiced or
 *                   semi-voiced mark (half-width U+FF9E/U+FF9F or
 *                   combining U+3099/U+309A) is composed into one
 *                   character: ｶﾞ -> ガ, ﾊﾟ -> パ, か + U+3099 -> が.  A
 *                   mark that composes with nothing is kept (the
 *                   half-width ones as ゛ and ゜).
 *   JTEXT_FULLASCII full-width ASCII (U+FF01-U+FF5E) becomes ASCII and
 *                   the ideographic space U+3000 a space: Ａ１（ -> A1(.
 *   JTEXT_HIRAGANA  katakana becomes hiragana: ァ-ヶ -> ぁ-ゖ, ヽヾ -> ゝゞ;
 *                   ヷヸヹヺ, which hiragana lacks, and ー stay.
 *   JTEXT_CASE      ASCII A-Z becomes a-z (after JTEXT_FULLASCII, so
 *                   Ａ -> a).
 *
 * JTEXT_WIDTH is the first two (the usual 全角カナ・半角英数 of forms),
 * JTEXT_SEARCH all four.  Nothing else changes: no other Unicode
 * normalisation, no trimming.  Folding never makes the text longer in
 * bytes.  Only JTEXT_HALFKANA changes the number of characters (by
 * composing): the others map one character to one character of the
 * same UTF-16 length, so a position in text folded by JTEXT_HALFKANA is
 * the same position in its JTEXT_SEARCH form.  Bytes that are not valid
 * UTF-8 are copied as they are.
 */
#ifndef KK_JTEXT_H
#define KK_JTEXT_H

#include <stddef.h>

struct buf;

#define JTEXT_HALFKANA	0x1u
#define JTEXT_FULLASCII	0x2u
#define JTEXT_HIRAGANA	0x4u
#define JTEXT_CASE	0x8u
#define JTEXT_WIDTH	(JTEXT_HALFKANA | JTEXT_FULLASCII)
#define JTEXT_SEARCH	(JTEXT_WIDTH | JTEXT_HIRAGANA | JTEXT_CASE)

void	jtext_fold(struct buf *out, const char *s, size_t n, unsigned flags);

/*
 * The same, a piece at a time, for callers that consume the text as it
 * is folded: jtext_fold_span() is the length of the longest start of
 * s[0..n) that folding leaves as it is (it ends where a character may
 * change); jtext_fold1() folds the one character at s (n > 0) into out,
 * its length in *outlen (at most 4), and returns the bytes of s it took
 * (two characters when a sound mark is composed in; one byte when s does
 * not start with UTF-8).
 */
size_t	jtext_fold_span(const char *s, size_t n, unsigned flags);
size_t	jtext_fold1(const char *s, size_t n, unsigned flags, char out[4],
	    size_t *outlen);

#endif
