/*
 * test_yaml: lib/yaml.c, the YAML loader: tree and positions, typing in
 * ynode_to_json(), every error with its "FILE:LINE:COL:" prefix, the
 * limits, and the typed readers; and that reading simple documents
 * directly gives what libyaml's events give.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "test.h"
#include "yaml.h"

/*
 * The one message in err without its final newline (which must be there:
 * messages are lines), or a string that no test expects.
 */
static const char *
msg(struct buf *err)
{
	if (err->len == 0 || err->ptr[err->len - 1] != '\n')
		return "(not a line)";
	if (memchr(err->ptr, '\n', err->len - 1) != NULL)
		return "(more than one line)";
	buf_truncate(err, err->len - 1);
	return err->ptr;
}

/* Load with file "t.yaml" and first line `first`; err receives messages. */
static struct ynode *
load_at(const char *src, size_t first, struct buf *err)
{
	buf_reset(err);
	return yaml_load(src, strlen(src), "t.yaml", first, err);
}

/* The document as compact JSON (malloc'd), or the error text. */
static char *
json_of(const char *src)
{
	struct buf err = BUF_INIT;
	struct ynode *y;
	json_t *j;
	char *s;

	if ((y = load_at(src, 1, &err)) == NULL)
		return buf_detach(&err, NULL);
	buf_release(&err);
	j = ynode_to_json(y);
	ynode_free(y);
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return s;
}

static void
check_json(const char *desc, const char *src, const char *want)
{
	char *got = json_of(src);

	test_streq(desc, got, want);
	free(got);
}

/* Loading src (first line `first`) fails with exactly `want`. */
static void
check_err(const char *desc, const char *src, size_t first, const char *want)
{
	struct buf err = BUF_INIT;
	struct ynode *y = load_at(src, first, &err);

	test_cond(desc, y == NULL);
	test_streq(desc, msg(&err), want);
	ynode_free(y);
	buf_release(&err);
}

/* Loading src fails with a message that starts with `prefix` and
 * contains `part` (libyaml's own wording, which may vary by version). */
static void
check_err_has(const char *desc, const char *src, const char *prefix,
    const char *part)
{
	struct buf err = BUF_INIT;
	struct ynode *y = load_at(src, 1, &err);
	int ok = y == NULL && strncmp(err.ptr, prefix, strlen(prefix)) == 0 &&
	    strstr(err.ptr, part) != NULL;

	test_cond(desc, ok);
	if (!ok)
		fprintf(stderr, "  got: \"%s\"\n", err.ptr);
	ynode_free(y);
	buf_release(&err);
}

