#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "svgchart.h"

/* Geometry, in SVG user units (CSS pixels at full size). */
#define MAX_STEPS	5	/* scale lines above 0 */
#define PLOT_H		200	/* the bars' area */
#define BAR_W		18
#define GROUP_GAP	14
#define GROUP_MIN_W	60	/* room for a label "2026-04" */
#define LEFT		56	/* the scale's numbers */
#define RIGHT		16
#define LEGEND_H	28
#define TOP		(LEGEND_H + 12)
#define BOTTOM		36	/* the groups' labels */
#define MIN_W		320
#define FONT		12
#define TEXT_FILL	"#1a1a1c"	/* the page's text colour */
#define GRID_FILL	"#c9d0d9"	/* the page's border colour */

void
chart_scale(long long max, long long *top, long long *step)
{
	static const long long mult[] = { 1, 2, 5 };
	long long p = 1, s, k;
	int i;

	if (max <= 0) {
		*top = 1;
		*step = 1;
		return;
	}
	for (;;) {
		for (i = 0; i < 3; i++) {
			s = p * mult[i];
			k = max / s + (max % s != 0);
			if (k <= MAX_STEPS) {
				*step = s;
				*top = k * s;
				return;
			}
		}
		if (p > (long long)1e17) {
			*step = max;
			*top = max;
			return;
		}
		p *= 10;
	}
}

static void
text(struct buf *b, const char *s)
{
	esc_html(b, s, strlen(s));
}

/* A bar's height for value v on a scale to `top`, rounded. */
static long long
height(long long v, long long top)
{
	if (v <= 0)
		return 0;
	/* v <= top, and top is far below LLONG_MAX / PLOT_H for counts. */
	return (v * PLOT_H + top / 2) / top;
}

void
chart_bars(struct buf *b, const struct chart *c)
{
	size_t ng = c->ngroups < CHART_MAX_GROUPS ? c->ngroups :
	    CHART_MAX_GROUPS;
	size_t ns = c->nseries < CHART_MAX_SERIES ? c->nseries :
	    CHART_MAX_SERIES;
	long long max = 0, top, step, t, gw, w, h, x, y, bh;
	const char *unit = c->unit != NULL ? c->unit : "";
	size_t g, s;

	for (g = 0; g < ng; g++)
		for (s = 0; s < ns; s++)
			if (c->series[s].values[g] > max)
				max = c->series[s].values[g];
	chart_scale(max, &top, &step);
	gw = (long long)ns * BAR_W + GROUP_GAP;
	if (gw < GROUP_MIN_W)
		gw = GROUP_MIN_W;
	w = LEFT + (long long)ng * gw + RIGHT;
	if (w < MIN_W)
		w = MIN_W;
	h = TOP + PLOT_H + BOTTOM;

	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"chart\" width=\"%lld\" height=\"%lld\" "
	    "viewBox=\"0 0 %lld %lld\" role=\"img\" aria-labelledby=\"",
	    w, h, w, h);
	text(b, c->id);
	BUF_PUTSL(b, "-title ");
	text(b, c->id);
	BUF_PUTSL(b, "-desc\">\n<title id=\"");
	text(b, c->id);
	BUF_PUTSL(b, "-title\">");
	text(b, c->title);
	BUF_PUTSL(b, "</title>\n<desc id=\"");
	text(b, c->id);
	BUF_PUTSL(b, "-desc\">");
	text(b, c->desc != NULL ? c->desc : "");
	BUF_PUTSL(b, "</desc>\n");

	/* Legend: a square of each colour and its name. */
	buf_printf(b, "<g font-size=\"%d\" fill=\"%s\">\n", FONT, TEXT_FILL);
	for (s = 0, x = LEFT; s < ns; s++) {
		buf_printf(b, "<rect x=\"%lld\" y=\"8\" width=\"12\" "
		    "height=\"12\" fill=\"", x);
		text(b, c->series[s].color);
		buf_printf(b, "\"/><text x=\"%lld\" y=\"18\">", x + 16);
		text(b, c->series[s].name);
		BUF_PUTSL(b, "</text>\n");
		/* Room for the name: a full-width character is about one
		 * em, an ASCII one half. */
		x += 16 + (long long)strlen(c->series[s].name) * FONT / 3 + 16;
	}
	BUF_PUTSL(b, "</g>\n");

	/* The scale: a line and a number at each step. */
	buf_printf(b, "<g font-size=\"%d\" fill=\"%s\" text-anchor=\"end\">\n",
	    FONT, TEXT_FILL);
	for (t = 0; t <= top; t += step) {
		y = TOP + PLOT_H - height(t, top);
		buf_printf(b, "<rect x=\"%d\" y=\"%lld\" width=\"%lld\" "
		    "height=\"1\" fill=\"%s\"/><text x=\"%d\" y=\"%lld\">%lld"
		    "</text>\n", LEFT, y, w - LEFT - RIGHT, t == 0 ? TEXT_FILL :
		    GRID_FILL, LEFT - 6, y + FONT / 3, t);
	}
	BUF_PUTSL(b, "</g>\n");

	/* The bars, group by group, each with its title. */
	for (g = 0; g < ng; g++) {
		long long gx = LEFT + (long long)g * gw +
		    (gw - (long long)ns * BAR_W) / 2;

		BUF_PUTSL(b, "<g>\n");
		for (s = 0; s < ns; s++) {
			long long v = c->series[s].values[g];

			bh = height(v > top ? top : v, top);
			x = gx + (long long)s * BAR_W;
			y = TOP + PLOT_H - bh;
			buf_printf(b, "<rect x=\"%lld\" y=\"%lld\" width=\"%d\" "
			    "height=\"%lld\" fill=\"", x + 1, y, BAR_W - 2, bh);
			text(b, c->series[s].color);
			BUF_PUTSL(b, "\"><title>");
			text(b, c->groups[g]);
			buf_putc(b, ' ');
			text(b, c->series[s].name);
			buf_printf(b, ": %lld", v);
			text(b, unit);
			BUF_PUTSL(b, "</title></rect>\n");
		}
		buf_printf(b, "<text x=\"%lld\" y=\"%d\" font-size=\"%d\" "
		    "fill=\"%s\" text-anchor=\"middle\">", LEFT +
		    (long long)g * gw + gw / 2, TOP + PLOT_H + 20, FONT,
		    TEXT_FILL);
		text(b, c->groups[g]);
		BUF_PUTSL(b, "</text>\n</g>\n");
	}
	BUF_PUTSL(b, "</svg>");
}
