#!/bin/bash
# tests/browser/board.sh: the whole stack (tests/lib/stack.sh), filled by
# tests/lib/board_fixture.sh, and tests/browser/board.mjs over the
# board's and the feedback box's pages in Chromium.  Prints TAP; exits
# non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/board.sh
. tests/lib/board_fixture.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start || { echo "not ok 1 - browser/board: the stack starts"; exit 1; }
board_init
board_fixture || { echo "not ok 1 - browser/board: the fixture"; exit 1; }
node "$top/tests/browser/board.mjs" "$STACK_URL" "$STACK_DIR/fixture.json"
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "# the programs' logs (last lines):"
	for f in board auth error; do
		tail -n 10 "$STACK_STATE/log/$f.log" 2>/dev/null | sed "s/^/#   $f: /"
	done
fi
exit $rc
