#!/bin/sh
# scripts/run.sh [SITE [PORT]]: builds content/SITE (default center) into
# public/SITE with build/gen and serves the whole site on 127.0.0.1, in
# the background, until scripts/stop.sh: nginx with HTTPS on PORT
# (default 8443; plain HTTP on 8080, or HTTP_PORT, redirects to it), the
# sign-in, admin and board programs, and the mailer (scripts/stack.sh); a local
# SMTP server that keeps every mail in var/mail/ (port 8025, or
# SMTP_PORT); and gen watch, which rebuilds the site on every change.
# Run by `make run` after `make all`.
#
# On the first run it makes the administrator account "admin" and
# prints its password (kept in var/SITE/admin-password.txt, readable by
# the owner only).  Ends with the URL on a line of its own; exits
# non-zero, with the reason, when something does not start.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

site=${1:-center}
port=${2:-8443}
http_port=${HTTP_PORT:-8080}
smtp_port=${SMTP_PORT:-8025}

case $site in
'' | *[!A-Za-z0-9_-]*) echo "run: bad site name '$site'" >&2; exit 2 ;;
esac
for p in "$port" "$http_port" "$smtp_port"; do
	case $p in
	'' | *[!0-9]*) echo "run: bad port '$p'" >&2; exit 2 ;;
	esac
	if [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
		echo "run: bad port '$p'" >&2
		exit 2
	fi
done
if [ ! -x build/gen ]; then
	echo "run: build/gen missing; run make first" >&2
	exit 1
fi
if [ ! -d "content/$site" ]; then
	echo "run: no site 'content/$site'" >&2
	exit 1
fi

build/gen build "content/$site" -o "public/$site"

# Whatever an earlier run started goes first: it may hold the ports.
"$top/scripts/stop.sh" >/dev/null

mkdir -p var/log var/run var/mail "var/$site"

# Mail stays on this machine: the mailer hands it to a local server
# that writes each one into var/mail/ (scripts/smtp-sink.py).
/usr/bin/python3 scripts/smtp-sink.py --port "$smtp_port" --dir var/mail \
    >var/log/smtp.log 2>&1 &
echo $! >var/run/smtp.pid
cat >"var/$site/local.yaml" <<EOT
# Written by scripts/run.sh: this machine's settings over site.yaml's.
app:
  url: https://127.0.0.1:$port/
mail:
  smtp: smtp://127.0.0.1:$smtp_port
  tls: none
EOT

SITE_DIR=content/$site PUBLIC=public/$site STATE=var HTTPS_PORT=$port \
    HTTP_PORT=$http_port LOCAL_CONF=var/$site/local.yaml \
    scripts/stack.sh start >var/log/stack.log 2>&1 || {
	echo "run: the server did not start:" >&2
	cat var/log/stack.log >&2
	"$top/scripts/stop.sh" >/dev/null
	exit 1
}

# The first administrator.
db=var/$site/portal.db
pwfile=var/$site/admin-password.txt
admin() {
	build/cgi/admin -s "content/$site" -d "$db" -t themes -S schema \
	    -c "var/$site/local.yaml" "$@"
}
if [ "$(sqlite3 "$db" "SELECT count(*) FROM account WHERE role = 'admin'" 2>/dev/null || echo 0)" = 0 ]; then
	umask 077
	admin user add admin admin 管理者 admin@localhost >"$pwfile.new"
	sed -n 's/.*password: //p' "$pwfile.new" >"$pwfile"
	rm -f "$pwfile.new"
	umask 022
	echo "Made the administrator account: ID admin, password $(cat "$pwfile")"
	echo "(kept in $pwfile)"
fi

# gen watch rebuilds the site whenever a file of it or of its theme
# changes, and the pages it writes reload themselves in the browser.
build/gen watch "content/$site" -o "public/$site" >var/log/watch.log 2>&1 &
echo $! >var/run/watch.pid
i=0
while ! grep -q '^gen: watching' var/log/watch.log 2>/dev/null && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done

title=$(sed -n 's/^title:[[:space:]]*//p' "content/$site/site.yaml" 2>/dev/null |
	head -n 1 | sed -e 's/[[:space:]]#.*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\\1/")
echo "Serving ${title:-$site} (public/$site) with nginx, the programs and the mailer."
echo "Mail is kept in var/mail/; logs are in var/log/."
echo "The certificate is self-signed: the browser asks once to accept it."
echo "Pages reload by themselves when content/$site changes."
echo "Stop it with: make stop"
echo "https://127.0.0.1:$port/"
