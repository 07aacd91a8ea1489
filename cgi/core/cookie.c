#include <string.h>

#include "cookie.h"
#include "pairs.h"

/* RFC 7230 tchar: what a token (and so a cookie name) is made of. */
static int
is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Drop spaces and TABs at both ends of s[*i..*e). */
static void
trim(const char *s, size_t *i, size_t *e)
{
	while (*i < *e && is_ows(s[*i]))
		(*i)++;
	while (*e > *i && is_ows(s[*e - 1]))
		(*e)--;
}

enum parse_err
cookie_parse(struct pairs *out, const char *s, size_t n)
{
	size_t start = out->n, i = 0, end, ni, ne, vi, ve, k;
	const char *semi, *eq;
	unsigned char c;
	int ok;

	if (n > COOKIE_MAX_BYTES)
		return PARSE_TOO_LARGE;
	while (i < n) {
		semi = memchr(s + i, ';', n - i);
		end = semi != NULL ? (size_t)(semi - s) : n;
		eq = memchr(s + i, '=', end - i);
		if (eq == NULL)
			goto next;
		ni = i;
		ne = (size_t)(eq - s);
		vi = ne + 1;
		ve = end;
		trim(s, &ni, &ne);
		trim(s, &vi, &ve);
		if (ve - vi >= 2 && s[vi] == '"' && s[ve - 1] == '"') {
			vi++;
			ve--;
		}
		ok = ni < ne;
		for (k = ni; ok && k < ne; k++)
			ok = is_tchar((unsigned char)s[k]);
		for (k = vi; ok && k < ve; k++) {
			c = (unsigned char)s[k];
			ok = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
		}
		if (!ok)
			goto next;
		if (out->n - start == COOKIE_MAX_COUNT) {
			pairs_truncate(out, start);
			return PARSE_TOO_MANY;
		}
		pairs_add(out, s + ni, ne - ni, s + vi, ve - vi);
next:
		i = end + 1;
	}
	return PARSE_OK;
}

const char *
cookie_get(const struct pairs *p, const char *name)
{
	return pairs_value(p, name);
}
