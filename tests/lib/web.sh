# tests/lib/web.sh: requests and checks for the suites that run against
# the whole stack (tests/lib/stack.sh, sourced first).
#
#   web_init      after stack_start: sets WEB_H and WEB_B (below)
#   web JAR PATH [CURL ARGS...]
#	One request to $STACK_URL$PATH (a GET unless the arguments say
#	otherwise) with the cookie jar file JAR ("" for none).  Prints the
#	status; the answer's headers go to $WEB_H and its body to $WEB_B,
#	for the checks below, until the next request (the names are set
#	by every helper here, so that web may run in $(...)).
#   web_post JAR PATH [CURL ARGS...]
#	The same as a POST from one of the site's pages: with the header
#	Origin: $STACK_URL, or $WEB_ORIGIN when that is set ("" sends
#	none).  The arguments give the body (--data-urlencode k=v, -F).
#   hdr NAME      the values of header NAME in the last answer, a line each
#   hdr_n NAME    how many times header NAME came
#   has TEXT      the last body holds TEXT (a fixed string)
#   csrf_of       the value of the first csrf field in the last body
#   sql SQL       sqlite3 on $STACK_DB, waiting for a writer if need be
#   mkuser LOGIN ROLE NAME EMAIL
#		  an account made with the admin command line; prints its
#		  password
#   wait_until SECONDS COMMAND...
#		  runs COMMAND every 0.2 s until it succeeds (0) or the
#		  time is up (1)
#   mails         how many mails the SMTP server has received
#
# STACK_FROM, when set, is the address requests come from (127.0.0.N;
# all of 127/8 is this host).  nginx limits sign-ins per address, so a
# suite that signs in often spreads its clients over a few addresses,
# and the audit log and the account page show which one it was.

web_init() {
	WEB_H=$STACK_DIR/web.headers
	WEB_B=$STACK_DIR/web.body
}

web() {
	local jar=$1 path=$2
	shift 2
	web_init
	local args=(-ks --max-time 120 -D "$WEB_H" -o "$WEB_B" -w '%{http_code}')
	[ -z "$jar" ] || args+=(-c "$jar" -b "$jar")
	[ -z "${STACK_FROM:-}" ] || args+=(--interface "$STACK_FROM")
	: >"$WEB_H"
	: >"$WEB_B"
	curl "${args[@]}" "$@" "$STACK_URL$path"
}

web_post() {
	local jar=$1 path=$2 origin=${WEB_ORIGIN-$STACK_URL}
	shift 2
	if [ -n "$origin" ]; then
		web "$jar" "$path" -H "Origin: $origin" -X POST "$@"
	else
		web "$jar" "$path" -X POST "$@"
	fi
}

hdr() {
	web_init
	tr -d '\r' <"$WEB_H" | sed -n "s/^$1: *//Ip"
}

hdr_n() {
	web_init
	tr -d '\r' <"$WEB_H" | grep -ci "^$1:"
}

has() {
	web_init
	grep -qF -- "$1" "$WEB_B"
}

csrf_of() {
	web_init
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$WEB_B" | head -n 1
}

sql() {
	sqlite3 -cmd ".timeout 10000" "$STACK_DB" "$@"
}

mkuser() {
	stack_admin user add "$@" 2>&1 | sed -n 's/.*: created; password: //p'
}

wait_until() {
	local secs=$1 i
	shift
	for i in $(seq 1 $((secs * 5))); do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

mails() {
	find "$STACK_MAIL" -name '*.json' 2>/dev/null | wc -l
}
