/*
 * lgcode: 全国地方公共団体コード, the local-government codes of Japan.
 *
 * A code is five digits (two for the prefecture, three for the
 * municipality; 000 for the prefecture itself) and a check digit: with
 * the five digits d1..d5, the check digit is the last digit of
 * 11 - (6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5) mod 11.  011002 is 札幌市,
 * 010006 北海道.
 */
#ifndef KK_LGCODE_H
#define KK_LGCODE_H

#define LGCODE_LEN	6

/* Normalise `in` (5 digits, or 6 with the check digit; full-width
 * digits are not accepted here: fields are folded before) into
 * out[7].  0, or -1 when it is not a code or its check digit is wrong
 * (then *why says which, in Japanese). */
int		 lgcode_norm(const char *in, char out[LGCODE_LEN + 1],
		    const char **why);

/* The check digit of five digits. */
int		 lgcode_check_digit(const char *five);

/* 1 for a prefecture's code (its municipality part is 000). */
int		 lgcode_is_prefecture(const char *code);

/* The prefecture of a code ("北海道" for 01...), or NULL when its first
 * two digits are not 01-47. */
const char	*lgcode_prefecture(const char *code);

#endif
