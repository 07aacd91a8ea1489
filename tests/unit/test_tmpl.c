/*
 * test_tmpl: lib/tmpl.c beyond the spec: error messages with their
 * positions, strict sets, the loader, recursion limits, escaping,
 * numbers, indentation, rendering from two threads at once, and the
 * memo of partials.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "tmpl.h"
#include "test.h"

/* Parse `src` labelled "t.mustache": the error message, or "" if none. */
static char *
parse_err(const char *src)
{
	struct buf err = BUF_INIT;
	struct tmpl *t;

	t = tmpl_parse(src, strlen(src), "t.mustache", &err);
	tmpl_free(t);
	return buf_detach(&err, NULL);
}

/*
 * Render `src` with JSON `data` and the set: the output, or "ERR: " and
 * the message.
 */
static char *
render(struct tmpl_set *set, const char *src, const char *data)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct tmpl *t;
	json_t *d;

	d = json_loads(data, JSON_DECODE_ANY, NULL);
	if ((t = tmpl_parse(src, strlen(src), "t.mustache", &err)) == NULL ||
	    tmpl_render(t, set, d, &out, &err) == -1) {
		buf_reset(&out);
		buf_printf(&out, "ERR: %s", err.ptr);
	}
	tmpl_free(t);
	json_decref(d);
	buf_release(&err);
	return buf_detach(&out, NULL);
}

/* Add a template that must parse. */
static void
add(struct tmpl_set *set, const char *name, const char *src)
{
	if (tmpl_set_add(set, name, src, strlen(src), NULL, NULL) == -1)
		abort();
}

#define CHECK_STR(desc, expr, want) do {				\
	char *got_ = (expr);						\
	test_streq((desc), got_, (want));				\
	free(got_);							\
} while (0)

static void
test_syntax_errors(void)
{
	CHECK_STR("unclosed section: position of the open tag",
	    parse_err("a\n  {{#x}}\nb\n"),
	    "t.mustache:2:3: unclosed section 'x'");
	CHECK_STR("unclosed block",
	    parse_err("{{$b}}x"), "t.mustache:1:1: unclosed block 'b'");
	CHECK_STR("mismatched closing tag names both places",
	    parse_err("x\n{{#a}}\n  {{#b}}\n{{/a}}"),
	    "t.mustache:4:1: closing tag 'a' does not match open "
	    "section 'b' at 3:3");
	CHECK_STR("mismatched closing tag of a parent",
	    parse_err("{{<p}}{{/q}}"),
	    "t.mustache:1:7: closing tag 'q' does not match open "
	    "parent 'p' at 1:1");
	CHECK_STR("closing tag without an open section",
	    parse_err("ab{{/a}}"),
	    "t.mustache:1:3: closing tag 'a' without an open section");
	CHECK_STR("unclosed tag",
	    parse_err("line\nx {{y"),
	    "t.mustache:2:3: unclosed tag: no '}}' after '{{'");
	CHECK_STR("unclosed tag with custom delimiters",
	    parse_err("{{=<% %>=}}\n<%x"),
	    "t.mustache:2:1: unclosed tag: no '%>' after '<%'");
	CHECK_STR("unclosed triple mustache",
	    parse_err("{{{x}}"),
	    "t.mustache:1:1: unclosed tag: no '}}' after '{{'");
	CHECK_STR("set-delimiter tag with one delimiter",
	    parse_err("a {{=<%=}}"), "t.mustache:1:3: bad set-delimiter tag");
	CHECK_STR("set-delimiter tag with three delimiters",
	    parse_err("{{=< % >=}}"), "t.mustache:1:1: bad set-delimiter tag");
	CHECK_STR("set-delimiter tag with '='",
	    parse_err("{{=a= b=}}"), "t.mustache:1:1: bad set-delimiter tag");
	CHECK_STR("empty tag", parse_err("x{{ }}"),
	    "t.mustache:1:2: empty variable");
	CHECK_STR("name with a space",
	    parse_err("{{#a b}}{{/a b}}"),
	    "t.mustache:1:1: invalid name 'a b' in section");
	CHECK_STR("name with a control character is quoted safely",
	    parse_err("{{a\001b}}"),
	    "t.mustache:1:1: invalid name 'a?b' in variable");
	CHECK_STR("dotted name with an empty part",
	    parse_err("{{a..b}}"),
	    "t.mustache:1:1: invalid name 'a..b' in variable");
	CHECK_STR("columns count bytes",
	    parse_err("\xe6\x97\xa5{{#x}}"),
	    "t.mustache:1:4: unclosed section 'x'");
	CHECK_STR("valid template: no message", parse_err("{{#a}}{{.}}{{/a}}"),
	    "");
	test_cond("NULL err is allowed",
	    tmpl_parse("{{#a}}", 6, "t", NULL) == NULL);
}