static void
test_tree(void)
{
	struct buf err = BUF_INIT;
	const struct ynode *v, *s;
	struct ynode *y;

	y = load_at("title: Hello\n"
	    "list:\n"
	    "  - one\n"
	    "  - \"two\"\n"
	    "map: {k: v}\n"
	    "text: |\n"
	    "  line\n", 1, &err);
	test_cond("tree: loads", y != NULL);
	if (y == NULL)
		return;
	test_cond("tree: root is a mapping of 4", y->kind == YNODE_MAP &&
	    y->n == 4 && y->line == 1 && y->col == 1);
	test_streq("tree: first key", y->keys[0]->str, "title");
	test_cond("tree: key position", y->keys[1]->line == 2 &&
	    y->keys[1]->col == 1);
	v = ynode_get(y, "title");
	test_cond("tree: scalar value", v != NULL && v->kind ==
	    YNODE_SCALAR && v->len == 5 && v->plain && v->line == 1 &&
	    v->col == 8 && v->items == NULL && v->keys == NULL);
	v = ynode_get(y, "list");
	test_cond("tree: sequence", v != NULL && v->kind == YNODE_SEQ &&
	    v->n == 2 && v->str == NULL && v->line == 3 && v->col == 3);
	if (v != NULL && v->n == 2) {
		s = v->items[1];
		test_cond("tree: quoted item", s->line == 4 && s->col == 5 &&
		    !s->plain && strcmp(s->str, "two") == 0);
		test_cond("tree: plain item", v->items[0]->plain &&
		    v->items[0]->col == 5);
	}
	v = ynode_get(y, "map");
	test_cond("tree: flow mapping", v != NULL && v->kind == YNODE_MAP &&
	    v->line == 5 && v->col == 6 && v->n == 1 &&
	    v->items[0]->line == 5 && v->items[0]->col == 10);
	v = ynode_get(y, "text");
	test_cond("tree: block scalar is not plain", v != NULL && !v->plain &&
	    strcmp(v->str, "line\n") == 0);
	test_cond("tree: ynode_get missing", ynode_get(y, "nope") == NULL);
	test_cond("tree: ynode_get on a scalar", ynode_get(ynode_get(y,
	    "title"), "x") == NULL);
	test_cond("tree: ynode_get NULL", ynode_get(NULL, "x") == NULL &&
	    ynode_get(y, NULL) == NULL);
	ynode_free(y);

	/* first_line offsets every line; columns do not move. */
	y = load_at("a: 1\nb:\n  c: x\n", 2, &err);
	v = ynode_get(ynode_get(y, "b"), "c");
	test_cond("tree: first_line offset", y != NULL && y->line == 2 &&
	    v != NULL && v->line == 4 && v->col == 6);
	ynode_free(y);

	/* Columns count bytes; CRLF and CR end lines. */
	y = load_at("\xe5\x90\x8d\xe5\x89\x8d: \xe5\xa4\xaa\xe9\x83\x8e\r\n"
	    "x: 1\ry: 2\n", 1, &err);
	test_cond("tree: byte columns", y != NULL && y->n == 3 &&
	    y->items[0]->col == 9);
	test_cond("tree: CRLF and CR lines", y != NULL && y->n == 3 &&
	    y->keys[1]->line == 2 && y->keys[2]->line == 3 &&
	    y->keys[2]->col == 1);
	ynode_free(y);

	/* A byte-order mark is skipped and does not shift columns. */
	y = load_at("\xef\xbb\xbf" "a: 1\nb: 2\n", 1, &err);
	test_cond("tree: BOM skipped", y != NULL && y->n == 2 &&
	    y->keys[0]->col == 1 && y->keys[1]->line == 2);
	ynode_free(y);

	/* Aliases are copies placed at the alias; inside, the anchor's. */
	y = load_at("base: &b {x: 1}\ncopy: *b\n", 1, &err);
	v = ynode_get(y, "copy");
	test_cond("tree: alias copy", v != NULL && v->kind == YNODE_MAP &&
	    v->line == 2 && v->col == 7 && v->n == 1 &&
	    v->items[0]->line == 1 && v != ynode_get(y, "base"));
	ynode_free(y);

	/* NULL src and NULL file are accepted; so is NULL err. */
	y = yaml_load(NULL, 0, NULL, 0, NULL);
	test_cond("tree: NULL input is an empty mapping", y != NULL &&
	    y->kind == YNODE_MAP && y->n == 0 && y->line == 1);
	ynode_free(y);
	test_cond("tree: error with NULL err",
	    yaml_load("a: [", 4, NULL, 1, NULL) == NULL);
	ynode_free(NULL);
	test_cond("tree: ynode_free(NULL)", 1);

	/* Length is honoured: the bytes after len are not read. */
	y = yaml_load("a: 1\nb: [", 5, "t.yaml", 1, &err);
	test_cond("tree: len bounds the input", y != NULL && y->n == 1);
	ynode_free(y);
	buf_release(&err);
}

/* Positions far into the input, past many multi-byte characters. */
static void
test_positions(void)
{
	const char *bad = "   z: [1, 2]\n";
	const char *unclosed = "last: [1, \xe6\x97\xa5, \"x]\n";
	struct buf src = BUF_INIT, err = BUF_INIT;
	struct ynode *y;
	int i;

	BUF_PUTSL(&src, "a: ");
	for (i = 0; i < 1000; i++)
		BUF_PUTSL(&src, "\xe6\x97\xa5");	/* 3 bytes each */
	BUF_PUTSL(&src, "\nb: x\n");
	for (i = 0; i < 700; i++)
		buf_printf(&src, "k%d: \xe6\x9c\xac\r\n", i);
	buf_puts(&src, bad);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("positions: loads", y == NULL);
	test_streq("positions: error after 700 CRLF lines", msg(&err),
	    "t.yaml:703:5: mapping values are not allowed in this context");
	ynode_free(y);

	buf_truncate(&src, src.len - strlen(bad));
	buf_puts(&src, unclosed);
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_streq("positions: context mark before the problem", msg(&err),
	    "t.yaml:704:1: found unexpected end of stream (while scanning a "
	    "quoted scalar at line 703, column 16)");
	ynode_free(y);

	buf_truncate(&src, src.len - strlen(unclosed));
	BUF_PUTSL(&src, "last: \xe6\x97\xa5\n");
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("positions: long document", y != NULL && y->n == 703);
	if (y != NULL && y->n == 703) {
		test_cond("positions: after 1000 wide characters",
		    y->keys[1]->line == 2 && y->keys[1]->col == 1 &&
		    y->items[1]->col == 4);
		test_cond("positions: deep in the file",
		    y->keys[702]->line == 703 && y->items[702]->col == 7 &&
		    y->items[701]->line == 702 && y->items[701]->col == 7);
	}
	ynode_free(y);
	buf_release(&src);
	buf_release(&err);
}

