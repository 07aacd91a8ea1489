# tests/lib/stack.sh: the whole serving stack for a test, on ports the
# test chooses.
#
# Source it from bash, then:
#
#	. tests/lib/stack.sh
#	trap stack_stop EXIT
#	stack_start || exit 1
#	curl -k "$STACK_URL/app/auth/login"
#
# stack_start builds nothing (make does): it copies content/center into
# a fresh folder (so a test may edit site.yaml), builds it with build/gen
# into that folder's public/, starts the local SMTP server
# (scripts/smtp-sink.py) writing to $STACK_MAIL, writes a local settings
# file ($STACK_LOCAL: short time-outs for tests, the SMTP server, STARTTLS
# off on loopback) and runs scripts/stack.sh start with a fresh STATE.
# Variables it sets:
#
#   STACK_DIR    the test's folder (removed by stack_stop)
#   STACK_URL    https://127.0.0.1:PORT (no trailing slash)
#   STACK_HTTP   http://127.0.0.1:PORT of the redirecting server
#   STACK_STATE  scripts/stack.sh's STATE (log/, run/, center/portal.db)
#   STACK_DB     the database
#   STACK_MAIL   the folder the SMTP server writes NNNNNN.eml/.json to
#   STACK_SMTP_PORT
#   STACK_SITE   the site's copy; STACK_LOCAL its local settings
#
# Settings that win when set before stack_start: STACK_LOCKOUT_TIME
# (default 3s), STACK_SESSION_IDLE (30m), STACK_SESSION_MAX (12h),
# STACK_MAIL_RETRY (1s), STACK_MAIL_GIVE_UP (3d), STACK_BIN (build/cgi).
#
# stack_admin ARGS... runs the admin command line on the stack's
# database.  stack_smtp_stop / stack_smtp_start stop and start the SMTP
# server alone (its PID recorded); stack_smtp_start passes on the
# options of STACK_SMTP_ARGS (--defer ADDR, --refuse ADDR: smtp-sink.py).
# stack_stop stops everything by the PIDs recorded, and removes
# STACK_DIR unless STACK_KEEP=1; a sanitizer's report in the programs'
# logs makes it print a "not ok" line and exit 1.
#
# A few curl helpers, each with its own cookie jar file:
#   stack_login JAR LOGIN PASSWORD    sign in through the form; prints the
#                                     HTTP status of the POST
#   stack_csrf JAR PATH               the csrf field of the form at PATH
# Both come from the address $STACK_FROM when it is set (127.0.0.N):
# nginx counts sign-ins per address.

_stack_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_stack_smtp_pid=""

