# tests/lib/board_fixture.sh: a board with something in every state, for
# the suites that look at its pages (tests/html/board.sh,
# tests/browser/board.sh), on a stack started by tests/lib/stack.sh
# (source tap.sh, stack.sh and board.sh first).
#
# board_fixture makes, through the pages as their users would:
#   accounts  chief (admin), contractor (operator), mod1 (moderator),
#             011002 札幌市 and 012025 旭川市 (municipalities), signed in
#             with the jars $BF_A $BF_O $BF_M $BF_S $BF_AS
#   topics    BF_T1 pre-moderated, e-mail optional, open, posts approved
#             (one with an address, one edited, one an overlong line),
#             waiting and rejected; BF_T2 post-moderated, e-mail hidden,
#             open, a post shown while it waits; BF_T3 closed; BF_T4 a
#             draft
#   posts     BF_P1 approved with an address, BF_P2 waiting, BF_P5 shown
#             and waiting (relay form), BF_P6 approved, overlong line
#   feedback  BF_F1 with a contact and a reply; BF_F2 handled
# and writes the accounts' passwords and the numbers, as JSON, to
# $STACK_DIR/fixture.json.  Returns non-zero, with "# " lines, when a
# step failed.

board_fixture() {
	local pw_a pw_o pw_m pw_s pw_as x bad=0 long
	pw_a=$(board_user chief admin 管理者 chief@example.go.jp) || return 1
	pw_o=$(board_user contractor operator 運用担当 op@example.go.jp) || return 1
	pw_m=$(board_user mod1 moderator 審査担当 mod1@example.go.jp) || return 1
	pw_s=$(board_user 011002 municipality 札幌市 011002@example.lg.jp 北海道) || return 1
	pw_as=$(board_user 012025 municipality 旭川市 012025@example.lg.jp 北海道) || return 1
	BF_A=$STACK_DIR/jar.f.admin BF_O=$STACK_DIR/jar.f.op BF_M=$STACK_DIR/jar.f.mod
	BF_S=$STACK_DIR/jar.f.sapporo BF_AS=$STACK_DIR/jar.f.asahikawa
	for x in "$BF_A chief $pw_a" "$BF_O contractor $pw_o" "$BF_M mod1 $pw_m" \
	    "$BF_S 011002 $pw_s" "$BF_AS 012025 $pw_as"; do
		set -- $x
		[ "$(board_login "$1" "$2" "$3")" = 303 ] ||
		    { echo "# fixture: $2 did not sign in"; return 1; }
	done
	_bf() {	# _bf STATUS COMMAND...: the command prints STATUS
		local want=$1 got
		shift
		got=$("$@")
		[ "$got" = "$want" ] && return 0
		echo "# fixture: $* gave $got, not $want"
		bad=1
	}
	_bf_topic() {
		_bf 303 board_post "$BF_A" topic-edit --data-urlencode "title=$1" \
		    --data-urlencode "description=$2" --data "email_mode=$3" \
		    --data max_chars=400 --data "moderation=$4"
		board_sql "SELECT max(id) FROM board_topic"
	}
	_bf_last() { board_sql "SELECT max(id) FROM board_post"; }

	BF_T1=$(_bf_topic "初回訪問時の自己紹介の言葉は？" \
	    "家庭訪問のはじめに、どのように自己紹介していますか。
工夫していることを教えてください。参考：https://example.jp/guide" optional pre)
	BF_T2=$(_bf_topic "関係機関との情報共有の工夫" "連絡会の持ち方など。" hidden post)
	BF_T3=$(_bf_topic "昨年度の研修で役立ったこと" "受付を終えたトピックです。" optional pre)
	BF_T4=$(_bf_topic "来年度のトピック（下書き）" "" required pre)
	for x in $BF_T1 $BF_T2 $BF_T3; do
		_bf 303 board_post "$BF_A" topic-state --data "id=$x" --data do=open
	done
	_bf 303 board_post "$BF_S" post --data "topic=$BF_T3" \
	    --data-urlencode "body=グループワークで事例を検討したことが役立ちました。"
	_bf 303 board_post "$BF_M" approve --data "id=$(_bf_last)"
	_bf 303 board_post "$BF_A" topic-state --data "id=$BF_T3" --data do=close
	_bf 303 board_post "$BF_S" post --data "topic=$BF_T1" \
	    --data-urlencode "body=「こんにちは、こども家庭センターの保健師の○○です。お子さんの成長を一緒に見守らせてください」と伝えています。
資料：https://example.jp/sapporo/visit.pdf" \
	    --data-urlencode "department=子ども家庭課" --data-urlencode "poster_name=山田" \
	    --data-urlencode "email=yamada@example.lg.jp"
	BF_P1=$(_bf_last)
	_bf 303 board_post "$BF_M" approve --data "id=$BF_P1"
	_bf 303 board_post "$BF_AS" post --data "topic=$BF_T1" \
	    --data-urlencode "body=名刺と一緒に、センターの案内チラシを渡しています。"
	BF_P2=$(_bf_last)
	_bf 303 board_post "$BF_AS" post --data "topic=$BF_T1" \
	    --data-urlencode "body=担当者の個人名と電話番号を書いた投稿"
	_bf 303 board_post "$BF_M" reject --data "id=$(_bf_last)" \
	    --data-urlencode "reason=個人の連絡先が含まれているため。"
	_bf 303 board_post "$BF_AS" post --data "topic=$BF_T1" \
	    --data-urlencode "body=まず訪問の目的を伝え、次に自己紹介をします。（誤字あり"
	_bf 303 board_post "$BF_M" edit --data "id=$(_bf_last)" \
	    --data-urlencode "body=まず訪問の目的を伝え、次に自己紹介をします。" \
	    --data-urlencode "note=括弧の閉じ忘れを直しました。"
	long=$(printf 'https://example.jp/%.0s' 1)$(printf 'a%.0s' $(seq 1 300))
	_bf 303 board_post "$BF_AS" post --data "topic=$BF_T1" \
	    --data-urlencode "body=区切りのない長い行：$long"
	BF_P6=$(_bf_last)
	_bf 303 board_post "$BF_M" approve --data "id=$BF_P6"
	_bf 303 board_post "$BF_S" post --data "topic=$BF_T2" \
	    --data-urlencode "body=月1回の連絡会で、気になる家庭の状況を共有しています。"
	BF_P5=$(_bf_last)

	_bf 303 board_post "$BF_S" feedback --data category=design \
	    --data-urlencode "body=スマートフォンでも見やすくしてほしいです。" \
	    --data-urlencode "contact_name=山田" --data-urlencode "contact_email=yamada@example.lg.jp"
	BF_F1=$(board_sql "SELECT max(id) FROM feedback")
	_bf 303 board_post "$BF_A" feedback-reply --data "id=$BF_F1" \
	    --data-urlencode "body=ご意見ありがとうございます。改善を検討します。"
	_bf 303 board_post "$BF_AS" feedback --data category=content \
	    --data-urlencode "body=研修の資料をもっと載せてください。"
	BF_F2=$(board_sql "SELECT max(id) FROM feedback")
	_bf 303 board_post "$BF_O" feedback-state --data "id=$BF_F2" --data do=handled

	cat >"$STACK_DIR/fixture.json" <<EOT
{"admin": ["chief", "$pw_a"], "operator": ["contractor", "$pw_o"],
 "moderator": ["mod1", "$pw_m"], "sapporo": ["011002", "$pw_s"],
 "asahikawa": ["012025", "$pw_as"],
 "t1": $BF_T1, "t2": $BF_T2, "t3": $BF_T3, "t4": $BF_T4,
 "p1": $BF_P1, "p2": $BF_P2, "p5": $BF_P5, "p6": $BF_P6,
 "f1": $BF_F1, "f2": $BF_F2}
EOT
	return $bad
}
