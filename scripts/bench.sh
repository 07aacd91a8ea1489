#!/bin/sh
# make bench: gen against Hugo (Debian's, the generator a user would pick
# instead) and against the floor, in the same run, on the same generated
# site, with the output once on disk and once on tmpfs (/dev/shm).
#
#   scripts/bench.sh            (make bench builds gen first)
#
# Environment:
#   BENCH_PAGES  Markdown files in the corpus (default 10000)
#   BENCH_RUNS   timed runs of each build; the table gives medians (default 5:
#                the machine's spells come and go within a run; in one of
#                2026-12-07 the floor's three runs on tmpfs took 0.17,
#                0.35 and 0.20 s)
#   BENCH_ONE_RUNS  timed one-page rebuilds in each place (default 15: at
#                a twentieth of a second each, a median of 3 would say more
#                about the spell the machine is in than about gen)
#   GEN          the gen to measure (default build/gen)
#   CC, BENCH_CFLAGS, BENCH_LDFLAGS  how to build tests/bench/*.c (make
#                passes the project's flags)
#
# The floor also runs a second way, each page as long as gen makes it
# (the floor writing gen's page sizes): the ratio of gen to that is the
# cost of gen's work, apart from the bytes its theme puts on every page.
# And gen runs a second way too, with a bare theme: the default theme
# with a base layout of the page's title and main block alone (no head
# links, header, menu, breadcrumbs or footer), so that the table tells
# what gen's own work costs (Markdown with its links and heading ids,
# lists, the search index, feeds, the manifest and the cache) from what
# the theme's chrome costs.
#
# Prints a table of wall times, peak RSS and ratios, and writes it to
# build/bench/results.txt; every run's figures go to build/bench/runs.txt
# and the tools' output to build/bench/log.txt.  The figures are reported,
# never judged by the exit status: a noisy machine does not fail a build.
#
# This machine's ext4 creates files 5-15 times slower for a minute or two
# after a large `rm -rf` by any process (perf: the inode allocator's
# recently_deleted() reads the inode table for every candidate it skips),
# so every timed build writes into a fresh folder name, nothing is deleted
# until the end, and the tmpfs runs come first, which leaves the file
# system time to settle after whatever was deleted before the bench.
# `sync` before every run keeps the write-back of one run out of the next.
#
# Its kernel also pages out file data it has not seen used for a while
# (DAMON's proactive reclaim, which samples memory too sparsely to see a
# corpus read for a fraction of a second every few seconds), so each
# timed build first reads every file it is to read (warm()): otherwise a
# tool that runs after Hugo, which reads a copy of its own, finds part of
# gen's corpus back on the disk, and its time is partly the disk's.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

PAGES=${BENCH_PAGES:-10000}
RUNS=${BENCH_RUNS:-5}
ONE_RUNS=${BENCH_ONE_RUNS:-15}
GEN=${GEN:-$top/build/gen}
CC=${CC:-cc}
BENCH_CFLAGS=${BENCH_CFLAGS:--std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 -g}
BENCH_LDFLAGS=${BENCH_LDFLAGS:-}
B=$top/build/bench

case $PAGES in ''|*[!0-9]*) echo "bench: BENCH_PAGES must be a number" >&2; exit 2;; esac
case $RUNS in ''|*[!0-9]*|0) echo "bench: BENCH_RUNS must be a number > 0" >&2; exit 2;; esac
case $ONE_RUNS in ''|*[!0-9]*|0) echo "bench: BENCH_ONE_RUNS must be a number > 0" >&2; exit 2;; esac

# The floor links md4c's HTML renderer, which gen does not use.
if ! pkg-config --exists md4c-html 2>/dev/null; then
	echo "bench: installing libmd4c-html0-dev (the floor's renderer)"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends libmd4c-html0-dev >/dev/null
fi
command -v hugo >/dev/null 2>&1 || { echo "bench: hugo is missing (make deps)" >&2; exit 1; }
[ -x "$GEN" ] || { echo "bench: $GEN is missing (make)" >&2; exit 1; }

mkdir -p "$B"
# shellcheck disable=SC2086
{
	$CC $BENCH_CFLAGS $BENCH_LDFLAGS -o "$B/corpus" tests/bench/corpus.c
	$CC $BENCH_CFLAGS $BENCH_LDFLAGS -o "$B/measure" tests/bench/measure.c
	$CC $BENCH_CFLAGS $(pkg-config --cflags md4c-html yaml-0.1) $BENCH_LDFLAGS \
	    -o "$B/floor" tests/bench/floor.c \
	    $(pkg-config --libs md4c-html yaml-0.1) -lpthread
}

