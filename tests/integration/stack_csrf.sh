#!/bin/bash
# Forms and CSRF on the live stack: every POST (sign-in, sign-out, the
# password change, the administrators' actions and the import) is
# refused with 403 without the form's token, with a wrong one or
# another session's, and from another origin, and such a POST changes
# nothing; with the token from the site's own page it works.
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
mpw=$(mkuser 131016 municipality 千代田区 131016@example.lg.jp)
mid=$(sql "SELECT id FROM account WHERE login = '131016'")
A=$STACK_DIR/jar.admin M=$STACK_DIR/jar.mun
check "an administrator signs in" test "$(STACK_FROM=127.0.0.41 stack_login "$A" chief "$apw")" = 303
check "a municipality account signs in" test "$(STACK_FROM=127.0.0.42 stack_login "$M" 131016 "$mpw")" = 303
web "$A" /app/auth/ >/dev/null
atok=$(csrf_of)
web "$M" /app/auth/ >/dev/null
mtok=$(csrf_of)
check "each session has its own form token" \
	sh -c "[ -n '$atok' ] && [ -n '$mtok' ] && [ '$atok' != '$mtok' ]"
snapshot() {
	sql "SELECT login, role, pw_hash, disabled, email FROM account ORDER BY id;
	    SELECT count(*) FROM session; SELECT count(*) FROM outbox;
	    SELECT count(*) FROM audit WHERE event NOT IN ('login', 'login_failed')"
}
before=$(snapshot)

printf '団体コード,団体名,都道府県,メールアドレス\r\n011002,札幌市,北海道,011002@example.lg.jp\r\n' >"$STACK_DIR/small.csv"

# refused NAME JAR PATH ARGS...: the POST is answered 403 with the
# Japanese message.
refused() {
	local name=$1 jar=$2 path=$3 st
	shift 3
	st=$(web_post "$jar" "$path" "$@")
	if [ "$st" = 403 ] && has "別のサイトから送信されました"; then
		ok "$name: 403"
	else
		not_ok "$name: 403 (got $st)"
		grep -o 'notice-error" role="alert">[^<]*' "$WEB_B" | diag
	fi
}
evil=https://evil.example

# Every form, in the four ways a forged POST comes.
for form in logout password lock reset role import; do
	case $form in
	logout) jar=$M tok=$mtok path=/app/auth/logout args=() ;;
	password) jar=$M tok=$mtok path=/app/auth/password
		args=(--data-urlencode "current=$mpw" --data-urlencode "new=a new long passphrase"
		    --data-urlencode "confirm=a new long passphrase") ;;
	lock) jar=$A tok=$atok path=/app/admin/lock
		args=(--data-urlencode "id=$mid" --data-urlencode do=lock) ;;
	reset) jar=$A tok=$atok path=/app/admin/reset args=(--data-urlencode "id=$mid") ;;
	role) jar=$A tok=$atok path=/app/admin/role
		args=(--data-urlencode "id=$mid" --data-urlencode role=admin) ;;
	import) jar=$A tok=$atok path=/app/admin/import ;;
	esac
	if [ $form = import ]; then
		f=(-F "file=@$STACK_DIR/small.csv;type=text/csv")
		refused "import without the csrf field" "$jar" $path "${f[@]}"
		refused "import with a wrong token" "$jar" $path -F csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "${f[@]}"
		refused "import with another session's token" "$jar" $path -F "csrf=$mtok" "${f[@]}"
		WEB_ORIGIN=$evil refused "import from another origin (Origin: $evil)" "$jar" $path -F "csrf=$tok" "${f[@]}"
		WEB_ORIGIN= refused "import with another site's Referer and no Origin" "$jar" $path \
			-H "Referer: $evil/form.html" -F "csrf=$tok" "${f[@]}"
		continue
	fi
	other=$mtok
	[ "$tok" = "$mtok" ] && other=$atok
	refused "$form without the csrf field" "$jar" $path --data-urlencode x=1 "${args[@]}"
	refused "$form with an empty token" "$jar" $path --data-urlencode csrf= "${args[@]}"
	refused "$form with a wrong token" "$jar" $path \
		--data-urlencode csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "${args[@]}"
	refused "$form with another session's token" "$jar" $path \
		--data-urlencode "csrf=$other" "${args[@]}"
	WEB_ORIGIN=$evil refused "$form from another origin (Origin: $evil)" "$jar" $path \
		--data-urlencode "csrf=$tok" "${args[@]}"
	WEB_ORIGIN=$STACK_HTTP refused "$form from the plain-HTTP origin" "$jar" $path \
		--data-urlencode "csrf=$tok" "${args[@]}"
	WEB_ORIGIN=null refused "$form with Origin: null" "$jar" $path \
		--data-urlencode "csrf=$tok" "${args[@]}"
	WEB_ORIGIN= refused "$form with another site's Referer and no Origin" "$jar" $path \
		-H "Referer: $evil/form.html" --data-urlencode "csrf=$tok" "${args[@]}"
	WEB_ORIGIN= refused "$form with a Referer of a look-alike host" "$jar" $path \
		-H "Referer: $STACK_URL.evil.example/" --data-urlencode "csrf=$tok" "${args[@]}"
