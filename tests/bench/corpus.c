/*
 * corpus: writes the benchmark's site twice, once for gen and once for
 * Hugo, from one fixed seed, so that both tools get the same pages.
 *
 *   corpus OUT NPAGES
 *
 * OUT/gen/   site.yaml, _index.md, <section>/_index.md, <section>/pNNNNN.md
 * OUT/hugo/  content/ with the same files (the Hugo site's config and
 *            layouts are copied in by scripts/bench.sh)
 *
 * NPAGES counts every Markdown file: the home page, the 11 sections and
 * NPAGES - 12 pages dealt round-robin into the sections.  The news
 * section holds dated news items, listed newest first in pages of 10.
 *
 * The bodies are about 1.5 KB of Markdown each: ## and ### headings, a
 * bulleted and a numbered list, a pipe table, a fenced code block, links
 * to other pages of the corpus written as relative .md links, emphasis,
 * and Japanese text.  The front matter has title, description, date and
 * tags; the first pages of every section have `menu: main`, so the global
 * menu has a sub-menu per section.
 *
 * The front matter differs only where the two tools spell the same thing
 * differently: gen's `menu: main` on a page below a section that is in
 * the menu nests it under that section, which Hugo writes as
 * `menu: {main: {parent: ID}}`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NSECT		11
#define MENU_KIDS	4	/* pages per section with `menu: main` */
#define PER_PAGE	10	/* news items per list page */
#define SEED		0x4b616b6568617368ULL	/* "Kakehash" */

/* Section folders, their titles and menu weights.  The first one is the
 * news section.  No name gen reserves at the top of a site ("data",
 * "themes", "public", "archetypes"). */
static const struct {
	const char	*dir;
	const char	*title;
} sections[NSECT] = {
	{ "news",	"新着情報" },
	{ "about",	"センターの概要" },
	{ "policy",	"制度と通知" },
	{ "funding",	"財政支援" },
	{ "practice",	"取組事例" },
	{ "training",	"研修" },
	{ "research",	"調査研究" },
	{ "statistics",	"統計資料" },
	{ "council",	"協議会" },
	{ "support",	"支援事業" },
	{ "guide",	"手引き" },
};

static const char *const topics[] = {
	"妊産婦への相談支援", "乳幼児健診", "家庭訪問", "サポートプラン",
	"統括支援員", "要保護児童対策地域協議会", "子育て短期支援",
	"一時預かり", "養育支援訪問", "児童虐待の予防", "ヤングケアラー",
	"産後ケア", "母子健康手帳", "地域子育て支援拠点", "里親支援",
	"こども食堂", "学校との連携", "医療機関との連携", "保健師の配置",
	"個人情報の取扱い", "相談記録の電子化", "夜間休日の対応",
	"転居ケースの引継ぎ", "多胎家庭への支援", "障害児支援",
};

static const char *const kinds[] = {
	"に関するお知らせ", "の手引き", "の事例紹介", "の実施状況",
	"に係る通知", "の研修資料", "に関するよくある質問", "の調査結果",
};

static const char *const sentences[] = {
	"こども家庭センターは、すべての妊産婦、こども、子育て家庭を対象に、"
	    "母子保健と児童福祉の両面から一体的に相談支援を行います。",
	"市町村は、地域の実情に応じて、既存の組織を生かしながらセンターを"
	    "設置することができます。",
	"統括支援員は、母子保健と児童福祉の両分野をつなぎ、支援の方針を"
	    "一緒に決める役割を担います。",
	"サポートプランは、支援を必要とする家庭と一緒に作成し、定期的に"
	    "見直すことが求められます。",
	"関係機関との情報共有にあたっては、本人の同意と個人情報の保護に"
	    "十分配慮してください。",
	"令和6年4月から、市町村はこども家庭センターの設置に努めることと"
	    "されました。",
	"家庭訪問の結果は、速やかに記録し、担当者が替わっても支援が途切れ"
	    "ないようにします。",
	"地域の子育て支援拠点や保育所と連携し、身近な場所で相談できる体制を"
	    "整えることが大切です。",
	"研修の受講状況は、年度末までに都道府県の担当課へ報告してください。",
	"補助の対象となる経費は、人件費、委託費、備品購入費などです。",
	"申請書の様式は、このページではなく下の表の「様式」欄からダウンロード"
	    "できます。",
	"夜間や休日の緊急の相談には、児童相談所の全国共通ダイヤル189を"
	    "ご案内ください。",
	"調査の結果、センターを設置した市町村の約8割が、両分野の連携が"
	    "進んだと回答しました。",
	"詳しくは、担当窓口（電話 03-1234-5678、平日9時から17時まで）に"
	    "お問い合わせください。",
	"多胎児を育てる家庭には、育児サポーターの派遣や移動の支援を"
	    "組み合わせて提供します。",
	"ヤングケアラーの早期発見には、学校や地域の関係者の気づきが"
	    "欠かせません。",
};