# Three scratch folders: the corpus and the disk outputs on the repo's
# file system, the tmpfs outputs in /dev/shm; all removed at the end.
corpus=$(mktemp -d /var/tmp/kk-bench-corpus.XXXXXX)
disk=$(mktemp -d "$B/out.XXXXXX")
shm=$(mktemp -d /dev/shm/kk-bench.XXXXXX)
cleanup() { rm -rf "$corpus" "$disk" "$shm"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log=$B/log.txt
runs=$B/runs.txt
: >"$log"
: >"$runs"

echo "bench: writing a corpus of $PAGES pages to $corpus"
"$B/corpus" "$corpus" "$PAGES"
cp tests/bench/hugo/config.toml "$corpus/hugo/"
cp -R tests/bench/hugo/layouts "$corpus/hugo/"
mkdir -p "$corpus/hugo/static"
cp -R themes/default/assets "$corpus/hugo/static/"
mdbytes=$(find "$corpus/gen" -name '*.md' -exec cat {} + | wc -c)

# A copy of gen, so that a `make` in another shell does not swap the
# program in the middle of the runs.
gen=$B/gen.bench
cp "$GEN" "$gen"

# gen uses every core; say so when it can be told (--jobs).
genjobs=""
if "$gen" build --help 2>&1 | grep -q -- '--jobs'; then
	genjobs="--jobs $(nproc)"
fi

# The bare theme (see the top): the default one, its base layout
# replaced.
bare=$corpus/bare-theme
mkdir -p "$bare"
cp -R themes/default "$bare/default"
cat >"$bare/default/layouts/base.mustache" <<'EOF'
<!DOCTYPE html>
<html lang="{{site.language}}">
<head>
<meta charset="utf-8">
<title>{{page.title}}</title>
</head>
<body>
<main>
{{$main}}{{/main}}
</main>
</body>
</html>
EOF

# The files given, and every file below the folders given, read into the
# page cache (see the top); what is not there is passed over.
warm() {
	for _d in "$@"; do
		[ -e "$_d" ] && find "$_d" -type f -exec cat {} + >/dev/null
	done
	return 0
}

# One timed build: TOOL WHERE OUT (names with _: sh has no locals).
# Appends "TOOL WHERE WALL CPU RSS_KB" to $runs.
run() {
	_tool=$1 _where=$2 _out=$3
	case $_tool in
	gen|genbare)
		_themes=$top/themes
		[ "$_tool" = genbare ] && _themes=$bare
		# The corpus, the theme, and for a rebuild the files of its
		# own that the build before it left.
		warm "$corpus/gen" "$_themes" "$_out/.gen-cache" \
		    "$_out/.gen-cache-changes" \
		    "$_out/.gen-output"
		set -- "$gen" build "$corpus/gen" -o "$_out" -q \
		    --theme-dir "$_themes" $genjobs ;;
	hugo)	warm "$corpus/hugo" "$corpus/hugo-cache"
		set -- hugo --quiet --noBuildLock -s "$corpus/hugo" -d "$_out" \
		    --cacheDir "$corpus/hugo-cache" ;;
	floor)	warm "$corpus/gen"
		set -- "$B/floor" "$corpus/gen" "$_out" ;;
	floorsz) warm "$corpus/gen"
		set -- "$B/floor" "$corpus/gen" "$_out" "$B/sizes.txt" ;;
	esac
	sync
	echo "== $_tool $_where $_out" >>"$log"
	"$B/measure" -o "$B/m.txt" -l "$log" -- "$@"
	read -r _wall _cpu _rss _status <"$B/m.txt"
	if [ "$_status" -ne 0 ]; then
		echo "bench: $_tool failed (status $_status); see $log" >&2
		tail -20 "$log" >&2
		exit 1
	fi
	echo "$_tool $_where $_wall $_cpu $_rss" >>"$runs"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# Each tool once, untimed, to warm the page cache with the corpus and the
# programs; and a check that each wrote every page.
echo "bench: warming up"
for tool in gen hugo floor genbare; do
	run "$tool" warm "$shm/warm-$tool"
	n=$(find "$shm/warm-$tool" -name index.html | wc -l)
	if [ "$n" -lt "$PAGES" ]; then
		echo "bench: $tool wrote $n pages, expected $PAGES" >&2
		exit 1
	fi
