#!/bin/bash
# The members area on the live stack: pages behind auth_request ask to
# sign in and come back after; the session token changes at every
# sign-in and dies at sign-out; the account page shows the previous
# sign-in; and with the auth program stopped the members pages are
# refused (500), never served.
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

pw=$(mkuser 131016 municipality 千代田区 131016@example.lg.jp)
check "a municipality account is made" test -n "$pw"
jar=$STACK_DIR/jar
# A sentence of the members page that nothing public holds.
secret="所属外の方に知られないよう"
check "the members page holds the sentence this suite looks for" \
	grep -qF "$secret" "$STACK_SITE/public/members/index.html"

# ---------------------------------------------------------------- #
# 1. Sign in to see the members pages
# ---------------------------------------------------------------- #

st=$(web "" /members/)
loc=$(hdr location)
if [ "$st" = 302 ] && [ "$loc" = "/app/auth/login?next=/members/" ]; then
	ok "/members/ without a session: 302 to /app/auth/login?next=/members/"
else
	not_ok "/members/ without a session: 302 to the sign-in page"
	echo "# got $st, Location: $loc"
fi
check "the redirect is not cached (Cache-Control: no-store)" \
	test "$(hdr cache-control)" = no-store
check "and holds nothing of the members page" sh -c "! grep -qF '$secret' '$WEB_B'"
for p in /members/archive/ /members/forms/support-plan-forms/ \
    /members/archive/files/zadankai-01-handout.pdf /members/index.html; do
	st=$(web "" "$p")
	if [ "$st" = 302 ] && [ "$(hdr location)" = "/app/auth/login?next=$p" ]; then
		ok "$p without a session: 302 to the sign-in page with next=$p"
	else
		not_ok "$p without a session: 302 to the sign-in page"
		echo "# got $st, Location: $(hdr location)"
	fi
done
st=$(web "" "/members/archive/?q=1&x=%3Cb%3E")
check "the query is left out of next= (only the path goes back)" \
	test "$st $(hdr location)" = "302 /app/auth/login?next=/members/archive/"
st=$(web "" /.gen-cache/)
check "gen's cache in the output is not served (404)" test "$st" = 404
st=$(web "" /.gen-app.json)
check "nor the programs' layout file (404)" test "$st" = 404

st=$(web "$jar" "/app/auth/login?next=/members/")
check "the sign-in form: 200" test "$st" = 200
check "it carries next=/members/ in a hidden field" \
	has '<input type="hidden" name="next" value="/members/">'
check "it sets the pre-sign-in CSRF cookie" \
	grep -qi '^set-cookie: __Host-kk_csrf=[A-Za-z0-9_-]\{43\}; Path=/; Secure; HttpOnly; SameSite=Lax' "$WEB_H"
tok=$(csrf_of)
st=$(web_post "$jar" /app/auth/login --data-urlencode "csrf=$tok" \
	--data-urlencode "login=131016" --data-urlencode "password=$pw" \
	--data-urlencode "next=/members/")
if [ "$st" = 303 ] && [ "$(hdr location)" = "./?next=%2Fmembers%2F" ]; then
	ok "signing in through the form: 303 to the account page, next kept"
else
	not_ok "signing in through the form: 303"; echo "# got $st, Location: $(hdr location)"
fi
check "the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax" \
	grep -qi '^set-cookie: __Host-kk_session=[A-Za-z0-9_-]\{43\}; Path=/; Secure; HttpOnly; SameSite=Lax' "$WEB_H"
check "the pre-sign-in CSRF cookie is cleared" \
	grep -qi '^set-cookie: __Host-kk_csrf=; .*Max-Age=0' "$WEB_H"
st=$(web "$jar" "/app/auth/?next=/members/")
check "the account page offers the way back to /members/" \
	sh -c "[ '$st' = 200 ] && grep -qF 'href=\"/members/\"' '$WEB_B'"
st=$(web "$jar" /members/)
check "/members/ signed in: 200" test "$st" = 200
check "it is the members page" has "$secret"
check "with Cache-Control: no-store, once" \
	test "$(hdr_n cache-control) $(hdr cache-control)" = "1 no-store"
