/*
 * libFuzzer target: gen's Markdown renderer (md4c plus our headings,
 * accordions, soft breaks, links) on any input.
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "md.h"

static int
resolver(void *arg, const char *url, size_t len, size_t line,
    struct buf *out)
{
	(void)arg;
	(void)line;
	if (len > 0 && url[0] == 'x')
		return -1;
	buf_add(out, url, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_doc doc;
	struct buf err = BUF_INIT;

	md_doc_init(&doc);
	md_doc_reserve_id(&doc, "main");
	md_render(&doc, (const char *)data, size, "fuzz.md", 1, resolver,
	    NULL, &err);
	md_doc_release(&doc);
	buf_release(&err);
	return 0;
}
