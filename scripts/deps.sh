#!/bin/sh
# Installs what the project needs from Debian's packages and npm's registry.
# Idempotent and quiet when everything is present; run by `make deps` and,
# through a stamp file, by every other make target on a machine that lacks it.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

# Build: compiler, pkg-config and the -dev packages the C code links.
# Tests: nginx (real server), clang (libFuzzer, sanitizer runtimes),
# chromium (browser tests), Java (Nu HTML validator), unzip, curl.
# fonts-ipafont-gothic gives Chromium Japanese glyphs for screenshots.
# libcurl: gen check --external and the mailer.  mimalloc: gen's malloc.  hugo, and md4c's HTML
# renderer for the floor: make bench.  The programs: libfcgi, SQLite,
# libargon2, spawn-fcgi to start them, john-data for its list of common
# passwords (/usr/share/john/password.lst), openssl for the local
# certificate, python3-aiosmtpd for the local and the tests' SMTP server.
PKGS="build-essential pkg-config
libmd4c-dev libmd4c-html0-dev libyaml-dev libjansson-dev libzip-dev libmbedtls-dev
libmimalloc-dev
libcurl4-openssl-dev libfcgi-dev libsqlite3-dev sqlite3 libargon2-dev
spawn-fcgi john-data openssl python3-aiosmtpd
nginx clang libclang-rt-14-dev
chromium default-jre-headless unzip curl ca-certificates
fonts-ipafont-gothic hugo"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
# Node.js may come from elsewhere on a developer's machine; only install
# Debian's when there is none.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	# Services must not start on install: the project runs its own nginx.
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm packages for the browser and HTML-validator tests, pinned by the lock file.
if [ ! -d "$top/tests/node_modules" ] || [ "$top/tests/package-lock.json" -nt "$top/tests/node_modules/.stamp" ]; then
	if [ -f "$top/tests/package.json" ]; then
		echo "deps: installing npm packages for tests"
		(cd "$top/tests" && npm ci --ignore-scripts --no-audit --no-fund --silent >/dev/null)
		touch "$top/tests/node_modules/.stamp"
	fi
fi
exit 0
