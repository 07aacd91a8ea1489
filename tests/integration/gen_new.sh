#!/bin/bash
# gen new SECTION/NAME: a page from the section's archetype, with today's
# date; never over an existing page; clear refusals.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

GEN=${GEN:-build/gen}
case $GEN in /*) ;; *) GEN=$PWD/$GEN ;; esac	# one check runs elsewhere
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1795000000	# 2026-11-18 in Japan
cp -r content/center "$work/site"
site=$work/site

check "gen new prints the new file" sh -c "$GEN new -s '$site' news/2026-11-18-notice | grep -qx '$site/news/2026-11-18-notice.md'"
f=$site/news/2026-11-18-notice.md
check "from the news archetype" grep -q 'お知らせの要点を一文で' "$f"
check "with today's date" grep -qx 'date: 2026-11-18' "$f"
check "and the name as title" grep -qx 'title: "2026-11-18-notice"' "$f"
check "a name YAML would read as null still makes a title" sh -c "$GEN new -s '$site' news/null -q && $GEN build '$site' -o '$work/null-out' --drafts --theme-dir themes -q"
check "refuses a name that is already a section" sh -c "$GEN new -s '$site' about 2>&1 | grep -q 'already a page'"
check "a section without its own archetype takes the default" sh -c "$GEN new -s '$site' training/new-course -q && grep -q '^weight: 100' '$site/training/new-course.md'"
check "without archetypes, the built-in one" sh -c "rm -r '$site/archetypes' && $GEN new -s '$site' about/x -q && grep -qx 'draft: true' '$site/about/x.md'"
check "run inside the site folder by default" sh -c "cd '$site' && $GEN new council/y -q && test -s council/y.md"
echo keep >"$site/about/keep.md"
check "never over an existing page" sh -c "! $GEN new -s '$site' about/keep 2>/dev/null && grep -qx keep '$site/about/keep.md'"
check "says so" sh -c "$GEN new -s '$site' about/keep 2>&1 | grep -q 'already exists'"
check "refuses a section that does not exist" sh -c "$GEN new -s '$site' nosuch/x 2>&1 | grep -q \"no section 'nosuch'\""
check "refuses a path out of the site" sh -c "! $GEN new -s '$site' ../x 2>/dev/null"
check "refuses names a link cannot carry" sh -c "$GEN new -s '$site' 'about/a b' 2>&1 | grep -q 'letters, digits'"
check "gen new --help" sh -c "$GEN new --help | grep -q 'archetype'"
rm -f "$site/about/keep.md" "$site/about/x.md"
check "the site still builds (new pages are drafts)" $GEN build "$site" -o "$work/out" --theme-dir themes -q
check "and the drafts are not published" test ! -e "$work/out/news/2026-11-18-notice"
done_testing
