#!/bin/bash
# The 「小ネタ」 board on the live stack: who may use which page; a post
# under pre-moderation unseen by other municipalities until approved, and
# seen at once after the mode is switched to post-moderation (no
# restart); the municipality from the account, never from the form;
# rejection, hiding and editing mailed to the poster (the reason at the
# SMTP server); withdrawal; the character limit; e-mail required,
# optional or hidden, the relay form; the hourly limit; a closed topic;
# the daily digest, once a day; exports of approved posts only; the
# counts page; and every action in the audit log, whose chain stays
# whole.
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
m1pw=$(board_user mod1 moderator 審査担当1 mod1@example.go.jp)
m2pw=$(board_user mod2 moderator 審査担当2 mod2@example.go.jp)
apw_a=$(board_user 011002 municipality 札幌市 011002@example.lg.jp 北海道)
apw_b=$(board_user 012025 municipality 旭川市 012025@example.lg.jp 北海道)
ppw=$(board_user 010006 prefecture 北海道 010006@example.lg.jp 北海道)
A=$STACK_DIR/jar.admin O=$STACK_DIR/jar.op M=$STACK_DIR/jar.mod1
M2=$STACK_DIR/jar.mod2 SA=$STACK_DIR/jar.sapporo AS=$STACK_DIR/jar.asahikawa
P=$STACK_DIR/jar.pref
ok_login=1
for x in "$A chief $apw" "$O contractor $opw" "$M mod1 $m1pw" "$M2 mod2 $m2pw" \
    "$SA 011002 $apw_a" "$AS 012025 $apw_b" "$P 010006 $ppw"; do
	set -- $x
	[ "$(board_login "$1" "$2" "$3")" = 303 ] || ok_login=0
done
check "seven accounts sign in" test "$ok_login" = 1

# loc_has PATTERN: the last answer's Location matches PATTERN.
loc_has() { board_loc | grep -q -- "$1"; }
# mail_has RCPT KEY TEXT: a mail to RCPT holding KEY holds TEXT too.
mail_has() { board_mail_text "$1" "$2" | grep -qF -- "$3"; }

# expect NAME STATUS COMMAND...: the command prints STATUS.
expect() {
	local name=$1 want=$2 got
	shift 2
	got=$("$@")
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name (got $got, want $want)"
		head -c 600 "$BOARD_B" | sed -n '/<main/,$p' | diag
	fi
}

# ---------------------------------------------------------------- #
# Who may
# ---------------------------------------------------------------- #

expect "without a session the board sends to the sign-in page" 303 \
	board_get "" ""
check "to the sign-in page, back to the board after" \
	loc_has 'auth/login?next=%2Fapp%2Fboard%2F'
for p in queue "review?id=1" topics topic-edit settings stats "export?id=1" \
    "publish?id=1" feedback-list; do
	expect "a municipality: $p is 403" 403 board_get "$SA" "$p"
done
expect "an operator: the queue is 403" 403 board_get "$O" queue
expect "a moderator: the topics' page is 403" 403 board_get "$M" topics
expect "a moderator: the counts are 403" 403 board_get "$M" stats
expect "a moderator: posting is 403" 403 board_post "$M" post --data topic=1 --data body=x
expect "an administrator: posting is 403" 403 board_post "$A" post --data topic=1 --data body=x
expect "a municipality: approving is 403" 403 board_post "$SA" approve --data id=1
expect "a municipality: making a topic is 403" 403 board_post "$SA" topic-edit \
	--data title=x --data email_mode=hidden --data max_chars=400 --data moderation=post

# ---------------------------------------------------------------- #
# Topics
# ---------------------------------------------------------------- #