static const char *const items[] = {
	"妊娠届出時の面談", "新生児訪問", "乳幼児健康診査",
	"子育て世帯訪問支援", "児童育成支援拠点", "親子関係形成支援",
	"一時預かり事業", "ショートステイ", "トワイライトステイ",
	"養育支援訪問", "産後ケア事業", "利用者支援事業",
};

static const char *const regions[] = {
	"北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄",
};

static const char *const tags[] = {
	"母子保健", "児童福祉", "研修", "補助金", "通知", "事例", "統計",
	"様式", "連携", "相談支援", "子育て", "調査",
};

/* ---------------------------------------------------------------- *
 * Deterministic randomness (splitmix64)
 * ---------------------------------------------------------------- */

static uint64_t rng_state = SEED;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
pick(size_t n)
{
	return (size_t)(rng() % n);
}

#define PICK(a)	((a)[pick(sizeof(a) / sizeof((a)[0]))])

/* ---------------------------------------------------------------- *
 * Text buffer
 * ---------------------------------------------------------------- */

struct text {
	char	*p;
	size_t	 len, cap;
};

__attribute__((format(printf, 2, 3)))
static void
put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			perror("corpus: vsnprintf");
			exit(1);
		}
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = (t->cap + (size_t)n + 1) * 2;
		if ((t->p = realloc(t->p, t->cap)) == NULL) {
			perror("corpus");
			exit(1);
		}
	}
	t->len += (size_t)n;
}

/* ---------------------------------------------------------------- *
 * The corpus
 * ---------------------------------------------------------------- */

static size_t npages;		/* regular pages, all sections */

/* Pages are numbered 0..npages-1 across the site; page i is in section
 * i % NSECT, file p<i>.md. */
static size_t
sect_of(size_t i)
{
	return i % NSECT;
}

/* Its number within its section: the first MENU_KIDS go in the menu. */
static size_t
rank_of(size_t i)
{
	return i / NSECT;
}

/* A page's title is a function of its number only, so that links can
 * quote the title of the page they point to. */
static void
title_of(struct text *t, size_t i)
{
	uint64_t h = (i + 1) * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 29;
	put(t, "%s%s（第%zu号）",
	    topics[h % (sizeof(topics) / sizeof(topics[0]))],
	    kinds[(h >> 8) % (sizeof(kinds) / sizeof(kinds[0]))], i + 1);
}

