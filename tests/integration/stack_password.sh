#!/bin/bash
# Changing the password on the live stack: the rules (12 to 128
# characters, not a common password, not built on the ID) with their
# messages in Japanese; a change ends the account's other sessions and
# keeps the one that made it; and an administrator whose password is
# older than app.admin_password_max_age is sent to change it.
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
P=$STACK_DIR/jar.p Q=$STACK_DIR/jar.q
check "the account signs in in one browser" test "$(STACK_FROM=127.0.0.61 stack_login "$P" 131016 "$pw")" = 303
check "and in another" test "$(STACK_FROM=127.0.0.62 stack_login "$Q" 131016 "$pw")" = 303

st=$(web "$P" /app/auth/password)
check "the password form: 200" test "$st" = 200
check "it states the rule (12 to 128 characters)" has "12文字以上128文字以内"
tok=$(csrf_of)

# change NEW [CONFIRM [CURRENT]]: POST the form from browser P.
change() {
	web_post "$P" /app/auth/password --data-urlencode "csrf=$tok" \
		--data-urlencode "current=${3:-$pw}" --data-urlencode "new=$1" \
		--data-urlencode "confirm=${2:-$1}"
}
# refused NAME MESSAGE NEW [CONFIRM [CURRENT]]
refused() {
	local name=$1 msg=$2 st
	shift 2
	st=$(change "$@")
	if [ "$st" = 422 ] && has "$msg"; then
		ok "$name: refused (422) with 「$msg」"
	else
		not_ok "$name: refused (422) with 「$msg」 (got $st)"
		grep -o 'field-error" id="[a-z]*-error">[^<]*' "$WEB_B" | diag
	fi
	if grep -qF -- "value=\"$1\"" "$WEB_B"; then
		not_ok "$name: the page does not show the password again"
	fi
}
hash_before=$(sql "SELECT pw_hash FROM account WHERE login = '131016'")

refused "11 characters" "パスワードは12文字以上にしてください。" "Kx7#pq2!Lm9"
refused "11 kanji (33 bytes: characters are counted)" \
	"パスワードは12文字以上にしてください。" "東西南北春夏秋冬山川海"
refused "129 characters" "パスワードは128文字以内にしてください。" \
	"$(printf 'ab3%.0s' $(seq 1 43))"
common=$(grep -v '^#!comment' /usr/share/john/password.lst | awk 'length($0) >= 12' | head -n 1)
check "the common-password list has a password of 12 or more characters ($common)" test -n "$common"
refused "a common password ($common)" "よく使われていて推測されやすいパスワードです" "$common"
refused "the common password in other case" "よく使われていて推測されやすいパスワードです" \
	"$(echo "$common" | tr a-z A-Z)"
refused "the common password in full-width letters" "よく使われていて推測されやすいパスワードです" \
	"ｗｉｎｎｉｅｔｈｅｐｏｏｈ"
refused "one character repeated" "同じ文字を繰り返しただけのパスワードは使用できません。" "xxxxxxxxxxxxxx"
refused "the ID with a little around it" "IDを含むパスワードは使用できません。" "Kudan-131016"
refused "a long password containing the ID" "IDを含むパスワードは使用できません。" \
	"my office 131016 at Chiyoda"
refused "the ID in full-width digits inside" "IDを含むパスワードは使用できません。" \
	"ｂｅｆｏｒｅ１３１０１６ａｆｔｅｒ"
refused "a confirmation that differs" "新しいパスワードと一致しません。" \
	"Correct horse 12" "Correct horse 13"
refused "a wrong current password" "現在のパスワードが正しくありません。" \
	"Correct horse 12" "Correct horse 12" "not-the-password"
refused "the current password again" "新しいパスワードが現在のパスワードと同じです。" "$pw"
check "none of them changed the password" \
	test "$(sql "SELECT pw_hash FROM account WHERE login = '131016'")" = "$hash_before"
check "both browsers are still signed in" \
	test "$(web "$P" /app/auth/check) $(web "$Q" /app/auth/check)" = "204 204"

new="Kx7#pq2!Lm9z"
st=$(change "$new")
check "12 characters: accepted (200)" test "$st" = 200
check "the page says so, and that other sign-ins ended" \
	has "ほかの場所でのログインはすべて終了しました"