mktopic() {
	local title=$1 email=$2 mod=$3 max=${4:-400}
	board_post "$A" topic-edit --data-urlencode "title=$title" \
	    --data-urlencode "description=説明：$title" \
	    --data "email_mode=$email" --data "max_chars=$max" \
	    --data "moderation=$mod" >/dev/null
	board_sql "SELECT max(id) FROM board_topic"
}
expect "an administrator makes a topic" 303 board_post "$A" topic-edit \
	--data-urlencode "title=初回訪問時の自己紹介の言葉は？" \
	--data-urlencode "description=家庭訪問のはじめに、どう自己紹介していますか。" \
	--data email_mode=optional --data max_chars=400 --data moderation=pre
T1=$(board_sql "SELECT max(id) FROM board_topic")
check "a new topic is a draft" test "$(board_sql "SELECT state FROM board_topic WHERE id = $T1")" = draft
expect "a draft is 404 to a municipality" 404 board_get "$SA" "topic?id=$T1"
expect "an end date before the start is refused" 422 board_post "$A" topic-edit \
	--data "id=$T1" --data-urlencode "title=x" --data email_mode=optional \
	--data max_chars=400 --data moderation=pre --data opens_on=2026-05-01 \
	--data closes_on=2026-04-01
check "with the message beside the field" board_has "「受付終了日」は「受付開始日」以降の日付を入力してください。"
expect "a limit of 2,001 characters is refused" 422 board_post "$A" topic-edit \
	--data-urlencode "title=x" --data email_mode=optional --data max_chars=2001 \
	--data moderation=pre
expect "the topic is opened" 303 board_post "$A" topic-state --data "id=$T1" --data do=open
expect "the board lists it" 200 board_get "$AS" ""
check "among the open topics" sh -c "sed -n '/受付中のトピック/,/受付を終えた/p' '$BOARD_B' | grep -q 'topic?id=$T1'"

# ---------------------------------------------------------------- #
# Pre-moderation
# ---------------------------------------------------------------- #

body1="札幌市では「こんにちは、こども家庭センターの○○です」と名乗ります。
詳しくは https://example.jp/a を。"
expect "Sapporo posts" 303 board_post "$SA" post --data "topic=$T1" \
	--data-urlencode "body=$body1" --data-urlencode "department=子ども家庭課" \
	--data-urlencode "poster_name=山田" --data-urlencode "email=yamada@example.lg.jp"
P1=$(board_sql "SELECT max(id) FROM board_post")
check "and is told it waits for approval" loc_has 'done=posted$'
check "the post is the account's: 札幌市, 北海道" test \
	"$(board_sql "SELECT org || ',' || prefecture || ',' || state FROM board_post WHERE id = $P1")" = "札幌市,北海道,pending"
board_get "$SA" "topic?id=$T1" >/dev/null
check "Sapporo sees its own post, marked waiting" sh -c \
	"grep -q '名乗ります' '$BOARD_B' && grep -q '承認待ち' '$BOARD_B'"
board_get "$AS" "topic?id=$T1" >/dev/null
check "Asahikawa does not see it before approval" board_lacks "名乗ります"
board_get "$P" "topic?id=$T1" >/dev/null
check "nor does the prefecture" board_lacks "名乗ります"
expect "nor can Asahikawa reach it by the relay form" 404 board_get "$AS" "contact?id=$P1"
board_get "$AS" "" >/dev/null
check "and the board counts no post of it yet" board_has "投稿 0件"
board_get "$M" "export?id=$T1&format=csv" >/dev/null
check "the CSV export leaves out a waiting post" board_lacks "名乗ります"

# The municipality cannot post as another.
n0=$(board_sql "SELECT count(*) FROM board_post")
expect "a form with a municipality field is refused" 422 board_post "$SA" post \
	--data "topic=$T1" --data-urlencode "body=偽の投稿" --data-urlencode "org=旭川市"
check "with a sentence in Japanese" board_has "このフォームにない項目が送信されました"
expect "so is one naming another account" 422 board_post "$SA" post \
	--data "topic=$T1" --data-urlencode "body=偽の投稿" --data "account_id=2"
expect "or a prefecture field" 422 board_post "$SA" post \
	--data "topic=$T1" --data-urlencode "body=偽の投稿" --data-urlencode "prefecture=東京都"
