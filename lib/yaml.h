/*
 * yaml: load a YAML document (libyaml) into a small tree that keeps the
 * line and column of every node, for error messages that point at the
 * editor's file.
 *
 * Scalars keep their text as written (after YAML's own unquoting and
 * folding); `plain` tells whether it was a plain (unquoted) scalar, which
 * is what decides typing: ynode_to_json() reads plain true/false, null/~,
 * integers and floats as such (the YAML 1.2 core schema), and everything
 * else as strings.
 *
 * A plain scalar with the tag !!str or ! counts as quoted; other tags
 * are ignored.  Merge keys are not special: "<<" is an ordinary key.
 *
 * Input must be UTF-8 (a leading byte-order mark is skipped); invalid
 * bytes are an error that names their position.  LINE counts lines as an
 * editor does (LF, CRLF or CR) and COL counts bytes, both from 1.
 *
 * Limits: nesting depth 64; aliases are expanded, up to a total of
 * YAML_MAX_NODES nodes in one document and YAML_MAX_ALIAS_BYTES bytes of
 * scalar text copied by expansion (so a "billion laughs" document is an
 * error, not an out-of-memory); one document per input; mapping keys
 * must be scalars and unique.  Each violation is an error.  A copy made
 * for an alias carries the alias's position; the nodes inside it keep
 * those of the anchored original.
 */
#ifndef KK_YAML_H
#define KK_YAML_H

#include <stddef.h>
#include <jansson.h>

struct buf;

#define YAML_MAX_DEPTH	64
#define YAML_MAX_NODES	100000
/* Scalar bytes that alias expansion may copy: with the node limit alone,
 * ten thousand aliases of one long string would still take gigabytes. */
#define YAML_MAX_ALIAS_BYTES	(16u * 1024 * 1024)

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode {
	enum ynode_kind	 kind;
	size_t		 line;	/* 1-based line in the file */
	size_t		 col;	/* 1-based column (bytes) */
	char		*str;	/* scalar text, NUL-terminated; NULL otherwise */
	size_t		 len;	/* scalar length in bytes */
	int		 plain;	/* scalar was plain (unquoted, not block) */
	size_t		 n;	/* items in a sequence, pairs in a mapping */
	struct ynode	**items; /* sequence items, or mapping values */
	struct ynode	**keys;	/* mapping keys (scalars); NULL otherwise */
};

/*
 * Parse `len` bytes of `src`.  `file` names the source in messages and
 * `first_line` is the file line of src's first line (front matter starts
 * on line 2, after "---").  An empty document (no text, only comments,
 * or a bare "---") gives an empty mapping.  Returns the root, which the
 * caller frees with ynode_free(), or NULL with one line "FILE:LINE:COL:
 * message\n" appended to err (earlier contents are kept, so one buffer
 * can collect the messages of many calls).  `file` may be NULL
 * ("<input>" is used), and so may err (no message is kept).
 */
struct ynode	*yaml_load(const char *src, size_t len, const char *file,
		    size_t first_line, struct buf *err);
/* The same, every document through libyaml's events: yaml_load() reads
 * the simplest ones directly, and tests compare the two. */
struct ynode	*yaml_load_libyaml(const char *src, size_t len,
		    const char *file, size_t first_line, struct buf *err);
void		 ynode_free(struct ynode *);
/* 1 when two trees are the same, positions included. */
int		 ynode_equal(const struct ynode *, const struct ynode *);

/* The value for `key` in a mapping, or NULL (also when not a mapping). */
const struct ynode *ynode_get(const struct ynode *map, const char *key);
/* 1 when the node is a plain scalar reading as YAML null (or is NULL). */
int		 ynode_is_null(const struct ynode *);

/*
 * Typed readers for scalars, each returning 0 or -1 with a line
 * "FILE:LINE:COL: message\n" appended to err (which may be NULL) that
 * quotes the key: ynode_bool() accepts plain true/false (also True,
 * TRUE, False, FALSE), ynode_int() a plain decimal integer in range.
 * A NULL node is an error naming the missing key.
 */
int		 ynode_bool(const struct ynode *, const char *file,
		    const char *key, int *out, struct buf *err);
int		 ynode_int(const struct ynode *, const char *file,
		    const char *key, long long *out, struct buf *err);

/*
 * The tree as JSON: mappings become objects (in order), sequences
 * arrays, scalars typed as described above.  Integers beyond the range
 * of json_int_t stay strings, so no digit is lost; .inf and .nan, which
 * JSON cannot hold, become null.  A NULL node gives null.  Returns a new
 * reference, or NULL when out of memory.
 */
json_t		*ynode_to_json(const struct ynode *);

#endif