static void
test_nesting_limit(void)
{
	struct buf src = BUF_INIT;
	struct buf err = BUF_INIT;
	struct tmpl *t;
	int i;

	for (i = 0; i < TMPL_MAX_NEST; i++)
		BUF_PUTSL(&src, "{{#a}}");
	for (i = 0; i < TMPL_MAX_NEST; i++)
		BUF_PUTSL(&src, "{{/a}}");
	t = tmpl_parse(src.ptr, src.len, "deep", &err);
	test_cond("sections nested TMPL_MAX_NEST deep parse", t != NULL);
	tmpl_free(t);

	buf_reset(&src);
	for (i = 0; i <= TMPL_MAX_NEST; i++)
		BUF_PUTSL(&src, "{{#a}}");
	t = tmpl_parse(src.ptr, src.len, "deep", &err);
	test_cond("one more is a syntax error", t == NULL);
	test_streq("nesting message", err.ptr,
	    "deep:1:385: sections nested deeper than 64");
	buf_release(&src);
	buf_release(&err);
}

static void
test_escaping(void)
{
	CHECK_STR("escapes & < > \" and '",
	    render(NULL, "{{x}}",
	    "{\"x\": \"<a href='u' title=\\\"t\\\">&</a>\"}"),
	    "&lt;a href=&#39;u&#39; title=&quot;t&quot;&gt;&amp;&lt;/a&gt;");
	CHECK_STR("' alone", render(NULL, "{{x}}", "{\"x\": \"it's\"}"),
	    "it&#39;s");
	CHECK_STR("triple mustache does not escape",
	    render(NULL, "{{{x}}}{{&x}}", "{\"x\": \"'<\"}"), "'<'<");
	CHECK_STR("no re-interpolation of data",
	    render(NULL, "{{x}}", "{\"x\": \"{{y}}\", \"y\": 1}"), "{{y}}");
}

static void
test_values(void)
{
	CHECK_STR("integer", render(NULL, "{{n}}", "{\"n\": -85}"), "-85");
	CHECK_STR("real, shortest form",
	    render(NULL, "{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}",
	    "{\"a\": 1.21, \"b\": 0.1, \"c\": 100.0, \"d\": 1e300,"
	    " \"e\": -0.000123, \"f\": 1e21, \"g\": 0.30000000000000004}"),
	    "1.21 0.1 100 1e+300 -0.000123 1e+21 0.30000000000000004");
	CHECK_STR("booleans", render(NULL, "{{t}} {{f}}",
	    "{\"t\": true, \"f\": false}"), "true false");
	CHECK_STR("null, object and array as nothing",
	    render(NULL, "[{{n}}{{o}}{{a}}]",
	    "{\"n\": null, \"o\": {}, \"a\": [1]}"), "[]");
	CHECK_STR("falsey: false, null, [], \"\"",
	    render(NULL, "{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}"
	    "{{^a}}a{{/a}}{{^b}}b{{/b}}{{^c}}c{{/c}}{{^d}}d{{/d}}",
	    "{\"a\": false, \"b\": null, \"c\": [], \"d\": \"\"}"), "abcd");
	CHECK_STR("truthy: 0, {}, \"0\"",
	    render(NULL, "{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}",
	    "{\"a\": 0, \"b\": {}, \"c\": \"0\"}"), "ABC");
	CHECK_STR("NULL data", render(NULL, "[{{x}}]", "null"), "[]");
}

/* A loader over a JSON object of name -> source, counting its calls. */
struct loader_arg {
	json_t	*srcs;
	int	 calls;
};

static int
loader(void *arg, const char *name, struct buf *src, struct buf *label,
    struct buf *err)
{
	struct loader_arg *la = arg;
	json_t *v;

	la->calls++;
	if (strcmp(name, "broken-loader") == 0) {
		buf_puts(err, "cannot read broken-loader");
		return -1;
	}
	if ((v = json_object_get(la->srcs, name)) == NULL)
		return 1;
	buf_add(src, json_string_value(v), json_string_length(v));
	buf_printf(label, "themes/%s.mustache", name);
	return 0;
}