static void
write_file(const char *root, const char *rel, const struct text *t)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >=
	    sizeof(path)) {
		fprintf(stderr, "corpus: %s/%s: path too long\n", root, rel);
		exit(1);
	}
	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(t->p, 1, t->len, f) != t->len || fclose(f) != 0) {
		fprintf(stderr, "corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void
make_dir(const char *root, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void
paragraph(struct text *t, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		put(t, "%s", PICK(sentences));
	put(t, "\n\n");
}

/* A link to page `to` from a page of section `from_sect`, written as gen
 * takes it: the .md file, relative to the folder of the linking page. */
static void
link_page(struct text *t, size_t from_sect, size_t to)
{
	put(t, "[");
	title_of(t, to);
	if (sect_of(to) == from_sect)
		put(t, "](p%05zu.md)", to);
	else
		put(t, "](../%s/p%05zu.md)", sections[sect_of(to)].dir, to);
}

/* The body shared by both sites. */
static void
body(struct text *t, size_t sect, size_t self)
{
	size_t k, n, other, same;

	/* Link targets: a page of the same section and one elsewhere,
	 * both existing and not the page itself. */
	same = (self + NSECT * (1 + pick(50))) % npages;
	if (sect_of(same) != sect || same == self)
		same = sect;
	other = pick(npages);
	if (other == self)
		other = (other + 1) % npages;

	put(t, "## 概要\n\n");
	paragraph(t, 2);
	put(t, "あわせて");
	link_page(t, sect, same);
	put(t, "もご覧ください。**申請期限は%zu月%zu日**です。\n\n",
	    1 + pick(12), 1 + pick(28));

	put(t, "## 対象となる事業\n\n");
	n = 3 + pick(3);
	for (k = 0; k < n; k++)
		put(t, "- %s（%s）\n", PICK(items), PICK(regions));
	put(t, "\n### 手続きの流れ\n\n");
	put(t, "1. 申請書を作成する\n2. 都道府県の担当課に提出する\n"
	    "3. 交付決定の通知を受け取る\n\n");

	put(t, "## 実施状況\n\n| 地域 | 設置数 | 割合 | 備考 |\n"
	    "|---|--:|--:|---|\n");
	for (k = 0; k < 4; k++)
		put(t, "| %s | %zu | %zu.%zu%% | %s |\n", PICK(regions),
		    10 + pick(490), pick(100), pick(10), PICK(items));
	put(t, "\n");

	put(t, "## 報告の様式\n\n```yaml\n# 様式第%zu号\nmunicipality: \"%s\"\n"
	    "year: %zu\ncases: %zu\n```\n\n", 1 + pick(9), PICK(regions),
	    2020 + pick(6), pick(1000));

	put(t, "## 関連情報\n\n");
	paragraph(t, 1);
	put(t, "- ");
	link_page(t, sect, other);
	put(t, "\n- [%s](../%s/_index.md)\n\n", sections[sect_of(other)].title,
	    sections[sect_of(other)].dir);
}

static void
tag_list(struct text *t)
{
	size_t a = pick(sizeof(tags) / sizeof(tags[0])), b;

	b = (a + 1 + pick(sizeof(tags) / sizeof(tags[0]) - 1)) %
	    (sizeof(tags) / sizeof(tags[0]));
	put(t, "tags: [%s, %s]\n", tags[a], tags[b]);
}

int
main(int argc, char *argv[])
{
	struct text fm = { 0 }, hfm = { 0 }, b = { 0 }, t = { 0 };
	char gdir[4096], hdir[4096], rel[256];
	size_t total, i, s;
	char *end;

	if (argc != 3) {
		fputs("usage: corpus OUT NPAGES\n", stderr);
		return 2;
	}
	total = strtoul(argv[2], &end, 10);
	if (*end != '\0' || total < 2 * NSECT + 1 || total > 10000000) {
		fprintf(stderr, "corpus: NPAGES must be between %d and "
		    "10000000\n", 2 * NSECT + 1);
		return 2;
	}
	npages = total - 1 - NSECT;
	snprintf(gdir, sizeof(gdir), "%s/gen", argv[1]);
	snprintf(hdir, sizeof(hdir), "%s/hugo/content", argv[1]);
	make_dir(argv[1], "");
	make_dir(argv[1], "gen");
	make_dir(argv[1], "hugo");
	make_dir(hdir, "");

	t.len = 0;
	put(&t, "title: 架け橋ベンチマーク\n"
	    "description: gen と Hugo を同じ内容で比べるための生成サイトです。\n"
	    "language: ja\ntheme: default\npattern: top\n"
	    "copyright: \"© Kakehashi\"\nnews: news\nper_page: %d\n", PER_PAGE);
	write_file(gdir, "site.yaml", &t);

	/* The home page. */
	t.len = 0;
	put(&t, "---\ntitle: 架け橋ベンチマーク\n---\n\n## このサイトについて\n\n");
	paragraph(&t, 3);
	write_file(gdir, "_index.md", &t);
	write_file(hdir, "_index.md", &t);

	for (s = 0; s < NSECT; s++) {
		make_dir(gdir, sections[s].dir);
		make_dir(hdir, sections[s].dir);
		fm.len = hfm.len = b.len = 0;
		put(&fm, "---\ntitle: %s\ndescription: %sのページの一覧です。\n",
		    sections[s].title, sections[s].title);
		hfm.len = 0;
		put(&hfm, "%.*s", (int)fm.len, fm.p);
		put(&fm, "menu: main\nweight: %zu\n---\n\n", (s + 1) * 10);
		put(&hfm, "weight: %zu\nmenu:\n  main:\n    identifier: %s\n"
		    "    weight: %zu\n---\n\n", (s + 1) * 10, sections[s].dir,
		    (s + 1) * 10);
		put(&b, "## %sについて\n\n", sections[s].title);
		paragraph(&b, 2);
		put(&fm, "%.*s", (int)b.len, b.p);
		put(&hfm, "%.*s", (int)b.len, b.p);
		snprintf(rel, sizeof(rel), "%s/_index.md", sections[s].dir);
		write_file(gdir, rel, &fm);
		write_file(hdir, rel, &hfm);
	}

	for (i = 0; i < npages; i++) {
		s = sect_of(i);
		fm.len = hfm.len = b.len = t.len = 0;
		title_of(&t, i);
		put(&fm, "---\ntitle: \"%s\"\ndescription: %s\ndate: %04zu-%02zu-%02zu\n",
		    t.p, PICK(sentences), 2020 + pick(6), 1 + pick(12),
		    1 + pick(28));
		tag_list(&fm);
		put(&hfm, "%.*s", (int)fm.len, fm.p);
		if (rank_of(i) < MENU_KIDS) {
			put(&fm, "menu: main\n");
			put(&hfm, "menu:\n  main:\n    parent: %s\n",
			    sections[s].dir);
		}
		put(&fm, "---\n\n");
		put(&hfm, "---\n\n");
		body(&b, s, i);
		put(&fm, "%.*s", (int)b.len, b.p);
		put(&hfm, "%.*s", (int)b.len, b.p);
		snprintf(rel, sizeof(rel), "%s/p%05zu.md", sections[s].dir, i);
		write_file(gdir, rel, &fm);
		write_file(hdir, rel, &hfm);
	}
	free(fm.p);
	free(hfm.p);
	free(b.p);
	free(t.p);
	return 0;
}
