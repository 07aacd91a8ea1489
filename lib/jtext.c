#include <stdint.h>

#include "buf.h"
#include "bytes.h"
#include "jtext.h"
#include "utf8.h"

/*
 * Half-width katakana and punctuation U+FF61-U+FF9F, in order, as the
 * full-width characters they stand for.
 */
static const uint16_t halfwidth[] = {
	0x3002, 0x300c, 0x300d, 0x3001, 0x30fb,	/* ｡｢｣､･ */
	0x30f2,					/* ｦ */
	0x30a1, 0x30a3, 0x30a5, 0x30a7, 0x30a9,	/* ｧｨｩｪｫ */
	0x30e3, 0x30e5, 0x30e7, 0x30c3,		/* ｬｭｮｯ */
	0x30fc,					/* ｰ */
	0x30a2, 0x30a4, 0x30a6, 0x30a8, 0x30aa,	/* ｱｲｳｴｵ */
	0x30ab, 0x30ad, 0x30af, 0x30b1, 0x30b3,	/* ｶｷｸｹｺ */
	0x30b5, 0x30b7, 0x30b9, 0x30bb, 0x30bd,	/* ｻｼｽｾｿ */
	0x30bf, 0x30c1, 0x30c4, 0x30c6, 0x30c8,	/* ﾀﾁﾂﾃﾄ */
	0x30ca, 0x30cb, 0x30cc, 0x30cd, 0x30ce,	/* ﾅﾆﾇﾈﾉ */
	0x30cf, 0x30d2, 0x30d5, 0x30d8, 0x30db,	/* ﾊﾋﾌﾍﾎ */
	0x30de, 0x30df, 0x30e0, 0x30e1, 0x30e2,	/* ﾏﾐﾑﾒﾓ */
	0x30e4, 0x30e6, 0x30e8,			/* ﾔﾕﾖ */
	0x30e9, 0x30ea, 0x30eb, 0x30ec, 0x30ed,	/* ﾗﾘﾙﾚﾛ */
	0x30ef, 0x30f3,				/* ﾜﾝ */
	0x309b, 0x309c,				/* ﾞﾟ alone */
};

#define MARK_VOICED	1	/* dakuten: ﾞ U+FF9E, combining U+3099 */
#define MARK_SEMI	2	/* handakuten: ﾟ U+FF9F, combining U+309A */

static int
mark_of(uint32_t cp)
{
	if (cp == 0xff9e || cp == 0x3099)
		return MARK_VOICED;
	if (cp == 0xff9f || cp == 0x309a)
		return MARK_SEMI;
	return 0;
}

/* The katakana ハヒフヘホ, which take both marks. */
static int
is_ha_row(uint32_t k)
{
	return k >= 0x30cf && k <= 0x30db && (k - 0x30cf) % 3 == 0;
}

/*
 * The one character that kana `cp` with `mark` is, or 0 when there is
 * none.  Hiragana is looked up as the katakana 0x60 above it.
 */
static uint32_t
compose(uint32_t cp, int mark)
{
	uint32_t k = cp;
	int hira = 0;

	if (cp == 0x309d || cp == 0x30fd)	/* ゝ ヽ */
		return mark == MARK_VOICED ? cp + 1 : 0;
	if (cp >= 0x3041 && cp <= 0x3096) {
		k = cp + 0x60;
		hira = 1;
	}
	if (mark == MARK_SEMI)
		return is_ha_row(k) ? cp + 2 : 0;
	/* カ-チ are the odd code points from U+30AB to U+30C1. */
	if ((k >= 0x30ab && k <= 0x30c1 && (k & 1)) ||
	    k == 0x30c4 || k == 0x30c6 || k == 0x30c8 || is_ha_row(k))
		return cp + 1;
	if (k == 0x30a6)			/* ウ う */
		return hira ? 0x3094 : 0x30f4;
	if (!hira && k >= 0x30ef && k <= 0x30f2)	/* ワヰヱヲ */
		return k + 8;
	return 0;
}

/* A sound mark, combining or half-width, starts s[0..n). */
static int
starts_mark(const unsigned char *s, size_t n)
{
	return n >= 3 && ((s[0] == 0xe3 && s[1] == 0x82 &&
	    (s[2] == 0x99 || s[2] == 0x9a)) ||
	    (s[0] == 0xef && s[1] == 0xbe && (s[2] == 0x9e || s[2] == 0x9f)));
}

/*
 * Whether JTEXT_HALFKANA alone may change the character that starts with
 * byte E3 or EF at s: a half-width katakana (U+FF61 to U+FF9F, EF BD A1
 * to EF BE 9F), or a character followed by a sound mark (which it may
 * take in).  Anything else stays as it is.
 */
