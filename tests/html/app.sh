#!/bin/bash
# tests/html/app.sh: every page of the programs (cgi/auth, cgi/admin), as
# the stack serves it, through the Nu HTML Checker.
#
# Starts the stack (tests/lib/stack.sh), makes an administrator and a
# municipality and some 60 accounts more (tests/lib/app_accounts.sh),
# and fetches with curl, each browser's cookies in its own jar, every
# page in each of its states: the sign-in form empty, sent empty and with
# a wrong password; the account page; the password form empty, sent
# empty, with a wrong current password, with a confirmation that differs,
# and done; sign-out; the admin menu, the account list (page 1 and 2, a
# search that finds one and one that finds none), an account (another's
# with the role form, one's own, one after a password reset), the import
# form (empty, sent without a file, with a bad file) and its result, the
# audit log (page 1 and 2, filtered); the error page (404 signed out, in,
# and a level below the routes; 403).  One TAP line per fetch
# (the status it must answer with), then tests/html/validate.sh's lines
# over the saved pages.  Exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/stack.sh"
. "$top/tests/lib/app_accounts.sh"
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start || { echo "not ok 1 - html app: the stack starts"; exit 1; }
app_accounts || { echo "not ok 1 - html app: the administrator and the municipality's account (password by mail)"; exit 1; }
app_more_accounts || { echo "not ok 1 - html app: some 60 accounts more, for a second page"; exit 1; }

pages=$STACK_DIR/pages
mkdir -p "$pages"
anon=$STACK_DIR/anon.jar muni=$STACK_DIR/muni.jar adm=$STACK_DIR/admin.jar
n=0
failed=0

ok() {	# ok COND DESC [DIAG...]: COND 1 passes, anything else fails
	local cond=$1 desc=$2
	shift 2
	n=$((n + 1))
	if [ "$cond" = 1 ]; then
		echo "ok $n - $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc"
		local d
		for d in "$@"; do echo "#   $d"; done
	fi
}

