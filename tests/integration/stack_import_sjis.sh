#!/bin/bash
# The account import on the live stack with the 2019 list as Excel in
# Japan saves it (Shift_JIS, CRLF, every field quoted): 1,788 accounts
# and mails, the names read right; then the current list through the
# web form brings the changes since 2019: 那珂川町 became 那珂川市 (a
# new code, 402311, so a new account), 篠山市 became 丹波篠山市 and
# 七ケ宿町 is written 七ヶ宿町 (same codes: updated).
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

old=$STACK_DIR/2019.csv
/usr/bin/python3 tests/lib/account_list.py 2019 "$old"
check "the 2019 list is not UTF-8" sh -c "! iconv -f UTF-8 -t UTF-8 '$old' >/dev/null 2>&1"
check "it is Shift_JIS with 1,788 rows" \
	test "$(iconv -f CP932 -t UTF-8 "$old" | sed 1d | wc -l)" = 1788
iconv -f CP932 -t UTF-8 "$old" | sed '1d; s/\r$//; s/"//g' | awk -F, '{ print $4, $1 }' >"$STACK_DIR/want"

start=$SECONDS
out=$(stack_admin import "$old" 2>&1); rc=$?
echo "# import: $out ($((SECONDS - start)) s)"
check "the import exits 0" test "$rc" = 0
check "read as Shift_JIS: 1788 rows, all created" \
	test "$out" = "$old (Shift_JIS): 1788 rows: 1788 created, 0 updated, 0 unchanged"
check "1,741 municipality accounts and 47 prefecture accounts" \
	test "$(sql "SELECT count(*) FROM account WHERE role = 'municipality'") $(sql "SELECT count(*) FROM account WHERE role = 'prefecture'")" = "1741 47"
name() { sql "SELECT name || ' ' || prefecture FROM account WHERE login = '$1'"; }
check "the names are read right: 011002 札幌市 北海道" test "$(name 011002)" = "札幌市 北海道"
check "403059 那珂川町 福岡県" test "$(name 403059)" = "那珂川町 福岡県"
check "043028 七ケ宿町 宮城県" test "$(name 043028)" = "七ケ宿町 宮城県"
check "282219 篠山市 兵庫県" test "$(name 282219)" = "篠山市 兵庫県"
check "no account yet for 402311" test "$(sql "SELECT count(*) FROM account WHERE login = '402311'")" = 0
all() { [ "$(mails)" -ge 1788 ]; }
wait_until 300 all
sleep 2
check "1,788 mails arrive" test "$(mails)" = 1788
out=$(/usr/bin/python3 tests/lib/mailbox.py "$STACK_MAIL" check "$STACK_DIR/want" 2>&1)
if [ $? = 0 ]; then
	ok "each to one address alone, all different, To: the envelope's, no Cc or Bcc, each with its own ID"
else
	not_ok "each to one address alone, all different, To: the envelope's, no Cc or Bcc, each with its own ID"
	echo "$out" | diag
fi
check "a mail's text names its municipality (那珂川町 ご担当者様)" \
	sh -c "/usr/bin/python3 tests/lib/mailbox.py '$STACK_MAIL' text 403059@example.lg.jp | grep -q '^那珂川町 ご担当者様'"

# The current list through the web form.
cur=$STACK_DIR/current.csv
/usr/bin/python3 tests/lib/account_list.py current "$cur"
apw=$(mkuser chief admin 管理者 chief@example.go.jp)
A=$STACK_DIR/jar.admin
check "an administrator signs in" test "$(STACK_FROM=127.0.0.95 stack_login "$A" chief "$apw")" = 303
web "$A" /app/admin/import >/dev/null
atok=$(csrf_of)
id043028=$(sql "SELECT id FROM account WHERE login = '043028'")
hash043028=$(sql "SELECT pw_hash FROM account WHERE login = '043028'")
st=$(web_post "$A" /app/admin/import -F "csrf=$atok" -F "file=@$cur;type=text/csv")
check "the current list (UTF-8, $(wc -c <"$cur") bytes) through the form: 200" test "$st" = 200
check "1788 rows: 1 created, 2 updated, 1785 unchanged" \
	sh -c "grep -q '1788団体の一覧（UTF-8 (BOM)）を取り込みました' '$WEB_B' &&
	    grep -q '新しく作ったアカウント：1件' '$WEB_B' &&
	    grep -q '内容を更新したアカウント：2件' '$WEB_B' &&
	    grep -q '変更のなかったアカウント：1785件' '$WEB_B'"
check "那珂川市 has its account: 402311, municipality, 福岡県" \
	test "$(sql "SELECT name || ' ' || prefecture || ' ' || role || ' ' || email FROM account WHERE login = '402311'")" = "那珂川市 福岡県 municipality 402311@example.lg.jp"
check "篠山市 is now 丹波篠山市" test "$(name 282219)" = "丹波篠山市 兵庫県"
check "七ケ宿町 is now 七ヶ宿町, the same account with the same password" \
	test "$(sql "SELECT id || ' ' || name FROM account WHERE login = '043028'") $(sql "SELECT pw_hash = '$hash043028' FROM account WHERE login = '043028'")" = "$id043028 七ヶ宿町 1"
check "the audit log has the renames" \
	test "$(sql "SELECT group_concat(subject || ': ' || detail, '; ') FROM (SELECT * FROM audit WHERE event = 'account_updated' ORDER BY id)")" = "043028: name '七ケ宿町' -> '七ヶ宿町'; 282219: name '篠山市' -> '丹波篠山市'"
# The import only adds and updates (import.h): the old code's account
# stays, for an administrator to stop.
check "403059 (那珂川町) is left as it was" test "$(name 403059)" = "那珂川町 福岡県"
check "1,789 accounts of municipalities and prefectures in all" \
	test "$(sql "SELECT count(*) FROM account WHERE lgcode IS NOT NULL")" = 1789
one() { [ "$(mails)" -ge 1789 ]; }
wait_until 30 one
sleep 2
check "one new mail, to 402311 with its ID" \
	sh -c "[ \"\$(find '$STACK_MAIL' -name '*.json' | wc -l)\" = 1789 ] &&
	    /usr/bin/python3 tests/lib/mailbox.py '$STACK_MAIL' text 402311@example.lg.jp | grep -q 'ID: *402311'"

done_testing