static void
test_empty(void)
{
	check_json("empty: no text", "", "{}");
	check_json("empty: only comments", "# one\n   # two\n\n", "{}");
	check_json("empty: bare ---", "---\n", "{}");
	check_json("empty: --- and ...", "---\n# c\n...\n", "{}");
	check_json("empty: root scalar stays", "hello", "\"hello\"");
	check_json("empty: quoted empty stays", "''", "\"\"");
	check_json("empty: root sequence", "- 1\n- 2\n", "[1,2]");
}

static void
test_typing(void)
{
	check_json("typing: booleans",
	    "[true, True, TRUE, false, False, FALSE, tRUE, yes, no, on]",
	    "[true,true,true,false,false,false,\"tRUE\",\"yes\",\"no\","
	    "\"on\"]");
	check_json("typing: nulls", "[null, Null, NULL, ~, nULL, '']",
	    "[null,null,null,null,\"nULL\",\"\"]");
	check_json("typing: empty value is null", "a:\nb: ", "{\"a\":null,"
	    "\"b\":null}");
	check_json("typing: integers",
	    "[0, -0, +12, 007, -9223372036854775808, 9223372036854775807]",
	    "[0,0,12,7,-9223372036854775808,9223372036854775807]");
	check_json("typing: octal and hex",
	    "[0o17, 0x1F, 0xff, 0o, 0x, 0o8, 0xG, 0b101, -0x1]",
	    "[15,31,255,\"0o\",\"0x\",\"0o8\",\"0xG\",\"0b101\",\"-0x1\"]");
	check_json("typing: integers out of range stay strings",
	    "[9223372036854775808, -9223372036854775809, "
	    "0x8000000000000000]",
	    "[\"9223372036854775808\",\"-9223372036854775809\","
	    "\"0x8000000000000000\"]");
	check_json("typing: floats",
	    "[1.5, -2.25, .5, 1., 1e3, 2E-2, +.5e+1]",
	    "[1.5,-2.25,0.5,1.0,1000.0,0.02,5.0]");
	check_json("typing: not floats",
	    "[., 1.2.3, e3, 1e, 1_000, 1,5, 0.5.]",
	    "[\".\",\"1.2.3\",\"e3\",\"1e\",\"1_000\",1,5,\"0.5.\"]");
	check_json("typing: .inf and .nan become null",
	    "[.inf, -.Inf, +.INF, .nan, .NaN, .NAN, .Nan, -.nan, 1e999]",
	    "[null,null,null,null,null,null,\".Nan\",\"-.nan\",null]");
	check_json("typing: quoted and block scalars are strings",
	    "[\"true\", 'null', \"12\", '1.5', !!str 3, ! true]",
	    "[\"true\",\"null\",\"12\",\"1.5\",\"3\",\"true\"]");
	check_json("typing: other tags are ignored", "[!!int 3, !x true]",
	    "[3,true]");
	check_json("typing: block scalar", "a: |\n  12\nb: >\n  true\n",
	    "{\"a\":\"12\\n\",\"b\":\"true\\n\"}");
	check_json("typing: dates stay strings",
	    "d: 2024-04-01\nt: 2024-04-01T09:00:00+09:00\n",
	    "{\"d\":\"2024-04-01\",\"t\":\"2024-04-01T09:00:00+09:00\"}");
	check_json("typing: keys keep their order",
	    "zeta: 1\nalpha: 2\nmid: 3\nb: 4\na: 5\n",
	    "{\"zeta\":1,\"alpha\":2,\"mid\":3,\"b\":4,\"a\":5}");
	check_json("typing: keys are text", "1: a\ntrue: b\n~: c\n",
	    "{\"1\":\"a\",\"true\":\"b\",\"~\":\"c\"}");
	check_json("typing: merge key is ordinary",
	    "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
	    "{\"base\":{\"x\":1},\"m\":{\"<<\":{\"x\":1},\"y\":2}}");
	check_json("typing: NUL in a quoted scalar", "\"a\\0b\": \"c\\0\"",
	    "{\"a\\u0000b\":\"c\\u0000\"}");
	check_json("typing: Japanese text", "\xe5\x90\x8d: \xe5\xa4\xaa",
	    "{\"\xe5\x90\x8d\":\"\xe5\xa4\xaa\"}");

	json_t *j = ynode_to_json(NULL);
	test_cond("typing: ynode_to_json(NULL) is null", json_is_null(j));
	json_decref(j);
}

