#!/bin/bash
# tests/browser/a11y.sh [SITE_DIR]: serves SITE_DIR (default public/center)
# with nginx on 127.0.0.1 and runs tests/browser/a11y.mjs over it.
# Prints TAP; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
site=${1:-public/center}
. "$top/tests/lib/nginx.sh"
trap nginx_stop EXIT
trap 'exit 130' INT TERM
nginx_start "$site" / || { echo "not ok 1 - a11y: nginx serves $site"; exit 1; }
node "$top/tests/browser/a11y.mjs" "$NGINX_URL" "$site"