static int
halfkana_changes(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;

	if (n < 3)
		return 1;
	if (s[0] == 0xef)
		return (s[1] == 0xbd && s[2] >= 0xa1) ||
		    (s[1] == 0xbe && s[2] <= 0x9f);
	return starts_mark(s + 3, n - 3);
}

/* The first i at which halfkana_changes(s + i, n - i), from i = from. */
static size_t
halfkana_scan(const char *s, size_t from, size_t to, size_t n)
{
	size_t i;

	for (i = from; i < to; i++)
		if ((s[i] == '\xe3' || s[i] == '\xef') &&
		    halfkana_changes(s + i, n - i))
			return i;
	return to;
}

/*
 * jtext_fold_span() for JTEXT_HALFKANA.  What it changes starts with an
 * EF byte (a half-width katakana), or is a character followed by a sound
 * mark, whose own bytes hold the pair 82 99 or 82 9A (E3 82 99, U+3099,
 * and E3 82 9A), or an EF.  Eight bytes at a time, with the next eight
 * from one byte on for the pair's second byte, are tested for these.  A
 * word with one is gone over byte by byte, from 4 bytes before it, where
 * a character before a mark whose 82 is the word's first byte starts.
 */
static size_t
halfkana_span(const char *s, size_t n)
{
	size_t i = 0, k;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 9 <= n; i += 8) {
		uint64_t w = bytes_load(s + i), next = bytes_load(s + i + 1);

		if ((bytes_eq(w, 0xef) | (bytes_eq(w, 0x82) &
		    (bytes_eq(next, 0x99) | bytes_eq(next, 0x9a)))) == 0)
			continue;
		if ((k = halfkana_scan(s, i < 4 ? 0 : i - 4, i + 8, n)) <
		    i + 8)
			return k;
	}
	/* Before the tail, the 4 bytes a mark in it may take in. */
	i = i < 4 ? 0 : i - 4;
#endif
	return halfkana_scan(s, i, n, n);
}

size_t
jtext_fold_span(const char *s, size_t n, unsigned flags)
{
	size_t i = 0;

	/* Every code point any flag changes is ASCII or starts with byte
	 * E3 (U+3000 to U+3FFF) or EF (U+F000 to U+FFFF), neither of which
	 * continues a sequence: any other byte stays, valid or not.  The
	 * search index folds with JTEXT_HALFKANA alone, which leaves ASCII
	 * and most kana be: a loop of its own. */
	if (flags == JTEXT_HALFKANA)
		return halfkana_span(s, n);
	for (; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		if (b == 0xe3 || b == 0xef || ((flags & JTEXT_CASE) &&
		    b >= 'A' && b <= 'Z'))
			return i;
	}
	return n;
}

size_t
jtext_fold1(const char *s, size_t n, unsigned flags, char out[4],
    size_t *outlen)
{
	unsigned char b = (unsigned char)s[0];
	size_t k, k2;
	uint32_t cp, next, c;

	if (b < 0x80 || (k = utf8_decode(s, n, &cp)) == 0) {
		if ((flags & JTEXT_CASE) && b >= 'A' && b <= 'Z')
			b = (unsigned char)(b + ('a' - 'A'));
		out[0] = (char)b;
		*outlen = 1;
		return 1;
	}
	if (flags & JTEXT_FULLASCII) {
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		else if (cp == 0x3000)
			cp = ' ';
	}
	if (flags & JTEXT_HALFKANA) {
		if (cp >= 0xff61 && cp <= 0xff9f)
			cp = halfwidth[cp - 0xff61];
		if (cp >= 0x3041 && cp <= 0x30fd && k < n &&
		    (k2 = utf8_decode(s + k, n - k, &next)) != 0 &&
		    mark_of(next) && (c = compose(cp, mark_of(next))) != 0) {
			cp = c;
			k += k2;
		}
	}
	if ((flags & JTEXT_HIRAGANA) && ((cp >= 0x30a1 && cp <= 0x30f6) ||
	    cp == 0x30fd || cp == 0x30fe))
		cp -= 0x60;
	if ((flags & JTEXT_CASE) && cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	*outlen = utf8_encode(cp, out);
	return k;
}

void
jtext_fold(struct buf *out, const char *s, size_t n, unsigned flags)
{
	size_t i = 0, k, len;
	char u[4];

	buf_grow(out, n);
	while (i < n) {
		k = jtext_fold_span(s + i, n - i, flags);
		buf_add(out, s + i, k);
		if ((i += k) < n) {
			i += jtext_fold1(s + i, n - i, flags, u, &len);
			buf_add(out, u, len);
		}
	}
}