static void
test_aliases(void)
{
	check_json("alias: scalar and collection",
	    "a: &x hello\nb: *x\nc: &s [1, *x]\nd: *s\n",
	    "{\"a\":\"hello\",\"b\":\"hello\",\"c\":[1,\"hello\"],"
	    "\"d\":[1,\"hello\"]}");
	check_json("alias: anchor redefined", "a: &x 1\nb: &x 2\nc: *x\n",
	    "{\"a\":1,\"b\":2,\"c\":2}");
	check_json("alias: as a key", "a: &k name\n*k : 2\n",
	    "{\"a\":\"name\",\"name\":2}");
	check_json("alias: keeps quoting", "a: &q \"1\"\nb: *q\n",
	    "{\"a\":\"1\",\"b\":\"1\"}");
	check_err("alias: unknown anchor", "a: 1\nb: *nope\n", 1,
	    "t.yaml:2:4: alias '*nope' refers to no anchor before it");
	check_err("alias: defined later", "a: *x\nb: &x 1\n", 1,
	    "t.yaml:1:4: alias '*x' refers to no anchor before it");
	check_err("alias: inside its own node", "a: &x [1, *x]\n", 1,
	    "t.yaml:1:11: alias '*x' is inside the node it refers to");
	check_err("alias: collection as a key", "a: &m {x: 1}\n? *m\n: 2\n", 1,
	    "t.yaml:2:3: mapping key is a mapping; keys must be scalars");
	check_err("alias: duplicate key through an alias",
	    "a: &k b\nb: 1\n*k : 2\n", 1,
	    "t.yaml:3:1: duplicate key 'b' (first at line 2)");
}

/* The classic "billion laughs": each level has nine of the one before. */
static void
test_alias_bomb(void)
{
	struct buf src = BUF_INIT, err = BUF_INIT;
	struct ynode *y;
	int i, j;

	BUF_PUTSL(&src, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, "
	    "lol]\n");
	for (i = 1; i < 10; i++) {
		buf_printf(&src, "l%d: &l%d [", i, i);
		for (j = 0; j < 9; j++)
			buf_printf(&src, "%s*l%d", j ? ", " : "", i - 1);
		BUF_PUTSL(&src, "]\n");
	}
	y = yaml_load(src.ptr, src.len, "bomb.yaml", 1, &err);
	test_cond("bomb: rejected", y == NULL);
	/* l4 alone is 66430 nodes (1 + 9 * 7381) and the document has
	 * 74740 by the time l5 opens: l5's first alias passes 100000. */
	test_streq("bomb: message", msg(&err), "bomb.yaml:6:10: alias '*l4' "
	    "expands the document past 100000 nodes");
	ynode_free(y);

	/* Few nodes but long text: the byte budget stops it. */
	buf_reset(&src);
	BUF_PUTSL(&src, "a: &a \"");
	for (i = 0; i < 65536; i++)
		buf_putc(&src, 'x');
	BUF_PUTSL(&src, "\"\nb: [");
	for (i = 0; i < 300; i++)
		BUF_PUTSL(&src, "*a, ");
	BUF_PUTSL(&src, "]\n");
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("bomb: long text rejected", y == NULL);
	/* 16 MiB / 64 KiB = 256 copies fit; the 257th (column 5 + 4*256). */
	test_streq("bomb: long text message", msg(&err), "t.yaml:2:1029: alias "
	    "'*a' expands past 16777216 bytes of copied text");
	ynode_free(y);

	/* Many nodes without aliases. */
	buf_reset(&src);
	buf_putc(&src, '[');
	for (i = 0; i < YAML_MAX_NODES; i++)
		BUF_PUTSL(&src, "0,");
	BUF_PUTSL(&src, "0]");
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("nodes: too many rejected", y == NULL);
	/* The sequence is node 1; item 100000 (at column 2 + 2*99999)
	 * would be node 100001. */
	test_streq("nodes: message", msg(&err),
	    "t.yaml:1:200000: document has more than 100000 nodes");
	ynode_free(y);

	/* Exactly the limit is fine. */
	buf_truncate(&src, src.len - 4);
	BUF_PUTSL(&src, "]");
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("nodes: 100000 accepted", y != NULL &&
	    y->n == YAML_MAX_NODES - 1);
	ynode_free(y);

	buf_release(&src);
	buf_release(&err);
}

static void
test_depth(void)
{
	struct buf src = BUF_INIT, err = BUF_INIT;
	struct ynode *y;
	int i;

	for (i = 0; i < YAML_MAX_DEPTH; i++)
		buf_putc(&src, '[');
	for (i = 0; i < YAML_MAX_DEPTH; i++)
		buf_putc(&src, ']');
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("depth: 64 flow levels accepted", y != NULL);
	ynode_free(y);

	buf_reset(&src);
	for (i = 0; i < 100000; i++)
		buf_putc(&src, '[');
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("depth: deep flow rejected", y == NULL);
	test_streq("depth: flow message", msg(&err),
	    "t.yaml:1:65: nesting deeper than 64 levels");
	ynode_free(y);

	/* Block mappings, one level per line, from line 2. */
	buf_reset(&src);
	for (i = 0; i <= YAML_MAX_DEPTH; i++)
		buf_printf(&src, "%*sk%d:\n", i, "", i);
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 2, &err);
	test_cond("depth: deep block rejected", y == NULL);
	test_streq("depth: block message", msg(&err),
	    "t.yaml:66:65: nesting deeper than 64 levels");
	ynode_free(y);

	/* An alias may not carry nesting past the limit either. */
	buf_reset(&src);
	BUF_PUTSL(&src, "a: &a ");
	for (i = 0; i < 40; i++)
		buf_putc(&src, '[');
	for (i = 0; i < 40; i++)
		buf_putc(&src, ']');
	BUF_PUTSL(&src, "\nb: ");
	for (i = 0; i < 30; i++)
		buf_putc(&src, '[');
	BUF_PUTSL(&src, "*a");
	for (i = 0; i < 30; i++)
		buf_putc(&src, ']');
	buf_reset(&err);
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_cond("depth: deep alias rejected", y == NULL);
	test_streq("depth: alias message", msg(&err),
	    "t.yaml:2:34: alias '*a' nests deeper than 64 levels");
	ynode_free(y);

	buf_release(&src);
	buf_release(&err);
}

