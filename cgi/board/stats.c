/*
 * The counts for the effect analysis (seed 004, 第3-2(7)): per topic and
 * month, and per month over all topics, the posts made, how many were
 * approved and rejected (a post shown under post-moderation and then
 * hidden counts as rejected), and the median time from posting to the
 * decision; per month, the opinions sent to the feedback box.  A post
 * counts in the month (in Japan) it was made.
 *
 * The page has the numbers as tables and the monthly ones also as bar
 * charts drawn here (svgchart.h); ?format=csv gives the same as CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "buf.h"
#include "csvout.h"
#include "db.h"
#include "svgchart.h"

/* One row of counts. */
struct agg {
	long long	 topic_id;	/* 0: all topics */
	char		*title;
	char		 month[8];	/* YYYY-MM */
	long long	 posts, approved, rejected;
	long long	*delay;		/* seconds, ascending */
	size_t		 ndelay, cap;
	long long	 feedback;
};

struct aggs {
	struct agg	*v;
	size_t		 n, cap;
};

static void
aggs_release(struct aggs *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].title);
		free(a->v[i].delay);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static struct agg *
aggs_add(struct aggs *a, long long topic, const char *title,
    const char *month)
{
	struct agg *g;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	g = &a->v[a->n++];
	memset(g, 0, sizeof(*g));
	g->topic_id = topic;
	g->title = xstrdup(title);
	snprintf(g->month, sizeof(g->month), "%s", month);
	return g;
}

/* The median of the sorted delays, or -1 for none. */
static long long
median(const struct agg *g)
{
	size_t n = g->ndelay;

	if (n == 0)
		return -1;
	return n % 2 ? g->delay[n / 2] :
	    (g->delay[n / 2 - 1] + g->delay[n / 2]) / 2;
}

/*
 * Rows of (topic id, title, month, decision, delay or -1), ordered by
 * topic, month and delay, summed into one agg per (topic, month).
 */
