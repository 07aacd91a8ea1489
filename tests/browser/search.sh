#!/bin/bash
# tests/browser/search.sh [SITE_DIR]: serves SITE_DIR (default
# public/center) with nginx at "/" and at "/sub/portal/", both on
# 127.0.0.1, and runs tests/browser/search.mjs (both servers and
# file://).  Prints TAP; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
site=${1:-public/center}
. "$top/tests/lib/nginx.sh"
trap nginx_stop EXIT
trap 'exit 130' INT TERM
nginx_start "$site" / || { echo "not ok 1 - search: nginx serves $site at /"; exit 1; }
at_root=$NGINX_URL
nginx_start "$site" /sub/portal/ || { echo "not ok 1 - search: nginx serves $site at /sub/portal/"; exit 1; }
at_sub=$NGINX_URL
node "$top/tests/browser/search.mjs" "$at_root" "$site" "$at_sub"
