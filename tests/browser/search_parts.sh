#!/bin/bash
# tests/browser/search_parts.sh: the site search on a site with a folder
# too big for one part of the search index (more than 128 pages, so its
# entries are in three parts), opened from file:// in Chromium
# (tests/browser/search_parts.mjs).  Prints TAP; exits non-zero on any
# failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
GEN=${GEN:-build/gen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
site=$work/site
mkdir -p "$site/notices" "$site/about"
printf 'title: 分割試験サイト\nlanguage: ja\ntheme: default\n' >"$site/site.yaml"
printf -- '---\ntitle: ホーム\ndescription: 分割試験のホーム。\n---\n\n本文。\n' >"$site/_index.md"
printf -- '---\ntitle: お知らせ\ndescription: お知らせの一覧。\nmenu: main\n---\n\n一覧です。\n' >"$site/notices/_index.md"
printf -- '---\ntitle: 概要\ndescription: 概要の一覧。\nmenu: main\n---\n\n概要です。\n' >"$site/about/_index.md"
printf -- '---\ntitle: 事業の概要\ndescription: 事業について。\n---\n\n事業の概要です。\n' >"$site/about/plan.md"
for i in $(seq -w 1 300); do
	printf -- '---\ntitle: 通知第%s号\ndescription: 通知 %s の説明。\n---\n\n通知 %s の本文。照会番号ｼｮｳｶｲ%s。\n' \
	    "$i" "$i" "$i" "$i" >"$site/notices/n$i.md"
done
if ! $GEN build "$site" -o "$work/out" --theme-dir themes -q >"$work/log" 2>&1; then
	echo "not ok 1 - search parts: gen build of a folder of 300 pages"
	sed 's/^/# /' "$work/log"
	exit 1
fi
node tests/browser/search_parts.mjs "$work/out"
