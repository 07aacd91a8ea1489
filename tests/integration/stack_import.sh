#!/bin/bash
# The account import on the live stack with the real list (1,741
# municipalities and 47 prefectures of the current edition, made-up
# addresses): one account and one mail each, every mail to its own
# address alone with its own ID; the same list again changes nothing; a
# changed address changes that account alone, without a new password;
# a list with errors names each line and changes nothing; and the same
# from the web form.
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

list=$STACK_DIR/current.csv
/usr/bin/python3 tests/lib/account_list.py current "$list"
rows=$(($(wc -l <"$list") - 1))
check "the current list has 1,788 rows" test "$rows" = 1788
# "ADDRESS ID" for each row, what the mails must be.
sed '1d; s/\r$//' "$list" | awk -F, '{ print $4, $1 }' >"$STACK_DIR/want"

# Everything the import may change, to compare before and after.
snapshot() {
	sql "SELECT login, role, name, prefecture, email, lgcode, pw_hash, updated FROM account ORDER BY id;
	    SELECT id, rcpt, kind FROM outbox ORDER BY id;
	    SELECT count(*) FROM audit"
}

# ---------------------------------------------------------------- #
# The whole list
# ---------------------------------------------------------------- #

start=$SECONDS
out=$(stack_admin import "$list" 2>&1); rc=$?
echo "# import: $out ($((SECONDS - start)) s)"
check "the import exits 0" test "$rc" = 0
check "and reports 1788 rows, all created" \
	test "$out" = "$list (UTF-8 (BOM)): 1788 rows: 1788 created, 0 updated, 0 unchanged"
check "1,741 municipality accounts" \
	test "$(sql "SELECT count(*) FROM account WHERE role = 'municipality'")" = 1741
check "47 prefecture accounts" \
	test "$(sql "SELECT count(*) FROM account WHERE role = 'prefecture'")" = 47
check "each one's ID is its code, its address the list's" \
	test "$(sql "SELECT count(*) FROM account WHERE login = lgcode AND email = login || '@example.lg.jp'")" = 1788
check "each with a password hash of its own" \
	test "$(sql "SELECT count(DISTINCT pw_hash) FROM account WHERE pw_hash LIKE '\$argon2id\$v=19\$m=19456,t=2,p=1\$%'")" = 1788
check "names and prefectures as in the list (札幌市, 千代田区, 那覇市, 北海道)" \
	test "$(sql "SELECT group_concat(login || name || prefecture || role, ' ') FROM (SELECT * FROM account WHERE login IN ('011002', '131016', '472018', '010006') ORDER BY login)")" = "010006北海道北海道prefecture 011002札幌市北海道municipality 131016千代田区東京都municipality 472018那覇市沖縄県municipality"
check "no account for a ward of a designated city (札幌市 中央区, 011011)" \
	test "$(sql "SELECT count(*) FROM account WHERE lgcode = '011011'")" = 0
check "one account_issued row per account in the audit log" \
	test "$(sql "SELECT count(*) FROM audit WHERE event = 'account_issued' AND detail LIKE '%password mailed'")" = 1788
check "and the import's own row" \
	test "$(sql "SELECT detail FROM audit WHERE event = 'accounts_imported'")" = "1788 rows: 1788 created, 0 updated, 0 unchanged"
check "1,788 mails in the outbox, one per address" \
	test "$(sql "SELECT count(*) || ' ' || count(DISTINCT rcpt) FROM outbox WHERE kind = 'account_issued'")" = "1788 1788"
all() { [ "$(mails)" -ge 1788 ]; }
start=$SECONDS
wait_until 300 all
echo "# $(mails) mails arrived in $((SECONDS - start)) s"
sleep 2
check "1,788 mails arrive at the SMTP server" test "$(mails)" = 1788
out=$(/usr/bin/python3 tests/lib/mailbox.py "$STACK_MAIL" check "$STACK_DIR/want" 2>&1)
if [ $? = 0 ]; then
	ok "each to one address alone, all different, To: the envelope's, no Cc or Bcc, each with its own ID"
else
	not_ok "each to one address alone, all different, To: the envelope's, no Cc or Bcc, each with its own ID"
	echo "$out" | diag
fi
check "the outbox says all sent" \
	test "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 1788
mpw=$(/usr/bin/python3 tests/lib/mailbox.py "$STACK_MAIL" password 472018@example.lg.jp)
check "the password in 那覇市's mail signs in as 472018" \
	test "$(STACK_FROM=127.0.0.91 stack_login "$STACK_DIR/jar.naha" 472018 "$mpw")" = 303
