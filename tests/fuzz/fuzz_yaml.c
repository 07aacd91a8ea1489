/*
 * fuzz_yaml: libFuzzer target for lib/yaml.c.  Loads the input as YAML,
 * converts the tree to JSON, exercises the readers, and frees it all:
 * any crash, leak or sanitizer report is a bug.  The input is also loaded
 * through libyaml alone: the same tree, or the same message, or a bug in
 * the direct reading of simple documents.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "yaml.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT, err2 = BUF_INIT;
	struct ynode *y, *y2;
	json_t *j;
	long long ll;
	int b;

	y = yaml_load((const char *)data, size, "fuzz.yaml", 2, &err);
	y2 = yaml_load_libyaml((const char *)data, size, "fuzz.yaml", 2, &err2);
	if (!ynode_equal(y, y2) || err.len != err2.len ||
	    memcmp(err.ptr, err2.ptr, err.len) != 0)
		__builtin_trap();
	ynode_free(y2);
	buf_release(&err2);
	if (y != NULL) {
		j = ynode_to_json(y);
		json_decref(j);
		ynode_bool(ynode_get(y, "draft"), "fuzz.yaml", "draft", &b,
		    &err);
		ynode_int(ynode_get(y, "weight"), "fuzz.yaml", "weight", &ll,
		    &err);
		(void)ynode_is_null(ynode_get(y, "title"));
		ynode_free(y);
	} else if (err.len == 0)
		__builtin_trap();	/* every failure has a message */
	buf_release(&err);
	return 0;
}
