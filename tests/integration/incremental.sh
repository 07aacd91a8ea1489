#!/bin/bash
# Incremental builds: after each of a series of edits (a body, a title, a
# page moved, a page deleted, a partial, site.yaml), gen build into the
# previous output must give byte for byte the tree a clean build gives;
# files an edit does not concern are left untouched.  On the sample site
# and on a generated site of 500 pages.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/corpus.sh

GEN=${GEN:-build/gen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1795000000

n=0
# step NAME: build incrementally into $out and cleanly into a new folder;
# the two must be the same.
step() {
	n=$((n + 1))
	if ! $GEN build "$site" -o "$out" --theme-dir "$themes" -q 2>"$work/err"; then
		not_ok "$label: $1: incremental build"; diag <"$work/err"; return
	fi
	$GEN build "$site" -o "$work/clean-$n" --theme-dir "$themes" -q
	# The site and the manifest; gen's cache holds the times it read.
	if diff -r -x '.gen-cache*' "$out" "$work/clean-$n" >"$work/diff" 2>&1; then
		ok "$label: $1: incremental build = clean build"
	else
		not_ok "$label: $1: incremental build = clean build"; head -n 20 "$work/diff" | diag
	fi
	rm -rf "$work/clean-$n"
}

# --- the sample site --------------------------------------------------
label=center
cp -r content/center "$work/center"
cp -r themes "$work/themes"
site=$work/center themes=$work/themes out=$work/out
$GEN build "$site" -o "$out" --theme-dir "$themes" -q
touch -d '2001-01-01' "$out/careers/jobs/index.html"

printf '\n追記した段落です。\n' >>"$site/about/concept.md"
step "edit a body"
check "$label: an untouched page was not rewritten" \
	test "$(stat -c %Y "$out/careers/jobs/index.html")" = "$(date -d 2001-01-01 +%s)"
sed -i 's/^title: .*/title: 概念図（改訂）/' "$site/about/concept.md"
step "edit a title (menus, lists, breadcrumbs of other pages)"
check "$label: the new title is in another page's menu" grep -q '概念図（改訂）' "$out/careers/jobs/index.html"
mv "$site/practice/case-03.md" "$site/training/case-03.md"
sed -i 's/(case-03\.md)/(..\/training\/case-03.md)/' "$site/practice/_index.md"
step "move a page"
check "$label: the moved page's old output is gone" test ! -e "$out/practice/case-03"
rm "$site/council/coordination.md"
sed -i 's/(coordination\.md)/(overview.md)/' "$site/council/_index.md"
sed -i 's/(\.\.\/council\/coordination\.md)/(..\/council\/overview.md)/' "$site/practice/points.md"
step "delete a page (and the links to it)"
check "$label: the deleted page's output is gone" test ! -e "$out/council/coordination"
sed -i 's/ページの先頭へ戻る/ページの先頭へ/' "$themes/default/partials/footer.mustache"
step "change a partial"
sed -i 's/^title: .*/title: こども家庭センター 情報ポータル/' "$site/site.yaml"
step "change site.yaml"
sed -i 's/^pattern: .*/pattern: side/' "$site/site.yaml"
step "switch the layout pattern"
rm "$site/about/images/concept.svg"
sed -i 's/!\[[^]]*\](images\/concept.svg)//' "$site"/about/*.md "$site"/_index.md
step "delete an image"
check "$label: the deleted image is gone" test ! -e "$out/about/images/concept.svg"
step "nothing changed"

# --- the cache: pages neither read nor rendered when unchanged ----------
label=cache
site=$work/cs out=$work/cs-out
cp -r content/center "$site"
# built: how many pages the last build rendered ("N rendered").
rendered() { sed -n 's/^gen: [0-9]* pages, \([0-9]*\) rendered.*/\1/p' "$work/log"; }
build() { $GEN build "$site" -o "$out" --theme-dir "$themes" >"$work/log" 2>&1; }
build
# Files changed within two seconds of a build are read again by the next
# one whatever their times say; past that, the times are trusted.
sleep 2.2
build
check "$label: a build with nothing changed renders no page" test "$(rendered)" = 0
check "$label: and writes no file" grep -q '; 0 files written' "$work/log"
# The same theme named another way (relative, through ..): the same
# templates, so the same keys.
$GEN build "$site" -o "$out" --theme-dir "$(realpath --relative-to=. "$themes")/../themes" \
	>"$work/log" 2>&1
check "$label: the theme named by another path renders no page" test "$(rendered)" = 0
touch "$site/about/concept.md"
step "touch a file"
build
check "$label: a touched, unchanged file is read but not rendered" test "$(rendered)" = 0
sleep 2.2
build
# One character for another of the same length: the size stays, and
# only the file's times tell.
size=$(stat -c %s "$site/about/concept.md")
sed -i '18s/すべての妊産婦/すべての妊婦等/' "$site/about/concept.md"
check "$label: the edit kept the size" test "$(stat -c %s "$site/about/concept.md")" = "$size"
build
check "$label: an edit that keeps the size renders that page alone" test "$(rendered)" = 1
step "edit that keeps the size"
rm "$out/careers/jobs/index.html"
step "an output file removed by hand comes back"
check "$label: the removed file is back" test -f "$out/careers/jobs/index.html"
# The search index's entries of kept pages come from the last build's
# parts: one changed by hand is not read for them.
printf '\n' >>"$out/search-index/f-about.js"
printf '\n追記です。\n' >>"$site/about/concept.md"
step "a part changed by hand, and a page of its folder edited"
rm "$out/search-index/f-council.js"
printf '\n追記です。\n' >>"$site/council/overview.md"
step "a part removed by hand, and a page of its folder edited"
printf 'garbage\n' >"$out/.gen-cache"
step "a damaged cache"
head -c 5000 "$out/.gen-cache" >"$work/short" && cp "$work/short" "$out/.gen-cache"
build
check "$label: a cut-short cache is not used" test "$(rendered)" -gt 50
step "a cut-short cache"
# A commit cut short (a move into the output fails): the manifest in
# place says "unknown" for each file the build was changing and keeps the
# others' hashes, and the next build finishes the job.  Once with the
# same files as the last build, once with a page added.
${CC:-cc} -shared -fPIC -o "$work/failrename.so" tests/lib/failrename.c -ldl
cut_short() {
	FAIL_RENAME=$1 LD_PRELOAD=$work/failrename.so \
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    $GEN build "$site" -o "$out" --theme-dir "$themes" -q 2>"$work/cut"
}
sleep 2.2
build
printf '\n途中で止まる編集です。\n' >>"$site/about/concept.md"
cut_short about/concept/index.html; rc=$?
check "$label: a commit cut short fails" test "$rc" -ne 0
check "$label: and says the output is partly updated" grep -q 'partly updated' "$work/cut"
check "$label: the manifest says unknown for the page it was changing" \
	grep -qx '0000000000000000 about/concept/index.html' "$out/.gen-output"
check "$label: and for the search part it was changing" \
	grep -qx '0000000000000000 search-index/f-about.js' "$out/.gen-output"
check "$label: and keeps the hash of a file it was not changing" \
	sh -c "grep ' careers/jobs/index.html\$' '$out/.gen-output' | grep -qv '^0000000000000000 '"
step "the build after a commit cut short"
printf -- '---\ntitle: 追加したページ\ndescription: 途中で止まる追加。\n---\n\n本文。\n' >"$site/about/added.md"
cut_short about/added/index.html; rc=$?
check "$label: a page added, the commit cut short: it fails" test "$rc" -ne 0
check "$label: and says the output is partly updated" grep -q 'partly updated' "$work/cut"
check "$label: the manifest keeps the hash of a file it was not changing" \
	sh -c "grep ' careers/jobs/index.html\$' '$out/.gen-output' | grep -qv '^0000000000000000 '"
step "the build after a commit with a page added cut short"

# Front matter the cache gives back, every string of it: a page with more
# tags and aliases than the first table of the restorer holds, rendered
# again from the cache when a partial changes.
{
	printf -- '---\ntitle: タグの多いページ\ndescription: 四十のタグ。\n'
	printf 'aliases:\n  - /old/many-tags/\n  - /old/tags-2/\ntags:\n'
	seq 1 40 | sed 's/.*/  - タグ&/'
	printf -- '---\n\n本文。\n'
} >"$site/about/many-tags.md"
build
sleep 2.2
build
check "$label: the page of many tags is not read again" test "$(rendered)" = 0
# Folders whose entries cannot have changed (their times are as the cache
# says, and older than two seconds) are not read again: the build goes on
# with about/ made unreadable.  A name added or removed changes the
# folder's times, and the next build reads it.
${CC:-cc} -shared -fPIC -o "$work/faildents.so" tests/lib/faildents.c -ldl
about_unreadable() {
	FAIL_GETDENTS_UNDER=$(realpath "$site/about") LD_PRELOAD=$work/faildents.so \
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    $GEN build "$site" -o "$out" --theme-dir "$themes" >"$work/log" 2>&1
}
printf '\n追記です。\n' >>"$site/about/many-tags.md"
about_unreadable; rc=$?
check "$label: a page edited in place: its folder is not read again" test "$rc" = 0
check "$label: and the page is rendered" test "$(rendered)" = 1
step "a page edited, its folder's entries from the cache"
printf -- '---\ntitle: 後から加えたページ\ndescription: 加えたページ。\n---\n\n本文。\n' >"$site/about/later.md"
about_unreadable; rc=$?
check "$label: a page added: its folder is read again" test "$rc" -ne 0
check "$label: (the shim is what stopped it)" grep -q 'about.*cannot read directory' "$work/log"
step "a page added to a folder the cache lists"
check "$label: the added page is there" test -f "$out/about/later/index.html"
sleep 2.2
build
rm "$site/about/later.md"
about_unreadable; rc=$?
check "$label: a page removed: its folder is read again" test "$rc" -ne 0
step "a page removed from a folder the cache lists"
check "$label: the removed page is gone" test ! -e "$out/about/later"
printf '<!-- 改訂 -->\n' >>"$themes/default/partials/footer.mustache"
step "a partial changed: pages rendered from the cache's front matter"
check "$label: its last tag is on it" grep -q 'タグ40' "$out/about/many-tags/index.html"
check "$label: its second alias leads to it" test -f "$out/old/tags-2/index.html"
# A news item that expires between two builds leaves the lists of pages
# that were not otherwise touched.
sed -i 's/^date: 2026-04-01$/date: 2026-04-01\nexpires: 2026-11-20/' "$site/news/2026-04-01-fy2026-guidelines.md"
step "an item that has not expired yet"
check "$label: the item is on the home page" grep -q '令和8年度の補助事業' "$out/index.html"
SOURCE_DATE_EPOCH=1795500000 step "the day after it expired"
check "$label: the item has left the home page" sh -c "! grep -q '令和8年度の補助事業' '$out/index.html'"

# --- 500 generated pages ------------------------------------------------
# (tests/lib/corpus.sh: s1's 300 pages are in three parts of the search
# index.)
label=corpus500
site=$work/corpus out=$work/corpus-out
corpus500 "$site"
$GEN build "$site" -o "$out" --theme-dir "$themes" -q
check "$label: s1's 301 pages are in three parts of the search index" \
    test -s "$out/search-index/f3-s1.js" -a ! -e "$out/search-index/f4-s1.js"
check "$label: each of s1's pages has one entry in them" sh -c \
    "[ \$(cat '$out'/search-index/f*-s1.js | grep -c '^\[\"') -eq 301 ]"
# The next build takes every record from the full build's cache.
$GEN build "$site" -o "$out" --theme-dir "$themes" >"$work/log" 2>&1
check "$label: a build after the full build renders no page" \
    test "$(rendered)" = 0
# Records of files older than two seconds, which the next build trusts.
sleep 2.2
build
sed -i 's/記事 50 の本文です/記事 50 の本文を改めました/' "$site/s2/p50.md"
step "edit a body"
# A few pages' records changed: the cache's changes are written beside
# it, not the cache again; the steps after this one build from both.
check "$label: a body edited: the cache's changes are written" \
    test -s "$out/.gen-cache-changes"
sed -i 's/記事 80 の本文です/記事 80 の本文を改めました/' "$site/s1/p80.md"
step "edit a body in a folder's third part"
sed -i 's/^title: 分類3 の記事 7$/title: 改題した記事/' "$site/s3/p7.md"
step "edit a title"
mv "$site/s4/p49.md" "$site/s1/p999.md"
sed -i 's/(p49\.md)/(..\/s1\/p999.md)/' "$site/s4/p50.md"
step "move a page (into s1: its parts' pages shift)"
rm "$site/s1/p3.md"
sed -i 's/(p3\.md)/(p2.md)/' "$site/s1/p4.md"
step "delete a page (news: the list pages shift)"
# A section's order comes from the cache when nothing sorting reads of
# its pages changed: a weight, or a file's name between two pages of the
# same title and weight, changes the order and nothing a list shows.
sed -i 's/^weight: 10$/weight: 100/' "$site/s2/p10.md"
step "change a weight (s2's order changes)"
sed -i 's/^title: .*/title: 同じ題の記事/; s/^weight: .*/weight: 30/' \
    "$site/s5/p30.md" "$site/s5/p31.md"
step "two pages of s5 with the same title and weight"
# Changes that do not read back make the whole cache unusable: the next
# build reads every page, and writes the cache whole.
printf 'garbage\n' >"$out/.gen-cache-changes"
sed -i 's/記事 60 の本文です/記事 60 の本文を改めました/' "$site/s2/p60.md"
step "damaged changes of the cache"
check "$label: the cache is written whole after them, without changes" \
    test -s "$out/.gen-cache" -a ! -e "$out/.gen-cache-changes"
mv "$site/s5/p30.md" "$site/s5/pz30.md"
sed -i 's/(p30\.md)/(pz30.md)/' "$site/s5/p31.md"
step "rename one of them (the file names decide)"
# (In the section's list, after <main: p30 is in the menu too.)
check "$label: the renamed page is listed after the other" sh -c \
    "sed -n '/<main/,\$p' '$out/s5/index.html' | grep -o '\"p31/index.html\"\\|\"pz30/index.html\"' | tr '\\n' ' ' | grep -q '^\"p31/index.html\" \"pz30/index.html\" \$'"
step "nothing changed"
done_testing
