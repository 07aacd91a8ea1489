#!/bin/bash
# Two moderators acting on one post at the same moment, over the live
# stack: two curl processes started together, BOARD_RACE_ROUNDS times
# (default 12) for approve against approve, then approve against reject
# and edit against reject.  Each time exactly one succeeds (303), the
# other is told who acted (409), the post's decision is the winner's,
# one audit row is written for it, and a rejection mails the poster
# only when it won.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/board.sh

ROUNDS=${BOARD_RACE_ROUNDS:-12}

trap stack_stop EXIT
if ! stack_start; then
	not_ok "the stack starts"
	done_testing
fi
ok "the stack starts"
board_init

apw=$(board_user chief admin 管理者 chief@example.go.jp)
m1pw=$(board_user mod1 moderator 審査担当1 mod1@example.go.jp)
m2pw=$(board_user mod2 moderator 審査担当2 mod2@example.go.jp)
spw=$(board_user 011002 municipality 札幌市 011002@example.lg.jp 北海道)
A=$STACK_DIR/jar.admin M1=$STACK_DIR/jar.mod1 M2=$STACK_DIR/jar.mod2
S=$STACK_DIR/jar.sapporo
ok_login=1
for x in "$A chief $apw" "$M1 mod1 $m1pw" "$M2 mod2 $m2pw" "$S 011002 $spw"; do
	set -- $x
	[ "$(board_login "$1" "$2" "$3")" = 303 ] || ok_login=0
done
check "four accounts sign in" test "$ok_login" = 1
board_post "$A" settings --data moderation=pre --data posts_per_hour=1000 >/dev/null
board_post "$A" topic-edit --data-urlencode "title=同時承認の確認" \
    --data email_mode=hidden --data max_chars=400 --data moderation=pre >/dev/null
T=$(board_sql "SELECT max(id) FROM board_topic")
board_post "$A" topic-state --data "id=$T" --data do=open >/dev/null
check "a topic is open" test "$(board_sql "SELECT state FROM board_topic WHERE id = $T")" = open

# One moderator's request, started in the background: its status goes
# to FILE, the body to FILE.body.
fire() {
	local jar=$1 out=$2 path=$3
	shift 3
	curl -ks --max-time 60 --interface "$(cat "$jar.from")" -c "$jar.r" \
	    -b "$jar" -H "Origin: $STACK_URL" \
	    --data-urlencode "csrf=$(board_csrf "$jar")" "$@" \
	    -o "$out.body" -w '%{http_code}' "$STACK_URL/app/board/$path" >"$out"
}
# Warm the tokens (board_csrf caches them) so both start alike.
board_csrf "$M1" >/dev/null
board_csrf "$M2" >/dev/null

# race NAME PATH1 ARGS1 PATH2 ARGS2: one round; prints "OK" or why not.
race() {
	local p1=$1 a1=$2 p2=$3 a2=$4 id s1 s2 winner dec by audit
	board_post "$S" post --data "topic=$T" \
	    --data-urlencode "body=同時に判断される投稿 $RANDOM" >/dev/null
	id=$(board_sql "SELECT max(id) FROM board_post")
	# shellcheck disable=SC2086
	fire "$M1" "$STACK_DIR/r1" "$p1" --data "id=$id" $a1 &
	local j1=$!
	# shellcheck disable=SC2086
	fire "$M2" "$STACK_DIR/r2" "$p2" --data "id=$id" $a2 &
	local j2=$!
	wait $j1 $j2
	s1=$(cat "$STACK_DIR/r1") s2=$(cat "$STACK_DIR/r2")
	case "$s1 $s2" in
	"303 409") winner=mod1 loser=$STACK_DIR/r2.body win=$p1 ;;
	"409 303") winner=mod2 loser=$STACK_DIR/r1.body win=$p2 ;;
	*) echo "statuses $s1 and $s2 (post $id)"; return ;;
	esac
	dec=$(board_sql "SELECT decision FROM board_post WHERE id = $id")
	by=$(board_sql "SELECT moderated_by FROM board_post WHERE id = $id")
	audit=$(board_sql "SELECT count(*) FROM audit WHERE subject = 'post:$id' AND event != 'board_post'")
	case $win in
	approve|edit) [ "$dec" = approved ] || { echo "decision $dec after $win won"; return; } ;;
	reject) [ "$dec" = rejected ] || { echo "decision $dec after reject won"; return; } ;;
	esac
	[ "$by" = "$winner" ] || { echo "moderated_by $by, but $winner won"; return; }
	[ "$audit" = 1 ] || { echo "$audit audit rows for post $id"; return; }
	grep -q "審査担当.（$winner）さんが" "$loser" ||
	    { echo "the loser was not told $winner acted"; return; }
	echo OK
}

# run NAME ROUNDS PATH1 ARGS1 PATH2 ARGS2
run() {
	local name=$1 n=$2 i r fails=0 first=""
	shift 2
	for i in $(seq 1 "$n"); do
		r=$(race "$@")
		if [ "$r" != OK ]; then
			fails=$((fails + 1))
			[ -n "$first" ] || first="round $i: $r"
		fi
	done
	if [ "$fails" -eq 0 ]; then
		ok "$name: exactly one of two succeeds, $n rounds out of $n"
	else
		not_ok "$name: $fails of $n rounds wrong; $first"
	fi
}

run "approve against approve" "$ROUNDS" approve "" approve ""
mails0=$(board_sql "SELECT count(*) FROM outbox WHERE kind = 'board_moderation'")
run "approve against reject" "$((ROUNDS / 2))" approve "" reject "--data-urlencode reason=同時の却下"
run "edit against reject" "$((ROUNDS / 2))" edit "--data-urlencode body=修正した本文" \
	reject "--data-urlencode reason=同時の却下"
mails1=$(board_sql "SELECT count(*) FROM outbox WHERE kind = 'board_moderation'")
won=$(board_sql "SELECT count(*) FROM board_post WHERE decision = 'rejected'")
edited=$(board_sql "SELECT count(*) FROM board_post WHERE edited = 1")
check "one mail per rejection or edit that won ($((mails1 - mails0)) = $won + $edited)" \
	test "$((mails1 - mails0))" = "$((won + edited))"
check "an edit's text is kept once per edit that won" \
	test "$(board_sql "SELECT count(*) FROM board_post_history")" = "$edited"
check "nothing waits: every post was decided" \
	test "$(board_sql "SELECT count(*) FROM board_post WHERE state = 'pending'")" = 0
check "no program crashed" sh -c "! grep -qi 'failed (500)\|sanitizer\|runtime error' '$STACK_STATE/log/board.log'"
done_testing