static void
test_errors(void)
{
	struct buf src = BUF_INIT, err = BUF_INIT;
	struct ynode *y;
	int i;

	check_err("error: duplicate key", "site: x\ntitle: a\nlang: ja\n"
	    "   \ntitle: b\n", 1,
	    "t.yaml:5:1: duplicate key 'title' (first at line 2)");
	check_err("error: duplicate key with first_line", "a: 1\n"
	    "nested:\n  x: 1\n  x: 2\n", 2,
	    "t.yaml:5:3: duplicate key 'x' (first at line 4)");
	check_err("error: duplicate quoted and plain", "a: 1\n\"a\": 2\n", 1,
	    "t.yaml:2:1: duplicate key 'a' (first at line 1)");
	check_err("error: duplicate in flow, byte column",
	    "a: {\xe6\x97\xa5\xe6\x9c\xac: 1, \xe6\x97\xa5\xe6\x9c\xac: 2}",
	    1, "t.yaml:1:16: duplicate key '\xe6\x97\xa5\xe6\x9c\xac' "
	    "(first at line 1)");
	check_err("error: duplicate key shown safely",
	    "\"a\\tb\": 1\n\"a\\tb\": 2\n", 1,
	    "t.yaml:2:1: duplicate key 'a?b' (first at line 1)");

	/* Many keys (the key table grows), then a duplicate. */
	for (i = 0; i < 1000; i++)
		buf_printf(&src, "k%d: %d\n", i, i);
	BUF_PUTSL(&src, "k500: again\n");
	y = yaml_load(src.ptr, src.len, "t.yaml", 1, &err);
	test_streq("error: duplicate among 1000 keys", msg(&err),
	    "t.yaml:1001:1: duplicate key 'k500' (first at line 501)");
	ynode_free(y);

	check_err("error: more than one document", "a: 1\n---\nb: 2\n", 2,
	    "t.yaml:3:1: more than one document; only one is allowed");
	check_err("error: more than one document after ...",
	    "a: 1\n...\n---\nb: 2\n", 1,
	    "t.yaml:3:1: more than one document; only one is allowed");
	check_err("error: sequence as key", "? [a, b]\n: 1\n", 1,
	    "t.yaml:1:3: mapping key is a sequence; keys must be scalars");
	check_err("error: mapping as key", "{{a: 1}: 2}", 1,
	    "t.yaml:1:2: mapping key is a mapping; keys must be scalars");
	check_err("error: tab indentation", "a:\n\tb: 1\n", 1,
	    "t.yaml:2:1: found character that cannot start any token "
	    "(while scanning for the next token); a tab cannot indent YAML, "
	    "use spaces");
	check_err("error: unclosed flow sequence", "a: 1\nb: [1, 2\nc: 3\n", 1,
	    "t.yaml:3:2: did not find expected ',' or ']' (while parsing a "
	    "flow sequence at line 2, column 4)");
	check_err_has("error: bad indentation", "a: x\n  b: y\n",
	    "t.yaml:2:4: ", "mapping values are not allowed");
	check_err_has("error: unclosed quote, first_line", "a: \"x\n",
	    "t.yaml:2:1: ", "while scanning a quoted scalar at line 1, "
	    "column 4");
	check_err("error: control character", "a: \"x\x01\"\n", 1,
	    "t.yaml:1:6: control characters are not allowed (U+0001)");
	buf_reset(&err);
	y = yaml_load("a: 1\nb: \0x\n", 10, "t.yaml", 1, &err);
	test_cond("error: NUL byte", y == NULL);
	test_streq("error: NUL byte message", msg(&err),
	    "t.yaml:2:4: control characters are not allowed (U+0000)");
	buf_reset(&err);

	/* Invalid UTF-8, each named at its first bad byte. */
	check_err("utf8: overlong", "a: 1\nb: \xc0\xaf\n", 1,
	    "t.yaml:2:4: invalid UTF-8 (byte 0xC0); the file must be UTF-8");
	check_err("utf8: overlong 3-byte", "b: \xe0\x80\xaf\n", 1,
	    "t.yaml:1:4: invalid UTF-8 (byte 0xE0); the file must be UTF-8");
	check_err("utf8: surrogate", "a: x\xed\xa0\x80\n", 3,
	    "t.yaml:3:5: invalid UTF-8 (byte 0xED); the file must be UTF-8");
	check_err("utf8: above U+10FFFF", "a: \xf4\x90\x80\x80", 1,
	    "t.yaml:1:4: invalid UTF-8 (byte 0xF4); the file must be UTF-8");
	check_err("utf8: truncated at end", "a: \xe6\x97", 1,
	    "t.yaml:1:4: invalid UTF-8 (byte 0xE6); the file must be UTF-8");
	check_err("utf8: stray continuation", "a: \xe6\x97\xa5\x80", 1,
	    "t.yaml:1:7: invalid UTF-8 (byte 0x80); the file must be UTF-8");
	check_err("utf8: Latin-1", "name: Jos\xe9\n", 1,
	    "t.yaml:1:10: invalid UTF-8 (byte 0xE9); the file must be UTF-8");
	check_err("utf8: UTF-16 BOM", "\xff\xfe" "a\0:\0", 1,
	    "t.yaml:1:1: invalid UTF-8 (byte 0xFF); the file must be UTF-8");

	buf_release(&src);
	buf_release(&err);
}

