#!/bin/bash
# The administrators' pages on the live stack: who may use them (not a
# municipality; an operator, but not on an administrator's account;
# nobody on their own), what lock, unlock, a password reset and a role
# change do, each in the audit log; and the audit log's hash chain,
# whole, then broken by an edited row and by a deleted last row.
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
a2pw=$(mkuser deputy admin 副管理者 deputy@example.go.jp)
opw=$(mkuser contractor operator 運用担当 op@example.go.jp)
mpw=$(mkuser 131016 municipality 千代田区 131016@example.lg.jp)
m2pw=$(mkuser 011002 municipality 札幌市 011002@example.lg.jp)
ppw=$(mkuser 010006 prefecture 北海道 010006@example.lg.jp)
id_of() { sql "SELECT id FROM account WHERE login = '$1'"; }
chief=$(id_of chief) deputy=$(id_of deputy) contractor=$(id_of contractor)
mun=$(id_of 131016) mun2=$(id_of 011002)
A=$STACK_DIR/jar.admin O=$STACK_DIR/jar.op M=$STACK_DIR/jar.mun P=$STACK_DIR/jar.pref
check "the administrator signs in" test "$(STACK_FROM=127.0.0.71 stack_login "$A" chief "$apw")" = 303
check "the operator signs in" test "$(STACK_FROM=127.0.0.72 stack_login "$O" contractor "$opw")" = 303
check "a municipality signs in" test "$(STACK_FROM=127.0.0.73 stack_login "$M" 131016 "$mpw")" = 303
check "a prefecture signs in" test "$(STACK_FROM=127.0.0.74 stack_login "$P" 010006 "$ppw")" = 303
tok_of() { web "$1" /app/auth/ >/dev/null; csrf_of; }
atok=$(tok_of "$A") otok=$(tok_of "$O") mtok=$(tok_of "$M")

# post JAR TOKEN PATH ARGS...: a form of the admin pages, from 127.0.0.71.
post() {
	local jar=$1 tok=$2 path=$3
	shift 3
	STACK_FROM=127.0.0.71 web_post "$jar" "$path" --data-urlencode "csrf=$tok" "$@"
}

# ---------------------------------------------------------------- #
# Who may
# ---------------------------------------------------------------- #

for p in / /accounts "/account?id=$chief" /audit /import; do
	st=$(web "$M" "/app/admin$p")
	if [ "$st" = 403 ] && has "お使いのアカウントでは利用できません"; then
		ok "a municipality: /app/admin$p is 403"
	else
		not_ok "a municipality: /app/admin$p is 403 (got $st)"
	fi
done
check "a prefecture: /app/admin/ is 403" test "$(web "$P" /app/admin/)" = 403
for f in "lock id=$mun2 do=lock" "reset id=$mun2" "role id=$mun role=admin"; do
	set -- $f
	st=$(post "$M" "$mtok" "/app/admin/$1" --data "$2" ${3:+--data "$3"})
	check "a municipality: POST /app/admin/$1 with its own token is 403" test "$st" = 403
done
check "a municipality could not make itself an administrator" \
	test "$(sql "SELECT role FROM account WHERE id = $mun")" = municipality

check "an operator: the menu opens" test "$(web "$O" /app/admin/)" = 200
check "and does not offer the import" sh -c "! grep -q 'href=\"import\"' '$WEB_B'"
check "an operator: the import is 403" test "$(web "$O" /app/admin/import)" = 403
st=$(web "$O" "/app/admin/account?id=$chief")
check "an operator: an administrator's page offers no action" \
	sh -c "[ '$st' = 200 ] && grep -q 'あなたの権限では操作できません' '$WEB_B' && ! grep -q 'action=\"lock\"' '$WEB_B'"
refused() {
	local name=$1 msg=$2 st
	shift 2
	st=$(post "$@")
	if [ "$st" = 403 ] && has "$msg"; then
		ok "$name: 403"
	else
		not_ok "$name: 403 with 「$msg」 (got $st)"
	fi
}
refused "an operator cannot lock an administrator" "管理者だけが操作できます" \
	"$O" "$otok" /app/admin/lock --data "id=$chief" --data do=lock
refused "an operator cannot reset an administrator's password" "管理者だけが操作できます" \
	"$O" "$otok" /app/admin/reset --data "id=$chief"
refused "an operator cannot change a role" "お使いのアカウントでは利用できません" \
	"$O" "$otok" /app/admin/role --data "id=$mun" --data role=moderator
