#!/bin/bash
# `make run` on a fresh copy of the repository's files: it builds,
# generates the sample portal, serves it with nginx and prints the URL; a
# curl of that URL returns the home page; `make stop` ends that nginx.
# The copy has its own var/, so a developer's running server is left alone.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

work=$(mktemp -d)
# The copy lives in a private temporary folder; nginx must reach it.
chmod 755 "$work"
copy=$work/repo
cleanup() {
	[ -x "$copy/scripts/stop.sh" ] && "$copy/scripts/stop.sh" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$copy"
git ls-files -z | xargs -0 tar -cf - 2>/dev/null | tar -xf - -C "$copy"
# The shared test data and specifications sit beside the repository.
ln -s "$(cd .. && pwd)/shared" "$work/shared" 2>/dev/null
# npm packages are the same lock; reuse them rather than fetch again.
[ -d tests/node_modules ] && cp -r tests/node_modules "$copy/tests/"

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
if timeout 600 make -C "$copy" run PORT="$port" >"$work/run.log" 2>&1; then
	ok "make run exits 0"
else
	not_ok "make run exits 0"; diag <"$work/run.log"
fi
url="http://127.0.0.1:$port/"
if grep -qx "$url" "$work/run.log"; then
	ok "make run prints the URL $url on a line of its own"
else
	not_ok "make run prints the URL"; tail -n 5 "$work/run.log" | diag
fi
check "the server answers 200 at the URL" \
	sh -c "curl -sf -o '$work/home.html' '$url'"
title=$(sed -n 's/^title: *//p' content/center/site.yaml | head -n 1)
check "the answer is the home page ($title)" grep -q "<title>$title</title>" "$work/home.html"
check "the home page comes with the security headers" \
	sh -c "curl -sI '$url' | grep -qi '^content-security-policy:'"
check "nothing but 127.0.0.1 is listened on" \
	sh -c "! grep -E 'listen +[0-9]+;|listen +0\.0\.0\.0|listen +\[::\]' '$copy/var/nginx/nginx.conf'"
pid=$(cat "$copy/var/run/nginx.pid" 2>/dev/null)
check "the nginx PID is recorded" test -n "$pid"
check "make stop exits 0" make -C "$copy" stop
check "make stop ended that nginx" sh -c "! kill -0 '$pid' 2>/dev/null || grep -q ') Z' /proc/$pid/stat"
check "and the port is free again" sh -c "! curl -s -o /dev/null --max-time 2 '$url'"
done_testing
