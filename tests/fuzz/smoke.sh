#!/bin/sh
# A bounded libFuzzer run for `make check`: the seed corpus, then a fixed
# number of fresh inputs from a fixed seed (so a run is repeatable), at
# most FUZZ_SMOKE_SECONDS.  Prints one TAP line.  `make fuzz` runs longer.
set -u
f=$1
name=$(basename "$f")
corpus=tests/fuzz/corpus/$name
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
if "$f" -seed=1 -runs="${FUZZ_SMOKE_RUNS:-20000}" \
    -max_total_time="${FUZZ_SMOKE_SECONDS:-60}" -max_len=16384 \
    "$work" >"$work.log" 2>&1; then
	echo "ok 1 - $name: $(grep -o 'Done [0-9]* runs' "$work.log" | tail -n 1)"
else
	echo "not ok 1 - $name found a crash"
	# The report from its first line (where the stack trace is), else
	# the end of the log.
	if grep -qE '^==[0-9]+==|runtime error:' "$work.log"; then
		sed -n '/^==[0-9]*==\|runtime error:/,$p' "$work.log" | head -n 40
	else
		tail -n 40 "$work.log"
	fi | sed 's/^/# /'
	rm -f "$work.log"
	exit 1
fi
rm -f "$work.log"
