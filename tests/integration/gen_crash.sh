#!/bin/bash
# gen killed in the middle of a build (SIGKILL: no error path runs, as
# with `kill -9` or the OOM killer), just before one of the calls that
# change files: its Nth write(), rename(), renameat2(), unlink(),
# rmdir(), mkdir() or open() that creates (tests/lib/killat.c).  For a
# first build and for each kind of change to the site, and each such
# point, from the same output each time: the next build must succeed,
# give byte for byte the tree a clean build gives, and leave no staging
# folder behind.  A build that makes K calls of a kind is killed before
# each of them when K is at most 12, else before the first four, the
# middle one and the last four; and once past the last, when it
# completes.  (How many folders a first build makes depends on the order
# in which its two threads write: a run that makes fewer than the count
# completes, and is checked as the others.)  And a disk that fills up
# in the middle of a build, from each of its writes on (fulls): the build
# fails without harm and the next one, the disk free again, = a clean
# build; and for the messages, one for the file that could not be
# written, named where it was going, one for the rest.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/corpus.sh

GEN=${GEN:-build/gen}
# On tmpfs where there is one: the runs make and remove hundreds of
# trees, and ext4 creates files slowly for a while after such removals
# (scripts/bench.sh), which would slow the suites after this one.  A kill
# leaves what the page cache holds either way.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	work=$(mktemp -d /dev/shm/gen-crash.XXXXXX)
else
	work=$(mktemp -d)
fi
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1795000000

${CC:-cc} -shared -fPIC -o "$work/killat.so" tests/lib/killat.c -ldl

cp -r content/center "$work/site"
cp -r themes "$work/themes"
site=$work/site themes=$work/themes out=$work/out before=$work/before

build() {
	$GEN build "$site" -o "$1" --theme-dir "$themes" -q
}

# The output as the last build left it, back in place; none for a first
# build.
restore() {
	rm -rf "$out" "$out".tmp-*
	if [ -d "$before" ]; then cp -a "$before" "$out"; fi
}

# A clean build of the site as it is now, into $work/clean.
clean_build() {
	rm -rf "$work/clean"
	build "$work/clean"
}

# The output back as it was, and how many of each call a build from it
# makes, in $work/counts; $work/log, for what goes wrong, emptied.
count_calls() {
	restore
	rm -f "$work/counts"
	KILL_COUNT=$work/counts LD_PRELOAD=$work/killat.so build "$out"
	: >"$work/log"
}

# The clean build's output, which the next change starts from.
keep_clean() {
	rm -rf "$before"
	cp -a "$work/clean" "$before"
}

# Which calls to kill before: 1..K, or a spread of them; then K + 1.
points() {
	local k=$1 i
	if [ "$k" -le 12 ]; then
		seq 1 $((k + 1))
	else
		for i in 1 2 3 4 $((k / 2)) $((k - 3)) $((k - 2)) $((k - 1)) $k \
		    $((k + 1)); do
			echo "$i"
		done
	fi
}

# The build after one cut short ($1 says which): it must succeed, give
# the clean build's tree and leave no staging folder.  Says what went
# wrong, if anything.
after() {
	if ! build "$out" >"$work/err" 2>&1; then
		echo "$1: the build after it failed:"
		head -n 5 "$work/err"
	elif ! diff -r -x '.gen-cache*' "$out" "$work/clean" >"$work/diff" 2>&1; then
		echo "$1: the build after it differs from a clean build:"
		head -n 10 "$work/diff"
	elif ls -d "$out".tmp-* >/dev/null 2>&1; then
		echo "$1: a staging folder is left"
	fi
}

# One kill: the build killed before call $1 number $2 of $3, then built
# again (after $undo, when set).  Says what went wrong, if anything.
one() {
	local call=$1 n=$2 k=$3 rc
	restore
	[ -z "$undo" ] || eval "$redo"
	KILL_AT=$call:$n LD_PRELOAD=$work/killat.so build "$out" >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 137 ] && echo >>"$work/kills"
	[ -z "$undo" ] || eval "$undo"
	if [ "$rc" -ne 137 ] && [ "$rc" -ne 0 ]; then
		echo "$call $n of $k: the build failed (status $rc)"
	else
		after "$call $n of $k"
	fi
}

# crashes NAME [UNDO REDO]: the site as it is now, built from the output
# in $before (or from none).  With UNDO, the change the build was making
# is undone (shell code) after each kill, and the next build must give
# the tree of the site as it was: the files the killed build had
# changed, or was changing, must not be taken as up to date.  REDO
# makes the change again.
crashes() {
	local call k n runs=0 kills
	undo=${2:-} redo=${3:-}
	[ -z "$undo" ] || eval "$undo"
	clean_build
	[ -z "$undo" ] || eval "$redo"
	count_calls
	: >"$work/kills"
	while read -r call k; do
		[ "$k" -gt 0 ] || continue
		for n in $(points "$k"); do
			runs=$((runs + 1))
			one "$call" "$n" "$k" >>"$work/log"
		done
	done <"$work/counts"
	kills=$(wc -l <"$work/kills")
	# Each kind's points but the last kill the build, but for the
	# folders of a first build.
	if [ "$kills" -ge $((runs / 2)) ] && [ ! -s "$work/log" ]; then
		ok "$1: killed at $kills points, the next build = a clean build"
	else
		not_ok "$1: killed at $kills of $runs points, the next build = a clean build"
		head -n 40 "$work/log" | diag
	fi
	keep_clean
	[ -z "$undo" ] || eval "$undo"
}