# page NAME STATUS JAR PATH [CURL ARGS...]: fetch PATH into NAME.html; it
# must answer STATUS with an HTML page.
page() {
	local name=$1 want=$2 jar=$3 path=$4 got ctype
	shift 4
	got=$(curl -ks -o "$pages/$name.html" -w '%{http_code} %{content_type}' \
	    -c "$jar" -b "$jar" -H "Origin: $STACK_URL" "$@" "$STACK_URL$path")
	ctype=${got#* }
	got=${got%% *}
	ok "$([ "$got" = "$want" ] && [[ $ctype == text/html* ]] && echo 1)" \
	    "fetched $name: $path answers $want with HTML" \
	    "HTTP $got, Content-Type $ctype" \
	    "$(head -c 300 "$pages/$name.html" 2>/dev/null | tr '\n' ' ')"
}

# post NAME STATUS JAR PATH FORM_PATH [CURL ARGS...]: the same for a POST
# of a form, with the csrf field of the form at FORM_PATH.
post() {
	local name=$1 want=$2 jar=$3 path=$4 form=$5 tok
	shift 5
	tok=$(stack_csrf "$jar" "$form")
	page "$name" "$want" "$jar" "$path" --data-urlencode "csrf=$tok" "$@"
}

signin() {	# signin JAR LOGIN PASSWORD WHO
	local st
	st=$(stack_login "$1" "$2" "$3")
	ok "$([ "$st" = 303 ] && echo 1)" "$4 signs in (303 from the form)" "HTTP $st"
}

# Signed out.
page login 200 "$anon" '/app/auth/login?next=/members/index.html'
post login-empty 422 "$anon" /app/auth/login /app/auth/login \
    --data-urlencode login= --data-urlencode password= \
    --data-urlencode next=/members/index.html
post login-wrong 401 "$anon" /app/auth/login /app/auth/login \
    --data-urlencode "login=$APP_MUNI" --data-urlencode "password=$APP_MUNI_PW-wrong" \
    --data-urlencode next=/members/index.html
page error-404-signed-out 404 "$anon" /app/auth/no-such-page
page error-404-below 404 "$anon" /app/auth/password/

# The municipality.
signin "$muni" "$APP_MUNI" "$APP_MUNI_PW" "the municipality"
page account 200 "$muni" '/app/auth/?next=%2Fmembers%2Findex.html'
page password 200 "$muni" /app/auth/password
post password-empty 422 "$muni" /app/auth/password /app/auth/password \
    --data-urlencode current= --data-urlencode new= --data-urlencode confirm=
newpw='みんなで使う新しいパスワード 2026'
post password-wrong 422 "$muni" /app/auth/password /app/auth/password \
    --data-urlencode "current=$APP_MUNI_PW-not-it" \
    --data-urlencode "new=$newpw" --data-urlencode "confirm=$newpw"
post password-mismatch 422 "$muni" /app/auth/password /app/auth/password \
    --data-urlencode "current=$APP_MUNI_PW" \
    --data-urlencode "new=$newpw" --data-urlencode "confirm=$newpw!"
post password-done 200 "$muni" /app/auth/password /app/auth/password \
    --data-urlencode "current=$APP_MUNI_PW" \
    --data-urlencode "new=$newpw" --data-urlencode "confirm=$newpw"
page error-403 403 "$muni" /app/admin/
post logout 200 "$muni" /app/auth/logout /app/auth/

# The administrator.
signin "$adm" "$APP_ADMIN" "$APP_ADMIN_PW" "the administrator"
page admin 200 "$adm" /app/admin/
page admin-accounts 200 "$adm" /app/admin/accounts
page admin-accounts-page2 200 "$adm" '/app/admin/accounts?page=2'
ok "$(grep -q 'aria-current="page">2<' "$pages/admin-accounts-page2.html" && echo 1)" \
    "the account list runs to a second page, marked as the current one"
page admin-accounts-none 200 "$adm" '/app/admin/accounts?q=%E8%A6%8B%E3%81%A4%E3%81%8B%E3%82%89%E3%81%AA%E3%81%84&role=municipality'
id_of() {	# the id in the list's link to the account LOGIN
	sed -n "s/.*href=\"account?id=\([0-9]*\)\">$1<.*/\1/p" "$pages/admin-accounts.html" | head -n 1
}
muni_id=$(id_of "$APP_MUNI") admin_id=$(id_of "$APP_ADMIN")
ok "$([ -n "$muni_id" ] && [ -n "$admin_id" ] && echo 1)" \
    "the account list links to both accounts" "ids: '$muni_id' '$admin_id'"
page admin-account 200 "$adm" "/app/admin/account?id=${muni_id:-0}"
page admin-account-self 200 "$adm" "/app/admin/account?id=${admin_id:-0}"
page admin-import 200 "$adm" /app/admin/import
printf '団体コード,団体名,都道府県,メールアドレス\n011001,札幌市,北海道,011002@example.lg.jp\n012041,旭川市,北海道,not-an-address\n' \
    >"$STACK_DIR/bad.csv"
printf '団体コード,団体名,都道府県,メールアドレス\n%s,札幌市,北海道,%s\n012041,旭川市,北海道,012041@example.lg.jp\n' \
    "$APP_MUNI" "$APP_MUNI_MAIL" >"$STACK_DIR/good.csv"
tok=$(stack_csrf "$adm" /app/admin/import)
page admin-import-nofile 422 "$adm" /app/admin/import -F "csrf=$tok"
page admin-import-bad 422 "$adm" /app/admin/import -F "csrf=$tok" \
    -F "file=@$STACK_DIR/bad.csv;type=text/csv"
page admin-imported 200 "$adm" /app/admin/import -F "csrf=$tok" \
    -F "file=@$STACK_DIR/good.csv;type=text/csv"
page admin-accounts-found 200 "$adm" '/app/admin/accounts?q=%E6%97%AD%E5%B7%9D%E5%B8%82'
new_id=$(sed -n 's/.*href="account?id=\([0-9]*\)">012041<.*/\1/p' "$pages/admin-accounts-found.html" | head -n 1)
tok=$(stack_csrf "$adm" "/app/admin/account?id=${new_id:-0}")
st=$(curl -ks -o /dev/null -w '%{http_code}' -c "$adm" -b "$adm" -H "Origin: $STACK_URL" \
    --data-urlencode "csrf=$tok" --data-urlencode "id=${new_id:-0}" "$STACK_URL/app/admin/reset")
ok "$([ "$st" = 303 ] && echo 1)" "the administrator resets the new account's password (303)" "HTTP $st, id '$new_id'"
page admin-account-reset 200 "$adm" "/app/admin/account?id=${new_id:-0}&done=reset"
page admin-audit 200 "$adm" /app/admin/audit
page admin-audit-page2 200 "$adm" '/app/admin/audit?page=2'
page admin-audit-found 200 "$adm" "/app/admin/audit?event=login&subject=$APP_MUNI"
page error-404 404 "$adm" /app/admin/no-such-page

# The checker, its lines numbered on from ours.
bash "$top/tests/html/validate.sh" "$pages" | awk -v off=$n '
	/^(not )?ok [0-9]+/ { sub(/^ok [0-9]+/, "ok " ($2 + off)); sub(/^not ok [0-9]+/, "not ok " ($3 + off)); print; next }
	/^1\.\.[0-9]+$/ { print "1.." (substr($0, 4) + off); next }
	{ print }'
rc=${PIPESTATUS[0]}
if [ "$n" -gt 0 ] && [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]; then
	exit 0
fi
exit 1