static void
test_sets(void)
{
	struct loader_arg la;
	struct tmpl_set *set;
	struct buf err = BUF_INIT;
	const struct tmpl *t;

	la.calls = 0;
	la.srcs = json_pack("{s:s, s:s, s:s}",
	    "item", "<li>{{.}}</li>",
	    "bad", "ok\n  {{#x}}",
	    "layout", "<h1>{{$title}}Default{{/title}}</h1>\n");
	set = tmpl_set_new(loader, &la);

	CHECK_STR("partial through the loader",
	    render(set, "{{#xs}}{{>item}}{{/xs}}", "{\"xs\": [1, 2]}"),
	    "<li>1</li><li>2</li>");
	test_cond("the loader ran once for two uses", la.calls == 1);
	CHECK_STR("parent through the loader",
	    render(set, "{{<layout}}{{$title}}T{{/title}}{{/layout}}", "{}"),
	    "<h1>T</h1>\n");

	CHECK_STR("lenient: a missing partial renders as nothing",
	    render(set, "[{{>nope}}]", "{}"), "[]");
	CHECK_STR("lenient: a missing parent renders as nothing",
	    render(set, "[{{<nope}}{{$a}}x{{/a}}{{/nope}}]", "{}"), "[]");
	la.calls = 0;
	CHECK_STR("missing again", render(set, "[{{>nope}}]", "{}"), "[]");
	test_cond("a missing name is remembered", la.calls == 0);

	CHECK_STR("a partial with a syntax error is an error",
	    render(set, "{{>bad}}", "{}"),
	    "ERR: themes/bad.mustache:2:3: unclosed section 'x'");
	CHECK_STR("a loader error is an error",
	    render(set, "{{>broken-loader}}", "{}"),
	    "ERR: cannot read broken-loader");

	tmpl_set_strict(set, 1);
	CHECK_STR("strict: a missing partial names it and where",
	    render(set, "a\n  b{{>nope}}", "{}"),
	    "ERR: t.mustache:2:4: partial 'nope' not found");
	CHECK_STR("strict: a missing parent",
	    render(set, "{{<nope}}{{/nope}}", "{}"),
	    "ERR: t.mustache:1:1: parent 'nope' not found");
	add(set, "outer", "x\n{{>nope}}");
	CHECK_STR("strict: a missing partial inside a partial is reported "
	    "where it is referenced", render(set, "{{>outer}}", "{}"),
	    "ERR: outer:2:1: partial 'nope' not found");
	CHECK_STR("strict: present partials still work",
	    render(set, "{{>item}}", "\"a\""), "<li>a</li>");
	tmpl_set_strict(set, 0);

	t = tmpl_set_get(set, "item", &err);
	test_cond("tmpl_set_get finds a loaded template", t != NULL);
	t = tmpl_set_get(set, "nope", &err);
	test_cond("tmpl_set_get: NULL when missing", t == NULL);
	test_streq("tmpl_set_get: message", err.ptr,
	    "template 'nope' not found");

	buf_reset(&err);
	test_cond("tmpl_set_add replaces",
	    tmpl_set_add(set, "item", "({{.}})", 7, NULL, &err) == 0);
	CHECK_STR("the replacement renders",
	    render(set, "{{>item}}", "1"), "(1)");
	test_cond("tmpl_set_add: syntax error",
	    tmpl_set_add(set, "x", "{{/a}}", 6, "x.mustache", &err) == -1);
	test_streq("tmpl_set_add: message", err.ptr,
	    "x.mustache:1:1: closing tag 'a' without an open section");

	tmpl_set_free(set);
	tmpl_set_free(NULL);
	json_decref(la.srcs);
	buf_release(&err);
}

