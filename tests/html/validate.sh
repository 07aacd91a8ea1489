#!/bin/bash
# tests/html/validate.sh [DIR]: checks every .html file under DIR (default
# public/center) with the Nu HTML Checker (vnu.jar from npm, run by the
# machine's java) and prints one TAP line per file, with the checker's
# errors as "# " diagnostics.  Warnings are not reported (--errors-only).
# The JVM starts once for all files: starting it costs more than checking.
# Exits 1 when any file has an error or the checker could not run.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-public/center}
jar=${VNU_JAR:-$top/tests/node_modules/vnu-jar/build/dist/vnu.jar}

if [ ! -d "$dir" ]; then
	echo "not ok 1 - validate: no such directory '$dir'"
	exit 1
fi
if [ ! -f "$jar" ]; then
	echo "not ok 1 - validate: '$jar' missing (run make deps)"
	exit 1
fi
dir=$(cd "$dir" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kk-vnu.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

find "$dir" -type f -name '*.html' -print0 | sort -z >"$tmp/files"
if [ ! -s "$tmp/files" ]; then
	echo "not ok 1 - validate: no .html files under '$dir'"
	exit 1
fi

# vnu writes its report to stderr and exits 1 when there are errors; the
# report itself tells, so only its absence is a failure to run.  A limit
# of 10 minutes keeps a hung JVM from holding the suite.
xargs -0 timeout 600 java -Xss4m -jar "$jar" --errors-only --format json \
	<"$tmp/files" >"$tmp/out" 2>"$tmp/report"

node - "$dir" "$tmp/files" "$tmp/report" <<'EOF'
const fs = require('fs');
const path = require('path');
const [dir, listFile, reportFile] = process.argv.slice(2);
const files = fs.readFileSync(listFile, 'utf8').split('\0').filter(Boolean);
const raw = fs.readFileSync(reportFile, 'utf8');
// The JSON is the last line; anything before it is the JVM talking.
let report = null;
try {
	const line = raw.trim().split('\n').filter(l => l.startsWith('{')).pop();
	report = JSON.parse(line);
} catch (e) {
	report = null;
}
if (!report || !Array.isArray(report.messages)) {
	console.log('not ok 1 - validate: the Nu checker did not run');
	for (const l of raw.split('\n').slice(0, 20))
		console.log('# ' + l);
	process.exit(1);
}
const byFile = new Map(files.map(f => [f, []]));
const stray = [];
for (const m of report.messages) {
	let f = null;
	if (m.url && m.url.startsWith('file:')) {
		try {
			f = decodeURIComponent(new URL(m.url).pathname);
		} catch (e) {
			f = m.url.slice(5);
		}
	}
	if (f !== null && byFile.has(f))
		byFile.get(f).push(m);
	else
		stray.push(m);
}
let n = 0, failed = 0;
const oneLine = s => String(s).replace(/\s+/g, ' ').trim();
for (const f of files) {
	const msgs = byFile.get(f);
	const name = path.relative(dir, f);
	n++;
	if (msgs.length === 0) {
		console.log(`ok ${n} - html valid: ${name}`);
		continue;
	}
	failed++;
	console.log(`not ok ${n} - html valid: ${name} (${msgs.length} errors)`);
	for (const m of msgs) {
		const where = m.lastLine ? `${m.lastLine}:${m.firstColumn || m.lastColumn || 0}` : '-';
		console.log(`#   ${name}:${where}: ${m.type}: ${oneLine(m.message)}`);
		if (m.extract)
			console.log(`#     ${oneLine(m.extract)}`);
	}
}
// Messages tied to no file we listed (I/O errors, the checker's own
// errors) are failures too.
if (stray.length) {
	n++;
	failed++;
	console.log(`not ok ${n} - validate: ${stray.length} messages tied to no checked file`);
	for (const m of stray.slice(0, 20))
		console.log(`#   ${m.url || '-'}: ${m.type}: ${oneLine(m.message)}`);
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
EOF
