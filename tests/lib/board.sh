# tests/lib/board.sh: what the board's suites share, on a stack started
# by tests/lib/stack.sh (source tap.sh and stack.sh first).
#
#   board_user LOGIN ROLE NAME EMAIL [PREFECTURE]
#	an account made with the admin command line; prints its password
#   board_login JAR LOGIN PASSWORD
#	sign in through the form with the cookie jar file JAR; prints the
#	status.  Each jar signs in from an address of its own (127.0.0.N,
#	kept in JAR.from), since nginx limits sign-ins per address.
#   board_get JAR PATH [CURL ARGS...]
#   board_post JAR PATH [CURL ARGS...]
#	one request to $STACK_URL/app/board/PATH (PATH as given when it
#	starts with '/'); prints the status.  The body goes to $BOARD_B,
#	the headers to $BOARD_H (board_loc prints its Location: these
#	survive the $(...) the status is read in).  A POST comes
#	from a page of the site (Origin) with the session's CSRF token.
#   board_has TEXT / board_lacks TEXT
#	the last body holds (does not hold) TEXT, a fixed string
#   board_sql SQL     sqlite3 on the stack's database
#   board_cli ARGS... the board program's command line on it
#   board_mails RCPT [TEXT]
#	how many mails the SMTP server received for RCPT (holding TEXT);
#	board_mail_wait RCPT TEXT [SECONDS] waits until there is one.
#	board_mail_text RCPT TEXT: their subjects and bodies, decoded.

_board_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

board_init() {
	BOARD_B=$STACK_DIR/board.body
	BOARD_H=$STACK_DIR/board.headers
}

board_loc() {
	sed -n 's/^[Ll]ocation: *//p' "$BOARD_H" | tr -d '\r'
}

board_user() {
	local out
	out=$(stack_admin user add "$1" "$2" "$3" "$4" 2>&1) || {
		echo "# user add $1 failed: $out" >&2
		return 1
	}
	[ -z "${5:-}" ] || board_sql "UPDATE account SET prefecture = '$5' WHERE login = '$1'"
	printf '%s\n' "$out" | sed -n 's/.*; password: //p'
}

board_login() {
	local jar=$1 from tok
	rm -f "$jar" "$jar.csrf"
	# The next address, counted in a file: this runs in $(...).
	from=$(($(cat "$STACK_DIR/board.from" 2>/dev/null || echo 10) + 1))
	echo "$from" >"$STACK_DIR/board.from"
	from=127.0.0.$from
	echo "$from" >"$jar.from"
	tok=$(curl -ks --interface "$from" -c "$jar" -b "$jar" \
	    "$STACK_URL/app/auth/login" |
	    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -ks --interface "$from" -o /dev/null -w '%{http_code}' \
	    -c "$jar" -b "$jar" -H "Origin: $STACK_URL" \
	    --data-urlencode "csrf=$tok" --data-urlencode "login=$2" \
	    --data-urlencode "password=$3" "$STACK_URL/app/auth/login"
}

_board_url() {
	case $1 in
	/*) echo "$STACK_URL$1" ;;
	*) echo "$STACK_URL/app/board/$1" ;;
	esac
}

_board_req() {
	local jar=$1 url=$2
	shift 2
	local args=(-ks --max-time 60 -D "$BOARD_H" -o "$BOARD_B"
	    -w '%{http_code}')
	if [ -n "$jar" ]; then
		args+=(-c "$jar" -b "$jar")
		[ -f "$jar.from" ] && args+=(--interface "$(cat "$jar.from")")
	fi
	: >"$BOARD_H"
	: >"$BOARD_B"
	curl "${args[@]}" "$@" "$url"
}

board_get() {
	local jar=$1 path=$2
	shift 2
	_board_req "$jar" "$(_board_url "$path")" "$@"
}

# The session's CSRF token: the same for every form of the session.
board_csrf() {
	local jar=$1
	[ -n "$jar" ] || return 0	# no session, no token
	if [ ! -s "$jar.csrf" ]; then
		curl -ks -c "$jar" -b "$jar" \
		    $( [ -f "$jar.from" ] && echo "--interface $(cat "$jar.from")") \
		    "$STACK_URL/app/auth/" |
		    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' |
		    head -n 1 >"$jar.csrf"
	fi
	cat "$jar.csrf"
}

board_post() {
	local jar=$1 path=$2
	shift 2
	_board_req "$jar" "$(_board_url "$path")" -H "Origin: $STACK_URL" \
	    --data-urlencode "csrf=$(board_csrf "$jar")" "$@"
}

board_has() { grep -qF -- "$1" "$BOARD_B"; }
board_lacks() { ! grep -qF -- "$1" "$BOARD_B"; }

board_sql() {
	sqlite3 -cmd '.timeout 10000' "$STACK_DB" "$1"
}

board_cli() {
	"$_board_top/${STACK_BIN:-build/cgi}/board" -s "$STACK_SITE" \
	    -d "$STACK_DB" -t "$_board_top/themes" -S "$_board_top/schema" \
	    -c "$STACK_LOCAL" "$@"
}

board_mails() {
	/usr/bin/python3 "$_board_top/tests/lib/board_mail.py" "$STACK_MAIL" \
	    "$@" | head -n 1
}

board_mail_text() {
	/usr/bin/python3 "$_board_top/tests/lib/board_mail.py" "$STACK_MAIL" \
	    "$@" | tail -n +2
}

board_mail_wait() {
	local i
	for i in $(seq 1 $((${3:-20} * 5))); do
		[ "$(board_mails "$1" "$2")" -gt 0 ] && return 0
		sleep 0.2
	done
	return 1
}