check "and no password is in any log" \
	sh -c "! grep -rqF -- '$mpw' '$STACK_STATE/log' '$STACK_DIR/smtp.log'"

# ---------------------------------------------------------------- #
# The same list again; one address changed
# ---------------------------------------------------------------- #

before=$(snapshot)
out=$(stack_admin import "$list" 2>&1); rc=$?
check "the same list again: exit 0, 1788 unchanged" \
	test "$rc $out" = "0 $list (UTF-8 (BOM)): 1788 rows: 0 created, 0 updated, 1788 unchanged"
after=$(snapshot)
# The audit log has the import's row more, nothing else.
if [ "$(echo "$before" | sed '$d')" = "$(echo "$after" | sed '$d')" ] &&
    [ "$(echo "$after" | tail -n 1)" = $(($(echo "$before" | tail -n 1) + 1)) ]; then
	ok "it changed no account and queued no mail"
else
	not_ok "it changed no account and queued no mail"
	diff <(echo "$before") <(echo "$after") | head -n 10 | diag
fi
check "the audit log says 0 created" \
	test "$(sql "SELECT detail FROM audit WHERE event = 'accounts_imported' ORDER BY id DESC LIMIT 1")" = "1788 rows: 0 created, 0 updated, 1788 unchanged"
sleep 2
check "no new mail arrives" test "$(mails)" = 1788

changed=$STACK_DIR/changed.csv
/usr/bin/python3 tests/lib/account_list.py current "$changed" --change-email 131016
before=$(sql "SELECT login, role, name, prefecture, email, pw_hash FROM account ORDER BY id")
out=$(stack_admin import "$changed" 2>&1); rc=$?
check "one changed address: exit 0, 1 updated" \
	test "$rc $out" = "0 $changed (UTF-8 (BOM)): 1788 rows: 0 created, 1 updated, 1787 unchanged"
