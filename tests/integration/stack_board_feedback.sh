#!/bin/bash
# The feedback box on the live stack: every signed-in account sends an
# opinion; only administrators and operators read them.  For every other
# account (moderator, municipalities, a prefecture) and for a visitor
# without a session, every page and action of the box, with the real
# items' numbers and guessed ones, is 403 or 404 (or the sign-in page)
# and shows nothing of any opinion.  Administrators and operators list,
# read, mark handled, reply by mail, and export CSV, whose cells that
# could be formulas are neutralised.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/board.sh

trap stack_stop EXIT
if ! stack_start; then
	not_ok "the stack starts"
	done_testing
fi
ok "the stack starts"
board_init

apw=$(board_user chief admin 管理者 chief@example.go.jp)
opw=$(board_user contractor operator 運用担当 op@example.go.jp)
mpw=$(board_user mod1 moderator 審査担当 mod1@example.go.jp)
s_pw=$(board_user 011002 municipality 札幌市 011002@example.lg.jp 北海道)
a_pw=$(board_user 012025 municipality 旭川市 012025@example.lg.jp 北海道)
p_pw=$(board_user 010006 prefecture 北海道 010006@example.lg.jp 北海道)
A=$STACK_DIR/jar.admin O=$STACK_DIR/jar.op M=$STACK_DIR/jar.mod
S=$STACK_DIR/jar.sapporo AS=$STACK_DIR/jar.asahikawa P=$STACK_DIR/jar.pref
ok_login=1
for x in "$A chief $apw" "$O contractor $opw" "$M mod1 $mpw" "$S 011002 $s_pw" \
    "$AS 012025 $a_pw" "$P 010006 $p_pw"; do
	set -- $x
	[ "$(board_login "$1" "$2" "$3")" = 303 ] || ok_login=0
done
check "six accounts sign in" test "$ok_login" = 1

# ---------------------------------------------------------------- #
# Sending
# ---------------------------------------------------------------- #

check "the form opens for a municipality" test "$(board_get "$S" feedback)" = 200
check "it says who will read it" board_has "こども家庭庁の担当者と、サイトの運営を受託している事業者だけが読みます"
st=$(board_post "$S" feedback --data category=design \
    --data-urlencode "body=札幌市の秘密の意見：メニューの文字を大きくしてほしい" \
    --data-urlencode "contact_name=山田" --data-urlencode "contact_email=yamada@example.lg.jp")
check "Sapporo sends an opinion with a contact ($st)" test "$st" = 303
check "and is sent back to the form" grep -qi '^location: feedback?done=sent' "$BOARD_H"
board_get "$S" "feedback?done=sent" >/dev/null
check "which thanks it" board_has "ありがとうございました"
st=$(board_post "$P" feedback --data category=other \
    --data-urlencode "body==HYPERLINK(\"http://evil.example/\",\"北海道の秘密の意見\")")
check "the prefecture sends one without a contact ($st)" test "$st" = 303
st=$(board_post "$M" feedback --data category=trouble --data-urlencode "body=+モデレーターの秘密の意見")
check "a moderator may send one too ($st)" test "$st" = 303
check "an empty opinion is refused" test "$(board_post "$S" feedback --data category=design)" = 422
check "with the reason" board_has "「ご意見」を入力してください。"
check "an unknown category is refused" test "$(board_post "$S" feedback --data category=x --data-urlencode body=y)" = 422
check "a forged account field is refused" test "$(board_post "$S" feedback --data category=design \
	--data-urlencode body=y --data account_id=1)" = 422
check "three opinions are stored, each with its account's name" test \
	"$(board_sql "SELECT group_concat(org, ',') FROM (SELECT org FROM feedback ORDER BY id)")" = "札幌市,北海道,審査担当"
ids=$(board_sql "SELECT id FROM feedback ORDER BY id" | tr '\n' ' ')
F1=$(board_sql "SELECT min(id) FROM feedback")

# ---------------------------------------------------------------- #
# Nobody else reads them
# ---------------------------------------------------------------- #

secret() { grep -q '秘密の意見' "$BOARD_B"; }
leaks=""
tried=0
for who in M S AS P; do
	jar=${!who}
	for id in $ids 0 -1 999999 1e3 abc "1%20OR%201=1" "$F1&id=$F1"; do
		for path in "feedback-item?id=$id"; do
			st=$(board_get "$jar" "$path")
			tried=$((tried + 1))
			case $st in 403 | 404 | 400) secret && leaks="$leaks $who:$path(text)" ;;
			*) leaks="$leaks $who:$path($st)" ;; esac
		done
	done
	for path in feedback-list "feedback-list?state=all" "feedback-list?state=handled" \
	    "feedback-list?page=2" feedback-export "feedback-export?id=$F1" \
	    stats "stats?format=csv"; do
		st=$(board_get "$jar" "$path")
		tried=$((tried + 1))
		case $st in 403 | 404) secret && leaks="$leaks $who:$path(text)" ;;
		*) leaks="$leaks $who:$path($st)" ;; esac
	done
	for id in $ids 999999; do
		for act in "feedback-state --data do=handled" \
		    "feedback-reply --data-urlencode body=返信"; do
			set -- $act
			st=$(board_post "$jar" "$1" --data "id=$id" "$2" "$3")
			tried=$((tried + 1))
			case $st in 403 | 404) secret && leaks="$leaks $who:POST $1 $id(text)" ;;
			*) leaks="$leaks $who:POST $1 $id($st)" ;; esac
		done
	done
