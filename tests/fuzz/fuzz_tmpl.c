/*
 * fuzz_tmpl: libFuzzer target for lib/tmpl.c.
 *
 * The input is parsed as a template and rendered against a small fixed
 * context, with a set holding a few partials and parents.  The input is
 * also in the set as "self", so it can include or extend itself and
 * reach the recursion limits.  It is rendered once more twice through a
 * memo, which must give the plain render's output each time.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "tmpl.h"

static const char context[] =
    "{\"title\": \"<T & 'x'>\", \"n\": 85, \"r\": 1.21, \"t\": true,"
    " \"f\": false, \"z\": null, \"e\": \"\", \"empty\": [],"
    " \"list\": [{\"name\": \"a\", \"list\": false},"
    "            {\"name\": \"b\", \"list\": false}],"
    " \"words\": [\"x\", \"y\"],"
    " \"a\": {\"b\": {\"c\": \"deep\"}},"
    " \"tree\": {\"name\": \"root\", \"kids\": [{\"name\": \"leaf\","
    "           \"kids\": []}]}}";

static const char *const partials[][2] = {
	{ "item",	"<li>{{name}}</li>\n" },
	{ "list",	"<ul>\n{{#list}}\n  {{>item}}\n{{/list}}\n</ul>\n" },
	{ "node",	"{{name}}({{#kids}}{{>node}}{{/kids}})" },
	{ "layout",	"<html>\n  <title>{{$title}}Default{{/title}}"
			"</title>\n  {{$body}}\n  {{/body}}\n</html>\n" },
	{ "page",	"{{<layout}}{{$title}}{{title}}{{/title}}"
			"{{$body}}\n{{>self}}\n{{/body}}{{/layout}}" },
	{ "delims",	"{{=<% %>=}}<%title%>" },
};

static json_t *data;

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	struct buf out = BUF_INIT, err = BUF_INIT, again = BUF_INIT;
	struct tmpl_memo *memo;
	struct tmpl_set *set;
	struct tmpl *t;
	size_t i;
	int rc, round;

	if (data == NULL && (data = json_loads(context, 0, NULL)) == NULL)
		abort();
	set = tmpl_set_new(NULL, NULL);
	for (i = 0; i < sizeof(partials) / sizeof(partials[0]); i++)
		if (tmpl_set_add(set, partials[i][0], partials[i][1],
		    strlen(partials[i][1]), NULL, &err) == -1)
			abort();
	tmpl_set_add(set, "self", (const char *)in, len, "self", &err);
	buf_reset(&err);

	t = tmpl_parse((const char *)in, len, "fuzz", &err);
	if (t != NULL) {
		if ((rc = tmpl_render(t, set, data, &out, &err)) == 0 &&
		    err.len)
			abort();	/* success leaves err alone */
		buf_reset(&err);
		memo = tmpl_memo_new(1 << 16);
		tmpl_memo_pin(memo, json_object_get(data, "tree"));
		for (round = 0; round < 2; round++) {
			buf_reset(&again);
			if (tmpl_render_memo(t, set, data, memo, &again,
			    &err) != rc || (rc == 0 && (again.len != out.len ||
			    memcmp(again.ptr, out.ptr, out.len) != 0)))
				abort();	/* the memo changed the output */
			buf_reset(&err);
		}
		tmpl_memo_free(memo);
		tmpl_set_strict(set, 1);
		(void)tmpl_render(t, set, data, &out, &err);
	} else if (err.len == 0)
		abort();		/* failure always says why */
	tmpl_free(t);
	tmpl_set_free(set);
	buf_release(&out);
	buf_release(&again);
	buf_release(&err);
	return 0;
}
