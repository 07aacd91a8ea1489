#!/bin/bash
# Failed sign-ins on the live stack: five in a row lock the account for
# app.lockout_time (3 s here), the right password is refused while it
# is locked and works after, and each step is in the audit log; and
# nginx's limit on sign-in POSTs from one address (429, in Japanese),
# which leaves the form itself alone.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/web.sh

export STACK_LOCKOUT_TIME=3s
trap stack_stop EXIT
if ! stack_start; then
	not_ok "the stack starts"
	done_testing
fi
ok "the stack starts"
web_init

pw=$(mkuser 011002 municipality 札幌市 011002@example.lg.jp)
check "a municipality account is made" test -n "$pw"

# One sign-in attempt from a fresh browser: prints the status; the page
# is in $WEB_B.
try() {
	local jar=$STACK_DIR/jar.try tok
	rm -f "$jar"
	web "$jar" /app/auth/login >/dev/null
	tok=$(csrf_of)
	web_post "$jar" /app/auth/login --data-urlencode "csrf=$tok" \
		--data-urlencode "login=$1" --data-urlencode "password=$2"
}
events() {
	sql "SELECT count(*) FROM audit WHERE event = '$1' AND subject = '$2'"
}
state() {
	sql "SELECT failures || ' ' || locked_until FROM account WHERE login = '011002'"
}

# ---------------------------------------------------------------- #
# 3. Lockout
# ---------------------------------------------------------------- #

# "In a row": a good sign-in between failures starts the count again.
export STACK_FROM=127.0.0.31
for i in 1 2 3 4; do try 011002 "wrong-password-$i" >/dev/null; done
st=$(try 011002 "$pw")
check "four failures, then the right password: signed in (303)" test "$st" = 303
export STACK_FROM=127.0.0.32
for i in 1 2 3 4; do try 011002 "wrong-password-$i" >/dev/null; done
check "four more failures do not lock: they are not five in a row" \
	test "$(state)" = "4 0"
st=$(try 011002 "$pw")
check "and the right password still signs in" test "$st" = 303
check "which sets the count back to 0" test "$(state)" = "0 0"

export STACK_FROM=127.0.0.33
before=$(sql "SELECT max(id) FROM audit")
for i in 1 2 3 4; do
	st=$(try 011002 "wrong-password-$i")
	if [ "$st" = 401 ] && has "IDまたはパスワードが正しくありません"; then
		ok "failure $i: 401 with the message in Japanese"
	else
		not_ok "failure $i: 401 with the message in Japanese (got $st)"
	fi
done
check "not locked after four" test "$(state)" = "4 0"
st=$(try 011002 wrong-password-5)
check "the fifth failure is refused" test "$st" = 401
check "and says the account is now locked" has "このアカウントを一時的にロックしました"
now=$(date +%s)
until=$(sql "SELECT locked_until FROM account WHERE login = '011002'")
check "locked_until is lockout_time (3 s) ahead" \
	test "$until" -ge "$now" -a "$until" -le $((now + 4))
st=$(try 011002 "$pw")
check "the right password while locked: refused (403)" test "$st" = 403
check "with the message that the account is locked" \
	has "一時的にロックされています"
check "and no session is given" \
	sh -c "! grep -qi '^set-cookie: __Host-kk_session=[A-Za-z0-9]' '$WEB_H'"
check "the locked try is logged as refused" \
	test "$(sql "SELECT count(*) FROM audit WHERE id > $before AND event = 'login_refused' AND subject = '011002'")" = 1
past() { [ "$(date +%s)" -gt "$until" ]; }
wait_until 10 past
# Six POSTs from one address at once is what nginx lets through: on
# from another.
export STACK_FROM=127.0.0.34
st=$(try 011002 "$pw")
check "after the lock time the right password works again (303)" test "$st" = 303
check "and the account is released (failures 0, not locked)" \
	test "$(state)" = "0 0"
