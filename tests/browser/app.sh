#!/bin/bash
# tests/browser/app.sh: the whole stack (tests/lib/stack.sh: nginx with
# HTTPS, the FastCGI programs, the mailer, an SMTP server), an
# administrator, a municipality (tests/lib/app_accounts.sh: the
# municipality's password read from its mail) and some 60 accounts more
# so that the lists run to a second page, and
# tests/browser/app.mjs over the program pages in Chromium.
# Prints TAP; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/stack.sh"
. "$top/tests/lib/app_accounts.sh"
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start || { echo "not ok 1 - app: the stack starts"; exit 1; }
app_accounts || { echo "not ok 1 - app: the administrator and the municipality's account (password by mail)"; exit 1; }
app_more_accounts || { echo "not ok 1 - app: some 60 accounts more, for a second page"; exit 1; }
# For the import through the web form: a list with one account more, and
# one the import refuses as a whole (a code whose check digit is wrong,
# an address that is none).
printf '団体コード,団体名,都道府県,メールアドレス\n%s,札幌市,北海道,%s\n012041,旭川市,北海道,012041@example.lg.jp\n' \
    "$APP_MUNI" "$APP_MUNI_MAIL" >"$STACK_DIR/good.csv"
printf '団体コード,団体名,都道府県,メールアドレス\n011001,札幌市,北海道,011002@example.lg.jp\n012041,旭川市,北海道,not-an-address\n' \
    >"$STACK_DIR/bad.csv"
node "$top/tests/browser/app.mjs" "$STACK_URL" "$APP_ADMIN" "$APP_ADMIN_PW" \
    "$APP_MUNI" "$APP_MUNI_PW" "$STACK_DIR/good.csv" "$STACK_DIR/bad.csv"
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "# the programs' logs (last lines):"
	for f in auth admin mailer error; do
		tail -n 10 "$STACK_STATE/log/$f.log" 2>/dev/null | sed "s/^/#   $f: /"
	done
fi
exit $rc