static void
test_recursion(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct buf data = BUF_INIT;
	char *got;
	int i;

	add(set, "loop", "x{{>loop}}");
	CHECK_STR("a partial that includes itself unconditionally fails",
	    render(set, "{{>loop}}", "{}"),
	    "ERR: loop:1:2: partial 'loop' nested deeper than 64 levels");

	add(set, "a", "{{>b}}");
	add(set, "b", "{{>a}}");
	got = render(set, "{{>a}}", "{}");
	test_cond("mutual recursion fails too",
	    strstr(got, "nested deeper than 64 levels") != NULL);
	free(got);

	add(set, "p", "{{<p}}{{/p}}");
	got = render(set, "{{<p}}{{/p}}", "{}");
	test_cond("a parent that extends itself fails",
	    strstr(got, "parent 'p' nested deeper") != NULL);
	free(got);

	add(set, "site", "{{$x}}{{/x}}");
	got = render(set, "{{<site}}{{$x}}<{{$x}}{{/x}}>{{/x}}{{/site}}",
	    "{}");
	test_cond("a block that expands itself fails",
	    strstr(got, "block 'x' nested deeper") != NULL);
	free(got);

	/* A tree 60 levels deep through a recursive partial is fine. */
	add(set, "node", "{{#kid}}({{>node}}){{/kid}}");
	for (i = 0; i < 60; i++)
		BUF_PUTSL(&data, "{\"kid\": ");
	BUF_PUTSL(&data, "{\"kid\": false}");
	for (i = 0; i < 60; i++)
		buf_putc(&data, '}');
	got = render(set, "{{>node}}", data.ptr);
	test_cond("data-bounded recursion works", strlen(got) == 120 &&
	    got[0] == '(' && got[59] == '(' && got[60] == ')' &&
	    got[119] == ')');
	free(got);

	/* 3^20 iterations of nothing: bounded by TMPL_MAX_STEPS. */
	buf_reset(&data);
	for (i = 0; i < 20; i++)
		BUF_PUTSL(&data, "{{#a}}");
	for (i = 0; i < 20; i++)
		BUF_PUTSL(&data, "{{/a}}");
	got = render(set, data.ptr, "{\"a\": [1, 2, 3]}");
	test_cond("runaway work is an error",
	    strstr(got, "rendering takes more than 16777216 steps") != NULL);
	free(got);

	buf_release(&data);
	tmpl_set_free(set);
}

static void
test_indentation(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);

	add(set, "list", "<ul>\n{{#xs}}\n  <li>{{.}}</li>\n{{/xs}}\n"
	    "</ul>\n");
	add(set, "inner", "a\nb\n");
	add(set, "outer", "<div>\n  {{>inner}}\n</div>\n");
	add(set, "layout", "<body>\n  <main>\n    {{$main}}\n"
	    "    {{/main}}\n  </main>\n</body>\n");

	CHECK_STR("standalone partial indents each line, not data",
	    render(set, "<nav>\n  {{>list}}\n</nav>\n",
	    "{\"xs\": [\"1\", \"a\\nb\"]}"),
	    "<nav>\n  <ul>\n    <li>1</li>\n    <li>a\nb</li>\n  </ul>\n"
	    "</nav>\n");
	CHECK_STR("nested standalone partials add up",
	    render(set, "  {{>outer}}\n", "{}"),
	    "  <div>\n    a\n    b\n  </div>\n");
	add(set, "gap", "a\n\nb\n");
	CHECK_STR("empty lines are not indented",
	    render(set, "  {{>gap}}\n", "{}"), "  a\n\n  b\n");
	CHECK_STR("block content moves to the block's indentation",
	    render(set, "{{<layout}}\n{{$main}}\n        <p>x</p>\n"
	    "        <p>y</p>\n{{/main}}\n{{/layout}}\n", "{}"),
	    "<body>\n  <main>\n    <p>x</p>\n    <p>y</p>\n  </main>\n"
	    "</body>\n");
	CHECK_STR("same template rendered at two indentations",
	    render(set, "{{>inner}}  {{>inner}}\n    {{>inner}}\n", "{}"),
	    "a\nb\n  a\nb\n\n    a\n    b\n");
	tmpl_set_free(set);
}

static void
test_output_on_error(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct tmpl *t;

	tmpl_set_strict(set, 1);
	BUF_PUTSL(&out, "kept");
	t = tmpl_parse("abc{{>x}}", 9, "e", &err);
	test_cond("render fails", tmpl_render(t, set, NULL, &out, &err) == -1);
	test_streq("out is left as it was", out.ptr, "kept");
	tmpl_free(t);
	tmpl_set_free(set);
	buf_release(&out);
	buf_release(&err);
}

/* Two threads render one template through one set at the same time. */
struct job {
	const struct tmpl	*t;
	struct tmpl_set		*set;
	json_t			*data;
	const char		*want;
	int			 bad;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct buf out = BUF_INIT;
	int i;

	for (i = 0; i < 2000; i++) {
		buf_reset(&out);
		if (tmpl_render(j->t, j->set, j->data, &out, NULL) == -1 ||
		    !buf_eq(&out, j->want))
			j->bad++;
	}
	buf_release(&out);
	return NULL;
}

