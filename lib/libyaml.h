/*
 * libyaml.h: libyaml's own <yaml.h>, for lib/yaml.c.
 *
 * Our lib/yaml.h has the same name and -Ilib puts it first in the search
 * path, so a plain #include <yaml.h> finds ours.  Included with angle
 * brackets (so that it is found through -Ilib), this header continues the
 * search after lib/ and reaches the system's.
 */
#include_next <yaml.h>