st=$(web "$jar" /members/archive/files/zadankai-01-handout.pdf)
check "a members PDF signed in: 200, application/pdf, no-store" \
	test "$st $(hdr content-type) $(hdr cache-control)" = "200 application/pdf no-store"
st=$(web "$jar" /members/nothing-here/)
check "a missing members page signed in: 404 with the site's 404 page" \
	sh -c "[ '$st' = 404 ] && grep -q 'ページが見つかりません' '$WEB_B'"
st=$(web "$jar" /app/auth/login)
check "the sign-in form, signed in already: straight on (303)" test "$st" = 303

# ---------------------------------------------------------------- #
# 4. A new session token at every sign-in
# ---------------------------------------------------------------- #

cookie() { awk -v n="$2" '$6 == n { print $7 }' "$1"; }
first=$(cookie "$jar" __Host-kk_session)
check "the jar holds the session token" test -n "$first"
check "and no pre-sign-in CSRF cookie any more" \
	test -z "$(cookie "$jar" __Host-kk_csrf)"
cp "$jar" "$STACK_DIR/jar.first"
# Signing in again with the session of the first sign-in in the jar:
# the form of the account page carries that session's token.
web "$jar" /app/auth/ >/dev/null
tok=$(csrf_of)
st=$(web_post "$jar" /app/auth/login --data-urlencode "csrf=$tok" \
	--data-urlencode "login=131016" --data-urlencode "password=$pw")
second=$(cookie "$jar" __Host-kk_session)
check "signing in again from the same browser: 303" test "$st" = 303
if [ -n "$second" ] && [ "$second" != "$first" ]; then
	ok "a new __Host-kk_session value replaces the old one"
else
	not_ok "a new __Host-kk_session value replaces the old one"
	echo "# before: $first, after: $second"
fi
st=$(web "$STACK_DIR/jar.first" /members/)
check "the old token no longer opens /members/ (302 to sign in)" \
	test "$st $(hdr location)" = "302 /app/auth/login?next=/members/"
st=$(web "$STACK_DIR/jar.first" /app/auth/check)
check "and /app/auth/check says 401 for it" test "$st" = 401
check "its answer clears the dead cookie" \
	grep -qi '^set-cookie: __Host-kk_session=; .*Max-Age=0' "$WEB_H"
st=$(web "$jar" /members/)
check "the new token opens /members/" test "$st" = 200
check "one session row for the account" \
	test "$(sql "SELECT count(*) FROM session s JOIN account a ON a.id = s.account_id WHERE a.login = '131016'")" = 1

# A token planted before sign-in (session fixation) is not kept.
planted=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
fix=$STACK_DIR/jar.fix
printf '127.0.0.1\tFALSE\t/\tTRUE\t0\t__Host-kk_session\t%s\n' "$planted" >"$fix"
st=$(web "$fix" /app/auth/login)
tok=$(csrf_of)
st=$(web_post "$fix" /app/auth/login --data-urlencode "csrf=$tok" \
	--data-urlencode "login=131016" --data-urlencode "password=$pw")
got=$(cookie "$fix" __Host-kk_session)
check "a token planted before sign-in is replaced by a fresh one" \
	sh -c "[ '$st' = 303 ] && [ -n '$got' ] && [ '$got' != '$planted' ]"

# ---------------------------------------------------------------- #
# 13. The previous sign-in on the account page
# ---------------------------------------------------------------- #

pw2=$(mkuser sato moderator 佐藤 sato@example.go.jp)
j1=$STACK_DIR/jar.a j2=$STACK_DIR/jar.b
st=$(STACK_FROM=127.0.0.21 stack_login "$j1" sato "$pw2")
STACK_FROM=127.0.0.21 web "$j1" /app/auth/ >/dev/null
check "the first sign-in says it is the first" \
	sh -c "[ '$st' = 303 ] && grep -q '今回が初めてのログインです' '$WEB_B'"
t1=$(sql "SELECT last_login_at FROM account WHERE login = 'sato'")
sleep 1
st=$(STACK_FROM=127.0.0.22 stack_login "$j2" sato "$pw2")
STACK_FROM=127.0.0.22 web "$j2" /app/auth/ >/dev/null
when=$(TZ=JST-9 date -d "@$t1" '+%-Y年%-m月%-d日 %-H時%M分')
check "the second sign-in shows the first one's time ($when)" \
	sh -c "[ '$st' = 303 ] && grep -qF '<p>$when（接続元 127.0.0.21）</p>' '$WEB_B'"
