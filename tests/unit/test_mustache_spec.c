/*
 * test_mustache_spec: run the official Mustache spec (github.com/mustache/
 * spec) against lib/tmpl.c, one TAP line per spec test.
 *
 * usage: test_mustache_spec [dir]
 *
 * `dir` holds the spec's JSON files (default: the shared copy, relative
 * to the repository root, where tests run).  Lambdas and dynamic names
 * are optional modules the engine does not implement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "tmpl.h"
#include "test.h"

#define SPEC_DIR	"../shared/testdata/mustache-spec"

static const char *const spec_files[] = {
	"comments",
	"delimiters",
	"interpolation",
	"inverted",
	"partials",
	"sections",
	"~inheritance",
};

static int passed, total;

/*
 * One test of the spec; with `memo`, rendered three times through one
 * memo (the later renders copying what it kept), each time as expected.
 */
static void
run_test(const char *file, json_t *test, int memo)
{
	struct buf out = BUF_INIT, err = BUF_INIT, desc = BUF_INIT;
	json_t *tmplv, *expv, *partials, *v;
	const char *name, *key;
	struct tmpl_set *set;
	struct tmpl_memo *m = memo ? tmpl_memo_new(1 << 20) : NULL;
	struct tmpl *t = NULL;
	int ok = 0, round;

	name = json_string_value(json_object_get(test, "name"));
	buf_printf(&desc, "%s: %s%s", file, name != NULL ? name : "?",
	    memo ? " (memo)" : "");
	tmplv = json_object_get(test, "template");
	expv = json_object_get(test, "expected");
	set = tmpl_set_new(NULL, NULL);
	if (!json_is_string(tmplv) || !json_is_string(expv)) {
		buf_puts(&err, "malformed spec test");
		goto out;
	}
	partials = json_object_get(test, "partials");
	json_object_foreach(partials, key, v)
		if (tmpl_set_add(set, key, json_string_value(v),
		    json_string_length(v), key, &err) == -1)
			goto out;
	t = tmpl_parse(json_string_value(tmplv), json_string_length(tmplv),
	    name, &err);
	if (t == NULL)
		goto out;
	for (round = 0; round < (memo ? 3 : 1); round++) {
		buf_reset(&out);
		if (tmpl_render_memo(t, set, json_object_get(test, "data"), m,
		    &out, &err) == -1)
			goto out;
		ok = out.len == json_string_length(expv) &&
		    memcmp(out.ptr, json_string_value(expv), out.len) == 0;
		if (!ok)
			break;
	}
out:
	test_cond(desc.ptr, ok);
	if (!ok) {
		fprintf(stderr, "  template: %s\n",
		    json_string_value(tmplv));
		if (err.len)
			fprintf(stderr, "  error: %s\n", err.ptr);
		else
			fprintf(stderr, "  got:  \"%s\"\n  want: \"%s\"\n",
			    out.ptr, json_string_value(expv));
	}
	passed += ok;
	total++;
	tmpl_free(t);
	tmpl_memo_free(m);
	tmpl_set_free(set);
	buf_release(&out);
	buf_release(&err);
	buf_release(&desc);
}

int
main(int argc, char *argv[])
{
	const char *dir = argc > 1 ? argv[1] : SPEC_DIR;
	struct buf path = BUF_INIT, desc = BUF_INIT;
	json_error_t jerr;
	json_t *spec, *tests;
	size_t i, j;
	int rc;

	for (i = 0; i < sizeof(spec_files) / sizeof(spec_files[0]); i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s.json", dir, spec_files[i]);
		spec = json_load_file(path.ptr, 0, &jerr);
		tests = json_object_get(spec, "tests");
		if (!json_is_array(tests)) {
			buf_reset(&desc);
			buf_printf(&desc, "%s: load %s", spec_files[i],
			    path.ptr);
			test_cond(desc.ptr, 0);
			fprintf(stderr, "  %s: %s\n", path.ptr, jerr.text);
			total++;
			json_decref(spec);
			continue;
		}
		for (j = 0; j < json_array_size(tests); j++) {
			run_test(spec_files[i], json_array_get(tests, j), 0);
			run_test(spec_files[i], json_array_get(tests, j), 1);
		}
		json_decref(spec);
	}
	buf_release(&path);
	buf_release(&desc);
	rc = test_done();
	printf("mustache spec: %d/%d passed\n", passed, total);
	return rc;
}
