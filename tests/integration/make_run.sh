#!/bin/bash
# `make run` on a fresh copy of the repository's files: it builds,
# generates the sample portal, serves it with nginx (HTTPS, plain HTTP
# redirecting to it), the programs and the mailer, and prints the URL; a
# curl of that URL returns the home page; `make stop` ends every process
# it started.  The copy has its own var/, so a developer's running server
# is left alone.
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

free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}
port=$(free_port)
http_port=$(free_port)
smtp_port=$(free_port)
if timeout 600 make -C "$copy" run PORT="$port" HTTP_PORT="$http_port" \
    SMTP_PORT="$smtp_port" >"$work/run.log" 2>&1; then
	ok "make run exits 0"
else
	not_ok "make run exits 0"; diag <"$work/run.log"
fi
url="https://127.0.0.1:$port/"
if grep -qx "$url" "$work/run.log"; then
	ok "make run prints the URL $url on a line of its own"
else
	not_ok "make run prints the URL"; tail -n 5 "$work/run.log" | diag
fi
check "the server answers 200 at the URL" \
	sh -c "curl -ksf -o '$work/home.html' '$url'"
check "plain HTTP redirects to it" \
	sh -c "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' 'http://127.0.0.1:$http_port/about/' | grep -qx '301 https://127.0.0.1:$port/about/'"
check "the members area asks to sign in" \
	sh -c "curl -ks -o /dev/null -w '%{http_code} %{redirect_url}' '${url}members/' | grep -q '^302 .*/app/auth/login?next=/members/'"
check "the sign-in page is served by the auth program" \
	sh -c "curl -ksf '${url}app/auth/login' | grep -q 'name=\"csrf\"'"
check "the first administrator's password was printed" \
	grep -q 'ID admin, password ' "$work/run.log"
title=$(sed -n 's/^title: *//p' content/center/site.yaml | head -n 1)
check "the answer is the home page ($title)" grep -q "<title>$title</title>" "$work/home.html"
check "the home page comes with the security headers" \
	sh -c "curl -ksI '$url' | grep -qi '^content-security-policy:'"
check "nothing but 127.0.0.1 is listened on" \
	sh -c "! grep -E 'listen +[0-9]+;|listen +0\.0\.0\.0|listen +\[::\]' '$copy/var/nginx/nginx.conf'"
pids=$(for f in "$copy"/var/run/*.pid; do cat "$f"; echo; done 2>/dev/null | tr '\n' ' ')
for f in nginx auth admin board mailer smtp watch; do
	check "the $f PID is recorded" test -s "$copy/var/run/$f.pid"
done
check "make stop exits 0" make -C "$copy" stop
gone() {
	for p in $pids; do
		kill -0 "$p" 2>/dev/null && ! grep -q ') Z' "/proc/$p/stat" && return 1
	done
	return 0
}
check "make stop ended every process make run started ($pids)" gone
check "and the port is free again" sh -c "! curl -ks -o /dev/null --max-time 2 '$url'"
done_testing