refused "an operator cannot lock itself" "自分のアカウントには、この操作はできません" \
	"$O" "$otok" /app/admin/lock --data "id=$contractor" --data do=lock
refused "an administrator cannot lock itself" "自分のアカウントには、この操作はできません" \
	"$A" "$atok" /app/admin/lock --data "id=$chief" --data do=lock
refused "an administrator cannot change its own role" "自分のアカウントには、この操作はできません" \
	"$A" "$atok" /app/admin/role --data "id=$chief" --data role=operator
st=$(web "$A" "/app/admin/account?id=$chief")
check "an administrator's own page offers no lock and no role change" \
	sh -c "[ '$st' = 200 ] && ! grep -q 'action=\"lock\"' '$WEB_B' && ! grep -q 'action=\"role\"' '$WEB_B'"
check "none of that changed an account" \
	test "$(sql "SELECT role || disabled FROM account WHERE login IN ('chief', 'contractor', '131016') ORDER BY id" | tr '\n' ' ')" = "admin0 operator0 municipality0 "
st=$(post "$O" "$otok" /app/admin/lock --data "id=$mun2" --data do=lock)
check "an operator locks a municipality (303)" test "$st" = 303
st=$(post "$O" "$otok" /app/admin/lock --data "id=$mun2" --data do=unlock)
check "and unlocks it (303)" test "$st" = 303
st=$(post "$A" "$atok" /app/admin/lock --data "id=$deputy" --data do=lock)
check "an administrator locks another administrator (303)" test "$st" = 303
post "$A" "$atok" /app/admin/lock --data "id=$deputy" --data do=unlock >/dev/null

# ---------------------------------------------------------------- #
# What the actions do
# ---------------------------------------------------------------- #

audit_row() {
	sql "SELECT actor || ' ' || subject || ' ' || ip || ' ' || detail FROM audit WHERE event = '$1' AND subject = '$2' ORDER BY id DESC LIMIT 1"
}

st=$(post "$A" "$atok" /app/admin/lock --data "id=$mun" --data do=lock)
check "lock: 303 back to the account's page" \
	test "$st $(hdr location)" = "303 account?id=$mun&done=locked"
check "the account is disabled" test "$(sql "SELECT disabled FROM account WHERE id = $mun")" = 1
check "its session ended" test "$(web "$M" /app/auth/check)" = 401
web "$STACK_DIR/jar.x" /app/auth/login >/dev/null
st=$(STACK_FROM=127.0.0.75 web_post "$STACK_DIR/jar.x" /app/auth/login \
	--data-urlencode "csrf=$(csrf_of)" --data-urlencode login=131016 \
	--data-urlencode "password=$mpw")
check "its right password is refused (403)" test "$st" = 403
check "saying the account is stopped" has "このアカウントは利用が停止されています"
check "in the audit log: account_locked by chief" \
	test "$(audit_row account_locked 131016)" = "chief 131016 127.0.0.71 by an administrator; sessions ended"
check "and the refused sign-in" \
	test "$(audit_row login_refused 131016)" = " 131016 127.0.0.75 account locked by an administrator"
st=$(web "$A" "/app/admin/account?id=$mun&done=locked")
check "the account's page says it is locked and lists the event" \
	sh -c "grep -q 'アカウントを停止しました' '$WEB_B' && grep -q 'account_locked' '$WEB_B'"

st=$(post "$A" "$atok" /app/admin/lock --data "id=$mun" --data do=unlock)
check "unlock: 303" test "$st $(hdr location)" = "303 account?id=$mun&done=unlocked"
check "in the audit log: account_unlocked by chief" \
	test "$(audit_row account_unlocked 131016)" = "chief 131016 127.0.0.71 by an administrator"
check "the account signs in again" \
	test "$(STACK_FROM=127.0.0.75 stack_login "$M" 131016 "$mpw")" = 303

mails0=$(mails)
st=$(post "$A" "$atok" /app/admin/reset --data "id=$mun")
check "reset: 303" test "$st $(hdr location)" = "303 account?id=$mun&done=reset"
check "in the audit log: password_reset by chief" \
	test "$(audit_row password_reset 131016)" = "chief 131016 127.0.0.71 new password mailed"