static void
test_readers(void)
{
	struct buf err = BUF_INIT;
	struct ynode *y;
	long long ll;
	int b;

	y = load_at("draft: true\n"
	    "off: FALSE\n"
	    "word: yes\n"
	    "quoted: \"true\"\n"
	    "list: [1]\n"
	    "n: -42\n"
	    "big: 9223372036854775807\n"
	    "huge: 9223372036854775808\n"
	    "hex: 0x10\n"
	    "qn: '5'\n"
	    "f: 1.5\n"
	    "nul: ~\n"
	    "emp:\n", 1, &err);
	test_cond("readers: loads", y != NULL);
	if (y == NULL)
		return;

	b = -1;
	test_cond("bool: true", ynode_bool(ynode_get(y, "draft"), "t.yaml",
	    "draft", &b, &err) == 0 && b == 1);
	test_cond("bool: FALSE", ynode_bool(ynode_get(y, "off"), "t.yaml",
	    "off", &b, &err) == 0 && b == 0);
	test_cond("bool: no message on success", err.len == 0);
	test_cond("bool: yes refused", ynode_bool(ynode_get(y, "word"),
	    "t.yaml", "word", &b, &err) == -1);
	test_streq("bool: yes message", msg(&err),
	    "t.yaml:3:7: 'word' must be true or false, not 'yes'");
	buf_reset(&err);
	ynode_bool(ynode_get(y, "quoted"), "t.yaml", "quoted", &b, &err);
	test_streq("bool: quoted message", msg(&err), "t.yaml:4:9: 'quoted' "
	    "must be true or false, not the quoted text 'true'");
	buf_reset(&err);
	ynode_bool(ynode_get(y, "list"), "t.yaml", "list", &b, &err);
	test_streq("bool: sequence message", msg(&err),
	    "t.yaml:5:7: 'list' must be true or false, not a sequence");
	buf_reset(&err);
	test_cond("bool: missing", ynode_bool(NULL, "t.yaml", "draft", &b,
	    &err) == -1);
	test_streq("bool: missing message", msg(&err),
	    "t.yaml: missing 'draft' (true or false)");
	buf_reset(&err);

	test_cond("int: -42", ynode_int(ynode_get(y, "n"), "t.yaml", "n", &ll,
	    &err) == 0 && ll == -42);
	test_cond("int: LLONG_MAX", ynode_int(ynode_get(y, "big"), "t.yaml",
	    "big", &ll, &err) == 0 && ll == 9223372036854775807LL);
	test_cond("int: out of range", ynode_int(ynode_get(y, "huge"),
	    "t.yaml", "huge", &ll, &err) == -1);
	test_streq("int: range message", msg(&err), "t.yaml:8:7: 'huge' must be "
	    "an integer in range, not '9223372036854775808'");
	buf_reset(&err);
	test_cond("int: hex refused", ynode_int(ynode_get(y, "hex"), "t.yaml",
	    "hex", &ll, &err) == -1);
	test_streq("int: hex message", msg(&err),
	    "t.yaml:9:6: 'hex' must be a decimal integer, not '0x10'");
	buf_reset(&err);
	test_cond("int: quoted refused", ynode_int(ynode_get(y, "qn"),
	    "t.yaml", "qn", &ll, &err) == -1);
	buf_reset(&err);
	test_cond("int: float refused", ynode_int(ynode_get(y, "f"),
	    "t.yaml", "f", &ll, &err) == -1);
	buf_reset(&err);
	test_cond("int: missing", ynode_int(NULL, "t.yaml", "weight", &ll,
	    &err) == -1);
	test_streq("int: missing message", msg(&err),
	    "t.yaml: missing 'weight' (a decimal integer)");
	buf_reset(&err);
	test_cond("int: NULL err", ynode_int(ynode_get(y, "hex"), "t.yaml",
	    "hex", &ll, NULL) == -1);

	/* Messages are lines, appended: several collect in one buffer. */
	BUF_PUTSL(&err, "earlier\n");
	ynode_int(ynode_get(y, "hex"), "t.yaml", "hex", &ll, &err);
	ynode_bool(ynode_get(y, "word"), "t.yaml", "word", &b, &err);
	ynode_free(yaml_load("a: [", 4, "u.yaml", 1, &err));
	test_streq("messages: appended as lines", err.ptr, "earlier\n"
	    "t.yaml:9:6: 'hex' must be a decimal integer, not '0x10'\n"
	    "t.yaml:3:7: 'word' must be true or false, not 'yes'\n"
	    "u.yaml:1:5: did not find expected node content (while parsing "
	    "a flow node)\n");
	buf_reset(&err);

	test_cond("null: ~", ynode_is_null(ynode_get(y, "nul")));
	test_cond("null: empty", ynode_is_null(ynode_get(y, "emp")));
	test_cond("null: NULL", ynode_is_null(NULL));
	test_cond("null: not a string", !ynode_is_null(ynode_get(y, "word")));
	test_cond("null: not a sequence", !ynode_is_null(ynode_get(y,
	    "list")));
	ynode_free(y);

	y = load_at("a: 'null'\nb: Null\n", 1, &err);
	test_cond("null: quoted is not null", y != NULL &&
	    !ynode_is_null(ynode_get(y, "a")) &&
	    ynode_is_null(ynode_get(y, "b")));
	ynode_free(y);
	buf_release(&err);
}

