#!/bin/sh
# scripts/stack.sh start|stop: the serving stack of one site, on
# 127.0.0.1 only: nginx (HTTPS, with plain HTTP redirecting to it), the
# FastCGI programs under spawn-fcgi on unix sockets, and the mailer.
# `make run` and the integration tests use it; a production install runs
# the same configuration with its own paths (README, For operators).
#
# Settings, from the environment:
#   SITE_DIR    the site's content folder (default content/center)
#   PUBLIC      gen's output for it (default public/<site>)
#   STATE       where everything it writes goes (default var): nginx/
#               (configuration, temp paths), tls/ (a self-signed
#               certificate made on the first start), log/, run/ (PID
#               files, sockets), <site>/portal.db (the database)
#   HTTPS_PORT  default 8443
#   HTTP_PORT   default 8080 (redirects to HTTPS)
#   LOCAL_CONF  a YAML file whose app:/mail: settings win over
#               site.yaml's (cgi/core/conf.h), or empty
#   BIN         the built programs (default build/cgi)
#   CHILDREN    processes per program (default 2)
#
# start stops whatever an earlier start in the same STATE left running,
# then starts everything and waits until HTTPS answers; it prints the
# URL.  stop ends exactly the processes whose PIDs start recorded in
# STATE/run/, after checking that each still is the process it started.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

SITE_DIR=${SITE_DIR:-content/center}
site=$(basename "$SITE_DIR")
PUBLIC=${PUBLIC:-public/$site}
STATE=${STATE:-var}
HTTPS_PORT=${HTTPS_PORT:-8443}
HTTP_PORT=${HTTP_PORT:-8080}
LOCAL_CONF=${LOCAL_CONF:-}
BIN=${BIN:-build/cgi}
CHILDREN=${CHILDREN:-2}
nginx=${NGINX:-/usr/sbin/nginx}
mime=${NGINX_MIME_TYPES:-/etc/nginx/mime.types}
# The FastCGI programs nginx.conf.in routes to; the mailer is no FastCGI
# program but a process of its own.
FCGI_PROGRAMS="auth admin board"

abspath() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$top/$1" ;;
	esac
}
STATE=$(abspath "$STATE")
SITE_DIR=$(abspath "$SITE_DIR")
PUBLIC=$(abspath "$PUBLIC")
BIN=$(abspath "$BIN")
[ -z "$LOCAL_CONF" ] || LOCAL_CONF=$(abspath "$LOCAL_CONF")
run=$STATE/run
log=$STATE/log

# Alive, and not a zombie.
alive() {
	kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# stop_pidfile FILE PATTERN: end each PID of FILE whose command line
# holds PATTERN (so a number reused by another process is left alone):
# TERM (QUIT for nginx, which lets requests finish), KILL after 10 s.
stop_pidfile() {
	_f=$1 _pat=$2
	[ -f "$_f" ] || return 0
	for _pid in $(cat "$_f" 2>/dev/null); do
		case $_pid in '' | *[!0-9]*) continue ;; esac
		alive "$_pid" || continue
		tr '\0' ' ' <"/proc/$_pid/cmdline" 2>/dev/null |
		    grep -qF -- "$_pat" || continue
		case $_pat in
		*nginx.conf) kill -QUIT "$_pid" 2>/dev/null || true ;;
		*) kill -TERM "$_pid" 2>/dev/null || true ;;
		esac
		_i=0
		while alive "$_pid" && [ $_i -lt 100 ]; do
			_i=$((_i + 1))
			sleep 0.1
		done
		if alive "$_pid"; then
			kill -KILL "$_pid" 2>/dev/null || true
		fi
		echo "Stopped $(basename "$_f" .pid) $_pid"
	done
	rm -f "$_f"
}

stop() {
	stop_pidfile "$run/nginx.pid" "$STATE/nginx/nginx.conf"
	for p in $FCGI_PROGRAMS mailer; do
		stop_pidfile "$run/$p.pid" "$BIN/$p"
	done
	stop_pidfile "$run/watch.pid" "gen watch"
	for p in $FCGI_PROGRAMS; do
		rm -f "$run/$p.sock"
	done
}

