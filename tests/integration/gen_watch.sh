#!/bin/bash
# gen watch against what editors and tools do to a site while it runs:
# saves in place and by rename, editors' scratch files, a theme switched
# in site.yaml, the site's folder deleted and made again, the output
# removed by hand, more events than inotify queues, folders moved out of
# the site.  After each, the output must be what a fresh gen watch makes
# of the same files (watch's pages carry the live-reload script, so not
# a plain build's).
# Every wait is bounded; each gen watch is stopped by the PID recorded.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

GEN=${GEN:-build/gen}
THEMES=$PWD/themes
work=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1795000000

# start NAME SITE [THEME_DIR]: gen watch of SITE into $work/NAME.out,
# its output in $work/NAME.log; sets pid.
start() {
	local name=$1 site=$2 themes=${3:-$THEMES} i
	log=$work/$name.log
	out=$work/$name.out
	"$GEN" watch "$site" -o "$out" --theme-dir "$themes" >"$log" 2>&1 &
	pid=$!
	pids+=("$pid")
	for i in $(seq 1 100); do
		grep -q '^gen: watching' "$log" && return 0
		sleep 0.1
	done
	return 1
}
stop() {
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
}
# How many builds the log tells of (ended, well or not).
builds() {
	grep -cE '^gen: ([0-9]+ pages,|[0-9]+ errors?[;:]|1 error)' "$log"
}
# wait_build N [TENTHS]: until more than N builds ended and the log is
# quiet for half a second; 1 when none came within TENTHS (default 100).
wait_build() {
	local n=$1 i size
	for i in $(seq 1 "${2:-100}"); do
		if [ "$(builds)" -gt "$n" ]; then
			size=$(wc -c <"$log")
			sleep 0.5
			[ "$(wc -c <"$log")" = "$size" ] && return 0
		fi
		sleep 0.1
	done
	return 1
}
# no_build N: nothing rebuilt within 1.5 s.
no_build() {
	sleep 1.5
	[ "$(builds)" -eq "$1" ]
}
# same_as_fresh SITE [THEME_DIR]: the running watch's output is what a
# fresh gen watch of SITE writes.
same_as_fresh() {
	local site=$1 themes=${2:-$THEMES} ref=$work/ref rlog=$work/ref.log p i
	rm -rf "$ref"
	"$GEN" watch "$site" -o "$ref" --theme-dir "$themes" >"$rlog" 2>&1 &
	p=$!
	for i in $(seq 1 100); do
		grep -q '^gen: watching' "$rlog" && break
		sleep 0.1
	done
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	diff -r -x '.gen-cache*' -x .gen-output "$out" "$ref" >"$work/diff" &&
	    diff <(sort "$out/.gen-output") <(sort "$ref/.gen-output") >>"$work/diff"
}
# watches: how many folders the running watch has inotify watches on.
watches() {
	local fd
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" = "anon_inode:inotify" ] &&
		    grep -c '^inotify' /proc/"$pid"/fdinfo/"${fd##*/}"
	done
}
last_change() {
	grep 'changed; rebuilding$' "$log" | tail -n 1
}

# --- editors' files: never published, never a change ------------------
site=$work/s1
cp -r content/center "$site"
for f in 'notes.md~' '#notes.md#' report.tmp .notes.md.swp notes.swp 4913; do
	echo scratch >"$site/about/$f"
done
"$GEN" build "$site" -o "$work/plain" -q --theme-dir "$THEMES"
check "gen build publishes no editor's backup, swap or temporary file" \
    sh -c "! ls -a '$work/plain/about' | grep -E '~|#|\.tmp|\.swp|4913'"
start s1 "$site" || not_ok "gen watch starts"
check "the first build lists files it wrote" grep -q '^  \.\.\. and [0-9]* more' "$log"
n=$(builds)
rm "$site/about/notes.md~"
echo more >"$site/about/other.md~"
echo more >"$site/about/draft.tmp"
check "editors' scratch files changing rebuild nothing" no_build "$n"

n=$(builds)
printf '\n追記です。\n' >>"$site/policy.md"
check "an edit in place rebuilds" wait_build "$n"
check "which says the page changed" \
    test "$(last_change)" = "gen: $site/policy.md changed; rebuilding"
check "and the output is a fresh watch's" same_as_fresh "$site"

n=$(builds)
sed -i 's/追記です。/追記しました。/' "$site/policy.md"
wait_build "$n"
check "sed -i's temporary file is not told of as a change" \
    test "$(last_change)" = "gen: $site/policy.md changed; rebuilding"
check "and the output is a fresh watch's after it" same_as_fresh "$site"

n=$(builds)
mkdir -p "$site/newsec/sub"
printf -- '---\ntitle: 新しい節\n---\n\n本文です。\n' >"$site/newsec/_index.md"
printf -- '---\ntitle: 下の節\n---\n\n下です。\n' >"$site/newsec/sub/_index.md"
wait_build "$n"
n=$(builds)
printf -- '---\ntitle: 下の節\n---\n\n書き直しました。\n' >"$site/newsec/sub/_index.md"
check "an edit in a folder made while watching rebuilds" wait_build "$n"
check "with the edit" grep -q '書き直しました' "$out/newsec/sub/index.html"
check "and the output is a fresh watch's" same_as_fresh "$site"

