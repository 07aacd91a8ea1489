/*
 * fuzz_yaml: libFuzzer target for lib/yaml.c.  Loads the input as YAML,
 * converts the tree to JSON, exercises the readers, and frees it all:
 * any crash, leak or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "yaml.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT;
	struct ynode *y;
	json_t *j;
	long long ll;
	int b;

	y = yaml_load((const char *)data, size, "fuzz.yaml", 2, &err);
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
