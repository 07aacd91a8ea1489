#!/bin/bash
# tests/browser/keyboard.sh [SITE_DIR]: serves SITE_DIR (default
# public/center) with nginx on 127.0.0.1 and runs
# tests/browser/keyboard.mjs over it.  Prints TAP; exits non-zero on any
# failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
site=${1:-public/center}
. "$top/tests/lib/nginx.sh"
trap nginx_stop EXIT
trap 'exit 130' INT TERM
nginx_start "$site" / || { echo "not ok 1 - keyboard: nginx serves $site"; exit 1; }
node "$top/tests/browser/keyboard.mjs" "$NGINX_URL" "$site"