check "the account's session ended" test "$(web "$M" /app/auth/check)" = 401
one_more() { [ "$(mails)" -gt "$mails0" ]; }
check "a mail arrives" wait_until 20 one_more
newpw=$(/usr/bin/python3 tests/lib/mailbox.py "$STACK_MAIL" password 131016@example.lg.jp)
check "to the account's address, with a new password" \
	sh -c "[ -n '$newpw' ] && [ '$newpw' != '$mpw' ]"
check "which says it was reissued" sh -c "/usr/bin/python3 tests/lib/mailbox.py '$STACK_MAIL' text 131016@example.lg.jp | grep -q 'パスワードを再発行しました'"
check "the old password is refused" \
	test "$(STACK_FROM=127.0.0.76 stack_login "$STACK_DIR/jar.y" 131016 "$mpw")" = 401
check "the new one signs in" \
	test "$(STACK_FROM=127.0.0.76 stack_login "$M" 131016 "$newpw")" = 303
check "no password is in the programs' logs" \
	sh -c "! grep -rqF -- '$newpw' '$STACK_STATE/log'"

st=$(post "$A" "$atok" /app/admin/role --data "id=$mun" --data role=prefecture)
check "role change: 303" test "$st $(hdr location)" = "303 account?id=$mun&done=role"
check "the role is prefecture" test "$(sql "SELECT role FROM account WHERE id = $mun")" = prefecture
check "in the audit log: role_changed by chief" \
	test "$(audit_row role_changed 131016)" = "chief 131016 127.0.0.71 municipality -> prefecture"
check "the account's session ended" test "$(web "$M" /app/auth/check)" = 401
st=$(post "$A" "$atok" /app/admin/role --data "id=$mun" --data role=superuser)
check "a role that is none: refused (400), nothing changed" \
	sh -c "[ '$st' = 400 ] && [ \"\$(sqlite3 '$STACK_DB' \"SELECT role FROM account WHERE id = $mun\")\" = prefecture ]"
st=$(post "$A" "$atok" /app/admin/lock --data "id=999999" --data do=lock)
check "an account that does not exist: 404" test "$st" = 404
check "the operator's lock and unlock are in the audit log with its name" \
	test "$(sql "SELECT group_concat(event, ' ') FROM audit WHERE actor = 'contractor' AND subject = '011002'")" = "account_locked account_unlocked"
st=$(web "$A" "/app/admin/audit?subject=131016")
check "the audit page lists the account's events" \
	sh -c "[ '$st' = 200 ] && grep -q 'role_changed' '$WEB_B' && grep -q 'password_reset' '$WEB_B' && grep -q 'account_unlocked' '$WEB_B'"

# ---------------------------------------------------------------- #
# The audit log's chain
# ---------------------------------------------------------------- #

rows=$(sql "SELECT count(*) FROM audit")
out=$(stack_admin audit verify 2>&1); rc=$?
check "audit verify: exit 0" test "$rc" = 0
check "and the chain is whole ($out)" test "$out" = "audit: $rows rows, the chain is whole"
st=$(web "$A" /app/admin/audit)
check "the audit page says so" has "改ざんはありません"
detail3=$(sql "SELECT detail FROM audit WHERE id = 3")
sql "UPDATE audit SET detail = 'nothing happened' WHERE id = 3"
out=$(stack_admin audit verify 2>&1); rc=$?
check "after an edit of row 3: exit 1" test "$rc" = 1
echo "# $out"
check "naming row 3" sh -c "echo '$out' | grep -q 'row 3[^0-9]'"
st=$(web "$A" /app/admin/audit)
check "the audit page shows the break" has "記録の改ざんまたは削除が見つかりました"
sql "UPDATE audit SET detail = '$detail3' WHERE id = 3"
check "with row 3 as it was, the chain is whole again" stack_admin audit verify
last=$(sql "SELECT max(id) FROM audit")
sql "DELETE FROM audit WHERE id = $last"
out=$(stack_admin audit verify 2>&1); rc=$?
echo "# $out"
check "after the last row ($last) is deleted: exit 1" test "$rc" = 1
check "naming the missing row" sh -c "echo '$out' | grep -q 'row $last[^0-9]'"
sql "DELETE FROM audit WHERE id = 5"
out=$(stack_admin audit verify 2>&1); rc=$?
echo "# $out"
check "a row deleted in the middle: exit 1, naming it" \
	sh -c "[ $rc = 1 ] && echo '$out' | grep -q 'row [56][^0-9]'"

done_testing