after=$(sql "SELECT login, role, name, prefecture, email, pw_hash FROM account ORDER BY id")
d=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]')
h=$(sql "SELECT pw_hash FROM account WHERE login = '131016'")
if [ "$d" = "< 131016|municipality|千代田区|東京都|131016@example.lg.jp|$h
> 131016|municipality|千代田区|東京都|131016-new@example.lg.jp|$h" ]; then
	ok "only 131016's address changed, its password not"
else
	not_ok "only 131016's address changed, its password not"
	echo "$d" | cut -c 1-100 | diag
fi
check "the audit log says so, without the addresses" \
	test "$(sql "SELECT detail FROM audit WHERE event = 'account_updated' AND subject = '131016'")" = "e-mail address changed"
check "no new mail is queued" test "$(sql "SELECT count(*) FROM outbox")" = 1788
sleep 2
check "and none arrives" test "$(mails)" = 1788

# ---------------------------------------------------------------- #
# A list with errors
# ---------------------------------------------------------------- #

broken=$STACK_DIR/broken.csv
/usr/bin/python3 - "$list" "$broken" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8-sig", newline="").read().split("\r\n")
def edit(n, f):
    cells = lines[n - 1].split(",")
    f(cells)
    lines[n - 1] = ",".join(cells)
# line 5: the check digit; 10: another prefecture; 20: the address;
# 40: line 39 again.
edit(5, lambda c: c.__setitem__(0, c[0][:5] + str((int(c[0][5]) + 1) % 10)))
edit(10, lambda c: c.__setitem__(2, "沖縄県"))
edit(20, lambda c: c.__setitem__(3, "not an address"))
lines[39] = lines[38]
open(sys.argv[2], "wb").write(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
EOF
before=$(snapshot)
out=$(stack_admin import "$broken" 2>&1); rc=$?
echo "$out" | diag
check "a list with four bad rows: the import exits non-zero" test "$rc" != 0
check "saying nothing was imported" sh -c "echo '$out' | head -n 1 | grep -q 'nothing imported'"
check "naming the lines 5, 10, 20 and 40, and no other" \
	test "$(echo "$out" | grep -o '^[0-9]*行目' | tr '\n' ' ')" = "5行目 10行目 20行目 40行目 "
check "line 5: the check digit" sh -c "echo '$out' | grep '^5行目' | grep -q '検査数字'"
check "line 10: the prefecture" sh -c "echo '$out' | grep '^10行目' | grep -q '都道府県が「沖縄県」'"
check "line 20: the address" sh -c "echo '$out' | grep '^20行目' | grep -q 'メールアドレス'"
check "line 40: the code given on line 39 too" sh -c "echo '$out' | grep '^40行目' | grep -q '39行目にもあります'"
after=$(snapshot)
check "nothing changed (accounts, outbox, audit)" test "$before" = "$after"

# ---------------------------------------------------------------- #
# The web form
# ---------------------------------------------------------------- #

apw=$(mkuser chief admin 管理者 chief@example.go.jp)
opw=$(mkuser contractor operator 運用担当 op@example.go.jp)
A=$STACK_DIR/jar.admin O=$STACK_DIR/jar.op
check "an administrator signs in" test "$(STACK_FROM=127.0.0.92 stack_login "$A" chief "$apw")" = 303
check "an operator signs in" test "$(STACK_FROM=127.0.0.92 stack_login "$O" contractor "$opw")" = 303
st=$(web "$A" /app/admin/import)
check "the import form: 200, multipart" \
	sh -c "[ '$st' = 200 ] && grep -q 'enctype=\"multipart/form-data\"' '$WEB_B'"
atok=$(csrf_of)
web "$O" /app/auth/ >/dev/null
otok=$(csrf_of)
small=$STACK_DIR/small.csv
printf 'code,name,prefecture,email\r\n011002,札幌市,北海道,sapporo-new@example.lg.jp\r\n012025,函館市,北海道,012025@example.lg.jp\r\n131016,千代田区,東京都,131016@example.lg.jp\r\n' >"$small"
st=$(web_post "$O" /app/admin/import -F "csrf=$otok" -F "file=@$small;type=text/csv")
check "an operator may not import (403)" test "$st" = 403
before=$(snapshot)
st=$(web_post "$A" /app/admin/import -F "csrf=$atok" -F "file=@$small;type=text/csv")
check "a small list through the form: 200" test "$st" = 200
check "the page reports 3 rows (UTF-8): 0 created, 2 updated, 1 unchanged" \
	sh -c "grep -q '3団体の一覧（UTF-8）を取り込みました' '$WEB_B' &&
	    grep -q '新しく作ったアカウント：0件' '$WEB_B' &&
	    grep -q '内容を更新したアカウント：2件' '$WEB_B' &&
	    grep -q '変更のなかったアカウント：1件' '$WEB_B'"
check "the two addresses changed" \
	test "$(sql "SELECT group_concat(email, ' ') FROM (SELECT email FROM account WHERE login IN ('011002', '131016') ORDER BY login)")" = "sapporo-new@example.lg.jp 131016@example.lg.jp"
check "the import is logged as the administrator's, from its address" \
	test "$(sql "SELECT actor || ' ' || ip || ' ' || detail FROM audit WHERE event = 'accounts_imported' ORDER BY id DESC LIMIT 1")" = "chief 127.0.0.1 3 rows: 0 created, 2 updated, 1 unchanged"
check "no mail queued" test "$(sql "SELECT count(*) FROM outbox")" = 1788
printf 'code,name,prefecture,email\r\n011002,札幌市,北海道,011002@example.lg.jp\r\n012026,函館市,北海道,012025@example.lg.jp\r\n99999,どこか,北海道,x@example.lg.jp\r\n' >"$STACK_DIR/bad-small.csv"
before=$(snapshot)
st=$(web_post "$A" /app/admin/import -F "csrf=$atok" -F "file=@$STACK_DIR/bad-small.csv;type=text/csv")
check "a list with errors through the form: 422" test "$st" = 422
check "the page lists lines 3 and 4, in Japanese, and says nothing changed" \
	sh -c "grep -q '取り込めませんでした（何も変更していません）' '$WEB_B' &&
	    grep -q '<li>3行目: 団体コードの検査数字' '$WEB_B' &&
	    grep -q '<li>4行目: 団体コードの上2桁' '$WEB_B' && ! grep -q '<li>2行目' '$WEB_B'"
check "and nothing changed" test "$(snapshot)" = "$before"
st=$(web_post "$A" /app/admin/import -F "csrf=$atok")
check "the form without a file: 422" test "$st" = 422
printf '%%PDF-1.4\n' >"$STACK_DIR/list.pdf"
st=$(web_post "$A" /app/admin/import -F "csrf=$atok" -F "file=@$STACK_DIR/list.pdf;type=application/pdf")
check "a file that is not a CSV: 422, nothing changed" \
	sh -c "[ '$st' = 422 ] && [ \"\$(sqlite3 '$STACK_DB' 'SELECT count(*) FROM audit')\" = \"$(echo "$before" | tail -n 1)\" ]"

done_testing