check "and nothing was saved" test "$(board_sql "SELECT count(*) FROM board_post")" = "$n0"
check "no post bears another name than its account's" test "$(board_sql \
	"SELECT count(*) FROM board_post p JOIN account a ON a.id = p.account_id WHERE p.org != a.name")" = 0

expect "a moderator sees it in the queue" 200 board_get "$M" queue
check "with its waiting time" sh -c "grep -q '名乗ります' '$BOARD_B' && grep -q '待ち時間' '$BOARD_B'"
expect "and approves it" 303 board_post "$M" approve --data "id=$P1"
board_get "$AS" "topic?id=$T1" >/dev/null
check "now Asahikawa sees it" board_has "名乗ります"
check "with Sapporo's name and prefecture" board_has '<span class="post-org">北海道 札幌市</span>'
check "its URL a link" board_has '<a href="https://example.jp/a" rel="nofollow noopener noreferrer">'
check "and the address to write to, a mailto link" board_has 'href="mailto:yamada@example.lg.jp"'
expect "a second approval is refused" 409 board_post "$M2" approve --data "id=$P1"
check "saying who approved it" board_has "審査担当1（mod1）さんが"
board_get "$AS" "" >/dev/null
check "the board counts one post" board_has "投稿 1件"

# ---------------------------------------------------------------- #
# Rejection, with its reason mailed
# ---------------------------------------------------------------- #

board_post "$SA" post --data "topic=$T1" --data-urlencode "body=個人名を含む投稿：田中花子さん" >/dev/null
P2=$(board_sql "SELECT max(id) FROM board_post")
expect "rejecting without a reason is refused" 422 board_post "$M" reject --data "id=$P2"
check "the reason is asked for" board_has "「理由」を入力してください。"
expect "a moderator rejects it with a reason" 303 board_post "$M" reject \
	--data "id=$P2" --data-urlencode "reason=個人の名前が書かれているため、掲載を見送りました。"
if board_mail_wait 011002@example.lg.jp "個人の名前が書かれているため"; then
	ok "the poster gets the reason by mail"
else
	not_ok "the poster gets the reason by mail"
	ls "$STACK_MAIL" | diag
fi
check "the mail quotes the post" mail_has 011002@example.lg.jp 個人の名前 田中花子
board_get "$SA" mine >/dev/null
check "the poster's page shows it rejected, with the reason" sh -c \
	"grep -q '掲載しませんでした' '$BOARD_B' && grep -q '個人の名前が書かれているため' '$BOARD_B'"
board_get "$AS" "topic?id=$T1" >/dev/null
check "others never see it" board_lacks "田中花子"
expect "approving it afterwards is refused" 409 board_post "$M2" approve --data "id=$P2"
check "saying it was rejected, by whom" sh -c "grep -q '審査担当1（mod1）さんが' '$BOARD_B' && grep -q '掲載しないことに' '$BOARD_B'"

# ---------------------------------------------------------------- #
# Edit, then approve
# ---------------------------------------------------------------- #

board_post "$SA" post --data "topic=$T1" --data-urlencode "body=電話番号 011-000-0000 までどうぞ" >/dev/null
P3=$(board_sql "SELECT max(id) FROM board_post")
expect "a moderator edits a post and approves it" 303 board_post "$M2" edit \
	--data "id=$P3" --data-urlencode "body=電話でお問い合わせください" \
	--data-urlencode "note=電話番号を削除しました。"
check "the original text is kept in the history" test \
	"$(board_sql "SELECT body FROM board_post_history WHERE post_id = $P3")" = "電話番号 011-000-0000 までどうぞ"
board_get "$AS" "topic?id=$T1" >/dev/null
check "others see the edited text" sh -c "grep -q '電話でお問い合わせください' '$BOARD_B' && ! grep -q '011-000-0000' '$BOARD_B'"
check "the poster is told, with the note" board_mail_wait 011002@example.lg.jp "電話番号を削除しました。"
board_get "$M" "review?id=$P3" >/dev/null
check "the review page shows the text before the edit" board_has "011-000-0000"

