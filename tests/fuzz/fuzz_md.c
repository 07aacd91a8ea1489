/*
 * libFuzzer target: gen's Markdown renderer (md4c plus our headings,
 * accordions, soft breaks, links) on any input, rendered twice: plain,
 * and with the linter of gen check on (its scan of raw HTML included),
 * which must not change a byte of the output.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* What a linter may count on, and what gen check's report needs: a kind,
 * a line of the file, problems as one line of text. */
static void
linter(void *arg, const struct md_lint_item *it)
{
	size_t *n = arg;

	assert(it->kind < MD_LINT__MAX);
	assert(it->line >= 1);
	assert(it->text != NULL);
	if (it->kind != MD_LINT_LINK && it->kind != MD_LINT_ID) {
		assert(it->len > 0);
		assert(memchr(it->text, '\n', it->len) == NULL);
	}
	if (it->kind == MD_LINT_LINK && it->raw)
		assert(it->resolved == NULL);
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_doc plain, linted;
	struct buf err = BUF_INIT, err2 = BUF_INIT;
	size_t n = 0;
	int rc, rc2;

	md_doc_init(&plain);
	md_doc_reserve_id(&plain, "main");
	rc = md_render(&plain, (const char *)data, size, "fuzz.md", 1,
	    resolver, NULL, &err);

	md_doc_init(&linted);
	md_doc_reserve_id(&linted, "main");
	md_doc_set_linter(&linted, linter, &n);
	rc2 = md_render(&linted, (const char *)data, size, "fuzz.md", 1,
	    resolver, NULL, &err2);
	assert(rc == rc2);
	assert(plain.html.len == linted.html.len &&
	    memcmp(plain.html.ptr, linted.html.ptr, plain.html.len) == 0);
	assert(plain.text.len == linted.text.len &&
	    memcmp(plain.text.ptr, linted.text.ptr, plain.text.len) == 0);
	assert(err.len == err2.len);

	md_doc_release(&plain);
	md_doc_release(&linted);
	buf_release(&err);
	buf_release(&err2);
	return 0;
}