check "and no longer says it is the first" sh -c "! grep -q '今回が初めて' '$WEB_B'"
check "the database keeps both: last from .22, previous from .21" \
	test "$(sql "SELECT last_login_ip || ' ' || prev_login_ip FROM account WHERE login = 'sato'")" = "127.0.0.22 127.0.0.21"
check "the two browsers have sessions of their own" \
	test "$(STACK_FROM=127.0.0.21 web "$j1" /app/auth/check)" = 204

# ---------------------------------------------------------------- #
# 5. Sign-out ends the session
# ---------------------------------------------------------------- #

cp "$jar" "$STACK_DIR/jar.saved"
web "$jar" /app/auth/ >/dev/null
tok=$(csrf_of)
st=$(web_post "$jar" /app/auth/logout --data-urlencode "csrf=$tok")
check "POST /app/auth/logout with the form's token: 200" test "$st" = 200
check "it says so (ログアウトしました)" has "ログアウトしました"
check "and clears the cookie" \
	grep -qi '^set-cookie: __Host-kk_session=; .*Max-Age=0' "$WEB_H"
st=$(web "$STACK_DIR/jar.saved" /members/)
check "the saved cookie, reused: /members/ redirects to sign in" \
	test "$st $(hdr location)" = "302 /app/auth/login?next=/members/"
check "and shows nothing of it" sh -c "! grep -qF '$secret' '$WEB_B'"
st=$(web "$STACK_DIR/jar.saved" /app/auth/check)
check "/app/auth/check answers 401 to it" test "$st" = 401
st=$(web "$STACK_DIR/jar.saved" /app/auth/)
check "the account page sends it to sign in (303)" \
	test "$st $(hdr location)" = "303 ../auth/login?next=%2Fapp%2Fauth%2F"
check "the session row is gone" \
	test "$(sql "SELECT count(*) FROM session s JOIN account a ON a.id = s.account_id WHERE a.login = '131016'")" = 1
check "the sign-out is in the audit log" \
	test "$(sql "SELECT count(*) FROM audit WHERE event = 'logout' AND subject = '131016'")" = 1
st=$(web "$fix" /members/)
check "another browser's session of the account goes on (200)" test "$st" = 200

# ---------------------------------------------------------------- #
# 2. auth_request fails closed
# ---------------------------------------------------------------- #

stack_login "$jar" 131016 "$pw" >/dev/null
check "signed in again before the auth program is stopped" \
	test "$(web "$jar" /members/)" = 200
pids=$(tr "\n" " " <"$STACK_STATE/run/auth.pid")
for p in $pids; do
	tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'cgi.*/auth ' &&
	    kill -TERM "$p"
done
gone() {
	local p
	for p in $pids; do
		kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}
check "the auth processes ($pids) are stopped" wait_until 10 gone
for p in /members/ /members/index.html /members/archive/ \
    /members/archive/files/zadankai-01-handout.pdf; do
	st=$(web "$jar" "$p")
	if [ "$st" = 500 ]; then
		ok "auth stopped: $p answers 500"
	else
		not_ok "auth stopped: $p answers 500 (got $st)"
	fi
	if grep -qF "$secret" "$WEB_B" || grep -q '%PDF' "$WEB_B" ||
	    grep -qF "会員専用ページ" "$WEB_B"; then
		not_ok "auth stopped: $p leaks nothing of the members area"
	else
		ok "auth stopped: $p leaks nothing of the members area"
	fi
done
st=$(web "$jar" /members/)
check "the 500 page is the Japanese one" \
	sh -c "grep -q '<html lang=\"ja\">' '$WEB_B' && grep -q 'ただいま利用できません' '$WEB_B'"
st=$(web "" /members/)
check "without a cookie too: 500, not the page" \
	sh -c "[ '$st' = 500 ] && ! grep -qF '$secret' '$WEB_B'"
st=$(web "$jar" /)
check "the public pages are still served" test "$st" = 200

done_testing
