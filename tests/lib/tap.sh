# TAP helpers for the shell test suites: source it, then call ok / not_ok /
# check, and done_testing at the end (which sets the exit status).
_tap_n=0
_tap_failed=0

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }
# Lines of standard input as TAP diagnostics.
diag() { sed 's/^/# /'; }
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi
}
done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}
