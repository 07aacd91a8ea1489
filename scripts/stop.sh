#!/bin/sh
# scripts/stop.sh: stops the nginx and the gen watch that scripts/run.sh
# started, by the PIDs it recorded in var/run/nginx.pid and
# var/run/watch.pid, and removes the pid files.  Nothing
# else is touched: a PID that no longer belongs to that nginx (the process
# ended and the number was reused) is left alone.  Quiet and exit 0 when
# nothing runs; exit 1 if the server would not stop.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
pidfile=$top/var/run/nginx.pid
conf=$top/var/nginx/nginx.conf

# gen watch, which run.sh starts to rebuild the site on every change: by
# its recorded PID, if that is still a gen watch.
wpidfile=$top/var/run/watch.pid
if [ -f "$wpidfile" ]; then
	wpid=$(cat "$wpidfile" 2>/dev/null || true)
	case $wpid in
	'' | *[!0-9]*) ;;
	*)
		if [ -r "/proc/$wpid/cmdline" ] &&
		    tr '\0' ' ' <"/proc/$wpid/cmdline" | grep -q 'gen watch'; then
			kill -TERM "$wpid" 2>/dev/null || true
			i=0
			while kill -0 "$wpid" 2>/dev/null &&
			    ! grep -q '^[0-9]* (.*) Z' "/proc/$wpid/stat" 2>/dev/null &&
			    [ $i -lt 50 ]; do
				i=$((i + 1))
				sleep 0.1
			done
			kill -KILL "$wpid" 2>/dev/null || true
			echo "Stopped gen watch $wpid"
		fi ;;
	esac
	rm -f "$wpidfile"
fi

[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile" 2>/dev/null || true)
case $pid in
'' | *[!0-9]*)
	echo "stop: ignoring malformed $pidfile" >&2
	rm -f "$pidfile"
	exit 0 ;;
esac

# Alive: a zombie (exited, not yet reaped by an init that does not reap)
# counts as gone.
alive() {
	kill -0 "$pid" 2>/dev/null &&
	    ! grep -q '^[0-9]* (.*) Z' "/proc/$pid/stat" 2>/dev/null
}
# Ours only if it is an nginx master reading our configuration.
ours() {
	[ -r "/proc/$pid/cmdline" ] &&
	    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^nginx: master' &&
	    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$conf"
}
if ! alive || ! ours; then
	rm -f "$pidfile"
	exit 0
fi

# QUIT lets requests in flight finish; TERM after 10 s, KILL after 15 s.
kill -QUIT "$pid" 2>/dev/null || true
i=0
while alive && [ $i -lt 150 ]; do
	[ $i -eq 100 ] && kill -TERM "$pid" 2>/dev/null
	i=$((i + 1))
	sleep 0.1
done
if alive; then
	kill -KILL "$pid" 2>/dev/null || true
	sleep 0.2
fi
if alive; then
	echo "stop: nginx $pid would not stop" >&2
	exit 1
fi
rm -f "$pidfile"
echo "Stopped nginx $pid"
