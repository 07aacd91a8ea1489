/*
 * new: `gen new SECTION/NAME` — start a page from its section's
 * archetype, a Mustache template in the site's archetypes/ folder
 * (archetypes/SECTION.md for the top section, else archetypes/default.md,
 * else a built-in one), given {{title}}, {{date}}, {{section}}, {{name}}.
 */
#ifndef GEN_NEW_H
#define GEN_NEW_H

/* Returns the process exit status: 0, or 1 with a message on stderr. */
int	new_page(const char *site_dir, const char *path, const char *today,
	    int quiet);

#endif