# ---------------------------------------------------------------- #
# Post-moderation, switched without a restart
# ---------------------------------------------------------------- #

board_post "$SA" post --data "topic=$T1" --data-urlencode "body=事前承認のまま待っている投稿" >/dev/null
P4=$(board_sql "SELECT max(id) FROM board_post")
expect "the administrator switches the open topics to post-moderation" 303 \
	board_post "$A" settings --data moderation=post --data apply_open=on --data posts_per_hour=10
check "the topic is now post-moderated" test "$(board_sql "SELECT moderation FROM board_topic WHERE id = $T1")" = post
expect "Sapporo posts again" 303 board_post "$SA" post --data "topic=$T1" \
	--data-urlencode "body=事後確認でただちに表示される投稿"
P5=$(board_sql "SELECT max(id) FROM board_post")
check "and is told it is shown" loc_has 'done=posted-shown$'
board_get "$AS" "topic?id=$T1" >/dev/null
check "Asahikawa sees it at once" board_has "事後確認でただちに表示される投稿"
check "but not the post made under pre-moderation" board_lacks "事前承認のまま待っている投稿"
board_get "$M" queue >/dev/null
check "both wait in the queue, oldest first" sh -c "grep -n '事前承認のまま\|事後確認でただちに' '$BOARD_B' | head -n 1 | grep -q 事前承認"
expect "a moderator hides the shown post" 303 board_post "$M" hide \
	--data "id=$P5" --data-urlencode "reason=トピックと関係のない内容のため"
board_get "$AS" "topic?id=$T1" >/dev/null
check "it is gone for Asahikawa" board_lacks "事後確認でただちに表示される投稿"
check "and the poster has the reason by mail" board_mail_wait 011002@example.lg.jp "トピックと関係のない内容のため"
expect "hiding it twice is refused" 409 board_post "$M2" hide --data "id=$P5" --data-urlencode "reason=x"
expect "an approved post can be hidden too" 303 board_post "$M" hide \
	--data "id=$P3" --data-urlencode "reason=重複のため"
expect "and back to pre-moderation" 303 board_post "$A" settings \
	--data moderation=pre --data apply_open=on --data posts_per_hour=10
board_post "$SA" post --data "topic=$T1" --data-urlencode "body=事前承認に戻った後の投稿" >/dev/null
board_get "$AS" "topic?id=$T1" >/dev/null
check "a new post is unseen again until approved" board_lacks "事前承認に戻った後の投稿"

# ---------------------------------------------------------------- #
# Withdrawal
# ---------------------------------------------------------------- #

expect "another municipality cannot withdraw Sapporo's post" 404 board_post "$AS" withdraw --data "id=$P1"
expect "Sapporo withdraws its approved post" 303 board_post "$SA" withdraw --data "id=$P1"
board_get "$AS" "topic?id=$T1" >/dev/null
check "it is gone for others" board_lacks "名乗ります"
board_get "$SA" mine >/dev/null
check "the poster's page says it was withdrawn" board_has "取り下げました"
expect "withdrawing it again is refused" 409 board_post "$SA" withdraw --data "id=$P1"
expect "approving a withdrawn post is refused" 409 board_post "$M" approve --data "id=$P1"

# ---------------------------------------------------------------- #
# The character limit, e-mail rules, the relay form
# ---------------------------------------------------------------- #

T2=$(mktopic "メール必須・100文字のトピック" required post 100)
board_post "$A" topic-state --data "id=$T2" --data do=open >/dev/null
board_get "$SA" "topic?id=$T2" >/dev/null
check "the textarea carries the topic's limit" board_has 'maxlength="100"'
check "and the counter's data" board_has 'data-max="100"'
check "the e-mail field starts with the account's address" board_has 'value="011002@example.lg.jp"'
long=$(printf 'あ%.0s' $(seq 1 101))
expect "101 characters are refused" 422 board_post "$SA" post --data "topic=$T2" \
	--data-urlencode "body=$long" --data-urlencode "email=a@example.lg.jp"
