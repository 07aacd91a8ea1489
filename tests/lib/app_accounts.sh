# tests/lib/app_accounts.sh: the two accounts the program-page tests sign
# in with, on a stack started by tests/lib/stack.sh.
#
#	. tests/lib/stack.sh
#	. tests/lib/app_accounts.sh
#	stack_start || exit 1
#	app_accounts || exit 1
#
# app_accounts makes an administrator with the command line (`admin user
# add`, which prints the password) and a municipality by importing a
# one-row account list (`admin import`), whose password comes the way it
# comes to a municipality: by mail, through the outbox, the mailer and
# the SMTP server, read back from $STACK_MAIL.  It sets
#
#   APP_ADMIN APP_ADMIN_PW   the administrator
#   APP_MUNI APP_MUNI_PW     the municipality (団体コード 011002, 札幌市)
#   APP_MUNI_MAIL            its address
#
# and prints "# " lines saying what failed, if anything did (those of
# the mail on stderr).

APP_ADMIN=admin1
APP_MUNI=011002
APP_MUNI_MAIL=011002@example.lg.jp

# app_mail_password ADDRESS [SECONDS]: the password in the newest mail to
# ADDRESS under $STACK_MAIL (a text/plain body, any transfer encoding),
# waiting for it up to SECONDS (default 20).
app_mail_password() {
	local to=$1 wait=${2:-20} i pw
	for i in $(seq 1 $((wait * 5))); do
		pw=$(/usr/bin/python3 - "$STACK_MAIL" "$to" <<'EOF'
import email, email.policy, glob, json, os, re, sys
folder, to = sys.argv[1], sys.argv[2]
for meta in sorted(glob.glob(os.path.join(folder, "*.json")), reverse=True):
    try:
        with open(meta) as f:
            rcpt = json.load(f).get("rcpt_tos", [])
        with open(meta[:-5] + ".eml", "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
    except (OSError, ValueError):
        continue
    if to not in rcpt:
        continue
    body = msg.get_body(preferencelist=("plain",))
    m = re.search(r"パスワード:\s*(\S+)", body.get_content() if body else "")
    if m:
        print(m.group(1))
        break
EOF
)
		if [ -n "$pw" ]; then
			echo "$pw"
			return 0
		fi
		sleep 0.2
	done
	echo "# no mail with a password to $to within ${wait}s; the SMTP server's folder:" >&2
	ls -l "$STACK_MAIL" 2>&1 | sed 's/^/#   /' >&2
	return 1
}

app_accounts() {
	local out
	if ! out=$(stack_admin user add "$APP_ADMIN" admin 管理者 admin1@example.go.jp 2>&1); then
		echo "# admin user add failed: $out"
		return 1
	fi
	APP_ADMIN_PW=$(printf '%s\n' "$out" | sed -n 's/.*; password: //p')
	if [ -z "$APP_ADMIN_PW" ]; then
		echo "# admin user add printed no password: $out"
		return 1
	fi
	printf '団体コード,団体名,都道府県,メールアドレス\n%s,札幌市,北海道,%s\n' \
	    "$APP_MUNI" "$APP_MUNI_MAIL" >"$STACK_DIR/municipality.csv"
	if ! out=$(stack_admin import "$STACK_DIR/municipality.csv" 2>&1); then
		echo "# admin import failed: $out"
		return 1
	fi
	APP_MUNI_PW=$(app_mail_password "$APP_MUNI_MAIL") || return 1
	return 0
}

# app_more_accounts: some 60 accounts more, imported on the command line
# (the 47 prefectures and the first cities of Hokkaido, from
# tests/lib/account_list.py; 旭川市, 012041, is left out for an import
# through the web form), so that the account list and the audit log run
# to a second page.
app_more_accounts() {
	local out
	/usr/bin/python3 "$_stack_top/tests/lib/account_list.py" current \
	    "$STACK_DIR/all.csv" || { echo "# account_list.py failed"; return 1; }
	sed -n 1,62p "$STACK_DIR/all.csv" | grep -v '^012041,' >"$STACK_DIR/more.csv"
	if ! out=$(stack_admin import "$STACK_DIR/more.csv" 2>&1); then
		echo "# admin import of more.csv failed: $out"
		return 1
	fi
	return 0
}