done
# Sign-in too (login CSRF): the token is the pre-sign-in cookie's.
L=$STACK_DIR/jar.login
web "$L" /app/auth/login >/dev/null
ltok=$(csrf_of)
export STACK_FROM=127.0.0.43
refused "sign-in without the csrf field" "$L" /app/auth/login \
	--data-urlencode login=131016 --data-urlencode "password=$mpw"
refused "sign-in with a token that is not the cookie's" "$L" /app/auth/login \
	--data-urlencode csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	--data-urlencode login=131016 --data-urlencode "password=$mpw"
refused "sign-in with the right token and no cookie" "" /app/auth/login \
	--data-urlencode "csrf=$ltok" --data-urlencode login=131016 \
	--data-urlencode "password=$mpw"
WEB_ORIGIN=$evil refused "sign-in from another origin" "$L" /app/auth/login \
	--data-urlencode "csrf=$ltok" --data-urlencode login=131016 \
	--data-urlencode "password=$mpw"
unset STACK_FROM

after=$(snapshot)
if [ "$before" = "$after" ]; then
	ok "the refused POSTs changed nothing (accounts, sessions, outbox, audit)"
else
	not_ok "the refused POSTs changed nothing"
	diff <(echo "$before") <(echo "$after") | diag
fi
check "the municipality's session is still valid" test "$(web "$M" /app/auth/check)" = 204
check "the refusals are logged without the token" \
	sh -c "grep -q 'refused: no valid CSRF token' '$STACK_STATE/log/admin.log' &&
	    ! grep -qF -- '$atok' '$STACK_STATE/log/admin.log' '$STACK_STATE/log/auth.log'"

# The same forms from the site's own pages work.
st=$(web_post "$A" /app/admin/lock --data-urlencode "csrf=$atok" \
	--data-urlencode "id=$mid" --data-urlencode do=lock)
check "lock with the token and the site's Origin: 303" test "$st" = 303
check "the account is locked" test "$(sql "SELECT disabled FROM account WHERE id = $mid")" = 1
st=$(WEB_ORIGIN= web_post "$A" /app/admin/lock --data-urlencode "csrf=$atok" \
	--data-urlencode "id=$mid" --data-urlencode do=unlock)
check "unlock with the token and neither Origin nor Referer: 303 (the token decides)" \
	test "$st" = 303
st=$(WEB_ORIGIN= web_post "$A" /app/admin/reset -H "Referer: $STACK_URL/app/admin/account?id=$mid" \
	--data-urlencode "csrf=$atok" --data-urlencode "id=$mid")
check "reset with the token and the site's Referer: 303" test "$st" = 303
st=$(web_post "$A" /app/auth/logout --data-urlencode "csrf=$atok")
check "sign-out with the token: 200" test "$st" = 200
check "and the session is over" test "$(web "$A" /app/auth/check)" = 401

done_testing
