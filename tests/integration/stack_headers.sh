#!/bin/bash
# The security headers on the live stack: every answer, whoever makes
# it (nginx's static files, the members area, the programs, the error
# pages: 404, 405, 413, 429, 500, 502), carries each of them exactly
# once, with a Content-Security-Policy that allows no inline code, and
# a Server header without a version; HSTS comes over HTTPS only, and
# plain HTTP answers with a 301 to HTTPS.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/web.sh

trap stack_stop EXIT
if ! stack_start; then
	not_ok "the stack starts"
	done_testing
fi
ok "the stack starts"
web_init

apw=$(mkuser chief admin 管理者 chief@example.go.jp)
mkuser 131016 municipality 千代田区 131016@example.lg.jp >/dev/null
mid=$(sql "SELECT id FROM account WHERE login = '131016'")
A=$STACK_DIR/jar.admin
check "an administrator signs in" test "$(STACK_FROM=127.0.0.51 stack_login "$A" chief "$apw")" = 303
web "$A" /app/auth/ >/dev/null
atok=$(csrf_of)

# The headers of the last answer, checked; prints what is wrong.
bad_headers() {
	local scheme=${1:-https} csp n h
	n=$(hdr_n content-security-policy)
	csp=$(hdr content-security-policy)
	[ "$n" = 1 ] || echo "Content-Security-Policy $n times"
	case $csp in
	*"frame-ancestors 'none'"*) ;;
	*) echo "CSP without frame-ancestors 'none': $csp" ;;
	esac
	case $csp in
	*unsafe-inline* | *unsafe-eval*) echo "CSP allows inline code: $csp" ;;
	esac
	case $csp in
	"default-src 'self';"*) ;;
	*) echo "CSP does not start with default-src 'self': $csp" ;;
	esac
	for h in "x-content-type-options nosniff" "x-frame-options DENY" \
	    "referrer-policy same-origin"; do
		set -- $h
		[ "$(hdr_n "$1")" = 1 ] || echo "$1 $(hdr_n "$1") times"
		[ "$(hdr "$1" | head -n 1)" = "$2" ] || echo "$1: $(hdr "$1")"
	done
	if [ "$scheme" = https ]; then
		[ "$(hdr_n strict-transport-security)" = 1 ] ||
		    echo "Strict-Transport-Security $(hdr_n strict-transport-security) times"
		case $(hdr strict-transport-security) in
		max-age=6307200[0-9] | max-age=[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*) ;;
		*) echo "HSTS: '$(hdr strict-transport-security)'" ;;
		esac
	else
		[ "$(hdr_n strict-transport-security)" = 0 ] ||
		    echo "Strict-Transport-Security over plain HTTP"
	fi
	[ "$(hdr_n server)" = 1 ] || echo "Server $(hdr_n server) times"
	[ "$(hdr server)" = nginx ] || echo "Server: $(hdr server)"
	[ "$(hdr_n x-powered-by)" = 0 ] || echo "X-Powered-By: $(hdr x-powered-by)"
}

# answer WANT NAME JAR PATH [CURL ARGS...]: the status, then the headers.
answer() {
	local want=$1 name=$2 st why
	shift 2
	st=$(web "$@")
	if [ "$st" = "$want" ]; then
		ok "$name: $want"
	else
		not_ok "$name: $want (got $st)"
	fi
	why=$(bad_headers)
	if [ -z "$why" ]; then
		ok "$name: the security headers, once each"
	else
		not_ok "$name: the security headers, once each"
		echo "$why" | diag
	fi
}
no_store() {
	if [ "$(hdr_n cache-control) $(hdr cache-control)" = "1 no-store" ]; then
		ok "$1: Cache-Control: no-store"
	else
		not_ok "$1: Cache-Control: no-store (got $(hdr cache-control | tr '\n' ' '))"
	fi
}

