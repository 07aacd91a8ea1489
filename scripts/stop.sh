#!/bin/sh
# scripts/stop.sh: stops what scripts/run.sh started, by the PIDs it
# recorded in var/run/: nginx, the programs and the mailer
# (scripts/stack.sh stop), gen watch, and the local SMTP server.  A PID
# that no longer belongs to the process that was started (it ended and
# the number was reused) is left alone.  Quiet when nothing runs.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

STATE=var scripts/stack.sh stop

pidfile=var/run/smtp.pid
if [ -f "$pidfile" ]; then
	pid=$(cat "$pidfile" 2>/dev/null || true)
	case $pid in
	'' | *[!0-9]*) ;;
	*)
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
		    grep -q 'smtp-sink.py'; then
			kill -TERM "$pid" 2>/dev/null || true
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
				i=$((i + 1))
				sleep 0.1
			done
			kill -KILL "$pid" 2>/dev/null || true
			echo "Stopped smtp $pid"
		fi ;;
	esac
	rm -f "$pidfile"
fi
