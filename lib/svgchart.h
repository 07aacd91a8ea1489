/*
 * svgchart: a bar chart as SVG markup to put inside an HTML page, drawn
 * from numbers alone: no script, no style sheet of its own, nothing
 * loaded.
 *
 * The chart has groups (the months, along the bottom) of bars, one bar
 * per series (posts, approvals, ...), a scale on the left whose steps
 * are 1, 2 or 5 times a power of ten, and a legend above.  For people
 * who do not see it:
 *
 *   <svg ... role="img" aria-labelledby="ID-title ID-desc">
 *     <title id="ID-title">TITLE</title><desc id="ID-desc">DESC</desc>
 *
 * and each bar has a <title> of its own ("2026-04 投稿: 5件"), which a
 * mouse shows as a tooltip.  The numbers are also in a table beside the
 * chart (the caller's): the chart is its picture, not its replacement.
 *
 * Every text (title, description, labels, series names, unit) is
 * escaped here; ids are the caller's `id` with suffixes, so `id` must be
 * unique in the page and a valid id (letters, digits, '-').  Colours
 * are fill attributes (a page's Content-Security-Policy may refuse
 * style attributes): give each series one with 3:1 contrast against
 * white (WCAG 1.4.11).
 */
#ifndef KK_SVGCHART_H
#define KK_SVGCHART_H

#include <stddef.h>

struct buf;

struct chart_series {
	const char		*name;	/* in the legend and the bars' titles */
	const char		*color;	/* "#0b4599" */
	const long long		*values;/* one per group, >= 0 */
};

struct chart {
	const char		*id;
	const char		*title;
	const char		*desc;
	const char		*unit;	/* after each number: "件" */
	const char *const	*groups;/* the groups' labels */
	size_t			 ngroups;
	const struct chart_series *series;
	size_t			 nseries;
};

/* Limits: more groups or series than these are left out (the table
 * still has them all). */
#define CHART_MAX_GROUPS	120
#define CHART_MAX_SERIES	6

/* Append the <svg> element. */
void	chart_bars(struct buf *, const struct chart *);

/* The scale: the smallest "nice" top (1, 2 or 5 x 10^k, times the
 * number of steps) at or above `max`, with its step; for max <= 0 the
 * top is 1 with one step. */
void	chart_scale(long long max, long long *top, long long *step);

#endif
