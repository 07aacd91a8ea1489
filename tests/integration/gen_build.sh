#!/bin/bash
# gen on the sample site and on broken fixtures: output layout, members
# pages kept out of the public indexes, deterministic builds and ZIPs,
# errors with FILE:LINE that leave the previous output alone.
# Leaves the built sample site in build/check/center for later suites.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/corpus.sh

GEN=${GEN:-build/gen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1795000000	# 2026-11-18: fixes "today" for expiry

# --- the sample site -------------------------------------------------
out=build/check/center
rm -rf build/check
if $GEN build content/center -o "$out" -q 2>"$work/err"; then
	ok "gen build content/center"
else
	not_ok "gen build content/center"; diag <"$work/err"; done_testing; exit 1
fi
check "home page written" test -s "$out/index.html"
check "404 page written" test -s "$out/404.html"
check "robots.txt disallows the members area" grep -q '^Disallow: /members/' "$out/robots.txt"
check "Atom feed written" grep -q '<feed xmlns="http://www.w3.org/2005/Atom"' "$out/feed.xml"
check "sitemap written (base_url is set)" grep -q '<urlset' "$out/sitemap.xml"
check "search index written" grep -q '^window.KAKEHASHI_SEARCH = ' "$out/search-index.js"
check "theme assets copied" test -s "$out/assets/css/style.css"

# Members pages: under members/, and in none of the public indexes.
check "members pages are under members/" test -s "$out/members/index.html"
nmembers=$(find "$out/members" -name '*.html' | wc -l)
check "members area has pages ($nmembers)" test "$nmembers" -gt 3
check "search index parts written" test -s "$out/search-index/f-about.js"
for f in feed.xml sitemap.xml search-index.js $(cd "$out" && echo search-index/*.js); do
	check "no members page in $f" sh -c "! grep -q 'members/' '$out/$f'"
done
# No public page of the news feed or sitemap is missing from disk.
for u in $(grep -o 'href="[^"]*"' "$out/feed.xml" | sed 's/href="//; s/"$//'); do
	test -f "$out/$u" || { not_ok "feed link $u exists"; continue; }
done
ok "feed links exist on disk"

# data/*.yaml as JSON, for scripts and open data.
check "data/prefectures.yaml is published as JSON" node -e '
	const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	if (d.prefectures.length !== 47 || d.prefectures[12].name !== "東京都" ||
	    d.prefectures[12].code !== "130001") process.exit(1);' "$out/data/prefectures.json"

# Drafts and expired items.
draft=$(grep -l '^draft: true' -r content/center --include='*.md' | head -n 1)
if [ -n "$draft" ]; then
	rel=${draft#content/center/}
	dir=${rel%.md}
	check "draft $rel is not built" test ! -e "$out/$dir/index.html"
	$GEN build content/center -o "$work/drafts" --drafts -q 2>/dev/null
	check "draft $rel is built with --drafts" test -s "$work/drafts/$dir/index.html"
fi
expired=$(grep -l '^expires: ' -r content/center/news --include='*.md' | head -n 1)
if [ -n "$expired" ]; then
	rel=${expired#content/center/}
	dir=${rel%.md}
	check "expired item's page still exists" test -s "$out/$dir/index.html"
	check "expired item is not in the feed" sh -c "! grep -q '$dir/' '$out/feed.xml'"
	check "expired item is not in the news list" sh -c "! grep -rq 'href=\"$(basename "$dir")/index.html\"' '$out/news/index.html' $out/news/page 2>/dev/null"
fi

# Same input, same bytes.
$GEN build content/center -o "$work/again" -q
# gen's cache records when the sources were read: the site is the rest.
check "two builds give identical trees" diff -r -x '.gen-cache*' "$out" "$work/again"

# The same tree from any number of threads: they take the pages in
# batches from stripes of the site, as many stripes as threads; the
# 506 pages of corpus500 leave the last stripe, or the last batch of
# each, short.
corpus500 "$work/jsite"
$GEN build "$work/jsite" -o "$work/j1" -q --theme-dir themes --jobs 1
for j in 2 3 7; do
	$GEN build "$work/jsite" -o "$work/j$j" -q --theme-dir themes \
	    --jobs "$j"
	check "--jobs $j writes the tree --jobs 1 does" \
	    diff -r -x '.gen-cache*' "$work/j1" "$work/j$j"
done
check "--jobs 1 writes every page" \
    test "$(find "$work/j1" -name index.html | wc -l)" -ge 506

# The ZIP: deterministic, and it unpacks to the same tree.
$GEN zip content/center -i "$out" -o "$work/a.zip" -q
$GEN zip content/center -i "$work/again" -o "$work/b.zip" -q
check "two ZIPs of the same tree are identical" cmp "$work/a.zip" "$work/b.zip"
mkdir "$work/unz"
(cd "$work/unz" && unzip -q ../a.zip)
check "the ZIP unpacks to the same tree (but gen's marker and cache, and the programs' data)" \
	diff -r -x .gen-output -x '.gen-cache*' -x .gen-app.json "$out" "$work/unz"
check "the programs' data is not in the ZIP" test ! -e "$work/unz/.gen-app.json"
check "the programs' data is written beside the site" test -s "$out/.gen-app.json"
check "and gives the layout of a page two folders down" \
	grep -q '"root": "../../"' "$out/.gen-app.json"
check "the marker is not in the ZIP" test ! -e "$work/unz/.gen-output"
check "the cache is not in the ZIP" test ! -e "$work/unz/.gen-cache"
check "gen zip refuses a missing tree" sh -c "! $GEN zip -i '$work/nothing' -o '$work/n.zip' -q 2>/dev/null"
# What a gen zip killed midway leaves: its file and libzip's beside it,
# named by its PID.  The next one removes them, but not those of a run
# still going (this shell's PID).
dead=$(sh -c 'echo $$')
printf 'partial' >"$work/a.zip.tmp-$dead"
printf 'partial' >"$work/a.zip.tmp-$dead.Xq3f9a"
printf 'running' >"$work/a.zip.tmp-$$.Zz81kq"
printf 'mine' >"$work/a.zip.tmp-notes"
$GEN zip content/center -i "$out" -o "$work/a.zip" -q
check "gen zip removes what a killed gen zip left" \
	test ! -e "$work/a.zip.tmp-$dead" -a ! -e "$work/a.zip.tmp-$dead.Xq3f9a"
check "but not what a running one is writing, nor a file not named so" \
	test -e "$work/a.zip.tmp-$$.Zz81kq" -a -e "$work/a.zip.tmp-notes"
check "and the ZIP is as before" cmp "$work/a.zip" "$work/b.zip"

# The other layout pattern, with news spread over several list pages:
# built to build/check/center-side for the browser suites.
side=build/check/center-side
mkdir -p build/check/src
cp -r content/center build/check/src/
sed -i 's/^pattern: .*/pattern: side/; s/^per_page: .*/per_page: 2/' build/check/src/center/site.yaml
if $GEN build build/check/src/center -o "$side" --theme-dir themes -q 2>"$work/err"; then
	ok "sample site builds with the side pattern and 2 news items a page"
else
	not_ok "sample site builds with the side pattern"; diag <"$work/err"
fi
check "side pattern: the body says so" grep -q 'class="pattern-side' "$side/index.html"
check "side pattern: the active section starts open" grep -q '<details open>' "$side/about/concept/index.html"
check "news list page 2 exists" test -s "$side/news/page/2/index.html"
check "news list page 3 exists" test -s "$side/news/page/3/index.html"
check "page 2 links back to page 1 by file" grep -q 'href="../../index.html" rel="prev"' "$side/news/page/2/index.html"
check "page 1 links on to page 2" grep -q 'href="page/2/index.html" rel="next"' "$side/news/index.html"
check "the current page number is marked" grep -q 'aria-current="page">2<' "$side/news/page/2/index.html"
n1=$(grep -c 'class="entry-link"' "$side/news/index.html")
check "two items on a list page ($n1)" test "$n1" -eq 2

# --- the output folder is gen's own ------------------------------------
mkdir -p "$work/mine" && echo keep >"$work/mine/notes.txt"
check "refuses to replace a folder gen did not write" sh -c "! $GEN build content/center -o '$work/mine' -q 2>/dev/null"
check "and leaves it alone" grep -q keep "$work/mine/notes.txt"
check "refuses the site folder itself" sh -c "! $GEN build content/center -o content/center -q 2>/dev/null"
check "refuses a folder holding the site" sh -c "! $GEN build content/center -o content -q 2>/dev/null"
check "refuses the current folder" sh -c "! $GEN build content/center -o . -q 2>/dev/null"
check "refuses a folder inside the site" sh -c "! $GEN build content/center -o content/center/out -q 2>/dev/null"
check "the site is still there" test -s content/center/site.yaml
cp -r themes "$work/th2"
check "refuses a folder inside the theme" sh -c "! $GEN build content/center -o '$work/th2/default/assets/out' --theme-dir '$work/th2' -q 2>/dev/null"
check "and writes nothing there" test ! -e "$work/th2/default/assets/out"

# A manifest names files inside the output only: a line that climbs out
# of it is ignored, never acted on.
$GEN build content/center -o "$work/esc/out" -q
echo keep >"$work/esc/victim.txt"
echo "0000000000000001 ../victim.txt" >>"$work/esc/out/.gen-output"
$GEN build content/center -o "$work/esc/out" -q
check "a manifest line outside the output removes nothing" grep -qx keep "$work/esc/victim.txt"
# A build cut short leaves its staging folder; the next build clears it.
mkdir -p "$work/esc/out.tmp-999999999/x"
$GEN build content/center -o "$work/esc/out" -q
check "a dead build's staging folder is removed" test ! -e "$work/esc/out.tmp-999999999"

# --- the command line ------------------------------------------------
check "gen --help" sh -c "$GEN --help | grep -q 'build \[SITE_DIR\]'"
check "gen build --help names every option" sh -c "$GEN build --help | grep -q -- '--drafts' && $GEN build --help | grep -q -- '--output'"
check "gen zip --help" sh -c "$GEN zip --help | grep -q -- '--input'"
check "gen --version" sh -c "$GEN --version | grep -q '^gen (Kakehashi) '"
check "a malformed SOURCE_DATE_EPOCH is refused" sh -c "SOURCE_DATE_EPOCH=soon $GEN build content/center -o '$work/sde' -q 2>&1 | grep -q 'SOURCE_DATE_EPOCH'"
check "unknown command exits 2" sh -c "$GEN frobnicate 2>/dev/null; test \$? -eq 2"

# --- errors leave the previous output alone ---------------------------
fx=$work/site
mkfix() {
	rm -rf "$fx"
	mkdir -p "$fx/about"
	cat >"$fx/site.yaml" <<'YAML'
title: 試験サイト
language: ja
theme: default
YAML
	printf -- '---\ntitle: ホーム\ndescription: 試験\nmenu: main\n---\n\n[概要](about/_index.md)\n' >"$fx/_index.md"
	printf -- '---\ntitle: 概要\ndescription: 概要\nmenu: main\n---\n\n## 見出し\n\n本文。\n' >"$fx/about/_index.md"
}
mkfix
build_fx() { $GEN build "$fx" -o "$work/fxout" --theme-dir themes -q 2>"$work/err"; }
check "fixture builds" build_fx
check "no sitemap without a base_url" test ! -e "$work/fxout/sitemap.xml"
check "no feed without a news section" test ! -e "$work/fxout/feed.xml"
cp -r "$work/fxout" "$work/fxprev"

# A broken theme template: its file, line and column.
cp -r themes "$work/themes"
printf '{{<base}}\n{{$main}}\n{{#page.title}}\n{{/main}}\n{{/base}}\n' >"$work/themes/default/layouts/page.mustache"
printf -- '---\ntitle: ページ\n---\n本文\n' >"$fx/about/p.md"
if $GEN build "$fx" -o "$work/fxout" --theme-dir "$work/themes" -q 2>"$work/err"; then
	not_ok "a broken template fails the build"
elif grep -q 'layouts/page.mustache:[0-9]*:[0-9]*: ' "$work/err"; then
	ok "a broken template fails the build: $(head -n 1 "$work/err")"
else
	not_ok "a broken template's error names file:line:col"; diag <"$work/err"
fi
# The same broken layout for two pages: its error once, not once a page.
printf -- '---\ntitle: ページ二\n---\n本文\n' >"$fx/about/q.md"
$GEN build "$fx" -o "$work/fxout" --theme-dir "$work/themes" -q 2>"$work/err"
check "a broken layout's error is given once for all its pages" \
    test "$(grep -c 'layouts/page.mustache:[0-9]*:[0-9]*: ' "$work/err")" = 1
rm -f "$fx/about/p.md" "$fx/about/q.md"
check "previous output intact after a template error" diff -r "$work/fxprev" "$work/fxout"
# A layout that is not there: an error for each page that asks for it,
# at its line, between pages of the default layout.
printf -- '---\ntitle: 甲\nlayout: nosuch\n---\n本文\n' >"$fx/about/a.md"
printf -- '---\ntitle: 乙\n---\n本文\n' >"$fx/about/b.md"
printf -- '---\ntitle: 丙\ndescription: 丙\nlayout: nosuch\n---\n本文\n' >"$fx/about/c.md"
$GEN build "$fx" -o "$work/fxout" --theme-dir themes -q 2>"$work/err"
check "a missing layout: an error at each page's line" sh -c \
    "grep -q 'about/a.md:3: layout .nosuch. not found' '$work/err' &&
     grep -q 'about/c.md:4: layout .nosuch. not found' '$work/err' &&
     [ \$(grep -c 'not found' '$work/err') -eq 2 ]"
rm -f "$fx/about/a.md" "$fx/about/b.md" "$fx/about/c.md"

expect_error() {	# name, expected message (grep -E)
	if build_fx; then
		not_ok "$1: build fails"
	elif grep -Eq -- "$2" "$work/err"; then
		ok "$1: $(head -n 1 "$work/err")"
	else
		not_ok "$1: message matches '$2'"; diag <"$work/err"
	fi
	check "$1: previous output intact" diff -r "$work/fxprev" "$work/fxout"
	mkfix
}

printf '\n[なし](missing.md)\n' >>"$fx/about/_index.md"
expect_error "broken link" "about/_index.md:11: link 'missing.md': no page"
printf '\n![図](img/nothing.png)\n' >>"$fx/_index.md"
expect_error "missing image" "_index.md:9: link 'img/nothing.png'"
printf '\n[上](../../etc/passwd)\n' >>"$fx/_index.md"
expect_error "link outside the site" "_index.md:9: link '../../etc/passwd' leads outside the site"
sed -i 's/^title: 概要/tittle: 概要/' "$fx/about/_index.md"
expect_error "misspelt key" "about/_index.md:2: unknown key 'tittle' \(did you mean 'title'\?\)"
sed -i 's/^description: 概要/description: [概要/' "$fx/about/_index.md"
expect_error "bad YAML" "about/_index.md:[34]:[0-9]+: .*line 3"
printf -- '---\ntitle: x\ndate: 2026-02-30\n---\n' >"$fx/about/x.md"
expect_error "impossible date" "about/x.md:3: date '2026-02-30' is not a date"
printf 'no front matter\n' >"$fx/about/y.md"
expect_error "missing front matter" "about/y.md:1: missing front matter"
printf -- '---\ntitle: \xff\n---\n' >"$fx/about/z.md"
expect_error "invalid UTF-8" "about/z.md:2: not valid UTF-8"
printf '\n:::details 質問\n答え\n' >>"$fx/about/_index.md"
expect_error "unclosed accordion" "about/_index.md:11: accordion ':::details' is not closed"
printf 'pattern: diagonal\n' >>"$fx/site.yaml"
expect_error "bad layout pattern" "site.yaml:4: pattern 'diagonal' must be 'top'"
printf -- '---\ntitle: 重複\n---\n' >"$fx/about/index.md"
printf -- '---\ntitle: 重複2\n---\n' >"$fx/about.md"
expect_error "two pages at one path" "is the same page as"

# Links of every kind in one page, and where they land.
cat >>"$fx/_index.md" <<'MD'

[root link](/about/) [md link](about/_index.md#見出し) [dir link](about/)
[outside](https://example.go.jp/) [mail](mailto:a@example.go.jp) [anchor](#top)
MD
# A members section with an attachment, beside a public section.
mkdir -p "$fx/secret" "$fx/about/files"
printf -- '---\ntitle: 会員向け\naccess: members\n---\n\n[議事録](minutes.pdf)\n' >"$fx/secret/_index.md"
printf -- '---\ntitle: 内部資料\n---\n\n本文\n' >"$fx/secret/inner.md"
printf '%%PDF-1.4\n' >"$fx/secret/minutes.pdf"
printf '%%PDF-1.4\n' >"$fx/about/files/a b#1.pdf"
printf -- '---\ntitle: 内部限定\naccess: members\n---\n\n本文\n' >"$fx/about/private.md"
cat >>"$fx/about/_index.md" <<'MD'

[添付](files/a%20b%231.pdf)
MD
check "fixture with links builds" build_fx
check "a members section is written under members/" test -s "$work/fxout/members/secret/index.html"
check "its pages inherit access" test -s "$work/fxout/members/secret/inner/index.html"
check "its attachment too" test -s "$work/fxout/members/secret/minutes.pdf"
check "and not in the public tree" test ! -e "$work/fxout/secret/minutes.pdf"
check "the link to it follows" grep -q 'href="minutes.pdf"' "$work/fxout/members/secret/index.html"
check "a file name with '#' and a space is percent-encoded" grep -q 'href="files/a%20b%231.pdf"' "$work/fxout/about/index.html"
check "a members page in a public section goes under members/" test -s "$work/fxout/members/about/private/index.html"
check "and is not listed on the public section's page" sh -c "! grep -q '内部限定' '$work/fxout/about/index.html'"
check "fixture with links builds (2)" build_fx
h=$work/fxout/index.html
check "site-root link made relative and names the file" grep -q 'href="about/index.html"' "$h"
check ".md link rewritten, anchor kept" grep -q 'href="about/index.html#見出し"' "$h"
check "outside links kept" grep -q 'href="https://example.go.jp/"' "$h"
check "mailto kept" grep -q 'href="mailto:a@example.go.jp"' "$h"
check "heading id kept for Japanese" grep -q '<h2 id="見出し">' "$work/fxout/about/index.html"
check "home link from a section names the file" grep -q 'href="../index.html"' "$work/fxout/about/index.html"

# --- a section's list: weighted pages first (lower first), then by title
# byte for byte, then by file name; titles alike in their first sixteen
# bytes, or in more than the first forty-eight, and titles that begin
# others among them.
mkfix
mkdir -p "$fx/order"
printf -- '---\ntitle: 並び順\ndescription: 並び順\n---\n\n本文。\n' >"$fx/order/_index.md"
page() { printf -- '---\ntitle: %s\ndescription: 説明\n%s---\n\n本文。\n' "$2" "$3" >"$fx/order/$1.md"; }
page w1 重み五 'weight: 5\n'
page w2 重み負 'weight: -1\n'
page w3 重み零 'weight: 0\n'
page t1 あ ''
page t2 あい ''
page t3 ああああああ ''
page t4 あああああああ ''
page t5 ああああああい ''
page t6 同じ題 ''
page t7 同じ題 ''
page t8 A ''
page t9 a ''
a17=ああああああああああああああああああ
a17=${a17%あ}
page u1 "${a17}い" ''
page u2 "${a17}あ" ''
page u3 "${a17}あい" ''
sed -i 's/\\n---/\n---/' "$fx"/order/*.md
check "fixture with a list to order builds" build_fx
order=$(grep -o 'href="[tuw][0-9]/index.html"' "$work/fxout/order/index.html" | sed 's/href="\(..\)\/index.html"/\1/' | tr '\n' ' ')
check "the section lists its pages in order (got: $order)" \
	test "$order" = "w2 w3 w1 t8 t9 t1 t3 t4 u2 u3 u1 t5 t2 t6 t7 "

# --- the news: newest first, then as any section (weight, title, file
# name); a folder in it, which has no date, after the items.
mkfix
printf 'news: news\n' >>"$fx/site.yaml"
mkdir -p "$fx/news/old"
printf -- '---\ntitle: お知らせ\ndescription: お知らせ\n---\n\n本文。\n' >"$fx/news/_index.md"
printf -- '---\ntitle: 過去の分\ndescription: 過去\n---\n\n本文。\n' >"$fx/news/old/_index.md"
item() { printf -- '---\ntitle: %s\ndescription: 説明\ndate: %s\n%s---\n\n本文。\n' "$2" "$3" "$4" >"$fx/news/$1.md"; }
item n1 春 2025-04-01 ''
item n2 夏 2025-07-01 ''
item n3 秋 2025-07-01 ''
item n4 冬 2025-07-01 'weight: 1\n'
item n5 雪 2024-12-31 ''
item n6 雨 2025-07-10 ''
sed -i 's/\\n---/\n---/' "$fx"/news/*.md
check "fixture with news to order builds" build_fx
order=$(grep -o 'href="\(n[0-9]\|old\)/index.html"' "$work/fxout/news/index.html" | sed 's/href="\([^/]*\)\/index.html"/\1/' | tr '\n' ' ')
check "the news lists its items newest first (got: $order)" \
	test "$order" = "n6 n4 n2 n3 n1 n5 old "

# --- what the search index holds --------------------------------------
check "the end of a long page's text is in the search index" \
	grep -q '連絡先を伝えておきましょう' -r "$out/search-index"
srch=$work/srch
mkdir -p "$srch/members" "$srch/jobs"
printf 'title: 検索\ndescription: x\ntheme: default\nbase_url: https://example.jp/\n' >"$srch/site.yaml"
printf -- '---\ntitle: ホーム\ndescription: x\n---\n\n本文\n' >"$srch/_index.md"
# Mostly white space (a code block of blank lines), then a word.
{
	printf -- '---\ntitle: 空白の多いページ\ndescription: x\n---\n\n```\n'
	for _ in $(seq 1 3000); do printf '        \n'; done
	printf '```\n\n白紙のあとの言葉\n'
} >"$srch/blank.md"
printf -- '---\ntitle: 会員\ndescription: x\naccess: members\n---\n\n会員の入口\n' >"$srch/members/_index.md"
printf -- '---\ntitle: 会員だけの知らせ\ndescription: x\naccess: public\n---\n\n会員の部屋にある言葉\n' >"$srch/members/notice.md"
printf -- '---\ntitle: 募集\ndescription: x\n---\n\n一覧\n' >"$srch/jobs/_index.md"
printf -- '---\ntitle: 締め切った募集\ndescription: x\nexpires: 2026-01-31\n---\n\n終わった募集の言葉\n' >"$srch/jobs/closed.md"
printf -- '---\ntitle: 受付中の募集\ndescription: x\nexpires: 2027-01-31\n---\n\n受付中の言葉\n' >"$srch/jobs/open.md"
if $GEN build "$srch" -o "$work/srchout" -q --theme-dir themes 2>"$work/err"; then
	idx=$work/srchout/search-index
	check "text after long white space is in the index" grep -q '白紙のあとの言葉' -r "$idx"
	check "the index is valid UTF-8" sh -c "cat '$idx'/*.js '$work/srchout/search-index.js' | iconv -f UTF-8 -t UTF-8 >/dev/null"
	check "a page in members/ that says public is not in the index" \
	    sh -c "! grep -q '会員の部屋' -r '$idx' '$work/srchout/search-index.js'"
	check "nor in the sitemap" sh -c "! grep -q 'members/' '$work/srchout/sitemap.xml'"
	check "an expired page that is no news item leaves the index" \
	    sh -c "! grep -q '終わった募集' -r '$idx'"
	check "and its section's list" sh -c "! grep -q 'closed/index.html' '$work/srchout/jobs/index.html'"
	check "and the sitemap" sh -c "! grep -q 'jobs/closed/' '$work/srchout/sitemap.xml'"
	check "but its page stays" test -s "$work/srchout/jobs/closed/index.html"
	check "a page not yet expired stays in the index" grep -q '受付中の言葉' -r "$idx"
	check "and in its section's list" grep -q 'open/index.html' "$work/srchout/jobs/index.html"
else
	not_ok "gen build of the search site"; diag <"$work/err"
fi

done_testing