# Folders moved out of the site are let go.
before=$(watches)
mkdir "$work/away"
for i in 1 2 3 4 5 6 7 8; do
	mkdir -p "$site/m$i/deeper"
	sleep 0.2
	mv "$site/m$i" "$work/away/m$i"
done
sleep 1
check "folders moved out of the site are not watched ($before before, $(watches) after)" \
    test "$(watches)" -eq "$before"
n=$(builds)
echo x >"$work/away/m1/deeper/file.txt"
check "a file changed in a folder moved away rebuilds nothing" no_build "$n"
for i in $(seq 1 60); do mkdir "$site/w-$i"; done
sleep 0.5
rmdir "$site"/w-*
sleep 1
check "folders made and removed leave no watch behind" test "$(watches)" -eq "$before"
stop

# --- the site's folder deleted, then made again -----------------------
site=$work/s2
cp -r content/center "$site"
start s2 "$site"
rm -rf "$site"
for i in $(seq 1 50); do
	grep -q "^gen: $site is gone; watching for it to come back" "$log" && break
	sleep 0.1
done
check "a deleted site is told of" grep -q "^gen: $site is gone" "$log"
n=$(builds)
cp -r content/center "$site"
check "the site made again is rebuilt" wait_build "$n"
n=$(builds)
printf '\n戻ってきました。\n' >>"$site/policy.md"
check "and watched again" wait_build "$n"
check "with the edit" grep -q '戻ってきました' "$out/policy/index.html"
check "and the output is a fresh watch's" same_as_fresh "$site"
stop

# --- the output removed by hand ---------------------------------------
site=$work/s6
cp -r content/center "$site"
start s6 "$site"
n=$(builds)
rm -rf "$out"
check "an output removed by hand is built again" wait_build "$n" 30
check "which says so" grep -q "^gen: $out is gone; rebuilding" "$log"
check "and builds it whole" sh -c "test -f '$out/.gen-output' && ! grep -q 'was not written by gen build' '$log'"
check "and the output is a fresh watch's" same_as_fresh "$site"
n=$(builds)
check "and nothing is rebuilt while it stays" no_build "$n"
# Files removed but the folder left: not a build's to write over.
rm -f "$out/.gen-output"
check "a folder left without its marker is not built into" no_build "$n"
stop

# --- more events than inotify keeps -----------------------------------
site=$work/s3
cp -r content/center "$site"
start s3 "$site"
max=$(cat /proc/sys/fs/inotify/max_queued_events)
n=$(builds)
mkdir "$site/many"
wait_build "$n"
# Three events a file, in a folder watched, while gen watch is stopped.
kill -STOP "$pid"
python3 - "$site/many" "$max" <<'EOF'
import os, sys
for i in range(int(sys.argv[2]) // 2 + 100):
    with open(os.path.join(sys.argv[1], "f%d.txt" % i), "w") as f:
        f.write("x")
EOF
mkdir "$site/late"
printf -- '---\ntitle: 遅れて\n---\n\n一回目\n' >"$site/late/_index.md"
n=$(builds)
kill -CONT "$pid"
check "lost events still rebuild" wait_build "$n" 200
n=$(builds)
printf -- '---\ntitle: 遅れて\n---\n\n二回目\n' >"$site/late/_index.md"
check "a folder made while events were lost is watched" wait_build "$n"
check "with the edit" grep -q '二回目' "$out/late/index.html"
stop

# --- the theme that site.yaml names is the one watched ----------------
themes=$work/themes
mkdir "$themes"
cp -r themes/default "$themes/default"
cp -r themes/default "$themes/alt"
site=$work/s4
cp -r content/center "$site"
start s4 "$site" "$themes"
n=$(builds)
sed -i 's/^theme: default$/theme: alt/' "$site/site.yaml"
grep -q '^theme: alt$' "$site/site.yaml" || echo 'theme: alt' >>"$site/site.yaml"
wait_build "$n"
n=$(builds)
sed -i 's|</footer>|<!-- alt --></footer>|' "$themes/alt/partials/footer.mustache"
check "an edit of the theme switched to rebuilds" wait_build "$n"
check "with the edit" grep -q '<!-- alt -->' "$out/index.html"
n=$(builds)
echo '<!-- old -->' >>"$themes/default/partials/footer.mustache"
check "the theme switched from is no longer watched" no_build "$n"
check "and the output is a fresh watch's" same_as_fresh "$site" "$themes"
stop

# --- a site inside its theme's folder; a link leading round -----------
themes=$work/themes2
mkdir "$themes"
cp -r themes/default "$themes/default"
cp -r themes/default "$themes/alt"
site=$themes/default/example
cp -r content/center "$site"
ln -s . "$site/about/round"
check "a link to its own folder does not stop watch from starting" \
    start s5 "$site" "$themes"
check "the build says what is wrong" grep -q 'round' "$log"
n=$(builds)
rm "$site/about/round"
check "and the site is rebuilt once it is gone" wait_build "$n"
n=$(builds)
sed -i 's/^theme: default$/theme: alt/' "$site/site.yaml"
wait_build "$n"
n=$(builds)
printf '\n例の中です。\n' >>"$site/policy.md"
check "a site inside the theme switched from is still watched" wait_build "$n"
check "with the edit" grep -q '例の中です' "$out/policy/index.html"
stop

done_testing