rows=$(sql "SELECT event || '|' || detail FROM audit WHERE id > $before AND subject = '011002' ORDER BY id" | tr '\n' ';')
want="login_failed|wrong password;login_failed|wrong password;login_failed|wrong password;login_failed|wrong password;login_failed|wrong password;lockout|5 failures in a row;login_refused|account locked after failed sign-ins;unlock|lock expired;login|;"
if [ "$rows" = "$want" ]; then
	ok "the audit log has login_failed x5, lockout, the refusal, unlock and login, in order"
else
	not_ok "the audit log has login_failed x5, lockout, login_refused, unlock, login"
	echo "# got: $rows"
fi
check "each row names the address the try came from" \
	test "$(sql "SELECT group_concat(DISTINCT event || ' ' || ip) FROM audit WHERE id > $before")" = "login_failed 127.0.0.33,lockout 127.0.0.33,login_refused 127.0.0.33,unlock 127.0.0.34,login 127.0.0.34"
check "the audit chain is whole" stack_admin audit verify
# An unknown ID locks nothing and says the same as a wrong password.
st=$(try no-such-id wrong-password)
check "an unknown ID: 401 with the same message as a wrong password" \
	sh -c "[ '$st' = 401 ] && grep -q 'IDまたはパスワードが正しくありません' '$WEB_B'"
check "logged as login_failed, unknown ID" \
	test "$(sql "SELECT detail FROM audit WHERE subject = 'no-such-id'")" = "unknown ID"

# ---------------------------------------------------------------- #
# 8. nginx's limit on sign-in POSTs
# ---------------------------------------------------------------- #

# 10 a minute from one address with a burst of 5: of 12 POSTs at once,
# 6 reach the program and the rest get 429.
export STACK_FROM=127.0.0.99
rjar=$STACK_DIR/jar.rate
web "$rjar" /app/auth/login >/dev/null
rtok=$(csrf_of)
codes=""
t0=$(date +%s)
for i in $(seq 1 12); do
	st=$(web_post "$rjar" /app/auth/login --data-urlencode "csrf=$rtok" \
		--data-urlencode "login=rate-test" --data-urlencode "password=x")
	codes="$codes $st"
	if [ "$st" = 429 ]; then
		cp "$WEB_B" "$STACK_DIR/429.html"
		cp "$WEB_H" "$STACK_DIR/429.headers"
	fi
done
secs=$(($(date +%s) - t0))
echo "# statuses of 12 rapid sign-in POSTs in $secs s:$codes"
n429=$(echo "$codes" | tr ' ' '\n' | grep -c '^429$')
check "the first POST is answered by the program (401)" \
	test "$(echo "$codes" | awk '{ print $1 }')" = 401
# 6 at once, and one more for each 6 s the loop took.
check "rapid sign-in POSTs from one address get 429 ($n429 of 12)" \
	test "$n429" -ge 1 -a $((12 - n429)) -le $((6 + secs / 6 + 1))
check "the 429 page is the Japanese one" \
	sh -c "grep -q '<html lang=\"ja\">' '$STACK_DIR/429.html' && grep -q 'しばらくお待ちください' '$STACK_DIR/429.html'"
check "with the security headers" \
	grep -qi "^content-security-policy: default-src 'self'" "$STACK_DIR/429.headers"
check "only the POSTs nginx let through reached the program (audit rows)" \
	test "$(events login_failed rate-test)" = $((12 - n429))
gets=""
for i in $(seq 1 20); do
	gets="$gets $(web "$rjar" /app/auth/login)"
done
check "20 GETs of the form from the same address meanwhile: all 200" \
	test "$(echo "$gets" | tr ' ' '\n' | grep -c '^200$')" = 20
check "a POST from that address is still refused (429)" \
	test "$(web_post "$rjar" /app/auth/login --data-urlencode "csrf=$rtok" --data-urlencode login=rate-test --data-urlencode password=x)" = 429
check "a POST from another address is not (401)" \
	test "$(STACK_FROM=127.0.0.98 web_post "$rjar" /app/auth/login --data-urlencode "csrf=$rtok" --data-urlencode login=rate-test --data-urlencode password=x)" = 401

done_testing