done

# The floor again, each page as long as gen's: what writing gen's bytes
# costs, apart from gen's work (tests/bench/floor.c).
find "$shm/warm-gen" -name index.html -printf '%s %P\n' >"$B/sizes.txt"

# gen's one-page rebuild: a full build, then the body of one page changed
# and gen run again into the same output.  The page is in no menu and on
# no list of the home page: only its section's list and the search index
# depend on it.  Put back as it was afterwards.
page=$(find "$corpus/gen/guide" -name 'p*.md' | sort |
    awk '{ p[NR] = $0 } END { print p[int((NR + 1) / 2)] }')
cp "$page" "$corpus/page.md"

# Timed runs, tmpfs first (see above), the tools taking turns so that a
# slow spell of the machine falls on all of them.
for where in tmpfs disk; do
	[ "$where" = tmpfs ] && dir=$shm || dir=$disk
	i=1
	while [ "$i" -le "$RUNS" ]; do
		echo "bench: $where, run $i of $RUNS"
		for tool in gen hugo floor floorsz genbare; do
			run "$tool" "$where" "$dir/$tool-$i"
		done
		i=$((i + 1))
	done

	echo "bench: $where, one page changed"
	run gen "$where-full" "$dir/gen-inc"
	i=1
	while [ "$i" -le "$ONE_RUNS" ]; do
		printf '\n追記 %s: 一文を加えました。\n' "$i" >>"$page"
		run gen "$where-one" "$dir/gen-inc"
		i=$((i + 1))
	done
	cp "$corpus/page.md" "$page"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------

# stat TOOL WHERE COLUMN: "median min max" of a column of $runs.
stat() {
	awk -v t="$1" -v w="$2" -v c="$3" '$1 == t && $2 == w { print $c }' \
	    "$runs" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "0 0 0"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[1], v[NR] }'
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
genv=$("$gen" --version 2>/dev/null | head -1 || echo "gen")
hugov=$(hugo version | awk '{ print $1, $2 }')
# Which gen: the commit, and whether gen/, lib/ or themes/ had changes
# (read only: no optional locks, so a commit in another shell never waits).
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ -n "$(git -C "$top" --no-optional-locks status --porcelain -- gen lib \
    themes 2>/dev/null)" ]; then
	rev="$rev with uncommitted changes"
fi

{
	for t in gen hugo floor floorsz genbare; do
		for w in tmpfs disk; do
			echo "wall $t $w $(stat "$t" "$w" 3)"
			echo "cpu $t $w $(stat "$t" "$w" 4)"
			echo "rss $t $w $(stat "$t" "$w" 5)"
		done
	done
	for w in tmpfs disk; do
		echo "wall gen $w-one $(stat gen "$w-one" 3)"
	done
} >"$B/stats.txt"

