// tests/browser/common.mjs: what the browser tests share: Debian's
// Chromium driven by playwright-core, the list of pages on disk, and TAP
// output.  Nothing here reaches beyond 127.0.0.1 and file://.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Flags that keep Chromium from talking to anything but the test server.
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

// launch() gives Chromium a fresh temporary --user-data-dir of its own
// and removes it on close (playwright refuses the flag in args).  `more`
// are flags on top of CHROMIUM_ARGS (the program pages' suite adds
// --ignore-certificate-errors for the stack's self-signed certificate).
export async function launch(more = []) {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [...CHROMIUM_ARGS, ...more],
		headless: true,
		timeout: 60000,
	});
}

export const AXE_PATH = require.resolve('axe-core/axe.min.js');

// axe-core with the rules of WCAG 2 A and AA, on the page as it is now,
// as one TAP line named `what` with the violations as diagnostics.  The
// script is evaluated through the DevTools protocol, which the pages'
// Content-Security-Policy does not govern (a <script> element would be
// blocked, as it should be).
const AXE_SOURCE = fs.readFileSync(AXE_PATH, 'utf8');
const AXE_OPTIONS = {
	runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
	resultTypes: ['violations'],
};
const AXE_MAX_TARGETS = 5;	/* nodes listed per violation */

export async function axeCheck(tap, page, what) {
	let result = null, err = null;
	try {
		await page.evaluate(AXE_SOURCE);
		result = await page.evaluate(opts => window.axe.run(document, opts), AXE_OPTIONS);
	} catch (e) {
		err = e.message.split('\n')[0];
	}
	if (err)
		return tap.ok(false, `axe wcag2a/aa: ${what}`, [`axe did not run: ${err}`]);
	const v = result.violations;
	const diags = [];
	for (const x of v) {
		diags.push(`${x.id} (${x.impact}): ${x.help} — ${x.helpUrl}`);
		for (const n of x.nodes.slice(0, AXE_MAX_TARGETS))
			diags.push(`    at ${n.target.join(' ')}${n.failureSummary ? ': ' + (n.failureSummary.split('\n')[1] || '').trim() : ''}`);
		if (x.nodes.length > AXE_MAX_TARGETS)
			diags.push(`    … and ${x.nodes.length - AXE_MAX_TARGETS} more`);
	}
	return tap.ok(v.length === 0, `axe wcag2a/aa: ${what}` +
		(v.length ? ` (${v.length} rules violated)` : ''), diags);
}

// Every .html file under dir, relative, '/'-separated, sorted; 404.html
// and index.html sort like the others.
export function htmlFiles(dir) {
	const out = [];
	const walk = (d, rel) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			const r = rel ? `${rel}/${e.name}` : e.name;
			if (e.isDirectory())
				walk(path.join(d, e.name), r);
			else if (e.isFile() && e.name.endsWith('.html'))
				out.push(r);
		}
	};
	walk(dir, '');
	return out.sort();
}

// Every file under dir (for bounding a crawl).
export function countFiles(dir) {
	let n = 0;
	const walk = d => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory())
				walk(path.join(d, e.name));
			else
				n++;
		}
	};
	walk(dir);
	return n;
}

// The URL of a page file under a base URL ending in '/'.  Path segments
// are percent-encoded one by one so '/' stays a separator.
export function pageURL(base, rel) {
	return base + rel.split('/').map(encodeURIComponent).join('/');
}

// TAP writer: ok(cond, desc, diags) prints one line, and the diagnostics
// when it failed; done() prints the plan and sets the exit code.
export class Tap {
	constructor() {
		this.n = 0;
		this.failed = 0;
	}
	ok(cond, desc, diags = []) {
		this.n++;
		if (!cond)
			this.failed++;
		console.log(`${cond ? 'ok' : 'not ok'} ${this.n} - ${oneLine(desc)}`);
		if (!cond)
			for (const d of diags)
				this.diag(d);
		return cond;
	}
	skip(desc, why) {
		this.n++;
		console.log(`ok ${this.n} - ${oneLine(desc)} # SKIP ${oneLine(why)}`);
	}
	diag(s) {
		for (const l of String(s).split('\n'))
			console.log(`#   ${l}`);
	}
	done() {
		console.log(`1..${this.n}`);
		process.exitCode = this.failed ? 1 : 0;
	}
}

export function oneLine(s) {
	return String(s).replace(/\s+/g, ' ').trim();
}

// Arguments: positional ones, in order; a usage line when too few.
export function args(min, usage) {
	const a = process.argv.slice(2);
	if (a.length < min) {
		console.log(`not ok 1 - usage: ${usage}`);
		process.exit(2);
	}
	return a;
}

// Ends the process if the test overruns: every test has a hard limit, so
// a hung browser cannot hold the suite.
export function deadline(seconds, tap) {
	const t = setTimeout(() => {
		tap.ok(false, `finished within ${seconds} s`);
		tap.done();
		process.exit(1);
	}, seconds * 1000);
	t.unref();
}

// Types q into the theme's search field (focused with a click), presses
// Enter, and waits up to `wait` ms for the status line to speak of this
// query (found or not found).  Throws when it does not.
export async function typeSearch(page, q, wait) {
	const box = page.getByRole('searchbox', { name: 'サイト内検索' });
	await box.click();
	await box.fill('');
	await page.keyboard.type(q);
	await page.keyboard.press('Enter');
	await page.waitForFunction(q => [...document.querySelectorAll('[role="status"]')]
		.some(s => s.textContent.includes(`「${q}」`) &&
			/見つかりました|見つかりませんでした/.test(s.textContent)), q, { timeout: wait });
}