# Static pages and files.
answer 200 "the home page" "" /
answer 200 "a static page" "" /about/
answer 200 "the style sheet" "" /assets/css/style.css
answer 200 "the news feed" "" /feed.xml
answer 200 "the search index" "" /search-index.js
answer 200 "HEAD of the home page" "" / -I
answer 404 "a missing page (the site's 404 page)" "" /no/such/page/
check "the 404 page is the site's, in Japanese" has "ページが見つかりません"
answer 404 "a dotfile" "" /.gen-app.json
answer 405 "POST to a static page" "" / -X POST --data x=1
# The members area.
answer 302 "a members page without a session" "" /members/
no_store "the members redirect"
answer 200 "a members page signed in" "$A" /members/
no_store "the members page"
answer 200 "a members file signed in" "$A" /members/archive/files/zadankai-01-handout.pdf
no_store "the members file"
answer 404 "a missing members page signed in" "$A" /members/no-such-page/
# The programs.
answer 200 "the sign-in form" "" /app/auth/login
no_store "the sign-in form"
answer 200 "the account page" "$A" /app/auth/
no_store "the account page"
answer 200 "the administrators' menu" "$A" /app/admin/
answer 200 "the account list" "$A" "/app/admin/accounts?q=chief"
answer 200 "the audit log" "$A" /app/admin/audit
answer 303 "a program's redirect" "$A" /app/auth/login
answer 303 "the account page without a session" "" /app/auth/
answer 204 "the session check" "$A" /app/auth/check
answer 401 "the session check without a session" "" /app/auth/check
answer 404 "a missing program page" "" /app/auth/no-such-page
check "the programs' 404 page is in Japanese" has "お探しのページは見つかりませんでした"
no_store "a program's 404"
answer 404 "a path under /app/ of no program" "" /app/nothing/
answer 405 "GET of the sign-out" "$A" /app/auth/logout
check "the programs' 405 names the methods allowed" test "$(hdr allow)" = POST
answer 405 "PUT to the sign-in form" "" /app/auth/login -X PUT --data x=1
answer 403 "a POST without the CSRF token" "$A" /app/admin/lock \
	-H "Origin: $STACK_URL" --data id=1 --data do=lock
answer 400 "a malformed query" "$A" "/app/admin/accounts?page=x%zz"
big=$(head -c 40000 /dev/zero | tr '\0' a)
answer 413 "a body over nginx's limit" "$A" /app/auth/password \
	-H "Origin: $STACK_URL" --data "csrf=$atok&new=$big"

# 429: the sign-in POSTs of one address past nginx's limit.
got429=""
for i in $(seq 1 10); do
	st=$(STACK_FROM=127.0.0.52 web "" /app/auth/login -H "Origin: $STACK_URL" \
		--data login=x --data password=y)
	[ "$st" = 429 ] && { got429=1; break; }
done
if [ -n "$got429" ]; then
	ok "429 from the sign-in limit: 429"
	why=$(bad_headers)
	if [ -z "$why" ]; then
		ok "429 from the sign-in limit: the security headers, once each"
	else
		not_ok "429 from the sign-in limit: the security headers, once each"
		echo "$why" | diag
	fi
else
	not_ok "429 from the sign-in limit: 429 within 10 POSTs"
fi

# A program's own 500: its database refuses the audit log's writes.
sql "ALTER TABLE audit_head RENAME TO audit_head_away"
answer 500 "a program's 500" "$A" /app/admin/lock -H "Origin: $STACK_URL" \
	--data-urlencode "csrf=$atok" --data "id=$mid" --data do=lock
check "the programs' 500 page is in Japanese" has "サーバーで問題が起きたため"
no_store "a program's 500"
sql "ALTER TABLE audit_head_away RENAME TO audit_head"
check "the audit chain is whole after the failed request" stack_admin audit verify
check "and the lock was not half made" \
	test "$(sql "SELECT disabled FROM account WHERE id = $mid")" = 0

# nginx's 500 and 502: the auth program is stopped.
for p in $(cat "$STACK_STATE/run/auth.pid"); do
	tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'cgi.*/auth ' &&
	    kill -TERM "$p"
done
stopped() { [ "$(web "" /app/auth/login)" = 502 ]; }
wait_until 10 stopped
answer 500 "a members page with the auth program stopped" "$A" /members/
check "nginx's 500 page is in Japanese" has "ただいま利用できません"
answer 502 "a program page with the program stopped" "" /app/auth/login
check "nginx's 502 page is in Japanese" has "ただいま利用できません"

# Plain HTTP.
for p in / /about/ "/members/?a=1" /app/auth/login; do
	st=$(curl -s -o /dev/null -D "$WEB_H" -w '%{http_code} %{redirect_url}' "$STACK_HTTP$p")
	if [ "$st" = "301 $STACK_URL$p" ]; then
		ok "http://...$p: 301 to $STACK_URL$p"
	else
		not_ok "http://...$p: 301 to $STACK_URL$p (got $st)"
	fi
done
why=$(bad_headers http)
if [ -z "$why" ]; then
	ok "the plain-HTTP redirect: the security headers, and no HSTS"
else
	not_ok "the plain-HTTP redirect: the security headers, and no HSTS"
	echo "$why" | diag
fi
check "plain HTTP serves no page itself" \
	test "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data x=1 "$STACK_HTTP/app/auth/login")" = 301

done_testing