done
if [ -z "$leaks" ]; then
	ok "moderator, municipalities, prefecture: $tried requests, each 403 or 404, none shows an opinion"
else
	not_ok "an account that may not read the box got:$leaks"
fi
check "the refused actions changed nothing" test \
	"$(board_sql "SELECT count(*) FROM feedback WHERE state != 'new'") $(board_sql "SELECT count(*) FROM feedback_reply")" = "0 0"
check "and queued no mail" test "$(board_sql "SELECT count(*) FROM outbox WHERE kind = 'feedback_reply'")" = 0
anon=""
for path in feedback-list "feedback-item?id=$F1" feedback-export; do
	st=$(board_get "" "$path")
	{ [ "$st" = 303 ] && board_loc | grep -q 'auth/login'; } || anon="$anon $path($st)"
	secret && anon="$anon $path(text)"
done
st=$(board_post "" feedback-state --data "id=$F1" --data do=handled)
[ "$st" = 403 ] || anon="$anon POST($st)"
check "without a session: the sign-in page, or 403 for a POST$anon" test -z "$anon"
board_get "$S" "" >/dev/null
check "the board's menu offers a municipality no list of opinions" board_lacks 'href="feedback-list"'

# ---------------------------------------------------------------- #
# Administrators and operators
# ---------------------------------------------------------------- #

for who in A O; do
	jar=${!who}
	check "$who: the list opens" test "$(board_get "$jar" feedback-list)" = 200
	check "$who: with every new opinion" sh -c "test \$(grep -c '秘密の意見' '$BOARD_B') -ge 3"
	check "$who: an item opens" test "$(board_get "$jar" "feedback-item?id=$F1")" = 200
	check "$who: showing who sent it and the contact" sh -c \
		"grep -q '札幌市' '$BOARD_B' && grep -q 'yamada@example.lg.jp' '$BOARD_B'"
	check "$who: a guessed number is 404" test "$(board_get "$jar" "feedback-item?id=999999")" = 404
	check "$who: a malformed one is 404" test "$(board_get "$jar" "feedback-item?id=abc")" = 404
done
check "the operator marks it handled" test "$(board_post "$O" feedback-state --data "id=$F1" --data do=handled)" = 303
check "it is handled, by the operator" test "$(board_sql "SELECT state || ' ' || handled_by FROM feedback WHERE id = $F1")" = "handled contractor"
board_get "$A" feedback-list >/dev/null
check "the list of new ones leaves it out" board_lacks "メニューの文字を大きく"
board_get "$A" "feedback-list?state=handled" >/dev/null
check "the handled ones have it" board_has "メニューの文字を大きく"
check "an empty reply is refused" test "$(board_post "$A" feedback-reply --data "id=$F1")" = 422
check "the administrator replies" test "$(board_post "$A" feedback-reply --data "id=$F1" \
	--data-urlencode "body=ご意見ありがとうございます。文字の大きさを見直します。")" = 303
check "the reply reaches the contact address" board_mail_wait yamada@example.lg.jp "文字の大きさを見直します"
F2=$(board_sql "SELECT id FROM feedback WHERE org = '北海道'")
check "an opinion without a contact cannot be answered" test "$(board_post "$A" feedback-reply \
	--data "id=$F2" --data-urlencode "body=返信")" = 409
check "a reply to a guessed number is 404" test "$(board_post "$A" feedback-reply \
	--data "id=999999" --data-urlencode "body=返信")" = 404
check "the export is CSV" test "$(board_get "$O" feedback-export)" = 200
check "with a byte-order mark" sh -c "head -c 3 '$BOARD_B' | od -An -tx1 | grep -q 'ef bb bf'"
check "a cell starting with = is neutralised" board_has "\"'=HYPERLINK(\"\"http://evil.example/\"\""
check "so is one starting with +" board_has "\"'+モデレーターの秘密の意見\""
check "no cell starts with = + - @" sh -c "! grep -qE '(^|,)\"[=+@-]' '$BOARD_B'"
for e in feedback_sent feedback_handled feedback_reply feedback_export; do
	check "audit: $e recorded" test "$(board_sql "SELECT count(*) FROM audit WHERE event = '$e'")" -gt 0
done
check "no program crashed" sh -c "! grep -qi 'failed (500)\|sanitizer\|runtime error' '$STACK_STATE/log/board.log'"
done_testing
