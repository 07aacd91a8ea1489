#!/bin/bash
# tests/browser/reload.sh: gen watch on a copy of the sample site, the
# output served by nginx on 127.0.0.1, a page open in Chromium; an edit
# of the page's source must reach the open page by itself (live reload).
# Prints TAP; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/lib/nginx.sh
work=$(mktemp -d)
watch_pid=
cleanup() {
	[ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
	nginx_stop
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"
cp -r content/center "$work/site"
build/gen watch "$work/site" -o "$work/out" --theme-dir themes >"$work/watch.log" 2>&1 &
watch_pid=$!
for _ in $(seq 1 100); do
	grep -q '^gen: watching' "$work/watch.log" && break
	sleep 0.1
done
nginx_start "$work/out" / || { echo "not ok 1 - reload: nginx serves the watched output"; exit 1; }
node tests/browser/reload.mjs "$NGINX_URL" "$work/site/about/concept.md" about/concept/index.html
rc=$?
sed 's/^/# watch: /' "$work/watch.log" | head -n 20
exit $rc