check "the hash changed" \
	test "$(sql "SELECT pw_hash FROM account WHERE login = '131016'")" != "$hash_before"
check "the change is in the audit log" \
	test "$(sql "SELECT count(*) FROM audit WHERE event = 'password_changed' AND subject = '131016'")" = 1
st=$(web "$Q" /members/)
check "the other browser's session ended: /members/ asks to sign in" \
	test "$st $(hdr location)" = "302 /app/auth/login?next=/members/"
check "and its check says 401" test "$(web "$Q" /app/auth/check)" = 401
check "the browser that changed it goes on: /members/ 200" test "$(web "$P" /members/)" = 200
check "one session left for the account" \
	test "$(sql "SELECT count(*) FROM session s JOIN account a ON a.id = s.account_id WHERE a.login = '131016'")" = 1
check "the old password no longer signs in" \
	test "$(STACK_FROM=127.0.0.63 stack_login "$STACK_DIR/jar.old" 131016 "$pw")" = 401
check "the new one does" \
	test "$(STACK_FROM=127.0.0.63 stack_login "$STACK_DIR/jar.new" 131016 "$new")" = 303
web "$P" /app/auth/password >/dev/null
tok=$(csrf_of)
pw=$new
st=$(change "$(printf 'ab3%.0s' $(seq 1 42))xy")
check "128 characters: accepted" test "$st" = 200
pw=$(printf 'ab3%.0s' $(seq 1 42))xy
web "$P" /app/auth/password >/dev/null
tok=$(csrf_of)
st=$(change "ぼくの好きな駅は御茶ノ水です")
check "a Japanese passphrase of 14 characters: accepted" test "$st" = 200
check "and signs in" \
	test "$(STACK_FROM=127.0.0.64 stack_login "$STACK_DIR/jar.ja" 131016 "ぼくの好きな駅は御茶ノ水です")" = 303

# ---------------------------------------------------------------- #
# 14. An administrator's password past app.admin_password_max_age
# ---------------------------------------------------------------- #

apw=$(mkuser chief admin 管理者 chief@example.go.jp)
opw=$(mkuser contractor operator 運用担当 op@example.go.jp)
A=$STACK_DIR/jar.admin O=$STACK_DIR/jar.op
export STACK_FROM=127.0.0.65
check "an administrator signs in" test "$(stack_login "$A" chief "$apw")" = 303
check "an operator signs in" test "$(stack_login "$O" contractor "$opw")" = 303
check "with a new password, the administrators' menu opens (200)" \
	test "$(web "$A" /app/admin/)" = 200
days_ago() {
	sql "UPDATE account SET pw_changed = strftime('%s', 'now') - $2 * 86400 WHERE login = '$1'"
}
days_ago chief 170
st=$(web "$A" /app/auth/)
check "170 days old: the account page warns that 10 days are left" \
	sh -c "[ '$st' = 200 ] && grep -q 'あと10日で期限になります' '$WEB_B'"
check "and the menu still opens" test "$(web "$A" /app/admin/)" = 200
days_ago chief 200
for p in /app/admin/ /app/admin/accounts /app/auth/; do
	st=$(web "$A" "$p")
	if [ "$st $(hdr location)" = "303 ../auth/password?expired=1" ]; then
		ok "200 days old: $p sends to ../auth/password?expired=1"
	else
		not_ok "200 days old: $p sends to ../auth/password?expired=1 (got $st $(hdr location))"
	fi
done
st=$(web "$A" "/app/auth/password?expired=1")
check "the password page opens, saying the password has expired" \
	sh -c "[ '$st' = 200 ] && grep -q 'パスワードの有効期限（180日）が過ぎました' '$WEB_B'"
days_ago contractor 200
days_ago 131016 400
check "an operator's old password sends nowhere (200)" test "$(web "$O" /app/admin/)" = 200
check "nor a municipality's (200)" test "$(web "$P" /app/auth/)" = 200
web "$A" /app/auth/password >/dev/null
tok=$(csrf_of)
st=$(web_post "$A" /app/auth/password --data-urlencode "csrf=$tok" \
	--data-urlencode "current=$apw" --data-urlencode "new=A fresh admin passphrase" \
	--data-urlencode "confirm=A fresh admin passphrase")
check "the administrator changes it (200)" test "$st" = 200
check "and the menu opens again" test "$(web "$A" /app/admin/)" = 200

done_testing