check "with the limit in the message" board_has "「本文」は100文字以内で入力してください"
check "and the text kept in the form" board_has "${long:0:50}"
expect "100 characters pass" 303 board_post "$SA" post --data "topic=$T2" \
	--data-urlencode "body=${long:1}" --data-urlencode "email=a@example.lg.jp"
expect "without the required address, refused" 422 board_post "$SA" post --data "topic=$T2" \
	--data-urlencode "body=短い投稿"
check "saying the address is needed" board_has "「メールアドレス」を入力してください。"

T3=$(mktopic "メールを表示しないトピック" hidden post)
board_post "$A" topic-state --data "id=$T3" --data do=open >/dev/null
board_get "$SA" "topic?id=$T3" >/dev/null
check "no e-mail field where the topic hides it" board_lacks 'name="email"'
expect "Sapporo posts to it, sending an address anyway" 303 board_post "$SA" post --data "topic=$T3" \
	--data-urlencode "body=中継フォームで問い合わせを受ける投稿" --data-urlencode "email=secret@example.lg.jp"
P6=$(board_sql "SELECT max(id) FROM board_post")
check "the address was not kept" test "$(board_sql "SELECT email FROM board_post WHERE id = $P6")" = ""
board_get "$AS" "topic?id=$T3" >/dev/null
check "Asahikawa sees a link to write, and no address" sh -c \
	"grep -q 'contact?id=$P6' '$BOARD_B' && ! grep -q '011002@example.lg.jp' '$BOARD_B' && ! grep -q mailto: '$BOARD_B'"
expect "the relay form opens" 200 board_get "$AS" "contact?id=$P6"
check "without the poster's address" board_lacks "011002@example.lg.jp"
expect "Asahikawa writes to the poster" 303 board_post "$AS" contact --data "id=$P6" \
	--data-urlencode "name=佐藤" --data-urlencode "reply_email=sato@example.lg.jp" \
	--data-urlencode "message=取組の資料をいただけますか。"
check "the message reaches the poster's registered address" \
	board_mail_wait 011002@example.lg.jp "取組の資料をいただけますか。"
check "with the address to answer to" mail_has 011002@example.lg.jp 取組の資料 "返信先：sato@example.lg.jp"
check "and who asks" mail_has 011002@example.lg.jp 取組の資料 "旭川市（佐藤）"
expect "a poster cannot write to its own post" 400 board_get "$SA" "contact?id=$P6"
expect "nor to a post in a draft topic" 404 board_get "$AS" "contact?id=999999"

# ---------------------------------------------------------------- #
# The hourly limit, a closed topic
# ---------------------------------------------------------------- #

board_post "$A" settings --data moderation=pre --data posts_per_hour=3 >/dev/null
# Prefecture: no post yet this hour.
for i in 1 2 3; do
	board_post "$P" post --data "topic=$T3" --data-urlencode "body=都道府県の投稿 $i" >/dev/null
done
expect "the fourth post in an hour is refused" 429 board_post "$P" post --data "topic=$T3" \
	--data-urlencode "body=四件目の投稿"
check "saying when to try again, in Japanese" board_has "投稿は1時間に3件までです。"
check "with the text kept" board_has "四件目の投稿"
check "and nothing saved" test "$(board_sql "SELECT count(*) FROM board_post WHERE body = '四件目の投稿'")" = 0
expect "the topic is closed" 303 board_post "$A" topic-state --data "id=$T3" --data do=close
expect "a post to a closed topic is refused" 409 board_post "$AS" post --data "topic=$T3" \
	--data-urlencode "body=締め切り後の投稿"