static int
collect(struct req *r, const char *sql, struct aggs *out)
{
	sqlite3_stmt *st = db_query(r->db, sql, NULL);
	struct agg *g = NULL;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long tid = sqlite3_column_int64(st, 0);
		const char *month = db_text(st, 2), *dec = db_text(st, 3);
		long long d = sqlite3_column_int64(st, 4);

		if (g == NULL || g->topic_id != tid ||
		    strcmp(g->month, month) != 0)
			g = aggs_add(out, tid, db_text(st, 1), month);
		g->posts++;
		g->approved += strcmp(dec, "approved") == 0;
		g->rejected += strcmp(dec, "rejected") == 0;
		if (d >= 0) {
			if (g->ndelay == g->cap) {
				g->cap = g->cap ? g->cap * 2 : 8;
				g->delay = xreallocarray(g->delay, g->cap,
				    sizeof(*g->delay));
			}
			g->delay[g->ndelay++] = d;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define MONTH_SQL "strftime('%Y-%m', p.created + 32400, 'unixepoch')"
#define DELAY_SQL "CASE WHEN p.moderated_at IS NULL THEN -1 ELSE " \
	"max(p.moderated_at - p.created, 0) END"

static const char by_topic_sql[] =
    "SELECT p.topic_id, t.title, " MONTH_SQL " AS m, p.decision, "
    DELAY_SQL " AS d FROM board_post p JOIN board_topic t ON t.id = "
    "p.topic_id ORDER BY p.topic_id, m, d";
static const char by_month_sql[] =
    "SELECT 0, '', " MONTH_SQL " AS m, p.decision, " DELAY_SQL " AS d "
    "FROM board_post p ORDER BY m, d";

/* The months from `first` to `last` (YYYY-MM), at most `max`, the
 * latest kept. */
static char **
months_between(const char *first, const char *last, size_t max, size_t *n)
{
	int y, m, ly, lm;
	size_t cap = 0, skip;
	char **v = NULL;

	*n = 0;
	if (sscanf(first, "%d-%d", &y, &m) != 2 ||
	    sscanf(last, "%d-%d", &ly, &lm) != 2)
		return NULL;
	while (y < ly || (y == ly && m <= lm)) {
		char s[16];

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		snprintf(s, sizeof(s), "%04d-%02d", y % 10000, m);
		v[(*n)++] = xstrdup(s);
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	if (*n > max) {
		skip = *n - max;
		for (size_t i = 0; i < skip; i++)
			free(v[i]);
		memmove(v, v + skip, max * sizeof(*v));
		*n = max;
	}
	return v;
}

static json_t *
median_json(const struct agg *g)
{
	long long m = median(g);

	return m < 0 ? json_string("—") : board_duration_json(m);
}

int
stats_page(struct req *r)
{
	const char *format = fields_text(&r->qs, "format");
	struct aggs topics = { 0 }, months = { 0 };
	json_t *trows = NULL, *mrows = NULL, *frows = NULL, *d;
	struct buf b = BUF_INIT, chart1 = BUF_INIT, chart2 = BUF_INIT;
	char first[8] = "", last[8] = "";
	char **ms = NULL;
	size_t nm = 0, i, k;
	long long *posts = NULL, *ok = NULL, *ng = NULL, *fb = NULL;
	sqlite3_stmt *st;
	int rc = -1;

	if (collect(r, by_topic_sql, &topics) == -1 ||
	    collect(r, by_month_sql, &months) == -1)
		goto out;
	/* The feedback box, per month, into the monthly rows. */
	st = db_query(r->db, "SELECT strftime('%Y-%m', created + 32400, "
	    "'unixepoch') AS m, count(*) FROM feedback GROUP BY m ORDER BY m",
	    NULL);
	if (st == NULL)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct agg *g = NULL;

		for (i = 0; i < months.n; i++)
			if (strcmp(months.v[i].month, db_text(st, 0)) == 0)
				g = &months.v[i];
		if (g == NULL)
			g = aggs_add(&months, 0, "", db_text(st, 0));
		g->feedback = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	for (i = 0; i < months.n; i++) {
		if (*first == '\0' || strcmp(months.v[i].month, first) < 0)
			memcpy(first, months.v[i].month, sizeof(first));
		if (strcmp(months.v[i].month, last) > 0)
			memcpy(last, months.v[i].month, sizeof(last));
	}

	if (format != NULL && strcmp(format, "csv") == 0) {
		csvout_bom(&b);
		csvout_str(&b, "月");
		csvout_str(&b, "トピック番号");
		csvout_str(&b, "トピック");
		csvout_str(&b, "投稿数");
		csvout_str(&b, "承認数");
		csvout_str(&b, "非承認数");
		csvout_str(&b, "判断までの時間の中央値（分）");
		csvout_str(&b, "意見箱の件数");
		csvout_end(&b);
		for (i = 0; i < topics.n; i++) {
			struct agg *g = &topics.v[i];

			csvout_str(&b, g->month);
			csvout_int(&b, g->topic_id);
			csvout_str(&b, g->title);
			csvout_int(&b, g->posts);
			csvout_int(&b, g->approved);
			csvout_int(&b, g->rejected);
			if (median(g) >= 0)
				csvout_int(&b, median(g) / 60);
			else
				csvout_str(&b, "");
			csvout_str(&b, "");
			csvout_end(&b);
		}
		/* The months over all topics, in order. */
		ms = months_between(first, last, (size_t)-1 / 2, &nm);
		for (k = 0; k < nm; k++) {
			struct agg *g = NULL;

			for (i = 0; i < months.n; i++)
				if (strcmp(months.v[i].month, ms[k]) == 0)
					g = &months.v[i];
			if (g == NULL)
				continue;
			csvout_str(&b, g->month);
			csvout_str(&b, "");
			csvout_str(&b, "（すべてのトピック）");
			csvout_int(&b, g->posts);
			csvout_int(&b, g->approved);
			csvout_int(&b, g->rejected);
			if (median(g) >= 0)
				csvout_int(&b, median(g) / 60);
			else
				csvout_str(&b, "");
			csvout_int(&b, g->feedback);
			csvout_end(&b);
		}
		rc = resp_file(r, "text/csv; charset=utf-8", "小ネタ_集計.csv",
		    b.ptr, b.len);
		goto out;
	}

	trows = json_array();
	for (i = 0; i < topics.n; i++) {
		struct agg *g = &topics.v[i];

		json_array_append_new(trows, json_pack("{s:I, s:s, s:s, s:I, "
		    "s:I, s:I, s:o, s:b}", "topic_id", (json_int_t)g->topic_id,
		    "title", g->title, "month", g->month,
		    "posts", (json_int_t)g->posts,
		    "approved", (json_int_t)g->approved,
		    "rejected", (json_int_t)g->rejected,
		    "median", median_json(g),
		    "first", i == 0 || topics.v[i - 1].topic_id != g->topic_id));
	}
	/* Every month from the first to the last, empty ones too, so that
	 * the chart's gaps show. */
	ms = *first != '\0' ? months_between(first, last, CHART_MAX_GROUPS,
	    &nm) : NULL;
	posts = xcalloc(nm + 1, sizeof(*posts));
	ok = xcalloc(nm + 1, sizeof(*ok));
	ng = xcalloc(nm + 1, sizeof(*ng));
	fb = xcalloc(nm + 1, sizeof(*fb));
	mrows = json_array();
	frows = json_array();
	for (k = 0; k < nm; k++) {
		struct agg none = { 0 }, *g = &none;

		for (i = 0; i < months.n; i++)
			if (strcmp(months.v[i].month, ms[k]) == 0)
				g = &months.v[i];
		posts[k] = g->posts;
		ok[k] = g->approved;
		ng[k] = g->rejected;
		fb[k] = g->feedback;
		json_array_append_new(mrows, json_pack("{s:s, s:I, s:I, s:I, "
		    "s:o}", "month", ms[k], "posts", (json_int_t)g->posts,
		    "approved", (json_int_t)g->approved,
		    "rejected", (json_int_t)g->rejected,
		    "median", median_json(g)));
		json_array_append_new(frows, json_pack("{s:s, s:I}", "month",
		    ms[k], "count", (json_int_t)g->feedback));
	}
	{
		const struct chart_series s1[] = {
			{ "投稿", "#0b4599", posts },
			{ "承認", "#1e6b2a", ok },
			{ "非承認", "#a4161a", ng },
		};
		const struct chart_series s2[] = {
			{ "意見箱", "#5c2d91", fb },
		};
		struct chart c1 = { "chart-posts", "月ごとの投稿数",
		    "「小ネタ」スペースの、月ごとの投稿数、承認数、非承認数の棒"
		    "グラフ。数値は下の表のとおり。", "件",
		    (const char *const *)ms, nm, s1, 3 };
		struct chart c2 = { "chart-feedback", "月ごとの意見箱の件数",
		    "意見箱に寄せられたご意見の、月ごとの件数の棒グラフ。数値は"
		    "下の表のとおり。", "件", (const char *const *)ms, nm, s2, 1 };

		chart_bars(&chart1, &c1);
		chart_bars(&chart2, &c2);
	}
	d = json_pack("{s:o, s:b, s:o, s:o, s:b, s:s, s:s, s:o}",
	    "topic_rows", trows, "has_topic_rows", json_array_size(trows) > 0,
	    "month_rows", mrows, "feedback_rows", frows,
	    "has_months", nm > 0, "chart_posts", chart1.ptr,
	    "chart_feedback", chart2.ptr,
	    "breadcrumbs", board_crumbs(r, NULL, NULL, "投稿数などの集計"));
	trows = mrows = frows = NULL;
	rc = board_page(r, 200, "board-stats", "投稿数などの集計", d);
out:
	json_decref(trows);
	json_decref(mrows);
	json_decref(frows);
	for (k = 0; k < nm; k++)
		free(ms[k]);
	free(ms);
	free(posts);
	free(ok);
	free(ng);
	free(fb);
	aggs_release(&topics);
	aggs_release(&months);
	buf_release(&b);
	buf_release(&chart1);
	buf_release(&chart2);
	return rc;
}