static void
test_threads(void)
{
	struct loader_arg la;
	struct tmpl_set *set;
	struct tmpl *t;
	struct job a, b;
	pthread_t ta, tb;
	const char *src = "{{<page}}{{$body}}\n{{#xs}}\n  {{>item}}\n"
	    "{{/xs}}\n{{/body}}{{/page}}";

	la.calls = 0;
	la.srcs = json_pack("{s:s, s:s}", "item", "<li>{{n}}</li>\n",
	    "page", "<ul>\n  {{$body}}\n  {{/body}}\n</ul>\n");
	set = tmpl_set_new(loader, &la);
	t = tmpl_parse(src, strlen(src), "threads", NULL);
	a.t = b.t = t;
	a.set = b.set = set;
	a.data = b.data = json_loads("{\"xs\": [{\"n\": 1}, {\"n\": \"<2>\"}]}",
	    0, NULL);
	a.want = b.want =
	    "<ul>\n    <li>1</li>\n    <li>&lt;2&gt;</li>\n</ul>\n";
	a.bad = b.bad = 0;
	pthread_create(&ta, NULL, worker, &a);
	pthread_create(&tb, NULL, worker, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	test_cond("two threads render the same output", a.bad == 0 &&
	    b.bad == 0);
	test_cond("the loader ran once per name", la.calls == 2);
	json_decref(a.data);
	tmpl_free(t);
	tmpl_set_free(set);
	json_decref(la.srcs);
}

/* Render t with JSON `data` through memo m: the output, or "ERR". */
static char *
render_memo(const struct tmpl *t, struct tmpl_set *set,
    struct tmpl_memo *m, json_t *d)
{
	struct buf out = BUF_INIT;

	if (tmpl_render_memo(t, set, d, m, &out, NULL) == -1) {
		buf_reset(&out);
		BUF_PUTSL(&out, "ERR");
	}
	return buf_detach(&out, NULL);
}

/* Whether rendering t through m gives what it gives without; takes d. */
static int
same_with_memo(const struct tmpl *t, struct tmpl_set *set,
    struct tmpl_memo *m, json_t *d)
{
	char *got = render_memo(t, set, m, d), *want = render_memo(t, set,
	    NULL, d);
	int same = strcmp(got, want) == 0;

	free(got);
	free(want);
	json_decref(d);
	return same;
}

/*
 * The memo: a partial's output is reused only for equal data, so that
 * every render reads as it would without it; what it must not keep
 * (blocks, ".", outputs that never repeat) it renders every time.
 */
static void
test_memo(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct tmpl_memo *m = tmpl_memo_new(1 << 20);
	const char *src = "{{> nav}}|{{> dot}}|{{> blk}}\n";
	struct tmpl *t;
	json_t *d, *pinned;
	char *got, *want;
	size_t hits;
	int i, bad;

	add(set, "nav", "{{#items}}<a href=\"{{url}}\">{{title}}</a>{{/items}}"
	    "{{#page.is_home}}H{{/page.is_home}}{{site.name}}");
	add(set, "dot", "{{#items}}{{.}}{{/items}}");
	add(set, "blk", "{{$b}}B{{/b}}{{n}}");
	t = tmpl_parse(src, strlen(src), "memo", NULL);

	/* Many renders over a few distinct data, each compared with a
	 * render without the memo, values and nesting changing. */
	bad = 0;
	for (i = 0; i < 300; i++) {
		d = json_pack("{s:[{s:s, s:i}, {s:s, s:s}], s:{s:b, s:s}, "
		    "s:{s:s}, s:i, s:s}",
		    "items", "url", i % 3 ? "a.html" : "b.html", "title", i % 2,
		    "url", "c.html", "title", i % 5 ? "<x>" : "<y>",
		    "page", "is_home", i % 7 == 0, "content", "unread",
		    "site", "name", i % 11 ? "S" : "T", "n", i % 4,
		    "title", "outer");
		bad += !same_with_memo(t, set, m, d);
	}
	test_cond("memoised renders equal plain ones over changing data",
	    bad == 0);
	test_cond("the memo copied partials it had rendered",
	    tmpl_memo_hits(m) > 100);

	/* A name missing from an item falls back to the outer context,
	 * which the key covers. */
	bad = 0;
	for (i = 0; i < 4; i++) {
		d = json_pack("{s:[{s:s}], s:s}", "items", "url", "u",
		    "title", i % 2 ? "one" : "two");
		bad += !same_with_memo(t, set, m, d);
	}
	test_cond("a name resolved outside its section is part of the key",
	    bad == 0);

	/* Pinned values are known by address and digested once. */
	pinned = json_pack("[{s:s, s:s}]", "url", "p.html", "title", "P");
	tmpl_memo_pin(m, pinned);
	bad = 0;
	for (i = 0; i < 4; i++) {
		d = json_pack("{s:O, s:{s:b}}", "items", pinned, "page",
		    "is_home", i % 2);
		bad += !same_with_memo(t, set, m, d);
	}
	test_cond("pinned values render as themselves", bad == 0);
	json_decref(pinned);

	/* Indentation is part of the key. */
	{
		const char *s2 = "  {{> nav}}\n{{> nav}}\n";
		struct tmpl *t2 = tmpl_parse(s2, strlen(s2), "ind", NULL);

		d = json_pack("{s:[{s:s, s:s}]}", "items", "url", "u",
		    "title", "t");
		got = render_memo(t2, set, m, d);
		want = render_memo(t2, set, NULL, d);
		test_streq("a partial at two indentations", got, want);
		free(got);
		hits = tmpl_memo_hits(m);
		got = render_memo(t2, set, m, d);
		test_streq("... and again, from the memo", got, want);
		test_cond("... both copied", tmpl_memo_hits(m) == hits + 2);
		free(got);
		free(want);
		json_decref(d);
		tmpl_free(t2);
	}
	/* A partial that includes itself, down a tree: memoised all the
	 * same, each level by its own data. */
	{
		const char *s3 = "{{> node}}|{{> node}}";
		struct tmpl *t3 = tmpl_parse(s3, strlen(s3), "rec", NULL);

		add(set, "node", "{{name}}({{#kids}}{{> node}}{{/kids}})");
		hits = tmpl_memo_hits(m);
		d = json_loads("{\"name\": \"r\", \"kids\": [{\"name\": "
		    "\"a\", \"kids\": []}, {\"name\": \"a\", \"kids\": "
		    "[]}]}", 0, NULL);
		test_cond("a partial that includes itself",
		    same_with_memo(t3, set, m, d));
		test_cond("... copied where its data repeats",
		    tmpl_memo_hits(m) > hits);
		tmpl_free(t3);
	}

	/* A chain of partials each including the next twice: gathering
	 * their names reads each once (2^40 times otherwise), and the
	 * copies count the steps their renders took, so that this fails
	 * past TMPL_MAX_STEPS as it does without the memo. */
	{
		const char *s4 = "{{#y}}{{> c0}}{{/y}}";
		char name[16], src[64];
		struct tmpl *t4;

		for (i = 0; i < 40; i++) {
			snprintf(name, sizeof(name), "c%d", i);
			snprintf(src, sizeof(src), "{{> c%d}}{{> c%d}}", i + 1,
			    i + 1);
			add(set, name, src);
		}
		add(set, "c40", "{{x}}");
		t4 = tmpl_parse(s4, strlen(s4), "chain", NULL);
		d = json_pack("{s:b}", "y", 1);
		got = render_memo(t4, set, m, d);
		test_streq("a chain of partials, too long to render", got,
		    "ERR");
		free(got);
		json_decref(d);
		tmpl_free(t4);
	}
	tmpl_memo_free(m);
	tmpl_memo_free(NULL);
	tmpl_memo_pin(NULL, NULL);
	tmpl_free(t);
	tmpl_set_free(set);
}

static void
add_name(void *arg, const char *name)
{
	struct buf *b = arg;

	buf_printf(b, "%s;", name);
}

static void
test_includes(void)
{
	const char *src = "{{< base}}{{$main}}{{#a}}{{> item}}{{/a}}"
	    "{{! {{> not}} }}{{=<% %>=}}<%> later%>{{> not}}<%/main%><%/base%>";
	struct buf b = BUF_INIT;
	struct tmpl *t = tmpl_parse(src, strlen(src), "t", NULL);
	size_t len = 0;

	test_cond("includes: parses", t != NULL);
	if (t == NULL)
		return;
	tmpl_includes(t, add_name, &b);
	test_streq("includes: parents and partials, in order, not in "
	    "comments nor text after a change of delimiters", b.ptr,
	    "base;item;later;");
	test_cond("includes: the source as parsed",
	    strcmp(tmpl_source(t, &len), src) == 0 && len == strlen(src));
	tmpl_free(t);
	buf_release(&b);
}

int
main(void)
{
	test_includes();
	test_syntax_errors();
	test_nesting_limit();
	test_escaping();
	test_values();
	test_sets();
	test_recursion();
	test_indentation();
	test_output_on_error();
	test_threads();
	test_memo();
	return test_done();
}
