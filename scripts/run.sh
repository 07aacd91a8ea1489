#!/bin/sh
# scripts/run.sh [SITE [PORT]]: builds content/SITE (default center) into
# public/SITE with build/gen and serves it with nginx on 127.0.0.1:PORT
# (default 8080), in the background, until scripts/stop.sh; meanwhile
# gen watch rebuilds the site on every change and the pages reload.  Run
# by `make run` after `make all`.
#
# Everything nginx writes stays in the repository: its configuration and
# temp paths in var/nginx/, logs in var/log/, the master's PID in
# var/run/nginx.pid.  An nginx that an earlier run.sh started is stopped
# first (by that PID), so running it again restarts.  Ends with the URL on
# a line of its own; exits non-zero, with the reason, when the build fails
# or nginx does not come up.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

site=${1:-center}
port=${2:-8080}
nginx=${NGINX:-/usr/sbin/nginx}
mime=${NGINX_MIME_TYPES:-/etc/nginx/mime.types}

case $site in
'' | *[!A-Za-z0-9_-]*) echo "run: bad site name '$site'" >&2; exit 2 ;;
esac
case $port in
'' | *[!0-9]*) echo "run: bad port '$port'" >&2; exit 2 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
	echo "run: bad port '$port'" >&2
	exit 2
fi
if [ ! -x build/gen ]; then
	echo "run: build/gen missing; run make first" >&2
	exit 1
fi
if [ ! -d "content/$site" ]; then
	echo "run: no site 'content/$site'" >&2
	exit 1
fi

build/gen build "content/$site" -o "public/$site"

# A server started earlier by this script goes first: it may hold the
# port, and it serves whatever site it was started for.
"$top/scripts/stop.sh"

mkdir -p var/nginx/tmp var/log var/run

# gen watch rebuilds the site whenever a file of it or of its theme
# changes, and the pages it writes reload themselves in the browser.
build/gen watch "content/$site" -o "public/$site" >var/log/watch.log 2>&1 &
echo $! >var/run/watch.pid
i=0
while ! grep -q '^gen: watching' var/log/watch.log 2>/dev/null && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
user=""
# As root, nginx's workers run as the owner of the checkout, who can read
# the site wherever the checkout lies (a production install names its own
# user instead).
[ "$(id -u)" -eq 0 ] && user="user $(stat -c %U "$top") $(stat -c %G "$top");"
# sed with | as separator: the paths are the repository's, which may hold
# spaces but not |; refuse one that does rather than write a broken file.
case $top in
*'|'* | *'&'*) echo "run: the repository path '$top' holds | or &" >&2; exit 1 ;;
esac
sed -e "s|@USER@|$user|" \
    -e "s|@ROOT@|$top/public/$site|" \
    -e "s|@PORT@|$port|" \
    -e "s|@VAR@|$top/var/nginx|g" \
    -e "s|@LOG@|$top/var/log|g" \
    -e "s|@RUN@|$top/var/run|g" \
    -e "s|@MIME@|$mime|" \
    scripts/nginx-static.conf.in >var/nginx/nginx.conf

# nginx binds the port before it forks into the background, so a port in
# use or a bad configuration fails here, with nginx's message.
if ! "$nginx" -p "$top/var/nginx" -e "$top/var/log/error.log" \
    -c "$top/var/nginx/nginx.conf" 2>var/log/start.log; then
	echo "run: nginx did not start:" >&2
	cat var/log/start.log >&2
	exit 1
fi

# Up to 10 s for the pid file and a first answer.
url="http://127.0.0.1:$port/"
i=0
while [ $i -lt 100 ]; do
	if [ -s var/run/nginx.pid ] &&
	    curl -s -o /dev/null --max-time 1 "$url"; then
		break
	fi
	i=$((i + 1))
	sleep 0.1
done
if [ $i -ge 100 ]; then
	echo "run: nginx started but does not answer at $url; see var/log/error.log" >&2
	"$top/scripts/stop.sh"
	exit 1
fi

title=$(sed -n 's/^title:[[:space:]]*//p' "content/$site/site.yaml" 2>/dev/null |
	head -n 1 | sed -e 's/[[:space:]]#.*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\\1/")
echo "Serving ${title:-$site} (public/$site, nginx PID $(cat var/run/nginx.pid)) at"
echo "$url"
echo "Pages reload by themselves when content/$site changes (log: var/log/watch.log)."
echo "Stop it with: make stop"