awk -v pages="$PAGES" -v runs="$RUNS" -v oneruns="$ONE_RUNS" -v mdbytes="$mdbytes" \
    -v date="$(date -u +%Y-%m-%d)" -v cores="$(nproc)" -v cpu="$cpu" \
    -v kernel="$(uname -r)" -v genv="$genv" -v hugov="$hugov" \
    -v genjobs="$genjobs" -v lb="$load_before" -v la="$load_after" \
    -v rev="$rev" '
{ med[$1, $2, $3] = $4; lo[$1, $2, $3] = $5; hi[$1, $2, $3] = $6 }
function met(ok) { return ok ? "met" : "MISSED" }
function row(a, b, c, d, e, f) {
	printf "| %-28s | %-19s | %-19s | %-19s | %-8s | %-9s |\n", a, b, c, d, e, f
}
function secs(k, t, w) {
	return sprintf("%.2f s (%.2f-%.2f)", med[k, t, w], lo[k, t, w], hi[k, t, w])
}
function ms(t, w) {
	return sprintf("%.0f ms (%.0f-%.0f)", med["wall", t, w] * 1000,
	    lo["wall", t, w] * 1000, hi["wall", t, w] * 1000)
}
function mb(t) {	# the highest peak of the full builds
	m = hi["rss", t, "tmpfs"] > hi["rss", t, "disk"] ? \
	    hi["rss", t, "tmpfs"] : hi["rss", t, "disk"]
	return m / 1024
}
function ratio(a, b) { return b > 0 ? sprintf("%.1fx", a / b) : "-" }
function wall(t, w) { return med["wall", t, w] }
function row3(a, b, c) { printf "| %-28s | %-19s | %-19s |\n", a, b, c }
# A table of tool t in both places, and the ratio of a to b in each.
function beside(title, t, label, a, b) {
	row3(title, "tmpfs", "disk")
	row3("---", "---:", "---:")
	row3("wall", secs("wall", t, "tmpfs"), secs("wall", t, "disk"))
	row3(label, ratio(wall(a, "tmpfs"), wall(b, "tmpfs")),
	    ratio(wall(a, "disk"), wall(b, "disk")))
	printf "\n"
}
function cpus(t, w) { return med["cpu", t, w] }
END {
	printf "Kakehashi benchmark, %s: %d pages in 11 sections (%.1f MB of Markdown)\n",
	    date, pages, mdbytes / 1048576
	printf "%d cores (%s), Linux %s; %s (%s)%s; %s\n", cores, cpu, kernel,
	    genv, rev, genjobs != "" ? " " genjobs : "", hugov
	printf "median of %d runs (min-max), of %d for the one-page rebuild; load average %s before, %s after\n\n",
	    runs, oneruns, lb, la
	row("full build", "gen", "hugo", "floor", "hugo/gen", "gen/floor")
	row("---", "---:", "---:", "---:", "---:", "---:")
	row("wall, tmpfs (/dev/shm)", secs("wall", "gen", "tmpfs"),
	    secs("wall", "hugo", "tmpfs"), secs("wall", "floor", "tmpfs"),
	    ratio(wall("hugo", "tmpfs"), wall("gen", "tmpfs")),
	    ratio(wall("gen", "tmpfs"), wall("floor", "tmpfs")))
	row("wall, disk (ext4)", secs("wall", "gen", "disk"),
	    secs("wall", "hugo", "disk"), secs("wall", "floor", "disk"),
	    ratio(wall("hugo", "disk"), wall("gen", "disk")),
	    ratio(wall("gen", "disk"), wall("floor", "disk")))
	row("CPU (user+sys), tmpfs", secs("cpu", "gen", "tmpfs"),
	    secs("cpu", "hugo", "tmpfs"), secs("cpu", "floor", "tmpfs"),
	    ratio(cpus("hugo", "tmpfs"), cpus("gen", "tmpfs")),
	    ratio(cpus("gen", "tmpfs"), cpus("floor", "tmpfs")))
	row("peak RSS", sprintf("%.0f MB", mb("gen")),
	    sprintf("%.0f MB", mb("hugo")), sprintf("%.0f MB", mb("floor")),
	    ratio(mb("hugo"), mb("gen")), "")
	printf "\n"
	beside("floor at gen'"'"'s page sizes", "floorsz", "gen / it", "gen",
	    "floorsz")
	beside("gen with a bare theme", "genbare", "it / floor", "genbare",
	    "floor")
	row3("gen, one page changed", "tmpfs", "disk")
	row3("---", "---:", "---:")
	row3("rebuild into the same output", ms("gen", "tmpfs-one"),
	    ms("gen", "disk-one"))
	ht = wall("hugo", "tmpfs") / wall("gen", "tmpfs")
	ft = wall("gen", "tmpfs") / wall("floor", "tmpfs")
	hd = wall("hugo", "disk") / wall("gen", "disk")
	it = wall("gen", "tmpfs-one") * 1000
	id = wall("gen", "disk-one") * 1000
	printf "\ntargets:\n"
	printf "  tmpfs: gen at least 20x faster than Hugo  %7.2fx   %s\n", ht, met(ht >= 20)
	printf "  tmpfs: gen within 1.5x of the floor       %7.2fx   %s\n", ft, met(ft <= 1.5)
	printf "  disk:  gen at least 6x faster than Hugo   %7.2fx   %s\n", hd, met(hd >= 6)
	printf "  one-page rebuild under 50 ms             %6.0f ms   %s on tmpfs; %.0f ms, %s on disk\n",
	    it, met(it < 50), id, met(id < 50)
	printf "  peak RSS under 150 MB                    %6.0f MB   %s\n",
	    mb("gen"), met(mb("gen") < 150)
}' "$B/stats.txt" | tee "$B/results.txt"
echo "bench: written to build/bench/results.txt (every run: build/bench/runs.txt)"
