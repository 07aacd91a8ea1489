#!/bin/bash
# tests/html/board.sh: every page of the board and the feedback box, in
# each of its states (empty and full, a form with its errors, a done
# message, 403, 404, 409, 429), fetched from the whole stack with curl
# (tests/lib/board_fixture.sh fills the board first), then checked by
# the Nu HTML checker (tests/html/validate.sh), one TAP line a page.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/board.sh
. tests/lib/board_fixture.sh

trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start || { echo "not ok 1 - html/board: the stack starts"; exit 1; }
board_init
pages=$STACK_DIR/pages
mkdir -p "$pages"
fails=""

# save NAME STATUS JAR PATH [CURL ARGS...]: GET (or, with arguments,
# POST) and keep the page when it has the status expected.
save() {
	local name=$1 want=$2 jar=$3 path=$4 st
	shift 4
	if [ $# -gt 0 ]; then
		st=$(board_post "$jar" "$path" "$@")
	else
		st=$(board_get "$jar" "$path")
	fi
	if [ "$st" = "$want" ]; then
		cp "$BOARD_B" "$pages/$name.html"
	else
		fails="$fails $name($st)"
	fi
}

# Before anything is posted.
empty=$(board_user empty admin 管理者0 empty@example.go.jp)
E=$STACK_DIR/jar.empty
board_login "$E" empty "$empty" >/dev/null
save board-empty 200 "$E" ""
save topics-empty 200 "$E" topics
save queue-empty 200 "$E" queue
save stats-empty 200 "$E" stats
save feedback-list-empty 200 "$E" feedback-list

board_fixture || { echo "not ok 1 - html/board: the fixture"; exit 1; }
t1=$BF_T1 t2=$BF_T2 p1=$BF_P1 p2=$BF_P2 p5=$BF_P5 f1=$BF_F1
save board-admin 200 "$BF_A" ""
save board-municipality 200 "$BF_S" ""
save topic-form 200 "$BF_S" "topic?id=$t1"
save topic-other 200 "$BF_AS" "topic?id=$t1"
save topic-moderator 200 "$BF_M" "topic?id=$t1"
save topic-hidden-mail 200 "$BF_AS" "topic?id=$t2"
save topic-closed 200 "$BF_S" "topic?id=$BF_T3"
save topic-draft-admin 200 "$BF_A" "topic?id=$BF_T4"
save topic-posted 200 "$BF_S" "topic?id=$t1&done=posted"
save topic-errors 422 "$BF_S" post --data "topic=$t1" --data "body=" \
	--data-urlencode "email=not an address"
save topic-forged 422 "$BF_S" post --data "topic=$t1" --data body=x --data org=x
save mine 200 "$BF_AS" mine
save mine-withdrawn 200 "$BF_AS" "mine?done=withdrawn"
save contact 200 "$BF_AS" "contact?id=$p5"
save contact-errors 422 "$BF_AS" contact --data "id=$p5" --data reply_email=x
save queue 200 "$BF_M" queue
save queue-done 200 "$BF_M" "queue?done=approved"
save review-pending 200 "$BF_M" "review?id=$p2"
save review-approved 200 "$BF_M" "review?id=$p1"
save review-errors 422 "$BF_M" reject --data "id=$p2"
save conflict 409 "$BF_M" approve --data "id=$p1"
save topics 200 "$BF_A" topics
save topic-new 200 "$BF_A" topic-edit
save topic-edit 200 "$BF_A" "topic-edit?id=$t1"
save topic-edit-errors 422 "$BF_A" topic-edit --data title= --data max_chars=9
save settings 200 "$BF_A" settings
save settings-done 200 "$BF_A" "settings?done=saved"
save settings-errors 422 "$BF_A" settings --data posts_per_hour=0
save publish 200 "$BF_O" "publish?id=$t1"
save stats 200 "$BF_O" stats
save feedback 200 "$BF_S" feedback
save feedback-sent 200 "$BF_S" "feedback?done=sent"
save feedback-errors 422 "$BF_S" feedback --data category=x
save feedback-list 200 "$BF_A" feedback-list
save feedback-list-all 200 "$BF_A" "feedback-list?state=all"
save feedback-item 200 "$BF_A" "feedback-item?id=$f1"
save feedback-item-done 200 "$BF_A" "feedback-item?id=$f1&done=replied"
save feedback-item-errors 422 "$BF_A" feedback-reply --data "id=$f1"
save feedback-item-handled 200 "$BF_O" "feedback-item?id=$BF_F2"
save forbidden 403 "$BF_S" feedback-list
save not-found 404 "$BF_A" "feedback-item?id=999999"
save no-route 404 "$BF_A" nothing-here
board_post "$BF_A" settings --data moderation=pre --data posts_per_hour=1 >/dev/null
save rate-limited 429 "$BF_S" post --data "topic=$t1" --data-urlencode "body=上限を超える投稿"

n=$(ls "$pages" | wc -l)
if [ -n "$fails" ]; then
	echo "not ok 1 - html/board: every page in its state fetched ($n saved; wrong status:$fails)"
	sed 's/^/# /' "$STACK_STATE/log/board.log" | tail -n 5
	exit 1
fi
echo "# $n pages"
bash "$top/tests/html/validate.sh" "$pages"