_stack_free_port() {
	node -e 'const s=require("net").createServer();
s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

stack_smtp_start() {
	/usr/bin/python3 "$_stack_top/scripts/smtp-sink.py" \
	    --port "$STACK_SMTP_PORT" --dir "$STACK_MAIL" ${STACK_SMTP_ARGS:-} \
	    >>"$STACK_DIR/smtp.log" 2>&1 &
	_stack_smtp_pid=$!
	echo "$_stack_smtp_pid" >"$STACK_DIR/smtp.pid"
	local i
	for i in $(seq 1 100); do
		grep -q listening "$STACK_DIR/smtp.log" 2>/dev/null &&
		    (exec 3<>"/dev/tcp/127.0.0.1/$STACK_SMTP_PORT") 2>/dev/null &&
		    return 0
		sleep 0.1
	done
	echo "# the SMTP server did not start"; diag <"$STACK_DIR/smtp.log" 2>/dev/null
	return 1
}

stack_smtp_stop() {
	[ -n "$_stack_smtp_pid" ] || return 0
	kill -TERM "$_stack_smtp_pid" 2>/dev/null
	local i
	for i in $(seq 1 50); do
		kill -0 "$_stack_smtp_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$_stack_smtp_pid" 2>/dev/null
	wait "$_stack_smtp_pid" 2>/dev/null
	_stack_smtp_pid=""
}

stack_start() {
	STACK_DIR=$(mktemp -d)
	chmod 755 "$STACK_DIR"
	STACK_SITE=$STACK_DIR/center
	STACK_STATE=$STACK_DIR/state
	STACK_MAIL=$STACK_DIR/mail
	STACK_LOCAL=$STACK_DIR/local.yaml
	STACK_DB=$STACK_STATE/center/portal.db
	local https http
	https=$(_stack_free_port) http=$(_stack_free_port)
	STACK_SMTP_PORT=$(_stack_free_port)
	STACK_URL=https://127.0.0.1:$https
	STACK_HTTP=http://127.0.0.1:$http
	cp -r "$_stack_top/content/center" "$STACK_SITE"
	"$_stack_top/build/gen" build "$STACK_SITE" -o "$STACK_SITE/public" \
	    --theme-dir "$_stack_top/themes" -q || return 1
	cat >"$STACK_LOCAL" <<EOT
app:
  url: $STACK_URL/
  lockout_time: ${STACK_LOCKOUT_TIME:-3s}
  session_idle: ${STACK_SESSION_IDLE:-30m}
  session_max: ${STACK_SESSION_MAX:-12h}
mail:
  from: noreply@example.go.jp
  smtp: smtp://127.0.0.1:$STACK_SMTP_PORT
  tls: none
  retry: ${STACK_MAIL_RETRY:-1s}
  retry_max: 2s
  give_up: ${STACK_MAIL_GIVE_UP:-3d}
  poll: 1s
EOT
	stack_smtp_start || return 1
	if ! (cd "$_stack_top" && SITE_DIR=$STACK_SITE PUBLIC=$STACK_SITE/public \
	    STATE=$STACK_STATE HTTPS_PORT=$https HTTP_PORT=$http \
	    LOCAL_CONF=$STACK_LOCAL BIN=${STACK_BIN:-build/cgi} \
	    scripts/stack.sh start) >"$STACK_DIR/stack.log" 2>&1; then
		echo "# the stack did not start:"
		sed 's/^/# /' "$STACK_DIR/stack.log"
		return 1
	fi
	return 0
}

stack_stop() {
	[ -n "${STACK_DIR:-}" ] || return 0
	(cd "$_stack_top" && STATE=$STACK_STATE BIN=${STACK_BIN:-build/cgi} \
	    scripts/stack.sh stop) >/dev/null 2>&1
	stack_smtp_stop
	# Programs built with the sanitizers (STACK_BIN=build/cgi-san)
	# report into their logs, the mailer also as it exits; a report
	# fails the suite even when no request showed it.
	if grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' \
	    "$STACK_STATE"/log/*.log 2>/dev/null; then
		echo "not ok - the programs' logs hold no sanitizer report"
		grep -hE -A 12 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' \
		    "$STACK_STATE"/log/*.log | head -n 40 | sed 's/^/# /'
		_stack_san=1
	fi
	if [ "${STACK_KEEP:-0}" != 1 ]; then
		rm -rf "$STACK_DIR"
	else
		echo "# kept $STACK_DIR"
	fi
	STACK_DIR=""
	[ -z "${_stack_san:-}" ] || exit 1
}

stack_admin() {
	"$_stack_top/${STACK_BIN:-build/cgi}/admin" -s "$STACK_SITE" \
	    -d "$STACK_DB" -t "$_stack_top/themes" -S "$_stack_top/schema" \
	    -c "$STACK_LOCAL" "$@"
}

stack_csrf() {
	curl -ks ${STACK_FROM:+--interface "$STACK_FROM"} -c "$1" -b "$1" \
	    "$STACK_URL$2" |
	    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}

stack_login() {
	local jar=$1 tok
	tok=$(stack_csrf "$jar" /app/auth/login)
	curl -ks ${STACK_FROM:+--interface "$STACK_FROM"} -o /dev/null \
	    -w '%{http_code}' -c "$jar" -b "$jar" -H "Origin: $STACK_URL" \
	    --data-urlencode "csrf=$tok" \
	    --data-urlencode "login=$2" --data-urlencode "password=$3" \
	    "$STACK_URL/app/auth/login"
}
