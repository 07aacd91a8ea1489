/*
 * test_svgchart: lib/svgchart.c, the bar chart drawn as SVG: its scale,
 * its markup (well-formed, every text escaped, the title and
 * description that name it), and bars in proportion to their values.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "svgchart.h"
#include "test.h"

/*
 * A small check of well-formedness: tags balance, attribute values are
 * quoted and hold no '<', and text holds no '<' or '&' but in an
 * entity.  Returns NULL or what is wrong.
 */
static const char *
well_formed(const char *s)
{
	char stack[64][32];
	int depth = 0;
	const char *p = s;

	while (*p != '\0') {
		if (*p == '&') {
			const char *e = strchr(p, ';');

			if (e == NULL || e - p > 8)
				return "a bare &";
			p = e + 1;
			continue;
		}
		if (*p != '<') {
			if (*p == '>')
				return "a bare >";
			p++;
			continue;
		}
		if (p[1] == '/') {
			size_t n = strcspn(p + 2, ">");

			if (depth == 0 || strlen(stack[depth - 1]) != n ||
			    strncmp(stack[depth - 1], p + 2, n) != 0)
				return "a closing tag that closes nothing open";
			depth--;
			p += n + 3;
			continue;
		}
		{
			size_t n = strcspn(p + 1, " />");
			const char *q = p + 1 + n;

			if (n == 0 || n >= 32 || depth == 64)
				return "a tag's name";
			memcpy(stack[depth], p + 1, n);
			stack[depth][n] = '\0';
			while (*q == ' ') {
				q++;
				q += strcspn(q, "=");
				if (q[0] != '=' || q[1] != '"')
					return "an attribute without a quoted value";
				q += 2;
				n = strcspn(q, "\"<");
				if (q[n] != '"')
					return "a '<' in an attribute";
				q += n + 1;
			}
			if (q[0] == '/' && q[1] == '>')
				q += 2;
			else if (q[0] == '>') {
				depth++;
				q++;
			} else
				return "a tag that does not end";
			p = q;
		}
	}
	return depth == 0 ? NULL : "a tag left open";
}

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void
scale_is(long long max, long long top, long long step)
{
	long long t, s;
	char d[96];

	chart_scale(max, &t, &s);
	snprintf(d, sizeof(d), "scale: max %lld -> top %lld in steps of %lld",
	    max, top, step);
	test_cond(d, t == top && s == step);
	if (t != top || s != step)
		fprintf(stderr, "  got top %lld step %lld\n", t, s);
}

/* The height of the bar whose title starts with `title`. */
static long long
bar_height(const char *svg, const char *title)
{
	const char *t = strstr(svg, title), *r, *h;

	if (t == NULL)
		return -1;
	for (r = t; r > svg && strncmp(r, "<rect", 5) != 0; r--)
		;
	h = strstr(r, "height=\"");
	return h != NULL && h < t ? atoll(h + 8) : -1;
}

int
main(void)
{
	static const char *const months[] = { "2026-04", "2026-05",
	    "<script>" };
	static const long long posts[] = { 10, 4, 0 };
	static const long long ok[] = { 5, 4, 0 };
	struct chart_series ser[2] = {
		{ "投稿", "#0b4599", posts },
		{ "承認 & \"x\"", "#1e6b2a", ok },
	};
	struct chart c = { "chart-1", "月ごとの投稿数 <b>", "説明 'q'", "件",
	    months, 3, ser, 2 };
	struct buf b = BUF_INIT;
	const char *why;

	scale_is(0, 1, 1);
	scale_is(-3, 1, 1);
	scale_is(1, 1, 1);
	scale_is(5, 5, 1);
	scale_is(6, 6, 2);
	scale_is(7, 8, 2);
	scale_is(10, 10, 2);
	scale_is(11, 15, 5);
	scale_is(26, 30, 10);
	scale_is(99, 100, 20);
	scale_is(101, 150, 50);
	scale_is(1234567, 1500000, 500000);

	chart_bars(&b, &c);
	why = well_formed(b.ptr);
	test_cond("markup: well-formed", why == NULL);
	if (why != NULL)
		fprintf(stderr, "  %s in:\n%s\n", why, b.ptr);
	test_cond("markup: one svg element with role img",
	    strncmp(b.ptr, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0
	    && count(b.ptr, "<svg") == 1 && strstr(b.ptr, "role=\"img\""));
	test_cond("markup: named by its title and description",
	    strstr(b.ptr, "aria-labelledby=\"chart-1-title chart-1-desc\"") &&
	    strstr(b.ptr, "<title id=\"chart-1-title\">月ごとの投稿数 &lt;b&gt;"
	    "</title>") &&
	    strstr(b.ptr, "<desc id=\"chart-1-desc\">説明 &#39;q&#39;</desc>"));
	test_cond("markup: labels escaped", strstr(b.ptr, "<script>") == NULL
	    && strstr(b.ptr, "&lt;script&gt;") != NULL);
	test_cond("markup: series names escaped",
	    strstr(b.ptr, "承認 &amp; &quot;x&quot;") != NULL);
	test_cond("markup: a bar per group and series, each with a title",
	    count(b.ptr, "</title></rect>") == 6);
	test_cond("markup: no style attribute (the CSP refuses them)",
	    strstr(b.ptr, "style=") == NULL);
	test_cond("bars: a title says the group, the series and the value",
	    strstr(b.ptr, "<title>2026-04 投稿: 10件</title>") != NULL);
	test_cond("bars: the highest reaches the top of the scale (10)",
	    bar_height(b.ptr, "<title>2026-04 投稿") == 200);
	test_cond("bars: half the value, half the height",
	    bar_height(b.ptr, "<title>2026-04 承認") == 100);
	test_cond("bars: 4 of 10 is 80",
	    bar_height(b.ptr, "<title>2026-05 投稿") == 80);
	test_cond("bars: zero is no height",
	    bar_height(b.ptr, "<title>&lt;script&gt; 投稿") == 0);
	test_cond("scale: 0 to 10 in steps of 2: six lines",
	    count(b.ptr, "text-anchor=\"end\"") == 1 &&
	    count(b.ptr, "height=\"1\"") == 6);
	buf_reset(&b);

	/* Nothing to show: still a chart, with a scale of one step. */
	c.ngroups = 0;
	chart_bars(&b, &c);
	test_cond("empty: well-formed", well_formed(b.ptr) == NULL);
	test_cond("empty: no bars", count(b.ptr, "</title></rect>") == 0);
	buf_reset(&b);

	/* More groups than the limit: the chart stops at it. */
	{
		static const char *g[200];
		static long long v[200];
		struct chart_series one = { "a", "#000000", v };
		struct chart big = { "c2", "t", "d", "", g, 200, &one, 1 };
		int i;

		for (i = 0; i < 200; i++) {
			g[i] = "m";
			v[i] = i;
		}
		chart_bars(&b, &big);
		test_cond("limit: CHART_MAX_GROUPS bars",
		    count(b.ptr, "</title></rect>") == CHART_MAX_GROUPS);
		test_cond("limit: well-formed", well_formed(b.ptr) == NULL);
	}
	buf_release(&b);
	return test_done();
}
