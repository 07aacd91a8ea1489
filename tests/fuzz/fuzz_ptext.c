/*
 * libFuzzer target: lib/ptext.c on any text.  The HTML holds no tag but
 * <br> and the links it makes, and every '<' in it starts one of those;
 * attribute values never hold a raw quote; the output is valid UTF-8;
 * the Markdown holds no unescaped '<' but those opening an autolink.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "ptext.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char a_open[] = "<a href=\"";
static const char a_rel[] = "\" rel=\"nofollow noopener noreferrer\">";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf h = BUF_INIT, m = BUF_INIT;
	const char *p, *e;

	ptext_html(&h, (const char *)data, size);
	if (!utf8_valid(h.ptr, h.len, NULL) || strlen(h.ptr) != h.len)
		__builtin_trap();
	for (p = h.ptr; (p = strchr(p, '<')) != NULL; ) {
		if (strncmp(p, "<br>\n", 5) == 0) {
			p += 5;
			continue;
		}
		if (strncmp(p, "</a>", 4) == 0) {
			p += 4;
			continue;
		}
		if (strncmp(p, a_open, sizeof(a_open) - 1) != 0)
			__builtin_trap();
		p += sizeof(a_open) - 1;
		/* The href: a URL of printable ASCII, no quote. */
		for (e = p; *e != '"'; e++)
			if (*e <= ' ' || *e >= 0x7f || *e == '<' || *e == '>')
				__builtin_trap();
		if (strncmp(e, a_rel, sizeof(a_rel) - 1) != 0 ||
		    (strncasecmp(p, "http://", 7) != 0 &&
		    strncasecmp(p, "https://", 8) != 0))
			__builtin_trap();
		p = e + sizeof(a_rel) - 1;
		/* The link's text ends before the next tag, </a>. */
		if ((e = strchr(p, '<')) == NULL || strncmp(e, "</a>", 4) != 0)
			__builtin_trap();
		p = e;
	}
	if (strchr(h.ptr, '>') != NULL) {
		/* Every '>' closes one of the tags above. */
		for (p = h.ptr; (p = strchr(p, '>')) != NULL; p++)
			if (!(p >= h.ptr + 3 && strncmp(p - 3, "<br>", 4) == 0) &&
			    !(p >= h.ptr + 3 && strncmp(p - 3, "</a>", 4) == 0) &&
			    !(p >= h.ptr + sizeof(a_rel) - 2 &&
			    strncmp(p - (sizeof(a_rel) - 2), a_rel,
			    sizeof(a_rel) - 1) == 0))
				__builtin_trap();
	}

	ptext_markdown(&m, (const char *)data, size);
	if (!utf8_valid(m.ptr, m.len, NULL) || strlen(m.ptr) != m.len)
		__builtin_trap();
	for (p = m.ptr; (p = strchr(p, '<')) != NULL; p = e + 1) {
		size_t bs = 0;

		/* An escaped '<' (after an odd number of backslashes) is
		 * text. */
		while (p - bs > m.ptr && p[-1 - (long)bs] == '\\')
			bs++;
		if (bs % 2 == 1) {
			e = p;
			continue;
		}
		if (strncasecmp(p + 1, "http://", 7) != 0 &&
		    strncasecmp(p + 1, "https://", 8) != 0)
			__builtin_trap();
		if ((e = strchr(p, '>')) == NULL)
			__builtin_trap();
		if (memchr(p, ' ', (size_t)(e - p)) != NULL ||
		    memchr(p, '\n', (size_t)(e - p)) != NULL)
			__builtin_trap();
	}
	buf_release(&h);
	buf_release(&m);
	return 0;
}
