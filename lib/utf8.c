#include <string.h>

#include "utf8.h"

size_t
utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;	/* continuation byte, 0xc0/0xc1, or > 0xf4 */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t
utf8_encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	} else if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	} else if (c < 0x10000) {
		if (c >= 0xd800 && c <= 0xdfff)
			return 0;
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	} else if (c <= 0x10ffff) {
		out[0] = (char)(0xf0 | (c >> 18));
		out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[3] = (char)(0x80 | (c & 0x3f));
		return 4;
	}
	return 0;
}

int
utf8_valid(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;
	uint64_t w;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			/* ASCII runs are the common case in markup: eight
			 * bytes at a time. */
			while (i + 8 <= n) {
				memcpy(&w, s + i, 8);
				if ((w & 0x8080808080808080ULL) != 0)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		/* So are runs of Japanese text: three bytes whose lead (E1
		 * to EC, EE, EF) allows any two continuation bytes (E0 and ED
		 * restrict the second, against overlong forms and
		 * surrogates).  Two such characters at a time from one word
		 * (little-endian: byte k of the text is byte k of the word):
		 * leads 1110xxxx at bytes 0 and 3 whose low four bits are not
		 * 0 nor D, 10xxxxxx at the other four. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		while (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if ((w & 0x0000c0c0f0c0c0f0ULL) !=
			    0x00008080e08080e0ULL ||
			    !((0xdffeu >> (w & 0xf)) & (0xdffeu >>
			    ((w >> 24) & 0xf)) & 1))
				break;
			i += 6;
		}
#endif
		while (i + 3 <= n && s[i] - 0xe1u <= 0xeu && s[i] != 0xed &&
		    (s[i + 1] & 0xc0) == 0x80 && (s[i + 2] & 0xc0) == 0x80)
			i += 3;
		if (i >= n || s[i] < 0x80)
			continue;
		if ((k = utf8_decode(str + i, n - i, &cp)) == 0) {
			if (bad != NULL)
				*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

size_t
utf8_char_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t k = s[0] < 0xc2 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 :
	    s[0] < 0xf5 ? 4 : 1, i;

	if (k > n)
		return 1;
	for (i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return k;
}

size_t
utf8_len(const char *s, size_t n)
{
	size_t i = 0, k, count = 0;
	uint32_t cp;

	while (i < n) {
		k = utf8_decode(s + i, n - i, &cp);
		i += k ? k : 1;
		count++;
	}
	return count;
}