# fulls NAME: as crashes, but the disk fills up instead (killat.c's
# FULL_AT): from each write on, every write fails with ENOSPC.  The build
# fails cleanly (no crash), leaves the output as it was when it says so,
# and the next build, the disk free again, gives the clean build's tree.
fulls() {
	local k n rc runs=0
	clean_build
	count_calls
	k=$(sed -n 's/^write //p' "$work/counts")
	for n in $(seq 1 $((k + 1))); do
		runs=$((runs + 1))
		restore
		FULL_AT=$n LD_PRELOAD=$work/killat.so build "$out" 2>"$work/err"
		rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
			echo "from write $n of $k: status $rc"
		elif grep -q 'the output was not changed' "$work/err" &&
		    ! diff -r "$out" "$before" >/dev/null 2>&1; then
			echo "from write $n of $k: says the output was not changed, but it was"
		else
			after "from write $n of $k"
		fi >>"$work/log"
	done
	if [ "$runs" -gt 1 ] && [ ! -s "$work/log" ]; then
		ok "$1: the disk full from each of $k writes on, the next build = a clean build"
	else
		not_ok "$1: the disk full from each of $k writes on, the next build = a clean build"
		head -n 40 "$work/log" | diag
	fi
	keep_clean
}

crashes "a first build"

printf '\n追記した段落です。\n' >>"$site/about/concept.md"
crashes "a body edited"

sed -i 's/^title: .*/title: 概念図（改訂）/' "$site/about/concept.md"
crashes "a title edited (menus and lists of other pages)"

# The title changed again and put back after the kill: the pages whose
# menus the killed build had rewritten must be written again.
cp "$site/about/concept.md" "$work/concept.md"
sed -i 's/^title: .*/title: 概念図（再改訂）/' "$site/about/concept.md"
crashes "a title edited, the edit undone after the kill" \
    'cp "$work/concept.md" "$site/about/concept.md"' \
    'sed -i "s/^title: .*/title: 概念図（再改訂）/" "$site/about/concept.md"'

sed -i 's/^title: .*/title: 概念図（三訂）/' "$site/about/concept.md"
fulls "a title edited"

printf -- '---\ntitle: 新しい事例\ndescription: 追加した事例です。\n---\n\n本文です。\n' \
    >"$site/practice/case-new.md"
crashes "a page added"

rm "$site/council/coordination.md"
sed -i 's/(coordination\.md)/(overview.md)/' "$site/council/_index.md"
sed -i 's/(\.\.\/council\/coordination\.md)/(..\/council\/overview.md)/' "$site/practice/points.md"
crashes "a page deleted"

mv "$site/practice/case-03.md" "$site/training/case-03.md"
sed -i 's/(case-03\.md)/(..\/training\/case-03.md)/' "$site/practice/_index.md"
crashes "a page moved"

sed -i 's/ページの先頭へ戻る/ページの先頭へ/' "$themes/default/partials/footer.mustache"
crashes "a partial changed (every page)"

# A manifest gen cannot read: the new tree is made whole and swapped in.
printf 'garbage\n' >"$before/.gen-output"
sed -i 's/^title: .*/title: 概念図（第三版）/' "$site/about/concept.md"
crashes "a manifest it cannot read (a new tree swapped in)"

check "the output from the last build is a gen build's" test -f "$before/.gen-output"

# 500 generated pages (tests/lib/corpus.sh), s1's entries in three parts
# of the search index: a body in its second part made longer moves the
# entries after it, which the cache records.
site=$work/corpus
rm -rf "$before"
corpus500 "$site"
build "$before"
# Records of files older than two seconds, which a build trusts: a
# build from this output writes the cache's changes, not the cache
# whole, and is killed in the middle of that too.
sleep 2.2
build "$before"
cp "$site/s1/p150.md" "$work/p150.md"
longer='s/記事 150 の本文です/記事 150 の本文を、ずっと長く書き改めました/'
sed -i "$longer" "$site/s1/p150.md"
restore
build "$out"
check "500 pages: a body edited: the build writes the cache's changes" \
    test -s "$out/.gen-cache-changes"
crashes "500 pages: a body in a search part's middle edited, the edit undone after the kill" \
    'cp "$work/p150.md" "$site/s1/p150.md"' 'sed -i "$longer" "$site/s1/p150.md"'
sed -i "$longer" "$site/s1/p150.md"
crashes "500 pages: a body in a search part's middle edited"
# The disk full while the cache's changes are written, or after: the
# next build must not take the cache without them.
sed -i 's/記事 160 の本文です/記事 160 の本文を改めました/' "$site/s1/p160.md"
restore
build "$out"
check "500 pages: another body edited: the build writes the cache's changes" \
    test -s "$out/.gen-cache-changes"
fulls "500 pages: another body edited"
sed -i 's/^title: 分類3 の記事 7$/title: 改題した記事/' "$site/s3/p7.md"
crashes "500 pages: a title edited"

# A disk that fills up during a build (killat.c's FULL_AT: every write
# from the third on fails with ENOSPC), of a title in the menu of every
# page.
sed -i 's/^title: 分類3 の記事 10$/title: 改題した記事 10/' "$site/s3/p10.md"
clean_build
restore
FULL_AT=3 LD_PRELOAD=$work/killat.so build "$out" 2>"$work/err"
rc=$?
check "a full disk: the build fails" test "$rc" -ne 0
check "and says which file it could not write, where it was going" \
	grep -q "^$out/.*: cannot write: No space left on device\$" "$work/err"
check "and how many more it did not try, in one line" \
	grep -q "^$out: [0-9]* more files not written after that\$" "$work/err"
check "and no more lines than that" test "$(grep -c . "$work/err")" -le 3
check "the output is as it was" diff -r "$out" "$before"
check "and no staging folder is left" sh -c "! ls -d '$out'.tmp-* 2>/dev/null"
build "$out"
check "the next build, the disk free again, = a clean build" \
	diff -r -x '.gen-cache*' "$out" "$work/clean"

done_testing