# A self-signed certificate for 127.0.0.1 and localhost, and the
# RFC 7919 ffdhe2048 group for the DHE ciphers, made once.
make_tls() {
	tls=$STATE/tls
	mkdir -p "$tls"
	if [ ! -s "$tls/cert.pem" ] || [ ! -s "$tls/key.pem" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		    -nodes -days 825 -subj "/CN=localhost" \
		    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		    -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>"$log/tls.log"
		chmod 600 "$tls/key.pem"
	fi
	if [ ! -s "$tls/dhparam.pem" ]; then
		openssl genpkey -genparam -algorithm DH -pkeyopt dh_param:ffdhe2048 \
		    -out "$tls/dhparam.pem" 2>>"$log/tls.log"
	fi
}

start() {
	for p in $FCGI_PROGRAMS mailer; do
		[ -x "$BIN/$p" ] || { echo "stack: $BIN/$p missing; run make" >&2; exit 1; }
	done
	[ -f "$SITE_DIR/site.yaml" ] || { echo "stack: no $SITE_DIR/site.yaml" >&2; exit 1; }
	case $STATE$top$PUBLIC in
	*'|'* | *'&'*) echo "stack: paths may not hold | or &" >&2; exit 1 ;;
	esac
	stop >/dev/null
	mkdir -p "$STATE/nginx/tmp" "$log" "$run" "$STATE/$site"
	make_tls

	db=$STATE/$site/portal.db
	set -- -s "$SITE_DIR" -d "$db" -o "$PUBLIC" -t "$top/themes" -S "$top/schema"
	[ -z "$LOCAL_CONF" ] || set -- "$@" -c "$LOCAL_CONF"
	owner="" u="" g=""
	if [ "$(id -u)" -eq 0 ]; then
		# Programs and nginx's workers run as the owner of the
		# checkout, not as root.
		u=$(stat -c %U "$top") g=$(stat -c %G "$top")
		owner="user $u $g;"
		chown -R "$u:$g" "$STATE/$site" "$log"
	fi
	# Migrations first, once, so the programs start on a ready file
	# (the admin tool applies them when it opens the database).
	"$BIN/admin" "$@" migrate >>"$log/admin.log" 2>&1 || {
		echo "stack: the database $db could not be prepared:" >&2
		tail -5 "$log/admin.log" >&2
		exit 1
	}
	[ "$(id -u)" -ne 0 ] || chown "$u:$g" "$db"*
	# spawn-fcgi will not "change" to root: only a real change is asked.
	drop=""
	if [ "$(id -u)" -eq 0 ] && [ "$u" != root ]; then
		drop="-U $u -G $g -u $u -g $g"
	fi
	for p in $FCGI_PROGRAMS; do
		# shellcheck disable=SC2086
		if ! spawn-fcgi -s "$run/$p.sock" -M 0660 $drop -F "$CHILDREN" \
		    -P "$run/$p.pid" -- "$BIN/$p" "$@" -l "$log/$p.log" \
		    >>"$log/$p.log" 2>&1; then
			echo "stack: $p did not start:" >&2
			tail -5 "$log/$p.log" >&2
			stop >/dev/null
			exit 1
		fi
	done
	"$BIN/mailer" "$@" run >>"$log/mailer.log" 2>&1 &
	echo $! >"$run/mailer.pid"

	cp scripts/nginx/headers.conf scripts/nginx/fastcgi.conf "$STATE/nginx/"
	sed -e "s|@USER@|$owner|" \
	    -e "s|@ROOT@|$PUBLIC|" \
	    -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
	    -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
	    -e "s|@CONF@|$STATE/nginx|g" \
	    -e "s|@ERRORS@|$top/scripts/nginx/errors|g" \
	    -e "s|@TLS@|$STATE/tls|g" \
	    -e "s|@VAR@|$STATE/nginx|g" \
	    -e "s|@LOG@|$log|g" \
	    -e "s|@RUN@|$run|g" \
	    -e "s|@MIME@|$mime|" \
	    scripts/nginx/nginx.conf.in >"$STATE/nginx/nginx.conf"
	if ! "$nginx" -p "$STATE/nginx" -e "$log/error.log" \
	    -c "$STATE/nginx/nginx.conf" 2>"$log/start.log"; then
		echo "stack: nginx did not start:" >&2
		cat "$log/start.log" >&2
		stop >/dev/null
		exit 1
	fi
	url="https://127.0.0.1:$HTTPS_PORT/"
	i=0
	while [ $i -lt 100 ]; do
		if [ -s "$run/nginx.pid" ] &&
		    curl -ks -o /dev/null --max-time 1 "$url"; then
			break
		fi
		i=$((i + 1))
		sleep 0.1
	done
	if [ $i -ge 100 ]; then
		echo "stack: nginx does not answer at $url; see $log/error.log" >&2
		stop >/dev/null
		exit 1
	fi
	echo "$url"
}

case ${1:-} in
start) start ;;
stop) stop ;;
*) echo "usage: scripts/stack.sh start|stop" >&2; exit 2 ;;
esac
