#!/bin/bash
# The mailer on the live stack, against the local SMTP server: mail
# queued while the server is down waits in the outbox and goes out once
# it is back, each mail once; a recipient the server puts off (450)
# waits without holding up the others, and one it refuses (550) is
# marked failed; mail still unsent after mail.give_up is marked failed.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/web.sh

trap stack_stop EXIT
export STACK_SMTP_ARGS="--defer busy@example.lg.jp --refuse gone@example.lg.jp"
if ! stack_start; then
	not_ok "the stack starts"
	done_testing
fi
ok "the stack starts"
web_init

apw=$(mkuser chief admin 管理者 chief@example.go.jp)
mkuser 131016 municipality 千代田区 131016@example.lg.jp >/dev/null
mkuser 011002 municipality 札幌市 011002@example.lg.jp >/dev/null
A=$STACK_DIR/jar.admin
check "the administrator signs in" test "$(STACK_FROM=127.0.0.81 stack_login "$A" chief "$apw")" = 303
web "$A" /app/auth/ >/dev/null
atok=$(csrf_of)
outbox() { sql "SELECT count(*) FROM outbox WHERE $1"; }

# ---------------------------------------------------------------- #
# 10. The SMTP server away, then back
# ---------------------------------------------------------------- #

stack_smtp_stop
check "the SMTP server is stopped (its port refuses)" \
	sh -c "! (exec 3<>/dev/tcp/127.0.0.1/$STACK_SMTP_PORT) 2>/dev/null"
printf '団体コード,団体名,都道府県,メールアドレス\r\n010006,北海道,北海道,010006@example.lg.jp\r\n012025,函館市,北海道,012025@example.lg.jp\r\n012033,小樽市,北海道,012033@example.lg.jp\r\n' >"$STACK_DIR/three.csv"
check "an import of three municipalities" stack_admin import "$STACK_DIR/three.csv"
for login in 131016 011002; do
	id=$(sql "SELECT id FROM account WHERE login = '$login'")
	st=$(web_post "$A" /app/admin/reset --data-urlencode "csrf=$atok" --data "id=$id")
	check "a password reset of $login (303)" test "$st" = 303
done
check "five mails are queued" test "$(outbox "state = 'queued'")" = 5
tried() { [ "$(outbox "attempts > 0")" -gt 0 ]; }
check "the mailer tries while the server is away" wait_until 15 tried
sleep 3
check "nothing arrived" test "$(mails)" = 0
check "every mail is still queued, none failed or sent" \
	test "$(outbox "state = 'queued'")" = 5
check "the mails tried have attempts > 0 and say why they were not sent" \
	test "$(outbox "attempts > 0 AND last_error LIKE '%connect%'")" = "$(outbox "attempts > 0")"
sql "SELECT id, kind, attempts, last_error FROM outbox" | diag
check "each is to one recipient, the right one" \
	test "$(sql "SELECT group_concat(rcpt, ' ') FROM (SELECT rcpt FROM outbox ORDER BY id)")" = "010006@example.lg.jp 012025@example.lg.jp 012033@example.lg.jp 131016@example.lg.jp 011002@example.lg.jp"
stack_smtp_start
all5() { [ "$(mails)" -ge 5 ]; }
check "the server back, the five arrive" wait_until 30 all5
sleep 3
check "and no more: each once ($(mails) mails)" test "$(mails)" = 5
ids=$(/usr/bin/python3 tests/lib/mailbox.py "$STACK_MAIL" ids | sort)
check "five Message-IDs, all different" test "$(echo "$ids" | sort -u | wc -l)" = 5
queued_ids=$(sql "SELECT CAST(message AS TEXT) FROM outbox" | tr -d '\r' | sed -n 's/^Message-ID: //p' | sort)
check "the ones the outbox made" test "$ids" = "$queued_ids"
check "each recipient got one" \
	test "$(cat "$STACK_MAIL"/*.json | grep -o '"rcpt_tos": \[[^]]*\]' | sort -u | wc -l)" = 5
check "the outbox says sent, for all five, with no error" \
	test "$(outbox "state = 'sent' AND sent_at > 0 AND attempts > 0 AND last_error = ''")" = 5
check "a sent mail keeps its headers, not its body (a password, a message)" \
	test "$(outbox "state = 'sent' AND substr(message, -4) = X'0D0A0D0A' AND instr(message, X'0D0A0D0A') = length(message) - 3 AND instr(CAST(message AS TEXT), 'Message-ID: ') > 0")" = 5

# ---------------------------------------------------------------- #
# A recipient put off (450) or refused (550)
# ---------------------------------------------------------------- #

before=$(mails)
mkuser busy1 municipality 待ち町 busy@example.lg.jp --mail >/dev/null
mkuser gone1 municipality 消え町 gone@example.lg.jp --mail >/dev/null
mkuser ok1 municipality 届く町 ok1@example.lg.jp --mail >/dev/null
mkuser ok2 municipality 届く村 ok2@example.lg.jp --mail >/dev/null
two() { [ "$(mails)" -ge $((before + 2)) ]; }
check "the mails after one the server puts off still arrive" wait_until 15 two
check "the two to ordinary addresses" \
	sh -c "cat '$STACK_MAIL'/*.json | grep -q ok1@ && cat '$STACK_MAIL'/*.json | grep -q ok2@"
gone_failed() { [ "$(outbox "rcpt = 'gone@example.lg.jp' AND state = 'failed'")" = 1 ]; }
check "the refused one (550) is marked failed" wait_until 15 gone_failed
check "with the server's answer" \
	test "$(outbox "rcpt = 'gone@example.lg.jp' AND last_error LIKE '%550%'")" = 1
busy_tried() { [ "$(outbox "rcpt = 'busy@example.lg.jp' AND attempts >= 2")" = 1 ]; }
check "the one put off (450) is tried again" wait_until 15 busy_tried
check "and stays queued, saying why" \
	test "$(outbox "rcpt = 'busy@example.lg.jp' AND state = 'queued' AND last_error LIKE '%450%'")" = 1
check "neither reached the server's mailbox" \
	sh -c "! cat '$STACK_MAIL'/*.json | grep -qE 'busy@|gone@'"

# ---------------------------------------------------------------- #
# mail.give_up
# ---------------------------------------------------------------- #

stack_stop
export STACK_MAIL_GIVE_UP=3s STACK_SMTP_ARGS=
if ! stack_start; then
	not_ok "a stack with mail.give_up 3s starts"
	done_testing
fi
ok "a stack with mail.give_up 3s starts"
stack_smtp_stop
for i in 1 2 3; do
	mkuser "late$i" municipality "遅れ町$i" "late$i@example.lg.jp" --mail >/dev/null
done
all_failed() { [ "$(outbox "state = 'failed'")" = 3 ]; }
check "three mails the server never took are marked failed after give_up" \
	wait_until 30 all_failed
check "each saying why" test "$(outbox "state = 'failed' AND last_error != ''")" = 3
stack_smtp_start
sleep 3
check "and are not sent when the server comes back" test "$(mails)" = 0

done_testing