board_get "$AS" "" >/dev/null
check "the board lists it among the closed" sh -c "sed -n '/受付を終えたトピック/,\$p' '$BOARD_B' | grep -q 'topic?id=$T3'"
check "the open ones come first" sh -c "grep -n '受付中のトピック\|受付を終えたトピック' '$BOARD_B' | head -n 1 | grep -q 受付中"

# ---------------------------------------------------------------- #
# The digest
# ---------------------------------------------------------------- #

before=$(board_sql "SELECT count(*) FROM outbox WHERE kind = 'board_digest'")
out=$(board_cli digest 2>&1)
check "digest: mails the moderators and the administrator ($out)" test \
	"$(board_sql "SELECT count(*) FROM outbox WHERE kind = 'board_digest'")" = $((before + 3))
check "digest: the mail lists the waiting posts" board_mail_wait mod1@example.go.jp "承認待ちの一覧"
out=$(board_cli digest 2>&1)
check "digest: run again the same day, it sends nothing ($out)" test \
	"$(board_sql "SELECT count(*) FROM outbox WHERE kind = 'board_digest'")" = $((before + 3))
check "digest: and says so" sh -c "echo '$out' | grep -q 'sent already today'"

# ---------------------------------------------------------------- #
# Exports, counts, the audit log
# ---------------------------------------------------------------- #

board_post "$M" approve --data "id=$(board_sql "SELECT min(id) FROM board_post WHERE state = 'pending'")" >/dev/null
expect "CSV export" 200 board_get "$O" "export?id=$T2&format=csv"
check "as a CSV download" sh -c "grep -qi '^content-type: text/csv' '$BOARD_H' && grep -qi '^content-disposition: attachment' '$BOARD_H'"
check "with a byte-order mark" sh -c "head -c 3 '$BOARD_B' | od -An -tx1 | grep -q 'ef bb bf'"
expect "the page to publish" 200 board_get "$M" "publish?id=$T1"
check "names posts but no address" sh -c "! grep -q 'yamada@example.lg.jp' '$BOARD_B' && grep -q '掲載用のページ' '$BOARD_B'"
expect "Markdown for the site" 200 board_get "$A" "export?id=$T1&format=md"
check "with front matter for the members area" sh -c "head -n 4 '$BOARD_B' | grep -q '^access: members'"
expect "the counts page" 200 board_get "$A" stats
check "has a chart with a title and a description" sh -c \
	"grep -q '<svg' '$BOARD_B' && grep -q '<title id=\"chart-posts-title\">' '$BOARD_B' && grep -q '<desc id=\"chart-posts-desc\">' '$BOARD_B'"
month=$(TZ=Asia/Tokyo date +%Y-%m)
want=$(board_sql "SELECT count(*) || '</td><td class=\"num\">' || sum(decision = 'approved') || '</td><td class=\"num\">' || sum(decision = 'rejected') FROM board_post")
check "and a table of this month's counts ($want)" board_has "<th scope=\"row\">$month</th><td class=\"num\">$want"
expect "an operator sees the counts" 200 board_get "$O" stats
expect "as CSV too" 200 board_get "$O" "stats?format=csv"
check "whose months add up" sh -c "grep -q '（すべてのトピック）' '$BOARD_B'"

for e in board_topic_created board_topic_opened board_topic_closed board_post board_approve \
    board_reject board_edit_approve board_hide board_withdraw board_settings \
    board_contact board_digest board_export; do
	check "audit: $e recorded" test "$(board_sql "SELECT count(*) FROM audit WHERE event = '$e'")" -gt 0
done
check "audit: the approval names the moderator and the post" test \
	"$(board_sql "SELECT actor || ' ' || subject FROM audit WHERE event = 'board_approve' ORDER BY id LIMIT 1")" = "mod1 post:$P1"
audit_whole() { stack_admin audit verify | grep -q 'the chain is whole'; }
check "audit: the chain is whole" audit_whole
check "no program crashed" sh -c "! grep -qi 'failed (500)\|sanitizer\|runtime error' '$STACK_STATE/log/board.log'"
done_testing