/*
 * Both ways of loading (directly for simple documents, and through
 * libyaml) give the same tree, positions included, or the same message.
 */
static int
same_both_ways(const char *src, size_t n, size_t first)
{
	struct buf e1 = BUF_INIT, e2 = BUF_INIT;
	struct ynode *a = yaml_load(src, n, "t.yaml", first, &e1);
	struct ynode *b = yaml_load_libyaml(src, n, "t.yaml", first, &e2);
	int ok = ynode_equal(a, b) && e1.len == e2.len &&
	    memcmp(e1.ptr, e2.ptr, e1.len) == 0;

	ynode_free(a);
	ynode_free(b);
	buf_release(&e1);
	buf_release(&e2);
	return ok;
}

static int
at(const struct ynode *y, size_t line, size_t col)
{
	return y != NULL && y->line == line && y->col == col;
}

static void
test_direct(void)
{
	static const char *docs[] = {
		"title: t\n",
		"title: \"里親支援（第5479号）\"\ndate: 2024-11-10\n"
		    "tags: [補助金, 子育て]\n",
		"a:\nb:   \nc: 1",
		"# c\n\n  \na: 'x y'\n# d\nb: [ a b , \"c: d\" ,'e']\n",
		"a: []\nb: [ ]\nc: \"\"\nd: ''\n",
		"a: http://example.jp/x?y=1#z\nb: a:b\nc: x'y\"z [1] {2}\n",
		"a: ~\nb: null\nc: -1\nd: .5\ne: 1e3\nf: 0x1F\n",
		/* Each of these is outside the shape, or an error. */
		"a: 1\na: 2\n", "a: b: c\n", "a: x # c\n", "a: [b,]\n",
		"a: [b\n", "a: \"b\\n\"\n", "a: 'it''s'\n", "a: \"x\" y\n",
		"a:\n  b: 1\n", "a:\n- 1\n", "a: x\n  y\n", "a:\tb\n",
		"a: b\r\nc: d\r\n", "a: x\xe2\x80\xa8y\n", "a: x\xc2\x85\n",
		"a: \xef\xbb\xbfx\n", "\xef\xbb\xbf" "a: x\n", "---\na: 1\n",
		"a: 1\n...\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  x\n",
		"a: @x\n", "a: `x\n", "a: %x\n", "a: ?x\n", "-a: 1\n", "a :1\n",
		"a:b\n", "日本: x\n", "a: [[1]]\n", "a: {b: 1}\n", "a: [a:b]\n",
		"a: \"x\ny\"\n", "a: \"open\n", "a: [#]\n", "a: x\xffy\n",
		"# only a comment\n", "", "\n\n",
	};
	struct buf err = BUF_INIT;
	struct ynode *y;
	char desc[64];
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		snprintf(desc, sizeof(desc), "direct: document %zu as libyaml "
		    "reads it", i + 1);
		test_cond(desc, same_both_ways(docs[i], strlen(docs[i]), 2));
	}

	/* Positions, counted directly: the mapping at its first key, an
	 * empty value just after its colon, a sequence at its bracket. */
	y = load_at("# c\ntitle: \"x\"\nempty:\ntags: [a, 'b']\n", 2, &err);
	test_cond("direct: loads", y != NULL && y->n == 3);
	if (y != NULL && y->n == 3) {
		test_cond("direct: mapping at its first key", at(y, 3, 1));
		test_cond("direct: key", at(y->keys[0], 3, 1) &&
		    y->keys[0]->plain);
		test_cond("direct: quoted value", at(y->items[0], 3, 8) &&
		    !y->items[0]->plain && strcmp(y->items[0]->str, "x") == 0);
		test_cond("direct: empty value", at(y->items[1], 4, 7) &&
		    y->items[1]->plain && y->items[1]->len == 0);
		test_cond("direct: sequence", at(y->items[2], 5, 7) &&
		    y->items[2]->kind == YNODE_SEQ && y->items[2]->n == 2);
		test_cond("direct: items", y->items[2]->n == 2 &&
		    at(y->items[2]->items[0], 5, 8) &&
		    at(y->items[2]->items[1], 5, 11) &&
		    strcmp(y->items[2]->items[1]->str, "b") == 0);
	}
	ynode_free(y);
	buf_release(&err);
}

