#!/bin/bash
# Runs every test suite and counts its TAP lines ("ok N - ..." and
# "not ok N - ..."); ends with the line "N passed, N failed".
#
# A suite is a command printing TAP.  One that exits non-zero without
# printing a "not ok" line (a crash, a missing tool) counts as one failure.
# Each suite's whole output is kept in build/test-logs/<suite>.log (with
# '/' in the suite's name written '_').
set -u
cd "$(dirname "$0")/.."

logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
pass=0
fail=0

suite() {
	local name=$1
	shift
	local log=$logs/${name//\//_}.log start=$SECONDS rc p f
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log" 2>/dev/null) || p=0
	f=$(grep -c '^not ok ' "$log" 2>/dev/null) || f=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	printf '%-28s %4d passed, %d failed  (%ds)\n' "$name" "$p" "$f" $((SECONDS - start))
	# A suite's own summary, such as "mustache spec: 163/163 passed".
	grep -E '^[a-z][a-z ]*: [0-9]+/[0-9]+ passed$' "$log" | sed 's/^/    /'
	if [ "$f" -ne 0 ]; then
		# Show what failed, with the diagnostics around it.
		grep -A 12 '^not ok ' "$log" | head -n 80 | sed 's/^/    /'
		tail -n 5 "$log" | sed 's/^/    | /'
	fi
}

# C unit tests, plain and under AddressSanitizer + UndefinedBehaviorSanitizer.
for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	suite "unit/$(basename "$t")" "$t"
done
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in build/tests-san/test_*; do
	[ -x "$t" ] || continue
	suite "asan+ubsan/$(basename "$t")" "$t"
done

# libFuzzer targets: a bounded run over the seed corpus and fresh inputs.
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	suite "fuzz/$(basename "$f")" tests/fuzz/smoke.sh "$f"
done

# Integration: gen on real content, first the sanitizer build, then the
# plain one (which leaves the site the later suites check in
# build/check/center).
GEN=build/gen-san suite "asan+ubsan/gen_build" bash tests/integration/gen_build.sh
GEN=build/gen-san suite "asan+ubsan/incremental" bash tests/integration/incremental.sh
GEN=build/gen-san suite "asan+ubsan/gen_check" bash tests/integration/gen_check.sh
GEN=build/gen-san suite "asan+ubsan/gen_watch" bash tests/integration/gen_watch.sh
# ThreadSanitizer stops gen (exit 66) at the first data race.
TSAN_OPTIONS=halt_on_error=1:exitcode=66 GEN=build/gen-tsan \
	suite "tsan/incremental" bash tests/integration/incremental.sh
for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	suite "integration/$(basename "$t" .sh)" bash "$t"
done
# The quicker suites of the live stack again, with the programs built
# with ASan+UBSan (a worker that trips one ends, and its requests fail).
for s in session csrf admin mail; do
	STACK_BIN=build/cgi-san suite "asan+ubsan/stack_$s" \
		bash "tests/integration/stack_$s.sh"
done

# HTML validator and browser tests on the built site.
if [ -d build/check/center ]; then
	suite "html/vnu" bash tests/html/validate.sh build/check/center
	suite "browser/a11y" bash tests/browser/a11y.sh build/check/center
	suite "browser/keyboard" bash tests/browser/keyboard.sh build/check/center
	suite "browser/links" bash tests/browser/links.sh build/check/center
	suite "browser/search" bash tests/browser/search.sh build/check/center
fi
suite "browser/reload" bash tests/browser/reload.sh
suite "browser/search_parts" bash tests/browser/search_parts.sh
# The programs' pages on the whole stack (nginx with HTTPS, the FastCGI
# programs, the mailer, an SMTP server): the Nu checker on every page in
# each state, then Chromium through the forms.
suite "html/vnu-app" bash tests/html/app.sh
suite "browser/app" bash tests/browser/app.sh
# The side-navigation pattern with paginated news: the pages that differ.
if [ -d build/check/center-side ]; then
	suite "html/vnu-side" bash tests/html/validate.sh build/check/center-side
	A11Y_ONLY='^(index|404|[a-z-]+/index|council/faq/index|practice/points/index|news/page/[0-9]+/index|members/archive/index)\.html$' \
		suite "browser/a11y-side" bash tests/browser/a11y.sh build/check/center-side
	suite "browser/keyboard-side" bash tests/browser/keyboard.sh build/check/center-side
	suite "browser/search-side" bash tests/browser/search.sh build/check/center-side
fi

# The board and the feedback box: their stack suites again with the
# programs built with AddressSanitizer + UndefinedBehaviorSanitizer (a
# report lands in the program's log, which the suites check), the Nu
# checker on their pages in each state, and Chromium through them.
STACK_BIN=build/cgi-san suite "asan+ubsan/stack_board" bash tests/integration/stack_board.sh
STACK_BIN=build/cgi-san suite "asan+ubsan/stack_board_xss" bash tests/integration/stack_board_xss.sh
suite "html/vnu-board" bash tests/html/board.sh
suite "browser/board" bash tests/browser/board.sh

# A run that counted nothing has tested nothing: that is a failure too.
if [ $((pass + fail)) -eq 0 ]; then
	echo "not ok - no test ran"
	fail=1
fi
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