/*
 * Documents put together at random from pieces near the edges of the
 * simple shape (keys, separators, values, line ends), each loaded both
 * ways.
 */
static void
test_direct_random(void)
{
	static const char *keys[] = { "title", "tags", "a", "b", "x-y", "_1",
	    "-k", "k k", "日本", "", "#c", "a.b", "? a", "title" };
	static const char *seps[] = { ": ", ":", ":  ", " : ", ":\t", ":x",
	    ": ", ": " };
	static const char *vals[] = { "", "plain", "令和6年4月", "a b  ",
	    "2024-11-10", "\"q\"", "\"a: b # c\"", "'s'", "'it''s'",
	    "\"e\\n\"", "[a, b]", "[]", "[ a , \"b\" ,'c' ]", "[a,]", "[a",
	    "[[a]]", "{a: 1}", "a: b", "a #c", "a#b", "- x", "&x a", "*x",
	    "!t a", "|", ">", "http://x/#y", "a:b", "~", "null", "\"open",
	    "'x' y", "\"x\"  ", "[a] x", "a\tb", "a\rb", "x\xe2\x80\xa8",
	    "x\xc2\x85", "\xef\xbb\xbfx", "\xc2\xa0x", "é", "?x", "%x", "@x",
	    "`x", ",x", "a,b", "a]", "a}", "[a b, c:d]", "[#]", "['', \"\"]",
	    "[a, [b]]", "[a\"b]", "'a\"b'", "\"a'b\"", "x\x7f", "x\xff",
	    "-1", ".5", "x ", "[a]  ", "['a''b']", "[x{y}]", "[x[y]]", "[x:]",
	    "[x:,y]", "[x}]", "[a #b]", "[a#b]", "[a, ", "[a,", "[" };
	static const char *ends[] = { "\n", "\n", "\n", "\r\n", "  \n",
	    " # c\n", "\n\n", "\n# comment\n", "\n  indented: x\n",
	    "\n  - i\n", "\n- i\n", "\n  more\n", "\n---\n", "\n...\n",
	    "\n \n", "" };
	static const char *heads[] = { "", "", "", "# c\n", "\n", "---\n",
	    "\xef\xbb\xbf", "  \n", "%YAML 1.1\n---\n" };
	struct buf doc = BUF_INIT;
	uint32_t x = 2463534242u;
	size_t i, k, nk, bad = 0;

#define PICK(v)	((v)[(x ^= x << 13, x ^= x >> 17, x ^= x << 5) % \
		    (sizeof(v) / sizeof((v)[0]))])
	for (i = 0; i < 20000; i++) {
		buf_reset(&doc);
		buf_puts(&doc, PICK(heads));
		nk = 1 + (x >> 7) % 6;
		for (k = 0; k < nk; k++) {
			buf_puts(&doc, PICK(keys));
			buf_puts(&doc, PICK(seps));
			buf_puts(&doc, PICK(vals));
			buf_puts(&doc, PICK(ends));
		}
		if (!same_both_ways(doc.ptr, doc.len, 2) && bad++ == 0)
			fprintf(stderr, "  differs: \"%s\"\n", doc.ptr);
	}
#undef PICK
	test_cond("direct: 20,000 random documents as libyaml reads them",
	    bad == 0);
	buf_release(&doc);
}

int
main(void)
{
	test_tree();
	test_positions();
	test_empty();
	test_typing();
	test_aliases();
	test_alias_bomb();
	test_depth();
	test_errors();
	test_readers();
	test_direct();
	test_direct_random();
	return test_done();
}
